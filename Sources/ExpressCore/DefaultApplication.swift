/// The page served when start-server is given no script: proof that Apache, the module and the
/// daemon are wired together, with a pointer to what to do next.
public enum DefaultApplication {
    /// The script, with the application also bound to `callableObject` when that is not the
    /// usual name, so --callable-object works without a script too.
    public static func script(callableObject: String) -> String {
        callableObject == "application" ? page : page + "\n\(callableObject) = application\n"
    }

    static let page = #"""
    # Written by mod_wsgi-express (mod_wsgi-swift) because no WSGI script was given.
    import html
    import sys

    PAGE = """<!DOCTYPE html>
    <html lang="en">
    <head><meta charset="utf-8"><title>mod_wsgi-swift is running</title></head>
    <body>
    <h1>mod_wsgi-swift is running</h1>
    <p>Apache handed this request to a mod_wsgi-swift daemon process, which ran this
    placeholder WSGI application.</p>
    <p>To serve your own application, start the server with its script:</p>
    <pre>mod_wsgi-express start-server /path/to/app.wsgi</pre>
    <table>
    <tr><th align="left">Python</th><td>{python}</td></tr>
    <tr><th align="left">Process group</th><td>{group}</td></tr>
    <tr><th align="left">Path</th><td>{path}</td></tr>
    </table>
    </body>
    </html>
    """


    def application(environ, start_response):
        body = PAGE.format(
            python=html.escape(sys.version.split()[0]),
            group=html.escape(environ.get("mod_wsgi.process_group", "")),
            path=html.escape(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
        ).encode("utf-8")
        start_response("200 OK", [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ])
        return [body]

    """#
}
