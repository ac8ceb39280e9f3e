/* The oracle for the core's control-message walker (src/core/msg.c): the C library's
 * CMSG_FIRSTHDR/CMSG_NXTHDR walk, with the status rules the built-in module applies to each
 * header.  Shared by the test harness tests/c/cmsg_walk.c and the fuzz target fuzz/fuzz_cmsg.c.
 */
#ifndef CSK_CMSG_LIBC_H
#define CSK_CMSG_LIBC_H

#include "platform.h"
#include "csk.h"

#include <string.h>

/* Set `msg` up to walk buf[0:len]; its first header, or NULL when there is none. */
static inline struct cmsghdr *libc_cmsg_first(struct msghdr *msg, unsigned char *buf, size_t len)
{
    memset(msg, 0, sizeof *msg);
    msg->msg_control = buf;
    msg->msg_controllen = len;
    return len > 0 ? CMSG_FIRSTHDR(msg) : NULL;
}

/* Header h of msg: CSK_CMSG_OK for a whole item, CSK_CMSG_TRUNCATED for one whose data is cut at
 * the buffer's end (*datalen: the data there is), CSK_CMSG_MALFORMED for a header that cannot be
 * used. */
static inline int libc_cmsg_item(const struct msghdr *msg, const struct cmsghdr *h, size_t *datalen)
{
    size_t off = (size_t)((const unsigned char *)h - (const unsigned char *)msg->msg_control);
    if (off > msg->msg_controllen || msg->msg_controllen - off < CMSG_LEN(0) ||
        h->cmsg_len < CMSG_LEN(0)) {
        return CSK_CMSG_MALFORMED;
    }
    size_t room = msg->msg_controllen - off - CMSG_LEN(0);
    size_t claimed = h->cmsg_len - CMSG_LEN(0);
    *datalen = claimed <= room ? claimed : room;
    return claimed <= room ? CSK_CMSG_OK : CSK_CMSG_TRUNCATED;
}

#endif
