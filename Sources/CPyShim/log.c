/* mod_wsgi.Log: the binary stream under sys.stdout, sys.stderr and wsgi.errors (each an
   io.TextIOWrapper over one, as mod_wsgi 6 makes them); it turns written bytes into error-log
   lines. A partial line waits for its newline, a flush() or the stream's end. */
#include "shim_internal.h"
#include <string.h>

typedef struct {
    PyObject_HEAD
    int level;
    PyObject *remote;   /* str or NULL */
    PyObject *script;   /* str or NULL: lines then start "[script PATH] " */
    char *pending;      /* the partial line */
    Py_ssize_t pending_length, pending_capacity;
} LogObject;

static void emit(LogObject *self, const char *text, Py_ssize_t length) {
    const char *remote = NULL;
    Py_ssize_t remote_length = 0;
    if (self->remote != NULL) remote = PyUnicode_AsUTF8AndSize(self->remote, &remote_length);
    if (remote == NULL) PyErr_Clear();
    Py_ssize_t script_length = 0;
    const char *script = self->script != NULL ? PyUnicode_AsUTF8AndSize(self->script, &script_length) : NULL;
    if (script == NULL || script_length == 0) {
        PyErr_Clear();
        swpy_cb.log_line(self->level, remote, remote_length, text, length);
        return;
    }
    Py_ssize_t total = script_length + 10 + length;   /* "[script " + path + "] " + text */
    char *line = PyMem_Malloc((size_t)total);
    if (line == NULL) {
        swpy_cb.log_line(self->level, remote, remote_length, text, length);
        return;
    }
    memcpy(line, "[script ", 8);
    memcpy(line + 8, script, (size_t)script_length);
    memcpy(line + 8 + script_length, "] ", 2);
    memcpy(line + 10 + script_length, text, (size_t)length);
    swpy_cb.log_line(self->level, remote, remote_length, line, total);
    PyMem_Free(line);
}

static int keep_partial(LogObject *self, const char *text, Py_ssize_t length) {
    if (self->pending_length + length > self->pending_capacity) {
        Py_ssize_t capacity = self->pending_capacity ? self->pending_capacity : 256;
        while (capacity < self->pending_length + length) capacity *= 2;
        char *grown = PyMem_Realloc(self->pending, (size_t)capacity);
        if (grown == NULL) { PyErr_NoMemory(); return -1; }
        self->pending = grown;
        self->pending_capacity = capacity;
    }
    memcpy(self->pending + self->pending_length, text, (size_t)length);
    self->pending_length += length;
    return 0;
}

static void flush_partial(LogObject *self) {
    if (self->pending_length > 0) {
        emit(self, self->pending, self->pending_length);
        self->pending_length = 0;
    }
}

static int write_bytes(LogObject *self, const char *data, Py_ssize_t length) {
    const char *end = data + length;
    while (data < end) {
        const char *newline = memchr(data, '\n', (size_t)(end - data));
        if (newline == NULL) return keep_partial(self, data, end - data);
        if (self->pending_length > 0) {
            if (keep_partial(self, data, newline - data) != 0) return -1;
            flush_partial(self);
        } else {
            emit(self, data, newline - data);
        }
        data = newline + 1;
    }
    return 0;
}

static int warned_str_write = 0;

/* Writes any bytes-like object (bytes, bytearray, memoryview, ...). A str is still taken, as
   mod_wsgi 6 takes it, with one DeprecationWarning per process: it belongs on the text stream.
   Returns the number of bytes (or characters) written, or -1 with an exception set. */
static Py_ssize_t write_object(LogObject *self, PyObject *object) {
    if (PyUnicode_Check(object)) {
        if (!warned_str_write) {
            warned_str_write = 1;
            if (PyErr_WarnEx(PyExc_DeprecationWarning,
                             "str written to the binary log stream (wsgi.errors.buffer, sys.stderr.buffer); "
                             "write bytes there, or str to the text stream", 1) != 0)
                return -1;
        }
        Py_ssize_t length;
        const char *data = PyUnicode_AsUTF8AndSize(object, &length);
        if (data == NULL || write_bytes(self, data, length) != 0) return -1;
        return PyUnicode_GET_LENGTH(object);
    }
    Py_buffer view;
    if (PyObject_GetBuffer(object, &view, PyBUF_SIMPLE) != 0) {
        PyErr_Format(PyExc_TypeError, "write() argument must be a bytes-like object, not %.100s",
                     Py_TYPE(object)->tp_name);
        return -1;
    }
    int rc = write_bytes(self, view.buf, view.len);
    Py_ssize_t length = view.len;
    PyBuffer_Release(&view);
    return rc == 0 ? length : -1;
}

static PyObject *log_write(LogObject *self, PyObject *object) {
    Py_ssize_t written = write_object(self, object);
    if (written < 0) return NULL;
    return PyLong_FromSsize_t(written);
}

static PyObject *log_writelines(LogObject *self, PyObject *lines) {
    PyObject *iterator = PyObject_GetIter(lines);
    if (iterator == NULL) return NULL;
    PyObject *item;
    while ((item = PyIter_Next(iterator)) != NULL) {
        Py_ssize_t written = write_object(self, item);
        Py_DECREF(item);
        if (written < 0) { Py_DECREF(iterator); return NULL; }
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static PyObject *log_flush(LogObject *self, PyObject *unused) { flush_partial(self); Py_RETURN_NONE; }
static PyObject *log_false(PyObject *self, PyObject *unused) { Py_RETURN_FALSE; }
static PyObject *log_true(PyObject *self, PyObject *unused) { Py_RETURN_TRUE; }
static PyObject *log_close(LogObject *self, PyObject *unused) { flush_partial(self); Py_RETURN_NONE; }
static PyObject *log_closed(PyObject *self, void *unused) { Py_RETURN_FALSE; }
static PyObject *log_encoding(PyObject *self, void *unused) { return PyUnicode_FromString("utf-8"); }
static PyObject *log_errors(PyObject *self, void *unused) { return PyUnicode_FromString("backslashreplace"); }

static void log_dealloc(LogObject *self) {
    if (self->pending_length > 0 && swpy_cb.log_line != NULL) flush_partial(self);
    PyMem_Free(self->pending);
    Py_XDECREF(self->remote);
    Py_XDECREF(self->script);
    PyObject_Free(self);
}

static PyMethodDef log_methods[] = {
    {"write", (PyCFunction)log_write, METH_O, "Write bytes; each complete line goes to the error log."},
    {"writelines", (PyCFunction)log_writelines, METH_O, "Write each bytes-like object of an iterable."},
    {"flush", (PyCFunction)log_flush, METH_NOARGS, "Log a pending partial line."},
    {"close", (PyCFunction)log_close, METH_NOARGS, "Flush; the log itself stays open."},
    {"isatty", log_false, METH_NOARGS, NULL},
    {"readable", log_false, METH_NOARGS, NULL},
    {"seekable", log_false, METH_NOARGS, NULL},
    {"writable", log_true, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef log_getset[] = {
    {"closed", log_closed, NULL, NULL, NULL},
    {"encoding", log_encoding, NULL, NULL, NULL},
    {"errors", log_errors, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject swpy_LogType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mod_wsgi.Log",
    .tp_basicsize = sizeof(LogObject),
    .tp_dealloc = (destructor)log_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A binary stream writing lines to the Apache error log.",
    .tp_methods = log_methods,
    .tp_getset = log_getset,
};

PyObject *swpy_log_new(int level, PyObject *remote) {
    LogObject *self = PyObject_New(LogObject, &swpy_LogType);
    if (self == NULL) return NULL;
    self->level = level;
    Py_XINCREF(remote);
    self->remote = remote;
    self->script = NULL;
    self->pending = NULL;
    self->pending_length = self->pending_capacity = 0;
    return (PyObject *)self;
}

PyObject *swpy_text_log_new(PyObject *text_wrapper, int level, PyObject *remote) {
    PyObject *log = swpy_log_new(level, remote);
    if (log == NULL) return NULL;
    /* UTF-8 with errors replaced, line buffered and written through: each write reaches the Log
       at once, which holds a partial line until its newline. */
    PyObject *wrapper = PyObject_CallFunction(text_wrapper, "OssOOO", log, "utf-8", "replace", Py_None, Py_True,
                                              Py_True);
    Py_DECREF(log);
    return wrapper;
}

/* The Log under a wrapper made by swpy_text_log_new, or NULL (no exception set) when the
   application detached it or put another buffer there. Borrowed. */
static LogObject *log_of(PyObject *wrapper) {
    PyObject *buffer = PyObject_GetAttrString(wrapper, "buffer");
    if (buffer == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(buffer);   /* the wrapper keeps it alive */
    return Py_TYPE(buffer) == &swpy_LogType ? (LogObject *)buffer : NULL;
}

int swpy_text_log_rebind(PyObject *wrapper, PyObject *remote, PyObject *script) {
    LogObject *log = log_of(wrapper);
    if (log == NULL) return -1;
    Py_XINCREF(remote);
    Py_XSETREF(log->remote, remote);
    Py_XINCREF(script);
    Py_XSETREF(log->script, script);
    return 0;
}

void swpy_text_log_end_request(PyObject *wrapper) {
    LogObject *log = log_of(wrapper);
    if (log != NULL) flush_partial(log);
}
