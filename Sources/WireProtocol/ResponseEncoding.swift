// Encoding the worker's frames: the response head (validated as the module will re-check it),
// body, end and control frames. Everything appends to a caller-owned, reused byte buffer.

public let maximumReasonLength = 1024
public let maximumResponseHeaders = 1024
public let maximumHeaderNameLength = 1024
/// The longest header line (`name: value`) the module accepts by default (header-buffer-size).
public let maximumHeaderLine = 32768

/// Whether a header value or reason phrase holds a control character other than HTAB (0x00-0x1F,
/// 0x7F): the module refuses those, so the worker refuses them first, with the app's traceback.
@inline(__always)
func containsControlCharacter(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
}

/// Builds one RESPONSE_HEAD frame. Reuse one builder per thread: `reset` keeps the capacity.
public struct ResponseHeadBuilder {
    /// The whole frame, header included, once `finish()` has run.
    public private(set) var frame: [UInt8] = []
    public private(set) var headerCount = 0
    private var countOffset = 0

    public init() { frame.reserveCapacity(512) }

    /// Starts a head with this status code and reason phrase.
    public mutating func reset(status: Int, reason: UnsafeRawBufferPointer) throws {
        guard finalStatusRange.contains(status) else { throw WireProtocolError.badStatus(status) }
        guard reason.count <= maximumReasonLength else {
            throw WireProtocolError.badReasonPhrase("is longer than \(maximumReasonLength) bytes")
        }
        guard !containsControlCharacter(reason) else {
            throw WireProtocolError.badReasonPhrase("contains a control character other than HTAB")
        }
        frame.removeAll(keepingCapacity: true)
        FrameHeader(type: .responseHead, length: 0).encode(into: &frame)
        frame.appendLittleEndian(wireProtocolVersion)
        frame.appendLittleEndian(UInt16(status))
        frame.appendLittleEndian(UInt16(reason.count))
        frame.append(contentsOf: reason)
        countOffset = frame.count
        frame.appendLittleEndian(UInt16(0))
        headerCount = 0
    }

    public mutating func addHeader(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        guard headerCount < maximumResponseHeaders else { throw WireProtocolError.tooManyHeaders(headerCount + 1) }
        guard name.count >= 1 && name.count <= maximumHeaderNameLength, name.allSatisfy(isTokenByte) else {
            throw WireProtocolError.badHeaderName(String(decoding: name.prefix(64), as: UTF8.self))
        }
        guard !containsControlCharacter(value) else {
            throw WireProtocolError.badHeaderValue(name: String(decoding: name, as: UTF8.self))
        }
        guard name.count + 2 + value.count <= maximumHeaderLine else {
            throw WireProtocolError.headerTooLong(name: String(decoding: name, as: UTF8.self),
                                                  length: name.count + 2 + value.count)
        }
        let grown = frame.count - frameHeaderSize + 6 + name.count + value.count
        guard grown <= FrameType.responseHead.maximumPayload else {
            throw WireProtocolError.payloadTooLarge(type: "RESPONSE_HEAD", length: grown,
                                                    maximum: FrameType.responseHead.maximumPayload)
        }
        frame.appendLittleEndian(UInt16(name.count))
        frame.append(contentsOf: name)
        frame.appendLittleEndian(UInt32(value.count))
        frame.append(contentsOf: value)
        headerCount += 1
    }

    /// Patches the header count and the frame length; the frame is then ready to send.
    public mutating func finish() {
        frame.storeLittleEndian(UInt16(headerCount), at: countOffset)
        frame.storeLittleEndian(UInt32(frame.count - frameHeaderSize), at: 4)
    }

    /// Convenience for tests and tools.
    public static func encode(status: Int, reason: String, headers: [(String, String)]) throws -> [UInt8] {
        var builder = ResponseHeadBuilder()
        try Array(reason.utf8).withUnsafeBytes { try builder.reset(status: status, reason: $0) }
        for (name, value) in headers {
            try Array(name.utf8).withUnsafeBytes { nameBytes in
                try Array(value.utf8).withUnsafeBytes { try builder.addHeader(name: nameBytes, value: $0) }
            }
        }
        builder.finish()
        return builder.frame
    }
}

/// RFC 9110 tchar: the bytes allowed in a header field name.
@inline(__always)
public func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
         UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
         UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

public enum FrameEncoder {
    /// Appends RESPONSE_BODY frames for `bytes`, split at the 1 MiB payload limit. Empty input
    /// appends nothing (a body frame is never empty).
    public static func appendBody(_ bytes: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        var offset = 0
        let limit = FrameType.responseBody.maximumPayload
        while offset < bytes.count {
            let count = min(limit, bytes.count - offset)
            FrameHeader(type: .responseBody, length: count).encode(into: &buffer)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
            offset += count
        }
    }

    public static func appendEnd(aborted: Bool, to buffer: inout [UInt8]) {
        FrameHeader(type: .responseEnd, length: 1).encode(into: &buffer)
        buffer.append(aborted ? 1 : 0)
    }

    /// The outcomes of a HOOK_RESULT (PROTOCOL.md, "Hooks").
    public enum HookOutcome: UInt8, Sendable {
        case none = 0, yes = 1, no = 2, values = 3, failed = 4
    }

    /// A HOOK_RESULT frame. Nil when the values do not fit the frame's rules (at most 1024 of at
    /// most 4096 bytes each, no control character, 64 KiB in all): the caller answers FAILED.
    public static func hookResult(_ outcome: HookOutcome, values: [[UInt8]] = []) -> [UInt8]? {
        guard values.count <= 1024,
              values.allSatisfy({ $0.count <= 4096 && !$0.withUnsafeBytes(containsControlCharacter) }) else {
            return nil
        }
        var payload: [UInt8] = [outcome.rawValue]
        payload.appendLittleEndian(UInt16(values.count))
        for value in values {
            payload.appendLittleEndian(UInt16(value.count))
            payload.append(contentsOf: value)
        }
        guard payload.count <= FrameType.hookResult.maximumPayload else { return nil }
        var frame: [UInt8] = []
        FrameHeader(type: .hookResult, length: payload.count).encode(into: &frame)
        return frame + payload
    }

    /// A control frame; a message (for APP_LOAD_FAILED and ERROR) is cut to the 4 KiB limit on a
    /// UTF-8 boundary and flattened to one line.
    public static func appendControl(_ type: FrameType, message: String = "", to buffer: inout [UInt8]) {
        var text = Array(message.utf8.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 })
        if text.count > type.maximumPayload {
            var cut = type.maximumPayload
            while cut > 0 && (text[cut] & 0xC0) == 0x80 { cut -= 1 }
            text.removeSubrange(cut...)
        }
        FrameHeader(type: type, length: text.count).encode(into: &buffer)
        buffer.append(contentsOf: text)
    }
}
