/* WSGIScriptAlias and WSGIScriptAliasMatch: the directive, and the translate_name hook that maps
 * a request's URL to the script (and path info) it names. */
#include "wsgi_config.h"

#include "http_core.h"
#include "http_request.h"
#include "ap_regex.h"
#include "apr_file_info.h"
#include "apr_strings.h"

#include <string.h>

/* A script alias naming both groups without %{...} is loaded at worker start, as mod_wsgi
 * preloads it. */
static void preload_alias(apr_pool_t *p, const wsgi_script_alias *alias)
{
    const char *application_group = alias->application_group;
    wsgi_daemon_group *group;

    if (alias->regex || !alias->process_group || !application_group || alias->target_is_dir)
        return;
    if (strstr(alias->process_group, "%{"))
        return;
    if (!strcmp(application_group, WSGI_GLOBAL_GROUP))
        application_group = "";
    else if (strstr(application_group, "%{"))
        return;
    group = wsgi_find_daemon_group(alias->process_group);
    if (group)
        wsgi_add_preload(p, group, alias->target, application_group,
                         alias->callable_object ? alias->callable_object : "application");
}

const char *wsgi_script_alias_directive(cmd_parms *cmd, void *mconfig, const char *args)
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
            if ((error = wsgi_check_group_value(cmd->pool, directive, value)))
                return error;
            group = strstr(value, "%{") ? NULL : wsgi_find_daemon_group(value);
            if (!strstr(value, "%{") && !group)
                return apr_psprintf(cmd->pool, "%s: process group '%s' is not defined: a "
                                    "WSGIDaemonProcess %s line must come first",
                                    directive, value, value);
            if (group && cmd->server->server_hostname && !wsgi_group_usable_from(group, cmd->server))
                return apr_psprintf(cmd->pool, "%s: process group '%s' belongs to virtual host "
                                    "'%s' and cannot be used here", directive, value,
                                    group->server->server_hostname);
            alias.process_group = value;
        }
        else if (!strcmp(name, "application-group")) {
            if ((error = wsgi_check_group_value(cmd->pool, directive, value)))
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
    preload_alias(cmd->pool, &alias);
    return NULL;
}

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

