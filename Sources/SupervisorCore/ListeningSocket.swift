#if canImport(Glibc)
import Glibc
#endif
import CSysShim

/// A group's listening Unix socket. The supervisor holds it for the whole Apache generation and
/// every worker inherits it, so connections wait in the backlog while a worker restarts.
struct ListeningSocket {
    let path: String
    let fd: Int32
    static let setupSuffix = ".new"

    /// Why a socket could not be set up; always names the path.
    struct SetupError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot create listening socket \(path): \(reason)" }
    }

    /// Binds `path` (mode 0600, owned by `owner` when we are root so only Apache's children
    /// can connect) and listens with `backlog`. A stale socket file left by a crash is replaced;
    /// any other kind of file at `path` is an error, never deleted. The module has checked that
    /// only root can write the directory; even so, nothing here follows a symbolic link: the mode
    /// comes from the umask at bind, and the owner is set with AT_SYMLINK_NOFOLLOW.
    ///
    /// The socket is set up under a temporary name and renamed into place once it is owned,
    /// restricted and listening: an Apache child connecting during start-up then sees ENOENT
    /// (which it retries) rather than EACCES on a root-owned file (which is a 503 at once).
    /// `bufferSizes` are SO_SNDBUF and SO_RCVBUF (send-buffer-size=, receive-buffer-size=; 0 = the
    /// system's).
    static func create(path: String, backlog: Int, owner: (uid: UInt32, gid: UInt32),
                       bufferSizes: (send: Int, receive: Int) = (0, 0)) throws(SetupError) -> ListeningSocket {
        func fail(_ error: SystemError) -> SetupError { SetupError(path: path, reason: error.description) }

        let setupPath = path + Self.setupSuffix
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard setupPath.utf8.count < capacity else {
            throw SetupError(path: path, reason: "path is \(path.utf8.count) bytes, the limit is \(capacity - 1 - Self.setupSuffix.utf8.count)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in setupPath.utf8.enumerated() { buffer[index] = byte }
        }

        try removeStaleSocket(at: path)
        try removeStaleSocket(at: setupPath)

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw fail(SystemError("socket")) }
        var ok = false
        defer { if !ok { close(fd) } }
        guard sys_set_buffer_sizes(fd, Int32(clamping: bufferSizes.send), Int32(clamping: bufferSizes.receive)) == 0 else {
            throw fail(SystemError("setsockopt(SO_SNDBUF \(bufferSizes.send), SO_RCVBUF \(bufferSizes.receive))"))
        }

        // umask 0177 around bind: the file is created 0600 and never exists with looser
        // permissions, not even briefly, and no chmod by path is needed.
        let previousMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let bindErrno = errno
        umask(previousMask)
        guard bound == 0 else { throw fail(SystemError("bind", code: bindErrno)) }
        var bindOK = false
        defer { if !bindOK { unlink(setupPath) } }

        // Only root can give the file away; otherwise we already are Apache's user.
        if geteuid() == 0 {
            guard fchownat(AT_FDCWD, setupPath, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw fail(SystemError("chown to \(owner.uid):\(owner.gid)"))
            }
        }
        guard listen(fd, Int32(clamping: max(backlog, 1))) == 0 else { throw fail(SystemError("listen")) }
        guard rename(setupPath, path) == 0 else { throw fail(SystemError("rename into place")) }

        bindOK = true
        ok = true
        return ListeningSocket(path: path, fd: fd)
    }

    private static func removeStaleSocket(at path: String) throws(SetupError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw SetupError(path: path, reason: SystemError("lstat").description)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw SetupError(path: path, reason: "a file that is not a socket is in the way; not removing it")
        }
        guard unlink(path) == 0 else { throw SetupError(path: path, reason: SystemError("unlink stale socket").description) }
    }

    /// Closes our descriptor and removes the file, so no socket outlives the generation.
    func closeAndRemove() {
        close(fd)
        unlink(path)
    }
}
