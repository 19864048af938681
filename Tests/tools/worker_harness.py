"""Starts one `mod_wsgi-daemon worker` much as the supervisor does (listening socket on fd 3, its
group's config with a fresh secret, here from a mode-0600 file), for tests that talk to it with
wire_client. Everything lives in a fresh world-readable temp dir because the worker drops to
www-data."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import wire_client

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def find_daemon():
    candidates = [os.environ.get("MOD_WSGI_DAEMON", ""), os.path.join(REPO, "build", "mod_wsgi-daemon")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError("mod_wsgi-daemon not found: set MOD_WSGI_DAEMON or run make swift")


class Worker:
    def __init__(self, apps, options=None, group="test", log_level="info", binary=None):
        """apps: {file name: source}; options: extra WSGIDaemonProcess options for the group."""
        self.dir = tempfile.mkdtemp(prefix="wsgi-worker-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.group = group
        self.scripts = {}
        for name, source in apps.items():
            path = os.path.join(self.dir, name)
            with open(path, "w") as f:
                f.write(source)
            os.chmod(path, 0o644)
            self.scripts[name] = path
        self.socket_path = os.path.join(self.dir, "wsgi.sock")
        self.log_path = os.path.join(self.dir, "error.log")
        options = dict({"threads": "4", "socket-timeout": "10", "shutdown-timeout": "5"}, **(options or {}))
        self.secret = os.urandom(32)
        lines = ["mod_wsgi-supervisor-config 1", "server-pid %d" % os.getpid(), "generation 1",
                 "log-level %s" % log_level, "apache-user 33", "apache-group 33", "group %s" % group,
                 "socket %s" % self.socket_path, "secret %s" % self.secret.hex()]
        lines += ["%s %s" % item for item in options.items()]
        lines += ["end", ""]
        self.config_path = os.path.join(self.dir, "supervisor.conf")
        # The worker refuses a config with a secret that anyone else could read.
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines))
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.socket_path)
        self.listener.listen(100)
        self.binary = binary or find_daemon()
        self.process = None

    def start(self, wait=True, extra_args=()):
        log = open(self.log_path, "ab")
        fd = self.listener.fileno()

        def listener_on_fd_3():
            # close_fds runs after preexec_fn and would close fd 3, so it is off; Python's own fds
            # are close-on-exec anyway, and dup2 makes fd 3 inheritable.
            if fd != 3:
                os.dup2(fd, 3)
            os.set_inheritable(3, True)
        self.process = subprocess.Popen(
            [self.binary, "worker", "--config", self.config_path, "--group", self.group, "--slot", "0", *extra_args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=False, preexec_fn=listener_on_fd_3)
        log.close()
        if wait:
            self.wait_for_log("Starting process")
        return self

    def request(self, environ, body_chunks=(), **kwargs):
        """One request over the wire, as this server's Apache would send it (with the secret)."""
        return wire_client.request(self.socket_path, environ, body_chunks, secret=self.secret, **kwargs)

    def wait_for_log(self, text, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError("worker exited with %s:\n%s" % (self.process.returncode, self.log()))
            time.sleep(0.05)
        raise RuntimeError("%r not logged within %ss:\n%s" % (text, timeout, self.log()))

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self, sig=15, timeout=10):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def close(self):
        self.stop()
        self.listener.close()
        shutil.rmtree(self.dir, ignore_errors=True)
