"""The supervisor as Apache runs it: started with its config file, restarted when it dies,
replaced on graceful restart, stopped with nothing left behind."""
import os
import pathlib
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import pytest

from config_apache_server import (APACHE, DAEMON, GOOD_GROUP, MODULE, WWW_DATA, alive,
                                  needs_daemon, parse_supervisor_config, program_and_config,
                                  requires_module, supervisors, wait_for)

pytestmark = requires_module

SUPERVISED = f"""
Timeout 77
{GOOD_GROUP} shutdown-timeout=3
WSGIDaemonProcess second threads=4 connect-timeout=1
WSGIPythonHome /usr
WSGIScriptAlias /app @ROOT@/app.wsgi process-group=example application-group=%{{GLOBAL}}
"""


def started_server(server_factory):
    server = server_factory(SUPERVISED)
    (server.root / "app.wsgi").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n")
    (server.root / "app.wsgi").chmod(0o644)
    server.start()
    found = wait_for(lambda: supervisors(server.pid), "a supervisor process", server)
    assert len(found) == 1, found
    return server, found


@needs_daemon
def test_start_writes_config_and_stop_removes_everything(server_factory):
    server, found = started_server(server_factory)
    (pid, args), = found.items()
    program, config_path = program_and_config(args)
    assert program == str(DAEMON)
    assert config_path.parent == server.run
    assert config_path.name.startswith(f"wsgi.{server.pid}.")
    mode = config_path.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600 and mode.st_uid == 0

    top, groups = parse_supervisor_config(config_path.read_text())
    generation = top["generation"]
    assert config_path.name == f"wsgi.{server.pid}.{generation}.conf"
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

    assert f"starting supervisor pid {pid}" in server.log()
    server.stop()
    assert not alive(pid)
    assert not config_path.exists()
    assert not list(server.run.glob("wsgi.*")), list(server.run.iterdir())
    assert f"stopping supervisor pid {pid}" in server.log()


@needs_daemon
def test_dead_supervisor_is_restarted(server_factory):
    server, found = started_server(server_factory)
    (old_pid, args), = found.items()
    os.kill(old_pid, signal.SIGKILL)
    new = wait_for(lambda: {p: a for p, a in supervisors(server.pid).items() if p != old_pid},
                   "a new supervisor", server, timeout=20)
    (new_pid, new_args), = new.items()
    assert new_args == args  # same generation, same config file
    assert f"supervisor pid {old_pid} died" in server.log()
    assert f"starting supervisor pid {new_pid}" in server.log()
    server.stop()
    assert not alive(new_pid)
    assert not program_and_config(args)[1].exists()


@needs_daemon
def test_graceful_restart_replaces_the_supervisor(server_factory):
    server, found = started_server(server_factory)
    (old_pid, old_args), = found.items()
    server.signal("graceful")
    new = wait_for(lambda: {p: a for p, a in supervisors(server.pid).items() if p != old_pid},
                   "the next generation's supervisor", server, timeout=30)
    (new_pid, new_args), = new.items()
    wait_for(lambda: not alive(old_pid), "the old supervisor to exit", server)
    old_config, new_config = program_and_config(old_args)[1], program_and_config(new_args)[1]
    assert not old_config.exists()
    assert new_config != old_config
    top, _ = parse_supervisor_config(new_config.read_text())
    assert int(top["generation"]) == int(old_config.name.split(".")[2]) + 1
    server.stop()
    assert not alive(new_pid)
    assert not list(server.run.glob("wsgi.*"))


@pytest.fixture
def module_copy():
    """A world-readable directory holding a copy of the module and nothing else; tests put a
    stand-in mod_wsgi-daemon beside it to play a misbehaving supervisor."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix="wsgi-cconfig-so-"))
    directory.chmod(0o755)
    shutil.copy(MODULE, directory / "mod_wsgi-swift.so")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def use_module_copy(server, directory):
    server.conf.write_text(server.conf.read_text().replace(
        f"wsgi_module {MODULE}", f"wsgi_module {directory}/mod_wsgi-swift.so"))


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
sed -n 's/^socket //p' "$3" | while read -r path; do : > "$path"; done
while :; do sleep 0.1; done
"""


def test_supervisor_that_ignores_sigterm_is_killed(server_factory, module_copy):
    (module_copy / "mod_wsgi-daemon").write_text(STUBBORN_SUPERVISOR)
    (module_copy / "mod_wsgi-daemon").chmod(0o755)
    server = server_factory("WSGIDaemonProcess g shutdown-timeout=1\nWSGIDaemonProcess h")
    use_module_copy(server, module_copy)
    server.start()
    (pid, args), = wait_for(lambda: supervisors(server.pid), "the supervisor", server).items()
    config_path = program_and_config(args)[1]
    wait_for(lambda: "stand-in stderr: started" in server.log(), "its output in the log", server)
    assert f"stand-in stdout: started with supervise --config {config_path}" in server.log()
    assert os.readlink(f"/proc/{pid}/fd/0") == "/dev/null"
    sockets = wait_for(lambda: len(list(server.run.glob("*.sock"))) == 2 and
                       list(server.run.glob("*.sock")), "the socket files", server)

    began = time.monotonic()
    server.stop()
    waited = time.monotonic() - began
    # The longest shutdown-timeout is 5 s (h's default), plus 2 s of grace.
    assert 6.5 < waited < 20, waited
    assert f"supervisor pid {pid} did not stop within 7 s; killing it" in server.log()
    assert not alive(pid)
    assert not config_path.exists()
    assert not any(path.exists() for path in sockets)


@needs_daemon
def test_socket_prefix_is_relative_to_server_root(server_factory):
    server = server_factory("""
WSGISocketPrefix sockets/app
WSGIDaemonProcess g
""")
    (server.root / "sockets").mkdir(mode=0o755)
    server.start()
    (pid, args), = wait_for(lambda: supervisors(server.pid), "a supervisor", server).items()
    config_path = program_and_config(args)[1]
    assert config_path.parent == server.root / "sockets"
    assert config_path.name.startswith(f"app.{server.pid}.")
    _, groups = parse_supervisor_config(config_path.read_text())
    assert groups["g"]["socket"].startswith(f"{server.root}/sockets/app.{server.pid}.")
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
