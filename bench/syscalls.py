"""python -m bench --syscalls: system calls per operation, counted by strace, per contender.

Each key workload runs N and then 2N operations, each in a fresh process under ``strace -f -c``;
the difference divided by N is what one operation costs, with start-up, imports and set-up
cancelled out.  This is where "one system call instead of two" (recv with a timeout: no poll) and
"no mmap/mremap/munmap per recv(262144)" are shown rather than inferred from timings.
"""
import json
import os
import shutil
import tempfile

from bench import report, runner
from bench.workloads import BY_NAME

KEY_WORKLOADS = (
    "recv_into_64",
    "recv_into_64_timeout",
    "sendall_64",
    "sendall_64_timeout",
    "tcp_pingpong_64",
    "settimeout_same",
    "recv_262144",
    "recv_4096",
    "recvfrom_262144",
    "recvfrom_4096",
    "asyncio_protocol_echo",
    "asyncio_datagram_echo",
)
N = 4000
SHOWN = 0.005  # calls per operation below this are start-up noise, not the operation


def _count(contender, workload, port, loops, bindir, cpus):
    """Run one process of `loops` operations under strace -f -c; return ({syscall: calls}, outcome)."""
    with tempfile.TemporaryDirectory(prefix="csocket-strace-") as tmp:
        path = os.path.join(tmp, "counts")
        argv = _argv(contender, workload, port, loops, bindir, tmp)
        outcome = runner.spawn(["strace", "-f", "-c", "-U", "name,calls", "-o", path] + argv, cpus=cpus)
        counts = {}
        if outcome.returncode == 0:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2 and parts[1].isdigit() and parts[0] != "total":
                        counts[parts[0]] = int(parts[1])
    return counts, outcome


def _argv(contender, workload, port, loops, bindir, tmp):
    if contender == "c":
        return [str(bindir / "client"), workload, "--port", str(port), "--loops", str(loops),
                "--warmups", "0", "--values", "1"]
    # The pyperf worker itself, timing one value of `loops` operations: the counts then come from
    # the very process state the timings come from (glibc serves a 256 KiB malloc from the heap
    # or with mmap depending on what the process allocated before, imports included).
    return runner.python_argv(contender, workload, port) + [
        "--worker", "--loops", str(loops), "--warmups", "0", "--values", "1",
        "--output", os.path.join(tmp, "run.json")]


def per_operation(contender, workload, port, bindir, cpus=None):
    """{syscall: calls per operation} for one contender, or a string saying why there is none."""
    one, first = _count(contender, workload, port, N, bindir, cpus)
    two, second = _count(contender, workload, port, 2 * N, bindir, cpus)
    for outcome in (first, second):
        if outcome.returncode != 0:
            return "n/a: " + outcome.reason()
    names = set(one) | set(two)
    calls = {name: (two.get(name, 0) - one.get(name, 0)) / N for name in names}
    return {name: round(v, 3) for name, v in sorted(calls.items(), key=lambda kv: -kv[1]) if v >= SHOWN}


def _line(label, calls):
    if isinstance(calls, str):
        return "  %-9s %s" % (label, calls)
    shown = "  ".join("%s %.2f" % (name, v) for name, v in calls.items()) or "(none)"
    return "  %-9s %5.2f total: %s" % (label, sum(calls.values()), shown)


def main(only, out_dir, force_python_peer=False, cpus="same"):
    if shutil.which("strace") is None:
        print("--syscalls needs strace (Debian: apt-get install strace)")
        return 2
    names = [w.name for w in runner.selected(only)] if only else list(KEY_WORKLOADS)
    bindir = runner.find_binaries()
    contenders = ("builtin", "csocket", "c") if bindir is not None else ("builtin", "csocket")
    peer_cpus, worker_cpus = runner.placement(cpus)
    peer = runner.Peer(None if force_python_peer else bindir, peer_cpus)
    result = {"n": N, "peer": peer.kind, "cpus": cpus, "workloads": {}}
    print("system calls per operation (strace -f -c: runs of %d and %d operations, difference / %d)"
          % (N, 2 * N, N))
    try:
        for name in names:
            port = peer.port(BY_NAME[name].service)
            print(BY_NAME[name].title)
            row = result["workloads"][name] = {}
            for contender in contenders:
                row[contender] = per_operation(contender, name, port, bindir, worker_cpus)
                print(_line(report.LABELS[contender], row[contender]), flush=True)
    finally:
        peer.close()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "syscalls.json" if not only else "syscalls-partial.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("\nwrote " + path)
    return 0

