"""Address cases for every Linux family, shared by test_families.py and by a cross-version probe.

Each case names a socket (family, type, proto) and an address; `outcome(mod, ...)` runs one call
on a socket of module `mod` and returns what happened as comparable data.  Families this machine
cannot create are reached through a socket object that claims the family over a UDP descriptor
(`socket(family, type, proto, fileno=...)`): the address is converted exactly as for a real socket
of that family, then the kernel refuses it (same errno for both modules when the lengths agree).
"""
import os
import socket as _std

S = _std  # constants only; the modules under test are passed in


class PathLike:
    def __init__(self, p):
        self.p = p

    def __fspath__(self):
        return self.p


BIG = 2 ** 70

# (label, (family, type, proto), [addresses])
CASES = [
    ("netlink", (S.AF_NETLINK, S.SOCK_RAW, 0), [
        (0, 0), (0, 1), (-1, 0), (2 ** 32 + 5, 0), (BIG, 0), (0,), (0, 0, 0), [0, 0], "x", None,
        ("a", 0), (0.5, 0), (None, 0), (True, 0),
    ]),
    ("packet", (S.AF_PACKET, S.SOCK_RAW, 0), [
        ("lo", 0), ("lo", 0x0800), ("lo", 0x0800, 0, 1, b"\x01\x02"), ("lo", 0, 4, 772, b""),
        ("lo", 0, 0, 0, bytearray(b"12345678")), ("lo", 0, 0, 0, b"123456789"), ("lo", 0x10000),
        ("lo", -1), ("lo", 2 ** 31), ("lo", 0, 2 ** 31), ("lo", 0, 0, -2 ** 40), ("nonexist", 0),
        ("", 0), ("x" * 20, 0), ("lo",), ("lo", 0, 0, 0, b"", 1), "lo", ["lo", 0], (b"lo", 0),
        ("lo\0", 0), ("lo", "0"), ("lo", 1.0), ("lo", 0, 0, 0, "ab"), ("lo", 0, 0, 0, memoryview(b"ab")),
        ("nonexist", 0, 0, 0, b"123456789"), ("nonexist", 0x10000), ("lo", 0x10000, 0, 0, b"123456789"),
        ("\udcff", 0), ("é", 0),
    ]),
    ("vsock", (S.AF_VSOCK, S.SOCK_STREAM, 0), [
        (1, 0), (-1, -1), ("a", 1), (1,), (1, 2, 3), "x", [1, 2], (1.0, 2), (BIG, 1),
    ]),
    ("qipcrtr", (S.AF_QIPCRTR, S.SOCK_DGRAM, 0), [
        (1, 2), (1,), [1, 2], (-1, BIG), ("1", 2), "x",
    ]),
    ("can_raw", (S.AF_CAN, S.SOCK_RAW, S.CAN_RAW), [
        ("lo",), ("",), ("nonexist",), ("x" * 15,), ("x" * 16,), (b"lo",), (bytearray(b"lo"),),
        (PathLike("lo"),), (1,), "lo", (), ("lo", 1), ["lo"], ("lo\0",), ("\udcff",), None,
    ]),
    ("can_bcm", (S.AF_CAN, S.SOCK_DGRAM, S.CAN_BCM), [
        ("lo",), ("",), (), "lo",
    ]),
    ("can_isotp", (S.AF_CAN, S.SOCK_DGRAM, S.CAN_ISOTP), [
        ("lo", 1, 2), ("", 1, 2), ("lo", -1, 2), ("lo", BIG, 0), ("lo", 1), ("lo",), "lo", ["lo", 1, 2],
        ("lo", 1.5, 2), ("nonexist", 1, 2), ("x" * 16, 1, 2), ("lo", 1, 2, 3), (b"lo", "1", 2),
    ]),
    ("can_j1939", (S.AF_CAN, S.SOCK_DGRAM, S.CAN_J1939), [
        ("lo", 0, 0, 0), ("", 1, 2, 3), ("lo", BIG, 0, 0), ("lo", 0, BIG, 0), ("lo", 0, 0, 256),
        ("lo", 0, 0, -1), ("lo", 0, 0), "lo", ["lo", 0, 0, 0], ("lo", 0.0, 0, 0), ("x" * 16, 0, 0, 0),
        ("nonexist", 0, 0, 0), ("lo", 0, 0, 0, 0),
    ]),
    ("can_other", (S.AF_CAN, S.SOCK_DGRAM, 5), [
        ("lo",), "lo", (),
    ]),
    ("alg", (S.AF_ALG, S.SOCK_SEQPACKET, 0), [
        ("hash", "sha256"), ("hash", "sha256", 1, 2), ("hash",), ("x" * 13, "n"), ("x" * 14, "n"),
        ("h", "x" * 63), ("h", "x" * 64), ("h\0", "n"), ("h", "n\0"), (b"hash", "sha"), ("hash", b"sha"),
        ("hash", "sha", -1), ("hash", "sha", 2 ** 16 + 3, BIG), ("hash", "sha", 1.0), "hash",
        ["hash", "sha"], ("hash", "sha", 1, 2, 3), ("\udcff", "n"), ("é" * 7, "n"),
    ]),
    ("tipc", (S.AF_TIPC, S.SOCK_RDM, 0), [
        (S.TIPC_ADDR_NAMESEQ, 1, 2, 3), (S.TIPC_ADDR_NAME, 1, 2, 0, S.TIPC_NODE_SCOPE),
        (S.TIPC_ADDR_ID, 1, 2, 3), (99, 1, 2, 3), (1, 2, 3), (1, 2, 3, 4, 5, 6), "x", [1, 2, 3, 4],
        (-1, 1, 2, 3), (S.TIPC_ADDR_NAME, BIG, 2, 3), (S.TIPC_ADDR_NAME, "1", 2, 3),
    ]),
    # AF_BLUETOOTH has its own cases in test_bluetooth.py: csocket has it where the built-in
    # module may not, and the forms differ between CPython versions.
    ("rds", (S.AF_RDS, S.SOCK_SEQPACKET, 0), [
        ("127.0.0.1", 0), ("127.0.0.1",), "x", ("::1", 0), ("127.0.0.1", 70000), ("127.0.0.1", -1),
        [("127.0.0.1", 0)], ("", 1),
    ]),
]

METHODS = ("bind", "connect", "connect_ex", "sendto")


def make_socket(mod, spec, real=True):
    """A socket of module `mod` for (family, type, proto): real when the kernel allows it and
    `real` is true, else over a UDP descriptor."""
    family, type_, proto = spec
    if real:
        try:
            sock = mod.socket(family, type_, proto)
        except OSError:
            pass
        else:
            if family == _std.AF_VSOCK:
                # a vsock connect with no host behind it waits 2 s for the kernel to give up
                sock.settimeout(0.05)
            return sock
    carrier = _std.socket(_std.AF_INET, _std.SOCK_DGRAM)
    try:
        return mod.socket(family, type_, proto, fileno=os.dup(carrier.fileno()))
    finally:
        carrier.close()


def outcome(mod, spec, method, address):
    """What `method` with `address` does on a fresh socket of `mod`: a comparable tuple."""
    # sendto never goes out on a real socket: a netlink datagram to a multicast group would
    # reach every listener on the machine.
    sock = make_socket(mod, spec, real=method != "sendto")
    try:
        if method == "sendto":
            result = sock.sendto(b"x", 0x40, address)  # MSG_DONTWAIT: never block
        else:
            result = getattr(sock, method)(address)
        if method == "bind":
            try:
                return ("ok", result, sock.getsockname())
            except OSError as e:
                return ("ok", result, "getsockname", type(e).__name__, e.errno)
        return ("ok", result)
    except Exception as e:  # the type and text are what is compared
        return (type(e).__name__, str(e))
    finally:
        sock.close()


def all_outcomes(mod):
    out = {}
    for label, spec, addresses in CASES:
        for address in addresses:
            for method in METHODS:
                out[(label, repr(address), method)] = outcome(mod, spec, method, address)
    return out


if __name__ == "__main__":
    # python tests/python/support/family_cases.py [csocket]: print every outcome, one per line, for diffing versions.
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "csocket":
        from csocket import _csocket as mod
    else:
        import _socket as mod
    for key, value in sorted(all_outcomes(mod).items()):
        print(key, value)
