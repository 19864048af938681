/// HTTPS and the names the site answers to.
extension ResolutionContext {
    func tls(httpPort: Int) throws -> ServerConfiguration.TLS? {
        let certificateOptions = ["ssl-certificate-file", "ssl-certificate-key-file", "ssl-certificate",
                                  "ssl-ca-certificate-file", "ssl-certificate-chain-file", "ssl-verify-client",
                                  "ssl-environment", "https-only", "hsts-policy"]
        guard parsed.isGiven("https-port") else {
            if let given = certificateOptions.first(where: parsed.isGiven) {
                throw ExpressError("--\(given) needs --https-port: without it there is no HTTPS listener")
            }
            return nil
        }
        let port = try number("https-port", atLeast: 1, atMost: 65535)
        if port == httpPort { throw ExpressError("--https-port \(port): the same port as --port") }
        var certificate = try optionalPath("ssl-certificate-file")
        var key = try optionalPath("ssl-certificate-key-file")
        if let common = try optionalPath("ssl-certificate") {
            try refuseTogether("ssl-certificate", "ssl-certificate-file", because: "both name the certificate")
            try refuseTogether("ssl-certificate", "ssl-certificate-key-file", because: "both name the key")
            certificate = common + ".crt"
            key = common + ".key"
        }
        guard let certificate, let key else {
            throw ExpressError("--https-port needs a certificate and its key: --ssl-certificate-file and "
                               + "--ssl-certificate-key-file, or --ssl-certificate PATH for PATH.crt and PATH.key")
        }
        for (file, what) in [(certificate, "certificate"), (key, "key")] where !host.fileExists(file) {
            throw ExpressError("SSL \(what) \(file): no such file")
        }
        let ca = try existingFile("ssl-ca-certificate-file")
        let urls = try parsed.list("ssl-verify-client").map { url -> String in
            try Self.checkURLPath(url, "--ssl-verify-client")
            return url
        }
        try requirePartner("ssl-verify-client", "ssl-ca-certificate-file",
                           because: "client certificates are checked against those CA certificates")
        try requirePartner("hsts-policy", "https-only",
                           because: "the policy is sent only when plain HTTP is redirected to HTTPS")
        return ServerConfiguration.TLS(
            port: port, certificateFile: certificate, keyFile: key,
            chainFile: try existingFile("ssl-certificate-chain-file"), caCertificateFile: ca,
            verifyClientURLs: ca == nil ? [] : (urls.isEmpty ? ["/"] : urls.sorted(by: >)),
            passEnvironment: parsed.flag("ssl-environment"), httpsOnly: parsed.flag("https-only"),
            hstsPolicy: try text("hsts-policy"))
    }

    func siteName() throws -> (name: String?, aliases: [String], allowLocalhost: Bool) {
        let name = try parsed.string("server-name").map { try Self.checkedHostName($0, "--server-name") }
        let aliases = try parsed.list("server-alias").map { try Self.checkedHostName($0, "--server-alias") }
        try requirePartner("server-alias", "server-name", because: "an alias is another name of the server name's site")
        try requirePartner("allow-localhost", "server-name",
                           because: "without a server name every host name, localhost included, is answered")
        return (name, aliases, parsed.flag("allow-localhost"))
    }

    static func checkedHostName(_ value: String, _ option: String) throws -> String {
        let ok = !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-*_:".contains($0)) }
        if !ok { throw ExpressError("\(option) \(value): not a host name") }
        return value
    }
}
