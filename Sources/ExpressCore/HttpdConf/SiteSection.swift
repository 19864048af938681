/// What Apache serves itself: the document root, aliases, error documents, environment,
/// proxies, status, access control. The application is reached from the document root through
/// a rewrite rule (see HandlerSection), so files, aliases and included mounts come first.
enum SiteSection {
    static func render(_ config: ServerConfiguration) -> String {
        let site = config.site
        var lines: [String] = []
        if let timeout = site.proxyTimeout { lines.append("ProxyTimeout \(timeout)") }
        for url in site.ignoreActivity {
            lines += ["<Location \(q(url))>", "    WSGIIgnoreActivity On", "</Location>"]
        }
        for pair in site.proxyMountPoints { lines += proxyMount(pair.first, pair.second) }
        for pair in site.proxyVirtualHosts {
            let (name, target) = (pair.first, pair.second)
            lines += ["<VirtualHost *:\(config.port)>", "ServerName \(name)",
                      "ProxyPass / \(q(target)) upgrade=websocket", "ProxyPassReverse / \(q(target))",
                      "RequestHeader set X-Forwarded-Port \(config.port)", "RewriteEngine On",
                      "RewriteCond %{HTTPS} on", "RewriteRule .* - [E=URL_SCHEME:https,NE]",
                      "RequestHeader set X-Forwarded-Scheme %{URL_SCHEME}e env=URL_SCHEME", "</VirtualHost>"]
        }
        // Longest URL first, so /static/img is not hidden by /static.
        for alias in site.urlAliases.sorted(by: { $0.url > $1.url }) { lines += aliasLines(alias, site) }
        for pair in site.errorDocuments { lines.append("ErrorDocument \(pair.first) \(q(pair.second))") }
        if let tls = config.tls {
            for url in tls.verifyClientURLs {
                lines += ["<Location \(q(url))>", "    SSLVerifyClient require", "    SSLVerifyDepth 1", "</Location>"]
            }
        }
        lines += site.setenv.map { "SetEnv \(sq($0.first)) \(sq($0.second))" }
        lines += site.passenv.map { "PassEnv \(sq($0))" }
        if site.withCGI { lines.append("AddHandler cgi-script .cgi") }
        if site.compressResponses {
            lines += ["text/plain", "text/html", "text/xml", "text/css", "text/javascript", "application/xhtml+xml",
                      "application/javascript", "application/json"].map { "AddOutputFilterByType DEFLATE \($0)" }
        }
        if site.serverStatus || site.serverMetrics {
            lines += ["<Location /server-status>", "    SetHandler server-status", "    Require local", "</Location>"]
        }
        lines += documentRoot(config)
        lines += access(config)
        return block(lines)
    }

    private static func proxyMount(_ mount: String, _ target: String) -> [String] {
        let prefix = mount.hasSuffix("/") && mount.count > 1 ? String(mount.dropLast()) : mount
        let (from, to, bare) = mount.hasSuffix("/")
            ? (mount, target, prefix)
            : (mount + "/", (target.hasSuffix("/") ? String(target.dropLast()) : target) + "/", mount)
        return [
            "ProxyPass \(q(from)) \(q(to)) upgrade=websocket",
            "ProxyPassReverse \(q(from)) \(q(to))",
            "<Location \(q(from))>",
            "    RewriteEngine On",
            "    RewriteRule .* - [E=SERVER_PORT:%{SERVER_PORT},NE]",
            "    RequestHeader set X-Forwarded-Port %{SERVER_PORT}e",
            "    RewriteCond %{HTTPS} on",
            "    RewriteRule .* - [E=URL_SCHEME:https,NE]",
            "    RequestHeader set X-Forwarded-Scheme %{URL_SCHEME}e env=URL_SCHEME",
            "    RequestHeader set X-Forwarded-Prefix \(q(prefix))",
            "</Location>",
            "<LocationMatch \(q("^" + regexEscaped(bare) + "$"))>",
            "    RewriteEngine On",
            "    RewriteRule .* http://%{HTTP_HOST}%{REQUEST_URI}/ [R=302,L]",
            "</LocationMatch>",
        ]
    }

    private static func regexEscaped(_ text: String) -> String {
        String(text.flatMap { ".^$*+?()[]{}|\\".contains($0) ? ["\\", $0] : [$0] })
    }

    private static func aliasLines(_ alias: Site.Alias, _ site: Site) -> [String] {
        if alias.isFile {
            let slash = alias.target.lastIndex(of: "/")!
            let directory = slash == alias.target.startIndex ? "/" : String(alias.target[..<slash])
            let file = String(alias.target[alias.target.index(after: slash)...])
            return ["Alias \(q(alias.url)) \(q(alias.target))", "<Directory \(q(directory))>",
                    "<Files \(q(file))>", "    Require all granted", "</Files>", "</Directory>"]
        }
        // A URL ending in / keeps the directory's / too, or Apache would not map sub-paths.
        let target = alias.url.hasSuffix("/") && alias.target != "/" ? alias.target + "/" : alias.target
        return ["Alias \(q(alias.url)) \(q(target))", "<Directory \(q(alias.target))>",
                "    AllowOverride \(site.allowOverride)", "    Require all granted", "</Directory>"]
    }

    private static func documentRoot(_ config: ServerConfiguration) -> [String] {
        let site = config.site
        var lines = [
            "DocumentRoot \(q(config.documentRoot))",
            "AccessFileName .htaccess",
            "<Directory \(q(config.documentRoot))>",
            "    AllowOverride \(site.allowOverride)",
        ]
        if let index = site.directoryIndex { lines.append("    DirectoryIndex \(q(index))") }
        if site.directoryListing { lines.append("    Options +Indexes") }
        if site.withCGI { lines.append("    Options +ExecCGI") }
        lines += ["    RewriteEngine On", "    RewriteOptions InheritDownBefore"]
        if let rules = site.rewriteRules { lines.append("    Include \(q(rules))") }
        lines += ["    Require all granted", "</Directory>"]
        return lines
    }

    /// --host-access-script and --auth-user-script guard the whole site.
    private static func access(_ config: ServerConfiguration) -> [String] {
        let site = config.site
        var lines: [String] = []
        if let script = site.hostAccessScript {
            lines += ["<Location />", "    WSGIAccessScript \(sq(script))", "</Location>"]
        }
        if let script = site.authUserScript {
            lines += ["<Location />", "    AuthType \(site.authType)", "    AuthName \(sq("\(config.serverName):\(config.port)"))",
                      "    Auth\(site.authType)Provider wsgi", "    WSGIAuthUserScript \(sq(script))"]
            if let groups = site.authGroupScript { lines.append("    WSGIAuthGroupScript \(sq(groups))") }
            lines += ["    <RequireAll>", "    Require valid-user"]
            if site.authGroupScript != nil { lines.append("    Require wsgi-group \(sq(site.authGroup))") }
            lines += ["    </RequireAll>", "</Location>"]
        }
        return lines
    }
}
