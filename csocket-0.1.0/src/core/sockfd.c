/* Descriptors: creating, duplicating, closing and configuring socket file descriptors.
 *
 * Every descriptor csocket creates is close-on-exec from birth (PEP 446), atomically where the
 * platform allows.  Not here: I/O on the descriptors (io.c).
 */
#include "platform.h"
#include "csk.h"

/* Where SOCK_CLOEXEC is missing, mark the fd afterwards (not atomic against a concurrent fork). */
static int set_cloexec(int fd)
{
#ifdef CSK_HAVE_SOCK_CLOEXEC
    (void)fd;
    return 0;
#else
    return fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -errno : 0;
#endif
}

#ifdef CSK_HAVE_SOCK_CLOEXEC
#define CLOEXEC_TYPE(type) ((type) | SOCK_CLOEXEC)
#else
#define CLOEXEC_TYPE(type) (type)
#endif

int csk_socket(int family, int type, int proto)
{
    int fd = socket(family, CLOEXEC_TYPE(type), proto);
    if (fd < 0) {
        return -errno;
    }
    int err = set_cloexec(fd);
    if (err < 0) {
        close(fd);
        return err;
    }
    return fd;
}

int csk_socketpair(int family, int type, int proto, int fds[2])
{
    if (socketpair(family, CLOEXEC_TYPE(type), proto, fds) < 0) {
        return -errno;
    }
    int err = set_cloexec(fds[0]);
    if (err == 0) {
        err = set_cloexec(fds[1]);
    }
    if (err < 0) {
        close(fds[0]);
        close(fds[1]);
    }
    return err;
}

int csk_dup(int fd)
{
#ifdef CSK_HAVE_F_DUPFD_CLOEXEC
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return copy < 0 ? -errno : copy;
#else
    int copy = dup(fd);
    if (copy < 0) {
        return -errno;
    }
    if (fcntl(copy, F_SETFD, FD_CLOEXEC) < 0) {
        int err = errno;
        close(copy);
        return -err;
    }
    return copy;
#endif
}

int csk_close(int fd)
{
    /* Never retried on EINTR: on Linux the descriptor is already released, and retrying could
     * close a descriptor another thread just opened.  ECONNRESET means the peer reset the
     * connection; the descriptor is gone all the same, so it is not an error. */
    if (close(fd) < 0 && errno != ECONNRESET) {
        return -errno;
    }
    return 0;
}

int csk_set_nonblocking(int fd, int nonblocking)
{
#ifdef FIONBIO
    int on = nonblocking != 0;
    return ioctl(fd, FIONBIO, &on) < 0 ? -errno : 0;
#else
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) {
        return -errno;
    }
    int want = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (want != flags && fcntl(fd, F_SETFL, want) < 0) {
        return -errno;
    }
    return 0;
#endif
}

int csk_is_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) {
        return -errno;
    }
    return (flags & O_NONBLOCK) != 0;
}

int csk_getsockopt_int(int fd, int level, int name, int *value)
{
    socklen_t len = sizeof *value;
    return getsockopt(fd, level, name, value, &len) < 0 ? -errno : 0;
}

int csk_sock_family(int fd)
{
    csk_sockaddr addr;
    socklen_t len = sizeof addr;
    memset(&addr, 0, sizeof addr);
    if (getsockname(fd, &addr.sa, &len) < 0) {
        return -errno;
    }
    return addr.sa.sa_family;
}

int csk_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    return bind(fd, addr, len) < 0 ? -errno : 0;
}

int csk_listen(int fd, int backlog)
{
    return listen(fd, backlog) < 0 ? -errno : 0;
}

int csk_shutdown(int fd, int how)
{
    return shutdown(fd, how) < 0 ? -errno : 0;
}

int csk_sockname(int fd, int peer, csk_sockaddr *addr, socklen_t *len)
{
    *len = sizeof *addr;
    memset(addr, 0, sizeof *addr);
    int r = peer ? getpeername(fd, &addr->sa, len) : getsockname(fd, &addr->sa, len);
    return r < 0 ? -errno : 0;
}

int csk_setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    return setsockopt(fd, level, name, value, len) < 0 ? -errno : 0;
}

int csk_getsockopt(int fd, int level, int name, void *value, socklen_t *len)
{
    return getsockopt(fd, level, name, value, len) < 0 ? -errno : 0;
}
