import Foundation
import XCTest
@testable import ExpressCore

final class AccessWarningsTests: XCTestCase {
    /// A file system where /root is closed to others and everything else is open.
    private let modes: [String: mode_t] = [
        "/": S_IFDIR | 0o755, "/root": S_IFDIR | 0o700, "/root/app": S_IFDIR | 0o755,
        "/root/app/app.wsgi": S_IFREG | 0o644, "/home": S_IFDIR | 0o755, "/home/alice": S_IFDIR | 0o755,
        "/home/alice/site": S_IFDIR | 0o755, "/tmp": S_IFDIR | 0o1777,
    ]

    func testWarnsAboutAScriptUnderAClosedDirectory() throws {
        let host = fakeHost(uid: 0, files: ["/root/app/app.wsgi"])
        let config = try configuration(["/root/app/app.wsgi", "--user", "www-data"], host: host)
        let warnings = AccessWarnings.warnings(for: config, modeOf: { self.modes[$0] })
        XCTAssertEqual(warnings, ["WSGI script /root/app/app.wsgi may be out of reach of user www-data: /root is "
                                  + "not searchable by other users (chmod o+x it, or move the file)"])
    }

    func testClosedWorkingDirectoryItselfIsReported() throws {
        let host = fakeHost(uid: 0, directories: ["/root"])
        let config = try configuration(["--user", "www-data", "--working-directory", "/root"], host: host)
        let warnings = AccessWarnings.warnings(for: config, modeOf: { self.modes[$0] })
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("working directory /root may be out of reach"), warnings[0])
    }

    func testNoWarningsWhenEverythingIsOpenOrNotRoot() throws {
        let config = try configuration(["--user", "www-data"], host: fakeHost(uid: 0))
        XCTAssertEqual(AccessWarnings.warnings(for: config, modeOf: { self.modes[$0] }), [])
        let host = fakeHost(files: ["/root/app/app.wsgi"])
        let mine = try configuration(["/root/app/app.wsgi"], host: host)
        XCTAssertEqual(AccessWarnings.warnings(for: mine, modeOf: { self.modes[$0] }), [])
    }
}
