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


def module_name(path):
    """The module name a script is loaded under, as mod_wsgi names it."""
    return "_mod_wsgi_" + hashlib.md5(path.encode("utf-8", "surrogateescape"),
                                      usedforsecurity=False).hexdigest()


def load_script(path, name):
    """Compiles and runs a WSGI script as module `name`; raises what the script raises."""
    with open(path, "rb") as script:
        source = script.read()
    mtime = os.stat(path).st_mtime
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
