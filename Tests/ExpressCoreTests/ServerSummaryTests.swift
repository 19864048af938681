import XCTest
@testable import ExpressCore

final class ServerSummaryTests: XCTestCase {
    func testSummaryLines() throws {
        let lines = ServerSummary.lines(try configuration([]), includeControlFiles: true)
        XCTAssertTrue(lines.contains("Server URL         : http://localhost:8000/"))
        XCTAssertTrue(lines.contains("Server Root        : /tmp/mod_wsgi-localhost:8000:1000"))
        XCTAssertTrue(lines.contains("Server Conf        : /tmp/mod_wsgi-localhost:8000:1000/httpd.conf"))
        XCTAssertTrue(lines.contains("Error Log File     : /tmp/mod_wsgi-localhost:8000:1000/error_log (warn)"))
        XCTAssertTrue(lines.contains("Operating Mode     : daemon"))
        XCTAssertTrue(lines.contains("Request Capacity   : 5 (1 process * 5 threads)"))
        XCTAssertTrue(lines.contains("Control Script     : /tmp/mod_wsgi-localhost:8000:1000/apachectl"))
        XCTAssertTrue(lines.contains("Module File        : /usr/lib/apache2/modules/mod_wsgi-swift.so (missing)"))
    }

    func testCapacityWithSeveralProcesses() throws {
        let lines = ServerSummary.lines(try configuration(["--processes", "2", "--threads", "1"]), includeControlFiles: false)
        XCTAssertTrue(lines.contains("Request Capacity   : 2 (2 processes * 1 thread)"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("Control Script") })
    }
}
