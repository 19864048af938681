// start_response, write(), the result iteration, close(), Content-Length and HEAD.
import PythonHost
import WireProtocol
import XCTest

final class ResponseTests: XCTestCase {
    func testListResultIsSentWithHeadersAndEnd() throws {
        let served = try serve(TestHost.script("""
            def application(environ, start_response):
                start_response("201 Created", [("Content-Type", "text/plain"), ("X-A", "1"), ("X-A", "2")])
                return [b"one ", b"", b"two"]
            """))
        XCTAssertEqual(served.response.status, 201)
        XCTAssertEqual(served.response.reason, "Created")
        XCTAssertEqual(served.response.headers, [["Content-Type", "text/plain"], ["X-A", "1"], ["X-A", "2"]])
        XCTAssertEqual(served.text, "one two")
        XCTAssertEqual(served.response.aborted, false)
        XCTAssertEqual(served.outcome, .completed)
    }

    func testWriteCallableAndGeneratorStream() throws {
        let served = try serve(TestHost.script("""
            def application(environ, start_response):
                write = start_response("200 OK", [])
                write(b"written;")
                def generate():
                    yield b"a"
                    yield b"b"
                return generate()
            """))
        XCTAssertEqual(served.text, "written;ab")
        XCTAssertEqual(served.response.aborted, false)
    }

    func testCloseIsCalledAfterSuccessAndAfterErrors() throws {
        let source = """
            import sys
            class Result:
                def __init__(self, fail):
                    self.fail = fail
                def __iter__(self):
                    yield b"x"
                    if self.fail:
                        raise ValueError("broken iterator")
                def close(self):
                    sys.stderr.write("close called\\n")
            def application(environ, start_response):
                start_response("200 OK", [])
                return Result(environ["QUERY_STRING"] == "fail")
            """
        let ok = try serve(TestHost.script(source))
        XCTAssertEqual(ok.text, "x")
        XCTAssertTrue(ok.logs.contains("[error] close called"), "\(ok.logs)")
        let failed = try serve(TestHost.script(source), environ: [("QUERY_STRING", "fail")])
        XCTAssertTrue(failed.logs.contains("[error] close called"), "\(failed.logs)")
        XCTAssertEqual(failed.response.status, 200)
        XCTAssertEqual(failed.response.aborted, true, "an error after the head was sent aborts the response")
        XCTAssertTrue(failed.logs.contains { $0.contains("ValueError: broken iterator") }, "\(failed.logs)")
    }

    func testExceptionBeforeTheHeadGivesA500WithTheTracebackLogged() throws {
        let path = TestHost.script("""
            def application(environ, start_response):
                raise RuntimeError("boom")
            """)
        let served = try serve(path)
        XCTAssertEqual(served.response.status, 500)
        XCTAssertEqual(served.response.aborted, false)
        XCTAssertTrue(served.text.contains("Internal Server Error"))
        XCTAssertTrue(served.logs.contains { $0.hasPrefix("[error] [remote 127.0.0.1:5555] WSGI0174: [script \(path)] RuntimeError exception raised processing WSGI script '\(path)' for main interpreter of daemon process") },
                      "\(served.logs)")
        XCTAssertTrue(served.logs.contains { $0.hasSuffix("Traceback (most recent call last):") })
        XCTAssertTrue(served.logs.contains { $0.hasSuffix("RuntimeError: boom") })
    }

    func testStatusAndHeaderValidation() throws {
        let cases: [(String, String)] = [
            ("start_response('200OK', [])", "ValueError: no space following status code: b'200OK'"),
            ("start_response('2000 OK', [])", "ValueError: status code must be a 3 digit integer: b'2000 OK'"),
            ("start_response('OK', [])", "ValueError: status code must be a 3 digit integer: b'OK'"),
            ("start_response(200, [])", "TypeError: must be str, not int"),
            ("start_response('200 OK', ('X', 'y'))", "TypeError: start_response() argument 2 must be list, not tuple"),
            ("start_response('200 OK', {'X': 'y'})", "TypeError: start_response() argument 2 must be list, not dict"),
            ("start_response('200 OK', ['X: y'])", "TypeError: each header must be a 2-tuple, not str"),
            ("start_response('200 OK', [('a', 'b', 'c')])", "ValueError: each header must be a 2-tuple, got length 3"),
            ("start_response('200 OK', [('X', 1)])", "TypeError: must be str, not int"),
            ("start_response('200 OK', [('X', '\\u65e5')])", "UnicodeEncodeError: 'latin-1' codec can't encode character"),
            ("start_response('200 OK', [('', 'v')])", "ValueError: header name is empty"),
            ("start_response('200 OK', [('X\\tY', 'v')])", "ValueError: control character in header name: b'X\\tY'"),
            ("start_response('200 OK', [('X', 'a\\r\\nSet-Cookie: evil=1')])",
             "ValueError: carriage return/line feed character in header value: b'a\\r\\nSet-Cookie: evil=1'"),
            ("start_response('200 OK', [('X', 'a\\x1b[31mred')])", "ValueError: embedded newline or other control character in response header"),
            ("start_response('101 Switching Protocols', [('Upgrade', 'h2c')])",
             "ValueError: invalid status '101 Switching Protocols': response status 101 is not a final status (200..599)"),
            ("start_response('200 O\\x07K', [])", "ValueError: control character in status reason phrase: b'200 O\\x07K'"),
            ("start_response('200 OK', [('Bad Name', 'v')])", "ValueError: space character in header name: b'Bad Name'"),
            ("start_response('200 OK', [('Content-Length', 'ten')])", "ValueError: invalid Content-Length header value: 'ten'"),
            ("start_response('200 OK', [], 'no')", "RuntimeError: start_response() argument 'exc_info' must be a 3-tuple or None"),
        ]
        for (call, expected) in cases {
            let served = try serve(TestHost.script("""
                def application(environ, start_response):
                    \(call)
                    return [b"never"]
                """))
            XCTAssertEqual(served.response.status, 500, call)
            XCTAssertTrue(served.logs.contains { $0.contains(expected) }, "\(call): \(served.logs)")
        }
    }

    func testNonBytesItemIsAnError() throws {
        let served = try serve(TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return ["text"]
            """))
        XCTAssertEqual(served.response.status, 500)
        XCTAssertTrue(served.logs.contains { $0.contains("TypeError: response iterable must yield bytes, not str") })
    }

    func testExcInfoReplacesAnUnsentResponseAndReraisesOnceSent() throws {
        let replaced = try serve(TestHost.script("""
            import sys
            def application(environ, start_response):
                start_response("200 OK", [("X-First", "1")])
                try:
                    raise KeyError("x")
                except KeyError:
                    start_response("503 Unavailable", [("X-Second", "2")], sys.exc_info())
                return [b"replaced"]
            """))
        XCTAssertEqual(replaced.response.status, 503)
        XCTAssertEqual(replaced.response.headers, [["X-Second", "2"]])
        XCTAssertEqual(replaced.text, "replaced")

        let reraised = try serve(TestHost.script("""
            import sys
            def application(environ, start_response):
                write = start_response("200 OK", [])
                write(b"partial")
                try:
                    raise KeyError("late")
                except KeyError:
                    start_response("500 Error", [], sys.exc_info())
                return [b"unreachable"]
            """))
        XCTAssertEqual(reraised.response.status, 200)
        XCTAssertEqual(reraised.text, "partial")
        XCTAssertEqual(reraised.response.aborted, true)
        XCTAssertTrue(reraised.logs.contains { $0.contains("KeyError: 'late'") }, "\(reraised.logs)")
    }

    func testASecondCallReplacesUntilBodyBytesCommitTheHead() throws {
        let replaced = try serve(TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [("X-First", "1")])
                start_response("201 Created", [("X-Second", "2")])
                return [b"second-wins"]
            """))
        XCTAssertEqual(replaced.response.status, 201)
        XCTAssertEqual(replaced.response.headers, [["X-Second", "2"]])

        let refused = try serve(TestHost.script("""
            def application(environ, start_response):
                write = start_response("200 OK", [])
                write(b"pre-")
                try:
                    start_response("500 Error", [])
                except RuntimeError as error:
                    write(("err:" + str(error)).encode())
                return []
            """))
        XCTAssertEqual(refused.response.status, 200)
        XCTAssertEqual(refused.text, "pre-err:start_response() called more than once without exc_info")
    }

    func testWriteAndMissingStartResponseErrorsAreMODWSGIs() throws {
        let cases: [(String, String)] = [
            ("start_response('200 OK', [])('text')", "TypeError: write() argument must be bytes, not str"),
            ("return [b'no start_response']", "RuntimeError: start_response() must be called before response content is produced"),
            ("return []", "RuntimeError: start_response() must be called before response content is produced"),
        ]
        for (statement, expected) in cases {
            let served = try serve(TestHost.script("""
                def application(environ, start_response):
                    \(statement)
                    return [b"never"]
                """))
            XCTAssertEqual(served.response.status, 500, statement)
            XCTAssertTrue(served.logs.contains { $0.contains(expected) }, "\(statement): \(served.logs)")
        }
    }

    func testANonBytesItemAfterTheFirstKeepsWhatWasCommitted() throws {
        let served = try serve(TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [b"bytes-ok", 12345]
            """))
        XCTAssertEqual(served.response.status, 200)
        XCTAssertEqual(served.text, "bytes-ok")
        XCTAssertEqual(served.response.aborted, true)
        XCTAssertTrue(served.logs.contains { $0.contains("TypeError exception raised processing WSGI script") }, "\(served.logs)")
    }

    func testContentLengthTrimsAndDetectsShortBodies() throws {
        let long = try serve(TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "3")])
                return [b"abcdef", b"ghi"]
            """))
        XCTAssertEqual(long.text, "abc")
        XCTAssertEqual(long.response.aborted, false)

        let path = TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "10")])
                return [b"short"]
            """)
        let short = try serve(path)
        XCTAssertEqual(short.text, "short")
        XCTAssertEqual(short.response.aborted, true)
        XCTAssertTrue(short.logs.contains { $0.contains("Truncated response from WSGI script '\(path)'") && $0.contains("5 of the 10 bytes") },
                      "\(short.logs)")
    }

    func testHeadRequestsRunTheAppButSendNoBody() throws {
        let served = try serve(TestHost.script("""
            import sys
            def application(environ, start_response):
                sys.stderr.write("app ran for %s\\n" % environ["REQUEST_METHOD"])
                start_response("200 OK", [("Content-Length", "5")])
                return [b"hello"]
            """), method: "HEAD")
        XCTAssertEqual(served.response.status, 200)
        XCTAssertEqual(served.response.body, [])
        XCTAssertEqual(served.response.aborted, false)
        XCTAssertEqual(served.header["Content-Length"], "5")
        XCTAssertTrue(served.logs.contains("[error] app ran for HEAD"))
    }

    func testFileWrapperIteratesAndCloses() throws {
        let served = try serve(TestHost.script("""
            import io, sys
            class Tracked(io.BytesIO):
                def close(self):
                    sys.stderr.write("file closed\\n")
                    super().close()
            def application(environ, start_response):
                start_response("200 OK", [])
                return environ["wsgi.file_wrapper"](Tracked(b"0123456789" * 5), 16)
            """))
        XCTAssertEqual(served.text, String(repeating: "0123456789", count: 5))
        XCTAssertTrue(served.logs.contains("[error] file closed"))
    }

    func testLargeBodyIsSentWhole() throws {
        let served = try serve(TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"x" * 100000, b"y" * 10]
            """))
        XCTAssertEqual(served.response.body.count, 100010)
        XCTAssertEqual(served.response.body.last, UInt8(ascii: "y"))
        XCTAssertEqual(served.response.aborted, false)
    }
}
