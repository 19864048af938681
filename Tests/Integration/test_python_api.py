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
PHASES = ("server_time", "queue_time", "daemon_time", "application_time", "request_time", "gil_wait_time",
          "input_read_time", "output_write_time")
REQUEST_METRICS = ({"pid", "start_time", "stop_time", "sample_period", "cpu_user_time", "cpu_system_time",
                    "cpu_time", "request_threads_maximum", "capacity_utilization", "request_count",
                    "request_throughput", "gil_wait_count", "input_bytes", "input_reads", "output_bytes",
                    "output_writes", "status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx"}
                   | {phase + suffix for phase in PHASES for suffix in ("", "_min_us", "_max_us", "_buckets")})


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
    metrics = seen["request_metrics"]
    assert REQUEST_METRICS <= set(metrics), REQUEST_METRICS - set(metrics)
    assert metrics["request_count"] >= 1 and metrics["status_2xx"] >= 1 and metrics["output_writes"] >= 1
    assert all(len(metrics[phase + "_buckets"]) == 65 for phase in PHASES)
    assert sum(metrics["request_time_buckets"]) == metrics["status_2xx"] + metrics["status_5xx"]
    assert metrics["request_time_max_us"] >= metrics["request_time_min_us"] > 0
    output_time, gil_waits, output_length = seen["timings"][0]
    assert output_time >= 0 and gil_waits >= 1 and output_length > 0
    assert seen["server_metrics"] is None
    assert seen["active_requests"] == "dict" and seen["callbacks"] == [2, 1]
    assert seen["apache_mpm"] == "event"
    assert seen["group"] == ("" if mount == "/main" else "api-sub")


def test_request_exception_event_and_log_handler(server):
    status, _, _ = server.get("/main/raise")
    assert status == 500
    seen = report(server, "/main/log")
    assert "request_exception" in seen["events"]
    assert seen["statuses"][-1] == 500, "request_finished reports the 500 the client got"
    server.wait_for_log("MARK_LOGHANDLER_ERROR line one")
    server.wait_for_log("WSGI0112: KeyError exception raised by event callback for 'request_started'.")
    server.wait_for_log("KeyError: 'subscriber failed on purpose'")
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


def test_sighup_and_sigusr2_reach_signal_subscribers_and_the_process_carries_on(apache):
    import signal
    import time
    server = apache(CONFIG, apps=["python_api.wsgi"], start=False)
    os.chmod(server.app_dir, 0o777)
    server.start()
    report(server, "/main/x")
    report(server, "/sub/x")
    (worker,) = server.worker_pids()
    os.kill(worker, signal.SIGUSR2)
    os.kill(worker, signal.SIGHUP)
    expected = sorted(["process_signal SIGUSR2 %d" % signal.SIGUSR2, "process_signal SIGHUP %d" % signal.SIGHUP])
    for name in ("signal-main", "signal-api-sub"):
        path = os.path.join(server.app_dir, name)
        deadline = time.time() + 10
        while time.time() < deadline and (not os.path.exists(path) or sorted(open(path).read().splitlines()) != expected):
            time.sleep(0.1)
        assert sorted(open(path).read().splitlines()) == expected
    assert server.worker_pids() == {worker}
    assert report(server, "/main/x")["events"].count("process_signal") == 2
