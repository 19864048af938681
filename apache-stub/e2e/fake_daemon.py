#!/usr/bin/python3
"""A stand-in for `mod_wsgi-daemon supervise --config-fd 0` for end-to-end tests of the module's
request path with a real Apache: it reads the supervisor config the module passes on standard
input, listens on each group's socket, checks that every connection opens with HELLO and that
group's secret (closing it unanswered otherwise, as a real worker does), and answers each request
by its PATH_INFO with scripted frames, including broken ones. No Python app is run; the answers
are fixed (see Answers below).

Installed by test_forwarding.py as `mod_wsgi-daemon` beside a copy of the module.
"""
import json
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..",
                                "protocol", "vectors"))
from make_vectors import HELLO, KEYS, VERSION  # noqa: E402  (frame type, key table, version)

REQUEST_HEAD, REQUEST_BODY, REQUEST_END, REQUEST_ABORT = 0x01, 0x02, 0x03, 0x04
RESPONSE_HEAD, RESPONSE_BODY, RESPONSE_END = 0x81, 0x82, 0x83
QUEUE_TIMEOUT, APP_LOAD_FAILED, SHUTTING_DOWN = 0x90, 0x91, 0x92


def frame(ftype, payload=b""):
    return struct.pack("<BBHI", ftype, 0, 0, len(payload)) + payload


def head(status, reason, headers):
    out = struct.pack("<HHH", VERSION, status, len(reason)) + reason.encode()
    out += struct.pack("<H", len(headers))
    for name, value in headers:
        out += struct.pack("<H", len(name)) + name.encode()
        out += struct.pack("<I", len(value)) + value.encode("latin-1")
    return frame(RESPONSE_HEAD, out)


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_hello(conn, secret):
    """True when the connection opens with HELLO carrying this version and the group's secret."""
    ftype, _, _, length = struct.unpack("<BBHI", read_exactly(conn, 8))
    if ftype != HELLO or length != 2 + len(secret):
        return False
    payload = read_exactly(conn, length)
    return payload == struct.pack("<H", VERSION) + secret


def read_request(conn):
    """The environ and body of one request (frames until REQUEST_END or REQUEST_ABORT)."""
    environ, body = {}, b""
    while True:
        ftype, _, _, length = struct.unpack("<BBHI", read_exactly(conn, 8))
        payload = read_exactly(conn, length)
        if ftype == REQUEST_HEAD:
            count = struct.unpack_from("<H", payload, 2)[0]
            at = 4
            for _ in range(count):
                kid = payload[at]
                at += 1
                if kid:
                    key = KEYS[kid - 1]
                else:
                    klen = struct.unpack_from("<H", payload, at)[0]
                    key = payload[at + 2:at + 2 + klen].decode("latin-1")
                    at += 2 + klen
                vlen = struct.unpack_from("<I", payload, at)[0]
                environ[key] = payload[at + 4:at + 4 + vlen].decode("latin-1")
                at += 4 + vlen
        elif ftype == REQUEST_BODY:
            body += payload
        elif ftype in (REQUEST_END, REQUEST_ABORT):
            return environ, body


class Answers:
    """What to send for each PATH_INFO. Returns the bytes, then whether to close early."""

    def __init__(self):
        self.shutting_down_sent = False
        self.lock = threading.Lock()

    def answer(self, environ, body):
        path = environ.get("PATH_INFO", "")
        ok = lambda data, ctype="text/plain": (  # noqa: E731
            head(200, "OK", [("Content-Type", ctype), ("Content-Length", str(len(data)))])
            + (frame(RESPONSE_BODY, data) if data else b"") + frame(RESPONSE_END, b"\0"))
        if path in ("/ok", "/hello"):
            return ok(b"hello")
        if path.startswith("/env"):
            return ok(json.dumps(environ, sort_keys=True).encode(), "application/json")
        if path == "/echo":
            return ok(body, "application/octet-stream")
        if path == "/big":
            chunk = bytes(range(256)) * 256
            return (head(200, "OK", [("Content-Type", "application/octet-stream")])
                    + frame(RESPONSE_BODY, chunk) * 80 + frame(RESPONSE_END, b"\0"))
        if path == "/dies-with-length":
            return (head(200, "OK", [("Content-Type", "text/plain"), ("Content-Length", "100")])
                    + frame(RESPONSE_BODY, b"partial"))
        if path == "/dies-chunked":
            return (head(200, "OK", [("Content-Type", "text/plain")])
                    + frame(RESPONSE_BODY, b"partial"))
        if path == "/aborted":
            return (head(200, "OK", [("Content-Type", "text/plain")])
                    + frame(RESPONSE_BODY, b"partial") + frame(RESPONSE_END, b"\1"))
        if path == "/headers":
            return (head(201, "Made It", [("Content-Type", "text/plain"),
                                          ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                                          ("X-Test-Repeated", "first-value"),
                                          ("X-Test-Repeated", "second-value")])
                    + frame(RESPONSE_END, b"\0"))
        if path == "/crlf":
            return head(200, "OK", [("X-Evil", "a\r\nSet-Cookie: evil=1")])
        if path == "/queue-timeout":
            return frame(QUEUE_TIMEOUT)
        if path == "/app-load-failed":
            return frame(APP_LOAD_FAILED, b"ImportError: no module named 'missing'")
        if path == "/shutting-down-once":
            with self.lock:
                first, self.shutting_down_sent = not self.shutting_down_sent, True
            return frame(SHUTTING_DOWN) if first else ok(b"after retry")
        if path == "/close":
            return b""
        if path == "/overrun":
            # Declares 5 bytes, then hides a second response after them: on a keep-alive
            # connection that would answer the client's next request.
            forged = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nX-Forged: yes\r\n\r\nforged"
            return (head(200, "OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
                    + frame(RESPONSE_BODY, b"hello" + forged) + frame(RESPONSE_END, b"\0"))
        if path == "/short":
            return (head(200, "OK", [("Content-Type", "text/plain"), ("Content-Length", "10")])
                    + frame(RESPONSE_BODY, b"short") + frame(RESPONSE_END, b"\0"))
        if path == "/informational":
            return (head(101, "Switching Protocols", [("Upgrade", "h2c")])
                    + frame(RESPONSE_END, b"\0"))
        if path == "/connection-header":
            return (head(200, "OK", [("Content-Type", "text/plain"), ("Connection", "keep-alive")])
                    + frame(RESPONSE_BODY, b"x") + frame(RESPONSE_END, b"\0"))
        if path == "/control-character":
            return (head(200, "OK", [("X-Colour", "\x1b[31mred")])
                    + frame(RESPONSE_END, b"\0"))
        return (head(404, "Not Found", [("Content-Type", "text/plain")])
                + frame(RESPONSE_BODY, b"no such fake path") + frame(RESPONSE_END, b"\0"))


def serve_connection(conn, answers, secret):
    with conn:
        try:
            if not read_hello(conn, secret):
                print("fake daemon: refused a connection without this group's secret",
                      file=sys.stderr, flush=True)
                return
            environ, body = read_request(conn)
            conn.sendall(answers.answer(environ, body))
        except (EOFError, OSError):
            pass


def serve_group(listener, answers, secret):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(conn, answers, secret), daemon=True).start()


def read_config(fd):
    """Everything on the descriptor, from its start (it is the module's sealed memory file)."""
    data = b""
    while True:
        chunk = os.pread(fd, 65536, len(data))
        if not chunk:
            return data.decode()
        data += chunk


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "supervise" or sys.argv[2] != "--config-fd":
        sys.exit("usage: fake_daemon.py supervise --config-fd N")
    settings, sockets, secrets = {}, [], []
    for line in read_config(int(sys.argv[3])).splitlines():
        key, _, value = line.partition(" ")
        if key == "socket":
            sockets.append(value)
        elif key == "secret":
            secrets.append(bytes.fromhex(value))
        elif key in ("apache-user", "apache-group", "server-pid"):
            settings[key] = int(value)
    answers = Answers()
    for path, secret in zip(sockets, secrets):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)
        listener.bind(path)
        os.chown(path, settings["apache-user"], settings["apache-group"])
        os.chmod(path, 0o600)
        listener.listen(64)
        threading.Thread(target=serve_group, args=(listener, answers, secret), daemon=True).start()
    print(f"fake daemon serving {', '.join(sockets)}", file=sys.stderr, flush=True)
    while True:  # exit with Apache (the module also stops us on shutdown)
        try:
            os.kill(settings["server-pid"], 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    for path in sockets:
        if os.path.exists(path):
            os.unlink(path)


if __name__ == "__main__":
    main()
