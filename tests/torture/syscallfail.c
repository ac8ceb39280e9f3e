/* syscallfail.so: a test-only LD_PRELOAD shim that makes the n-th call of one chosen libc
 * function fail with a chosen errno (make test-torture).
 *
 * Only calls made directly from csocket's extension (the caller's return address lies in the
 * shared object given to syscallfail_watch) by the thread that armed the shim are counted, so
 * the interpreter's own system calls, the driver's and its helper threads' never fail.  A failed
 * call does what the kernel would have done for that error: nothing, except close() with EINTR
 * (Linux releases the descriptor all the same) and connect() with EINTR (the handshake goes on).
 * Control from Python through ctypes: syscallfail_watch, _arm, _disarm, _calls, _injected, and
 * where the failed call was made and with what: _site, _arg.  Not part of csocket.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "code_range.h"

#define FUNCS(X)                                                                                   \
    X(socket) X(socketpair) X(connect) X(accept4) X(bind) X(listen) X(shutdown) X(recv)            \
    X(recvfrom) X(recvmsg) X(recvmmsg) X(send) X(sendto) X(sendmsg) X(sendmmsg) X(poll)           \
    X(getsockopt) X(setsockopt) X(getsockname) X(getpeername) X(fcntl) X(ioctl) X(close)           \
    X(getaddrinfo) X(getnameinfo) X(malloc) X(realloc)

enum {
#define ID(name) F_##name,
    FUNCS(ID)
#undef ID
    F_COUNT
};

static const char *const names[F_COUNT] = {
#define NAME(name) #name,
    FUNCS(NAME)
#undef NAME
};

static uintptr_t text_lo, text_hi;
static pthread_t armed_thread;
static int armed;
static int fail_func = -1;
static long fail_nth;
static int fail_errno;
static long calls[F_COUNT];
static long injected;
static uintptr_t text_base;
static uintptr_t injected_site;  /* the failed call's return address, from csocket's base */
static int injected_arg;         /* what tells its calls apart: the flags (send/recv family),
                                  * level << 16 | option (getsockopt, setsockopt), else 0 */

/* Count a call from csocket; 1 when it is the one to fail (errno is then set). */
static int hit(int func, void *caller, int arg)
{
    uintptr_t pc = (uintptr_t)caller;
    if (!__atomic_load_n(&armed, __ATOMIC_RELAXED) || pc < text_lo || pc >= text_hi
        || !pthread_equal(pthread_self(), armed_thread)) {
        return 0;
    }
    if (++calls[func] != fail_nth || func != fail_func) {
        return 0;
    }
    injected++;
    injected_site = pc - text_base;
    injected_arg = arg;
    errno = fail_errno;
    return 1;
}

#define HIT(name) hit(F_##name, __builtin_return_address(0), 0)
#define HIT_FLAGS(name, flags) hit(F_##name, __builtin_return_address(0), (flags))
#define HIT_OPTION(name, level, option)                                                            \
    hit(F_##name, __builtin_return_address(0), (level) << 16 | (option))
#define REAL(name)                                                                                 \
    static __typeof__(name) *real_##name;                                                          \
    if (real_##name == NULL) {                                                                     \
        real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name);                                 \
    }

/* ---- control (ctypes) ---------------------------------------------------------------------- */

int syscallfail_watch(const char *path)
{
    struct code_range q;
    int found = code_range_of(path, &q);
    text_base = q.base;
    text_lo = q.lo;
    text_hi = q.hi;
    return found;
}

/* Count from now on (this thread); fail the nth call of `name` with `err` (nth 0: none).
 * Returns -1 for an unknown name. */
int syscallfail_arm(const char *name, long nth, int err)
{
    __atomic_store_n(&armed, 0, __ATOMIC_RELAXED);
    fail_func = -1;
    for (int i = 0; i < F_COUNT; i++) {
        calls[i] = 0;
        if (name != NULL && strcmp(name, names[i]) == 0) {
            fail_func = i;
        }
    }
    if (name != NULL && fail_func < 0) {
        return -1;
    }
    fail_nth = nth;
    fail_errno = err;
    injected = 0;
    armed_thread = pthread_self();
    __atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
    return 0;
}

void syscallfail_disarm(void)
{
    __atomic_store_n(&armed, 0, __ATOMIC_RELAXED);
}

/* Calls of `name` counted since the last arm, or -1 for an unknown name. */
long syscallfail_calls(const char *name)
{
    for (int i = 0; i < F_COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            return calls[i];
        }
    }
    return -1;
}

long syscallfail_injected(void)
{
    return injected;
}

/* Where the last failed call was made (an offset in csocket's object, for addr2line). */
long syscallfail_site(void)
{
    return (long)injected_site - 1;
}

int syscallfail_arg(void)
{
    return injected_arg;
}

/* ---- the functions -------------------------------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
    REAL(socket);
    return HIT(socket) ? -1 : real_socket(domain, type, protocol);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
    REAL(socketpair);
    return HIT(socketpair) ? -1 : real_socketpair(domain, type, protocol, sv);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    REAL(connect);
    if (!HIT(connect)) {
        return real_connect(fd, addr, len);
    }
    if (errno != EINTR) {
        return -1;
    }
    /* A signal during connect(): the handshake goes on in the kernel. */
    if (real_connect(fd, addr, len) == 0 || errno == EINPROGRESS) {
        errno = EINTR;
    }
    return -1;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    REAL(accept4);
    return HIT(accept4) ? -1 : real_accept4(fd, addr, len, flags);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    REAL(bind);
    return HIT(bind) ? -1 : real_bind(fd, addr, len);
}

int listen(int fd, int backlog)
{
    REAL(listen);
    return HIT(listen) ? -1 : real_listen(fd, backlog);
}

int shutdown(int fd, int how)
{
    REAL(shutdown);
    return HIT(shutdown) ? -1 : real_shutdown(fd, how);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    REAL(recv);
    return HIT_FLAGS(recv, flags) ? -1 : real_recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen)
{
    REAL(recvfrom);
    return HIT_FLAGS(recvfrom, flags) ? -1 : real_recvfrom(fd, buf, len, flags, addr, alen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    REAL(recvmsg);
    return HIT_FLAGS(recvmsg, flags) ? -1 : real_recvmsg(fd, msg, flags);
}

int recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags, struct timespec *timeout)
{
    REAL(recvmmsg);
    return HIT_FLAGS(recvmmsg, flags) ? -1 : real_recvmmsg(fd, vec, n, flags, timeout);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    REAL(send);
    return HIT_FLAGS(send, flags) ? -1 : real_send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
               socklen_t alen)
{
    REAL(sendto);
    return HIT_FLAGS(sendto, flags) ? -1 : real_sendto(fd, buf, len, flags, addr, alen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    REAL(sendmsg);
    return HIT_FLAGS(sendmsg, flags) ? -1 : real_sendmsg(fd, msg, flags);
}

int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
    REAL(sendmmsg);
    return HIT_FLAGS(sendmmsg, flags) ? -1 : real_sendmmsg(fd, vec, n, flags);
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    REAL(poll);
    return HIT(poll) ? -1 : real_poll(fds, n, timeout);
}

int getsockopt(int fd, int level, int name, void *value, socklen_t *len)
{
    REAL(getsockopt);
    return HIT_OPTION(getsockopt, level, name) ? -1 : real_getsockopt(fd, level, name, value, len);
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    REAL(setsockopt);
    return HIT_OPTION(setsockopt, level, name) ? -1 : real_setsockopt(fd, level, name, value, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    REAL(getsockname);
    return HIT(getsockname) ? -1 : real_getsockname(fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    REAL(getpeername);
    return HIT(getpeername) ? -1 : real_getpeername(fd, addr, len);
}

/* Every fcntl and ioctl request csocket makes takes an int or a pointer: pass a pointer-sized
 * argument on. */
int fcntl(int fd, int cmd, ...)
{
    REAL(fcntl);
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return HIT(fcntl) ? -1 : real_fcntl(fd, cmd, arg);
}

int ioctl(int fd, unsigned long request, ...)
{
    REAL(ioctl);
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return HIT(ioctl) ? -1 : real_ioctl(fd, request, arg);
}

int close(int fd)
{
    REAL(close);
    if (!HIT(close)) {
        return real_close(fd);
    }
    if (errno == EINTR || errno == ECONNRESET) {
        real_close(fd); /* Linux has released the descriptor when close() reports these */
        errno = fail_errno;
    }
    return -1;
}

/* The resolver's errors are EAI_* codes: ENOMEM is EAI_MEMORY, EAGAIN is EAI_AGAIN, anything
 * else EAI_SYSTEM with errno set. */
static int eai_of(int err)
{
    return err == ENOMEM ? EAI_MEMORY : err == EAGAIN ? EAI_AGAIN : EAI_SYSTEM;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    REAL(getaddrinfo);
    return HIT(getaddrinfo) ? eai_of(errno) : real_getaddrinfo(node, service, hints, res);
}

int getnameinfo(const struct sockaddr *addr, socklen_t alen, char *host, socklen_t hlen,
                char *serv, socklen_t slen, int flags)
{
    REAL(getnameinfo);
    return HIT(getnameinfo) ? eai_of(errno)
                            : real_getnameinfo(addr, alen, host, hlen, serv, slen, flags);
}

/* malloc and realloc: csocket's own (the per-thread receive buffer, the resolver's buffer).
 * dlsym may allocate while malloc is being looked up: serve that from a static buffer. */
static char boot_heap[4096];
static size_t boot_used;
static int resolving;

void *malloc(size_t size)
{
    static void *(*real_malloc)(size_t);
    if (real_malloc == NULL) {
        if (resolving) {
            size = (size + 15) & ~(size_t)15;
            if (boot_used + size > sizeof boot_heap) {
                return NULL;
            }
            boot_used += size;
            return boot_heap + boot_used - size;
        }
        resolving = 1;
        real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
        resolving = 0;
    }
    return HIT(malloc) ? NULL : real_malloc(size);
}

void *realloc(void *ptr, size_t size)
{
    REAL(realloc);
    return HIT(realloc) ? NULL : real_realloc(ptr, size);
}
