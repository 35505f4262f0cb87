#!/bin/sh
# compare_outputs.sh - run two chainrisk binaries over the same inventories and
# check that every analysis command writes the same bytes.
#
#   tools/bench/compare_outputs.sh OLD_BINARY NEW_BINARY INVENTORY_DIR...
#
# For each inventory (a directory with nodes.csv and edges.csv) it runs rank,
# spof, shared, concentration, impact (of the first node), simulate, export
# (JSON: every metric, SPOF and false-redundancy finding) and report (without
# the map), and, on inventories of up to 5 000 nodes, spof --pairs.  Each
# command's stdout, stderr and exit status must be equal.  Outputs are kept in
# $COMPARE_DIR (default a temporary directory, removed unless a difference
# was found).  Exit status 0 when everything matched, 1 otherwise.
set -u

if [ $# -lt 3 ]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
old=$1
new=$2
shift 2
out=${COMPARE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/crisk-compare.XXXXXX")}
mkdir -p "$out"
status=0

# run FILE BINARY INVENTORY ARGS...: stdout, stderr and status into
# $out/FILE.*, with the build's git description taken out of the version
# (export and report name it; taken out whole, so that a build made from a
# source tarball, which has none, compares equal).  "@" in ARGS stands for
# the inventory.
run() {
    run_file=$1 run_bin=$2 run_inv=$3
    shift 3
    args=
    for arg in "$@"; do
        [ "$arg" = @ ] && arg=$run_inv
        args="$args $arg"
    done
    # shellcheck disable=SC2086  # no argument holds a space
    { "$run_bin" $args 2>"$out/$run_file.err"; echo $? >"$out/$run_file.rc"; } \
        | sed 's/ (git [0-9a-f]*\(-dirty\)\{0,1\})//' >"$out/$run_file.out"
}

# commands NODES FIRST_ID: the commands for an inventory, one a line.
commands() {
    echo "rank --format csv @"
    echo "spof --format csv @"
    echo "shared --format csv @"
    echo "concentration --format csv @"
    echo "impact --format csv @ $2"
    echo "simulate --runs 200 --format csv @"
    echo "export --format json @"
    echo "report --no-map @"
    if [ "$1" -le 5000 ]; then
        echo "spof --pairs --format csv @"
    fi
}

for inv in "$@"; do
    name=$(echo "$inv" | tr '/' '_')
    nodes=$(($(wc -l <"$inv/nodes.csv") - 1))
    first=$(sed -n '2p' "$inv/nodes.csv" | cut -d, -f1)
    commands "$nodes" "$first" >"$out/commands"
    while read -r cmd; do
        file="$name.$(echo "$cmd" | tr ' @' '_i')"
        # shellcheck disable=SC2086  # cmd is split into arguments on purpose
        run "$file.old" "$old" "$inv" $cmd
        # shellcheck disable=SC2086
        run "$file.new" "$new" "$inv" $cmd
        same=yes
        for part in out err rc; do
            cmp -s "$out/$file.old.$part" "$out/$file.new.$part" || same=no
        done
        echo "$same  $inv: $cmd (exit $(cat "$out/$file.new.rc"))"
        [ $same = yes ] || status=1
    done <"$out/commands"
done
if [ $status = 0 ] && [ -z "${COMPARE_DIR:-}" ]; then
    rm -rf "$out"
else
    echo "outputs in $out"
fi
exit $status
