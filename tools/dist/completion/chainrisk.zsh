#compdef chainrisk
# zsh completion for chainrisk
#
# Made by tools/dist/gen-docs.sh: the data block below comes from the
# command table and each command's --help, so it follows the binary it was
# built with, and completes as the bash script does (chainrisk.bash beside
# this file): commands and options with their help, the values of a|b|c
# metavars, node ids from the inventory on the line through
# `chainrisk __complete-ids`, DIR, PATH/INVENTORY (directories, .zip, .json),
# FILE.ext, and -o by the --format given.
#
# @DATA@

# Does option $2 of command $1 take a value?
_chainrisk_takes_value() {
    local a=${_chainrisk_actions[$1 $2]-}
    [[ -n $a && $a != flag ]]
}

# The kind of positional number $1 (from 0) in $kind: "inputs", "ids", or
# "" past the last one when it does not repeat.
_chainrisk_kind() {
    local n=$1 last=${#kinds}
    kind=
    (( last > 0 )) || return 0
    if (( n + 1 < last )); then
        kind=${kinds[n + 1]}
    elif (( n + 1 == last )) || [[ ${kinds[last]} == *... ]]; then
        kind=${kinds[last]}
    fi
    kind=${kind%...}
}

# A word as the command will see it: quoting removed (${(Q)...} never
# expands anything), a leading ~/ expanded.
_chainrisk_unquote() {
    REPLY=${(Q)1}
    [[ $REPLY == '~/'* ]] && REPLY=$HOME/${REPLY#\~/}
}

_chainrisk_describe_options() {
    local -a opts
    local i
    for (( i = 1; i + 2 <= ${#_chainrisk_option_list}; i += 3 )); do
        [[ ${_chainrisk_option_list[i]} == $1 ]] &&
            opts+=("${_chainrisk_option_list[i + 1]//:/\\:}:${_chainrisk_option_list[i + 2]}")
    done
    _describe -t options 'chainrisk option' opts
}

# Complete for an action ("values a b", "files svg png", "ids", ...).
_chainrisk_act() {
    local kind=${1%% *} args=
    [[ $1 == *' '* ]] && args=${1#* }
    local -a list
    case $kind in
        values)
            list=(${=args})
            compadd -- $list
            ;;
        ids)
            _chainrisk_unquote "$PREFIX"
            list=(${(f)"$("$bin" __complete-ids --prefix="$REPLY" $load 2>/dev/null)"})
            compadd -- $list
            ;;
        dirs) _files -/ ;;
        inputs) _files -g '*.(zip|json|ZIP|JSON)(-.)' ;;
        files)
            if [[ -n $args ]]; then
                list=(${=args})
                _files -g "*.(${(j:|:)list})(-.)"
            else
                _files
            fi
            ;;
        output)
            case $format in
                csv | json | graphml | dot | xlsx) _files -g "*.$format(-.)" ;;
                *) _files ;;
            esac
            ;;
    esac
}

_chainrisk() {
    local bin=${words[1]} cmd= at i
    for (( at = 2; at < CURRENT; at++ )); do
        if [[ ${words[at]} != -* ]]; then
            cmd=${words[at]}
            break
        fi
    done
    local cur=${words[CURRENT]} prev=${words[CURRENT - 1]}
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _chainrisk_describe_options chainrisk
        else
            _describe -t commands 'chainrisk command' _chainrisk_commands
        fi
        return
    fi
    (( ${+_chainrisk_positionals[$cmd]} )) || return 1

    # What the positionals are; --nodes anywhere names the inventory, so a
    # command taking an inventory and then ids (impact) takes ids only.
    local -a kinds=(${=_chainrisk_positionals[$cmd]})
    if (( ${#kinds} > 1 && ${words[(I)--nodes|--nodes=*]} )); then
        kinds=(${kinds[2,-1]})
    fi

    # Walk the words before the cursor: count the positionals, keep the
    # --format given and the words that name the inputs (for the ids).
    local -a load
    local npos=0 format= w opt val dashdash= kind
    for (( i = at + 1; i < CURRENT; i++ )); do
        w=${words[i]}
        if [[ -z $dashdash && $w == -?* ]]; then
            if [[ $w == -- ]]; then
                dashdash=1
                continue
            fi
            opt=${w%%=*} val=
            if [[ $w == *=* ]]; then
                val=${w#*=}
            elif _chainrisk_takes_value $cmd $opt && (( i + 1 < CURRENT )); then
                (( i++ ))
                val=${words[i]}
            fi
            [[ $opt == --format ]] && format=$val
            if (( ${+_chainrisk_load_options[$opt]} )); then
                load+=($opt)
                if [[ ${_chainrisk_load_options[$opt]} != flag ]]; then
                    _chainrisk_unquote "$val"
                    load+=("$REPLY")
                fi
            fi
            continue
        fi
        _chainrisk_kind $npos
        if [[ $kind == inputs ]]; then
            _chainrisk_unquote "$w"
            load+=("$REPLY")
        fi
        (( npos++ ))
    done

    if [[ -z $dashdash && $cur == --*=* ]]; then     # --format=<Tab>
        opt=${cur%%=*}
        if _chainrisk_takes_value $cmd $opt; then
            compset -P '*='
            _chainrisk_act "${_chainrisk_actions[$cmd $opt]}"
        fi
        return
    fi
    if [[ -z $dashdash && $prev == -* ]] && _chainrisk_takes_value $cmd $prev; then
        _chainrisk_act "${_chainrisk_actions[$cmd $prev]}"
        return
    fi
    if [[ -z $dashdash && $cur == -* ]]; then
        _chainrisk_describe_options $cmd
        return
    fi
    _chainrisk_kind $npos
    [[ -n $kind ]] && _chainrisk_act $kind
}

# Autoloaded by compinit, this file is the body of _chainrisk's first call:
# it has just defined the real function, so complete with it.  Sourced (as
# the tests do), it only defines.
[[ ${funcstack[1]-} == _chainrisk ]] && _chainrisk "$@"
