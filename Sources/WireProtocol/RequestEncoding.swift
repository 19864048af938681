// Encoding requests, the module's side of the wire. The worker never sends these; tests and tools
// use them to speak to a worker, and they produce the canonical form the vectors use.

public enum RequestEncoder {
    /// A REQUEST_HEAD frame: well-known keys by id, the rest spelled out, in the given order.
    public static func head(_ environ: [(String, String)]) -> [UInt8] {
        var payload: [UInt8] = []
        payload.appendLittleEndian(wireProtocolVersion)
        payload.appendLittleEndian(UInt16(environ.count))
        for (key, value) in environ {
            if let id = EnvironKeys.id(for: key) {
                payload.append(id)
            } else {
                payload.append(0)
                payload.appendLittleEndian(UInt16(key.utf8.count))
                payload.append(contentsOf: key.utf8)
            }
            // Values are Latin-1 on the wire, as Apache holds them.
            let bytes = value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            payload.appendLittleEndian(UInt32(bytes.count))
            payload.append(contentsOf: bytes)
        }
        var frame: [UInt8] = []
        FrameHeader(type: .requestHead, length: payload.count).encode(into: &frame)
        return frame + payload
    }

    /// REQUEST_BODY frames for `body` (split at 1 MiB), then REQUEST_END.
    public static func bodyAndEnd(_ body: [UInt8]) -> [UInt8] {
        var frames: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let count = min(FrameType.requestBody.maximumPayload, body.count - offset)
            FrameHeader(type: .requestBody, length: count).encode(into: &frames)
            frames.append(contentsOf: body[offset..<offset + count])
            offset += count
        }
        FrameHeader(type: .requestEnd, length: 0).encode(into: &frames)
        return frames
    }
}
