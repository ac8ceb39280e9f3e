/* Batch datagram I/O, csocket's own methods (the built-in module has none of them): sendmmsg,
 * recvmmsg, recvmmsg_into, send_segments (UDP GSO, falling back to sendmmsg) and recv_segments
 * (UDP GRO).  Python objects become the core's message headers (mmsg.c); the engine (call.c)
 * waits, keeps the deadline and runs signal handlers as for every other transfer.
 * Not here: the built-in module's transfers (transfer.c, message.c).
 */
#include "binding.h"

#ifdef CSK_HAVE_MMSG

/* ---- a batch's headers and what they point at --------------------------------------------- */

typedef struct {
    csk_sockaddr *names; /* NULL unless asked for */
    struct mmsghdr *msgs;
    struct iovec *iov;
    Py_buffer *views;        /* NULL unless asked for */
    unsigned char *controls; /* with views (sending): a GSO control buffer per message */
    unsigned *counts;        /* with views: datagrams per header (csk_mmsg_gso_layout) */
    socklen_t *namelens;     /* with names when sending */
    Py_ssize_t held;         /* views held */
} batch;

/* Room for n <= CSK_BATCH_MAX messages in one allocation (so no size can overflow). */
static int batch_new(batch *b, size_t n, int names, int views)
{
    memset(b, 0, sizeof *b);
    size_t each = sizeof(struct mmsghdr) + sizeof(struct iovec) +
                  (names ? sizeof(csk_sockaddr) + sizeof(socklen_t) : 0) +
                  (views ? sizeof(Py_buffer) + CSK_GSO_CONTROL_SPACE + sizeof(unsigned) : 0);
    /* Most aligned first; socklen_t, the one with the smallest alignment, last. */
    char *p = PyMem_Malloc(each * (n > 0 ? n : 1));
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (names) {
        b->names = (csk_sockaddr *)p;
        p += n * sizeof(csk_sockaddr);
    }
    b->msgs = (struct mmsghdr *)p;
    b->iov = (struct iovec *)(p + n * sizeof(struct mmsghdr));
    p = (char *)(b->iov + n);
    if (views) {
        b->views = (Py_buffer *)p;
        p += n * sizeof(Py_buffer);
        b->controls = (unsigned char *)p; /* CMSG_SPACE keeps the alignment of what follows */
        p += n * CSK_GSO_CONTROL_SPACE;
        b->counts = (unsigned *)p;
        p += n * sizeof(unsigned);
    }
    if (names) {
        b->namelens = (socklen_t *)p;
    }
    return 0;
}

static void batch_release_views(batch *b)
{
    for (Py_ssize_t i = 0; i < b->held; i++) {
        PyBuffer_Release(&b->views[i]);
    }
    b->held = 0;
}

static void batch_free(batch *b)
{
    batch_release_views(b);
    PyMem_Free(b->names != NULL ? (void *)b->names : (void *)b->msgs);
}

/* The first call of a send batch goes through the engine (waits, deadline, PEP 475; its error is
 * raised, or handed back in *err when err is given); later ones are tried once, and their error
 * only ends the batch, whose count so far is the result. */
static Py_ssize_t send_call(csk_sock *s, csk_mmsg *m, int first, csk_deadline *dl, int *err)
{
    if (!first) {
        ssize_t n = py_sock_once(s, csk_sendmmsg_attempt, m);
        return n < 0 ? 0 : n;
    }
    if (err != NULL) {
        return py_sock_call_err(s, POLLOUT, csk_sendmmsg_attempt, m, dl, err);
    }
    return py_sock_call(s, POLLOUT, csk_sendmmsg_attempt, m, dl);
}

/* ---- sendmmsg ------------------------------------------------------------------------------ */

/* Message i of a send batch from one item: a bytes-like object, or a (data, address) pair
 * (address None: none).  Converted in sendto's order: the data, then the address.  *last is the
 * address object of the item before: the same object again (a batch to one peer) is not parsed
 * again. */
static int send_item(csk_sock *s, PyObject *item, batch *b, size_t i, PyObject **last)
{
    PyObject *data = item, *addro = Py_None;
    if (PyTuple_Check(item)) {
        if (PyTuple_GET_SIZE(item) != 2) {
            PyErr_Format(PyExc_TypeError,
                         "sendmmsg() items must be bytes-like objects or (data, address) pairs, "
                         "not a tuple of %zd",
                         PyTuple_GET_SIZE(item));
            return -1;
        }
        data = PyTuple_GET_ITEM(item, 0);
        addro = PyTuple_GET_ITEM(item, 1);
    }
    if (py_get_buffer(data, &b->views[i], "sendmmsg", 0) < 0) {
        return -1;
    }
    b->held = (Py_ssize_t)i + 1;
    b->iov[i].iov_base = b->views[i].buf;
    b->iov[i].iov_len = (size_t)b->views[i].len;
    b->namelens[i] = 0;
    if (addro == Py_None) {
        return 0;
    }
    if (i > 0 && addro == *last && b->namelens[i - 1] > 0) {
        memcpy(&b->names[i], &b->names[i - 1], b->namelens[i - 1]);
        b->namelens[i] = b->namelens[i - 1];
    }
    else if (py_address_parse(s, addro, &b->names[i], &b->namelens[i], "sendmmsg") < 0) {
        return -1;
    }
    *last = addro;
    /* Audited as sendto, so that a hook that vets destinations sees every one. */
    return PySys_Audit("socket.sendto", "OO", (PyObject *)s, addro);
}

/* ---- UDP GSO, for sendmmsg and send_segments ------------------------------------------------ */

/* Segments per GSO message to try: as many as one message's payload allows, but fewer than the
 * fewest the kernel refused and, while its limit is still being searched, halfway between what
 * worked and what did not.  The limit (64, 128 in newer kernels) is thus learnt, never assumed. */
static size_t gso_per_message(const csk_sock *s, size_t by_size)
{
    if (s->gso_refused <= 0) {
        return by_size;
    }
    size_t good = s->gso_segs > 0 ? (size_t)s->gso_segs : 0, bad = (size_t)s->gso_refused;
    size_t mid = good + (bad - good) / 2;
    mid = mid > 0 ? mid : 1;
    return mid < by_size ? mid : by_size;
}

/* Does this kernel know UDP GSO?  1 yes, 0 no, -1 the probe failed for another reason (ENOBUFS,
 * ENOMEM, EBADF when closed under the call), which proves nothing either way.  The probe's answer
 * is only a hint: without GSO the same datagrams go out through plain sendmmsg, and an error of
 * the socket itself is the send's to raise.  So a failed probe is never an exception, and only a
 * kernel's ENOPROTOOPT (before 4.18) turns GSO off for good. */
static int gso_known(int fd)
{
    int value;
    int r = csk_getsockopt_int(fd, SOL_UDP, UDP_SEGMENT, &value);
    return r == 0 ? 1 : r == -ENOPROTOOPT ? 0 : -1;
}

/* May this socket try GSO?  UDP over IP only, not known to lack it, and a kernel that knows the
 * option: one before 4.18 would ignore the control message and send one huge datagram. */
static int gso_usable(csk_sock *s, size_t segment)
{
    if (s->gso_segs < 0 || segment > UINT16_MAX || segment > CSK_GSO_MAX_PAYLOAD) {
        return 0;
    }
    if (s->gso_segs == 0 && s->gso_refused == 0) {
        int ip = s->sock_family == AF_INET || s->sock_family == AF_INET6;
        int known = ip && s->sock_type == SOCK_DGRAM ? gso_known(py_sock_fd(s)) : 0;
        if (known <= 0) {
            s->gso_segs = known == 0 ? -1 : 0; /* a failed probe: ask again next time */
            return 0;
        }
    }
    return 1;
}

/* The kernel refused a GSO send of `segs` segments per message with err: remember what that
 * says of this socket.  1: fewer segments may pass; 0: send without GSO; -1: an error of the
 * send itself (a pending ICMP error, a timeout), which the caller raises. */
static int gso_refusal(csk_sock *s, int err, size_t segs)
{
    if (err == -EINVAL && segs > 1) {
        s->gso_refused = (int)segs; /* too many segments for this kernel: fewer */
        return 1;
    }
    if (err == -EINVAL || err == -EIO || err == -ENOPROTOOPT || err == -EOPNOTSUPP) {
        s->gso_segs = -1; /* no checksum offload, UDP-Lite, IPsec, no GSO: never again */
        return 0;
    }
    return err == -EMSGSIZE ? 0 : -1; /* EMSGSIZE: a segment over the path's MTU, which plain
                                       * datagrams may pass by fragmenting */
}

/* The datagrams the first `sent` headers of a GSO layout carried; what they prove is learnt. */
static Py_ssize_t gso_sent(csk_sock *s, const unsigned *counts, Py_ssize_t sent)
{
    Py_ssize_t datagrams = 0;
    for (Py_ssize_t k = 0; k < sent; k++) {
        datagrams += counts[k];
        if ((int)counts[k] > s->gso_segs) {
            s->gso_segs = (int)counts[k];
        }
    }
    return datagrams;
}

/* Send the `ready` messages of b in one system call: how many were sent, or -1.  Runs of
 * equal-sized datagrams to one address go as UDP GSO segments where the socket allows it (the
 * rules and what was learnt are send_segments', below); the peer receives the same datagrams,
 * in fewer trips through the stack.  When the kernel refuses, the call is made without. */
static Py_ssize_t send_ready(csk_sock *s, batch *b, size_t ready, int flags, int first,
                             csk_deadline *dl)
{
    if (ready > 1 && !(flags & MSG_MORE) && gso_usable(s, 1)) {
        size_t largest;
        size_t headers =
            csk_mmsg_gso_layout(b->msgs, b->counts, b->iov, b->names, b->namelens, ready,
                                gso_per_message(s, ready), b->controls, &largest);
        if (largest > 1) {
            csk_mmsg m = {b->msgs, (unsigned)headers, flags, 0, 0};
            int err = 0;
            Py_ssize_t sent = send_call(s, &m, first, dl, &err);
            if (sent >= 0) {
                return gso_sent(s, b->counts, sent);
            }
            if (err == 0) {
                return -1; /* a signal handler raised */
            }
            if (gso_refusal(s, err, largest) < 0) {
                py_raise(err);
                return -1;
            }
            /* then as if GSO had not been tried */
        }
    }
    csk_mmsg m = {b->msgs, (unsigned)ready, flags, 0, 0};
    csk_mmsg_layout(b->msgs, b->iov, b->names, b->namelens, ready);
    return send_call(s, &m, first, dl, NULL);
}

/* Send items [start, start + n) of `items` in one system call: the count sent, or -1. */
static Py_ssize_t send_chunk(csk_sock *s, PyObject *items, Py_ssize_t start, size_t n, int flags,
                             batch *b, csk_deadline *dl)
{
    size_t ready = 0;
    PyObject *last = NULL; /* borrowed: the items hold it */
    while (ready < n) {
        if (send_item(s, PySequence_Fast_GET_ITEM(items, start + (Py_ssize_t)ready), b, ready,
                      &last) < 0) {
            break;
        }
        ready++;
    }
    Py_ssize_t sent = -1;
    /* A bad item ends the batch before it, but only the first call raises (nothing was sent
     * yet); after that the count so far is the result and the caller meets the error when it
     * resumes from that item.  An interrupt (not an Exception) always propagates. */
    if (ready == n || (start > 0 && PyErr_ExceptionMatches(PyExc_Exception))) {
        PyErr_Clear();
        sent = ready == 0 ? 0 : send_ready(s, b, ready, flags, start == 0, dl);
    }
    batch_release_views(b);
    return sent;
}

CSK_DOC(sock_sendmmsg,
        "sendmmsg(messages[, flags]) -> count\n\n"
        "Send several datagrams with as few system calls as possible (one per 1024),\n"
        "a csocket extra (Linux).  messages is an iterable whose items are bytes-like\n"
        "objects (on a connected socket) or (data, address) pairs; an address of None\n"
        "means the connected peer.  flags is as for send().\n\n"
        "Return how many messages were sent, counting from the first.  As with the\n"
        "system call, a short count is normal (the socket's buffer filled, or a\n"
        "later message failed): send again from the first unsent message.  An error\n"
        "is raised only when no message could be sent.  In timeout mode the call\n"
        "waits only while the first message would block.\n\n"
        "On UDP, consecutive datagrams of one size (the last may be shorter) to one\n"
        "address go as segments of one UDP GSO message where the kernel allows it:\n"
        "the receiver gets the same datagrams, for less work per datagram.");

PyObject *sock_sendmmsg(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int flags = 0;
    if (!py_nargs("sendmmsg", nargs, 1, 2) || (nargs == 2 && py_to_int(args[1], &flags) < 0)) {
        return NULL;
    }
    PyObject *items = py_items_of(args[0], "sendmmsg() argument 1 must be an iterable");
    if (items == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items), total = 0;
    batch b;
    if (n == 0 || batch_new(&b, n < CSK_BATCH_MAX ? (size_t)n : CSK_BATCH_MAX, 1, 1) < 0) {
        Py_DECREF(items);
        return n == 0 ? PyLong_FromLong(0) : NULL;
    }
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    while (total < n) {
        size_t chunk = n - total < CSK_BATCH_MAX ? (size_t)(n - total) : CSK_BATCH_MAX;
        Py_ssize_t sent = send_chunk(s, items, total, chunk, flags, &b, &dl);
        if (sent < 0) {
            total = -1;
            break;
        }
        total += sent;
        if ((size_t)sent < chunk) {
            break;
        }
    }
    batch_free(&b);
    Py_DECREF(items);
    return total < 0 ? NULL : PyLong_FromSsize_t(total);
}

/* ---- recvmmsg and recvmmsg_into ------------------------------------------------------------ */

/* Receive into the batch's n buffers (already in b->iov): the datagrams received, or -1. */
static Py_ssize_t recv_batch(csk_sock *s, batch *b, size_t n, int flags)
{
    memset(b->names, 0, n * sizeof *b->names); /* AF_UNSPEC: "no address" if none is written */
    csk_mmsg_layout(b->msgs, b->iov, b->names, NULL, n);
    csk_mmsg m = {b->msgs, (unsigned)n, flags, (socklen_t)sizeof(csk_sockaddr), 0};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    /* Datagrams are usually queued already: the first try keeps the GIL, as recv()'s does. */
    return py_sock_try_first(s, POLLIN, csk_recvmmsg_attempt, &m, &m.flags, &dl, 1);
}

/* The address of received message i, never read past what was handed to the kernel. */
static socklen_t recv_namelen(const batch *b, Py_ssize_t i)
{
    socklen_t len = b->msgs[i].msg_hdr.msg_namelen;
    return len < sizeof(csk_sockaddr) ? len : sizeof(csk_sockaddr);
}

/* The address object of message i: the previous one's again when the kernel wrote the same
 * bytes (a batch from one sender decodes its address once). */
static PyObject *recv_address(csk_sock *s, const batch *b, Py_ssize_t i, PyObject *prev)
{
    socklen_t len = recv_namelen(b, i);
    if (prev != NULL && len == recv_namelen(b, i - 1) &&
        memcmp(&b->names[i], &b->names[i - 1], len) == 0) {
        return Py_NewRef(prev);
    }
    return py_sock_address(s, &b->names[i], len);
}

/* The list of (first, address) for `got` received messages; first is the data (bytes, cut to
 * the buffer) when `data` is set, the kernel's count otherwise (as recvfrom_into reports it). */
static PyObject *recv_list(csk_sock *s, const batch *b, Py_ssize_t got, int data)
{
    PyObject *list = PyList_New(got), *prev = NULL; /* prev: borrowed from the list */
    for (Py_ssize_t i = 0; list != NULL && i < got; i++) {
        size_t len = b->msgs[i].msg_len, cap = b->iov[i].iov_len;
        PyObject *first = data ? PyBytes_FromStringAndSize(b->iov[i].iov_base,
                                                           (Py_ssize_t)(len < cap ? len : cap))
                               : PyLong_FromSize_t(len);
        PyObject *addr = first != NULL ? recv_address(s, b, i, prev) : NULL;
        PyObject *pair = addr != NULL ? PyTuple_New(2) : NULL;
        if (pair == NULL) {
            Py_XDECREF(first);
            Py_XDECREF(addr);
            Py_CLEAR(list);
            break;
        }
        PyTuple_SET_ITEM(pair, 0, first);
        PyTuple_SET_ITEM(pair, 1, addr);
        PyList_SET_ITEM(list, i, pair);
        prev = addr;
    }
    return list;
}

CSK_DOC(sock_recvmmsg,
        "recvmmsg(count, bufsize[, flags]) -> [(data, address), ...]\n\n"
        "Receive up to count datagrams (at most 1024) of up to bufsize bytes each in\n"
        "one system call, a csocket extra (Linux).  Each item is what recvfrom(bufsize)\n"
        "would return; a longer datagram is cut to bufsize bytes.  In blocking and\n"
        "timeout mode wait (within the timeout) for the first datagram, then take only\n"
        "those already queued, so the list has at least one item; non-blocking, raise\n"
        "BlockingIOError when none is queued.  count 0 returns [] at once.  An error\n"
        "met after some datagrams were received is raised by the next receive.");

PyObject *sock_recvmmsg(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t count, bufsize;
    int flags = 0;
    if (!py_nargs("recvmmsg", nargs, 2, 3) || py_to_ssize(args[0], &count) < 0 ||
        py_to_ssize(args[1], &bufsize) < 0 || (nargs == 3 && py_to_int(args[2], &flags) < 0)) {
        return NULL;
    }
    if (count < 0 || bufsize < 0) {
        PyErr_Format(PyExc_ValueError, "negative %s in recvmmsg",
                     count < 0 ? "count" : "buffersize");
        return NULL;
    }
    if (count == 0) {
        return PyList_New(0); /* as recv(0): nothing asked, no system call */
    }
    size_t n = (size_t)count < CSK_BATCH_MAX ? (size_t)count : CSK_BATCH_MAX;
    /* Like recvfrom's bytes of bufsize: an impossible size overflows, a merely huge one fails to
     * be allocated. */
    if ((size_t)bufsize > ((size_t)PY_SSIZE_T_MAX - 4096) / n) {
        PyErr_SetString(PyExc_OverflowError, "recvmmsg(): count * bufsize is too large");
        return NULL;
    }
    size_t area = n * (size_t)bufsize;
    char *own = NULL, *buf = csk_scratch(area); /* as recv(): no allocation for the common sizes */
    if (buf == NULL && (buf = own = PyMem_Malloc(area > 0 ? area : 1)) == NULL) {
        return PyErr_NoMemory();
    }
    batch b;
    PyObject *result = NULL;
    if (batch_new(&b, n, 1, 0) == 0) {
        for (size_t i = 0; i < n; i++) {
            b.iov[i].iov_base = buf + i * (size_t)bufsize;
            b.iov[i].iov_len = (size_t)bufsize;
        }
        Py_ssize_t got = recv_batch(s, &b, n, flags);
        result = got < 0 ? NULL : recv_list(s, &b, got, 1);
        batch_free(&b);
    }
    PyMem_Free(own);
    return result;
}

CSK_DOC(sock_recvmmsg_into,
        "recvmmsg_into(buffers[, flags]) -> [(nbytes, address), ...]\n\n"
        "Like recvmmsg(), receiving one datagram into each of buffers (an iterable of\n"
        "writable bytes-like objects; the first 1024 are used) in turn.  Each item is\n"
        "what recvfrom_into(buffer) would return.  An empty iterable returns [] at once.");

PyObject *sock_recvmmsg_into(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int flags = 0;
    if (!py_nargs("recvmmsg_into", nargs, 1, 2) || (nargs == 2 && py_to_int(args[1], &flags) < 0)) {
        return NULL;
    }
    PyObject *items = py_items_of(args[0], "recvmmsg_into() argument 1 must be an iterable");
    if (items == NULL) {
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    size_t n = (size_t)count < CSK_BATCH_MAX ? (size_t)count : CSK_BATCH_MAX;
    batch b;
    PyObject *result = NULL;
    if (n == 0 || batch_new(&b, n, 1, 1) < 0) {
        Py_DECREF(items);
        return n == 0 ? PyList_New(0) : NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (py_get_buffer(PySequence_Fast_GET_ITEM(items, (Py_ssize_t)i), &b.views[i],
                          "recvmmsg_into", 1) < 0) {
            goto done;
        }
        b.held = (Py_ssize_t)i + 1;
        b.iov[i].iov_base = b.views[i].buf;
        b.iov[i].iov_len = (size_t)b.views[i].len;
    }
    Py_ssize_t got = recv_batch(s, &b, n, flags);
    result = got < 0 ? NULL : recv_list(s, &b, got, 0);
done:
    batch_free(&b);
    Py_DECREF(items);
    return result;
}

/* ---- send_segments: UDP GSO, or sendmmsg where GSO cannot be used ------------------------- */

/* One send_segments call: the data cut into pieces of `piece` bytes, one message each, all to
 * the same address and with the same control buffer (GSO's segment size, or none). */
typedef struct {
    const char *data;
    size_t len;
    size_t piece;
    csk_sockaddr *addr;
    socklen_t addrlen; /* 0: the connected peer */
    void *control;
    size_t controllen;
    batch b;    /* cap headers */
    size_t cap; /* at most CSK_BATCH_MAX: no more than the plain datagrams need */
} pieces;

/* Send the pieces, CSK_BATCH_MAX per system call: the bytes sent, or -1 (with an exception, or
 * with *err set when err is given and the first call failed). */
static Py_ssize_t send_pieces(csk_sock *s, pieces *p, csk_deadline *dl, int *err)
{
    size_t off = 0;
    while (off < p->len) {
        size_t covered;
        size_t n = csk_cut(p->b.iov, p->cap, p->data + off, p->len - off, p->piece, &covered);
        csk_mmsg_layout(p->b.msgs, p->b.iov, NULL, NULL, n);
        for (size_t i = 0; i < n; i++) {
            struct msghdr *h = &p->b.msgs[i].msg_hdr;
            h->msg_name = p->addrlen > 0 ? p->addr : NULL;
            h->msg_namelen = p->addrlen;
            h->msg_control = p->control;
            h->msg_controllen = p->controllen;
        }
        csk_mmsg m = {p->b.msgs, (unsigned)n, 0, 0, 0};
        Py_ssize_t sent = send_call(s, &m, off == 0, dl, err);
        if (sent < 0) {
            return -1;
        }
        for (Py_ssize_t i = 0; i < sent; i++) {
            off += p->b.msgs[i].msg_len;
        }
        if ((size_t)sent < n) {
            break;
        }
    }
    return (Py_ssize_t)off;
}

/* send_segments with GSO: the bytes sent; -1 with an exception; -2 to send without GSO. */
static Py_ssize_t send_gso(csk_sock *s, pieces *p, size_t segment, csk_deadline *dl)
{
    union {
        struct cmsghdr align;
        unsigned char bytes[CSK_GSO_CONTROL_SPACE];
    } control;
    ssize_t clen = csk_gso_control(control.bytes, sizeof control.bytes, segment);
    if (clen < 0) {
        return -2;
    }
    p->control = control.bytes;
    p->controllen = (size_t)clen;
    for (;;) {
        size_t per = gso_per_message(s, CSK_GSO_MAX_PAYLOAD / segment);
        size_t first = (p->len + segment - 1) / segment; /* segments in the first message */
        first = first < per ? first : per;
        p->piece = per * segment;
        int err;
        Py_ssize_t sent = send_pieces(s, p, dl, &err);
        if (sent >= 0) {
            if ((int)first > s->gso_segs) {
                s->gso_segs = (int)first;
            }
            return sent;
        }
        if (err == 0) {
            return -1; /* a signal handler raised */
        }
        int verdict = gso_refusal(s, err, first);
        if (verdict > 0) {
            continue;
        }
        if (verdict == 0) {
            return -2;
        }
        py_raise(err);
        return -1;
    }
}

static int segments_args(csk_sock *s, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                         Py_buffer *view, Py_ssize_t *segment, pieces *p)
{
    static const char *const names[] = {"data", "segment_size", "address"};
    PyObject *argv[3];
    if (!py_args_kw("send_segments", args, nargs, kwnames, names, 3, 2, argv) ||
        py_get_buffer(argv[0], view, "send_segments", 0) < 0) {
        return -1;
    }
    if (py_to_ssize(argv[1], segment) < 0) {
        goto fail;
    }
    if (*segment <= 0) {
        PyErr_SetString(PyExc_ValueError, "send_segments(): segment_size must be positive");
        goto fail;
    }
    if (argv[2] != NULL && argv[2] != Py_None &&
        (py_address_parse(s, argv[2], p->addr, &p->addrlen, "send_segments") < 0 ||
         PySys_Audit("socket.sendto", "OO", (PyObject *)s, argv[2]) < 0)) {
        goto fail;
    }
    return 0;
fail:
    PyBuffer_Release(view);
    return -1;
}

CSK_DOC(sock_send_segments,
        "send_segments(data, segment_size, address=None) -> bytes sent\n\n"
        "Send data as consecutive datagrams of segment_size bytes (the last may be\n"
        "shorter), to address or the connected peer, a csocket extra (Linux).  With\n"
        "UDP GSO (generic segmentation offload, Linux 4.18) the kernel cuts the\n"
        "datagrams itself and one system call carries up to 64 KiB of them per message;\n"
        "where GSO cannot be used (no checksum offload, an old kernel, not UDP) the\n"
        "datagrams go out with sendmmsg, and the socket remembers not to try GSO again.\n\n"
        "Return the number of bytes sent (whole datagrams only, whichever way they\n"
        "went).  As with sendmmsg() a short count is normal: send the rest again.  An\n"
        "error is raised only when nothing could be sent.  Empty data sends nothing.");

PyObject *sock_send_segments(csk_sock *s, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
    csk_sockaddr addr;
    pieces p;
    memset(&p, 0, sizeof p);
    p.addr = &addr;
    Py_buffer view;
    Py_ssize_t segment;
    if (segments_args(s, args, nargs, kwnames, &view, &segment, &p) < 0) {
        return NULL;
    }
    p.data = view.buf;
    p.len = (size_t)view.len;
    Py_ssize_t sent = 0;
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    size_t datagrams = (p.len + (size_t)segment - 1) / (size_t)segment; /* 0 when empty */
    p.cap = datagrams < CSK_BATCH_MAX ? datagrams : CSK_BATCH_MAX;
    if (p.len > 0 && batch_new(&p.b, p.cap, 0, 0) < 0) {
        sent = -1;
    }
    else if (p.len > 0) {
        /* One datagram needs no segmenting (and proves nothing about GSO). */
        int gso = datagrams > 1 && gso_usable(s, (size_t)segment);
        sent = gso ? send_gso(s, &p, (size_t)segment, &dl) : -2;
        if (sent == -2) {
            p.control = NULL;
            p.controllen = 0;
            p.piece = (size_t)segment;
            sent = send_pieces(s, &p, &dl, NULL);
        }
        batch_free(&p.b);
    }
    PyBuffer_Release(&view);
    return sent < 0 ? NULL : PyLong_FromSsize_t(sent);
}

/* ---- recv_segments: UDP GRO ---------------------------------------------------------------- */

/* The received bytes cut at the GRO segment size (0: one datagram). */
static PyObject *segments_list(const char *buf, size_t len, size_t segment)
{
    if (segment == 0 || segment > len) {
        segment = len > 0 ? len : 1;
    }
    Py_ssize_t n = len == 0 ? 1 : (Py_ssize_t)((len + segment - 1) / segment);
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
        size_t off = (size_t)i * segment, take = len - off < segment ? len - off : segment;
        PyObject *item = PyBytes_FromStringAndSize(buf + off, (Py_ssize_t)take);
        if (item == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

CSK_DOC(sock_recv_segments,
        "recv_segments(bufsize[, flags]) -> ([data, ...], address)\n\n"
        "Receive with one system call, a csocket extra (Linux).  On a socket with UDP\n"
        "GRO enabled (setsockopt(SOL_UDP, UDP_GRO, 1)) the kernel may hand over a run\n"
        "of datagrams from one sender coalesced into one; they come back split at the\n"
        "segment size the kernel reports, in order.  Otherwise, or when the kernel did\n"
        "not coalesce, the list holds one datagram.  bufsize bounds the whole run\n"
        "(65535 takes any); what does not fit is lost, as for recvfrom().");

PyObject *sock_recv_segments(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t bufsize;
    int flags = 0;
    if (!py_nargs("recv_segments", nargs, 1, 2) || py_to_ssize(args[0], &bufsize) < 0 ||
        (nargs == 2 && py_to_int(args[1], &flags) < 0)) {
        return NULL;
    }
    if (bufsize < 0) {
        PyErr_SetString(PyExc_ValueError, "negative buffersize in recv_segments");
        return NULL;
    }
    char *own = NULL, *buf = csk_scratch((size_t)bufsize);
    if (buf == NULL && (buf = own = PyMem_Malloc(bufsize > 0 ? (size_t)bufsize : 1)) == NULL) {
        return PyErr_NoMemory();
    }
    union {
        struct cmsghdr align;
        unsigned char bytes[CMSG_SPACE(sizeof(int)) * 2];
    } control;
    memset(&control, 0, sizeof control);
    csk_sockaddr from;
    memset(&from, 0, sizeof from);
    struct iovec iov = {buf, (size_t)bufsize};
    csk_msg m;
    memset(&m, 0, sizeof m);
    m.hdr.msg_name = &from;
    m.hdr.msg_iov = &iov;
    m.hdr.msg_iovlen = 1;
    m.hdr.msg_control = control.bytes;
    m.flags = flags;
    m.name_cap = sizeof from;
    m.control_cap = sizeof control.bytes;
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t got = py_sock_call(s, POLLIN, csk_recvmsg_attempt, &m, &dl);
    PyObject *result = NULL;
    if (got >= 0) {
        size_t clen = m.hdr.msg_controllen < m.control_cap ? m.hdr.msg_controllen : m.control_cap;
        size_t len = (size_t)got < (size_t)bufsize ? (size_t)got : (size_t)bufsize;
        size_t segment = csk_gro_segment(control.bytes, clen);
        csk_cmsg_close_fds(control.bytes, clen); /* never asked for: do not leak them */
        socklen_t namelen = m.hdr.msg_namelen < m.name_cap ? m.hdr.msg_namelen : m.name_cap;
        PyObject *list = segments_list(buf, len, segment);
        PyObject *addr = list != NULL ? py_sock_address(s, &from, namelen) : NULL;
        result = addr != NULL ? Py_BuildValue("(NN)", list, addr) : NULL;
        if (addr == NULL) {
            Py_XDECREF(list);
        }
    }
    PyMem_Free(own);
    return result;
}

#endif /* CSK_HAVE_MMSG */
