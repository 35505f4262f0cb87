#!/usr/bin/env bash
# install_prefix.sh BUILD SRCDIR - `cmake --install BUILD --prefix DIR` lays
# chainrisk out as GNUInstallDirs says, and the library works from outside.
#
# Checks the installed files (binary; shared library with its SONAME links
# and the static one; the public headers; chainrisk.pc; a compressed man page
# per command; both completions; README, docs, sample data and the example
# under share/doc/chainrisk), runs the installed binary on the installed
# sample, renders every installed page with `man -l`, then builds
# docs/examples/top_providers.c as a user would - the installed headers and
# `pkg-config --cflags --libs chainrisk`, shared and then static
# (`pkg-config --static`) - runs both and compares their output with
# tests/dist/top_providers.expected, and builds it with the installed
# Makefile from a moved copy of the tree (chainrisk.pc finds its prefix).
set -u
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
ok() { passed=$((passed + 1)); }
check() { local what=$1; shift; if "$@" > "$tmp/out" 2>&1; then ok; else fail "$what: $(head -c 2000 "$tmp/out")"; fi; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
soversion=$(sed -n 's/^set(CHAINRISK_SOVERSION \([0-9]*\)).*/\1/p' "$src/CMakeLists.txt")
doc=$prefix/share/doc/chainrisk

for f in bin/chainrisk "$libdir/libchainrisk.a" "$libdir/libchainrisk.so.$version" \
         "$libdir/pkgconfig/chainrisk.pc" share/bash-completion/completions/chainrisk \
         share/zsh/vendor-completions/_chainrisk share/man/man1/chainrisk.1.gz \
         share/doc/chainrisk/README.md share/doc/chainrisk/docs/metrics.md \
         share/doc/chainrisk/data/README.md share/doc/chainrisk/data/sample/nodes.csv \
         share/doc/chainrisk/examples/top_providers.c share/doc/chainrisk/examples/Makefile; do
    [ -f "$prefix/$f" ] && ok || fail "not installed: $f"
done
check "libchainrisk.so.$soversion -> libchainrisk.so.$version" \
      test "$(readlink "$prefix/$libdir/libchainrisk.so.$soversion")" = "libchainrisk.so.$version"
check "libchainrisk.so -> libchainrisk.so.$soversion" \
      test "$(readlink "$prefix/$libdir/libchainrisk.so")" = "libchainrisk.so.$soversion"
check "headers" diff -r "$src/include/chainrisk" "$prefix/include/chainrisk"
commands=$("$prefix/bin/chainrisk" --help | awk '/^commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
for c in $commands; do
    [ -f "$prefix/share/man/man1/chainrisk-$c.1.gz" ] && ok || fail "no man page for $c"
done
for page in "$prefix"/share/man/man1/*.1.gz; do
    check "man -l $(basename "$page")" sh -c 'MANWIDTH=80 man -l "$1" 2>&1 >/dev/null | grep . && exit 1; exit 0' sh "$page"
done
check "installed binary on the installed sample" "$prefix/bin/chainrisk" validate "$doc/data/sample"

# The example, as a user builds it.
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
cflags=$(pkg-config --cflags chainrisk) && libs=$(pkg-config --libs chainrisk) &&
    static_libs=$(pkg-config --static --libs chainrisk) || { fail "pkg-config chainrisk"; libs=; }
cc="gcc -std=c11 -Wall -Wextra -pedantic -Werror"
# shellcheck disable=SC2086
check "build (shared)" $cc $cflags "$doc/examples/top_providers.c" -o "$tmp/shared" $libs
check "links libchainrisk.so.$soversion" sh -c "readelf -d '$tmp/shared' | grep -q 'NEEDED.*libchainrisk.so.$soversion'"
check "run (shared)" sh -c "LD_LIBRARY_PATH='$prefix/$libdir' '$tmp/shared' '$doc/data/sample' > '$tmp/shared.out'"
check "output (shared)" diff "$src/tests/dist/top_providers.expected" "$tmp/shared.out"
# static: libchainrisk.a, then what Libs.private says it needs
static_libs=$(printf '%s\n' $static_libs | grep -vx -- -lchainrisk | tr '\n' ' ')
# shellcheck disable=SC2086
check "build (static)" $cc $cflags "$doc/examples/top_providers.c" -o "$tmp/static" \
      "$prefix/$libdir/libchainrisk.a" $static_libs
check "static: no libchainrisk.so" sh -c "! readelf -d '$tmp/static' | grep -q libchainrisk"
check "run (static)" sh -c "'$tmp/static' '$doc/data/sample' > '$tmp/static.out'"
check "output (static)" diff "$src/tests/dist/top_providers.expected" "$tmp/static.out"

# Move the tree: pkg-config follows it; the installed Makefile builds.
mv "$prefix" "$tmp/moved"
export PKG_CONFIG_PATH=$tmp/moved/$libdir/pkgconfig
cp -r "$tmp/moved/share/doc/chainrisk/examples" "$tmp/examples"
check "make in a moved tree" make -s -C "$tmp/examples" CFLAGS="-O2 -Wall -Wextra -Werror"
check "run (moved)" sh -c "LD_LIBRARY_PATH='$tmp/moved/$libdir' '$tmp/examples/top_providers' \
      '$tmp/moved/share/doc/chainrisk/data/sample' | diff '$src/tests/dist/top_providers.expected' -"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
