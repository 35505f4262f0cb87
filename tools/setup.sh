#!/usr/bin/env bash
# Install every build, test and runtime dependency of chainrisk on Debian 12.
# Idempotent: when everything is present it prints nothing and does not touch apt.
# Works as root or through sudo.
# Usage: tools/setup.sh [--bench] [--browser] [--fuzz] [--valgrind] [--package] [--scram] [--all]
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libigraph-dev libcsv-dev libcjson-dev libgraphviz-dev graphviz
      libcriterion-dev libzip-dev libssl-dev libxlsxwriter-dev libexpat1-dev help2man
      python3 python3-openpyxl)
# tools/package.sh: CPack's DEB generator runs dpkg-shlibdeps (dpkg-dev);
# tests/dist/fresh_root.sh installs the .deb into a fresh Debian root.
package=(dpkg-dev debootstrap)
# the install tests (tests/dist/): render the man pages, drive the
# completions, compile the headers as C++
dist=(groff-base mandoc man-db bash-completion zsh g++ binutils)
for arg in "$@"; do
    case "$arg" in
        --bench)   pkgs+=(python3 python3-networkx python3-igraph time) ;;
        --browser) pkgs+=(chromium) ;;
        --fuzz)    pkgs+=(clang libclang-rt-14-dev) ;;
        --valgrind) pkgs+=(valgrind) ;;
        --package) pkgs+=("${package[@]}") ;;
        --scram)   pkgs+=(scram python3) ;;   # the Open-PSA cross-check (tests/scram/)
        --all)     pkgs+=(python3 python3-networkx python3-igraph time chromium clang libclang-rt-14-dev valgrind
                          scram "${package[@]}" "${dist[@]}") ;;
        *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 3; }
    sudo="sudo"
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
