#!/usr/bin/env bash
# tools/bench/run.sh - chainrisk against its networkx and python-igraph peers,
# in one run (DESIGN §8).
#
# Builds chainrisk (Release) into build-bench/, then makes one inventory per
# row of --sizes (cached under build-bench/bench-data/):
#   N        a synthetic inventory of N nodes from chainrisk-gen;
#   debian   the Debian package graph of the machine's apt lists
#            (tools/bench/debian_graph.py; rebuilt when the lists change; when
#            /var/lib/apt/lists is empty and we are root, `apt-get update`
#            fills it first).
# For each row it measures wall time and peak RSS (GNU time) of
#   chainrisk validate DIR                 load + checks
#   chainrisk rank DIR --format csv -o F   end to end
#   tools/bench/peer_networkx.py DIR       the networkx peer (nodes <= --peer-max)
#   tools/bench/peer_igraph.py DIR         the python-igraph peer (nodes <= --igraph-max)
# and checks that each peer's columns equal the same columns of rank's CSV,
# for every node.  Prints a Markdown table (also saved in
# build-bench/bench-results/); see docs/performance.md for how to read it.
# Only the Debian row: --debian-only (the same as --sizes debian).
#
# A command that is missing or fails is reported in the table and the run
# goes on; the exit status is 1 if any result mismatched, a chainrisk command
# failed or the Debian row could not be built, 2 on a usage error, 3 if
# nothing could be built.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: tools/bench/run.sh [options]

  --sizes LIST         rows, comma-separated: node counts of generated inventories
                       and/or `debian` (default debian,10000,100000,1000000)
  --debian-only        only the Debian package graph (= --sizes debian)
  --apt-lists PATH     Packages lists for the Debian row: a file or a directory;
                       repeat for more (default /var/lib/apt/lists)
  --peer-max N         largest row, in nodes, the networkx peer runs at (default 100000)
  --igraph-max N       largest row, in nodes, the python-igraph peer runs at
                       (default 100000)
  --peer-seconds S     the peer gives up its metric loop after S s and its full
                       time is extrapolated from the nodes done (default 600)
  --timeout S          stop any one chainrisk command after S s (default 3600)
  --max-memory MIB     address-space limit (ulimit -v) of every measured command,
                       so that a runaway one fails alone (default 80 % of RAM)
  --edges-per-node D   generator mean out-degree (default 10)
  --seed S             generator seed (default 1)
  --build-dir DIR      build and scratch directory (default build-bench)
  --no-build           use the binaries already in the build directory
  --reuse-peer         reuse the networkx peer's figures from an earlier run on the
                       same data, peer script and options (that peer is slow)
  -h, --help           this help
EOF
}

die() { echo "run.sh: $*" >&2; exit "${2:-2}"; }
note() { echo "run.sh: $*" >&2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZES=debian,10000,100000,1000000
PEER_MAX=100000
IGRAPH_MAX=100000
APT_LISTS=()
PEER_SECONDS=600
TIMEOUT=3600
DEGREE=10
SEED=1
BUILD=$ROOT/build-bench
DO_BUILD=1
REUSE_PEER=0
MAX_MEMORY=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=${2:?}; shift ;;
        --debian-only) SIZES=debian ;;
        --apt-lists) APT_LISTS+=("${2:?}"); shift ;;
        --peer-max) PEER_MAX=${2:?}; shift ;;
        --igraph-max) IGRAPH_MAX=${2:?}; shift ;;
        --peer-seconds) PEER_SECONDS=${2:?}; shift ;;
        --timeout) TIMEOUT=${2:?}; shift ;;
        --max-memory) MAX_MEMORY=${2:?}; shift ;;
        --edges-per-node) DEGREE=${2:?}; shift ;;
        --seed) SEED=${2:?}; shift ;;
        --build-dir) BUILD=$(mkdir -p "${2:?}" && cd "$2" && pwd); shift ;;
        --no-build) DO_BUILD=0 ;;
        --reuse-peer) REUSE_PEER=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
    shift
done
for v in "$PEER_MAX" "$IGRAPH_MAX" "$PEER_SECONDS" "$TIMEOUT" "$SEED" "$MAX_MEMORY"; do
    [[ $v =~ ^[0-9]+$ ]] || die "not a whole number: '$v'"
done
IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for s in "${SIZE_LIST[@]}"; do
    [[ $s =~ ^[0-9]+$ || $s = debian ]] || die "bad size '$s' in --sizes (a node count or 'debian')"
done

DATA=$BUILD/bench-data
RESULTS=$BUILD/bench-results
mkdir -p "$DATA" "$RESULTS"
GEN=$BUILD/tools/chainrisk-gen
CR=$BUILD/chainrisk
PEER=$ROOT/tools/bench/peer_networkx.py
PEER_IGRAPH=$ROOT/tools/bench/peer_igraph.py
DEBIAN_GRAPH=$ROOT/tools/bench/debian_graph.py

# ---- prerequisites ----------------------------------------------------------

/usr/bin/time -f %e true >/dev/null 2>&1 ||
    die "GNU time (/usr/bin/time) is missing: run tools/setup.sh --bench" 3
# Debian's python3-networkx is the reference peer; fall back to any python3
# that has networkx.
PY=""
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import networkx' >/dev/null 2>&1; then
        PY=$candidate
        break
    fi
done
[ -n "$PY" ] || note "python3 with networkx is missing (tools/setup.sh --bench): that peer is skipped"
# Debian's python3-igraph likewise.
PY_IGRAPH=""
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import igraph' >/dev/null 2>&1; then
        PY_IGRAPH=$candidate
        break
    fi
done
[ -n "$PY_IGRAPH" ] || note "python3 with igraph is missing (tools/setup.sh --bench): that peer is skipped"
# Any python3 builds the Debian graph and compares results (standard library).
PY_STD=""
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c '' >/dev/null 2>&1; then
        PY_STD=$candidate
        break
    fi
done

# ---- build ------------------------------------------------------------------

build() {
    local log=$RESULTS/build.log
    : >"$log"
    if cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCHAINRISK_TESTS=OFF >>"$log" 2>&1; then
        cmake --build "$BUILD" --target chainrisk-gen -j 2 >>"$log" 2>&1 ||
            note "building chainrisk-gen failed (see $log)"
        if ! cmake --build "$BUILD" --target chainrisk_cli -j 2 >>"$log" 2>&1; then
            note "building chainrisk failed; its columns stay empty (see $log):"
            grep -m 5 -E 'error|Error' "$log" | sed 's/^/    /' >&2
            rm -f "$CR"
        fi
    else
        note "cmake configure failed (see $log); building only the generator"
    fi
    if [ ! -x "$GEN" ]; then    # the generator needs nothing but libc and libm
        mkdir -p "$(dirname "$GEN")"
        cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
            "$ROOT/tools/gen/gen.c" -lm -o "$GEN" >>"$log" 2>&1 ||
            die "cannot build chainrisk-gen (see $log)" 3
    fi
}

[ "$DO_BUILD" = 1 ] && build
[ -x "$GEN" ] || die "no generator at $GEN (build first, or drop --no-build)" 3
[ -x "$CR" ] || note "no chainrisk binary at $CR: only the generator and the peer run"

# ---- measuring --------------------------------------------------------------

# measure NAME LOG CMD...: run CMD under GNU time, `timeout` and the memory
# limit, stdout and stderr to LOG.{out,err}; sets M_SECONDS, M_MIB (peak
# RSS) and M_STATUS.
measure() {
    local name=$1 log=$2
    shift 2
    local tfile=$log.time kib=""
    (
        ulimit -v $((MAX_MEMORY * 1024))
        exec /usr/bin/time -f '%e %M' -o "$tfile" timeout "$TIMEOUT" "$@" >"$log.out" 2>"$log.err"
    )
    M_STATUS=$?
    read -r M_SECONDS kib < <(tail -n 1 "$tfile") || true
    M_SECONDS=${M_SECONDS:-0}
    M_MIB=$(awk -v k="${kib:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
    case $M_STATUS in
        0) ;;
        124) note "$name: timed out after $TIMEOUT s" ;;
        4) if [[ $name == peer* ]]; then
               note "$name: gave up after --peer-seconds; its full time is extrapolated"
           else
               note "$name: exit status 4 (see $log.err)"
           fi ;;
        *) note "$name: exit status $M_STATUS; first lines of $log.err:"
           head -n 5 "$log.err" | sed 's/^/    /' >&2 ;;
    esac
}

# failure_cell STATUS LOG: why a chainrisk command produced no figure, and
# after how long (M_SECONDS).
failure_cell() {
    if [ "$1" = 2 ] && grep -q 'unknown command' "$2.err" 2>/dev/null; then
        echo "not implemented"
        return
    fi
    case $1 in
        124) echo "timeout after ${M_SECONDS} s" ;;
        2) echo "usage error" ;;
        137) echo "killed (signal 9, out of memory?) after ${M_SECONDS} s" ;;
        *) if [ "$1" -gt 128 ]; then
               echo "killed (signal $(($1 - 128))) after ${M_SECONDS} s"
           else
               echo "exit $1 after ${M_SECONDS} s"
           fi ;;
    esac
}

# generate SIZE DIR: (re)generate unless DIR holds the same arguments' output.
generate() {
    local size=$1 dir=$2
    local stamp="chainrisk-gen --nodes $size --edges-per-node $DEGREE --seed $SEED $(sha256sum <"$GEN")"
    if [ -f "$dir/nodes.csv" ] && [ -f "$dir/edges.csv" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
        GEN_SECONDS=$(cat "$dir/.gen-seconds" 2>/dev/null || echo "")
        return 0
    fi
    rm -f "$dir/.stamp"
    measure "generate $size" "$RESULTS/gen-$size" \
        "$GEN" --nodes "$size" --edges-per-node "$DEGREE" --seed "$SEED" -o "$dir"
    [ "$M_STATUS" = 0 ] || die "chainrisk-gen failed at $size nodes" 3
    GEN_SECONDS=$M_SECONDS
    echo "$GEN_SECONDS" >"$dir/.gen-seconds"
    echo "$stamp" >"$dir/.stamp"
}

# debian DIR: (re)build the Debian package graph into DIR unless DIR holds
# the graph of the same lists by the same script; sets GEN_SECONDS and
# returns 1 (with a note) when there is nothing to build it from.
debian() {
    local dir=$1 lists stamp
    [ -n "$PY_STD" ] || { note "debian: no python3 to build the graph with"; return 1; }
    local inputs=("${APT_LISTS[@]}")
    [ ${#inputs[@]} -gt 0 ] || inputs=(/var/lib/apt/lists)
    if ! lists=$("$PY_STD" "$DEBIAN_GRAPH" --print-lists "${inputs[@]}" 2>/dev/null); then
        if [ ${#APT_LISTS[@]} -eq 0 ] && [ "$(id -u)" = 0 ]; then
            note "debian: /var/lib/apt/lists holds no Packages lists; running apt-get update"
            apt-get update -qq >"$RESULTS/apt-get-update.log" 2>&1 ||
                note "debian: apt-get update failed (see $RESULTS/apt-get-update.log)"
        fi
        if ! lists=$("$PY_STD" "$DEBIAN_GRAPH" --print-lists "${inputs[@]}" 2>&1); then
            note "debian: $lists"
            return 1
        fi
    fi
    mkdir -p "$dir"
    # The lists' names and contents, and the script, decide the graph.
    # shellcheck disable=SC2086 # one list per line, names without spaces
    stamp="debian_graph.py $(sha256sum <"$DEBIAN_GRAPH") $(printf '%s\n' "$lists" | tr '\n' ' ') $(cat $lists | sha256sum)"
    if [ -f "$dir/nodes.csv" ] && [ -f "$dir/edges.csv" ] && [ -f "$dir/debian-summary" ] &&
       [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
        GEN_SECONDS=$(cat "$dir/.gen-seconds" 2>/dev/null || echo "")
        return 0
    fi
    rm -f "$dir/.stamp"
    local -a list_array
    mapfile -t list_array <<<"$lists"
    measure "debian graph" "$RESULTS/gen-debian" "$PY_STD" "$DEBIAN_GRAPH" -o "$dir" "${list_array[@]}"
    if [ "$M_STATUS" != 0 ]; then
        note "debian: building the graph failed; row skipped"
        return 1
    fi
    GEN_SECONDS=$M_SECONDS
    cp "$RESULTS/gen-debian.out" "$dir/debian-summary"
    echo "$GEN_SECONDS" >"$dir/.gen-seconds"
    echo "$stamp" >"$dir/.stamp"
}

# compare PEER_CSV RANK_CSV: one table cell.  Compares the columns the peer
# wrote (of direct_dependants, dependants, functions, impact), for every node
# the peer wrote; every node of rank's CSV must be there unless the peer
# sampled.
compare() {
    "${PY_STD:-python3}" - "$1" "$2" <<'PY'
import csv, sys
RANK_HEADER = ["id", "name", "type", "category", "tier", "direct_dependants", "dependants",
               "functions", "exposure", "impact", "impact_weight", "impact_share", "spof",
               "breaches"]
COMPARABLE = ["direct_dependants", "dependants", "functions", "impact"]
peer_path, rank_path = sys.argv[1:3]
with open(rank_path, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader, [])
    if header != RANK_HEADER:
        print("NO: rank header is " + ",".join(header)[:60])
        sys.exit(1)
    rank_rows = list(reader)
with open(peer_path, newline="", encoding="utf-8") as f:
    reader = csv.DictReader(f)
    columns = [c for c in COMPARABLE if c in (reader.fieldnames or [])]
    peer = {row["id"]: [row[c] for c in columns] for row in reader}
if not columns:
    print("NO: the peer wrote none of " + ", ".join(COMPARABLE))
    sys.exit(1)
at = [header.index(c) for c in columns]
rank = {}
for row in rank_rows:
    # CSV injection guard (DESIGN §7): a leading quote may precede an id.
    key = row[0][1:] if row[0][:1] == "'" and row[0][1:2] in "=+-@\t\r" else row[0]
    rank[key] = [row[i] for i in at]
bad = [(k, v, rank.get(k)) for k, v in peer.items() if rank.get(k) != v]
if bad:
    k, p, r = bad[0]
    print(f"NO: {len(bad)} of {len(peer)} differ (e.g. {k}: peer {p} rank {r})")
    sys.exit(1)
if len(peer) < len(rank):
    print(f"yes ({len(peer)} of {len(rank)} nodes sampled)")
else:
    print(f"yes (all {len(peer)})")
PY
}

# run_peer LABEL DIR: the networkx peer, or its saved figures with
# --reuse-peer; sets M_STATUS, M_SECONDS, M_MIB and leaves its stderr in
# DIR/peer.err.
run_peer() {
    local label=$1 dir=$2
    local stamp
    stamp="$(cat "$dir/.stamp") $(sha256sum <"$PEER") $PY $PEER_SECONDS"
    if [ "$REUSE_PEER" = 1 ] && [ -f "$dir/peer.csv" ] && [ -f "$dir/peer.err" ] &&
       [ "$(head -n 1 "$dir/.peer-stamp" 2>/dev/null)" = "$stamp" ]; then
        read -r M_STATUS M_SECONDS M_MIB < <(tail -n 1 "$dir/.peer-stamp")
        PEER_REUSED=1
        note "$label: networkx peer figures reused (--reuse-peer)"
        return
    fi
    note "$label: networkx peer (gives up after $PEER_SECONDS s of metrics)"
    rm -f "$dir/.peer-stamp"
    measure "peer $label" "$RESULTS/peer-$label" \
        "$PY" "$PEER" "$dir" --max-seconds "$PEER_SECONDS" -o "$dir/peer.csv"
    cp "$RESULTS/peer-$label.err" "$dir/peer.err"
    printf '%s\n%s %s %s\n' "$stamp" "$M_STATUS" "$M_SECONDS" "$M_MIB" >"$dir/.peer-stamp"
}

# ratio A B: A / B to one decimal, empty unless both are positive numbers.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        num = "^[0-9]+([.][0-9]*)?$"
        if (a ~ num && b ~ num && a + 0 > 0 && b + 0 > 0) printf "%.1f", a / b }'
}

# add_match NAME CELL: append "NAME: CELL" to the row's results cell.
add_match() {
    if [ "$match" = "n/a" ]; then
        match="$1 $2"
    else
        match="$match; $1 $2"
    fi
}

# ---- the run ------------------------------------------------------------------

TSV=$RESULTS/results.tsv
TABLE=$RESULTS/results.md
printf 'size\tnodes\tedges\tcsv_mb\tgen_s\tload_s\tload_mb_s\tload_mib\trank_s\trank_mib' >"$TSV"
printf '\tnetworkx_s\tnetworkx_mib\tnetworkx_speed_ratio\tnetworkx_memory_ratio' >>"$TSV"
printf '\tigraph_s\tigraph_mib\tigraph_speed_ratio\tigraph_memory_ratio\tmatch\n' >>"$TSV"
FAILED=0
PEER_REUSED=0
DEBIAN_NOTE=""

for size in "${SIZE_LIST[@]}"; do
    GEN_SECONDS=""
    if [ "$size" = debian ]; then
        dir=$DATA/debian
        note "debian: building the package graph in $dir"
        if ! debian "$dir"; then
            DEBIAN_NOTE="Debian row skipped: no graph (no Packages lists, or debian_graph.py failed: see the notes on stderr)."
            FAILED=1
            continue
        fi
        DEBIAN_NOTE=$(awk '/^debian-summary / {
                for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                printf "debian: %d packages from %d lists (%d stanzas, %d duplicates collapsed); " \
                       "%d edges: %d plain, %d in %d groups needing 1 of 2 or more; " \
                       "dropped %d dependencies and %d alternatives on names neither packaged " \
                       "nor provided, %d self-satisfied, %d duplicates.",
                       v["packages"], v["lists"], v["stanzas"], v["duplicates"], v["edges"],
                       v["plain"], v["group_edges"], v["groups"], v["dropped"],
                       v["dropped_alternatives"], v["self"], v["duplicate_edges"] }' \
            "$dir/debian-summary")
    else
        dir=$DATA/n$size-d$DEGREE-s$SEED
        note "size $size: generating in $dir"
        generate "$size" "$dir"
    fi
    nodes=$(($(wc -l <"$dir/nodes.csv") - 1))
    edges=$(($(wc -l <"$dir/edges.csv") - 1))
    bytes=$(($(stat -c %s "$dir/nodes.csv") + $(stat -c %s "$dir/edges.csv")))
    csv_mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    load_s="" load_rate="" load_mib="" rank_s="" rank_mib="" match="n/a"
    nx_s="" nx_mib="" ig_s="" ig_mib=""
    rank_ok=0

    if [ -x "$CR" ]; then
        note "$size: chainrisk validate"
        measure "validate $size" "$RESULTS/validate-$size" "$CR" validate "$dir"
        if [ "$M_STATUS" = 0 ]; then
            load_s=$M_SECONDS load_mib=$M_MIB
            load_rate=$(ratio "$csv_mb" "$load_s")
        else
            load_s=$(failure_cell "$M_STATUS" "$RESULTS/validate-$size")
            load_mib="≥$M_MIB"      # the peak until it stopped
            FAILED=1
        fi
        note "$size: chainrisk rank"
        rm -f "$dir/rank.csv"
        measure "rank $size" "$RESULTS/rank-$size" "$CR" rank "$dir" --format csv -o "$dir/rank.csv"
        if [ "$M_STATUS" = 0 ] && [ -s "$dir/rank.csv" ]; then
            rank_s=$M_SECONDS rank_mib=$M_MIB rank_ok=1
        else
            rank_s=$(failure_cell "$M_STATUS" "$RESULTS/rank-$size")
            rank_mib="≥$M_MIB"
            FAILED=1
        fi
    fi

    if [ -n "$PY" ] && [ "$nodes" -le "$PEER_MAX" ]; then
        run_peer "$size" "$dir"
        summary=$(grep '^peer-summary ' "$dir/peer.err" | tail -n 1)
        if [ "$M_STATUS" = 0 ] || [ "$M_STATUS" = 4 ]; then
            nx_mib=$M_MIB
            nx_s=$M_SECONDS
            if [ "$M_STATUS" = 4 ]; then    # extrapolate the metric loop
                nx_s=$(awk -v wall="$M_SECONDS" -v s="$summary" 'BEGIN {
                    n = split(s, kv, /[ =]/)
                    for (i = 1; i < n; i++) v[kv[i]] = kv[i + 1]
                    printf "~%.0f", wall - v["metrics_s"] + v["estimated_metrics_s"] }')
            fi
            if [ "$rank_ok" = 1 ]; then
                cell=$(compare "$dir/peer.csv" "$dir/rank.csv") || FAILED=1
                add_match networkx "$cell"
            fi
        else
            nx_s="failed (exit $M_STATUS)"
        fi
    fi

    if [ -n "$PY_IGRAPH" ] && [ "$nodes" -le "$IGRAPH_MAX" ]; then
        note "$size: python-igraph peer"
        rm -f "$dir/igraph.csv"
        measure "igraph $size" "$RESULTS/igraph-$size" "$PY_IGRAPH" "$PEER_IGRAPH" "$dir" -o "$dir/igraph.csv"
        if [ "$M_STATUS" = 0 ]; then
            ig_s=$M_SECONDS ig_mib=$M_MIB
            if [ "$rank_ok" = 1 ]; then
                cell=$(compare "$dir/igraph.csv" "$dir/rank.csv") || FAILED=1
                add_match igraph "$cell"
            fi
        else
            ig_s=$(failure_cell "$M_STATUS" "$RESULTS/igraph-$size")
        fi
    fi

    {
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' \
            "$size" "$nodes" "$edges" "$csv_mb" "$GEN_SECONDS" "$load_s" "$load_rate" "$load_mib" \
            "$rank_s" "$rank_mib"
        printf '\t%s\t%s\t%s\t%s' "$nx_s" "$nx_mib" "$(ratio "${nx_s#\~}" "$rank_s")" "$(ratio "$nx_mib" "$rank_mib")"
        printf '\t%s\t%s\t%s\t%s' "$ig_s" "$ig_mib" "$(ratio "$ig_s" "$rank_s")" "$(ratio "$ig_mib" "$rank_mib")"
        printf '\t%s\n' "$match"
    } >>"$TSV"
    LAST_RANK_FAILED=$((1 - rank_ok))
    LAST_NODES=$nodes LAST_EDGES=$edges LAST_LOAD_MIB=${load_mib#≥} LAST_RANK_MIB=${rank_mib#≥}
done

# ---- report -----------------------------------------------------------------

{
    echo "chainrisk benchmark - $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
        "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
        "$(grep -m 1 'model name' /proc/cpuinfo | sed 's/.*: //'), chainrisk-gen -d $DEGREE -s $SEED"
    [ -n "$PY" ] && echo "networkx peer: $("$PY" -c 'import sys, networkx; print("Python", sys.version.split()[0], "networkx", networkx.__version__)')"
    [ -n "$PY_IGRAPH" ] && echo "igraph peer: $("$PY_IGRAPH" -c 'import sys, igraph; print("Python", sys.version.split()[0], "python-igraph", igraph.__version__)')"
    echo
    awk -F'\t' '
        NR == 1 {
            print "| size | nodes | edges | CSV MB | gen s | load s | load MB/s | load peak MiB | rank s | rank peak MiB | networkx s | networkx peak MiB | networkx speed ratio | networkx memory ratio | igraph s | igraph peak MiB | igraph speed ratio | igraph memory ratio | results match |"
            print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
            next
        }
        { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$TSV"
    echo
    echo "Times are wall seconds, peaks are maximum resident set sizes (GNU time)."
    echo "load = chainrisk validate; rank = chainrisk rank --format csv (end to end)."
    echo "gen s = chainrisk-gen, or for the debian row tools/bench/debian_graph.py."
    echo "Every command ran under ulimit -v $MAX_MEMORY MiB and a $TIMEOUT s timeout."
    echo "networkx s with ~ = extrapolated from the nodes done before --peer-seconds ($PEER_SECONDS s)."
    echo "speed ratio = peer s / rank s; memory ratio = peer peak / rank peak."
    echo "networkx compares direct_dependants, dependants, functions and impact; igraph the first three."
    [ "$PEER_REUSED" = 1 ] && echo "networkx figures reused from an earlier run on the same data (--reuse-peer)."
    [ -n "$DEBIAN_NOTE" ] && echo "$DEBIAN_NOTE"
    if [ -n "${LAST_NODES:-}" ]; then
        awk -v n="$LAST_NODES" -v e="$LAST_EDGES" -v l="$LAST_LOAD_MIB" -v r="$LAST_RANK_MIB" \
        -v r_failed="$LAST_RANK_FAILED" 'BEGIN {
            if (l != "") printf "Peak memory per node / per edge at %d nodes: load %.0f B / %.0f B", n, l * 1048576 / n, l * 1048576 / e
            if (r != "") printf "; rank %.0f B / %.0f B", r * 1048576 / n, r * 1048576 / e
            if (r != "" && r_failed) printf " (rank did not finish: at least that)"
            if (l != "" || r != "") printf "\n" }'
    fi
} | tee "$TABLE"
note "table saved in $TABLE; logs in $RESULTS"
exit "$FAILED"
