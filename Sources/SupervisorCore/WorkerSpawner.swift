#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import WireProtocol

/// Starts worker processes with posix_spawn: the group's listening socket becomes fd 3, every
/// other descriptor above 2 is closed, the signal mask and dispositions go back to defaults, and
/// stdout/stderr stay Apache's error log.
struct WorkerSpawner {
    /// The program to run: our own binary in production; a test passes a fake worker script.
    let executable: String
    let configPath: String

    /// The fd every worker finds its listening socket on (protocol/PROTOCOL.md).
    static let listenerFD: Int32 = 3

    /// argv for one worker: the display name (what `ps` shows) or our path, then the role.
    func arguments(group: DaemonGroupConfig, slot: Int) -> [String] {
        [group.displayName ?? executable, "worker", "--config", configPath,
         "--group", group.name, "--slot", String(slot), "--supervisor", String(getpid())]
    }

    func spawn(group: DaemonGroupConfig, slot: Int, listenFD: Int32) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        // dup2 onto fd 3 also clears close-on-exec there; everything from 4 up is closed.
        var rc = posix_spawn_file_actions_adddup2(&actions, listenFD, Self.listenerFD)
        if rc == 0 { rc = sys_spawn_addclosefrom(&actions, Self.listenerFD + 1) }
        if rc == 0 { rc = sys_spawnattr_reset_signals(&attributes) }
        guard rc == 0 else { throw SystemError("prepare spawn of \(executable)", code: rc) }

        let argv = CStringArray(arguments(group: group, slot: slot))
        defer { argv.free() }
        var pid: pid_t = 0
        rc = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, sys_environ())
        guard rc == 0 else { throw SystemError("spawn \(executable)", code: rc) }
        return pid
    }
}

/// A NULL-terminated array of C strings for exec-style calls; the caller frees it.
private struct CStringArray {
    var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for pointer in pointers { Glibc.free(pointer) }
    }
}
