#if canImport(Glibc)
import Glibc
#endif
import CSysShim

/// The signals the supervisor acts on, read from a signalfd in its poll loop: no handlers, no
/// global state, and nothing is lost while the loop is busy (they stay pending until read).
final class SignalInbox {
    static let watched: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1]

    private let fd: Int32

    /// Blocks the watched signals for this thread (the only one) and opens the signalfd.
    init() throws(SystemError) {
        var mask = sigset_t()
        let rc = Self.watched.withUnsafeBufferPointer { list in
            sys_block_signals(list.baseAddress, Int32(list.count), 1, &mask)
        }
        guard rc == 0 else { throw SystemError("block signals", code: rc) }
        fd = sys_signalfd_create(&mask)
        guard fd >= 0 else { throw SystemError("signalfd") }
    }

    deinit { close(fd) }

    /// Waits until a signal arrives or `timeoutMilliseconds` pass, then returns every signal
    /// pending, in arrival order (possibly none).
    func wait(timeoutMilliseconds: Int32) -> [Int32] {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        // EINTR just ends the wait early; the caller's loop re-computes its timers.
        _ = poll(&entry, 1, timeoutMilliseconds)
        var received: [Int32] = []
        while true {
            let signal = sys_signalfd_read(fd)
            if signal <= 0 { break }
            received.append(signal)
        }
        return received
    }
}
