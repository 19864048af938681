// Decoding a REQUEST_HEAD payload into environ entries that point into the payload buffer.

/// One environ entry: offsets into the decoded payload, so no per-entry allocation.
public struct EnvironEntry: Equatable, Sendable {
    /// 1..255 for a well-known key, 0 when the key is spelled out at keyOffset.
    public var keyID: UInt8
    public var keyOffset: Int
    public var keyLength: Int
    public var valueOffset: Int
    public var valueLength: Int
}

/// Decodes request heads. Keep one per connection-handling thread: its arrays are reused, so a
/// steady-state request allocates nothing here.
public struct RequestHeadDecoder {
    public private(set) var entries: [EnvironEntry] = []
    /// Entry index + 1 for each well-known id seen in the last head (0 = absent).
    private var slotByID = [Int32](repeating: 0, count: 256)
    /// Open-addressed table of entry index + 1 for spelled-out keys (duplicate detection).
    private var spelledTable: [Int32] = []

    public init() {
        entries.reserveCapacity(64)
    }

    /// Validates `payload` against every rule of PROTOCOL.md and fills `entries`.
    public mutating func decode(_ payload: UnsafeRawBufferPointer) throws {
        for entry in entries where entry.keyID != 0 { slotByID[Int(entry.keyID)] = 0 }
        entries.removeAll(keepingCapacity: true)

        guard payload.count >= 4 else { throw WireProtocolError.truncatedHead("the version and entry count") }
        let version = payload.loadLittleEndianUInt16(at: 0)
        guard version == wireProtocolVersion else { throw WireProtocolError.versionMismatch(version) }
        let count = Int(payload.loadLittleEndianUInt16(at: 2))
        guard count <= maximumEnvironEntries else { throw WireProtocolError.tooManyEntries(count) }

        var offset = 4
        var spelledCount = 0
        for _ in 0..<count {
            guard offset < payload.count else { throw WireProtocolError.truncatedHead("a key id") }
            let id = payload[offset]
            offset += 1
            var keyOffset = 0
            var keyLength = 0
            if id == 0 {
                guard offset + 2 <= payload.count else { throw WireProtocolError.truncatedHead("a key length") }
                keyLength = Int(payload.loadLittleEndianUInt16(at: offset))
                offset += 2
                guard keyLength >= 1 && keyLength <= maximumKeyLength else {
                    throw WireProtocolError.badKeyLength(keyLength)
                }
                guard offset + keyLength <= payload.count else { throw WireProtocolError.truncatedHead("a key") }
                keyOffset = offset
                offset += keyLength
                let key = UnsafeRawBufferPointer(rebasing: payload[keyOffset..<keyOffset + keyLength])
                if EnvironKeys.id(matching: key) != nil {
                    throw WireProtocolError.spelledOutWellKnownKey(String(decoding: key, as: UTF8.self))
                }
                spelledCount += 1
            } else {
                guard id <= EnvironKeys.maximumID else { throw WireProtocolError.unknownKeyID(id) }
                guard slotByID[Int(id)] == 0 else {
                    throw WireProtocolError.duplicateKey(EnvironKeys.names[Int(id)])
                }
            }
            guard offset + 4 <= payload.count else { throw WireProtocolError.truncatedHead("a value length") }
            let valueLength = Int(payload.loadLittleEndianUInt32(at: offset))
            offset += 4
            guard valueLength <= payload.count - offset else { throw WireProtocolError.truncatedHead("a value") }
            let entry = EnvironEntry(keyID: id, keyOffset: keyOffset, keyLength: keyLength,
                                     valueOffset: offset, valueLength: valueLength)
            offset += valueLength
            entries.append(entry)
            if id != 0 { slotByID[Int(id)] = Int32(entries.count) }
        }
        guard offset == payload.count else { throw WireProtocolError.trailingBytes(payload.count - offset) }
        if spelledCount > 1 { try checkSpelledKeysUnique(payload, count: spelledCount) }
    }

    /// The entry for a well-known id in the last decoded head.
    public func entry(id: UInt8) -> EnvironEntry? {
        let slot = slotByID[Int(id)]
        return slot == 0 ? nil : entries[Int(slot) - 1]
    }

    /// The value bytes of a well-known id, or nil when absent.
    public func value(id: UInt8, in payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let entry = entry(id: id) else { return nil }
        return UnsafeRawBufferPointer(rebasing: payload[entry.valueOffset..<entry.valueOffset + entry.valueLength])
    }

    /// The value of a spelled-out key (such as `mod_wsgi.x-hook`), or nil when absent.
    public func value(spelled key: StaticString, in payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let name = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        for entry in entries where entry.keyID == 0 && entry.keyLength == name.count {
            if UnsafeRawBufferPointer(rebasing: payload[entry.keyOffset..<entry.keyOffset + entry.keyLength])
                .elementsEqual(name) {
                return UnsafeRawBufferPointer(rebasing: payload[entry.valueOffset..<entry.valueOffset + entry.valueLength])
            }
        }
        return nil
    }

    /// A well-known value decoded as a String (Latin-1 bytes are ASCII for every id we read).
    public func string(id: UInt8, in payload: UnsafeRawBufferPointer) -> String? {
        value(id: id, in: payload).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A well-known value parsed as a non-negative decimal integer; nil when absent or malformed.
    public func integer(id: UInt8, in payload: UnsafeRawBufferPointer) -> Int64? {
        guard let bytes = value(id: id, in: payload), !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var result: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            result = result * 10 + Int64(byte - 0x30)
        }
        return result
    }

    private mutating func checkSpelledKeysUnique(_ payload: UnsafeRawBufferPointer, count: Int) throws {
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        if spelledTable.count < capacity {
            spelledTable = [Int32](repeating: 0, count: capacity)
        } else {
            for index in 0..<capacity { spelledTable[index] = 0 }
        }
        let mask = capacity - 1
        for (index, entry) in entries.enumerated() where entry.keyID == 0 {
            let key = UnsafeRawBufferPointer(rebasing: payload[entry.keyOffset..<entry.keyOffset + entry.keyLength])
            var slot = Int(truncatingIfNeeded: fnv1a(key)) & mask
            while spelledTable[slot] != 0 {
                let other = entries[Int(spelledTable[slot]) - 1]
                let otherKey = UnsafeRawBufferPointer(
                    rebasing: payload[other.keyOffset..<other.keyOffset + other.keyLength])
                if otherKey.elementsEqual(key) {
                    throw WireProtocolError.duplicateKey(String(decoding: key, as: UTF8.self))
                }
                slot = (slot + 1) & mask
            }
            spelledTable[slot] = Int32(index + 1)
        }
    }
}

@inline(__always)
func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}
