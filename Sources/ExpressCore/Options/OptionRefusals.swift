/// Options mod_wsgi-express accepts that cannot act here: giving one is an error that says why,
/// never a silent no-op.
enum OptionRefusals {
    /// The options the configuration reads so far; the others are refused rather than ignored.
    static let acting: Set<String> = [
        "entry-point", "port", "host", "user", "group", "server-root", "socket-prefix", "working-directory",
        "python-path", "include-file", "httpd-executable", "modules-directory", "callable-object", "locale",
        "lang", "chunked-request", "processes", "threads", "max-clients", "daemon-backlog", "server-backlog",
        "limit-request-body", "keep-alive-timeout", "socket-timeout", "queue-timeout", "connect-timeout",
        "request-timeout", "startup-timeout", "deadlock-timeout", "graceful-timeout", "shutdown-timeout",
        "inactivity-timeout", "restart-interval", "maximum-requests", "log-level", "log-to-terminal",
        "access-log", "setup-only",
    ]

    static func check(_ parsed: ParsedOptions) throws {
        for name in parsed.typed {
            guard let option = ExpressOptionTable.option(name),
                  case .refused(let reason) = option.treatment else { continue }
            throw ExpressError("--\(name) is not supported: \(reason)")
        }
        if let name = parsed.typed.first(where: { !acting.contains(ExpressOptionTable.option($0)?.canonicalName ?? $0) }) {
            throw ExpressError("--\(name) is not implemented in mod_wsgi-swift yet")
        }
    }
}
