"""Batch datagram I/O, csocket's own methods: sendmmsg, recvmmsg, recvmmsg_into, send_segments
(UDP GSO) and recv_segments (UDP GRO), on real UDP over loopback (IPv4 and IPv6, connected and
not) and AF_UNIX datagram pairs where a test needs a sender that can fill up.

The built-in module has none of these methods: where input is bad, the exception type is compared
with what the built-in module's recvfrom/sendto/recvfrom_into give for the same bad value.
"""
import errno
import signal
import socket as B
import threading
import time

import pytest

import csocket.socket as S
from csocket import _csocket as C
from csocket import _info

pytestmark = pytest.mark.skipif(not hasattr(C.socket, "recvmmsg"),
                                reason="no batch I/O on this platform (no recvmmsg)")

HOSTS = {S.AF_INET: "127.0.0.1", S.AF_INET6: "::1"}
SO_NO_CHECK = 11  # Linux: send UDP without checksums, which GSO cannot do
KERNEL = _info.udp_offload()  # what this kernel does: {"gso": bool, "gro": bool}


def udp(family, timeout=5.0):
    s = S.socket(family, S.SOCK_DGRAM)
    s.bind((HOSTS[family], 0))
    s.settimeout(timeout)
    return s


@pytest.fixture(params=[S.AF_INET, S.AF_INET6], ids=["v4", "v6"])
def family(request):
    return request.param


@pytest.fixture(params=[False, True], ids=["unconnected", "connected"])
def pair(request, family):
    """(tx, rx, destination): destination is None on a connected sender."""
    tx, rx = udp(family), udp(family)
    dest = rx.getsockname()
    if request.param:
        tx.connect(dest)
        dest = None
    yield tx, rx, dest
    tx.close()
    rx.close()


def messages(payloads, dest):
    return [p if dest is None else (p, dest) for p in payloads]


def same_address(a, b):
    return a[:2] == b[:2]


def drain(sock, wait=0.2):
    """Every datagram queued on sock (waiting `wait` for stragglers)."""
    old = sock.gettimeout()
    sock.settimeout(wait)
    got = []
    try:
        while True:
            got += [d for d, _ in sock.recvmmsg(1024, 65536)]
    except (S.timeout, BlockingIOError):
        pass
    sock.settimeout(old)
    return got


# ---- round trips ---------------------------------------------------------------------------------


def test_sendmmsg_then_recvmmsg_round_trip(pair):
    tx, rx, dest = pair
    payloads = [b"datagram %d" % i * (i + 1) for i in range(40)]
    assert tx.sendmmsg(messages(payloads, dest)) == 40
    got = []
    while len(got) < 40:
        got += rx.recvmmsg(64, 2048)
    assert [d for d, _ in got] == payloads
    assert all(same_address(a, tx.getsockname()) for _, a in got)


def test_recvmmsg_into_fills_each_buffer(pair):
    tx, rx, dest = pair
    assert tx.sendmmsg(messages([b"a", b"bb", b"ccc"], dest)) == 3
    bufs = [bytearray(8) for _ in range(5)]
    got = []
    while len(got) < 3:
        got += rx.recvmmsg_into(bufs[len(got):])
    assert [n for n, _ in got] == [1, 2, 3]
    assert bufs[:3] == [bytearray(b"a" + bytes(7)), bytearray(b"bb" + bytes(6)),
                        bytearray(b"ccc" + bytes(5))]
    assert all(same_address(a, tx.getsockname()) for _, a in got)


def test_recvmmsg_takes_what_is_queued_without_waiting_for_count(pair):
    tx, rx, dest = pair
    tx.sendmmsg(messages([b"1", b"2"], dest))
    time.sleep(0.05)
    t0 = time.monotonic()
    got = rx.recvmmsg(100, 10)  # timeout 5 s: must not wait for 98 more
    assert [d for d, _ in got] == [b"1", b"2"]
    assert time.monotonic() - t0 < 1.0
    rx.settimeout(None)  # blocking mode: the same
    tx.sendmmsg(messages([b"3"], dest))
    assert [d for d, _ in rx.recvmmsg(100, 10)] == [b"3"]


def test_recvmmsg_waits_for_the_first_datagram(pair):
    tx, rx, dest = pair
    rx.settimeout(None)
    timer = threading.Timer(0.2, lambda: tx.sendmmsg(messages([b"late"], dest)))
    timer.start()
    try:
        t0 = time.monotonic()
        assert [d for d, _ in rx.recvmmsg(8, 64)] == [b"late"]
        assert time.monotonic() - t0 >= 0.15
    finally:
        timer.join()


def test_count_is_capped_before_anything_is_allocated(pair):
    """count 10**12 of 16-byte buffers would be 16 TB: capped at 1024 messages per call."""
    tx, rx, dest = pair
    tx.sendmmsg(messages([b"x"] * 20, dest))
    time.sleep(0.05)
    assert len(rx.recvmmsg(10**12, 16)) == 20
    assert rx.recvmmsg(0, 100) == [] and rx.recvmmsg_into([]) == []  # as recv(0): no call


def test_empty_sendmmsg_sends_nothing(pair):
    tx, rx, dest = pair
    assert tx.sendmmsg([]) == 0
    assert tx.sendmmsg(iter([])) == 0


def test_truncated_datagrams(pair):
    tx, rx, dest = pair
    tx.sendmmsg(messages([b"0123456789" * 10, b"short"], dest))
    time.sleep(0.05)
    assert [d for d, _ in rx.recvmmsg(4, 10)] == [b"0123456789", b"short"]
    # recvmmsg_into reports as recvfrom_into does: the bytes received, or with MSG_TRUNC the
    # datagram's whole length.
    tx.sendmmsg(messages([b"x" * 100, b"y" * 100], dest))
    time.sleep(0.05)
    bufs = [bytearray(10), bytearray(10)]
    got = rx.recvmmsg_into([bufs[0]]) + rx.recvmmsg_into([bufs[1]], S.MSG_TRUNC)
    assert [n for n, _ in got] == [10, 100]
    assert bufs == [bytearray(b"x" * 10), bytearray(b"y" * 10)]
    with B.socket(rx.family, B.SOCK_DGRAM) as b_rx:
        b_rx.bind((HOSTS[rx.family], 0))
        tx.sendto(b"z" * 100, b_rx.getsockname())
        assert b_rx.recvfrom_into(bytearray(10), 0, B.MSG_TRUNC)[0] == 100


def test_interleaved_senders_keep_their_addresses(family):
    rx = udp(family)
    senders = [udp(family) for _ in range(3)]
    try:
        for round_ in range(5):
            for i, tx in enumerate(senders):
                tx.sendmmsg([(b"%d:%d" % (i, round_), rx.getsockname())])
        got = []
        while len(got) < 15:
            got += rx.recvmmsg(16, 32)
        assert [d for d, _ in got] == [b"%d:%d" % (i, r) for r in range(5) for i in range(3)]
        for data, addr in got:
            assert same_address(addr, senders[int(data[:1])].getsockname())
    finally:
        for s in senders + [rx]:
            s.close()


def test_concurrent_senders_and_a_blocking_receiver(family):
    rx = udp(family, timeout=None)
    rx.setsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 1 << 20)
    senders = [udp(family) for _ in range(4)]
    per_sender = 200

    def send(i, tx):
        for k in range(0, per_sender, 20):
            batch = [(b"%d:%d" % (i, j), rx.getsockname()) for j in range(k, k + 20)]
            assert tx.sendmmsg(batch) == 20

    threads = [threading.Thread(target=send, args=(i, tx)) for i, tx in enumerate(senders)]
    try:
        for t in threads:
            t.start()
        got = []
        while len(got) < 4 * per_sender:
            got += rx.recvmmsg(64, 32)
        for t in threads:
            t.join()
        seen = {}
        for data, addr in got:
            i, j = map(int, data.split(b":"))
            assert same_address(addr, senders[i].getsockname())
            assert j == seen.get(i, -1) + 1  # each sender's datagrams in order
            seen[i] = j
        assert seen == {i: per_sender - 1 for i in range(4)}
    finally:
        for t in threads:
            t.join()
        for s in senders + [rx]:
            s.close()


# ---- short counts --------------------------------------------------------------------------------


def test_a_failing_message_ends_the_batch_and_raises_on_resume(pair):
    """The kernel's rule: the messages before the failing one are sent and counted; resuming
    from it raises (nothing of that call was sent)."""
    tx, rx, dest = pair
    if dest is None:
        batch = [b"a", b"b", b"x" * 70000, b"c"]  # too long for UDP: EMSGSIZE
    else:
        batch = [(b"a", dest), (b"b", dest), (b"x" * 70000, dest), (b"c", dest)]
    assert tx.sendmmsg(batch) == 2
    with pytest.raises(OSError) as e:
        tx.sendmmsg(batch[2:])
    assert e.value.errno == 90  # EMSGSIZE
    assert tx.sendmmsg(batch[3:]) == 1
    assert drain(rx) == [b"a", b"b", b"c"]


def unix_pair(sndbuf=None):
    a, b = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM)
    if sndbuf:
        a.setsockopt(S.SOL_SOCKET, S.SO_SNDBUF, sndbuf)
    return a, b


def test_partial_sends_with_a_small_send_buffer_resume_in_order():
    """Non-blocking, with a small SO_SNDBUF: a short count, then EAGAIN, and resuming from the
    first unsent message after the reader caught up delivers everything once, in order."""
    a, b = unix_pair(sndbuf=4096)
    with a, b:
        a.setblocking(False)
        b.setblocking(False)
        payloads = [b"%04d" % i + b"." * 200 for i in range(300)]
        sent, got, shorts = 0, [], 0
        while sent < len(payloads):
            try:
                n = a.sendmmsg(payloads[sent:])
            except BlockingIOError:
                got += drain(b, 0)
                continue
            shorts += sent + n < len(payloads)
            sent += n
        got += drain(b, 0.05)
        assert shorts > 0
        assert got == payloads


def test_timeout_mode_waits_only_for_the_first_message():
    a, b = unix_pair(sndbuf=4096)
    with a, b:
        a.settimeout(0.3)
        payloads = [b"." * 200] * 300
        t0 = time.monotonic()
        n = a.sendmmsg(payloads)
        assert 0 < n < 300 and time.monotonic() - t0 < 0.25  # short count, no wait
        t0 = time.monotonic()
        with pytest.raises(S.timeout):
            a.sendmmsg(payloads[n:])  # the first would block: one deadline
        assert 0.25 < time.monotonic() - t0 < 3


def test_recvmmsg_timeout(pair):
    tx, rx, dest = pair
    rx.settimeout(0.2)
    t0 = time.monotonic()
    with pytest.raises(S.timeout):
        rx.recvmmsg(4, 100)
    assert 0.15 < time.monotonic() - t0 < 3
    with pytest.raises(S.timeout):
        rx.recvmmsg_into([bytearray(4)])
    rx.setblocking(False)
    with pytest.raises(BlockingIOError):
        rx.recvmmsg(4, 100)


def test_an_error_is_reported_and_no_datagram_is_lost():
    """A connected UDP socket with datagrams queued learns of an ICMP port-unreachable: the
    error is reported by one call (as recvfrom reports it) and the datagrams by the next.  (An
    error met after some datagrams of one call is kept by the kernel for the next call.)"""
    rx, peer = udp(S.AF_INET), udp(S.AF_INET)
    with rx:
        rx.connect(peer.getsockname())
        peer.sendto(b"one", rx.getsockname())
        peer.sendto(b"two", rx.getsockname())
        peer.close()
        rx.send(b"to a closed port")  # ICMP port unreachable: a pending ECONNREFUSED
        time.sleep(0.05)
        with pytest.raises(ConnectionRefusedError):
            rx.recvmmsg(8, 64)
        assert [d for d, _ in rx.recvmmsg(8, 64)] == [b"one", b"two"]


# ---- signals -------------------------------------------------------------------------------------


class Alarm:
    def __init__(self, raising=False):
        self.raising, self.calls = raising, 0

    def handler(self, signum, frame):
        self.calls += 1
        if self.raising:
            raise ZeroDivisionError("from the handler")

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, self.handler)
        signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_signal_during_blocking_recvmmsg_resumes(pair, timeout):
    tx, rx, dest = pair
    rx.settimeout(timeout)
    timer = threading.Timer(0.4, lambda: tx.sendmmsg(messages([b"after the signals"], dest)))
    with Alarm() as alarm:
        timer.start()
        try:
            got = rx.recvmmsg(4, 64)
        finally:
            timer.join()
    assert [d for d, _ in got] == [b"after the signals"]
    assert alarm.calls >= 3


def test_raising_signal_handler_propagates_from_recvmmsg(pair):
    tx, rx, dest = pair
    rx.settimeout(None)
    with Alarm(raising=True):
        with pytest.raises(ZeroDivisionError):
            rx.recvmmsg(4, 64)
        with pytest.raises(ZeroDivisionError):
            rx.recv_segments(65535)


# ---- send_segments and recv_segments -------------------------------------------------------------


def gro(sock):
    sock.setsockopt(S.SOL_UDP, S.UDP_GRO, 1)


def collect_segments(rx, want):
    got, calls = [], 0
    while sum(map(len, got)) < want:
        segs, addr = rx.recv_segments(65535)
        got += segs
        calls += 1
    return got, calls


def test_send_segments_with_gro_arrives_coalesced(pair):
    tx, rx, dest = pair
    gro(rx)
    data = bytes(range(256)) * 256  # 64 KiB in 1,200-byte segments: 54 + 1 datagrams
    assert tx.send_segments(data, 1200, dest) == len(data)
    got, calls = collect_segments(rx, len(data))
    assert b"".join(got) == data
    assert [len(g) for g in got] == [1200] * 54 + [len(data) - 54 * 1200]
    if KERNEL["gso"] and KERNEL["gro"]:
        assert calls == 2  # 54 segments in one GSO message, coalesced by GRO, then the last


def test_send_segments_without_gro_gives_plain_datagrams(pair):
    tx, rx, dest = pair
    data = b"".join(b"%05d" % i * 20 for i in range(30))  # 30 segments of 100 bytes
    assert tx.send_segments(data, 100, dest) == 3000
    got = drain(rx)
    assert got == [data[i:i + 100] for i in range(0, 3000, 100)]
    tx.send_segments(b"abc", 100, dest)
    assert rx.recv_segments(65535)[0] == [b"abc"]


def test_send_segments_learns_the_kernels_segment_limit(pair):
    """300 segments of 10 bytes: more than the kernel takes per message (64, or 128 in newer
    kernels); the call finds the limit and sends everything, and later calls too."""
    tx, rx, dest = pair
    rx.setsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 1 << 20)
    data = b"".join(b"%09d," % i for i in range(300))
    for _ in range(2):
        assert tx.send_segments(data, 10, dest) == 3000
        got = drain(rx)
        assert got == [data[i:i + 10] for i in range(0, 3000, 10)]
    if KERNEL["gso"] and KERNEL["gro"]:
        gro(rx)
        for _ in range(2):
            assert tx.send_segments(data, 10, dest) == 3000
            got, calls = collect_segments(rx, 3000)
            assert b"".join(got) == data
            assert calls <= 300 // 32  # GSO messages of (at least) 32 segments, not one by one


@pytest.fixture
def no_checksums(family):
    """(tx, rx): tx sends UDP without checksums (SO_NO_CHECK), for which the kernel refuses GSO."""
    tx, rx = udp(family), udp(family)
    with tx, rx:
        try:
            tx.setsockopt(S.SOL_SOCKET, SO_NO_CHECK, 1)
        except OSError:
            pytest.skip("SO_NO_CHECK not supported")
        yield tx, rx


def test_send_segments_falls_back_where_gso_is_refused(no_checksums):
    """Where the kernel refuses GSO the datagrams go out through sendmmsg instead, this call
    and the next."""
    tx, rx = no_checksums
    data = b"0123456789" * 50
    for _ in range(2):
        assert tx.send_segments(data, 100, rx.getsockname()) == 500
        assert drain(rx) == [data[i:i + 100] for i in range(0, 500, 100)]


# ---- sendmmsg over UDP GSO: equal datagrams to one address go as segments of one message ------


def test_sendmmsg_delivers_every_datagram_of_a_mixed_batch_in_order(pair):
    """Runs of equal sizes (the last of a run shorter), a longer one, an empty one and a change of
    size: whatever goes as GSO segments and whatever goes alone, the receiver gets each datagram
    as it was sent, in order."""
    tx, rx, dest = pair
    payloads = ([bytes([i]) * 64 for i in range(31)] + [b"short", b"L" * 100, b""]
                + [b"%02d" % i * 8 for i in range(20)] + [b"a", b"bb"])
    assert tx.sendmmsg(messages(payloads, dest)) == len(payloads)
    assert drain(rx) == payloads


def test_sendmmsg_to_two_addresses_keeps_each_stream(family):
    tx, rx1, rx2 = udp(family), udp(family), udp(family)
    with tx, rx1, rx2:
        a1, a2 = rx1.getsockname(), rx2.getsockname()
        batch = [(b"one %03d" % i, a1) for i in range(10)] + [(b"two %03d" % i, a2)
                                                               for i in range(10)]
        batch += [(b"one %03d" % i, a1) if i % 2 else (b"two %03d" % i, a2) for i in range(10, 16)]
        assert tx.sendmmsg(batch) == len(batch)
        assert drain(rx1) == [d for d, a in batch if a == a1]
        assert drain(rx2) == [d for d, a in batch if a == a2]


@pytest.mark.skipif(not (KERNEL["gso"] and KERNEL["gro"]), reason="no UDP GSO/GRO here")
def test_sendmmsg_sends_equal_datagrams_as_gso_segments(pair):
    """Seen from a GRO receiver: 32 equal datagrams arrive as one coalesced run, which only a GSO
    send gives on loopback (separate datagrams are never merged there)."""
    tx, rx, dest = pair
    gro(rx)
    payloads = [b"%04d" % i * 16 for i in range(32)]
    assert tx.sendmmsg(messages(payloads, dest)) == 32
    got, calls = collect_segments(rx, 32 * 64)
    assert got == payloads
    assert calls == 1


def test_sendmmsg_falls_back_where_gso_is_refused(no_checksums):
    tx, rx = no_checksums
    payloads = [b"%03d" % i * 10 for i in range(40)]
    for _ in range(2):
        assert tx.sendmmsg([(p, rx.getsockname()) for p in payloads]) == 40
        assert drain(rx) == payloads


@pytest.mark.parametrize("mod", [B, S], ids=["builtin-sendto", "csocket-sendmmsg"])
def test_a_pending_error_is_raised_not_retried_away(family, mod):
    """A connected socket whose peer port is closed: the ICMP error is pending, and the next send
    raises it -- sendmmsg's GSO attempt must not swallow it by falling back and sending again."""
    with B.socket(family, B.SOCK_DGRAM) as gone:
        gone.bind((HOSTS[family], 0))
        port = gone.getsockname()[1]
    with mod.socket(family, mod.SOCK_DGRAM) as tx:
        tx.connect((HOSTS[family], port))
        tx.send(b"x")
        time.sleep(0.05)
        with pytest.raises(ConnectionRefusedError):
            if mod is S:
                tx.sendmmsg([b"y" * 8] * 4)
            else:
                tx.send(b"y" * 8)


def test_send_segments_on_a_unix_datagram_socket_uses_sendmmsg():
    a, b = unix_pair()
    with a, b:
        assert a.send_segments(b"abcdefgh", 3) == 8
        assert drain(b) == [b"abc", b"def", b"gh"]
        assert b.send_segments(b"", 3) == 0
        assert b.send_segments(memoryview(b"xyz"), segment_size=10) == 3
        assert a.recv_segments(100) == ([b"xyz"], None)


def test_recv_segments_without_gro_returns_one_datagram(pair):
    tx, rx, dest = pair
    tx.sendmmsg(messages([b"first", b"second"], dest))
    segs, addr = rx.recv_segments(65535)
    assert segs == [b"first"] and same_address(addr, tx.getsockname())
    assert rx.recv_segments(3)[0] == [b"sec"]  # as recvfrom: the rest of the datagram is lost


# ---- system calls that fail (make test-torture's shim, in a child) ------------------------------

SHIM_PAIR = """
def pair(timeout):
    tx, rx = S.socket(S.AF_INET, S.SOCK_DGRAM), S.socket(S.AF_INET, S.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx.settimeout(timeout)
    rx.settimeout(5.0)
    return tx, rx

def runs(rx, n):
    \"\"\"recv_segments calls to take n datagrams of 64 bytes: 1 when they came as one GSO message
    (coalesced again by GRO), n when they came one by one.\"\"\"
    got = calls = 0
    while got < n * 64:
        got += sum(map(len, rx.recv_segments(65535)[0]))
        calls += 1
    return calls
"""


@pytest.mark.skipif(not (KERNEL["gso"] and KERNEL["gro"]), reason="no UDP GSO/GRO here")
def test_a_failed_gso_probe_sends_without_gso_this_time_only(syscall_shim):
    """sendmmsg asks the kernel once whether it knows UDP GSO (getsockopt(UDP_SEGMENT)).  The
    answer is a hint: when asking fails (ENOBUFS, EBADF) the batch goes out as plain datagrams,
    no error, and the next batch asks again.  Only ENOPROTOOPT (a kernel before 4.18) proves
    there is no GSO; any failure used to turn GSO off for the socket's life (found by make
    test-torture)."""
    got = syscall_shim(SHIM_PAIR + """
batch = [b"%04d" % i * 16 for i in range(32)]
for err in (errno.ENOBUFS, errno.EBADF):
    tx, rx = pair(5.0)
    rx.setsockopt(S.SOL_UDP, S.UDP_GRO, 1)
    to = rx.getsockname()
    failing(f"probe {err}", "getsockopt", 1, err, lambda: tx.sendmmsg([(m, to) for m in batch]))
    RESULTS[f"first {err}"] = runs(rx, 32)
    RESULTS[f"next {err}"] = [tx.sendmmsg([(m, to) for m in batch]), runs(rx, 32)]
    tx.close()
    rx.close()
""")
    for err in (errno.ENOBUFS, errno.EBADF):
        assert got[f"probe {err}"] == ["ok", 32, 1]
        assert got[f"first {err}"] == 32  # plain datagrams
        assert got[f"next {err}"] == [32, 1]  # asked again: one GSO message


def test_sendmmsg_waits_on_eagain_in_timeout_mode_only(syscall_shim):
    """EAGAIN from the first sendmmsg system call: in timeout mode the call waits for room and
    tries again (the engine's rule for every transfer); in blocking mode it is the call's error,
    BlockingIOError, as a blocking send() with SO_SNDTIMEO gives in the built-in module.  Both
    for the GSO send and the plain one (datagrams of mixed sizes)."""
    got = syscall_shim(SHIM_PAIR + """
for timeout in (5.0, None):
    for kind, batch in (("gso", [b"x" * 64] * 12), ("plain", [b"x" * n for n in range(1, 13)])):
        tx, rx = pair(timeout)
        to = rx.getsockname()
        failing(f"{kind} {timeout}", "sendmmsg", 1, errno.EAGAIN,
                lambda: tx.sendmmsg([(m, to) for m in batch]))
        tx.close()
        rx.close()
""")
    for kind in ("gso", "plain"):
        assert got[f"{kind} 5.0"] == ["ok", 12, 1]
        assert got[f"{kind} None"] == ["BlockingIOError", errno.EAGAIN, 1]


# ---- bad input: the built-in module's exception types for the same values -----------------------


def raised(fn):
    """The type of what fn raised (None if nothing); each module's own gaierror and herror
    classes by name."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the outcome being compared
        kind = type(e)
        return kind.__name__ if kind.__name__ in ("gaierror", "herror") else kind
    return None


@pytest.fixture
def both(family):
    """A csocket and a built-in UDP socket of the family, non-blocking, with a sink address."""
    c = udp(family)
    b = B.socket(family, B.SOCK_DGRAM)
    b.bind((HOSTS[family], 0))
    sink = udp(family)
    for s in (c, b):
        s.setblocking(False)
    yield c, b, sink.getsockname()
    for s in (c, b, sink):
        s.close()


@pytest.mark.parametrize("bad", [-1, 2**63, 2**64, "10", 1.5, None])
def test_bad_sizes_raise_what_recvfrom_raises(both, bad):
    c, b, _ = both
    expected = raised(lambda: b.recvfrom(bad))
    assert expected is not None and expected is not BlockingIOError
    assert raised(lambda: c.recvmmsg(1, bad)) == expected
    assert raised(lambda: c.recvmmsg(bad, 10)) == expected  # count: converted like a size
    assert raised(lambda: c.recv_segments(bad)) == expected


def test_huge_sizes_raise_what_recvfrom_raises(both):
    c, b, _ = both
    assert raised(lambda: b.recvfrom(2**40)) is MemoryError
    assert raised(lambda: c.recvmmsg(1, 2**40)) is MemoryError
    assert raised(lambda: c.recv_segments(2**40)) is MemoryError
    assert raised(lambda: b.recvfrom(2**63 - 1)) is OverflowError
    assert raised(lambda: c.recvmmsg(1, 2**63 - 1)) is OverflowError
    assert raised(lambda: c.recvmmsg(1024, 2**62)) is OverflowError  # count * bufsize


@pytest.mark.parametrize("bad", ["flags", 2**31, 1.0])
def test_bad_flags_raise_what_recvfrom_raises(both, bad):
    c, b, dest = both
    expected = raised(lambda: b.recvfrom(10, bad))
    assert raised(lambda: c.recvmmsg(1, 10, bad)) == expected
    assert raised(lambda: c.recvmmsg_into([bytearray(1)], bad)) == expected
    assert raised(lambda: c.sendmmsg([(b"x", dest)], bad)) == raised(lambda: b.sendto(b"x", bad, dest))


@pytest.mark.parametrize("bad", [b"read-only", "text", 5, None, memoryview(b"ro")])
def test_read_only_buffers_raise_what_recvfrom_into_raises(both, bad):
    c, b, _ = both
    assert raised(lambda: c.recvmmsg_into([bad])) == raised(lambda: b.recvfrom_into(bad))


@pytest.mark.parametrize("bad", [123, "text", None, 1.5, [b"x"], bytearray])
def test_items_that_are_not_bytes_like_raise_what_sendto_raises(both, bad):
    c, b, dest = both
    expected = raised(lambda: b.sendto(bad, dest))
    assert expected is TypeError
    assert raised(lambda: c.sendmmsg([bad])) == expected
    assert raised(lambda: c.sendmmsg([(bad, dest)])) == expected
    assert raised(lambda: c.send_segments(bad, 10, dest)) == expected


def bad_addresses(family):
    port = 9
    other = ("::1", port, 0, 0) if family == S.AF_INET else ("127.0.0.1", port, 0, 0, 0)
    return [("::1", port) if family == S.AF_INET else ("127.0.0.1", 1, 2, 3, 4), other,
            (HOSTS[family], 70000), (HOSTS[family],), "text", 5, (1, 2), (HOSTS[family], "port")]


def test_bad_addresses_raise_what_sendto_raises(both, family):
    c, b, dest = both
    for addr in bad_addresses(family):
        expected = raised(lambda: b.sendto(b"x", addr))
        assert expected is not None, addr
        assert raised(lambda: c.sendmmsg([(b"x", addr)])) == expected, addr
        assert raised(lambda: c.send_segments(b"x", 10, addr)) == expected, addr


def test_mixed_address_families_send_nothing_and_raise(both, family):
    """A batch with one address of the other family raises what sendto raises for it, and none
    of the batch (which is converted whole before the system call) is sent."""
    c, b, _ = both
    rx = udp(family)
    with rx:
        dest = rx.getsockname()
        other = ("::1", dest[1]) if family == S.AF_INET else ("127.0.0.2", dest[1])
        expected = raised(lambda: b.sendto(b"x", other))
        assert expected is not None
        assert raised(lambda: c.sendmmsg([(b"ok", dest), (b"other", other), (b"ok", dest)])) \
            == expected
        assert drain(rx, 0.05) == []


@pytest.mark.parametrize("bad", [(b"x",), (b"x", None, None), 5, "abc", None])
def test_malformed_messages(both, bad):
    c, b, dest = both
    with pytest.raises(TypeError):
        c.sendmmsg([bad])
    with pytest.raises(TypeError):
        c.sendmmsg(bad if not isinstance(bad, (tuple, str)) else 5)  # not an iterable


def test_segment_size_must_be_positive(both):
    c, b, dest = both
    for bad in (0, -1):
        with pytest.raises(ValueError):
            c.send_segments(b"data", bad, dest)
    with pytest.raises(OverflowError):
        c.send_segments(b"data", 2**64, dest)
    with pytest.raises(TypeError):
        c.send_segments(b"data", "10", dest)
    with pytest.raises(TypeError):
        c.send_segments(b"data")


def test_methods_on_a_closed_socket_raise_ebadf():
    s = S.socket(S.AF_INET, S.SOCK_DGRAM)
    s.close()
    for call in (lambda: s.sendmmsg([(b"x", ("127.0.0.1", 9))]), lambda: s.recvmmsg(1, 10),
                 lambda: s.recvmmsg_into([bytearray(1)]), lambda: s.recv_segments(10),
                 lambda: s.send_segments(b"xx", 1, ("127.0.0.1", 9))):
        with pytest.raises(OSError) as e:
            call()
        assert e.value.errno == 9


def test_constants_are_csocket_extras():
    assert (C.MSG_WAITFORONE, C.UDP_SEGMENT, C.UDP_GRO) == (0x10000, 103, 104)
    for name in ("MSG_WAITFORONE", "UDP_SEGMENT", "UDP_GRO"):
        assert not hasattr(B, name) or getattr(B, name) == getattr(C, name)
