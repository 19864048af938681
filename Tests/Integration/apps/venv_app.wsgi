import json
import os
import sys

import helper_module  # found through python-path=


def application(environ, start_response):
    body = json.dumps({"prefix": sys.prefix, "base_prefix": sys.base_prefix, "path": sys.path,
                       "helper": helper_module.VALUE, "argv": sys.argv,
                       "title": open("/proc/self/cmdline", "rb").read().split(b"\0")[0].decode()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
