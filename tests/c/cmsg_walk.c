/* Test harness for the core's control-message walker (src/core/msg.c).
 *
 * Reads records from stdin -- a native size_t length, then that many bytes of control buffer --
 * and for each prints one line: the walk by csk_cmsg_next(), then " | ", then the same walk done
 * with the C library's CMSG_FIRSTHDR/CMSG_NXTHDR and the status rules the built-in module applies
 * to each header.  Each buffer is copied into memory of exactly its size, so a sanitizer build
 * catches any read past it.  Items print as "status:level:type:len;".
 */
#include "cmsg_libc.h"

#include <stdio.h>
#include <stdlib.h>

static void walk_core(const unsigned char *buf, size_t len)
{
    csk_cmsg_walk w;
    csk_cmsg_item item;
    int st;
    csk_cmsg_walk_init(&w, buf, len);
    while ((st = csk_cmsg_next(&w, &item)) != CSK_CMSG_END) {
        if (st == CSK_CMSG_MALFORMED) {
            printf("M;");
            break;
        }
        /* The item's data must lie inside the buffer. */
        if (item.data < buf || item.len > len || (size_t)(item.data - buf) > len - item.len) {
            printf("OUTSIDE;");
            break;
        }
        printf("%c:%d:%d:%zu;", st == CSK_CMSG_OK ? 'O' : 'T', item.level, item.type, item.len);
    }
}

static void walk_libc(unsigned char *buf, size_t len)
{
    struct msghdr msg;
    for (struct cmsghdr *h = libc_cmsg_first(&msg, buf, len); h != NULL; h = CMSG_NXTHDR(&msg, h)) {
        size_t datalen = 0;
        int st = libc_cmsg_item(&msg, h, &datalen);
        if (st == CSK_CMSG_MALFORMED) {
            printf("M;");
            break;
        }
        printf("%c:%d:%d:%zu;", st == CSK_CMSG_OK ? 'O' : 'T', h->cmsg_level, h->cmsg_type,
               datalen);
        if (st != CSK_CMSG_OK) {
            break;
        }
    }
}

int main(void)
{
    size_t len;
    while (fread(&len, sizeof len, 1, stdin) == 1) {
        unsigned char *buf = malloc(len > 0 ? len : 1);
        if (buf == NULL || fread(buf, 1, len, stdin) != len) {
            return 2;
        }
        walk_core(buf, len);
        printf(" | ");
        walk_libc(buf, len);
        printf("\n");
        free(buf);
    }
    return 0;
}
