/// One option of `setup-server` and `start-server`, as mod_wsgi 6's express names it.
public struct ExpressOption: Sendable {
    /// What follows the option on the command line.
    public enum Arity: Sendable, Equatable {
        /// `--name`, nothing follows.
        case flag
        /// `--name VALUE`.
        case one(ValueType)
        /// `--name FIRST SECOND`, as `--url-alias URL-PATH DIRECTORY`.
        case two
    }

    public enum ValueType: Sendable, Equatable {
        case string
        case int
        /// A fraction from 0 to 1.
        case fraction
        case float
    }

    /// Whether the option does something here.
    public enum Treatment: Sendable, Equatable {
        case acts
        /// Another spelling of the option named (`--ssl-port` is `--https-port`).
        case aliasOf(String)
        /// Accepted by mod_wsgi-express but refused here, with the reason.
        case refused(String)
    }

    /// Without the leading dashes.
    public let name: String
    public let arity: Arity
    /// Every occurrence is kept, in order (`action='append'`); otherwise the last one wins.
    public let repeatable: Bool
    /// mod_wsgi-express's default, as text; nil when it has none.
    public let defaultValue: String?
    public let metavar: String
    public let help: String
    public let treatment: Treatment

    public init(_ name: String, _ arity: Arity, repeatable: Bool = false, default defaultValue: String? = nil,
                metavar: String = "", treatment: Treatment = .acts, _ help: String) {
        self.name = name
        self.arity = arity
        self.repeatable = repeatable
        self.defaultValue = defaultValue
        self.metavar = metavar
        self.help = help
        self.treatment = treatment
    }

    /// The name options are stored under: the option itself, or the one it is an alias of.
    public var canonicalName: String {
        if case .aliasOf(let other) = treatment { return other }
        return name
    }
}
