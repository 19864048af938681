@testable import ExpressCore

/// A made-up machine: user alice (uid 1000, group staff 50), root, and www-data (33), with
/// only the files and directories the test lists.
func fakeHost(uid: UInt32 = 1000, variables: [String: String] = [:],
              files: Set<String> = [], directories: Set<String> = ["/home/alice/site"],
              locales: Set<String> = ["C.UTF-8", "en_US.UTF-8"]) -> HostEnvironment {
    let accounts = [
        HostEnvironment.Account(name: "root", uid: 0, gid: 0),
        HostEnvironment.Account(name: "alice", uid: 1000, gid: 50),
        HostEnvironment.Account(name: "www-data", uid: 33, gid: 33),
    ]
    let groups: [String: UInt32] = ["root": 0, "staff": 50, "www-data": 33]
    let executables: Set<String> = ["/usr/sbin/apache2", "/opt/httpd/bin/httpd", "/usr/bin/bash", "/usr/bin/rotatelogs"]
    let allFiles = files.union(["/etc/mime.types"])
    return HostEnvironment(
        uid: uid, gid: uid == 0 ? 0 : 50,
        currentDirectory: "/home/alice/site", variables: variables,
        executableDirectory: "/home/alice/mod_wsgi-swift/build",
        accountNamed: { name in accounts.first { $0.name == name } },
        accountWithID: { uid in accounts.first { $0.uid == uid } },
        groupIDNamed: { groups[$0] },
        groupNameWithID: { gid in groups.first { $0.value == gid }?.key },
        fileExists: { allFiles.contains($0) },
        directoryExists: { directories.contains($0) },
        isExecutable: { executables.contains($0) },
        localeIsAvailable: { locales.contains($0) })
}

/// Options as typed after `setup-server`.
func options(_ arguments: [String]) throws -> ServerOptions {
    try ServerOptions.parse(arguments)
}

/// The configuration a command line gives on the fake machine.
func configuration(_ arguments: [String], host: HostEnvironment = fakeHost()) throws -> ServerConfiguration {
    try ServerConfiguration.resolve(options(arguments), in: host)
}

/// The ExpressError a command line is refused with, or nil when it is accepted.
func refusal(_ arguments: [String], host: HostEnvironment = fakeHost()) -> ExpressError? {
    do {
        _ = try configuration(arguments, host: host)
        return nil
    } catch let error as ExpressError {
        return error
    } catch {
        return ExpressError("unexpected error \(error)", exitCode: -1)
    }
}
