#if canImport(Glibc)
import Glibc
#endif
import Logging
import XCTest
@testable import ApacheErrorLog

final class ApacheErrorLogTests: XCTestCase {
    func testLineHasApacheLayout() {
        setenv("TZ", "UTC", 1); tzset()
        let time = timespec(tv_sec: 1_795_828_921, tv_nsec: 123_456_000)  // 2026-11-28 01:22:01 UTC
        let line = ApacheErrorLog.formatLine(level: .error, message: "worker died", remote: "127.0.0.1:5555",
                                             time: time, pid: 12, tid: 34)
        XCTAssertEqual(line, "[Sat Nov 28 01:22:01.123456 2026] [wsgi:error] [pid 12:tid 34] [remote 127.0.0.1:5555] worker died")
    }

    func testNewlinesCannotForgeLines() {
        let line = ApacheErrorLog.formatLine(level: .info, message: "a\nb\r\nc", remote: nil,
                                             time: timespec(), pid: 1, tid: 1)
        XCTAssertFalse(line.contains("\n"))
        XCTAssertTrue(line.hasSuffix("[wsgi:info] [pid 1:tid 1] a b  c"))
    }

    func testApacheLevelNames() {
        XCTAssertEqual(ApacheErrorLog.logLevel(apacheName: "info"), .info)
        XCTAssertEqual(ApacheErrorLog.logLevel(apacheName: "warn"), .warning)
        XCTAssertEqual(ApacheErrorLog.logLevel(apacheName: "trace6"), .trace)
        XCTAssertEqual(ApacheErrorLog.logLevel(apacheName: "crit"), .critical)
        XCTAssertEqual(ApacheErrorLog.apacheName(.warning), "warn")
    }
}
