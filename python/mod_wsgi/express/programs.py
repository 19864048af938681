"""Where the bundled programs are: mod_wsgi/server/, as the wheel lays them out."""
import os

SERVER_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "server")
EXPRESS = os.path.join(SERVER_FOLDER, "mod_wsgi-express")
MODULE = os.path.join(SERVER_FOLDER, "mod_wsgi-swift.so")
DAEMON = os.path.join(SERVER_FOLDER, "mod_wsgi-daemon")


class MissingProgram(RuntimeError):
    pass


def express_program():
    if not os.access(EXPRESS, os.X_OK):
        raise MissingProgram(f"{EXPRESS} is missing or not executable: mod_wsgi is not installed "
                             f"from a wheel (pip install . builds one), or the install is damaged")
    return EXPRESS


def express_environment(environ=None):
    """The environment mod_wsgi-express runs in: MOD_WSGI_PYTHON_HOME names this Python's prefix
    (the venv), which express writes into httpd.conf as WSGIPythonHome, so the daemon runs the
    application with this venv's packages."""
    import sys
    env = dict(os.environ if environ is None else environ)
    env["MOD_WSGI_PYTHON_HOME"] = sys.prefix
    return env
