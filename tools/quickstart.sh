#!/usr/bin/env bash
# README command (1): install what chainrisk needs, build it, and run the main
# job on the bundled sample inventory: validate it, then write the HTML
# report and the risk map into out/.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCHAINRISK_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

mkdir -p out
build/chainrisk validate data/sample
if build/chainrisk report --help >/dev/null 2>&1; then
    build/chainrisk report data/sample -o out/report.html
    build/chainrisk map data/sample -o out/map.svg
    echo
    echo "wrote $(pwd)/out/report.html and $(pwd)/out/map.svg"
fi
echo "try: build/chainrisk rank data/sample --top 10"
