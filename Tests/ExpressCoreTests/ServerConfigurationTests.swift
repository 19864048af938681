import XCTest
@testable import ExpressCore

final class ServerConfigurationTests: XCTestCase {
    func testDefaultsForAnOrdinaryUser() throws {
        let config = try configuration([])
        XCTAssertNil(config.host)
        XCTAssertEqual(config.serverName, "localhost")
        XCTAssertEqual(config.user, "alice")
        XCTAssertEqual(config.group, "staff")
        XCTAssertEqual(config.serverRoot, "/tmp/mod_wsgi-localhost:8000:1000")
        XCTAssertEqual(config.socketDirectory, config.serverRoot)
        XCTAssertEqual(config.workingDirectory, "/home/alice/site")
        XCTAssertEqual(config.scriptPath, "/tmp/mod_wsgi-localhost:8000:1000/default.wsgi")
        XCTAssertTrue(config.usesDefaultScript)
        XCTAssertEqual(config.processGroup, "localhost:8000")
        XCTAssertEqual(config.displayName, "(wsgi:localhost:8000:1000)")
        XCTAssertEqual(config.httpdExecutable, "/usr/sbin/apache2")
        XCTAssertEqual(config.processes, 1)
        XCTAssertFalse(config.processesGiven)
        XCTAssertEqual(config.maxClients, 20)
        XCTAssertEqual(config.errorLogPath, "/tmp/mod_wsgi-localhost:8000:1000/error_log")
        XCTAssertEqual(config.serverURL, "http://localhost:8000/")
        XCTAssertEqual(config.mimeTypesFile, "/etc/mime.types")
    }

    func testRootWithoutUserIsRefusedWithTheReason() {
        let error = refusal([], host: fakeHost(uid: 0))
        XCTAssertEqual(error?.exitCode, 2)
        XCTAssertTrue(error?.message.contains("root") == true, error?.message ?? "accepted")
        XCTAssertTrue(error?.message.contains("--user") == true, error?.message ?? "accepted")
    }

    func testRootWithUserGetsThatUsersPrimaryGroup() throws {
        let config = try configuration(["--user", "www-data"], host: fakeHost(uid: 0))
        XCTAssertEqual(config.user, "www-data")
        XCTAssertEqual(config.group, "www-data")
        XCTAssertEqual(config.serverRoot, "/tmp/mod_wsgi-localhost:8000:0")
        XCTAssertEqual(config.displayName, "(wsgi:localhost:8000:0)")
    }

    func testExplicitGroupWins() throws {
        let config = try configuration(["--user", "www-data", "--group", "staff"], host: fakeHost(uid: 0))
        XCTAssertEqual(config.group, "staff")
    }

    func testRootAsTheServingUserIsRefused() {
        XCTAssertTrue(refusal(["--user", "root"], host: fakeHost(uid: 0))?.message.contains("root") == true)
        XCTAssertNotNil(refusal(["--user", "#0"], host: fakeHost(uid: 0)))
    }

    func testUnknownAccountsAreNamed() {
        XCTAssertEqual(refusal(["--user", "nobody-here"])?.message, "--user nobody-here: no such user on this system")
        XCTAssertEqual(refusal(["--group", "no-group"])?.message, "--group no-group: no such group on this system")
    }

    func testHostChangesNamesAndListenAddress() throws {
        let config = try configuration(["--host", "127.0.0.1", "--port", "18400"])
        XCTAssertEqual(config.host, "127.0.0.1")
        XCTAssertEqual(config.processGroup, "127.0.0.1:18400")
        XCTAssertEqual(config.serverRoot, "/tmp/mod_wsgi-127.0.0.1:18400:1000")
        XCTAssertEqual(config.serverURL, "http://127.0.0.1:18400/")
    }

    func testRelativePathsAreMadeAbsoluteFromTheCurrentDirectory() throws {
        let host = fakeHost(files: ["/home/alice/site/app.wsgi", "/home/alice/extra.conf"],
                            directories: ["/home/alice/site", "/home/alice/site/src"])
        let config = try configuration(["app.wsgi", "--server-root", "run/", "--working-directory", "src",
                                        "--python-path", "../lib", "--include-file", "../extra.conf"], host: host)
        XCTAssertEqual(config.scriptPath, "/home/alice/site/app.wsgi")
        XCTAssertFalse(config.usesDefaultScript)
        XCTAssertEqual(config.serverRoot, "/home/alice/site/run")
        XCTAssertEqual(config.workingDirectory, "/home/alice/site/src")
        XCTAssertEqual(config.pythonPath, ["/home/alice/lib"])
        XCTAssertEqual(config.includeFiles, ["/home/alice/extra.conf"])
    }

    func testMissingFilesAreRefused() {
        XCTAssertEqual(refusal(["missing.wsgi"])?.message, "WSGI script /home/alice/site/missing.wsgi: no such file")
        XCTAssertEqual(refusal(["--include-file", "/nope.conf"])?.message, "--include-file /nope.conf: no such file")
        XCTAssertEqual(refusal(["--working-directory", "/nope"])?.message, "--working-directory /nope: no such directory")
        XCTAssertTrue(refusal(["--httpd-executable", "/usr/bin/nothing"])?.message
            .hasPrefix("--httpd-executable /usr/bin/nothing: not an executable file") == true)
    }

    func testHttpdComesFromTheEnvironmentWhenNotGiven() throws {
        let config = try configuration([], host: fakeHost(variables: ["HTTPD": "/opt/httpd/bin/httpd"]))
        XCTAssertEqual(config.httpdExecutable, "/opt/httpd/bin/httpd")
    }

    func testOutOfRangeNumbersAreRefused() {
        XCTAssertEqual(refusal(["--port", "70000"])?.message, "--port 70000: must be between 1 and 65535")
        XCTAssertEqual(refusal(["--threads", "0"])?.exitCode, 2)
        XCTAssertEqual(refusal(["--processes", "0"])?.exitCode, 2)
        XCTAssertEqual(refusal(["--request-timeout=-1"])?.exitCode, 2)
        XCTAssertEqual(refusal(["--socket-timeout", "0"])?.exitCode, 2)
    }

    func testBadWordsAreRefused() {
        XCTAssertTrue(refusal(["--log-level", "loud"])?.message.hasPrefix("--log-level loud: not an Apache log level") == true)
        XCTAssertNil(refusal(["--log-level", "info"]))
        XCTAssertNil(refusal(["--log-level", "warn wsgi:trace3"]))
        XCTAssertEqual(refusal(["--callable-object", "my app"])?.message, "--callable-object my app: not a Python identifier")
        XCTAssertEqual(refusal(["--host", "evil host"])?.message, "--host evil host: not a host name or IP address")
        XCTAssertTrue(refusal(["--python-path", "a:b"])?.message.contains("colon-separated") == true)
    }

    func testValuesApacheCannotReadBackAreRefused() {
        let lineBreak = refusal(["--server-root", "/tmp/a\nb"])
        XCTAssertTrue(lineBreak?.message.contains("line break") == true, lineBreak?.message ?? "accepted")
        let variable = refusal(["--server-root", "/tmp/${HOME}"])
        XCTAssertTrue(variable?.message.contains("${") == true, variable?.message ?? "accepted")
    }

    func testWildcardsInPathsAreRefused() {
        XCTAssertTrue(refusal(["--server-root", "/tmp/root*"])?.message.hasPrefix("server root /tmp/root*:") == true)
        let host = fakeHost(files: ["/home/alice/site/app[1].wsgi"])
        XCTAssertTrue(refusal(["app[1].wsgi"], host: host)?.message.contains("wildcard") == true)
    }

    func testOverlongSocketDirectoryIsRefused() {
        let long = "/tmp/" + String(repeating: "d", count: 80)
        XCTAssertTrue(refusal(["--server-root", long])?.message.contains("--socket-prefix") == true)
        XCTAssertNil(refusal(["--server-root", long, "--socket-prefix", "/tmp/s"]))
    }

    func testProcessesAndMaxClients() throws {
        let config = try configuration(["--processes", "3", "--threads", "10"])
        XCTAssertTrue(config.processesGiven)
        XCTAssertEqual(config.processes, 3)
        XCTAssertEqual(config.maxClients, 10 + 45)
        // An explicit --max-clients never goes below what the daemons can take.
        XCTAssertEqual(try configuration(["--processes", "3", "--threads", "10", "--max-clients", "5"]).maxClients, 30)
        XCTAssertEqual(try configuration(["--max-clients", "100"]).maxClients, 100)
    }

    func testLocaleChoice() throws {
        XCTAssertEqual(try configuration([]).locale, "en_US.UTF-8")
        XCTAssertEqual(try configuration([], host: fakeHost(locales: ["C.UTF-8"])).locale, "C.UTF-8")
        XCTAssertEqual(try configuration([], host: fakeHost(variables: ["LANG": "C"])).locale, "en_US.UTF-8")
        XCTAssertEqual(try configuration([], host: fakeHost(variables: ["LANG": "C.UTF-8"])).locale, "C.UTF-8")
        XCTAssertEqual(try configuration([], host: fakeHost(variables: ["LANG": "xx_YY.UTF-8"])).locale, "en_US.UTF-8")
        XCTAssertEqual(try configuration(["--locale", "de_DE.UTF-8"]).locale, "de_DE.UTF-8")
    }
}
