/* Connections: bind, listen, _accept, connect, connect_ex, getsockname, getpeername, shutdown.
 *
 * connect in timeout mode is one core call (start, wait for writability, read SO_ERROR) with the
 * GIL released once.  Not here: data transfer (transfer.c).
 */
#include "binding.h"

CSK_DOC(sock_bind,
        "bind(address)\n\n"
        "Bind the socket to a local address.  For IP sockets, the address is a\n"
        "pair (host, port); the host must refer to the local host.  For raw packet\n"
        "sockets the address is a tuple (ifname, proto [,pkttype [,hatype [,addr]]])");

PyObject *sock_bind(csk_sock *s, PyObject *addro)
{
    csk_sockaddr addr;
    socklen_t len;
    if (csk_address_parse(s, addro, &addr, &len, "bind") < 0) {
        return NULL;
    }
    if (PySys_Audit("socket.bind", "OO", (PyObject *)s, addro) < 0) {
        return NULL;
    }
    int r;
    int fd = csk_sock_enter(s);
    Py_BEGIN_ALLOW_THREADS
    r = csk_bind(fd, &addr.sa, len);
    Py_END_ALLOW_THREADS
    csk_sock_leave(s);
    if (r < 0) {
        return csk_raise(r);
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_listen,
        "listen([backlog])\n\n"
        "Enable a server to accept connections.  If backlog is specified, it must be\n"
        "at least 0 (if it is lower, it is set to 0); it specifies the number of\n"
        "unaccepted connections that the system will allow before refusing new\n"
        "connections.  If not specified, a default reasonable value is chosen.");

PyObject *sock_listen(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    /* The default: SOMAXCONN, capped at 128 as CPython does. */
    int backlog = SOMAXCONN < 128 ? SOMAXCONN : 128;
    if (!csk_nargs("listen", nargs, 0, 1) || (nargs == 1 && csk_to_int(args[0], &backlog) < 0)) {
        return NULL;
    }
    if (backlog < 0) {
        backlog = 0;
    }
    int r;
    int fd = csk_sock_enter(s);
    Py_BEGIN_ALLOW_THREADS
    r = csk_listen(fd, backlog);
    Py_END_ALLOW_THREADS
    csk_sock_leave(s);
    if (r < 0) {
        return csk_raise(r);
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_accept,
        "_accept() -> (integer, address info)\n\n"
        "Wait for an incoming connection.  Return a new socket file descriptor\n"
        "representing the connection, and the address of the client.\n"
        "For IP sockets, the address info is a pair (hostaddr, port).");

PyObject *sock_accept(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    csk_sockaddr addr;
    memset(&addr, 0, sizeof addr);
    csk_xfer x = {.addr = &addr.sa, .addrlen = sizeof addr};
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    Py_ssize_t fd = csk_sock_call(s, POLLIN, csk_accept_attempt, &x, &dl);
    if (fd < 0) {
        return NULL;
    }
    PyObject *peer = csk_sock_address(s, &addr, x.addrlen);
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
    if (csk_address_parse(s, addro, &addr, &len, caller) < 0 ||
        PySys_Audit("socket.connect", "OO", (PyObject *)s, addro) < 0) {
        return -1;
    }
    csk_deadline dl = csk_deadline_new(s->sock_timeout);
    int in_progress = 0;
    for (;;) {
        int r;
        csk_sock_enter(s);
        Py_BEGIN_ALLOW_THREADS
        r = csk_connect(&s->sock_fd, &addr.sa, len, &dl, &in_progress);
        Py_END_ALLOW_THREADS
        csk_sock_leave(s);
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
        "Connect the socket to a remote address.  For IP sockets, the address\n"
        "is a pair (host, port).");

PyObject *sock_connect(csk_sock *s, PyObject *addro)
{
    int error;
    if (do_connect(s, addro, "connect", &error) < 0) {
        return NULL;
    }
    if (error != 0) {
        return csk_raise(error);
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_connect_ex,
        "connect_ex(address) -> errno\n\n"
        "This is like connect(address), but returns an error code (the errno value)\n"
        "instead of raising an exception when an error occurs.");

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
    socklen_t len;
    int r;
    int fd = csk_sock_enter(s);
    Py_BEGIN_ALLOW_THREADS
    r = csk_sockname(fd, peer, &addr, &len);
    Py_END_ALLOW_THREADS
    csk_sock_leave(s);
    if (r < 0) {
        return csk_raise(r);
    }
    return csk_sock_address(s, &addr, len);
}

CSK_DOC(sock_getsockname,
        "getsockname() -> address info\n\n"
        "Return the address of the local endpoint.  The format depends on the\n"
        "address family.  For IPv4 sockets, the address info is a pair\n"
        "(hostaddr, port).");

PyObject *sock_getsockname(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return sock_name(s, 0);
}

CSK_DOC(sock_getpeername,
        "getpeername() -> address info\n\n"
        "Return the address of the remote endpoint.  For IP sockets, the address\n"
        "info is a pair (hostaddr, port).");

PyObject *sock_getpeername(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return sock_name(s, 1);
}

CSK_DOC(sock_shutdown,
        "shutdown(flag)\n\n"
        "Shut down the reading side of the socket (flag == SHUT_RD), the writing side\n"
        "of the socket (flag == SHUT_WR), or both ends (flag == SHUT_RDWR).");

PyObject *sock_shutdown(csk_sock *s, PyObject *arg)
{
    int how;
    if (csk_to_int(arg, &how) < 0) {
        return NULL;
    }
    int r;
    int fd = csk_sock_enter(s);
    Py_BEGIN_ALLOW_THREADS
    r = csk_shutdown(fd, how);
    Py_END_ALLOW_THREADS
    csk_sock_leave(s);
    if (r < 0) {
        return csk_raise(r);
    }
    Py_RETURN_NONE;
}
