#!/usr/bin/env bash
# README command (2), and exactly what CI runs: install what the tests need,
# then run every test stage and fail if any test fails.
#
#   1. build with -Werror and run the whole ctest suite (unit, golden CLI,
#      real-browser report test, install tests);
#   1b. package that build as a .deb (tools/package.sh) and install it into a
#      fresh Debian 12 root (tests/dist/fresh_root.sh: about 2 minutes on a
#      bare machine, debootstrap included; 25-60 s once build-test/fresh-root
#      holds the root);
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#      (less the browser, the networkx peer and the timing-bound scale tests);
#   3. the CLI golden tests under valgrind memcheck;
#   4. every libFuzzer target in tools/fuzz/, deterministically: the
#      committed corpus and every regression input replayed, then a fixed
#      number of runs from a fixed seed (tools/fuzz/run.sh --ci).
#
# Every stage is deterministic: the same commit passes or fails the same way
# on every run.  Long, random fuzzing campaigns are a separate command
# (tools/fuzz/run.sh --seconds N; docs/robustness.md).  Stage 1b, like
# tools/setup.sh, reads Debian's mirror: it makes the root with debootstrap
# (twice if the first try fails) and apt-get retries each download.
#
# Options: --quick (stage 1 only), --fuzz-runs N (runs per fuzz target after
# the replay; default 20000).
# The ASan stage leaves out dist_install_prefix: it links a program of its
# own against the instrumented library, which needs the ASan runtime first.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
fuzz_runs=20000
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --fuzz-runs) fuzz_runs="${2:?--fuzz-runs needs a value}"; shift ;;
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

stage "package (.deb) and install it into a fresh Debian 12 root"
deb=$(tools/package.sh build-test)
tests/dist/fresh_root.sh "$deb" build-test/fresh-root

stage "AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCHAINRISK_SANITIZE=ON -DCHAINRISK_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$(pwd)/tools/lsan.supp":print_suppressions=0 CRISK_SKIP_SCALE=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" \
    -E '^(browser_|bench_|dist_install_prefix$)'

if [ -x tools/valgrind.sh ]; then
    stage "valgrind memcheck on the CLI golden tests"
    tools/valgrind.sh build-test/chainrisk
fi

if [ -x tools/fuzz/run.sh ]; then
    stage "fuzzing: committed inputs replayed, then $fuzz_runs runs per target from seed 1"
    tools/fuzz/run.sh --ci --runs "$fuzz_runs"
fi
echo
echo "all test stages passed"
