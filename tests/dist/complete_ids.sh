#!/usr/bin/env bash
# complete_ids.sh BIN - `chainrisk __complete-ids` stays quick and quiet on
# what it must not load: inputs past its 16 MiB budget, and paths that are
# neither files nor directories (a FIFO would block the shell at every Tab).
# It then prints nothing, on stdout or stderr, and exits 0 at once (each run
# under a 20 s timeout, far above the milliseconds it takes).  The ids it
# does print, and how, are the golden tests tests/cli/complete_ids_*.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
quiet() {   # quiet WHAT ARGS... : no output, exit 0
    local what=$1 status
    shift
    timeout 20 "$bin" __complete-ids "$@" > "$tmp/out" 2>&1
    status=$?
    if [ "$status" -eq 0 ] && [ ! -s "$tmp/out" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what: exit $status, output: $(head -c 300 "$tmp/out")"
    fi
}

# 17 MiB of nodes: a valid inventory, just too big to load at every Tab.
mkdir -p "$tmp/big"
awk 'BEGIN { print "id,type,note"; pad = sprintf("%0200d", 0)
             for (i = 0; i < 85000; i++) printf "n%d,supplier,%s\n", i, pad }' > "$tmp/big/nodes.csv"
printf 'from,to\n' > "$tmp/big/edges.csv"
quiet "an inventory past the budget" "$tmp/big"
quiet "--nodes past the budget" --nodes "$tmp/big/nodes.csv"
# within the budget, the same shape loads and offers its ids
head -n 1001 "$tmp/big/nodes.csv" > "$tmp/small.csv"
if [ "$("$bin" __complete-ids --prefix=n99 --nodes "$tmp/small.csv" | wc -l)" -eq 11 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL: a small inventory offers n99 and n990..n999"
fi
# a FIFO as the nodes file, as the directory's nodes.csv, and as an input
mkdir -p "$tmp/fifo"
mkfifo "$tmp/fifo/nodes.csv" "$tmp/pipe"
printf 'from,to\n' > "$tmp/fifo/edges.csv"
quiet "a FIFO given as --nodes" --nodes "$tmp/fifo/nodes.csv"
quiet "a FIFO inside the inventory" "$tmp/fifo"
quiet "a FIFO as the input" "$tmp/pipe"
quiet "a missing input" "$tmp/none"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
