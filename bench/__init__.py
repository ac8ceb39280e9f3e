"""The benchmark: csocket against the built-in _socket and a C client, on this machine.

It lives in the source checkout, not in the installed package.  From the checkout's top folder:

    python -m bench [--quick]                    the comparison (quick: about a minute and a half)
    python -m bench --only recv,settimeout       some workloads (names or prefixes)
    python -m bench --syscalls                   system calls per operation (needs strace)
    python -m bench --show FILE.json             show a saved result again
    python -m bench --eyeballs                   only the Happy Eyeballs row (broken first address)

`make bench`, `make bench-quick` and `make bench-syscalls` build the C peer and the C-limit client
first and install the bench extra (pyperf, matplotlib); without the compiled peer a Python peer
serves (labelled as such) and the C-limit column stays empty.

Modules: workloads (the loops), aio (the asyncio programs), worker (one measured process), runner
(rounds and processes), report (table, targets, JSON, PNG), syscalls (strace counts), pypeer,
eyeballs (the Happy Eyeballs row, timed directly: one connect takes seconds).
"""
import argparse
import json
import os
import sys

from bench import report, runner


def _parser():
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds and shorter values")
    p.add_argument("--only", default="", help="comma-separated workload names or prefixes")
    p.add_argument("--contenders", default="builtin,csocket,c", help="default: builtin,csocket,c")
    p.add_argument("--rounds", type=int, help="fresh processes per contender and workload")
    p.add_argument("--values", type=int, help="timed values per process")
    p.add_argument("--min-time", type=float, help="seconds per timed value")
    p.add_argument("--cpus", choices=("same", "split", "none"),
                   help="peer and measured processes on the same CPU (default), on two, or unpinned")
    p.add_argument("--python-peer", action="store_true", help="use the Python peer even if the C one is built")
    p.add_argument("--output", help="directory for latest.json, latest.png and the pyperf files")
    p.add_argument("--syscalls", action="store_true", help="count system calls per operation (strace)")
    p.add_argument("--eyeballs", action="store_true", help="only the Happy Eyeballs row")
    p.add_argument("--show", metavar="FILE", help="show a saved result document instead of measuring")
    return p


def _output_dir(args):
    return args.output or str(runner.ROOT / "bench" / "results")


def _show(doc):
    print("\n".join(report.table(doc)))
    if "eyeballs" in doc:
        from bench import eyeballs

        print("\n".join(eyeballs.lines(doc["eyeballs"])))
    print()
    print("\n".join(report.targets_lines(doc)))


# Connects per contender for the Happy Eyeballs row (the built-in one takes the whole timeout).
EYEBALLS_ROUNDS = {"quick": 2, "full": 3}


def _need_pyperf():
    try:
        import pyperf  # noqa: F401
    except ImportError:
        print("python -m bench needs pyperf: make bench-deps (the bench extra)", file=sys.stderr)
        return False
    return True


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.show:
        with open(args.show) as f:
            _show(json.load(f))
        return 0
    if args.syscalls:
        from bench import syscalls

        return syscalls.main(args.only, _output_dir(args), args.python_peer, args.cpus or "same")
    mode = "quick" if args.quick else "full"
    if args.eyeballs:
        from bench import eyeballs

        print("\n".join(eyeballs.lines(eyeballs.measure(EYEBALLS_ROUNDS[mode]))))
        return 0
    if not _need_pyperf():
        return 2
    settings = dict(runner.MODES[mode])
    for key in ("rounds", "values", "min_time", "cpus"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    contenders = [c.strip() for c in args.contenders.split(",") if c.strip()]
    workloads = runner.selected(args.only)
    doc, suites = runner.run(workloads, contenders, settings, mode, force_python_peer=args.python_peer)
    if not args.only:
        from bench import eyeballs

        doc["eyeballs"] = eyeballs.measure(EYEBALLS_ROUNDS[mode])
    print()
    _show(doc)

    out = _output_dir(args)
    stem = "partial" if args.only else "latest"
    report.write_json(doc, os.path.join(out, stem + ".json"))
    for contender, suite in suites.items():
        suite.dump(os.path.join(out, "%s-pyperf-%s.json" % (stem, contender)), replace=True)
    written = [os.path.join(out, stem + ".json")]
    if report.chart(doc, os.path.join(out, stem + ".png")):
        written.append(os.path.join(out, stem + ".png"))
    else:
        print("(no chart: matplotlib is not installed; make bench-deps installs it)")
    print("\nwrote " + ", ".join(written) + " and %s-pyperf-*.json (python -m pyperf compare_to ...)" % stem)
    return 0
