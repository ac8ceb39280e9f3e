/* The one place where core errors become Python exceptions.
 *
 * errno values go through OSError's own constructor, which picks the subclass from the errno
 * (ECONNREFUSED -> ConnectionRefusedError, EPIPE -> BrokenPipeError, ...), exactly as the built-in
 * module does.  Only three errors are csocket's to phrase: an expired deadline, getaddrinfo codes
 * and host-database (h_errno) codes; memory the core could not allocate is a MemoryError.
 */
#include "binding.h"

PyObject *py_timeout_exc;

PyObject *py_raise(int err)
{
    if (err == CSK_ETIMEOUT) {
        PyErr_SetString(py_timeout_exc, "timed out");
        return NULL;
    }
    if (err == CSK_ENOALLOC) {
        return PyErr_NoMemory();
    }
    errno = -err;
    return PyErr_SetFromErrno(PyExc_OSError);
}

PyObject *py_none_or_raise(ssize_t r)
{
    if (r < 0) {
        return py_raise((int)r);
    }
    Py_RETURN_NONE;
}

int py_raise_int(int err)
{
    py_raise(err);
    return -1;
}

PyObject *py_raise_gai(csk_state *st, int gai, int sys_errno)
{
#ifdef EAI_SYSTEM
    if (gai == EAI_SYSTEM) {
        return py_raise(-sys_errno);
    }
#else
    (void)sys_errno;
#endif
    PyObject *value = Py_BuildValue("(is)", gai, gai_strerror(gai));
    if (value != NULL) {
        PyErr_SetObject(st->gaierror, value);
        Py_DECREF(value);
    }
    return NULL;
}

PyObject *py_raise_herror(csk_state *st, int herr)
{
    PyObject *value = Py_BuildValue("(is)", herr, hstrerror(herr));
    if (value != NULL) {
        PyErr_SetObject(st->herror, value);
        Py_DECREF(value);
    }
    return NULL;
}
