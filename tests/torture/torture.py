"""Fault torture: every allocation and every system call csocket makes, failed one at a time.

    python torture.py alloc   [--max-runs N]    allocation torture (needs _allocfail importable)
    python torture.py syscall [--max-runs N]    system-call torture (needs syscallfail.so preloaded)

The parent runs each scenario in a child process (`torture.py child KIND SCENARIO FIRST`), reads
one JSON line per run and gives every run a deadline: a child that dies or stops answering is a
crash or a hang at the run it last started, and a new child goes on from the run after it.

Each scenario runs once to count what it does (csocket's allocations, or its calls of each libc
function), then once per injection point with exactly that one call failing.  A run passes when
  - it ends in the expected way: MemoryError or success (allocation); the injected errno as its
    own OSError subclass, or success where csocket must retry (EINTR; EAGAIN in timeout mode),
    (system calls), never another exception;
  - no descriptor is left open (/proc/self/fd, after the scenario closed what it made);
  - no reference leaked (debug interpreter: sys.gettotalrefcount back to where it was, again on
    a second measurement: a cache fills once);
  - every socket the scenario still held is usable or cleanly closed;
  - stream data arrived whole, once, in order (SHA-256 and length at both ends).
The summary's last line gives the counts.
"""
import errno
import gc
import json
import os
import selectors
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_DEADLINE = 30.0  # seconds without a finished run: a hang


def open_fds():
    fds = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            fds[int(name)] = os.readlink("/proc/self/fd/" + name)
        except OSError:
            pass
    return fds


def spread(n, most):
    """Injection points 1..n, all of them or `most` spread evenly (first and last included)."""
    if n <= most:
        return list(range(1, n + 1))
    step = (n - 1) / (most - 1)
    return sorted({1 + round(i * step) for i in range(most)})


def where_text(so, offsets):
    """csocket's functions (and lines) at these offsets, by addr2line when it is there."""
    try:
        out = subprocess.run(["addr2line", "-f", "-s", "-e", so] + [hex(o) for o in offsets],
                             capture_output=True, text=True, timeout=20).stdout.split()
        return " < ".join(f"{out[i]} {out[i + 1]}" for i in range(0, len(out) - 1, 2))
    except (OSError, subprocess.SubprocessError):
        return " < ".join(hex(o) for o in offsets)


# ---- the child -------------------------------------------------------------------------------

def sockets_in(tb):
    """The csocket sockets the frames of a traceback held (to check usable-or-closed)."""
    from csocket import _csocket
    seen = []
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            items = value if isinstance(value, (list, tuple)) else (value,)
            for v in items:
                if isinstance(v, _csocket.socket) and not any(v is s for s in seen):
                    seen.append(v)
        tb = tb.tb_next
    return seen


def socket_state_problems(socks):
    import socket as _socket_consts
    out = []
    for s in socks:
        fd = s.fileno()
        if fd == -1:
            continue  # cleanly closed
        try:
            os.fstat(fd)
            s.getsockopt(_socket_consts.SOL_SOCKET, _socket_consts.SO_TYPE)
        except OSError as e:
            out.append(f"socket fd {fd} neither usable nor closed: {e!r}")
    return out


class Child:
    def __init__(self, kind, scenario, first):
        self.kind, self.name, self.first = kind, scenario, first
        self.refs = getattr(sys, "gettotalrefcount", None)
        if kind == "alloc":
            import alloc_scenarios as scen
        else:
            import syscall_scenarios as scen
        self.scen = scen
        self.fn = scen.SCENARIOS[scenario]

    def emit(self, **kw):
        sys.stdout.write(json.dumps(kw) + "\n")
        sys.stdout.flush()

    def once(self, arm, disarm):
        """One run: (outcome, exception or None, problems, what disarm returned)."""
        fds = open_fds()
        exc, problems = None, []
        arm()
        try:
            self.fn()
        except BaseException as e:  # noqa: B902 - every outcome is judged below
            exc = e
        finally:
            got = disarm()
        if exc is not None:
            # From the frame below this one: reading this frame's f_locals would store a
            # snapshot holding the exception (and so its frames and sockets) on it.
            problems += socket_state_problems(sockets_in(exc.__traceback__.tb_next))
            outcome = type(exc).__name__
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:])
            exc_info = (type(exc), getattr(exc, "errno", None), detail)
            exc = None
        else:
            outcome, exc_info = "ok", None
        self.scen.settle()
        gc.collect()
        leaked = sorted(set(open_fds().items()) - set(fds.items()))
        if leaked:
            problems.append(f"descriptors left open: {leaked}")
        return outcome, exc_info, problems, got

    def silent(self, arm, disarm):
        arm()
        try:
            self.fn()
        except BaseException:  # noqa: B902
            pass
        finally:
            disarm()
        self.scen.settle()

    def ref_growth(self, arm, disarm):
        """How much one run grows the total reference count, the measuring's own share taken
        off (what an uninjected run shows)."""
        gc.collect()
        r0 = self.refs()
        self.silent(arm, disarm)
        gc.collect()
        return self.refs() - r0 - self.ref_base

    def run(self):
        self.where = None
        if self.kind == "alloc":
            import _allocfail as af
            from csocket import _csocket
            af.watch(os.path.realpath(_csocket.__file__))
            self.where, self.so = af.where, _csocket.__file__
            points = self.alloc_points(af)
        else:
            points = self.syscall_points()
        for i, (label, arm, disarm, judge) in enumerate(points):
            if i < self.first:
                continue
            self.emit(start=i, label=label)
            outcome, exc_info, problems, got = self.once(arm, disarm)
            if got[1] == 0:
                self.emit(run=i, label=label, injected=0, outcome=outcome, problems=[])
                continue
            problems += judge(outcome, exc_info) if self.kind == "alloc" else \
                judge(outcome, exc_info, self.site())
            offsets = self.where() if self.where else []  # before the reruns fail it again
            refs = self.ref_growth(arm, disarm) if self.refs else 0
            if refs > 0:
                # A growth counts only if the same run grows the count every time again.
                again = [self.ref_growth(arm, disarm) for _ in range(3)]
                if all(r > 0 for r in again):
                    problems.append(f"references leaked: {[refs] + again}")
            notes = []
            if problems and offsets:
                at = where_text(self.so, offsets)
                problems = [f"{p} (at {at})" for p in problems]
                if at.startswith("sock_new "):
                    # socket(fileno=fd) failed before it held fd: fd is still the caller's, as
                    # with the built-in module (Lib/socket.py's socketpair() and the workload
                    # then drop it).  csocket had made no descriptor for this object.
                    notes = [p for p in problems if p.startswith("descriptors")]
                    problems = [p for p in problems if not p.startswith("descriptors")]
            self.emit(run=i, label=label, injected=got[1], outcome=outcome, problems=problems,
                      refs=refs, notes=notes)
        self.emit(done=True, covered=sorted(getattr(self.scen, "covered", set)()))

    def baseline(self, arm, disarm):
        self.ref_base = 0
        if self.refs:
            self.ref_base = min(self.ref_growth(arm, disarm) for _ in range(3))

    # -- allocation torture: count, then fail the 1st, 2nd, ... of csocket's allocations
    def alloc_points(self, af):
        for _ in range(2):  # warm caches: the count and the reference baseline
            self.once(lambda: af.arm(0), af.disarm)
        self.baseline(lambda: af.arm(0), af.disarm)
        outcome, exc_info, problems, (count, _) = self.once(lambda: af.arm(0), af.disarm)
        if outcome != "ok" or problems:
            raise SystemExit(f"{self.name} fails with no fault injected: {outcome} {exc_info} "
                             f"{problems}")
        self.emit(count=count)

        def judge(outcome, exc_info):
            if outcome in ("ok", "MemoryError"):
                return []
            return [f"ended in {outcome}, not MemoryError: {exc_info[2]}"]

        most = int(os.environ.get("TORTURE_MAX_RUNS", "1000000"))
        return [(f"alloc {n}/{count}", (lambda n=n: af.arm(n)), af.disarm, judge)
                for n in spread(count, most)]

    # -- system-call torture: count each function's calls, then fail each call with each errno
    def syscall_points(self):
        import ctypes
        from csocket import _csocket
        lib = ctypes.CDLL(None)
        for fn in ("syscallfail_arm", "syscallfail_calls"):
            if not hasattr(lib, fn):
                raise SystemExit("syscallfail.so is not preloaded")
        lib.syscallfail_calls.restype = ctypes.c_long
        lib.syscallfail_injected.restype = ctypes.c_long
        lib.syscallfail_site.restype = ctypes.c_long
        if lib.syscallfail_watch(os.path.realpath(_csocket.__file__).encode()) != 0:
            raise SystemExit("csocket's extension is not loaded")

        def arm(name=None, nth=0, err=0):
            if lib.syscallfail_arm(name and name.encode(), ctypes.c_long(nth), err) != 0:
                raise SystemExit(f"the shim does not know {name}")

        def disarm():
            lib.syscallfail_disarm()
            return None, lib.syscallfail_injected()

        so = _csocket.__file__

        def site():
            """(the function that made the failed call, the argument that tells its calls apart:
            flags, or level << 16 | option), looked up lazily."""
            offset, arg = lib.syscallfail_site(), lib.syscallfail_arg()
            return lambda: (where_text(so, [offset]).split(" ")[0], arg)
        self.site = site

        for _ in range(2):
            self.once(arm, disarm)
        self.baseline(arm, disarm)
        outcome, exc_info, problems, _ = self.once(arm, disarm)
        counts = {f: lib.syscallfail_calls(f.encode()) for f in self.scen.ERRNOS}
        if outcome != "ok" or problems:
            raise SystemExit(f"{self.name} fails with no fault injected: {outcome} {exc_info} "
                             f"{problems}")
        counts = {f: c for f, c in counts.items() if c > 0}
        self.emit(count=sum(counts.values()), calls=counts)
        mode = self.scen.MODES.get(self.name, "blocking")
        most = int(os.environ.get("TORTURE_MAX_RUNS", "1000000"))
        points = []
        for f, c in sorted(counts.items()):
            for err in self.scen.ERRNOS[f]:
                judge = self.syscall_judge(f, err, mode)
                for n in spread(c, most):
                    points.append((f"{f} {n}/{c} {errno.errorcode[err]}",
                                   (lambda f=f, n=n, err=err: arm(f, n, err)), disarm, judge))
        return points

    def syscall_judge(self, func, err, mode):
        import csocket.socket as consts
        retried = self.scen.retried(func, err, mode)

        def judge(outcome, exc_info, site):
            if retried:
                if outcome == "ok":
                    return []
                return [f"{func} {errno.errorcode[err]} not retried: {outcome}: "
                        f"{exc_info[2] if exc_info else ''} (in {site()[0]})"]
            if outcome == "ok":
                return [] if self.scen.may_absorb(func, err, *site()) else [
                    f"{func} {errno.errorcode[err]} vanished: the call reported success "
                    f"(in {site()[0]})"]
            etype, eno, detail = exc_info
            if func in ("malloc", "realloc"):
                want, want_errno = MemoryError, None
            elif func in ("getaddrinfo", "getnameinfo") and err in (errno.ENOMEM, errno.EAGAIN):
                want = consts.gaierror
                want_errno = consts.EAI_MEMORY if err == errno.ENOMEM else consts.EAI_AGAIN
            else:
                want, want_errno = type(OSError(err, "x")), err
            if etype is want and eno == want_errno:
                return []
            return [f"{func} {errno.errorcode[err]}: raised {etype.__name__} errno {eno}, "
                    f"expected {want.__name__} errno {want_errno} (in {site()[0]}): {detail}"]
        return judge


# ---- the parent ------------------------------------------------------------------------------

covered = set()  # what the children's scenarios called


def run_scenario(kind, name):
    """All of one scenario's runs, in as many children as crashes and hangs take."""
    tally = dict(runs=0, injected=0, crashes=0, hangs=0, fd_leaks=0, ref_leaks=0, data=0,
                 wrong=0, caller_fds=0)
    findings, first, count = [], 0, None
    while True:
        cmd = [sys.executable, "-X", "faulthandler", "-W", "ignore::ResourceWarning",
               os.path.abspath(__file__), "child", kind, name, str(first)]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ)
        started, done, buf = None, False, b""
        deadline = time.monotonic() + RUN_DEADLINE * 3  # the counting runs
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if not sel.select(left):
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                msg = json.loads(line)
                deadline = time.monotonic() + RUN_DEADLINE
                if "count" in msg:
                    count = msg["count"]
                elif "start" in msg:
                    started = msg
                elif "run" in msg:
                    started = None
                    tally["runs"] += 1
                    tally["injected"] += msg["injected"]
                    tally["caller_fds"] += len(msg.get("notes", ()))
                    for prob in msg["problems"]:
                        findings.append(f"{name} [{msg['label']}]: {prob}")
                        key = ("fd_leaks" if "descriptors" in prob else
                               "ref_leaks" if "references" in prob else
                               "data" if "DATA MISMATCH" in prob else "wrong")
                        tally[key] += 1
                elif "done" in msg:
                    done = True
                    covered.update(msg.get("covered", ()))
        sel.close()
        hung = p.poll() is None
        if hung:
            p.kill()
        p.wait()
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        p.stdout.close()
        if done and p.returncode == 0:
            break
        where = started["label"] if started else "before the first injection"
        tail = "\n        ".join(err.strip().splitlines()[-15:])
        if started is None:
            tally["crashes"] += 1
            findings.append(f"{name} [{where}]: child failed (exit {p.returncode}): {tail}")
            break
        tally["hangs" if hung else "crashes"] += 1
        tally["runs"] += 1
        tally["injected"] += 1
        findings.append(f"{name} [{where}]: {'hang' if hung else f'crash (exit {p.returncode})'}"
                        f": {tail}")
        first = started["start"] + 1
    unit = "allocations" if kind == "alloc" else "calls"
    line = (f"torture {kind}: {name}: {count} {unit} counted, {tally['runs']} runs, "
            f"{tally['injected']} injected")
    return tally, findings, line


def parent(kind):
    sys.path.insert(0, HERE)
    if kind == "alloc":
        import alloc_scenarios as scen
    else:
        import syscall_scenarios as scen
    from concurrent.futures import ThreadPoolExecutor
    t0 = time.monotonic()
    totals = dict(scenarios=0, runs=0, injected=0, crashes=0, hangs=0, fd_leaks=0, ref_leaks=0,
                  data=0, wrong=0, caller_fds=0)
    findings = []
    jobs = int(os.environ.get("TORTURE_JOBS", "2"))
    with ThreadPoolExecutor(jobs) as pool:
        # The longest first, so that the pool ends together.
        names = sorted(scen.SCENARIOS, key=lambda n: -scen.WEIGHT.get(n, 1))
        for name, (tally, found, line) in zip(names, pool.map(lambda n: run_scenario(kind, n),
                                                                names)):
            print(line, flush=True)
            totals["scenarios"] += 1
            for k, v in tally.items():
                totals[k] += v
            findings += found
    if hasattr(scen, "uncovered"):
        print(f"torture {kind}: callables no scenario reaches: {scen.uncovered(covered) or 'none'}")
    for f in findings:
        print(f"  FINDING {f}")
    if totals["caller_fds"]:
        print(f"torture {kind}: {totals['caller_fds']} runs failed socket(fileno=fd) before it "
              f"held fd, which stays the caller's (the built-in module's rule); not counted as "
              f"leaks")
    secs = time.monotonic() - t0
    print(f"torture {kind}: {totals['scenarios']} scenarios, {totals['runs']} runs, "
          f"{totals['injected']} injected failures, {totals['crashes']} crashes, "
          f"{totals['fd_leaks']} leaked fds, {totals['ref_leaks']} leaked refs, "
          f"{totals['data']} lost/duplicated bytes, {totals['hangs']} hangs, "
          f"{totals['wrong']} wrong outcomes; {secs:.0f} s", flush=True)
    out = os.environ.get("TORTURE_RESULT")
    if out:
        totals["seconds"] = round(secs)
        with open(out, "w") as fh:
            json.dump(totals, fh)
    return 1 if findings else 0


def main():
    if sys.argv[1] == "child":
        sys.path.insert(0, HERE)
        Child(sys.argv[2], sys.argv[3], int(sys.argv[4])).run()
        return 0
    return parent(sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
