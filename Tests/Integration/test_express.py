"""mod_wsgi-express: generated server roots run for real."""
import os
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from conftest import APPS, BUILD, belongs_to, next_port, our_processes, wait_for_url, world_readable_tempdir

EXPRESS = os.path.join(BUILD, "mod_wsgi-express")


@pytest.fixture
def workdir():
    path = world_readable_tempdir("mwsgi-express-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def wait_for(url, timeout=15):
    return wait_for_url(fetch, url, timeout)


def test_root_without_user_is_refused(workdir):
    if os.getuid() != 0:
        pytest.skip("only root is refused")
    result = subprocess.run([EXPRESS, "setup-server", "--server-root", os.path.join(workdir, "root")],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "--user" in result.stderr


# The working directory becomes the daemon's home: www-data must be able to enter it, and the
# clone may sit under a mode-0700 folder, so every test works from its own readable directory.
def test_setup_server_apachectl_start_stop(workdir):
    port = next_port()
    root = os.path.join(workdir, "root")
    shutil.copy(os.path.join(APPS, "testapp.wsgi"), workdir)
    result = subprocess.run([EXPRESS, "setup-server", os.path.join(workdir, "testapp.wsgi"),
                             "--host", "127.0.0.1", "--port", str(port), "--user", "www-data",
                             "--group", "www-data", "--server-root", root, "--processes", "2",
                             "--threads", "3", "--log-level", "info", "--working-directory", workdir],
                            capture_output=True, text=True, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert os.access(os.path.join(root, "apachectl"), os.X_OK)
    ctl = os.path.join(root, "apachectl")
    assert subprocess.run([ctl, "configtest"], capture_output=True).returncode == 0
    subprocess.run([ctl, "start"], check=True, capture_output=True)
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/hello")
        assert (status, body) == (200, b"Hello World!")
        assert [p for p in our_processes() if belongs_to(p, root)], "daemon processes should run"
    finally:
        subprocess.run([ctl, "stop"], capture_output=True)
        wait_stopped(root)
    assert not [p for p in our_processes() if belongs_to(p, root)]


def test_start_server_serves_welcome_page_and_stops_on_sigint(workdir):
    port = next_port()
    root = os.path.join(workdir, "root")
    proc = subprocess.Popen([EXPRESS, "start-server", "--host", "127.0.0.1", "--port", str(port),
                             "--user", "www-data", "--server-root", root],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert b"mod_wsgi" in body
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    wait_stopped(root)
    assert not [p for p in our_processes() if belongs_to(p, root)]
    assert not [f for f in os.listdir(root) if f.endswith(".sock")]


def test_module_config_and_location():
    location = subprocess.run([EXPRESS, "module-location"], capture_output=True, text=True, check=True).stdout.strip()
    assert location == os.path.join(BUILD, "mod_wsgi-swift.so")
    config = subprocess.run([EXPRESS, "module-config"], capture_output=True, text=True, check=True).stdout
    assert f"LoadModule wsgi_module \"{location}\"" in config or f"LoadModule wsgi_module '{location}'" in config \
        or f"LoadModule wsgi_module {location}" in config


def wait_stopped(root, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not [p for p in our_processes() if belongs_to(p, root)]:
            return
        time.sleep(0.1)


def module_lines(command, env=None):
    result = subprocess.run([EXPRESS] + command, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def serve_with_lines(apache, lines):
    """A hand-written httpd.conf whose wsgi lines are `lines` (as pasted from module-config)."""
    server = apache("""
WSGIDaemonProcess pasted threads=2
WSGIScriptAlias / @APP@/testapp.wsgi process-group=pasted application-group=%{GLOBAL}
""", apps=["testapp.wsgi"], start=False)
    with open(server.conf) as f:
        text = f.read()
    loads = [line for line in text.splitlines() if line.startswith("LoadModule wsgi_module")]
    assert len(loads) == 1
    with open(server.conf, "w") as f:
        f.write(text.replace(loads[0], "\n".join(lines)))
    return server.start()


def test_module_config_lines_pasted_into_httpd_conf_serve_an_app(apache):
    lines = module_lines(["module-config"])
    assert lines == [f'LoadModule wsgi_module "{os.path.join(BUILD, "mod_wsgi-swift.so")}"', 'WSGIPythonHome "/usr"']
    server = serve_with_lines(apache, lines)
    status, _, body = server.get("/hello")
    assert (status, body) == (200, b"Hello World!")
    with_home = module_lines(["module-config"], env=dict(os.environ, MOD_WSGI_PYTHON_HOME="/srv/venv"))
    assert with_home[1] == 'WSGIPythonHome "/srv/venv"'


def test_install_module_copies_module_and_daemon_that_then_serve(workdir, apache):
    # workdir first: the server (whose config names the module in it) is stopped before it goes.
    modules = os.path.join(workdir, "modules")
    os.makedirs(modules)
    os.chmod(modules, 0o755)
    lines = module_lines(["install-module", "--modules-directory", modules])
    installed = os.path.join(modules, "mod_wsgi-swift.so")
    assert lines == [f'LoadModule wsgi_module "{installed}"', 'WSGIPythonHome "/usr"']
    assert os.access(os.path.join(modules, "mod_wsgi-daemon"), os.X_OK)
    with open(installed, "rb") as a, open(os.path.join(BUILD, "mod_wsgi-swift.so"), "rb") as b:
        assert a.read() == b.read()
    server = serve_with_lines(apache, lines)
    status, _, body = server.get("/hello")
    assert (status, body) == (200, b"Hello World!")
    # The module started the daemon installed beside it, not the build's.
    daemons = [p for p in our_processes() if belongs_to(p, server.root)]
    assert daemons and all(os.path.realpath(f"/proc/{p}/exe") == os.path.join(modules, "mod_wsgi-daemon")
                           for p in daemons)
