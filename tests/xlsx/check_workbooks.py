#!/usr/bin/env python3
"""check_workbooks.py - read back chainrisk's Excel workbooks with openpyxl.

    check_workbooks.py CHAINRISK REPO_DIR

For every command that writes a table, run it once with --format csv and
twice with --format xlsx -o FILE, then check, with openpyxl (Debian's
python3-openpyxl, not chainrisk's own reader):

  - the sheet names, the header row (equal to the CSV header), the header
    frozen and a filter over the whole table, fitted column widths;
  - every cell equal to the CSV cell of the same command: numbers as numbers
    (openpyxl type 'n'), true/false as booleans, text as text ('s'), a CSV
    cell neutralised against formulas (a leading "'") as the raw text;
  - no formula anywhere in the workbook (no cell of type 'f', no <f> element
    in any sheet's XML);
  - shares in a percentage format;
  - the same bytes on the second run (the creation time comes from the
    inputs, not the clock);
  - the provenance sheet: tool, command, every input with its SHA-256, a
    scenario file (`scenarios --scenarios FILE`) among them.

`diff` (one sheet, the CSV's rows; both sides' inputs in provenance) and
`check` (a rules sheet and a violations sheet: the CSV's rows of each kind).

Then `export --format xlsx`: its sheets, the nodes sheet against
`export --format csv`, the edges against the inventory, and the hostile
fixtures (formulas, invalid UTF-8) as text.  And --max-rows: tables cut at
the cap with a note below them, in provenance too, and whole at the cap.

Prints one line per check group and "N passed, N failed" at the end; exits
1 if any check failed.
"""
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

BIN, REPO = sys.argv[1], sys.argv[2]
SAMPLE = os.path.join(REPO, "data", "sample")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(args, expect=0):
    p = subprocess.run([BIN] + args, capture_output=True)
    if p.returncode != expect:
        raise SystemExit("chainrisk %s: exit %d, expected %d\n%s"
                         % (" ".join(args), p.returncode, expect, p.stderr.decode()))
    return p.stdout.decode()


def csv_rows(args, expect=0):
    return list(csv.reader(io.StringIO(run(args + ["--format", "csv"], expect))))


def workbook(args, tmp, name, expect=0):
    """Run with --format xlsx twice; check the bytes match; return the path."""
    paths = []
    for k in (1, 2):
        path = os.path.join(tmp, "%s-%d.xlsx" % (name, k))
        run(args + ["--format", "xlsx", "-o", path], expect)
        paths.append(path)
    with open(paths[0], "rb") as a, open(paths[1], "rb") as b:
        check(a.read() == b.read(), "%s: two runs give different bytes" % name)
    return paths[0]


def same_cell(text, cell):
    """Whether an openpyxl cell holds what the CSV cell `text` says."""
    value = cell.value
    if text == "":
        return value is None
    if text in ("true", "false") and cell.data_type == "b":
        return value == (text == "true")
    if cell.data_type == "n":
        # libxlsxwriter writes 16 significant digits ("%.16g"): one more
        # than Excel shows, one fewer than an exact round trip needs.
        try:
            x, y = float(text), float(value)
        except ValueError:
            return False
        return x == y or abs(x - y) <= 1e-15 * max(abs(x), abs(y))
    if cell.data_type != "s":
        return False
    # CSV neutralises a leading = + - @ tab CR with a quote; the workbook
    # keeps the text as it is, in a text cell that cannot run.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        text = text[1:]
    # Control characters are stored as _xHHHH_ (OOXML's escape, which
    # Excel decodes); openpyxl 3.0 leaves inline strings as stored.
    value = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)
    return value == text


def no_formulas(path, wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    return False
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and b"<f>" in z.read(name):
                return False
    return True


def check_table(name, ws, rows):
    """The sheet `ws` against the CSV rows (header first)."""
    header = [c.value for c in ws[1]]
    check(header == rows[0], "%s: header %r, CSV %r" % (name, header, rows[0]))
    check(ws.max_row == len(rows), "%s: %d rows, CSV %d" % (name, ws.max_row, len(rows)))
    check(ws.freeze_panes == "A2", "%s: header not frozen (%r)" % (name, ws.freeze_panes))
    last = openpyxl.utils.get_column_letter(len(rows[0]))
    ref = "A1:%s%d" % (last, len(rows))
    check(ws.auto_filter.ref == ref, "%s: filter %r, expected %r" % (name, ws.auto_filter.ref, ref))
    for col in range(1, len(rows[0]) + 1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
        check(width is not None and width >= len(rows[0][col - 1]) + 1,
              "%s: column %d not fitted (%r)" % (name, col, width))
    bad = []
    for r, row in enumerate(rows[1:], start=2):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if not same_cell(text, cell):
                bad.append((cell.coordinate, text, cell.value, cell.data_type))
            key = rows[0][c - 1]
            share = key.endswith("share") or key.endswith("_top1") or key.endswith("_top3")
            want = "0.0%" if share else "General"
            if cell.data_type == "n" and cell.number_format != want:
                bad.append((cell.coordinate, "format", cell.number_format, want))
    check(not bad, "%s: cells differ from the CSV: %r" % (name, bad[:5]))


def check_provenance(name, wb, command, inputs):
    check(wb.sheetnames[-1] == "provenance", "%s: last sheet %r" % (name, wb.sheetnames[-1]))
    ws = wb["provenance"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    check(rows[0] == ["item", "value", "kind", "sha256", "bytes", "rows"],
          "%s: provenance header %r" % (name, rows[0]))
    items = {r[0]: r[1] for r in rows[1:] if r[0] != "input"}
    check(items.get("command") == command, "%s: command %r" % (name, items.get("command")))
    check(str(items.get("tool", "")).startswith("0.1.0"), "%s: tool %r" % (name, items.get("tool")))
    got = {r[1]: r[3] for r in rows[1:] if r[0] == "input"}
    for path in inputs:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        check(got.get(path) == digest, "%s: input %s sha256 %r" % (name, path, got.get(path)))


COMMANDS = [
    ("rank", ["rank", SAMPLE], ["rank"]),
    ("rank-top", ["rank", SAMPLE, "--top", "5", "--type", "service"], ["rank"]),
    ("spof", ["spof", SAMPLE], ["spof"]),
    ("spof-pairs", ["spof", SAMPLE, "--pairs"], ["spof"]),
    ("shared", ["shared", SAMPLE], ["shared"]),
    ("concentration", ["concentration", SAMPLE, "--by", "category,parent,country"],
     ["concentration"]),
    ("simulate", ["simulate", SAMPLE, "--runs", "2000", "--seed", "7"], ["simulate"]),
    ("impact", ["impact", SAMPLE, "mainknoten-ix", "--hours", "8"], ["impact"]),
    # with --format xlsx, --generate -o takes the results, not a scenario file
    ("scenarios", ["scenarios", SAMPLE, "--generate", "--hours", "24"], ["scenarios"]),
    ("scenarios-file", ["scenarios", SAMPLE, "--scenarios",
                        os.path.join(SAMPLE, "scenarios.csv")], ["scenarios"]),
]


def check_scenario_inputs(name, wb, files):
    """The scenario files `files` listed as inputs of kind "scenarios", after
    the inventory's, with SHA-256, size and data rows; nothing else."""
    rows = [[c.value for c in r] for r in wb["provenance"].iter_rows()]
    inputs = [r for r in rows[1:] if r[0] == "input"]
    listed = [r for r in inputs if r[2] == "scenarios"]
    want = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        with open(path, newline="") as f:
            n_rows = sum(1 for _ in csv.reader(f)) - 1
        want.append(["input", path, "scenarios", hashlib.sha256(data).hexdigest(), len(data),
                     n_rows])
    check(listed == want, "%s: scenario inputs %r, expected %r" % (name, listed, want))
    check(inputs[-len(listed):] == listed if listed else True,
          "%s: scenario files not after the inventory's inputs" % name)


def check_commands(tmp):
    inputs = [os.path.join(SAMPLE, "nodes.csv"), os.path.join(SAMPLE, "edges.csv")]
    for name, args, sheets in COMMANDS:
        path = workbook(args, tmp, name)
        wb = openpyxl.load_workbook(path)
        check(wb.sheetnames == sheets + ["provenance"], "%s: sheets %r" % (name, wb.sheetnames))
        check_table(name, wb[sheets[0]], csv_rows(args))
        check(no_formulas(path, wb), "%s: a formula in the workbook" % name)
        check_provenance(name, wb, args[0], inputs)
        # a scenario file given is an input; generated scenarios are none
        files = [args[i + 1] for i, a in enumerate(args) if a == "--scenarios"]
        check_scenario_inputs(name, wb, files)
        print("ok %s" % name)


EXPORT_SHEETS = ["nodes", "edges", "spofs", "minimal pairs", "shared", "false redundancy",
                 "concentration by category", "concentration by parent",
                 "concentration by country", "provenance"]


def check_export(tmp):
    path = workbook(["export", SAMPLE], tmp, "export")
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == EXPORT_SHEETS, "export: sheets %r" % wb.sheetnames)
    check_table("export nodes", wb["nodes"], csv_rows(["export", SAMPLE]))
    spofs = [r for r in csv_rows(["spof", SAMPLE, "--pairs"])[1:]]
    # spof --pairs: a SPOF has no spof2; a pair has one; a function whose
    # pairs were cut and that has no SPOF has a row with neither
    check_table("export spofs", wb["spofs"], [["function", "spof"]]
                + [r[:2] for r in spofs if r[2] == "" and r[1] != ""])
    check_table("export pairs", wb["minimal pairs"], [["function", "spof", "spof2", "pairs_cut"]]
                + [r for r in spofs if r[2] != "" or r[1] == ""])
    for by in ("category", "parent", "country"):
        check_table("export concentration " + by, wb["concentration by " + by],
                    csv_rows(["concentration", SAMPLE, "--by", by]))
    shared = csv_rows(["shared", SAMPLE])
    n_shared = sum(1 for r in shared[1:] if r[0] == "shared")
    n_false = sum(1 for r in shared[1:] if r[0] == "false-redundancy")
    check(wb["shared"].max_row == 1 + n_shared, "export: shared rows")
    check(wb["false redundancy"].max_row == 1 + n_false, "export: false redundancy rows")
    edges = wb["edges"]
    check([c.value for c in edges[1]] == ["from", "to", "group", "need", "kind", "group_size"],
          "export: edges header")
    with open(os.path.join(SAMPLE, "edges.csv"), newline="") as f:
        native = list(csv.DictReader(f))
    check(edges.max_row == 1 + len(native), "export: %d edges, edges.csv %d"
          % (edges.max_row - 1, len(native)))
    pairs = {(r[0].value, r[1].value) for r in edges.iter_rows(min_row=2)}
    check(pairs == {(e["from"], e["to"]) for e in native}, "export: edges differ from edges.csv")
    check(all(isinstance(r[3].value, int) for r in edges.iter_rows(min_row=2)),
          "export: need is not a number")
    check(no_formulas(path, wb), "export: a formula in the workbook")
    check_provenance("export", wb, "export",
                     [os.path.join(SAMPLE, "nodes.csv"), os.path.join(SAMPLE, "edges.csv")])
    print("ok export")


def check_hostile(tmp):
    formulas = os.path.join(REPO, "tests", "fixtures", "hostile", "formulas")
    path = workbook(["export", formulas], tmp, "hostile")
    wb = openpyxl.load_workbook(path)
    ws = wb["nodes"]
    names = {r[0].value: r[1] for r in ws.iter_rows(min_row=2)}
    cell = names.get("=calc")
    check(cell is not None and cell.data_type == "s" and cell.value == "+cmd|' /C calc'!A0",
          "hostile: '=calc' name %r" % (cell.value if cell else None))
    check(no_formulas(path, wb), "hostile: a formula in the workbook")
    check_table("hostile rank", openpyxl.load_workbook(workbook(["rank", formulas], tmp,
                                                                "hostile-rank"))["rank"],
              csv_rows(["rank", formulas]))
    control = ["rank", "--nodes",
               os.path.join(REPO, "tests", "fixtures", "hostile", "control_chars", "nodes.csv")]
    path = workbook(control, tmp, "control")
    check_table("control characters", openpyxl.load_workbook(path)["rank"], csv_rows(control))
    with zipfile.ZipFile(path) as z:
        check(b"a_x001B_[2Jb" in z.read("xl/worksheets/sheet1.xml"),
              "control characters: ESC not escaped as _x001B_")
    print("ok hostile")


def check_workbook_input(tmp):
    """A workbook made from a workbook: the same cells as from the CSV, the
    sheets named in provenance with the workbook's digest, and the creation
    time the workbook file's."""
    import datetime
    book = os.path.join(REPO, "tests", "fixtures", "xlsx", "sample.xlsx")
    args = ["rank", "--nodes", book, "--sheet", "Suppliers", "--edges-sheet", "Dependencies"]
    path = workbook(args, tmp, "from-xlsx")
    wb = openpyxl.load_workbook(path)
    check_table("from-xlsx", wb["rank"], csv_rows(["rank", SAMPLE]))
    rows = [[c.value for c in r] for r in wb["provenance"].iter_rows()]
    got = {r[1]: r[3] for r in rows[1:] if r[0] == "input"}
    with open(book, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    for sheet in ("Suppliers", "Dependencies"):
        check(got.get("%s[%s]" % (book, sheet)) == digest,
              "from-xlsx: input %s[%s] %r" % (book, sheet, got))
    mtime = datetime.datetime.utcfromtimestamp(int(os.path.getmtime(book)))
    check(wb.properties.created == mtime,
          "from-xlsx: created %r, the workbook's mtime %r" % (wb.properties.created, mtime))
    print("ok from-xlsx")


def check_diff(tmp):
    """diff: one sheet of the CSV's rows (a `kind` column tells the changes
    apart), and a provenance that lists both sides' inputs."""
    nxt = os.path.join(REPO, "data", "sample-next")
    args = ["diff", SAMPLE, nxt]
    path = workbook(args, tmp, "diff")
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["diff", "provenance"], "diff: sheets %r" % wb.sheetnames)
    check_table("diff", wb["diff"], csv_rows(args))
    check(no_formulas(path, wb), "diff: a formula in the workbook")
    rows = [[c.value for c in r] for r in wb["provenance"].iter_rows()]
    items = {r[0]: r[1] for r in rows[1:]}
    check(items.get("command") == "diff", "diff: command %r" % items.get("command"))
    for side, folder in (("old", SAMPLE), ("new", nxt)):
        got = {r[1]: r[3] for r in rows[1:] if r[0] == side + " input"}
        for name in ("nodes.csv", "edges.csv"):
            p = os.path.join(folder, name)
            with open(p, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            check(got.get(p) == digest, "diff: %s input %s %r" % (side, p, got))
        check(isinstance(items.get(side + " model nodes"), int),
              "diff: %s model nodes %r" % (side, items.get(side + " model nodes")))
    print("ok diff")


def check_check(tmp):
    """check: the rules with their verdicts on one sheet, the findings on
    another, each the CSV's rows of that kind in its own columns."""
    args = ["check", os.path.join(REPO, "data", "sample-next"), "--policy",
            os.path.join(REPO, "data", "policy.json")]
    path = workbook(args, tmp, "check", expect=1)
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["rules", "violations", "provenance"], "check: sheets %r" % wb.sheetnames)
    rows = csv_rows(args, expect=1)
    head = rows[0]

    def part(kinds, columns):
        out = [columns]
        for r in rows[1:]:
            if r[0] in kinds:
                out.append([r[head.index(c)] for c in columns])
        return out

    check_table("check rules", wb["rules"],
                part(("rule",), ["kind", "rule", "name", "line", "column", "verdict", "checked",
                                 "violations", "unknown", "requires"]))
    check_table("check violations", wb["violations"],
                part(("violation", "unknown"), ["kind", "rule", "line", "column", "nodes",
                                                "measured", "limit", "message"]))
    check(no_formulas(path, wb), "check: a formula in the workbook")
    check_provenance("check", wb, "check",
                     [os.path.join(REPO, "data", "sample-next", "nodes.csv"),
                      os.path.join(REPO, "data", "sample-next", "edges.csv")])
    # the scenario file of the policy's scenarios rule is an input too
    check_scenario_inputs("check", wb, [os.path.join(REPO, "data", "policy-scenarios.csv")])
    check_policy_input("check", wb, os.path.join(REPO, "data", "policy.json"))
    print("ok check")


def check_policy_input(name, wb, path):
    """The policy file listed once as an input of kind "policy", with its
    SHA-256, size and number of rules, after the inventory's inputs and
    before its scenario files."""
    rows = [[c.value for c in r] for r in wb["provenance"].iter_rows()]
    inputs = [r for r in rows[1:] if r[0] == "input"]
    with open(path, "rb") as f:
        data = f.read()
    want = ["input", path, "policy", hashlib.sha256(data).hexdigest(), len(data),
            len(json.loads(data)["rules"])]
    listed = [r for r in inputs if r[2] == "policy"]
    check(listed == [want], "%s: policy inputs %r, expected %r" % (name, listed, [want]))
    kinds = [r[2] for r in inputs]
    check(kinds.index("policy") == len(kinds) - 1 - kinds.count("scenarios"),
          "%s: the policy not between the inventory's inputs and the scenario files: %r"
          % (name, kinds))


def provenance_items(wb, item):
    return [r for r in ([c.value for c in row] for row in wb["provenance"].iter_rows())
            if r[0] == item]


def check_row_cap(tmp):
    """--max-rows N: each table keeps its first N rows (the CSV's first N),
    the row below says what was left out and which command writes it all,
    the filter covers the rows kept, and provenance lists the table; a table
    of N rows or fewer is whole, with no note."""
    rank = csv_rows(["rank", SAMPLE])
    total = len(rank) - 1
    path = workbook(["rank", SAMPLE, "--max-rows", "5"], tmp, "rank-cap")
    wb = openpyxl.load_workbook(path)
    ws = wb["rank"]
    check(ws.max_row == 7, "rank-cap: %d rows, expected header + 5 + note" % ws.max_row)
    for r, row in enumerate(rank[1:6], start=2):
        got = [ws.cell(row=r, column=c) for c in range(1, len(row) + 1)]
        check(all(same_cell(t, cell) for t, cell in zip(row, got)),
              "rank-cap: row %d differs from the CSV" % r)
    note = ("Truncated: the first 5 of %d rows (%d left out; --max-rows 5). Every row: the same "
            "command with --format csv" % (total, total - 5))
    cell = ws.cell(row=7, column=1)
    check(cell.value == note and cell.data_type == "s" and cell.font.b,
          "rank-cap: note %r" % cell.value)
    check(all(ws.cell(row=7, column=c).value is None for c in range(2, len(rank[0]) + 1)),
          "rank-cap: more than the note in its row")
    last = openpyxl.utils.get_column_letter(len(rank[0]))
    check(ws.auto_filter.ref == "A1:%s6" % last, "rank-cap: filter %r" % ws.auto_filter.ref)
    cuts = provenance_items(wb, "truncated sheet")
    check(len(cuts) == 1 and cuts[0][1] == "rank: " + note[len("Truncated: "):]
          and cuts[0][5] == total, "rank-cap: provenance %r" % cuts)
    options = provenance_items(wb, "option --max-rows")
    check(options and options[0][1] == "5", "rank-cap: option %r" % options)
    check(no_formulas(path, wb), "rank-cap: a formula in the workbook")

    path = workbook(["rank", SAMPLE, "--max-rows", str(total)], tmp, "rank-exact")
    wb = openpyxl.load_workbook(path)
    check_table("rank-exact", wb["rank"], rank)
    check(not provenance_items(wb, "truncated sheet"), "rank-exact: listed as truncated")

    path = workbook(["export", SAMPLE, "--max-rows", "3"], tmp, "export-cap")
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == EXPORT_SHEETS, "export-cap: sheets %r" % wb.sheetnames)
    whole = {"nodes": "chainrisk export --format csv", "edges": "chainrisk export --format json",
             "spofs": "chainrisk spof --format csv",
             "minimal pairs": "chainrisk spof --pairs --format csv",
             "shared": "chainrisk shared --format csv",
             "concentration by country": "chainrisk concentration --by country --format csv"}
    listed = {r[1].split(":")[0]: r for r in provenance_items(wb, "truncated sheet")}
    for sheet, how in whole.items():
        ws = wb[sheet]
        note = ws.cell(row=ws.max_row, column=1).value or ""
        check(ws.max_row == 5 and note.startswith("Truncated: the first 3 of ")
              and note.endswith("Every row: " + how), "export-cap %s: note %r" % (sheet, note))
        check(sheet in listed and listed[sheet][1] == sheet + ": " + note[len("Truncated: "):],
              "export-cap %s: provenance %r" % (sheet, listed.get(sheet)))
    fr = wb["false redundancy"]
    check(fr.max_row <= 4 and "false redundancy" not in listed
          and not str(fr.cell(row=fr.max_row, column=1).value).startswith("Truncated"),
          "export-cap: false redundancy cut")
    print("ok row cap")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_row_cap(tmp)
        check_commands(tmp)
        check_diff(tmp)
        check_check(tmp)
        check_workbook_input(tmp)
        check_export(tmp)
        check_hostile(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
