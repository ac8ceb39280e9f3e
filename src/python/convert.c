/* Address conversion: inet_aton, inet_ntoa, inet_pton, inet_ntop, and the byte-order functions
 * htons, htonl, ntohs, ntohl.
 *
 * The parsing is the core's (inet.c); this file gives each function the built-in module's
 * argument handling and errors, which changed over 3.9 .. 3.14 (see compat.h).  Not here: socket
 * addresses.
 */
#include "binding.h"

static CSK_DOC(mod_inet_aton, CSK_SIG_INET_ATON
               "The 4 packed bytes (network byte order) of an IPv4 address in any of the forms\n"
               "the C library's inet_aton() accepts, such as '127.0.0.1' or '127.1'.");

static PyObject *mod_inet_aton(PyObject *module, PyObject *args)
{
    (void)module;
    const char *text;
    unsigned char packed[4];
    if (!py_parse_one(args, "s:inet_aton", &text)) {
        return NULL;
    }
    if (csk_inet_aton(text, packed) < 0) {
        PyErr_SetString(PyExc_OSError, "illegal IP address string passed to inet_aton");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)packed, sizeof packed);
}

static CSK_DOC(mod_inet_ntoa,
               CSK_SIG_INET_NTOA "The dotted-quad text of 4 packed bytes holding an IPv4 address.");

static PyObject *mod_inet_ntoa(PyObject *module, PyObject *args)
{
    (void)module;
    Py_buffer packed;
    char text[INET_ADDRSTRLEN];
    if (!py_parse_one(args, "y*:inet_ntoa", &packed)) {
        return NULL;
    }
    int err = packed.len == 4 ? csk_inet_ntop(AF_INET, packed.buf, 4, text, sizeof text) : 0;
    Py_ssize_t len = packed.len;
    PyBuffer_Release(&packed);
    if (len != 4) {
        PyErr_SetString(PyExc_OSError, "packed IP wrong length for inet_ntoa");
        return NULL;
    }
    return err < 0 ? py_raise(err) : PyUnicode_FromString(text);
}

static CSK_DOC(mod_inet_pton,
               "inet_pton(family, string) -> bytes\n\n"
               "The packed bytes of an IP address written in the standard text form of\n"
               "`family` (AF_INET: 4 bytes, AF_INET6: 16 bytes).");

static PyObject *mod_inet_pton(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    int family;
    const char *text;
    unsigned char packed[16];
    if (!py_nargs("inet_pton", nargs, 2, 2) || py_to_int(args[0], &family) < 0 ||
        (text = py_to_str(args[1], "inet_pton", 2)) == NULL) {
        return NULL;
    }
    int len = csk_inet_pton(family, text, packed);
    if (len < 0) {
        return py_raise(len);
    }
    if (len == 0) {
        PyErr_SetString(PyExc_OSError, "illegal IP address string passed to inet_pton");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)packed, len);
}

static CSK_DOC(mod_inet_ntop,
               "inet_ntop(family, packed_ip) -> str\n\n"
               "The standard text form of a packed IP address of `family` (AF_INET or AF_INET6).");

static PyObject *mod_inet_ntop(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    int family;
    Py_buffer packed;
    char text[INET6_ADDRSTRLEN];
    if (!py_nargs("inet_ntop", nargs, 2, 2) || py_to_int(args[0], &family) < 0 ||
        py_get_buffer(args[1], &packed, "inet_ntop", 0) < 0) {
        return NULL;
    }
    int err = csk_inet_ntop(family, packed.buf, (size_t)packed.len, text, sizeof text);
    PyBuffer_Release(&packed);
    if (err == -EAFNOSUPPORT) {
        return PyErr_Format(PyExc_ValueError, "unknown address family %d", family);
    }
    if (err == -EINVAL) {
        PyErr_SetString(PyExc_ValueError, "invalid length of packed IP address string");
        return NULL;
    }
    return err < 0 ? py_raise(err) : PyUnicode_FromString(text);
}

/* ---- byte order ------------------------------------------------------------------------ */

/* htons and ntohs swap the same way.  3.14 takes any integer that fits 16 bits unsigned; before,
 * the argument is a C int that must fit 16 bits: 3.10 made a larger value an OverflowError, 3.9
 * truncated it with a DeprecationWarning. */
static PyObject *swap16(PyObject *args, const char *format, const char *name)
{
#if CSK_PY_CLINIC_UNSIGNED
    (void)format, (void)name;
    unsigned long long v;
    if (py_to_unsigned(args, 0xffff, "uint16_t", &v) < 0) {
        return NULL;
    }
    return PyLong_FromLong(htons((uint16_t)v));
#else
    int x;
#if CSK_PY_ONE_ARG_IS_METH_O
    (void)format;
    x = PyLong_AsInt(args);
    if (x == -1 && PyErr_Occurred()) {
        return NULL;
    }
#else
    if (!PyArg_ParseTuple(args, format, &x)) {
        return NULL;
    }
#endif
    if (x < 0) {
        return PyErr_Format(PyExc_OverflowError,
                            "%s: can't convert negative Python int to C 16-bit unsigned integer",
                            name);
    }
    if (x > 0xffff) {
#if !CSK_PY_SWAP16_OVERFLOW
        if (PyErr_WarnFormat(PyExc_DeprecationWarning, 1,
                             "%s: Python int too large to convert to C 16-bit unsigned integer "
                             "(The silent truncation is deprecated)",
                             name) < 0) {
            return NULL;
        }
#else
        return PyErr_Format(PyExc_OverflowError,
                            "%s: Python int too large to convert to C 16-bit unsigned integer",
                            name);
#endif
    }
    return PyLong_FromLong(htons((uint16_t)x));
#endif
}

/* htonl and ntohl: any int that fits 32 bits unsigned (3.14: any integer, through __index__). */
static PyObject *swap32(PyObject *arg)
{
#if CSK_PY_CLINIC_UNSIGNED
    unsigned long long x;
    if (py_to_unsigned(arg, 0xffffffffUL, "uint32_t", &x) < 0) {
        return NULL;
    }
#else
    if (!PyLong_Check(arg)) {
        return PyErr_Format(PyExc_TypeError, "expected int, %s found", Py_TYPE(arg)->tp_name);
    }
    unsigned long x = PyLong_AsUnsignedLong(arg);
    if (x == (unsigned long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    if (x > 0xffffffffUL) {
        PyErr_SetString(PyExc_OverflowError, "int larger than 32 bits");
        return NULL;
    }
#endif
    return PyLong_FromUnsignedLong(htonl((uint32_t)x));
}

static CSK_DOC(mod_htons, CSK_SIG_HTONS
               "A 16-bit unsigned value with its bytes put in network order (big-endian)\n"
               "from host order: swapped on a little-endian machine, unchanged on a\n"
               "big-endian one.");

static PyObject *mod_htons(PyObject *module, PyObject *args)
{
    (void)module;
    return swap16(args, "i:htons", "htons");
}

static CSK_DOC(mod_ntohs, CSK_SIG_NTOHS
               "A 16-bit unsigned value with its bytes put in host order from network\n"
               "order (big-endian): the same swap as htons().");

static PyObject *mod_ntohs(PyObject *module, PyObject *args)
{
    (void)module;
    return swap16(args, "i:ntohs", "ntohs");
}

static CSK_DOC(mod_htonl, CSK_SIG_HTONL
               "A 32-bit unsigned value with its bytes put in network order (big-endian)\n"
               "from host order: reversed on a little-endian machine, unchanged on a\n"
               "big-endian one.");

static PyObject *mod_htonl(PyObject *module, PyObject *arg)
{
    (void)module;
    return swap32(arg);
}

static CSK_DOC(mod_ntohl, CSK_SIG_NTOHL
               "A 32-bit unsigned value with its bytes put in host order from network\n"
               "order (big-endian): the same swap as htonl().");

static PyObject *mod_ntohl(PyObject *module, PyObject *arg)
{
    (void)module;
    return swap32(arg);
}

PyMethodDef py_convert_functions[] = {
    CSK_METHOD("inet_aton", mod_inet_aton, CSK_ONE_ARG),
    CSK_METHOD("inet_ntoa", mod_inet_ntoa, CSK_ONE_ARG),
    CSK_METHOD("inet_pton", mod_inet_pton, METH_FASTCALL),
    CSK_METHOD("inet_ntop", mod_inet_ntop, METH_FASTCALL),
    CSK_METHOD("htons", mod_htons, CSK_ONE_ARG),
    CSK_METHOD("ntohs", mod_ntohs, CSK_ONE_ARG),
    CSK_METHOD("htonl", mod_htonl, METH_O),
    CSK_METHOD("ntohl", mod_ntohl, METH_O),
    {NULL, NULL, 0, NULL},
};
