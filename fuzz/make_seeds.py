"""Write the seed corpora of the libFuzzer targets into fuzz/corpus/<target>/ (checked in).

Each seed is a typical input laid out as its target reads it (see the comment at the top of
fuzz_<target>.c): real kernel-shaped addresses and control buffers, and text addresses in every
form the parsers accept.  Run again after changing an input layout:  python3 fuzz/make_seeds.py
"""
import hashlib
import os
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def u16(v):  # take(in, 2): big-endian, as fuzz.h reads fields
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def u8(v):
    return bytes([v & 0xFF])


def unix_path():
    fam = struct.pack("=H", socket.AF_UNIX)
    yield u8(0) + u16(2) + fam                                    # unnamed (socketpair end)
    yield u8(0) + u16(2 + 8) + fam + b"/tmp/s\0\0"                 # path with its NUL
    yield u8(0) + u16(2 + 4) + fam + b"\0abc"                      # abstract
    yield u8(0) + u16(2 + 108) + fam + b"p" * 108                  # full sun_path, no NUL
    yield u8(0) + u16(300) + fam + b"q" * 120                      # reported longer than written
    yield u8(1) + u8(6) + b"/tmp/s"                                # build a path
    yield u8(1) + u8(4) + b"\0xyz"                                 # build an abstract name
    yield u8(1) + u8(0)                                            # autobind
    yield u8(1) + u8(108) + b"a" * 108                             # one too long for a path


def addr_linux():
    ll = struct.pack("=HHiHBB8s", socket.AF_PACKET, socket.htons(3), 1, 772, 0, 6,
                     b"\x00\x11\x22\x33\x44\x55\x00\x00")
    yield u8(0) + u8(10) + u16(len(ll)) + ll                       # copy into a 20-byte struct
    yield u8(0) + u8(0) + u16(4) + ll[:4]
    yield u8(1) + u16(len(ll)) + ll                                # AF_PACKET, Ethernet
    yield u8(1) + u16(12) + ll[:12]                                # cut before the address
    ib = ll[:11] + u8(20) + bytes(range(20))
    yield u8(1) + u16(len(ib)) + ib                                # InfiniBand: 20-byte address
    for addrtype, a, b, c in ((1, 1000, 1, 10), (2, 1000, 7, 0), (3, 0x1001001, 5, 0)):
        tipc = struct.pack("=HBbIII", 30, addrtype, 2, a, b, c) + bytes(4)
        yield u8(2) + u16(len(tipc)) + tipc
    alg = struct.pack("=H14sII64s", 38, b"skcipher", 0, 0, b"cbc(aes)")
    yield u8(3) + u16(len(alg)) + alg                              # AF_ALG names
    full = struct.pack("=H14sII64s", 38, b"t" * 14, 0, 0, b"n" * 64)
    yield u8(3) + u16(len(full)) + full                            # no terminators
    yield u8(3) + u16(10) + alg[:10]
    yield u8(4) + b"01:23:45:67:89:AB\0"                           # Bluetooth address text
    dev = bytes([6, 5, 4, 3, 2, 1])
    bt = {3: struct.pack("=H6sBx", 31, dev, 5),                    # RFCOMM, L2CAP, HCI, SCO
          0: struct.pack("<H H 6s H Bx", 31, 0x1001, dev, 4, 1),
          1: struct.pack("=HHH", 31, 0xFFFF, 3),
          2: struct.pack("=H6s", 31, dev)}
    for proto, raw in bt.items():
        yield u8(5) + u8(proto) + u16(len(raw)) + raw               # returned Bluetooth address
        yield u8(5) + u8(proto) + u16(len(raw) // 2) + raw[:len(raw) // 2]
        yield u8(6) + u8(proto) + dev + struct.pack(">5I", 0x12C, 0x11170, 2, 0x10001, 1)


def cmsg_item(level, type_, data, claimed=None):
    hdr = struct.pack("=QII", 16 + len(data) if claimed is None else claimed, level, type_)
    pad = (-len(data)) % 8
    return hdr + data + bytes(pad)


def cmsg():
    fds = struct.pack("=ii", 5, 6)
    creds = struct.pack("=iII", 1234, 0, 0)
    yield u8(0) + cmsg_item(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)
    yield u8(0) + cmsg_item(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds) + \
        cmsg_item(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)
    yield u8(0) + cmsg_item(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds, claimed=40)[:28]  # cut
    yield u8(0) + cmsg_item(socket.IPPROTO_IP, socket.IP_TTL, struct.pack("=i", 64))
    yield u8(0) + cmsg_item(socket.SOL_UDP, 104, struct.pack("=i", 1200))  # UDP_GRO's size
    yield u8(0) + cmsg_item(socket.IPPROTO_IP, socket.IP_TTL, struct.pack("=i", 64)) + \
        cmsg_item(socket.SOL_UDP, 104, struct.pack("=H", 7))                   # too short
    yield u8(0) + struct.pack("=QII", 3, 1, 1)                     # length below the header
    yield u8(0) + bytes(15)                                        # header cut off
    # build: cap, n, then per item level, type, len, data, NULL-data flag
    item = u32(socket.SOL_SOCKET) + u32(socket.SCM_RIGHTS) + u16(8) + fds + u8(1)
    yield u8(1) + u16(64) + u8(2) + item + item
    yield u8(1) + u16(20) + u8(1) + item                           # does not fit
    yield u8(1) + u16(0) + u8(0)
    # sizes: datalen, near-limit flag, ivlen, has_iv, assoclen, iv bytes..., op
    yield u8(2) + struct.pack(">Q", 16) + u8(0) + u16(16) + u8(1) + u32(0) + bytes(16) + u32(1)
    yield u8(2) + struct.pack(">Q", 2**31) + u8(1) + u8(5) + u16(0) + u8(0) + u32(2**32 - 1)
    yield u8(2) + struct.pack(">Q", 2**64 - 1) + u8(0)


def inet():
    texts = [b"127.0.0.1", b"0.0.0.0", b"255.255.255.255", b"127.1", b"0x7f.0.0.1", b"017.1.2.3",
             b"1.2.3", b"4294967295", b"1.2.3.4.5", b"256.1.1.1", b" 1.2.3.4", b"1.2.3.4 x",
             b"::", b"::1", b"::ffff:1.2.3.4", b"1:2:3:4:5:6:7:8", b"fe80::1%1", b"fe80::1%lo",
             b"2001:db8::ff00:42:8329", b"1::2::3", b"1:2:3:4:5:6:7:8:9", b"", b"localhost"]
    for i, t in enumerate(texts):
        yield u8(1) + u8(i * 7) + u16(80 + i) + t + b"\0"
        yield u8(0) + u8(3) + u16(0) + t + b"\0"                  # tiny output buffer


TARGETS = {"unix_path": unix_path, "addr_linux": addr_linux, "cmsg": cmsg, "inet": inet}


def main():
    for name, gen in TARGETS.items():
        d = os.path.join(HERE, "corpus", name)
        os.makedirs(d, exist_ok=True)
        for seed in gen():
            with open(os.path.join(d, "seed-" + hashlib.sha1(seed).hexdigest()[:16]), "wb") as f:
                f.write(seed)
        print(f"{name}: {len(os.listdir(d))} seeds in {os.path.relpath(d)}")


if __name__ == "__main__":
    main()
