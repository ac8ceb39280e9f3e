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


class SetTimeoutOnce:
    """On the first SIGALRM, put `sock` in timeout mode (its fd turns non-blocking under the call
    that is waiting on it), then run `later` after a short delay in a thread."""

    def __init__(self, sock, later):
        self.sock, self.later, self.threads = sock, later, []

    def handler(self, signum, frame):
        if not self.threads:
            self.sock.settimeout(5.0)
            t = threading.Timer(0.2, self.later)
            t.start()
            self.threads.append(t)

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, self.handler)
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)
        for t in self.threads:
            t.join()


def test_blocking_recv_survives_a_switch_to_timeout_mode(S):
    """A recv that began in blocking mode goes on blocking when a handler (or another thread, as
    websockets' sync client does while closing) puts the socket in timeout mode: the built-in
    module retries; csocket once raised BlockingIOError from the now non-blocking fd."""
    a, b = S.socketpair()
    with a, b:
        with SetTimeoutOnce(a, lambda: b.sendall(b"late data")) as switch:
            assert a.recv(100) == b"late data"
        assert switch.threads and a.gettimeout() == 5.0


def test_blocking_accept_survives_a_switch_to_timeout_mode(S):
    with S.socket() as srv, S.socket() as cli:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        with SetTimeoutOnce(srv, lambda: cli.connect(srv.getsockname())):
            conn, _ = srv.accept()
        conn.close()


def test_blocking_sendall_survives_a_switch_to_timeout_mode(S):
    a, b = S.socketpair()
    with a, b:
        data = b"x" * (8 << 20)  # far more than the socket buffers hold
        got = []

        def drain():
            b.settimeout(3.0)  # ends the thread if sendall fails
            while sum(got) < len(data):
                got.append(len(b.recv(1 << 20)))

        with SetTimeoutOnce(a, drain):
            a.sendall(data)
        assert sum(got) == len(data)
