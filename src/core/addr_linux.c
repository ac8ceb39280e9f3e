/* Linux address families in plain C: interface names and indexes (AF_PACKET, AF_CAN), reading
 * the addresses the kernel returns for AF_PACKET, AF_TIPC and AF_ALG, whose lengths are
 * untrusted (nothing here reads past the length the kernel reported), and AF_BLUETOOTH addresses
 * both ways.
 *
 * Not here: Python tuples (src/python/address_linux.c), AF_INET/AF_UNIX (addr.c).
 */
#include "platform.h"
#include "csk.h"

#include <endian.h> /* htole16, le16toh: L2CAP's little-endian fields */
#include <stdio.h>

void csk_addr_copy(void *dst, size_t size, const csk_sockaddr *addr, socklen_t len)
{
    size_t n = (size_t)len;
    if (n > sizeof *addr) {
        n = sizeof *addr; /* the kernel reports the full length even when it truncated */
    }
    if (n > size) {
        n = size;
    }
    memcpy(dst, addr, n);
    memset((char *)dst + n, 0, size - n);
}

#if defined(CSK_HAVE_AF_PACKET) || defined(CSK_HAVE_AF_CAN)

int csk_if_index(int fd, const char *name)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    /* Longer names are cut to what the kernel would read anyway (and then not found). */
    strncpy(ifr.ifr_name, name, sizeof ifr.ifr_name - 1);
    /* Asked through the socket itself, so its own network namespace answers. */
    if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
        return -errno;
    }
    return ifr.ifr_ifindex;
}

int csk_if_name(int fd, int index, char *out)
{
    out[0] = '\0';
    if (fd < 0) {
        return if_indextoname((unsigned)index, out) != NULL ? 0 : -errno;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_ifindex = index;
    if (ioctl(fd, SIOCGIFNAME, &ifr) < 0) {
        return -errno;
    }
    memcpy(out, ifr.ifr_name, IF_NAMESIZE);
    out[IF_NAMESIZE - 1] = '\0';
    return 0;
}

#endif

#ifdef CSK_HAVE_AF_PACKET

size_t csk_packet_haddr(const csk_sockaddr *addr, socklen_t len, const unsigned char **bytes)
{
    const size_t start = offsetof(struct sockaddr_ll, sll_addr);
    *bytes = addr->ll.sll_addr;
    if ((size_t)len <= offsetof(struct sockaddr_ll, sll_halen)) {
        return 0; /* not even the length byte arrived */
    }
    size_t n = addr->ll.sll_halen;
    /* Devices with long hardware addresses (InfiniBand: 20 bytes) overrun sll_addr[8]: the kernel
     * then reports a longer address, which fits csk_sockaddr. */
    size_t avail = (size_t)len < sizeof *addr ? (size_t)len : sizeof *addr;
    if (n > avail - start) {
        n = avail > start ? avail - start : 0;
    }
    return n;
}

#endif

#ifdef CSK_HAVE_AF_TIPC

int csk_tipc_fields(const csk_sockaddr *addr, socklen_t len, unsigned out[5])
{
    struct sockaddr_tipc t;
    csk_addr_copy(&t, sizeof t, addr, len);
    out[0] = t.addrtype;
    out[4] = (unsigned)(int)t.scope; /* a signed char in the kernel's struct */
    switch (t.addrtype) {
    case TIPC_ADDR_NAMESEQ:
        out[1] = t.addr.nameseq.type;
        out[2] = t.addr.nameseq.lower;
        out[3] = t.addr.nameseq.upper;
        return 0;
    case TIPC_ADDR_NAME:
        /* A single name reads as the range [instance, instance]. */
        out[1] = t.addr.name.name.type;
        out[2] = t.addr.name.name.instance;
        out[3] = t.addr.name.name.instance;
        return 0;
    case TIPC_ADDR_ID:
        out[1] = t.addr.id.node;
        out[2] = t.addr.id.ref;
        out[3] = 0;
        return 0;
    default:
        return -EINVAL;
    }
}

int csk_tipc_address(struct sockaddr_tipc *t, const unsigned v[5])
{
    memset(t, 0, sizeof *t);
    t->family = AF_TIPC;
    t->addrtype = (unsigned char)v[0];
    t->scope = (signed char)v[4];
    switch (v[0]) {
    case TIPC_ADDR_NAMESEQ:
        t->addr.nameseq.type = v[1];
        t->addr.nameseq.lower = v[2];
        t->addr.nameseq.upper = v[3];
        break;
    case TIPC_ADDR_NAME:
        t->addr.name.name.type = v[1];
        t->addr.name.name.instance = v[2];
        break;
    case TIPC_ADDR_ID:
        t->addr.id.node = v[1];
        t->addr.id.ref = v[2];
        break;
    default:
        return -EINVAL;
    }
    return (int)sizeof *t;
}

#endif

#ifdef CSK_HAVE_AF_ALG

void csk_alg_names(const csk_sockaddr *addr, socklen_t len, size_t *type_len, size_t *name_len)
{
    const struct sockaddr_alg *a = &addr->alg;
    size_t avail = (size_t)len < sizeof *addr ? (size_t)len : sizeof *addr;
    size_t type_start = offsetof(struct sockaddr_alg, salg_type);
    size_t name_start = offsetof(struct sockaddr_alg, salg_name);
    size_t type_cap = avail > type_start ? avail - type_start : 0;
    size_t name_cap = avail > name_start ? avail - name_start : 0;
    if (type_cap > sizeof a->salg_type) {
        type_cap = sizeof a->salg_type;
    }
    if (name_cap > sizeof a->salg_name) {
        name_cap = sizeof a->salg_name;
    }
    /* Both are NUL-terminated when shorter than their arrays; a full array has no terminator. */
    *type_len = strnlen((const char *)a->salg_type, type_cap);
    *name_len = strnlen((const char *)a->salg_name, name_cap);
}

#endif

#ifdef CSK_HAVE_AF_BLUETOOTH

int csk_bt_addr_parse(const char *text, csk_bdaddr *out)
{
    unsigned b[6];
    char extra;
    /* Exactly six hex fields and nothing after them; each must fit a byte. */
    if (sscanf(text, "%X:%X:%X:%X:%X:%X%c", &b[5], &b[4], &b[3], &b[2], &b[1], &b[0], &extra) !=
            6 ||
        (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) > 0xff) {
        return -EINVAL;
    }
    for (int i = 0; i < 6; i++) {
        out->b[i] = (uint8_t)b[i];
    }
    return 0;
}

void csk_bt_addr_text(const csk_bdaddr *addr, char *out)
{
    /* The bytes are stored least significant first and written most significant first. */
    snprintf(out, 18, "%02X:%02X:%02X:%02X:%02X:%02X", addr->b[5], addr->b[4], addr->b[3],
             addr->b[2], addr->b[1], addr->b[0]);
}

int csk_bt_addr_len(int proto)
{
    switch (proto) {
    case BTPROTO_RFCOMM:
        return (int)sizeof(struct csk_sockaddr_rc);
    case BTPROTO_L2CAP:
        return (int)sizeof(struct csk_sockaddr_l2);
    case BTPROTO_HCI:
        return (int)sizeof(struct csk_sockaddr_hci);
    case BTPROTO_SCO:
        return (int)sizeof(struct csk_sockaddr_sco);
    default:
        return -EPROTONOSUPPORT;
    }
}

int csk_bt_address(csk_sockaddr *addr, int proto, const csk_bt_fields *f)
{
    memset(addr, 0, sizeof *addr);
    switch (proto) {
    case BTPROTO_RFCOMM:
        addr->bt_rc.rc_family = AF_BLUETOOTH;
        addr->bt_rc.rc_bdaddr = f->bdaddr;
        addr->bt_rc.rc_channel = (uint8_t)f->port;
        break;
    case BTPROTO_L2CAP:
        /* PSM and cid travel little-endian (the kernel's __le16), whatever the host's order. */
        addr->bt_l2.l2_family = AF_BLUETOOTH;
        addr->bt_l2.l2_psm = htole16((uint16_t)f->port);
        addr->bt_l2.l2_bdaddr = f->bdaddr;
        addr->bt_l2.l2_cid = htole16((uint16_t)f->cid);
        addr->bt_l2.l2_bdaddr_type = (uint8_t)f->bdaddr_type;
        break;
    case BTPROTO_HCI:
        addr->bt_hci.hci_family = AF_BLUETOOTH;
        addr->bt_hci.hci_dev = (unsigned short)f->dev;
        addr->bt_hci.hci_channel = (unsigned short)f->channel;
        break;
    case BTPROTO_SCO:
        addr->bt_sco.sco_family = AF_BLUETOOTH;
        addr->bt_sco.sco_bdaddr = f->bdaddr;
        break;
    default:
        return -EPROTONOSUPPORT;
    }
    return csk_bt_addr_len(proto);
}

int csk_bt_fields_of(const csk_sockaddr *addr, socklen_t len, int proto, csk_bt_fields *f)
{
    csk_sockaddr a;
    csk_addr_copy(&a, sizeof a, addr, len); /* a short address reads as zeros past its end */
    memset(f, 0, sizeof *f);
    switch (proto) {
    case BTPROTO_RFCOMM:
        f->bdaddr = a.bt_rc.rc_bdaddr;
        f->port = a.bt_rc.rc_channel;
        return 0;
    case BTPROTO_L2CAP:
        f->bdaddr = a.bt_l2.l2_bdaddr;
        f->port = le16toh(a.bt_l2.l2_psm);
        f->cid = le16toh(a.bt_l2.l2_cid);
        f->bdaddr_type = a.bt_l2.l2_bdaddr_type;
        return 0;
    case BTPROTO_HCI:
        f->dev = a.bt_hci.hci_dev;
        f->channel = a.bt_hci.hci_channel;
        return 0;
    case BTPROTO_SCO:
        f->bdaddr = a.bt_sco.sco_bdaddr;
        return 0;
    default:
        return -EPROTONOSUPPORT;
    }
}

#endif
