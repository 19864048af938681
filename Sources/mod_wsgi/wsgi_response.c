/* The response half of the handler: read the worker's first frame, apply a RESPONSE_HEAD to the
 * request, and relay RESPONSE_BODY frames down Apache's output filters until RESPONSE_END. The
 * worker is less trusted than Apache, so the module owns the framing: the head is checked
 * (wsgi_response_rules.c), the body is counted against the Content-Length it declared, and a
 * response that is not complete, or would run over, is never passed off as complete: the client
 * connection is aborted instead. */
#include <string.h>
#include <unistd.h>

#include "httpd.h"
#include "apr_date.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "wsgi_daemon_socket.h"
#include "wsgi_exchange.h"
#include "wsgi_response_rules.h"

APLOG_USE_MODULE(wsgi);

/* A reason sent by the worker, made safe for one log line. */
static const char *printable(apr_pool_t *pool, const unsigned char *text, apr_size_t length)
{
    char *out, *p;

    if (length == 0) {
        return "";
    }
    out = apr_pstrmemdup(pool, (const char *)text, length);
    for (p = out; *p; p++) {
        if (!apr_isprint(*p)) {
            *p = '?';
        }
    }
    return out;
}

static wsgi_read_result read_frame(wsgi_exchange *ex, apr_status_t *rv, wsgi_wire_error *error)
{
    return wsgi_daemon_read_frame(&ex->sock, ex->r->pool, &ex->frame, rv, error);
}

/* Reads the first response frame; anything but a frame read is logged and mapped to a status. */
int wsgi_read_first_frame(wsgi_exchange *ex)
{
    apr_status_t rv;
    wsgi_wire_error error;

    switch (read_frame(ex, &rv, &error)) {
    case WSGI_READ_FRAME:
        return OK;
    case WSGI_READ_EOF:
        wsgi_log_failure(ex, 0, "truncated or oversized response headers received from "
                         "daemon process: it closed the connection before the response head");
        return HTTP_BAD_GATEWAY;
    case WSGI_READ_TIMEOUT:
        wsgi_log_failure(ex, rv, "timeout when reading response headers from daemon process");
        return HTTP_GATEWAY_TIME_OUT;
    case WSGI_READ_IO_ERROR:
        wsgi_log_failure(ex, rv, "error reading response headers from daemon process");
        return HTTP_BAD_GATEWAY;
    default:
        wsgi_log_failure(ex, 0, "invalid response from daemon process: %s frame rejected: "
                         "%s", wsgi_wire_type_name(ex->frame.header.type), wsgi_wire_error_text(error));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
}

/* The status for a control frame other than the retryable ones. */
int wsgi_control_frame_status(wsgi_exchange *ex)
{
    const char *reason = printable(ex->r->pool, ex->frame.payload, ex->frame.header.length);

    switch (ex->frame.header.type) {
    case WSGI_FRAME_QUEUE_TIMEOUT:
        wsgi_log_failure(ex, 0, "queue timeout expired before the daemon process could start "
                         "the request");
        return HTTP_GATEWAY_TIME_OUT;
    case WSGI_FRAME_REQUEST_TIMEOUT:
        wsgi_log_failure(ex, 0, "request timeout expired in the daemon process before the "
                         "response started");
        return HTTP_GATEWAY_TIME_OUT;
    case WSGI_FRAME_APP_LOAD_FAILED:
        wsgi_log_failure(ex, 0, "daemon process failed to load the WSGI application: %s", reason);
        return HTTP_INTERNAL_SERVER_ERROR;
    case WSGI_FRAME_ERROR:
        wsgi_log_failure(ex, 0, "daemon process reported a protocol error: %s", reason);
        return HTTP_INTERNAL_SERVER_ERROR;
    default:
        wsgi_log_failure(ex, 0, "invalid response from daemon process: unexpected %s frame "
                         "before the response head", wsgi_wire_type_name(ex->frame.header.type));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
}

/* Applies a validated head to r like mod_wsgi's CGI-style header rules. */
static void apply_head(request_rec *r, const wsgi_response_head *head)
{
    unsigned int i;

    r->status = head->status;
    r->status_line = *head->reason ? apr_psprintf(r->pool, "%d %s", head->status, head->reason)
                                   : NULL;
    for (i = 0; i < head->header_count; i++) {
        const char *name = head->headers[i].name;
        const char *value = head->headers[i].value;
        apr_time_t mtime;

        if (strcasecmp(name, "Content-Type") == 0) {
            ap_set_content_type(r, value);
        }
        else if (strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Location") == 0
                 || strcasecmp(name, "Content-Range") == 0) {
            apr_table_setn(r->headers_out, name, value);
        }
        else if (strcasecmp(name, "Last-Modified") == 0
                 && (mtime = apr_date_parse_http(value)) != APR_DATE_BAD) {
            ap_update_mtime(r, mtime);
            ap_set_last_modified(r);
        }
        else if (strcasecmp(name, "Set-Cookie") == 0
                 || strcasecmp(name, "WWW-Authenticate") == 0) {
            apr_table_addn(r->headers_out, name, value);   /* must stay separate lines */
        }
        else {
            apr_table_mergen(r->headers_out, name, value);
        }
    }
}

/* Ends a broken response so the client cannot take it for a complete one: as mod_proxy does,
 * a 502 error bucket makes the HTTP filters skip the last chunk and close the connection. */
static int abort_client(wsgi_exchange *ex, apr_bucket_brigade *bb)
{
    request_rec *r = ex->r;
    conn_rec *c = r->connection;

    r->no_cache = 1;
    c->keepalive = AP_CONN_CLOSE;
    apr_brigade_cleanup(bb);
    APR_BRIGADE_INSERT_TAIL(bb, ap_bucket_error_create(HTTP_BAD_GATEWAY, NULL, r->pool,
                                                       c->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(c->bucket_alloc));
    ap_pass_brigade(r->output_filters, bb);
    apr_brigade_cleanup(bb);
    return OK;
}

/* Logs why the body stopped and aborts the client. */
static int body_failed(wsgi_exchange *ex, apr_bucket_brigade *bb, wsgi_read_result result,
                       apr_status_t rv, wsgi_wire_error error)
{
    switch (result) {
    case WSGI_READ_EOF:
        wsgi_log_failure(ex, 0, "daemon process closed the connection before the response "
                         "was complete; aborting the client connection");
        break;
    case WSGI_READ_TIMEOUT:
        wsgi_log_failure(ex, rv, "timeout reading the response body from daemon process; "
                         "aborting the client connection");
        break;
    case WSGI_READ_IO_ERROR:
        wsgi_log_failure(ex, rv, "error reading the response body from daemon process; "
                         "aborting the client connection");
        break;
    default:
        wsgi_log_failure(ex, 0, "invalid response body from daemon process: %s frame "
                         "rejected: %s; aborting the client connection",
                         wsgi_wire_type_name(ex->frame.header.type),
                         error == WSGI_WIRE_OK ? "not allowed after the response head"
                                               : wsgi_wire_error_text(error));
        break;
    }
    return abort_client(ex, bb);
}

/* Whether the client's response carries a body that Content-Length describes: not for HEAD
 * (Apache drops the body) nor for 204 and 304 (a 304 may repeat the entity's length). */
static int length_is_checked(const wsgi_exchange *ex)
{
    const request_rec *r = ex->r;
    return ex->content_length >= 0 && !r->header_only && r->status != HTTP_NO_CONTENT
           && r->status != HTTP_NOT_MODIFIED;
}

/* relay_body's loop: one frame at a time until RESPONSE_END or a failure. */
static int relay_body_frames(wsgi_exchange *ex, apr_bucket_brigade *bb, int checked,
                             apr_size_t *unflushed, apr_interval_time_t client_timeout)
{
    request_rec *r = ex->r;
    conn_rec *c = r->connection;
    const wsgi_daemon_group *group = ex->group;

    for (;;) {
        apr_status_t rv;
        wsgi_wire_error error;
        wsgi_read_result result = read_frame(ex, &rv, &error);
        apr_size_t length = ex->frame.header.length;
        int aborted = 0;

        if (result != WSGI_READ_FRAME) {
            return body_failed(ex, bb, result, rv, error);
        }
        if (ex->frame.header.type == WSGI_FRAME_RESPONSE_END) {
            wsgi_wire_parse_response_end(ex->frame.payload, length, &aborted);
            if (aborted) {
                wsgi_log_failure(ex, 0, "daemon process aborted the response before it was "
                                 "complete; aborting the client connection");
                return abort_client(ex, bb);
            }
            if (checked && ex->body_sent < ex->content_length) {
                wsgi_log_failure(ex, 0, "daemon process ended the response after %" APR_OFF_T_FMT
                                 " of the %" APR_OFF_T_FMT " bytes its Content-Length declared; "
                                 "aborting the client connection", ex->body_sent,
                                 ex->content_length);
                return abort_client(ex, bb);
            }
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(c->bucket_alloc));
            rv = ap_pass_brigade(r->output_filters, bb);
            apr_brigade_cleanup(bb);
            return OK;
        }
        if (ex->frame.header.type != WSGI_FRAME_RESPONSE_BODY) {
            return body_failed(ex, bb, WSGI_READ_INVALID, 0, WSGI_WIRE_OK);
        }
        if (checked && (apr_off_t)length > ex->content_length - ex->body_sent) {
            /* Never past the declared length: the bytes after it would read as the start of
             * another response on a keep-alive connection. */
            apr_size_t allowed = (apr_size_t)(ex->content_length - ex->body_sent);
            if (allowed > 0) {
                APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_transient_create(
                                                (const char *)ex->frame.payload, allowed,
                                                c->bucket_alloc));
                ap_pass_brigade(r->output_filters, bb);
                apr_brigade_cleanup(bb);
            }
            wsgi_log_failure(ex, 0, "daemon process sent more than the %" APR_OFF_T_FMT
                             " bytes its Content-Length declared; sent those and aborting the "
                             "client connection", ex->content_length);
            return abort_client(ex, bb);
        }
        ex->body_sent += (apr_off_t)length;
        /* Transient: filters that keep the data set it aside, so the buffer can be reused. */
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_transient_create((const char *)ex->frame.payload,
                                                                length, c->bucket_alloc));
        *unflushed += length;
        if (*unflushed >= group->response_buffer_size
            || !wsgi_daemon_readable_within(&ex->sock, group->response_flush_delay_ms)) {
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_flush_create(c->bucket_alloc));
            *unflushed = 0;
        }
        rv = ap_pass_brigade(r->output_filters, bb);
        apr_brigade_cleanup(bb);
        if (APR_STATUS_IS_TIMEUP(rv)) {
            wsgi_log_failure(ex, rv, "timeout after %" APR_TIME_T_FMT " seconds writing the "
                             "response to the client (response-socket-timeout); aborting the "
                             "client connection", apr_time_sec(client_timeout));
            c->aborted = 1;
            return OK;
        }
        if (rv != APR_SUCCESS || c->aborted) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                          "mod_wsgi (pid=%d): client went away while the response from process "
                          "group '%s' was being sent", (int)getpid(), ex->group->name);
            return OK;
        }
    }
}

/* Passes body frames down the filters. A flush goes with them when the worker has sent nothing
 * more within response-flush-delay, or when response-buffer-size bytes have gone unflushed; writes
 * to the client time out after response-socket-timeout (default: the group's socket-timeout). */
static int relay_body(wsgi_exchange *ex)
{
    request_rec *r = ex->r;
    conn_rec *c = r->connection;
    const wsgi_daemon_group *group = ex->group;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, c->bucket_alloc);
    apr_socket_t *csd = ap_get_conn_socket(c);
    apr_interval_time_t client_timeout = group->response_socket_timeout > 0
                                             ? group->response_socket_timeout : ex->sock.timeout;
    apr_interval_time_t saved_timeout = -1;
    apr_size_t unflushed = 0;
    int checked = length_is_checked(ex);
    int status;

    /* NULL when a connection filter (mod_ssl, ...) hides the socket: its timeout stays. */

    if (csd != NULL && apr_socket_timeout_get(csd, &saved_timeout) == APR_SUCCESS) {
        apr_socket_timeout_set(csd, client_timeout);
    }
    status = relay_body_frames(ex, bb, checked, &unflushed, client_timeout);
    if (csd != NULL && saved_timeout != -1) {
        apr_socket_timeout_set(csd, saved_timeout);
    }
    return status;
}

int wsgi_relay_response(wsgi_exchange *ex)
{
    const char *problem;
    wsgi_response_head head;
    wsgi_wire_error error = wsgi_wire_parse_response_head(ex->frame.payload,
                                                          ex->frame.header.length,
                                                          ex->group->header_buffer_size,
                                                          ex->r->pool, &head);
    if (error != WSGI_WIRE_OK) {
        wsgi_log_failure(ex, 0, "invalid response headers from daemon process: %s",
                         wsgi_wire_error_text(error));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    problem = wsgi_check_response_framing(&head, &ex->content_length, ex->r->pool);
    if (problem != NULL) {
        wsgi_log_failure(ex, 0, "invalid response headers from daemon process: %s", problem);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (ex->config->error_override && ap_is_HTTP_ERROR(head.status)) {
        /* WSGIErrorOverride: Apache answers with its own error page (ErrorDocument). */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, ex->r, "mod_wsgi (pid=%d): status %d from "
                      "process group '%s' replaced by Apache's error response (WSGIErrorOverride)",
                      (int)getpid(), head.status, ex->group->name);
        return head.status;
    }
    apply_head(ex->r, &head);
    return relay_body(ex);
}
