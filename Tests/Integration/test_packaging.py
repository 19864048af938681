"""Installing as mod_wsgi's README describes, with a clean clone of this repository: `pip install`
into a fresh venv (then mod_wsgi-express start-server, module-config pasted into httpd.conf,
pip wheel, pip uninstall), and configure / make / make install. Installed programs must run
without the Swift toolchain's folder."""
import os
import signal
import subprocess
import tarfile
import time
import urllib.request

import pytest

import packaging_support as pkg
from conftest import APACHE, MODULES, REPO, belongs_to, next_port, our_processes, pid_alive, wait_for_url

HELPER_MODULE = "venv_only_helper"


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def wait_for(url, timeout=30, alive=lambda: True):
    return wait_for_url(fetch, url, timeout, alive)


def wait_stopped(root, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline and [p for p in our_processes() if belongs_to(p, root)]:
        time.sleep(0.1)
    return [p for p in our_processes() if belongs_to(p, root)]


def app_folder(venv):
    """A folder with wsgi.py, whose answer names the Python prefix it runs in, a value from a
    module that only the venv has (so it is served with the venv's packages) and its process
    group, from the daemon's built-in mod_wsgi module, beneath which the installed package's
    mod_wsgi.server must still import (Django lists it in INSTALLED_APPS)."""
    with open(os.path.join(pkg.site_packages(venv), HELPER_MODULE + ".py"), "w") as f:
        f.write('VALUE = "imported from the venv"\n')
    folder = pkg.folder("app-")
    with open(os.path.join(folder, "wsgi.py"), "w") as f:
        f.write(f"""import sys
import {HELPER_MODULE}
import mod_wsgi
import mod_wsgi.server

def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    answer = "%s %s in %s" % (sys.prefix, {HELPER_MODULE}.VALUE, mod_wsgi.process_group)
    return [answer.encode()]
""")
    return folder


def tree(root):
    """Every file and folder under root, relative to it."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            found.add(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def package_files(venv):
    """The installed mod_wsgi package, without bytecode."""
    return {path for path in tree(os.path.join(pkg.site_packages(venv), "mod_wsgi"))
            if "__pycache__" not in path}


def apache_tree_state():
    """What an install must not touch: Apache's modules folder and configuration."""
    state = {}
    for root in (MODULES, "/etc/apache2"):
        for path in tree(root):
            full = os.path.join(root, path)
            st = os.lstat(full)
            state[full] = (st.st_mtime_ns, st.st_size)
    return state


# -- pip install of a clone ----------------------------------------------------------------------

def test_pip_install_of_a_clone_puts_the_programs_in_the_package_and_express_on_the_path():
    venv = pkg.pip_installed_venv()
    folder = pkg.programs_folder(venv)
    for program in pkg.PROGRAMS:
        assert os.access(os.path.join(folder, program), os.X_OK), program
    script = os.path.join(venv, "bin", "mod_wsgi-express")
    with open(script) as f:
        assert f.readline().strip() == f"#!{venv}/bin/python3", "a console script of the venv's Python"
    location = pkg.run([script, "module-location"]).stdout.strip()
    assert location == os.path.join(folder, "mod_wsgi-swift.so")


def test_start_server_from_the_venv_serves_the_app_with_the_venvs_packages():
    venv = pkg.pip_installed_venv()
    folder = app_folder(venv)
    root = os.path.join(folder, "root")
    port = next_port()
    command = [os.path.join(venv, "bin", "mod_wsgi-express"), "start-server", "wsgi.py",
               "--port", str(port), "--host", "127.0.0.1", "--user", "www-data", "--server-root", root]
    # As on a machine without Swift, where that is possible: Apache, the daemon and express all
    # run in a mount namespace where /opt/swift is empty.
    if pkg.can_hide_toolchain():
        command = pkg.without_toolchain(command)
    with open(os.path.join(folder, "output"), "w+") as output:
        proc = subprocess.Popen(command, cwd=folder, stdout=output, stderr=subprocess.STDOUT)
        try:
            status, body = wait_for(f"http://127.0.0.1:{port}/", alive=lambda: proc.poll() is None)
            assert (status, body.decode()) == (200, f"{venv} imported from the venv in 127.0.0.1:{port}")
        except AssertionError as error:
            output.seek(0)
            raise AssertionError(f"{error}\nexpress said:\n{output.read()}") from None
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert not wait_stopped(root)


@pytest.mark.parametrize("command", ["module-config", "install-module"])
def test_lines_from_module_config_or_install_module_in_a_hand_written_httpd_conf_serve_the_app(command):
    """module-config prints the lines for the module where pip put it; install-module copies the
    module and the daemon into a modules folder (here a fresh one, not Apache's own) and prints
    the lines for that copy. Either way, pasted into httpd.conf, they serve with the venv."""
    venv = pkg.pip_installed_venv()
    express = os.path.join(venv, "bin", "mod_wsgi-express")
    if command == "module-config":
        module = os.path.join(pkg.programs_folder(venv), "mod_wsgi-swift.so")
        lines = pkg.run([express, "module-config"]).stdout
    else:
        modules = os.path.join(pkg.workspace(), "modules")
        os.makedirs(modules, mode=0o755)
        apache_before = apache_tree_state()
        lines = pkg.run([express, "install-module", "--modules-directory", modules]).stdout
        assert apache_tree_state() == apache_before, "install-module elsewhere leaves Apache's tree alone"
        module = os.path.join(modules, "mod_wsgi-swift.so")
        assert os.access(os.path.join(modules, "mod_wsgi-daemon"), os.X_OK), "the daemon goes beside the module"
    assert lines.splitlines() == [f'LoadModule wsgi_module "{module}"', f'WSGIPythonHome "{venv}"']
    app = app_folder(venv)
    root = pkg.folder("httpd-")
    os.makedirs(os.path.join(root, "run"))
    port = next_port()
    conf = os.path.join(root, "httpd.conf")
    with open(conf, "w") as f:
        f.write(f"""ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/httpd.pid"
DefaultRuntimeDir "{root}/run"
Mutex file:{root}/run default
ErrorLog "{root}/error_log"
LogLevel info
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
User www-data
Group www-data

# What mod_wsgi-express {command} printed:
{lines}
WSGIDaemonProcess pasted processes=1 threads=2
WSGIScriptAlias /sub {app}/wsgi.py process-group=pasted application-group=sub
WSGIScriptAlias / {app}/wsgi.py process-group=pasted application-group=%{{GLOBAL}}
<Directory "{app}">
    Require all granted
</Directory>
""")
    env = dict(os.environ, MOD_WSGI_SERVER_ROOT=root)  # how belongs_to() finds its processes
    control = [APACHE, "-f", conf, "-k"]
    started = subprocess.run(control + ["start"], capture_output=True, text=True, env=env)
    try:
        assert started.returncode == 0, started.stderr
        status, body = wait_for(f"http://127.0.0.1:{port}/")
        assert (status, body.decode()) == (200, f"{venv} imported from the venv in pasted")
        # A sub-interpreter has a mod_wsgi module of its own, which must find the package too.
        status, body = wait_for(f"http://127.0.0.1:{port}/sub")
        assert (status, body.decode()) == (200, f"{venv} imported from the venv in pasted")
    except AssertionError as error:
        with open(os.path.join(root, "error_log"), errors="replace") as log:
            raise AssertionError(f"{error}\nerror log:\n{log.read()}") from None
    finally:
        with open(os.path.join(root, "httpd.pid")) as f:
            pid = int(f.read())
        subprocess.run(control + ["stop"], capture_output=True, env=env)
        deadline = time.time() + 15
        while time.time() < deadline and pid_alive(pid):
            time.sleep(0.1)
    assert not wait_stopped(root)


def test_installed_programs_need_nothing_from_the_swift_toolchain():
    folder = pkg.programs_folder(pkg.pip_installed_venv())
    for program in pkg.PROGRAMS:
        assert pkg.toolchain_dependencies(os.path.join(folder, program)) == [], program
    if not pkg.can_hide_toolchain():
        pytest.skip("cannot hide /opt/swift here (unshare --mount); ldd found no dependency on it")
    for program in ("mod_wsgi-express", "mod_wsgi-daemon"):
        result = subprocess.run(pkg.without_toolchain([os.path.join(folder, program), "--help"]),
                                capture_output=True, text=True)
        assert result.returncode == 0, f"{program} without /opt/swift: {result.stderr}"


# -- pip wheel, then install and uninstall -------------------------------------------------------

def test_the_wheel_installs_the_same_files_and_pip_uninstall_removes_them_all():
    wheel = pkg.wheel()
    assert os.path.basename(wheel).startswith("mod_wsgi_swift-")
    venv = pkg.new_venv("venv-wheel")
    before = tree(venv)
    apache_before = apache_tree_state()

    pkg.pip(venv, "install", wheel)
    assert package_files(venv) == package_files(pkg.pip_installed_venv())
    express = os.path.join(venv, "bin", "mod_wsgi-express")
    location = pkg.run([express, "module-location"]).stdout.strip()
    assert location == os.path.join(pkg.programs_folder(venv), "mod_wsgi-swift.so")
    assert apache_tree_state() == apache_before, "installing must not write into Apache's tree"

    pkg.pip(venv, "uninstall", "--yes", pkg.DISTRIBUTION)
    assert tree(venv) ^ before == set(), "pip uninstall should leave the venv as it was"


# -- configure, make, make install ---------------------------------------------------------------

def test_configure_make_make_install_into_a_destdir():
    clone = pkg.clone()
    pkg.wheel()  # the clone's Swift build is done by now; make only rebuilds the module
    prefix = "/opt/mod_wsgi-swift-cmmi-test"
    dest = os.path.join(pkg.workspace(), "destdir")
    etc_before = apache_tree_state()
    try:
        configured = pkg.run(["./configure", f"--prefix={prefix}", "--with-apxs=/usr/bin/apxs",
                              "--with-python=/usr/bin/python3"], cwd=clone)
        assert "wrote config.mk" in configured.stdout
        pkg.run(["make"], cwd=clone)
        installed = pkg.run(["make", "install", f"DESTDIR={dest}"], cwd=clone)
    finally:
        if os.path.exists(os.path.join(clone, "config.mk")):
            os.remove(os.path.join(clone, "config.mk"))
    module = f"{dest}{MODULES}/mod_wsgi-swift.so"
    daemon = f"{dest}{prefix}/libexec/mod_wsgi-swift/mod_wsgi-daemon"
    express = f"{dest}{prefix}/bin/mod_wsgi-express"
    for path in (module, daemon, express):
        assert os.path.isfile(path), path
        assert pkg.toolchain_dependencies(path) == [], path
    with open(module, "rb") as f:
        assert f"{prefix}/libexec/mod_wsgi-swift/mod_wsgi-daemon".encode() in f.read(), \
            "the module looks for the daemon under configure's --prefix"
    # Debian's libapache2-mod-wsgi-py3 owns mods-available/wsgi.load: ours never takes its name.
    debian_owns_wsgi_load = subprocess.run(["dpkg-query", "-S", "/etc/apache2/mods-available/wsgi.load"],
                                           capture_output=True).returncode == 0
    name = "wsgi_swift" if debian_owns_wsgi_load else "wsgi"
    with open(f"{dest}/etc/apache2/mods-available/{name}.load") as f:
        assert f.read().strip() == f"LoadModule wsgi_module {MODULES}/mod_wsgi-swift.so"
    assert f"a2enmod {name}" in installed.stdout
    assert apache_tree_state() == etc_before, "with DESTDIR nothing is written outside it"


@pytest.mark.parametrize("option, message", [
    ("--with-apxs=/nonexistent/apxs", "apxs '/nonexistent/apxs' (--with-apxs) is not an executable file"),
    ("--with-python=/nonexistent/python3", "python '/nonexistent/python3' (--with-python) is not an executable file"),
    ("--prefix=relative", "--prefix must be an absolute path"),
    ("--with-apache=/usr", "unknown option '--with-apache=/usr'"),
])
def test_configure_names_what_is_wrong_and_writes_nothing(option, message):
    clone = pkg.clone()
    result = subprocess.run(["./configure", option], cwd=clone, capture_output=True, text=True)
    assert result.returncode == 1
    assert f"configure: error: {message}" in result.stderr
    assert not os.path.exists(os.path.join(clone, "config.mk"))



def test_pip_builds_the_module_with_the_apxs_named_in_the_environment():
    """As with mod_wsgi: APXS=... pip install picks another Apache's apxs (here a wrapper that
    notes each call, then runs Debian's); a wrong one is named before anything is built."""
    clone = pkg.clone()
    pkg.wheel()  # the clone is built with /usr/bin/apxs first
    pip = os.path.join(pkg.pip_installed_venv(), "bin", "pip")
    calls = os.path.join(pkg.workspace(), "apxs-calls")
    wrapper = os.path.join(pkg.workspace(), "apxs-wrapper")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\necho "$*" >> {calls}\nexec /usr/bin/apxs "$@"\n')
    os.chmod(wrapper, 0o755)

    def wheel_with(apxs):
        return subprocess.run([pip, "wheel", "--no-deps", "--no-cache-dir", "-w",
                               os.path.join(pkg.workspace(), "apxs-wheels"), clone],
                              capture_output=True, text=True, env=dict(os.environ, APXS=apxs))

    wrong = wheel_with("/nonexistent/apxs")
    assert wrong.returncode != 0
    assert "APXS=/nonexistent/apxs (from the environment) is not an executable file" in wrong.stdout + wrong.stderr

    built = wheel_with(wrapper)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    with open(calls) as f:
        assert [line for line in f if line.startswith("-c ")], "the module was compiled by $APXS"


def test_the_backends_sdist_holds_the_tracked_sources_and_no_build_output():
    clone = pkg.clone()
    pkg.wheel()  # build output exists in the clone by now, and must stay out
    out_dir = pkg.folder("sdist-")
    script = f"import build_backend; print(build_backend.build_sdist({out_dir!r}))"
    name = pkg.run([pkg.SYSTEM_PYTHON, "-c", script], cwd=clone,
                   env=dict(os.environ, PYTHONPATH=os.path.join(clone, "python"))).stdout.strip()
    assert name == "mod_wsgi_swift-0.1.0.tar.gz"
    with tarfile.open(os.path.join(out_dir, name)) as tar:
        names = set(tar.getnames())
    tracked = pkg.run(["git", "ls-files"], cwd=clone).stdout.split()
    assert names == {f"mod_wsgi_swift-0.1.0/{path}" for path in tracked} | {"mod_wsgi_swift-0.1.0/PKG-INFO"}
    assert not [n for n in names if "/build/" in n or "/.build/" in n]


def test_the_backend_refuses_a_python_other_than_the_one_the_daemon_embeds():
    """A venv of another Python could not be the daemon's Python home: the build says so, with
    both versions, before building anything."""
    script = ("from build_backend import native_build\n"
              "try:\n    native_build.check_python_matches('3.99')\n"
              "except native_build.BuildError as error:\n    print(error)\n")
    out = pkg.run([pkg.SYSTEM_PYTHON, "-c", script],
                  env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "python"))).stdout
    assert "this Python is 3.11" in out and "embeds Python 3.99" in out
