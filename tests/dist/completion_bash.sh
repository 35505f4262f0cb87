#!/usr/bin/env bash
# completion_bash.sh BIN SCRIPT SRCDIR - drive the generated bash completion.
#
# Loads bash-completion and SCRIPT (the build's dist/completion/chainrisk),
# then for each case sets COMP_WORDS/COMP_CWORD/COMP_LINE as readline would,
# calls _chainrisk and compares COMPREPLY (sorted) with the expected words.
# BIN is put first on the line, so the ids come from the binary under test.
# Files are completed in a scratch directory holding one file of each kind.
set -u
bin=$1 script=$2 src=$3
source /usr/share/bash-completion/bash_completion || { echo "no bash-completion (tools/setup.sh --all)"; exit 1; }
source "$script"
export LC_ALL=C.UTF-8

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work/inv" "$tmp/work/sub dir"
cp "$src/data/sample/nodes.csv" "$src/data/sample/edges.csv" "$tmp/work/inv"
touch "$tmp/work/"{map.svg,map.png,map.pdf,map.dot,notes.txt,roi.zip,sbom.json,out.csv,report.html}

passed=0 failed=0
# check 'EXPECTED WORDS' WORD... : complete after the last word ("" = a new word)
check() {
    local expected=$1
    shift
    COMP_WORDS=("$bin" "$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    # the line as typed: words apart, but "--format", "=", "c" is "--format=c"
    local w last=
    COMP_LINE=
    for w in "${COMP_WORDS[@]}"; do
        [[ -n $COMP_LINE && $w != = && $last != = ]] && COMP_LINE+=" "
        COMP_LINE+=$w
        last=$w
    done
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _chainrisk
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    if [[ $got == "$expected" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: chainrisk %s<Tab>\n  expected: %s\n  got:      %s\n' "$*" "$expected" "$got"
    fi
}

cd "$tmp/work" || exit 1
sample=$src/data/sample

# commands and the tool's own options, from `chainrisk --help`
check "check concentration diff export impact import incident map rank report scenarios shared simulate spof validate" ""
check "rank report" "r"
check "--version" "--ver"
check "" "__complete"
# each command's options, from its --help
check "--format" "rank" "--fo"
check "--pairs --pairs-max-work" "spof" "inv" "--pa"
check "--min-change" "diff" "--mi"
check "--delimiter --depth --drop-optional" "map" "--d"
# --format values per command, as "--format X" and "--format=X"
check "csv json table xlsx" "rank" "--format" ""
check "csv dot graphml json mef xlsx" "export" "--format" ""
check "csv json junit table xlsx" "check" "--format" ""
check "csv json table xlsx" "diff" "--format" ""
check "csv" "shared" "--format" "=" "c"   # readline splits --format=c at the =
check "category country parent" "concentration" "--by" ""
check "dot neato sfdp" "map" "--layout" ""
check "both dora nis2" "incident" "--regime" ""
check "provider service" "rank" "--chains" ""
# no value to offer for a number
check "" "simulate" "--runs" ""
# node ids from the inventory on the line: after --function, --focus, and
# impact's positionals (also behind --nodes, which makes them all ids)
check "icu-monitoring" "spof" "$sample" "--function" "icu"
check "wachturm-edr" "map" "$sample" "--focus" "wach"
check "mainknoten-ix mainport-colo" "incident" "$sample" "--down" "main"
check "mainknoten-ix mainport-colo" "impact" "$sample" "main"
check "mainknoten-ix mainport-colo" "impact" "$sample" "mainknoten-ix" "main"
check "mainknoten-ix mainport-colo" "impact" "--nodes" "$sample/nodes.csv" "--edges" "$sample/edges.csv" "main"
check "mainknoten-ix mainport-colo" "impact" "--hours" "8" "inv" "main"
check "mainknoten-ix mainport-colo" "impact" "'inv'" "main"
check "" "impact" "no-such-dir" "main"
# ids that need quoting come quoted; ids holding control characters never come
check "Zürich f1 ok-node q\\'uote\\\$\\(x\\) sp\\ ace" "impact" "$src/tests/fixtures/complete/hostile" ""
# file arguments by kind (bash itself adds the / of a directory and quotes
# the names: the function returns them raw, with compopt -o filenames)
check "inv roi.zip sbom.json sub dir" "rank" ""
check "inv roi.zip sbom.json sub dir" "rank" "--input" ""
check "inv sub dir" "import" "inv" "-o" ""
check "inv map.dot map.pdf map.png map.svg sub dir" "map" "inv" "-o" ""
check "inv report.html sub dir" "report" "inv" "-o" ""
check "inv out.csv sub dir" "rank" "inv" "--format" "csv" "-o" ""
check "inv sbom.json sub dir" "rank" "--map" ""
check "inv map.dot map.pdf map.png map.svg notes.txt out.csv report.html roi.zip sbom.json sub dir" "rank" "-o" ""
# after "--" every word is a positional
check "inv roi.zip sbom.json sub dir" "rank" "--" ""

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
