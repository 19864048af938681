import XCTest
@testable import ExpressCore

/// httpd.conf, section by section, for the options that shape it.
final class SectionTests: XCTestCase {
    private let certificateFiles: Set<String> = ["/srv/tls/site.crt", "/srv/tls/site.key", "/srv/tls/ca.pem"]

    private func lines(_ arguments: [String], files: Set<String> = [],
                       directories: Set<String> = ["/home/alice/site"]) throws -> [String] {
        let host = fakeHost(files: certificateFiles.union(files), directories: directories)
        return HttpdConfTemplate.render(try configuration(arguments, host: host))
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func assertContains(_ text: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        for item in expected {
            XCTAssertTrue(text.contains(item), "missing: \(item)", file: file, line: line)
        }
    }

    private func assertInOrder(_ text: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        var position = 0
        for item in expected {
            guard let found = text[position...].firstIndex(of: item) else {
                return XCTFail("missing or out of order: \(item)", file: file, line: line)
            }
            position = found + 1
        }
    }

    func testHTTPSWithoutServerNameIsADefaultVirtualHost() throws {
        let text = try lines(["--https-port", "8443", "--ssl-certificate", "/srv/tls/site"])
        assertContains(text, ["Listen 8443", "<IfModule !ssl_module>"])
        assertInOrder(text, ["<VirtualHost _default_:8000>", "</VirtualHost>", "<VirtualHost _default_:8443>",
                             "SSLEngine On", #"SSLCertificateFile "/srv/tls/site.crt""#,
                             #"SSLCertificateKeyFile "/srv/tls/site.key""#, "</VirtualHost>"])
        XCTAssertFalse(text.contains("SSLOptions +StdEnvVars"))
    }

    func testServerNameRefusesOtherNamesAndRedirectsToHTTPS() throws {
        let text = try lines(["--server-name", "www.example.com", "--server-alias", "example.org",
                              "--https-port", "8443", "--ssl-certificate-file", "/srv/tls/site.crt",
                              "--ssl-certificate-key-file", "/srv/tls/site.key", "--https-only",
                              "--hsts-policy", "max-age=60", "--ssl-environment", "--allow-localhost"])
        assertInOrder(text, [
            "<VirtualHost _default_:8000>", "ServerName _wsgi_", "<Location />", "Require host localhost", "</Location>",
            "</VirtualHost>",
            "<VirtualHost *:8000>", "ServerName www.example.com", "ServerAlias example.org", "RewriteEngine On",
            "RewriteCond %{HTTPS} off", "RewriteRule (.*) https://www.example.com:8443%{REQUEST_URI} [R=302,L]",
            "</VirtualHost>",
            "<VirtualHost *:8000>", "ServerName example.com",
            "RewriteRule (.*) https://www.example.com:8443%{REQUEST_URI} [R=302,L]", "</VirtualHost>",
            "<VirtualHost _default_:8443>", "ServerName _wsgi_", "Require host localhost", "SSLEngine On", "</VirtualHost>",
            "<VirtualHost *:8443>", "ServerName www.example.com", "ServerAlias example.org", "SSLEngine On",
            #"Header set Strict-Transport-Security "max-age=60""#, "SSLOptions +StdEnvVars", "</VirtualHost>",
            "<VirtualHost *:8443>", "ServerName example.com", "Redirect permanent / https://www.example.com:8443/",
        ])
        assertContains(text, [#"ServerName "www.example.com""#])
    }

    func testClientCertificatesForTheSiteOrForSomeURLs() throws {
        let whole = try lines(["--https-port", "8443", "--ssl-certificate", "/srv/tls/site",
                               "--ssl-ca-certificate-file", "/srv/tls/ca.pem"])
        assertContains(whole, [#"SSLCACertificateFile "/srv/tls/ca.pem""#, "SSLVerifyClient none"])
        assertInOrder(whole, [#"<Location "/">"#, "SSLVerifyClient require", "SSLVerifyDepth 1", "</Location>"])
        let some = try lines(["--https-port", "8443", "--ssl-certificate", "/srv/tls/site",
                              "--ssl-ca-certificate-file", "/srv/tls/ca.pem", "--ssl-verify-client", "/a",
                              "--ssl-verify-client", "/a/b"])
        assertInOrder(some, [#"<Location "/a/b">"#, "SSLVerifyClient require", #"<Location "/a">"#])
        XCTAssertFalse(some.contains(#"<Location "/">"#))
    }

    func testAliasesLongestFirstAndTheMountAfterThem() throws {
        let text = try lines(["--url-alias", "/static", "/srv/static", "--url-alias", "/static/img", "/srv/img",
                              "--url-alias", "/robots.txt", "/srv/robots.txt", "--mount-point", "/app",
                              "--document-root", "/srv/docs", "--directory-index", "index.html"],
                             files: ["/srv/robots.txt"], directories: ["/home/alice/site", "/srv/static", "/srv/img", "/srv/docs"])
        assertInOrder(text, [#"Alias "/static/img" "/srv/img""#, #"Alias "/static" "/srv/static""#,
                             #"DocumentRoot "/srv/docs""#, #"DirectoryIndex "index.html""#,
                             #"<Directory "/srv/docs/app">"#, "RewriteCond %{REQUEST_FILENAME} !-f",
                             "RewriteCond %{REQUEST_FILENAME} !-d", "RewriteRule .* - [H=wsgi-handler]"])
        assertInOrder(text, [#"Alias "/robots.txt" "/srv/robots.txt""#, #"<Directory "/srv">"#,
                             #"<Files "robots.txt">"#, "Require all granted", "</Files>"])
    }

    func testAnAliasTargetThatDoesNotExistYetIsADirectory() throws {
        // Django's STATIC_ROOT before collectstatic, as runmodwsgi passes it.
        let text = try lines(["--url-alias", "/static/", "/srv/collected"])
        assertInOrder(text, [#"Alias "/static/" "/srv/collected/""#, #"<Directory "/srv/collected">"#,
                             "Require all granted"])
    }

    func testStaticSitesHaveNoApplicationRewrite() throws {
        let text = try lines(["--application-type", "static", "/srv/site"],
                             directories: ["/home/alice/site", "/srv/site"])
        assertContains(text, [#"DocumentRoot "/srv/site""#])
        XCTAssertFalse(text.contains("RewriteRule .* - [H=wsgi-handler]"))
    }

    func testLogsRotatedWithFormatsAndNames() throws {
        let text = try lines(["--log-directory", "/var/log/site", "--rotate-logs", "--max-log-size", "20",
                              "--access-log", "--access-log-format", "%h %>s", "--error-log-format", "%M",
                              "--error-log-name", "errors", "--access-log-name", "hits"])
        assertContains(text, [
            #"ErrorLog "|'/usr/bin/rotatelogs' '/var/log/site/errors.%Y-%m-%d-%H_%M_%S' 20M""#,
            #"ErrorLogFormat "%M""#, #"LogFormat "%h %>s" custom"#,
            #"CustomLog "|'/usr/bin/rotatelogs' '/var/log/site/hits.%Y-%m-%d-%H_%M_%S' 20M" custom"#,
        ])
    }

    func testAuthenticationAccessAndProxies() throws {
        let text = try lines(["--auth-user-script", "/srv/auth.py", "--auth-group-script", "/srv/auth.py",
                              "--auth-group", "staff", "--auth-type", "Digest", "--host-access-script", "/srv/auth.py",
                              "--proxy-mount-point", "/api", "http://127.0.0.1:9000", "--proxy-timeout", "30"],
                             files: ["/srv/auth.py"])
        assertInOrder(text, ["<Location />", "WSGIAccessScript '/srv/auth.py'", "</Location>",
                             "<Location />", "AuthType Digest", "AuthDigestProvider wsgi",
                             "WSGIAuthUserScript '/srv/auth.py'", "WSGIAuthGroupScript '/srv/auth.py'",
                             "<RequireAll>", "Require valid-user", "Require wsgi-group 'staff'", "</RequireAll>"])
        assertContains(text, ["ProxyTimeout 30", #"ProxyPass "/api/" "http://127.0.0.1:9000/" upgrade=websocket"#,
                              #"RequestHeader set X-Forwarded-Prefix "/api""#, "<IfModule !proxy_http_module>",
                              "<IfModule !auth_digest_module>"])
    }

    func testServicesGetTheirOwnGroupsAndLogHosts() throws {
        let text = try lines(["--service-script", "jobs", "/srv/jobs.py", "--service-user", "jobs", "www-data",
                              "--service-log-file", "jobs", "jobs.log"], files: ["/srv/jobs.py"])
        assertInOrder(text, ["<VirtualHost *:8000>", "ServerName service-jobs.invalid",
                             #"ErrorLog "/tmp/mod_wsgi-localhost:8000:1000/jobs.log""#,
                             "WSGIDaemonProcess 'service:jobs' display-name=%{GROUP} user='www-data' group='staff' "
                                + "home='/home/alice/site' threads=0 python-eggs='/tmp/mod_wsgi-localhost:8000:1000/python-eggs' "
                                + "lang='en_US.UTF-8' locale='en_US.UTF-8'",
                             "WSGIImportScript '/srv/jobs.py' process-group='service:jobs' application-group=%{GLOBAL}",
                             "</VirtualHost>"])
    }

    func testWSGIDirectivesOfTheSmallerOptions() throws {
        let text = try lines(["--disable-reloading", "--server-metrics", "--error-override", "--enable-sendfile",
                              "--trust-proxy-header", "X-Forwarded-For", "--trust-proxy", "10.0.0.0/8",
                              "--python-warnings", "ignore", "--orphan-interpreter", "--map-head-to-get", "Off",
                              "--ignore-activity", "/ping", "--setenv", "A", "b c", "--passenv", "HOME",
                              "--switch-interval", "0.005", "--application-group", "site", "--process-group", "web",
                              "--http2", "--header-timeout", "0", "--body-timeout", "20", "--body-max-timeout", "40"])
        assertContains(text, [
            "WSGIScriptReloading Off", "WSGIServerMetrics On", "ExtendedStatus On", "WSGIErrorOverride On",
            "WSGIEnableSendfile On", "EnableSendfile On", "WSGITrustedProxyHeaders X-Forwarded-For",
            "WSGITrustedProxies 10.0.0.0/8", "WSGIPythonWarnings 'ignore'", "WSGIDestroyInterpreter Off",
            "WSGIMapHEADToGET Off", #"<Location "/ping">"#, "WSGIIgnoreActivity On", "SetEnv 'A' 'b c'",
            "PassEnv 'HOME'", "switch-interval=0.005", "display-name='(wsgi:web)' \\",
            "WSGIDaemonProcess 'web' \\", "Protocols h2 h2c http/1.1",
            "RequestReadTimeout body=20-40,MinRate=500", "server-metrics=On \\",
            "WSGIHandlerScript wsgi-handler '/tmp/mod_wsgi-localhost:8000:1000/handler.wsgi' process-group='web' application-group='site'",
        ])
    }

    func testPythonHomeFromThePipEntryPoint() throws {
        let host = fakeHost(variables: ["MOD_WSGI_PYTHON_HOME": "/srv/venv"])
        let text = HttpdConfTemplate.render(try configuration([], host: host))
        XCTAssertTrue(text.contains("WSGIPythonHome \"/srv/venv\"\n"))
    }

    func testMissingPartnersAndContradictionsAreRefusedWithTheReason() {
        let host = fakeHost(files: certificateFiles)
        let cases: [([String], String)] = [
            (["--ssl-environment"], "--ssl-environment needs --https-port: without it there is no HTTPS listener"),
            (["--https-port", "8443"], "--https-port needs a certificate and its key"),
            (["--https-port", "8443", "--ssl-certificate", "/srv/tls/site", "--hsts-policy", "max-age=1"],
             "--hsts-policy needs --https-only: the policy is sent only when plain HTTP is redirected to HTTPS"),
            (["--access-log-format", "combined"], "--access-log-format needs --access-log: no access log is written without it"),
            (["--server-alias", "a.example"], "--server-alias needs --server-name"),
            (["--trust-proxy", "10.0.0.1"], "--trust-proxy needs --trust-proxy-header"),
            (["--debugger-startup"], "--debugger-startup needs --enable-debugger"),
            (["--log-to-terminal", "--log-directory", "/tmp"], "--log-to-terminal and --log-directory cannot be used together"),
            (["--reload-on-changes", "--disable-reloading"], "--reload-on-changes and --disable-reloading cannot be used together"),
            (["--debug-mode", "--reload-on-changes"], "--debug-mode and --reload-on-changes cannot be used together"),
            (["--application-type", "module"], "--application-type module needs the module name as the entry point"),
            (["--application-type", "flask"], "--application-type flask: must be script, module, paste or static"),
            (["--service-user", "x", "nobody"], "--service-user x: no --service-script is named x"),
            (["--error-document", "200", "/ok.html"], "--error-document 200: not an HTTP error status (400 to 599)"),
            (["--server-mpm", "winnt"], "--server-mpm winnt: must be event, worker or prefork"),
            (["a.wsgi", "b.wsgi"], "one entry point only; also given: b.wsgi"),
            (["--proxy-virtual-host", "a>b", "http://127.0.0.1:9/"], "--proxy-virtual-host a>b: not a host name"),
            (["--shell-executable", "/opt/my shell/bash"], "--shell-executable /opt/my shell/bash: a #! line"),
        ]
        for (arguments, message) in cases {
            let error = refusal(arguments, host: host)
            XCTAssertEqual(error?.exitCode, 2, "\(arguments)")
            XCTAssertTrue(error?.message.hasPrefix(message) ?? false, "\(arguments): \(error?.message ?? "accepted")")
        }
    }

    func testApachectlActionsAndStatus() throws {
        let plain = ApachectlTemplate.render(try configuration([]))
        XCTAssertTrue(plain.contains("start|stop|restart|graceful|graceful-stop|configtest|status"))
        XCTAssertTrue(plain.contains("run setup-server again with --server-status"))
        let status = ApachectlTemplate.render(try configuration(["--server-status", "--host", "127.0.0.1"]))
        XCTAssertTrue(status.contains("exec curl -sS --max-time 10 'http://127.0.0.1:8000/server-status?auto'"))
        let named = ApachectlTemplate.render(try configuration(["--process-name", "site-httpd", "--debug-mode"]))
        XCTAssertTrue(named.contains("exec -a 'site-httpd' \"$HTTPD\""))
        XCTAssertTrue(named.contains("HTTPD_ARGS=('-f' '/tmp/mod_wsgi-localhost:8000:1000/httpd.conf' '-DFOREGROUND')"))
    }
}
