#!/usr/bin/env bash
# help_options.sh BIN SPEC - every option a command's --help lists (SPEC:
# the build's dist/spec.tsv, read from those help texts) is one the command
# accepts.  The man pages and completions offer exactly the help's options,
# so an option documented but not parsed would be offered and then refused.
# Each runs alone with a placeholder value and no inventory: any complaint
# but "unknown or incomplete option" is the parser taking it.
set -u
bin=$1 spec=$2
passed=0 failed=0
while IFS=$'\t' read -r kind cmd opt action args desc; do
    [ "$kind" = opt ] || continue
    [ "$cmd" = chainrisk ] && continue
    case $opt in -h | --help) continue ;; esac
    value=()
    [ "$action" = flag ] || value=(x)
    err=$("$bin" "$cmd" "$opt" "${value[@]}" 2>&1 >/dev/null)
    case $err in
        *"unknown or incomplete option"*) failed=$((failed + 1)); echo "FAIL: chainrisk $cmd $opt: $err" ;;
        *) passed=$((passed + 1)) ;;
    esac
done < "$spec"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
