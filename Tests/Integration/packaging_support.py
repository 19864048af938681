"""What test_packaging.py and test_django.py share: a clean clone of this repository, built once
per test run by `pip install` of the clone into a fresh venv, and a wheel made from the same
clone by `pip wheel` (so the Swift build runs once). Everything sits in world-readable temp
folders (the daemon runs as www-data) and is removed when the run ends.

The clone is of the committed HEAD: uncommitted changes are not in it."""
import atexit
import functools
import glob
import os
import shutil
import subprocess
import tempfile

from conftest import REPO, world_readable_tempdir

SYSTEM_PYTHON = "/usr/bin/python3"
DISTRIBUTION = "mod_wsgi-swift"
PROGRAMS = ("mod_wsgi-express", "mod_wsgi-swift.so", "mod_wsgi-daemon")
SWIFT_TOOLCHAIN = "/opt/swift"


@functools.lru_cache(maxsize=None)
def workspace():
    path = world_readable_tempdir("mwsgi-pkg-")
    atexit.register(remove_workspace, path)
    return path


def remove_workspace(path):
    shutil.rmtree(path, ignore_errors=True)
    # SwiftPM leaves its lock files in /tmp, named after the clone's path.
    for lock in glob.glob(os.path.join(tempfile.gettempdir(), path.replace("/", "_") + "_*.lock")):
        os.remove(lock)


def folder(prefix):
    """A fresh world-readable folder inside the workspace (removed with it)."""
    path = tempfile.mkdtemp(prefix=prefix, dir=workspace())
    os.chmod(path, 0o755)
    return path


def run(command, **kwargs):
    """Runs a command; a failure shows its output."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (f"{' '.join(map(str, command))} exited {result.returncode}\n"
                                    f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}")
    return result


@functools.lru_cache(maxsize=None)
def clone():
    path = os.path.join(workspace(), "clone")
    run(["git", "clone", "--quiet", REPO, path])
    return path


def new_venv(name):
    """A fresh venv of Debian's Python (the one the daemon embeds)."""
    path = os.path.join(workspace(), name)
    run([SYSTEM_PYTHON, "-m", "venv", path])
    return path


def pip(venv, *args, **kwargs):
    return run([os.path.join(venv, "bin", "pip"), "--disable-pip-version-check", "--no-cache-dir",
                *args], **kwargs)


@functools.lru_cache(maxsize=None)
def pip_installed_venv():
    """`pip install <clone>` into a fresh venv: the README's first step. Builds everything."""
    venv = new_venv("venv-pip-install")
    pip(venv, "install", clone())
    return venv


@functools.lru_cache(maxsize=None)
def wheel():
    """`pip wheel <clone>` after the install above (the Swift build is then up to date)."""
    pip_installed_venv()
    folder = os.path.join(workspace(), "wheels")
    pip(pip_installed_venv(), "wheel", "--no-deps", "-w", folder, clone())
    (path,) = glob.glob(os.path.join(folder, "*.whl"))
    return path


def site_packages(venv):
    (path,) = glob.glob(os.path.join(venv, "lib", "python3.*", "site-packages"))
    return path


def programs_folder(venv):
    return os.path.join(site_packages(venv), "mod_wsgi", "server")


def toolchain_dependencies(path):
    """Lines of `ldd path` that name a library in the Swift toolchain's folder."""
    out = run(["ldd", path]).stdout
    return [line.strip() for line in out.splitlines() if SWIFT_TOOLCHAIN in line]


@functools.lru_cache(maxsize=None)
def can_hide_toolchain():
    """Whether this machine lets us run a program in a mount namespace where /opt/swift is an
    empty folder (root, with unshare(1) and mount permission)."""
    if not os.path.isdir(SWIFT_TOOLCHAIN) or shutil.which("unshare") is None:
        return False
    return subprocess.run(without_toolchain(["true"]), capture_output=True).returncode == 0


def without_toolchain(command):
    """command, run where /opt/swift is empty: as on a machine without Swift."""
    script = f'mount -t tmpfs none {SWIFT_TOOLCHAIN} && exec "$@"'
    return ["unshare", "--mount", "sh", "-c", script, "sh", *command]
