/// The command line of `setup-server` and `start-server`, as typed, read through the option
/// table: names and defaults are mod_wsgi-express's. `ServerConfiguration.resolve` checks the
/// values and fills in what depends on the host (user, paths, locale).
public struct ServerOptions: Sendable {
    public let parsed: ParsedOptions

    public init(_ parsed: ParsedOptions) {
        self.parsed = parsed
    }

    /// Options as typed after `setup-server`; `--help` is a usage error here (callers that show
    /// help use `ExpressOptionParser` directly).
    public static func parse(_ arguments: [String]) throws -> ServerOptions {
        switch try ExpressOptionParser.parse(arguments) {
        case .options(let parsed): return ServerOptions(parsed)
        case .help: throw ExpressError("--help is only meaningful on its own")
        }
    }

    /// `--entry-point`, else the positional argument.
    public var script: String? { parsed.isGiven("entry-point") ? parsed.string("entry-point") : parsed.positional.first }
    public var port: Int { parsed.int("port")! }
    public var host: String? { parsed.string("host") }
    public var user: String? { parsed.string("user") }
    public var group: String? { parsed.string("group") }
    public var serverRoot: String? { parsed.string("server-root") }
    public var socketPrefix: String? { parsed.string("socket-prefix") }
    public var workingDirectory: String? { parsed.string("working-directory") }
    public var pythonPath: [String] { parsed.list("python-path") }
    public var includeFile: [String] { parsed.list("include-file") }
    /// Only when given: otherwise $HTTPD, then Debian's apache2.
    public var httpdExecutable: String? { given("httpd-executable") }
    public var modulesDirectory: String? { given("modules-directory") }
    public var callableObject: String { parsed.string("callable-object")! }
    /// `--locale`, else the older `--lang`.
    public var locale: String? { parsed.string("locale") ?? parsed.string("lang") }
    public var chunkedRequest: Bool { parsed.flag("chunked-request") }
    public var processes: Int? { parsed.int("processes") }
    public var threads: Int { parsed.int("threads")! }
    public var maxClients: Int? { parsed.int("max-clients") }
    public var daemonBacklog: Int { parsed.int("daemon-backlog")! }
    public var serverBacklog: Int { parsed.int("server-backlog")! }
    public var limitRequestBody: Int { parsed.int("limit-request-body")! }
    public var keepAliveTimeout: Int { parsed.int("keep-alive-timeout")! }
    public var socketTimeout: Int { parsed.int("socket-timeout")! }
    public var queueTimeout: Int { parsed.int("queue-timeout")! }
    public var connectTimeout: Int { parsed.int("connect-timeout")! }
    public var requestTimeout: Int { parsed.int("request-timeout")! }
    public var startupTimeout: Int { parsed.int("startup-timeout")! }
    public var deadlockTimeout: Int { parsed.int("deadlock-timeout")! }
    public var gracefulTimeout: Int { parsed.int("graceful-timeout")! }
    public var shutdownTimeout: Int { parsed.int("shutdown-timeout")! }
    public var inactivityTimeout: Int { parsed.int("inactivity-timeout")! }
    public var restartInterval: Int { parsed.int("restart-interval")! }
    public var maximumRequests: Int { parsed.int("maximum-requests")! }
    public var logLevel: String { parsed.string("log-level")! }
    public var logToTerminal: Bool { parsed.flag("log-to-terminal") }
    public var accessLog: Bool { parsed.flag("access-log") }
    public var setupOnly: Bool { parsed.flag("setup-only") }

    private func given(_ name: String) -> String? { parsed.isGiven(name) ? parsed.string(name) : nil }
}
