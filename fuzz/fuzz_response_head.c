/* libFuzzer harness: wsgi_wire_parse_response_head (Sources/mod_wsgi/wsgi_wire.c) and, on success,
 * wsgi_check_response_framing (wsgi_response_rules.c): what decides which bytes of a worker's
 * response head reach Apache's response.
 *
 * Input: 2 bytes of max_line (little-endian; 0 = the default 32768), then the RESPONSE_HEAD
 * payload. The payload ends where libFuzzer's buffer ends, so any read past it is an ASan report.
 * On success every rule of PROTOCOL.md "Response head" is checked again here, independently. */
#include <stdint.h>
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"

#include "wsgi_wire.h"
#include "wsgi_response_rules.h"
#include "fuzz_check.h"

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* No control character but HTAB (a NUL would end the copy early, so it counts too). */
static int is_clean_text(const char *s)
{
    const unsigned char *p;
    for (p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            return 0;
        }
    }
    return 1;
}

static const char *const hop_by_hop[] = {
    "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
    "Upgrade", NULL
};

/* Decimal digits only, no sign or space, at most APR_INT64_MAX; -1 when not a length. */
static apr_off_t spec_content_length(const char *value)
{
    apr_off_t result = 0;
    const char *p;

    if (*value == '\0') {
        return -1;
    }
    for (p = value; *p; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        if (result > (APR_INT64_MAX - (*p - '0')) / 10) {
            return -1;
        }
        result = result * 10 + (*p - '0');
    }
    return result;
}

/* What wsgi_check_response_framing must conclude about a decoded head: 1 when it must refuse it,
 * else 0 with *length the Content-Length (-1 when there is none). */
static int spec_framing(const wsgi_response_head *head, apr_off_t *length)
{
    unsigned int i;
    int lengths = 0, k;

    *length = -1;
    for (i = 0; i < head->header_count; i++) {
        const char *name = head->headers[i].name;
        for (k = 0; hop_by_hop[k]; k++) {
            if (strcasecmp(name, hop_by_hop[k]) == 0) {
                return 1;
            }
        }
        if (strcasecmp(name, "Content-Length") == 0) {
            if (lengths++ > 0) {
                return 1;
            }
            *length = spec_content_length(head->headers[i].value);
            if (*length < 0) {
                return 1;
            }
        }
    }
    return 0;
}

static void check_accepted_head(const unsigned char *payload, apr_size_t length,
                                apr_size_t max_line, const wsgi_response_head *head)
{
    apr_size_t reason_length = (apr_size_t)(payload[4] | (payload[5] << 8));
    apr_size_t consumed;
    unsigned int i;

    FUZZ_CHECK(head->status >= 200 && head->status <= 599);
    FUZZ_CHECK(head->reason != NULL && strlen(head->reason) == reason_length);
    FUZZ_CHECK(reason_length <= 1024);
    FUZZ_CHECK(is_clean_text(head->reason));
    FUZZ_CHECK(head->header_count <= 1024);
    FUZZ_CHECK(head->header_count == 0 || head->headers != NULL);

    consumed = 2 + 2 + 2 + reason_length + 2;
    for (i = 0; i < head->header_count; i++) {
        const char *name = head->headers[i].name;
        const char *value = head->headers[i].value;
        apr_size_t name_length, value_length, k;

        FUZZ_CHECK(name != NULL && value != NULL);
        name_length = strlen(name);
        value_length = strlen(value);
        FUZZ_CHECK(name_length >= 1 && name_length <= 1024);
        for (k = 0; k < name_length; k++) {
            FUZZ_CHECK(is_tchar((unsigned char)name[k]));
        }
        FUZZ_CHECK(is_clean_text(value));
        FUZZ_CHECK(name_length + 2 + value_length <= max_line);
        consumed += 2 + name_length + 4 + value_length;
    }
    /* The fields exactly fill the payload: nothing was skipped or left over. */
    FUZZ_CHECK(consumed == length);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    apr_initialize();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *pool;
    wsgi_response_head head;
    wsgi_wire_error error;
    apr_size_t max_line;
    const unsigned char *payload;
    apr_size_t length;

    if (size < 2) {
        return 0;
    }
    max_line = (apr_size_t)(data[0] | (data[1] << 8));
    payload = data + 2;
    length = size - 2;

    FUZZ_CHECK(apr_pool_create(&pool, NULL) == APR_SUCCESS);
    memset(&head, 0, sizeof(head));
    error = wsgi_wire_parse_response_head(payload, length, max_line, pool, &head);
    FUZZ_CHECK(wsgi_wire_error_code(error) != NULL);

    if (error == WSGI_WIRE_OK) {
        apr_off_t content_length = -2, expected_length;
        const char *why;
        int refuse;

        check_accepted_head(payload, length,
                            max_line == 0 ? WSGI_DEFAULT_HEADER_BUFFER_SIZE : max_line, &head);

        why = wsgi_check_response_framing(&head, &content_length, pool);
        FUZZ_CHECK(content_length == -1 || content_length >= 0);
        refuse = spec_framing(&head, &expected_length);
        FUZZ_CHECK((why != NULL) == refuse);
        if (why != NULL) {
            FUZZ_CHECK(why[0] != '\0');
        }
        else {
            FUZZ_CHECK(content_length == expected_length);
        }
    }
    apr_pool_destroy(pool);
    return 0;
}
