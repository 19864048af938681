/* Runs every C test of the module's request path; the last line is "N passed, N failed".
 * Usage: run_tests [FILTER]  (runs the tests whose name contains FILTER). With WSGI_TEST_SOCKET
 * and WSGI_TEST_SCRIPT set, also runs the handler against that real worker. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "apr_general.h"

#include "tests.h"

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;

    signal(SIGPIPE, SIG_IGN);   /* as in httpd children */
    apr_initialize();
    failed += check_run(wire_tests, wire_test_count, filter, &passed);
    failed += check_run(environ_tests, environ_test_count, filter, &passed);
    failed += check_run(handler_tests, handler_test_count, filter, &passed);
    failed += check_run(worker_failure_tests, worker_failure_test_count, filter, &passed);
    failed += check_run(trust_tests, trust_test_count, filter, &passed);
    failed += check_run(proxy_header_tests, proxy_header_test_count, filter, &passed);
    if (getenv("WSGI_TEST_SOCKET") && getenv("WSGI_TEST_SCRIPT")) {
        failed += check_run(real_worker_tests, real_worker_test_count, filter, &passed);
    }
    else {
        printf("skip real worker tests (set WSGI_TEST_SOCKET and WSGI_TEST_SCRIPT)\n");
    }
    apr_terminate();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
