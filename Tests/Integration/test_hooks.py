"""The Python hooks Apache calls outside the handler, run in daemon processes: WSGIDispatchScript,
WSGIAccessScript, WSGIAuthUserScript (AuthBasicProvider/AuthDigestProvider wsgi) and
WSGIAuthGroupScript (Require wsgi-group)."""
import base64
import hashlib
import json
import os
import re
import urllib.request

MODULES = "/usr/lib/apache2/modules"
AUTH_MODULES = "\n".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so"
                         for name in ("authn_core", "auth_basic", "auth_digest", "authz_user"))

WHO = r'''
import json, os
import mod_wsgi
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"group": mod_wsgi.process_group, "interpreter": mod_wsgi.application_group,
                        "callable": environ["mod_wsgi.callable_object"], "uid": os.getuid(),
                        "user": environ.get("REMOTE_USER")}).encode()]
def other(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the other callable"]
'''

DISPATCH = r'''
def process_group(environ):
    if environ["PATH_INFO"].startswith("/to-second"):
        return "second"
    return None
def application_group(environ):
    if environ["PATH_INFO"].startswith("/to-sub"):
        return "dispatched-sub"
    return None
def callable_object(environ):
    if environ["PATH_INFO"].startswith("/other"):
        return "other"
    return None
'''

AUTH = r'''
import hashlib
def allow_access(environ, host):
    return not environ["PATH_INFO"].startswith("/deny")
def check_password(environ, user, password):
    if user == "spy":
        return password == "secret"
    if user == "witness":
        return "protected" if password == "secret" else False
    return None
def get_realm_hash(environ, user, realm):
    if user == "spy":
        return hashlib.md5(("%s:%s:secret" % (user, realm)).encode()).hexdigest()
    return None
def groups_for_user(environ, user):
    return ["secret-agents"] if user == "spy" else ["tourists"]
def broken_check(environ, user, password):
    raise RuntimeError("the password store is down")
'''


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)


def hooked(apache, config, extra_config=""):
    server = apache(config, start=False, extra_config=extra_config)
    write(os.path.join(server.app_dir, "who.wsgi"), WHO)
    write(os.path.join(server.app_dir, "dispatch.py"), DISPATCH)
    write(os.path.join(server.app_dir, "auth.wsgi"), AUTH)
    return server.start()


def test_dispatch_script_chooses_group_interpreter_and_callable(apache):
    server = hooked(apache, """
WSGIDaemonProcess first threads=2 user=www-data
WSGIDaemonProcess second threads=2 user=nobody group=nogroup
WSGIScriptAlias / @APP@/who.wsgi process-group=first application-group=%{GLOBAL}
WSGIDispatchScript @APP@/dispatch.py
""")
    def who(path):
        status, _, body = server.get(path)
        assert status == 200, (body, server.log())
        return json.loads(body) if body.startswith(b"{") else body
    plain = who("/plain")
    assert (plain["group"], plain["interpreter"], plain["callable"]) == ("first", "", "application")
    moved = who("/to-second")
    assert moved["group"] == "second" and moved["uid"] == 65534
    assert who("/to-sub")["interpreter"] == "dispatched-sub"
    assert who("/other") == b"the other callable"


def test_dispatch_to_an_unknown_group_is_a_500_naming_it(apache):
    server = hooked(apache, """
WSGIDaemonProcess first threads=1
WSGIScriptAlias / @APP@/who.wsgi process-group=first application-group=%{GLOBAL}
WSGIDispatchScript @APP@/bad_dispatch.py
""")
    write(os.path.join(server.app_dir, "bad_dispatch.py"),
          "def process_group(environ):\n    return 'nowhere'\n")
    assert server.get("/x")[0] == 500
    assert ("process_group() of WSGI dispatch script '%s/bad_dispatch.py' returned 'nowhere': "
            "no WSGIDaemonProcess group named 'nowhere' is defined" % server.app_dir) in server.log()


def test_access_script_allows_and_denies(apache):
    server = hooked(apache, """
WSGIDaemonProcess site threads=2
WSGIScriptAlias / @APP@/who.wsgi process-group=site application-group=%{GLOBAL}
<Location />
    WSGIAccessScript @APP@/auth.wsgi
</Location>
""")
    assert server.get("/allowed")[0] == 200
    assert server.get("/denied-not")[0] == 200
    assert server.get("/deny/this")[0] == 403
    assert "Client denied by server configuration" in server.log()


AUTH_CONFIG = """
WSGIDaemonProcess site threads=2
WSGIScriptAlias / @APP@/who.wsgi process-group=site application-group=%{GLOBAL}
<Location /basic>
    AuthType Basic
    AuthName "Basic Area"
    AuthBasicProvider wsgi
    WSGIAuthUserScript @APP@/auth.wsgi
    Require valid-user
</Location>
<Location /digest>
    AuthType Digest
    AuthName "Digest Area"
    AuthDigestProvider wsgi
    WSGIAuthUserScript @APP@/auth.wsgi
    Require valid-user
</Location>
<Location /group>
    AuthType Basic
    AuthName "Group Area"
    AuthBasicProvider wsgi
    WSGIAuthUserScript @APP@/auth.wsgi
    WSGIAuthGroupScript @APP@/auth.wsgi
    Require wsgi-group secret-agents
</Location>
"""


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_basic_auth_through_check_password(apache):
    server = hooked(apache, AUTH_CONFIG, extra_config=AUTH_MODULES)
    assert server.get("/basic/x")[0] == 401
    status, _, body = server.get("/basic/x", headers=basic("spy", "secret"))
    assert status == 200 and json.loads(body)["user"] == "spy"
    assert server.get("/basic/x", headers=basic("spy", "wrong"))[0] == 401
    assert server.get("/basic/x", headers=basic("stranger", "secret"))[0] == 401
    # check_password may name the user Apache should record.
    status, _, body = server.get("/basic/x", headers=basic("witness", "secret"))
    assert status == 200 and json.loads(body)["user"] == "protected"


def test_digest_auth_through_get_realm_hash(apache):
    server = hooked(apache, AUTH_CONFIG, extra_config=AUTH_MODULES)
    url = f"http://127.0.0.1:{server.port}/digest/x"
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, "spy", "secret")
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
    with opener.open(url, timeout=10) as response:
        assert response.status == 200 and json.loads(response.read())["user"] == "spy"
    assert server.get("/digest/x")[0] == 401


def test_group_authorization_through_groups_for_user(apache):
    server = hooked(apache, AUTH_CONFIG, extra_config=AUTH_MODULES)
    assert server.get("/group/x", headers=basic("spy", "secret"))[0] == 200
    assert server.get("/group/x", headers=basic("witness", "secret"))[0] == 401
    assert "User is not a member of designated groups" in server.log()


def test_a_hook_that_cannot_answer_is_a_500_never_an_open_door(apache):
    server = hooked(apache, """
WSGIDaemonProcess site threads=2
WSGIScriptAlias / @APP@/who.wsgi process-group=site application-group=%{GLOBAL}
<Location /broken>
    AuthType Basic
    AuthName "Broken"
    AuthBasicProvider wsgi
    WSGIAuthUserScript @APP@/broken_auth.wsgi
    Require valid-user
</Location>
""", extra_config=AUTH_MODULES)
    write(os.path.join(server.app_dir, "broken_auth.wsgi"),
          "def check_password(environ, user, password):\n"
          "    raise RuntimeError('the password store is down')\n")
    status, _, body = server.get("/broken/x", headers=basic("spy", "secret"))
    assert status == 500 and b"spy" not in body
    log = server.log()
    assert "RuntimeError: the password store is down" in log
    assert "check_password() of '%s/broken_auth.wsgi' could not answer" % server.app_dir in log


def test_hooks_guard_files_apache_serves_itself(apache):
    """Access and auth hooks over a static file: no WSGI handler is set when they run (mod_wsgi-
    express mounts its application through a handler that is chosen later), so they go to the
    server's WSGIProcessGroup."""
    server = hooked(apache, """
WSGIDaemonProcess site threads=2
WSGIProcessGroup site
Alias /files @APP@
<Location /files>
    WSGIAccessScript @APP@/auth.wsgi
</Location>
<Location /files/private>
    AuthType Basic
    AuthName "Files"
    AuthBasicProvider wsgi
    WSGIAuthUserScript @APP@/auth.wsgi
    Require valid-user
</Location>
""", extra_config=AUTH_MODULES + f"\nLoadModule alias_module {MODULES}/mod_alias.so")
    os.makedirs(os.path.join(server.app_dir, "private"))
    write(os.path.join(server.app_dir, "private", "note.txt"), "private note\n")
    write(os.path.join(server.app_dir, "public.txt"), "public\n")
    assert server.get("/files/public.txt")[:3:2] == (200, b"public\n")
    credentials = base64.b64encode(b"spy:secret").decode()
    status, _, body = server.get("/files/private/note.txt",
                                 headers={"Authorization": f"Basic {credentials}"})
    assert (status, body) == (200, b"private note\n")
    wrong = base64.b64encode(b"spy:guess").decode()
    assert server.get("/files/private/note.txt", headers={"Authorization": f"Basic {wrong}"})[0] == 401
    assert "Segmentation fault" not in server.log()
