/*
 * test_workbook.c - the Excel workbook sink (src/emit/workbook.c): typed
 * rows become sheets, with what a cell cannot hold made safe, the problems
 * an emitter can cause reported, and the same bytes for the same content.
 *
 * The workbooks are read back with libzip (the .xlsx is a zip of XML
 * parts); tests/xlsx/check_workbooks.py reads the CLI's workbooks with
 * openpyxl.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <zip.h>

#include "chainrisk/chainrisk.h"
#include "emit/emit.h"
#include "emit/workbook.h"

/* The bytes of member `name` of the zip file `path`, NUL-terminated. */
static char *member(const char *path, const char *name)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    cr_assert_not_null(z, "%s is not a zip file", path);
    zip_stat_t st;
    cr_assert_eq(zip_stat(z, name, 0, &st), 0, "no %s in %s", name, path);
    char *buf = malloc(st.size + 1);
    zip_file_t *f = zip_fopen(z, name, 0);
    cr_assert_not_null(f);
    cr_assert_eq(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
    buf[st.size] = '\0';
    zip_fclose(f);
    zip_close(z);
    return buf;
}

static char *temp_path(const char *tag)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/crisk-wb-%s-%d.xlsx", tag, (int)getpid());
    return path;
}

/* A workbook written to `path` through `fill`, closed without an inventory. */
static int make(const char *path, void (*fill)(FILE *rows), crisk_error *err)
{
    FILE *out = fopen(path, "wb");
    cr_assert_not_null(out);
    crisk_workbook *wb = NULL;
    cr_assert_eq(crisk_workbook_new(&wb, out, "t", err), CRISK_OK);
    fill(crisk_workbook_rows(wb));
    int rc = crisk_workbook_close(wb, NULL, NULL, err);
    fclose(out);
    return rc;
}

static void one_text(FILE *rows, const char *text)
{
    crisk__field row[1] = { crisk__f_text("value", text) };
    crisk__csv_header(rows, row, 1);
    crisk__csv_row(rows, row, 1);
}

static void fill_invalid_utf8(FILE *rows)
{
    one_text(rows, "a\xE9z\xEF\xBF\xBE!");
}

Test(workbook, writes_bytes_that_are_not_utf8_as_replacement_characters)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("utf8");
    cr_assert_eq(make(path, fill_invalid_utf8, &err), CRISK_OK, "%s", err.message);
    char *xml = member(path, "xl/worksheets/sheet1.xml");
    cr_assert_not_null(strstr(xml, "<t>a\xEF\xBF\xBDz\xEF\xBF\xBD!</t>"), "%s", xml);
    free(xml);
    unlink(path);
    free(path);
}

static void fill_long(FILE *rows)
{
    char *s = malloc(40001);
    memset(s, 'x', 40000);
    s[40000] = '\0';
    one_text(rows, s);
    free(s);
}

Test(workbook, cuts_text_longer_than_a_cell_with_an_ellipsis)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("long");
    cr_assert_eq(make(path, fill_long, &err), CRISK_OK, "%s", err.message);
    char *xml = member(path, "xl/worksheets/sheet1.xml");
    char *t = strstr(xml, "<t>xxx");
    cr_assert_not_null(t);
    size_t xs = strspn(t + 3, "x");
    cr_assert_eq(xs, 32766);
    cr_assert_eq(strncmp(t + 3 + xs, "\xE2\x80\xA6</t>", 7), 0);
    free(xml);
    unlink(path);
    free(path);
}

static void fill_formula(FILE *rows)
{
    crisk__field row[3] = { crisk__f_text("id", "=HYPERLINK(\"http://x\",\"y\")"),
                            crisk__f_number("impact_share", 0.5), crisk__f_bool("spof", 1) };
    crisk__csv_header(rows, row, 3);
    crisk__csv_row(rows, row, 3);
}

Test(workbook, writes_text_that_looks_like_a_formula_as_text)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("formula");
    cr_assert_eq(make(path, fill_formula, &err), CRISK_OK, "%s", err.message);
    char *xml = member(path, "xl/worksheets/sheet1.xml");
    cr_assert_null(strstr(xml, "<f>"));
    cr_assert_not_null(strstr(xml, "<c r=\"A2\" t=\"inlineStr\"><is><t>=HYPERLINK("), "%s", xml);
    cr_assert_not_null(strstr(xml, "<c r=\"C2\" t=\"b\"><v>1</v></c>"), "%s", xml);
    cr_assert_not_null(strstr(xml, "<pane ySplit=\"1\""), "header not frozen");
    cr_assert_not_null(strstr(xml, "<autoFilter ref=\"A1:C2\"/>"), "%s", xml);
    char *styles = member(path, "xl/styles.xml");
    cr_assert_not_null(strstr(styles, "formatCode=\"0.0%\""), "%s", styles);
    free(styles);
    free(xml);
    unlink(path);
    free(path);
}

static void fill_two_tables(FILE *rows)
{
    one_text(rows, "first");
    one_text(rows, "second");
    crisk__sheet_name(rows, "named");
    one_text(rows, "third");
    crisk__sheet_name(rows, "named");
    one_text(rows, "fourth");
}

Test(workbook, names_each_table_s_sheet_and_keeps_names_unique)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("names");
    cr_assert_eq(make(path, fill_two_tables, &err), CRISK_OK, "%s", err.message);
    char *xml = member(path, "xl/workbook.xml");
    const char *want[] = { "name=\"t\"", "name=\"t (2)\"", "name=\"named\"",
                           "name=\"named (2)\"", "name=\"provenance\"" };
    const char *at = xml;
    for (size_t i = 0; i < 5; i++) {
        at = strstr(at, want[i]);
        cr_assert_not_null(at, "no sheet %s in order in %s", want[i], xml);
    }
    free(xml);
    unlink(path);
    free(path);
}

static void fill_raw(FILE *rows)
{
    one_text(rows, "x");
    fputs("kind,id\n", rows);
}

Test(workbook, refuses_to_finish_when_an_emitter_wrote_plain_text)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("raw");
    cr_assert_eq(make(path, fill_raw, &err), CRISK_EINTERNAL);
    cr_assert_str_eq(err.message, "a result was written as text, not as table rows: it cannot "
                                  "go into a workbook");
    unlink(path);
    free(path);
}

static void fill_headless(FILE *rows)
{
    crisk__field row[1] = { crisk__f_text("value", "x") };
    crisk__csv_row(rows, row, 1);
}

Test(workbook, refuses_a_row_before_its_header)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("headless");
    cr_assert_eq(make(path, fill_headless, &err), CRISK_EINTERNAL);
    cr_assert_str_eq(err.message, "a row came before its table's header");
    unlink(path);
    free(path);
}

static void fill_many(FILE *rows)
{
    crisk__field row[1] = { crisk__f_number("n", 0) };
    crisk__csv_header(rows, row, 1);
    /* three more than a sheet keeps below its header */
    for (size_t i = 0; i < CRISK_WORKBOOK_MAX_ROWS + 3; i++) {
        row[0].number = (double)i;
        crisk__csv_row(rows, row, 1);
    }
}

/* Excel opens no sheet past 1,048,576 rows: the first 1,048,574 rows are
 * kept (0 .. 1048573), the last row says what was left out, and no second
 * sheet is made. */
Test(workbook, keeps_what_a_sheet_holds_and_says_what_was_left_out, .timeout = 600)
{
    crisk_error err = CRISK_ERROR_INIT;
    char *path = temp_path("many");
    cr_assert_eq(make(path, fill_many, &err), CRISK_OK, "%s", err.message);
    char *book = member(path, "xl/workbook.xml");
    cr_assert_null(strstr(book, "name=\"t (2)\""), "%s", book);
    char *sheet = member(path, "xl/worksheets/sheet1.xml");
    cr_assert_not_null(strstr(sheet, "<dimension ref=\"A1:A1048576\"/>"), "%.300s", sheet);
    cr_assert_not_null(strstr(sheet, "<v>1048573</v>"), "the last row kept");
    cr_assert_null(strstr(sheet, "<v>1048574</v>"), "a row past the cap");
    cr_assert_not_null(strstr(sheet, "<c r=\"A1048576\" s=\"1\" t=\"inlineStr\"><is><t>Truncated: "
                                     "the first 1048574 of 1048577 rows (3 left out; Excel holds "
                                     "1048576 rows a sheet). Every row: the same command with "
                                     "--format csv</t></is></c>"),
                      "%s", strstr(sheet, "<row r=\"1048576\"") ? strstr(sheet, "<row r=\"1048576\"")
                                                                : "no row 1048576");
    /* the filter stays over the rows kept, not the note */
    cr_assert_not_null(strstr(sheet, "<autoFilter ref=\"A1:A1048575\"/>"));
    free(sheet);
    free(book);
    unlink(path);
    free(path);
}

/* Five rows at a cap of two: two kept and the note; two rows at a cap of
 * two: both, no note.  Provenance lists the first table only, and is not
 * cut itself. */
static void fill_capped(FILE *rows)
{
    crisk__field row[1] = { crisk__f_number("n", 0) };
    crisk__sheet_name(rows, "long");
    crisk__sheet_whole(rows, "chainrisk long --format csv");
    crisk__csv_header(rows, row, 1);
    for (int i = 0; i < 5; i++) {
        row[0].number = 10 + i;
        crisk__csv_row(rows, row, 1);
    }
    crisk__sheet_name(rows, "exact");
    crisk__csv_header(rows, row, 1);
    for (int i = 0; i < 2; i++) {
        row[0].number = 20 + i;
        crisk__csv_row(rows, row, 1);
    }
}

Test(workbook, cuts_each_table_at_the_row_cap_asked_for)
{
    char *path = temp_path("cap");
    FILE *out = fopen(path, "wb");
    crisk_workbook *wb = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_workbook_new(&wb, out, "t", &err), CRISK_OK);
    cr_assert_eq(crisk_workbook_set_max_rows(wb, 2, &err), CRISK_OK);
    fill_capped(crisk_workbook_rows(wb));
    crisk_provenance prov = { .command = "long", .n_options = 3,
                              .option_names = { "a", "b", "c" },
                              .option_values = { "1", "2", "3" } };
    cr_assert_eq(crisk_workbook_close(wb, NULL, &prov, &err), CRISK_OK, "%s", err.message);
    fclose(out);
    char *cut = member(path, "xl/worksheets/sheet1.xml");
    cr_assert_not_null(strstr(cut, "<dimension ref=\"A1:A4\"/>"), "%.300s", cut);
    cr_assert_not_null(strstr(cut, "<v>11</v>"));
    cr_assert_null(strstr(cut, "<v>12</v>"));
    cr_assert_not_null(strstr(cut, "<t>Truncated: the first 2 of 5 rows (3 left out; --max-rows "
                                   "2). Every row: chainrisk long --format csv</t>"), "%s", cut);
    cr_assert_not_null(strstr(cut, "<autoFilter ref=\"A1:A3\"/>"));
    char *exact = member(path, "xl/worksheets/sheet2.xml");
    cr_assert_not_null(strstr(exact, "<dimension ref=\"A1:A3\"/>"), "%.300s", exact);
    cr_assert_null(strstr(exact, "Truncated"));
    char *prov_xml = member(path, "xl/worksheets/sheet3.xml");
    cr_assert_not_null(strstr(prov_xml, "<t>long: the first 2 of 5 rows (3 left out; --max-rows "
                                        "2). Every row: chainrisk long --format csv</t>"),
                       "%s", prov_xml);
    cr_assert_null(strstr(prov_xml, "exact:"));
    /* tool, command, three options and the cut table: more rows than the cap */
    cr_assert_not_null(strstr(prov_xml, "<t>option --c</t>"), "%s", prov_xml);
    cr_assert_null(strstr(prov_xml, "Truncated"));
    free(prov_xml);
    free(exact);
    free(cut);
    unlink(path);
    free(path);
}

/* A scenario file is an input like the inventory's: after them, with its
 * kind, digest, size and rows; the same file noted twice (two policy
 * rules) once. */
Test(workbook, lists_inputs_besides_the_inventory_once_each)
{
    char *path = temp_path("inputs");
    FILE *out = fopen(path, "wb");
    crisk_workbook *wb = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    const char *sha = "a46b2f66138cca23fb0112dba0e791592a9e601060c8f2663e52fd0d631a63d3";
    cr_assert_eq(crisk_workbook_new(&wb, out, "t", &err), CRISK_OK);
    cr_assert_eq(crisk_workbook_add_input(wb, "s.csv", "scenarios", sha, 809, 5, &err), CRISK_OK);
    cr_assert_eq(crisk_workbook_add_input(wb, "s.csv", "scenarios", sha, 809, 5, &err), CRISK_OK);
    cr_assert_eq(crisk_workbook_add_input(wb, "t.csv", "scenarios", sha, 1, 0, &err), CRISK_OK);
    one_text(crisk_workbook_rows(wb), "x");
    crisk_provenance prov = { .command = "scenarios", .n_options = 1,
                              .option_names = { "scenarios" }, .option_values = { "s.csv" } };
    cr_assert_eq(crisk_workbook_close(wb, NULL, &prov, &err), CRISK_OK, "%s", err.message);
    fclose(out);
    char *xml = member(path, "xl/worksheets/sheet2.xml");
    const char *first = strstr(xml, "<t>s.csv</t>");
    cr_assert_not_null(first, "%s", xml);
    cr_expect_null(strstr(first + 1, "<t>s.csv</t></is></c><c r=\"C"), "s.csv listed twice");
    cr_expect_not_null(strstr(xml, "<t>a46b2f66138cca23fb0112dba0e791592a9e601060c8f2663e52fd0d631a63d3</t>"));
    cr_expect_not_null(strstr(xml, "<v>809</v>"));
    const char *second = strstr(xml, "<t>t.csv</t>");
    const char *option = strstr(xml, "<t>option --scenarios</t>");
    cr_assert(second != NULL && option != NULL && first < second && second < option,
              "inputs in order, before the options: %s", xml);
    free(xml);
    unlink(path);
    free(path);
}

Test(workbook, refuses_a_row_cap_out_of_range)
{
    FILE *out = fopen("/dev/null", "wb");
    crisk_workbook *wb = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_workbook_new(&wb, out, "t", &err), CRISK_OK);
    cr_expect_eq(crisk_workbook_set_max_rows(wb, 0, &err), CRISK_EUSAGE);
    cr_expect_str_eq(err.message, "--max-rows must be a whole number from 1 to 1048574");
    crisk_error_clear(&err);
    cr_expect_eq(crisk_workbook_set_max_rows(wb, CRISK_WORKBOOK_MAX_ROWS + 1, &err), CRISK_EUSAGE);
    crisk_error_clear(&err);
    cr_expect_eq(crisk_workbook_set_max_rows(wb, CRISK_WORKBOOK_MAX_ROWS, &err), CRISK_OK);
    crisk_workbook_free(wb);
    fclose(out);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* An inventory in a fresh directory whose files were last changed at `t`. */
static crisk_inventory *dated_inventory(const char *dir, time_t t)
{
    char nodes[256], edges[256];
    mkdir(dir, 0700);
    snprintf(nodes, sizeof nodes, "%s/nodes.csv", dir);
    snprintf(edges, sizeof edges, "%s/edges.csv", dir);
    write_file(nodes, "id,type\nf,function\ns,supplier\n");
    write_file(edges, "from,to\nf,s\n");
    struct utimbuf times = { t, t };
    utime(nodes, &times);
    utime(edges, &(struct utimbuf){ t - 10, t - 10 });
    crisk_inventory *inv = NULL;
    crisk_input in = { dir, NULL, NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, NULL, &diags, &err), CRISK_OK);
    crisk_diagnostics_release(&diags);
    return inv;
}

static void closed_with(const char *path, const crisk_inventory *inv)
{
    FILE *out = fopen(path, "wb");
    crisk_workbook *wb = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_workbook_new(&wb, out, "t", &err), CRISK_OK);
    one_text(crisk_workbook_rows(wb), "x");
    crisk_provenance prov = { .command = "rank", .n_options = 1, .option_names = { "top" },
                              .option_values = { "3" } };
    cr_assert_eq(crisk_workbook_close(wb, inv, &prov, &err), CRISK_OK, "%s", err.message);
    fclose(out);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*len + 1);
    cr_assert_eq(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

Test(workbook, dates_itself_by_its_newest_input_and_repeats_its_bytes)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/crisk-wb-dated-%d", (int)getpid());
    crisk_inventory *inv = dated_inventory(dir, 981173106);   /* 2001-02-03T04:05:06Z */
    char *a = temp_path("dated-a"), *b = temp_path("dated-b");
    closed_with(a, inv);
    sleep(1);
    closed_with(b, inv);
    char *core = member(a, "docProps/core.xml");
    cr_assert_not_null(strstr(core, "2001-02-03T04:05:06Z"), "%s", core);
    size_t la, lb;
    char *ba = slurp(a, &la), *bb = slurp(b, &lb);
    cr_assert(la == lb && memcmp(ba, bb, la) == 0, "two workbooks of the same rows differ");
    char *prov = member(a, "xl/worksheets/sheet2.xml");
    cr_assert_not_null(strstr(prov, "<t>option --top</t>"), "%s", prov);
    cr_assert_not_null(strstr(prov, "/nodes.csv</t>"), "%s", prov);
    cr_assert_not_null(strstr(prov, "<t>model edges</t>"), "%s", prov);
    free(prov);
    free(core);
    free(ba);
    free(bb);
    unlink(a);
    unlink(b);
    free(a);
    free(b);
    crisk_inventory_free(inv);
    char path[128];
    snprintf(path, sizeof path, "%s/nodes.csv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/edges.csv", dir);
    unlink(path);
    rmdir(dir);
}

Test(workbook, reports_a_stream_that_cannot_be_written)
{
    FILE *full = fopen("/dev/full", "wb");
    if (full == NULL)
        cr_skip_test("no /dev/full");
    setvbuf(full, NULL, _IONBF, 0);
    crisk_workbook *wb = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_workbook_new(&wb, full, "t", &err), CRISK_OK);
    one_text(crisk_workbook_rows(wb), "x");
    cr_assert_eq(crisk_workbook_close(wb, NULL, NULL, &err), CRISK_EIO);
    cr_assert_str_eq(err.message, "write error: No space left on device");
    fclose(full);
}

Test(workbook, leaves_nothing_behind_when_dropped)
{
    FILE *out = tmpfile();
    crisk_workbook *wb = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_workbook_new(&wb, out, "t", &err), CRISK_OK);
    FILE *rows = crisk_workbook_rows(wb);
    one_text(rows, "x");
    cr_assert_eq(crisk__workbook_of(rows), wb);
    crisk_workbook_free(wb);
    cr_assert_null(crisk__workbook_of(rows));
    cr_assert_eq(ftell(out), 0, "a dropped workbook wrote to its stream");
    cr_assert_eq(crisk_remove_temporary_files(), 0, "a temporary file was left registered");
    crisk_workbook_free(NULL);
    fclose(out);
}

Test(workbook, passes_plain_streams_through_as_csv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    crisk__sheet_name(f, "ignored");
    one_text(f, "=x");
    fclose(f);
    cr_assert_str_eq(buf, "value\n\"'=x\"\n");
    free(buf);
}
