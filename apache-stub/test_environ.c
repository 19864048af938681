/* The environ the module builds (reference §5.1): CGI variables, header rules, mod_wsgi.* keys. */
#include <unistd.h>

#include "apr_strings.h"
#include "util_filter.h"

#include "check.h"
#include "stub_httpd.h"
#include "tests.h"
#include "wsgi_environ.h"

typedef struct fixture {
    apr_pool_t *pool;
    wsgi_request_config *config;
} fixture;

static fixture begin(void)
{
    fixture f;
    apr_pool_create(&f.pool, NULL);
    f.config = stub_config_new(f.pool, "/tmp/none.sock");
    return f;
}

static void test_script_name_and_path_info(void)
{
    fixture f = begin();
    request_rec *r = stub_request_new(f.pool, "GET", "/app//foo//bar?x=1&y=%20", "/foo//bar",
                                      "/srv/app.wsgi");
    r->uri = "/app//foo//bar";
    apr_table_t *env = wsgi_build_environ(r, f.config);

    CHECK_STR(apr_table_get(env, "SCRIPT_NAME"), "/app");
    CHECK_STR(apr_table_get(env, "PATH_INFO"), "/foo/bar");
    CHECK_STR(apr_table_get(env, "mod_wsgi.script_name"), "/app");
    CHECK_STR(apr_table_get(env, "mod_wsgi.path_info"), "/foo/bar");
    CHECK_STR(apr_table_get(env, "QUERY_STRING"), "x=1&y=%20");
    CHECK_STR(apr_table_get(env, "REQUEST_URI"), "/app//foo//bar?x=1&y=%20");
    CHECK_STR(apr_table_get(env, "REQUEST_METHOD"), "GET");
    CHECK_STR(apr_table_get(env, "SERVER_PROTOCOL"), "HTTP/1.1");
    CHECK(apr_table_get(env, "GATEWAY_INTERFACE") == NULL);
    apr_pool_destroy(f.pool);
}

static void test_mount_points(void)
{
    fixture f = begin();
    request_rec *root = stub_request_new(f.pool, "GET", "/hello", "/hello", "/srv/app.wsgi");
    request_rec *bare = stub_request_new(f.pool, "GET", "/app", NULL, "/srv/app.wsgi");
    request_rec *slash = stub_request_new(f.pool, "GET", "/", "/", "/srv/app.wsgi");
    apr_table_t *env = wsgi_build_environ(root, f.config);

    CHECK_STR(apr_table_get(env, "SCRIPT_NAME"), "");
    CHECK_STR(apr_table_get(env, "PATH_INFO"), "/hello");
    CHECK_STR(apr_table_get(env, "QUERY_STRING"), "");
    env = wsgi_build_environ(bare, f.config);
    CHECK_STR(apr_table_get(env, "SCRIPT_NAME"), "/app");
    CHECK_STR(apr_table_get(env, "PATH_INFO"), "");
    env = wsgi_build_environ(slash, f.config);
    CHECK_STR(apr_table_get(env, "SCRIPT_NAME"), "");
    CHECK_STR(apr_table_get(env, "PATH_INFO"), "/");
    apr_pool_destroy(f.pool);
}

static void test_header_rules(void)
{
    fixture f = begin();
    request_rec *r = stub_request_new(f.pool, "POST", "/x", "/x", "/srv/app.wsgi");
    apr_table_t *env;

    apr_table_set(r->headers_in, "X_Foo", "spoofed");
    apr_table_set(r->headers_in, "X-Foo", "real");
    apr_table_set(r->headers_in, "Proxy", "http://evil.example");
    apr_table_set(r->headers_in, "Authorization", "Basic dXNlcjpwdw==");
    apr_table_set(r->headers_in, "Content-Type", "application/json");
    apr_table_set(r->headers_in, "Content-Length", "2");
    apr_table_set(r->headers_in, "User-Agent", "curl/8");
    env = wsgi_build_environ(r, f.config);

    CHECK_STR(apr_table_get(env, "HTTP_X_FOO"), "real");
    CHECK(apr_table_get(r->headers_in, "X_Foo") == NULL);
    CHECK(apr_table_get(env, "HTTP_PROXY") == NULL);
    CHECK(apr_table_get(env, "HTTP_AUTHORIZATION") == NULL);
    CHECK_STR(apr_table_get(env, "CONTENT_TYPE"), "application/json");
    CHECK_STR(apr_table_get(env, "CONTENT_LENGTH"), "2");
    CHECK_STR(apr_table_get(env, "HTTP_USER_AGENT"), "curl/8");
    CHECK(apr_table_get(env, "HTTP_CONTENT_TYPE") == NULL);

    f.config->pass_authorization = 1;
    env = wsgi_build_environ(r, f.config);
    CHECK_STR(apr_table_get(env, "HTTP_AUTHORIZATION"), "Basic dXNlcjpwdw==");
    apr_pool_destroy(f.pool);
}

static void test_apache_environment(void)
{
    fixture f = begin();
    request_rec *r = stub_request_new(f.pool, "GET", "/x", "/x", "/srv/app.wsgi");
    apr_table_t *env;

    apr_table_set(r->subprocess_env, "MY_SETTING", "from SetEnv");
    apr_table_set(r->subprocess_env, "mod_wsgi.x-queue_timeout", "999");
    apr_table_set(r->subprocess_env, "mod_wsgi.x-forged", "1");
    env = wsgi_build_environ(r, f.config);

    CHECK_STR(apr_table_get(env, "MY_SETTING"), "from SetEnv");
    CHECK(apr_table_get(env, "PATH") == NULL);
    CHECK(apr_table_get(env, "SERVER_SIGNATURE") == NULL);
    CHECK(apr_table_get(env, "REMOTE_HOST") == NULL);
    CHECK(apr_table_get(env, "mod_wsgi.x-forged") == NULL);
    CHECK_STR(apr_table_get(env, "mod_wsgi.x-queue_timeout"), "45");
    CHECK_STR(apr_table_get(env, "SERVER_NAME"), "localhost");
    CHECK_STR(apr_table_get(env, "SCRIPT_FILENAME"), "/srv/app.wsgi");
    apr_pool_destroy(f.pool);
}

static void test_https(void)
{
    fixture f = begin();
    request_rec *plain = stub_request_new(f.pool, "GET", "/x", "/x", "/srv/app.wsgi");
    request_rec *secure = stub_request_new(f.pool, "GET", "/x", "/x", "/srv/app.wsgi");
    request_rec *off = stub_request_new(f.pool, "GET", "/x", "/x", "/srv/app.wsgi");

    apr_table_set(secure->subprocess_env, "HTTPS", "on");
    apr_table_set(off->subprocess_env, "HTTPS", "off");
    CHECK(apr_table_get(wsgi_build_environ(plain, f.config), "HTTPS") == NULL);
    CHECK_STR(apr_table_get(wsgi_build_environ(secure, f.config), "HTTPS"), "1");
    CHECK(apr_table_get(wsgi_build_environ(off, f.config), "HTTPS") == NULL);
    apr_pool_destroy(f.pool);
}

static void test_mod_wsgi_keys(void)
{
    fixture f = begin();
    request_rec *r = stub_request_new(f.pool, "GET", "/x", "/x", "/srv/app.wsgi");
    apr_table_t *env;

    f.config->application_group = "site|/x";
    f.config->callable_object = "app";
    env = wsgi_build_environ(r, f.config);
    CHECK_STR(apr_table_get(env, "mod_wsgi.process_group"), "testgroup");
    CHECK_STR(apr_table_get(env, "mod_wsgi.application_group"), "site|/x");
    CHECK_STR(apr_table_get(env, "mod_wsgi.callable_object"), "app");
    CHECK_STR(apr_table_get(env, "mod_wsgi.request_handler"), "wsgi-script");
    CHECK_STR(apr_table_get(env, "mod_wsgi.handler_script"), "");
    CHECK_STR(apr_table_get(env, "mod_wsgi.script_reloading"), "1");
    CHECK_STR(apr_table_get(env, "mod_wsgi.listener_host"), "127.0.0.1");
    CHECK_STR(apr_table_get(env, "mod_wsgi.listener_port"), "8000");
    CHECK_STR(apr_table_get(env, "mod_wsgi.server_pid"), apr_psprintf(f.pool, "%d", getpid()));
    CHECK_STR(apr_table_get(env, "mod_wsgi.request_id"), "req-1");
    CHECK_STR(apr_table_get(env, "mod_wsgi.connection_id"), "conn-1");
    CHECK_STR(apr_table_get(env, "mod_wsgi.enable_sendfile"), "0");
    CHECK_STR(apr_table_get(env, "mod_wsgi.ignore_activity"), "0");
    CHECK_STR(apr_table_get(env, "mod_wsgi.x-request_start_us"),
              apr_psprintf(f.pool, "%" APR_TIME_T_FMT, r->request_time));
    apr_pool_destroy(f.pool);
}

/* WSGIMapHEADToGET: On always, Auto only before a content filter, Off never. */
static void test_head_mapped_to_get(void)
{
    fixture f = begin();
    request_rec *r = stub_request_new(f.pool, "HEAD", "/x", "/x", "/srv/app.wsgi");
    ap_filter_rec_t deflate = {0};
    ap_filter_t content_filter = {0};

    r->method_number = M_GET;
    r->header_only = 1;
    f.config->map_head_to_get = WSGI_MAP_HEAD_ON;
    CHECK_STR(apr_table_get(wsgi_build_environ(r, f.config), "REQUEST_METHOD"), "GET");
    f.config->map_head_to_get = WSGI_MAP_HEAD_OFF;
    CHECK_STR(apr_table_get(wsgi_build_environ(r, f.config), "REQUEST_METHOD"), "HEAD");
    f.config->map_head_to_get = WSGI_MAP_HEAD_AUTO;
    CHECK_STR(apr_table_get(wsgi_build_environ(r, f.config), "REQUEST_METHOD"), "HEAD");
    deflate.ftype = AP_FTYPE_CONTENT_SET;   /* e.g. mod_deflate: it needs the GET body */
    content_filter.frec = &deflate;
    content_filter.next = r->output_filters;
    content_filter.ctx = r->output_filters->ctx;
    r->output_filters = &content_filter;
    CHECK_STR(apr_table_get(wsgi_build_environ(r, f.config), "REQUEST_METHOD"), "GET");
    apr_pool_destroy(f.pool);
}

/* The per-directory flags reach the worker; a handler script is named separately. */
static void test_directory_flags_and_handler_script(void)
{
    fixture f = begin();
    request_rec *r = stub_request_new(f.pool, "GET", "/static/x.css", "", "/srv/htdocs/x.css");
    apr_table_t *env;

    f.config->script_reloading = 0;
    f.config->ignore_activity = 1;
    f.config->enable_sendfile = 1;
    f.config->handler_script = "/srv/handler.wsgi";
    env = wsgi_build_environ(r, f.config);
    CHECK_STR(apr_table_get(env, "mod_wsgi.script_reloading"), "0");
    CHECK_STR(apr_table_get(env, "mod_wsgi.ignore_activity"), "1");
    CHECK_STR(apr_table_get(env, "mod_wsgi.enable_sendfile"), "1");
    CHECK_STR(apr_table_get(env, "mod_wsgi.handler_script"), "/srv/handler.wsgi");
    CHECK_STR(apr_table_get(env, "SCRIPT_FILENAME"), "/srv/htdocs/x.css");
    apr_pool_destroy(f.pool);
}

const test_case environ_tests[] = {
    {"environ: HEAD mapped to GET as WSGIMapHEADToGET says", test_head_mapped_to_get},
    {"environ: directory flags and the handler script", test_directory_flags_and_handler_script},
    {"environ: SCRIPT_NAME/PATH_INFO collapse //, CGI vars from the request",
     test_script_name_and_path_info},
    {"environ: root, bare and slash mount points", test_mount_points},
    {"environ: odd header names, Proxy and Authorization rules", test_header_rules},
    {"environ: SetEnv kept; PATH, SERVER_SIGNATURE, forged mod_wsgi.x-* dropped",
     test_apache_environment},
    {"environ: HTTPS sent as 1 only for secure requests", test_https},
    {"environ: mod_wsgi.* keys", test_mod_wsgi_keys},
};
const int environ_test_count = sizeof(environ_tests) / sizeof(environ_tests[0]);
