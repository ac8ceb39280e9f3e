"""The benchmark's workloads: each one's Python loop, written once for every contender.

A loop is given the ``socket`` module of the process it runs in, so the built-in module and csocket
execute the same bytecode through the interpreter's own socket.py and differ only in the ``_socket``
underneath.  Set-up (connections, an event loop) happens before timing; ``make(...)`` returns a
function that runs ``loops`` operations and returns the seconds they took, as pyperf's
``bench_time_func`` expects.  The C-limit versions of the same loops are in bench/client.c.
"""
from collections import namedtuple
from time import perf_counter

MSG = b"x" * 64
BULK = b"x" * 65536
IPV6 = "2001:db8:85a3::8a2e:370:7334"
HOST = "127.0.0.1"
TIMEOUT = 5.0
UDP_GRO = 104  # linux/udp.h; the built-in module does not name it

# service: the peer service the loop talks to (None: the process talks to itself or to nobody).
# needs: functions of the underlying _socket the loop calls; without them it is reported "n/a".
# target: csocket/built-in ratio the workload must reach; 1.0 means "never slower".
Workload = namedtuple("Workload", "name title service needs target")


class NotAvailable(Exception):
    """This machine cannot run the loop (a kernel feature it lacks): the row is reported n/a."""


WORKLOADS = [
    Workload("recv_into_64", "recv_into 64 B (stream)", "source", (), 1.0),
    Workload("recv_into_64_timeout", "recv_into 64 B, timeout", "source", (), 2.0),
    Workload("sendall_64", "sendall 64 B (sink)", "sink", (), 1.0),
    Workload("sendall_64_timeout", "sendall 64 B, timeout", "sink", (), 1.6),
    Workload("tcp_pingpong_64", "TCP ping-pong 64 B", "echo", (), 1.0),
    Workload("sendall_64k", "sendall 64 KiB bulk", "sink", (), 1.0),
    Workload("udp_pingpong_64", "UDP ping-pong 64 B", "udp_echo", (), 1.0),
    Workload("connect_close", "connect+close", "accept", (), 1.0),
    Workload("settimeout_same", "settimeout, same value", None, (), 5.0),
    Workload("recv_262144", "send+recv(262144) 64 B", None, (), 4.0),
    Workload("recv_4096", "send+recv(4096) 64 B", None, (), 1.0),
    Workload("recvfrom_262144", "UDP recvfrom(262144) 64 B", None, (), 4.0),
    Workload("recvfrom_4096", "UDP recvfrom(4096) 64 B", None, (), 1.0),
    # Batch datagram I/O: the built-in module has no sendmmsg/recvmmsg/GSO, so csocket's batch call
    # runs against the built-in module's per-datagram loop for the same datagrams ("vs sendto": one
    # op is the whole batch; 64K = 64 KiB in 1,200-byte datagrams, so ops/s is bytes/s / 64 KiB).
    # The C limit is the batch call itself, which shows how much of each op is the kernel's.
    Workload("udp_sendmmsg_32x64", "sendmmsg 32x64 B (vs sendto)", None, (), 4.0),
    Workload("udp_recvmmsg_32x64", "recvmmsg 32x64 B (vs recvfrom)", None, (), 2.5),
    # send_segments twice: to a receiver that takes coalesced datagrams whole (UDP_GRO, as a QUIC
    # peer does), and to one that does not, where loopback splits each 64 KiB message back into 55
    # datagrams inside the sender's own system call (that work caps even the C limit near 5.5x).
    Workload("udp_gso_64k_gro", "send_segments 64K, GRO peer (vs sendto)", None, (), 8.0),
    Workload("udp_gso_64k", "send_segments 64K (vs sendto)", None, (), 8.0),
    Workload("inet_pton_ntop", "inet_pton+inet_ntop IPv6", None, ("inet_pton", "inet_ntop"), 1.0),
    Workload("getaddrinfo_numeric", "getaddrinfo numeric", None, ("getaddrinfo",), 1.0),
    Workload("socket_close", "socket()+close()", None, (), 1.0),
    Workload("asyncio_protocol_echo", "asyncio Protocol echo", None, (), 2.0),
    Workload("asyncio_streams_echo", "asyncio streams echo", None, (), 2.0),
    Workload("asyncio_datagram_echo", "asyncio datagram echo", None, (), 2.0),
]

BY_NAME = {w.name: w for w in WORKLOADS}


def make(name, socket, port):
    """Set up workload `name` on module `socket` (talking to the peer on `port`) and return its loop."""
    return _MAKERS[name](socket, port)


def _timed(body):
    """Wrap `body(loops)` so that it returns the seconds the loops took."""

    def run(loops):
        t0 = perf_counter()
        body(loops)
        return perf_counter() - t0

    return run


def _connect(socket, port, nodelay=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((HOST, port))
    if nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _tcp_pair(socket):
    """A loopback TCP connection with both ends in this process: (sending end, receiving end)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((HOST, 0))
    listener.listen(1)
    a = _connect(socket, listener.getsockname()[1], nodelay=True)
    b, _ = listener.accept()
    listener.close()
    b.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return a, b


def _udp_pair(socket):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind((HOST, 0))
    b.bind((HOST, 0))
    return a, b


# ---- loops against the peer --------------------------------------------------------------------


def _recv_into(socket, port, timeout):
    s = _connect(socket, port)
    if timeout:
        s.settimeout(TIMEOUT)
    recv_into, buf = s.recv_into, bytearray(64)

    def body(loops):
        for _ in range(loops):
            recv_into(buf)

    return _timed(body)


def _sendall(socket, port, timeout, data):
    s = _connect(socket, port)
    if timeout:
        s.settimeout(TIMEOUT)
    sendall = s.sendall

    def body(loops):
        for _ in range(loops):
            sendall(data)

    return _timed(body)


def _tcp_pingpong(socket, port):
    s = _connect(socket, port, nodelay=True)
    sendall, recv = s.sendall, s.recv

    def body(loops):
        for _ in range(loops):
            sendall(MSG)
            got = len(recv(64))
            while got < 64:
                got += len(recv(64 - got))

    return _timed(body)


def _udp_pingpong(socket, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    sendto, recvfrom, addr = s.sendto, s.recvfrom, (HOST, port)

    def body(loops):
        for _ in range(loops):
            sendto(MSG, addr)
            recvfrom(4096)

    return _timed(body)


def _connect_close(socket, port):
    sock, family, kind, addr = socket.socket, socket.AF_INET, socket.SOCK_STREAM, (HOST, port)

    def body(loops):
        for _ in range(loops):
            s = sock(family, kind)
            s.connect(addr)
            s.close()

    return _timed(body)


# ---- loops inside the process ------------------------------------------------------------------


def _settimeout_same(socket, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    settimeout = s.settimeout

    def body(loops):
        for _ in range(loops):
            settimeout(TIMEOUT)

    return _timed(body)


def _recv_pair(socket, port, size):
    a, b = _tcp_pair(socket)
    send, recv = a.send, b.recv

    def body(loops):
        for _ in range(loops):
            send(MSG)
            recv(size)

    return _timed(body)


def _recvfrom_pair(socket, port, size):
    a, b = _udp_pair(socket)
    sendto, recvfrom, addr = a.sendto, b.recvfrom, b.getsockname()

    def body(loops):
        for _ in range(loops):
            sendto(MSG, addr)
            recvfrom(size)

    return _timed(body)


# ---- batch datagram I/O: csocket's batch call where the socket has it, else a per-datagram loop --


BATCH = 32
SEGMENT = 1200


def _udp_sink(socket, gro=False):
    """A UDP socket nobody reads, with the smallest receive buffer: nearly every datagram is
    dropped on arrival, so each send costs the same however long the run.  With `gro`, the socket
    accepts coalesced datagrams (UDP_GRO) whole."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    if gro:
        try:
            s.setsockopt(socket.IPPROTO_UDP, UDP_GRO, 1)
        except OSError as e:  # a kernel before 5.0
            s.close()
            raise NotAvailable("UDP_GRO: %s" % e) from None
    s.bind((HOST, 0))
    return s


def _udp_sendmmsg(socket, port):
    sink = _udp_sink(socket)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    addr = sink.getsockname()
    batch = [(MSG, addr)] * BATCH
    if hasattr(s, "sendmmsg"):
        sendmmsg = s.sendmmsg

        def body(loops):
            for _ in range(loops):
                sendmmsg(batch)
    else:
        sendto = s.sendto

        def body(loops):
            for _ in range(loops):
                for _ in range(BATCH):
                    sendto(MSG, addr)

    body.keep = (sink, s)
    return _timed(body)


def _udp_recvmmsg(socket, port):
    """Only the receiving is timed: each op first queues BATCH datagrams (untimed)."""
    a, b = _udp_pair(socket)
    addr = b.getsockname()
    batch = [(MSG, addr)] * BATCH
    fill = (lambda: a.sendmmsg(batch)) if hasattr(a, "sendmmsg") else \
        (lambda: [a.sendto(MSG, addr) for _ in range(BATCH)])
    if hasattr(b, "recvmmsg"):
        recvmmsg = b.recvmmsg

        def receive():
            got = len(recvmmsg(BATCH, 2048))
            while got < BATCH:
                got += len(recvmmsg(BATCH - got, 2048))
    else:
        recvfrom = b.recvfrom

        def receive():
            for _ in range(BATCH):
                recvfrom(2048)

    def run(loops):
        spent = 0.0
        for _ in range(loops):
            fill()
            t0 = perf_counter()
            receive()
            spent += perf_counter() - t0
        return spent

    run.keep = (a, b)
    return run


def _udp_gso(socket, port, gro=False):
    sink = _udp_sink(socket, gro)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    addr = sink.getsockname()
    if hasattr(s, "send_segments"):
        send_segments = s.send_segments

        def body(loops):
            for _ in range(loops):
                send_segments(BULK, SEGMENT, addr)
    else:
        sendto = s.sendto
        pieces = [BULK[i:i + SEGMENT] for i in range(0, len(BULK), SEGMENT)]

        def body(loops):
            for _ in range(loops):
                for piece in pieces:
                    sendto(piece, addr)

    body.keep = (sink, s)
    return _timed(body)


def _inet(socket, port):
    pton, ntop, family = socket.inet_pton, socket.inet_ntop, socket.AF_INET6

    def body(loops):
        for _ in range(loops):
            ntop(family, pton(family, IPV6))

    return _timed(body)


def _getaddrinfo(socket, port):
    getaddrinfo, flags = socket.getaddrinfo, socket.AI_NUMERICHOST

    def body(loops):
        for _ in range(loops):
            getaddrinfo(HOST, 80, flags=flags)

    return _timed(body)


def _socket_close(socket, port):
    sock, family, kind = socket.socket, socket.AF_INET, socket.SOCK_STREAM

    def body(loops):
        for _ in range(loops):
            sock(family, kind).close()

    return _timed(body)


_MAKERS = {
    "recv_into_64": lambda so, port: _recv_into(so, port, False),
    "recv_into_64_timeout": lambda so, port: _recv_into(so, port, True),
    "sendall_64": lambda so, port: _sendall(so, port, False, MSG),
    "sendall_64_timeout": lambda so, port: _sendall(so, port, True, MSG),
    "tcp_pingpong_64": _tcp_pingpong,
    "sendall_64k": lambda so, port: _sendall(so, port, False, BULK),
    "udp_pingpong_64": _udp_pingpong,
    "connect_close": _connect_close,
    "settimeout_same": _settimeout_same,
    "recv_262144": lambda so, port: _recv_pair(so, port, 262144),
    "recv_4096": lambda so, port: _recv_pair(so, port, 4096),
    "recvfrom_262144": lambda so, port: _recvfrom_pair(so, port, 262144),
    "recvfrom_4096": lambda so, port: _recvfrom_pair(so, port, 4096),
    "udp_sendmmsg_32x64": _udp_sendmmsg,
    "udp_recvmmsg_32x64": _udp_recvmmsg,
    "udp_gso_64k_gro": lambda so, port: _udp_gso(so, port, gro=True),
    "udp_gso_64k": _udp_gso,
    "inet_pton_ntop": _inet,
    "getaddrinfo_numeric": _getaddrinfo,
    "socket_close": _socket_close,
}


def _asyncio_maker(name):
    def maker(socket, port):
        from bench import aio

        return aio.make(name, socket)

    return maker


for _name in ("asyncio_protocol_echo", "asyncio_streams_echo", "asyncio_datagram_echo"):
    _MAKERS[_name] = _asyncio_maker(_name)
