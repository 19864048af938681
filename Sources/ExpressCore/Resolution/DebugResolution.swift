/// --debug-mode and its aids.
extension ResolutionContext {
    func debugging(serverRoot: String) throws -> ServerConfiguration.Debugging {
        var debug = ServerConfiguration.Debugging()
        let aids = ["enable-debugger", "enable-coverage", "enable-profiler", "enable-recorder", "enable-gdb"]
        debug.enabled = parsed.flag("debug-mode") || aids.contains(where: parsed.flag)
        try requirePartner("debugger-startup", "enable-debugger", because: "it says when to enter the debugger")
        try requirePartner("coverage-directory", "enable-coverage", because: "nothing is measured without it")
        try requirePartner("profiler-directory", "enable-profiler", because: "nothing is profiled without it")
        try requirePartner("recorder-directory", "enable-recorder", because: "nothing is recorded without it")
        try requirePartner("gdb-executable", "enable-gdb", because: "gdb only runs with it")
        try refuseTogether("debug-mode", "reload-on-changes",
                           because: "debug mode never reloads (mod_wsgi-express ignores the reloader there)")
        debug.debugger = parsed.flag("enable-debugger")
        debug.debuggerStartup = parsed.flag("debugger-startup")
        func directory(_ flag: String, _ option: String, _ fallback: String) throws -> String? {
            guard parsed.flag(flag) else { return nil }
            return try optionalPath(option) ?? serverRoot + "/" + fallback
        }
        debug.coverageDirectory = try directory("enable-coverage", "coverage-directory", "htmlcov")
        debug.profilerDirectory = try directory("enable-profiler", "profiler-directory", "pstats")
        debug.recorderDirectory = try directory("enable-recorder", "recorder-directory", "archive")
        if parsed.flag("enable-gdb") {
            let name = parsed.string("gdb-executable")!
            guard let gdb = PathResolution.executable(name, in: host) else {
                throw ExpressError("--gdb-executable \(name): not an executable file (install gdb)")
            }
            debug.gdbExecutable = gdb
        }
        return debug
    }
}
