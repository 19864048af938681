// The supervisor config file the Apache module writes at start-up (protocol/PROTOCOL.md, last
// section). The supervisor and every worker read the same file, so one parser serves both.

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

    public init(name: String) { self.name = name }

    public var processes: Int { integer("processes") ?? 1 }
    public var threads: Int { integer("threads") ?? 15 }
    public var uid: UInt32? { options["user"].flatMap { UInt32($0) } }
    public var gid: UInt32? { options["group"].flatMap { UInt32($0) } }
    public var userName: String? { options["user-name"] }
    public var supplementaryGroups: [UInt32] {
        options["supplementary-groups"].map { $0.split(separator: ",").compactMap { UInt32($0) } } ?? []
    }
    public var home: String? { options["home"] }
    /// Octal, as written (`umask=0022`).
    public var umask: UInt32? { options["umask"].flatMap { UInt32($0, radix: 8) } }
    public var pythonHome: String? { options["python-home"] }
    public var pythonPath: [String] { Self.pathList(options["python-path"]) }
    public var displayName: String? { options["display-name"] }
    public var lang: String? { options["lang"] }
    public var locale: String? { options["locale"] }
    public var listenBacklog: Int { integer("listen-backlog") ?? 100 }
    public var maximumRequests: Int { integer("maximum-requests") ?? 0 }

    // Timeouts, in whole seconds as mod_wsgi takes them; 0 means off (or "use Apache's Timeout"
    // for socket-timeout, which the module resolves before writing the file).
    public var socketTimeout: Int { integer("socket-timeout") ?? 0 }
    public var shutdownTimeout: Int { integer("shutdown-timeout") ?? 5 }
    public var queueTimeout: Int { integer("queue-timeout") ?? 0 }
    public var startupTimeout: Int { integer("startup-timeout") ?? 0 }
    public var gracefulTimeout: Int { integer("graceful-timeout") ?? 15 }
    public var restartInterval: Int { integer("restart-interval") ?? 0 }
    public var requestTimeout: Int { integer("request-timeout") ?? 0 }
    public var inactivityTimeout: Int { integer("inactivity-timeout") ?? 0 }
    public var deadlockTimeout: Int { integer("deadlock-timeout") ?? 300 }

    public func integer(_ option: String) -> Int? { options[option].flatMap { Int($0) } }

    static func pathList(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ":").map(String.init)
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
    public var pythonHome: String?
    public var pythonPath: [String] = []
    public var groups: [DaemonGroupConfig] = []

    public init() {}

    public func group(named name: String) -> DaemonGroupConfig? {
        groups.first { $0.name == name }
    }

    public static func load(path: String) throws -> SupervisorConfig {
        try parse(try readTextFile(path))
    }

    public static func parse(_ text: String) throws -> SupervisorConfig {
        var config = SupervisorConfig()
        var current: DaemonGroupConfig?
        var sawHeader = false

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
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
            default:
                throw fail("unknown key")
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
/// (the module resolves `user=` to a uid and keeps the name for initgroups).
public enum DaemonOptions {
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
