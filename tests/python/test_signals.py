"""PEP 475: signals during blocking and timeout-mode calls run their Python handlers; the call
resumes with the time left, or ends with the handler's exception and leaves the socket usable."""
import signal
import threading
import time

import pytest

from test_connection import full_listener


class Alarms:
    """SIGALRM every `interval` seconds, counting handler runs; optionally raising."""

    def __init__(self, interval, raise_after=None):
        self.count = 0
        self.interval = interval
        self.raise_after = raise_after

    def handler(self, signum, frame):
        self.count += 1
        if self.count == self.raise_after:  # once: a later alarm must not hit pytest.raises
            raise ZeroDivisionError("from the handler")

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, self.handler)
        signal.setitimer(signal.ITIMER_REAL, self.interval, self.interval)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)


def send_later(sock, data, delay):
    t = threading.Timer(delay, sock.sendall, (data,))
    t.start()
    return t


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_recv_resumes_after_handlers(S, timeout):
    a, b = S.socketpair()
    with a, b:
        a.settimeout(timeout)
        t = send_later(b, b"after the signals", 0.3)
        with Alarms(0.02) as alarms:
            assert a.recv(100) == b"after the signals"
        t.join()
        assert alarms.count >= 3


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_handler_exception_propagates_and_socket_stays_usable(S, timeout):
    a, b = S.socketpair()
    with a, b:
        a.settimeout(timeout)
        with Alarms(0.05, raise_after=1):
            with pytest.raises(ZeroDivisionError):
                a.recv(100)
        b.sendall(b"still fine")
        assert a.recv(100) == b"still fine"


def test_deadline_holds_across_signals(S):
    a, b = S.socketpair()
    with a, b:
        a.settimeout(0.3)
        with Alarms(0.01) as alarms:
            t0 = time.monotonic()
            with pytest.raises(S.timeout):
                a.recv(100)
            elapsed = time.monotonic() - t0
        assert alarms.count >= 5
        assert 0.3 <= elapsed < 0.3 + 0.05 + 0.3  # within 50 ms on a quiet machine; noisy slack


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_sendall_interrupted_by_a_raising_handler(S, timeout):
    a, b = S.socketpair()
    with a, b:
        a.settimeout(timeout)
        with Alarms(0.1, raise_after=1):
            with pytest.raises(ZeroDivisionError):
                a.sendall(b"x" * (64 << 20))  # the peer never reads


def test_connect_with_timeout_across_signals(S):
    srv, fillers = full_listener(S)
    try:
        with S.socket() as cli, Alarms(0.02) as alarms:
            cli.settimeout(0.3)
            t0 = time.monotonic()
            with pytest.raises(S.timeout):
                cli.connect(srv.getsockname())
            assert 0.3 <= time.monotonic() - t0 < 0.3 + 0.5
        assert alarms.count >= 3
    finally:
        for c in fillers:
            c.close()
        srv.close()


def test_blocking_accept_resumes(S):
    with S.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        addr = srv.getsockname()
        cli = S.socket()

        def connect_later():
            time.sleep(0.3)
            cli.connect(addr)

        t = threading.Thread(target=connect_later)
        t.start()
        with Alarms(0.02) as alarms:
            conn, _ = srv.accept()
        t.join()
        conn.close()
        cli.close()
        assert alarms.count >= 3
