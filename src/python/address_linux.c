/* Addresses of the Linux-only families between Python and C: AF_PACKET, AF_NETLINK, AF_CAN (raw,
 * BCM, ISO-TP, J1939), AF_ALG, AF_VSOCK, AF_TIPC, AF_QIPCRTR and, with BlueZ headers, AF_BLUETOOTH.
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
    *ifindex = csk_if_index(csk_sock_fd(s), ifname);
    if (*ifindex < 0) {
        return csk_raise_int(*ifindex);
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
    *ifindex = csk_if_index(csk_sock_fd(s), PyBytes_AS_STRING(name));
    return *ifindex < 0 ? csk_raise_int(*ifindex) : 0;
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

/* ---- AF_BLUETOOTH (with BlueZ headers only): the socket's protocol picks the form ---------- */
#ifdef CSK_HAVE_BLUETOOTH_H

static int bt_wrong_format(const char *caller)
{
    /* The built-in module replaces whatever the tuple parser said with this. */
    PyErr_Format(PyExc_OSError, "%s(): wrong format", caller);
    return -1;
}

static int bt_addr(const char *text, bdaddr_t *out)
{
    if (csk_bt_addr_parse(text, out) < 0) {
        PyErr_SetString(PyExc_OSError, "bad bluetooth address");
        return -1;
    }
    return 0;
}

/* L2CAP and RFCOMM: (bdaddr, psm or channel). */
static int bt_pair(PyObject *obj, bdaddr_t *out, int *value, const char *caller)
{
    const char *text;
    if (!PyArg_ParseTuple(obj, "si", &text, value)) {
        return bt_wrong_format(caller);
    }
    return bt_addr(text, out);
}

static int parse_bluetooth(csk_sock *s, PyObject *obj, csk_sockaddr *addr, socklen_t *len,
                           const char *caller)
{
    int value;
    switch (s->sock_proto) {
    case BTPROTO_L2CAP:
        addr->bt_l2.l2_family = AF_BLUETOOTH;
        if (bt_pair(obj, &addr->bt_l2.l2_bdaddr, &value, caller) < 0) {
            return -1;
        }
        addr->bt_l2.l2_psm = (unsigned short)value;
        *len = sizeof addr->bt_l2;
        return 0;
    case BTPROTO_RFCOMM:
        addr->bt_rc.rc_family = AF_BLUETOOTH;
        if (bt_pair(obj, &addr->bt_rc.rc_bdaddr, &value, caller) < 0) {
            return -1;
        }
        addr->bt_rc.rc_channel = (uint8_t)value;
        *len = sizeof addr->bt_rc;
        return 0;
    case BTPROTO_HCI:
        /* (device,).  The built-in module stores an int over the two 16-bit fields dev and
         * channel, so the channel is the int's upper half (HCI_CHANNEL_RAW for real devices). */
        if (!PyArg_ParseTuple(obj, "i", &value)) {
            return bt_wrong_format(caller);
        }
        addr->bt_hci.hci_family = AF_BLUETOOTH;
        addr->bt_hci.hci_dev = (unsigned short)((unsigned)value & 0xffff);
        addr->bt_hci.hci_channel = (unsigned short)((unsigned)value >> 16);
        *len = sizeof addr->bt_hci;
        return 0;
    case BTPROTO_SCO:
        /* A bytes address only (not a tuple, not str). */
        if (!PyBytes_Check(obj)) {
            return bt_wrong_format(caller);
        }
        addr->bt_sco.sco_family = AF_BLUETOOTH;
        if (bt_addr(PyBytes_AS_STRING(obj), &addr->bt_sco.sco_bdaddr) < 0) {
            return -1;
        }
        *len = sizeof addr->bt_sco;
        return 0;
    default:
        PyErr_Format(PyExc_OSError, "%s(): unknown Bluetooth protocol", caller);
        return -1;
    }
}

static PyObject *bt_text(const bdaddr_t *a)
{
    char text[18];
    csk_bt_addr_text(a, text);
    return PyUnicode_FromString(text);
}

static PyObject *build_bluetooth(const csk_sockaddr *addr, socklen_t len, int fd, int proto)
{
    (void)fd;
    csk_sockaddr a;
    csk_addr_copy(&a, sizeof a, addr, len);
    switch (proto) {
    case BTPROTO_L2CAP:
        return Py_BuildValue("(Ni)", bt_text(&a.bt_l2.l2_bdaddr), (int)a.bt_l2.l2_psm);
    case BTPROTO_RFCOMM:
        return Py_BuildValue("(Ni)", bt_text(&a.bt_rc.rc_bdaddr), (int)a.bt_rc.rc_channel);
    case BTPROTO_HCI:
        return PyLong_FromLong(a.bt_hci.hci_dev); /* a bare int, not a tuple */
    case BTPROTO_SCO:
        return bt_text(&a.bt_sco.sco_bdaddr);
    default:
        PyErr_SetString(PyExc_ValueError, "Unknown Bluetooth protocol");
        return NULL;
    }
}

#endif

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
#ifdef CSK_HAVE_BLUETOOTH_H
    {AF_BLUETOOTH, parse_bluetooth, build_bluetooth},
#endif
    {-1, NULL, NULL}, /* keeps the array non-empty where no family is available */
};

const csk_family *csk_linux_family(int family)
{
    for (size_t i = 0; linux_families[i].parse != NULL; i++) {
        if (linux_families[i].family == family) {
            return &linux_families[i];
        }
    }
    return NULL;
}
