/* The Happy Eyeballs race on real loopback sockets: a refused attempt hands over to the next
 * (never within 10 ms of the last start), the winner is reported, and the deadline ends it. */
#include "harness.h"

static int listener(int backlog, struct sockaddr_in *sin)
{
    int fd = csk_socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(csk_bind(fd, (struct sockaddr *)sin, sizeof *sin), 0);
    socklen_t len = sizeof *sin;
    assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
    assert_int_equal(csk_listen(fd, backlog), 0);
    return fd;
}

static int nonblocking_socket(void)
{
    int fd = csk_socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(csk_set_nonblocking(fd, 1), 0);
    return fd;
}

static void test_refused_hands_over_to_the_next(void **state)
{
    (void)state;
    struct sockaddr_in good, refused;
    int lfd = listener(8, &good);
    int gone = listener(1, &refused);
    csk_close(gone); /* nothing listens on `refused` now */
    int fds[2] = {nonblocking_socket(), nonblocking_socket()};
    csk_race_attempt attempts[2];
    struct pollfd pfds[2];
    csk_race r;
    csk_race_init(&r, attempts, pfds, 2, 5 * CSK_NS_PER_SEC, 5 * CSK_NS_PER_SEC);
    const struct sockaddr_in *to[2] = {&refused, &good};
    int64_t starts[2] = {0, 0};
    int outcome;
    while ((outcome = csk_race_wait(&r)) != CSK_RACE_WON) {
        assert_true(outcome == CSK_RACE_NEXT || outcome == CSK_RACE_FAILED);
        if (outcome == CSK_RACE_NEXT) {
            starts[r.started] = csk_now_ns();
            int s = csk_race_start(&r, &fds[r.started], (const struct sockaddr *)to[r.started],
                                   sizeof good);
            if (s == CSK_RACE_WON) {
                break;
            }
        }
    }
    assert_int_equal(r.winner, 1);
    assert_int_equal(attempts[0].state, CSK_ATTEMPT_FAILED);
    assert_int_equal(attempts[0].error, -ECONNREFUSED);
    assert_true(starts[1] - starts[0] >= CSK_RACE_MIN_GAP_NS);
    assert_true(starts[1] - starts[0] < 2 * CSK_NS_PER_SEC); /* not the 5 s delay */
    csk_close(fds[0]);
    csk_close(fds[1]);
    csk_close(lfd);
}

static void test_deadline_ends_the_race(void **state)
{
    (void)state;
    struct sockaddr_in full;
    int lfd = listener(0, &full);
    int fillers[2] = {nonblocking_socket(), nonblocking_socket()};
    for (int i = 0; i < 2; i++) {
        (void)connect(fillers[i], (struct sockaddr *)&full, sizeof full);
    }
    int fd = nonblocking_socket();
    csk_race_attempt attempts[1];
    struct pollfd pfds[1];
    csk_race r;
    csk_race_init(&r, attempts, pfds, 1, 0, 100 * INT64_C(1000000));
    int64_t t0 = csk_now_ns();
    assert_int_equal(csk_race_wait(&r), CSK_RACE_NEXT);
    assert_int_equal(csk_race_start(&r, &fd, (struct sockaddr *)&full, sizeof full), 0);
    assert_int_equal(csk_race_wait(&r), CSK_ETIMEOUT);
    assert_true(csk_now_ns() - t0 >= 100 * INT64_C(1000000));
    assert_int_equal(attempts[0].state, CSK_ATTEMPT_PENDING);
    csk_close(fd);
    csk_close(fillers[0]);
    csk_close(fillers[1]);
    csk_close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_refused_hands_over_to_the_next),
        CSK_TEST(test_deadline_ends_the_race),
    };
    return cmocka_run_group_tests_name("race", tests, NULL, NULL);
}
