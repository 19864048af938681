#!/usr/bin/python3
"""Seed corpora for the harnesses, cut from the golden frames in protocol/vectors/*.bin.

    make_seeds.py VECTOR_DIR OUT_DIR

Writes OUT_DIR/<harness>/<name> files, each shaped as that harness reads its input (see the
comment at the top of each fuzz_*.c / fuzz_worker_request.swift). Generated at build time into
build/fuzz/seeds, never committed. Deterministic.
"""
import os
import struct
import sys

RESPONSE_HEAD = 0x81

# fuzz_worker_request.swift: the first byte picks the mode.
SWIFT_HEADER, SWIFT_REQUEST_HEAD, SWIFT_HELLO, SWIFT_STREAM, SWIFT_CONFIG = range(5)

# Supervisor configs in the shape the module writes (PROTOCOL.md, "Supervisor config").
CONFIGS = {
    "config-two-groups": """mod_wsgi-supervisor-config 1
# written by the module
server-pid 4242
generation 3
log-level info
apache-user 33
apache-group 33
python-home /srv/venv
python-path /srv/a:/srv/b

group site
socket /var/run/wsgi.4242.3.1.sock
secret 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
processes 2
threads 15
user 33
user-name www-data
group 33
umask 0022
home /srv/site
display-name %{GROUP}
socket-timeout 60
queue-timeout 45
preload /srv/site/app.wsgi|%{GLOBAL}|application
multiprocess 1
end
group other
socket /var/run/wsgi.4242.3.2.sock
secret ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
threads 1
python-path /srv/other
end
""",
    "config-minimal": "mod_wsgi-supervisor-config 1\nserver-pid 1\ngroup g\nsocket /s\nend\n",
    # Refused today: Swift splits on Character "\n", and "\r\n" is one Character (README.md).
    "config-crlf": "mod_wsgi-supervisor-config 1\r\nserver-pid 7\r\ngroup g\r\nsocket /tmp/s\r\nend\r\n",
}


def frames(stream):
    """(header, payload) of each frame, the last one cut short where the stream ends."""
    offset = 0
    while offset + 8 <= len(stream):
        header = stream[offset:offset + 8]
        (length,) = struct.unpack_from("<I", header, 4)
        yield header, stream[offset + 8:offset + 8 + length]
        offset += 8 + length


def main():
    vector_dir, out_dir = sys.argv[1], sys.argv[2]
    seeds = {}

    def add(harness, name, data):
        seeds.setdefault(harness, {})[name] = bytes(data)

    for file_name in sorted(os.listdir(vector_dir)):
        if not file_name.endswith(".bin"):
            continue
        vector = file_name[:-4]
        with open(os.path.join(vector_dir, file_name), "rb") as f:
            stream = f.read()

        # read_frame: control 0 (ends with APR_EOF), pieces as asked; then 1-byte pieces ending in
        # a timeout, and odd sizes scaled by 64 ending in ECONNRESET.
        add("read_frame", vector, b"\x00\x00\x00\x00" + stream)
        add("read_frame", vector + "-bytewise", b"\x01\x01\x01\x01" + stream)
        add("read_frame", vector + "-scaled", b"\x06\x03\xff\x07" + stream)
        if vector.startswith("request-"):
            add("worker_request", vector + "-stream", bytes([SWIFT_STREAM, 0xFF]) + stream)
            add("worker_request", vector + "-stream-small", bytes([SWIFT_STREAM, 7]) + stream)

        for index, (header, payload) in enumerate(frames(stream)):
            name = "%s-%d" % (vector, index)
            add("frame_header", name, header)
            add("response_payload", name, header[:1] + payload)
            if header[0] == RESPONSE_HEAD:
                add("response_head", name, b"\x00\x00" + payload)   # the default line limit
                add("response_head", name + "-line-64", b"\x40\x00" + payload)
            elif header[0] == 0x01:
                add("worker_request", name + "-head", bytes([SWIFT_REQUEST_HEAD]) + payload)
            elif header[0] == 0x05:
                add("worker_request", name + "-hello", bytes([SWIFT_HELLO]) + payload)
            if vector.startswith("request-"):
                add("worker_request", name + "-header", bytes([SWIFT_HEADER]) + header)

    for name, text in CONFIGS.items():
        add("worker_request", name, bytes([SWIFT_CONFIG]) + text.encode())

    for harness, files in seeds.items():
        directory = os.path.join(out_dir, harness)
        os.makedirs(directory, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(directory, name), "wb") as f:
                f.write(data)
    print("seeds:", ", ".join("%s %d" % (h, len(f)) for h, f in sorted(seeds.items())))


if __name__ == "__main__":
    main()
