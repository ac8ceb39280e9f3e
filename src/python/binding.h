/* What the binding's files share: module state, argument conversion, error raising, the
 * GIL-releasing call into the core, addresses, and the declarations of every Python-visible
 * function (each defined, with its docstring, in the file of its area).
 *
 * Names, so that a call says which layer it reaches:
 *   csk_...        the core (src/core/csk.h: plain C, no Python), and only the core;
 *   py_...         a binding helper that one file of src/python offers the others (declared
 *                  here, in address.h, sockobject.h or compat.h): py_raise, py_sock_call;
 *   sock_<method>  a method of the socket type, named after it (sock_recv_into), and
 *   mod_<name>     a function of the module (mod_getaddrinfo), both static or declared below;
 *   no prefix      everything else, which is static to its file.
 * Types keep the project's csk_ (csk_sock, csk_state) and macros its CSK_ (CSK_PY_* for what
 * differs between CPython versions, compat.h; CSK_HAVE_* for what differs between systems).
 */
#ifndef CSK_BINDING_H
#define CSK_BINDING_H

/* No PY_SSIZE_T_CLEAN: on 3.9-3.12 it renames the argument parsers to private _SizeT symbols.
 * csocket therefore never uses the '#' formats of PyArg_Parse* and Py_BuildValue. */
#include <Python.h>

#include "sockobject.h"
#include "../core/csk.h"

/* ---- public C API only -------------------------------------------------------------------- */
/* The extension imports only public-API and stable-ABI symbols: CPython's own macros (Py_None,
 * Py_DECREF) expand to stable-ABI names such as _Py_NoneStruct and _Py_Dealloc, which is fine.
 * A debug interpreter's reference counting is another matter: there Py_INCREF and Py_DECREF also
 * count into private totals (_Py_RefTotal, _Py_NegativeRefcount), so debug builds, and only they,
 * take references through the public functions. */
#ifdef Py_REF_DEBUG
static inline PyObject *py_incref(PyObject *o)
{
    Py_IncRef(o);
    return o;
}
#undef Py_INCREF
#define Py_INCREF(op) Py_IncRef((PyObject *)(op))
#undef Py_XINCREF
#define Py_XINCREF(op) Py_IncRef((PyObject *)(op))
#undef Py_DECREF
#define Py_DECREF(op) Py_DecRef((PyObject *)(op))
#undef Py_XDECREF
#define Py_XDECREF(op) Py_DecRef((PyObject *)(op))
#if PY_VERSION_HEX >= 0x030A0000 /* before 3.10, compat.h's Py_NewRef is built on Py_INCREF */
#undef Py_NewRef
#define Py_NewRef(op) py_incref((PyObject *)(op))
#endif
#endif

#include "compat.h" /* after the above: its inline functions take references too */

/* ---- module state (module.c) ------------------------------------------------------------- */

struct csk_state {
    PyTypeObject *sock_type;
    PyObject *herror;
    PyObject *gaierror;
    PyObject *timeout_error; /* TimeoutError; on 3.9 the module's own socket.timeout class */
    int64_t default_timeout; /* ns; CSK_TIMEOUT_NONE means None (blocking) */
};

extern PyModuleDef py_module_def;

csk_state *py_state_of_module(PyObject *module);
csk_state *py_state_of_type(PyTypeObject *type); /* walks the MRO; NULL + exception if not ours */

/* ---- arguments (args.c) ------------------------------------------------------------------ */

/* Check a FASTCALL argument count; 0 with TypeError set when outside [min, max]. */
int py_nargs(const char *fname, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max);
int py_nargs_clinic(const char *fname, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max);

/* Spread FASTCALL positional and keyword arguments over `out[0..nnames)` (NULL = not given). */
int py_args_kw(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               const char *const *names, Py_ssize_t nnames, Py_ssize_t required, PyObject **out);

int py_to_long(PyObject *obj, long *out);                        /* like the "l" format */
int py_to_int(PyObject *obj, int *out);                          /* like the "i" format */
int py_to_int_or(PyObject *obj, int *out, const char *overflow); /* int; own range message */
int py_to_ssize(PyObject *obj, Py_ssize_t *out);                 /* like the "n" format */
int py_to_uint_mask(PyObject *obj, unsigned *out); /* like the "I" format (no range check) */
/* Argument Clinic's unsigned converters (3.14): any integer (__index__) from 0 to max; a negative
 * one is a ValueError, a larger one an OverflowError naming the C type `ctype`. */
int py_to_unsigned(PyObject *obj, unsigned long long max, const char *ctype,
                   unsigned long long *out);
int py_get_buffer(PyObject *obj, Py_buffer *view, const char *fname, int writable);
const char *py_to_str(PyObject *obj, const char *fname, int pos); /* the "s" format: UTF-8 */

/* The items of an iterable argument (errmsg: its TypeError), in a sequence nobody else can change
 * while they are converted: a caller's list is copied, since converting an item may run Python
 * code (__index__, __buffer__) that shrinks it under our feet.  New reference, or NULL. */
PyObject *py_items_of(PyObject *arg, const char *errmsg);

/* ---- errors (errors.c) ------------------------------------------------------------------- */

/* What an expired deadline raises: TimeoutError, or on 3.9 the module's socket.timeout (set at
 * import, like the singletons above). */
extern PyObject *py_timeout_exc;

/* Raise the Python exception for a core error (-errno, CSK_ETIMEOUT or CSK_ENOALLOC).  Returns
 * NULL / -1. */
PyObject *py_raise(int err);
int py_raise_int(int err);

/* None for a core result of 0 or more, else its error raised (NULL): a call returning nothing. */
PyObject *py_none_or_raise(ssize_t r);

/* Raise socket.gaierror for a getaddrinfo() code (OSError for EAI_SYSTEM).  Returns NULL. */
PyObject *py_raise_gai(csk_state *st, int gai, int sys_errno);

/* Raise socket.herror((h_errno, message)) for a failed host-entry lookup.  Returns NULL. */
PyObject *py_raise_herror(csk_state *st, int herr);

/* ---- calling into the core (call.c) ------------------------------------------------------ */

/* Bracket every use of the socket's fd with the GIL released: enter counts the call and returns
 * the fd (-1 once closed); leave ends it.  While calls are counted, close() marks the socket
 * closed at once but leaves closing the number to the last leave, so a new file cannot take the
 * number before a released call's system call runs.  Both run with the GIL held (a free-threaded
 * build will need a lock here). */
int py_sock_enter(csk_sock *s);
void py_sock_leave(csk_sock *s);

/* One attempt on the socket's fd with the GIL released once, counted as above, and no waiting:
 * calls that do not wait on the peer (bind, listen, shutdown, getsockname) and a batch's calls
 * after its first.  Returns the attempt's result: a count or -errno, nothing raised. */
ssize_t py_sock_once(csk_sock *s, csk_attempt_fn attempt, void *op);

/* close(2) with the GIL released (SO_LINGER can make it wait): 0 or -errno, nothing raised. */
int py_close_nogil(int fd);

/* Run a core operation on the socket with the GIL released once: on EINTR run Python's signal
 * handlers (PEP 475) and go on with the time left.  Returns the count, or -1 with an exception. */
Py_ssize_t py_sock_call(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                        csk_deadline *dl);

/* py_sock_call() that hands the operation's error (-errno or CSK_ETIMEOUT) back in *err instead
 * of raising it, for a caller that may recover (send_segments without GSO).  Returns -1 either
 * way; an exception is set only when a signal handler raised (then *err is 0). */
Py_ssize_t py_sock_call_err(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                            csk_deadline *dl, int *err);

/* py_sock_call() for a data transfer (recv/send family): tries once without releasing the GIL
 * where that cannot block or change the result, then as py_sock_call().  `short_ok`: the caller
 * accepts a result shorter than a blocking call would give (receives, sendall, datagrams). */
Py_ssize_t py_sock_xfer(csk_sock *s, short events, csk_attempt_fn attempt, csk_xfer *x,
                        csk_deadline *dl, int short_ok);

/* py_sock_xfer() for an operation of another shape: `flags` points at its send/recv flags, to
 * which the first try adds MSG_DONTWAIT (batch I/O). */
Py_ssize_t py_sock_try_first(csk_sock *s, short events, csk_attempt_fn attempt, void *op,
                             int *flags, csk_deadline *dl, int short_ok);

/* ---- timeouts (timeout.c) ---------------------------------------------------------------- */

/* No timeout (blocking): CPython stores -1 s, and any negative value means the same. */
#define CSK_TIMEOUT_NONE (-CSK_NS_PER_SEC)

/* A Python timeout (None or seconds) as nanoseconds.  0, or -1 with an exception. */
int py_timeout_from_object(PyObject *obj, int64_t *ns);
PyObject *py_timeout_to_object(int64_t ns);

/* Put the socket into the mode `timeout_ns` asks for, touching the fd only on a real change. */
int py_sock_apply_timeout(csk_sock *s, int64_t timeout_ns);

/* ---- addresses (address.c) --------------------------------------------------------------- */

/* A Python address for socket `s` as a sockaddr; `caller` names the method in messages.
 * Returns 0, or -1 with an exception. */
int py_address_parse(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                     const char *caller);

/* The Python form of an address the kernel returned (None for an empty one). */
PyObject *py_address_build(const csk_sockaddr *addr, socklen_t len, int proto);

/* The same for an address returned on socket `s`: its protocol picks the form (AF_CAN) and
 * interface names are looked up through its descriptor (AF_PACKET, AF_CAN), as the built-in
 * module does.  Prefer it to py_address_build wherever the socket is at hand. */
PyObject *py_sock_address(csk_sock *s, const csk_sockaddr *addr, socklen_t len);

/* Resolve a host (str/bytes; "" and "<broadcast>" included) for `family` into `addr`. */
int py_host_to_addr(csk_state *st, PyObject *host, int family, csk_sockaddr *addr);

/* ---- the socket type (socket_type.c) ----------------------------------------------------- */

PyType_Spec *py_sock_spec(void);

/* A new socket object of the module's type for an open fd (nonblocking: its O_NONBLOCK state, or
 * -1 if unknown).  On failure the caller still owns fd. */
PyObject *py_sock_from_fd(csk_state *st, int fd, int family, int type, int proto, int nonblocking);

/* Module-level functions: each area's file has its own table, added to the module at import. */
extern PyMethodDef py_descriptor_functions[]; /* socket_type.c: dup, close, socketpair */
extern PyMethodDef py_timeout_functions[];    /* timeout.c: get/setdefaulttimeout */
extern PyMethodDef py_message_functions[];    /* message.c: CMSG_LEN, CMSG_SPACE */
extern PyMethodDef py_module_functions[];     /* module.c: csocket's own extras */
extern PyMethodDef py_resolver_functions[];   /* resolver.c: getaddrinfo, gethostby*, if_* ... */
extern PyMethodDef py_convert_functions[];    /* convert.c: inet_*, hton*, ntoh* */
extern PyMethodDef py_address_functions[];    /* address.c: _families */
extern PyMethodDef py_race_functions[];       /* race.c: _race (Happy Eyeballs) */

/* Socket methods, each defined in its area's file and gathered into one table in
 * socket_type.c.  A docstring travels with each, declared by CSK_DECL so the table can name it. */
#define CSK_DECL(name)                                                                             \
    extern const char name##__doc__[];                                                             \
    PyObject *name
#define CSK_DOC(name, text) const char name##__doc__[] = text

/* A method-table entry for a function defined with CSK_DOC. */
/* A braced initializer, which clang-format would spread over four lines. */
/* clang-format off */
#define CSK_METHOD(pyname, cname, flags) \
    {pyname, (PyCFunction)(void (*)(void))cname, flags, cname##__doc__}
/* clang-format on */

/* lifecycle (socket_type.c) */
CSK_DECL(sock_close)(csk_sock *, PyObject *);
CSK_DECL(sock_detach)(csk_sock *, PyObject *);
CSK_DECL(sock_fileno)(csk_sock *, PyObject *);

/* modes (timeout.c) */
CSK_DECL(sock_setblocking)(csk_sock *, PyObject *);
CSK_DECL(sock_getblocking)(csk_sock *, PyObject *);
CSK_DECL(sock_settimeout)(csk_sock *, PyObject *);
CSK_DECL(sock_gettimeout)(csk_sock *, PyObject *);

/* connections (connection.c) */
CSK_DECL(sock_bind)(csk_sock *, PyObject *);
CSK_DECL(sock_listen)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_accept)(csk_sock *, PyObject *);
CSK_DECL(sock_connect)(csk_sock *, PyObject *);
CSK_DECL(sock_connect_ex)(csk_sock *, PyObject *);
CSK_DECL(sock_getsockname)(csk_sock *, PyObject *);
CSK_DECL(sock_getpeername)(csk_sock *, PyObject *);
CSK_DECL(sock_shutdown)(csk_sock *, PyObject *);

/* data transfer (transfer.c) */
CSK_DECL(sock_recv)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_recv_into)(csk_sock *, PyObject *const *, Py_ssize_t, PyObject *);
CSK_DECL(sock_recvfrom)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_recvfrom_into)(csk_sock *, PyObject *const *, Py_ssize_t, PyObject *);
CSK_DECL(sock_send)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_sendall)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_sendto)(csk_sock *, PyObject *const *, Py_ssize_t);

/* scatter/gather and ancillary data (message.c) */
CSK_DECL(sock_sendmsg)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_recvmsg)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_recvmsg_into)(csk_sock *, PyObject *const *, Py_ssize_t);
#ifdef CSK_HAVE_AF_ALG
CSK_DECL(sock_sendmsg_afalg)(csk_sock *, PyObject *const *, Py_ssize_t, PyObject *);
#endif

/* batch datagram I/O (batch.c; csocket's own, not in the built-in module) */
#ifdef CSK_HAVE_MMSG
CSK_DECL(sock_sendmmsg)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_recvmmsg)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_recvmmsg_into)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_send_segments)(csk_sock *, PyObject *const *, Py_ssize_t, PyObject *);
CSK_DECL(sock_recv_segments)(csk_sock *, PyObject *const *, Py_ssize_t);
#endif

/* options (options.c) */
CSK_DECL(sock_setsockopt)(csk_sock *, PyObject *const *, Py_ssize_t);
CSK_DECL(sock_getsockopt)(csk_sock *, PyObject *const *, Py_ssize_t);

/* Module constants (constants.c). */
int py_add_constants(PyObject *module);

#endif /* CSK_BINDING_H */
