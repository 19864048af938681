import Foundation

/// Turns paths from the command line into clean absolute paths, relative to the directory
/// mod_wsgi-express was started in (like os.path.abspath in mod_wsgi-express).
enum PathResolution {
    static func absolute(_ path: String, from directory: String) -> String {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        var result = URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// An executable given by path, or by bare name looked up on PATH.
    static func executable(_ name: String, in host: HostEnvironment) -> String? {
        if name.contains("/") {
            let path = absolute(name, from: host.currentDirectory)
            return host.isExecutable(path) ? path : nil
        }
        let searchPath = host.variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if host.isExecutable(candidate) { return absolute(candidate, from: host.currentDirectory) }
        }
        return nil
    }
}
