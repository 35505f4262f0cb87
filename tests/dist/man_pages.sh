#!/usr/bin/env bash
# man_pages.sh BIN DIST - the generated man pages (DIST/man/*.1) are complete
# and render without a warning.
#
# Every command of `BIN --help` has chainrisk-COMMAND.1, and no other page is
# there (the hidden __complete-ids has none); each page names its command
# with the command table's summary and lists every option of the command's
# --help; chainrisk(1) has the sections the issue asks for and refers to
# every command's page.  Each page goes through `groff -ww` (all warnings),
# `mandoc -T lint -W warning` and `man -l`, and any message fails it.
set -u
bin=$1 dist=$2
export LC_ALL=C.UTF-8 MANWIDTH=80
for tool in groff mandoc man; do
    command -v $tool >/dev/null || { echo "no $tool (tools/setup.sh --all)"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
ok() { passed=$((passed + 1)); }

commands=$("$bin" --help | awk '/^commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
expected=$( (echo chainrisk.1; for c in $commands; do echo "chainrisk-$c.1"; done) | LC_ALL=C sort)
got=$(cd "$dist/man" && ls | LC_ALL=C sort)
[ "$got" = "$expected" ] && ok || fail "pages: expected $(echo $expected), got $(echo $got)"

for page in "$dist"/man/*.1; do
    name=$(basename "$page")
    out=$(groff -ww -man -Tutf8 -z "$page" 2>&1)
    [ -z "$out" ] && ok || fail "groff -ww $name: $out"
    out=$(mandoc -T lint -W warning "$page" 2>&1)
    [ -z "$out" ] && ok || fail "mandoc -T lint $name: $out"
    if man -l "$page" > "$tmp/$name.txt" 2> "$tmp/$name.err" && [ ! -s "$tmp/$name.err" ]; then
        ok
    else
        fail "man -l $name: $(cat "$tmp/$name.err")"
    fi
done

for c in $commands; do
    text=$tmp/chainrisk-$c.1.txt
    summary=$("$bin" --help | awk -v c="$c" '$1 == c { sub(/^ *[^ ]+ +/, ""); print; exit }')
    # the NAME line of the source (rendered, it may wrap), \- read as -
    name_line=$(sed -n '/^\.SH NAME$/{n;p}' "$dist/man/chainrisk-$c.1" | sed 's/\\-/-/g')
    [ "$name_line" = "chainrisk-$c - $summary" ] && ok ||
        fail "chainrisk-$c(1) NAME is '$name_line', not 'chainrisk-$c - $summary'"
    for s in SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
        grep -qx "$s" "$text" && ok || fail "chainrisk-$c(1) has no $s section"
    done
    # every option of the --help, as it starts a tagged paragraph
    for opt in $("$bin" "$c" --help | sed -n 's/^  \(-[-a-zA-Z0-9]*\).*/\1/p'); do
        grep -qE "^       $opt([ ,]|$)" "$text" && ok || fail "chainrisk-$c(1) lacks $opt"
    done
done

main=$tmp/chainrisk.1.txt
for s in NAME SYNOPSIS DESCRIPTION OPTIONS INPUTS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
    grep -qx "$s" "$main" && ok || fail "chainrisk(1) has no $s section"
done
see_also=$(sed -n '/^SEE ALSO$/,/^[A-Z]/p' "$main" | tr -d '\n‐ ' )
for c in $commands; do
    case $see_also in *"chainrisk-$c(1)"*) ok ;; *) fail "chainrisk(1) SEE ALSO lacks chainrisk-$c(1)" ;; esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
