/// What Apache serves besides the application, and how it reaches the application.
public struct Site: Equatable, Sendable {
    public struct Alias: Equatable, Sendable {
        public var url: String
        public var target: String
        /// A file is opened up by itself; anything else as a directory.
        public var isFile: Bool
    }

    /// --document-root; nil is SERVER-ROOT/htdocs.
    public var documentRoot: String?
    public var mountPoint = "/"
    public var directoryIndex: String?
    public var directoryListing = false
    public var allowOverride = "None"
    public var urlAliases: [Alias] = []
    public var errorDocuments: [(String, String)] = []
    public var errorOverride = false
    public var rewriteRules: String?
    public var handlerScripts: [(String, String)] = []
    public var withCGI = false
    public var serverStatus = false
    public var serverMetrics = false
    public var compressResponses = false
    public var enableSendfile = false
    public var setenv: [(String, String)] = []
    public var passenv: [String] = []
    public var proxyMountPoints: [(String, String)] = []
    public var proxyVirtualHosts: [(String, String)] = []
    public var proxyTimeout: Int?
    public var ignoreActivity: [String] = []
    public var mapHeadToGet = "Auto"
    public var hostAccessScript: String?
    public var authUserScript: String?
    public var authType = "Basic"
    public var authGroupScript: String?
    public var authGroup = "wsgi"
    public var trustedProxyHeaders: [String] = []
    public var trustedProxies: [String] = []
    public var pythonWarnings: [String] = []
    public var pythonEggs: String?
    public var orphanInterpreter = false
    public var verboseDebugging = false

    public init() {}

    public static func == (lhs: Site, rhs: Site) -> Bool {
        func same(_ a: [(String, String)], _ b: [(String, String)]) -> Bool {
            a.map { [$0.0, $0.1] } == b.map { [$0.0, $0.1] }
        }
        return lhs.documentRoot == rhs.documentRoot && lhs.mountPoint == rhs.mountPoint
            && lhs.directoryIndex == rhs.directoryIndex && lhs.directoryListing == rhs.directoryListing
            && lhs.allowOverride == rhs.allowOverride && lhs.urlAliases == rhs.urlAliases
            && same(lhs.errorDocuments, rhs.errorDocuments) && lhs.errorOverride == rhs.errorOverride
            && lhs.rewriteRules == rhs.rewriteRules && same(lhs.handlerScripts, rhs.handlerScripts)
            && lhs.withCGI == rhs.withCGI && lhs.serverStatus == rhs.serverStatus
            && lhs.serverMetrics == rhs.serverMetrics && lhs.compressResponses == rhs.compressResponses
            && lhs.enableSendfile == rhs.enableSendfile && same(lhs.setenv, rhs.setenv)
            && lhs.passenv == rhs.passenv && same(lhs.proxyMountPoints, rhs.proxyMountPoints)
            && same(lhs.proxyVirtualHosts, rhs.proxyVirtualHosts) && lhs.proxyTimeout == rhs.proxyTimeout
            && lhs.ignoreActivity == rhs.ignoreActivity && lhs.mapHeadToGet == rhs.mapHeadToGet
            && lhs.hostAccessScript == rhs.hostAccessScript && lhs.authUserScript == rhs.authUserScript
            && lhs.authType == rhs.authType && lhs.authGroupScript == rhs.authGroupScript
            && lhs.authGroup == rhs.authGroup && lhs.trustedProxyHeaders == rhs.trustedProxyHeaders
            && lhs.trustedProxies == rhs.trustedProxies && lhs.pythonWarnings == rhs.pythonWarnings
            && lhs.pythonEggs == rhs.pythonEggs && lhs.orphanInterpreter == rhs.orphanInterpreter
            && lhs.verboseDebugging == rhs.verboseDebugging
    }
}
