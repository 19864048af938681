# Reports which interpreter serves it: for the application-group integration tests.
import json
import os
import sys
import threading

import mod_wsgi

count = 0
local = threading.local()


def application(environ, start_response):
    global count
    count += 1
    local.count = getattr(local, "count", 0) + 1
    body = json.dumps({
        "modules": id(sys.modules),
        "application_group": mod_wsgi.application_group,
        "environ_group": environ["mod_wsgi.application_group"],
        "count": count,
        "local": local.count,
        "pid": os.getpid(),
        "argv": sys.argv,
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
