/* Shared by the C harnesses. A broken invariant must stop libFuzzer the way a sanitizer does, so
 * that the input is saved as a crash artifact: print what failed, then abort(). */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "wsgi_wire.h"

#define FUZZ_CHECK(condition)                                                             \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* PROTOCOL.md "Hooks", written independently of wsgi_wire.c: what a HOOK_RESULT payload must
 * decode to (a wsgi_wire_error), checking in the order the fields come. */
static inline int spec_hook_result(const unsigned char *p, size_t length)
{
    size_t at = 3, count, i;

    if (length < 3) {
        return WSGI_WIRE_TRUNCATED;
    }
    if (p[0] > 4) {
        return WSGI_WIRE_BAD_OUTCOME;
    }
    count = (size_t)p[1] | ((size_t)p[2] << 8);
    if (count > 1024) {
        return WSGI_WIRE_TOO_MANY;
    }
    for (i = 0; i < count; i++) {
        size_t value_length, k;
        if (length - at < 2) {
            return WSGI_WIRE_TRUNCATED;
        }
        value_length = (size_t)p[at] | ((size_t)p[at + 1] << 8);
        at += 2;
        if (value_length > 4096) {
            return WSGI_WIRE_TOO_LONG;
        }
        if (length - at < value_length) {
            return WSGI_WIRE_TRUNCATED;
        }
        for (k = 0; k < value_length; k++) {
            unsigned char c = p[at + k];
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return WSGI_WIRE_BAD_HEADER_VALUE;
            }
        }
        at += value_length;
    }
    return at == length ? WSGI_WIRE_OK : WSGI_WIRE_TRAILING_BYTES;
}

#endif
