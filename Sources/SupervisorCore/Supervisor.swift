#if canImport(Glibc)
import Glibc
#endif
import ApacheErrorLog
import CSysShim
import Logging
import WireProtocol

/// `mod_wsgi-daemon supervise --config-fd 0`: one per Apache generation, started by the module
/// from Apache's parent (as root) with the config on standard input. Owns every group's
/// listening socket and keeps each group's workers running until Apache stops it.
public enum Supervisor {
    public static func run(source: SupervisorConfigSource) -> Never {
        run(source: source, workerExecutable: nil)
    }

    /// `workerExecutable` replaces our own binary as the program every worker runs. Only the
    /// tests pass it, to supervise fake workers; nothing in the environment or on the command
    /// line can change what a production supervisor (running as root) executes.
    public static func run(source: SupervisorConfigSource, workerExecutable: String?) -> Never {
        exit(supervise(source: source, workerExecutable: workerExecutable))
    }

    /// Returns the exit status: 0 after an orderly stop, 1 when start-up failed.
    static func supervise(source: SupervisorConfigSource, workerExecutable: String?) -> Int32 {
        // Descriptors Apache's parent let us inherit (listeners, pipes, log files) would keep
        // ports and pipes open after Apache closed its copies, and would reach every worker.
        _ = sys_close_inherited_fds(3)
        let config: SupervisorConfig
        do {
            config = try source.load()
        } catch {
            ApacheErrorLog.bootstrap(levelName: "warn")
            Logger(label: "mod_wsgi").error("supervisor cannot start: \(error)")
            return 1
        }
        // It holds every group's secret: no worker may inherit it.
        source.release()
        ApacheErrorLog.bootstrap(levelName: config.logLevel)
        let logger = Logger(label: "mod_wsgi")

        let inbox: SignalInbox
        do {
            inbox = try SignalInbox()
        } catch {
            logger.error("supervisor cannot start: \(error)")
            return 1
        }
        // If Apache's parent dies, even by SIGKILL, we get SIGTERM and stop our workers.
        _ = sys_set_parent_death_signal(SIGTERM)
        _ = sys_set_process_name("wsgi-supervisor")

        guard let executable = workerExecutable ?? ownExecutablePath() else {
            logger.error("supervisor cannot start: \(SystemError("readlink /proc/self/exe"))")
            return 1
        }

        // Each worker gets its own group's part of the config (and so its secret only).
        let workerConfigs: [Int32]
        do {
            workerConfigs = try config.groups.map { group in try WorkerSpawner.sealedConfig(config, group: group) }
        } catch {
            logger.error("supervisor cannot start: \(error)")
            return 1
        }

        // Every socket exists before any worker starts; one failure stops everything.
        var sockets: [ListeningSocket] = []
        for group in config.groups {
            do {
                // socket-user= hands the socket to the user the Apache children run as under
                // mod_ruid2/ITK-style setups, instead of Apache's User.
                sockets.append(try ListeningSocket.create(path: group.socketPath, backlog: group.listenBacklog,
                                                          owner: (group.socketUID ?? config.apacheUID, config.apacheGID),
                                                          bufferSizes: (group.sendBufferSize, group.receiveBufferSize)))
            } catch {
                logger.error("supervisor cannot start group \(group.name): \(error)")
                for socket in sockets { socket.closeAndRemove() }
                return 1
            }
        }

        logger.notice("""
            supervisor pid \(getpid()) started for Apache pid \(config.serverPID) \
            generation \(config.generation) with \(config.groups.count) group(s)
            """)
        let spawner = WorkerSpawner(executable: executable)
        Arbiter(config: config, sockets: sockets, workerConfigs: workerConfigs, spawner: spawner, inbox: inbox).run()
        return 0
    }

    /// Our own binary, resolved once at start so workers run the same build as we do.
    static func ownExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
