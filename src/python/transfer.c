/* Data transfer: recv, recv_into, recvfrom, recvfrom_into, send, sendall, sendto.
 *
 * recv(n) and recvfrom(n) receive into the thread's scratch buffer and return a bytes object of
 * exactly the received size: one system call, no n-byte allocation per call (CPython allocates n
 * bytes, which for n >= 128 KiB costs glibc an mmap, mremap and munmap every call).  Requests
 * larger than the scratch buffer receive into a bytes object of their own, so a datagram is never
 * truncated.  Not here: ancillary data (sendmsg/recvmsg).
 */
#include "binding.h"

/* Receive up to n bytes (and the sender's address when `from` is given). */
static PyObject *recv_bytes(csk_sock *s, Py_ssize_t n, int flags, csk_sockaddr *from,
                            socklen_t *fromlen)
{
    PyObject *own = NULL;
    void *buf = csk_scratch((size_t)n);
    if (buf == NULL) {
        /* Too large for the scratch buffer, or the thread could not get one (memory is short:
         * the n bytes the built-in module would allocate may still be there). */
        own = PyBytes_FromStringAndSize(NULL, n);
        if (own == NULL) {
            return NULL;
        }
        buf = PyBytes_AS_STRING(own);
    }
    csk_xfer x = {.buf = buf, .len = (size_t)n, .flags = flags};
    if (from != NULL) {
        memset(from, 0, sizeof *from);
        x.addr = &from->sa;
        x.addrlen = sizeof *from;
    }
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t got =
        py_sock_xfer(s, POLLIN, from ? csk_recvfrom_attempt : csk_recv_attempt, &x, &dl, 1);
    if (got < 0) {
        Py_XDECREF(own);
        return NULL;
    }
    if (from != NULL) {
        *fromlen = x.addrlen;
    }
    if (own != NULL && got == n) {
        return own;
    }
    PyObject *data;
    if (got <= n) {
        data = PyBytes_FromStringAndSize(buf, got);
    }
    else {
        /* MSG_TRUNC on a datagram socket: the count is the datagram's whole length, of which
         * only n bytes were received.  The built-in module returns `got` bytes, the rest
         * uninitialized; here the rest is zeros, never the scratch buffer's earlier contents
         * (another socket's data) nor memory past the buffer. */
        data = PyBytes_FromStringAndSize(NULL, got);
        if (data != NULL) {
            memcpy(PyBytes_AS_STRING(data), buf, (size_t)n);
            memset(PyBytes_AS_STRING(data) + n, 0, (size_t)(got - n));
        }
    }
    Py_XDECREF(own);
    return data;
}

static int recv_size(PyObject *const *args, Py_ssize_t nargs, const char *fname, Py_ssize_t *n,
                     int *flags)
{
    *flags = 0;
    if (!py_nargs(fname, nargs, 1, 2) || py_to_ssize(args[0], n) < 0 ||
        (nargs == 2 && py_to_int(args[1], flags) < 0)) {
        return -1;
    }
    if (*n < 0) {
        PyErr_Format(PyExc_ValueError, "negative buffersize in %s", fname);
        return -1;
    }
    return 0;
}

CSK_DOC(sock_recv,
        "recv(buffersize[, flags]) -> data\n\n"
        "Return at most buffersize bytes of what has arrived.  flags is 0 or MSG_*\n"
        "values ORed together, as recv(2) takes them.  Blocking, wait for data;\n"
        "with a timeout, raise TimeoutError when none comes in time; non-blocking,\n"
        "raise BlockingIOError when none is waiting.  On a stream socket b'' means\n"
        "the peer has closed its end and all it sent has been read.  recv(0)\n"
        "returns b'' at once.");

PyObject *sock_recv(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t n;
    int flags;
    if (recv_size(args, nargs, "recv", &n, &flags) < 0) {
        return NULL;
    }
    if (n == 0) {
        /* Asked for nothing: the built-in module returns at once, without a system call (so
         * even on a closed or unconnected socket), and recv_into() the same. */
        return PyBytes_FromStringAndSize(NULL, 0);
    }
    return recv_bytes(s, n, flags, NULL, NULL);
}

CSK_DOC(sock_recvfrom,
        "recvfrom(buffersize[, flags]) -> (data, address info)\n\n"
        "recv() that also returns where the data came from: the sender's address\n"
        "in the form of the socket's family, or None where the system gives none\n"
        "(as on a connected stream socket).");

PyObject *sock_recvfrom(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t n;
    int flags;
    csk_sockaddr from;
    socklen_t fromlen = 0;
    if (recv_size(args, nargs, "recvfrom", &n, &flags) < 0) {
        return NULL;
    }
    PyObject *data = recv_bytes(s, n, flags, &from, &fromlen);
    if (data == NULL) {
        return NULL;
    }
    PyObject *addr = py_sock_address(s, &from, fromlen);
    if (addr == NULL) {
        Py_DECREF(data);
        return NULL;
    }
    return Py_BuildValue("(NN)", data, addr);
}

/* recv_into(buffer, nbytes=0, flags=0) and recvfrom_into(...): the shared argument handling. */
static int into_args(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *fname,
                     const char *too_big, Py_buffer *view, Py_ssize_t *n, int *flags)
{
    static const char *const names[] = {"buffer", "nbytes", "flags"};
    PyObject *argv[3];
    *n = 0;
    *flags = 0;
    if (!py_args_kw(fname, args, nargs, kwnames, names, 3, 1, argv) ||
        py_get_buffer(argv[0], view, fname, 1) < 0) {
        return -1;
    }
    if ((argv[1] != NULL && py_to_ssize(argv[1], n) < 0) ||
        (argv[2] != NULL && py_to_int(argv[2], flags) < 0)) {
        PyBuffer_Release(view);
        return -1;
    }
    if (*n < 0) {
        PyErr_Format(PyExc_ValueError, "negative buffersize in %s", fname);
    }
    else if (*n > view->len) {
        PyErr_SetString(PyExc_ValueError, too_big);
    }
    else {
        if (*n == 0) {
            *n = view->len;
        }
        return 0;
    }
    PyBuffer_Release(view);
    return -1;
}

CSK_DOC(sock_recv_into,
        "recv_into(buffer, [nbytes[, flags]]) -> nbytes_read\n\n"
        "recv() into buffer, a writable bytes-like object, instead of a new bytes\n"
        "object; return how many bytes were written at its start.  nbytes (0 or\n"
        "left out: the buffer's size) caps the count; a larger one is a ValueError.\n"
        "flags, blocking and timeout are as for recv().");

PyObject *sock_recv_into(csk_sock *s, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    Py_buffer view;
    Py_ssize_t n;
    int flags;
    if (into_args(args, nargs, kwnames, "recv_into", "buffer too small for requested bytes", &view,
                  &n, &flags) < 0) {
        return NULL;
    }
    csk_xfer x = {.buf = view.buf, .len = (size_t)n, .flags = flags};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t got = n == 0 ? 0 : py_sock_xfer(s, POLLIN, csk_recv_attempt, &x, &dl, 1);
    PyBuffer_Release(&view);
    return got < 0 ? NULL : PyLong_FromSsize_t(got);
}

CSK_DOC(sock_recvfrom_into,
        "recvfrom_into(buffer[, nbytes[, flags]]) -> (nbytes, address info)\n\n"
        "recv_into() that also returns the sender's address, as recvfrom() does.");

PyObject *sock_recvfrom_into(csk_sock *s, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
    Py_buffer view;
    Py_ssize_t n;
    int flags;
    if (into_args(args, nargs, kwnames, "recvfrom_into",
                  "nbytes is greater than the length of the buffer", &view, &n, &flags) < 0) {
        return NULL;
    }
    csk_sockaddr from;
    memset(&from, 0, sizeof from);
    csk_xfer x = {.buf = view.buf,
                  .len = (size_t)n,
                  .flags = flags,
                  .addr = &from.sa,
                  .addrlen = sizeof from};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t got = py_sock_xfer(s, POLLIN, csk_recvfrom_attempt, &x, &dl, 1);
    PyBuffer_Release(&view);
    if (got < 0) {
        return NULL;
    }
    PyObject *addr = py_sock_address(s, &from, x.addrlen);
    return addr == NULL ? NULL : Py_BuildValue("(nN)", got, addr);
}

/* Does this socket send whole messages (never a part of one)?  Then a send that would block
 * sends nothing, and a first non-blocking try cannot change what a blocking send returns. */
static int datagrams(const csk_sock *s)
{
    return s->sock_type != SOCK_STREAM;
}

/* send(data[, flags]) and sendall(data[, flags]): the shared argument handling. */
static int send_args(PyObject *const *args, Py_ssize_t nargs, const char *fname, Py_buffer *view,
                     int *flags)
{
    *flags = 0;
    if (!CSK_NARGS_SEND(fname, nargs, 1, 2) || py_get_buffer(args[0], view, fname, 0) < 0) {
        return -1;
    }
    if (nargs == 2 && CSK_SEND_FLAGS(args[1], flags) < 0) {
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

CSK_DOC(sock_send, CSK_SIG_SEND
        "Send bytes from data (a bytes-like object) and return how many went.  On\n"
        "a stream socket that can be fewer than len(data) when the send buffer\n"
        "fills: send the rest again, or use sendall().  flags is as send(2) takes\n"
        "it.  Blocking, wait for room in the send buffer; with a timeout, raise\n"
        "TimeoutError when none comes in time; non-blocking, raise BlockingIOError\n"
        "when there is none.");

PyObject *sock_send(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_buffer view;
    int flags;
    if (send_args(args, nargs, "send", &view, &flags) < 0) {
        return NULL;
    }
    csk_xfer x = {.buf = view.buf, .len = (size_t)view.len, .flags = flags};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t sent = py_sock_xfer(s, POLLOUT, csk_send_attempt, &x, &dl, datagrams(s));
    PyBuffer_Release(&view);
    return sent < 0 ? NULL : PyLong_FromSsize_t(sent);
}

CSK_DOC(sock_sendall, CSK_SIG_SENDALL
        "Send the whole of data, with as many sends as it takes, and return None.\n"
        "flags is as for send().  A timeout bounds the whole call, not each send.\n"
        "After an error or a timeout part of the data may have gone, and there is\n"
        "no knowing how much.  A signal handler that raises stops the call between\n"
        "two sends.");

PyObject *sock_sendall(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_buffer view;
    int flags;
    if (send_args(args, nargs, "sendall", &view, &flags) < 0) {
        return NULL;
    }
    /* One deadline for the whole call, however many sends it takes. */
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    csk_deadline_start(&dl);
    const char *p = view.buf;
    Py_ssize_t left = view.len;
    PyObject *result = Py_None;
    do {
        csk_xfer x = {.buf = (void *)p, .len = (size_t)left, .flags = flags};
        Py_ssize_t sent = py_sock_xfer(s, POLLOUT, csk_send_attempt, &x, &dl, 1);
        if (sent < 0) {
            result = NULL;
            break;
        }
        p += sent;
        left -= sent;
        /* A send cut short may have been cut by a signal: let its handler run now (and stop us
         * by raising), as the built-in module does. */
        if (left > 0 && PyErr_CheckSignals() < 0) {
            result = NULL;
            break;
        }
    } while (left > 0);
    PyBuffer_Release(&view);
    return result == NULL ? NULL : Py_NewRef(result);
}

CSK_DOC(sock_sendto,
        "sendto(data[, flags], address) -> count\n\n"
        "send() to address (in the form of the socket's family) rather than to the\n"
        "connected peer: the usual way to send a datagram on an unconnected socket.");

PyObject *sock_sendto(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int flags = 0;
    if (nargs != 2 && nargs != 3) {
        PyErr_Format(PyExc_TypeError, "sendto() takes 2 or 3 arguments (%zd given)", nargs);
        return NULL;
    }
    Py_buffer view;
    if (py_get_buffer(args[0], &view, "sendto", 0) < 0) {
        return NULL;
    }
    PyObject *addro = args[nargs - 1];
    csk_sockaddr addr;
    socklen_t len;
    if ((nargs == 3 && py_to_int(args[1], &flags) < 0) ||
        py_address_parse(s, addro, &addr, &len, "sendto") < 0 ||
        PySys_Audit("socket.sendto", "OO", (PyObject *)s, addro) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    csk_xfer x = {
        .buf = view.buf, .len = (size_t)view.len, .flags = flags, .addr = &addr.sa, .addrlen = len};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t sent = py_sock_xfer(s, POLLOUT, csk_sendto_attempt, &x, &dl, datagrams(s));
    PyBuffer_Release(&view);
    return sent < 0 ? NULL : PyLong_FromSsize_t(sent);
}
