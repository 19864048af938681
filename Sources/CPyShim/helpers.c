/* Accessors for macros, singletons and exception globals that Swift 6 cannot use directly. */
#include "shim_internal.h"

PyObject *swpy_none(void) { return Py_None; }
PyObject *swpy_true(void) { return Py_True; }
PyObject *swpy_false(void) { return Py_False; }
PyObject *swpy_bool(int value) { return PyBool_FromLong(value); }
int swpy_is_bytes(PyObject *o) { return PyBytes_Check(o); }
int swpy_is_str(PyObject *o) { return PyUnicode_Check(o); }
int swpy_is_list_exact(PyObject *o) { return PyList_CheckExact(o); }
int swpy_is_tuple_exact(PyObject *o) { return PyTuple_CheckExact(o); }
int swpy_is_list(PyObject *o) { return PyList_Check(o); }
int swpy_is_tuple(PyObject *o) { return PyTuple_Check(o); }

Py_ssize_t swpy_sequence_fast_size(PyObject *o) {
    return PyList_Check(o) ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o);
}

PyObject *swpy_sequence_fast_item(PyObject *o, Py_ssize_t index) {
    return PyList_Check(o) ? PyList_GET_ITEM(o, index) : PyTuple_GET_ITEM(o, index);
}

const char *swpy_bytes_data(PyObject *bytes) { return PyBytes_AS_STRING(bytes); }
Py_ssize_t swpy_bytes_size(PyObject *bytes) { return PyBytes_GET_SIZE(bytes); }
const char *swpy_type_name(PyObject *o) { return Py_TYPE(o)->tp_name; }

int swpy_str_latin1(PyObject *str, const char **data, Py_ssize_t *length) {
    if (PyUnicode_READY(str) != 0) { PyErr_Clear(); return -1; }
    if (PyUnicode_KIND(str) != PyUnicode_1BYTE_KIND) return -1;
    *data = (const char *)PyUnicode_1BYTE_DATA(str);
    *length = PyUnicode_GET_LENGTH(str);
    return 0;
}

int swpy_raise(int kind, const char *message) {
    PyObject *type;
    switch (kind) {
    case SWPY_TYPE_ERROR: type = PyExc_TypeError; break;
    case SWPY_VALUE_ERROR: type = PyExc_ValueError; break;
    case SWPY_OS_ERROR: type = PyExc_OSError; break;
    default: type = PyExc_RuntimeError; break;
    }
    PyErr_SetString(type, message);
    return -1;
}

static PyObject *exception_type(int kind) {
    switch (kind) {
    case SWPY_TYPE_ERROR: return PyExc_TypeError;
    case SWPY_VALUE_ERROR: return PyExc_ValueError;
    case SWPY_OS_ERROR: return PyExc_OSError;
    default: return PyExc_RuntimeError;
    }
}

int swpy_raise_with_repr(int kind, const char *message, PyObject *str) {
    PyObject *bytes = PyUnicode_AsLatin1String(str);
    if (bytes == NULL) {
        return -1;
    }
    PyErr_Format(exception_type(kind), "%s: %R", message, bytes);
    Py_DECREF(bytes);
    return -1;
}

void swpy_raise_latin1_encode_error(PyObject *str) {
    PyObject *bytes = PyUnicode_AsLatin1String(str);
    if (bytes != NULL) {
        /* Encodable after all (a str not in its canonical form): still refuse, saying why. */
        Py_DECREF(bytes);
        PyErr_SetString(PyExc_ValueError, "string could not be read as Latin-1");
    }
}

int swpy_reraise(PyObject *exc_info) {
    if (!PyTuple_Check(exc_info) || PyTuple_GET_SIZE(exc_info) != 3) {
        PyErr_SetString(PyExc_TypeError, "exc_info must be a (type, value, traceback) tuple");
        return -1;
    }
    PyObject *type = PyTuple_GET_ITEM(exc_info, 0);
    PyObject *value = PyTuple_GET_ITEM(exc_info, 1);
    PyObject *tb = PyTuple_GET_ITEM(exc_info, 2);
    Py_INCREF(type);
    Py_INCREF(value);
    Py_INCREF(tb);
    PyErr_Restore(type, value, tb == Py_None ? (Py_DECREF(tb), NULL) : tb);
    return -1;
}

PyObject *swpy_fetch_exception_text(void) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL) return NULL;
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL) PyException_SetTraceback(value, tb);

    PyObject *text = NULL;
    PyObject *module = PyImport_ImportModule("traceback");
    if (module != NULL) {
        PyObject *lines = PyObject_CallMethod(module, "format_exception", "OOO", type,
                                              value ? value : Py_None, tb ? tb : Py_None);
        if (lines != NULL) {
            PyObject *empty = PyUnicode_FromString("");
            if (empty != NULL) text = PyUnicode_Join(empty, lines);
            Py_XDECREF(empty);
            Py_DECREF(lines);
        }
        Py_DECREF(module);
    }
    if (text == NULL) {
        /* Formatting itself failed (e.g. out of memory): fall back to the exception's repr. */
        PyErr_Clear();
        text = PyObject_Repr(value ? value : type);
        if (text == NULL) { PyErr_Clear(); text = PyUnicode_FromString("<unprintable exception>"); }
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return text;
}

int swpy_exception_is_system_exit(void) {
    return PyErr_ExceptionMatches(PyExc_SystemExit);
}

const char *swpy_exception_type_name(void) {
    PyObject *type = PyErr_Occurred();
    if (type == NULL || !PyType_Check(type)) {
        return NULL;
    }
    return ((PyTypeObject *)type)->tp_name;
}
