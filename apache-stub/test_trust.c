/* The module as the trust boundary: it proves itself to the worker (HELLO with the group's
 * secret), runs handler-mapped scripts only where Options ExecCGI allows, and owns the framing of
 * the client's response whatever the worker sends (Content-Length counted, final statuses only,
 * no hop-by-hop headers, no control characters, a deadline per frame). */
#include <string.h>

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"

#include "check.h"
#include "scenario.h"
#include "tests.h"
#include "wsgi_handler.h"

/* ---- HELLO ---- */

static void test_hello_with_group_secret_comes_first(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "hi"));
    const fake_request *request;

    s->config->group->secret[0] = 0xA5;   /* this group's own secret, not the sample */
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    request = fake_worker_request(s->worker, 0);
    CHECK_INT(request->first_type, WSGI_FRAME_HELLO);
    CHECK_INT(request->hello_seen, 1);
    CHECK_INT(wsgi_wire_get16(request->hello), WSGI_WIRE_VERSION);
    CHECK(memcmp(request->hello + 2, s->config->group->secret, WSGI_SECRET_SIZE) == 0);
    CHECK_INT(request->last_type, WSGI_FRAME_REQUEST_END);
    scenario_end(s);
}

/* ---- Options ExecCGI ---- */

/* A request that reached the handler through AddHandler/SetHandler alone, not WSGIScriptAlias. */
static int run_unaliased(scenario *s, int options, const char *handler)
{
    int status;

    stub_request_aliased = 0;
    stub_allow_options = options;
    s->r->handler = handler;
    status = scenario_run(s);
    stub_request_aliased = 1;
    stub_allow_options = 0;
    return status;
}

static void test_handler_without_exec_cgi_is_403(void)
{
    scenario *s = scenario_begin();

    CHECK_INT(run_unaliased(s, OPT_INDEXES, "wsgi-script"), HTTP_FORBIDDEN);
    CHECK_CONTAINS(stub_log_text(), "Options ExecCGI is off in this directory: /srv/app.wsgi");
    scenario_end(s);
}

static void test_handler_with_exec_cgi_runs(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "ran"));

    scenario_serve(s, &reply, 1);
    CHECK_INT(run_unaliased(s, OPT_EXECCGI, "wsgi-script"), OK);
    CHECK_STR(stub_output_of(s->r)->body, "ran");
    scenario_end(s);
}

static void test_mime_type_handler_needs_exec_cgi_too(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "typed"));

    CHECK_INT(run_unaliased(s, 0, "application/x-httpd-wsgi"), HTTP_FORBIDDEN);
    scenario_end(s);
    s = scenario_begin();
    reply = reply_of(ok_response(s, "typed"));
    scenario_serve(s, &reply, 1);
    CHECK_INT(run_unaliased(s, OPT_EXECCGI, "application/x-httpd-wsgi"), OK);
    CHECK_STR(stub_output_of(s->r)->body, "typed");
    scenario_end(s);
}

static void test_script_alias_needs_no_exec_cgi(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "aliased"));

    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);   /* aliased, Options 0 */
    CHECK_STR(stub_output_of(s->r)->body, "aliased");
    scenario_end(s);
}

/* ---- handler scripts and error override ---- */

static void test_handler_script_needs_no_exec_cgi_nor_an_existing_file(void)
{
    scenario *s = scenario_begin();
    fake_reply reply = reply_of(ok_response(s, "handled"));
    wsgi_handler_script handler = {"express-handler", "/srv/handler.wsgi", NULL, NULL, -1};

    stub_handler_script = &handler;
    s->r->finfo.filetype = APR_NOFILE;   /* a rewrite to a URL with no file behind it */
    scenario_serve(s, &reply, 1);
    CHECK_INT(run_unaliased(s, 0, "express-handler"), OK);
    stub_handler_script = NULL;
    CHECK_STR(stub_output_of(s->r)->body, "handled");
    scenario_end(s);
}

static void test_error_override_leaves_the_error_to_apache(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    const char *headers[] = {"Content-Type", "text/plain", NULL};
    fake_reply reply;

    s->config->error_override = 1;
    mirror_response_head(b, 404, "Not Found", headers);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "app's own page", 14);
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_NOT_FOUND);
    CHECK_INT(stub_output_of(s->r)->passes, 0);
    scenario_end(s);
}

/* ---- the head ---- */

static void expect_head_refused(int status, const char *const *headers, const char *log_text)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply reply;

    mirror_response_head(b, status, "Whatever", headers);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "forged", 6);
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), HTTP_INTERNAL_SERVER_ERROR);
    CHECK_CONTAINS(stub_log_text(), "invalid response headers from daemon process");
    CHECK_CONTAINS(stub_log_text(), log_text);
    CHECK_INT(stub_output_of(s->r)->passes, 0);
    scenario_end(s);
}

static void test_informational_status_is_500(void)
{
    const char *upgrade[] = {"Upgrade", "h2c", NULL};
    expect_head_refused(101, upgrade, "status code outside 200..599");
    expect_head_refused(100, NULL, "status code outside 200..599");
    expect_head_refused(600, NULL, "status code outside 200..599");
}

static void test_hop_by_hop_headers_are_500(void)
{
    static const char *const names[] = {"Connection", "keep-alive", "Upgrade", "Trailer", "TE",
                                        "Proxy-Connection", "Transfer-Encoding", NULL};
    int i;

    for (i = 0; names[i]; i++) {
        const char *headers[] = {names[i], "close", NULL};
        char expected[128];
        snprintf(expected, sizeof(expected), "'%s' is a hop-by-hop header", names[i]);
        expect_head_refused(200, headers, expected);
    }
}

static void test_bad_content_length_is_500(void)
{
    const char *twice[] = {"Content-Length", "6", "Content-Length", "6", NULL};
    const char *listed[] = {"Content-Length", "6, 6", NULL};
    const char *negative[] = {"Content-Length", "-1", NULL};
    const char *signed_plus[] = {"Content-Length", "+6", NULL};
    const char *spaced[] = {"Content-Length", " 6", NULL};
    const char *huge[] = {"Content-Length", "99999999999999999999", NULL};

    expect_head_refused(200, twice, "more than one Content-Length header");
    expect_head_refused(200, listed, "Content-Length '6, 6' is not a decimal number of bytes");
    expect_head_refused(200, negative, "is not a decimal number of bytes");
    expect_head_refused(200, signed_plus, "is not a decimal number of bytes");
    expect_head_refused(200, spaced, "is not a decimal number of bytes");
    expect_head_refused(200, huge, "is not a decimal number of bytes");
}

static void test_control_characters_are_500(void)
{
    const char *escape[] = {"X-Colour", "a\033[31mred", NULL};
    const char *del[] = {"X-Del", "a\177b", NULL};

    expect_head_refused(200, escape, "header value contains a control character other than HTAB");
    expect_head_refused(200, del, "header value contains a control character other than HTAB");
}

static void test_tab_in_header_value_is_kept(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    const char *headers[] = {"X-Tab", "a\tb", NULL};
    fake_reply reply;

    mirror_response_head(b, 200, "OK", headers);
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    CHECK_STR(apr_table_get(s->r->headers_out, "X-Tab"), "a\tb");
    scenario_end(s);
}

/* ---- the body against its Content-Length ---- */

static const stub_output *run_with_length(scenario *s, const char *length, const char *body,
                                          int status)
{
    mirror_bytes *b = frames(s);
    const char *headers[] = {"Content-Length", length, NULL};
    fake_reply reply;

    mirror_response_head(b, status, "OK", headers);
    if (*body) {
        mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, body, strlen(body));
    }
    end_frame(b, WSGI_END_COMPLETE);
    reply = reply_of(b);
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    return stub_output_of(s->r);
}

static void test_overrun_is_cut_at_content_length_and_aborted(void)
{
    scenario *s = scenario_begin();
    /* A second, forged response hidden after the declared 5 bytes. */
    const stub_output *out = run_with_length(
        s, "5", "hello" "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged", 200);

    CHECK_INT(out->body_length, 5);
    CHECK_STR(out->body, "hello");
    CHECK_INT(out->error_status, HTTP_BAD_GATEWAY);
    CHECK_INT(s->r->connection->keepalive, AP_CONN_CLOSE);
    CHECK_CONTAINS(stub_log_text(), "sent more than the 5 bytes its Content-Length declared");
    scenario_end(s);
}

static void test_short_body_is_aborted(void)
{
    scenario *s = scenario_begin();
    const stub_output *out = run_with_length(s, "10", "short", 200);

    CHECK_STR(out->body, "short");
    CHECK_INT(out->eos, 1);   /* the error bucket's EOS, not a clean end */
    CHECK_INT(out->error_status, HTTP_BAD_GATEWAY);
    CHECK_INT(s->r->connection->keepalive, AP_CONN_CLOSE);
    CHECK_CONTAINS(stub_log_text(), "after 5 of the 10 bytes its Content-Length declared");
    scenario_end(s);
}

static void test_exact_length_ends_cleanly(void)
{
    scenario *s = scenario_begin();
    const stub_output *out = run_with_length(s, "5", "exact", 200);

    CHECK_STR(out->body, "exact");
    CHECK_INT(out->error_status, 0);
    CHECK_INT(out->eos, 1);
    CHECK_INT(stub_log_count(), 0);
    scenario_end(s);
}

static void test_head_and_304_are_not_counted(void)
{
    scenario *s = scenario_begin();
    const stub_output *out;

    s->r->header_only = 1;   /* HEAD: the length describes the GET body */
    out = run_with_length(s, "1234", "", 200);
    CHECK_INT(out->error_status, 0);
    CHECK_INT(out->eos, 1);
    scenario_end(s);

    s = scenario_begin();
    out = run_with_length(s, "1234", "", HTTP_NOT_MODIFIED);
    CHECK_INT(out->error_status, 0);
    CHECK_INT(out->eos, 1);
    scenario_end(s);
}

/* ---- deadlines per frame, not per poll ---- */

static void test_trickling_worker_times_out_within_a_frame(void)
{
    scenario *s = scenario_begin();
    mirror_bytes *b = frames(s);
    fake_reply reply = {0};
    apr_size_t head_length;

    /* 40 body bytes, one every 50 ms: each poll sees a byte well within the 400 ms timeout, but
     * the frame as a whole would take 2.4 s. */
    s->config->group->socket_timeout = apr_time_from_msec(400);
    mirror_response_head(b, 200, "OK", NULL);
    reply.trickle_from = b->length;   /* the head at once, then the body frame byte by byte */
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, "0123456789012345678901234567890123456789", 40);
    end_frame(b, WSGI_END_COMPLETE);
    head_length = reply.trickle_from;
    reply = reply_of(b);
    reply.trickle_from = head_length;
    reply.trickle_ms = 50;
    scenario_serve(s, &reply, 1);
    CHECK_INT(scenario_run(s), OK);
    CHECK_INT(stub_output_of(s->r)->error_status, HTTP_BAD_GATEWAY);
    CHECK_INT(stub_output_of(s->r)->body_length, 0);
    CHECK_CONTAINS(stub_log_text(), "timeout reading the response body from daemon process");
    scenario_end(s);
}

const test_case trust_tests[] = {
    {"trust: HELLO with the group's secret is the first frame",
     test_hello_with_group_secret_comes_first},
    {"trust: wsgi-script handler without Options ExecCGI is 403",
     test_handler_without_exec_cgi_is_403},
    {"trust: wsgi-script handler with Options ExecCGI runs", test_handler_with_exec_cgi_runs},
    {"trust: application/x-httpd-wsgi needs ExecCGI too",
     test_mime_type_handler_needs_exec_cgi_too},
    {"trust: WSGIScriptAlias needs no ExecCGI", test_script_alias_needs_no_exec_cgi},
    {"trust: a handler script needs no ExecCGI nor an existing file",
     test_handler_script_needs_no_exec_cgi_nor_an_existing_file},
    {"trust: WSGIErrorOverride leaves an error status to Apache",
     test_error_override_leaves_the_error_to_apache},
    {"trust: 1xx and 600 statuses are 500", test_informational_status_is_500},
    {"trust: hop-by-hop headers are 500", test_hop_by_hop_headers_are_500},
    {"trust: repeated or non-decimal Content-Length is 500", test_bad_content_length_is_500},
    {"trust: control characters in header values are 500", test_control_characters_are_500},
    {"trust: HTAB in a header value is kept", test_tab_in_header_value_is_kept},
    {"trust: body past Content-Length is cut there and aborted",
     test_overrun_is_cut_at_content_length_and_aborted},
    {"trust: body short of Content-Length is aborted", test_short_body_is_aborted},
    {"trust: body of exactly Content-Length ends cleanly", test_exact_length_ends_cleanly},
    {"trust: HEAD and 304 bodies are not counted", test_head_and_304_are_not_counted},
    {"trust: a worker trickling bytes times out within one frame",
     test_trickling_worker_times_out_within_a_frame},
};
const int trust_test_count = sizeof(trust_tests) / sizeof(trust_tests[0]);
