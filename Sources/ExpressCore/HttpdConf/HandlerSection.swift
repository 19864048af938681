/// How requests reach the application: handler.wsgi is the WSGI handler script of the daemon
/// group, loaded when the daemon starts (WSGIImportScript), and a rewrite rule at the mount
/// point hands it every request for which the document root has no file. So static files,
/// aliases and the mounts of included files win over the application, as in mod_wsgi-express.
enum HandlerSection {
    static func render(_ config: ServerConfiguration) -> String {
        let group = "process-group=\(sq(config.processGroup)) application-group=\(applicationGroup(config))"
        var lines = [
            "<Directory \(q(config.serverRoot))>",
            "    AllowOverride None",
            "    <Files \"handler.wsgi\">",
            "        Require all granted",
            "    </Files>",
        ]
        if !config.site.handlerScripts.isEmpty {
            lines += ["    <Files \"resource.wsgi\">", "        Require all granted", "    </Files>"]
        }
        lines.append("</Directory>")
        if config.applicationType != .static {
            lines.append("<Directory \(q(mountDirectory(config)))>")
            lines.append("    RewriteCond %{REQUEST_FILENAME} !-f")
            if config.site.directoryIndex != nil { lines.append("    RewriteCond %{REQUEST_FILENAME} !-d") }
            if config.site.serverStatus || config.site.serverMetrics {
                lines.append("    RewriteCond %{REQUEST_URI} !/server-status")
            }
            lines += ["    RewriteRule .* - [H=wsgi-handler]", "</Directory>"]
        }
        lines.append("WSGIHandlerScript wsgi-handler \(sq(config.handlerScriptPath)) \(group)")
        // A %{...} group other than %{GLOBAL} is chosen per request, so it cannot be preloaded.
        let group0 = config.applicationGroup ?? "%{GLOBAL}"
        if group0 == "%{GLOBAL}" || !group0.contains("%{") {
            lines.append("WSGIImportScript \(sq(config.handlerScriptPath)) \(group)")
        }
        if !config.site.handlerScripts.isEmpty {
            lines.append("WSGIHandlerScript wsgi-resource \(sq(config.resourceScriptPath)) "
                         + "process-group=\(sq(config.processGroup)) application-group=%{GLOBAL}")
            lines += config.site.handlerScripts.map { "AddHandler wsgi-resource \($0.first)" }
        }
        lines += config.services.flatMap { service(config, $0) }
        return block(lines)
    }

    static func applicationGroup(_ config: ServerConfiguration) -> String {
        config.applicationGroup.map { sq($0) } ?? "%{GLOBAL}"
    }

    /// The document root directory the mount point maps to (created by the writer).
    static func mountDirectory(_ config: ServerConfiguration) -> String {
        config.site.mountPoint == "/" ? config.documentRoot : config.documentRoot + config.site.mountPoint
    }

    /// A service runs in a daemon group of its own with no request threads; with a log file it
    /// sits in a virtual host no request can reach (`service-NAME.invalid`) that has that log.
    private static func service(_ config: ServerConfiguration, _ service: ServerConfiguration.Service) -> [String] {
        let group = "service:\(service.name)"
        var options = ["display-name=%{GROUP}", "user=\(sq(service.user))", "group=\(sq(service.group))",
                       "home=\(sq(config.workingDirectory))", "threads=0"]
        if !config.pythonPath.isEmpty { options.append("python-path=\(sq(config.pythonPath.joined(separator: ":")))") }
        if let eggs = config.site.pythonEggs { options.append("python-eggs=\(sq(eggs))") }
        options += ["lang=\(sq(config.locale))", "locale=\(sq(config.locale))"]
        let lines = ["WSGIDaemonProcess \(sq(group)) " + options.joined(separator: " "),
                     "WSGIImportScript \(sq(service.script)) process-group=\(sq(group)) application-group=%{GLOBAL}"]
        guard let logFile = service.logFile else { return lines }
        return ["<VirtualHost *:\(config.port)>", "ServerName service-\(service.name).invalid",
                "ErrorLog \(LoggingSection.target(config, config.logDirectory + "/" + logFile))"] + lines
            + ["</VirtualHost>"]
    }
}
