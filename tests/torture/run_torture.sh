#!/usr/bin/env bash
# make test-torture: every allocation and every system call csocket makes, failed one at a time.
#   1. allocation torture: Debian's debug interpreter (python3.X-dbg, for sys.gettotalrefcount)
#      with csocket built with ASan/UBSan into build/torture-dbg and the _allocfail hook;
#   2. system-call torture: the default interpreter with csocket built with ASan/UBSan into
#      build/torture-asan and the syscallfail.so shim preloaded before the ASan runtime.
#   tests/torture/run_torture.sh [PYTHON]     TORTURE_MAX_RUNS=N: at most N runs per injection point set
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${1:-.venv/bin/python}
t0=$(date +%s)
DBG=$(tests/hardening/debug_python.sh) ||
    { echo "test-torture: no debug interpreter (scripts/bootstrap-hardening)" >&2; exit 1; }
san=(-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
CC=gcc scripts/build-variant build/torture-dbg "$DBG" "${san[@]}" || exit 1
CC=gcc scripts/build-variant build/torture-asan "$PY" "${san[@]}" || exit 1
mkdir -p build/torture
read -r inc suffix < <("$DBG" -c 'import sysconfig as s; print(s.get_paths()["include"], s.get_config_var("EXT_SUFFIX"))')
gcc -shared -fPIC -O1 -g -Wall -Wextra -Werror -I"$inc" -o "build/torture-dbg/_allocfail$suffix" \
    tests/torture/allocfail.c || exit 1
gcc -shared -fPIC -O1 -g -Wall -Wextra -Werror -o build/torture/syscallfail.so \
    tests/torture/syscallfail.c -ldl || exit 1
asan=$(gcc -print-file-name=libasan.so)
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:verify_asan_link_order=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 PYTHONMALLOC=malloc
pyabs=$PWD/$PY
[ -x "$pyabs" ] || pyabs=$(command -v "$PY")
echo "test-torture: allocations on $DBG (debug), system calls on $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])'); both ASan/UBSan"
status=0
(cd build/torture-dbg && PYTHONPATH=$PWD LD_PRELOAD=$asan TORTURE_RESULT=$PWD/result.json \
    "$DBG" ../../tests/torture/torture.py alloc) || status=1
(cd build/torture-asan && PYTHONPATH=$PWD LD_PRELOAD=$PWD/../torture/syscallfail.so:$asan \
    TORTURE_RESULT=$PWD/result.json "$pyabs" ../../tests/torture/torture.py syscall) || status=1
"$PY" - build/torture-dbg/result.json build/torture-asan/result.json "$(($(date +%s) - t0))" <<'PY' || status=1
import json, sys
t = {}
for path in sys.argv[1:3]:
    for k, v in json.load(open(path)).items():
        t[k] = t.get(k, 0) + v
print(f"test-torture: {sys.argv[3]} s; {t['scenarios']} scenarios, {t['runs']} runs, "
      f"{t['injected']} injected failures, {t['crashes']} crashes, {t['fd_leaks']} leaked fds, "
      f"{t['ref_leaks']} leaked refs, {t['data']} lost/duplicated bytes, {t['hangs']} hangs, "
      f"{t['wrong']} wrong outcomes")
PY
exit $status
