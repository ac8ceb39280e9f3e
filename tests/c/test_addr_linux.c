/* src/core/addr_linux.c: addresses the kernel returns are read only up to the length it
 * reported, whatever their fields claim.  make test-c runs it; tests/python/test_families.py
 * also builds it with AddressSanitizer and UBSan. */
#include "harness.h"

/* A buffer that looks like garbage everywhere, as a reused receive buffer may. */
static void fill_garbage(csk_sockaddr *a)
{
    memset(a, 0xA5, sizeof *a);
}

static void test_addr_copy(void **state)
{
    (void)state;
    csk_sockaddr a;
    fill_garbage(&a);
    unsigned char out[32];
    csk_addr_copy(out, sizeof out, &a, 4);
    assert_true(out[3] == 0xA5 && out[4] == 0 && out[31] == 0); /* past the length: zeros */
    csk_addr_copy(out, sizeof out, &a, 0);
    assert_true(out[0] == 0);
    /* A reported length beyond the buffer (the kernel truncated) copies what fits. */
    csk_addr_copy(out, sizeof out, &a, 100000);
    assert_true(out[31] == 0xA5);
}

#ifdef CSK_HAVE_AF_PACKET
static void test_packet_haddr(void **state)
{
    (void)state;
    csk_sockaddr a;
    const unsigned char *bytes;
    fill_garbage(&a);
    a.ll.sll_halen = 6;
    assert_true(csk_packet_haddr(&a, sizeof(struct sockaddr_ll), &bytes) == 6);
    assert_true(bytes == a.ll.sll_addr);
    /* halen claims 255 bytes: only what the length covers. */
    a.ll.sll_halen = 255;
    assert_true(csk_packet_haddr(&a, sizeof(struct sockaddr_ll), &bytes) == 8);
    assert_true(csk_packet_haddr(&a, offsetof(struct sockaddr_ll, sll_addr) + 3, &bytes) == 3);
    assert_true(csk_packet_haddr(&a, 100000, &bytes) ==
                sizeof a - offsetof(struct sockaddr_ll, sll_addr));
    /* Too short to hold even the length byte. */
    assert_true(csk_packet_haddr(&a, offsetof(struct sockaddr_ll, sll_halen), &bytes) == 0);
    assert_true(csk_packet_haddr(&a, 2, &bytes) == 0);
    /* A 20-byte (InfiniBand) address the kernel reports in full. */
    a.ll.sll_halen = 20;
    assert_true(csk_packet_haddr(&a, offsetof(struct sockaddr_ll, sll_addr) + 20, &bytes) == 20);
}
#endif

#ifdef CSK_HAVE_AF_TIPC
static void test_tipc(void **state)
{
    (void)state;
    csk_sockaddr a;
    unsigned v[5], in[5] = {TIPC_ADDR_NAMESEQ, 10, 20, 30, TIPC_NODE_SCOPE};
    assert_true(csk_tipc_address(&a.tipc, in) == (int)sizeof(struct sockaddr_tipc));
    assert_true(csk_tipc_fields(&a, sizeof a.tipc, v) == 0);
    assert_true(v[0] == TIPC_ADDR_NAMESEQ && v[1] == 10 && v[2] == 20 && v[3] == 30 &&
                v[4] == TIPC_NODE_SCOPE);
    /* A name reads as [instance, instance]; an id has no third value. */
    unsigned name[5] = {TIPC_ADDR_NAME, 7, 8, 99, TIPC_CLUSTER_SCOPE};
    assert_true(csk_tipc_address(&a.tipc, name) > 0);
    assert_true(csk_tipc_fields(&a, sizeof a.tipc, v) == 0 && v[1] == 7 && v[2] == 8 && v[3] == 8);
    unsigned id[5] = {TIPC_ADDR_ID, 5, 6, 99, TIPC_CLUSTER_SCOPE};
    assert_true(csk_tipc_address(&a.tipc, id) > 0);
    assert_true(csk_tipc_fields(&a, sizeof a.tipc, v) == 0 && v[1] == 5 && v[2] == 6 && v[3] == 0);
    unsigned bad[5] = {99, 1, 2, 3, 0};
    assert_true(csk_tipc_address(&a.tipc, bad) == -EINVAL);
    /* Fields past a short length read as zero, not as what the buffer held. */
    fill_garbage(&a);
    a.tipc.addrtype = TIPC_ADDR_NAMESEQ;
    assert_true(csk_tipc_fields(&a, offsetof(struct sockaddr_tipc, addr) + 4, v) == 0);
    assert_true(v[1] == 0xA5A5A5A5u && v[2] == 0 && v[3] == 0);
    /* addrtype itself beyond the length: unknown (0). */
    assert_true(csk_tipc_fields(&a, 2, v) == -EINVAL);
}
#endif

#ifdef CSK_HAVE_AF_ALG
static void test_alg_names(void **state)
{
    (void)state;
    csk_sockaddr a;
    size_t tl, nl;
    fill_garbage(&a); /* no terminators anywhere */
    csk_alg_names(&a, sizeof(struct sockaddr_alg), &tl, &nl);
    assert_true(tl == sizeof a.alg.salg_type);
    assert_true(nl == sizeof a.alg.salg_name);
    memcpy(a.alg.salg_type, "hash", 5);
    memcpy(a.alg.salg_name, "sha256", 7);
    csk_alg_names(&a, sizeof(struct sockaddr_alg), &tl, &nl);
    assert_true(tl == 4 && nl == 6);
    /* Cut inside the name: the name ends at the length. */
    csk_alg_names(&a, offsetof(struct sockaddr_alg, salg_name) + 3, &tl, &nl);
    assert_true(tl == 4 && nl == 3);
    /* Cut before the type. */
    csk_alg_names(&a, 2, &tl, &nl);
    assert_true(tl == 0 && nl == 0);
}
#endif

#if defined(CSK_HAVE_AF_PACKET) || defined(CSK_HAVE_AF_CAN)
static void test_if_lookup(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    int lo = csk_if_index(fd, "lo");
    assert_true(lo > 0);
    char name[IF_NAMESIZE];
    assert_true(csk_if_name(fd, lo, name) == 0 && strcmp(name, "lo") == 0);
    assert_true(csk_if_name(-1, lo, name) == 0 && strcmp(name, "lo") == 0);
    assert_true(csk_if_index(fd, "no-such-if") == -ENODEV);
    /* A name longer than the kernel reads is cut, then not found: never an overflow. */
    assert_true(csk_if_index(fd, "an-interface-name-far-too-long-for-ifreq") == -ENODEV);
    assert_true(csk_if_name(fd, 0x7ffffff0, name) == -ENODEV && name[0] == '\0');
    close(fd);
}
#endif

#ifdef CSK_HAVE_BLUETOOTH_H
static void test_bt_addr(void **state)
{
    (void)state;
    bdaddr_t a;
    char text[18];
    assert_true(csk_bt_addr_parse("01:23:45:67:89:aB", &a) == 0);
    assert_true(a.b[0] == 0xAB && a.b[5] == 0x01);
    csk_bt_addr_text(&a, text);
    assert_true(strcmp(text, "01:23:45:67:89:AB") == 0);
    assert_true(csk_bt_addr_parse("01:23:45:67:89", &a) == -EINVAL);
    assert_true(csk_bt_addr_parse("01:23:45:67:89:AB:CD", &a) == -EINVAL);
    assert_true(csk_bt_addr_parse("1:2:3:4:5:100", &a) == -EINVAL);
    assert_true(csk_bt_addr_parse("", &a) == -EINVAL);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        CSK_TEST(test_addr_copy),
#ifdef CSK_HAVE_AF_PACKET
        CSK_TEST(test_packet_haddr),
#endif
#ifdef CSK_HAVE_AF_TIPC
        CSK_TEST(test_tipc),
#endif
#ifdef CSK_HAVE_AF_ALG
        CSK_TEST(test_alg_names),
#endif
#if defined(CSK_HAVE_AF_PACKET) || defined(CSK_HAVE_AF_CAN)
        CSK_TEST(test_if_lookup),
#endif
#ifdef CSK_HAVE_BLUETOOTH_H
        CSK_TEST(test_bt_addr),
#endif
    };
    return cmocka_run_group_tests_name("addr_linux", tests, NULL, NULL);
}
