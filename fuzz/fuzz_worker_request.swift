// libFuzzer harness over the worker's side of the protocol (Sources/WireProtocol, compiled into the
// same module): everything a worker decodes from bytes it did not write. The first input byte
// picks what the rest is fed to (make_seeds.py writes seeds with the same numbering):
//   0  FrameHeader.decode on the next 8 bytes
//   1  RequestHeadDecoder.decode on a REQUEST_HEAD payload
//   2  ConnectionSecret.check(hello:) on a HELLO payload
//   3  a stream read frame by frame through FrameConnection, as a worker reads its socket
//   4  SupervisorConfig.parse on the rest as text
// Swift traps on any out-of-bounds index or overflow, ASan watches the unsafe pointers, and each
// mode checks what PROTOCOL.md says must hold; a failed check aborts, so libFuzzer saves the input.
#if canImport(Glibc)
import Glibc
#endif

/// The vectors' sample secret (00 01 .. 1f), so seeded HELLO frames are accepted.
private let secret = ConnectionSecret(bytes: (0..<32).map { UInt8($0) })!

/// One decoder for the whole run, as a worker keeps one per thread: nothing from an earlier input
/// may leak into the next.
nonisolated(unsafe) private var decoder = RequestHeadDecoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    // Ends where libFuzzer's buffer ends, so ASan sees any read past it.
    let input = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 5 {
    case 0: fuzzFrameHeader(input)
    case 1: fuzzRequestHead(input)
    case 2: fuzzHello(input)
    case 3: fuzzStream(input)
    default: fuzzSupervisorConfig(input)
    }
    return 0
}

private func require(_ condition: Bool, _ what: @autoclosure () -> String, line: Int = #line) {
    guard !condition else { return }
    let message = "fuzz_worker_request.swift:\(line): invariant failed: \(what())\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    abort()
}

private func littleEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
    Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
}

// MARK: 0: frame header

private func fuzzFrameHeader(_ input: UnsafeRawBufferPointer) {
    guard input.count >= frameHeaderSize else { return }
    // Exactly 8 bytes on the heap: reading a ninth is an ASan report.
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: frameHeaderSize, alignment: 1)
    defer { bytes.deallocate() }
    bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[0..<frameHeaderSize]))
    let header: FrameHeader
    do {
        header = try FrameHeader.decode(UnsafeRawBufferPointer(bytes))
    } catch let error as WireProtocolError {
        let type = FrameType(rawValue: bytes[0])
        switch error {
        case .unknownFrameType(let raw): require(type == nil && raw == bytes[0], "\(error)")
        case .nonZeroFlags(let flags): require(type != nil && flags == bytes[1] && flags != 0, "\(error)")
        case .nonZeroReserved: require(type != nil && bytes[1] == 0 && (bytes[2] | bytes[3]) != 0, "\(error)")
        case .payloadTooLarge(_, let length, let maximum):
            require(type != nil && length > maximum && maximum == type!.maximumPayload, "\(error)")
        case .emptyPayload: require(type == .requestBody || type == .responseBody, "\(error)")
        default: require(false, "FrameHeader.decode threw \(error)")
        }
        return
    } catch {
        require(false, "FrameHeader.decode threw a foreign error \(error)")
        return
    }
    require(header.type.rawValue == bytes[0], "type")
    require(bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0, "flags and reserved")
    require(header.length == littleEndian32(UnsafeRawBufferPointer(bytes), at: 4), "length")
    require(header.length <= header.type.maximumPayload, "length within the maximum")
    require(header.length > 0 || !header.type.requiresPayload, "body frames are never empty")
    // Canonical: encoding it again gives the same 8 bytes.
    var again: [UInt8] = []
    header.encode(into: &again)
    require(again.elementsEqual(UnsafeRawBufferPointer(bytes)), "re-encoded header differs")
}

// MARK: 1: request head

private func fuzzRequestHead(_ payload: UnsafeRawBufferPointer) {
    do {
        try decoder.decode(payload)
    } catch is WireProtocolError {
        return
    } catch {
        require(false, "RequestHeadDecoder.decode threw a foreign error \(error)")
    }
    checkDecodedHead(payload)
}

/// What an accepted head guarantees the rest of the worker, which indexes the payload with it.
private func checkDecodedHead(_ payload: UnsafeRawBufferPointer) {
    let entries = decoder.entries
    require(entries.count == Int(payload.loadLittleEndianUInt16(at: 2)), "entry count")
    require(entries.count <= maximumEnvironEntries, "at most \(maximumEnvironEntries) entries")
    var end = 4
    var seen = Set<UInt8>()
    var spelled = Set<[UInt8]>()
    for entry in entries {
        if entry.keyID == 0 {
            require(entry.keyLength >= 1 && entry.keyLength <= maximumKeyLength, "key length")
            require(entry.keyOffset == end + 3, "key right after its id and length")
            let key = UnsafeRawBufferPointer(rebasing: payload[entry.keyOffset..<entry.keyOffset + entry.keyLength])
            require(EnvironKeys.id(matching: key) == nil, "a spelled-out key that has an id")
            require(spelled.insert(Array(key)).inserted, "a spelled-out key twice")
            require(entry.valueOffset == entry.keyOffset + entry.keyLength + 4, "value after its length")
        } else {
            require(entry.keyID <= EnvironKeys.maximumID, "unknown key id \(entry.keyID)")
            require(seen.insert(entry.keyID).inserted, "key id \(entry.keyID) twice")
            require(entry.valueOffset == end + 5, "value after its id and length")
        }
        require(entry.valueLength == littleEndian32(payload, at: entry.valueOffset - 4), "value length")
        end = entry.valueOffset + entry.valueLength
        require(end <= payload.count, "value inside the payload")
    }
    require(end == payload.count, "the entries exactly fill the payload")
    // The per-id lookup the worker uses: present ids only, none left over from an earlier head.
    for id in 1...EnvironKeys.maximumID {
        let found = decoder.entry(id: id)
        require((found != nil) == seen.contains(id), "entry(id: \(id)) is stale or missing")
        if let found { require(found.keyID == id, "entry(id: \(id)) is another key's") }
    }
    _ = decoder.integer(id: EnvironKeys.queueStartMicros, in: payload)
    _ = decoder.integer(id: EnvironKeys.requestStartMicros, in: payload)
    _ = decoder.string(id: EnvironKeys.scriptFilename, in: payload)
}

// MARK: 2: HELLO

private func fuzzHello(_ payload: UnsafeRawBufferPointer) {
    checkHello(payload, secret.check(hello: payload))
}

private func checkHello(_ payload: UnsafeRawBufferPointer, _ verdict: HelloCheck) {
    guard payload.count == 2 + connectionSecretSize else {
        require(verdict == .malformed, "a \(payload.count)-byte HELLO gave \(verdict)")
        return
    }
    let version = payload.loadLittleEndianUInt16(at: 0)
    guard version == wireProtocolVersion else {
        require(verdict == .wrongVersion(version), "version \(version) gave \(verdict)")
        return
    }
    let same = payload[2...].elementsEqual(secret.bytes)
    require(verdict == (same ? .accepted : .wrongSecret), "secret comparison gave \(verdict)")
}

// MARK: 3: a stream through FrameConnection

/// Input: 1 byte sizing the connection's first buffer (1...256 bytes, so frames straddle it and it
/// is compacted and grown), then the stream.
private func fuzzStream(_ input: UnsafeRawBufferPointer) {
    guard input.count >= 1 else { return }
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])
    let connection = FrameConnection(initialCapacity: 1 + Int(input[0]))
    let first = readStream(stream, with: connection)
    // A worker thread keeps its connection from one client to the next: the same bytes must read
    // the same way after a re-attach (which may shrink the buffer grown the first time).
    let second = readStream(stream, with: connection)
    require(first == second, "a re-attached connection read \(second), first \(first)")
}

/// Reads the stream frame by frame as a worker does (the header checked, then the payload it
/// announces), decoding HELLO and REQUEST_HEAD payloads. Returns what happened, frame by frame.
private func readStream(_ stream: UnsafeRawBufferPointer, with connection: FrameConnection) -> [String] {
    var fds: [Int32] = [-1, -1]
    require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0,
            "socketpair: errno \(errno)")
    var sent = 0
    if stream.count > 0 {
        // Never block: a stream longer than the socket takes is tested cut short.
        sent = max(0, send(fds[1], stream.baseAddress, stream.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)))
    }
    close(fds[1])
    connection.attach(fd: fds[0], timeoutSeconds: 0)
    defer { connection.close() }

    let bytes = UnsafeRawBufferPointer(rebasing: stream[0..<sent])
    var offset = 0
    var log: [String] = []
    while true {
        let left = bytes.count - offset
        let frame: (header: FrameHeader, payload: UnsafeRawBufferPointer)
        do {
            frame = try connection.readFrame()
        } catch let error as WireProtocolError {
            checkStreamError(error, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            log.append("\(error)")
            return log
        } catch {
            require(false, "readFrame threw a foreign error \(error)")
            return log
        }
        let length = frame.header.length
        require(left >= frameHeaderSize + length, "a frame longer than the stream left")
        require(frame.header.type.rawValue == bytes[offset], "frame type")
        require(length == littleEndian32(bytes, at: offset + 4), "frame length")
        require(length <= frame.header.type.maximumPayload, "frame length within the maximum")
        require(frame.payload.count == length, "payload of the announced length")
        let expected = bytes[(offset + frameHeaderSize)..<(offset + frameHeaderSize + length)]
        require(frame.payload.elementsEqual(expected), "payload bytes differ from the stream's")
        offset += frameHeaderSize + length
        log.append("\(frame.header.type.name) \(length)")

        switch frame.header.type {
        case .hello:
            let verdict = secret.check(hello: frame.payload)
            checkHello(frame.payload, verdict)
            log.append("\(verdict)")
        case .requestHead:
            do {
                try decoder.decode(frame.payload)
            } catch {
                log.append("\(error)")
                return log
            }
            checkDecodedHead(frame.payload)
        default:
            break
        }
    }
}

/// A read that failed: the stream ended inside a frame, or the header at this point is refused.
private func checkStreamError(_ error: WireProtocolError, _ left: UnsafeRawBufferPointer) {
    if case .connectionClosed = error {
        if left.count >= frameHeaderSize, let header = try? FrameHeader.decode(left) {
            require(left.count < frameHeaderSize + header.length, "closed with a whole frame unread")
        }
        return
    }
    require(left.count >= frameHeaderSize, "\(error) with no whole header left")
    do {
        _ = try FrameHeader.decode(left)
        require(false, "\(error) for a header that decodes")
    } catch let again as WireProtocolError {
        require(again == error, "\(error), but the header alone gives \(again)")
    } catch {
        require(false, "FrameHeader.decode threw a foreign error \(error)")
    }
}

// MARK: 4: supervisor config

private func fuzzSupervisorConfig(_ input: UnsafeRawBufferPointer) {
    // As readWholeDescriptor turns the sealed file into text.
    let text = String(decoding: input, as: UTF8.self)
    let config: SupervisorConfig
    do {
        config = try SupervisorConfig.parse(text)
    } catch is SupervisorConfigError {
        return
    } catch {
        require(false, "SupervisorConfig.parse threw a foreign error \(error)")
        return
    }
    var names = Set<String>()
    for group in config.groups {
        require(!group.name.isEmpty && names.insert(group.name).inserted, "group name '\(group.name)'")
        require(group.socketPath.hasPrefix("/"), "socket path '\(group.socketPath)'")
        require(group.secret.map { $0.bytes.count == connectionSecretSize } ?? true, "secret size")
        // The typed views the supervisor and worker use: they parse strings, and must not trap.
        _ = (group.processes, group.threads, group.uid, group.gid, group.supplementaryGroups, group.umask)
        _ = (group.pythonPath, group.listenBacklog, group.socketTimeout, group.deadlockTimeout)
        // No key or value may hold a line break of the format (PROTOCOL.md), CR included.
        // (Not Character.isNewline: NEL, LS, VT and FF are ordinary bytes in a value here.)
        for (key, value) in group.options {
            let lineBreak: (Unicode.Scalar) -> Bool = { $0 == "\n" || $0 == "\r" }
            require(!key.unicodeScalars.contains(where: lineBreak) && !value.unicodeScalars.contains(where: lineBreak),
                    "option '\(key)' holds a line break")
        }
        // What the supervisor hands each worker must parse back to that group.
        guard let workerText = config.text(forGroup: group.name) else {
            require(false, "no text for group '\(group.name)'")
            return
        }
        do {
            let worker = try SupervisorConfig.parse(workerText)
            require(worker.groups == [group], "worker config of '\(group.name)' parses to \(worker.groups)")
            require(worker.serverPID == config.serverPID, "worker config server-pid differs")
            require(worker.logLevel == config.logLevel && worker.pythonHome == config.pythonHome
                    && worker.pythonPath == config.pythonPath && worker.apacheUID == config.apacheUID
                    && worker.apacheGID == config.apacheGID, "worker config globals differ")
        } catch {
            require(false, "worker config of '\(group.name)' does not parse: \(error)\n\(workerText)")
        }
    }
}
