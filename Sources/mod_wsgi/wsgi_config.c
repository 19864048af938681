/* The configuration's structures: the generation's global settings, per-server and
 * per-directory configs and their merging, and the per-request view the handler reads
 * (wsgi_get_request_config). The directives that fill them are in wsgi_directives.c,
 * wsgi_script_alias.c and wsgi_daemon_process.c. */
#include "wsgi_config.h"

#include "http_core.h"
#include "http_log.h"
#include "http_request.h"
#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>

/* The settings of the configuration being read or served. Apache re-reads the configuration on
 * every restart and runs pre_config first, which replaces this with a fresh one from pconf. */
static wsgi_global_config *current_global;

static apr_status_t forget_global(void *unused)
{
    current_global = NULL;
    return APR_SUCCESS;
}

int wsgi_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    wsgi_python_settings *python;

    current_global = apr_pcalloc(pconf, sizeof(*current_global));
    current_global->groups = apr_array_make(pconf, 4, sizeof(wsgi_daemon_group *));
    current_global->no_effect = apr_array_make(pconf, 2, sizeof(const char *));
    current_global->interpreter_options = apr_array_make(pconf, 2, sizeof(wsgi_interpreter_options));
    python = &current_global->python;
    python->optimize = python->dont_write_bytecode = python->destroy_interpreter = -1;
    python->restrict_stdin = python->restrict_stdout = python->restrict_signal = -1;
    python->warnings = apr_array_make(pconf, 2, sizeof(const char *));
    apr_pool_cleanup_register(pconf, NULL, forget_global, apr_pool_cleanup_null);
    return OK;
}

wsgi_global_config *wsgi_global_config_get(void)
{
    return current_global;
}

wsgi_daemon_group *wsgi_find_daemon_group(const char *name)
{
    int i;

    if (!current_global || !name)
        return NULL;
    for (i = 0; i < current_global->groups->nelts; i++) {
        wsgi_daemon_group *group = ((wsgi_daemon_group **)current_global->groups->elts)[i];
        if (strcmp(group->name, name) == 0)
            return group;
    }
    return NULL;
}

int wsgi_group_usable_from(const wsgi_daemon_group *group, const server_rec *s)
{
    const char *own = group->server->server_hostname;

    if (!group->server->is_virtual || group->server == s)
        return 1;
    return own && s->server_hostname && !strcasecmp(own, s->server_hostname);
}


const char *wsgi_check_group_value(apr_pool_t *p, const char *directive, const char *value)
{
    size_t length = strlen(value);

    if (strncmp(value, "%{", 2) != 0)
        return NULL;
    if (!strcmp(value, "%{GLOBAL}") || !strcmp(value, "%{SERVER}") ||
        !strcmp(value, "%{HOST}") || !strcmp(value, "%{RESOURCE}"))
        return NULL;
    if (strncmp(value, "%{ENV:", 6) == 0 && length > 7 && value[length - 1] == '}')
        return NULL;
    return apr_psprintf(p, "%s: '%s' is not a known form: use a name, %%{GLOBAL}, %%{SERVER}, "
                        "%%{HOST}, %%{RESOURCE} or %%{ENV:variable}", directive, value);
}

void wsgi_add_preload(apr_pool_t *p, wsgi_daemon_group *group, const char *script,
                      const char *application_group, const char *callable)
{
    const char *preload = apr_psprintf(p, "%s|%s|%s", script, application_group, callable);
    int i;

    for (i = 0; i < group->preloads->nelts; i++) {
        if (!strcmp(((const char **)group->preloads->elts)[i], preload))
            return;
    }
    *(const char **)apr_array_push(group->preloads) = preload;
}

/* ---- configuration structures ---- */

void *wsgi_create_server_config(apr_pool_t *p, server_rec *s)
{
    wsgi_server_config *config = apr_pcalloc(p, sizeof(*config));
    config->aliases = apr_array_make(p, 4, sizeof(wsgi_script_alias));
    return config;
}

void *wsgi_merge_server_config(apr_pool_t *p, void *base_conf, void *add_conf)
{
    wsgi_server_config *base = base_conf, *add = add_conf;
    wsgi_server_config *merged = apr_pcalloc(p, sizeof(*merged));
    merged->aliases = apr_array_append(p, add->aliases, base->aliases);
    return merged;
}

void *wsgi_create_dir_config(apr_pool_t *p, char *dir)
{
    wsgi_dir_config *config = apr_pcalloc(p, sizeof(*config));
    config->pass_authorization = -1;
    config->chunked_request = -1;
    config->script_reloading = -1;
    config->error_override = -1;
    config->map_head_to_get = -1;
    config->ignore_activity = -1;
    config->enable_sendfile = -1;
    return config;
}

#define MERGE_VALUE(field) merged->field = add->field >= 0 ? add->field : base->field
#define MERGE_POINTER(field) merged->field = add->field ? add->field : base->field

void *wsgi_merge_dir_config(apr_pool_t *p, void *base_conf, void *add_conf)
{
    wsgi_dir_config *base = base_conf, *add = add_conf;
    wsgi_dir_config *merged = apr_pcalloc(p, sizeof(*merged));

    MERGE_POINTER(process_group);
    MERGE_POINTER(application_group);
    MERGE_POINTER(callable_object);
    MERGE_VALUE(pass_authorization);
    MERGE_VALUE(chunked_request);
    MERGE_VALUE(script_reloading);
    MERGE_VALUE(error_override);
    MERGE_VALUE(map_head_to_get);
    MERGE_VALUE(ignore_activity);
    MERGE_VALUE(enable_sendfile);
    MERGE_POINTER(trusted_proxy_headers);
    MERGE_POINTER(trusted_proxies);
    MERGE_POINTER(restrict_process);
    MERGE_POINTER(dispatch_script);
    MERGE_POINTER(access_script);
    MERGE_POINTER(auth_user_script);
    MERGE_POINTER(auth_group_script);
    /* Handler scripts of both apply; the inner directory's win for the same name. */
    if (base->handler_scripts && add->handler_scripts)
        merged->handler_scripts = apr_hash_overlay(p, add->handler_scripts, base->handler_scripts);
    else
        MERGE_POINTER(handler_scripts);
    return merged;
}

#undef MERGE_VALUE
#undef MERGE_POINTER

const wsgi_handler_script *wsgi_find_handler_script(request_rec *r)
{
    wsgi_dir_config *dir = ap_get_module_config(r->per_dir_config, &wsgi_module);

    if (!r->handler || !dir->handler_scripts)
        return NULL;
    return apr_hash_get(dir->handler_scripts, r->handler, APR_HASH_KEY_STRING);
}

/* ---- the per-request view ---- */

/* "host[:port]", the port left out when it is 80 or 443 (mod_wsgi's %{SERVER} / %{HOST}). */
static const char *host_and_port(request_rec *r, const char *host)
{
    apr_port_t port = ap_get_server_port(r);
    if (port == DEFAULT_HTTP_PORT || port == DEFAULT_HTTPS_PORT)
        return host;
    return apr_psprintf(r->pool, "%s:%u", host, port);
}

static const char *script_name(request_rec *r)
{
    const char *value = apr_table_get(r->subprocess_env, "SCRIPT_NAME");
    apr_size_t uri_length = strlen(r->uri), info_length;

    if (value)
        return value;
    info_length = r->path_info ? strlen(r->path_info) : 0;
    if (info_length && info_length <= uri_length &&
        strcmp(r->uri + uri_length - info_length, r->path_info) == 0)
        return apr_pstrmemdup(r->pool, r->uri, uri_length - info_length);
    return r->uri;
}

const char *wsgi_expand_for_request(request_rec *r, const char *value, int *unset)
{
    *unset = 0;
    if (strncmp(value, "%{", 2) != 0)
        return value;
    if (!strcmp(value, WSGI_GLOBAL_GROUP))
        return "";
    if (!strcmp(value, "%{SERVER}"))
        return host_and_port(r, r->server->server_hostname);
    if (!strcmp(value, "%{HOST}"))
        return host_and_port(r, r->hostname ? r->hostname : r->server->server_hostname);
    if (!strcmp(value, "%{RESOURCE}"))
        return apr_pstrcat(r->pool, host_and_port(r, r->server->server_hostname), "|",
                           script_name(r), NULL);
    if (strncmp(value, "%{ENV:", 6) == 0) {
        const char *name = apr_pstrmemdup(r->pool, value + 6, strlen(value) - 7);
        const char *found = apr_table_get(r->notes, name);
        if (!found)
            found = apr_table_get(r->subprocess_env, name);
        if (!found)
            found = getenv(name);
        if (found)
            return found;
    }
    *unset = 1;
    return value;
}

/* Whether WSGIRestrictProcess (if any applies) lets this directory use the group. */
static int process_group_allowed(const wsgi_dir_config *dir, const char *name)
{
    int i;

    if (!dir->restrict_process)
        return 1;
    for (i = 0; i < dir->restrict_process->nelts; i++) {
        if (!strcmp(((const char **)dir->restrict_process->elts)[i], name))
            return 1;
    }
    return 0;
}

const char *wsgi_select_process_group(request_rec *r, wsgi_request_config *config,
                                      const char *value)
{
    wsgi_dir_config *dir = ap_get_module_config(r->per_dir_config, &wsgi_module);
    int unset;

    config->group = NULL;
    config->process_group = wsgi_expand_for_request(r, value, &unset);
    if (unset || !*config->process_group)
        return apr_psprintf(r->pool, "WSGIProcessGroup '%s' resolves to %s for this request, "
                            "and embedded mode is not supported", value,
                            unset ? "an unset variable" : "the empty (embedded) group");
    config->group = wsgi_find_daemon_group(config->process_group);
    if (!config->group)
        return apr_psprintf(r->pool, "no WSGIDaemonProcess group named '%s' is defined",
                            config->process_group);
    if (!wsgi_group_usable_from(config->group, r->server)) {
        const char *why = apr_psprintf(r->pool, "process group '%s' is defined in virtual host "
                                       "'%s' and cannot be used from '%s'", config->process_group,
                                       config->group->server->server_hostname,
                                       r->server->server_hostname);
        config->group = NULL;
        return why;
    }
    if (!process_group_allowed(dir, config->process_group)) {
        config->group = NULL;
        return apr_psprintf(r->pool, "daemon process called '%s' cannot be accessed by this "
                            "WSGI application: WSGIRestrictProcess does not list it",
                            config->process_group);
    }
    return NULL;
}

wsgi_request_config *wsgi_get_request_config(request_rec *r, const char **error)
{
    wsgi_dir_config *dir = ap_get_module_config(r->per_dir_config, &wsgi_module);
    const wsgi_script_alias *alias = wsgi_request_alias(r);
    const wsgi_handler_script *handler = alias ? NULL : wsgi_find_handler_script(r);
    wsgi_request_config *config = apr_pcalloc(r->pool, sizeof(*config));
    const char *process_group, *application_group, *callable;
    int unset;

    process_group = alias && alias->process_group ? alias->process_group
                    : handler && handler->process_group ? handler->process_group
                    : dir->process_group;
    application_group = alias && alias->application_group ? alias->application_group
                        : handler && handler->application_group ? handler->application_group
                        : dir->application_group;
    callable = alias && alias->callable_object ? alias->callable_object : dir->callable_object;
    config->pass_authorization = alias && alias->pass_authorization >= 0
        ? alias->pass_authorization
        : handler && handler->pass_authorization >= 0 ? handler->pass_authorization
        : (dir->pass_authorization > 0);
    config->chunked_request = dir->chunked_request > 0;
    config->script_reloading = dir->script_reloading != 0;
    config->error_override = dir->error_override > 0;
    config->map_head_to_get = dir->map_head_to_get >= 0 ? dir->map_head_to_get : WSGI_MAP_HEAD_AUTO;
    config->ignore_activity = dir->ignore_activity > 0;
    config->enable_sendfile = dir->enable_sendfile > 0;
    config->trusted_proxy_headers = dir->trusted_proxy_headers;
    config->trusted_proxies = dir->trusted_proxies;
    config->handler_script = handler ? handler->path : NULL;

    if (!process_group) {
        *error = "no WSGIProcessGroup applies to this request: this module runs WSGI "
                 "applications only in daemon mode, so set WSGIProcessGroup or the "
                 "process-group= option of WSGIScriptAlias";
        return NULL;
    }
    if ((*error = wsgi_select_process_group(r, config, process_group)))
        return NULL;
    config->application_group = wsgi_expand_for_request(
        r, application_group ? application_group : "%{RESOURCE}", &unset);
    /* A handler script is called through its handle_request(), whatever WSGICallableObject. */
    config->callable_object = handler ? "handle_request" : "application";
    if (callable && !handler) {
        const char *expanded = wsgi_expand_for_request(r, callable, &unset);
        if (!unset)
            config->callable_object = expanded;
    }
    return config;
}
