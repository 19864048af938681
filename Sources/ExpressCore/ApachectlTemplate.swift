/// The `apachectl` script setup-server writes into the server root. It runs the configured httpd
/// on this server root's httpd.conf, after loading `envvars` (the user's hook for environment
/// variables), from the working directory.
public enum ApachectlTemplate {
    public static let actions = "start|stop|restart|graceful|graceful-stop|configtest|status"

    public static func render(_ config: ServerConfiguration) -> String {
        func sh(_ value: String) -> String { ShellQuoting.singleQuoted(value) }
        var httpdArguments = ["-f", config.configPath]
        if let startupLog = config.logs?.startupLog { httpdArguments += ["-E", startupLog] }
        // Debug mode keeps Apache in the foreground, on the terminal, for the debugger.
        if config.debugging.enabled { httpdArguments.append("-DFOREGROUND") }
        let statusURL = "http://\(config.host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "localhost"):\(config.port)/server-status?auto"
        let hasStatus = config.site.serverStatus || config.site.serverMetrics
        let exec = config.apache.processName.map { "exec -a \(sh($0))" } ?? "exec"
        let start: String
        if let gdb = config.debugging.gdbExecutable {
            start = """
                    printf 'run %s -k %s\\n' "${HTTPD_ARGS[*]}" "$ACTION" > "$SERVER_ROOT/gdb.cmds"
                            exec \(sh(gdb)) -x "$SERVER_ROOT/gdb.cmds" "$HTTPD"
                    """
        } else {
            start = "\(exec) \"$HTTPD\" \"${HTTPD_ARGS[@]}\" -k \"$ACTION\" \"$@\""
        }
        return """
        #!\(config.apache.shellExecutable)
        # Written by mod_wsgi-express setup-server (mod_wsgi-swift); rewritten on every setup.
        # Usage: apachectl \(actions) [httpd options]

        HTTPD=\(sh(config.httpdExecutable))
        HTTPD_ARGS=(\(httpdArguments.map(sh).joined(separator: " ")))
        SERVER_ROOT=\(sh(config.serverRoot))

        # Informational for envvars and the application; httpd.conf itself holds literal values.
        export MOD_WSGI_SERVER_ROOT="$SERVER_ROOT"
        export MOD_WSGI_WORKING_DIRECTORY=\(sh(config.workingDirectory))
        export MOD_WSGI_LISTENER_HOST=\(sh(config.host ?? ""))
        export MOD_WSGI_HTTP_PORT=\(sh(String(config.port)))
        export MOD_WSGI_HTTPS_PORT=\(sh(config.tls.map { String($0.port) } ?? ""))
        export MOD_WSGI_USER=\(sh(config.user))
        export MOD_WSGI_GROUP=\(sh(config.group))
        export MOD_WSGI_MODULES_DIRECTORY=\(sh(config.modulesDirectory))
        export LANG=\(sh(config.locale))
        export LC_ALL=\(sh(config.locale))

        . "$SERVER_ROOT/envvars"

        cd "$MOD_WSGI_WORKING_DIRECTORY" || exit 1

        if [ $# -eq 0 ]; then
            echo "usage: $0 \(actions) [httpd options]" >&2
            exit 2
        fi

        ACTION="$1"
        shift

        case "$ACTION" in
            start|stop|restart|graceful|graceful-stop)
                \(start)
                ;;
            configtest)
                exec "$HTTPD" "${HTTPD_ARGS[@]}" -t "$@"
                ;;
            status)
                \(hasStatus
                  ? "exec curl -sS --max-time 10 \(sh(statusURL))"
                  : "echo \"apachectl status: this server has no status page; run setup-server again with --server-status\" >&2\n        exit 1")
                ;;
            *)
                exec "$HTTPD" "${HTTPD_ARGS[@]}" "$ACTION" "$@"
                ;;
        esac

        """
    }
}
