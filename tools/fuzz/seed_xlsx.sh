#!/bin/sh
# seed_xlsx.sh SEED_DIR - seeds for fuzz_xlsx beyond the workbooks in
# tests/fixtures/xlsx/ (which run.sh adds whole): the sheets of sample.xlsx
# in fuzz_xlsx's second form (sheet XML, 0xFF, shared strings XML), and the
# sheet of problems.xlsx alone.
set -eu
python3 - "$1" <<'PY'
import os, sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile("tests/fixtures/xlsx/sample.xlsx") as z:
    strings = z.read("xl/sharedStrings.xml")
    for sheet in ("sheet1", "sheet2"):
        with open(os.path.join(out, "sample-" + sheet), "wb") as f:
            f.write(z.read("xl/worksheets/%s.xml" % sheet) + b"\xff" + strings)
with zipfile.ZipFile("tests/fixtures/xlsx/problems.xlsx") as z:
    with open(os.path.join(out, "problems-sheet1"), "wb") as f:
        f.write(z.read("xl/worksheets/sheet1.xml"))
PY
