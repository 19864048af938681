#if canImport(Glibc)
import Glibc
#endif

/// Reads everything from offset 0 of an open descriptor (a file or a sealed memory file), without
/// moving its offset: pread, so a descriptor shared with the parent reads the same. Errors name
/// `what` and the errno text.
func readWholeDescriptor(_ fd: Int32, what: String) throws -> String {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
        let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(bytes.count)) }
        if n < 0 {
            if errno == EINTR { continue }
            throw SupervisorConfigError(line: 0, message: "cannot read \(what): \(String(cString: strerror(errno)))")
        }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
