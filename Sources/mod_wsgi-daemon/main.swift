// mod_wsgi-daemon: started by the Apache module as `supervise`; the supervisor starts `worker`s.
import ArgumentParser
import DaemonCore
import SupervisorCore
import WireProtocol

@main
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mod_wsgi-daemon",
        abstract: "Daemon processes of mod_wsgi-swift (started by the Apache module, not by hand).",
        subcommands: [Supervise.self, Worker.self])

    /// Where the config comes from: the descriptor the parent passed, or a file (tests, tools).
    struct ConfigOptions: ParsableArguments {
        @Option(help: "Read the config from this inherited descriptor (how Apache and the supervisor pass it).")
        var configFd: Int32?
        @Option(help: "Read the config from this file (owned by root or us, writable by nobody else).")
        var config: String?

        func validate() throws {
            guard (configFd == nil) != (config == nil) else {
                throw ValidationError("give exactly one of --config-fd and --config")
            }
        }

        var source: SupervisorConfigSource {
            if let configFd { return .descriptor(configFd) }
            return .file(config!)
        }
    }

    struct Supervise: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the supervisor of all daemon process groups.")
        @OptionGroup var options: ConfigOptions

        func run() throws { Supervisor.run(source: options.source) }
    }

    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one worker process (listening socket on fd 3, its config on fd 4).")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Name of the WSGIDaemonProcess group.") var group: String
        @Option(help: "Slot number of this worker within its group.") var slot: Int
        @Option(help: "Pid of the supervisor that started this worker; the worker exits if it is gone.")
        var supervisor: Int32?

        func run() throws {
            WorkerProcess.run(source: options.source, groupName: group, slot: slot, supervisorPID: supervisor)
        }
    }
}
