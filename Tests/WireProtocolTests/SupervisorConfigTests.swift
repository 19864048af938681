import Foundation
import XCTest
@testable import WireProtocol
#if canImport(Glibc)
import Glibc
#endif

final class SupervisorConfigTests: XCTestCase {
    let sample = """
    mod_wsgi-supervisor-config 1
    # written by the module
    server-pid 4242
    generation 3
    log-level info
    apache-user 33
    apache-group 33
    python-home /srv/venv
    python-path /srv/a:/srv/b

    group site
    socket /var/run/wsgi.4242.3.1.sock
    processes 2
    threads 4
    user 33
    user-name www-data
    group 33
    display-name (wsgi:site)
    home /srv/app with space
    umask 0027
    multiprocess 1
    preload /srv/app/wsgi.py||application
    end
    group other
    socket /var/run/wsgi.4242.3.2.sock
    end
    """

    func testParsesGlobalsAndGroups() throws {
        let config = try SupervisorConfig.parse(sample)
        XCTAssertEqual(config.serverPID, 4242)
        XCTAssertEqual(config.generation, 3)
        XCTAssertEqual(config.logLevel, "info")
        XCTAssertEqual(config.apacheUID, 33)
        XCTAssertEqual(config.pythonHome, "/srv/venv")
        XCTAssertEqual(config.pythonPath, ["/srv/a", "/srv/b"])
        XCTAssertEqual(config.groups.map(\.name), ["site", "other"])

        let site = try XCTUnwrap(config.group(named: "site"))
        XCTAssertEqual(site.socketPath, "/var/run/wsgi.4242.3.1.sock")
        XCTAssertEqual(site.processes, 2)
        XCTAssertEqual(site.threads, 4)
        XCTAssertEqual(site.uid, 33)
        XCTAssertEqual(site.userName, "www-data")
        XCTAssertEqual(site.home, "/srv/app with space", "values keep their spaces")
        XCTAssertEqual(site.umask, 0o027)
        XCTAssertEqual(site.displayName, "(wsgi:site)")
        XCTAssertTrue(site.multiprocess)
        XCTAssertEqual(site.preload, [PreloadScript(script: "/srv/app/wsgi.py", applicationGroup: "",
                                                    callableObject: "application")])
    }

    func testDefaultsAreModWsgis() throws {
        let other = try XCTUnwrap(try SupervisorConfig.parse(sample).group(named: "other"))
        XCTAssertEqual(other.processes, 1)
        XCTAssertEqual(other.threads, 15)
        XCTAssertFalse(other.multiprocess)
        XCTAssertEqual(other.shutdownTimeout, 5)
        XCTAssertEqual(other.deadlockTimeout, 300)
        XCTAssertEqual(other.gracefulTimeout, 15)
        XCTAssertEqual(other.listenBacklog, 100)
        XCTAssertNil(other.uid)
    }

    func testErrorsNameLineAndKey() {
        func error(_ text: String) -> String {
            do { _ = try SupervisorConfig.parse(text); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(error("hello"), "supervisor config line 1: expected 'mod_wsgi-supervisor-config 1', found 'hello'")
        XCTAssertEqual(error("mod_wsgi-supervisor-config 1\nbogus 1"), "supervisor config line 2: 'bogus': unknown key")
        XCTAssertEqual(error("mod_wsgi-supervisor-config 1\ngroup g\nsocket /s\nfrobnicate 1\nend"),
                       "supervisor config line 4: 'frobnicate': unknown daemon option")
        XCTAssertEqual(error("mod_wsgi-supervisor-config 1\ngroup g\nsocket /s"),
                       "supervisor config line 0: group 'g' is not closed with 'end'")
        XCTAssertEqual(error("mod_wsgi-supervisor-config 1\ngroup g\nend"),
                       "supervisor config line 0: group 'g' has no socket")
        XCTAssertEqual(error("mod_wsgi-supervisor-config 1\nserver-pid -1"),
                       "supervisor config line 2: 'server-pid': not a process id: '-1'")
        XCTAssertEqual(error("mod_wsgi-supervisor-config 1\ngroup g\nsocket /s\nend\ngroup g\nsocket /t\nend"),
                       "supervisor config line 5: 'group': duplicate group 'g'")
    }

    func testLoadReportsMissingFile() {
        XCTAssertThrowsError(try SupervisorConfig.load(path: "/nonexistent/x.conf")) { error in
            XCTAssertEqual("\(error)", "supervisor config line 0: /nonexistent/x.conf: cannot open: No such file or directory")
        }
    }

    // MARK: secrets and what each worker is given

    static let secretA = String(repeating: "ab", count: 32)
    static let secretB = String(repeating: "0f", count: 32)

    func withSecrets() throws -> SupervisorConfig {
        let text = sample.replacingOccurrences(of: "socket /var/run/wsgi.4242.3.1.sock",
                                               with: "socket /var/run/wsgi.4242.3.1.sock\nsecret \(Self.secretA)")
            .replacingOccurrences(of: "socket /var/run/wsgi.4242.3.2.sock",
                                  with: "socket /var/run/wsgi.4242.3.2.sock\nsecret \(Self.secretB)")
        return try SupervisorConfig.parse(text)
    }

    func testSecretsAreParsedPerGroup() throws {
        let config = try withSecrets()
        XCTAssertEqual(config.group(named: "site")?.secret?.hex, Self.secretA)
        XCTAssertEqual(config.group(named: "other")?.secret?.bytes, Array(repeating: 0x0f, count: 32))
        XCTAssertThrowsError(try SupervisorConfig.parse("mod_wsgi-supervisor-config 1\ngroup g\nsocket /s\nsecret abc\nend")) {
            XCTAssertEqual("\($0)", "supervisor config line 4: 'secret': expected 64 lowercase hex digits")
        }
    }

    func testAWorkerIsGivenItsOwnGroupOnly() throws {
        let config = try withSecrets()
        let text = try XCTUnwrap(config.text(forGroup: "site"))
        XCTAssertFalse(text.contains(Self.secretB), "another group's secret must never reach a worker")
        let worker = try SupervisorConfig.parse(text)
        XCTAssertEqual(worker.groups.map(\.name), ["site"])
        // Everything else survives the round trip unchanged.
        var expected = config
        expected.groups = [config.group(named: "site")!]
        XCTAssertEqual(worker, expected)
        XCTAssertNil(config.text(forGroup: "missing"))
    }

    func testHelloIsCheckedAgainstTheSecret() throws {
        let secret = try XCTUnwrap(ConnectionSecret(hex: Self.secretA))
        let hello = secret.helloFrame
        XCTAssertEqual(hello.count, frameHeaderSize + 34)
        let payload = Array(hello[frameHeaderSize...])
        payload.withUnsafeBytes { XCTAssertEqual(secret.check(hello: $0), .accepted) }
        var wrong = payload
        wrong[33] ^= 1
        wrong.withUnsafeBytes { XCTAssertEqual(secret.check(hello: $0), .wrongSecret) }
        var oldVersion = payload
        oldVersion[0] = 1
        oldVersion.withUnsafeBytes { XCTAssertEqual(secret.check(hello: $0), .wrongVersion(1)) }
        Array(payload.dropLast()).withUnsafeBytes { XCTAssertEqual(secret.check(hello: $0), .malformed) }
    }

    func testLineEndingsAndCarriageReturns() throws {
        // Found by fuzzing: "\r\n" is one Swift Character, so a CRLF file was one long line and a
        // value could carry a line of its own.
        let crlf = "mod_wsgi-supervisor-config 1\r\nserver-pid 7\r\ngroup g\r\nsocket /s\r\nend\r\n"
        XCTAssertEqual(try SupervisorConfig.parse(crlf).serverPID, 7)
        XCTAssertThrowsError(try SupervisorConfig.parse("mod_wsgi-supervisor-config 1\npython-home /a\rserver-pid 5\n")) {
            XCTAssertEqual("\($0)", "supervisor config line 2: carriage return inside the line")
        }
    }

    func testAWorkersTextParsesWithoutAServerPid() throws {
        // Found by fuzzing: "server-pid 0" was written for a config that had none, and refused.
        let config = try SupervisorConfig.parse("mod_wsgi-supervisor-config 1\ngroup g\nsocket /s\nend\n")
        XCTAssertEqual(try SupervisorConfig.parse(try XCTUnwrap(config.text(forGroup: "g"))), config)
    }

    // MARK: loading a file: nothing another user could have written or read

    private func writeConfig(_ text: String, mode: mode_t) throws -> String {
        let directory = NSTemporaryDirectory() + "/sconfig-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        let path = directory + "/supervisor.conf"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(path, mode), 0)
        return path
    }

    func testLoadAcceptsAPrivateFile() throws {
        let path = try writeConfig(sample, mode: 0o600)
        XCTAssertEqual(try SupervisorConfig.load(path: path).groups.count, 2)
    }

    func testLoadRefusesFilesOthersCouldChange() throws {
        let writable = try writeConfig(sample, mode: 0o620)
        XCTAssertThrowsError(try SupervisorConfig.load(path: writable)) {
            XCTAssertEqual("\($0)", "supervisor config line 0: \(writable): writable by other users (mode 620)")
        }
        let target = try writeConfig(sample, mode: 0o600)
        let link = target + ".link"
        XCTAssertEqual(symlink(target, link), 0)
        XCTAssertThrowsError(try SupervisorConfig.load(path: link)) {
            XCTAssertTrue("\($0)".hasSuffix("\(link): cannot open: Too many levels of symbolic links"), "\($0)")
        }
    }

    func testLoadRefusesSecretsOthersCanRead() throws {
        let text = sample.replacingOccurrences(of: "socket /var/run/wsgi.4242.3.1.sock",
                                               with: "socket /var/run/wsgi.4242.3.1.sock\nsecret \(Self.secretA)")
        let readable = try writeConfig(text, mode: 0o644)
        XCTAssertThrowsError(try SupervisorConfig.load(path: readable)) {
            XCTAssertEqual("\($0)", "supervisor config line 0: \(readable): holds connection secrets and is readable by other users (mode 644)")
        }
    }

    func testLoadFromADescriptorReadsFromTheStart() throws {
        let path = try writeConfig(sample, mode: 0o600)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var skip = [UInt8](repeating: 0, count: 10)
        _ = read(fd, &skip, 10)   // whoever held it before moved the offset
        XCTAssertEqual(try SupervisorConfig.load(fd: fd).groups.map(\.name), ["site", "other"])
    }
}
