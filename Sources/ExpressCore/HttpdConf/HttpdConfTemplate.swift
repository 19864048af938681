/// The httpd.conf that setup-server writes: a complete, self-contained Apache configuration laid
/// out like mod_wsgi-express's. Every value comes from a checked `ServerConfiguration` and is
/// quoted, so paths with spaces or quotes stay single values. Each section has its own file.
public enum HttpdConfTemplate {
    public static func render(_ config: ServerConfiguration) -> String {
        [header(), ServerSection.render(config), ModuleSection.render(config), WSGISection.render(config),
         LoggingSection.render(config), MPMSection.render(config), VirtualHostSection.render(config),
         SiteSection.render(config), HandlerSection.render(config), includes(config)]
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    private static func header() -> String {
        """
        # Written by mod_wsgi-express setup-server (mod_wsgi-swift). It is rewritten on every
        # setup-server or start-server: put your own directives in a file and pass --include-file.

        """
    }

    /// Last, so included directives can refer to everything defined above.
    private static func includes(_ config: ServerConfiguration) -> String {
        config.includeFiles.map { "Include \(q($0))\n" }.joined()
    }
}

/// Double-quoted Apache argument.
func q(_ value: String) -> String { ApacheQuoting.doubleQuoted(value) }
/// Single-quoted Apache argument, the form mod_wsgi-express uses in `name='value'` options.
func sq(_ value: String) -> String { ApacheQuoting.singleQuoted(value) }

/// `lines` joined, each ending in a newline.
func block(_ lines: [String]) -> String {
    lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
}
