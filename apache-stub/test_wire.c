/* The wire codec against protocol/vectors/: every valid vector decodes and re-encodes to the
 * same bytes; every invalid one is rejected with the error code the manifest names. */
#include <stdio.h>
#include <stdlib.h>

#include "apr_file_io.h"
#include "apr_strings.h"

#include "check.h"
#include "tests.h"
#include "wire_mirror.h"

#ifndef VECTOR_DIR
#define VECTOR_DIR "../protocol/vectors"
#endif

/* Re-encodes one decoded frame with the module's encoder (requests) or the mirror (responses). */
static void reencode(mirror_bytes *out, const wsgi_frame_header *h, const unsigned char *payload,
                     apr_pool_t *pool)
{
    if (h->type == WSGI_FRAME_REQUEST_HEAD) {
        apr_table_t *environ;
        const apr_array_header_t *entries;
        const apr_table_entry_t *e;
        wsgi_request_head head;
        int i;

        mirror_parse_request_head(payload, h->length, pool, &environ);
        entries = apr_table_elts(environ);
        e = (const apr_table_entry_t *)entries->elts;
        wsgi_request_head_init(&head, pool);
        for (i = 0; i < entries->nelts; i++) {
            wsgi_request_head_add(&head, e[i].key, e[i].val, strlen(e[i].val));
        }
        wsgi_request_head_finish(&head);
        mirror_bytes_append(out, head.data, head.length);
    }
    else if (h->type == WSGI_FRAME_RESPONSE_HEAD) {
        wsgi_response_head head;
        wsgi_wire_parse_response_head(payload, h->length, 0, pool, &head);
        mirror_response_head_from(out, &head);
    }
    else {
        mirror_frame(out, h->type, payload, h->length);
    }
}

/* Decodes a stream frame by frame, as the receiving side would. */
static wsgi_wire_error decode_stream(int is_request, const unsigned char *data, apr_size_t length,
                                     apr_pool_t *pool, mirror_bytes *reencoded)
{
    apr_size_t at = 0;

    while (at < length) {
        wsgi_frame_header h;
        wsgi_wire_error error;
        const unsigned char *payload;

        if (length - at < WSGI_FRAME_HEADER_SIZE) {
            return WSGI_WIRE_TRUNCATED;
        }
        error = wsgi_wire_parse_frame_header(data + at, &h);
        if (error != WSGI_WIRE_OK) {
            return error;
        }
        if (length - at - WSGI_FRAME_HEADER_SIZE < h.length) {
            return WSGI_WIRE_TRUNCATED;
        }
        payload = data + at + WSGI_FRAME_HEADER_SIZE;
        error = is_request ? mirror_check_request_payload(h.type, payload, h.length, pool)
                           : wsgi_wire_check_response_payload(h.type, payload, h.length, pool);
        if (error != WSGI_WIRE_OK) {
            return error;
        }
        reencode(reencoded, &h, payload, pool);
        at += WSGI_FRAME_HEADER_SIZE + h.length;
    }
    return WSGI_WIRE_OK;
}

static void check_vector(apr_pool_t *pool, const char *name, const char *direction,
                         const char *expected)
{
    const char *path = apr_psprintf(pool, "%s/%s.bin", VECTOR_DIR, name);
    apr_file_t *file;
    apr_finfo_t info;
    unsigned char *data;
    apr_size_t length;
    mirror_bytes reencoded;
    wsgi_wire_error error;
    char detail[256];

    if (apr_file_open(&file, path, APR_FOPEN_READ, 0, pool) != APR_SUCCESS
        || apr_file_info_get(&info, APR_FINFO_SIZE, file) != APR_SUCCESS) {
        check_fail(__FILE__, __LINE__, path, "cannot read the vector file");
        return;
    }
    length = (apr_size_t)info.size;
    data = apr_palloc(pool, length + 1);
    apr_file_read_full(file, data, length, &length);
    apr_file_close(file);

    mirror_bytes_init(&reencoded, pool);
    error = decode_stream(strcmp(direction, "request") == 0, data, length, pool, &reencoded);
    if (strcmp(wsgi_wire_error_code(error), strcmp(expected, "valid") == 0 ? "ok" : expected)) {
        snprintf(detail, sizeof(detail), "decoded as %s, manifest says %s",
                 wsgi_wire_error_code(error), expected);
        check_fail(__FILE__, __LINE__, name, detail);
        return;
    }
    if (error == WSGI_WIRE_OK
        && (reencoded.length != length || memcmp(reencoded.data, data, length) != 0)) {
        check_fail(__FILE__, __LINE__, name, "re-encoding does not give the same bytes");
    }
}

static void test_vectors_match_manifest(void)
{
    apr_pool_t *pool;
    char line[512];
    int valid = 0, invalid = 0;
    FILE *manifest = fopen(VECTOR_DIR "/manifest.tsv", "r");

    CHECK(manifest != NULL);
    if (manifest == NULL) {
        return;
    }
    apr_pool_create(&pool, NULL);
    while (fgets(line, sizeof(line), manifest)) {
        char *name, *direction, *expected, *state;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        name = apr_strtok(line, "\t\n", &state);
        direction = apr_strtok(NULL, "\t\n", &state);
        expected = apr_strtok(NULL, "\t\n", &state);
        CHECK(name && direction && expected);
        if (!(name && direction && expected)) {
            continue;
        }
        check_vector(pool, name, direction, expected);
        if (strcmp(expected, "valid") == 0) {
            valid++;
        }
        else {
            invalid++;
        }
    }
    fclose(manifest);
    apr_pool_destroy(pool);
    CHECK(valid >= 15);
    CHECK(invalid >= 25);
}

static void test_key_ids_round_trip(void)
{
    unsigned int id;
    for (id = 1; id <= WSGI_KEY_COUNT; id++) {
        const char *name = wsgi_wire_key_name(id);
        CHECK_INT(wsgi_wire_key_id(name, strlen(name)), id);
    }
    CHECK(wsgi_wire_key_name(0) == NULL);
    CHECK(wsgi_wire_key_name(WSGI_KEY_COUNT + 1) == NULL);
    CHECK_INT(wsgi_wire_key_id("REQUEST", 7), 0);
    CHECK_INT(wsgi_wire_key_id("REQUEST_METHODS", 15), 0);
    CHECK_INT(wsgi_wire_key_id("request_method", 14), 0);
}

static void test_request_head_limits(void)
{
    apr_pool_t *pool;
    wsgi_request_head head;
    char *big;
    char key[1100];
    int i;

    apr_pool_create(&pool, NULL);
    wsgi_request_head_init(&head, pool);
    for (i = 0; i < WSGI_MAX_ENV_ENTRIES; i++) {
        char *k = apr_psprintf(pool, "K%d", i);
        CHECK_INT(wsgi_request_head_add(&head, k, "", 0), WSGI_WIRE_OK);
    }
    CHECK_INT(wsgi_request_head_add(&head, "ONE_MORE", "", 0), WSGI_WIRE_TOO_MANY);

    wsgi_request_head_init(&head, pool);
    memset(key, 'K', sizeof(key));
    key[1025] = '\0';
    CHECK_INT(wsgi_request_head_add(&head, key, "v", 1), WSGI_WIRE_BAD_KEY);
    key[1024] = '\0';
    CHECK_INT(wsgi_request_head_add(&head, key, "v", 1), WSGI_WIRE_OK);
    CHECK_INT(wsgi_request_head_add(&head, "", "v", 1), WSGI_WIRE_BAD_KEY);

    big = apr_palloc(pool, WSGI_MAX_HEAD_PAYLOAD);
    memset(big, 'v', WSGI_MAX_HEAD_PAYLOAD);
    CHECK_INT(wsgi_request_head_add(&head, "BIG", big, WSGI_MAX_HEAD_PAYLOAD), WSGI_WIRE_TOO_LONG);
    CHECK_INT(head.count, 1);
    apr_pool_destroy(pool);
}

static void test_header_line_limit_is_configurable(void)
{
    apr_pool_t *pool;
    mirror_bytes b;
    wsgi_response_head head;
    const char *exact[] = {"X-Name", "123456789012", NULL};   /* 6 + 2 + 12 = 20 */
    const unsigned char *payload;

    apr_pool_create(&pool, NULL);
    mirror_bytes_init(&b, pool);
    mirror_response_head(&b, 200, "OK", exact);
    payload = b.data + WSGI_FRAME_HEADER_SIZE;
    CHECK_INT(wsgi_wire_parse_response_head(payload, b.length - 8, 20, pool, &head),
              WSGI_WIRE_OK);
    CHECK_STR(head.headers[0].value, "123456789012");
    CHECK_INT(wsgi_wire_parse_response_head(payload, b.length - 8, 19, pool, &head),
              WSGI_WIRE_HEADER_TOO_LONG);
    apr_pool_destroy(pool);
}

const test_case wire_tests[] = {
    {"wire: vectors decode as the manifest says and round-trip", test_vectors_match_manifest},
    {"wire: well-known key ids round-trip, near misses are spelled out", test_key_ids_round_trip},
    {"wire: request head encoder enforces entry, key and size limits", test_request_head_limits},
    {"wire: header line limit follows header-buffer-size", test_header_line_limit_is_configurable},
};
const int wire_test_count = sizeof(wire_tests) / sizeof(wire_tests[0]);
