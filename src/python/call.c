/* Calling the core's I/O engine from Python: one GIL release per operation, PEP 475 on EINTR.
 *
 * The core never retries EINTR; here, with the GIL held again, Python's signal handlers run and
 * the operation resumes with the time left on its deadline.  An exception from a handler ends it.
 * Data transfers first try once without releasing the GIL (see py_sock_xfer).  Every call that
 * uses the fd with the GIL released is counted, so that close() never frees its number under it.
 */
#include "binding.h"

/* A call that began in blocking mode met EAGAIN: the socket was put in timeout mode since (by a
 * signal handler or another thread while the GIL was released), which made its fd non-blocking
 * under the call.  The call goes on blocking, as it began, like the built-in module's does; only
 * a socket made non-blocking (timeout 0) reports EAGAIN. */
static int mode_changed_under_blocking_call(const csk_sock *s, const csk_deadline *dl, ssize_t n)
{
    return CSK_WOULD_BLOCK(-n) && dl->timeout_ns < 0 && s->sock_timeout > 0;
}

int py_sock_enter(csk_sock *s)
{
    s->inflight++;
    return py_sock_fd(s);
}

void py_sock_leave(csk_sock *s)
{
    if (--s->inflight > 0 || s->close_fd < 0) {
        return;
    }
    int fd = s->close_fd;
    s->close_fd = -1;
    py_close_nogil(fd); /* close() already returned: nobody is left to hear of an error */
}

int py_close_nogil(int fd)
{
    int r;
    Py_BEGIN_ALLOW_THREADS
    r = csk_close(fd);
    Py_END_ALLOW_THREADS
    return r;
}

ssize_t py_sock_once(csk_sock *s, csk_attempt_fn attempt, void *op)
{
    ssize_t n;
    int fd = py_sock_enter(s);
    Py_BEGIN_ALLOW_THREADS
    n = attempt(fd, op);
    Py_END_ALLOW_THREADS
    py_sock_leave(s);
    return n;
}

/* `err` NULL: raise the error; otherwise store it there and return -1 with no exception. */
static Py_ssize_t run(csk_sock *s, short events, csk_attempt_fn attempt, void *op, csk_deadline *dl,
                      int wait_first, int *err)
{
    for (;;) {
        ssize_t n;
        py_sock_enter(s);
        Py_BEGIN_ALLOW_THREADS
        n = wait_first ? csk_io_after_wait(&s->sock_fd, events, attempt, op, dl)
                       : csk_io(&s->sock_fd, events, attempt, op, dl);
        Py_END_ALLOW_THREADS
        py_sock_leave(s);
        if (n >= 0) {
            return n;
        }
        if (mode_changed_under_blocking_call(s, dl, n)) {
            wait_first = 1; /* no deadline: wait for readiness as long as it takes, then retry */
            continue;
        }
        if (n != -EINTR) {
            if (err != NULL) {
                *err = (int)n;
                return -1;
            }
            py_raise((int)n);
            return -1;
        }
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        wait_first = 0;
    }
}

Py_ssize_t py_sock_call(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                        csk_deadline *dl)
{
    return run(s, events, attempt, op, dl, 0, NULL);
}

Py_ssize_t py_sock_call_err(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                            csk_deadline *dl, int *err)
{
    *err = 0;
    return run(s, events, attempt, op, dl, 0, err);
}

/* May this transfer try once with the GIL held?  Only as a call that cannot block (MSG_DONTWAIT,
 * whatever the fd's flags say), and only where that changes nothing the caller can see: in
 * non-blocking and timeout modes (the fd is non-blocking there anyway), and in blocking mode when
 * the caller accepts a short result (`short_ok`: receives, sendall, datagram sends), but never
 * with MSG_WAITALL.  A blocking send() on a stream must not come back short. */
static int may_try_holding_gil(const csk_sock *s, int flags, int short_ok)
{
    if (s->sock_timeout >= 0) {
        return 1;
    }
    return short_ok && !(flags & MSG_WAITALL);
}

Py_ssize_t py_sock_try_first(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                             int *flags, csk_deadline *dl, int short_ok)
{
    if (!may_try_holding_gil(s, *flags, short_ok)) {
        return run(s, events, attempt, op, dl, 0, NULL);
    }
    /* Releasing and taking back the GIL costs more than moving a small message, and most
     * transfers find their data (or buffer space) ready. */
    int asked = *flags;
    *flags = asked | MSG_DONTWAIT;
    ssize_t n = attempt(py_sock_fd(s), op);
    *flags = asked;
    if (n >= 0) {
        return n;
    }
    if (n != -EINTR && !CSK_WOULD_BLOCK(-n)) {
        py_raise((int)n);
        return -1;
    }
    if (dl->timeout_ns == 0 && n != -EINTR) {
        py_raise((int)n); /* non-blocking: report EAGAIN as the built-in module does */
        return -1;
    }
    /* Not ready: timeout mode waits for readiness first; blocking mode makes the blocking call. */
    return run(s, events, attempt, op, dl, dl->timeout_ns > 0 && n != -EINTR, NULL);
}

Py_ssize_t py_sock_xfer(csk_sock *s, short events, csk_attempt_fn attempt, csk_xfer *x,
                        csk_deadline *dl, int short_ok)
{
    return py_sock_try_first(s, events, attempt, x, &x->flags, dl, short_ok);
}
