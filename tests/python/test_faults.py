"""Fault injection: running out of descriptors (EMFILE, under a lowered RLIMIT_NOFILE) and of
memory (RLIMIT_AS), ENOBUFS from the kernel, a peer that resets the connection in the middle of
a sendall, and EPIPE with SIGPIPE ignored, defaulted or handled.

Each scenario runs in a child process, once with the built-in module and once with csocket; both
must report the same outcome (exception type and errno), every child checks /proc/self/fd before
and after each operation, and the socket must work again once the fault is gone.  The parent's
own descriptors are checked by conftest's fixture.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

CHILD_PRELUDE = textwrap.dedent('''
    import array, errno, json, os, resource, signal, sys, threading, time
    if sys.argv[1] == "csocket":
        import csocket.socket as S
    else:
        import socket as S

    RESERVE = []  # under EMFILE: one descriptor given back while /proc/self/fd is listed

    def fds():
        had = bool(RESERVE)
        if had:
            os.close(RESERVE.pop())
        names = sorted(int(n) for n in os.listdir("/proc/self/fd"))
        if had:
            RESERVE.append(os.open("/dev/null", os.O_RDONLY))
        return [n for n in names if n not in RESERVE]

    RESULTS, LEAKS = {}, []

    def outcome(name, fn, cleanup=None):
        """Run fn; record ("ok", repr) or ("raise", type, errno); check no descriptor leaked."""
        before = fds()
        try:
            r = fn()
            RESULTS[name] = ["ok", cleanup(r) if cleanup else None]
        except Exception as e:
            RESULTS[name] = ["raise", type(e).__name__, getattr(e, "errno", None)]
        opened = sorted(set(fds()) - set(before))
        if opened:
            LEAKS.append([name, opened])

    def close_all(r):
        for s in (r if isinstance(r, tuple) else (r,)):
            if hasattr(s, "close"):
                s.close()
            elif isinstance(s, int):
                os.close(s)
        return "closed"

    def finish():
        print(json.dumps({"results": RESULTS, "leaks": LEAKS}))
''')


def run_child(body, which, timeout=60, **env_extra):
    code = CHILD_PRELUDE + textwrap.dedent(body) + "\nfinish()\n"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), **env_extra)
    proc = subprocess.run([sys.executable, "-c", code, which], capture_output=True, text=True,
                          timeout=timeout, env=env)
    return proc


def both(body, timeout=60, **env_extra):
    """The child's report for the built-in module and for csocket, after checking both ran."""
    reports = {}
    for which in ("builtin", "csocket"):
        proc = run_child(body, which, timeout, **env_extra)
        assert proc.returncode == 0, "%s child failed (%d):\n%s\n%s" % (
            which, proc.returncode, proc.stdout, proc.stderr)
        reports[which] = json.loads(proc.stdout.strip().splitlines()[-1])
        assert reports[which]["leaks"] == [], (which, reports[which]["leaks"])
    return reports["builtin"]["results"], reports["csocket"]["results"]


# ---- EMFILE ------------------------------------------------------------------------------------

EMFILE_BODY = '''
    srv = S.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    cli = S.create_connection(srv.getsockname())
    a, b = S.socketpair()
    # Two descriptors in flight to `a`, to be received when no descriptor is free.
    b.sendmsg([b"x"], [(S.SOL_SOCKET, S.SCM_RIGHTS, array.array("i", [b.fileno(), b.fileno()]))])
    baseline = fds()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(baseline) + 8, hard))
    fillers = []
    while True:
        try:
            fillers.append(os.open("/dev/null", os.O_RDONLY))
        except OSError as e:
            assert e.errno == errno.EMFILE
            break
    RESERVE.append(fillers.pop())  # still open: given back only to list /proc/self/fd

    outcome("socket", lambda: S.socket(), close_all)
    outcome("socket_udp6", lambda: S.socket(S.AF_INET6, S.SOCK_DGRAM), close_all)
    outcome("socketpair", lambda: S.socketpair(), close_all)
    outcome("dup_function", lambda: S.dup(a.fileno()), close_all)
    outcome("dup_method", lambda: a.dup(), close_all)
    outcome("accept", lambda: srv.accept()[0], close_all)
    outcome("create_connection", lambda: S.create_connection(srv.getsockname()), close_all)
    outcome("getaddrinfo_numeric", lambda: len(S.getaddrinfo("127.0.0.1", 80)))
    def recv_fds():
        msg, anc, flags, addr = a.recvmsg(10, S.CMSG_SPACE(8))
        return [msg.decode(), anc, bool(flags & S.MSG_CTRUNC)]
    outcome("recvmsg_scm_rights", recv_fds, lambda r: r)

    # One descriptor free: a pair still cannot be made, and nothing is left half made.
    os.close(fillers.pop())
    outcome("socketpair_one_free", lambda: S.socketpair(), close_all)
    outcome("accept_one_free", lambda: srv.accept()[0], close_all)
    for fd in fillers + RESERVE:
        os.close(fd)
    RESERVE.clear()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    # Everything works again once descriptors are free.
    outcome("socket_after", lambda: S.socket(), close_all)
    outcome("socketpair_after", lambda: S.socketpair(), close_all)
    outcome("dup_after", lambda: a.dup(), close_all)
    def echo():
        b.sendall(b"again")
        return a.recv(10).decode()
    outcome("exchange_after", echo, lambda r: r)
    for s in (srv, cli, a, b):
        s.close()
'''


def test_emfile_everywhere():
    builtin, csocket_ = both(EMFILE_BODY)
    assert csocket_ == builtin
    emfile = ["raise", "OSError", 24]
    for name in ("socket", "socket_udp6", "socketpair", "dup_function", "dup_method", "accept",
                 "create_connection", "socketpair_one_free"):
        assert csocket_[name] == emfile, (name, csocket_[name])
    # The kernel drops descriptors it cannot install and says so with MSG_CTRUNC.
    assert csocket_["recvmsg_scm_rights"] == ["ok", ["x", [], True]]
    assert csocket_["accept_one_free"] == ["ok", "closed"]
    for name in ("socket_after", "socketpair_after", "dup_after"):
        assert csocket_[name] == ["ok", "closed"]
    assert csocket_["exchange_after"] == ["ok", "again"]


# ---- out of memory -----------------------------------------------------------------------------

NOMEM_BODY = '''
    a, b = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM)
    b.send(b"small message")
    b.send(b"second")
    results = {}
    ready, done = threading.Event(), threading.Event()
    def in_a_new_thread():
        # A thread that never received before: csocket would need its receive buffer now.
        ready.wait()
        outcome("recv_small_new_thread", lambda: a.recv(100), lambda r: r.decode())
        outcome("recvmsg_small_new_thread", lambda: a.recvmsg(100)[0], lambda r: r.decode())
        done.set()
    threading.stack_size(256 * 1024)
    t = threading.Thread(target=in_a_new_thread)
    t.start()
    def vm_size():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (vm_size() + (128 << 10), hard))
    outcome("recv_huge", lambda: a.recv(1 << 30))
    outcome("recvmsg_huge", lambda: a.recvmsg(1 << 30))
    outcome("recvmsg_huge_ancillary", lambda: a.recvmsg(10, 1 << 30))
    ready.set()
    done.wait()
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    t.join()
    b.send(b"after")
    outcome("recv_after", lambda: a.recv(100), lambda r: r.decode())
    a.close()
    b.close()
'''


def test_out_of_memory_gives_memoryerror_and_small_receives_still_work():
    """With the address space exhausted, huge receive buffers fail with MemoryError in both
    modules; a small receive on a thread that has no receive buffer yet still works, as it does
    in the built-in module (csocket falls back to an exact-size bytes object when its per-thread
    buffer cannot be had)."""
    # One malloc arena: a new thread's allocations come from the (limited) main heap rather than
    # from a per-thread arena reserved in advance.
    builtin, csocket_ = both(NOMEM_BODY, MALLOC_ARENA_MAX="1")
    assert csocket_ == builtin
    for name in ("recv_huge", "recvmsg_huge", "recvmsg_huge_ancillary"):
        assert csocket_[name] == ["raise", "MemoryError", None], name
    assert csocket_["recv_small_new_thread"] == ["ok", "small message"]
    assert csocket_["recvmsg_small_new_thread"] == ["ok", "second"]
    assert csocket_["recv_after"] == ["ok", "after"]


# ---- ENOBUFS -----------------------------------------------------------------------------------

ENOBUFS_BODY = '''
    a, b = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM)
    b.setsockopt(S.SOL_SOCKET, 32, 256 << 20)  # SO_SNDBUFFORCE: let the size reach the allocator
    a.setsockopt(S.SOL_SOCKET, 33, 256 << 20)  # SO_RCVBUFFORCE
    size = int(sys.argv[2])
    outcome("send", lambda: b.send(b"x" * size))
    outcome("sendall", lambda: b.sendall(b"x" * size))
    outcome("sendmsg", lambda: b.sendmsg([b"x" * (size // 2), b"y" * (size // 2)]))
    b.send(b"fits")
    outcome("after", lambda: a.recv(10), lambda r: r.decode())
    a.close()
    b.close()
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="SO_SNDBUFFORCE needs CAP_NET_ADMIN")
def test_enobufs_from_an_unallocatable_datagram():
    """A datagram too large for the kernel to allocate in one piece fails with ENOBUFS (a plain
    OSError: no subclass has it) in both modules, and the socket goes on working."""
    for size in (8 << 20, 32 << 20, 128 << 20):
        code = ENOBUFS_BODY.replace("int(sys.argv[2])", str(size))
        builtin, csocket_ = both(code)
        if builtin["send"][0] == "raise":
            break
    else:
        pytest.skip("this kernel allocates even a %d-byte datagram" % size)
    assert csocket_ == builtin
    for name in ("send", "sendall", "sendmsg"):
        assert csocket_[name] == ["raise", "OSError", 105], (name, csocket_[name])
    assert csocket_["after"] == ["ok", "fits"]


# ---- a peer that resets the connection in the middle of a sendall ---------------------------

RESET_BODY = '''
    srv = S.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    cli = S.create_connection(srv.getsockname())
    peer, _ = srv.accept()
    peer.setsockopt(S.SOL_SOCKET, S.SO_LINGER, (1).to_bytes(4, "little") + bytes(4))
    cli.settimeout(None if sys.argv[2] == "blocking" else 10.0)
    def reset_soon():
        time.sleep(0.2)
        peer.recv(100000)  # some of it arrived
        peer.close()  # SO_LINGER 0: an RST instead of a FIN
    t = threading.Thread(target=reset_soon)
    t.start()
    outcome("sendall", lambda: cli.sendall(b"z" * (64 << 20)))
    t.join()
    outcome("send_after_reset", lambda: cli.send(b"more"))
    outcome("recv_after_reset", lambda: cli.recv(10), repr)
    cli.close()
    srv.close()
'''


@pytest.mark.parametrize("mode", ["blocking", "timeout"])
def test_peer_reset_mid_sendall(mode):
    """The sendall ends with ConnectionResetError (or BrokenPipeError if the reset was already
    processed when the next send ran), later calls report the broken connection, nothing leaks."""
    builtin, csocket_ = both(RESET_BODY.replace("sys.argv[2]", repr(mode)))
    broken = {"ConnectionResetError", "BrokenPipeError"}
    for results in (builtin, csocket_):
        assert results["sendall"][0] == "raise" and results["sendall"][1] in broken, results
        assert results["send_after_reset"][0] == "raise", results
        assert results["send_after_reset"][1] in broken, results
        assert results["recv_after_reset"] in (["ok", "b''"],
                                               ["raise", "ConnectionResetError", 104]), results


# ---- EPIPE and SIGPIPE -------------------------------------------------------------------------

EPIPE_BODY = '''
    disposition = sys.argv[2]
    caught = []
    if disposition == "default":
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    elif disposition == "handler":
        signal.signal(signal.SIGPIPE, lambda *a: caught.append(1))
    kind = sys.argv[3]
    if kind == "tcp":
        srv = S.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        a = S.create_connection(srv.getsockname())
        b, _ = srv.accept()
        srv.close()
    else:
        a, b = S.socketpair()
    b.close()
    time.sleep(0.05)
    if kind == "tcp":
        try:
            a.send(b"first")  # answered by an RST; the next send finds EPIPE
        except OSError:
            pass
        time.sleep(0.05)
    outcome("send", lambda: a.send(b"x"))
    outcome("sendall", lambda: a.sendall(b"x" * 100000))
    outcome("sendmsg", lambda: a.sendmsg([b"x"]))
    RESULTS["handler_runs"] = len(caught)
    a.close()
'''


@pytest.mark.parametrize("kind", ["tcp", "unix"])
@pytest.mark.parametrize("disposition", ["ignored", "handler", "default"])
def test_epipe(kind, disposition):
    """Python ignores SIGPIPE, so writing to a closed connection raises BrokenPipeError and the
    process lives on; with a Python handler the handler runs too; with SIGPIPE at its default a
    process dies of it.  csocket behaves as the built-in module in all three."""
    body = EPIPE_BODY.replace("sys.argv[2]", repr(disposition)).replace("sys.argv[3]", repr(kind))
    if disposition == "default":
        codes = {which: run_child(body, which).returncode for which in ("builtin", "csocket")}
        assert codes["csocket"] == codes["builtin"] == -13  # killed by SIGPIPE
        return
    builtin, csocket_ = both(body)
    assert csocket_ == builtin
    for name in ("send", "sendall", "sendmsg"):
        assert csocket_[name] == ["raise", "BrokenPipeError", 32], (name, csocket_[name])
    assert csocket_["handler_runs"] == (3 if disposition == "handler" else 0)
