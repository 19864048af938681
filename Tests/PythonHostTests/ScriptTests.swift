// Script loading, load errors and reloading.
#if canImport(Glibc)
import Glibc
#endif
import PythonHost
import WireProtocol
import XCTest

final class ScriptTests: XCTestCase {
    func testSyntaxErrorIsAnAppLoadFailureNamingTheFile() throws {
        let path = TestHost.script("def application(environ, start_response)\n    return []\n")
        let served = try serve(path)
        XCTAssertEqual(served.response.control, .appLoadFailed)
        XCTAssertTrue(served.response.controlMessage.hasPrefix("failed to load WSGI script '\(path)'"), served.response.controlMessage)
        XCTAssertTrue(served.response.controlMessage.contains("SyntaxError"), served.response.controlMessage)
        XCTAssertTrue(served.logs.contains("[error] [remote 127.0.0.1:5555] [script \(path)] Failed to exec Python script file '\(path)'."), "\(served.logs)")
        XCTAssertTrue(served.logs.contains { $0.contains("SyntaxError") })
    }

    func testExceptionAtImportAndMissingFile() throws {
        let path = TestHost.script("import no_such_module_here\n")
        let served = try serve(path)
        XCTAssertEqual(served.response.control, .appLoadFailed)
        XCTAssertTrue(served.response.controlMessage.contains("ModuleNotFoundError"), served.response.controlMessage)
        XCTAssertTrue(served.logs.contains { $0.hasSuffix("Traceback (most recent call last):") })

        let missing = try serve(TestHost.directory + "/does-not-exist.wsgi")
        XCTAssertEqual(missing.response.control, .appLoadFailed)
        XCTAssertTrue(missing.response.controlMessage.contains("No such file or directory"), missing.response.controlMessage)
    }

    func testMissingCallableIsNamed() throws {
        let path = TestHost.script("def app(environ, start_response):\n    return []\n")
        let served = try serve(path, environ: [("mod_wsgi.callable_object", "wsgi_app")])
        XCTAssertEqual(served.response.control, .appLoadFailed)
        XCTAssertEqual(served.response.controlMessage, "Target WSGI script '\(path)' does not contain WSGI application 'wsgi_app'.")
    }

    func testScriptIsLoadedOnceAndAsModWSGIModule() throws {
        let path = TestHost.script("""
            import sys
            loads = globals().setdefault("loads", [])
            loads.append(1)
            def application(environ, start_response):
                start_response("200 OK", [])
                return [("%s %d %s" % (__name__, len(loads), "__mtime__" in globals())).encode()]
            """)
        _ = try serve(path)
        let second = try serve(path)
        XCTAssertTrue(second.text.hasPrefix("_mod_wsgi_"), second.text)
        XCTAssertEqual(second.text.split(separator: " ")[0].count, "_mod_wsgi_".count + 32, "md5 hex of the path")
        XCTAssertTrue(second.text.hasSuffix(" 1 True"), second.text)
    }

    func testPreloadIntoGlobalServesRequestsOfTheMainInterpreter() throws {
        let path = TestHost.script("""
            import sys
            sys.stderr.write("preload ran\\n")
            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"preloaded"]
            """)
        XCTAssertNil(TestHost.interpreter.preload(script: path, applicationGroup: "%{GLOBAL}"))
        let served = try serve(path)
        XCTAssertEqual(served.text, "preloaded")
        XCTAssertFalse(served.logs.contains("[error] preload ran"), "not loaded a second time")
        XCTAssertNotNil(TestHost.interpreter.preload(script: TestHost.directory + "/missing.wsgi", applicationGroup: ""))
    }

    func testChangedScriptAsksForAReload() throws {
        let path = TestHost.script("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"v1"]
            """)
        XCTAssertEqual(try serve(path).text, "v1")
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &times, 0), 0)
        let reloaded = try serve(path)
        XCTAssertEqual(reloaded.outcome, .scriptReloaded)
        XCTAssertEqual(reloaded.response.control, .scriptReloaded)
        let notChecked = try serve(path, environ: [("mod_wsgi.script_reloading", "0")])
        XCTAssertEqual(notChecked.text, "v1", "script_reloading=0 keeps the loaded module")
    }
}
