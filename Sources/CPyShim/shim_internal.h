/* Shared between the shim's C files; not part of the Swift-visible API. */
#ifndef MOD_WSGI_SWIFT_SHIM_INTERNAL_H
#define MOD_WSGI_SWIFT_SHIM_INTERNAL_H
#include "include/CPyShim.h"

extern swpy_callbacks swpy_cb;

typedef struct {
    PyObject_HEAD
    void *ctx;             /* the Swift request; NULL once the request has completed */
    unsigned long serial;  /* which of that thread's requests this is */
} swpy_RequestHandle;

extern PyTypeObject swpy_RequestHandleType;
extern PyTypeObject swpy_InputType;
extern PyTypeObject swpy_LogType;

/* The live context of a handle, or NULL with RuntimeError(`expired`) set. */
void *swpy_handle_context(PyObject *handle, const char *expired);

int swpy_ready_types(void);

/* metrics.c: module functions and the input counter. */
PyObject *swpy_process_counters(PyObject *module, PyObject *unused);
PyObject *swpy_log_line_function(PyObject *module, PyObject *args);
PyObject *swpy_start_recording_function(PyObject *module, PyObject *unused);
PyObject *swpy_take_interval_function(PyObject *module, PyObject *unused);
PyObject *swpy_recording_started_function(PyObject *module, PyObject *unused);
void swpy_metrics_input(Py_ssize_t length);
#endif
