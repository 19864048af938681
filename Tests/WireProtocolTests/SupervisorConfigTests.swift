import XCTest
@testable import WireProtocol

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
            XCTAssertEqual("\(error)", "supervisor config line 0: cannot open /nonexistent/x.conf: No such file or directory")
        }
    }
}
