// State shared by the worker's threads: why and whether the process is stopping, and counters.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Synchronization

/// Why a worker process stops (mod_wsgi's process_stopping reasons).
enum StopReason: UInt8 {
    case shutdownSignal = 1
    case maximumRequests = 2
    case scriptReload = 3
    case gracefulSignal = 4
    case restartInterval = 5
    case inactivityTimeout = 6
    case requestTimeout = 7
    case deadlockTimeout = 8
    case evictionSignal = 9
    case cpuTimeLimit = 10
    case startupTimeout = 11

    var text: String {
        switch self {
        case .shutdownSignal: return "shutdown signal"
        case .maximumRequests: return "maximum requests reached"
        case .scriptReload: return "script reloaded"
        case .gracefulSignal: return "graceful restart signal"
        case .restartInterval: return "restart interval expired"
        case .inactivityTimeout: return "inactivity timeout expired"
        case .requestTimeout: return "request timeout expired"
        case .deadlockTimeout: return "deadlock timeout expired"
        case .evictionSignal: return "eviction requested"
        case .cpuTimeLimit: return "exceeded CPU time limit"
        case .startupTimeout: return "application startup timer expired"
        }
    }
}

final class WorkerControl: Sendable {
    let stopping = Atomic<Bool>(false)
    let runningThreads = Atomic<Int>(0)
    let activeRequests = Atomic<Int>(0)
    let handledRequests = Atomic<Int>(0)
    /// Readable once stopping: accept loops poll it next to the listening socket.
    let stopReadFD: Int32
    private let stopWriteFD: Int32
    /// Worker threads ask the main thread to stop the process through this pipe (one reason byte).
    let requestReadFD: Int32
    private let requestWriteFD: Int32
    private let requested = Atomic<Bool>(false)
    /// When each request thread's current request started (monotonic microseconds, 0 = idle).
    let requestStarts: Mutex<[Int64]>
    /// Each request thread's PyThread ident (0 until the thread has started).
    let threadIdents: Mutex<[UInt]>
    /// The last request start or end, for inactivity-timeout.
    let lastActivity = Atomic<Int64>(0)
    /// When the first request started (monotonic microseconds, 0 = none yet): startup-timeout counts from it.
    let firstRequestStart = Atomic<Int64>(0)

    init(threads: Int) throws {
        requestStarts = Mutex([Int64](repeating: 0, count: max(threads, 1)))
        threadIdents = Mutex([UInt](repeating: 0, count: max(threads, 1)))
        lastActivity.store(WorkerClock.monotonicMicroseconds(), ordering: .relaxed)
        var stopPipe: [Int32] = [-1, -1]
        var requestPipe: [Int32] = [-1, -1]
        guard worker_sys_pipe_cloexec(&stopPipe, 0) == 0, worker_sys_pipe_cloexec(&requestPipe, 1) == 0 else {
            throw WorkerError.setup("pipe2 failed: \(String(cString: strerror(errno)))")
        }
        stopReadFD = stopPipe[0]
        stopWriteFD = stopPipe[1]
        requestReadFD = requestPipe[0]
        requestWriteFD = requestPipe[1]
    }

    func requestStarted(thread: Int) {
        let now = WorkerClock.monotonicMicroseconds()
        _ = firstRequestStart.compareExchange(expected: 0, desired: now, ordering: .relaxed)
        requestStarts.withLock { $0[thread] = now }
    }

    /// `countsAsActivity` is false for requests under WSGIIgnoreActivity: they do not put off
    /// inactivity-timeout. (While any request runs the process is not idle anyway.)
    func requestFinished(thread: Int, countsAsActivity: Bool) {
        requestStarts.withLock { $0[thread] = 0 }
        if countsAsActivity { lastActivity.store(WorkerClock.monotonicMicroseconds(), ordering: .relaxed) }
    }

    /// Called by a request thread: asks the main thread to stop the process (first reason wins).
    func requestStop(_ reason: StopReason) {
        guard requested.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        var byte = reason.rawValue
        _ = write(requestWriteFD, &byte, 1)
    }

    /// Accept loops stop taking connections. The main thread calls it when the process stops; a
    /// request thread that found its script changed calls it at once (see WSGIRequest).
    func beginStopping() {
        guard stopping.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            return
        }
        var byte: UInt8 = 1
        _ = write(stopWriteFD, &byte, 1)
    }
}

enum WorkerError: Error, CustomStringConvertible {
    case setup(String)
    var description: String {
        switch self {
        case .setup(let message): return message
        }
    }
}
