"""Python-facing fuzzer (atheris) for make fuzz: socket methods and module functions of csocket's
extension, built with clang -fsanitize=address,undefined,fuzzer-no-link, called with generated
arguments of every type and shape.  An exception is fine; a crash, sanitizer report, hang, or an
exception type no Python code could expect (SystemError) is a finding.

Safety (the network rules): sockets are AF_UNIX, socketpair, and TCP/UDP on 127.0.0.1 and ::1
only; an address given to connect/sendto/bind names only those hosts, with ports of this
process's own sockets (or an out-of-range int, refused before any system call); host text is
numeric (and round-trips through inet_pton), getaddrinfo always gets AI_NUMERICHOST, getnameinfo
NI_NUMERICHOST|NI_NUMERICSERV, gethostbyaddr only 127.0.0.1; sethostname is never called; every
blocking call runs with a timeout of at most a millisecond.
    fuzz/run_python.sh    (sets LD_PRELOAD and PYTHONPATH; see the comment there)
"""
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    pass  # nothing of Python's own to instrument: coverage comes from the extension

import _socket as _builtin  # noqa: E402  (only to compare a SystemError with)
from csocket import _csocket as C  # noqa: E402

# AF_UNIX names live here (run_python.sh gives a directory under build/ and empties it).
TMP = os.environ.get("CSK_FUZZ_TMP") or tempfile.mkdtemp(prefix="csocket-fuzz-")
os.makedirs(TMP, exist_ok=True)
HOSTS4 = ["127.0.0.1", "127.0.0.2", "", "0.0.0.0"]
HOSTS6 = ["::1", "", "::"]
SAFE_TEXT = ["", "x", "a" * 300, "tcp", "udp", "http", "lo", "eth0", "\0", "é", "a\0b",
             "0", "-1", "65536", "ffff::1", "1.2.3.4.5"]


class Pool:
    """The sockets the fuzzer works on, remade when an input closes or detaches one."""

    def __init__(self):
        self.socks = []
        self.listener = C.socket(C.AF_INET, C.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.udp = C.socket(C.AF_INET, C.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp_port = self.udp.getsockname()[1]
        self.unix_path = os.path.join(TMP, "srv")
        self.unix = C.socket(C.AF_UNIX, C.SOCK_DGRAM)
        self.unix.bind(self.unix_path)
        self.refill()

    def refill(self):
        self.socks = [s for s in self.socks if s.fileno() != -1]
        while len(self.socks) < 6:
            kind = len(self.socks) % 3
            if kind == 0:
                self.socks.extend(C.socketpair())
            elif kind == 1:
                self.socks.extend(C.socketpair(C.AF_UNIX, C.SOCK_DGRAM))
            else:
                self.socks.append(C.socket(C.AF_INET, C.SOCK_DGRAM))
        for s in self.socks:
            s.settimeout(0.0)

    def drain(self):
        """Accept and close what connected; empty the receive queues."""
        while True:
            try:
                fd, _ = self.listener._accept()
            except OSError:
                break
            os.close(fd)
        for s in (self.udp, self.unix):
            s.setblocking(False)
            for _ in range(64):
                try:
                    s.recv(65536)
                except OSError:
                    break


def value(fdp, depth=0):
    """A Python value of any type the binding may meet."""
    choice = fdp.ConsumeIntInRange(0, 15)
    if choice == 0:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 10))
    if choice == 1:
        return fdp.ConsumeIntInRange(-2, 70000)
    if choice == 2:
        return fdp.ConsumeRegularFloat()
    if choice == 3:
        return fdp.PickValueInList([float("nan"), float("inf"), -float("inf"), -0.0, 1e-9, 1e300])
    if choice == 4:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300))
    if choice == 5:
        return bytearray(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64)))
    if choice == 6:
        return memoryview(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64)))
    if choice == 7:
        return fdp.PickValueInList(SAFE_TEXT)
    if choice == 8:
        return None
    if choice in (9, 10) and depth < 2:
        return tuple(value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 6)))
    if choice == 11 and depth < 2:
        return [value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    if choice == 12:
        return fdp.PickValueInList([True, False, object(), 2 ** 64, -2 ** 63, 2 ** 31, -1])
    return fdp.ConsumeIntInRange(-1, 300)


def port(fdp, pool, udp=False):
    own = pool.udp_port if udp else pool.port
    return fdp.PickValueInList([own, own, 0, -1, 65536, 2 ** 40, "80", None, 1.5])


def address(fdp, pool, family, udp=False):
    """An address for `family`: well-formed and safe, or malformed in type or shape."""
    kind = fdp.ConsumeIntInRange(0, 5)
    if family == C.AF_UNIX:
        if kind == 0:
            return pool.unix_path
        if kind == 1:
            return b"\0csocket-fuzz-" + fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 120))
        if kind == 2:
            return os.path.join(TMP, fdp.PickValueInList(["a", "b", "x" * 120]))
        return value(fdp)
    hosts = HOSTS6 if family == C.AF_INET6 else HOSTS4
    host = fdp.PickValueInList(hosts)
    if kind <= 2:
        if family == C.AF_INET6:
            return (host, port(fdp, pool, udp), fdp.ConsumeIntInRange(-1, 2 ** 20),
                    fdp.ConsumeIntInRange(-1, 3))[:fdp.ConsumeIntInRange(2, 4)]
        return (host, port(fdp, pool, udp))
    if kind == 3:
        return (host.encode(), port(fdp, pool, udp))
    # Malformed: a tuple whose host is not text (never a name to resolve).
    return tuple(v if not isinstance(v, str) else host for v in value(fdp, 1)
                 ) if fdp.ConsumeBool() else value(fdp, 1)


def safe_address(addr, pool):
    """True when `addr` can name nothing but this process's own loopback sockets or files."""
    if isinstance(addr, str):
        addr = addr.encode("utf-8", "surrogateescape")
    if isinstance(addr, (bytes, bytearray, memoryview)):
        # An AF_UNIX path: abstract, or one name in the current directory (TMP), or TMP's own.
        path = bytes(addr)
        return path[:1] == b"\0" or b"/" not in path or path.startswith(TMP.encode() + b"/")
    if not isinstance(addr, tuple) or not addr:
        return True
    host = addr[0]
    if isinstance(host, (bytes, bytearray, memoryview)):
        try:
            host = bytes(host).decode()
        except UnicodeDecodeError:
            return False
    if not isinstance(host, str):
        return True  # refused for its type before any lookup
    return host in HOSTS4 + HOSTS6 and (len(addr) < 2 or not isinstance(addr[1], int) or
                                        addr[1] in (pool.port, pool.udp_port, 0)
                                        or not 0 <= addr[1] <= 65535)


def numeric_host(fdp):
    """Text that is a numeric address (it round-trips), or None."""
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    for fam in (C.AF_INET, C.AF_INET6):
        try:
            if C.inet_ntop(fam, C.inet_pton(fam, text)) == text:
                return text
        except (OSError, ValueError):
            pass
    return fdp.PickValueInList(["127.0.0.1", "::1", "0.0.0.0"])


def sock_op(fdp, pool):
    pool.refill()
    s = fdp.PickValueInList(pool.socks)
    fam = s.family
    udp = s.type == C.SOCK_DGRAM
    op = fdp.ConsumeIntInRange(0, 29)
    if op >= 28:
        return other_family_op(fdp)
    s.settimeout(fdp.PickValueInList([0.0, 0.0, 0.0, 0.001]))
    if op == 0:
        s.send(value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 1:
        s.recv(value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 2:
        s.recv_into(value(fdp), *[value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 2))])
    elif op == 3:
        s.recvfrom(value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 4:
        s.recvfrom_into(value(fdp), *[value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 2))])
    elif op == 5:
        addr = address(fdp, pool, fam, udp)
        if safe_address(addr, pool):
            s.sendto(value(fdp), addr)
    elif op == 6:
        s.sendall(value(fdp))
    elif op == 7:
        anc = [(fdp.PickValueInList([C.SOL_SOCKET, 0, -1, value(fdp)]),
                fdp.PickValueInList([C.SCM_RIGHTS, C.SCM_CREDENTIALS, 0, value(fdp)]),
                value(fdp)) for _ in range(fdp.ConsumeIntInRange(0, 3))]
        bufs = [value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        args = [bufs, anc, value(fdp)]
        if fdp.ConsumeBool():
            addr = address(fdp, pool, fam, udp)
            if not safe_address(addr, pool):
                return
            args.append(addr)
        s.sendmsg(*args[:fdp.ConsumeIntInRange(1, len(args))])
    elif op == 8:
        res = s.recvmsg(*[value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 3))])
        close_rights(res[1])
    elif op == 9:
        res = s.recvmsg_into(value(fdp), *[value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 2))])
        close_rights(res[1])
    elif op == 10:
        s.getsockopt(value(fdp), value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 11:
        level = fdp.PickValueInList([C.SOL_SOCKET, C.IPPROTO_TCP, C.IPPROTO_IP, value(fdp)])
        name = fdp.ConsumeIntInRange(-1, 70)
        if level == C.SOL_SOCKET and name == C.SO_BINDTODEVICE:
            return
        s.setsockopt(level, name, value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 12:
        s.settimeout(value(fdp))
    elif op == 13:
        s.setblocking(value(fdp))
    elif op == 14:
        s.shutdown(value(fdp))
    elif op == 15:
        addr = address(fdp, pool, fam, udp)
        if safe_address(addr, pool):
            s.bind(addr)
    elif op == 16:
        addr = address(fdp, pool, fam, udp)
        if safe_address(addr, pool):
            s.connect_ex(addr) if fdp.ConsumeBool() else s.connect(addr)
    elif op == 17:
        s.listen(*[value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 2))])
    elif op == 18:
        s.getsockname()
        s.getpeername()
    elif op == 19:
        s.close()
    elif op == 20:
        os.close(s.detach())
    elif op == 21:
        fd, _ = s._accept()
        os.close(fd)
    elif op == 22:
        s.sendmsg_afalg(*[value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 2))],
                        **({"op": value(fdp)} if fdp.ConsumeBool() else {}))
    elif op == 23:
        repr(s), s.fileno(), s.gettimeout(), s.getblocking(), s.family, s.type, s.proto
    elif op == 24:
        t = C.socket(fam, s.type, 0, s.fileno() if fdp.ConsumeBool() else value(fdp))
        t.detach()
    elif op == 25:
        args = [value(fdp) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        if args and isinstance(args[0], int) and args[0] not in (C.AF_UNIX, C.AF_INET,
                                                                 C.AF_INET6):
            args[0] = C.AF_UNIX  # no packet or routing sockets: nothing must leave this host
        if len(args) >= 4:
            args[3] = None  # never wrap a descriptor that is not ours
        C.socket(*args).close()
    elif op == 26:
        a, b = C.socketpair(*[fdp.PickValueInList([C.AF_UNIX, C.SOCK_STREAM, C.SOCK_DGRAM, 0,
                                                   value(fdp)])
                              for _ in range(fdp.ConsumeIntInRange(0, 3))])
        a.close()
        b.close()
    else:
        os.close(C.dup(s.fileno()))


# Families whose address parsers are fuzzed on a socket object that claims the family while its
# descriptor is an AF_UNIX datagram socket: the binding parses the address in full, and the kernel
# then refuses it for the descriptor's real family, so nothing is ever sent or bound.  AF_RDS is
# left out: its addresses are IPv4 ones, which a UDP descriptor would accept.
OTHER_FAMILIES = [getattr(C, n) for n in ("AF_PACKET", "AF_NETLINK", "AF_TIPC", "AF_ALG", "AF_CAN",
                                          "AF_VSOCK", "AF_QIPCRTR", "AF_BLUETOOTH") if hasattr(C, n)]


def family_address(fdp):
    """A tuple in the shapes these families take: ints, interface names, bytes, text."""
    items = []
    for _ in range(fdp.ConsumeIntInRange(0, 6)):
        k = fdp.ConsumeIntInRange(0, 5)
        if k == 0:
            items.append(fdp.ConsumeIntInRange(-1, 2 ** 32))
        elif k == 1:
            items.append(fdp.PickValueInList(["lo", "", "eth0", "x" * 20, "01:23:45:67:89:AB",
                                              "hash", "sha256", "skcipher", "cbc(aes)" * 20]))
        elif k == 2:
            items.append(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 24)))
        else:
            items.append(value(fdp, 1))
    return tuple(items) if fdp.ConsumeIntInRange(0, 7) else value(fdp, 1)


def other_family_op(fdp):
    fam = fdp.PickValueInList(OTHER_FAMILIES)
    type_ = fdp.PickValueInList([C.SOCK_DGRAM, C.SOCK_RAW, C.SOCK_STREAM, C.SOCK_SEQPACKET])
    proto = fdp.ConsumeIntInRange(0, 12)
    addr = family_address(fdp)
    how = fdp.ConsumeIntInRange(0, 5)
    try:
        family_call(C, fam, type_, proto, addr, how)
    except SystemError:
        # The built-in module has a few of these itself (AF_CAN ISO-TP and J1939 addresses
        # that are not tuples): csocket matches it there, and only there.
        try:
            family_call(_builtin, fam, type_, proto, addr, how)
        except SystemError:
            return
        except Exception:
            pass
        raise


def family_call(M, fam, type_, proto, addr, how):
    carrier = M.socket(M.AF_UNIX, M.SOCK_DGRAM)
    try:
        s = M.socket(fam, type_, proto, os.dup(carrier.fileno()))
    finally:
        carrier.close()
    try:
        s.settimeout(0.0)
        if how == 0:
            s.bind(addr)
        elif how == 1:
            s.connect(addr)
        elif how == 2:
            s.connect_ex(addr)
        elif how == 3:
            s.sendto(b"x", addr)
        elif how == 4:
            s.sendmsg([b"x"], [], 0, addr)
        else:
            s.getsockname()
    finally:
        s.close()


def close_rights(ancillary):
    for level, type_, data in ancillary:
        if level == C.SOL_SOCKET and type_ == C.SCM_RIGHTS:
            for i in range(0, len(data) - len(data) % 4, 4):
                try:
                    os.close(int.from_bytes(data[i:i + 4], sys.byteorder))
                except OSError:
                    pass


def module_op(fdp):
    op = fdp.ConsumeIntInRange(0, 17)
    if op == 0:
        C.getaddrinfo(numeric_host(fdp), fdp.PickValueInList([None, 0, 80, "80", -1, 2 ** 20]),
                      fdp.PickValueInList([0, C.AF_INET, C.AF_INET6, C.AF_UNIX, value(fdp)]),
                      fdp.PickValueInList([0, C.SOCK_STREAM, C.SOCK_DGRAM, value(fdp)]),
                      fdp.PickValueInList([0, 6, 17, value(fdp)]),
                      C.AI_NUMERICHOST | C.AI_NUMERICSERV | (fdp.ConsumeIntInRange(0, 0x7f) &
                                                             ~C.AI_CANONNAME))
    elif op == 1:
        C.getnameinfo(value(fdp) if fdp.ConsumeBool() else
                      (numeric_host(fdp), fdp.ConsumeIntInRange(-1, 70000)),
                      C.NI_NUMERICHOST | C.NI_NUMERICSERV |
                      (fdp.ConsumeIntInRange(0, 0xff) & ~C.NI_NAMEREQD))
    elif op == 2:
        C.inet_aton(value(fdp) if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(20))
    elif op == 3:
        C.inet_ntoa(value(fdp))
    elif op == 4:
        C.inet_pton(value(fdp), value(fdp) if fdp.ConsumeBool() else
                    fdp.ConsumeUnicodeNoSurrogates(50))
    elif op == 5:
        C.inet_ntop(fdp.PickValueInList([C.AF_INET, C.AF_INET6, value(fdp)]), value(fdp))
    elif op == 6:
        getattr(C, fdp.PickValueInList(["htons", "ntohs", "htonl", "ntohl"]))(value(fdp))
    elif op == 7:
        C.CMSG_LEN(value(fdp)) if fdp.ConsumeBool() else C.CMSG_SPACE(value(fdp))
    elif op == 8:
        C.getservbyname(value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 9:
        C.getservbyport(value(fdp), *([value(fdp)] if fdp.ConsumeBool() else []))
    elif op == 10:
        C.getprotobyname(value(fdp))
    elif op == 11:
        C.if_nametoindex(value(fdp))
    elif op == 12:
        C.if_indextoname(value(fdp))
    elif op == 13:
        C.if_nameindex()
        C.gethostname()
    elif op == 14:
        old = C.getdefaulttimeout()
        try:
            C.setdefaulttimeout(value(fdp))
        finally:
            C.setdefaulttimeout(old)
    elif op == 15:
        host = numeric_host(fdp)
        if host.startswith("127."):
            (C.gethostbyname if fdp.ConsumeBool() else C.gethostbyname_ex)(host)
    elif op == 16:
        C.gethostbyaddr("127.0.0.1")
    else:
        fd = fdp.PickValueInList([-1, 2 ** 31, None, value(fdp)])
        if isinstance(fd, int) and 0 <= fd < 2 ** 31:
            fd = os.open(os.devnull, os.O_RDONLY)  # only a descriptor of its own: never stderr
        C.close(fd)


POOL = None
RUNS = 0


def one_input(data):
    global POOL, RUNS
    if POOL is None:
        POOL = Pool()
    RUNS += 1
    fdp = atheris.FuzzedDataProvider(data)
    for _ in range(fdp.ConsumeIntInRange(1, 8)):
        try:
            if fdp.ConsumeBool():
                sock_op(fdp, POOL)
            else:
                module_op(fdp)
        except SystemError:
            raise  # the binding returned NULL without an exception, or the reverse
        except (Exception, KeyboardInterrupt):
            pass
    if RUNS % 64 == 0:
        POOL.drain()


def main():
    os.chdir(TMP)  # AF_UNIX names without a directory land here
    atheris.Setup(sys.argv, one_input, internal_libfuzzer=True)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
