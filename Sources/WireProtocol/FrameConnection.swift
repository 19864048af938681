// Blocking frame I/O over one connected stream socket, with a read buffer that is reused across
// connections (one FrameConnection per worker thread). A frame's payload is a view into that
// buffer, valid until the next read.
#if canImport(Glibc)
import Glibc
#endif

public final class FrameConnection {
    public private(set) var fd: Int32 = -1
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    /// Frames larger than this are read into a buffer grown for them, then shrunk back.
    private let initialCapacity: Int

    public init(initialCapacity: Int = 64 * 1024) {
        self.initialCapacity = initialCapacity
        capacity = initialCapacity
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Starts using `fd` (already connected) with this per-operation timeout in seconds (0 = none).
    public func attach(fd: Int32, timeoutSeconds: Int) {
        self.fd = fd
        start = 0
        end = 0
        if capacity > 4 * initialCapacity {
            buffer.deallocate()
            capacity = initialCapacity
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        if timeoutSeconds > 0 {
            var time = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    /// Closes the socket (the peer sees EOF).
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// When the frame being read must be complete (CLOCK_MONOTONIC nanoseconds), or nil: then
    /// only the socket's per-read timeout applies.
    private var deadline: UInt64?

    /// Reads the next frame, which must arrive whole within `milliseconds`, however the peer
    /// spaces its bytes (the per-read socket timeout alone lets a trickle go on much longer).
    public func readFrame(within milliseconds: Int) throws -> (header: FrameHeader, payload: UnsafeRawBufferPointer) {
        deadline = Self.monotonicNanoseconds() + UInt64(max(milliseconds, 0)) * 1_000_000
        defer { deadline = nil }
        return try readFrame()
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Waits until the socket is readable or the deadline passes (only with a deadline).
    private func awaitReadable(while what: @autoclosure () -> String) throws {
        guard let deadline else { return }
        while true {
            let now = Self.monotonicNanoseconds()
            guard now < deadline else { throw WireProtocolError.timedOut(what()) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(clamping: (deadline - now + 999_999) / 1_000_000))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw WireProtocolError.io(operation: "poll", errno: errno) }
        }
    }

    /// Reads the next frame. The header is validated before any payload byte is read.
    public func readFrame() throws -> (header: FrameHeader, payload: UnsafeRawBufferPointer) {
        try fill(frameHeaderSize, while: "waiting for a frame")
        let header = try FrameHeader.decode(UnsafeRawBufferPointer(start: buffer + start, count: frameHeaderSize))
        start += frameHeaderSize
        try fill(header.length, while: "reading a \(header.type.name) payload")
        let payload = UnsafeRawBufferPointer(start: buffer + start, count: header.length)
        start += header.length
        return (header, payload)
    }

    /// Makes at least `count` unread bytes available, compacting or growing the buffer.
    private func fill(_ count: Int, while what: @autoclosure () -> String) throws {
        if end - start >= count { return }
        if start + count > capacity {
            let unread = end - start
            if count > capacity {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 16)
                grown.copyMemory(from: buffer + start, byteCount: unread)
                buffer.deallocate()
                buffer = grown
                capacity = count
            } else {
                (buffer).copyMemory(from: buffer + start, byteCount: unread)
            }
            start = 0
            end = unread
        }
        while end - start < count {
            try awaitReadable(while: what())
            let n = recv(fd, buffer + end, capacity - end, 0)
            if n > 0 { end += n; continue }
            if n == 0 {
                throw WireProtocolError.connectionClosed(end == start ? what() : "in the middle of a frame (\(what()))")
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { throw WireProtocolError.timedOut(what()) }
            throw WireProtocolError.io(operation: "recv", errno: code)
        }
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n >= 0 { offset += n; continue }
            try checkWriteError(errno)
        }
    }

    public func send(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try send($0) }
    }

    /// Writes `prefix` (frames already encoded) and then `bytes` as RESPONSE_BODY frames, without
    /// copying `bytes`: one sendmsg per frame.
    public func sendBody(after prefix: UnsafeRawBufferPointer, body bytes: UnsafeRawBufferPointer) throws {
        var pending = prefix
        var offset = 0
        repeat {
            let count = min(FrameType.responseBody.maximumPayload, bytes.count - offset)
            var header: [UInt8] = []
            header.reserveCapacity(frameHeaderSize)
            FrameHeader(type: .responseBody, length: count).encode(into: &header)
            try header.withUnsafeBytes { headerBytes in
                try sendVectored([pending, headerBytes,
                                  UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])])
            }
            pending = UnsafeRawBufferPointer(start: nil, count: 0)
            offset += count
        } while offset < bytes.count
    }

    private func sendVectored(_ parts: [UnsafeRawBufferPointer]) throws {
        var iov = parts.filter { $0.count > 0 }.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        var first = 0
        while first < iov.count {
            let n = iov[first...].withUnsafeMutableBufferPointer { vector -> Int in
                var message = msghdr()
                message.msg_iov = vector.baseAddress
                message.msg_iovlen = vector.count
                return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
            }
            if n < 0 { try checkWriteError(errno); continue }
            var written = n
            while first < iov.count && written >= iov[first].iov_len {
                written -= iov[first].iov_len
                first += 1
            }
            if written > 0 {
                iov[first].iov_base = iov[first].iov_base! + written
                iov[first].iov_len -= written
            }
        }
    }

    private func checkWriteError(_ code: Int32) throws {
        if code == EINTR { return }
        if code == EAGAIN || code == EWOULDBLOCK { throw WireProtocolError.timedOut("sending a response") }
        if code == EPIPE || code == ECONNRESET { throw WireProtocolError.connectionClosed("while sending a response") }
        throw WireProtocolError.io(operation: "send", errno: code)
    }
}
