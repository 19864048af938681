// Who the worker runs as and what it tells the interpreter, from the supervisor config.
@testable import DaemonCore
import WireProtocol
import XCTest

final class ProcessSetupTests: XCTestCase {
    private func config(_ groupLines: String, globals: String = "") throws -> SupervisorConfig {
        try SupervisorConfig.parse("""
            mod_wsgi-supervisor-config 1
            server-pid 1
            apache-user 33
            apache-group 33
            \(globals)
            group site
            socket /tmp/site.sock
            \(groupLines)
            end
            """)
    }

    func testIdentityDefaultsToApachesUserAndHonoursGroupOptions() throws {
        let defaults = try config("threads 2")
        let identity = try ProcessSetup.identity(config: defaults, group: defaults.groups[0])
        XCTAssertEqual(identity.uid, 33)
        XCTAssertEqual(identity.gid, 33)
        XCTAssertEqual(identity.userName, "www-data")

        let explicit = try config("user 65534\nuser-name nobody\ngroup 65534")
        let other = try ProcessSetup.identity(config: explicit, group: explicit.groups[0])
        XCTAssertEqual(other.uid, 65534)
        XCTAssertEqual(other.gid, 65534)
        XCTAssertEqual(other.userName, "nobody")
    }

    func testRootIsRefusedWhenStartedAsRoot() throws {
        guard geteuid() == 0 else { throw XCTSkip("only meaningful when started as root") }
        let parsed = try SupervisorConfig.parse("""
            mod_wsgi-supervisor-config 1
            server-pid 1
            group site
            socket /tmp/site.sock
            end
            """)
        XCTAssertThrowsError(try ProcessSetup.identity(config: parsed, group: parsed.groups[0])) { error in
            XCTAssertTrue("\(error)".contains("refusing to run WSGI daemon process group 'site' as root"), "\(error)")
        }
    }

    func testInterpreterSettingsPreferGroupOptionsOverGlobals() throws {
        let parsed = try config("python-path /srv/a:/srv/b\nhome /srv\nprocesses 3\nmultiprocess 1\nthreads 1\nmaximum-requests 1",
                                globals: "python-home /opt/venv\npython-path /global")
        let settings = WorkerProcess.interpreterSettings(config: parsed, group: parsed.groups[0])
        XCTAssertEqual(settings.pythonPath, ["/srv/a", "/srv/b"])
        XCTAssertEqual(settings.pythonHome, "/opt/venv")
        XCTAssertEqual(settings.programName, "/opt/venv/bin/python3")
        XCTAssertEqual(settings.homeDirectory, "/srv")
        XCTAssertEqual(settings.processes, 3)
        XCTAssertTrue(settings.multiprocess)
        XCTAssertTrue(settings.runOnce, "threads=1 and maximum-requests=1 make wsgi.run_once true")

        let plain = try config("threads 4", globals: "python-path /global")
        let inherited = WorkerProcess.interpreterSettings(config: plain, group: plain.groups[0])
        XCTAssertEqual(inherited.pythonPath, ["/global"])
        XCTAssertEqual(inherited.programName, "/usr/bin/python3")
        XCTAssertFalse(inherited.runOnce)
    }

    func testListenerCheckRejectsNonListeningDescriptors() {
        XCTAssertNotNil(AcceptLoop.listenerProblem(-1))
        var pair: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair), 0)
        defer { close(pair[0]); close(pair[1]) }
        XCTAssertEqual(AcceptLoop.listenerProblem(pair[0]), "file descriptor \(pair[0]) is a socket that is not listening")
    }
}
