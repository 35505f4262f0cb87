#!/bin/sh
# report_test.sh - the HTML report in a real browser (headless Chromium).
#
#   report_test.sh CHAINRISK INVENTORY_DIR
#
# Writes the report for INVENTORY_DIR (twice, in two processes: the bytes must
# match), loads it in Chromium and checks from the DOM that the summary and
# the top-risk rows are there and that the page's own sorting script ran
# under its Content-Security-Policy; then takes a screenshot (a PNG) and
# prints the page to PDF.  With INVENTORY_DIR/scenarios.csv present, a
# report with that scenario file must show its heat table, breaches marked.  Chromium is required: a missing browser FAILS this
# test (CI installs it with tools/setup.sh --browser); it is never skipped.
set -u

chainrisk=${1:?usage: report_test.sh CHAINRISK INVENTORY_DIR}
inventory=${2:?usage: report_test.sh CHAINRISK INVENTORY_DIR}

fail() {
    echo "report_test: FAIL: $*" >&2
    exit 1
}

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed; install it with 'tools/setup.sh --browser' (this test is required, not optional)"

work=$(mktemp -d "${TMPDIR:-/tmp}/crisk-browser.XXXXXX") || fail "mktemp"
trap 'rm -rf "$work"' EXIT INT TERM

# -- the report, and its determinism across processes ------------------------
"$chainrisk" report -q "$inventory" -o "$work/report.html" || fail "chainrisk report exited $?"
"$chainrisk" report -q "$inventory" -o "$work/again.html" || fail "chainrisk report (second run) exited $?"
cmp -s "$work/report.html" "$work/again.html" || fail "two runs gave different bytes"
"$chainrisk" map -q "$inventory" -o "$work/map1.svg" || fail "chainrisk map exited $?"
"$chainrisk" map -q "$inventory" -o "$work/map2.svg" || fail "chainrisk map (second run) exited $?"
cmp -s "$work/map1.svg" "$work/map2.svg" || fail "two map runs gave different bytes"

# Every run gets a fresh profile; no network, no sync, no component updates.
run_browser() {
    profile=$(mktemp -d "$work/profile.XXXXXX")
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" 2>>"$work/browser.log"
}

url="file://$work/report.html"

# -- the DOM after scripts ran --------------------------------------------------
run_browser --dump-dom "$url" >"$work/dom.html" || fail "chromium --dump-dom exited $? ($(tail -n 3 "$work/browser.log"))"
[ -s "$work/dom.html" ] || fail "empty DOM"

expect() {
    grep -q -- "$1" "$work/dom.html" || fail "the DOM lacks $2 ('$1')"
}
expect 'id="summary"' "the summary section"
expect 'id="summary-nodes"' "the node count card"
expect 'id="summary-spofs"' "the SPOF card"
expect 'Single points of failure' "the SPOF heading"
expect 'id="top-risks-table"' "the top-risks table"
expect 'id="risk-1"' "the first top-risk row"
expect 'id="risk-25"' "the 25th top-risk row"
expect 'class="tag spof"' "a SPOF tag in the top risks"
expect '<svg role="img"' "the inline risk map"
expect 'id="loss"' "the outages-and-loss section"
expect '<figure class="lec"><svg' "the loss exceedance chart"
expect '<polyline fill="none" stroke="#0b5cad"' "the curve of the chart"
expect 'id="provenance"' "the provenance block"
expect 'SHA-256' "the input digests"
# The sorting script marks the headers: proof that it ran, so its CSP hash is right.
expect 'data-sortable=""' "headers marked by the sorting script (did the CSP block it?)"
if grep -q 'id="risk-26"' "$work/dom.html"; then
    fail "more than 25 top-risk rows"
fi
rows=$(grep -o 'id="risk-[0-9]*"' "$work/dom.html" | wc -l)
[ "$rows" -eq 25 ] || fail "expected 25 top-risk rows, found $rows"

# -- a screenshot: a real, non-empty PNG --------------------------------------
run_browser --screenshot="$work/report.png" --window-size=1280,2000 "$url" >/dev/null \
    || fail "chromium --screenshot exited $?"
[ -s "$work/report.png" ] || fail "no screenshot"
signature=$(head -c 8 "$work/report.png" | od -An -tx1 | tr -d ' \n')
[ "$signature" = "89504e470d0a1a0a" ] || fail "the screenshot is not a PNG (signature $signature)"
size=$(wc -c <"$work/report.png")
[ "$size" -gt 20000 ] || fail "the screenshot is suspiciously small ($size bytes)"

# -- printable: the print CSS gives a PDF ---------------------------------------
run_browser --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "$url" >/dev/null \
    || fail "chromium --print-to-pdf exited $?"
[ "$(head -c 5 "$work/report.pdf")" = "%PDF-" ] || fail "printing gave no PDF"

# -- the scenario tests section, when the inventory brings a scenario file ------
scenario_rows=0
if [ -f "$inventory/scenarios.csv" ]; then
    "$chainrisk" report -q --no-map "$inventory" --scenarios "$inventory/scenarios.csv" \
        -o "$work/scenarios.html" || fail "chainrisk report --scenarios exited $?"
    run_browser --dump-dom "file://$work/scenarios.html" >"$work/scenarios-dom.html" \
        || fail "chromium --dump-dom (scenarios) exited $?"
    grep -q 'id="scenario-table"' "$work/scenarios-dom.html" || fail "the DOM lacks the scenario heat table"
    grep -q 'class="cell b"' "$work/scenarios-dom.html" || fail "the heat table marks no breach"
    grep -q 'href="#scenarios"' "$work/scenarios-dom.html" || fail "the contents lack the scenario tests"
    grep -q 'data-sortable=""' "$work/scenarios-dom.html" || fail "the sorting script did not run (CSP?)"
    scenario_rows=$(grep -o 'id="scenario-[0-9]*"' "$work/scenarios-dom.html" | wc -l)
    expected=$(($(wc -l <"$inventory/scenarios.csv") - 1))
    [ "$scenario_rows" -eq "$expected" ] || fail "expected $expected scenario rows, found $scenario_rows"
fi

if [ -n "${CRISK_KEEP_BROWSER_OUTPUT:-}" ]; then
    cp "$work/report.html" "$work/report.png" "$work/report.pdf" "$CRISK_KEEP_BROWSER_OUTPUT"/ \
        || fail "cannot copy to $CRISK_KEEP_BROWSER_OUTPUT"
fi
echo "report_test: ok ($rows top-risk rows, $scenario_rows scenario rows, screenshot $size bytes)"
