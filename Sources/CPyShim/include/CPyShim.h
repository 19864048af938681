/* What Swift cannot do against the CPython 3.11 API: macros, variadics, mutable globals and the
   C types the WSGI call needs (start_response/write, wsgi.input, the log streams, the built-in
   `mod_wsgi` module). No policy lives here: the request logic is Swift, reached through the
   callbacks registered with swpy_set_callbacks. */
#ifndef MOD_WSGI_SWIFT_CPYSHIM_H
#define MOD_WSGI_SWIFT_CPYSHIM_H

/* By relative path, so Clang maps it to the CPython module and Swift sees one PyObject type. */
#include "../../CPython/CPythonEmbed.h"

/* ---- callbacks into Swift ------------------------------------------------------------------ */

typedef struct {
    /* start_response(status, headers, exc_info) with the GIL held; exc_info is Py_None when not
       given. Returns 0, or -1 with a Python exception set. */
    int (*start_response)(void *ctx, PyObject *status, PyObject *headers, PyObject *exc_info);
    /* write(data) with the GIL held (the callee may release it around I/O). 0, or -1 with an
       exception set. */
    int (*write)(void *ctx, PyObject *data);
    /* The next request body chunk of request `serial`, called WITHOUT the GIL (perhaps from an
       application thread, perhaps after that request ended: the callee refuses then). Returns 1
       with *data and *length set (valid until the next call, and only while the handle is live),
       0 at the end of the body, or -1 with a message in errbuf. */
    int (*read_body)(void *ctx, unsigned long serial, const char **data, Py_ssize_t *length,
                     char *errbuf, size_t errlen);
    /* One complete log line (no newline) with the GIL held. remote may be NULL. */
    void (*log_line)(int level, const char *remote, Py_ssize_t remote_length, const char *text,
                     Py_ssize_t length);
} swpy_callbacks;

/* Registers the callbacks; call once before Python starts. */
void swpy_set_callbacks(const swpy_callbacks *callbacks);

/* Log levels for log_line and swpy_log_new. */
enum { SWPY_LOG_ERROR = 0, SWPY_LOG_WARNING = 1, SWPY_LOG_INFO = 2, SWPY_LOG_CRITICAL = 3, SWPY_LOG_DEBUG = 4 };

/* ---- process-wide request counters (metrics.c), GIL held ---------------------------------- */

/* Records when Python started (once). */
void swpy_metrics_start(void);
void swpy_metrics_request_started(void);
void swpy_metrics_request_finished(long thread_id, double application_time, long long output_bytes,
                                   long long output_writes);

/* One finished request for request_metrics() (kept only once start_recording_metrics() was
   called). Times in microseconds since the epoch; durations in microseconds. */
typedef struct {
    long long request_start, queue_start, daemon_start, application_start, application_finish;
    long long input_bytes, input_reads, input_read_us;
    long long output_bytes, output_writes, output_write_us;
    long long gil_wait_us, gil_wait_count;
    int status;
} swpy_request_record;
void swpy_metrics_record_request(const swpy_request_record *record);

/* The calling thread waited `microseconds` to get the GIL back (during a request). */
void swpy_gil_wait_record(long long microseconds);
/* This thread's GIL waits since the last call, and resets them. */
void swpy_gil_wait_take(long long *microseconds, long long *count);

/* ---- the `mod_wsgi` built-in module -------------------------------------------------------- */

/* Adds `mod_wsgi` to the init table; call before Py_InitializeFromConfig. Returns 0 or -1. */
int swpy_register_builtin_module(void);

/* Sets process_group, application_group, maximum_processes, threads_per_process and version
   on the current interpreter's mod_wsgi module. GIL held. Returns 0, or -1 with an exception set. */
int swpy_configure_module(const char *process_group, const char *application_group,
                          long maximum_processes, long threads_per_process,
                          long version_major, long version_minor, long version_micro);

/* Schedules the exception `type` in the thread with this PyThread ident, among the threads of the
   CURRENT interpreter (GIL held). Returns how many threads were affected (0 or 1). */
int swpy_inject_async_exception(unsigned long thread_ident, PyObject *type);

/* Drops an injected exception the calling thread has not raised yet, from its current thread
   state (GIL held), leaving the interpreter's pending flag down. */
void swpy_discard_async_exception(void);

/* ---- per-request objects ------------------------------------------------------------------- */

/* A handle holding the Swift request context and the request's serial number; every per-request
   Python object refers to it, and invalidating it makes late calls (an app that kept
   start_response or wsgi.input) raise. */
PyObject *swpy_request_handle_new(void *ctx, unsigned long serial);
void swpy_request_handle_invalidate(PyObject *handle);

/* The start_response callable for a handle. */
PyObject *swpy_start_response_new(PyObject *handle);

/* A wsgi.input object reading body chunks through read_body. */
PyObject *swpy_input_new(PyObject *handle);

/* The binary stream that sends each line written to it to log_line. */
PyObject *swpy_log_new(int level, PyObject *remote);

/* sys.stdout, sys.stderr and wsgi.errors: `text_wrapper` (io.TextIOWrapper) over a new Log. */
PyObject *swpy_text_log_new(PyObject *text_wrapper, int level, PyObject *remote);

/* Readies a wrapper from swpy_text_log_new for a request: its lines carry this client address
   and start "[script PATH] " (either may be NULL). 0, or -1 (no exception set) when the
   application detached or replaced its buffer. */
int swpy_text_log_rebind(PyObject *wrapper, PyObject *remote, PyObject *script);

/* Logs the partial line a wrapper's Log holds, at the end of a request. */
void swpy_text_log_end_request(PyObject *wrapper);

/* ---- small helpers for Swift --------------------------------------------------------------- */

PyObject *swpy_none(void);
PyObject *swpy_true(void);
PyObject *swpy_false(void);
PyObject *swpy_bool(int value); /* a new reference */
int swpy_is_bytes(PyObject *o);
int swpy_is_str(PyObject *o);
int swpy_is_list_exact(PyObject *o);
int swpy_is_tuple_exact(PyObject *o);
int swpy_is_list(PyObject *o);
int swpy_is_tuple(PyObject *o);
Py_ssize_t swpy_sequence_fast_size(PyObject *list_or_tuple);
PyObject *swpy_sequence_fast_item(PyObject *list_or_tuple, Py_ssize_t index); /* borrowed */
const char *swpy_bytes_data(PyObject *bytes);
Py_ssize_t swpy_bytes_size(PyObject *bytes);
const char *swpy_type_name(PyObject *o);

/* The Latin-1 bytes of a str without copying: 0 with *data and *length set when every character is
   below 256, -1 otherwise (no exception set). */
int swpy_str_latin1(PyObject *str, const char **data, Py_ssize_t *length);

/* Raises an exception of a kind below with a message; always returns -1. */
enum { SWPY_TYPE_ERROR = 0, SWPY_VALUE_ERROR = 1, SWPY_RUNTIME_ERROR = 2, SWPY_OS_ERROR = 3 };
int swpy_raise(int kind, const char *message);

/* Raises `kind` with "message: <repr of the str's Latin-1 bytes>"; always returns -1. */
int swpy_raise_with_repr(int kind, const char *message, PyObject *str);

/* Raises the UnicodeEncodeError that encoding `str` to Latin-1 gives. */
void swpy_raise_latin1_encode_error(PyObject *str);

/* Re-raises a (type, value, traceback) exc_info tuple; returns -1 (or raises TypeError when it is
   not one). */
int swpy_reraise(PyObject *exc_info);

/* The pending exception as traceback text ("Traceback (most recent call last): ..."), clearing
   it. New reference, or NULL when no exception was pending. */
PyObject *swpy_fetch_exception_text(void);

/* The C type name (tp_name) of the pending exception's class, or NULL (not cleared). */
const char *swpy_exception_type_name(void);

/* 1 when the pending exception is an instance of SystemExit (not cleared). */
int swpy_exception_is_system_exit(void);

#endif
