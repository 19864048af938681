// The request threads: each owns one pinned Python thread state and one connection buffer, and
// takes connections from the group's listening socket (fd 3, shared with the group's other
// processes). Only one thread per process waits in accept at a time, so a process takes a
// connection only when it has a free thread; the others stay in the backlog for other processes.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Logging
import PythonHost
import WireProtocol

final class AcceptLoop: @unchecked Sendable {
    // @unchecked: acceptLock is a pthread mutex used only through lock/unlock; the rest is immutable.
    private let listenFD: Int32
    private let interpreter: PythonInterpreter
    private let settings: ConnectionSettings
    private let control: WorkerControl
    private let maximumRequests: Int
    /// Each request thread's stack (stack-size=), 0 = the system's default.
    private let stackSize: Int
    private let acceptLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let logger = Logger(label: "mod_wsgi")

    init(listenFD: Int32, interpreter: PythonInterpreter, settings: ConnectionSettings, control: WorkerControl,
         maximumRequests: Int, stackSize: Int) {
        self.listenFD = listenFD
        self.stackSize = stackSize
        self.interpreter = interpreter
        self.settings = settings
        self.control = control
        self.maximumRequests = maximumRequests
        pthread_mutex_init(acceptLock, nil)
        // A thread that lost the race for a connection to another process must not sleep in
        // accept() forever: with a receive timeout it comes back to check for shutdown.
        var wake = timeval(tv_sec: 1, tv_usec: 0)
        _ = setsockopt(listenFD, SOL_SOCKET, SO_RCVTIMEO, &wake, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Why `fd` cannot be the group's listening socket, or nil when it is one.
    static func listenerProblem(_ fd: Int32) -> String? {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 else {
            return "file descriptor \(fd) is not a socket: \(String(cString: strerror(errno)))"
        }
        return accepting == 0 ? "file descriptor \(fd) is a socket that is not listening" : nil
    }

    /// Starts `count` request threads; returns how many started.
    func start(threads count: Int) -> Int {
        var started = 0
        for index in 0..<count {
            control.runningThreads.add(1, ordering: .sequentiallyConsistent)
            let rc = startDetachedThread(stackSize: stackSize) { [self] in
                self.run(threadIndex: index)
                self.control.runningThreads.subtract(1, ordering: .sequentiallyConsistent)
            }
            if rc != 0 {
                control.runningThreads.subtract(1, ordering: .sequentiallyConsistent)
                logger.error("Could not start request thread \(index): \(String(cString: strerror(rc))).")
                break
            }
            started += 1
        }
        return started
    }

    private func run(threadIndex: Int) {
        let request = WSGIRequest(interpreter: interpreter, threadIndex: threadIndex, connection: FrameConnection())
        request.beforeScriptReload = { [control] in control.beginStopping() }
        let handler = ConnectionHandler(request: request, settings: settings, control: control)
        control.threadIdents.withLock { $0[threadIndex] = request.pythonThreadIdent }
        while let fd = nextConnection() {
            // A refused connection is no request: it counts for nothing below.
            guard handler.admit(fd: fd) else { continue }
            control.activeRequests.add(1, ordering: .relaxed)
            control.requestStarted(thread: threadIndex)
            let outcome = handler.serve()
            control.requestFinished(thread: threadIndex, countsAsActivity: !handler.requestIgnoresActivity)
            control.activeRequests.subtract(1, ordering: .relaxed)
            switch outcome {
            case .scriptReloaded:
                control.requestStop(.scriptReload)
            case .connectionFailed(let why):
                logger.debug("Connection ended early: \(why)")
            case .completed:
                break
            }
            let handled = control.handledRequests.add(1, ordering: .relaxed).newValue
            if maximumRequests > 0 && handled >= maximumRequests {
                control.requestStop(.maximumRequests)
            }
        }
    }

    /// The next accepted connection, or nil once the process is stopping.
    private func nextConnection() -> Int32? {
        pthread_mutex_lock(acceptLock)
        defer { pthread_mutex_unlock(acceptLock) }
        var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: control.stopReadFD, events: Int16(POLLIN), revents: 0)]
        while true {
            if control.stopping.load(ordering: .relaxed) { return nil }
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.error("poll on the listening socket failed: \(String(cString: strerror(errno))).")
                return nil
            }
            if fds[1].revents != 0 { return nil }
            if fds[0].revents & Int16(POLLIN) == 0 {
                if fds[0].revents != 0 {
                    logger.error("The listening socket reported an error (revents \(fds[0].revents)).")
                    return nil
                }
                continue
            }
            let fd = sys_accept_cloexec(listenFD)
            if fd >= 0 { return fd }
            switch errno {
            case EAGAIN, EWOULDBLOCK, ECONNABORTED, EINTR:
                continue   // another process took it, or the client gave up
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                logger.error("accept failed: \(String(cString: strerror(errno))); retrying shortly.")
                usleep(100_000)
            default:
                logger.error("accept on the listening socket failed: \(String(cString: strerror(errno))).")
                return nil
            }
        }
    }
}
