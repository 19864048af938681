// mod_wsgi-daemon: started by the Apache module as `supervise`; the supervisor starts `worker`s.
import ArgumentParser
import DaemonCore
import SupervisorCore

@main
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mod_wsgi-daemon",
        abstract: "Daemon processes of mod_wsgi-swift (started by the Apache module, not by hand).",
        subcommands: [Supervise.self, Worker.self])

    struct Supervise: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the supervisor of all daemon process groups.")
        @Option(help: "Supervisor config file written by the Apache module.") var config: String

        func run() throws { Supervisor.run(configPath: config) }
    }

    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run one worker process (listening socket on fd 3).")
        @Option(help: "Supervisor config file written by the Apache module.") var config: String
        @Option(help: "Name of the WSGIDaemonProcess group.") var group: String
        @Option(help: "Slot number of this worker within its group.") var slot: Int
        @Option(help: "Pid of the supervisor that started this worker; the worker exits if it is gone.")
        var supervisor: Int32?

        func run() throws {
            WorkerProcess.run(configPath: config, groupName: group, slot: slot, supervisorPID: supervisor)
        }
    }
}
