// Frame types and their payload limits (protocol/PROTOCOL.md, "Frames").

/// The wire protocol version this build speaks; both heads carry it.
public let wireProtocolVersion: UInt16 = 2

/// Every frame starts with this many header bytes: type, flags, reserved(2), length(4).
public let frameHeaderSize = 8

/// The size of a group's connection secret, which HELLO carries after the version.
public let connectionSecretSize = 32

/// The final statuses a response may carry; 1xx would let a worker speak HTTP on its own.
public let finalStatusRange = 200...599

public enum FrameType: UInt8, Sendable, CaseIterable {
    case requestHead = 0x01
    case requestBody = 0x02
    case requestEnd = 0x03
    case requestAbort = 0x04
    case hello = 0x05
    case responseHead = 0x81
    case responseBody = 0x82
    case responseEnd = 0x83
    case hookResult = 0x84
    case queueTimeout = 0x90
    case appLoadFailed = 0x91
    case shuttingDown = 0x92
    case requestTimeout = 0x93
    case scriptReloaded = 0x94
    case error = 0x9F

    /// The largest payload a frame of this type may carry.
    public var maximumPayload: Int {
        switch self {
        case .requestHead, .requestBody, .responseHead, .responseBody: return 1 << 20
        case .requestAbort, .appLoadFailed, .error: return 4096
        case .hello: return 2 + connectionSecretSize
        case .responseEnd: return 1
        case .hookResult: return 64 * 1024
        case .requestEnd, .queueTimeout, .shuttingDown, .requestTimeout, .scriptReloaded: return 0
        }
    }

    /// Body frames are never empty (an empty chunk would say nothing).
    var requiresPayload: Bool { self == .requestBody || self == .responseBody }

    /// Frames the module sends; the others come from the worker (ERROR goes both ways).
    public var isRequestDirection: Bool {
        switch self {
        case .hello, .requestHead, .requestBody, .requestEnd, .requestAbort, .error: return true
        default: return false
        }
    }

    public var isResponseDirection: Bool { !isRequestDirection || self == .error }

    public var name: String {
        switch self {
        case .requestHead: return "REQUEST_HEAD"
        case .requestBody: return "REQUEST_BODY"
        case .requestEnd: return "REQUEST_END"
        case .requestAbort: return "REQUEST_ABORT"
        case .hello: return "HELLO"
        case .responseHead: return "RESPONSE_HEAD"
        case .responseBody: return "RESPONSE_BODY"
        case .responseEnd: return "RESPONSE_END"
        case .hookResult: return "HOOK_RESULT"
        case .queueTimeout: return "QUEUE_TIMEOUT"
        case .appLoadFailed: return "APP_LOAD_FAILED"
        case .shuttingDown: return "SHUTTING_DOWN"
        case .requestTimeout: return "REQUEST_TIMEOUT"
        case .scriptReloaded: return "SCRIPT_RELOADED"
        case .error: return "ERROR"
        }
    }
}
