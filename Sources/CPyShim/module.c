/* The built-in `mod_wsgi` module applications import (mod_wsgi.process_group and friends). */
#include "shim_internal.h"
#include <string.h>

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "mod_wsgi", "mod_wsgi-swift daemon process support.", -1, NULL,
};

int swpy_ready_types(void) {
    if (PyType_Ready(&swpy_RequestHandleType) < 0) return -1;
    if (PyType_Ready(&swpy_InputType) < 0) return -1;
    if (PyType_Ready(&swpy_LogType) < 0) return -1;
    return 0;
}

/* mod_wsgi.RequestTimeout: injected into a request thread that ran past request-timeout. A
   BaseException subclass so a bare `except Exception` in the application does not swallow it. */
static PyObject *request_timeout_type = NULL;

static PyObject *init_module(void) {
    if (swpy_ready_types() != 0) return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    if (request_timeout_type == NULL) {
        request_timeout_type = PyErr_NewExceptionWithDoc(
            "mod_wsgi.RequestTimeout", "The request ran longer than the daemon's request-timeout.",
            PyExc_BaseException, NULL);
        if (request_timeout_type == NULL) { Py_DECREF(module); return NULL; }
    }
    Py_INCREF(request_timeout_type);
    if (PyModule_AddObject(module, "RequestTimeout", request_timeout_type) != 0) {
        Py_DECREF(request_timeout_type);
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&swpy_InputType);
    Py_INCREF(&swpy_LogType);
    if (PyModule_AddObject(module, "Input", (PyObject *)&swpy_InputType) != 0 ||
        PyModule_AddObject(module, "Log", (PyObject *)&swpy_LogType) != 0 ||
        PyModule_AddStringConstant(module, "process_group", "") != 0 ||
        PyModule_AddStringConstant(module, "application_group", "") != 0 ||
        PyModule_AddIntConstant(module, "maximum_processes", 1) != 0 ||
        PyModule_AddIntConstant(module, "threads_per_process", 1) != 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

int swpy_register_builtin_module(void) {
    return PyImport_AppendInittab("mod_wsgi", init_module);
}

int swpy_configure_module(const char *process_group, const char *application_group,
                          long maximum_processes, long threads_per_process,
                          long version_major, long version_minor, long version_micro) {
    PyObject *module = PyImport_ImportModule("mod_wsgi");
    if (module == NULL) return -1;
    PyObject *version = Py_BuildValue("(lll)", version_major, version_minor, version_micro);
    PyObject *group = PyUnicode_DecodeUTF8(process_group, (Py_ssize_t)strlen(process_group), "surrogateescape");
    PyObject *app = PyUnicode_DecodeUTF8(application_group, (Py_ssize_t)strlen(application_group), "surrogateescape");
    PyObject *processes = PyLong_FromLong(maximum_processes);
    PyObject *threads = PyLong_FromLong(threads_per_process);
    int rc = -1;
    if (version && group && app && processes && threads &&
        PyObject_SetAttrString(module, "version", version) == 0 &&
        PyObject_SetAttrString(module, "process_group", group) == 0 &&
        PyObject_SetAttrString(module, "application_group", app) == 0 &&
        PyObject_SetAttrString(module, "maximum_processes", processes) == 0 &&
        PyObject_SetAttrString(module, "threads_per_process", threads) == 0)
        rc = 0;
    Py_XDECREF(version);
    Py_XDECREF(group);
    Py_XDECREF(app);
    Py_XDECREF(processes);
    Py_XDECREF(threads);
    Py_DECREF(module);
    return rc;
}

int swpy_exception_is_request_timeout(void) {
    return request_timeout_type != NULL && PyErr_ExceptionMatches(request_timeout_type);
}

int swpy_inject_request_timeout(unsigned long thread_ident) {
    if (request_timeout_type == NULL) return 0;
    return PyThreadState_SetAsyncExc(thread_ident, request_timeout_type);
}

void swpy_clear_async_exception(unsigned long thread_ident) {
    PyThreadState_SetAsyncExc(thread_ident, NULL);
}
