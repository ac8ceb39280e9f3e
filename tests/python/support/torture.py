"""The thread torture run shared by tests/python/test_threads.py and tests/stress.

Worker threads pick random sockets from a shared pool and run random operations on them (recv,
recv_into, recvmsg, send, sendall, sendmsg, settimeout, setblocking, close, detach and re-adopt,
shutdown, getsockopt, replace; on csocket also its batch calls sendmmsg, recvmmsg, recvmmsg_into,
send_segments and recv_segments, which on these stream pairs go through the same engine) for a
bounded time.  Meanwhile a canary thread keeps opening socket pairs with the interpreter's own
module; they take the numbers that closes free.  Each canary end holds a tag from its peer and
nothing else, blocking mode, no shutdown: any read, write, flag change or shutdown on a reused
number shows up when the canaries are checked after each round.

Timeouts in the pool stay short (no blocking mode: two sockets blocked in send at each other with
both objects closed would wait for ever with either module), so every call ends within a round.
"""
import fcntl
import os
import random
import socket as builtin_socket
import threading
import sys
import time
import traceback

TIMEOUTS = [0.0, 0.001, 0.005, 0.02, 0.1]


class Canary:
    def __init__(self, serial):
        self.a, self.b = builtin_socket.socketpair()
        self.tag_a = b"canary-a-%d" % serial  # queued in a (sent by b)
        self.tag_b = b"canary-b-%d" % serial
        self.problems = []

    def arm(self):
        """Queue the tags without waiting: a tortured call that already wrote into a canary's
        number may have filled its buffer, and the canary must report that, not hang."""
        for end, tag in ((self.b, self.tag_a), (self.a, self.tag_b)):
            try:
                end.send(tag, builtin_socket.MSG_DONTWAIT)
            except OSError as e:
                self.problems.append((end.fileno(), "could not queue its tag: %r" % e))

    def numbers(self):
        return (self.a.fileno(), self.b.fileno())

    def check(self):
        """A list of what went wrong with this canary (empty when untouched)."""
        problems = list(self.problems)
        for end, tag in ((self.a, self.tag_a), (self.b, self.tag_b)):
            fd = end.fileno()
            if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK:
                problems.append((fd, "O_NONBLOCK was set"))
            try:
                got = end.recv(4096, builtin_socket.MSG_DONTWAIT)
            except BlockingIOError:
                got = None
            if got != tag:
                problems.append((fd, "expected %r, found %r" % (tag, got)))
            try:
                extra = end.recv(4096, builtin_socket.MSG_DONTWAIT)
                problems.append((fd, "more data or end of stream: %r" % (extra,)))
            except BlockingIOError:
                pass
        return problems

    def close(self):
        self.a.close()
        self.b.close()


class Round:
    def __init__(self, S, rng, pool_pairs):
        self.S = S
        self.rng = rng
        self.created = []
        self.pool = []
        for _ in range(pool_pairs):
            self.pool.extend(self._pair())
        self.freed = set()  # numbers the pool's sockets had when closed or replaced
        self.ops = OPS + BATCH_OPS if hasattr(S.socket, "sendmmsg") else OPS
        self.lock = threading.Lock()

    def _pair(self):
        a, b = self.S.socketpair()
        for s in (a, b):
            s.settimeout(self.rng.choice(TIMEOUTS))
        self.created += [a, b]
        return [a, b]

    # Each operation may raise OSError (EBADF after a close, timeouts, EPIPE...): expected.
    def op(self, rng, counts, current, me):
        i = rng.randrange(len(self.pool))
        s = self.pool[i]
        name = rng.choice(self.ops)
        counts[name] = counts.get(name, 0) + 1
        current[me] = (name, s, s.fileno())
        return OPERATIONS[name](self, s, i, rng)

    def close_all(self):
        for s in self.created:
            try:
                s.shutdown(self.S.SHUT_RDWR)  # wakes whatever still waits on it
            except OSError:
                pass
        for s in self.created:
            n = s.fileno()
            if n >= 0:
                self.freed.add(n)
            s.close()


def _recv(r, s, i, rng):
    s.recv(rng.choice([1, 100, 4096, 70000]))


def _recv_into(r, s, i, rng):
    s.recv_into(bytearray(rng.choice([1, 512, 65536])))


def _recvmsg(r, s, i, rng):
    s.recvmsg(rng.choice([1, 4096]), rng.choice([0, 64]))


def _send(r, s, i, rng):
    s.send(b"s" * rng.choice([1, 1000, 100000]))


def _sendall(r, s, i, rng):
    s.sendall(b"a" * rng.choice([1, 5000, 300000]))


def _sendmsg(r, s, i, rng):
    s.sendmsg([b"m" * rng.choice([1, 3000]), b"n" * 10])


def _sendmmsg(r, s, i, rng):
    s.sendmmsg([b"b" * rng.choice([1, 2000])] * rng.choice([1, 8, 64]))


def _recvmmsg(r, s, i, rng):
    s.recvmmsg(rng.choice([1, 16]), rng.choice([1, 4096]))


def _recvmmsg_into(r, s, i, rng):
    s.recvmmsg_into([bytearray(rng.choice([1, 2048])) for _ in range(rng.choice([1, 8]))])


def _send_segments(r, s, i, rng):
    s.send_segments(b"g" * rng.choice([10, 50000]), rng.choice([1, 1200]))


def _recv_segments(r, s, i, rng):
    s.recv_segments(rng.choice([1, 65536]))


def _settimeout(r, s, i, rng):
    s.settimeout(rng.choice(TIMEOUTS))


def _setblocking(r, s, i, rng):
    s.setblocking(False)


def _close(r, s, i, rng):
    n = s.fileno()
    s.close()
    if n >= 0:
        with r.lock:
            r.freed.add(n)


def _detach(r, s, i, rng):
    fd = s.detach()
    if fd >= 0:
        new = r.S.socket(fileno=fd)
        new.settimeout(rng.choice(TIMEOUTS))
        r.created.append(new)
        r.pool[i] = new


def _shutdown(r, s, i, rng):
    s.shutdown(rng.choice([r.S.SHUT_RD, r.S.SHUT_WR, r.S.SHUT_RDWR]))


def _query(r, s, i, rng):
    s.getsockopt(r.S.SOL_SOCKET, r.S.SO_ERROR)
    s.fileno()
    s.gettimeout()


def _replace(r, s, i, rng):
    a, b = r._pair()
    j = rng.randrange(len(r.pool))
    r.pool[i], r.pool[j] = a, b


OPERATIONS = {
    "recv": _recv, "recv_into": _recv_into, "recvmsg": _recvmsg, "send": _send,
    "sendall": _sendall, "sendmsg": _sendmsg, "settimeout": _settimeout,
    "setblocking": _setblocking, "close": _close, "detach": _detach, "shutdown": _shutdown,
    "query": _query, "replace": _replace, "sendmmsg": _sendmmsg, "recvmmsg": _recvmmsg,
    "recvmmsg_into": _recvmmsg_into, "send_segments": _send_segments,
    "recv_segments": _recv_segments,
}
# Weights: mostly I/O, enough closes that numbers are freed and reused all the time.
OPS = (["recv", "recv_into", "recvmsg", "send", "sendall", "sendmsg"] * 4
       + ["settimeout", "setblocking", "query", "replace"] * 2
       + ["close", "detach", "shutdown"])
BATCH_OPS = ["sendmmsg", "recvmmsg", "recvmmsg_into", "send_segments", "recv_segments"] * 2


SYSCALL_NAMES = {0: "read", 1: "write", 7: "poll", 44: "sendto", 45: "recvfrom", 46: "sendmsg",
                 47: "recvmsg", 288: "accept4"}  # x86-64, for reports only


def _diagnose(t, current, rnd, canaries):
    """Where a thread that outlived its round is stuck: its Python frame, and from
    /proc/<tid>/syscall the system call and descriptor, with what that number is now."""
    frame = sys._current_frames().get(t.ident)
    where = traceback.format_stack(frame)[-1].strip() if frame else "?"
    name, obj, fd_before = current.get(t.ident, ("?", None, -1))
    try:
        with open("/proc/self/task/%d/syscall" % t.native_id) as f:
            raw = f.read()
        fields = raw.split()
        nr, fd = int(fields[0]), int(fields[1], 16)
        call = "%s(fd=%d)" % (SYSCALL_NAMES.get(nr, "syscall %d" % nr), fd)
    except (OSError, ValueError, IndexError) as e:
        fd, call = -2, "? (%r)" % (raw if "raw" in dir() else e)
    owner = "nothing csocket's test knows"
    if any(fd in c.numbers() for c in canaries):
        owner = "a canary"
    elif any(o is not obj and o.fileno() == fd for o in rnd.created):
        owner = "another socket of the pool"
    elif obj is not None and obj.fileno() == fd:
        owner = "the socket the call was made on"
    return ("%s on a socket that had fd %d (now %d): blocked in %s, which now belongs to %s; %s"
            % (name, fd_before, obj.fileno() if obj is not None else -1, call, owner, where))


def run(S, seconds=2.0, workers=6, pool_pairs=4, round_seconds=0.25, seed=None):
    """Torture S (a socket module) for about `seconds`; return statistics."""
    seed = random.randrange(1 << 30) if seed is None else seed
    stats = {"seed": seed, "rounds": 0, "ops": 0, "counts": {}, "outcomes": {},
             "unexpected": [], "stuck": [], "canaries": 0, "reused_numbers": 0,
             "violations": []}
    master = random.Random(seed)
    end = time.monotonic() + seconds
    serial = 0
    while time.monotonic() < end:
        rnd = Round(S, random.Random(master.randrange(1 << 30)), pool_pairs)
        stop = threading.Event()
        canaries = []
        current = {}  # thread ident -> (operation, socket, its fd) of the call in progress

        def canary_loop():
            nonlocal serial
            while not stop.is_set() and len(canaries) < 400:
                serial += 1
                c = Canary(serial)
                canaries.append(c)  # checked even if arming it finds trouble
                c.arm()
                time.sleep(0.0005)

        def worker(wseed):
            rng = random.Random(wseed)
            counts, outcomes, n = {}, {}, 0
            me = threading.get_ident()
            while not stop.is_set():
                try:
                    rnd.op(rng, counts, current, me)
                    kind = "ok"
                except OSError as e:
                    kind = type(e).__name__ + (":%s" % e.errno if e.errno else "")
                except Exception as e:  # noqa: BLE001 - anything else is a finding
                    kind = "unexpected"
                    stats["unexpected"].append(repr(e))
                outcomes[kind] = outcomes.get(kind, 0) + 1
                n += 1
            with rnd.lock:
                stats["ops"] += n
                for k, v in counts.items():
                    stats["counts"][k] = stats["counts"].get(k, 0) + v
                for k, v in outcomes.items():
                    stats["outcomes"][k] = stats["outcomes"].get(k, 0) + v

        # Daemon threads: one stuck on a reused number (a finding) must not hang the process.
        threads = [threading.Thread(target=worker, args=(master.randrange(1 << 30),), daemon=True)
                   for _ in range(workers)]
        threads.append(threading.Thread(target=canary_loop, daemon=True))
        for t in threads:
            t.start()
        time.sleep(min(round_seconds, max(0.0, end - time.monotonic())) or 0.01)
        stop.set()
        # Every call in the pool has a timeout of at most 0.1 s (sendall: for the whole call).
        for t in threads:
            t.join(3)
            if t.is_alive():
                stats["stuck"].append(_diagnose(t, current, rnd, canaries))
        rnd.close_all()
        for c in canaries:
            stats["reused_numbers"] += sum(n in rnd.freed for n in c.numbers())
            stats["violations"] += c.check()
        for t in threads:
            t.join(3)  # the shutdowns and canary closes below end what was stuck
        for c in canaries:
            c.close()
        for t in threads:
            t.join(3)
            if t.is_alive():
                stats["unexpected"].append("a thread is still stuck after every socket closed")
        stats["canaries"] += len(canaries)
        stats["rounds"] += 1
    return stats


def summary(name, stats):
    top = sorted(stats["outcomes"].items(), key=lambda kv: -kv[1])[:8]
    return ("thread torture [%s]: seed %d, %d rounds, %d operations, %d canaries on %d reused "
            "numbers, %d violations, %d stuck, %d unexpected; outcomes %s"
            % (name, stats["seed"], stats["rounds"], stats["ops"], stats["canaries"],
               stats["reused_numbers"], len(stats["violations"]), len(stats["stuck"]),
               len(stats["unexpected"]), top))
