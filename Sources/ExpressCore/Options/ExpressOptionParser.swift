/// Parses `setup-server`/`start-server` arguments the way Python's optparse does for
/// mod_wsgi-express: `--name VALUE`, `--name=VALUE`, a unique prefix of a name, `--` to end the
/// options, positional arguments anywhere. Values are checked against the option's type here;
/// what they mean is checked by `ServerConfiguration.resolve`.
public enum ExpressOptionParser {
    public enum Outcome: Equatable {
        case options(ParsedOptions)
        /// `-h` or `--help` was given.
        case help
    }

    public static func parse(_ arguments: [String]) throws -> Outcome {
        var parsed = ParsedOptions()
        var index = 0
        func usage(_ message: String) -> ExpressError { ExpressError(message) }

        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                parsed.positional += arguments[index...]
                break
            }
            if argument == "-h" || argument == "--help" { return .help }
            guard argument.hasPrefix("--") && argument.count > 2 else {
                if argument.hasPrefix("-") && argument.count > 1 {
                    throw usage("no such option: \(argument)")
                }
                parsed.positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var attached: String?
            if let equals = name.firstIndex(of: "=") {
                attached = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            let option = try match(name)
            let spelled = "--" + option.name
            var values: [String] = []
            switch option.arity {
            case .flag:
                if attached != nil { throw usage("\(spelled) option does not take a value") }
            case .one:
                if let attached {
                    values = [attached]
                } else {
                    guard index < arguments.count else { throw usage("\(spelled) option requires 1 argument") }
                    values = [arguments[index]]
                    index += 1
                }
            case .two:
                if let attached { values = [attached] }
                while values.count < 2 {
                    guard index < arguments.count else { throw usage("\(spelled) option requires 2 arguments") }
                    values.append(arguments[index])
                    index += 1
                }
            }
            if case .one(let type) = option.arity {
                try checkType(values[0], type, spelled)
            }
            parsed.record(option, values)
        }
        return .options(parsed)
    }

    /// The option named exactly, or the only one the name is a prefix of.
    static func match(_ name: String) throws -> ExpressOption {
        if let exact = ExpressOptionTable.option(name) { return exact }
        let candidates = ExpressOptionTable.all.filter { $0.name.hasPrefix(name) }
        switch candidates.count {
        case 1: return candidates[0]
        case 0: throw ExpressError("no such option: --\(name)")
        default:
            let names = candidates.map { "--" + $0.name }.joined(separator: ", ")
            throw ExpressError("ambiguous option: --\(name) (\(names)?)")
        }
    }

    static func checkType(_ value: String, _ type: ExpressOption.ValueType, _ spelled: String) throws {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        switch type {
        case .string:
            return
        case .int:
            if Int(trimmed) == nil {
                throw ExpressError("option \(spelled): invalid integer value: '\(value)'")
            }
        case .float:
            if Double(trimmed) == nil {
                throw ExpressError("option \(spelled): invalid floating-point value: '\(value)'")
            }
        case .fraction:
            guard let number = Double(trimmed) else {
                throw ExpressError("option \(spelled): invalid floating-point value: '\(value)'")
            }
            if number < 0 || number > 1 {
                throw ExpressError("\(spelled) option value needs to be within the range 0 to 1")
            }
        }
    }
}

/// What was given on the command line, by canonical option name, plus the positional arguments.
/// Reading an option that was not given yields mod_wsgi-express's default.
public struct ParsedOptions: Equatable, Sendable {
    /// Each occurrence's values, in order.
    public private(set) var given: [String: [[String]]] = [:]
    /// The names as typed (aliases kept), in order, for refusals that name what the user typed.
    public private(set) var typed: [String] = []
    public var positional: [String] = []

    public init() {}

    mutating func record(_ option: ExpressOption, _ values: [String]) {
        given[option.canonicalName, default: []].append(values)
        typed.append(option.name)
    }

    public func isGiven(_ name: String) -> Bool { given[checked(name)] != nil }

    /// The last value given, else the default.
    public func string(_ name: String) -> String? {
        given[checked(name)]?.last?.first ?? ExpressOptionTable.option(name)?.defaultValue
    }

    public func int(_ name: String) -> Int? {
        string(name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    public func double(_ name: String) -> Double? {
        string(name).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    public func flag(_ name: String) -> Bool { given[checked(name)] != nil }

    /// Every value of a repeatable one-value option.
    public func list(_ name: String) -> [String] { (given[checked(name)] ?? []).map { $0[0] } }

    /// Every pair of a repeatable two-value option.
    public func pairs(_ name: String) -> [(String, String)] {
        (given[checked(name)] ?? []).map { ($0[0], $0[1]) }
    }

    /// Names used by the code must be in the table; a typo would otherwise read as "not given".
    private func checked(_ name: String) -> String {
        precondition(ExpressOptionTable.option(name) != nil, "unknown option name \(name)")
        return name
    }
}
