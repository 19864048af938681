// Every golden vector in protocol/vectors decodes to its expected outcome, and the valid ones
// re-encode to the same bytes.
import WireProtocol
import XCTest

final class VectorTests: XCTestCase {
    func testEveryVectorReachesItsExpectedOutcome() throws {
        guard let manifest = Vectors.manifest() else {
            throw XCTSkip("protocol/vectors/manifest.tsv is not there yet (the C side generates it)")
        }
        XCTAssertGreaterThan(manifest.count, 20)
        for vector in manifest {
            guard let bytes = Vectors.read(vector.name + ".bin") else {
                XCTFail("\(vector.name).bin is listed in manifest.tsv but missing")
                continue
            }
            var outcome = "valid"
            do {
                if vector.direction == "request" {
                    _ = try decodeRequestStream(bytes)
                } else {
                    _ = try DecodedResponse.decode(bytes)
                }
            } catch {
                outcome = vectorCode(error)
            }
            XCTAssertEqual(outcome, vector.expected, "vector \(vector.name)")
        }
    }

    func testValidRequestVectorsReencodeCanonically() throws {
        guard let bytes = Vectors.read("request-head-custom-keys.bin") else { throw XCTSkip("vectors missing") }
        let decoded = try decodeRequestStream(bytes)
        XCTAssertEqual(decoded.types, [.requestHead, .requestEnd])
        XCTAssertEqual(RequestEncoder.head(decoded.environ) + RequestEncoder.bodyAndEnd([]), bytes)
        XCTAssertTrue(decoded.environ.contains { $0.1.unicodeScalars.contains { $0.value == 0xE9 } },
                      "the Latin-1 byte 0xE9 decodes to U+00E9")
    }

    func testValidResponseVectorsReencodeCanonically() throws {
        guard let bytes = Vectors.read("response-head-200.bin") else { throw XCTSkip("vectors missing") }
        let response = try DecodedResponse.decode(bytes)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, Array("hello".utf8))
        XCTAssertEqual(response.aborted, false)
        var frames = try ResponseHeadBuilder.encode(status: response.status, reason: response.reason,
                                                    headers: response.headers.map { ($0[0], $0[1]) })
        response.body.withUnsafeBytes { FrameEncoder.appendBody($0, to: &frames) }
        FrameEncoder.appendEnd(aborted: false, to: &frames)
        XCTAssertEqual(frames, bytes)
    }

    func testBodyVectorCarriesTheBodyInOrder() throws {
        guard let bytes = Vectors.read("request-body-end.bin") else { throw XCTSkip("vectors missing") }
        let decoded = try decodeRequestStream(bytes)
        XCTAssertEqual(decoded.body, Array("helloworld".utf8))
        XCTAssertEqual(decoded.types.last, .requestEnd)
    }
}
