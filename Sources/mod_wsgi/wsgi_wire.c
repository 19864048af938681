/* Wire protocol version 1: frame headers, the REQUEST_HEAD encoder and the response decoders.
 * The worker is less trusted than Apache, so every length is checked before it is used and
 * every header byte that reaches Apache's response is validated here. */
#include <string.h>

#include "apr_strings.h"

#include "wsgi_wire.h"

static const char *const key_names[WSGI_KEY_COUNT] = {
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
    "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
    "SERVER_ADDR", "SERVER_ADMIN", "SERVER_SIGNATURE", "REMOTE_ADDR", "REMOTE_PORT",
    "REMOTE_USER", "AUTH_TYPE", "REQUEST_URI", "REQUEST_SCHEME", "DOCUMENT_ROOT",
    "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT", "SCRIPT_FILENAME", "HTTP_HOST", "HTTP_USER_AGENT",
    "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_LANGUAGE", "HTTP_CONNECTION",
    "HTTP_COOKIE", "HTTP_CACHE_CONTROL", "HTTP_PRAGMA", "HTTP_ORIGIN",
    "HTTP_UPGRADE_INSECURE_REQUESTS", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REQUESTED_WITH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_AUTHORIZATION",
    "HTTPS", "mod_wsgi.process_group", "mod_wsgi.application_group", "mod_wsgi.callable_object",
    "mod_wsgi.request_handler", "mod_wsgi.handler_script", "mod_wsgi.script_reloading",
    "mod_wsgi.listener_host", "mod_wsgi.listener_port", "mod_wsgi.server_pid",
    "mod_wsgi.request_id", "mod_wsgi.connection_id", "mod_wsgi.script_name", "mod_wsgi.path_info",
    "mod_wsgi.enable_sendfile", "mod_wsgi.ignore_activity", "mod_wsgi.x-request_start_us",
    "mod_wsgi.x-queue_start_us", "mod_wsgi.x-queue_timeout", "HTTP_CONTENT_MD5",
};

static const struct {
    const char *code;
    const char *text;
} error_names[] = {
    [WSGI_WIRE_OK] = {"ok", "no error"},
    [WSGI_WIRE_TRUNCATED] = {"truncated", "frame or payload ends early"},
    [WSGI_WIRE_UNKNOWN_TYPE] = {"unknown-type", "unknown frame type"},
    [WSGI_WIRE_UNEXPECTED_FRAME] = {"unexpected-frame", "frame type not allowed here"},
    [WSGI_WIRE_RESERVED_BITS] = {"reserved-bits", "frame flags or reserved bits are not zero"},
    [WSGI_WIRE_TOO_LONG] = {"too-long", "frame length above the maximum for its type"},
    [WSGI_WIRE_EMPTY_BODY] = {"empty-body", "body frame with no bytes"},
    [WSGI_WIRE_BAD_VERSION] = {"bad-version", "unsupported protocol version"},
    [WSGI_WIRE_BAD_STATUS] = {"bad-status", "status code outside 200..599 (not a final status)"},
    [WSGI_WIRE_BAD_REASON] = {"bad-reason",
                              "reason phrase contains a control character other than HTAB"},
    [WSGI_WIRE_BAD_HEADER_NAME] = {"bad-header-name",
                                   "header name is empty, too long or not a token"},
    [WSGI_WIRE_BAD_HEADER_VALUE] = {"bad-header-value",
                                    "header value contains a control character other than HTAB"},
    [WSGI_WIRE_HEADER_TOO_LONG] = {"header-too-long",
                                   "header line longer than header-buffer-size"},
    [WSGI_WIRE_TRAILING_BYTES] = {"trailing-bytes", "bytes left over after the last field"},
    [WSGI_WIRE_BAD_OUTCOME] = {"bad-outcome", "RESPONSE_END outcome is not 0 or 1"},
    [WSGI_WIRE_TOO_MANY] = {"too-many", "too many entries or headers"},
    [WSGI_WIRE_UNKNOWN_KEY_ID] = {"unknown-key-id", "unknown environ key id"},
    [WSGI_WIRE_DUPLICATE_KEY] = {"duplicate-key", "environ key appears twice"},
    [WSGI_WIRE_BAD_KEY] = {"bad-key", "spelled-out environ key is empty, too long or well-known"},
};

const char *wsgi_wire_error_code(wsgi_wire_error error)
{
    return error_names[error].code;
}

const char *wsgi_wire_error_text(wsgi_wire_error error)
{
    return error_names[error].text;
}

apr_uint16_t wsgi_wire_get16(const unsigned char *p)
{
    return (apr_uint16_t)(p[0] | (p[1] << 8));
}

apr_uint32_t wsgi_wire_get32(const unsigned char *p)
{
    return (apr_uint32_t)p[0] | ((apr_uint32_t)p[1] << 8) | ((apr_uint32_t)p[2] << 16)
           | ((apr_uint32_t)p[3] << 24);
}

void wsgi_wire_put16(unsigned char *p, apr_uint16_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8);
}

void wsgi_wire_put32(unsigned char *p, apr_uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)(v >> 24);
}

const char *wsgi_wire_key_name(unsigned int id)
{
    return (id >= 1 && id <= WSGI_KEY_COUNT) ? key_names[id - 1] : NULL;
}

/* The same keys sorted by strcmp, for a binary search per environ entry (test_wire.c checks
 * that it matches key_names). */
static const struct {
    const char *name;
    unsigned int id;
} keys_by_name[WSGI_KEY_COUNT] = {
    {"AUTH_TYPE", 17}, {"CONTENT_LENGTH", 6}, {"CONTENT_TYPE", 5}, {"CONTEXT_DOCUMENT_ROOT", 22},
    {"CONTEXT_PREFIX", 21}, {"DOCUMENT_ROOT", 20}, {"HTTPS", 41}, {"HTTP_ACCEPT", 26},
    {"HTTP_ACCEPT_ENCODING", 27}, {"HTTP_ACCEPT_LANGUAGE", 28}, {"HTTP_AUTHORIZATION", 40},
    {"HTTP_CACHE_CONTROL", 31}, {"HTTP_CONNECTION", 29}, {"HTTP_CONTENT_MD5", 60},
    {"HTTP_COOKIE", 30}, {"HTTP_HOST", 24}, {"HTTP_IF_MODIFIED_SINCE", 38},
    {"HTTP_IF_NONE_MATCH", 39}, {"HTTP_ORIGIN", 33}, {"HTTP_PRAGMA", 32},
    {"HTTP_UPGRADE_INSECURE_REQUESTS", 34}, {"HTTP_USER_AGENT", 25}, {"HTTP_X_FORWARDED_FOR", 35},
    {"HTTP_X_FORWARDED_PROTO", 36}, {"HTTP_X_REQUESTED_WITH", 37}, {"PATH_INFO", 3},
    {"QUERY_STRING", 4}, {"REMOTE_ADDR", 14}, {"REMOTE_PORT", 15}, {"REMOTE_USER", 16},
    {"REQUEST_METHOD", 1}, {"REQUEST_SCHEME", 19}, {"REQUEST_URI", 18}, {"SCRIPT_FILENAME", 23},
    {"SCRIPT_NAME", 2}, {"SERVER_ADDR", 11}, {"SERVER_ADMIN", 12}, {"SERVER_NAME", 7},
    {"SERVER_PORT", 8}, {"SERVER_PROTOCOL", 9}, {"SERVER_SIGNATURE", 13}, {"SERVER_SOFTWARE", 10},
    {"mod_wsgi.application_group", 43}, {"mod_wsgi.callable_object", 44},
    {"mod_wsgi.connection_id", 52}, {"mod_wsgi.enable_sendfile", 55},
    {"mod_wsgi.handler_script", 46}, {"mod_wsgi.ignore_activity", 56},
    {"mod_wsgi.listener_host", 48}, {"mod_wsgi.listener_port", 49}, {"mod_wsgi.path_info", 54},
    {"mod_wsgi.process_group", 42}, {"mod_wsgi.request_handler", 45}, {"mod_wsgi.request_id", 51},
    {"mod_wsgi.script_name", 53}, {"mod_wsgi.script_reloading", 47}, {"mod_wsgi.server_pid", 50},
    {"mod_wsgi.x-queue_start_us", 58}, {"mod_wsgi.x-queue_timeout", 59},
    {"mod_wsgi.x-request_start_us", 57},
};

/* strcmp of a table name against key[0 .. key_length), which has no NUL. */
static int compare_key(const char *name, const char *key, apr_size_t key_length)
{
    int order = strncmp(name, key, key_length);
    if (order != 0) {
        return order;
    }
    return name[key_length] == '\0' ? 0 : 1;
}

unsigned int wsgi_wire_key_id(const char *key, apr_size_t key_length)
{
    int low = 0, high = WSGI_KEY_COUNT - 1;

    while (low <= high) {
        int middle = (low + high) / 2;
        int order = compare_key(keys_by_name[middle].name, key, key_length);
        if (order == 0) {
            return keys_by_name[middle].id;
        }
        if (order < 0) {
            low = middle + 1;
        }
        else {
            high = middle - 1;
        }
    }
    return 0;
}

/* The largest payload a frame type may carry; -1 for types that do not exist. */
static long max_payload(unsigned int type)
{
    switch (type) {
    case WSGI_FRAME_REQUEST_HEAD: return WSGI_MAX_HEAD_PAYLOAD;
    case WSGI_FRAME_REQUEST_BODY: return WSGI_MAX_BODY_PAYLOAD;
    case WSGI_FRAME_REQUEST_END: return 0;
    case WSGI_FRAME_REQUEST_ABORT: return WSGI_MAX_REASON_PAYLOAD;
    case WSGI_FRAME_HELLO: return WSGI_HELLO_PAYLOAD;
    case WSGI_FRAME_RESPONSE_HEAD: return WSGI_MAX_HEAD_PAYLOAD;
    case WSGI_FRAME_RESPONSE_BODY: return WSGI_MAX_BODY_PAYLOAD;
    case WSGI_FRAME_RESPONSE_END: return 1;
    case WSGI_FRAME_HOOK_RESULT: return WSGI_MAX_HOOK_PAYLOAD;
    case WSGI_FRAME_QUEUE_TIMEOUT: return 0;
    case WSGI_FRAME_APP_LOAD_FAILED: return WSGI_MAX_REASON_PAYLOAD;
    case WSGI_FRAME_SHUTTING_DOWN: return 0;
    case WSGI_FRAME_REQUEST_TIMEOUT: return 0;
    case WSGI_FRAME_SCRIPT_RELOADED: return 0;
    case WSGI_FRAME_ERROR: return WSGI_MAX_REASON_PAYLOAD;
    default: return -1;
    }
}

const char *wsgi_wire_type_name(unsigned int type)
{
    switch (type) {
    case WSGI_FRAME_REQUEST_HEAD: return "REQUEST_HEAD";
    case WSGI_FRAME_REQUEST_BODY: return "REQUEST_BODY";
    case WSGI_FRAME_REQUEST_END: return "REQUEST_END";
    case WSGI_FRAME_REQUEST_ABORT: return "REQUEST_ABORT";
    case WSGI_FRAME_HELLO: return "HELLO";
    case WSGI_FRAME_RESPONSE_HEAD: return "RESPONSE_HEAD";
    case WSGI_FRAME_RESPONSE_BODY: return "RESPONSE_BODY";
    case WSGI_FRAME_RESPONSE_END: return "RESPONSE_END";
    case WSGI_FRAME_HOOK_RESULT: return "HOOK_RESULT";
    case WSGI_FRAME_QUEUE_TIMEOUT: return "QUEUE_TIMEOUT";
    case WSGI_FRAME_APP_LOAD_FAILED: return "APP_LOAD_FAILED";
    case WSGI_FRAME_SHUTTING_DOWN: return "SHUTTING_DOWN";
    case WSGI_FRAME_REQUEST_TIMEOUT: return "REQUEST_TIMEOUT";
    case WSGI_FRAME_SCRIPT_RELOADED: return "SCRIPT_RELOADED";
    case WSGI_FRAME_ERROR: return "ERROR";
    default: return "unknown";
    }
}

int wsgi_wire_is_response_type(unsigned int type)
{
    /* ERROR goes either way; it counts as a response frame for the module. */
    return type >= WSGI_FRAME_RESPONSE_HEAD;
}

void wsgi_wire_put_frame_header(unsigned char out[WSGI_FRAME_HEADER_SIZE], unsigned int type,
                                apr_uint32_t length)
{
    out[0] = (unsigned char)type;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    wsgi_wire_put32(out + 4, length);
}

wsgi_wire_error wsgi_wire_parse_frame_header(const unsigned char in[WSGI_FRAME_HEADER_SIZE],
                                             wsgi_frame_header *header)
{
    long limit = max_payload(in[0]);

    header->type = in[0];
    header->length = wsgi_wire_get32(in + 4);
    if (limit < 0) {
        return WSGI_WIRE_UNKNOWN_TYPE;
    }
    if (in[1] != 0 || in[2] != 0 || in[3] != 0) {
        return WSGI_WIRE_RESERVED_BITS;
    }
    if (header->length > (apr_uint32_t)limit) {
        return WSGI_WIRE_TOO_LONG;
    }
    return WSGI_WIRE_OK;
}

void wsgi_wire_put_hello(unsigned char out[WSGI_HELLO_FRAME_SIZE],
                         const unsigned char secret[WSGI_SECRET_SIZE])
{
    wsgi_wire_put_frame_header(out, WSGI_FRAME_HELLO, WSGI_HELLO_PAYLOAD);
    wsgi_wire_put16(out + WSGI_FRAME_HEADER_SIZE, WSGI_WIRE_VERSION);
    memcpy(out + WSGI_FRAME_HEADER_SIZE + 2, secret, WSGI_SECRET_SIZE);
}

/* ---- REQUEST_HEAD encoder ---- */

#define HEAD_PREFIX (WSGI_FRAME_HEADER_SIZE + 4)   /* frame header, version, count */

static void reserve(wsgi_request_head *head, apr_size_t extra)
{
    apr_size_t needed = head->length + extra;
    unsigned char *bigger;

    if (needed <= head->capacity) {
        return;
    }
    while (head->capacity < needed) {
        head->capacity *= 2;
    }
    bigger = apr_palloc(head->pool, head->capacity);
    memcpy(bigger, head->data, head->length);
    head->data = bigger;
}

void wsgi_request_head_init(wsgi_request_head *head, apr_pool_t *pool)
{
    head->pool = pool;
    head->capacity = 4096;
    head->data = apr_palloc(pool, head->capacity);
    head->length = HEAD_PREFIX;
    head->count = 0;
}

wsgi_wire_error wsgi_request_head_add(wsgi_request_head *head, const char *key,
                                      const char *value, apr_size_t value_length)
{
    apr_size_t key_length = strlen(key);
    unsigned int id = wsgi_wire_key_id(key, key_length);
    apr_size_t entry_length = (id ? 1 : 3 + key_length) + 4 + value_length;
    unsigned char *p;

    if (head->count >= WSGI_MAX_ENV_ENTRIES) {
        return WSGI_WIRE_TOO_MANY;
    }
    if (key_length == 0 || key_length > WSGI_MAX_KEY_LENGTH) {
        return WSGI_WIRE_BAD_KEY;
    }
    if (value_length > WSGI_MAX_HEAD_PAYLOAD
        || head->length - WSGI_FRAME_HEADER_SIZE + entry_length > WSGI_MAX_HEAD_PAYLOAD) {
        return WSGI_WIRE_TOO_LONG;
    }
    reserve(head, entry_length);
    p = head->data + head->length;
    *p++ = (unsigned char)id;
    if (id == 0) {
        wsgi_wire_put16(p, (apr_uint16_t)key_length);
        memcpy(p + 2, key, key_length);
        p += 2 + key_length;
    }
    wsgi_wire_put32(p, (apr_uint32_t)value_length);
    memcpy(p + 4, value, value_length);
    head->length += entry_length;
    head->count++;
    return WSGI_WIRE_OK;
}

void wsgi_request_head_finish(wsgi_request_head *head)
{
    wsgi_wire_put_frame_header(head->data, WSGI_FRAME_REQUEST_HEAD,
                               (apr_uint32_t)(head->length - WSGI_FRAME_HEADER_SIZE));
    wsgi_wire_put16(head->data + WSGI_FRAME_HEADER_SIZE, WSGI_WIRE_VERSION);
    wsgi_wire_put16(head->data + WSGI_FRAME_HEADER_SIZE + 2, (apr_uint16_t)head->count);
}

/* ---- RESPONSE_HEAD decoder ---- */

/* RFC 9110 tchar. */
static int is_token_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Any control character but HTAB: CR and LF would split the header, and the rest (NUL, ESC,
 * DEL, ...) have no place in a field value (RFC 9110 field-vchar, obs-text allowed). */
static int has_control_character(const unsigned char *p, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f) {
            return 1;
        }
    }
    return 0;
}

/* A bounded reader over one payload. */
typedef struct {
    const unsigned char *p;
    apr_size_t left;
} cursor;

static int take(cursor *c, apr_size_t n, const unsigned char **out)
{
    if (c->left < n) {
        return 0;
    }
    *out = c->p;
    c->p += n;
    c->left -= n;
    return 1;
}

wsgi_wire_error wsgi_wire_parse_response_head(const unsigned char *payload, apr_size_t length,
                                              apr_size_t max_line, apr_pool_t *pool,
                                              wsgi_response_head *head)
{
    cursor c = {payload, length};
    const unsigned char *f;
    apr_size_t reason_length;
    unsigned int i;

    if (max_line == 0) {
        max_line = WSGI_DEFAULT_HEADER_BUFFER_SIZE;
    }
    if (!take(&c, 2, &f)) {
        return WSGI_WIRE_TRUNCATED;
    }
    if (wsgi_wire_get16(f) != WSGI_WIRE_VERSION) {
        return WSGI_WIRE_BAD_VERSION;
    }
    if (!take(&c, 4, &f)) {
        return WSGI_WIRE_TRUNCATED;
    }
    head->status = wsgi_wire_get16(f);
    reason_length = wsgi_wire_get16(f + 2);
    if (head->status < WSGI_MIN_STATUS || head->status > WSGI_MAX_STATUS) {
        return WSGI_WIRE_BAD_STATUS;
    }
    if (reason_length > WSGI_MAX_STATUS_REASON) {
        return WSGI_WIRE_TOO_LONG;
    }
    if (!take(&c, reason_length, &f)) {
        return WSGI_WIRE_TRUNCATED;
    }
    if (has_control_character(f, reason_length)) {
        return WSGI_WIRE_BAD_REASON;
    }
    head->reason = apr_pstrmemdup(pool, (const char *)f, reason_length);
    if (!take(&c, 2, &f)) {
        return WSGI_WIRE_TRUNCATED;
    }
    head->header_count = wsgi_wire_get16(f);
    if (head->header_count > WSGI_MAX_HEADERS) {
        return WSGI_WIRE_TOO_MANY;
    }
    head->headers = apr_pcalloc(pool, sizeof(*head->headers) * (head->header_count + 1));
    for (i = 0; i < head->header_count; i++) {
        const unsigned char *name, *value;
        apr_size_t name_length, value_length, k;

        if (!take(&c, 2, &f)) {
            return WSGI_WIRE_TRUNCATED;
        }
        name_length = wsgi_wire_get16(f);
        if (name_length == 0 || name_length > WSGI_MAX_HEADER_NAME) {
            return WSGI_WIRE_BAD_HEADER_NAME;
        }
        if (!take(&c, name_length, &name) || !take(&c, 4, &f)) {
            return WSGI_WIRE_TRUNCATED;
        }
        for (k = 0; k < name_length; k++) {
            if (!is_token_char(name[k])) {
                return WSGI_WIRE_BAD_HEADER_NAME;
            }
        }
        value_length = wsgi_wire_get32(f);
        if (value_length > c.left) {
            return WSGI_WIRE_TRUNCATED;
        }
        if (name_length + 2 + value_length > max_line) {
            return WSGI_WIRE_HEADER_TOO_LONG;
        }
        take(&c, value_length, &value);
        if (has_control_character(value, value_length)) {
            return WSGI_WIRE_BAD_HEADER_VALUE;
        }
        head->headers[i].name = apr_pstrmemdup(pool, (const char *)name, name_length);
        head->headers[i].value = apr_pstrmemdup(pool, (const char *)value, value_length);
    }
    if (c.left != 0) {
        return WSGI_WIRE_TRAILING_BYTES;
    }
    return WSGI_WIRE_OK;
}

wsgi_wire_error wsgi_wire_parse_hook_result(const unsigned char *payload, apr_size_t length,
                                            apr_pool_t *pool, wsgi_hook_result *result)
{
    cursor c = {payload, length};
    const unsigned char *f;
    unsigned int i;

    if (!take(&c, 3, &f)) {
        return WSGI_WIRE_TRUNCATED;
    }
    result->outcome = f[0];
    result->count = wsgi_wire_get16(f + 1);
    if (result->outcome > WSGI_HOOK_FAILED) {
        return WSGI_WIRE_BAD_OUTCOME;
    }
    if (result->count > WSGI_MAX_HOOK_VALUES) {
        return WSGI_WIRE_TOO_MANY;
    }
    result->values = apr_pcalloc(pool, sizeof(*result->values) * (result->count + 1));
    for (i = 0; i < result->count; i++) {
        apr_size_t value_length;

        if (!take(&c, 2, &f)) {
            return WSGI_WIRE_TRUNCATED;
        }
        value_length = wsgi_wire_get16(f);
        if (value_length > WSGI_MAX_HOOK_VALUE) {
            return WSGI_WIRE_TOO_LONG;
        }
        if (!take(&c, value_length, &f)) {
            return WSGI_WIRE_TRUNCATED;
        }
        if (has_control_character(f, value_length)) {
            return WSGI_WIRE_BAD_HEADER_VALUE;
        }
        result->values[i] = apr_pstrmemdup(pool, (const char *)f, value_length);
    }
    return c.left == 0 ? WSGI_WIRE_OK : WSGI_WIRE_TRAILING_BYTES;
}

wsgi_wire_error wsgi_wire_parse_response_end(const unsigned char *payload, apr_size_t length,
                                             int *aborted)
{
    if (length != 1 || payload[0] > WSGI_END_ABORTED) {
        return WSGI_WIRE_BAD_OUTCOME;
    }
    *aborted = payload[0];
    return WSGI_WIRE_OK;
}

wsgi_wire_error wsgi_wire_check_response_payload(unsigned int type, const unsigned char *payload,
                                                 apr_size_t length, apr_pool_t *pool)
{
    wsgi_response_head head;
    int aborted;

    if (!wsgi_wire_is_response_type(type)) {
        return WSGI_WIRE_UNEXPECTED_FRAME;
    }
    switch (type) {
    case WSGI_FRAME_RESPONSE_HEAD:
        return wsgi_wire_parse_response_head(payload, length, 0, pool, &head);
    case WSGI_FRAME_RESPONSE_BODY:
        return length == 0 ? WSGI_WIRE_EMPTY_BODY : WSGI_WIRE_OK;
    case WSGI_FRAME_RESPONSE_END:
        return wsgi_wire_parse_response_end(payload, length, &aborted);
    case WSGI_FRAME_HOOK_RESULT: {
        wsgi_hook_result result;
        return wsgi_wire_parse_hook_result(payload, length, pool, &result);
    }
    default:
        return WSGI_WIRE_OK;
    }
}
