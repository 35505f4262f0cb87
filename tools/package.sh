#!/usr/bin/env bash
# Build the Debian package of chainrisk: tools/package.sh [BUILD_DIR]
#
# Configures BUILD_DIR (default build-pkg; created with the tests off) for
# /usr with Debian's multiarch library directory, builds it, and runs CPack's
# DEB generator, which computes the dependencies from the shared libraries
# the binary and libchainrisk link (dpkg-shlibdeps).  Prints the .deb's path.
# An existing BUILD_DIR keeps its other settings, so tools/test.sh packages
# the tree its tests just ran on (build-test) without compiling it again.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-pkg}

tools/setup.sh --package
settings=(-DCMAKE_INSTALL_PREFIX=/usr
          -DCMAKE_INSTALL_LIBDIR="lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)")
[ -f "$build/CMakeCache.txt" ] || settings+=(-DCHAINRISK_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo)
cmake -S . -B "$build" "${settings[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
rm -f "$build"/chainrisk_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/chainrisk_*.deb)
echo "$deb"
