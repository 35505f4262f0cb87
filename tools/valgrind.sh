#!/usr/bin/env bash
# tools/valgrind.sh BIN - run the CLI golden tests under valgrind memcheck.
#
# Every case in tests/cli/<case>/ (see tests/run_cli_case.sh) runs through
# valgrind with --error-exitcode=99 --leak-check=full
# --errors-for-leak-kinds=definite --trace-children=yes, and its output is
# still compared with the expected one.  Then the Graphviz commands run on
# data/sample (map to .svg, .dot, .png, .pdf; report to .html), which loads
# Graphviz's render plugins under valgrind too.  A case fails on any memcheck
# error (invalid read or write, use of uninitialised memory, bad free), any
# definite leak, or output that differs from the expected.  One summary line
# per case; exit 0 only if every case passed.
#
# tools/valgrind.supp suppresses what Graphviz's own libraries (libgvc, its
# plugins, fontconfig, cairo, pango) leak or do inside themselves, and nothing
# that involves chainrisk's code.  Stage 3 of tools/test.sh.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: tools/valgrind.sh BIN   (e.g. build-test/chainrisk)" >&2
    exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$bin" ] || { echo "valgrind.sh: '$1' is not an executable" >&2; exit 2; }
command -v valgrind >/dev/null 2>&1 || tools/setup.sh --valgrind
supp=$(pwd)/tools/valgrind.supp

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# A wrapper that run_cli_case.sh takes for the binary: valgrind writes its
# report to a log file per process, so stdout and stderr stay comparable.
cat > "$tmp/vg" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
    --show-leak-kinds=definite --trace-children=yes --num-callers=30 \\
    --suppressions="$supp" --log-file="\$VG_LOG.%p" "$bin" "\$@"
EOF
chmod +x "$tmp/vg"

# Verdict on the valgrind logs of one case: "" if clean, else a short reason.
problems() {
    local prefix=$1 f reasons=""
    for f in "$prefix".*; do
        [ -s "$f" ] || continue
        grep -q 'Invalid read' "$f" && reasons="$reasons invalid-read"
        grep -q 'Invalid write' "$f" && reasons="$reasons invalid-write"
        grep -q -E 'Invalid free|Mismatched free' "$f" && reasons="$reasons bad-free"
        grep -q -E 'uninitialised' "$f" && reasons="$reasons uninitialised"
        grep -q 'definitely lost' "$f" && reasons="$reasons definite-leak"
        grep -q -E 'Process terminating|Warning: client switching stacks' "$f" \
            && reasons="$reasons crash"
        [ -z "$reasons" ] && reasons=" memcheck-error"
    done
    echo "$reasons"
}

failed=0
passed=0

report() {   # report NAME STATUS-OK(0/1) LOG-PREFIX DETAIL
    local name=$1 ok=$2 prefix=$3 detail=$4 why
    why=$(problems "$prefix")
    if [ "$ok" -eq 0 ] && [ -z "$why" ]; then
        printf 'valgrind: %-34s ok\n' "$name"
        passed=$((passed + 1))
        return
    fi
    failed=$((failed + 1))
    printf 'valgrind: %-34s FAILED:%s%s\n' "$name" "$why" "${detail:+ $detail}"
    local f
    for f in "$prefix".*; do
        [ -s "$f" ] && { echo "----- $f"; cat "$f"; }
    done
}

# 1. The golden CLI cases.
for dir in tests/cli/*/; do
    [ -f "$dir/args" ] || continue
    name=$(basename "$dir")
    export VG_LOG="$tmp/log-$name"
    if tests/run_cli_case.sh "$tmp/vg" "$dir" > "$tmp/out-$name" 2>&1; then
        report "$name" 0 "$VG_LOG" ""
    elif [ -n "$(problems "$VG_LOG")" ]; then
        report "$name" 1 "$VG_LOG" ""
    else
        report "$name" 1 "$VG_LOG" "(output differs under valgrind)"
        cat "$tmp/out-$name"
    fi
done

# 2. Graphviz: layout and the render plugins (core SVG/DOT, cairo PNG/PDF),
#    and the HTML report with its inline map.
extra_case() {   # extra_case NAME OUTPUT ARGS...
    local name=$1 output=$2 status
    shift 2
    export VG_LOG="$tmp/log-$name"
    "$tmp/vg" "$@" > "$tmp/out-$name" 2>&1
    status=$?
    if [ "$status" -eq 0 ] && [ -s "$output" ]; then
        report "$name" 0 "$VG_LOG" ""
    else
        report "$name" 1 "$VG_LOG" "(exit $status; $(head -c 300 "$tmp/out-$name" | tr '\n' ' '))"
    fi
}
extra_case map_svg "$tmp/map.svg" map -q -o "$tmp/map.svg" data/sample
extra_case map_dot "$tmp/map.dot" map -q -o "$tmp/map.dot" data/sample
extra_case map_png "$tmp/map.png" map -q -o "$tmp/map.png" data/sample
extra_case map_pdf "$tmp/map.pdf" map -q -o "$tmp/map.pdf" data/sample
extra_case map_focus_svg "$tmp/focus.svg" map -q --focus wachturm-edr -o "$tmp/focus.svg" data/sample
extra_case report_html "$tmp/report.html" report -q -o "$tmp/report.html" data/sample

echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
