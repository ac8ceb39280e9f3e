/* Messages with ancillary data: the sendmsg/recvmsg attempts, laying out the control buffer that
 * sendmsg carries and walking the one recvmsg fills in.
 *
 * A received control buffer is read as untrusted input: every cmsg_len is checked against the
 * bytes really there, with arithmetic that cannot wrap, before anything is read through it.
 * Not here: Python objects (the binding's message.c) or addresses (addr.c).
 */
#include "platform.h"
#include "csk.h"

/* Where an item's data starts, from its header (CMSG_DATA's offset): POSIX defines CMSG_LEN(n)
 * as that offset plus n. */
#define DATA_OFFSET ((size_t)CMSG_LEN(0))

/* CMSG_ALIGN, which POSIX does not name: CMSG_SPACE(n) minus the aligned header. */
static size_t cmsg_align(size_t len)
{
    return (size_t)CMSG_SPACE(len) - (size_t)CMSG_SPACE(0);
}

int csk_cmsg_len(size_t datalen, size_t *out)
{
    if (datalen > CSK_CONTROL_LIMIT - DATA_OFFSET) {
        return -EOVERFLOW;
    }
    *out = (size_t)CMSG_LEN(datalen);
    return 0;
}

int csk_cmsg_space(size_t datalen, size_t *out)
{
    /* CMSG_SPACE(1) bounds the padding on both sides of the data, whatever the platform's
     * alignment, so CMSG_SPACE(datalen) can neither pass the limit nor wrap. */
    if (datalen > CSK_CONTROL_LIMIT - (size_t)CMSG_SPACE(1)) {
        return -EOVERFLOW;
    }
    *out = (size_t)CMSG_SPACE(datalen);
    return 0;
}

ssize_t csk_cmsg_build(void *buf, size_t cap, const csk_cmsg *items, size_t n)
{
    unsigned char *p = buf;
    size_t used = 0;
    if (cap > 0) {
        memset(buf, 0, cap); /* padding goes out as zeros */
    }
    for (size_t i = 0; i < n; i++) {
        size_t space;
        if (csk_cmsg_space(items[i].len, &space) < 0 || space > cap - used) {
            return -EMSGSIZE;
        }
        struct cmsghdr h;
        memset(&h, 0, sizeof h);
        h.cmsg_len = CMSG_LEN(items[i].len);
        h.cmsg_level = items[i].level;
        h.cmsg_type = items[i].type;
        memcpy(p + used, &h, sizeof h);
        if (items[i].data != NULL && items[i].len > 0) {
            memcpy(p + used + DATA_OFFSET, items[i].data, items[i].len);
        }
        used += space;
    }
    return (ssize_t)used;
}

void csk_cmsg_walk_init(csk_cmsg_walk *w, const void *control, size_t controllen)
{
    w->buf = control;
    w->len = controllen;
    /* As CMSG_FIRSTHDR: a first header only when a whole struct cmsghdr fits. */
    w->next = (control != NULL && controllen >= sizeof(struct cmsghdr)) ? 0 : SIZE_MAX;
}

/* The rules are those the built-in module applies through CMSG_NXTHDR (glibc's checked form):
 * an item whose length runs past the buffer is reported with the bytes present and ends the walk;
 * the next header is looked for only where a whole one fits after this item's padding. */
int csk_cmsg_next(csk_cmsg_walk *w, csk_cmsg_item *item)
{
    size_t off = w->next;
    if (off == SIZE_MAX) {
        return CSK_CMSG_END;
    }
    w->next = SIZE_MAX;
    /* off <= len always holds: it is 0 or was checked before it was stored. */
    size_t left = w->len - off;
    if (left < DATA_OFFSET) {
        return CSK_CMSG_MALFORMED;
    }
    struct cmsghdr h;
    memcpy(&h, w->buf + off, sizeof h);
    size_t claimed = (size_t)h.cmsg_len;
    if (claimed < DATA_OFFSET) {
        return CSK_CMSG_MALFORMED;
    }
    item->level = h.cmsg_level;
    item->type = h.cmsg_type;
    item->data = w->buf + off + DATA_OFFSET;
    if (claimed > left) {
        item->len = left - DATA_OFFSET;
        return CSK_CMSG_TRUNCATED;
    }
    item->len = claimed - DATA_OFFSET;
    /* claimed <= left, a real buffer's size, so aligning it cannot wrap. */
    size_t step = cmsg_align(claimed);
    if (step <= left && left - step >= sizeof(struct cmsghdr)) {
        w->next = off + step;
    }
    return CSK_CMSG_OK;
}

size_t csk_cmsg_close_fds(const void *control, size_t controllen)
{
    size_t closed = 0;
    csk_cmsg_walk w;
    csk_cmsg_item item;
    int st;
    csk_cmsg_walk_init(&w, control, controllen);
    while ((st = csk_cmsg_next(&w, &item)) > 0) {
        if (item.level != SOL_SOCKET || item.type != SCM_RIGHTS) {
            continue;
        }
        /* Only whole descriptors: a truncated item may end inside one. */
        for (size_t i = 0; i + sizeof(int) <= item.len; i += sizeof(int)) {
            int fd;
            memcpy(&fd, item.data + i, sizeof fd);
            close(fd);
            closed++;
        }
    }
    return closed;
}

/* ---- attempts: one system call each --------------------------------------------------------- */

ssize_t csk_sendmsg_attempt(int fd, void *op)
{
    csk_msg *m = op;
    ssize_t n = sendmsg(fd, &m->hdr, m->flags);
    return n < 0 ? -errno : n;
}

ssize_t csk_recvmsg_attempt(int fd, void *op)
{
    csk_msg *m = op;
    m->hdr.msg_namelen = m->name_cap;
    m->hdr.msg_controllen = m->control_cap;
    m->hdr.msg_flags = 0;
    ssize_t n = recvmsg(fd, &m->hdr, m->flags);
    return n < 0 ? -errno : n;
}

/* ---- AF_ALG operations ---------------------------------------------------------------------- */

#ifdef CSK_HAVE_AF_ALG

ssize_t csk_afalg_control_size(const void *iv, size_t ivlen, int assoclen)
{
    size_t total = 0, space;
    (void)csk_cmsg_space(sizeof(unsigned), &space);
    total += space;
    if (iv != NULL) {
        /* struct af_alg_iv's ivlen is 32 bits. */
        if (ivlen > UINT32_MAX ||
            csk_cmsg_space(offsetof(struct af_alg_iv, iv) + ivlen, &space) < 0) {
            return -EMSGSIZE;
        }
        total += space;
    }
    if (assoclen >= 0) {
        (void)csk_cmsg_space(sizeof assoclen, &space);
        total += space;
    }
    return total > CSK_CONTROL_LIMIT ? -EMSGSIZE : (ssize_t)total;
}

ssize_t csk_afalg_control(void *buf, size_t cap, unsigned op, const void *iv, size_t ivlen,
                          int assoclen)
{
    csk_cmsg items[3];
    size_t n = 0;
    items[n++] = (csk_cmsg){SOL_ALG, ALG_SET_OP, &op, sizeof op};
    if (iv != NULL) {
        /* A struct af_alg_iv (32-bit length, then the bytes): laid out as zeros, filled below. */
        items[n++] = (csk_cmsg){SOL_ALG, ALG_SET_IV, NULL, offsetof(struct af_alg_iv, iv) + ivlen};
    }
    if (assoclen >= 0) {
        items[n++] = (csk_cmsg){SOL_ALG, ALG_SET_AEAD_ASSOCLEN, &assoclen, sizeof assoclen};
    }
    ssize_t r = csk_cmsg_build(buf, cap, items, n);
    if (r >= 0 && iv != NULL) {
        unsigned char *alg_iv = (unsigned char *)buf + CMSG_SPACE(sizeof op) + DATA_OFFSET;
        uint32_t len32 = (uint32_t)ivlen;
        memcpy(alg_iv + offsetof(struct af_alg_iv, ivlen), &len32, sizeof len32);
        memcpy(alg_iv + offsetof(struct af_alg_iv, iv), iv, ivlen);
    }
    return r;
}

#endif /* CSK_HAVE_AF_ALG */
