#!/bin/sh
# run_cli_case.sh BIN CASEDIR - run one CLI golden case (tests/cli/<case>/).
#
# CASEDIR holds:
#   args     the arguments, one per line (run from the current directory,
#            which ctest sets to the repository root)
#   stdout   the expected standard output (required); @VERSION@ stands for
#            the version `BIN --version` prints (it holds the git commit)
#   stderr   the expected standard error (optional: not compared if absent)
#   status   the expected exit code (optional: 0 if absent)
# Prints a unified diff for every mismatch; exits 0 only if all match.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BIN CASEDIR" >&2
    exit 2
fi
bin=$1
case_dir=${2%/}
[ -f "$case_dir/args" ] || { echo "$case_dir: no args file" >&2; exit 2; }
[ -f "$case_dir/stdout" ] || { echo "$case_dir: no stdout file" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# One argument per line, kept verbatim (spaces included).
set --
while IFS= read -r arg || [ -n "$arg" ]; do
    set -- "$@" "$arg"
done < "$case_dir/args"

"$bin" "$@" > "$tmp/stdout" 2> "$tmp/stderr"
echo $? > "$tmp/status"

# The version as `--version` prints it, made safe for sed's replacement.
version=$("$bin" --version | sed -e '1s/^chainrisk //' -e '1q' | sed -e 's/[\\&|]/\\&/g')
sed "s|@VERSION@|$version|g" "$case_dir/stdout" > "$tmp/expected"

failed=0
if ! diff -u "$tmp/expected" "$tmp/stdout" > "$tmp/diff"; then
    echo "$case_dir: stdout differs:"
    cat "$tmp/diff"
    failed=1
fi
if [ -f "$case_dir/stderr" ] && ! diff -u "$case_dir/stderr" "$tmp/stderr" > "$tmp/diff"; then
    echo "$case_dir: stderr differs:"
    cat "$tmp/diff"
    failed=1
fi
expected_status=0
[ -f "$case_dir/status" ] && expected_status=$(cat "$case_dir/status")
if [ "$expected_status" != "$(cat "$tmp/status")" ]; then
    echo "$case_dir: exit status $(cat "$tmp/status"), expected $expected_status"
    [ -f "$case_dir/stderr" ] || { echo "stderr was:"; cat "$tmp/stderr"; }
    failed=1
fi
[ $failed -eq 0 ] && echo "$case_dir: ok"
exit $failed
