/* WSGITrustedProxyHeaders and WSGITrustedProxies: which headers a front-end proxy may use to say
 * who the client is, how and where it connected, and from which peers they are believed.
 * Pure APR, no httpd calls, so it is unit tested on its own. */
#ifndef WSGI_PROXY_HEADERS_H
#define WSGI_PROXY_HEADERS_H

#include "apr_network_io.h"
#include "apr_pools.h"
#include "apr_tables.h"

/* "X-Forwarded-For" -> "HTTP_X_FORWARDED_FOR", the name the environ has it under. */
const char *wsgi_proxy_header_variable(apr_pool_t *p, const char *header);

/* A proxy address or subnet ("10.0.0.1", "10.0.0.0/8", "::1"). NULL, or why it is not one. */
const char *wsgi_parse_trusted_proxy(apr_pool_t *p, const char *text, apr_ipsubnet_t **subnet);

/* Applies the trusted headers to environ (the request's CGI variables, REMOTE_ADDR the peer's
 * address). For each kind of header named trusted (client address, scheme, host, server name,
 * port, script name): when the peer is a trusted proxy (or no proxies are listed), the trusted
 * header's value replaces REMOTE_ADDR, HTTPS, HTTP_HOST, SERVER_NAME, SERVER_PORT or
 * SCRIPT_NAME (and mod_wsgi.mount_point); and every other header of that kind is removed, and
 * the trusted one too when the peer is not trusted, so that an application can never mistake a
 * client's own header for the proxy's. */
void wsgi_apply_trusted_proxy_headers(apr_pool_t *p, apr_table_t *environ,
                                      const apr_array_header_t *trusted_headers,
                                      const apr_array_header_t *trusted_proxies);

#endif
