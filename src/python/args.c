/* Argument conversion for FASTCALL methods, with the exception types and messages CPython's
 * PyArg_Parse* formats give (the built-in module parses with those), since the public C API has
 * no FASTCALL parser.  Not here: addresses (address.c) and timeouts (timeout.c).
 */
#include "binding.h"

int py_nargs(const char *fname, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max)
{
    if (nargs >= min && nargs <= max) {
        return 1;
    }
    if (min == max) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd argument%s (%zd given)", fname, min,
                     min == 1 ? "" : "s", nargs);
    }
    else if (nargs < min) {
        PyErr_Format(PyExc_TypeError, "%s() takes at least %zd argument%s (%zd given)", fname, min,
                     min == 1 ? "" : "s", nargs);
    }
    else {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd argument%s (%zd given)", fname, max,
                     max == 1 ? "" : "s", nargs);
    }
    return 0;
}

/* Argument Clinic's wording of the same checks (3.15's send methods). */
int py_nargs_clinic(const char *fname, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max)
{
    if (nargs >= min && nargs <= max) {
        return 1;
    }
    Py_ssize_t bound = nargs < min ? min : max;
    PyErr_Format(PyExc_TypeError, "%s expected %s%zd argument%s, got %zd", fname,
                 min == max    ? ""
                 : nargs < min ? "at least "
                               : "at most ",
                 bound, bound == 1 ? "" : "s", nargs);
    return 0;
}

int py_to_unsigned(PyObject *obj, unsigned long long max, const char *ctype,
                   unsigned long long *out)
{
    PyObject *n = PyNumber_Index(obj);
    if (n == NULL) {
        return -1;
    }
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(n, &overflow);
    Py_DECREF(n);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow < 0 || (overflow == 0 && v < 0)) {
        PyErr_SetString(PyExc_ValueError, "Cannot convert negative int");
        return -1;
    }
    if (overflow > 0 || (unsigned long long)v > max) {
        PyErr_Format(PyExc_OverflowError, "Python int too large for C %s", ctype);
        return -1;
    }
    *out = (unsigned long long)v;
    return 0;
}

static Py_ssize_t find_name(PyObject *key, const char *const *names, Py_ssize_t nnames)
{
    for (Py_ssize_t i = 0; i < nnames; i++) {
        if (PyUnicode_CompareWithASCIIString(key, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

int py_args_kw(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               const char *const *names, Py_ssize_t nnames, Py_ssize_t required, PyObject **out)
{
    if (nargs > nnames) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd argument%s (%zd given)", fname,
                     nnames, nnames == 1 ? "" : "s",
                     nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0));
        return 0;
    }
    for (Py_ssize_t i = 0; i < nnames; i++) {
        out[i] = i < nargs ? args[i] : NULL;
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        Py_ssize_t i = find_name(key, names, nnames);
        if (i < 0) {
#if CSK_PY_UNEXPECTED_KEYWORD
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fname,
                         key);
#else
            PyErr_Format(PyExc_TypeError, "'%U' is an invalid keyword argument for %s()", key,
                         fname);
#endif
            return 0;
        }
        if (out[i] != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "argument for %s() given by name ('%s') and position (%zd)", fname,
                         names[i], i + 1);
            return 0;
        }
        out[i] = args[nargs + k];
    }
    for (Py_ssize_t i = 0; i < required; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zd)", fname,
                         names[i], i + 1);
            return 0;
        }
    }
    return 1;
}

/* 3.9's integer formats refuse floats with their own message (PyLong_AsLong would truncate them
 * with a DeprecationWarning); from 3.10 PyLong_AsLong refuses them itself, as the formats do. */
static int reject_float(PyObject *obj)
{
#if !CSK_PY_LONG_REFUSES_FLOAT
    if (PyFloat_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "integer argument expected, got float");
        return -1;
    }
#else
    (void)obj;
#endif
    return 0;
}

int py_to_long(PyObject *obj, long *out)
{
    if (reject_float(obj) < 0) {
        return -1;
    }
    *out = PyLong_AsLong(obj);
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

int py_to_int(PyObject *obj, int *out)
{
    long v;
    if (py_to_long(obj, &v) < 0) {
        return -1;
    }
    if (v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "signed integer is greater than maximum");
        return -1;
    }
    if (v < INT_MIN) {
        PyErr_SetString(PyExc_OverflowError, "signed integer is less than minimum");
        return -1;
    }
    *out = (int)v;
    return 0;
}

int py_to_ssize(PyObject *obj, Py_ssize_t *out)
{
    if (reject_float(obj) < 0) {
        return -1;
    }
    PyObject *index = PyNumber_Index(obj);
    if (index == NULL) {
        return -1;
    }
    Py_ssize_t v = PyLong_AsSsize_t(index);
    Py_DECREF(index);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    *out = v;
    return 0;
}

int py_to_uint_mask(PyObject *obj, unsigned *out)
{
    if (reject_float(obj) < 0) {
        return -1;
    }
    unsigned long v = PyLong_AsUnsignedLongMask(obj);
    if (v == (unsigned long)-1 && PyErr_Occurred()) {
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int py_get_buffer(PyObject *obj, Py_buffer *view, const char *fname, int writable)
{
    if (PyObject_GetBuffer(obj, view, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) == 0) {
        return 0;
    }
    if (writable) {
        /* As the "w*" format reports it. */
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError,
                     "%s() argument 1 must be read-write bytes-like object, not %.50s", fname,
                     Py_TYPE(obj)->tp_name);
    }
    return -1;
}

const char *py_to_str(PyObject *obj, const char *fname, int pos)
{
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s() argument %d must be str, not %.50s", fname, pos,
                     obj == Py_None ? "None" : Py_TYPE(obj)->tp_name);
        return NULL;
    }
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(obj, &len);
    if (text != NULL && strlen(text) != (size_t)len) {
        PyErr_SetString(PyExc_ValueError, "embedded null character");
        return NULL;
    }
    return text;
}

int py_to_int_or(PyObject *obj, int *out, const char *overflow)
{
    long v;
    if (py_to_long(obj, &v) < 0) {
        return -1;
    }
    if (v < INT_MIN || v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, overflow);
        return -1;
    }
    *out = (int)v;
    return 0;
}

PyObject *py_items_of(PyObject *arg, const char *errmsg)
{
    PyObject *fast = PySequence_Fast(arg, errmsg);
    if (fast == NULL || !PyList_Check(fast) || fast != arg) {
        return fast;
    }
    PyObject *copy = PyList_GetSlice(fast, 0, PyList_GET_SIZE(fast));
    Py_DECREF(fast);
    return copy;
}
