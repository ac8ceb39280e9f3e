"""Run CPython's own socket test suites twice -- built-in _socket, then csocket -- and compare.

Each suite runs in-process in a child interpreter (regrtest's worker processes would load the
built-in module), one child per implementation, with a per-test watchdog: a test that hangs is
recorded as "hang" and the child is restarted after it, so one hang never stalls the run.  The two
children of a suite run side by side (--jobs 2, the default); a test where they differ is then run
again alone, three times under each module, and is a gap only if csocket still does worse there,
so a test that only the load of the parallel run upsets is reported but does not fail the run.

A test is a csocket-only gap when csocket fails, errors, hangs or never runs it where the built-in
module does not, or skips it where the built-in module passes.  Known gaps are listed in
known_gaps.txt (one test id per line, '#' starts a comment).  The run fails on a gap not in the list
and on a listed test that is no longer a gap, so the list can only shrink.

    python tests/stdlib/run_stdlib.py [--modules test_socket ...] [--timeout 30]
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODULES = ["test_socket", "test_timeout", "test_selectors", "test_ssl",
                   "test_asyncio.test_sock_lowlevel", "test_httplib", "test_urllib2_localnet",
                   "test_ftplib", "test_smtplib", "test_poplib"]
# Tests not run under either module (so parity is unaffected):
DEFAULT_IGNORE = [
    # hangs with the built-in module too on VMs without a vsock host (see DEVELOPERS.md)
    "*ThreadedVSOCKSocketStreamTest*",
    # looks up malformed names such as '0.1.1.~1', which reach the off-machine DNS server
    "*.test_host_resolution_bad_address",
    # as root, really renames this machine for the length of the test
    "*.test_sethostname",
]
BAD = {"fail", "error", "hang", "missing", "xpass"}


# ---- child: run one module under one implementation, one JSON line per test ---------------------

def child_main(args):
    if args.impl == "csocket":
        import csocket

        csocket.install()
    import signal
    import unittest

    from test import support

    # regrtest's defaults: no optional resources (so no network), quiet.
    support.use_resources = []
    support.verbose = 0
    # Results must not depend on how the run was started (a backgrounded shell ignores SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            done = {json.loads(line)["id"] for line in f if line.strip()}

    suite = unittest.defaultTestLoader.loadTestsFromName("test." + args.module)
    only = set(args.only or ())
    tests = [t for t in iter_tests(suite)
             if t.id() not in done and not any(fnmatch.fnmatch(t.id(), p) for p in args.ignore)
             and (not only or t.id() in only)]

    out = open(args.out, "a", buffering=1)
    result = JsonResult(out)
    watchdog = threading.Thread(target=watch, args=(result, args.timeout, out), daemon=True)
    watchdog.start()
    workdir = tempfile.mkdtemp(prefix="csocket-stdlib-")
    os.chdir(workdir)  # tests create AF_UNIX sockets and files in the current directory
    unittest.TestSuite(tests).run(result)
    result.finish()
    out.close()
    os._exit(0)  # do not wait for threads a broken test may have left behind


def iter_tests(suite):
    for item in suite:
        if hasattr(item, "__iter__"):
            yield from iter_tests(item)
        else:
            yield item


class JsonResult:
    """A unittest result that writes each test's outcome as soon as it is known."""

    failfast = False
    shouldStop = False
    buffer = False
    tb_locals = False

    def __init__(self, out):
        self.out = out
        self.current = None
        self.started = 0.0
        self.outcome = {}
        self._lock = threading.Lock()

    # Bookkeeping unittest expects of a result object.
    testsRun = 0
    _moduleSetUpFailed = False
    _previousTestClass = None
    _testRunEntered = False

    def startTestRun(self):
        pass

    def stopTestRun(self):
        pass

    def startTest(self, test):
        with self._lock:
            self.current = test.id()
            self.started = time.monotonic()
            self.outcome[self.current] = ("pass", "")

    def stopTest(self, test):
        with self._lock:
            tid = test.id()
            kind, detail = self.outcome.pop(tid, ("pass", ""))
            seconds = time.monotonic() - self.started if self.current == tid else 0.0
            self.write(tid, kind, detail, seconds)
            self.current = None

    def write(self, tid, kind, detail, seconds=0.0):
        line = json.dumps({"id": tid, "outcome": kind, "detail": detail[-2000:],
                           "seconds": round(seconds, 3)})
        self.out.write(line + "\n")
        self.out.flush()

    def _set(self, test, kind, detail=""):
        tid = test.id()
        with self._lock:
            if type(test).__name__ == "_ErrorHolder":
                # An error outside any test (setUpClass, setUpModule, cleanups): its own record.
                self.write(tid, kind, detail)
                return
            old = self.outcome.get(tid, ("pass", ""))[0]
            if old in BAD and kind not in BAD:
                return  # a failed subtest keeps the test failed
            # From 3.12 a skipped test reports addSkip and stopTest without startTest.
            self.outcome[tid] = (kind, detail)

    @staticmethod
    def _text(err):
        import traceback

        return "".join(traceback.format_exception(*err))

    def addSuccess(self, test):
        pass

    def addFailure(self, test, err):
        self._set(test, "fail", self._text(err))

    def addError(self, test, err):
        self._set(test, "error", self._text(err))

    def addSkip(self, test, reason):
        self._set(test, "skip", str(reason))

    def addExpectedFailure(self, test, err):
        pass

    def addUnexpectedSuccess(self, test):
        self._set(test, "xpass", "unexpected success")

    def addSubTest(self, test, subtest, err):
        if err is not None:
            import unittest

            kind = "fail" if issubclass(err[0], test.failureException) else "error"
            if issubclass(err[0], unittest.SkipTest):
                return
            self._set(test, kind, f"{subtest.id()}: " + self._text(err))

    def addDuration(self, test, elapsed):
        pass

    def wasSuccessful(self):
        return True

    def stop(self):
        self.shouldStop = True

    def finish(self):
        self.out.flush()


def watch(result, timeout, out):
    while True:
        time.sleep(0.5)
        with result._lock:
            current, started = result.current, result.started
        if current is not None and time.monotonic() - started > timeout:
            result.write(current, "hang", f"still running after {timeout} s")
            out.flush()
            os._exit(3)


# ---- parent: run both implementations and compare -----------------------------------------------

def run_impl(module, impl, args, workdir, only=(), tag=""):
    """Run one module (or only the given test ids of it) under one implementation to the end,
    restarting after hangs."""
    out = os.path.join(workdir, f"{module}.{impl}{tag}.jsonl")
    log = os.path.join(workdir, f"{module}.{impl}{tag}.log")
    open(out, "w").close()
    cmd = [sys.executable, os.path.abspath(__file__), "--child", "--module", module,
           "--impl", impl, "--out", out, "--timeout", str(args.timeout)]
    for pattern in args.ignore:
        cmd += ["--ignore", pattern]
    for tid in only:
        cmd += ["--only", tid]
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    for attempt in range(50):
        with open(log, "a") as logf:
            rc = subprocess.call(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env,
                                 stdin=subprocess.DEVNULL)
        if rc != 3:  # 3: the watchdog recorded a hang and asked for a restart
            break
    results = {}
    with open(out) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                results[rec["id"]] = rec
    if rc not in (0, 3):
        results[f"<{module} child exited with status {rc}>"] = {
            "outcome": "error", "detail": f"see {log}"}
    return results


def counts(results):
    c = {"run": 0, "pass": 0, "fail": 0, "error": 0, "skip": 0, "hang": 0}
    for rec in results.values():
        kind = rec["outcome"]
        c["run"] += 1
        key = {"xpass": "fail", "missing": "error"}.get(kind, kind)
        c[key] = c.get(key, 0) + 1
    return c


def gaps_of(builtin, csock):
    """Tests where csocket does worse than the built-in module, with a one-line reason."""
    gaps = {}
    for tid in sorted(set(builtin) | set(csock)):
        b = builtin.get(tid, {"outcome": "missing"})["outcome"]
        c = csock.get(tid, {"outcome": "missing"})
        kind = c["outcome"]
        if (kind in BAD and b not in BAD) or (kind == "skip" and b == "pass"):
            detail = c.get("detail", "").strip().splitlines()
            gaps[tid] = f"{kind} (built-in: {b}): {detail[-1] if detail else ''}"[:300]
    return gaps


def run_both(module, args, workdir):
    """Both implementations over the whole module, side by side unless --jobs 1."""
    res = {}

    def one(impl):
        t0 = time.monotonic()
        res[impl] = run_impl(module, impl, args, workdir)
        res[impl + "_seconds"] = time.monotonic() - t0

    threads = [threading.Thread(target=one, args=(impl,)) for impl in ("builtin", "csocket")]
    for t in threads:
        t.start()
        if args.jobs < 2:
            t.join()
    for t in threads:
        t.join()
    return res


RERUNS = 3


def confirm(module, gaps, args, workdir):
    """Run each candidate gap alone RERUNS times under each module; keep those where csocket
    still does worse.  Returns (confirmed gaps, {test id: note} of those that were not)."""
    ids = sorted(t for t in gaps if not t.startswith("<"))
    bad = {impl: dict.fromkeys(ids, 0) for impl in ("builtin", "csocket")}
    for attempt in range(RERUNS):
        for impl in ("builtin", "csocket"):
            res = run_impl(module, impl, args, workdir, only=ids, tag=f".rerun{attempt}")
            for tid in ids:
                kind = res.get(tid, {"outcome": "missing"})["outcome"]
                bad[impl][tid] += kind in BAD or kind == "skip"
    kept, dropped = {}, {}
    for tid, why in gaps.items():
        if tid.startswith("<") or bad["csocket"][tid] > bad["builtin"][tid]:
            kept[tid] = why
        else:
            dropped[tid] = (f"alone: csocket bad {bad['csocket'][tid]}/{RERUNS}, built-in "
                            f"{bad['builtin'][tid]}/{RERUNS}; in the parallel run: {why}")
    return kept, dropped


def load_known(path):
    known = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                tid = line.split("#", 1)[0].strip()
                if tid:
                    known[tid] = line.split("#", 1)[1].strip() if "#" in line else ""
    return known


def parent_main(args):
    workdir = args.workdir or tempfile.mkdtemp(prefix="csocket-stdlib-runs-")
    os.makedirs(workdir, exist_ok=True)
    print(f"stdlib-test: {sys.executable} {sys.version.split()[0]}; logs in {workdir}",
          flush=True)
    known = load_known(args.gaps)
    all_gaps = {}
    for module in args.modules:
        res = run_both(module, args, workdir)
        for impl in ("builtin", "csocket"):
            c = counts(res[impl])
            print(f"  {module:<32} {impl:<8} run {c['run']:4}  pass {c['pass']:4}  "
                  f"fail {c['fail']:3}  error {c['error']:3}  skip {c['skip']:3}  "
                  f"hang {c['hang']:2}  ({res[impl + '_seconds']:5.1f} s)", flush=True)
        gaps = gaps_of(res["builtin"], res["csocket"])
        if gaps:
            gaps, dropped = confirm(module, gaps, args, workdir)
            for tid, note in sorted(dropped.items()):
                print(f"  not a gap: differed only in the parallel run: {tid}\n            {note}")
        all_gaps.update(gaps)
        better = [t for t in res["builtin"]
                  if res["builtin"][t]["outcome"] in BAD
                  and res["csocket"].get(t, {}).get("outcome") not in BAD | {None}]
        if better:
            print(f"  {module}: {len(better)} test(s) fail only under the built-in module")
    new = {t: why for t, why in all_gaps.items() if t not in known}
    stale = [t for t in known if t not in all_gaps]
    print(f"stdlib-test: Python {sys.version.split()[0]}: {len(all_gaps)} csocket-only gap(s), "
          f"{len(known)} listed in {os.path.relpath(args.gaps)}")
    for tid, why in sorted(new.items()):
        print(f"  NEW GAP   {tid}\n            {why}")
    for tid in stale:
        print(f"  NOW PASSES (remove from the list)  {tid}")
    if args.write_gaps:
        with open(args.gaps, "w") as f:
            f.write(GAPS_HEADER)
            for tid in sorted(all_gaps):
                f.write(f"{tid}  # {known.get(tid) or all_gaps[tid].split(':')[0]}\n")
        print(f"stdlib-test: wrote {len(all_gaps)} entries to {args.gaps}")
        return 0
    if new or stale:
        print("stdlib-test: FAILED (the known-gaps list must match the run exactly)")
        return 1
    print("stdlib-test: OK")
    return 0


GAPS_HEADER = """\
# Tests of CPython's own suites that fail, error, hang or skip only with csocket installed.
# One test id per line; '#' starts the reason.  `make stdlib-test` fails on any gap not listed
# here and on any listed test that now passes, so this list only shrinks.
"""


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--modules", nargs="+", default=DEFAULT_MODULES)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before a test is a hang")
    p.add_argument("--ignore", action="append", default=None,
                   help="fnmatch pattern of test ids not to run (repeatable)")
    p.add_argument("--jobs", type=int, default=2, choices=[1, 2],
                   help="2: run the two modules' children side by side (default); 1: in turn")
    p.add_argument("--gaps", default=os.path.join(HERE, "known_gaps.txt"))
    p.add_argument("--write-gaps", action="store_true",
                   help="rewrite the known-gaps list from this run (for maintainers)")
    p.add_argument("--workdir", help="where results and logs go (default: a new temp dir)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--module", help=argparse.SUPPRESS)
    p.add_argument("--impl", choices=["builtin", "csocket"], help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--only", action="append", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.ignore is None:
        args.ignore = list(DEFAULT_IGNORE)
    if args.child:
        child_main(args)
    return parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
