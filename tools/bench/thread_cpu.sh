#!/bin/sh
# thread_cpu.sh COMMAND [ARGS...] - CPU seconds of each thread of COMMAND.
#
# On a shared machine wall time says little; the CPU time of the busiest
# thread is what bounds the wall time on idle cores (the calling thread of
# a load, which the reader threads feed).  Samples every thread's CPU clock
# at 1 000 Hz with `perf record` (software event: also in a virtual machine
# without hardware counters) and prints one line per thread, busiest first:
# "TID seconds".  Needs perf (Debian `linux-perf`) and
# kernel.perf_event_paranoid <= 1 or root.
set -eu
if [ $# -lt 1 ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
data=$(mktemp "${TMPDIR:-/tmp}/thread-cpu.XXXXXX")
trap 'rm -f "$data"' EXIT
perf record -q -F 1000 -e cpu-clock -o "$data" "$@" >/dev/null 2>&1 || true
perf report -i "$data" --no-children --sort pid -F sample,pid 2>/dev/null \
    | grep -v '^#' | grep -v '^$' \
    | awk '{ split($2, t, ":"); printf "%s %.2f\n", t[1], $1 / 1000 }'
