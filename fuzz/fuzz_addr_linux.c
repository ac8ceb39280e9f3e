/* libFuzzer target: the readers of Linux family addresses the kernel returns (addr_linux.c):
 * csk_addr_copy, csk_packet_haddr (AF_PACKET), csk_tipc_fields (AF_TIPC), csk_alg_names (AF_ALG),
 * csk_bt_fields_of (AF_BLUETOOTH), and the writers of Bluetooth addresses: their text and
 * csk_bt_address.  Each reader sees a buffer holding exactly the bytes the kernel could have
 * written and a reported length that may say more or less.
 * Input: 1 byte choosing the reader, 2 bytes of reported length, then the address bytes (the
 * Bluetooth readers and writers take a protocol byte first; the writer then takes its fields).
 */
#include "fuzz.h"

/* The address as csocket's buffer would hold it: at most a csk_sockaddr's bytes were written. */
static unsigned char *returned(fuzz_in *in, socklen_t *len, size_t *written)
{
    *len = (socklen_t)take(in, 2);
    *written = *len < sizeof(csk_sockaddr) ? *len : sizeof(csk_sockaddr);
    return take_copy(in, *written);
}

static void addr_copy(fuzz_in *in)
{
    size_t size = (size_t)take(in, 1) * 2; /* a family's struct: 0..510 bytes */
    socklen_t len;
    size_t written;
    unsigned char *buf = returned(in, &len, &written);
    unsigned char *dst = fuzz_alloc(size);
    csk_addr_copy(dst, size, (const csk_sockaddr *)buf, len);
    size_t n = written < size ? written : size;
    CHECK(memcmp(dst, buf, n) == 0);
    for (size_t i = n; i < size; i++) {
        CHECK(dst[i] == 0);
    }
    free(dst);
    free(buf);
}

#ifdef CSK_HAVE_AF_PACKET
static void packet_haddr(fuzz_in *in)
{
    socklen_t len;
    size_t written;
    unsigned char *buf = returned(in, &len, &written);
    const unsigned char *bytes = NULL;
    size_t n = csk_packet_haddr((const csk_sockaddr *)buf, len, &bytes);
    if (n > 0) {
        CHECK(bytes >= buf && (size_t)(bytes - buf) + n <= written);
        volatile unsigned char sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum ^= bytes[i]; /* every byte reported must be readable */
        }
        (void)sum;
    }
    free(buf);
}
#endif

#ifdef CSK_HAVE_AF_TIPC
static void tipc(fuzz_in *in)
{
    socklen_t len;
    size_t written;
    unsigned char *buf = returned(in, &len, &written);
    unsigned v[5];
    if (csk_tipc_fields((const csk_sockaddr *)buf, len, v) == 0) {
        /* A known address type reads back into the same fields. */
        struct sockaddr_tipc t;
        CHECK(csk_tipc_address(&t, v) == (int)sizeof t);
        unsigned again[5];
        csk_sockaddr whole;
        memset(&whole, 0, sizeof whole);
        memcpy(&whole, &t, sizeof t);
        CHECK(csk_tipc_fields(&whole, sizeof t, again) == 0);
        CHECK(memcmp(v, again, sizeof v) == 0);
    }
    free(buf);
}
#endif

#ifdef CSK_HAVE_AF_ALG
static void alg_names(fuzz_in *in)
{
    socklen_t len;
    size_t written;
    unsigned char *buf = returned(in, &len, &written);
    size_t type_len = SIZE_MAX, name_len = SIZE_MAX;
    csk_alg_names((const csk_sockaddr *)buf, len, &type_len, &name_len);
    size_t type_at = offsetof(struct sockaddr_alg, salg_type);
    size_t name_at = offsetof(struct sockaddr_alg, salg_name);
    CHECK(type_len == 0 || type_at + type_len <= written);
    CHECK(name_len == 0 || name_at + name_len <= written);
    CHECK(type_len <= sizeof(((struct sockaddr_alg *)0)->salg_type));
    CHECK(name_len <= sizeof(((struct sockaddr_alg *)0)->salg_name));
    CHECK(memchr(buf + type_at, '\0', type_len) == NULL);
    CHECK(memchr(buf + name_at, '\0', name_len) == NULL);
    free(buf);
}
#endif

#ifdef CSK_HAVE_AF_BLUETOOTH
static void bt_text(fuzz_in *in)
{
    char *text = take_text(in);
    csk_bdaddr a;
    if (csk_bt_addr_parse(text, &a) == 0) {
        char out[18];
        csk_bdaddr b;
        csk_bt_addr_text(&a, out);
        CHECK(strlen(out) == 17);
        CHECK(csk_bt_addr_parse(out, &b) == 0 && memcmp(&a, &b, sizeof a) == 0);
    }
    free(text);
}

/* The padding byte at the end of sockaddr_rc and of sockaddr_l2: no field, written as zero. */
static int bt_padding(int proto, size_t i)
{
    return (proto == BTPROTO_RFCOMM && i == 9) || (proto == BTPROTO_L2CAP && i == 13);
}

/* A returned address: its fields, written back, give the bytes the kernel wrote (zeros past the
 * reported length), whatever the length. */
static void bt_read(fuzz_in *in)
{
    int proto = (int)take(in, 1) % 6; /* 4 and 5: protocols without an address */
    socklen_t len;
    size_t written;
    unsigned char *buf = returned(in, &len, &written);
    csk_bt_fields f;
    int r = csk_bt_fields_of((const csk_sockaddr *)buf, len, proto, &f);
    int size = csk_bt_addr_len(proto);
    CHECK((r == 0) == (size > 0));
    if (r == 0) {
        csk_sockaddr a;
        CHECK(csk_bt_address(&a, proto, &f) == size);
        const unsigned char *out = (const unsigned char *)&a;
        for (size_t i = sizeof(sa_family_t); i < (size_t)size; i++) {
            CHECK(out[i] == (bt_padding(proto, i) || i >= written ? 0 : buf[i]));
        }
    }
    free(buf);
}

/* Any fields: written and read back, each is what its kernel field keeps. */
static void bt_write(fuzz_in *in)
{
    int proto = (int)take(in, 1) % 6;
    csk_bt_fields f;
    for (int i = 0; i < 6; i++) {
        f.bdaddr.b[i] = (uint8_t)take(in, 1);
    }
    f.port = (unsigned)take(in, 4);
    f.cid = (unsigned)take(in, 4);
    f.bdaddr_type = (unsigned)take(in, 4);
    f.dev = (unsigned)take(in, 4);
    f.channel = (unsigned)take(in, 4);
    csk_sockaddr a;
    int size = csk_bt_address(&a, proto, &f);
    CHECK(size == csk_bt_addr_len(proto));
    if (size < 0) {
        return;
    }
    CHECK(a.sa.sa_family == AF_BLUETOOTH);
    csk_bt_fields g;
    CHECK(csk_bt_fields_of(&a, (socklen_t)size, proto, &g) == 0);
    if (proto != BTPROTO_HCI) {
        CHECK(memcmp(&g.bdaddr, &f.bdaddr, sizeof f.bdaddr) == 0);
    }
    switch (proto) {
    case BTPROTO_RFCOMM:
        CHECK(g.port == (f.port & 0xffu));
        break;
    case BTPROTO_L2CAP:
        CHECK(g.port == (f.port & 0xffffu) && g.cid == (f.cid & 0xffffu));
        CHECK(g.bdaddr_type == (f.bdaddr_type & 0xffu));
        break;
    case BTPROTO_HCI:
        CHECK(g.dev == (f.dev & 0xffffu) && g.channel == (f.channel & 0xffffu));
        break;
    default:
        break;
    }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    switch (take(&in, 1) % 7) {
    case 0:
        addr_copy(&in);
        break;
#ifdef CSK_HAVE_AF_PACKET
    case 1:
        packet_haddr(&in);
        break;
#endif
#ifdef CSK_HAVE_AF_TIPC
    case 2:
        tipc(&in);
        break;
#endif
#ifdef CSK_HAVE_AF_ALG
    case 3:
        alg_names(&in);
        break;
#endif
#ifdef CSK_HAVE_AF_BLUETOOTH
    case 4:
        bt_text(&in);
        break;
    case 5:
        bt_read(&in);
        break;
    case 6:
        bt_write(&in);
        break;
#endif
    default:
        break;
    }
    return 0;
}
