#!/usr/bin/env bash
# symbols.sh LIBRARY SRCDIR - the shared libchainrisk exports the public API,
# all of it and nothing else, under its SONAME.
#
# LIBRARY is the built libchainrisk.so.X.Y.Z.  Its dynamic symbol table
# (nm -D --defined-only) must hold exactly the functions declared in
# include/chainrisk/*.h, each in the CHAINRISK_0 version node
# (tools/dist/libchainrisk.map): no crisk__ internal, no helper, nothing a
# static dependency brought.  Its SONAME must be libchainrisk.so.SOVERSION.
set -u
lib=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
ok() { passed=$((passed + 1)); }

# Declared: the name before the first "(" of every declaration that is not a
# typedef, comments and preprocessor lines left out.
for h in "$src"/include/chainrisk/*.h; do
    gcc -fpreprocessed -dD -E -P "$h" | grep -v '^#'
done | tr '\n' ' ' | tr ';{}' '\n\n\n' | sed 's/^ *//' | grep -v '^typedef' |
    sed -n 's/^[^(]*[^a-z0-9_]\(crisk_[a-z][a-z0-9_]*\) *(.*/\1/p' | LC_ALL=C sort -u > "$tmp/declared"
nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
    LC_ALL=C sort -u > "$tmp/exported"
[ -s "$tmp/declared" ] && [ -s "$tmp/exported" ] && ok || fail "no symbols read"
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
extra=$(comm -13 "$tmp/declared" "$tmp/exported")
[ -z "$missing" ] && ok || fail "declared in include/chainrisk/ but not exported: $(echo $missing)"
[ -z "$extra" ] && ok || fail "exported but not public API: $(echo $extra)"

unversioned=$(nm -D --defined-only --with-symbol-versions "$lib" | awk '$2 != "A" && $3 !~ /@@CHAINRISK_0$/')
[ -z "$unversioned" ] && ok || fail "symbols outside the CHAINRISK_0 node: $unversioned"

soversion=$(sed -n 's/^set(CHAINRISK_SOVERSION \([0-9]*\)).*/\1/p' "$src/CMakeLists.txt")
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ -n "$soversion" ] && [ "$soname" = "libchainrisk.so.$soversion" ] && ok ||
    fail "SONAME '$soname', expected libchainrisk.so.$soversion"

echo "$passed passed, $failed failed ($(wc -l < "$tmp/exported") symbols exported)"
[ "$failed" -eq 0 ]
