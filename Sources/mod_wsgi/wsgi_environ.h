/* The WSGI environ the module sends to the worker for one request (reference §5.1). */
#ifndef WSGI_ENVIRON_H
#define WSGI_ENVIRON_H

#include "httpd.h"
#include "apr_tables.h"

#include "wsgi_config.h"

/* Builds the environ for r as a table with exactly one value per key: Apache's common CGI
 * variables (subprocess_env after ap_add_common_vars, so SetEnv/PassEnv/mod_ssl values are
 * there), the request's own CGI variables, HTTP_* headers, HTTPS when the request is secure, and
 * the mod_wsgi.* keys. mod_wsgi.x-queue_start_us is left to the caller (set per connection).
 * Request headers whose names are not alnum and '-' are removed from r->headers_in first. */
apr_table_t *wsgi_build_environ(request_rec *r, const wsgi_request_config *config);

/* SCRIPT_NAME and PATH_INFO for r, with runs of '/' collapsed (exposed for tests). */
void wsgi_script_name_and_path_info(request_rec *r, const char **script_name,
                                    const char **path_info);

/* The mod_wsgi release whose behaviour this module follows (mod_wsgi.version in the daemons). */
#define WSGI_REFERENCE_VERSION "6.0.5"

/* post_config: adds mod_wsgi's and Python's version components to the server banner. */
int wsgi_environ_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);
#endif
