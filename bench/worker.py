"""One benchmark process: one workload, one contender, one round (a pyperf worker).

The runner starts it fresh for every round, as ``python -m bench.worker ...`` for the
built-in module and as ``python -m csocket run -m bench.worker ...`` for csocket, so both
run the interpreter's own socket.py and differ only in the ``_socket`` underneath.  The arguments
after our own go to pyperf's worker mode (``--worker --loops N ...``), which warms up, times and
writes the run as pyperf JSON.  ``--count N`` instead runs N operations once, untimed by pyperf
(for strace).  Exit status 3 with "n/a: ..." on stderr: this contender lacks what the loop needs.
"""
import argparse
import sys

NOT_AVAILABLE = 3


def _own_args(argv):
    parser = argparse.ArgumentParser(prog="bench.worker", add_help=False)
    parser.add_argument("--contender", choices=("builtin", "csocket"), required=True)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--count", type=int, default=0)
    return parser.parse_known_args(argv)


def _check_contender(contender):
    import csocket

    if csocket.installed() != (contender == "csocket"):
        raise SystemExit(
            "worker: contender %r but csocket is%s installed" % (contender, "" if csocket.installed() else " not")
        )


def _missing(workload):
    underlying = sys.modules["_socket"]
    return [name for name in workload.needs if not hasattr(underlying, name)]


def _skip_metadata_collection():
    """Keep pyperf from collecting the machine's metadata in every worker: the runner records it
    once.  Here it would add a tenth of a second to each process, allocate memory that the peak-RSS
    numbers would then include, and call socket functions (gethostname) a partial csocket may lack."""
    import pyperf
    from pyperf import _collect_metadata

    def collect_metadata(process=True):
        return {"perf_version": pyperf.__version__}

    _collect_metadata.collect_metadata = collect_metadata


def main(argv=None):
    args, rest = _own_args(sys.argv[1:] if argv is None else argv)
    _check_contender(args.contender)
    import socket

    from bench.workloads import BY_NAME, NotAvailable, make

    workload = BY_NAME[args.workload]
    missing = _missing(workload)
    if missing:
        print("n/a: _socket has no " + ", ".join(missing), file=sys.stderr)
        return NOT_AVAILABLE
    try:
        run = make(workload.name, socket, args.port)
        run(1)
    except (AttributeError, NotAvailable) as exc:
        print("n/a: %s" % exc, file=sys.stderr)
        return NOT_AVAILABLE
    if args.count:
        print("%.9f" % run(args.count))
        return 0
    import pyperf

    _skip_metadata_collection()
    runner = pyperf.Runner()
    runner.parse_args(rest)
    runner.bench_time_func(workload.name, run, metadata={"contender": args.contender})
    return 0


if __name__ == "__main__":
    sys.exit(main())
