import Foundation
import XCTest
@testable import ExpressCore

/// handler.wsgi and resource.wsgi, run by Debian's Python as the daemon would: exec the script,
/// then call handle_request with an environ like the module's.
final class HandlerScriptTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `driver` after executing `script` in a namespace `ns`; returns stdout, or fails.
    private func python(script: String, driver: String) throws -> String {
        let path = directory + "/handler.wsgi"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let program = """
            import sys
            ns = {'__file__': \(PythonLiteral.string(path))}
            exec(compile(open(\(PythonLiteral.string(path))).read(), 'handler.wsgi', 'exec'), ns)
            def call(script_name, path_info):
                out = {}
                def start_response(status, headers, exc_info=None):
                    out['status'] = status
                body = b''.join(ns['handle_request']({'SCRIPT_NAME': script_name, 'PATH_INFO': path_info}, start_response))
                return out['status'] + ' ' + body.decode()
            \(driver)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", program]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, problems)
        return text
    }

    private func config(_ arguments: [String]) throws -> ServerConfiguration {
        let host = HostEnvironment.current()
        return try ServerConfiguration.resolve(
            ServerOptions.parse(arguments + ["--server-root", directory + "/root", "--working-directory", directory]
                                + (host.uid == 0 ? ["--user", "www-data"] : [])), in: host)
    }

    private let app = """
        def application(environ, start_response):
            start_response('200 OK', [])
            return [('%s|%s' % (environ['SCRIPT_NAME'], environ['PATH_INFO'])).encode()]
        """

    func testScriptAtAMountPointSeesTheURLRelativeToIt() throws {
        try app.write(toFile: directory + "/app.wsgi", atomically: true, encoding: .utf8)
        let script = HandlerScriptTemplate.render(try config([directory + "/app.wsgi", "--mount-point", "/app"]))
        let output = try python(script: script, driver: """
            print(call('/app', '/x/y'))
            print(call('/other', ''))
            import os
            print(os.environ['MOD_WSGI_EXPRESS'], os.environ['MOD_WSGI_SERVER_NAME'])
            print(ns['reload_required']('ignored'))
            """)
        XCTAssertEqual(output, "200 OK /app|/x/y\n200 OK |/other\ntrue localhost\nFalse\n")
    }

    func testEditingTheScriptAsksForAReload() throws {
        try app.write(toFile: directory + "/app.wsgi", atomically: true, encoding: .utf8)
        let script = HandlerScriptTemplate.render(try config([directory + "/app.wsgi"]))
        let output = try python(script: script, driver: """
            import os
            os.utime(\(PythonLiteral.string(directory + "/app.wsgi")), (1, 1))
            print(ns['reload_required']('ignored'))
            """)
        XCTAssertEqual(output, "True\n")
        let off = HandlerScriptTemplate.render(try config([directory + "/app.wsgi", "--disable-reloading"]))
        XCTAssertEqual(try python(script: off, driver: "print('reload_required' in ns)"), "False\n")
    }

    func testModuleEntryPointWithItsCallable() throws {
        try FileManager.default.createDirectory(atPath: directory + "/proj", withIntermediateDirectories: true)
        try "".write(toFile: directory + "/proj/__init__.py", atomically: true, encoding: .utf8)
        try app.replacingOccurrences(of: "def application", with: "def app")
            .write(toFile: directory + "/proj/wsgi.py", atomically: true, encoding: .utf8)
        let script = HandlerScriptTemplate.render(try config(["--application-type", "module", "proj.wsgi",
                                                              "--callable-object", "app"]))
        let output = try python(script: script, driver: "sys.path.insert(0, '.')\nprint(call('/a', '/b'))")
        XCTAssertEqual(output, "200 OK |/a/b\n")
    }

    func testResourceScriptDispatchesByExtension() throws {
        try """
            def handle_request(environ, start_response):
                start_response('200 OK', [])
                return [b'py:' + environ['SCRIPT_NAME'].encode()]
            """.write(toFile: directory + "/py.py", atomically: true, encoding: .utf8)
        try app.write(toFile: directory + "/txt.py", atomically: true, encoding: .utf8)
        let config = try config(["--add-handler", ".py", directory + "/py.py", "--add-handler", ".txt",
                                 directory + "/txt.py"])
        let output = try python(script: ResourceScriptTemplate.render(config),
                                driver: "print(call('/x.py', ''))\nprint(call('/y.txt', '/z'))")
        XCTAssertEqual(output, "200 OK py:/x.py\n200 OK /y.txt|/z\n")
    }
}
