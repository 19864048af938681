/// handler.wsgi: the WSGI handler script every request for the application goes through, run
/// in the daemon processes. Standard library only (the daemon's Python may not have mod_wsgi's
/// Python package). It loads the entry point, re-splits SCRIPT_NAME and PATH_INFO for the mount
/// point, offers reload_required for script reloading, sets the MOD_WSGI_* variables that
/// mod_wsgi-express sets, and runs the change monitor and the debugging aids.
enum HandlerScriptTemplate {
    static func render(_ config: ServerConfiguration) -> String {
        let debug = config.debugging
        let settings = [
            "entry_point = \(PythonLiteral.string(config.scriptPath))",
            "application_type = \(PythonLiteral.string(config.applicationType.rawValue))",
            "callable_object = \(PythonLiteral.string(config.callableObject))",
            "mount_point = \(PythonLiteral.string(config.site.mountPoint))",
            "working_directory = \(PythonLiteral.string(config.workingDirectory))",
            "server_name = \(PythonLiteral.string(config.siteName ?? config.serverName))",
            "server_aliases = \(PythonLiteral.string(config.serverAliases.joined(separator: " ")))",
            "disable_reloading = \(PythonLiteral.bool(config.disableReloading))",
            "reload_on_changes = \(PythonLiteral.bool(config.reloadOnChanges))",
            "debug_mode = \(PythonLiteral.bool(debug.enabled))",
            "enable_debugger = \(PythonLiteral.bool(debug.debugger))",
            "debugger_startup = \(PythonLiteral.bool(debug.debuggerStartup))",
            "coverage_directory = \(PythonLiteral.optional(debug.coverageDirectory))",
            "profiler_directory = \(PythonLiteral.optional(debug.profilerDirectory))",
            "recorder_directory = \(PythonLiteral.optional(debug.recorderDirectory))",
            "enable_gdb = \(PythonLiteral.bool(debug.gdbExecutable != nil))",
        ].joined(separator: "\n")
        return "# Written by mod_wsgi-express (mod_wsgi-swift); rewritten on every setup.\n"
            + settings + "\n" + body
    }

    static let body = #"""

    import atexit
    import os
    import pprint
    import signal
    import sys
    import threading
    import time
    import traceback
    import types

    os.environ['MOD_WSGI_EXPRESS'] = 'true'
    os.environ['MOD_WSGI_SERVER_NAME'] = server_name
    os.environ['MOD_WSGI_SERVER_ALIASES'] = server_aliases
    if reload_on_changes:
        os.environ['MOD_WSGI_RELOADER_ENABLED'] = 'true'
    if debug_mode:
        os.environ['MOD_WSGI_DEBUG_MODE'] = 'true'
    if enable_debugger:
        os.environ['MOD_WSGI_DEBUGGER_ENABLED'] = 'true'
    if coverage_directory:
        os.environ['MOD_WSGI_COVERAGE_ENABLED'] = 'true'
    if profiler_directory:
        os.environ['MOD_WSGI_PROFILER_ENABLED'] = 'true'
    if recorder_directory:
        os.environ['MOD_WSGI_RECORDER_ENABLED'] = 'true'
    if enable_gdb:
        os.environ['MOD_WSGI_GDB_ENABLED'] = 'true'

    if coverage_directory:
        from coverage import coverage as _coverage
        _coverage_info = _coverage()
        _coverage_info.start()

        def _write_coverage():
            _coverage_info.stop()
            _coverage_info.html_report(directory=coverage_directory)
        atexit.register(_write_coverage)

    if profiler_directory:
        import cProfile
        _profiler = cProfile.Profile()
        _profiler.enable()

        def _write_profile():
            _profiler.disable()
            name = '%d-%d.pstats' % (int(time.time() * 1000000), os.getpid())
            _profiler.dump_stats(os.path.join(profiler_directory, name))
        atexit.register(_write_profile)


    def _debugger():
        """pdb on the terminal Apache was started from, else on stdin/stdout."""
        import pdb
        try:
            tty = open('/dev/tty', 'r+')
            return pdb.Pdb(stdin=tty, stdout=tty)
        except OSError:
            return pdb.Pdb()


    class _PostMortem:
        """Enters pdb when the application raises, then lets the error through."""

        def __init__(self, application):
            self.application = application

        def _enter(self):
            debugger = _debugger()
            debugger.reset()
            debugger.interaction(None, sys.exc_info()[2])

        def __call__(self, environ, start_response):
            try:
                result = self.application(environ, start_response)
            except Exception:
                self._enter()
                raise
            return self._iterate(result)

        def _iterate(self, result):
            try:
                for item in result:
                    yield item
            except Exception:
                self._enter()
                raise
            finally:
                if hasattr(result, 'close'):
                    result.close()


    class _Recorder:
        """Saves each request's environ and body and the response's head and body to files."""

        def __init__(self, application, directory):
            self.application = application
            self.directory = directory
            self.lock = threading.Lock()
            self.count = 0

        def __call__(self, environ, start_response):
            with self.lock:
                self.count += 1
                key = '%d-%d-%d' % (int(time.time() * 1000000), os.getpid(), self.count)
            base = os.path.join(self.directory, key)
            body = environ['wsgi.input'].read()
            with open(base + '.iheaders', 'w') as stream:
                pprint.pprint(environ, stream=stream)
            with open(base + '.icontent', 'wb') as stream:
                stream.write(body)
            import io
            environ['wsgi.input'] = io.BytesIO(body)
            output = open(base + '.ocontent', 'wb')

            def recording_start_response(status, headers, *args):
                with open(base + '.oheaders', 'w') as stream:
                    pprint.pprint((status, headers) + args, stream=stream)
                write = start_response(status, headers, *args)

                def recording_write(data):
                    output.write(data)
                    output.flush()
                    return write(data)
                return recording_write
            try:
                result = self.application(environ, recording_start_response)
                for data in result:
                    output.write(data)
                    output.flush()
                    yield data
                if hasattr(result, 'close'):
                    result.close()
            except Exception:
                with open(base + '.oexcept', 'w') as stream:
                    traceback.print_exc(file=stream)
                raise
            finally:
                output.close()


    class _Application:
        def __init__(self):
            self.target = None
            self.application = None
            if application_type == 'module':
                __import__(entry_point)
                module = sys.modules[entry_point]
                self.application = getattr(module, callable_object)
                self.target = getattr(module, '__file__', None)
                if self.target and self.target.endswith(('.pyc', '.pyo')):
                    self.target = self.target[:-1]
            elif application_type == 'paste':
                from paste.deploy import loadapp
                self.application = loadapp('config:%s' % entry_point)
                self.target = entry_point
            elif application_type == 'script':
                module = types.ModuleType('__wsgi__')
                module.__file__ = entry_point
                with open(entry_point, 'rb') as stream:
                    code = compile(stream.read(), entry_point, 'exec', dont_inherit=True)
                exec(code, module.__dict__)
                sys.modules['__wsgi__'] = module
                self.application = getattr(module, callable_object)
                self.target = entry_point
            self.mtime = self._mtime()
            if self.application is not None:
                if enable_debugger:
                    self.application = _PostMortem(self.application)
                if recorder_directory:
                    self.application = _Recorder(self.application, recorder_directory)

        def _mtime(self):
            try:
                return os.path.getmtime(self.target) if self.target else None
            except OSError:
                return None

        def reload_required(self, resource):
            if debug_mode:
                return False
            return self._mtime() != self.mtime

        def handle_request(self, environ, start_response):
            # The handler script is reached through a rewrite rule, so Apache's split of the URL
            # is the document root's; the application sees the URL relative to the mount point.
            path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
            if 'mod_wsgi.mount_point' in environ:
                path = environ.get('mod_wsgi.script_name', '') + environ.get('PATH_INFO', '')
            environ['SCRIPT_NAME'] = ''
            environ['PATH_INFO'] = path
            if mount_point != '/' and path.startswith(mount_point):
                environ['SCRIPT_NAME'] = mount_point
                environ['PATH_INFO'] = path[len(mount_point):]
            if self.application is None:
                start_response('404 Not Found', [('Content-Type', 'text/plain')])
                return [b'Not Found']
            return self.application(environ, start_response)


    def _start_change_monitor():
        """Once a second, compares the modification time of every loaded module's source with
        the first one seen; on a change, says so and stops this daemon process (SIGINT), which
        its supervisor replaces with a fresh one."""
        seen = {}

        def changed(path):
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                return path in seen
            return seen.setdefault(path, mtime) != mtime

        def monitor():
            while True:
                for module in list(sys.modules.values()):
                    path = getattr(module, '__file__', None)
                    if not path:
                        continue
                    if path.endswith(('.pyc', '.pyo')):
                        path = path[:-1]
                    if changed(path):
                        print('monitor (pid=%d): change detected to "%s"; restarting the process.'
                              % (os.getpid(), path), file=sys.stderr, flush=True)
                        os.kill(os.getpid(), signal.SIGINT)
                        return
                time.sleep(1.0)

        thread = threading.Thread(target=monitor, name='mod_wsgi-express change monitor', daemon=True)
        thread.start()


    if debugger_startup:
        _debugger().set_trace()

    _handler = _Application()
    handle_request = _handler.handle_request
    if not disable_reloading:
        reload_required = _handler.reload_required
    if reload_on_changes and not disable_reloading and not debug_mode:
        _start_change_monitor()

    """#
}
