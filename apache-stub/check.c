/* The test runner behind check.h. */
#include "check.h"

int check_current_failed;

void check_fail(const char *file, int line, const char *what, const char *detail)
{
    check_current_failed = 1;
    fprintf(stderr, "    %s:%d: check failed: %s%s%s\n", file, line, what, detail ? ": " : "",
            detail ? detail : "");
}

int check_run(const test_case *tests, int count, const char *filter, int *passed)
{
    int failed = 0, i;

    for (i = 0; i < count; i++) {
        if (filter && strstr(tests[i].name, filter) == NULL) {
            continue;
        }
        check_current_failed = 0;
        tests[i].run();
        printf("%s %s\n", check_current_failed ? "FAIL" : "ok  ", tests[i].name);
        fflush(stdout);
        if (check_current_failed) {
            failed++;
        }
        else {
            ++*passed;
        }
    }
    return failed;
}
