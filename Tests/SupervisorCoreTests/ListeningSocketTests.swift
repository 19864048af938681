#if canImport(Glibc)
import Glibc
#endif
@testable import SupervisorCore
import XCTest

final class ListeningSocketTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory()
    }

    override func tearDown() {
        removeTree(directory)
    }

    func testSocketIsMode0600AndOwnedByApachesUser() throws {
        let path = directory + "/group.sock"
        // As root the file is given to the owner; otherwise it stays ours (we are Apache's user).
        let owner: (uid: UInt32, gid: UInt32) = geteuid() == 0 ? (33, 33) : (getuid(), getgid())
        let socket = try ListeningSocket.create(path: path, backlog: 10, owner: owner)
        defer { socket.closeAndRemove() }

        let info = try fileStatus(path)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o7777, 0o600)
        XCTAssertEqual(info.st_uid, owner.uid)
        XCTAssertEqual(info.st_gid, owner.gid)
        XCTAssertNotEqual(fcntl(socket.fd, F_GETFD) & FD_CLOEXEC, 0, "only workers get it, as fd 3")
    }

    func testSocketAcceptsConnectionsAndIsRemovedOnClose() throws {
        let path = directory + "/group.sock"
        let socket = try ListeningSocket.create(path: path, backlog: 10, owner: (getuid(), getgid()))
        let client = try connectUnix(path)
        close(client)
        socket.closeAndRemove()
        XCTAssertThrowsError(try fileStatus(path), "the socket file must be gone")
    }

    func testStaleSocketFileIsReplaced() throws {
        let path = directory + "/group.sock"
        let first = try ListeningSocket.create(path: path, backlog: 10, owner: (getuid(), getgid()))
        close(first.fd)  // a crashed supervisor leaves its file behind
        let second = try ListeningSocket.create(path: path, backlog: 10, owner: (getuid(), getgid()))
        defer { second.closeAndRemove() }
        close(try connectUnix(path))
    }

    func testRegularFileInTheWayIsAnErrorAndIsKept() throws {
        let path = directory + "/group.sock"
        let fd = open(path, O_CREAT | O_WRONLY, 0o644)
        close(fd)
        XCTAssertThrowsError(try ListeningSocket.create(path: path, backlog: 10, owner: (0, 0))) { error in
            XCTAssertEqual("\(error)", "cannot create listening socket \(path): "
                           + "a file that is not a socket is in the way; not removing it")
        }
        XCTAssertNoThrow(try fileStatus(path))
    }

    func testMissingDirectoryErrorNamesPathAndErrno() {
        let path = directory + "/missing/group.sock"
        XCTAssertThrowsError(try ListeningSocket.create(path: path, backlog: 10, owner: (0, 0))) { error in
            XCTAssertEqual("\(error)", "cannot create listening socket \(path): bind: No such file or directory (errno 2)")
        }
    }

    func testTooLongPathIsRefused() {
        let path = directory + "/" + String(repeating: "s", count: 120)
        XCTAssertThrowsError(try ListeningSocket.create(path: path, backlog: 10, owner: (0, 0))) { error in
            XCTAssertTrue("\(error)".hasSuffix("the limit is 103"), "\(error)")
        }
    }
}
