/* Stand-ins for the httpd functions the module's request path calls, over real APR and httpd's
 * own headers (so request_rec and friends have their real layout). Test-only code.
 *
 * A test builds a request with stub_request_new, optionally gives it a client body, runs the
 * handler, then inspects what reached the output filters (stub_output) and the error log
 * (stub_log_*). */
#ifndef STUB_HTTPD_H
#define STUB_HTTPD_H

#include "httpd.h"
#include "http_config.h"
#include "apr_buckets.h"

#include "wsgi_config.h"

/* What the handler passed down the output filters for one request. */
typedef struct stub_output {
    char *body;                 /* all data bytes, NUL-terminated */
    apr_size_t body_length;
    int passes;                 /* ap_pass_brigade calls */
    int flushes;                /* FLUSH buckets */
    int eos;                    /* EOS buckets */
    int error_status;           /* status of an error bucket (the abort signal), 0 if none */
    int data_after_eos;         /* data or error after EOS: a bug */
} stub_output;

/* The client body the stub's input filter hands out: one chunk per ap_get_brigade call, then
 * EOS, or read_error after the chunks when it is not APR_SUCCESS. */
typedef struct stub_input {
    const char *const *chunks;
    int chunk_count;
    int next;
    apr_status_t read_error;
} stub_input;

/* A GET-like request for uri (with an optional ?query) mapped to script, handler "wsgi-script",
 * path_info as mod_wsgi's translate hook would set it. The script need not exist: tests set
 * r->finfo.filetype (APR_REG by default). */
request_rec *stub_request_new(apr_pool_t *pool, const char *method, const char *uri,
                              const char *path_info, const char *script);

/* Gives r a client body; the caller keeps input alive for the request. */
void stub_request_set_input(request_rec *r, stub_input *input);

const stub_output *stub_output_of(request_rec *r);

/* The error log: every ap_log_rerror line since stub_log_clear, as "[level] message". */
void stub_log_clear(void);
int stub_log_count(void);
const char *stub_log_line(int index);
/* All lines joined with '\n' (static storage, valid until the next log call). */
const char *stub_log_text(void);

/* The test double of wsgi_config.c: what wsgi_get_request_config returns next (NULL + error to
 * simulate an unknown process group). */
void stub_config_set(wsgi_request_config *config, const char *error);

/* A request config with one daemon group at socket_path, test-friendly timeouts and the sample
 * secret. */
wsgi_request_config *stub_config_new(apr_pool_t *pool, const char *socket_path);

/* The vectors' sample secret, 0x00 .. 0x1f. */
void stub_sample_secret(unsigned char secret[WSGI_SECRET_SIZE]);

/* What wsgi_request_alias and ap_allow_options say about every request: mapped by
 * WSGIScriptAlias (1, the default) or reached through the handler alone (0), and the
 * directory's Options (0 by default). Tests that change them set them back. */
extern int stub_request_aliased;
extern int stub_allow_options;
extern const wsgi_handler_script *stub_handler_script;

#endif
