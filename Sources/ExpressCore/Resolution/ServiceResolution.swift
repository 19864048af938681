/// --service-script and its user, group and log file.
extension ResolutionContext {
    func services(user: String, group: String) throws -> [ServerConfiguration.Service] {
        let users = Dictionary(parsed.pairs("service-user"), uniquingKeysWith: { $1 })
        let groups = Dictionary(parsed.pairs("service-group"), uniquingKeysWith: { $1 })
        let logs = Dictionary(parsed.pairs("service-log-file"), uniquingKeysWith: { $1 })
        let scripts = parsed.pairs("service-script")
        let names = Set(scripts.map(\.0))
        for (option, table) in [("service-user", users), ("service-group", groups), ("service-log-file", logs)] {
            if let stray = table.keys.sorted().first(where: { !names.contains($0) }) {
                throw ExpressError("--\(option) \(stray): no --service-script is named \(stray)")
            }
        }
        return try scripts.map { name, script in
            try Self.checkWord(name, "--service-script")
            let file = try path(script, "--service-script")
            if !host.fileExists(file) { throw ExpressError("--service-script \(name) \(file): no such file") }
            if let logFile = logs[name], logFile.contains("/") || logFile.isEmpty {
                throw ExpressError("--service-log-file \(name) \(logFile): a file name, without '/'")
            }
            let serviceUser = users[name] ?? user
            let serviceGroup = groups[name] ?? group
            try Self.checkWord(serviceUser, "--service-user")
            try Self.checkWord(serviceGroup, "--service-group")
            return ServerConfiguration.Service(name: name, script: file, user: serviceUser, group: serviceGroup,
                                               logFile: logs[name])
        }
    }
}
