/* The request path of the module, in the order a request goes through it:
 *
 *   1. checks that need no daemon (handler name, Options ExecCGI, script file, request body
 *      framing, config);
 *   2. the environ (wsgi_environ.c);
 *   3. connect to the group's socket, send HELLO (the group's secret), REQUEST_HEAD, the body
 *      and REQUEST_END;
 *   4. read the first response frame: a control frame ends the request (or retries it), a
 *      RESPONSE_HEAD is applied to r;
 *   5. relay RESPONSE_BODY frames down the output filters until RESPONSE_END.
 *
 * Every failure logs one line naming the cause, the process group and the socket. The worker is
 * less trusted than Apache: nothing it sends reaches the client without validation. */
#include <string.h>
#include <unistd.h>

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "wsgi_daemon_socket.h"
#include "wsgi_environ.h"
#include "wsgi_exchange.h"
#include "wsgi_handler.h"
#include "wsgi_hooks.h"

APLOG_USE_MODULE(wsgi);

/* Client body reads are relayed in pieces of at most this size. */
#define BODY_READ_SIZE (64 * 1024)

/* Logs one error line for r ending with the group and its socket. */
void wsgi_log_failure(const wsgi_exchange *ex, apr_status_t rv, const char *fmt, ...)
{
    va_list args;
    const char *message;

    va_start(args, fmt);
    message = apr_pvsprintf(ex->r->pool, fmt, args);
    va_end(args);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, ex->r,
                  "mod_wsgi (pid=%d): %s (process group '%s', socket '%s')", (int)getpid(),
                  message, ex->group->name, ex->group->socket_path);
}

/* ---- 1. checks before the daemon ---- */

/* The two handler names that run a WSGI script: the one WSGIScriptAlias sets, and the MIME-type
 * form (AddType application/x-httpd-wsgi .wsgi). */
static int is_wsgi_handler(const char *handler)
{
    return handler != NULL
           && (strcmp(handler, "wsgi-script") == 0
               || strcmp(handler, "application/x-httpd-wsgi") == 0);
}

/* A script reached through the handler alone (AddHandler, SetHandler, even in a .htaccess) runs
 * only where Options ExecCGI is on, as CGI scripts do; a URL that WSGIScriptAlias or
 * WSGIScriptAliasMatch mapped is allowed by that mapping. Only our translate_name hook records an
 * alias in request_config, so no configuration but the server's own can fake one. */
static int check_exec_allowed(request_rec *r)
{
    if (wsgi_request_alias(r) != NULL || (ap_allow_options(r) & OPT_EXECCGI)) {
        return OK;
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  "mod_wsgi (pid=%d): Options ExecCGI is off in this directory: %s",
                  (int)getpid(), r->filename ? r->filename : r->uri);
    return HTTP_FORBIDDEN;
}

static int check_script_file(request_rec *r)
{
    if (r->finfo.filetype == APR_NOFILE) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_wsgi (pid=%d): target WSGI script not found or unable to stat: %s",
                      (int)getpid(), r->filename ? r->filename : "(none)");
        return HTTP_NOT_FOUND;
    }
    if (r->finfo.filetype == APR_DIR) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_wsgi (pid=%d): attempt to invoke a directory as a WSGI application: %s",
                      (int)getpid(), r->filename);
        return HTTP_FORBIDDEN;
    }
    return OK;
}

/* Why `path` fails the group's script-user= / script-group= rule, or NULL: it must belong to that
 * user (group), and be writable by no one else: not by its group under script-user, not by
 * others under either. */
static const char *script_owner_problem(apr_pool_t *p, const wsgi_daemon_group *group,
                                        const char *path, const char *what)
{
    apr_finfo_t info;
    apr_status_t rv = apr_stat(&info, path, APR_FINFO_OWNER | APR_FINFO_PROT, p);
    char *name = NULL;

    if (rv != APR_SUCCESS) {
        char buffer[120];
        return apr_psprintf(p, "cannot read the owner of the %s '%s': %s", what, path,
                            apr_strerror(rv, buffer, sizeof(buffer)));
    }
    if (group->script_uid >= 0) {
        if ((long)info.user != group->script_uid) {
            apr_uid_name_get(&name, info.user, p);
            return apr_psprintf(p, "the %s '%s' is owned by '%s', not by script-user uid %ld", what,
                                path, name ? name : apr_ltoa(p, (long)info.user),
                                group->script_uid);
        }
        if (info.protection & APR_FPROT_GWRITE) {
            return apr_psprintf(p, "the %s '%s' is writable by its group", what, path);
        }
    }
    else if ((long)info.group != group->script_gid) {
        apr_gid_name_get(&name, info.group, p);
        return apr_psprintf(p, "the %s '%s' belongs to group '%s', not to script-group gid %ld",
                            what, path, name ? name : apr_ltoa(p, (long)info.group),
                            group->script_gid);
    }
    if (info.protection & APR_FPROT_WWRITE) {
        return apr_psprintf(p, "the %s '%s' is writable by everyone", what, path);
    }
    return NULL;
}

/* script-user= / script-group=: the script the group is to run, and the folder it is in, must
 * pass script_owner_problem, or the request is refused before the daemon sees it. */
static int check_script_owner(request_rec *r, const wsgi_request_config *config)
{
    const wsgi_daemon_group *group = config->group;
    const char *script = config->handler_script ? config->handler_script : r->filename;
    const char *slash = strrchr(script, '/');
    const char *problem;

    if (group->script_uid < 0 && group->script_gid < 0) {
        return OK;
    }
    problem = script_owner_problem(r->pool, group, script, "WSGI script file");
    if (problem == NULL && slash != NULL) {
        const char *folder = slash == script ? "/" : apr_pstrmemdup(r->pool, script, slash - script);
        problem = script_owner_problem(r->pool, group, folder, "directory of the WSGI script file");
    }
    if (problem != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_wsgi (pid=%d): refusing to run a script in process group '%s': %s",
                      (int)getpid(), group->name, problem);
        return HTTP_FORBIDDEN;
    }
    return OK;
}

/* Transfer-Encoding and Content-Length rules; sets *has_body. */
static int check_request_body(request_rec *r, const wsgi_request_config *config, int *has_body)
{
    const char *encoding = apr_table_get(r->headers_in, "Transfer-Encoding");
    const char *length = apr_table_get(r->headers_in, "Content-Length");

    *has_body = 0;
    if (encoding) {
        if (strcasecmp(encoding, "chunked") != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_wsgi (pid=%d): unsupported Transfer-Encoding '%s'",
                          (int)getpid(), encoding);
            return HTTP_NOT_IMPLEMENTED;
        }
        if (config->chunked_request != 1) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_wsgi (pid=%d): chunked request body refused, "
                          "WSGIChunkedRequest is not On", (int)getpid());
            return HTTP_LENGTH_REQUIRED;
        }
        *has_body = 1;
        return OK;
    }
    if (length) {
        const char *p = length;
        apr_off_t value = 0;
        char *end = NULL;

        while (apr_isdigit(*p)) {
            p++;
        }
        if (p == length || *p != '\0' || apr_strtoff(&value, length, &end, 10) != APR_SUCCESS
            || value < 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_wsgi (pid=%d): invalid Content-Length '%s'", (int)getpid(),
                          length);
            return HTTP_BAD_REQUEST;
        }
        *has_body = value > 0;
    }
    return OK;
}

/* ---- 3. the request ---- */

static int connect_daemon(wsgi_exchange *ex)
{
    int attempts = 0;
    apr_status_t rv = wsgi_daemon_connect(&ex->sock, ex->group->socket_path,
                                          ex->group->connect_timeout, &attempts);
    if (rv != APR_SUCCESS) {
        wsgi_log_failure(ex, rv, "unable to connect to the daemon process after %d "
                         "attempt%s (%s)", attempts, attempts == 1 ? "" : "s",
                         strerror(APR_TO_OS_ERROR(rv)));
        return HTTP_SERVICE_UNAVAILABLE;
    }
    return OK;
}

/* Sends bytes (what names them for the log); a failure is logged once and remembered, and
 * later sends are skipped. */
static void send_bytes(wsgi_exchange *ex, const char *what, struct iovec *iov, int count)
{
    apr_status_t rv;

    if (ex->write_failed) {
        return;
    }
    rv = wsgi_daemon_writev(&ex->sock, iov, count);
    if (rv != APR_SUCCESS) {
        ex->write_failed = 1;
        wsgi_log_failure(ex, rv, "failed to send %s to the daemon process", what);
    }
}

static void send_frame(wsgi_exchange *ex, unsigned int type, const void *payload,
                       apr_size_t length)
{
    unsigned char header[WSGI_FRAME_HEADER_SIZE];
    struct iovec iov[2] = {{header, sizeof(header)}, {(void *)payload, length}};

    wsgi_wire_put_frame_header(header, type, (apr_uint32_t)length);
    send_bytes(ex, wsgi_wire_type_name(type), iov, length > 0 ? 2 : 1);
}

/* Sends HELLO (the group's secret, which the worker checks before anything else) and
 * REQUEST_HEAD, and REQUEST_END with them in one write when there is no body. */
static int send_head(wsgi_exchange *ex, apr_table_t *environ)
{
    const apr_array_header_t *entries;
    const apr_table_entry_t *e;
    wsgi_request_head head;
    int i;

    apr_table_setn(environ, "mod_wsgi.x-queue_start_us",
                   apr_psprintf(ex->r->pool, "%" APR_TIME_T_FMT, apr_time_now()));
    entries = apr_table_elts(environ);
    e = (const apr_table_entry_t *)entries->elts;
    wsgi_request_head_init(&head, ex->r->pool);
    for (i = 0; i < entries->nelts; i++) {
        /* apr_table_setn takes NULL; an unset value goes as empty rather than crash the child. */
        const char *value = e[i].val ? e[i].val : "";
        wsgi_wire_error error = wsgi_request_head_add(&head, e[i].key, value, strlen(value));
        if (error != WSGI_WIRE_OK) {
            wsgi_log_failure(ex, 0, "cannot send environ key '%s': %s", e[i].key,
                             wsgi_wire_error_text(error));
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    wsgi_request_head_finish(&head);
    {
        unsigned char hello[WSGI_HELLO_FRAME_SIZE];
        unsigned char end[WSGI_FRAME_HEADER_SIZE];
        struct iovec iov[3] = {{hello, sizeof(hello)}, {head.data, head.length},
                               {end, sizeof(end)}};

        wsgi_wire_put_hello(hello, ex->group->secret);
        wsgi_wire_put_frame_header(end, WSGI_FRAME_REQUEST_END, 0);
        send_bytes(ex, ex->has_body ? "HELLO and REQUEST_HEAD"
                                    : "HELLO, REQUEST_HEAD and REQUEST_END", iov,
                   ex->has_body ? 2 : 3);
    }
    return OK;
}

/* The HTTP status for a failed client body read, after telling the worker. */
static int client_read_failed(wsgi_exchange *ex, apr_status_t rv)
{
    int timed_out = APR_STATUS_IS_TIMEUP(rv) || rv == APR_ETIMEDOUT;
    const char *reason = timed_out ? "timeout reading the request body from the client"
                                   : "error reading the request body from the client";

    send_frame(ex, WSGI_FRAME_REQUEST_ABORT, reason, strlen(reason));
    wsgi_log_failure(ex, rv, "%s", reason);
    if (rv == AP_FILTER_ERROR) {
        return AP_FILTER_ERROR;   /* an input filter has already answered */
    }
    if (rv == APR_ENOSPC) {
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    return timed_out ? HTTP_REQUEST_TIME_OUT : HTTP_INTERNAL_SERVER_ERROR;
}

/* Streams the client body as it arrives. Stops early when the worker stops taking it; Apache
 * discards what is left of the body at the end of the request. */
static int send_body(wsgi_exchange *ex)
{
    request_rec *r = ex->r;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    int seen_eos = 0;

    while (!seen_eos && !ex->write_failed) {
        apr_bucket *b;
        apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                                         APR_BLOCK_READ, BODY_READ_SIZE);
        if (rv != APR_SUCCESS) {
            apr_brigade_cleanup(bb);
            return client_read_failed(ex, rv);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t length;

            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b)) {
                continue;
            }
            rv = apr_bucket_read(b, &data, &length, APR_BLOCK_READ);
            if (rv != APR_SUCCESS) {
                apr_brigade_cleanup(bb);
                return client_read_failed(ex, rv);
            }
            while (length > 0) {
                apr_size_t piece = length < WSGI_MAX_BODY_PAYLOAD ? length : WSGI_MAX_BODY_PAYLOAD;
                send_frame(ex, WSGI_FRAME_REQUEST_BODY, data, piece);
                data += piece;
                length -= piece;
            }
        }
        apr_brigade_cleanup(bb);
    }
    return OK;
}

static int send_request(wsgi_exchange *ex, apr_table_t *environ)
{
    int status = send_head(ex, environ);
    if (status == OK && ex->has_body) {
        status = send_body(ex);
        if (status == OK) {
            send_frame(ex, WSGI_FRAME_REQUEST_END, NULL, 0);
        }
    }
    return status;
}

static int is_retryable_frame(unsigned int type)
{
    return type == WSGI_FRAME_SHUTTING_DOWN || type == WSGI_FRAME_SCRIPT_RELOADED;
}

/* chroot=: the group's workers see the file system from inside the jail, so the paths they are
 * given lose the jail's prefix. The script they are to run must be inside it. */
static int paths_into_jail(wsgi_exchange *ex, apr_table_t *environ)
{
    static const char *const paths[] = {"SCRIPT_FILENAME", "mod_wsgi.handler_script",
                                        "mod_wsgi.x-hook_script", "DOCUMENT_ROOT",
                                        "CONTEXT_DOCUMENT_ROOT", NULL};
    const char *jail = ex->group->chroot;
    const char *handler = apr_table_get(environ, "mod_wsgi.handler_script");
    const char *hook = apr_table_get(environ, "mod_wsgi.x-hook_script");
    const char *script = hook && *hook ? "mod_wsgi.x-hook_script"
                         : handler && *handler ? "mod_wsgi.handler_script" : "SCRIPT_FILENAME";
    apr_size_t length;
    int i;

    if (jail == NULL || strcmp(jail, "/") == 0) {
        return OK;
    }
    length = strlen(jail);
    for (i = 0; paths[i]; i++) {
        const char *value = apr_table_get(environ, paths[i]);
        if (value && strncmp(value, jail, length) == 0 && value[length] == '/') {
            apr_table_setn(environ, paths[i], value + length);
        }
        else if (strcmp(paths[i], script) == 0) {
            wsgi_log_failure(ex, 0, "the script '%s' is outside the chroot '%s' of its process "
                             "group, where its daemon processes cannot see it",
                             value ? value : "", jail);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

int wsgi_exchange_open(wsgi_exchange *ex, apr_table_t *environ)
{
    int max_attempts = 2 * (ex->group->processes > 0 ? ex->group->processes : 1) + 1;
    int attempt;
    int jailed = paths_into_jail(ex, environ);

    if (jailed != OK) {
        return jailed;
    }

    for (attempt = 1;; attempt++) {
        int status = connect_daemon(ex);
        if (status == OK) {
            status = send_request(ex, environ);
        }
        if (status == OK) {
            status = wsgi_read_first_frame(ex);
        }
        if (status != OK || !is_retryable_frame(ex->frame.header.type)) {
            return status;
        }
        wsgi_daemon_close(&ex->sock);
        if (ex->has_body) {
            wsgi_log_failure(ex, 0, "daemon process answered %s and the request had a body, "
                             "so it cannot be resent", wsgi_wire_type_name(ex->frame.header.type));
            return HTTP_SERVICE_UNAVAILABLE;
        }
        if (attempt >= max_attempts) {
            wsgi_log_failure(ex, 0, "daemon process answered %s %d times; giving up",
                             wsgi_wire_type_name(ex->frame.header.type), attempt);
            return HTTP_SERVICE_UNAVAILABLE;
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, ex->r,
                      "mod_wsgi (pid=%d): daemon process answered %s, retrying on a new "
                      "connection (attempt %d of %d, process group '%s')", (int)getpid(),
                      wsgi_wire_type_name(ex->frame.header.type), attempt + 1, max_attempts,
                      ex->group->name);
        ex->write_failed = 0;
    }
}

static apr_status_t close_daemon_cleanup(void *data)
{
    wsgi_daemon_close(data);
    return APR_SUCCESS;
}

wsgi_exchange *wsgi_exchange_new(request_rec *r, const wsgi_request_config *config, int has_body)
{
    wsgi_exchange *ex = apr_pcalloc(r->pool, sizeof(*ex));

    ex->r = r;
    ex->config = config;
    ex->group = config->group;
    ex->sock.fd = -1;
    ex->sock.timeout = config->group->socket_timeout > 0 ? config->group->socket_timeout
                                                         : r->server->timeout;
    ex->has_body = has_body;
    ex->content_length = -1;
    apr_pool_cleanup_register(r->pool, &ex->sock, close_daemon_cleanup, apr_pool_cleanup_null);
    return ex;
}

int wsgi_handler(request_rec *r)
{
    wsgi_exchange *ex;
    wsgi_request_config *config;
    const char *error = NULL;
    int status, has_body;

    /* A WSGIHandlerScript is the server's own choice of script for that handler: neither
     * Options ExecCGI nor r->filename (a resource the script serves) matter then. */
    if (wsgi_find_handler_script(r) == NULL) {
        if (!is_wsgi_handler(r->handler)) {
            return DECLINED;
        }
        if ((status = check_exec_allowed(r)) != OK) {
            return status;
        }
        if ((status = check_script_file(r)) != OK) {
            return status;
        }
    }
    config = wsgi_get_request_config(r, &error);
    if (config == NULL || config->group == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_wsgi (pid=%d): no daemon process group for %s: %s", (int)getpid(),
                      r->filename, error ? error : "the request names no process group");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((status = wsgi_run_dispatch_script(r, config)) != OK) {
        return status;
    }
    if ((status = check_script_owner(r, config)) != OK) {
        return status;
    }
    if ((status = check_request_body(r, config, &has_body)) != OK) {
        return status;
    }
    ex = wsgi_exchange_new(r, config, has_body);
    if ((status = wsgi_exchange_open(ex, wsgi_build_environ(r, config))) != OK) {
        return status;
    }
    if (ex->frame.header.type == WSGI_FRAME_RESPONSE_HEAD) {
        return wsgi_relay_response(ex);
    }
    return wsgi_control_frame_status(ex);
}
