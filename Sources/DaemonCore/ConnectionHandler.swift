// One connection, one request: admit the peer (ConnectionGate), read and check the head, apply
// queue-timeout, run the application, drain what is left of the request body, close. Bad input
// from an admitted peer is logged and answered with an ERROR frame; it never takes the worker down.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Logging
import PythonHost
import WireProtocol

struct ConnectionSettings {
    var groupName: String
    var socketTimeout: Int
    var queueTimeout: Int
    var gate: ConnectionGate
    /// SO_SNDBUF / SO_RCVBUF for each connection (send-buffer-size=, receive-buffer-size=); 0 = the
    /// system's. A Unix socket does not inherit them from the listener, so they are set here too.
    var sendBufferSize: Int = 0
    var receiveBufferSize: Int = 0
}

final class ConnectionHandler {
    private let request: WSGIRequest
    private let settings: ConnectionSettings
    private let control: WorkerControl
    private var decoder = RequestHeadDecoder()
    private var output: [UInt8] = []
    /// The last request served had mod_wsgi.ignore_activity set (WSGIIgnoreActivity On).
    private(set) var requestIgnoresActivity = false
    private let logger = Logger(label: "mod_wsgi")

    init(request: WSGIRequest, settings: ConnectionSettings, control: WorkerControl) {
        self.request = request
        self.settings = settings
        self.control = control
    }

    var connection: FrameConnection { request.connection }

    /// Takes the accepted socket `fd` if the gate admits its peer; otherwise closes it at once
    /// (nothing is read past HELLO, nothing is answered) and returns false.
    func admit(fd: Int32) -> Bool {
        connection.attach(fd: fd, timeoutSeconds: settings.socketTimeout)
        _ = sys_set_buffer_sizes(fd, Int32(clamping: settings.sendBufferSize), Int32(clamping: settings.receiveBufferSize))
        if settings.gate.admit(connection) { return true }
        connection.close()
        return false
    }

    /// Serves the admitted connection and closes it.
    func serve() -> RequestOutcome {
        defer { connection.close() }
        requestIgnoresActivity = false
        var times = RequestTimes()
        times.daemonStart = WorkerClock.wallMicroseconds()

        let payload: UnsafeRawBufferPointer
        do {
            let frame = try connection.readFrame()
            guard frame.header.type == .requestHead else {
                throw WireProtocolError.unexpectedFrame(expected: "REQUEST_HEAD", got: frame.header.type.name)
            }
            try decoder.decode(frame.payload)
            payload = frame.payload
        } catch let error as WireProtocolError {
            return reject(error)
        } catch {
            return reject(.connectionClosed("\(error)"))
        }
        requestIgnoresActivity = decoder.integer(id: EnvironKeys.ignoreActivity, in: payload) == 1
        times.requestStart = decoder.integer(id: EnvironKeys.requestStartMicros, in: payload) ?? 0
        times.queueStart = decoder.integer(id: EnvironKeys.queueStartMicros, in: payload) ?? 0

        if control.stopping.load(ordering: .relaxed) {
            return answer(.shuttingDown)
        }
        let queueTimeout = decoder.integer(id: EnvironKeys.queueTimeout, in: payload) ?? Int64(settings.queueTimeout)
        if queueTimeout > 0 && times.queueStart > 0 && times.daemonStart - times.queueStart > queueTimeout * 1_000_000 {
            logger.info("Queue timeout expired for WSGI daemon process '\(settings.groupName)'.")
            return answer(.queueTimeout)
        }
        let outcome: RequestOutcome
        if let hook = HookCall(head: decoder, payload: payload) {
            outcome = request.runHook(hook, head: decoder, payload: payload, times: times)
        } else {
            outcome = request.run(head: decoder, payload: payload, times: times)
        }
        if case .connectionFailed = outcome { return outcome }
        if !request.bodyComplete { drainBody() }
        return outcome
    }

    /// Sends one control frame instead of a response, then consumes the request body.
    private func answer(_ type: FrameType) -> RequestOutcome {
        output.removeAll(keepingCapacity: true)
        FrameEncoder.appendControl(type, to: &output)
        do {
            try connection.send(output)
        } catch {
            return .connectionFailed("\(error)")
        }
        drainBody()
        return .completed
    }

    /// A malformed or unexpected head: log why, tell the peer, close.
    private func reject(_ error: WireProtocolError) -> RequestOutcome {
        switch error {
        case .connectionClosed, .timedOut, .io:
            logger.error("Failed to read a request for WSGI daemon process '\(settings.groupName)': \(error).")
            return .connectionFailed("\(error)")
        default:
            logger.error("Rejected a malformed request for WSGI daemon process '\(settings.groupName)': \(error).")
            output.removeAll(keepingCapacity: true)
            FrameEncoder.appendControl(.error, message: "\(error)", to: &output)
            try? connection.send(output)
            return .connectionFailed("\(error)")
        }
    }

    /// Reads and discards the rest of the request body (the module sends it all before it reads
    /// the response), bounded by the socket timeout.
    private func drainBody() {
        do {
            while true {
                let frame = try connection.readFrame()
                switch frame.header.type {
                case .requestBody: continue
                case .requestEnd, .requestAbort: return
                default:
                    throw WireProtocolError.unexpectedFrame(expected: "REQUEST_BODY or REQUEST_END", got: frame.header.type.name)
                }
            }
        } catch {
            logger.debug("Stopped reading the rest of a request body: \(error).")
        }
    }
}

