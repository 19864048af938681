import ArgumentParser
import Foundation

/// The whole program, minus the process exit: parse, run, and turn every failure into a message
/// on stderr and mod_wsgi-express's exit statuses (0 ok or help, 2 bad usage, 1 failure).
public enum ExpressMain {
    static let serverCommands: Set<String> = ["setup-server", "start-server"]

    public static func run(_ arguments: [String]) -> Int32 {
        do {
            if let first = arguments.first, serverCommands.contains(first) {
                try ServerCommand.run(first, Array(arguments.dropFirst()))
                return 0
            }
            if arguments.count == 2, arguments[0] == "help", serverCommands.contains(arguments[1]) {
                print(OptionHelp.text(command: arguments[1]))
                return 0
            }
            var command = try ExpressCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as ExpressError {
            Console.error("mod_wsgi-express: error: \(error.message)")
            return error.exitCode
        } catch {
            let status = ExpressCommand.exitCode(for: error)
            let message = ExpressCommand.fullMessage(for: error)
            if status == .success {
                // --help and the like.
                if !message.isEmpty { print(message) }
                return 0
            }
            Console.error(message)
            return 2
        }
    }
}
