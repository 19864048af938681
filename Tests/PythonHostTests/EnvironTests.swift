// The environ an application sees (PEP 3333 keys, mod_wsgi keys, hidden wire keys).
import Foundation
import PythonHost
import WireProtocol
import XCTest

final class EnvironTests: XCTestCase {
    private let dumpApp = """
        import json
        def application(environ, start_response):
            def plain(value):
                return value if isinstance(value, (str, int, float, bool, type(None))) else repr(type(value).__name__) if not isinstance(value, tuple) else list(value)
            body = json.dumps({k: plain(v) for k, v in environ.items()}, sort_keys=True).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        """

    private func environ(_ extra: [(String, String)] = []) throws -> [String: Any] {
        let served = try serve(TestHost.script(dumpApp), environ: extra)
        XCTAssertEqual(served.response.status, 200, served.logs.joined(separator: "\n"))
        return try decodeJSONObject(served.response.body)
    }

    func testCGIAndWSGIKeys() throws {
        let env = try environ([("HTTP_X_CUSTOM", "caf\u{E9}"), ("QUERY_STRING", "a=1")])
        XCTAssertEqual(env["REQUEST_METHOD"] as? String, "GET")
        XCTAssertEqual(env["QUERY_STRING"] as? String, "a=1")
        XCTAssertEqual(env["HTTP_X_CUSTOM"] as? String, "caf\u{E9}", "values are decoded as Latin-1")
        XCTAssertEqual(env["wsgi.version"] as? [Int], [1, 0])
        XCTAssertEqual(env["wsgi.url_scheme"] as? String, "http")
        XCTAssertEqual(env["wsgi.multithread"] as? Bool, true)
        XCTAssertEqual(env["wsgi.multiprocess"] as? Bool, true)
        XCTAssertEqual(env["wsgi.run_once"] as? Bool, false)
        XCTAssertEqual(env["wsgi.input_terminated"] as? Bool, true)
        XCTAssertEqual(env["wsgi.input"] as? String, "'Input'")
        XCTAssertEqual(env["wsgi.errors"] as? String, "'TextIOWrapper'")
        XCTAssertEqual(env["wsgi.file_wrapper"] as? String, "'type'")
        XCTAssertEqual(env["mod_wsgi.version"] as? [Int], [6, 0, 5])
        XCTAssertEqual(env["mod_wsgi.process_group"] as? String, "tests")
        XCTAssertEqual(env["mod_wsgi.thread_id"] as? Int, 8, "thread 7 of 0... is mod_wsgi thread 8: it counts from 1")
        XCTAssertEqual(env["mod_wsgi.request_start"] as? Double, 1_700_000_000.0)
        XCTAssertEqual(env["mod_wsgi.queue_start"] as? Double, 1_700_000_000.5)
        XCTAssertGreaterThan(env["mod_wsgi.application_start"] as? Double ?? 0, 1_700_000_001)
    }

    func testHTTPSBecomesTheURLSchemeAndWireKeysStayHidden() throws {
        let env = try environ([("HTTPS", "on"), ("mod_wsgi.x-queue_timeout", "30"), ("mod_wsgi.x-magic", "abc"),
                               ("PATH", "/usr/bin")])
        XCTAssertEqual(env["wsgi.url_scheme"] as? String, "https")
        XCTAssertNil(env["HTTPS"])
        XCTAssertNil(env["mod_wsgi.x-queue_timeout"])
        XCTAssertNil(env["mod_wsgi.x-magic"])
        XCTAssertNil(env["PATH"])
        XCTAssertEqual(try environ([("HTTPS", "1")])["wsgi.url_scheme"] as? String, "https")
        XCTAssertEqual(try environ([("HTTPS", "off")])["wsgi.url_scheme"] as? String, "http")
    }

    func testModWSGIModuleAndStdoutGoToTheLog() throws {
        let served = try serve(TestHost.script("""
            import mod_wsgi, sys
            def application(environ, start_response):
                print("hello from print")
                sys.stderr.write("partial ")
                sys.stderr.write("line\\n")
                environ["wsgi.errors"].write("via wsgi.errors\\n")
                body = repr((mod_wsgi.process_group, mod_wsgi.application_group, mod_wsgi.maximum_processes,
                             mod_wsgi.threads_per_process, mod_wsgi.version, sys.argv,
                             issubclass(mod_wsgi.RequestTimeout, BaseException),
                             issubclass(mod_wsgi.RequestTimeout, Exception))).encode()
                start_response("200 OK", [])
                return [body]
            """))
        XCTAssertEqual(served.text, "('tests', '', 2, 4, (6, 0, 5), ['mod_wsgi'], True, False)")
        XCTAssertTrue(served.logs.contains("[error] hello from print"), "\(served.logs)")
        XCTAssertTrue(served.logs.contains("[error] partial line"), "\(served.logs)")
        XCTAssertTrue(served.logs.contains { $0.hasPrefix("[error] [remote 127.0.0.1:5555] [script ") && $0.hasSuffix("] via wsgi.errors") }, "\(served.logs)")
    }
}

func decodeJSONObject(_ bytes: [UInt8]) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(bytes))
    guard let dictionary = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
    return dictionary
}
