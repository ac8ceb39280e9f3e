#!/usr/bin/env bash
# make fuzz: build each libFuzzer target (fuzz/fuzz_<name>.c with the core files it exercises)
# with clang -fsanitize=fuzzer,address,undefined and run it for FUZZ_SECONDS (default 45) from its
# checked-in seeds in fuzz/corpus/<name>/.  New inputs go to build/fuzz/corpus/<name>/ (not
# committed; copy a useful one into the seeds by hand).  A crash, sanitizer report or failed
# property stops the target, leaves the reproducer in build/fuzz/ and fails the run.
#   fuzz/run.sh [target ...]         FUZZ_SECONDS=300 fuzz/run.sh cmsg
set -uo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-45}
FLAGS=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=all -std=gnu11 -Wall -Wextra -Werror -Isrc/core)
# Each target with the core files it tests (and any flags of its own).
declare -A SOURCES=(
    [unix_path]="src/core/addr.c"
    [addr_linux]="src/core/addr_linux.c"
    [cmsg]="src/core/msg.c src/core/mmsg.c -Dclose=fuzz_close"
    [inet]="src/core/inet.c src/core/addr.c src/core/resolve.c"
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(unix_path addr_linux cmsg inet)
mkdir -p build/fuzz
status=0
for t in "${targets[@]}"; do
    bin=build/fuzz/fuzz_$t
    # shellcheck disable=SC2086
    "$CLANG" "${FLAGS[@]}" -o "$bin" "fuzz/fuzz_$t.c" ${SOURCES[$t]} || { status=1; continue; }
    mkdir -p "build/fuzz/corpus/$t"
    opts=(-max_total_time="$SECONDS_EACH" -print_final_stats=1 -rss_limit_mb=2048
          -timeout=10 -artifact_prefix="build/fuzz/$t-")
    [ -f "fuzz/$t.dict" ] && opts+=(-dict="fuzz/$t.dict")
    log=build/fuzz/$t.log
    "$bin" "${opts[@]}" "build/fuzz/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n1)
    if [ $rc -eq 0 ]; then
        printf 'fuzz: %-11s %12s executions in %ss, %s, 0 crashes\n' "$t" "${runs:-?}" "$SECONDS_EACH" "$cov"
    else
        printf 'fuzz: %-11s FAILED (exit %s) after %s executions; see %s\n' "$t" "$rc" "${runs:-?}" "$log"
        grep -E 'ERROR|property failed|runtime error|Test unit written' "$log" | head -n 5
        status=1
    fi
done
exit $status
