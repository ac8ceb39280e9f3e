"""bind, listen, accept, connect, connect_ex, names and shutdown over IPv4, IPv6 and AF_UNIX."""
import errno
import os
import threading
import time

import pytest


def server(S, family=None, host="127.0.0.1"):
    srv = S.socket(family or S.AF_INET, S.SOCK_STREAM)
    srv.bind((host, 0))
    srv.listen()
    return srv


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_tcp_ipv4_roundtrip(S, timeout):
    with server(S) as srv, S.socket() as cli:
        srv.settimeout(timeout)
        cli.settimeout(timeout)
        cli.connect(srv.getsockname())
        conn, addr = srv.accept()
        with conn:
            assert addr == cli.getsockname()
            assert conn.getpeername() == cli.getsockname()
            assert cli.getpeername() == srv.getsockname()
            assert isinstance(addr[0], str) and isinstance(addr[1], int)
            cli.sendall(b"abc")
            assert conn.recv(10) == b"abc"


def test_tcp_ipv6_address_has_flowinfo_and_scope(S):
    with server(S, S.AF_INET6, "::1") as srv, S.socket(S.AF_INET6) as cli:
        host, port, flowinfo, scope_id = srv.getsockname()
        assert (host, flowinfo, scope_id) == ("::1", 0, 0)
        cli.connect(("::1", port, 0, 0))
        conn, addr = srv.accept()
        with conn:
            assert addr == cli.getsockname() and len(addr) == 4


def test_accept_returns_a_noninheritable_blocking_socket(S):
    with server(S) as srv, S.socket() as cli:
        srv.settimeout(5)
        cli.connect(srv.getsockname())
        conn, _ = srv.accept()
        with conn:
            assert not os.get_inheritable(conn.fileno())
            assert conn.gettimeout() is None  # socket.py: no default timeout -> blocking


def test_accept_leaves_no_descriptor_open_when_an_allocation_fails(alloc_hook):
    """Each allocation _accept() makes (the peer's address, the result), failed in turn:
    MemoryError, and the accepted connection is closed, not left open with nobody holding it
    (it was when the result could not be built; the built-in module leaks it there; found by
    make test-torture).  The connection the client made is then gone: its peer reads EOF."""
    got = alloc_hook("""
srv = _csocket.socket(S.AF_INET, S.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen()
srv.settimeout(5.0)
fds = lambda: set(os.listdir("/proc/self/fd"))
# Descriptors above 256, so that the result's int is an allocation too (smaller ones are
# cached objects, and the result tuple itself comes from a free list).
pad = [os.open(os.devnull, os.O_RDONLY) for _ in range(300)]

def eof(cli):
    cli.settimeout(1.0)
    try:
        return cli.recv(1) == b""
    except TimeoutError:
        return False  # the accepted end is still open somewhere

def accept_failing(label, nth):
    with S.create_connection(srv.getsockname(), timeout=5) as cli:
        before = fds()
        failing(label, nth, srv._accept)
        got = RESULTS[label]
        if got[0] == "ok":
            os.close(got[1][0])
            got[1] = "accepted"
        else:
            got += [sorted(fds() - before), eof(cli)]

with S.create_connection(srv.getsockname(), timeout=5):
    n = RESULTS["allocations"] = allocations(lambda: os.close(srv._accept()[0]))
for i in range(1, n + 1):
    accept_failing(f"fail {i}", i)
accept_failing("after", 0)
srv.close()
for fd in pad:
    os.close(fd)
""")
    n = got["allocations"]
    assert n >= 1
    for i in range(1, n + 1):
        assert got[f"fail {i}"] == ["MemoryError", None, 1, [], True], i  # nothing open; EOF
    assert got["after"] == ["ok", "accepted", 0]


def test_connect_refused(S):
    with server(S) as srv:
        addr = srv.getsockname()
    for timeout in (None, 2.0):
        with S.socket() as cli:
            cli.settimeout(timeout)
            with pytest.raises(ConnectionRefusedError):
                cli.connect(addr)
        with S.socket() as cli:
            cli.settimeout(timeout)
            assert cli.connect_ex(addr) == errno.ECONNREFUSED


def full_listener(S):
    """A listener whose accept queue is full: further SYNs are dropped, so connects hang."""
    srv = server(S)
    srv.listen(0)
    fillers = []
    while True:
        c = S.socket()
        c.settimeout(0.2)
        fillers.append(c)
        if c.connect_ex(srv.getsockname()) != 0:
            return srv, fillers


def test_connect_timeout_and_connect_ex_ewouldblock(S):
    srv, fillers = full_listener(S)
    try:
        with S.socket() as cli:
            cli.settimeout(0.2)
            t0 = time.monotonic()
            with pytest.raises(S.timeout, match="timed out"):
                cli.connect(srv.getsockname())
            assert 0.2 <= time.monotonic() - t0 < 1.0
        with S.socket() as cli:
            cli.settimeout(0.1)
            assert cli.connect_ex(srv.getsockname()) == errno.EWOULDBLOCK
    finally:
        for c in fillers:
            c.close()
        srv.close()


def test_nonblocking_connect_is_in_progress(S):
    with server(S) as srv, S.socket() as cli:
        cli.setblocking(False)
        err = cli.connect_ex(srv.getsockname())
        assert err in (0, errno.EINPROGRESS)


def test_unix_path_abstract_and_unnamed(S, tmp_path):
    path = str(tmp_path / "sock")
    with S.socket(S.AF_UNIX) as srv:
        srv.bind(path)
        assert srv.getsockname() == path
        srv.listen()
        with S.socket(S.AF_UNIX) as cli:
            cli.connect(path)
            conn, addr = srv.accept()
            with conn:
                assert addr == "" and cli.getsockname() == ""  # unnamed client
                assert cli.getpeername() == path
    name = b"\0csocket-test-%d" % os.getpid()
    with S.socket(S.AF_UNIX) as srv:
        srv.bind(name)
        assert srv.getsockname() == name
    with S.socket(S.AF_UNIX) as auto:
        auto.bind("")  # autobind picks an abstract name
        got = auto.getsockname()
        assert isinstance(got, bytes) and got[:1] == b"\0"


def test_unix_path_length_limits(S, tmp_path):
    with S.socket(S.AF_UNIX) as s:
        with pytest.raises(OSError, match="AF_UNIX path too long"):
            s.bind("/" + "a" * 107)
        with pytest.raises(OSError, match="AF_UNIX path too long"):
            s.bind(b"\0" + b"a" * 108)
        s.bind(b"\0" + b"a" * 107)  # an abstract name may fill sun_path entirely
        assert s.getsockname() == b"\0" + b"a" * 107


@pytest.mark.parametrize("addr,exc", [
    ("127.0.0.1", TypeError), (("127.0.0.1",), TypeError), (("127.0.0.1", 1, 2), TypeError),
    (("127.0.0.1", 65536), OverflowError), (("127.0.0.1", -1), OverflowError),
    (("127.0.0.1", 2**70), OverflowError), (("127.0.0.1", "80"), TypeError),
    ((1, 80), TypeError), (("127.0.0\0.1", 80), TypeError), (("127.0.0.1", 8.0), TypeError),
])
def test_bad_ipv4_addresses(S, addr, exc):
    with S.socket() as s:
        with pytest.raises(exc):
            s.bind(addr)


@pytest.mark.parametrize("addr,exc", [
    (("::1",), TypeError), (("::1", 0, 0, 0, 0), TypeError), (("::1", 0, 1 << 20), OverflowError),
    (("::1", 0, -1), OverflowError), (("::1", 70000), OverflowError), (("::1", 0, 0, 1.5), TypeError),
])
def test_bad_ipv6_addresses(S, addr, exc):
    with S.socket(S.AF_INET6) as s:
        with pytest.raises(exc):
            s.bind(addr)


def test_wildcard_and_broadcast_hosts(S):
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as s:
        s.bind(("", 0))
        assert s.getsockname()[0] == "0.0.0.0"
        s.setsockopt(S.SOL_SOCKET, S.SO_BROADCAST, 1)
        s.connect(("<broadcast>", 9))  # a UDP connect sends nothing: it only records the peer
        assert s.getpeername() == ("255.255.255.255", 9)
    with S.socket(S.AF_INET6, S.SOCK_DGRAM) as s:
        with pytest.raises(OSError, match="address family mismatched"):
            s.bind(("<broadcast>", 0))
        s.bind(("", 0))
        assert s.getsockname()[0] == "::"


def test_localhost_resolves_through_etc_hosts(S):
    with S.socket() as s:
        s.bind(("localhost", 0))
        assert s.getsockname()[0] == "127.0.0.1"


def test_listen_backlog_forms(S):
    with S.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(-5)  # negative means 0
        s.listen()
        with pytest.raises(TypeError):
            s.listen(1, 2)


def test_shutdown(S):
    a, b = S.socketpair()
    with a, b:
        a.shutdown(S.SHUT_WR)
        assert b.recv(10) == b""
        with pytest.raises(OSError):
            a.shutdown(42)
        with pytest.raises(OverflowError):
            a.shutdown(2**40)


def test_blocked_accept_ends_when_closed_from_another_thread(S):
    srv = server(S)
    srv.settimeout(5)
    errors = []

    def accept():
        try:
            srv.accept()
        except OSError as exc:
            errors.append(exc)

    t = threading.Thread(target=accept)
    t.start()
    time.sleep(0.1)
    srv.shutdown(S.SHUT_RDWR)
    t.join(5)
    srv.close()
    assert not t.is_alive() and errors
