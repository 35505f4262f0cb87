#!/usr/bin/env bash
# tools/bench/diff_check.sh - what `chainrisk diff` and `chainrisk check`
# cost on generated inventories (issue 14; docs/performance.md, "diff and
# check").
#
# For each size N of --sizes: OLD = chainrisk-gen --nodes N --seed 1, NEW =
# tools/bench/perturb.py OLD (a quarter's changes on 1 % of the rows), both
# cached under WORK.  Then, under GNU time (user and system CPU, wall, peak
# RSS):
#   rank OLD, rank NEW       one analysis each: what the diff must not exceed
#   diff OLD OLD             nothing changed: the two analyses a diff runs,
#                            without a dirty sweep or rows to write
#   diff OLD NEW             --format csv, every change, counted through wc
#                            (at 1M nodes the CSV is gigabytes; not kept)
#   check NEW --policy P     tools/bench/policy.json: every rule but scenarios
# Every command runs niced, under `ulimit -v` (--max-memory KB, default
# 8000000: about 8 GB), so a runaway fails alone instead of the machine.
# Prints one Markdown row per command.  The machine is shared: compare CPU
# times, not wall times.
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes=100000,1000000
build=build-bench
work=""
max_memory=8000000
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift ;;
        --build) build=$2; shift ;;
        --work) work=$2; shift ;;
        --max-memory) max_memory=$2; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "diff_check.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done
work=${work:-$build/bench-data}
if [ ! -x "$build/chainrisk" ] || [ ! -x "$build/tools/chainrisk-gen" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j2 --target chainrisk_cli chainrisk-gen >/dev/null
fi
bin=$build/chainrisk
mkdir -p "$work"

measure() {   # measure LABEL CMD...: one Markdown row
    local label=$1 log
    shift
    log=$(mktemp)
    (ulimit -v "$max_memory"; nice -n 10 /usr/bin/time -f '%U %S %e %M' -o "$log" "$@") \
        >/dev/null 2>&1 || true
    # the last line: GNU time puts "Command exited with non-zero status" first
    tail -n 1 "$log" | awk -v label="$label" \
        '{ printf "| %s | %.1f s | %.1f s | %.0f MiB |\n", label, $1 + $2, $3, $4 / 1024 }'
    rm -f "$log"
}

echo "| command | CPU (user + sys) | wall | peak RSS |"
echo "|---|---|---|---|"
for n in ${sizes//,/ }; do
    old=$work/g$n new=$work/g$n-next
    [ -f "$old/edges.csv" ] || "$build/tools/chainrisk-gen" --nodes "$n" --seed 1 -q -o "$old"
    [ -f "$new/edges.csv" ] || python3 tools/bench/perturb.py "$old" "$new" 2>/dev/null
    measure "$n: rank OLD" "$bin" rank "$old" -q --format csv -o "$work/rank-old.csv"
    measure "$n: rank NEW" "$bin" rank "$new" -q --format csv -o "$work/rank-new.csv"
    measure "$n: diff OLD OLD (no change)" "$bin" diff "$old" "$old" -q --format table
    # time reports the largest process of the pipe (the diff) and adds wc's
    # few seconds of CPU to the diff's
    measure "$n: diff OLD NEW" sh -c "'$bin' diff '$old' '$new' -q --format csv | wc -lc > '$work/diff.count'"
    measure "$n: check NEW" "$bin" check "$new" -q --policy tools/bench/policy.json \
        --format json -o "$work/check.json"
    read -r rows bytes < "$work/diff.count"
    printf '| %s: changes found | %s (%s bytes of CSV) | | |\n' "$n" "$((rows - 1))" "$bytes"
done
