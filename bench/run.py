#!/usr/bin/env python3
"""make bench: wrk against our daemon mode and Debian's mod_wsgi daemon mode, in one run.

Same Apache, same MPM (event), same app, same processes x threads; the only difference is the
module lines. Cells alternate (ours, theirs, ours, theirs ...) so machine noise hits both alike;
only 2xx/3xx responses count as throughput. Writes bench/RESULTS.md."""
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = "/usr/lib/apache2/modules"
PROCESSES, THREADS = 2, 15
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
CELLS = [  # (name, path, connections, lua body size)
    ("hello 12 B", "/hello", 1, 0),
    ("hello 12 B", "/hello", 16, 0),
    ("hello 12 B", "/hello", 64, 0),
    ("64 KiB response", "/64k", 16, 0),
    ("1 MiB response", "/1m", 16, 0),
    ("1 MiB POST", "/post", 16, 1048576),
]
SETUPS = {
    "mod_wsgi-swift": f"LoadModule wsgi_module {REPO}/build/mod_wsgi-swift.so",
    "Debian mod_wsgi": f"LoadModule wsgi_module {MODULES}/mod_wsgi.so",
}


def write_server(root, name, port, module_line):
    conf = os.path.join(root, f"{port}.conf")
    os.makedirs(os.path.join(root, f"run{port}"), exist_ok=True)
    with open(conf, "w") as f:
        f.write(f"""
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/run{port}/httpd.pid"
DefaultRuntimeDir "{root}/run{port}"
Mutex file:{root}/run{port} default
ErrorLog "{root}/error_{port}.log"
LogLevel warn
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
{module_line}
User www-data
Group www-data
StartServers 2
ServerLimit 4
ThreadsPerChild 50
MaxRequestWorkers 200
KeepAlive On
MaxKeepAliveRequests 0
LimitRequestBody 0
WSGISocketPrefix {root}/run{port}/wsgi
WSGIDaemonProcess bench processes={PROCESSES} threads={THREADS} user=www-data group=www-data
WSGIProcessGroup bench
WSGIApplicationGroup %{{GLOBAL}}
WSGIScriptAlias / {root}/app.wsgi
<Directory "{root}">
  Require all granted
</Directory>
""")
    return conf


def wait_port(port):
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on {port} did not start")


def wrk(port, path, connections, body_size, root):
    args = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{DURATION}s",
            "--latency", f"http://127.0.0.1:{port}{path}"]
    if body_size:
        script = os.path.join(root, "post.lua")
        with open(script, "w") as f:
            f.write(f'wrk.method = "POST"\nwrk.body = string.rep("p", {body_size})\n'
                    'wrk.headers["Content-Type"] = "application/octet-stream"\n')
        args += ["-s", script]
    out = subprocess.run(["nice", "-n", "-10"] + args, capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    seconds = float(re.search(r"requests in ([\d.]+)s", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    good = total - (int(bad.group(1)) if bad else 0)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    return good / seconds, p99_ms


def main():
    for tool in ("wrk", "/usr/sbin/apache2"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: run `make deps`")
    root = tempfile.mkdtemp(prefix="mwsgi-bench-", dir="/tmp")
    os.chmod(root, 0o755)
    shutil.copy(os.path.join(REPO, "bench", "app.wsgi"), root)
    ports = {}
    confs = {}
    try:
        for i, (name, line) in enumerate(SETUPS.items()):
            port = 18950 + i
            ports[name] = port
            confs[name] = write_server(root, name, port, line)
            subprocess.run(["/usr/sbin/apache2", "-f", confs[name], "-k", "start"], check=True)
            wait_port(port)
        for name, port in ports.items():  # warm both: daemons loaded, connections made
            wrk(port, "/hello", 4, 0, root)
        results = []
        for cell in CELLS:
            row = {}
            for name, port in ports.items():
                row[name] = wrk(port, cell[1], cell[2], cell[3], root)
                print(f"{cell[0]:>16} c={cell[2]:<3} {name:>16}: {row[name][0]:9.0f} req/s  p99 {row[name][1]:7.2f} ms",
                      flush=True)
            results.append((cell, row))
    finally:
        for name, conf in confs.items():
            subprocess.run(["/usr/sbin/apache2", "-f", conf, "-k", "stop"], capture_output=True)
        time.sleep(2)
        shutil.rmtree(root, ignore_errors=True)
    write_results(results)


def write_results(results):
    ours, theirs = list(SETUPS)
    lines = [
        "# Benchmark results",
        "",
        f"`make bench`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, wrk on the same machine, {DURATION} s per cell, cells alternated.",
        f"Both: Apache event MPM, `WSGIDaemonProcess processes={PROCESSES} threads={THREADS}`, same app"
        " (bench/app.wsgi). Only 2xx responses count. Ratio = ours / Debian's req/s.",
        "",
        f"| cell | c | {ours} req/s | p99 ms | {theirs} req/s | p99 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, _, connections, _), row in results:
        a, b = row[ours], row[theirs]
        ratio = a[0] / b[0] if b[0] else float("inf")
        lines.append(f"| {name} | {connections} | {a[0]:.0f} | {a[1]:.2f} | {b[0]:.0f} | {b[1]:.2f} | {ratio:.2f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(REPO, "bench", "RESULTS.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
