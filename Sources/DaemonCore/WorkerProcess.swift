// A worker process of one daemon group: `mod_wsgi-daemon worker --config-fd 4 --group G --slot N`,
// with the group's listening socket on fd 3 and its part of the config on fd 4.
#if canImport(Glibc)
import Glibc
#endif
import ApacheErrorLog
import CSysShim
import Logging
import PythonHost
import WireProtocol

public enum WorkerProcess {
    /// The listening socket the supervisor passes.
    static let listenFD: Int32 = 3

    /// `supervisorPID` is who spawned us; without it (a worker started by hand or by a test) the
    /// parent seen at start counts, which cannot tell a supervisor that died before we ran.
    public static func run(source: SupervisorConfigSource, groupName: String, slot: Int, supervisorPID: pid_t? = nil) -> Never {
        // A worker ignores SIGHUP (as mod_wsgi's do); until its handlers are in place, a SIGHUP
        // (an operator's `kill -HUP` of the group) must not kill it by default action either.
        signal(SIGHUP, SIG_IGN)
        // SIGXCPU (cpu-time-limit) would dump core by default: until its handler routes it to a
        // graceful stop, ignore it (the hard limit's SIGKILL still ends a runaway).
        signal(SIGXCPU, SIG_IGN)
        let parent = supervisorPID ?? getppid()

        let config: SupervisorConfig
        do {
            config = try source.load()
        } catch {
            ApacheErrorLog.bootstrap(levelName: "warn")
            failStartup("Cannot read the supervisor config (\(source)): \(error).")
        }
        // The application never gets the descriptor its secret came in.
        source.release()
        ApacheErrorLog.bootstrap(levelName: config.logLevel)
        let logger = Logger(label: "mod_wsgi")
        guard let group = config.group(named: groupName) else {
            failStartup("Daemon process group '\(groupName)' is not in \(source).")
        }
        guard let secret = group.secret else {
            failStartup("Daemon process group '\(groupName)' has no connection secret in \(source): only the Apache module can start workers.")
        }

        if let problem = AcceptLoop.listenerProblem(listenFD) {
            failStartup("Daemon process '\(group.name)' has no listening socket: \(problem).")
        }
        // Programs the application runs (os.system, ...) must not inherit it: they could take
        // the module's connections, HELLO and all.
        _ = fcntl(listenFD, F_SETFD, FD_CLOEXEC)
        let interpreter: PythonInterpreter
        do {
            if let warning = ProcessSetup.applyLocale(group: group) { logger.warning("\(warning)") }
            let identity = try ProcessSetup.identity(config: config, group: group)
            logger.info("Starting process '\(group.name)' (slot \(slot)) with uid=\(identity.uid), gid=\(identity.gid) and threads=\(group.threads).")
            try ProcessSetup.applyLimits(group: group)
            try ProcessSetup.dropPrivileges(to: identity, supplementaryGroups: group.supplementaryGroups,
                                            jail: group.chroot)
            if let warning = try ProcessSetup.changeDirectory(group: group, identity: identity, apacheUID: config.apacheUID) {
                logger.warning("\(warning)")
            }
            if let mask = group.umask { umask(mode_t(mask)) }
            try ProcessSetup.followParent(expectedParent: parent)
            ProcessSetup.setName(group: group)
            interpreter = try PythonInterpreter.start(interpreterSettings(config: config, group: group))
        } catch {
            failStartup("Daemon process '\(group.name)' could not start: \(error).")
        }

        for script in group.preload {
            _ = interpreter.preload(script: group.pathInJail(script.script), applicationGroup: script.applicationGroup)
        }
        if group.threads == 0 {
            // threads=0 is mod_wsgi's service-script mode: the import scripts are the whole job
            // (they usually start threads of their own); the process serves no requests and lives
            // until it is told to stop. Exiting would only have the supervisor start it again.
            serveAsServiceProcess(group: group, slot: slot, interpreter: interpreter,
                                  destroyInterpreter: config.python.destroyInterpreter ?? true, logger: logger)
        }

        let control: WorkerControl
        let signals: SignalPipe
        do {
            control = try WorkerControl(threads: group.threads)
            signals = try SignalPipe(routing: [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGXCPU])
        } catch {
            failStartup("\(error)")
        }
        let settings = ConnectionSettings(groupName: group.name, socketTimeout: group.socketTimeout > 0 ? group.socketTimeout : 60,
                                          queueTimeout: group.queueTimeout,
                                          gate: ConnectionGate(groupName: group.name, secret: secret,
                                                               apacheUID: config.apacheUID, socketUID: group.socketUID),
                                          sendBufferSize: group.sendBufferSize,
                                          receiveBufferSize: group.receiveBufferSize)
        let loop = AcceptLoop(listenFD: listenFD, interpreter: interpreter, settings: settings, control: control,
                              maximumRequests: group.maximumRequests, stackSize: group.stackSize)
        guard loop.start(threads: max(1, group.threads)) > 0 else {
            failStartup("Daemon process '\(group.name)' could not start any request thread.")
        }

        ProcessMonitor(settings: MonitorSettings(group: group), control: control, interpreter: interpreter).start()

        var reason = signals.waitForStop(control: control, logger: logger) { number, name in
            interpreter.publishProcessSignal(number: number, name: name)
        }
        if reason == .gracefulSignal && group.evictionTimeout > 0 { reason = .evictionSignal }
        let timeout = drainSeconds(reason: reason, group: group)
        let running = control.activeRequests.load(ordering: .relaxed)
        logger.info("Shutting down daemon process '\(group.name)' (slot \(slot)): \(reason.text)\(reason == .cpuTimeLimit ? " of \(group.cpuTimeLimit) seconds" : ""); \(running == 0 ? "no request is running" : "waiting up to \(timeout) seconds for \(running) running requests").")
        control.beginStopping()
        if !(config.python.destroyInterpreter ?? true) {
            // WSGIDestroyInterpreter Off: no atexit handlers and no Py_Finalize, as mod_wsgi.
            logger.info("Daemon process '\(group.name)' exits without finalizing Python (WSGIDestroyInterpreter Off).")
        } else {
            // A request past request-timeout will not finish: it is not waited for.
            let overdue = reason == .requestTimeout ? MonitorSettings(group: group).requestTimeoutMicroseconds : nil
            switch waitForThreads(control: control, seconds: timeout, abandonAfter: overdue) {
            case .finished:
                // Finalizing runs atexit handlers and joins the application's own threads; do not
                // let that outlast shutdown-timeout either.
                startReaper(seconds: max(group.shutdownTimeout, 1), groupName: group.name)
                interpreter.publishProcessStopping(reason: reason.shutdownReason)
                // nil: a sub-interpreter could not be ended safely, so Python was left as it is (logged).
                if let status = interpreter.finalize(), status != 0 {
                    logger.warning("Python finalization reported an error (\(status)).")
                }
            case .onlyOverdueLeft:
                logger.warning("Daemon process '\(group.name)' abandons the requests past request-timeout; exiting without finalizing Python.")
            case .timedOut:
                logger.warning("Daemon process '\(group.name)' still had \(control.activeRequests.load(ordering: .relaxed)) requests running after \(timeout) seconds; exiting without finalizing Python.")
            }
        }
        exit(0)
    }

    /// A threads=0 process after its import scripts: waits for SIGTERM/SIGINT (or a recycle),
    /// then finalizes Python (running the scripts' atexit handlers) and exits.
    private static func serveAsServiceProcess(group: DaemonGroupConfig, slot: Int, interpreter: PythonInterpreter,
                                              destroyInterpreter: Bool, logger: Logger) -> Never {
        let control: WorkerControl
        let signals: SignalPipe
        do {
            control = try WorkerControl(threads: 1)
            signals = try SignalPipe(routing: [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2])
        } catch {
            failStartup("\(error)")
        }
        logger.info("Service process '\(group.name)' (slot \(slot)) has run its scripts and serves no requests.")
        let reason = signals.waitForStop(control: control, logger: logger) { number, name in
            interpreter.publishProcessSignal(number: number, name: name)
        }
        logger.info("Shutting down service process '\(group.name)' (slot \(slot)): \(reason.text).")
        if destroyInterpreter {
            startReaper(seconds: max(group.shutdownTimeout, 1), groupName: group.name)
            _ = interpreter.finalize()
        }
        exit(0)
    }

    /// How long a stopping process waits for its running requests: shutdown-timeout on a shutdown
    /// signal, eviction-timeout on SIGUSR1 when set, else graceful-timeout (at least shutdown-timeout).
    static func drainSeconds(reason: StopReason, group: DaemonGroupConfig) -> Int {
        switch reason {
        case .shutdownSignal: return group.shutdownTimeout
        case .evictionSignal: return group.evictionTimeout
        default: return max(group.gracefulTimeout, group.shutdownTimeout)
        }
    }

    static func interpreterSettings(config: SupervisorConfig, group: DaemonGroupConfig) -> InterpreterSettings {
        var settings = InterpreterSettings()
        settings.pythonHome = group.pythonHome ?? config.pythonHome
        settings.pythonPath = group.options["python-path"] != nil ? group.pythonPath : config.pythonPath
        settings.homeDirectory = group.home
        settings.processGroup = group.name
        settings.processes = group.processes
        settings.threads = group.threads
        settings.multiprocess = group.multiprocess
        settings.maximumRequests = group.maximumRequests
        let python = config.python
        settings.optimizationLevel = python.optimize
        settings.writeBytecode = !(python.dontWriteBytecode ?? false)
        settings.hashSeed = python.hashSeed
        settings.warnings = python.warnings
        // A group's own python-eggs= and switch-interval= win over the server-wide directives.
        settings.eggsDirectory = group.options["python-eggs"] ?? python.eggs
        settings.switchInterval = group.options["switch-interval"].flatMap(Double.init) ?? python.switchInterval
        settings.restrictStdin = python.restrictStdin ?? false
        settings.restrictStdout = python.restrictStdout ?? false
        settings.restrictSignal = python.restrictSignal ?? true
        settings.interpreterOptions = config.interpreterOptions
        settings.apache = config.apache
        return settings
    }

    private static func startReaper(seconds: Int, groupName: String) {
        _ = startDetachedThread {
            sleep(UInt32(seconds))
            Logger(label: "mod_wsgi").warning("Daemon process '\(groupName)' did not finish Python finalization within \(seconds) seconds; exiting.")
            _exit(0)
        }
    }

    /// Waits for every request thread to leave; false when `seconds` (0 = no limit) ran out first.
    enum DrainResult { case finished, timedOut, onlyOverdueLeft }

    /// Waits for every request thread to leave, for up to `seconds` (0 = no limit). With
    /// `abandonAfter` (microseconds), requests running longer than that are not waited for: once
    /// every thread still running is in one, the drain ends (a request past request-timeout will
    /// not finish, and mod_wsgi does not hold the restart for it either).
    private static func waitForThreads(control: WorkerControl, seconds: Int, abandonAfter: Int64? = nil) -> DrainResult {
        let deadline = WorkerClock.monotonicMicroseconds() + Int64(seconds) * 1_000_000
        while true {
            let running = control.runningThreads.load(ordering: .sequentiallyConsistent)
            if running == 0 { return .finished }
            let now = WorkerClock.monotonicMicroseconds()
            if seconds > 0 && now >= deadline { return .timedOut }
            if let limit = abandonAfter {
                let overdue = control.requestStarts.withLock { starts in starts.filter { $0 > 0 && now - $0 > limit }.count }
                if overdue > 0 && overdue >= running { return .onlyOverdueLeft }
            }
            usleep(10_000)
        }
    }

    /// Logs why start-up failed and exits after a short pause, so a worker that cannot start does
    /// not spin (the supervisor also backs off).
    static func failStartup(_ message: String) -> Never {
        Logger(label: "mod_wsgi").critical("\(message)")
        sleep(1)
        exit(1)
    }
}

extension StopReason {
    /// The process_stopping event's shutdown_reason, in mod_wsgi's words.
    var shutdownReason: String {
        switch self {
        case .shutdownSignal: return "shutdown_signal"
        case .maximumRequests: return "maximum_requests"
        case .scriptReload: return "script_reload"
        case .gracefulSignal: return "graceful_signal"
        case .restartInterval: return "restart_interval"
        case .inactivityTimeout: return "inactivity_timeout"
        case .requestTimeout: return "request_timeout"
        case .deadlockTimeout: return "deadlock_timeout"
        case .evictionSignal: return "eviction_signal"
        case .cpuTimeLimit: return "cpu_time_limit"
        case .startupTimeout: return "startup_timeout"
        }
    }
}
