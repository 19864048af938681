// The fixed 8-byte frame header: validated before any payload is read or allocated.

public struct FrameHeader: Equatable, Sendable {
    public var type: FrameType
    public var length: Int

    public init(type: FrameType, length: Int) {
        self.type = type
        self.length = length
    }

    /// Decodes and checks a header: known type, zero flags and reserved bits, length within the
    /// type's maximum (so a hostile length never reaches an allocation).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> FrameHeader {
        precondition(bytes.count >= frameHeaderSize)
        guard let type = FrameType(rawValue: bytes[0]) else { throw WireProtocolError.unknownFrameType(bytes[0]) }
        guard bytes[1] == 0 else { throw WireProtocolError.nonZeroFlags(bytes[1]) }
        guard bytes[2] == 0, bytes[3] == 0 else { throw WireProtocolError.nonZeroReserved }
        let length = Int(bytes.loadLittleEndianUInt32(at: 4))
        guard length <= type.maximumPayload else {
            throw WireProtocolError.payloadTooLarge(type: type.name, length: length, maximum: type.maximumPayload)
        }
        if length == 0 && type.requiresPayload { throw WireProtocolError.emptyPayload(type: type.name) }
        return FrameHeader(type: type, length: length)
    }

    /// Appends the 8 header bytes to `buffer`.
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(type.rawValue)
        buffer.append(0)
        buffer.append(0)
        buffer.append(0)
        buffer.appendLittleEndian(UInt32(length))
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func loadLittleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    @inline(__always)
    func loadLittleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    @inline(__always)
    mutating func appendLittleEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Overwrites 2 bytes at `offset` (used to patch counts once they are known).
    mutating func storeLittleEndian(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    mutating func storeLittleEndian(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }
}
