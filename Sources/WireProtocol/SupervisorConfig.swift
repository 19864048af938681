// The supervisor config the Apache module hands over at start-up (protocol/PROTOCOL.md,
// "Supervisor config"). The supervisor reads the whole of it and gives each worker the part for
// its own group (`text(forGroup:)`); one parser serves both.
#if canImport(Glibc)
import Glibc
#endif

/// A config file line the parser could not accept, named by line number and key.
public struct SupervisorConfigError: Error, CustomStringConvertible, Equatable {
    public var line: Int
    public var message: String
    public var description: String { "supervisor config line \(line): \(message)" }
}

/// A script to load when a worker starts, before the first request (WSGIImportScript, or a
/// WSGIScriptAlias naming both process-group and application-group).
public struct PreloadScript: Sendable, Equatable {
    public var script: String
    public var applicationGroup: String
    public var callableObject: String

    public init(script: String, applicationGroup: String, callableObject: String) {
        self.script = script
        self.applicationGroup = applicationGroup
        self.callableObject = callableObject
    }
}

/// One `WSGIDaemonProcess` group as the module validated it.
public struct DaemonGroupConfig: Sendable, Equatable {
    public var name: String
    public var socketPath: String = ""
    /// Every WSGIDaemonProcess option as written, under mod_wsgi's option names.
    public var options: [String: String] = [:]
    public var preload: [PreloadScript] = []
    /// True when `processes=` was given (mod_wsgi sets wsgi.multiprocess from that, not from N).
    public var multiprocess: Bool = false
    /// What the module presents in HELLO on every connection to this group.
    public var secret: ConnectionSecret?

    public init(name: String) { self.name = name }

    public var processes: Int { number("processes") }
    public var threads: Int { number("threads") }
    public var uid: UInt32? { options["user"].flatMap { UInt32($0) } }
    public var gid: UInt32? { options["group"].flatMap { UInt32($0) } }
    public var userName: String? { options["user-name"] }
    public var supplementaryGroups: [UInt32] {
        options["supplementary-groups"].map { $0.split(separator: ",").compactMap { UInt32($0) } } ?? []
    }
    public var home: String? { options["home"] }
    /// chroot=: the directory the worker's root is changed to before it drops privileges.
    public var chroot: String? { options["chroot"] }

    /// `path` as a process chrooted to `chroot` sees it (the module strips the jail from request
    /// paths the same way); unchanged without chroot= or outside the jail.
    public func pathInJail(_ path: String) -> String {
        guard var jail = chroot else { return path }
        while jail.hasSuffix("/") { jail.removeLast() }
        guard !jail.isEmpty, path.hasPrefix(jail + "/") else { return path }
        return String(path.dropFirst(jail.count))
    }
    /// Octal, as written (`umask=0022`).
    public var umask: UInt32? { options["umask"].flatMap { UInt32($0, radix: 8) } }
    public var pythonHome: String? { options["python-home"] }
    public var pythonPath: [String] { Self.pathList(options["python-path"]) }
    public var displayName: String? { options["display-name"] }
    public var lang: String? { options["lang"] }
    public var locale: String? { options["locale"] }
    public var listenBacklog: Int { number("listen-backlog") }
    public var maximumRequests: Int { number("maximum-requests") }

    // Timeouts, in whole seconds as mod_wsgi takes them; 0 means off (or "use Apache's Timeout"
    // for socket-timeout, which the module resolves before writing the file).
    public var socketTimeout: Int { number("socket-timeout") }
    public var shutdownTimeout: Int { number("shutdown-timeout") }
    public var queueTimeout: Int { number("queue-timeout") }
    public var startupTimeout: Int { number("startup-timeout") }
    public var gracefulTimeout: Int { number("graceful-timeout") }
    public var restartInterval: Int { number("restart-interval") }
    public var requestTimeout: Int { number("request-timeout") }
    public var inactivityTimeout: Int { number("inactivity-timeout") }
    public var deadlockTimeout: Int { number("deadlock-timeout") }
    /// SIGUSR1's drain window; 0 = graceful-timeout's.
    public var evictionTimeout: Int { number("eviction-timeout") }

    // Process limits; 0 (or absent) means the system's.
    public var cpuTimeLimit: Int { number("cpu-time-limit") }
    public var cpuPriority: Int { number("cpu-priority") }
    public var memoryLimit: Int { number("memory-limit") }
    public var virtualMemoryLimit: Int { number("virtual-memory-limit") }
    /// Stack size of the request threads, in bytes.
    public var stackSize: Int { number("stack-size") }
    /// SO_SNDBUF / SO_RCVBUF of the group's sockets.
    public var sendBufferSize: Int { number("send-buffer-size") }
    public var receiveBufferSize: Int { number("receive-buffer-size") }
    /// Who owns the group's socket (and may connect): socket-user=, else Apache's User.
    public var socketUID: UInt32? { options["socket-user"].flatMap { UInt32($0) } }

    public func integer(_ option: String) -> Int? { options[option].flatMap { Int($0) } }

    /// A whole-number option as given, else its default (protocol/daemon-options.tsv; the module
    /// writes every default, so this matters only for configs written by hand), else 0 (off).
    public func number(_ option: String) -> Int {
        integer(option) ?? DaemonOptions.defaults[option].flatMap { Int($0) } ?? 0
    }

    static func pathList(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ":").map(String.init)
    }
}

/// The Python settings of every daemon process (WSGIPythonOptimize, WSGIRestrictStdin, ...):
/// nil means the directive was not given and mod_wsgi's default applies.
public struct PythonProcessSettings: Sendable, Equatable {
    public var optimize: Int?
    public var dontWriteBytecode: Bool?
    /// "random" or a number.
    public var hashSeed: String?
    /// Warnings filters, as python -W takes them, in order.
    public var warnings: [String] = []
    public var eggs: String?
    public var switchInterval: Double?
    public var destroyInterpreter: Bool?
    public var restrictStdin: Bool?
    public var restrictStdout: Bool?
    public var restrictSignal: Bool?

    public init() {}

    enum Parsed { case notMine, taken, badValue }

    /// Takes one global key of these settings.
    mutating func parse(key: String, value: String) -> Parsed {
        let flag: Bool? = value == "1" ? true : value == "0" ? false : nil
        switch key {
        case "python-optimize":
            guard let level = Int(value), (0...2).contains(level) else { return .badValue }
            optimize = level
        case "dont-write-bytecode", "destroy-interpreter", "restrict-stdin", "restrict-stdout", "restrict-signal":
            guard let flag else { return .badValue }
            switch key {
            case "dont-write-bytecode": dontWriteBytecode = flag
            case "destroy-interpreter": destroyInterpreter = flag
            case "restrict-stdin": restrictStdin = flag
            case "restrict-stdout": restrictStdout = flag
            default: restrictSignal = flag
            }
        case "python-hash-seed":
            guard value == "random" || UInt32(value) != nil else { return .badValue }
            hashSeed = value
        case "python-warnings":
            warnings.append(value)
        case "python-eggs":
            eggs = value
        case "switch-interval":
            guard let seconds = Double(value), seconds > 0 else { return .badValue }
            switchInterval = seconds
        default:
            return .notMine
        }
        return .taken
    }

    /// The global key lines for the settings that are set, as `parse` reads them.
    var lines: [String] {
        func flag(_ key: String, _ value: Bool?) -> [String] { value.map { ["\(key) \($0 ? 1 : 0)"] } ?? [] }
        var out: [String] = []
        if let optimize { out.append("python-optimize \(optimize)") }
        out += flag("dont-write-bytecode", dontWriteBytecode) + flag("destroy-interpreter", destroyInterpreter)
        out += flag("restrict-stdin", restrictStdin) + flag("restrict-stdout", restrictStdout)
        out += flag("restrict-signal", restrictSignal)
        if let hashSeed { out.append("python-hash-seed \(hashSeed)") }
        out += warnings.map { "python-warnings \($0)" }
        if let eggs { out.append("python-eggs \(eggs)") }
        if let switchInterval { out.append("switch-interval \(switchInterval)") }
        return out
    }
}

/// Where a supervisor or worker reads its config: the descriptor its parent passed (production),
/// or a file (tests and tools).
public enum SupervisorConfigSource: Sendable, Equatable, CustomStringConvertible {
    case descriptor(Int32)
    case file(String)

    public func load() throws -> SupervisorConfig {
        switch self {
        case .descriptor(let fd): return try SupervisorConfig.load(fd: fd)
        case .file(let path): return try SupervisorConfig.load(path: path)
        }
    }

    /// Once read, a descriptor is not left to the processes we start (nor to the application):
    /// standard input becomes /dev/null, any other descriptor is closed.
    public func release() {
        guard case .descriptor(let fd) = self else { return }
        if fd == 0 {
            let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if null >= 0 {
                dup2(null, 0)
                close(null)
            }
        } else {
            close(fd)
        }
    }

    public var description: String {
        switch self {
        case .descriptor(let fd): return "the config on descriptor \(fd)"
        case .file(let path): return path
        }
    }
}

/// The whole file: global settings and the daemon groups.
public struct SupervisorConfig: Sendable, Equatable {
    public static let header = "mod_wsgi-supervisor-config 1"

    public var serverPID: Int32 = 0
    public var generation: Int = 0
    public var logLevel: String = "warn"
    public var apacheUID: UInt32 = 0
    public var apacheGID: UInt32 = 0
    /// What the daemons' `apache` Python module reports (`apache-*` keys).
    public var apache = ApacheServerInfo()
    public var pythonHome: String?
    public var pythonPath: [String] = []
    public var python = PythonProcessSettings()
    /// The <WSGIInterpreterOptions> containers, in configuration order.
    public var interpreterOptions: [InterpreterOptions] = []
    public var groups: [DaemonGroupConfig] = []

    public init() {}

    public func group(named name: String) -> DaemonGroupConfig? {
        groups.first { $0.name == name }
    }

    /// Reads the config from a descriptor the parent passed (a sealed memory file), from its start.
    public static func load(fd: Int32) throws -> SupervisorConfig {
        try parse(try readWholeDescriptor(fd, what: "descriptor \(fd)"))
    }

    /// Reads a config file (tests and tools). Root acts on what it says, so the file must be one no
    /// other user could have written or swapped: opened without following a symlink, a regular
    /// file owned by root or by us, writable by nobody else, and not readable by others when it
    /// holds a secret.
    public static func load(path: String) throws -> SupervisorConfig {
        func refuse(_ why: String) -> SupervisorConfigError { SupervisorConfigError(line: 0, message: "\(path): \(why)") }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw refuse("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw refuse("cannot stat: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw refuse("not a regular file") }
        guard info.st_uid == 0 || info.st_uid == geteuid() else {
            throw refuse("owned by uid \(info.st_uid), neither root nor us")
        }
        guard info.st_mode & 0o022 == 0 else { throw refuse("writable by other users (mode \(String(info.st_mode & 0o7777, radix: 8)))") }
        let config = try parse(try readWholeDescriptor(fd, what: path))
        if config.groups.contains(where: { $0.secret != nil }) && info.st_mode & 0o077 != 0 {
            throw refuse("holds connection secrets and is readable by other users (mode \(String(info.st_mode & 0o7777, radix: 8)))")
        }
        return config
    }

    /// The config as one worker of `name` gets it: the global keys and that group alone, so a
    /// worker never holds another group's secret. nil when there is no such group.
    public func text(forGroup name: String) -> String? {
        guard let group = group(named: name) else { return nil }
        var lines = [Self.header]
        if serverPID > 0 { lines.append("server-pid \(serverPID)") }
        lines += ["generation \(generation)", "log-level \(logLevel)", "apache-user \(apacheUID)",
                  "apache-group \(apacheGID)"]
        lines += apache.lines
        if let pythonHome { lines.append("python-home \(pythonHome)") }
        if !pythonPath.isEmpty { lines.append("python-path \(pythonPath.joined(separator: ":"))") }
        lines += python.lines
        for options in interpreterOptions where options.processGroup == nil || options.processGroup == group.name {
            lines += options.lines
        }
        lines.append("group \(group.name)")
        for key in group.options.keys.sorted() { lines.append("\(key) \(group.options[key]!)") }
        lines.append("socket \(group.socketPath)")
        if let secret = group.secret { lines.append("secret \(secret.hex)") }
        for script in group.preload {
            lines.append("preload \(script.script)|\(script.applicationGroup)|\(script.callableObject)")
        }
        if group.multiprocess { lines.append("multiprocess 1") }
        lines.append("end")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func parse(_ text: String) throws -> SupervisorConfig {
        var config = SupervisorConfig()
        var current: DaemonGroupConfig?
        var sawHeader = false

        // "\r\n" is one Character in Swift: split on it too, and refuse a lone CR, which no key
        // or value may hold (a value could otherwise carry what reads as another line).
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            guard !line.contains("\r") else {
                throw SupervisorConfigError(line: lineNumber, message: "carriage return inside the line")
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !sawHeader {
                guard line == header else {
                    throw SupervisorConfigError(line: lineNumber, message: "expected '\(header)', found '\(line)'")
                }
                sawHeader = true
                continue
            }
            let (key, value) = splitKeyValue(line)
            func fail(_ message: String) -> SupervisorConfigError {
                SupervisorConfigError(line: lineNumber, message: "'\(key)': \(message)")
            }

            if var group = current {
                switch key {
                case "end":
                    config.groups.append(group)
                    current = nil
                case "socket":
                    guard value.hasPrefix("/") else { throw fail("socket path must be absolute") }
                    group.socketPath = value
                    current = group
                case "multiprocess":
                    group.multiprocess = (value == "1")
                    current = group
                case "secret":
                    guard let secret = ConnectionSecret(hex: value) else {
                        throw fail("expected \(2 * connectionSecretSize) lowercase hex digits")
                    }
                    group.secret = secret
                    current = group
                case "preload":
                    let parts = value.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count == 3, !parts[0].isEmpty else {
                        throw fail("expected SCRIPT|APPLICATION-GROUP|CALLABLE")
                    }
                    group.preload.append(PreloadScript(script: parts[0], applicationGroup: parts[1],
                                                       callableObject: parts[2]))
                    current = group
                default:
                    guard DaemonOptions.known.contains(key) else { throw fail("unknown daemon option") }
                    group.options[key] = value
                    current = group
                }
                continue
            }

            switch key {
            case "server-pid":
                guard let pid = Int32(value), pid > 0 else { throw fail("not a process id: '\(value)'") }
                config.serverPID = pid
            case "generation":
                guard let generation = Int(value), generation >= 0 else { throw fail("not a number: '\(value)'") }
                config.generation = generation
            case "log-level":
                config.logLevel = value
            case "apache-user":
                guard let uid = UInt32(value) else { throw fail("not a numeric uid: '\(value)'") }
                config.apacheUID = uid
            case "apache-group":
                guard let gid = UInt32(value) else { throw fail("not a numeric gid: '\(value)'") }
                config.apacheGID = gid
            case "apache-version", "apache-mpm", "apache-limits", "apache-built", "apache-description":
                guard config.apache.parse(key: key, value: value) else { throw fail("bad value '\(value)'") }
            case "python-home":
                config.pythonHome = value
            case "python-path":
                config.pythonPath = DaemonGroupConfig.pathList(value)
            case "group":
                guard !value.isEmpty else { throw fail("group needs a name") }
                guard config.group(named: value) == nil else { throw fail("duplicate group '\(value)'") }
                current = DaemonGroupConfig(name: value)
            case "end":
                throw fail("'end' outside a group")
            case InterpreterOptions.key:
                guard InterpreterOptions.parse(value, into: &config.interpreterOptions) else {
                    throw fail("expected INDEX PROCESS-GROUP APPLICATION-GROUP KEY VALUE, not '\(value)'")
                }
            default:
                switch config.python.parse(key: key, value: value) {
                case .taken: break
                case .badValue: throw fail("bad value '\(value)'")
                case .notMine: throw fail("unknown key")
                }
            }
        }
        guard sawHeader else { throw SupervisorConfigError(line: 1, message: "empty file, expected '\(header)'") }
        if let open = current {
            throw SupervisorConfigError(line: 0, message: "group '\(open.name)' is not closed with 'end'")
        }
        for group in config.groups where group.socketPath.isEmpty {
            throw SupervisorConfigError(line: 0, message: "group '\(group.name)' has no socket")
        }
        return config
    }

    private static func splitKeyValue(_ line: Substring) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (String(line), "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]))
    }
}

/// The option names a group may carry: mod_wsgi's WSGIDaemonProcess options, plus `user-name`
/// (the module resolves `user=` to a uid and keeps the name for initgroups). Names and defaults
/// are those of protocol/daemon-options.tsv (DaemonOptionTableTests checks both).
public enum DaemonOptions {
    /// The defaults the module writes for options not given.
    public static let defaults: [String: String] = [
        "processes": "1", "threads": "15", "maximum-requests": "0", "startup-timeout": "0",
        "shutdown-timeout": "5", "deadlock-timeout": "300", "inactivity-timeout": "0",
        "request-timeout": "0", "interrupt-timeout": "0", "graceful-timeout": "15",
        "eviction-timeout": "0", "restart-interval": "0", "connect-timeout": "15", "socket-timeout": "0",
        "queue-timeout": "0", "listen-backlog": "100", "send-buffer-size": "0", "receive-buffer-size": "0",
        "header-buffer-size": "32768", "response-buffer-size": "8388608", "response-socket-timeout": "0",
        "response-flush-delay": "5", "cpu-time-limit": "0", "cpu-priority": "0", "memory-limit": "0",
        "virtual-memory-limit": "0", "server-metrics": "Off",
    ]

    public static let known: Set<String> = [
        "processes", "threads", "user", "user-name", "group", "supplementary-groups", "umask", "home",
        "lang", "locale", "chroot", "python-home", "python-path", "python-eggs", "switch-interval",
        "stack-size", "maximum-requests", "startup-timeout", "shutdown-timeout", "deadlock-timeout",
        "inactivity-timeout", "request-timeout", "interrupt-timeout", "graceful-timeout",
        "eviction-timeout", "restart-interval", "connect-timeout", "socket-timeout", "queue-timeout",
        "listen-backlog", "display-name", "send-buffer-size", "receive-buffer-size",
        "header-buffer-size", "response-buffer-size", "response-socket-timeout",
        "response-flush-delay", "socket-user", "script-user", "script-group", "cpu-time-limit",
        "cpu-priority", "memory-limit", "virtual-memory-limit", "server-metrics",
    ]
}

/// The Apache server the daemons belong to, as the Python `apache` module reports it.
public struct ApacheServerInfo: Sendable, Equatable {
    public var version: [Int] = []
    public var mpm: String = ""
    public var maximumProcesses: Int = 1
    public var threadsPerProcess: Int = 1
    public var built: String = ""
    public var description: String = ""

    public init() {}

    mutating func parse(key: String, value: String) -> Bool {
        switch key {
        case "apache-version":
            let parts = value.split(separator: ".").compactMap { Int($0) }
            guard parts.count == 3 else { return false }
            version = parts
        case "apache-mpm":
            mpm = value
        case "apache-limits":
            let parts = value.split(separator: " ").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else { return false }
            (maximumProcesses, threadsPerProcess) = (parts[0], parts[1])
        case "apache-built":
            built = value
        case "apache-description":
            description = value
        default:
            return false
        }
        return true
    }

    var lines: [String] {
        guard version.count == 3 else { return [] }
        return ["apache-version \(version.map(String.init).joined(separator: "."))", "apache-mpm \(mpm)",
                "apache-limits \(maximumProcesses) \(threadsPerProcess)", "apache-built \(built)",
                "apache-description \(description)"]
    }
}
