"""The `mod_wsgi` Python module's API as mod_wsgi 6 gives it (issue 7 §3), in the main
interpreter and in a sub-interpreter, on a real Apache: events and their payloads,
request_data(), the metrics functions, LogHandler and subscribe_shutdown."""
import json
import os
import threading

import pytest

from conftest import ApacheServer

CONFIG = """
WSGIDaemonProcess api processes=1 threads=2 user=www-data group=www-data
WSGIProcessGroup api
WSGIScriptAlias /main @APP@/python_api.wsgi application-group=%{GLOBAL}
WSGIScriptAlias /sub @APP@/python_api.wsgi application-group=api-sub
"""

FINISHED_KEYS = {"thread_id", "request_start", "queue_start", "daemon_start", "status", "gil_wait_time",
                 "gil_wait_count", "input_reads", "input_length", "output_length", "output_writes",
                 "application_time", "cpu_time"}
REQUEST_METRICS = {"request_count", "capacity_utilization", "request_throughput", "sample_period",
                   "gil_wait_time", "gil_wait_time_buckets", "gil_wait_count", "input_read_time",
                   "input_read_time_buckets", "output_write_time", "output_write_time_buckets", "input_bytes",
                   "input_reads", "output_bytes", "output_writes"}


@pytest.fixture(scope="module")
def server():
    server = ApacheServer(CONFIG, apps=["python_api.wsgi"])
    os.chmod(server.app_dir, 0o777)   # the shutdown markers
    server.start()
    yield server
    server.cleanup()


def report(server, path):
    status, _, body = server.get(path)
    assert status == 200, (body, server.log()[-3000:])
    return json.loads(body)


@pytest.mark.parametrize("mount", ["/main", "/sub"])
def test_events_request_data_and_metrics(server, mount):
    report(server, f"{mount}/warm")
    seen = report(server, f"{mount}/report")
    assert {"request_started", "response_started", "request_finished"} <= set(seen["events"])
    assert {"thread_id", "request_start", "application_object", "callable_object", "request_environ",
            "request_data"} <= set(seen["started_keys"])
    assert FINISHED_KEYS <= set(seen["finished_keys"])
    assert seen["response_events"] == [["200 OK", [["Content-Type", "application/json"]]]]
    data = seen["request_data"]
    assert data["pid"] > 0 and data["thread_name"]
    assert {"pid", "request_count", "request_busy_time", "threads"} <= set(seen["process_metrics"])
    assert seen["request_count"] >= 1
    assert REQUEST_METRICS <= set(seen["request_metrics"])
    assert seen["server_metrics"] is None
    assert seen["active_requests"] == "dict" and seen["callbacks"] == [1, 1]
    assert seen["apache_mpm"] == "event"
    assert seen["group"] == ("" if mount == "/main" else "api-sub")


def test_request_exception_event_and_log_handler(server):
    status, _, _ = server.get("/main/raise")
    assert status == 500
    seen = report(server, "/main/log")
    assert "request_exception" in seen["events"]
    assert seen["statuses"][-1] == 500, "request_finished reports the 500 the client got"
    server.wait_for_log("MARK_LOGHANDLER_ERROR line one")
    log = server.log()
    assert "line two" in log
    assert "[wsgi:warn]" in next(line for line in log.splitlines() if "MARK_LOGHANDLER_WARNING" in line)




def test_process_stopping_reaches_shutdown_subscribers_in_every_interpreter(apache):
    server = apache(CONFIG, apps=["python_api.wsgi"], start=False)
    os.chmod(server.app_dir, 0o777)
    server.start()
    report(server, "/main/x")
    report(server, "/sub/x")
    server.stop()
    for name in ("stopping-main", "stopping-api-sub"):
        with open(os.path.join(server.app_dir, name)) as marker:
            assert marker.read() == "process_stopping shutdown_signal"
