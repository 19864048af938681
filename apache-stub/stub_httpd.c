/* The httpd side of the stub: requests, the input and output filter ends, error bucket, logging,
 * and the few http_protocol / util_script functions the module calls. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"
#include "util_script.h"

#include "stub_httpd.h"

module AP_MODULE_DECLARE_DATA wsgi_module;

/* ---- error log ---- */

#define MAX_LOG_LINES 256
static char *log_lines[MAX_LOG_LINES];
static int log_count;
static char *log_joined;

void stub_log_clear(void)
{
    int i;
    for (i = 0; i < log_count; i++) {
        free(log_lines[i]);
    }
    log_count = 0;
    free(log_joined);
    log_joined = NULL;
}

int stub_log_count(void)
{
    return log_count;
}

const char *stub_log_line(int index)
{
    return index >= 0 && index < log_count ? log_lines[index] : NULL;
}

const char *stub_log_text(void)
{
    apr_size_t size = 1;
    int i;

    for (i = 0; i < log_count; i++) {
        size += strlen(log_lines[i]) + 1;
    }
    free(log_joined);
    log_joined = calloc(1, size);
    for (i = 0; i < log_count; i++) {
        strcat(log_joined, log_lines[i]);
        strcat(log_joined, "\n");
    }
    return log_joined;
}

static const char *level_name(int level)
{
    static const char *const names[] = {"emerg", "alert", "crit", "error", "warn", "notice",
                                        "info", "debug"};
    level &= APLOG_LEVELMASK;
    return level < 8 ? names[level] : "trace";
}

AP_DECLARE(void) ap_log_rerror_(const char *file, int line, int module_index, int level,
                                apr_status_t status, const request_rec *r, const char *fmt, ...)
{
    char message[4096];
    char error[120] = "";
    va_list args;

    va_start(args, fmt);
    vsnprintf(message, sizeof(message), fmt, args);
    va_end(args);
    if (status != 0) {
        char text[100];
        snprintf(error, sizeof(error), " (%d)%s", status, apr_strerror(status, text, sizeof(text)));
    }
    if (log_count < MAX_LOG_LINES) {
        size_t n = strlen(message) + strlen(error) + 32;
        log_lines[log_count] = malloc(n);
        snprintf(log_lines[log_count], n, "[%s]%s %s", level_name(level), error, message);
        log_count++;
    }
}

/* ---- error bucket (http_protocol.h) ---- */

static apr_status_t error_bucket_read(apr_bucket *b, const char **str, apr_size_t *len,
                                      apr_read_type_e block)
{
    *str = NULL;
    *len = 0;
    return APR_SUCCESS;
}

AP_DECLARE_DATA const apr_bucket_type_t ap_bucket_type_error = {
    "ERROR", 5, APR_BUCKET_METADATA, apr_bucket_free, error_bucket_read,
    apr_bucket_setaside_notimpl, apr_bucket_split_notimpl, apr_bucket_simple_copy,
};

AP_DECLARE(apr_bucket *) ap_bucket_error_create(int error, const char *buf, apr_pool_t *p,
                                                apr_bucket_alloc_t *list)
{
    apr_bucket *b = apr_bucket_alloc(sizeof(*b), list);
    ap_bucket_error *h = apr_bucket_alloc(sizeof(*h), list);

    APR_BUCKET_INIT(b);
    b->free = apr_bucket_free;
    b->list = list;
    h->status = error;
    h->data = buf ? apr_pstrdup(p, buf) : NULL;
    b->type = &ap_bucket_type_error;
    b->length = 0;
    b->start = 0;
    b->data = h;
    return b;
}

/* ---- filters ---- */

AP_DECLARE(apr_status_t) ap_get_brigade(ap_filter_t *f, apr_bucket_brigade *bb,
                                        ap_input_mode_t mode, apr_read_type_e block,
                                        apr_off_t readbytes)
{
    stub_input *input = f->ctx;

    if (input == NULL || input->next >= input->chunk_count) {
        if (input && input->read_error != APR_SUCCESS) {
            return input->read_error;
        }
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
        return APR_SUCCESS;
    }
    apr_brigade_write(bb, NULL, NULL, input->chunks[input->next],
                      strlen(input->chunks[input->next]));
    input->next++;
    return APR_SUCCESS;
}

AP_DECLARE(apr_status_t) ap_pass_brigade(ap_filter_t *f, apr_bucket_brigade *bb)
{
    stub_output *out = f->ctx;
    apr_bucket *b;

    out->passes++;
    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
        if (APR_BUCKET_IS_EOS(b)) {
            out->eos++;
        }
        else if (APR_BUCKET_IS_FLUSH(b)) {
            out->flushes++;
        }
        else if (AP_BUCKET_IS_ERROR(b)) {
            out->error_status = ((ap_bucket_error *)b->data)->status;
            out->data_after_eos |= out->eos > 0;
        }
        else {
            const char *data;
            apr_size_t length;
            char *bigger;

            apr_bucket_read(b, &data, &length, APR_BLOCK_READ);
            out->data_after_eos |= out->eos > 0;
            bigger = realloc(out->body, out->body_length + length + 1);
            memcpy(bigger + out->body_length, data, length);
            out->body = bigger;
            out->body_length += length;
            out->body[out->body_length] = '\0';
        }
    }
    return APR_SUCCESS;
}

static apr_status_t free_output(void *data)
{
    stub_output *out = data;
    free(out->body);
    return APR_SUCCESS;
}

const stub_output *stub_output_of(request_rec *r)
{
    return r->output_filters->ctx;
}

void stub_request_set_input(request_rec *r, stub_input *input)
{
    r->input_filters->ctx = input;
}

/* ---- http_protocol / http_request / util_script ---- */

AP_DECLARE(void) ap_set_content_type(request_rec *r, const char *ct)
{
    r->content_type = ct;
}

AP_DECLARE(void) ap_update_mtime(request_rec *r, apr_time_t dependency_mtime)
{
    if (r->mtime < dependency_mtime) {
        r->mtime = dependency_mtime;
    }
}

AP_DECLARE(void) ap_set_last_modified(request_rec *r)
{
    char *date = apr_palloc(r->pool, APR_RFC822_DATE_LEN);
    apr_rfc822_date(date, r->mtime < r->request_time ? r->mtime : r->request_time);
    apr_table_setn(r->headers_out, "Last-Modified", date);
}

/* Like an older httpd 2.4: every header becomes HTTP_*, even odd names and Proxy, so the module's
 * own filtering is what the tests see. Authorization is left out as without CGIPassAuth. */
AP_DECLARE(void) ap_add_common_vars(request_rec *r)
{
    const apr_array_header_t *entries = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    apr_table_t *env = r->subprocess_env;
    int i;

    for (i = 0; i < entries->nelts; i++) {
        char *name, *p;

        if (strcasecmp(e[i].key, "Content-Type") == 0) {
            apr_table_setn(env, "CONTENT_TYPE", e[i].val);
            continue;
        }
        if (strcasecmp(e[i].key, "Content-Length") == 0) {
            apr_table_setn(env, "CONTENT_LENGTH", e[i].val);
            continue;
        }
        if (strcasecmp(e[i].key, "Authorization") == 0) {
            continue;
        }
        name = apr_pstrcat(r->pool, "HTTP_", e[i].key, NULL);
        for (p = name; *p; p++) {
            *p = apr_isalnum(*p) ? apr_toupper(*p) : '_';
        }
        apr_table_mergen(env, name, e[i].val);
    }
    apr_table_setn(env, "PATH", "/usr/local/bin:/usr/bin:/bin");
    apr_table_setn(env, "SERVER_SIGNATURE", "<address>Apache Server</address>\n");
    apr_table_setn(env, "REMOTE_HOST", "localhost");
    apr_table_setn(env, "SERVER_SOFTWARE", "Apache/2.4 (stub)");
    apr_table_setn(env, "SERVER_NAME", "localhost");
    apr_table_setn(env, "SERVER_ADDR", "127.0.0.1");
    apr_table_setn(env, "SERVER_PORT", "8000");
    apr_table_setn(env, "REMOTE_ADDR", "127.0.0.1");
    apr_table_setn(env, "REMOTE_PORT", "54321");
    apr_table_setn(env, "DOCUMENT_ROOT", "/srv/htdocs");
    apr_table_setn(env, "REQUEST_SCHEME", "http");
    apr_table_setn(env, "SERVER_ADMIN", "admin@localhost");
    apr_table_setn(env, "SCRIPT_FILENAME", r->filename);
}

int stub_allow_options = 0;

/* Apache's own generator (core) makes a unique id; a fixed one is enough here. */
AP_DECLARE(int) ap_run_generate_log_id(const conn_rec *c, const request_rec *r, const char **id)
{
    (void)c;
    (void)r;
    *id = "generated-1";
    return OK;
}

AP_DECLARE(void) ap_add_version_component(apr_pool_t *pconf, const char *component)
{
    (void)pconf;
    (void)component;
}

AP_DECLARE(int) ap_allow_options(request_rec *r)
{
    return stub_allow_options;
}

/* The stub's connections have no real client socket: response-socket-timeout is exercised on
 * real Apache (Tests/Integration/test_daemon_options.py). */
AP_CORE_DECLARE(apr_socket_t *) ap_get_conn_socket(conn_rec *c)
{
    return NULL;
}

/* ---- requests ---- */

request_rec *stub_request_new(apr_pool_t *pool, const char *method, const char *uri,
                              const char *path_info, const char *script)
{
    request_rec *r = apr_pcalloc(pool, sizeof(*r));
    conn_rec *c = apr_pcalloc(pool, sizeof(*c));
    server_rec *s = apr_pcalloc(pool, sizeof(*s));
    stub_output *out = apr_pcalloc(pool, sizeof(*out));
    const char *query = strchr(uri, '?');

    s->timeout = apr_time_from_sec(5);
    s->log.level = APLOG_DEBUG;   /* every line reaches ap_log_rerror_ */
    c->pool = pool;
    c->bucket_alloc = apr_bucket_alloc_create(pool);
    c->base_server = s;
    c->keepalive = AP_CONN_UNKNOWN;
    c->log_id = "conn-1";
    apr_sockaddr_info_get(&c->local_addr, "127.0.0.1", APR_INET, 8000, 0, pool);
    c->local_ip = "127.0.0.1";
    c->client_ip = "127.0.0.1";

    r->pool = pool;
    r->connection = c;
    r->server = s;
    r->method = method;
    r->protocol = "HTTP/1.1";
    r->the_request = apr_psprintf(pool, "%s %s HTTP/1.1", method, uri);
    r->unparsed_uri = apr_pstrdup(pool, uri);
    r->uri = query ? apr_pstrndup(pool, uri, (apr_size_t)(query - uri)) : apr_pstrdup(pool, uri);
    r->args = query ? apr_pstrdup(pool, query + 1) : NULL;
    r->path_info = path_info ? apr_pstrdup(pool, path_info) : NULL;
    r->filename = (char *)script;
    r->finfo.filetype = APR_REG;
    r->handler = "wsgi-script";
    r->status = HTTP_OK;
    r->request_time = apr_time_now();
    r->log_id = "req-1";
    r->headers_in = apr_table_make(pool, 8);
    r->headers_out = apr_table_make(pool, 8);
    r->err_headers_out = apr_table_make(pool, 8);
    r->subprocess_env = apr_table_make(pool, 8);
    r->notes = apr_table_make(pool, 8);
    r->input_filters = apr_pcalloc(pool, sizeof(ap_filter_t));
    r->output_filters = apr_pcalloc(pool, sizeof(ap_filter_t));
    r->output_filters->ctx = out;
    apr_pool_cleanup_register(pool, out, free_output, apr_pool_cleanup_null);
    return r;
}
