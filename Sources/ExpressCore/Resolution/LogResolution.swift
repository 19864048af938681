/// Log files, formats and rotation.
extension ResolutionContext {
    func logs(serverRoot: String, logToTerminal: Bool) throws -> ServerConfiguration.Logs {
        try refuseTogether("log-to-terminal", "log-directory", because: "the logs go either to the terminal or to files")
        try refuseTogether("log-to-terminal", "rotate-logs", because: "the terminal cannot be rotated")
        for option in ["access-log-format", "access-log-name"] {
            try requirePartner(option, "access-log", because: "no access log is written without it")
        }
        try requirePartner("max-log-size", "rotate-logs", because: "logs are only cut at a size when rotated")
        try requirePartner("rotatelogs-executable", "rotate-logs", because: "rotatelogs only runs with it")
        try requirePartner("startup-log-name", "startup-log", because: "no start-up log is written without it")
        let directory = try optionalPath("log-directory") ?? serverRoot
        func name(_ option: String) throws -> String {
            let value = try text(option)!
            if value.isEmpty || value.contains("/") {
                throw ExpressError("--\(option) \(value): a file name, without '/' (--log-directory says where)")
            }
            return value
        }
        let rotate = parsed.flag("rotate-logs")
        let rotatelogs = try path(parsed.string("rotatelogs-executable")!, "--rotatelogs-executable")
        if rotate && !host.isExecutable(rotatelogs) {
            throw ExpressError("--rotatelogs-executable \(rotatelogs): not an executable file")
        }
        var startupLog: String?
        if parsed.flag("startup-log") {
            startupLog = logToTerminal ? "/dev/stderr" : directory + "/" + (try name("startup-log-name"))
        }
        return ServerConfiguration.Logs(
            directory: directory, errorLogName: try name("error-log-name"), accessLogName: try name("access-log-name"),
            accessLogFormat: try text("access-log-format") ?? "common", errorLogFormat: try text("error-log-format"),
            rotate: rotate, maxSizeMB: try number("max-log-size", atLeast: 1), rotatelogs: rotatelogs,
            startupLog: startupLog)
    }
}
