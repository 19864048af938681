// One embedded interpreter for the whole test process, a log capture, and a helper that serves one
// request over a socketpair exactly as a worker thread does.
#if canImport(Glibc)
import Glibc
#endif
import Logging
import PythonHost
import Synchronization
import WireProtocol
import XCTest

/// Every log line the host wrote, for assertions.
final class LogCapture: Sendable {
    static let shared = LogCapture()
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    func mark() -> Int { lines.withLock { $0.count } }
    func since(_ mark: Int) -> [String] { lines.withLock { Array($0[mark...]) } }
}

struct CaptureHandler: LogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        let remote = (explicit?["remote"]).map { "[remote \($0)] " } ?? ""
        LogCapture.shared.append("[\(level)] \(remote)\(message)")
    }
}

enum TestHost {
    /// Started on first use, on the thread of the first test (XCTest runs tests on one thread).
    static let interpreter: PythonInterpreter = {
        LoggingSystem.bootstrap { _ in CaptureHandler() }
        var settings = InterpreterSettings()
        settings.processGroup = "tests"
        settings.threads = 4
        settings.processes = 2
        settings.multiprocess = true
        settings.pythonPath = []
        do { return try PythonInterpreter.start(settings) } catch { fatalError("Python did not start: \(error)") }
    }()

    nonisolated(unsafe) static let request: WSGIRequest = WSGIRequest(interpreter: interpreter, threadIndex: 7, connection: FrameConnection())

    /// A fresh world-readable directory for scripts.
    static let directory: String = {
        var template = Array("/tmp/pyhost-tests-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        chmod(path, 0o755)
        atexit { TestHost.removeDirectory() }
        return path
    }()

    /// Deletes the scripts directory (flat: only files) when the test process exits.
    static func removeDirectory() {
        guard let stream = opendir(directory) else { return }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink(directory + "/" + name) }
        }
        closedir(stream)
        rmdir(directory)
    }

    nonisolated(unsafe) static var counter = 0

    /// Writes `source` to a new script file and returns its path.
    static func script(_ source: String) -> String {
        counter += 1
        let path = "\(directory)/app\(counter)_\(getpid()).wsgi"
        let file = fopen(path, "w")!
        fputs(source, file)
        fclose(file)
        return path
    }
}

struct Served {
    var response: DecodedResponse
    var outcome: RequestOutcome
    var logs: [String]
    var text: String { String(decoding: response.body, as: UTF8.self) }
    var header: [String: String] {
        Dictionary(response.headers.map { ($0[0], $0[1]) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Serves one request for `script` and returns what the module would have received.
func serve(_ script: String, method: String = "GET", environ extra: [(String, String)] = [],
           body: [[UInt8]] = [], abort: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Served {
    let interpreter = TestHost.interpreter
    _ = interpreter
    var pair: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { throw XCTSkip("socketpair failed") }
    defer { close(pair[0]) }
    var environ: [(String, String)] = [
        ("REQUEST_METHOD", method), ("SCRIPT_NAME", ""), ("PATH_INFO", "/"), ("QUERY_STRING", ""),
        ("SERVER_NAME", "localhost"), ("SERVER_PORT", "80"), ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("REMOTE_ADDR", "127.0.0.1"), ("REMOTE_PORT", "5555"), ("SCRIPT_FILENAME", script),
        ("mod_wsgi.process_group", "tests"), ("mod_wsgi.application_group", ""),
        ("mod_wsgi.callable_object", "application"),
    ]
    let overridden = Set(extra.map { $0.0 })
    environ = environ.filter { !overridden.contains($0.0) } + extra
    var request = RequestEncoder.head(environ)
    var frames: [UInt8] = []
    for chunk in body {
        FrameHeader(type: .requestBody, length: chunk.count).encode(into: &frames)
        frames += chunk
    }
    if let abort {
        FrameHeader(type: .requestAbort, length: abort.utf8.count).encode(into: &frames)
        frames += Array(abort.utf8)
    } else {
        FrameHeader(type: .requestEnd, length: 0).encode(into: &frames)
    }
    request += frames
    _ = request.withUnsafeBytes { send(pair[0], $0.baseAddress, $0.count, 0) }

    let worker = TestHost.request
    worker.connection.attach(fd: pair[1], timeoutSeconds: 5)
    let mark = LogCapture.shared.mark()
    var decoder = RequestHeadDecoder()
    let head = try worker.connection.readFrame()
    try decoder.decode(head.payload)
    var times = RequestTimes()
    times.requestStart = 1_700_000_000_000_000
    times.queueStart = 1_700_000_000_500_000
    let outcome = worker.run(head: decoder, payload: head.payload, times: times)
    worker.connection.close()

    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(pair[0], $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        received += buffer[0..<n]
    }
    return Served(response: try DecodedResponse.decode(received), outcome: outcome, logs: LogCapture.shared.since(mark))
}
