"""Only this server's Apache may get a worker to run anything (PROTOCOL.md, "Who may talk to a
worker"), tried as an attacker on the same machine would: a process running as Apache's User (a
PHP or CGI script, or another group's worker) connects to a group's socket directly."""
import os
import pwd
import re
import subprocess
import sys
import time

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "Tests", "tools"))
import wire_client  # noqa: E402

# Writes a marker file named by the query string: the proof that the script ran, and as whom.
MARKER_APP = """
import os
def application(environ, start_response):
    name = environ["QUERY_STRING"] or "none"
    with open(os.path.join(%r, name), "w") as f:
        f.write("uid=%%d remote_user=%%s" %% (os.getuid(), environ.get("REMOTE_USER", "")))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ran " + name.encode()]
"""

TWO_GROUPS = """
WSGIDaemonProcess front threads=2 user=www-data group=www-data
WSGIDaemonProcess private threads=2 user=nobody group=nogroup
WSGIScriptAlias /front @APP@/testapp.wsgi process-group=front application-group=%{GLOBAL}
WSGIScriptAlias /private @ROOT@/private/marker.wsgi process-group=private application-group=%{GLOBAL}
<Directory "@ROOT@/private">
  Require all granted
</Directory>
"""

# Run as www-data (inline: the clone may sit in a folder only root can read): sends each file
# given, on a connection of its own, and prints how many bytes came back.
ATTACK = r"""
import socket, sys
path = sys.argv[1]
for name in sys.argv[2:]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(path)
        answer = b""
        try:
            s.sendall(open(name, "rb").read())
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
        print("answered %d bytes" % len(answer))
"""


def attempts(directory, script):
    """Every way in that does not know the group's secret, each asking the private group to run
    its script as `nobody` with a forged REMOTE_USER: written to files www-data can read."""
    environ = wire_client.base_environ(script, query="forged", extra=[("REMOTE_USER", "admin"),
                                       ("mod_wsgi.process_group", "private")])
    request = wire_client.encode_head(environ) + wire_client.encode_body([])
    paths = []
    for name, data in (("no-hello", request), ("random-secret", wire_client.hello(os.urandom(32)) + request),
                       ("zero-secret", wire_client.hello(bytes(32)) + request)):
        path = os.path.join(directory, name + ".bin")
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644)
        paths.append(path)
    return paths


def private_site(apache):
    server = apache(TWO_GROUPS, apps=["testapp.wsgi"], start=False)
    private = os.path.join(server.root, "private")
    markers = os.path.join(server.root, "markers")
    os.makedirs(private)
    os.makedirs(markers)
    os.chmod(private, 0o755)
    os.chmod(markers, 0o777)   # the private group runs as nobody
    script = os.path.join(private, "marker.wsgi")
    with open(script, "w") as f:
        f.write(MARKER_APP % markers)
    os.chmod(script, 0o644)
    return server.start(), script, markers


def test_forged_requests_to_another_groups_socket_run_nothing_and_are_logged(apache, www_data):
    server, script, markers = private_site(apache)
    # Through Apache the script runs, as nobody: the marker test below can fail.
    status, _, body = server.get("/private?through-apache")
    assert (status, body) == (200, b"ran through-apache")
    with open(os.path.join(markers, "through-apache")) as f:
        assert f.read() == "uid=%d remote_user=" % pwd.getpwnam("nobody").pw_uid

    sockets = [path for path in server.sockets() if re.search(r"\.2\.sock$", path)]
    assert len(sockets) == 1, server.sockets()
    attacker = subprocess.Popen(["/usr/bin/python3", "-c", ATTACK, sockets[0]]
                                + attempts(server.root, script), cwd="/",
                                user=www_data.pw_uid, group=www_data.pw_gid, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    out, err = attacker.communicate(timeout=60)
    assert attacker.returncode == 0, err
    # Closed unanswered: not even an error frame to learn from.
    assert out.split("\n")[:3] == ["answered 0 bytes"] * 3, out

    time.sleep(1)
    assert sorted(os.listdir(markers)) == ["through-apache"], "a forged request ran the script"
    refusal = (f"Refused a connection to daemon process group 'private' from pid {attacker.pid} "
               f"(uid {www_data.pw_uid}): its first frame is REQUEST_HEAD, not HELLO")
    server.wait_for_log(refusal)
    # Logged once for that process, however often it tries.
    assert server.log().count(f"from pid {attacker.pid} ") == 1, server.log()
    # The group still serves Apache.
    assert server.get("/private?after")[0] == 200


def test_worker_groups_are_exactly_the_configured_ones(apache):
    server = apache("""
WSGIDaemonProcess listed threads=1 user=www-data group=www-data supplementary-groups=#4242,#4243
WSGIDaemonProcess initgroups threads=1 user=nobody group=nogroup
WSGIScriptAlias /listed @APP@/testapp.wsgi process-group=listed application-group=%{GLOBAL}
WSGIScriptAlias /initgroups @APP@/testapp.wsgi process-group=initgroups application-group=%{GLOBAL}
""", apps=["testapp.wsgi"])
    assert server.get("/listed/hello")[0] == 200
    assert server.get("/initgroups/hello")[0] == 200
    groups = {}
    for pid in server.worker_pids():
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
        name = re.search(r"--group (\S+)", open(f"/proc/{pid}/cmdline").read().replace("\0", " "))
        groups[name.group(1)] = {int(g) for g in status["Groups"].split()}
    www_data = pwd.getpwnam("www-data")
    nobody = pwd.getpwnam("nobody")
    assert groups["listed"] == {www_data.pw_gid, 4242, 4243}
    assert groups["initgroups"] == set(os.getgrouplist("nobody", nobody.pw_gid))
    assert 0 not in groups["listed"] | groups["initgroups"]


def apache_processes(server):
    """The Apache parent and its children (the supervisor and workers run another program)."""
    parent = server.parent_pid()
    found = {parent}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    command = f.read()
            except OSError:
                continue
            if int(fields[1]) == parent and b"apache2" in command:
                found.add(int(name))
    return found


def holders_of_the_config(pids):
    holding = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if "mod_wsgi-supervisor-config" in os.readlink(f"/proc/{pid}/fd/{fd}"):
                    holding.add(pid)
        except OSError:
            pass
    return holding


def test_no_apache_process_keeps_the_supervisor_config(apache):
    """The config (every group's secret) goes to the supervisor alone: neither the Apache parent
    nor its children keep a descriptor of it, also after a graceful restart."""
    server = private_site(apache)[0]
    deadline = time.time() + 10   # the pid file and the children come a moment after the port
    while len(processes := apache_processes(server) - {None}) < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert len(processes) > 1
    assert holders_of_the_config(processes) == set()
    server.apachectl("graceful")
    time.sleep(2)
    assert holders_of_the_config(apache_processes(server) - {None}) == set()
