// <WSGIInterpreterOptions> as the supervisor config carries it (PROTOCOL.md, "Interpreter
// options"): one line per setting, "interpreter-options INDEX PROCESS APPLICATION KEY VALUE".

/// One container: the interpreters it is for and what it sets for them.
public struct InterpreterOptions: Sendable, Equatable {
    /// Its place in the configuration: of two equally specific containers the later wins.
    public var index: Int
    /// nil matches any; "" is %{GLOBAL} (for a process group: none, which never happens here).
    public var processGroup: String?
    /// nil matches any; "" is %{GLOBAL}, the main interpreter.
    public var applicationGroup: String?
    public var pythonPath: [String] = []
    public var switchInterval: Double?
    public var restrictStdin: Bool?
    public var restrictStdout: Bool?
    public var restrictSignal: Bool?

    public init(index: Int, processGroup: String?, applicationGroup: String?) {
        self.index = index
        self.processGroup = processGroup
        self.applicationGroup = applicationGroup
    }

    /// How many selectors it names: the more, the more it wins.
    public var specificity: Int { (processGroup == nil ? 0 : 1) + (applicationGroup == nil ? 0 : 1) }

    public func matches(processGroup group: String, applicationGroup application: String) -> Bool {
        (processGroup == nil || processGroup == group) && (applicationGroup == nil || applicationGroup == application)
    }

    /// The containers that apply to an interpreter, least winning first.
    public static func layers(_ all: [InterpreterOptions], processGroup: String,
                              applicationGroup: String) -> [InterpreterOptions] {
        all.filter { $0.matches(processGroup: processGroup, applicationGroup: applicationGroup) }
            .sorted { ($0.specificity, $0.index) < ($1.specificity, $1.index) }
    }

    // MARK: the config lines

    static let key = "interpreter-options"

    /// Takes the value of one "interpreter-options" line into `all`; false when it is malformed.
    static func parse(_ value: String, into all: inout [InterpreterOptions]) -> Bool {
        let fields = value.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, let index = Int(fields[0]), index >= 0 else { return false }
        func selector(_ text: String) -> String?? {
            text == "*" ? .some(nil) : text == "%{GLOBAL}" ? .some("") : text.isEmpty ? nil : .some(text)
        }
        guard let process = selector(fields[1]), let application = selector(fields[2]) else { return false }
        var options = all.first { $0.index == index } ?? InterpreterOptions(index: index, processGroup: process,
                                                                             applicationGroup: application)
        guard options.processGroup == process, options.applicationGroup == application else { return false }
        let flag: Bool? = fields[4] == "1" ? true : fields[4] == "0" ? false : nil
        switch fields[3] {
        case "python-path":
            options.pythonPath = DaemonGroupConfig.pathList(fields[4])
        case "switch-interval":
            guard let seconds = Double(fields[4]), seconds > 0 else { return false }
            options.switchInterval = seconds
        case "restrict-stdin":
            guard let flag else { return false }
            options.restrictStdin = flag
        case "restrict-stdout":
            guard let flag else { return false }
            options.restrictStdout = flag
        case "restrict-signal":
            guard let flag else { return false }
            options.restrictSignal = flag
        default:
            return false
        }
        all.removeAll { $0.index == index }
        all.append(options)
        all.sort { $0.index < $1.index }
        return true
    }

    /// The lines `parse` reads back.
    var lines: [String] {
        func selector(_ value: String?) -> String { value.map { $0.isEmpty ? "%{GLOBAL}" : $0 } ?? "*" }
        let prefix = "\(Self.key) \(index) \(selector(processGroup)) \(selector(applicationGroup))"
        func flag(_ name: String, _ value: Bool?) -> [String] { value.map { ["\(prefix) \(name) \($0 ? 1 : 0)"] } ?? [] }
        var out: [String] = []
        if !pythonPath.isEmpty { out.append("\(prefix) python-path \(pythonPath.joined(separator: ":"))") }
        if let switchInterval { out.append("\(prefix) switch-interval \(switchInterval)") }
        return out + flag("restrict-stdin", restrictStdin) + flag("restrict-stdout", restrictStdout)
            + flag("restrict-signal", restrictSignal)
    }
}
