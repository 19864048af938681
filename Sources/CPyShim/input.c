/* wsgi.input: reads REQUEST_BODY frames lazily through the read_body callback, with the GIL
   released while it waits on the socket. */
#include "shim_internal.h"
#include <string.h>
#include <time.h>

typedef struct {
    PyObject_HEAD
    PyObject *handle;
    const char *chunk;        /* current chunk, owned by Swift, valid until the next read_body */
    Py_ssize_t chunk_length;
    Py_ssize_t position;
    int at_end;               /* REQUEST_END seen */
    int reading;              /* a read_body call is in flight (another thread must not start one) */
    PyObject *failure;        /* str: the error that ended the body, raised again on every read */
} InputObject;

/* Growable byte buffer for results assembled from several chunks. */
typedef struct { char *data; Py_ssize_t length, capacity; } Accumulator;

static int accumulate(Accumulator *acc, const char *data, Py_ssize_t length) {
    if (acc->length + length > acc->capacity) {
        Py_ssize_t capacity = acc->capacity ? acc->capacity : 8192;
        while (capacity < acc->length + length) capacity *= 2;
        char *grown = PyMem_Realloc(acc->data, (size_t)capacity);
        if (grown == NULL) { PyErr_NoMemory(); return -1; }
        acc->data = grown;
        acc->capacity = capacity;
    }
    memcpy(acc->data + acc->length, data, (size_t)length);
    acc->length += length;
    return 0;
}

static PyObject *accumulator_finish(Accumulator *acc) {
    PyObject *bytes = PyBytes_FromStringAndSize(acc->data ? acc->data : "", acc->length);
    PyMem_Free(acc->data);
    return bytes;
}

/* Makes unread bytes available: 1 when there are some, 0 at the end of the body, -1 on error. */
static int input_fill(InputObject *self) {
    /* Checked first: after the request the chunk points into a buffer that is being reused. */
    void *ctx = swpy_handle_context(self->handle, "wsgi.input used after its request completed");
    if (ctx == NULL) return -1;
    if (self->position < self->chunk_length) return 1;
    if (self->failure != NULL) { PyErr_SetObject(PyExc_OSError, self->failure); return -1; }
    if (self->at_end) return 0;
    if (self->reading) {
        PyErr_SetString(PyExc_RuntimeError, "wsgi.input is being read by another thread");
        return -1;
    }
    const char *data = NULL;
    Py_ssize_t length = 0;
    char message[512];
    message[0] = '\0';
    int rc;
    unsigned long serial = ((swpy_RequestHandle *)self->handle)->serial;
    self->reading = 1;
    PyThreadState *saved = PyEval_SaveThread();
    rc = swpy_cb.read_body(ctx, serial, &data, &length, message, sizeof message);
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    PyEval_RestoreThread(saved);
    clock_gettime(CLOCK_MONOTONIC, &after);
    swpy_gil_wait_record((after.tv_sec - before.tv_sec) * 1000000LL + (after.tv_nsec - before.tv_nsec) / 1000);
    self->reading = 0;
    /* Checked again now that the GIL is back: while it was released the request may have ended,
       and then the chunk is in a buffer that the thread's next request is reusing. */
    if (swpy_handle_context(self->handle, "wsgi.input used after its request completed") == NULL) {
        self->chunk = NULL;
        self->chunk_length = self->position = 0;
        return -1;
    }

    if (rc > 0) {
        swpy_metrics_input(length);
        self->chunk = data;
        self->chunk_length = length;
        self->position = 0;
        return length > 0 ? 1 : input_fill(self);
    }
    self->chunk = NULL;
    self->chunk_length = self->position = 0;
    if (rc == 0) { self->at_end = 1; return 0; }
    self->failure = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    if (self->failure == NULL) return -1;
    PyErr_SetObject(PyExc_OSError, self->failure);
    return -1;
}

static int parse_size(PyObject *args, const char *format, Py_ssize_t *size) {
    PyObject *arg = Py_None;
    *size = -1;
    if (!PyArg_ParseTuple(args, format, &arg)) return -1;
    if (arg == Py_None) return 0;
    *size = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    if (*size == -1 && PyErr_Occurred()) return -1;
    return 0;
}

static PyObject *input_read(InputObject *self, PyObject *args) {
    Py_ssize_t size;
    if (parse_size(args, "|O:read", &size) != 0) return NULL;
    if (size == 0) return PyBytes_FromStringAndSize("", 0);

    int rc = input_fill(self);
    if (rc < 0) return NULL;
    if (rc == 0) return PyBytes_FromStringAndSize("", 0);
    Py_ssize_t available = self->chunk_length - self->position;
    if (size > 0 && available >= size) {   /* the common case: served from one chunk, one copy */
        PyObject *bytes = PyBytes_FromStringAndSize(self->chunk + self->position, size);
        self->position += size;
        return bytes;
    }
    Accumulator acc = {0};
    for (;;) {
        available = self->chunk_length - self->position;
        Py_ssize_t take = (size < 0 || available < size - acc.length) ? available : size - acc.length;
        if (accumulate(&acc, self->chunk + self->position, take) != 0) { PyMem_Free(acc.data); return NULL; }
        self->position += take;
        if (size >= 0 && acc.length >= size) break;
        rc = input_fill(self);
        if (rc < 0) { PyMem_Free(acc.data); return NULL; }
        if (rc == 0) break;
    }
    return accumulator_finish(&acc);
}

/* One line (ending in \n, or at `size` bytes, or at the end of the body). */
static PyObject *read_line(InputObject *self, Py_ssize_t size) {
    Accumulator acc = {0};
    for (;;) {
        if (size >= 0 && acc.length >= size) break;
        int rc = input_fill(self);
        if (rc < 0) { PyMem_Free(acc.data); return NULL; }
        if (rc == 0) break;
        const char *start = self->chunk + self->position;
        Py_ssize_t available = self->chunk_length - self->position;
        if (size >= 0 && available > size - acc.length) available = size - acc.length;
        const char *newline = memchr(start, '\n', (size_t)available);
        Py_ssize_t take = newline ? (newline - start) + 1 : available;
        if (acc.length == 0 && newline != NULL) {   /* whole line inside one chunk: no accumulator */
            self->position += take;
            return PyBytes_FromStringAndSize(start, take);
        }
        if (accumulate(&acc, start, take) != 0) { PyMem_Free(acc.data); return NULL; }
        self->position += take;
        if (newline != NULL) break;
    }
    return accumulator_finish(&acc);
}

static PyObject *input_readline(InputObject *self, PyObject *args) {
    Py_ssize_t size;
    if (parse_size(args, "|O:readline", &size) != 0) return NULL;
    if (size == 0) return PyBytes_FromStringAndSize("", 0);
    return read_line(self, size);
}

static PyObject *input_readlines(InputObject *self, PyObject *args) {
    Py_ssize_t hint;
    if (parse_size(args, "|O:readlines", &hint) != 0) return NULL;
    PyObject *lines = PyList_New(0);
    if (lines == NULL) return NULL;
    Py_ssize_t total = 0;
    for (;;) {
        PyObject *line = read_line(self, -1);
        if (line == NULL) { Py_DECREF(lines); return NULL; }
        Py_ssize_t length = PyBytes_GET_SIZE(line);
        if (length == 0) { Py_DECREF(line); break; }
        int rc = PyList_Append(lines, line);
        Py_DECREF(line);
        if (rc != 0) { Py_DECREF(lines); return NULL; }
        total += length;
        if (hint > 0 && total >= hint) break;
    }
    return lines;
}

static PyObject *input_iter(PyObject *self) { Py_INCREF(self); return self; }

static PyObject *input_next(InputObject *self) {
    PyObject *line = read_line(self, -1);
    if (line != NULL && PyBytes_GET_SIZE(line) == 0) { Py_DECREF(line); return NULL; }
    return line;
}

static PyObject *input_close(InputObject *self, PyObject *unused) { Py_RETURN_NONE; }

static void input_dealloc(InputObject *self) {
    Py_XDECREF(self->handle);
    Py_XDECREF(self->failure);
    PyObject_Free(self);
}

static PyMethodDef input_methods[] = {
    {"read", (PyCFunction)input_read, METH_VARARGS, "read([size]) -> bytes"},
    {"readline", (PyCFunction)input_readline, METH_VARARGS, "readline([size]) -> bytes"},
    {"readlines", (PyCFunction)input_readlines, METH_VARARGS, "readlines([hint]) -> list of bytes"},
    {"close", (PyCFunction)input_close, METH_NOARGS, "No effect: the server owns the stream."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject swpy_InputType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mod_wsgi.Input",
    .tp_basicsize = sizeof(InputObject),
    .tp_dealloc = (destructor)input_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The request body stream (wsgi.input).",
    .tp_iter = input_iter,
    .tp_iternext = (iternextfunc)input_next,
    .tp_methods = input_methods,
};

PyObject *swpy_input_new(PyObject *handle) {
    InputObject *self = PyObject_New(InputObject, &swpy_InputType);
    if (self == NULL) return NULL;
    Py_INCREF(handle);
    self->handle = handle;
    self->chunk = NULL;
    self->chunk_length = self->position = 0;
    self->at_end = self->reading = 0;
    self->failure = NULL;
    return (PyObject *)self;
}
