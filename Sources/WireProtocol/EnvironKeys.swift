// The well-known environ key ids of version 1 (PROTOCOL.md, "Well-known key ids").

public let maximumEnvironEntries = 4096
public let maximumKeyLength = 1024

public enum EnvironKeys {
    /// names[id] is the key for that id; index 0 is unused (0 means "spelled out").
    public static let names: [String] = [
        "",
        "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
        "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
        "SERVER_ADDR", "SERVER_ADMIN", "SERVER_SIGNATURE", "REMOTE_ADDR", "REMOTE_PORT",
        "REMOTE_USER", "AUTH_TYPE", "REQUEST_URI", "REQUEST_SCHEME", "DOCUMENT_ROOT",
        "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT", "SCRIPT_FILENAME", "HTTP_HOST", "HTTP_USER_AGENT",
        "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_LANGUAGE", "HTTP_CONNECTION", "HTTP_COOKIE",
        "HTTP_CACHE_CONTROL", "HTTP_PRAGMA", "HTTP_ORIGIN", "HTTP_UPGRADE_INSECURE_REQUESTS",
        "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REQUESTED_WITH",
        "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_AUTHORIZATION", "HTTPS",
        "mod_wsgi.process_group", "mod_wsgi.application_group", "mod_wsgi.callable_object",
        "mod_wsgi.request_handler", "mod_wsgi.handler_script", "mod_wsgi.script_reloading",
        "mod_wsgi.listener_host", "mod_wsgi.listener_port", "mod_wsgi.server_pid",
        "mod_wsgi.request_id", "mod_wsgi.connection_id", "mod_wsgi.script_name", "mod_wsgi.path_info",
        "mod_wsgi.enable_sendfile", "mod_wsgi.ignore_activity", "mod_wsgi.x-request_start_us",
        "mod_wsgi.x-queue_start_us", "mod_wsgi.x-queue_timeout", "HTTP_CONTENT_MD5",
    ]

    /// The highest id defined in version 1.
    public static var maximumID: UInt8 { UInt8(names.count - 1) }

    // Ids the worker reads itself.
    public static let requestMethod: UInt8 = 1
    public static let remoteAddr: UInt8 = 14
    public static let remotePort: UInt8 = 15
    public static let scriptFilename: UInt8 = 23
    public static let https: UInt8 = 41
    public static let processGroup: UInt8 = 42
    public static let applicationGroup: UInt8 = 43
    public static let callableObject: UInt8 = 44
    public static let handlerScript: UInt8 = 46
    public static let ignoreActivity: UInt8 = 56
    public static let scriptReloading: UInt8 = 47
    public static let requestStartMicros: UInt8 = 57
    public static let queueStartMicros: UInt8 = 58
    public static let queueTimeout: UInt8 = 59

    /// The id for `key`, or nil when it must be spelled out.
    public static func id(for key: String) -> UInt8? {
        idsByName[key]
    }

    /// The id whose name has exactly these bytes, or nil. Compares only names of the same length,
    /// so checking a spelled-out key costs no allocation.
    public static func id(matching bytes: UnsafeRawBufferPointer) -> UInt8? {
        guard bytes.count < namesByLength.count else { return nil }
        for id in namesByLength[bytes.count] where utf8Names[Int(id)].elementsEqual(bytes) {
            return id
        }
        return nil
    }

    /// True for `mod_wsgi.x-…` keys: worker control values that never reach the application.
    public static func isHidden(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= hiddenPrefix.count && hiddenPrefix.elementsEqual(bytes.prefix(hiddenPrefix.count))
    }

    public static func isHidden(id: UInt8) -> Bool {
        id >= requestStartMicros && id <= queueTimeout
    }

    static let hiddenPrefix = Array("mod_wsgi.x-".utf8)
    static let utf8Names: [[UInt8]] = names.map { Array($0.utf8) }
    static let idsByName: [String: UInt8] = {
        var table: [String: UInt8] = [:]
        for (index, name) in names.enumerated() where index > 0 { table[name] = UInt8(index) }
        return table
    }()
    static let namesByLength: [[UInt8]] = {
        let longest = names.map { $0.utf8.count }.max() ?? 0
        var table = [[UInt8]](repeating: [], count: longest + 1)
        for (index, name) in utf8Names.enumerated() where index > 0 { table[name.count].append(UInt8(index)) }
        return table
    }()
}
