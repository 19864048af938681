/// What every part of option resolution needs: the options, the host, and the checks that turn
/// a path or word from the command line into one that is safe to write into httpd.conf.
struct ResolutionContext {
    let options: ServerOptions
    let host: HostEnvironment

    var parsed: ParsedOptions { options.parsed }

    /// An absolute path, refused when Apache could not read it back exactly.
    func path(_ value: String, _ option: String) throws -> String {
        try Self.checkWritable(value, option)
        return PathResolution.absolute(value, from: host.currentDirectory)
    }

    /// The option's value as an absolute path, when given.
    func optionalPath(_ name: String) throws -> String? {
        try parsed.string(name).flatMap { $0.isEmpty ? nil : try path($0, "--" + name) }
    }

    /// An existing file named by an option.
    func existingFile(_ name: String) throws -> String? {
        guard let file = try optionalPath(name) else { return nil }
        if !host.fileExists(file) { throw ExpressError("--\(name) \(file): no such file") }
        return file
    }

    /// A value written into httpd.conf, quoted.
    func text(_ name: String) throws -> String? {
        guard let value = parsed.string(name) else { return nil }
        try Self.checkWritable(value, "--" + name)
        return value
    }

    func number(_ name: String, atLeast minimum: Int, atMost maximum: Int = Int(Int32.max)) throws -> Int {
        let value = parsed.int(name)!
        if value < minimum || value > maximum {
            throw ExpressError("--\(name) \(value): must be between \(minimum) and \(maximum)")
        }
        return value
    }

    /// `option` needs `partner`: mod_wsgi-express would accept it alone and do nothing.
    func requirePartner(_ option: String, _ partner: String, because reason: String) throws {
        if parsed.isGiven(option) && !parsed.isGiven(partner) {
            throw ExpressError("--\(option) needs --\(partner): \(reason)")
        }
    }

    func refuseTogether(_ one: String, _ other: String, because reason: String) throws {
        if parsed.isGiven(one) && parsed.isGiven(other) {
            throw ExpressError("--\(one) and --\(other) cannot be used together: \(reason)")
        }
    }

    static func checkWritable(_ value: String, _ option: String) throws {
        if let problem = ApacheQuoting.problem(in: value) {
            throw ExpressError("\(option) \(value.debugDescription): cannot be used because \(problem)")
        }
    }
}
