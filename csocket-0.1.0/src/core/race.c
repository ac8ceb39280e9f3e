/* Happy Eyeballs (RFC 8305): connection attempts to several addresses raced from one thread.
 *
 * Each attempt is a non-blocking connect(); one poll() watches every pending one and SO_ERROR
 * judges each that wakes.  The caller creates, orders and closes the sockets (the binding does so
 * through socket objects, for audit hooks); here only their connects run and are timed.
 * Not here: name resolution, address ordering (the package does both in Python).
 */
#include "platform.h"
#include "csk.h"

void csk_race_init(csk_race *r, csk_race_attempt *attempts, struct pollfd *pfds, size_t n,
                   int64_t delay_ns, int64_t timeout_ns)
{
    memset(r, 0, sizeof *r);
    memset(attempts, 0, n * sizeof *attempts);
    r->attempts = attempts;
    r->pfds = pfds;
    r->n = n;
    r->delay_ns = delay_ns < CSK_RACE_MIN_GAP_NS ? CSK_RACE_MIN_GAP_NS : delay_ns;
    r->winner = -1;
    int64_t now = csk_now_ns();
    r->next_start_ns = now;
    r->last_start_ns = INT64_MIN;
    if (timeout_ns < 0) {
        r->deadline_ns = INT64_MAX;
    }
    else {
        r->deadline_ns = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
    }
}

/* An attempt failed: RFC 8305 section 5 starts the next one at once, but never sooner than the
 * minimum gap after the last start (section 5's lower bound on the Connection Attempt Delay). */
static void fail(csk_race *r, csk_race_attempt *a, int err, int64_t now)
{
    a->state = CSK_ATTEMPT_FAILED;
    a->error = err;
    int64_t soonest = r->last_start_ns == INT64_MIN ? now : r->last_start_ns + CSK_RACE_MIN_GAP_NS;
    int64_t at = soonest > now ? soonest : now;
    if (at < r->next_start_ns) {
        r->next_start_ns = at;
    }
}

void csk_race_skip(csk_race *r)
{
    fail(r, &r->attempts[r->started++], 0, csk_now_ns());
}

int csk_race_start(csk_race *r, const int *fd, const struct sockaddr *addr, socklen_t addrlen)
{
    csk_race_attempt *a = &r->attempts[r->started];
    int64_t now = csk_now_ns();
    a->fd = fd;
    r->started++;
    r->last_start_ns = now;
    r->next_start_ns = now > INT64_MAX - r->delay_ns ? INT64_MAX : now + r->delay_ns;
    if (connect(csk_fd_load(fd), addr, addrlen) == 0) {
        a->state = CSK_ATTEMPT_WON;
        r->winner = (int)(r->started - 1);
        return CSK_RACE_WON;
    }
    int err = errno;
    /* EINTR: the connect goes on in the kernel, so it is pending like EINPROGRESS. */
    if (err == EINPROGRESS || err == EINTR || CSK_WOULD_BLOCK(err)) {
        a->state = CSK_ATTEMPT_PENDING;
        return 0;
    }
    fail(r, a, -err, now);
    return -err;
}

/* Milliseconds until `when` for poll(), rounded up so the wait never ends early; -1 for never. */
static int ms_until(int64_t when, int64_t now)
{
    if (when == INT64_MAX) {
        return -1;
    }
    int64_t left = when - now;
    int64_t ms = left / 1000000 + (left % 1000000 != 0);
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Fill the poll set (a negative fd for every attempt not pending, which poll() skips); count the
 * pending attempts.  An attempt whose socket was closed under it fails with EBADF. */
static size_t poll_set(csk_race *r, int64_t now)
{
    size_t pending = 0;
    for (size_t i = 0; i < r->started; i++) {
        csk_race_attempt *a = &r->attempts[i];
        r->pfds[i].fd = -1;
        r->pfds[i].events = POLLOUT;
        r->pfds[i].revents = 0;
        if (a->state != CSK_ATTEMPT_PENDING) {
            continue;
        }
        int fd = csk_fd_load(a->fd);
        if (fd < 0) {
            fail(r, a, -EBADF, now);
            continue;
        }
        r->pfds[i].fd = fd;
        pending++;
    }
    return pending;
}

/* The attempts poll() woke: the first (in start order) that connected wins; the others that
 * report an error fail.  CSK_RACE_WON, CSK_RACE_FAILED (some failed), or 0 (nothing decided). */
static int judge(csk_race *r, int64_t now)
{
    int failed = 0;
    for (size_t i = 0; i < r->started; i++) {
        if (r->pfds[i].fd < 0 || r->pfds[i].revents == 0) {
            continue;
        }
        int soerr = 0;
        int got = csk_getsockopt_int(r->pfds[i].fd, SOL_SOCKET, SO_ERROR, &soerr);
        int err = got < 0 ? got : -soerr;
        if (err == 0 || err == -EISCONN) {
            r->attempts[i].state = CSK_ATTEMPT_WON;
            r->winner = (int)i;
            return CSK_RACE_WON;
        }
        fail(r, &r->attempts[i], err, now);
        failed = 1;
    }
    return failed ? CSK_RACE_FAILED : 0;
}

int csk_race_wait(csk_race *r)
{
    for (;;) {
        int64_t now = csk_now_ns();
        int more = r->started < r->n;
        if (more && now >= r->next_start_ns) {
            return CSK_RACE_NEXT;
        }
        if (now >= r->deadline_ns) {
            return CSK_ETIMEOUT;
        }
        size_t pending = poll_set(r, now);
        if (pending == 0 && !more) {
            return CSK_RACE_LOST;
        }
        int64_t wake =
            more && r->next_start_ns < r->deadline_ns ? r->next_start_ns : r->deadline_ns;
        int n = poll(r->pfds, r->started, ms_until(wake, now));
        if (n < 0) {
            return -errno;
        }
        int verdict = n > 0 ? judge(r, csk_now_ns()) : 0;
        if (verdict != 0) {
            return verdict;
        }
    }
}
