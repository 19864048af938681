/* libFuzzer harness: wsgi_wire_parse_frame_header (Sources/mod_wsgi/wsgi_wire.c), the first thing
 * the module decodes from a worker. The input's first 8 bytes are the header; the rest is unused.
 * The outcome is compared with PROTOCOL.md's frame table, written out again here so the harness
 * does not trust the table it checks. */
#include <stdint.h>
#include <string.h>

#include "apr_general.h"

#include "wsgi_wire.h"
#include "fuzz_check.h"

/* PROTOCOL.md "Frames": the maximum payload of each type, -1 for a type that does not exist. */
static long spec_maximum(unsigned int type)
{
    switch (type) {
    case 0x01: return 1024 * 1024;   /* REQUEST_HEAD */
    case 0x02: return 1024 * 1024;   /* REQUEST_BODY */
    case 0x03: return 0;             /* REQUEST_END */
    case 0x04: return 4096;          /* REQUEST_ABORT */
    case 0x05: return 34;            /* HELLO */
    case 0x81: return 1024 * 1024;   /* RESPONSE_HEAD */
    case 0x82: return 1024 * 1024;   /* RESPONSE_BODY */
    case 0x83: return 1;             /* RESPONSE_END */
    case 0x84: return 65536;         /* HOOK_RESULT */
    case 0x90: return 0;             /* QUEUE_TIMEOUT */
    case 0x91: return 4096;          /* APP_LOAD_FAILED */
    case 0x92: return 0;             /* SHUTTING_DOWN */
    case 0x93: return 0;             /* REQUEST_TIMEOUT */
    case 0x94: return 0;             /* SCRIPT_RELOADED */
    case 0x9F: return 4096;          /* ERROR */
    default: return -1;
    }
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
    unsigned char *in;
    unsigned char again[WSGI_FRAME_HEADER_SIZE];
    wsgi_frame_header header;
    wsgi_wire_error error, expected;
    apr_uint32_t length;
    long maximum;

    if (size < WSGI_FRAME_HEADER_SIZE) {
        return 0;
    }
    /* Exactly 8 bytes on the heap, so reading a ninth is an ASan report. */
    in = malloc(WSGI_FRAME_HEADER_SIZE);
    FUZZ_CHECK(in != NULL);
    memcpy(in, data, WSGI_FRAME_HEADER_SIZE);

    memset(&header, 0xA5, sizeof(header));
    error = wsgi_wire_parse_frame_header(in, &header);

    /* Type and length are filled in whatever the verdict: the caller logs them. */
    length = (apr_uint32_t)in[4] | ((apr_uint32_t)in[5] << 8) | ((apr_uint32_t)in[6] << 16)
             | ((apr_uint32_t)in[7] << 24);
    FUZZ_CHECK(header.type == in[0]);
    FUZZ_CHECK(header.length == length);

    /* The order of the checks is the one both decoders share: type, flags and reserved, length. */
    maximum = spec_maximum(in[0]);
    if (maximum < 0) {
        expected = WSGI_WIRE_UNKNOWN_TYPE;
    }
    else if (in[1] != 0 || in[2] != 0 || in[3] != 0) {
        expected = WSGI_WIRE_RESERVED_BITS;
    }
    else if (length > (apr_uint32_t)maximum) {
        expected = WSGI_WIRE_TOO_LONG;
    }
    else {
        expected = WSGI_WIRE_OK;
    }
    FUZZ_CHECK(error == expected);
    FUZZ_CHECK(wsgi_wire_error_code(error) != NULL && wsgi_wire_error_text(error) != NULL);

    if (maximum >= 0) {
        /* Direction: 0x81 and above come from the worker (ERROR goes both ways). */
        FUZZ_CHECK(wsgi_wire_is_response_type(in[0]) == (in[0] >= 0x81));
        FUZZ_CHECK(strcmp(wsgi_wire_type_name(in[0]), "unknown") != 0);
    }
    else {
        FUZZ_CHECK(strcmp(wsgi_wire_type_name(in[0]), "unknown") == 0);
    }

    if (error == WSGI_WIRE_OK) {
        /* A header that parses is canonical: encoding it again gives the same bytes. */
        wsgi_wire_put_frame_header(again, header.type, header.length);
        FUZZ_CHECK(memcmp(again, in, WSGI_FRAME_HEADER_SIZE) == 0);
    }
    free(in);
    return 0;
}
