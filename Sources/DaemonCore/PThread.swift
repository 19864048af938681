// Starting pthreads from library code: a closure literal in main.swift would be inferred
// @MainActor and trap at run time on the new thread (spike §2).
#if canImport(Glibc)
import Glibc
#endif

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Starts a detached pthread running `body`, with a stack of `stackSize` bytes (0 = the system's
/// default). Returns 0, or the errno-style code of the failure.
func startDetachedThread(stackSize: Int = 0, _ body: sending @escaping () -> Void) -> Int32 {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    if stackSize > 0 {
        let rc = pthread_attr_setstacksize(&attributes, stackSize)
        if rc != 0 { return rc }
    }
    let rc = pthread_create(&thread, &attributes, { context in
        let body = Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue()
        body.run()
        return nil
    }, box)
    if rc != 0 { Unmanaged<ThreadBody>.fromOpaque(box).release() }
    return rc
}
