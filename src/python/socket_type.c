/* The socket type: creating a socket or adopting a descriptor, close, detach, fileno, repr, the
 * finalizer, attributes, and the table that gathers every method from its area's file.
 *
 * A heap type (module isolation); subclassable as Lib/socket.py needs, without a __weakref__ or
 * __dict__ of its own (Lib/socket.py's subclass declares __weakref__ in its __slots__).
 */
#include "binding.h"

/* CPython's error hook field, for C code that calls it the way socketmodule's callers did. */
static PyObject *error_hook(void)
{
    return PyErr_SetFromErrno(PyExc_OSError);
}

static PyObject *sock_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    csk_state *st = py_state_of_type(type);
    if (st == NULL) {
        return NULL;
    }
    csk_sock *s = (csk_sock *)type->tp_alloc(type, 0);
    if (s == NULL) {
        return NULL;
    }
    s->sock_fd = -1;
    s->sock_timeout = CSK_TIMEOUT_NONE;
    s->errorhandler = error_hook;
    s->state = st;
    s->nonblocking = -1;
    s->close_fd = -1;
    return (PyObject *)s;
}

/* Fill in a socket object for `fd`; `nonblocking` is the fd's known O_NONBLOCK state or -1. */
static int init_sock(csk_sock *s, int fd, int family, int type, int proto, int nonblocking)
{
    py_sock_set_fd(s, fd);
    s->sock_family = family;
    s->sock_type = type & ~CSK_SOCK_TYPE_FLAGS;
    s->sock_proto = proto;
    s->nonblocking = nonblocking;
    s->gso_segs = s->gso_refused = 0; /* what send_segments learnt was about another fd */
    /* socket(type=SOCK_STREAM | SOCK_NONBLOCK) asks for a non-blocking socket. */
    if (type & CSK_SOCK_NONBLOCK_FLAG) {
        s->sock_timeout = 0;
        return 0;
    }
    s->sock_timeout = CSK_TIMEOUT_NONE;
    int64_t t = s->state->default_timeout;
    return t >= 0 ? py_sock_apply_timeout(s, t) : 0;
}

/* socket(fileno=fd): check the descriptor and ask it what it is where the caller did not say. */
static int adopt_fd(PyObject *fdobj, int *fd, int *family, int *type, int *proto)
{
    long v;
    if (py_to_long(fdobj, &v) < 0) {
        return -1;
    }
    if (v < 0) {
        PyErr_SetString(PyExc_ValueError, "negative file descriptor");
        return -1;
    }
    if (v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "file descriptor is greater than maximum");
        return -1;
    }
    *fd = (int)v;
    /* getsockname() both proves it is a socket and tells its family. */
    int got = csk_sock_family(*fd);
    if (got == -EBADF || got == -ENOTSOCK) {
        return py_raise_int(got);
    }
    if (*family == -1 && got >= 0) {
        *family = got;
    }
    int err = 0;
    if (*type == -1) {
        err = csk_getsockopt_int(*fd, SOL_SOCKET, SO_TYPE, type);
    }
#ifdef SO_PROTOCOL
    if (err == 0 && *proto == -1) {
        err = csk_getsockopt_int(*fd, SOL_SOCKET, SO_PROTOCOL, proto);
    }
#else
    if (*proto == -1) {
        *proto = 0;
    }
#endif
    return err < 0 ? py_raise_int(err) : 0;
}

/* 3.11+ parse socket() with Argument Clinic, which rejects a keyword given by position too or
 * not known at all before it converts any argument (so socket(2**31, family=2) is a TypeError
 * there, not the positional OverflowError PyArg_ParseTupleAndKeywords would raise first). */
static char *init_kwlist[] = {"family", "type", "proto", "fileno", NULL};

static int check_keywords(PyObject *args, PyObject *kwds)
{
#if CSK_PY_SOCKET_INIT_CLINIC
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    if (kwds == NULL || nargs > 4) {
        return 0; /* no keywords; or too many arguments, which the parser reports first */
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        if (PyDict_GetItemString(kwds, init_kwlist[i]) != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "argument for socket() given by name ('%s') and position (%zd)",
                         init_kwlist[i], i + 1);
            return -1;
        }
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(kwds, &pos, &key, &value)) {
        int known = 0;
        for (int i = 0; init_kwlist[i] != NULL && !known; i++) {
            known =
                PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, init_kwlist[i]) == 0;
        }
        if (!known) {
#if CSK_PY_UNEXPECTED_KEYWORD
            PyErr_Format(PyExc_TypeError, "socket() got an unexpected keyword argument '%S'", key);
#else
            PyErr_Format(PyExc_TypeError, "'%S' is an invalid keyword argument for socket()", key);
#endif
            return -1;
        }
    }
#else
    (void)args;
    (void)kwds;
#endif
    return 0;
}

/* An int argument of socket(): 3.11 parses them with Argument Clinic, whose overflow message
 * differs from the older "i" format's. */
static int init_int(PyObject *obj, int *out)
{
#if CSK_PY_SOCKET_INIT_CLINIC
    return py_to_int_or(obj, out, "Python int too large to convert to C int");
#else
    return py_to_int(obj, out);
#endif
}

/* socket(family=-1, type=-1, proto=-1, fileno=None).  Lib/socket.py always passes the four
 * positionally: that form skips the general (much slower) keyword parser. */
static int init_args(PyObject *args, PyObject *kwds, int *family, int *type, int *proto,
                     PyObject **fdobj)
{
    PyObject *argv[4] = {NULL, NULL, NULL, NULL};
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if ((kwds != NULL && PyDict_GET_SIZE(kwds) != 0) || n > 4) {
#if !CSK_PY_SOCKET_INIT_CLINIC
        /* 3.9 and 3.10 parse with the "i" format, which converts each positional argument before
         * it looks at the keywords: socket(2**31, family=2) is an OverflowError there. */
        return PyArg_ParseTupleAndKeywords(args, kwds, "|iiiO:socket", init_kwlist, family, type,
                                           proto, fdobj)
                   ? 0
                   : -1;
#endif
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OOOO:socket", init_kwlist, &argv[0],
                                         &argv[1], &argv[2], &argv[3])) {
            return -1;
        }
    }
    else {
        for (Py_ssize_t i = 0; i < n; i++) {
            argv[i] = PyTuple_GET_ITEM(args, i);
        }
    }
    int *ints[] = {family, type, proto};
    for (int i = 0; i < 3; i++) {
        if (argv[i] != NULL && init_int(argv[i], ints[i]) < 0) {
            return -1;
        }
    }
    *fdobj = argv[3];
    return 0;
}

static int sock_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    csk_sock *s = (csk_sock *)self;
    int family = -1, type = -1, proto = -1, fd, nonblocking = -1;
    PyObject *fdobj = NULL;
    if (check_keywords(args, kwds) < 0 ||
        init_args(args, kwds, &family, &type, &proto, &fdobj) < 0 ||
        PySys_Audit("socket.__new__", "Oiii", self, family, type, proto) < 0) {
        return -1;
    }
    if (fdobj != NULL && fdobj != Py_None) {
        if (adopt_fd(fdobj, &fd, &family, &type, &proto) < 0) {
            return -1;
        }
    }
    else {
        family = family == -1 ? AF_INET : family;
        type = type == -1 ? SOCK_STREAM : type;
        proto = proto == -1 ? 0 : proto;
        fd = csk_socket(family, type, proto);
        if (fd < 0) {
            return py_raise_int(fd);
        }
        nonblocking = (type & CSK_SOCK_NONBLOCK_FLAG) != 0;
    }
    if (init_sock(s, fd, family, type, proto, nonblocking) < 0) {
        py_sock_set_fd(s, -1);
        csk_close(fd);
        return -1;
    }
    return 0;
}

PyObject *py_sock_from_fd(csk_state *st, int fd, int family, int type, int proto, int nonblocking)
{
    csk_sock *s = (csk_sock *)sock_new(st->sock_type, NULL, NULL);
    if (s == NULL) {
        return NULL;
    }
    if (init_sock(s, fd, family, type, proto, nonblocking) < 0) {
        py_sock_set_fd(s, -1); /* the caller still owns fd */
        Py_DECREF(s);
        return NULL;
    }
    return (PyObject *)s;
}

static void sock_finalize(PyObject *self)
{
    csk_sock *s = (csk_sock *)self;
    PyObject *exc = py_err_take();
    if (py_sock_fd(s) != -1) {
        if (PyErr_ResourceWarning(self, 1, "unclosed %R", self) < 0 &&
            PyErr_ExceptionMatches(PyExc_Warning)) {
            /* Warnings turned into errors (or raised at shutdown) cannot propagate from here. */
            PyErr_WriteUnraisable(self);
        }
        /* Closed only after the warning, so a handler that logs it can still query the socket. */
        int fd = py_sock_fd(s);
        py_sock_set_fd(s, -1);
        py_close_nogil(fd);
    }
    py_err_restore(exc);
}

static void sock_dealloc(PyObject *self)
{
    /* The finalizer runs while the collector still tracks the object: it can resurrect it (a
     * warnings handler keeps the socket as its ResourceWarning's source), and a resurrected
     * object must stay tracked, or the cycles it joins later are never collected. */
    if (PyObject_CallFinalizerFromDealloc(self) < 0) {
        return; /* resurrected */
    }
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int sock_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static PyObject *sock_repr(PyObject *self)
{
    csk_sock *s = (csk_sock *)self;
    return PyUnicode_FromFormat("<socket object, fd=%ld, family=%d, type=%d, proto=%d>",
                                (long)py_sock_fd(s), s->sock_family, s->sock_type, s->sock_proto);
}

CSK_DOC(sock_close,
        "close()\n\n"
        "Close the socket's file descriptor; the socket can do nothing more after\n"
        "this, and closing it again does nothing.  While another thread is still\n"
        "in a call on the socket, the descriptor stays open until that call\n"
        "returns.  ECONNRESET from the system is not an error: the descriptor is\n"
        "released all the same.");

PyObject *sock_close(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    int fd = py_sock_fd(s);
    if (fd == -1) {
        Py_RETURN_NONE;
    }
    /* Forget the fd first: whatever close() says, it is released and may be reused at once. */
    py_sock_set_fd(s, -1);
    if (s->inflight > 0) {
        /* Another thread's call may be about to use the number: the last one closes it. */
        s->close_fd = fd;
        Py_RETURN_NONE;
    }
    return py_none_or_raise(py_close_nogil(fd));
}

CSK_DOC(sock_detach,
        "detach()\n\n"
        "Hand the file descriptor over to the caller and return it: the socket\n"
        "object is closed (fileno() gives -1) but the descriptor stays open, to be\n"
        "used or closed elsewhere.");

PyObject *sock_detach(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    int fd = py_sock_fd(s);
    py_sock_set_fd(s, -1);
    return PyLong_FromLong(fd);
}

CSK_DOC(sock_fileno,
        "fileno() -> integer\n\n"
        "Return the socket's file descriptor: -1 after close() or detach().");

PyObject *sock_fileno(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLong(py_sock_fd(s));
}

static PyObject *sock_get_timeout(PyObject *self, void *Py_UNUSED(closure))
{
    return py_timeout_to_object(((csk_sock *)self)->sock_timeout);
}

static PyMethodDef sock_methods[] = {
    CSK_METHOD("_accept", sock_accept, METH_NOARGS),
    CSK_METHOD("bind", sock_bind, METH_O),
    CSK_METHOD("close", sock_close, METH_NOARGS),
    CSK_METHOD("connect", sock_connect, METH_O),
    CSK_METHOD("connect_ex", sock_connect_ex, METH_O),
    CSK_METHOD("detach", sock_detach, METH_NOARGS),
    CSK_METHOD("fileno", sock_fileno, METH_NOARGS),
    CSK_METHOD("getblocking", sock_getblocking, METH_NOARGS),
    CSK_METHOD("getpeername", sock_getpeername, METH_NOARGS),
    CSK_METHOD("getsockname", sock_getsockname, METH_NOARGS),
    CSK_METHOD("getsockopt", sock_getsockopt, METH_FASTCALL),
    CSK_METHOD("gettimeout", sock_gettimeout, METH_NOARGS),
    CSK_METHOD("listen", sock_listen, METH_FASTCALL),
    CSK_METHOD("recv", sock_recv, METH_FASTCALL),
    CSK_METHOD("recv_into", sock_recv_into, METH_FASTCALL | METH_KEYWORDS),
    CSK_METHOD("recvfrom", sock_recvfrom, METH_FASTCALL),
    CSK_METHOD("recvfrom_into", sock_recvfrom_into, METH_FASTCALL | METH_KEYWORDS),
    CSK_METHOD("recvmsg", sock_recvmsg, METH_FASTCALL),
    CSK_METHOD("recvmsg_into", sock_recvmsg_into, METH_FASTCALL),
    CSK_METHOD("send", sock_send, METH_FASTCALL),
    CSK_METHOD("sendall", sock_sendall, METH_FASTCALL),
    CSK_METHOD("sendmsg", sock_sendmsg, METH_FASTCALL),
#ifdef CSK_HAVE_AF_ALG
    CSK_METHOD("sendmsg_afalg", sock_sendmsg_afalg, METH_FASTCALL | METH_KEYWORDS),
#endif
    CSK_METHOD("sendto", sock_sendto, METH_FASTCALL),
#ifdef CSK_HAVE_MMSG
    CSK_METHOD("sendmmsg", sock_sendmmsg, METH_FASTCALL),
    CSK_METHOD("recvmmsg", sock_recvmmsg, METH_FASTCALL),
    CSK_METHOD("recvmmsg_into", sock_recvmmsg_into, METH_FASTCALL),
    CSK_METHOD("send_segments", sock_send_segments, METH_FASTCALL | METH_KEYWORDS),
    CSK_METHOD("recv_segments", sock_recv_segments, METH_FASTCALL),
#endif
    CSK_METHOD("setblocking", sock_setblocking, METH_O),
    CSK_METHOD("setsockopt", sock_setsockopt, METH_FASTCALL),
    CSK_METHOD("settimeout", sock_settimeout, METH_O),
    CSK_METHOD("shutdown", sock_shutdown, METH_O),
    {NULL, NULL, 0, NULL},
};

static PyMemberDef sock_members[] = {
    {"family", CSK_T_INT, offsetof(csk_sock, sock_family), CSK_READONLY,
     "address family, such as AF_INET"},
    {"type", CSK_T_INT, offsetof(csk_sock, sock_type), CSK_READONLY,
     "kind of socket, such as SOCK_STREAM (without SOCK_NONBLOCK, SOCK_CLOEXEC)"},
    {"proto", CSK_T_INT, offsetof(csk_sock, sock_proto), CSK_READONLY,
     "protocol number, such as IPPROTO_TCP (0: the default for family and type)"},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef sock_getset[] = {
    {"timeout", sock_get_timeout, NULL,
     "seconds a call may wait, as a float: 0.0 if non-blocking, None if without limit", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static const char sock_doc[] =
    "socket(family=AF_INET, type=SOCK_STREAM, proto=0) -> socket object\n"
    "socket(family=-1, type=-1, proto=-1, fileno=None) -> socket object\n\n"
    "A socket: csocket's implementation of the built-in _socket.socket type.\n\n"
    "Without fileno, open a new socket (socket(2)): family is the address\n"
    "family (AF_INET unless given), type the kind (SOCK_STREAM unless given;\n"
    "SOCK_NONBLOCK ORed in makes it non-blocking) and proto the protocol (0\n"
    "unless given: the family's usual one for that type).  The new descriptor\n"
    "is non-inheritable.  With fileno, take over that open socket descriptor\n"
    "instead, and ask it for whichever of family, type and proto are not given.\n\n"
    "The socket starts with the module's default timeout (see\n"
    "setdefaulttimeout()), unless SOCK_NONBLOCK was asked for.  All four\n"
    "arguments may also be passed by keyword.";

static PyType_Slot sock_slots[] = {
    {Py_tp_new, sock_new},
    {Py_tp_init, sock_init},
    {Py_tp_finalize, sock_finalize},
    {Py_tp_dealloc, sock_dealloc},
    {Py_tp_traverse, sock_traverse},
    {Py_tp_repr, sock_repr},
    {Py_tp_methods, sock_methods},
    {Py_tp_members, sock_members},
    {Py_tp_getset, sock_getset},
    {Py_tp_doc, (void *)sock_doc},
    {0, NULL},
};

static PyType_Spec sock_spec = {
    .name = "_socket.socket",
    .basicsize = sizeof(csk_sock),
    .flags =
        Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = sock_slots,
};

PyType_Spec *py_sock_spec(void)
{
    return &sock_spec;
}

/* ---- module functions that make or end descriptors ---------------------------------------- */

static int fd_arg(PyObject *obj, int *fd)
{
    return py_to_int_or(obj, fd, "file descriptor out of range");
}

static CSK_DOC(mod_dup,
               "dup(integer) -> integer\n\n"
               "Return a non-inheritable copy of a socket file descriptor given as an int,\n"
               "as os.dup() would make it; socket.dup() is built on this.");

static PyObject *mod_dup(PyObject *module, PyObject *arg)
{
    (void)module;
    int fd;
    if (fd_arg(arg, &fd) < 0) {
        return NULL;
    }
    int copy = csk_dup(fd);
    return copy < 0 ? py_raise(copy) : PyLong_FromLong(copy);
}

static CSK_DOC(mod_close,
               "close(integer) -> None\n\n"
               "Close a socket file descriptor given as an int, as os.close() would, for\n"
               "code that holds a bare descriptor (such as one from detach()).  ECONNRESET\n"
               "from the system is not an error: the descriptor is released all the same.");

static PyObject *mod_close(PyObject *module, PyObject *arg)
{
    (void)module;
    int fd;
    if (fd_arg(arg, &fd) < 0) {
        return NULL;
    }
    return py_none_or_raise(py_close_nogil(fd));
}

static CSK_DOC(mod_socketpair,
               "socketpair([family[, type [, proto]]]) -> (socket object, socket object)\n\n"
               "Return two sockets connected to each other (socketpair(2)).  family\n"
               "defaults to AF_UNIX, type to SOCK_STREAM and proto to 0, otherwise as\n"
               "socket() takes them.  Both are non-inheritable and start with the default\n"
               "timeout.");

static PyObject *mod_socketpair(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    csk_state *st = py_state_of_module(module);
    int family = AF_UNIX, type = SOCK_STREAM, proto = 0, fds[2];
    if (!py_nargs("socketpair", nargs, 0, 3) || (nargs > 0 && py_to_int(args[0], &family) < 0) ||
        (nargs > 1 && py_to_int(args[1], &type) < 0) ||
        (nargs > 2 && py_to_int(args[2], &proto) < 0)) {
        return NULL;
    }
    int r = csk_socketpair(family, type, proto, fds);
    if (r < 0) {
        return py_raise(r);
    }
    int nonblocking = (type & CSK_SOCK_NONBLOCK_FLAG) != 0;
    PyObject *a = py_sock_from_fd(st, fds[0], family, type, proto, nonblocking);
    PyObject *b = a ? py_sock_from_fd(st, fds[1], family, type, proto, nonblocking) : NULL;
    if (b == NULL) {
        if (a != NULL) {
            /* Forget the fd first: a's finalizer must not warn about (or close) it. */
            py_sock_set_fd((csk_sock *)a, -1);
            Py_DECREF(a);
        }
        csk_close(fds[0]);
        csk_close(fds[1]);
        return NULL;
    }
    return Py_BuildValue("(NN)", a, b);
}

PyMethodDef py_descriptor_functions[] = {
    CSK_METHOD("close", mod_close, METH_O),
    CSK_METHOD("dup", mod_dup, METH_O),
    CSK_METHOD("socketpair", mod_socketpair, METH_FASTCALL),
    {NULL, NULL, 0, NULL},
};
