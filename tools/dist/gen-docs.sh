#!/bin/sh
# gen-docs.sh BIN OUT - make the man pages and the shell completions of the
# chainrisk binary BIN from its own help, into OUT:
#
#   OUT/help/NAME.txt          every help text (chainrisk.txt: the command list)
#   OUT/spec.tsv               what each option takes (tools/dist/helpspec.awk)
#   OUT/man/*.1                chainrisk(1) and chainrisk-COMMAND(1), by help2man
#   OUT/man1/*.1.gz            the same, compressed for installing
#   OUT/completion/chainrisk   bash (tools/dist/completion/chainrisk.bash)
#   OUT/completion/_chainrisk  zsh  (tools/dist/completion/chainrisk.zsh)
#
# One source of truth: the command table (`chainrisk --help`) and each
# command's --help.  A command added to the table gets its page and its
# completion with no change here.  The pages carry the date of
# SOURCE_DATE_EPOCH, else of the last commit, so a build is reproducible.
# Without help2man the completions are still made and the pages are not
# (tools/setup.sh installs it).  OUT is replaced whole, so no page of a
# removed command is left behind.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 BIN OUT" >&2
    exit 2
fi
bin=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
version=$("$bin" --version | sed -n '1s/^chainrisk \([^ ]*\).*/\1/p')
[ -n "$version" ] || { echo "gen-docs.sh: '$bin --version' printed no version" >&2; exit 1; }

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/help" "$tmp/man" "$tmp/man1" "$tmp/completion" "$tmp/wrap"

# ---- the help texts and what they say ------------------------------------------
"$bin" --help > "$tmp/help/chainrisk.txt"
commands=$(awk '/^commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }' \
               "$tmp/help/chainrisk.txt")
[ -n "$commands" ] || { echo "gen-docs.sh: no commands in '$bin --help'" >&2; exit 1; }
for cmd in $commands; do
    "$bin" "$cmd" --help > "$tmp/help/$cmd.txt"
done
"$bin" __complete-ids --help > "$tmp/help/__complete-ids.txt"
files="$tmp/help/chainrisk.txt"
for cmd in $commands; do files="$files $tmp/help/$cmd.txt"; done
# shellcheck disable=SC2086  # the paths hold no spaces: OUT is the build tree's
awk -f "$here/helpspec.awk" $files "$tmp/help/__complete-ids.txt" > "$tmp/spec.tsv"

# ---- completions ----------------------------------------------------------------
for shell in bash zsh; do
    case $shell in bash) name=chainrisk ;; zsh) name=_chainrisk ;; esac
    {
        sed -n '1,/^# @DATA@$/p' "$here/completion/chainrisk.$shell" | sed '$d'
        awk -v shell="$shell" -f "$here/completion/data.awk" "$tmp/spec.tsv"
        sed -n '/^# @DATA@$/,$p' "$here/completion/chainrisk.$shell" | sed '1d'
    } > "$tmp/completion/$name"
done

# ---- man pages ----------------------------------------------------------------------
roff_escape() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g'; }

if command -v help2man >/dev/null 2>&1; then
    if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
        SOURCE_DATE_EPOCH=$(git -C "$here" log -1 --format=%ct 2>/dev/null || true)
        [ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=$(date -r "$here/gen-docs.sh" +%s)
        export SOURCE_DATE_EPOCH
    fi
    day=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
    # help2man calls PROGRAM --help: a wrapper per page runs the command and
    # spells the help's headings the way help2man turns them into sections.
    page() {   # page NAME ARGS... : NAME.1 from `BIN ARGS... --help`
        name=$1
        shift
        {
            echo '#!/bin/sh'
            printf '"%s"' "$bin"
            for a in "$@"; do printf ' "%s"' "$a"; done
            echo ' --help | sed -f "'"$here"'/man/help2man.sed"'
        } > "$tmp/wrap/$name"
        chmod +x "$tmp/wrap/$name"
        help2man --no-info --no-discard-stderr --locale=C.UTF-8 --section=1 \
                 --manual="chainrisk manual" \
                 --source="chainrisk $version" --version-string="$version" \
                 --include="$tmp/wrap/$name.h2m" --output="$tmp/man/$name.1" "$tmp/wrap/$name"
        # help2man writes "Month YYYY", mandoc wants an ISO date; a character
        # beyond ASCII (the help's "§") is written as a groff escape, which
        # renders alike in every locale.
        sed -i '/^\.TH /s/"[A-Z][a-z]* [0-9]*"/"'"$day"'"/' "$tmp/man/$name.1"
        perl -CSD -pi -e 's/([^\x00-\x7F])/sprintf("\\[u%04X]", ord $1)/ge' "$tmp/man/$name.1"
        gzip -9n < "$tmp/man/$name.1" > "$tmp/man1/$name.1.gz"
    }
    {
        cat "$here/man/chainrisk.h2m"
        echo "[SEE ALSO]"
        for cmd in $commands; do printf '.BR chainrisk\\-%s (1),\n' "$cmd"; done
        echo "and the documents in /usr/share/doc/chainrisk/: README.md, docs/ and data/README.md."
    } > "$tmp/wrap/chainrisk.h2m"
    page chainrisk
    for cmd in $commands; do
        summary=$(awk -F '\t' -v c="$cmd" '$1 == "cmd" && $2 == c { print $3 }' "$tmp/spec.tsv")
        {
            echo "[NAME]"
            printf 'chainrisk\\-%s \\- %s\n' "$cmd" "$(printf '%s' "$summary" | roff_escape)"
            echo "[EXIT STATUS]"
            sed -n '/^exit status: /,/^$/p' "$tmp/help/$cmd.txt" | sed 's/^exit status: //' |
                roff_escape
            echo "[SEE ALSO]"
            echo ".BR chainrisk (1)"
        } > "$tmp/wrap/chainrisk-$cmd.h2m"
        page "chainrisk-$cmd" "$cmd"
    done
else
    echo "gen-docs.sh: help2man not found: no man pages (tools/setup.sh installs it)" >&2
fi

rm -rf "$tmp/wrap" "$out"
mv "$tmp" "$out"
