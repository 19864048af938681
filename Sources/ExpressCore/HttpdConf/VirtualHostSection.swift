/// Virtual hosts. Without --server-name every host name is answered (and HTTPS gets one
/// `_default_` host: mod_wsgi-express writes no HTTPS listener then, which we do not copy). With
/// it, a first catch-all host refuses other names (403), except localhost with --allow-localhost;
/// a `www.` name also redirects the bare domain to it.
enum VirtualHostSection {
    static func render(_ config: ServerConfiguration) -> String {
        var lines: [String] = []
        let port = config.port
        guard let name = config.siteName else {
            lines.append("<VirtualHost _default_:\(port)>")
            if let tls = config.tls, tls.httpsOnly { lines += httpsRedirect(host: "%{SERVER_NAME}", tls) }
            lines.append("</VirtualHost>")
            if let tls = config.tls {
                lines.append("<VirtualHost _default_:\(tls.port)>")
                lines += sslLines(tls) + siteTLSLines(tls)
                lines.append("</VirtualHost>")
            }
            return block(lines)
        }
        let aliases = config.serverAliases.isEmpty ? [] : ["ServerAlias " + config.serverAliases.joined(separator: " ")]
        let parentDomain = name.lowercased().hasPrefix("www.") ? String(name.dropFirst(4)) : nil

        lines += ["<VirtualHost _default_:\(port)>", "ServerName _wsgi_"] + refuseOthers(config) + ["</VirtualHost>"]
        lines += ["<VirtualHost *:\(port)>", "ServerName \(name)"] + aliases
        if let tls = config.tls, tls.httpsOnly { lines += httpsRedirect(host: name, tls) }
        lines.append("</VirtualHost>")
        if let parentDomain {
            lines += ["<VirtualHost *:\(port)>", "ServerName \(parentDomain)"]
            if let tls = config.tls, tls.httpsOnly {
                lines += httpsRedirect(host: name, tls)
            } else {
                lines.append("Redirect permanent / http://\(name):\(port)/")
            }
            lines.append("</VirtualHost>")
        }
        if let tls = config.tls {
            lines += ["<VirtualHost _default_:\(tls.port)>", "ServerName _wsgi_"] + refuseOthers(config)
                + sslLines(tls) + ["</VirtualHost>"]
            lines += ["<VirtualHost *:\(tls.port)>", "ServerName \(name)"] + aliases + sslLines(tls)
                + siteTLSLines(tls) + ["</VirtualHost>"]
            if let parentDomain {
                lines += ["<VirtualHost *:\(tls.port)>", "ServerName \(parentDomain)",
                          "Redirect permanent / https://\(name):\(tls.port)/"] + sslLines(tls) + ["</VirtualHost>"]
            }
        }
        return block(lines)
    }

    private static func refuseOthers(_ config: ServerConfiguration) -> [String] {
        ["<Location />", config.allowLocalhost ? "    Require host localhost" : "    Require all denied", "</Location>"]
    }

    private static func httpsRedirect(host: String, _ tls: ServerConfiguration.TLS) -> [String] {
        ["RewriteEngine On", "RewriteCond %{HTTPS} off",
         "RewriteRule (.*) https://\(host):\(tls.port)%{REQUEST_URI} [R=302,L]"]
    }

    static func sslLines(_ tls: ServerConfiguration.TLS) -> [String] {
        var lines = ["SSLEngine On", "SSLCertificateFile \(q(tls.certificateFile))",
                     "SSLCertificateKeyFile \(q(tls.keyFile))"]
        if let ca = tls.caCertificateFile {
            lines += ["SSLCACertificateFile \(q(ca))", "SSLVerifyClient none"]
        }
        if let chain = tls.chainFile { lines.append("SSLCertificateChainFile \(q(chain))") }
        return lines
    }

    /// What only the site's own HTTPS host gets: HSTS and the SSL_* variables.
    private static func siteTLSLines(_ tls: ServerConfiguration.TLS) -> [String] {
        var lines: [String] = []
        if tls.httpsOnly, let policy = tls.hstsPolicy {
            lines.append("Header set Strict-Transport-Security \(q(policy))")
        }
        if tls.passEnvironment { lines.append("SSLOptions +StdEnvVars") }
        return lines
    }
}
