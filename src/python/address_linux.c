/* Addresses of the Linux-only families between Python and C: AF_PACKET, AF_NETLINK, AF_CAN (raw,
 * BCM, ISO-TP, J1939), AF_ALG, AF_VSOCK, AF_TIPC, AF_QIPCRTR and AF_BLUETOOTH.
 *
 * Tuples are parsed with PyArg_ParseTuple and the built-in module's formats, so every malformed
 * tuple fails with the exception (and, per CPython version, the message) the built-in gives.
 * Not here: AF_INET/AF_INET6/AF_UNIX and AF_RDS (which uses sockaddr_in), in address.c.
 */
#include "address.h"

/* The built-in module's first check for most families: the address must be a tuple.  Its
 * message names the method (`caller`), or for some families the old "getsockaddrarg:". */
static int need_tuple(PyObject *obj, const char *caller, const char *family)
{
    if (PyTuple_Check(obj)) {
        return 0;
    }
    if (caller != NULL) {
        PyErr_Format(PyExc_TypeError, "%s(): %s address must be tuple, not %.500s", caller, family,
                     Py_TYPE(obj)->tp_name);
    }
    else {
        PyErr_Format(PyExc_TypeError, "getsockaddrarg: %s address must be tuple, not %.500s",
                     family, Py_TYPE(obj)->tp_name);
    }
    return -1;
}

/* ---- AF_PACKET: (ifname, proto[, pkttype[, hatype[, addr]]]) ------------------------------- */
#ifdef CSK_HAVE_AF_PACKET

static int packet_fields(csk_sock *s, const char *ifname, int proto, Py_buffer *haddr, int *ifindex,
                         const char *caller)
{
    *ifindex = csk_if_index(py_sock_fd(s), ifname);
    if (*ifindex < 0) {
        return py_raise_int(*ifindex);
    }
    if (haddr->buf != NULL &&
        haddr->len > (Py_ssize_t)sizeof(((struct sockaddr_ll *)0)->sll_addr)) {
        PyErr_SetString(PyExc_ValueError, "Hardware address must be 8 bytes or less");
        return -1;
    }
    if (proto < 0 || proto > 0xffff) {
        PyErr_Format(PyExc_OverflowError, "%s(): proto must be 0-65535.", caller);
        return -1;
    }
    return 0;
}

static int parse_packet(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                        const char *caller)
{
    const char *ifname;
    int proto, pkttype = PACKET_HOST, hatype = 0, ifindex;
    Py_buffer haddr = {NULL, NULL};
    if (need_tuple(obj, caller, "AF_PACKET") < 0) {
        return -1;
    }
    if (!PyArg_ParseTuple(obj, "si|iiy*;AF_PACKET address must be a tuple of two to five elements",
                          &ifname, &proto, &pkttype, &hatype, &haddr)) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Format(PyExc_OverflowError, "%s(): address argument out of range", caller);
        }
        return -1;
    }
    int r = packet_fields(s, ifname, proto, &haddr, &ifindex, caller);
    if (r == 0) {
        struct sockaddr_ll *ll = &addr->ll;
        ll->sll_family = AF_PACKET;
        ll->sll_protocol = htons((uint16_t)proto);
        ll->sll_ifindex = ifindex;
        ll->sll_pkttype = (unsigned char)pkttype;
        ll->sll_hatype = (unsigned short)hatype;
        if (haddr.buf != NULL) {
            memcpy(ll->sll_addr, haddr.buf, (size_t)haddr.len);
            ll->sll_halen = (unsigned char)haddr.len;
        }
        *len = sizeof *ll;
    }
    if (haddr.buf != NULL) {
        PyBuffer_Release(&haddr);
    }
    return r;
}

static PyObject *build_packet(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)proto;
    struct sockaddr_ll ll;
    char ifname[IF_NAMESIZE] = "";
    const unsigned char *haddr;
    csk_addr_copy(&ll, sizeof ll, addr, len);
    size_t halen = csk_packet_haddr(addr, len, &haddr);
    if (ll.sll_ifindex != 0) {
        (void)csk_if_name(fd, ll.sll_ifindex, ifname); /* a vanished interface reads as "" */
    }
    PyObject *hw = PyBytes_FromStringAndSize((const char *)haddr, (Py_ssize_t)halen);
    return hw == NULL ? NULL
                      : Py_BuildValue("(siiiN)", ifname, (int)ntohs(ll.sll_protocol),
                                      (int)ll.sll_pkttype, (int)ll.sll_hatype, hw);
}

#endif

/* ---- AF_NETLINK: (pid, groups) ------------------------------------------------------------ */
#ifdef CSK_HAVE_AF_NETLINK

static int parse_netlink(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                         const char *caller)
{
    (void)s;
    unsigned pid, groups;
    if (need_tuple(obj, caller, "AF_NETLINK") < 0 ||
        !PyArg_ParseTuple(obj, "II;AF_NETLINK address must be a pair (pid, groups)", &pid,
                          &groups)) {
        return -1;
    }
    addr->nl.nl_family = AF_NETLINK;
    addr->nl.nl_pid = pid;
    addr->nl.nl_groups = groups;
    *len = sizeof addr->nl;
    return 0;
}

static PyObject *build_netlink(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    (void)proto;
    struct sockaddr_nl nl;
    csk_addr_copy(&nl, sizeof nl, addr, len);
    return Py_BuildValue("(II)", nl.nl_pid, nl.nl_groups);
}

#endif

/* ---- AF_CAN: (ifname,) for raw and BCM, (ifname, rx, tx) for ISO-TP, (ifname, name, pgn,
 * addr) for J1939; the socket's protocol says which ------------------------------------------ */
#ifdef CSK_HAVE_AF_CAN

/* The interface index of an encoded name ("" means any interface, 0). */
static int can_ifindex(csk_sock *s, PyObject *name, int *ifindex)
{
    Py_ssize_t n = PyBytes_GET_SIZE(name);
    if (n == 0) {
        *ifindex = 0;
        return 0;
    }
    if ((size_t)n >= IF_NAMESIZE) {
        PyErr_SetString(PyExc_OSError, "AF_CAN interface name too long");
        return -1;
    }
    *ifindex = csk_if_index(py_sock_fd(s), PyBytes_AS_STRING(name));
    return *ifindex < 0 ? py_raise_int(*ifindex) : 0;
}

/* Parse the tuple for the socket's CAN protocol; `name` receives the encoded interface name. */
static int can_tuple(csk_sock *s, PyObject *obj, PyObject **name, struct sockaddr_can *can,
                     const char *caller)
{
    switch (s->sock_proto) {
    case CAN_RAW:
    case CAN_BCM:
        if (need_tuple(obj, caller, "AF_CAN") < 0) {
            return -1;
        }
        return PyArg_ParseTuple(obj, "O&;AF_CAN address must be a tuple (interface, )",
                                PyUnicode_FSConverter, name)
                   ? 0
                   : -1;
#ifdef CSK_HAVE_CAN_ISOTP
    case CAN_ISOTP: {
        unsigned long rx, tx;
        if (!PyArg_ParseTuple(obj, "O&kk", PyUnicode_FSConverter, name, &rx, &tx)) {
            return -1;
        }
        can->can_addr.tp.rx_id = (canid_t)rx;
        can->can_addr.tp.tx_id = (canid_t)tx;
        return 0;
    }
#endif
#ifdef CSK_HAVE_CAN_J1939
    case CAN_J1939: {
        unsigned long long j_name;
        unsigned pgn;
        unsigned char j_addr;
        if (!PyArg_ParseTuple(obj, "O&KIB", PyUnicode_FSConverter, name, &j_name, &pgn, &j_addr)) {
            return -1;
        }
        can->can_addr.j1939.name = (uint64_t)j_name;
        can->can_addr.j1939.pgn = (uint32_t)pgn;
        can->can_addr.j1939.addr = j_addr;
        return 0;
    }
#endif
    default:
        PyErr_Format(PyExc_OSError, "%s(): unsupported CAN protocol", caller);
        return -1;
    }
}

static int parse_can(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                     const char *caller)
{
    PyObject *name = NULL;
    int ifindex;
    if (can_tuple(s, obj, &name, &addr->can, caller) < 0) {
        return -1;
    }
    int r = can_ifindex(s, name, &ifindex);
    Py_DECREF(name);
    if (r < 0) {
        return -1;
    }
    addr->can.can_family = AF_CAN;
    addr->can.can_ifindex = ifindex;
    *len = sizeof addr->can;
    return 0;
}

static PyObject *build_can(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    struct sockaddr_can can;
    char ifname[IF_NAMESIZE] = "";
    csk_addr_copy(&can, sizeof can, addr, len);
    if (can.can_ifindex != 0) {
        (void)csk_if_name(fd, can.can_ifindex, ifname);
    }
    PyObject *name = PyUnicode_DecodeFSDefault(ifname);
    if (name == NULL) {
        return NULL;
    }
    switch (proto) {
#ifdef CSK_HAVE_CAN_ISOTP
    case CAN_ISOTP:
        return Py_BuildValue("(Nkk)", name, (unsigned long)can.can_addr.tp.rx_id,
                             (unsigned long)can.can_addr.tp.tx_id);
#endif
#ifdef CSK_HAVE_CAN_J1939
    case CAN_J1939:
        return Py_BuildValue("(NKII)", name, (unsigned long long)can.can_addr.j1939.name,
                             (unsigned)can.can_addr.j1939.pgn, (unsigned)can.can_addr.j1939.addr);
#endif
    default:
        return Py_BuildValue("(N)", name);
    }
}

#endif

/* ---- AF_ALG: (type, name[, feat[, mask]]) ------------------------------------------------- */
#ifdef CSK_HAVE_AF_ALG

static int parse_alg(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                     const char *caller)
{
    (void)s;
    const char *type, *name;
    unsigned short feat = 0, mask = 0;
    struct sockaddr_alg *alg = &addr->alg;
    if (need_tuple(obj, caller, "AF_ALG") < 0 ||
        !PyArg_ParseTuple(obj, "ss|HH;AF_ALG address must be a tuple (type, name[, feat[, mask]])",
                          &type, &name, &feat, &mask)) {
        return -1;
    }
    /* Both strings travel NUL-terminated in fixed arrays. */
    if (strlen(type) >= sizeof alg->salg_type) {
        PyErr_SetString(PyExc_ValueError, "AF_ALG type too long.");
        return -1;
    }
    if (strlen(name) >= sizeof alg->salg_name) {
        PyErr_SetString(PyExc_ValueError, "AF_ALG name too long.");
        return -1;
    }
    alg->salg_family = AF_ALG;
    memcpy(alg->salg_type, type, strlen(type) + 1);
    memcpy(alg->salg_name, name, strlen(name) + 1);
    alg->salg_feat = feat;
    alg->salg_mask = mask;
    *len = sizeof *alg;
    return 0;
}

static PyObject *build_alg(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    (void)proto;
    struct sockaddr_alg alg;
    size_t type_len, name_len;
    csk_addr_copy(&alg, sizeof alg, addr, len);
    csk_alg_names(addr, len, &type_len, &name_len);
    PyObject *type = PyUnicode_FromStringAndSize((const char *)alg.salg_type, (Py_ssize_t)type_len);
    PyObject *name =
        type ? PyUnicode_FromStringAndSize((const char *)alg.salg_name, (Py_ssize_t)name_len)
             : NULL;
    if (name == NULL) {
        Py_XDECREF(type);
        return NULL;
    }
    return Py_BuildValue("(NNII)", type, name, alg.salg_feat, alg.salg_mask);
}

#endif

/* ---- AF_VSOCK: (cid, port) and AF_QIPCRTR: (node, port) ------------------------------------ */
#ifdef CSK_HAVE_AF_VSOCK

static int parse_vsock(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                       const char *caller)
{
    (void)caller;
    unsigned cid, port;
    if (need_tuple(obj, NULL, "AF_VSOCK") < 0 ||
        !PyArg_ParseTuple(obj, "II:getsockaddrarg", &cid, &port)) {
        return -1;
    }
    addr->vm.svm_family = (sa_family_t)s->sock_family;
    addr->vm.svm_cid = cid;
    addr->vm.svm_port = port;
    *len = sizeof addr->vm;
    return 0;
}

static PyObject *build_vsock(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    (void)proto;
    struct sockaddr_vm vm;
    csk_addr_copy(&vm, sizeof vm, addr, len);
    return Py_BuildValue("(II)", vm.svm_cid, vm.svm_port);
}

#endif

#ifdef CSK_HAVE_AF_QIPCRTR

static int parse_qipcrtr(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                         const char *caller)
{
    (void)s;
    (void)caller;
    unsigned node, port;
    if (need_tuple(obj, NULL, "AF_QIPCRTR") < 0 ||
        !PyArg_ParseTuple(obj, "II:getsockaddrarg", &node, &port)) {
        return -1;
    }
    addr->qrtr.sq_family = AF_QIPCRTR;
    addr->qrtr.sq_node = node;
    addr->qrtr.sq_port = port;
    *len = sizeof addr->qrtr;
    return 0;
}

static PyObject *build_qipcrtr(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    (void)proto;
    struct sockaddr_qrtr q;
    csk_addr_copy(&q, sizeof q, addr, len);
    return Py_BuildValue("(II)", q.sq_node, q.sq_port);
}

#endif

/* ---- AF_TIPC: (addr_type, v1, v2, v3[, scope]) -------------------------------------------- */
#ifdef CSK_HAVE_AF_TIPC

static int parse_tipc(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                      const char *caller)
{
    (void)s;
    unsigned v[5] = {0, 0, 0, 0, TIPC_CLUSTER_SCOPE};
    if (need_tuple(obj, caller, "AF_TIPC") < 0 ||
        !PyArg_ParseTuple(obj,
                          "IIII|I;AF_TIPC address must be a tuple "
                          "(addr_type, v1, v2, v3[, scope])",
                          &v[0], &v[1], &v[2], &v[3], &v[4])) {
        return -1;
    }
    int n = csk_tipc_address(&addr->tipc, v);
    if (n < 0) {
        PyErr_SetString(PyExc_TypeError, "Invalid address type");
        return -1;
    }
    *len = (socklen_t)n;
    return 0;
}

static PyObject *build_tipc(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    (void)proto;
    unsigned v[5];
    if (csk_tipc_fields(addr, len, v) < 0) {
        PyErr_SetString(PyExc_ValueError, "Invalid address type");
        return NULL;
    }
    return Py_BuildValue("(IIIII)", v[0], v[1], v[2], v[3], v[4]);
}

#endif

/* ---- AF_BLUETOOTH: the socket's protocol picks the form ------------------------------------
 *
 * CPython 3.14 reworked these forms (gh-132099 and the issues around it); each version's forms are
 * kept whole below, one definition per version:
 *   RFCOMM  (bdaddr, channel): the channel an int before 3.14, an unchecked unsigned byte since.
 *   L2CAP   (bdaddr, psm) before 3.14; (bdaddr, psm[, cid[, bdaddr_type]]) since, with getsockname
 *           giving the cid when it is set and all four for an LE address.
 *   HCI     (dev,) before 3.14 (a C int stored over dev and channel); dev or (dev[, channel])
 *           since, with getsockname giving (dev, channel) for a channel other than HCI_CHANNEL_RAW.
 *   SCO     a bytes address before 3.14; bytes or str since (NULs refused).
 * Every malformed address fails as the built-in module fails: it replaces the tuple parser's error
 * with OSError "<method>(): wrong format", except where noted (CSK_PY_BT_FORMS_314: compat.h). */
#ifdef CSK_HAVE_AF_BLUETOOTH

static int bt_wrong_format(const char *caller)
{
    PyErr_Format(PyExc_OSError, "%s(): wrong format", caller);
    return -1;
}

static int bt_text_addr(const char *text, csk_bt_fields *f)
{
    if (csk_bt_addr_parse(text, &f->bdaddr) < 0) {
        PyErr_SetString(PyExc_OSError, "bad bluetooth address");
        return -1;
    }
    return 0;
}

#if CSK_PY_BT_FORMS_314

static int bt_parse_rfcomm(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    const char *text;
    unsigned char channel;
    if (!PyArg_ParseTuple(obj, "sB", &text, &channel)) {
        return bt_wrong_format(caller);
    }
    f->port = channel;
    return bt_text_addr(text, f);
}

static int bt_parse_l2cap(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    const char *text;
    unsigned short psm, cid = 0;
    unsigned char type = BDADDR_BREDR;
    if (!PyArg_ParseTuple(obj, "sH|HB", &text, &psm, &cid, &type)) {
        return bt_wrong_format(caller);
    }
    f->port = psm;
    f->cid = cid;
    f->bdaddr_type = type;
    return bt_text_addr(text, f);
}

static int bt_parse_hci(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    unsigned short dev, channel = HCI_CHANNEL_RAW;
    if (PyIndex_Check(obj)) {
        /* A bare device number: the converter's own error stands (OverflowError, TypeError). */
        if (!PyArg_Parse(obj, "H", &dev)) {
            return -1;
        }
    }
    else if (!PyArg_ParseTuple(obj, "H|H", &dev, &channel)) {
        return bt_wrong_format(caller);
    }
    f->dev = dev;
    f->channel = channel;
    return 0;
}

static int bt_parse_sco(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    const char *text;
    /* "y" and "s" refuse embedded NULs (ValueError) and, for str, lone surrogates. */
    if (PyBytes_Check(obj)) {
        if (!PyArg_Parse(obj, "y", &text)) {
            return -1;
        }
    }
    else if (PyUnicode_Check(obj)) {
        if (!PyArg_Parse(obj, "s", &text)) {
            return -1;
        }
    }
    else {
        return bt_wrong_format(caller);
    }
    return bt_text_addr(text, f);
}

#else /* before 3.14 */

static int bt_parse_rfcomm(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    const char *text;
    int channel;
    if (!PyArg_ParseTuple(obj, "si", &text, &channel)) {
        return bt_wrong_format(caller);
    }
    f->port = (unsigned)channel; /* the kernel's byte keeps the low 8 bits */
    return bt_text_addr(text, f);
}

static int bt_parse_l2cap(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    const char *text;
    int psm;
    if (!PyArg_ParseTuple(obj, "si", &text, &psm)) {
        return bt_wrong_format(caller);
    }
    f->port = (unsigned)psm; /* the low 16 bits */
    f->bdaddr_type = BDADDR_BREDR;
    return bt_text_addr(text, f);
}

static int bt_parse_hci(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    int value;
    if (!PyArg_ParseTuple(obj, "i", &value)) {
        return bt_wrong_format(caller);
    }
    /* These versions store the C int over the two 16-bit fields dev and channel, so on the
     * little-endian machines they run on the channel is the int's upper half. */
    f->dev = (unsigned)value & 0xffffu;
    f->channel = (unsigned)value >> 16;
    return 0;
}

static int bt_parse_sco(PyObject *obj, csk_bt_fields *f, const char *caller)
{
    /* Bytes only; the text ends at its first NUL. */
    if (!PyBytes_Check(obj)) {
        return bt_wrong_format(caller);
    }
    return bt_text_addr(PyBytes_AS_STRING(obj), f);
}

#endif /* CSK_PY_BT_FORMS_314 */

static int parse_bluetooth(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                           const char *caller)
{
    csk_bt_fields f;
    int r;
    memset(&f, 0, sizeof f);
    switch (s->sock_proto) {
    case BTPROTO_RFCOMM:
        r = bt_parse_rfcomm(obj, &f, caller);
        break;
    case BTPROTO_L2CAP:
        r = bt_parse_l2cap(obj, &f, caller);
        break;
    case BTPROTO_HCI:
        r = bt_parse_hci(obj, &f, caller);
        break;
    case BTPROTO_SCO:
        r = bt_parse_sco(obj, &f, caller);
        break;
    default:
        PyErr_Format(PyExc_OSError, "%s(): unknown Bluetooth protocol", caller);
        return -1;
    }
    if (r < 0) {
        return -1;
    }
    *len = (socklen_t)csk_bt_address(addr, s->sock_proto, &f);
    return 0;
}

static PyObject *bt_text(const csk_bdaddr *a)
{
    char text[18];
    csk_bt_addr_text(a, text);
    return PyUnicode_FromString(text);
}

/* L2CAP's and HCI's results: the short forms unless the extra fields say otherwise (3.14). */
#if CSK_PY_BT_FORMS_314
static PyObject *bt_build_l2cap(const csk_bt_fields *f)
{
    if (f->bdaddr_type != BDADDR_BREDR) {
        return Py_BuildValue("(NiiB)", bt_text(&f->bdaddr), (int)f->port, (int)f->cid,
                             (unsigned char)f->bdaddr_type);
    }
    if (f->cid != 0) {
        return Py_BuildValue("(Nii)", bt_text(&f->bdaddr), (int)f->port, (int)f->cid);
    }
    return Py_BuildValue("(Ni)", bt_text(&f->bdaddr), (int)f->port);
}

static PyObject *bt_build_hci(const csk_bt_fields *f)
{
    if (f->channel == HCI_CHANNEL_RAW) {
        return PyLong_FromLong((long)f->dev);
    }
    return Py_BuildValue("(ii)", (int)f->dev, (int)f->channel);
}
#else
static PyObject *bt_build_l2cap(const csk_bt_fields *f)
{
    return Py_BuildValue("(Ni)", bt_text(&f->bdaddr), (int)f->port);
}

static PyObject *bt_build_hci(const csk_bt_fields *f)
{
    return PyLong_FromLong((long)f->dev); /* a bare int, not a tuple */
}
#endif

static PyObject *build_bluetooth(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    csk_bt_fields f;
    if (csk_bt_fields_of(addr, len, proto, &f) < 0) {
        /* The built-in module refuses before asking the kernel (its getsockaddrlen); csocket
         * asks first and refuses the answer, with the same error. */
        PyErr_SetString(PyExc_OSError, "getsockaddrlen: unknown BT protocol");
        return NULL;
    }
    switch (proto) {
    case BTPROTO_RFCOMM:
        return Py_BuildValue("(Ni)", bt_text(&f.bdaddr), (int)f.port);
    case BTPROTO_L2CAP:
        return bt_build_l2cap(&f);
    case BTPROTO_HCI:
        return bt_build_hci(&f);
    default: /* BTPROTO_SCO */
        return bt_text(&f.bdaddr);
    }
}

#endif /* CSK_HAVE_AF_BLUETOOTH */

/* ---- the table -------------------------------------------------------------------------- */

static const csk_family linux_families[] = {
#ifdef CSK_HAVE_AF_PACKET
    {AF_PACKET, parse_packet, build_packet},
#endif
#ifdef CSK_HAVE_AF_NETLINK
    {AF_NETLINK, parse_netlink, build_netlink},
#endif
#ifdef CSK_HAVE_AF_CAN
    {AF_CAN, parse_can, build_can},
#endif
#ifdef CSK_HAVE_AF_ALG
    {AF_ALG, parse_alg, build_alg},
#endif
#ifdef CSK_HAVE_AF_VSOCK
    {AF_VSOCK, parse_vsock, build_vsock},
#endif
#ifdef CSK_HAVE_AF_QIPCRTR
    {AF_QIPCRTR, parse_qipcrtr, build_qipcrtr},
#endif
#ifdef CSK_HAVE_AF_TIPC
    {AF_TIPC, parse_tipc, build_tipc},
#endif
#ifdef CSK_HAVE_AF_BLUETOOTH
    {AF_BLUETOOTH, parse_bluetooth, build_bluetooth},
#endif
    {-1, NULL, NULL}, /* keeps the array non-empty where no family is available */
};

const csk_family *py_linux_family(int family)
{
    for (size_t i = 0; linux_families[i].parse != NULL; i++) {
        if (linux_families[i].family == family) {
            return &linux_families[i];
        }
    }
    return NULL;
}
