"""Daemon mode end to end: real Apache, our module, the Swift supervisor and workers, CPython."""
import concurrent.futures
import json
import os
import signal
import socket
import time

import pytest

SITE = """
WSGIDaemonProcess site processes=2 threads=4 user=www-data group=www-data display-name=%{GROUP}
WSGIProcessGroup site
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias / @APP@/testapp.wsgi
"""


@pytest.fixture
def site(apache):
    return apache(SITE, apps=["testapp.wsgi"])


def test_hello(site):
    status, headers, body = site.get("/hello")
    assert (status, body) == (200, b"Hello World!")
    assert dict(headers)["Content-Type"] == "text/plain"


def test_environ_has_what_mod_wsgi_sends(site, www_data):
    status, _, body = site.get("/environ/extra?x=1&y=%20", headers={"X-Custom-Thing": "yes",
                                                                    "Proxy": "http://evil"})
    assert status == 200
    env = json.loads(body)
    assert env["REQUEST_METHOD"] == "GET"
    assert env["SCRIPT_NAME"] == ""
    assert env["PATH_INFO"] == "/environ/extra"
    assert env["QUERY_STRING"] == "x=1&y=%20"
    assert env["REQUEST_URI"] == "/environ/extra?x=1&y=%20"
    assert env["SERVER_NAME"] == "127.0.0.1"
    assert env["SERVER_PORT"] == str(site.port)
    assert env["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert env["REMOTE_ADDR"] == "127.0.0.1"
    assert env["HTTP_HOST"] == f"127.0.0.1:{site.port}"
    assert env["HTTP_X_CUSTOM_THING"] == "yes"
    assert "HTTP_PROXY" not in env, "httpoxy: Proxy must never become HTTP_PROXY"
    assert env["SCRIPT_FILENAME"] == os.path.join(site.app_dir, "testapp.wsgi")
    assert env["wsgi.url_scheme"] == "http"
    assert env["wsgi.version"] == "(1, 0)"
    assert env["wsgi.multithread"] == "True"
    assert env["wsgi.multiprocess"] == "True"
    assert env["wsgi.run_once"] == "False"
    assert env["wsgi.input_terminated"] == "True"
    for key in ("wsgi.input", "wsgi.errors", "wsgi.file_wrapper"):
        assert key in env
    assert env["mod_wsgi.process_group"] == "site"
    assert env["mod_wsgi.application_group"] == ""
    assert env["mod_wsgi.callable_object"] == "application"
    assert env["mod_wsgi.script_name"] == ""
    assert env["mod_wsgi.path_info"] == "/environ/extra"
    assert not [k for k in env if k.startswith("mod_wsgi.x-")], "control keys must stay hidden"
    assert "PATH" not in env
    assert env["_mod_wsgi"]["process_group"] == "site"
    assert env["_mod_wsgi"]["maximum_processes"] == 2
    assert env["_mod_wsgi"]["threads_per_process"] == 4


def test_authorization_hidden_unless_passed(apache):
    hidden = apache(SITE, apps=["testapp.wsgi"])
    env = json.loads(hidden.get("/environ", headers={"Authorization": "Basic Zm9vOmJhcg=="})[2])
    assert "HTTP_AUTHORIZATION" not in env
    passed = apache(SITE + "WSGIPassAuthorization On\n", apps=["testapp.wsgi"])
    env = json.loads(passed.get("/environ", headers={"Authorization": "Basic Zm9vOmJhcg=="})[2])
    assert env["HTTP_AUTHORIZATION"] == "Basic Zm9vOmJhcg=="


def test_post_5mib_with_content_length(site):
    import hashlib
    body = os.urandom(5 * 1024 * 1024)
    status, _, reply = site.request("POST", "/echo", body=body,
                                    headers={"Content-Type": "application/octet-stream"})
    assert status == 200
    assert json.loads(reply) == {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_post_5mib_chunked(apache):
    import hashlib
    server = apache(SITE + "WSGIChunkedRequest On\n", apps=["testapp.wsgi"])
    body = os.urandom(5 * 1024 * 1024)

    def pieces():
        for i in range(0, len(body), 100_000):
            yield body[i:i + 100_000]

    # http.client sends an iterable body with Transfer-Encoding: chunked.
    status, _, reply = server.request("POST", "/echo", body=pieces())
    assert status == 200
    assert json.loads(reply) == {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_chunked_refused_without_directive(site):
    status, _, _ = site.request("POST", "/echo", body=iter([b"abc"]))
    assert status == 411


def test_50mib_streamed_response_keeps_worker_memory_bounded(site):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)
    conn.request("GET", "/stream?50")
    response = conn.getresponse()
    assert response.status == 200
    pid = int(response.getheader("X-Pid"))
    rss_before = rss_kib(pid)
    total = 0
    peak = rss_before
    while True:
        block = response.read(1024 * 1024)
        if not block:
            break
        total += len(block)
        peak = max(peak, rss_kib(pid))
    conn.close()
    assert total == 50 * 1024 * 1024
    assert peak - rss_before < 16 * 1024, f"worker RSS grew {peak - rss_before} KiB while streaming"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_repeated_headers_merge_but_set_cookie_stays_separate(site):
    status, headers, _ = site.get("/headers")
    assert status == 200
    assert [v for k, v in headers if k == "X-Test-Repeated"] == ["first-value, second-value"]
    assert [v for k, v in headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]


def test_worker_runs_as_www_data(site, www_data):
    info = json.loads(site.get("/whoami")[2])
    assert info["uid"] == info["euid"] == www_data.pw_uid
    assert info["gid"] == www_data.pw_gid
    assert 0 not in info["groups"]


def test_eight_concurrent_one_second_requests_on_2x4(site):
    site.get("/hello")  # both processes up
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: site.get("/sleep?1"), range(8)))
    elapsed = time.time() - started
    assert [r[0] for r in results] == [200] * 8
    assert elapsed < 2.5, f"8 x 1 s on 2 processes x 4 threads took {elapsed:.2f} s"
    pids = {json.loads(r[2])["pid"] for r in results}
    assert len(pids) == 2, "both daemon processes should have served"


def test_sigkill_of_a_worker_gives_502_then_recovers(apache):
    server = apache(SITE.replace("processes=2", "processes=1"), apps=["testapp.wsgi"])
    [victim] = {int(server.get("/pid")[2]) for _ in range(3)}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(server.get, "/sleep?5")
        time.sleep(0.5)  # the request is inside the app now
        os.kill(victim, signal.SIGKILL)
        status, _, _ = pending.result(timeout=10)
    assert status == 502
    server.wait_for_log("SIGKILL")
    deadline = time.time() + 2
    while True:
        status, _, body = server.get("/pid")
        if status == 200 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert status == 200
    assert int(body) != victim


def test_graceful_restart_serves_from_new_workers(site):
    old = {json.loads(site.get("/whoami")[2])["pid"] for _ in range(6)}
    result = site.apachectl("graceful")
    assert result.returncode == 0, result.stderr
    deadline = time.time() + 10
    new = set()
    while time.time() < deadline:
        status, _, body = site.get("/whoami")
        if status == 200:
            pid = json.loads(body)["pid"]
            if pid not in old:
                new.add(pid)
                break
        time.sleep(0.1)
    assert new, f"no request served by a new worker after graceful\n{site.log()}"
    for pid in old:
        wait_gone(pid)


def wait_gone(pid, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return
        with open(f"/proc/{pid}/stat") as f:
            if f.read().split()[2] == "Z":
                return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still running")


def test_stop_leaves_no_process_and_no_socket(site):
    assert site.get("/hello")[0] == 200
    assert site.descendants_left(), "supervisor and workers should be running"
    assert site.sockets(), "the group socket should exist while running"
    site.stop()
    deadline = time.time() + 10
    while site.descendants_left() and time.time() < deadline:
        time.sleep(0.05)
    assert not site.descendants_left()
    assert not site.sockets()


def test_socket_is_owned_by_apache_user_mode_0600(site, www_data):
    site.get("/hello")
    [path] = site.sockets()
    st = os.stat(path)
    assert st.st_uid == www_data.pw_uid
    assert st.st_mode & 0o777 == 0o600


def test_exception_gives_500_and_traceback_in_log(site):
    status, _, _ = site.get("/fail")
    assert status == 500
    site.wait_for_log("RuntimeError: boom from the test app")
    assert "Traceback (most recent call last)" in site.log()


def test_failure_after_headers_aborts_the_connection(site):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    conn.request("GET", "/fail-mid-body")
    response = conn.getresponse()
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    conn.close()
    site.wait_for_log("broke after the headers")


def test_syntax_error_gives_500_naming_the_file(apache):
    server = apache("""
WSGIDaemonProcess broken threads=2 user=www-data group=www-data
WSGIProcessGroup broken
WSGIScriptAlias / @APP@/syntax_error.wsgi
""", apps=["syntax_error.wsgi"])
    status, _, _ = server.get("/")
    assert status == 500
    server.wait_for_log(os.path.join(server.app_dir, "syntax_error.wsgi"))
    assert "SyntaxError" in server.log()


def test_missing_socket_is_503_after_connect_timeout(apache):
    server = apache(SITE.replace("display-name=%{GROUP}", "connect-timeout=1"), apps=["testapp.wsgi"])
    assert server.get("/hello")[0] == 200
    # Take the daemon side away by stopping the supervisor's children and the socket.
    for path in server.sockets():
        os.unlink(path)
    started = time.time()
    status = server.get("/hello")[0]
    assert status == 503
    assert time.time() - started < 5


def test_requests_at_start_up_wait_for_the_workers(apache):
    # Sent the moment Apache listens: the supervisor may still be creating the socket and the
    # workers starting. Each request must wait for them (within connect-timeout), never fail.
    server = apache(SITE, apps=["testapp.wsgi"])
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = [r[0] for r in pool.map(lambda _: server.get("/hello"), range(8))]
    assert statuses == [200] * 8, server.log()
