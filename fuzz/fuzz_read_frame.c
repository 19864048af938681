/* libFuzzer harness: wsgi_daemon_read_frame (Sources/mod_wsgi/wsgi_daemon_socket.c), the module
 * reassembling a worker's frames from a byte stream that arrives in arbitrary pieces.
 *
 * Input: 1 control byte, 3 bytes of piece sizes, then the stream. The socket reads through a
 * scripted receive (sock->receive) that hands the stream out in pieces of those sizes (0 = as
 * much as asked; control bit 2 multiplies them by 64 to reach the read-ahead buffer's edges),
 * then ends with the status control bits 0-1 pick: APR_EOF, APR_TIMEUP or ECONNRESET.
 *
 * Frames are read until the result is not WSGI_READ_FRAME. Each result is compared with what
 * PROTOCOL.md says of the bytes at that point of the stream, and every frame read must carry
 * exactly the stream's bytes, whatever the split. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"

#include "wsgi_wire.h"
#include "wsgi_daemon_socket.h"
#include "fuzz_check.h"

typedef struct {
    const unsigned char *data;
    apr_size_t length;
    apr_size_t offset;
    unsigned char pieces[3];
    apr_size_t scale;
    unsigned int calls;
    apr_status_t end;
} script;

static apr_status_t scripted_receive(wsgi_daemon_socket *sock, void *out, apr_size_t n,
                                     apr_size_t *received)
{
    script *s = sock->receive_context;
    apr_size_t left = s->length - s->offset;
    apr_size_t give;

    FUZZ_CHECK(n > 0);
    if (left == 0) {
        return s->end;
    }
    give = s->pieces[s->calls++ % 3] * s->scale;
    if (give == 0 || give > n) {
        give = n;
    }
    if (give > left) {
        give = left;
    }
    memcpy(out, s->data + s->offset, give);
    s->offset += give;
    *received = give;
    return APR_SUCCESS;
}

/* PROTOCOL.md "Frames": the maximum payload of each type, -1 for a type that does not exist. */
static long spec_maximum(unsigned int type)
{
    switch (type) {
    case 0x01: case 0x02: case 0x81: case 0x82: return 1024 * 1024;
    case 0x04: case 0x91: case 0x9F: return 4096;
    case 0x05: return 34;
    case 0x83: return 1;
    case 0x84: return 65536;
    case 0x03: case 0x90: case 0x92: case 0x93: case 0x94: return 0;
    default: return -1;
    }
}

/* What reading a frame from these remaining stream bytes must give. */
static wsgi_read_result spec_read(const unsigned char *p, apr_size_t left,
                                  wsgi_read_result ended, wsgi_wire_error *error)
{
    apr_uint32_t length;
    long maximum;

    *error = WSGI_WIRE_OK;
    if (left < WSGI_FRAME_HEADER_SIZE) {
        return ended;
    }
    length = (apr_uint32_t)p[4] | ((apr_uint32_t)p[5] << 8) | ((apr_uint32_t)p[6] << 16)
             | ((apr_uint32_t)p[7] << 24);
    maximum = spec_maximum(p[0]);
    if (maximum < 0) {
        *error = WSGI_WIRE_UNKNOWN_TYPE;
    }
    else if (p[1] != 0 || p[2] != 0 || p[3] != 0) {
        *error = WSGI_WIRE_RESERVED_BITS;
    }
    else if (length > (apr_uint32_t)maximum) {
        *error = WSGI_WIRE_TOO_LONG;
    }
    else if (p[0] < 0x81) {
        *error = WSGI_WIRE_UNEXPECTED_FRAME;
    }
    if (*error != WSGI_WIRE_OK) {
        return WSGI_READ_INVALID;
    }
    if (left - WSGI_FRAME_HEADER_SIZE < length) {
        return ended;
    }
    if (p[0] == WSGI_FRAME_RESPONSE_BODY && length == 0) {
        *error = WSGI_WIRE_EMPTY_BODY;
    }
    else if (p[0] == WSGI_FRAME_RESPONSE_END && (length != 1 || p[8] > WSGI_END_ABORTED)) {
        *error = WSGI_WIRE_BAD_OUTCOME;
    }
    else if (p[0] == WSGI_FRAME_HOOK_RESULT) {
        *error = (wsgi_wire_error)spec_hook_result(p + WSGI_FRAME_HEADER_SIZE, length);
    }
    return *error == WSGI_WIRE_OK ? WSGI_READ_FRAME : WSGI_READ_INVALID;
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
    static const apr_status_t ends[4] = {APR_EOF, APR_TIMEUP, APR_FROM_OS_ERROR(ECONNRESET),
                                         APR_EOF};
    static const wsgi_read_result ended_as[4] = {WSGI_READ_EOF, WSGI_READ_TIMEOUT,
                                                 WSGI_READ_IO_ERROR, WSGI_READ_EOF};
    apr_pool_t *pool;
    wsgi_daemon_socket *sock;
    wsgi_frame frame = {{0, 0}, NULL, 0};
    script s;
    apr_size_t position = 0;

    if (size < 4) {
        return 0;
    }
    memset(&s, 0, sizeof(s));
    s.end = ends[data[0] & 3];
    s.scale = (data[0] & 4) ? 64 : 1;
    memcpy(s.pieces, data + 1, 3);
    s.data = data + 4;
    s.length = size - 4;

    FUZZ_CHECK(apr_pool_create(&pool, NULL) == APR_SUCCESS);
    /* On the heap and exactly its size: the read-ahead buffer is the last member, so writing past
     * it is an ASan report. */
    sock = calloc(1, sizeof(*sock));
    FUZZ_CHECK(sock != NULL);
    sock->fd = -1;
    sock->timeout = 0;
    sock->receive = scripted_receive;
    sock->receive_context = &s;

    for (;;) {
        apr_status_t rv = APR_SUCCESS;
        wsgi_wire_error error = WSGI_WIRE_OK, expected_error;
        wsgi_read_result result, expected;
        const unsigned char *at = s.data + position;

        result = wsgi_daemon_read_frame(sock, pool, &frame, &rv, &error);
        expected = spec_read(at, s.length - position, ended_as[data[0] & 3], &expected_error);
        FUZZ_CHECK(result == expected);
        FUZZ_CHECK(error == expected_error);
        FUZZ_CHECK(sock->start <= sock->end && sock->end <= sizeof(sock->buffer));
        if (result != WSGI_READ_FRAME) {
            if (result != WSGI_READ_INVALID) {
                FUZZ_CHECK(rv == s.end);
            }
            break;
        }

        /* The frame is the stream's next bytes, however they were split. */
        FUZZ_CHECK(frame.header.type == at[0]);
        FUZZ_CHECK(frame.header.length == wsgi_wire_get32(at + 4));
        FUZZ_CHECK((long)frame.header.length <= spec_maximum(frame.header.type));
        FUZZ_CHECK(frame.capacity >= frame.header.length);
        if (frame.header.length > 0) {
            FUZZ_CHECK(frame.payload != NULL);
            FUZZ_CHECK(memcmp(frame.payload, at + WSGI_FRAME_HEADER_SIZE,
                              frame.header.length) == 0);
        }
        /* Whatever is buffered is exactly the stream's following bytes. */
        FUZZ_CHECK(s.offset - (sock->end - sock->start)
                   == position + WSGI_FRAME_HEADER_SIZE + frame.header.length);
        if (sock->end > sock->start) {
            FUZZ_CHECK(memcmp(sock->buffer + sock->start,
                              at + WSGI_FRAME_HEADER_SIZE + frame.header.length,
                              sock->end - sock->start) == 0);
        }
        FUZZ_CHECK(wsgi_daemon_readable_within(sock, 0) == (sock->end > sock->start));

        if (frame.header.type == WSGI_FRAME_RESPONSE_HEAD) {
            /* The payload buffer is pool memory, where ASan cannot see a read past the end: the
             * head is decoded from an exact heap copy instead, as the module decodes it. */
            unsigned char *copy = malloc(frame.header.length ? frame.header.length : 1);
            wsgi_response_head head;
            FUZZ_CHECK(copy != NULL);
            if (frame.header.length > 0) {
                memcpy(copy, frame.payload, frame.header.length);
            }
            (void)wsgi_wire_parse_response_head(copy, frame.header.length, 0, pool, &head);
            free(copy);
        }
        position += WSGI_FRAME_HEADER_SIZE + frame.header.length;
    }
    free(sock);
    apr_pool_destroy(pool);
    return 0;
}
