# help2man.sed - spell the headings of chainrisk's help the way help2man
# makes sections of them (gen-docs.sh pipes every --help through this).
# The help itself keeps git's lowercase style.
s/^usage: /Usage: /
s/^       chainrisk /  or: chainrisk /
s/^options:$/Options:/
s/^commands:$/Commands:/
# The exit status becomes a section of its own (gen-docs.sh writes it).
/^exit status: /,/^$/d
