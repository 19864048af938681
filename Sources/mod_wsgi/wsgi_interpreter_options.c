/* <WSGIInterpreterOptions [process-group=NAME] [application-group=NAME]>: per-interpreter settings
 * (WSGIPythonPath, WSGISwitchInterval, WSGIRestrictStdin/Stdout/Signal, and Off for
 * WSGIPerInterpreterGIL/WSGIFreeThreading) for the interpreters the selectors match. The module
 * only validates and records them; the supervisor config carries them to the workers, which apply
 * the matching containers when they create an interpreter (PROTOCOL.md, "Interpreter options"). */
#include <stdlib.h>
#include <string.h>

#include "httpd.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "http_config.h"

#include "wsgi_config.h"

#define SECTION "<WSGIInterpreterOptions>"

/* A selector's value: "" for %{GLOBAL}; no spaces or '*' (they have meanings in the supervisor
 * config). NULL with *error set when it cannot be one. */
static const char *selector_value(cmd_parms *cmd, const char *name, const char *value,
                                  const char **error)
{
    const char *c;

    if (strcmp(value, WSGI_GLOBAL_GROUP) == 0) {
        return "";
    }
    for (c = value; *c; c++) {
        if (apr_isspace(*c) || apr_iscntrl(*c) || *c == '*') {
            break;
        }
    }
    if (!*value || *c) {
        *error = apr_psprintf(cmd->pool, SECTION " %s='%s': a name without spaces or '*', or "
                              "%%{GLOBAL}, is needed", name, value);
        return NULL;
    }
    return value;
}

static int on_off(const char *value)
{
    if (!strcasecmp(value, "On")) {
        return 1;
    }
    return !strcasecmp(value, "Off") ? 0 : -1;
}

/* One directive inside the container. NULL, or why it cannot be there. */
static const char *take_setting(cmd_parms *cmd, wsgi_interpreter_options *options,
                                const ap_directive_t *child)
{
    const char *name = child->directive;
    const char *args = child->args;
    const char *value = ap_getword_conf(cmd->temp_pool, &args);
    int flag = on_off(value);

    if (!*value || *ap_getword_conf(cmd->temp_pool, &args)) {
        return apr_psprintf(cmd->pool, "%s inside " SECTION " takes one argument", name);
    }
    value = apr_pstrdup(cmd->pool, value);
    if (!strcasecmp(name, "WSGIPythonPath")) {
        options->python_path = value;
        return NULL;
    }
    if (!strcasecmp(name, "WSGISwitchInterval")) {
        char *end = NULL;
        double seconds = strtod(value, &end);
        if (*end || !(seconds > 0) || seconds > 3600) {
            return apr_psprintf(cmd->pool, "WSGISwitchInterval inside " SECTION " must be a "
                                "number of seconds greater than 0, not '%s'", value);
        }
        options->switch_interval = value;
        return NULL;
    }
    if (!strcasecmp(name, "WSGIRestrictStdin") || !strcasecmp(name, "WSGIRestrictStdout")
        || !strcasecmp(name, "WSGIRestrictSignal") || !strcasecmp(name, "WSGIPerInterpreterGIL")
        || !strcasecmp(name, "WSGIFreeThreading")) {
        if (flag < 0) {
            return apr_psprintf(cmd->pool, "%s inside " SECTION " must be On or Off, not '%s'",
                                name, value);
        }
        if (!strcasecmp(name, "WSGIRestrictStdin")) {
            options->restrict_stdin = flag;
        }
        else if (!strcasecmp(name, "WSGIRestrictStdout")) {
            options->restrict_stdout = flag;
        }
        else if (!strcasecmp(name, "WSGIRestrictSignal")) {
            options->restrict_signal = flag;
        }
        else if (flag) {
            /* Off is what the daemons always are; On would mislead. */
            return apr_psprintf(cmd->pool, "%s On inside " SECTION " needs a newer Python than "
                                "the %s the daemon processes embed", name, WSGI_PYTHON_VERSION);
        }
        return NULL;
    }
    return apr_psprintf(cmd->pool, "%s is not allowed inside " SECTION ": only WSGIPythonPath, "
                        "WSGISwitchInterval, WSGIRestrictStdin, WSGIRestrictStdout, "
                        "WSGIRestrictSignal, WSGIPerInterpreterGIL and WSGIFreeThreading are",
                        name);
}

const char *wsgi_interpreter_options_section(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_global_config *global = wsgi_global_config_get();
    wsgi_interpreter_options options = {NULL, NULL, NULL, NULL, -1, -1, -1};
    const char *error = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *end = ap_strrchr_c(args, '>');
    const char *selectors;
    const ap_directive_t *child;

    if (error) {
        return error;
    }
    if (end == NULL) {
        return SECTION " directive missing closing '>'";
    }
    selectors = apr_pstrmemdup(cmd->temp_pool, args, end - args);
    for (;;) {
        const char *name, *value;
        while (apr_isspace(*selectors)) {
            selectors++;
        }
        if (!*selectors) {
            break;
        }
        if ((error = wsgi_parse_option(cmd->temp_pool, &selectors, &name, &value))) {
            return apr_psprintf(cmd->pool, SECTION ": %s", error);
        }
        if (strcmp(name, "process-group") && strcmp(name, "application-group")) {
            return apr_psprintf(cmd->pool, SECTION ": unknown selector '%s' (process-group= and "
                                "application-group= are the selectors)", name);
        }
        if (!(value = selector_value(cmd, name, apr_pstrdup(cmd->pool, value), &error))) {
            return error;
        }
        if (!strcmp(name, "process-group")) {
            options.process_group = value;
        }
        else {
            options.application_group = value;
        }
    }
    for (child = cmd->directive->first_child; child; child = child->next) {
        if ((error = take_setting(cmd, &options, child))) {
            return error;
        }
    }
    if (options.switch_interval && (options.application_group == NULL
                                    || *options.application_group)) {
        /* Python 3.11 has one switch interval for the whole process. */
        *(const char **)apr_array_push(global->no_effect) = apr_psprintf(
            cmd->pool, "WSGISwitchInterval inside a " SECTION " that matches sub-interpreters has "
            "no effect on them: Python %s has one switch interval per process, which the main "
            "interpreter's settings decide", WSGI_PYTHON_VERSION);
    }
    *(wsgi_interpreter_options *)apr_array_push(global->interpreter_options) = options;
    return NULL;
}
