import XCTest
@testable import ExpressCore

final class MPMSizingTests: XCTestCase {
    func testDefaultCapacity() {
        let size = MPMSizing(maxClients: 20)
        XCTAssertEqual([size.serverLimit, size.threadsPerChild, size.maxRequestWorkers, size.startServers,
                        size.minSpareThreads, size.maxSpareThreads], [2, 10, 20, 1, 10, 20])
    }

    /// What Apache's event MPM insists on, for every size: otherwise it rewrites the values and
    /// logs warnings at start-up.
    func testSizesAreConsistentForEveryClientCount() {
        for clients in 1...2000 {
            let size = MPMSizing(maxClients: clients)
            XCTAssertGreaterThanOrEqual(size.maxRequestWorkers, clients)
            XCTAssertEqual(size.maxRequestWorkers % size.threadsPerChild, 0)
            XCTAssertLessThanOrEqual(size.maxRequestWorkers, size.serverLimit * size.threadsPerChild)
            XCTAssertLessThanOrEqual(size.threadsPerChild, 20)
            XCTAssertGreaterThanOrEqual(size.maxSpareThreads, size.minSpareThreads + size.threadsPerChild)
            XCTAssertLessThanOrEqual(size.startServers, size.serverLimit)
        }
    }
}
