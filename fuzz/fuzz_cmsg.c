/* libFuzzer target: control (ancillary) data, msg.c.  Walking a received control buffer
 * (csk_cmsg_walk_init/csk_cmsg_next) must agree item by item with the C library's checked
 * CMSG_FIRSTHDR/CMSG_NXTHDR walk, and never point outside the buffer; csk_cmsg_close_fds must
 * close exactly the whole descriptors of complete or truncated SCM_RIGHTS items (close() is
 * redirected to a counter here: this target is built with -Dclose=fuzz_close); laying out items
 * with csk_cmsg_build and walking the result must give the same items back; the size helpers
 * (csk_cmsg_len/space, AF_ALG control) must refuse what would pass the limit; the UDP GRO reader
 * (csk_gro_segment, mmsg.c) must take the first whole UDP_GRO item and read nothing past it.
 * Input: 1 byte choosing the check, then its fields.
 */
#include "fuzz.h"
#include "../tests/c/cmsg_libc.h"

static size_t closed_count;
int fuzz_close(int fd)
{
    (void)fd;
    closed_count++;
    return 0;
}

/* Walk `buf` both ways and compare; returns the whole descriptors in SCM_RIGHTS items. */
static size_t walk_both(unsigned char *buf, size_t len)
{
    struct msghdr msg;
    struct cmsghdr *h = libc_cmsg_first(&msg, buf, len);
    csk_cmsg_walk w;
    csk_cmsg_item item;
    size_t fds = 0;
    csk_cmsg_walk_init(&w, buf, len);
    for (;;) {
        int st = csk_cmsg_next(&w, &item);
        if (h == NULL) {
            CHECK(st == CSK_CMSG_END);
            return fds;
        }
        size_t datalen = 0;
        int want = libc_cmsg_item(&msg, h, &datalen);
        if (want == CSK_CMSG_MALFORMED) {
            CHECK(st == CSK_CMSG_MALFORMED);
            return fds;
        }
        CHECK(st == want);
        CHECK(item.level == h->cmsg_level && item.type == h->cmsg_type && item.len == datalen);
        CHECK(item.data == CMSG_DATA(h));
        CHECK(item.data >= buf && (size_t)(item.data - buf) <= len &&
              item.len <= len - (size_t)(item.data - buf));
        if (item.level == SOL_SOCKET && item.type == SCM_RIGHTS) {
            fds += item.len / sizeof(int);
        }
        if (st == CSK_CMSG_TRUNCATED) {
            CHECK(csk_cmsg_next(&w, &item) == CSK_CMSG_END);
            return fds;
        }
        h = CMSG_NXTHDR(&msg, h);
    }
}

/* What csk_gro_segment (mmsg.c) must find, by the C library's own walk: the segment size in the
 * first whole SOL_UDP/UDP_GRO item of at least an int before any item that is cut or unusable;
 * 0 without one. */
static size_t gro_expected(unsigned char *buf, size_t len)
{
    struct msghdr msg;
    for (struct cmsghdr *h = libc_cmsg_first(&msg, buf, len); h != NULL; h = CMSG_NXTHDR(&msg, h)) {
        size_t datalen = 0;
        if (libc_cmsg_item(&msg, h, &datalen) != CSK_CMSG_OK) {
            break;
        }
        if (h->cmsg_level == SOL_UDP && h->cmsg_type == UDP_GRO && datalen >= sizeof(int)) {
            int size;
            memcpy(&size, CMSG_DATA(h), sizeof size);
            return size > 0 ? (size_t)size : 0;
        }
    }
    return 0;
}

static void walk(fuzz_in *in)
{
    size_t len = in->left;
    unsigned char *buf = take_copy(in, len);
    size_t fds = walk_both(buf, len);
    closed_count = 0;
    CHECK(csk_cmsg_close_fds(buf, len) == fds && closed_count == fds);
    CHECK(csk_gro_segment(buf, len) == gro_expected(buf, len));
    free(buf);
}

static void build(fuzz_in *in)
{
    size_t cap = (size_t)take(in, 2) % 2048;
    size_t n = (size_t)take(in, 1) % 9;
    csk_cmsg items[8];
    unsigned char *data[8];
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        items[i].level = (int)take(in, 4);
        items[i].type = (int)take(in, 4);
        items[i].len = (size_t)take(in, 2) % 512;
        data[i] = take_copy(in, items[i].len);
        items[i].data = (take(in, 1) & 7) == 0 ? NULL : data[i]; /* NULL: zeros */
        need += CMSG_SPACE(items[i].len);
    }
    unsigned char *buf = fuzz_alloc(cap);
    ssize_t used = csk_cmsg_build(cap > 0 ? buf : NULL, cap, items, n);
    if (need > cap) {
        CHECK(used == -EMSGSIZE);
    }
    else {
        CHECK(used == (ssize_t)need);
        /* Walking what was built gives the items back, whole and in order. */
        csk_cmsg_walk w;
        csk_cmsg_item item;
        csk_cmsg_walk_init(&w, buf, (size_t)used);
        for (size_t i = 0; i < n; i++) {
            CHECK(csk_cmsg_next(&w, &item) == CSK_CMSG_OK);
            CHECK(item.level == items[i].level && item.type == items[i].type &&
                  item.len == items[i].len);
            for (size_t k = 0; k < item.len; k++) {
                CHECK(item.data[k] == (items[i].data ? data[i][k] : 0));
            }
        }
        CHECK(csk_cmsg_next(&w, &item) == CSK_CMSG_END);
        walk_both(buf, (size_t)used);
    }
    free(buf);
    for (size_t i = 0; i < n; i++) {
        free(data[i]);
    }
}

static void sizes(fuzz_in *in)
{
    size_t datalen = (size_t)take(in, 8);
    if (take(in, 1) & 1) {
        datalen = (size_t)INT_MAX - (size_t)(take(in, 1) & 0x3f); /* near the limit */
    }
    size_t len = 0, space = 0;
    if (csk_cmsg_len(datalen, &len) == 0) {
        CHECK(len == CMSG_LEN(datalen) && len <= CSK_CONTROL_LIMIT && len > datalen);
    }
    else {
        CHECK(datalen > CSK_CONTROL_LIMIT - CMSG_LEN(0));
    }
    if (csk_cmsg_space(datalen, &space) == 0) {
        CHECK(space == CMSG_SPACE(datalen) && space <= CSK_CONTROL_LIMIT && space > datalen);
    }
    else {
        CHECK(datalen > CSK_CONTROL_LIMIT - CMSG_SPACE(1));
    }
#ifdef CSK_HAVE_AF_ALG
    size_t ivlen = (size_t)take(in, 2) % 600;
    int has_iv = (int)(take(in, 1) & 1);
    int assoclen = (int)take(in, 4);
    unsigned char *iv = take_copy(in, ivlen);
    ssize_t need = csk_afalg_control_size(has_iv ? iv : NULL, ivlen, assoclen);
    CHECK(need > 0);
    unsigned char *buf = fuzz_alloc((size_t)need);
    unsigned op = (unsigned)take(in, 4);
    CHECK(csk_afalg_control(buf, (size_t)need, op, has_iv ? iv : NULL, ivlen, assoclen) == need);
    walk_both(buf, (size_t)need);
    /* One byte less never fits. */
    CHECK(csk_afalg_control(buf, (size_t)need - 1, op, has_iv ? iv : NULL, ivlen, assoclen) ==
          -EMSGSIZE);
    free(buf);
    free(iv);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    switch (take(&in, 1) % 3) {
    case 0:
        walk(&in);
        break;
    case 1:
        build(&in);
        break;
    default:
        sizes(&in);
        break;
    }
    return 0;
}
