// One pinned PyThreadState per worker thread in the main interpreter (spike §1: a fresh thread
// state per request is 5-8x slower and resets threading.local). A thread's states in the
// sub-interpreters are kept the same way, by SubInterpreters.threadState(in:).
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
        PyEval_RestoreThread(saved)
        defer { saved = PyEval_SaveThread() }
        return try body()
    }
}

/// Releases the GIL around blocking work (socket I/O) while inside `withGIL`.
@inline(__always)
func withoutGIL<T>(_ body: () throws -> T) rethrows -> T {
    let state = PyEval_SaveThread()
    defer { PyEval_RestoreThread(state) }
    return try body()
}
