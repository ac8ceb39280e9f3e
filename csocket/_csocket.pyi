# Types of csocket._csocket, the extension that stands in for the interpreter's _socket.  Only
# socket.py and csocket call it directly; programs see it through `socket`, whose types typeshed
# gives.  The names and call forms follow the built-in _socket of the same interpreter (Linux);
# the constants come from src/python/constants.h through scripts/stub_constants.py.
import sys
from collections.abc import Iterable, Sequence
from typing import Any, overload

from _typeshed import ReadableBuffer, WriteableBuffer
from typing_extensions import TypeAlias, disjoint_base

# What bind(), connect() and sendto() take: a tuple for the IP and Linux families, a path (str or
# bytes) for AF_UNIX, a str for AF_ALG's algorithm type and so on.
_Address: TypeAlias = tuple[Any, ...] | str | ReadableBuffer
# What accept(), recvfrom() and getsockname() return: its shape depends on the socket's family.
_RetAddress: TypeAlias = Any
# One ancillary item: (level, type, data).
_CMSG: TypeAlias = tuple[int, int, bytes]
_CMSGArg: TypeAlias = tuple[int, int, ReadableBuffer]
# One getaddrinfo() result: (family, type, proto, canonname, sockaddr).
_AddrInfo: TypeAlias = tuple[int, int, int, str, tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]]
_Host: TypeAlias = str | bytes | bytearray

has_ipv6: bool
CAPI: object  # the capsule through which _ssl reaches the socket type

error = OSError

class herror(OSError): ...
class gaierror(OSError): ...

if sys.version_info >= (3, 10):
    timeout = TimeoutError
else:
    class timeout(OSError): ...

@disjoint_base  # a C type with its own layout: no class can derive from it and another such type
class socket:
    """A socket object of csocket (the type under socket.socket)."""

    @property
    def family(self) -> int: ...
    @property
    def type(self) -> int: ...
    @property
    def proto(self) -> int: ...
    @property
    def timeout(self) -> float | None: ...
    def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno: int | None = None) -> None: ...
    def _accept(self) -> tuple[int, _RetAddress]: ...
    def bind(self, address: _Address, /) -> None: ...
    def close(self) -> None: ...
    def connect(self, address: _Address, /) -> None: ...
    def connect_ex(self, address: _Address, /) -> int: ...
    def detach(self) -> int: ...
    def fileno(self) -> int: ...
    def getblocking(self) -> bool: ...
    def getpeername(self) -> _RetAddress: ...
    def getsockname(self) -> _RetAddress: ...
    @overload
    def getsockopt(self, level: int, optname: int, /) -> int: ...
    @overload
    def getsockopt(self, level: int, optname: int, buflen: int, /) -> bytes: ...
    def gettimeout(self) -> float | None: ...
    def listen(self, backlog: int = ..., /) -> None: ...
    def recv(self, bufsize: int, flags: int = 0, /) -> bytes: ...
    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> int: ...
    def recvfrom(self, bufsize: int, flags: int = 0, /) -> tuple[bytes, _RetAddress]: ...
    def recvfrom_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> tuple[int, _RetAddress]: ...
    def recvmsg(self, bufsize: int, ancbufsize: int = 0, flags: int = 0, /) -> tuple[bytes, list[_CMSG], int, _RetAddress]: ...
    def recvmsg_into(
        self, buffers: Iterable[WriteableBuffer], ancbufsize: int = 0, flags: int = 0, /
    ) -> tuple[int, list[_CMSG], int, _RetAddress]: ...
    def send(self, data: ReadableBuffer, flags: int = 0, /) -> int: ...
    def sendall(self, data: ReadableBuffer, flags: int = 0, /) -> None: ...
    def sendmsg(
        self,
        buffers: Iterable[ReadableBuffer],
        ancdata: Iterable[_CMSGArg] = (),
        flags: int = 0,
        address: _Address | None = None,
        /,
    ) -> int: ...
    if sys.platform == "linux":
        def sendmsg_afalg(
            self,
            msg: Iterable[ReadableBuffer] = (),
            *,
            op: int,
            iv: ReadableBuffer | None = None,
            assoclen: int | None = None,
            flags: int = 0,
        ) -> int: ...
        # csocket's own: batch datagram I/O (not in the built-in module)
        def sendmmsg(self, messages: Iterable[ReadableBuffer | tuple[ReadableBuffer, _Address | None]], flags: int = 0, /) -> int: ...
        def recvmmsg(self, count: int, bufsize: int, flags: int = 0, /) -> list[tuple[bytes, _RetAddress]]: ...
        def recvmmsg_into(self, buffers: Iterable[WriteableBuffer], flags: int = 0, /) -> list[tuple[int, _RetAddress]]: ...
        def send_segments(self, data: ReadableBuffer, segment_size: int, address: _Address | None = None) -> int: ...
        def recv_segments(self, bufsize: int, flags: int = 0, /) -> tuple[list[bytes], _RetAddress]: ...
    @overload
    def sendto(self, data: ReadableBuffer, address: _Address, /) -> int: ...
    @overload
    def sendto(self, data: ReadableBuffer, flags: int, address: _Address, /) -> int: ...
    def setblocking(self, flag: bool, /) -> None: ...
    @overload
    def setsockopt(self, level: int, optname: int, value: int | ReadableBuffer, /) -> None: ...
    @overload
    def setsockopt(self, level: int, optname: int, value: None, optlen: int, /) -> None: ...
    def settimeout(self, value: float | None, /) -> None: ...
    def shutdown(self, how: int, /) -> None: ...

SocketType = socket

# Descriptors
def close(fd: int, /) -> None: ...
def dup(fd: int, /) -> int: ...
def socketpair(family: int = ..., type: int = ..., proto: int = 0, /) -> tuple[socket, socket]: ...

# Default timeout of new sockets
def getdefaulttimeout() -> float | None: ...
def setdefaulttimeout(timeout: float | None, /) -> None: ...

# Names, services and interfaces
def getaddrinfo(
    host: str | bytes | None, port: str | bytes | int | None, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
) -> list[_AddrInfo]: ...
def getnameinfo(sockaddr: tuple[str, int] | tuple[str, int, int, int], flags: int, /) -> tuple[str, str]: ...
def gethostbyname(hostname: _Host, /) -> str: ...
def gethostbyname_ex(hostname: _Host, /) -> tuple[str, list[str], list[str]]: ...
def gethostbyaddr(ip_address: _Host, /) -> tuple[str, list[str], list[str]]: ...
def gethostname() -> str: ...
def sethostname(name: str | bytes, /) -> None: ...
def getservbyname(servicename: str, protocolname: str = ..., /) -> int: ...
def getservbyport(port: int, protocolname: str = ..., /) -> str: ...
def getprotobyname(protocolname: str, /) -> int: ...
def if_nameindex() -> list[tuple[int, str]]: ...
def if_nametoindex(oname: str | bytes, /) -> int: ...
def if_indextoname(index: int, /) -> str: ...

# Conversions
def inet_aton(ip_addr: str, /) -> bytes: ...
def inet_ntoa(packed_ip: ReadableBuffer, /) -> str: ...
def inet_pton(address_family: int, ip_string: str, /) -> bytes: ...
def inet_ntop(address_family: int, packed_ip: ReadableBuffer, /) -> str: ...
def htons(x: int, /) -> int: ...
def ntohs(x: int, /) -> int: ...
def htonl(x: int, /) -> int: ...
def ntohl(x: int, /) -> int: ...

# Ancillary data sizes
def CMSG_LEN(length: int, /) -> int: ...
def CMSG_SPACE(length: int, /) -> int: ...

# csocket's own (not in the built-in module)
def _scratch_held() -> int: ...
def _families() -> tuple[int, ...]: ...
def _race(
    candidates: Sequence[tuple[int, int, int, Any]],
    delay_ns: int,
    timeout_ns: int,
    source_address: Any = None,
    /,
) -> tuple[socket | None, list[OSError]]: ...

# --- constants: generated by scripts/stub_constants.py from src/python/constants.h ---
AF_ALG: int
AF_APPLETALK: int
AF_ASH: int
AF_ATMPVC: int
AF_ATMSVC: int
AF_AX25: int
AF_BRIDGE: int
AF_CAN: int
AF_DECnet: int
AF_ECONET: int
AF_INET: int
AF_INET6: int
AF_IPX: int
AF_IRDA: int
AF_KEY: int
AF_LLC: int
AF_NETBEUI: int
AF_NETLINK: int
AF_NETROM: int
AF_PACKET: int
AF_PPPOX: int
AF_QIPCRTR: int
AF_RDS: int
AF_ROSE: int
AF_ROUTE: int
AF_SECURITY: int
AF_SNA: int
AF_TIPC: int
AF_UNIX: int
AF_UNSPEC: int
AF_VSOCK: int
AF_WANPIPE: int
AF_X25: int
PF_CAN: int
PF_PACKET: int
PF_RDS: int
SOCK_CLOEXEC: int
SOCK_DGRAM: int
SOCK_NONBLOCK: int
SOCK_RAW: int
SOCK_RDM: int
SOCK_SEQPACKET: int
SOCK_STREAM: int
SOL_ALG: int
SOL_CAN_BASE: int
SOL_CAN_RAW: int
SOL_IP: int
SOL_RDS: int
SOL_SOCKET: int
SOL_TCP: int
SOL_TIPC: int
SOL_UDP: int
SO_ACCEPTCONN: int
SO_BINDTODEVICE: int
if sys.version_info >= (3, 13):
    SO_BINDTOIFINDEX: int
SO_BROADCAST: int
SO_DEBUG: int
SO_DOMAIN: int
SO_DONTROUTE: int
SO_ERROR: int
if sys.version_info >= (3, 11):
    SO_INCOMING_CPU: int
SO_J1939_ERRQUEUE: int
SO_J1939_FILTER: int
SO_J1939_PROMISC: int
SO_J1939_SEND_PRIO: int
SO_KEEPALIVE: int
SO_LINGER: int
SO_MARK: int
SO_OOBINLINE: int
SO_PASSCRED: int
SO_PASSSEC: int
SO_PEERCRED: int
SO_PEERSEC: int
if sys.version_info >= (3, 14):
    SO_ORIGINAL_DST: int
if sys.version_info >= (3, 15):
    SO_PASSRIGHTS: int
SO_PRIORITY: int
SO_PROTOCOL: int
SO_RCVBUF: int
SO_RCVLOWAT: int
SO_RCVTIMEO: int
SO_REUSEADDR: int
SO_REUSEPORT: int
SO_SNDBUF: int
SO_SNDLOWAT: int
SO_SNDTIMEO: int
SO_TYPE: int
SO_VM_SOCKETS_BUFFER_MAX_SIZE: int
SO_VM_SOCKETS_BUFFER_MIN_SIZE: int
SO_VM_SOCKETS_BUFFER_SIZE: int
SOMAXCONN: int
SCM_CREDENTIALS: int
SCM_J1939_DEST_ADDR: int
SCM_J1939_DEST_NAME: int
SCM_J1939_ERRQUEUE: int
SCM_J1939_PRIO: int
SCM_RIGHTS: int
MSG_CMSG_CLOEXEC: int
MSG_CONFIRM: int
MSG_CTRUNC: int
MSG_DONTROUTE: int
MSG_DONTWAIT: int
MSG_EOR: int
MSG_ERRQUEUE: int
MSG_FASTOPEN: int
MSG_MORE: int
MSG_NOSIGNAL: int
MSG_OOB: int
MSG_PEEK: int
MSG_TRUNC: int
MSG_WAITALL: int
SHUT_RD: int
SHUT_RDWR: int
SHUT_WR: int
IPPROTO_AH: int
IPPROTO_DSTOPTS: int
IPPROTO_EGP: int
IPPROTO_ESP: int
IPPROTO_FRAGMENT: int
IPPROTO_GRE: int
IPPROTO_HOPOPTS: int
IPPROTO_ICMP: int
IPPROTO_ICMPV6: int
IPPROTO_IDP: int
IPPROTO_IGMP: int
IPPROTO_IP: int
IPPROTO_IPIP: int
IPPROTO_IPV6: int
if sys.version_info >= (3, 10):
    IPPROTO_MPTCP: int
IPPROTO_NONE: int
IPPROTO_PIM: int
IPPROTO_PUP: int
IPPROTO_RAW: int
IPPROTO_ROUTING: int
IPPROTO_RSVP: int
IPPROTO_SCTP: int
IPPROTO_TCP: int
IPPROTO_TP: int
IPPROTO_UDP: int
IPPROTO_UDPLITE: int
IPPORT_RESERVED: int
IPPORT_USERRESERVED: int
INADDR_ALLHOSTS_GROUP: int
INADDR_ANY: int
INADDR_BROADCAST: int
INADDR_LOOPBACK: int
INADDR_MAX_LOCAL_GROUP: int
INADDR_NONE: int
INADDR_UNSPEC_GROUP: int
IP_ADD_MEMBERSHIP: int
if sys.version_info >= (3, 12):
    IP_ADD_SOURCE_MEMBERSHIP: int
if sys.version_info >= (3, 11):
    IP_BIND_ADDRESS_NO_PORT: int
if sys.version_info >= (3, 12):
    IP_BLOCK_SOURCE: int
IP_DEFAULT_MULTICAST_LOOP: int
IP_DEFAULT_MULTICAST_TTL: int
IP_DROP_MEMBERSHIP: int
if sys.version_info >= (3, 12):
    IP_DROP_SOURCE_MEMBERSHIP: int
if sys.version_info >= (3, 14):
    IP_FREEBIND: int
IP_HDRINCL: int
IP_MAX_MEMBERSHIPS: int
IP_MULTICAST_IF: int
IP_MULTICAST_LOOP: int
IP_MULTICAST_TTL: int
IP_OPTIONS: int
if sys.version_info >= (3, 12):
    IP_PKTINFO: int
if sys.version_info >= (3, 14):
    IP_RECVERR: int
IP_RECVOPTS: int
if sys.version_info >= (3, 14):
    IP_RECVORIGDSTADDR: int
IP_RECVRETOPTS: int
if sys.version_info >= (3, 10):
    IP_RECVTOS: int
if sys.version_info >= (3, 14):
    IP_RECVTTL: int
IP_RETOPTS: int
IP_TOS: int
IP_TRANSPARENT: int
IP_TTL: int
if sys.version_info >= (3, 12):
    IP_UNBLOCK_SOURCE: int
IPV6_CHECKSUM: int
IPV6_DONTFRAG: int
IPV6_DSTOPTS: int
IPV6_HOPLIMIT: int
IPV6_HOPOPTS: int
IPV6_JOIN_GROUP: int
IPV6_LEAVE_GROUP: int
IPV6_MULTICAST_HOPS: int
IPV6_MULTICAST_IF: int
IPV6_MULTICAST_LOOP: int
IPV6_NEXTHOP: int
IPV6_PATHMTU: int
IPV6_PKTINFO: int
IPV6_RECVDSTOPTS: int
if sys.version_info >= (3, 14):
    IPV6_RECVERR: int
if sys.version_info >= (3, 15):
    IPV6_HDRINCL: int
IPV6_RECVHOPLIMIT: int
IPV6_RECVHOPOPTS: int
IPV6_RECVPATHMTU: int
IPV6_RECVPKTINFO: int
IPV6_RECVRTHDR: int
IPV6_RECVTCLASS: int
IPV6_RTHDR: int
IPV6_RTHDRDSTOPTS: int
IPV6_RTHDR_TYPE_0: int
IPV6_TCLASS: int
IPV6_UNICAST_HOPS: int
IPV6_V6ONLY: int
if sys.version_info >= (3, 12):
    TCP_CC_INFO: int
TCP_CONGESTION: int
TCP_CORK: int
TCP_DEFER_ACCEPT: int
TCP_FASTOPEN: int
if sys.version_info >= (3, 12):
    TCP_FASTOPEN_CONNECT: int
    TCP_FASTOPEN_KEY: int
    TCP_FASTOPEN_NO_COOKIE: int
TCP_INFO: int
if sys.version_info >= (3, 12):
    TCP_INQ: int
TCP_KEEPCNT: int
TCP_KEEPIDLE: int
TCP_KEEPINTVL: int
TCP_LINGER2: int
TCP_MAXSEG: int
if sys.version_info >= (3, 12):
    TCP_MD5SIG: int
    TCP_MD5SIG_EXT: int
TCP_NODELAY: int
TCP_NOTSENT_LOWAT: int
if sys.version_info >= (3, 12):
    TCP_QUEUE_SEQ: int
TCP_QUICKACK: int
if sys.version_info >= (3, 12):
    TCP_REPAIR: int
    TCP_REPAIR_OPTIONS: int
    TCP_REPAIR_QUEUE: int
    TCP_REPAIR_WINDOW: int
    TCP_SAVED_SYN: int
    TCP_SAVE_SYN: int
TCP_SYNCNT: int
if sys.version_info >= (3, 12):
    TCP_THIN_DUPACK: int
    TCP_THIN_LINEAR_TIMEOUTS: int
    TCP_TIMESTAMP: int
    TCP_TX_DELAY: int
    TCP_ULP: int
TCP_USER_TIMEOUT: int
TCP_WINDOW_CLAMP: int
if sys.version_info >= (3, 12):
    TCP_ZEROCOPY_RECEIVE: int
UDPLITE_RECV_CSCOV: int
UDPLITE_SEND_CSCOV: int
EAI_ADDRFAMILY: int
EAI_AGAIN: int
EAI_BADFLAGS: int
EAI_FAIL: int
EAI_FAMILY: int
EAI_MEMORY: int
EAI_NODATA: int
EAI_NONAME: int
EAI_OVERFLOW: int
EAI_SERVICE: int
EAI_SOCKTYPE: int
EAI_SYSTEM: int
AI_ADDRCONFIG: int
AI_ALL: int
AI_CANONNAME: int
AI_NUMERICHOST: int
AI_NUMERICSERV: int
AI_PASSIVE: int
AI_V4MAPPED: int
NI_DGRAM: int
if sys.version_info >= (3, 13):
    NI_IDN: int
NI_MAXHOST: int
NI_MAXSERV: int
NI_NAMEREQD: int
NI_NOFQDN: int
NI_NUMERICHOST: int
NI_NUMERICSERV: int
if sys.version_info >= (3, 12):
    ETH_P_ALL: int
    ETHERTYPE_ARP: int
    ETHERTYPE_IP: int
    ETHERTYPE_IPV6: int
    ETHERTYPE_VLAN: int
PACKET_BROADCAST: int
PACKET_FASTROUTE: int
PACKET_HOST: int
PACKET_LOOPBACK: int
PACKET_MULTICAST: int
PACKET_OTHERHOST: int
PACKET_OUTGOING: int
NETLINK_CRYPTO: int
NETLINK_DNRTMSG: int
NETLINK_FIREWALL: int
NETLINK_IP6_FW: int
NETLINK_NFLOG: int
NETLINK_ROUTE: int
NETLINK_USERSOCK: int
NETLINK_XFRM: int
CAN_BCM: int
CAN_BCM_CAN_FD_FRAME: int
CAN_BCM_RX_ANNOUNCE_RESUME: int
CAN_BCM_RX_CHANGED: int
CAN_BCM_RX_CHECK_DLC: int
CAN_BCM_RX_DELETE: int
CAN_BCM_RX_FILTER_ID: int
CAN_BCM_RX_NO_AUTOTIMER: int
CAN_BCM_RX_READ: int
CAN_BCM_RX_RTR_FRAME: int
CAN_BCM_RX_SETUP: int
CAN_BCM_RX_STATUS: int
CAN_BCM_RX_TIMEOUT: int
CAN_BCM_SETTIMER: int
CAN_BCM_STARTTIMER: int
CAN_BCM_TX_ANNOUNCE: int
CAN_BCM_TX_COUNTEVT: int
CAN_BCM_TX_CP_CAN_ID: int
CAN_BCM_TX_DELETE: int
CAN_BCM_TX_EXPIRED: int
CAN_BCM_TX_READ: int
CAN_BCM_TX_RESET_MULTI_IDX: int
CAN_BCM_TX_SEND: int
CAN_BCM_TX_SETUP: int
CAN_BCM_TX_STATUS: int
CAN_EFF_FLAG: int
CAN_EFF_MASK: int
CAN_ERR_FLAG: int
CAN_ERR_MASK: int
CAN_ISOTP: int
if sys.version_info >= (3, 15):
    CAN_ISOTP_CHK_PAD_DATA: int
    CAN_ISOTP_CHK_PAD_LEN: int
    CAN_ISOTP_DEFAULT_EXT_ADDRESS: int
    CAN_ISOTP_DEFAULT_FLAGS: int
    CAN_ISOTP_DEFAULT_FRAME_TXTIME: int
    CAN_ISOTP_DEFAULT_LL_MTU: int
    CAN_ISOTP_DEFAULT_LL_TX_DL: int
    CAN_ISOTP_DEFAULT_LL_TX_FLAGS: int
    CAN_ISOTP_DEFAULT_PAD_CONTENT: int
    CAN_ISOTP_DEFAULT_RECV_BS: int
    CAN_ISOTP_DEFAULT_RECV_STMIN: int
    CAN_ISOTP_DEFAULT_RECV_WFTMAX: int
    CAN_ISOTP_EXTEND_ADDR: int
    CAN_ISOTP_FORCE_RXSTMIN: int
    CAN_ISOTP_FORCE_TXSTMIN: int
    CAN_ISOTP_HALF_DUPLEX: int
    CAN_ISOTP_LISTEN_MODE: int
    CAN_ISOTP_LL_OPTS: int
    CAN_ISOTP_OPTS: int
    CAN_ISOTP_RECV_FC: int
    CAN_ISOTP_RX_EXT_ADDR: int
    CAN_ISOTP_RX_PADDING: int
    CAN_ISOTP_RX_STMIN: int
    CAN_ISOTP_SF_BROADCAST: int
    CAN_ISOTP_TX_PADDING: int
    CAN_ISOTP_TX_STMIN: int
    CAN_ISOTP_WAIT_TX_DONE: int
    SOL_CAN_ISOTP: int
CAN_J1939: int
CAN_RAW: int
if sys.version_info < (3, 11) or sys.version_info >= (3, 14):
    CAN_RAW_ERR_FILTER: int
CAN_RAW_FD_FRAMES: int
CAN_RAW_FILTER: int
CAN_RAW_JOIN_FILTERS: int
CAN_RAW_LOOPBACK: int
CAN_RAW_RECV_OWN_MSGS: int
CAN_RTR_FLAG: int
CAN_SFF_MASK: int
J1939_EE_INFO_NONE: int
J1939_EE_INFO_TX_ABORT: int
J1939_FILTER_MAX: int
J1939_IDLE_ADDR: int
J1939_MAX_UNICAST_ADDR: int
J1939_NLA_BYTES_ACKED: int
J1939_NLA_PAD: int
J1939_NO_ADDR: int
J1939_NO_NAME: int
J1939_NO_PGN: int
J1939_PGN_ADDRESS_CLAIMED: int
J1939_PGN_ADDRESS_COMMANDED: int
J1939_PGN_MAX: int
J1939_PGN_PDU1_MAX: int
J1939_PGN_REQUEST: int
ALG_OP_DECRYPT: int
ALG_OP_ENCRYPT: int
ALG_OP_SIGN: int
ALG_OP_VERIFY: int
ALG_SET_AEAD_ASSOCLEN: int
ALG_SET_AEAD_AUTHSIZE: int
ALG_SET_IV: int
ALG_SET_KEY: int
ALG_SET_OP: int
ALG_SET_PUBKEY: int
TIPC_ADDR_ID: int
TIPC_ADDR_NAME: int
TIPC_ADDR_NAMESEQ: int
TIPC_CFG_SRV: int
TIPC_CLUSTER_SCOPE: int
TIPC_CONN_TIMEOUT: int
TIPC_CRITICAL_IMPORTANCE: int
TIPC_DEST_DROPPABLE: int
TIPC_HIGH_IMPORTANCE: int
TIPC_IMPORTANCE: int
TIPC_LOW_IMPORTANCE: int
TIPC_MEDIUM_IMPORTANCE: int
TIPC_NODE_SCOPE: int
TIPC_PUBLISHED: int
TIPC_SRC_DROPPABLE: int
TIPC_SUBSCR_TIMEOUT: int
TIPC_SUB_CANCEL: int
TIPC_SUB_PORTS: int
TIPC_SUB_SERVICE: int
TIPC_TOP_SRV: int
TIPC_WAIT_FOREVER: int
TIPC_WITHDRAWN: int
TIPC_ZONE_SCOPE: int
VMADDR_CID_ANY: int
VMADDR_CID_HOST: int
VMADDR_PORT_ANY: int
if sys.version_info >= (3, 14):
    VMADDR_CID_LOCAL: int
VM_SOCKETS_INVALID_VERSION: int
IOCTL_VM_SOCKETS_GET_LOCAL_CID: int
AF_BLUETOOTH: int
if sys.version_info >= (3, 14):
    BDADDR_BREDR: int
    BDADDR_LE_PUBLIC: int
    BDADDR_LE_RANDOM: int
BTPROTO_HCI: int
BTPROTO_L2CAP: int
BTPROTO_RFCOMM: int
BTPROTO_SCO: int
if sys.version_info >= (3, 14):
    BT_CHANNEL_POLICY: int
    BT_CHANNEL_POLICY_BREDR_ONLY: int
    BT_CHANNEL_POLICY_BREDR_PREFERRED: int
    BT_CODEC: int
    BT_DEFER_SETUP: int
    BT_FLUSHABLE: int
    BT_FLUSHABLE_OFF: int
    BT_FLUSHABLE_ON: int
    BT_ISO_QOS: int
    BT_MODE: int
    BT_MODE_BASIC: int
    BT_MODE_ERTM: int
    BT_MODE_EXT_FLOWCTL: int
    BT_MODE_LE_FLOWCTL: int
    BT_MODE_STREAMING: int
    BT_PHY: int
    BT_PHY_BR_1M_1SLOT: int
    BT_PHY_BR_1M_3SLOT: int
    BT_PHY_BR_1M_5SLOT: int
    BT_PHY_EDR_2M_1SLOT: int
    BT_PHY_EDR_2M_3SLOT: int
    BT_PHY_EDR_2M_5SLOT: int
    BT_PHY_EDR_3M_1SLOT: int
    BT_PHY_EDR_3M_3SLOT: int
    BT_PHY_EDR_3M_5SLOT: int
    BT_PHY_LE_1M_RX: int
    BT_PHY_LE_1M_TX: int
    BT_PHY_LE_2M_RX: int
    BT_PHY_LE_2M_TX: int
    BT_PHY_LE_CODED_RX: int
    BT_PHY_LE_CODED_TX: int
    BT_PKT_STATUS: int
    BT_POWER: int
    BT_POWER_FORCE_ACTIVE_OFF: int
    BT_POWER_FORCE_ACTIVE_ON: int
    BT_RCVMTU: int
    BT_SECURITY: int
    BT_SECURITY_FIPS: int
    BT_SECURITY_HIGH: int
    BT_SECURITY_LOW: int
    BT_SECURITY_MEDIUM: int
    BT_SECURITY_SDP: int
    BT_SNDMTU: int
    BT_VOICE: int
    BT_VOICE_CVSD_16BIT: int
    BT_VOICE_TRANSPARENT: int
    BT_VOICE_TRANSPARENT_16BIT: int
    HCI_CHANNEL_CONTROL: int
    HCI_CHANNEL_LOGGING: int
    HCI_CHANNEL_MONITOR: int
    HCI_CHANNEL_RAW: int
    HCI_CHANNEL_USER: int
HCI_DATA_DIR: int
if sys.version_info >= (3, 14):
    HCI_DEV_NONE: int
HCI_FILTER: int
HCI_TIME_STAMP: int
if sys.version_info >= (3, 14):
    L2CAP_LM: int
    L2CAP_LM_AUTH: int
    L2CAP_LM_ENCRYPT: int
    L2CAP_LM_MASTER: int
    L2CAP_LM_RELIABLE: int
    L2CAP_LM_SECURE: int
    L2CAP_LM_TRUSTED: int
    SOL_BLUETOOTH: int
SOL_HCI: int
if sys.version_info >= (3, 14):
    SOL_L2CAP: int
    SOL_RFCOMM: int
    SOL_SCO: int
MSG_WAITFORONE: int
UDP_SEGMENT: int
UDP_GRO: int
# --- end of generated constants ---

# Bluetooth's two address constants are strings, outside the integer table (constants.c).
if sys.platform == "linux":
    BDADDR_ANY: str
    BDADDR_LOCAL: str
