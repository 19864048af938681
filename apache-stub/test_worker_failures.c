/* The handler against a worker that misbehaves: before the head (status + log line), with
 * control frames, and mid-body (the client connection is aborted, never ended cleanly). */
#include <stdlib.h>
#include <unistd.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "check.h"
#include "scenario.h"
#include "tests.h"
#include "wsgi_handler.h"

/* ---- a worker that misbehaves before the head ---- */

static void expect_failure(const unsigned char *bytes, apr_size_t length, int status,
                           const char *log_text)
{
    scenario *s = scenario_begin();
    fake_reply reply = {bytes, length, 0, 0};

    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), status);
    CHECK_CONTAINS(stub_log_text(), log_text);
    CHECK_CONTAINS(stub_log_text(), "process group 'testgroup'");
    CHECK_CONTAINS(stub_log_text(), s->socket_path);
    CHECK_INT(stub_output_of(s->r)->passes, 0);
    scenario_end(s);
}

static void test_close_before_head_is_502(void)
{
    expect_failure(NULL, 0, HTTP_BAD_GATEWAY, "truncated or oversized response headers");
}

static void test_oversized_head_is_500(void)
{
    unsigned char header[WSGI_FRAME_HEADER_SIZE];
    wsgi_wire_put_frame_header(header, WSGI_FRAME_RESPONSE_HEAD, WSGI_MAX_HEAD_PAYLOAD + 1);
    expect_failure(header, sizeof(header), HTTP_INTERNAL_SERVER_ERROR,
                   "frame length above the maximum for its type");
}

static void test_bad_frame_type_is_500(void)
{
    unsigned char header[WSGI_FRAME_HEADER_SIZE];
    wsgi_wire_put_frame_header(header, 0x7E, 0);
    expect_failure(header, sizeof(header), HTTP_INTERNAL_SERVER_ERROR, "unknown frame type");
}

static void test_request_frame_from_worker_is_500(void)
{
    unsigned char frame[WSGI_FRAME_HEADER_SIZE + 1] = {0};
    wsgi_wire_put_frame_header(frame, WSGI_FRAME_REQUEST_BODY, 1);
    frame[WSGI_FRAME_HEADER_SIZE] = 'x';
    expect_failure(frame, sizeof(frame), HTTP_INTERNAL_SERVER_ERROR,
                   "REQUEST_BODY frame rejected: frame type not allowed here");
}

static void test_crlf_in_header_value_is_500(void)
{
    apr_pool_t *pool;
    mirror_bytes b;
    const char *headers[] = {"X-Evil", "a\r\nSet-Cookie: evil=1", NULL};

    apr_pool_create(&pool, NULL);
    mirror_bytes_init(&b, pool);
    mirror_response_head(&b, 200, "OK", headers);
    expect_failure(b.data, b.length, HTTP_INTERNAL_SERVER_ERROR,
                   "invalid response headers from daemon process: header value contains a "
                   "control character other than HTAB");
    apr_pool_destroy(pool);
}

static void test_bad_header_name_is_500(void)
{
    apr_pool_t *pool;
    mirror_bytes b;
    const char *headers[] = {"X Bad", "v", NULL};

    apr_pool_create(&pool, NULL);
    mirror_bytes_init(&b, pool);
    mirror_response_head(&b, 200, "OK", headers);
    expect_failure(b.data, b.length, HTTP_INTERNAL_SERVER_ERROR, "header name is empty, too long "
                   "or not a token");
    apr_pool_destroy(pool);
}

static void test_wrong_version_is_500(void)
{
    apr_pool_t *pool;
    mirror_bytes b;

    apr_pool_create(&pool, NULL);
    mirror_bytes_init(&b, pool);
    mirror_response_head(&b, 200, "OK", NULL);
    b.data[WSGI_FRAME_HEADER_SIZE] = 1;   /* version 1 */
    expect_failure(b.data, b.length, HTTP_INTERNAL_SERVER_ERROR, "unsupported protocol version");
    apr_pool_destroy(pool);
}

static void test_header_line_above_buffer_size_is_500(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    const char *headers[] = {"X-Long", "0123456789012345678901234567890123456789", NULL};
    fake_reply reply;

    s->config->group->header_buffer_size = 32;
    mirror_response_head(b, 200, "OK", headers);
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_INTERNAL_SERVER_ERROR);
    CHECK_CONTAINS(stub_log_text(), "header line longer than header-buffer-size");
    scenario_end(s);
}

static void test_no_answer_is_504(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = {NULL, 0, 0, 3000};
    apr_time_t started = apr_time_now();

    s->config->group->socket_timeout = apr_time_from_msec(300);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_GATEWAY_TIME_OUT);
    CHECK(apr_time_now() - started < apr_time_from_msec(2000));
    CHECK_CONTAINS(stub_log_text(), "timeout when reading response headers from daemon process");
    scenario_end(s);
}

/* ---- control frames ---- */

static void expect_control(unsigned int type, const char *reason, int status,
                           const char *log_text)
{
    apr_pool_t *pool;
    mirror_bytes b;

    apr_pool_create(&pool, NULL);
    mirror_bytes_init(&b, pool);
    mirror_frame(&b, type, reason, reason ? strlen(reason) : 0);
    expect_failure(b.data, b.length, status, log_text);
    apr_pool_destroy(pool);
}

static void test_queue_timeout_is_504(void)
{
    expect_control(WSGI_FRAME_QUEUE_TIMEOUT, NULL, HTTP_GATEWAY_TIME_OUT,
                   "queue timeout expired before the daemon process could start the request");
}

static void test_request_timeout_is_504(void)
{
    expect_control(WSGI_FRAME_REQUEST_TIMEOUT, NULL, HTTP_GATEWAY_TIME_OUT,
                   "request timeout expired in the daemon process");
}

static void test_app_load_failed_is_500(void)
{
    expect_control(WSGI_FRAME_APP_LOAD_FAILED, "ImportError: no module named 'x'\n\x1b[0m",
                   HTTP_INTERNAL_SERVER_ERROR,
                   "failed to load the WSGI application: ImportError: no module named 'x'??[0m");
}

static void test_error_frame_is_500(void)
{
    expect_control(WSGI_FRAME_ERROR, "unsupported protocol version 2",
                   HTTP_INTERNAL_SERVER_ERROR,
                   "reported a protocol error: unsupported protocol version 2");
}

static void test_transfer_encoding_from_worker_is_500(void)
{
    apr_pool_t *pool;
    mirror_bytes b;
    const char *headers[] = {"transfer-encoding", "chunked", NULL};

    apr_pool_create(&pool, NULL);
    mirror_bytes_init(&b, pool);
    mirror_response_head(&b, 200, "OK", headers);
    expect_failure(b.data, b.length, HTTP_INTERNAL_SERVER_ERROR,
                   "'transfer-encoding' is a hop-by-hop header");
    apr_pool_destroy(pool);
}

static void test_write_failure_still_reads_control_frame(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    char *big = apr_palloc(s->pool, 600000);
    const char *chunks[] = {big, big, big};
    stub_input input = {chunks, 3, 0, APR_SUCCESS};
    fake_reply reply;

    memset(big, 'b', 599999);
    big[599999] = '\0';
    s->r->method = "POST";
    apr_table_set(s->r->headers_in, "Content-Length", "1799997");
    stub_request_set_input(s->r, &input);
    mirror_frame(b, WSGI_FRAME_QUEUE_TIMEOUT, NULL, 0);
    reply = reply_of(b);
    reply.skip_request = 1;   /* answer at once and close, leaving the body unread */
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_GATEWAY_TIME_OUT);
    CHECK_CONTAINS(stub_log_text(), "failed to send REQUEST_");
    CHECK_CONTAINS(stub_log_text(), "queue timeout expired");
    scenario_end(s);
}

/* ---- a worker that fails mid-body ---- */

static void expect_abort(scenario *s, const char *body, const char *log_text)
{
    const stub_output *out;

    CHECK_INT(scenario_run(s), OK);
    out = stub_output_of(s->r);
    CHECK_INT(s->r->status, 200);
    CHECK_STR(out->body, body);
    CHECK_INT(out->error_status, HTTP_BAD_GATEWAY);   /* the abort signal, as mod_proxy sends */
    CHECK_INT(s->r->connection->keepalive, AP_CONN_CLOSE);
    CHECK_INT(out->data_after_eos, 0);
    CHECK_CONTAINS(stub_log_text(), log_text);
    CHECK_CONTAINS(stub_log_text(), "aborting the client connection");
}

static void test_worker_dies_mid_body(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    const char *headers[] = {"Content-Length", "100", NULL};
    fake_reply reply;

    mirror_response_head(b, 200, "OK", headers);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "partial", 7);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    expect_abort(s, "partial", "closed the connection before the response was complete");
    scenario_end(s);
}

static void test_aborted_end_aborts_client(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply reply;

    mirror_response_head(b, 200, "OK", NULL);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "half", 4);
    end_frame(b, WSGI_END_ABORTED);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    expect_abort(s, "half", "aborted the response before it was complete");
    scenario_end(s);
}

static void test_stall_mid_body_flushes_then_aborts(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply reply;

    s->config->group->socket_timeout = apr_time_from_msec(300);
    mirror_response_head(b, 200, "OK", NULL);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "first", 5);
    reply = reply_of(b);
    reply.hold_ms = 3000;
    scenario_serve(s, &reply, 1);
    expect_abort(s, "first", "timeout reading the response body from daemon process");
    /* Nothing more was ready after "first", so it was flushed to the client at once. */
    CHECK_INT(stub_output_of(s->r)->flushes, 1);
    scenario_end(s);
}

static void test_second_head_mid_body_aborts(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply reply;

    mirror_response_head(b, 200, "OK", NULL);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "one", 3);
    mirror_response_head(b, 200, "OK", NULL);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    expect_abort(s, "one", "RESPONSE_HEAD frame rejected: not allowed after the response head");
    scenario_end(s);
}

const test_case worker_failure_tests[] = {
    {"handler: worker closes before the head is 502", test_close_before_head_is_502},
    {"handler: oversized head is 500", test_oversized_head_is_500},
    {"handler: bad frame type is 500", test_bad_frame_type_is_500},
    {"handler: request frame from the worker is 500", test_request_frame_from_worker_is_500},
    {"handler: CR/LF in a header value is 500", test_crlf_in_header_value_is_500},
    {"handler: non-token header name is 500", test_bad_header_name_is_500},
    {"handler: wrong protocol version is 500", test_wrong_version_is_500},
    {"handler: header line above header-buffer-size is 500",
     test_header_line_above_buffer_size_is_500},
    {"handler: no answer within socket-timeout is 504", test_no_answer_is_504},
    {"handler: QUEUE_TIMEOUT is 504", test_queue_timeout_is_504},
    {"handler: REQUEST_TIMEOUT is 504", test_request_timeout_is_504},
    {"handler: APP_LOAD_FAILED is 500 with the reason logged safely", test_app_load_failed_is_500},
    {"handler: ERROR frame is 500", test_error_frame_is_500},
    {"handler: Transfer-Encoding from the worker is 500",
     test_transfer_encoding_from_worker_is_500},
    {"handler: after a write failure the worker's control frame is still read",
     test_write_failure_still_reads_control_frame},
    {"handler: worker dies mid-body aborts the client", test_worker_dies_mid_body},
    {"handler: RESPONSE_END aborted aborts the client", test_aborted_end_aborts_client},
    {"handler: stall mid-body flushes, then times out and aborts",
     test_stall_mid_body_flushes_then_aborts},
    {"handler: second head mid-body aborts the client", test_second_head_mid_body_aborts},
};
const int worker_failure_test_count =
    sizeof(worker_failure_tests) / sizeof(worker_failure_tests[0]);
