#!/usr/bin/env bash
# README command (2), and exactly what CI runs: install what the tests need,
# then run every test stage and fail if any test fails.
#
#   1. build with -Werror and run the whole ctest suite (unit, golden CLI,
#      real-browser report test);
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#      (less the browser, the networkx peer and the timing-bound scale tests);
#   3. the CLI golden tests under valgrind memcheck;
#   4. every libFuzzer target in tools/fuzz/ for a bounded time.
#
# Options: --quick (stage 1 only), --fuzz-seconds N (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
fuzz_seconds=60
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --fuzz-seconds) fuzz_seconds="$2"; shift ;;
        *) echo "test.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done

tools/setup.sh --all
jobs=$(nproc)

stage() { printf '\n=== %s ===\n' "$*"; }

stage "build (-Werror) and test"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAINRISK_WERROR=ON >/dev/null
cmake --build build-test -j"$jobs"
ctest --test-dir build-test --output-on-failure -j"$jobs"
[ "$quick" -eq 1 ] && exit 0

stage "AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCHAINRISK_SANITIZE=ON -DCHAINRISK_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$(pwd)/tools/lsan.supp":print_suppressions=0 CRISK_SKIP_SCALE=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E '^(browser_|bench_)'

if [ -x tools/valgrind.sh ]; then
    stage "valgrind memcheck on the CLI golden tests"
    tools/valgrind.sh build-test/chainrisk
fi

if [ -x tools/fuzz/run.sh ]; then
    stage "fuzzing (${fuzz_seconds}s per target)"
    tools/fuzz/run.sh --seconds "$fuzz_seconds"
fi
echo
echo "all test stages passed"
