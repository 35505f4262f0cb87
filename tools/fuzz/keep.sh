#!/usr/bin/env bash
# tools/fuzz/keep.sh TARGET FILE NAME 'what it found'
#
# Keep a fuzzer's finding as a regression fixture: copy FILE (a reproducer
# from build-fuzz/crashes-TARGET/, minimised if you can: build-fuzz/fuzz_TARGET
# -minimize_crash=1 -runs=10000 FILE) to tests/fixtures/fuzz-regressions/
# TARGET/NAME and add a row to that folder's README.md.  From then on CI
# replays it on every run (tools/fuzz/run.sh --ci) and it seeds every
# campaign.  Then fix the bug, and add a test that asserts the fixed
# behaviour (the message, the position) in the importer's test file.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 4 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
target=$1 file=$2 name=$3 what=$4
[ -f "tools/fuzz/fuzz_$target.c" ] || { echo "keep.sh: no such target: $target" >&2; exit 2; }
[ -f "$file" ] || { echo "keep.sh: no such file: $file" >&2; exit 2; }
case "$name" in
    */*|.*|*.md|'') echo "keep.sh: NAME must be a plain file name" >&2; exit 2 ;;
esac
dir=tests/fixtures/fuzz-regressions/$target
dest=$dir/$name
[ -e "$dest" ] && { echo "keep.sh: $dest exists" >&2; exit 1; }
mkdir -p "$dir"
if [ ! -f "$dir/README.md" ]; then
    printf '# Fuzz regressions: %s\n\nInputs that made `tools/fuzz/fuzz_%s.c` fail; CI replays each\n(tools/fuzz/run.sh --ci) and every campaign uses them as seeds.\n\n| file | found | what | owner |\n|---|---|---|---|\n' \
        "$target" "$target" > "$dir/README.md"
fi
cp "$file" "$dest"
# A row in the table's own columns: file, then what (and when) it found,
# then empty cells for the rest.
cols=$(grep -m1 '^| file' "$dir/README.md" | tr -cd '|' | wc -c)
row="| \`$name\` | $what (campaign of $(date -u +%F)) |"
for ((i = 3; i < cols; i++)); do row="$row |"; done
echo "$row" >> "$dir/README.md"
echo "keep.sh: kept $dest; commit it with the fix"
