/* Builds the environ like mod_wsgi 6: Apache's common variables, then the CGI variables we set
 * ourselves (ap_add_cgi_vars would run a sub-request), then the mod_wsgi.* keys. */
#include <string.h>
#include <unistd.h>

#include "httpd.h"
#include "http_core.h"
#include "http_log.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "util_filter.h"
#include "util_script.h"

#include "wsgi_environ.h"
#include "wsgi_proxy_headers.h"

static int is_valid_header_name(const char *name)
{
    if (*name == '\0') {
        return 0;
    }
    for (; *name; name++) {
        if (!apr_isalnum(*name) && *name != '-') {
            return 0;
        }
    }
    return 1;
}

/* Drops headers like "X_Foo" that would otherwise collide with "X-Foo" as HTTP_X_FOO. */
static void remove_invalid_headers(request_rec *r)
{
    const apr_array_header_t *entries = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    apr_table_t *valid = apr_table_make(r->pool, entries->nelts);
    int i;

    for (i = 0; i < entries->nelts; i++) {
        if (e[i].key && is_valid_header_name(e[i].key)) {
            apr_table_addn(valid, e[i].key, e[i].val);
        }
    }
    if (apr_table_elts(valid)->nelts != entries->nelts) {
        r->headers_in = valid;
    }
}

/* Collapses runs of '/' into one (a copy). */
static const char *collapse_slashes(apr_pool_t *pool, const char *path)
{
    char *out = apr_pstrdup(pool, path);
    char *w = out;
    const char *p;

    for (p = path; *p; p++) {
        if (*p == '/' && w > out && w[-1] == '/') {
            continue;
        }
        *w++ = *p;
    }
    *w = '\0';
    return out;
}

/* Where path_info begins in uri. Both end alike, but uri may hold extra '/' in a run. */
static apr_size_t path_info_offset(const char *uri, const char *path_info)
{
    apr_ssize_t u = (apr_ssize_t)strlen(uri);
    apr_ssize_t p = (apr_ssize_t)strlen(path_info);

    while (u > 0 && p > 0 && uri[u - 1] == path_info[p - 1]) {
        u--;
        p--;
        if (uri[u] == '/') {
            while (p > 0 && path_info[p - 1] == '/') {
                p--;
            }
            while (u > 0 && uri[u - 1] == '/') {
                u--;
            }
        }
    }
    /* Never split a path segment. */
    while (uri[u] != '\0' && uri[u] != '/') {
        u++;
    }
    return (apr_size_t)u;
}

void wsgi_script_name_and_path_info(request_rec *r, const char **script_name,
                                    const char **path_info)
{
    const char *uri = r->uri ? r->uri : "";

    if (r->path_info && *r->path_info) {
        *script_name = apr_pstrndup(r->pool, uri, path_info_offset(uri, r->path_info));
        *path_info = r->path_info;
    }
    else {
        *script_name = uri;
        *path_info = "";
    }
    *script_name = collapse_slashes(r->pool, *script_name);
    *path_info = collapse_slashes(r->pool, *path_info);
}

/* The URI as the client sent it on the request line (what CGI calls REQUEST_URI). */
static const char *original_uri(request_rec *r)
{
    const char *line = r->the_request;
    const char *start, *end;

    if (line == NULL) {
        return r->unparsed_uri ? r->unparsed_uri : "";
    }
    start = strchr(line, ' ');
    if (start == NULL) {
        return r->unparsed_uri ? r->unparsed_uri : "";
    }
    while (*start == ' ') {
        start++;
    }
    end = start;
    while (*end != '\0' && *end != ' ') {
        end++;
    }
    return apr_pstrmemdup(r->pool, start, (apr_size_t)(end - start));
}

static int is_on(const char *value)
{
    return value && (strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0);
}

/* Keys of Apache's environment we never forward, as mod_wsgi 6: the Apache parent's PATH and
 * library path, variables mod_wsgi does not set, HTTP_PROXY (httpoxy), mod_wsgi.x-* (ours
 * alone), and HTTPS (re-derived below). */
static int is_dropped_key(const char *key)
{
    static const char *const dropped[] = {"PATH", "LD_LIBRARY_PATH", "SERVER_SIGNATURE",
                                          "REMOTE_HOST", "REMOTE_IDENT", "GATEWAY_INTERFACE",
                                          "PATH_TRANSLATED", "HTTP_PROXY", "HTTPS", NULL};
    int i;

    for (i = 0; dropped[i]; i++) {
        if (strcmp(key, dropped[i]) == 0) {
            return 1;
        }
    }
    return strncmp(key, "mod_wsgi.x-", 11) == 0;
}

static void copy_common_vars(request_rec *r, apr_table_t *environ)
{
    const apr_array_header_t *entries = apr_table_elts(r->subprocess_env);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    int i;

    for (i = 0; i < entries->nelts; i++) {
        if (e[i].key && e[i].val && !is_dropped_key(e[i].key)) {
            apr_table_setn(environ, e[i].key, e[i].val);
        }
    }
}

/* WSGIMapHEADToGET: On gives the application GET for every HEAD; Auto only when an output
 * filter before the protocol ones (mod_deflate, ...) needs the body a GET would produce. */
static const char *request_method(request_rec *r, const wsgi_request_config *config)
{
    int is_head = r->method_number == M_GET && r->header_only;

    if (is_head && config->map_head_to_get == WSGI_MAP_HEAD_ON)
        return "GET";
    if (is_head && config->map_head_to_get == WSGI_MAP_HEAD_AUTO && r->output_filters
        && r->output_filters->frec && r->output_filters->frec->ftype < AP_FTYPE_PROTOCOL)
        return "GET";
    return r->method;
}

static void add_cgi_vars(request_rec *r, const wsgi_request_config *config, apr_table_t *environ)
{
    const char *script_name, *path_info;

    wsgi_script_name_and_path_info(r, &script_name, &path_info);
    apr_table_setn(environ, "REQUEST_METHOD", request_method(r, config));
    apr_table_setn(environ, "SERVER_PROTOCOL", r->protocol);
    apr_table_setn(environ, "QUERY_STRING", r->args ? r->args : "");
    apr_table_setn(environ, "REQUEST_URI", original_uri(r));
    /* Always the file Apache mapped and checked, whatever SetEnv or RewriteRule [E=] put in the
     * environment under that name: it is the script the worker runs. */
    apr_table_setn(environ, "SCRIPT_FILENAME", r->filename);
    apr_table_setn(environ, "SCRIPT_NAME", script_name);
    apr_table_setn(environ, "PATH_INFO", path_info);
    apr_table_setn(environ, "mod_wsgi.script_name", script_name);
    apr_table_setn(environ, "mod_wsgi.path_info", path_info);
}

static void add_security_vars(request_rec *r, const wsgi_request_config *config,
                              apr_table_t *environ)
{
    const char *authorization = apr_table_get(r->headers_in, "Authorization");
    const char *scheme = apr_table_get(r->subprocess_env, "REQUEST_SCHEME");

    if (config->pass_authorization == 1 && authorization) {
        apr_table_setn(environ, "HTTP_AUTHORIZATION", authorization);
    }
    /* The worker derives wsgi.url_scheme from HTTPS and keeps it out of the app's environ. */
    if (is_on(apr_table_get(r->subprocess_env, "HTTPS"))
        || (scheme && strcasecmp(scheme, "https") == 0)) {
        apr_table_setn(environ, "HTTPS", "1");
    }
}

static void add_mod_wsgi_vars(request_rec *r, const wsgi_request_config *config,
                              apr_table_t *environ)
{
    conn_rec *c = r->connection;
    const wsgi_daemon_group *group = config->group;
    apr_sockaddr_t *local = c->local_addr;

    apr_table_setn(environ, "mod_wsgi.process_group", config->process_group);
    apr_table_setn(environ, "mod_wsgi.application_group",
                   config->application_group ? config->application_group : "");
    apr_table_setn(environ, "mod_wsgi.callable_object",
                   config->callable_object ? config->callable_object : "application");
    /* No handler yet when a hook script runs (access and auth come before fixups). */
    apr_table_setn(environ, "mod_wsgi.request_handler", r->handler ? r->handler : "");
    apr_table_setn(environ, "mod_wsgi.handler_script",
                   config->handler_script ? config->handler_script : "");
    apr_table_setn(environ, "mod_wsgi.script_reloading", config->script_reloading ? "1" : "0");
    apr_table_setn(environ, "mod_wsgi.listener_host",
                   local && local->hostname ? local->hostname : "");
    apr_table_setn(environ, "mod_wsgi.listener_port",
                   apr_psprintf(r->pool, "%d", local ? (int)local->port : 0));
    apr_table_setn(environ, "mod_wsgi.server_pid", apr_psprintf(r->pool, "%d", (int)getpid()));
    /* As mod_wsgi: a request without a log id gets one (the id %L logs), and each id is only
     * there when Apache has one. */
    if (!r->log_id) {
        ap_run_generate_log_id(c, r, &((request_rec *)r)->log_id);
    }
    if (r->log_id) {
        apr_table_setn(environ, "mod_wsgi.request_id", r->log_id);
    }
    if (c->log_id) {
        apr_table_setn(environ, "mod_wsgi.connection_id", c->log_id);
    }
    apr_table_setn(environ, "mod_wsgi.enable_sendfile", config->enable_sendfile ? "1" : "0");
    apr_table_setn(environ, "mod_wsgi.ignore_activity", config->ignore_activity ? "1" : "0");
    apr_table_setn(environ, "mod_wsgi.x-request_start_us",
                   apr_psprintf(r->pool, "%" APR_TIME_T_FMT, r->request_time));
    apr_table_setn(environ, "mod_wsgi.x-queue_timeout",
                   apr_psprintf(r->pool, "%" APR_TIME_T_FMT,
                                group ? apr_time_sec(group->queue_timeout) : 0));
}

apr_table_t *wsgi_build_environ(request_rec *r, const wsgi_request_config *config)
{
    apr_table_t *environ = apr_table_make(r->pool, 64);

    remove_invalid_headers(r);
    ap_add_common_vars(r);
    copy_common_vars(r, environ);
    add_cgi_vars(r, config, environ);
    add_security_vars(r, config, environ);
    add_mod_wsgi_vars(r, config, environ);
    /* Last: a trusted proxy's word replaces what Apache saw of the connection. */
    wsgi_apply_trusted_proxy_headers(r->pool, environ, config->trusted_proxy_headers,
                                     config->trusted_proxies);
    return environ;
}

int wsgi_environ_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    (void)ptemp;
    (void)s;
    /* mod_wsgi names itself and its Python in the server banner (SERVER_SOFTWARE, Server:),
     * as far as ServerTokens shows components. */
    ap_add_version_component(pconf, "mod_wsgi/" WSGI_REFERENCE_VERSION);
    ap_add_version_component(pconf, "Python/" WSGI_PYTHON_VERSION);
    return OK;
}
