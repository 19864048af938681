// Decoding what a worker sent, for tests and tools (the module's C code does the same in production).

public struct DecodedResponse: Equatable, Sendable {
    public var status: Int = 0
    public var reason: String = ""
    public var headers: [[String]] = []
    public var body: [UInt8] = []
    /// nil when no RESPONSE_END arrived, else whether it said "aborted".
    public var aborted: Bool?
    /// A HOOK_RESULT's outcome and values, when the worker answered a hook.
    public var hookOutcome: UInt8?
    public var hookValues: [String] = []
    /// A control frame sent instead of a head, with its message.
    public var control: FrameType?
    public var controlMessage: String = ""

    public init() {}

    /// Decodes a whole response byte stream (everything the worker wrote before closing).
    public static func decode(_ bytes: [UInt8]) throws -> DecodedResponse {
        var response = DecodedResponse()
        var offset = 0
        try bytes.withUnsafeBytes { all in
            while offset < all.count {
                guard all.count - offset >= frameHeaderSize else { throw WireProtocolError.truncatedHead("a frame header") }
                let header = try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: all[offset..<offset + frameHeaderSize]))
                offset += frameHeaderSize
                guard all.count - offset >= header.length else { throw WireProtocolError.truncatedHead("a frame payload") }
                let payload = UnsafeRawBufferPointer(rebasing: all[offset..<offset + header.length])
                offset += header.length
                switch header.type {
                case .responseHead: try response.decodeHead(payload)
                case .responseBody: response.body.append(contentsOf: payload)
                case .responseEnd:
                    guard payload.count == 1 else { throw WireProtocolError.badEndOutcome(payload.first ?? 0) }
                    guard payload[0] <= 1 else { throw WireProtocolError.badEndOutcome(payload[0]) }
                    response.aborted = payload[0] == 1
                case .hookResult: try response.decodeHookResult(payload)
                case .hello, .requestHead, .requestBody, .requestEnd, .requestAbort:
                    throw WireProtocolError.unexpectedFrame(expected: "a response frame", got: header.type.name)
                default:
                    response.control = header.type
                    response.controlMessage = String(decoding: payload, as: UTF8.self)
                }
            }
        }
        return response
    }

    /// PROTOCOL.md "Hooks": outcome (0..4), count (at most 1024), values (at most 4096 bytes, no
    /// control character).
    private mutating func decodeHookResult(_ payload: UnsafeRawBufferPointer) throws {
        guard payload.count >= 3 else { throw WireProtocolError.truncatedHead("a HOOK_RESULT outcome and count") }
        guard payload[0] <= 4 else { throw WireProtocolError.badEndOutcome(payload[0]) }
        let count = Int(payload.loadLittleEndianUInt16(at: 1))
        guard count <= 1024 else { throw WireProtocolError.tooManyHeaders(count) }
        var offset = 3
        for _ in 0..<count {
            guard payload.count - offset >= 2 else { throw WireProtocolError.truncatedHead("a HOOK_RESULT value length") }
            let length = Int(payload.loadLittleEndianUInt16(at: offset))
            offset += 2
            guard length <= 4096 else {
                throw WireProtocolError.payloadTooLarge(type: "HOOK_RESULT value", length: length, maximum: 4096)
            }
            guard payload.count - offset >= length else { throw WireProtocolError.truncatedHead("a HOOK_RESULT value") }
            let value = UnsafeRawBufferPointer(rebasing: payload[offset..<offset + length])
            guard !containsControlCharacter(value) else { throw WireProtocolError.badHeaderValue(name: "HOOK_RESULT value") }
            hookValues.append(String(decoding: value, as: UTF8.self))
            offset += length
        }
        guard offset == payload.count else { throw WireProtocolError.trailingBytes(payload.count - offset) }
        hookOutcome = payload[0]
    }

    private mutating func decodeHead(_ payload: UnsafeRawBufferPointer) throws {
        var offset = 0
        func take(_ count: Int) throws -> UnsafeRawBufferPointer {
            guard payload.count - offset >= count else { throw WireProtocolError.truncatedHead("a response head field") }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: payload[offset..<offset + count])
        }
        let version = try take(2).loadLittleEndianUInt16(at: 0)
        guard version == wireProtocolVersion else { throw WireProtocolError.versionMismatch(version) }
        status = Int(try take(2).loadLittleEndianUInt16(at: 0))
        let reasonLength = Int(try take(2).loadLittleEndianUInt16(at: 0))
        let reasonBytes = try take(reasonLength)
        guard finalStatusRange.contains(status) else { throw WireProtocolError.badStatus(status) }
        guard !containsControlCharacter(reasonBytes) else {
            throw WireProtocolError.badReasonPhrase("contains a control character other than HTAB")
        }
        reason = String(decoding: reasonBytes, as: UTF8.self)
        let count = Int(try take(2).loadLittleEndianUInt16(at: 0))
        guard count <= maximumResponseHeaders else { throw WireProtocolError.tooManyHeaders(count) }
        for _ in 0..<count {
            let nameLength = Int(try take(2).loadLittleEndianUInt16(at: 0))
            let nameBytes = try take(nameLength)
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard nameLength >= 1, nameBytes.allSatisfy(isTokenByte) else { throw WireProtocolError.badHeaderName(name) }
            let valueLength = Int(try take(4).loadLittleEndianUInt32(at: 0))
            let valueBytes = try take(valueLength)
            guard !containsControlCharacter(valueBytes) else {
                throw WireProtocolError.badHeaderValue(name: name)
            }
            guard nameLength + 2 + valueLength <= maximumHeaderLine else {
                throw WireProtocolError.headerTooLong(name: name, length: nameLength + 2 + valueLength)
            }
            let value = String(decoding: valueBytes, as: UTF8.self)
            headers.append([name, value])
        }
        guard offset == payload.count else { throw WireProtocolError.trailingBytes(payload.count - offset) }
    }
}
