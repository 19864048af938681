/* The per-request handle and the start_response / write callables bound to it. */
#include "shim_internal.h"

swpy_callbacks swpy_cb;

void swpy_set_callbacks(const swpy_callbacks *callbacks) { swpy_cb = *callbacks; }

static void handle_dealloc(PyObject *self) { PyObject_Free(self); }

PyTypeObject swpy_RequestHandleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "mod_wsgi.RequestHandle",
    .tp_basicsize = sizeof(swpy_RequestHandle),
    .tp_dealloc = handle_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Internal: ties per-request objects to the request being served.",
};

PyObject *swpy_request_handle_new(void *ctx, unsigned long serial) {
    swpy_RequestHandle *handle = PyObject_New(swpy_RequestHandle, &swpy_RequestHandleType);
    if (handle != NULL) {
        handle->ctx = ctx;
        handle->serial = serial;
    }
    return (PyObject *)handle;
}

void swpy_request_handle_invalidate(PyObject *handle) {
    ((swpy_RequestHandle *)handle)->ctx = NULL;
}

void *swpy_handle_context(PyObject *handle, const char *expired) {
    void *ctx = ((swpy_RequestHandle *)handle)->ctx;
    if (ctx == NULL) PyErr_SetString(PyExc_RuntimeError, expired);
    return ctx;
}

static PyObject *write_call(PyObject *handle, PyObject *data) {
    void *ctx = swpy_handle_context(handle, "write() called after request completed");
    if (ctx == NULL) return NULL;
    if (swpy_cb.write(ctx, data) != 0) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef write_def = {"write", write_call, METH_O, "Write response body bytes."};

static PyObject *start_response_call(PyObject *handle, PyObject *args) {
    /* Positional only, headers a list: mod_wsgi's signature and its TypeError texts. */
    PyObject *status, *headers, *exc_info = Py_None;
    if (!PyArg_ParseTuple(args, "OO!|O:start_response", &status, &PyList_Type, &headers, &exc_info))
        return NULL;
    void *ctx = swpy_handle_context(handle, "start_response() called after request completed");
    if (ctx == NULL) return NULL;
    if (swpy_cb.start_response(ctx, status, headers, exc_info) != 0) return NULL;
    return PyCFunction_New(&write_def, handle);
}

static PyMethodDef start_response_def = {
    "start_response", (PyCFunction)start_response_call, METH_VARARGS, "Begin the HTTP response (PEP 3333)."};

PyObject *swpy_start_response_new(PyObject *handle) {
    return PyCFunction_New(&start_response_def, handle);
}
