// chroot=: paths the worker is given at start-up (preload scripts) as it sees them from the jail.
import WireProtocol
import XCTest

final class JailPathTests: XCTestCase {
    func testPathsInsideTheJailLoseItsPrefix() {
        var group = DaemonGroupConfig(name: "g")
        group.options["chroot"] = "/srv/jail/"
        XCTAssertEqual(group.pathInJail("/srv/jail/app/app.wsgi"), "/app/app.wsgi")
        XCTAssertEqual(group.pathInJail("/srv/jailbreak/app.wsgi"), "/srv/jailbreak/app.wsgi")
        XCTAssertEqual(group.pathInJail("/elsewhere/app.wsgi"), "/elsewhere/app.wsgi")
        XCTAssertEqual(DaemonGroupConfig(name: "free").pathInJail("/srv/jail/app.wsgi"), "/srv/jail/app.wsgi")
    }
}
