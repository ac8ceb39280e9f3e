"""pytest plugin: hunt reference and memory-block leaks the way regrtest's -R does.

Needs a debug interpreter (sys.gettotalrefcount).  With `-p refleak_plugin --refleak=W:R` every
test runs W + R times, each a full setup/call/teardown; after each run the collector runs and the
interpreter's total reference count and allocated blocks are read.  A test leaks when every one
of its last R runs grew the count (regrtest's rule: a single growth is a cache filling, not a
leak).  Leaking tests fail with the per-run deltas.
"""
import gc
import sys

import pytest
from _pytest.runner import runtestprotocol


def pytest_addoption(parser):
    parser.addoption("--refleak", default=None, metavar="W:R",
                     help="run each test W times to warm up, then R times measuring leaks")


def pytest_configure(config):
    spec = config.getoption("--refleak")
    if spec:
        if not hasattr(sys, "gettotalrefcount"):
            raise pytest.UsageError("--refleak needs a debug build of Python")
        warmup, reps = (int(x) for x in spec.split(":"))
        config.pluginmanager.register(RefleakHunter(warmup, reps), "refleak-hunter")
        _steady_hypothesis()


def _steady_hypothesis():
    """Generated tests draw the same examples on every run, and keep no example database, so a
    run allocates what the one before it freed (random draws fill caches of varying size)."""
    try:
        from hypothesis import settings
    except ImportError:
        return
    settings.register_profile("refleak", database=None, derandomize=True, print_blob=False)
    settings.load_profile("refleak")


class RefleakHunter:
    def __init__(self, warmup, reps):
        self.warmup = warmup
        self.reps = reps
        self.leaks = []
        self.measured = 0
        self.refs_only = 0

    @staticmethod
    def _counts():
        gc.collect()
        gc.collect()
        return sys.gettotalrefcount(), sys.getallocatedblocks()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        ihook = item.ihook
        ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        history = []
        reports = []
        for i in range(self.warmup + self.reps):
            before = self._counts()
            # nextitem=None: every run tears everything down, so each starts as the first did.
            reports = runtestprotocol(item, nextitem=None, log=False)
            after = self._counts()
            history.append((after[0] - before[0], after[1] - before[1]))
            if any(r.failed or r.skipped for r in reports):
                break  # a failure or skip is reported as it is; nothing to measure
        else:
            self.measured += 1
            tail = history[self.warmup:]
            refs = [d[0] for d in tail]
            blocks = [d[1] for d in tail]
            checks = [("references", refs)]
            if not getattr(item.obj, "is_hypothesis_test", False):
                # Hypothesis grows its own caches by a varying number of blocks on every run;
                # its tests are held to references only.
                checks.append(("memory blocks", blocks))
            else:
                self.refs_only += 1
            leaked = [what for what, deltas in checks if all(d >= 1 for d in deltas)]
            if leaked:
                msg = f"leaked {' and '.join(leaked)}: refs {refs}, blocks {blocks}"
                self.leaks.append((item.nodeid, msg))
                for r in reports:
                    if r.when == "call":
                        r.outcome = "failed"
                        r.longrepr = msg
        for r in reports:
            ihook.pytest_runtest_logreport(report=r)
        ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        return True

    def pytest_terminal_summary(self, terminalreporter):
        tr = terminalreporter
        tr.write_line(f"refleak: {self.measured} tests measured over {self.reps} runs after "
                      f"{self.warmup} warm-up runs ({self.refs_only} generated ones for references "
                      f"only); {len(self.leaks)} leaking")
        for nodeid, msg in self.leaks:
            tr.write_line(f"  LEAK {nodeid}: {msg}")
