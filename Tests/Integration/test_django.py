"""Django, as mod_wsgi's README describes it: a project from Django's startproject, with
`mod_wsgi.server` (or 6.x's `mod_wsgi.express`) in INSTALLED_APPS, served by
`python manage.py runmodwsgi --setup-only ...` and the generated apachectl: the admin login page
comes from the daemon (running the venv: Debian's Python has no Django), its CSS from Apache at
STATIC_URL."""
import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest

import packaging_support as pkg
from conftest import belongs_to, next_port, our_processes, wait_for_url

DJANGO = "Django>=5.2,<5.3"


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.headers, response.read()


def wait_for(url, timeout=30):
    return wait_for_url(fetch, url, timeout)


@pytest.fixture(scope="module")
def django_venv():
    """A fresh venv with the wheel of this project and Django from PyPI."""
    venv = pkg.new_venv("venv-django")
    pkg.pip(venv, "install", pkg.wheel(), DJANGO)
    return venv


def start_project(venv, app_name):
    """startproject, then the settings the README asks for; collectstatic."""
    folder = pkg.folder("django-")
    python = os.path.join(venv, "bin", "python")
    pkg.run([os.path.join(venv, "bin", "django-admin"), "startproject", "mysite", folder])
    settings = os.path.join(folder, "mysite", "settings.py")
    with open(settings, "a") as f:
        f.write(f"""
INSTALLED_APPS += [{app_name!r}]
STATIC_ROOT = BASE_DIR / "static"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
""")
    pkg.run([python, "manage.py", "collectstatic", "--noinput"], cwd=folder)
    return folder


def manage(venv, folder, *args):
    return subprocess.run([os.path.join(venv, "bin", "python"), "manage.py", *args], cwd=folder,
                          capture_output=True, text=True)


@pytest.mark.parametrize("app_name", ["mod_wsgi.server", "mod_wsgi.express"])
def test_runmodwsgi_setup_only_then_apachectl_serves_admin_and_its_static_files(django_venv, app_name):
    folder = start_project(django_venv, app_name)
    root = os.path.join(folder, "server-root")
    port = next_port()
    setup = manage(django_venv, folder, "runmodwsgi", "--setup-only", "--port", str(port),
                   "--host", "127.0.0.1", "--user", "www-data", "--group", "www-data",
                   "--server-root", root)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    apachectl = os.path.join(root, "apachectl")
    assert os.access(apachectl, os.X_OK), setup.stdout + setup.stderr
    assert not [p for p in our_processes() if belongs_to(p, root)], "--setup-only starts nothing"

    started = subprocess.run([apachectl, "start"], capture_output=True, text=True)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        status, headers, body = wait_for(f"http://127.0.0.1:{port}/admin/login/")
        assert status == 200
        assert b"Django administration" in body
        status, headers, body = wait_for(f"http://127.0.0.1:{port}/static/admin/css/base.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        with open(os.path.join(folder, "static", "admin", "css", "base.css"), "rb") as f:
            assert body == f.read()
    except AssertionError as error:
        raise AssertionError(f"{error}\n{error_logs(root)}") from None
    finally:
        subprocess.run([apachectl, "stop"], capture_output=True)
        deadline = time.time() + 20
        while time.time() < deadline and [p for p in our_processes() if belongs_to(p, root)]:
            time.sleep(0.1)
    assert not [p for p in our_processes() if belongs_to(p, root)]


def test_runmodwsgi_serves_in_the_foreground_until_interrupted(django_venv):
    """Without --setup-only, runmodwsgi becomes mod_wsgi-express start-server: Apache runs in
    the foreground, and Ctrl-C stops it and every daemon process."""
    folder = start_project(django_venv, "mod_wsgi.express")
    root = os.path.join(folder, "server-root")
    port = next_port()
    with open(os.path.join(folder, "output"), "w+") as output:
        proc = subprocess.Popen([os.path.join(django_venv, "bin", "python"), "manage.py", "runmodwsgi",
                                 "--port", str(port), "--host", "127.0.0.1", "--user", "www-data",
                                 "--server-root", root], cwd=folder, stdout=output, stderr=subprocess.STDOUT)
        try:
            status, headers, body = wait_for(f"http://127.0.0.1:{port}/admin/login/")
            assert status == 200 and b"Django administration" in body
        except AssertionError as error:
            output.seek(0)
            raise AssertionError(f"{error}\nrunmodwsgi said:\n{output.read()}\n{error_logs(root)}") from None
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    deadline = time.time() + 20
    while time.time() < deadline and [p for p in our_processes() if belongs_to(p, root)]:
        time.sleep(0.1)
    assert not [p for p in our_processes() if belongs_to(p, root)]


def test_runmodwsgi_passes_unknown_options_to_express_and_lists_its_options(django_venv):
    folder = start_project(django_venv, "mod_wsgi.express")
    result = manage(django_venv, folder, "runmodwsgi", "--setup-only", "--no-such-option")
    assert result.returncode != 0
    assert "--no-such-option" in result.stderr
    listed = manage(django_venv, folder, "runmodwsgi", "--help")
    assert listed.returncode == 0, listed.stderr
    for option in ("--setup-only", "--reload-on-changes", "--url-alias", "--https-port", "--settings"):
        assert option in listed.stdout, f"runmodwsgi --help should list {option}"


def error_logs(root):
    text = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.startswith("error_log"):
                with open(os.path.join(dirpath, name), errors="replace") as f:
                    text.append(f"--- {name}\n{f.read()[-8000:]}")
    return "\n".join(text) or "(no error log)"


def test_runmodwsgi_builds_express_options_from_the_settings(django_venv):
    """What runmodwsgi hands to express before the user's options: the application, the project
    folder, and Apache serving STATIC and MEDIA (static left to WhiteNoise when it is on)."""
    script = """
import json, types
from mod_wsgi.express.management.commands.runmodwsgi import project_options
def settings(**extra):
    values = dict(WSGI_APPLICATION="mysite.wsgi.application", BASE_DIR="/srv/site",
                  STATIC_URL="/static/", STATIC_ROOT="/srv/static", MEDIA_URL="/media/",
                  MEDIA_ROOT="/srv/media", MIDDLEWARE=[])
    values.update(extra)
    return types.SimpleNamespace(**values)
print(json.dumps([
    project_options(settings(), []),
    project_options(settings(MIDDLEWARE=["whitenoise.middleware.WhiteNoiseMiddleware"],
                             MEDIA_ROOT=""), ["--working-directory=/elsewhere"]),
    project_options(settings(STATIC_URL="https://cdn.example.com/static/"), []),
]))
"""
    out = pkg.run([os.path.join(django_venv, "bin", "python"), "-c", script]).stdout
    plain, whitenoise, cdn = json.loads(out)
    assert plain == ["--application-type", "module", "--entry-point", "mysite.wsgi",
                     "--callable-object", "application", "--python-path", "/srv/site",
                     "--working-directory", "/srv/site",
                     "--url-alias", "/static", "/srv/static", "--url-alias", "/media", "/srv/media"]
    assert whitenoise == ["--application-type", "module", "--entry-point", "mysite.wsgi",
                          "--callable-object", "application", "--python-path", "/srv/site"]
    assert cdn[-3:] == ["--url-alias", "/media", "/srv/media"] and "/srv/static" not in cdn
