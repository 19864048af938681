// Everything the codec can reject, each with a message that names the cause.

public enum WireProtocolError: Error, Equatable, CustomStringConvertible {
    case unknownFrameType(UInt8)
    case nonZeroFlags(UInt8)
    case nonZeroReserved
    case payloadTooLarge(type: String, length: Int, maximum: Int)
    case emptyPayload(type: String)
    case versionMismatch(UInt16)
    case truncatedHead(String)
    case trailingBytes(Int)
    case tooManyEntries(Int)
    case unknownKeyID(UInt8)
    case badKeyLength(Int)
    case spelledOutWellKnownKey(String)
    case duplicateKey(String)
    case badStatus(Int)
    case badReasonPhrase(String)
    case tooManyHeaders(Int)
    case badHeaderName(String)
    case badHeaderValue(name: String)
    case headerTooLong(name: String, length: Int)
    case badEndOutcome(UInt8)
    case unexpectedFrame(expected: String, got: String)
    case connectionClosed(String)
    case io(operation: String, errno: Int32)
    case timedOut(String)

    public var description: String {
        switch self {
        case .unknownFrameType(let type): return "unknown frame type 0x\(String(type, radix: 16))"
        case .nonZeroFlags(let flags): return "frame flags must be 0, got \(flags)"
        case .nonZeroReserved: return "frame reserved bytes must be 0"
        case .payloadTooLarge(let type, let length, let maximum):
            return "\(type) payload of \(length) bytes exceeds the maximum of \(maximum)"
        case .emptyPayload(let type): return "\(type) payload must not be empty"
        case .versionMismatch(let version):
            return "protocol version mismatch: peer speaks version \(version), this worker speaks \(wireProtocolVersion)"
        case .truncatedHead(let what): return "request head truncated while reading \(what)"
        case .trailingBytes(let count): return "request head has \(count) bytes after its last entry"
        case .tooManyEntries(let count): return "request head has \(count) entries, the maximum is \(maximumEnvironEntries)"
        case .unknownKeyID(let id): return "request head uses unknown key id \(id)"
        case .badKeyLength(let length): return "request head key length \(length) is outside 1..\(maximumKeyLength)"
        case .spelledOutWellKnownKey(let key): return "request head spells out '\(key)', which has a key id"
        case .duplicateKey(let key): return "request head repeats the key '\(key)'"
        case .badStatus(let status):
            return "response status \(status) is not a final status (\(finalStatusRange.lowerBound)..\(finalStatusRange.upperBound))"
        case .badReasonPhrase(let why): return "response reason phrase \(why)"
        case .tooManyHeaders(let count): return "response has \(count) headers, the maximum is \(maximumResponseHeaders)"
        case .badHeaderName(let name): return "response header name '\(name)' is not a valid token"
        case .badHeaderValue(let name): return "response header '\(name)' value contains a control character other than HTAB"
        case .headerTooLong(let name, let length):
            return "response header '\(name)' line is \(length) bytes, above the limit of \(maximumHeaderLine)"
        case .badEndOutcome(let outcome): return "RESPONSE_END outcome must be 0 or 1, got \(outcome)"
        case .unexpectedFrame(let expected, let got): return "expected \(expected), got \(got)"
        case .connectionClosed(let when): return "connection closed by peer \(when)"
        case .io(let operation, let code): return "\(operation) failed: \(errnoText(code))"
        case .timedOut(let operation): return "\(operation) timed out"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}
