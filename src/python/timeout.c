/* Blocking, non-blocking and timeout modes: settimeout/gettimeout, setblocking/getblocking, and the
 * module's default timeout.
 *
 * Timeouts are int64 nanoseconds as in CPython's own module (the field _ssl reads).  The fd is
 * switched with one ioctl only when the mode really changes; the built-in module issues one on
 * every call.
 */
#include "binding.h"

#include <math.h>

static int overflow(const char *message)
{
    PyErr_SetString(PyExc_OverflowError, message);
    return -1;
}

/* Seconds to nanoseconds, rounding away from zero as CPython does for timeouts.  An int converts
 * exactly; a float (from 3.15 any real number: whatever float() takes) through a double. */
static int seconds_to_ns(PyObject *obj, int64_t *ns)
{
    if (PyFloat_Check(obj) || (CSK_PY_REAL_TIMEOUTS && !PyIndex_Check(obj))) {
        double d = PyFloat_AsDouble(obj); /* 3.15: "must be real number, not str" */
        if (d == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        if (isnan(d)) {
            PyErr_SetString(PyExc_ValueError, "Invalid value NaN (not a number)");
            return -1;
        }
        d *= 1e9;
        d = d >= 0 ? ceil(d) : floor(d);
        if (!(d >= (double)INT64_MIN && d < -(double)INT64_MIN)) {
            return overflow(CSK_TIMESTAMP_OVERFLOW_FLOAT);
        }
        *ns = (int64_t)d;
        return 0;
    }
    if (CSK_PY_TIMEOUT_WORDING_314 && !PyIndex_Check(obj)) {
        /* %T (the type's full name) exists from 3.13; this line runs on 3.14 only. */
        PyErr_Format(PyExc_TypeError, "'%T' object cannot be interpreted as an integer or float",
                     obj);
        return -1;
    }
    long long sec = PyLong_AsLongLong(obj);
    if (sec == -1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            return overflow(CSK_TIMESTAMP_OVERFLOW_INT);
        }
        return -1;
    }
    if (sec > INT64_MAX / CSK_NS_PER_SEC || sec < INT64_MIN / CSK_NS_PER_SEC) {
        return overflow(CSK_TIMESTAMP_OVERFLOW_INT);
    }
    *ns = (int64_t)sec * CSK_NS_PER_SEC;
    return 0;
}

int py_timeout_from_object(PyObject *obj, int64_t *ns)
{
    if (obj == Py_None) {
        *ns = CSK_TIMEOUT_NONE;
        return 0;
    }
    if (seconds_to_ns(obj, ns) < 0) {
        return -1;
    }
    if (*ns < 0) {
        PyErr_SetString(PyExc_ValueError, "Timeout value out of range");
        return -1;
    }
    return 0;
}

PyObject *py_timeout_to_object(int64_t ns)
{
    if (ns < 0) {
        Py_RETURN_NONE;
    }
    /* Whole seconds convert exactly; others as CPython's _PyTime_AsSecondsDouble does. */
    if (ns % CSK_NS_PER_SEC == 0) {
        return PyFloat_FromDouble((double)(ns / CSK_NS_PER_SEC));
    }
    return PyFloat_FromDouble((double)ns / 1e9);
}

int py_sock_apply_timeout(csk_sock *s, int64_t timeout_ns)
{
    /* Like CPython, the new timeout stands even if switching the fd fails (say, it is closed). */
    s->sock_timeout = timeout_ns;
    int nonblocking = timeout_ns >= 0;
    int fd = py_sock_fd(s);
    /* A closed socket still reports EBADF, as the built-in module's unconditional ioctl does. */
    if (s->nonblocking == nonblocking && fd >= 0) {
        return 0;
    }
    int err = csk_set_nonblocking(fd, nonblocking);
    if (err < 0) {
        s->nonblocking = -1;
        return py_raise_int(err);
    }
    s->nonblocking = nonblocking;
    return 0;
}

CSK_DOC(sock_setblocking,
        "setblocking(flag)\n\n"
        "Choose blocking mode (flag true: calls wait without limit, as after\n"
        "settimeout(None)) or non-blocking mode (flag false: a call that would\n"
        "have to wait raises BlockingIOError, as after settimeout(0)).");

PyObject *sock_setblocking(csk_sock *s, PyObject *arg)
{
#if CSK_PY_SETBLOCKING_TRUTH
    long block = PyObject_IsTrue(arg); /* 3.12 takes any object's truth */
    if (block < 0) {
        return NULL;
    }
#else
    long block = PyLong_AsLong(arg); /* an int (3.9: anything with __int__, with a warning) */
    if (block == -1 && PyErr_Occurred()) {
        return NULL;
    }
#endif
    if (py_sock_apply_timeout(s, block ? CSK_TIMEOUT_NONE : 0) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_getblocking,
        "getblocking()\n\n"
        "Return False in non-blocking mode (a timeout of 0.0), True otherwise.  A\n"
        "socket with a timeout counts as blocking: its calls wait, up to the\n"
        "timeout, though its descriptor is non-blocking at the system level.");

PyObject *sock_getblocking(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return PyBool_FromLong(s->sock_timeout != 0);
}

CSK_DOC(sock_settimeout,
        "settimeout(timeout)\n\n"
        "Choose how long a call may wait before it raises TimeoutError: timeout is\n"
        "in seconds (an int or a float; a negative one is a ValueError).  0 makes\n"
        "the socket non-blocking, as setblocking(False) does, and None lets calls\n"
        "wait without limit, as setblocking(True) does.");

PyObject *sock_settimeout(csk_sock *s, PyObject *arg)
{
    int64_t ns;
    if (py_timeout_from_object(arg, &ns) < 0 || py_sock_apply_timeout(s, ns) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

CSK_DOC(sock_gettimeout,
        "gettimeout() -> timeout\n\n"
        "Return the socket's timeout in seconds, as a float: 0.0 when it is\n"
        "non-blocking, None when its calls wait without limit.");

PyObject *sock_gettimeout(csk_sock *s, PyObject *Py_UNUSED(ignored))
{
    return py_timeout_to_object(s->sock_timeout);
}

static CSK_DOC(mod_getdefaulttimeout,
               "getdefaulttimeout() -> timeout\n\n"
               "Return the timeout that sockets made from now on start with, in seconds\n"
               "as a float, or None for none (the setting at import).");

static PyObject *mod_getdefaulttimeout(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return py_timeout_to_object(py_state_of_module(module)->default_timeout);
}

static CSK_DOC(mod_setdefaulttimeout,
               "setdefaulttimeout(timeout)\n\n"
               "Set the timeout that sockets made from now on start with, in the form\n"
               "settimeout() takes; sockets that exist keep their own.  None, the setting\n"
               "at import, gives them none.");

static PyObject *mod_setdefaulttimeout(PyObject *module, PyObject *arg)
{
    int64_t ns;
    if (py_timeout_from_object(arg, &ns) < 0) {
        return NULL;
    }
    py_state_of_module(module)->default_timeout = ns;
    Py_RETURN_NONE;
}

PyMethodDef py_timeout_functions[] = {
    CSK_METHOD("getdefaulttimeout", mod_getdefaulttimeout, METH_NOARGS),
    CSK_METHOD("setdefaulttimeout", mod_setdefaulttimeout, METH_O),
    {NULL, NULL, 0, NULL},
};
