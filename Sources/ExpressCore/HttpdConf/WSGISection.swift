/// The mod_wsgi directives: Python home, the daemon process group, and server-wide behaviour.
enum WSGISection {
    static func render(_ config: ServerConfiguration) -> String {
        var lines: [String] = []
        if let home = config.pythonHome { lines.append("WSGIPythonHome \(q(home))") }
        if config.site.verboseDebugging { lines.append("WSGIVerboseDebugging On") }
        lines += [
            "WSGISocketPrefix \(q(config.socketDirectory + "/wsgi"))",
            "WSGISocketRotation Off",
            "WSGIDestroyInterpreter " + (config.site.orphanInterpreter ? "Off" : "On"),
            "WSGIRestrictEmbedded On",
            "WSGIDaemonProcess \(sq(config.processGroup)) \\\n"
                + daemonOptions(config).map { "    " + $0 }.joined(separator: " \\\n"),
            // Mounts of included files without a process-group= run in this group too: there is
            // no embedded mode to fall back on.
            "WSGIProcessGroup \(sq(config.processGroup))",
            "WSGICallableObject \(sq(config.callableObject))",
            "WSGIPassAuthorization On",
            "WSGIMapHEADToGET \(config.site.mapHeadToGet)",
        ]
        if config.disableReloading || config.debugging.enabled { lines.append("WSGIScriptReloading Off") }
        if config.site.serverMetrics { lines.append("WSGIServerMetrics On") }
        if config.chunkedRequest { lines.append("WSGIChunkedRequest On") }
        if config.site.errorOverride { lines.append("WSGIErrorOverride On") }
        if config.site.enableSendfile { lines.append("WSGIEnableSendfile On") }
        if !config.site.trustedProxyHeaders.isEmpty {
            lines.append("WSGITrustedProxyHeaders " + config.site.trustedProxyHeaders.joined(separator: " "))
        }
        if !config.site.trustedProxies.isEmpty {
            lines.append("WSGITrustedProxies " + config.site.trustedProxies.joined(separator: " "))
        }
        lines += config.site.pythonWarnings.map { "WSGIPythonWarnings \(sq($0))" }
        return block(lines)
    }

    /// The daemon group's options, in mod_wsgi-express's names and order; `processes=` only when
    /// given, because giving it at all turns on wsgi.multiprocess.
    static func daemonOptions(_ config: ServerConfiguration) -> [String] {
        let limits = config.daemon
        var options = [
            "display-name=\(sq(config.displayName))",
            "home=\(sq(config.workingDirectory))",
        ]
        if config.processesGiven { options.append("processes=\(config.processes)") }
        options += [
            "threads=\(config.threads)",
            "maximum-requests=\(limits.maximumRequests)",
        ]
        if !config.pythonPath.isEmpty {
            options.append("python-path=\(sq(config.pythonPath.joined(separator: ":")))")
        }
        if let eggs = config.site.pythonEggs { options.append("python-eggs=\(sq(eggs))") }
        options += [
            "lang=\(sq(config.locale))",
            "locale=\(sq(config.locale))",
            "listen-backlog=\(limits.listenBacklog)",
            "queue-timeout=\(limits.queueTimeout)",
            "socket-timeout=\(limits.socketTimeout)",
            "connect-timeout=\(limits.connectTimeout)",
            "request-timeout=\(limits.requestTimeout)",
            "interrupt-timeout=\(limits.interruptTimeout)",
            "inactivity-timeout=\(limits.inactivityTimeout)",
            "startup-timeout=\(limits.startupTimeout)",
            "deadlock-timeout=\(limits.deadlockTimeout)",
            "graceful-timeout=\(limits.gracefulTimeout)",
            "eviction-timeout=\(limits.evictionTimeout)",
            "restart-interval=\(limits.restartInterval)",
            "cpu-time-limit=\(limits.cpuTimeLimit)",
            "shutdown-timeout=\(limits.shutdownTimeout)",
            "send-buffer-size=\(limits.sendBufferSize)",
            "receive-buffer-size=\(limits.receiveBufferSize)",
        ]
        // mod_wsgi-express passes a header buffer size only with --processes; 0 means the default.
        if config.processesGiven || limits.headerBufferSize != 0 {
            options.append("header-buffer-size=\(limits.headerBufferSize)")
        }
        options += [
            "response-buffer-size=\(limits.responseBufferSize)",
            "response-socket-timeout=\(limits.responseSocketTimeout)",
            "response-flush-delay=\(limits.responseFlushDelay)",
            "server-metrics=" + (config.site.serverMetrics ? "On" : "Off"),
        ]
        if let interval = limits.switchInterval { options.append("switch-interval=\(interval)") }
        return options
    }
}
