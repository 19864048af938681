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

final class ModuleInstallerTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
        for name in ["build", "modules"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
        }
        FileManager.default.createFile(atPath: directory + "/build/mod_wsgi-swift.so", contents: Data("module".utf8))
        FileManager.default.createFile(atPath: directory + "/build/mod_wsgi-daemon", contents: Data("daemon".utf8),
                                       attributes: [.posixPermissions: 0o755])
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testCopiesTheModuleAndTheDaemonItStarts() throws {
        let installer = ModuleInstaller(packageOwning: { _ in nil })
        let installed = try installer.install(moduleFrom: directory + "/build/mod_wsgi-swift.so", into: directory + "/modules")
        XCTAssertEqual(installed, directory + "/modules/mod_wsgi-swift.so")
        XCTAssertEqual(try String(contentsOfFile: installed, encoding: .utf8), "module")
        XCTAssertEqual(try String(contentsOfFile: directory + "/modules/mod_wsgi-daemon", encoding: .utf8), "daemon")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: directory + "/modules/mod_wsgi-daemon"))
    }

    func testRefusesToOverwriteAPackagesFile() throws {
        FileManager.default.createFile(atPath: directory + "/modules/mod_wsgi-daemon", contents: Data("theirs".utf8))
        let installer = ModuleInstaller(packageOwning: { $0.hasSuffix("/mod_wsgi-daemon") ? "some-package" : nil })
        XCTAssertThrowsError(try installer.install(moduleFrom: directory + "/build/mod_wsgi-swift.so",
                                                   into: directory + "/modules")) { error in
            XCTAssertEqual((error as? ExpressError)?.message,
                           "refusing to overwrite \(self.directory)/modules/mod_wsgi-daemon: it belongs to the Debian "
                           + "package some-package; pass --modules-directory to install elsewhere")
        }
        XCTAssertEqual(try String(contentsOfFile: directory + "/modules/mod_wsgi-daemon", encoding: .utf8), "theirs")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/modules/mod_wsgi-swift.so"))
    }

    func testDebianPackagesAreAskedWithDpkgQuery() {
        XCTAssertEqual(ModuleInstaller.dpkgOwner("/usr/sbin/apache2"), "apache2-bin")
        XCTAssertNil(ModuleInstaller.dpkgOwner("/usr/lib/apache2/modules/mod_wsgi-swift-no-such-file.so"))
    }

    func testLoadPathIsRelativeToTheServerRootOnlyBelowIt() {
        XCTAssertEqual(ModuleInstaller.loadPath("/opt/httpd/modules/mod_wsgi-swift.so", serverRoot: "/opt/httpd"),
                       "modules/mod_wsgi-swift.so")
        XCTAssertEqual(ModuleInstaller.loadPath("/usr/lib/apache2/modules/mod_wsgi-swift.so", serverRoot: "/etc/apache2"),
                       "/usr/lib/apache2/modules/mod_wsgi-swift.so")
        XCTAssertEqual(ModuleInstaller.apacheServerRoot(), "/etc/apache2")
    }

    func testPythonHomeLine() {
        XCTAssertEqual(PythonHomeLine.text([:]), #"WSGIPythonHome "/usr""#)
        XCTAssertEqual(PythonHomeLine.text(["MOD_WSGI_PYTHON_HOME": "/srv/venv"]), #"WSGIPythonHome "/srv/venv""#)
    }
}
