"""End-to-end tests of one `mod_wsgi-daemon worker` process, spoken to over the wire protocol
exactly as the Apache module does. Run: MOD_WSGI_DAEMON=/path/to/mod_wsgi-daemon python3 -m pytest
Tests/tools/test_worker_e2e.py (as root: the worker must drop to www-data)."""
import hashlib
import os
import re
import socket
import struct
import subprocess
import threading
import time

import pytest

import wire_client
from worker_harness import Worker


HELLO = '''
import os, threading
local = threading.local()
def application(environ, start_response):
    local.count = getattr(local, "count", 0) + 1
    body = ("uid=%d gid=%d count=%d" % (os.getuid(), os.getgid(), local.count)).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
'''

ECHO = '''
import hashlib
def application(environ, start_response):
    data = environ["wsgi.input"].read()
    body = ("%d %s" % (len(data), hashlib.md5(data).hexdigest())).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
'''

SLOW = '''
import time
def application(environ, start_response):
    time.sleep(float(environ.get("QUERY_STRING") or "0.5"))
    start_response("200 OK", [])
    return [b"slept"]
'''


@pytest.fixture
def make_worker():
    workers = []

    def make(apps, options=None, start=True):
        worker = Worker(apps, options)
        workers.append(worker)
        return worker.start() if start else worker
    yield make
    for worker in workers:
        worker.close()


def get(worker, script="app.wsgi", **kwargs):
    extra = kwargs.pop("extra", ())
    environ = wire_client.base_environ(worker.scripts[script], extra=extra, **kwargs)
    return worker.request(environ)


def test_serves_as_www_data_with_pinned_thread_state(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, {"threads": "1"})
    first = get(worker)
    second = get(worker)
    assert first["status"] == 200 and first["end"] == "complete"
    assert first["body"] == b"uid=33 gid=33 count=1"
    assert second["body"] == b"uid=33 gid=33 count=2", "threading.local survives between requests"
    with open("/proc/%d/comm" % worker.process.pid) as f:
        assert f.read().strip() == "(wsgi:test)"


def test_threads_serve_requests_concurrently(make_worker):
    worker = make_worker({"app.wsgi": SLOW}, {"threads": "4"})
    results = []
    started = time.time()
    threads = [threading.Thread(target=lambda: results.append(get(worker, query="0.5"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r["body"] for r in results] == [b"slept"] * 4
    assert time.time() - started < 1.6, "4 sleeping requests ran in parallel on 4 threads"


def test_large_request_body_is_streamed_to_wsgi_input(make_worker):
    worker = make_worker({"app.wsgi": ECHO})
    data = os.urandom(3 * 1024 * 1024 + 17)
    chunks = [data[i:i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
    environ = wire_client.base_environ(worker.scripts["app.wsgi"], method="POST",
                                       extra=[("CONTENT_LENGTH", str(len(data)))])
    response = worker.request(environ, chunks)
    assert response["body"] == ("%d %s" % (len(data), hashlib.md5(data).hexdigest())).encode()


def test_unread_body_is_drained_and_next_request_works(make_worker):
    worker = make_worker({"app.wsgi": HELLO})
    environ = wire_client.base_environ(worker.scripts["app.wsgi"], method="POST")
    response = worker.request(environ, [b"x" * 100000, b"y" * 5000])
    assert response["status"] == 200 and response["end"] == "complete"
    assert get(worker)["status"] == 200


def test_queue_timeout(make_worker):
    worker = make_worker({"app.wsgi": HELLO})
    old = str(int((time.time() - 10) * 1_000_000))
    response = get(worker, extra=[("mod_wsgi.x-queue_start_us", old), ("mod_wsgi.x-queue_timeout", "2")])
    assert response["control"] == "QUEUE_TIMEOUT"
    assert "Queue timeout expired for WSGI daemon process 'test'." in worker.log()
    assert get(worker)["status"] == 200


def test_malformed_frames_get_an_error_and_the_worker_survives(make_worker):
    worker = make_worker({"app.wsgi": HELLO})
    bad_type = struct.pack("<BBHI", 0x7E, 0, 0, 0)
    response = worker.request(None, raw=bad_type)
    assert response["control"] == "ERROR" and "unknown frame type 0x7e" in response["message"]
    oversized = struct.pack("<BBHI", 0x01, 0, 0, (1 << 20) + 1)
    response = worker.request(None, raw=oversized)
    assert response["control"] == "ERROR" and "exceeds the maximum" in response["message"]
    duplicate = wire_client.encode_head([("REQUEST_METHOD", "GET"), ("REQUEST_METHOD", "POST")])
    response = worker.request(None, raw=duplicate)
    assert response["control"] == "ERROR" and "repeats the key 'REQUEST_METHOD'" in response["message"]
    assert "Rejected a malformed request" in worker.log()
    assert get(worker)["status"] == 200
    assert worker.process.poll() is None


def test_protocol_version_mismatch(make_worker):
    worker = make_worker({"app.wsgi": HELLO})
    head = wire_client.encode_head([("REQUEST_METHOD", "GET")], version=1)
    response = worker.request(None, raw=head + wire_client.encode_body([]))
    assert response["control"] == "ERROR"
    assert response["message"].startswith("protocol version mismatch")
    assert "protocol version mismatch" in worker.log()


def test_maximum_requests_recycles_the_process(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, {"maximum-requests": "2"})
    assert get(worker)["status"] == 200
    assert get(worker)["status"] == 200
    assert worker.process.wait(10) == 0
    assert "maximum requests reached" in worker.log()


def test_changed_script_is_rejected_for_reload_and_process_exits(make_worker):
    worker = make_worker({"app.wsgi": HELLO})
    assert get(worker)["status"] == 200
    os.utime(worker.scripts["app.wsgi"], (1_000_000, 1_000_000))
    assert get(worker)["control"] == "SCRIPT_RELOADED"
    assert worker.process.wait(10) == 0
    assert "script reloaded" in worker.log()


def test_sigterm_lets_the_in_flight_request_finish(make_worker):
    worker = make_worker({"app.wsgi": SLOW})
    result = {}
    thread = threading.Thread(target=lambda: result.update(get(worker, query="1.0")))
    thread.start()
    time.sleep(0.3)
    worker.process.terminate()
    thread.join()
    assert result["body"] == b"slept" and result["end"] == "complete"
    assert worker.process.wait(10) == 0


def test_load_failure_is_reported_and_logged(make_worker):
    worker = make_worker({"app.wsgi": "def application(:\n"})
    response = get(worker)
    assert response["control"] == "APP_LOAD_FAILED"
    assert "failed to load WSGI script '%s'" % worker.scripts["app.wsgi"] in response["message"]
    assert "SyntaxError" in worker.log()


def test_preload_loads_before_the_first_request(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, start=False)
    with open(worker.config_path) as f:
        config = f.read().replace("end\n", "preload %s||application\nend\n" % worker.scripts["app.wsgi"])
    with open(worker.config_path, "w") as f:
        f.write(config)
    worker.start()
    worker.wait_for_log("Loading WSGI script '%s'" % worker.scripts["app.wsgi"])


def test_refuses_to_run_python_as_root(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, start=False)
    with open(worker.config_path) as f:
        config = f.read().replace("apache-user 33", "apache-user 0")
    with open(worker.config_path, "w") as f:
        f.write(config)
    worker.start(wait=False)
    assert worker.process.wait(10) == 1
    assert "refusing to run WSGI daemon process group 'test' as root" in worker.log()


def test_exits_when_its_supervisor_is_already_gone(make_worker):
    # The supervisor can die between spawning a worker and the worker's parent-death setup; the
    # worker then has a new parent and must notice, or it would live on orphaned.
    worker = make_worker({"app.wsgi": HELLO}, start=False)
    worker.start(wait=False, extra_args=("--supervisor", "1"))
    assert worker.process.wait(10) == 1
    assert "the supervisor (pid 1) exited during start-up" in worker.log()


def wait_exit(worker, timeout):
    try:
        return worker.process.wait(timeout)
    except Exception:
        raise AssertionError("worker still running after %ss:\n%s" % (timeout, worker.log()))


def test_restart_interval_recycles_the_process(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, {"restart-interval": "1"})
    assert wait_exit(worker, 5) == 0
    assert "restart interval expired" in worker.log()


def test_inactivity_timeout_recycles_an_idle_process(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, {"inactivity-timeout": "2"})
    assert get(worker)["status"] == 200
    assert wait_exit(worker, 6) == 0
    assert "inactivity timeout expired" in worker.log()


def test_request_timeout_recycles_a_process_with_a_stuck_request(make_worker):
    worker = make_worker({"app.wsgi": SLOW}, {"threads": "1", "request-timeout": "1", "graceful-timeout": "1",
                                              "shutdown-timeout": "1"})
    result = {}
    thread = threading.Thread(target=lambda: result.update(get(worker, query="30")))
    thread.start()
    assert wait_exit(worker, 8) == 0
    thread.join()
    assert result.get("end") is None, "the stuck request never completes normally"
    log = worker.log()
    assert "request timeout expired" in log
    assert "exiting without finalizing Python" in log


def test_deadlock_timeout_recycles_a_process_whose_gil_is_stuck(make_worker):
    hog = '''
import sys, time
def application(environ, start_response):
    sys.setswitchinterval(1000)
    end = time.time() + 20
    while time.time() < end:
        pass
    start_response("200 OK", [])
    return [b"done"]
'''
    worker = make_worker({"app.wsgi": hog}, {"deadlock-timeout": "2", "graceful-timeout": "1", "shutdown-timeout": "1"})
    sock_result = {}
    thread = threading.Thread(target=lambda: sock_result.update(get(worker)))
    thread.start()
    assert wait_exit(worker, 10) == 0
    thread.join()
    assert "deadlock timeout expired" in worker.log()


def test_processes_the_application_starts_can_be_signalled(make_worker):
    spawner = '''
import subprocess
def application(environ, start_response):
    child = subprocess.Popen(["sleep", "30"])
    with open("/proc/%d/status" % child.pid) as f:
        status = dict(line.split(":\\t", 1) for line in f.read().splitlines() if ":\\t" in line)
    child.terminate()
    code = child.wait(5)
    body = ("SigBlk=%s exit=%d" % (status["SigBlk"].strip(), code)).encode()
    start_response("200 OK", [])
    return [body]
'''
    worker = make_worker({"app.wsgi": spawner})
    assert get(worker)["body"] == b"SigBlk=0000000000000000 exit=-15", "no signal blocked, SIGTERM works"


def test_request_timeout_with_interrupt_timeout_interrupts_the_request(make_worker):
    looping = '''
import time, mod_wsgi
def application(environ, start_response):
    if environ["QUERY_STRING"] == "quick":
        start_response("200 OK", [])
        return [b"quick"]
    try:
        for _ in range(300):
            time.sleep(0.1)
    except Exception:
        raise AssertionError("RequestTimeout must not be an Exception subclass")
    start_response("200 OK", [])
    return [b"finished"]
'''
    worker = make_worker({"app.wsgi": looping}, {"threads": "1", "request-timeout": "1", "interrupt-timeout": "3"})
    started = time.time()
    response = get(worker)
    assert response["control"] == "REQUEST_TIMEOUT", response
    assert time.time() - started < 5
    assert get(worker, query="quick")["body"] == b"quick", "the process and thread survive"
    log = worker.log()
    assert "Injected RequestTimeout into thread 1 of daemon process 'test'." in log
    assert "Request interrupted by RequestTimeout; thread recovered." in log
    assert "Traceback" not in log
    assert worker.process.poll() is None


def test_threads_zero_runs_the_service_script_and_stays_up_until_stopped(make_worker):
    service = '''
import atexit, sys
print("service script ran")
atexit.register(lambda: print("service script finalized"))
'''
    worker = make_worker({"service.py": service}, {"threads": "0"}, start=False)
    with open(worker.config_path) as f:
        config = f.read().replace("end\n", "preload %s|%%{GLOBAL}|\nend\n" % worker.scripts["service.py"])
    with open(worker.config_path, "w") as f:
        f.write(config)
    worker.start(wait=False)
    worker.wait_for_log("has run its scripts and serves no requests")
    time.sleep(1)
    assert worker.process.poll() is None, "a service process lives until it is stopped"
    worker.process.terminate()
    assert wait_exit(worker, 10) == 0
    log = worker.log()
    assert log.count("service script ran") == 1
    assert "service script finalized" in log


def test_sighup_is_ignored_and_sigusr1_stops_gracefully(make_worker):
    worker = make_worker({"app.wsgi": HELLO})
    # Until its handlers are installed the worker ignores SIGHUP silently; send until it says so.
    deadline = time.time() + 15
    while "Received SIGHUP" not in worker.log() and time.time() < deadline:
        worker.process.send_signal(1)
        time.sleep(0.2)
    assert worker.process.poll() is None
    worker.wait_for_log("Received SIGHUP; publishing the process_signal event.")
    assert get(worker)["status"] == 200
    worker.process.send_signal(10)
    assert wait_exit(worker, 10) == 0
    assert "graceful restart signal" in worker.log()


def test_python_path_home_locale_and_umask_options(make_worker):
    probe = '''
import os, sys
import extra_module
def application(environ, start_response):
    mask = os.umask(0)
    os.umask(mask)
    body = repr((sys.path[:3], os.getcwd(), extra_module.VALUE, os.environ.get("LANG"),
                 os.environ.get("LC_ALL"), oct(mask), sys.argv)).encode()
    start_response("200 OK", [])
    return [body]
'''
    worker = make_worker({"app.wsgi": probe}, start=False)
    libs = os.path.join(worker.dir, "libs")
    pth_target = os.path.join(worker.dir, "from_pth")
    home = os.path.join(worker.dir, "home")
    for path in (libs, pth_target, home):
        os.makedirs(path)
        os.chmod(path, 0o755)
    with open(os.path.join(pth_target, "extra_module.py"), "w") as f:
        f.write("VALUE = 'found via .pth'\n")
    with open(os.path.join(libs, "extra.pth"), "w") as f:
        f.write(pth_target + "\n")
    for name in ("extra.pth",):
        os.chmod(os.path.join(libs, name), 0o644)
    os.chmod(os.path.join(pth_target, "extra_module.py"), 0o644)
    with open(worker.config_path) as f:
        config = f.read().replace("end\n", "python-path %s\nhome %s\nlang C.UTF-8\nlocale C.UTF-8\numask 0027\nend\n"
                                  % (libs, home))
    with open(worker.config_path, "w") as f:
        f.write(config)
    worker.start()
    body = get(worker)["body"].decode()
    expected = repr(([home, libs, pth_target], home, "found via .pth", "C.UTF-8", "C.UTF-8", "0o27", ["mod_wsgi"]))
    assert body == expected


GROUPS = '''
import atexit, sys, mod_wsgi
count = 0
atexit.register(lambda: sys.stderr.write("atexit ran in group %r\\n" % mod_wsgi.application_group))
def application(environ, start_response):
    global count
    count += 1
    start_response("200 OK", [])
    return [("%d|%s|%d" % (id(sys.modules), mod_wsgi.application_group, count)).encode()]
'''


def group_get(worker, group):
    response = get(worker, extra=[("mod_wsgi.application_group", group)])
    assert response["status"] == 200, response
    modules, name, count = response["body"].decode().split("|")
    return modules, name, int(count)


def test_application_groups_run_in_sub_interpreters_that_end_on_stop(make_worker):
    worker = make_worker({"app.wsgi": GROUPS}, {"threads": "2"}, start=False)
    with open(worker.config_path) as f:
        config = f.read().replace("end\n", "preload %s|one|application\nend\n" % worker.scripts["app.wsgi"])
    with open(worker.config_path, "w") as f:
        f.write(config)
    worker.start()
    worker.wait_for_log("Created the Python interpreter for application group 'one'.")
    main, one, two = group_get(worker, ""), group_get(worker, "one"), group_get(worker, "two")
    assert (main[1], one[1], two[1]) == ("", "one", "two")
    assert len({main[0], one[0], two[0]}) == 3, "each group has its own sys.modules"
    assert (main[2], one[2], two[2]) == (1, 1, 1), "module globals are not shared"
    assert group_get(worker, "one")[2] == 2, "the preloaded module serves group one"
    assert worker.log().count("Loading WSGI script") == 3, "one load per group"
    assert worker.stop() == 0
    log = worker.log()
    for group in ("one", "two"):
        assert "atexit ran in group %r" % group in log
        assert "Ended the Python interpreter for application group '%s'." % group in log
    assert "atexit ran in group ''" in log
    assert "Fatal Python error" not in log and "Exception ignored" not in log


def test_a_group_with_a_running_daemon_thread_exits_without_finalizing(make_worker):
    background = '''
import threading, time
threading.Thread(target=lambda: time.sleep(3600), daemon=True).start()
def application(environ, start_response):
    start_response("200 OK", [])
    return [b"started"]
'''
    worker = make_worker({"app.wsgi": background})
    assert get(worker, extra=[("mod_wsgi.application_group", "bg")])["body"] == b"started"
    assert worker.stop() == 0
    log = worker.log()
    assert "Not finalizing Python: application group 'bg' has 1 thread(s) of its own still running" in log
    assert "Fatal Python error" not in log and "Exception ignored" not in log


# ---- who may talk to a worker: each check on its own ----

MARKER = '''
import os
def application(environ, start_response):
    open(os.path.join(os.path.dirname(__file__), "ran-" + environ["QUERY_STRING"]), "w").close()
    start_response("200 OK", [])
    return [b"ran"]
'''


def marker_worker(make_worker):
    worker = make_worker({"app.wsgi": MARKER}, start=False)
    os.chmod(worker.dir, 0o777)   # the app (www-data) writes its marker there
    return worker.start()


def ran(worker, name):
    return os.path.exists(os.path.join(worker.dir, "ran-" + name))


def test_right_secret_from_the_right_user_is_served(make_worker):
    worker = marker_worker(make_worker)
    assert worker.request(wire_client.base_environ(worker.scripts["app.wsgi"], query="ok"))["body"] == b"ran"
    assert ran(worker, "ok")


def test_wrong_secret_is_refused_unanswered_and_logged_once(make_worker):
    worker = marker_worker(make_worker)
    environ = wire_client.base_environ(worker.scripts["app.wsgi"], query="forged")
    for _ in range(3):
        response = wire_client.request(worker.socket_path, environ, secret=os.urandom(32))
        assert response["frames"] == [] and response["status"] is None
    time.sleep(0.5)
    assert not ran(worker, "forged")
    line = (f"Refused a connection to daemon process group 'test' from pid {os.getpid()} (uid 0): "
            "it did not present this group's secret")
    assert worker.log().count(line) == 1, worker.log()
    assert get(worker, "app.wsgi", query="after")["status"] == 200   # the worker serves on


def test_no_hello_is_refused(make_worker):
    worker = marker_worker(make_worker)
    environ = wire_client.base_environ(worker.scripts["app.wsgi"], query="bare")
    assert wire_client.request(worker.socket_path, environ)["frames"] == []
    time.sleep(0.5)
    assert not ran(worker, "bare")
    assert "its first frame is REQUEST_HEAD, not HELLO" in worker.log()


def test_hello_of_another_protocol_version_gets_an_error(make_worker):
    worker = marker_worker(make_worker)
    raw = wire_client.hello(worker.secret, version=1)
    response = wire_client.request(worker.socket_path, None, raw=raw)
    assert response["control"] == "ERROR"
    assert "protocol version mismatch: the module speaks version 1, this worker 2" in response["message"]


# Sends the bytes of a file to a socket and prints how many came back; run as another user, so
# it is given inline (the clone may sit in a folder only root can read).
SEND_AS_OTHER_USER = """
import socket, sys
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
    s.settimeout(10)
    s.connect(sys.argv[1])
    received = b""
    try:
        s.sendall(open(sys.argv[2], "rb").read())
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
    except OSError:
        pass
print("answered %d bytes" % len(received))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to connect as another user")
def test_right_secret_from_another_user_is_refused(make_worker):
    """SO_PEERCRED alone: the peer knows the secret but runs as neither Apache's User nor root."""
    worker = marker_worker(make_worker)
    os.chmod(worker.socket_path, 0o777)   # so that the socket's mode does not stop it first
    request = os.path.join(worker.dir, "request.bin")
    environ = wire_client.base_environ(worker.scripts["app.wsgi"], query="as-nobody")
    with open(request, "wb") as f:
        f.write(wire_client.hello(worker.secret) + wire_client.encode_head(environ) + wire_client.encode_body([]))
    os.chmod(request, 0o644)
    nobody = 65534
    result = subprocess.run(["/usr/bin/python3", "-c", SEND_AS_OTHER_USER, worker.socket_path, request],
                            user=nobody, group=nobody, capture_output=True, text=True, timeout=30, cwd="/")
    assert result.stdout.strip() == "answered 0 bytes", result.stdout + result.stderr
    time.sleep(0.5)
    assert not ran(worker, "as-nobody")
    assert re.search(r"Refused a connection to daemon process group 'test' from pid \d+ \(uid 65534\): "
                     r"it does not run as Apache's User \(uid 33\) or root", worker.log()), worker.log()


# ---- wsgi.input belongs to its request ----

LATE_READER = '''
import hashlib, threading
state = {}
def late_read(stream):
    # Blocks waiting for body bytes that arrive only after its request has returned.
    try:
        state["late"] = "read %r" % stream.read()
    except Exception as error:
        state["late"] = "%s: %s" % (type(error).__name__, error)
    state["done"].set()
def application(environ, start_response):
    if environ["PATH_INFO"] == "/first":
        state["done"] = threading.Event()
        threading.Thread(target=late_read, args=(environ["wsgi.input"],)).start()
        start_response("200 OK", [])
        return [b"first"]
    own = environ["wsgi.input"].read()
    state["done"].wait(10)
    body = ("late=%s own=%d %s" % (state.get("late"), len(own), hashlib.md5(own).hexdigest())).encode()
    start_response("200 OK", [])
    return [body]
'''


def test_wsgi_input_read_after_its_request_gets_an_error_not_the_next_requests_bytes(make_worker):
    # One thread: the second request runs on the very connection buffer the first one used.
    worker = make_worker({"app.wsgi": LATE_READER}, {"threads": "1"})
    script = worker.scripts["app.wsgi"]
    first = wire_client.base_environ(script, method="POST", path="/first", extra=[("CONTENT_LENGTH", "5")])
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(20)
        conn.connect(worker.socket_path)
        conn.sendall(wire_client.hello(worker.secret) + wire_client.encode_head(first))
        response = wire_client.read_response(conn)
        assert (response["body"], response["end"]) == (b"first", "complete")
        time.sleep(0.5)   # the late reader now waits in its read, the request has returned
        conn.sendall(wire_client.encode_body([b"AAAAA"]))
    second_body = os.urandom(200_000)
    second = wire_client.base_environ(script, method="POST", path="/second",
                                      extra=[("CONTENT_LENGTH", str(len(second_body)))])
    response = worker.request(second, [second_body])
    assert response["status"] == 200, worker.log()
    late, own = response["body"].decode().split(" own=")
    assert late == "late=RuntimeError: wsgi.input used after its request completed", response["body"]
    assert own == "%d %s" % (len(second_body), hashlib.md5(second_body).hexdigest())
    assert worker.process.poll() is None


# The child asks about descriptors 3 and 4 itself: a shell pipeline would hold pipe ends of its
# own there while it runs.
SPAWNS = '''
import subprocess
PROBE = "import os\\nfor fd in (3, 4):\\n    try:\\n        os.fstat(fd)\\n        print(fd)\\n    except OSError:\\n        pass"
def application(environ, start_response):
    # close_fds=False: only close-on-exec keeps the worker's descriptors from the child.
    out = subprocess.run(["/usr/bin/python3", "-c", PROBE], close_fds=False,
                         capture_output=True, text=True).stdout
    start_response("200 OK", [])
    return [out.encode()]
'''


def test_programs_the_application_runs_do_not_inherit_the_listening_socket(make_worker):
    worker = make_worker({"app.wsgi": SPAWNS})
    inherited = get(worker)["body"].decode().split()
    assert inherited == [], inherited


def test_requests_under_ignore_activity_do_not_put_off_inactivity_timeout(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, {"inactivity-timeout": "1"})
    deadline = time.time() + 6
    while worker.process.poll() is None and time.time() < deadline:
        assert get(worker, extra=[("mod_wsgi.ignore_activity", "1")])["status"] == 200
        time.sleep(0.3)
    assert worker.process.poll() == 0, "requests under WSGIIgnoreActivity kept the process up"
    assert "inactivity timeout expired" in worker.log()


def test_ordinary_requests_do_put_off_inactivity_timeout(make_worker):
    worker = make_worker({"app.wsgi": HELLO}, {"inactivity-timeout": "1"})
    for _ in range(12):
        assert get(worker)["status"] == 200
        time.sleep(0.3)
    assert worker.process.poll() is None


def test_a_peer_that_trickles_its_hello_loses_the_thread_within_five_seconds(make_worker):
    # socket-timeout=60 bounds each read; a HELLO must still arrive whole within 5 seconds, or a
    # local peer could keep the only request thread by sending a byte now and then.
    worker = make_worker({"app.wsgi": HELLO}, {"threads": "1", "socket-timeout": "60"})
    hello = wire_client.hello(worker.secret)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(worker.socket_path)
        started = time.monotonic()
        closed = False
        for byte in hello[:-1]:
            try:
                conn.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.5)
            if time.monotonic() - started > 12:
                break
        if not closed:
            conn.settimeout(5)
            try:
                closed = conn.recv(1) == b""
            except ConnectionResetError:
                closed = True
        assert closed and time.monotonic() - started < 12, "the worker still waits for the HELLO"
    assert "it sent no HELLO before closing or timing out" in worker.log()
    assert get(worker)["status"] == 200   # the thread serves again
