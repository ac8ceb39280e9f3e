/* The I/O engine on real sockets: try-first, waiting only when it would block, deadlines, EINTR
 * handed back to the caller, and connect's three outcomes. */
#include "harness.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

static void pair(int fds[2], int nonblocking)
{
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    if (nonblocking) {
        assert_int_equal(csk_set_nonblocking(fds[0], 1), 0);
        assert_int_equal(csk_set_nonblocking(fds[1], 1), 0);
    }
}

static void close_pair(int fds[2])
{
    assert_int_equal(csk_close(fds[0]), 0);
    assert_int_equal(csk_close(fds[1]), 0);
}

/* An attempt that counts its calls, wrapping recv. */
typedef struct {
    csk_xfer x;
    int calls;
} counted;

static ssize_t counted_recv(int fd, void *op)
{
    counted *c = op;
    c->calls++;
    return csk_recv_attempt(fd, &c->x);
}

static void test_ready_data_takes_one_attempt(void **state)
{
    (void)state;
    int fds[2];
    char buf[16];
    pair(fds, 1);
    assert_int_equal(send(fds[1], "hello", 5, 0), 5);
    counted c = {.x = {.buf = buf, .len = sizeof buf}};
    csk_deadline dl = csk_deadline_new(5 * CSK_NS_PER_SEC);
    assert_int_equal(csk_io(&fds[0], POLLIN, counted_recv, &c, &dl), 5);
    assert_int_equal(c.calls, 1);
    assert_int_equal(dl.deadline_ns, 0); /* never needed the clock */
    assert_memory_equal(buf, "hello", 5);
    close_pair(fds);
}

static void test_nonblocking_returns_eagain(void **state)
{
    (void)state;
    int fds[2];
    char buf[4];
    pair(fds, 1);
    csk_xfer x = {.buf = buf, .len = sizeof buf};
    csk_deadline dl = csk_deadline_new(0);
    assert_int_equal(csk_io(&fds[0], POLLIN, csk_recv_attempt, &x, &dl), -EAGAIN);
    close_pair(fds);
}

static void test_timeout_fires_within_deadline(void **state)
{
    (void)state;
    int fds[2];
    char buf[4];
    pair(fds, 1);
    csk_xfer x = {.buf = buf, .len = sizeof buf};
    csk_deadline dl = csk_deadline_new(80 * 1000000);
    int64_t t0 = csk_now_ns();
    assert_int_equal(csk_io(&fds[0], POLLIN, csk_recv_attempt, &x, &dl), CSK_ETIMEOUT);
    int64_t ms = ms_since(t0);
    assert_true(ms >= 80);
    assert_true(ms < 80 + 500);
    close_pair(fds);
}

static void *write_later(void *arg)
{
    int fd = *(int *)arg;
    usleep(30000);
    if (send(fd, "late", 4, 0) != 4) {
        abort();
    }
    return NULL;
}

static void test_waits_then_receives(void **state)
{
    (void)state;
    int fds[2];
    char buf[8];
    pair(fds, 1);
    pthread_t t;
    pthread_create(&t, NULL, write_later, &fds[1]);
    counted c = {.x = {.buf = buf, .len = sizeof buf}};
    csk_deadline dl = csk_deadline_new(5 * CSK_NS_PER_SEC);
    assert_int_equal(csk_io(&fds[0], POLLIN, counted_recv, &c, &dl), 4);
    assert_int_equal(c.calls, 2); /* would block, waited, received */
    pthread_join(t, NULL);
    close_pair(fds);
}

static void test_send_until_full_times_out(void **state)
{
    (void)state;
    int fds[2];
    static char block[65536];
    pair(fds, 1);
    csk_deadline dl = csk_deadline_new(50 * 1000000);
    csk_deadline_start(&dl); /* one deadline for the whole "sendall" */
    ssize_t n;
    size_t total = 0;
    do {
        csk_xfer x = {.buf = block, .len = sizeof block};
        n = csk_io(&fds[1], POLLOUT, csk_send_attempt, &x, &dl);
        if (n > 0) {
            total += (size_t)n;
        }
    } while (n > 0);
    assert_int_equal(n, CSK_ETIMEOUT);
    assert_true(total > 0);
    close_pair(fds);
}

/* Another thread "closes" the socket while csk_io waits: it stores -1 in the cell, then wakes the
 * wait by sending on the peer.  The engine must read the cell again and fail with EBADF instead of
 * receiving on the number it read first (which by then could name another file). */
typedef struct {
    int *cell;
    int peer;
} closer_arg;

static void *close_cell_later(void *arg)
{
    closer_arg *c = arg;
    usleep(30000);
    __atomic_store_n(c->cell, -1, __ATOMIC_RELAXED);
    if (send(c->peer, "wake", 4, 0) != 4) {
        abort();
    }
    return NULL;
}

static void test_wait_rereads_a_closed_cell(void **state)
{
    (void)state;
    int fds[2];
    char buf[8];
    pair(fds, 1);
    int cell = fds[0];
    closer_arg arg = {&cell, fds[1]};
    pthread_t t;
    pthread_create(&t, NULL, close_cell_later, &arg);
    counted c = {.x = {.buf = buf, .len = sizeof buf}};
    csk_deadline dl = csk_deadline_new(5 * CSK_NS_PER_SEC);
    assert_int_equal(csk_io(&cell, POLLIN, counted_recv, &c, &dl), -EBADF);
    pthread_join(t, NULL);
    assert_int_equal(recv(fds[0], buf, sizeof buf, 0), 4); /* the data was left alone */
    /* A cell already closed fails before any wait, however long the timeout. */
    assert_int_equal(csk_io_after_wait(&cell, POLLIN, counted_recv, &c, &dl), -EBADF);
    close_pair(fds);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void test_eintr_goes_back_to_the_caller(void **state)
{
    (void)state;
    int fds[2];
    char buf[4];
    pair(fds, 0); /* blocking */
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: the recv is interrupted */
    sigaction(SIGALRM, &sa, &old);
    struct itimerval it = {.it_value = {.tv_sec = 0, .tv_usec = 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    csk_xfer x = {.buf = buf, .len = sizeof buf};
    csk_deadline dl = csk_deadline_new(-1);
    assert_int_equal(csk_io(&fds[0], POLLIN, csk_recv_attempt, &x, &dl), -EINTR);
    sigaction(SIGALRM, &old, NULL);
    close_pair(fds);
}

static void test_deadline_saturates(void **state)
{
    (void)state;
    csk_deadline dl = csk_deadline_new(INT64_MAX - 5);
    csk_deadline_start(&dl);
    assert_true(dl.deadline_ns == INT64_MAX);
    csk_deadline blocking = csk_deadline_new(-1);
    csk_deadline_start(&blocking);
    assert_int_equal(blocking.deadline_ns, 0);
}

/* A listener on 127.0.0.1 with an ephemeral port; returns its fd and fills *addr. */
static int listener(struct sockaddr_in *addr, int backlog)
{
    int fd = csk_socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(csk_bind(fd, (struct sockaddr *)addr, sizeof *addr), 0);
    assert_int_equal(csk_listen(fd, backlog), 0);
    socklen_t len = sizeof *addr;
    assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
    return fd;
}

static void test_connect_and_accept(void **state)
{
    (void)state;
    struct sockaddr_in addr;
    int lfd = listener(&addr, 8);
    int cfd = csk_socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(csk_set_nonblocking(cfd, 1), 0);
    csk_deadline dl = csk_deadline_new(5 * CSK_NS_PER_SEC);
    int in_progress = 0;
    assert_int_equal(csk_connect(&cfd, (struct sockaddr *)&addr, sizeof addr, &dl, &in_progress),
                     0);

    csk_sockaddr peer;
    csk_xfer x = {.addr = &peer.sa, .addrlen = sizeof peer};
    csk_deadline adl = csk_deadline_new(5 * CSK_NS_PER_SEC);
    assert_int_equal(csk_set_nonblocking(lfd, 1), 0);
    ssize_t conn = csk_io(&lfd, POLLIN, csk_accept_attempt, &x, &adl);
    assert_true(conn >= 0);
    assert_int_equal(x.addrlen, sizeof(struct sockaddr_in));
    assert_int_equal(peer.in4.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    assert_int_equal(fcntl((int)conn, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    csk_close((int)conn);
    csk_close(cfd);
    csk_close(lfd);
}

static void test_connect_refused(void **state)
{
    (void)state;
    struct sockaddr_in addr;
    int lfd = listener(&addr, 1);
    csk_close(lfd); /* nothing listens on that port now */
    int cfd = csk_socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(csk_set_nonblocking(cfd, 1), 0);
    csk_deadline dl = csk_deadline_new(5 * CSK_NS_PER_SEC);
    int in_progress = 0;
    assert_int_equal(csk_connect(&cfd, (struct sockaddr *)&addr, sizeof addr, &dl, &in_progress),
                     -ECONNREFUSED);
    csk_close(cfd);
}

static void test_connect_times_out_on_a_full_backlog(void **state)
{
    (void)state;
    struct sockaddr_in addr;
    int lfd = listener(&addr, 0);
    int filler[4], nfill = 0, r = 0;
    /* Fill the accept queue; once full, the listener drops SYNs and connects hang. */
    while (nfill < 4) {
        filler[nfill] = csk_socket(AF_INET, SOCK_STREAM, 0);
        csk_set_nonblocking(filler[nfill], 1);
        csk_deadline dl = csk_deadline_new(200 * 1000000);
        int in_progress = 0;
        r = csk_connect(&filler[nfill], (struct sockaddr *)&addr, sizeof addr, &dl, &in_progress);
        nfill++;
        if (r == CSK_ETIMEOUT) {
            break;
        }
        assert_int_equal(r, 0);
    }
    assert_int_equal(r, CSK_ETIMEOUT);
    for (int i = 0; i < nfill; i++) {
        csk_close(filler[i]);
    }
    csk_close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_ready_data_takes_one_attempt),
        CSK_TEST(test_nonblocking_returns_eagain),
        CSK_TEST(test_timeout_fires_within_deadline),
        CSK_TEST(test_waits_then_receives),
        CSK_TEST(test_send_until_full_times_out),
        CSK_TEST(test_wait_rereads_a_closed_cell),
        CSK_TEST(test_eintr_goes_back_to_the_caller),
        CSK_TEST(test_deadline_saturates),
        CSK_TEST(test_connect_and_accept),
        CSK_TEST(test_connect_refused),
        CSK_TEST(test_connect_times_out_on_a_full_backlog),
    };
    return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
