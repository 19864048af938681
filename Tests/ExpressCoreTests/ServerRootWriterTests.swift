import Foundation
import XCTest
@testable import ExpressCore

/// Writes real server roots into temporary directories.
final class ServerRootWriterTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A configuration for the real invoking user, with a fake httpd that prints its arguments.
    private func writtenConfig(_ extra: [String] = [], root: String? = nil) throws -> ServerConfiguration {
        let fakeHttpd = directory + "/fake httpd"
        try "#!/bin/bash\necho \"cwd=$PWD\"\necho \"LANG=$LANG FROM_ENVVARS=$FROM_ENVVARS\"\nprintf '[%s]' \"$@\"\necho\n"
            .write(toFile: fakeHttpd, atomically: true, encoding: .utf8)
        chmod(fakeHttpd, 0o755)
        var host = HostEnvironment.current()
        host.currentDirectory = directory
        let user = getuid() == 0 ? ["--user", "www-data"] : []
        let config = try ServerConfiguration.resolve(
            options(["--server-root", root ?? directory + "/root", "--httpd-executable", fakeHttpd] + user + extra), in: host)
        try ServerRootWriter(config).write()
        return config
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0, path)
        return info.st_mode & 0o7777
    }

    func testWritesTheServerRoot() throws {
        let config = try writtenConfig()
        let root = directory + "/root"
        XCTAssertEqual(mode(root), 0o755)
        XCTAssertEqual(mode(root + "/htdocs"), 0o755)
        XCTAssertEqual(mode(root + "/httpd.conf"), 0o644)
        XCTAssertEqual(mode(root + "/apachectl"), 0o755)
        XCTAssertEqual(mode(root + "/default.wsgi"), 0o644)
        XCTAssertEqual(mode(root + "/envvars"), 0o644)
        XCTAssertEqual(try String(contentsOfFile: root + "/httpd.conf", encoding: .utf8), HttpdConfTemplate.render(config))
        XCTAssertEqual(try String(contentsOfFile: root + "/envvars", encoding: .utf8), "")
        XCTAssertTrue(try String(contentsOfFile: root + "/default.wsgi", encoding: .utf8).contains("def application("))
    }

    func testKeepsAnExistingEnvvarsAndRewritesTheRest() throws {
        _ = try writtenConfig()
        let root = directory + "/root"
        try "export FROM_ENVVARS=yes\n".write(toFile: root + "/envvars", atomically: true, encoding: .utf8)
        try "stale".write(toFile: root + "/httpd.conf", atomically: true, encoding: .utf8)
        _ = try writtenConfig()
        XCTAssertEqual(try String(contentsOfFile: root + "/envvars", encoding: .utf8), "export FROM_ENVVARS=yes\n")
        XCTAssertNotEqual(try String(contentsOfFile: root + "/httpd.conf", encoding: .utf8), "stale")
    }

    func testAnExistingDocumentRootKeepsItsModeAndAMissingOneIsCreated() throws {
        let docs = directory + "/docs"
        try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
        chmod(docs, 0o751)
        _ = try writtenConfig(["--document-root", docs, "--mount-point", "/app"])
        XCTAssertEqual(mode(docs), 0o751)
        XCTAssertEqual(mode(docs + "/app"), 0o755)
        _ = try writtenConfig(["--document-root", directory + "/new/docs"])
        XCTAssertEqual(mode(directory + "/new/docs"), 0o755)
    }

    func testSetupAgainReplacesWhatTheOptionsWrite() throws {
        let root = directory + "/root"
        let script = directory + "/res.py"
        try "def handle_request(e, s):\n    pass\n".write(toFile: script, atomically: true, encoding: .utf8)
        _ = try writtenConfig(["--add-handler", ".py", script, "--envvars-script", script])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/resource.wsgi"))
        XCTAssertEqual(try String(contentsOfFile: root + "/envvars", encoding: .utf8), ". '\(script)'\n")
        XCTAssertTrue(try String(contentsOfFile: root + "/httpd.conf", encoding: .utf8).contains("wsgi-resource"))
        _ = try writtenConfig(["--mount-point", "/app"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/resource.wsgi"))
        XCTAssertFalse(try String(contentsOfFile: root + "/httpd.conf", encoding: .utf8).contains("wsgi-resource"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/htdocs/app"))
        XCTAssertTrue(try String(contentsOfFile: root + "/handler.wsgi", encoding: .utf8).contains("mount_point = '/app'"))
    }

    func testApachectlRunsHttpdOnThisConfig() throws {
        let config = try writtenConfig()
        let root = directory + "/root"
        try "export FROM_ENVVARS=yes\n".write(toFile: root + "/envvars", atomically: true, encoding: .utf8)
        let start = try runProgram(config.controlScriptPath, ["start", "-DFOREGROUND"])
        XCTAssertTrue(start.contains("[-f][\(root)/httpd.conf][-k][start][-DFOREGROUND]"), start)
        XCTAssertTrue(start.contains("cwd=\(directory)"), start)
        XCTAssertTrue(start.contains("LANG=\(config.locale) FROM_ENVVARS=yes"), start)
        for action in ["stop", "restart", "graceful", "graceful-stop"] {
            XCTAssertTrue(try runProgram(config.controlScriptPath, [action]).contains("[-k][\(action)]"), action)
        }
        XCTAssertTrue(try runProgram(config.controlScriptPath, ["configtest"]).contains("[-f][\(root)/httpd.conf][-t]"))
        XCTAssertTrue(try runProgram(config.controlScriptPath, []).contains("usage:"))
    }

    func testStartServerExecsApachectlInTheForeground() throws {
        let config = try writtenConfig()
        XCTAssertEqual(ServerLauncher.arguments(config), [directory + "/root/apachectl", "start", "-DFOREGROUND"])
    }

    func testLeavesTheModeOfAnExistingServerRootAlone() throws {
        let root = directory + "/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o700)
        _ = try writtenConfig()
        XCTAssertEqual(mode(root), 0o700)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/httpd.conf"))
    }

    func testRefusesAServerRootOthersCanWrite() throws {
        let root = directory + "/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o777)
        XCTAssertThrowsError(try writtenConfig()) { error in
            XCTAssertTrue((error as? ExpressError)?.message.contains("writable by other users") == true, "\(error)")
        }
    }

    func testRefusesAServerRootOwnedBySomeoneElse() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to give a directory away") }
        let root = directory + "/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chown(root, 33, 33)
        XCTAssertThrowsError(try writtenConfig()) { error in
            XCTAssertTrue((error as? ExpressError)?.message.contains("belongs to uid 33") == true, "\(error)")
        }
    }

    func testRefusesASymlinkedServerRoot() throws {
        try FileManager.default.createDirectory(atPath: directory + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/root", withDestinationPath: directory + "/elsewhere")
        XCTAssertThrowsError(try writtenConfig()) { error in
            XCTAssertTrue((error as? ExpressError)?.message.contains("symbolic link") == true, "\(error)")
        }
    }

    func testRefusesAServerRootInADirectoryOthersCanWrite() throws {
        // Anyone could rename the server root away and put their own httpd.conf in its place.
        let shared = directory + "/w"   // short: the socket path must fit in 108 bytes
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o777)
        XCTAssertThrowsError(try writtenConfig(root: shared + "/r")) { error in
            XCTAssertTrue((error as? ExpressError)?.message.contains("\(shared) is writable by other users (mode 777)") == true,
                          "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: shared + "/r"), "nothing may be created there")
    }

    func testAcceptsAServerRootInAStickyDirectoryLikeTmp() throws {
        let sticky = directory + "/t"
        try FileManager.default.createDirectory(atPath: sticky, withIntermediateDirectories: true)
        chmod(sticky, 0o1777)
        _ = try writtenConfig(root: sticky + "/r")
        XCTAssertEqual(mode(sticky + "/r"), 0o755)
    }

    /// The generated configuration passes Apache's own syntax check once the wsgi directives
    /// (whose module may not be built) are left out.
    func testApacheAcceptsTheConfigurationApartFromWsgiLines() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/apache2") else { throw XCTSkip("no apache2") }
        let config = try writtenConfig(["--host", "127.0.0.1", "--port", "18498", "--access-log", "--processes", "2"])
        var kept: [String] = []
        var continued = false
        for line in HttpdConfTemplate.render(config).split(separator: "\n", omittingEmptySubsequences: false) {
            let skip = continued || line.hasPrefix("WSGI") || line.hasPrefix("LoadModule wsgi_module")
            continued = skip && line.hasSuffix("\\")
            if !skip { kept.append(String(line)) }
        }
        try kept.joined(separator: "\n").write(toFile: directory + "/plain.conf", atomically: true, encoding: .utf8)
        let output = try runProgram("/usr/sbin/apache2", ["-f", directory + "/plain.conf", "-t"])
        XCTAssertTrue(output.contains("Syntax OK"), output)
        XCTAssertFalse(output.contains("AH0"), output)
    }

    func testDefaultApplicationAnswersWithTheWelcomePage() throws {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else { throw XCTSkip("no \(python)") }
        let config = try writtenConfig(["--callable-object", "app"])
        let driver = """
        import runpy, sys
        namespace = runpy.run_path(sys.argv[1])
        seen = []
        body = b"".join(namespace["app"]({"mod_wsgi.process_group": "g<1>", "PATH_INFO": "/x"},
                                         lambda status, headers: seen.append((status, headers))))
        print(seen[0][0])
        print(dict(seen[0][1])["Content-Length"] == str(len(body)))
        print(body.decode())
        """
        let output = try runProgram(python, ["-c", driver, config.defaultScriptPath])
        XCTAssertTrue(output.hasPrefix("200 OK\nTrue\n"), output)
        XCTAssertTrue(output.contains("<h1>mod_wsgi-swift is running</h1>"), output)
        XCTAssertTrue(output.contains("g&lt;1&gt;"), output)
    }
}
