import Foundation

/// Copies the module and the daemon it starts into Apache's modules directory, under names no
/// Debian package uses (mod_wsgi-swift.so, mod_wsgi-daemon), and never over a file a package
/// owns. Each file is written beside its target and renamed into place, so a running Apache
/// keeps the copy it has mapped.
struct ModuleInstaller {
    static let daemonFileName = "mod_wsgi-daemon"

    /// The package that owns a path, or nil.
    let packageOwning: (String) -> String?

    /// Returns the installed module's path.
    func install(moduleFrom module: String, into directory: String) throws -> String {
        let sourceDirectory = (module as NSString).deletingLastPathComponent
        let daemon = sourceDirectory + "/" + Self.daemonFileName
        let moduleTarget = directory + "/" + ModuleLocator.moduleFileName
        let daemonTarget = directory + "/" + Self.daemonFileName
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExpressError("modules directory \(directory): no such directory", exitCode: 1)
        }
        guard FileManager.default.isExecutableFile(atPath: daemon) else {
            throw ExpressError("\(daemon) is missing: the module starts the daemon from beside itself, "
                               + "so both must be installed together (build with make)", exitCode: 1)
        }
        for target in [moduleTarget, daemonTarget] {
            if let package = packageOwning(target) {
                throw ExpressError("refusing to overwrite \(target): it belongs to the Debian package "
                                   + "\(package); pass --modules-directory to install elsewhere", exitCode: 1)
            }
        }
        // Installing the copy that is already there is nothing to do.
        if (module as NSString).standardizingPath == (moduleTarget as NSString).standardizingPath {
            return moduleTarget
        }
        try copy(module, to: moduleTarget, mode: 0o644)
        try copy(daemon, to: daemonTarget, mode: 0o755)
        return moduleTarget
    }

    private func copy(_ source: String, to target: String, mode: mode_t) throws {
        let temporary = target + ".installing.\(getpid())"
        do {
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
        } catch {
            throw ExpressError("cannot copy \(source) to \(temporary): \(error.localizedDescription)", exitCode: 1)
        }
        if chmod(temporary, mode) != 0 || rename(temporary, target) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ExpressError("cannot install \(target): \(reason)", exitCode: 1)
        }
    }

    /// `dpkg-query -S PATH` names the owning package; no dpkg means no packages to protect.
    static func dpkgOwner(_ path: String) -> String? {
        guard let output = run("/usr/bin/dpkg-query", ["-S", path]), !output.isEmpty else { return nil }
        return output.split(separator: ":").first.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// How httpd.conf names an installed module: relative to Apache's ServerRoot when it lies
    /// below it (mod_wsgi's README form, `modules/NAME.so`), else by its absolute path (Debian's
    /// ServerRoot is /etc/apache2, its modules are in /usr/lib/apache2/modules).
    static func loadPath(_ installed: String, serverRoot: String?) -> String {
        guard let root = serverRoot, !root.isEmpty else { return installed }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return installed.hasPrefix(prefix) ? String(installed.dropFirst(prefix.count)) : installed
    }

    /// HTTPD_ROOT from `httpd -V` ($HTTPD, else Debian's apache2), Apache's default ServerRoot.
    static func apacheServerRoot() -> String? {
        let httpd = ProcessInfo.processInfo.environment["HTTPD"] ?? "/usr/sbin/apache2"
        // -V prints the build settings even when the default configuration does not parse
        // (Debian's needs its envvars), and then exits 1: the status says nothing here.
        guard let output = run(httpd, ["-V"], anyStatus: true) else { return nil }
        for line in output.split(separator: "\n") where line.contains("HTTPD_ROOT=") {
            return line.split(separator: "\"").dropFirst().first.map(String.init)
        }
        return nil
    }

    /// `apxs -q LIBEXECDIR`, when apxs is installed.
    static func apxsModulesDirectory() -> String? {
        let apxs = ProcessInfo.processInfo.environment["APXS"] ?? "/usr/bin/apxs"
        guard let output = run(apxs, ["-q", "LIBEXECDIR"]) else { return nil }
        let directory = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return directory.isEmpty ? nil : directory
    }

    /// The program's standard output when it exits 0 (or whatever its status), else nil.
    private static func run(_ executable: String, _ arguments: [String], anyStatus: Bool = false) -> String? {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard anyStatus || process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
