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

#ifdef CSK_HAVE_AF_BLUETOOTH
/* The kernel's bytes for 01:02:03:04:05:06: least significant first. */
#define BT_DEV_BYTES 0x06, 0x05, 0x04, 0x03, 0x02, 0x01

static void test_bt_addr_text(void **state)
{
    (void)state;
    csk_bdaddr a;
    char text[18];
    assert_true(csk_bt_addr_parse("01:23:45:67:89:aB", &a) == 0);
    assert_true(a.b[0] == 0xAB && a.b[1] == 0x89 && a.b[5] == 0x01);
    csk_bt_addr_text(&a, text);
    assert_true(strcmp(text, "01:23:45:67:89:AB") == 0);
    /* What sscanf's %X lets through, as the built-in module reads it. */
    const char *good[] = {"1:2:3:4:5:6",  " 0x1:2:3:4:5:6",    "001:2:3:4:5:0ff",
                          "+1:2:3:4:5:6", "00:00:00:00:00:00", "FF:FF:FF:FF:FF:FF"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_true(csk_bt_addr_parse(good[i], &a) == 0);
    }
    assert_true(csk_bt_addr_parse("001:2:3:4:5:0ff", &a) == 0 && a.b[5] == 1 && a.b[0] == 0xff);
    /* Too few fields, too many, a field over 255 (or negative), anything after the sixth. */
    const char *bad[] = {"",
                         "01:02:03",
                         "01:02:03:04:05",
                         "01:02:03:04:05:",
                         "01:02:03:04:05:06:07",
                         "01:02:03:04:05:06 ",
                         "01:02:03:04:05:06x",
                         "zz:02:03:04:05:06",
                         "01:02:03:04:05:zz",
                         "1:2:3:4:5:100",
                         "-1:2:3:4:5:6",
                         "01-02-03-04-05-06",
                         "0102030405060708"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(csk_bt_addr_parse(bad[i], &a) == -EINVAL);
    }
}

static void test_bt_addr_len(void **state)
{
    (void)state;
    assert_int_equal(csk_bt_addr_len(BTPROTO_RFCOMM), 10);
    assert_int_equal(csk_bt_addr_len(BTPROTO_L2CAP), 14);
    assert_int_equal(csk_bt_addr_len(BTPROTO_HCI), 6);
    assert_int_equal(csk_bt_addr_len(BTPROTO_SCO), 8);
    assert_int_equal(csk_bt_addr_len(4), -EPROTONOSUPPORT); /* BNEP: no socket address */
    assert_int_equal(csk_bt_addr_len(-1), -EPROTONOSUPPORT);
}

/* Encode `f` for `proto` into a garbage-filled buffer and compare with the kernel's bytes. */
static void expect_encoded(int proto, const csk_bt_fields *f, const unsigned char *want,
                           size_t want_len)
{
    csk_sockaddr a;
    fill_garbage(&a);
    assert_int_equal(csk_bt_address(&a, proto, f), (int)want_len);
    assert_memory_equal(&a, want, want_len);
    const unsigned char *rest = (const unsigned char *)&a + want_len;
    for (size_t i = 0; i < sizeof a - want_len; i++) {
        assert_int_equal(rest[i], 0); /* never garbage past the address */
    }
}

static void test_bt_encode(void **state)
{
    (void)state;
    csk_bt_fields f = {.bdaddr = {{BT_DEV_BYTES}}};
    f.port = 5;
    const unsigned char rc[] = {AF_BLUETOOTH, 0, BT_DEV_BYTES, 5, 0};
    expect_encoded(BTPROTO_RFCOMM, &f, rc, sizeof rc);
    f.port = 300; /* the channel is one byte: 300 keeps 44, as the built-in module stores it */
    const unsigned char rc_cut[] = {AF_BLUETOOTH, 0, BT_DEV_BYTES, 44, 0};
    expect_encoded(BTPROTO_RFCOMM, &f, rc_cut, sizeof rc_cut);

    /* L2CAP: PSM and cid little-endian, then the address type. */
    f.port = 0x1001;
    f.cid = 0x0004;
    f.bdaddr_type = BDADDR_LE_PUBLIC;
    const unsigned char l2[] = {AF_BLUETOOTH, 0, 0x01, 0x10, BT_DEV_BYTES, 0x04, 0x00, 1, 0};
    expect_encoded(BTPROTO_L2CAP, &f, l2, sizeof l2);
    f.port = 70000; /* 16 bits each: 70000 keeps 4464 (0x1170) */
    f.cid = 0x1ffff;
    f.bdaddr_type = 300;
    const unsigned char l2_cut[] = {AF_BLUETOOTH, 0, 0x70, 0x11, BT_DEV_BYTES, 0xff, 0xff, 44, 0};
    expect_encoded(BTPROTO_L2CAP, &f, l2_cut, sizeof l2_cut);

    /* HCI: dev and channel in host order. */
    csk_bt_fields h = {.dev = HCI_DEV_NONE, .channel = HCI_CHANNEL_CONTROL};
    unsigned short dev = HCI_DEV_NONE, chan = HCI_CHANNEL_CONTROL;
    unsigned char hci[6] = {AF_BLUETOOTH, 0};
    memcpy(hci + 2, &dev, 2);
    memcpy(hci + 4, &chan, 2);
    expect_encoded(BTPROTO_HCI, &h, hci, sizeof hci);
    h.dev = 0x10003; /* cut to 3 */
    h.channel = 0;
    dev = 3;
    chan = 0;
    memcpy(hci + 2, &dev, 2);
    memcpy(hci + 4, &chan, 2);
    expect_encoded(BTPROTO_HCI, &h, hci, sizeof hci);

    /* SCO: the address alone; the other fields are ignored. */
    f.port = 9;
    const unsigned char sco[] = {AF_BLUETOOTH, 0, BT_DEV_BYTES};
    expect_encoded(BTPROTO_SCO, &f, sco, sizeof sco);

    csk_sockaddr a;
    assert_int_equal(csk_bt_address(&a, 7, &f), -EPROTONOSUPPORT);
}

/* Decode `len` bytes of `bytes` (the rest of the buffer garbage, as a reused one may be). */
static csk_bt_fields decoded(int proto, const unsigned char *bytes, size_t size, socklen_t len)
{
    csk_sockaddr a;
    csk_bt_fields f;
    fill_garbage(&a);
    memcpy(&a, bytes, size);
    assert_int_equal(csk_bt_fields_of(&a, len, proto, &f), 0);
    return f;
}

static void test_bt_decode(void **state)
{
    (void)state;
    const unsigned char rc[] = {AF_BLUETOOTH, 0, BT_DEV_BYTES, 30, 0xA5};
    csk_bt_fields f = decoded(BTPROTO_RFCOMM, rc, sizeof rc, 10);
    assert_true(f.port == 30 && f.bdaddr.b[0] == 6 && f.bdaddr.b[5] == 1);
    assert_true(f.cid == 0 && f.bdaddr_type == 0 && f.dev == 0 && f.channel == 0);

    const unsigned char l2[] = {AF_BLUETOOTH, 0, 0x80, 0x00, BT_DEV_BYTES, 0x04, 0x00, 2, 0xA5};
    f = decoded(BTPROTO_L2CAP, l2, sizeof l2, 14);
    assert_true(f.port == 0x80 && f.cid == 4 && f.bdaddr_type == BDADDR_LE_RANDOM);
    assert_true(f.bdaddr.b[0] == 6);

    unsigned char hci[6] = {AF_BLUETOOTH, 0};
    unsigned short dev = 2, chan = HCI_CHANNEL_USER;
    memcpy(hci + 2, &dev, 2);
    memcpy(hci + 4, &chan, 2);
    f = decoded(BTPROTO_HCI, hci, sizeof hci, 6);
    assert_true(f.dev == 2 && f.channel == HCI_CHANNEL_USER);

    const unsigned char sco[] = {AF_BLUETOOTH, 0, BT_DEV_BYTES};
    f = decoded(BTPROTO_SCO, sco, sizeof sco, 8);
    assert_true(f.bdaddr.b[0] == 6 && f.bdaddr.b[5] == 1 && f.port == 0);

    /* Every short length: what the kernel did not write reads as zero, never as the garbage. */
    for (socklen_t len = 0; len <= 14; len++) {
        f = decoded(BTPROTO_L2CAP, l2, sizeof l2, len);
        assert_true(f.port == (len >= 3 ? 0x80u : 0u)); /* 0x80's low byte comes first */
        assert_true(f.bdaddr.b[0] == (len >= 5 ? 6 : 0));
        assert_true(f.bdaddr.b[5] == (len >= 10 ? 1 : 0));
        assert_true(f.cid == (len >= 11 ? 4u : 0u));
        assert_true(f.bdaddr_type == (len >= 13 ? 2u : 0u));
    }
    for (socklen_t len = 0; len <= 10; len++) {
        f = decoded(BTPROTO_RFCOMM, rc, sizeof rc, len);
        assert_true(f.bdaddr.b[1] == (len >= 4 ? 5 : 0) && f.port == (len >= 9 ? 30u : 0u));
    }
    for (socklen_t len = 0; len <= 6; len++) {
        /* Host-order fields: the expected values are the bytes present, zeros after. */
        unsigned char cut[6] = {0};
        memcpy(cut, hci, len);
        memcpy(&dev, cut + 2, 2);
        memcpy(&chan, cut + 4, 2);
        f = decoded(BTPROTO_HCI, hci, sizeof hci, len);
        assert_true(f.dev == dev && f.channel == chan);
    }
    /* A length past the structure (or past the whole buffer) reads the structure only. */
    f = decoded(BTPROTO_SCO, sco, sizeof sco, 100000);
    assert_true(f.bdaddr.b[0] == 6 && f.port == 0 && f.cid == 0);

    csk_sockaddr a;
    fill_garbage(&a);
    assert_int_equal(csk_bt_fields_of(&a, 10, 5, &f), -EPROTONOSUPPORT);
}

/* What is encoded decodes to the same fields, for every protocol. */
static void test_bt_round_trip(void **state)
{
    (void)state;
    const int protos[] = {BTPROTO_RFCOMM, BTPROTO_L2CAP, BTPROTO_HCI, BTPROTO_SCO};
    csk_bt_fields in = {.bdaddr = {{0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45}},
                        .port = 0x81,
                        .cid = 0x40,
                        .bdaddr_type = 1,
                        .dev = 7,
                        .channel = 4};
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++) {
        csk_sockaddr a;
        csk_bt_fields out;
        int len = csk_bt_address(&a, protos[i], &in);
        assert_true(len == csk_bt_addr_len(protos[i]) && a.sa.sa_family == AF_BLUETOOTH);
        assert_int_equal(csk_bt_fields_of(&a, (socklen_t)len, protos[i], &out), 0);
        if (protos[i] != BTPROTO_HCI) {
            assert_memory_equal(&out.bdaddr, &in.bdaddr, sizeof in.bdaddr);
        }
        if (protos[i] == BTPROTO_RFCOMM || protos[i] == BTPROTO_L2CAP) {
            assert_int_equal(out.port, in.port);
        }
        if (protos[i] == BTPROTO_L2CAP) {
            assert_true(out.cid == in.cid && out.bdaddr_type == in.bdaddr_type);
        }
        if (protos[i] == BTPROTO_HCI) {
            assert_true(out.dev == in.dev && out.channel == in.channel);
        }
    }
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
#ifdef CSK_HAVE_AF_BLUETOOTH
        CSK_TEST(test_bt_addr_text),
        CSK_TEST(test_bt_addr_len),
        CSK_TEST(test_bt_encode),
        CSK_TEST(test_bt_decode),
        CSK_TEST(test_bt_round_trip),
#endif
    };
    return cmocka_run_group_tests_name("addr_linux", tests, NULL, NULL);
}
