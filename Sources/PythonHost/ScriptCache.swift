// Loading WSGI scripts as mod_wsgi does: module `_mod_wsgi_<md5 of path>`, one load per (script,
// application group), and a changed `__mtime__` means the process must restart (daemon-mode
// reloading).
// Each interpreter (so each application group) has its own cache, used only while one of its
// thread states is current.
#if canImport(Glibc)
import Glibc
#endif
import CPyShim
import CPython
import Synchronization

enum ScriptLookup {
    /// The WSGI callable (new reference).
    case application(PyObjectPointer)
    /// The script changed on disk since it was loaded.
    case reloadRequired
    /// Loading failed: a one-line reason for the module and the full text for the error log.
    case failed(reason: String, logLines: [String])
}

final class ScriptCache: @unchecked Sendable {
    // @unchecked: `entries` is only touched with the GIL held, loads are serialised by loadLock.
    private struct Entry {
        var path: [UInt8]
        var cPath: [CChar]
        var module: PyObjectPointer
    }

    private var entries: [Entry] = []
    private let helpers: PyObjectPointer
    private let interpreterDescription: String
    private let applicationName = Py.interned("application")
    private let loadLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(helpers: PyObjectPointer, interpreterDescription: String) {
        self.helpers = helpers
        self.interpreterDescription = interpreterDescription
        pthread_mutex_init(loadLock, nil)
    }

    /// The callable `callable` of `script` (GIL held). With `checkReload`, a script that changed on
    /// disk, or whose module's `reload_required(resource)` returns true, asks for a reload.
    func lookup(script: UnsafeRawBufferPointer, callable: UnsafeRawBufferPointer, resource: UnsafeRawBufferPointer,
                checkReload: Bool) -> ScriptLookup {
        if let index = find(script) {
            if checkReload && (changedOnDisk(entries[index]) || reloadRequested(entries[index], resource: resource)) {
                return .reloadRequired
            }
            return attribute(of: entries[index].module, callable: callable, script: script)
        }
        // Another thread may be importing this script with the GIL released: wait without the GIL.
        if pthread_mutex_trylock(loadLock) != 0 {
            withoutGIL { _ = pthread_mutex_lock(loadLock) }
        }
        defer { pthread_mutex_unlock(loadLock) }
        if let index = find(script) {
            return attribute(of: entries[index].module, callable: callable, script: script)
        }
        switch load(path: String(decoding: script, as: UTF8.self)) {
        case .success(let module): return attribute(of: module, callable: callable, script: script)
        case .failure(let failure): return .failed(reason: failure.reason, logLines: failure.logLines)
        }
    }

    /// The module of `script`, loaded if need be (GIL held): new reference, or the failure.
    func module(script: UnsafeRawBufferPointer) -> Result<PyObjectPointer, ScriptLoadFailure> {
        if let index = find(script) {
            Py_INCREF(entries[index].module)
            return .success(entries[index].module)
        }
        if pthread_mutex_trylock(loadLock) != 0 {
            withoutGIL { _ = pthread_mutex_lock(loadLock) }
        }
        defer { pthread_mutex_unlock(loadLock) }
        if let index = find(script) {
            Py_INCREF(entries[index].module)
            return .success(entries[index].module)
        }
        let loaded = load(path: String(decoding: script, as: UTF8.self))
        if case .success(let module) = loaded { Py_INCREF(module) }
        return loaded
    }

    /// Loads a script at start-up (WSGIImportScript / preload); returns the failure, if any.
    func preload(path: String) -> ScriptLoadFailure? {
        let pathBytes = Array(path.utf8)
        if pathBytes.withUnsafeBytes({ find($0) }) != nil { return nil }
        if case .failure(let failure) = load(path: path) { return failure }
        return nil
    }

    private func find(_ script: UnsafeRawBufferPointer) -> Int? {
        entries.firstIndex { $0.path.elementsEqual(script) }
    }

    /// The module's own say (mod_wsgi's reload_required(resource) callback): true only when it
    /// returns a true value; an exception is logged with its traceback and means no.
    private func reloadRequested(_ entry: Entry, resource: UnsafeRawBufferPointer) -> Bool {
        guard let callback = PyObject_GetAttrString(entry.module, "reload_required") else {
            PyErr_Clear()
            return false
        }
        defer { Py_DECREF(callback) }
        guard let argument = Py.string(String(decoding: resource, as: UTF8.self)) else { return false }
        defer { Py_DECREF(argument) }
        guard let result = Py.call(callback, [argument]) else {
            // Logged as mod_wsgi logs it, naming the exception class; the module is kept.
            let path = String(decoding: entry.path, as: UTF8.self)
            let typeName = swpy_exception_type_name().map { String(cString: $0) } ?? "Unknown"
            CallbackBridge.logger.error("WSGI0174: [script \(path)] \(typeName) exception raised processing WSGI script '\(path)' for \(interpreterDescription).")
            for line in (Py.fetchExceptionText() ?? "").split(separator: "\n") { CallbackBridge.logger.error("\(line)") }
            return false
        }
        defer { Py_DECREF(result) }
        let truth = PyObject_IsTrue(result)
        if truth < 0 { PyErr_Clear() }
        return truth == 1
    }

    /// mod_wsgi's test: the module's `__mtime__` (whole microseconds) against the file's. A
    /// module without one (or with one that is not an int), or a script that is gone, reloads.
    private func changedOnDisk(_ entry: Entry) -> Bool {
        guard let dict = PyModule_GetDict(entry.module), let stamp = PyDict_GetItemString(dict, "__mtime__") else {
            return true
        }
        let recorded = PyLong_AsLongLong(stamp)
        if recorded == -1 && PyErr_Occurred() != nil {
            PyErr_Clear()
            return true
        }
        var info = stat()
        guard stat(entry.cPath, &info) == 0 else { return true }
        return Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000 != recorded
    }

    private func attribute(of module: PyObjectPointer, callable: UnsafeRawBufferPointer,
                           script: UnsafeRawBufferPointer) -> ScriptLookup {
        if callable.isEmpty || callable.elementsEqual("application".utf8) {
            if let object = PyObject_GetAttr(module, applicationName) { return .application(object) }
        } else if let object = PyObject_GetAttrString(module, String(decoding: callable, as: UTF8.self)) {
            return .application(object)
        }
        let name = callable.isEmpty ? "application" : String(decoding: callable, as: UTF8.self)
        PyErr_Clear()
        let message = "Target WSGI script '\(String(decoding: script, as: UTF8.self))' does not contain WSGI application '\(name)'."
        return .failed(reason: message, logLines: [message])
    }

    private func load(path: String) -> Result<PyObjectPointer, ScriptLoadFailure> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let message = "failed to load WSGI script '\(path)': \(String(cString: strerror(errno)))"
            return .failure(ScriptLoadFailure(reason: message, logLines: [message]))
        }
        guard let pathObject = Py.string(path),
              let nameFunction = PyDict_GetItemString(helpers, "module_name"),
              let loadFunction = PyDict_GetItemString(helpers, "load_script") else {
            return .failure(failure(path, traceback: Py.fetchExceptionText() ?? "host helpers missing"))
        }
        defer { Py_DECREF(pathObject) }
        guard let moduleName = Py.call(nameFunction, [pathObject]) else {
            return .failure(failure(path, traceback: Py.fetchExceptionText() ?? ""))
        }
        defer { Py_DECREF(moduleName) }
        CallbackBridge.logger.info("Loading WSGI script '\(path)'.")
        guard let module = Py.call(loadFunction, [pathObject, moduleName]) else {
            return .failure(failure(path, traceback: Py.fetchExceptionText() ?? ""))
        }
        entries.append(Entry(path: Array(path.utf8), cPath: Array(path.utf8CString), module: module))
        ScriptLoads.succeeded.add(1, ordering: .relaxed)
        return .success(module)
    }

    private func failure(_ path: String, traceback: String) -> ScriptLoadFailure {
        let lines = traceback.split(separator: "\n").map(String.init)
        let last = lines.last { !$0.hasPrefix(" ") } ?? "unknown error"
        return ScriptLoadFailure(
            reason: "failed to load WSGI script '\(path)': \(last)",
            logLines: ["Failed to exec Python script file '\(path)'."] + lines)
    }
}

public struct ScriptLoadFailure: Error {
    public var reason: String
    public var logLines: [String]
}

/// Scripts this process has loaded, in any interpreter: startup-timeout is cancelled by the first.
public enum ScriptLoads {
    public static let succeeded = Atomic<Int>(0)
}
