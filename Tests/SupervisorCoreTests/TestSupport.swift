#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// A fresh world-readable directory (workers may run as www-data).
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/supervisor-test-XXXXXX".utf8CString)
    guard let pointer = mkdtemp(&template) else { throw TestFailure("mkdtemp failed: errno \(errno)") }
    let path = String(cString: pointer)
    chmod(path, 0o755)
    return path
}

func removeTree(_ path: String) {
    guard !path.isEmpty else { return }
    try? FileManager.default.removeItem(atPath: path)
}

func writeFile(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    chmod(path, mode)
}

func readFile(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

func fileStatus(_ path: String) throws -> stat {
    var info = stat()
    guard lstat(path, &info) == 0 else { throw TestFailure("lstat \(path): errno \(errno)") }
    return info
}

func connectUnix(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
    }
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard rc == 0 else {
        close(fd)
        throw TestFailure("connect \(path): errno \(errno)")
    }
    return fd
}

/// The kernel's inode number of the Unix socket bound to `path` (what /proc/PID/fd shows as
/// "socket:[N]"), read from /proc/net/unix.
func socketInode(boundTo path: String) -> String? {
    for line in readFile("/proc/net/unix").split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 8, fields[7] == path { return String(fields[6]) }
    }
    return nil
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass.
@discardableResult
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// True while `pid` runs; a zombie nobody has reaped yet counts as gone.
func processExists(_ pid: pid_t) -> Bool {
    let stat = readFile("/proc/\(pid)/stat")
    guard let end = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(after: end)...].split(separator: " ").first
    return state != nil && state != "Z" && state != "X"
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
