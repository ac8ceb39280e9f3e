"""setsockopt and getsockopt (options.c) in all their forms, each call made on a socket of the
built-in _socket and on one of csocket, with the same result or the same exception (type and
message) required of both.

The forms: setsockopt(level, option, int), setsockopt(level, option, buffer),
setsockopt(level, option, None, optlen); getsockopt(level, option) -> int and
getsockopt(level, option, buflen) -> bytes.  Around them: the kernel's own errors, the range and
type checks, wrong argument counts, a closed socket.  (Every option the kernel knows is reached at
random by test_badinput.py; AF_VSOCK's 64-bit options by test_families.py.)
"""
import os
import struct

import _socket as builtin
import pytest

from csocket import _csocket

S = builtin  # constants: the same values in both modules (tests/check_api.py)
INT = struct.calcsize("i")


def outcome(mod, family, type_, calls, setup=None):
    """Run `calls` (method name, args) on a new socket of `mod`; return what each gave back, an
    exception as (type name, message)."""
    results = []
    s = mod.socket(family, type_)
    try:
        if setup is not None:
            setup(s)
        for name, args in calls:
            try:
                results.append(("ok", getattr(s, name)(*args)))
            except Exception as e:  # noqa: BLE001 - the exception is the result compared
                results.append((type(e).__name__, str(e)))
    finally:
        s.close()
    return results


def same_on_both(family, type_, calls, setup=None):
    expected = outcome(builtin, family, type_, calls, setup)
    got = outcome(_csocket, family, type_, calls, setup)
    assert got == expected
    return got


def values(results):
    return [value for kind, value in results]


TCP = (S.AF_INET, S.SOCK_STREAM)
UDP = (S.AF_INET, S.SOCK_DGRAM)
TCP6 = (S.AF_INET6, S.SOCK_STREAM)
UNIX = (S.AF_UNIX, S.SOCK_STREAM)


# ---- integers ------------------------------------------------------------------------------

INT_CASES = [
    (TCP, S.SOL_SOCKET, S.SO_REUSEADDR, [1, 0, 7]),
    (TCP, S.SOL_SOCKET, S.SO_KEEPALIVE, [1, 0]),
    (TCP, S.SOL_SOCKET, S.SO_RCVBUF, [65536, 4096, 0, -1]),  # the kernel doubles and clamps
    (TCP, S.SOL_SOCKET, S.SO_SNDBUF, [1 << 20]),
    (TCP, S.IPPROTO_TCP, S.TCP_NODELAY, [True, False, 1]),
    (TCP, S.IPPROTO_TCP, S.TCP_MAXSEG, [1000, 1]),
    (TCP, S.IPPROTO_IP, S.IP_TTL, [1, 64, 255, 256, 0, -1]),
    (UDP, S.IPPROTO_IP, S.IP_TOS, [0x10, 0]),
    (UDP, S.SOL_SOCKET, S.SO_BROADCAST, [1]),
    (TCP6, S.IPPROTO_IPV6, S.IPV6_V6ONLY, [1, 0]),
    (UNIX, S.SOL_SOCKET, S.SO_PASSCRED, [1, 0]),
]


@pytest.mark.parametrize("kind, level, option, settings", INT_CASES,
                         ids=lambda v: None if not isinstance(v, list) else "-".join(map(str, v)))
def test_integer_forms(kind, level, option, settings):
    calls = []
    for value in settings:
        calls += [("setsockopt", (level, option, value)), ("getsockopt", (level, option))]
    results = same_on_both(*kind, calls)
    assert all(isinstance(v, int) for k, v in results[1::2] if k == "ok")


@pytest.mark.parametrize("option, expected", [("SO_TYPE", S.SOCK_STREAM), ("SO_DOMAIN", S.AF_INET),
                                              ("SO_PROTOCOL", S.IPPROTO_TCP), ("SO_ERROR", 0),
                                              ("SO_ACCEPTCONN", 0)])
def test_read_only_integers(option, expected):
    opt = getattr(S, option)
    got = same_on_both(*TCP, [("getsockopt", (S.SOL_SOCKET, opt)),
                              ("setsockopt", (S.SOL_SOCKET, opt, 1))])
    assert got[0] == ("ok", expected)


def test_accepting_socket_says_so():
    def listen(s):
        s.bind(("127.0.0.1", 0))
        s.listen()

    got = same_on_both(*TCP, [("getsockopt", (S.SOL_SOCKET, S.SO_ACCEPTCONN))], setup=listen)
    assert got == [("ok", 1)]


# ---- buffers ---------------------------------------------------------------------------------

LINGER = struct.pack("ii", 1, 5)


@pytest.mark.parametrize("value", [LINGER, bytearray(LINGER), memoryview(LINGER),
                                   memoryview(b"xx" + LINGER)[2:]], ids=["bytes", "bytearray",
                                                                         "memoryview", "slice"])
def test_buffer_forms(value):
    got = same_on_both(*TCP, [("setsockopt", (S.SOL_SOCKET, S.SO_LINGER, value)),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_LINGER, len(LINGER))),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_LINGER, 1024)),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_LINGER, 4)),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_LINGER, 0))])
    # buflen 0 is the integer form: the option's first int
    assert values(got) == [None, LINGER, LINGER, LINGER[:4], 1]


def test_an_integer_read_as_bytes_and_a_short_buffer():
    got = same_on_both(*TCP, [("setsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, struct.pack("i", 1))),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, INT)),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR)),
                              ("setsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, b"\x01")),
                              ("setsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, b""))])
    assert got[1] == ("ok", struct.pack("i", 1)) and got[2] == ("ok", 1)
    assert got[3][0] == got[4][0] == "OSError"  # EINVAL from the kernel: too short


def test_strings_the_kernel_keeps():
    got = same_on_both(*TCP, [("setsockopt", (S.IPPROTO_TCP, S.TCP_CONGESTION, b"reno")),
                              ("getsockopt", (S.IPPROTO_TCP, S.TCP_CONGESTION, 16)),
                              ("setsockopt", (S.IPPROTO_TCP, S.TCP_CONGESTION, b"no-such-cc"))])
    assert got[1][1].rstrip(b"\0") == b"reno"
    assert got[2][0] == "FileNotFoundError"  # ENOENT: no such algorithm


@pytest.mark.skipif(os.geteuid() != 0, reason="SO_BINDTODEVICE needs CAP_NET_RAW")
def test_bind_to_device():
    got = same_on_both(*UDP, [("setsockopt", (S.SOL_SOCKET, S.SO_BINDTODEVICE, b"lo")),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_BINDTODEVICE, 16)),
                              ("setsockopt", (S.SOL_SOCKET, S.SO_BINDTODEVICE, b"no-such-if0"))])
    assert got[1][1].rstrip(b"\0") == b"lo"
    assert got[2][0] == "OSError"  # ENODEV


def test_peer_credentials_as_bytes():
    size = struct.calcsize("3i")
    got = {}
    for mod in (builtin, _csocket):
        a, b = mod.socketpair()
        try:
            got[mod] = a.getsockopt(S.SOL_SOCKET, S.SO_PEERCRED, size)
        finally:
            a.close()
            b.close()
    ours = got[_csocket]
    assert ours == got[builtin]
    assert struct.unpack("3i", ours) == (os.getpid(), os.getuid(), os.getgid())


# ---- setsockopt(level, option, None, optlen) ---------------------------------------------------

@pytest.mark.parametrize("optlen", [0, 4, -1, 2**32])
def test_none_form_reaches_the_kernel_with_a_null_value(optlen):
    """Most options refuse a NULL value (EFAULT, EINVAL); both modules must pass it on alike."""
    got = same_on_both(*TCP, [("setsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, None, optlen)),
                              ("setsockopt", (S.IPPROTO_TCP, S.TCP_NODELAY, None, optlen))])
    assert all(kind != "ok" or value is None for kind, value in got)


def _aead_socket(mod):
    try:
        s = mod.socket(S.AF_ALG, S.SOCK_SEQPACKET, 0)
    except OSError:
        return None
    try:
        s.bind(("aead", "gcm(aes)"))
    except OSError:
        s.close()
        return None
    return s


@pytest.mark.skipif(not hasattr(S, "ALG_SET_AEAD_AUTHSIZE"), reason="no AF_ALG")
def test_none_form_sets_an_aead_tag_size():
    """The use the None form exists for: AF_ALG's ALG_SET_AEAD_AUTHSIZE takes its value in optlen."""
    results = {}
    for mod in (builtin, _csocket):
        s = _aead_socket(mod)
        if s is None:
            pytest.skip("AF_ALG gcm(aes) is not available here")
        results[mod.__name__] = []
        try:
            for optlen in (16, 12, 3):
                try:
                    results[mod.__name__].append(s.setsockopt(S.SOL_ALG, S.ALG_SET_AEAD_AUTHSIZE,
                                                              None, optlen))
                except OSError as e:
                    results[mod.__name__].append((type(e).__name__, e.errno))
        finally:
            s.close()
    assert results[_csocket.__name__] == results[builtin.__name__]
    assert results[_csocket.__name__][:2] == [None, None]


# ---- what the arguments may be --------------------------------------------------------------

BAD_SET = [
    (S.SOL_SOCKET, S.SO_REUSEADDR, 2**31),
    (S.SOL_SOCKET, S.SO_REUSEADDR, -2**31 - 1),
    (S.SOL_SOCKET, S.SO_REUSEADDR, 2**64),
    (S.SOL_SOCKET, S.SO_REUSEADDR, "1"),
    (S.SOL_SOCKET, S.SO_REUSEADDR, 1.0),
    (S.SOL_SOCKET, S.SO_REUSEADDR, object()),
    (S.SOL_SOCKET, S.SO_REUSEADDR, 1, 4),
    (S.SOL_SOCKET, S.SO_REUSEADDR, b"x", 4),
    (S.SOL_SOCKET, S.SO_REUSEADDR, None),
    (S.SOL_SOCKET, S.SO_REUSEADDR, None, "4"),
    (S.SOL_SOCKET, S.SO_REUSEADDR, None, None),
    ("1", S.SO_REUSEADDR, 1),
    (S.SOL_SOCKET, 1.5, 1),
    (2**40, S.SO_REUSEADDR, 1),
    (S.SOL_SOCKET, 12345, 1),  # no such option: ENOPROTOOPT
    (9999, S.SO_REUSEADDR, 1),  # no such level
    (),
    (S.SOL_SOCKET,),
    (S.SOL_SOCKET, S.SO_REUSEADDR),
    (S.SOL_SOCKET, S.SO_REUSEADDR, None, 4, 5),
]

BAD_GET = [
    (S.SOL_SOCKET, S.SO_LINGER, -1),
    (S.SOL_SOCKET, S.SO_LINGER, 1025),
    (S.SOL_SOCKET, S.SO_LINGER, 2**40),
    (S.SOL_SOCKET, S.SO_LINGER, "8"),
    (S.SOL_SOCKET, S.SO_LINGER, None),
    (S.SOL_SOCKET, "SO_LINGER"),
    (S.SOL_SOCKET, 12345),
    (S.SOL_SOCKET, 12345, 8),
    (9999, S.SO_TYPE),
    (),
    (S.SOL_SOCKET,),
    (S.SOL_SOCKET, S.SO_TYPE, 4, 4),
]


@pytest.mark.parametrize("args", BAD_SET, ids=repr)
def test_setsockopt_refusals(args):
    (got,) = same_on_both(*TCP, [("setsockopt", args)])
    assert got[0] != "ok"


@pytest.mark.parametrize("args", BAD_GET, ids=repr)
def test_getsockopt_refusals(args):
    (got,) = same_on_both(*TCP, [("getsockopt", args)])
    assert got[0] != "ok"


def test_keywords_are_refused():
    same_on_both(*TCP, [("setsockopt", ()), ("getsockopt", ())])
    for mod in (builtin, _csocket):
        s = mod.socket()
        try:
            with pytest.raises(TypeError):
                s.setsockopt(level=S.SOL_SOCKET, optname=S.SO_REUSEADDR, value=1)
            with pytest.raises(TypeError):
                s.getsockopt(S.SOL_SOCKET, optname=S.SO_REUSEADDR)
        finally:
            s.close()


def test_a_closed_socket():
    def close(s):
        s.close()

    got = same_on_both(*TCP, [("setsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, 1)),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR)),
                              ("getsockopt", (S.SOL_SOCKET, S.SO_LINGER, 8)),
                              ("setsockopt", (S.SOL_SOCKET, S.SO_LINGER, LINGER)),
                              ("setsockopt", (S.SOL_SOCKET, S.SO_REUSEADDR, None, 4))], setup=close)
    assert all(kind == "OSError" and "Bad file descriptor" in msg for kind, msg in got)


# ---- through socket.py -----------------------------------------------------------------------

def test_through_the_socket_module(S):
    """The same calls through the interpreter's socket.py on each module (the S fixture)."""
    with S.socket() as s:
        s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
        assert s.getsockopt(S.SOL_SOCKET, S.SO_REUSEADDR) == 1
        s.setsockopt(S.IPPROTO_TCP, S.TCP_NODELAY, True)
        assert s.getsockopt(S.IPPROTO_TCP, S.TCP_NODELAY) == 1
        s.setsockopt(S.SOL_SOCKET, S.SO_LINGER, LINGER)
        assert s.getsockopt(S.SOL_SOCKET, S.SO_LINGER, 8) == LINGER
        with pytest.raises(OSError, match="buflen out of range"):
            s.getsockopt(S.SOL_SOCKET, S.SO_LINGER, 1025)
        with pytest.raises(OSError, match="buflen out of range"):
            s.getsockopt(S.SOL_SOCKET, S.SO_LINGER, -1)
        with pytest.raises(TypeError):
            s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, "1")
        with pytest.raises(OSError):
            s.setsockopt(S.SOL_SOCKET, 12345, 1)
