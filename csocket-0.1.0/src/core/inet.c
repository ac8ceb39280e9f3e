/* IP addresses between their text and their packed (network byte order) form: inet_aton's
 * classic IPv4 forms, and the strict inet_pton / inet_ntop ones for IPv4 and IPv6.
 *
 * Pure parsing and formatting, no system state.  Not here: socket addresses (addr.c) or names
 * that need a lookup (resolve.c).
 */
#include "platform.h"
#include "csk.h"

int csk_inet_aton(const char *text, unsigned char packed[4])
{
    struct in_addr in;
    if (inet_aton(text, &in) == 0) {
        return -EINVAL;
    }
    memcpy(packed, &in, 4);
    return 0;
}

static size_t packed_len(int family)
{
    switch (family) {
    case AF_INET:
        return sizeof(struct in_addr);
    case AF_INET6:
        return sizeof(struct in6_addr);
    default:
        return 0;
    }
}

int csk_inet_pton(int family, const char *text, unsigned char packed[16])
{
    size_t len = packed_len(family);
    if (len == 0) {
        return -EAFNOSUPPORT;
    }
    int r = inet_pton(family, text, packed);
    if (r < 0) {
        return -errno;
    }
    return r == 0 ? 0 : (int)len;
}

int csk_inet_ntop(int family, const void *packed, size_t len, char *text, size_t cap)
{
    size_t want = packed_len(family);
    if (want == 0) {
        return -EAFNOSUPPORT;
    }
    if (len != want) {
        return -EINVAL;
    }
    if (cap > (size_t)INT_MAX) {
        cap = INT_MAX; /* socklen_t is narrower than size_t */
    }
    return inet_ntop(family, packed, text, (socklen_t)cap) != NULL ? 0 : -errno;
}
