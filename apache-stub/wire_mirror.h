/* The halves of the wire protocol the module does not need: decoding requests (what a worker
 * does) and encoding responses (what a worker sends). Used by the vector tests and the fake
 * worker. Test-only code. */
#ifndef WIRE_MIRROR_H
#define WIRE_MIRROR_H

#include "apr_tables.h"

#include "wsgi_wire.h"

/* A growing byte buffer in a pool. */
typedef struct mirror_bytes {
    apr_pool_t *pool;
    unsigned char *data;
    apr_size_t length;
    apr_size_t capacity;
} mirror_bytes;

void mirror_bytes_init(mirror_bytes *b, apr_pool_t *pool);
void mirror_bytes_append(mirror_bytes *b, const void *data, apr_size_t length);

/* Appends one frame (header + payload). */
void mirror_frame(mirror_bytes *b, unsigned int type, const void *payload, apr_size_t length);

/* Appends a RESPONSE_HEAD; headers is name, value, name, value, ..., NULL. */
void mirror_response_head(mirror_bytes *b, int status, const char *reason,
                          const char *const *headers);
/* The same from a decoded head (for round trips). */
void mirror_response_head_from(mirror_bytes *b, const wsgi_response_head *head);

/* Decodes a REQUEST_HEAD payload the way the worker must, keys in wire order. */
wsgi_wire_error mirror_parse_request_head(const unsigned char *payload, apr_size_t length,
                                          apr_pool_t *pool, apr_table_t **environ);

/* Checks a request-direction payload by type (head, non-empty body, END, ABORT, ERROR). */
wsgi_wire_error mirror_check_request_payload(unsigned int type, const unsigned char *payload,
                                             apr_size_t length, apr_pool_t *pool);

#endif
