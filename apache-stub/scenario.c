/* The handler test scenarios behind scenario.h. */
#include <stdlib.h>
#include <unistd.h>

#include "apr_strings.h"

#include "scenario.h"
#include "wsgi_handler.h"

scenario *scenario_begin(void)
{
    apr_pool_t *pool;
    scenario *s;
    char template[] = "/tmp/wsgi-stub-XXXXXX";

    apr_pool_create(&pool, NULL);
    s = apr_pcalloc(pool, sizeof(*s));
    s->pool = pool;
    s->dir = apr_pstrdup(pool, mkdtemp(template));
    s->socket_path = apr_pstrcat(pool, s->dir, "/worker.sock", NULL);
    s->config = stub_config_new(pool, s->socket_path);
    stub_config_set(s->config, NULL);
    s->r = stub_request_new(pool, "GET", "/app/hello?x=1", "/hello", "/srv/app.wsgi");
    s->r->uri = "/app/hello";
    return s;
}

void scenario_serve(scenario *s, const fake_reply *replies, int count)
{
    s->worker = fake_worker_start(s->pool, s->socket_path, replies, count);
}

int scenario_run(scenario *s)
{
    stub_log_clear();
    s->status = wsgi_handler(s->r);
    return s->status;
}

void scenario_end(scenario *s)
{
    if (s->worker) {
        fake_worker_stop(s->worker);
    }
    rmdir(s->dir);
    apr_pool_destroy(s->pool);
}

fake_reply reply_of(const mirror_bytes *b)
{
    fake_reply reply = {b->data, b->length, 0, 0};
    return reply;
}

mirror_bytes *frames(scenario *s)
{
    mirror_bytes *b = apr_palloc(s->pool, sizeof(*b));
    mirror_bytes_init(b, s->pool);
    return b;
}

void end_frame(mirror_bytes *b, int outcome)
{
    unsigned char byte = (unsigned char)outcome;
    mirror_frame(b, WSGI_FRAME_RESPONSE_END, &byte, 1);
}

mirror_bytes *ok_response(scenario *s, const char *body)
{
    mirror_bytes *b = frames(s);
    const char *headers[] = {"Content-Type", "text/plain",
                             "Content-Length", apr_psprintf(s->pool, "%d", (int)strlen(body)),
                             NULL};
    mirror_response_head(b, 200, "OK", headers);
    mirror_frame(b, WSGI_FRAME_RESPONSE_BODY, body, strlen(body));
    end_frame(b, WSGI_END_COMPLETE);
    return b;
}

int count_values(apr_table_t *t, const char *key)
{
    const apr_array_header_t *entries = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    int i, n = 0;
    for (i = 0; i < entries->nelts; i++) {
        n += strcasecmp(e[i].key, key) == 0;
    }
    return n;
}
