/* See wsgi_hooks.h. Each hook builds the request's environ, adds the mod_wsgi.x-hook keys that
 * name the function and its arguments, sends it to a daemon group like a request without a body,
 * and reads one HOOK_RESULT back. */
#include <string.h>
#include <unistd.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_log.h"
#include "http_request.h"
#include "mod_auth.h"

#include "wsgi_environ.h"
#include "wsgi_exchange.h"
#include "wsgi_hooks.h"

APLOG_USE_MODULE(wsgi);

/* ---- asking a daemon ---- */

/* The configuration a hook runs under: the request's own (as far as it resolves), in the hook's
 * process group when the directive names one, in the hook's application group (default the
 * main interpreter). NULL with *error set when no group applies. */
static wsgi_request_config *hook_config(request_rec *r, const wsgi_hook_script *hook,
                                        const wsgi_request_config *request, const char **error)
{
    wsgi_request_config *config = apr_palloc(r->pool, sizeof(*config));
    int unset = 0;

    *error = NULL;
    if (request) {
        *config = *request;
    }
    else if ((request = wsgi_get_request_config(r, error))) {
        *config = *request;
    }
    else {
        memset(config, 0, sizeof(*config));
        config->script_reloading = 1;
        config->map_head_to_get = WSGI_MAP_HEAD_AUTO;
    }
    if (hook->process_group) {
        if ((*error = wsgi_select_process_group(r, config, hook->process_group))) {
            return NULL;
        }
    }
    else if (!request) {
        return NULL;   /* *error says why the request has no group */
    }
    config->application_group = hook->application_group
        ? wsgi_expand_for_request(r, hook->application_group, &unset) : "";
    if (unset) {
        *error = apr_psprintf(r->pool, "application-group=%s names an unset variable",
                              hook->application_group);
        return NULL;
    }
    config->handler_script = NULL;
    return config;
}

/* Calls `function` of the hook's script in a daemon process. OK with *result (a NONE, TRUE,
 * FALSE or VALUES answer), else the HTTP status of the failure, logged. */
static int ask_daemon(request_rec *r, const wsgi_hook_script *hook, const char *function,
                      const wsgi_request_config *request, const char *const *arguments,
                      wsgi_hook_result *result)
{
    const char *error = NULL;
    wsgi_request_config *config = hook_config(r, hook, request, &error);
    apr_table_t *environ;
    wsgi_exchange *ex;
    wsgi_wire_error wire_error;
    int status, i;

    if (!config) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): cannot run %s() of '%s': "
                      "%s", (int)getpid(), function, hook->path,
                      error ? error : "no daemon process group applies");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    environ = wsgi_build_environ(r, config);
    apr_table_setn(environ, "mod_wsgi.x-hook", function);
    apr_table_setn(environ, "mod_wsgi.x-hook_script", hook->path);
    for (i = 0; arguments && arguments[i]; i += 2) {
        if (arguments[i + 1]) {
            apr_table_setn(environ, arguments[i], arguments[i + 1]);
        }
    }
    ex = wsgi_exchange_new(r, config, 0);
    if ((status = wsgi_exchange_open(ex, environ)) != OK) {
        return status;
    }
    if (ex->frame.header.type != WSGI_FRAME_HOOK_RESULT) {
        return wsgi_control_frame_status(ex);
    }
    wire_error = wsgi_wire_parse_hook_result(ex->frame.payload, ex->frame.header.length, r->pool,
                                             result);
    wsgi_daemon_close(&ex->sock);
    if (wire_error != WSGI_WIRE_OK) {
        wsgi_log_failure(ex, 0, "invalid HOOK_RESULT for %s() of '%s': %s", function, hook->path,
                         wsgi_wire_error_text(wire_error));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (result->outcome == WSGI_HOOK_FAILED) {
        wsgi_log_failure(ex, 0, "%s() of '%s' could not answer (the daemon process logged why)",
                         function, hook->path);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static wsgi_dir_config *dir_config(request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &wsgi_module);
}

/* ---- WSGIDispatchScript ---- */

int wsgi_run_dispatch_script(request_rec *r, wsgi_request_config *config)
{
    const wsgi_hook_script *hook = dir_config(r)->dispatch_script;
    wsgi_hook_result result;
    unsigned int i;
    int status;

    if (!hook) {
        return OK;
    }
    if ((status = ask_daemon(r, hook, "dispatch", config, NULL, &result)) != OK) {
        return status;
    }
    if (result.outcome != WSGI_HOOK_VALUES) {
        return OK;   /* the script defines none of the three functions */
    }
    for (i = 0; i + 1 < result.count; i += 2) {
        const char *name = result.values[i], *value = result.values[i + 1], *error = NULL;
        int unset = 0;

        if (!strcmp(name, "process_group")) {
            error = wsgi_check_group_value(r->pool, "process_group()", value);
            if (!error) {
                error = wsgi_select_process_group(r, config, value);
            }
        }
        else if (!strcmp(name, "application_group")) {
            error = wsgi_check_group_value(r->pool, "application_group()", value);
            if (!error) {
                config->application_group = wsgi_expand_for_request(r, value, &unset);
            }
        }
        else if (!strcmp(name, "callable_object") && !config->handler_script) {
            config->callable_object = wsgi_expand_for_request(r, value, &unset);
        }
        if (unset) {
            error = apr_psprintf(r->pool, "'%s' names an unset variable", value);
        }
        if (error) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): %s() of WSGI dispatch "
                          "script '%s' returned '%s': %s", (int)getpid(), name, hook->path, value,
                          error);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

/* ---- WSGIAccessScript ---- */

static int check_access(request_rec *r)
{
    const wsgi_hook_script *hook = dir_config(r)->access_script;
    const char *host;
    const char *arguments[3] = {"mod_wsgi.x-hook_host", NULL, NULL};
    wsgi_hook_result result;
    int status;

    if (!hook) {
        return DECLINED;
    }
    host = ap_get_remote_host(r->connection, r->per_dir_config, REMOTE_HOST, NULL);
    arguments[1] = host ? host : r->useragent_ip;
    if ((status = ask_daemon(r, hook, "allow_access", NULL, arguments, &result)) != OK) {
        return status;
    }
    if (result.outcome == WSGI_HOOK_NONE) {
        return DECLINED;
    }
    if (result.outcome == WSGI_HOOK_TRUE) {
        return OK;
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): Client denied by server "
                  "configuration: '%s'.", (int)getpid(), r->filename ? r->filename : r->uri);
    return HTTP_FORBIDDEN;
}

/* ---- the `wsgi` authn provider (WSGIAuthUserScript) ---- */

static const wsgi_hook_script *auth_user_script(request_rec *r)
{
    const wsgi_hook_script *hook = dir_config(r)->auth_user_script;
    if (!hook) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): the wsgi auth provider is "
                      "used for '%s', but no WSGIAuthUserScript applies there", (int)getpid(),
                      r->uri);
    }
    return hook;
}

static authn_status check_password(request_rec *r, const char *user, const char *password)
{
    const wsgi_hook_script *hook = auth_user_script(r);
    const char *arguments[] = {"mod_wsgi.x-hook_user", user, "mod_wsgi.x-hook_password",
                               password, NULL};
    wsgi_hook_result result;

    if (!hook || ask_daemon(r, hook, "check_password", NULL, arguments, &result) != OK) {
        return AUTH_GENERAL_ERROR;
    }
    switch (result.outcome) {
    case WSGI_HOOK_NONE:
        return AUTH_USER_NOT_FOUND;
    case WSGI_HOOK_TRUE:
        return AUTH_GRANTED;
    case WSGI_HOOK_FALSE:
        return AUTH_DENIED;
    default:
        if (result.count == 1 && *result.values[0]) {
            r->user = apr_pstrdup(r->pool, result.values[0]);   /* the name it chose */
            return AUTH_GRANTED;
        }
        return AUTH_GENERAL_ERROR;
    }
}

static authn_status get_realm_hash(request_rec *r, const char *user, const char *realm,
                                   char **hash)
{
    const wsgi_hook_script *hook = auth_user_script(r);
    const char *arguments[] = {"mod_wsgi.x-hook_user", user, "mod_wsgi.x-hook_realm", realm,
                               NULL};
    wsgi_hook_result result;

    if (!hook || ask_daemon(r, hook, "get_realm_hash", NULL, arguments, &result) != OK) {
        return AUTH_GENERAL_ERROR;
    }
    if (result.outcome == WSGI_HOOK_NONE) {
        return AUTH_USER_NOT_FOUND;
    }
    if (result.outcome == WSGI_HOOK_VALUES && result.count == 1 && *result.values[0]) {
        *hash = apr_pstrdup(r->pool, result.values[0]);
        return AUTH_USER_FOUND;
    }
    return AUTH_GENERAL_ERROR;
}

static const authn_provider wsgi_authn_provider = {&check_password, &get_realm_hash};

/* ---- the `wsgi-group` authz provider (WSGIAuthGroupScript): Require wsgi-group NAME ... ---- */

static authz_status check_group(request_rec *r, const char *require_args, const void *parsed)
{
    const wsgi_hook_script *hook = dir_config(r)->auth_group_script;
    const char *arguments[] = {"mod_wsgi.x-hook_user", r->user, NULL};
    wsgi_hook_result result;
    const char *word;
    unsigned int i;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (!hook) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): 'Require wsgi-group' is "
                      "used for '%s', but no WSGIAuthGroupScript applies there", (int)getpid(),
                      r->uri);
        return AUTHZ_DENIED;
    }
    if (ask_daemon(r, hook, "groups_for_user", NULL, arguments, &result) != OK) {
        return AUTHZ_GENERAL_ERROR;
    }
    if (result.outcome != WSGI_HOOK_VALUES || result.count == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): Authorization of user '%s' "
                      "to access '%s' failed. User is not a member of any groups.", (int)getpid(),
                      r->user, r->uri);
        return AUTHZ_DENIED;
    }
    while (*(word = ap_getword_conf(r->pool, &require_args))) {
        for (i = 0; i < result.count; i++) {
            if (!strcmp(word, result.values[i])) {
                return AUTHZ_GRANTED;
            }
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_wsgi (pid=%d): Authorization of user '%s' to "
                  "access '%s' failed. User is not a member of designated groups.", (int)getpid(),
                  r->user, r->uri);
    return AUTHZ_DENIED;
}

static const authz_provider wsgi_authz_provider = {&check_group, NULL};

/* ---- configuration ---- */

const char *wsgi_hook_script_directive(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_dir_config *config = mconfig;
    wsgi_hook_script *hook = apr_pcalloc(cmd->pool, sizeof(*hook));
    const char *which = cmd->cmd->name, *error;

    hook->path = ap_getword_conf(cmd->pool, &args);
    if (!*hook->path) {
        return apr_psprintf(cmd->pool, "%s needs a script path", which);
    }
    hook->path = ap_server_root_relative(cmd->pool, hook->path);
    while (*args) {
        const char *name, *value;
        if ((error = wsgi_parse_option(cmd->pool, &args, &name, &value))) {
            return apr_psprintf(cmd->pool, "%s: invalid option: %s", which, error);
        }
        if (strcmp(name, "process-group") && strcmp(name, "application-group")) {
            return apr_psprintf(cmd->pool, "%s: unknown option '%s'", which, name);
        }
        if ((error = wsgi_check_group_value(cmd->pool, which, value))) {
            return error;
        }
        if (name[0] == 'p') {
            hook->process_group = value;
        }
        else {
            hook->application_group = value;
        }
    }
    if (!strcasecmp(which, "WSGIDispatchScript")) {
        config->dispatch_script = hook;
    }
    else if (!strcasecmp(which, "WSGIAccessScript")) {
        config->access_script = hook;
    }
    else if (!strcasecmp(which, "WSGIAuthUserScript")) {
        config->auth_user_script = hook;
    }
    else {
        config->auth_group_script = hook;
    }
    return NULL;
}

void wsgi_register_hooks(apr_pool_t *p)
{
    ap_hook_access_checker(check_access, NULL, NULL, APR_HOOK_MIDDLE);
    ap_register_auth_provider(p, AUTHN_PROVIDER_GROUP, "wsgi", AUTHN_PROVIDER_VERSION,
                              &wsgi_authn_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "wsgi-group", AUTHZ_PROVIDER_VERSION,
                              &wsgi_authz_provider, AP_AUTH_INTERNAL_PER_CONF);
}
