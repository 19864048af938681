/* libFuzzer harness: wsgi_wire_check_response_payload (Sources/mod_wsgi/wsgi_wire.c), the payload
 * check wsgi_daemon_read_frame applies to every frame a worker sends.
 *
 * Input: 1 byte choosing the frame type (itself when it is a known type, else one of the known
 * types by index), then the payload, which ends where libFuzzer's buffer ends (ASan sees any read
 * past it). The verdict is compared with PROTOCOL.md's rules for each type. */
#include <stdint.h>
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"

#include "wsgi_wire.h"
#include "fuzz_check.h"

static const unsigned int known_types[] = {
    WSGI_FRAME_REQUEST_HEAD, WSGI_FRAME_REQUEST_BODY, WSGI_FRAME_REQUEST_END,
    WSGI_FRAME_REQUEST_ABORT, WSGI_FRAME_HELLO, WSGI_FRAME_RESPONSE_HEAD,
    WSGI_FRAME_RESPONSE_BODY, WSGI_FRAME_RESPONSE_END, WSGI_FRAME_HOOK_RESULT,
    WSGI_FRAME_QUEUE_TIMEOUT,
    WSGI_FRAME_APP_LOAD_FAILED, WSGI_FRAME_SHUTTING_DOWN, WSGI_FRAME_REQUEST_TIMEOUT,
    WSGI_FRAME_SCRIPT_RELOADED, WSGI_FRAME_ERROR,
};
#define KNOWN_TYPE_COUNT (sizeof(known_types) / sizeof(known_types[0]))

static unsigned int pick_type(unsigned char selector)
{
    apr_size_t i;
    for (i = 0; i < KNOWN_TYPE_COUNT; i++) {
        if (known_types[i] == selector) {
            return selector;
        }
    }
    return known_types[selector % KNOWN_TYPE_COUNT];
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
    wsgi_wire_error error, expected;
    unsigned int type;
    const unsigned char *payload;
    apr_size_t length;

    if (size < 1) {
        return 0;
    }
    type = pick_type(data[0]);
    payload = data + 1;
    length = size - 1;

    FUZZ_CHECK(apr_pool_create(&pool, NULL) == APR_SUCCESS);
    error = wsgi_wire_check_response_payload(type, payload, length, pool);

    switch (type) {
    case WSGI_FRAME_RESPONSE_HEAD:
        /* The stream check uses the default line limit, whichever way it is asked for. */
        expected = wsgi_wire_parse_response_head(payload, length, WSGI_DEFAULT_HEADER_BUFFER_SIZE,
                                                 pool, &head);
        break;
    case WSGI_FRAME_RESPONSE_BODY:
        expected = length == 0 ? WSGI_WIRE_EMPTY_BODY : WSGI_WIRE_OK;
        break;
    case WSGI_FRAME_RESPONSE_END:
        expected = (length == 1 && payload[0] <= WSGI_END_ABORTED) ? WSGI_WIRE_OK
                                                                   : WSGI_WIRE_BAD_OUTCOME;
        break;
    case WSGI_FRAME_HOOK_RESULT:
        expected = (wsgi_wire_error)spec_hook_result(payload, length);
        break;
    case WSGI_FRAME_QUEUE_TIMEOUT:
    case WSGI_FRAME_APP_LOAD_FAILED:
    case WSGI_FRAME_SHUTTING_DOWN:
    case WSGI_FRAME_REQUEST_TIMEOUT:
    case WSGI_FRAME_SCRIPT_RELOADED:
    case WSGI_FRAME_ERROR:
        /* Their lengths are the frame header's business; any payload bytes are fine here. */
        expected = WSGI_WIRE_OK;
        break;
    default:
        /* The module's own frame types never come from a worker. */
        expected = WSGI_WIRE_UNEXPECTED_FRAME;
        break;
    }
    FUZZ_CHECK(error == expected);
    if (type == WSGI_FRAME_RESPONSE_END && error == WSGI_WIRE_OK) {
        int aborted = -1;
        FUZZ_CHECK(wsgi_wire_parse_response_end(payload, length, &aborted) == WSGI_WIRE_OK);
        FUZZ_CHECK(aborted == payload[0]);
    }
    apr_pool_destroy(pool);
    return 0;
}
