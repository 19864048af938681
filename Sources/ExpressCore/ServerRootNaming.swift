/// Where the server root goes when `--server-root` is not given, named like mod_wsgi-express's so
/// that two servers on different ports, or run by different users, never share one.
public enum ServerRootNaming {
    /// `$TMPDIR/mod_wsgi-<host>:<port>:<uid>`, with `/tmp` when TMPDIR is unset or empty.
    public static func defaultServerRoot(serverName: String, port: Int, uid: UInt32,
                                         variables: [String: String]) -> String {
        var base = variables["TMPDIR"] ?? ""
        if base.isEmpty { base = "/tmp" }
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        let separator = base == "/" ? "" : "/"
        return "\(base)\(separator)mod_wsgi-\(serverName):\(port):\(uid)"
    }
}
