"""The environ, key for key, against mod_wsgi 6.0.5 itself (issue 7 §4): the same Apache
configuration in daemon mode, once with mod_wsgi 6.0.5's module and once with ours, the same
requests (GET with a query, a form POST, HEAD, an encoded path, a chunked POST), and the two
environs compared. What differs must be in EXPECTED_DIFFERENCES, each with its reason (the README
section "Environ differences from mod_wsgi" says the same).

mod_wsgi 6.0.5 comes from PyPI, in a venv made with /usr/bin/python3 in a world-readable folder:
one named by MOD_WSGI6_VENV or found under /tmp/mw6*/venv, else one this test makes and removes
(pip builds mod_wsgi with apxs, about a minute)."""
import base64
import glob
import http.client
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, ApacheServer, world_readable_tempdir

CONFIG = """
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
WSGIPythonHome @VENV@
WSGIDaemonProcess parity processes=1 threads=5 user=www-data group=www-data
WSGIProcessGroup parity
WSGIApplicationGroup %{GLOBAL}
WSGIChunkedRequest On
WSGIScriptAlias /env @APP@/environ_dump.wsgi
WSGIScriptAlias /auth @APP@/environ_dump.wsgi application-group=parity-sub pass-authorization=On
WSGIScriptAlias /proxied @APP@/environ_dump.wsgi
<Location /proxied>
  WSGITrustedProxyHeaders X-Forwarded-For X-Forwarded-Proto X-Forwarded-Host X-Forwarded-Port X-Script-Name
  WSGITrustedProxies 127.0.0.1
</Location>
WSGIScriptAlias / @APP@/environ_dump.wsgi
"""

# Values that differ from one request or process to the next, compared by presence only.
# (Folders and ports are compared after normalising, see normalised().)
VOLATILE = {"REMOTE_PORT", "mod_wsgi.request_start", "mod_wsgi.queue_start", "mod_wsgi.daemon_start",
            "mod_wsgi.application_start", "mod_wsgi.server_pid", "mod_wsgi.request_id",
            "mod_wsgi.connection_id", "mod_wsgi.thread_id"}

# key -> (what mod_wsgi 6.0.5 gives, what we give), None meaning absent; each with its reason in
# the README. Values are the reprs the app reports.
EXPECTED_DIFFERENCES = {}


def reference_venv():
    candidates = [os.environ.get("MOD_WSGI6_VENV", "")] + sorted(glob.glob("/tmp/mw6*/venv"))
    for venv in candidates:
        found = glob.glob(os.path.join(venv, "lib/python3*/site-packages/mod_wsgi/server/mod_wsgi-*.so"))
        if venv and found:
            return venv, found[0]
    return None, None


def install_reference_venv(folder):
    venv = os.path.join(folder, "venv")
    for command in (["/usr/bin/python3", "-m", "venv", venv],
                    [os.path.join(venv, "bin", "pip"), "install", "--no-cache-dir", "--quiet", "mod_wsgi==6.0.5"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
    return reference_venv_in(venv)


def reference_venv_in(venv):
    found = glob.glob(os.path.join(venv, "lib/python3*/site-packages/mod_wsgi/server/mod_wsgi-*.so"))
    assert found, f"no mod_wsgi module under {venv}"
    return venv, found[0]


@pytest.fixture(scope="module")
def reference():
    """(venv, module) of mod_wsgi 6.0.5: an existing one, else one made for this run."""
    venv, module = reference_venv()
    if venv:
        yield venv, module
        return
    folder = world_readable_tempdir("mw6-parity-")
    try:
        yield install_reference_venv(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start(module, venv):
    server = ApacheServer(CONFIG.replace("@VENV@", venv), apps=["environ_dump.wsgi"])
    with open(server.conf) as f:
        text = f.read()
    if module is not None:
        text = text.replace(f"LoadModule wsgi_module {BUILD}/mod_wsgi-swift.so", f"LoadModule wsgi_module {module}")
    with open(server.conf, "w") as f:
        f.write(text)
    return server.start()


@pytest.fixture(scope="module")
def servers(reference):
    venv, module = reference
    started = []
    try:
        started.append(start(module, venv))
        started.append(start(None, venv))
        yield started
    finally:
        for server in started:
            server.cleanup()


REQUESTS = {
    "get-with-query": ("GET", "/env/sub/path?a=1&b=two%20words", None, {}),
    "form-post": ("POST", "/env/form", b"a=1&b=two+words", {"Content-Type": "application/x-www-form-urlencoded"}),
    "head": ("HEAD", "/env/head", None, {}),
    "encoded-path": ("GET", "/env/caf%C3%A9/%7Euser%20x/a%20b", None, {"X-Custom": "v"}),
    "chunked-post": ("POST", "/env/chunked", iter([b"x=1", b"&y=2"]), {"Transfer-Encoding": "chunked"}),
    "headers": ("GET", "/env", None, {"Authorization": "Basic dXNlcjpwdw==", "X-Forwarded-For": "10.0.0.9",
                                      "Cookie": "a=1; b=2", "Accept-Language": "en", "X-Under_Score": "u",
                                      "Proxy": "http://evil", "Content-MD5": "abc"}),
    "put-empty": ("PUT", "/env/", b"", {"Content-Type": "text/plain"}),
    "options-star-path": ("OPTIONS", "/env/x;p=1?q", None, {}),
    "passed-authorization-in-a-group": ("GET", "/auth/a", None, {"Authorization": "Bearer token"}),
    "root-mount-double-slashes": ("GET", "//a//b/?x=%20", None, {}),
    "trusted-proxy": ("GET", "/proxied/p", None, {"X-Forwarded-For": "10.1.2.3, 127.0.0.1", "X-Forwarded-Proto": "https",
                                                  "X-Forwarded-Host": "example.org", "X-Forwarded-Port": "8443",
                                                  "X-Script-Name": "/mount", "X-Real-IP": "10.9.9.9"}),
}


def environ_of(server, method, path, body, headers):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=dict(headers, **{"User-Agent": "parity"}),
                           encode_chunked="Transfer-Encoding" in headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (response.status, server.log()[-2000:])
        return json.loads(base64.b64decode(response.getheader("X-Environ")))
    finally:
        connection.close()


def normalised(environ, server):
    # The two servers differ in their folders and ports only.
    return {key: value.replace(server.root, "@ROOT@").replace(str(server.port), "@PORT@")
            for key, value in environ.items()}


@pytest.mark.parametrize("kind", sorted(REQUESTS))
def test_environ_matches_mod_wsgi(servers, kind):
    reference, ours = (normalised(environ_of(server, *REQUESTS[kind]), server) for server in servers)
    differences = {}
    for key in sorted(set(reference) | set(ours)):
        theirs, mine = reference.get(key), ours.get(key)
        if key in VOLATILE and (theirs is None) == (mine is None):
            continue
        if theirs != mine:
            differences[key] = (theirs, mine)
    unexplained = {key: pair for key, pair in differences.items() if EXPECTED_DIFFERENCES.get(key) != pair}
    assert not unexplained, json.dumps(unexplained, indent=1)
