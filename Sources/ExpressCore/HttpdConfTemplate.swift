/// The httpd.conf that setup-server writes: a complete, self-contained Apache configuration that
/// serves one WSGI script from one daemon process group. Every value comes from a checked
/// `ServerConfiguration` and is quoted, so paths with spaces or quotes stay single values.
public enum HttpdConfTemplate {
    public static func render(_ config: ServerConfiguration) -> String {
        [header(config), modules(config), server(config), logging(config), access(config),
         eventMPM(config), wsgi(config), application(config), includes(config)]
            .joined(separator: "\n")
    }

    private static func q(_ value: String) -> String { ApacheQuoting.doubleQuoted(value) }
    private static func sq(_ value: String) -> String { ApacheQuoting.singleQuoted(value) }

    private static func header(_ config: ServerConfiguration) -> String {
        let listen = config.host.map { ($0.contains(":") ? "[\($0)]" : $0) + ":\(config.port)" } ?? "\(config.port)"
        let serverName = config.serverName.contains(":") ? "[\(config.serverName)]" : config.serverName
        return """
        # Written by mod_wsgi-express setup-server (mod_wsgi-swift). It is rewritten on every
        # setup-server or start-server: put your own directives in a file and pass --include-file.

        ServerRoot \(q(config.serverRoot))
        PidFile \(q(config.pidFilePath))
        DefaultRuntimeDir \(q(config.serverRoot))
        ServerName \(q(serverName))
        ServerTokens ProductOnly
        ServerSignature Off
        User \(q(config.user))
        Group \(q(config.group))
        Listen \(listen)
        ListenBacklog \(config.serverBacklog)

        """
    }

    /// Debian builds unixd and log_config into httpd; other builds have them as modules.
    private static func modules(_ config: ServerConfiguration) -> String {
        func load(_ name: String, _ file: String) -> String {
            """
            <IfModule !\(name)_module>
                LoadModule \(name)_module \(q(config.modulesDirectory + "/" + file))
            </IfModule>
            """
        }
        var lines = [
            "<IfModule !mpm_prefork_module>",
            "<IfModule !mpm_worker_module>",
            load("mpm_event", "mod_mpm_event.so"),
            "</IfModule>",
            "</IfModule>",
            load("unixd", "mod_unixd.so"),
            load("authz_core", "mod_authz_core.so"),
            load("mime", "mod_mime.so"),
        ]
        if config.accessLog { lines.append(load("log_config", "mod_log_config.so")) }
        lines.append("LoadModule wsgi_module \(q(config.module.path))")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func server(_ config: ServerConfiguration) -> String {
        let keepAlive = config.keepAliveTimeout > 0
            ? "KeepAlive On\nKeepAliveTimeout \(config.keepAliveTimeout)\nMaxKeepAliveRequests 0"
            : "KeepAlive Off"
        return """
        TypesConfig \(q(config.mimeTypesFile))
        HostnameLookups Off
        # Apache's own I/O timeout, and the daemon socket timeout.
        Timeout \(config.daemon.socketTimeout)
        LimitRequestBody \(config.limitRequestBody)
        \(keepAlive)

        """
    }

    private static func logging(_ config: ServerConfiguration) -> String {
        var lines = [
            "ErrorLog \(q(config.errorLogPath))",
            "LogLevel \(config.logLevel)",
        ]
        if config.accessLog {
            lines.append(#"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" combined"#)
            lines.append("CustomLog \(q(config.accessLogPath)) combined")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func access(_ config: ServerConfiguration) -> String {
        """
        <Directory />
            AllowOverride None
            Require all denied
        </Directory>

        DocumentRoot \(q(config.documentRoot))
        <Directory \(q(config.documentRoot))>
            AllowOverride None
            Require all granted
        </Directory>

        """
    }

    private static func eventMPM(_ config: ServerConfiguration) -> String {
        let size = EventMPMSizing(maxClients: config.maxClients)
        return """
        # Sized for \(config.maxClients) concurrent clients (--max-clients).
        <IfModule mpm_event_module>
            ServerLimit \(size.serverLimit)
            ThreadLimit \(size.threadsPerChild)
            StartServers \(size.startServers)
            MaxRequestWorkers \(size.maxRequestWorkers)
            MinSpareThreads \(size.minSpareThreads)
            MaxSpareThreads \(size.maxSpareThreads)
            ThreadsPerChild \(size.threadsPerChild)
            MaxConnectionsPerChild 0
            ThreadStackSize 262144
        </IfModule>

        """
    }

    /// The daemon group's options, in mod_wsgi's names; `processes=` only when given, because
    /// giving it at all turns on wsgi.multiprocess.
    static func daemonOptions(_ config: ServerConfiguration) -> [String] {
        let limits = config.daemon
        var options = [
            "display-name=\(sq(config.displayName))",
            "home=\(sq(config.workingDirectory))",
        ]
        if config.processesGiven { options.append("processes=\(config.processes)") }
        options.append("threads=\(config.threads)")
        if !config.pythonPath.isEmpty {
            options.append("python-path=\(sq(config.pythonPath.joined(separator: ":")))")
        }
        options += [
            "lang=\(sq(config.locale))",
            "locale=\(sq(config.locale))",
            "listen-backlog=\(limits.listenBacklog)",
            "queue-timeout=\(limits.queueTimeout)",
            "socket-timeout=\(limits.socketTimeout)",
            "connect-timeout=\(limits.connectTimeout)",
            "request-timeout=\(limits.requestTimeout)",
            "inactivity-timeout=\(limits.inactivityTimeout)",
            "startup-timeout=\(limits.startupTimeout)",
            "deadlock-timeout=\(limits.deadlockTimeout)",
            "graceful-timeout=\(limits.gracefulTimeout)",
            "shutdown-timeout=\(limits.shutdownTimeout)",
            "restart-interval=\(limits.restartInterval)",
            "maximum-requests=\(limits.maximumRequests)",
        ]
        return options
    }

    private static func wsgi(_ config: ServerConfiguration) -> String {
        let options = daemonOptions(config).map { "    " + $0 }.joined(separator: " \\\n")
        var lines = [
            "WSGISocketPrefix \(q(config.socketDirectory + "/wsgi"))",
            "WSGIDaemonProcess \(sq(config.processGroup)) \\\n" + options,
            "WSGIProcessGroup \(sq(config.processGroup))",
            "WSGIApplicationGroup %{GLOBAL}",
            "WSGICallableObject \(sq(config.callableObject))",
            "WSGIPassAuthorization On",
        ]
        if config.chunkedRequest { lines.append("WSGIChunkedRequest On") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The script answers every URL; only the script file itself is opened up.
    private static func application(_ config: ServerConfiguration) -> String {
        let slash = config.scriptPath.lastIndex(of: "/")!
        let directory = slash == config.scriptPath.startIndex ? "/" : String(config.scriptPath[..<slash])
        let file = String(config.scriptPath[config.scriptPath.index(after: slash)...])
        return """
        WSGIScriptAlias / \(sq(config.scriptPath)) process-group=\(sq(config.processGroup)) application-group=%{GLOBAL}
        <Directory \(q(directory))>
            <Files \(q(file))>
                Require all granted
            </Files>
        </Directory>

        """
    }

    /// Last, so included directives can refer to the daemon group defined above.
    private static func includes(_ config: ServerConfiguration) -> String {
        config.includeFiles.map { "Include \(q($0))\n" }.joined()
    }
}
