/* Process-wide request counters behind mod_wsgi.process_metrics() and request_metrics(): one set
   per daemon process, shared by every interpreter (the Python side of each reads them through
   mod_wsgi._process_counters()). Updated with the GIL held, so no other lock is needed. */
#include "shim_internal.h"
#include <time.h>

static struct {
    unsigned long long requests;
    unsigned long long input_bytes, input_reads;
    unsigned long long output_bytes, output_writes;
    double busy_time;     /* seconds spent in the application, summed over requests */
    long active;
    double start_time;    /* when this process's Python started, seconds since the epoch */
} counters;

/* Completed requests by mod_wsgi.thread_id (index). */
static unsigned long long *thread_requests = NULL;
static Py_ssize_t thread_slots = 0;

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

void swpy_metrics_start(void) {
    if (counters.start_time == 0.0) {
        counters.start_time = now_seconds();
    }
}

void swpy_metrics_input(Py_ssize_t length) {
    counters.input_reads++;
    counters.input_bytes += (unsigned long long)length;
}

void swpy_metrics_request_started(void) { counters.active++; }

void swpy_metrics_request_finished(long thread_id, double application_time, long long output_bytes,
                                   long long output_writes) {
    counters.active--;
    counters.requests++;
    counters.busy_time += application_time;
    counters.output_bytes += (unsigned long long)output_bytes;
    counters.output_writes += (unsigned long long)output_writes;
    if (thread_id >= 0 && thread_id >= thread_slots) {
        Py_ssize_t slots = thread_id + 16;
        unsigned long long *grown = PyMem_RawRealloc(thread_requests, (size_t)slots * sizeof *grown);
        if (grown == NULL) {
            return;
        }
        for (Py_ssize_t i = thread_slots; i < slots; i++) {
            grown[i] = 0;
        }
        thread_requests = grown;
        thread_slots = slots;
    }
    if (thread_id >= 0) {
        thread_requests[thread_id]++;
    }
}

/* mod_wsgi._process_counters(): the raw numbers, as a dict. */
PyObject *swpy_process_counters(PyObject *module, PyObject *unused) {
    PyObject *threads = PyList_New(0);
    if (threads == NULL) return NULL;
    for (Py_ssize_t i = 0; i < thread_slots; i++) {
        if (thread_requests[i] == 0) continue;
        PyObject *entry = Py_BuildValue("{s:n,s:K}", "thread_id", i, "request_count", thread_requests[i]);
        if (entry == NULL || PyList_Append(threads, entry) != 0) {
            Py_XDECREF(entry);
            Py_DECREF(threads);
            return NULL;
        }
        Py_DECREF(entry);
    }
    PyObject *result = Py_BuildValue(
        "{s:K,s:d,s:l,s:K,s:K,s:K,s:K,s:d,s:d,s:N}", "request_count", counters.requests, "request_busy_time",
        counters.busy_time, "active_requests", counters.active, "input_bytes", counters.input_bytes, "input_reads",
        counters.input_reads, "output_bytes", counters.output_bytes, "output_writes", counters.output_writes,
        "start_time", counters.start_time, "current_time", now_seconds(), "threads", threads);
    return result;
}

/* mod_wsgi._log_line(level, text): one error-log line at a SWPY_LOG_* level (LogHandler). */
PyObject *swpy_log_line_function(PyObject *module, PyObject *args) {
    int level;
    const char *text;
    Py_ssize_t length;
    if (!PyArg_ParseTuple(args, "is#:_log_line", &level, &text, &length)) return NULL;
    swpy_cb.log_line(level, NULL, 0, text, length);
    Py_RETURN_NONE;
}
