/* Process-wide request counters behind mod_wsgi.process_metrics() and request_metrics(): one set
   per daemon process, shared by every interpreter (the Python side of each reads them through
   mod_wsgi._process_counters()). Updated with the GIL held, so no other lock is needed. */
#include "shim_internal.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
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

/* ---- request_metrics(): per-interval aggregates ------------------------------------------- */

/* A histogram with mod_wsgi 6's layout: bucket 0 below 1 ms, then 16 doublings from 1 ms to
   65.536 s each split in 4 equal parts, and one bucket for everything longer. */
enum { BUCKETS = 65 };

typedef struct {
    double total;                     /* seconds */
    unsigned long long min_us, max_us;
    long buckets[BUCKETS];
} Phase;

static int bucket_of(double seconds) {
    double ms = seconds * 1000.0;
    if (ms < 1.0) return 0;
    if (ms >= 65536.0) return BUCKETS - 1;
    int exponent;
    double mantissa = frexp(ms, &exponent);   /* ms = mantissa * 2^exponent, mantissa in [0.5, 1) */
    int part = (int)((2.0 * mantissa - 1.0) * 4.0);
    return (exponent - 1) * 4 + (part > 3 ? 3 : part);
}

static void phase_reset(Phase *phase) {
    memset(phase, 0, sizeof *phase);
    phase->min_us = ULLONG_MAX;
}

static void phase_record(Phase *phase, long long us) {
    unsigned long long value = us > 0 ? (unsigned long long)us : 0;
    double seconds = (double)value / 1e6;
    phase->total += seconds;
    if (value < phase->min_us) phase->min_us = value;
    if (value > phase->max_us) phase->max_us = value;
    phase->buckets[bucket_of(seconds)]++;
}

enum { SERVER, QUEUE, DAEMON, APPLICATION, REQUEST, GIL_WAIT, INPUT_READ, OUTPUT_WRITE, PHASES };
static const char *const phase_names[PHASES] = {
    "server_time", "queue_time", "daemon_time", "application_time", "request_time", "gil_wait_time",
    "input_read_time", "output_write_time"};

static struct {
    int recording;
    unsigned long long requests, gil_wait_count;
    unsigned long long input_bytes, input_reads, output_bytes, output_writes;
    unsigned long long status[5];   /* 1xx .. 5xx */
    Phase phases[PHASES];
} interval;

/* This thread's GIL waits during the current request. */
static _Thread_local unsigned long long thread_gil_wait_us, thread_gil_wait_count;

void swpy_gil_wait_record(long long microseconds) {
    thread_gil_wait_us += microseconds > 0 ? (unsigned long long)microseconds : 0;
    thread_gil_wait_count++;
}

void swpy_gil_wait_take(long long *microseconds, long long *count) {
    *microseconds = (long long)thread_gil_wait_us;
    *count = (long long)thread_gil_wait_count;
    thread_gil_wait_us = thread_gil_wait_count = 0;
}

static void interval_reset(void) {
    int recording = interval.recording;
    memset(&interval, 0, sizeof interval);
    interval.recording = recording;
    for (int i = 0; i < PHASES; i++) phase_reset(&interval.phases[i]);
}

void swpy_metrics_record_request(const swpy_request_record *record) {
    if (!interval.recording) return;
    long long server, queue = 0, daemon = 0;
    if (record->queue_start > 0) {
        server = record->queue_start - record->request_start;
        queue = record->daemon_start - record->queue_start;
        daemon = record->application_start - record->daemon_start;
    } else {
        server = record->application_start - record->request_start;
    }
    if (server < 0) server = 0;
    if (queue < 0) queue = 0;
    if (daemon < 0) daemon = 0;
    long long application = record->application_finish - record->application_start;
    if (application < 0) application = 0;
    interval.requests++;
    phase_record(&interval.phases[SERVER], server);
    phase_record(&interval.phases[QUEUE], queue);
    phase_record(&interval.phases[DAEMON], daemon);
    phase_record(&interval.phases[APPLICATION], application);
    phase_record(&interval.phases[REQUEST], server + queue + daemon + application);
    phase_record(&interval.phases[GIL_WAIT], record->gil_wait_us);
    phase_record(&interval.phases[INPUT_READ], record->input_read_us);
    phase_record(&interval.phases[OUTPUT_WRITE], record->output_write_us);
    interval.gil_wait_count += (unsigned long long)record->gil_wait_count;
    interval.input_bytes += (unsigned long long)record->input_bytes;
    interval.input_reads += (unsigned long long)record->input_reads;
    interval.output_bytes += (unsigned long long)record->output_bytes;
    interval.output_writes += (unsigned long long)record->output_writes;
    if (record->status >= 100 && record->status < 600) interval.status[record->status / 100 - 1]++;
}

/* mod_wsgi._start_recording(): from now on requests are recorded; True the first time. */
PyObject *swpy_start_recording_function(PyObject *module, PyObject *unused) {
    if (interval.recording) Py_RETURN_FALSE;
    interval_reset();
    interval.recording = 1;
    Py_RETURN_TRUE;
}

/* mod_wsgi._recording_started(): whether any interpreter started recording. */
PyObject *swpy_recording_started_function(PyObject *module, PyObject *unused) {
    return PyBool_FromLong(interval.recording);
}

static int set_steal(PyObject *dict, const char *key, PyObject *value) {
    if (value == NULL) return -1;
    int rc = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return rc;
}

/* mod_wsgi._take_interval(): the interval's aggregates as a dict (each phase as its average,
   _min_us/_max_us (None without requests) and _buckets), starting the next interval. */
PyObject *swpy_take_interval_function(PyObject *module, PyObject *unused) {
    PyObject *dict = PyDict_New();
    if (dict == NULL) return NULL;
    static const char *const status_names[5] = {"status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx"};
    char key[64];
    int failed = 0;
    for (int i = 0; i < PHASES && !failed; i++) {
        Phase *phase = &interval.phases[i];
        double average = interval.requests ? phase->total / (double)interval.requests : 0.0;
        PyObject *buckets = PyList_New(BUCKETS);
        if (buckets == NULL) { failed = 1; break; }
        for (int b = 0; b < BUCKETS; b++) PyList_SET_ITEM(buckets, b, PyLong_FromLong(phase->buckets[b]));
        failed |= set_steal(dict, phase_names[i], PyFloat_FromDouble(average)) != 0;
        snprintf(key, sizeof key, "%s_buckets", phase_names[i]);
        failed |= set_steal(dict, key, buckets) != 0;
        snprintf(key, sizeof key, "%s_min_us", phase_names[i]);
        failed |= set_steal(dict, key, interval.requests ? PyLong_FromUnsignedLongLong(phase->min_us)
                                                         : Py_NewRef(Py_None)) != 0;
        snprintf(key, sizeof key, "%s_max_us", phase_names[i]);
        failed |= set_steal(dict, key, interval.requests ? PyLong_FromUnsignedLongLong(phase->max_us)
                                                         : Py_NewRef(Py_None)) != 0;
    }
    for (int s = 0; s < 5 && !failed; s++) failed |= set_steal(dict, status_names[s], PyLong_FromUnsignedLongLong(interval.status[s])) != 0;
    if (!failed) {
        failed |= set_steal(dict, "gil_wait_count", PyLong_FromUnsignedLongLong(interval.gil_wait_count)) != 0;
        failed |= set_steal(dict, "input_bytes", PyLong_FromUnsignedLongLong(interval.input_bytes)) != 0;
        failed |= set_steal(dict, "input_reads", PyLong_FromUnsignedLongLong(interval.input_reads)) != 0;
        failed |= set_steal(dict, "output_bytes", PyLong_FromUnsignedLongLong(interval.output_bytes)) != 0;
        failed |= set_steal(dict, "output_writes", PyLong_FromUnsignedLongLong(interval.output_writes)) != 0;
        failed |= set_steal(dict, "interval_requests", PyLong_FromUnsignedLongLong(interval.requests)) != 0;
    }
    if (failed) { Py_DECREF(dict); return NULL; }
    interval_reset();
    return dict;
}
