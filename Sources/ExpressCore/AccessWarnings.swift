import Foundation

/// Warns when Apache's children or the daemon processes, which run as --user rather than as the
/// invoking root, will not be able to reach a file they need: a script under /root is the usual
/// case. Apache itself would only say "permission denied" at request time.
public enum AccessWarnings {
    /// One line per unreachable path, naming the directory that blocks it.
    public static func warnings(for config: ServerConfiguration,
                                modeOf: (String) -> mode_t? = AccessWarnings.mode) -> [String] {
        guard config.invokingUID == 0 else { return [] }
        let needed = [("WSGI script", config.scriptPath), ("working directory", config.workingDirectory),
                      ("socket directory", config.socketDirectory)]
        return needed.compactMap { what, path in
            guard let blocker = firstClosedDirectory(above: path, modeOf: modeOf) else { return nil }
            return "\(what) \(path) may be out of reach of user \(config.user): "
                + "\(blocker) is not searchable by other users (chmod o+x it, or move the file)"
        }
    }

    /// The nearest existing ancestor directory (or the path itself, when a directory) that
    /// lacks the search bit for others.
    static func firstClosedDirectory(above path: String, modeOf: (String) -> mode_t?) -> String? {
        var directories: [String] = []
        var current = path
        while current != "/" && !current.isEmpty {
            current = (current as NSString).deletingLastPathComponent
            directories.append(current)
        }
        if let mode = modeOf(path), mode & S_IFMT == S_IFDIR { directories.insert(path, at: 0) }
        return directories.reversed().first { directory in
            guard let mode = modeOf(directory) else { return false }
            return mode & S_IFMT == S_IFDIR && mode & 0o001 == 0
        }
    }

    /// The file's type and permission bits, following symbolic links; nil when it does not exist.
    public static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode : nil
    }
}
