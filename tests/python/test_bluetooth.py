"""AF_BLUETOOTH: csocket has it on every Linux build (src/core/bt_linux.h), whether or not the
interpreter's built-in module was built with it.

This machine has no Bluetooth stack, so socket(AF_BLUETOOTH, ...) fails in the kernel for both
modules; addresses are reached through a socket object claiming the family over a UDP descriptor
(family_cases.make_socket), which converts them exactly as a real Bluetooth socket would and then
hands them to a kernel that refuses them.  Where the built-in module has AF_BLUETOOTH (Debian's
python3, CPython 3.14 and 3.15 from Debian unstable) every outcome is compared with it; everywhere,
csocket is held to the table below, and so is the built-in module wherever it can be.  The core's
encoding and reading of the structures have C tests (tests/c/test_addr_linux.c) and a fuzz target.
"""
import errno
import os
import sys
import warnings

import _socket as builtin
import pytest

from csocket import _csocket

from support import family_cases

AF_BLUETOOTH = 31
BUILTIN_HAS_BT = hasattr(builtin, "AF_BLUETOOTH")
FORMS_3_14 = sys.version_info >= (3, 14)
needs_builtin_bt = pytest.mark.skipif(not BUILTIN_HAS_BT,
                                      reason="this interpreter's _socket has no AF_BLUETOOTH")

# ---- names and values ------------------------------------------------------------------------

# Every Bluetooth name of CPython 3.15's _socket on Linux with its value (the kernel's ABI).
REFERENCE = {
    "AF_BLUETOOTH": 31, "BDADDR_ANY": "00:00:00:00:00:00", "BDADDR_BREDR": 0,
    "BDADDR_LE_PUBLIC": 1, "BDADDR_LE_RANDOM": 2, "BDADDR_LOCAL": "00:00:00:FF:FF:FF",
    "BTPROTO_HCI": 1, "BTPROTO_L2CAP": 0, "BTPROTO_RFCOMM": 3, "BTPROTO_SCO": 2,
    "BT_CHANNEL_POLICY": 10, "BT_CHANNEL_POLICY_BREDR_ONLY": 0,
    "BT_CHANNEL_POLICY_BREDR_PREFERRED": 1, "BT_CODEC": 19, "BT_DEFER_SETUP": 7,
    "BT_FLUSHABLE": 8, "BT_FLUSHABLE_OFF": 0, "BT_FLUSHABLE_ON": 1, "BT_ISO_QOS": 17,
    "BT_MODE": 15, "BT_MODE_BASIC": 0, "BT_MODE_ERTM": 1, "BT_MODE_EXT_FLOWCTL": 4,
    "BT_MODE_LE_FLOWCTL": 3, "BT_MODE_STREAMING": 2, "BT_PHY": 14, "BT_PHY_BR_1M_1SLOT": 1,
    "BT_PHY_BR_1M_3SLOT": 2, "BT_PHY_BR_1M_5SLOT": 4, "BT_PHY_EDR_2M_1SLOT": 8,
    "BT_PHY_EDR_2M_3SLOT": 16, "BT_PHY_EDR_2M_5SLOT": 32, "BT_PHY_EDR_3M_1SLOT": 64,
    "BT_PHY_EDR_3M_3SLOT": 128, "BT_PHY_EDR_3M_5SLOT": 256, "BT_PHY_LE_1M_RX": 1024,
    "BT_PHY_LE_1M_TX": 512, "BT_PHY_LE_2M_RX": 4096, "BT_PHY_LE_2M_TX": 2048,
    "BT_PHY_LE_CODED_RX": 16384, "BT_PHY_LE_CODED_TX": 8192, "BT_PKT_STATUS": 16, "BT_POWER": 9,
    "BT_POWER_FORCE_ACTIVE_OFF": 0, "BT_POWER_FORCE_ACTIVE_ON": 1, "BT_RCVMTU": 13,
    "BT_SECURITY": 4, "BT_SECURITY_FIPS": 4, "BT_SECURITY_HIGH": 3, "BT_SECURITY_LOW": 1,
    "BT_SECURITY_MEDIUM": 2, "BT_SECURITY_SDP": 0, "BT_SNDMTU": 12, "BT_VOICE": 11,
    "BT_VOICE_CVSD_16BIT": 96, "BT_VOICE_TRANSPARENT": 3, "BT_VOICE_TRANSPARENT_16BIT": 99,
    "HCI_CHANNEL_CONTROL": 3, "HCI_CHANNEL_LOGGING": 4, "HCI_CHANNEL_MONITOR": 2,
    "HCI_CHANNEL_RAW": 0, "HCI_CHANNEL_USER": 1, "HCI_DATA_DIR": 1, "HCI_DEV_NONE": 65535,
    "HCI_FILTER": 2, "HCI_TIME_STAMP": 3, "L2CAP_LM": 3, "L2CAP_LM_AUTH": 2,
    "L2CAP_LM_ENCRYPT": 4, "L2CAP_LM_MASTER": 1, "L2CAP_LM_RELIABLE": 16, "L2CAP_LM_SECURE": 32,
    "L2CAP_LM_TRUSTED": 8, "SOL_BLUETOOTH": 274, "SOL_HCI": 0, "SOL_L2CAP": 6, "SOL_RFCOMM": 18,
    "SOL_SCO": 17,
}
# The names every version has (Debian 12's 3.11.2 has exactly these); the rest came with 3.14.
BEFORE_3_14 = {"AF_BLUETOOTH", "BDADDR_ANY", "BDADDR_LOCAL", "BTPROTO_HCI", "BTPROTO_L2CAP",
               "BTPROTO_RFCOMM", "BTPROTO_SCO", "HCI_DATA_DIR", "HCI_FILTER", "HCI_TIME_STAMP",
               "SOL_HCI"}


def bluetooth_names(mod):
    """The module's names that belong to Bluetooth (the families of names of REFERENCE)."""
    prefixes = ("BT_", "BTPROTO_", "BDADDR_", "HCI_", "L2CAP_")
    return {n for n in dir(mod)
            if n.startswith(prefixes) or n == "AF_BLUETOOTH"
            or n in ("SOL_BLUETOOTH", "SOL_HCI", "SOL_L2CAP", "SOL_RFCOMM", "SOL_SCO")}


def test_reference_is_whole():
    assert len(REFERENCE) == 78 and BEFORE_3_14 <= set(REFERENCE)


def test_names_and_values_are_the_references():
    """csocket has this version's names, with the kernel's values, and none from a later one."""
    expected = set(REFERENCE) if FORMS_3_14 else BEFORE_3_14
    assert bluetooth_names(_csocket) == expected
    for name in expected:
        value = getattr(_csocket, name)
        assert (type(value), value) == (type(REFERENCE[name]), REFERENCE[name]), name


@needs_builtin_bt
def test_names_and_values_equal_builtin():
    names = bluetooth_names(builtin)
    assert bluetooth_names(_csocket) == names
    assert {n: getattr(_csocket, n) for n in names} == {n: getattr(builtin, n) for n in names}


@needs_builtin_bt
def test_builtin_has_the_reference_names():
    """The reference table itself, checked against the built-in module of this version."""
    expected = set(REFERENCE) if FORMS_3_14 else BEFORE_3_14
    assert bluetooth_names(builtin) == expected
    assert all(getattr(builtin, n) == REFERENCE[n] for n in expected)


def test_socket_view_exports_them():
    """Lib/socket.py over csocket: AF_BLUETOOTH joins AddressFamily, the constants the module."""
    import csocket.socket as view
    assert view.AF_BLUETOOTH is view.AddressFamily.AF_BLUETOOTH
    assert view.BTPROTO_RFCOMM == 3 and view.BDADDR_ANY == "00:00:00:00:00:00"


# ---- socket(): the kernel decides, alike ---------------------------------------------------------

PROTOCOLS = [("rfcomm", 1, 3), ("l2cap", 5, 0), ("hci", 3, 1), ("sco", 5, 2)]  # name, type, proto


def creation_outcome(mod, type_, proto):
    try:
        mod.socket(AF_BLUETOOTH, type_, proto).close()
        return ("ok",)
    except OSError as e:
        return ("OSError", e.errno, str(e))


@pytest.mark.parametrize("name,type_,proto", PROTOCOLS, ids=[p[0] for p in PROTOCOLS])
def test_socket_creation_alike(name, type_, proto):
    """The built-in module creates by number even without the name, so both always compare."""
    got = creation_outcome(_csocket, type_, proto)
    assert got == creation_outcome(builtin, type_, proto)
    if got[0] == "OSError":  # no Bluetooth in this kernel: the family is not supported
        assert got[1] in (errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT, errno.ESOCKTNOSUPPORT)


# ---- addresses: every shape, both ways the versions differ ----------------------------------------

A = "01:02:03:04:05:06"
B = A.encode()
BIG = 2 ** 70

# (protocol, address, outcome before 3.14, outcome from 3.14 on), measured with the built-in
# modules of Debian's 3.11.2 and of 3.14.10 and 3.15.2 (3.15 keeps 3.14's forms):
#   k  converted, then refused by the kernel under the UDP descriptor (an OSError with an errno)
#   w  OSError "<method>(): wrong format"        b  OSError "bad bluetooth address"
#   u  OSError "<method>(): unknown Bluetooth protocol"
#   an exception's name: that exception, raised while converting (its message compared where
#   the built-in module is there to compare with)
ADDRESSES = [
    # RFCOMM: (bdaddr, channel); the channel is a C int before 3.14, an unchecked byte since.
    (3, (A, 1), "k", "k"), (3, (A, 0), "k", "k"), (3, (A, 255), "k", "k"),
    (3, (A, 300), "k", "k"), (3, (A, -1), "k", "k"), (3, (A, True), "k", "k"),
    (3, (A, 2 ** 40), "w", "k"), (3, (A, BIG), "w", "k"),
    (3, (A,), "w", "w"), (3, (A, 1, 0), "w", "w"), (3, (), "w", "w"), (3, A, "w", "w"),
    (3, B, "w", "w"), (3, (B, 1), "w", "w"), (3, (A, "1"), "w", "w"), (3, (A, 1.0), "w", "w"),
    (3, [A, 1], "w", "w"), (3, None, "w", "w"), (3, (1, A), "w", "w"),
    (3, (A + "\0", 1), "w", "w"), (3, ("\ud812", 1), "w", "w"),
    (3, ("01:02:03", 1), "b", "b"), (3, ("zz:02:03:04:05:06", 1), "b", "b"),
    (3, ("01:02:03:04:05:06:07", 1), "b", "b"), (3, ("invalid", 1), "b", "b"),
    (3, ("1:2:3:4:5:100", 1), "b", "b"), (3, ("", 1), "b", "b"),
    (3, (" 1:2:3:4:5:6", 1), "k", "k"), (3, ("0x1:2:3:4:5:6", 1), "k", "k"),
    # L2CAP: (bdaddr, psm) before 3.14; (bdaddr, psm[, cid[, bdaddr_type]]) since.
    (0, (A, 0x1001), "k", "k"), (0, (A, 0), "k", "k"), (0, (A, 70000), "k", "k"),
    (0, (A, -1), "k", "k"), (0, (A, 2 ** 40), "w", "k"), (0, (A, BIG), "w", "k"),
    (0, (A, 1, 4), "w", "k"), (0, (A, 1, 4, 1), "w", "k"), (0, (A, 1, 0, 2), "w", "k"),
    (0, (A, 1, 70000, 300), "w", "k"), (0, (A, 1, -1), "w", "k"), (0, (A, 1, 2, -1), "w", "k"),
    (0, (A, 1, 2, 3, 4), "w", "w"), (0, (A,), "w", "w"), (0, A, "w", "w"), (0, (B, 1), "w", "w"),
    (0, ("\ud812", 1), "w", "w"), (0, (A, 1, "x"), "w", "w"), (0, (A, "1"), "w", "w"),
    (0, [A, 1], "w", "w"),
    (0, ("01:02:03", 1), "b", "b"), (0, ("zz:02:03:04:05:06", 1), "b", "b"),
    (0, ("01:02:03:04:05:06:07", 1), "b", "b"),
    # HCI: (dev,) before 3.14; dev or (dev[, channel]) since, 16-bit and unchecked.
    (1, (0,), "k", "k"), (1, (70000,), "k", "k"), (1, (-1,), "k", "k"),
    (1, 0, "w", "k"), (1, 5, "w", "k"), (1, -1, "w", "k"), (1, True, "w", "k"), (1, BIG, "w", "k"),
    (1, (0, 1), "w", "k"), (1, (0, 3), "w", "k"), (1, (0, -1), "w", "k"), (1, (0, 70000), "w", "k"),
    (1, (0, BIG), "w", "k"), (1, (2 ** 40,), "w", "k"), (1, (BIG,), "w", "k"),
    (1, (1, 2, 3), "w", "w"), (1, (), "w", "w"), (1, ("a",), "w", "w"), (1, A, "w", "w"),
    (1, B, "w", "w"), (1, 1.5, "w", "w"), (1, ("0",), "w", "w"), (1, [0], "w", "w"),
    # SCO: bytes before 3.14; bytes or str since, refusing NULs and lone surrogates.
    (2, B, "k", "k"), (2, A, "w", "k"), (2, b" 1:2:3:4:5:6", "k", "k"),
    (2, B + b"\0zz", "k", "ValueError"), (2, A + "\0", "w", "ValueError"),
    (2, "\ud812", "w", "UnicodeEncodeError"), (2, "invalid", "w", "b"),
    (2, (B,), "w", "w"), (2, (A,), "w", "w"), (2, bytearray(B), "w", "w"), (2, None, "w", "w"),
    (2, 1, "w", "w"),
    (2, b"bad", "b", "b"), (2, B + b"x", "b", "b"), (2, b"invalid", "b", "b"),
    (2, b"01:02:03", "b", "b"),
    # A protocol without addresses (AVDTP's number).
    (7, (A, 1), "u", "u"), (7, "x", "u", "u"),
]
TYPES = {3: 1, 0: 5, 1: 3, 2: 5, 7: 1}  # SOCK_STREAM, SOCK_SEQPACKET, SOCK_RAW


def outcome(mod, proto, method, address):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.15: out-of-range unchecked ints
        return family_cases.outcome(mod, (AF_BLUETOOTH, TYPES[proto], proto), method, address)


def matches(result, code, method):
    if code == "k":
        return (result[0] == "ok" and method == "connect_ex" and result[1] > 0) or (
            result[0] == "OSError" and result[1].startswith("[Errno "))
    want = {"w": f"{method}(): wrong format", "b": "bad bluetooth address",
            "u": f"{method}(): unknown Bluetooth protocol"}.get(code)
    if want is not None:
        return result == ("OSError", want)
    return result[0] == code


def address_ids():
    for i, (proto, address, before, since) in enumerate(ADDRESSES):
        for method in family_cases.METHODS:
            code = since if FORMS_3_14 else before
            yield pytest.param(proto, address, method, code, id=f"{proto}-{i}-{method}")


@pytest.mark.parametrize("proto,address,method,code", list(address_ids()))
def test_address_as_this_version_takes_it(proto, address, method, code):
    """csocket converts each address as this version's built-in module does (the table)."""
    got = outcome(_csocket, proto, method, address)
    assert matches(got, code, method), got


@needs_builtin_bt
@pytest.mark.parametrize("proto,address,method,code", list(address_ids()))
def test_address_parity(proto, address, method, code):
    """Exactly the built-in module's outcome: type, message, errno; and the table holds for it."""
    expected = outcome(builtin, proto, method, address)
    assert matches(expected, code, method), expected
    assert outcome(_csocket, proto, method, address) == expected


# ---- the bytes handed to the kernel -------------------------------------------------------------

STRACE_SCRIPT = r"""
import os, sys, warnings
warnings.simplefilter("ignore")
if sys.argv[1] == "csocket":
    from csocket import _csocket as mod
else:
    import _socket as mod
carrier = mod.socket(mod.AF_INET, mod.SOCK_DGRAM)
for proto, address in {cases!r}:
    s = mod.socket(31, 1, proto, fileno=os.dup(carrier.fileno()))
    try:
        s.bind(address)
    except OSError:
        pass
    s.close()
"""


@needs_builtin_bt
@pytest.mark.skipif(not os.path.exists("/usr/bin/strace"), reason="needs strace")
def test_kernel_sees_the_same_bytes(tmp_path):
    """Under strace, every address that converts reaches bind() with the built-in's bytes."""
    import subprocess
    cases = [(p, a) for p, a, before, since in ADDRESSES if (since if FORMS_3_14 else before) == "k"]
    script = tmp_path / "binds.py"
    script.write_text(STRACE_SCRIPT.format(cases=cases))

    def binds(which):
        trace = tmp_path / f"{which}.trace"
        subprocess.run(["/usr/bin/strace", "-qq", "-e", "trace=bind", "-e", "signal=none",
                        "-s", "64", "-o", str(trace), sys.executable, str(script), which],
                       check=True, timeout=60)
        return [line for line in trace.read_text().splitlines() if "AF_BLUETOOTH" in line]

    expected = binds("builtin")
    assert len(expected) == len(cases)
    assert binds("csocket") == expected


# ---- options: the generic forms, on Bluetooth's levels -------------------------------------------

OPTIONS = [
    ("set", 274, 4, b"\x02\x00"), ("set", 274, 4, 2), ("set", 274, 7, 1), ("set", 6, 3, 0x22),
    ("set", 18, 3, 1), ("set", 0, 2, b"\x00" * 16), ("set", 274, 4, None, 2),
    ("get", 274, 4), ("get", 274, 4, 2), ("get", 274, 13, 2), ("get", 0, 1), ("get", 17, 1, 0),
    ("get", 274, 4, -1), ("get", 274, 4, 1025),
]


def option_outcome(mod, op):
    carrier = builtin.socket(builtin.AF_INET, builtin.SOCK_DGRAM)
    s = mod.socket(AF_BLUETOOTH, 1, 3, fileno=os.dup(carrier.fileno()))
    carrier.close()
    try:
        if op[0] == "set":
            return ("ok", s.setsockopt(*op[1:]))
        return ("ok", s.getsockopt(*op[1:]))
    except Exception as e:
        return (type(e).__name__, str(e))
    finally:
        s.close()


@pytest.mark.parametrize("op", OPTIONS, ids=[repr(o) for o in OPTIONS])
def test_option_forms_alike(op):
    """set/getsockopt on SOL_BLUETOOTH, SOL_L2CAP, SOL_RFCOMM, SOL_HCI, SOL_SCO: option forms are
    the same for every family, so the built-in module compares by number even without Bluetooth."""
    assert option_outcome(_csocket, op) == option_outcome(builtin, op)


# ---- results -----------------------------------------------------------------------------------

@pytest.mark.parametrize("mod", [pytest.param(builtin, id="builtin", marks=needs_builtin_bt),
                                 pytest.param(_csocket, id="csocket")])
def test_results_come_from_the_kernels_family(mod):
    """getsockname/recvfrom build the address of the family the kernel reports, not the one the
    socket object claims: under a UDP descriptor they are IPv4 addresses for both modules."""
    carrier = builtin.socket(builtin.AF_INET, builtin.SOCK_DGRAM)
    peer = builtin.socket(builtin.AF_INET, builtin.SOCK_DGRAM)
    s = None
    try:
        carrier.bind(("127.0.0.1", 0))
        peer.bind(("127.0.0.1", 0))
        s = mod.socket(AF_BLUETOOTH, 2, 3, fileno=os.dup(carrier.fileno()))
        assert s.getsockname() == carrier.getsockname()
        peer.sendto(b"hi", carrier.getsockname())
        assert s.recvfrom(10) == (b"hi", peer.getsockname())
    finally:
        for sock in (s, carrier, peer):
            if sock is not None:
                sock.close()
