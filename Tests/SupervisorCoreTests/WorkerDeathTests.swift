@testable import SupervisorCore
import XCTest

/// Wait statuses as the kernel encodes them: exit code in bits 8-15, signal in 0-6, core 0x80.
final class WorkerDeathTests: XCTestCase {
    func testExitCodes() {
        XCTAssertEqual(WorkerDeath(status: 3 << 8).description, "exit code 3")
        XCTAssertEqual(WorkerDeath(status: 255 << 8).description, "exit code 255")
        XCTAssertEqual(WorkerDeath(status: 0).description, "exit code 0")
        XCTAssertTrue(WorkerDeath(status: 0).isCleanExit)
        XCTAssertFalse(WorkerDeath(status: 1 << 8).isCleanExit)
    }

    func testSignalsAreNamedWithTheirNumber() {
        XCTAssertEqual(WorkerDeath(status: 9).description, "killed by signal SIGKILL (9)")
        XCTAssertEqual(WorkerDeath(status: 15).description, "killed by signal SIGTERM (15)")
        XCTAssertFalse(WorkerDeath(status: 15).isCleanExit)
    }

    func testCoreDumpIsMentioned() {
        XCTAssertEqual(WorkerDeath(status: 11 | 0x80).description, "killed by signal SIGSEGV (11), core dumped")
        XCTAssertEqual(WorkerDeath(status: 6 | 0x80).description, "killed by signal SIGABRT (6), core dumped")
    }

    func testRealTimeSignalWithoutANameIsJustItsNumber() {
        XCTAssertEqual(WorkerDeath(status: 40).description, "killed by signal 40")
    }
}
