#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, described for the error log: what we tried, then errno's text and number.
struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    var description: String { "\(operation): \(String(cString: strerror(code))) (errno \(code))" }
}
