/// The daemon options beyond the ones every group gets: timeouts, buffers, switch interval.
extension ResolutionContext {
    func extraLimits(into limits: inout ServerConfiguration.DaemonLimits) throws {
        limits.interruptTimeout = try number("interrupt-timeout", atLeast: 0)
        limits.evictionTimeout = try number("eviction-timeout", atLeast: 0)
        limits.cpuTimeLimit = try number("cpu-time-limit", atLeast: 0)
        func buffer(_ name: String, minimum: Int) throws -> Int {
            let value = try number(name, atLeast: 0)
            if value != 0 && value < minimum {
                throw ExpressError("--\(name) \(value): must be 0 (the default) or at least \(minimum)")
            }
            return value
        }
        limits.sendBufferSize = try buffer("send-buffer-size", minimum: 512)
        limits.receiveBufferSize = try buffer("receive-buffer-size", minimum: 512)
        limits.headerBufferSize = try buffer("header-buffer-size", minimum: 8192)
        limits.responseBufferSize = try buffer("response-buffer-size", minimum: 65536)
        limits.responseSocketTimeout = try number("response-socket-timeout", atLeast: 0)
        limits.responseFlushDelay = try number("response-flush-delay", atLeast: 0)
        if let interval = parsed.double("switch-interval") {
            if interval <= 0 { throw ExpressError("--switch-interval \(interval): must be a positive number of seconds") }
            limits.switchInterval = interval
        }
    }
}
