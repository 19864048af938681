#!/usr/bin/python3
"""Write the golden wire frames of protocol/PROTOCOL.md (version 2) into this directory.

Run: /usr/bin/python3 protocol/vectors/make_vectors.py
Writes one NAME.bin per vector, manifest.tsv (what each decoder must conclude) and README.md.
The output is deterministic: running it twice gives identical files.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# Frame types (PROTOCOL.md "Frames").
REQUEST_HEAD, REQUEST_BODY, REQUEST_END, REQUEST_ABORT, HELLO = 0x01, 0x02, 0x03, 0x04, 0x05
RESPONSE_HEAD, RESPONSE_BODY, RESPONSE_END, HOOK_RESULT = 0x81, 0x82, 0x83, 0x84
QUEUE_TIMEOUT, APP_LOAD_FAILED, SHUTTING_DOWN = 0x90, 0x91, 0x92
REQUEST_TIMEOUT, SCRIPT_RELOADED, ERROR = 0x93, 0x94, 0x9F

# Well-known key ids (PROTOCOL.md "Well-known key ids"), id = position + 1.
KEYS = """REQUEST_METHOD SCRIPT_NAME PATH_INFO QUERY_STRING CONTENT_TYPE CONTENT_LENGTH SERVER_NAME
SERVER_PORT SERVER_PROTOCOL SERVER_SOFTWARE SERVER_ADDR SERVER_ADMIN SERVER_SIGNATURE REMOTE_ADDR
REMOTE_PORT REMOTE_USER AUTH_TYPE REQUEST_URI REQUEST_SCHEME DOCUMENT_ROOT CONTEXT_PREFIX
CONTEXT_DOCUMENT_ROOT SCRIPT_FILENAME HTTP_HOST HTTP_USER_AGENT HTTP_ACCEPT HTTP_ACCEPT_ENCODING
HTTP_ACCEPT_LANGUAGE HTTP_CONNECTION HTTP_COOKIE HTTP_CACHE_CONTROL HTTP_PRAGMA HTTP_ORIGIN
HTTP_UPGRADE_INSECURE_REQUESTS HTTP_X_FORWARDED_FOR HTTP_X_FORWARDED_PROTO HTTP_X_REQUESTED_WITH
HTTP_IF_MODIFIED_SINCE HTTP_IF_NONE_MATCH HTTP_AUTHORIZATION HTTPS mod_wsgi.process_group
mod_wsgi.application_group mod_wsgi.callable_object mod_wsgi.request_handler mod_wsgi.handler_script
mod_wsgi.script_reloading mod_wsgi.listener_host mod_wsgi.listener_port mod_wsgi.server_pid
mod_wsgi.request_id mod_wsgi.connection_id mod_wsgi.script_name mod_wsgi.path_info
mod_wsgi.enable_sendfile mod_wsgi.ignore_activity mod_wsgi.x-request_start_us
mod_wsgi.x-queue_start_us mod_wsgi.x-queue_timeout HTTP_CONTENT_MD5""".split()
assert len(KEYS) == 60
KEY_ID = {k: i + 1 for i, k in enumerate(KEYS)}

VERSION = 2
SECRET_SIZE = 32
# The secret in the vectors: 0x00, 0x01, ... 0x1f (a real one is random, per group and generation).
SAMPLE_SECRET = bytes(range(SECRET_SIZE))


def hello(secret=SAMPLE_SECRET, version=VERSION):
    """The HELLO frame that opens every connection (PROTOCOL.md, "Who may talk to a worker")."""
    return frame(HELLO, struct.pack("<H", version) + secret)


def frame(ftype, payload=b"", flags=0, reserved=0, length=None):
    """One frame; length overrides the header's length field (for broken vectors)."""
    n = len(payload) if length is None else length
    return struct.pack("<BBHI", ftype, flags, reserved, n) + payload


def entry(key, value, spelled=False):
    """One environ entry; well-known keys use their id unless spelled is forced."""
    if isinstance(key, int):
        head = struct.pack("<B", key)
    elif key in KEY_ID and not spelled:
        head = struct.pack("<B", KEY_ID[key])
    else:
        k = key.encode("latin-1")
        head = struct.pack("<BH", 0, len(k)) + k
    v = value.encode("latin-1") if isinstance(value, str) else value
    return head + struct.pack("<I", len(v)) + v


def hook_result(outcome, values=(), count=None):
    """A HOOK_RESULT payload (PROTOCOL.md, "Hooks")."""
    out = struct.pack("<BH", outcome, len(values) if count is None else count)
    for value in values:
        data = value.encode("utf-8") if isinstance(value, str) else value
        out += struct.pack("<H", len(data)) + data
    return out


def request_head(entries, version=VERSION, count=None):
    body = b"".join(entry(*e) for e in entries)
    return struct.pack("<HH", version, len(entries) if count is None else count) + body


def response_head(status, reason, headers, version=VERSION, count=None):
    out = struct.pack("<HHH", version, status, len(reason)) + reason.encode("latin-1")
    out += struct.pack("<H", len(headers) if count is None else count)
    for name, value in headers:
        n = name.encode("latin-1")
        v = value.encode("latin-1") if isinstance(value, str) else value
        out += struct.pack("<H", len(n)) + n + struct.pack("<I", len(v)) + v
    return out


SIMPLE_ENV = [
    ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", ""), ("PATH_INFO", "/hello"),
    ("QUERY_STRING", "a=1&b=2"), ("SERVER_NAME", "localhost"), ("SERVER_PORT", "8000"),
    ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1"), ("HTTP_HOST", "localhost:8000"),
    ("SCRIPT_FILENAME", "/srv/app/app.wsgi"), ("mod_wsgi.process_group", "app"),
    ("mod_wsgi.application_group", ""), ("mod_wsgi.callable_object", "application"),
    ("mod_wsgi.x-request_start_us", "1764290000000000"),
    ("mod_wsgi.x-queue_start_us", "1764290000000250"), ("mod_wsgi.x-queue_timeout", "45"),
]
CUSTOM_ENV = [
    ("REQUEST_METHOD", "POST"), ("HTTP_X_CUSTOM_HEADER", "custom value"),
    ("SSL_PROTOCOL", "TLSv1.3"), ("UNIQUE_ID", ""), ("HTTP_X_LATIN1", b"caf\xe9"),
    ("HTTPS", "1"), ("CONTENT_LENGTH", "10"), ("CONTENT_TYPE", "text/plain"),
]
OK_HEAD = response_head(200, "OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
END_OK = frame(RESPONSE_END, b"\x00")

# (name, direction, expected, description, bytes). expected is "valid" or the error code both
# decoders report. Streams are read frame by frame; the first error decides.
VECTORS = [
    ("request-head-simple", "request", "valid",
     "GET with well-known keys only (ids), then REQUEST_END",
     frame(REQUEST_HEAD, request_head(SIMPLE_ENV)) + frame(REQUEST_END)),
    ("request-head-custom-keys", "request", "valid",
     "spelled-out keys (id 0), an empty value and a Latin-1 byte 0xE9, then REQUEST_END",
     frame(REQUEST_HEAD, request_head(CUSTOM_ENV)) + frame(REQUEST_END)),
    ("request-hello-head", "request", "valid",
     "HELLO with the sample secret 00 01 .. 1f, then a GET head and REQUEST_END, as the module sends "
     "them in one write",
     hello() + frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "GET")])) + frame(REQUEST_END)),
    ("request-hello-too-long", "request", "too-long",
     "HELLO whose length field is 35 (it is always exactly 34: version and 32-byte secret)",
     frame(HELLO, struct.pack("<H", VERSION) + SAMPLE_SECRET + b"x")),
    ("request-body-end", "request", "valid",
     "head, two REQUEST_BODY frames (\"hello\", \"world\"), REQUEST_END",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", "10")]))
     + frame(REQUEST_BODY, b"hello") + frame(REQUEST_BODY, b"world") + frame(REQUEST_END)),
    ("request-abort", "request", "valid",
     "head, one body frame, then REQUEST_ABORT with reason \"client read timed out\"",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "POST")]))
     + frame(REQUEST_BODY, b"partial") + frame(REQUEST_ABORT, b"client read timed out")),
    ("request-error", "request", "valid",
     "an ERROR frame from the module with a one-line reason",
     frame(ERROR, b"unsupported protocol version 3")),
    ("response-head-200", "response", "valid",
     "200 OK, Content-Type and Content-Length, body \"hello\", RESPONSE_END complete",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_BODY, b"hello") + END_OK),
    ("response-head-repeated-headers", "response", "valid",
     "repeated Set-Cookie, X-Test-Repeated and WWW-Authenticate headers, empty body",
     frame(RESPONSE_HEAD, response_head(401, "Unauthorized", [
         ("Set-Cookie", "a=1"), ("X-Test-Repeated", "first-value"), ("Set-Cookie", "b=2"),
         ("X-Test-Repeated", "second-value"), ("WWW-Authenticate", "Basic realm=\"x\""),
         ("WWW-Authenticate", "Bearer")])) + END_OK),
    ("response-header-value-htab", "response", "valid",
     "a header value with a horizontal tab, the one control character a value may hold",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Tab", "a\tb")])) + END_OK),
    ("response-head-empty-reason", "response", "valid",
     "204 with an empty reason phrase and no headers, RESPONSE_END complete",
     frame(RESPONSE_HEAD, response_head(204, "", [])) + END_OK),
    ("response-end-complete", "response", "valid",
     "200 head, two body frames, RESPONSE_END outcome 0 (complete)",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_BODY, b"hel") + frame(RESPONSE_BODY, b"lo")
     + END_OK),
    ("response-end-aborted", "response", "valid",
     "200 head, one body frame, RESPONSE_END outcome 1 (aborted: the module aborts the client)",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_BODY, b"he") + frame(RESPONSE_END, b"\x01")),
    ("response-queue-timeout", "response", "valid", "QUEUE_TIMEOUT (504)", frame(QUEUE_TIMEOUT)),
    ("response-app-load-failed", "response", "valid",
     "APP_LOAD_FAILED with reason \"ModuleNotFoundError: No module named 'missing'\" (500)",
     frame(APP_LOAD_FAILED, b"ModuleNotFoundError: No module named 'missing'")),
    ("response-shutting-down", "response", "valid", "SHUTTING_DOWN (retry or 503)",
     frame(SHUTTING_DOWN)),
    ("response-request-timeout", "response", "valid", "REQUEST_TIMEOUT (504)",
     frame(REQUEST_TIMEOUT)),
    ("response-script-reloaded", "response", "valid", "SCRIPT_RELOADED (retry or 503)",
     frame(SCRIPT_RELOADED)),
    ("response-error", "response", "valid", "ERROR with reason \"unsupported protocol version 3\"",
     frame(ERROR, b"unsupported protocol version 3")),

    ("response-hook-groups", "response", "valid",
     "HOOK_RESULT VALUES with two group names (groups_for_user's answer)",
     frame(HOOK_RESULT, hook_result(3, ["secret-agents", "staff"]))),
    ("response-hook-none", "response", "valid", "HOOK_RESULT NONE (no opinion / no such user)",
     frame(HOOK_RESULT, hook_result(0))),
    ("response-hook-bad-outcome", "response", "bad-outcome", "HOOK_RESULT with outcome 5",
     frame(HOOK_RESULT, hook_result(5))),
    ("response-hook-control-character", "response", "bad-header-value",
     "HOOK_RESULT whose user name holds a CR LF (it would become r->user)",
     frame(HOOK_RESULT, hook_result(3, [b"admin\r\nX: y"]))),
    ("response-hook-truncated", "response", "truncated",
     "HOOK_RESULT announcing 2 values whose payload holds one",
     frame(HOOK_RESULT, hook_result(3, ["one"], count=2))),
    ("response-bad-version", "response", "bad-version", "RESPONSE_HEAD with protocol version 1",
     frame(RESPONSE_HEAD, response_head(200, "OK", [], version=1))),
    ("response-oversized-length", "response", "too-long",
     "RESPONSE_HEAD whose length field is 1 MiB + 1; only the 8-byte header is present, so a "
     "decoder that reads before checking hangs or fails with truncated",
     frame(RESPONSE_HEAD, b"", length=1024 * 1024 + 1)),
    ("response-flags-set", "response", "reserved-bits", "RESPONSE_HEAD with flags = 0x01",
     frame(RESPONSE_HEAD, OK_HEAD, flags=1)),
    ("response-reserved-set", "response", "reserved-bits", "RESPONSE_BODY with reserved = 0x0100",
     frame(RESPONSE_BODY, b"x", reserved=0x100)),
    ("response-unknown-type", "response", "unknown-type", "a frame of type 0x7E",
     frame(0x7E, b"")),
    ("response-wrong-direction", "response", "unexpected-frame",
     "REQUEST_BODY sent by the worker", frame(REQUEST_BODY, b"x")),
    ("response-header-value-crlf", "response", "bad-header-value",
     "header value \"a\\r\\nSet-Cookie: evil=1\" (injection attempt)",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Evil", "a\r\nSet-Cookie: evil=1")]))),
    ("response-header-value-lf", "response", "bad-header-value", "header value with a bare LF",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Evil", "a\nb")]))),
    ("response-header-value-nul", "response", "bad-header-value", "header value with a NUL byte",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Evil", b"a\x00b")]))),
    ("response-header-value-escape", "response", "bad-header-value",
     "header value with an ESC byte (0x1B): any control character but HTAB is refused",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Evil", b"a\x1b[31mb")]))),
    ("response-header-value-del", "response", "bad-header-value", "header value with DEL (0x7F)",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Evil", b"a\x7fb")]))),
    ("response-header-name-invalid", "response", "bad-header-name",
     "header name \"X Bad:\" (space and colon are not token characters)",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X Bad:", "v")]))),
    ("response-header-name-empty", "response", "bad-header-name", "header name of length 0",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("", "v")]))),
    ("response-reason-crlf", "response", "bad-reason", "reason phrase \"OK\\r\\nX: y\"",
     frame(RESPONSE_HEAD, response_head(200, "OK\r\nX: y", []))),
    ("response-reason-control", "response", "bad-reason", "reason phrase with a BEL byte (0x07)",
     frame(RESPONSE_HEAD, response_head(200, "O\x07K", []))),
    ("response-bad-status", "response", "bad-status", "status code 99",
     frame(RESPONSE_HEAD, response_head(99, "Low", []))),
    ("response-status-informational", "response", "bad-status",
     "status 101: a 1xx is not a final status, so a worker cannot switch protocols on the client",
     frame(RESPONSE_HEAD, response_head(101, "Switching Protocols", [("Upgrade", "h2c")]))),
    ("response-status-600", "response", "bad-status", "status 600, above the final range 200..599",
     frame(RESPONSE_HEAD, response_head(600, "Nope", []))),
    ("response-header-too-long", "response", "header-too-long",
     "one header line of 40000 bytes, above the default header-buffer-size 32768",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("X-Big", "a" * 39993)]))),
    ("response-head-truncated", "response", "truncated",
     "RESPONSE_HEAD announcing 3 headers whose payload holds only 1",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("A", "1")], count=3))),
    ("response-head-trailing-bytes", "response", "trailing-bytes",
     "RESPONSE_HEAD with 2 stray bytes after the last header",
     frame(RESPONSE_HEAD, response_head(200, "OK", [("A", "1")]) + b"zz")),
    ("response-frame-truncated", "response", "truncated",
     "RESPONSE_BODY announcing 100 bytes; the stream ends after 10",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_BODY, b"0123456789", length=100)),
    ("response-empty-body", "response", "empty-body", "RESPONSE_BODY with length 0",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_BODY, b"")),
    ("response-end-bad-outcome", "response", "bad-outcome", "RESPONSE_END with outcome 2",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_END, b"\x02")),
    ("response-end-empty", "response", "bad-outcome", "RESPONSE_END with no payload byte",
     frame(RESPONSE_HEAD, OK_HEAD) + frame(RESPONSE_END, b"")),
    ("response-control-with-payload", "response", "too-long",
     "QUEUE_TIMEOUT carrying 1 payload byte (its maximum is 0)", frame(QUEUE_TIMEOUT, b"x")),
    ("request-bad-version", "request", "bad-version", "REQUEST_HEAD with protocol version 0",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "GET")], version=0))),
    ("request-head-truncated", "request", "truncated",
     "REQUEST_HEAD announcing 2 entries whose payload holds only 1",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "GET")], count=2))),
    ("request-unknown-key-id", "request", "unknown-key-id", "an entry with key id 200",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "GET"), (200, "x")]))),
    ("request-duplicate-key", "request", "duplicate-key", "REQUEST_METHOD (id 1) twice",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "GET"), ("REQUEST_METHOD", "POST")]))),
    ("request-duplicate-spelled-key", "request", "duplicate-key",
     "the spelled-out key HTTP_X_A twice",
     frame(REQUEST_HEAD, request_head([("HTTP_X_A", "1"), ("HTTP_X_A", "2")]))),
    ("request-spelled-table-key", "request", "bad-key",
     "REQUEST_METHOD spelled out (id 0) although it has id 1",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "GET", True)]))),
    ("request-too-many-entries", "request", "too-many", "entry count 4097 (the limit is 4096)",
     frame(REQUEST_HEAD, request_head([], count=4097))),
    ("request-empty-body", "request", "empty-body", "REQUEST_BODY with length 0",
     frame(REQUEST_HEAD, request_head([("REQUEST_METHOD", "POST")])) + frame(REQUEST_BODY, b"")),
    ("request-wrong-direction", "request", "unexpected-frame", "RESPONSE_BODY sent by the module",
     frame(RESPONSE_BODY, b"x")),
]

README_HEAD = """# Golden wire frames (protocol version 2)

Generated by `make_vectors.py` (run `/usr/bin/python3 protocol/vectors/make_vectors.py`; the output
is deterministic). Do not edit the `.bin` files by hand: change the script and rerun it.

Each `NAME.bin` is a byte stream of one or more frames exactly as they travel on the socket, in the
direction given (`request`: module to worker; `response`: worker to module). `manifest.tsv` has one
line per vector: `name<TAB>direction<TAB>expected`. A decoder reads the stream frame by frame
(8-byte header checked before the payload is read, then the payload decoded by type) and must
reach the expected outcome:

- `valid`: every frame decodes and the stream ends exactly at a frame boundary. Re-encoding the
  decoded frames must give the same bytes (the encoding is canonical).
- an error code: decoding stops at the first error, and that error is the one named. Codes:
  `truncated` (the stream or a payload ends early), `unknown-type`, `unexpected-frame` (a valid
  type from the other direction), `reserved-bits` (flags or reserved not 0), `too-long` (length
  above the type's maximum, checked before reading the payload), `empty-body`, `bad-version`,
  `bad-status`, `bad-reason`, `bad-header-name`, `bad-header-value`, `header-too-long` (a header
  line `name: value` longer than header-buffer-size, default 32768), `trailing-bytes`,
  `bad-outcome`, `too-many`, `unknown-key-id`, `duplicate-key`, `bad-key`.

Both halves test against every vector: the C codec in `apache-stub` (`make -C apache-stub test`)
and the Swift codec in `Tests/WireProtocolTests`.

| vector | direction | expected | what it is |
|---|---|---|---|
"""


def main():
    names = set()
    manifest = []
    readme = [README_HEAD]
    for name, direction, expected, what, data in VECTORS:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(HERE, name + ".bin"), "wb") as f:
            f.write(data)
        manifest.append(f"{name}\t{direction}\t{expected}\n")
        readme.append(f"| `{name}` | {direction} | `{expected}` | {what.replace('|', '/')} |\n")
    with open(os.path.join(HERE, "manifest.tsv"), "w") as f:
        f.write("# name\tdirection\texpected\n")
        f.writelines(manifest)
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.writelines(readme)
    print(f"wrote {len(VECTORS)} vectors to {HERE}")


if __name__ == "__main__":
    main()
