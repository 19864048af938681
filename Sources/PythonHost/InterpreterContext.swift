// One Python interpreter of the worker: the main one (application group %{GLOBAL}, sent as "")
// or the sub-interpreter of one application group. Everything here that is a Python object made
// by Python code (host helpers, FileWrapper, RequestTimeout, the script modules) belongs to this
// interpreter and is only used while one of its thread states is current.
import CPyShim
import CPython
import WireProtocol

final class InterpreterContext: @unchecked Sendable {
    // @unchecked: immutable after setUp, except `threadStates`, which is only touched with the
    // GIL held.
    /// The application group as the wire sends it ("" = the main interpreter).
    let name: [UInt8]
    let state: OpaquePointer
    let scripts: ScriptCache
    let environ: EnvironTemplate
    /// The host helpers' namespace (HostHelpers.swift) in this interpreter.
    let helpers: PyObjectPointer
    /// This interpreter's mod_wsgi.RequestTimeout.
    let requestTimeout: PyObjectPointer
    /// io.TextIOWrapper, which wraps each request's wsgi.errors.
    let textWrapper: PyObjectPointer
    /// The `mod_wsgi` module API's entry points in this interpreter.
    let requestHooks: RequestHooks
    /// Every thread state made for this interpreter (sub-interpreters only), with the PyThread
    /// ident of the thread that owns it: shutdown deletes them before ending the interpreter.
    var threadStates: [(ident: UInt, state: UnsafeMutablePointer<PyThreadState>)] = []

    var isMain: Bool { name.isEmpty }
    /// How mod_wsgi's log lines name it: "main interpreter of daemon process 'site'" or
    /// "sub-interpreter 'name' of daemon process 'site'".
    let description: String
    var nameText: String { String(decoding: name, as: UTF8.self) }

    private init(name: [UInt8], state: OpaquePointer, helpers: PyObjectPointer,
                 fileWrapper: PyObjectPointer, requestTimeout: PyObjectPointer, textWrapper: PyObjectPointer,
                 requestHooks: RequestHooks, settings: InterpreterSettings) {
        self.name = name
        self.requestHooks = requestHooks
        self.textWrapper = textWrapper
        self.state = state
        self.requestTimeout = requestTimeout
        self.helpers = helpers
        let text = String(decoding: name, as: UTF8.self)
        description = (name.isEmpty ? "main interpreter" : "sub-interpreter '\(text)'")
            + " of daemon process '\(settings.processGroup)'"
        scripts = ScriptCache(helpers: helpers, interpreterDescription: description)
        environ = EnvironTemplate(settings: settings, fileWrapper: fileWrapper)
    }

    /// Sets up the interpreter whose thread state is current (GIL held): host helpers, sys.argv,
    /// python-path and home, sys.stdout/sys.stderr to the error log, and the `mod_wsgi` module
    /// with `application_group` = `name`.
    static func setUp(name: [UInt8], settings: InterpreterSettings) throws -> InterpreterContext {
        // <WSGIInterpreterOptions> that match this interpreter.
        let settings = settings.forApplicationGroup(String(decoding: name, as: UTF8.self))
        let helpers = try Py.run(source: hostHelperSource, filename: "<mod_wsgi-swift>")
        do {
            guard let io = PyImport_ImportModule("io") else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "io module missing")
            }
            defer { Py_DECREF(io) }
            guard let textWrapper = PyObject_GetAttrString(io, "TextIOWrapper") else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "io.TextIOWrapper missing")
            }
            try configureSys(settings, helpers: helpers, applicationGroup: String(decoding: name, as: UTF8.self),
                             textWrapper: textWrapper)
            guard let module = PyImport_ImportModule("mod_wsgi") else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "mod_wsgi module missing")
            }
            defer { Py_DECREF(module) }
            guard let wrapper = PyDict_GetItemString(helpers, "FileWrapper"),
                  PyObject_SetAttrString(module, "FileWrapper", wrapper) == 0,
                  let requestTimeout = PyObject_GetAttrString(module, "RequestTimeout") else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "FileWrapper or RequestTimeout missing")
            }
            Py_INCREF(wrapper)
            let hooks = try RequestHooks.install(module: module, helpers: helpers, requestTimeout: requestTimeout)
            return InterpreterContext(name: name, state: PyInterpreterState_Get(), helpers: helpers, fileWrapper: wrapper,
                                      requestTimeout: requestTimeout, textWrapper: textWrapper, requestHooks: hooks,
                                      settings: settings)
        } catch {
            Py_DECREF(helpers)
            throw error
        }
    }

    private static func configureSys(_ settings: InterpreterSettings, helpers: PyObjectPointer,
                                     applicationGroup: String, textWrapper: PyObjectPointer) throws {
        func callHelper(_ name: String, _ arguments: [PyObjectPointer]) throws {
            guard let function = PyDict_GetItemString(helpers, name) else {
                throw PythonHostError.initialization("host helper \(name) missing")
            }
            guard let result = Py.call(function, arguments) else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "\(name) failed")
            }
            Py_DECREF(result)
        }
        guard let paths = PyList_New(0), let argv = PyList_New(0) else { throw PythonHostError.initialization("out of memory") }
        defer { Py_DECREF(paths); Py_DECREF(argv) }
        for entry in settings.pythonPath {
            guard let item = Py.string(entry) else { continue }
            PyList_Append(paths, item)
            Py_DECREF(item)
        }
        guard let home = Py.string(settings.homeDirectory ?? "") else { throw PythonHostError.initialization("out of memory") }
        defer { Py_DECREF(home) }
        try callHelper("apply_python_path", [paths, home])

        // sys.argv is ['mod_wsgi'] in every interpreter, as under mod_wsgi.
        let program = Py.interned("mod_wsgi")
        guard PyList_Append(argv, program) == 0, PySys_SetObject("argv", argv) == 0 else {
            throw PythonHostError.initialization(Py.fetchExceptionText() ?? "could not set sys.argv")
        }
        for name in ["stdout", "stderr"] {
            guard let log = swpy_text_log_new(textWrapper, Int32(SWPY_LOG_ERROR), nil) else {
                throw PythonHostError.initialization("could not create sys.\(name)")
            }
            PySys_SetObject(name, log)
            Py_DECREF(log)
        }
        guard swpy_configure_module(settings.processGroup, applicationGroup, settings.processes, settings.threads,
                                    modWSGIVersion.major, modWSGIVersion.minor, modWSGIVersion.micro) == 0 else {
            throw PythonHostError.initialization(Py.fetchExceptionText() ?? "mod_wsgi module setup failed")
        }
        try installApacheModule(settings.apache, callHelper: callHelper)
        try applyRestrictions(settings, helpers: helpers, isMain: applicationGroup.isEmpty, callHelper: callHelper)
    }

    private static func installApacheModule(_ apache: ApacheServerInfo,
                                            callHelper: (String, [PyObjectPointer]) throws -> Void) throws {
        guard let version = PyTuple_New(apache.version.count) else { throw PythonHostError.initialization("out of memory") }
        for (index, part) in apache.version.enumerated() { PyTuple_SetItem(version, index, PyLong_FromLong(part)) }
        let values = [version, Py.string(apache.mpm), PyLong_FromLong(apache.maximumProcesses),
                      PyLong_FromLong(apache.threadsPerProcess), Py.string(apache.description), Py.string(apache.built)]
        defer { for value in values { if let value { Py_DECREF(value) } } }
        guard values.allSatisfy({ $0 != nil }) else { throw PythonHostError.initialization("out of memory") }
        try callHelper("install_apache_module", values.map { $0! })
    }

    /// WSGIRestrictStdin/Stdout/Signal in this interpreter, and mod_wsgi.Restricted for
    /// isinstance checks; the switch interval is process-wide, so set once, from the main one.
    private static func applyRestrictions(_ settings: InterpreterSettings, helpers: PyObjectPointer, isMain: Bool,
                                          callHelper: (String, [PyObjectPointer]) throws -> Void) throws {
        if let module = PyImport_ImportModule("mod_wsgi"), let restricted = PyDict_GetItemString(helpers, "Restricted") {
            PyObject_SetAttrString(module, "Restricted", restricted)
            Py_DECREF(module)
        }
        for (name, restrict) in [("stdin", settings.restrictStdin), ("stdout", settings.restrictStdout)] where restrict {
            let text = Py.interned(name)
            try callHelper("restrict_stream", [text])
        }
        if settings.restrictSignal && !settings.isServiceProcess {
            try callHelper("restrict_signal_registration", [])
        }
        if let interval = settings.switchInterval, isMain {
            guard let sys = PyImport_ImportModule("sys"),
                  let function = PyObject_GetAttrString(sys, "setswitchinterval"),
                  let seconds = PyFloat_FromDouble(interval) else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "sys.setswitchinterval missing")
            }
            defer { Py_DECREF(sys); Py_DECREF(function); Py_DECREF(seconds) }
            guard let result = Py.call(function, [seconds]) else {
                throw PythonHostError.initialization(Py.fetchExceptionText() ?? "setswitchinterval failed")
            }
            Py_DECREF(result)
        }
    }

    /// Flushes this interpreter's sys.stdout/sys.stderr (its thread state current).
    func flushStandardStreams() {
        for name in ["stdout", "stderr"] {
            guard let stream = PySys_GetObject(name) else { continue }
            if let result = PyObject_CallMethodNoArgs(stream, Py.interned("flush")) { Py_DECREF(result) } else { PyErr_Clear() }
        }
    }
}
