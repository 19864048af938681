"""What an application sees of the engine, call for call as under mod_wsgi 6 (issue 7 §5): the
start_response checks, wsgi.errors and its binary buffer, the environ's object types, error log
lines, RequestTimeout, script reloading, restricted stdin and application groups. Each runs on a
real Apache with our module."""
import http.client
import os
import subprocess
import time

import pytest

from conftest import ApacheServer

CONFIG = """
WSGIRestrictStdin On
WSGIDaemonProcess engine processes=1 threads=2 request-timeout=2 interrupt-timeout=5 user=www-data group=www-data
WSGIProcessGroup engine
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias /e @APP@/engine_behaviour.wsgi
WSGIScriptAlias /sub @APP@/engine_behaviour.wsgi application-group=named-group
WSGIScriptAlias /raising @APP@/engine_reload_raising.wsgi
"""


@pytest.fixture(scope="module")
def server():
    server = ApacheServer(CONFIG, apps=["engine_behaviour.wsgi", "engine_reload_raising.wsgi"])
    os.chmod(server.app_dir, 0o777)   # the RequestTimeout catch marker
    server.start()
    yield server
    server.cleanup()


def get(server, path):
    status, headers, body = server.get(path)
    return status, dict(headers), body.decode("latin-1")


def get_partial(server, path):
    """Status and body of a response whose end is aborted (as a client like curl shows it)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        try:
            body = response.read()
        except http.client.IncompleteRead as error:
            body = error.partial
        return response.status, body.decode("latin-1")
    finally:
        connection.close()


@pytest.mark.parametrize("case,expected", [
    ("status-no-digits", "ValueError:status code must be a 3 digit integer: b'OK';end"),
    ("status-four-digits", "ValueError:status code must be a 3 digit integer: b'2000 OK';end"),
    ("status-no-space", "ValueError:no space following status code: b'200OK';end"),
    ("status-crlf", "ValueError:control character in status reason phrase: b'200 OK\\r\\nX-Injected: yes';end"),
    ("header-empty-name", "ValueError:header name is empty;end"),
    ("header-space-name", "ValueError:space character in header name: b'X Foo';end"),
    ("header-tab-name", "ValueError:control character in header name: b'X\\tFoo';end"),
    ("header-crlf-value", "ValueError:carriage return/line feed character in header value: b'line1\\r\\nline2';end"),
    ("header-int-name", "TypeError:must be str, not int;end"),
    ("header-not-latin1", "UnicodeEncodeError:'latin-1' codec can't encode characters in position 0-1: ordinal not in range(256);end"),
    ("header-not-tuple", "TypeError:each header must be a 2-tuple, not str;end"),
    ("header-three", "ValueError:each header must be a 2-tuple, got length 3;end"),
    ("headers-str", "TypeError:start_response() argument 2 must be list, not str;end"),
    ("headers-tuple", "TypeError:start_response() argument 2 must be list, not tuple;end"),
    ("headers-dict", "TypeError:start_response() argument 2 must be list, not dict;end"),
    ("exc-info-str", "RuntimeError:start_response() argument 'exc_info' must be a 3-tuple or None;end"),
])
def test_start_response_refuses_as_mod_wsgi_does(server, case, expected):
    assert get(server, f"/e/bad/{case}")[::2] == (200, expected)


def test_a_second_call_replaces_until_output_then_raises(server):
    status, headers, body = get(server, "/e/double-before")
    assert (status, body, headers.get("X-Second"), "X-First" in headers) == (201, "second-wins", "2", False)
    assert get(server, "/e/double-after")[::2] == (200, "pre-err:start_response() called more than once without exc_info")
    assert get(server, "/e/exc-info-after")[::2] == (200, "sent-reraised:intentional")


def test_wsgi_errors_is_a_text_wrapper_whose_buffer_takes_any_bytes(server):
    assert get(server, "/e/errors-buffer")[0] == 200
    for mark in ("MARK_BYTES", "MARK_BYTEARRAY", "MARK_MEMORYVIEW", "MARK_WL_BYTES", "MARK_WL_BYTEARRAY",
                 "MARK_WL_MEMORYVIEW", "MARK_TEXT_A", "MARK_TEXT_B"):
        server.wait_for_log(mark)


def test_environ_object_types(server):
    status, _, body = get(server, "/e/types")
    assert status == 200
    errors, wrapper, same, stream, apache_version, stdout, stderr = body.split("|")
    assert (errors, wrapper, same, stream) == ("_io.TextIOWrapper", "mod_wsgi.FileWrapper", "True", "mod_wsgi.Input")
    assert apache_version.startswith("(2, 4, "), apache_version
    assert (stdout, stderr) == ("_io.TextIOWrapper", "_io.TextIOWrapper")


def test_error_log_lines(server):
    assert get(server, "/e/raise-first")[0] == 500
    server.wait_for_log("RuntimeError exception raised processing WSGI script")
    server.wait_for_log("RuntimeError: raise-first-boom")
    assert get(server, "/e/raise-systemexit")[0] == 500
    server.wait_for_log("SystemExit exception raised by WSGI script")
    server.wait_for_log("SystemExit: raise-systemexit-msg")
    assert get(server, "/e/raise-request-timeout")[0] == 504
    server.wait_for_log("Request interrupted by RequestTimeout; thread recovered.")
    log = server.log()
    assert "[wsgi:info]" in next(line for line in log.splitlines() if "Request interrupted by RequestTimeout" in line)
    assert "raise-request-timeout-msg" not in log and "(RequestTimeout) raised" not in log
    assert get(server, "/e/non-bytes-first")[0] == 500
    assert get_partial(server, "/e/non-bytes-midway") == (200, "bytes-ok")


def test_request_timeout_injection(server):
    assert get(server, "/e/fast")[0] == 200
    pid = server.worker_pids()
    started = time.time()
    assert get(server, "/e/slow")[0] == 504, server.log()[-4000:]
    assert time.time() - started < 15
    assert get(server, "/e/fast")[0] == 200
    assert get(server, "/e/catch")[0] == 504
    assert os.path.exists(os.path.join(server.app_dir, "caught")), "the app's own except RequestTimeout ran"
    assert server.worker_pids() == pid, "the process was not restarted"
    server.wait_for_log("Injected RequestTimeout into thread")


def test_script_reloading(server):
    first = get(server, "/e/strip-mtime")[2]
    second = get(server, "/e/strip-mtime")[2]
    assert first != second, "a module without __mtime__ is reloaded"
    assert get(server, "/e/strip-mtime")[2] != second
    one, two = get(server, "/raising")[2], get(server, "/raising")[2]
    assert one == two, "a raising reload_required() does not force a reload"
    server.wait_for_log("RuntimeError: reload_required callback intentionally raising")
    server.wait_for_log("RuntimeError exception raised processing WSGI script "
                        f"'{server.app_dir}/engine_reload_raising.wsgi' for main interpreter of daemon process 'engine'.")


def test_restricted_stdin_and_named_group(server):
    body = get(server, "/e/stdin")[2]
    assert body.startswith("RESTRICTED: ") and "sys.stdin" in body
    assert get(server, "/sub/group")[::2] == (200, "application_group=named-group")


@pytest.mark.parametrize("mount", ["/e", "/sub"])
def test_the_apache_module(server, mount):
    import ast
    version, mpm, processes, threads, description, built = ast.literal_eval(get(server, f"{mount}/apache")[2])
    banner = subprocess.run(["/usr/sbin/apache2", "-v"], capture_output=True, text=True).stdout
    assert "Apache/%d.%d.%d" % version in banner
    # ThreadsPerChild 25; the processes Apache's MPM reports using when the daemons are configured.
    assert (mpm, threads) == ("event", 25) and 1 <= processes <= 2
    assert description.startswith("Apache/%d.%d.%d" % version)
    assert built and built in banner
