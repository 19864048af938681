import Foundation
import SupervisorCore
import XCTest

/// Not a test of its own: the entry point SupervisorHarness re-executes this test binary into,
/// so the real supervisor loop runs in a separate process. Skipped in a normal test run.
final class SupervisorChildEntry: XCTestCase {
    func testRunSupervisorInThisProcess() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let config = environment[SupervisorHarness.configVariable],
              let worker = environment[SupervisorHarness.workerVariable] else {
            throw XCTSkip("runs only as the child process SupervisorHarness starts")
        }
        Supervisor.run(source: .file(config), workerExecutable: worker)
    }
}
