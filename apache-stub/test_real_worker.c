/* The handler against a real worker's socket instead of the fake one. Runs only when
 * WSGI_TEST_SOCKET (a worker's listening socket) and WSGI_TEST_SCRIPT (the WSGI script it
 * serves) are set; WSGI_TEST_SECRET is its group's secret (64 hex digits), WSGI_TEST_EXPECT, if
 * set, the response body to expect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apr_strings.h"

#include "check.h"
#include "stub_httpd.h"
#include "tests.h"
#include "wsgi_handler.h"

/* The secret from 64 hex digits; 0 when text is not that. */
static int parse_secret(const char *text, unsigned char secret[WSGI_SECRET_SIZE])
{
    int i;

    if (text == NULL || strlen(text) != 2 * WSGI_SECRET_SIZE) {
        return 0;
    }
    for (i = 0; i < WSGI_SECRET_SIZE; i++) {
        unsigned int byte;
        if (sscanf(text + 2 * i, "%2x", &byte) != 1) {
            return 0;
        }
        secret[i] = (unsigned char)byte;
    }
    return 1;
}

static void test_get_from_real_worker(void)
{
    const char *socket_path = getenv("WSGI_TEST_SOCKET");
    const char *script = getenv("WSGI_TEST_SCRIPT");
    const char *expect = getenv("WSGI_TEST_EXPECT");
    apr_pool_t *pool;
    wsgi_request_config *config;
    request_rec *r;
    const stub_output *out;

    apr_pool_create(&pool, NULL);
    config = stub_config_new(pool, socket_path);
    config->group->connect_timeout = apr_time_from_sec(10);
    config->group->socket_timeout = apr_time_from_sec(30);
    CHECK(parse_secret(getenv("WSGI_TEST_SECRET"), config->group->secret));
    stub_config_set(config, NULL);
    r = stub_request_new(pool, "GET", "/hello?from=apache-stub", "/hello", script);
    r->uri = "/hello";
    stub_log_clear();
    CHECK_INT(wsgi_handler(r), OK);
    out = stub_output_of(r);
    CHECK_INT(r->status, 200);
    CHECK_INT(out->eos, 1);
    CHECK_INT(out->error_status, 0);
    CHECK(out->body_length > 0);
    if (expect) {
        CHECK_STR(out->body, expect);
    }
    CHECK_STR(stub_log_text(), "");
    apr_pool_destroy(pool);
}

const test_case real_worker_tests[] = {
    {"real worker: GET through the handler is 200 with a complete body",
     test_get_from_real_worker},
};
const int real_worker_test_count = sizeof(real_worker_tests) / sizeof(real_worker_tests[0]);
