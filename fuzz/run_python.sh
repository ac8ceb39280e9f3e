#!/usr/bin/env bash
# make fuzz (Python half): csocket built with clang -fsanitize=address,undefined,fuzzer-no-link
# into build/fuzz-python/, driven by fuzz/fuzz_python.py (atheris, the `fuzz` extra) for
# FUZZ_SECONDS (default 60).  atheris's ASan runtime with libFuzzer is preloaded, as its
# documentation says for native extensions; leak detection is off (the interpreter's own), and
# allocations over 1 GiB fail (recv(7 GiB) is a MemoryError, as with the built-in module).
#   fuzz/run_python.sh [PYTHON]          (default .venv/bin/python)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
out=build/fuzz-python
CC=${CLANG:-clang} scripts/build-variant "$out" "$PY" -O1 -fno-omit-frame-pointer \
    -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all || exit 1
runtime=$("$PY" -c 'import atheris, os; print(os.path.join(atheris.path(), "asan_with_fuzzer.so"))') || {
    echo "fuzz: atheris is missing (EXTRAS=test,fuzz scripts/bootstrap)" >&2; exit 1; }
mkdir -p "$out/corpus" && rm -rf "$out"/crash-* "$out"/timeout-* "$out"/oom-* "$out/tmp"
log=$out/fuzz.log
LD_PRELOAD=$runtime ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=1024 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 PYTHONPATH=$PWD/$out PYTHONSAFEPATH=1 \
    CSK_FUZZ_TMP=$PWD/$out/tmp \
    "$PY" fuzz/fuzz_python.py -max_total_time="${FUZZ_SECONDS:-60}" -print_final_stats=1 \
    -timeout=20 -rss_limit_mb=4096 -artifact_prefix="$PWD/$out/" "$PWD/$out/corpus" \
    "$PWD/fuzz/corpus/python" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n1)
if [ $rc -eq 0 ]; then
    printf 'fuzz: %-11s %12s executions in %ss, %s, 0 crashes\n' python "${runs:-?}" "${FUZZ_SECONDS:-60}" "$cov"
else
    printf 'fuzz: %-11s FAILED (exit %s) after %s executions; see %s\n' python "$rc" "${runs:-?}" "$log"
    grep -E 'ERROR|SystemError|runtime error|Traceback|Test unit written' "$log" | head -n 8
fi
exit $rc
