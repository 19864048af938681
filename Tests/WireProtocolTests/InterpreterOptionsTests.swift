// The "interpreter-options" lines of the supervisor config: parsed, matched and written back.
import WireProtocol
import XCTest

final class InterpreterOptionsTests: XCTestCase {
    let text = """
        mod_wsgi-supervisor-config 1
        interpreter-options 0 * * python-path /a:/b
        interpreter-options 1 one %{GLOBAL} restrict-stdin 1
        interpreter-options 1 one %{GLOBAL} switch-interval 0.5
        interpreter-options 2 two app1 restrict-stdout 0
        group one
        socket /run/one.sock
        end
        group two
        socket /run/two.sock
        end

        """

    func testLinesBecomeContainersAndMatchTheirInterpreters() throws {
        let config = try SupervisorConfig.parse(text)
        XCTAssertEqual(config.interpreterOptions.count, 3)
        let main = InterpreterOptions.layers(config.interpreterOptions, processGroup: "one", applicationGroup: "")
        XCTAssertEqual(main.map(\.index), [0, 1])
        XCTAssertEqual(main[1].restrictStdin, true)
        XCTAssertEqual(main[1].switchInterval, 0.5)
        XCTAssertEqual(main[0].pythonPath, ["/a", "/b"])
        XCTAssertEqual(InterpreterOptions.layers(config.interpreterOptions, processGroup: "two", applicationGroup: "app1")
                           .map(\.index), [0, 2])
    }

    func testAWorkerGetsOnlyTheContainersThatCanMatchIt() throws {
        let config = try SupervisorConfig.parse(text)
        let forTwo = try SupervisorConfig.parse(try XCTUnwrap(config.text(forGroup: "two")))
        XCTAssertEqual(forTwo.interpreterOptions.map(\.index), [0, 2])
        XCTAssertEqual(forTwo.interpreterOptions, config.interpreterOptions.filter { $0.index != 1 })
    }

    func testMalformedLinesAreRefusedWithTheLine() {
        for line in ["interpreter-options x * * restrict-stdin 1", "interpreter-options 0 * * colour blue",
                     "interpreter-options 0 * * restrict-stdin maybe", "interpreter-options 0 *"] {
            XCTAssertThrowsError(try SupervisorConfig.parse("mod_wsgi-supervisor-config 1\n\(line)\n"), line) { error in
                XCTAssertEqual((error as? SupervisorConfigError)?.line, 2)
            }
        }
    }
}
