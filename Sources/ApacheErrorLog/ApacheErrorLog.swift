// Our processes' stderr is Apache's error log (the module starts the supervisor with it), so we
// write lines in Apache's own format and operators can read one log for everything.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Logging

public enum ApacheErrorLog {
    /// Installs the handler for the whole process; call once, first thing in main.
    public static func bootstrap(levelName: String) {
        let level = logLevel(apacheName: levelName)
        LoggingSystem.bootstrap { _ in ApacheErrorLogHandler(logLevel: level) }
    }

    /// Apache LogLevel names (emerg .. trace8) mapped onto swift-log's levels.
    public static func logLevel(apacheName: String) -> Logger.Level {
        switch apacheName.lowercased() {
        case "emerg", "alert", "crit": return .critical
        case "error": return .error
        case "warn": return .warning
        case "notice": return .notice
        case "info": return .info
        case "debug": return .debug
        case let name where name.hasPrefix("trace"): return .trace
        default: return .warning
        }
    }

    /// Apache's tag for a swift-log level, as in `[wsgi:warn]`.
    public static func apacheName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warn"
        case .error: return "error"
        case .critical: return "crit"
        }
    }

    /// One error-log line, without the trailing newline.
    public static func formatLine(level: Logger.Level, message: String, remote: String?,
                                  time: timespec, pid: Int32, tid: UInt) -> String {
        var line = "[\(timestamp(time))] [wsgi:\(apacheName(level))] [pid \(pid):tid \(tid)] "
        if let remote { line += "[remote \(remote)] " }
        // One record, one line: embedded newlines would forge extra log lines.
        line += message.replacingNewlines()
        return line
    }

    /// "Sat Nov 28 01:22:01.123456 2026", local time, as Apache prints it.
    static func timestamp(_ time: timespec) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let micros = Int(time.tv_nsec) / 1000
        return "\(days[Int(parts.tm_wday)]) \(months[Int(parts.tm_mon)]) \(pad(Int(parts.tm_mday), 2)) "
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))."
            + "\(pad(micros, 6)) \(Int(parts.tm_year) + 1900)"
    }
}

public struct ApacheErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(logLevel: Logger.Level) { self.logLevel = logLevel }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let remote = explicit?["remote"] ?? metadata["remote"]
        var text = ApacheErrorLog.formatLine(level: level, message: message.description,
                                             remote: remote.map { "\($0)" }, time: now,
                                             pid: getpid(), tid: UInt(sys_thread_id()))
        text += "\n"
        // A single write(2) per line: O_APPEND keeps concurrent writers' lines whole.
        text.withCString { pointer in
            var offset = 0
            let count = strlen(pointer)
            while offset < count {
                let n = write(2, pointer + offset, count - offset)
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

extension String {
    /// Works on scalars: "\r\n" is one Character, so a Character comparison would miss it.
    fileprivate func replacingNewlines() -> String {
        guard unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return self }
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars { result.append(scalar == "\n" || scalar == "\r" ? " " : scalar) }
        return String(result)
    }
}
