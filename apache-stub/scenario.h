/* Handler test scenarios: a request, its config, and a fake worker at a temp socket path. */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "apr_tables.h"

#include "fake_worker.h"
#include "stub_httpd.h"
#include "wire_mirror.h"

typedef struct scenario {
    apr_pool_t *pool;
    char *dir;
    char *socket_path;
    wsgi_request_config *config;
    fake_worker *worker;
    request_rec *r;
    int status;
} scenario;

/* A GET /app/hello?x=1 for /srv/app.wsgi, a config whose group socket is in a fresh temp dir. */
scenario *scenario_begin(void);
/* The fake worker answers each connection with one of replies. */
void scenario_serve(scenario *s, const fake_reply *replies, int count);
/* Runs the handler with a clean log; returns (and keeps) its status. */
int scenario_run(scenario *s);
/* Stops the fake worker and frees everything. */
void scenario_end(scenario *s);

/* A reply made of the frames in b. */
fake_reply reply_of(const mirror_bytes *b);
/* An empty frame buffer in the scenario's pool. */
mirror_bytes *frames(scenario *s);
void end_frame(mirror_bytes *b, int outcome);
/* 200 OK, text/plain, Content-Length, body, RESPONSE_END complete. */
mirror_bytes *ok_response(scenario *s, const char *body);
/* How many entries of t have key. */
int count_values(apr_table_t *t, const char *key);

#endif
