/*
 * test_dialects.c - CSV as spreadsheets save it (src/import/csv_dialect.c
 * and the reader's delimiter and encodings): data/sample saved as Excel
 * does in European locales ranks exactly like the sample, and every new
 * message has a fixture and an exact-text test.
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/csv_dialect.h"

typedef tl_run run;

/* Load `input` (a directory, or a nodes file alone when `nodes_only`)
 * under tests/fixtures/ with the options given. */
static void load(run *r, const char *input, int nodes_only, const char *delimiter,
                 const char *thousands, const char *encoding)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CRISK_FIXTURES, input);
    crisk_input in = { nodes_only ? NULL : path, nodes_only ? path : NULL, NULL };
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.csv_delimiter = delimiter;
    opts.csv_thousands = thousands;
    opts.csv_encoding = encoding;
    tl_load(r, &in, 1, &opts);
}

/* The diagnostics, without the fixtures' directory, one per line. */
static void diags(const run *r, char *buf, size_t size)
{
    tl_diag_text(&r->diags, buf, size, "", "\n", CRISK_FIXTURES "/", 0);
}

static void expect_diags(const run *r, const char *want)
{
    char got[16384];
    diags(r, got, sizeof got);
    cr_expect_str_eq(got, want);
}

static char *sample_rank(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/sample", CRISK_SOURCE_DIR);
    crisk_input in = { path, NULL, NULL };
    run r;
    tl_load(&r, &in, 1, NULL);
    cr_assert_eq(r.rc, CRISK_OK, "%s", r.err.message);
    char *out = tl_rank_csv(r.inv);
    tl_release(&r);
    return out;
}

static void expect_ranks_like_the_sample(const char *dir, const char *thousands,
                                         const char *encoding, const char *warnings)
{
    run r;
    load(&r, dir, 0, NULL, thousands, encoding);
    char all[16384];
    diags(&r, all, sizeof all);
    cr_assert_eq(r.rc, CRISK_OK, "%s: %s\n%s", dir, r.err.message, all);
    char *got = tl_rank_csv(r.inv), *want = sample_rank();
    cr_expect_str_eq(got, want, "%s", dir);
    cr_expect_eq(r.diags.errors, 0);
    cr_expect(strncmp(all, warnings, strlen(warnings)) == 0, "%s:\n%.2000s", dir, all);
    free(got);
    free(want);
    tl_release(&r);
}

/* ---- the sample as Excel saves it ------------------------------------------ */

Test(dialects, ranks_the_sample_saved_with_semicolons_and_decimal_commas)
{
    expect_ranks_like_the_sample("dialects/semicolon", NULL, NULL,
        "dialects/semicolon/nodes.csv:1:0: warning: reading ';'-separated values (the delimiter "
        "was detected from the header row; --delimiter sets it)\n"
        "dialects/semicolon/edges.csv:1:0: warning: reading ';'-separated values (the delimiter "
        "was detected from the header row; --delimiter sets it)\n");
}

Test(dialects, ranks_the_sample_with_thousands_separators_when_told)
{
    expect_ranks_like_the_sample("dialects/semicolon-thousands", ".", NULL,
        "dialects/semicolon-thousands/nodes.csv:1:0: warning: reading ';'-separated values");
}

Test(dialects, ranks_the_sample_saved_in_windows_1252_when_told)
{
    expect_ranks_like_the_sample("dialects/cp1252", NULL, "windows-1252",
        "dialects/cp1252/nodes.csv:1:0: warning: reading ';'-separated values");
}

Test(dialects, ranks_the_sample_saved_as_utf16_unicode_text)
{
    expect_ranks_like_the_sample("dialects/utf16", NULL, NULL,
        "dialects/utf16/nodes.csv:1:0: warning: reading tab-separated values");
}

Test(dialects, says_once_that_a_windows_1252_file_is_not_utf8)
{
    run r;
    load(&r, "dialects/cp1252", 0, ";", NULL, NULL);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    /* the sample has umlauts in ids, names and parents: one error per
     * file for all of them, and no "unknown node" for the ids they hold */
    expect_diags(&r, "dialects/cp1252/nodes.csv:29:2: not UTF-8 (byte 0xfc): the file looks "
                     "like Windows-1252; read it with --encoding windows-1252, or save it as "
                     "UTF-8\n");
    tl_release(&r);
}

/* A mapped spreadsheet (--map) rank, as CSV. */
static char *mapped_rank(const char *dir, const char *thousands, const char *encoding,
                         size_t *warnings)
{
    char path[1024], map[1100];
    snprintf(path, sizeof path, "%s", dir);
    snprintf(map, sizeof map, "%s/mapping.json", dir);
    crisk_input in = { path, NULL, NULL };
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.map_path = map;
    opts.csv_thousands = thousands;
    opts.csv_encoding = encoding;
    run r;
    tl_load(&r, &in, 1, &opts);
    cr_assert_eq(r.rc, CRISK_OK, "%s: %s (%zu errors)", dir, r.err.message, r.diags.errors);
    *warnings = r.diags.warnings;
    char *out = tl_rank_csv(r.inv);
    tl_release(&r);
    return out;
}

Test(dialects, reads_a_mapped_spreadsheet_saved_by_excel_on_windows)
{
    char original[1024], saved[1024];
    snprintf(original, sizeof original, "%s/data/mapping-example", CRISK_SOURCE_DIR);
    snprintf(saved, sizeof saved, "%s/dialects/mapped", CRISK_FIXTURES);
    size_t w_original = 0, w_saved = 0;
    char *want = mapped_rank(original, NULL, NULL, &w_original);
    char *got = mapped_rank(saved, ".", "windows-1252", &w_saved);
    cr_expect_str_eq(got, want);
    /* the same warnings, and one per file saying the delimiter is ';' */
    cr_expect_eq(w_saved, w_original + 2);
    free(got);
    free(want);
}

/* ---- delimiters -------------------------------------------------------------- */

Test(dialects, takes_the_delimiter_it_is_told_without_a_word)
{
    run r;
    load(&r, "dialects/errors/tabs.csv", 1, "tab", NULL, NULL);
    cr_assert_eq(r.rc, CRISK_OK);
    expect_diags(&r, "dialects/errors/tabs.csv:2:1: warning: provider 's1' has no dependants\n");
    tl_release(&r);
    load(&r, "dialects/errors/tabs.csv", 1, ",", NULL, NULL);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    expect_diags(&r, "dialects/errors/tabs.csv:1:0: missing required column 'id'\n");
    tl_release(&r);
}

Test(dialects, detects_the_delimiter_from_the_header_row)
{
    cr_expect_eq(crisk__csv_detect_delimiter("id;name;type\n", 13), ';');
    cr_expect_eq(crisk__csv_detect_delimiter("id\tname\n", 8), '\t');
    cr_expect_eq(crisk__csv_detect_delimiter("id,name;x\n", 10), ',');   /* a tie: comma */
    cr_expect_eq(crisk__csv_detect_delimiter("\"a;b;c\",d\n", 10), ',');   /* quoted ';' */
    cr_expect_eq(crisk__csv_detect_delimiter("id\n", 3), ',');
    cr_expect_eq(crisk__csv_detect_delimiter("id,x\nb;c;d;e\n", 14), ',');   /* first line only */
}

/* ---- numbers ----------------------------------------------------------------- */

static void expect_number(const char *cell, char delimiter, char thousands, const char *want)
{
    char out[64], msg[CRISK_ERROR_MESSAGE_MAX] = "";
    cr_assert_eq(crisk__csv_number(out, sizeof out, cell, delimiter, thousands, msg), 0,
                 "'%s': %s", cell, msg);
    cr_expect_str_eq(out, want, "'%s' with '%c' and '%c'", cell, delimiter, thousands);
}

static void expect_refused(const char *cell, char delimiter, char thousands, const char *want)
{
    char out[64], msg[CRISK_ERROR_MESSAGE_MAX] = "";
    cr_assert_eq(crisk__csv_number(out, sizeof out, cell, delimiter, thousands, msg), -1,
                 "'%s' was read as '%s'", cell, out);
    cr_expect_str_eq(msg, want);
}

Test(dialects, reads_decimal_commas_and_thousands_separators)
{
    expect_number("1,5", ';', 0, "1.5");
    expect_number("-0,25", '\t', 0, "-0.25");
    expect_number("0.5", ';', 0, "0.5");          /* a point that cannot be thousands */
    expect_number("12.75", ';', 0, "12.75");
    expect_number("120.000,00", ';', '.', "120000.00");
    expect_number("3.100.000", ';', '.', "3100000");
    expect_number("1 234,5", ';', ' ', "1234.5");
    expect_number("1,234.5", ',', ',', "1234.5");
    expect_number("1.5", ',', 0, "1.5");           /* comma-separated: as it was */
    expect_number("1,5", ',', 0, "1,5");           /* left to the cell rules */
    expect_number("high", ';', 0, "high");
    expect_number("1e3", ';', 0, "1e3");
}

Test(dialects, refuses_numbers_it_cannot_read_for_sure)
{
    expect_refused("1.234", ';', 0,
                   "ambiguous number '1.234': with decimal commas, '.' may separate thousands "
                   "(say so with --thousands ., or write the number without it)");
    expect_refused("1.234,5", ';', 0,
                   "ambiguous number '1.234,5': with decimal commas, '.' may separate thousands "
                   "(say so with --thousands ., or write the number without it)");
    expect_refused("1.23.4", ';', '.',
                   "number '1.23.4' has its thousands separator '.' out of place (it must "
                   "separate groups of three digits)");
    expect_refused("1,5", ';', ',',
                   "number '1,5': the thousands separator ',' is also this file's decimal "
                   "separator");
}

Test(dialects, reports_ambiguous_numbers_where_they_are)
{
    run r;
    load(&r, "dialects/errors/ambiguous.csv", 1, NULL, NULL, NULL);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    expect_diags(&r,
        "dialects/errors/ambiguous.csv:1:0: warning: reading ';'-separated values (the delimiter "
        "was detected from the header row; --delimiter sets it)\n"
        "dialects/errors/ambiguous.csv:3:4: ambiguous number '1.234': with decimal commas, '.' "
        "may separate thousands (say so with --thousands ., or write the number without it)\n"
        "dialects/errors/ambiguous.csv:4:4: ambiguous number '1.234,5': with decimal commas, '.' "
        "may separate thousands (say so with --thousands ., or write the number without it)\n");
    tl_release(&r);
    load(&r, "dialects/errors/thousands.csv", 1, NULL, ".", NULL);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    expect_diags(&r,
        "dialects/errors/thousands.csv:1:0: warning: reading ';'-separated values (the delimiter "
        "was detected from the header row; --delimiter sets it)\n"
        "dialects/errors/thousands.csv:2:3: number '1.23.4' has its thousands separator '.' out "
        "of place (it must separate groups of three digits)\n");
    tl_release(&r);
}

/* ---- encodings ----------------------------------------------------------------- */

Test(dialects, refuses_a_byte_the_named_encoding_lacks)
{
    run r;
    load(&r, "dialects/errors/not_cp1252.csv", 1, NULL, NULL, "windows-1252");
    cr_assert_eq(r.rc, CRISK_EINVALID);
    expect_diags(&r, "dialects/errors/not_cp1252.csv: not Windows-1252: byte 0x81 at offset 13 "
                     "cannot be read in that encoding\n");
    tl_release(&r);
    load(&r, "dialects/errors/not_cp1252.csv", 1, NULL, NULL, "latin1");
    cr_assert_eq(r.rc, CRISK_OK, "Latin-1 reads every byte");
    tl_release(&r);
}

Test(dialects, refuses_utf16_that_ends_inside_a_character)
{
    run r;
    load(&r, "dialects/errors/odd_utf16.csv", 1, NULL, NULL, NULL);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    expect_diags(&r, "dialects/errors/odd_utf16.csv: the file ends inside a character "
                     "(UTF-16)\n");
    tl_release(&r);
}

Test(dialects, refuses_options_it_does_not_know)
{
    static const struct { const char *delimiter, *thousands, *encoding, *message; } cases[] = {
        { "|", NULL, NULL, "--delimiter expects ',', ';' or tab, not '|'" },
        { NULL, "_", NULL, "--thousands expects '.', ',', ' ' or an apostrophe, not '_'" },
        { NULL, NULL, "ebcdic", "--encoding expects utf-8, windows-1252, latin1 or "
                                "utf-16, not 'ebcdic'" },
    };
    for (size_t i = 0; i < 3; i++) {
        run r;
        load(&r, "dialects/semicolon", 0, cases[i].delimiter, cases[i].thousands,
             cases[i].encoding);
        cr_expect_eq(r.rc, CRISK_EUSAGE);
        cr_expect_str_eq(r.err.message, cases[i].message);
        tl_release(&r);
    }
}
