"""WSGIDaemonProcess options that limit, size and time a daemon process, each on real Apache and a
real worker: what the application, the client and the error log see with the option, against
what they see without it."""
import concurrent.futures
import ctypes
import json
import os
import pwd
import shutil
import socket
import signal
import subprocess
import time

import pytest

from conftest import APACHE

# Reports on the process it runs in and does what a test asks of it.
PROBE = r'''
import ctypes, json, os, threading, time

libc = ctypes.CDLL(None)
libc.pthread_self.restype = ctypes.c_ulong
marker_dir = os.path.dirname(__file__)

def thread_stack_size():
    attr = ctypes.create_string_buffer(128)           # pthread_attr_t is 56 bytes on x86_64
    libc.pthread_getattr_np(ctypes.c_ulong(libc.pthread_self()), attr)
    size = ctypes.c_size_t()
    libc.pthread_attr_getstacksize(attr, ctypes.byref(size))
    libc.pthread_attr_destroy(attr)
    return size.value

def wait_for_marker(name, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline and not os.path.exists(os.path.join(marker_dir, name)):
        time.sleep(0.05)

def application(environ, start_response):
    path, query = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
    headers = [("Content-Type", "text/plain")]
    if path == "/pid":
        body = str(os.getpid()).encode()
    elif path == "/report":
        body = json.dumps({"pid": os.getpid(), "nice": os.getpriority(os.PRIO_PROCESS, 0),
                           "stack": thread_stack_size()}).encode()
    elif path == "/alloc":
        try:
            block = bytearray(int(query))
            body = b"allocated"
        except MemoryError:
            body = b"MemoryError"
    elif path == "/spin":
        end = time.process_time() + float(query)
        while time.process_time() < end:
            pass
        body = b"spun"
    elif path == "/sleep":
        time.sleep(float(query))
        body = b"slept"
    elif path == "/big":
        start_response("200 OK", headers)
        chunk = b"x" * 1048576
        return (chunk for _ in range(int(query)))
    elif path == "/pause":
        # The first part, then nothing until the test creates the marker, then the rest.
        size = int(query)
        def parts():
            yield b"\0" * size
            wait_for_marker("go")
            yield b"\0" * 100
        start_response("200 OK", headers)
        return parts()
    else:
        body = b"?"
    start_response("200 OK", headers)
    return [body]
'''

GROUP = """
WSGIDaemonProcess probe processes=1 threads=2 user=www-data group=www-data {options}
WSGIProcessGroup probe
WSGIApplicationGroup %{{GLOBAL}}
WSGIScriptAlias / @APP@/probe.wsgi
"""


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def probe_server(apache, options="", extra_config="", start=True):
    server = apache(GROUP.format(options=options), start=False, extra_config=extra_config)
    write(os.path.join(server.app_dir, "probe.wsgi"), PROBE)
    return server.start() if start else server


def configtest(server):
    return subprocess.run([APACHE, "-t", "-f", server.conf], capture_output=True, text=True)


def text(server, path):
    status, _, body = server.get(path)
    assert status == 200, (status, body, server.log())
    return body.decode()


def report(server):
    return json.loads(text(server, "/report"))


def wait_for_new_pid(server, old, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, _, body = server.get("/pid")
        if status == 200 and int(body) != old:
            return int(body)
        time.sleep(0.1)
    raise AssertionError(f"worker {old} was not replaced\n{server.log()}")


# -- limits ---------------------------------------------------------------------------------------

def test_memory_limit_gives_memory_error_to_the_application(apache):
    limited = probe_server(apache, "memory-limit=500000000")
    unlimited = probe_server(apache)
    assert text(limited, "/alloc?10000000") == "allocated"
    assert text(limited, "/alloc?1000000000") == "MemoryError"
    assert text(unlimited, "/alloc?1000000000") == "allocated"
    # The process survives its MemoryError.
    assert text(limited, "/alloc?10000000") == "allocated"


def test_virtual_memory_limit_gives_memory_error_to_the_application(apache):
    limited = probe_server(apache, "virtual-memory-limit=3000000000")
    unlimited = probe_server(apache)
    assert text(limited, "/alloc?10000000") == "allocated"
    assert text(limited, "/alloc?4000000000") == "MemoryError"
    assert text(unlimited, "/alloc?4000000000") == "allocated"


def test_cpu_time_limit_recycles_a_spinning_process(apache):
    server = probe_server(apache, "cpu-time-limit=2 graceful-timeout=1 shutdown-timeout=1")
    first = int(text(server, "/pid"))
    assert text(server, "/spin?0.2") == "spun"       # under the limit: same process
    assert int(text(server, "/pid")) == first
    status, _, body = server.get("/spin?30")
    assert (status, body) != (200, b"spun")
    server.wait_for_log("exceeded CPU time limit of 2 seconds")
    assert wait_for_new_pid(server, first) != first


def test_cpu_priority_sets_the_nice_value_of_the_process(apache):
    server = probe_server(apache, "cpu-priority=7")
    result = report(server)
    assert result["nice"] == 7
    with open(f"/proc/{result['pid']}/stat") as f:
        assert int(f.read().rsplit(")", 1)[1].split()[16]) == 7   # the main thread's nice
    assert report(probe_server(apache))["nice"] == 0


def test_stack_size_sets_the_request_threads_stack(apache):
    assert report(probe_server(apache, "stack-size=524288"))["stack"] == 524288
    assert report(probe_server(apache))["stack"] != 524288


def test_stack_size_below_the_system_minimum_is_a_config_error(apache):
    server = probe_server(apache, "stack-size=4096", start=False)
    result = configtest(server)
    assert result.returncode != 0
    assert "bad value '4096' for option 'stack-size'" in result.stderr


# -- socket options -------------------------------------------------------------------------------

def socket_of(pid, fd):
    """A copy of descriptor `fd` of process `pid` (pidfd_getfd; we are root)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(438, pidfd, fd, 0)   # SYS_pidfd_getfd
        assert copy >= 0, os.strerror(ctypes.get_errno())
        return socket.socket(fileno=copy)
    finally:
        os.close(pidfd)


def connection_fds(pid):
    fds = []
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:") and name != "3":
                fds.append(int(name))
        except OSError:
            pass
    return fds


def test_send_and_receive_buffer_sizes_apply_to_the_listener_and_connections(apache):
    server = probe_server(apache, "send-buffer-size=100000 receive-buffer-size=120000")
    pid = int(text(server, "/pid"))
    with socket_of(pid, 3) as listener:   # the group's listening socket
        # Linux doubles what is asked, for its bookkeeping.
        assert listener.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) == 200000
        assert listener.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == 240000
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(server.get, "/sleep?2")
        deadline = time.time() + 5
        while not connection_fds(pid) and time.time() < deadline:
            time.sleep(0.05)
        sizes = set()
        for fd in connection_fds(pid):
            with socket_of(pid, fd) as conn:
                sizes.add((conn.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
                           conn.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)))
        assert pending.result(timeout=10)[0] == 200
    assert sizes == {(200000, 240000)}


def test_socket_user_owns_the_socket(apache):
    nobody = pwd.getpwnam("nobody")
    server = probe_server(apache, "socket-user=nobody")
    server.wait_for_log("started for Apache pid")
    [path] = server.sockets()
    assert os.stat(path).st_uid == nobody.pw_uid
    # Apache's children run as www-data here, so they may not connect: the socket is nobody's.
    status, _, _ = server.get("/pid")
    assert status == 503


# -- script ownership -----------------------------------------------------------------------------

def test_script_user_and_group_refuse_scripts_owned_by_others(apache):
    ok = probe_server(apache, "script-user=root")             # root owns what the test writes
    assert text(ok, "/pid")
    wrong = probe_server(apache, "script-user=www-data")
    status, _, _ = wrong.get("/pid")
    assert status == 403
    wrong.wait_for_log("is owned by 'root', not by script-user")
    writable = probe_server(apache, "script-user=root", start=False)
    os.chmod(os.path.join(writable.app_dir, "probe.wsgi"), 0o664)
    writable.start()
    assert writable.get("/pid")[0] == 403
    writable.wait_for_log("is writable by its group")
    by_group = probe_server(apache, "script-group=root")
    assert text(by_group, "/pid")
    other_group = probe_server(apache, "script-group=www-data")
    assert other_group.get("/pid")[0] == 403
    other_group.wait_for_log("belongs to group 'root', not to script-group")


def test_script_user_and_script_group_together_are_a_config_error(apache):
    server = probe_server(apache, "script-user=root script-group=root", start=False)
    result = configtest(server)
    assert result.returncode != 0 and "script-user and script-group" in result.stderr


# -- timers ---------------------------------------------------------------------------------------

def test_eviction_timeout_bounds_the_drain_after_sigusr1(apache):
    evicting = probe_server(apache, "eviction-timeout=1 graceful-timeout=20")
    graceful = probe_server(apache, "graceful-timeout=20")
    results = {}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        pending = {name: pool.submit(server.get, "/sleep?4")
                   for name, server in (("evicting", evicting), ("graceful", graceful))}
        time.sleep(1)   # both requests are inside the application now
        for server in (evicting, graceful):
            [pid] = server.worker_pids()
            os.kill(pid, signal.SIGUSR1)
        for name, future in pending.items():
            results[name] = future.result(timeout=30)
    assert results["graceful"][0] == 200 and results["graceful"][2] == b"slept"
    assert results["evicting"][2] != b"slept"
    evicting.wait_for_log("eviction requested; waiting up to 1 seconds for 1 running requests")
    graceful.wait_for_log("graceful restart signal; waiting up to 20 seconds for 1 running requests")


FAILS_UNTIL_MARKER = r'''
import os
if not os.path.exists(os.path.join(os.path.dirname(__file__), "importable")):
    raise RuntimeError("not yet")
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
'''


def test_startup_timeout_restarts_a_process_whose_script_does_not_load(apache):
    server = apache(GROUP.format(options="startup-timeout=2"), start=False)
    write(os.path.join(server.app_dir, "probe.wsgi"), FAILS_UNTIL_MARKER)
    server.start()
    assert server.get("/")[0] == 500
    [first] = server.worker_pids()
    server.wait_for_log("application startup timer expired", timeout=15)
    deadline = time.time() + 15
    while time.time() < deadline and first in server.worker_pids():
        time.sleep(0.1)
    assert first not in server.worker_pids()
    # Once the script loads, the timer is cancelled: the process stays.
    open(os.path.join(server.app_dir, "importable"), "w").close()
    status, _, body = server.get("/")
    assert status == 200
    time.sleep(3)
    assert server.get("/")[2] == body


def test_without_startup_timeout_a_failing_script_keeps_its_process(apache):
    server = apache(GROUP.format(options=""), start=False)
    write(os.path.join(server.app_dir, "probe.wsgi"), FAILS_UNTIL_MARKER)
    server.start()
    assert server.get("/")[0] == 500
    [first] = server.worker_pids()
    time.sleep(3)
    assert server.get("/")[0] == 500
    assert server.worker_pids() == {first}


# -- relaying the response ------------------------------------------------------------------------

def test_response_socket_timeout_bounds_a_client_that_stops_reading(apache):
    server = probe_server(apache, "response-socket-timeout=2")
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(b"GET /big?500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        # Apache's Timeout is 30: only response-socket-timeout can end it this soon.
        server.wait_for_log("seconds writing the response to the client (response-socket-timeout)",
                            timeout=15)
    assert "timeout after 2 seconds" in server.log()


DEFLATE = """
LoadModule filter_module /usr/lib/apache2/modules/mod_filter.so
LoadModule deflate_module /usr/lib/apache2/modules/mod_deflate.so
<Location />
  SetOutputFilter DEFLATE
</Location>
"""


def bytes_before_marker(server, size):
    """Asks /pause?size (zeros, which DEFLATE holds until a flush); returns how many bytes reached
    the client in 3 seconds, before the application was let go on."""
    marker = os.path.join(server.app_dir, "go")
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(f"GET /pause?{size} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
                       "Connection: close\r\n\r\n".encode())
        client.settimeout(3)
        received = b""
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                received += data
        except socket.timeout:
            pass
        open(marker, "w").close()
        client.settimeout(10)
        rest = b""
        while True:
            data = client.recv(65536)
            if not data:
                break
            rest += data
    os.unlink(marker)
    assert (received + rest).startswith(b"HTTP/1.1 200"), received + rest
    return len(received)


def marker_server(apache, options):
    server = probe_server(apache, options, extra_config=DEFLATE)
    os.chmod(server.app_dir, 0o777)
    return server


def test_response_flush_delay_holds_the_flush_while_the_application_is_quiet(apache):
    assert bytes_before_marker(marker_server(apache, ""), 100) > 0
    assert bytes_before_marker(marker_server(apache, "response-flush-delay=60000"), 100) == 0


def test_response_buffer_size_forces_a_flush(apache):
    held = marker_server(apache, "response-flush-delay=60000")
    assert bytes_before_marker(held, 200000) == 0
    forced = marker_server(apache, "response-flush-delay=60000 response-buffer-size=65536")
    assert bytes_before_marker(forced, 200000) > 0


# -- chroot ---------------------------------------------------------------------------------------

JAILED = r'''
import os, sys
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("%s|%s|%s|%s" % (sorted(os.listdir("/")), environ["SCRIPT_FILENAME"], __file__,
                              sys.prefix)).encode()]
'''


def make_jail(server):
    """A directory the worker can be chrooted to: Debian's Python library and the application."""
    jail = os.path.join(server.root, "jail")
    shutil.copytree("/usr/lib/python3.11", os.path.join(jail, "usr", "lib", "python3.11"), symlinks=True)
    os.makedirs(os.path.join(jail, "app"))
    write(os.path.join(jail, "app", "jailed.wsgi"), JAILED)
    for directory, _, _ in os.walk(jail):
        os.chmod(directory, 0o755)
    return jail


def test_chroot_runs_the_worker_inside_the_jail(apache):
    server = apache("", start=False)
    jail = make_jail(server)
    with open(server.conf, "a") as f:
        f.write(f"""
WSGIDaemonProcess jailed threads=2 user=www-data group=www-data chroot={jail}
WSGIProcessGroup jailed
WSGIScriptAlias /jailed {jail}/app/jailed.wsgi
WSGIScriptAlias /outside {server.app_dir}/outside.wsgi
<Directory "{jail}/app">
  Require all granted
</Directory>
""")
    write(os.path.join(server.app_dir, "outside.wsgi"), JAILED)
    server.start()
    status, _, body = server.get("/jailed")
    assert status == 200, (body, server.log())
    listing, script_filename, file, prefix = body.decode().split("|")
    assert listing == "['app', 'usr']"             # / is the jail
    assert script_filename == "/app/jailed.wsgi" == file
    assert prefix == "/usr"
    # A script outside the jail cannot be run there: refused with the reason.
    assert server.get("/outside")[0] == 500
    server.wait_for_log(f"is outside the chroot '{jail}' of its process group")


def test_request_timeout_does_not_wait_graceful_timeout_for_the_overdue_request(apache):
    # threads=1: the overdue request gets 2 x (1 + ln 1) = 2 seconds, then the process restarts.
    # The request will not finish, so the restart does not wait graceful-timeout (30 s) for it.
    server = probe_server(apache, "request-timeout=2 graceful-timeout=30")
    first = int(text(server, "/pid"))
    started = time.monotonic()
    status, _, body = server.get("/sleep?60", timeout=60)
    elapsed = time.monotonic() - started
    assert body != b"slept" and status != 200
    assert elapsed < 15, f"answered after {elapsed:.1f} s"
    server.wait_for_log("abandons the requests past request-timeout")
    assert wait_for_new_pid(server, first) != first
