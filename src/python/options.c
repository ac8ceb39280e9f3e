/* Socket options: setsockopt and getsockopt in their integer, bytes and (setsockopt) NULL forms,
 * with the built-in module's argument rules and range checks.
 */
#include "binding.h"

/* AF_VSOCK's own options (SO_VM_SOCKETS_BUFFER_*) are 64-bit, so the built-in module passes every
 * option of an AF_VSOCK socket as an unsigned 64-bit integer: setsockopt takes exactly one int
 * (no buffer, no None form) and getsockopt returns an int only. */
#ifdef CSK_HAVE_AF_VSOCK
#define IS_VSOCK(s) ((s)->sock_family == AF_VSOCK)
#else
#define IS_VSOCK(s) 0
#endif

/* 3.15 checks the arity as for other sockets, then wants an int. */
static int vsock_args_315(PyObject *const *args, Py_ssize_t nargs, int *level, int *name,
                          unsigned long long *value)
{
    if (nargs < 3 || nargs > 4) {
        PyErr_Format(PyExc_TypeError, "setsockopt() takes at %s %d arguments (%zd given)",
                     nargs < 3 ? "least" : "most", nargs < 3 ? 3 : 4, nargs);
        return -1;
    }
    if (py_to_int(args[0], level) < 0 || py_to_int(args[1], name) < 0) {
        return -1;
    }
    if (!PyIndex_Check(args[2])) {
        PyErr_Format(PyExc_TypeError,
                     "setsockopt() argument 3 for AF_VSOCK must be an int (got %.200s)",
                     Py_TYPE(args[2])->tp_name);
        return -1;
    }
    if (nargs == 4) {
        PyErr_Format(PyExc_TypeError,
                     "setsockopt() only takes 4 arguments when the third argument "
                     "is None (got %.200s)",
                     Py_TYPE(args[2])->tp_name);
        return -1;
    }
    PyObject *n = PyNumber_Index(args[2]);
    if (n == NULL) {
        return -1;
    }
    *value = PyLong_AsUnsignedLongLongMask(n);
    Py_DECREF(n);
    return *value == (unsigned long long)-1 && PyErr_Occurred() ? -1 : 0;
}

static PyObject *vsock_setsockopt(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int level, name;
    unsigned long long value;
    if (CSK_PY_SETSOCKOPT_315) {
        if (vsock_args_315(args, nargs, &level, &name, &value) < 0) {
            return NULL;
        }
        uint64_t v = value;
        int r = csk_setsockopt(py_sock_fd(s), level, name, &v, sizeof v);
        return r < 0 ? py_raise(r) : Py_NewRef(Py_None);
    }
    PyObject *tuple = PyTuple_New(nargs);
    if (tuple == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
    }
    /* Cold path: the built-in module's own format gives its messages on every version. */
    int ok = PyArg_ParseTuple(tuple, "iiK:setsockopt", &level, &name, &value);
    Py_DECREF(tuple);
    if (!ok) {
        return NULL;
    }
    uint64_t v = value;
    int r = csk_setsockopt(py_sock_fd(s), level, name, &v, sizeof v);
    if (r < 0) {
        return py_raise(r);
    }
    Py_RETURN_NONE;
}

static PyObject *vsock_getsockopt(csk_sock *s, int level, int name, int buflen)
{
    if (buflen != 0) {
        PyErr_SetString(PyExc_OSError, "getsockopt string buffer not allowed");
        return NULL;
    }
    uint64_t v = 0;
    socklen_t len = sizeof v;
    int r = csk_getsockopt(py_sock_fd(s), level, name, &v, &len);
    return r < 0 ? py_raise(r) : PyLong_FromUnsignedLongLong(v);
}

CSK_DOC(sock_setsockopt,
        "setsockopt(level, option, value: int)\n"
        "setsockopt(level, option, value: buffer)\n"
        "setsockopt(level, option, None, optlen: int)\n\n"
        "Set a socket option: level (SOL_SOCKET, IPPROTO_TCP, ...) and option\n"
        "(SO_*, TCP_*, ...) are as setsockopt(2) takes them.  An int value goes to\n"
        "the system as a C int, a bytes-like one as its bytes; None with optlen\n"
        "passes no value and a length of optlen, which some options read as their\n"
        "setting (AF_ALG's ALG_SET_AEAD_AUTHSIZE).  An AF_VSOCK socket takes an int\n"
        "only, passed as 64 bits.");

/* A parsed setsockopt() value: an int, a buffer, or (None, optlen) for a NULL value. */
typedef struct {
    int level, name;
    enum { OPT_INT, OPT_BUFFER, OPT_NULL } form;
    int flag;
    unsigned optlen;
    Py_buffer view;
} sockopt_value;

/* Up to 3.14 the built-in module tries its argument formats in turn: (None, optlen) first, then
 * an int, then a buffer, and reports a failure as the last format's error. */
static int parse_classic(PyObject *const *args, Py_ssize_t nargs, sockopt_value *v)
{
    if (nargs == 4) {
        if (py_to_int(args[0], &v->level) < 0 || py_to_int(args[1], &v->name) < 0 ||
            args[2] != Py_None || py_to_uint_mask(args[3], &v->optlen) < 0) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "setsockopt() takes exactly 3 arguments (4 given)");
            return -1;
        }
        v->form = OPT_NULL;
        return 0;
    }
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "setsockopt() takes exactly 3 arguments (%zd given)", nargs);
        return -1;
    }
    if (py_to_int(args[0], &v->level) < 0 || py_to_int(args[1], &v->name) < 0) {
        return -1;
    }
    if (PyIndex_Check(args[2])) {
        v->form = OPT_INT;
        if (py_to_int(args[2], &v->flag) < 0) {
            /* As the built-in module, whose last resort is the buffer form, reports it. */
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                         Py_TYPE(args[2])->tp_name);
            return -1;
        }
        return 0;
    }
    v->form = OPT_BUFFER;
    return py_get_buffer(args[2], &v->view, "setsockopt", 0);
}

/* 3.15 parses once: 3 or 4 arguments, the optlen of the 4-argument form first, then the value's
 * type, with an error for each way of getting it wrong. */
static int parse_315(PyObject *const *args, Py_ssize_t nargs, sockopt_value *v)
{
    if (nargs < 3 || nargs > 4) {
        PyErr_Format(PyExc_TypeError, "setsockopt() takes at %s %d arguments (%zd given)",
                     nargs < 3 ? "least" : "most", nargs < 3 ? 3 : 4, nargs);
        return -1;
    }
    PyObject *value = args[2];
    if (py_to_int(args[0], &v->level) < 0 || py_to_int(args[1], &v->name) < 0 ||
        (nargs == 4 && py_to_uint_mask(args[3], &v->optlen) < 0)) {
        return -1;
    }
    if (value == Py_None || nargs == 4) {
        if (value != Py_None || nargs != 4) {
            PyErr_Format(PyExc_TypeError,
                         nargs == 4 ? "setsockopt() only takes 4 arguments when the third "
                                      "argument is None (got %.200s)"
                                    : "setsockopt() requires 4 arguments when the third "
                                      "argument is None",
                         Py_TYPE(value)->tp_name);
            return -1;
        }
        v->form = OPT_NULL;
        return 0;
    }
    if (PyIndex_Check(value)) {
        v->form = OPT_INT;
        return py_to_int(value, &v->flag);
    }
    if (!PyObject_CheckBuffer(value)) {
        PyErr_Format(PyExc_TypeError,
                     "socket option should be int, bytes-like object or None (got %.200s)",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    v->form = OPT_BUFFER;
    return py_get_buffer(value, &v->view, "setsockopt", 0);
}

PyObject *sock_setsockopt(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    if (IS_VSOCK(s)) {
        return vsock_setsockopt(s, args, nargs);
    }
    sockopt_value v;
    /* cppcheck-suppress uninitvar ; v is the parser's output, not read before it fills it */
    if ((CSK_PY_SETSOCKOPT_315 ? parse_315 : parse_classic)(args, nargs, &v) < 0) {
        return NULL;
    }
    int fd = py_sock_fd(s), r;
    switch (v.form) {
    case OPT_INT:
        r = csk_setsockopt(fd, v.level, v.name, &v.flag, sizeof v.flag);
        break;
    case OPT_NULL: /* a NULL value of optlen bytes (AF_ALG's key size) */
        r = csk_setsockopt(fd, v.level, v.name, NULL, (socklen_t)v.optlen);
        break;
    default:
        r = csk_setsockopt(fd, v.level, v.name, v.view.buf, (socklen_t)v.view.len);
        PyBuffer_Release(&v.view);
    }
    return r < 0 ? py_raise(r) : Py_NewRef(Py_None);
}

CSK_DOC(sock_getsockopt,
        "getsockopt(level, option[, buffersize]) -> value\n\n"
        "Read a socket option (level and option as for setsockopt()).  Without\n"
        "buffersize, or with 0, return its value read as a C int; with buffersize\n"
        "(at most 1024) return its raw bytes, up to that many.  On an AF_VSOCK\n"
        "socket every option reads as a 64-bit integer and buffersize must be 0.");

PyObject *sock_getsockopt(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int level, name, buflen = 0;
    if (!py_nargs("getsockopt", nargs, 2, 3) || py_to_int(args[0], &level) < 0 ||
        py_to_int(args[1], &name) < 0 || (nargs == 3 && py_to_int(args[2], &buflen) < 0)) {
        return NULL;
    }
    if (IS_VSOCK(s)) {
        return vsock_getsockopt(s, level, name, buflen);
    }
    int fd = py_sock_fd(s);
    if (buflen == 0) {
        int flag = 0;
        socklen_t len = sizeof flag;
        int r = csk_getsockopt(fd, level, name, &flag, &len);
        return r < 0 ? py_raise(r) : PyLong_FromLong(flag);
    }
    if (buflen < 0 || buflen > 1024) {
        PyErr_SetString(PyExc_OSError, "getsockopt buflen out of range");
        return NULL;
    }
    char buf[1024];
    socklen_t len = (socklen_t)buflen;
    int r = csk_getsockopt(fd, level, name, buf, &len);
    if (r < 0) {
        return py_raise(r);
    }
    return PyBytes_FromStringAndSize(buf, len);
}
