/// `--help` for `setup-server` and `start-server`: every option of the table, laid out as
/// optparse lays out mod_wsgi-express's, with each option's default and, for the options
/// mod_wsgi-swift refuses, why.
public enum OptionHelp {
    public static func text(command: String) -> String {
        var lines = [
            "Usage: mod_wsgi-express \(command) [options] [entry-point]",
            "",
            abstract(command),
            "",
            "Options:",
            row("-h, --help", "Show this help and exit."),
        ]
        for option in ExpressOptionTable.all {
            var help = option.help
            if let value = option.defaultValue, !value.isEmpty, option.treatment == .acts {
                help += " Default: \(value)."
            }
            if case .refused(let reason) = option.treatment {
                help += " Refused by mod_wsgi-swift: \(reason)."
            }
            lines.append(row(signature(option), help))
        }
        return lines.joined(separator: "\n")
    }

    static func abstract(_ command: String) -> String {
        command == "start-server"
            ? "Write the server root, then run Apache in the foreground in place of this command."
            : "Write httpd.conf, apachectl and the rest of the server root, without starting Apache."
    }

    static func signature(_ option: ExpressOption) -> String {
        switch option.arity {
        case .flag: return "--\(option.name)"
        case .one, .two: return "--\(option.name)=\(option.metavar)"
        }
    }

    /// The option in a 24-column gutter, the help wrapped at 79 columns beside it.
    static func row(_ left: String, _ help: String) -> String {
        let indent = String(repeating: " ", count: 24)
        var wrapped: [String] = []
        var line = ""
        for word in help.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > 79 - 24 {
                wrapped.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { wrapped.append(line) }
        let head = "  " + left
        var result: [String]
        if head.count <= 22 {
            result = [head.padding(toLength: 24, withPad: " ", startingAt: 0) + (wrapped.first ?? "")]
            wrapped = Array(wrapped.dropFirst())
        } else {
            result = [head]
        }
        result += wrapped.map { indent + $0 }
        return result.joined(separator: "\n")
    }
}
