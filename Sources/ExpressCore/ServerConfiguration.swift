/// Everything the generated files need, checked and complete: paths are absolute, accounts and
/// the module are looked up, defaults that depend on the host are filled in.
/// Built by `ServerConfiguration.resolve(_:in:)`.
public struct ServerConfiguration: Equatable, Sendable {
    /// Timeouts, limits and buffers passed to WSGIDaemonProcess under mod_wsgi's option names.
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
        public var interruptTimeout = 0
        public var evictionTimeout = 0
        public var cpuTimeLimit = 0
        public var sendBufferSize = 0
        public var receiveBufferSize = 0
        public var headerBufferSize = 0
        public var responseBufferSize = 0
        public var responseSocketTimeout = 0
        public var responseFlushDelay = 5
        public var switchInterval: Double?
    }

    public enum ApplicationType: String, Equatable, Sendable {
        case script, module, paste, `static`
    }

    /// HTTPS: a second listener with its own virtual host(s).
    public struct TLS: Equatable, Sendable {
        public var port: Int
        public var certificateFile: String
        public var keyFile: String
        public var chainFile: String?
        public var caCertificateFile: String?
        /// URLs needing a client certificate; `/` when only the CA file is given.
        public var verifyClientURLs: [String]
        public var passEnvironment: Bool
        public var httpsOnly: Bool
        public var hstsPolicy: String?
    }

    /// Log files, formats and rotation.
    public struct Logs: Equatable, Sendable {
        public var directory: String
        public var errorLogName: String
        public var accessLogName: String
        /// `common`, `combined` or a LogFormat string.
        public var accessLogFormat: String
        public var errorLogFormat: String?
        public var rotate: Bool
        public var maxSizeMB: Int
        public var rotatelogs: String
        /// httpd's `-E` file for start-up messages.
        public var startupLog: String?
    }

    /// The debugging aids of --debug-mode.
    public struct Debugging: Equatable, Sendable {
        public var enabled = false
        public var debugger = false
        public var debuggerStartup = false
        public var coverageDirectory: String?
        public var profilerDirectory: String?
        public var recorderDirectory: String?
        public var gdbExecutable: String?
    }

    /// A --service-script: a script run in a daemon process of its own, with no request threads.
    public struct Service: Equatable, Sendable {
        public var name: String
        public var script: String
        public var user: String
        public var group: String
        public var logFile: String?
    }

    /// Address to listen on; nil listens on every address.
    public var host: String?
    /// `--host`, or `localhost`: part of the group and server-root names.
    public var serverName: String
    /// `--server-name`: the site then answers only to it (and its aliases).
    public var siteName: String?
    public var serverAliases: [String] = []
    public var allowLocalhost = false
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
    /// MOD_WSGI_PYTHON_HOME, written as WSGIPythonHome (the pip entry point sets it).
    public var pythonHome: String?
    /// The entry point: a script or Paste file path, a module name, or "" for static sites.
    public var scriptPath: String
    public var applicationType: ApplicationType = .script
    public var usesDefaultScript: Bool
    public var callableObject: String
    /// nil is the main interpreter, %{GLOBAL}.
    public var applicationGroup: String?
    public var processGroupOption: String?
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
    public var logs: Logs? = nil
    public var pidFileOption: String?

    public var tls: TLS?
    public var site = Site()
    public var apache = ApacheTuning()
    public var debugging = Debugging()
    public var services: [Service] = []
    public var reloadOnChanges = false
    public var disableReloading = false

    /// The WSGIDaemonProcess group name, `<server name>:<port>` unless --process-group.
    public var processGroup: String { processGroupOption ?? "\(serverName):\(port)" }
    /// What the daemon processes show in ps.
    public var displayName: String {
        processGroupOption.map { "(wsgi:\($0))" } ?? "(wsgi:\(serverName):\(port):\(invokingUID))"
    }
    public var configPath: String { serverRoot + "/httpd.conf" }
    public var controlScriptPath: String { serverRoot + "/apachectl" }
    public var envvarsPath: String { serverRoot + "/envvars" }
    public var handlerScriptPath: String { serverRoot + "/handler.wsgi" }
    public var resourceScriptPath: String { serverRoot + "/resource.wsgi" }
    public var pidFilePath: String { pidFileOption ?? serverRoot + "/httpd.pid" }
    public var documentRoot: String { site.documentRoot ?? serverRoot + "/htdocs" }
    public var defaultScriptPath: String { serverRoot + "/default.wsgi" }
    public var logDirectory: String { logs?.directory ?? serverRoot }
    public var errorLogPath: String {
        logToTerminal ? "/dev/stderr" : logDirectory + "/" + (logs?.errorLogName ?? "error_log")
    }
    public var accessLogPath: String {
        logToTerminal ? "/dev/stdout" : logDirectory + "/" + (logs?.accessLogName ?? "access_log")
    }
    /// The host name in URLs: --server-name, else --host, else localhost.
    public var urlHost: String {
        let name = siteName ?? serverName
        return name.contains(":") ? "[\(name)]" : name
    }
    /// The URL a browser on this machine would use.
    public var serverURL: String { port == 80 ? "http://\(urlHost)/" : "http://\(urlHost):\(port)/" }
    public var httpsURL: String? {
        tls.map { $0.port == 443 ? "https://\(urlHost)/" : "https://\(urlHost):\($0.port)/" }
    }
}
