/* Calling the core's I/O engine from Python: one GIL release per operation, PEP 475 on EINTR.
 *
 * The core never retries EINTR; here, with the GIL held again, Python's signal handlers run and
 * the operation resumes with the time left on its deadline.  An exception from a handler ends it.
 * Data transfers first try once without releasing the GIL (see csk_sock_xfer).  Every call that
 * uses the fd with the GIL released is counted, so that close() never frees its number under it.
 */
#include "binding.h"

int csk_sock_enter(csk_sock *s)
{
    s->inflight++;
    return csk_sock_fd(s);
}

void csk_sock_leave(csk_sock *s)
{
    if (--s->inflight > 0 || s->close_fd < 0) {
        return;
    }
    int fd = s->close_fd;
    s->close_fd = -1;
    Py_BEGIN_ALLOW_THREADS
    (void)csk_close(fd); /* close() already returned: nobody is left to hear of an error */
    Py_END_ALLOW_THREADS
}

static Py_ssize_t run(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                      csk_deadline *dl, int wait_first)
{
    for (;;) {
        ssize_t n;
        csk_sock_enter(s);
        Py_BEGIN_ALLOW_THREADS
        n = wait_first ? csk_io_after_wait(&s->sock_fd, events, attempt, op, dl)
                       : csk_io(&s->sock_fd, events, attempt, op, dl);
        Py_END_ALLOW_THREADS
        csk_sock_leave(s);
        if (n >= 0) {
            return n;
        }
        if (n != -EINTR) {
            csk_raise((int)n);
            return -1;
        }
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        wait_first = 0;
    }
}

Py_ssize_t csk_sock_call(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                         csk_deadline *dl)
{
    return run(s, events, attempt, op, dl, 0);
}

/* May this transfer try once with the GIL held?  Only as a call that cannot block (MSG_DONTWAIT,
 * whatever the fd's flags say), and only where that changes nothing the caller can see: in
 * non-blocking and timeout modes (the fd is non-blocking there anyway), and for receives in
 * blocking mode, which return what is queued either way -- but not with MSG_WAITALL, and never
 * for blocking sends, which would otherwise come back short. */
static int may_try_holding_gil(const csk_sock *s, short events, const csk_xfer *x)
{
    if (s->sock_timeout >= 0) {
        return 1;
    }
    return events == POLLIN && !(x->flags & MSG_WAITALL);
}

Py_ssize_t csk_sock_xfer(csk_sock *s, short events, csk_attempt_fn attempt, csk_xfer *x,
                         csk_deadline *dl)
{
    if (!may_try_holding_gil(s, events, x)) {
        return run(s, events, attempt, x, dl, 0);
    }
    /* Releasing and taking back the GIL costs more than moving a small message, and most
     * transfers find their data (or buffer space) ready. */
    int flags = x->flags;
    x->flags = flags | MSG_DONTWAIT;
    ssize_t n = attempt(csk_sock_fd(s), x);
    x->flags = flags;
    if (n >= 0) {
        return n;
    }
    if (n != -EINTR && !CSK_WOULD_BLOCK(-n)) {
        csk_raise((int)n);
        return -1;
    }
    if (dl->timeout_ns == 0 && n != -EINTR) {
        csk_raise((int)n); /* non-blocking: report EAGAIN as the built-in module does */
        return -1;
    }
    /* Not ready: timeout mode waits for readiness first; blocking mode makes the blocking call. */
    return run(s, events, attempt, x, dl, dl->timeout_ns > 0 && n != -EINTR);
}
