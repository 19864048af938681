/// The `apachectl` script setup-server writes into the server root. It runs the configured httpd
/// on this server root's httpd.conf, after loading `envvars` (the user's hook for environment
/// variables), from the working directory.
public enum ApachectlTemplate {
    public static func render(_ config: ServerConfiguration) -> String {
        func sh(_ value: String) -> String { ShellQuoting.singleQuoted(value) }
        return """
        #!/bin/bash
        # Written by mod_wsgi-express setup-server (mod_wsgi-swift); rewritten on every setup.
        # Usage: apachectl start|stop|restart|graceful|graceful-stop|configtest [httpd options]

        HTTPD=\(sh(config.httpdExecutable))
        SERVER_ROOT=\(sh(config.serverRoot))

        # Informational for envvars and the application; httpd.conf itself holds literal values.
        export MOD_WSGI_SERVER_ROOT="$SERVER_ROOT"
        export MOD_WSGI_WORKING_DIRECTORY=\(sh(config.workingDirectory))
        export MOD_WSGI_LISTENER_HOST=\(sh(config.host ?? ""))
        export MOD_WSGI_HTTP_PORT=\(sh(String(config.port)))
        export MOD_WSGI_USER=\(sh(config.user))
        export MOD_WSGI_GROUP=\(sh(config.group))
        export MOD_WSGI_MODULES_DIRECTORY=\(sh(config.modulesDirectory))
        export LANG=\(sh(config.locale))
        export LC_ALL=\(sh(config.locale))

        . "$SERVER_ROOT/envvars"

        cd "$MOD_WSGI_WORKING_DIRECTORY" || exit 1

        if [ $# -eq 0 ]; then
            echo "usage: $0 start|stop|restart|graceful|graceful-stop|configtest [httpd options]" >&2
            exit 2
        fi

        ACTION="$1"
        shift

        case "$ACTION" in
            start|stop|restart|graceful|graceful-stop)
                exec "$HTTPD" -f "$SERVER_ROOT/httpd.conf" -k "$ACTION" "$@"
                ;;
            configtest)
                exec "$HTTPD" -f "$SERVER_ROOT/httpd.conf" -t "$@"
                ;;
            *)
                exec "$HTTPD" -f "$SERVER_ROOT/httpd.conf" "$ACTION" "$@"
                ;;
        esac

        """
    }
}
