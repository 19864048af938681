/* A fake daemon worker for handler tests: a thread listening on a Unix socket that reads each
 * request and answers with scripted bytes, including broken ones. Test-only code.
 *
 * The handler under test only needs a socket path, so the same tests can point at a real
 * worker's socket instead (see run_tests.c: WSGI_TEST_SOCKET). */
#ifndef FAKE_WORKER_H
#define FAKE_WORKER_H

#include "apr_pools.h"
#include "apr_tables.h"

#include "wsgi_wire.h"

/* What the fake worker does on one connection. */
typedef struct fake_reply {
    const unsigned char *bytes;   /* sent after the request has been read */
    apr_size_t length;
    int skip_request;             /* answer (or close) without reading the request */
    int hold_ms;                  /* after sending, keep the connection open up to this long
                                     (ends early when the module closes its end) */
    int trickle_ms;               /* > 0: send the bytes after trickle_from one at a time, this
                                     long apart (a worker that holds Apache with a trickle) */
    apr_size_t trickle_from;
} fake_reply;

/* What the fake worker received on one connection. */
typedef struct fake_request {
    unsigned int first_type;      /* the type of the first frame (HELLO from the module) */
    unsigned char hello[WSGI_HELLO_PAYLOAD]; /* the HELLO payload: version and secret */
    int hello_seen;
    apr_table_t *environ;         /* decoded REQUEST_HEAD, NULL if none */
    char *body;                   /* REQUEST_BODY bytes joined, NUL-terminated */
    apr_size_t body_length;
    int body_frames;
    unsigned int last_type;       /* REQUEST_END, REQUEST_ABORT, or 0 when the stream broke */
    char *abort_reason;
} fake_request;

typedef struct fake_worker fake_worker;

/* Listens at path (removed first) and serves the replies in order, one per connection. */
fake_worker *fake_worker_start(apr_pool_t *pool, const char *path, const fake_reply *replies,
                               int count);
/* Waits for the thread (it stops after the last reply, or 5 s without a connection), closes
 * the socket and removes the file. */
void fake_worker_stop(fake_worker *worker);
int fake_worker_connections(const fake_worker *worker);
const fake_request *fake_worker_request(const fake_worker *worker, int index);

#endif
