"""<WSGIInterpreterOptions>: per-interpreter settings chosen by process group and application group,
the most specific container winning, python paths adding up."""
import json
import os
import subprocess

from conftest import APACHE

PROBE = r'''
import json, sys
def usable(stream, call):
    try:
        call()
        return True
    except OSError:
        return False
def application(environ, start_response):
    report = {
        "path": [p for p in sys.path if "/layer-" in p],
        "stdin": usable(sys.stdin, lambda: sys.stdin.read()),
        "stdout": usable(sys.stdout, lambda: sys.stdout.write("")),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(report).encode()]
'''

CONFIG = """
WSGIRestrictStdin On
WSGIDaemonProcess one threads=2 python-path=@ROOT@/layer-base
WSGIDaemonProcess two threads=2
<WSGIInterpreterOptions>
    WSGIPythonPath @ROOT@/layer-everywhere
</WSGIInterpreterOptions>
<WSGIInterpreterOptions process-group=one>
    WSGIRestrictStdout On
</WSGIInterpreterOptions>
<WSGIInterpreterOptions process-group=one application-group=app1>
    WSGIPythonPath @ROOT@/layer-app1
    WSGIRestrictStdin Off
</WSGIInterpreterOptions>
WSGIScriptAlias /one-main @APP@/probe.wsgi process-group=one application-group=%{GLOBAL}
WSGIScriptAlias /one-app1 @APP@/probe.wsgi process-group=one application-group=app1
WSGIScriptAlias /two-app1 @APP@/probe.wsgi process-group=two application-group=app1
"""


def test_matching_containers_set_each_interpreter(apache):
    server = apache(CONFIG, start=False)
    for layer in ("base", "everywhere", "app1"):
        os.makedirs(os.path.join(server.root, f"layer-{layer}"), mode=0o755)
    with open(os.path.join(server.app_dir, "probe.wsgi"), "w") as f:
        f.write(PROBE)
    os.chmod(os.path.join(server.app_dir, "probe.wsgi"), 0o644)
    server.start()

    def report(path):
        status, _, body = server.get(path)
        assert status == 200, (body, server.log())
        result = json.loads(body)
        result["path"] = [p.rsplit("/layer-", 1)[1] for p in result["path"]]
        return result

    # Process group one, main interpreter: the any-container and the group's.
    assert report("/one-main") == {"path": ["everywhere", "base"], "stdin": False, "stdout": False}
    # Its app1 interpreter: the most specific container also applies, and wins on stdin.
    assert report("/one-app1") == {"path": ["app1", "everywhere", "base"], "stdin": True, "stdout": False}
    # Group two matches only the any-container; the top-level WSGIRestrictStdin stays.
    assert report("/two-app1") == {"path": ["everywhere"], "stdin": False, "stdout": True}


def configtest(apache, body):
    server = apache(body, start=False)
    return subprocess.run([APACHE, "-t", "-f", server.conf], capture_output=True, text=True)


def test_what_a_container_refuses(apache):
    cases = {
        "<WSGIInterpreterOptions>\n  WSGIPythonHome /usr\n</WSGIInterpreterOptions>":
            "WSGIPythonHome is not allowed inside <WSGIInterpreterOptions>",
        "<WSGIInterpreterOptions>\n  WSGIPerInterpreterGIL On\n</WSGIInterpreterOptions>":
            "WSGIPerInterpreterGIL On inside <WSGIInterpreterOptions> needs a newer Python",
        "<WSGIInterpreterOptions colour=blue>\n</WSGIInterpreterOptions>":
            "unknown selector 'colour'",
        "<WSGIInterpreterOptions>\n  WSGISwitchInterval never\n</WSGIInterpreterOptions>":
            "WSGISwitchInterval inside <WSGIInterpreterOptions> must be a number of seconds",
    }
    for body, message in cases.items():
        result = configtest(apache, body)
        assert result.returncode != 0 and message in result.stderr, (body, result.stderr)
    ok = configtest(apache, "<WSGIInterpreterOptions process-group=%{GLOBAL}>\n  WSGIFreeThreading Off\n"
                            "  WSGIRestrictSignal Off\n</WSGIInterpreterOptions>")
    assert ok.returncode == 0, ok.stderr
