"""WSGIScriptAlias mapping in translate_name, and the per-request configuration as the handler
sees it."""
import urllib.error
import urllib.request

import pytest

from config_apache_server import MODULES, needs_daemon, requires_module

pytestmark = requires_module


# ---- translate_name: which script, which path info ----

@needs_daemon
def test_script_alias_mapping(server_factory):
    server = server_factory(f"""
LoadModule headers_module {MODULES}/mod_headers.so
MergeSlashes Off
WSGIDaemonProcess g connect-timeout=1
WSGIProcessGroup g
WSGIScriptAlias /dir/ @ROOT@/scripts/
WSGIScriptAlias /app @ROOT@/app.wsgi
WSGIScriptAlias /app/shadowed @ROOT@/never.wsgi
WSGIScriptAliasMatch ^/m/([a-z]+) @ROOT@/scripts/$1.wsgi
WSGIScriptAlias / @ROOT@/root.wsgi
<Directory @ROOT@>
    Require all granted
</Directory>
Header always set X-Filename "expr=%{{REQUEST_FILENAME}}"
Header always set X-Path-Info "expr=%{{PATH_INFO}}"
Header always set X-Handler "expr=%{{HANDLER}}"
""")
    (server.root / "scripts").mkdir()
    for name in ("app.wsgi", "root.wsgi", "scripts/one.wsgi", "scripts/two.wsgi"):
        (server.root / name).write_text("application = None\n")
    for path in server.root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    server.start()

    def mapped(path):
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}")
        try:
            response = urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        headers = response.headers
        return headers.get("X-Filename"), headers.get("X-Path-Info"), headers.get("X-Handler")

    r = str(server.root)
    assert mapped("/app") == (f"{r}/app.wsgi", "", "wsgi-script")
    assert mapped("/app/x/y") == (f"{r}/app.wsgi", "/x/y", "wsgi-script")
    assert mapped("/app/shadowed") == (f"{r}/app.wsgi", "/shadowed", "wsgi-script")
    assert mapped("//app//x") == (f"{r}/app.wsgi", "//x", "wsgi-script")
    assert mapped("/application") == (f"{r}/root.wsgi", "/application", "wsgi-script")
    assert mapped("/") == (f"{r}/root.wsgi", "/", "wsgi-script")
    assert mapped("/dir/one.wsgi/rest") == (f"{r}/scripts/one.wsgi", "/rest", "wsgi-script")
    assert mapped("/m/two/more") == (f"{r}/scripts/two.wsgi", "/more", "wsgi-script")
    server.stop()


# ---- the per-request configuration, seen through the handler's 500s ----

@needs_daemon
def test_request_without_usable_process_group_is_refused(server_factory):
    server = server_factory("""
WSGIDaemonProcess shared connect-timeout=1
WSGIScriptAlias /none @ROOT@/app.wsgi
WSGIScriptAlias /unset @ROOT@/app.wsgi process-group=%{ENV:NO_SUCH_VARIABLE}
WSGIScriptAlias /global @ROOT@/app.wsgi process-group=%{GLOBAL}
<VirtualHost 127.0.0.1:*>
    ServerName other.example
    WSGIDaemonProcess private connect-timeout=1
</VirtualHost>
<VirtualHost 127.0.0.1:*>
    ServerName first.example
    WSGIScriptAlias /private @ROOT@/app.wsgi
    <Location /private>
        WSGIProcessGroup private
    </Location>
</VirtualHost>
<Directory @ROOT@>
    Require all granted
</Directory>
""")
    (server.root / "app.wsgi").write_text("application = None\n")
    (server.root / "app.wsgi").chmod(0o644)
    server.start()

    def status(path):
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}",
                                         headers={"Host": "first.example"})
        try:
            return urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    assert status("/none") == 500
    assert "no WSGIProcessGroup applies to this request" in server.log()
    assert status("/unset") == 500
    assert "WSGIProcessGroup '%{ENV:NO_SUCH_VARIABLE}' resolves to an unset variable" in server.log()
    assert status("/global") == 500
    assert "resolves to the empty (embedded) group" in server.log()
    assert status("/private") == 500
    assert ("process group 'private' is defined in virtual host 'other.example' and cannot be "
            "used from 'first.example'") in server.log()
    server.stop()




REPORTING_APP = '''
KEYS = ("mod_wsgi.process_group", "mod_wsgi.application_group", "mod_wsgi.callable_object",
        "SCRIPT_NAME", "PATH_INFO")


def _reporter(name):
    def call(environ, start_response):
        body = "".join(f"{key}={environ.get(key, '')}\\n" for key in KEYS) + f"called={name}\\n"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body.encode()]
    return call


application = _reporter("application")
app = _reporter("app")
'''


@needs_daemon
def test_groups_and_callable_reach_the_daemon(server_factory):
    server = server_factory(f"""
LoadModule env_module {MODULES}/mod_env.so
WSGIDaemonProcess g
WSGIDaemonProcess h
WSGIScriptAlias /plain @ROOT@/app.wsgi process-group=g
WSGIScriptAlias /global @ROOT@/app.wsgi process-group=g application-group=%{{GLOBAL}} callable-object=app
WSGIScriptAlias /host @ROOT@/app.wsgi process-group=g application-group=%{{HOST}}
WSGIScriptAlias /env @ROOT@/app.wsgi process-group=%{{ENV:GROUP}} application-group=%{{ENV:APPGROUP}}
WSGIScriptAlias /sub @ROOT@/sub/app.wsgi
SetEnv GROUP h
SetEnv APPGROUP from-env
<Directory @ROOT@>
    Require all granted
</Directory>
<Directory @ROOT@/sub>
    WSGIProcessGroup h
    WSGIApplicationGroup %{{SERVER}}
    WSGICallableObject %{{ENV:CALLABLE}}
    SetEnv CALLABLE app
</Directory>
""")
    (server.root / "sub").mkdir(mode=0o755)
    for name in ("app.wsgi", "sub/app.wsgi"):
        (server.root / name).write_text(REPORTING_APP)
        (server.root / name).chmod(0o644)
    server.start()

    def report(path, host=None):
        headers = {"Host": host} if host else {}
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return dict(line.split("=", 1) for line in text.splitlines())

    port = server.port
    assert report("/plain/x") == {
        "mod_wsgi.process_group": "g", "mod_wsgi.application_group": f"127.0.0.1:{port}|/plain",
        "mod_wsgi.callable_object": "application", "SCRIPT_NAME": "/plain", "PATH_INFO": "/x",
        "called": "application"}
    global_ = report("/global")
    assert global_["mod_wsgi.application_group"] == "" and global_["called"] == "app"
    assert report("/host", host=f"Example.Test:{port}")["mod_wsgi.application_group"] == \
        f"example.test:{port}"
    env = report("/env")
    assert (env["mod_wsgi.process_group"], env["mod_wsgi.application_group"]) == ("h", "from-env")
    sub = report("/sub/y")
    assert sub["mod_wsgi.process_group"] == "h"
    assert sub["mod_wsgi.application_group"] == f"127.0.0.1:{port}"
    assert sub["called"] == "app"
    server.stop()


@needs_daemon
def test_directory_sections_still_apply_to_aliased_scripts(server_factory):
    """Apache's directory walk runs for the script, so <Directory> access rules hold."""
    server = server_factory("""
WSGIDaemonProcess g
WSGIProcessGroup g
WSGIScriptAlias /open @ROOT@/open/app.wsgi
WSGIScriptAlias /closed @ROOT@/closed/app.wsgi
WSGIScriptAlias /missing @ROOT@/open/missing.wsgi
<Directory @ROOT@/open>
    Require all granted
</Directory>
<Directory @ROOT@/closed>
    Require all denied
</Directory>
""")
    for name in ("open", "closed"):
        (server.root / name).mkdir(mode=0o755)
        (server.root / name / "app.wsgi").write_text(REPORTING_APP)
        (server.root / name / "app.wsgi").chmod(0o644)
    server.start()

    def status(path):
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    assert status("/open/x") == 200
    assert status("/closed/x") == 403
    assert status("/missing") == 404
    server.stop()
