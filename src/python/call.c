/* Calling the core's I/O engine from Python: one GIL release per operation, PEP 475 on EINTR.
 *
 * The core never retries EINTR; here, with the GIL held again, Python's signal handlers run and
 * the operation resumes with the time left on its deadline.  An exception from a handler ends it.
 */
#include "binding.h"

Py_ssize_t csk_sock_call(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                         csk_deadline *dl)
{
    for (;;) {
        int fd = csk_sock_fd(s);
        ssize_t n;
        Py_BEGIN_ALLOW_THREADS
        n = csk_io(fd, events, attempt, op, dl);
        Py_END_ALLOW_THREADS
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
    }
}
