// The daemon side of the WSGIDaemonProcess contract against protocol/daemon-options.tsv: the names
// the supervisor config accepts and the defaults it falls back on. (The module's side is
// apache-stub/config/test_option_table.py.)
#if canImport(Glibc)
import Glibc
#endif
import WireProtocol
import XCTest

final class DaemonOptionTableTests: XCTestCase {
    struct Row { var name, kind, minimum, maximum, defaultValue: String }

    /// The table's rows, read from protocol/ beside protocol/vectors.
    static func table() throws -> [Row] {
        let path = String(Vectors.directory.dropLast("/vectors".count)) + "/daemon-options.tsv"
        let bytes = try XCTUnwrap(Vectors.readFile(path), "cannot read \(path)")
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return Row(name: fields[0], kind: fields[1], minimum: fields[2], maximum: fields[3],
                           defaultValue: fields[4])
            }
    }

    func testTheConfigAcceptsExactlyTheTablesNames() throws {
        let names = Set(try Self.table().map(\.name))
        XCTAssertEqual(names.count, 44)
        XCTAssertEqual(DaemonOptions.known, names.union(["user-name"]))
    }

    func testTheDaemonsDefaultsAreTheTables() throws {
        var expected: [String: String] = [:]
        for row in try Self.table() where row.defaultValue != "-" { expected[row.name] = row.defaultValue }
        XCTAssertEqual(DaemonOptions.defaults, expected)
    }

    /// A group written without an option reads as that option's default.
    func testAGroupWithoutOptionsReadsTheDefaults() throws {
        let group = DaemonGroupConfig(name: "g")
        for row in try Self.table() where ["int", "zero-or-min"].contains(row.kind) {
            let expected = row.defaultValue == "-" ? 0 : Int(row.defaultValue)!
            XCTAssertEqual(group.number(row.name), expected, row.name)
        }
        XCTAssertEqual(group.processes, 1)
        XCTAssertEqual(group.threads, 15)
        XCTAssertEqual(group.deadlockTimeout, 300)
        XCTAssertEqual(group.gracefulTimeout, 15)
    }
}
