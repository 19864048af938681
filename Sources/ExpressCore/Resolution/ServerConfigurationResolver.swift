/// Checks the command-line options and completes them into a `ServerConfiguration`.
/// Every refusal names the option and the reason.
extension ServerConfiguration {
    /// Apache's log levels; LogLevel also accepts `module:level` pairs.
    static let logLevels = Set(["emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"]
                               + (1...8).map { "trace\($0)" })
    /// Room left in a 108-byte sun_path for the module's `.<pid>.<generation>.<id>.sock` suffix.
    static let socketNameAllowance = 40
    static let socketPathLimit = 107
    static let systemMimeTypes = "/etc/mime.types"

    public static func resolve(_ options: ServerOptions, in host: HostEnvironment) throws -> ServerConfiguration {
        try OptionRefusals.check(options.parsed)
        if options.parsed.positional.count > 1 {
            throw ExpressError("one entry point only; also given: \(options.parsed.positional.dropFirst().joined(separator: " "))")
        }
        try checkNumbers(options)
        try checkLogLevel(options.logLevel)
        let listenHost = try options.host.map(checkedHost)
        let serverName = listenHost ?? "localhost"
        let accounts = try AccountResolution.resolve(user: options.user, group: options.group, in: host)
        let cwd = host.currentDirectory
        func path(_ value: String, _ option: String) throws -> String {
            try checkWritable(value, option)
            return PathResolution.absolute(value, from: cwd)
        }

        let serverRoot = try options.serverRoot.map { try path($0, "--server-root") }
            ?? ServerRootNaming.defaultServerRoot(serverName: serverName, port: options.port,
                                                  uid: host.uid, variables: host.variables)
        try checkWritable(serverRoot, "--server-root")
        try checkNoWildcard(serverRoot, "server root")
        let socketDirectory = try checkedSocketDirectory(
            options.socketPrefix.map { try path($0, "--socket-prefix") } ?? serverRoot)

        let workingDirectory = try options.workingDirectory.map { try path($0, "--working-directory") } ?? cwd
        if !host.directoryExists(workingDirectory) {
            throw ExpressError("--working-directory \(workingDirectory): no such directory")
        }
        let pythonPath = try options.pythonPath.map { try path($0, "--python-path") }
        if let bad = pythonPath.first(where: { $0.contains(":") }) {
            throw ExpressError("--python-path \(bad): a directory name with ':' cannot be put on a "
                               + "colon-separated path")
        }
        let includeFiles = try options.includeFile.map { try path($0, "--include-file") }
        if let missing = includeFiles.first(where: { !host.fileExists($0) }) {
            throw ExpressError("--include-file \(missing): no such file")
        }

        let context = ResolutionContext(options: options, host: host)
        let applicationType = try context.applicationType()
        var scriptPath = ""
        var usesDefaultScript = false
        switch applicationType {
        case .script, .paste:
            if let script = options.script {
                scriptPath = try path(script, "entry point")
                if !host.fileExists(scriptPath) {
                    let what = applicationType == .script ? "WSGI script" : "Paste configuration"
                    throw ExpressError("\(what) \(scriptPath): no such file")
                }
            } else if applicationType == .paste {
                throw ExpressError("--application-type paste needs the .ini file as the entry point")
            } else {
                scriptPath = serverRoot + "/default.wsgi"
                usesDefaultScript = true
            }
        case .module:
            guard let name = options.script else {
                throw ExpressError("--application-type module needs the module name as the entry point")
            }
            try checkModuleName(name)
            scriptPath = name
        case .static:
            break
        }
        try checkNoWildcard(scriptPath, "WSGI script")
        try checkCallable(options.callableObject)
        let httpdExecutable = try resolveHttpd(options.httpdExecutable, in: host)
        let modulesDirectory = try options.modulesDirectory.map { try path($0, "--modules-directory") }
            ?? ModuleLocator.defaultModulesDirectory
        let module = ModuleLocator.locate(executableDirectory: host.executableDirectory,
                                          modulesDirectory: modulesDirectory, fileExists: host.fileExists)

        var mimeTypesFile = host.fileExists(systemMimeTypes) ? systemMimeTypes : serverRoot + "/mime.types"
        if options.parsed.isGiven("mime-types") {
            mimeTypesFile = try context.existingFile("mime-types")!
        }
        let locale = LocaleSelection.choose(requested: options.locale, in: host)
        try checkWord(locale, "--locale")
        let debugging = try context.debugging(serverRoot: serverRoot)
        // Debug mode: one process with one thread, so a debugger sees every request in order.
        let processes = debugging.enabled ? 1 : options.processes ?? 1
        let threads = debugging.enabled ? 1 : options.threads
        let capacity = processes * threads
        let maxClients = options.maxClients.map { max($0, capacity) }
            ?? 10 + max(10, capacity * 3 / 2)

        var config = ServerConfiguration(
            host: listenHost, serverName: serverName, port: options.port,
            user: accounts.user, group: accounts.group, invokingUID: host.uid,
            serverRoot: serverRoot, socketDirectory: socketDirectory, workingDirectory: workingDirectory,
            pythonPath: pythonPath, includeFiles: includeFiles, httpdExecutable: httpdExecutable,
            modulesDirectory: modulesDirectory, mimeTypesFile: mimeTypesFile, module: module,
            scriptPath: scriptPath, usesDefaultScript: options.script == nil,
            callableObject: options.callableObject, locale: locale, chunkedRequest: options.chunkedRequest,
            processes: processes, processesGiven: options.processes != nil && !debugging.enabled, threads: threads,
            maxClients: maxClients, serverBacklog: options.serverBacklog,
            limitRequestBody: options.limitRequestBody, keepAliveTimeout: options.keepAliveTimeout,
            daemon: DaemonLimits(
                listenBacklog: options.daemonBacklog, queueTimeout: options.queueTimeout,
                socketTimeout: options.socketTimeout, connectTimeout: options.connectTimeout,
                requestTimeout: options.requestTimeout, inactivityTimeout: options.inactivityTimeout,
                startupTimeout: options.startupTimeout, deadlockTimeout: options.deadlockTimeout,
                gracefulTimeout: options.gracefulTimeout, shutdownTimeout: options.shutdownTimeout,
                restartInterval: options.restartInterval, maximumRequests: options.maximumRequests),
            logLevel: options.logLevel, logToTerminal: options.logToTerminal, accessLog: options.accessLog)
        try context.extraLimits(into: &config.daemon)
        config.scriptPath = scriptPath
        config.usesDefaultScript = usesDefaultScript
        config.applicationType = applicationType
        if let group = options.parsed.string("application-group") {
            try checkGroupName(group, "--application-group")
            config.applicationGroup = group
        }
        if let group = options.parsed.string("process-group") {
            try checkGroupName(group, "--process-group")
            config.processGroupOption = group
        }
        if let home = host.variables["MOD_WSGI_PYTHON_HOME"], !home.isEmpty {
            try checkWritable(home, "MOD_WSGI_PYTHON_HOME")
            config.pythonHome = home
        }
        let names = try context.siteName()
        config.siteName = names.name
        config.serverAliases = names.aliases
        config.allowLocalhost = names.allowLocalhost
        config.tls = try context.tls(httpPort: options.port)
        config.logs = try context.logs(serverRoot: serverRoot, logToTerminal: options.logToTerminal)
        config.pidFileOption = try context.optionalPath("pid-file")
        config.site = try context.site(serverRoot: serverRoot, type: applicationType)
        config.apache = try context.apacheTuning()
        config.debugging = debugging
        config.services = try context.services(user: accounts.user, group: accounts.group)
        try context.refuseTogether("reload-on-changes", "disable-reloading",
                                   because: "one asks for reloading, the other turns it off")
        config.reloadOnChanges = options.parsed.flag("reload-on-changes")
        config.disableReloading = options.parsed.flag("disable-reloading")
        return config
    }

    private static func checkModuleName(_ value: String) throws {
        let ok = !value.isEmpty && value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            part.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && part.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        }
        if !ok { throw ExpressError("entry point \(value): not a Python module name") }
    }

    private static func checkGroupName(_ value: String, _ option: String) throws {
        try checkWritable(value, option)
        if value.isEmpty || value.contains(where: { $0 == "'" || $0 == "\"" || $0 == " " || $0 == "\\" || $0 == "%" }) {
            throw ExpressError("\(option) \(value): must be a single word without quotes or '%'")
        }
    }

    /// --httpd-executable, else $HTTPD, else Debian's apache2; a bare name is looked up on PATH.
    private static func resolveHttpd(_ option: String?, in host: HostEnvironment) throws -> String {
        let name = option ?? host.variables["HTTPD"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/sbin/apache2"
        try checkWritable(name, "--httpd-executable")
        guard let executable = PathResolution.executable(name, in: host) else {
            throw ExpressError("--httpd-executable \(name): not an executable file "
                               + "(install apache2, or pass the path to httpd)")
        }
        return executable
    }

    private static func checkedSocketDirectory(_ directory: String) throws -> String {
        if directory.utf8.count + "/wsgi".utf8.count + socketNameAllowance > socketPathLimit {
            throw ExpressError("daemon socket directory \(directory) is too long for a Unix socket "
                               + "path; pass a shorter --socket-prefix (or --server-root)")
        }
        return directory
    }

    /// <Directory> and <Files> treat these characters as a pattern, not as part of the name.
    private static func checkNoWildcard(_ path: String, _ what: String) throws {
        if path.contains(where: { "*?[".contains($0) }) {
            throw ExpressError("\(what) \(path): Apache would read '*', '?' or '[' in the path as a "
                               + "wildcard; choose a path without them")
        }
    }

    private static func checkNumbers(_ options: ServerOptions) throws {
        func require(_ value: Int, _ option: String, atLeast minimum: Int, atMost maximum: Int = Int(Int32.max)) throws {
            if value < minimum || value > maximum {
                throw ExpressError("--\(option) \(value): must be between \(minimum) and \(maximum)")
            }
        }
        try require(options.port, "port", atLeast: 1, atMost: 65535)
        if let processes = options.processes { try require(processes, "processes", atLeast: 1, atMost: 10_000) }
        try require(options.threads, "threads", atLeast: 1, atMost: 65_533)
        if let maxClients = options.maxClients { try require(maxClients, "max-clients", atLeast: 1) }
        try require(options.daemonBacklog, "daemon-backlog", atLeast: 1)
        try require(options.serverBacklog, "server-backlog", atLeast: 1)
        try require(options.limitRequestBody, "limit-request-body", atLeast: 0)
        try require(options.keepAliveTimeout, "keep-alive-timeout", atLeast: 0)
        let timeouts: [(Int, String)] = [
            (options.socketTimeout, "socket-timeout"), (options.queueTimeout, "queue-timeout"),
            (options.connectTimeout, "connect-timeout"), (options.requestTimeout, "request-timeout"),
            (options.startupTimeout, "startup-timeout"), (options.deadlockTimeout, "deadlock-timeout"),
            (options.gracefulTimeout, "graceful-timeout"), (options.shutdownTimeout, "shutdown-timeout"),
            (options.inactivityTimeout, "inactivity-timeout"), (options.restartInterval, "restart-interval"),
            (options.maximumRequests, "maximum-requests"),
        ]
        for (value, option) in timeouts { try require(value, option, atLeast: 0) }
        // Apache's Timeout is the socket timeout here, and Apache refuses 0.
        try require(options.socketTimeout, "socket-timeout", atLeast: 1)
    }

    private static func checkLogLevel(_ value: String) throws {
        let words = value.split(separator: " ")
        let valid = !words.isEmpty && words.allSatisfy { word in
            let level = word.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            return logLevels.contains(level.lowercased())
        }
        if !valid {
            throw ExpressError("--log-level \(value): not an Apache log level (emerg, alert, crit, error, "
                               + "warn, notice, info, debug, trace1..trace8)")
        }
    }

    /// Host names, IPv4 and IPv6 addresses only: the value ends up in names and URLs unquoted.
    private static func checkedHost(_ value: String) throws -> String {
        var host = value
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let allowed = host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || ".-:".contains($0) }
        if host.isEmpty || !allowed {
            throw ExpressError("--host \(value): not a host name or IP address")
        }
        return host
    }

    private static func checkCallable(_ value: String) throws {
        let isIdentifier = value.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && value.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        if !isIdentifier {
            throw ExpressError("--callable-object \(value): not a Python identifier")
        }
    }

    /// Values written unquoted into the environment of httpd.
    private static func checkWord(_ value: String, _ option: String) throws {
        try checkWritable(value, option)
        if value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" }) {
            throw ExpressError("\(option) \(value): must be a single word")
        }
    }

    private static func checkWritable(_ value: String, _ option: String) throws {
        if let problem = ApacheQuoting.problem(in: value) {
            throw ExpressError("\(option) \(value.debugDescription): cannot be used because \(problem)")
        }
    }
}
