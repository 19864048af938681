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
        XCTAssertEqual(parsed.daemonBacklog, 100)
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

    func testTwoValueOptionsPrefixesAliasesAndDoubleDash() throws {
        let parsed = try options(["--url-alias", "/static", "/srv/static", "--url-alias=/media", "/srv/media",
                                  "--ssl-port", "8443", "--processe", "3", "--", "--odd-name.wsgi"])
        XCTAssertEqual(parsed.parsed.pairs("url-alias").map { [$0.0, $0.1] }, [["/static", "/srv/static"],
                                                                             ["/media", "/srv/media"]])
        XCTAssertEqual(parsed.parsed.int("https-port"), 8443)
        XCTAssertEqual(parsed.processes, 3)
        XCTAssertEqual(parsed.script, "--odd-name.wsgi")
    }

    func testEntryPointOptionWinsOverThePositionalArgument() throws {
        XCTAssertEqual(try options(["a.wsgi", "--entry-point", "b.wsgi"]).script, "b.wsgi")
    }

    func testUsageErrorsSayWhat() {
        func message(_ arguments: [String]) -> String? {
            do { _ = try options(arguments); return nil } catch { return (error as? ExpressError)?.message }
        }
        XCTAssertEqual(message(["--no-such-option"]), "no such option: --no-such-option")
        XCTAssertEqual(message(["--port", "eighty"]), "option --port: invalid integer value: 'eighty'")
        XCTAssertEqual(message(["--url-alias", "/a"]), "--url-alias option requires 2 arguments")
        XCTAssertEqual(message(["--access-log=yes"]), "--access-log option does not take a value")
        XCTAssertEqual(message(["--initial-workers", "2"]), "--initial-workers option value needs to be within the range 0 to 1")
        XCTAssertEqual(message(["--ssl-cert", "x"]),
                       "ambiguous option: --ssl-cert (--ssl-certificate-file, --ssl-certificate-key-file, "
                       + "--ssl-certificate, --ssl-certificate-chain-file?)")
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
