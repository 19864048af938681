#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Foundation
import SupervisorCore
import XCTest

/// Runs the real supervisor loop in a child process: this test binary re-executed with a filter
/// that selects `SupervisorChildEntry`, which calls `Supervisor.run(configPath:workerExecutable:)`.
/// Workers are a shell script that records each start and behaves according to its group name:
/// `crash*` exits 3 at once, `stubborn*` ignores SIGTERM and SIGUSR1, anything else exits 0 on either.
final class SupervisorHarness {
    static let configVariable = "SUPERVISOR_TEST_CONFIG"
    static let workerVariable = "SUPERVISOR_TEST_WORKER"
    static let inheritedFD: Int32 = 50

    struct Start: Equatable {
        var pid: pid_t
        /// The worker's parent: the supervisor.
        var parent: pid_t
        var group: String
        var slot: Int
        var time: Double
        var fd3: String
    }

    let directory: String
    var configPath: String { directory + "/supervisor.conf" }
    var logPath: String { directory + "/error.log" }
    var startsPath: String { directory + "/starts.log" }
    var workerPath: String { directory + "/fake-worker.sh" }
    private(set) var pid: pid_t = 0
    private var exited = false

    init() throws {
        directory = try makeTemporaryDirectory()
        try writeFile(workerPath, """
            #!/bin/sh
            # argv: worker --config-fd 4 --group NAME --slot N
            # The trap comes first: once the start is recorded, SIGTERM gets the intended answer.
            case "$5" in
            crash*) ;;
            stubborn*) trap '' TERM USR1 ;;
            *) trap 'exit 0' TERM USR1 ;;
            esac
            echo "$$ $PPID $5 $7 $(date +%s.%N) $(readlink /proc/$$/fd/3)" >> "\(startsPath)"
            case "$5" in crash*) exit 3 ;; esac
            while :; do sleep 0.05; done
            """, mode: 0o755)
    }

    func socketPath(_ group: String) -> String { directory + "/\(group).sock" }

    /// Writes the config file the Apache module would write.
    func writeConfig(serverPID: Int32 = getpid(), groups: [(name: String, options: [String: String])]) throws {
        var lines = ["mod_wsgi-supervisor-config 1", "server-pid \(serverPID)", "generation 1",
                     "log-level info", "apache-user 33", "apache-group 33"]
        for group in groups {
            lines.append("group \(group.name)")
            lines.append("socket \(socketPath(group.name))")
            for (key, value) in group.options.sorted(by: { $0.key < $1.key }) { lines.append("\(key) \(value)") }
            lines.append("end")
        }
        try writeFile(configPath, lines.joined(separator: "\n") + "\n")
    }

    private static let entryTest = "SupervisorCoreTests.SupervisorChildEntry/testRunSupervisorInThisProcess"

    /// Starts the supervisor as our child; the config's server-pid should be ours.
    func start() throws {
        let binary = try Self.testBinary()
        pid = try launch(binary, [binary, Self.entryTest])
    }

    /// Starts a stand-in for Apache's parent (a shell that becomes `sleep`), which starts the
    /// supervisor once the config naming it exists. Returns the stand-in's pid; the test owns
    /// it. `pid` stays 0: the supervisor is not our child.
    func startBehindStandInParent(groups: [(name: String, options: [String: String])]) throws -> pid_t {
        let binary = try Self.testBinary()
        let script = "while [ ! -e \"$2\" ]; do sleep 0.01; done; \"$0\" \"$1\" & exec sleep 60"
        let standIn = try launch("/bin/sh", ["sh", "-c", script, binary, Self.entryTest, configPath])
        try writeConfig(serverPID: standIn, groups: groups)
        return standIn
    }

    private static func testBinary() throws -> String {
        var exe = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &exe, exe.count - 1)
        guard length > 0 else { throw TestFailure("readlink /proc/self/exe: errno \(errno)") }
        return String(cString: exe)
    }

    private func launch(_ binary: String, _ arguments: [String]) throws -> pid_t {
        var environment = ProcessInfo.processInfo.environment
        environment[Self.configVariable] = configPath
        environment[Self.workerVariable] = workerPath
        let environmentLines = environment.map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        sys_spawn_addclosefrom(&actions, 3)
        // Stands for a descriptor Apache's parent leaves open to the supervisor.
        posix_spawn_file_actions_addopen(&actions, Self.inheritedFD, "/dev/null", O_RDONLY, 0)
        // Block the supervisor's signals from the first instruction, so no thread the test runtime
        // starts before Supervisor.run can take one with its default action.
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1] { sigaddset(&mask, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, binary, &actions, &attributes, &argv, &envp)
        guard rc == 0 else { throw TestFailure("posix_spawn \(binary): \(rc)") }
        return child
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// The supervisor's exit status, or nil if it is still running after `seconds`.
    func waitForExit(seconds: Double) -> WorkerDeathText? {
        var status: Int32 = 0
        var result: WorkerDeathText?
        waitUntil(seconds: seconds) {
            if waitpid(pid, &status, WNOHANG) == pid {
                result = WorkerDeathText(status: status)
                return true
            }
            return false
        }
        if result != nil { exited = true }
        return result
    }

    var log: String { readFile(logPath) }

    /// The first error-log line that contains every one of `parts`, or "" if there is none.
    func logLine(containing parts: String...) -> String {
        log.split(separator: "\n").first { line in parts.allSatisfy { line.contains($0) } }.map(String.init) ?? ""
    }

    var starts: [Start] {
        readFile(startsPath).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 6, let pid = pid_t(fields[0]), let parent = pid_t(fields[1]),
                  let slot = Int(fields[3]), let time = Double(fields[4]) else { return nil }
            return Start(pid: pid, parent: parent, group: fields[2], slot: slot, time: time, fd3: fields[5])
        }
    }

    func starts(group: String, slot: Int? = nil) -> [Start] {
        starts.filter { $0.group == group && (slot == nil || $0.slot == slot) }
    }

    /// Stops whatever is left (a failed test) and removes the directory.
    func cleanUp() {
        if pid > 0 && !exited {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        for start in starts {
            if processExists(start.parent) && start.parent != getpid() { kill(start.parent, SIGKILL) }
            if processExists(start.pid) { kill(start.pid, SIGKILL) }
        }
        removeTree(directory)
    }
}

/// An exit status in the supervisor's own words ("exit code 0"), for assertions.
struct WorkerDeathText: Equatable, CustomStringConvertible {
    let status: Int32
    var description: String {
        if sys_wifexited(status) != 0 { return "exit code \(sys_wexitstatus(status))" }
        return "killed by signal \(sys_wtermsig(status))"
    }
}
