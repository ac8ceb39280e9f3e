/* The one place where operating systems differ, for the pure-C core.
 *
 * Every core .c file includes this first.  Function bodies elsewhere read as plain POSIX; a feature
 * a platform may lack is named here once (CSK_HAVE_*) so its code is guarded in one spot.
 * Not here: Python (the core never includes Python.h) and socket-level logic.
 */
#ifndef CSK_PLATFORM_H
#define CSK_PLATFORM_H

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1 /* accept4, SOCK_CLOEXEC, struct ucred, MSG_* extensions */
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <unistd.h>

/* Atomically close-on-exec / non-blocking sockets at creation (PEP 446: new fds are
 * non-inheritable).  Linux and the BSDs have these; others fall back to fcntl after creation. */
#if defined(SOCK_CLOEXEC)
#define CSK_HAVE_SOCK_CLOEXEC 1
#endif
#if defined(SOCK_NONBLOCK)
#define CSK_HAVE_SOCK_NONBLOCK 1
#define CSK_SOCK_NONBLOCK_FLAG SOCK_NONBLOCK
#else
#define CSK_SOCK_NONBLOCK_FLAG 0
#endif
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
#define CSK_HAVE_ACCEPT4 1
#endif
#if defined(F_DUPFD_CLOEXEC)
#define CSK_HAVE_F_DUPFD_CLOEXEC 1
#endif

/* Linux lets AF_UNIX addresses start with a NUL byte: the abstract namespace. */
#if defined(__linux__)
#define CSK_HAVE_UNIX_ABSTRACT 1
#endif

/* The flags that socket(2) accepts in its type argument but which are not part of the type. */
#if defined(CSK_HAVE_SOCK_NONBLOCK) && defined(CSK_HAVE_SOCK_CLOEXEC)
#define CSK_SOCK_TYPE_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)
#elif defined(CSK_HAVE_SOCK_CLOEXEC)
#define CSK_SOCK_TYPE_FLAGS SOCK_CLOEXEC
#else
#define CSK_SOCK_TYPE_FLAGS 0
#endif

/* The reentrant netdb lookups with glibc's signatures (gethostbyname_r, getservbyname_r, ...):
 * glibc, musl and FreeBSD have them.  Elsewhere resolve.c serialises the classic calls instead. */
#if defined(__linux__) || defined(__GLIBC__) || defined(__FreeBSD__)
#define CSK_HAVE_NETDB_R 1
#endif

/* EAGAIN and EWOULDBLOCK are one value on Linux but may differ elsewhere. */
#define CSK_WOULD_BLOCK(err) ((err) == EAGAIN || (err) == EWOULDBLOCK)

/* ---- Linux address families' headers (each optional) -------------------------------------- */
#if defined(__linux__)
#include <net/ethernet.h>
#include <netinet/udp.h>
#include <netpacket/packet.h>
#if __has_include(<linux/netlink.h>)
#include <linux/netlink.h>
#define CSK_HAVE_LINUX_NETLINK_H 1
#endif
#if __has_include(<linux/tipc.h>)
#include <linux/tipc.h>
#define CSK_HAVE_LINUX_TIPC_H 1
#endif
#if __has_include(<linux/can.h>)
#include <linux/can.h>
#define CSK_HAVE_LINUX_CAN_H 1
#endif
#if __has_include(<linux/can/raw.h>)
#include <linux/can/raw.h>
#define CSK_HAVE_LINUX_CAN_RAW_H 1
#endif
#if __has_include(<linux/can/bcm.h>)
#include <linux/can/bcm.h>
#define CSK_HAVE_LINUX_CAN_BCM_H 1
#endif
#if __has_include(<linux/can/j1939.h>)
#include <linux/can/j1939.h>
#define CSK_HAVE_LINUX_CAN_J1939_H 1
#endif
#if __has_include(<linux/can/isotp.h>)
#include <linux/can/isotp.h> /* ISO-TP's options (the constants table only) */
#define CSK_HAVE_LINUX_CAN_ISOTP_H 1
#endif
#if __has_include(<linux/netfilter_ipv4.h>)
#include <linux/netfilter_ipv4.h> /* SO_ORIGINAL_DST (the constants table only) */
#define CSK_HAVE_LINUX_NETFILTER_IPV4_H 1
#endif
#if __has_include(<linux/vm_sockets.h>)
#include <linux/vm_sockets.h>
#define CSK_HAVE_LINUX_VM_SOCKETS_H 1
#endif
#if __has_include(<linux/if_alg.h>)
#include <linux/if_alg.h>
#define CSK_HAVE_LINUX_IF_ALG_H 1
#endif
#if defined(CSK_HAVE_LINUX_IF_ALG_H) && defined(AF_ALG) && defined(SOL_ALG)
#define CSK_HAVE_AF_ALG 1 /* sendmsg_afalg: kernel crypto sockets */
#endif
#if __has_include(<linux/qrtr.h>)
#include <linux/qrtr.h>
#define CSK_HAVE_LINUX_QRTR_H 1
#endif
#if __has_include(<linux/rds.h>)
#include <linux/rds.h>
#define CSK_HAVE_LINUX_RDS_H 1
#endif
#endif /* __linux__ */

/* The Linux families csocket converts to and from Python (src/core/addr_linux.c and
 * src/python/address_linux.c); each is on when its header and its kernel ABI pieces exist. */
#if defined(__linux__) && defined(SIOCGIFINDEX) && defined(SIOCGIFNAME)
#define CSK_HAVE_AF_PACKET 1
#endif
#if defined(CSK_HAVE_LINUX_CAN_H) && defined(AF_CAN) && defined(SIOCGIFINDEX)
#define CSK_HAVE_AF_CAN 1
#if defined(CAN_ISOTP)
#define CSK_HAVE_CAN_ISOTP 1
#endif
#if defined(CAN_J1939)
#define CSK_HAVE_CAN_J1939 1
#endif
#endif
#if defined(CSK_HAVE_LINUX_NETLINK_H) && defined(AF_NETLINK)
#define CSK_HAVE_AF_NETLINK 1
#endif
#if defined(CSK_HAVE_LINUX_TIPC_H) && defined(AF_TIPC)
#define CSK_HAVE_AF_TIPC 1
#endif
#if defined(CSK_HAVE_LINUX_VM_SOCKETS_H) && defined(AF_VSOCK)
#define CSK_HAVE_AF_VSOCK 1
#endif
#if defined(CSK_HAVE_LINUX_IF_ALG_H) && defined(AF_ALG)
#define CSK_HAVE_AF_ALG 1
#endif
#if defined(CSK_HAVE_LINUX_QRTR_H) && defined(AF_QIPCRTR)
#define CSK_HAVE_AF_QIPCRTR 1
#endif
#if defined(__linux__) && defined(AF_RDS)
#define CSK_HAVE_AF_RDS 1 /* RDS addresses are struct sockaddr_in */
#endif
/* Bluetooth: on wherever csocket is built for Linux, from the kernel ABI in bt_linux.h (which
 * says why csocket carries it rather than depending on BlueZ's development headers). */
#if defined(__linux__)
#include "bt_linux.h"
#define CSK_HAVE_AF_BLUETOOTH 1
#endif

/* ---- constants that headers declare as enum members ---------------------------------------- */
/* A same-named macro lets the constants table test each with #ifdef like any other symbol. */
#if defined(__GLIBC__) && !defined(IPPORT_USERRESERVED)
#define IPPORT_USERRESERVED IPPORT_USERRESERVED
#endif
#ifdef CSK_HAVE_LINUX_CAN_RAW_H
#define CAN_RAW_FILTER CAN_RAW_FILTER
#define CAN_RAW_ERR_FILTER CAN_RAW_ERR_FILTER
#define CAN_RAW_LOOPBACK CAN_RAW_LOOPBACK
#define CAN_RAW_RECV_OWN_MSGS CAN_RAW_RECV_OWN_MSGS
#define CAN_RAW_FD_FRAMES CAN_RAW_FD_FRAMES
#define CAN_RAW_JOIN_FILTERS CAN_RAW_JOIN_FILTERS
#endif
#ifdef CSK_HAVE_LINUX_CAN_J1939_H
#define J1939_NLA_PAD J1939_NLA_PAD
#define J1939_NLA_BYTES_ACKED J1939_NLA_BYTES_ACKED
#define J1939_EE_INFO_NONE J1939_EE_INFO_NONE
#define J1939_EE_INFO_TX_ABORT J1939_EE_INFO_TX_ABORT
#define SO_J1939_FILTER SO_J1939_FILTER
#define SO_J1939_PROMISC SO_J1939_PROMISC
#define SO_J1939_SEND_PRIO SO_J1939_SEND_PRIO
#define SO_J1939_ERRQUEUE SO_J1939_ERRQUEUE
#define SCM_J1939_DEST_ADDR SCM_J1939_DEST_ADDR
#define SCM_J1939_DEST_NAME SCM_J1939_DEST_NAME
#define SCM_J1939_PRIO SCM_J1939_PRIO
#define SCM_J1939_ERRQUEUE SCM_J1939_ERRQUEUE
#endif
#if defined(CSK_HAVE_LINUX_TIPC_H) && !defined(TIPC_NODE_SCOPE)
#define TIPC_CLUSTER_SCOPE TIPC_CLUSTER_SCOPE
#define TIPC_NODE_SCOPE TIPC_NODE_SCOPE
#endif

/* ---- values fixed by the kernel ABI that some headers lack (CPython exports them anyway) ---- */
#if defined(CSK_HAVE_LINUX_IF_ALG_H)
#ifndef ALG_SET_PUBKEY
#define ALG_SET_PUBKEY 6
#endif
#ifndef ALG_OP_SIGN
#define ALG_OP_SIGN 2
#endif
#ifndef ALG_OP_VERIFY
#define ALG_OP_VERIFY 3
#endif
#endif
#if defined(__linux__)
#ifndef UDPLITE_SEND_CSCOV
#define UDPLITE_SEND_CSCOV 10
#endif
#ifndef UDPLITE_RECV_CSCOV
#define UDPLITE_RECV_CSCOV 11
#endif
#endif

/* ---- batch datagram I/O (mmsg.c, the binding's batch.c) ---------------------------------- */
/* sendmmsg/recvmmsg with MSG_WAITFORONE (Linux 2.6.33 / 3.0); where absent, the batch methods are
 * not built, as sendmsg_afalg is not built without AF_ALG.  UDP GSO and GRO (Linux 4.18 / 5.0) are
 * named by glibc's <netinet/udp.h> from 2.28; older headers get the kernel ABI's values, and the
 * kernel of the day decides at run time (send_segments falls back to sendmmsg). */
#if defined(__linux__) && defined(MSG_WAITFORONE)
#define CSK_HAVE_MMSG 1
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#define CSK_HAVE_UDP_GSO 1
#endif

#endif /* CSK_PLATFORM_H */
