/* csocket's core: the functions the CPython binding calls, in plain C (no Python.h).
 *
 * Convention for the whole core: a function returns a count or 0 on success and a negative errno
 * on failure (-EAGAIN, -EINTR, ...), plus CSK_ETIMEOUT when a call's own deadline passed and
 * CSK_ENOALLOC when memory of the core's own could not be allocated.  The core never retries
 * EINTR itself: it returns -EINTR so the binding can run Python signal handlers with the GIL held
 * and call again with the time left.  The resolver is the one exception (see below).
 */
#ifndef CSK_H
#define CSK_H

#include "platform.h"

/* The call's deadline passed.  Not a kernel errno: a kernel ETIMEDOUT (TCP retransmission gave up)
 * is a different error with a different Python exception message. */
#define CSK_ETIMEOUT (-100000)

/* The core could not allocate memory of its own (the resolver's answer buffer).  Not a kernel
 * ENOMEM, which Python reports as OSError errno 12: an allocation that fails is a MemoryError,
 * as it is wherever the binding allocates. */
#define CSK_ENOALLOC (-100002)

/* ---- time (io.c) ------------------------------------------------------------------------- */

#define CSK_NS_PER_SEC INT64_C(1000000000)

/* Monotonic time in nanoseconds. */
int64_t csk_now_ns(void);

/* One Python-level call's time budget.  timeout_ns < 0: blocking; 0: non-blocking; > 0: the
 * call may wait that long in total.  The deadline starts at the first wait unless started
 * explicitly, so the common "ready at once" path never reads the clock. */
typedef struct {
    int64_t timeout_ns;
    int64_t deadline_ns; /* 0 until started */
} csk_deadline;

static inline csk_deadline csk_deadline_new(int64_t timeout_ns)
{
    csk_deadline dl = {timeout_ns, 0};
    return dl;
}

/* Start the clock now (for calls, like sendall, whose work before the first wait counts). */
void csk_deadline_start(csk_deadline *dl);

/* ---- the I/O engine (io.c) --------------------------------------------------------------- */

/* One attempt of an operation: exactly one system call, returning a count or -errno. */
typedef ssize_t (*csk_attempt_fn)(int fd, void *op);

/* The descriptor of a running operation lives in a cell the caller owns (the socket object's fd
 * field): the engine reads it again before every system call, because another thread may close
 * the socket while this one waits.  The closer stores -1 first, and from then on the operation
 * fails with EBADF instead of acting on whatever file is given that number next.  Relaxed atomic
 * accesses: only the value matters, not ordering with other memory. */
static inline int csk_fd_load(const int *cell)
{
    return __atomic_load_n(cell, __ATOMIC_RELAXED);
}

/* Run `attempt` on the descriptor in `*fd`: try first; if it would block and the deadline allows
 * waiting, poll() for `events` (POLLIN or POLLOUT) with the time left and try again.  Returns the
 * attempt's count, its -errno (EAGAIN included when not waiting: non-blocking or blocking mode),
 * -EINTR from the attempt or the wait, -EBADF once `*fd` is -1, or CSK_ETIMEOUT. */
ssize_t csk_io(const int *fd, short events, csk_attempt_fn attempt, void *op, csk_deadline *dl);

/* csk_io() for a caller whose own attempt just found the operation would block: wait first. */
ssize_t csk_io_after_wait(const int *fd, short events, csk_attempt_fn attempt, void *op,
                          csk_deadline *dl);

/* Wait until `fd` is ready for `events` or the deadline passes.  0 when ready, -EINTR,
 * CSK_ETIMEOUT, or another -errno from poll(). */
int csk_wait(int fd, short events, csk_deadline *dl);

/* The argument of the data-transfer attempts below. */
typedef struct {
    void *buf;
    size_t len;
    int flags;
    struct sockaddr *addr; /* recvfrom: filled in; sendto: the destination */
    socklen_t addrlen;     /* recvfrom: capacity in, length out; sendto: length */
} csk_xfer;

ssize_t csk_recv_attempt(int fd, void *xfer);
ssize_t csk_recvfrom_attempt(int fd, void *xfer);
ssize_t csk_send_attempt(int fd, void *xfer);
ssize_t csk_sendto_attempt(int fd, void *xfer);

/* accept: `op` is a csk_xfer whose addr/addrlen receive the peer; returns the new fd, which is
 * close-on-exec (PEP 446). */
ssize_t csk_accept_attempt(int fd, void *xfer);

/* connect, in one call: the connect() itself, then (in timeout mode, or after an EINTR in blocking
 * mode) the wait for the handshake and its SO_ERROR.  `*in_progress` starts at 0 and is set when a
 * later call must only wait; call again after -EINTR while it is set.  `*fd` is read as by
 * csk_io. */
int csk_connect(const int *fd, const struct sockaddr *addr, socklen_t addrlen, csk_deadline *dl,
                int *in_progress);

/* ---- Happy Eyeballs: racing connects (race.c) --------------------------------------------- */

/* RFC 8305 section 5: never two connection attempts started within 10 ms of each other. */
#define CSK_RACE_MIN_GAP_NS (10 * INT64_C(1000000))

/* What an attempt is doing.  The caller marks an attempt DONE once it has taken its error and
 * closed its socket; the race leaves DONE attempts alone. */
enum {
    CSK_ATTEMPT_IDLE,
    CSK_ATTEMPT_PENDING,
    CSK_ATTEMPT_FAILED,
    CSK_ATTEMPT_WON,
    CSK_ATTEMPT_DONE
};

typedef struct {
    const int *fd; /* the descriptor cell (read as by csk_io); NULL until started */
    int state;     /* CSK_ATTEMPT_* */
    int error;     /* once FAILED: -errno, or 0 when the caller failed it (csk_race_skip) */
} csk_race_attempt;

/* One race over n attempts, started in array order.  Attempts and the poll set (n entries each)
 * are the caller's memory. */
typedef struct {
    csk_race_attempt *attempts;
    struct pollfd *pfds;
    size_t n;
    size_t started;        /* attempts started (or skipped) so far */
    int winner;            /* index of the connected attempt, or -1 */
    int64_t delay_ns;      /* from one start to the next while the earlier ones are pending */
    int64_t next_start_ns; /* monotonic time the next attempt is due */
    int64_t last_start_ns; /* INT64_MIN before the first start */
    int64_t deadline_ns;   /* the whole race's; INT64_MAX for none */
} csk_race;

/* What csk_race_start and csk_race_wait report besides a negative errno / CSK_ETIMEOUT. */
enum {
    CSK_RACE_WON = 1,    /* attempts[winner] connected */
    CSK_RACE_NEXT = 2,   /* the next attempt is due: start it (csk_race_start or _skip) */
    CSK_RACE_FAILED = 3, /* attempts failed: take their errors, close them, mark them DONE */
    CSK_RACE_LOST = 4    /* every attempt failed */
};

/* Begin a race.  delay_ns below CSK_RACE_MIN_GAP_NS counts as that; timeout_ns < 0: no deadline
 * (otherwise the deadline starts now and bounds the whole race). */
void csk_race_init(csk_race *r, csk_race_attempt *attempts, struct pollfd *pfds, size_t n,
                   int64_t delay_ns, int64_t timeout_ns);

/* Start the next attempt: connect() the non-blocking socket in *fd to addr.  0 when pending,
 * CSK_RACE_WON when connected at once, or -errno when it failed (the attempt is FAILED). */
int csk_race_start(csk_race *r, const int *fd, const struct sockaddr *addr, socklen_t addrlen);

/* The next attempt failed before its connect (its socket could not be made or bound). */
void csk_race_skip(csk_race *r);

/* Wait (one poll() over every pending attempt) until something needs the caller: CSK_RACE_WON,
 * _NEXT, _FAILED, _LOST, CSK_ETIMEOUT (the race's deadline passed), -EINTR (call again: the
 * deadline and the schedule are kept), or another -errno from poll(). */
int csk_race_wait(csk_race *r);

/* ---- messages with ancillary data (msg.c) ------------------------------------------------- */

/* The largest control buffer, and so the largest CMSG_LEN/CMSG_SPACE, csocket accepts: POSIX lets
 * socklen_t (and so msg_controllen) be signed, so stay within INT_MAX as CPython does. */
#define CSK_CONTROL_LIMIT ((size_t)INT_MAX)

/* CMSG_LEN / CMSG_SPACE of `datalen` bytes of data into *out: 0, or -EOVERFLOW when the result
 * (with the padding both before and after the data, for CMSG_SPACE) could pass the limit. */
int csk_cmsg_len(size_t datalen, size_t *out);
int csk_cmsg_space(size_t datalen, size_t *out);

/* One control message to send (data NULL: len zero bytes, for the caller to fill in). */
typedef struct {
    int level;
    int type;
    const void *data;
    size_t len;
} csk_cmsg;

/* Lay out `n` items in `buf` (cap bytes, each item taking CMSG_SPACE(len), padding zeroed).
 * Returns the bytes used, or -EMSGSIZE when they do not fit. */
ssize_t csk_cmsg_build(void *buf, size_t cap, const csk_cmsg *items, size_t n);

/* A control message found in a received control buffer. */
typedef struct {
    int level;
    int type;
    const unsigned char *data; /* inside the buffer; not aligned for any type: memcpy out */
    size_t len;                /* data bytes present in the buffer */
} csk_cmsg_item;

/* Walking a received control buffer, whose lengths are read as untrusted input. */
typedef struct {
    const unsigned char *buf;
    size_t len;
    size_t next; /* offset of the next header; SIZE_MAX when the walk is over */
} csk_cmsg_walk;

/* What csk_cmsg_next() found.  After TRUNCATED or MALFORMED the walk is over. */
enum {
    CSK_CMSG_END = 0,       /* no more items */
    CSK_CMSG_OK = 1,        /* a whole item */
    CSK_CMSG_TRUNCATED = 2, /* an item whose data runs past the buffer: item holds what is there */
    CSK_CMSG_MALFORMED = -1 /* a header that is cut off or has an impossible length: no item */
};

void csk_cmsg_walk_init(csk_cmsg_walk *w, const void *control, size_t controllen);
int csk_cmsg_next(csk_cmsg_walk *w, csk_cmsg_item *item);

/* Close every descriptor carried by SCM_RIGHTS items of a received control buffer (for a call
 * that fails after receiving them, so none leaks).  Returns how many were closed. */
size_t csk_cmsg_close_fds(const void *control, size_t controllen);

/* The argument of the sendmsg/recvmsg attempts: the message header and the call's flags.  For
 * recvmsg, name_cap and control_cap are the capacities the header is reset to before each try
 * (the kernel shrinks msg_namelen and msg_controllen to what it wrote). */
typedef struct {
    struct msghdr hdr;
    int flags;
    socklen_t name_cap;
    size_t control_cap;
} csk_msg;

ssize_t csk_sendmsg_attempt(int fd, void *msg);
/* Descriptors received with SCM_RIGHTS are inheritable, as the built-in module leaves them. */
ssize_t csk_recvmsg_attempt(int fd, void *msg);

#ifdef CSK_HAVE_AF_ALG
/* The control buffer of an AF_ALG operation: ALG_SET_OP, then ALG_SET_IV when iv != NULL, then
 * ALG_SET_AEAD_ASSOCLEN when assoclen >= 0.  csk_afalg_control_size() gives the bytes needed (or
 * -EMSGSIZE for an IV too long to describe); csk_afalg_control() fills buf and returns its length.
 */
ssize_t csk_afalg_control_size(const void *iv, size_t ivlen, int assoclen);
ssize_t csk_afalg_control(void *buf, size_t cap, unsigned op, const void *iv, size_t ivlen,
                          int assoclen);
#endif

/* ---- descriptors (sockfd.c) -------------------------------------------------------------- */

int csk_socket(int family, int type, int proto);                 /* new fd, close-on-exec */
int csk_socketpair(int family, int type, int proto, int fds[2]); /* both close-on-exec */
int csk_dup(int fd);                                             /* new fd, close-on-exec */
int csk_close(int fd);                                           /* never retried */
int csk_set_nonblocking(int fd, int nonblocking);
int csk_is_nonblocking(int fd); /* 1, 0 or -errno */
int csk_getsockopt_int(int fd, int level, int name, int *value);
int csk_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int csk_getsockopt(int fd, int level, int name, void *value, socklen_t *len);
int csk_sock_family(int fd); /* family or -errno */
int csk_bind(int fd, const struct sockaddr *addr, socklen_t len);
int csk_listen(int fd, int backlog);
int csk_shutdown(int fd, int how);

/* ---- addresses (addr.c) ------------------------------------------------------------------ */

/* Any socket address the kernel may hand back. */
typedef union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage storage;
#ifdef CSK_HAVE_AF_PACKET
    struct sockaddr_ll ll;
#endif
#ifdef CSK_HAVE_AF_NETLINK
    struct sockaddr_nl nl;
#endif
#ifdef CSK_HAVE_AF_CAN
    struct sockaddr_can can;
#endif
#ifdef CSK_HAVE_AF_TIPC
    struct sockaddr_tipc tipc;
#endif
#ifdef CSK_HAVE_AF_VSOCK
    struct sockaddr_vm vm;
#endif
#ifdef CSK_HAVE_AF_ALG
    struct sockaddr_alg alg;
#endif
#ifdef CSK_HAVE_AF_QIPCRTR
    struct sockaddr_qrtr qrtr;
#endif
#ifdef CSK_HAVE_AF_BLUETOOTH
    struct csk_sockaddr_l2 bt_l2;
    struct csk_sockaddr_rc bt_rc;
    struct csk_sockaddr_hci bt_hci;
    struct csk_sockaddr_sco bt_sco;
#endif
} csk_sockaddr;

/* Fill `un` with the AF_UNIX address for `path` (len bytes, may hold NULs when abstract).  A path
 * starting with NUL, or empty, is a Linux abstract address (empty: autobind) and is not
 * NUL-terminated.  Returns the address length, or -ENAMETOOLONG. */
int csk_unix_address(struct sockaddr_un *un, int family, const void *path, size_t len);

/* The path of an AF_UNIX address returned by the kernel: where it starts and how many bytes it
 * has, never reading past `addrlen`.  Sets *abstract for a Linux abstract-namespace name. */
size_t csk_unix_path(const struct sockaddr_un *un, socklen_t addrlen, int *abstract);

/* The local (peer = 0) or remote (peer = 1) address of a socket; *len is set to its length. */
int csk_sockname(int fd, int peer, csk_sockaddr *addr, socklen_t *len);

/* Text of an AF_INET/AF_INET6 host address (never with "%scope").  0 or -errno. */
int csk_ip_text(const csk_sockaddr *addr, char *out, size_t cap);

/* A numeric host for `family` (AF_INET, AF_INET6 or AF_UNSPEC for either) into `addr` with port 0.
 * Returns the address length, or 0 when `host` is not numeric for that family. */
socklen_t csk_ip_parse_numeric(const char *host, int family, csk_sockaddr *addr);

/* ---- Linux address families (addr_linux.c) ------------------------------------------------ */

/* Copy an address the kernel returned into `dst` (`size` bytes): what the kernel wrote, up to
 * `len`, and zeros after it, so a family's fields past the reported length read as 0. */
void csk_addr_copy(void *dst, size_t size, const csk_sockaddr *addr, socklen_t len);

/* The index of interface `name` (SIOCGIFINDEX through socket `fd`, so the socket's network
 * namespace answers; a name longer than the kernel reads is cut), or -errno. */
int csk_if_index(int fd, const char *name);

/* The name of interface `index` into out[IF_NAMESIZE] through `fd` (fd < 0: a socket of its own),
 * always NUL-terminated ("" on failure).  0 or -errno. */
int csk_if_name(int fd, int index, char *out);

/* The hardware-address bytes of a returned sockaddr_ll: sll_halen bytes, never past `len`. */
size_t csk_packet_haddr(const csk_sockaddr *addr, socklen_t len, const unsigned char **bytes);

/* A returned TIPC address as (addrtype, v1, v2, v3, scope); -EINVAL for an unknown addrtype. */
int csk_tipc_fields(const csk_sockaddr *addr, socklen_t len, unsigned out[5]);

/* The TIPC address for (addrtype, v1, v2, v3, scope): its length, or -EINVAL for an addrtype
 * other than TIPC_ADDR_NAMESEQ, TIPC_ADDR_NAME and TIPC_ADDR_ID. */
#ifdef CSK_HAVE_AF_TIPC
int csk_tipc_address(struct sockaddr_tipc *t, const unsigned v[5]);
#endif

/* The lengths of the type and name strings of a returned sockaddr_alg, never past `len`. */
void csk_alg_names(const csk_sockaddr *addr, socklen_t len, size_t *type_len, size_t *name_len);

#ifdef CSK_HAVE_AF_BLUETOOTH
/* A Bluetooth device address from its text "XX:XX:XX:XX:XX:XX" (six hex fields, each below 256,
 * most significant first), read with sscanf's %X as the built-in module reads it, so "1:2:3:4:5:6"
 * and " 0x1:2:3:4:5:6" pass and anything after the sixth field fails: 0, or -EINVAL. */
int csk_bt_addr_parse(const char *text, csk_bdaddr *out);

/* The text of a Bluetooth device address: 17 characters and a NUL into out[18]. */
void csk_bt_addr_text(const csk_bdaddr *addr, char *out);

/* The fields of a Bluetooth address, in host byte order, for any of the four protocols: RFCOMM
 * uses bdaddr and port (the channel); L2CAP bdaddr, port (the PSM), cid and bdaddr_type; HCI dev
 * and channel; SCO bdaddr. */
typedef struct {
    csk_bdaddr bdaddr;
    unsigned port;
    unsigned cid;
    unsigned bdaddr_type;
    unsigned dev;
    unsigned channel;
} csk_bt_fields;

/* The length of `proto`'s address (what the kernel expects and returns), or -EPROTONOSUPPORT. */
int csk_bt_addr_len(int proto);

/* The address of `proto` for these fields into `addr` (zeroed first): its length, or
 * -EPROTONOSUPPORT.  Each value is cut to its kernel field's width (the channel to 8 bits, PSM,
 * cid, dev and channel of HCI to 16, the address type to 8), as the built-in module's unchecked
 * converters do; range errors are the kernel's to report. */
int csk_bt_address(csk_sockaddr *addr, int proto, const csk_bt_fields *f);

/* The fields of an address of `proto` the kernel returned (`len` bytes; what lies past them reads
 * as zero): 0, or -EPROTONOSUPPORT. */
int csk_bt_fields_of(const csk_sockaddr *addr, socklen_t len, int proto, csk_bt_fields *f);
#endif

/* ---- batches of datagrams (mmsg.c) -------------------------------------------------------- */
#ifdef CSK_HAVE_MMSG

/* The most messages one sendmmsg/recvmmsg takes (the kernel's UIO_MAXIOV): longer batches are
 * cut (sendmmsg sends them in several calls; recvmmsg returns at most this many). */
#define CSK_BATCH_MAX 1024

/* The argument of the batch attempts: `n` message headers, each with its own buffers and address
 * (csk_mmsg_layout).  For recvmmsg, name_cap and control_cap are what each header's msg_namelen
 * and msg_controllen are reset to before a try (the kernel shrinks them to what it wrote). */
typedef struct {
    struct mmsghdr *msgs;
    unsigned n;
    int flags;
    socklen_t name_cap;
    size_t control_cap;
} csk_mmsg;

/* Point message i at iov[i] (one buffer each) and, when names is not NULL, at names[i].  Sending,
 * namelens[i] is that address's length (0: the message has none); receiving (namelens NULL),
 * each address may take sizeof names[i]. */
void csk_mmsg_layout(struct mmsghdr *msgs, struct iovec *iov, csk_sockaddr *names,
                     const socklen_t *namelens, size_t n);

/* sendmmsg: the messages sent (a short count is not an error), or -errno when none was. */
ssize_t csk_sendmmsg_attempt(int fd, void *mmsg);

/* recvmmsg with MSG_WAITFORONE and no kernel timeout: waits (if the fd blocks) for the first
 * datagram only, then takes what is already queued.  The datagrams received, or -errno when none
 * was; an error met after the first is kept by the kernel as the socket's pending error and
 * reported by the next receive (recvmmsg(2)), so it is never lost. */
ssize_t csk_recvmmsg_attempt(int fd, void *mmsg);

/* Cut len bytes at data into consecutive pieces of `piece` bytes (the last may be shorter), one
 * iovec each, at most `cap` of them.  Returns how many were made; *used gets the bytes they cover.
 */
size_t csk_cut(struct iovec *iov, size_t cap, const void *data, size_t len, size_t piece,
               size_t *used);

/* UDP GSO: the largest payload one message may carry (an IPv4 datagram's 65535 bytes less the
 * IP and UDP headers; IPv6 allows 20 bytes more), so a message has at most this many bytes of
 * segments.  The kernel's limit on segments per message is learnt by send_segments, not assumed. */
#define CSK_GSO_MAX_PAYLOAD ((size_t)65507)

/* The control buffer of one UDP GSO send (SOL_UDP / UDP_SEGMENT, the segment size as the kernel's
 * 16-bit value): its length, or -EMSGSIZE when cap is too small, -EINVAL for a segment size that
 * does not fit in 16 bits. */
#define CSK_GSO_CONTROL_SPACE ((size_t)CMSG_SPACE(sizeof(uint16_t)))
ssize_t csk_gso_control(void *buf, size_t cap, size_t segment);

/* sendmmsg's layout with UDP GSO: runs of consecutive datagrams to the same address (names[i] of
 * namelens[i] bytes, 0: none) whose sizes are all the first one's but the last (which may be
 * shorter, never empty), at most max_segs of them and CSK_GSO_MAX_PAYLOAD bytes, become one
 * header carrying them as segments, with its control buffer at controls + k *
 * CSK_GSO_CONTROL_SPACE (room for n); other datagrams keep a header each.  The same datagrams
 * reach the peer, in the same order.  counts[k] gets how many datagrams header k carries.
 * Returns the headers made; *largest the most datagrams one carries. */
size_t csk_mmsg_gso_layout(struct mmsghdr *msgs, unsigned *counts, struct iovec *iov,
                           csk_sockaddr *names, const socklen_t *namelens, size_t n,
                           size_t max_segs, unsigned char *controls, size_t *largest);

/* The segment size a UDP GRO receive reports (SOL_UDP / UDP_GRO) in a received control buffer;
 * 0 when there is none (the datagram was not coalesced). */
size_t csk_gro_segment(const void *control, size_t controllen);

#endif /* CSK_HAVE_MMSG */

/* ---- resolver (resolve.c) ---------------------------------------------------------------- */

/* The resolver reports getaddrinfo's own codes (EAI_*), not errno: it returns 0 or an EAI code,
 * and for EAI_SYSTEM stores the errno in *sys_errno. */
int csk_resolve_host(const char *host, int family, csk_sockaddr *addr, socklen_t *addrlen,
                     int *sys_errno);

/* The address of one getaddrinfo() answer, copied (and bounded) into `addr`. */
void csk_addrinfo_addr(const struct addrinfo *ai, csk_sockaddr *addr, socklen_t *addrlen);

/* getaddrinfo() with these hints.  0 or an EAI code; the list is the caller's to release with
 * freeaddrinfo(). */
int csk_getaddrinfo(const char *host, const char *service, int family, int type, int proto,
                    int flags, struct addrinfo **res, int *sys_errno);

/* A numeric host and a port as one socket address.  The text is parsed with AI_NUMERICHOST, so
 * it never causes a lookup.  0 or an EAI code; *multiple is set when the text named more than
 * one address (the first is returned). */
int csk_numeric_sockaddr(const char *host, const char *service, csk_sockaddr *addr,
                         socklen_t *addrlen, int *multiple, int *sys_errno);

/* getnameinfo() into host[CSK_NI_MAXHOST] and serv[CSK_NI_MAXSERV].  0 or an EAI code. */
#define CSK_NI_MAXHOST 1025
#define CSK_NI_MAXSERV 32
int csk_getnameinfo(const csk_sockaddr *addr, socklen_t addrlen, int flags, char *host, char *serv,
                    int *sys_errno);

/* The host, service and protocol databases.  Their reentrant forms write the answer into memory
 * the caller provides; this holds it, grows when an answer does not fit, and is released with
 * csk_lookup_free().  Start it zeroed. */
typedef struct {
    char *buf;
    size_t cap;
} csk_lookup_buf;

void csk_lookup_free(csk_lookup_buf *b);

/* A host entry was not found: the lookup's h_errno (HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY,
 * NO_DATA or NETDB_INTERNAL), which Python reports as socket.herror, is in *herr.  Not an errno. */
#define CSK_EHOST (-100001)

/* Host entries by name and by address (`addr` is `len` bytes of a struct in_addr / in6_addr).
 * 0 with *ent filled (pointing into b), CSK_EHOST, CSK_ENOALLOC, or -ENOMEM (an answer larger
 * than the resolver takes). */
int csk_gethostbyname(const char *name, struct hostent *ent, csk_lookup_buf *b, int *herr);
int csk_gethostbyaddr(const void *addr, socklen_t len, int family, struct hostent *ent,
                      csk_lookup_buf *b, int *herr);

/* Services and protocols (proto NULL: any protocol).  0, -ENOENT when not found, or CSK_ENOALLOC
 * or -ENOMEM as above.  Ports are in host byte order. */
int csk_getservbyname(const char *name, const char *proto, int *port);
int csk_getprotobyname(const char *name, int *proto);

/* The name of the service on `port`, NUL-terminated in name[cap]: 0, -ENOENT, CSK_ENOALLOC,
 * -ENOMEM, or -ENAMETOOLONG when it does not fit. */
int csk_getservbyport(int port, const char *proto, char *name, size_t cap);

/* The host name, NUL-terminated in name[cap] (truncated if longer), and setting it.  0 or -errno.
 */
int csk_gethostname(char *name, size_t cap);
int csk_sethostname(const void *name, size_t len);

/* Network interfaces.  The list ends with a zero index; release it with csk_if_freenameindex().
 * csk_if_nametoindex returns the index, or -errno when there is no such interface (ENODEV). */
int csk_if_nameindex(struct if_nameindex **list);
void csk_if_freenameindex(struct if_nameindex *list);
int64_t csk_if_nametoindex(const char *name);
int csk_if_indextoname(unsigned index, char name[IF_NAMESIZE]);

/* ---- IP address text and packed form (inet.c) -------------------------------------------- */

/* The classic IPv4 forms inet_aton() accepts ("127.1", "0x7f.0.0.1", ...) into 4 packed bytes.
 * 0, or -EINVAL when the text is not an address. */
int csk_inet_aton(const char *text, unsigned char packed[4]);

/* Strict text of `family` (AF_INET or AF_INET6) into packed[16].  The packed length (4 or 16),
 * 0 when the text is not an address of that family, or -EAFNOSUPPORT. */
int csk_inet_pton(int family, const char *text, unsigned char packed[16]);

/* Text of a packed address of `family` into text[cap].  0, -EAFNOSUPPORT for another family,
 * -EINVAL when len is not that family's packed length, or -ENOSPC. */
int csk_inet_ntop(int family, const void *packed, size_t len, char *text, size_t cap);

/* ---- per-thread receive buffer (scratch.c) ----------------------------------------------- */

/* recv(n) receives into memory the thread already holds and the binding copies out exactly what
 * arrived, so a large n costs nothing when little data is waiting.  Requests above this size are
 * served by the caller's own allocation, which bounds what each thread keeps. */
#define CSK_SCRATCH_MAX ((size_t)256 * 1024)

/* The calling thread's buffer of CSK_SCRATCH_MAX bytes (so any len <= CSK_SCRATCH_MAX fits), at
 * the same address for the thread's whole life and freed when it exits; NULL when len is larger or
 * memory is short. */
void *csk_scratch(size_t len);

/* Bytes the calling thread has reserved (resident memory is only what receives wrote). */
size_t csk_scratch_held(void);

#endif /* CSK_H */
