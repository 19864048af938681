#if canImport(Glibc)
import Glibc
#endif
@testable import SupervisorCore
import WireProtocol
import XCTest

final class WorkerSpawnerTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory()
    }

    override func tearDown() {
        removeTree(directory)
    }

    func testArgumentsUseDisplayNameOrOurPathThenTheWorkerRole() {
        let spawner = WorkerSpawner(executable: "/usr/libexec/mod_wsgi-daemon")
        var group = DaemonGroupConfig(name: "site")
        XCTAssertEqual(spawner.arguments(group: group, slot: 2),
                       ["/usr/libexec/mod_wsgi-daemon", "worker", "--config-fd", "4",
                        "--group", "site", "--slot", "2", "--supervisor", String(getpid())])
        group.options["display-name"] = "(wsgi:site)"
        XCTAssertEqual(spawner.arguments(group: group, slot: 0).first, "(wsgi:site)")
    }

    /// What a worker inherits: the socket on fd 3, its group's sealed config on fd 4, no other
    /// descriptor of ours, no blocked signals.
    func testWorkerGetsSocketOnFd3ConfigOnFd4AndNothingElse() throws {
        let report = directory + "/report"
        let script = directory + "/worker.sh"
        try writeFile(script, """
            #!/bin/sh
            exec >"\(report)"
            echo "args: $*"
            echo "fd3: $(readlink /proc/$$/fd/3)"
            echo "fd4: $(grep -c secret <&4) secret, group $(sed -n 's/^group //p' /proc/$$/fd/4 | head -1)"
            if [ -e /proc/$$/fd/200 ]; then echo "fd200: open"; else echo "fd200: closed"; fi
            exec grep SigBlk /proc/self/status
            """, mode: 0o755)
        let socket = try ListeningSocket.create(path: directory + "/s.sock", backlog: 5, owner: (getuid(), getgid()))
        defer { socket.closeAndRemove() }
        // A descriptor without close-on-exec that a careless spawn would leak to the worker.
        let leak = dup2(socket.fd, 200)
        defer { close(leak) }
        var inode = stat()
        fstat(socket.fd, &inode)

        // A blocked signal in the spawning thread must not stay blocked in the worker.
        var usr2 = sigset_t()
        sigemptyset(&usr2)
        sigaddset(&usr2, SIGUSR2)
        pthread_sigmask(SIG_BLOCK, &usr2, nil)
        // Two groups, each with a secret: the worker of "g" must see only its own.
        var config = SupervisorConfig()
        var own = DaemonGroupConfig(name: "g")
        own.socketPath = "/run/g.sock"
        own.secret = ConnectionSecret(bytes: Array(repeating: 1, count: 32))
        var other = DaemonGroupConfig(name: "other")
        other.socketPath = "/run/other.sock"
        other.secret = ConnectionSecret(bytes: Array(repeating: 2, count: 32))
        config.groups = [own, other]
        let configFD = try WorkerSpawner.sealedConfig(config, group: own)
        defer { close(configFD) }
        let spawner = WorkerSpawner(executable: script)
        let pid = try spawner.spawn(group: own, slot: 1, listenFD: socket.fd, configFD: configFD)
        pthread_sigmask(SIG_UNBLOCK, &usr2, nil)

        var status: Int32 = 0
        XCTAssertEqual(waitpid(pid, &status, 0), pid)
        XCTAssertEqual(WorkerDeath(status: status).description, "exit code 0")
        XCTAssertEqual(readFile(report), """
            args: worker --config-fd 4 --group g --slot 1 --supervisor \(getpid())
            fd3: socket:[\(inode.st_ino)]
            fd4: 1 secret, group g
            fd200: closed
            SigBlk:\t0000000000000000

            """)
    }

    func testMissingExecutableIsAnErrorNamingIt() throws {
        let socket = try ListeningSocket.create(path: directory + "/s.sock", backlog: 5, owner: (getuid(), getgid()))
        defer { socket.closeAndRemove() }
        let spawner = WorkerSpawner(executable: directory + "/nope")
        XCTAssertThrowsError(try spawner.spawn(group: DaemonGroupConfig(name: "g"), slot: 0, listenFD: socket.fd,
                                               configFD: socket.fd)) { error in
            XCTAssertEqual("\(error)", "spawn \(directory)/nope: No such file or directory (errno 2)")
        }
    }
}
