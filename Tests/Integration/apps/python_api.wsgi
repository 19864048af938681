# Exercises the mod_wsgi module's API: events and their payloads, request_data(), metrics,
# LogHandler and subscribe_shutdown. PATH_INFO picks what to report.
import json
import logging
import os
import threading

import mod_wsgi

mod_wsgi.start_recording_metrics()
events = []
finished_keys = set()
started_keys = set()
response_events = []
statuses = []
timings = []
MARKER = os.path.join(os.path.dirname(__file__), "stopping-" + (mod_wsgi.application_group or "main"))


def on_event(name, **payload):
    events.append(name)
    if name == "request_started":
        started_keys.update(payload)
        payload["request_data"]["thread_name"] = threading.current_thread().name
        payload["request_data"]["pid"] = os.getpid()
        return {"added_by_subscriber": True}
    if name == "response_started":
        response_events.append([payload["response_status"], payload["response_headers"]])
    if name == "request_finished":
        finished_keys.update(k for k in payload if k != "request_data")
        statuses.append(payload["status"])
        timings.append([payload["output_time"], payload["gil_wait_count"], payload["output_length"]])


def on_shutdown(name, **payload):
    with open(MARKER, "w") as marker:
        marker.write("%s %s" % (name, payload.get("shutdown_reason")))


def on_signal(name, **payload):
    with open(MARKER.replace("stopping-", "signal-"), "a") as marker:
        marker.write("%s %s %s\n" % (name, payload.get("signame"), payload.get("signum")))


def failing_subscriber(name, **payload):
    if name == "request_started" and payload["request_environ"].get("PATH_INFO") == "/log":
        raise KeyError("subscriber failed on purpose")


mod_wsgi.subscribe_events(on_event)
mod_wsgi.subscribe_events(failing_subscriber)
mod_wsgi.subscribe_signals(on_signal)
mod_wsgi.subscribe_shutdown(on_shutdown)
logger = logging.getLogger("python_api_test")
logger.addHandler(mod_wsgi.LogHandler())
logger.setLevel(logging.DEBUG)


def application(environ, start_response):
    name = environ["PATH_INFO"].strip("/")
    if name == "raise":
        raise ValueError("for the request_exception event")
    if name == "log":
        logger.warning("MARK_LOGHANDLER_WARNING")
        logger.error("MARK_LOGHANDLER_ERROR line one\nline two")
    import apache
    report = {
        "events": events,
        "started_keys": sorted(started_keys),
        "finished_keys": sorted(finished_keys),
        "response_events": response_events[-1:],
        "request_data": {k: v for k, v in mod_wsgi.request_data().items()},
        "process_metrics": sorted(mod_wsgi.process_metrics()),
        "request_count": mod_wsgi.process_metrics()["request_count"],
        "request_metrics": mod_wsgi.request_metrics(),
        "server_metrics": mod_wsgi.server_metrics(),
        "active_requests": type(mod_wsgi.active_requests).__name__,
        "callbacks": [len(mod_wsgi.event_callbacks), len(mod_wsgi.shutdown_callbacks)],
        "apache_mpm": apache.mpm_name,
        "group": mod_wsgi.application_group,
        "statuses": statuses,
        "timings": timings[-1:],
    }
    body = json.dumps(report).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
