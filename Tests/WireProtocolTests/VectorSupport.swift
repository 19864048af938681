// Reading protocol/vectors and classifying decode errors by the codes the vectors use.
#if canImport(Glibc)
import Glibc
#endif
import WireProtocol

enum Vectors {
    /// protocol/vectors, found from this source file's location.
    static let directory: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/protocol/vectors"
    }()

    static func read(_ name: String) -> [UInt8]? {
        readFile(directory + "/" + name)
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    /// (name, direction, expected) lines of manifest.tsv; nil when the vectors are not there yet.
    static func manifest() -> [(name: String, direction: String, expected: String)]? {
        guard let bytes = read("manifest.tsv") else { return nil }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let fields = line.split(separator: "\t").map(String.init)
            return fields.count == 3 ? (fields[0], fields[1], fields[2]) : nil
        }
    }
}

/// The vector error code for a decoding error.
func vectorCode(_ error: Error) -> String {
    guard let error = error as? WireProtocolError else { return "other: \(error)" }
    switch error {
    case .truncatedHead, .connectionClosed: return "truncated"
    case .unknownFrameType: return "unknown-type"
    case .unexpectedFrame: return "unexpected-frame"
    case .nonZeroFlags, .nonZeroReserved: return "reserved-bits"
    case .payloadTooLarge: return "too-long"
    case .emptyPayload: return "empty-body"
    case .versionMismatch: return "bad-version"
    case .badStatus: return "bad-status"
    case .badReasonPhrase: return "bad-reason"
    case .badHeaderName: return "bad-header-name"
    case .badHeaderValue: return "bad-header-value"
    case .headerTooLong: return "header-too-long"
    case .trailingBytes: return "trailing-bytes"
    case .badEndOutcome: return "bad-outcome"
    case .tooManyEntries, .tooManyHeaders: return "too-many"
    case .unknownKeyID: return "unknown-key-id"
    case .duplicateKey: return "duplicate-key"
    case .badKeyLength, .spelledOutWellKnownKey: return "bad-key"
    case .io, .timedOut: return "io"
    }
}

/// Decodes a module → worker stream the way the worker does; returns the frames' types and the
/// environ entries of the head as (key, value) strings.
func decodeRequestStream(_ bytes: [UInt8]) throws -> (types: [FrameType], environ: [(String, String)], body: [UInt8]) {
    var types: [FrameType] = []
    var environ: [(String, String)] = []
    var body: [UInt8] = []
    var decoder = RequestHeadDecoder()
    var offset = 0
    try bytes.withUnsafeBytes { all in
        while offset < all.count {
            guard all.count - offset >= frameHeaderSize else { throw WireProtocolError.truncatedHead("a frame header") }
            let header = try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: all[offset..<offset + frameHeaderSize]))
            offset += frameHeaderSize
            guard header.type.isRequestDirection else {
                throw WireProtocolError.unexpectedFrame(expected: "a request frame", got: header.type.name)
            }
            guard all.count - offset >= header.length else { throw WireProtocolError.truncatedHead("a payload") }
            let payload = UnsafeRawBufferPointer(rebasing: all[offset..<offset + header.length])
            offset += header.length
            types.append(header.type)
            switch header.type {
            case .requestHead:
                try decoder.decode(payload)
                for entry in decoder.entries {
                    let key = entry.keyID != 0 ? EnvironKeys.names[Int(entry.keyID)]
                        : String(decoding: payload[entry.keyOffset..<entry.keyOffset + entry.keyLength], as: UTF8.self)
                    let value = String(payload[entry.valueOffset..<entry.valueOffset + entry.valueLength]
                        .map { Character(Unicode.Scalar($0)) })
                    environ.append((key, value))
                }
            case .requestBody:
                body += payload
            default:
                break
            }
        }
    }
    return (types, environ, body)
}
