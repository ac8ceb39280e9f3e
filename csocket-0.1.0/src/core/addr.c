/* Socket addresses: building AF_UNIX addresses, reading the ones the kernel returns (untrusted
 * lengths: never read past them), and the numeric text form of IP addresses.
 *
 * Not here: Python tuples (the binding's address.c) or name lookups (resolve.c).
 */
#include "platform.h"
#include "csk.h"

int csk_unix_address(struct sockaddr_un *un, int family, const void *path, size_t len)
{
    const size_t cap = sizeof un->sun_path;
    int abstract = 0;
#ifdef CSK_HAVE_UNIX_ABSTRACT
    /* Empty: let the kernel pick an abstract name (autobind).  Leading NUL: an abstract name,
     * which is every byte given, with no terminator. */
    abstract = len == 0 || ((const char *)path)[0] == '\0';
#endif
    /* A filesystem path needs room for its terminating NUL. */
    if (abstract ? len > cap : len >= cap) {
        return -ENAMETOOLONG;
    }
    un->sun_family = (sa_family_t)family;
    memcpy(un->sun_path, path, len);
    if (!abstract) {
        un->sun_path[len] = '\0';
    }
    return (int)(offsetof(struct sockaddr_un, sun_path) + len + !abstract);
}

size_t csk_unix_path(const struct sockaddr_un *un, socklen_t addrlen, int *abstract)
{
    const size_t start = offsetof(struct sockaddr_un, sun_path);
    *abstract = 0;
    if ((size_t)addrlen <= start) {
        return 0; /* unnamed: a socketpair end or an unbound socket */
    }
    size_t len = (size_t)addrlen - start;
    if (len > sizeof un->sun_path) {
        len = sizeof un->sun_path;
    }
#ifdef CSK_HAVE_UNIX_ABSTRACT
    if (un->sun_path[0] == '\0') {
        *abstract = 1;
        return len;
    }
#endif
    /* A path fills sun_path completely when it has no terminator: stop at the length. */
    return strnlen(un->sun_path, len);
}

int csk_ip_text(const csk_sockaddr *addr, char *out, size_t cap)
{
    switch (addr->sa.sa_family) {
    case AF_INET:
        return inet_ntop(AF_INET, &addr->in4.sin_addr, out, (socklen_t)cap) ? 0 : -errno;
    case AF_INET6:
        /* Without "%scope" even for link-local addresses: the built-in module's tuples carry
         * the scope as their own (fourth) field, and their host text never names it. */
        return inet_ntop(AF_INET6, &addr->in6.sin6_addr, out, (socklen_t)cap) ? 0 : -errno;
    default:
        return -EAFNOSUPPORT;
    }
}

socklen_t csk_ip_parse_numeric(const char *host, int family, csk_sockaddr *addr)
{
    if (family == AF_INET || family == AF_UNSPEC) {
        memset(&addr->in4, 0, sizeof addr->in4);
        if (inet_pton(AF_INET, host, &addr->in4.sin_addr) == 1) {
            addr->in4.sin_family = AF_INET;
            return sizeof addr->in4;
        }
    }
    if (family == AF_INET6 || family == AF_UNSPEC) {
        memset(&addr->in6, 0, sizeof addr->in6);
        if (inet_pton(AF_INET6, host, &addr->in6.sin6_addr) == 1) {
            addr->in6.sin6_family = AF_INET6;
            return sizeof addr->in6;
        }
    }
    return 0;
}
