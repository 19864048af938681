# A reload_required() that raises: its traceback is logged and the module stays loaded.
import time

LOADED = time.time_ns()


def reload_required(resource):
    raise RuntimeError("reload_required callback intentionally raising")


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(LOADED).encode()]
