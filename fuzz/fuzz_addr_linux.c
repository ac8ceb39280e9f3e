/* libFuzzer target: the readers of Linux family addresses the kernel returns (addr_linux.c):
 * csk_addr_copy, csk_packet_haddr (AF_PACKET), csk_tipc_fields (AF_TIPC), csk_alg_names (AF_ALG),
 * and the Bluetooth address text where that header exists.  Each sees a buffer holding exactly
 * the bytes the kernel could have written and a reported length that may say more or less.
 * Input: 1 byte choosing the reader, 2 bytes of reported length, then the address bytes.
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
    unsigned char *dst = malloc(size > 0 ? size : 1);
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

#ifdef CSK_HAVE_BLUETOOTH_H
static void bt_text(fuzz_in *in)
{
    char *text = take_text(in);
    bdaddr_t a;
    if (csk_bt_addr_parse(text, &a) == 0) {
        char out[18];
        bdaddr_t b;
        csk_bt_addr_text(&a, out);
        CHECK(csk_bt_addr_parse(out, &b) == 0 && memcmp(&a, &b, sizeof a) == 0);
    }
    free(text);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    switch (take(&in, 1) % 5) {
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
#ifdef CSK_HAVE_BLUETOOTH_H
    case 4:
        bt_text(&in);
        break;
#endif
    default:
        break;
    }
    return 0;
}
