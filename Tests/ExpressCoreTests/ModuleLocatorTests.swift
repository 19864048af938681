import Foundation
import XCTest
@testable import ExpressCore

final class ModuleLocatorTests: XCTestCase {
    func testModuleBesideTheExecutableWins() {
        let location = ModuleLocator.locate(executableDirectory: "/src/build", modulesDirectory: "/usr/lib/apache2/modules",
                                            fileExists: { $0 == "/src/build/mod_wsgi-swift.so" || $0.hasPrefix("/usr") })
        XCTAssertEqual(location, ModuleLocator.Location(path: "/src/build/mod_wsgi-swift.so", exists: true))
    }

    func testFallsBackToTheModulesDirectory() {
        let location = ModuleLocator.locate(executableDirectory: "/usr/local/bin", modulesDirectory: "/usr/lib/apache2/modules/",
                                            fileExists: { $0 == "/usr/lib/apache2/modules/mod_wsgi-swift.so" })
        XCTAssertEqual(location, ModuleLocator.Location(path: "/usr/lib/apache2/modules/mod_wsgi-swift.so", exists: true))
    }

    func testReportsAMissingModule() {
        let location = ModuleLocator.locate(executableDirectory: "/a", modulesDirectory: "/b", fileExists: { _ in false })
        XCTAssertEqual(location, ModuleLocator.Location(path: "/b/mod_wsgi-swift.so", exists: false))
    }

    func testConfigurationUsesTheLookupAndModulesDirectoryOption() throws {
        let built = fakeHost(files: ["/home/alice/mod_wsgi-swift/build/mod_wsgi-swift.so"])
        XCTAssertEqual(try configuration([], host: built).module.path, "/home/alice/mod_wsgi-swift/build/mod_wsgi-swift.so")
        let installed = try configuration(["--modules-directory", "/opt/apache/modules"])
        XCTAssertEqual(installed.module, ModuleLocator.Location(path: "/opt/apache/modules/mod_wsgi-swift.so", exists: false))
        XCTAssertTrue(HttpdConfTemplate.render(installed)
            .contains(#"LoadModule mime_module "/opt/apache/modules/mod_mime.so""#))
    }
}

final class ModuleCommandTests: XCTestCase {
    func testMissingModuleIsAFailureNotAUsageError() {
        XCTAssertEqual(ExpressMain.run(["module-location", "--modules-directory", "/nonexistent/modules"]), 1)
        XCTAssertEqual(ExpressMain.run(["module-config", "--modules-directory", "/nonexistent/modules"]), 1)
    }

    func testFoundModuleIsPrinted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/mod_wsgi-swift.so", contents: Data())
        XCTAssertEqual(ExpressMain.run(["module-location", "--modules-directory", directory]), 0)
    }
}
