// The host's side of mod_wsgi's Python API (the `mod_wsgi` module's events, request_data(),
// active_requests and metrics, written in Python by host helper `install_module_api`): the
// entry points each request calls, one set per interpreter.
import CPyShim
import CPython

struct RequestHooks {
    let begin: PyObjectPointer
    let responseStarted: PyObjectPointer
    let requestException: PyObjectPointer
    let finish: PyObjectPointer
    let processStopping: PyObjectPointer
    let processSignal: PyObjectPointer
    /// mod_wsgi.event_callbacks, the list subscribe_events() appends to: while it is empty the
    /// per-request events that need no bookkeeping are not published at all.
    let eventCallbacks: PyObjectPointer
    /// This interpreter's mod_wsgi.RequestTimeout: one injected just as a hook runs is expected.
    let requestTimeout: PyObjectPointer

    /// Installs the API on this interpreter's `mod_wsgi` module (GIL held, its thread state current).
    static func install(module: PyObjectPointer, helpers: PyObjectPointer,
                        requestTimeout: PyObjectPointer) throws -> RequestHooks {
        guard let install = PyDict_GetItemString(helpers, "install_module_api"),
              let entries = Py.call(install, [module]) else {
            throw PythonHostError.initialization(Py.fetchExceptionText() ?? "install_module_api failed")
        }
        defer { Py_DECREF(entries) }
        guard swpy_is_tuple(entries) != 0, swpy_sequence_fast_size(entries) == 6 else {
            throw PythonHostError.initialization("install_module_api returned \(Py.text(entries))")
        }
        func entry(_ index: Int) -> PyObjectPointer {
            let object = swpy_sequence_fast_item(entries, index)!
            Py_INCREF(object)
            return object
        }
        guard let callbacks = PyObject_GetAttrString(module, "event_callbacks"), swpy_is_list(callbacks) != 0 else {
            throw PythonHostError.initialization(Py.fetchExceptionText() ?? "mod_wsgi.event_callbacks is not a list")
        }
        return RequestHooks(begin: entry(0), responseStarted: entry(1), requestException: entry(2), finish: entry(3),
                            processStopping: entry(4), processSignal: entry(5), eventCallbacks: callbacks,
                            requestTimeout: requestTimeout)
    }

    /// Calls one entry point; what it raises (a bug of ours, since subscribers' errors are caught
    /// in Python) is logged and cleared so the request carries on.
    func call(_ function: PyObjectPointer, _ arguments: [PyObjectPointer]) {
        guard let result = Py.call(function, arguments) else {
            if PyErr_ExceptionMatches(requestTimeout) != 0 {
                // request-timeout fired as the request ended: nothing is left to interrupt.
                PyErr_Clear()
                return
            }
            let text = Py.fetchExceptionText() ?? "unknown error"
            for line in text.split(separator: "\n") { CallbackBridge.logger.error("mod_wsgi API: \(line)") }
            return
        }
        Py_DECREF(result)
    }

    var hasSubscribers: Bool { swpy_sequence_fast_size(eventCallbacks) > 0 }

    func responseStarted(status: PyObjectPointer, headers: PyObjectPointer, excInfo: PyObjectPointer) {
        if hasSubscribers { call(responseStarted, [status, headers, excInfo]) }
    }
}

extension WSGIRequest {
    /// Before the application is called: request_data() and active_requests for this request,
    /// and the request_started event.
    func beginRequest(context: InterpreterContext, environ: PyObjectPointer, application: PyObjectPointer,
                      callable: UnsafeRawBufferPointer) {
        swpy_metrics_request_started()
        let name = callable.isEmpty ? Py.string("application") : Py.latin1(callable)
        guard let name else { PyErr_Clear(); return }
        defer { Py_DECREF(name) }
        context.requestHooks.call(context.requestHooks.begin, [environ, application, name, threadID])
    }

    /// Once the application is done (also after errors), before the response's end is sent: the
    /// request_finished event and the process's counters. Only the first call acts.
    func publishFinished() {
        guard finishPending else { return }
        finishPending = false
        finishRequest(context: context)
    }

    private func finishRequest(context: InterpreterContext) {
        let finishedAt = microsecondsNow()
        let applicationTime = Double(finishedAt - applicationStartedAt) / 1_000_000
        let input = inputStatistics.withLock { ($0.reads, $0.bytes, $0.readMicros) }
        var gilWait: Int64 = 0, gilWaits: Int64 = 0
        swpy_gil_wait_take(&gilWait, &gilWaits)
        let values: [PyObjectPointer?] = [
            PyLong_FromLong(statusCode), PyLong_FromLong(input.0), PyLong_FromLong(input.1),
            PyFloat_FromDouble(Double(input.2) / 1_000_000), PyLong_FromLongLong(bodyBytes),
            PyLong_FromLong(outputWrites), PyFloat_FromDouble(Double(outputWriteMicros) / 1_000_000),
            PyFloat_FromDouble(applicationTime), PyFloat_FromDouble(Double(gilWait) / 1_000_000),
            PyLong_FromLongLong(gilWaits),
        ]
        defer { for value in values { if let value { Py_DECREF(value) } } }
        if values.allSatisfy({ $0 != nil }) {
            context.requestHooks.call(context.requestHooks.finish, [threadID] + values.map { $0! })
        } else {
            PyErr_Clear()
        }
        swpy_metrics_request_finished(PyLong_AsLong(threadID), applicationTime, bodyBytes, Int64(outputWrites))
        var record = swpy_request_record(
            request_start: requestTimes.requestStart, queue_start: requestTimes.queueStart,
            daemon_start: requestTimes.daemonStart, application_start: requestTimes.applicationStart,
            application_finish: finishedAt, input_bytes: Int64(input.1), input_reads: Int64(input.0),
            input_read_us: input.2, output_bytes: bodyBytes, output_writes: Int64(outputWrites),
            output_write_us: outputWriteMicros, gil_wait_us: gilWait, gil_wait_count: gilWaits,
            status: Int32(statusCode))
        swpy_metrics_record_request(&record)
    }

    /// The request_exception event for the pending exception, which stays pending.
    func publishRequestException() {
        guard context.requestHooks.hasSubscribers else { return }
        var type: PyObjectPointer?, value: PyObjectPointer?, traceback: PyObjectPointer?
        PyErr_Fetch(&type, &value, &traceback)
        PyErr_NormalizeException(&type, &value, &traceback)
        if let value, let traceback { PyException_SetTraceback(value, traceback) }
        if let info = PyTuple_New(3) {
            for (index, item) in [type, value, traceback].enumerated() {
                let object = item ?? swpy_none()!
                Py_INCREF(object)
                PyTuple_SetItem(info, index, object)
            }
            context.requestHooks.call(context.requestHooks.requestException, [info])
            Py_DECREF(info)
        }
        PyErr_Restore(type, value, traceback)
    }
}
