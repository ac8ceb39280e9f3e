"""pytest plugin: hunt reference and memory-block leaks the way regrtest's -R does.

Needs a debug interpreter (sys.gettotalrefcount).  With `-p refleak_plugin --refleak=W:R` every
csocket test runs W + R times, each a full setup/call/teardown; after each run the collector runs
and the interpreter's total reference count and allocated blocks are read.  A test leaks when
every one of its last R runs grew a count (regrtest's rule: one growth is a cache filling), and
a second measurement of W + 3R runs shows it in every run again (a cache stops growing).
Tests using hypothesis (by @given, or marked `generated` where the hypothesis test is
made inside) or starting child processes are held to references only: both grow the
measuring process's memory blocks by varying amounts that are not csocket's.

Cases parametrized over the built-in module ("builtin") are not run for themselves.  When a
csocket case grows, its built-in twin is measured the same way: if the twin grows as well, the
growth is the test's own machinery (pytest.raises, warnings, caches) and is listed, not failed.
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
    """Generated tests draw the same examples on every run and keep no example database, so a
    run allocates what the one before it freed."""
    try:
        from hypothesis import settings
    except ImportError:
        return
    settings.register_profile("refleak", database=None, derandomize=True, print_blob=False)
    settings.load_profile("refleak")


def _is_builtin_case(item):
    return "[builtin" in item.nodeid or "-builtin" in item.nodeid


class RefleakHunter:
    def __init__(self, warmup, reps):
        self.warmup = warmup
        self.reps = reps
        self.leaks = []
        self.as_builtin = []
        self.measured = 0
        self.refs_only = 0
        self.twins = {}
        self.spawned = False
        # Note when a test starts a child process (subprocess.Popen underlies run, check_output
        # and the fixtures that run csocket in a child).
        import subprocess
        hunter, init = self, subprocess.Popen.__init__

        def popen_init(popen, *args, **kwargs):
            hunter.spawned = True
            init(popen, *args, **kwargs)

        subprocess.Popen.__init__ = popen_init

    def pytest_collection_modifyitems(self, session, config, items):
        self.twins = {item.nodeid: item for item in items if _is_builtin_case(item)}
        kept = [item for item in items if not _is_builtin_case(item)]
        config.hook.pytest_deselected(items=list(self.twins.values()))
        items[:] = kept

    def pytest_collection_finish(self, session):
        # Everything alive now (pytest, the test modules) moves to the permanent generation:
        # each collection then walks only what the tests made, not the whole heap, which in a
        # debug interpreter is the difference between minutes and seconds.
        gc.collect()
        gc.freeze()

    def _measure(self, item, reps=None):
        """Run `item` W + R times (or W + reps); its last reports and the deltas of its measured
        runs."""
        n = self.warmup + (reps or self.reps)
        # As regrtest does: deltas go into lists made beforehand (small ints are cached) and the
        # previous counts are rebound, so measuring allocates nothing that outlives a run.
        ref_deltas = [0] * n
        block_deltas = [0] * n
        reports = None
        gc.collect()
        refs_before, blocks_before = sys.gettotalrefcount(), sys.getallocatedblocks()
        for i in range(n):
            # nextitem=None: every run tears everything down, so each starts as the first did.
            reports = runtestprotocol(item, nextitem=None, log=False)
            gc.collect()
            refs_after, blocks_after = sys.gettotalrefcount(), sys.getallocatedblocks()
            ref_deltas[i] = refs_after - refs_before
            block_deltas[i] = blocks_after - blocks_before
            refs_before, blocks_before = refs_after, blocks_after
            if any(r.failed or r.skipped for r in reports):
                return reports, None  # reported as it is; nothing to measure
        return reports, (ref_deltas[self.warmup:], block_deltas[self.warmup:])

    def _grew(self, item, deltas, spawned):
        refs, blocks = deltas
        checks = [("references", refs)]
        generated = getattr(item.obj, "is_hypothesis_test", False) or \
            item.get_closest_marker("generated") is not None
        if generated or spawned:
            # Hypothesis grows its own caches by a varying number of blocks on every run, and so
            # does starting a child process (whose csocket is not measured here anyway): such
            # tests are held to references only.
            self.refs_only += 1
        else:
            checks.append(("memory blocks", blocks))
        return {what for what, d in checks if all(x >= 1 for x in d)}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        ihook = item.ihook
        ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        self.spawned = False
        reports, deltas = self._measure(item)
        if deltas is not None:
            self.measured += 1
            grew = self._grew(item, deltas, self.spawned)
            if grew:
                # A growth of a block or two in each of three runs also comes from the
                # interpreter filling a cache or a free list over a few runs: a leak is one that
                # a second, three times longer measurement shows in every run again.
                self.spawned = False
                _, again = self._measure(item, 3 * self.reps)
                grew = grew & self._grew(item, again, self.spawned) if again else set()
                deltas = again or deltas
            twin = self.twins.get(item.nodeid.replace("csocket", "builtin"))
            if grew and twin is not None:
                self.spawned = False
                _, twin_deltas = self._measure(twin)
                if twin_deltas is not None and grew <= self._grew(twin, twin_deltas,
                                                                  self.spawned):
                    self.as_builtin.append(item.nodeid)
                    grew = set()
            if grew:
                msg = (f"leaked {' and '.join(sorted(grew))}: refs {deltas[0]}, "
                       f"blocks {deltas[1]}")
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
                      f"{self.warmup} warm-up runs ({self.refs_only} generated or child-process ones "
                      f"for references only); {len(self.leaks)} leaking; {len(self.as_builtin)} growing as much "
                      f"under the built-in module")
        for nodeid in self.as_builtin:
            tr.write_line(f"  same as built-in: {nodeid}")
        for nodeid, msg in self.leaks:
            tr.write_line(f"  LEAK {nodeid}: {msg}")
