"""Bad input for every public callable of _csocket and every socket method, beside the built-in
module.

Each table entry below names one callable and how to call it: a Hypothesis strategy for arguments
near the valid ones (wrong tuple shapes, out-of-range and huge integers, NaN and infinite timeouts,
embedded NULs, over-long paths and host names), mixed with arguments of any type and arity, and for
socket methods the kinds of socket to call them on (closed ones included).  Every example runs the
same call on the built-in `_socket` and on csocket, each on its own fresh sockets and buffers:
  - only exceptions come out (Exception subclasses, never SystemError), of the same type in both;
  - when both succeed the results are equal (after masking what differs by nature: descriptor
    numbers, ephemeral ports), as are the contents of the buffers they wrote;
  - no descriptor is left open, and nothing hangs: every socket has a timeout of at most 10 ms
    (pytest-timeout's 120 s per test, which prints every stack, backs this up).
Network rules: see badinput_values.py; an audit hook stops any resolver call that breaks them.

CSOCKET_BADINPUT_EXAMPLES sets the examples per entry (default 30; make test-stress uses more).
"""
import _socket as B
import math
import os
import shutil
import socket as std
import sys
import tempfile
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import badinput_values as V
from support.report import report_line
from csocket import _csocket as C

EXAMPLES = int(os.environ.get("CSOCKET_BADINPUT_EXAMPLES", "30"))
COUNTS = {"examples": 0, "both_raised": 0, "both_returned": 0, "tried_first": 0, "accepted": 0,
          "csocket_only": 0}

# ---- the second net: an audit hook that stops unsafe resolver calls -----------------------------

GUARD = {"active": False}


class NetworkGuard(BaseException):
    """A generated argument got past the network rules: the test is wrong, stop everything."""


def _audit(event, args):
    if not GUARD["active"] or not event.startswith("socket."):
        return
    if event == "socket.sethostname":
        raise NetworkGuard("sethostname must never be called")
    checks = {"socket.getaddrinfo": lambda: args[0] is None or V.host_allowed(args[0], "gai"),
              "socket.gethostbyname": lambda: V.host_allowed(args[0], "name")
              or V.host_allowed(args[0], "name_ex"),
              "socket.gethostbyaddr": lambda: V.host_allowed(args[0], "reverse"),
              "socket.getnameinfo": lambda: not isinstance(args[0], tuple) or not args[0]
              or V.host_allowed(args[0][0], "nameinfo")}
    if event in checks and not checks[event]():
        raise NetworkGuard("%s%r would reach the resolver" % (event, args))
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        addr = args[1]
        if isinstance(addr, tuple) and addr and not V.host_allowed(addr[0], "send"):
            raise NetworkGuard("%s to %r is not loopback" % (event, addr))


std.sys.addaudithook(_audit)

# ---- sockets to call methods on ------------------------------------------------------------------

FIXTURES = ["unix_stream", "unix_dgram", "tcp", "tcp_listen", "udp4", "udp6", "closed"]
UNIX_FIXTURES = {"unix_stream", "unix_dgram"}


def make_fixture(mod, kind, timeout, keep):
    """A socket of module `mod` for `kind`, with data waiting where it can receive; everything
    made is appended to `keep` for closing."""
    if kind in UNIX_FIXTURES:
        a, b = mod.socketpair(mod.AF_UNIX, mod.SOCK_STREAM if kind == "unix_stream"
                              else mod.SOCK_DGRAM)
        keep += [a, b]
        b.send(b"queued data: 0123456789")
        b.send(b"second")
    elif kind in ("tcp", "closed"):
        a = mod.socket(mod.AF_INET, mod.SOCK_STREAM)
        keep.append(a)
    elif kind == "tcp_listen":
        a = mod.socket(mod.AF_INET, mod.SOCK_STREAM)
        keep.append(a)
        a.bind(("127.0.0.1", 0))
        a.listen(4)
        c = std.socket()
        keep.append(c)
        c.setblocking(False)
        c.connect_ex(a.getsockname())
    else:
        family, host = (mod.AF_INET, "127.0.0.1") if kind == "udp4" else (mod.AF_INET6, "::1")
        a = mod.socket(family, mod.SOCK_DGRAM)
        keep.append(a)
        a.bind((host, 0))
        with std.socket(family, std.SOCK_DGRAM) as tx:
            tx.sendto(b"a datagram", a.getsockname()[:2])
    a.settimeout(timeout)
    if kind == "closed":
        a.close()
    return a


# ---- the table -----------------------------------------------------------------------------------


def call(*arg_strategies, **kw_strategies):
    """Arguments from these strategies, the trailing ones optional."""
    positional = st.tuples(*arg_strategies) if arg_strategies else st.just(())

    def trim(args_n):
        args, n = args_n
        return args[:n]

    args = st.tuples(positional, st.integers(0, len(arg_strategies))).map(trim) \
        if arg_strategies else st.just(())
    kwargs = st.fixed_dictionaries({}, optional=kw_strategies) if kw_strategies else st.just({})
    return st.tuples(args, kwargs)


def full(*arg_strategies):
    """All of these positional arguments (no trailing ones left out)."""
    return st.tuples(st.tuples(*arg_strategies), st.just({}))


class Entry:
    def __init__(self, name, specific=None, kwnames=(), fixtures=None, compare=True,
                 sanitize=None, fd_result=False, adjust=None, accept=None, skip=None,
                 csocket_only=False):
        self.name = name
        self.method = fixtures is not None
        self.fixtures = fixtures
        self.specific = specific
        self.kwnames = kwnames
        self.compare = compare  # False: only the result's type; callable: a normalizer
        self.sanitize = sanitize  # (args, kwargs, fixture kind, sink port) -> (args, kwargs)
        self.fd_result = fd_result  # the result is (or starts with) a descriptor to close
        self.adjust = adjust  # (result, args, kwargs) -> what of the result to compare
        self.accept = accept  # (args, kwargs, got_b, got_c) -> a known, deliberate difference
        self.skip = skip
        # csocket's own (batch I/O): no built-in twin to compare with, so only the invariants
        # (exceptions only, never SystemError, no leak, no hang); tests/python/test_batch.py
        # compares their bad input with the built-in recvfrom/sendto.
        self.csocket_only = csocket_only

    def strategy(self):
        generic = V.generic_call(self.kwnames)
        return st.one_of(self.specific, generic) if self.specific is not None else generic

    def __repr__(self):
        return ("socket." if self.method else "") + self.name


def arg_at(args, kwargs, i, name, fn):
    """Apply fn to positional argument i or keyword `name`, wherever it was given."""
    if len(args) > i:
        args = args[:i] + (fn(args[i]),) + args[i + 1:]
    if name in kwargs:
        kwargs = dict(kwargs, **{name: fn(kwargs[name])})
    return args, kwargs


def or_flag(flag):
    def fn(x):
        v = V.index_value(x)
        return x if v is None or isinstance(x, V.IntLike) else v | flag
    return fn


def gai_safe(args, kwargs, fixture, sink):
    """getaddrinfo: a numeric host (or None), and AI_NUMERICHOST always, given or not."""
    args, kwargs = arg_at(args, kwargs, 0, "host", lambda h: V.fix_host(h, "gai")
                          if h is not None else h)
    if len(args) < 6 and "flags" not in kwargs:
        kwargs = dict(kwargs, flags=std.AI_NUMERICHOST)
    args, kwargs = arg_at(args, kwargs, 5, "flags", or_flag(std.AI_NUMERICHOST))
    return args, kwargs


def nameinfo_safe(args, kwargs, fixture, sink):
    args = list(args)
    if args and isinstance(args[0], (tuple, list)) and args[0]:
        sa = list(args[0])
        sa[0] = V.fix_hosts_deep(sa[0], "nameinfo")
        args[0] = type(args[0])(sa)
    args = tuple(args)
    return arg_at(args, kwargs, 1, "flags", or_flag(std.NI_NUMERICHOST))


def hosts_for(purpose):
    def sanitize(args, kwargs, fixture, sink):
        return V.fix_hosts_deep(args, purpose), V.fix_hosts_deep(kwargs, purpose)
    return sanitize


def address_safe(purpose):
    """Socket methods taking an address: hosts for `purpose` and, for sending, the test's own
    sink port; AF_UNIX sockets take paths (kept inside the scratch directory) instead."""
    def sanitize(args, kwargs, fixture, sink):
        if fixture in UNIX_FIXTURES:
            return args, kwargs
        args = V.fix_hosts_deep(args, purpose)
        if purpose == "send":
            args = V.fix_ports_deep(args, sink)
        return args, kwargs
    return sanitize


def fd_safe(*positions):
    def sanitize(args, kwargs, fixture, sink):
        for i, name in positions:
            args, kwargs = arg_at(args, kwargs, i, name, V.fix_fd)
        return args, kwargs
    return sanitize


def fd_beyond_int(i, name):
    """The built-in module converts a descriptor to a C long and then cuts it to a C int, so
    dup(2**32) duplicates descriptor 0 and close(2**32 + n) closes descriptor n (CPython 3.9 to
    3.13).  csocket refuses such a number with OverflowError: accepted as a deliberate
    difference (the generated values that would cut to an open descriptor never reach the
    built-in module; see badinput_values.fix_fd)."""
    def accept(args, kwargs, got_b, got_c):
        x = args[i] if len(args) > i else kwargs.get(name)
        return (V.fd_truncated(V.index_value(x)) and got_c[0] == "raise"
                and got_c[1] is OverflowError)
    return accept


def send_safe_deep(args, kwargs, fixture, sink):
    """address_safe("send") for positional and keyword arguments, at any depth (sendmmsg's
    (data, address) items, send_segments' address=)."""
    if fixture in UNIX_FIXTURES:
        return args, kwargs
    fix = lambda v: V.fix_ports_deep(V.fix_hosts_deep(v, "send"), sink)  # noqa: E731
    return fix(args), {k: fix(v) for k, v in kwargs.items()}


def sockopt_safe(args, kwargs, fixture, sink):
    return V.fix_sockopt(args, kwargs)


def truncated_data(result, args, kwargs):
    """recv(n, MSG_TRUNC) and recvfrom on a datagram socket return the datagram's whole length,
    but only n bytes were received: the built-in module leaves the rest uninitialized (csocket
    zeros it).  Compare the length and the n bytes."""
    n = V.index_value(args[0]) if args else None
    data = result[0] if isinstance(result, tuple) else result
    if n is None or not isinstance(data, bytes) or len(data) <= n:
        return result
    cut = ("truncated", len(data), data[:n])
    return (cut,) + result[1:] if isinstance(result, tuple) else cut


ints, small = V.ints, V.small_ints
families = st.one_of(st.sampled_from([std.AF_INET, std.AF_INET6, std.AF_UNIX, std.AF_UNSPEC,
                                      std.AF_PACKET, std.AF_NETLINK, -1, 2**31, 1000]), ints)
types = st.one_of(st.sampled_from([std.SOCK_STREAM, std.SOCK_DGRAM, std.SOCK_RAW,
                                   std.SOCK_SEQPACKET, std.SOCK_STREAM | std.SOCK_NONBLOCK,
                                   std.SOCK_DGRAM | std.SOCK_CLOEXEC, 0, -1]), ints)
timeouts = st.one_of(st.none(), V.floats, V.ints, V.odd, V.text)
msg_flags = st.one_of(st.sampled_from([0, std.MSG_PEEK, std.MSG_DONTWAIT, std.MSG_TRUNC,
                                       std.MSG_WAITALL, std.MSG_OOB, std.MSG_ERRQUEUE,
                                       std.MSG_PEEK | std.MSG_TRUNC, std.MSG_CMSG_CLOEXEC]), ints)
sizes = st.one_of(st.sampled_from([0, 1, 10, 4096, 262144, 262145, 2**31 - 1, 2**31, 2**40,
                                   2**62, -1, -2**63]), st.integers(-5, 70000), ints)
levels = st.one_of(st.sampled_from([std.SOL_SOCKET, std.IPPROTO_TCP, std.IPPROTO_IP,
                                    std.IPPROTO_IPV6, std.IPPROTO_UDP, 0]), small)
options = st.one_of(st.sampled_from([std.SO_REUSEADDR, std.SO_KEEPALIVE, std.SO_RCVBUF,
                                     std.SO_SNDBUF, std.SO_LINGER, std.SO_RCVTIMEO, std.SO_TYPE,
                                     std.SO_ERROR, std.TCP_NODELAY, std.IP_TTL]), small)
data = st.one_of(V.binary, V.buffers, V.text, V.odd)
inet_addr = st.tuples(V.hosts, V.ports)
inet6_addr = st.tuples(V.hosts, V.ports, ints, ints)
unix_path = st.one_of(V.text, V.binary, st.sampled_from(
    ["sock", "\0abstract", "a" * 107, "a" * 108, "a" * 200, b"\0" * 120, "", b"", "é" * 60]))
addresses = st.one_of(inet_addr, inet6_addr, unix_path, st.tuples(V.hosts),
                      st.tuples(V.hosts, V.ports, ints), st.tuples(V.hosts, V.ports, ints, ints,
                                                                   ints), V.anything)
anc_item = st.one_of(st.tuples(levels, st.sampled_from([std.SCM_RIGHTS, std.SCM_CREDENTIALS, 0,
                                                        99]) | small, data), V.anything)
ancdata = st.one_of(st.lists(anc_item, max_size=3), V.anything)
buffer_lists = st.one_of(st.lists(V.buffers, max_size=3), st.lists(data, max_size=3), V.anything)
ip_texts = st.one_of(V.numeric_hosts, V.text, V.binary, V.odd)
packed = st.one_of(st.binary(max_size=20), V.buffers, V.text, V.odd)

mmsg_items = st.one_of(st.lists(st.one_of(data, st.tuples(data, addresses), st.tuples(data),
                                          V.anything), max_size=4), V.anything)
NO_ARGS = st.just(((), {}))
M = FIXTURES  # methods run on every kind of socket

TABLE = [
    # ---- module functions ----
    Entry("CMSG_LEN", full(sizes)),
    Entry("CMSG_SPACE", full(sizes)),
    Entry("close", full(V.fds), sanitize=fd_safe((0, None)), accept=fd_beyond_int(0, None)),
    Entry("dup", full(V.fds), sanitize=fd_safe((0, None)), compare=False, fd_result=True,
          accept=fd_beyond_int(0, None)),
    Entry("getaddrinfo", call(V.hosts | st.none(), V.ports | st.none(), families, types, small,
                              ints), kwnames=("host", "port", "family", "type", "proto",
                                              "flags"), sanitize=gai_safe),
    Entry("getdefaulttimeout", NO_ARGS),
    Entry("setdefaulttimeout", full(timeouts)),
    Entry("gethostbyaddr", full(V.hosts), sanitize=hosts_for("reverse")),
    Entry("gethostbyname", full(V.hosts), sanitize=hosts_for("name")),
    Entry("gethostbyname_ex", full(V.hosts), sanitize=hosts_for("name_ex")),
    Entry("gethostname", NO_ARGS),
    Entry("getnameinfo", full(st.one_of(inet_addr, inet6_addr, V.anything), ints),
          sanitize=nameinfo_safe),
    Entry("getprotobyname", full(st.one_of(V.text, st.sampled_from(["tcp", "udp", "icmp"])))),
    Entry("getservbyname", call(V.text, st.one_of(V.text, st.sampled_from(["tcp", "udp"])))),
    Entry("getservbyport", call(V.ports, st.one_of(V.text, st.sampled_from(["tcp", "udp"])))),
    Entry("htonl", full(ints)),
    Entry("htons", full(ints)),
    Entry("ntohl", full(ints)),
    Entry("ntohs", full(ints)),
    Entry("if_indextoname", full(st.one_of(small, ints))),
    Entry("if_nameindex", NO_ARGS),
    Entry("if_nametoindex", full(st.one_of(V.text, V.binary, st.sampled_from(["lo", "x" * 40])))),
    Entry("inet_aton", full(ip_texts)),
    Entry("inet_ntoa", full(packed)),
    Entry("inet_ntop", full(families, packed)),
    Entry("inet_pton", full(families, ip_texts)),
    Entry("socket", call(families, types, small, V.fds),
          kwnames=("family", "type", "proto", "fileno"),
          sanitize=fd_safe((3, "fileno")), accept=fd_beyond_int(3, "fileno")),
    Entry("SocketType", call(families, types, small, V.fds),
          kwnames=("family", "type", "proto", "fileno"),
          sanitize=fd_safe((3, "fileno")), accept=fd_beyond_int(3, "fileno")),
    Entry("socketpair", call(families, types, small)),
    Entry("error", call(ints, V.text, V.anything)),
    Entry("gaierror", call(ints, V.text)),
    Entry("herror", call(ints, V.text)),
    Entry("timeout", call(V.text)),
    Entry("sethostname", skip="never called: it would rename this machine (an audit hook stops "
                              "it in case anything else tries)"),
    # ---- socket methods ----
    Entry("_accept", NO_ARGS, fixtures=M, fd_result=True, compare=False),
    Entry("bind", full(addresses), fixtures=M, sanitize=address_safe("bind")),
    Entry("close", NO_ARGS, fixtures=M),
    Entry("connect", full(addresses), fixtures=M, sanitize=address_safe("send")),
    Entry("connect_ex", full(addresses), fixtures=M, sanitize=address_safe("send")),
    Entry("detach", NO_ARGS, fixtures=M, fd_result=True, compare=False),
    Entry("fileno", NO_ARGS, fixtures=M, compare=False),
    Entry("getblocking", NO_ARGS, fixtures=M),
    Entry("getpeername", NO_ARGS, fixtures=M),
    Entry("getsockname", NO_ARGS, fixtures=M),
    Entry("getsockopt", call(levels, options, st.one_of(st.sampled_from([0, 1, 4, 1024, 1025, -1]),
                                                        ints)), fixtures=M),
    Entry("gettimeout", NO_ARGS, fixtures=M),
    Entry("listen", call(ints), fixtures=M),
    Entry("recv", call(sizes, msg_flags), fixtures=M, adjust=truncated_data),
    Entry("recv_into", call(V.buffers | data, sizes, msg_flags), kwnames=("buffer", "nbytes",
                                                                         "flags"), fixtures=M),
    Entry("recvfrom", call(sizes, msg_flags), fixtures=M, adjust=truncated_data),
    Entry("recvfrom_into", call(V.buffers | data, sizes, msg_flags),
          kwnames=("buffer", "nbytes", "flags"), fixtures=M),
    Entry("recvmsg", call(sizes, sizes, msg_flags), fixtures=M),
    Entry("recvmsg_into", call(buffer_lists, sizes, msg_flags), fixtures=M),
    Entry("send", call(data, msg_flags), fixtures=M),
    Entry("sendall", call(data, msg_flags), fixtures=M),
    Entry("sendmsg", call(buffer_lists, ancdata, msg_flags, addresses), fixtures=M,
          sanitize=address_safe("send")),
    Entry("sendmsg_afalg", call(buffer_lists, op=ints | V.odd, iv=data, assoclen=ints | V.odd,
                                flags=msg_flags), kwnames=("msg", "op", "iv", "assoclen",
                                                           "flags"), fixtures=M),
    Entry("sendto", st.one_of(full(data, addresses), full(data, msg_flags, addresses)),
          fixtures=M, sanitize=address_safe("send")),
    # csocket's own: batch datagram I/O
    Entry("sendmmsg", call(mmsg_items, msg_flags), fixtures=M, sanitize=send_safe_deep,
          csocket_only=True),
    Entry("recvmmsg", call(sizes, sizes, msg_flags), fixtures=M, csocket_only=True),
    Entry("recvmmsg_into", call(buffer_lists, msg_flags), fixtures=M, csocket_only=True),
    Entry("send_segments", call(data, sizes, addresses), kwnames=("data", "segment_size",
                                                                  "address"),
          fixtures=M, sanitize=send_safe_deep, csocket_only=True),
    Entry("recv_segments", call(sizes, msg_flags), fixtures=M, csocket_only=True),
    Entry("setblocking", full(st.one_of(V.odd, ints, V.floats, V.text)), fixtures=M),
    Entry("setsockopt", st.one_of(full(levels, options, st.one_of(ints, data)),
                                  full(levels, options, st.none(), ints)),
          fixtures=M, sanitize=sockopt_safe),
    Entry("settimeout", full(timeouts), fixtures=M),
    Entry("shutdown", full(st.one_of(st.sampled_from([0, 1, 2, 3, -1]), ints, V.odd)),
          fixtures=M),
]


def _public(obj):
    return {n for n in dir(obj) if not n.startswith("__") and callable(getattr(obj, n))}


def test_table_covers_every_callable():
    """Every public callable of the module and every method of the socket type has an entry
    (so a new function cannot skip these tests), and the table names nothing that is not there."""
    functions = {e.name for e in TABLE if not e.method}
    methods = {e.name for e in TABLE if e.method}
    # csocket's own (_race: bad input in test_eyeballs.py)
    module_callables = _public(C) - {"_scratch_held", "_families", "_race"}
    socket_methods = _public(C.socket)
    own_methods = {e.name for e in TABLE if e.csocket_only}  # batch I/O: csocket's own
    assert module_callables - functions == set()
    assert socket_methods - methods == set()
    assert functions - module_callables == set()
    assert methods - socket_methods == set()
    assert _public(B) == module_callables and _public(B.socket) == socket_methods - own_methods
    assert not own_methods & _public(B.socket)


def test_csocket_only_extra_rejects_bad_arity():
    with pytest.raises(TypeError):
        C._scratch_held(1)
    assert isinstance(C._scratch_held(), int)


# ---- running one call on both modules -----------------------------------------------------------


def exc_key(mod, e):
    """What to compare of an exception: its type, with each module's own classes mapped."""
    t = type(e)
    for name in ("gaierror", "herror", "timeout"):
        if t is getattr(mod, name) and t is not TimeoutError:
            return name
    return t


def normalize(value, mod, entry, masked):
    """What to compare of a result: descriptors and ephemeral ports masked (`masked` for
    method results, whose sockets and ports differ between the two runs), sockets by their
    attributes, NaN comparable."""
    if isinstance(value, mod.socket):
        return ("socket", value.family, value.type, value.proto, value.gettimeout())
    if isinstance(value, (tuple, list)):
        items = [normalize(v, mod, entry, masked) for v in value]
        if masked and len(items) >= 2 and isinstance(items[0], (str, bytes)) \
                and type(items[1]) is int:
            items[1] = "PORT"
        return type(value)(items)
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, memoryview):
        return "memoryview"  # a fresh one for each module; released ones compare by identity
    if isinstance(value, (bytes, str)) and masked and value[:1] in ("\0", b"\0"):
        return "abstract-name"  # an autobound AF_UNIX name is random
    if isinstance(value, BaseException):
        return (exc_key(mod, value), normalize(value.args, mod, entry, masked))
    return value


def close_result(mod, entry, result):
    if isinstance(result, mod.socket):
        result.close()
    elif isinstance(result, tuple):
        for r in result:
            if isinstance(r, mod.socket):
                r.close()
    if entry.fd_result:
        fd = result[0] if isinstance(result, tuple) else result
        if isinstance(fd, int) and fd >= 0:
            os.close(fd)


def run_one(mod, entry, args, kwargs, fixture, timeout):
    """Call entry with these arguments on module `mod`: ("raise", type, repr) or ("return",
    normalized result, buffer contents, warnings)."""
    res = V.Resources()
    keep = []
    default = mod.getdefaulttimeout()
    for name in os.listdir("."):
        os.unlink(name)  # AF_UNIX paths bound by the previous call
    try:
        a, k = V.resolve(args, res), V.resolve(kwargs, res)
        target = make_fixture(mod, fixture, timeout, keep) if entry.method else mod
        fn = getattr(target, entry.name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = fn(*a, **k)
            except Exception as e:  # noqa: BLE001 - the outcome being compared
                return ("raise", exc_key(mod, e), repr(e)[:300], [w.category for w in caught])
        try:
            shown = entry.adjust(result, args, kwargs) if entry.adjust else result
            out = normalize(shown, mod, entry, entry.method) if entry.compare else type(result)
            return ("return", out, [bytes(b) for b in res.buffers], [w.category for w in caught])
        finally:
            close_result(mod, entry, result)
    finally:
        for s in keep:
            s.close()
        res.close()
        mod.setdefaulttimeout(default)


def open_fds():
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture
def scratch_dir():
    old = os.getcwd()
    path = tempfile.mkdtemp(prefix="csocket-badinput-")
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(old)
        shutil.rmtree(path)


@pytest.fixture
def sink():
    """A UDP socket on loopback that receives every generated datagram; its port stands in for
    any usable port in generated addresses."""
    s = std.socket(std.AF_INET, std.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    yield s
    s.close()


def drain(s):
    try:
        while True:
            s.recv(65536)
    except BlockingIOError:
        pass


def tried_first(got_b, got_c, timeout):
    """The built-in module timed out where csocket failed with another OSError."""
    timed_out = (TimeoutError, "timeout")
    return (timeout and got_b[0] == got_c[0] == "raise" and got_b[1] in timed_out
            and got_c[1] not in timed_out and isinstance(got_c[1], type)
            and issubclass(got_c[1], OSError))


def check(entry, args, kwargs, fixture, timeout, sink_port):
    if entry.sanitize is not None:
        args, kwargs = entry.sanitize(args, kwargs, fixture, sink_port)
    before = open_fds()
    GUARD["active"] = True
    try:
        got_b = None if entry.csocket_only else run_one(B, entry, args, kwargs, fixture, timeout)
        got_c = run_one(C, entry, args, kwargs, fixture, timeout)
    finally:
        GUARD["active"] = False
    COUNTS["examples"] += 1
    leaked = open_fds() - before
    where = "%r(*%r, **%r) on %s (timeout %r)" % (entry, args, kwargs, fixture, timeout)
    assert not leaked, "descriptors left open by %s: %s" % (where, leaked)
    for got in (got_b, got_c):
        assert got is None or got[0] == "return" or got[1] is not SystemError, (where, got)
    if entry.csocket_only:
        COUNTS["csocket_only"] += 1
        return
    if entry.accept is not None and entry.accept(args, kwargs, got_b, got_c):
        COUNTS["accepted"] += 1
        return
    if tried_first(got_b, got_c, timeout) and \
            run_one(B, entry, args, kwargs, fixture, 0.0)[:2] == got_c[:2]:
        # csocket's engine makes the system call first and polls only if it would block; the
        # built-in module polls first.  Where the socket never becomes ready but the call fails
        # at once (send on a listening socket: EPIPE), the built-in module times out instead.
        # Accepted when the built-in module, asked without waiting, fails as csocket did.
        COUNTS["tried_first"] += 1
        return
    assert got_b[0] == got_c[0], "built-in %s, csocket %s: %s" % (got_b, got_c, where)
    if got_b[0] == "raise":
        COUNTS["both_raised"] += 1
        assert got_b[1] == got_c[1], "built-in %s, csocket %s: %s" % (got_b[2], got_c[2], where)
    else:
        COUNTS["both_returned"] += 1
        assert got_b[1:] == got_c[1:], "built-in %s, csocket %s: %s" % (got_b, got_c, where)


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    if COUNTS["examples"]:
        report_line(request.config,
                    "bad input: %(examples)d generated calls on both modules (%(both_raised)d "
                    "raised alike, %(both_returned)d returned alike, %(tried_first)d failed at "
                    "once where the built-in module timed out, %(accepted)d fds beyond a C int "
                    "refused where the built-in module truncates them, %(csocket_only)d of "
                    "csocket's own batch methods)" % COUNTS)


_RUNNERS = {}  # id(entry) -> its hypothesis test, made once (see _runner)
_CURRENT = {}  # the fixtures of the test running now, for that runner


def _runner(entry):
    """The generated test of one entry.  Made once and reused, so that running the pytest test
    again (as the reference-leak hunt does) runs the same hypothesis test, whose own bookkeeping
    then stays the same size."""
    if id(entry) in _RUNNERS:  # entries live as long as TABLE: their ids are never reused
        return _RUNNERS[id(entry)]
    fixtures = st.sampled_from(entry.fixtures) if entry.method else st.just(None)
    timeouts_ = st.sampled_from([0.0, 0.0, 0.0, 0.01])

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(entry.strategy(), fixtures, timeouts_)
    def run(call_args, fixture, timeout):
        args, kwargs = call_args
        sink = _CURRENT["sink"]
        try:
            check(entry, tuple(args), dict(kwargs), fixture, timeout, sink.getsockname()[1])
        finally:
            drain(sink)

    _RUNNERS[id(entry)] = run
    return run


@pytest.mark.generated  # hypothesis runs inside: see tests/hardening/refleak_plugin.py
@pytest.mark.parametrize("entry", TABLE, ids=repr)
def test_bad_input_matches_builtin(entry, scratch_dir, sink):
    if entry.skip:
        pytest.skip(entry.skip)
    _CURRENT["sink"] = sink
    try:
        _runner(entry)()
    finally:
        _CURRENT.clear()


# ---- what the generated runs found, pinned down -------------------------------------------------


def test_msg_trunc_returns_the_datagram_length_never_stale_bytes(S):
    """recv(n, MSG_TRUNC) on a datagram socket returns as many bytes as the datagram had, of
    which the first n are the data; recvmsg returns only the n bytes received.  csocket once
    copied the rest from its scratch buffer: an earlier message of any socket, or heap memory
    past the buffer."""
    a, b = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM)
    with a, b:
        b.send(b"an earlier secret message")
        assert a.recv(100) == b"an earlier secret message"
        b.send(b"XYZ" * 10)
        if S.__name__ == "socket" and sys.version_info >= (3, 15):
            # 3.15's built-in module can no longer grow the result: a known difference (README).
            with pytest.raises(ValueError, match="size larger than allocated size"):
                a.recv(2, S.MSG_TRUNC)
            return
        got = a.recv(2, S.MSG_TRUNC)
        assert len(got) == 30 and got[:2] == b"XY"
        if S.__name__ != "socket":
            assert got[2:] == bytes(28)
        b.send(b"XYZ" * 10)
        data, address = a.recvfrom(2, S.MSG_TRUNC)
        assert len(data) == 30 and data[:2] == b"XY"
        b.send(b"XYZ" * 10)
        data, anc, flags, address = a.recvmsg(2, 0, S.MSG_TRUNC)
        assert data == b"XY" and flags & S.MSG_TRUNC


@pytest.fixture
def C_view():
    import csocket.socket

    return csocket.socket


@pytest.mark.skipif(os.geteuid() != 0, reason="needs SO_SNDBUFFORCE for datagrams over 256 KiB")
@pytest.mark.parametrize("n", [200000, 300000])
def test_msg_trunc_with_a_datagram_larger_than_the_scratch_buffer(C_view, n):
    """The same with a datagram longer than csocket's 256 KiB scratch buffer, received into the
    scratch buffer (n=200000) and into a bytes object of n bytes (n=300000): csocket read past
    either one before."""
    a, b = C_view.socketpair(C.AF_UNIX, C.SOCK_DGRAM)
    with a, b:
        b.setsockopt(C.SOL_SOCKET, 32, 8 << 20)  # SO_SNDBUFFORCE
        a.setsockopt(C.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
        payload = bytes(range(256)) * 4096  # 1 MiB
        b.send(payload)
        got = a.recv(n, C.MSG_TRUNC)
        assert len(got) == len(payload)
        assert got[:n] == payload[:n] and got[n:] == bytes(len(payload) - n)
        b.send(payload)
        data = a.recvmsg(n, 0, C.MSG_TRUNC)[0]
        assert data == payload[:n]


def test_receiving_nothing_makes_no_system_call(S):
    """recv(0) and recv_into() of an empty buffer return at once in the built-in module, even on
    an unconnected or closed socket; csocket asked the kernel (ENOTCONN, EBADF)."""
    with S.socket() as s:
        assert s.recv(0) == b""
        assert s.recv_into(bytearray()) == 0
    s.close()
    assert s.recv(0) == b""
    assert s.recv_into(bytearray()) == 0


def test_address_fields_convert_before_the_host_resolves(S):
    """The built-in parser converts the host (IDNA, NUL check), then port, flowinfo and scope_id,
    then resolves the host, and checks the ranges last; csocket checked the port first."""
    with S.socket(S.AF_INET, S.SOCK_DGRAM) as s:
        with pytest.raises(TypeError, match="null character"):
            s.sendto(b"", ("\0", 2**31))
        with pytest.raises(TypeError, match="null character"):
            s.bind(("a\0", "not a port"))
        with pytest.raises(OverflowError, match="port must be 0-65535"):
            s.sendto(b"", ("127.0.0.1", 2**31))
        with pytest.raises(OverflowError, match="port must be 0-65535"):
            s.bind(("127.0.0.1", 70000))
    with S.socket(S.AF_INET6, S.SOCK_DGRAM) as s:
        with pytest.raises(TypeError, match="null character"):
            s.bind(("\0", 0, V.IndexRaises()))
        with pytest.raises(ZeroDivisionError):
            s.bind(("::1", 0, V.IndexRaises()))
        with pytest.raises(OverflowError, match="port must be 0-65535"):
            s.bind(("::1", -1, 0, 0))
        with pytest.raises(OverflowError, match="flowinfo"):
            s.bind(("::1", 0, 2**20, 0))


@pytest.mark.skipif(sys.version_info >= (3, 15),
                    reason="3.15 reports each field (tests/python/test_compat.py)")
@pytest.mark.parametrize("args", [(1, 2**31, None, 0), (1, 2, 5, 0), (1, 2, None, V.IndexRaises()),
                                  (V.IndexRaises(), 2, None, 0), (1, 2, None, "x")])
def test_setsockopt_four_arguments_report_the_arity_of_the_buffer_form(S, args):
    """setsockopt(level, option, None, optlen): the built-in module reports any failure of this
    form as "takes exactly 3 arguments (4 given)"; csocket reported the failing field."""
    with S.socket() as s:
        with pytest.raises(TypeError, match=r"exactly 3 arguments \(4 given\)"):
            s.setsockopt(*args)


@pytest.mark.parametrize("call", [lambda C: C.dup(2**32), lambda C: C.close(2**32 + 1000),
                                  lambda C: C.socket(fileno=2**32), lambda C: C.dup(2**31)])
def test_descriptors_beyond_a_c_int_are_refused(call):
    """The built-in module cuts a descriptor to a C int (dup(2**32) duplicates descriptor 0);
    csocket refuses it."""
    with pytest.raises(OverflowError):
        call(C)


@pytest.mark.parametrize("args, kwargs", [((2**31,), {"family": ()}), ((2**31,), {"bogus": 1}),
                                          (("x",), {"type": 1, "family": 2})])
def test_socket_checks_keywords_before_converting(args, kwargs):
    """From 3.11 the built-in socket() (Argument Clinic) rejects a keyword that repeats a
    positional argument, or that it does not know, before converting any argument; csocket
    converted the positional arguments first and raised their OverflowError/TypeError."""
    outcomes = []
    for mod in (B, C):
        with pytest.raises(Exception) as e:
            mod.socket(*args, **kwargs)
        outcomes.append(type(e.value))
    assert outcomes[0] is outcomes[1]
