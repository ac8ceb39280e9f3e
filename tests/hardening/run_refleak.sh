#!/usr/bin/env bash
# make test-refleak: csocket built for Debian's debug interpreter (python3.X-dbg: Py_DEBUG,
# sys.gettotalrefcount) into build/dbg/, then
#   1. CPython's test_socket with csocket installed in-process, under regrtest's -R 3:3;
#   2. tests/python under refleak_plugin.py (the same rule, per test, csocket cases).
# 0 leaked references and 0 leaked memory blocks, or the run fails.
#   tests/hardening/run_refleak.sh            REFLEAK=3:3 PYTEST_REFLEAK=2:3 to change the runs
set -uo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
DBG=$(tests/hardening/debug_python.sh) ||
    { echo "test-refleak: no debug interpreter (scripts/bootstrap-hardening)" >&2; exit 1; }
VENV=.venv-dbg
# The project's own bootstrap makes the debug venv with the test extra (it also builds an in-place
# extension for the debug ABI, beside and not instead of the normal one).
said=$(PYTHON=$DBG VENV=$VENV EXTRAS=test scripts/bootstrap 2>&1) || { echo "$said"; exit 1; }
echo "$said" | grep -v '^bootstrap: using' || true
PY=$VENV/bin/python
CC=gcc scripts/build-variant build/dbg "$PY" -O0 || exit 1
# Run from build/dbg, whose csocket/ is the debug build, so that the checkout's does not shadow it.
export PYTHONPATH=$PWD/build/dbg
pyabs=$PWD/$PY
where=$(cd build/dbg && "$pyabs" -c 'import sys, csocket._csocket as c; assert hasattr(sys, "gettotalrefcount"); print(c.__file__)') || exit 1
case $where in "$PWD"/build/dbg/*) ;; *) echo "test-refleak: imported $where" >&2; exit 1;; esac
echo "test-refleak: $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])') (debug), $where"

status=0
# Two lanes, one per CPU, each a single-threaded debug interpreter:
#   A: CPython's test_socket under regrtest's -R, in one process with csocket as _socket (no
#      worker processes, which would import the built-in module; the ignored tests are those
#      run_stdlib.py never runs), then part of tests/python under refleak_plugin.py;
#   B: the rest of tests/python.
# tests/python is split by file, greedily by size, with test_socket's run counted in lane A
# (about a sixth of the whole).  Deselected in tests/python, as no question of leaks: a GIL timing
# ratio the slower debug interpreter cannot meet.  (Bluetooth runs too: csocket has it on every
# Linux build now, and Debian's debug interpreter has it to compare with.)
mapfile -t lanes < <("$PY" - <<'PY'
import glob, os
files = sorted(glob.glob("tests/python/test_*.py"), key=os.path.getsize, reverse=True)
total = sum(map(os.path.getsize, files))
weight, lane = [total / 5, 0], [[], []]
for f in files:
    i = 0 if weight[0] <= weight[1] else 1
    lane[i].append("../../" + f)
    weight[i] += os.path.getsize(f)
print(" ".join(lane[0]))
print(" ".join(lane[1]))
PY
)
skip='not test_view_is_the_interpreters_socket_module and not test_lookups_release_the_gil'
hunt() { # hunt LOG FILES...: tests/python files under the leak hunt, from build/dbg
    local out=$1
    shift
    (cd build/dbg && PYTHONPATH=$PYTHONPATH:$PWD/../../tests/hardening "$pyabs" -m pytest -q \
        -p no:cacheprovider -p refleak_plugin --refleak="${PYTEST_REFLEAK:-2:3}" -k "$skip" \
        "$@") >"$out" 2>&1
}
log=build/dbg/regrtest.log
rm -f build/dbg/lane-a.rc
t1=$(date +%s)
(
    (cd build/dbg && "$pyabs" -m csocket run -m test test_socket -R "${REFLEAK:-3:3}" \
        --timeout 1500 -i '*ThreadedVSOCKSocketStreamTest*' \
        -i '*.test_host_resolution_bad_address' -i '*.test_sethostname') >"$log" 2>&1
    echo $? >build/dbg/regrtest.rc
    echo $(($(date +%s) - t1)) >build/dbg/regrtest.secs
    # shellcheck disable=SC2086
    hunt build/dbg/pytest-a.log ${lanes[0]}
    echo $? >build/dbg/lane-a.rc
) &
lane_a=$!
# shellcheck disable=SC2086
hunt build/dbg/pytest-b.log ${lanes[1]} || status=1
wait $lane_a
[ "$(cat build/dbg/lane-a.rc 2>/dev/null)" = 0 ] || status=1

rc=$(cat build/dbg/regrtest.rc 2>/dev/null || echo 1)
grep -E 'leaked|test_socket (passed|failed)|FAILED|Tests result' "$log" | sed 's/^/  /'
if [ "$rc" -ne 0 ] || ! grep -q 'Tests result: SUCCESS' "$log"; then
    echo "test-refleak: test_socket -R failed (exit $rc); log: $log"
    status=1
fi
echo "test-refleak: test_socket -R ${REFLEAK:-3:3} with csocket: $(cat build/dbg/regrtest.secs 2>/dev/null || echo ?) s"
for lane in a b; do
    grep -E '^(refleak|  LEAK|  same as|FAILED|ERROR)|passed|failed' "build/dbg/pytest-$lane.log" |
        sed "s/^/  lane $lane: /"
done
echo "test-refleak: tests/python -R ${PYTEST_REFLEAK:-2:3}: $(($(date +%s) - t1)) s for both lanes"
echo "test-refleak: $(($(date +%s) - t0)) s in all"
exit $status
