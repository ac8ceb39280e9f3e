/* Scatter/gather and ancillary data: sendmsg, recvmsg, recvmsg_into, sendmsg_afalg, and the module
 * functions CMSG_LEN and CMSG_SPACE.
 *
 * Python objects become iovecs and control items here; the core (msg.c) lays out the control
 * buffer and walks the received one, trusting no length in it.  Not here: the plain transfers
 * (transfer.c) and the address formats (address.c).
 */
#include "binding.h"

/* Control buffers up to this size live on the stack: the common ancillary sizes (a few fds,
 * credentials, PKTINFO, TTL) never touch the allocator. */
#define CONTROL_STACK 512

typedef union {
    struct cmsghdr align; /* cmsghdr alignment for the kernel's and CMSG_*'s sake */
    unsigned char bytes[CONTROL_STACK];
} control_stack;

/* ---- buffers: the iovecs of a call ------------------------------------------------------- */

typedef struct {
    Py_buffer *views;
    struct iovec *iov;
    Py_ssize_t n; /* views held */
} bufset;

static void bufset_release(bufset *b)
{
    for (Py_ssize_t i = 0; i < b->n; i++) {
        PyBuffer_Release(&b->views[i]);
    }
    PyMem_Free(b->views);
    PyMem_Free(b->iov);
    b->views = NULL;
    b->iov = NULL;
    b->n = 0;
}

/* One buffer of the iterable: read-only for sendmsg, read-write for recvmsg_into. */
static int get_part(PyObject *item, Py_buffer *view, const char *fname, int writable)
{
    if (!writable) {
        return PyObject_GetBuffer(item, view, PyBUF_SIMPLE);
    }
    if (PyObject_GetBuffer(item, view, PyBUF_WRITABLE) == 0) {
        return 0;
    }
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError,
                 "%s() argument 1 must be an iterable of single-segment read-write buffers", fname);
    return -1;
}

/* The buffers of an iterable (argument 1 of sendmsg and recvmsg_into) as iovecs. */
static int bufset_from(bufset *b, PyObject *arg, const char *fname, int writable)
{
    char msg[64];
    memset(b, 0, sizeof *b);
    PyOS_snprintf(msg, sizeof msg, "%s() argument 1 must be an iterable", fname);
    PyObject *fast = py_items_of(arg, msg);
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if ((size_t)n > (size_t)INT_MAX) {
        PyErr_Format(PyExc_OSError, "%s() argument 1 is too long", fname);
        goto fail;
    }
    b->views = PyMem_New(Py_buffer, n > 0 ? n : 1);
    b->iov = PyMem_New(struct iovec, n > 0 ? n : 1);
    if (b->views == NULL || b->iov == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (get_part(PySequence_Fast_GET_ITEM(fast, i), &b->views[i], fname, writable) < 0) {
            goto fail;
        }
        b->n = i + 1;
        b->iov[i].iov_base = b->views[i].buf;
        b->iov[i].iov_len = (size_t)b->views[i].len;
    }
    Py_DECREF(fast);
    return 0;
fail:
    Py_DECREF(fast);
    bufset_release(b);
    return -1;
}

/* ---- sendmsg's ancillary data ------------------------------------------------------------ */

typedef struct {
    csk_cmsg *items;
    Py_buffer *views;
    Py_ssize_t n;  /* views held */
    size_t space;  /* control bytes the items need */
    void *control; /* the laid-out buffer (NULL when there are no items) */
    control_stack stack;
} ancdata;

static void ancdata_release(ancdata *a)
{
    for (Py_ssize_t i = 0; i < a->n; i++) {
        PyBuffer_Release(&a->views[i]);
    }
    PyMem_Free(a->items);
    PyMem_Free(a->views);
    if (a->control != a->stack.bytes) {
        PyMem_Free(a->control);
    }
}

/* One (level, type, data) item; any sequence of three will do, as the built-in module's parser
 * has it (bytes excepted). */
static int parse_item(PyObject *obj, csk_cmsg *item, Py_buffer *view)
{
    static const char who[] = "[sendmsg() ancillary data items]()";
    if (!PySequence_Check(obj) || PyBytes_Check(obj) ||
        (CSK_PY_TUPLE_WORDING && PyUnicode_Check(obj))) {
        PyErr_Format(PyExc_TypeError, "%s argument must be 3-item %s, not %.50s", who,
                     CSK_PY_TUPLE_WORDING ? "tuple" : "sequence", Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t len = PySequence_Size(obj);
    if (len != 3) {
        if (len >= 0) {
            PyErr_Format(PyExc_TypeError, "%s argument must be %s of length 3, not %zd", who,
                         CSK_PY_TUPLE_WORDING && PyTuple_Check(obj) ? "tuple" : "sequence", len);
        }
        return -1;
    }
    PyObject *parts[3] = {NULL, NULL, NULL};
    int r = -1;
    for (int i = 0; i < 3; i++) {
        if ((parts[i] = PySequence_GetItem(obj, i)) == NULL) {
            goto done;
        }
    }
    if (py_to_int(parts[0], &item->level) == 0 && py_to_int(parts[1], &item->type) == 0 &&
        PyObject_GetBuffer(parts[2], view, PyBUF_SIMPLE) == 0) {
        item->data = view->buf;
        item->len = (size_t)view->len;
        r = 0;
    }
done:
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(parts[i]);
    }
    return r;
}

/* Add one item's CMSG_SPACE to the total, within the control buffer's limit. */
static int add_space(ancdata *a, size_t len)
{
    size_t space;
    if (csk_cmsg_space(len, &space) < 0) {
        PyErr_SetString(PyExc_OSError, "ancillary data item too large");
        return -1;
    }
    if (space > CSK_CONTROL_LIMIT - a->space) {
        PyErr_SetString(PyExc_OSError, "too much ancillary data");
        return -1;
    }
    a->space += space;
    return 0;
}

static int ancdata_parse(ancdata *a, PyObject *arg)
{
    PyObject *fast = py_items_of(arg, "sendmsg() argument 2 must be an iterable");
    if (fast == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > 0) {
        a->items = PyMem_New(csk_cmsg, n);
        a->views = PyMem_New(Py_buffer, n);
        if (a->items == NULL || a->views == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (parse_item(PySequence_Fast_GET_ITEM(fast, i), &a->items[i], &a->views[i]) < 0) {
            goto fail;
        }
        a->n = i + 1;
        if (add_space(a, a->items[i].len) < 0) {
            goto fail;
        }
    }
    Py_DECREF(fast);
    return 0;
fail:
    Py_DECREF(fast);
    return -1;
}

/* Lay the items out in one control buffer for the message header. */
static int ancdata_build(ancdata *a, struct msghdr *hdr)
{
    if (a->n == 0) {
        return 0;
    }
    a->control = a->space <= sizeof a->stack ? a->stack.bytes : PyMem_Malloc(a->space);
    if (a->control == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    ssize_t used = csk_cmsg_build(a->control, a->space, a->items, (size_t)a->n);
    if (used < 0) {
        PyErr_SetString(PyExc_RuntimeError, "ancillary data does not fit in calculated space");
        return -1;
    }
    hdr->msg_control = a->control;
    hdr->msg_controllen = (size_t)used;
    return 0;
}

/* ---- sendmsg ------------------------------------------------------------------------------- */

CSK_DOC(sock_sendmsg, CSK_SIG_SENDMSG
        "Send one message gathered from several buffers, with ancillary data.\n"
        "buffers is an iterable of bytes-like objects whose contents are sent\n"
        "back to back.  ancdata is an iterable of (cmsg_level, cmsg_type, cmsg_data)\n"
        "tuples: two integers naming the protocol level and the item's type, and a\n"
        "bytes-like object with its data.  flags is as for send().  address, when\n"
        "given and not None, is the destination.  Return the number of bytes of\n"
        "normal (non-ancillary) data sent.");

PyObject *sock_sendmsg(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int flags = 0;
    if (!CSK_NARGS_SEND("sendmsg", nargs, 1, 4) ||
        (nargs >= 3 && CSK_SEND_FLAGS(args[2], &flags) < 0)) {
        return NULL;
    }
    csk_msg m;
    memset(&m, 0, sizeof m);
    m.flags = flags;
    csk_sockaddr addr;
    PyObject *addro = nargs == 4 ? args[3] : Py_None;
    if (addro != Py_None) {
        socklen_t addrlen;
        if (py_address_parse(s, addro, &addr, &addrlen, "sendmsg") < 0) {
            return NULL;
        }
        m.hdr.msg_name = &addr;
        m.hdr.msg_namelen = addrlen;
    }
    if (PySys_Audit("socket.sendmsg", "OO", (PyObject *)s, addro) < 0) {
        return NULL;
    }
    bufset data;
    if (bufset_from(&data, args[0], "sendmsg", 0) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    ancdata anc;
    memset(&anc, 0, sizeof anc);
    if ((nargs >= 2 && ancdata_parse(&anc, args[1]) < 0) || ancdata_build(&anc, &m.hdr) < 0) {
        goto done;
    }
    m.hdr.msg_iov = data.iov;
    m.hdr.msg_iovlen = (size_t)data.n;
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t sent = py_sock_call(s, POLLOUT, csk_sendmsg_attempt, &m, &dl);
    if (sent >= 0) {
        result = PyLong_FromSsize_t(sent);
    }
done:
    ancdata_release(&anc);
    bufset_release(&data);
    return result;
}

/* ---- recvmsg and recvmsg_into -------------------------------------------------------------- */

/* The first item of recvmsg's result, made from the count received. */
typedef PyObject *(*first_fn)(Py_ssize_t received, void *arg);

/* The received control messages as a list of (level, type, data), warning (as the built-in
 * module does) about an item cut short or a header that makes no sense. */
static PyObject *ancdata_list(const void *control, size_t controllen)
{
    PyObject *list = PyList_New(0);
    csk_cmsg_walk w;
    csk_cmsg_item item;
    int st;
    csk_cmsg_walk_init(&w, control, controllen);
    while (list != NULL && (st = csk_cmsg_next(&w, &item)) != CSK_CMSG_END) {
        if (st != CSK_CMSG_OK &&
            PyErr_WarnEx(PyExc_RuntimeWarning,
                         "received malformed or improperly-truncated ancillary data", 1) < 0) {
            Py_CLEAR(list);
            break;
        }
        if (st == CSK_CMSG_MALFORMED) {
            break;
        }
        PyObject *data = PyBytes_FromStringAndSize((const char *)item.data, (Py_ssize_t)item.len);
        PyObject *tuple = data ? Py_BuildValue("(iiN)", item.level, item.type, data) : NULL;
        if (tuple == NULL || PyList_Append(list, tuple) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(tuple);
    }
    return list;
}

/* The 4-tuple (first, ancdata, msg_flags, address) after a successful receive. */
static PyObject *recv_result(csk_sock *s, csk_msg *m, const csk_sockaddr *from, Py_ssize_t received,
                             first_fn first, void *arg)
{
    /* The kernel wrote these lengths; never read past what was handed to it. */
    size_t controllen = (size_t)m->hdr.msg_controllen;
    if (controllen > m->control_cap) {
        controllen = m->control_cap;
    }
    socklen_t namelen = m->hdr.msg_namelen < m->name_cap ? m->hdr.msg_namelen : m->name_cap;
    PyObject *result = PyTuple_New(4);
    PyObject *items[4] = {NULL, NULL, NULL, NULL};
    if (result != NULL && (items[0] = first(received, arg)) != NULL &&
        (items[1] = ancdata_list(m->hdr.msg_control, controllen)) != NULL &&
        (items[2] = PyLong_FromLong((long)m->hdr.msg_flags)) != NULL &&
        (items[3] = py_sock_address(s, from, namelen)) != NULL) {
        for (int i = 0; i < 4; i++) {
            PyTuple_SET_ITEM(result, i, items[i]);
        }
        return result;
    }
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(items[i]);
    }
    Py_XDECREF(result);
    /* The descriptors this call received would leak: nobody will ever see their numbers. */
    csk_cmsg_close_fds(m->hdr.msg_control, controllen);
    return NULL;
}

/* The part recvmsg and recvmsg_into share: the call itself and the result. */
static PyObject *recvmsg_guts(csk_sock *s, struct iovec *iov, size_t niov, Py_ssize_t ancbufsize,
                              int flags, first_fn first, void *arg)
{
    if (ancbufsize < 0 || (size_t)ancbufsize > CSK_CONTROL_LIMIT) {
        PyErr_SetString(PyExc_ValueError, "invalid ancillary data buffer length");
        return NULL;
    }
    control_stack stack;
    void *control = NULL;
    /* Zeroed, so no byte the kernel leaves alone is ever uninitialized; calloc keeps a huge
     * buffer's untouched pages unmapped. */
    if ((size_t)ancbufsize > sizeof stack) {
        if ((control = PyMem_Calloc(1, (size_t)ancbufsize)) == NULL) {
            return PyErr_NoMemory();
        }
    }
    else if (ancbufsize > 0) {
        control = memset(stack.bytes, 0, (size_t)ancbufsize);
    }
    csk_sockaddr from;
    memset(&from, 0, sizeof from); /* AF_UNSPEC: "no address" if the kernel writes none */
    csk_msg m;
    memset(&m, 0, sizeof m);
    m.hdr.msg_name = &from;
    m.hdr.msg_iov = iov;
    m.hdr.msg_iovlen = niov;
    m.hdr.msg_control = control;
    m.flags = flags;
    m.name_cap = sizeof from;
    m.control_cap = (size_t)ancbufsize;
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t got = py_sock_call(s, POLLIN, csk_recvmsg_attempt, &m, &dl);
    PyObject *result = got < 0 ? NULL : recv_result(s, &m, &from, got, first, arg);
    if (control != stack.bytes) {
        PyMem_Free(control);
    }
    return result;
}

/* recvmsg's data: where it was received, and the object that may already hold it. */
typedef struct {
    char *buf;
    Py_ssize_t bufsize;
    PyObject *own; /* a bytes object of exactly bufsize bytes, or NULL (scratch buffer) */
} recv_target;

static PyObject *first_bytes(Py_ssize_t received, void *arg)
{
    recv_target *t = arg;
    /* With MSG_TRUNC a datagram's whole length comes back, which may pass bufsize: only
     * bufsize bytes were received (the built-in module returns those). */
    if (received > t->bufsize) {
        received = t->bufsize;
    }
    if (t->own != NULL && received == PyBytes_GET_SIZE(t->own)) {
        return Py_NewRef(t->own);
    }
    return PyBytes_FromStringAndSize(t->buf, received);
}

static PyObject *first_count(Py_ssize_t received, void *arg)
{
    (void)arg;
    return PyLong_FromSsize_t(received);
}

CSK_DOC(sock_recvmsg,
        "recvmsg(bufsize[, ancbufsize[, flags]]) -> (data, ancdata, msg_flags, address)\n\n"
        "Receive up to bufsize bytes of normal data and, into a buffer of ancbufsize\n"
        "bytes (default 0: none), ancillary data.  Size that buffer with CMSG_SPACE()\n"
        "or CMSG_LEN(); items that do not fit may be cut short or dropped, and\n"
        "msg_flags then has MSG_CTRUNC set.  flags is as for recv().\n\n"
        "ancdata is a list of (cmsg_level, cmsg_type, cmsg_data) tuples, cmsg_data\n"
        "being bytes.  msg_flags holds the flags the system reported for the\n"
        "message.  address is the sender's address when the socket is not\n"
        "connected; otherwise it is unspecified.  If the call fails after\n"
        "receiving file descriptors (SCM_RIGHTS), they are closed first.");

PyObject *sock_recvmsg(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t bufsize, ancbufsize = 0;
    int flags = 0;
    if (!py_nargs("recvmsg", nargs, 1, 3) || py_to_ssize(args[0], &bufsize) < 0 ||
        (nargs >= 2 && py_to_ssize(args[1], &ancbufsize) < 0) ||
        (nargs >= 3 && py_to_int(args[2], &flags) < 0)) {
        return NULL;
    }
    if (bufsize < 0) {
        PyErr_SetString(PyExc_ValueError, "negative buffer size in recvmsg()");
        return NULL;
    }
    /* As recv(): into the thread's scratch buffer when it is large enough (see transfer.c). */
    recv_target t = {csk_scratch((size_t)bufsize), bufsize, NULL};
    if (t.buf == NULL) {
        /* As recv(): a bytes object of its own when the scratch buffer is too small or could
         * not be had. */
        if ((t.own = PyBytes_FromStringAndSize(NULL, bufsize)) == NULL) {
            return NULL;
        }
        t.buf = PyBytes_AS_STRING(t.own);
    }
    struct iovec iov = {t.buf, (size_t)bufsize};
    PyObject *result = recvmsg_guts(s, &iov, 1, ancbufsize, flags, first_bytes, &t);
    Py_XDECREF(t.own);
    return result;
}

CSK_DOC(sock_recvmsg_into,
        "recvmsg_into(buffers[, ancbufsize[, flags]]) -> (nbytes, ancdata, msg_flags, address)\n\n"
        "Like recvmsg(), but scatter the normal data over buffers, an iterable of\n"
        "writable bytes-like objects (bytearray, memoryview, array, ...), filling\n"
        "each in turn.  nbytes is the total number of bytes written into them;\n"
        "the other items are as recvmsg() returns them.");

PyObject *sock_recvmsg_into(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t ancbufsize = 0;
    int flags = 0;
    if (!py_nargs("recvmsg_into", nargs, 1, 3) ||
        (nargs >= 2 && py_to_ssize(args[1], &ancbufsize) < 0) ||
        (nargs >= 3 && py_to_int(args[2], &flags) < 0)) {
        return NULL;
    }
    bufset data;
    if (bufset_from(&data, args[0], "recvmsg_into", 1) < 0) {
        return NULL;
    }
    PyObject *result =
        recvmsg_guts(s, data.iov, (size_t)data.n, ancbufsize, flags, first_count, NULL);
    bufset_release(&data);
    return result;
}

/* ---- sendmsg_afalg ------------------------------------------------------------------------- */

#ifdef CSK_HAVE_AF_ALG

typedef struct {
    PyObject *msg;
    int op, assoclen, flags;
    Py_buffer iv; /* iv.obj NULL: no IV */
} afalg_args;

/* op and assoclen must be ints (the built-in parser's "O!" with int), checked before any value. */
static int afalg_need_int(PyObject *obj, int argno)
{
    if (obj == NULL || PyLong_Check(obj)) {
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "sendmsg_afalg() argument %d must be int, not %.50s", argno,
                 Py_TYPE(obj)->tp_name);
    return -1;
}

static int afalg_to_int(PyObject *obj, int *out)
{
    long v = PyLong_AsLong(obj);
    if ((v == -1 && PyErr_Occurred()) || v < INT_MIN || v > INT_MAX) {
        PyErr_Clear();
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int");
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int afalg_parse(afalg_args *a, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"msg", "op", "iv", "assoclen", "flags"};
    PyObject *argv[5];
    if (nargs > 1) {
        PyErr_Format(PyExc_TypeError,
                     "sendmsg_afalg() takes at most 1 positional argument (%zd given)", nargs);
        return -1;
    }
    if (!py_args_kw("sendmsg_afalg", args, nargs, kwnames, names, 5, 0, argv)) {
        return -1;
    }
    a->msg = argv[0];
    /* Conversions in argument order, then the values' own checks. */
    if (afalg_need_int(argv[1], 2) < 0) {
        return -1;
    }
    if (argv[2] != NULL && PyObject_GetBuffer(argv[2], &a->iv, PyBUF_SIMPLE) < 0) {
        a->iv.obj = NULL; /* nothing to release */
        return -1;
    }
    if (afalg_need_int(argv[3], 4) < 0 || (argv[4] != NULL && py_to_int(argv[4], &a->flags) < 0)) {
        return -1;
    }
    /* op is required; a missing, negative or oversized one gets the one message. */
    if (argv[1] == NULL || afalg_to_int(argv[1], &a->op) < 0 || a->op < 0) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "Invalid or missing argument 'op'");
        return -1;
    }
    if (argv[3] != NULL) {
        if (afalg_to_int(argv[3], &a->assoclen) < 0) {
            return -1;
        }
        if (a->assoclen < 0) {
            PyErr_SetString(PyExc_TypeError, "assoclen must be positive");
            return -1;
        }
    }
    return 0;
}

/* Lay out the operation's control buffer in `stack` or, when larger, in *heap. */
static int afalg_control(afalg_args *a, control_stack *stack, void **heap, struct msghdr *hdr)
{
    const void *iv = a->iv.obj != NULL ? a->iv.buf : NULL;
    size_t ivlen = (size_t)a->iv.len;
    ssize_t size = csk_afalg_control_size(iv, ivlen, a->assoclen);
    if (size < 0) {
        py_raise((int)size);
        return -1;
    }
    void *buf = (size_t)size <= sizeof *stack ? stack->bytes : (*heap = PyMem_Malloc(size));
    if (buf == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    ssize_t used = csk_afalg_control(buf, (size_t)size, (unsigned)a->op, iv, ivlen, a->assoclen);
    if (used < 0) {
        py_raise((int)used);
        return -1;
    }
    hdr->msg_control = buf;
    hdr->msg_controllen = (size_t)used;
    return 0;
}

CSK_DOC(sock_sendmsg_afalg,
        "sendmsg_afalg([msg], *, op[, iv[, assoclen[, flags=MSG_MORE]]])\n\n"
        "Send data to an AF_ALG operation socket, telling the kernel the\n"
        "operation (op: ALG_OP_ENCRYPT or ALG_OP_DECRYPT), the initialization\n"
        "vector (iv) and, for AEAD ciphers, the length of the associated data\n"
        "(assoclen).  msg is an iterable of bytes-like objects, as for sendmsg().");

PyObject *sock_sendmsg_afalg(csk_sock *s, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
    if (s->sock_family != AF_ALG) {
        PyErr_SetString(PyExc_OSError, "algset is only supported for AF_ALG");
        return NULL;
    }
    afalg_args a;
    memset(&a, 0, sizeof a);
    a.op = -1;
    a.assoclen = -1;
    PyObject *result = NULL;
    bufset data = {NULL, NULL, 0};
    control_stack stack;
    void *heap = NULL;
    csk_msg m;
    memset(&m, 0, sizeof m);
    if (afalg_parse(&a, args, nargs, kwnames) < 0 || afalg_control(&a, &stack, &heap, &m.hdr) < 0 ||
        (a.msg != NULL && bufset_from(&data, a.msg, "sendmsg", 0) < 0)) {
        goto done;
    }
    m.hdr.msg_iov = data.iov;
    m.hdr.msg_iovlen = (size_t)data.n;
    m.flags = a.flags;
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t sent = py_sock_call(s, POLLOUT, csk_sendmsg_attempt, &m, &dl);
    if (sent >= 0) {
        result = PyLong_FromSsize_t(sent);
    }
done:
    bufset_release(&data);
    PyMem_Free(heap);
    if (a.iv.obj != NULL) {
        PyBuffer_Release(&a.iv);
    }
    return result;
}

#endif /* CSK_HAVE_AF_ALG */

/* ---- CMSG_LEN and CMSG_SPACE --------------------------------------------------------------- */

static PyObject *cmsg_size(PyObject *args, const char *format, const char *fname,
                           int (*size)(size_t, size_t *))
{
    Py_ssize_t length;
    size_t result;
    if (!PyArg_ParseTuple(args, format, &length)) {
        return NULL;
    }
    if (length < 0 || size((size_t)length, &result) < 0) {
        PyErr_Format(PyExc_OverflowError, "%s() argument out of range", fname);
        return NULL;
    }
    return PyLong_FromSize_t(result);
}

static CSK_DOC(mod_cmsg_len,
               "CMSG_LEN(length) -> control message length\n\n"
               "Return the length of an ancillary data item holding length bytes of data,\n"
               "without the padding that may follow it.  Enough as recvmsg()'s ancbufsize\n"
               "for one item, although RFC 3542 asks portable programs to use CMSG_SPACE().\n"
               "Raise OverflowError when length is out of range.");

static PyObject *mod_cmsg_len(PyObject *module, PyObject *args)
{
    (void)module;
    return cmsg_size(args, "n:CMSG_LEN", "CMSG_LEN", csk_cmsg_len);
}

static CSK_DOC(mod_cmsg_space,
               "CMSG_SPACE(length) -> buffer size\n\n"
               "Return the room, trailing padding included, that an ancillary data item\n"
               "holding length bytes of data takes in recvmsg()'s buffer.  Room for several\n"
               "items is the sum of theirs.  Raise OverflowError when length is out of range.");

static PyObject *mod_cmsg_space(PyObject *module, PyObject *args)
{
    (void)module;
    return cmsg_size(args, "n:CMSG_SPACE", "CMSG_SPACE", csk_cmsg_space);
}

PyMethodDef py_message_functions[] = {
    CSK_METHOD("CMSG_LEN", mod_cmsg_len, METH_VARARGS),
    CSK_METHOD("CMSG_SPACE", mod_cmsg_space, METH_VARARGS),
    {NULL, NULL, 0, NULL},
};
