// Application groups: "" (%{GLOBAL}) is the main interpreter, any other name gets a
// sub-interpreter of its own, made on first use and reused after.
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import PythonHost
import WireProtocol
import XCTest

final class ApplicationGroupTests: XCTestCase {
    /// Reports which interpreter served it and a module-global counter.
    static let probe = """
        import sys, mod_wsgi
        count = 0
        def application(environ, start_response):
            global count
            count += 1
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [("%d|%s|%d|%r" % (id(sys.modules), mod_wsgi.application_group, count, sys.argv)).encode()]
        """

    private func probe(_ path: String, group: String) throws -> (modules: String, group: String, count: Int, argv: String) {
        let served = try serve(path, environ: [("mod_wsgi.application_group", group)])
        XCTAssertEqual(served.response.status, 200, "\(served.logs)")
        let parts = served.text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(parts.count, 4, served.text)
        guard parts.count == 4 else { return ("", "", 0, "") }
        return (parts[0], parts[1], Int(parts[2]) ?? -1, parts[3])
    }

    func testGroupsHaveTheirOwnInterpreterAndTheSameNameReusesIt() throws {
        let script = TestHost.script(Self.probe)
        let one = try probe(script, group: "tests-one")
        let two = try probe(script, group: "tests-two")
        XCTAssertNotEqual(one.modules, two.modules, "sys.modules is not shared between groups")
        XCTAssertEqual(one.group, "tests-one")
        XCTAssertEqual(two.group, "tests-two")
        XCTAssertEqual(one.count, 1)
        XCTAssertEqual(two.count, 1, "the module global is not shared")
        XCTAssertEqual(one.argv, "['mod_wsgi']")

        let again = try probe(script, group: "tests-one")
        XCTAssertEqual(again.modules, one.modules, "the same name reuses its interpreter")
        XCTAssertEqual(again.count, 2, "the counter continues")
    }

    func testGlobalIsTheMainInterpreter() throws {
        let script = TestHost.script(Self.probe)
        let global = try probe(script, group: "")
        let sub = try probe(script, group: "tests-global-check")
        XCTAssertEqual(global.group, "", "mod_wsgi.application_group is '' in the main interpreter")
        XCTAssertNotEqual(global.modules, sub.modules)
        // The scripts of the other tests run in the main interpreter too: same sys.modules.
        let other = TestHost.script(Self.probe)
        XCTAssertEqual(try probe(other, group: "").modules, global.modules)
    }

    func testThreadingLocalSurvivesAcrossRequestsInASubInterpreter() throws {
        let script = TestHost.script("""
            import threading
            local = threading.local()
            def application(environ, start_response):
                local.count = getattr(local, "count", 0) + 1
                start_response("200 OK", [])
                return [str(local.count).encode()]
            """)
        let texts = try (0..<3).map { _ in try serve(script, environ: [("mod_wsgi.application_group", "tests-local")]).text }
        XCTAssertEqual(texts, ["1", "2", "3"])
    }

    func testSyntaxErrorInOneGroupDoesNotAffectAnother() throws {
        let broken = TestHost.script("def application(environ, start_response)\n    return []\n")
        let good = TestHost.script(Self.probe)
        let failed = try serve(broken, environ: [("mod_wsgi.application_group", "tests-broken")])
        XCTAssertEqual(failed.response.control, .appLoadFailed)
        XCTAssertTrue(failed.response.controlMessage.contains("SyntaxError"), failed.response.controlMessage)
        let fine = try probe(good, group: "tests-fine")
        XCTAssertEqual(fine.group, "tests-fine")
        let sameGroup = try probe(good, group: "tests-broken")
        XCTAssertEqual(sameGroup.group, "tests-broken", "the failing script does not break its own group either")
    }

    func testPreloadGoesIntoItsGroupsInterpreter() throws {
        let script = TestHost.script("""
            import mod_wsgi
            loaded_in = mod_wsgi.application_group
            def application(environ, start_response):
                start_response("200 OK", [])
                return [("loaded in %r" % loaded_in).encode()]
            """)
        XCTAssertNil(TestHost.interpreter.preload(script: script, applicationGroup: "tests-preload"))
        let served = try serve(script, environ: [("mod_wsgi.application_group", "tests-preload")])
        XCTAssertEqual(served.text, "loaded in 'tests-preload'")
        XCTAssertFalse(served.logs.contains { $0.contains("Loading WSGI script") }, "already loaded: \(served.logs)")
        let elsewhere = try serve(script, environ: [("mod_wsgi.application_group", "tests-preload-other")])
        XCTAssertEqual(elsewhere.text, "loaded in 'tests-preload-other'", "another group loads its own copy")
    }

    func testOutputAndErrorsOfASubInterpreterReachTheLog() throws {
        let script = TestHost.script("""
            import sys
            def application(environ, start_response):
                print("printed from a group")
                raise ValueError("failed in a group")
            """)
        let served = try serve(script, environ: [("mod_wsgi.application_group", "tests-output")])
        XCTAssertEqual(served.response.status, 500)
        XCTAssertTrue(served.logs.contains("[error] printed from a group"), "\(served.logs)")
        XCTAssertTrue(served.logs.contains { $0.hasSuffix("ValueError: failed in a group") }, "\(served.logs)")
    }

    func testRequestTimeoutIsInjectedIntoTheGroupsInterpreter() throws {
        let script = TestHost.script("""
            import time, mod_wsgi
            def application(environ, start_response):
                try:
                    for _ in range(500):
                        time.sleep(0.01)
                except mod_wsgi.RequestTimeout:
                    raise
                start_response("200 OK", [])
                return [b"not interrupted"]
            """)
        let ident = TestHost.request.pythonThreadIdent
        let interpreter = TestHost.interpreter
        let injected = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result = false
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            result = interpreter.injectRequestTimeout(threadIdent: ident) { true }
            injected.signal()
        }
        let served = try serve(script, environ: [("mod_wsgi.application_group", "tests-timeout")])
        injected.wait()
        XCTAssertTrue(result, "the thread was found in its sub-interpreter")
        XCTAssertEqual(served.response.control, .requestTimeout, "\(served.logs)")
        XCTAssertTrue(served.logs.contains { $0.contains("interrupted by RequestTimeout") }, "\(served.logs)")
    }
}
