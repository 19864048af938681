// A daemon group's connection secret and the HELLO frame that presents it (protocol/PROTOCOL.md,
// "Who may talk to a worker").

public struct ConnectionSecret: Sendable, Equatable {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == connectionSecretSize else { return nil }
        self.bytes = bytes
    }

    /// From the 64 hex digits of the config text.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 2 * connectionSecretSize else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(connectionSecretSize)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.hexValue(digits[index]), let low = Self.hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What a HELLO payload says. The secret is compared in constant time: every byte is looked
    /// at whatever the first difference, so timing tells a peer nothing about how close it was.
    public func check(hello payload: UnsafeRawBufferPointer) -> HelloCheck {
        guard payload.count == 2 + connectionSecretSize else { return .malformed }
        let version = payload.loadLittleEndianUInt16(at: 0)
        guard version == wireProtocolVersion else { return .wrongVersion(version) }
        var difference: UInt8 = 0
        for index in 0..<connectionSecretSize {
            difference |= payload[2 + index] ^ bytes[index]
        }
        return difference == 0 ? .accepted : .wrongSecret
    }

    /// The whole HELLO frame presenting this secret, as the module sends it.
    public var helloFrame: [UInt8] {
        var frame: [UInt8] = []
        FrameHeader(type: .hello, length: 2 + connectionSecretSize).encode(into: &frame)
        frame.appendLittleEndian(wireProtocolVersion)
        frame.append(contentsOf: bytes)
        return frame
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

public enum HelloCheck: Equatable, Sendable {
    case accepted
    case wrongVersion(UInt16)
    case wrongSecret
    case malformed
}
