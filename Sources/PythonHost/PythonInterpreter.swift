// Starting and stopping the embedded interpreter (the main interpreter only, for now).
import CPyShim
import CPython
import Logging

public final class PythonInterpreter: @unchecked Sendable {
    // @unchecked: the fields below are written once in start() before any worker thread exists,
    // and afterwards only read with the GIL held.
    public let settings: InterpreterSettings
    let environ: EnvironTemplate
    let scripts: ScriptCache
    let fileWrapper: PyObjectPointer
    private var mainThreadState: UnsafeMutablePointer<PyThreadState>?

    /// Initialises Python (isolated config, explicit program name, no signal handlers), applies
    /// python-path and home, routes sys.stdout/sys.stderr to the error log and configures the
    /// `mod_wsgi` module. Returns with the GIL released. Call once per process.
    public static func start(_ settings: InterpreterSettings) throws -> PythonInterpreter {
        CallbackBridge.install()
        guard swpy_register_builtin_module() == 0 else {
            throw PythonHostError.initialization("could not register the mod_wsgi module")
        }
        try initializeRuntime(programName: settings.programName)
        do {
            let helpers = try Py.run(source: hostHelperSource, filename: "<mod_wsgi-swift>")
            try configureSys(settings, helpers: helpers)
            guard let wrapper = PyDict_GetItemString(helpers, "FileWrapper") else {
                throw PythonHostError.initialization("FileWrapper missing from the host helpers")
            }
            Py_INCREF(wrapper)
            let interpreter = PythonInterpreter(settings: settings, helpers: helpers, fileWrapper: wrapper)
            interpreter.mainThreadState = PyEval_SaveThread()
            return interpreter
        } catch {
            _ = PyEval_SaveThread()
            throw error
        }
    }

    private init(settings: InterpreterSettings, helpers: PyObjectPointer, fileWrapper: PyObjectPointer) {
        self.settings = settings
        self.fileWrapper = fileWrapper
        environ = EnvironTemplate(settings: settings, fileWrapper: fileWrapper)
        scripts = ScriptCache(helpers: helpers)
    }

    /// Flushes sys.stdout/sys.stderr and finalizes Python (runs atexit handlers). Only when no
    /// other thread is inside Python any more.
    public func finalize() -> Int32 {
        PyEval_RestoreThread(mainThreadState)
        flushStandardStreams()
        return Py_FinalizeEx()
    }

    private func flushStandardStreams() {
        for name in ["stdout", "stderr"] {
            guard let stream = PySys_GetObject(name) else { continue }
            if let result = PyObject_CallMethodNoArgs(stream, Py.interned("flush")) { Py_DECREF(result) } else { PyErr_Clear() }
        }
    }

    private static func initializeRuntime(programName: String) throws {
        let config = UnsafeMutablePointer<PyConfig>.allocate(capacity: 1)
        defer { PyConfig_Clear(config); config.deallocate() }
        PyConfig_InitIsolatedConfig(config)
        config.pointee.install_signal_handlers = 0
        config.pointee.parse_argv = 0
        try check(PyConfig_SetBytesString(config, &config.pointee.program_name, programName))
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("mod_wsgi")]
        defer { free(argv[0]) }
        try check(PyConfig_SetBytesArgv(config, 1, &argv))
        try check(Py_InitializeFromConfig(config))
    }

    private static func check(_ status: PyStatus) throws {
        if PyStatus_Exception(status) != 0 {
            let message = status.err_msg.map { String(cString: $0) } ?? "unknown error"
            throw PythonHostError.initialization(message)
        }
    }

    private static func configureSys(_ settings: InterpreterSettings, helpers: PyObjectPointer) throws {
        func callHelper(_ name: String, _ arguments: [PyObjectPointer]) throws {
            guard let function = PyDict_GetItemString(helpers, name) else {
                throw PythonHostError.initialization("host helper \(name) missing")
            }
            guard let result = Py.call(function, arguments) else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "\(name) failed")
            }
            Py_DECREF(result)
        }
        guard let paths = PyList_New(0) else { throw PythonHostError.initialization("out of memory") }
        defer { Py_DECREF(paths) }
        for entry in settings.pythonPath {
            guard let item = Py.string(entry) else { continue }
            PyList_Append(paths, item)
            Py_DECREF(item)
        }
        guard let home = Py.string(settings.homeDirectory ?? "") else { throw PythonHostError.initialization("out of memory") }
        defer { Py_DECREF(home) }
        try callHelper("apply_python_path", [paths, home])

        for name in ["stdout", "stderr"] {
            guard let log = swpy_log_new(Int32(SWPY_LOG_ERROR), nil) else {
                throw PythonHostError.initialization("could not create sys.\(name)")
            }
            PySys_SetObject(name, log)
            Py_DECREF(log)
        }
        guard swpy_configure_module(settings.processGroup, "", settings.processes, settings.threads,
                                    modWSGIVersion.major, modWSGIVersion.minor, modWSGIVersion.micro) == 0 else {
            throw PythonHostError.initialization(Py.fetchExceptionText() ?? "mod_wsgi module setup failed")
        }
        guard let module = PyImport_ImportModule("mod_wsgi"),
              let wrapper = PyDict_GetItemString(helpers, "FileWrapper") else {
            throw PythonHostError.initialization(Py.fetchExceptionText() ?? "mod_wsgi module missing")
        }
        PyObject_SetAttrString(module, "FileWrapper", wrapper)
        Py_DECREF(module)
    }
}

extension PythonInterpreter {
    /// Loads a script before the first request (WSGIImportScript / preload), from the thread that
    /// started the interpreter. Returns the failure, already logged.
    public func preload(script: String, applicationGroup: String) -> ScriptLoadFailure? {
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        let failure = scripts.preload(path: script, group: applicationGroup)
        if let failure {
            for line in failure.logLines { CallbackBridge.logger.error("\(line)") }
        }
        return failure
    }
}

extension PythonInterpreter {
    /// Raises mod_wsgi.RequestTimeout in the request thread with this PyThread ident, from a
    /// thread that holds no Python thread state. False when no such thread exists.
    public func injectRequestTimeout(threadIdent: UInt, if stillCurrent: () -> Bool) -> Bool {
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        // Checked with the GIL held. If the request ends right after, the exception stays pending
        // and the thread's next request clears it before running any Python code.
        guard stillCurrent() else { return false }
        return swpy_inject_request_timeout(threadIdent) == 1
    }
}
