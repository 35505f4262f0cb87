#!/usr/bin/env bash
# tools/fuzz/run.sh [--ci [--runs N] | --seconds N | --update-corpus | --build-only]
#                   [--jobs J] [TARGET...]
#
# Build every libFuzzer target tools/fuzz/fuzz_<name>.c (or only the named
# TARGETs: "native", "fuzz_native" or "tools/fuzz/fuzz_native.c") with clang,
# ASan and UBSan over the library's own sources, then one of:
#
#   --ci        Deterministic (stage 4 of tools/test.sh, what CI runs): replay
#               every committed input - tests/fixtures/fuzz-regressions/<name>/
#               one by one, then the committed corpus tests/fixtures/fuzz-corpus/
#               <name>/ and the seeds made from the test fixtures - and fuzz
#               for exactly N more runs (default 20000) with a fixed seed
#               (-seed=1) from a fresh copy of them, so the same commit
#               explores the same inputs on every machine.  Nothing carries
#               over between runs; the committed corpus is never modified.
#   --seconds N Exploration (a campaign, outside CI): fuzz each target for N
#               seconds from build-fuzz/corpus-<name> (kept and grown across
#               runs), the committed corpus and the seeds, with a random seed.
#               A finding becomes a regression fixture: tools/fuzz/keep.sh.
#   --update-corpus
#               Merge build-fuzz/corpus-<name> into the committed corpus,
#               keeping only inputs that add coverage (libFuzzer -merge=1) and
#               at most 64 KiB each; commit the result.
#   --build-only
#               Just build build-fuzz/fuzz_*.
#
# Every mode fails on any crash, leak, timeout or out-of-memory and prints the
# input that reproduces it.  J targets run at a time (default 1).
#
# Everything generated lives in build-fuzz/ (not committed):
#   build-fuzz/fuzz_<name>           the fuzzer binary
#   build-fuzz/corpus-<name>/        the exploration corpus, grown across runs
#   build-fuzz/seeds-<name>/         seeds made from the fixtures, remade each run
#   build-fuzz/crashes-<name>/       crash-*, leak-*, timeout-*, oom-* reproducers
#   build-fuzz/<name>.log            the last run's output
# CRISK_FUZZ_CFLAGS (environment) adds compiler flags, e.g.
# -fno-sanitize=nonnull-attribute to fuzz on past a known, reported bug
# (exploration only; --ci ignores it).
# A target may bring its own seeds: an executable tools/fuzz/seed_<name>.sh
# is run with the seed directory as its argument; tools/fuzz/fuzz_<name>.dict
# is passed as a libFuzzer dictionary.  See tools/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=""
seconds=""
runs=20000
jobs=1
targets=()
set_mode() {
    [ -z "$mode" ] || [ "$mode" = "$1" ] || { echo "run.sh: choose one of --ci, --seconds, --update-corpus, --build-only" >&2; exit 2; }
    mode=$1
}
while [ $# -gt 0 ]; do
    case "$1" in
        --ci) set_mode ci ;;
        --runs) runs="${2:?--runs needs a value}"; shift ;;
        --seconds) set_mode explore; seconds="${2:?--seconds needs a value}"; shift ;;
        --update-corpus) set_mode update ;;
        --jobs) jobs="${2:?--jobs needs a value}"; shift ;;
        --build-only) set_mode build ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
        *) t=$(basename "$1" .c); targets+=("${t#fuzz_}") ;;
    esac
    shift
done
[ -n "$mode" ] || { echo "run.sh: say what to do: --ci, --seconds N, --update-corpus or --build-only (--help)" >&2; exit 2; }
case "$seconds$runs$jobs" in
    *[!0-9]*) echo "run.sh: --seconds, --runs and --jobs take whole numbers" >&2; exit 2 ;;
esac
[ "$jobs" -ge 1 ] || jobs=1

if [ ${#targets[@]} -eq 0 ]; then
    for f in tools/fuzz/fuzz_*.c; do
        [ -e "$f" ] || continue
        t=$(basename "$f" .c)
        targets+=("${t#fuzz_}")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "run.sh: no fuzz targets in tools/fuzz/" >&2
    exit 2
fi
for t in "${targets[@]}"; do
    [ -f "tools/fuzz/fuzz_$t.c" ] || { echo "run.sh: no such target: tools/fuzz/fuzz_$t.c" >&2; exit 2; }
done

if ! command -v clang >/dev/null 2>&1 \
   || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    tools/setup.sh --fuzz
fi
# Absolute: a target works inside its private directory while an input runs
# (fuzz_workdir.h), and a crash writes its reproducer from there.
out=$(pwd)/build-fuzz
# Where the binaries and objects go: CI's deterministic build has its own.
bin_dir=$out
[ "$mode" = ci ] && bin_dir=$out/ci
mkdir -p "$bin_dir/obj"

# ---- build ------------------------------------------------------------------

cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=c11
        -D_POSIX_C_SOURCE=200809L '-DCRISK_VERSION_STRING="fuzz"' -Iinclude -Isrc)
# CI: the library runs on the calling thread alone (no reading, hashing or
# sweeping threads), so the coverage an input earns, and with it the inputs
# a fixed seed explores, cannot depend on scheduling.  Exploration keeps the
# threads: they are what users run.
[ "$mode" = ci ] && cflags+=(-DCRISK_NO_THREADS)
# Extra flags for local exploration only (README: fuzzing past a known bug).
if [ -n "${CRISK_FUZZ_CFLAGS:-}" ] && [ "$mode" != ci ]; then
    read -r -a extra_cflags <<< "$CRISK_FUZZ_CFLAGS"
    cflags+=("${extra_cflags[@]}")
    echo "run.sh: extra flags from CRISK_FUZZ_CFLAGS: $CRISK_FUZZ_CFLAGS" >&2
fi
read -r -a pkg_cflags <<< "$(pkg-config --cflags igraph libcjson libgvc libcgraph libzip libcrypto xlsxwriter expat)"
read -r -a pkg_libs <<< "$(pkg-config --libs igraph libcjson libgvc libcgraph libzip libcrypto xlsxwriter expat)"

# The library's sources: every .c under src/ (one folder per layer) except
# the CLI in src/cli/, in a stable order.
library_sources() { find src -path src/cli -prune -o -name '*.c' -print | LC_ALL=C sort; }

# The library is compiled once and linked into every target: the same flags
# and sources as `clang ... tools/fuzz/fuzz_X.c $(library_sources) ...` per
# target, in a fraction of the time.  Two compilers at a time: the machine is
# shared.  An object is named after its path (src/import/dora/dora.c ->
# import_dora_dora.o), so files of the same name in two folders do not clash.
build_library() {
    rm -f "$bin_dir"/obj/*.o
    local running=0 failed=0 src obj sources
    mapfile -t sources < <(library_sources)
    for src in "${sources[@]}"; do
        obj=${src#src/}
        obj=${obj%.c}
        clang "${cflags[@]}" "${pkg_cflags[@]}" -c "$src" -o "$bin_dir/obj/${obj//\//_}.o" &
        running=$((running + 1))
        if [ "$running" -ge 2 ]; then
            wait -n || failed=1
            running=$((running - 1))
        fi
    done
    while [ "$running" -gt 0 ]; do
        wait -n || failed=1
        running=$((running - 1))
    done
    return "$failed"
}

# A fingerprint of the sources: a tree edited during the build (several
# people at work in one checkout) would link objects that disagree on a
# struct, and the fuzzer would "find" the mismatch.  Build until stable.
sources_sum() {
    find src include/chainrisk -path src/cli -prune -o -name '*.[ch]' -print0 \
        | LC_ALL=C sort -z | xargs -0 cat | sha1sum
}
for attempt in 1 2 3; do
    before=$(sources_sum)
    echo "run.sh: building the library (clang, libFuzzer + ASan + UBSan)" >&2
    build_library || { echo "run.sh: the library does not build with clang" >&2; exit 1; }
    [ "$(sources_sum)" = "$before" ] && break
    echo "run.sh: sources changed during the build; building again" >&2
done
for t in "${targets[@]}"; do
    echo "run.sh: building $bin_dir/fuzz_$t" >&2
    clang "${cflags[@]}" "${pkg_cflags[@]}" "tools/fuzz/fuzz_$t.c" "$bin_dir"/obj/*.o \
        "${pkg_libs[@]}" -lcsv -lm -o "$bin_dir/fuzz_$t"
done
[ "$mode" = build ] && exit 0

# ---- seeds ------------------------------------------------------------------

# Copy a file into a seed directory (named by its hash: no duplicates),
# skipping files over 1 MiB: the fuzzer mutates small inputs best.
add_seed() {
    local dir=$1 file=$2
    [ -f "$file" ] || return 0
    [ "$(stat -c %s "$file")" -le 1048576 ] || return 0
    cp "$file" "$dir/$(sha1sum < "$file" | cut -c1-40)"
}

# Native: nodes.csv, a 0xFF byte, edges.csv (the format fuzz_native.c splits),
# for every directory holding a nodes.csv; every CSV file alone too.
seed_native() {
    local dir=$1 nodes d tmp
    tmp=$(mktemp)
    while IFS= read -r -d '' nodes; do
        d=$(dirname "$nodes")
        if [ -f "$d/edges.csv" ]; then
            { cat "$nodes"; printf '\377'; cat "$d/edges.csv"; } > "$tmp"
        else
            cat "$nodes" > "$tmp"
        fi
        add_seed "$dir" "$tmp"
    done < <(find tests/fixtures data -name nodes.csv -print0 2>/dev/null)
    while IFS= read -r -d '' f; do
        add_seed "$dir" "$f"
    done < <(find tests/fixtures data -name '*.csv' -print0 2>/dev/null)
    rm -f "$tmp"
}

seed_cyclonedx() {
    local dir=$1 f
    while IFS= read -r -d '' f; do
        add_seed "$dir" "$f"
    done < <(find tests/fixtures data -name '*.json' -print0 2>/dev/null)
}

# DORA: fuzz_dora.c reads a selector byte, then either one table of its
# package (selector % 16 = the table's place in its `base` list) or a whole
# .zip (selector % 16 >= the table count).  Seeds: every fixture table
# behind its selector, the fixture zips, and every fixture package directory
# (one holding reports/) zipped with fixed timestamps, behind the zip selector.
seed_dora() {
    local dir=$1
    command -v python3 >/dev/null 2>&1 || { echo "run.sh: python3 needed for DORA seeds" >&2; return 0; }
    python3 - "$dir" <<'EOF'
import hashlib, io, os, re, sys, zipfile
out = sys.argv[1]
src = open("tools/fuzz/fuzz_dora.c", encoding="utf-8").read()
tables = re.findall(r'^\s*\{ "([A-Za-z0-9_.]+\.csv)"', src, re.M)
zip_selector = len(tables)

def seed(data):
    if len(data) <= 1 << 20:
        with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as fh:
            fh.write(data)

def zipped(root):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for r, _, fs in sorted(os.walk(root)):
            for name in sorted(fs):
                path = os.path.join(r, name)
                arc = os.path.join(os.path.basename(root), os.path.relpath(path, root))
                with open(path, "rb") as fh:
                    z.writestr(zipfile.ZipInfo(arc, date_time=(2025, 1, 1, 0, 0, 0)), fh.read())
    return buf.getvalue()

for root, _, files in os.walk("tests/fixtures/fuzz-regressions/dora"):
    for name in files:
        if name.endswith(".zip"):   # kept as plain zips: add the selector
            seed(bytes([zip_selector]) + open(os.path.join(root, name), "rb").read())

for root, dirs, files in os.walk("tests/fixtures/dora"):
    for name in files:
        path = os.path.join(root, name)
        if name.endswith(".zip"):
            seed(bytes([zip_selector]) + open(path, "rb").read())
        elif os.path.basename(root) == "reports" and name in tables:
            seed(bytes([tables.index(name)]) + open(path, "rb").read())
    if "reports" in dirs:
        seed(bytes([zip_selector]) + zipped(root))
EOF
}

# Mapping files: the JSON under tests/fixtures/mapping/ and data/mapping-example/.
seed_mapping() {
    local dir=$1 f
    while IFS= read -r -d '' f; do
        add_seed "$dir" "$f"
    done < <(find tests/fixtures/mapping data/mapping-example -name '*.json' -print0 2>/dev/null)
}

# Policy files: the JSON under tests/fixtures/policy/ and the example policy,
# and one whose scenarios rule names the scenario file fuzz_policy.c keeps
# beside the policy (the fixtures' files are not there).
seed_policy() {
    local dir=$1 f
    while IFS= read -r -d '' f; do
        add_seed "$dir" "$f"
    done < <(find tests/fixtures/policy data/policy.json -name '*.json' -print0 2>/dev/null)
    printf '%s\n' '{"rules": [{"rule": "scenarios", "file": "scenarios.csv", "hours": 2},' \
        ' {"rule": "scenarios", "name": "own recovery", "file": "scenarios.csv"},' \
        ' {"rule": "no_breach"}, {"rule": "max_hhi", "by": "category", "basis": "spend", "max": 1}]}' \
        > "$dir/scenarios-beside.json"
}

# Any other target: the fixtures under tests/fixtures/<name>/.
seed_generic() {
    local dir=$1 name=$2 f
    [ -d "tests/fixtures/$name" ] || return 0
    while IFS= read -r -d '' f; do
        add_seed "$dir" "$f"
    done < <(find "tests/fixtures/$name" -type f -print0)
}

# Crash reproducers kept as regression fixtures are seeds too (raw fuzz
# inputs; DORA keeps plain .zip files, which seed_dora prefixes).
seed_regressions() {
    local dir=$1 name=$2 f
    for f in tests/fixtures/fuzz-regressions/"$name"/*; do
        case "$f" in
            *.md) continue ;;
            *.zip) [ "$name" = dora ] && continue ;;
        esac
        add_seed "$dir" "$f"
    done
}

make_seeds() {
    local name=$1 dir="$out/seeds-$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    case "$name" in
        native) seed_native "$dir" ;;
        cyclonedx) seed_cyclonedx "$dir" ;;
        dora) seed_dora "$dir" ;;
        mapping) seed_mapping "$dir" ;;
        policy) seed_policy "$dir" ;;
        *) seed_generic "$dir" "$name" ;;
    esac
    seed_regressions "$dir" "$name"
    if [ -x "tools/fuzz/seed_$name.sh" ]; then
        "tools/fuzz/seed_$name.sh" "$dir"
    fi
}

# A dictionary of the native format's tokens (column names, enum spellings).
write_native_dict() {
    local f=$1 w
    : > "$f"
    for w in id name type category criticality rto_hours recovery_hours spend country \
             parent substitutability probability loss_per_hour from to group need kind function \
             supplier service component cloud managed-service software hardware \
             telecom other easy medium hard none; do
        printf '"%s"\n' "$w" >> "$f"
    done
    printf '"\\xef\\xbb\\xbf"\n"\\xff"\n"\\x0d\\x0a"\n"\\x22\\x22"\n"1e308"\n' >> "$f"
}

# ---- run --------------------------------------------------------------------

# The libFuzzer dictionary options of a target.
dict_args() {
    local name=$1
    if [ -f "tools/fuzz/fuzz_$name.dict" ]; then
        echo "-dict=tools/fuzz/fuzz_$name.dict"
    elif [ "$name" = native ]; then
        write_native_dict "$out/native.dict"
        echo "-dict=$out/native.dict"
    fi
}

# The committed corpus of a target (may be absent).
corpus_dir() { echo "$(pwd)/tests/fixtures/fuzz-corpus/$1"; }

# Every committed input of a target, one path a line, in a fixed order:
# the seeds (fixtures and regression inputs, see make_seeds) and the corpus.
committed_inputs() {
    local name=$1
    {
        find "$out/seeds-$name" -type f
        [ -d "$(corpus_dir "$name")" ] && find "$(corpus_dir "$name")" -type f ! -name '*.md'
    } | LC_ALL=C sort
}

# CI: replay every committed input, then exactly $runs runs from seed 1.
# What makes the run the same on every machine and every time:
#   - the library is built without helper threads (CRISK_NO_THREADS);
#   - targets name their files the same every run (fuzz_workdir.h);
#   - -use_cmp=0: libFuzzer would otherwise feed the operands of traced
#     comparisons, pointers among them, back into its mutations, and with
#     address-space randomisation those differ on every run;
#   - -reload=0: no periodic re-reading of the corpus directory;
#   - the work corpus is a fresh directory filled in sorted order.
# -timeout is far above any input's time (milliseconds): a slow machine
# must not fail CI.  The summary's "cov ft corp" figures are the same on
# every run of one commit.
run_ci() {
    local name=$1 bin="$bin_dir/fuzz_$1" log="$out/$1.log" crashes="$out/crashes-$1"
    local work inputs=() dict rc=0 f
    mkdir -p "$crashes"
    mapfile -t inputs < <(committed_inputs "$name")
    dict=$(dict_args "$name")
    work=$(mktemp -d "${TMPDIR:-/tmp}/crisk-fuzz-ci.XXXXXX")
    for f in "${inputs[@]}"; do
        cp "$f" "$work/$(sha1sum < "$f" | cut -c1-40)"
    done
    {
        echo "== replay of ${#inputs[@]} committed inputs"
        "$bin" -timeout=300 -rss_limit_mb=2048 -artifact_prefix="$crashes/" "${inputs[@]}" || rc=$?
        if [ "$rc" -eq 0 ]; then
            echo "== $runs runs from seed 1"
            # shellcheck disable=SC2086  # $dict is empty or one word
            "$bin" -seed=1 -reload=0 -use_cmp=0 -runs="$((runs + ${#inputs[@]}))" -timeout=300 -rss_limit_mb=2048 \
                -print_final_stats=1 $dict -artifact_prefix="$crashes/" "$work" || rc=$?
        fi
    } > "$log" 2>&1
    rm -rf "$work"
    echo "$rc" > "$out/$name.status"
    echo "${#inputs[@]}" > "$out/$name.inputs"
}

# Exploration: $seconds seconds, random seed, from the kept corpus, the
# committed corpus and the seeds; the kept corpus grows.
run_explore() {
    local name=$1 bin="$bin_dir/fuzz_$1" log="$out/$1.log" crashes="$out/crashes-$1"
    local dict rc=0 committed=()
    mkdir -p "$out/corpus-$name" "$crashes"
    [ -d "$(corpus_dir "$name")" ] && committed=("$(corpus_dir "$name")")
    dict=$(dict_args "$name")
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        $dict -artifact_prefix="$crashes/" "$out/corpus-$name" "${committed[@]}" \
        "$out/seeds-$name" > "$log" 2>&1 || rc=$?
    echo "$rc" > "$out/$name.status"
}

# Merge the kept corpus into the committed one: only inputs that add
# coverage to what is committed, at most 64 KiB each (small inputs mutate
# best and keep the repository small).
run_update() {
    local name=$1 bin="$bin_dir/fuzz_$1" log="$out/$1.log" dest rc=0
    dest=$(corpus_dir "$name")
    mkdir -p "$dest" "$out/corpus-$name"
    "$bin" -merge=1 -max_len=65536 -timeout=10 -rss_limit_mb=2048 "$dest" \
        "$out/corpus-$name" > "$log" 2>&1 || rc=$?
    echo "$rc" > "$out/$name.status"
}

summarise() {
    local name=$1 log="$out/$1.log" rc executed artifact
    rc=$(cat "$out/$name.status" 2>/dev/null || echo 99)
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n1 | grep -o '[0-9]*$' || true)
    if [ "$rc" -eq 0 ]; then
        case "$mode" in
            ci) printf 'run.sh: %-12s ok     replayed %s inputs, then %s runs from seed 1: %s\n' "$name" \
                    "$(cat "$out/$name.inputs")" "$runs" \
                    "$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || echo '?')" ;;
            explore) printf 'run.sh: %-12s ok     %ss, %s inputs, corpus %s files\n' "$name" "$seconds" \
                    "${executed:-?}" "$(find "$out/corpus-$name" -type f | wc -l)" ;;
            update) printf 'run.sh: %-12s ok     committed corpus now %s files\n' "$name" \
                    "$(find "$(corpus_dir "$name")" -type f | wc -l)" ;;
        esac
        return 0
    fi
    artifact=$(grep -o 'Test unit written to .*' "$log" | tail -n1 | sed 's/^Test unit written to //')
    printf 'run.sh: %-12s FAILED (exit %s): %s\n' "$name" "$rc" \
        "$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY:' "$log" || echo 'see the log')"
    echo "run.sh:   log:        $log"
    if [ -n "$artifact" ]; then
        echo "run.sh:   reproducer: $artifact"
        echo "run.sh:   replay:     $bin_dir/fuzz_$name $artifact"
        echo "run.sh:   keep it:    tools/fuzz/keep.sh $name $artifact NAME 'what it found'"
    fi
    echo "----- last lines of $log -----"
    tail -n 40 "$log"
    return 1
}

case "$mode" in
    ci) echo "run.sh: replaying the committed inputs of ${targets[*]} and fuzzing $runs runs each from seed 1" >&2 ;;
    explore) echo "run.sh: fuzzing ${targets[*]} for ${seconds}s each, $jobs at a time" >&2 ;;
    update) echo "run.sh: merging build-fuzz/corpus-* into tests/fixtures/fuzz-corpus/" >&2 ;;
esac
for t in "${targets[@]}"; do
    make_seeds "$t"
    rm -f "$out/$t.status"
done
running=0
for t in "${targets[@]}"; do
    "run_$mode" "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

failed=0
for t in "${targets[@]}"; do
    summarise "$t" || failed=1
done
exit "$failed"
