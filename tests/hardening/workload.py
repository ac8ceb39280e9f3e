"""A representative csocket workload for memcheck (make test-valgrind): every socket method and
every module function at least once, on every address family this machine supports, with the
error paths beside the happy ones (bad arguments, closed sockets, timeouts, refused connections,
truncated ancillary data).  Loopback, AF_UNIX and socketpair only; names are numeric or in
/etc/hosts; never sethostname.  Prints what it covered; exits non-zero if a call that must work
did not.      python tests/hardening/workload.py [--builtin] [rounds]
"""
import array
import errno
import os
import sys
import tempfile
import threading

if "--builtin" in sys.argv:  # the same workload on the built-in module: its expectations hold
    sys.argv.remove("--builtin")
    import _socket as C
else:
    from csocket import _csocket as C

covered = set()
expected_errors = 0
done_calls = 0


def call(name, fn, *args, exc=None, **kw):
    """Call fn; with exc, the call must raise that exception type (an error path)."""
    global expected_errors, done_calls
    covered.add(name)
    done_calls += 1
    if exc is None:
        return fn(*args, **kw)
    try:
        fn(*args, **kw)
    except exc:
        expected_errors += 1
        return None
    raise AssertionError(f"{name}{args!r} did not raise {exc}")


def methods(s, name="sock"):
    """Calls every family shares: options, modes, names, timeouts, fileno."""
    call("fileno", s.fileno)
    call("family", lambda: s.family)
    call("type", lambda: s.type)
    call("proto", lambda: s.proto)
    call("getblocking", s.getblocking)
    call("gettimeout", s.gettimeout)
    call("timeout", lambda: s.timeout)
    call("settimeout", s.settimeout, 0.5)
    call("settimeout", s.settimeout, -1.0, exc=ValueError)
    call("settimeout", s.settimeout, float("nan"), exc=ValueError)
    call("settimeout", s.settimeout, "x", exc=TypeError)
    call("setblocking", s.setblocking, False)
    call("setblocking", s.setblocking, True)
    call("getsockopt", s.getsockopt, C.SOL_SOCKET, C.SO_TYPE)
    call("getsockopt", s.getsockopt, C.SOL_SOCKET, C.SO_RCVBUF, 16)
    call("getsockopt", s.getsockopt, C.SOL_SOCKET, C.SO_TYPE, 100000, exc=OSError)
    call("getsockopt", s.getsockopt, C.SOL_SOCKET, C.SO_TYPE, -1, exc=OSError)
    call("setsockopt", s.setsockopt, C.SOL_SOCKET, C.SO_RCVBUF, 65536)
    call("setsockopt", s.setsockopt, C.SOL_SOCKET, C.SO_RCVBUF, b"\0\0\1\0")
    call("setsockopt", s.setsockopt, C.SOL_SOCKET, C.SO_RCVBUF, None, 4, exc=OSError)
    call("setsockopt", s.setsockopt, C.SOL_SOCKET, C.SO_RCVBUF, 2 ** 40, exc=TypeError)
    call("setsockopt", s.setsockopt, C.SOL_SOCKET, C.SO_RCVBUF, "x", exc=TypeError)
    call("getsockname", s.getsockname)
    call("repr", repr, s)


def closed_paths(s):
    """Every method on a closed socket raises OSError (EBADF), never touches a stale fd."""
    s.close()
    call("close", s.close)  # twice is harmless
    for meth, args in (("recv", (1,)), ("send", (b"x",)), ("sendall", (b"x",)),
                       ("getsockname", ()), ("getpeername", ()), ("listen", (1,)),
                       ("shutdown", (C.SHUT_RDWR,)), ("getsockopt", (C.SOL_SOCKET, C.SO_TYPE)),
                       ("recvmsg", (1,)), ("sendmsg", ([b"x"],)), ("_accept", ()),
                       ("recv_into", (bytearray(1),)), ("recvfrom", (1,)),
                       ("recvfrom_into", (bytearray(1),)), ("sendto", (b"x", ("127.0.0.1", 9))),
                       ("connect", (("127.0.0.1", 9),)), ("connect_ex", (("127.0.0.1", 9),)),
                       ("bind", (("127.0.0.1", 0),)), ("setblocking", (False,)),
                       ("settimeout", (1.0,)), ("setsockopt", (C.SOL_SOCKET, C.SO_RCVBUF, 1)),
                       ("recvmsg_into", ([bytearray(1)],))):
        fn = getattr(s, meth)
        try:
            call(meth, fn, *args, exc=OSError)
        except AssertionError:
            if meth not in ("connect_ex", "setblocking", "settimeout"):
                raise


def stream_pair(family, host):
    srv = C.socket(family, C.SOCK_STREAM)
    call("setsockopt", srv.setsockopt, C.SOL_SOCKET, C.SO_REUSEADDR, 1)
    call("bind", srv.bind, (host, 0))
    call("listen", srv.listen, 4)
    call("listen", srv.listen)
    addr = srv.getsockname()
    cli = C.socket(family, C.SOCK_STREAM)
    call("connect", cli.connect, addr)
    fd, peer = call("_accept", srv._accept)
    conn = C.socket(family, C.SOCK_STREAM, 0, fd)
    return srv, cli, conn, addr


def transfer(cli, conn):
    call("send", cli.send, b"hello")
    call("recv", conn.recv, 5)
    # More than the socket buffers hold: the peer reads in a thread while sendall waits.
    def read_all():
        got, buf = 0, bytearray(65536)
        while got < 300000:
            got += call("recv_into", conn.recv_into, buf)
    reader = threading.Thread(target=read_all)
    reader.start()
    call("sendall", cli.sendall, b"x" * 300000)
    reader.join()
    call("send", cli.send, memoryview(b"abcdef")[1:4])
    call("recvfrom", conn.recvfrom, 10)
    call("send", cli.send, b"abc", C.MSG_DONTWAIT)
    call("recvfrom_into", conn.recvfrom_into, bytearray(10), 2)
    call("recv_into", conn.recv_into, bytearray(10), 0, C.MSG_DONTWAIT)
    call("recv", conn.recv, -1, exc=ValueError)
    call("recv_into", conn.recv_into, bytearray(2), 5, exc=ValueError)
    call("recv_into", conn.recv_into, b"immutable", exc=TypeError)
    call("recv", conn.recv, 2 ** 62, exc=(MemoryError, OverflowError))
    call("send", cli.send, "text", exc=TypeError)
    call("sendmsg", cli.sendmsg, [b"ab", memoryview(b"cd"), bytearray(b"ef")])
    call("recvmsg", conn.recvmsg, 6)
    call("sendmsg", cli.sendmsg, [b"123456"])
    call("recvmsg_into", conn.recvmsg_into, [bytearray(2), bytearray(4)])
    call("sendmsg", cli.sendmsg, [b"x"], [(0, 0, 1)], exc=TypeError)
    call("recvmsg", conn.recvmsg, -1, exc=ValueError)
    call("recvmsg", conn.recvmsg, 1, -1, exc=ValueError)
    conn.settimeout(0.05)
    call("recv", conn.recv, 10, exc=C.timeout)
    call("recvmsg", conn.recvmsg, 10, exc=C.timeout)
    conn.setblocking(False)
    call("recv", conn.recv, 10, exc=BlockingIOError)
    conn.setblocking(True)
    call("getpeername", cli.getpeername)
    call("shutdown", cli.shutdown, C.SHUT_WR)
    call("recv", conn.recv, 10)  # b"": the peer shut down
    call("shutdown", cli.shutdown, 99, exc=OSError)


def inet(family, host):
    srv, cli, conn, addr = stream_pair(family, host)
    methods(cli)
    transfer(cli, conn)
    call("setsockopt", cli.setsockopt, C.IPPROTO_TCP, C.TCP_NODELAY, 1)
    call("getsockopt", cli.getsockopt, C.IPPROTO_TCP, C.TCP_INFO, 104)
    for s in (conn, cli, srv):
        s.close()
    # A refused connection, in blocking, timeout and connect_ex forms.
    probe = C.socket(family, C.SOCK_STREAM)
    call("connect_ex", probe.connect_ex, addr)
    probe.close()
    probe = C.socket(family, C.SOCK_STREAM)
    probe.settimeout(1.0)
    call("connect", probe.connect, addr, exc=ConnectionRefusedError)
    call("connect", probe.connect, ("127.0.0.1", 1, 2, 3, 4, 5), exc=TypeError)
    closed_paths(probe)
    # Datagrams with addresses and ancillary data.
    a = C.socket(family, C.SOCK_DGRAM)
    b = C.socket(family, C.SOCK_DGRAM)
    a.bind((host, 0))
    b.bind((host, 0))
    if family == C.AF_INET:
        call("setsockopt", b.setsockopt, C.IPPROTO_IP, getattr(C, "IP_PKTINFO", 8), 1)
        call("setsockopt", b.setsockopt, C.IPPROTO_IP, C.IP_RECVTOS, 1)
    else:
        call("setsockopt", b.setsockopt, C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, 1)
        call("setsockopt", b.setsockopt, C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, 1)
    call("sendto", a.sendto, b"dgram", b.getsockname())
    call("recvmsg", b.recvmsg, 100, C.CMSG_SPACE(64))
    call("sendto", a.sendto, b"dgram", 0, b.getsockname())
    call("recvmsg", b.recvmsg, 100, 1)  # control data cut short: MSG_CTRUNC
    call("sendmsg", a.sendmsg, [b"m"], [], 0, b.getsockname())
    call("recvfrom", b.recvfrom, 10)
    call("sendto", a.sendto, b"x", (host, 70000), exc=OverflowError)
    call("sendto", a.sendto, b"x", "not a tuple", exc=TypeError)
    call("connect", a.connect, b.getsockname())
    call("send", a.send, b"connected")
    call("recvfrom_into", b.recvfrom_into, bytearray(20))
    a.close()
    b.close()


def unix(tmp):
    path = os.path.join(tmp, "s")
    srv = C.socket(C.AF_UNIX, C.SOCK_STREAM)
    call("bind", srv.bind, path)
    call("bind", C.socket(C.AF_UNIX, C.SOCK_STREAM).bind, "x" * 200, exc=OSError)
    srv.listen()
    cli = C.socket(C.AF_UNIX, C.SOCK_STREAM)
    cli.connect(path)
    fd, _ = srv._accept()
    conn = C.socket(C.AF_UNIX, C.SOCK_STREAM, 0, fd)
    methods(cli)
    transfer(cli, conn)
    for s in (cli, conn, srv):
        s.close()
    # Abstract names, datagrams, seqpacket.
    a = C.socket(C.AF_UNIX, C.SOCK_DGRAM)
    a.bind(b"\0csocket-workload-%d" % os.getpid())
    b = C.socket(C.AF_UNIX, C.SOCK_DGRAM)
    b.bind("")  # autobind
    call("sendto", b.sendto, b"to abstract", a.getsockname())
    call("recvfrom", a.recvfrom, 100)
    call("getsockname", b.getsockname)
    a.close()
    b.close()
    try:
        s1, s2 = C.socketpair(C.AF_UNIX, C.SOCK_SEQPACKET)
    except OSError:
        pass
    else:
        s1.send(b"record")
        call("recvmsg", s2.recvmsg, 3)  # MSG_TRUNC
        s1.close()
        s2.close()


def rights_and_credentials():
    a, b = call("socketpair", C.socketpair)
    methods(a)
    r, w = os.pipe()
    try:
        fds = array.array("i", [r, w])
        call("sendmsg", a.sendmsg, [b"fds"], [(C.SOL_SOCKET, C.SCM_RIGHTS, fds)])
        msg, anc, flags, addr = call("recvmsg", b.recvmsg, 10, C.CMSG_SPACE(fds.itemsize * 2))
        for level, type_, data in anc:
            got = array.array("i")
            got.frombytes(data[:len(data) - len(data) % got.itemsize])
            for fd in got:
                os.close(fd)
        # Too small an ancillary buffer: the kernel closes what does not fit, csocket returns the rest.
        a.sendmsg([b"fds"], [(C.SOL_SOCKET, C.SCM_RIGHTS, fds)])
        msg, anc, flags, addr = call("recvmsg", b.recvmsg, 10, C.CMSG_LEN(4))
        for level, type_, data in anc:
            for i in range(0, len(data) - len(data) % 4, 4):
                os.close(int.from_bytes(data[i:i + 4], sys.byteorder))
        # recvmsg_into that receives descriptors
        a.sendmsg([b"into"], [(C.SOL_SOCKET, C.SCM_RIGHTS, fds)])
        nbytes, anc, flags, addr = call("recvmsg_into", b.recvmsg_into, [bytearray(4)], 64)
        for level, type_, data in anc:
            for i in range(0, len(data) - len(data) % 4, 4):
                os.close(int.from_bytes(data[i:i + 4], sys.byteorder))
    finally:
        os.close(r)
        os.close(w)
    b.setsockopt(C.SOL_SOCKET, C.SO_PASSCRED, 1)
    a.sendmsg([b"cred"])
    call("recvmsg", b.recvmsg, 10, 256)
    call("sendmsg", a.sendmsg, [b"x"], [(C.SOL_SOCKET, C.SCM_RIGHTS, b"\xff\xff\xff\xff")],
         exc=OSError)
    call("sendmsg", a.sendmsg, [b"x"], [(C.SOL_SOCKET, C.SCM_RIGHTS, "str")], exc=TypeError)
    call("sendmsg", a.sendmsg, [b"x"], [(C.SOL_SOCKET, C.SCM_RIGHTS, b"12", 4)], exc=TypeError)
    call("recvmsg", b.recvmsg, 1, 2 ** 40, exc=(OverflowError, ValueError, MemoryError))
    # sendmsg_afalg's argument handling and its error from a socket of another family.
    call("sendmsg_afalg", a.sendmsg_afalg, [b"x"], op=0, iv=b"\0" * 16, assoclen=4, exc=OSError)
    call("sendmsg_afalg", a.sendmsg_afalg, [b"x"], op="x", exc=OSError)
    call("sendmsg_afalg", a.sendmsg_afalg, [b"x"], op=0, assoclen=-2, exc=OSError)
    call("CMSG_LEN", C.CMSG_LEN, 8)
    call("CMSG_SPACE", C.CMSG_SPACE, 8)
    call("CMSG_LEN", C.CMSG_LEN, 2 ** 62, exc=OverflowError)
    call("CMSG_SPACE", C.CMSG_SPACE, -1, exc=OverflowError)
    d = call("dup", a.dup) if hasattr(a, "dup") else None
    if d is not None:
        d.close()
    fd = call("detach", a.detach)
    call("close", C.close, fd)
    call("close", C.close, fd, exc=OSError)
    b.close()


def linux_families():
    """AF_PACKET, AF_NETLINK, AF_VSOCK, AF_ALG, AF_CAN, AF_TIPC, AF_RDS, AF_QIPCRTR: what exists
    here is used; what does not must fail with OSError."""
    def opened(family, type_, proto=0):
        try:
            return C.socket(family, type_, proto)
        except OSError:
            covered.add(f"socket(family {family}) refused")
            return None

    s = opened(C.AF_PACKET, C.SOCK_DGRAM, 0x0300)
    if s is not None:
        methods(s)
        try:
            call("bind", s.bind, ("lo", 0x0300))
            s.settimeout(0.01)
            call("sendto", s.sendto, b"\0" * 20, ("lo", 0x0800, 0, 0, b"\0" * 6))
            s.recvfrom(100)
        except OSError:
            pass
        call("bind", s.bind, ("no-such-if0", 0), exc=OSError)
        call("bind", s.bind, ("lo", 0, 0, 0, b"x" * 9), exc=(ValueError, OSError))
        s.close()
    s = opened(C.AF_NETLINK, C.SOCK_RAW, 0)
    if s is not None:
        try:
            call("bind", s.bind, (0, 0))
            call("getsockname", s.getsockname)
            # RTM_GETLINK dump request: a kernel answer to read back.
            req = (32).to_bytes(4, sys.byteorder) + (18).to_bytes(2, sys.byteorder) + \
                (0x301).to_bytes(2, sys.byteorder) + bytes(8) + bytes(16)
            s.settimeout(1.0)
            call("sendto", s.sendto, req, (0, 0))
            call("recvfrom", s.recvfrom, 65536)
        except OSError:
            pass
        s.close()
    s = opened(C.AF_VSOCK, C.SOCK_STREAM)
    if s is not None:
        try:
            s.getsockopt(C.AF_VSOCK, C.SO_VM_SOCKETS_BUFFER_SIZE)
            s.settimeout(0.2)
            s.connect((C.VMADDR_CID_HOST if hasattr(C, "VMADDR_CID_HOST") else 2, 9))
        except OSError:
            pass
        call("connect", s.connect, ("x", 1), exc=TypeError)
        s.close()
    s = opened(C.AF_ALG, C.SOCK_SEQPACKET)
    if s is not None:
        try:
            s.bind(("hash", "sha256"))
            op, _ = s._accept()
            o = C.socket(C.AF_ALG, C.SOCK_SEQPACKET, 0, op)
            call("sendmsg_afalg", o.sendmsg_afalg, [b"abc"], op=C.ALG_OP_ENCRYPT)
            call("recv", o.recv, 32)
            o.close()
        except OSError:
            pass
        call("sendmsg_afalg", s.sendmsg_afalg, [b"x"], exc=(TypeError, OSError))
        call("sendmsg_afalg", s.sendmsg_afalg, [b"x"], op=0, iv=b"\0" * 16, assoclen=-1,
             exc=(TypeError, OSError))
        s.close()
    for family, type_ in ((getattr(C, "AF_CAN", None), C.SOCK_RAW),
                          (getattr(C, "AF_TIPC", None), C.SOCK_RDM),
                          (getattr(C, "AF_RDS", None), C.SOCK_SEQPACKET),
                          (getattr(C, "AF_QIPCRTR", None), C.SOCK_DGRAM)):
        if family is not None:
            s = opened(family, type_)
            if s is not None:
                try:
                    s.getsockname()
                except OSError:
                    pass
                s.close()
    call("socket", C.socket, 12345, C.SOCK_STREAM, exc=OSError)
    call("socket", C.socket, C.AF_INET, C.SOCK_STREAM, 0, -5, exc=ValueError)
    call("socket", C.socket, C.AF_INET, C.SOCK_STREAM, 0, 10 ** 6, exc=OSError)
    call("socket", C.socket, "x", exc=TypeError)


def module_functions():
    call("getaddrinfo", C.getaddrinfo, "127.0.0.1", 80)
    call("getaddrinfo", C.getaddrinfo, "::1", "80", C.AF_INET6, C.SOCK_STREAM, 0,
         C.AI_NUMERICHOST)
    call("getaddrinfo", C.getaddrinfo, "localhost", None, C.AF_INET)
    call("getaddrinfo", C.getaddrinfo, None, 0, 0, 0, 0, C.AI_PASSIVE)
    call("getaddrinfo", C.getaddrinfo, "1.2.3.4.5", None, 0, 0, 0, C.AI_NUMERICHOST,
         exc=C.gaierror)
    call("getaddrinfo", C.getaddrinfo, "127.0.0.1", 2 ** 70, exc=(OverflowError, C.gaierror))
    call("getaddrinfo", C.getaddrinfo, "a\0b", None, 0, 0, 0, C.AI_NUMERICHOST, exc=C.gaierror)
    call("getnameinfo", C.getnameinfo, ("127.0.0.1", 80), C.NI_NUMERICHOST | C.NI_NUMERICSERV)
    call("getnameinfo", C.getnameinfo, ("::1", 80, 0, 0), C.NI_NUMERICHOST)
    call("getnameinfo", C.getnameinfo, ("127.0.0.1",), 0, exc=TypeError)
    call("gethostbyname", C.gethostbyname, "localhost")
    call("gethostbyname", C.gethostbyname, "127.0.0.1")
    call("gethostbyname_ex", C.gethostbyname_ex, "localhost")
    call("gethostbyaddr", C.gethostbyaddr, "127.0.0.1")
    call("gethostname", C.gethostname)
    call("getservbyname", C.getservbyname, "http", "tcp")
    call("getservbyname", C.getservbyname, "no-such-service", exc=OSError)
    call("getservbyport", C.getservbyport, 80)
    call("getservbyport", C.getservbyport, 70000, exc=OverflowError)
    call("getprotobyname", C.getprotobyname, "tcp")
    call("getprotobyname", C.getprotobyname, "no-such-proto", exc=OSError)
    names = call("if_nameindex", C.if_nameindex)
    call("if_nametoindex", C.if_nametoindex, "lo")
    call("if_nametoindex", C.if_nametoindex, "no-such-if0", exc=OSError)
    call("if_indextoname", C.if_indextoname, names[0][0])
    call("if_indextoname", C.if_indextoname, 2 ** 31 - 1, exc=OSError)
    call("if_indextoname", C.if_indextoname, -1, exc=(OverflowError, ValueError))
    for conv in ("htonl", "ntohl", "htons", "ntohs"):
        call(conv, getattr(C, conv), 0x1234)
        call(conv, getattr(C, conv), -1, exc=(OverflowError, ValueError))
    call("inet_aton", C.inet_aton, "127.1")
    call("inet_aton", C.inet_aton, "300.1.1.1", exc=OSError)
    call("inet_ntoa", C.inet_ntoa, b"\x7f\0\0\1")
    call("inet_ntoa", C.inet_ntoa, b"\x7f", exc=OSError)
    call("inet_pton", C.inet_pton, C.AF_INET6, "fe80::1")
    call("inet_pton", C.inet_pton, C.AF_INET6, "::g", exc=OSError)
    call("inet_ntop", C.inet_ntop, C.AF_INET6, bytes(16))
    call("inet_ntop", C.inet_ntop, C.AF_INET6, bytes(15), exc=ValueError)
    call("inet_ntop", C.inet_ntop, 12345, bytes(4), exc=ValueError)
    old = call("getdefaulttimeout", C.getdefaulttimeout)
    call("setdefaulttimeout", C.setdefaulttimeout, 2.5)
    call("setdefaulttimeout", C.setdefaulttimeout, -2, exc=ValueError)
    C.setdefaulttimeout(old)
    s = C.socket()
    os.close(call("dup", C.dup, s.fileno()))
    call("dup", C.dup, -1, exc=OSError)
    s.close()
    call("socketpair", C.socketpair, C.AF_INET, exc=OSError)


def batch(family, host):
    """csocket's batch methods (absent from the built-in module and where recvmmsg is): a GSO run,
    single datagrams, GRO, the sendmmsg fallback on AF_UNIX, and their error paths."""
    if not hasattr(C.socket, "recvmmsg"):
        return
    tx, rx = C.socket(family, C.SOCK_DGRAM), C.socket(family, C.SOCK_DGRAM)
    try:
        rx.bind((host, 0))
        rx.settimeout(2.0)
        to = rx.getsockname()
        sent = call("sendmmsg", tx.sendmmsg, [(b"%02d" % i * 32, to) for i in range(20)]
                    + [(b"short", to), (b"", to), (b"x" * 100, to)])
        assert sent == 23, sent
        got = call("recvmmsg", rx.recvmmsg, 16, 2048)
        while len(got) < 23:
            got += call("recvmmsg_into", rx.recvmmsg_into, [bytearray(70) for _ in range(8)])
        call("send_segments", tx.send_segments, bytes(5000), 1200, to)
        with_gro = True
        try:
            rx.setsockopt(C.SOL_UDP, C.UDP_GRO, 1)
        except OSError:
            with_gro = False
        seen = 0
        while seen < 5000:
            segs, _ = call("recv_segments", rx.recv_segments, 65535)
            seen += sum(map(len, segs))
        assert seen == 5000 or not with_gro, seen
        call("sendmmsg", tx.sendmmsg, [(b"x", to), 5], exc=TypeError)
        call("sendmmsg", tx.sendmmsg, [(b"x", ("::1" if family == C.AF_INET else "127.0.0.1", 1))],
             exc=(OSError, TypeError))
        call("recvmmsg", rx.recvmmsg, -1, 10, exc=ValueError)
        call("recvmmsg_into", rx.recvmmsg_into, [b"read-only"], exc=TypeError)
        call("send_segments", tx.send_segments, b"abc", 0, to, exc=ValueError)
        rx.setblocking(False)
        call("recvmmsg", rx.recvmmsg, 4, 10, exc=BlockingIOError)
    finally:
        tx.close()
        rx.close()
    a, b = C.socketpair(C.AF_UNIX, C.SOCK_DGRAM)
    try:
        call("send_segments", a.send_segments, b"abcdefgh", 3)
        call("recvmmsg", b.recvmmsg, 8, 16)
    finally:
        a.close()
        b.close()


def race():
    """The Happy Eyeballs race (csocket's private _race): a win past a refused address, a lost
    race, a deadline."""
    if not hasattr(C, "_race"):
        return
    listener = C.socket(C.AF_INET, C.SOCK_STREAM)
    gone = C.socket(C.AF_INET, C.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        gone.bind(("127.0.0.1", 0))
        refused = (C.AF_INET, C.SOCK_STREAM, 6, gone.getsockname())
        good = (C.AF_INET, C.SOCK_STREAM, 6, listener.getsockname())
        won, errors = call("_race", C._race, [refused, good], 50_000_000, 2_000_000_000)
        assert won is not None and len(errors) == 1, errors
        won.close()
        won, errors = call("_race", C._race, [refused], 0, 1_000_000_000, None)
        assert won is None and len(errors) == 1
        call("_race", C._race, [(C.AF_INET, C.SOCK_STREAM, 6, "bad")], 0, 0, exc=TypeError)
    finally:
        listener.close()
        gone.close()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    tmp = tempfile.mkdtemp(prefix="csocket-workload-")
    try:
        for i in range(rounds):
            inet(C.AF_INET, "127.0.0.1")
            if C.has_ipv6:
                inet(C.AF_INET6, "::1")
            unix(os.path.join(tmp, str(i)) if os.mkdir(os.path.join(tmp, str(i))) is None else tmp)
            rights_and_credentials()
            linux_families()
            module_functions()
            batch(C.AF_INET, "127.0.0.1")
            if C.has_ipv6:
                batch(C.AF_INET6, "::1")
            race()
    finally:
        for root, dirs, files in os.walk(tmp, topdown=False):
            for f in files:
                os.unlink(os.path.join(root, f))
            for d in dirs:
                os.rmdir(os.path.join(root, d))
        os.rmdir(tmp)
    api = {n for n in dir(C.socket) if not n.startswith("__")}
    api |= {n for n in dir(C) if callable(getattr(C, n)) and not n[0].isupper()
            and not n.startswith("_") and n not in ("error", "herror", "gaierror", "timeout")}
    api |= {"CMSG_LEN", "CMSG_SPACE"}
    missed = sorted(api - covered - {"sethostname", "socket", "dup"})
    print(f"workload: {done_calls} calls ({expected_errors} expected errors), "
          f"{len(api & covered)}/{len(api)} callables; never called: {missed or 'none'} "
          f"(sethostname by design)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
