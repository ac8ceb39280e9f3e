"""Run the comparison: start the peer, then give every round, workload and contender a fresh process.

Rounds are interleaved (built-in, csocket, C limit, built-in, csocket, ...) so that a machine that
drifts during the run drifts for every contender alike.  Python contenders are pyperf workers whose
loop count is calibrated once per workload (on the built-in module) and then fixed; the C client
calibrates the same way.  Each process's peak RSS comes from the kernel (wait4), not from the
process itself.  The result is one JSON document (see report.py for what is shown from it).

CPU placement (--cpus): by default the peer and every measured process share one CPU.  On a
virtual machine a wake-up across CPUs can cost tens of microseconds and vary tenfold with where the
scheduler happens to put the two ends, which would measure the scheduler rather than the socket
layer; on one CPU a ping-pong costs what its system calls cost.  "split" puts the peer on another
CPU, "none" leaves placement to the kernel.
"""
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench.workloads import WORKLOADS

CONTENDERS = ("builtin", "csocket", "c")
MODES = {
    # rounds: fresh processes per contender and workload; values: timed values per process.
    "quick": {"rounds": 3, "values": 3, "warmups": 1, "min_time": 0.04, "cpus": "same"},
    "full": {"rounds": 10, "values": 3, "warmups": 1, "min_time": 0.1, "cpus": "same"},
}
NOT_AVAILABLE = 3
PROCESS_TIMEOUT = 120.0


# The harness lives in the checkout's bench/ folder, never in the installed package.
ROOT = Path(__file__).resolve().parents[1]


def find_binaries():
    """The directory holding the compiled C peer and client (`make bench` builds them), or None."""
    candidates = []
    if os.environ.get("CSOCKET_BENCH_BIN"):
        candidates.append(Path(os.environ["CSOCKET_BENCH_BIN"]))
    candidates.append(ROOT / "build" / "bench")
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in ("peer", "client")):
            return directory
    return None


def _child_env():
    """The environment of every child: the csocket this process imported first on the path (a
    build variant's, under the sanitizers), then the checkout for the bench package itself."""
    import csocket

    env = dict(os.environ)
    package_parent = str(Path(csocket.__file__).resolve().parents[1])
    path = (package_parent, str(ROOT), env.get("PYTHONPATH"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
    return env


def placement(mode):
    """(peer CPUs, measured-process CPUs) for a --cpus mode; None means "leave it to the kernel"."""
    if mode == "none" or not hasattr(os, "sched_getaffinity"):
        return None, None
    allowed = sorted(os.sched_getaffinity(0))
    peer = {allowed[-1]}
    return peer, (peer if mode == "same" or len(allowed) < 2 else {allowed[0]})


def pin(pid, cpus):
    """Move every thread of process pid to cpus (threads it starts later inherit it)."""
    if cpus is None:
        return
    task_dir = "/proc/%d/task" % pid
    tids = os.listdir(task_dir) if os.path.isdir(task_dir) else [pid]
    for tid in tids:
        try:
            os.sched_setaffinity(int(tid), cpus)
        except OSError:
            pass  # the thread has exited meanwhile


class Peer:
    """The far end of the loopback workloads, one process for the whole run."""

    def __init__(self, bindir, cpus=None):
        if bindir is not None:
            argv, self.kind = [str(bindir / "peer")], "c"
        else:
            argv, self.kind = [sys.executable, "-m", "bench.pypeer"], "python"
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env())
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("the benchmark peer (%s) did not start" % " ".join(argv))
        self.ports = json.loads(line)
        pin(self.proc.pid, cpus)  # all its listening threads exist once it has printed the ports

    def port(self, service):
        return self.ports[service] if service else 0

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


class Outcome:
    def __init__(self, returncode, out, err, maxrss_kib):
        self.returncode, self.out, self.err, self.maxrss_kib = returncode, out, err, maxrss_kib

    def reason(self):
        """The last meaningful line the process printed (for n/a and error reports)."""
        lines = [line for line in (self.err + "\n" + self.out).splitlines() if line.strip()]
        text = lines[-1].strip() if lines else "exit status %s" % self.returncode
        if text.startswith("{"):  # the C client says n/a in its JSON line
            try:
                return json.loads(text).get("na", text)
            except ValueError:
                pass
        return text[4:].strip() if text.startswith("n/a:") else text


def spawn(argv, timeout=PROCESS_TIMEOUT, cpus=None):
    """Run argv to completion; its peak RSS comes from wait4, so the child need not report it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=_child_env())
        pin(proc.pid, cpus)  # long before a Python worker has even finished starting
        done = threading.Event()

        def kill():
            if not done.is_set():
                os.kill(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            done.set()
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Outcome(
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss,
        )


def python_argv(contender, workload, port):
    argv = [sys.executable, "-m"]
    if contender == "csocket":
        argv += ["csocket", "run", "-m"]
    return argv + ["bench.worker", "--contender", contender, "--workload", workload, "--port", str(port)]


class Cell:
    """What one contender gave for one workload over all rounds."""

    def __init__(self):
        self.runs = []  # pyperf.Run objects
        self.rss_kib = []
        self.na = None  # the contender lacks this workload (a reason)
        self.error = None  # the workload failed (a reason)

    def finished(self):
        return self.na is not None or self.error is not None


class Bench:
    def __init__(self, workloads, contenders, settings, bindir, log=print):
        self.workloads = workloads
        self.contenders = [c for c in contenders if c != "c" or bindir is not None]
        self.settings = settings
        self.bindir = bindir
        self.log = log
        self.loops = {}
        self.peer_cpus, self.cpus = placement(settings["cpus"])
        self.cells = {(w.name, c): Cell() for w in workloads for c in CONTENDERS}
        for (name, contender), cell in self.cells.items():
            if contender not in contenders:
                cell.na = "not selected"
            elif contender not in self.contenders:
                cell.na = "C client not built (make bench in a source checkout)"

    # ---- one process ---------------------------------------------------------------------------

    def _pyperf_args(self, loops, output):
        s = self.settings
        args = ["--worker", "--warmups", str(s["warmups"]), "--values", str(s["values"])]
        args += ["--min-time", str(s["min_time"]), "--output", output]
        return args + (["--loops", str(loops)] if loops else ["--calibrate-loops"])

    def _python_once(self, workload, contender, port, loops):
        import pyperf

        with tempfile.TemporaryDirectory(prefix="csocket-bench-") as tmp:
            output = os.path.join(tmp, "run.json")
            argv = python_argv(contender, workload.name, port) + self._pyperf_args(loops, output)
            outcome = spawn(argv, cpus=self.cpus)
            run = None
            if outcome.returncode == 0:
                run = pyperf.Benchmark.load(output).get_runs()[0]
        return outcome, run

    def _c_once(self, workload, port, loops):
        import pyperf

        s = self.settings
        argv = [str(self.bindir / "client"), workload.name, "--port", str(port), "--min-time", str(s["min_time"])]
        argv += ["--values", str(s["values"]), "--warmups", str(s["warmups"])]
        argv += ["--loops", str(loops)] if loops else []
        outcome = spawn(argv, cpus=self.cpus)
        if outcome.returncode != 0:
            return outcome, None
        data = json.loads(outcome.out.splitlines()[-1])
        metadata = {"name": workload.name, "loops": data["loops"], "unit": "second", "contender": "c"}
        warmups = [tuple(w) for w in data["warmups"]]
        return outcome, pyperf.Run(data["values"], warmups=warmups, metadata=metadata, collect_metadata=False)

    def _once(self, workload, contender, port, record=True):
        """One fresh process; returns its pyperf run (None if the contender could not run it)."""
        cell = self.cells[(workload.name, contender)]
        loops = self.loops.get((workload.name, contender), 0)
        if contender == "c":
            outcome, run = self._c_once(workload, port, loops)
        else:
            outcome, run = self._python_once(workload, contender, port, loops)
        if outcome.returncode == NOT_AVAILABLE:
            cell.na = outcome.reason()
        elif run is None:
            cell.error = outcome.reason()
            self.log("\n  %s / %s failed: %s" % (workload.name, contender, cell.error))
        elif record:
            cell.runs.append(run)
            cell.rss_kib.append(outcome.maxrss_kib)
        return run

    # ---- the whole run -------------------------------------------------------------------------

    def calibrate(self, peer):
        """Fix the loop count per workload: pyperf calibrates it on the built-in module (csocket
        gets the same count, so both do the same work per value); the C client calibrates itself."""
        self._progress("calibrating")
        for w in self.workloads:
            port = peer.port(w.service)
            for contender in ("builtin", "csocket"):
                if contender in self.contenders and not self.cells[(w.name, contender)].finished():
                    run = self._once(w, contender, port, record=False)
                    if run is not None:
                        loops = run.get_metadata()["calibrate_loops"]
                        self.loops[(w.name, "builtin")] = self.loops[(w.name, "csocket")] = loops
                        break
            self.log(".", end="", flush=True)
        self.log("")

    def rounds(self, peer):
        for r in range(self.settings["rounds"]):
            self._progress("round %d/%d" % (r + 1, self.settings["rounds"]))
            for w in self.workloads:
                port = peer.port(w.service)
                for contender in self.contenders:
                    if self.cells[(w.name, contender)].finished():
                        continue
                    run = self._once(w, contender, port)
                    if contender == "c" and run is not None:
                        self.loops[(w.name, "c")] = run.get_metadata()["loops"]
                self.log(".", end="", flush=True)
            self.log("")

    def _progress(self, what):
        self.log("%-13s" % (what + ":"), end="", flush=True)


class CpuWatch:
    """How much CPU other processes took while we measured: the machine is shared (builds, tests),
    and a busy neighbour widens every spread, so the report says so instead of hiding it."""

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        import resource
        import time

        busy = None
        try:
            with open("/proc/stat") as f:
                fields = [int(x) for x in f.readline().split()[1:9]]
            # user, nice, system and steal: interrupt time is left out because the loopback traffic
            # of our own processes is accounted there, not to them.
            busy = (fields[0] + fields[1] + fields[2] + fields[7]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
        own = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                  for f in ("ru_utime", "ru_stime"))
        return time.monotonic(), busy, own

    def other_cpus(self):
        """CPUs' worth of work done by processes other than ours, on average (0 on a quiet machine)."""
        (t0, busy0, own0), (t1, busy1, own1) = self.start, self._sample()
        if busy0 is None or busy1 is None or t1 <= t0:
            return None
        return max(0.0, (busy1 - busy0) - (own1 - own0)) / (t1 - t0)


def machine():
    """What the numbers were measured on (the README quotes it next to the table)."""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
        "libc": " ".join(platform.libc_ver()),
        "python": "%s %s" % (platform.python_implementation(), platform.python_version()),
        "python_executable": sys.executable,
    }


def _cell_summary(cell):
    if cell.error is not None:
        return {"error": cell.error}
    if cell.na is not None or not cell.runs:
        return {"na": cell.na or "no runs"}
    import pyperf

    bench = pyperf.Benchmark(cell.runs)
    values = bench.get_values()
    return {
        "ops_median": 1.0 / bench.median(),
        "ops_min": 1.0 / max(values),
        "ops_max": 1.0 / min(values),
        "values": len(values),
        "processes": len(cell.runs),
        "loops": sorted({run.get_loops() for run in cell.runs}),
        "peak_rss_kib": max(cell.rss_kib),
    }


def result_document(bench, mode, peer_kind, other_cpus=None):
    from csocket._version import __version__

    workloads = []
    for w in bench.workloads:
        results = {c: _cell_summary(bench.cells[(w.name, c)]) for c in CONTENDERS}
        workloads.append({"name": w.name, "title": w.title, "service": w.service, "target": w.target, "results": results})
    return {
        "schema": 1,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": mode,
        "settings": dict(bench.settings),
        "machine": machine(),
        "csocket_version": __version__,
        "peer": peer_kind,
        "other_cpus": other_cpus,
        "workloads": workloads,
    }


def pyperf_suites(bench):
    """Per contender, a pyperf suite of all runs, for `python -m pyperf compare_to` and friends."""
    import pyperf

    suites = {}
    for contender in CONTENDERS:
        benchmarks = [pyperf.Benchmark(bench.cells[(w.name, contender)].runs)
                      for w in bench.workloads if bench.cells[(w.name, contender)].runs]
        if benchmarks:
            suites[contender] = pyperf.BenchmarkSuite(benchmarks)
    return suites


def run(workloads, contenders, settings, mode, force_python_peer=False, log=print):
    bindir = find_binaries()
    bench = Bench(workloads, contenders, settings, bindir, log=log)
    peer = Peer(None if force_python_peer else bindir, bench.peer_cpus)
    watch = CpuWatch()
    try:
        bench.calibrate(peer)
        bench.rounds(peer)
    finally:
        peer.close()  # reaped, so its CPU time counts as ours
    return result_document(bench, mode, peer.kind, watch.other_cpus()), pyperf_suites(bench)


def selected(only):
    """The workloads named in `only` (comma-separated names or prefixes), all of them if empty."""
    if not only:
        return list(WORKLOADS)
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    chosen = [w for w in WORKLOADS if any(w.name == n or w.name.startswith(n) for n in wanted)]
    if not chosen:
        raise SystemExit("no workload matches %r; workloads: %s" % (only, ", ".join(w.name for w in WORKLOADS)))
    return chosen
