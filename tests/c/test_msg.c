/* Messages with ancillary data (src/core/msg.c) on real sockets: CMSG_LEN/CMSG_SPACE and their
 * limit, laying out a control buffer and walking it back, descriptors passed with SCM_RIGHTS
 * through the sendmsg/recvmsg attempts, a control buffer cut short, and closing what arrived.
 * The walker against random buffers: tests/python/test_cmsg_walker.py and fuzz/fuzz_cmsg.c. */
#include "harness.h"

#include <limits.h>
#include <string.h>
#include <sys/uio.h>

static void test_lengths_match_the_libc_macros(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 3, 4, 7, 8, 16, 100, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t len = 0, space = 0;
        assert_int_equal(csk_cmsg_len(sizes[i], &len), 0);
        assert_int_equal(csk_cmsg_space(sizes[i], &space), 0);
        assert_int_equal(len, CMSG_LEN(sizes[i]));
        assert_int_equal(space, CMSG_SPACE(sizes[i]));
    }
    size_t out = 0;
    assert_int_equal(csk_cmsg_len(CSK_CONTROL_LIMIT, &out), -EOVERFLOW);
    assert_int_equal(csk_cmsg_space(CSK_CONTROL_LIMIT - 1, &out), -EOVERFLOW);
    assert_int_equal(csk_cmsg_len((size_t)-1, &out), -EOVERFLOW);
}

static void test_build_then_walk_back(void **state)
{
    (void)state;
    int one = 1;
    const char text[] = "abc";
    csk_cmsg items[] = {{SOL_SOCKET, SCM_RIGHTS, &one, sizeof one},
                        {IPPROTO_IP, 1, text, 3},
                        {SOL_SOCKET, 2, NULL, 0}};
    unsigned char buf[256];
    memset(buf, 0xAA, sizeof buf);
    ssize_t used = csk_cmsg_build(buf, sizeof buf, items, 3);
    assert_int_equal(used, CMSG_SPACE(sizeof one) + CMSG_SPACE(3) + CMSG_SPACE(0));
    csk_cmsg_walk w;
    csk_cmsg_item item;
    csk_cmsg_walk_init(&w, buf, (size_t)used);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(csk_cmsg_next(&w, &item), CSK_CMSG_OK);
        assert_int_equal(item.level, items[i].level);
        assert_int_equal(item.type, items[i].type);
        assert_int_equal(item.len, items[i].len);
        if (items[i].len > 0) {
            assert_memory_equal(item.data, items[i].data, items[i].len);
        }
    }
    assert_int_equal(csk_cmsg_next(&w, &item), CSK_CMSG_END);
    /* One byte short of the last item's space: nothing is written past cap. */
    assert_int_equal(csk_cmsg_build(buf, (size_t)used - 1, items, 3), -EMSGSIZE);
}

/* sendmsg with `fd` in SCM_RIGHTS and one byte of data; returns what the attempt returned. */
static ssize_t send_fd(int sock, int fd)
{
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    unsigned char control[CMSG_SPACE(sizeof(int))];
    csk_cmsg item = {SOL_SOCKET, SCM_RIGHTS, &fd, sizeof fd};
    ssize_t used = csk_cmsg_build(control, sizeof control, &item, 1);
    assert_true(used > 0);
    csk_msg m = {.flags = 0};
    m.hdr.msg_iov = &iov;
    m.hdr.msg_iovlen = 1;
    m.hdr.msg_control = control;
    m.hdr.msg_controllen = (size_t)used;
    return csk_sendmsg_attempt(sock, &m);
}

/* recvmsg into `control` (cap bytes); returns the attempt's result, the message flags in *flags. */
static ssize_t recv_with_control(int sock, void *control, size_t cap, int *flags, csk_msg *m)
{
    static char byte;
    static struct iovec iov;
    iov.iov_base = &byte;
    iov.iov_len = 1;
    memset(m, 0, sizeof *m);
    m->hdr.msg_iov = &iov;
    m->hdr.msg_iovlen = 1;
    m->hdr.msg_control = control;
    m->control_cap = cap;
    m->flags = MSG_DONTWAIT;
    ssize_t n = csk_recvmsg_attempt(sock, m);
    *flags = m->hdr.msg_flags;
    return n;
}

static void test_a_descriptor_crosses_and_works(void **state)
{
    (void)state;
    int pair[2], pipefd[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    assert_int_equal(pipe(pipefd), 0);
    assert_int_equal(send_fd(pair[0], pipefd[1]), 1);
    unsigned char control[CMSG_SPACE(sizeof(int))];
    int flags;
    csk_msg m;
    assert_int_equal(recv_with_control(pair[1], control, sizeof control, &flags, &m), 1);
    assert_int_equal(flags & MSG_CTRUNC, 0);
    csk_cmsg_walk w;
    csk_cmsg_item item;
    csk_cmsg_walk_init(&w, control, m.hdr.msg_controllen);
    assert_int_equal(csk_cmsg_next(&w, &item), CSK_CMSG_OK);
    assert_int_equal(item.level, SOL_SOCKET);
    assert_int_equal(item.type, SCM_RIGHTS);
    assert_int_equal(item.len, sizeof(int));
    int received;
    memcpy(&received, item.data, sizeof received);
    assert_int_not_equal(received, pipefd[1]);
    /* The received number is the pipe's write end: what goes in comes out of the read end. */
    assert_int_equal(write(received, "ok", 2), 2);
    char got[2];
    assert_int_equal(read(pipefd[0], got, 2), 2);
    assert_memory_equal(got, "ok", 2);
    /* Closing what a control buffer carried closes exactly that. */
    assert_int_equal(csk_cmsg_close_fds(control, m.hdr.msg_controllen), 1);
    assert_int_equal(fcntl(received, F_GETFD), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(csk_close(pipefd[0]), 0);
    assert_int_equal(csk_close(pipefd[1]), 0);
    assert_int_equal(csk_close(pair[0]), 0);
    assert_int_equal(csk_close(pair[1]), 0);
}

/* A control buffer too small for what was sent: the kernel says MSG_CTRUNC and the walk never
 * reads past what is there; the descriptors that did not fit were closed by the kernel. */
static void test_a_control_buffer_cut_short(void **state)
{
    (void)state;
    int pair[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    assert_int_equal(send_fd(pair[0], pair[0]), 1);
    unsigned char control[sizeof(struct cmsghdr)]; /* room for a header, none for its data */
    int flags;
    csk_msg m;
    assert_int_equal(recv_with_control(pair[1], control, sizeof control, &flags, &m), 1);
    assert_int_equal(flags & MSG_CTRUNC, MSG_CTRUNC);
    csk_cmsg_walk w;
    csk_cmsg_item item;
    csk_cmsg_walk_init(&w, control, m.hdr.msg_controllen);
    int kind = csk_cmsg_next(&w, &item);
    assert_true(kind == CSK_CMSG_END || kind == CSK_CMSG_TRUNCATED || kind == CSK_CMSG_MALFORMED);
    if (kind == CSK_CMSG_TRUNCATED) {
        assert_true(item.data + item.len <= control + m.hdr.msg_controllen);
    }
    assert_int_equal(csk_cmsg_close_fds(control, m.hdr.msg_controllen), 0);
    assert_int_equal(csk_close(pair[0]), 0);
    assert_int_equal(csk_close(pair[1]), 0);
}

/* The attempts follow the core's convention: a negative errno, and recvmsg resets the capacities
 * the kernel shrank before each try. */
static void test_attempts_return_negative_errno(void **state)
{
    (void)state;
    int pair[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
    unsigned char control[64];
    int flags;
    csk_msg m;
    assert_int_equal(recv_with_control(pair[1], control, sizeof control, &flags, &m), -EAGAIN);
    assert_int_equal(send_fd(-1, 0), -EBADF);
    assert_int_equal(send_fd(pair[0], 0), 1);
    m.hdr.msg_controllen = 1; /* as a previous try would leave it */
    assert_int_equal(csk_recvmsg_attempt(pair[1], &m), 1);
    assert_int_equal(m.hdr.msg_controllen, CMSG_SPACE(sizeof(int)));
    assert_int_equal(csk_cmsg_close_fds(control, m.hdr.msg_controllen), 1);
    assert_int_equal(csk_close(pair[0]), 0);
    assert_int_equal(csk_close(pair[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_lengths_match_the_libc_macros),  CSK_TEST(test_build_then_walk_back),
        CSK_TEST(test_a_descriptor_crosses_and_works), CSK_TEST(test_a_control_buffer_cut_short),
        CSK_TEST(test_attempts_return_negative_errno),
    };
    return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
