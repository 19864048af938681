/* The built-in `mod_wsgi` module applications import (mod_wsgi.process_group and friends). */
#include "shim_internal.h"
#include <string.h>

int swpy_ready_types(void) {
    if (PyType_Ready(&swpy_RequestHandleType) < 0) return -1;
    if (PyType_Ready(&swpy_InputType) < 0) return -1;
    if (PyType_Ready(&swpy_LogType) < 0) return -1;
    return 0;
}

/* A `mod_wsgi` package on sys.path (mod_wsgi-swift's pip install, whose mod_wsgi.server and
   mod_wsgi.express are Django apps a project lists in INSTALLED_APPS) stays importable beneath
   this built-in module, which takes the package's search path as its __path__ (as mod_wsgi 6
   does). The package's own __init__ is not run. */
static int adopt_package_path(PyObject *module) {
    PyObject *machinery = PyImport_ImportModule("importlib.machinery");
    if (machinery == NULL) return -1;
    PyObject *finder = PyObject_GetAttrString(machinery, "PathFinder");
    Py_DECREF(machinery);
    if (finder == NULL) return -1;
    PyObject *spec = PyObject_CallMethod(finder, "find_spec", "s", "mod_wsgi");
    Py_DECREF(finder);
    if (spec == NULL) return -1;
    int rc = 0;
    if (spec != Py_None) {
        PyObject *locations = PyObject_GetAttrString(spec, "submodule_search_locations");
        if (locations == NULL) {
            rc = -1;
        } else {
            if (locations != Py_None) {
                PyObject *path = PySequence_List(locations);
                rc = path == NULL ? -1 : PyModule_AddObject(module, "__path__", path);
                if (rc != 0) Py_XDECREF(path);
            }
            Py_DECREF(locations);
        }
    }
    Py_DECREF(spec);
    return rc;
}

/* Runs once in every interpreter that imports mod_wsgi (multi-phase init), so each application
   group's sub-interpreter gets a module of its own. The C types are static and shared (as CPython
   3.11 shares its own static types between interpreters); RequestTimeout is a heap type, so each
   interpreter creates its own: `except mod_wsgi.RequestTimeout` then matches in every group. */
static int exec_module(PyObject *module) {
    if (swpy_ready_types() != 0) return -1;
    if (adopt_package_path(module) != 0) return -1;
    /* A BaseException subclass so a bare `except Exception` in the application does not swallow it. */
    PyObject *request_timeout = PyErr_NewExceptionWithDoc(
        "mod_wsgi.RequestTimeout", "The request ran longer than the daemon's request-timeout.",
        PyExc_BaseException, NULL);
    if (request_timeout == NULL) return -1;
    if (PyModule_AddObject(module, "RequestTimeout", request_timeout) != 0) {
        Py_DECREF(request_timeout);
        return -1;
    }
    Py_INCREF(&swpy_InputType);
    if (PyModule_AddObject(module, "Input", (PyObject *)&swpy_InputType) != 0) {
        Py_DECREF(&swpy_InputType);
        return -1;
    }
    Py_INCREF(&swpy_LogType);
    if (PyModule_AddObject(module, "Log", (PyObject *)&swpy_LogType) != 0) {
        Py_DECREF(&swpy_LogType);
        return -1;
    }
    if (PyModule_AddStringConstant(module, "process_group", "") != 0 ||
        PyModule_AddStringConstant(module, "application_group", "") != 0 ||
        PyModule_AddIntConstant(module, "maximum_processes", 1) != 0 ||
        PyModule_AddIntConstant(module, "threads_per_process", 1) != 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static PyMethodDef module_methods[] = {
    {"_process_counters", swpy_process_counters, METH_NOARGS, "Internal: the process's request counters."},
    {"_log_line", swpy_log_line_function, METH_VARARGS, "Internal: one error-log line at a level."},
    {"_start_recording", swpy_start_recording_function, METH_NOARGS, "Internal: start recording requests."},
    {"_recording_started", swpy_recording_started_function, METH_NOARGS, "Internal: whether recording started."},
    {"_take_interval", swpy_take_interval_function, METH_NOARGS, "Internal: this interval's request aggregates."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "mod_wsgi", "mod_wsgi-swift daemon process support.", 0, module_methods, module_slots,
};

static PyObject *init_module(void) { return PyModuleDef_Init(&module_def); }

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

int swpy_inject_async_exception(unsigned long thread_ident, PyObject *type) {
    return PyThreadState_SetAsyncExc(thread_ident, type);
}

void swpy_discard_async_exception(void) {
    PyThreadState *tstate = PyThreadState_Get();
    if (tstate->async_exc == NULL) {
        return;
    }
    /* PyThreadState_SetAsyncExc(id, NULL) must not be used to clear it: it raises the
       interpreter's "async exception pending" flag even for NULL, and only the eval loop of the
       thread that raises one lowers that flag again. A flag left up makes every Python call take
       the slow path, and with sys.settrace/setprofile active 3.11's loop never gets past the first
       instruction of the next call. So let the eval loop take it: evaluating any code raises the
       pending exception at its first instruction and lowers the flag. */
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject *namespace = PyDict_New();
    if (namespace != NULL) {
        PyObject *result = PyRun_String("None", Py_eval_input, namespace, namespace);
        Py_XDECREF(result);
        Py_DECREF(namespace);
    }
    PyErr_Clear();
    if (tstate->async_exc != NULL) {
        /* Not taken (out of memory above): drop it so it cannot hit the next request. */
        Py_CLEAR(tstate->async_exc);
    }
    PyErr_Restore(type, value, traceback);
}
