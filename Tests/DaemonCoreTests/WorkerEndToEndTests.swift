// Runs the built `mod_wsgi-daemon worker` end to end (Tests/tools/test_worker_e2e.py speaks the wire
// protocol to it the way the Apache module does).
import Foundation
import XCTest

final class WorkerEndToEndTests: XCTestCase {
    func testWorkerProcessOverTheWireProtocol() throws {
        guard geteuid() == 0 else { throw XCTSkip("the worker drops privileges to www-data: run as root") }
        let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let daemon = binDirectory.appendingPathComponent("mod_wsgi-daemon").path
        guard FileManager.default.isExecutableFile(atPath: daemon) else {
            throw XCTSkip("\(daemon) is not built (swift build --product mod_wsgi-daemon)")
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-m", "pytest", "-q", "-p", "no:cacheprovider",
                             repository.appendingPathComponent("Tests/tools/test_worker_e2e.py").path]
        process.environment = ["MOD_WSGI_DAEMON": daemon, "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains(" passed"), text)
    }
}
