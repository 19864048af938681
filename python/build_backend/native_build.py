"""Runs the project's own build (`make build`: swift build and apxs) and names what it made.

APXS in the environment selects another Apache's apxs, as with mod_wsgi's setup.py."""
import os
import subprocess
import sys
import sysconfig

# What a wheel ships, as `make build` leaves them in build/.
PROGRAMS = ("mod_wsgi-swift.so", "mod_wsgi-daemon", "mod_wsgi-express")


class BuildError(RuntimeError):
    pass


def embedded_python_version():
    """The Python version the daemon links against (pkg-config python3-embed), or None when
    pkg-config cannot tell yet (`make build` installs python3-dev when run as root)."""
    try:
        result = subprocess.run(["pkg-config", "--modversion", "python3-embed"],
                                capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def check_python_matches(embedded):
    """The daemon runs the venv we are installed into as its Python home, so the venv's Python
    must be the one it embeds."""
    running = "%d.%d" % sys.version_info[:2]
    if embedded != running:
        raise BuildError(f"this Python is {running} ({sys.executable}), but the mod_wsgi-swift daemon "
                         f"embeds Python {embedded} (pkg-config python3-embed): install into a "
                         f"virtual environment of Python {embedded}, e.g. /usr/bin/python3 -m venv")


def make_command():
    command = ["make", "build"]
    apxs = os.environ.get("APXS")
    if apxs:
        if not (os.path.isfile(apxs) and os.access(apxs, os.X_OK)):
            raise BuildError(f"APXS={apxs} (from the environment) is not an executable file: "
                             f"name your Apache's apxs, or unset APXS for /usr/bin/apxs")
        command.append(f"APXS={apxs}")
    return command


def run(source_root):
    command = make_command()
    embedded = embedded_python_version()
    if embedded:
        check_python_matches(embedded)
    # make's output goes to stderr: pip shows it with -v or when the build fails.
    result = subprocess.run(command, cwd=source_root, stdout=sys.stderr)
    if result.returncode != 0:
        raise BuildError(f"'{' '.join(command)}' failed (exit status {result.returncode}) in "
                         f"{source_root}; its output is above")
    if not embedded:
        embedded = embedded_python_version()
        if not embedded:
            raise BuildError("pkg-config python3-embed still finds no Python after make build")
        check_python_matches(embedded)
    programs = {name: os.path.join(source_root, "build", name) for name in PROGRAMS}
    missing = [path for path in programs.values() if not os.path.isfile(path)]
    if missing:
        raise BuildError(f"make build succeeded but did not make {', '.join(missing)}")
    return programs


def wheel_tag():
    """The wheel runs only with this CPython version (the daemon embeds it) on this platform
    (the programs link against this system's libraries)."""
    python = "cp%d%d" % sys.version_info[:2]
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{python}-none-{platform}"
