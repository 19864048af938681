/// Logs, Apache's tuning, the daemon's extra limits, debugging and services.
extension ResolutionContext {
    func logs(serverRoot: String, logToTerminal: Bool) throws -> ServerConfiguration.Logs {
        try refuseTogether("log-to-terminal", "log-directory", because: "the logs go either to the terminal or to files")
        try refuseTogether("log-to-terminal", "rotate-logs", because: "the terminal cannot be rotated")
        for option in ["access-log-format", "access-log-name"] {
            try requirePartner(option, "access-log", because: "no access log is written without it")
        }
        try requirePartner("max-log-size", "rotate-logs", because: "logs are only cut at a size when rotated")
        try requirePartner("rotatelogs-executable", "rotate-logs", because: "rotatelogs only runs with it")
        try requirePartner("startup-log-name", "startup-log", because: "no start-up log is written without it")
        let directory = try optionalPath("log-directory") ?? serverRoot
        func name(_ option: String) throws -> String {
            let value = try text(option)!
            if value.isEmpty || value.contains("/") {
                throw ExpressError("--\(option) \(value): a file name, without '/' (--log-directory says where)")
            }
            return value
        }
        let rotate = parsed.flag("rotate-logs")
        let rotatelogs = try path(parsed.string("rotatelogs-executable")!, "--rotatelogs-executable")
        if rotate && !host.isExecutable(rotatelogs) {
            throw ExpressError("--rotatelogs-executable \(rotatelogs): not an executable file")
        }
        var startupLog: String?
        if parsed.flag("startup-log") {
            startupLog = logToTerminal ? "/dev/stderr" : directory + "/" + (try name("startup-log-name"))
        }
        return ServerConfiguration.Logs(
            directory: directory, errorLogName: try name("error-log-name"), accessLogName: try name("access-log-name"),
            accessLogFormat: try text("access-log-format") ?? "common", errorLogFormat: try text("error-log-format"),
            rotate: rotate, maxSizeMB: try number("max-log-size", atLeast: 1), rotatelogs: rotatelogs,
            startupLog: startupLog)
    }

    func apacheTuning() throws -> ApacheTuning {
        var tuning = ApacheTuning()
        let mpms = parsed.list("server-mpm")
        if let bad = mpms.first(where: { !["event", "worker", "prefork"].contains($0) }) {
            throw ExpressError("--server-mpm \(bad): must be event, worker or prefork")
        }
        if !mpms.isEmpty { tuning.mpms = mpms }
        tuning.initialWorkers = parsed.double("initial-workers")
        tuning.minimumSpareWorkers = parsed.double("minimum-spare-workers")
        tuning.maximumSpareWorkers = parsed.double("maximum-spare-workers")
        tuning.headerTimeout = try number("header-timeout", atLeast: 0)
        tuning.headerMaxTimeout = try number("header-max-timeout", atLeast: 0)
        tuning.headerMinRate = try number("header-min-rate", atLeast: 0)
        tuning.bodyTimeout = try number("body-timeout", atLeast: 0)
        tuning.bodyMaxTimeout = try number("body-max-timeout", atLeast: 0)
        tuning.bodyMinRate = try number("body-min-rate", atLeast: 0)
        if tuning.headerMaxTimeout > 0 && tuning.headerMaxTimeout < tuning.headerTimeout {
            throw ExpressError("--header-max-timeout \(tuning.headerMaxTimeout): must not be below --header-timeout")
        }
        if tuning.bodyMaxTimeout > 0 && tuning.bodyMaxTimeout < tuning.bodyTimeout {
            throw ExpressError("--body-max-timeout \(tuning.bodyMaxTimeout): must not be below --body-timeout")
        }
        tuning.http2 = parsed.flag("http2")
        if let name = parsed.string("process-name") {
            try Self.checkWord(name, "--process-name")
            tuning.processName = name
        }
        tuning.shellExecutable = try path(parsed.string("shell-executable")!, "--shell-executable")
        if tuning.shellExecutable.contains(where: { $0 == " " || $0 == "\t" }) {
            throw ExpressError("--shell-executable \(tuning.shellExecutable): a #! line cannot name a path with spaces")
        }
        if !host.isExecutable(tuning.shellExecutable) {
            throw ExpressError("--shell-executable \(tuning.shellExecutable): not an executable file")
        }
        tuning.envvarsScript = try existingFile("envvars-script")
        return tuning
    }

    /// The daemon options mod_wsgi-express passes beyond the ones every group gets.
    func extraLimits(into limits: inout ServerConfiguration.DaemonLimits) throws {
        limits.interruptTimeout = try number("interrupt-timeout", atLeast: 0)
        limits.evictionTimeout = try number("eviction-timeout", atLeast: 0)
        limits.cpuTimeLimit = try number("cpu-time-limit", atLeast: 0)
        func buffer(_ name: String, minimum: Int) throws -> Int {
            let value = try number(name, atLeast: 0)
            if value != 0 && value < minimum {
                throw ExpressError("--\(name) \(value): must be 0 (the default) or at least \(minimum)")
            }
            return value
        }
        limits.sendBufferSize = try buffer("send-buffer-size", minimum: 512)
        limits.receiveBufferSize = try buffer("receive-buffer-size", minimum: 512)
        limits.headerBufferSize = try buffer("header-buffer-size", minimum: 8192)
        limits.responseBufferSize = try buffer("response-buffer-size", minimum: 65536)
        limits.responseSocketTimeout = try number("response-socket-timeout", atLeast: 0)
        limits.responseFlushDelay = try number("response-flush-delay", atLeast: 0)
        if let interval = parsed.double("switch-interval") {
            if interval <= 0 { throw ExpressError("--switch-interval \(interval): must be a positive number of seconds") }
            limits.switchInterval = interval
        }
    }

    func debugging(serverRoot: String) throws -> ServerConfiguration.Debugging {
        var debug = ServerConfiguration.Debugging()
        let aids = ["enable-debugger", "enable-coverage", "enable-profiler", "enable-recorder", "enable-gdb"]
        debug.enabled = parsed.flag("debug-mode") || aids.contains(where: parsed.flag)
        try requirePartner("debugger-startup", "enable-debugger", because: "it says when to enter the debugger")
        try requirePartner("coverage-directory", "enable-coverage", because: "nothing is measured without it")
        try requirePartner("profiler-directory", "enable-profiler", because: "nothing is profiled without it")
        try requirePartner("recorder-directory", "enable-recorder", because: "nothing is recorded without it")
        try requirePartner("gdb-executable", "enable-gdb", because: "gdb only runs with it")
        try refuseTogether("debug-mode", "reload-on-changes",
                           because: "debug mode never reloads (mod_wsgi-express ignores the reloader there)")
        debug.debugger = parsed.flag("enable-debugger")
        debug.debuggerStartup = parsed.flag("debugger-startup")
        func directory(_ flag: String, _ option: String, _ fallback: String) throws -> String? {
            guard parsed.flag(flag) else { return nil }
            return try optionalPath(option) ?? serverRoot + "/" + fallback
        }
        debug.coverageDirectory = try directory("enable-coverage", "coverage-directory", "htmlcov")
        debug.profilerDirectory = try directory("enable-profiler", "profiler-directory", "pstats")
        debug.recorderDirectory = try directory("enable-recorder", "recorder-directory", "archive")
        if parsed.flag("enable-gdb") {
            let name = parsed.string("gdb-executable")!
            guard let gdb = PathResolution.executable(name, in: host) else {
                throw ExpressError("--gdb-executable \(name): not an executable file (install gdb)")
            }
            debug.gdbExecutable = gdb
        }
        return debug
    }

    func services(user: String, group: String) throws -> [ServerConfiguration.Service] {
        let users = Dictionary(parsed.pairs("service-user"), uniquingKeysWith: { $1 })
        let groups = Dictionary(parsed.pairs("service-group"), uniquingKeysWith: { $1 })
        let logs = Dictionary(parsed.pairs("service-log-file"), uniquingKeysWith: { $1 })
        let scripts = parsed.pairs("service-script")
        let names = Set(scripts.map(\.0))
        for (option, table) in [("service-user", users), ("service-group", groups), ("service-log-file", logs)] {
            if let stray = table.keys.sorted().first(where: { !names.contains($0) }) {
                throw ExpressError("--\(option) \(stray): no --service-script is named \(stray)")
            }
        }
        return try scripts.map { name, script in
            try Self.checkWord(name, "--service-script")
            let file = try path(script, "--service-script")
            if !host.fileExists(file) { throw ExpressError("--service-script \(name) \(file): no such file") }
            if let logFile = logs[name], logFile.contains("/") || logFile.isEmpty {
                throw ExpressError("--service-log-file \(name) \(logFile): a file name, without '/'")
            }
            let serviceUser = users[name] ?? user
            let serviceGroup = groups[name] ?? group
            try Self.checkWord(serviceUser, "--service-user")
            try Self.checkWord(serviceGroup, "--service-group")
            return ServerConfiguration.Service(name: name, script: file, user: serviceUser, group: serviceGroup,
                                               logFile: logs[name])
        }
    }
}
