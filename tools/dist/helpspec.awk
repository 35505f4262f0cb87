# helpspec.awk - read chainrisk's help texts, write what completes where.
#
#   awk -f helpspec.awk DIR/chainrisk.txt DIR/rank.txt ... DIR/__complete-ids.txt
#
# Each file is the --help of one command, named after it (chainrisk.txt is
# `chainrisk --help`).  The texts follow src/cli/README.md ("Help texts"):
#   usage: chainrisk CMD [options] INVENTORY ID...    positionals, last repeats
#                                                     (OLD NEW: two inputs, diff)
#   commands:                                         (chainrisk.txt) then
#     NAME  SUMMARY                                   one line per command
#   options:                                          then lines like
#     -o, --output FILE  description                  two spaces, the options
#                                                     (", " between them), a
#                                                     gap of two spaces or more
# Output, one record per line, fields separated by tabs:
#   cmd   NAME SUMMARY
#   opt   CMD NAME ACTION ARGS DESCRIPTION   (CMD "chainrisk" for the tool's own)
#   pos   CMD KIND...                        ("inputs ids..." for impact)
#   load  NAME ACTION                        the options of __complete-ids
# DESCRIPTION is the option's help, continuation lines joined.
# ACTION says what completes an option's value (from the metavar, or the
# extensions the description's first line names); ARGS qualifies it:
#   flag     takes no value
#   values   one of ARGS (space-separated), from a metavar "a|b|c"
#   ids      node ids of the inventory on the command line (metavar ID)
#   dirs     directories (DIR)
#   inputs   what an INVENTORY can be: directories, .zip and .json (PATH)
#   files    files, of the extensions in ARGS if any (FILE.html; or FILE
#            whose description names extensions: ".svg .png")
#   output   -o FILE: files of the --format given on the line, else any
#   none     nothing to offer (N, H, TEXT, ...)
# A help text this cannot read (no usage line, an option line without an
# option) stops it with a message: the build fails rather than ship a man
# page or a completion that lost an option.
BEGIN { OFS = "\t"; bad = 0 }

FNR == 1 {
    flush()
    check_file()
    n = split(FILENAME, parts, "/")
    cmd = parts[n]
    sub(/\.txt$/, "", cmd)
    section = ""
    seen_usage = 0
    options = 0
    delete seen
}

# The previous file had a usage line and, for a command, options.
function check_file() {
    if (cmd == "") return
    if (!seen_usage) { FNR = 0; fail("no 'usage: chainrisk ...' line in the help of '" cmd "'") }
    if (!options) { FNR = 0; fail("no option lines under 'options:' in the help of '" cmd "'") }
}

function fail(msg) {
    printf "helpspec.awk: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    bad = 1
    exit 1
}

function trim(s) { sub(/^ +/, "", s); sub(/ +$/, "", s); return s }

# The action and its arguments for an option NAME with metavar META.
function action(name, meta, desc,    exts, rest) {
    if (meta == "") return "flag\t"
    if (meta ~ /\|/) { gsub(/\|/, " ", meta); return "values\t" meta }
    if (meta == "ID") return "ids\t"
    if (meta == "DIR") return "dirs\t"
    if (meta == "PATH" || meta == "INVENTORY" || meta == "INPUT") return "inputs\t"
    if (meta ~ /^[A-Z]+\.[a-z0-9]+$/) { sub(/^[A-Z]+\./, "", meta); return "files\t" meta }
    if (meta != "FILE") return "none\t"
    exts = ""
    rest = " " desc
    while (match(rest, / \.[a-z][a-z0-9]*/)) {
        exts = exts (exts == "" ? "" : " ") substr(rest, RSTART + 2, RLENGTH - 2)
        rest = substr(rest, RSTART + RLENGTH)
    }
    if (exts != "") return "files\t" exts
    if (name == "-o" || name == "--output") return "output\t"
    return "files\t"
}

# One option line: "  -o, --output FILE           write to FILE ...".  Its
# records wait in pending[] for the description's continuation lines.
function option_line(line,    spec, desc, gap, n, pieces, i, name, meta, carry, names, metas) {
    flush()
    line = substr(line, 3)
    gap = match(line, /   *[^ ]/)      # two spaces or more, then the description
    if (gap) {
        spec = substr(line, 1, RSTART - 1)
        desc = trim(substr(line, RSTART))
    } else {
        spec = trim(line)
        desc = ""
    }
    n = split(spec, pieces, /, /)
    carry = ""
    for (i = n; i >= 1; i--) {        # "-o, --output FILE": -o takes FILE too
        name = pieces[i]
        meta = ""
        if (index(name, " ")) {
            meta = trim(substr(name, index(name, " ") + 1))
            name = substr(name, 1, index(name, " ") - 1)
        }
        if (name !~ /^--?[A-Za-z0-9][-A-Za-z0-9]*$/)
            fail("cannot read option '" pieces[i] "' in '" spec "'")
        if (meta == "" && name ~ /^-[^-]$/) meta = carry
        if (name ~ /^--/) carry = meta
        names[i] = name
        metas[i] = meta
    }
    for (i = 1; i <= n; i++) {
        if ((cmd SUBSEP names[i]) in seen) continue   # --criticality N | KEY=N,...
        seen[cmd, names[i]] = 1
        pending[++npending] = names[i] "\t" action(names[i], metas[i], desc)
    }
    pending_desc = desc
}

# The description goes on, indented deeper than the options.
function continuation(line) {
    if (npending > 0) pending_desc = pending_desc " " trim(line)
}

function flush(    i, name, act) {
    for (i = 1; i <= npending; i++) {
        name = substr(pending[i], 1, index(pending[i], "\t") - 1)
        act = substr(pending[i], index(pending[i], "\t") + 1)
        if (cmd != "__complete-ids")
            print "opt", cmd, pending[i], pending_desc
        else if (name != "--prefix" && name != "-h" && name != "--help")
            print "load", name, substr(act, 1, index(act, "\t") - 1)
    }
    npending = 0
}

# "usage: chainrisk impact [options] INVENTORY ID... [--hours H]"
function usage_line(line,    n, w, i, depth, kinds, k) {
    n = split(line, w, / +/)
    if (cmd != "chainrisk" && w[3] != cmd)
        fail("usage line does not name the command '" cmd "'")
    kinds = ""
    depth = 0
    for (i = (cmd == "chainrisk" ? 3 : 4); i <= n; i++) {
        if (depth > 0 || w[i] ~ /^\[/) {
            depth += gsub(/\[/, "[", w[i]) - gsub(/\]/, "]", w[i])
            continue
        }
        if (w[i] ~ /^-/) {            # "-o FILE": an option and its value
            if (i < n && w[i + 1] !~ /^[-[]/) i++
            continue
        }
        k = w[i]
        sub(/\.\.\.$/, "", k)
        if (k == "INVENTORY" || k == "INPUT" || k == "OLD" || k == "NEW") k = "inputs"
        else if (k == "ID") k = "ids"
        else if (k != "<command>") fail("unknown positional '" w[i] "'")
        else continue
        kinds = kinds (kinds == "" ? "" : " ") k (w[i] ~ /\.\.\.$/ ? "..." : "")
    }
    if (cmd != "chainrisk" && cmd != "__complete-ids") print "pos", cmd, kinds
}

section == "options" && /^    +[^ -]/ { continuation($0); next }
section == "options" && !/^  -/ { flush() }
/^usage: / { if (!seen_usage) usage_line($0); seen_usage = 1; section = "usage"; next }
/^[a-z][a-z ]*:$/ { section = substr($0, 1, length($0) - 1); next }
/^$/ { if (section == "commands") section = ""; next }
section == "commands" && /^  [a-z]/ {
    name = $1
    summary = trim(substr($0, index($0, name) + length(name)))
    print "cmd", name, summary
    next
}
section == "options" && /^  -/ { option_line($0); options++; next }

END {
    flush()
    if (!bad) check_file()
    if (bad) exit 1
}
