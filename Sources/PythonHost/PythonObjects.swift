// Small conveniences over the CPython C API, used with the GIL held.
import CPyShim
import CPython

public typealias PyObjectPointer = UnsafeMutablePointer<PyObject>

enum Py {
    /// True when this thread holds the GIL, in whichever interpreter. For debug assertions:
    /// allocating a Python object without the GIL corrupts Python's heap, and only shows later,
    /// somewhere else, under load. (PyGILState_Check is no use here: it only knows each
    /// thread's main-interpreter state.)
    static func thisThreadHoldsGIL() -> Bool {
        guard let current = _PyThreadState_UncheckedGet() else { return false }
        return current.pointee.thread_id == PyThread_get_thread_ident()
    }

    /// A new str from Swift text (UTF-8).
    static func string(_ text: String) -> PyObjectPointer? {
        assert(thisThreadHoldsGIL(), "Py.string without the GIL")
        var text = text
        return text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) {
                PyUnicode_DecodeUTF8($0.baseAddress, $0.count, "surrogateescape")
            }
        }
    }

    /// An interned str that lives for the whole process (environ keys, attribute names).
    static func interned(_ text: String) -> PyObjectPointer {
        assert(thisThreadHoldsGIL(), "Py.interned without the GIL")
        guard let object = PyUnicode_InternFromString(text) else {
            fatalError("Python could not allocate the interned string '\(text)'")
        }
        return object
    }

    /// A str decoded from Latin-1 bytes, as environ values are.
    @inline(__always)
    static func latin1(_ bytes: UnsafeRawBufferPointer) -> PyObjectPointer? {
        PyUnicode_DecodeLatin1(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count, nil)
    }

    /// A new reference to None.
    static func none() -> PyObjectPointer {
        let none = swpy_none()!
        Py_INCREF(none)
        return none
    }

    /// The host helper run_hook's answer, an (int, [str]) tuple, as the outcome and each value's
    /// UTF-8 bytes; nil when it is not that shape.
    static func hookAnswer(_ result: PyObjectPointer) -> (UInt8, [[UInt8]])? {
        guard swpy_is_tuple(result) != 0, swpy_sequence_fast_size(result) == 2,
              let outcomeObject = swpy_sequence_fast_item(result, 0),
              let list = swpy_sequence_fast_item(result, 1), swpy_is_list(list) != 0 else { return nil }
        let outcome = PyLong_AsLong(outcomeObject)
        guard outcome >= 0 && outcome <= 255 else { PyErr_Clear(); return nil }
        var values: [[UInt8]] = []
        for index in 0..<swpy_sequence_fast_size(list) {
            var length = 0
            guard let item = swpy_sequence_fast_item(list, index), swpy_is_str(item) != 0,
                  let utf8 = PyUnicode_AsUTF8AndSize(item, &length) else { PyErr_Clear(); return nil }
            values.append(Array(UnsafeRawBufferPointer(start: utf8, count: length)))
        }
        return (UInt8(outcome), values)
    }

    /// Swift text of a str object (UTF-8; lone surrogates replaced).
    static func text(_ object: PyObjectPointer) -> String {
        var length = 0
        if let utf8 = PyUnicode_AsUTF8AndSize(object, &length) {
            return String(decoding: UnsafeRawBufferPointer(start: utf8, count: length), as: UTF8.self)
        }
        PyErr_Clear()
        guard let repr = PyObject_Repr(object) else { PyErr_Clear(); return "<unprintable>" }
        defer { Py_DECREF(repr) }
        guard let utf8 = PyUnicode_AsUTF8AndSize(repr, &length) else { PyErr_Clear(); return "<unprintable>" }
        return String(decoding: UnsafeRawBufferPointer(start: utf8, count: length), as: UTF8.self)
    }

    /// Calls `function` with positional arguments (borrowed); returns a new reference or nil.
    static func call(_ function: PyObjectPointer, _ arguments: [PyObjectPointer]) -> PyObjectPointer? {
        assert(thisThreadHoldsGIL(), "Py.call without the GIL")
        var vector: [UnsafeMutablePointer<PyObject>?] = arguments
        return vector.withUnsafeMutableBufferPointer {
            PyObject_Vectorcall(function, $0.baseAddress, $0.count, nil)
        }
    }

    /// The two-argument call of every request (app(environ, start_response)), without an array.
    @inline(__always)
    static func call(_ function: PyObjectPointer, _ first: PyObjectPointer, _ second: PyObjectPointer) -> PyObjectPointer? {
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<PyObject>?.self, capacity: 2) { vector in
            vector[0] = first
            vector[1] = second
            return PyObject_Vectorcall(function, vector.baseAddress, 2, nil)
        }
    }

    /// The pending exception as traceback text, cleared; nil when none is pending.
    static func fetchExceptionText() -> String? {
        guard let text = swpy_fetch_exception_text() else { return nil }
        defer { Py_DECREF(text) }
        return Py.text(text)
    }

    /// Runs Python source in a fresh namespace and returns that namespace (a dict).
    static func run(source: String, filename: String) throws -> PyObjectPointer {
        guard let code = Py_CompileString(source, filename, Py_file_input) else {
            throw PythonHostError.python(Py.fetchExceptionText() ?? "compile failed")
        }
        defer { Py_DECREF(code) }
        guard let namespace = PyDict_New() else { throw PythonHostError.python("out of memory") }
        guard let builtins = PyEval_GetBuiltins() else { throw PythonHostError.python("no builtins") }
        PyDict_SetItemString(namespace, "__builtins__", builtins)
        guard let result = PyEval_EvalCode(code, namespace, namespace) else {
            Py_DECREF(namespace)
            throw PythonHostError.python(Py.fetchExceptionText() ?? "exec failed")
        }
        Py_DECREF(result)
        return namespace
    }
}

public enum PythonHostError: Error, CustomStringConvertible {
    case initialization(String)
    case python(String)

    public var description: String {
        switch self {
        case .initialization(let message): return "Python initialisation failed: \(message)"
        case .python(let message): return message
        }
    }
}
