/// Writing values into the generated bash script.
public enum ShellQuoting {
    /// `value` as one single-quoted shell word: nothing inside is expanded, and a single quote is
    /// written as `'\''` (close, escaped quote, reopen).
    public static func singleQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
