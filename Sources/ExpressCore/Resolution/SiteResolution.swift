import Foundation

/// The application's type and mount, and what Apache serves beside it.
extension ResolutionContext {
    func applicationType() throws -> ServerConfiguration.ApplicationType {
        let value = parsed.string("application-type")!
        guard let type = ServerConfiguration.ApplicationType(rawValue: value) else {
            throw ExpressError("--application-type \(value): must be script, module, paste or static")
        }
        return type
    }

    func mountPoint() throws -> String {
        var mount = try text("mount-point") ?? "/"
        if !mount.hasPrefix("/") { mount = "/" + mount }
        mount = (mount as NSString).standardizingPath
        if mount.contains(where: { "*?[\"'".contains($0) || $0 == " " }) {
            throw ExpressError("--mount-point \(mount): must be a plain URL path")
        }
        return mount
    }

    func site(serverRoot: String, type: ServerConfiguration.ApplicationType) throws -> Site {
        var site = Site()
        site.documentRoot = try optionalPath("document-root")
        if type == .static && site.documentRoot == nil {
            // The entry point of a static site is its directory; none means the current one.
            site.documentRoot = try options.script.map { try path($0, "entry point") } ?? host.currentDirectory
        }
        // A document root that does not exist yet is created by the writer, as mod_wsgi-express does.
        site.mountPoint = try mountPoint()
        site.directoryIndex = try text("directory-index")
        site.directoryListing = parsed.flag("directory-listing")
        let overrides = try parsed.list("allow-override").map { value -> String in
            try Self.checkWord(value, "--allow-override")
            return value
        }
        site.allowOverride = overrides.isEmpty ? "None" : overrides.joined(separator: " ")
        site.urlAliases = try parsed.pairs("url-alias").map { url, target in
            try Self.checkURLPath(url, "--url-alias")
            let file = try path(target, "--url-alias")
            // Like mod_wsgi-express, a target that does not exist yet (a STATIC_ROOT before
            // collectstatic) is served as a directory; the writer says so.
            return Site.Alias(url: url, target: file, isFile: host.fileExists(file))
        }
        site.errorDocuments = try parsed.pairs("error-document").map { status, document in
            guard let code = Int(status), (400...599).contains(code) else {
                throw ExpressError("--error-document \(status): not an HTTP error status (400 to 599)")
            }
            try Self.checkWritable(document, "--error-document")
            return Site.Pair(status, document)
        }
        site.errorOverride = parsed.flag("error-override")
        site.rewriteRules = try existingFile("rewrite-rules")
        site.handlerScripts = try parsed.pairs("add-handler").map { ext, script in
            try Self.checkWord(ext, "--add-handler")
            let file = try path(script, "--add-handler")
            if !host.fileExists(file) { throw ExpressError("--add-handler \(ext) \(file): no such file") }
            return Site.Pair(ext, file)
        }
        site.withCGI = parsed.flag("with-cgi")
        site.serverStatus = parsed.flag("server-status")
        site.serverMetrics = parsed.flag("server-metrics")
        site.compressResponses = parsed.flag("compress-responses")
        site.enableSendfile = parsed.flag("enable-sendfile")
        site.setenv = try parsed.pairs("setenv").map { name, value in
            try Self.checkVariableName(name, "--setenv")
            try Self.checkWritable(value, "--setenv")
            return Site.Pair(name, value)
        }
        site.passenv = try parsed.list("passenv").map { name in
            try Self.checkVariableName(name, "--passenv")
            return name
        }
        site.proxyMountPoints = try parsed.pairs("proxy-mount-point").map { url, target in
            try Self.checkURLPath(url, "--proxy-mount-point")
            try Self.checkProxyTarget(target, "--proxy-mount-point")
            return Site.Pair(url, target)
        }
        site.proxyVirtualHosts = try parsed.pairs("proxy-virtual-host").map { name, target in
            _ = try Self.checkedHostName(name, "--proxy-virtual-host")
            try Self.checkProxyTarget(target, "--proxy-virtual-host")
            return Site.Pair(name, target)
        }
        if parsed.isGiven("proxy-timeout") {
            site.proxyTimeout = try number("proxy-timeout", atLeast: 1)
            if site.proxyMountPoints.isEmpty && site.proxyVirtualHosts.isEmpty {
                throw ExpressError("--proxy-timeout needs --proxy-mount-point or --proxy-virtual-host: "
                                   + "there is nothing else it applies to")
            }
        }
        site.ignoreActivity = try parsed.list("ignore-activity").map { url in
            try Self.checkURLPath(url, "--ignore-activity")
            return url
        }
        let headToGet = parsed.string("map-head-to-get")!
        guard ["on", "off", "auto"].contains(headToGet.lowercased()) else {
            throw ExpressError("--map-head-to-get \(headToGet): must be On, Off or Auto")
        }
        site.mapHeadToGet = headToGet
        site.hostAccessScript = try existingFile("host-access-script")
        site.authUserScript = try existingFile("auth-user-script")
        site.authGroupScript = try existingFile("auth-group-script")
        let authType = parsed.string("auth-type")!
        guard ["Basic", "Digest"].contains(authType) else {
            throw ExpressError("--auth-type \(authType): must be Basic or Digest")
        }
        site.authType = authType
        site.authGroup = try text("auth-group")!
        try requirePartner("auth-group-script", "auth-user-script",
                           because: "groups are only checked for users the user script has authenticated")
        try requirePartner("auth-type", "auth-user-script", because: "there is no authentication without it")
        try requirePartner("auth-group", "auth-group-script", because: "there is nothing to check the group with")
        site.trustedProxyHeaders = try parsed.list("trust-proxy-header").map { name in
            try Self.checkVariableName(name, "--trust-proxy-header")
            return name
        }
        site.trustedProxies = try parsed.list("trust-proxy").map { value in
            try Self.checkWord(value, "--trust-proxy")
            return value
        }
        try requirePartner("trust-proxy", "trust-proxy-header",
                           because: "it says whose headers to trust, and no header is named")
        site.pythonWarnings = try parsed.list("python-warnings").map { value in
            try Self.checkWritable(value, "--python-warnings")
            return value
        }
        site.pythonEggs = try optionalPath("python-eggs") ?? serverRoot + "/python-eggs"
        site.orphanInterpreter = parsed.flag("orphan-interpreter")
        site.verboseDebugging = parsed.flag("verbose-debugging")
        return site
    }

    static func checkURLPath(_ value: String, _ option: String) throws {
        if !value.hasPrefix("/") || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) {
            throw ExpressError("\(option) \(value): a URL path must start with / and have no spaces or quotes")
        }
        try checkWritable(value, option)
    }

    static func checkWord(_ value: String, _ option: String) throws {
        try checkWritable(value, option)
        if value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\\" }) {
            throw ExpressError("\(option) \(value): must be a single word")
        }
    }

    static func checkVariableName(_ value: String, _ option: String) throws {
        let ok = !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
        if !ok { throw ExpressError("\(option) \(value): not a variable or header name") }
    }

    static func checkProxyTarget(_ value: String, _ option: String) throws {
        try checkWord(value, option)
        if !(value.hasPrefix("http://") || value.hasPrefix("https://") || value.hasPrefix("unix:")
             || value.hasPrefix("ws://") || value.hasPrefix("wss://")) {
            throw ExpressError("\(option) \(value): the target must be an http://, https://, ws:// or unix: URL")
        }
    }
}
