/// Error and access logs: files, the terminal, or rotatelogs pipes.
enum LoggingSection {
    static func render(_ config: ServerConfiguration) -> String {
        var lines = [
            "ErrorLog \(target(config, config.errorLogPath))",
            "LogLevel \(config.logLevel)",
        ]
        if let format = config.logs?.errorLogFormat { lines.append("ErrorLogFormat \(q(format))") }
        if config.accessLog {
            let format = config.logs?.accessLogFormat ?? "common"
            lines.append(#"LogFormat "%h %l %u %t \"%r\" %>s %b" common"#)
            lines.append(#"LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"" combined"#)
            var nickname = format
            if format != "common" && format != "combined" {
                lines.append("LogFormat \(q(format)) custom")
                nickname = "custom"
            }
            lines.append("CustomLog \(target(config, config.accessLogPath)) \(nickname)")
        }
        return block(lines)
    }

    /// The file itself, or a pipe to rotatelogs that cuts it at --max-log-size.
    static func target(_ config: ServerConfiguration, _ path: String) -> String {
        guard let logs = config.logs, logs.rotate, !config.logToTerminal else { return q(path) }
        let command = "|\(ShellQuoting.singleQuoted(logs.rotatelogs)) "
            + "\(ShellQuoting.singleQuoted(path + ".%Y-%m-%d-%H_%M_%S")) \(logs.maxSizeMB)M"
        return q(command)
    }
}
