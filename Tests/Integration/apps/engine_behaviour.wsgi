# One endpoint per engine behaviour an application can observe (issue 7 §5); PATH_INFO picks it.
import os
import sys
import time

import mod_wsgi

LOADED = time.time_ns()


def text(start_response, body, status="200 OK"):
    start_response(status, [("Content-Type", "text/plain")])
    return [body.encode()]


def attempt(start_response, *arguments):
    """Calls start_response with bad arguments; answers with the exception it raised."""
    try:
        start_response(*arguments)
    except Exception as error:
        return text(start_response, "%s:%s;end" % (type(error).__name__, error))
    return text(start_response, "no-error-raised;end")


BAD_CALLS = {
    "status-no-digits": ("OK", []),
    "status-four-digits": ("2000 OK", []),
    "status-no-space": ("200OK", []),
    "status-crlf": ("200 OK\r\nX-Injected: yes", []),
    "header-empty-name": ("200 OK", [("", "v")]),
    "header-space-name": ("200 OK", [("X Foo", "v")]),
    "header-tab-name": ("200 OK", [("X\tFoo", "v")]),
    "header-crlf-value": ("200 OK", [("X-Foo", "line1\r\nline2")]),
    "header-int-name": ("200 OK", [(42, "v")]),
    "header-not-latin1": ("200 OK", [("X-Foo", "\u65e5\u672c")]),
    "header-not-tuple": ("200 OK", ["X-Foo:v"]),
    "header-three": ("200 OK", [("a", "b", "c")]),
    "headers-str": ("200 OK", "Content-Type: text/plain"),
    "headers-tuple": ("200 OK", (("Content-Type", "text/plain"),)),
    "headers-dict": ("200 OK", {"Content-Type": "text/plain"}),
    "exc-info-str": ("200 OK", [], "not-a-tuple"),
}


def application(environ, start_response):
    path = environ["PATH_INFO"]
    name = path.rsplit("/", 1)[-1]
    if path.startswith("/bad/"):
        return attempt(start_response, *BAD_CALLS[name])
    if name == "double-before":
        start_response("200 OK", [("X-First", "1")])
        start_response("201 Created", [("X-Second", "2")])
        return [b"second-wins"]
    if name == "double-after":
        write = start_response("200 OK", [])
        write(b"pre-")
        try:
            start_response("500 Error", [])
        except RuntimeError as error:
            write(("err:" + str(error)).encode())
        return []
    if name == "exc-info-after":
        write = start_response("200 OK", [])
        write(b"sent-")
        try:
            raise RuntimeError("intentional")
        except RuntimeError:
            try:
                start_response("500 Error", [], sys.exc_info())
            except RuntimeError as error:
                write(("reraised:" + str(error)).encode())
        return []
    if name == "errors-buffer":
        buffer = environ["wsgi.errors"].buffer
        buffer.write(b"MARK_BYTES\n")
        buffer.write(bytearray(b"MARK_BYTEARRAY\n"))
        buffer.write(memoryview(b"MARK_MEMORYVIEW\n"))
        buffer.writelines([b"MARK_WL_BYTES\n", bytearray(b"MARK_WL_BYTEARRAY\n"), memoryview(b"MARK_WL_MEMORYVIEW\n")])
        environ["wsgi.errors"].writelines(["MARK_TEXT_A\n", "MARK_TEXT_B\n"])
        buffer.flush()
        return text(start_response, "done")
    if name == "types":
        def qualified(value):
            kind = value if isinstance(value, type) else type(value)
            return kind.__module__ + "." + kind.__name__
        return text(start_response, "|".join([
            qualified(environ["wsgi.errors"]), qualified(environ["wsgi.file_wrapper"]),
            str(environ["wsgi.file_wrapper"] is mod_wsgi.FileWrapper), qualified(environ["wsgi.input"]),
            repr(environ.get("apache.version")), qualified(sys.stdout), qualified(sys.stderr)]))
    if name == "raise-first":
        def generate():
            raise RuntimeError("raise-first-boom")
            yield b""
        start_response("200 OK", [])
        return generate()
    if name == "raise-systemexit":
        raise SystemExit("raise-systemexit-msg")
    if name == "raise-request-timeout":
        raise mod_wsgi.RequestTimeout("raise-request-timeout-msg")
    if name == "non-bytes-first":
        start_response("200 OK", [])
        return ["not-bytes"]
    if name == "non-bytes-midway":
        start_response("200 OK", [])
        return [b"bytes-ok", 12345]
    if name == "slow":
        while True:
            pass
    if name == "catch":
        try:
            while True:
                pass
        except mod_wsgi.RequestTimeout:
            with open(os.path.join(os.path.dirname(__file__), "caught"), "w") as marker:
                marker.write("caught\n")
            raise
    if name == "strip-mtime":
        sys.modules[__name__].__dict__.pop("__mtime__", None)
        return text(start_response, str(LOADED))
    if name == "stdin":
        try:
            sys.stdin.read
            return text(start_response, "NOT_RESTRICTED")
        except OSError as error:
            return text(start_response, "RESTRICTED: " + str(error))
    if name == "apache":
        import apache
        return text(start_response, repr((apache.version, apache.mpm_name, apache.maximum_processes,
                                          apache.threads_per_process, apache.description, apache.build_date)))
    if name == "group":
        return text(start_response, "application_group=" + mod_wsgi.application_group)
    return text(start_response, str(LOADED))
