"""Address conversion (convert.c, core inet.c): inet_aton, inet_ntoa, inet_pton, inet_ntop,
htons, htonl, ntohs, ntohl.

Every call runs on the built-in _socket and on csocket and must give the same value or the same
exception (type and message, the module's own name aside).  Values are also checked directly, so
a shared mistake cannot pass.
"""
import _socket
import array
import decimal
import fractions
import sys
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csocket import _csocket

MODULES = [pytest.param(_socket, id="builtin"), pytest.param(_csocket, id="csocket")]
AF_INET, AF_INET6, AF_UNIX = _socket.AF_INET, _socket.AF_INET6, _socket.AF_UNIX


def outcome(call, mod):
    """What call(mod) gives: ('ok', value) or ('raise', exception type name, message)."""
    try:
        return ("ok", call(mod))
    except Exception as exc:  # noqa: BLE001 - every exception is part of the behaviour
        text = str(exc).replace(mod.__name__ + ".", "_socket.")
        return ("raise", type(exc).__name__, text)


def same_as_builtin(call):
    expected = outcome(call, _socket)
    got = outcome(call, _csocket)
    assert got == expected
    return got


# (id, call) -- valid input, malformed input, wrong types, embedded NULs, huge ints, arity.
CASES = [
    ("aton-dotted", lambda m: m.inet_aton("127.0.0.1")),
    ("aton-short-1", lambda m: m.inet_aton("1")),
    ("aton-short-2", lambda m: m.inet_aton("1.2")),
    ("aton-hex", lambda m: m.inet_aton("0x7f.1")),
    ("aton-broadcast", lambda m: m.inet_aton("255.255.255.255")),
    ("aton-too-big", lambda m: m.inet_aton("256.1.1.1")),
    ("aton-empty", lambda m: m.inet_aton("")),
    ("aton-leading-space", lambda m: m.inet_aton(" 1.2.3.4")),
    ("aton-trailing-junk", lambda m: m.inet_aton("1.2.3.4 junk")),
    ("aton-nul", lambda m: m.inet_aton("1.2.3.4\x00")),
    ("aton-bytes", lambda m: m.inet_aton(b"1.2.3.4")),
    ("aton-none", lambda m: m.inet_aton(None)),
    ("aton-no-arg", lambda m: m.inet_aton()),
    ("aton-two-args", lambda m: m.inet_aton("1.2.3.4", 1)),
    ("aton-surrogate", lambda m: m.inet_aton("\udcff")),
    ("aton-non-ascii", lambda m: m.inet_aton("\xe9")),
    ("ntoa-bytes", lambda m: m.inet_ntoa(b"\x7f\0\0\1")),
    ("ntoa-bytearray", lambda m: m.inet_ntoa(bytearray(b"\x7f\0\0\1"))),
    ("ntoa-memoryview", lambda m: m.inet_ntoa(memoryview(b"\x7f\0\0\1"))),
    ("ntoa-array", lambda m: m.inet_ntoa(array.array("B", [10, 0, 0, 1]))),
    ("ntoa-short", lambda m: m.inet_ntoa(b"\x7f\0\0")),
    ("ntoa-long", lambda m: m.inet_ntoa(b"\x7f\0\0\1\1")),
    ("ntoa-empty", lambda m: m.inet_ntoa(b"")),
    ("ntoa-str", lambda m: m.inet_ntoa("abcd")),
    ("ntoa-none", lambda m: m.inet_ntoa(None)),
    ("ntoa-int", lambda m: m.inet_ntoa(1)),
    ("ntoa-strided", lambda m: m.inet_ntoa(memoryview(b"\x7f\0\0\1\0\0\0\0")[::2])),
    ("ntoa-no-arg", lambda m: m.inet_ntoa()),
    ("pton4", lambda m: m.inet_pton(AF_INET, "127.0.0.1")),
    ("pton4-short-form", lambda m: m.inet_pton(AF_INET, "1")),
    ("pton4-trailing-space", lambda m: m.inet_pton(AF_INET, "1.2.3.4 ")),
    ("pton4-too-big", lambda m: m.inet_pton(AF_INET, "256.0.0.1")),
    ("pton4-empty", lambda m: m.inet_pton(AF_INET, "")),
    ("pton4-ipv6-text", lambda m: m.inet_pton(AF_INET, "::1")),
    ("pton4-bytes", lambda m: m.inet_pton(AF_INET, b"1.2.3.4")),
    ("pton4-nul", lambda m: m.inet_pton(AF_INET, "1.2.3.4\x00")),
    ("pton6-loopback", lambda m: m.inet_pton(AF_INET6, "::1")),
    ("pton6-mapped", lambda m: m.inet_pton(AF_INET6, "::ffff:1.2.3.4")),
    ("pton6-full", lambda m: m.inet_pton(AF_INET6, "1:2:3:4:5:6:7:8")),
    ("pton6-triple-colon", lambda m: m.inet_pton(AF_INET6, ":::")),
    ("pton6-scope", lambda m: m.inet_pton(AF_INET6, "fe80::1%lo")),
    ("pton6-ipv4-text", lambda m: m.inet_pton(AF_INET6, "1.2.3.4")),
    ("pton-unix", lambda m: m.inet_pton(AF_UNIX, "1.2.3.4")),
    ("pton-negative-family", lambda m: m.inet_pton(-1, "1.2.3.4")),
    ("pton-huge-family", lambda m: m.inet_pton(2**40, "1.2.3.4")),
    ("pton-str-family", lambda m: m.inet_pton("2", "1.2.3.4")),
    ("pton-float-family", lambda m: m.inet_pton(2.0, "1.2.3.4")),
    ("pton-none", lambda m: m.inet_pton(AF_INET, None)),
    ("pton-one-arg", lambda m: m.inet_pton(AF_INET)),
    ("pton-three-args", lambda m: m.inet_pton(AF_INET, "1.2.3.4", 1)),
    ("pton-surrogate", lambda m: m.inet_pton(AF_INET, "\udcff")),
    ("ntop4", lambda m: m.inet_ntop(AF_INET, b"\x7f\0\0\1")),
    ("ntop4-bytearray", lambda m: m.inet_ntop(AF_INET, bytearray(b"\x7f\0\0\1"))),
    ("ntop4-short", lambda m: m.inet_ntop(AF_INET, b"\x7f\0\0")),
    ("ntop4-long", lambda m: m.inet_ntop(AF_INET, b"\x7f\0\0\1\0")),
    ("ntop6-loopback", lambda m: m.inet_ntop(AF_INET6, b"\0" * 15 + b"\1")),
    ("ntop6-mapped", lambda m: m.inet_ntop(AF_INET6, b"\0" * 10 + b"\xff\xff\1\2\3\4")),
    ("ntop6-short", lambda m: m.inet_ntop(AF_INET6, b"\0" * 15)),
    ("ntop6-long", lambda m: m.inet_ntop(AF_INET6, b"\0" * 17)),
    ("ntop6-ipv4-length", lambda m: m.inet_ntop(AF_INET6, b"\0" * 4)),
    ("ntop-unix", lambda m: m.inet_ntop(AF_UNIX, b"\0" * 4)),
    ("ntop-negative-family", lambda m: m.inet_ntop(-1, b"\0" * 4)),
    ("ntop-huge-family", lambda m: m.inet_ntop(2**40, b"\0" * 4)),
    ("ntop-str", lambda m: m.inet_ntop(AF_INET, "abcd")),
    ("ntop-none", lambda m: m.inet_ntop(AF_INET, None)),
    ("ntop-strided", lambda m: m.inet_ntop(AF_INET, memoryview(b"\x7f\0\0\1\0\0\0\0")[::2])),
    ("ntop-one-arg", lambda m: m.inet_ntop(AF_INET)),
]

for name in ("htons", "ntohs", "htonl", "ntohl"):
    for label, arg in [("zero", 0), ("one", 1), ("max16", 0xFFFF), ("over16", 0x10000),
                       ("max32", 2**32 - 1), ("over32", 2**32), ("int-max", 2**31 - 1),
                       ("over-int", 2**31), ("over-long", 2**63), ("over-ulong", 2**64),
                       ("minus-one", -1), ("minus-huge", -(2**64)), ("true", True),
                       ("float", 1.0), ("str", "1"), ("none", None),
                       ("fraction", fractions.Fraction(1)), ("decimal", decimal.Decimal(1))]:
        CASES.append((f"{name}-{label}", lambda m, name=name, arg=arg: getattr(m, name)(arg)))
    CASES.append((f"{name}-no-arg", lambda m, name=name: getattr(m, name)()))
    CASES.append((f"{name}-two-args", lambda m, name=name: getattr(m, name)(1, 2)))


@pytest.mark.parametrize("call", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_same_outcome_as_builtin(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.9: truncation warning
        same_as_builtin(call)


@pytest.mark.parametrize("mod", MODULES)
def test_known_values(mod):
    assert mod.inet_aton("127.1") == b"\x7f\x00\x00\x01"
    assert mod.inet_aton("0x7f.0.0.1") == b"\x7f\x00\x00\x01"
    assert mod.inet_ntoa(b"\xc0\xa8\x01\x02") == "192.168.1.2"
    assert mod.inet_pton(AF_INET, "10.0.0.255") == b"\n\x00\x00\xff"
    assert mod.inet_pton(AF_INET6, "2001:db8::1") == bytes.fromhex("20010db8000000000000000000000001")
    assert mod.inet_ntop(AF_INET6, bytes.fromhex("fe800000000000000000000000000001")) == "fe80::1"
    little = sys.byteorder == "little"
    assert mod.htons(0x1234) == (0x3412 if little else 0x1234)
    assert mod.ntohs(0x1234) == (0x3412 if little else 0x1234)
    assert mod.htonl(0x12345678) == (0x78563412 if little else 0x12345678)
    assert mod.ntohl(0x12345678) == (0x78563412 if little else 0x12345678)


@pytest.mark.parametrize("mod", MODULES)
def test_errors(mod):
    with pytest.raises(OSError, match="illegal IP address string passed to inet_aton"):
        mod.inet_aton("1.2.3.256")
    with pytest.raises(OSError, match="illegal IP address string passed to inet_pton"):
        mod.inet_pton(AF_INET6, "1::2::3")
    with pytest.raises(OSError, match="packed IP wrong length for inet_ntoa"):
        mod.inet_ntoa(b"123")
    with pytest.raises(ValueError, match="invalid length of packed IP address string"):
        mod.inet_ntop(AF_INET6, b"1234")
    with pytest.raises(ValueError, match="unknown address family"):
        mod.inet_ntop(AF_UNIX, b"1234")
    with pytest.raises(OverflowError):
        mod.htonl(2**32)
    # 3.14 made a negative value a ValueError (tests/python/test_compat.py has both versions).
    negative = ValueError if sys.version_info >= (3, 14) else OverflowError
    with pytest.raises(negative):
        mod.ntohl(-1)
    with pytest.raises(negative):
        mod.htons(-1)
    with pytest.raises(TypeError):
        mod.htonl(1.0)


@pytest.mark.parametrize("mod", MODULES)
def test_inet_pton_family_not_supported_is_errno(mod):
    with pytest.raises(OSError) as info:
        mod.inet_pton(AF_UNIX, "1.2.3.4")
    assert info.value.errno == 97  # EAFNOSUPPORT


@pytest.mark.skipif(sys.version_info < (3, 10), reason="3.9 truncates with a DeprecationWarning")
@pytest.mark.skipif(sys.version_info >= (3, 14), reason="3.14's converter words it for uint16_t")
@pytest.mark.parametrize("mod", MODULES)
@pytest.mark.parametrize("name", ["htons", "ntohs"])
def test_16bit_out_of_range_is_overflow(mod, name):
    with pytest.raises(OverflowError, match=f"{name}: Python int too large"):
        getattr(mod, name)(0x10000)
    with pytest.raises(OverflowError, match=f"{name}: can't convert negative"):
        getattr(mod, name)(-1)


# ---- properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=4, max_size=4))
def test_ipv4_round_trip(packed):
    text = _csocket.inet_ntop(AF_INET, packed)
    assert text == _socket.inet_ntop(AF_INET, packed) == _csocket.inet_ntoa(packed)
    assert _csocket.inet_pton(AF_INET, text) == packed
    assert _csocket.inet_aton(text) == packed


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=16, max_size=16))
def test_ipv6_round_trip(packed):
    text = _csocket.inet_ntop(AF_INET6, packed)
    assert text == _socket.inet_ntop(AF_INET6, packed)
    assert _csocket.inet_pton(AF_INET6, text) == packed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789abcdefx.:% ", max_size=24))
def test_text_parsing_matches_builtin(text):
    for family in (AF_INET, AF_INET6):
        same_as_builtin(lambda m: m.inet_pton(family, text))
    same_as_builtin(lambda m: m.inet_aton(text))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=20), st.sampled_from([AF_INET, AF_INET6, AF_UNIX, -1, 0]))
def test_ntop_any_input_matches_builtin(packed, family):
    same_as_builtin(lambda m: m.inet_ntop(family, packed))


INTS = st.one_of(st.integers(min_value=-(2**70), max_value=2**70),
                 st.integers(min_value=-2, max_value=2**32 + 2),
                 st.sampled_from([0, 0xFFFF, 0x10000, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63,
                                  2**64 - 1, 2**64, -(2**31), -(2**63) - 1]))


@settings(max_examples=500, deadline=None)
@given(INTS, st.sampled_from(["htons", "ntohs", "htonl", "ntohl"]))
def test_byte_order_matches_builtin(value, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.9: truncation warning
        same_as_builtin(lambda m: getattr(m, name)(value))
