"""What the built-in module changed between CPython versions (src/python/compat.h): csocket must
behave as the running interpreter's own _socket does, on every version.

Each call runs on the built-in _socket and on csocket and must give the same value or the same
exception (type and message, the module's own name aside); on the versions that changed a
behaviour, the new behaviour is also asserted directly, so that a run on that version cannot pass
with the old one.  The matrix (make test-matrix) runs this file on 3.9 to 3.15.
"""
import _socket
import decimal
import fractions
import inspect
import sys

import pytest

from csocket import _csocket

PY = sys.version_info[:2]


class Index:
    """Not an int, but usable as one (__index__)."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


def outcome(call, mod):
    try:
        return ("ok", call(mod))
    except Exception as exc:  # noqa: BLE001 - every exception is part of the behaviour
        return ("raise", type(exc).__name__, str(exc).replace(mod.__name__ + ".", "_socket."))


def same_as_builtin(call):
    expected = outcome(call, _socket)
    assert outcome(call, _csocket) == expected
    return expected


def with_socket(op):
    """op(sock) on a fresh TCP socket of the module, closed afterwards (the C type has no
    context manager of its own)."""

    def call(mod):
        s = mod.socket(mod.AF_INET, mod.SOCK_STREAM)
        try:
            return op(s)
        finally:
            s.close()

    return call


def with_default_timeout(value):
    """setdefaulttimeout(value), then what getdefaulttimeout() and a new socket say; restored."""

    def call(mod):
        old = mod.getdefaulttimeout()
        try:
            mod.setdefaulttimeout(value)
            s = mod.socket()
            try:
                return mod.getdefaulttimeout(), s.gettimeout()
            finally:
                s.close()
        finally:
            mod.setdefaulttimeout(old)

    return call


BYTE_ORDER = ["htons", "ntohs", "htonl", "ntohl"]
NUMBERS = [0, 1, 0xffff, 0x10000, 2**31, 2**32 - 1, 2**32, 2**64, 2**100, -1, -2**31, -2**100,
           True, Index(5), Index(-5), Index(2**40), 1.0, "1", None, b"\x01"]


@pytest.mark.parametrize("name", BYTE_ORDER)
@pytest.mark.parametrize("value", NUMBERS, ids=repr)
def test_byte_order_arguments(name, value):
    same_as_builtin(lambda m: getattr(m, name)(value))


@pytest.mark.parametrize("value", [-1, -2**100, Index(-1), 2**32, 2**64, Index(2**40), 0, 1,
                                   "1", 1.0, None], ids=repr)
def test_if_indextoname_arguments(value):
    same_as_builtin(lambda m: m.if_indextoname(value))


@pytest.mark.skipif(PY < (3, 14), reason="3.14 made negative values a ValueError")
@pytest.mark.parametrize("call", [lambda m: m.htons(-1), lambda m: m.ntohl(-1),
                                  lambda m: m.if_indextoname(-1)])
def test_negative_is_value_error_from_314(call):
    with pytest.raises(ValueError, match="negative"):
        call(_csocket)


@pytest.mark.parametrize("name", ["no-such-interface", "", "x" * 100, b"no-such-interface"],
                         ids=repr)
def test_if_nametoindex_failure(name):
    same_as_builtin(lambda m: m.if_nametoindex(name))
    with pytest.raises(OSError) as info:
        _csocket.if_nametoindex(name)
    if PY >= (3, 14):
        assert info.value.errno is not None  # 3.14: the C library's errno (ENODEV)


TIMEOUTS = [0, 1, 2.5, 10**9, 2**70, -1, -0.5, float("nan"), float("inf"), 1e300, 1e-10, True,
            "1", b"1", None, decimal.Decimal("11.125"), decimal.Decimal("nan"),
            fractions.Fraction(97, 8), fractions.Fraction(1, 3), fractions.Fraction(-1, 3),
            Index(3)]


@pytest.mark.parametrize("value", TIMEOUTS, ids=repr)
def test_default_timeout_values(value):
    same_as_builtin(with_default_timeout(value))


@pytest.mark.parametrize("value", TIMEOUTS, ids=repr)
def test_settimeout_values(value):
    same_as_builtin(with_socket(lambda s: (s.settimeout(value), s.gettimeout())))


@pytest.mark.skipif(PY < (3, 15), reason="3.15 takes any real number as a timeout")
def test_real_number_timeouts_from_315():
    assert with_default_timeout(fractions.Fraction(97, 8))(_csocket) == (12.125, 12.125)
    assert with_default_timeout(decimal.Decimal("0.25"))(_csocket) == (0.25, 0.25)


SETSOCKOPT = [
    (1, 2, 1), (1, 2, 0), (1, 2, True), (1, 2, -1), (1, 2, 2**31), (1, 2, -2**31 - 1),
    (1, 2, 2**100), (1, 2, -2**100), (1, 2**100, 1), (2**100, 2, 1), (1, 2**31, 1),
    (1, 2, b"\x01\0\0\0"), (1, 2, bytearray(4)), (1, 2, 1.5), (1, 2, "x"), (1, 2, {}),
    (1, 2, None), (1, 2, None, 4), (1, 2, None, 1.5), (1, 2, None, "x"), (1, 2, None, -2),
    (1, 2, 1, 2), (1, 2, "x", 4), (1, 2, 1, None), (1,), (1, 2), (1, 2, 1, 2, 3), ("a", 2, 1),
    (1.0, 2, 1), (1, 2, Index(1)),
]


@pytest.mark.parametrize("args", SETSOCKOPT, ids=repr)
def test_setsockopt_arguments(args):
    same_as_builtin(with_socket(lambda s: s.setsockopt(*args)))


@pytest.mark.skipif(PY < (3, 15), reason="3.15 checks setsockopt()'s value type itself")
def test_setsockopt_errors_of_315():
    s = _csocket.socket()
    try:
        with pytest.raises(TypeError, match="socket option should be int, bytes-like"):
            s.setsockopt(1, 2, {})
        with pytest.raises(TypeError, match="requires 4 arguments when the third argument"):
            s.setsockopt(1, 2, None)
        with pytest.raises(OverflowError):
            s.setsockopt(1, 2, 2**100)
    finally:
        s.close()


@pytest.mark.parametrize("op", [lambda s: s.send(), lambda s: s.send(b"", 0, 1),
                                lambda s: s.sendall(), lambda s: s.sendall(b"", 0, 1),
                                lambda s: s.sendmsg(), lambda s: s.sendmsg([], [], 0, None, 1),
                                lambda s: s.send("str"), lambda s: s.send(b"", 1.5)])
def test_send_arity_and_types(op):
    same_as_builtin(with_socket(op))


def signatures(obj):
    out = {}
    for name in dir(obj):
        value = getattr(obj, name)
        if callable(value) and not isinstance(value, type) and not name.startswith("__"):
            try:
                out[name] = str(inspect.signature(value))
            except (TypeError, ValueError):
                out[name] = None
    return out


@pytest.mark.parametrize("where", ["module", "socket"])
def test_every_signature_is_the_builtins(where):
    theirs = signatures(_socket if where == "module" else _socket.socket)
    ours = signatures(_csocket if where == "module" else _csocket.socket)
    assert {name: ours.get(name) for name in theirs} == theirs


@pytest.mark.skipif(PY < (3, 14), reason="3.14 renamed the byte-order functions' parameter")
def test_clinic_signatures_from_314():
    assert str(inspect.signature(_csocket.htonl)) == "(integer, /)"
    assert str(inspect.signature(_csocket.if_indextoname)) == "(if_index, /)"
    if PY >= (3, 15):
        assert str(inspect.signature(_csocket.socket.send)) == "(self, data, flags=0, /)"


def test_help_reads_the_signature_first():
    # help() shows the signature where the interpreter has one, then csocket's own words.
    doc = _csocket.htons.__doc__
    assert doc and not doc.startswith("htons($module")  # the text signature is not in __doc__
    assert (_csocket.htons.__text_signature__ is None) == (_socket.htons.__text_signature__ is None)
