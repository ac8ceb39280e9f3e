/* Shared by the core's C unit tests: cmocka, and a setup/teardown pair that fails any test which
 * leaves a file descriptor open (as libuv's tests prove nothing leaked). */
#ifndef CSK_TEST_HARNESS_H
#define CSK_TEST_HARNESS_H

#include "platform.h"
#include "csk.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

static inline int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (d == NULL) {
        return -1;
    }
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n;
}

static int fds_setup(void **state)
{
    *state = (void *)(intptr_t)count_open_fds();
    return 0;
}

static int fds_teardown(void **state)
{
    assert_int_equal(count_open_fds(), (int)(intptr_t)*state);
    return 0;
}

#define CSK_TEST(fn) cmocka_unit_test_setup_teardown(fn, fds_setup, fds_teardown)

static inline int64_t ms_since(int64_t start_ns)
{
    return (csk_now_ns() - start_ns) / 1000000;
}

#endif
