import ArgumentParser
import Foundation

/// `mod_wsgi-express`: the command line, with mod_wsgi-express's command names.
public struct ExpressCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mod_wsgi-express",
        abstract: "Run a WSGI application under Apache with mod_wsgi-swift, with no Apache setup of your own.",
        subcommands: [StartServer.self, SetupServer.self, ModuleConfig.self, ModuleLocation.self])

    public init() {}
}

/// `setup-server` and `start-server` parse their own options with the option table
/// (`ExpressOptionParser`), so they are only named here, for the top-level help.
public struct SetupServer: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "setup-server", abstract: OptionHelp.abstract("setup-server"))

    public init() {}
}

public struct StartServer: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "start-server", abstract: OptionHelp.abstract("start-server"))

    public init() {}
}

/// What `setup-server` and `start-server` do once their options are parsed.
enum ServerCommand {
    static func run(_ command: String, _ arguments: [String]) throws {
        let options: ServerOptions
        switch try ExpressOptionParser.parse(arguments) {
        case .help:
            print(OptionHelp.text(command: command))
            return
        case .options(let parsed):
            options = ServerOptions(parsed)
        }
        let setupOnly = command == "setup-server" || options.setupOnly
        let config = try ServerConfiguration.resolve(options, in: .current())
        try ServerRootWriter(config).write()
        Console.warnAboutSetup(config)
        ServerSummary.lines(config, includeControlFiles: setupOnly).forEach { print($0) }
        if !setupOnly {
            try ServerLauncher.execApache(config)
        }
    }
}

/// Options shared by the two module commands.
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

public struct ModuleConfig: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "module-config",
        abstract: "Print the LoadModule line that loads mod_wsgi-swift into your own Apache.")

    @OptionGroup public var lookup: ModuleLookupOptions

    public init() {}

    public func run() throws {
        print("LoadModule wsgi_module \(ApacheQuoting.doubleQuoted(try lookup.locate().path))")
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

enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// What would make Apache or the application fail later, said now.
    static func warnAboutSetup(_ config: ServerConfiguration) {
        if !config.module.exists {
            error("mod_wsgi-express: warning: \(config.module.path) does not exist yet; Apache will "
                  + "not start until mod_wsgi-swift is built or installed")
        }
        for warning in AccessWarnings.warnings(for: config) {
            error("mod_wsgi-express: warning: " + warning)
        }
    }
}
