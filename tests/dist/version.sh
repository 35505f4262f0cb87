#!/usr/bin/env bash
# version.sh BIN SRCDIR VERSION HEADER - the version string: what --version
# prints, what every output's provenance carries, and how it is made.
#
# HEADER is the build's generated/chainrisk_version.h, made at build time
# from `git describe --tags --always --dirty --abbrev=12` of SRCDIR: in a git
# checkout it must name the commit checked out ("VERSION (git ...HASH...)"),
# elsewhere hold VERSION alone.  `chainrisk --version` prints "chainrisk "
# and that string, and JSON's "tool" and the report's provenance carry it.
# Then tools/dist/version.cmake alone, on scratch trees: not a checkout,
# inside another repository, no tag, a tag behind the commit, dirty, a tag
# with a quote, and an unchanged string leaving the header untouched.
set -u
bin=$1 src=$2 version=$3 header=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
expect() {   # expect WHAT EXPECTED GOT
    [ "$2" = "$3" ] && passed=$((passed + 1)) || fail "$1: expected '$2', got '$3'"
}

full=$(sed -n 's/^#define CRISK_VERSION_STRING "\(.*\)"$/\1/p' "$header")
if [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$src" && pwd -P)" ]; then
    head=$(git -C "$src" rev-parse --short=12 HEAD)
    case $full in
        "$version (git "*"$head"*")") passed=$((passed + 1)) ;;
        *) fail "the build's version '$full' does not name the checkout's commit $head (made at build time: rebuild after committing)" ;;
    esac
else
    expect "outside git" "$version" "$full"
fi
expect "--version" "chainrisk $full" "$("$bin" --version)"
json=$("$bin" rank "$src/data/sample" --format json --top 1)
expect "JSON tool" "\"tool\": {\"name\": \"chainrisk\", \"version\": \"$full\"}," \
       "$(printf '%s\n' "$json" | grep '^"tool"')"
"$bin" report "$src/data/sample" --no-map -o "$tmp/report.html"
expect "report provenance" "<dt>Tool</dt><dd>chainrisk $full</dd>" \
       "$(grep -o '<dt>Tool</dt><dd>[^<]*</dd>' "$tmp/report.html")"

# version.cmake: SOURCE_DIR -> the string it writes
made() {
    cmake -DSOURCE_DIR="$1" -DOUTPUT="$tmp/v.h" -DVERSION=9.8.7 -P "$src/tools/dist/version.cmake" &&
        sed -n 's/^#define CRISK_VERSION_STRING "\(.*\)"$/\1/p' "$tmp/v.h"
}
git_q() { git -C "$tmp/repo" -c user.name=t -c user.email=t@example.invalid "$@" >/dev/null 2>&1; }
mkdir -p "$tmp/plain" "$tmp/repo/sub"
expect "not a checkout" "9.8.7" "$(made "$tmp/plain")"
git_q init
echo a > "$tmp/repo/a"
git_q add a
git_q commit -m a
head=$(git -C "$tmp/repo" rev-parse --short=12 HEAD)
expect "no tag" "9.8.7 (git $head)" "$(made "$tmp/repo")"
expect "inside another repository" "9.8.7" "$(made "$tmp/repo/sub")"
git_q tag v9.8.7
echo b > "$tmp/repo/a"
git_q commit -am b
head=$(git -C "$tmp/repo" rev-parse --short=12 HEAD)
expect "a tag behind" "9.8.7 (git v9.8.7-1-g$head)" "$(made "$tmp/repo")"
echo c > "$tmp/repo/a"
expect "dirty" "9.8.7 (git v9.8.7-1-g$head-dirty)" "$(made "$tmp/repo")"
git_q tag 'odd"tag'
git_q commit -am c
expect "a tag with a quote" "9.8.7 (git odd_tag-1-g$(git -C "$tmp/repo" rev-parse --short=12 HEAD))" \
       "$(made "$tmp/repo")"
touch -d '2000-01-01' "$tmp/v.h" "$tmp/reference"
made "$tmp/repo" >/dev/null
expect "unchanged string, file untouched" "$(stat -c %Y "$tmp/reference")" "$(stat -c %Y "$tmp/v.h")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
