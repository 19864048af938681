import ArgumentParser
import Foundation

/// `mod_wsgi-express`: the command line, with mod_wsgi-express's command names.
public struct ExpressCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mod_wsgi-express",
        abstract: "Run a WSGI application under Apache with mod_wsgi-swift, with no Apache setup of your own.",
        subcommands: [StartServer.self, SetupServer.self, ModuleConfig.self, ModuleLocation.self, InstallModule.self])

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

enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// What would make Apache or the application fail later, said now.
    static func warnAboutSetup(_ config: ServerConfiguration) {
        for alias in config.site.urlAliases where !alias.isFile && !isDirectory(alias.target) {
            error("mod_wsgi-express: warning: --url-alias \(alias.url) \(alias.target): no such directory yet; "
                  + "it is served as one once it exists")
        }
        if !config.module.exists {
            error("mod_wsgi-express: warning: \(config.module.path) does not exist yet; Apache will "
                  + "not start until mod_wsgi-swift is built or installed")
        }
        for warning in AccessWarnings.warnings(for: config) {
            error("mod_wsgi-express: warning: " + warning)
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}
