/* The per-thread receive buffer (src/core/scratch.c): one per thread, reserved on first use, at
 * the same address for the thread's life, and usable over its whole length by a real receive. */
#include "harness.h"

#include <pthread.h>
#include <string.h>

typedef struct {
    size_t held_before, held_after;
    void *buf;
} thread_view;

static void *look_from_a_thread(void *arg)
{
    thread_view *v = arg;
    v->held_before = csk_scratch_held();
    v->buf = csk_scratch(1);
    v->held_after = csk_scratch_held();
    return NULL;
}

static void test_one_buffer_per_thread_that_never_moves(void **state)
{
    (void)state;
    void *a = csk_scratch(64);
    assert_non_null(a);
    assert_ptr_equal(csk_scratch(CSK_SCRATCH_MAX), a);
    assert_ptr_equal(csk_scratch(0), a);
    assert_int_equal(csk_scratch_held(), CSK_SCRATCH_MAX);
    thread_view v = {0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, look_from_a_thread, &v), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(v.held_before, 0); /* a thread that never received holds nothing */
    assert_non_null(v.buf);
    assert_ptr_not_equal(v.buf, a);
    assert_int_equal(v.held_after, CSK_SCRATCH_MAX);
}

static void test_larger_requests_are_the_callers_own(void **state)
{
    (void)state;
    void *before = csk_scratch(1);
    assert_null(csk_scratch(CSK_SCRATCH_MAX + 1));
    assert_null(csk_scratch((size_t)-1));
    assert_ptr_equal(csk_scratch(1), before); /* a refused request changes nothing */
}

typedef struct {
    int fd;
    const unsigned char *data;
    size_t len;
} writer_job;

static void *write_all(void *arg)
{
    writer_job *job = arg;
    size_t off = 0;
    while (off < job->len) {
        ssize_t n = write(job->fd, job->data + off, job->len - off);
        if (n <= 0) {
            break;
        }
        off += (size_t)n;
    }
    return NULL;
}

/* What recv(CSK_SCRATCH_MAX) does in the binding: receive into the buffer through the engine's
 * attempt function, here until all of a stream of exactly its size has arrived. */
static void test_a_stream_fills_the_whole_buffer(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    unsigned char *expected = malloc(CSK_SCRATCH_MAX);
    assert_non_null(expected);
    for (size_t i = 0; i < CSK_SCRATCH_MAX; i++) {
        expected[i] = (unsigned char)(i * 7 + (i >> 12));
    }
    writer_job job = {fds[1], expected, CSK_SCRATCH_MAX};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_all, &job), 0);
    unsigned char *buf = csk_scratch(CSK_SCRATCH_MAX);
    assert_non_null(buf);
    size_t got = 0;
    while (got < CSK_SCRATCH_MAX) {
        csk_xfer x = {.buf = buf + got, .len = CSK_SCRATCH_MAX - got, .flags = 0};
        ssize_t n = csk_recv_attempt(fds[0], &x);
        assert_true(n > 0);
        got += (size_t)n;
    }
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_memory_equal(buf, expected, CSK_SCRATCH_MAX);
    free(expected);
    assert_int_equal(csk_close(fds[0]), 0);
    assert_int_equal(csk_close(fds[1]), 0);
}

/* A datagram lands at the start of the buffer whatever the previous receive left there, and the
 * count is what arrived, not what the buffer could hold. */
static void test_a_datagram_after_a_larger_one(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
    unsigned char big[4096], small[64];
    memset(big, 'B', sizeof big);
    memset(small, 's', sizeof small);
    assert_int_equal(write(fds[1], big, sizeof big), (ssize_t)sizeof big);
    assert_int_equal(write(fds[1], small, sizeof small), (ssize_t)sizeof small);
    unsigned char *buf = csk_scratch(CSK_SCRATCH_MAX);
    csk_xfer x = {.buf = buf, .len = CSK_SCRATCH_MAX, .flags = 0};
    assert_int_equal(csk_recv_attempt(fds[0], &x), (ssize_t)sizeof big);
    assert_int_equal(csk_recv_attempt(fds[0], &x), (ssize_t)sizeof small);
    assert_memory_equal(buf, small, sizeof small);
    assert_int_equal(buf[sizeof small], 'B'); /* the rest is the caller's to ignore */
    x.flags = MSG_DONTWAIT;
    assert_int_equal(csk_recv_attempt(fds[0], &x), -EAGAIN);
    assert_int_equal(csk_close(fds[0]), 0);
    assert_int_equal(csk_close(fds[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_one_buffer_per_thread_that_never_moves),
        CSK_TEST(test_larger_requests_are_the_callers_own),
        CSK_TEST(test_a_stream_fills_the_whole_buffer),
        CSK_TEST(test_a_datagram_after_a_larger_one),
    };
    return cmocka_run_group_tests_name("scratch", tests, NULL, NULL);
}
