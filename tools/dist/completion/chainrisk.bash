# bash completion for chainrisk                            -*- shell-script -*-
#
# Made by tools/dist/gen-docs.sh: the data block below comes from the
# command table and each command's --help, so it follows the binary it was
# built with.  What an option's value completes to is its metavar in the help
# (tools/dist/helpspec.awk): a|b|c the values, ID the node ids of the
# inventory already on the command line (`chainrisk __complete-ids`, which
# loads only small inputs and prints nothing unsafe), DIR directories, PATH
# and INVENTORY directories and .zip/.json inputs, FILE.ext files of that
# extension, -o FILE the --format given.  Needs the bash-completion package.
#
# @DATA@

# A word of the command line as the command will see it: quotes and
# backslashes removed, a leading ~/ expanded.  Never eval'd: a $(...) typed on
# the line must not run because Tab was pressed.
_chainrisk_unquote()
{
    local w=$1
    case $w in
        \'*\') w=${w:1:${#w}-2} ;;
        \"*\") w=${w:1:${#w}-2} ;;
        *) w=${w//\\/} ;;
    esac
    [[ $w == \~/* ]] && w=$HOME/${w:2}
    printf '%s' "$w"
}

# Does option $2 of command $1 take a value?
_chainrisk_takes_value()
{
    local a=${_chainrisk_actions["$1 $2"]-}
    [[ -n $a && $a != flag ]]
}

# The node ids starting with $cur, of the inputs on the line ($load), each
# quoted as one shell word.
_chainrisk_ids()
{
    local id quoted prefix=${cur#[\'\"]}
    while IFS= read -r id; do
        printf -v quoted '%q' "$id"
        COMPREPLY+=("$quoted")
    done < <("$bin" __complete-ids --prefix="$prefix" "${load[@]}" 2>/dev/null)
}

# Complete $cur for an action ("values a b", "files svg png", "ids", ...).
_chainrisk_act()
{
    local kind=${1%% *} args=
    [[ $1 == *' '* ]] && args=${1#* }
    case $kind in
        values) COMPREPLY=($(compgen -W "$args" -- "$cur")) ;;
        ids) _chainrisk_ids ;;
        dirs) _filedir -d ;;
        inputs) _filedir 'zip|json' ;;
        files) _filedir "${args// /|}" ;;
        output)
            case $format in
                csv | json | graphml | dot | xlsx) _filedir "$format" ;;
                *) _filedir ;;
            esac
            ;;
    esac
}

_chainrisk()
{
    local cur prev words cword split
    _init_completion -s || return

    # The command: the first word after chainrisk that is not an option.
    local bin=${words[0]} cmd= at i
    for ((at = 1; at < cword; at++)); do
        if [[ ${words[at]} != -* ]]; then
            cmd=${words[at]}
            break
        fi
    done
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "${_chainrisk_options[chainrisk]-}" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_chainrisk_commands" -- "$cur"))
        fi
        return
    fi
    [[ -n ${_chainrisk_options["$cmd"]-} ]] || return

    # What the positionals are, the last kind repeating when it ends in
    # "...".  --nodes anywhere names the inventory: a command whose first
    # positional is the inventory and the rest ids (impact) then takes ids.
    local -a kinds
    read -r -a kinds <<< "${_chainrisk_positionals["$cmd"]-}"
    for ((i = at + 1; i < ${#words[@]}; i++)); do
        if [[ ${words[i]} == --nodes || ${words[i]} == --nodes=* ]] && ((${#kinds[@]} > 1)); then
            kinds=("${kinds[@]:1}")
            break
        fi
    done

    # Walk the words before the cursor: count the positionals, keep the
    # --format given and the words that name the inputs (for the ids).
    local -a load=()
    local npos=0 format= w opt val dashdash= kind
    for ((i = at + 1; i < cword; i++)); do
        w=${words[i]}
        if [[ -z $dashdash && $w == -?* ]]; then
            [[ $w == -- ]] && { dashdash=1; continue; }
            opt=${w%%=*} val=
            if [[ $w == *=* ]]; then
                val=${w#*=}
            elif _chainrisk_takes_value "$cmd" "$opt" && ((i + 1 < cword)); then
                val=${words[++i]}
            fi
            [[ $opt == --format ]] && format=$val
            if [[ -n ${_chainrisk_load_options["$opt"]-} ]]; then
                load+=("$opt")
                [[ ${_chainrisk_load_options["$opt"]} == flag ]] ||
                    load+=("$(_chainrisk_unquote "$val")")
            fi
            continue
        fi
        _chainrisk_kind "$npos"
        [[ $kind == inputs ]] && load+=("$(_chainrisk_unquote "$w")")
        ((npos++))
    done

    # The value of an option: "--format <Tab>" or "--format=<Tab>".
    if [[ -z $dashdash && $prev == -* ]] && _chainrisk_takes_value "$cmd" "$prev"; then
        _chainrisk_act "${_chainrisk_actions["$cmd $prev"]}"
        return
    fi
    $split && return

    if [[ -z $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${_chainrisk_options["$cmd"]}" -- "$cur"))
        return
    fi
    _chainrisk_kind "$npos"
    [[ -n $kind ]] && _chainrisk_act "$kind"
} &&
    complete -F _chainrisk chainrisk

# The kind of positional number $1 (from 0) in $kind: "inputs", "ids", or ""
# past the last one when it does not repeat.
_chainrisk_kind()
{
    local n=$1 last=$((${#kinds[@]} - 1))
    kind=
    ((last >= 0)) || return 0
    if ((n < last)); then
        kind=${kinds[n]}
    elif ((n == last)) || [[ ${kinds[last]} == *... ]]; then
        kind=${kinds[last]}
    fi
    kind=${kind%...}
}

# ex: filetype=sh
