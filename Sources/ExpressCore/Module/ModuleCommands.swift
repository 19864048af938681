import ArgumentParser
import Foundation

/// Options shared by the module commands.
public struct ModuleLookupOptions: ParsableArguments {
    @Option(help: "Apache's modules directory, searched when mod_wsgi-swift.so is not beside this program.")
    public var modulesDirectory: String = ModuleLocator.defaultModulesDirectory

    public init() {}

    func locate() throws -> ModuleLocator.Location {
        let host = HostEnvironment.current()
        let location = ModuleLocator.locate(
            executableDirectory: host.executableDirectory,
            modulesDirectory: PathResolution.absolute(modulesDirectory, from: host.currentDirectory),
            fileExists: host.fileExists)
        if !location.exists {
            let beside = host.executableDirectory + "/" + ModuleLocator.moduleFileName
            throw ExpressError("\(ModuleLocator.moduleFileName) was found neither beside mod_wsgi-express "
                               + "(\(beside)) nor in the modules directory (\(location.path)); build it with "
                               + "make, install it with make install, or pass --modules-directory",
                               exitCode: 1)
        }
        return location
    }
}

/// The WSGIPythonHome line: the Python the daemon embeds. The pip-installed entry point sets
/// MOD_WSGI_PYTHON_HOME to its venv; otherwise it is Debian's /usr/bin/python3, prefix /usr.
/// No LoadFile line is needed: Apache itself never loads libpython here.
enum PythonHomeLine {
    static let debianPrefix = "/usr"

    static func text(_ variables: [String: String]) -> String {
        let home = variables["MOD_WSGI_PYTHON_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? debianPrefix
        return "WSGIPythonHome \(ApacheQuoting.doubleQuoted(home))"
    }
}

public struct ModuleConfig: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "module-config",
        abstract: "Print the lines that load mod_wsgi-swift into your own Apache's httpd.conf.")

    @OptionGroup public var lookup: ModuleLookupOptions

    public init() {}

    public func run() throws {
        print("LoadModule wsgi_module \(ApacheQuoting.doubleQuoted(try lookup.locate().path))")
        print(PythonHomeLine.text(ProcessInfo.processInfo.environment))
    }
}

public struct ModuleLocation: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "module-location",
        abstract: "Print the path of mod_wsgi-swift.so.")

    @OptionGroup public var lookup: ModuleLookupOptions

    public init() {}

    public func run() throws {
        print(try lookup.locate().path)
    }
}

public struct InstallModule: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "install-module",
        abstract: "Copy mod_wsgi-swift.so and mod_wsgi-daemon into Apache's modules directory, "
            + "then print the lines for httpd.conf.")

    @Option(help: "Where to install (default: apxs -q LIBEXECDIR, else /usr/lib/apache2/modules).")
    public var modulesDirectory: String?

    public init() {}

    public func run() throws {
        let host = HostEnvironment.current()
        let target = modulesDirectory.map { PathResolution.absolute($0, from: host.currentDirectory) }
            ?? ModuleInstaller.apxsModulesDirectory() ?? ModuleLocator.defaultModulesDirectory
        let source = ModuleLocator.locate(executableDirectory: host.executableDirectory,
                                          modulesDirectory: target, fileExists: host.fileExists)
        guard source.exists else {
            throw ExpressError("\(ModuleLocator.moduleFileName) is not beside mod_wsgi-express "
                               + "(\(host.executableDirectory)); build it with make first", exitCode: 1)
        }
        let installer = ModuleInstaller(packageOwning: ModuleInstaller.dpkgOwner)
        let installed = try installer.install(moduleFrom: source.path, into: target)
        let path = ModuleInstaller.loadPath(installed, serverRoot: ModuleInstaller.apacheServerRoot())
        print("LoadModule wsgi_module \(ApacheQuoting.doubleQuoted(path))")
        print(PythonHomeLine.text(host.variables))
    }
}
