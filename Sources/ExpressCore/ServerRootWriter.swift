import Foundation

/// Writes the server root: httpd.conf, apachectl, envvars, the default script and htdocs.
///
/// Apache's parent runs as root and reads httpd.conf, so the server root must not be writable by
/// anyone else: an existing directory is only reused when the invoking user owns it and it is not
/// group- or world-writable (the default lives in /tmp, where anyone could create it first).
/// What it creates is readable (0755/0644) for Apache's children and the daemon processes.
/// Nothing is chowned to --user: Apache's parent writes the logs and the pid file, and the
/// supervisor creates the sockets and hands them to Apache's user itself.
public struct ServerRootWriter {
    public let config: ServerConfiguration

    public init(_ config: ServerConfiguration) {
        self.config = config
    }

    public func write() throws {
        try prepareDirectory(config.serverRoot, what: "server root")
        try makeDirectory(config.documentRoot)
        // The mount point must exist under the document root for its rewrite rule to apply.
        if config.site.mountPoint != "/" { try makeDirectory(HandlerSection.mountDirectory(config)) }
        if !config.logToTerminal && !isDirectory(config.logDirectory) { try makeDirectory(config.logDirectory) }
        for directory in [config.debugging.coverageDirectory, config.debugging.profilerDirectory,
                          config.debugging.recorderDirectory].compactMap({ $0 }) {
            try makeDirectory(directory, owner: config)
        }
        if let eggs = config.site.pythonEggs { try makeDirectory(eggs, owner: config) }
        if config.socketDirectory != config.serverRoot && !isDirectory(config.socketDirectory) {
            try makeDirectory(config.socketDirectory)
        }
        if config.usesDefaultScript {
            try writeFile(config.defaultScriptPath,
                          DefaultApplication.script(callableObject: config.callableObject), mode: 0o644)
        }
        if config.mimeTypesFile.hasPrefix(config.serverRoot + "/") {
            try writeIfAbsent(config.mimeTypesFile, "# No system mime.types was found.\n")
        }
        if let script = config.apache.envvarsScript {
            try writeFile(config.envvarsPath, ". \(ShellQuoting.singleQuoted(script))\n", mode: 0o644)
        } else {
            try writeIfAbsent(config.envvarsPath, "")
        }
        try writeFile(config.handlerScriptPath, HandlerScriptTemplate.render(config), mode: 0o644)
        if !config.site.handlerScripts.isEmpty {
            try writeFile(config.resourceScriptPath, ResourceScriptTemplate.render(config), mode: 0o644)
        } else if unlink(config.resourceScriptPath) != 0 && errno != ENOENT {
            // A setup without --add-handler leaves no resource.wsgi of an earlier one behind.
            throw ExpressError("cannot remove \(config.resourceScriptPath): \(String(cString: strerror(errno)))",
                               exitCode: 1)
        }
        try writeFile(config.configPath, HttpdConfTemplate.render(config), mode: 0o644)
        try writeFile(config.controlScriptPath, ApachectlTemplate.render(config), mode: 0o755)
    }

    /// Makes the server root ours: mkdir(2) creates it or fails because something is there, and
    /// only then is an existing directory looked at, so no one can slip theirs in between a
    /// check and a create. Its parent must be a directory that only root or we can change (or a
    /// sticky one, like /tmp), or else whoever can write the parent could swap the root later.
    private func prepareDirectory(_ path: String, what: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !isDirectory(parent) { try makeDirectory(parent) }
        if let problem = TrustedDirectory.problem(parent, owner: config.invokingUID) {
            throw ExpressError("cannot use \(what) \(path): \(problem)")
        }
        if mkdir(path, 0o755) == 0 {
            try setMode(path, 0o755)
            return
        }
        guard errno == EEXIST else {
            throw ExpressError("cannot create directory \(path): \(String(cString: strerror(errno)))", exitCode: 1)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw ExpressError("cannot use \(what) \(path): \(String(cString: strerror(errno)))", exitCode: 1)
        }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            throw ExpressError("\(what) \(path) exists and is not a directory (or is a symbolic link)")
        }
        if info.st_uid != config.invokingUID {
            throw ExpressError("\(what) \(path) belongs to uid \(info.st_uid), not to you (uid "
                               + "\(config.invokingUID)); remove it or choose another --server-root")
        }
        if info.st_mode & 0o022 != 0 {
            throw ExpressError("\(what) \(path) is writable by other users; remove it or run "
                               + "chmod go-w on it")
        }
        // An existing directory keeps its mode (it may be the user's own); AccessWarnings says
        // when Apache's user cannot get in.
    }

    /// A directory the daemon processes write into: handed to --user when we are root.
    private func makeDirectory(_ path: String, owner config: ServerConfiguration) throws {
        let existed = isDirectory(path)
        try makeDirectory(path)
        guard !existed, config.invokingUID == 0, let account = getpwnam(config.user) else { return }
        let gid = getgrnam(config.group)?.pointee.gr_gid ?? account.pointee.pw_gid
        if chown(path, account.pointee.pw_uid, gid) != 0 {
            throw ExpressError("cannot hand \(path) to \(config.user): \(String(cString: strerror(errno)))", exitCode: 1)
        }
    }

    /// Creates a missing directory, readable by all; an existing one (perhaps the user's own
    /// --document-root) is left as it is.
    private func makeDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ExpressError("cannot create directory \(path): \(reason(error))", exitCode: 1)
        }
        try setMode(path, 0o755)
    }

    private func writeIfAbsent(_ path: String, _ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            try writeFile(path, text, mode: 0o644)
        }
    }

    private func writeFile(_ path: String, _ text: String, mode: mode_t) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ExpressError("cannot write \(path): \(reason(error))", exitCode: 1)
        }
        try setMode(path, mode)
    }

    private func setMode(_ path: String, _ mode: mode_t) throws {
        if chmod(path, mode) != 0 {
            throw ExpressError("cannot set permissions of \(path): \(String(cString: strerror(errno)))",
                               exitCode: 1)
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    private func reason(_ error: Error) -> String {
        (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
