"""Where each socket module lets other threads run: GIL releases per call, and what that does to
a thread pool.

1. Releases per call: each call below runs in a child interpreter (the built-in _socket, then
   CSOCKET=1) with bench/gil_count.c preloaded, which counts PyEval_SaveThread calls made by the
   extension; the count is read just before and just after the one call.
2. The pool: a new 3-worker ThreadPoolExecutor per trial is given 3 tasks that each make one
   refused connect to 127.0.0.1; a trial counts when two of the three land on the same worker.

Usage: python bench/gil_releases.py [--trials N]      (builds build/bench/gil_count.so)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHIM = os.path.join(ROOT, "build", "bench", "gil_count.so")


def child_counts():
    import ctypes
    import socket
    import threading

    counter = ctypes.c_ulong.in_dll(ctypes.CDLL(None), "csk_gil_releases")
    counts = {}

    def count(name, fn):
        before = counter.value
        fn()
        counts[name] = counter.value - before

    def refused_port():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port

    port = refused_port()
    socks = []
    count("socket()", lambda: socks.append(socket.socket()))
    s = socks[0]
    count("settimeout(None), mode unchanged", lambda: s.settimeout(None))
    count("settimeout(5), mode changes", lambda: s.settimeout(5))
    count("settimeout(3), mode unchanged", lambda: s.settimeout(3))
    count("setblocking(True)", lambda: s.setblocking(True))
    count("gettimeout()", s.gettimeout)
    count("setsockopt()", lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))
    count("getsockopt()", lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
    count("bind()", lambda: s.bind(("127.0.0.1", 0)))
    count("listen()", lambda: s.listen())
    count("getsockname()", s.getsockname)
    count("close()", s.close)

    c = socket.socket()
    count("connect_ex(), refused", lambda: c.connect_ex(("127.0.0.1", port)))
    c.close()
    c = socket.socket()

    def refused():
        try:
            c.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            pass
    count("connect(), refused", refused)
    c.close()

    srv = socket.create_server(("127.0.0.1", 0))
    c = socket.socket()
    count("connect(), accepted", lambda: c.connect(srv.getsockname()))
    conns = []
    count("accept(), ready", lambda: conns.append(srv.accept()[0]))
    a = conns[0]
    for mode, label in ((None, "blocking"), (5.0, "timeout"), (0.0, "non-blocking")):
        c.settimeout(mode)
        a.settimeout(mode)
        count(f"send(64 B), {label}", lambda: c.send(b"x" * 64))
        count(f"recv(4096), data ready, {label}", lambda: a.recv(4096))
        count(f"sendall(64 B), {label}", lambda: c.sendall(b"x" * 64))
        count(f"recv_into(), data ready, {label}", lambda: a.recv_into(bytearray(4096)))
    a.settimeout(0.05)

    def times_out():
        try:
            a.recv(10)
        except TimeoutError:
            pass
    count("recv(), nothing comes, timeout", times_out)
    a.settimeout(None)
    threading.Timer(0.05, lambda: c.send(b"y")).start()
    count("recv(), data comes later, blocking", lambda: a.recv(10))
    count("getpeername()", a.getpeername)
    count("shutdown()", lambda: a.shutdown(socket.SHUT_RDWR))
    for x in (a, c, srv):
        x.close()

    u1, u2 = socket.socket(type=socket.SOCK_DGRAM), socket.socket(type=socket.SOCK_DGRAM)
    u1.bind(("127.0.0.1", 0))
    count("sendto(64 B)", lambda: u2.sendto(b"x" * 64, u1.getsockname()))
    count("recvfrom(), data ready", lambda: u1.recvfrom(4096))
    u1.close()
    u2.close()
    count("getaddrinfo('127.0.0.1')", lambda: socket.getaddrinfo("127.0.0.1", 80))
    count("gethostname()", socket.gethostname)
    p, q = socket.socketpair()
    count("dup()", lambda: p.dup().close())
    p.close()
    q.close()
    json.dump(counts, sys.stdout)


def child_pool(trials):
    import socket
    import threading
    from concurrent.futures import ThreadPoolExecutor

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()

    def task():
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            pass
        finally:
            c.close()
        return threading.get_ident()

    shared = {"new pool per trial": 0, "one warm pool": 0}
    for _ in range(trials):
        with ThreadPoolExecutor(3) as pool:
            workers = {f.result() for f in [pool.submit(task) for _ in range(3)]}
        shared["new pool per trial"] += len(workers) < 3
    with ThreadPoolExecutor(3) as pool:
        barrier = threading.Barrier(3)  # makes the pool start all three of its threads
        list(pool.map(lambda _: barrier.wait(), range(3)))
        for _ in range(trials):
            workers = {f.result() for f in [pool.submit(task) for _ in range(3)]}
            shared["one warm pool"] += len(workers) < 3
    json.dump({"trials": trials, "shared": shared}, sys.stdout)


def in_child(mode, csocket, *args):
    env = {k: v for k, v in os.environ.items() if k != "CSOCKET"}
    if csocket:
        env["CSOCKET"] = "1"
    if mode == "counts":
        env["LD_PRELOAD"] = SHIM
    out = subprocess.run([sys.executable, __file__, "--child", mode, *args], env=env,
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def main(argv):
    if argv[:1] == ["--child"]:
        return child_counts() if argv[1] == "counts" else child_pool(int(argv[2]))
    trials = int(argv[argv.index("--trials") + 1]) if "--trials" in argv else 300
    os.makedirs(os.path.dirname(SHIM), exist_ok=True)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", SHIM,
                    os.path.join(HERE, "gil_count.c"), "-ldl"], check=True)
    builtin, csock = in_child("counts", False), in_child("counts", True)
    width = max(map(len, builtin))
    print(f"{'GIL releases per call':{width}}  built-in  csocket")
    for name in builtin:
        mark = "" if builtin[name] == csock.get(name) else "   <-"
        print(f"{name:{width}}  {builtin[name]:8}  {csock.get(name, '-'):7}{mark}")
    print()
    for label, csocket in (("built-in", False), ("csocket", True)):
        r = in_child("pool", csocket, str(trials))
        for kind, n in r["shared"].items():
            print(f"3-worker pool ({kind}), 3 refused connects: two tasks on one worker in "
                  f"{n} of {r['trials']} trials ({label})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
