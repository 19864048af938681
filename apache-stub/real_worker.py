#!/usr/bin/env python3
"""Runs the stub's test binary against a REAL worker: starts build/mod_wsgi-daemon as one worker
(Tests/tools/worker_harness.py), points WSGI_TEST_SOCKET at it, runs the tests, stops it."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Tests", "tools"))
from worker_harness import Worker  # noqa: E402

APP = '''
def application(environ, start_response):
    body = ("hello " + environ["PATH_INFO"] + "?" + environ["QUERY_STRING"]).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
'''


def main():
    worker = Worker({"hello.wsgi": APP}).start()
    try:
        env = dict(os.environ, WSGI_TEST_SOCKET=worker.socket_path, WSGI_TEST_SECRET=worker.secret.hex(),
                   WSGI_TEST_SCRIPT=worker.scripts["hello.wsgi"],
                   WSGI_TEST_EXPECT="hello /hello?from=apache-stub")
        result = subprocess.run([sys.argv[1]], env=env, cwd=HERE)
        if result.returncode != 0:
            print("worker log:\n" + worker.log())
    finally:
        worker.close()
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
