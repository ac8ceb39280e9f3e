/* Every difference between the CPython versions csocket serves (3.9 to 3.15), in one place:
 * public-API backfills for older interpreters, and each behaviour the built-in module changed,
 * named as a feature (CSK_PY_*, 0 or 1) that function bodies test, as ../core/platform.h names
 * the OS's.  csocket follows the interpreter it is built for.  Not here: the object layout _ssl
 * reads (sockobject.h), constants (constants.h: each entry carries its own guard).
 */
#ifndef CSK_COMPAT_H
#define CSK_COMPAT_H

#include <Python.h>

#define CSK_PY_AT_LEAST(minor) (PY_VERSION_HEX >= (0x03000000 | ((minor) << 16)))

/* ---- what each version changed in the built-in module ------------------------------------ */

/* 3.10: socket.timeout is TimeoutError (a class of the module's own before); PyLong_AsLong no
 * longer takes a float (3.9's "i" format refused one itself); htons/ntohs raise OverflowError
 * for a value over 16 bits (3.9 truncated with a DeprecationWarning). */
#define CSK_PY_TIMEOUT_IS_TIMEOUTERROR CSK_PY_AT_LEAST(10)
#define CSK_PY_LONG_REFUSES_FLOAT CSK_PY_AT_LEAST(10)
#define CSK_PY_SWAP16_OVERFLOW CSK_PY_AT_LEAST(10)

/* 3.11: socket() parses its four arguments with Argument Clinic (duplicate-argument check,
 * "Python int too large to convert to C int" for an int beyond a C int). */
#define CSK_PY_SOCKET_INIT_CLINIC CSK_PY_AT_LEAST(11)

/* 3.12: setblocking() takes any object's truth; getaddrinfo() passes an int port on as text. */
#define CSK_PY_SETBLOCKING_TRUTH CSK_PY_AT_LEAST(12)
#define CSK_PY_PORT_INT_AS_TEXT CSK_PY_AT_LEAST(12)

/* 3.13: several one-argument functions are METH_O (arity and type errors worded for a lone
 * argument, and inspect gives them signatures); an unknown keyword argument is "unexpected";
 * if_indextoname() refuses an index beyond a C unsigned int (older ones cut it). */
#define CSK_PY_ONE_ARG_IS_METH_O CSK_PY_AT_LEAST(13)
#define CSK_PY_UNEXPECTED_KEYWORD CSK_PY_AT_LEAST(13)
#define CSK_PY_IFINDEX_RANGE_CHECK CSK_PY_AT_LEAST(13)

/* 3.14: hton*, ntoh* and if_indextoname() take Argument Clinic's unsigned converters (a negative
 * value is a ValueError, a large one "too large for C uint16_t"); if_nametoindex() raises OSError
 * with errno; a timeout's TypeError names the type in full ("'fractions.Fraction' object cannot
 * be interpreted as an integer or float"). */
#define CSK_PY_CLINIC_UNSIGNED CSK_PY_AT_LEAST(14)
#define CSK_PY_IFNAMETOINDEX_ERRNO CSK_PY_AT_LEAST(14)
#define CSK_PY_TIMEOUT_WORDING_314 CSK_PY_AT_LEAST(14)
/* 3.14 also: the "(...)" argument formats word their errors for a tuple (sendmsg()'s ancillary
 * items: "3-item tuple", "tuple of length 3" for a tuple of another length); getaddrinfo() takes
 * any int, bool and subclasses included, as a port. */
#define CSK_PY_TUPLE_WORDING CSK_PY_AT_LEAST(14)
#define CSK_PY_PORT_ANY_INT CSK_PY_AT_LEAST(14)
/* 3.14 also: AF_BLUETOOTH addresses in new forms (L2CAP's cid and address type, HCI's channel,
 * SCO as str; address_linux.c has each version's parsers and builders whole). */
#define CSK_PY_BT_FORMS_314 CSK_PY_AT_LEAST(14)

/* 3.15: a timeout may be any real number (Fraction, Decimal: anything float() takes);
 * setsockopt() checks its value's type itself ("socket option should be int, bytes-like object or
 * None") and takes 3 or 4 arguments; send, sendall and sendmsg parse with Argument Clinic. */
#define CSK_PY_REAL_TIMEOUTS CSK_PY_AT_LEAST(15)
#define CSK_PY_SETSOCKOPT_315 CSK_PY_AT_LEAST(15)
#define CSK_PY_SEND_CLINIC CSK_PY_AT_LEAST(15)

/* What a timeout too large for CPython's nanosecond clock type raises (OverflowError), for an int
 * and for a float: a 3.11 patch release (after 3.11.2, by 3.11.7) checked floats against
 * time_t, 3.13 renamed _PyTime_t to PyTime_t, and 3.14 says the same for both. */
#if CSK_PY_AT_LEAST(14)
#define CSK_TIMESTAMP_OVERFLOW_INT "timestamp out of range for C PyTime_t"
#define CSK_TIMESTAMP_OVERFLOW_FLOAT "timestamp out of range for C PyTime_t"
#elif CSK_PY_AT_LEAST(13)
#define CSK_TIMESTAMP_OVERFLOW_INT "timestamp too large to convert to C PyTime_t"
#define CSK_TIMESTAMP_OVERFLOW_FLOAT "timestamp out of range for platform time_t"
#elif CSK_PY_AT_LEAST(11)
/* Patch releases of one version share an extension, so this one is decided at run time
 * (Py_Version): measured, 3.11.7 and 3.12 say "platform time_t", 3.11.2 the older words. */
#define CSK_TIMESTAMP_OVERFLOW_INT "timestamp too large to convert to C _PyTime_t"
#define CSK_TIMESTAMP_OVERFLOW_FLOAT                                                               \
    (Py_Version >= 0x030B0700 ? "timestamp out of range for platform time_t"                       \
                              : "timestamp too large to convert to C _PyTime_t")
#else
#define CSK_TIMESTAMP_OVERFLOW_INT "timestamp too large to convert to C _PyTime_t"
#define CSK_TIMESTAMP_OVERFLOW_FLOAT "timestamp too large to convert to C _PyTime_t"
#endif

/* ---- text signatures: what inspect.signature() and help() show ----------------------------
 * A docstring that opens "name(signature)\n--\n\n" gives a builtin its signature.  The built-in
 * module has none before 3.13; 3.13 gave its one-argument functions theirs, 3.14 renamed some
 * parameters and 3.15 added the send methods'.  Each CSK_SIG_* below opens that function's
 * docstring: the signature the running version's module shows, or a classic first line before. */
#if CSK_PY_AT_LEAST(14)
#define CSK_SIG_HTONS "htons($module, integer, /)\n--\n\n"
#define CSK_SIG_NTOHS "ntohs($module, integer, /)\n--\n\n"
#define CSK_SIG_HTONL "htonl($module, integer, /)\n--\n\n"
#define CSK_SIG_NTOHL "ntohl($module, integer, /)\n--\n\n"
#define CSK_SIG_IF_INDEXTONAME "if_indextoname($module, if_index, /)\n--\n\n"
#elif CSK_PY_AT_LEAST(13)
#define CSK_SIG_HTONS "htons($module, x, /)\n--\n\n"
#define CSK_SIG_NTOHS "ntohs($module, x, /)\n--\n\n"
#define CSK_SIG_HTONL "htonl($module, object, /)\n--\n\n"
#define CSK_SIG_NTOHL "ntohl($module, object, /)\n--\n\n"
#define CSK_SIG_IF_INDEXTONAME "if_indextoname($module, object, /)\n--\n\n"
#else
#define CSK_SIG_HTONS "htons(integer) -> integer\n\n"
#define CSK_SIG_NTOHS "ntohs(integer) -> integer\n\n"
#define CSK_SIG_HTONL "htonl(integer) -> integer\n\n"
#define CSK_SIG_NTOHL "ntohl(integer) -> integer\n\n"
#define CSK_SIG_IF_INDEXTONAME "if_indextoname(if_index) -> string\n\n"
#endif
#if CSK_PY_AT_LEAST(13)
#define CSK_SIG_IF_NAMETOINDEX "if_nametoindex($module, oname, /)\n--\n\n"
#define CSK_SIG_INET_ATON "inet_aton($module, ip_addr, /)\n--\n\n"
#define CSK_SIG_INET_NTOA "inet_ntoa($module, packed_ip, /)\n--\n\n"
#else
#define CSK_SIG_IF_NAMETOINDEX "if_nametoindex(if_name) -> integer\n\n"
#define CSK_SIG_INET_ATON "inet_aton(string) -> bytes\n\n"
#define CSK_SIG_INET_NTOA "inet_ntoa(packed_ip) -> str\n\n"
#endif
#if CSK_PY_SEND_CLINIC
#define CSK_SIG_SEND "send($self, data, flags=0, /)\n--\n\n"
#define CSK_SIG_SENDALL "sendall($self, data, flags=0, /)\n--\n\n"
#define CSK_SIG_SENDMSG "sendmsg($self, buffers, ancdata=(), flags=0, address=None, /)\n--\n\n"
#else
#define CSK_SIG_SEND "send(data[, flags]) -> count\n\n"
#define CSK_SIG_SENDALL "sendall(data[, flags])\n\n"
#define CSK_SIG_SENDMSG "sendmsg(buffers[, ancdata[, flags[, address]]]) -> count\n\n"
#endif

/* The arity check of send, sendall and sendmsg, in the wording of the version's parser. */
#define CSK_NARGS_SEND (CSK_PY_SEND_CLINIC ? py_nargs_clinic : py_nargs)
/* ... and of their flags: Clinic's int converter words an overflow as PyLong_AsInt does. */
#define CSK_SEND_FLAGS(obj, out)                                                                   \
    (CSK_PY_SEND_CLINIC ? py_to_int_or((obj), (out), "Python int too large to convert to C int")   \
                        : py_to_int((obj), (out)))

/* ---- public-API backfills ---------------------------------------------------------------- */

#if !CSK_PY_AT_LEAST(10)
static inline PyObject *py_newref(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
#define Py_NewRef(o) py_newref((PyObject *)(o))
#define Py_TPFLAGS_IMMUTABLETYPE 0
#endif

/* The exception being raised, as one object, and raising it again: 3.12's pair of functions,
 * built from the three-part Fetch/Restore before. */
#if CSK_PY_AT_LEAST(12)
#define py_err_take PyErr_GetRaisedException
#define py_err_restore PyErr_SetRaisedException
#else
static inline PyObject *py_err_take(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL) {
        return NULL;
    }
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL && tb != NULL) {
        PyException_SetTraceback(value, tb);
    }
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

static inline void py_err_restore(PyObject *exc)
{
    if (exc == NULL) {
        PyErr_Clear();
        return;
    }
    PyErr_Restore(Py_NewRef(Py_TYPE(exc)), exc, PyException_GetTraceback(exc));
}
#endif

/* PyMemberDef's type and flag names: 3.12 added the Py_-prefixed spellings. */
#include <structmember.h>
#if CSK_PY_AT_LEAST(12)
#define CSK_T_INT Py_T_INT
#define CSK_READONLY Py_READONLY
#else
#define CSK_T_INT T_INT
#define CSK_READONLY READONLY
#endif

/* Arguments of one-argument functions: METH_O from 3.13 (see CSK_PY_ONE_ARG_IS_METH_O).  Such
 * functions take CSK_ONE_ARG in their table and parse with py_parse_one. */
#if CSK_PY_ONE_ARG_IS_METH_O
#define CSK_ONE_ARG METH_O
#define py_parse_one PyArg_Parse
#else
#define CSK_ONE_ARG METH_VARARGS
#define py_parse_one PyArg_ParseTuple
#endif

#endif /* CSK_COMPAT_H */
