// swift-tools-version:6.0
// mod_wsgi-swift: the Swift half. The Apache module (Sources/mod_wsgi) is C, built by apxs, not here.
import PackageDescription

let package = Package(
    name: "mod_wsgi-swift",
    products: [
        .executable(name: "mod_wsgi-daemon", targets: ["mod_wsgi-daemon"]),
        .executable(name: "mod_wsgi-express", targets: ["mod_wsgi-express"]),
    ],
    dependencies: [
        // CLI parsing for both executables: saves a hand-written option parser with help and errors.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Logging API; our handler writes Apache's error-log line format.
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Debian's CPython 3.11 (pkg-config python3-embed).
        .systemLibrary(name: "CPython", pkgConfig: "python3-embed", providers: [.apt(["python3-dev"])]),
        // C for what Swift cannot express against the Python C API (macros, variadics, type objects).
        .target(name: "CPyShim", dependencies: ["CPython"]),
        // C for GNU-only system calls (signalfd, prctl, accept4, posix_spawn extras, wait macros).
        .target(name: "CSysShim"),
        // The Swift half of protocol/: wire frames, environ codec, supervisor config. No Python.
        .target(name: "WireProtocol"),
        // swift-log handler writing Apache error-log lines to stderr (which is Apache's error log).
        .target(name: "ApacheErrorLog", dependencies: ["CSysShim", .product(name: "Logging", package: "swift-log")]),
        // Embedded CPython: interpreter setup, script loading, the WSGI call, the `mod_wsgi` module.
        .target(name: "PythonHost", dependencies: ["CPython", "CPyShim", "WireProtocol",
                                                   .product(name: "Logging", package: "swift-log")]),
        // One worker process: privilege drop, accept loop, thread pool, signals.
        .target(name: "DaemonCore", dependencies: ["PythonHost", "WireProtocol", "CSysShim", "ApacheErrorLog",
                                                   .product(name: "Logging", package: "swift-log")]),
        // Process groups: sockets, spawn, watch, restart with backoff. Never touches Python.
        .target(name: "SupervisorCore", dependencies: ["WireProtocol", "CSysShim", "ApacheErrorLog",
                                                       .product(name: "Logging", package: "swift-log")]),
        // mod_wsgi-express: options, server-root generation, apachectl.
        .target(name: "ExpressCore", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "mod_wsgi-daemon", dependencies: [
            "DaemonCore", "SupervisorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "mod_wsgi-express", dependencies: [
            "ExpressCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "WireProtocolTests", dependencies: ["WireProtocol"]),
        .testTarget(name: "ApacheErrorLogTests", dependencies: ["ApacheErrorLog"]),
        // Every module a test imports is named, so that a change to it rebuilds the tests (an
        // undeclared WireProtocol left SupervisorCoreTests with a stale struct layout and a crash).
        .testTarget(name: "PythonHostTests", dependencies: ["PythonHost", "WireProtocol",
                                                           .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "DaemonCoreTests", dependencies: ["DaemonCore", "WireProtocol"]),
        .testTarget(name: "SupervisorCoreTests", dependencies: ["SupervisorCore", "WireProtocol", "CSysShim"]),
        .testTarget(name: "ExpressCoreTests", dependencies: ["ExpressCore"]),
    ]
)
