"""mod_wsgi-express options, on real Apache with the real module and daemon, run as www-data.

Each test sets up a server root with setup-server, starts it with its apachectl, and checks what
a client sees. Servers are stopped by their own apachectl, and waited for by pid."""
import atexit
import json
import os
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import (APPS, BUILD, belongs_to, next_port, our_processes, pid_alive, wait_for_url,
                      world_readable_tempdir)

EXPRESS = os.path.join(BUILD, "mod_wsgi-express")

# The daemon runs as www-data, which cannot read a clone under a mode-0700 folder (as CI's may
# be): the tests' application is served from a world-readable copy.
_APP_COPY = world_readable_tempdir("mwsgi-xapp-")
atexit.register(shutil.rmtree, _APP_COPY, True)
TESTAPP = shutil.copy(os.path.join(APPS, "testapp.wsgi"), _APP_COPY)
os.chmod(TESTAPP, 0o644)

ENVIRON_APP = b"""
import json

def application(environ, start_response):
    shown = {k: v for k, v in environ.items() if isinstance(v, str)}
    import os
    shown['_pid'] = os.getpid()
    shown['_os_environ'] = {k: v for k, v in os.environ.items() if k.startswith('MOD_WSGI')}
    body = json.dumps(shown).encode()
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [body]
"""


@pytest.fixture
def workdir():
    path = world_readable_tempdir("mwsgi-xopt-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


class Server:
    """A server root written by setup-server, started and stopped with its apachectl."""

    def __init__(self, workdir, arguments, entry=None, name="root"):
        self.workdir = workdir
        self.port = next_port()
        self.root = os.path.join(workdir, name)
        command = [EXPRESS, "setup-server"] + ([entry] if entry else []) + [
            "--port", str(self.port), "--user", "www-data", "--group", "www-data",
            "--server-root", self.root, "--working-directory", workdir] + arguments
        self.setup = subprocess.run(command, capture_output=True, text=True, cwd=workdir)
        assert self.setup.returncode == 0, self.setup.stderr
        self.ctl = os.path.join(self.root, "apachectl")
        self.pid_file = os.path.join(self.root, "httpd.pid")

    def start(self):
        result = subprocess.run([self.ctl, "start"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr + self.log()
        return self

    def stop(self):
        pid = self.pid()
        subprocess.run([self.ctl, "stop"], capture_output=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            if (pid is None or not pid_alive(pid)) and not [p for p in our_processes() if belongs_to(p, self.root)]:
                return
            time.sleep(0.1)

    def pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def log(self):
        text = ""
        for path in [os.path.join(self.root, "error_log"), os.path.join(self.workdir, "logs", "errors")]:
            try:
                with open(path) as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def url(self, path, scheme="http", port=None):
        return f"{scheme}://127.0.0.1:{port or self.port}{path}"


@pytest.fixture
def server(workdir, request):
    """Factory for started servers, stopped afterwards; a failed test prints their error logs."""
    servers = []

    def make(arguments, entry=None, start=True, name="root"):
        made = Server(workdir, arguments, entry, name)
        servers.append(made)
        return made.start() if start else made

    yield make
    for made in servers:
        if getattr(request.node, "call_failed", False):
            print(f"--- error log of {made.root} ---\n{made.log()}")
        made.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, host=None, timeout=10, context=None, redirects=True):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    handlers = [urllib.request.HTTPSHandler(context=context)] if context else []
    if not redirects:
        handlers.append(NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url, timeout=20, **kwargs):
    return wait_for_url(fetch, url, timeout, **kwargs)


def write(path, text, mode=0o644):
    with open(path, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    os.chmod(path, mode)
    return path


def environ_app(workdir):
    return write(os.path.join(workdir, "environ.wsgi"), ENVIRON_APP)


def self_signed(workdir):
    key, cert = os.path.join(workdir, "site.key"), os.path.join(workdir, "site.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost"], check=True, capture_output=True)
    os.chmod(key, 0o644)
    return os.path.join(workdir, "site")


def insecure():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_document_root_files_win_and_the_rest_goes_to_the_app(workdir, server):
    docs = os.path.join(workdir, "docs")
    os.makedirs(docs)
    write(os.path.join(docs, "robots.txt"), "no robots\n")
    made = server(["--document-root", docs], entry=TESTAPP)
    assert wait_for(made.url("/robots.txt"))[2] == b"no robots\n"
    assert wait_for(made.url("/hello"))[2] == b"Hello World!"


def test_url_alias_of_a_directory_and_of_a_file(workdir, server):
    static = os.path.join(workdir, "static")
    os.makedirs(os.path.join(static, "css"))
    write(os.path.join(static, "css", "site.css"), "body {}\n")
    favicon = write(os.path.join(workdir, "icon.ico"), b"\x00icon")
    made = server(["--url-alias", "/static", static, "--url-alias", "/favicon.ico", favicon],
                  entry=TESTAPP)
    status, headers, body = wait_for(made.url("/static/css/site.css"))
    assert (status, body) == (200, b"body {}\n")
    assert headers["Content-Type"].startswith("text/css")
    assert wait_for(made.url("/favicon.ico"))[2] == b"\x00icon"
    assert wait_for(made.url("/static/css/missing.css"))[0] == 404
    assert wait_for(made.url("/hello"))[2] == b"Hello World!"


def test_mount_point_splits_script_name_and_path_info(workdir, server):
    made = server(["--mount-point", "/app"], entry=environ_app(workdir))
    status, _, body = wait_for(made.url("/app/some/where"))
    assert status == 200
    shown = json.loads(body)
    assert (shown["SCRIPT_NAME"], shown["PATH_INFO"]) == ("/app", "/some/where")
    assert shown["_os_environ"]["MOD_WSGI_EXPRESS"] == "true"
    assert wait_for(made.url("/elsewhere"))[0] == 404


def test_https_with_server_name_and_ssl_environment(workdir, server):
    https_port = next_port()
    base = self_signed(workdir)
    made = server(["--https-port", str(https_port), "--ssl-certificate", base, "--server-name", "localhost",
                   "--ssl-environment"], entry=environ_app(workdir))
    status, _, body = wait_for(made.url("/x", "https", https_port), host="localhost", context=insecure())
    assert status == 200
    shown = json.loads(body)
    assert shown["wsgi.url_scheme"] == "https"
    assert shown["SSL_PROTOCOL"].startswith("TLS")
    status, _, body = wait_for(made.url("/x"), host="localhost")
    shown = json.loads(body)
    assert shown["wsgi.url_scheme"] == "http" and "SSL_PROTOCOL" not in shown
    # Other host names are refused by the catch-all virtual host.
    assert wait_for(made.url("/x"), host="elsewhere.example")[0] == 403
    assert wait_for(made.url("/x", "https", https_port), host="elsewhere.example", context=insecure())[0] == 403


def test_https_without_server_name_and_without_ssl_environment(workdir, server):
    https_port = next_port()
    base = self_signed(workdir)
    made = server(["--https-port", str(https_port), "--ssl-certificate-file", base + ".crt",
                   "--ssl-certificate-key-file", base + ".key"], entry=environ_app(workdir))
    shown = json.loads(wait_for(made.url("/", "https", https_port), context=insecure())[2])
    assert shown["wsgi.url_scheme"] == "https"
    assert "SSL_PROTOCOL" not in shown


def test_https_only_redirects_and_sends_hsts(workdir, server):
    https_port = next_port()
    base = self_signed(workdir)
    made = server(["--https-port", str(https_port), "--ssl-certificate", base, "--server-name", "localhost",
                   "--https-only", "--hsts-policy", "max-age=600"], entry=TESTAPP)
    status, headers, _ = wait_for(made.url("/hello?x=1"), host="localhost", redirects=False)
    assert status == 302
    assert headers["Location"] == f"https://localhost:{https_port}/hello?x=1"
    status, headers, body = wait_for(made.url("/hello", "https", https_port), host="localhost", context=insecure())
    assert (status, body) == (200, b"Hello World!")
    assert headers["Strict-Transport-Security"] == "max-age=600"


def test_include_file_mounts_win_over_the_app(workdir, server):
    other = write(os.path.join(workdir, "other.wsgi"),
                  "def application(e, s):\n    s('200 OK', [('Content-Type', 'text/plain')])\n    return [b'other']\n")
    files = os.path.join(workdir, "files")
    os.makedirs(files)
    write(os.path.join(files, "f.txt"), "file\n")
    include = write(os.path.join(workdir, "extra.conf"), f"""
WSGIScriptAlias /other '{other}'
<Directory '{workdir}'>
    <Files other.wsgi>
        Require all granted
    </Files>
</Directory>
Alias /files '{files}'
<Directory '{files}'>
    Require all granted
</Directory>
<Location /gone>
    Require all denied
</Location>
SetEnv FROM_INCLUDE yes
Header set X-From-Include yes
""")
    made = server(["--include-file", include], entry=environ_app(workdir))
    status, headers, body = wait_for(made.url("/other"))
    assert (status, body) == (200, b"other")
    assert headers["X-From-Include"] == "yes"
    assert wait_for(made.url("/files/f.txt"))[2] == b"file\n"
    assert wait_for(made.url("/gone"))[0] == 403
    shown = json.loads(wait_for(made.url("/app"))[2])
    assert shown["FROM_INCLUDE"] == "yes"


def test_setenv_passenv_and_trusted_proxy_headers(workdir, server):
    made = server(["--setenv", "GREETING", "hello there", "--passenv", "MOD_WSGI_HTTP_PORT",
                   "--trust-proxy-header", "X-Forwarded-Host", "--trust-proxy", "127.0.0.1"],
                  entry=environ_app(workdir))
    request = urllib.request.Request(made.url("/"), headers={"X-Forwarded-Host": "proxied.example"})
    wait_for(made.url("/"))
    with urllib.request.urlopen(request, timeout=10) as response:
        shown = json.loads(response.read())
    assert shown["GREETING"] == "hello there"
    assert shown["MOD_WSGI_HTTP_PORT"] == str(made.port)
    assert shown["HTTP_HOST"] == "proxied.example"


def test_reload_on_changes_replaces_the_process_after_an_edit(workdir, server):
    helper = write(os.path.join(workdir, "helper.py"), "WORD = 'before'\n")
    app = write(os.path.join(workdir, "reloading.wsgi"),
                "import os, helper\n"
                "def application(e, s):\n"
                "    s('200 OK', [('Content-Type', 'text/plain')])\n"
                "    return [('%s %d' % (helper.WORD, os.getpid())).encode()]\n")
    made = server(["--reload-on-changes", "--python-path", workdir], entry=app)
    word, pid = wait_for(made.url("/"))[2].decode().split()
    assert word == "before"
    time.sleep(1.1)  # a different mtime, whatever the file system's granularity
    write(helper, "WORD = 'after'\n")
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            body = fetch(made.url("/"))[2].decode()
        except OSError:
            body = ""
        if body.startswith("after"):
            break
        time.sleep(0.2)
    word, new_pid = body.split()
    assert word == "after" and new_pid != pid
    assert "change detected" in made.log()


def test_editing_the_entry_point_reloads_it(workdir, server):
    app = write(os.path.join(workdir, "edited.wsgi"),
                "def application(e, s):\n    s('200 OK', [])\n    return [b'one']\n")
    made = server([], entry=app)
    assert wait_for(made.url("/"))[2] == b"one"
    time.sleep(1.1)
    write(app, "def application(e, s):\n    s('200 OK', [])\n    return [b'two']\n")
    assert wait_for(made.url("/"))[2] == b"two"


def test_module_and_static_application_types(workdir, server):
    package = os.path.join(workdir, "proj")
    os.makedirs(package)
    write(os.path.join(package, "__init__.py"), "")
    write(os.path.join(package, "wsgi.py"),
          "def app(e, s):\n    s('200 OK', [])\n    return [b'from a module ' + e['PATH_INFO'].encode()]\n")
    made = server(["--application-type", "module", "--entry-point", "proj.wsgi", "--callable-object", "app",
                   "--python-path", workdir])
    assert wait_for(made.url("/m"))[2] == b"from a module /m"

    site = os.path.join(workdir, "site")
    os.makedirs(site)
    write(os.path.join(site, "index.html"), "<p>static</p>\n")
    static = server(["--application-type", "static", "--directory-index", "index.html"], entry=site, name="static")
    assert wait_for(static.url("/"))[2] == b"<p>static</p>\n"
    assert wait_for(static.url("/nothing"))[0] == 404


def test_restart_stop_then_setup_again_on_another_port(workdir, server):
    made = server([], entry=TESTAPP)
    assert wait_for(made.url("/hello"))[2] == b"Hello World!"
    first_pid = made.pid()
    assert subprocess.run([made.ctl, "restart"], capture_output=True).returncode == 0
    time.sleep(1)
    assert wait_for(made.url("/hello"))[2] == b"Hello World!"
    assert made.pid() == first_pid  # restart keeps the parent, replaces the children
    made.stop()
    assert not pid_alive(first_pid)
    # setup-server again, same root, another port: the options are replaced.
    again = server([], entry=TESTAPP)
    assert again.root == made.root
    assert wait_for(again.url("/hello"))[2] == b"Hello World!"
    with pytest.raises(OSError):
        fetch(made.url("/hello"), timeout=2)


def test_apachectl_status_needs_server_status(workdir, server):
    plain = server([], entry=TESTAPP, start=False)
    result = subprocess.run([plain.ctl, "status"], capture_output=True, text=True)
    assert result.returncode == 1 and "--server-status" in result.stderr
    made = server(["--server-status", "--host", "127.0.0.1"], entry=TESTAPP,
                  name="status")
    wait_for(made.url("/hello"))
    result = subprocess.run([made.ctl, "status"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Total Accesses:" in result.stdout
    # The status page is Apache's, not the application's.
    assert b"Scoreboard" in wait_for(made.url("/server-status?auto"))[2]


def test_start_server_setup_only_writes_and_exits(workdir):
    root = os.path.join(workdir, "only")
    result = subprocess.run([EXPRESS, "start-server", "--setup-only", "--user", "www-data", "--server-root", root,
                             "--port", str(next_port())], capture_output=True, text=True, cwd=workdir)
    assert result.returncode == 0, result.stderr
    for name in ("httpd.conf", "apachectl", "handler.wsgi", "envvars"):
        assert os.path.exists(os.path.join(root, name))
    assert "Control Script" in result.stdout


@pytest.mark.parametrize("arguments, reason", [
    (["--embedded-mode"], "no embedded mode"),
    (["--with-php5"], "PHP"),
    (["--enable-docs"], "no HTML documentation"),
    (["--free-threading"], "GIL"),
    (["--enable-telemetry"], "telemetry"),
    (["--telemetry-service", "unix:/tmp/t.sock"], "telemetry"),
    (["--slow-requests", "1.0"], "telemetry"),
    (["--hsts-policy", "max-age=1"], "needs --https-port"),
    (["--access-log-format", "combined"], "needs --access-log"),
    (["--log-to-terminal", "--log-directory", "/tmp"], "cannot be used together"),
    (["--reload-on-changes", "--disable-reloading"], "cannot be used together"),
])
def test_refused_options_exit_2_with_the_reason(workdir, arguments, reason):
    result = subprocess.run([EXPRESS, "setup-server", "--user", "www-data", "--server-root",
                             os.path.join(workdir, "r")] + arguments, capture_output=True, text=True, cwd=workdir)
    assert result.returncode == 2
    assert reason in result.stderr
    assert not os.path.exists(os.path.join(workdir, "r", "httpd.conf"))


def every_option_arguments(workdir):
    """For each acting option, arguments that give it (with any partner it needs)."""
    help_text = subprocess.run([EXPRESS, "start-server", "--help"], capture_output=True, text=True).stdout
    names = [line.split()[0].split("=")[0][2:] for line in help_text.splitlines()
             if line.startswith("  --")]
    base = self_signed(workdir)
    script = write(os.path.join(workdir, "hook.py"), "def allow_access(environ, host):\n    return True\n"
                   "def check_password(environ, user, password):\n    return True\n"
                   "def groups_for_user(environ, user):\n    return [b'wsgi']\n")
    rules = write(os.path.join(workdir, "rules.conf"), "RewriteRule ^old$ new\n")
    envvars = write(os.path.join(workdir, "vars.sh"), "export FROM_SCRIPT=1\n")
    https = ["--https-port", str(next_port()), "--ssl-certificate", base]
    special = {
        "application-type": ["--application-type", "script"],
        "entry-point": ["--entry-point", TESTAPP],
        "ssl-port": ["--ssl-port", str(next_port()), "--ssl-certificate", base],
        "https-port": https,
        "ssl-certificate-file": ["--ssl-certificate-file", base + ".crt", "--ssl-certificate-key-file", base + ".key",
                                 "--https-port", str(next_port())],
        "ssl-certificate-key-file": ["--ssl-certificate-file", base + ".crt", "--ssl-certificate-key-file",
                                     base + ".key", "--https-port", str(next_port())],
        "ssl-certificate": https,
        "ssl-ca-certificate-file": https + ["--ssl-ca-certificate-file", base + ".crt"],
        "ssl-verify-client": https + ["--ssl-ca-certificate-file", base + ".crt", "--ssl-verify-client", "/private"],
        "ssl-certificate-chain-file": https + ["--ssl-certificate-chain-file", base + ".crt"],
        "ssl-environment": https + ["--ssl-environment"],
        "https-only": https + ["--https-only"],
        "hsts-policy": https + ["--https-only", "--hsts-policy", "max-age=60"],
        "server-alias": ["--server-name", "localhost", "--server-alias", "*.localhost"],
        "allow-localhost": ["--server-name", "www.example.test", "--allow-localhost"],
        "initial-workers": ["--initial-workers", "0.3"],
        "minimum-spare-workers": ["--minimum-spare-workers", "0.3"],
        "maximum-spare-workers": ["--maximum-spare-workers", "0.7"],
        "proxy-timeout": ["--proxy-timeout", "30", "--proxy-mount-point", "/api", "http://127.0.0.1:9/"],
        "user": ["--user", "www-data"], "group": ["--group", "www-data"],
        "map-head-to-get": ["--map-head-to-get", "Off"],
        "document-root": ["--document-root", workdir],
        "url-alias": ["--url-alias", "/w", workdir],
        "error-document": ["--error-document", "404", "/missing.html"],
        "proxy-mount-point": ["--proxy-mount-point", "/api", "http://127.0.0.1:9/"],
        "proxy-url-alias": ["--proxy-url-alias", "/api", "http://127.0.0.1:9"],
        "proxy-virtual-host": ["--proxy-virtual-host", "api.localhost", "http://127.0.0.1:9/"],
        "trust-proxy": ["--trust-proxy-header", "X-Forwarded-For", "--trust-proxy", "10.0.0.0/8"],
        "trust-proxy-header": ["--trust-proxy-header", "X-Forwarded-For"],
        "switch-interval": ["--switch-interval", "0.01"],
        "host-access-script": ["--host-access-script", script],
        "auth-user-script": ["--auth-user-script", script],
        "auth-type": ["--auth-user-script", script, "--auth-type", "Digest"],
        "auth-group-script": ["--auth-user-script", script, "--auth-group-script", script],
        "auth-group": ["--auth-user-script", script, "--auth-group-script", script, "--auth-group", "staff"],
        "include-file": ["--include-file", rules.replace("rules", "rules")],
        "rewrite-rules": ["--rewrite-rules", rules],
        "envvars-script": ["--envvars-script", envvars],
        "setenv": ["--setenv", "A", "b"], "passenv": ["--passenv", "HOME"],
        "pid-file": ["--pid-file", os.path.join(workdir, "other.pid")],
        "server-mpm": ["--server-mpm", "worker"],
        "log-directory": ["--log-directory", os.path.join(workdir, "logs")],
        "log-level": ["--log-level", "debug"],
        "access-log-format": ["--access-log", "--access-log-format", "combined"],
        "access-log-name": ["--access-log", "--access-log-name", "hits.log"],
        "error-log-name": ["--error-log-name", "errors.log"],
        "error-log-format": ["--error-log-format", "[%t] %M"],
        "startup-log-name": ["--startup-log", "--startup-log-name", "boot.log"],
        "max-log-size": ["--rotate-logs", "--max-log-size", "2"],
        "rotatelogs-executable": ["--rotate-logs", "--rotatelogs-executable", "/usr/bin/rotatelogs"],
        "python-path": ["--python-path", workdir], "python-eggs": ["--python-eggs", os.path.join(workdir, "eggs")],
        "python-warnings": ["--python-warnings", "ignore::DeprecationWarning"],
        "shell-executable": ["--shell-executable", "/bin/bash"],
        "httpd-executable": ["--httpd-executable", "/usr/sbin/apache2"],
        "process-name": ["--process-name", "my-httpd"],
        "modules-directory": ["--modules-directory", "/usr/lib/apache2/modules"],
        "mime-types": ["--mime-types", "/etc/mime.types"],
        "socket-prefix": ["--socket-prefix", os.path.join(workdir, "sockets")],
        "add-handler": ["--add-handler", ".py", script],
        "service-script": ["--service-script", "tick", script],
        "service-user": ["--service-script", "tick", script, "--service-user", "tick", "nobody"],
        "service-group": ["--service-script", "tick", script, "--service-group", "tick", "nogroup"],
        "service-log-file": ["--service-script", "tick", script, "--service-log-file", "tick", "tick.log"],
        "debugger-startup": ["--enable-debugger", "--debugger-startup"],
        "coverage-directory": ["--enable-coverage", "--coverage-directory", os.path.join(workdir, "cov")],
        "profiler-directory": ["--enable-profiler", "--profiler-directory", os.path.join(workdir, "prof")],
        "recorder-directory": ["--enable-recorder", "--recorder-directory", os.path.join(workdir, "rec")],
        "gdb-executable": None, "enable-gdb": None,  # only where gdb is installed
        "server-root": [], "port": [], "working-directory": [],
        "lang": ["--lang", "C.UTF-8"], "locale": ["--locale", "C"],
        "ignore-activity": ["--ignore-activity", "/health"],
        "body-max-timeout": ["--body-max-timeout", "60"], "header-max-timeout": ["--header-max-timeout", "60"],
        "header-buffer-size": ["--header-buffer-size", "65536"],
        "receive-buffer-size": ["--receive-buffer-size", "65536"],
        "send-buffer-size": ["--send-buffer-size", "65536"],
        "response-buffer-size": ["--response-buffer-size", "1048576"],
        "allow-override": ["--allow-override", "FileInfo"],
        "directory-index": ["--directory-index", "index.html"],
        "mount-point": ["--mount-point", "/app"],
        "process-group": ["--process-group", "mine"], "application-group": ["--application-group", "mine"],
        "callable-object": ["--callable-object", "application"],
        "host": ["--host", "127.0.0.1"],
        "server-name": ["--server-name", "localhost"],
    }
    if shutil.which("gdb"):
        special["enable-gdb"] = ["--enable-gdb"]
        special["gdb-executable"] = ["--enable-gdb", "--gdb-executable", "gdb"]
    refused = {"embedded-mode", "with-php5", "enable-docs", "free-threading", "telemetry-service",
               "enable-telemetry", "telemetry-ui-port", "telemetry-interval", "slow-requests", "telemetry-options"}
    cases = {}
    for name in names:
        if name in refused or name == "help":
            continue
        if name in special:
            if special[name] is not None:
                cases[name] = special[name]
            continue
        option_line = next(line for line in help_text.splitlines() if line.startswith(f"  --{name}"))
        cases[name] = [f"--{name}"] + (["3"] if "=" in option_line.split()[0] else [])
    return names, cases


def without_option(arguments, name):
    """`arguments` without the occurrences of --name and the values they take."""
    takes = {"flag": 0}
    result, skip = [], 0
    help_line = next(line for line in subprocess.run([EXPRESS, "start-server", "--help"], capture_output=True,
                                                     text=True).stdout.splitlines() if line.startswith(f"  --{name}"))
    signature = help_line.split("  ")[1] if "=" in help_line else help_line.split()[0]
    count = 0 if "=" not in signature else (2 if " " in signature.split("=", 1)[1].strip() else 1)
    for argument in arguments:
        if skip:
            skip -= 1
            continue
        if argument == f"--{name}":
            skip = count
            continue
        result.append(argument)
    return result


def generated(root, stdout):
    files = {}
    for name in ("httpd.conf", "apachectl", "handler.wsgi", "resource.wsgi", "envvars"):
        try:
            with open(os.path.join(root, name)) as f:
                files[name] = f.read()
        except OSError:
            files[name] = None
    files["summary"] = stdout
    return files


# Options whose sample value is their default, or that every setup here gives anyway.
SAME_AS_DEFAULT = {"application-type", "user", "group", "httpd-executable", "modules-directory", "mime-types",
                   "server-root", "port", "working-directory", "callable-object", "entry-point", "lang",
                   "rotatelogs-executable", "gdb-executable",
                   "setup-only"}  # setup-only acts for start-server; setup-server never starts Apache


def test_every_option_is_accepted_acts_and_passes_configtest(workdir):
    """Each option: setup-server accepts it, apachectl configtest passes, and the generated
    files differ from the same setup without it (so no option is silently ignored)."""
    names, cases = every_option_arguments(workdir)
    assert len(names) >= 152
    failures = []
    for index, (name, arguments) in enumerate(sorted(cases.items())):
        root = os.path.join(workdir, f"r{index}")
        command = [EXPRESS, "setup-server", TESTAPP, "--user", "www-data",
                   "--server-root", root, "--port", str(18990)]
        before = None
        if name not in SAME_AS_DEFAULT:
            plain = subprocess.run(command + without_option(arguments, name), capture_output=True, text=True,
                                   cwd=workdir)
            if plain.returncode == 0:
                before = generated(root, plain.stdout)
        result = subprocess.run(command + arguments, capture_output=True, text=True, cwd=workdir)
        if result.returncode != 0:
            failures.append(f"--{name}: setup-server: {result.stderr.strip()}")
            continue
        if before is not None and generated(root, result.stdout) == before:
            failures.append(f"--{name}: changes nothing in the generated files")
        check = subprocess.run([os.path.join(root, "apachectl"), "configtest"], capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f"--{name}: configtest: {check.stderr.strip()}")
    assert not failures, "\n".join(failures)
    assert len(cases) >= 138


def test_services_handlers_cgi_logs_pid_file_and_process_name(workdir, server):
    docs = os.path.join(workdir, "docs")
    out = os.path.join(workdir, "out")
    os.makedirs(docs)
    os.makedirs(out)
    os.chmod(out, 0o777)
    write(os.path.join(docs, "page.py"), "not run as Python by Apache itself\n")
    write(os.path.join(docs, "hi.cgi"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\ncgi says hi\\n'\n", 0o755)
    service = write(os.path.join(workdir, "service.py"),
                    "import os, threading, time\n"
                    f"def beat():\n    while True:\n        open({os.path.join(out, 'beat')!r}, 'a').write('%d\\n' % os.getpid())\n"
                    "        time.sleep(0.2)\n"
                    "threading.Thread(target=beat, daemon=True).start()\n")
    resource = write(os.path.join(workdir, "page_handler.py"),
                     "def handle_request(environ, start_response):\n"
                     "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
                     "    return [('resource for ' + environ['SCRIPT_NAME']).encode()]\n")
    logs = os.path.join(workdir, "logs")
    pid_file = os.path.join(workdir, "apache.pid")
    made = server(["--document-root", docs, "--add-handler", ".py", resource, "--with-cgi",
                   "--service-script", "beat", service, "--log-directory", logs, "--access-log",
                   "--access-log-name", "hits", "--error-log-name", "errors", "--startup-log",
                   "--pid-file", pid_file, "--process-name", "express-httpd", "--server-mpm", "worker"],
                  entry=TESTAPP)
    assert wait_for(made.url("/page.py"))[2] == b"resource for /page.py"
    assert wait_for(made.url("/hi.cgi"))[2] == b"cgi says hi\n"
    assert wait_for(made.url("/hello"))[2] == b"Hello World!"
    with open(pid_file) as f:
        pid = int(f.read())
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert f.read().split(b"\0")[0] == b"express-httpd"
    assert sorted(os.listdir(logs)) == ["errors", "hits", "startup_log"]
    deadline = time.time() + 5  # the access log line is written after the response
    while time.time() < deadline:
        with open(os.path.join(logs, "hits")) as f:
            if "GET /hello HTTP/1.1\" 200" in f.read():
                break
        time.sleep(0.1)
    else:
        raise AssertionError("no access log line for /hello")
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(os.path.join(out, "beat")):
        time.sleep(0.1)
    with open(os.path.join(out, "beat")) as f:
        beat_pid = int(f.readline())
    assert os.stat(f"/proc/{beat_pid}").st_uid == 33  # the service runs as www-data
    made.pid_file = pid_file
    made.stop()
    assert not pid_alive(beat_pid)


def test_debug_mode_records_and_profiles_in_one_foreground_process(workdir):
    root = os.path.join(workdir, "debug")
    port = next_port()
    process = subprocess.Popen([EXPRESS, "start-server", TESTAPP, "--port", str(port),
                                "--user", "www-data", "--group", "www-data", "--server-root", root,
                                "--working-directory", workdir, "--enable-recorder", "--enable-profiler"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/hello")[2] == b"Hello World!"
        with open(os.path.join(root, "httpd.conf")) as f:
            conf = f.read()
        assert "threads=1 " in conf and "processes=" not in conf
        recorded = os.listdir(os.path.join(root, "archive"))
        assert any(name.endswith(".ocontent") for name in recorded)
        ocontent = next(name for name in recorded if name.endswith(".ocontent"))
        deadline = time.time() + 5
        while time.time() < deadline and os.path.getsize(os.path.join(root, "archive", ocontent)) == 0:
            time.sleep(0.1)
        with open(os.path.join(root, "archive", ocontent), "rb") as f:
            assert f.read() == b"Hello World!"
    finally:
        process.send_signal(2)
        process.wait(timeout=30)
    assert any(name.endswith(".pstats") for name in os.listdir(os.path.join(root, "pstats")))


def test_many_options_at_once_make_one_working_server(workdir, server):
    """Options interact (virtual hosts, aliases, proxies, services): one server with most of them."""
    base = self_signed(workdir)
    service = write(os.path.join(workdir, "idle.py"), "import time\n")
    static = os.path.join(workdir, "static")
    os.makedirs(static)
    write(os.path.join(static, "s.txt"), "static\n")
    https_port = next_port()
    made = server([
        "--server-name", "localhost", "--server-alias", "127.0.0.1",
        "--https-port", str(https_port), "--ssl-certificate", base, "--ssl-environment",
        "--url-alias", "/static/", static + "/", "--mount-point", "/", "--directory-index", "index.html",
        "--directory-listing", "--compress-responses", "--server-status", "--server-metrics",
        "--setenv", "K", "v", "--passenv", "HOME", "--trust-proxy-header", "X-Forwarded-For",
        "--proxy-mount-point", "/proxied", "http://127.0.0.1:9/",
        "--proxy-virtual-host", "api.localhost", "http://127.0.0.1:9/", "--service-script", "idle", service,
        "--access-log", "--access-log-format", "combined", "--rotate-logs", "--startup-log",
        "--processes", "2", "--threads", "3", "--max-clients", "40", "--request-timeout", "30",
        "--interrupt-timeout", "5", "--queue-timeout", "10", "--header-buffer-size", "65536",
        "--response-buffer-size", "1048576", "--keep-alive-timeout", "5", "--chunked-request",
        "--error-document", "404", "/static/s.txt", "--ignore-activity", "/server-status",
    ], entry=environ_app(workdir))
    shown = json.loads(wait_for(made.url("/x"), host="localhost")[2])
    assert shown["K"] == "v"
    assert wait_for(made.url("/static/s.txt"), host="localhost")[2] == b"static\n"
    shown = json.loads(wait_for(made.url("/y", "https", https_port), host="localhost", context=insecure())[2])
    assert shown["wsgi.url_scheme"] == "https" and shown["SSL_PROTOCOL"].startswith("TLS")
    assert b"Scoreboard" in wait_for(made.url("/server-status?auto"), host="localhost")[2]
    assert wait_for(made.url("/x"), host="other.example")[0] == 403


def test_host_access_script(workdir, server):
    hook = write(os.path.join(workdir, "hook.py"),
                 "def allow_access(environ, host):\n    return not environ['REQUEST_URI'].startswith('/deny')\n")
    made = server(["--host-access-script", hook], entry=TESTAPP)
    assert wait_for(made.url("/hello"), timeout=5)[2] == b"Hello World!"
    assert wait_for(made.url("/deny"), timeout=5)[0] == 403


def test_auth_user_script(workdir, server):
    auth = write(os.path.join(workdir, "auth.py"),
                 "def check_password(environ, user, password):\n    return password == 'secret'\n"
                 "def groups_for_user(environ, user):\n    return [b'wsgi'] if user == 'ann' else []\n")
    made = server(["--auth-user-script", auth, "--auth-group-script", auth], entry=environ_app(workdir))
    assert wait_for(made.url("/"), timeout=5)[0] == 401

    def status(user, password):
        request = urllib.request.Request(made.url("/"))
        import base64
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, None
    code, shown = status("ann", "secret")
    assert code == 200 and shown["REMOTE_USER"] == "ann"
    assert status("bob", "secret")[0] == 401  # not in group wsgi
    assert status("ann", "wrong")[0] == 401


def test_allow_localhost_answers_local_clients_whatever_the_name(workdir, server):
    made = server(["--server-name", "www.example.test", "--allow-localhost"], entry=TESTAPP)
    assert wait_for(made.url("/hello"), host="www.example.test")[2] == b"Hello World!"
    assert wait_for(made.url("/hello"), host="elsewhere.test")[0] == 200
    plain = server(["--server-name", "www.example.test"], entry=TESTAPP, name="plain")
    assert wait_for(plain.url("/hello"), host="elsewhere.test")[0] == 403


def test_proxy_mount_point_and_error_document(workdir, server):
    backend = server([], entry=environ_app(workdir), name="backend")
    docs = os.path.join(workdir, "docs")
    os.makedirs(docs)
    write(os.path.join(docs, "sorry.html"), "<p>sorry</p>\n")
    front = server(["--proxy-mount-point", "/api", f"http://127.0.0.1:{backend.port}/", "--proxy-timeout", "10",
                    "--document-root", docs, "--error-document", "404", "/sorry.html",
                    "--application-type", "static"], entry=docs, name="front")
    wait_for(backend.url("/"))
    status, _, body = wait_for(front.url("/api/x?y=1"))
    assert status == 200
    shown = json.loads(body)
    assert (shown["PATH_INFO"], shown["QUERY_STRING"]) == ("/x", "y=1")
    assert shown["HTTP_X_FORWARDED_PREFIX"] == "/api"
    assert shown["HTTP_X_FORWARDED_PORT"] == str(front.port)
    status, headers, _ = wait_for(front.url("/api"), redirects=False)
    assert status == 302 and headers["Location"].endswith("/api/")
    status, _, body = wait_for(front.url("/nothing-here"))
    assert (status, body) == (404, b"<p>sorry</p>\n")


def test_the_application_is_loaded_when_the_daemon_starts(workdir, server):
    out = os.path.join(workdir, "out")
    os.makedirs(out)
    os.chmod(out, 0o777)
    marker = os.path.join(out, "loaded")
    app = write(os.path.join(workdir, "eager.wsgi"),
                f"import os\nopen({marker!r}, 'w').write(str(os.getpid()))\n"
                "def application(e, s):\n    s('200 OK', [])\n    return [str(os.getpid()).encode()]\n")
    made = server([], entry=app)
    deadline = time.time() + 15
    while time.time() < deadline and not os.path.exists(marker):
        time.sleep(0.1)
    assert os.path.exists(marker), "the application was not loaded before any request"
    with open(marker) as f:
        loaded_in = f.read()
    assert wait_for(made.url("/"))[2].decode() == loaded_in
