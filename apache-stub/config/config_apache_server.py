"""Helpers for the module's configuration tests: a throwaway Apache server root run with the
real apache2, and readers for the supervisor processes and the config the module hands them.

Uses build/mod_wsgi-swift.so and, for tests that start Apache, build/mod_wsgi-daemon beside it
(the module runs the program found next to itself). MOD_WSGI_SWIFT_BUILD=DIR points at another
directory holding both. Every server runs as www-data on 127.0.0.1, ports 18200-18299.
"""
import itertools
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("MOD_WSGI_SWIFT_BUILD", REPO / "build"))
MODULE = BUILD / "mod_wsgi-swift.so"
DAEMON = BUILD / "mod_wsgi-daemon"
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
WWW_DATA = pwd.getpwnam("www-data")

requires_module = pytest.mark.skipif(not MODULE.exists(),
                                     reason=f"{MODULE} is not built (make module)")
needs_daemon = pytest.mark.skipif(
    not os.access(DAEMON, os.X_OK),
    reason=f"{DAEMON} is not built yet (make swift): the launch tests need the real program")

# The example group, used by several tests.
GOOD_GROUP = ("WSGIDaemonProcess example processes=2 threads=15 user=www-data group=www-data "
              "python-home=/usr python-path=/srv/example:/srv/lib display-name=%{GROUP}")

# Cycled: most servers only run configtest, which binds nothing, and a started one is stopped
# before its test ends.
_ports = itertools.cycle(range(18200, 18300))


class Server:
    """A throwaway Apache server root: world-readable, with its own conf, logs and run dir.
    @ROOT@ in body stands for the server root."""

    def __init__(self, body, extra_modules=()):
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="wsgi-cconfig-"))
        self.root.chmod(0o755)
        self.run = self.root / "run"
        self.run.mkdir()
        self.port = next(_ports)
        self.pid_file = self.root / "httpd.pid"
        self.error_log = self.root / "error.log"
        modules = "\n".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so"
                            for name in extra_modules)
        self.conf = self.root / "httpd.conf"
        self.conf.write_text(f"""
ServerRoot {self.root}
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile {self.pid_file}
ErrorLog {self.error_log}
LogLevel info
DefaultRuntimeDir {self.run}
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
{modules}
LoadModule wsgi_module {MODULE}
User www-data
Group www-data
{body.replace("@ROOT@", str(self.root))}
""")

    def configtest(self):
        result = subprocess.run([APACHE, "-t", "-f", str(self.conf)], capture_output=True,
                                text=True, timeout=30)
        return result.returncode, result.stdout + result.stderr

    def start(self):
        result = subprocess.run([APACHE, "-f", str(self.conf), "-k", "start"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr + self.log()
        wait_for(lambda: self.pid_file.exists() and self.pid_file.read_text().strip(),
                 "the pid file", self)
        self.pid = int(self.pid_file.read_text())

    def signal(self, action):
        result = subprocess.run([APACHE, "-f", str(self.conf), "-k", action],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stdout + result.stderr

    def stop(self):
        self.signal("stop")
        wait_for(lambda: not alive(self.pid), "Apache to exit", self, timeout=30)

    def log(self):
        return self.error_log.read_text() if self.error_log.exists() else ""

    def cleanup(self):
        if self.pid_file.exists():
            try:
                pid = int(self.pid_file.read_text())
                os.kill(pid, signal.SIGTERM)
                wait_for(lambda: not alive(pid), "Apache to exit", self, timeout=30)
            except (ValueError, ProcessLookupError):
                pass
        shutil.rmtree(self.root, ignore_errors=True)



def wait_for(predicate, what, server=None, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n" + (server.log() if server else ""))


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def supervisors(parent_pid):
    """Pids of the children of parent_pid whose command line is `... supervise --config-fd 0`."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = pathlib.Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            status = pathlib.Path(f"/proc/{entry}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ppid = int(next(l.split()[1] for l in status.splitlines() if l.startswith("PPid:")))
        args = [a.decode() for a in argv if a]
        if ppid == parent_pid and "supervise" in args and "--config-fd" in args:
            found[int(entry)] = args
    return found


def program_of(args):
    """The program of a supervisor's argv (`... supervise --config-fd 0`; a script's argv starts
    with its shell), checking the rest of the line."""
    at = args.index("supervise")
    assert args[at + 1:] == ["--config-fd", "0"], args
    return args[at - 1]


# Stands in for mod_wsgi-daemon beside a copy of the module: keeps a copy of the config the
# module passes on standard input (config.PID), then runs the real program with the same input.
# The real one reads with pread from offset 0, so what cat read is still there for it.
RECORDING_DAEMON = """#!/bin/sh
cat > "$(dirname "$0")/config.$$"
exec {daemon} "$@"
"""


def parse_supervisor_config(text):
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert lines[0] == "mod_wsgi-supervisor-config 1"
    top, groups, current = {}, {}, None
    for line in lines[1:]:
        key, _, value = line.partition(" ")
        if key == "group" and current is None:  # inside a block, "group" is the gid option
            current = groups[value] = {"preload": []}
        elif key == "end":
            current = None
        elif current is None:
            top[key] = value
        elif key == "preload":
            current["preload"].append(value)
        else:
            assert key not in current, f"{key} written twice"
            current[key] = value
    return top, groups

