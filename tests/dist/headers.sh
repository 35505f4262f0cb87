#!/usr/bin/env bash
# headers.sh SRCDIR - every public header compiles on its own, as a user's
# first include: as C11 with -Wall -Wextra -pedantic -Werror, and as C++
# (g++ -x c++ -fsyntax-only, the same warnings): the headers carry their own
# includes and extern "C", and use nothing a C++ compiler refuses.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
for h in "$src"/include/chainrisk/*.h; do
    name=chainrisk/$(basename "$h")
    printf '#include <%s>\nint main(void) { return 0; }\n' "$name" > "$tmp/t.c"
    for compiler in "gcc -std=c11" "g++ -x c++ -std=c++11"; do
        if out=$($compiler -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$src/include" "$tmp/t.c" 2>&1); then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL: $compiler $name:"
            echo "$out"
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
