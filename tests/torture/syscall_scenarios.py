"""The system-call torture's scenarios: whole socket lifetimes on loopback, socketpair and AF_UNIX,
each run on csocket through `csocket.socket`.  The thread under test (the driver's) does the
calls that fail; a helper thread at the other end (whose calls never fail) sends or receives
a known stream, and both ends compare SHA-256 and length, so a retry that loses or repeats data
shows.  Every scenario closes what it made, whatever happened.

ERRNOS says which errors each function is failed with (those it can return); `retried` which
ones csocket must absorb: PEP 475 (EINTR, for every call that waits) and, in timeout mode,
EAGAIN (wait for readiness, try again).
"""
import array
import errno
import hashlib
import os
import shutil
import tempfile
import threading

import csocket.socket as S

E = errno
ERRNOS = {
    "socket": [E.EMFILE, E.ENOBUFS, E.ENOMEM],
    "socketpair": [E.EMFILE, E.ENOMEM],
    "connect": [E.EINTR, E.ENOBUFS, E.ECONNRESET],
    "accept4": [E.EINTR, E.EAGAIN, E.EMFILE, E.ENOBUFS, E.ECONNRESET],
    "bind": [E.ENOMEM, E.ENOBUFS],
    "listen": [E.ENOBUFS],
    "shutdown": [E.ENOBUFS, E.EBADF],
    "recv": [E.EINTR, E.EAGAIN, E.ENOMEM, E.ECONNRESET],
    "recvfrom": [E.EINTR, E.EAGAIN, E.ENOMEM, E.ECONNRESET],
    "recvmsg": [E.EINTR, E.EAGAIN, E.ENOMEM, E.ECONNRESET],
    "recvmmsg": [E.EINTR, E.EAGAIN, E.ENOMEM],
    "send": [E.EINTR, E.EAGAIN, E.ENOBUFS, E.ECONNRESET, E.EPIPE],
    "sendto": [E.EINTR, E.EAGAIN, E.ENOBUFS, E.ECONNRESET, E.EPIPE],
    "sendmsg": [E.EINTR, E.EAGAIN, E.ENOBUFS, E.ECONNRESET, E.EPIPE],
    "sendmmsg": [E.EINTR, E.EAGAIN, E.ENOBUFS],
    "poll": [E.EINTR, E.ENOMEM],
    "getsockopt": [E.ENOBUFS, E.EBADF],
    "setsockopt": [E.ENOMEM, E.ENOBUFS],
    "getsockname": [E.ENOBUFS],
    "getpeername": [E.ENOBUFS],
    "fcntl": [E.EBADF],
    "ioctl": [E.EBADF],
    "close": [E.EINTR, E.ECONNRESET],
    "getaddrinfo": [E.EAGAIN, E.ENOMEM, E.EMFILE],
    "getnameinfo": [E.EAGAIN, E.ENOMEM],
    "malloc": [E.ENOMEM],
    "realloc": [E.ENOMEM],
}
WAITING = {"connect", "accept4", "recv", "recvfrom", "recvmsg", "recvmmsg", "send", "sendto",
           "sendmsg", "sendmmsg", "poll"}


def retried(func, err, mode):
    if func in WAITING and err == E.EINTR:
        return True
    return mode == "timeout" and err == E.EAGAIN and func in WAITING - {"poll", "connect"}


UDP_SEGMENT = getattr(S, "UDP_SEGMENT", 103)  # Linux 4.18: UDP GSO's segment size


def may_absorb(func, err, site, arg):
    """Failures csocket may take in its stride, as the built-in module does: ECONNRESET from
    close() (the descriptor is gone all the same); the per-thread receive buffer (recv falls
    back to a bytes object); getsockname() when socket(fileno=fd) asks the family (only EBADF
    and ENOTSOCK refuse the descriptor there, as in the built-in module); EAGAIN from the
    first try csocket makes with MSG_DONTWAIT while holding the GIL (it only means "not ready
    yet": the call then waits as its mode says); and getsockopt(SOL_UDP, UDP_SEGMENT), the
    batch sends' probe for UDP GSO (a hint: when it fails the same datagrams go out without
    GSO, and an error of the socket itself is then the send's to raise).  `arg` is the failed
    call's flags (send/recv family) or level << 16 | option (getsockopt, setsockopt)."""
    if (func, err) in {("close", E.ECONNRESET), ("malloc", E.ENOMEM)}:
        return True
    if func == "getsockname" and site == "csk_sock_family":
        return True
    if func == "getsockopt":
        return arg == (S.SOL_UDP << 16 | UDP_SEGMENT)
    return err == E.EAGAIN and bool(arg & S.MSG_DONTWAIT)


def settle():
    pass


PAYLOAD = os.urandom(1 << 20)  # 1 MiB: more than the socket buffers hold, so calls wait
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


class Scene:
    """Sockets and threads of one run, all closed and joined at the end, whatever happened."""

    def __init__(self):
        self.socks, self.threads, self.errors = [], [], []

    def __enter__(self):
        return self

    def track(self, *socks):
        self.socks.extend(socks)
        return socks[0] if len(socks) == 1 else socks

    def helper(self, fn, *args):
        def body():
            try:
                fn(*args)
            except Exception as e:  # noqa: B902 - reported by the scenario if it matters
                self.errors.append(e)
        t = threading.Thread(target=body, daemon=True)
        t.start()
        self.threads.append(t)
        return t

    def __exit__(self, *exc):
        first = None
        for s in self.socks:
            try:
                s.close()
            except OSError as e:  # an injected close() failure: report it, close the rest
                first = first or e
        for t in self.threads:
            t.join(20)
            if t.is_alive():
                raise AssertionError("a helper thread did not finish")
        if first is not None and exc[0] is None:
            raise first
        return False


def sink(conn, result):
    """Helper: read the peer's stream to its end; record length and digest."""
    h, n = hashlib.sha256(), 0
    while True:
        data = conn.recv(65536)
        if not data:
            break
        h.update(data)
        n += len(data)
    result.append((n, h.hexdigest()))


def source(conn):
    conn.sendall(PAYLOAD)
    conn.shutdown(S.SHUT_WR)


def check_stream(n, digest):
    if (n, digest) != (len(PAYLOAD), DIGEST):
        raise AssertionError(f"DATA MISMATCH: {n} bytes, {digest[:12]} (sent {len(PAYLOAD)})")


def set_mode(sock, mode):
    if mode == "timeout":
        sock.settimeout(10.0)
    elif mode == "blocking":
        sock.setblocking(True)


def tcp_pair(sc, mode, family=S.AF_INET, host="127.0.0.1"):
    """A connected pair (client, server end): the thread under test makes both."""
    srv = sc.track(S.socket(family, S.SOCK_STREAM))
    srv.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
    srv.bind((host, 0))
    srv.listen(4)
    set_mode(srv, mode)
    cli = sc.track(S.socket(family, S.SOCK_STREAM))
    set_mode(cli, mode)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    sc.track(conn)
    conn.settimeout(10.0)  # the helper's end never waits for ever
    return cli, conn


def stream_out(mode, how):
    """The thread under test sends 1 MiB (sendall, or send / sendmsg loops); the helper reads."""
    def scenario():
        with Scene() as sc:
            cli, conn = tcp_pair(sc, mode)
            got = []
            sc.helper(sink, conn, got)
            view = memoryview(PAYLOAD)
            if how == "sendall":
                cli.sendall(PAYLOAD)
            else:
                off = 0
                while off < len(PAYLOAD):
                    chunk = view[off:off + 200000]
                    off += cli.send(chunk) if how == "send" else cli.sendmsg([chunk[:7], chunk[7:]])
            cli.shutdown(S.SHUT_WR)
            sc.threads[0].join(20)
            if sc.errors:
                raise sc.errors[0]
            check_stream(*got[0])
    return scenario


def stream_in(mode):
    """The helper sends 1 MiB; the thread under test receives with every receive method."""
    def scenario():
        with Scene() as sc:
            cli, conn = tcp_pair(sc, mode)
            sc.helper(source, conn)
            h, n, buf, turn = hashlib.sha256(), 0, bytearray(70000), 0
            while True:
                kind = turn % 5
                turn += 1
                if kind == 0:
                    data = cli.recv(65536)
                elif kind == 1:
                    k = cli.recv_into(buf)
                    data = bytes(buf[:k])
                elif kind == 2:
                    data, _ = cli.recvfrom(300000)  # the per-thread buffer (and its fallback)
                elif kind == 3:
                    data = cli.recvmsg(65536)[0]
                else:
                    k = cli.recvmsg_into([buf])[0]
                    data = bytes(buf[:k])
                if not data:
                    break
                h.update(data)
                n += len(data)
            if sc.errors:
                raise sc.errors[0]
            check_stream(n, h.hexdigest())
    return scenario


def datagrams(mode):
    """UDP: 30 datagrams by sendto / sendmsg / send (connected), each received exactly once."""
    def scenario():
        with Scene() as sc:
            a = sc.track(S.socket(S.AF_INET, S.SOCK_DGRAM))
            b = sc.track(S.socket(S.AF_INET, S.SOCK_DGRAM))
            for s in (a, b):
                set_mode(s, mode)
            b.bind(("127.0.0.1", 0))
            to = b.getsockname()
            for i in range(10):
                a.sendto(b"sendto %d" % i, to)
            for i in range(10):
                a.sendmsg([b"sendmsg ", b"%d" % i], [], 0, to)
            a.connect(to)
            for i in range(10):
                a.send(b"send %d" % i)
            got, buf = [], bytearray(100)
            for i in range(30):
                kind = i % 4
                if kind == 0:
                    got.append(b.recvfrom(100)[0])
                elif kind == 1:
                    got.append(b.recvmsg(100)[0])
                elif kind == 2:
                    k, _ = b.recvfrom_into(buf)
                    got.append(bytes(buf[:k]))
                else:
                    got.append(b.recv(100))
            want = ([b"sendto %d" % i for i in range(10)] + [b"sendmsg %d" % i for i in range(10)]
                    + [b"send %d" % i for i in range(10)])
            if got != want:
                raise AssertionError(f"DATA MISMATCH: datagrams {got!r}")
    return scenario


def unix_rights():
    """AF_UNIX: descriptors passed with SCM_RIGHTS, received, closed; a path name bound."""
    tmp = tempfile.mkdtemp(prefix="csocket-torture-")
    r, w = os.pipe()
    try:
        with Scene() as sc:
            a, b = sc.track(*S.socketpair(S.AF_UNIX, S.SOCK_STREAM))
            fds = array.array("i", [r, w])
            a.sendmsg([b"fds"], [(S.SOL_SOCKET, S.SCM_RIGHTS, fds)])
            msg, anc, flags, addr = b.recvmsg(10, S.CMSG_SPACE(fds.itemsize * 2))
            for level, type_, data in anc:
                got = array.array("i")
                got.frombytes(data[:len(data) - len(data) % got.itemsize])
                for fd in got:
                    os.close(fd)
            if msg != b"fds" or len(anc) != 1:
                raise AssertionError(f"DATA MISMATCH: {msg!r} {anc!r}")
            srv = sc.track(S.socket(S.AF_UNIX, S.SOCK_STREAM))
            path = os.path.join(tmp, "s")
            srv.bind(path)
            srv.listen()
            cli = sc.track(S.socket(S.AF_UNIX, S.SOCK_STREAM))
            cli.connect(path)
            conn, _ = srv.accept()
            sc.track(conn)
            cli.sendall(b"over a path")
            if conn.recv(100) != b"over a path":
                raise AssertionError("DATA MISMATCH: AF_UNIX stream")
    finally:
        os.close(r)
        os.close(w)
        shutil.rmtree(tmp, ignore_errors=True)


def accept_waits():
    """Timeout mode: accept() and recv() wait (poll) for a peer that comes 30 ms later."""
    with Scene() as sc:
        srv = sc.track(S.socket())
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        srv.settimeout(10.0)
        addr = srv.getsockname()

        def late_peer():
            threading.Event().wait(0.03)
            with S.create_connection(addr, timeout=10) as c:
                threading.Event().wait(0.03)
                c.sendall(b"late")
        sc.helper(late_peer)
        conn, _ = srv.accept()
        sc.track(conn)
        conn.settimeout(10.0)
        data = b""
        while len(data) < 4:
            more = conn.recv(10)
            if not more:
                break
            data += more
        if data != b"late":
            raise AssertionError(f"DATA MISMATCH: {data!r}")


def connect_modes():
    """connect in timeout mode (EINPROGRESS, poll, SO_ERROR), connect_ex refused, and the
    address calls."""
    with Scene() as sc:
        srv = sc.track(S.socket())
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        c = sc.track(S.socket())
        c.settimeout(5.0)
        c.connect(srv.getsockname())
        c.getpeername()
        c.getsockname()
        gone = sc.track(S.socket())
        gone.bind(("127.0.0.1", 0))  # bound, never listening: connections to it are refused
        probe = sc.track(S.socket())
        probe.settimeout(5.0)
        r = probe.connect_ex(gone.getsockname())
        if r != E.ECONNREFUSED:
            raise OSError(r, os.strerror(r))  # connect_ex reports what connect would raise


def resolver():
    """Numeric names only: getaddrinfo, getnameinfo, create_connection."""
    with Scene() as sc:
        srv = sc.track(S.socket())
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        infos = S.getaddrinfo("127.0.0.1", port, S.AF_INET, S.SOCK_STREAM, 0, S.AI_NUMERICHOST)
        if infos[0][4] != ("127.0.0.1", port):
            raise AssertionError(f"getaddrinfo: {infos!r}")
        S.getaddrinfo("::1", "80", S.AF_INET6, S.SOCK_DGRAM, 0, S.AI_NUMERICHOST)
        if S.getnameinfo(("127.0.0.1", port), S.NI_NUMERICHOST | S.NI_NUMERICSERV) != \
                ("127.0.0.1", str(port)):
            raise AssertionError("getnameinfo")
        S.gethostbyname("127.0.0.1")
        S.getservbyname("http", "tcp")
        S.getprotobyname("tcp")
        c = sc.track(S.create_connection(("127.0.0.1", port), timeout=5))
        c.sendall(b"x")


def options_modes():
    """Options, modes, dup, detach, fileno adoption, shutdown, close."""
    with Scene() as sc:
        s = sc.track(S.socket())
        s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
        if not s.getsockopt(S.SOL_SOCKET, S.SO_REUSEADDR):
            raise AssertionError("SO_REUSEADDR")
        s.getsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 4)
        s.setsockopt(S.IPPROTO_TCP, S.TCP_NODELAY, 1)
        s.setblocking(False)
        s.settimeout(1.5)
        s.setblocking(True)
        s.settimeout(None)
        d = sc.track(s.dup())
        if d.type != S.SOCK_STREAM:
            raise AssertionError("dup")
        fd = d.detach()
        try:
            adopted = sc.track(S.socket(fileno=fd))
        except OSError:
            os.close(fd)  # socket(fileno=fd) failed: fd is still ours
            raise
        adopted.getsockname()
        a, b = sc.track(*S.socketpair())
        a.sendall(b"bye")
        a.shutdown(S.SHUT_WR)
        if b.recv(10) != b"bye":
            raise AssertionError("DATA MISMATCH: socketpair")
        a.close()
        b.close()


def batch(mode):
    """csocket's batch datagram calls: sendmmsg (its UDP GSO probe and send, then plain) and
    recvmmsg, both sockets in `mode` (blocking: EAGAIN is the send's error, as a blocking send()
    with SO_SNDTIMEO reports it in both modules; timeout: waited for and retried)."""
    def scenario():
        if hasattr(S.socket, "recvmmsg"):
            batch_run(mode)
    return scenario


def batch_run(mode):
    with Scene() as sc:
        tx = sc.track(S.socket(S.AF_INET, S.SOCK_DGRAM))
        rx = sc.track(S.socket(S.AF_INET, S.SOCK_DGRAM))
        rx.bind(("127.0.0.1", 0))
        for s in (tx, rx):
            set_mode(s, mode)
        to = rx.getsockname()
        want = [b"%02d" % i * 8 for i in range(12)]
        sent = 0
        while sent < len(want):
            sent += tx.sendmmsg([(m, to) for m in want[sent:]])
        got = []
        while len(got) < len(want):
            got += [m[0] if isinstance(m, tuple) else m for m in rx.recvmmsg(8, 100)]
        if [bytes(g) for g in got] != want:
            raise AssertionError(f"DATA MISMATCH: {got!r}")


SCENARIOS = {
    "stream sendall, blocking": stream_out("blocking", "sendall"),
    "stream sendall, timeout": stream_out("timeout", "sendall"),
    "stream send, timeout": stream_out("timeout", "send"),
    "stream sendmsg, blocking": stream_out("blocking", "sendmsg"),
    "stream receive, blocking": stream_in("blocking"),
    "stream receive, timeout": stream_in("timeout"),
    "datagrams, blocking": datagrams("blocking"),
    "datagrams, timeout": datagrams("timeout"),
    "unix rights and paths": unix_rights,
    "accept waits, timeout": accept_waits,
    "connect, timeout": connect_modes,
    "resolver, numeric, timeout": resolver,
    "options and modes": options_modes,
    "batch datagrams, blocking": batch("blocking"),
    "batch datagrams, timeout": batch("timeout"),
}
MODES = {name: ("timeout" if "timeout" in name else "blocking") for name in SCENARIOS}
WEIGHT = {name: (5 if "stream" in name else 1) for name in SCENARIOS}
