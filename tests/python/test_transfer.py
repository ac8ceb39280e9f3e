"""recv, recv_into, recvfrom, recvfrom_into, send, sendall, sendto over TCP, UDP and AF_UNIX."""
import hashlib
import os
import sys
import threading

import pytest


def tcp_pair(S, timeout=None):
    with S.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        cli = S.socket()
        cli.settimeout(timeout)
        cli.connect(srv.getsockname())
        conn, _ = srv.accept()
        conn.settimeout(timeout)
        return cli, conn


@pytest.mark.parametrize("timeout", [None, 0.0, 5.0])
def test_recv_returns_exactly_what_arrived(S, timeout):
    a, b = tcp_pair(S, timeout=5.0)
    with a, b:
        b.settimeout(timeout)
        a.sendall(b"x" * 64)
        if timeout == 0.0:
            import select  # non-blocking: wait until the data is there

            select.select([b], [], [], 5)
        data = b.recv(262144)
        assert data == b"x" * 64 and type(data) is bytes


def test_recv_sizes_and_flags(S):
    a, b = S.socketpair()
    with a, b:
        a.sendall(b"hello world")
        assert b.recv(5, S.MSG_PEEK) == b"hello"
        assert b.recv(0) == b""
        assert b.recv(5) == b"hello"
        assert b.recv(2**20) == b" world"  # beyond the per-thread buffer: own allocation
        a.close()
        assert b.recv(10) == b""  # EOF
        with pytest.raises(ValueError, match="negative buffersize in recv"):
            b.recv(-1)
        with pytest.raises(TypeError):
            b.recv(1.5)
        with pytest.raises(TypeError):
            b.recv()
        with pytest.raises(OverflowError):
            b.recv(2**70)


def test_datagrams_are_never_truncated_by_an_internal_buffer(S):
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as r, S.socket(S.AF_INET, S.SOCK_DGRAM) as w:
        r.bind(("127.0.0.1", 0))
        w.bind(("127.0.0.1", 0))
        r.setsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 1 << 20)
        for size in (0, 1, 65507):
            payload = os.urandom(size)
            w.sendto(payload, r.getsockname())
            data, addr = r.recvfrom(1 << 20)  # larger than csocket's per-thread buffer
            assert data == payload and addr == w.getsockname()
            w.sendto(payload, r.getsockname())
            data, addr = r.recvfrom(65536)
            assert data == payload
        w.sendto(b"abcdef", r.getsockname())
        assert r.recvfrom(3)[0] == b"abc"  # the caller asked for less: the kernel truncates


def test_recv_into_and_recvfrom_into(S):
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as r, S.socket(S.AF_INET, S.SOCK_DGRAM) as w:
        r.bind(("127.0.0.1", 0))
        w.bind(("127.0.0.1", 0))
        w.sendto(b"0123456789", r.getsockname())
        buf = bytearray(16)
        n, addr = r.recvfrom_into(buf, 4)
        assert (n, bytes(buf[:4]), addr) == (4, b"0123", w.getsockname())
        w.sendto(b"abc", r.getsockname())
        mv = memoryview(buf)[8:]
        assert r.recv_into(mv, flags=0) == 3 and bytes(buf[8:11]) == b"abc"
        w.sendto(b"kw", r.getsockname())
        assert r.recv_into(buffer=buf, nbytes=2) == 2
        with pytest.raises(ValueError, match="buffer too small"):
            r.recv_into(bytearray(2), 3)
        with pytest.raises(ValueError, match="negative buffersize in recv_into"):
            r.recv_into(buf, -1)
        with pytest.raises(ValueError, match="nbytes is greater"):
            r.recvfrom_into(bytearray(2), 3)
        with pytest.raises(TypeError):
            r.recv_into(b"read-only")
        with pytest.raises(TypeError):
            r.recv_into(buf, bogus=1)
        with pytest.raises(TypeError):
            r.recv_into(buf, 1, buffer=buf)


def test_send_forms_and_errors(S):
    a, b = S.socketpair()
    with a, b:
        assert a.send(b"ab") == 2
        assert a.send(memoryview(b"cdef")[1:3]) == 2
        assert a.send(bytearray(b"g"), 0) == 1
        assert b.recv(10) == b"abdeg"
        with pytest.raises(TypeError):
            a.send("text")
        with pytest.raises(TypeError):
            a.sendall(None)
        b.close()
        with pytest.raises(BrokenPipeError):
            for _ in range(100):
                a.send(b"x" * 65536)


def test_sendto_arities(S):
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as r, S.socket(S.AF_INET, S.SOCK_DGRAM) as w:
        r.bind(("127.0.0.1", 0))
        assert w.sendto(b"one", r.getsockname()) == 3
        assert w.sendto(b"two", 0, r.getsockname()) == 3
        assert r.recv(10) == b"one" and r.recv(10) == b"two"
        with pytest.raises(TypeError, match="2 or 3 arguments"):
            w.sendto(b"x")
        with pytest.raises(TypeError):
            w.sendto(b"x", 0, r.getsockname(), 1)
        with pytest.raises(TypeError):
            w.sendto(b"x", "no address")


@pytest.mark.parametrize("timeout", [None, 10.0])
def test_sendall_large_stream_arrives_intact(S, timeout):
    """Several MiB through sendall across many partial sends; nothing lost or duplicated."""
    a, b = tcp_pair(S, timeout=timeout)
    payload = os.urandom(8 << 20)
    digest = {}

    def reader():
        h, n = hashlib.sha256(), 0
        buf = bytearray(65536)
        while True:
            k = b.recv_into(buf)
            if not k:
                break
            h.update(buf[:k])
            n += k
        digest["got"] = (n, h.hexdigest())

    t = threading.Thread(target=reader)
    t.start()
    a.sendall(payload)
    a.shutdown(S.SHUT_WR)
    t.join(30)
    a.close()
    b.close()
    assert digest["got"] == (len(payload), hashlib.sha256(payload).hexdigest())


def test_unix_datagrams_with_addresses(S, tmp_path):
    with S.socket(S.AF_UNIX, S.SOCK_DGRAM) as r, S.socket(S.AF_UNIX, S.SOCK_DGRAM) as w:
        r.bind(str(tmp_path / "r"))
        w.bind(str(tmp_path / "w"))
        w.sendto(b"hi", str(tmp_path / "r"))
        assert r.recvfrom(10) == (b"hi", str(tmp_path / "w"))
    a, b = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM)
    with a, b:
        a.send(b"anon")
        data, addr = b.recvfrom(10)
        assert data == b"anon" and addr in (None, "")  # unnamed sender


def test_recv_from_connected_stream_has_no_address(S):
    a, b = tcp_pair(S)
    with a, b:
        a.sendall(b"z")
        data, addr = b.recvfrom(5)
        assert data == b"z" and addr is None


def test_sockopts(S):
    with S.socket() as s:
        s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
        assert s.getsockopt(S.SOL_SOCKET, S.SO_REUSEADDR) == 1
        s.setsockopt(S.IPPROTO_TCP, S.TCP_NODELAY, True)
        assert s.getsockopt(S.IPPROTO_TCP, S.TCP_NODELAY) == 1
        linger = (1).to_bytes(4, "little") + (5).to_bytes(4, "little")
        s.setsockopt(S.SOL_SOCKET, S.SO_LINGER, linger)
        assert s.getsockopt(S.SOL_SOCKET, S.SO_LINGER, 8) == linger
        with pytest.raises(OSError, match="buflen out of range"):
            s.getsockopt(S.SOL_SOCKET, S.SO_LINGER, 1025)
        with pytest.raises(OSError, match="buflen out of range"):
            s.getsockopt(S.SOL_SOCKET, S.SO_LINGER, -1)
        # 3.15 checks an int value's range itself; before, the buffer form's TypeError.
        with pytest.raises(OverflowError if sys.version_info >= (3, 15) else TypeError):
            s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 2**40)
        with pytest.raises(TypeError):
            s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, "1")
        with pytest.raises(TypeError):
            s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1, 4)
        with pytest.raises(OSError):
            s.setsockopt(S.SOL_SOCKET, 12345, 1)


def test_blocking_send_is_never_short(S):
    """A blocking send() waits for room rather than returning a partial count."""
    a, b = S.socketpair()
    big = os.urandom(4 << 20)
    received = []

    def reader():
        n = 0
        while n < len(big):
            chunk = b.recv(1 << 16)
            received.append(chunk)
            n += len(chunk)

    t = threading.Thread(target=reader)
    t.start()
    with a, b:
        assert a.send(big) == len(big)
        t.join(30)
    assert b"".join(received) == big


def test_blocking_recv_waitall_waits_for_everything(S):
    a, b = S.socketpair()
    with a, b:
        a.sendall(b"12345")
        timer = threading.Timer(0.2, a.sendall, (b"67890",))
        timer.start()
        assert b.recv(10, S.MSG_WAITALL) == b"1234567890"
        timer.join()
