/* A very small test runner: TEST functions, CHECK assertions, a final "N passed, N failed". */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

typedef void (*test_function)(void);

typedef struct test_case {
    const char *name;
    test_function run;
} test_case;

/* Set by CHECK when an assertion in the running test fails. */
extern int check_current_failed;

void check_fail(const char *file, int line, const char *what, const char *detail);

#define CHECK(condition)                                                   \
    do {                                                                   \
        if (!(condition)) {                                                \
            check_fail(__FILE__, __LINE__, #condition, NULL);              \
        }                                                                  \
    } while (0)

#define CHECK_INT(actual, expected)                                        \
    do {                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);    \
        if (a_ != e_) {                                                    \
            char d_[96];                                                   \
            snprintf(d_, sizeof(d_), "got %lld, expected %lld", a_, e_);   \
            check_fail(__FILE__, __LINE__, #actual, d_);                   \
        }                                                                  \
    } while (0)

#define CHECK_STR(actual, expected)                                        \
    do {                                                                   \
        const char *a_ = (actual), *e_ = (expected);                       \
        if (a_ == NULL || strcmp(a_, e_) != 0) {                           \
            char d_[512];                                                  \
            snprintf(d_, sizeof(d_), "got \"%.200s\", expected \"%.200s\"", \
                     a_ ? a_ : "(null)", e_);                              \
            check_fail(__FILE__, __LINE__, #actual, d_);                   \
        }                                                                  \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                   \
    do {                                                                   \
        const char *h_ = (haystack), *n_ = (needle);                       \
        if (h_ == NULL || strstr(h_, n_) == NULL) {                        \
            char d_[768];                                                  \
            snprintf(d_, sizeof(d_), "\"%.500s\" does not contain \"%.200s\"", \
                     h_ ? h_ : "(null)", n_);                              \
            check_fail(__FILE__, __LINE__, #haystack, d_);                 \
        }                                                                  \
    } while (0)

/* Runs the tests whose name contains filter (NULL = all); returns the number that failed. */
int check_run(const test_case *tests, int count, const char *filter, int *passed);

#endif
