/// The Apache modules the configuration needs, each loaded only when not already built in or
/// loaded: the same set mod_wsgi-express loads, so included files can use ordinary directives.
enum ModuleSection {
    static func render(_ config: ServerConfiguration) -> String {
        func load(_ name: String, _ file: String? = nil) -> String {
            """
            <IfModule !\(name)_module>
                LoadModule \(name)_module \(q(config.modulesDirectory + "/" + (file ?? "mod_\(name).so")))
            </IfModule>
            """
        }
        let mpm = config.apache.mpms.first ?? "event"
        var lines = [
            "Define MOD_WSGI_MODULES_DIRECTORY \(q(config.modulesDirectory))",
            "<IfModule !mpm_event_module>",
            "<IfModule !mpm_worker_module>",
            "<IfModule !mpm_prefork_module>",
            load("mpm_\(mpm)"),
            "</IfModule>",
            "</IfModule>",
            "</IfModule>",
        ]
        var modules = ["access_compat", "unixd", "authn_core", "authz_core", "authz_host", "mime", "rewrite",
                       "alias", "dir", "env", "headers", "filter", "reqtimeout"]
        if config.site.directoryListing { modules.append("autoindex") }
        if config.site.compressResponses { modules.append("deflate") }
        if config.site.authUserScript != nil { modules += ["auth_basic", "auth_digest", "authz_user"] }
        if !config.site.proxyMountPoints.isEmpty || !config.site.proxyVirtualHosts.isEmpty {
            modules += ["proxy", "proxy_http"]
        }
        if config.site.serverStatus || config.site.serverMetrics { modules.append("status") }
        if config.site.withCGI { modules.append("cgid") }
        if config.tls != nil { modules += ["socache_shmcb", "ssl"] }
        if config.apache.http2 { modules.append("http2") }
        if config.accessLog { modules.append("log_config") }
        lines += modules.map { load($0) }
        lines.append("LoadModule wsgi_module \(q(config.module.path))")
        return block(lines)
    }
}
