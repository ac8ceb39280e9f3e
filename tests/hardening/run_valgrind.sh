#!/usr/bin/env bash
# make test-valgrind: tests/hardening/workload.py (every socket method and module function, every
# family this machine has, error paths) under memcheck, with csocket built -O1 -g into
# build/valgrind/ and PYTHONMALLOC=malloc so memcheck sees each Python allocation.  Fails on any
# error or definitely-lost block whose stacks pass through csocket (valgrind_report.py).
#   tests/hardening/run_valgrind.sh [PYTHON] [ROUNDS]      (default .venv/bin/python, 3 rounds)
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${1:-.venv/bin/python}
ROUNDS=${2:-3}
out=build/valgrind
t0=$(date +%s)
CC=gcc scripts/build-variant "$out" "$PY" -O1 -fno-omit-frame-pointer || exit 1
rm -f "$out"/memcheck.*.xml
# The workload first runs plainly: its own expectations must hold before memcheck looks.
PYTHONPATH=$PWD/$out PYTHONSAFEPATH=1 "$PY" tests/hardening/workload.py 1 >/dev/null || exit 1
PYTHONMALLOC=malloc PYTHONPATH=$PWD/$out PYTHONSAFEPATH=1 \
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite --track-origins=yes --num-callers=40 \
    --suppressions=tests/hardening/cpython.supp --child-silent-after-fork=yes \
    --xml=yes --xml-file="$out/memcheck.%p.xml" --log-file="$out/memcheck.%p.log" \
    "$PY" tests/hardening/workload.py "$ROUNDS"
rc=$?
status=0
[ $rc -eq 0 ] || { echo "test-valgrind: the workload failed under memcheck (exit $rc)"; status=1; }
"$PY" tests/hardening/valgrind_report.py "$out"/memcheck.*.xml || status=1
echo "test-valgrind: $ROUNDS rounds; $(($(date +%s) - t0)) s"
exit $status
