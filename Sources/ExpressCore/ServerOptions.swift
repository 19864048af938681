import ArgumentParser

/// The command line of `setup-server` and `start-server`, as typed. Names and defaults follow
/// mod_wsgi-express; `ServerConfiguration.resolve` checks the values and fills in what depends on
/// the host (user, paths, locale).
public struct ServerOptions: ParsableArguments, Sendable {
    public init() {}

    @Argument(help: "The WSGI script to serve (default: a welcome page written into the server root).")
    public var script: String?

    // Network
    @Option(help: "Port Apache listens on.")
    public var port: Int = 8000
    @Option(help: "Address to listen on (default: all addresses, with ServerName localhost).")
    public var host: String?

    // Accounts
    @Option(help: "User that Apache's children and the daemon processes run as (required when run as root).")
    public var user: String?
    @Option(help: "Group for Apache's children and the daemon processes (default: the user's primary group).")
    public var group: String?

    // Where things go
    @Option(help: "Directory for the generated configuration, logs and sockets.")
    public var serverRoot: String?
    @Option(help: "Directory for the daemon sockets (default: the server root).")
    public var socketPrefix: String?
    @Option(help: "Directory the application starts in; also first on sys.path (default: the current directory).")
    public var workingDirectory: String?
    @Option(help: "Directory to add to the application's sys.path (repeatable).")
    public var pythonPath: [String] = []
    @Option(help: "Apache configuration file to include at the end of httpd.conf (repeatable).")
    public var includeFile: [String] = []
    @Option(help: "Apache executable (default: $HTTPD, else /usr/sbin/apache2).")
    public var httpdExecutable: String?
    @Option(help: "Directory holding Apache's modules and mod_wsgi-swift.so when it is not beside this program.")
    public var modulesDirectory: String?

    // Application
    @Option(help: "Name of the WSGI callable in the script.")
    public var callableObject: String = "application"
    @Option(help: "Locale for the daemon processes (default: the current one, else en_US.UTF-8 or C.UTF-8).")
    public var locale: String?
    @Flag(help: "Accept request bodies sent with chunked transfer encoding.")
    public var chunkedRequest = false

    // Capacity
    @Option(help: "Number of daemon processes (default 1; giving it sets wsgi.multiprocess).")
    public var processes: Int?
    @Option(help: "Request threads per daemon process.")
    public var threads: Int = 5
    @Option(help: "Most concurrent client connections Apache accepts (default from processes and threads).")
    public var maxClients: Int?
    @Option(help: "Listen backlog of each daemon socket.")
    public var listenBacklog: Int = 100
    @Option(help: "Listen backlog of Apache's HTTP socket.")
    public var serverBacklog: Int = 500
    @Option(help: "Largest request body in bytes (0 = unlimited).")
    public var limitRequestBody: Int = 10_485_760
    @Option(help: "Seconds an idle client connection is kept open (0 turns keep-alive off).")
    public var keepAliveTimeout: Int = 2

    // Daemon timeouts, in seconds (0 = off unless said otherwise)
    @Option(help: "Seconds for each read or write between Apache and a daemon process.")
    public var socketTimeout: Int = 60
    @Option(help: "Seconds a request may wait for a free daemon thread before a 504.")
    public var queueTimeout: Int = 45
    @Option(help: "Seconds Apache keeps trying to connect to the daemon before a 503.")
    public var connectTimeout: Int = 15
    @Option(help: "Seconds a request may run before the daemon process is restarted.")
    public var requestTimeout: Int = 60
    @Option(help: "Seconds the application may take to load on its first request.")
    public var startupTimeout: Int = 15
    @Option(help: "Seconds the Python GIL may be held without release before a restart.")
    public var deadlockTimeout: Int = 60
    @Option(help: "Seconds a recycling daemon process waits for running requests.")
    public var gracefulTimeout: Int = 15
    @Option(help: "Seconds a stopping daemon process is given before it is killed.")
    public var shutdownTimeout: Int = 5
    @Option(help: "Seconds without requests after which a daemon process is restarted.")
    public var inactivityTimeout: Int = 0
    @Option(help: "Seconds after which a daemon process is restarted regardless.")
    public var restartInterval: Int = 0
    @Option(help: "Requests after which a daemon process is restarted.")
    public var maximumRequests: Int = 0

    // Logging
    @Option(help: "Apache LogLevel: emerg, alert, crit, error, warn, notice, info, debug, trace1..trace8.")
    public var logLevel: String = "warn"
    @Flag(help: "Send the error log (and access log) to the terminal instead of files.")
    public var logToTerminal = false
    @Flag(help: "Write an access log.")
    public var accessLog = false

    @Flag(help: "Only write the server root; do not start Apache (start-server).")
    public var setupOnly = false
}
