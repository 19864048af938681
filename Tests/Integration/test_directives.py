"""mod_wsgi's directives acting on real daemon processes: what an application sees and what a client
gets, directive by directive."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import pid_alive

# Reports what a directive can change about the interpreter, the request and the process.
PROBE = r'''
import atexit, json, os, signal, sys
import mod_wsgi

marker_dir = os.path.dirname(__file__)

def at_exit():
    open(os.path.join(marker_dir, "atexit-ran"), "w").close()
atexit.register(at_exit)

def application(environ, start_response):
    report = {
        "method": environ["REQUEST_METHOD"],
        "remote_addr": environ["REMOTE_ADDR"],
        "url_scheme": environ["wsgi.url_scheme"],
        "http_host": environ.get("HTTP_HOST"),
        "real_ip_header": environ.get("HTTP_X_REAL_IP"),
        "script_name": environ["SCRIPT_NAME"],
        "script_filename": environ["SCRIPT_FILENAME"],
        "handler_script": environ.get("mod_wsgi.handler_script"),
        "optimize": sys.flags.optimize,
        "dont_write_bytecode": sys.dont_write_bytecode,
        "hash_of_abc": hash("abc"),
        "warnoptions": sys.warnoptions,
        "egg_cache": os.environ.get("PYTHON_EGG_CACHE"),
        "switch_interval": sys.getswitchinterval(),
        "stdin_type": "%s.%s" % (type(sys.stdin).__module__, type(sys.stdin).__name__),
        "stdout_type": "%s.%s" % (type(sys.stdout).__module__, type(sys.stdout).__name__),
        "pid": os.getpid(),
        "group": mod_wsgi.application_group,
    }
    try:
        sys.stdin.read()
        report["stdin_read"] = "allowed"
    except OSError as error:
        report["stdin_read"] = str(error)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, lambda *args: None)
        report["sigterm_kept"] = signal.getsignal(signal.SIGTERM) is previous
    except ValueError as error:
        report["sigterm_kept"] = "ValueError"
    body = json.dumps(report).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Method", report["method"])])
    return [body]
'''


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def probe_server(apache, config, extra_config="", **kwargs):
    server = apache(config, start=False, extra_config=extra_config, **kwargs)
    write(os.path.join(server.app_dir, "probe.wsgi"), PROBE)
    os.chmod(server.app_dir, 0o777)   # the probe's atexit marker
    return server.start()


def report(server, path="/probe", **kwargs):
    status, headers, body = server.request(path=path, **kwargs)
    assert status == 200, (status, body, server.log())
    return json.loads(body)


def test_python_settings_reach_every_interpreter(apache):
    server = probe_server(apache, """
WSGIPythonOptimize 2
WSGIDontWriteBytecode On
WSGIPythonHashSeed 42
WSGIPythonWarnings ignore::DeprecationWarning
WSGIPythonWarnings default::UserWarning
WSGIPythonEggs /tmp/mwsgi-eggs
WSGISwitchInterval 0.002
WSGIRestrictStdin On
WSGIRestrictStdout On
WSGIDaemonProcess site threads=2
WSGIScriptAlias /probe @APP@/probe.wsgi process-group=site application-group=%{GLOBAL}
WSGIScriptAlias /sub @APP@/probe.wsgi process-group=site application-group=other
""")
    seeded = subprocess.run(["/usr/bin/python3", "-c", "print(hash('abc'))"], capture_output=True,
                            text=True, env={"PYTHONHASHSEED": "42"}).stdout.strip()
    for path, group in (("/probe", ""), ("/sub", "other")):
        seen = report(server, path)
        assert seen["group"] == group
        assert seen["optimize"] == 2
        assert seen["dont_write_bytecode"] is True
        assert str(seen["hash_of_abc"]) == seeded
        assert seen["warnoptions"] == ["ignore::DeprecationWarning", "default::UserWarning"]
        assert seen["egg_cache"] == "/tmp/mwsgi-eggs"
        assert seen["switch_interval"] == pytest.approx(0.002)
        assert seen["stdin_type"] == "mod_wsgi.Restricted"
        assert seen["stdout_type"] == "mod_wsgi.Restricted"
        assert seen["stdin_read"] == "sys.stdin access restricted by mod_wsgi"
        # WSGIRestrictSignal is on by default: the registration is logged and ignored.
        assert seen["sigterm_kept"] is True
    assert "Callback registration for signal 15 ignored." in server.log()


def test_defaults_leave_python_alone(apache):
    server = probe_server(apache, """
WSGIRestrictSignal Off
WSGIDaemonProcess site threads=1
WSGIScriptAlias /probe @APP@/probe.wsgi process-group=site application-group=%{GLOBAL}
""")
    seen = report(server)
    assert seen["optimize"] == 0 and seen["dont_write_bytecode"] is False
    assert seen["stdin_type"] != "mod_wsgi.Restricted"
    assert seen["warnoptions"] == []
    # Off: the application's own call goes to Python, which refuses it outside the main thread.
    assert seen["sigterm_kept"] == "ValueError"
    assert "Callback registration for signal" not in server.log()


@pytest.mark.parametrize("destroy, ran", [("On", True), ("Off", False)])
def test_destroy_interpreter_decides_whether_atexit_runs(apache, destroy, ran):
    server = probe_server(apache, f"""
WSGIDestroyInterpreter {destroy}
WSGIDaemonProcess site threads=1
WSGIScriptAlias /probe @APP@/probe.wsgi process-group=site application-group=%{{GLOBAL}}
""")
    report(server)
    server.stop()
    assert os.path.exists(os.path.join(server.app_dir, "atexit-ran")) is ran, server.log()


@pytest.mark.parametrize("setting, method", [("On", "GET"), ("Off", "HEAD"), ("Auto", "HEAD")])
def test_map_head_to_get(apache, setting, method):
    server = probe_server(apache, f"""
WSGIMapHEADToGET {setting}
WSGIDaemonProcess site threads=1
WSGIScriptAlias /probe @APP@/probe.wsgi process-group=site application-group=%{{GLOBAL}}
""")
    status, headers, body = server.request("HEAD", "/probe")
    assert status == 200 and body == b""
    assert dict(headers)["X-Method"] == method


NOT_FOUND = r'''
def application(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"the application's own page"]
'''


def test_error_override_serves_apaches_error_document(apache):
    server = apache("""
WSGIDaemonProcess site threads=1
WSGIScriptAlias / @APP@/not_found.wsgi process-group=site application-group=%{GLOBAL}
ErrorDocument 404 "the server's own not-found page"
<Location /override>
    WSGIErrorOverride On
</Location>
""", start=False)
    write(os.path.join(server.app_dir, "not_found.wsgi"), NOT_FOUND)
    server.start()
    status, _, body = server.get("/plain")
    assert (status, body) == (404, b"the application's own page")
    status, _, body = server.get("/override/x")
    assert (status, body) == (404, b"the server's own not-found page")


def test_trusted_proxy_headers(apache):
    server = probe_server(apache, """
WSGIDaemonProcess site threads=1
WSGIScriptAlias /probe @APP@/probe.wsgi process-group=site application-group=%{GLOBAL}
WSGIScriptAlias /untrusted @APP@/probe.wsgi process-group=site application-group=%{GLOBAL}
<Location /probe>
    WSGITrustedProxyHeaders X-Forwarded-For X-Forwarded-Proto X-Forwarded-Host
    WSGITrustedProxies 127.0.0.1
</Location>
<Location /untrusted>
    WSGITrustedProxyHeaders X-Forwarded-For X-Forwarded-Proto
    WSGITrustedProxies 10.9.9.9
</Location>
""")
    forwarded = {"X-Forwarded-For": "203.0.113.7, 127.0.0.1", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "www.example.com", "X-Real-IP": "6.6.6.6"}
    seen = report(server, "/probe", headers=forwarded)
    assert (seen["remote_addr"], seen["url_scheme"], seen["http_host"]) == \
        ("203.0.113.7", "https", "www.example.com")
    assert seen["real_ip_header"] is None   # an alias of a trusted header, from the client
    seen = report(server, "/untrusted", headers=forwarded)
    assert (seen["remote_addr"], seen["url_scheme"]) == ("127.0.0.1", "http")


def test_restrict_process(apache):
    server = apache("""
WSGIDaemonProcess allowed threads=1
WSGIDaemonProcess other threads=1
WSGIScriptAlias /ok @APP@/testapp.wsgi process-group=allowed application-group=%{GLOBAL}
WSGIScriptAlias /no @APP@/testapp.wsgi process-group=other application-group=%{GLOBAL}
WSGIRestrictProcess allowed
""", apps=["testapp.wsgi"])
    assert server.get("/ok/hello")[0] == 200
    assert server.get("/no/hello")[0] == 500
    assert ("daemon process called 'other' cannot be accessed by this WSGI application"
            in server.log())


HANDLER = r'''
import json, os
calls = []
def reload_required(resource):
    calls.append(resource)
    return os.path.exists(os.path.join(os.path.dirname(__file__), "reload-now"))
def handle_request(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"resource": environ["SCRIPT_FILENAME"], "pid": os.getpid(),
                        "handler": environ["mod_wsgi.handler_script"],
                        "reload_checks": len(calls)}).encode()]
'''


def test_handler_script_serves_a_handler_and_can_ask_for_a_reload(apache):
    server = apache("""
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
WSGIDaemonProcess site threads=1
WSGIHandlerScript py-handler @APP@/handler.wsgi process-group=site application-group=%{GLOBAL}
Alias /files @APP@/files
<Directory @APP@/files>
    Require all granted
    SetHandler py-handler
</Directory>
""", start=False)
    write(os.path.join(server.app_dir, "handler.wsgi"), HANDLER)
    os.makedirs(os.path.join(server.app_dir, "files"))
    write(os.path.join(server.app_dir, "files", "page.txt"), "a resource")
    os.chmod(server.app_dir, 0o777)
    server.start()
    status, _, body = server.get("/files/page.txt")
    first = json.loads(body)
    assert status == 200
    assert first["resource"] == os.path.join(server.app_dir, "files", "page.txt")
    assert first["handler"] == os.path.join(server.app_dir, "handler.wsgi")
    # No Options ExecCGI, yet it runs: the server's own WSGIHandlerScript chose the script.
    write(os.path.join(server.app_dir, "reload-now"), "")
    os.chmod(os.path.join(server.app_dir, "reload-now"), 0o666)
    status, _, body = server.get("/files/page.txt")
    os.unlink(os.path.join(server.app_dir, "reload-now"))
    # reload_required() said yes: the process restarted and the request was served by the next.
    assert status == 200 and json.loads(body)["pid"] != first["pid"], server.log()


def test_script_reloading_off_keeps_the_loaded_script(apache):
    server = apache("""
WSGIDaemonProcess site threads=1
WSGIScriptAlias / @APP@/probe.wsgi process-group=site application-group=%{GLOBAL}
WSGIScriptReloading Off
""", start=False)
    write(os.path.join(server.app_dir, "probe.wsgi"), PROBE)
    server.start()
    pid = report(server, "/")["pid"]
    os.utime(os.path.join(server.app_dir, "probe.wsgi"), (2_000_000, 2_000_000))
    assert report(server, "/")["pid"] == pid
    assert "Reloading WSGI script" not in server.log()


SERVICE = r'''
import os, threading, time
open(os.path.join(os.path.dirname(__file__), "started-%d" % os.getpid()), "w").close()
def beat():
    while True:
        time.sleep(0.2)
threading.Thread(target=beat, daemon=True).start()
'''


def test_import_script_preloads_and_a_service_process_stays_up(apache):
    server = apache("""
WSGIDaemonProcess site threads=1
WSGIDaemonProcess service threads=0
WSGIImportScript @APP@/service.py process-group=service application-group=%{GLOBAL}
WSGIImportScript @APP@/preloaded.wsgi process-group=site application-group=%{GLOBAL}
WSGIScriptAlias / @APP@/preloaded.wsgi process-group=site application-group=%{GLOBAL}
""", start=False)
    write(os.path.join(server.app_dir, "service.py"), SERVICE)
    write(os.path.join(server.app_dir, "preloaded.wsgi"), SERVICE.replace("started-", "app-") +
          "def application(environ, start_response):\n"
          "    start_response('200 OK', [])\n"
          "    return [b'preloaded']\n")
    os.chmod(server.app_dir, 0o777)
    server.start()

    def started(prefix):
        return [f for f in os.listdir(server.app_dir) if f.startswith(prefix)]
    deadline = time.time() + 10
    while time.time() < deadline and not (started("started-") and started("app-")):
        time.sleep(0.1)
    # Both ran at process start, before any request.
    assert started("started-") and started("app-"), server.log()
    time.sleep(2)
    assert len(started("started-")) == 1, "the service process must not be restarted"
    service_pid = int(started("started-")[0].split("-")[1])
    assert pid_alive(service_pid)
    assert server.get("/")[2] == b"preloaded"
    assert len(started("app-")) == 1   # loaded once: the request used the preloaded script
    assert "has run its scripts and serves no requests" in server.log()


def test_settings_without_effect_are_said_at_start(apache):
    server = apache("""
WSGIRestrictEmbedded Off
WSGIAcceptMutex flock
WSGIDaemonProcess site threads=1
WSGIScriptAlias / @APP@/testapp.wsgi process-group=site application-group=%{GLOBAL}
""", apps=["testapp.wsgi"])
    assert server.get("/hello")[0] == 200
    log = server.log()
    assert "WSGIRestrictEmbedded Off has no effect: applications always run in daemon processes" in log
    assert "WSGIAcceptMutex has no effect" in log
