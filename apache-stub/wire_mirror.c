/* Request decoding and response encoding for the tests (the worker's side of the wire). */
#include <string.h>

#include "apr_hash.h"
#include "apr_strings.h"

#include "wire_mirror.h"

void mirror_bytes_init(mirror_bytes *b, apr_pool_t *pool)
{
    b->pool = pool;
    b->capacity = 256;
    b->data = apr_palloc(pool, b->capacity);
    b->length = 0;
}

void mirror_bytes_append(mirror_bytes *b, const void *data, apr_size_t length)
{
    if (length == 0) {
        return;   /* data may be NULL then, which memcpy must never see */
    }
    if (b->length + length > b->capacity) {
        unsigned char *bigger;
        while (b->length + length > b->capacity) {
            b->capacity *= 2;
        }
        bigger = apr_palloc(b->pool, b->capacity);
        memcpy(bigger, b->data, b->length);
        b->data = bigger;
    }
    memcpy(b->data + b->length, data, length);
    b->length += length;
}

static void append16(mirror_bytes *b, apr_uint16_t v)
{
    unsigned char p[2];
    wsgi_wire_put16(p, v);
    mirror_bytes_append(b, p, 2);
}

static void append32(mirror_bytes *b, apr_uint32_t v)
{
    unsigned char p[4];
    wsgi_wire_put32(p, v);
    mirror_bytes_append(b, p, 4);
}

void mirror_frame(mirror_bytes *b, unsigned int type, const void *payload, apr_size_t length)
{
    unsigned char header[WSGI_FRAME_HEADER_SIZE];
    wsgi_wire_put_frame_header(header, type, (apr_uint32_t)length);
    mirror_bytes_append(b, header, sizeof(header));
    mirror_bytes_append(b, payload, length);
}

static void head_payload(mirror_bytes *p, int status, const char *reason, unsigned int count)
{
    append16(p, WSGI_WIRE_VERSION);
    append16(p, (apr_uint16_t)status);
    append16(p, (apr_uint16_t)strlen(reason));
    mirror_bytes_append(p, reason, strlen(reason));
    append16(p, (apr_uint16_t)count);
}

static void header_entry(mirror_bytes *p, const char *name, const char *value)
{
    append16(p, (apr_uint16_t)strlen(name));
    mirror_bytes_append(p, name, strlen(name));
    append32(p, (apr_uint32_t)strlen(value));
    mirror_bytes_append(p, value, strlen(value));
}

void mirror_response_head(mirror_bytes *b, int status, const char *reason,
                          const char *const *headers)
{
    mirror_bytes payload;
    unsigned int count = 0, i;

    while (headers && headers[count * 2]) {
        count++;
    }
    mirror_bytes_init(&payload, b->pool);
    head_payload(&payload, status, reason, count);
    for (i = 0; i < count; i++) {
        header_entry(&payload, headers[i * 2], headers[i * 2 + 1]);
    }
    mirror_frame(b, WSGI_FRAME_RESPONSE_HEAD, payload.data, payload.length);
}

void mirror_response_head_from(mirror_bytes *b, const wsgi_response_head *head)
{
    mirror_bytes payload;
    unsigned int i;

    mirror_bytes_init(&payload, b->pool);
    head_payload(&payload, head->status, head->reason, head->header_count);
    for (i = 0; i < head->header_count; i++) {
        header_entry(&payload, head->headers[i].name, head->headers[i].value);
    }
    mirror_frame(b, WSGI_FRAME_RESPONSE_HEAD, payload.data, payload.length);
}

wsgi_wire_error mirror_parse_request_head(const unsigned char *payload, apr_size_t length,
                                          apr_pool_t *pool, apr_table_t **environ)
{
    const unsigned char *p = payload, *end = payload + length;
    apr_hash_t *seen = apr_hash_make(pool);   /* keys are case-sensitive */
    unsigned int count, i;

    if (length < 2) {
        return WSGI_WIRE_TRUNCATED;
    }
    if (wsgi_wire_get16(p) != WSGI_WIRE_VERSION) {
        return WSGI_WIRE_BAD_VERSION;
    }
    if (length < 4) {
        return WSGI_WIRE_TRUNCATED;
    }
    count = wsgi_wire_get16(p + 2);
    p += 4;
    if (count > WSGI_MAX_ENV_ENTRIES) {
        return WSGI_WIRE_TOO_MANY;
    }
    *environ = apr_table_make(pool, (int)count);
    for (i = 0; i < count; i++) {
        const char *key;
        apr_uint32_t value_length;
        unsigned int id;

        if (end - p < 1) {
            return WSGI_WIRE_TRUNCATED;
        }
        id = *p++;
        if (id != 0) {
            key = wsgi_wire_key_name(id);
            if (key == NULL) {
                return WSGI_WIRE_UNKNOWN_KEY_ID;
            }
        }
        else {
            apr_uint16_t key_length;
            if (end - p < 2) {
                return WSGI_WIRE_TRUNCATED;
            }
            key_length = wsgi_wire_get16(p);
            p += 2;
            if (key_length == 0 || key_length > WSGI_MAX_KEY_LENGTH) {
                return WSGI_WIRE_BAD_KEY;
            }
            if (end - p < key_length) {
                return WSGI_WIRE_TRUNCATED;
            }
            if (wsgi_wire_key_id((const char *)p, key_length) != 0) {
                return WSGI_WIRE_BAD_KEY;
            }
            key = apr_pstrmemdup(pool, (const char *)p, key_length);
            p += key_length;
        }
        if (end - p < 4) {
            return WSGI_WIRE_TRUNCATED;
        }
        value_length = wsgi_wire_get32(p);
        p += 4;
        if ((apr_size_t)(end - p) < value_length) {
            return WSGI_WIRE_TRUNCATED;
        }
        if (apr_hash_get(seen, key, APR_HASH_KEY_STRING) != NULL) {
            return WSGI_WIRE_DUPLICATE_KEY;
        }
        apr_hash_set(seen, key, APR_HASH_KEY_STRING, key);
        apr_table_addn(*environ, key, apr_pstrmemdup(pool, (const char *)p, value_length));
        p += value_length;
    }
    return p == end ? WSGI_WIRE_OK : WSGI_WIRE_TRAILING_BYTES;
}

wsgi_wire_error mirror_check_request_payload(unsigned int type, const unsigned char *payload,
                                             apr_size_t length, apr_pool_t *pool)
{
    apr_table_t *environ;

    if (wsgi_wire_is_response_type(type) && type != WSGI_FRAME_ERROR) {
        return WSGI_WIRE_UNEXPECTED_FRAME;
    }
    switch (type) {
    case WSGI_FRAME_REQUEST_HEAD:
        return mirror_parse_request_head(payload, length, pool, &environ);
    case WSGI_FRAME_REQUEST_BODY:
        return length == 0 ? WSGI_WIRE_EMPTY_BODY : WSGI_WIRE_OK;
    default:
        return WSGI_WIRE_OK;
    }
}
