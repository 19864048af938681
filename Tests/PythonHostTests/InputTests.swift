// wsgi.input over REQUEST_BODY frames: sizes, lines, iteration, EOF and aborted bodies.
import PythonHost
import WireProtocol
import XCTest

final class InputTests: XCTestCase {
    private func run(_ expression: String, body: [String], abort: String? = nil) throws -> Served {
        try serve(TestHost.script("""
            def application(environ, start_response):
                stream = environ["wsgi.input"]
                try:
                    result = repr(\(expression))
                except OSError as error:
                    result = "OSError: %s" % error
                start_response("200 OK", [])
                return [result.encode()]
            """), method: "POST", body: body.map { Array($0.utf8) }, abort: abort)
    }

    func testReadAllAcrossFrames() throws {
        XCTAssertEqual(try run("stream.read()", body: ["hello ", "wide ", "world"]).text, "b'hello wide world'")
        XCTAssertEqual(try run("stream.read()", body: []).text, "b''")
        XCTAssertEqual(try run("stream.read(-1)", body: ["ab"]).text, "b'ab'")
    }

    func testReadSizedBlocksUntilEnoughOrEnd() throws {
        XCTAssertEqual(try run("[stream.read(4), stream.read(4), stream.read(4), stream.read(4)]", body: ["ab", "cdef", "gh", "ij"]).text,
                       "[b'abcd', b'efgh', b'ij', b'']")
        XCTAssertEqual(try run("[stream.read(0), stream.read(None)]", body: ["xyz"]).text, "[b'', b'xyz']")
    }

    func testReadlineAndReadlines() throws {
        XCTAssertEqual(try run("[stream.readline(), stream.readline(3), stream.readline(), stream.readline()]",
                               body: ["li", "ne1\nline2\nla", "st"]).text,
                       "[b'line1\\n', b'lin', b'e2\\n', b'last']")
        XCTAssertEqual(try run("stream.readlines()", body: ["a\nb\n", "c"]).text, "[b'a\\n', b'b\\n', b'c']")
        XCTAssertEqual(try run("stream.readlines(2)", body: ["a\nb\nc\n"]).text, "[b'a\\n']", "stops once the hint is reached, as io does")
        XCTAssertEqual(try run("stream.readlines(3)", body: ["a\nb\nc\n"]).text, "[b'a\\n', b'b\\n']")
        XCTAssertEqual(try run("list(stream)", body: ["x\ny", "\nz"]).text, "[b'x\\n', b'y\\n', b'z']")
    }

    func testAbortedBodyRaisesOSErrorEveryTime() throws {
        let served = try run("(stream.read(2), stream.read())", body: ["abcd"], abort: "client read timed out")
        XCTAssertEqual(served.text, "OSError: request body could not be read from the client: client read timed out")
        let again = try run("[stream.read(100) if False else None, stream.read()]", body: [], abort: "gone")
        XCTAssertTrue(again.text.hasPrefix("OSError: "), again.text)
    }

    func testInputUsedAfterTheRequestRaises() throws {
        let path = TestHost.script("""
            kept = []
            def application(environ, start_response):
                if kept:
                    try:
                        kept[0].read()
                        result = b"no error"
                    except RuntimeError as error:
                        result = str(error).encode()
                else:
                    kept.append(environ["wsgi.input"])
                    kept[0].read(2)
                    result = b"kept"
                start_response("200 OK", [])
                return [result]
            """)
        XCTAssertEqual(try serve(path, method: "POST", body: [Array("unread bytes".utf8)]).text, "kept")
        XCTAssertEqual(try serve(path).text, "wsgi.input used after its request completed",
                       "also when the old chunk still had unread bytes")
    }
}
