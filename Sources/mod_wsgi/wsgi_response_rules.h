/* What the module accepts in a worker's response head beyond the wire format: the module owns
 * the framing of the client's response, so a worker may fail a response but never shape the
 * connection. Pure C over APR, no httpd calls, so it is unit tested and fuzzed on its own. */
#ifndef WSGI_RESPONSE_RULES_H
#define WSGI_RESPONSE_RULES_H

#include "apr.h"
#include "apr_pools.h"

#include "wsgi_wire.h"

/* Checks a decoded head: no hop-by-hop header (Connection, Keep-Alive, Proxy-Connection, TE,
 * Trailer, Transfer-Encoding, Upgrade), and at most one Content-Length made only of decimal
 * digits. NULL when the head may be applied, with *content_length set (-1 when there is none);
 * otherwise one line saying what is wrong. */
const char *wsgi_check_response_framing(const wsgi_response_head *head,
                                        apr_off_t *content_length, apr_pool_t *pool);

/* Parses a Content-Length value: decimal digits only, no sign, space or list, no overflow.
 * APR_SUCCESS or APR_EINVAL. */
apr_status_t wsgi_parse_content_length(const char *value, apr_off_t *length);

#endif
