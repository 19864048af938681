/// Values written into the generated Python scripts as literals Python reads back exactly.
enum PythonLiteral {
    static func string(_ value: String) -> String {
        var result = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "'"
    }

    static func optional(_ value: String?) -> String { value.map(string) ?? "None" }

    static func bool(_ value: Bool) -> String { value ? "True" : "False" }

    static func pairs(_ values: [(String, String)]) -> String {
        "[" + values.map { "(\(string($0.0)), \(string($0.1)))" }.joined(separator: ", ") + "]"
    }
}
