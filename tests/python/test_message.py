"""sendmsg, recvmsg, recvmsg_into, sendmsg_afalg, CMSG_LEN and CMSG_SPACE on real sockets.

Most tests run twice, once on the built-in _socket and once on csocket, and either check the
same facts on both or compare what the two return.  Every received descriptor is closed.
"""
import _socket as builtin_socket
import array
import errno
import os
import socket as pysocket
import struct
import sys
import threading
import warnings

import pytest

from csocket import _csocket

IMPLS = [pytest.param(builtin_socket, id="builtin"), pytest.param(_csocket, id="csocket")]
INT = array.array("i").itemsize

# Linux values the 3.11 module does not export (IP_PKTINFO came in 3.12, IP_RECVTTL in 3.14).
IP_PKTINFO = getattr(builtin_socket, "IP_PKTINFO", 8)
IP_RECVTTL = getattr(builtin_socket, "IP_RECVTTL", 12)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux semantics")


@pytest.fixture
def closing():
    """Collect sockets and descriptors; close them all at the end of the test."""
    things = []
    yield things
    for t in things:
        if isinstance(t, int):
            os.close(t)
        else:
            t.close()


def pair(mod, closing, type=builtin_socket.SOCK_STREAM):
    a, b = mod.socketpair(builtin_socket.AF_UNIX, type)
    closing += [a, b]
    return a, b


def udp_pair(mod, closing, family):
    host = "127.0.0.1" if family == builtin_socket.AF_INET else "::1"
    r = mod.socket(family, builtin_socket.SOCK_DGRAM)
    closing.append(r)
    r.bind((host, 0))
    w = mod.socket(family, builtin_socket.SOCK_DGRAM)
    closing.append(w)
    w.bind((host, 0))
    r.settimeout(5)
    return w, r


def received_fds(ancdata, closing):
    """The descriptors in SCM_RIGHTS items (whole ints only), registered to be closed."""
    fds = []
    for level, type, data in ancdata:
        if level == builtin_socket.SOL_SOCKET and type == builtin_socket.SCM_RIGHTS:
            a = array.array("i")
            a.frombytes(data[: len(data) - len(data) % INT])
            fds += list(a)
    closing += fds
    return fds


def new_files(n, closing, tmp_path):
    """n open descriptors of files holding their index, so a received copy can be identified."""
    fds = []
    for i in range(n):
        path = tmp_path / f"f{i}-{len(closing)}"
        path.write_bytes(str(i).encode())
        fd = os.open(path, os.O_RDONLY)
        closing.append(fd)
        fds.append(fd)
    return fds


def check_files(fds):
    for i, fd in enumerate(fds):
        assert os.pread(fd, 10, 0) == str(i).encode()


# ---- CMSG_LEN / CMSG_SPACE ----------------------------------------------------------------------

LIMIT = 0x7FFFFFFF


@pytest.mark.parametrize("name", ["CMSG_LEN", "CMSG_SPACE"])
def test_cmsg_macros_match_builtin(name):
    ours, theirs = getattr(_csocket, name), getattr(builtin_socket, name)
    edge = LIMIT - (theirs(1) if name == "CMSG_SPACE" else theirs(0))
    for n in list(range(300)) + list(range(edge - 300, edge + 1)):
        assert ours(n) == theirs(n) <= LIMIT
    for bad in (-1, edge + 1, sys.maxsize, -sys.maxsize - 1):
        with pytest.raises(OverflowError, match=rf"{name}\(\) argument out of range"):
            ours(bad)
        with pytest.raises(OverflowError):
            theirs(bad)


@pytest.mark.parametrize("args", [(), (1, 2), ("1",), (1.0,), (2**64,), (None,)])
@pytest.mark.parametrize("name", ["CMSG_LEN", "CMSG_SPACE"])
def test_cmsg_macros_bad_args(name, args):
    with pytest.raises(Exception) as theirs:
        getattr(builtin_socket, name)(*args)
    with pytest.raises(theirs.type):
        getattr(_csocket, name)(*args)


# ---- scatter / gather ---------------------------------------------------------------------------

@pytest.mark.parametrize("mod", IMPLS)
def test_sendmsg_gathers_buffers(mod, closing):
    a, b = pair(mod, closing)
    parts = [b"ab", bytearray(b"cde"), memoryview(b"xfghx")[1:4], array.array("B", b"ij"), b""]
    assert a.sendmsg(parts) == 10
    assert a.sendmsg(iter([b"k", b"l"])) == 2  # any iterable, generators included
    assert a.sendmsg([]) == 0
    assert b.recv(100) == b"abcdefghijkl"


@pytest.mark.parametrize("mod", IMPLS)
def test_recvmsg_into_scatters(mod, closing):
    a, b = pair(mod, closing)
    a.send(b"Mary had a little lamb")
    b1, b2, b3 = bytearray(4), bytearray(b"0123456789"), bytearray(14)
    n, anc, flags, addr = b.recvmsg_into([b1, memoryview(b2)[2:9], b3])
    assert (n, anc, flags, addr) == (22, [], 0, None)
    assert (b1, b2, bytes(b3)) == (b"Mary", b"01 had a 9", b"little lamb\0\0\0")


@pytest.mark.parametrize("mod", IMPLS)
def test_recvmsg_into_array_and_many_buffers(mod, closing):
    a, b = pair(mod, closing, builtin_socket.SOCK_DGRAM)
    a.send(bytes(range(200)))
    bufs = [bytearray(3) for _ in range(50)] + [array.array("B", bytes(100))]
    n, anc, flags, addr = b.recvmsg_into(bufs)
    assert n == 200 and flags == 0 and anc == []
    assert b"".join(bytes(x) for x in bufs)[:200] == bytes(range(200))


@pytest.mark.parametrize("mod", IMPLS)
def test_iov_max_is_the_kernels(mod, closing):
    # No count check of its own below INT_MAX: IOV_MAX is enforced by the kernel (EMSGSIZE).
    a, b = pair(mod, closing)
    assert a.sendmsg([b"x"] * 1024) == 1024
    with pytest.raises(OSError) as e:
        a.sendmsg([b"x"] * 1025)
    assert e.value.errno == errno.EMSGSIZE
    assert b.recv(2000) == b"x" * 1024
    with pytest.raises(OSError) as e:
        b.recvmsg_into([bytearray(1)] * 1025, 0, builtin_socket.MSG_DONTWAIT)
    assert e.value.errno == errno.EMSGSIZE


@pytest.mark.parametrize("mod", IMPLS)
def test_recvmsg_shapes_and_flags(mod, closing):
    a, b = pair(mod, closing, builtin_socket.SOCK_DGRAM)
    a.sendmsg([b"hello ", b"world"])
    data, anc, flags, addr = b.recvmsg(5)
    assert (data, anc, addr) == (b"hello", [], None)
    assert flags & builtin_socket.MSG_TRUNC
    a.send(b"peek")
    assert b.recvmsg(10, 0, builtin_socket.MSG_PEEK)[0] == b"peek"
    assert b.recvmsg(10, 1024) == (b"peek", [], 0, None)
    a.send(b"")
    assert b.recvmsg(0) == (b"", [], 0, None)


@pytest.mark.parametrize("mod", IMPLS)
def test_recvmsg_larger_than_scratch(mod, closing):
    # Beyond 256 KiB csocket receives into a bytes object of its own: exact size either way.
    a, b = pair(mod, closing)
    payload = os.urandom(300_000)
    t = threading.Thread(target=a.sendall, args=(payload,))
    t.start()
    got = bytearray()
    while len(got) < len(payload):
        data, anc, flags, addr = b.recvmsg(len(payload) - len(got))
        assert data and anc == []
        got += data
    t.join()
    assert got == payload
    a.send(b"tail")
    assert b.recvmsg(1_000_000)[0] == b"tail"


@pytest.mark.parametrize("mod", IMPLS)
def test_udp_addresses(mod, closing):
    for family in (builtin_socket.AF_INET, builtin_socket.AF_INET6):
        w, r = udp_pair(mod, closing, family)
        assert w.sendmsg([b"to", b"you"], [], 0, r.getsockname()) == 5
        data, anc, flags, addr = r.recvmsg(100)
        assert (data, anc, flags, addr) == (b"toyou", [], 0, w.getsockname())
        w.sendmsg([b"again"], [], 0, r.getsockname())
        buf = bytearray(10)
        assert r.recvmsg_into([buf]) == (5, [], 0, w.getsockname())
        with pytest.raises(OSError) as e:
            w.sendmsg([b"x"])  # unconnected, no address
        assert e.value.errno == errno.EDESTADDRREQ


# ---- SCM_RIGHTS ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mod", IMPLS)
def test_pass_fds(mod, closing, tmp_path):
    a, b = pair(mod, closing)
    fds = new_files(3, closing, tmp_path)
    item = (builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS, array.array("i", fds))
    assert a.sendmsg([b"fds"], [item]) == 3
    data, anc, flags, addr = b.recvmsg(10, mod.CMSG_SPACE(3 * INT))
    got = received_fds(anc, closing)
    assert (data, flags, len(anc), len(got)) == (b"fds", 0, 1, 3)
    check_files(got)
    assert all(g not in fds for g in got)


@pytest.mark.parametrize("mod", IMPLS)
def test_pass_fds_in_two_items(mod, closing, tmp_path):
    a, b = pair(mod, closing)
    fds = new_files(2, closing, tmp_path)
    items = [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS, struct.pack("i", fd))
             for fd in fds]
    a.sendmsg([b"x"], items)
    buf = bytearray(1)
    n, anc, flags, addr = b.recvmsg_into([buf], 10240)
    got = received_fds(anc, closing)
    assert (n, flags, len(got)) == (1, 0, 2)
    check_files(got)


@pytest.mark.parametrize("cross", ["csocket->builtin", "builtin->csocket"])
def test_pass_fds_across_implementations(cross, closing, tmp_path):
    a, _ = pair(builtin_socket, closing)
    sender, receiver = (_csocket, builtin_socket) if cross.startswith("c") else (builtin_socket, _csocket)
    s = sender.socket(fileno=os.dup(a.fileno()))
    closing.append(s)
    r = receiver.socket(fileno=os.dup(_.fileno()))
    closing.append(r)
    fds = new_files(2, closing, tmp_path)
    s.sendmsg([b"z"], [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS,
                        array.array("i", fds))])
    data, anc, flags, addr = r.recvmsg(1, 100)
    check_files(received_fds(anc, closing))


def truncation_sizes():
    L, S = builtin_socket.CMSG_LEN, builtin_socket.CMSG_SPACE
    return sorted({0, 1, 2 * INT, L(0) - 1, L(0), L(0) + 1, L(INT), L(2 * INT) - 1, L(2 * INT),
                   S(INT), S(2 * INT), S(3 * INT) - 1, S(INT) + L(INT), 10240})


@pytest.mark.parametrize("ancbufsize", truncation_sizes())
def test_truncated_fd_array_matches_builtin(ancbufsize, closing, tmp_path):
    """recvmsg and recvmsg_into report a short ancillary buffer exactly as the built-in does."""
    results = []
    for mod in (builtin_socket, _csocket):
        for method in ("recvmsg", "recvmsg_into"):
            a, b = pair(mod, closing)
            fds = new_files(3, closing, tmp_path)
            a.sendmsg([b"msg"], [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS,
                                  array.array("i", fds))])
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                if method == "recvmsg":
                    data, anc, flags, addr = b.recvmsg(3, ancbufsize)
                else:
                    buf = bytearray(3)
                    n, anc, flags, addr = b.recvmsg_into([buf], ancbufsize)
                    data = bytes(buf[:n])
            got = received_fds(anc, closing)
            check_files(got)
            shape = [(lvl, typ, len(d)) for lvl, typ, d in anc]
            results.append((data, shape, flags, addr, len(got), [str(x.message) for x in w]))
    assert all(r == results[0] for r in results), results
    ctrunc = builtin_socket.MSG_CTRUNC
    assert bool(results[0][2] & ctrunc) == (ancbufsize < builtin_socket.CMSG_LEN(3 * INT))


@pytest.mark.parametrize("mod", IMPLS)
def test_cmsg_trunc_no_space_sets_ctrunc(mod, closing, tmp_path):
    a, b = pair(mod, closing)
    a.sendmsg([b"m"], [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS,
                        array.array("i", new_files(1, closing, tmp_path)))])
    data, anc, flags, addr = b.recvmsg(1)  # no ancillary buffer: the kernel drops the fd
    assert (data, anc) == (b"m", [])
    assert flags & builtin_socket.MSG_CTRUNC


@pytest.mark.parametrize("mod", IMPLS)
def test_empty_and_partial_fd_items(mod, closing):
    a, b = pair(mod, closing)
    for data in (b"", b"\x01\x02\x03"):
        try:
            a.sendmsg([b"p"], [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS, data)])
        except OSError as e:
            assert e.errno == errno.EINVAL
            a.send(b"p")
        d, anc, flags, addr = b.recvmsg(1, 1024)
        assert d == b"p" and received_fds(anc, closing) == []


@pytest.mark.parametrize("mod", IMPLS)
def test_send_fds_recv_fds_helpers(mod, closing, tmp_path):
    # socket.py's send_fds/recv_fds sit on sendmsg/recvmsg.
    import csocket.socket as S
    sock = S if mod is _csocket else pysocket
    a, b = sock.socketpair()
    closing += [a, b]
    fds = new_files(2, closing, tmp_path)
    assert sock.send_fds(a, [b"hi"], fds) == 2
    msg, got, flags, addr = sock.recv_fds(b, 10, 4)
    closing += got
    assert msg == b"hi" and len(got) == 2
    check_files(got)


# ---- SCM_CREDENTIALS ----------------------------------------------------------------------------

@pytest.mark.parametrize("mod", IMPLS)
def test_credentials(mod, closing):
    a, b = pair(mod, closing, builtin_socket.SOCK_DGRAM)
    b.setsockopt(builtin_socket.SOL_SOCKET, builtin_socket.SO_PASSCRED, 1)
    creds = struct.pack("iII", os.getpid(), os.getuid(), os.getgid())
    a.sendmsg([b"me"], [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_CREDENTIALS, creds)])
    data, anc, flags, addr = b.recvmsg(10, mod.CMSG_SPACE(len(creds)))
    assert (data, flags) == (b"me", 0)
    assert anc == [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_CREDENTIALS, creds)]
    # Without an item of the sender's, the kernel attaches the same credentials.
    a.send(b"again")
    data, anc, flags, addr = b.recvmsg(10, 1024)
    assert anc == [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_CREDENTIALS, creds)]
    # Cut inside the data: the kernel shortens the item and sets MSG_CTRUNC.
    a.send(b"short")
    data, anc, flags, addr = b.recvmsg(10, mod.CMSG_LEN(len(creds)) - 4)
    assert flags & builtin_socket.MSG_CTRUNC
    assert anc == [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_CREDENTIALS, creds[:-4])]


@pytest.mark.parametrize("mod", IMPLS)
def test_credentials_and_fds_together(mod, closing, tmp_path):
    a, b = pair(mod, closing)
    b.setsockopt(builtin_socket.SOL_SOCKET, builtin_socket.SO_PASSCRED, 1)
    fds = new_files(1, closing, tmp_path)
    a.sendmsg([b"both"], [(builtin_socket.SOL_SOCKET, builtin_socket.SCM_RIGHTS,
                           array.array("i", fds))])
    data, anc, flags, addr = b.recvmsg(10, 1024)
    kinds = sorted(t for _, t, _ in anc)
    assert kinds == sorted([builtin_socket.SCM_RIGHTS, builtin_socket.SCM_CREDENTIALS])
    check_files(received_fds(anc, closing))


# ---- IP-level ancillary data --------------------------------------------------------------------

def int_of(data):
    return struct.unpack("i", data)[0]


@pytest.mark.parametrize("mod", IMPLS)
def test_ip_pktinfo_and_ttl(mod, closing):
    w, r = udp_pair(mod, closing, builtin_socket.AF_INET)
    r.setsockopt(builtin_socket.IPPROTO_IP, IP_PKTINFO, 1)
    r.setsockopt(builtin_socket.IPPROTO_IP, IP_RECVTTL, 1)
    w.sendmsg([b"ip"], [(builtin_socket.IPPROTO_IP, builtin_socket.IP_TTL, struct.pack("i", 7))],
              0, r.getsockname())
    data, anc, flags, addr = r.recvmsg(10, 1024)
    assert (data, flags, addr) == (b"ip", 0, w.getsockname())
    items = {(lvl, typ): d for lvl, typ, d in anc}
    assert int_of(items[(builtin_socket.IPPROTO_IP, builtin_socket.IP_TTL)]) == 7
    pkt = items[(builtin_socket.IPPROTO_IP, IP_PKTINFO)]
    assert len(pkt) == 12  # struct in_pktinfo: ifindex, local address, destination address
    assert pkt[8:12] == builtin_socket.inet_aton("127.0.0.1")
    # Source address chosen with IP_PKTINFO on the way out.
    src = struct.pack("i4s4s", 0, builtin_socket.inet_aton("127.0.0.1"), bytes(4))
    w.sendmsg([b"src"], [(builtin_socket.IPPROTO_IP, IP_PKTINFO, src)], 0, r.getsockname())
    assert r.recvmsg(10, 1024)[0] == b"src"


@pytest.mark.parametrize("mod", IMPLS)
def test_ipv6_pktinfo_and_hoplimit(mod, closing):
    w, r = udp_pair(mod, closing, builtin_socket.AF_INET6)
    r.setsockopt(builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_RECVPKTINFO, 1)
    r.setsockopt(builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_RECVHOPLIMIT, 1)
    hop = (builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_HOPLIMIT, array.array("i", [9]))
    w.sendmsg([b"v6"], [hop], 0, r.getsockname())
    space = mod.CMSG_SPACE(20) + mod.CMSG_SPACE(INT)
    data, anc, flags, addr = r.recvmsg(10, space)
    assert (data, flags, addr) == (b"v6", 0, w.getsockname())
    items = {(lvl, typ): d for lvl, typ, d in anc}
    assert int_of(items[(builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_HOPLIMIT)]) == 9
    pkt = items[(builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_PKTINFO)]
    assert pkt[:16] == builtin_socket.inet_pton(builtin_socket.AF_INET6, "::1")  # in6_pktinfo
    # Room for the first item only: the second is dropped, MSG_CTRUNC set.
    w.sendmsg([b"cut"], [hop], 0, r.getsockname())
    data, anc, flags, addr = r.recvmsg(10, mod.CMSG_SPACE(20))
    assert data == b"cut" and len(anc) == 1 and flags & builtin_socket.MSG_CTRUNC


@pytest.mark.parametrize("ancbufsize", [0, 1, 8, 15, 16, 17, 19, 20, 24, 25, 40, 43, 44, 48])
def test_hoplimit_truncation_matches_builtin(ancbufsize, closing):
    results = []
    for mod in (builtin_socket, _csocket):
        w, r = udp_pair(mod, closing, builtin_socket.AF_INET6)
        r.setsockopt(builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_RECVHOPLIMIT, 1)
        r.setsockopt(builtin_socket.IPPROTO_IPV6, builtin_socket.IPV6_RECVTCLASS, 1)
        w.sendto(b"hl", r.getsockname())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data, anc, flags, addr = r.recvmsg(10, ancbufsize)
        results.append((data, [(level, kind, len(d)) for level, kind, d in anc], flags,
                        [str(c.message) for c in caught]))
    assert results[0] == results[1]


# ---- timeouts and modes -------------------------------------------------------------------------

@pytest.mark.parametrize("mod", IMPLS)
def test_recv_timeouts(mod, closing):
    a, b = pair(mod, closing)
    b.settimeout(0.05)
    with pytest.raises(mod.timeout):
        b.recvmsg(10)
    with pytest.raises(mod.timeout):
        b.recvmsg_into([bytearray(10)], 100)
    a.send(b"ready")
    assert b.recvmsg(10)[0] == b"ready"  # ready at once: no wait
    b.setblocking(False)
    with pytest.raises(BlockingIOError):
        b.recvmsg(10)


@pytest.mark.parametrize("mod", IMPLS)
def test_sendmsg_timeout_and_dontwait(mod, closing):
    a, b = pair(mod, closing)
    a.settimeout(0.05)
    with pytest.raises(mod.timeout):
        while True:
            a.sendmsg([b"a" * 512])
    a.setblocking(True)
    with pytest.raises(BlockingIOError):
        while True:
            a.sendmsg([b"a" * 512], [], builtin_socket.MSG_DONTWAIT)


@pytest.mark.parametrize("mod", IMPLS)
def test_timeout_wakes_when_data_arrives(mod, closing):
    a, b = pair(mod, closing)
    b.settimeout(5)
    t = threading.Timer(0.05, a.send, args=(b"late",))
    t.start()
    assert b.recvmsg(10)[0] == b"late"
    t.join()


@pytest.mark.parametrize("mod", IMPLS)
def test_closed_socket(mod, closing):
    a, b = pair(mod, closing)
    a.close()
    for call in (lambda: a.sendmsg([b"x"]), lambda: a.recvmsg(1),
                 lambda: a.recvmsg_into([bytearray(1)])):
        with pytest.raises(OSError) as e:
            call()
        assert e.value.errno == errno.EBADF


# ---- malformed input: same exception as the built-in module --------------------------------------

X = b"x"
BAD_SENDMSG = [
    (), (b"not an iterable of buffers",), (object(),), ([object()],), ([X, "str"],),
    ([memoryview(b"abcd")[::2]],), ([X], object()), ([X], [object()]), ([X], [(object(), 0, X)]),
    ([X], [(0, object(), X)]), ([X], [(0, 0, object())]), ([X], [(0, 0)]), ([X], [(0, 0, X, 1)]),
    ([X], [0, 0, X]), ([X], [b"abc"]), ([X], ["abc"]), ([X], [(2**40, 0, X)]),
    ([X], [(0, 0, X), object()]), ([X], [], object()), ([X], [], 2**40), ([X], [], 0, object()),
    ([X], [], 0, None, 1), ([X], [(0, 0, memoryview(b"abcd")[::2])]),
]


@pytest.mark.parametrize("args", BAD_SENDMSG, ids=range(len(BAD_SENDMSG)))
def test_sendmsg_bad_args(args, closing):
    outcomes = []
    for mod in (builtin_socket, _csocket):
        a, b = pair(mod, closing)
        with pytest.raises(Exception) as e:
            a.sendmsg(*args)
        outcomes.append(e)
    assert outcomes[1].type is outcomes[0].type
    if "float" not in str(outcomes[0].value):
        assert str(outcomes[1].value) == str(outcomes[0].value)


def test_sendmsg_rejects_keywords_and_oversized_items(closing):
    for mod in (builtin_socket, _csocket):
        a, b = pair(mod, closing)
        with pytest.raises(TypeError):
            a.sendmsg([X], flags=0)
        big = bytearray(LIMIT - mod.CMSG_SPACE(1) + 1)  # one byte past the limit, never sent
        with pytest.raises(OSError, match="ancillary data item too large") as e:
            a.sendmsg([X], [(0, 0, big)])
        assert e.value.errno is None
        half = memoryview(big)[: len(big) // 2 + 64]
        with pytest.raises(OSError, match="too much ancillary data"):
            a.sendmsg([X], [(0, 0, half), (0, 0, half)])
        del half, big


@pytest.mark.parametrize("mod", IMPLS)
def test_huge_sizes(mod, closing):
    a, b = pair(mod, closing)
    b.setblocking(False)
    with pytest.raises(OverflowError):
        b.recvmsg(sys.maxsize)
    with pytest.raises(MemoryError):
        b.recvmsg(sys.maxsize - 100)
    a.send(b"x")
    # The largest ancillary buffer allowed: allocated, never touched beyond what arrives.
    assert b.recvmsg(1, LIMIT) == (b"x", [], 0, None)


def test_list_shrunk_while_converting(closing):
    # Converting an item may run Python code that empties the caller's list: csocket works on
    # its own copy, so it neither reads freed items nor crashes.
    a, b = pair(_csocket, closing)
    items = []

    class Shrinker:
        def __index__(self):
            items.clear()
            return 0

    items[:] = [(Shrinker(), 0, b"x")] + [(0, 0, bytearray(8)) for _ in range(100)]
    assert a.sendmsg([b"x"], items) == 1
    bufs = []

    class Level:
        def __index__(self):
            bufs.clear()
            return 0

    bufs[:] = [bytearray(1) for _ in range(100)]
    assert a.sendmsg(bufs, [(Level(), 0, b"")]) == 100
    assert b.recv(200) == b"x" + bytes(100)


BAD_RECVMSG = [
    (), (-1,), (1, -1), (1, 2**31), (1, 2**63), (2**63,), (-1, -1), (object(),), ([bytearray(1)],),
    (1, object()), (1, 0, object()), (1, 0, 2**40), (1, 0, 0, 0), (1.0,),
]


@pytest.mark.parametrize("args", BAD_RECVMSG, ids=range(len(BAD_RECVMSG)))
def test_recvmsg_bad_args(args, closing):
    outcomes = []
    for mod in (builtin_socket, _csocket):
        a, b = pair(mod, closing)
        with pytest.raises(Exception) as e:
            b.recvmsg(*args)
        outcomes.append(e)
    assert outcomes[1].type is outcomes[0].type
    if "float" not in str(outcomes[0].value):
        assert str(outcomes[1].value) == str(outcomes[0].value)


BAD_RECVMSG_INTO = [
    (), (1,), (bytearray(4),), ([object()],), ([b"read-only"],), ([bytearray(1), object()],),
    ([bytearray(1)], -1), ([bytearray(1)], 2**31), ([bytearray(1)], object()),
    ([bytearray(1)], 0, object()), ([memoryview(bytearray(4))[::2]],), ([object()], -1),
    ([bytearray(1)], 0, 0, 0),
]


@pytest.mark.parametrize("args", BAD_RECVMSG_INTO, ids=range(len(BAD_RECVMSG_INTO)))
def test_recvmsg_into_bad_args(args, closing):
    outcomes = []
    for mod in (builtin_socket, _csocket):
        a, b = pair(mod, closing)
        with pytest.raises(Exception) as e:
            b.recvmsg_into(*args)
        outcomes.append(e)
    assert outcomes[1].type is outcomes[0].type
    assert str(outcomes[1].value) == str(outcomes[0].value)


# ---- sendmsg_afalg ------------------------------------------------------------------------------
# No AF_ALG here: a socket object that calls itself AF_ALG around a Unix socket lets the argument
# handling and the data path run; the Unix socket ignores SOL_ALG items and delivers the data.

def alg_pair(mod, closing):
    a, b = pair(mod, closing, builtin_socket.SOCK_DGRAM)
    fa = mod.socket(builtin_socket.AF_ALG, builtin_socket.SOCK_SEQPACKET, 0, os.dup(a.fileno()))
    closing.append(fa)
    return fa, b


AFALG_CALLS = [
    ((), {}), ((), {"op": 1.0}), ((), {"op": -1}), ((), {"op": 2**40}), ((), {"op": "1"}),
    (([X],), {"op": 0}), ((), {"op": 0}), ((None,), {"op": 0}), (([X],), {"op": 0, "iv": "s"}),
    (([X],), {"op": 0, "iv": b"abc", "assoclen": -1}),
    (([X],), {"op": 0, "iv": b"abc", "assoclen": 1.0}),
    (([X],), {"op": 0, "iv": b"abc", "assoclen": 2**40}),
    (([X],), {"op": 0, "iv": b"abc", "assoclen": 3, "flags": 2**40}),
    (([X],), {"op": 1, "iv": b"0123456789abcdef" * 40, "assoclen": 3}),
    (([X], 1), {}), ((), {"x": 1, "op": 1}), ((), {"op": 0, "msg": X}), ((), {"op": 0, "msg": [1]}),
    (([X],), {"op": True}), (([X, bytearray(b"yz")],), {"op": 0, "assoclen": 0}),
    (([X],), {"msg": [X], "op": 0}),
]


@pytest.mark.parametrize("call", AFALG_CALLS, ids=range(len(AFALG_CALLS)))
def test_sendmsg_afalg_matches_builtin(call, closing):
    args, kwargs = call
    outcomes = []
    for mod in (builtin_socket, _csocket):
        fa, b = alg_pair(mod, closing)
        try:
            outcomes.append(("ok", fa.sendmsg_afalg(*args, **kwargs),
                             b.recv(1000, builtin_socket.MSG_DONTWAIT)))
        except Exception as e:
            outcomes.append((type(e), str(e)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("mod", IMPLS)
def test_sendmsg_afalg_needs_alg_family(mod, closing):
    a, b = pair(mod, closing)
    with pytest.raises(OSError, match="algset is only supported for AF_ALG"):
        a.sendmsg_afalg([X], op=0)


def test_methods_and_functions_present():
    for name in ("sendmsg", "recvmsg", "recvmsg_into", "sendmsg_afalg"):
        assert hasattr(_csocket.socket, name)
        method = getattr(_csocket.socket, name)
        # Where the interpreter shows a signature (sendmsg from 3.15), it opens the docstring.
        assert method.__doc__.startswith(name + "(") or method.__text_signature__ is not None
    for name in ("CMSG_LEN", "CMSG_SPACE"):
        assert getattr(_csocket, name).__doc__.startswith(name + "(length)")


# ---- one system call when ready ------------------------------------------------------------------

STRACE_CHILD = r"""
import os
from csocket import _csocket as S
a, b = S.socketpair(S.AF_UNIX, S.SOCK_STREAM)
a.settimeout(5); b.settimeout(5)
null = os.open(os.devnull, os.O_WRONLY)
os.write(null, b"BEGIN")
a.sendmsg([b"x", b"y"])
b.recvmsg(10, 100)
a.sendmsg([b"z"], [])
b.recvmsg_into([bytearray(4)], 100)
os.write(null, b"END")
"""


def test_timeout_mode_costs_one_syscall_when_ready(tmp_path):
    import shutil
    import subprocess
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("needs strace")
    script = tmp_path / "child.py"
    script.write_text(STRACE_CHILD)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run(
        [strace, "-e", "trace=poll,ppoll,select,pselect6,sendmsg,recvmsg,write", sys.executable,
         str(script)], capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PYTHONPATH=root))
    if proc.returncode != 0:
        pytest.skip(f"strace unusable here: {proc.stderr[-200:]}")
    trace = proc.stderr[proc.stderr.index('"BEGIN"'):proc.stderr.index('"END"')]
    calls = [line.split("(")[0] for line in trace.splitlines()[1:-1]]
    assert calls == ["sendmsg", "recvmsg", "sendmsg", "recvmsg"], trace
