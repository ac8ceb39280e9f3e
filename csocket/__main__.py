"""python -m csocket: run a program on csocket, or see it at work.

    python -m csocket run SCRIPT [ARGS...]     run a script with csocket installed from the start
    python -m csocket run -m MODULE [ARGS...]  the same for a module (like python -m)
    python -m csocket run --happy-eyeballs ...  also socket.create_connection races addresses
                                               (install(happy_eyeballs=True), as CSOCKET=he)
    python -m csocket info [--json]            which _socket this process runs on; what this build has
    python -m csocket demo                     a short live demonstration on loopback

The benchmark is not part of the installed package: it lives in the source checkout's bench/
folder (make bench there); `python -m csocket bench` says so.
"""
import sys

BENCH_MOVED = ("python -m csocket bench: the benchmark is not part of the installed package.\n"
               "In a source checkout of csocket: make bench-quick (about a minute and a half), "
               "make bench, make bench-syscalls,\nor python -m bench --help from its top folder.")


def _run(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    happy_eyeballs = argv[0] == "--happy-eyeballs"
    if happy_eyeballs:
        argv = argv[1:]
        if not argv:
            print("python -m csocket run --happy-eyeballs: a script or -m MODULE is required",
                  file=sys.stderr)
            return 2
    import csocket

    csocket.install(happy_eyeballs=happy_eyeballs)
    import runpy

    if argv[0] == "-m":
        if len(argv) < 2:
            print("python -m csocket run -m: a module name is required", file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(argv)
        sys.path[0] = __import__("os").path.dirname(__import__("os").path.abspath(argv[0]))
        runpy.run_path(argv[0], run_name="__main__")
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else ""
    if command == "run":
        return _run(argv[1:])
    if command == "info":
        from csocket import _info

        return _info.main(argv[1:])
    if command == "demo":
        from csocket import _demo

        return _demo.main(argv[1:])
    if command == "bench":
        print(BENCH_MOVED, file=sys.stderr)
        return 2
    print(__doc__.strip(), file=sys.stderr if command not in ("-h", "--help") else sys.stdout)
    return 0 if command in ("-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())
