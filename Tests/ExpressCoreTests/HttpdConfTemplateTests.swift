import XCTest
@testable import ExpressCore

final class HttpdConfTemplateTests: XCTestCase {
    private func conf(_ arguments: [String], host: HostEnvironment = fakeHost()) throws -> String {
        HttpdConfTemplate.render(try configuration(arguments, host: host))
    }

    /// The lines of `text`, trimmed, so tests can look for whole directives.
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func testDefaultServerSection() throws {
        let text = lines(try conf([]))
        let root = "/tmp/mod_wsgi-localhost:8000:1000"
        for expected in [
            #"ServerRoot "\#(root)""#, #"PidFile "\#(root)/httpd.pid""#, #"DefaultRuntimeDir "\#(root)""#,
            #"ServerName "localhost""#, #"User "alice""#, #"Group "staff""#, "Listen 8000",
            "Timeout 60", #"ErrorLog "\#(root)/error_log""#, "LogLevel warn",
            "Require all denied", #"TypesConfig "/etc/mime.types""#,
            #"LoadModule mpm_event_module "/usr/lib/apache2/modules/mod_mpm_event.so""#,
            "<IfModule !unixd_module>", "<IfModule !authz_core_module>", "<IfModule !mime_module>",
            "<IfModule !rewrite_module>", "<IfModule !env_module>", "<IfModule !headers_module>",
            "<IfModule !alias_module>", "<IfModule !dir_module>", "<IfModule !reqtimeout_module>",
            #"Define MOD_WSGI_MODULES_DIRECTORY "/usr/lib/apache2/modules""#,
            #"LoadModule wsgi_module "/usr/lib/apache2/modules/mod_wsgi-swift.so""#,
            #"WSGISocketPrefix "\#(root)/wsgi""#, "WSGISocketRotation Off", "WSGIDestroyInterpreter On",
            "WSGIRestrictEmbedded On", "WSGIProcessGroup 'localhost:8000'",
            "WSGICallableObject 'application'", "WSGIPassAuthorization On", "WSGIMapHEADToGET Auto",
            "RequestReadTimeout header=15-30,MinRate=500 body=15,MinRate=500",
            "<VirtualHost _default_:8000>",
            #"DocumentRoot "\#(root)/htdocs""#, #"<Directory "\#(root)/htdocs">"#, "RewriteEngine On",
            "RewriteCond %{REQUEST_FILENAME} !-f", "RewriteRule .* - [H=wsgi-handler]",
            "WSGIHandlerScript wsgi-handler '\(root)/handler.wsgi' process-group='localhost:8000' application-group=%{GLOBAL}",
            "WSGIImportScript '\(root)/handler.wsgi' process-group='localhost:8000' application-group=%{GLOBAL}",
            #"<Directory "\#(root)">"#, #"<Files "handler.wsgi">"#, "Require all granted",
        ] {
            XCTAssertTrue(text.contains(expected), "missing: \(expected)")
        }
        XCTAssertFalse(text.contains("WSGIChunkedRequest On"))
        XCTAssertFalse(text.contains { $0.hasPrefix("CustomLog") || $0.hasPrefix("WSGIScriptAlias") })
        XCTAssertFalse(text.contains { $0.hasPrefix("WSGIPythonHome") })
    }

    func testOnlyDirectivesTheModuleKnowsAreUsed() throws {
        let allowed: Set<String> = ["WSGIDaemonProcess", "WSGIProcessGroup", "WSGISocketPrefix", "WSGIPythonHome",
                                    "WSGICallableObject", "WSGIPassAuthorization", "WSGIChunkedRequest",
                                    "WSGISocketRotation", "WSGIDestroyInterpreter", "WSGIRestrictEmbedded",
                                    "WSGIMapHEADToGET", "WSGIHandlerScript", "WSGIImportScript"]
        let used = lines(try conf(["--chunked-request", "--processes", "2"]))
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.hasPrefix("WSGI") }
        XCTAssertFalse(used.isEmpty)
        XCTAssertEqual(Set(used).subtracting(allowed), [])
    }

    func testDaemonProcessOptions() throws {
        let config = try configuration(["--python-path", "/srv/lib", "--python-path", "/srv/vendor"])
        XCTAssertEqual(WSGISection.daemonOptions(config), [
            "display-name='(wsgi:localhost:8000:1000)'", "home='/home/alice/site'", "threads=5",
            "maximum-requests=0", "python-path='/srv/lib:/srv/vendor'",
            "python-eggs='/tmp/mod_wsgi-localhost:8000:1000/python-eggs'",
            "lang='en_US.UTF-8'", "locale='en_US.UTF-8'",
            "listen-backlog=100", "queue-timeout=45", "socket-timeout=60", "connect-timeout=15",
            "request-timeout=60", "interrupt-timeout=0", "inactivity-timeout=0", "startup-timeout=15",
            "deadlock-timeout=60", "graceful-timeout=15", "eviction-timeout=0", "restart-interval=0",
            "cpu-time-limit=0", "shutdown-timeout=5", "send-buffer-size=0", "receive-buffer-size=0",
            "response-buffer-size=0", "response-socket-timeout=0", "response-flush-delay=5", "server-metrics=Off",
        ])
        let text = HttpdConfTemplate.render(config)
        XCTAssertTrue(text.contains("WSGIDaemonProcess 'localhost:8000' \\\n    display-name="))
        XCTAssertTrue(text.contains("    server-metrics=Off\nWSGIProcessGroup"), "continuation lines end where they should")
    }

    func testProcessesOnlyWhenGivenAndMpmSizedFromThem() throws {
        XCTAssertFalse(try conf([]).contains("processes="))
        let text = lines(try conf(["--processes", "3", "--threads", "10", "--request-timeout", "120",
                                   "--maximum-requests", "500"]))
        XCTAssertTrue(text.contains("processes=3 \\"))
        XCTAssertTrue(text.contains("threads=10 \\"))
        XCTAssertTrue(text.contains("request-timeout=120 \\"))
        XCTAssertTrue(text.contains("maximum-requests=500 \\"))
        // 10 + 1.5 * 30 = 55 clients: four children of 18 threads.
        XCTAssertTrue(text.contains("ThreadsPerChild 18"))
        XCTAssertTrue(text.contains("ServerLimit 4"))
        XCTAssertTrue(text.contains("MaxRequestWorkers 72"))
    }

    func testHostAndTerminalLogging() throws {
        let text = lines(try conf(["--host", "127.0.0.1", "--port", "18401", "--log-to-terminal", "--access-log",
                                   "--log-level", "info"]))
        XCTAssertTrue(text.contains("Listen 127.0.0.1:18401"))
        XCTAssertTrue(text.contains(#"ServerName "127.0.0.1""#))
        XCTAssertTrue(text.contains(#"ErrorLog "/dev/stderr""#))
        XCTAssertTrue(text.contains(#"CustomLog "/dev/stdout" common"#))
        XCTAssertTrue(text.contains("LogLevel info"))
        XCTAssertTrue(text.contains("WSGIDaemonProcess '127.0.0.1:18401' \\"))
    }

    func testIPv6HostIsBracketed() throws {
        let text = lines(try conf(["--host", "::1"]))
        XCTAssertTrue(text.contains("Listen [::1]:8000"))
        XCTAssertTrue(text.contains(#"ServerName "[::1]""#))
    }

    func testIncludeFilesComeLastInOrder() throws {
        let host = fakeHost(files: ["/etc/extra/a.conf", "/etc/extra/b b.conf"])
        let text = try conf(["--include-file", "/etc/extra/a.conf", "--include-file", "/etc/extra/b b.conf"], host: host)
        XCTAssertTrue(text.hasSuffix("Include \"/etc/extra/a.conf\"\nInclude \"/etc/extra/b b.conf\"\n"))
    }

    func testChunkedCallableSocketPrefixAndKeepAlive() throws {
        let text = lines(try conf(["--chunked-request", "--callable-object", "app", "--socket-prefix", "/run/wsgi-sockets",
                                   "--keep-alive-timeout", "0", "--limit-request-body", "0"]))
        XCTAssertTrue(text.contains("WSGIChunkedRequest On"))
        XCTAssertTrue(text.contains("WSGICallableObject 'app'"))
        XCTAssertTrue(text.contains(#"WSGISocketPrefix "/run/wsgi-sockets/wsgi""#))
        XCTAssertTrue(text.contains("KeepAlive Off"))
        XCTAssertTrue(text.contains("LimitRequestBody 0"))
    }

    func testPathsWithSpacesAndQuotesStayOneValue() throws {
        let script = #"/home/alice/my "odd" site/it's.wsgi"#
        let host = fakeHost(files: [script], directories: ["/home/alice/site", #"/home/alice/my "odd" site"#])
        let text = lines(try conf([script, "--working-directory", #"/home/alice/my "odd" site"#,
                                   "--server-root", #"/tmp/a b\c"#], host: host))
        XCTAssertTrue(text.contains(#"ServerRoot "/tmp/a b\\c""#))
        XCTAssertTrue(text.contains(#"home='/home/alice/my "odd" site' \"#))
        XCTAssertTrue(text.contains(#"entry_point = '/home/alice/my "odd" site/it\'s.wsgi'"#) == false)
        let handler = HandlerScriptTemplate.render(try configuration([script, "--working-directory",
                                                                      #"/home/alice/my "odd" site"#], host: host))
        XCTAssertTrue(handler.contains(#"entry_point = '/home/alice/my "odd" site/it\'s.wsgi'"#))
    }
}
