/* The test suites run by run_tests.c. */
#ifndef TESTS_H
#define TESTS_H

#include "check.h"

extern const test_case wire_tests[];
extern const int wire_test_count;
extern const test_case environ_tests[];
extern const int environ_test_count;
extern const test_case handler_tests[];
extern const int handler_test_count;
extern const test_case worker_failure_tests[];
extern const int worker_failure_test_count;
extern const test_case trust_tests[];
extern const int trust_test_count;
extern const test_case proxy_header_tests[];
extern const int proxy_header_test_count;
extern const test_case real_worker_tests[];
extern const int real_worker_test_count;

#endif
