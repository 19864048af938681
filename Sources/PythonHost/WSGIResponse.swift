// The response half of a WSGI request: start_response, write(), the result iteration, and the
// frames that carry them. Small responses from a list go out in one send (head + body + end);
// generators and write() are flushed item by item so streaming works.
import CPyShim
import CPython
import WireProtocol

/// mod_wsgi's RuntimeError text for output (or the response's end) before start_response().
private let notStarted = "start_response() must be called before response content is produced"

/// Body bytes larger than this are sent straight from the Python object instead of being copied.
private let directSendThreshold = 32 * 1024
/// Buffered frames are flushed once they pass this size.
private let flushThreshold = 64 * 1024

extension WSGIRequest {
    // MARK: start_response

    /// start_response as mod_wsgi 6 checks it, with its exception types and messages: exc_info
    /// must be a tuple or None; once the head is committed (the first non-empty body bytes) a call
    /// with exc_info re-raises it and one without is a RuntimeError; before that a second call
    /// simply replaces status and headers.
    func startResponse(status: PyObjectPointer, headers: PyObjectPointer, excInfo: PyObjectPointer) -> Int32 {
        if excInfo != swpy_none() {
            guard swpy_is_tuple(excInfo) != 0 else {
                return swpy_raise(Int32(SWPY_RUNTIME_ERROR), "start_response() argument 'exc_info' must be a 3-tuple or None")
            }
            if headQueued { return swpy_reraise(excInfo) }
        } else if headQueued {
            return swpy_raise(Int32(SWPY_RUNTIME_ERROR), "start_response() called more than once without exc_info")
        }
        // Published before the checks below, as mod_wsgi does: subscribers see what was asked.
        context.requestHooks.responseStarted(status: status, headers: headers, excInfo: excInfo)
        guard let statusBytes = latin1Bytes(status) else { return -1 }
        if let problem = statusLineProblem(statusBytes) {
            return swpy_raise_with_repr(Int32(SWPY_VALUE_ERROR), problem, status)
        }
        let code = Int(statusBytes[0] - 0x30) * 100 + Int(statusBytes[1] - 0x30) * 10 + Int(statusBytes[2] - 0x30)
        statusCode = code
        let reason = statusBytes.count > 4 ? UnsafeRawBufferPointer(rebasing: statusBytes[4...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        do {
            try scratchBuilder.reset(status: code, reason: reason)
        } catch {
            return swpy_raise(Int32(SWPY_VALUE_ERROR), "invalid status '\(Py.text(status))': \(error)")
        }
        // The list type itself is checked where the arguments are parsed (CPyShim).
        var declaredLength: Int64?
        for index in 0..<swpy_sequence_fast_size(headers) {
            let item = swpy_sequence_fast_item(headers, index)!
            guard swpy_is_tuple(item) != 0 else {
                return swpy_raise(Int32(SWPY_TYPE_ERROR), "each header must be a 2-tuple, not \(String(cString: swpy_type_name(item)))")
            }
            guard swpy_sequence_fast_size(item) == 2 else {
                return swpy_raise(Int32(SWPY_VALUE_ERROR), "each header must be a 2-tuple, got length \(swpy_sequence_fast_size(item))")
            }
            let name = swpy_sequence_fast_item(item, 0)!
            let value = swpy_sequence_fast_item(item, 1)!
            guard let nameBytes = latin1Bytes(name) else { return -1 }
            if let problem = headerNameProblem(nameBytes) {
                return problem.isEmpty ? swpy_raise(Int32(SWPY_VALUE_ERROR), "header name is empty")
                    : swpy_raise_with_repr(Int32(SWPY_VALUE_ERROR), problem, name)
            }
            guard let valueBytes = latin1Bytes(value) else { return -1 }
            if valueBytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
                return swpy_raise_with_repr(Int32(SWPY_VALUE_ERROR), "carriage return/line feed character in header value", value)
            }
            do {
                try scratchBuilder.addHeader(name: nameBytes, value: valueBytes)
            } catch WireProtocolError.badHeaderValue {
                return swpy_raise(Int32(SWPY_VALUE_ERROR), "embedded newline or other control character in response header \(Py.text(item))")
            } catch {
                return swpy_raise(Int32(SWPY_VALUE_ERROR), "invalid response header \(Py.text(item)): \(error)")
            }
            if isContentLength(nameBytes) {
                guard let length = parseDecimal(valueBytes) else {
                    return swpy_raise(Int32(SWPY_VALUE_ERROR), "invalid Content-Length header value: '\(Py.text(value))'")
                }
                declaredLength = length
            }
        }
        scratchBuilder.finish()
        swap(&headBuilder, &scratchBuilder)
        contentLength = declaredLength
        started = true
        return 0
    }

    /// The Latin-1 bytes of a str, borrowed; nil with mod_wsgi's exception set (TypeError for a
    /// non-str, UnicodeEncodeError for a character above U+00FF).
    private func latin1Bytes(_ object: PyObjectPointer) -> UnsafeRawBufferPointer? {
        guard swpy_is_str(object) != 0 else {
            _ = swpy_raise(Int32(SWPY_TYPE_ERROR), "must be str, not \(String(cString: swpy_type_name(object)))")
            return nil
        }
        var data: UnsafePointer<CChar>?
        var length = 0
        guard swpy_str_latin1(object, &data, &length) == 0 else {
            swpy_raise_latin1_encode_error(object)
            return nil
        }
        return UnsafeRawBufferPointer(start: data, count: length)
    }

    /// What is wrong with a status line, in mod_wsgi's words: three digits, then the end or a space
    /// and a reason phrase without control characters.
    private func statusLineProblem(_ status: UnsafeRawBufferPointer) -> String? {
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        guard status.count >= 3, status[0...2].allSatisfy(isDigit), status.count == 3 || !isDigit(status[3]) else {
            return "status code must be a 3 digit integer"
        }
        if status.count == 3 { return nil }
        guard status[3] == UInt8(ascii: " ") else { return "no space following status code" }
        if status[4...].contains(where: isControl) { return "control character in status reason phrase" }
        return nil
    }

    /// "" for an empty name, else mod_wsgi's words for a control or space character; nil when fine.
    private func headerNameProblem(_ name: UnsafeRawBufferPointer) -> String? {
        if name.isEmpty { return "" }
        for byte in name {
            if isControl(byte) { return "control character in header name" }
            if byte == UInt8(ascii: " ") { return "space character in header name" }
        }
        return nil
    }

    // MARK: write() and the result iteration

    func writeCallable(_ data: PyObjectPointer) -> Int32 {
        guard swpy_is_bytes(data) != 0 else {
            return swpy_raise(Int32(SWPY_TYPE_ERROR), "write() argument must be bytes, not \(String(cString: swpy_type_name(data)))")
        }
        guard started else { return swpy_raise(Int32(SWPY_RUNTIME_ERROR), notStarted) }
        _ = writeBody(data, flushNow: true)
        // mod_wsgi's words (its IOError is OSError); why is in the error log.
        if failure != nil { return swpy_raise(Int32(SWPY_OS_ERROR), "mod_wsgi client connection closed") }
        return 0
    }

    /// Sends every item of the application's result. False when an error ended it (the exception
    /// is already logged) or the connection failed.
    func sendResult(_ result: PyObjectPointer) -> Bool {
        if swpy_is_list_exact(result) != 0 || swpy_is_tuple_exact(result) != 0 {
            // A complete sequence: buffer it so a small response leaves in one send.
            for index in 0..<swpy_sequence_fast_size(result) {
                guard sendItem(swpy_sequence_fast_item(result, index)!, flushNow: false) else { return false }
                if reachedContentLength { break }
            }
            return failure == nil
        }
        guard let iterator = PyObject_GetIter(result) else {
            reportException()
            return false
        }
        defer { Py_DECREF(iterator) }
        while let item = PyIter_Next(iterator) {
            let sent = sendItem(item, flushNow: true)
            Py_DECREF(item)
            if !sent { return false }
            if reachedContentLength { return true }
        }
        if PyErr_Occurred() != nil {
            reportException()
            return false
        }
        return failure == nil
    }

    private func sendItem(_ item: PyObjectPointer, flushNow: Bool) -> Bool {
        guard swpy_is_bytes(item) != 0 else {
            _ = swpy_raise(Int32(SWPY_TYPE_ERROR),
                           "response iterable must yield bytes, not \(String(cString: swpy_type_name(item)))")
            reportException()
            return false
        }
        guard started else {
            _ = swpy_raise(Int32(SWPY_RUNTIME_ERROR), notStarted)
            reportException()
            return false
        }
        return writeBody(item, flushNow: flushNow)
    }

    /// close() on the result, if it has one (always called, also after errors). False if it raised.
    func callClose(_ result: PyObjectPointer) -> Bool {
        if swpy_is_list_exact(result) != 0 || swpy_is_tuple_exact(result) != 0 { return true }
        guard let close = PyObject_GetAttr(result, closeName) else {
            PyErr_Clear()
            return true
        }
        defer { Py_DECREF(close) }
        guard let value = PyObject_CallNoArgs(close) else {
            reportException()
            return false
        }
        Py_DECREF(value)
        return true
    }

    private var reachedContentLength: Bool {
        guard let contentLength else { return false }
        return bodyBytes >= contentLength
    }

    /// Queues (and maybe sends) body bytes, trimmed to the declared Content-Length. False when the
    /// connection failed.
    @discardableResult
    func writeBody(_ bytes: PyObjectPointer, flushNow: Bool) -> Bool {
        if failure != nil { return false }
        var count = Int64(swpy_bytes_size(bytes))
        // PEP 3333: the head waits for the first non-empty body string (so a later error can
        // still become a 500).
        if count == 0 { return true }
        if !headQueued {
            pending.append(contentsOf: headBuilder.frame)
            headQueued = true
        }
        if isHeadMethod { count = 0 }
        if let contentLength { count = min(count, max(0, contentLength - bodyBytes)) }
        if count > 0 {
            bodyBytes += count
            outputWrites += 1
            let data = UnsafeRawBufferPointer(start: swpy_bytes_data(bytes), count: Int(count))
            if count >= directSendThreshold {
                return sendDirect(data)
            }
            FrameEncoder.appendBody(data, to: &pending)
        }
        if flushNow || pending.count >= flushThreshold { return flush() }
        return true
    }

    /// Runs a socket send, adding its time to the request's output_write_time.
    private func timedWrite(_ send: () throws -> Void) rethrows {
        let before = monotonicMicroseconds()
        defer { outputWriteMicros += monotonicMicroseconds() - before }
        try send()
    }

    private func sendDirect(_ data: UnsafeRawBufferPointer) -> Bool {
        do {
            try pending.withUnsafeBytes { prefix in
                try withoutGIL { try timedWrite { try connection.sendBody(after: prefix, body: data) } }
            }
            pending.removeAll(keepingCapacity: true)
            headSent = true
            return true
        } catch {
            failure = "\(error)"
            return false
        }
    }

    /// Sends the buffered frames with the GIL released. False when the connection failed.
    func flush() -> Bool {
        if pending.isEmpty { return failure == nil }
        if failure != nil { return false }
        do {
            try pending.withUnsafeBytes { bytes in try withoutGIL { try timedWrite { try connection.send(bytes) } } }
            if headQueued { headSent = true }
            pending.removeAll(keepingCapacity: true)
            return true
        } catch {
            failure = "\(error)"
            log(.error, "Failed to send the response for WSGI script '\(scriptPathText)': \(error).")
            return false
        }
    }

    // MARK: ending the response

    /// The application finished normally: send the head if still pending, then RESPONSE_END.
    func finishResponse() -> RequestOutcome {
        if failure == nil && !started {
            _ = swpy_raise(Int32(SWPY_RUNTIME_ERROR), notStarted)
            reportException()
            return finishAfterError()
        }
        publishFinished()
        if !headQueued {
            pending.append(contentsOf: headBuilder.frame)
            headQueued = true
        }
        var aborted = false
        if let contentLength, !isHeadMethod, bodyBytes < contentLength {
            log(.error, "Truncated response from WSGI script '\(scriptPathText)': the application returned \(bodyBytes) of the \(contentLength) bytes its Content-Length declares.")
            aborted = true
        }
        FrameEncoder.appendEnd(aborted: aborted, to: &pending)
        return flush() ? .completed : .connectionFailed(failure ?? "send failed")
    }

    /// An error ended the request. Before any body bytes committed the head: a 500 page, or a 504
    /// after RequestTimeout. After: what was committed goes out (still buffered bytes of a list
    /// included, as mod_wsgi writes each item as it comes) and the end is marked aborted.
    func finishAfterError() -> RequestOutcome {
        if !headQueued { statusCode = interrupted ? 504 : 500 }
        publishFinished()
        if let failure { return .connectionFailed(failure) }
        if interrupted && !headQueued {
            pending.removeAll(keepingCapacity: true)
            FrameEncoder.appendControl(.requestTimeout, to: &pending)
            headQueued = false
        } else if !headQueued {
            pending.removeAll(keepingCapacity: true)
            pending.append(contentsOf: internalErrorFrames(headMethod: isHeadMethod))
            headQueued = true
        } else {
            FrameEncoder.appendEnd(aborted: true, to: &pending)
        }
        return flush() ? .completed : .connectionFailed(failure ?? "send failed")
    }

    // MARK: wsgi.input

    /// The next body chunk for request `serial`, called without the GIL, perhaps from an
    /// application thread: only while that request's body is open (see BodyAccess).
    func readBodyChunk(serial: UInt, data: UnsafeMutablePointer<UnsafePointer<CChar>?>, length: UnsafeMutablePointer<Py_ssize_t>,
                       errorBuffer: UnsafeMutablePointer<CChar>, errorLength: Int) -> Int32 {
        bodyAccess.withLock { access in
            guard access.open && access.serial == serial else {
                copyMessage("wsgi.input used after its request completed", into: errorBuffer, capacity: errorLength)
                return -1
            }
            let before = monotonicMicroseconds()
            let read = readOpenBodyChunk(data: data, length: length, errorBuffer: errorBuffer, errorLength: errorLength)
            let took = monotonicMicroseconds() - before
            let bytes = read == 1 ? length.pointee : 0
            inputStatistics.withLock { statistics in
                guard statistics.serial == serial else { return }
                statistics.readMicros += took
                if read == 1 {
                    statistics.reads += 1
                    statistics.bytes += bytes
                }
            }
            return read
        }
    }

    private func readOpenBodyChunk(data: UnsafeMutablePointer<UnsafePointer<CChar>?>, length: UnsafeMutablePointer<Py_ssize_t>,
                                   errorBuffer: UnsafeMutablePointer<CChar>, errorLength: Int) -> Int32 {
        if bodyComplete { return 0 }
        do {
            let frame = try connection.readFrame()
            switch frame.header.type {
            case .requestBody:
                data.pointee = frame.payload.baseAddress!.assumingMemoryBound(to: CChar.self)
                length.pointee = frame.payload.count
                return 1
            case .requestEnd:
                bodyComplete = true
                return 0
            case .requestAbort:
                bodyComplete = true
                let reason = String(decoding: frame.payload, as: UTF8.self)
                copyMessage("request body could not be read from the client: \(reason)", into: errorBuffer, capacity: errorLength)
                return -1
            default:
                throw WireProtocolError.unexpectedFrame(expected: "REQUEST_BODY or REQUEST_END", got: frame.header.type.name)
            }
        } catch {
            bodyComplete = true
            failure = "\(error)"
            copyMessage("request body read failed: \(error)", into: errorBuffer, capacity: errorLength)
            return -1
        }
    }
}


private func isContentLength(_ name: UnsafeRawBufferPointer) -> Bool {
    guard name.count == 14 else { return false }
    let expected: StaticString = "content-length"
    let lower = UnsafeRawBufferPointer(start: expected.utf8Start, count: 14)
    for index in 0..<14 where (name[index] | 0x20) != lower[index] && name[index] != lower[index] { return false }
    return true
}

private func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> Int64? {
    let digits = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
    guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
}

/// The 500 response sent when the application failed before anything was sent.
func internalErrorFrames(headMethod: Bool) -> [UInt8] {
    let body = Array("""
        <!DOCTYPE html>
        <html><head><title>500 Internal Server Error</title></head>
        <body><h1>Internal Server Error</h1>
        <p>The application failed while handling this request. The server's error log has the details.</p>
        </body></html>

        """.utf8)
    var frames = (try? ResponseHeadBuilder.encode(
        status: 500, reason: "Internal Server Error",
        headers: [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "\(body.count)")])) ?? []
    if !headMethod { body.withUnsafeBytes { FrameEncoder.appendBody($0, to: &frames) } }
    FrameEncoder.appendEnd(aborted: false, to: &frames)
    return frames
}

/// C's iscntrl in the C locale: what mod_wsgi refuses in a status line or header name.
private func isControl(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == 0x7F
}
