#!/usr/bin/python3
"""Speaks mod_wsgi-swift's wire protocol (protocol/PROTOCOL.md) to a worker's socket, the way the
Apache module does: HELLO with the group's secret, then one request per connection. Usable as a
library (tests) or from the shell:

    wire_client.py /path/to/group.sock --secret HEX --script /srv/app.wsgi --path /hello --body 'x=1'

prints the response as JSON: status, reason, headers, body (text), end ("complete", "aborted" or
null when the worker closed early) or the control frame sent instead of a head."""
import argparse
import json
import os
import socket
import struct
import sys
import time

# One key table and one set of frame types for every Python speaker of the protocol: the
# vectors' generator is where they are written down.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "protocol", "vectors"))
from make_vectors import (KEY_ID as KEY_IDS, REQUEST_ABORT, REQUEST_BODY, REQUEST_END,  # noqa: E402
                          REQUEST_HEAD, RESPONSE_BODY, RESPONSE_END, RESPONSE_HEAD, HOOK_RESULT, VERSION,
                          hello)

CONTROL_NAMES = {0x90: "QUEUE_TIMEOUT", 0x91: "APP_LOAD_FAILED", 0x92: "SHUTTING_DOWN",
                 0x93: "REQUEST_TIMEOUT", 0x94: "SCRIPT_RELOADED", 0x9F: "ERROR"}


def frame(frame_type, payload=b""):
    return struct.pack("<BBHI", frame_type, 0, 0, len(payload)) + payload


def encode_head(environ, version=VERSION):
    """environ: list of (key, value) str pairs; values are sent as Latin-1."""
    payload = struct.pack("<HH", version, len(environ))
    for key, value in environ:
        if key in KEY_IDS:
            payload += struct.pack("<B", KEY_IDS[key])
        else:
            encoded = key.encode("latin-1")
            payload += struct.pack("<BH", 0, len(encoded)) + encoded
        data = value.encode("latin-1")
        payload += struct.pack("<I", len(data)) + data
    return frame(REQUEST_HEAD, payload)


def encode_body(chunks, abort_reason=None):
    out = b"".join(frame(REQUEST_BODY, chunk) for chunk in chunks if chunk)
    if abort_reason is not None:
        return out + frame(REQUEST_ABORT, abort_reason.encode())
    return out + frame(REQUEST_END)


def base_environ(script, method="GET", path="/", query="", extra=()):
    now = str(int(time.time() * 1_000_000))
    environ = [("REQUEST_METHOD", method), ("SCRIPT_NAME", ""), ("PATH_INFO", path),
               ("QUERY_STRING", query), ("SERVER_NAME", "localhost"), ("SERVER_PORT", "80"),
               ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1"), ("REMOTE_PORT", "5555"),
               ("REQUEST_URI", path + ("?" + query if query else "")), ("SCRIPT_FILENAME", script),
               ("mod_wsgi.process_group", "test"), ("mod_wsgi.application_group", ""),
               ("mod_wsgi.callable_object", "application"), ("mod_wsgi.x-request_start_us", now),
               ("mod_wsgi.x-queue_start_us", now)]
    overridden = {key for key, _ in extra}
    return [(k, v) for k, v in environ if k not in overridden] + list(extra)


def read_exact(sock, count):
    """count bytes, or None when the worker closed first (a reset too: a worker that closes with
    our request unread, as when it refuses a connection, makes the kernel send one)."""
    data = b""
    while len(data) < count:
        try:
            chunk = sock.recv(count - len(data))
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def decode_head(payload):
    version, status, reason_length = struct.unpack_from("<HHH", payload, 0)
    offset = 6
    reason = payload[offset:offset + reason_length].decode("latin-1")
    offset += reason_length
    (count,) = struct.unpack_from("<H", payload, offset)
    offset += 2
    headers = []
    for _ in range(count):
        (name_length,) = struct.unpack_from("<H", payload, offset)
        offset += 2
        name = payload[offset:offset + name_length].decode("latin-1")
        offset += name_length
        (value_length,) = struct.unpack_from("<I", payload, offset)
        offset += 4
        headers.append([name, payload[offset:offset + value_length].decode("latin-1")])
        offset += value_length
    if offset != len(payload):
        raise ValueError("response head has %d trailing bytes" % (len(payload) - offset))
    return version, status, reason, headers


def read_response(sock):
    """Reads frames until RESPONSE_END, a control frame, or EOF."""
    result = {"status": None, "reason": None, "headers": [], "body": b"", "end": None,
              "control": None, "message": None, "frames": [], "hook": None}
    while True:
        header = read_exact(sock, 8)
        if header is None:
            return result
        frame_type, flags, reserved, length = struct.unpack("<BBHI", header)
        payload = read_exact(sock, length) if length else b""
        if payload is None:
            return result
        result["frames"].append(frame_type)
        if frame_type == RESPONSE_HEAD:
            _, result["status"], result["reason"], result["headers"] = decode_head(payload)
        elif frame_type == RESPONSE_BODY:
            result["body"] += payload
        elif frame_type == RESPONSE_END:
            result["end"] = "aborted" if payload == b"\x01" else "complete"
            return result
        elif frame_type == HOOK_RESULT:
            outcome, count = struct.unpack_from("<BH", payload, 0)
            values, offset = [], 3
            for _ in range(count):
                (length,) = struct.unpack_from("<H", payload, offset)
                values.append(payload[offset + 2:offset + 2 + length].decode("utf-8"))
                offset += 2 + length
            result["hook"] = (outcome, values)
            return result
        elif frame_type in CONTROL_NAMES:
            result["control"] = CONTROL_NAMES[frame_type]
            result["message"] = payload.decode("utf-8", "replace")
            return result
        else:
            raise ValueError("unexpected frame type 0x%02x" % frame_type)


def request(socket_path, environ, body_chunks=(), abort_reason=None, timeout=30, raw=None, secret=None):
    """Sends HELLO with `secret` (bytes; None sends no HELLO), then one request (or `raw` bytes
    instead), and returns the decoded response."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(socket_path)
        opening = hello(secret) if secret is not None else b""
        data = raw if raw is not None else encode_head(environ) + encode_body(body_chunks, abort_reason)
        try:
            sock.sendall(opening + data)
        except (BrokenPipeError, ConnectionResetError):
            pass   # a worker that refused the connection closed it unread; what it sent still counts
        return read_response(sock)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("socket")
    parser.add_argument("--secret", required=True, help="the group's secret, 64 hex digits")
    parser.add_argument("--script", required=True, help="SCRIPT_FILENAME")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", default="/")
    parser.add_argument("--query", default="")
    parser.add_argument("--env", action="append", default=[], help="extra environ KEY=VALUE")
    parser.add_argument("--body", default=None)
    args = parser.parse_args()
    extra = [tuple(item.split("=", 1)) for item in args.env]
    chunks = [args.body.encode()] if args.body else []
    if args.body:
        extra.append(("CONTENT_LENGTH", str(len(chunks[0]))))
    result = request(args.socket, base_environ(args.script, args.method, args.path, args.query, extra), chunks,
                     secret=bytes.fromhex(args.secret))
    result["body"] = result["body"].decode("latin-1")
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0 if result["end"] == "complete" else 1


if __name__ == "__main__":
    sys.exit(main())
