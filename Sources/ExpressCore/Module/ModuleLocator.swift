/// Finds the Apache module. In the build tree it sits beside mod_wsgi-express
/// (build/mod_wsgi-express, build/mod_wsgi-swift.so); after `make install` it is in Apache's
/// modules directory.
public enum ModuleLocator {
    public static let moduleFileName = "mod_wsgi-swift.so"
    /// Debian's `apxs -q LIBEXECDIR`; apxs itself is only present with apache2-dev.
    public static let defaultModulesDirectory = "/usr/lib/apache2/modules"

    public struct Location: Equatable, Sendable {
        public let path: String
        /// False when neither place has the file; `path` is then the modules-directory one.
        public let exists: Bool
    }

    public static func locate(executableDirectory: String, modulesDirectory: String,
                              fileExists: (String) -> Bool) -> Location {
        let beside = join(executableDirectory, moduleFileName)
        if fileExists(beside) {
            return Location(path: beside, exists: true)
        }
        let installed = join(modulesDirectory, moduleFileName)
        return Location(path: installed, exists: fileExists(installed))
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
