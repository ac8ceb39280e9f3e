/* Batches of datagrams: the sendmmsg/recvmmsg attempts, laying out a batch's message headers and
 * cutting a buffer into segments, and UDP GSO/GRO's control messages (the segment size a send
 * carries, the one a coalesced receive reports).
 * Not here: Python objects and the per-socket GSO state (the binding's batch.c), waiting (io.c).
 */
#include "platform.h"
#include "csk.h"

#ifdef CSK_HAVE_MMSG

void csk_mmsg_layout(struct mmsghdr *msgs, struct iovec *iov, csk_sockaddr *names,
                     const socklen_t *namelens, size_t n)
{
    memset(msgs, 0, n * sizeof *msgs);
    for (size_t i = 0; i < n; i++) {
        struct msghdr *h = &msgs[i].msg_hdr;
        h->msg_iov = &iov[i];
        h->msg_iovlen = 1;
        if (names != NULL && (namelens == NULL || namelens[i] > 0)) {
            h->msg_name = &names[i];
            h->msg_namelen = namelens != NULL ? namelens[i] : (socklen_t)sizeof names[i];
        }
    }
}

ssize_t csk_sendmmsg_attempt(int fd, void *op)
{
    csk_mmsg *b = op;
    int n = sendmmsg(fd, b->msgs, b->n, b->flags);
    return n < 0 ? -errno : n;
}

ssize_t csk_recvmmsg_attempt(int fd, void *op)
{
    csk_mmsg *b = op;
    for (unsigned i = 0; i < b->n; i++) {
        struct msghdr *h = &b->msgs[i].msg_hdr;
        h->msg_namelen = h->msg_name != NULL ? b->name_cap : 0;
        h->msg_controllen = h->msg_control != NULL ? b->control_cap : 0;
        h->msg_flags = 0;
    }
    /* MSG_WAITFORONE: after the first datagram the kernel adds MSG_DONTWAIT itself, so only the
     * first may wait.  The timeout argument stays NULL: the kernel checks it only between
     * datagrams, so a call given one can still block forever (recvmmsg(2), BUGS). */
    int n = recvmmsg(fd, b->msgs, b->n, b->flags | MSG_WAITFORONE, NULL);
    return n < 0 ? -errno : n;
}

size_t csk_cut(struct iovec *iov, size_t cap, const void *data, size_t len, size_t piece,
               size_t *used)
{
    const unsigned char *p = data;
    size_t n = 0, off = 0;
    while (off < len && n < cap) {
        size_t take = len - off < piece ? len - off : piece;
        iov[n].iov_base = (void *)(p + off);
        iov[n].iov_len = take;
        off += take;
        n++;
    }
    *used = off;
    return n;
}

ssize_t csk_gso_control(void *buf, size_t cap, size_t segment)
{
    if (segment == 0 || segment > UINT16_MAX) {
        return -EINVAL;
    }
    uint16_t size = (uint16_t)segment;
    csk_cmsg item = {SOL_UDP, UDP_SEGMENT, &size, sizeof size};
    return csk_cmsg_build(buf, cap, &item, 1);
}

/* How many datagrams from `first` can be segments of one GSO message (see csk_mmsg_gso_layout). */
static size_t gso_run(const struct iovec *iov, const csk_sockaddr *names, const socklen_t *namelens,
                      size_t first, size_t n, size_t max_segs)
{
    size_t segment = iov[first].iov_len, total = segment, k = first + 1;
    if (segment == 0 || segment > UINT16_MAX) {
        return 1;
    }
    while (k < n && k - first < max_segs && iov[k - 1].iov_len == segment && iov[k].iov_len > 0 &&
           iov[k].iov_len <= segment && total + iov[k].iov_len <= CSK_GSO_MAX_PAYLOAD &&
           namelens[k] == namelens[first] &&
           memcmp(&names[k], &names[first], namelens[first]) == 0) {
        total += iov[k].iov_len;
        k++;
    }
    return k - first;
}

size_t csk_mmsg_gso_layout(struct mmsghdr *msgs, unsigned *counts, struct iovec *iov,
                           csk_sockaddr *names, const socklen_t *namelens, size_t n,
                           size_t max_segs, unsigned char *controls, size_t *largest)
{
    size_t made = 0;
    *largest = 0;
    for (size_t i = 0; i < n; made++) {
        size_t run = gso_run(iov, names, namelens, i, n, max_segs);
        struct msghdr *h = &msgs[made].msg_hdr;
        memset(&msgs[made], 0, sizeof msgs[made]);
        h->msg_iov = &iov[i];
        h->msg_iovlen = run;
        if (namelens[i] > 0) {
            h->msg_name = &names[i];
            h->msg_namelen = namelens[i];
        }
        if (run > 1) {
            unsigned char *control = controls + made * CSK_GSO_CONTROL_SPACE;
            h->msg_control = control;
            h->msg_controllen =
                (size_t)csk_gso_control(control, CSK_GSO_CONTROL_SPACE, iov[i].iov_len);
        }
        counts[made] = (unsigned)run;
        *largest = run > *largest ? run : *largest;
        i += run;
    }
    return made;
}

size_t csk_gro_segment(const void *control, size_t controllen)
{
    csk_cmsg_walk w;
    csk_cmsg_item item;
    csk_cmsg_walk_init(&w, control, controllen);
    while (csk_cmsg_next(&w, &item) == CSK_CMSG_OK) {
        if (item.level == SOL_UDP && item.type == UDP_GRO && item.len >= sizeof(int)) {
            int size;
            memcpy(&size, item.data, sizeof size);
            return size > 0 ? (size_t)size : 0;
        }
    }
    return 0;
}

#endif /* CSK_HAVE_MMSG */
