// Building the WSGI environ from a decoded request head: well-known keys are pre-interned str
// objects indexed by key id, values are decoded from the frame buffer (spike: ~3x fewer
// instructions than setting items by C string).
import CPyShim
import CPython
import WireProtocol

/// Times of one request, microseconds since the epoch (0 = unknown).
public struct RequestTimes {
    public var requestStart: Int64 = 0
    public var queueStart: Int64 = 0
    public var daemonStart: Int64 = 0
    public var applicationStart: Int64 = 0

    public init() {}
}

final class EnvironTemplate: @unchecked Sendable {
    // @unchecked: immutable after init; the objects are immortal for the process and only used with
    // the GIL held.
    private let keysByID: [PyObjectPointer?]
    private let wsgiVersionKey = Py.interned("wsgi.version")
    private let urlSchemeKey = Py.interned("wsgi.url_scheme")
    private let inputKey = Py.interned("wsgi.input")
    private let errorsKey = Py.interned("wsgi.errors")
    private let multithreadKey = Py.interned("wsgi.multithread")
    private let multiprocessKey = Py.interned("wsgi.multiprocess")
    private let runOnceKey = Py.interned("wsgi.run_once")
    private let fileWrapperKey = Py.interned("wsgi.file_wrapper")
    private let inputTerminatedKey = Py.interned("wsgi.input_terminated")
    private let requestStartKey = Py.interned("mod_wsgi.request_start")
    private let queueStartKey = Py.interned("mod_wsgi.queue_start")
    private let daemonStartKey = Py.interned("mod_wsgi.daemon_start")
    private let applicationStartKey = Py.interned("mod_wsgi.application_start")
    private let threadIDKey = Py.interned("mod_wsgi.thread_id")
    private let versionKey = Py.interned("mod_wsgi.version")
    private let apacheVersionKey = Py.interned("apache.version")
    private let http = Py.interned("http")
    private let https = Py.interned("https")
    private let wsgiVersion: PyObjectPointer
    private let modVersion: PyObjectPointer
    /// nil when the supervisor config did not say (unit tests).
    private let apacheVersion: PyObjectPointer?
    private let multithread: PyObjectPointer
    private let multiprocess: PyObjectPointer
    private let runOnce: PyObjectPointer
    private let fileWrapper: PyObjectPointer

    init(settings: InterpreterSettings, fileWrapper: PyObjectPointer) {
        keysByID = EnvironKeys.names.enumerated().map { index, name in index == 0 ? nil : Py.interned(name) }
        wsgiVersion = Self.intTuple([1, 0])
        modVersion = Self.intTuple([modWSGIVersion.major, modWSGIVersion.minor, modWSGIVersion.micro])
        multithread = swpy_bool(settings.threads != 1 ? 1 : 0)
        multiprocess = swpy_bool(settings.multiprocess ? 1 : 0)
        runOnce = swpy_bool(settings.runOnce ? 1 : 0)
        self.fileWrapper = fileWrapper
        apacheVersion = settings.apache.version.count == 3 ? Self.intTuple(settings.apache.version) : nil
    }

    private static func intTuple(_ values: [Int]) -> PyObjectPointer {
        let tuple = PyTuple_New(values.count)!
        for (index, value) in values.enumerated() { PyTuple_SetItem(tuple, index, PyLong_FromLong(value)) }
        return tuple
    }

    /// A new environ dict, or nil with a Python exception set.
    func build(head: RequestHeadDecoder, payload: UnsafeRawBufferPointer, input: PyObjectPointer,
               errors: PyObjectPointer, times: RequestTimes, threadID: PyObjectPointer) -> PyObjectPointer? {
        guard let environ = PyDict_New() else { return nil }
        var secure = false
        for entry in head.entries {
            let value = UnsafeRawBufferPointer(rebasing: payload[entry.valueOffset..<entry.valueOffset + entry.valueLength])
            var key: PyObjectPointer
            var ownsKey = false
            if entry.keyID != 0 {
                if EnvironKeys.isHidden(id: entry.keyID) || Self.isInternalFlag(entry.keyID) { continue }
                if entry.keyID == EnvironKeys.https {
                    // Consumed into wsgi.url_scheme, as mod_wsgi does.
                    secure = Self.isOn(value)
                    continue
                }
                key = keysByID[Int(entry.keyID)]!
            } else {
                let name = UnsafeRawBufferPointer(rebasing: payload[entry.keyOffset..<entry.keyOffset + entry.keyLength])
                if EnvironKeys.isHidden(name) || Self.isPath(name) { continue }
                guard let decoded = Py.latin1(name) else { Py_DECREF(environ); return nil }
                key = decoded
                ownsKey = true
            }
            guard let object = Py.latin1(value) else {
                if ownsKey { Py_DECREF(key) }
                Py_DECREF(environ)
                return nil
            }
            let status = PyDict_SetItem(environ, key, object)
            Py_DECREF(object)
            if ownsKey { Py_DECREF(key) }
            if status != 0 { Py_DECREF(environ); return nil }
        }
        var ok = PyDict_SetItem(environ, wsgiVersionKey, wsgiVersion) == 0
        ok = ok && PyDict_SetItem(environ, urlSchemeKey, secure ? https : http) == 0
        ok = ok && PyDict_SetItem(environ, inputKey, input) == 0
        ok = ok && PyDict_SetItem(environ, errorsKey, errors) == 0
        ok = ok && PyDict_SetItem(environ, multithreadKey, multithread) == 0
        ok = ok && PyDict_SetItem(environ, multiprocessKey, multiprocess) == 0
        ok = ok && PyDict_SetItem(environ, runOnceKey, runOnce) == 0
        ok = ok && PyDict_SetItem(environ, fileWrapperKey, fileWrapper) == 0
        ok = ok && PyDict_SetItem(environ, inputTerminatedKey, swpy_true()) == 0
        ok = ok && PyDict_SetItem(environ, versionKey, modVersion) == 0
        if let apacheVersion { ok = ok && PyDict_SetItem(environ, apacheVersionKey, apacheVersion) == 0 }
        ok = ok && PyDict_SetItem(environ, threadIDKey, threadID) == 0
        ok = ok && setTime(environ, requestStartKey, times.requestStart)
        ok = ok && setTime(environ, queueStartKey, times.queueStart)
        ok = ok && setTime(environ, daemonStartKey, times.daemonStart)
        ok = ok && setTime(environ, applicationStartKey, times.applicationStart)
        if !ok { Py_DECREF(environ); return nil }
        return environ
    }

    private func setTime(_ environ: PyObjectPointer, _ key: PyObjectPointer, _ micros: Int64) -> Bool {
        guard let value = PyFloat_FromDouble(Double(micros) / 1_000_000) else { return false }
        defer { Py_DECREF(value) }
        return PyDict_SetItem(environ, key, value) == 0
    }

    /// HTTPS=on / 1 (any case) means the request came over TLS.
    static func isOn(_ value: UnsafeRawBufferPointer) -> Bool {
        if value.count == 1 { return value[0] == UInt8(ascii: "1") }
        return value.count == 2 && (value[0] | 0x20) == UInt8(ascii: "o") && (value[1] | 0x20) == UInt8(ascii: "n")
    }

    /// mod_wsgi.script_reloading, enable_sendfile and ignore_activity tell the worker how to serve
    /// the request; mod_wsgi 6 keeps them out of the application's environ.
    static func isInternalFlag(_ id: UInt8) -> Bool {
        id == EnvironKeys.scriptReloading || id == EnvironKeys.ignoreActivity || id == enableSendfileID
    }

    private static let enableSendfileID = EnvironKeys.id(for: "mod_wsgi.enable_sendfile")!

    /// PATH never reaches the application (mod_wsgi removes it).
    static func isPath(_ name: UnsafeRawBufferPointer) -> Bool {
        name.count == 4 && name.elementsEqual("PATH".utf8)
    }
}
