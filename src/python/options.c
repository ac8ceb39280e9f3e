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

static PyObject *vsock_setsockopt(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int level, name;
    unsigned long long value;
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
    int r = csk_setsockopt(csk_sock_fd(s), level, name, &v, sizeof v);
    if (r < 0) {
        return csk_raise(r);
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
    int r = csk_getsockopt(csk_sock_fd(s), level, name, &v, &len);
    return r < 0 ? csk_raise(r) : PyLong_FromUnsignedLongLong(v);
}

CSK_DOC(sock_setsockopt,
        "setsockopt(level, option, value: int)\n"
        "setsockopt(level, option, value: buffer)\n"
        "setsockopt(level, option, None, optlen: int)\n\n"
        "Set a socket option.  See the Unix manual for level and option.\n"
        "The value argument can either be an integer, a string buffer, or\n"
        "None, optlen.");

PyObject *sock_setsockopt(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int level, name, r;
    if (IS_VSOCK(s)) {
        return vsock_setsockopt(s, args, nargs);
    }
    if (nargs == 4) {
        /* setsockopt(level, option, None, optlen): a NULL value of optlen bytes (AF_ALG).  The
         * built-in module tries this form before the 3-argument buffer form, and reports any
         * failure of it as that last form's arity error. */
        unsigned optlen;
        if (csk_to_int(args[0], &level) < 0 || csk_to_int(args[1], &name) < 0 ||
            args[2] != Py_None || csk_to_uint_mask(args[3], &optlen) < 0) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "setsockopt() takes exactly 3 arguments (4 given)");
            return NULL;
        }
        r = csk_setsockopt(csk_sock_fd(s), level, name, NULL, (socklen_t)optlen);
        return r < 0 ? csk_raise(r) : Py_NewRef(Py_None);
    }
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "setsockopt() takes exactly 3 arguments (%zd given)", nargs);
        return NULL;
    }
    if (csk_to_int(args[0], &level) < 0 || csk_to_int(args[1], &name) < 0) {
        return NULL;
    }
    PyObject *value = args[2];
    int fd = csk_sock_fd(s);
    if (PyIndex_Check(value)) {
        int flag;
        if (csk_to_int(value, &flag) < 0) {
            /* As the built-in module, whose last resort is the buffer form, reports it. */
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                         Py_TYPE(value)->tp_name);
            return NULL;
        }
        r = csk_setsockopt(fd, level, name, &flag, sizeof flag);
    }
    else {
        Py_buffer view;
        if (csk_get_buffer(value, &view, "setsockopt", 0) < 0) {
            return NULL;
        }
        r = csk_setsockopt(fd, level, name, view.buf, (socklen_t)view.len);
        PyBuffer_Release(&view);
    }
    if (r < 0) {
        return csk_raise(r);
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_getsockopt,
        "getsockopt(level, option[, buffersize]) -> value\n\n"
        "Get a socket option.  See the Unix manual for level and option.\n"
        "If a nonzero buffersize argument is given, the return value is a\n"
        "string of that length; otherwise it is an integer.");

PyObject *sock_getsockopt(csk_sock *s, PyObject *const *args, Py_ssize_t nargs)
{
    int level, name, buflen = 0;
    if (!csk_nargs("getsockopt", nargs, 2, 3) || csk_to_int(args[0], &level) < 0 ||
        csk_to_int(args[1], &name) < 0 || (nargs == 3 && csk_to_int(args[2], &buflen) < 0)) {
        return NULL;
    }
    if (IS_VSOCK(s)) {
        return vsock_getsockopt(s, level, name, buflen);
    }
    int fd = csk_sock_fd(s);
    if (buflen == 0) {
        int flag = 0;
        socklen_t len = sizeof flag;
        int r = csk_getsockopt(fd, level, name, &flag, &len);
        return r < 0 ? csk_raise(r) : PyLong_FromLong(flag);
    }
    if (buflen < 0 || buflen > 1024) {
        PyErr_SetString(PyExc_OSError, "getsockopt buflen out of range");
        return NULL;
    }
    char buf[1024];
    socklen_t len = (socklen_t)buflen;
    int r = csk_getsockopt(fd, level, name, buf, &len);
    if (r < 0) {
        return csk_raise(r);
    }
    return PyBytes_FromStringAndSize(buf, len);
}
