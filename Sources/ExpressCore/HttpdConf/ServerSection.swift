/// Server-wide basics: where things are, who serves, what is listened on, request limits.
enum ServerSection {
    static func render(_ config: ServerConfiguration) -> String {
        let listenHost = config.host.map { $0.contains(":") ? "[\($0)]" : $0 }
        let listen = listenHost.map { "\($0):\(config.port)" } ?? "\(config.port)"
        let name = (config.siteName ?? config.serverName).contains(":")
            ? "[\(config.siteName ?? config.serverName)]" : (config.siteName ?? config.serverName)
        var lines = [
            "ServerName \(q(name))",
            "ServerRoot \(q(config.serverRoot))",
            "PidFile \(q(config.pidFilePath))",
            "DefaultRuntimeDir \(q(config.serverRoot))",
            "ServerTokens ProductOnly",
            "ServerSignature Off",
            "User \(q(config.user))",
            "Group \(q(config.group))",
            "Listen \(listen)",
        ]
        if let tls = config.tls {
            lines.append("Listen " + (listenHost.map { "\($0):\(tls.port)" } ?? "\(tls.port)"))
        }
        lines += [
            "ListenBacklog \(config.serverBacklog)",
            "",
            "TypesConfig \(q(config.mimeTypesFile))",
            "HostnameLookups Off",
            "MaxMemFree 64",
            "# Apache's own I/O timeout, and the daemon socket timeout.",
            "Timeout \(config.daemon.socketTimeout)",
        ]
        let readTimeout = config.apache.requestReadTimeout
        lines.append("<IfModule reqtimeout_module>")
        lines.append("    RequestReadTimeout " + (readTimeout.isEmpty ? "header=0 body=0" : readTimeout))
        lines.append("</IfModule>")
        lines.append("LimitRequestBody \(config.limitRequestBody)")
        if config.keepAliveTimeout > 0 {
            lines += ["KeepAlive On", "KeepAliveTimeout \(config.keepAliveTimeout)"]
        } else {
            lines.append("KeepAlive Off")
        }
        if config.apache.http2 { lines.append("Protocols h2 h2c http/1.1") }
        if config.site.enableSendfile { lines.append("EnableSendfile On") }
        if config.site.serverMetrics || config.site.serverStatus { lines.append("ExtendedStatus On") }
        lines += [
            "",
            "<Directory />",
            "    AllowOverride None",
            "    Require all denied",
            "</Directory>",
        ]
        return block(lines)
    }
}
