// What the worker tells the interpreter at start-up (from the supervisor config).
import WireProtocol

public struct InterpreterSettings: Sendable {
    /// WSGIPythonHome / python-home: a venv or prefix; nil for Debian's /usr.
    public var pythonHome: String?
    /// python-path entries, added with site.addsitedir and hoisted to the front of sys.path.
    public var pythonPath: [String] = []
    /// home=: the working directory, also inserted at sys.path[0] as mod_wsgi does.
    public var homeDirectory: String?
    public var processGroup: String = ""
    public var processes: Int = 1
    public var threads: Int = 15
    public var multiprocess: Bool = false
    public var maximumRequests: Int = 0
    /// threads=0: a service process, which runs its import scripts and serves no requests.
    public var isServiceProcess: Bool { threads == 0 }

    // Process-wide settings (WSGIPython*, WSGIRestrict*, ...); nil = Python's own default.
    public var optimizationLevel: Int?
    public var writeBytecode = true
    /// nil or "random": a random hash seed; else that number.
    public var hashSeed: String?
    public var warnings: [String] = []
    /// PYTHON_EGG_CACHE (WSGIPythonEggs, python-eggs=).
    public var eggsDirectory: String?
    /// sys.setswitchinterval (WSGISwitchInterval, switch-interval=).
    public var switchInterval: Double?
    public var restrictStdin = false
    public var restrictStdout = false
    /// WSGIRestrictSignal: on unless turned off; never in a service process.
    public var restrictSignal = true
    /// The Apache server, for the `apache` module and environ['apache.version'].
    public var apache = ApacheServerInfo()
    /// The <WSGIInterpreterOptions> containers that may match this process's interpreters.
    public var interpreterOptions: [InterpreterOptions] = []

    public init() {}

    /// These settings as the interpreter of `applicationGroup` ("" = the main one) gets them: the
    /// matching containers, least specific first, override the scalar settings, and each adds
    /// its python path in front of those before it (so the most specific ends up first).
    public func forApplicationGroup(_ applicationGroup: String) -> InterpreterSettings {
        var settings = self
        for layer in InterpreterOptions.layers(interpreterOptions, processGroup: processGroup,
                                               applicationGroup: applicationGroup) {
            settings.pythonPath = layer.pythonPath + settings.pythonPath
            if let interval = layer.switchInterval { settings.switchInterval = interval }
            if let restrict = layer.restrictStdin { settings.restrictStdin = restrict }
            if let restrict = layer.restrictStdout { settings.restrictStdout = restrict }
            if let restrict = layer.restrictSignal { settings.restrictSignal = restrict }
        }
        return settings
    }

    /// The program name the interpreter derives its prefix from: <home>/bin/python3 gives a venv
    /// its site-packages (spike §0); never left unset, or getpath searches $PATH.
    public var programName: String {
        guard let home = pythonHome, !home.isEmpty else { return "/usr/bin/python3" }
        return home.hasSuffix("/") ? home + "bin/python3" : home + "/bin/python3"
    }

    /// wsgi.run_once is true only for one thread and one request per process.
    public var runOnce: Bool { threads == 1 && maximumRequests == 1 }
}

/// The version tuple reported as mod_wsgi.version (the mod_wsgi release whose behaviour we follow).
public let modWSGIVersion = (major: 6, minor: 0, micro: 5)
