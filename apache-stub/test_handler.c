/* The handler on the paths that work: relaying, the checks before the daemon, retries, and the
 * client body. The worker is fake (fake_worker.c); see test_worker_failures.c for a worker that
 * misbehaves. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "check.h"
#include "scenario.h"
#include "tests.h"
#include "wsgi_handler.h"

/* ---- the happy path ---- */

static void test_simple_get(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "hello world"));
    const stub_output *out;

    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    out = stub_output_of(s->r);
    CHECK_INT(s->r->status, 200);
    CHECK_STR(s->r->status_line, "200 OK");
    CHECK_STR(s->r->content_type, "text/plain");
    CHECK_STR(apr_table_get(s->r->headers_out, "Content-Length"), "11");
    CHECK_STR(out->body, "hello world");
    CHECK_INT(out->eos, 1);
    CHECK_INT(out->error_status, 0);
    CHECK_INT(out->data_after_eos, 0);
    CHECK_INT(stub_log_count(), 0);
    scenario_end(s);
}

static void test_request_reaches_worker(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "x"));
    fake_worker *worker;
    const fake_request *seen;

    scenario_serve(s, &reply, 1);
    worker = s->worker;
    scenario_run(s);
    fake_worker_stop(worker);
    s->worker = NULL;
    seen = fake_worker_request(worker, 0);
    CHECK(seen->environ != NULL);
    if (seen->environ) {
        CHECK_STR(apr_table_get(seen->environ, "REQUEST_METHOD"), "GET");
        CHECK_STR(apr_table_get(seen->environ, "SCRIPT_NAME"), "/app");
        CHECK_STR(apr_table_get(seen->environ, "PATH_INFO"), "/hello");
        CHECK_STR(apr_table_get(seen->environ, "QUERY_STRING"), "x=1");
        CHECK_STR(apr_table_get(seen->environ, "mod_wsgi.process_group"), "testgroup");
        CHECK(apr_table_get(seen->environ, "mod_wsgi.x-queue_start_us") != NULL);
        CHECK(apr_table_get(seen->environ, "PATH") == NULL);
    }
    CHECK_INT(seen->last_type, WSGI_FRAME_REQUEST_END);
    CHECK_INT(seen->body_frames, 0);
    scenario_end(s);
}

static void test_body_is_streamed(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "done"));
    const char *chunks[] = {"hello ", "chunked ", "world"};
    stub_input input = {chunks, 3, 0, APR_SUCCESS};
    fake_worker *worker;
    const fake_request *seen;

    s->config->chunked_request = 1;
    s->r->method = "POST";
    apr_table_set(s->r->headers_in, "Transfer-Encoding", "chunked");
    stub_request_set_input(s->r, &input);
    scenario_serve(s, &reply, 1);
    worker = s->worker;
    CHECK_INT(scenario_run(s), OK);
    CHECK_INT(s->r->status, 200);
    fake_worker_stop(worker);
    s->worker = NULL;
    seen = fake_worker_request(worker, 0);
    CHECK_STR(seen->body, "hello chunked world");
    CHECK_INT(seen->body_frames, 3);
    CHECK_INT(seen->last_type, WSGI_FRAME_REQUEST_END);
    scenario_end(s);
}

static void test_repeated_headers(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    const char *headers[] = {"Set-Cookie", "a=1", "X-Test-Repeated", "first-value",
                             "Set-Cookie", "b=2", "X-Test-Repeated", "second-value",
                             "WWW-Authenticate", "Basic realm=\"x\"", "WWW-Authenticate", "Bearer",
                             "Location", "/elsewhere", "Last-Modified",
                             "Tue, 15 Nov 1994 08:12:31 GMT", NULL};
    fake_reply reply;

    mirror_response_head(b, 401, "Who Are You", headers);
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    CHECK_INT(s->r->status, 401);
    CHECK_STR(s->r->status_line, "401 Who Are You");
    CHECK_STR(apr_table_get(s->r->headers_out, "X-Test-Repeated"), "first-value, second-value");
    CHECK_INT(count_values(s->r->headers_out, "Set-Cookie"), 2);
    CHECK_INT(count_values(s->r->headers_out, "WWW-Authenticate"), 2);
    CHECK_STR(apr_table_get(s->r->headers_out, "Location"), "/elsewhere");
    CHECK_STR(apr_table_get(s->r->headers_out, "Last-Modified"), "Tue, 15 Nov 1994 08:12:31 GMT");
    CHECK_INT(stub_output_of(s->r)->eos, 1);
    scenario_end(s);
}

static void test_large_body_flushes_only_when_idle(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    apr_size_t size = WSGI_MAX_BODY_PAYLOAD;
    char *chunk = apr_palloc(s->pool, size);
    const char *headers[] = {"Content-Type", "application/octet-stream", NULL};
    fake_reply reply;
    const stub_output *out;

    memset(chunk, 'z', size);
    mirror_response_head(b, 200, "OK", headers);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, chunk, size);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, chunk, size);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "end", 3);
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    out = stub_output_of(s->r);
    CHECK_INT(out->body_length, 2 * size + 3);
    CHECK(out->passes >= 3);
    /* The last frames were already buffered when the earlier ones went out. */
    CHECK(out->flushes < 3);
    CHECK_INT(out->eos, 1);
    scenario_end(s);
}

static void test_many_small_frames(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    mirror_bytes expected;
    fake_reply reply;
    int i;

    /* 5000 frames of 15 bytes straddle the module's 16 KiB read-ahead many times. */
    mirror_bytes_init(&expected, s->pool);
    mirror_response_head(b, 200, "OK", NULL);
    for (i = 0; i < 5000; i++) {
        char piece[16];
        snprintf(piece, sizeof(piece), "[frame %05d]\n", i);
        mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, piece, strlen(piece));
        mirror_bytes_append(&expected, piece, strlen(piece));
    }
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    CHECK_INT(stub_output_of(s->r)->body_length, expected.length);
    CHECK(memcmp(stub_output_of(s->r)->body, expected.data, expected.length) == 0);
    CHECK_INT(stub_output_of(s->r)->eos, 1);
    scenario_end(s);
}

/* ---- checks before the daemon ---- */

static void test_declines_other_handlers(void)
{
    scenario *s = scenario_begin();
    s->r->handler = "default-handler";
    CHECK_INT(scenario_run(s), DECLINED);
    CHECK_INT(stub_log_count(), 0);
    scenario_end(s);
}

static void test_missing_script_is_404(void)
{
    scenario *s = scenario_begin();
    s->r->finfo.filetype = APR_NOFILE;
    CHECK_INT(scenario_run(s), HTTP_NOT_FOUND);
    CHECK_CONTAINS(stub_log_text(),
                   "target WSGI script not found or unable to stat: /srv/app.wsgi");
    scenario_end(s);
}

static void test_request_body_framing(void)
{
    scenario *s = scenario_begin();
    apr_table_set(s->r->headers_in, "Transfer-Encoding", "gzip");
    CHECK_INT(scenario_run(s), HTTP_NOT_IMPLEMENTED);
    CHECK_CONTAINS(stub_log_text(), "unsupported Transfer-Encoding 'gzip'");

    apr_table_set(s->r->headers_in, "Transfer-Encoding", "chunked");
    CHECK_INT(scenario_run(s), HTTP_LENGTH_REQUIRED);
    CHECK_CONTAINS(stub_log_text(), "WSGIChunkedRequest is not On");

    apr_table_unset(s->r->headers_in, "Transfer-Encoding");
    apr_table_set(s->r->headers_in, "Content-Length", "12abc");
    CHECK_INT(scenario_run(s), HTTP_BAD_REQUEST);
    CHECK_CONTAINS(stub_log_text(), "invalid Content-Length '12abc'");
    apr_table_set(s->r->headers_in, "Content-Length", "-1");
    CHECK_INT(scenario_run(s), HTTP_BAD_REQUEST);
    scenario_end(s);
}

static void test_unknown_group_is_500(void)
{
    scenario *s = scenario_begin();
    stub_config_set(NULL, "WSGIProcessGroup 'nosuch' names no WSGIDaemonProcess");
    CHECK_INT(scenario_run(s), HTTP_INTERNAL_SERVER_ERROR);
    CHECK_CONTAINS(stub_log_text(), "WSGIProcessGroup 'nosuch' names no WSGIDaemonProcess");
    scenario_end(s);
}

static void test_no_socket_is_503_after_connect_timeout(void)
{
    scenario *s = scenario_begin();
    apr_time_t started = apr_time_now();
    apr_interval_time_t elapsed;

    CHECK_INT(scenario_run(s), HTTP_SERVICE_UNAVAILABLE);
    elapsed = apr_time_now() - started;
    CHECK(elapsed >= apr_time_from_msec(280));
    CHECK(elapsed < apr_time_from_msec(1500));
    CHECK_CONTAINS(stub_log_text(), "unable to connect to the daemon process after");
    CHECK_CONTAINS(stub_log_text(), "No such file or directory");
    CHECK_CONTAINS(stub_log_text(), s->socket_path);
    CHECK_CONTAINS(stub_log_text(), "process group 'testgroup'");
    scenario_end(s);
}

static void test_socket_appearing_late_is_retried(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "late"));
    pid_t child;

    /* The worker's socket shows up 150 ms after the request starts connecting. */
    s->config->group->connect_timeout = apr_time_from_sec(2);
    child = fork();
    if (child == 0) {
        fake_worker *w;
        apr_pool_t *pool;
        usleep(150000);
        apr_pool_create(&pool, NULL);
        w = fake_worker_start(pool, s->socket_path, &reply, 1);
        fake_worker_stop(w);
        _exit(0);
    }
    CHECK_INT(scenario_run(s), OK);
    CHECK_STR(stub_output_of(s->r)->body, "late");
    waitpid(child, NULL, 0);
    scenario_end(s);
}

static void test_shutting_down_is_retried(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply replies[2];

    mirror_frame(b, WSGI_FRAME_SHUTTING_DOWN, NULL, 0);
    replies[0] = reply_of(b);
    replies[1] = reply_of(ok_response(s, "second try"));
    scenario_serve(s, replies, 2);
    CHECK_INT(scenario_run(s), OK);
    CHECK_INT(s->r->status, 200);
    CHECK_STR(stub_output_of(s->r)->body, "second try");
    CHECK_CONTAINS(stub_log_text(), "[info] mod_wsgi");
    CHECK_CONTAINS(stub_log_text(), "answered SHUTTING_DOWN, retrying on a new connection");
    fake_worker_stop(s->worker);
    CHECK_INT(fake_worker_connections(s->worker), 2);
    s->worker = NULL;
    scenario_end(s);
}

static void test_script_reloaded_retries_are_capped(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply replies[3];

    mirror_frame(b, WSGI_FRAME_SCRIPT_RELOADED, NULL, 0);
    replies[0] = replies[1] = replies[2] = reply_of(b);
    scenario_serve(s, replies, 3);   /* processes=1: at most 2*1+1 attempts */
    CHECK_INT(scenario_run(s), HTTP_SERVICE_UNAVAILABLE);
    CHECK_CONTAINS(stub_log_text(), "answered SCRIPT_RELOADED 3 times; giving up");
    scenario_end(s);
}

static void test_retry_refused_with_body(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    const char *chunks[] = {"payload"};
    stub_input input = {chunks, 1, 0, APR_SUCCESS};
    fake_reply reply;

    s->r->method = "POST";
    apr_table_set(s->r->headers_in, "Content-Length", "7");
    stub_request_set_input(s->r, &input);
    mirror_frame(b, WSGI_FRAME_SHUTTING_DOWN, NULL, 0);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_SERVICE_UNAVAILABLE);
    CHECK_CONTAINS(stub_log_text(), "the request had a body, so it cannot be resent");
    scenario_end(s);
}

/* ---- client body problems ---- */

static void test_client_read_timeout_is_408(void)
{
    scenario *s = scenario_begin();
    const char *chunks[] = {"partial"};
    stub_input input = {chunks, 1, 0, APR_TIMEUP};
    fake_reply reply = {NULL, 0, 0, 0};
    fake_worker *worker;
    const fake_request *seen;

    s->r->method = "POST";
    apr_table_set(s->r->headers_in, "Content-Length", "100");
    stub_request_set_input(s->r, &input);
    scenario_serve(s, &reply, 1);
    worker = s->worker;
    CHECK_INT(scenario_run(s), HTTP_REQUEST_TIME_OUT);
    CHECK_CONTAINS(stub_log_text(), "timeout reading the request body from the client");
    fake_worker_stop(worker);
    s->worker = NULL;
    seen = fake_worker_request(worker, 0);
    CHECK_INT(seen->last_type, WSGI_FRAME_REQUEST_ABORT);
    CHECK_STR(seen->abort_reason, "timeout reading the request body from the client");
    CHECK_STR(seen->body, "partial");
    scenario_end(s);
}

static void test_other_connect_error_is_503_at_once(void)
{
    scenario *s = scenario_begin();
    apr_time_t started = apr_time_now();

    s->config->group->socket_path = "/etc/passwd/worker.sock";   /* ENOTDIR: not retried */
    s->config->group->connect_timeout = apr_time_from_sec(5);
    CHECK_INT(scenario_run(s), HTTP_SERVICE_UNAVAILABLE);
    CHECK(apr_time_now() - started < apr_time_from_msec(500));
    CHECK_CONTAINS(stub_log_text(), "after 1 attempt (Not a directory)");
    CHECK_CONTAINS(stub_log_text(), "socket '/etc/passwd/worker.sock'");
    scenario_end(s);
}

static void test_client_read_error_is_500(void)
{
    scenario *s = scenario_begin();
    stub_input input = {NULL, 0, 0, APR_EGENERAL};
    fake_reply reply = {NULL, 0, 0, 0};

    s->r->method = "POST";
    apr_table_set(s->r->headers_in, "Content-Length", "10");
    stub_request_set_input(s->r, &input);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_INTERNAL_SERVER_ERROR);
    CHECK_CONTAINS(stub_log_text(), "error reading the request body from the client");
    scenario_end(s);
}

const test_case handler_tests[] = {
    {"handler: simple GET relays status, headers and body", test_simple_get},
    {"handler: the worker receives the environ and REQUEST_END", test_request_reaches_worker},
    {"handler: chunked request body is streamed frame by frame", test_body_is_streamed},
    {"handler: repeated headers merged, Set-Cookie/WWW-Authenticate kept", test_repeated_headers},
    {"handler: 2 MiB body relayed, flush only when the worker is idle",
     test_large_body_flushes_only_when_idle},
    {"handler: 5000 small body frames arrive intact", test_many_small_frames},
    {"handler: declines other handlers", test_declines_other_handlers},
    {"handler: missing script is 404", test_missing_script_is_404},
    {"handler: Transfer-Encoding/Content-Length checks (501, 411, 400)",
     test_request_body_framing},
    {"handler: unknown process group is 500", test_unknown_group_is_500},
    {"handler: no socket is 503 after connect-timeout",
     test_no_socket_is_503_after_connect_timeout},
    {"handler: a socket that appears late is retried", test_socket_appearing_late_is_retried},
    {"handler: SHUTTING_DOWN then OK on retry is 200", test_shutting_down_is_retried},
    {"handler: SCRIPT_RELOADED retries capped at 2*processes+1, then 503",
     test_script_reloaded_retries_are_capped},
    {"handler: no retry for a request with a body (503)", test_retry_refused_with_body},
    {"handler: client body read timeout is 408 and REQUEST_ABORT", test_client_read_timeout_is_408},
    {"handler: client body read error is 500", test_client_read_error_is_500},
    {"handler: connect errors other than ENOENT/ECONNREFUSED/EAGAIN are 503 at once",
     test_other_connect_error_is_503_at_once},
};
const int handler_test_count = sizeof(handler_tests) / sizeof(handler_tests[0]);
