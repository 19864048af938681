/* Directives other than WSGIDaemonProcess, config merging, WSGIScriptAlias matching in
 * translate_name, and the per-request view of the configuration (wsgi_get_request_config). */
#include "wsgi_config.h"

#include "http_core.h"
#include "http_log.h"
#include "http_request.h"
#include "ap_regex.h"
#include "apr_file_info.h"
#include "apr_strings.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Per-server: the WSGIScriptAlias entries, in order (a vhost's own come first after merging). */
typedef struct {
    apr_array_header_t *aliases; /* of wsgi_script_alias */
} wsgi_server_config;

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
    current_global = apr_pcalloc(pconf, sizeof(*current_global));
    current_global->groups = apr_array_make(pconf, 4, sizeof(wsgi_daemon_group *));
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
    return config;
}

void *wsgi_merge_dir_config(apr_pool_t *p, void *base_conf, void *add_conf)
{
    wsgi_dir_config *base = base_conf, *add = add_conf;
    wsgi_dir_config *merged = apr_pcalloc(p, sizeof(*merged));

    merged->process_group = add->process_group ? add->process_group : base->process_group;
    merged->application_group = add->application_group ? add->application_group
                                                        : base->application_group;
    merged->callable_object = add->callable_object ? add->callable_object
                                                   : base->callable_object;
    merged->pass_authorization = add->pass_authorization >= 0 ? add->pass_authorization
                                                              : base->pass_authorization;
    merged->chunked_request = add->chunked_request >= 0 ? add->chunked_request
                                                        : base->chunked_request;
    return merged;
}

/* ---- directives ---- */

/* A value for WSGIProcessGroup / WSGIApplicationGroup: a plain name or one of the %{...} forms. */
static const char *check_group_value(apr_pool_t *p, const char *directive, const char *value)
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

static const char *set_process_group(cmd_parms *cmd, void *mconfig, const char *value)
{
    wsgi_dir_config *config = mconfig;
    const char *error = check_group_value(cmd->pool, "WSGIProcessGroup", value);
    if (error)
        return error;
    config->process_group = value;
    return NULL;
}

static const char *set_application_group(cmd_parms *cmd, void *mconfig, const char *value)
{
    wsgi_dir_config *config = mconfig;
    const char *error = check_group_value(cmd->pool, "WSGIApplicationGroup", value);
    if (error)
        return error;
    config->application_group = value;
    return NULL;
}

static const char *set_callable_object(cmd_parms *cmd, void *mconfig, const char *value)
{
    ((wsgi_dir_config *)mconfig)->callable_object = value;
    return NULL;
}

static const char *set_pass_authorization(cmd_parms *cmd, void *mconfig, int on)
{
    ((wsgi_dir_config *)mconfig)->pass_authorization = on;
    return NULL;
}

static const char *set_chunked_request(cmd_parms *cmd, void *mconfig, int on)
{
    ((wsgi_dir_config *)mconfig)->chunked_request = on;
    return NULL;
}

/* WSGISocketPrefix, WSGIPythonHome, WSGIPythonPath: main server only. */
static const char *set_global_value(cmd_parms *cmd, void *mconfig, const char *value)
{
    const char *error = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *which = cmd->cmd->name;

    if (error)
        return error;
    if (!strcasecmp(which, "WSGISocketPrefix")) {
        if (!*value)
            return "WSGISocketPrefix needs a path";
        current_global->socket_prefix = ap_server_root_relative(cmd->pool, value);
        if (!current_global->socket_prefix)
            return apr_psprintf(cmd->pool, "WSGISocketPrefix: invalid path '%s'", value);
        if ((error = wsgi_untrusted_socket_directory(cmd->temp_pool,
                                                     current_global->socket_prefix)))
            return apr_psprintf(cmd->pool, "WSGISocketPrefix %s: %s", value, error);
    }
    else if (!strcasecmp(which, "WSGIPythonHome"))
        current_global->python_home = value;
    else
        current_global->python_path = value;
    return NULL;
}

const char *wsgi_untrusted_socket_directory(apr_pool_t *p, const char *prefix)
{
    char *directory = apr_pstrdup(p, prefix);
    char *slash = strrchr(directory, '/');
    char resolved[PATH_MAX];
    char *path;
    int innermost = 1;

    if (slash == NULL)
        return apr_psprintf(p, "socket prefix %s is not an absolute path", prefix);
    if (slash == directory)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (realpath(directory, resolved) == NULL)
        return apr_psprintf(p, "the directory %s of socket prefix %s cannot be used: %s",
                            directory, prefix, strerror(errno));
    path = resolved;
    for (;;) {
        struct stat info;
        int others_write;

        if (stat(path, &info) != 0)
            return apr_psprintf(p, "cannot check %s (above socket prefix %s): %s", path, prefix,
                                strerror(errno));
        if (!S_ISDIR(info.st_mode))
            return apr_psprintf(p, "%s (for socket prefix %s) is not a directory", path, prefix);
        if (info.st_uid != 0 && info.st_uid != geteuid())
            return apr_psprintf(p, "%s (for socket prefix %s) belongs to uid %lu, not to root: "
                                "the daemon sockets need a directory only root can change",
                                path, prefix, (unsigned long)info.st_uid);
        others_write = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
        if (others_write && (innermost || !(info.st_mode & S_ISVTX)))
            return apr_psprintf(p, "%s (for socket prefix %s) is writable by %s (mode %04o): the "
                                "daemon sockets need a directory only root can write", path,
                                prefix, (info.st_mode & S_IWOTH) ? "all users" : "its group",
                                (unsigned int)(info.st_mode & 07777));
        if (strcmp(path, "/") == 0)
            return NULL;
        slash = strrchr(path, '/');
        if (slash == path)
            slash[1] = '\0';
        else
            *slash = '\0';
        innermost = 0;
    }
}

/* The script to load at worker start when an alias names both groups (mod_wsgi preloads it). */
static void add_preload(apr_pool_t *p, const wsgi_script_alias *alias)
{
    wsgi_daemon_group *group;
    const char *application_group = alias->application_group;
    const char *preload;
    int i;

    if (alias->regex || !alias->process_group || !application_group || alias->target_is_dir)
        return;
    if (strstr(alias->process_group, "%{"))
        return;
    if (!strcmp(application_group, WSGI_GLOBAL_GROUP))
        application_group = "";
    else if (strstr(application_group, "%{"))
        return;
    group = wsgi_find_daemon_group(alias->process_group);
    if (!group)
        return;
    preload = apr_psprintf(p, "%s|%s|%s", alias->target, application_group,
                           alias->callable_object ? alias->callable_object : "application");
    for (i = 0; i < group->preloads->nelts; i++) {
        if (!strcmp(((const char **)group->preloads->elts)[i], preload))
            return;
    }
    *(const char **)apr_array_push(group->preloads) = preload;
}

/* A group defined in a virtual host serves only virtual hosts of the same ServerName. */
static int group_usable_from(const wsgi_daemon_group *group, const server_rec *s)
{
    const char *own = group->server->server_hostname;

    if (!group->server->is_virtual || group->server == s)
        return 1;
    return own && s->server_hostname && !strcasecmp(own, s->server_hostname);
}

static const char *script_alias_directive(cmd_parms *cmd, void *mconfig, const char *args)
{
    wsgi_server_config *sconfig = ap_get_module_config(cmd->server->module_config, &wsgi_module);
    const char *directive = cmd->cmd->name;
    const char *error = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    wsgi_script_alias alias;
    wsgi_daemon_group *group;
    apr_finfo_t finfo;

    if (error)
        return error;
    memset(&alias, 0, sizeof(alias));
    alias.pass_authorization = -1;
    alias.location = ap_getword_conf(cmd->pool, &args);
    alias.target = ap_getword_conf(cmd->pool, &args);
    if (!*alias.location || !*alias.target)
        return apr_psprintf(cmd->pool, "%s needs a URL %s and a script path", directive,
                            cmd->info ? "pattern" : "prefix");

    while (*args) {
        const char *name, *value;
        if ((error = wsgi_parse_option(cmd->pool, &args, &name, &value)))
            return apr_psprintf(cmd->pool, "%s: invalid option: %s", directive, error);
        if (!strcmp(name, "process-group")) {
            if ((error = check_group_value(cmd->pool, directive, value)))
                return error;
            group = strstr(value, "%{") ? NULL : wsgi_find_daemon_group(value);
            if (!strstr(value, "%{") && !group)
                return apr_psprintf(cmd->pool, "%s: process group '%s' is not defined: a "
                                    "WSGIDaemonProcess %s line must come first",
                                    directive, value, value);
            if (group && cmd->server->server_hostname && !group_usable_from(group, cmd->server))
                return apr_psprintf(cmd->pool, "%s: process group '%s' belongs to virtual host "
                                    "'%s' and cannot be used here", directive, value,
                                    group->server->server_hostname);
            alias.process_group = value;
        }
        else if (!strcmp(name, "application-group")) {
            if ((error = check_group_value(cmd->pool, directive, value)))
                return error;
            alias.application_group = value;
        }
        else if (!strcmp(name, "callable-object")) {
            if (!*value)
                return apr_psprintf(cmd->pool, "%s: callable-object needs a name", directive);
            alias.callable_object = value;
        }
        else if (!strcmp(name, "pass-authorization")) {
            if (!strcasecmp(value, "On"))
                alias.pass_authorization = 1;
            else if (!strcasecmp(value, "Off"))
                alias.pass_authorization = 0;
            else
                return apr_psprintf(cmd->pool, "%s: bad value '%s' for option "
                                    "'pass-authorization': it must be On or Off", directive, value);
        }
        else {
            return apr_psprintf(cmd->pool, "%s: unknown option '%s'", directive, name);
        }
    }

    if (cmd->info) {
        alias.regex = ap_pregcomp(cmd->pool, alias.location, AP_REG_EXTENDED);
        if (!alias.regex)
            return apr_psprintf(cmd->pool, "%s: '%s' is not a valid regular expression",
                                directive, alias.location);
    }
    else if (apr_stat(&finfo, alias.target, APR_FINFO_TYPE, cmd->temp_pool) == APR_SUCCESS) {
        alias.target_is_file = finfo.filetype == APR_REG;
        alias.target_is_dir = finfo.filetype == APR_DIR;
    }

    *(wsgi_script_alias *)apr_array_push(sconfig->aliases) = alias;
    add_preload(cmd->pool, &alias);
    return NULL;
}

const command_rec wsgi_config_commands[] = {
    AP_INIT_RAW_ARGS("WSGIDaemonProcess", wsgi_daemon_process_directive, NULL, RSRC_CONF,
                     "Define a daemon process group: NAME [option=value ...]"),
    AP_INIT_RAW_ARGS("WSGIScriptAlias", script_alias_directive, NULL, RSRC_CONF,
                     "Map a URL prefix to a WSGI script file or directory [option=value ...]"),
    AP_INIT_RAW_ARGS("WSGIScriptAliasMatch", script_alias_directive, "match", RSRC_CONF,
                     "Map a URL regex to a WSGI script path with $N [option=value ...]"),
    AP_INIT_TAKE1("WSGIProcessGroup", set_process_group, NULL, ACCESS_CONF | RSRC_CONF,
                  "Daemon process group that runs the application"),
    AP_INIT_TAKE1("WSGIApplicationGroup", set_application_group, NULL, ACCESS_CONF | RSRC_CONF,
                  "Python interpreter (application group) within the daemon process"),
    AP_INIT_TAKE1("WSGICallableObject", set_callable_object, NULL, OR_FILEINFO,
                  "Name of the WSGI callable in the script (default: application)"),
    AP_INIT_FLAG("WSGIPassAuthorization", set_pass_authorization, NULL, OR_FILEINFO,
                 "Pass the Authorization header to the application as HTTP_AUTHORIZATION"),
    AP_INIT_FLAG("WSGIChunkedRequest", set_chunked_request, NULL, OR_FILEINFO,
                 "Accept request bodies sent with Transfer-Encoding: chunked"),
    AP_INIT_TAKE1("WSGISocketPrefix", set_global_value, NULL, RSRC_CONF,
                  "Path prefix of the daemon sockets (relative to ServerRoot)"),
    AP_INIT_TAKE1("WSGIPythonHome", set_global_value, NULL, RSRC_CONF,
                  "Python prefix or virtual environment for all daemon processes"),
    AP_INIT_TAKE1("WSGIPythonPath", set_global_value, NULL, RSRC_CONF,
                  "Colon-separated directories added to sys.path in all daemon processes"),
    {NULL}
};

/* ---- translate_name ---- */

/* Length of uri matched by prefix, 0 if none. A '/' in the prefix matches a run of slashes in
 * the URL, and the match must end at a path segment boundary. */
static apr_size_t prefix_match_length(const char *uri, const char *prefix)
{
    const char *u = uri, *a = prefix;

    while (*a) {
        if (*a == '/') {
            if (*u != '/')
                return 0;
            while (*a == '/')
                a++;
            while (*u == '/')
                u++;
        }
        else if (*u++ != *a++) {
            return 0;
        }
    }
    if (a[-1] != '/' && *u != '\0' && *u != '/')
        return 0;
    return (apr_size_t)(u - uri);
}

/* Splits target + rest of the URL into the script file and the path info. */
static void set_script_path(request_rec *r, const wsgi_script_alias *alias, const char *target,
                            const char *rest)
{
    if (alias->target_is_file) {
        r->filename = apr_pstrdup(r->pool, target);
        r->path_info = apr_pstrdup(r->pool, rest);
    }
    else if (alias->target_is_dir && *rest) {
        /* The script is the first segment under the directory; the rest is path info. */
        const char *segment = rest;
        const char *end;
        while (*segment == '/')
            segment++;
        end = strchr(segment, '/');
        r->filename = apr_pstrcat(r->pool, target, target[strlen(target) - 1] == '/' ? "" : "/",
                                  end ? apr_pstrmemdup(r->pool, segment, end - segment) : segment,
                                  NULL);
        r->path_info = apr_pstrdup(r->pool, end ? end : "");
    }
    else {
        /* Unknown at config time (or missing): Apache's directory walk splits it. */
        r->filename = apr_pstrcat(r->pool, target, rest, NULL);
    }
}

const wsgi_script_alias *wsgi_request_alias(request_rec *r)
{
    return ap_get_module_config(r->request_config, &wsgi_module);
}

int wsgi_translate_name(request_rec *r)
{
    wsgi_server_config *sconfig = ap_get_module_config(r->server->module_config, &wsgi_module);
    wsgi_script_alias *aliases = (wsgi_script_alias *)sconfig->aliases->elts;
    int i;

    if (r->uri[0] != '/')
        return DECLINED;
    for (i = 0; i < sconfig->aliases->nelts; i++) {
        wsgi_script_alias *alias = &aliases[i];
        const char *target = alias->target;
        apr_size_t matched;

        if (alias->regex) {
            ap_regmatch_t groups[AP_MAX_REG_MATCH];
            if (ap_regexec(alias->regex, r->uri, AP_MAX_REG_MATCH, groups, 0) != 0)
                continue;
            matched = (apr_size_t)groups[0].rm_eo;
            target = ap_pregsub(r->pool, alias->target, r->uri, AP_MAX_REG_MATCH, groups);
            if (!target)
                return HTTP_INTERNAL_SERVER_ERROR;
        }
        else {
            matched = prefix_match_length(r->uri, alias->location);
            if (matched == 0)
                continue;
        }
        /* Keep the slashes that end the match in the path info ("/" + "/x" -> PATH_INFO "/x"). */
        while (matched > 0 && r->uri[matched - 1] == '/')
            matched--;
        set_script_path(r, alias, target, r->uri + matched);
        r->handler = "wsgi-script";
        apr_table_setn(r->notes, "alias-forced-type", r->handler);
        ap_set_module_config(r->request_config, &wsgi_module, alias);
        return OK;
    }
    return DECLINED;
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

/* Expands the %{...} forms for this request; *unset is set when %{ENV:x} names no value. */
static const char *expand(request_rec *r, const char *value, int *unset)
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

wsgi_request_config *wsgi_get_request_config(request_rec *r, const char **error)
{
    wsgi_dir_config *dir = ap_get_module_config(r->per_dir_config, &wsgi_module);
    const wsgi_script_alias *alias = wsgi_request_alias(r);
    wsgi_request_config *config = apr_pcalloc(r->pool, sizeof(*config));
    const char *process_group, *application_group, *callable;
    int unset;

    process_group = alias && alias->process_group ? alias->process_group : dir->process_group;
    application_group = alias && alias->application_group ? alias->application_group
                                                          : dir->application_group;
    callable = alias && alias->callable_object ? alias->callable_object : dir->callable_object;
    config->pass_authorization = alias && alias->pass_authorization >= 0
        ? alias->pass_authorization : (dir->pass_authorization > 0);
    config->chunked_request = dir->chunked_request > 0;

    if (!process_group) {
        *error = "no WSGIProcessGroup applies to this request: this module runs WSGI "
                 "applications only in daemon mode, so set WSGIProcessGroup or the "
                 "process-group= option of WSGIScriptAlias";
        return NULL;
    }
    config->process_group = expand(r, process_group, &unset);
    if (unset || !*config->process_group) {
        *error = apr_psprintf(r->pool, "WSGIProcessGroup '%s' resolves to %s for this request, "
                              "and embedded mode is not supported", process_group,
                              unset ? "an unset variable" : "the empty (embedded) group");
        return NULL;
    }
    config->group = wsgi_find_daemon_group(config->process_group);
    if (!config->group) {
        *error = apr_psprintf(r->pool, "no WSGIDaemonProcess group named '%s' is defined",
                              config->process_group);
        return NULL;
    }
    if (!group_usable_from(config->group, r->server)) {
        *error = apr_psprintf(r->pool, "process group '%s' is defined in virtual host '%s' and "
                              "cannot be used from '%s'", config->process_group,
                              config->group->server->server_hostname,
                              r->server->server_hostname);
        config->group = NULL;
        return NULL;
    }
    config->application_group = expand(r, application_group ? application_group : "%{RESOURCE}",
                                       &unset);
    config->callable_object = "application";
    if (callable) {
        const char *expanded = expand(r, callable, &unset);
        if (!unset)
            config->callable_object = expanded;
    }
    return config;
}
