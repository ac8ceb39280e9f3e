"""What the bad-input tests feed the two modules: generated values, stand-ins that are made afresh
for each module's call (descriptors, buffers), and the rules that keep generated arguments from
reaching the network.

Network rules (strict, see the project brief): a generated host name never reaches the resolver
and nothing is sent or connected beyond loopback.  Every host-like argument is passed through
`fix_host` for its purpose before either module sees it; what is not provably safe is replaced.
Safe means one of: not a str/bytes/bytearray at all (rejected by type), rejected before any lookup
(an embedded NUL; a non-ASCII str that IDNA cannot encode), or a strictly numeric address (as
inet_pton parses it) of a kind the purpose allows.  test_badinput.py also installs an audit hook
that stops any resolver call whose host breaks these rules, as a second net.
"""
import array
import ipaddress
import math
import operator
import os
import socket as std
import sys

from hypothesis import strategies as st

# ---- stand-ins made afresh for each call --------------------------------------------------------


class Resources:
    """Descriptors a call's stand-ins opened; closed afterwards unless something else took them."""

    def __init__(self):
        self.fds = []  # (fd, (st_dev, st_ino)) so a number reused since is never closed
        self.buffers = []

    def track(self, fd):
        s = os.fstat(fd)
        self.fds.append((fd, (s.st_dev, s.st_ino)))
        return fd

    def close(self):
        for fd, ident in self.fds:
            try:
                s = os.fstat(fd)
            except OSError:
                continue
            if (s.st_dev, s.st_ino) == ident:
                os.close(fd)


def _closed_number():
    """A descriptor number that is not open (well above what the test process uses)."""
    n = 900
    while True:
        try:
            os.fstat(n)
        except OSError:
            return n
        n += 1


class Fresh:
    """An argument made anew for each module's call, so neither call can change what the other
    receives: open descriptors, a closed one, and buffers of several kinds."""

    def __init__(self, kind, size=0):
        self.kind, self.size = kind, size

    def __repr__(self):
        return "Fresh(%r, %d)" % (self.kind, self.size)

    def make(self, res):
        k, n = self.kind, self.size
        if k == "sock_fd":
            s = std.socket(std.AF_INET, std.SOCK_DGRAM)
            return res.track(s.detach())
        if k == "unix_fd":
            a, b = std.socketpair()
            res.track(b.detach())
            return res.track(a.detach())
        if k == "pipe_fd":
            r, w = os.pipe()
            res.track(w)
            return res.track(r)
        if k == "closed_fd":
            return _closed_number()
        if k == "bytearray":
            b = bytearray(b"\xa5" * n)
            res.buffers.append(b)
            return b
        if k == "mv_rw":
            b = bytearray(n)
            res.buffers.append(b)
            return memoryview(b)
        if k == "mv_ro":
            return memoryview(bytes(n))
        if k == "mv_strided":
            return memoryview(bytearray(2 * n))[::2]
        if k == "mv_int":
            return memoryview(array.array("i", range(n)))
        if k == "mv_released":
            m = memoryview(bytearray(n))
            m.release()
            return m
        if k == "array":
            return array.array("d", [0.5] * n)
        raise AssertionError(k)


def resolve(value, res):
    """The argument itself, with each Fresh stand-in made for this call."""
    if isinstance(value, Fresh):
        return value.make(res)
    if isinstance(value, tuple):
        return tuple(resolve(v, res) for v in value)
    if isinstance(value, list):
        return [resolve(v, res) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, res) for k, v in value.items()}
    return value


# ---- odd objects --------------------------------------------------------------------------------


class IntLike:
    """Not an int, but usable as one through __index__."""

    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v

    def __repr__(self):
        return "IntLike(%r)" % self.v


class IndexRaises:
    def __index__(self):
        raise ZeroDivisionError("from __index__")

    def __repr__(self):
        return "IndexRaises()"


class FloatLike:
    def __float__(self):
        return 1.5

    def __repr__(self):
        return "FloatLike()"


class BytesLike:
    """Convertible with bytes() but not a buffer: must not be taken for one."""

    def __bytes__(self):
        return b"abc"

    def __repr__(self):
        return "BytesLike()"


# ---- generated values ---------------------------------------------------------------------------

EDGE_INTS = [0, 1, -1, 2, 3, 255, 256, 1024, 65535, 65536, 2**31 - 1, 2**31, -2**31, -2**31 - 1,
             2**32 - 1, 2**32, -2**32, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64, 2**100,
             -2**100, sys.maxsize, -sys.maxsize - 1]
ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers(-300, 300), st.integers())
small_ints = st.one_of(st.integers(-2, 300), st.sampled_from([2**31, 2**63, -2**31 - 1]))

floats = st.one_of(
    st.sampled_from([0.0, -0.0, 1e-10, 1e-9, 0.001, 0.5, 1.0, -1.0, -1e-10, 1e300, -1e300, 9.3e9,
                     9.3e18, 9.3e18 * 2, math.nan, -math.nan, math.inf, -math.inf]),
    st.floats())

# No "/" anywhere: an AF_UNIX path stays a file name inside the test's scratch directory.
_chars = st.characters(blacklist_characters="/", blacklist_categories=())
text = st.one_of(
    st.sampled_from(["", "\0", "a\0b", "tcp", "udp", "http", "lo", "é" * 70, "é" * 300,
                     "\ud800", "a" * 120, "x" * 300, "127.0.0.1", "::1", "<broadcast>"]),
    st.text(_chars, max_size=12))
binary = st.one_of(
    st.sampled_from([b"", b"\0", b"a\0b", b"\xff" * 4, b"\x7f\0\0\1", b"\0" * 16, b"x" * 300,
                     b"127.0.0.1", b"::1"]),
    st.binary(max_size=24).map(lambda b: b.replace(b"/", b"_")))

buffers = st.builds(Fresh, st.sampled_from(["bytearray", "mv_rw", "mv_ro", "mv_strided", "mv_int",
                                            "mv_released", "array"]),
                    st.sampled_from([0, 1, 7, 64, 4096]))
fds = st.builds(Fresh, st.sampled_from(["sock_fd", "unix_fd", "pipe_fd", "closed_fd"]))
odd = st.sampled_from([None, True, False, object(), IntLike(5), IntLike(2**70), IntLike(-1),
                       IndexRaises(), FloatLike(), BytesLike(), [], {}, (), 1j, Ellipsis,
                       std.AF_INET, std.SOCK_STREAM])

scalars = st.one_of(ints, floats, text, binary, buffers, odd)
# Nested tuples and lists of anything: wrong shapes for addresses, ancillary data, buffers.
anything = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(tuple), st.lists(inner, max_size=4)), max_leaves=6)


def generic_call(kwnames=()):
    """Positional arguments of any type and arity, and sometimes keywords (real or bogus)."""
    names = list(kwnames) + ["bogus", "flags"]
    return st.tuples(st.lists(anything, max_size=5).map(tuple),
                     st.one_of(st.just({}), st.dictionaries(st.sampled_from(names), anything,
                                                            max_size=2)))


# ---- hosts and addresses: keep them off the network ---------------------------------------------

LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.2", "127.254.1.1", "::1", "::ffff:127.0.0.1", ""]
numeric_hosts = st.one_of(
    st.sampled_from(LOOPBACK_HOSTS + ["0.0.0.0", "::", "255.255.255.255", "10.0.0.1", "fe80::1",
                                      "2001:db8::1", "1.2.3.4"]),
    st.ip_addresses().map(str))
hosts = st.one_of(numeric_hosts, numeric_hosts.map(str.encode), text, binary, odd,
                  st.sampled_from(["<broadcast>", b"<broadcast>", bytearray(b"127.0.0.1")]))
ports = st.one_of(st.sampled_from([0, 1, 80, 65535, 65536, -1, 2**16 + 80, 2**31, 2**64]), ints,
                  odd, text)


def _is_hostlike(h):
    return isinstance(h, (str, bytes, bytearray))


def rejected_before_lookup(h, purpose=None):
    """True when both modules must refuse `h` before any resolver call.  Not a NUL for
    getaddrinfo: both modules (CPython 3.9-3.13 itself) hand getaddrinfo("bad\0host") to the
    resolver as "bad"."""
    if not _is_hostlike(h):
        return True
    nul = "\0" if isinstance(h, str) else b"\0"
    if purpose == "gai" and nul in h:
        return False
    if isinstance(h, str):
        if "\0" in h:
            return True
        if not h.isascii():
            try:
                h.encode("idna")
            except UnicodeError:
                return True
        return False
    return b"\0" in h


def _numeric(h):
    """The ipaddress object of a strictly numeric host, or None."""
    try:
        s = h if isinstance(h, str) else bytes(h).decode("ascii")
        for family in (std.AF_INET, std.AF_INET6):
            try:
                std.inet_pton(family, s)
                return ipaddress.ip_address(s)
            except (OSError, ValueError):
                pass
    except (UnicodeError, ValueError):
        pass
    return None


def _is_loopback(ip):
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def host_allowed(h, purpose):
    """May `h` be passed as a host for `purpose`?
    send:    connect/connect_ex/sendto/sendmsg: loopback only (and "" = this host)
    bind:    any numeric address, "" and "<broadcast>" (binding sends nothing)
    gai:     getaddrinfo (always with AI_NUMERICHOST): any numeric address
    name:    gethostbyname: numeric IPv4, "" and "<broadcast>" (answered without a lookup)
    name_ex: gethostbyname_ex: numeric IPv4 (glibc answers digits-and-dots itself)
    reverse: gethostbyaddr: only 127.0.0.1, which /etc/hosts answers
    nameinfo: getnameinfo (always with NI_NUMERICHOST): any numeric address"""
    if rejected_before_lookup(h, purpose):
        return True
    text_h = h if isinstance(h, str) else bytes(h).decode("latin-1")
    ip = _numeric(h)
    if purpose == "send":
        return text_h == "" or (ip is not None and _is_loopback(ip))
    if purpose == "bind":
        return text_h in ("", "<broadcast>") or ip is not None
    if purpose in ("gai", "nameinfo"):
        return ip is not None
    if purpose == "name":
        return text_h in ("", "<broadcast>") or (ip is not None and ip.version == 4)
    if purpose == "name_ex":
        return ip is not None and ip.version == 4
    if purpose == "reverse":
        return text_h == "127.0.0.1"
    raise AssertionError(purpose)


def fix_host(h, purpose):
    """`h` if allowed for `purpose`, else a replacement that is (keeping its type)."""
    if isinstance(h, Fresh) and h.kind == "bytearray":
        h = bytearray(b"\xa5" * h.size)  # what the stand-in becomes: a host to check too
    if host_allowed(h, purpose):
        return h
    safe = "127.0.0.1" if len(h) % 2 or purpose == "gai" else "bad\0host"
    if isinstance(h, bytes):
        return safe.encode()
    if isinstance(h, bytearray):
        return bytearray(safe.encode())
    return safe


def fix_hosts_deep(value, purpose):
    """fix_host on every str/bytes/bytearray inside `value`, at any depth."""
    if _is_hostlike(value) or (isinstance(value, Fresh) and value.kind == "bytearray"):
        return fix_host(value, purpose)
    if isinstance(value, tuple):
        return tuple(fix_hosts_deep(v, purpose) for v in value)
    if isinstance(value, list):
        return [fix_hosts_deep(v, purpose) for v in value]
    if isinstance(value, dict):
        return {k: fix_hosts_deep(v, purpose) for k, v in value.items()}
    return value


def index_value(x):
    try:
        return operator.index(x)
    except Exception:  # noqa: BLE001 - not an index at all
        return None


def fix_ports_deep(value, sink_port):
    """In every (host, port, ...) tuple, a usable port becomes `sink_port`, the test's own UDP
    socket on 127.0.0.1 (no TCP listener there): generated datagrams and connects never reach a
    local service.  Out-of-range and wrongly typed ports stay as they are."""
    if isinstance(value, tuple):
        value = tuple(fix_ports_deep(v, sink_port) for v in value)
        if len(value) >= 2 and _is_hostlike(value[0]):
            p = index_value(value[1])
            if p is not None and 1 <= p <= 65535:
                value = (value[0], sink_port) + value[2:]
        return value
    if isinstance(value, list):
        return [fix_ports_deep(v, sink_port) for v in value]
    return value


def c_int(v):
    """v cut to a C int, as the built-in module's fd conversion does (it converts to a C long,
    then truncates: dup(2**32) duplicates descriptor 0)."""
    return ((v + 2**31) % 2**32) - 2**31


def fd_truncated(v):
    """A value the built-in module silently truncates (inside a C long, outside a C int)."""
    return v is not None and -2**63 <= v < 2**63 and not -2**31 <= v < 2**31


def fix_fd(x):
    """A generated descriptor argument that could name one of the test process's own open
    descriptors (anything usable as an index whose C int truncation is >= 0) becomes a fresh
    stand-in."""
    v = index_value(x)
    if v is not None and -2**63 <= v < 2**63 and c_int(v) >= 0:
        return Fresh(("sock_fd", "pipe_fd", "closed_fd")[c_int(v) % 3])
    return x


# setsockopt options that make the kernel talk to the network (multicast joins send IGMP/MLD
# reports on a real interface): never set with generated values.
_MEMBERSHIP = {
    std.IPPROTO_IP: set(range(35, 49)),
    std.IPPROTO_IPV6: {20, 21, 27, 28, 42, 43, 44, 45, 46, 47, 48},
    263: set(range(0, 64)),  # SOL_PACKET: membership and ring options
}


def fix_sockopt(args, kwargs):
    """setsockopt(level, option, ...): a level/option pair that could join a multicast group
    (or configure a packet socket) becomes SO_KEEPALIVE."""
    if len(args) >= 2:
        level, opt = index_value(args[0]), index_value(args[1])
        if level is not None and opt is not None and opt in _MEMBERSHIP.get(level, ()):
            args = (std.SOL_SOCKET, std.SO_KEEPALIVE) + tuple(args[2:])
    return args, kwargs
