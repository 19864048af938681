// The worker treats the module as untrusted: mutated and random heads must be rejected with an
// error, never trap (a trap would take the whole worker process down).
import WireProtocol
import XCTest

/// Deterministic generator, so a failure reproduces.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class FuzzTests: XCTestCase {
    func testMutatedRequestHeadsNeverTrap() {
        var random = SplitMix64(state: 42)
        let valid = Array(RequestEncoder.head([
            ("REQUEST_METHOD", "POST"), ("HTTP_X_ONE", "1"), ("HTTP_X_TWO", "two"), ("PATH_INFO", "/a/b"),
            ("mod_wsgi.x-queue_start_us", "1700000000000000"),
        ]).dropFirst(frameHeaderSize))
        var decoder = RequestHeadDecoder()
        var accepted = 0
        for _ in 0..<20000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &random)...)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
                }
                if bytes.isEmpty { bytes = [0] }
            }
            if (try? bytes.withUnsafeBytes { try decoder.decode($0) }) != nil {
                accepted += 1
                bytes.withUnsafeBytes { payload in
                    for entry in decoder.entries {
                        XCTAssertLessThanOrEqual(entry.valueOffset + entry.valueLength, payload.count)
                        XCTAssertLessThanOrEqual(entry.keyOffset + entry.keyLength, payload.count)
                    }
                    _ = decoder.integer(id: EnvironKeys.queueStartMicros, in: payload)
                }
            }
        }
        XCTAssertGreaterThan(accepted, 0, "some mutations (value bytes) stay valid")
    }

    func testRandomFramesNeverTrap() {
        var random = SplitMix64(state: 7)
        for _ in 0..<20000 {
            let count = Int.random(in: 0..<64, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? DecodedResponse.decode(bytes)
            if bytes.count >= frameHeaderSize {
                _ = try? bytes.withUnsafeBytes { try FrameHeader.decode($0) }
            }
            var decoder = RequestHeadDecoder()
            _ = try? bytes.withUnsafeBytes { try decoder.decode($0) }
        }
    }
}
