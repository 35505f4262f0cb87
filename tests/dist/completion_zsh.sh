#!/usr/bin/env bash
# completion_zsh.sh BIN SCRIPT SRCDIR - drive the generated zsh completion.
#
# SCRIPT is the build's dist/completion/_chainrisk.  zsh's completion
# builtins work only inside a completion widget, so the test sources the
# script in a plain `zsh -f` with stand-ins for compadd, _describe, _files and
# compset that print what they were asked to offer, sets words/CURRENT/PREFIX
# as the completion system would, and calls _chainrisk.  The stand-ins do not
# filter by prefix (zsh does that after _chainrisk returns), so the expected
# lines are everything _chainrisk offers for the case.
set -u
bin=$1 script=$2 src=$3
command -v zsh >/dev/null || { echo "no zsh (tools/setup.sh --all)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/drive.zsh" <<'EOF'
emulate -R zsh
source $1
compadd() { [[ $1 == -- ]] && shift; print -r -- "compadd $*" }
_describe() { print -r -- "_describe ${(P)${@[-1]}}" }
_files() { print -r -- "_files $*" }
compset() { PREFIX=${PREFIX#*=} }
# drive WORD... : complete the last word
drive() {
    local -a words=("$@")
    local CURRENT=$# PREFIX=${@[-1]}
    _chainrisk
}
drive "${(@)argv[2,-1]}"
EOF

passed=0 failed=0
check() {   # check EXPECTED WORD... (EXPECTED: the offers, one per line)
    local expected=$1
    shift
    local got
    got=$(cd "$src" && LC_ALL=C.UTF-8 zsh -f "$tmp/drive.zsh" "$script" "$bin" "$@" 2>&1)
    if [[ $got == "$expected" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: chainrisk %s<Tab>\n--- expected\n%s\n--- got\n%s\n' "$*" "$expected" "$got"
    fi
}

commands=$("$bin" --help | awk '/^commands:$/ { on = 1; next } on && /^$/ { exit }
                                 on { name = $1; sub(/^ *[^ ]+ +/, ""); printf " %s:%s", name, $0 }')
check "_describe${commands}" ""
check "_describe -h:show this help --help:show this help --version:print the version (and, for a build from git, the commit)" "--"
check "compadd table csv json xlsx" "rank" "--format" ""
check "compadd json graphml dot csv mef xlsx" "export" "--format=j"
check "compadd category parent country" "concentration" "--by" ""
check "compadd mainknoten-ix mainport-colo" "impact" "data/sample" "main"
check "compadd icu-monitoring" "spof" "data/sample" "--function" "icu"
check "compadd mainknoten-ix mainport-colo" "impact" "--nodes" "data/sample/nodes.csv" "main"
check "$(printf 'compadd f1 ok-node Z\xc3\xbcrich sp ace q'"'"'uote$(x)')" \
      "impact" "tests/fixtures/complete/hostile" ""
check "_files -g *.(zip|json|ZIP|JSON)(-.)" "rank" ""
check "_files -/" "import" "data/sample" "-o" ""
check "_files -g *.(svg|png|pdf|dot)(-.)" "map" "data/sample" "-o" ""
check "_files -g *.(html)(-.)" "report" "data/sample" "-o" ""
check "_files -g *.csv(-.)" "rank" "data/sample" "--format=csv" "-o" ""
check "_files " "rank" "data/sample" "-o" ""
opts=$(awk -F '\t' '$1 == "opt" && $2 == "spof" { printf " %s:%s", $3, $6 }' "$(dirname "$script")/../spec.tsv")
check "_describe${opts}" "spof" "data/sample" "-"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
