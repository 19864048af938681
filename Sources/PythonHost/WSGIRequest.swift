// One WSGI request on a worker thread: the environ, the application call, the result iteration
// and close(). The object is reused for every request the thread serves.
#if canImport(Glibc)
import Glibc
#endif
import CPyShim
import CPython
import Logging
import Synchronization
import WireProtocol

/// Which request may read its body from the connection. An application may hand wsgi.input to a
/// thread of its own that reads after the request returned; by then the connection is being
/// drained, or carries the thread's next request. So a read holds this lock and names its request,
/// and the request thread closes the body (waiting out a read in flight) before it touches the
/// connection again: a late read gets an error, never another request's bytes.
struct BodyAccess {
    var serial: UInt = 0
    var open = false
}

/// Body frames, bytes and read time of request `serial` (its request_finished event and
/// request_metrics()). A lock of its own: BodyAccess's is held for the whole of a blocking read,
/// so the request thread must never wait for it while it holds the GIL.
struct InputStatistics {
    var serial: UInt = 0
    var reads = 0
    var bytes = 0
    var readMicros: Int64 = 0
}

public enum RequestOutcome: Equatable {
    /// A response (or a control frame such as APP_LOAD_FAILED) was sent.
    case completed
    /// The script changed on disk: SCRIPT_RELOADED was sent and the process must restart.
    case scriptReloaded
    /// The connection failed (the peer went away, a timeout, a malformed frame); nothing more can
    /// be sent on it.
    case connectionFailed(String)
}

public final class WSGIRequest {
    let interpreter: PythonInterpreter
    let threadState: PinnedThreadState
    public let connection: FrameConnection
    let threadID: PyObjectPointer
    /// This thread's PyThread ident, the target for an injected RequestTimeout.
    public let pythonThreadIdent: UInt
    let closeName: PyObjectPointer
    /// The interpreter of the current request's application group.
    var context: InterpreterContext
    var logger = Logger(label: "mod_wsgi")
    /// Called when a script must be reloaded, before SCRIPT_RELOADED goes out: the process must stop
    /// taking connections first, or the module's retry could be served by the old code.
    public var beforeScriptReload: (() -> Void)?

    // Response state of the current request (see WSGIResponse.swift).
    var headBuilder = ResponseHeadBuilder()
    var scratchBuilder = ResponseHeadBuilder()
    var pending: [UInt8] = []
    var started = false
    var headQueued = false
    var headSent = false
    var isHeadMethod = false
    var contentLength: Int64?
    var bodyBytes: Int64 = 0
    /// The status code of the current response (0 until start_response) and the body sends, for
    /// the request_finished event and the process metrics.
    var statusCode = 0
    var applicationStartedAt: Int64 = 0
    /// request_finished is still to be published for the current request.
    var finishPending = false
    /// This thread's wsgi.errors stream in each interpreter it has served (see errorsStream).
    private var errorStreams: [ObjectIdentifier: PyObjectPointer] = [:]
    var outputWrites = 0
    /// Time spent in socket sends for the current response.
    var outputWriteMicros: Int64 = 0
    /// The request's times, kept for request_metrics().
    var requestTimes = RequestTimes()
    var failure: String?
    /// The application was stopped by an injected mod_wsgi.RequestTimeout.
    var interrupted = false

    // Request state.
    /// REQUEST_END or REQUEST_ABORT has been read.
    public internal(set) var bodyComplete = false
    let bodyAccess = Mutex(BodyAccess())
    let inputStatistics = Mutex(InputStatistics())
    var scriptPath: [UInt8] = []
    var remote: [UInt8] = []

    /// Call on the thread that will run the requests; `threadIndex` (from 0) plus one is
    /// mod_wsgi.thread_id, which counts from 1 as under mod_wsgi.
    public init(interpreter: PythonInterpreter, threadIndex: Int, connection: FrameConnection) {
        self.interpreter = interpreter
        self.connection = connection
        context = interpreter.main
        threadState = PinnedThreadState()
        // Python objects only with the GIL: request threads start while another thread may already
        // be running Python, and an allocation without the GIL corrupts Python's heap.
        (threadID, closeName) = threadState.withGIL { (PyLong_FromLong(threadIndex + 1)!, Py.interned("close")) }
        pythonThreadIdent = UInt(PyThread_get_thread_ident())
        pending.reserveCapacity(16 * 1024)
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> WSGIRequest {
        Unmanaged<WSGIRequest>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Runs the application for a decoded head read from `connection` (payload still valid).
    public func run(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer, times: RequestTimes) -> RequestOutcome {
        serve(head: head, payload: payload) { context, serial in
            runApplication(in: context, head: head, payload: payload, times: times, serial: serial)
        }
    }

    /// Resets the request state, opens its body, and runs `body` with the GIL in the interpreter
    /// of the request's application group.
    func serve(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer,
               _ body: (InterpreterContext, UInt) -> RequestOutcome) -> RequestOutcome {
        reset(head: head, payload: payload)
        let serial = bodyAccess.withLock { access -> UInt in
            access.serial &+= 1
            access.open = true
            return access.serial
        }
        inputStatistics.withLock { $0 = InputStatistics(serial: serial) }
        // Closed without the GIL: a late reader in flight needs no GIL to finish its read.
        defer { bodyAccess.withLock { $0.open = false } }
        return threadState.withGIL { inApplicationGroup(head: head, payload: payload) { body($0, serial) } }
    }

    private func reset(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer) {
        started = false
        headQueued = false
        headSent = false
        contentLength = nil
        bodyBytes = 0
        statusCode = 0
        outputWrites = 0
        outputWriteMicros = 0
        finishPending = false
        failure = nil
        interrupted = false
        bodyComplete = false
        pending.removeAll(keepingCapacity: true)
        scriptPath.removeAll(keepingCapacity: true)
        scriptPath.append(contentsOf: Self.script(head: head, payload: payload))
        remote.removeAll(keepingCapacity: true)
        if let address = head.value(id: EnvironKeys.remoteAddr, in: payload) {
            remote.append(contentsOf: address)
            if let port = head.value(id: EnvironKeys.remotePort, in: payload) {
                remote.append(UInt8(ascii: ":"))
                remote.append(contentsOf: port)
            }
        }
        let method = head.value(id: EnvironKeys.requestMethod, in: payload)
        isHeadMethod = method.map { $0.elementsEqual("HEAD".utf8) } ?? false
    }

    private func inApplicationGroup(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer,
                                    _ body: (InterpreterContext) -> RequestOutcome) -> RequestOutcome {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let group = head.value(id: EnvironKeys.applicationGroup, in: payload) ?? empty
        if group.isEmpty {
            return body(interpreter.main)
        }
        let found = interpreter.subInterpreters.context(named: group)
        switch found {
        case .failure(let failure):
            return sendLoadFailure(reason: failure.reason, logLines: failure.logLines)
        case .success(let context):
            // Swapped with the GIL held: this thread's own state in that interpreter, kept for
            // the thread's life (threading.local survives from one request to the next).
            let previous = PyThreadState_Swap(interpreter.subInterpreters.threadState(in: context))
            interpreter.subInterpreters.setRunning(context, ident: pythonThreadIdent)
            defer {
                interpreter.subInterpreters.setRunning(nil, ident: pythonThreadIdent)
                PyThreadState_Swap(previous)
            }
            return body(context)
        }
    }

    /// Runs the request in `context`, whose thread state is current.
    private func runApplication(in context: InterpreterContext, head: RequestHeadDecoder, payload: UnsafeRawBufferPointer,
                                times: RequestTimes, serial: UInt) -> RequestOutcome {
        self.context = context
        // A RequestTimeout aimed at this thread's previous request must not hit this one.
        swpy_discard_async_exception()
        defer { swpy_discard_async_exception() }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let reloading = head.value(id: EnvironKeys.scriptReloading, in: payload).map { !$0.elementsEqual("0".utf8) } ?? true
        let lookup = context.scripts.lookup(
            script: Self.script(head: head, payload: payload),
            callable: head.value(id: EnvironKeys.callableObject, in: payload) ?? empty,
            resource: head.value(id: EnvironKeys.scriptFilename, in: payload) ?? empty,
            checkReload: reloading)
        let application: PyObjectPointer
        switch lookup {
        case .application(let object):
            application = object
        case .reloadRequired:
            logger.info("Reloading WSGI script '\(scriptPathText)': it changed since it was loaded; restarting the process.")
            beforeScriptReload?()
            FrameEncoder.appendControl(.scriptReloaded, to: &pending)
            return flush() ? .scriptReloaded : .connectionFailed(failure ?? "send failed")
        case .failed(let reason, let lines):
            return sendLoadFailure(reason: reason, logLines: lines)
        }
        defer { Py_DECREF(application) }

        return withRequestObjects(in: context, head: head, payload: payload, times: times, serial: serial) {
            environ, startResponse in
            let callable = head.value(id: EnvironKeys.callableObject, in: payload) ?? empty
            beginRequest(context: context, environ: environ, application: application, callable: callable)
            // Published before the response's end goes out (finishResponse, finishAfterError), as
            // under mod_wsgi the client sees the end only once the adapter is done.
            finishPending = true
            defer { publishFinished() }
            guard let result = Py.call(application, environ, startResponse) else {
                reportException()
                return finishAfterError()
            }
            defer { Py_DECREF(result) }
            let iterated = sendResult(result)
            let closed = callClose(result)
            if !(iterated && closed) { return finishAfterError() }
            return finishResponse()
        }
    }

    /// Makes the request's Python objects (its handle, wsgi.input, wsgi.errors, start_response and
    /// the environ) and runs `body` with them; afterwards the handle is invalidated, so objects an
    /// application kept refuse to work.
    func withRequestObjects(in context: InterpreterContext, head: RequestHeadDecoder, payload: UnsafeRawBufferPointer,
                            times: RequestTimes, serial: UInt,
                            _ body: (_ environ: PyObjectPointer, _ startResponse: PyObjectPointer) -> RequestOutcome)
        -> RequestOutcome {
        let requestPointer = Unmanaged.passUnretained(self).toOpaque()
        guard let handle = swpy_request_handle_new(requestPointer, serial) else { return failBeforeCall() }
        defer {
            swpy_request_handle_invalidate(handle)
            Py_DECREF(handle)
        }
        let remoteObject = remote.isEmpty ? nil : remote.withUnsafeBytes { Py.latin1($0) }
        defer { if let remoteObject { Py_DECREF(remoteObject) } }
        guard let input = swpy_input_new(handle),
              let errors = errorsStream(in: context, remote: remoteObject),
              let startResponse = swpy_start_response_new(handle) else { return failBeforeCall() }
        defer {
            swpy_text_log_end_request(errors)
            Py_DECREF(input)
            Py_DECREF(errors)
            Py_DECREF(startResponse)
        }

        var times = times
        times.applicationStart = microsecondsNow()
        applicationStartedAt = times.applicationStart
        requestTimes = times
        guard let environ = context.environ.build(head: head, payload: payload, input: input, errors: errors,
                                                      times: times, threadID: threadID) else {
            return failBeforeCall()
        }
        defer { Py_DECREF(environ) }
        return body(environ, startResponse)
    }

    /// wsgi.errors for this request (new reference): this thread's stream in `context`, made once
    /// and pointed at each request's client address (a TextIOWrapper costs microseconds to make);
    /// a new one when the application detached the last one's buffer.
    private func errorsStream(in context: InterpreterContext, remote: PyObjectPointer?) -> PyObjectPointer? {
        let key = ObjectIdentifier(context)
        // Its lines name the script, as mod_wsgi's request log lines do.
        let script = scriptPath.withUnsafeBytes { Py.latin1($0) }
        defer { if let script { Py_DECREF(script) } }
        if let stream = errorStreams[key], swpy_text_log_rebind(stream, remote, script) == 0 {
            Py_INCREF(stream)
            return stream
        }
        guard let stream = swpy_text_log_new(context.textWrapper, Int32(SWPY_LOG_ERROR), remote) else { return nil }
        _ = swpy_text_log_rebind(stream, remote, script)
        if let old = errorStreams.updateValue(stream, forKey: key) { Py_DECREF(old) }
        Py_INCREF(stream)
        return stream
    }

    /// The script to run: the WSGIHandlerScript when Apache named one (SCRIPT_FILENAME is then the
    /// resource it serves), else SCRIPT_FILENAME.
    static func script(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let handler = head.value(id: EnvironKeys.handlerScript, in: payload), !handler.isEmpty { return handler }
        return head.value(id: EnvironKeys.scriptFilename, in: payload) ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// The application could not be loaded: log why and answer APP_LOAD_FAILED.
    func sendLoadFailure(reason: String, logLines: [String]) -> RequestOutcome {
        for (index, line) in logLines.enumerated() {
            if index == 0 { log(.error, line) } else { logUnscripted(.error, line) }
        }
        FrameEncoder.appendControl(.appLoadFailed, message: reason, to: &pending)
        return flush() ? .completed : .connectionFailed(failure ?? "send failed")
    }

    /// An allocation failed before the application could be called.
    private func failBeforeCall() -> RequestOutcome {
        reportException()
        return finishAfterError()
    }

    /// Logs the pending Python exception as mod_wsgi 6 does: a line naming the exception class,
    /// the script and the interpreter (SystemExit has a line of its own), then the traceback one
    /// line at a time. An injected or raised RequestTimeout is expected: one info line, no
    /// traceback, and the request ends with 504 when nothing was committed yet.
    func reportException() {
        if PyErr_ExceptionMatches(context.requestTimeout) != 0 {
            PyErr_Clear()
            interrupted = true
            log(.info, headQueued ? "Request interrupted by RequestTimeout after headers sent; response truncated."
                : "Request interrupted by RequestTimeout; thread recovered.")
            return
        }
        publishRequestException()
        let isSystemExit = swpy_exception_is_system_exit() != 0
        let typeName = swpy_exception_type_name().map { String(cString: $0) } ?? "Unknown"
        guard let text = Py.fetchExceptionText() else { return }
        let script = scriptPathText
        let place = "WSGI script '\(script)' for \(interpreterDescription)"
        // mod_wsgi's message codes lead the header, before the script.
        logUnscripted(.error, isSystemExit ? "WSGI0175: [script \(script)] \(typeName) exception raised by \(place); ignored."
            : "WSGI0174: [script \(script)] \(typeName) exception raised processing \(place).")
        for line in text.split(separator: "\n") { logUnscripted(.error, String(line)) }
    }

    var interpreterDescription: String { context.description }

    /// A request's log line: after the client address, "[script PATH]" as mod_wsgi 6 writes it.
    func log(_ level: Logger.Level, _ message: String) {
        logUnscripted(level, scriptPath.isEmpty ? message : "[script \(scriptPathText)] \(message)")
    }

    /// A request's log line without the script (traceback lines, headers that place it themselves).
    func logUnscripted(_ level: Logger.Level, _ message: String) {
        if remote.isEmpty {
            logger.log(level: level, "\(message)")
        } else {
            logger.log(level: level, "\(message)", metadata: ["remote": .string(String(decoding: remote, as: UTF8.self))])
        }
    }

    var scriptPathText: String { String(decoding: scriptPath, as: UTF8.self) }
}

func microsecondsNow() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
}
