/* Socket addresses between Python and C: the tuples and strings Python code passes to bind,
 * connect and sendto, and the ones returned by accept, recvfrom, getsockname and getpeername.
 *
 * Each family is one entry of a table (parse + build), so a new family is a new entry; the
 * Linux-only families have their own table in address_linux.c (_families() lists both, for
 * `python -m csocket info`).  Host names are turned into addresses here (numeric fast path first,
 * then the resolver, GIL released).
 */
#include "address.h"

/* ---- host names ---------------------------------------------------------------------------- */

/* The bytes of a host given as str (IDNA-encoded when not ASCII), bytes or bytearray.  `*keep`
 * receives a new reference that owns the bytes (or NULL when borrowed). */
static const char *host_chars(PyObject *host, PyObject **keep)
{
    const char *chars;
    Py_ssize_t len;
    *keep = NULL;
    if (PyUnicode_Check(host) && PyUnicode_IS_ASCII(host)) {
        chars = PyUnicode_AsUTF8AndSize(host, &len);
    }
    else if (PyUnicode_Check(host)) {
        *keep = PyUnicode_AsEncodedString(host, "idna", NULL);
        if (*keep == NULL) {
            PyErr_SetString(PyExc_TypeError, "encoding of hostname failed");
            return NULL;
        }
        chars = PyBytes_AS_STRING(*keep);
        len = PyBytes_GET_SIZE(*keep);
    }
    else if (PyBytes_Check(host)) {
        chars = PyBytes_AS_STRING(host);
        len = PyBytes_GET_SIZE(host);
    }
    else if (PyByteArray_Check(host)) {
        chars = PyByteArray_AsString(host);
        len = PyByteArray_GET_SIZE(host);
    }
    else {
        PyErr_Format(PyExc_TypeError, "str, bytes or bytearray expected, not %s",
                     Py_TYPE(host)->tp_name);
        return NULL;
    }
    if (chars != NULL && strlen(chars) != (size_t)len) {
        Py_CLEAR(*keep);
        PyErr_SetString(PyExc_TypeError, "host name must not contain null character");
        return NULL;
    }
    return chars;
}

static int wildcard(int family, csk_sockaddr *addr)
{
    if (family == AF_UNSPEC) {
        /* Either family's wildcard would do (0.0.0.0 and ::); the built-in module refuses to
         * pick one (gethostbyaddr("") is the caller that asks). */
        PyErr_SetString(PyExc_OSError, "wildcard resolved to multiple address");
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->sa.sa_family = (sa_family_t)(family == AF_INET6 ? AF_INET6 : AF_INET);
    return 0; /* INADDR_ANY and in6addr_any are all zero bytes */
}

static int broadcast(int family, csk_sockaddr *addr)
{
    if (family != AF_INET && family != AF_UNSPEC) {
        PyErr_SetString(PyExc_OSError, "address family mismatched");
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->in4.sin_family = AF_INET;
    addr->in4.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    return 0;
}

static int resolve(csk_state *st, const char *name, int family, csk_sockaddr *addr)
{
    socklen_t len = 0;
    int gai, sys_errno = 0;
    Py_BEGIN_ALLOW_THREADS
    gai = csk_resolve_host(name, family, addr, &len, &sys_errno);
    Py_END_ALLOW_THREADS
    if (gai != 0) {
        py_raise_gai(st, gai, sys_errno);
        return -1;
    }
    if (addr->sa.sa_family != AF_INET && addr->sa.sa_family != AF_INET6) {
        PyErr_SetString(PyExc_OSError, "unknown address family");
        return -1;
    }
    return 0;
}

/* The address for a host name already converted by host_chars. */
static int name_to_addr(csk_state *st, const char *name, int family, csk_sockaddr *addr)
{
    if (name[0] == '\0') {
        return wildcard(family, addr);
    }
    if (strcmp(name, "<broadcast>") == 0 || strcmp(name, "255.255.255.255") == 0) {
        return broadcast(family, addr);
    }
    if (csk_ip_parse_numeric(name, family, addr) != 0) {
        return 0;
    }
    return resolve(st, name, family, addr);
}

int py_host_to_addr(csk_state *st, PyObject *host, int family, csk_sockaddr *addr)
{
    PyObject *keep;
    const char *name = host_chars(host, &keep);
    if (name == NULL) {
        return -1;
    }
    int r = name_to_addr(st, name, family, addr);
    Py_XDECREF(keep);
    return r;
}

/* ---- AF_INET / AF_INET6 ------------------------------------------------------------------ */

static int port_overflow(const char *caller)
{
    PyErr_Format(PyExc_OverflowError, "%s(): port must be 0-65535.", caller);
    return -1;
}

/* (host, port[, flowinfo[, scope_id]]) into `addr`, *port and (AF_INET6) ext[0..1], in the
 * built-in parser's order: the host's conversion, then port, flowinfo and scope_id, then the
 * host's resolution, and only then the port's range (checked by the caller).  Which error a
 * doubly bad address raises depends on that order. */
static int parse_ip(csk_sock *s, PyObject *obj, csk_sockaddr *addr, int family, int *port,
                    unsigned ext[2], const char *caller)
{
    const char *fam = family == AF_INET ? "AF_INET" : "AF_INET6";
    if (!PyTuple_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s(): %s address must be tuple, not %.500s", caller, fam,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(obj);
    if (family == AF_INET ? n != 2 : (n < 2 || n > 4)) {
        PyErr_SetString(
            PyExc_TypeError,
            family == AF_INET
                ? "AF_INET address must be a pair (host, port)"
                : "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])");
        return -1;
    }
    PyObject *keep;
    const char *name = host_chars(PyTuple_GET_ITEM(obj, 0), &keep);
    if (name == NULL) {
        return -1;
    }
    int r = py_to_int(PyTuple_GET_ITEM(obj, 1), port);
    for (Py_ssize_t i = 2; r == 0 && i < n; i++) {
        r = py_to_uint_mask(PyTuple_GET_ITEM(obj, i), &ext[i - 2]);
    }
    if (r < 0 && PyErr_ExceptionMatches(PyExc_OverflowError)) {
        PyErr_Clear();
        port_overflow(caller);
    }
    if (r == 0) {
        r = name_to_addr(s->state, name, family, addr);
    }
    Py_XDECREF(keep);
    if (r == 0 && (*port < 0 || *port > 0xffff)) {
        r = port_overflow(caller);
    }
    return r;
}

static int parse_inet(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                      const char *caller)
{
    int port;
    unsigned unused[2];
    if (parse_ip(s, obj, addr, AF_INET, &port, unused, caller) < 0) {
        return -1;
    }
    addr->in4.sin_family = AF_INET;
    addr->in4.sin_port = htons((uint16_t)port);
    *len = sizeof addr->in4;
    return 0;
}

static int parse_inet6(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                       const char *caller)
{
    int port;
    unsigned ext[2] = {0, 0}; /* flowinfo, scope_id */
    if (parse_ip(s, obj, addr, AF_INET6, &port, ext, caller) < 0) {
        return -1;
    }
    if (ext[0] > 0xfffff) {
        PyErr_Format(PyExc_OverflowError, "%s(): flowinfo must be 0-1048575.", caller);
        return -1;
    }
    addr->in6.sin6_family = AF_INET6;
    addr->in6.sin6_port = htons((uint16_t)port);
    addr->in6.sin6_flowinfo = htonl(ext[0]);
    addr->in6.sin6_scope_id = ext[1];
    *len = sizeof addr->in6;
    return 0;
}

static PyObject *ip_text(const csk_sockaddr *addr)
{
    char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    int err = csk_ip_text(addr, text, sizeof text);
    if (err < 0) {
        return py_raise(err);
    }
    return PyUnicode_FromString(text);
}

/* (host, port) for AF_INET and AF_RDS (a sockaddr_in), (host, port, flowinfo, scope_id) for
 * AF_INET6. */
static PyObject *build_ip(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)len;
    (void)fd;
    (void)proto;
    PyObject *host = ip_text(addr);
    if (host == NULL) {
        return NULL;
    }
    if (addr->sa.sa_family == AF_INET6) {
        return Py_BuildValue("(NiII)", host, ntohs(addr->in6.sin6_port),
                             ntohl(addr->in6.sin6_flowinfo), addr->in6.sin6_scope_id);
    }
    return Py_BuildValue("(Ni)", host, ntohs(addr->in4.sin_port));
}

/* ---- AF_UNIX ----------------------------------------------------------------------------- */

static int parse_unix(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                      const char *caller)
{
    (void)caller;
    PyObject *path_obj;
    /* The filesystem encoding with surrogateescape (PEP 383); embedded NULs are allowed because
     * Linux abstract names may contain them. */
    if (PyUnicode_Check(obj)) {
        path_obj = PyUnicode_EncodeFSDefault(obj);
        if (path_obj == NULL) {
            return -1;
        }
    }
    else {
        path_obj = Py_NewRef(obj);
    }
    Py_buffer path;
    if (PyObject_GetBuffer(path_obj, &path, PyBUF_SIMPLE) < 0) {
        Py_DECREF(path_obj);
        return -1;
    }
    int n = csk_unix_address(&addr->un, s->sock_family, path.buf, (size_t)path.len);
    PyBuffer_Release(&path);
    Py_DECREF(path_obj);
    if (n < 0) {
        PyErr_SetString(PyExc_OSError, "AF_UNIX path too long");
        return -1;
    }
    *len = (socklen_t)n;
    return 0;
}

static PyObject *build_unix(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    (void)proto;
    int abstract;
    size_t n = csk_unix_path(&addr->un, len, &abstract);
    if (abstract) {
        return PyBytes_FromStringAndSize(addr->un.sun_path, (Py_ssize_t)n);
    }
    return PyUnicode_DecodeFSDefaultAndSize(addr->un.sun_path, (Py_ssize_t)n);
}

/* ---- the family table ---------------------------------------------------------------------- */

static const csk_family families[] = {
    {AF_INET, parse_inet, build_ip},
    {AF_INET6, parse_inet6, build_ip},
    {AF_UNIX, parse_unix, build_unix},
#ifdef CSK_HAVE_AF_RDS
    /* RDS takes and returns IPv4 addresses (struct sockaddr_in, family AF_INET). */
    {AF_RDS, parse_inet, build_ip},
#endif
};

static const csk_family *find_family(int family)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        if (families[i].family == family) {
            return &families[i];
        }
    }
    return py_linux_family(family);
}

/* Family numbers fit in sa_family_t; every one the tables know lies well below this bound. */
#define CSK_FAMILY_PROBE_LIMIT 256

static CSK_DOC(
    mod_families,
    "_families() -> tuple of int\n\n"
    "The address families whose addresses this build parses and returns (csocket only).");

static PyObject *mod_families(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    (void)module;
    PyObject *list = PyList_New(0);
    for (int family = 0; list != NULL && family < CSK_FAMILY_PROBE_LIMIT; family++) {
        if (find_family(family) == NULL) {
            continue;
        }
        PyObject *number = PyLong_FromLong(family);
        if (number == NULL || PyList_Append(list, number) < 0) {
            Py_XDECREF(number);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(number);
    }
    if (list == NULL) {
        return NULL;
    }
    PyObject *tuple = PyList_AsTuple(list);
    Py_DECREF(list);
    return tuple;
}

PyMethodDef py_address_functions[] = {
    CSK_METHOD("_families", mod_families, METH_NOARGS),
    {NULL, NULL, 0, NULL},
};

int py_address_parse(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                     const char *caller)
{
    const csk_family *f = find_family(s->sock_family);
    if (f == NULL) {
        PyErr_Format(PyExc_OSError, "%s(): bad family", caller);
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    return f->parse(s, obj, addr, len, caller);
}

/* The Python form of a returned address; `fd` is the socket it came from, or -1. */
static PyObject *build_address(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    if (len == 0) {
        Py_RETURN_NONE; /* no address: recvfrom on a connected stream, for one */
    }
    const csk_family *f = find_family(addr->sa.sa_family);
    if (f != NULL) {
        return f->build(addr, len, fd, proto);
    }
    /* An unknown family: its number and the raw bytes, as the built-in module returns them. */
    PyObject *raw = PyBytes_FromStringAndSize(addr->sa.sa_data, sizeof addr->sa.sa_data);
    return raw == NULL ? NULL : Py_BuildValue("(iN)", addr->sa.sa_family, raw);
}

PyObject *py_address_build(const csk_sockaddr *addr, socklen_t len, int proto)
{
    return build_address(addr, len, -1, proto);
}

PyObject *py_sock_address(csk_sock *s, const csk_sockaddr *addr, socklen_t len)
{
    return build_address(addr, len, py_sock_fd(s), s->sock_proto);
}
