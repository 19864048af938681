/* The wire protocol between the module and a daemon worker, version 1 (protocol/PROTOCOL.md).
 *
 * Pure C over APR: no httpd calls, so the codec is unit tested on its own against the golden
 * frames in protocol/vectors/. The module encodes requests and decodes responses; the mirror
 * halves live in the tests (apache-stub/wire_mirror.c). */
#ifndef WSGI_WIRE_H
#define WSGI_WIRE_H

#include "apr.h"
#include "apr_pools.h"

#define WSGI_WIRE_VERSION 2
#define WSGI_FRAME_HEADER_SIZE 8

/* Frame types. */
#define WSGI_FRAME_REQUEST_HEAD    0x01
#define WSGI_FRAME_REQUEST_BODY    0x02
#define WSGI_FRAME_REQUEST_END     0x03
#define WSGI_FRAME_REQUEST_ABORT   0x04
#define WSGI_FRAME_HELLO           0x05
#define WSGI_FRAME_RESPONSE_HEAD   0x81
#define WSGI_FRAME_RESPONSE_BODY   0x82
#define WSGI_FRAME_RESPONSE_END    0x83
#define WSGI_FRAME_HOOK_RESULT     0x84
#define WSGI_FRAME_QUEUE_TIMEOUT   0x90
#define WSGI_FRAME_APP_LOAD_FAILED 0x91
#define WSGI_FRAME_SHUTTING_DOWN   0x92
#define WSGI_FRAME_REQUEST_TIMEOUT 0x93
#define WSGI_FRAME_SCRIPT_RELOADED 0x94
#define WSGI_FRAME_ERROR           0x9F

/* Payload limits. */
#define WSGI_MAX_HEAD_PAYLOAD   (1024 * 1024)
#define WSGI_MAX_BODY_PAYLOAD   (1024 * 1024)
#define WSGI_MAX_REASON_PAYLOAD 4096
#define WSGI_MAX_ENV_ENTRIES    4096
#define WSGI_MAX_KEY_LENGTH     1024
#define WSGI_MAX_STATUS_REASON  1024
#define WSGI_MAX_HEADERS        1024
#define WSGI_MAX_HEADER_NAME    1024
#define WSGI_DEFAULT_HEADER_BUFFER_SIZE 32768
#define WSGI_MAX_HOOK_PAYLOAD   65536
#define WSGI_MAX_HOOK_VALUES    1024
#define WSGI_MAX_HOOK_VALUE     4096

/* HELLO: the first frame on every connection, version (2) and the group's secret. */
#define WSGI_SECRET_SIZE        32
#define WSGI_HELLO_PAYLOAD      (2 + WSGI_SECRET_SIZE)
#define WSGI_HELLO_FRAME_SIZE   (WSGI_FRAME_HEADER_SIZE + WSGI_HELLO_PAYLOAD)

/* Final statuses a response may carry (1xx would let the worker speak HTTP itself). */
#define WSGI_MIN_STATUS 200
#define WSGI_MAX_STATUS 599

/* RESPONSE_END outcomes. */
#define WSGI_END_COMPLETE 0
#define WSGI_END_ABORTED  1

/* Number of well-known key ids (1..WSGI_KEY_COUNT). */
#define WSGI_KEY_COUNT 60

/* Why a frame was rejected. Each has a stable code (wsgi_wire_error_code) shared with the Swift
 * decoder and protocol/vectors/manifest.tsv. */
typedef enum {
    WSGI_WIRE_OK = 0,
    WSGI_WIRE_TRUNCATED,
    WSGI_WIRE_UNKNOWN_TYPE,
    WSGI_WIRE_UNEXPECTED_FRAME,
    WSGI_WIRE_RESERVED_BITS,
    WSGI_WIRE_TOO_LONG,
    WSGI_WIRE_EMPTY_BODY,
    WSGI_WIRE_BAD_VERSION,
    WSGI_WIRE_BAD_STATUS,
    WSGI_WIRE_BAD_REASON,
    WSGI_WIRE_BAD_HEADER_NAME,
    WSGI_WIRE_BAD_HEADER_VALUE,
    WSGI_WIRE_HEADER_TOO_LONG,
    WSGI_WIRE_TRAILING_BYTES,
    WSGI_WIRE_BAD_OUTCOME,
    WSGI_WIRE_TOO_MANY,
    WSGI_WIRE_UNKNOWN_KEY_ID,
    WSGI_WIRE_DUPLICATE_KEY,
    WSGI_WIRE_BAD_KEY
} wsgi_wire_error;

/* "truncated", "bad-version", ... as in manifest.tsv. */
const char *wsgi_wire_error_code(wsgi_wire_error error);
/* A phrase for log lines, e.g. "header value contains CR, LF or NUL". */
const char *wsgi_wire_error_text(wsgi_wire_error error);

typedef struct wsgi_frame_header {
    unsigned int type;
    apr_uint32_t length;
} wsgi_frame_header;

/* The HELLO frame for secret, ready to send. */
void wsgi_wire_put_hello(unsigned char out[WSGI_HELLO_FRAME_SIZE],
                         const unsigned char secret[WSGI_SECRET_SIZE]);

/* The well-known key with this id ("REQUEST_METHOD" for 1), NULL outside 1..WSGI_KEY_COUNT. */
const char *wsgi_wire_key_name(unsigned int id);
/* The id of a well-known key, 0 when the key is spelled out on the wire. */
unsigned int wsgi_wire_key_id(const char *key, apr_size_t key_length);

/* Frame headers. The parse checks type, flags, reserved and the type's maximum length, so the
 * caller may allocate header.length bytes afterwards. */
void wsgi_wire_put_frame_header(unsigned char out[WSGI_FRAME_HEADER_SIZE], unsigned int type,
                                apr_uint32_t length);
wsgi_wire_error wsgi_wire_parse_frame_header(const unsigned char in[WSGI_FRAME_HEADER_SIZE],
                                             wsgi_frame_header *header);
/* 1 for frame types the worker sends, 0 for the module's own. Only meaningful for known types. */
int wsgi_wire_is_response_type(unsigned int type);
/* The frame type's name ("RESPONSE_HEAD"), or "unknown". */
const char *wsgi_wire_type_name(unsigned int type);

/* REQUEST_HEAD encoder: one growing buffer holding the whole frame. Keys must be distinct (the
 * caller's environ table guarantees it). */
typedef struct wsgi_request_head {
    apr_pool_t *pool;
    unsigned char *data;
    apr_size_t length;
    apr_size_t capacity;
    unsigned int count;
} wsgi_request_head;

void wsgi_request_head_init(wsgi_request_head *head, apr_pool_t *pool);
/* TOO_MANY, BAD_KEY (empty or longer than 1024) or TOO_LONG (payload above 1 MiB) on failure;
 * the head is unchanged then. */
wsgi_wire_error wsgi_request_head_add(wsgi_request_head *head, const char *key,
                                      const char *value, apr_size_t value_length);
/* Fills in the frame header and count; the frame is head->data[0 .. head->length). */
void wsgi_request_head_finish(wsgi_request_head *head);

/* A decoded RESPONSE_HEAD; strings are NUL-terminated copies in the pool. */
typedef struct wsgi_response_header {
    const char *name;
    const char *value;
} wsgi_response_header;

typedef struct wsgi_response_head {
    int status;
    const char *reason;
    unsigned int header_count;
    wsgi_response_header *headers;
} wsgi_response_head;

/* Decodes and validates a RESPONSE_HEAD payload. max_line bounds each `name: value` line
 * (0 = WSGI_DEFAULT_HEADER_BUFFER_SIZE). */
wsgi_wire_error wsgi_wire_parse_response_head(const unsigned char *payload, apr_size_t length,
                                              apr_size_t max_line, apr_pool_t *pool,
                                              wsgi_response_head *head);

/* HOOK_RESULT outcomes (PROTOCOL.md, "Hooks"). */
#define WSGI_HOOK_NONE   0   /* the function returned None */
#define WSGI_HOOK_TRUE   1
#define WSGI_HOOK_FALSE  2
#define WSGI_HOOK_VALUES 3   /* strings, as the hook defines them */
#define WSGI_HOOK_FAILED 4   /* it raised or returned what it may not (logged by the worker) */

typedef struct wsgi_hook_result {
    int outcome;
    unsigned int count;
    const char **values;         /* NUL-terminated copies in the pool */
} wsgi_hook_result;

/* Decodes a HOOK_RESULT payload: outcome, count, values (each 0..4096 bytes, no control
 * character, as they become user names, group names and configuration values). */
wsgi_wire_error wsgi_wire_parse_hook_result(const unsigned char *payload, apr_size_t length,
                                            apr_pool_t *pool, wsgi_hook_result *result);

/* RESPONSE_END payload: sets *aborted to 0 or 1, BAD_OUTCOME otherwise. */
wsgi_wire_error wsgi_wire_parse_response_end(const unsigned char *payload, apr_size_t length,
                                             int *aborted);

/* Checks a payload against its type's rules (empty body frames, RESPONSE_HEAD with the default
 * line limit, RESPONSE_END outcome). Used to validate whole streams. */
wsgi_wire_error wsgi_wire_check_response_payload(unsigned int type, const unsigned char *payload,
                                                 apr_size_t length, apr_pool_t *pool);

/* Little-endian helpers shared with the tests. */
apr_uint16_t wsgi_wire_get16(const unsigned char *p);
apr_uint32_t wsgi_wire_get32(const unsigned char *p);
void wsgi_wire_put16(unsigned char *p, apr_uint16_t v);
void wsgi_wire_put32(unsigned char *p, apr_uint32_t v);

#endif
