/// Apache itself: MPM, worker shares, request read timeouts, HTTP/2, process name, scripts.
extension ResolutionContext {
    func apacheTuning() throws -> ApacheTuning {
        var tuning = ApacheTuning()
        let mpms = parsed.list("server-mpm")
        if let bad = mpms.first(where: { !["event", "worker", "prefork"].contains($0) }) {
            throw ExpressError("--server-mpm \(bad): must be event, worker or prefork")
        }
        if !mpms.isEmpty { tuning.mpms = mpms }
        tuning.initialWorkers = parsed.double("initial-workers")
        tuning.minimumSpareWorkers = parsed.double("minimum-spare-workers")
        tuning.maximumSpareWorkers = parsed.double("maximum-spare-workers")
        tuning.headerTimeout = try number("header-timeout", atLeast: 0)
        tuning.headerMaxTimeout = try number("header-max-timeout", atLeast: 0)
        tuning.headerMinRate = try number("header-min-rate", atLeast: 0)
        tuning.bodyTimeout = try number("body-timeout", atLeast: 0)
        tuning.bodyMaxTimeout = try number("body-max-timeout", atLeast: 0)
        tuning.bodyMinRate = try number("body-min-rate", atLeast: 0)
        if tuning.headerMaxTimeout > 0 && tuning.headerMaxTimeout < tuning.headerTimeout {
            throw ExpressError("--header-max-timeout \(tuning.headerMaxTimeout): must not be below --header-timeout")
        }
        if tuning.bodyMaxTimeout > 0 && tuning.bodyMaxTimeout < tuning.bodyTimeout {
            throw ExpressError("--body-max-timeout \(tuning.bodyMaxTimeout): must not be below --body-timeout")
        }
        tuning.http2 = parsed.flag("http2")
        if let name = parsed.string("process-name") {
            try Self.checkWord(name, "--process-name")
            tuning.processName = name
        }
        tuning.shellExecutable = try path(parsed.string("shell-executable")!, "--shell-executable")
        if tuning.shellExecutable.contains(where: { $0 == " " || $0 == "\t" }) {
            throw ExpressError("--shell-executable \(tuning.shellExecutable): a #! line cannot name a path with spaces")
        }
        if !host.isExecutable(tuning.shellExecutable) {
            throw ExpressError("--shell-executable \(tuning.shellExecutable): not an executable file")
        }
        tuning.envvarsScript = try existingFile("envvars-script")
        return tuning
    }

    /// The daemon options mod_wsgi-express passes beyond the ones every group gets.
}
