import XCTest
@testable import ExpressCore

/// The option table against mod_wsgi 6.0.5's express: the same names, in the same order, with
/// the same defaults (--user and --group default to the invoking user in both; mod_wsgi computes
/// them at run time).
final class OptionTableTests: XCTestCase {
    static let modWsgi6Options: [(String, String?)] = [
        ("application-type", "script"),
        ("entry-point", nil),
        ("application-group", nil),
        ("process-group", nil),
        ("host", nil),
        ("port", "8000"),
        ("http2", nil),
        ("https-port", nil),
        ("ssl-port", nil),
        ("ssl-certificate-file", nil),
        ("ssl-certificate-key-file", nil),
        ("ssl-certificate", nil),
        ("ssl-ca-certificate-file", nil),
        ("ssl-verify-client", nil),
        ("ssl-certificate-chain-file", nil),
        ("ssl-environment", nil),
        ("https-only", nil),
        ("hsts-policy", nil),
        ("server-name", nil),
        ("server-alias", nil),
        ("allow-localhost", nil),
        ("processes", nil),
        ("threads", "5"),
        ("max-clients", nil),
        ("initial-workers", nil),
        ("minimum-spare-workers", nil),
        ("maximum-spare-workers", nil),
        ("limit-request-body", "10485760"),
        ("maximum-requests", "0"),
        ("startup-timeout", "15"),
        ("shutdown-timeout", "5"),
        ("restart-interval", "0"),
        ("cpu-time-limit", "0"),
        ("graceful-timeout", "15"),
        ("eviction-timeout", "0"),
        ("deadlock-timeout", "60"),
        ("inactivity-timeout", "0"),
        ("ignore-activity", nil),
        ("request-timeout", "60"),
        ("interrupt-timeout", "0"),
        ("connect-timeout", "15"),
        ("socket-timeout", "60"),
        ("proxy-timeout", nil),
        ("queue-timeout", "45"),
        ("header-timeout", "15"),
        ("header-max-timeout", "30"),
        ("header-min-rate", "500"),
        ("body-timeout", "15"),
        ("body-max-timeout", "0"),
        ("body-min-rate", "500"),
        ("server-backlog", "500"),
        ("daemon-backlog", "100"),
        ("send-buffer-size", "0"),
        ("receive-buffer-size", "0"),
        ("header-buffer-size", "0"),
        ("response-buffer-size", "0"),
        ("response-socket-timeout", "0"),
        ("response-flush-delay", "5"),
        ("enable-sendfile", nil),
        ("disable-reloading", nil),
        ("reload-on-changes", nil),
        ("user", nil),
        ("group", nil),
        ("callable-object", "application"),
        ("map-head-to-get", "Auto"),
        ("document-root", nil),
        ("directory-index", nil),
        ("directory-listing", nil),
        ("allow-override", nil),
        ("mount-point", "/"),
        ("url-alias", nil),
        ("error-document", nil),
        ("error-override", nil),
        ("proxy-mount-point", nil),
        ("proxy-url-alias", nil),
        ("proxy-virtual-host", nil),
        ("trust-proxy-header", nil),
        ("trust-proxy", nil),
        ("keep-alive-timeout", "2"),
        ("compress-responses", nil),
        ("server-metrics", nil),
        ("telemetry-service", nil),
        ("enable-telemetry", nil),
        ("telemetry-ui-port", "8888"),
        ("telemetry-interval", "1.0"),
        ("slow-requests", nil),
        ("switch-interval", nil),
        ("free-threading", nil),
        ("telemetry-options", nil),
        ("server-status", nil),
        ("host-access-script", nil),
        ("auth-user-script", nil),
        ("auth-type", "Basic"),
        ("auth-group-script", nil),
        ("auth-group", "wsgi"),
        ("include-file", nil),
        ("rewrite-rules", nil),
        ("envvars-script", nil),
        ("lang", nil),
        ("locale", nil),
        ("setenv", nil),
        ("passenv", nil),
        ("working-directory", nil),
        ("pid-file", nil),
        ("server-root", nil),
        ("server-mpm", nil),
        ("log-directory", nil),
        ("log-level", "warn"),
        ("access-log", nil),
        ("startup-log", nil),
        ("verbose-debugging", nil),
        ("log-to-terminal", nil),
        ("access-log-format", nil),
        ("error-log-format", nil),
        ("error-log-name", "error_log"),
        ("access-log-name", "access_log"),
        ("startup-log-name", "startup_log"),
        ("rotate-logs", nil),
        ("max-log-size", "5"),
        ("rotatelogs-executable", "/usr/bin/rotatelogs"),
        ("python-path", nil),
        ("python-eggs", nil),
        ("python-warnings", nil),
        ("shell-executable", "/usr/bin/bash"),
        ("httpd-executable", "/usr/sbin/apache2"),
        ("process-name", nil),
        ("modules-directory", "/usr/lib/apache2/modules"),
        ("mime-types", "/etc/mime.types"),
        ("socket-prefix", nil),
        ("add-handler", nil),
        ("chunked-request", nil),
        ("with-php5", nil),
        ("with-cgi", nil),
        ("service-script", nil),
        ("service-user", nil),
        ("service-group", nil),
        ("service-log-file", nil),
        ("orphan-interpreter", nil),
        ("embedded-mode", nil),
        ("enable-docs", nil),
        ("debug-mode", nil),
        ("enable-debugger", nil),
        ("debugger-startup", nil),
        ("enable-coverage", nil),
        ("coverage-directory", ""),
        ("enable-profiler", nil),
        ("profiler-directory", ""),
        ("enable-recorder", nil),
        ("recorder-directory", ""),
        ("enable-gdb", nil),
        ("gdb-executable", "gdb"),
        ("setup-only", nil),
    ]

    func testNamesAndDefaultsAreModWsgi6s() {
        XCTAssertEqual(ExpressOptionTable.all.count, 152)
        XCTAssertEqual(ExpressOptionTable.all.map(\.name), Self.modWsgi6Options.map(\.0))
        for (option, (name, value)) in zip(ExpressOptionTable.all, Self.modWsgi6Options) {
            let expected = value.flatMap { $0.isEmpty ? nil : $0 }
            let ours = option.defaultValue.flatMap { $0.isEmpty ? nil : $0 }
            XCTAssertEqual(ours, expected, "default of --\(name)")
        }
    }

    func testEveryDefaultIsAcceptedByItsOwnType() throws {
        for option in ExpressOptionTable.all {
            guard let value = option.defaultValue, case .one(let type) = option.arity else { continue }
            XCTAssertNoThrow(try ExpressOptionParser.checkType(value, type, "--" + option.name), option.name)
        }
    }

    func testHelpListsEveryOption() {
        let help = OptionHelp.text(command: "start-server")
        for option in ExpressOptionTable.all {
            XCTAssertTrue(help.contains("  --\(option.name)"), "--help lacks --\(option.name)")
        }
        let flowing = help.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        XCTAssertTrue(flowing.contains("Refused by mod_wsgi-swift: there is no embedded mode"))
        XCTAssertEqual(ExpressMain.run(["start-server", "--help"]), 0)
        XCTAssertEqual(ExpressMain.run(["help", "setup-server"]), 0)
    }

    func testRefusedOptionsExitTwoWithTheReason() {
        let refused = ExpressOptionTable.all.filter {
            if case .refused = $0.treatment { return true } else { return false }
        }.map(\.name)
        XCTAssertEqual(Set(refused), ["embedded-mode", "with-php5", "enable-docs", "free-threading",
                                      "telemetry-service", "enable-telemetry", "telemetry-ui-port",
                                      "telemetry-interval", "slow-requests", "telemetry-options"])
        for name in refused {
            let option = ExpressOptionTable.option(name)!
            let arguments = option.arity == .flag ? ["--" + name] : ["--" + name, "1"]
            let error = refusal(arguments)
            XCTAssertEqual(error?.exitCode, 2, name)
            XCTAssertTrue(error?.message.hasPrefix("--\(name) is not supported: ") ?? false, "\(String(describing: error))")
        }
    }
}
