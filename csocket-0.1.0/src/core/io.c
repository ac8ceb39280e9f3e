/* The I/O engine: every blocking socket operation is one attempt function run by csk_io().
 *
 * csk_io() tries the system call first and polls only when it would block, against one deadline
 * per Python-level call.  (CPython's own module polls before every call in timeout mode: two system
 * calls where one does.)  Batch operations later are more attempt functions, not more loops.
 * Not here: creating or configuring descriptors (sockfd.c), addresses (addr.c).
 */
#include "platform.h"
#include "csk.h"

#include <time.h>

int64_t csk_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * CSK_NS_PER_SEC + ts.tv_nsec;
}

void csk_deadline_start(csk_deadline *dl)
{
    if (dl->timeout_ns <= 0 || dl->deadline_ns != 0) {
        return;
    }
    int64_t now = csk_now_ns();
    /* Saturate: a timeout of centuries must not wrap into the past. */
    dl->deadline_ns = (dl->timeout_ns > INT64_MAX - now) ? INT64_MAX : now + dl->timeout_ns;
}

/* Milliseconds left for poll(), rounded up so poll never wakes before the deadline. */
static int ms_until(int64_t deadline_ns, int64_t now)
{
    int64_t left = deadline_ns - now;
    int64_t ms = left / 1000000 + (left % 1000000 != 0);
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

int csk_wait(int fd, short events, csk_deadline *dl)
{
    int ms = -1; /* blocking mode: wait as long as it takes */
    if (dl->timeout_ns > 0) {
        csk_deadline_start(dl);
        int64_t now = csk_now_ns();
        if (now >= dl->deadline_ns) {
            return CSK_ETIMEOUT;
        }
        ms = ms_until(dl->deadline_ns, now);
    }
    struct pollfd pfd = {.fd = fd, .events = events, .revents = 0};
    int n = poll(&pfd, 1, ms);
    if (n < 0) {
        return -errno;
    }
    return n == 0 ? CSK_ETIMEOUT : 0;
}

/* csk_wait() on the descriptor in `*fd`; a closed socket fails at once (poll() would skip a
 * negative fd and sleep out the whole timeout). */
static int wait_cell(const int *fd, short events, csk_deadline *dl)
{
    int now_fd = csk_fd_load(fd);
    return now_fd < 0 ? -EBADF : csk_wait(now_fd, events, dl);
}

ssize_t csk_io(const int *fd, short events, csk_attempt_fn attempt, void *op, csk_deadline *dl)
{
    for (;;) {
        ssize_t n = attempt(csk_fd_load(fd), op);
        if (n >= 0 || !CSK_WOULD_BLOCK(-n) || dl->timeout_ns <= 0) {
            return n;
        }
        /* Would block in timeout mode.  A readiness report that turns out false (another thread
         * took the data first) lands here again and waits for the time left. */
        int w = wait_cell(fd, events, dl);
        if (w < 0) {
            return w;
        }
    }
}

ssize_t csk_io_after_wait(const int *fd, short events, csk_attempt_fn attempt, void *op,
                          csk_deadline *dl)
{
    int w = wait_cell(fd, events, dl);
    return w < 0 ? w : csk_io(fd, events, attempt, op, dl);
}

/* ---- attempts: one system call each --------------------------------------------------------- */

ssize_t csk_recv_attempt(int fd, void *op)
{
    csk_xfer *x = op;
    ssize_t n = recv(fd, x->buf, x->len, x->flags);
    return n < 0 ? -errno : n;
}

ssize_t csk_recvfrom_attempt(int fd, void *op)
{
    csk_xfer *x = op;
    socklen_t len = x->addrlen; /* capacity; written back only on success */
    ssize_t n = recvfrom(fd, x->buf, x->len, x->flags, x->addr, &len);
    if (n < 0) {
        return -errno;
    }
    x->addrlen = len;
    return n;
}

ssize_t csk_send_attempt(int fd, void *op)
{
    csk_xfer *x = op;
    ssize_t n = send(fd, x->buf, x->len, x->flags);
    return n < 0 ? -errno : n;
}

ssize_t csk_sendto_attempt(int fd, void *op)
{
    csk_xfer *x = op;
    ssize_t n = sendto(fd, x->buf, x->len, x->flags, x->addr, x->addrlen);
    return n < 0 ? -errno : n;
}

ssize_t csk_accept_attempt(int fd, void *op)
{
    csk_xfer *x = op;
    socklen_t len = x->addrlen;
#ifdef CSK_HAVE_ACCEPT4
    int conn = accept4(fd, x->addr, &len, SOCK_CLOEXEC);
#else
    int conn = accept(fd, x->addr, &len);
    if (conn >= 0 && fcntl(conn, F_SETFD, FD_CLOEXEC) < 0) {
        int err = errno;
        close(conn);
        return -err;
    }
#endif
    if (conn < 0) {
        return -errno;
    }
    x->addrlen = len;
    return conn;
}

int csk_connect(const int *fd, const struct sockaddr *addr, socklen_t addrlen, csk_deadline *dl,
                int *in_progress)
{
    if (!*in_progress) {
        if (connect(csk_fd_load(fd), addr, addrlen) == 0) {
            return 0;
        }
        int err = errno;
        /* An interrupted connect goes on in the kernel: never call connect() again, wait for it
         * (unless the socket is non-blocking, where the caller reports EINTR). */
        if (err == EINTR) {
            *in_progress = dl->timeout_ns != 0;
            return -EINTR;
        }
        if (err != EINPROGRESS || dl->timeout_ns <= 0) {
            return -err;
        }
        *in_progress = 1;
    }
    int w = wait_cell(fd, POLLOUT, dl);
    if (w < 0) {
        return w;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(csk_fd_load(fd), SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
        return -errno;
    }
    return (soerr == 0 || soerr == EISCONN) ? 0 : -soerr;
}
