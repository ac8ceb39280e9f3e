/* The resolver: getaddrinfo/getnameinfo, the host, service and protocol databases, the host name
 * and the interface index table.
 *
 * Errors are each API's own: EAI_* codes for getaddrinfo/getnameinfo (Python: socket.gaierror),
 * h_errno for host entries (socket.herror), -errno for the rest.  Thread-safe without a lock: the
 * reentrant (*_r) lookups write into memory the caller owns, never a static buffer.  Where a
 * platform lacks them, the classic calls run under one mutex and their answer is copied out.
 */
#include "platform.h"
#include "csk.h"

#include <stdlib.h>

/* ---- getaddrinfo / getnameinfo ------------------------------------------------------------ */

static int gai_result(int gai, int *sys_errno)
{
    *sys_errno = gai == EAI_SYSTEM ? errno : 0;
    return gai;
}

void csk_addrinfo_addr(const struct addrinfo *ai, csk_sockaddr *addr, socklen_t *addrlen)
{
    size_t len = ai->ai_addr == NULL ? 0 : ai->ai_addrlen;
    if (len > sizeof *addr) {
        len = sizeof *addr;
    }
    memset(addr, 0, sizeof *addr);
    if (len > 0) {
        memcpy(addr, ai->ai_addr, len);
    }
    *addrlen = (socklen_t)len;
}

int csk_resolve_host(const char *host, int family, csk_sockaddr *addr, socklen_t *addrlen,
                     int *sys_errno)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0) {
        return gai_result(gai, sys_errno);
    }
    csk_addrinfo_addr(res, addr, addrlen);
    freeaddrinfo(res);
    return 0;
}

int csk_getaddrinfo(const char *host, const char *service, int family, int type, int proto,
                    int flags, struct addrinfo **res, int *sys_errno)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = type;
    hints.ai_protocol = proto;
    hints.ai_flags = flags;
    *res = NULL;
    return gai_result(getaddrinfo(host, service, &hints, res), sys_errno);
}

int csk_numeric_sockaddr(const char *host, const char *service, csk_sockaddr *addr,
                         socklen_t *addrlen, int *multiple, int *sys_errno)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM; /* one answer per address, and any numeric port is valid */
    hints.ai_flags = AI_NUMERICHOST;
    int gai = getaddrinfo(host, service, &hints, &res);
    if (gai != 0) {
        return gai_result(gai, sys_errno);
    }
    csk_addrinfo_addr(res, addr, addrlen);
    *multiple = res->ai_next != NULL;
    freeaddrinfo(res);
    return 0;
}

int csk_getnameinfo(const csk_sockaddr *addr, socklen_t addrlen, int flags, char *host, char *serv,
                    int *sys_errno)
{
    int gai = getnameinfo(&addr->sa, addrlen, host, CSK_NI_MAXHOST, serv, CSK_NI_MAXSERV, flags);
    return gai_result(gai, sys_errno);
}

/* ---- memory for the database lookups ------------------------------------------------------ */

#define LOOKUP_FIRST ((size_t)2048)
#define LOOKUP_MAX                                                                                 \
    ((size_t)1 << 20) /* an answer larger than this is an error, not a reason to grow */

void csk_lookup_free(csk_lookup_buf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->cap = 0;
}

/* Make sure there is memory for an answer (grow: the last answer did not fit).  An answer too
 * large for LOOKUP_MAX is the lookup's ENOMEM, as glibc's own getservbyname() reports when its
 * buffer would grow too far; failing to allocate is ours (a MemoryError). */
static int lookup_room(csk_lookup_buf *b, int grow)
{
    if (b->cap != 0 && !grow) {
        return 0;
    }
    size_t cap = b->cap == 0 ? LOOKUP_FIRST : b->cap * 2;
    if (cap > LOOKUP_MAX) {
        return -ENOMEM;
    }
    char *buf = realloc(b->buf, cap);
    if (buf == NULL) {
        return CSK_ENOALLOC;
    }
    b->buf = buf;
    b->cap = cap;
    return 0;
}

static int copy_name(const char *src, char *name, size_t cap)
{
    size_t len = strlen(src);
    if (len >= cap) {
        return -ENAMETOOLONG;
    }
    memcpy(name, src, len + 1);
    return 0;
}

#ifdef CSK_HAVE_NETDB_R
/* ---- host, service and protocol entries: the reentrant calls ------------------------------ */

int csk_gethostbyname(const char *name, struct hostent *ent, csk_lookup_buf *b, int *herr)
{
    struct hostent *found = NULL;
    for (int r = lookup_room(b, 0);; r = lookup_room(b, 1)) {
        if (r < 0) {
            return r;
        }
        if (gethostbyname_r(name, ent, b->buf, b->cap, &found, herr) != ERANGE) {
            break;
        }
    }
    return found != NULL ? 0 : CSK_EHOST;
}

int csk_gethostbyaddr(const void *addr, socklen_t len, int family, struct hostent *ent,
                      csk_lookup_buf *b, int *herr)
{
    struct hostent *found = NULL;
    for (int r = lookup_room(b, 0);; r = lookup_room(b, 1)) {
        if (r < 0) {
            return r;
        }
        if (gethostbyaddr_r(addr, len, family, ent, b->buf, b->cap, &found, herr) != ERANGE) {
            break;
        }
    }
    return found != NULL ? 0 : CSK_EHOST;
}

/* getservbyname_r or getservbyport_r (name NULL) into ent. */
static int servent_r(const char *name, int port, const char *proto, struct servent *ent,
                     csk_lookup_buf *b)
{
    struct servent *found = NULL;
    for (int r = lookup_room(b, 0);; r = lookup_room(b, 1)) {
        if (r < 0) {
            return r;
        }
        r = name != NULL
                ? getservbyname_r(name, proto, ent, b->buf, b->cap, &found)
                : getservbyport_r(htons((uint16_t)port), proto, ent, b->buf, b->cap, &found);
        if (r != ERANGE) {
            break;
        }
    }
    return found != NULL ? 0 : -ENOENT;
}

int csk_getservbyname(const char *name, const char *proto, int *port)
{
    struct servent ent;
    csk_lookup_buf b = {NULL, 0};
    int r = servent_r(name, 0, proto, &ent, &b);
    if (r == 0) {
        *port = ntohs((uint16_t)ent.s_port);
    }
    csk_lookup_free(&b);
    return r;
}

int csk_getservbyport(int port, const char *proto, char *name, size_t cap)
{
    struct servent ent;
    csk_lookup_buf b = {NULL, 0};
    int r = servent_r(NULL, port, proto, &ent, &b);
    if (r == 0) {
        r = copy_name(ent.s_name, name, cap);
    }
    csk_lookup_free(&b);
    return r;
}

int csk_getprotobyname(const char *name, int *proto)
{
    struct protoent ent, *found = NULL;
    csk_lookup_buf b = {NULL, 0};
    for (int r = lookup_room(&b, 0);; r = lookup_room(&b, 1)) {
        if (r < 0) {
            csk_lookup_free(&b);
            return r;
        }
        if (getprotobyname_r(name, &ent, b.buf, b.cap, &found) != ERANGE) {
            break;
        }
    }
    if (found != NULL) {
        *proto = ent.p_proto;
    }
    csk_lookup_free(&b);
    return found != NULL ? 0 : -ENOENT;
}

#else
/* ---- host, service and protocol entries: the classic calls, serialised -------------------- */

#include <pthread.h>

/* The classic calls return static memory shared by every thread. */
static pthread_mutex_t netdb_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copy a host entry into b, so that it outlives the lock. */
static int copy_hostent(const struct hostent *src, struct hostent *dst, csk_lookup_buf *b)
{
    size_t naliases = 0, naddrs = 0, text = strlen(src->h_name) + 1;
    for (char **p = src->h_aliases; p != NULL && *p != NULL; p++, naliases++) {
        text += strlen(*p) + 1;
    }
    for (char **p = src->h_addr_list; *p != NULL; p++) {
        naddrs++;
    }
    size_t addr_len = (size_t)src->h_length;
    size_t vec = (naliases + naddrs + 2) * sizeof(char *);
    size_t need = vec + naddrs * addr_len + text;
    while (b->cap < need) {
        int r = lookup_room(b, 1);
        if (r < 0) {
            return r;
        }
    }
    char **ptrs = (char **)(void *)b->buf; /* malloc'ed memory is aligned for pointers */
    char *data = b->buf + vec;
    *dst = *src;
    dst->h_aliases = ptrs;
    dst->h_addr_list = ptrs + naliases + 1;
    for (size_t i = 0; i < naddrs; i++, data += addr_len) {
        dst->h_addr_list[i] = memcpy(data, src->h_addr_list[i], addr_len);
    }
    dst->h_addr_list[naddrs] = NULL;
    for (size_t i = 0; i < naliases; i++) {
        size_t n = strlen(src->h_aliases[i]) + 1;
        dst->h_aliases[i] = memcpy(data, src->h_aliases[i], n);
        data += n;
    }
    dst->h_aliases[naliases] = NULL;
    dst->h_name = memcpy(data, src->h_name, strlen(src->h_name) + 1);
    return 0;
}

static int host_answer(const struct hostent *found, struct hostent *ent, csk_lookup_buf *b,
                       int *herr)
{
    int r = found != NULL ? copy_hostent(found, ent, b) : CSK_EHOST;
    if (found == NULL) {
        *herr = h_errno;
    }
    return r;
}

int csk_gethostbyname(const char *name, struct hostent *ent, csk_lookup_buf *b, int *herr)
{
    pthread_mutex_lock(&netdb_lock);
    int r = host_answer(gethostbyname(name), ent, b, herr);
    pthread_mutex_unlock(&netdb_lock);
    return r;
}

int csk_gethostbyaddr(const void *addr, socklen_t len, int family, struct hostent *ent,
                      csk_lookup_buf *b, int *herr)
{
    pthread_mutex_lock(&netdb_lock);
    int r = host_answer(gethostbyaddr(addr, len, family), ent, b, herr);
    pthread_mutex_unlock(&netdb_lock);
    return r;
}

int csk_getservbyname(const char *name, const char *proto, int *port)
{
    pthread_mutex_lock(&netdb_lock);
    struct servent *found = getservbyname(name, proto);
    if (found != NULL) {
        *port = ntohs((uint16_t)found->s_port);
    }
    pthread_mutex_unlock(&netdb_lock);
    return found != NULL ? 0 : -ENOENT;
}

int csk_getservbyport(int port, const char *proto, char *name, size_t cap)
{
    pthread_mutex_lock(&netdb_lock);
    struct servent *found = getservbyport(htons((uint16_t)port), proto);
    int r = found != NULL ? copy_name(found->s_name, name, cap) : -ENOENT;
    pthread_mutex_unlock(&netdb_lock);
    return r;
}

int csk_getprotobyname(const char *name, int *proto)
{
    pthread_mutex_lock(&netdb_lock);
    struct protoent *found = getprotobyname(name);
    if (found != NULL) {
        *proto = found->p_proto;
    }
    pthread_mutex_unlock(&netdb_lock);
    return found != NULL ? 0 : -ENOENT;
}
#endif /* CSK_HAVE_NETDB_R */

/* ---- the host name and network interfaces ------------------------------------------------- */

int csk_gethostname(char *name, size_t cap)
{
    /* One byte is kept back: a name that fills the buffer exactly may come without its NUL. */
    if (gethostname(name, cap - 1) < 0) {
        return -errno;
    }
    name[cap - 1] = '\0';
    return 0;
}

int csk_sethostname(const void *name, size_t len)
{
    return sethostname(name, len) < 0 ? -errno : 0;
}

int csk_if_nameindex(struct if_nameindex **list)
{
    *list = if_nameindex();
    return *list != NULL ? 0 : -errno;
}

void csk_if_freenameindex(struct if_nameindex *list)
{
    if_freenameindex(list);
}

int64_t csk_if_nametoindex(const char *name)
{
    unsigned index = if_nametoindex(name);
    return index != 0 ? (int64_t)index : -errno;
}

int csk_if_indextoname(unsigned index, char name[IF_NAMESIZE])
{
    return if_indextoname(index, name) != NULL ? 0 : -errno;
}
