import Foundation

/// Replaces mod_wsgi-express with `apachectl start -DFOREGROUND`, so httpd ends up as this very
/// process: Ctrl-C and SIGTERM from a terminal, a supervisor or a container runtime reach httpd
/// directly, and httpd treats both as "stop".
public enum ServerLauncher {
    public static func arguments(_ config: ServerConfiguration) -> [String] {
        [config.controlScriptPath, "start", "-DFOREGROUND"]
    }

    /// Only returns by throwing, when exec itself fails.
    public static func execApache(_ config: ServerConfiguration) throws -> Never {
        let arguments = arguments(config)
        // Text still buffered in this process would be lost by exec.
        fflush(nil)
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv(arguments[0], &cArguments)
        let reason = String(cString: strerror(errno))
        throw ExpressError("cannot run \(arguments[0]): \(reason)", exitCode: 1)
    }
}
