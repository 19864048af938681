/// Apache itself: MPM choice and sizing, request read timeouts, HTTP/2, process name, scripts.
public struct ApacheTuning: Equatable, Sendable {
    /// MPMs in order of preference; the first whose module file exists is loaded.
    public var mpms: [String] = ["event", "worker", "prefork"]
    public var initialWorkers: Double?
    public var minimumSpareWorkers: Double?
    public var maximumSpareWorkers: Double?
    public var headerTimeout = 15
    public var headerMaxTimeout = 30
    public var headerMinRate = 500
    public var bodyTimeout = 15
    public var bodyMaxTimeout = 0
    public var bodyMinRate = 500
    public var http2 = false
    public var processName: String?
    public var shellExecutable = "/usr/bin/bash"
    public var envvarsScript: String?

    public init() {}

    /// RequestReadTimeout's arguments, as mod_wsgi-express builds them.
    public var requestReadTimeout: String {
        var parts: [String] = []
        if headerTimeout > 0 {
            var part = "header=\(headerTimeout)"
            if headerMaxTimeout > 0 { part += "-\(headerMaxTimeout)" }
            if headerMinRate > 0 { part += ",MinRate=\(headerMinRate)" }
            parts.append(part)
        }
        if bodyTimeout > 0 {
            var part = "body=\(bodyTimeout)"
            if bodyMaxTimeout > 0 { part += "-\(bodyMaxTimeout)" }
            if bodyMinRate > 0 { part += ",MinRate=\(bodyMinRate)" }
            parts.append(part)
        }
        return parts.joined(separator: " ")
    }
}
