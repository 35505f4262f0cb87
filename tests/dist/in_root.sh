#!/bin/bash
# in_root.sh DEB - run by tests/dist/fresh_root.sh inside the fresh Debian 12
# root (chroot): install the package as a user would, then use it.
#
#   apt-get install ./chainrisk_*.deb man-db bash-completion
#
# then: the library is known to ldconfig; `chainrisk report` writes the
# report of the installed sample; `man chainrisk-rank` renders without a
# warning; bash completes commands and node ids through the installed
# completion, loaded on demand as an interactive shell does; and the package
# is removed without leaving its files.
set -u
deb=$1
sample=/usr/share/doc/chainrisk/data/sample
passed=0 failed=0
check() {   # check WHAT COMMAND... : passes when COMMAND exits 0
    local what=$1
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "ok - $what"
    else
        failed=$((failed + 1))
        echo "FAIL - $what"
        printf '%s\n' "$out" | head -n 30 | sed 's/^/    /'
    fi
}

apt_opts=(-y -q -o Acquire::Retries=3 -o Dpkg::Use-Pty=0)
if ! apt-get update -q -o Acquire::Retries=3 > /tmp/apt.log 2>&1 ||
   ! apt-get install "${apt_opts[@]}" "$deb" man-db bash-completion >> /tmp/apt.log 2>&1; then
    tail -n 30 /tmp/apt.log
    echo "FAIL - apt-get install ./$(basename "$deb")"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "ok - apt-get install ./$(basename "$deb") man-db bash-completion"
passed=$((passed + 1))

check "chainrisk --version" sh -c 'chainrisk --version | grep -q "^chainrisk [0-9]"'
check "libchainrisk.so.0 known to ldconfig" sh -c 'ldconfig -p | grep -q "libchainrisk.so.0 "'
check "chainrisk report on the installed sample" \
    sh -c "cd /tmp && chainrisk report $sample -o report.html"
check "the report holds the map and the provenance" \
    sh -c 'grep -q "<svg" /tmp/report.html && grep -q "<dt>Tool</dt><dd>chainrisk " /tmp/report.html'
check "chainrisk impact on the installed sample" \
    sh -c "chainrisk impact $sample mainknoten-ix --hours 8 | grep -q '^12 nodes fail'"

check "man -w chainrisk-rank" sh -c 'test "$(man -w chainrisk-rank)" = /usr/share/man/man1/chainrisk-rank.1.gz'
check "man chainrisk-rank renders, no warning" sh -c '
    MANWIDTH=80 MANPAGER=cat man chainrisk-rank > /tmp/man.txt 2> /tmp/man.err &&
    ! test -s /tmp/man.err && grep -q "^CHAINRISK-RANK(1)" /tmp/man.txt &&
    grep -q "^       --format table|csv|json" /tmp/man.txt'
check "man chainrisk" sh -c 'MANPAGER=cat man chainrisk 2>&1 | grep -q "chainrisk-rank(1)"'

# Completion as an interactive bash gets it: bash_completion's loader finds
# /usr/share/bash-completion/completions/chainrisk when chainrisk is first completed.
complete_line() {   # complete_line WORD... : print COMPREPLY for the last word
    bash -c '
        source /usr/share/bash-completion/bash_completion
        _completion_loader chainrisk
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _chainrisk
        printf "%s\n" "${COMPREPLY[@]}"' complete_line "$@"
}
expect() {   # expect WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
        echo "ok - $1"
    else
        failed=$((failed + 1))
        printf 'FAIL - %s\n    expected: %s\n    got:      %s\n' "$1" "$2" "$3"
    fi
}
expect "bash completes commands" "rank report" "$(complete_line chainrisk r | xargs)"
expect "bash completes node ids" "mainknoten-ix" "$(complete_line chainrisk impact $sample mainkn)"
expect "bash completes --format values" "json graphml dot csv mef xlsx" \
       "$(complete_line chainrisk export --format "" | xargs)"
check "zsh completion installed" test -f /usr/share/zsh/vendor-completions/_chainrisk

check "apt-get purge chainrisk" apt-get purge "${apt_opts[@]}" chainrisk
check "no file left" sh -c '! test -e /usr/bin/chainrisk && ! ls /usr/lib/*/libchainrisk* /usr/share/man/man1/chainrisk* 2>/dev/null | grep -q .'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
