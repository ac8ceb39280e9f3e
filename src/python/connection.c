/* Connections: bind, listen, _accept, connect, connect_ex, getsockname, getpeername, shutdown.
 *
 * connect in timeout mode is one core call (start, wait for writability, read SO_ERROR) with the
 * GIL released once.  Not here: data transfer (transfer.c).
 */
#include "binding.h"

/* bind, listen, shutdown and getsockname/getpeername wait on nobody: each is one attempt that
 * py_sock_once() runs with the GIL released once. */
typedef struct {
    csk_sockaddr *addr;
    socklen_t len;
    int arg; /* listen's backlog, shutdown's how, getsockname (0) or getpeername (1) */
} conn_op;

static ssize_t bind_attempt(int fd, void *op)
{
    conn_op *o = op;
    return csk_bind(fd, &o->addr->sa, o->len);
}

static ssize_t listen_attempt(int fd, void *op)
{
    return csk_listen(fd, ((conn_op *)op)->arg);
}

static ssize_t shutdown_attempt(int fd, void *op)
{
    return csk_shutdown(fd, ((conn_op *)op)->arg);
}

static ssize_t sockname_attempt(int fd, void *op)
{
    conn_op *o = op;
    return csk_sockname(fd, o->arg, o->addr, &o->len);
}

CSK_DOC(sock_bind,
        "bind(address)\n\n"
        "Give the socket its local address, in the form of its family: (host, port)\n"
        "for AF_INET, where host is one of this machine's addresses or '' for any\n"
        "of them; a path for AF_UNIX; (ifname, proto[, pkttype[, hatype[, addr]]])\n"
        "for AF_PACKET.");

PyObject *sock_bind(csk_sock *s, PyObject *addro)
{
    csk_sockaddr addr;
    socklen_t len;
    if (py_address_parse(s, addro, &addr, &len, "bind") < 0) {
        return NULL;
    }
    if (PySys_Audit("socket.bind", "OO", (PyObject *)s, addro) < 0) {
        return NULL;
    }
    conn_op op = {&addr, len, 0};
    return py_none_or_raise(py_sock_once(s, bind_attempt, &op));
}

CSK_DOC(sock_listen,
        "listen([backlog])\n\n"
        "Make the socket take connections.  backlog bounds how many the system\n"
        "queues for it before they are accepted (a negative one counts as 0);\n"
        "without it the bound is SOMAXCONN, capped at 128.");

PyObject *sock_listen(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    /* The default: SOMAXCONN, capped at 128 as CPython does. */
    int backlog = SOMAXCONN < 128 ? SOMAXCONN : 128;
    if (!py_nargs("listen", nargs, 0, 1) || (nargs == 1 && py_to_int(args[0], &backlog) < 0)) {
        return NULL;
    }
    if (backlog < 0) {
        backlog = 0;
    }
    conn_op op = {NULL, 0, backlog};
    return py_none_or_raise(py_sock_once(s, listen_attempt, &op));
}

CSK_DOC(sock_accept,
        "_accept() -> (integer, address info)\n\n"
        "Take the next connection waiting on a listening socket.  Return its new\n"
        "file descriptor (non-inheritable) and the peer's address, in the form of\n"
        "the socket's family ((host, port) for AF_INET); socket.accept() wraps the\n"
        "descriptor in a socket object.  Blocking, wait for a connection; with a\n"
        "timeout, raise TimeoutError when none comes in time; non-blocking, raise\n"
        "BlockingIOError when none is waiting.");

PyObject *sock_accept(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    csk_sockaddr addr;
    memset(&addr, 0, sizeof addr);
    csk_xfer x = {.addr = &addr.sa, .addrlen = sizeof addr};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t fd = py_sock_call(s, POLLIN, csk_accept_attempt, &x, &dl);
    if (fd < 0) {
        return NULL;
    }
    PyObject *peer = py_sock_address(s, &addr, x.addrlen);
    if (peer == NULL) {
        csk_close((int)fd);
        return NULL;
    }
    /* The descriptor is nobody's until the caller gets the tuple: a MemoryError here must not
     * leak it (the built-in module's does). */
    PyObject *result = Py_BuildValue("(nN)", fd, peer);
    if (result == NULL) {
        csk_close((int)fd);
    }
    return result;
}

/* The shared body of connect and connect_ex: 0 on success, a negative errno (or CSK_ETIMEOUT) for
 * the caller to report, or -1 with a Python exception already set (bad address, a signal
 * handler's exception). */
static int do_connect(csk_sock *s, PyObject *addro, const char *caller, int *error)
{
    csk_sockaddr addr;
    socklen_t len;
    *error = 0;
    if (py_address_parse(s, addro, &addr, &len, caller) < 0 ||
        PySys_Audit("socket.connect", "OO", (PyObject *)s, addro) < 0) {
        return -1;
    }
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    int in_progress = 0;
    for (;;) {
        int r;
        py_sock_enter(s);
        Py_BEGIN_ALLOW_THREADS
        r = csk_connect(&s->sock_fd, &addr.sa, len, &dl, &in_progress);
        Py_END_ALLOW_THREADS
        py_sock_leave(s);
        if (r != -EINTR) {
            *error = r;
            return 0;
        }
        /* PEP 475: run the handlers; a connect that goes on in the kernel is waited for. */
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        if (!in_progress) {
            *error = -EINTR;
            return 0;
        }
    }
}

CSK_DOC(sock_connect,
        "connect(address)\n\n"
        "Open a connection to address, in the form of the socket's family ((host,\n"
        "port) for AF_INET, a path for AF_UNIX).  Blocking, wait until it is made\n"
        "or refused; with a timeout, raise TimeoutError when it is not made in\n"
        "time; non-blocking, raise BlockingIOError (EINPROGRESS) and let it go on\n"
        "in the background.  A signal handler that does not raise does not cut\n"
        "the wait short.");

PyObject *sock_connect(csk_sock *s, PyObject *addro)
{
    int error;
    if (do_connect(s, addro, "connect", &error) < 0) {
        return NULL;
    }
    if (error != 0) {
        return py_raise(error);
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_connect_ex,
        "connect_ex(address) -> errno\n\n"
        "Like connect(), but a failed connection returns its errno value rather\n"
        "than raising: 0 once connected, EINPROGRESS on a non-blocking socket,\n"
        "EWOULDBLOCK when the timeout runs out.  A bad address still raises.");

PyObject *sock_connect_ex(csk_sock *s, PyObject *addro)
{
    int error;
    if (do_connect(s, addro, "connect_ex", &error) < 0) {
        return NULL;
    }
    /* A timeout reads as EWOULDBLOCK here, as with the built-in module. */
    return PyLong_FromLong(error == CSK_ETIMEOUT ? EWOULDBLOCK : -error);
}

static PyObject *sock_name(csk_sock *s, int peer)
{
    csk_sockaddr addr;
    conn_op op = {&addr, 0, peer};
    ssize_t r = py_sock_once(s, sockname_attempt, &op);
    if (r < 0) {
        return py_raise((int)r);
    }
    return py_sock_address(s, &addr, op.len);
}

CSK_DOC(sock_getsockname,
        "getsockname() -> address info\n\n"
        "Return the socket's own address, in the form of its family: (host, port)\n"
        "for AF_INET, (host, port, flowinfo, scope_id) for AF_INET6.");

PyObject *sock_getsockname(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return sock_name(s, 0);
}

CSK_DOC(sock_getpeername,
        "getpeername() -> address info\n\n"
        "Return the address of the connected peer, in the form of the socket's\n"
        "family ((host, port) for AF_INET).  Raise OSError (ENOTCONN) when the\n"
        "socket is not connected.");

PyObject *sock_getpeername(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return sock_name(s, 1);
}

CSK_DOC(sock_shutdown,
        "shutdown(flag)\n\n"
        "End one direction of the connection or both, leaving the descriptor open:\n"
        "SHUT_RD stops receiving, SHUT_WR sends end-of-stream (the peer's recv()\n"
        "then returns b''), SHUT_RDWR does both.");

PyObject *sock_shutdown(csk_sock *s, PyObject *arg)
{
    int how;
    if (py_to_int(arg, &how) < 0) {
        return NULL;
    }
    conn_op op = {NULL, 0, how};
    return py_none_or_raise(py_sock_once(s, shutdown_attempt, &op));
}
