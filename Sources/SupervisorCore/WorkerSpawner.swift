#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import WireProtocol

/// Starts worker processes with posix_spawn: the group's listening socket becomes fd 3 and its
/// sealed config fd 4, every other descriptor above 2 is closed, the signal mask and dispositions
/// go back to defaults, and stdout/stderr stay Apache's error log.
struct WorkerSpawner {
    /// The program to run: our own binary in production; a test passes a fake worker script.
    let executable: String

    /// The fds every worker finds its listening socket and its config on (protocol/PROTOCOL.md).
    static let listenerFD: Int32 = 3
    static let configFD: Int32 = 4

    /// argv for one worker: the display name (what `ps` shows) or our path, then the role.
    func arguments(group: DaemonGroupConfig, slot: Int) -> [String] {
        [group.displayName ?? executable, "worker", "--config-fd", String(Self.configFD),
         "--group", group.name, "--slot", String(slot), "--supervisor", String(getpid())]
    }

    /// A sealed memory file with what a worker of `group` may know: the global keys and its own
    /// group, never another group's secret. Close-on-exec: only `spawn` hands it on, as fd 4.
    static func sealedConfig(_ config: SupervisorConfig, group: DaemonGroupConfig) throws(SystemError) -> Int32 {
        let text = Array(config.text(forGroup: group.name)!.utf8)
        let fd = text.withUnsafeBytes { sys_sealed_memfd("mod_wsgi-worker-config", $0.baseAddress, $0.count) }
        guard fd >= 0 else { throw SystemError("memfd_create for group \(group.name)") }
        return fd
    }

    func spawn(group: DaemonGroupConfig, slot: Int, listenFD: Int32, configFD: Int32) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        // dup2 onto fds 3 and 4 also clears close-on-exec there; everything from 5 up is closed.
        var rc = posix_spawn_file_actions_adddup2(&actions, listenFD, Self.listenerFD)
        if rc == 0 { rc = posix_spawn_file_actions_adddup2(&actions, configFD, Self.configFD) }
        if rc == 0 { rc = sys_spawn_addclosefrom(&actions, Self.configFD + 1) }
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
