// Who may talk to this worker (protocol/PROTOCOL.md, "Who may talk to a worker"): every CGI or PHP
// script runs as Apache's User too, and so may every other daemon group, so the socket's mode is
// not enough. A connection is served only when its peer runs as Apache's User or root AND its
// first frame is HELLO with this group's secret; anything else is closed unanswered.
#if canImport(Glibc)
import Glibc
#endif
import CSysShim
import Logging
import Synchronization
import WireProtocol

final class ConnectionGate: Sendable {
    let groupName: String
    private let secret: ConnectionSecret
    /// The uid the Apache children connect as: Apache's User, or the group's socket-user=.
    private let peerUID: uid_t
    private let peerName: String
    /// Peers already logged as refused, so one process hammering the socket logs one line.
    private let loggedPeers = Mutex(Set<pid_t>())
    private static let loggedPeersLimit = 4096
    /// How long a peer has to send its whole HELLO, whatever socket-timeout says.
    static let helloMilliseconds = 5000
    private let logger = Logger(label: "mod_wsgi")

    init(groupName: String, secret: ConnectionSecret, apacheUID: uid_t, socketUID: uid_t? = nil) {
        self.groupName = groupName
        self.secret = secret
        peerUID = socketUID ?? apacheUID
        peerName = socketUID == nil ? "Apache's User" : "the group's socket-user"
    }

    /// Decides on the connection attached to `connection`, reading nothing but HELLO. True when it
    /// may be served; false when it was refused (and logged once for that peer).
    func admit(_ connection: FrameConnection) -> Bool {
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        guard sys_peer_credentials(connection.fd, &pid, &uid, &gid) == 0 else {
            logger.error("Refused a connection to daemon process group '\(groupName)': its peer's credentials could not be read: \(String(cString: strerror(errno))).")
            return false
        }
        guard uid == peerUID || uid == 0 else {
            refuse(pid: pid, uid: uid, "it does not run as \(peerName) (uid \(peerUID)) or root")
            return false
        }
        let frame: (header: FrameHeader, payload: UnsafeRawBufferPointer)
        do {
            // The module writes HELLO with the request head as soon as it has connected: a peer
            // that takes longer only holds a request thread.
            frame = try connection.readFrame(within: Self.helloMilliseconds)
        } catch WireProtocolError.connectionClosed, WireProtocolError.timedOut, WireProtocolError.io {
            refuse(pid: pid, uid: uid, "it sent no HELLO before closing or timing out")
            return false
        } catch {
            refuse(pid: pid, uid: uid, "its first frame is not a HELLO: \(error)")
            return false
        }
        guard frame.header.type == .hello else {
            refuse(pid: pid, uid: uid, "its first frame is \(frame.header.type.name), not HELLO")
            return false
        }
        switch secret.check(hello: frame.payload) {
        case .accepted:
            return true
        case .wrongVersion(let version):
            // Not a secret: a module of another build. Say so on both sides.
            let message = "protocol version mismatch: the module speaks version \(version), this worker \(wireProtocolVersion)"
            var output: [UInt8] = []
            FrameEncoder.appendControl(.error, message: message, to: &output)
            try? connection.send(output)
            refuse(pid: pid, uid: uid, message)
            return false
        case .wrongSecret, .malformed:
            refuse(pid: pid, uid: uid, "it did not present this group's secret")
            return false
        }
    }

    private func refuse(pid: pid_t, uid: uid_t, _ why: String) {
        let first = loggedPeers.withLock { peers -> Bool in
            if peers.count >= Self.loggedPeersLimit { peers.removeAll() }
            return peers.insert(pid).inserted
        }
        guard first else { return }
        logger.error("Refused a connection to daemon process group '\(groupName)' from pid \(pid) (uid \(uid)): \(why); it is closed unserved, and further refusals of that process are not logged.")
    }
}
