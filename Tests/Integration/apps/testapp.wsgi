"""One WSGI app for the integration tests; PATH_INFO picks the behaviour."""
import hashlib
import json
import os
import threading
import time


def hello(environ, start_response):
    body = b"Hello World!"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def environ_dump(environ, start_response):
    shown = {}
    for key, value in environ.items():
        shown[key] = value if isinstance(value, str) else repr(value)
    shown["_types"] = {k: type(v).__name__ for k, v in environ.items()}
    import mod_wsgi
    shown["_mod_wsgi"] = {
        "process_group": mod_wsgi.process_group,
        "application_group": mod_wsgi.application_group,
        "maximum_processes": mod_wsgi.maximum_processes,
        "threads_per_process": mod_wsgi.threads_per_process,
        "version": list(mod_wsgi.version),
    }
    body = json.dumps(shown, sort_keys=True).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def echo(environ, start_response):
    """Reads the whole body in uneven pieces and reports its size and digest."""
    stream = environ["wsgi.input"]
    digest = hashlib.sha256()
    size = 0
    while True:
        block = stream.read(65521)
        if not block:
            break
        digest.update(block)
        size += len(block)
    body = json.dumps({"size": size, "sha256": digest.hexdigest()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def stream(environ, start_response):
    """Streams QUERY_STRING MiB in 64 KiB pieces without Content-Length."""
    mib = int(environ.get("QUERY_STRING") or "1")
    piece = b"x" * 65536
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("X-Pid", str(os.getpid()))])
    for _ in range(mib * 16):
        yield piece


def headers(environ, start_response):
    start_response("200 OK", [
        ("Content-Type", "text/plain"),
        ("X-Test-Repeated", "first-value"),
        ("X-Test-Repeated", "second-value"),
        ("Set-Cookie", "a=1; Path=/"),
        ("Set-Cookie", "b=2; Path=/"),
    ])
    return [b"headers"]


def whoami(environ, start_response):
    body = json.dumps({"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
                       "groups": os.getgroups(), "pid": os.getpid(), "cwd": os.getcwd()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def sleep(environ, start_response):
    seconds = float(environ.get("QUERY_STRING") or "1")
    started = time.time()
    time.sleep(seconds)
    body = json.dumps({"pid": os.getpid(), "thread": threading.get_ident(),
                       "start": started, "end": time.time()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def fail(environ, start_response):
    raise RuntimeError("boom from the test app")


def fail_mid_body(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "100000")])
    yield b"y" * 1000
    # Give the module time to flush the head and first bytes to the client; an abort that comes
    # before anything was sent may honestly become a 502 instead.
    time.sleep(0.3)
    raise RuntimeError("broke after the headers")


def pid(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]


ROUTES = {"/hello": hello, "/environ": environ_dump, "/echo": echo, "/stream": stream,
          "/headers": headers, "/whoami": whoami, "/sleep": sleep, "/fail": fail,
          "/fail-mid-body": fail_mid_body, "/pid": pid}


def application(environ, start_response):
    first_segment = "/" + environ.get("PATH_INFO", "").lstrip("/").split("/")[0]
    handler = ROUTES.get(first_segment, hello)
    return handler(environ, start_response)
