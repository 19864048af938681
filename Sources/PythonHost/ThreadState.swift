// One pinned PyThreadState per worker thread in the main interpreter (spike §1: a fresh thread
// state per request is 5-8x slower and resets threading.local). A thread's states in the
// sub-interpreters are kept the same way, by SubInterpreters.threadState(in:).
#if canImport(Glibc)
import Glibc
#endif
import CPyShim
import CPython

public final class PinnedThreadState {
    private var saved: UnsafeMutablePointer<PyThreadState>?

    /// Creates this thread's state; call on the thread that will use it. The GIL is not held
    /// afterwards.
    public init() {
        _ = PyGILState_Ensure()
        saved = PyEval_SaveThread()
    }

    /// Runs `body` holding the GIL.
    @inline(__always)
    public func withGIL<T>(_ body: () throws -> T) rethrows -> T {
        restoreTimed(saved)
        defer { saved = PyEval_SaveThread() }
        return try body()
    }
}

/// Releases the GIL around blocking work (socket I/O) while inside `withGIL`.
@inline(__always)
func withoutGIL<T>(_ body: () throws -> T) rethrows -> T {
    let state = PyEval_SaveThread()
    defer { restoreTimed(state) }
    return try body()
}

/// Takes the GIL back, adding the wait to this thread's GIL-wait figures (request_finished's
/// gil_wait_time/count and request_metrics()).
@inline(__always)
private func restoreTimed(_ state: UnsafeMutablePointer<PyThreadState>?) {
    let before = monotonicMicroseconds()
    PyEval_RestoreThread(state)
    swpy_gil_wait_record(monotonicMicroseconds() - before)
}

/// Microseconds on the monotonic clock, for durations.
@inline(__always)
func monotonicMicroseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
}
