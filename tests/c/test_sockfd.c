/* Descriptors (src/core/sockfd.c); the per-thread receive buffer has its own, test_scratch.c. */
#include "harness.h"

static void assert_cloexec(int fd)
{
    assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

static void test_new_descriptors_are_close_on_exec(void **state)
{
    (void)state;
    int fd = csk_socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_cloexec(fd);
    int copy = csk_dup(fd);
    assert_true(copy >= 0 && copy != fd);
    assert_cloexec(copy);
    int fds[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
    assert_cloexec(fds[0]);
    assert_cloexec(fds[1]);
    assert_int_equal(csk_sock_family(fds[0]), AF_UNIX);
    assert_int_equal(csk_sock_family(fd), AF_INET);
    int type = 0;
    assert_int_equal(csk_getsockopt_int(fds[1], SOL_SOCKET, SO_TYPE, &type), 0);
    assert_int_equal(type, SOCK_DGRAM);
    csk_close(fds[0]);
    csk_close(fds[1]);
    csk_close(copy);
    csk_close(fd);
}

static void test_errors_are_negative_errno(void **state)
{
    (void)state;
    assert_int_equal(csk_socket(-1, SOCK_STREAM, 0), -EAFNOSUPPORT);
    assert_int_equal(csk_close(-1), -EBADF);
    assert_int_equal(csk_dup(-1), -EBADF);
    assert_int_equal(csk_set_nonblocking(-1, 1), -EBADF);
    assert_int_equal(csk_sock_family(0 /* stdin: not a socket, or closed */) < 0, 1);
}

static void test_nonblocking_switch(void **state)
{
    (void)state;
    int fd = csk_socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(csk_is_nonblocking(fd), 0);
    assert_int_equal(csk_set_nonblocking(fd, 1), 0);
    assert_int_equal(csk_is_nonblocking(fd), 1);
    assert_int_equal(csk_set_nonblocking(fd, 0), 0);
    assert_int_equal(csk_is_nonblocking(fd), 0);
    csk_close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_new_descriptors_are_close_on_exec),
        CSK_TEST(test_errors_are_negative_errno),
        CSK_TEST(test_nonblocking_switch),
    };
    return cmocka_run_group_tests_name("sockfd", tests, NULL, NULL);
}
