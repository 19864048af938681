// Python-level helpers of the host: run once at start-up, never per request.

let hostHelperSource = #"""
import hashlib
import os
import site
import sys
# Imported here, on the thread that starts Python, so threading's main thread is the process's main
# thread (which later runs Py_FinalizeEx) and not whichever request thread imported it first.
import threading
import types


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
    import signal
    import traceback

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
