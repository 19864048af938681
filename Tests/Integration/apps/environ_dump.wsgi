# Describes its environ (each value's repr, or the type of an object) in the X-Environ response
# header, base64-encoded JSON, so a HEAD request shows it too; the body is read and echoed.
import base64
import json


def describe(value):
    if isinstance(value, (str, int, float, bool, tuple, type(None))):
        return repr(value)
    kind = value if isinstance(value, type) else type(value)
    return "<%s.%s>" % (kind.__module__, kind.__name__)


def application(environ, start_response):
    body = environ["wsgi.input"].read()
    report = {key: describe(value) for key, value in environ.items()}
    encoded = base64.b64encode(json.dumps(report, sort_keys=True).encode()).decode()
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("X-Environ", encoded),
                              ("Content-Length", str(len(body)))])
    return [body]
