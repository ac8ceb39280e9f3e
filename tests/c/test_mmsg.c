/* Batches of datagrams (src/core/mmsg.c) on real sockets: cutting a buffer into pieces, the
 * sendmmsg/recvmmsg attempts with the engine (the first datagram waited for, the rest taken as
 * queued), and the GSO/GRO control messages read back through the core's own walker. */
#include "harness.h"

#ifdef CSK_HAVE_MMSG

static void test_cut_makes_pieces_and_a_short_last(void **state)
{
    (void)state;
    char data[25] = {0};
    struct iovec iov[8];
    size_t used;
    assert_int_equal(csk_cut(iov, 8, data, sizeof data, 10, &used), 3);
    assert_int_equal(used, 25);
    assert_ptr_equal(iov[2].iov_base, data + 20);
    assert_int_equal(iov[2].iov_len, 5);
    assert_int_equal(csk_cut(iov, 2, data, sizeof data, 10, &used), 2); /* capped */
    assert_int_equal(used, 20);
    assert_int_equal(csk_cut(iov, 2, data, 0, 10, &used), 0);
    assert_int_equal(used, 0);
}

static void test_batch_round_trip_takes_only_what_is_queued(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(csk_socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
    struct mmsghdr msgs[4];
    struct iovec iov[4];
    char out[3][4] = {"one", "two", "six"}, in[4][8];
    for (int i = 0; i < 3; i++) {
        iov[i] = (struct iovec){out[i], 3};
    }
    csk_mmsg_layout(msgs, iov, NULL, NULL, 3);
    csk_mmsg send = {msgs, 3, 0, 0, 0};
    csk_deadline dl = csk_deadline_new(CSK_NS_PER_SEC);
    assert_int_equal(csk_io(&fds[0], POLLOUT, csk_sendmmsg_attempt, &send, &dl), 3);

    csk_sockaddr names[4];
    for (int i = 0; i < 4; i++) {
        iov[i] = (struct iovec){in[i], sizeof in[i]};
    }
    csk_mmsg_layout(msgs, iov, names, NULL, 4);
    csk_mmsg recv = {msgs, 4, 0, sizeof names[0], 0};
    /* A blocking fd: MSG_WAITFORONE must not wait for a fourth datagram. */
    assert_int_equal(csk_io(&fds[1], POLLIN, csk_recvmmsg_attempt, &recv, &dl), 3);
    assert_int_equal(msgs[2].msg_len, 3);
    assert_memory_equal(in[2], "six", 3);
    assert_int_equal(csk_set_nonblocking(fds[1], 1), 0);
    csk_deadline now = csk_deadline_new(0);
    assert_int_equal(csk_io(&fds[1], POLLIN, csk_recvmmsg_attempt, &recv, &now), -EAGAIN);
    csk_close(fds[0]);
    csk_close(fds[1]);
}

static void test_gso_control_reads_back_and_gro_finds_its_size(void **state)
{
    (void)state;
    union {
        struct cmsghdr align;
        unsigned char bytes[CSK_GSO_CONTROL_SPACE];
    } control;
    assert_int_equal(csk_gso_control(control.bytes, sizeof control.bytes, 0), -EINVAL);
    assert_int_equal(csk_gso_control(control.bytes, sizeof control.bytes, 65536), -EINVAL);
    assert_int_equal(csk_gso_control(control.bytes, 4, 1200), -EMSGSIZE);
    ssize_t len = csk_gso_control(control.bytes, sizeof control.bytes, 1200);
    assert_int_equal(len, CSK_GSO_CONTROL_SPACE);
    csk_cmsg_walk w;
    csk_cmsg_item item;
    csk_cmsg_walk_init(&w, control.bytes, (size_t)len);
    assert_int_equal(csk_cmsg_next(&w, &item), CSK_CMSG_OK);
    assert_int_equal(item.level, SOL_UDP);
    assert_int_equal(item.type, UDP_SEGMENT);
    uint16_t size;
    memcpy(&size, item.data, sizeof size);
    assert_int_equal(size, 1200);

    /* A GRO report is an int; anything else (or nothing) is "not coalesced". */
    int gro = 1400;
    csk_cmsg items[2] = {{SOL_SOCKET, SCM_RIGHTS, NULL, 0}, {SOL_UDP, UDP_GRO, &gro, sizeof gro}};
    unsigned char buf[128];
    ssize_t used = csk_cmsg_build(buf, sizeof buf, items, 2);
    assert_true(used > 0);
    assert_int_equal(csk_gro_segment(buf, (size_t)used), 1400);
    assert_int_equal(csk_gro_segment(buf, (size_t)CMSG_SPACE(0)), 0); /* cut off before it */
    assert_int_equal(csk_gro_segment(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_cut_makes_pieces_and_a_short_last),
        CSK_TEST(test_batch_round_trip_takes_only_what_is_queued),
        CSK_TEST(test_gso_control_reads_back_and_gro_finds_its_size),
    };
    return cmocka_run_group_tests_name("mmsg", tests, NULL, NULL);
}

#else

int main(void)
{
    return 0; /* no batch I/O on this platform */
}

#endif
