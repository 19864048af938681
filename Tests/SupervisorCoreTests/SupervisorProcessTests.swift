#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import SupervisorCore
import XCTest

/// The real supervisor loop in a child process, supervising fake workers (see SupervisorHarness):
/// what an operator sees in the error log, in `ps` and on the file system.
final class SupervisorProcessTests: XCTestCase {
    private var harness: SupervisorHarness!

    override func setUpWithError() throws {
        harness = try SupervisorHarness()
    }

    override func tearDown() {
        harness.cleanUp()
    }

    func testCrashingWorkerIsRestartedWithGrowingDelay() throws {
        try harness.writeConfig(groups: [("crashy", [:])])
        try harness.start()
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "crashy").count >= 5 }, harness.log)

        let starts = harness.starts(group: "crashy")
        guard starts.count >= 5 else { return }
        XCTAssertEqual(Set(starts.map(\.pid)).count, starts.count, "every restart is a new process")
        let gaps = zip(starts.dropFirst(), starts).map { $0.time - $1.time }
        // A restart never comes before its delay; later ones wait visibly longer.
        for (gap, delay) in zip(gaps, [0.1, 0.2, 0.4, 0.8]) {
            XCTAssertGreaterThanOrEqual(gap, delay, "gaps \(gaps)")
        }
        XCTAssertGreaterThan(gaps[3], gaps[0] + 0.5, "gaps \(gaps)")

        let log = harness.log
        let first = starts[0].pid
        XCTAssertTrue(log.contains("[wsgi:info]"), log)
        XCTAssertTrue(log.contains("starting worker pid \(first) for group crashy slot 0"), log)
        XCTAssertTrue(log.contains("[wsgi:error]"), log)
        XCTAssertTrue(log.contains("worker pid \(first) for group crashy slot 0 ended after "), log)
        XCTAssertTrue(log.contains(": exit code 3; restarting in 100 ms"), log)
        XCTAssertTrue(log.contains(": exit code 3; restarting in 200 ms"), log)
        XCTAssertTrue(log.contains(": exit code 3; restarting in 400 ms"), log)
        XCTAssertTrue(log.contains("starting worker pid \(starts[1].pid) for group crashy slot 0 (restart 1)"), log)
        XCTAssertTrue(log.contains("starting worker pid \(starts[4].pid) for group crashy slot 0 (restart 4)"), log)

        // The slot now waits 1.6 s; a recycle (SIGHUP) starts it again at once.
        let recycledAt = Date().timeIntervalSince1970
        harness.signal(SIGHUP)
        XCTAssertTrue(waitUntil(seconds: 5) { self.harness.starts(group: "crashy").count >= 6 }, harness.log)
        let next = try XCTUnwrap(harness.starts(group: "crashy").dropFirst(5).first)
        XCTAssertLessThan(next.time - recycledAt, 1.0, "recycle must not wait out the backoff")

        harness.signal(SIGTERM)
        XCTAssertEqual(harness.waitForExit(seconds: 8)?.description, "exit code 0", harness.log)
    }

    func testKilledWorkerIsReplacedRecycleReplacesAllAndStopCleansUp() throws {
        try harness.writeConfig(groups: [("site", ["processes": "2"])])
        try harness.start()
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "site").count == 2 }, harness.log)

        // The socket: mode 0600, owned by Apache's user, inherited by every worker as fd 3.
        let socketPath = harness.socketPath("site")
        let info = try fileStatus(socketPath)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        if geteuid() == 0 {
            XCTAssertEqual(info.st_uid, 33)
            XCTAssertEqual(info.st_gid, 33)
        }
        let original = harness.starts(group: "site")
        XCTAssertEqual(Set(original.map(\.slot)), [0, 1])
        // The kernel lists a socket under the name it was bound to, before the rename into place.
        let listener = try XCTUnwrap(socketInode(boundTo: socketPath + ListeningSocket.setupSuffix),
                                     "socket not in /proc/net/unix")
        XCTAssertEqual(Set(original.map(\.fd3)), ["socket:[\(listener)]"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/proc/\(harness.pid)/fd/2"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(harness.pid)/fd/\(SupervisorHarness.inheritedFD)"),
                       "the supervisor closes descriptors inherited from Apache")

        // SIGKILL one worker: its slot gets a new process and the log names the signal.
        let victim = try XCTUnwrap(original.first { $0.slot == 0 })
        kill(victim.pid, SIGKILL)
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "site", slot: 0).count == 2 }, harness.log)
        let replacement = try XCTUnwrap(harness.starts(group: "site", slot: 0).last)
        XCTAssertNotEqual(replacement.pid, victim.pid)
        var log = harness.log
        XCTAssertTrue(log.contains("worker pid \(victim.pid) for group site slot 0 ended after "), log)
        XCTAssertNotEqual(harness.logLine(containing: "[wsgi:error]", "worker pid \(victim.pid) for group site slot 0",
                                          ": killed by signal SIGKILL (9); restarting"), "", log)
        XCTAssertTrue(log.contains("starting worker pid \(replacement.pid) for group site slot 0"), log)

        // SIGHUP recycles both: they exit 0 (logged at info) and are replaced at once.
        let current = [replacement.pid, try XCTUnwrap(original.first { $0.slot == 1 }).pid]
        harness.signal(SIGHUP)
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "site").count == 5 }, harness.log)
        log = harness.log
        XCTAssertTrue(log.contains("supervisor recycling all workers (received SIGHUP (1)): asking them to finish their requests and exit"), log)
        for pid in current {
            XCTAssertNotEqual(harness.logLine(containing: "[wsgi:info]", "worker pid \(pid) for group site slot",
                                              ": exit code 0; restarting"), "", log)
            XCTAssertFalse(processExists(pid), "recycled worker \(pid) is gone")
        }
        XCTAssertEqual(log.components(separatedBy: ": exit code 0; restarting\n").count - 1, 2, log)

        // SIGTERM: every worker gone, the socket file removed, exit 0.
        harness.signal(SIGTERM)
        XCTAssertEqual(harness.waitForExit(seconds: 8)?.description, "exit code 0", harness.log)
        for start in harness.starts { XCTAssertFalse(processExists(start.pid), "worker \(start.pid) survived") }
        XCTAssertThrowsError(try fileStatus(socketPath), "socket file must be removed")
        log = harness.log
        XCTAssertTrue(log.contains("supervisor stopping (received SIGTERM (15)): asking 2 worker(s) to exit"), log)
        XCTAssertTrue(log.contains("stopped"), log)
    }

    func testWorkerIgnoringSIGTERMIsKilledAfterShutdownTimeout() throws {
        try harness.writeConfig(groups: [("stubborn", ["shutdown-timeout": "1"])])
        try harness.start()
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "stubborn").count == 1 }, harness.log)
        let worker = try XCTUnwrap(harness.starts(group: "stubborn").first).pid

        harness.signal(SIGTERM)
        XCTAssertEqual(harness.waitForExit(seconds: 6)?.description, "exit code 0", harness.log)
        XCTAssertFalse(processExists(worker))
        let log = harness.log
        XCTAssertTrue(log.contains("worker pid \(worker) for group stubborn slot 0 did not exit within 1 s of SIGTERM; sending SIGKILL"), log)
        XCTAssertTrue(log.contains("worker pid \(worker) for group stubborn slot 0 ended after "), log)
        XCTAssertTrue(log.contains(": killed by signal SIGKILL (9)\n"), log)
    }

    func testWorkerIgnoringRecycleIsKilledAfterGracefulAndShutdownTimeouts() throws {
        try harness.writeConfig(groups: [("stubborn", ["graceful-timeout": "1", "shutdown-timeout": "1"])])
        try harness.start()
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "stubborn").count == 1 }, harness.log)
        let worker = try XCTUnwrap(harness.starts(group: "stubborn").first).pid

        harness.signal(SIGUSR1)
        XCTAssertTrue(waitUntil(seconds: 6) { self.harness.starts(group: "stubborn").count == 2 }, harness.log)
        XCTAssertFalse(processExists(worker))
        let log = harness.log
        XCTAssertTrue(log.contains("supervisor recycling all workers (received SIGUSR1 (10))"), log)
        XCTAssertTrue(log.contains("worker pid \(worker) for group stubborn slot 0 did not exit within its "
                                   + "graceful-timeout and shutdown-timeout after a recycle; sending SIGKILL"), log)
        XCTAssertNotEqual(harness.logLine(containing: "worker pid \(worker) for group stubborn slot 0 ended after 2",
                                          ": killed by signal SIGKILL (9); restarting"), "", log)

        harness.signal(SIGTERM)
        XCTAssertEqual(harness.waitForExit(seconds: 6)?.description, "exit code 0", harness.log)
    }

    func testSupervisorAndWorkersGoAwayWhenApachesParentIsKilled() throws {
        let apache = try harness.startBehindStandInParent(groups: [("site", ["processes": "2"])])
        defer {
            var status: Int32 = 0
            waitpid(apache, &status, 0)
        }
        XCTAssertTrue(waitUntil(seconds: 10) { self.harness.starts(group: "site").count == 2 }, harness.log)
        let workers = harness.starts(group: "site")
        let supervisor = try XCTUnwrap(workers.first).parent
        XCTAssertNotEqual(supervisor, apache)
        XCTAssertTrue(processExists(supervisor))

        kill(apache, SIGKILL)  // no cleanup runs in Apache: only PR_SET_PDEATHSIG tells the supervisor
        XCTAssertTrue(waitUntil(seconds: 8) { !processExists(supervisor) }, harness.log)
        for worker in workers { XCTAssertFalse(processExists(worker.pid), "worker \(worker.pid) survived") }
        XCTAssertThrowsError(try fileStatus(harness.socketPath("site")), "socket file must be removed")
        // PR_SET_PDEATHSIG's SIGTERM normally gets there first; the once-a-second getppid() check
        // is the fallback. Either way the operator sees the stop and why.
        let stopLine = harness.logLine(containing: "supervisor stopping (", "): asking 2 worker(s) to exit")
        XCTAssertTrue(stopLine.contains("(received SIGTERM (15))") || stopLine.contains("(Apache parent process \(apache) is gone)"),
                      harness.log)
    }

    func testSupervisorStopsWhenApachesParentIsGone() throws {
        // pid 1 is not our parent: as if Apache had died before the supervisor looked.
        try harness.writeConfig(serverPID: 1, groups: [("site", [:])])
        try harness.start()
        XCTAssertEqual(harness.waitForExit(seconds: 8)?.description, "exit code 0", harness.log)
        XCTAssertTrue(harness.log.contains("Apache parent process 1 is gone"), harness.log)
        XCTAssertThrowsError(try fileStatus(harness.socketPath("site")))
    }

    func testSocketThatCannotBeCreatedStopsStartUpWithAClearError() throws {
        try harness.writeConfig(groups: [("first", [:]), ("missing/dir", [:])])
        try harness.start()
        XCTAssertEqual(harness.waitForExit(seconds: 8)?.description, "exit code 1", harness.log)
        let log = harness.log
        XCTAssertTrue(log.contains("supervisor cannot start group missing/dir: cannot create listening socket "
                                   + "\(harness.socketPath("missing/dir")): bind: No such file or directory (errno 2)"), log)
        XCTAssertTrue(harness.starts.isEmpty, "no worker starts before every socket exists")
        XCTAssertThrowsError(try fileStatus(harness.socketPath("first")), "sockets already made are removed")
    }

    func testBadConfigIsReportedWithItsLine() throws {
        try writeFile(harness.configPath, "mod_wsgi-supervisor-config 1\nserver-pid 1\nfrobnicate yes\n")
        try harness.start()
        XCTAssertEqual(harness.waitForExit(seconds: 8)?.description, "exit code 1", harness.log)
        XCTAssertTrue(harness.log.contains("[wsgi:error]"), harness.log)
        XCTAssertTrue(harness.log.contains("supervisor cannot start: supervisor config line 3: 'frobnicate': unknown key"), harness.log)
    }
}
