"""sys.setprofile / sys.settrace inside a request: the traced call returns, in the main
interpreter and in a sub-interpreter, on a thread that has served requests before."""
import pytest

CONFIG = """
WSGIDaemonProcess tracing processes=1 threads=2 user=www-data group=www-data
WSGIProcessGroup tracing
WSGIScriptAlias /main @APP@/engine_tracing.wsgi application-group=%{GLOBAL}
WSGIScriptAlias /sub @APP@/engine_tracing.wsgi application-group=traced
"""


@pytest.fixture(scope="module")
def server():
    from conftest import ApacheServer
    server = ApacheServer(CONFIG, apps=["engine_tracing.wsgi"])
    server.start()
    yield server
    server.cleanup()


@pytest.mark.parametrize("mount", ["/main", "/sub"])
@pytest.mark.parametrize("kind,expected", [
    ("profile", b"x c_call,call,return"),
    ("trace", b"x call"),
    ("lines", b"x call,line,return"),
])
def test_traced_call_returns(server, mount, kind, expected):
    for _ in range(3):   # several requests on the same threads, the injection-clearing path each time
        status, _, body = server.get(f"{mount}/{kind}", timeout=10)
        assert (status, body) == (200, expected), server.log()[-3000:]
