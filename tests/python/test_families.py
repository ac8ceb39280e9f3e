"""Address families beyond IP and AF_UNIX: every call runs on the built-in module and on csocket,
and both must give the same result or the same exception (type and message).

Real sockets where this machine can make them (AF_PACKET as root, AF_NETLINK, AF_VSOCK with
/dev/vsock); the other families (CAN, ALG, TIPC, RDS, QIPCRTR) are reached through a socket object
claiming the family over a UDP descriptor, which runs the same address conversion (see
family_cases.py).  The core's reading of kernel-returned addresses has C tests (tests/c).
"""
import os
import shutil
import struct
import subprocess

import _socket as builtin
import pytest

from csocket import _csocket

from support import family_cases

MODULES = [pytest.param(builtin, id="builtin"), pytest.param(_csocket, id="csocket")]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def creatable(family, type_, proto=0):
    try:
        builtin.socket(family, type_, proto).close()
        return True
    except OSError:
        return False


HAVE_PACKET = creatable(builtin.AF_PACKET, builtin.SOCK_DGRAM)
HAVE_NETLINK = creatable(builtin.AF_NETLINK, builtin.SOCK_RAW)
HAVE_VSOCK = os.path.exists("/dev/vsock") and creatable(builtin.AF_VSOCK, builtin.SOCK_STREAM)

# Values the kernel picks afresh for each socket: compared by type only.
VOLATILE = {"netlink": 0, "vsock": 1, "rds": 1}


def normalized(label, result):
    if result[0] == "ok" and len(result) == 3 and label in VOLATILE:
        name = list(result[2])
        name[VOLATILE[label]] = type(name[VOLATILE[label]]).__name__
        return result[:2] + (tuple(name),)
    return result


def case_ids():
    for label, spec, addresses in family_cases.CASES:
        for i, address in enumerate(addresses):
            for method in family_cases.METHODS:
                yield pytest.param(label, spec, address, method, id=f"{label}-{i}-{method}")


@pytest.mark.parametrize("label,spec,address,method", list(case_ids()))
def test_address_parity(label, spec, address, method):
    """bind/connect/connect_ex/sendto with each address: same outcome on both modules."""
    expected = family_cases.outcome(builtin, spec, method, address)
    got = family_cases.outcome(_csocket, spec, method, address)
    assert normalized(label, got) == normalized(label, expected)


def test_cases_exercise_both_outcomes():
    """The case table reaches the kernel for some addresses and stops in parsing for others."""
    kinds = {family_cases.outcome(builtin, spec, "bind", a)[0]
             for _, spec, addresses in family_cases.CASES for a in addresses}
    assert {"ok", "OSError", "TypeError", "ValueError", "OverflowError"} <= kinds


# ---- AF_PACKET ---------------------------------------------------------------------------------

ETH_P_EXPERIMENTAL = 0x88B5  # IEEE 802 local experimental ethertype: no one else listens


@pytest.mark.skipif(not HAVE_PACKET, reason="AF_PACKET needs CAP_NET_RAW")
@pytest.mark.parametrize("mod", MODULES)
def test_packet_bind_getsockname(mod):
    with_lo = builtin.if_nametoindex("lo")
    assert with_lo > 0
    s = mod.socket(mod.AF_PACKET, mod.SOCK_RAW, 0)
    try:
        s.bind(("lo", ETH_P_EXPERIMENTAL))
        name = s.getsockname()
    finally:
        s.close()
    # ARPHRD_LOOPBACK = 772; loopback's hardware address is 6 zero bytes.
    assert name == ("lo", ETH_P_EXPERIMENTAL, 0, 772, b"\0" * 6)


def packet_exchange(mod, into=False):
    """Send one frame over lo from one packet socket to another; return what recvfrom gave."""
    proto = builtin.htons(ETH_P_EXPERIMENTAL)
    rx = mod.socket(mod.AF_PACKET, mod.SOCK_DGRAM, proto)
    tx = mod.socket(mod.AF_PACKET, mod.SOCK_DGRAM, proto)
    try:
        rx.settimeout(5)
        rx.bind(("lo", ETH_P_EXPERIMENTAL))
        tx.sendto(b"csocket-packet", ("lo", ETH_P_EXPERIMENTAL, 0, 0, b"\0" * 6))
        if into:
            buf = bytearray(64)
            n, addr = rx.recvfrom_into(buf)
            return bytes(buf[:n]), addr
        return rx.recvfrom(64)
    finally:
        rx.close()
        tx.close()


@pytest.mark.skipif(not HAVE_PACKET, reason="AF_PACKET needs CAP_NET_RAW")
@pytest.mark.parametrize("into", [False, True], ids=["recvfrom", "recvfrom_into"])
def test_packet_recvfrom_address(into):
    expected = packet_exchange(builtin, into)
    got = packet_exchange(_csocket, into)
    assert got == expected
    data, addr = got
    assert data == b"csocket-packet"
    assert addr[0] == "lo" and addr[1] == ETH_P_EXPERIMENTAL and addr[3] == 772


@pytest.mark.skipif(not HAVE_PACKET, reason="AF_PACKET needs CAP_NET_RAW")
@pytest.mark.parametrize("mod", MODULES)
def test_packet_unbound_name(mod):
    s = mod.socket(mod.AF_PACKET, mod.SOCK_DGRAM, 0)
    try:
        name = s.getsockname()
    finally:
        s.close()
    # No interface yet: an empty name, as the built-in module gives.
    assert name[0] == "" and name[1] == 0 and isinstance(name[4], bytes)


# ---- AF_NETLINK -------------------------------------------------------------------------------

RTM_GETLINK = 18
NLM_F_REQUEST_DUMP = 0x1 | 0x300


def netlink_exchange(mod):
    s = mod.socket(mod.AF_NETLINK, mod.SOCK_RAW, 0)  # NETLINK_ROUTE
    try:
        s.settimeout(5)
        s.bind((0, 0))
        local = s.getsockname()
        request = struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST_DUMP, 1, 0) + bytes(16)
        s.sendto(request, (0, 0))  # to the kernel
        data, peer = s.recvfrom(65536)
        return local, peer, struct.unpack_from("=IH", data)[1]
    finally:
        s.close()


@pytest.mark.skipif(not HAVE_NETLINK, reason="no AF_NETLINK")
def test_netlink_addresses():
    b_local, b_peer, b_type = netlink_exchange(builtin)
    c_local, c_peer, c_type = netlink_exchange(_csocket)
    assert c_peer == b_peer == (0, 0)  # the kernel's own address
    assert c_type == b_type == 16  # RTM_NEWLINK: the dump answered
    assert len(c_local) == 2 and c_local[1] == 0 and c_local[0] != 0
    assert all(isinstance(v, int) for v in c_local)


@pytest.mark.skipif(not HAVE_NETLINK, reason="no AF_NETLINK")
@pytest.mark.parametrize("mod", MODULES)
def test_netlink_explicit_pid(mod):
    s = mod.socket(mod.AF_NETLINK, mod.SOCK_RAW, 0)
    try:
        pid = 0x7FFF0000 | (os.getpid() & 0xFFFF)
        s.bind((pid, 0))
        assert s.getsockname() == (pid, 0)
    finally:
        s.close()


# ---- AF_VSOCK ---------------------------------------------------------------------------------

@pytest.mark.skipif(not HAVE_VSOCK, reason="no /dev/vsock")
@pytest.mark.parametrize("mod", MODULES)
def test_vsock_bind_any(mod):
    s = mod.socket(mod.AF_VSOCK, mod.SOCK_STREAM)
    try:
        s.bind((mod.VMADDR_CID_ANY, mod.VMADDR_PORT_ANY))
        cid, port = s.getsockname()
    finally:
        s.close()
    assert cid == mod.VMADDR_CID_ANY and port != mod.VMADDR_PORT_ANY


@pytest.mark.skipif(not HAVE_VSOCK, reason="no /dev/vsock")
@pytest.mark.parametrize("mod", MODULES)
def test_vsock_buffer_sizes(mod):
    """SO_VM_SOCKETS_BUFFER_* are 64-bit values (test_socket.BasicVSOCKTest.testSocketBufferSize)."""
    s = mod.socket(mod.AF_VSOCK, mod.SOCK_STREAM)
    try:
        opts = [mod.SO_VM_SOCKETS_BUFFER_MAX_SIZE, mod.SO_VM_SOCKETS_BUFFER_SIZE,
                mod.SO_VM_SOCKETS_BUFFER_MIN_SIZE]
        orig = [s.getsockopt(mod.AF_VSOCK, o) for o in opts]
        assert orig[2] <= orig[1] <= orig[0]
        for o, v in zip(opts, orig):
            s.setsockopt(mod.AF_VSOCK, o, v * 2)
        assert [s.getsockopt(mod.AF_VSOCK, o) for o in opts] == [v * 2 for v in orig]
        # A value above 32 bits survives the round trip.
        s.setsockopt(mod.AF_VSOCK, mod.SO_VM_SOCKETS_BUFFER_MAX_SIZE, 2 ** 33)
        assert s.getsockopt(mod.AF_VSOCK, mod.SO_VM_SOCKETS_BUFFER_MAX_SIZE) == 2 ** 33
    finally:
        s.close()


class Index:
    def __index__(self):
        return 4096


VSOCK_OPTION_CALLS = [
    ("set", (40, 0, 2 ** 64 + 5)), ("set", (40, 0, -1)), ("set", (40, 0, b"12345678")),
    ("set", (40, 0, None, 8)), ("set", (40, 0, 1.5)), ("set", (40, 0)), ("set", ("x", 0, 1)),
    ("set", (1, 2, 1)), ("set", (40, 0, True)), ("set", (40, 0, Index())), ("set", (40, 99, 1)),
    ("get", (1, 2)), ("get", (1, 3)), ("get", (1, 8, 8)), ("get", (40, 0, 8)), ("get", (40, 0, -1)),
    ("get", (40, 99)), ("get", (40,)), ("get", (40, 0, 0)),
]


def vsock_option_outcomes(mod):
    out = []
    for kind, args in VSOCK_OPTION_CALLS:
        s = mod.socket(mod.AF_VSOCK, mod.SOCK_STREAM)
        try:
            f = s.setsockopt if kind == "set" else s.getsockopt
            out.append(("ok", f(*args)))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
        finally:
            s.close()
    return out


@pytest.mark.skipif(not HAVE_VSOCK, reason="no /dev/vsock")
def test_vsock_option_forms_parity():
    """Every option of a VSOCK socket is an unsigned 64-bit int: no buffer forms, same errors."""
    expected = vsock_option_outcomes(builtin)
    assert vsock_option_outcomes(_csocket) == expected
    assert ("OSError", "getsockopt string buffer not allowed") in expected


# ---- families this machine cannot create ---------------------------------------------------------

@pytest.mark.parametrize("mod", MODULES)
def test_can_protocol_picks_tuple_shape(mod):
    """CAN raw wants (ifname,), ISO-TP (ifname, rx, tx), J1939 (ifname, name, pgn, addr)."""
    shapes = {mod.CAN_RAW: ("lo",), mod.CAN_ISOTP: ("lo", 1, 2), mod.CAN_J1939: ("lo", 1, 2, 3)}
    for proto, good in shapes.items():
        for other_proto, other in shapes.items():
            spec = (mod.AF_CAN, mod.SOCK_RAW if proto == mod.CAN_RAW else mod.SOCK_DGRAM, proto)
            res = family_cases.outcome(mod, spec, "bind", other)
            if other_proto == proto:
                # Parsed; the UDP descriptor under it then refuses a CAN address.
                assert res == ("OSError", "[Errno 97] Address family not supported by protocol")
            else:
                assert res[0] in ("TypeError", "SystemError")


@pytest.mark.parametrize("mod", MODULES)
def test_unknown_family_keeps_bad_family(mod):
    s = family_cases.make_socket(mod, (45, mod.SOCK_DGRAM, 0))  # no such family
    try:
        with pytest.raises(OSError, match=r"^bind\(\): bad family$"):
            s.bind(("x", 1))
        with pytest.raises(OSError, match=r"^sendto\(\): bad family$"):
            s.sendto(b"x", ("x", 1))
    finally:
        s.close()


# ---- the core's reading of returned addresses (C) -----------------------------------------------

@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_core_addr_linux_c(tmp_path):
    exe = tmp_path / "test_addr_linux"
    subprocess.run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
                    "-I" + os.path.join(ROOT, "src", "core"),
                    os.path.join(ROOT, "tests", "c", "test_addr_linux.c"),
                    os.path.join(ROOT, "src", "core", "addr_linux.c"),
                    os.path.join(ROOT, "src", "core", "io.c"), "-lcmocka", "-o", str(exe)],
                   check=True, capture_output=True)
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout + proc.stderr
