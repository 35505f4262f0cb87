/*
 * test_mapping.c - spreadsheets with their own column names (`--map`).
 *
 * Every message of the mapping reader has a fixture under
 * tests/fixtures/mapping/errors/ (or, for the limits, a file made here) and
 * a test asserting its exact rendered text with line and column.  The
 * importer side: a fixture spreadsheet (tests/fixtures/mapping/spreadsheet/)
 * read through its mapping, its value errors positioned in the CSV and
 * quoting the user's text, and the bundled example (data/mapping-example)
 * analysed node by node against its native twin
 * (tests/fixtures/mapping/example-native/).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/mapping.h"

/* ---- helpers ----------------------------------------------------------------- */

typedef struct run {
    char map[1024];
    crisk_diagnostics diags;
    crisk_error err;
    crisk_inventory *inv;
    int rc;
} run;

static void load(run *r, const char *map, const crisk_input *in)
{
    memset(r, 0, sizeof *r);
    snprintf(r->map, sizeof r->map, "%s", map);
    crisk_diagnostics_init(&r->diags);
    r->err = (crisk_error)CRISK_ERROR_INIT;
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.map_path = map[0] ? r->map : NULL;
    r->rc = crisk_inventory_load(&r->inv, in, 1, &opts, &r->diags, &r->err);
}

#define SPREADSHEET CRISK_FIXTURES "/mapping/spreadsheet"

/* Load the fixture spreadsheet directory through tests/fixtures/mapping/errors/<name>. */
static void load_bad_mapping(run *r, const char *name)
{
    char map[1024];
    snprintf(map, sizeof map, "%s/mapping/errors/%s", CRISK_FIXTURES, name);
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(r, map, &in);
}

static void release(run *r)
{
    crisk_inventory_free(r->inv);
    crisk_diagnostics_release(&r->diags);
}

static void dump(const run *r, char *buf, size_t size)
{
    tl_diag_text(&r->diags, buf, size, "\n  ", "", NULL, 0);
}

/* Assert that one diagnostic renders exactly as `prefix` + the formatted rest. */
static void expect_in(const run *r, const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void expect_in(const run *r, const char *prefix, const char *fmt, ...)
{
    char want[2048], rest[1024], all[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    snprintf(want, sizeof want, "%s%s", prefix, rest);
    for (size_t i = 0; i < r->diags.count; i++) {
        char got[2048];
        crisk_diag_format(&r->diags.items[i], got, sizeof got);
        if (strcmp(got, want) == 0)
            return;
    }
    dump(r, all, sizeof all);
    cr_assert_fail("missing diagnostic\n  %s\namong:%s", want, all);
}

/* A diagnostic of the mapping file: "MAP" + rest. */
#define expect_map(r, ...) expect_in((r), (r)->map, __VA_ARGS__)

static void expect_counts(const run *r, size_t errors, size_t warnings)
{
    char all[16384];
    dump(r, all, sizeof all);
    cr_assert_eq(r->diags.errors, errors, "expected %zu errors, got %zu:%s", errors,
                 r->diags.errors, all);
    cr_assert_eq(r->diags.warnings, warnings, "expected %zu warnings, got %zu:%s", warnings,
                 r->diags.warnings, all);
}

static void expect_failed(const run *r)
{
    cr_assert_eq(r->rc, CRISK_EINVALID);
    cr_assert_null(r->inv);
}

static void expect_loaded(const run *r)
{
    char all[16384];
    dump(r, all, sizeof all);
    cr_assert_eq(r->rc, CRISK_OK, "load failed (%d):%s", r->rc, all);
    cr_assert_not_null(r->inv);
}

static crisk_node_view view(const run *r, const char *id)
{
    size_t v = 0;
    cr_assert_eq(crisk_inventory_find(r->inv, id, &v), CRISK_OK, "no node '%s'", id);
    crisk_node_view out;
    crisk_inventory_node(r->inv, v, &out);
    return out;
}

static void temp_file(char *dir, size_t dir_size, char *path, size_t size, const char *name)
{
    snprintf(dir, dir_size, "/tmp/crisk-map-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, size, "%s/%s", dir, name);
}

/* ---- reading the file ---------------------------------------------------------- */

Test(mapping, reports_a_missing_mapping_file_and_reads_no_input)
{
    run r;
    char map[1024];
    snprintf(map, sizeof map, "%s/mapping/errors/no-such-mapping.json", CRISK_FIXTURES);
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, map, &in);
    cr_assert_eq(r.rc, CRISK_ENOTFOUND);
    cr_assert_null(r.inv);
    expect_map(&r, ": cannot open file: No such file or directory");
    expect_counts(&r, 1, 0);
    release(&r);
}

/* A FIFO with no writer used to block the run in fopen(). */
Test(mapping, refuses_a_fifo_without_waiting_for_a_writer, .timeout = 60)
{
    char dir[64], path[128];
    temp_file(dir, sizeof dir, path, sizeof path, "mapping.json");
    cr_assert_eq(mkfifo(path, 0600), 0);
    run r;
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, path, &in);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    cr_assert_null(r.inv);
    expect_map(&r, ": not a regular file (a FIFO)");
    expect_counts(&r, 1, 0);
    release(&r);
    unlink(path);
    rmdir(dir);
}

Test(mapping, reports_an_empty_file)
{
    run r;
    load_bad_mapping(&r, "empty.json");
    expect_failed(&r);
    expect_map(&r, ": empty file (expected a JSON object)");
    expect_counts(&r, 1, 0);
    release(&r);
}

Test(mapping, rejects_a_file_over_the_size_limit)
{
    char dir[64], path[128];
    temp_file(dir, sizeof dir, path, sizeof path, "big.json");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputc('{', f);
    for (size_t i = 0; i < CRISK_MAX_MAPPING_BYTES; i++)
        fputc(' ', f);
    fputc('}', f);
    fclose(f);
    run r;
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, path, &in);
    cr_assert_eq(r.rc, CRISK_ELIMIT);
    expect_map(&r, ": file is too large (more than 1048576 bytes)");
    expect_counts(&r, 1, 0);
    release(&r);
    unlink(path);
    rmdir(dir);
}

Test(mapping, reports_invalid_utf8_at_its_character)
{
    run r;
    load_bad_mapping(&r, "invalid_utf8.json");
    expect_failed(&r);
    expect_map(&r, ":1:34: invalid UTF-8 (byte 0xfc)");
    expect_counts(&r, 1, 0);
    release(&r);
}

Test(mapping, rejects_a_nul_escape_that_would_cut_a_string_short)
{
    run r;
    load_bad_mapping(&r, "nul_escape.json");
    expect_failed(&r);
    expect_map(&r, ":1:24: string contains a NUL character (\\u0000)");
    expect_counts(&r, 1, 0);
    release(&r);
}

/* Read `len` bytes of `text` as a mapping file; `want` is the one error
 * expected, without the "PATH:" prefix. */
static void expect_text_error(const char *text, size_t len, const char *want)
{
    char dir[64], path[128];
    temp_file(dir, sizeof dir, path, sizeof path, "m.json");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    struct crisk__colmap *map = NULL;
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk__colmap_load(&map, path, &d, &err);
    char got[1200], all[4096] = "";
    for (size_t i = 0, o = 0; i < d.count && o < sizeof all; i++)
        o += (size_t)snprintf(all + o, sizeof all - o, "\n  %s",
                              crisk_diag_format(&d.items[i], got, sizeof got));
    cr_assert_eq(rc, CRISK_EINVALID, "%s: rc %d:%s", want, rc, all);
    cr_assert_null(map);
    cr_assert_eq(d.errors, 1, "%s: expected one error, got:%s", want, all);
    cr_expect_str_eq(crisk_diag_format(&d.items[0], got, sizeof got) + strlen(path) + 1, want);
    crisk_diagnostics_release(&d);
    unlink(path);
    rmdir(dir);
}

#define OUTSIDE "outside a string (only space, tab, line feed and carriage return may stand " \
                "between values)"

/* The JSON text check the CycloneDX reader shares: cJSON would take these
 * bytes for white space or keep them in strings, and the position walk
 * would disagree with it. */
Test(mapping, rejects_control_characters_json_forbids_in_and_between_tokens)
{
    static const struct { const char *text; size_t len; const char *want; } cases[] = {
#define CASE(t, w) { t, sizeof t - 1, w }
        CASE("{\f\f\"nodes\": {}}", "1:2: invalid JSON: control character 0x0c " OUTSIDE),
        CASE("{\"nodes\":\v{}}", "1:10: invalid JSON: control character 0x0b " OUTSIDE),
        CASE("{\"nodes\": {}\x1f}", "1:13: invalid JSON: control character 0x1f " OUTSIDE),
        CASE("{\"nodes\": {\"file\": \"a\vb.csv\"}}",
             "1:22: invalid JSON: control character 0x0b in a string (write it as \\u000b)"),
        CASE("{\"no\x1f" "des\": {}}",
             "1:5: invalid JSON: control character 0x1f in a string (write it as \\u001f)"),
        CASE("{\"nodes\": {\"file\": \"a\tb.csv\"}}",
             "1:22: invalid JSON: control character 0x09 in a string (write it as \\t)"),
        CASE("{\"nodes\": {\"file\": \"a\fb.csv\"}}",
             "1:22: invalid JSON: control character 0x0c in a string (write it as \\f)"),
        CASE("{\"nodes\":\0{}}", "1:10: NUL byte in file"),
        /* a control character after a backslash is a bad escape, reported
         * where the escape starts */
        CASE("{\"nodes\": {\"file\": \"a\\\tb\"}}", "1:22: invalid JSON near '\\\\tb\"}}'"),
        /* an escaped quote does not end the string: the tab is inside it */
        CASE("{\"nodes\": {\"file\": \"a\\\"\tb\"}}",
             "1:24: invalid JSON: control character 0x09 in a string (write it as \\t)"),
        /* of several problems the first in the text: a control character
         * before trailing text, a NUL escape before a repeated key on the
         * same line (the key is found when its object ends, later) */
        CASE("{\"nodes\": {\"file\": \"a\tb\"}} x",
             "1:22: invalid JSON: control character 0x09 in a string (write it as \\t)"),
        CASE("{\"nodes\": {\"file\": \"x\\u0000\"}, \"nodes\": {}}",
             "1:22: string contains a NUL character (\\u0000)"),
        CASE("{\f\f\"nodes\": {\"file\": \"lib\\u0000evil\"}}",
             "1:2: invalid JSON: control character 0x0c " OUTSIDE),
#undef CASE
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_text_error(cases[i].text, cases[i].len, cases[i].want);
}

/* Found by fuzz_mapping (issue 11 §1): a value key of ~1,300 bytes holding
 * raw tabs and 0x06 bytes, which cJSON accepted. */
Test(mapping, rejects_the_fuzz_input_with_raw_tabs_in_a_long_value)
{
    run r;
    char map[1024];
    snprintf(map, sizeof map, "%s/fuzz-regressions/mapping/"
             "translated-cell-rejected-long-key-with-raw-tabs.json", CRISK_FIXTURES);
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, map, &in);
    expect_failed(&r);
    expect_map(&r, ":5:55: invalid JSON: control character 0x09 in a string (write it as \\t)");
    expect_counts(&r, 1, 0);
    release(&r);
}

/* Found by fuzz_mapping while the duplicate-key check was written: an
 * object with no member made it do arithmetic on a NULL key list (UBSan). */
Test(mapping, loads_an_empty_mapping_object)
{
    char map[1024];
    snprintf(map, sizeof map, "%s/fuzz-regressions/mapping/ubsan-null-offset-empty-object.json",
             CRISK_FIXTURES);
    struct crisk__colmap *m = NULL;
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk__colmap_load(&m, map, &d, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(d.count, 0);
    crisk__colmap_free(m);
    crisk_diagnostics_release(&d);
}

/* A translation is checked by the native rules: a country whose second
 * character is no letter is refused where the mapping gives it. */
Test(mapping, refuses_a_country_translation_that_is_not_two_letters)
{
    static const char text[] = "{\"nodes\": {\"columns\": {\"country\": "
                               "{\"values\": {\"Deutschland\": \"D1\"}}}}}";
    expect_text_error(text, sizeof text - 1, "1:62: invalid country 'D1' (expected a 2-letter "
                      "ISO 3166-1 code such as 'DE')");
}

/* A cell is at most CRISK_MAX_FIELD_BYTES, a mapping file up to 1 MiB: a
 * longer value or column name could never match. */
Test(mapping, rejects_a_value_or_column_name_longer_than_a_cell)
{
    size_t long_len = CRISK_MAX_FIELD_BYTES + 1;
    char *name = malloc(long_len + 1);
    memset(name, 'x', long_len);
    name[long_len] = '\0';
    size_t size = 3 * long_len + 256;
    char *text = malloc(size);
    int n = snprintf(text, size,
                     "{\"nodes\": {\"columns\": {\n"
                     "  \"country\": { \"values\": { \"%s\": \"DE\", \"%.*s\": \"FR\" } },\n"
                     "  \"name\": \"%s\" } } }\n",
                     name, (int)(long_len - 1), name, name);
    char quoted[128];
    snprintf(quoted, sizeof quoted, "%.74s...", name);
    char dir[64], path[128];
    temp_file(dir, sizeof dir, path, sizeof path, "m.json");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(text, 1, (size_t)n, f);
    fclose(f);
    run r;
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, path, &in);
    expect_failed(&r);
    expect_map(&r, ":2:28: value '%s' is longer than a cell can be (65537 bytes, limit 65536): "
                   "no cell could match it", quoted);
    expect_map(&r, ":3:11: column name '%s' is longer than a cell can be (65537 bytes, "
                   "limit 65536): no header could match it", quoted);
    expect_counts(&r, 2, 0);
    release(&r);
    unlink(path);
    rmdir(dir);
    free(text);
    free(name);
}

/* ---- JSON syntax: the position comes from cJSON's end pointer ------------------- */

Test(mapping, reports_a_syntax_error_where_the_parser_stopped)
{
    run r;
    load_bad_mapping(&r, "syntax_near.json");
    expect_failed(&r);
    expect_map(&r, ":3:23: invalid JSON near '\"Ref\" }'");
    expect_counts(&r, 1, 0);
    char buf[2048], want[2048];
    snprintf(want, sizeof want, "%s:3:23: invalid JSON near '\"Ref\" }'", r.map);
    cr_assert_str_eq(crisk_error_format(&r.err, buf, sizeof buf), want);
    cr_assert_eq(r.err.code, CRISK_EINVALID);
    release(&r);
}

Test(mapping, reports_an_unexpected_end_of_file)
{
    run r;
    load_bad_mapping(&r, "syntax_eof.json");
    expect_map(&r, ":3:1: invalid JSON: unexpected end of file");
    expect_counts(&r, 1, 0);
    release(&r);
}

Test(mapping, reports_an_unterminated_string_where_it_opened)
{
    run r;
    load_bad_mapping(&r, "syntax_unterminated.json");
    expect_map(&r, ":2:22: invalid JSON: unterminated string");
    expect_counts(&r, 1, 0);
    release(&r);
}

Test(mapping, reports_text_after_the_document)
{
    run r;
    load_bad_mapping(&r, "syntax_trailing.json");
    expect_map(&r, ":2:1: invalid JSON: text after the end of the document near '{ \"edges\": {} }'");
    expect_counts(&r, 1, 0);
    release(&r);
}

Test(mapping, reports_nesting_beyond_the_parser_limit)
{
    char dir[64], path[128];
    temp_file(dir, sizeof dir, path, sizeof path, "deep.json");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("{\"nodes\": ", f);
    for (int i = 0; i < 1001; i++)
        fputc('[', f);
    fclose(f);
    run r;
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, path, &in);
    expect_failed(&r);
    expect_map(&r, ":1:1010: invalid JSON: nested deeper than 1000 levels");
    expect_counts(&r, 1, 0);
    release(&r);
    unlink(path);
    rmdir(dir);
}

/* ---- structure ------------------------------------------------------------------ */

Test(mapping, requires_a_json_object)
{
    run r;
    load_bad_mapping(&r, "not_object.json");
    expect_failed(&r);
    expect_map(&r, ":1:1: a mapping must be a JSON object, not an array");
    expect_counts(&r, 1, 0);
    release(&r);
}

Test(mapping, reports_unknown_and_mistyped_sections_and_keys)
{
    run r;
    load_bad_mapping(&r, "sections.json");
    expect_failed(&r);
    expect_map(&r, ":2:3: unknown section 'node' (did you mean 'nodes'?)");
    expect_map(&r, ":3:3: unknown section 'links' (expected nodes or edges)");
    expect_map(&r, ":4:12: 'nodes' must be an object, not an array");
    expect_map(&r, ":5:22: 'file' must be a string, not a number");
    expect_map(&r, ":5:25: unknown key 'colums' in 'edges' (did you mean 'columns'?)");
    expect_map(&r, ":5:39: unknown key 'sort' in 'edges' (expected file, columns or defaults)");
    expect_counts(&r, 6, 0);
    /* `err` holds the first problem of the file. */
    cr_assert_eq(r.err.line, 2);
    cr_assert_eq(r.err.column, 3);
    cr_assert_str_eq(r.err.message, "unknown section 'node' (did you mean 'nodes'?)");
    release(&r);
}

Test(mapping, reports_an_empty_file_name_a_misspelt_key_and_mistyped_defaults)
{
    run r;
    load_bad_mapping(&r, "file.json");
    expect_failed(&r);
    expect_map(&r, ":2:22: empty file name");
    expect_map(&r, ":3:31: unknown key 'File' in 'edges' (did you mean 'file'?)");
    expect_map(&r, ":3:60: 'defaults' must be an object, not an array");
    expect_counts(&r, 3, 0);
    release(&r);
}

/* A key twice in one object reads two ways (cJSON finds the first, Python
 * keeps the last): the JSON text check refuses it, at the first repeat in
 * the text, even when an object inside it repeats a key too. */
Test(mapping, rejects_a_key_repeated_in_one_object_naming_both_places)
{
    run r;
    load_bad_mapping(&r, "duplicate_key.json");
    expect_failed(&r);
    expect_map(&r, ":3:3: duplicate key 'edges' (first on line 2, column 3)");
    expect_counts(&r, 1, 0);
    release(&r);
}

/* ---- columns -------------------------------------------------------------------- */

Test(mapping, reports_every_column_problem_at_its_key_or_value)
{
    run r;
    load_bad_mapping(&r, "columns.json");
    expect_failed(&r);
    expect_map(&r, ":5:7: unknown nodes column 'Legal name' (did you mean \"name\": \"Legal name\"?)");
    expect_map(&r, ":6:7: unknown nodes column 'critcality' (did you mean 'criticality'?)");
    expect_map(&r, ":7:7: unknown nodes column 'Business unit' (expected id, name, type, "
                   "category, criticality, rto_hours, recovery_hours, spend, country, parent, "
                   "substitutability, probability or loss_per_hour)");
    expect_map(&r, ":8:7: 'from' is an edges column, not a nodes column");
    expect_map(&r, ":9:7: column 'ID' is mapped twice (first on line 4)");
    expect_map(&r, ":10:17: column 'supplier id' is already mapped to 'id' (line 4)");
    expect_map(&r, ":11:18: empty column name for 'country'");
    expect_map(&r, ":12:16: 'spend' must be a column name or an object, not a number");
    expect_map(&r, ":13:35: unknown key 'value' in 'type' (did you mean 'values'?)");
    expect_map(&r, ":14:31: 'column' must be a string, not an array");
    expect_map(&r, ":15:32: 'values' must be an object, not an array");
    expect_map(&r, ":16:36: unknown key 'colour' in 'name' (expected column or values)");
    expect_map(&r, ":17:38: unknown key 'Values' in 'probability' (did you mean 'values'?)");
    expect_map(&r, ":20:25: 'columns' must be an object, not an array");
    expect_counts(&r, 14, 0);
    release(&r);
}

/* ---- value maps and defaults ------------------------------------------------------ */

Test(mapping, checks_every_translation_with_the_native_rules)
{
    run r;
    load_bad_mapping(&r, "values.json");
    expect_failed(&r);
    expect_map(&r, ":4:46: 'name' takes free text and cannot have values");
    expect_map(&r, ":5:57: unknown type 'suplier' (did you mean 'supplier'?)");
    expect_map(&r, ":5:68: value 'vendor' is mapped twice (first on line 5)");
    expect_map(&r, ":5:90: an empty cell cannot be mapped (use \"defaults\")");
    expect_map(&r, ":6:64: unknown category 'cloudy' (did you mean 'cloud'?)");
    expect_map(&r, ":6:82: unknown category 'misc' (expected cloud, managed-service, software, "
                   "hardware, telecom or other)");
    expect_map(&r, ":6:98: the value for 'SaaS' must be a string, a number or null, not an array");
    expect_map(&r, ":7:66: invalid criticality '-5' (must be >= 0)");
    expect_map(&r, ":7:80: invalid criticality 'high' (not a number)");
    expect_map(&r, ":7:98: the value for 'Tier 3' must be a string, a number or null, not a boolean");
    expect_map(&r, ":8:85: invalid probability '1.5' (must be between 0 and 1)");
    expect_map(&r, ":9:59: invalid country 'DEU' (expected a 2-letter ISO 3166-1 code such as 'DE')");
    expect_map(&r, ":10:77: value 'hard' is mapped twice (first on line 10)");
    expect_map(&r, ":15:65: invalid need '0.5' (expected a whole number from 1 to 1000000)");
    expect_map(&r, ":15:77: invalid need '0' (expected a whole number from 1 to 1000000)");
    expect_map(&r, ":16:45: 'kind' takes free text and cannot have values");
    expect_counts(&r, 16, 0);
    release(&r);
}

Test(mapping, checks_every_default_with_the_native_rules)
{
    run r;
    load_bad_mapping(&r, "defaults.json");
    expect_failed(&r);
    expect_map(&r, ":4:15: unknown type 'supplyer' (did you mean 'supplier'?)");
    expect_map(&r, ":5:15: 'name' takes free text and cannot have a default");
    expect_map(&r, ":6:22: invalid probability '2' (must be between 0 and 1)");
    expect_map(&r, ":7:19: the default for 'category' must be a string, a number or null, "
                   "not an array");
    expect_map(&r, ":8:7: unknown nodes column 'contry' (did you mean 'country'?)");
    expect_map(&r, ":9:7: duplicate key 'Type' (first on line 4)");
    expect_map(&r, ":13:36: invalid need '0' (expected a whole number from 1 to 1000000)");
    expect_map(&r, ":13:48: 'group' takes free text and cannot have a default");
    expect_counts(&r, 8, 0);
    release(&r);
}

Test(mapping, keeps_a_numbers_source_text_as_its_translation)
{
    char dir[64], path[128];
    temp_file(dir, sizeof dir, path, sizeof path, "numbers.json");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("{\"nodes\": {\"columns\": {\"spend\": {\"column\": \"Spend band\", \"values\": "
          "{\"Large\": 1e6, \"Small\": 0.1, \"None\": null, \"Unknown\": \"\"}}}}}", f);
    fclose(f);
    struct crisk__colmap *map = NULL;
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk__colmap_load(&map, path, &d, &err), CRISK_OK, "%s", err.message);
    const char *to = "unset";
    size_t spend = 7;   /* node_names[] in csv_native.c */
    cr_assert_eq(crisk__colmap_translate(map, CRISK__NATIVE_NODES, spend, "large", &to),
                 CRISK__MAP_HIT);
    cr_assert_str_eq(to, "1e6");
    cr_assert_eq(crisk__colmap_translate(map, CRISK__NATIVE_NODES, spend, "SMALL", &to),
                 CRISK__MAP_HIT);
    cr_assert_str_eq(to, "0.1");
    cr_assert_eq(crisk__colmap_translate(map, CRISK__NATIVE_NODES, spend, "None", &to),
                 CRISK__MAP_HIT);
    cr_assert_null(to);
    cr_assert_eq(crisk__colmap_translate(map, CRISK__NATIVE_NODES, spend, "Unknown", &to),
                 CRISK__MAP_HIT);
    cr_assert_null(to);
    cr_assert_eq(crisk__colmap_translate(map, CRISK__NATIVE_NODES, spend, "Medium", &to),
                 CRISK__MAP_MISS);
    cr_assert_eq(crisk__colmap_translate(map, CRISK__NATIVE_NODES, 0, "x", &to), CRISK__MAP_NONE);
    cr_assert_eq(crisk__colmap_column(map, CRISK__NATIVE_NODES, "SPEND BAND"), (int)spend);
    cr_assert_eq(crisk__colmap_column(map, CRISK__NATIVE_NODES, "spend"), -1);
    cr_assert_eq(crisk__colmap_column(map, CRISK__NATIVE_NODES, "Country"), 8);
    crisk__colmap_free(map);
    crisk_diagnostics_release(&d);
    unlink(path);
    rmdir(dir);
}

/* ---- reading a spreadsheet through its mapping --------------------------------------- */

Test(mapping, reads_a_spreadsheet_through_its_mapping)
{
    run r;
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, SPREADSHEET "/mapping.json", &in);
    expect_loaded(&r);
    /* A mapped column missing from the header is worth a warning. */
    expect_in(&r, SPREADSHEET "/Register.csv", ":1:0: warning: missing column 'Annual spend' "
                                               "(mapped to 'spend')");
    expect_counts(&r, 0, 1);

    crisk_node_view f1 = view(&r, "F1"), f2 = view(&r, "F2");
    cr_assert_str_eq(f1.name, "Order intake");
    cr_assert_eq(f1.type, CRISK_NODE_FUNCTION);
    cr_assert_eq(f1.criticality, 5.0);
    /* Values match ignoring case; the map wins over a native spelling. */
    cr_assert_eq(f2.type, CRISK_NODE_FUNCTION);
    cr_assert_eq(f2.criticality, 3.0);

    crisk_node_view s1 = view(&r, "S1"), s2 = view(&r, "S2"), s3 = view(&r, "S3");
    cr_assert_eq(s1.type, CRISK_NODE_SUPPLIER);
    cr_assert_str_eq(s1.country, "DE");
    cr_assert_eq(s1.substitutability, CRISK_SUBST_EASY);
    /* An unmapped native column keeps its native name. */
    cr_assert_str_eq(s1.parent, "Shop Group");
    /* Native values pass through a column with a value map. */
    cr_assert_eq(s2.type, CRISK_NODE_SUPPLIER);
    cr_assert_str_eq(s2.country, "DE");
    cr_assert_eq(s2.substitutability, CRISK_SUBST_NONE);
    cr_assert_eq(s3.criticality, 1.0);   /* "  Tier 3  ": cells are trimmed */
    /* "defaults" fills a column the file does not have. */
    cr_assert_eq(s1.category, CRISK_CAT_SOFTWARE);
    cr_assert_eq(f1.category, CRISK_CAT_SOFTWARE);
    cr_assert(isnan(s1.spend));

    /* A header with a native name whose column is mapped elsewhere is a
     * pass-through attribute. */
    cr_assert_eq(crisk_inventory_attr_count(r.inv), 1);
    cr_assert_str_eq(crisk_inventory_attr_name(r.inv, 0), "id");
    size_t v = 0;
    cr_assert_eq(crisk_inventory_find(r.inv, "F1", &v), CRISK_OK);
    cr_assert_str_eq(crisk_inventory_node_attr(r.inv, v, 0), "legacy-1");
    cr_assert_eq(crisk_inventory_edge_count(r.inv), 4);
    release(&r);
}

Test(mapping, registers_the_mapping_file_for_provenance)
{
    run r;
    crisk_input in = { SPREADSHEET, NULL, NULL };
    load(&r, SPREADSHEET "/mapping.json", &in);
    expect_loaded(&r);
    cr_assert_eq(crisk_inventory_source_count(r.inv), 3);
    crisk_source_view s;
    crisk_inventory_source(r.inv, 0, &s);
    cr_assert_str_eq(s.path, SPREADSHEET "/mapping.json");
    cr_assert_str_eq(s.kind, "mapping");
    char sha[65];
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_sha256_file(sha, SPREADSHEET "/mapping.json", &err), CRISK_OK);
    cr_assert_str_eq(s.sha256, sha);
    crisk_inventory_source(r.inv, 1, &s);
    cr_assert_str_eq(s.path, SPREADSHEET "/Register.csv");
    cr_assert_str_eq(s.kind, "nodes");
    crisk_inventory_source(r.inv, 2, &s);
    cr_assert_str_eq(s.path, SPREADSHEET "/Links.csv");
    cr_assert_str_eq(s.kind, "edges");
    release(&r);
}

Test(mapping, reports_a_value_the_map_misses_at_its_cell_quoting_the_users_text)
{
    run r;
    crisk_input in = { NULL, SPREADSHEET "/bad-register.csv", NULL };
    load(&r, SPREADSHEET "/mapping.json", &in);
    expect_failed(&r);
    const char *csv = SPREADSHEET "/bad-register.csv";
    expect_in(&r, csv, ":2:4: unknown value 'Tier 4' in column 'Business impact' "
                       "(did you mean 'Tier 1'?)");
    expect_in(&r, csv, ":3:5: unknown value 'Deutschland' in column 'Country' "
                       "(expected 'Germany')");
    expect_in(&r, csv, ":3:6: unknown value 'Maybe' in column 'Replaceable' "
                       "(expected 'Yes' or 'No')");
    expect_in(&r, csv, ":4:3: unknown value 'Vendr' in column 'Kind' (did you mean 'Vendor'?)");
    expect_in(&r, csv, ":4:4: unknown value 'Critical' in column 'Business impact' "
                       "(expected 'Tier 1', 'Tier 2' or 'Tier 3')");
    /* A native number out of range is said in native terms. */
    expect_in(&r, csv, ":5:4: invalid criticality '-1' (must be >= 0)");
    expect_in(&r, csv, ":1:0: warning: missing column 'Annual spend' (mapped to 'spend')");
    expect_counts(&r, 6, 1);
    release(&r);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(mapping, reports_edge_values_the_map_misses_and_values_of_an_empty_map)
{
    char dir[64], unused[128], path[160];
    temp_file(dir, sizeof dir, unused, sizeof unused, "");
    write_text(dir, "mapping.json",
               "{\"nodes\": {\"columns\": {\"category\": {\"values\": {}}}},\n"
               " \"edges\": {\"columns\": {\"need\": {\"column\": \"Min\", "
               "\"values\": {\"Any one\": 1, \"Any two\": 2}}}}}\n");
    write_text(dir, "nodes.csv", "id,type,category\nf,function,cloudy\na,,cloud\nb,,\n");
    write_text(dir, "edges.csv", "from,to,group,Min\nf,a,g,Some\nf,b,g,any TWO\n");
    snprintf(path, sizeof path, "%s/mapping.json", dir);
    run r;
    crisk_input in = { dir, NULL, NULL };
    load(&r, path, &in);
    expect_failed(&r);
    char nodes[160], edges[160];
    snprintf(nodes, sizeof nodes, "%s/nodes.csv", dir);
    snprintf(edges, sizeof edges, "%s/edges.csv", dir);
    expect_in(&r, nodes, ":2:3: unknown value 'cloudy' in column 'category' "
                         "(its value map is empty)");
    expect_in(&r, edges, ":2:4: unknown value 'Some' in column 'Min' "
                         "(expected 'Any one' or 'Any two')");
    /* "any TWO" is need 2, and the builder's checks apply to it as usual
     * (the row with the bad cell was left out, so the group has one member). */
    expect_in(&r, edges, ":3:4: need 2 exceeds the 1 member of group 'g' of 'f'");
    expect_counts(&r, 3, 0);
    release(&r);
    const char *files[] = { "mapping.json", "nodes.csv", "edges.csv" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

Test(mapping, names_the_users_column_when_a_required_one_is_missing)
{
    run r;
    crisk_input in = { NULL, SPREADSHEET "/no-ref.csv", NULL };
    load(&r, SPREADSHEET "/mapping.json", &in);
    expect_failed(&r);
    expect_in(&r, SPREADSHEET "/no-ref.csv", ":1:0: missing required column 'Ref' (mapped to 'id')");
    cr_assert_eq(r.diags.errors, 1);
    release(&r);
}

Test(mapping, reports_the_file_the_mapping_names_when_the_directory_lacks_it)
{
    run r;
    crisk_input in = { CRISK_FIXTURES "/mapping/errors", NULL, NULL };
    load(&r, SPREADSHEET "/mapping.json", &in);
    expect_failed(&r);
    expect_in(&r, CRISK_FIXTURES "/mapping/errors/Register.csv",
              ": cannot open file: No such file or directory");
    /* The mapping names the edges file too: it is not optional then. */
    expect_in(&r, CRISK_FIXTURES "/mapping/errors/Links.csv",
              ": cannot open file: No such file or directory");
    expect_counts(&r, 2, 0);
    release(&r);
}

/* ---- the bundled example against its native twin ----------------------------------- */

static void expect_same_number(double a, double b, const char *what, const char *id)
{
    cr_assert((isnan(a) && isnan(b)) || a == b, "%s of '%s': %g vs %g", what, id, a, b);
}

static void expect_same_node(const crisk_inventory *a, const crisk_inventory *b, size_t v)
{
    crisk_node_view x, y;
    crisk_inventory_node(a, v, &x);
    crisk_inventory_node(b, v, &y);
    cr_assert_str_eq(x.id, y.id);
    cr_assert_str_eq(x.name, y.name, "name of '%s'", x.id);
    cr_assert_eq(x.type, y.type, "type of '%s'", x.id);
    cr_assert_eq(x.category, y.category, "category of '%s'", x.id);
    cr_assert_eq(x.substitutability, y.substitutability, "substitutability of '%s'", x.id);
    cr_assert_str_eq(x.country, y.country, "country of '%s'", x.id);
    cr_assert_str_eq(x.parent, y.parent, "parent of '%s'", x.id);
    expect_same_number(x.criticality, y.criticality, "criticality", x.id);
    expect_same_number(x.rto_hours, y.rto_hours, "rto_hours", x.id);
    expect_same_number(x.recovery_hours, y.recovery_hours, "recovery_hours", x.id);
    expect_same_number(x.spend, y.spend, "spend", x.id);
    expect_same_number(x.probability, y.probability, "probability", x.id);
    for (size_t i = 0; i < crisk_inventory_attr_count(a); i++)
        cr_assert_str_eq(crisk_inventory_node_attr(a, v, i), crisk_inventory_node_attr(b, v, i));
}

static void expect_same_metrics(const crisk_analysis *a, const crisk_analysis *b, size_t v,
                                const char *id)
{
    const crisk_node_metrics *x = crisk_analysis_metrics(a, v), *y = crisk_analysis_metrics(b, v);
    cr_assert_eq(x->tier, y->tier, "tier of '%s'", id);
    cr_assert_eq(x->direct_dependants, y->direct_dependants, "direct_dependants of '%s'", id);
    cr_assert_eq(x->dependants, y->dependants, "dependants of '%s'", id);
    cr_assert_eq(x->functions, y->functions, "functions of '%s'", id);
    cr_assert_eq(x->exposure, y->exposure, "exposure of '%s'", id);
    cr_assert_eq(x->impact, y->impact, "impact of '%s'", id);
    cr_assert_eq(x->impact_weight, y->impact_weight, "impact_weight of '%s'", id);
    cr_assert_eq(x->impact_share, y->impact_share, "impact_share of '%s'", id);
    cr_assert_eq(x->spof, y->spof, "spof of '%s'", id);
    cr_assert_eq(x->breaches, y->breaches, "breaches of '%s'", id);
    cr_assert_eq(x->tier1_dependants, y->tier1_dependants, "tier1_dependants of '%s'", id);
}

Test(mapping, example_gives_the_same_model_and_metrics_as_its_native_twin)
{
    run mapped, native;
    crisk_input example = { CRISK_SOURCE_DIR "/data/mapping-example", NULL, NULL };
    load(&mapped, CRISK_SOURCE_DIR "/data/mapping-example/mapping.json", &example);
    expect_loaded(&mapped);
    expect_counts(&mapped, 0, 0);
    crisk_input twin = { CRISK_FIXTURES "/mapping/example-native", NULL, NULL };
    load(&native, "", &twin);
    expect_loaded(&native);

    const crisk_inventory *a = mapped.inv, *b = native.inv;
    size_t n = crisk_inventory_node_count(a);
    cr_assert_eq(n, 19);
    cr_assert_eq(n, crisk_inventory_node_count(b));
    cr_assert_eq(crisk_inventory_edge_count(a), crisk_inventory_edge_count(b));
    cr_assert_eq(crisk_inventory_group_count(a), crisk_inventory_group_count(b));
    cr_assert_eq(crisk_inventory_attr_count(a), crisk_inventory_attr_count(b));
    for (size_t i = 0; i < crisk_inventory_attr_count(a); i++)
        cr_assert_str_eq(crisk_inventory_attr_name(a, i), crisk_inventory_attr_name(b, i));
    for (size_t g = 0; g < crisk_inventory_group_count(a); g++)
        cr_assert_eq(crisk_inventory_group_need(a, g), crisk_inventory_group_need(b, g));

    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_analysis *ma = NULL, *na = NULL;
    cr_assert_eq(crisk_analysis_run(&ma, a, &opts, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(crisk_analysis_run(&na, b, &opts, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(crisk_analysis_total_criticality(ma), crisk_analysis_total_criticality(na));
    for (size_t v = 0; v < n; v++) {
        expect_same_node(a, b, v);
        expect_same_metrics(ma, na, v, crisk_inventory_node_id(a, v));
    }
    const uint32_t *ra = crisk_analysis_ranking(ma), *rb = crisk_analysis_ranking(na);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ra[i], rb[i], "rank %zu differs", i + 1);
    crisk_analysis_free(ma);
    crisk_analysis_free(na);
    release(&mapped);
    release(&native);
}

Test(mapping, explicit_nodes_and_edges_paths_win_over_the_mappings_file_names)
{
    run r;
    crisk_input in = { NULL, CRISK_SOURCE_DIR "/data/mapping-example/Supplier register.csv",
                       CRISK_SOURCE_DIR "/data/mapping-example/Dependencies.csv" };
    load(&r, CRISK_SOURCE_DIR "/data/mapping-example/mapping.json", &in);
    expect_loaded(&r);
    cr_assert_eq(crisk_inventory_node_count(r.inv), 19);
    cr_assert_eq(crisk_inventory_edge_count(r.inv), 25);
    release(&r);
}
