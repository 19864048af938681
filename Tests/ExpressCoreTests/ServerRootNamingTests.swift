import XCTest
@testable import ExpressCore

final class ServerRootNamingTests: XCTestCase {
    func testUsesTmpWithoutTMPDIR() {
        XCTAssertEqual(ServerRootNaming.defaultServerRoot(serverName: "localhost", port: 8000, uid: 33, variables: [:]),
                       "/tmp/mod_wsgi-localhost:8000:33")
    }

    func testUsesTMPDIRWhenSet() {
        XCTAssertEqual(ServerRootNaming.defaultServerRoot(serverName: "127.0.0.1", port: 18400, uid: 0,
                                                          variables: ["TMPDIR": "/var/tmp/"]),
                       "/var/tmp/mod_wsgi-127.0.0.1:18400:0")
        XCTAssertEqual(ServerRootNaming.defaultServerRoot(serverName: "localhost", port: 1, uid: 5,
                                                          variables: ["TMPDIR": ""]),
                       "/tmp/mod_wsgi-localhost:1:5")
    }

    func testResolutionUsesTMPDIR() throws {
        let config = try configuration([], host: fakeHost(variables: ["TMPDIR": "/scratch"]))
        XCTAssertEqual(config.serverRoot, "/scratch/mod_wsgi-localhost:8000:1000")
    }
}
