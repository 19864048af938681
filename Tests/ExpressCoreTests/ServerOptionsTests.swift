import XCTest
@testable import ExpressCore

final class ServerOptionsTests: XCTestCase {
    func testDefaultsMatchModWsgiExpress() throws {
        let parsed = try options([])
        XCTAssertNil(parsed.script)
        XCTAssertEqual(parsed.port, 8000)
        XCTAssertNil(parsed.host)
        XCTAssertEqual(parsed.threads, 5)
        XCTAssertNil(parsed.processes)
        XCTAssertEqual(parsed.logLevel, "warn")
        XCTAssertEqual(parsed.callableObject, "application")
        XCTAssertEqual(parsed.socketTimeout, 60)
        XCTAssertEqual(parsed.queueTimeout, 45)
        XCTAssertEqual(parsed.requestTimeout, 60)
        XCTAssertFalse(parsed.logToTerminal)
        XCTAssertFalse(parsed.setupOnly)
    }

    func testRepeatableAndEqualsForms() throws {
        let parsed = try options(["--port=9000", "--python-path", "lib", "--python-path", "vendor",
                                  "--include-file", "a.conf", "--include-file=b.conf", "--log-to-terminal",
                                  "app.wsgi"])
        XCTAssertEqual(parsed.port, 9000)
        XCTAssertEqual(parsed.pythonPath, ["lib", "vendor"])
        XCTAssertEqual(parsed.includeFile, ["a.conf", "b.conf"])
        XCTAssertTrue(parsed.logToTerminal)
        XCTAssertEqual(parsed.script, "app.wsgi")
    }

    func testUnknownOptionAndBadNumberAreUsageErrors() {
        XCTAssertThrowsError(try options(["--no-such-option"]))
        XCTAssertThrowsError(try options(["--port", "eighty"]))
    }

    func testCommandLineErrorsExitWithStatusTwo() {
        XCTAssertEqual(ExpressMain.run(["setup-server", "--no-such-option"]), 2)
        XCTAssertEqual(ExpressMain.run(["setup-server", "--port", "eighty"]), 2)
        XCTAssertEqual(ExpressMain.run(["start-server", "--port", "0"]), 2)
        XCTAssertEqual(ExpressMain.run(["no-such-command"]), 2)
    }

    func testHelpExitsWithSuccess() {
        XCTAssertEqual(ExpressMain.run(["--help"]), 0)
    }
}
