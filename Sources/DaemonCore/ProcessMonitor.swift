// The worker's timers, checked once a second: restart-interval, inactivity-timeout,
// request-timeout, deadlock-timeout and startup-timeout. Each one asks the main thread to stop the process; the
// supervisor then starts a fresh one.
#if canImport(Glibc)
import Glibc
#endif
import Logging
import PythonHost
import Synchronization
import WireProtocol

struct MonitorSettings {
    var groupName: String
    var threads: Int
    var restartInterval: Int
    var inactivityTimeout: Int
    var requestTimeout: Int
    var deadlockTimeout: Int
    var interruptTimeout: Int
    var startupTimeout: Int

    init(group: DaemonGroupConfig) {
        groupName = group.name
        threads = max(1, group.threads)
        restartInterval = group.restartInterval
        inactivityTimeout = group.inactivityTimeout
        requestTimeout = group.requestTimeout
        deadlockTimeout = group.deadlockTimeout
        interruptTimeout = group.number("interrupt-timeout")
        startupTimeout = group.startupTimeout
    }

    /// mod_wsgi lets a request run request-timeout × (1 + ln(threads)) before the process gives up
    /// on it, so a busy multi-threaded process is not recycled for one slow request too early.
    var requestTimeoutMicroseconds: Int64 {
        Int64(Double(requestTimeout) * (1 + log(Double(threads))) * 1_000_000)
    }
}

final class ProcessMonitor: Sendable {
    private let settings: MonitorSettings
    private let control: WorkerControl
    private let interpreter: PythonInterpreter
    /// When the GIL was last taken by the probe thread (microseconds).
    private let lastGIL = Atomic<Int64>(0)
    private let started = WorkerClock.monotonicMicroseconds()

    init(settings: MonitorSettings, control: WorkerControl, interpreter: PythonInterpreter) {
        self.settings = settings
        self.control = control
        self.interpreter = interpreter
    }

    func start() {
        lastGIL.store(WorkerClock.monotonicMicroseconds(), ordering: .relaxed)
        if settings.deadlockTimeout > 0 {
            // Counted as a running thread so Python is not finalized under it.
            control.runningThreads.add(1, ordering: .sequentiallyConsistent)
            if startDetachedThread({ [self] in
                self.probeGIL()
                self.control.runningThreads.subtract(1, ordering: .sequentiallyConsistent)
            }) != 0 {
                control.runningThreads.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
        if settings.restartInterval > 0 || settings.inactivityTimeout > 0 || settings.requestTimeout > 0
            || settings.deadlockTimeout > 0 || settings.startupTimeout > 0 {
            // Counted too: it may take the GIL to inject RequestTimeout, so Python is not
            // finalized until it has left.
            control.runningThreads.add(1, ordering: .sequentiallyConsistent)
            if startDetachedThread({ [self] in
                self.watch()
                self.control.runningThreads.subtract(1, ordering: .sequentiallyConsistent)
            }) != 0 {
                control.runningThreads.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Takes and releases the GIL once a second; a GIL held for too long stalls the timestamp.
    private func probeGIL() {
        let state = PinnedThreadState()
        while waitOneSecond() {
            state.withGIL { }
            lastGIL.store(WorkerClock.monotonicMicroseconds(), ordering: .relaxed)
        }
    }

    private func watch() {
        let logger = Logger(label: "mod_wsgi")
        var interrupts = InterruptLedger()
        while waitOneSecond() {
            let now = WorkerClock.monotonicMicroseconds()
            if let reason = expiredTimer(now: now) ?? overdueRequests(now: now, interrupts: &interrupts, logger: logger) {
                logger.warning("Daemon process '\(settings.groupName)': \(reason.text); restarting the process.")
                control.requestStop(reason)
                return
            }
        }
    }

    /// Which overdue request got RequestTimeout injected, and when.
    struct InterruptLedger {
        var injected: [Int: (start: Int64, at: Int64)] = [:]
    }

    /// request-timeout: with interrupt-timeout, first inject mod_wsgi.RequestTimeout into the
    /// overdue thread and restart only if it is still running interrupt-timeout later; without it,
    /// restart straight away.
    private func overdueRequests(now: Int64, interrupts: inout InterruptLedger, logger: Logger) -> StopReason? {
        guard settings.requestTimeout > 0 else { return nil }
        let limit = settings.requestTimeoutMicroseconds
        let starts = control.requestStarts.withLock { $0 }
        for (thread, start) in starts.enumerated() where start > 0 && now - start > limit {
            guard settings.interruptTimeout > 0 else { return .requestTimeout }
            if let previous = interrupts.injected[thread], previous.start == start {
                if now - previous.at > Int64(settings.interruptTimeout) * 1_000_000 { return .requestTimeout }
                continue
            }
            let ident = control.threadIdents.withLock { $0[thread] }
            let injected = interpreter.injectRequestTimeout(threadIdent: ident) {
                control.requestStarts.withLock { $0[thread] } == start
            }
            if injected {
                interrupts.injected[thread] = (start, now)
                // Numbered from 1, as mod_wsgi.thread_id and mod_wsgi's own log line count.
                logger.info("Injected RequestTimeout into thread \(thread + 1) of daemon process '\(settings.groupName)'.")
            }
        }
        return nil
    }

    /// The first process-wide timer that has expired at `now`, if any.
    func expiredTimer(now: Int64) -> StopReason? {
        if settings.deadlockTimeout > 0 && now - lastGIL.load(ordering: .relaxed) > Int64(settings.deadlockTimeout) * 1_000_000 {
            return .deadlockTimeout
        }
        if settings.restartInterval > 0 && now - started >= Int64(settings.restartInterval) * 1_000_000 {
            return .restartInterval
        }
        // startup-timeout: counted from the first request; a script loaded since cancels it.
        let firstRequest = control.firstRequestStart.load(ordering: .relaxed)
        if settings.startupTimeout > 0 && firstRequest > 0 && ScriptLoads.succeeded.load(ordering: .relaxed) == 0
            && now - firstRequest >= Int64(settings.startupTimeout) * 1_000_000 {
            return .startupTimeout
        }
        if settings.inactivityTimeout > 0 && control.activeRequests.load(ordering: .relaxed) == 0
            && now - control.lastActivity.load(ordering: .relaxed) >= Int64(settings.inactivityTimeout) * 1_000_000 {
            return .inactivityTimeout
        }
        return nil
    }

    /// Sleeps up to one second; false once the process is stopping.
    private func waitOneSecond() -> Bool {
        var descriptor = pollfd(fd: control.stopReadFD, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, 1000)
        return !control.stopping.load(ordering: .relaxed)
    }
}
