/// What Apache serves besides the application, and how it reaches the application.
public struct Site: Equatable, Sendable {
    /// The two values of an option such as `--setenv NAME VALUE`, in the option's order.
    public struct Pair: Equatable, Sendable {
        public let first: String
        public let second: String

        public init(_ first: String, _ second: String) {
            self.first = first
            self.second = second
        }
    }

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
    public var errorDocuments: [Pair] = []
    public var errorOverride = false
    public var rewriteRules: String?
    public var handlerScripts: [Pair] = []
    public var withCGI = false
    public var serverStatus = false
    public var serverMetrics = false
    public var compressResponses = false
    public var enableSendfile = false
    public var setenv: [Pair] = []
    public var passenv: [String] = []
    public var proxyMountPoints: [Pair] = []
    public var proxyVirtualHosts: [Pair] = []
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
}
