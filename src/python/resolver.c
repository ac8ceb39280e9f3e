/* Name resolution: getaddrinfo, getnameinfo, gethostbyname, gethostbyname_ex, gethostbyaddr,
 * gethostname, sethostname, getservbyname, getservbyport, getprotobyname, and the network
 * interface functions if_nameindex, if_nametoindex, if_indextoname.
 *
 * Every lookup runs in the core with the GIL released; the core's reentrant calls keep that safe
 * without a lock.  Arguments, audit events and errors follow the built-in module.  Not here: the
 * addresses of bind/connect (address.c) or packed-address conversion (convert.c).
 */
#include "binding.h"

/* The text of an IPv4/IPv6 address. */
static PyObject *ip_str(const csk_sockaddr *addr)
{
    char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    int err = csk_ip_text(addr, text, sizeof text);
    return err < 0 ? py_raise(err) : PyUnicode_FromString(text);
}

/* A host name, already encoded by the "et" format, as an address of `family`, the way bind and
 * connect take one: "" is the wildcard, "<broadcast>" the broadcast address, numeric text needs
 * no lookup, anything else goes to the resolver. */
static int host_address(csk_state *st, const char *name, int family, csk_sockaddr *addr)
{
    PyObject *bytes = PyBytes_FromString(name);
    if (bytes == NULL) {
        return -1;
    }
    int r = py_host_to_addr(st, bytes, family, addr);
    Py_DECREF(bytes);
    return r;
}

/* ---- getaddrinfo ------------------------------------------------------------------------- */

/* Would the "idna" codec return ASCII text unchanged?  It does when every dot-separated label
 * but the last has 1 to 63 characters and the last has fewer than 64 (Python's codec checks just
 * that for ASCII input); anything else goes to the codec, for its result or its exact error. */
static int idna_is_identity(const char *text, Py_ssize_t len)
{
    Py_ssize_t label = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        if (text[i] != '.') {
            label++;
        }
        else if (label == 0 || label > 63) {
            return 0;
        }
        else {
            label = 0;
        }
    }
    return label < 64;
}

/* The host: None, str (IDNA-encoded) or bytes.  *keep owns encoded text.  Like the built-in
 * module, text after an embedded NUL is ignored. */
static int gai_host(PyObject *host, PyObject **keep, const char **out)
{
    *keep = NULL;
    *out = NULL;
    if (host == Py_None) {
        return 0;
    }
    if (PyUnicode_Check(host) && PyUnicode_IS_ASCII(host)) {
        Py_ssize_t len;
        const char *text = PyUnicode_AsUTF8AndSize(host, &len);
        if (text != NULL && idna_is_identity(text, len)) {
            *out = text; /* the codec would be called for nothing: numeric hosts, "localhost" */
            return 0;
        }
        PyErr_Clear();
    }
    if (PyUnicode_Check(host)) {
        *keep = PyUnicode_AsEncodedString(host, "idna", NULL);
        if (*keep == NULL) {
            return -1;
        }
        *out = PyBytes_AS_STRING(*keep);
        return 0;
    }
    if (PyBytes_Check(host)) {
        *out = PyBytes_AS_STRING(host);
        return 0;
    }
    PyErr_SetString(PyExc_TypeError, "getaddrinfo() argument 1 must be string or None");
    return -1;
}

/* The port: an int (exactly int: the built-in module refuses subclasses, bool included), str,
 * bytes or None.  An int becomes its decimal text, in buf or owned by *keep. */
static int gai_service(PyObject *port, char *buf, size_t cap, PyObject **keep, const char **out)
{
    *keep = NULL;
    *out = NULL;
    if (CSK_PY_PORT_ANY_INT ? PyLong_Check(port) : PyLong_CheckExact(port)) {
#if CSK_PY_PORT_INT_AS_TEXT
        /* 3.12 passes any int on as text, so an out-of-range port is the resolver's error; 3.14
         * takes an int subclass (True) as its value. */
        (void)buf;
        (void)cap;
        PyObject *value = PyNumber_Index(port);
        *keep = value != NULL ? PyObject_Str(value) : NULL;
        Py_XDECREF(value);
        *out = *keep != NULL ? PyUnicode_AsUTF8(*keep) : NULL;
        return *out != NULL ? 0 : -1;
#else
        long value = PyLong_AsLong(port);
        if (value == -1 && PyErr_Occurred()) {
            return -1;
        }
        PyOS_snprintf(buf, cap, "%ld", value);
        *out = buf;
        return 0;
#endif
    }
    if (PyUnicode_Check(port)) {
        *out = PyUnicode_AsUTF8(port);
        return *out != NULL ? 0 : -1;
    }
    if (PyBytes_Check(port)) {
        *out = PyBytes_AS_STRING(port);
        return 0;
    }
    if (port == Py_None) {
        return 0;
    }
    PyErr_SetString(PyExc_OSError, "Int or String expected");
    return -1;
}

/* [(family, type, proto, canonname, sockaddr), ...]; sockaddr is built for the `proto` asked for,
 * as the built-in module does. */
static PyObject *gai_list(const struct addrinfo *res, int proto)
{
    PyObject *list = PyList_New(0);
    for (; list != NULL && res != NULL; res = res->ai_next) {
        csk_sockaddr addr;
        socklen_t len;
        csk_addrinfo_addr(res, &addr, &len);
        PyObject *sa = py_address_build(&addr, len, proto);
        PyObject *item =
            sa == NULL ? NULL
                       : Py_BuildValue("iiisN", res->ai_family, res->ai_socktype, res->ai_protocol,
                                       res->ai_canonname ? res->ai_canonname : "", sa);
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(item);
    }
    return list;
}

static CSK_DOC(mod_getaddrinfo,
               "getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)\n"
               "    -> list of (family, type, proto, canonname, sockaddr)\n\n"
               "The addresses the system resolver gives for a host and a port (service).  host is\n"
               "a name, a numeric address or None; port an int, a service name or None.");

static PyObject *mod_getaddrinfo(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"host", "port", "family", "type", "proto", "flags", NULL};
    PyObject *host, *port, *host_keep, *port_keep = NULL, *result = NULL;
    int family = AF_UNSPEC, type = 0, proto = 0, flags = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|iiii:getaddrinfo", kwlist, &host, &port,
                                     &family, &type, &proto, &flags)) {
        return NULL;
    }
    const char *hptr, *pptr;
    char pbuf[32];
    if (gai_host(host, &host_keep, &hptr) < 0) {
        return NULL;
    }
    if (gai_service(port, pbuf, sizeof pbuf, &port_keep, &pptr) == 0 &&
        PySys_Audit("socket.getaddrinfo", "OOiii", host, port, family, type, proto) == 0) {
        struct addrinfo *res;
        int gai, sys_errno;
        Py_BEGIN_ALLOW_THREADS
        gai = csk_getaddrinfo(hptr, pptr, family, type, proto, flags, &res, &sys_errno);
        Py_END_ALLOW_THREADS
        if (gai != 0) {
            py_raise_gai(py_state_of_module(module), gai, sys_errno);
        }
        else {
            result = gai_list(res, proto);
            freeaddrinfo(res);
        }
    }
    Py_XDECREF(host_keep);
    Py_XDECREF(port_keep);
    return result;
}

/* ---- getnameinfo ------------------------------------------------------------------------- */

/* The socket address getnameinfo() takes: (host, port) for IPv4, (host, port[, flowinfo[,
 * scope_id]]) for IPv6.  The host must be numeric; it is parsed, never looked up. */
static int nameinfo_address(csk_state *st, PyObject *sa, csk_sockaddr *addr, socklen_t *len)
{
    const char *host;
    int port, multiple = 0, gai, sys_errno;
    unsigned flowinfo = 0, scope_id = 0;
    char service[16];
    if (!PyArg_ParseTuple(sa, "si|II;getnameinfo(): illegal sockaddr argument", &host, &port,
                          &flowinfo, &scope_id)) {
        return -1;
    }
    if (flowinfo > 0xfffff) {
        PyErr_SetString(PyExc_OverflowError, "getnameinfo(): flowinfo must be 0-1048575.");
        return -1;
    }
    if (PySys_Audit("socket.getnameinfo", "(O)", sa) < 0) {
        return -1;
    }
    PyOS_snprintf(service, sizeof service, "%d", port);
    Py_BEGIN_ALLOW_THREADS
    gai = csk_numeric_sockaddr(host, service, addr, len, &multiple, &sys_errno);
    Py_END_ALLOW_THREADS
    if (gai != 0) {
        py_raise_gai(st, gai, sys_errno);
        return -1;
    }
    if (multiple) {
        PyErr_SetString(PyExc_OSError, "sockaddr resolved to multiple addresses");
        return -1;
    }
    if (addr->sa.sa_family == AF_INET && PyTuple_GET_SIZE(sa) != 2) {
        PyErr_SetString(PyExc_OSError, "IPv4 sockaddr must be 2 tuple");
        return -1;
    }
    if (addr->sa.sa_family == AF_INET6) {
        addr->in6.sin6_flowinfo = htonl(flowinfo);
        addr->in6.sin6_scope_id = scope_id;
    }
    return 0;
}

static CSK_DOC(mod_getnameinfo,
               "getnameinfo(sockaddr, flags) -> (host, port)\n\n"
               "The host and service names of a socket address with a numeric host, as the\n"
               "system resolver reports them (NI_* flags).");

static PyObject *mod_getnameinfo(PyObject *module, PyObject *args)
{
    csk_state *st = py_state_of_module(module);
    PyObject *sa;
    int flags, gai, sys_errno;
    csk_sockaddr addr;
    socklen_t len;
    char host[CSK_NI_MAXHOST], serv[CSK_NI_MAXSERV];
    if (!PyArg_ParseTuple(args, "Oi:getnameinfo", &sa, &flags)) {
        return NULL;
    }
    if (!PyTuple_Check(sa)) {
        PyErr_SetString(PyExc_TypeError, "getnameinfo() argument 1 must be a tuple");
        return NULL;
    }
    if (nameinfo_address(st, sa, &addr, &len) < 0) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    gai = csk_getnameinfo(&addr, len, flags, host, serv, &sys_errno);
    Py_END_ALLOW_THREADS
    if (gai != 0) {
        return py_raise_gai(st, gai, sys_errno);
    }
    return Py_BuildValue("(ss)", host, serv);
}

/* ---- gethostbyname, gethostbyname_ex, gethostbyaddr -------------------------------------- */

static int append_str(PyObject *list, const char *text)
{
    PyObject *s = PyUnicode_FromString(text);
    int r = s != NULL ? PyList_Append(list, s) : -1;
    Py_XDECREF(s);
    return r;
}

static int append_addr(PyObject *list, const struct hostent *h, const char *raw)
{
    csk_sockaddr addr;
    memset(&addr, 0, sizeof addr);
    addr.sa.sa_family = (sa_family_t)h->h_addrtype;
    void *dst = h->h_addrtype == AF_INET ? (void *)&addr.in4.sin_addr : (void *)&addr.in6.sin6_addr;
    size_t cap = h->h_addrtype == AF_INET ? sizeof addr.in4.sin_addr : sizeof addr.in6.sin6_addr;
    memcpy(dst, raw, (size_t)h->h_length < cap ? (size_t)h->h_length : cap);
    PyObject *s = ip_str(&addr);
    int r = s != NULL ? PyList_Append(list, s) : -1;
    Py_XDECREF(s);
    return r;
}

/* The (name, aliases, addresses) of a host entry looked up for an address of `family`. */
static PyObject *host_entry(csk_state *st, int r, int herr, const struct hostent *h, int family)
{
    if (r == CSK_EHOST) {
        return py_raise_herror(st, herr);
    }
    if (r < 0) {
        return py_raise(r);
    }
    if (h->h_addrtype != family || (family != AF_INET && family != AF_INET6)) {
        return py_raise(-EAFNOSUPPORT);
    }
    PyObject *aliases = PyList_New(0), *addrs = PyList_New(0), *result = NULL;
    int ok = aliases != NULL && addrs != NULL;
    for (char **p = h->h_aliases; ok && p != NULL && *p != NULL; p++) {
        ok = append_str(aliases, *p) == 0;
    }
    for (char **p = h->h_addr_list; ok && *p != NULL; p++) {
        ok = append_addr(addrs, h, *p) == 0;
    }
    if (ok) {
        result = Py_BuildValue("(sOO)", h->h_name, aliases, addrs);
    }
    Py_XDECREF(aliases);
    Py_XDECREF(addrs);
    return result;
}

static CSK_DOC(mod_gethostbyname,
               "gethostbyname(host) -> address\n\n"
               "The IPv4 address of a host name, as text such as '127.0.0.1'.");

static PyObject *mod_gethostbyname(PyObject *module, PyObject *args)
{
    char *name;
    csk_sockaddr addr;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "et:gethostbyname", "idna", &name)) {
        return NULL;
    }
    if (PySys_Audit("socket.gethostbyname", "O", args) == 0 &&
        host_address(py_state_of_module(module), name, AF_INET, &addr) == 0) {
        result = ip_str(&addr);
    }
    PyMem_Free(name);
    return result;
}

static CSK_DOC(mod_gethostbyname_ex,
               "gethostbyname_ex(host) -> (name, aliaslist, addresslist)\n\n"
               "The host's entry: its primary name, its other names and its IPv4 addresses.");

static PyObject *mod_gethostbyname_ex(PyObject *module, PyObject *args)
{
    csk_state *st = py_state_of_module(module);
    char *name;
    csk_sockaddr addr;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "et:gethostbyname_ex", "idna", &name)) {
        return NULL;
    }
    /* The name must resolve as an address first, as the built-in module checks. */
    if (PySys_Audit("socket.gethostbyname", "O", args) == 0 &&
        host_address(st, name, AF_INET, &addr) == 0) {
        struct hostent ent;
        csk_lookup_buf b = {NULL, 0};
        int r, herr = 0;
        Py_BEGIN_ALLOW_THREADS
        r = csk_gethostbyname(name, &ent, &b, &herr);
        Py_END_ALLOW_THREADS
        result = host_entry(st, r, herr, &ent, addr.sa.sa_family);
        csk_lookup_free(&b);
    }
    PyMem_Free(name);
    return result;
}

/* The host entry of an address (host name or numeric text). */
static PyObject *host_by_addr(csk_state *st, const char *name)
{
    csk_sockaddr addr;
    const void *raw;
    socklen_t rawlen;
    if (host_address(st, name, AF_UNSPEC, &addr) < 0) {
        return NULL;
    }
    if (addr.sa.sa_family == AF_INET) {
        raw = &addr.in4.sin_addr;
        rawlen = sizeof addr.in4.sin_addr;
    }
    else if (addr.sa.sa_family == AF_INET6) {
        raw = &addr.in6.sin6_addr;
        rawlen = sizeof addr.in6.sin6_addr;
    }
    else {
        PyErr_SetString(PyExc_OSError, "unsupported address family");
        return NULL;
    }
    struct hostent ent;
    csk_lookup_buf b = {NULL, 0};
    int r, herr = 0;
    Py_BEGIN_ALLOW_THREADS
    r = csk_gethostbyaddr(raw, rawlen, addr.sa.sa_family, &ent, &b, &herr);
    Py_END_ALLOW_THREADS
    PyObject *result = host_entry(st, r, herr, &ent, addr.sa.sa_family);
    csk_lookup_free(&b);
    return result;
}

static CSK_DOC(mod_gethostbyaddr,
               "gethostbyaddr(host) -> (name, aliaslist, addresslist)\n\n"
               "The entry of the host at an address (IPv4 or IPv6; a name is resolved first).");

static PyObject *mod_gethostbyaddr(PyObject *module, PyObject *args)
{
    char *name;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "et:gethostbyaddr", "idna", &name)) {
        return NULL;
    }
    if (PySys_Audit("socket.gethostbyaddr", "O", args) == 0) {
        result = host_by_addr(py_state_of_module(module), name);
    }
    PyMem_Free(name);
    return result;
}

/* ---- the host name ----------------------------------------------------------------------- */

static CSK_DOC(mod_gethostname, "gethostname() -> str\n\nThis machine's host name.");

static PyObject *mod_gethostname(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    (void)module;
    char name[1024];
    int err;
    if (PySys_Audit("socket.gethostname", NULL) < 0) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    err = csk_gethostname(name, sizeof name);
    Py_END_ALLOW_THREADS
    return err < 0 ? py_raise(err) : PyUnicode_DecodeFSDefault(name);
}

static CSK_DOC(mod_sethostname,
               "sethostname(name)\n\n"
               "Set this machine's host name (needs privilege).");

static PyObject *mod_sethostname(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *name, *result = NULL;
    int converted = 0;
    /* bytes as given (even with NULs, as the built-in module passes them); str and path-like
     * objects in the filesystem encoding. */
    if (!PyArg_ParseTuple(args, "S:sethostname", &name)) {
        PyErr_Clear();
        if (!PyArg_ParseTuple(args, "O&:sethostname", PyUnicode_FSConverter, &name)) {
            return NULL;
        }
        converted = 1;
    }
    Py_buffer view;
    if (PySys_Audit("socket.sethostname", "(O)", name) == 0 &&
        PyObject_GetBuffer(name, &view, PyBUF_SIMPLE) == 0) {
        int err = csk_sethostname(view.buf, (size_t)view.len);
        PyBuffer_Release(&view);
        result = err < 0 ? py_raise(err) : Py_NewRef(Py_None);
    }
    if (converted) {
        Py_DECREF(name);
    }
    return result;
}

/* ---- services and protocols -------------------------------------------------------------- */

static CSK_DOC(mod_getservbyname,
               "getservbyname(servicename[, protocolname]) -> integer\n\n"
               "The port of a service (such as 'http'), for a protocol ('tcp', 'udp') or any.");

static PyObject *mod_getservbyname(PyObject *module, PyObject *args)
{
    (void)module;
    const char *name, *proto = NULL;
    int port, err;
    if (!PyArg_ParseTuple(args, "s|s:getservbyname", &name, &proto)) {
        return NULL;
    }
    if (PySys_Audit("socket.getservbyname", "ss", name, proto) < 0) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    err = csk_getservbyname(name, proto, &port);
    Py_END_ALLOW_THREADS
    if (err == -ENOENT) {
        PyErr_SetString(PyExc_OSError, "service/proto not found");
        return NULL;
    }
    return err < 0 ? py_raise(err) : PyLong_FromLong(port);
}

static CSK_DOC(mod_getservbyport,
               "getservbyport(port[, protocolname]) -> string\n\n"
               "The name of the service on a port, for a protocol ('tcp', 'udp') or any.");

static PyObject *mod_getservbyport(PyObject *module, PyObject *args)
{
    (void)module;
    const char *proto = NULL;
    int port, err;
    char name[1024];
    if (!PyArg_ParseTuple(args, "i|s:getservbyport", &port, &proto)) {
        return NULL;
    }
    if (port < 0 || port > 0xffff) {
        PyErr_SetString(PyExc_OverflowError, "getservbyport: port must be 0-65535.");
        return NULL;
    }
    if (PySys_Audit("socket.getservbyport", "is", port, proto) < 0) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    err = csk_getservbyport(port, proto, name, sizeof name);
    Py_END_ALLOW_THREADS
    if (err == -ENOENT) {
        PyErr_SetString(PyExc_OSError, "port/proto not found");
        return NULL;
    }
    return err < 0 ? py_raise(err) : PyUnicode_FromString(name);
}

static CSK_DOC(mod_getprotobyname,
               "getprotobyname(name) -> integer\n\n"
               "The number of a protocol, such as 6 for 'tcp'.");

static PyObject *mod_getprotobyname(PyObject *module, PyObject *args)
{
    (void)module;
    const char *name;
    int proto, err;
    if (!PyArg_ParseTuple(args, "s:getprotobyname", &name)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    err = csk_getprotobyname(name, &proto);
    Py_END_ALLOW_THREADS
    if (err == -ENOENT) {
        PyErr_SetString(PyExc_OSError, "protocol not found");
        return NULL;
    }
    return err < 0 ? py_raise(err) : PyLong_FromLong(proto);
}

/* ---- network interfaces ------------------------------------------------------------------ */

static CSK_DOC(mod_if_nameindex,
               "if_nameindex() -> list\n\n"
               "All network interfaces as (index, name) pairs.");

static PyObject *mod_if_nameindex(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    (void)module;
    struct if_nameindex *ni;
    int err;
    Py_BEGIN_ALLOW_THREADS
    err = csk_if_nameindex(&ni);
    Py_END_ALLOW_THREADS
    if (err < 0) {
        return py_raise(err);
    }
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list != NULL && ni[i].if_index != 0; i++) {
        PyObject *item =
            Py_BuildValue("(IO&)", ni[i].if_index, PyUnicode_DecodeFSDefault, ni[i].if_name);
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(item);
    }
    csk_if_freenameindex(ni);
    return list;
}

static CSK_DOC(mod_if_nametoindex,
               CSK_SIG_IF_NAMETOINDEX "The index of the network interface with this name.");

static PyObject *mod_if_nametoindex(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *name;
    int64_t index;
    if (!py_parse_one(args, "O&:if_nametoindex", PyUnicode_FSConverter, &name)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    index = csk_if_nametoindex(PyBytes_AS_STRING(name));
    Py_END_ALLOW_THREADS
    Py_DECREF(name);
    if (index < 0 && CSK_PY_IFNAMETOINDEX_ERRNO) {
        return py_raise((int)index);
    }
    if (index < 0) {
        PyErr_SetString(PyExc_OSError, "no interface with this name"); /* no errno before 3.14 */
        return NULL;
    }
    return PyLong_FromLongLong(index);
}

static CSK_DOC(mod_if_indextoname,
               CSK_SIG_IF_INDEXTONAME "The name of the network interface with this index.");

static PyObject *mod_if_indextoname(PyObject *module, PyObject *arg)
{
    (void)module;
    char name[IF_NAMESIZE + 1];
    int err;
#if CSK_PY_CLINIC_UNSIGNED
    unsigned long long index;
    if (py_to_unsigned(arg, UINT_MAX, "unsigned int", &index) < 0) {
        return NULL;
    }
#else
    if (!PyLong_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "an integer is required");
        return NULL;
    }
    unsigned long index = PyLong_AsUnsignedLong(arg);
    if (index == (unsigned long)-1 && PyErr_Occurred()) {
        return NULL;
    }
#if CSK_PY_IFINDEX_RANGE_CHECK
    if (index > UINT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "index is too large");
        return NULL;
    }
#endif
#endif
    /* Before 3.13 the built-in module cuts a larger index to the C unsigned int the call takes. */
    Py_BEGIN_ALLOW_THREADS
    err = csk_if_indextoname((unsigned)index, name);
    Py_END_ALLOW_THREADS
    return err < 0 ? py_raise(err) : PyUnicode_DecodeFSDefault(name);
}

PyMethodDef py_resolver_functions[] = {
    CSK_METHOD("getaddrinfo", mod_getaddrinfo, METH_VARARGS | METH_KEYWORDS),
    CSK_METHOD("getnameinfo", mod_getnameinfo, METH_VARARGS),
    CSK_METHOD("gethostbyname", mod_gethostbyname, METH_VARARGS),
    CSK_METHOD("gethostbyname_ex", mod_gethostbyname_ex, METH_VARARGS),
    CSK_METHOD("gethostbyaddr", mod_gethostbyaddr, METH_VARARGS),
    CSK_METHOD("gethostname", mod_gethostname, METH_NOARGS),
    CSK_METHOD("sethostname", mod_sethostname, METH_VARARGS),
    CSK_METHOD("getservbyname", mod_getservbyname, METH_VARARGS),
    CSK_METHOD("getservbyport", mod_getservbyport, METH_VARARGS),
    CSK_METHOD("getprotobyname", mod_getprotobyname, METH_VARARGS),
    CSK_METHOD("if_nameindex", mod_if_nameindex, METH_NOARGS),
    CSK_METHOD("if_nametoindex", mod_if_nametoindex, CSK_ONE_ARG),
    CSK_METHOD("if_indextoname", mod_if_indextoname, METH_O),
    {NULL, NULL, 0, NULL},
};
