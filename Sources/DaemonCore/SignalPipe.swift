// The main thread after start-up: waits for a signal (forwarded through a pipe by a C handler, see
// worker_sys.h for why not a signalfd) or a stop request from another thread.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Logging

final class SignalPipe {
    private let readFD: Int32
    private let writeFD: Int32

    /// Installs the handlers for `signals`; call before any thread starts.
    init(routing signals: [Int32]) throws {
        var fds: [Int32] = [-1, -1]
        guard worker_sys_pipe_cloexec(&fds, 1) == 0 else {
            throw WorkerError.setup("signal pipe: \(String(cString: strerror(errno)))")
        }
        readFD = fds[0]
        writeFD = fds[1]
        guard worker_sys_route_signals(writeFD, signals, Int32(signals.count)) == 0 else {
            throw WorkerError.setup("signal handlers: \(String(cString: strerror(errno)))")
        }
    }

    /// Blocks until the process should stop, and says why. SIGHUP and SIGUSR2 do not stop it:
    /// as under mod_wsgi they go to `onUserSignal` (the Python process_signal event).
    func waitForStop(control: WorkerControl, logger: Logger,
                     onUserSignal: (Int32, String) -> Void = { _, _ in }) -> StopReason {
        var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: control.requestReadFD, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                logger.error("poll failed in the main thread: \(String(cString: strerror(errno))); stopping.")
                return .shutdownSignal
            }
            if fds[1].revents != 0 {
                var byte: UInt8 = 0
                if read(control.requestReadFD, &byte, 1) == 1, let reason = StopReason(rawValue: byte) { return reason }
            }
            if fds[0].revents != 0 {
                var byte: UInt8 = 0
                while read(readFD, &byte, 1) == 1 {
                    switch Int32(byte) {
                    case SIGTERM, SIGINT: return .shutdownSignal
                    case SIGUSR1: return .gracefulSignal
                    case SIGXCPU: return .cpuTimeLimit
                    case SIGHUP: onUserSignal(SIGHUP, "SIGHUP")
                    case SIGUSR2: onUserSignal(SIGUSR2, "SIGUSR2")
                    default: break
                    }
                }
            }
        }
    }
}
