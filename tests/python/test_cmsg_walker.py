"""The core's control-message walker fed random control buffers, through a small C harness.

tests/c/cmsg_walk.c walks each buffer twice: with csk_cmsg_next() and with the C library's
CMSG_FIRSTHDR/CMSG_NXTHDR under the rules the built-in module applies.  Both walks must report
the same items, and (with a sanitizer build, when the compiler has one) neither may read a byte
past the buffer, however its cmsg_len fields lie.
"""
import os
import shutil
import struct
import subprocess
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CC = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")

pytestmark = [
    pytest.mark.skipif(CC is None, reason="needs a C compiler"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc CMSG_NXTHDR rules"),
]

HDR = struct.calcsize("Nii")  # struct cmsghdr on Linux: size_t length, int level, int type
ALIGN = struct.calcsize("N")


def align(n):
    return (n + ALIGN - 1) & ~(ALIGN - 1)


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("cmsg") / "cmsg_walk")
    sources = [os.path.join(ROOT, "tests/c/cmsg_walk.c"), os.path.join(ROOT, "src/core/msg.c")]
    base = [CC, "-std=gnu11", "-O2", "-g", "-I", os.path.join(ROOT, "src/core"), *sources, "-o", out]
    sanitized = base[:1] + ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] + base[1:]
    for cmd in (sanitized, base):
        if subprocess.run(cmd, capture_output=True).returncode == 0:
            return out
    pytest.skip("harness does not compile")


def walk(harness, buffers):
    data = b"".join(struct.pack("N", len(b)) + b for b in buffers)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    proc = subprocess.run([harness], input=data, capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == len(buffers)
    return lines


# A header whose length is right, a little off, or anything at all, then data and padding.
lengths = st.one_of(st.integers(0, 64), st.integers(0, 2**64 - 1),
                    st.sampled_from([HDR - 1, HDR, HDR + 1, 2**63, 2**64 - 1, 2**64 - ALIGN]))
item = st.tuples(st.one_of(st.none(), lengths), st.integers(-2**31, 2**31 - 1),
                 st.integers(-2**31, 2**31 - 1), st.binary(max_size=40))


@st.composite
def control_buffer(draw):
    out = b""
    for claimed, level, type_, data in draw(st.lists(item, max_size=6)):
        length = HDR + len(data) if claimed is None else claimed
        out += struct.pack("Nii", length, level, type_) + data
        out += b"\0" * (align(len(out)) - len(out))
    cut = draw(st.integers(0, len(out)))
    return out[:cut] + draw(st.binary(max_size=24))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(control_buffer(), st.binary(max_size=80)), min_size=1, max_size=25))
def test_walker_agrees_with_libc_and_stays_inside(harness, buffers):
    for buf, line in zip(buffers, walk(harness, buffers)):
        core, libc = line.split(" | ")
        assert "OUTSIDE" not in core, buf
        assert core == libc, buf


def test_known_shapes(harness):
    def hdr(length, level=1, type_=1):
        return struct.pack("Nii", length, level, type_)

    cases = {
        b"": "",
        b"\0" * (HDR - 1): "",                                  # no room for a header
        hdr(HDR + 4) + b"abcd" + b"\0" * 4 + hdr(HDR + 1, 1, 2) + b"x": "O:1:1:4;O:1:2:1;",
        hdr(HDR + 4) + b"ab": "T:1:1:2;",                       # data cut short
        hdr(2**64 - 1) + b"abc": "T:1:1:3;",                    # a length that would wrap
        hdr(3) + b"z" * 40: "M;",                               # shorter than a header
        hdr(HDR) + hdr(HDR, 2, 2): "O:1:1:0;O:2:2:0;",
        hdr(HDR + 4) + b"abcd" + b"\0" * (HDR - 1): "O:1:1:4;",  # next header does not fit
    }
    lines = walk(harness, list(cases))
    for (buf, want), line in zip(cases.items(), lines):
        core, libc = line.split(" | ")
        assert core == want == libc, buf
