// The codec's own rules, beyond the shared vectors.
import WireProtocol
import XCTest

final class CodecTests: XCTestCase {
    private func header(_ bytes: [UInt8]) throws -> FrameHeader {
        try bytes.withUnsafeBytes { try FrameHeader.decode($0) }
    }

    private func decodeHead(_ frame: [UInt8]) throws -> RequestHeadDecoder {
        var decoder = RequestHeadDecoder()
        try frame.withUnsafeBytes { try decoder.decode(UnsafeRawBufferPointer(rebasing: $0[frameHeaderSize...])) }
        return decoder
    }

    func testHeaderLengthIsCheckedBeforeThePayload() {
        XCTAssertThrowsError(try header([0x01, 0, 0, 0, 0x01, 0x00, 0x10, 0x00])) { error in
            XCTAssertEqual(error as? WireProtocolError,
                           .payloadTooLarge(type: "REQUEST_HEAD", length: (1 << 20) + 1, maximum: 1 << 20))
        }
        XCTAssertThrowsError(try header([0x03, 0, 0, 0, 1, 0, 0, 0]))   // REQUEST_END carries nothing
        XCTAssertThrowsError(try header([0x7E, 0, 0, 0, 0, 0, 0, 0])) { error in
            XCTAssertEqual("\(error)", "unknown frame type 0x7e")
        }
        XCTAssertEqual(try header([0x02, 0, 0, 0, 5, 0, 0, 0]), FrameHeader(type: .requestBody, length: 5))
    }

    func testRequestHeadRoundTripsKnownAndSpelledKeys() throws {
        let frame = RequestEncoder.head([("REQUEST_METHOD", "GET"), ("HTTP_X_CUSTOM", "caf\u{E9}"), ("PATH_INFO", "")])
        let decoder = try decodeHead(frame)
        XCTAssertEqual(decoder.entries.count, 3)
        XCTAssertEqual(decoder.entries[0].keyID, 1)
        XCTAssertEqual(decoder.entries[1].keyID, 0)
        frame.withUnsafeBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[frameHeaderSize...])
            XCTAssertEqual(decoder.string(id: EnvironKeys.requestMethod, in: payload), "GET")
            let entry = decoder.entries[1]
            XCTAssertEqual(Array(payload[entry.valueOffset..<entry.valueOffset + entry.valueLength]), [0x63, 0x61, 0x66, 0xE9])
            XCTAssertEqual(decoder.value(id: 3, in: payload)?.count, 0)
        }
    }

    func testDecoderIsReusableAndForgetsThePreviousHead() throws {
        var decoder = RequestHeadDecoder()
        let first = RequestEncoder.head([("HTTPS", "on"), ("QUERY_STRING", "a=1")])
        let second = RequestEncoder.head([("QUERY_STRING", "b=2")])
        try first.withUnsafeBytes { try decoder.decode(UnsafeRawBufferPointer(rebasing: $0[frameHeaderSize...])) }
        try second.withUnsafeBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[frameHeaderSize...])
            try decoder.decode(payload)
            XCTAssertNil(decoder.entry(id: EnvironKeys.https))
            XCTAssertEqual(decoder.string(id: 4, in: payload), "b=2")
        }
    }

    func testDuplicateSpelledKeysAmongManyAreFound() {
        var environ = (0..<500).map { ("HTTP_X_\($0)", "v") }
        environ.append(("HTTP_X_250", "again"))
        XCTAssertThrowsError(try decodeHead(RequestEncoder.head(environ))) { error in
            XCTAssertEqual(error as? WireProtocolError, .duplicateKey("HTTP_X_250"))
        }
        XCTAssertNoThrow(try decodeHead(RequestEncoder.head(Array(environ.dropLast()))))
    }

    func testHiddenKeysAndIntegers() throws {
        let frame = RequestEncoder.head([("mod_wsgi.x-queue_start_us", "1700000000123456"), ("mod_wsgi.x-queue_timeout", "4x")])
        let decoder = try decodeHead(frame)
        frame.withUnsafeBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[frameHeaderSize...])
            XCTAssertEqual(decoder.integer(id: EnvironKeys.queueStartMicros, in: payload), 1_700_000_000_123_456)
            XCTAssertNil(decoder.integer(id: EnvironKeys.queueTimeout, in: payload), "malformed numbers are nil")
        }
        XCTAssertTrue(EnvironKeys.isHidden(id: EnvironKeys.queueTimeout))
        XCTAssertTrue(Array("mod_wsgi.x-magic".utf8).withUnsafeBytes { EnvironKeys.isHidden($0) })
        XCTAssertFalse(Array("mod_wsgi.process_group".utf8).withUnsafeBytes { EnvironKeys.isHidden($0) })
    }

    func testTruncatedAndTrailingHeadsAreRejected() throws {
        var frame = RequestEncoder.head([("REQUEST_METHOD", "GET")])
        frame.removeLast()
        XCTAssertThrowsError(try decodeHead(frame)) { XCTAssertEqual(vectorCodeOf($0), "truncated") }
        let trailing = RequestEncoder.head([("REQUEST_METHOD", "GET")]) + [0]
        XCTAssertThrowsError(try decodeHead(trailing)) { XCTAssertEqual($0 as? WireProtocolError, .trailingBytes(1)) }
    }

    func testResponseHeadBuilderRejectsInjection() throws {
        XCTAssertThrowsError(try ResponseHeadBuilder.encode(status: 200, reason: "OK", headers: [("X-A", "a\r\nSet-Cookie: x")])) {
            XCTAssertEqual($0 as? WireProtocolError, .badHeaderValue(name: "X-A"))
        }
        XCTAssertThrowsError(try ResponseHeadBuilder.encode(status: 200, reason: "OK", headers: [("X A", "1")]))
        XCTAssertThrowsError(try ResponseHeadBuilder.encode(status: 200, reason: "O\nK", headers: []))
        XCTAssertThrowsError(try ResponseHeadBuilder.encode(status: 99, reason: "", headers: []))
        XCTAssertThrowsError(try ResponseHeadBuilder.encode(status: 200, reason: "OK",
                                                            headers: [("X-Big", String(repeating: "a", count: 40000))]))
        let frame = try ResponseHeadBuilder.encode(status: 404, reason: "Not Found", headers: [("A", "1"), ("A", "2")])
        let response = try DecodedResponse.decode(frame)
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.reason, "Not Found")
        XCTAssertEqual(response.headers, [["A", "1"], ["A", "2"]])
    }

    func testBodyFramesSplitAtTheLimitAndControlMessagesStayOneLine() throws {
        var frames: [UInt8] = []
        let body = [UInt8](repeating: 7, count: (1 << 20) + 10)
        body.withUnsafeBytes { FrameEncoder.appendBody($0, to: &frames) }
        XCTAssertEqual(frames.count, body.count + 2 * frameHeaderSize)
        var control: [UInt8] = []
        FrameEncoder.appendControl(.appLoadFailed, message: "line one\nline two" + String(repeating: "é", count: 3000), to: &control)
        let decoded = try DecodedResponse.decode(control)
        XCTAssertEqual(decoded.control, .appLoadFailed)
        XCTAssertFalse(decoded.controlMessage.contains("\n"))
        XCTAssertLessThanOrEqual(control.count - frameHeaderSize, 4096)
        XCTAssertTrue(decoded.controlMessage.hasSuffix("é"), "cut on a UTF-8 boundary")
    }
}

private func vectorCodeOf(_ error: Error) -> String { vectorCode(error) }
