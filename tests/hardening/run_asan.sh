#!/usr/bin/env bash
# make test-asan: csocket built with AddressSanitizer + UndefinedBehaviorSanitizer (gcc) into
# build/asan/, then tests/python and CPython's test_socket (csocket half and built-in half, compared
# as make stdlib-test does) with it.  The interpreter is not instrumented: the ASan runtime is
# preloaded, leak detection is off (CPython's own allocations at exit), and PYTHONMALLOC=malloc
# puts every Python object under ASan so an overrun of a bytes buffer by csocket is caught.
# Any report aborts its process and fails the run; the logs are searched for one at the end too.
#   tests/hardening/run_asan.sh [PYTHON]     (default .venv/bin/python)
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${1:-.venv/bin/python}
out=build/asan
t0=$(date +%s)
CC=gcc scripts/build-variant "$out" "$PY" -O1 -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all || exit 1
rm -rf "$out/logs" && mkdir -p "$out/logs"

export LD_PRELOAD
LD_PRELOAD=$(gcc -print-file-name=libasan.so)
# allocator_may_return_null: tests ask for huge buffers and expect MemoryError, not an abort.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Tests run from $out, whose csocket/ is the ASan build, so that the checkout's does not shadow it.
export PYTHONPATH=$PWD/$out PYTHONMALLOC=malloc
pyabs=$PWD/$PY
[ -x "$pyabs" ] || pyabs=$(command -v "$PY")

where=$(cd "$out" && "$pyabs" -c 'import csocket._csocket as c; print(c.__file__)') || exit 1
case $where in "$PWD/$out"/*) ;; *) echo "test-asan: imported $where, not the ASan build" >&2; exit 1;; esac
case $(ldd "$where") in *libasan*) ;; *) echo "test-asan: $where is not instrumented" >&2; exit 1;; esac
echo "test-asan: $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])'), $where"

status=0
"$PY" tests/stdlib/run_stdlib.py --modules test_socket --timeout 60 --workdir "$out/logs/stdlib" \
    2>&1 | tee "$out/logs/stdlib.log" || status=1
# Tests that measure what ASan replaces, not csocket, are left out: those counting system calls
# (ASan's allocator maps memory of its own) and matplotlib's chart (its C++ exceptions abort in
# ASan's __cxa_throw interceptor in an interpreter not linked with ASan).  Node ids are relative
# to the checkout, where pytest finds its configuration.
(cd "$out" && "$pyabs" -m pytest -q -p no:cacheprovider ../../tests/python \
    --deselect tests/python/test_syscalls.py \
    --deselect tests/python/test_bench.py::test_report_chart_is_a_png) 2>&1 |
    tee "$out/logs/pytest.log" | grep -v '^\.*s*\.* *\[ *[0-9]*%\]$'
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

reports=$(grep -rlE 'ERROR: AddressSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' \
    "$out/logs" | wc -l)
echo "test-asan: $reports log(s) with a sanitizer report; $(($(date +%s) - t0)) s"
[ "$reports" -eq 0 ] || status=1
exit $status
