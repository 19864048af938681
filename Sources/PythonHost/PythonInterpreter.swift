// Starting and stopping the embedded Python: the main interpreter and the sub-interpreters of
// the application groups.
import CPyShim
import CPython
import Logging

public final class PythonInterpreter: @unchecked Sendable {
    // @unchecked: the fields below are written once in start() before any worker thread exists,
    // and afterwards only read with the GIL held.
    public let settings: InterpreterSettings
    /// The main interpreter: application group %{GLOBAL} ("" on the wire).
    let main: InterpreterContext
    /// One sub-interpreter per other application group, made on first use.
    let subInterpreters: SubInterpreters
    private var mainThreadState: UnsafeMutablePointer<PyThreadState>?

    /// Initialises Python (isolated config, explicit program name, no signal handlers), applies
    /// python-path and home, routes sys.stdout/sys.stderr to the error log and configures the
    /// `mod_wsgi` module. Returns with the GIL released. Call once per process.
    public static func start(_ settings: InterpreterSettings) throws -> PythonInterpreter {
        CallbackBridge.install()
        swpy_metrics_start()
        guard swpy_register_builtin_module() == 0 else {
            throw PythonHostError.initialization("could not register the mod_wsgi module")
        }
        if let eggs = settings.eggsDirectory { setenv("PYTHON_EGG_CACHE", eggs, 1) }
        try initializeRuntime(settings)
        do {
            let main = try InterpreterContext.setUp(name: [], settings: settings)
            let interpreter = PythonInterpreter(settings: settings, main: main)
            interpreter.mainThreadState = PyEval_SaveThread()
            return interpreter
        } catch {
            _ = PyEval_SaveThread()
            throw error
        }
    }

    private init(settings: InterpreterSettings, main: InterpreterContext) {
        self.settings = settings
        self.main = main
        subInterpreters = SubInterpreters(settings: settings)
    }

    /// Ends the sub-interpreters, flushes sys.stdout/sys.stderr and finalizes Python (runs atexit
    /// handlers). Only when no other thread is inside Python any more. Returns Py_FinalizeEx's
    /// status, or nil when a sub-interpreter could not be ended safely and Python was left as it
    /// is (the reason is logged; the process should just exit).
    public func finalize() -> Int32? {
        PyEval_RestoreThread(mainThreadState)
        main.flushStandardStreams()
        guard subInterpreters.endAll() else {
            _ = PyEval_SaveThread()
            return nil
        }
        return Py_FinalizeEx()
    }

    private static func initializeRuntime(_ settings: InterpreterSettings) throws {
        let config = UnsafeMutablePointer<PyConfig>.allocate(capacity: 1)
        defer { PyConfig_Clear(config); config.deallocate() }
        PyConfig_InitIsolatedConfig(config)
        config.pointee.install_signal_handlers = 0
        config.pointee.parse_argv = 0
        if let level = settings.optimizationLevel { config.pointee.optimization_level = Int32(level) }
        config.pointee.write_bytecode = settings.writeBytecode ? 1 : 0
        if let seed = settings.hashSeed, seed != "random", let number = UInt(seed) {
            config.pointee.use_hash_seed = 1
            config.pointee.hash_seed = number
        }
        for filter in settings.warnings {
            try filter.withCString { text in
                guard let wide = Py_DecodeLocale(text, nil) else {
                    throw PythonHostError.initialization("cannot decode the warnings filter '\(filter)'")
                }
                defer { PyMem_RawFree(wide) }
                try check(PyWideStringList_Append(&config.pointee.warnoptions, wide))
            }
        }
        try check(PyConfig_SetBytesString(config, &config.pointee.program_name, settings.programName))
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
}

extension PythonInterpreter {
    /// Loads a script before the first request (WSGIImportScript / preload), from the thread that
    /// started the interpreter. Returns the failure, already logged.
    public func preload(script: String, applicationGroup: String) -> ScriptLoadFailure? {
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        let failure = loadInGroup(script: script, applicationGroup: applicationGroup)
        if let failure {
            for line in failure.logLines { CallbackBridge.logger.error("\(line)") }
        }
        return failure
    }

    private func loadInGroup(script: String, applicationGroup: String) -> ScriptLoadFailure? {
        // %{GLOBAL} is the main interpreter, which requests name as "".
        if applicationGroup.isEmpty || applicationGroup == "%{GLOBAL}" {
            return main.scripts.preload(path: script)
        }
        let name = Array(applicationGroup.utf8)
        let found = name.withUnsafeBytes { subInterpreters.context(named: $0) }
        switch found {
        case .failure(let failure):
            return failure
        case .success(let context):
            let previous = PyThreadState_Swap(subInterpreters.threadState(in: context))
            defer { PyThreadState_Swap(previous) }
            return context.scripts.preload(path: script)
        }
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
        if let injected = subInterpreters.injectRequestTimeout(threadIdent: threadIdent) { return injected }
        return swpy_inject_async_exception(threadIdent, main.requestTimeout) == 1
    }
}

extension PythonInterpreter {
    /// The process_stopping event (and the subscribe_shutdown callbacks) in every interpreter,
    /// with mod_wsgi's shutdown reason ("shutdown", "reload", "request_timeout", ...). Call once
    /// no request thread runs Python any more, before finalize().
    public func publishProcessStopping(reason: String) {
        inEveryInterpreter { context in
            guard let text = Py.string(reason) else { PyErr_Clear(); return }
            context.requestHooks.call(context.requestHooks.processStopping, [text])
            Py_DECREF(text)
        }
    }

    /// The process_signal event (and the subscribe_signals callbacks) in every interpreter, for a
    /// SIGHUP or SIGUSR2 the process received; requests may be running.
    public func publishProcessSignal(number: Int32, name: String) {
        CallbackBridge.logger.info("Received \(name); publishing the process_signal event.")
        inEveryInterpreter { context in
            guard let text = Py.string(name), let signum = PyLong_FromLong(Int(number)) else { PyErr_Clear(); return }
            context.requestHooks.call(context.requestHooks.processSignal, [signum, text])
            Py_DECREF(text)
            Py_DECREF(signum)
        }
    }

    /// Runs `body` with the GIL in each interpreter, the main one first, from a thread that
    /// holds no Python thread state.
    private func inEveryInterpreter(_ body: (InterpreterContext) -> Void) {
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        for context in [main] + subInterpreters.all {
            let previous = context.isMain ? nil : PyThreadState_Swap(subInterpreters.threadState(in: context))
            body(context)
            if !context.isMain { PyThreadState_Swap(previous) }
        }
    }
}
