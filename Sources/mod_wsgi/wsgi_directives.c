/* Every directive of mod_wsgi 6, with its syntax and the contexts mod_wsgi allows: one unknown
 * name makes Apache refuse a whole configuration. Each one acts, or is refused with the reason
 * (a setting that would mislead), or, where it is harmless and changes nothing in a daemon-only
 * design, is accepted and named once in the log at start-up. None is ignored silently.
 *
 * WSGIDaemonProcess is in wsgi_daemon_process.c, WSGIScriptAlias(Match) in wsgi_script_alias.c;
 * the rest are here. */
#include "wsgi_config.h"
#include "wsgi_hooks.h"
#include "wsgi_proxy_headers.h"

#include "http_core.h"
#include "http_log.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>


/* ---- helpers ---- */

/* On/Off from a TAKE1 argument, as mod_wsgi spells them; -1 (with *error) otherwise. */
static int on_off(cmd_parms *cmd, const char *value, const char **error)
{
    if (!strcasecmp(value, "On"))
        return 1;
    if (!strcasecmp(value, "Off"))
        return 0;
    *error = apr_psprintf(cmd->pool, "%s must be On or Off, not '%s'", cmd->cmd->name, value);
    return -1;
}

/* Settings of the daemon processes: one per Apache, so in the main server only. */
static const char *main_server_only(cmd_parms *cmd)
{
    return ap_check_cmd_context(cmd, GLOBAL_ONLY);
}

/* A harmless setting that changes nothing here: accepted, and said once at start-up. */
static void note_no_effect(cmd_parms *cmd, const char *why)
{
    wsgi_global_config *global = wsgi_global_config_get();
    *(const char **)apr_array_push(global->no_effect) = apr_pstrdup(cmd->pool, why);
}

/* ---- per directory: flags the request path reads ---- */

static const char *set_dir_flag(cmd_parms *cmd, void *mconfig, int on)
{
    wsgi_dir_config *config = mconfig;
    const char *name = cmd->cmd->name;

    if (!strcasecmp(name, "WSGIPassAuthorization"))
        config->pass_authorization = on;
    else if (!strcasecmp(name, "WSGIChunkedRequest"))
        config->chunked_request = on;
    else if (!strcasecmp(name, "WSGIScriptReloading"))
        config->script_reloading = on;
    else if (!strcasecmp(name, "WSGIErrorOverride"))
        config->error_override = on;
    else if (!strcasecmp(name, "WSGIIgnoreActivity"))
        config->ignore_activity = on;
    else {
        config->enable_sendfile = on;
        if (on)
            note_no_effect(cmd, "WSGIEnableSendfile On has no effect yet: wsgi.file_wrapper "
                           "bodies come through the daemon socket (the application still sees "
                           "mod_wsgi.enable_sendfile)");
    }
    return NULL;
}

static const char *set_map_head_to_get(cmd_parms *cmd, void *mconfig, const char *value)
{
    wsgi_dir_config *config = mconfig;

    if (!strcasecmp(value, "Auto"))
        config->map_head_to_get = WSGI_MAP_HEAD_AUTO;
    else if (!strcasecmp(value, "On"))
        config->map_head_to_get = WSGI_MAP_HEAD_ON;
    else if (!strcasecmp(value, "Off"))
        config->map_head_to_get = WSGI_MAP_HEAD_OFF;
    else
        return apr_psprintf(cmd->pool, "WSGIMapHEADToGET must be On, Off or Auto, not '%s'",
                            value);
    return NULL;
}

static const char *set_process_group(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = wsgi_check_group_value(cmd->pool, "WSGIProcessGroup", value);
    if (error)
        return error;
    ((wsgi_dir_config *)mconfig)->process_group = value;
    return NULL;
}

static const char *set_application_group(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = wsgi_check_group_value(cmd->pool, "WSGIApplicationGroup", value);
    if (error)
        return error;
    ((wsgi_dir_config *)mconfig)->application_group = value;
    return NULL;
}

static const char *set_callable_object(cmd_parms *cmd, void *mconfig, const char *value)
{
    ((wsgi_dir_config *)mconfig)->callable_object = value;
    return NULL;
}

/* WSGIRestrictProcess group ...: the groups a directory may select. */
static const char *set_restrict_process(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_dir_config *config = mconfig;

    config->restrict_process = apr_array_make(cmd->pool, 4, sizeof(const char *));
    while (*args) {
        const char *name = ap_getword_conf(cmd->pool, &args);
        if (*name)
            *(const char **)apr_array_push(config->restrict_process) = name;
    }
    if (config->restrict_process->nelts == 0)
        return "WSGIRestrictProcess needs at least one process group name";
    return NULL;
}

static const char *set_trusted_proxy_headers(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_dir_config *config = mconfig;

    if (!config->trusted_proxy_headers)
        config->trusted_proxy_headers = apr_array_make(cmd->pool, 4, sizeof(const char *));
    while (*args) {
        const char *header = ap_getword_conf(cmd->pool, &args);
        if (*header)
            *(const char **)apr_array_push(config->trusted_proxy_headers) =
                wsgi_proxy_header_variable(cmd->pool, header);
    }
    return NULL;
}

static const char *set_trusted_proxies(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_dir_config *config = mconfig;

    if (!config->trusted_proxies)
        config->trusted_proxies = apr_array_make(cmd->pool, 4, sizeof(apr_ipsubnet_t *));
    while (*args) {
        const char *text = ap_getword_conf(cmd->pool, &args);
        apr_ipsubnet_t *subnet;
        const char *error;

        if (!*text)
            continue;
        if ((error = wsgi_parse_trusted_proxy(cmd->pool, text, &subnet)))
            return apr_psprintf(cmd->pool, "WSGITrustedProxies: %s", error);
        *(apr_ipsubnet_t **)apr_array_push(config->trusted_proxies) = subnet;
    }
    return NULL;
}

/* WSGIHandlerScript name path [process-group= application-group= pass-authorization=] */
static const char *add_handler_script(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_dir_config *config = mconfig;
    wsgi_handler_script *script = apr_pcalloc(cmd->pool, sizeof(*script));
    const char *error;

    script->pass_authorization = -1;
    script->name = ap_getword_conf(cmd->pool, &args);
    script->path = ap_getword_conf(cmd->pool, &args);
    if (!*script->name || !*script->path)
        return "WSGIHandlerScript needs a handler name and a script path";
    script->path = ap_server_root_relative(cmd->pool, script->path);
    while (*args) {
        const char *name, *value;
        if ((error = wsgi_parse_option(cmd->pool, &args, &name, &value)))
            return apr_psprintf(cmd->pool, "WSGIHandlerScript: invalid option: %s", error);
        if (!strcmp(name, "process-group") || !strcmp(name, "application-group")) {
            if ((error = wsgi_check_group_value(cmd->pool, "WSGIHandlerScript", value)))
                return error;
            if (name[0] == 'p')
                script->process_group = value;
            else
                script->application_group = value;
        }
        else if (!strcmp(name, "pass-authorization")) {
            if ((script->pass_authorization = on_off(cmd, value, &error)) < 0)
                return error;
        }
        else {
            return apr_psprintf(cmd->pool, "WSGIHandlerScript: unknown option '%s'", name);
        }
    }
    if (!config->handler_scripts)
        config->handler_scripts = apr_hash_make(cmd->pool);
    apr_hash_set(config->handler_scripts, script->name, APR_HASH_KEY_STRING, script);
    return NULL;
}

/* ---- server-wide: where the daemons are, and how they start Python ---- */

/* WSGISocketPrefix, WSGIPythonHome, WSGIPythonPath, WSGIPythonEggs. */
static const char *set_global_path(cmd_parms *cmd, void *mconfig, const char *value)
{
    wsgi_global_config *global = wsgi_global_config_get();
    const char *error = main_server_only(cmd);
    const char *which = cmd->cmd->name;

    if (error)
        return error;
    if (!strcasecmp(which, "WSGISocketPrefix")) {
        if (!*value)
            return "WSGISocketPrefix needs a path";
        global->socket_prefix = ap_server_root_relative(cmd->pool, value);
        if (!global->socket_prefix)
            return apr_psprintf(cmd->pool, "WSGISocketPrefix: invalid path '%s'", value);
        if ((error = wsgi_untrusted_socket_directory(cmd->temp_pool, global->socket_prefix)))
            return apr_psprintf(cmd->pool, "WSGISocketPrefix %s: %s", value, error);
    }
    else if (!strcasecmp(which, "WSGIPythonHome"))
        global->python_home = value;
    else if (!strcasecmp(which, "WSGIPythonPath"))
        global->python_path = value;
    else
        global->python.eggs = value;
    return NULL;
}

/* The On/Off settings of every daemon process's Python. */
static const char *set_python_flag(cmd_parms *cmd, void *mconfig, const char *value)
{
    wsgi_python_settings *python = &wsgi_global_config_get()->python;
    const char *which = cmd->cmd->name;
    const char *error = main_server_only(cmd);
    int on;

    if (error || (on = on_off(cmd, value, &error)) < 0)
        return error;
    if (!strcasecmp(which, "WSGIDontWriteBytecode"))
        python->dont_write_bytecode = on;
    else if (!strcasecmp(which, "WSGIDestroyInterpreter"))
        python->destroy_interpreter = on;
    else if (!strcasecmp(which, "WSGIRestrictStdin"))
        python->restrict_stdin = on;
    else if (!strcasecmp(which, "WSGIRestrictStdout"))
        python->restrict_stdout = on;
    else
        python->restrict_signal = on;
    return NULL;
}

static const char *set_python_optimize(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = main_server_only(cmd);

    if (error)
        return error;
    if (strlen(value) != 1 || value[0] < '0' || value[0] > '2')
        return apr_psprintf(cmd->pool, "WSGIPythonOptimize must be 0, 1 or 2, not '%s'", value);
    wsgi_global_config_get()->python.optimize = value[0] - '0';
    return NULL;
}

static const char *set_python_hash_seed(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = main_server_only(cmd);
    const char *p;

    if (error)
        return error;
    if (strcmp(value, "random") != 0) {
        apr_int64_t seed = apr_atoi64(value);
        for (p = value; apr_isdigit(*p); p++)
            ;
        if (p == value || *p || p - value > 10 || seed > 4294967295LL)
            return apr_psprintf(cmd->pool, "WSGIPythonHashSeed must be 'random' or a number "
                                "from 0 to 4294967295, not '%s'", value);
    }
    wsgi_global_config_get()->python.hash_seed = value;
    return NULL;
}

static const char *add_python_warnings(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = main_server_only(cmd);

    if (error)
        return error;
    if (!*value || strchr(value, '\n'))
        return "WSGIPythonWarnings needs a warnings filter (as for python -W)";
    *(const char **)apr_array_push(wsgi_global_config_get()->python.warnings) = value;
    return NULL;
}

static const char *set_switch_interval(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = main_server_only(cmd);
    char *end = NULL;
    double seconds = strtod(value, &end);

    if (error)
        return error;
    if (!*value || *end || !(seconds > 0) || seconds > 3600)
        return apr_psprintf(cmd->pool, "WSGISwitchInterval must be a number of seconds greater "
                            "than 0, not '%s'", value);
    wsgi_global_config_get()->python.switch_interval = value;
    return NULL;
}

/* ---- accepted, changing nothing in a daemon-only design (said once at start-up) ---- */

static const char *set_without_effect(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *which = cmd->cmd->name;
    const char *error = main_server_only(cmd);
    int on;

    if (error)
        return error;
    if (!strcasecmp(which, "WSGIAcceptMutex")) {
        static const char *const kinds[] = {"default", "flock", "fcntl", "sysvsem", "posixsem",
                                            "pthread", NULL};
        int i;
        for (i = 0; kinds[i] && strcasecmp(value, kinds[i]); i++)
            ;
        if (!kinds[i])
            return apr_psprintf(cmd->pool, "WSGIAcceptMutex must be one of default, flock, "
                                "fcntl, sysvsem, posixsem or pthread, not '%s'", value);
        note_no_effect(cmd, "WSGIAcceptMutex has no effect: the processes of a group take "
                       "connections from one listening socket, without a mutex");
        return NULL;
    }
    if ((on = on_off(cmd, value, &error)) < 0)
        return error;
    if (!strcasecmp(which, "WSGIRestrictEmbedded") && !on)
        note_no_effect(cmd, "WSGIRestrictEmbedded Off has no effect: applications always run "
                       "in daemon processes here");
    else if (!strcasecmp(which, "WSGISocketRotation") && !on)
        note_no_effect(cmd, "WSGISocketRotation Off has no effect: daemon socket names still "
                       "change with each Apache generation");
    else if (!strcasecmp(which, "WSGIVerboseDebugging") && on)
        note_no_effect(cmd, "WSGIVerboseDebugging On has no effect (mod_wsgi 6 deprecated it); "
                       "use LogLevel info or debug");
    else if (!strcasecmp(which, "WSGIServerMetrics") && on)
        note_no_effect(cmd, "WSGIServerMetrics On has no effect yet: the daemon processes do "
                       "not provide mod_wsgi.server_metrics()");
    else if (!strcasecmp(which, "WSGICaseSensitivity") && !on)
        note_no_effect(cmd, "WSGICaseSensitivity Off has no effect: scripts are told apart by "
                       "their exact path");
    return NULL;
}

/* WSGIGroupAuthoritative: Apache 2.4's authorization containers decide what another provider
 * may grant, so this changes nothing either way. */
static const char *set_group_authoritative(cmd_parms *cmd, void *mconfig, int on)
{
    if (!on)
        note_no_effect(cmd, "WSGIGroupAuthoritative Off has no effect: with Apache 2.4, say "
                       "which Require lines may grant access with <RequireAny>/<RequireAll>");
    return NULL;
}

/* ---- refused, with the reason: accepting them would mislead ---- */

/* On/Off settings of which only Off makes sense here. */
static const char *refuse_on(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *which = cmd->cmd->name;
    const char *error = NULL;
    int on = on_off(cmd, value, &error);

    if (on <= 0)
        return error;
    if (!strcasecmp(which, "WSGIPassApacheRequest"))
        return "WSGIPassApacheRequest On cannot work: the application runs in a daemon "
               "process, where there is no Apache request object to pass";
    if (!strcasecmp(which, "WSGIPerInterpreterGIL"))
        return "WSGIPerInterpreterGIL On needs Python 3.12 or later; the daemon processes "
               "embed Python " WSGI_PYTHON_VERSION;
    return "WSGIFreeThreading On needs a free-threaded Python (3.13t or later); the daemon "
           "processes embed Python " WSGI_PYTHON_VERSION;
}

static const char *refuse(cmd_parms *cmd, void *mconfig, const char *args)
{
    const char *which = cmd->cmd->name;

    return apr_psprintf(cmd->pool, "%s is not supported: mod_wsgi-swift does not send "
                        "telemetry datagrams; use the server-status handler and "
                        "mod_wsgi.server_metrics() instead", which);
}

static const char *refuse_two(cmd_parms *cmd, void *mconfig, const char *one, const char *two)
{
    return refuse(cmd, mconfig, one);
}

/* ---- preloading ---- */

/* WSGIImportScript path process-group=G application-group=A: loaded when G's processes start
 * (with threads=0, the whole job of a service process). */
static const char *add_import_script(cmd_parms *cmd, void *mconfig, const char *args)
{
    const char *path = ap_getword_conf(cmd->pool, &args);
    const char *process_group = NULL, *application_group = NULL, *error;
    wsgi_daemon_group *group;

    if (!*path)
        return "WSGIImportScript needs a script path";
    path = ap_server_root_relative(cmd->pool, path);
    while (*args) {
        const char *name, *value;
        if ((error = wsgi_parse_option(cmd->pool, &args, &name, &value)))
            return apr_psprintf(cmd->pool, "WSGIImportScript: invalid option: %s", error);
        if (!strcmp(name, "process-group"))
            process_group = value;
        else if (!strcmp(name, "application-group"))
            application_group = value;
        else
            return apr_psprintf(cmd->pool, "WSGIImportScript: unknown option '%s'", name);
    }
    if (!process_group || !application_group)
        return "WSGIImportScript needs both process-group= and application-group=";
    if (strstr(process_group, "%{") || (strstr(application_group, "%{")
                                         && strcmp(application_group, WSGI_GLOBAL_GROUP)))
        return "WSGIImportScript: process-group= and application-group= must be names "
               "(application-group=%{GLOBAL} is allowed), not forms expanded per request";
    group = wsgi_find_daemon_group(process_group);
    if (!group)
        return apr_psprintf(cmd->pool, "WSGIImportScript: process group '%s' is not defined: "
                            "a WSGIDaemonProcess %s line must come first", process_group,
                            process_group);
    if (!wsgi_group_usable_from(group, cmd->server))
        return apr_psprintf(cmd->pool, "WSGIImportScript: process group '%s' belongs to virtual "
                            "host '%s' and cannot be used here", process_group,
                            group->server->server_hostname);
    wsgi_add_preload(cmd->pool, group, path,
                     strcmp(application_group, WSGI_GLOBAL_GROUP) ? application_group : "", "");
    return NULL;
}

/* ---- the table ---- */

#define DIR_FLAG(name, help) AP_INIT_FLAG(name, set_dir_flag, NULL, OR_FILEINFO, help)
#define PYTHON_FLAG(name, help) AP_INIT_TAKE1(name, set_python_flag, NULL, RSRC_CONF, help)
#define NO_EFFECT(name, help) AP_INIT_TAKE1(name, set_without_effect, NULL, RSRC_CONF, help)

const command_rec wsgi_config_commands[] = {
    /* Daemon process groups and how requests reach them. */
    AP_INIT_RAW_ARGS("WSGIDaemonProcess", wsgi_daemon_process_directive, NULL, RSRC_CONF,
                     "Define a daemon process group: NAME [option=value ...]"),
    AP_INIT_RAW_ARGS("WSGIScriptAlias", wsgi_script_alias_directive, NULL, RSRC_CONF,
                     "Map a URL prefix to a WSGI script file or directory [option=value ...]"),
    AP_INIT_RAW_ARGS("WSGIScriptAliasMatch", wsgi_script_alias_directive, "match", RSRC_CONF,
                     "Map a URL regex to a WSGI script path with $N [option=value ...]"),
    AP_INIT_RAW_ARGS("WSGIHandlerScript", add_handler_script, NULL, ACCESS_CONF | RSRC_CONF,
                     "Run a script's handle_request() for an Apache handler: NAME PATH "
                     "[process-group= application-group= pass-authorization=]"),
    AP_INIT_RAW_ARGS("WSGIImportScript", add_import_script, NULL, RSRC_CONF,
                     "Load a script when a group's processes start: PATH process-group= "
                     "application-group="),
    AP_INIT_TAKE1("WSGIProcessGroup", set_process_group, NULL, ACCESS_CONF | RSRC_CONF,
                  "Daemon process group that runs the application"),
    AP_INIT_TAKE1("WSGIApplicationGroup", set_application_group, NULL, ACCESS_CONF | RSRC_CONF,
                  "Python interpreter (application group) within the daemon process"),
    AP_INIT_RAW_ARGS("WSGIRestrictProcess", set_restrict_process, NULL, ACCESS_CONF | RSRC_CONF,
                     "The process groups this location may select"),
    AP_INIT_TAKE1("WSGICallableObject", set_callable_object, NULL, OR_FILEINFO,
                  "Name of the WSGI callable in the script (default: application)"),
    AP_INIT_TAKE1("WSGISocketPrefix", set_global_path, NULL, RSRC_CONF,
                  "Path prefix of the daemon sockets (relative to ServerRoot)"),

    /* What each request carries. */
    DIR_FLAG("WSGIPassAuthorization",
             "Pass the Authorization header to the application as HTTP_AUTHORIZATION"),
    DIR_FLAG("WSGIChunkedRequest", "Accept request bodies sent with Transfer-Encoding: chunked"),
    DIR_FLAG("WSGIScriptReloading", "Reload a script (restart its daemon) when it changes"),
    DIR_FLAG("WSGIErrorOverride", "Let Apache's ErrorDocument replace an error response"),
    DIR_FLAG("WSGIIgnoreActivity", "Requests here do not count as activity (inactivity-timeout)"),
    DIR_FLAG("WSGIEnableSendfile", "Let wsgi.file_wrapper send files with sendfile()"),
    AP_INIT_TAKE1("WSGIMapHEADToGET", set_map_head_to_get, NULL, OR_FILEINFO,
                  "Give the application GET for HEAD requests: On, Off or Auto"),
    AP_INIT_RAW_ARGS("WSGITrustedProxyHeaders", set_trusted_proxy_headers, NULL, OR_FILEINFO,
                     "Proxy headers to trust (X-Forwarded-For, X-Forwarded-Proto, ...)"),
    AP_INIT_RAW_ARGS("WSGITrustedProxies", set_trusted_proxies, NULL, OR_FILEINFO,
                     "Addresses or subnets of the proxies whose headers are trusted"),

    /* Every daemon process's Python. */
    AP_INIT_TAKE1("WSGIPythonHome", set_global_path, NULL, RSRC_CONF,
                  "Python prefix or virtual environment for all daemon processes"),
    AP_INIT_TAKE1("WSGIPythonPath", set_global_path, NULL, RSRC_CONF,
                  "Colon-separated directories added to sys.path in all daemon processes"),
    AP_INIT_TAKE1("WSGIPythonEggs", set_global_path, NULL, RSRC_CONF,
                  "Python eggs cache directory (PYTHON_EGG_CACHE)"),
    AP_INIT_TAKE1("WSGIPythonOptimize", set_python_optimize, NULL, RSRC_CONF,
                  "Python optimisation level, as python -O (0, 1 or 2)"),
    AP_INIT_TAKE1("WSGIPythonHashSeed", set_python_hash_seed, NULL, RSRC_CONF,
                  "PYTHONHASHSEED: random or a number"),
    AP_INIT_TAKE1("WSGIPythonWarnings", add_python_warnings, NULL, RSRC_CONF,
                  "A warnings filter, as python -W (repeatable)"),
    AP_INIT_TAKE1("WSGISwitchInterval", set_switch_interval, NULL, RSRC_CONF,
                  "sys.setswitchinterval() in seconds"),
    PYTHON_FLAG("WSGIDontWriteBytecode", "Do not write .pyc files"),
    PYTHON_FLAG("WSGIDestroyInterpreter", "Finalize Python (atexit) when a daemon stops"),
    PYTHON_FLAG("WSGIRestrictStdin", "sys.stdin raises OSError when used"),
    PYTHON_FLAG("WSGIRestrictStdout", "sys.stdout raises OSError when used"),
    PYTHON_FLAG("WSGIRestrictSignal", "Ignore signal.signal() registrations by applications"),

    /* Accepted, changing nothing here. */
    NO_EFFECT("WSGIRestrictEmbedded", "Refuse embedded mode (always, here)"),
    NO_EFFECT("WSGISocketRotation", "Daemon socket names per Apache generation"),
    NO_EFFECT("WSGIAcceptMutex", "Accept mutex of daemon processes (none is needed here)"),
    NO_EFFECT("WSGIVerboseDebugging", "Deprecated in mod_wsgi 6"),
    NO_EFFECT("WSGICaseSensitivity", "Whether script paths are case sensitive"),
    NO_EFFECT("WSGIServerMetrics", "Let mod_wsgi.server_metrics() report"),

    /* Python hooks Apache calls outside the handler, run in a daemon group (wsgi_hooks.c). */
    AP_INIT_RAW_ARGS("WSGIDispatchScript", wsgi_hook_script_directive, NULL,
                     ACCESS_CONF | RSRC_CONF, "Script choosing process group, application group "
                     "and callable: PATH [process-group= application-group=]"),
    AP_INIT_RAW_ARGS("WSGIAccessScript", wsgi_hook_script_directive, NULL, OR_AUTHCFG,
                     "Script deciding host access, allow_access(environ, host): PATH "
                     "[process-group= application-group=]"),
    AP_INIT_RAW_ARGS("WSGIAuthUserScript", wsgi_hook_script_directive, NULL, OR_AUTHCFG,
                     "Script checking passwords for AuthBasicProvider/AuthDigestProvider wsgi: "
                     "PATH [process-group= application-group=]"),
    AP_INIT_RAW_ARGS("WSGIAuthGroupScript", wsgi_hook_script_directive, NULL, OR_AUTHCFG,
                     "Script listing a user's groups for Require wsgi-group: PATH "
                     "[process-group= application-group=]"),
    AP_INIT_FLAG("WSGIGroupAuthoritative", set_group_authoritative, NULL, OR_AUTHCFG,
                 "Whether the group script is authoritative (Apache 2.4 decides with "
                 "<RequireAny>/<RequireAll>)"),

    /* Refused where they would mislead. */
    AP_INIT_TAKE1("WSGIPassApacheRequest", refuse_on, NULL, ACCESS_CONF | RSRC_CONF,
                  "Embedded mode only: pass the Apache request object"),
    AP_INIT_TAKE1("WSGIPerInterpreterGIL", refuse_on, NULL, RSRC_CONF,
                  "Python 3.12+: a GIL per sub-interpreter"),
    AP_INIT_TAKE1("WSGIFreeThreading", refuse_on, NULL, RSRC_CONF,
                  "Python 3.13t: run without the GIL"),
    AP_INIT_RAW_ARGS("<WSGIInterpreterOptions", wsgi_interpreter_options_section, NULL, RSRC_CONF,
                     "Per-interpreter settings for the interpreters matching its selectors"),
    AP_INIT_TAKE12("WSGITelemetryService", refuse_two, NULL, RSRC_CONF,
                   "Telemetry (not supported)"),
    AP_INIT_TAKE1("WSGISlowRequests", refuse, NULL, RSRC_CONF, "Telemetry (not supported)"),
    AP_INIT_RAW_ARGS("WSGITelemetryOptions", refuse, NULL, RSRC_CONF,
                     "Telemetry (not supported)"),
    {NULL}
};
