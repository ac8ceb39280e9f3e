"""Soak: stream GiBs through csocket and prove nothing is lost, duplicated or reordered.

Bytes flow over an AF_UNIX socket pair and a TCP loopback connection, in phases that swap which
end the main thread drives.  The sending end uses sendall() and sendmsg() (several buffers) with
random chunk sizes; the receiving end uses recv_into() and recvmsg_into() (several buffers) with
random sizes.  Both ends change their timeouts at random (the receiver's short enough to time
out often, then it simply tries again; the sender's never short enough to cut a sendall).
SIGALRM arrives every 1-5 ms with a Python handler, and only the main thread takes it, so every
phase has one end interrupted all the time.  Each side hashes its whole stream (SHA-256) and
counts it; they must agree at the end of each phase.

    python tests/stress/soak.py            (CSOCKET_SOAK_SECONDS=150, CSOCKET_SOAK_GIB=80)
Exits non-zero on any mismatch or unexpected exception; prints one summary line.
"""
import hashlib
import os
import random
import signal
import sys
import threading
import time

import csocket.socket as S

SECONDS = float(os.environ.get("CSOCKET_SOAK_SECONDS", "150"))
TARGET = int(float(os.environ.get("CSOCKET_SOAK_GIB", "80")) * (1 << 30))
PHASE_SECONDS = float(os.environ.get("CSOCKET_SOAK_PHASE_SECONDS", "10"))
SEED = int(os.environ.get("CSOCKET_SOAK_SEED", str(random.randrange(1 << 30))))

SOURCE = memoryview(os.urandom(32 << 20))  # sent from at random offsets
SIGNALS = {"count": 0}


def on_alarm(signum, frame):
    SIGNALS["count"] += 1
    signal.setitimer(signal.ITIMER_REAL, random.uniform(0.001, 0.005))


def chunk_size(rng, top):
    """Log-uniform between 1 byte and `top`: many small chunks, some very large."""
    return max(1, min(top, int(2 ** rng.uniform(0, top.bit_length()))))


class Sender:
    def __init__(self, sock, rng, budget):
        self.sock, self.rng, self.budget = sock, rng, budget
        self.hash, self.sent, self.calls = hashlib.sha256(), 0, {"sendall": 0, "sendmsg": 0}

    def run(self, stop, deadline):
        rng = self.rng
        while not stop.is_set() and self.sent < self.budget and time.monotonic() < deadline:
            if rng.random() < 0.05:
                self.sock.settimeout(rng.choice([None, 10.0, 30.0]))
            if rng.random() < 0.5:
                n = chunk_size(rng, 4 << 20)
                off = rng.randrange(len(SOURCE) - n)
                piece = SOURCE[off:off + n]
                self.sock.sendall(piece)
                self.hash.update(piece)
                self.sent += n
                self.calls["sendall"] += 1
            else:
                pieces = []
                for _ in range(rng.randint(1, 8)):
                    n = chunk_size(rng, 512 << 10)
                    off = rng.randrange(len(SOURCE) - n)
                    pieces.append(SOURCE[off:off + n])
                done = self.sock.sendmsg(pieces)
                self.calls["sendmsg"] += 1
                # sendmsg may send part of it: account for exactly what went, send the rest.
                for p in pieces:
                    take = min(done, len(p))
                    self.hash.update(p[:take])
                    self.sent += take
                    if take < len(p):
                        self.sock.sendall(p[take:])
                        self.hash.update(p[take:])
                        self.sent += len(p) - take
                    done -= take
        self.sock.shutdown(S.SHUT_WR)


class Receiver:
    def __init__(self, sock, rng):
        self.sock, self.rng = sock, rng
        self.hash, self.received = hashlib.sha256(), 0
        self.calls = {"recv_into": 0, "recvmsg_into": 0, "timeouts": 0}
        self.bufs = [bytearray(1 << 20) for _ in range(4)]

    def run(self):
        rng = self.rng
        while True:
            if rng.random() < 0.05:
                self.sock.settimeout(rng.choice([None, 0.001, 0.01, 0.1, 1.0]))
            try:
                if rng.random() < 0.5:
                    want = chunk_size(rng, 1 << 20)
                    n = self.sock.recv_into(self.bufs[0], want)
                    self.hash.update(memoryview(self.bufs[0])[:n])
                    self.calls["recv_into"] += 1
                else:
                    views = [memoryview(b)[:chunk_size(rng, 256 << 10)]
                             for b in self.bufs[:rng.randint(1, 4)]]
                    n, anc, flags, addr = self.sock.recvmsg_into(views)
                    left = n
                    for v in views:
                        take = min(left, len(v))
                        self.hash.update(v[:take])
                        left -= take
                    self.calls["recvmsg_into"] += 1
            except TimeoutError:
                self.calls["timeouts"] += 1
                continue
            if n == 0:
                return
            self.received += n


def tcp_pair():
    with S.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        a = S.create_connection(srv.getsockname())
        b, _ = srv.accept()
    return a, b


def phase(make_pair, main_sends, rng, budget, failures):
    a, b = make_pair()
    sender = Sender(a, random.Random(rng.random()), budget)
    receiver = Receiver(b, random.Random(rng.random()))
    stop = threading.Event()
    errors = []

    def in_thread(fn, *args):
        def body():
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            try:
                fn(*args)
            except BaseException as e:  # noqa: B902 - reported
                errors.append(repr(e))
                stop.set()
        t = threading.Thread(target=body)
        t.start()
        return t

    deadline = time.monotonic() + PHASE_SECONDS
    try:
        if main_sends:
            t = in_thread(receiver.run)
            sender.run(stop, deadline)
        else:
            t = in_thread(sender.run, stop, deadline)
            receiver.run()
    except BaseException as e:  # noqa: B902 - reported
        errors.append(repr(e))
        stop.set()
        for s in (a, b):
            try:
                s.shutdown(S.SHUT_RDWR)
            except OSError:
                pass
    t.join()
    a.close()
    b.close()
    ok = (not errors and sender.sent == receiver.received
          and sender.hash.digest() == receiver.hash.digest())
    if not ok:
        failures.append({"pair": make_pair.__name__, "main_sends": main_sends, "errors": errors,
                         "sent": sender.sent, "received": receiver.received})
    return sender, receiver


def main():
    rng = random.Random(SEED)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.002)
    start = time.monotonic()
    total, phases, failures = 0, 0, []
    calls = {}
    try:
        while time.monotonic() - start < SECONDS and total < TARGET:
            make_pair = (S.socketpair, tcp_pair)[phases % 2]
            main_sends = (phases // 2) % 2 == 0
            budget = min(TARGET - total, 2 << 30)
            sender, receiver = phase(make_pair, main_sends, rng, budget, failures)
            total += receiver.received
            phases += 1
            for d in (sender.calls, receiver.calls):
                for k, v in d.items():
                    calls[k] = calls.get(k, 0) + v
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.monotonic() - start
    print("soak: %.2f GiB streamed and verified (SHA-256 per phase) in %d phases, %.0f s "
          "(%.0f MiB/s), %d signals handled, seed %d; calls %s; %d failures"
          % (total / (1 << 30), phases, elapsed, total / elapsed / (1 << 20), SIGNALS["count"],
             SEED, calls, len(failures)))
    for f in failures:
        print("soak FAILURE:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
