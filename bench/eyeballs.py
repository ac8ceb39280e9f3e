"""The Happy Eyeballs row: seconds per connect when the first address never answers.

Not a pyperf workload: one operation takes seconds (the built-in waits out its timeout), so it is
timed directly, a few connects per contender, in the bench's own process.  The first address is
a listener on [::1] whose accept queue is full (the kernel drops further SYNs, so a connect hangs);
the second is a listener on 127.0.0.1, same port.  The built-in socket.create_connection gets the
two addresses from a stubbed getaddrinfo; csocket gets the same list through connect_addrinfos.
"""
import errno
import socket
import time

import csocket

TIMEOUT = 2.0
DELAY = 0.25
TITLE = "connect, broken first address (timeout %g s, delay %g s)" % (TIMEOUT, DELAY)


class _Sites:
    """The two listeners on one port (see above); `port`, `infos` and `close()`.

    The kernel picks the port for [::1] alone, so on 127.0.0.1 it may be taken (a live socket, or
    an earlier connection in TIME_WAIT, which SO_REUSEADDR lets the listener share): then the
    layout is built again on another port.
    """

    def __init__(self):
        self.opened = []
        for attempt in range(20):
            try:
                self._open()
                return
            except OSError as e:
                self.close()
                if e.errno != errno.EADDRINUSE or attempt == 19:
                    raise

    def _open(self):
        broken = self._sock(socket.AF_INET6)
        broken.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        broken.bind(("::1", 0))
        broken.listen(0)
        self.port = broken.getsockname()[1]
        good = self._sock(socket.AF_INET)
        good.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        good.bind(("127.0.0.1", self.port))
        good.listen(64)
        self.good = good
        for _ in range(2):
            filler = self._sock(socket.AF_INET6)
            filler.setblocking(False)
            filler.connect_ex(("::1", self.port))
        self.infos = [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("::1", self.port, 0, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", self.port)),
        ]

    def _sock(self, family):
        s = socket.socket(family, socket.SOCK_STREAM)
        self.opened.append(s)
        return s

    def accepted(self):
        conn, _ = self.good.accept()
        conn.close()

    def close(self):
        while self.opened:
            self.opened.pop().close()


def _time(connect, sites, rounds):
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        sock = connect()
        times.append(time.perf_counter() - t0)
        sock.close()
        sites.accepted()
    return min(times), max(times)


def measure(rounds):
    """{contender: (best, worst) seconds per connect}, or {"error": why}."""
    try:
        sites = _Sites()
    except OSError as e:  # no IPv6 loopback here
        return {"error": str(e)}
    real = socket.getaddrinfo
    try:
        socket.getaddrinfo = lambda *a, **k: list(sites.infos)
        builtin = _time(lambda: socket.create_connection(("::1", sites.port), TIMEOUT), sites, rounds)
    finally:
        socket.getaddrinfo = real
    try:
        cs = _time(lambda: csocket.connect_addrinfos(sites.infos, TIMEOUT, happy_eyeballs_delay=DELAY),
                   sites, rounds)
    finally:
        sites.close()
    return {"builtin": builtin, "csocket": cs}


def lines(result):
    if "error" in result:
        return ["%s: n/a (%s)" % (TITLE, result["error"])]
    b, c = result["builtin"][0], result["csocket"][0]
    return ["%s: built-in %.3f s, csocket %.3f s per connect (%.1fx sooner)" % (TITLE, b, c, b / c)]
