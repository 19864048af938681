@testable import SupervisorCore
import XCTest

final class RestartBackoffTests: XCTestCase {
    func testDelayDoublesFromATenthToFiveSecondsWhileWorkersDieYoung() {
        var backoff = RestartBackoff()
        let delays = (0..<9).map { _ in backoff.delayAfterDeath(lifetime: 0.02) }
        XCTAssertEqual(delays, [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0])
    }

    func testWorkerThatLivedFiveSecondsRestartsAtOnceAndResetsTheSchedule() {
        var backoff = RestartBackoff()
        _ = backoff.delayAfterDeath(lifetime: 0.1)
        _ = backoff.delayAfterDeath(lifetime: 0.1)
        XCTAssertEqual(backoff.delayAfterDeath(lifetime: 5.0), 0)
        XCTAssertEqual(backoff.delayAfterDeath(lifetime: 4.9), 0.1, "the next young death starts over")
    }

    func testResetForgetsEarlierCrashes() {
        var backoff = RestartBackoff()
        _ = backoff.delayAfterDeath(lifetime: 0)
        _ = backoff.delayAfterDeath(lifetime: 0)
        backoff.reset()
        XCTAssertEqual(backoff.currentDelay, 0)
        XCTAssertEqual(backoff.delayAfterDeath(lifetime: 0), 0.1)
    }

    func testDurationsReadWellInTheLog() {
        XCTAssertEqual(Arbiter.duration(0.1), "100 ms")
        XCTAssertEqual(Arbiter.duration(0.0152), "15 ms")
        XCTAssertEqual(Arbiter.duration(5), "5000 ms")
        XCTAssertEqual(Arbiter.duration(12.34), "12.3 s")
    }
}
