"""The supervisor as Apache runs it: started with its config on standard input (never on disk),
restarted when it dies, replaced on graceful restart, stopped with nothing left behind."""
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from config_apache_server import (APACHE, DAEMON, GOOD_GROUP, MODULE, RECORDING_DAEMON, WWW_DATA,
                                  alive, needs_daemon, parse_supervisor_config, program_of,
                                  requires_module, supervisors, wait_for)

pytestmark = requires_module

SUPERVISED = f"""
Timeout 77
{GOOD_GROUP} shutdown-timeout=3
WSGIDaemonProcess second threads=4 connect-timeout=1
WSGIPythonHome /usr
WSGIScriptAlias /app @ROOT@/app.wsgi process-group=example application-group=%{{GLOBAL}}
"""


@pytest.fixture
def module_copy():
    """A world-readable directory holding a copy of the module and nothing else; tests put a
    stand-in mod_wsgi-daemon beside it to record or play a supervisor."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix="wsgi-cconfig-so-"))
    directory.chmod(0o755)
    shutil.copy(MODULE, directory / "mod_wsgi-swift.so")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def use_module_copy(server, directory):
    server.conf.write_text(server.conf.read_text().replace(
        f"wsgi_module {MODULE}", f"wsgi_module {directory}/mod_wsgi-swift.so"))


def started_server(server_factory, module_copy):
    """SUPERVISED on a module copy whose mod_wsgi-daemon records the config, then runs the real
    one. Returns the server, {supervisor pid: argv}, and a reader of a supervisor's config."""
    (module_copy / "mod_wsgi-daemon").write_text(RECORDING_DAEMON.format(daemon=DAEMON))
    (module_copy / "mod_wsgi-daemon").chmod(0o755)
    server = server_factory(SUPERVISED)
    use_module_copy(server, module_copy)
    (server.root / "app.wsgi").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n")
    (server.root / "app.wsgi").chmod(0o644)
    server.start()
    found = wait_for(lambda: running_daemon(server.pid), "a supervisor process", server)
    assert len(found) == 1, found

    def config_of(pid):
        path = module_copy / f"config.{pid}"
        wait_for(lambda: path.exists() and path.read_text().endswith("end\n"), "its config", server)
        return parse_supervisor_config(path.read_text())
    return server, found, config_of


def running_daemon(apache_pid):
    """The supervisors of apache_pid once the recording stand-in has exec()ed the real program."""
    return {pid: args for pid, args in supervisors(apache_pid).items() if program_of(args) == str(DAEMON)}


def worker_pids(supervisor_pid):
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and parent_of(int(p)) == supervisor_pid]


def parent_of(pid):
    try:
        status = pathlib.Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(next(l.split()[1] for l in status.splitlines() if l.startswith("PPid:")))


def open_files(pid):
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            found.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            pass
    return found


@needs_daemon
def test_start_passes_config_on_stdin_and_stop_removes_everything(server_factory, module_copy):
    server, found, config_of = started_server(server_factory, module_copy)
    (pid, args), = found.items()
    assert program_of(args) == str(DAEMON)  # the stand-in beside the module exec()s it
    top, groups = config_of(pid)
    generation = top["generation"]
    assert top["server-pid"] == str(server.pid)
    assert top["apache-user"] == str(WWW_DATA.pw_uid)
    assert top["apache-group"] == str(WWW_DATA.pw_gid)
    assert top["log-level"] == "info"
    assert top["python-home"] == "/usr"
    assert list(groups) == ["example", "second"]

    example = groups["example"]
    assert example["socket"] == f"{server.run}/wsgi.{server.pid}.{generation}.1.sock"
    assert example["processes"] == "2" and example["multiprocess"] == "1"
    assert example["threads"] == "15"
    assert example["user"] == str(WWW_DATA.pw_uid) and example["user-name"] == "www-data"
    assert example["group"] == str(WWW_DATA.pw_gid)
    assert example["python-home"] == "/usr"
    assert example["python-path"] == "/srv/example:/srv/lib"
    assert example["display-name"] == "(wsgi:example)"
    assert example["shutdown-timeout"] == "3"
    assert example["preload"] == [f"{server.root}/app.wsgi||application"]

    second = groups["second"]
    assert second["socket"] == f"{server.run}/wsgi.{server.pid}.{generation}.2.sock"
    assert "multiprocess" not in second and second["processes"] == "1"
    assert second["threads"] == "4"
    assert second["user"] == str(WWW_DATA.pw_uid) and second["user-name"] == "www-data"
    assert second["shutdown-timeout"] == "5"
    assert second["deadlock-timeout"] == "300"
    assert second["graceful-timeout"] == "15"
    assert second["connect-timeout"] == "1"
    assert second["socket-timeout"] == "77"  # 0 means Apache's Timeout
    assert second["listen-backlog"] == "100"
    assert second["header-buffer-size"] == "32768"
    assert second["preload"] == []

    # Each group has a secret of its own, and nothing of the config is left where a worker or
    # another user could read it: no file, and the supervisor's standard input is /dev/null once
    # read; a worker holds no memory file either.
    assert re.fullmatch("[0-9a-f]{64}", example["secret"]) and re.fullmatch("[0-9a-f]{64}", second["secret"])
    assert example["secret"] != second["secret"]
    assert not list(server.run.glob("*.conf")) and not list(server.root.glob("*.conf.*"))
    wait_for(lambda: os.readlink(f"/proc/{pid}/fd/0") == "/dev/null", "stdin to be /dev/null", server)
    workers = wait_for(lambda: len(worker_pids(pid)) == 3 and worker_pids(pid), "the 3 workers", server)
    wait_for(lambda: all("Starting process" in server.log() for _ in workers), "workers", server)
    time.sleep(0.5)
    for worker in workers:
        assert not [f for f in open_files(worker) if "memfd:" in f], open_files(worker)

    assert f"starting supervisor pid {pid}" in server.log()
    server.stop()
    assert not alive(pid)
    assert not list(server.run.glob("wsgi.*")), list(server.run.iterdir())
    assert f"stopping supervisor pid {pid}" in server.log()


@needs_daemon
def test_dead_supervisor_is_restarted_with_the_same_config(server_factory, module_copy):
    server, found, config_of = started_server(server_factory, module_copy)
    (old_pid, args), = found.items()
    old_config = config_of(old_pid)
    os.kill(old_pid, signal.SIGKILL)
    new = wait_for(lambda: {p: a for p, a in running_daemon(server.pid).items() if p != old_pid},
                   "a new supervisor", server, timeout=20)
    (new_pid, new_args), = new.items()
    assert new_args == args
    assert config_of(new_pid) == old_config  # same generation, same secrets
    assert f"supervisor pid {old_pid} died" in server.log()
    assert f"starting supervisor pid {new_pid}" in server.log()
    server.stop()
    assert not alive(new_pid)


@needs_daemon
def test_graceful_restart_replaces_the_supervisor_and_the_secrets(server_factory, module_copy):
    server, found, config_of = started_server(server_factory, module_copy)
    (old_pid, old_args), = found.items()
    old_top, old_groups = config_of(old_pid)
    server.signal("graceful")
    new = wait_for(lambda: {p: a for p, a in running_daemon(server.pid).items() if p != old_pid},
                   "the next generation's supervisor", server, timeout=30)
    (new_pid, new_args), = new.items()
    wait_for(lambda: not alive(old_pid), "the old supervisor to exit", server)
    top, groups = config_of(new_pid)
    assert int(top["generation"]) == int(old_top["generation"]) + 1
    assert groups["example"]["secret"] != old_groups["example"]["secret"]
    server.stop()
    assert not alive(new_pid)
    assert not list(server.run.glob("wsgi.*"))


def test_missing_daemon_program_fails_startup(server_factory, module_copy):
    """A module with no mod_wsgi-daemon beside it, and none installed, refuses to start."""
    if os.access("/usr/local/libexec/mod_wsgi-swift/mod_wsgi-daemon", os.X_OK):
        pytest.skip("mod_wsgi-daemon is installed, so the module would find it")
    server = server_factory("WSGIDaemonProcess g")
    use_module_copy(server, module_copy)
    result = subprocess.run([APACHE, "-f", str(server.conf), "-k", "start"],
                            capture_output=True, text=True, timeout=30)
    wait_for(lambda: "Configuration Failed" in server.log(), "start-up to fail", server)
    assert (f"cannot find an executable mod_wsgi-daemon: looked for {module_copy}/mod_wsgi-daemon "
            "(beside the module) and /usr/local/libexec/mod_wsgi-swift/mod_wsgi-daemon") \
        in server.log()
    time.sleep(0.5)
    assert not (server.pid_file.exists() and alive(int(server.pid_file.read_text() or 0))), \
        result.stdout + result.stderr


STUBBORN_SUPERVISOR = """#!/bin/sh
# Says hello on both outputs, leaves socket files behind, and ignores SIGTERM.
trap '' TERM
echo "stand-in stdout: started with $*"
echo "stand-in stderr: started" >&2
sed -n 's/^socket //p' | while read -r path; do : > "$path"; done
while :; do sleep 0.1; done
"""


def test_supervisor_that_ignores_sigterm_is_killed(server_factory, module_copy):
    (module_copy / "mod_wsgi-daemon").write_text(STUBBORN_SUPERVISOR)
    (module_copy / "mod_wsgi-daemon").chmod(0o755)
    server = server_factory("WSGIDaemonProcess g shutdown-timeout=1\nWSGIDaemonProcess h")
    use_module_copy(server, module_copy)
    server.start()
    (pid, args), = wait_for(lambda: supervisors(server.pid), "the supervisor", server).items()
    wait_for(lambda: "stand-in stderr: started" in server.log(), "its output in the log", server)
    assert "stand-in stdout: started with supervise --config-fd 0" in server.log()
    # Its standard input is the sealed memory file, not a file anyone could open by name.
    assert os.readlink(f"/proc/{pid}/fd/0").startswith("/memfd:mod_wsgi-supervisor-config")
    sockets = wait_for(lambda: len(list(server.run.glob("*.sock"))) == 2 and
                       list(server.run.glob("*.sock")), "the socket files", server)

    began = time.monotonic()
    server.stop()
    waited = time.monotonic() - began
    # The longest shutdown-timeout is 5 s (h's default), plus 2 s of grace.
    assert 6.5 < waited < 20, waited
    assert f"supervisor pid {pid} did not stop within 7 s; killing it" in server.log()
    assert not alive(pid)
    assert not any(path.exists() for path in sockets)


@needs_daemon
def test_socket_prefix_is_relative_to_server_root(server_factory):
    server = server_factory("""
WSGISocketPrefix sockets/app
WSGIDaemonProcess g
""")
    (server.root / "sockets").mkdir(mode=0o755)
    server.start()
    wait_for(lambda: supervisors(server.pid), "a supervisor", server)
    sockets = wait_for(lambda: list((server.root / "sockets").glob(f"app.{server.pid}.*.1.sock")),
                       "the group's socket under the prefix", server)
    assert len(sockets) == 1
    server.stop()
    assert not list((server.root / "sockets").iterdir())


@needs_daemon
def test_too_long_socket_path_is_warned_about(server_factory):
    server = server_factory(f"""
WSGISocketPrefix @ROOT@/{"d" * 100}/wsgi
WSGIDaemonProcess g
""")
    (server.root / ("d" * 100)).mkdir(mode=0o755)
    server.start()
    # The supervisor cannot bind such a path either; only the module's warning matters here.
    wait_for(lambda: "is longer than a Unix socket path may be (103 bytes): use a shorter "
             "WSGISocketPrefix" in server.log(), "the warning", server)
    server.stop()




def test_supervisor_that_keeps_dying_is_restarted_with_a_delay(server_factory, module_copy):
    (module_copy / "mod_wsgi-daemon").write_text("#!/bin/sh\necho 'stand-in: giving up' >&2\nexit 3\n")
    (module_copy / "mod_wsgi-daemon").chmod(0o755)
    server = server_factory("WSGIDaemonProcess g")
    use_module_copy(server, module_copy)
    server.start()

    def starts():
        return server.log().count("starting supervisor pid")

    # The first death restarts at once; the second waits.
    wait_for(lambda: "; starting a new one in 10 s" in server.log(), "a delayed restart", server)
    assert "died (exit code or signal 3) after" in server.log()
    delayed_at, count = time.monotonic(), starts()
    assert count == 2
    wait_for(lambda: starts() > count, "the delayed restart", server, timeout=30)
    assert time.monotonic() - delayed_at >= 9
    wait_for(lambda: "starting a new one in 20 s" in server.log(), "a longer delay", server)
    server.stop()
