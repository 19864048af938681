/// Writing values into an Apache configuration file so that Apache reads back exactly the value.
///
/// Apache's word parser (ap_getword_conf) honours two escapes inside a quoted word: a backslash
/// before the quote character and a doubled backslash. Quoting every value and escaping both is
/// therefore exact for any text, except what Apache handles before words are split: line breaks
/// and NUL end the line, and `${NAME}` is replaced by a define or environment variable anywhere on
/// the line, with no escape. Such values are refused by `problem(in:)`.
public enum ApacheQuoting {
    /// `value` in double quotes, for directive arguments: `"/srv/my \"app\""`.
    public static func doubleQuoted(_ value: String) -> String {
        quoted(value, with: "\"")
    }

    /// `value` in single quotes, the form mod_wsgi-express uses for `name='value'` options.
    public static func singleQuoted(_ value: String) -> String {
        quoted(value, with: "'")
    }

    /// Why `value` cannot be written into the configuration, or nil when it can.
    public static func problem(in value: String) -> String? {
        if value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            return "it contains a line break or NUL character"
        }
        if value.contains("${") {
            return "it contains '${', which Apache would replace with a variable"
        }
        return nil
    }

    private static func quoted(_ value: String, with quote: Character) -> String {
        var result = String(quote)
        for character in value {
            if character == "\\" || character == quote {
                result.append("\\")
            }
            result.append(character)
        }
        result.append(quote)
        return result
    }
}
