"""The module's request path end to end: a real Apache (event MPM) with the module built from
Sources/mod_wsgi, and fake_daemon.py standing in for mod_wsgi-daemon. Checks what a client sees:
statuses, headers, bodies, and that a broken response never looks complete.

Run: /usr/bin/python3 -m pytest -q apache-stub/e2e   (or `make -C apache-stub e2e`)
Ports 18300-18399; everything runs from a fresh world-readable temp dir.
"""
import json
import os
import socket
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCES = HERE.parents[1] / "Sources" / "mod_wsgi"
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
PORT = 18300 + os.getpid() % 90


@pytest.fixture(scope="module")
def server():
    root = pathlib.Path(tempfile.mkdtemp(prefix="wsgi-e2e-"))
    root.chmod(0o755)
    build = root / "build"
    build.mkdir()
    for source in list(SOURCES.glob("*.c")) + list(SOURCES.glob("*.h")):
        shutil.copy(source, build)
    sources = sorted(p.name for p in build.glob("*.c"))
    subprocess.run(["apxs", "-c", "-Wc,-Wall", "-Wc,-Werror", "-o", "mod_wsgi-swift.la"]
                   + sources, cwd=build, check=True, capture_output=True)
    module = build / ".libs" / "mod_wsgi-swift.so"
    os.symlink(HERE / "fake_daemon.py", build / ".libs" / "mod_wsgi-daemon")
    (root / "run").mkdir()
    (root / "app.wsgi").write_text("application = None\n")
    (root / "app.wsgi").chmod(0o644)
    # Upload folders whose .htaccess makes every file a WSGI script (AllowOverride FileInfo is
    # enough for SetHandler): only Options ExecCGI may let that run.
    for folder, htaccess in (("uploads", "SetHandler wsgi-script\n"),
                             ("uploads-exec", "SetHandler wsgi-script\nOptions +ExecCGI\n")):
        (root / folder).mkdir()
        (root / folder / ".htaccess").write_text(htaccess)
        (root / folder / "upload.py").write_text("application = None\n")
    conf = root / "httpd.conf"
    conf.write_text(f"""
ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{PORT}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
LogLevel info
DefaultRuntimeDir {root}/run
DocumentRoot {root}
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule wsgi_module {module}
User www-data
Group www-data
Timeout 5
WSGISocketPrefix {root}/run/wsgi
WSGIDaemonProcess e2e processes=1 threads=2 socket-timeout=3 connect-timeout=3
WSGIProcessGroup e2e
WSGIChunkedRequest On
WSGIScriptAlias /app {root}/app.wsgi
<Directory {root}>
    Require all granted
    AllowOverride FileInfo Options
</Directory>
""")
    subprocess.run([APACHE, "-f", str(conf), "-k", "start"], check=True, capture_output=True)
    log = root / "error.log"
    server = type("Server", (), {"root": root, "url": f"http://127.0.0.1:{PORT}/app",
                                 "log": lambda self: log.read_text(errors="replace")})()
    deadline = time.time() + 10
    while time.time() < deadline and "fake daemon serving" not in server.log():
        time.sleep(0.1)
    yield server
    pid = int((root / "httpd.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
            time.sleep(0.1)
        except ProcessLookupError:
            break
    shutil.rmtree(root, ignore_errors=True)


def curl(url, *args):
    """(exit code, status, headers text, body bytes, stderr) of one curl request."""
    result = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/stdout",
                             "--max-time", "15", *args, url], capture_output=True)
    out = result.stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    return result.returncode, status, "\n".join(lines[1:]), body, result.stderr.decode()


def test_ok(server):
    code, status, headers, body, _ = curl(server.url + "/ok")
    assert (code, status, body) == (0, 200, b"hello")
    assert "Content-Type: text/plain" in headers
    assert "Content-Length: 5" in headers


def test_environ_reaches_worker(server):
    code, status, _, body, _ = curl(server.url + "//env//x?q=1", "-H", "X-Foo: good",
                                    "-H", "X_Foo: evil", "-H", "Proxy: http://evil")
    environ = json.loads(body)
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/env/x"
    assert environ["QUERY_STRING"] == "q=1"
    assert environ["REQUEST_URI"] == "/app//env//x?q=1"
    assert environ["HTTP_X_FOO"] == "good"
    assert "HTTP_PROXY" not in environ and "PATH" not in environ
    assert "SERVER_SIGNATURE" not in environ
    assert environ["mod_wsgi.process_group"] == "e2e"
    assert environ["mod_wsgi.listener_port"] == str(PORT)
    assert int(environ["mod_wsgi.x-queue_start_us"]) >= int(environ["mod_wsgi.x-request_start_us"])


def test_chunked_upload_is_streamed(server):
    data = os.urandom(300_000)
    path = server.root / "upload.bin"
    path.write_bytes(data)
    code, status, _, body, _ = curl(server.url + "/echo", "-H", "Transfer-Encoding: chunked",
                                    "--data-binary", f"@{path}")
    assert (code, status) == (0, 200)
    assert body == data


def test_big_body(server):
    code, status, _, body, _ = curl(server.url + "/big")
    assert (code, status, len(body)) == (0, 200, 80 * 65536)
    assert body == (bytes(range(256)) * 256) * 80


def test_repeated_headers(server):
    code, status, headers, _, _ = curl(server.url + "/headers")
    assert status == 201
    assert headers.count("Set-Cookie:") == 2
    assert "X-Test-Repeated: first-value, second-value" in headers


def test_death_with_content_length_is_visible(server):
    code, status, _, body, err = curl(server.url + "/dies-with-length")
    assert status == 200 and body == b"partial"
    assert code == 18 and "transfer closed with 93 bytes remaining" in err
    assert "closed the connection before the response was complete" in server.log()


def test_death_chunked_has_no_final_chunk(server):
    code, status, _, body, err = curl(server.url + "/dies-chunked")
    assert status == 200 and body == b"partial"
    assert code == 18, err   # curl: transfer closed with outstanding read data remaining
    raw = subprocess.run(["curl", "-sS", "--raw", "--max-time", "15", server.url + "/aborted"],
                         capture_output=True)
    assert b"partial" in raw.stdout and not raw.stdout.endswith(b"0\r\n\r\n")
    assert "aborted the response before it was complete" in server.log()


@pytest.mark.parametrize("path,expected,logged", [
    ("/crlf", 500, "header value contains a control character other than HTAB"),
    ("/informational", 500, "status code outside 200..599"),
    ("/connection-header", 500, "'Connection' is a hop-by-hop header"),
    ("/control-character", 500, "header value contains a control character other than HTAB"),
    ("/queue-timeout", 504, "queue timeout expired"),
    ("/app-load-failed", 500, "ImportError: no module named 'missing'"),
    ("/close", 502, "truncated or oversized response headers"),
])
def test_failures(server, path, expected, logged):
    code, status, headers, _, _ = curl(server.url + path)
    assert status == expected
    assert "evil" not in headers
    assert logged in server.log()


def pipelined(url_path, count=2):
    """Sends `count` pipelined GETs for url_path on one keep-alive connection; returns every byte
    the server sent until it closed (or went quiet for 5 s)."""
    request = (f"GET /app{url_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", PORT), timeout=5) as sock:
        sock.sendall(request * count)
        received = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except socket.timeout:
            pass
    return received


def test_body_past_content_length_never_reaches_the_client(server):
    code, status, headers, body, err = curl(server.url + "/overrun")
    assert (status, body) == (200, b"hello")
    assert "Content-Length: 5" in headers
    assert "sent more than the 5 bytes its Content-Length declared" in server.log()
    # A second request pipelined on the same connection must not be answered by the bytes the
    # worker hid after its declared length: the connection is closed after 5 body bytes.
    received = pipelined("/overrun")
    assert received.count(b"HTTP/1.1 ") == 1, received
    assert b"forged" not in received and b"X-Forged" not in received
    assert received.endswith(b"\r\n\r\nhello"), received


def test_body_short_of_content_length_is_aborted(server):
    code, status, _, body, err = curl(server.url + "/short")
    assert (status, body) == (200, b"short")
    assert code == 18 and "transfer closed with 5 bytes remaining" in err
    assert "after 5 of the 10 bytes its Content-Length declared" in server.log()


def test_handler_script_without_exec_cgi_is_403(server):
    base = server.url.rsplit("/app", 1)[0]
    code, status, _, body, _ = curl(base + "/uploads/upload.py/ok")
    assert status == 403 and b"hello" not in body
    assert f"Options ExecCGI is off in this directory: {server.root}/uploads/upload.py" in server.log()
    code, status, _, body, _ = curl(base + "/uploads-exec/upload.py/ok")
    assert (status, body) == (200, b"hello")


def test_shutting_down_is_retried(server):
    code, status, _, body, _ = curl(server.url + "/shutting-down-once")
    assert (status, body) == (200, b"after retry")
    assert "answered SHUTTING_DOWN, retrying" in server.log()


def test_head_request(server):
    result = subprocess.run(["curl", "-sS", "-I", "--max-time", "15", server.url + "/ok"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("HTTP/1.1 200 OK")
    assert "Content-Length: 5" in result.stdout
