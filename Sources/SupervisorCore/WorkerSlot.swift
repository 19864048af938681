#if canImport(Glibc)
import Glibc
#endif

/// One place in a group for a worker process: who runs in it now, since when, how often it
/// was restarted, and when an empty slot is due to be filled again.
struct WorkerSlot {
    let groupIndex: Int
    let slot: Int

    private(set) var pid: pid_t?
    private(set) var startedAt = 0.0
    private var everStarted = false
    /// Respawns after the first start.
    private(set) var restartCount = 0
    var backoff = RestartBackoff()
    /// When an empty slot gets a new worker (monotonic seconds); nil while one runs.
    var restartDue: Double? = 0
    /// Set when we asked the worker to stop: its exit is expected and it restarts at once.
    private(set) var stopRequested = false
    /// After a recycle request, when we give up waiting and send SIGKILL.
    private(set) var killDeadline: Double?

    init(groupIndex: Int, slot: Int) {
        self.groupIndex = groupIndex
        self.slot = slot
    }

    var isRunning: Bool { pid != nil }

    mutating func started(pid: pid_t, at now: Double) {
        countStart()
        self.pid = pid
        startedAt = now
        restartDue = nil
        stopRequested = false
        killDeadline = nil
    }

    /// Records the death; returns how long the worker lived.
    mutating func ended(at now: Double) -> Double {
        pid = nil
        killDeadline = nil
        return now - startedAt
    }

    mutating func requestStop(killDeadline deadline: Double?) {
        stopRequested = true
        killDeadline = deadline
    }

    /// A spawn that failed counts as a start (for the restart count) and an instant death.
    mutating func spawnFailed(at now: Double) {
        countStart()
        startedAt = now
        restartDue = nil
    }

    private mutating func countStart() {
        if everStarted { restartCount += 1 }
        everStarted = true
    }
}
