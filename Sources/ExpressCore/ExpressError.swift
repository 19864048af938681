/// A failure mod_wsgi-express reports to the user: one line on stderr and an exit status.
public struct ExpressError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong, naming the option, file or value at fault.
    public let message: String
    /// 2 for bad options or an unusable environment (like optparse), 1 for failures while acting.
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
