"""System calls per operation, counted with strace in a child interpreter.

csocket's promises here: with a timeout set, recv/recv_into/send make exactly one system call when
data (or buffer space) is ready; settimeout with an unchanged mode makes none; recv(262144) does
not map and unmap memory.  The built-in module is measured the same way, proving the count can
tell the difference.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(shutil.which("strace") is None,
                                reason="strace is not installed (scripts/bootstrap installs it)")

CHILD = r"""
import os, sys
if sys.argv[1] == "csocket":
    import csocket; csocket.install()
import socket
a, b = socket.socketpair()
a.settimeout(5.0); b.settimeout(5.0)
buf = bytearray(64)
msg = b"x" * 64
N = 50
def block(fn):
    for _ in range(3):
        fn()              # warm up: first-use allocations happen here
    os.getppid()          # a system call nothing else makes: the edges of a measured block
    for _ in range(N):
        fn()
    os.getppid()
def send_recv():
    b.send(msg); a.recv(64)
def send_recv_into():
    b.send(msg); a.recv_into(buf)
def send_recv_big():
    b.send(msg); a.recv(262144)
block(send_recv)
block(send_recv_into)
block(lambda: a.settimeout(5.0))
block(send_recv_big)
"""

BLOCKS = ["recv", "recv_into", "settimeout", "recv_big"]
N = 50


def trace(impl, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = tmp_path / f"trace.{impl}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run(["strace", "-f", "-qq", "-o", str(out), sys.executable, str(script), impl],
                          capture_output=True, text=True, timeout=120, env=env)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip("ptrace is not permitted here: " + proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    names = [m.group(1) for line in out.read_text().splitlines()
             if (m := re.match(r"^\d+\s+([a-z_0-9]+)\(", line))]
    marks = [i for i, n in enumerate(names) if n == "getppid"]
    assert len(marks) == 2 * len(BLOCKS), names
    return {blk: names[marks[2 * i] + 1:marks[2 * i + 1]] for i, blk in enumerate(BLOCKS)}


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("strace")
    return {impl: trace(impl, tmp) for impl in ("builtin", "csocket")}


def count(calls, *names):
    return sum(1 for c in calls if c in names)


def test_one_system_call_per_operation_with_a_timeout(traces):
    got = traces["csocket"]
    # each iteration is send() then recv() or recv_into(): one system call each, no poll
    assert got["recv"] == ["sendto", "recvfrom"] * N
    assert got["recv_into"] == ["sendto", "recvfrom"] * N
    # the built-in module polls before each of them: the count can tell
    assert count(traces["builtin"]["recv"], "poll", "ppoll") == 2 * N


def test_unchanged_settimeout_makes_no_system_call(traces):
    assert traces["csocket"]["settimeout"] == []
    assert count(traces["builtin"]["settimeout"], "ioctl") == N


def test_large_recv_does_not_map_memory(traces):
    got = traces["csocket"]["recv_big"]
    assert count(got, "mmap", "munmap", "mremap", "brk") == 0
    assert got == ["sendto", "recvfrom"] * N
    assert count(traces["builtin"]["recv_big"], "mmap", "munmap", "mremap") >= N
