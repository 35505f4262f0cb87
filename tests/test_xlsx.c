/*
 * test_xlsx.c - Excel workbooks as inputs (src/import/xlsx.c through the
 * native reader): data/sample as a workbook ranks exactly like the sample,
 * a mapped register as a workbook like the mapped CSV, and every problem
 * has a fixture (tests/fixtures/xlsx/make_fixtures.py) and its exact text
 * at FILE[SHEET]:ROW:COLUMN with Excel's column letters.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/xlsx.h"

typedef tl_run run;

/* Load `nodes` (under tests/fixtures/xlsx/ unless absolute) as --nodes, or
 * as a positional input when `positional`. */
static void load(run *r, const char *nodes, int positional, const char *sheet,
                 const char *edges_sheet, const char *map)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/xlsx/%s", CRISK_FIXTURES, nodes);
    crisk_input in = { positional ? path : NULL, positional ? NULL : path, NULL };
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.xlsx_sheet = sheet;
    opts.xlsx_edges_sheet = edges_sheet;
    opts.map_path = map;
    tl_load(r, &in, 1, &opts);
}

/* The stored diagnostics without the fixtures' directory, one per line. */
static void diags(const run *r, char *buf, size_t size, int errors_only)
{
    tl_diag_text(&r->diags, buf, size, "", "\n", CRISK_FIXTURES "/xlsx/", errors_only);
}

static void expect_errors(const run *r, const char *want)
{
    char got[16384];
    diags(r, got, sizeof got, 1);
    cr_expect_eq(r->rc, CRISK_EINVALID);
    cr_expect_str_eq(got, want);
}

/* rank of data/<dir> (through data/<dir>/mapping.json when `mapped`). */
static char *data_rank(const char *dir, int mapped)
{
    char path[1024], map[1100];
    snprintf(path, sizeof path, "%s/data/%s", CRISK_SOURCE_DIR, dir);
    snprintf(map, sizeof map, "%s/mapping.json", path);
    crisk_input in = { path, NULL, NULL };
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.map_path = mapped ? map : NULL;
    run r;
    tl_load(&r, &in, 1, &opts);
    cr_assert_eq(r.rc, CRISK_OK, "%s", r.err.message);
    char *out = tl_rank_csv(r.inv);
    tl_release(&r);
    return out;
}

/* ---- workbooks that rank like their CSV twins ---------------------------------- */

Test(xlsx, ranks_the_sample_saved_as_a_workbook)
{
    char *want = data_rank("sample", 0);
    /* --nodes sample.xlsx --sheet Suppliers --edges-sheet Dependencies */
    run r;
    load(&r, "sample.xlsx", 0, "Suppliers", "Dependencies", NULL);
    cr_assert_eq(r.rc, CRISK_OK, "%s", r.err.message);
    cr_expect_eq(r.diags.errors, 0);
    char *got = tl_rank_csv(r.inv);
    cr_expect_str_eq(got, want);
    free(got);
    tl_release(&r);
    /* the workbook as an input: its first sheet, edges named any case */
    load(&r, "sample.xlsx", 1, NULL, "dependencies", NULL);
    cr_assert_eq(r.rc, CRISK_OK, "%s", r.err.message);
    got = tl_rank_csv(r.inv);
    cr_expect_str_eq(got, want);
    free(got);
    tl_release(&r);
    free(want);
}

Test(xlsx, reads_a_workbook_through_a_mapping)
{
    char map[1024];
    snprintf(map, sizeof map, "%s/data/mapping-example/mapping.json", CRISK_SOURCE_DIR);
    char *want = data_rank("mapping-example", 1);
    run r;
    load(&r, "mapped.xlsx", 0, "Supplier register", "Dependencies", map);
    cr_assert_eq(r.rc, CRISK_OK, "%s", r.err.message);
    char *got = tl_rank_csv(r.inv);
    cr_expect_str_eq(got, want);
    free(got);
    free(want);
    tl_release(&r);
}

Test(xlsx, reads_a_workbook_a_mapping_names)
{
    /* mapping-dir/mapping.json names register.xlsx as the nodes and the
     * edges file; --sheet and --edges-sheet pick the sheets */
    char map[1024];
    snprintf(map, sizeof map, "%s/xlsx/mapping-dir/mapping.json", CRISK_FIXTURES);
    char *want = data_rank("mapping-example", 1);
    run r;
    load(&r, "mapping-dir", 1, "Supplier register", "Dependencies", map);
    cr_assert_eq(r.rc, CRISK_OK, "%s", r.err.message);
    char *got = tl_rank_csv(r.inv);
    cr_expect_str_eq(got, want);
    free(got);
    free(want);
    tl_release(&r);
}

Test(xlsx, names_the_sheet_and_the_workbook_s_digest_in_provenance)
{
    run r;
    load(&r, "sample.xlsx", 0, "Suppliers", "Dependencies", NULL);
    cr_assert_eq(r.rc, CRISK_OK);
    cr_assert_eq(crisk_inventory_source_count(r.inv), 2);
    crisk_source_view s;
    crisk_inventory_source(r.inv, 1, &s);
    char want[1024];
    snprintf(want, sizeof want, "%s/xlsx/sample.xlsx[Dependencies]", CRISK_FIXTURES);
    cr_expect_str_eq(s.path, want);
    cr_expect_eq(strlen(s.sha256), 64u);
    char sha[65];
    snprintf(want, sizeof want, "%s/xlsx/sample.xlsx", CRISK_FIXTURES);
    cr_assert_eq(crisk_sha256_file(sha, want, NULL), CRISK_OK);
    cr_expect_str_eq(s.sha256, sha);
    tl_release(&r);
}

Test(xlsx, says_when_a_workbook_input_has_no_edges_sheet)
{
    run r;
    load(&r, "sample.xlsx", 1, NULL, NULL, NULL);
    cr_assert_eq(r.rc, CRISK_OK);
    char got[16384];
    diags(&r, got, sizeof got, 0);
    const char *want = "sample.xlsx: warning: no edges sheet (--edges-sheet NAME): the inventory "
                       "has no dependencies\n"
                       "sample.xlsx[Suppliers]:2:A: warning: function 'emergency-admissions' has "
                       "no dependencies\n";
    cr_expect(strncmp(got, want, strlen(want)) == 0, "%.600s", got);
    tl_release(&r);
}

/* ---- problems ---------------------------------------------------------------- */

Test(xlsx, reports_cell_problems_with_excel_s_column_letters)
{
    run r;
    load(&r, "problems.xlsx", 0, NULL, NULL, NULL);
    expect_errors(&r,
        "problems.xlsx[nodes]:3:E: invalid criticality '-1' (must be >= 0)\n"
        "problems.xlsx[nodes]:4:E: the cell holds the error value '#N/A'\n"
        "problems.xlsx[nodes]:6:F: value 'x' in column F, right of the header's last column (E)\n");
    tl_release(&r);
}

Test(xlsx, refuses_what_is_no_workbook)
{
    static const struct { const char *file, *sheet, *want; } cases[] = {
        { "not-a-zip.xlsx", NULL, "not-a-zip.xlsx: not an Excel workbook (.xlsx): not a zip "
                                  "archive\n" },
        { "no-sheets.xlsx", NULL, "no-sheets.xlsx: the workbook has no sheet\n" },
        { "doctype.xlsx", NULL, "doctype.xlsx: xl/workbook.xml:1: a document type declaration "
                                "(not allowed in a workbook)\n" },
        { "sample.xlsx", "Nope", "sample.xlsx: no sheet 'Nope' (the workbook has 'Suppliers', "
                                 "'Dependencies')\n" },
        { "bomb.xlsx", NULL, "bomb.xlsx[s]: xl/worksheets/sheet1.xml: compression ratio over "
                             "100:1 (2947 bytes inflate to 3000023): refused as a possible zip "
                             "bomb\n" },
        { "missing.xlsx", NULL, "missing.xlsx: cannot open file: No such file or directory\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run r;
        load(&r, cases[i].file, 0, cases[i].sheet, NULL, NULL);
        expect_errors(&r, cases[i].want);
        cr_expect_null(r.inv, "%s", cases[i].file);
        tl_release(&r);
    }
}

/* ---- positions ------------------------------------------------------------------ */

Test(xlsx, shows_columns_as_letters_only_in_sheets)
{
    static const struct { const char *file; size_t line, column; const char *want; } cases[] = {
        { "b.xlsx[S]", 3, 1, "b.xlsx[S]:3:A: m" },
        { "b.xlsx[S]", 3, 26, "b.xlsx[S]:3:Z: m" },
        { "b.xlsx[S]", 3, 27, "b.xlsx[S]:3:AA: m" },
        { "b.xlsx[S]", 3, 702, "b.xlsx[S]:3:ZZ: m" },
        { "b.xlsx[S]", 3, 16384, "b.xlsx[S]:3:XFD: m" },
        { "B.XLSX[a]b]", 3, 0, "B.XLSX[a]b]:3:0: m" },   /* a whole row */
        { "nodes.csv", 3, 27, "nodes.csv:3:27: m" },
        { "x[S]", 3, 27, "x[S]:3:27: m" },                /* no workbook */
        { "b.xlsx", 3, 27, "b.xlsx:3:27: m" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        crisk_diag d = { CRISK_SEV_ERROR, (char *)cases[i].file, cases[i].line, cases[i].column,
                         (char *)"m" };
        char buf[256];
        cr_expect_str_eq(crisk_diag_format(&d, buf, sizeof buf), cases[i].want);
    }
    cr_expect(crisk__xlsx_path("a/b.XLSX"));
    cr_expect(!crisk__xlsx_path("a/b.xls"));
    cr_expect(!crisk__xlsx_path(".xlsx"));
}
