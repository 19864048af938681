# Turns on sys.setprofile / sys.settrace / a pdb-style line tracer inside the request thread and
# calls a plain function: the call must return (it once spun forever in the worker).
import sys


def helper():
    total = 0
    for index in range(3):
        total += index
    return b"x" * (total - 2)


def application(environ, start_response):
    kind = environ["PATH_INFO"].strip("/")
    events = []

    def tracer(frame, event, arg):
        events.append(event)
        return tracer   # a local tracer too, as pdb's dispatch does

    if kind == "profile":
        sys.setprofile(lambda frame, event, arg: events.append(event))
        body = helper()
        sys.setprofile(None)
    elif kind == "trace":
        sys.settrace(lambda frame, event, arg: events.append(event))
        body = helper()
        sys.settrace(None)
    elif kind == "lines":
        sys.settrace(tracer)
        body = helper()
        sys.settrace(None)
    else:
        body = helper()
    text = body + b" " + ",".join(sorted(set(events))).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [text]
