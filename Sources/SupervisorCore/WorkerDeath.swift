import CSysShim

/// How a worker ended, from its waitpid status, in the words the error log uses:
/// "exit code 3", "killed by signal SIGKILL (9)", "killed by signal SIGSEGV (11), core dumped".
struct WorkerDeath: Equatable, CustomStringConvertible {
    let status: Int32

    var exitCode: Int32? { sys_wifexited(status) != 0 ? sys_wexitstatus(status) : nil }
    var signal: Int32? { sys_wifsignaled(status) != 0 ? sys_wtermsig(status) : nil }
    var dumpedCore: Bool { signal != nil && sys_wcoredump(status) != 0 }

    /// The worker chose to stop (a recycle it asked for or we asked for), it did not crash.
    var isCleanExit: Bool { exitCode == 0 }

    var description: String {
        if let exitCode { return "exit code \(exitCode)" }
        if let signal {
            var text = "killed by signal \(Self.signalName(signal))"
            if dumpedCore { text += ", core dumped" }
            return text
        }
        return "unknown wait status \(status)"
    }

    /// "SIGKILL (9)"; a signal without a name (a real-time one) is just its number.
    static func signalName(_ signal: Int32) -> String {
        guard let abbreviation = sys_signal_abbreviation(signal) else { return "\(signal)" }
        return "SIG\(String(cString: abbreviation)) (\(signal))"
    }
}
