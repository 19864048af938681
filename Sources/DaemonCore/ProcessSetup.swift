// Turning the freshly spawned (root) process into the group's worker before Python starts:
// locale, identity, working directory, umask, parent-death signal, process name.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import WireProtocol

struct ProcessIdentity {
    var uid: uid_t
    var gid: gid_t
    var userName: String?
}

enum ProcessSetup {
    /// lang= and locale= (LANG, LC_ALL + setlocale). Returns a warning to log, if any.
    static func applyLocale(group: DaemonGroupConfig) -> String? {
        if let lang = group.lang { setenv("LANG", lang, 1) }
        guard let locale = group.locale else { return nil }
        setenv("LC_ALL", locale, 1)
        if setlocale(LC_ALL, locale) == nil {
            return "Unsupported locale setting '\(locale)' specified for daemon process group '\(group.name)'."
        }
        return nil
    }

    /// cpu-priority= and the resource limits (cpu-time-limit=, memory-limit=,
    /// virtual-memory-limit=), set while still root: a negative nice needs it. The CPU limit's hard
    /// edge leaves 1 + shutdown-timeout seconds after SIGXCPU for a graceful stop before the
    /// kernel's SIGKILL, as mod_wsgi does.
    static func applyLimits(group: DaemonGroupConfig) throws {
        if group.cpuPriority != 0 {
            guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Int32(group.cpuPriority)) == 0 else {
                throw failure("setpriority(\(group.cpuPriority)) for cpu-priority")
            }
        }
        if group.cpuTimeLimit > 0 {
            let soft = UInt(group.cpuTimeLimit)
            try limit(RLIMIT_CPU, soft: soft, hard: soft + 1 + UInt(max(group.shutdownTimeout, 0)), option: "cpu-time-limit")
        }
        if group.memoryLimit > 0 {
            try limit(RLIMIT_DATA, soft: UInt(group.memoryLimit), hard: UInt(group.memoryLimit), option: "memory-limit")
        }
        if group.virtualMemoryLimit > 0 {
            let bytes = UInt(group.virtualMemoryLimit)
            try limit(RLIMIT_AS, soft: bytes, hard: bytes, option: "virtual-memory-limit")
        }
    }

    private static func limit(_ resource: __rlimit_resource, soft: UInt, hard: UInt, option: String) throws {
        var value = rlimit(rlim_cur: soft, rlim_max: hard)
        guard setrlimit(__rlimit_resource_t(resource.rawValue), &value) == 0 else {
            throw failure("setrlimit for \(option)=\(soft)")
        }
    }

    /// Who the worker runs as: the group's user=/group=, else Apache's User/Group. Never root, and
    /// never with the root group (the module refuses both too; this is the last line).
    static func identity(config: SupervisorConfig, group: DaemonGroupConfig) throws -> ProcessIdentity {
        let uid = group.uid ?? config.apacheUID
        let gid = group.gid ?? config.apacheGID
        if geteuid() == 0 && uid == 0 {
            throw WorkerError.setup("refusing to run WSGI daemon process group '\(group.name)' as root: configure user= or Apache's User")
        }
        if geteuid() == 0 && (gid == 0 || group.supplementaryGroups.contains(0)) {
            throw WorkerError.setup("refusing to run WSGI daemon process group '\(group.name)' with the root group (gid 0): configure group= and supplementary-groups= without it")
        }
        return ProcessIdentity(uid: uid, gid: gid, userName: group.userName ?? passwordEntry(uid)?.name)
    }

    /// chroot= (while still root), setgid, supplementary groups, setuid, then proof that root
    /// cannot be regained and that the group list is exactly the configured one. The group list is
    /// worked out before the chroot, from the system's group database, not the jail's. A no-op when
    /// not started as root (tests running as an ordinary user).
    static func dropPrivileges(to identity: ProcessIdentity, supplementaryGroups: [gid_t],
                               jail: String? = nil) throws {
        guard geteuid() == 0 else {
            if let jail { throw WorkerError.setup("chroot=\(jail) needs the worker to start as root (Apache started as root)") }
            return
        }
        let expected = try expectedGroups(identity: identity, supplementaryGroups: supplementaryGroups)
        if let jail {
            guard chroot(jail) == 0 else { throw failure("chroot(\(jail))") }
            guard chdir("/") == 0 else { throw failure("chdir(/) in the chroot \(jail)") }
        }
        guard setgid(identity.gid) == 0 else { throw failure("setgid(\(identity.gid))") }
        // What initgroups would set, without reading a group database in the jail.
        guard setgroups(expected.count, expected) == 0 else { throw failure("setgroups") }
        guard setuid(identity.uid) == 0 else { throw failure("setuid(\(identity.uid))") }
        guard getuid() == identity.uid, geteuid() == identity.uid, getgid() == identity.gid,
              getegid() == identity.gid else {
            throw WorkerError.setup("privilege drop did not take: uid=\(getuid()) euid=\(geteuid()) gid=\(getgid()) egid=\(getegid())")
        }
        guard setuid(0) != 0 else { throw WorkerError.setup("setuid(0) succeeded after dropping privileges") }
        let actual = try currentGroups()
        guard Set(actual) == Set(expected), !actual.contains(0) else {
            throw WorkerError.setup("after the privilege drop the process has groups \(actual.sorted()), not the configured \(expected.sorted()); refusing to start Python")
        }
    }

    /// The group list the drop must give: group= plus supplementary-groups= when that is set,
    /// else what initgroups gives the user (the user's groups in the group database), else group=.
    static func expectedGroups(identity: ProcessIdentity, supplementaryGroups: [gid_t]) throws -> [gid_t] {
        if !supplementaryGroups.isEmpty { return [identity.gid] + supplementaryGroups }
        guard let name = identity.userName else { return [identity.gid] }
        var count: Int32 = 32
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let found = getgrouplist(name, identity.gid, &groups, &count)
            if found >= 0 { return Array(groups.prefix(Int(found))) }
            guard count > Int32(groups.count) else { throw failure("getgrouplist(\(name))") }
        }
    }

    private static func currentGroups() throws -> [gid_t] {
        let count = getgroups(0, nil)
        guard count >= 0 else { throw failure("getgroups") }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let filled = getgroups(count, &groups)
        guard filled >= 0 else { throw failure("getgroups") }
        return Array(groups.prefix(Int(filled)))
    }

    /// home= (must work), else the user's home directory when running as another user than Apache.
    static func changeDirectory(group: DaemonGroupConfig, identity: ProcessIdentity, apacheUID: uid_t) throws -> String? {
        if let home = group.home {
            guard chdir(home) == 0 else { throw failure("chdir(\(home))") }
            return nil
        }
        guard identity.uid != apacheUID, let directory = passwordEntry(identity.uid)?.home else { return nil }
        if chdir(directory) != 0 {
            return "Unable to change working directory to home directory '\(directory)' for uid \(identity.uid): \(String(cString: strerror(errno)))."
        }
        return nil
    }

    /// Dies with the supervisor: PR_SET_PDEATHSIG after setuid (the kernel clears it on credential
    /// changes), then a check that the parent did not already go away in between.
    static func followParent(expectedParent: pid_t) throws {
        guard sys_set_parent_death_signal(SIGTERM) == 0 else { throw failure("prctl(PR_SET_PDEATHSIG)") }
        guard getppid() == expectedParent else {
            throw WorkerError.setup("the supervisor (pid \(expectedParent)) exited during start-up")
        }
    }

    /// The short process name `ps -o comm`/`top` show.
    static func setName(group: DaemonGroupConfig) {
        var name = group.displayName ?? "(wsgi:\(group.name))"
        if name == "%{GROUP}" { name = "(wsgi:\(group.name))" }
        _ = sys_set_process_name(String(name.utf8.prefix(15)) ?? name)
    }

    static func passwordEntry(_ uid: uid_t) -> (name: String, home: String)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return (String(cString: entry.pw_name), String(cString: entry.pw_dir))
    }

    private static func failure(_ what: String) -> WorkerError {
        .setup("\(what) failed: \(String(cString: strerror(errno)))")
    }
}
