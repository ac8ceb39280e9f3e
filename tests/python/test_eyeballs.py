"""Happy Eyeballs (RFC 8305): csocket.create_connection, connect_addrinfos and _csocket._race.

All on loopback with numeric addresses (never a lookup that could leave the machine).  A "broken"
address is a listener on [::1] whose accept queue is full: the kernel drops further SYNs, so a
connect to it hangs until its timeout, while a working listener on 127.0.0.1 shares the port.
Timing assertions keep wide margins (delay 0.1 s against a 5 s timeout) for a loaded machine.
"""
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

import csocket
from bench import eyeballs as _bench_eyeballs
from csocket import _csocket, _eyeballs

STREAM = socket.SOCK_STREAM
TCP = socket.IPPROTO_TCP
# Before 3.10 socket.timeout is not TimeoutError: a timeout is the socket module's class there
# (csocket's own _csocket.timeout where csocket is not installed), as the built-in raises it.
TIMEOUT = (TimeoutError, socket.timeout, _csocket.timeout)


def v6(port):
    return (socket.AF_INET6, STREAM, TCP, "", ("::1", port, 0, 0))


def v4(port, host="127.0.0.1"):
    return (socket.AF_INET, STREAM, TCP, "", (host, port))


@pytest.fixture
def sites():
    """(port, refused_port): [::1]:port hangs, 127.0.0.1:port accepts, *:refused_port refuses."""
    broken_and_good = _bench_eyeballs._Sites()  # the bench's row measures on the same layout
    try:
        with socket.socket(socket.AF_INET6, STREAM) as spare:
            spare.bind(("::1", 0))
            refused_port = spare.getsockname()[1]
        # nothing listens on refused_port now, on either family
        yield broken_and_good.port, refused_port
    finally:
        broken_and_good.close()


def elapsed(f, *args, **kwargs):
    t = time.monotonic()
    try:
        result = f(*args, **kwargs)
    except BaseException as e:
        return e, time.monotonic() - t
    return result, time.monotonic() - t


def test_the_broken_address_really_hangs(sites):
    port, _ = sites
    probe = socket.socket(socket.AF_INET6, STREAM)
    probe.settimeout(0.3)
    with probe, pytest.raises(TIMEOUT):
        probe.connect(("::1", port))


def test_race_connects_in_about_the_delay_past_a_broken_first_address(sites):
    port, _ = sites
    sock, took = elapsed(csocket.connect_addrinfos, [v6(port), v4(port)], 5,
                         happy_eyeballs_delay=0.1)
    with sock:
        assert isinstance(sock, socket.socket)
        assert sock.getpeername() == ("127.0.0.1", port)
        assert sock.gettimeout() == 5  # the timeout argument, as the built-in sets it
        assert sock.family == socket.AF_INET and sock.type == STREAM
    assert 0.09 <= took < 2.5


def test_sequential_and_builtin_take_the_whole_timeout(sites, monkeypatch):
    port, _ = sites
    infos = [v6(port), v4(port)]
    sock, took = elapsed(csocket.connect_addrinfos, infos, 1, happy_eyeballs_delay=None)
    with sock:
        assert sock.getpeername() == ("127.0.0.1", port)
    assert took >= 0.95
    # The interpreter's own create_connection over the same resolved list.
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: infos)
    sock, took_builtin = elapsed(socket.create_connection, ("ignored", port), 1)
    with sock:
        assert sock.getpeername() == ("127.0.0.1", port)
    assert took_builtin >= 0.95


def test_create_connection_with_numeric_hosts(sites):
    port, _ = sites
    with csocket.create_connection(("127.0.0.1", port)) as sock:
        assert sock.getpeername() == ("127.0.0.1", port)
        assert sock.gettimeout() == socket.getdefaulttimeout()
    with csocket.create_connection(("127.0.0.1", port), None) as sock:
        assert sock.gettimeout() is None
    with csocket.create_connection(("127.0.0.1", port), socket._GLOBAL_DEFAULT_TIMEOUT) as sock:
        assert sock.gettimeout() == socket.getdefaulttimeout()
    with pytest.raises(TIMEOUT):  # only the broken family: the deadline bounds the call
        csocket.create_connection(("::1", port), 0.3)


def test_default_timeout_applies_to_the_race_and_the_socket(sites):
    port, _ = sites
    socket.setdefaulttimeout(0.3)
    try:
        err, took = elapsed(csocket.connect_addrinfos, [v6(port)])
        assert isinstance(err, TIMEOUT) and took < 2.5
        with csocket.connect_addrinfos([v4(port)]) as sock:
            assert sock.gettimeout() == 0.3
    finally:
        socket.setdefaulttimeout(None)


def test_a_refused_attempt_starts_the_next_at_once(sites):
    port, refused = sites
    sock, took = elapsed(csocket.connect_addrinfos, [v6(refused), v4(refused), v4(port)], 5,
                         happy_eyeballs_delay=2.0)
    with sock:
        assert sock.getpeername() == ("127.0.0.1", port)
    assert took < 1.5


def test_all_failing_raises_the_last_error_or_all_of_them(sites):
    _, refused = sites
    infos = [v6(refused), v4(refused)]
    with pytest.raises(ConnectionRefusedError):
        csocket.connect_addrinfos(infos, 5)
    err, _ = elapsed(csocket.connect_addrinfos, infos, 5, all_errors=True)
    errors = err.exceptions
    assert [type(e) for e in errors] == [ConnectionRefusedError, ConnectionRefusedError]
    if sys.version_info >= (3, 11):
        assert isinstance(err, ExceptionGroup)  # noqa: F821
    else:
        assert isinstance(err, ConnectionRefusedError)


def test_deadline_mid_race_is_a_timeout_with_every_attempts_error(sites):
    port, refused = sites
    err, took = elapsed(csocket.connect_addrinfos, [v6(port), v6(port)], 0.5,
                        happy_eyeballs_delay=0.1)
    assert isinstance(err, TIMEOUT)
    assert 0.45 <= took < 3
    err, _ = elapsed(csocket.connect_addrinfos, [v4(refused), v6(port)], 0.5, all_errors=True)
    assert [type(e) for e in err.exceptions][:1] == [ConnectionRefusedError]
    assert len(err.exceptions) == 2 and isinstance(err.exceptions[1], TIMEOUT)
    with pytest.raises(TIMEOUT):  # the last error: the attempt the deadline cut short
        csocket.connect_addrinfos([v4(refused), v6(port)], 0.5)


def test_no_attempt_error_still_gives_a_timeout():
    # A deadline that passes before any attempt could fail: _race reports one TimeoutError.
    raw, errors = _csocket._race([], 0, 0)
    assert raw is None and len(errors) == 1 and isinstance(errors[0], TIMEOUT)
    with pytest.raises(OSError, match="getaddrinfo returns an empty list"):
        csocket.connect_addrinfos([], 1)


def test_timeout_zero_behaves_as_the_builtin(sites):
    port, _ = sites
    with pytest.raises(BlockingIOError):
        csocket.connect_addrinfos([v4(port)], 0)


def test_interleave_orders_the_families():
    a6, b6, c6 = (v6(1), v6(2), v6(3))
    a4, b4 = (v4(1), v4(2))
    given = [a6, b6, c6, a4, b4]
    assert _eyeballs._interleave(given, 1) == [a6, a4, b6, b4, c6]
    assert _eyeballs._interleave(given, 2) == [a6, b6, a4, c6, b4]
    assert _eyeballs._interleave(given, 0) == given
    assert _eyeballs._interleave([a4, a6, b6], 1) == [a4, a6, b6]


def socket_fds():
    fds = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                fds.add(int(name))
        except OSError:
            pass  # listdir's own descriptor
    return fds


def test_no_socket_left_open_but_the_winner(sites):
    port, refused = sites
    before = socket_fds()
    infos = [v6(port)] * 3 + [v4(refused), v4(port)]
    with csocket.connect_addrinfos(infos, 5, happy_eyeballs_delay=0.05) as sock:
        assert socket_fds() - before == {sock.fileno()}
    assert socket_fds() == before
    with pytest.raises(OSError):
        csocket.connect_addrinfos(infos[:4], 0.3)
    assert socket_fds() == before


def test_source_address(sites):
    port, _ = sites
    with csocket.connect_addrinfos([v4(port)], 5, ("127.0.0.1", 0)) as sock:
        assert sock.getsockname()[0] == "127.0.0.1"
    # An IPv4 source cannot be bound on an IPv6 attempt: that attempt fails, the next goes on.
    err, _ = elapsed(csocket.connect_addrinfos, [v6(port)], 5, ("127.0.0.1", 0), all_errors=True)
    assert all(isinstance(e, OSError) for e in err.exceptions)


def test_signal_handlers_run_and_the_race_goes_on(sites):
    port, _ = sites
    ticks = []
    old = signal.signal(signal.SIGALRM, lambda *a: ticks.append(1))
    signal.setitimer(signal.ITIMER_REAL, 0.03, 0.03)
    try:
        sock, took = elapsed(csocket.connect_addrinfos, [v6(port), v6(port), v4(port)], 5,
                             happy_eyeballs_delay=0.2)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    with sock:
        assert sock.getpeername() == ("127.0.0.1", port)
    assert ticks and took < 2.5


def test_an_exception_from_a_signal_handler_ends_the_race(sites):
    port, _ = sites

    class Stop(Exception):
        pass

    def handler(*args):
        raise Stop

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        err, took = elapsed(csocket.connect_addrinfos, [v6(port), v6(port)], 5,
                            happy_eyeballs_delay=0.05)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert isinstance(err, Stop) and took < 2.5  # and the fixture finds no socket left open


@pytest.mark.parametrize("args, exc", [
    ((), TypeError),
    ((None, 0, 0), TypeError),
    (([1], 0, 0), TypeError),
    (([(1, 2, 3)], 0, 0), TypeError),
    (([("x", 1, 6, ("127.0.0.1", 1))], 0, 0), TypeError),
    (([(2 ** 40, 1, 6, ("127.0.0.1", 1))], 0, 0), OverflowError),
    (([], -1, 0), ValueError),
    (([], "x", 0), TypeError),
    (([], 0, 2 ** 70), OverflowError),
    (([(socket.AF_INET, STREAM, TCP, ("127.0.0.1",))], 0, 10 ** 9), TypeError),
    (([(socket.AF_INET, STREAM, TCP, "nope")], 0, 10 ** 9), TypeError),
    (([(socket.AF_INET, STREAM, TCP, ("127.0.0.1", 1))], 0, 10 ** 9, "src"), TypeError),
])
def test_race_rejects_bad_input(args, exc):
    with pytest.raises(exc):
        _csocket._race(*args)


def test_python_entry_points_reject_bad_options(sites):
    port, _ = sites
    for kwargs, exc in [({"happy_eyeballs_delay": "1"}, TypeError),
                        ({"happy_eyeballs_delay": -1}, ValueError),
                        ({"happy_eyeballs_delay": float("nan")}, ValueError),
                        ({"interleave": 1.5}, TypeError),
                        ({"interleave": -1}, ValueError)]:
        with pytest.raises(exc):
            csocket.connect_addrinfos([v4(port)], 1, **kwargs)
    with pytest.raises(OSError):  # a family the socket cannot take: an attempt error
        csocket.connect_addrinfos([(12345, STREAM, 0, "", ("127.0.0.1", port))], 1)


def run_child(code, env=None):
    full_env = dict(os.environ)
    full_env.pop("CSOCKET", None)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60, env=full_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


CHILD_SITES = """
    import socket, sys, time
    refused = socket.socket(); refused.bind(("127.0.0.1", 0)); rport = refused.getsockname()[1]
    refused.close()
    good = socket.socket(); good.bind(("127.0.0.1", 0)); good.listen(); port = good.getsockname()[1]
"""


def test_audit_events_per_attempt_in_order_never_two_starts_within_10ms():
    out = run_child(CHILD_SITES + """
    import csocket
    events = []
    def hook(name, args):
        if name in ("socket.__new__", "socket.connect") and "rec" in sys.modules[__name__].__dict__:
            events.append((name, time.monotonic(), args[-1]))
    sys.addaudithook(hook)
    infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", rport))] * 4
    infos.insert(2, (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", rport, 0, 0)))
    infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)))
    rec = 1
    s = csocket.connect_addrinfos(infos, 5, happy_eyeballs_delay=0)
    del rec
    s.close()
    news = [e for e in events if e[0] == "socket.__new__"]
    connects = [e for e in events if e[0] == "socket.connect"]
    # one socket.__new__ per attempt, and one more for the socket.socket that adopts the winner
    assert len(connects) == 6 and len(news) == 7, events
    # interleave=1: the first IPv4, then IPv6, then the other IPv4 addresses
    assert [c[2][0] for c in connects] == ["127.0.0.1", "::1"] + ["127.0.0.1"] * 4, connects
    gaps = [b[1] - a[1] for a, b in zip(connects, connects[1:])]
    assert min(gaps) >= 0.0095, gaps
    print("ok", min(gaps))
    """)
    assert out.startswith("ok")


def test_install_happy_eyeballs_patches_and_restores_create_connection():
    out = run_child(CHILD_SITES.replace("import socket,", "import csocket; csocket.install(happy_eyeballs=True); import socket,") + """
    import http.client
    assert socket.create_connection is csocket.create_connection
    assert csocket.installed() and csocket.installed(happy_eyeballs=True)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.connect()  # through socket.create_connection, now the race
    assert conn.sock.getpeername()[1] == port and conn.sock.gettimeout() == 5
    conn.close()
    csocket.uninstall_happy_eyeballs()
    assert socket.create_connection is not csocket.create_connection
    assert csocket.installed() and not csocket.installed(happy_eyeballs=True)
    print("ok")
    """)
    assert out.strip() == "ok"


def test_csocket_he_environment_turns_it_on():
    out = run_child("""
    import socket, csocket
    print(csocket.installed(), socket.create_connection is csocket.create_connection)
    """, env={"CSOCKET": "he"})
    assert out.strip() == "True True"
