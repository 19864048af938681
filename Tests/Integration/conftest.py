"""Throwaway Apache servers on 127.0.0.1 running our module, for the integration tests.

Every server gets a fresh world-readable directory (the daemon runs as www-data, and the clone
may sit under a mode-0700 folder), its own port, and is stopped by pid when the test ends."""
import http.client
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, "build")
APPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "apps")
APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
_ports = itertools.count(18700 + (os.getpid() % 50) * 4)


def next_port():
    for port in _ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def wait_for_url(fetch, url, timeout, alive=lambda: True, **kwargs):
    """What fetch(url, **kwargs) returns once the server answers (one still starting refuses or
    resets), trying for `timeout` seconds while alive() holds."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline and alive():
        try:
            return fetch(url, **kwargs)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            last = error
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered: {last}")


def world_readable_tempdir(prefix):
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(path, 0o755)
    return path


def our_processes():
    """pids of mod_wsgi-daemon processes (supervisors and workers) on the machine."""
    out = subprocess.run(["pgrep", "-f", "mod_wsgi-daemon (supervise|worker)|\\(wsgi:"],
                         capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


class ApacheServer:
    def __init__(self, wsgi_config, apps=(), extra_config="", log_level="info"):
        self.root = world_readable_tempdir("mwsgi-it-")
        self.port = next_port()
        self.app_dir = os.path.join(self.root, "app")
        os.makedirs(self.app_dir)
        os.chmod(self.app_dir, 0o755)
        for name in apps:
            shutil.copy(os.path.join(APPS, name), self.app_dir)
        os.makedirs(os.path.join(self.root, "run"))
        self.error_log = os.path.join(self.root, "error_log")
        self.pid_file = os.path.join(self.root, "run", "httpd.pid")
        self.conf = os.path.join(self.root, "httpd.conf")
        with open(self.conf, "w") as f:
            f.write(f"""
ServerRoot "{self.root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile "{self.pid_file}"
DefaultRuntimeDir "{self.root}/run"
Mutex file:{self.root}/run default
ErrorLog "{self.error_log}"
LogLevel {log_level}
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule wsgi_module {BUILD}/mod_wsgi-swift.so
User www-data
Group www-data
StartServers 1
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
Timeout 30
KeepAlive On
<Directory />
  Require all denied
</Directory>
<Directory "{self.app_dir}">
  Require all granted
</Directory>
{wsgi_config.replace("@APP@", self.app_dir).replace("@ROOT@", self.root)}
{extra_config}
""")

    # -- control ---------------------------------------------------------------------------------
    def apachectl(self, action):
        # Every process of the server inherits this, which is how belongs_to() finds them (as
        # mod_wsgi-express's apachectl exports it too).
        env = dict(os.environ, MOD_WSGI_SERVER_ROOT=self.root)
        return subprocess.run([APACHE, "-f", self.conf, "-k", action], capture_output=True, text=True,
                              env=env)

    def start(self):
        result = self.apachectl("start")
        assert result.returncode == 0, f"apache2 -k start failed: {result.stderr}{self.log()}"
        self.wait_for_port()
        return self

    def wait_for_port(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"apache did not listen on {self.port}\n{self.log()}")

    def parent_pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self.parent_pid()
        if pid is None:
            return
        if self.apachectl("stop").returncode != 0:
            # The config no longer parses (a test removed a file it names): what -k stop sends.
            os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 15
        while time.time() < deadline and pid_alive(pid):
            time.sleep(0.05)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)

    def cleanup(self):
        self.stop()
        # Anything of ours that this server left behind is a bug the tests report; kill it anyway
        # so one failure does not poison the next test.
        for pid in self.descendants_left():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def descendants_left(self):
        """Our daemons and Apache processes (an Apache child outlives a parent that was killed)
        of this server."""
        return {pid for pid in our_processes() | apache_processes() if belongs_to(pid, self.root)}

    # -- inspection ------------------------------------------------------------------------------
    def log(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_for_log(self, text, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not in error log:\n{self.log()}")

    def worker_pids(self):
        """Worker processes of this server (not the supervisor)."""
        return {pid for pid in self.descendants_left() if " worker " in cmdline(pid) + " "}

    def sockets(self):
        found = []
        for dirpath, _, files in os.walk(self.root):
            found += [os.path.join(dirpath, f) for f in files
                      if os.path.exists(os.path.join(dirpath, f)) and
                      stat_is_socket(os.path.join(dirpath, f))]
        return found

    def request(self, method="GET", path="/", body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data
        finally:
            conn.close()

    def get(self, path="/", **kwargs):
        return self.request("GET", path, **kwargs)


def apache_processes():
    out = subprocess.run(["pgrep", "-x", "apache2"], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def belongs_to(pid, root):
    """Whether pid is a process of the server whose root is `root`: named on its command line, or
    in the MOD_WSGI_SERVER_ROOT it inherited."""
    if root in cmdline(pid):
        return True
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"MOD_WSGI_SERVER_ROOT={root}".encode() in f.read().split(b"\0")
    except OSError:
        return False


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def stat_is_socket(path):
    import stat
    return stat.S_ISSOCK(os.lstat(path).st_mode)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.call_failed = report.failed


@pytest.fixture
def apache(request):
    """Factory: apache(wsgi_config, apps=[...]) -> a started ApacheServer, stopped afterwards.
    A failed test prints each server's error log, which is where the cause usually is."""
    servers = []

    def make(wsgi_config, apps=(), start=True, **kwargs):
        server = ApacheServer(wsgi_config, apps, **kwargs)
        servers.append(server)
        return server.start() if start else server

    yield make
    for server in servers:
        if getattr(request.node, "call_failed", False):
            print(f"--- error log of the server on port {server.port} ---\n{server.log()}")
        server.cleanup()


@pytest.fixture(scope="session")
def www_data():
    return pwd.getpwnam("www-data")


def pytest_sessionstart(session):
    for path in ("mod_wsgi-swift.so", "mod_wsgi-daemon", "mod_wsgi-express"):
        if not os.path.exists(os.path.join(BUILD, path)):
            raise pytest.UsageError(f"build/{path} is missing: run `make build` first")
