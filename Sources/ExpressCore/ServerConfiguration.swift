/// Everything the generated files need, checked and complete: paths are absolute, accounts and
/// the module are looked up, defaults that depend on the host are filled in.
/// Built by `ServerConfiguration.resolve(_:in:)`.
public struct ServerConfiguration: Equatable, Sendable {
    /// Timeouts and limits passed to WSGIDaemonProcess under mod_wsgi's option names.
    public struct DaemonLimits: Equatable, Sendable {
        public var listenBacklog: Int
        public var queueTimeout: Int
        public var socketTimeout: Int
        public var connectTimeout: Int
        public var requestTimeout: Int
        public var inactivityTimeout: Int
        public var startupTimeout: Int
        public var deadlockTimeout: Int
        public var gracefulTimeout: Int
        public var shutdownTimeout: Int
        public var restartInterval: Int
        public var maximumRequests: Int
    }

    /// Address to listen on; nil listens on every address.
    public var host: String?
    /// `--host`, or `localhost`: the ServerName and part of the group and server-root names.
    public var serverName: String
    public var port: Int
    public var user: String
    public var group: String
    /// The invoking user's id, part of the default names like in mod_wsgi-express.
    public var invokingUID: UInt32

    public var serverRoot: String
    /// Directory for the daemon sockets (WSGISocketPrefix is this plus `/wsgi`).
    public var socketDirectory: String
    public var workingDirectory: String
    public var pythonPath: [String]
    public var includeFiles: [String]
    public var httpdExecutable: String
    public var modulesDirectory: String
    /// The system's mime.types, or an empty one written into the server root when there is none.
    public var mimeTypesFile: String
    public var module: ModuleLocator.Location
    /// The WSGI script; `<server root>/default.wsgi` when none was given.
    public var scriptPath: String
    public var usesDefaultScript: Bool
    public var callableObject: String
    public var locale: String
    public var chunkedRequest: Bool

    /// Daemon processes; `processesGiven` says whether `--processes` was on the command line.
    public var processes: Int
    public var processesGiven: Bool
    public var threads: Int
    public var maxClients: Int
    public var serverBacklog: Int
    public var limitRequestBody: Int
    public var keepAliveTimeout: Int
    public var daemon: DaemonLimits

    public var logLevel: String
    public var logToTerminal: Bool
    public var accessLog: Bool

    /// The WSGIDaemonProcess group name, `<server name>:<port>`.
    public var processGroup: String { "\(serverName):\(port)" }
    /// What the daemon processes show in ps.
    public var displayName: String { "(wsgi:\(serverName):\(port):\(invokingUID))" }
    public var configPath: String { serverRoot + "/httpd.conf" }
    public var controlScriptPath: String { serverRoot + "/apachectl" }
    public var envvarsPath: String { serverRoot + "/envvars" }
    public var pidFilePath: String { serverRoot + "/httpd.pid" }
    public var documentRoot: String { serverRoot + "/htdocs" }
    public var defaultScriptPath: String { serverRoot + "/default.wsgi" }
    public var errorLogPath: String { logToTerminal ? "/dev/stderr" : serverRoot + "/error_log" }
    public var accessLogPath: String { logToTerminal ? "/dev/stdout" : serverRoot + "/access_log" }
    /// The URL a browser on this machine would use.
    public var serverURL: String {
        let name = serverName.contains(":") ? "[\(serverName)]" : serverName
        return "http://\(name):\(port)/"
    }
}
