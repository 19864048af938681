/* WSGITrustedProxyHeaders / WSGITrustedProxies on an environ, as mod_wsgi 6 applies them. */
#include "apr_strings.h"
#include "apr_tables.h"

#include "check.h"
#include "tests.h"
#include "wsgi_proxy_headers.h"

typedef struct {
    apr_pool_t *pool;
    apr_table_t *environ;
} fixture;

/* A request from peer with the given client headers (name, value pairs, NULL-ended). */
static fixture request_from(const char *peer, const char *const *headers)
{
    fixture f;
    apr_pool_create(&f.pool, NULL);
    f.environ = apr_table_make(f.pool, 16);
    apr_table_set(f.environ, "REMOTE_ADDR", peer);
    apr_table_set(f.environ, "HTTP_HOST", "internal:8000");
    apr_table_set(f.environ, "SERVER_NAME", "internal");
    apr_table_set(f.environ, "SERVER_PORT", "8000");
    apr_table_set(f.environ, "SCRIPT_NAME", "/app");
    for (; headers && headers[0]; headers += 2) {
        apr_table_set(f.environ, wsgi_proxy_header_variable(f.pool, headers[0]), headers[1]);
    }
    return f;
}

static apr_array_header_t *list(apr_pool_t *pool, const char *const *items)
{
    apr_array_header_t *out = apr_array_make(pool, 4, sizeof(const char *));
    for (; *items; items++) {
        *(const char **)apr_array_push(out) = wsgi_proxy_header_variable(pool, *items);
    }
    return out;
}

static apr_array_header_t *proxies(apr_pool_t *pool, const char *const *items)
{
    apr_array_header_t *out = apr_array_make(pool, 4, sizeof(apr_ipsubnet_t *));
    for (; *items; items++) {
        apr_ipsubnet_t *subnet = NULL;
        CHECK(wsgi_parse_trusted_proxy(pool, *items, &subnet) == NULL);
        *(apr_ipsubnet_t **)apr_array_push(out) = subnet;
    }
    return out;
}

static void test_header_names_become_cgi_variables(void)
{
    apr_pool_t *pool;
    apr_pool_create(&pool, NULL);
    CHECK_STR(wsgi_proxy_header_variable(pool, "X-Forwarded-For"), "HTTP_X_FORWARDED_FOR");
    CHECK_STR(wsgi_proxy_header_variable(pool, "x-real-ip"), "HTTP_X_REAL_IP");
    apr_pool_destroy(pool);
}

static void test_trusted_headers_replace_what_apache_saw(void)
{
    const char *headers[] = {"X-Forwarded-For", "1.2.3.4, 10.0.0.2", "X-Forwarded-Host",
                             "www.example.com", "X-Forwarded-Port", "443",
                             "X-Forwarded-Proto", "https", "X-Script-Name", "/mounted", NULL};
    const char *trusted[] = {"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port",
                             "X-Forwarded-Proto", "X-Script-Name", NULL};
    fixture f = request_from("10.0.0.1", headers);

    wsgi_apply_trusted_proxy_headers(f.pool, f.environ, list(f.pool, trusted), NULL);
    CHECK_STR(apr_table_get(f.environ, "REMOTE_ADDR"), "1.2.3.4");
    CHECK_STR(apr_table_get(f.environ, "HTTP_HOST"), "www.example.com");
    CHECK_STR(apr_table_get(f.environ, "SERVER_PORT"), "443");
    CHECK_STR(apr_table_get(f.environ, "HTTPS"), "1");
    CHECK_STR(apr_table_get(f.environ, "SCRIPT_NAME"), "/mounted");
    CHECK_STR(apr_table_get(f.environ, "mod_wsgi.mount_point"), "/mounted");
    apr_pool_destroy(f.pool);
}

static void test_aliases_of_a_trusted_header_are_removed(void)
{
    /* The client sends X-Real-IP and X-Forwarded-SSL itself; only X-Forwarded-For and
     * X-Forwarded-Proto are trusted: their aliases must not reach the application (the
     * CVE-2022-2255 lesson). */
    const char *headers[] = {"X-Forwarded-For", "1.2.3.4", "X-Real-IP", "6.6.6.6",
                             "X-Forwarded-SSL", "on", "X-Forwarded-Proto", "http",
                             "X-Custom", "kept", NULL};
    const char *trusted[] = {"X-Forwarded-For", "X-Forwarded-Proto", NULL};
    fixture f = request_from("10.0.0.1", headers);

    apr_table_set(f.environ, "HTTPS", "1");
    wsgi_apply_trusted_proxy_headers(f.pool, f.environ, list(f.pool, trusted), NULL);
    CHECK_STR(apr_table_get(f.environ, "REMOTE_ADDR"), "1.2.3.4");
    CHECK(apr_table_get(f.environ, "HTTP_X_REAL_IP") == NULL);
    CHECK(apr_table_get(f.environ, "HTTP_X_FORWARDED_SSL") == NULL);
    CHECK(apr_table_get(f.environ, "HTTPS") == NULL);   /* the trusted proto said http */
    CHECK_STR(apr_table_get(f.environ, "HTTP_X_FORWARDED_PROTO"), "http");
    CHECK_STR(apr_table_get(f.environ, "HTTP_X_CUSTOM"), "kept");
    apr_pool_destroy(f.pool);
}

static void test_untrusted_peer_gets_nothing_and_loses_the_headers(void)
{
    const char *headers[] = {"X-Forwarded-For", "1.2.3.4", "X-Client-IP", "5.5.5.5",
                             "X-Forwarded-Host", "evil.example", NULL};
    const char *trusted[] = {"X-Forwarded-For", "X-Forwarded-Host", NULL};
    const char *only[] = {"10.0.0.0/8", NULL};
    fixture f = request_from("192.168.1.9", headers);

    wsgi_apply_trusted_proxy_headers(f.pool, f.environ, list(f.pool, trusted),
                                     proxies(f.pool, only));
    CHECK_STR(apr_table_get(f.environ, "REMOTE_ADDR"), "192.168.1.9");
    CHECK_STR(apr_table_get(f.environ, "HTTP_HOST"), "internal:8000");
    CHECK(apr_table_get(f.environ, "HTTP_X_FORWARDED_FOR") == NULL);
    CHECK(apr_table_get(f.environ, "HTTP_X_CLIENT_IP") == NULL);
    CHECK(apr_table_get(f.environ, "HTTP_X_FORWARDED_HOST") == NULL);
    apr_pool_destroy(f.pool);
}

static void test_forwarded_for_stops_at_the_first_untrusted_hop(void)
{
    /* client, then a hop the client made up, then two trusted proxies: the address before the
     * trusted ones is the client as far as anyone can know. */
    const char *headers[] = {"X-Forwarded-For", "9.9.9.9, 1.2.3.4, 10.0.0.3, 10.0.0.2", NULL};
    const char *trusted[] = {"X-Forwarded-For", NULL};
    const char *only[] = {"10.0.0.0/8", NULL};
    fixture f = request_from("10.0.0.1", headers);

    wsgi_apply_trusted_proxy_headers(f.pool, f.environ, list(f.pool, trusted),
                                     proxies(f.pool, only));
    CHECK_STR(apr_table_get(f.environ, "REMOTE_ADDR"), "1.2.3.4");
    CHECK_STR(apr_table_get(f.environ, "HTTP_X_FORWARDED_FOR"), "1.2.3.4, 10.0.0.3, 10.0.0.2");
    apr_pool_destroy(f.pool);
}

static void test_proxy_addresses_are_checked(void)
{
    apr_pool_t *pool;
    apr_ipsubnet_t *subnet;

    apr_pool_create(&pool, NULL);
    CHECK(wsgi_parse_trusted_proxy(pool, "127.0.0.1", &subnet) == NULL);
    CHECK(wsgi_parse_trusted_proxy(pool, "::1", &subnet) == NULL);
    CHECK(wsgi_parse_trusted_proxy(pool, "10.0.0.0/8", &subnet) == NULL);
    CHECK_CONTAINS(wsgi_parse_trusted_proxy(pool, "proxy.example", &subnet),
                   "'proxy.example' is not an IP address or subnet");
    CHECK_CONTAINS(wsgi_parse_trusted_proxy(pool, "10.0.0.0/99", &subnet),
                   "'10.0.0.0/99' is not an IP address or subnet");
    apr_pool_destroy(pool);
}

const test_case proxy_header_tests[] = {
    {"proxy headers: header names become CGI variables", test_header_names_become_cgi_variables},
    {"proxy headers: trusted headers replace what Apache saw",
     test_trusted_headers_replace_what_apache_saw},
    {"proxy headers: aliases of a trusted header are removed",
     test_aliases_of_a_trusted_header_are_removed},
    {"proxy headers: an untrusted peer gets nothing and loses the headers",
     test_untrusted_peer_gets_nothing_and_loses_the_headers},
    {"proxy headers: X-Forwarded-For stops at the first untrusted hop",
     test_forwarded_for_stops_at_the_first_untrusted_hop},
    {"proxy headers: proxy addresses are checked", test_proxy_addresses_are_checked},
};
const int proxy_header_test_count = sizeof(proxy_header_tests) / sizeof(proxy_header_tests[0]);
