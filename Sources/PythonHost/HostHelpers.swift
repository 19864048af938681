// Python-level helpers of the host: run once at start-up, never per request.

let hostHelperSource = #"""
# Every standard module the helpers use is imported here, before python-path and home= go on
# sys.path: an application's own resource.py or logging.py must not stand in for them.
import hashlib
import logging
import os
import signal
import site
import sys
# Imported here, on the thread that starts Python, so threading's main thread is the process's main
# thread (which later runs Py_FinalizeEx) and not whichever request thread imported it first.
import threading
import time
import traceback
import types
try:
    import resource
except ImportError:
    resource = None


def apply_python_path(entries, home):
    """python-path entries via site.addsitedir (so .pth files work), with what they added moved
    to the front of sys.path; then home= at sys.path[0]."""
    before = list(sys.path)
    for entry in entries:
        site.addsitedir(entry)
    added = [path for path in sys.path if path not in before]
    if added:
        sys.path[:] = added + [path for path in sys.path if path not in added]
    if home:
        sys.path.insert(0, home)


def install_apache_module(version, mpm_name, maximum_processes, threads_per_process, description, build_date):
    """The `apache` module of mod_wsgi: facts about the Apache server the daemon belongs to."""
    module = types.ModuleType("apache")
    module.version = version
    module.mpm_name = mpm_name
    module.maximum_processes = maximum_processes
    module.threads_per_process = threads_per_process
    module.description = description
    module.build_date = build_date
    sys.modules["apache"] = module


def install_module_api(module):
    """mod_wsgi's Python API on this interpreter's `mod_wsgi` module: event subscription with
    mod_wsgi 6's event names and payloads, request_data(), active_requests, the metrics
    functions and LogHandler. Returns the entry points the host calls around each request:
    (begin, response_started, request_exception, finish, process_stopping, process_signal)."""
    if resource is not None:
        thread_usage = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)

        def cpu_times():
            usage = resource.getrusage(thread_usage)
            return usage.ru_utime, usage.ru_stime
    else:
        def cpu_times():
            return 0.0, 0.0

    counters = module._process_counters
    recording = {"baseline": None}
    log_line = module._log_line
    ERROR, WARNING, INFO, CRITICAL, DEBUG = 0, 1, 2, 3, 4
    event_callbacks, shutdown_callbacks, signal_callbacks = [], [], []
    active_requests = {}
    current = threading.local()

    def subscribe_events(callback):
        event_callbacks.append(callback)

    def subscribe_shutdown(callback):
        shutdown_callbacks.append(callback)

    def subscribe_signals(callback):
        signal_callbacks.append(callback)

    def request_data():
        data = getattr(current, "data", None)
        if data is None:
            raise RuntimeError("no active request for thread")
        return data

    def publish(name, event, extra=()):
        # Subscribers get the name and the payload as keywords; a dict returned is merged into
        # the payload the next subscriber sees. One that raises is logged and skipped.
        for callback in list(event_callbacks) + list(extra):
            try:
                result = callback(name, **event)
            except BaseException as error:
                header = ("WSGI0190: %s exception raised by event callback for '%s'; ignored."
                          if isinstance(error, SystemExit)
                          else "WSGI0112: %s exception raised by event callback for '%s'.") % (type(error).__name__, name)
                for line in [header] + "".join(traceback.format_exception(error)).rstrip("\n").split("\n"):
                    log_line(ERROR, line)
                continue
            if isinstance(result, dict):
                event.update(result)

    def begin(environ, application, callable_object, thread_id):
        data = {}
        current.data = data
        current.environ = environ
        current.cpu = None
        request_id = environ.get("mod_wsgi.request_id")
        if request_id:
            active_requests[request_id] = data
        if not event_callbacks:
            return
        current.cpu = cpu_times()
        event = {}
        if request_id:
            event["request_id"] = request_id
        event.update(thread_id=thread_id, server_pid=int(environ.get("mod_wsgi.server_pid") or 0),
                     request_start=environ.get("mod_wsgi.request_start", 0.0),
                     queue_start=environ.get("mod_wsgi.queue_start", 0.0),
                     daemon_start=environ.get("mod_wsgi.daemon_start", 0.0),
                     application_object=application, callable_object=callable_object,
                     request_environ=environ, application_start=environ.get("mod_wsgi.application_start", 0.0),
                     request_data=data)
        publish("request_started", event)

    def response_started(status, headers, exc_info):
        if not event_callbacks:
            return
        environ = getattr(current, "environ", None) or {}
        event = {}
        if environ.get("mod_wsgi.request_id"):
            event["request_id"] = environ["mod_wsgi.request_id"]
        event.update(response_status=status, response_headers=headers, exception_info=exc_info,
                     request_data=getattr(current, "data", None))
        publish("response_started", event)

    def request_exception(exc_info):
        if not event_callbacks:
            return
        environ = getattr(current, "environ", None) or {}
        event = {}
        if environ.get("mod_wsgi.request_id"):
            event["request_id"] = environ["mod_wsgi.request_id"]
        event.update(exception_info=exc_info, request_data=getattr(current, "data", None))
        publish("request_exception", event)

    def finish(thread_id, status, input_reads, input_length, input_time, output_length, output_writes,
               output_time, application_time, gil_wait_time, gil_wait_count):
        environ = getattr(current, "environ", None) or {}
        data = getattr(current, "data", None)
        try:
            if event_callbacks:
                event = {}
                if environ.get("mod_wsgi.request_id"):
                    event["request_id"] = environ["mod_wsgi.request_id"]
                user, system = 0.0, 0.0
                if current.cpu is not None:
                    now = cpu_times()
                    user, system = now[0] - current.cpu[0], now[1] - current.cpu[1]
                event.update(thread_id=thread_id, server_pid=int(environ.get("mod_wsgi.server_pid") or 0),
                             request_start=environ.get("mod_wsgi.request_start", 0.0),
                             queue_start=environ.get("mod_wsgi.queue_start", 0.0),
                             daemon_start=environ.get("mod_wsgi.daemon_start", 0.0),
                             input_reads=input_reads, input_length=input_length, input_time=input_time,
                             output_length=output_length, output_writes=output_writes,
                             cpu_user_time=user, cpu_system_time=system, cpu_time=user + system,
                             output_time=output_time, application_finish=time.time(),
                             application_time=application_time, status=status,
                             gil_wait_time=gil_wait_time, gil_wait_count=gil_wait_count, request_data=data)
                publish("request_finished", event)
        finally:
            request_id = environ.get("mod_wsgi.request_id")
            if request_id:
                active_requests.pop(request_id, None)
            current.data = None
            current.environ = None

    def process_stopping(reason):
        publish("process_stopping", {"shutdown_reason": reason}, shutdown_callbacks)

    def process_signal(signum, signame):
        publish("process_signal", {"signum": signum, "signame": signame}, signal_callbacks)

    def start_recording_metrics():
        if module._start_recording():
            recording["baseline"] = (counters(), cpu_process())

    def cpu_process():
        try:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return usage.ru_utime, usage.ru_stime
        except Exception:
            return 0.0, 0.0

    def process_metrics():
        now = counters()
        user, system = 0.0, 0.0
        try:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            user, system, max_rss = usage.ru_utime, usage.ru_stime, usage.ru_maxrss * 1024
        except Exception:
            max_rss = 0
        return {
            "pid": os.getpid(),
            "start_time": now["start_time"],
            "current_time": now["current_time"],
            "running_time": now["current_time"] - now["start_time"],
            "request_count": now["request_count"],
            "request_busy_time": now["request_busy_time"],
            "active_requests": now["active_requests"],
            "cpu_user_time": user,
            "cpu_system_time": system,
            "memory_max_rss": max_rss,
            "threads": now["threads"],
        }

    def request_metrics():
        # Each call reports the interval since the previous one (or since recording started),
        # for the whole process: every interpreter reads the same figures.
        if recording["baseline"] is None:
            if not module._recording_started():
                return None
            recording["baseline"] = (counters(), cpu_process())
        before, cpu_before = recording["baseline"]
        now, cpu_now = counters(), cpu_process()
        recording["baseline"] = (now, cpu_now)
        period = now["current_time"] - before["current_time"]
        if period <= 0:
            period = 1e-6
        requests = now["request_count"] - before["request_count"]
        busy = now["request_busy_time"] - before["request_busy_time"]
        threads = max(module.threads_per_process, 1)
        user = max(cpu_now[0] - cpu_before[0], 0.0) / period
        system = max(cpu_now[1] - cpu_before[1], 0.0) / period
        metrics = {
            "pid": os.getpid(),
            "start_time": before["current_time"],
            "stop_time": now["current_time"],
            "sample_period": period,
            "cpu_user_time": user, "cpu_system_time": system, "cpu_time": user + system,
            "request_threads_maximum": threads,
            "capacity_utilization": busy / period / threads,
            "request_count": requests,
            "request_throughput": requests / period,
            "request_busy_time": busy,
        }
        metrics.update(module._take_interval())
        metrics.pop("interval_requests", None)
        return metrics

    def server_metrics():
        # Apache's scoreboard is not visible from a daemon process here: None, as mod_wsgi
        # answers when server metrics are not enabled.
        return None

    class LogHandler(logging.Handler):
        """A logging handler writing records to Apache's error log at their own level."""

        __module__ = "mod_wsgi"

        def emit(self, record):
            try:
                text = self.format(record)
            except Exception:
                self.handleError(record)
                return
            number = record.levelno
            level = (CRITICAL if number >= logging.CRITICAL else ERROR if number >= logging.ERROR
                     else WARNING if number >= logging.WARNING else INFO if number >= logging.INFO else DEBUG)
            for line in text.split("\n"):
                log_line(level, line)

    for name, value in (("subscribe_events", subscribe_events), ("subscribe_shutdown", subscribe_shutdown),
                        ("subscribe_signals", subscribe_signals), ("request_data", request_data),
                        ("event_callbacks", event_callbacks), ("shutdown_callbacks", shutdown_callbacks),
                        ("signal_callbacks", signal_callbacks), ("active_requests", active_requests),
                        ("start_recording_metrics", start_recording_metrics),
                        ("process_metrics", process_metrics), ("request_metrics", request_metrics),
                        ("server_metrics", server_metrics), ("LogHandler", LogHandler)):
        setattr(module, name, value)
    return begin, response_started, request_exception, finish, process_stopping, process_signal


def module_name(path):
    """The module name a script is loaded under, as mod_wsgi names it."""
    return "_mod_wsgi_" + hashlib.md5(path.encode("utf-8", "surrogateescape"),
                                      usedforsecurity=False).hexdigest()


def load_script(path, name):
    """Compiles and runs a WSGI script as module `name`; raises what the script raises."""
    with open(path, "rb") as script:
        source = script.read()
    # __mtime__ is the script's mtime in whole microseconds, as mod_wsgi stamps it; the reload
    # check compares it with the file's, so a module without one is reloaded.
    mtime = os.stat(path).st_mtime_ns // 1000
    code = compile(source, path, "exec", dont_inherit=True)
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    module.__mtime__ = mtime
    return module


def run_hook(module, hook, environ, user, password, realm, host):
    """Calls a hook function of a WSGIDispatchScript / WSGIAccessScript / WSGIAuthUserScript /
    WSGIAuthGroupScript as mod_wsgi does, and says what it answered as (outcome, values) for a
    HOOK_RESULT: 0 None, 1 True, 2 False, 3 strings. What a function may not return raises."""
    def text(value, what):
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str):
            raise TypeError("%s must return a string or None, not %s" % (what, type(value).__name__))
        return value

    if hook == "dispatch":
        values = []
        for name in ("process_group", "application_group", "callable_object"):
            function = getattr(module, name, None)
            if function is not None:
                result = function(environ)
                if result is not None:
                    values += [name, text(result, name + "()")]
        return (3, values) if values else (0, [])
    function = getattr(module, hook, None)
    if function is None:
        raise AttributeError("WSGI script '%s' does not provide '%s'" % (module.__file__, hook))
    if hook == "allow_access":
        result = function(environ, host)
        if result is None:
            return (0, [])
        if result is True or result is False:
            return (1 if result else 2, [])
        raise TypeError("allow_access() must return True, False or None, not %s" % type(result).__name__)
    if hook == "check_password":
        result = function(environ, user, password)
        if result is None:
            return (0, [])
        if result is True or result is False:
            return (1 if result else 2, [])
        name = text(result, "check_password()")
        if not name:
            raise ValueError("check_password() returned an empty user name")
        return (3, [name])
    if hook == "get_realm_hash":
        result = function(environ, user, realm)
        if result is None:
            return (0, [])
        digest = text(result, "get_realm_hash()")
        if not digest:
            raise ValueError("get_realm_hash() returned an empty realm hash")
        return (3, [digest])
    if hook == "groups_for_user":
        return (3, [text(group, "groups_for_user()") for group in function(environ, user)])
    raise ValueError("unknown hook %r" % hook)


class Restricted:
    """What sys.stdin or sys.stdout becomes under WSGIRestrictStdin/WSGIRestrictStdout: any use
    raises OSError naming the stream, so a stray read or print fails loudly."""

    __module__ = "mod_wsgi"

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute):
        raise OSError("%s access restricted by mod_wsgi" % object.__getattribute__(self, "_name"))

    def __setattr__(self, attribute, value):
        self.__getattr__(attribute)


def restrict_stream(name):
    setattr(sys, name, Restricted("sys." + name))


def restrict_signal_registration():
    """WSGIRestrictSignal: an application's signal.signal() is logged and ignored, because the
    daemon's own handlers for SIGTERM and friends are what stop and recycle it."""

    def ignored_registration(signum, handler):
        lines = ["mod_wsgi (pid=%d): Callback registration for signal %d ignored." % (os.getpid(), signum)]
        lines += traceback.format_stack()[:-1]
        sys.stderr.write("".join(line if line.endswith("\n") else line + "\n" for line in lines))
        return signal.getsignal(signum)

    signal.signal = ignored_registration


class FileWrapper:
    """wsgi.file_wrapper: iterates a file-like object in blocks and closes it when done."""

    __module__ = "mod_wsgi"

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, "close"):
            self.close = filelike.close

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration
"""#
