import Foundation

/// The facts about the machine and the invoking process that option resolution depends on.
/// Tests build one by hand, so results do not depend on who runs them or where.
public struct HostEnvironment: Sendable {
    /// A local account as the passwd database has it.
    public struct Account: Equatable, Sendable {
        public let name: String
        public let uid: UInt32
        public let gid: UInt32
        public init(name: String, uid: UInt32, gid: UInt32) {
            self.name = name
            self.uid = uid
            self.gid = gid
        }
    }

    public var uid: UInt32
    public var gid: UInt32
    public var currentDirectory: String
    public var variables: [String: String]
    /// The directory holding the running mod_wsgi-express executable.
    public var executableDirectory: String
    public var accountNamed: @Sendable (String) -> Account?
    public var accountWithID: @Sendable (UInt32) -> Account?
    public var groupIDNamed: @Sendable (String) -> UInt32?
    public var groupNameWithID: @Sendable (UInt32) -> String?
    public var fileExists: @Sendable (String) -> Bool
    public var directoryExists: @Sendable (String) -> Bool
    public var isExecutable: @Sendable (String) -> Bool
    public var localeIsAvailable: @Sendable (String) -> Bool

    public init(uid: UInt32, gid: UInt32, currentDirectory: String, variables: [String: String],
                executableDirectory: String,
                accountNamed: @escaping @Sendable (String) -> Account?,
                accountWithID: @escaping @Sendable (UInt32) -> Account?,
                groupIDNamed: @escaping @Sendable (String) -> UInt32?,
                groupNameWithID: @escaping @Sendable (UInt32) -> String?,
                fileExists: @escaping @Sendable (String) -> Bool,
                directoryExists: @escaping @Sendable (String) -> Bool,
                isExecutable: @escaping @Sendable (String) -> Bool,
                localeIsAvailable: @escaping @Sendable (String) -> Bool) {
        self.uid = uid
        self.gid = gid
        self.currentDirectory = currentDirectory
        self.variables = variables
        self.executableDirectory = executableDirectory
        self.accountNamed = accountNamed
        self.accountWithID = accountWithID
        self.groupIDNamed = groupIDNamed
        self.groupNameWithID = groupNameWithID
        self.fileExists = fileExists
        self.directoryExists = directoryExists
        self.isExecutable = isExecutable
        self.localeIsAvailable = localeIsAvailable
    }

    /// The real process and machine.
    public static func current() -> HostEnvironment {
        HostEnvironment(
            uid: getuid(), gid: getgid(),
            currentDirectory: FileManager.default.currentDirectoryPath,
            variables: ProcessInfo.processInfo.environment,
            executableDirectory: runningExecutableDirectory(),
            accountNamed: { name in name.withCString { account(from: getpwnam($0)) } },
            accountWithID: { uid in account(from: getpwuid(uid)) },
            groupIDNamed: { name in name.withCString { getgrnam($0)?.pointee.gr_gid } },
            groupNameWithID: { gid in getgrgid(gid).map { String(cString: $0.pointee.gr_name) } },
            fileExists: { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            },
            directoryExists: { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            },
            isExecutable: { path in FileManager.default.isExecutableFile(atPath: path) },
            localeIsAvailable: { name in
                // newlocale only tests the name; the process locale is left alone. The character
                // set category is what Python depends on (LC_CTYPE_MASK is not importable).
                guard let handle = newlocale(Int32(1) << LC_CTYPE, name, nil) else { return false }
                freelocale(handle)
                return true
            })
    }

    private static func account(from entry: UnsafeMutablePointer<passwd>?) -> Account? {
        guard let entry else { return nil }
        return Account(name: String(cString: entry.pointee.pw_name), uid: entry.pointee.pw_uid,
                       gid: entry.pointee.pw_gid)
    }

    /// /proc/self/exe names the binary itself even when started through a symlink or PATH.
    private static func runningExecutableDirectory() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}
