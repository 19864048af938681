"""The configuration from the issue, unchanged, with a real venv as python-home."""
import json
import os
import subprocess


def make_venv_and_lib(server, helper_value):
    """A real venv at <root>/venv and <root>/lib/helper_module.py, readable by www-data; then start."""
    venv = os.path.join(server.root, "venv")
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", venv], check=True)
    lib = os.path.join(server.root, "lib")
    os.makedirs(lib)
    with open(os.path.join(lib, "helper_module.py"), "w") as f:
        f.write(f"VALUE = {helper_value!r}\n")
    subprocess.run(["chmod", "-R", "a+rX", server.root], check=True)
    server.start()
    return venv, lib


def get_info(server):
    status, _, body = server.get("/")
    assert status == 200, server.log()
    return json.loads(body)


def test_issue_example_config_with_venv_and_python_path(apache, tmp_path):
    server = apache("""
WSGIDaemonProcess site processes=2 threads=15 user=www-data group=www-data \\
    python-home=@ROOT@/venv python-path=@ROOT@/lib display-name=%{GROUP}
WSGIProcessGroup site
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias / @APP@/venv_app.wsgi
""", apps=["venv_app.wsgi"], start=False)
    venv, lib = make_venv_and_lib(server, "from python-path")
    info = get_info(server)
    assert info["prefix"] == venv
    assert info["base_prefix"] == "/usr"
    assert info["helper"] == "from python-path"
    assert lib in info["path"]
    assert info["argv"] == ["mod_wsgi"]
    assert info["title"] == "(wsgi:site)"


def test_global_python_home_and_path_apply_to_groups_without_their_own(apache):
    server = apache("""
WSGIPythonHome @ROOT@/venv
WSGIPythonPath @ROOT@/lib
WSGIDaemonProcess plain threads=2 user=www-data group=www-data
WSGIProcessGroup plain
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias / @APP@/venv_app.wsgi
""", apps=["venv_app.wsgi"], start=False)
    venv, _ = make_venv_and_lib(server, "from WSGIPythonPath")
    info = get_info(server)
    assert info["prefix"] == venv
    assert info["helper"] == "from WSGIPythonPath"
