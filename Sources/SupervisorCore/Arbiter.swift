#if canImport(Glibc)
import Glibc
#endif
import Logging
import WireProtocol

/// The supervisor's loop, in the manner of gunicorn's arbiter: wait for a signal or a timer,
/// handle the signals, reap dead workers, start the workers that are due. Single-threaded;
/// every state change happens here.
final class Arbiter {
    private enum Phase {
        case running
        /// SIGTERM sent to every worker; SIGKILL the rest at `deadline`.
        case stopping(deadline: Double)
        /// SIGKILL sent; the kernel hands back the dead almost at once, but never wait forever.
        case killing(deadline: Double)
        case finished
    }

    static let parentCheckInterval = 1.0
    static let killGrace = 2.0

    private let config: SupervisorConfig
    private let sockets: [ListeningSocket]
    private let workerConfigs: [Int32]
    private let spawner: WorkerSpawner
    private let inbox: SignalInbox
    private let logger = Logger(label: "mod_wsgi")
    private var slots: [WorkerSlot] = []
    private var phase = Phase.running
    private var nextParentCheck = 0.0

    /// `sockets[i]` is the listening socket of `config.groups[i]`, and `workerConfigs[i]` the sealed
    /// config its workers read.
    init(config: SupervisorConfig, sockets: [ListeningSocket], workerConfigs: [Int32], spawner: WorkerSpawner,
         inbox: SignalInbox) {
        self.config = config
        self.sockets = sockets
        self.workerConfigs = workerConfigs
        self.spawner = spawner
        self.inbox = inbox
        for (groupIndex, group) in config.groups.enumerated() {
            for slot in 0..<max(group.processes, 1) {
                slots.append(WorkerSlot(groupIndex: groupIndex, slot: slot))
            }
        }
    }

    /// Runs until stopped by a signal or by Apache's parent going away; then every worker has
    /// been reaped and every socket file removed.
    func run() {
        while !isFinished {
            let signals = inbox.wait(timeoutMilliseconds: millisecondsUntilNextTimer())
            for signal in signals { handle(signal: signal) }
            reapWorkers()
            let now = MonotonicClock.now()
            checkParent(now: now)
            switch phase {
            case .running:
                startDueWorkers(now: now)
                killWorkersPastRecycleDeadline(now: now)
            case .stopping, .killing:
                advanceStop(now: now)
            case .finished:
                break
            }
        }
        for socket in sockets { socket.closeAndRemove() }
        logger.notice("supervisor pid \(getpid()) stopped")
    }

    private var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    // MARK: signals

    private func handle(signal: Int32) {
        switch signal {
        case SIGTERM, SIGINT:
            beginStop(reason: "received \(WorkerDeath.signalName(signal))")
        case SIGHUP, SIGUSR1:
            recycleAll(reason: "received \(WorkerDeath.signalName(signal))")
        default:
            break  // SIGCHLD: reaping happens on every turn anyway.
        }
    }

    private func beginStop(reason: String) {
        guard case .running = phase else { return }
        let now = MonotonicClock.now()
        let running = slots.indices.filter { slots[$0].isRunning }
        logger.notice("supervisor stopping (\(reason)): asking \(running.count) worker(s) to exit")
        for index in slots.indices {
            slots[index].restartDue = nil
            if let pid = slots[index].pid {
                slots[index].requestStop(killDeadline: nil)
                kill(pid, SIGTERM)
            }
        }
        phase = .stopping(deadline: now + stopTimeout)
        advanceStop(now: now)
    }

    /// The longest shutdown-timeout of any group: how long workers get before SIGKILL.
    /// shutdown-timeout=0 turns off the worker's own cap, not ours, so it counts as the default.
    var stopTimeout: Double {
        Double(Self.effectiveShutdownTimeout(config.groups.map(\.shutdownTimeout).max() ?? 0))
    }

    static func effectiveShutdownTimeout(_ seconds: Int) -> Int { seconds > 0 ? seconds : 5 }

    private func advanceStop(now: Double) {
        let running = slots.filter(\.isRunning)
        if running.isEmpty {
            phase = .finished
            return
        }
        switch phase {
        case .stopping(let deadline) where now >= deadline:
            for slot in running {
                logger.error("\(describe(slot)) did not exit within \(Int(stopTimeout)) s of SIGTERM; sending SIGKILL")
                if let pid = slot.pid { kill(pid, SIGKILL) }
            }
            phase = .killing(deadline: now + Self.killGrace)
        case .killing(let deadline) where now >= deadline:
            let pids = running.compactMap(\.pid).map(String.init).joined(separator: ", ")
            logger.error("supervisor exiting without reaping worker pid(s) \(pids): still alive after SIGKILL")
            phase = .finished
        default:
            break
        }
    }

    /// Asks every worker to finish its requests and exit (SIGUSR1, a worker's graceful stop, as in
    /// mod_wsgi); each is replaced at once, without backoff. Slots waiting out a backoff are filled
    /// at once too: an operator who recycles has usually fixed something.
    private func recycleAll(reason: String) {
        guard case .running = phase else { return }
        let now = MonotonicClock.now()
        logger.notice("supervisor recycling all workers (\(reason)): asking them to finish their requests and exit")
        for index in slots.indices {
            slots[index].backoff.reset()
            guard let pid = slots[index].pid else {
                slots[index].restartDue = now
                continue
            }
            // The worker may drain for graceful-timeout, then stop within shutdown-timeout.
            let group = config.groups[slots[index].groupIndex]
            let patience = group.gracefulTimeout + Self.effectiveShutdownTimeout(group.shutdownTimeout)
            slots[index].requestStop(killDeadline: now + Double(patience))
            kill(pid, SIGUSR1)
        }
    }

    // MARK: workers

    private func reapWorkers() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 {
                workerEnded(pid: pid, status: status)
            } else if pid < 0 && errno == EINTR {
                continue
            } else {
                return  // 0: none left to reap now; ECHILD: no children at all.
            }
        }
    }

    private func workerEnded(pid: pid_t, status: Int32) {
        guard let index = slots.firstIndex(where: { $0.pid == pid }) else {
            logger.debug("supervisor reaped pid \(pid), which is not one of its workers")
            return
        }
        let now = MonotonicClock.now()
        let death = WorkerDeath(status: status)
        let expected = slots[index].stopRequested
        let description = describe(slots[index])
        let lifetime = slots[index].ended(at: now)
        var message = "\(description) ended after \(Self.duration(lifetime)): \(death)"
        if case .running = phase {
            // A clean exit is a recycle (ours or the worker's own, e.g. maximum-requests): no backoff.
            let delay: Double
            if expected || death.isCleanExit {
                slots[index].backoff.reset()
                delay = 0
            } else {
                delay = slots[index].backoff.delayAfterDeath(lifetime: lifetime)
            }
            slots[index].restartDue = now + delay
            message += delay > 0 ? "; restarting in \(Self.duration(delay))" : "; restarting"
        }
        if death.isCleanExit {
            logger.info("\(message)")
        } else {
            logger.error("\(message)")
        }
    }

    private func startDueWorkers(now: Double) {
        for index in slots.indices where !slots[index].isRunning {
            if let due = slots[index].restartDue, due <= now { start(slotIndex: index, now: now) }
        }
    }

    private func start(slotIndex index: Int, now: Double) {
        let group = config.groups[slots[index].groupIndex]
        let slot = slots[index].slot
        do {
            let groupIndex = slots[index].groupIndex
            let pid = try spawner.spawn(group: group, slot: slot, listenFD: sockets[groupIndex].fd,
                                        configFD: workerConfigs[groupIndex])
            slots[index].started(pid: pid, at: now)
            let restarts = slots[index].restartCount
            logger.info("starting worker pid \(pid) for group \(group.name) slot \(slot)\(restarts > 0 ? " (restart \(restarts))" : "")")
        } catch {
            slots[index].spawnFailed(at: now)
            let delay = slots[index].backoff.delayAfterDeath(lifetime: 0)
            slots[index].restartDue = now + delay
            logger.error("cannot start worker for group \(group.name) slot \(slot): \(error); retrying in \(Self.duration(delay))")
        }
    }

    private func killWorkersPastRecycleDeadline(now: Double) {
        for index in slots.indices {
            guard let pid = slots[index].pid, let deadline = slots[index].killDeadline, now >= deadline else { continue }
            let worker = describe(slots[index])
            logger.error("\(worker) did not exit within its graceful-timeout and shutdown-timeout after a recycle; sending SIGKILL")
            slots[index].requestStop(killDeadline: nil)
            kill(pid, SIGKILL)
        }
    }

    // MARK: Apache's parent

    /// PR_SET_PDEATHSIG covers most cases; this also catches a parent that died before we set it.
    private func checkParent(now: Double) {
        guard config.serverPID > 0, now >= nextParentCheck else { return }
        nextParentCheck = now + Self.parentCheckInterval
        if getppid() != config.serverPID {
            if case .running = phase { logger.error("Apache parent process \(config.serverPID) is gone") }
            beginStop(reason: "Apache parent process \(config.serverPID) is gone")
        }
    }

    // MARK: timers

    private func millisecondsUntilNextTimer() -> Int32 {
        let now = MonotonicClock.now()
        var next = now + Self.parentCheckInterval
        if config.serverPID > 0 { next = min(next, nextParentCheck) }
        switch phase {
        case .running:
            for slot in slots {
                if !slot.isRunning, let due = slot.restartDue { next = min(next, due) }
                if slot.isRunning, let deadline = slot.killDeadline { next = min(next, deadline) }
            }
        case .stopping(let deadline), .killing(let deadline):
            next = min(next, deadline)
        case .finished:
            return 0
        }
        let milliseconds = ((next - now) * 1000).rounded(.up)
        return Int32(max(0, min(milliseconds, 1000)))
    }

    // MARK: words for the log

    private func describe(_ slot: WorkerSlot) -> String {
        let name = config.groups[slot.groupIndex].name
        return "worker pid \(slot.pid ?? 0) for group \(name) slot \(slot.slot)"
    }

    /// "15 ms", "400 ms", "12.3 s": short and readable without Foundation's formatting.
    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return "\(Int((seconds * 1000).rounded())) ms" }
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
