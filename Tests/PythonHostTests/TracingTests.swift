// sys.setprofile / sys.settrace in a request, on the thread that serves every request here. Once
// a discarded RequestTimeout left the interpreter's "async exception pending" flag up, and with a
// tracer active CPython 3.11 then never got past the first instruction of the next call.
import Dispatch
import XCTest
@testable import PythonHost

final class TracingTests: XCTestCase {
    private let traced = """
        import sys
        def helper():
            return b"x"
        def application(environ, start_response):
            events = []
            sys.setprofile(lambda frame, event, arg: events.append(event))
            body = helper()
            sys.setprofile(None)
            sys.settrace(lambda frame, event, arg: events.append(event))
            body += helper()
            sys.settrace(None)
            start_response("200 OK", [])
            return [body + b" " + ",".join(sorted(set(events))).encode()]
        """

    func testTracedCallsReturnBeforeAndAfterAnInjectedRequestTimeout() throws {
        let script = TestHost.script(traced)
        XCTAssertEqual(try serveWithin(script).text, "xx c_call,call,return")

        let spinning = TestHost.script("""
            def application(environ, start_response):
                while True:
                    pass
            """)
        let ident = TestHost.request.pythonThreadIdent
        let interpreter = TestHost.interpreter
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            _ = interpreter.injectRequestTimeout(threadIdent: ident) { true }
        }
        XCTAssertEqual(try serve(spinning).response.control, .requestTimeout)

        // A RequestTimeout aimed at a request that already ended is discarded by the next one.
        let quick = TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"quick"]
            """)
        XCTAssertEqual(try serve(quick).text, "quick")
        XCTAssertTrue(interpreter.injectRequestTimeout(threadIdent: ident) { true })
        XCTAssertEqual(try serveWithin(script).text, "xx c_call,call,return")
        XCTAssertEqual(try serveWithin(script).text, "xx c_call,call,return")
    }

    /// Serves on this thread, failing (instead of hanging the suite) if it takes over 10 s.
    private func serveWithin(_ script: String) throws -> Served {
        let ident = TestHost.request.pythonThreadIdent
        let interpreter = TestHost.interpreter
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if finished.wait(timeout: .now() + 10) == .timedOut {
                // Break the spin so the failure is reported rather than the suite hanging.
                _ = interpreter.injectRequestTimeout(threadIdent: ident) { true }
            }
        }
        defer { finished.signal() }
        return try serve(script)
    }
}
