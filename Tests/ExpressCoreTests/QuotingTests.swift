import Foundation
import XCTest
@testable import ExpressCore

final class QuotingTests: XCTestCase {
    func testApacheQuotingEscapesQuoteAndBackslash() {
        XCTAssertEqual(ApacheQuoting.doubleQuoted("/srv/app"), #""/srv/app""#)
        XCTAssertEqual(ApacheQuoting.doubleQuoted(#"a "b" c\"#), #""a \"b\" c\\""#)
        XCTAssertEqual(ApacheQuoting.singleQuoted("it's"), #"'it\'s'"#)
        XCTAssertEqual(ApacheQuoting.singleQuoted(#"say "hi""#), #"'say "hi"'"#)
    }

    func testApacheQuotingRefusesWhatCannotBeQuoted() {
        XCTAssertNil(ApacheQuoting.problem(in: "/tmp/a b'c\"d\\e$f{g}"))
        XCTAssertNotNil(ApacheQuoting.problem(in: "a\nb"))
        XCTAssertNotNil(ApacheQuoting.problem(in: "a\rb"))
        XCTAssertNotNil(ApacheQuoting.problem(in: "${APACHE_LOG_DIR}"))
    }

    func testShellQuoting() {
        XCTAssertEqual(ShellQuoting.singleQuoted("/usr/sbin/apache2"), "'/usr/sbin/apache2'")
        XCTAssertEqual(ShellQuoting.singleQuoted("it's $HOME"), #"'it'\''s $HOME'"#)
    }

    /// Apache itself reads the value back: its run-time dump shows the PidFile it parsed.
    func testApacheReadsQuotedValuesBack() throws {
        let apache = "/usr/sbin/apache2"
        guard FileManager.default.isExecutableFile(atPath: apache) else { throw XCTSkip("no \(apache)") }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Ends in a backslash: unescaped, it would swallow the closing quote.
        let awkward = directory + #"/a "b" 'c' d\e.pid\"#
        let conf = """
        ServerRoot \(ApacheQuoting.doubleQuoted(directory))
        DefaultRuntimeDir \(ApacheQuoting.doubleQuoted(directory))
        ServerName localhost
        PidFile \(ApacheQuoting.doubleQuoted(awkward))
        LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
        ErrorLog \(ApacheQuoting.singleQuoted(directory + "/it's.log"))
        Listen 127.0.0.1:18499

        """
        try conf.write(toFile: directory + "/t.conf", atomically: true, encoding: .utf8)
        let output = try runProgram(apache, ["-f", directory + "/t.conf", "-t", "-D", "DUMP_RUN_CFG"])
        XCTAssertTrue(output.contains("PidFile: \"\(awkward)\""), output)
        XCTAssertTrue(output.contains("Main ErrorLog: \"\(directory)/it's.log\""), output)
    }
}
