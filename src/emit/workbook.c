/*
 * workbook.c - Excel workbooks (DESIGN §7): the typed rows of any emitter
 * as sheets, and a provenance sheet, written with libxlsxwriter.
 *
 * The approach: emitters already describe every CSV table once as typed
 * fields (emit.h).  A workbook hands out a stream of its own
 * (crisk_workbook_rows()); crisk__csv_header() and crisk__csv_row() ask
 * crisk__workbook_of() whether the stream they were given is one, and if
 * so give the fields here: a header starts a sheet, a row fills one.  So
 * `--format xlsx` needs nothing from the emitters of rank, spof, shared,
 * concentration, simulate and impact, nor from those added after them.
 * Rejected: a format value every emitter would have to learn (each would
 * need a third path, and new commands would forget it), and turning CSV
 * text back into cells (a text "42" and a number 42 look the same there).
 *
 * The binding from stream to workbook is a small table of the workbooks
 * open in the process (the library is single-threaded: igraph is).  The
 * stream itself is an open_memstream(): anything an emitter writes to it
 * that is not a typed row lands there, and crisk_workbook_close() refuses
 * to finish rather than drop it.
 *
 * Cells: text with worksheet_write_string() - an inline string, never a
 * formula, so "=cmd|..." stays text and no cell can run; numbers with
 * worksheet_write_number(), shares (a key ending in "share", "top1" or
 * "top3") in a percentage format; booleans as booleans; NaN and NULL text
 * as empty cells.  Widths are fitted to the longest text of a column.
 *
 * A table longer than a sheet keeps its first max_rows rows (Excel's
 * 1,048,576 less the header and the note, or --max-rows); the rest are
 * counted, not written, and the row below the last one kept says how many
 * were left out and which command writes them all - the note must come
 * last, since constant-memory mode cannot go back to an earlier row.  The
 * provenance sheet lists every table cut.  Rejected: going on in sheets
 * "NAME (2)", "NAME (3)", ... (a 100k export made 29 of them, 520 MB no
 * one could use) and a note in the header row (unknown until the end).
 *
 * libxlsxwriter writes to a file name, in constant-memory mode (each row
 * goes to a temporary file as soon as the next one starts: memory does not
 * grow with the table, at the cost of inline rather than shared strings).
 * The workbook is made under $TMPDIR and copied to the caller's stream, so
 * atomic outputs, FIFOs and pipes all work as for every other format.  Its
 * bytes depend on the content alone: the zip entries carry libxlsxwriter's
 * fixed 1980 date and the creation time is taken from the inputs.
 */
#include "chainrisk/output.h"
#include "workbook.h"
#include "model/model.h"
#include "util/tempfiles.h"
#include "util/util.h"
#include "util/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define MAX_OPEN 8            /* workbooks open at once in a process */
#define TEXT_MAX 32767        /* characters in a cell (Excel's limit) */
#define WIDTH_MAX 60.0        /* widest fitted column, in characters */
#define EPOCH_1980 315532800  /* 1980-01-01T00:00:00Z, the zip format's first date */

#define HOW_MAX 96            /* bytes of "where the whole table is" */

/* An input file besides the inventory's (a scenario file), as given. */
struct extra_input {
    char *path, *kind;
    char sha256[65];
    uint64_t bytes;
    size_t rows;
};

/* A table cut short at the row cap. */
struct cut {
    char sheet[LXW_SHEETNAME_MAX + 1];
    size_t kept, rows;        /* data rows in the sheet, in the table */
    size_t cap;               /* the workbook's cap on data rows */
    char how[HOW_MAX];
};

struct crisk_workbook {
    FILE *out;                /* the caller's: the bytes go there at close */
    FILE *rows;               /* the stream emitters write to */
    char *raw;                /* what reached `rows` as bytes (must stay empty) */
    size_t raw_len;
    char *path;               /* libxlsxwriter's file, until copied */
    int temp;                 /* crisk__temp_remember() handle of path */
    lxw_workbook *wb;
    lxw_format *bold, *percent;
    char base[LXW_SHEETNAME_MAX + 1];   /* the name of sheets no one named */
    char next[LXW_SHEETNAME_MAX + 1];   /* the name of the next sheet; "" = base */
    char next_how[HOW_MAX];   /* where the next table is whole; "" = the command as CSV */
    size_t max_rows;          /* data rows a sheet keeps (CRISK_WORKBOOK_MAX_ROWS at most) */
    struct extra_input *inputs;   /* the inputs besides the inventory's (copies) */
    size_t n_inputs, inputs_cap;
    struct cut *cuts;         /* the tables cut short, for the provenance sheet */
    size_t n_cuts, cuts_cap;

    /* the current table */
    lxw_worksheet *sheet;     /* NULL before the first header */
    char sheet_name[LXW_SHEETNAME_MAX + 1];   /* its sheet's name */
    crisk__field *header;     /* its keys, for a continuation sheet */
    size_t cols;
    lxw_row_t row;            /* the next row to write */
    size_t table_rows;        /* data rows the table has had, kept or not */
    char how[HOW_MAX];        /* where it is whole */
    double *width;            /* per column, in characters */

    char *text;               /* scratch for one cell's text */
    size_t text_cap;
    int status;               /* the first problem: CRISK_ENOMEM or CRISK_EINTERNAL */
    char message[160];
};

/* ---- streams bound to workbooks ------------------------------------------- */

static crisk_workbook *open_books[MAX_OPEN];

crisk_workbook *crisk__workbook_of(FILE *f)
{
    for (size_t i = 0; f != NULL && i < MAX_OPEN; i++)
        if (open_books[i] != NULL && open_books[i]->rows == f)
            return open_books[i];
    return NULL;
}

static int bind(crisk_workbook *w)
{
    for (size_t i = 0; i < MAX_OPEN; i++)
        if (open_books[i] == NULL) {
            open_books[i] = w;
            return 0;
        }
    return -1;
}

static void unbind(crisk_workbook *w)
{
    for (size_t i = 0; i < MAX_OPEN; i++)
        if (open_books[i] == w)
            open_books[i] = NULL;
}

/* ---- problems ------------------------------------------------------------- */

/* Keep the first problem; the close reports it. */
static void problem(crisk_workbook *w, int code, const char *what)
{
    if (w->status != CRISK_OK)
        return;
    w->status = code;
    snprintf(w->message, sizeof w->message, "%s", what);
}

static void check(crisk_workbook *w, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return;
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
        problem(w, CRISK_ENOMEM, "out of memory");
    else
        problem(w, CRISK_EINTERNAL, lxw_strerror(e));
}

/* ---- text ----------------------------------------------------------------- */

/* XML 1.0 cannot carry U+FFFE and U+FFFF at all (libxlsxwriter escapes the
 * control characters itself). */
static int is_xml_char(uint32_t cp)
{
    return cp != 0xFFFE && cp != 0xFFFF;
}

/* `s` as a cell can hold it, in w->text: bytes that are not UTF-8 (and
 * characters XML cannot carry) as U+FFFD, cut at TEXT_MAX characters with
 * an ellipsis.  *chars gets its length in characters.  NULL when out of
 * memory. */
static const char *cell_text(crisk_workbook *w, const char *s, size_t *chars)
{
    size_t need = 3 * strlen(s) + 4;   /* a bad byte (1) becomes U+FFFD (3) */
    if (need > w->text_cap) {
        char *bigger = realloc(w->text, need);
        if (bigger == NULL)
            return NULL;
        w->text = bigger;
        w->text_cap = need;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t len = 0, count = 0;
    while (*p != '\0') {
        uint32_t cp = 0;
        size_t n = crisk__utf8_decode(p, &cp);
        if (count == TEXT_MAX - 1 && p[n ? n : 1] != '\0') {
            memcpy(w->text + len, "\xE2\x80\xA6", 3);   /* U+2026 HORIZONTAL ELLIPSIS */
            len += 3;
            count++;
            break;
        }
        if (n == 0 || !is_xml_char(cp)) {
            memcpy(w->text + len, "\xEF\xBF\xBD", 3);   /* U+FFFD REPLACEMENT CHARACTER */
            len += 3;
            p += n ? n : 1;
        } else {
            memcpy(w->text + len, p, n);
            len += n;
            p += n;
        }
        count++;
    }
    w->text[len] = '\0';
    *chars = count;
    return w->text;
}

/* The ids of nodes[0..n) joined with ';', as the CSV writes them.
 * malloc'ed; NULL when out of memory. */
static char *joined_ids(const crisk__field *c)
{
    size_t len = 1;
    for (size_t i = 0; i < c->n; i++)
        len += strlen(crisk_inventory_node_id(c->inv, c->nodes[i])) + 1;
    char *buf = malloc(len), *p = buf;
    for (size_t i = 0; buf != NULL && i < c->n; i++) {
        const char *id = crisk_inventory_node_id(c->inv, c->nodes[i]);
        size_t l = strlen(id);
        if (i > 0)
            *p++ = ';';
        memcpy(p, id, l);
        p += l;
    }
    if (buf != NULL)
        *p = '\0';
    return buf;
}

/* ---- cells ---------------------------------------------------------------- */

/* Shares (0..1) read best as percentages: a key "share", "..._share",
 * "..._top1" or "..._top3" (the concentration command's top-1/top-3
 * shares). */
static int is_share(const char *key)
{
    static const char *const suffixes[] = { "share", "_top1", "_top3" };
    size_t len = strlen(key);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t l = strlen(suffixes[i]);
        if (len >= l && strcmp(key + len - l, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

static void widen(crisk_workbook *w, size_t col, double chars)
{
    if (chars > w->width[col])
        w->width[col] = chars < WIDTH_MAX ? chars : WIDTH_MAX;
}

static void write_text(crisk_workbook *w, size_t col, const char *s, lxw_format *format)
{
    size_t chars = 0;
    const char *t = cell_text(w, s, &chars);
    if (t == NULL) {
        problem(w, CRISK_ENOMEM, "out of memory");
        return;
    }
    check(w, worksheet_write_string(w->sheet, w->row, (lxw_col_t)col, t, format));
    widen(w, col, (double)chars);
}

static void write_number(crisk_workbook *w, size_t col, const char *key, double x)
{
    if (!isfinite(x))
        return;   /* not applicable: an empty cell, as in CSV */
    int share = is_share(key);
    check(w, worksheet_write_number(w->sheet, w->row, (lxw_col_t)col, x,
                                    share ? w->percent : NULL));
    char buf[40];
    widen(w, col, share ? 7.0 : (double)strlen(crisk_format_number(buf, sizeof buf, x)));
}

static void write_cell(crisk_workbook *w, size_t col, const crisk__field *c)
{
    switch (c->kind) {
    case CRISK__F_TEXT:
        if (c->text != NULL)
            write_text(w, col, c->text, NULL);
        break;
    case CRISK__F_NUMBER:
        write_number(w, col, c->key, c->number);
        break;
    case CRISK__F_BOOL:
        if (!isnan(c->number)) {
            check(w, worksheet_write_boolean(w->sheet, w->row, (lxw_col_t)col, c->number != 0,
                                             NULL));
            widen(w, col, 5.0);
        }
        break;
    case CRISK__F_IDS: {
        char *ids = joined_ids(c);
        if (ids == NULL)
            problem(w, CRISK_ENOMEM, "out of memory");
        else
            write_text(w, col, ids, NULL);
        free(ids);
        break;
    }
    }
}

/* ---- sheets --------------------------------------------------------------- */

/* `base`, or "base (k)" for the first k >= 2 no sheet has yet (Excel
 * compares sheet names ignoring case; so does libxlsxwriter's check). */
static void unique_name(crisk_workbook *w, const char *base, char *out, size_t size)
{
    snprintf(out, size, "%s", base);
    for (unsigned k = 2; workbook_validate_sheet_name(w->wb, out) == LXW_ERROR_SHEETNAME_ALREADY_USED
                         && k < 100000; k++) {
        char suffix[16];
        int l = snprintf(suffix, sizeof suffix, " (%u)", k);
        size_t keep = strlen(base);
        if (keep + (size_t)l > LXW_SHEETNAME_MAX)
            keep = LXW_SHEETNAME_MAX - (size_t)l;
        snprintf(out, size, "%.*s%s", (int)keep, base, suffix);
    }
}

/* What a table cut short left out and where it is whole, in `out`:
 * "the first K of N rows (M left out; WHY). Every row: HOW". */
static void cut_words(char *out, size_t size, const struct cut *c)
{
    char why[64];
    if (c->cap == CRISK_WORKBOOK_MAX_ROWS)
        snprintf(why, sizeof why, "Excel holds %u rows a sheet", (unsigned)LXW_ROW_MAX);
    else
        snprintf(why, sizeof why, "--max-rows %zu", c->cap);
    snprintf(out, size, "the first %zu of %zu rows (%zu left out; %s). Every row: %s", c->kept,
             c->rows, c->rows - c->kept, why, c->how);
}

/* Below the last row kept of a table cut short: what was left out and
 * where the whole table is; remembered for the provenance sheet. */
static void note_cut(crisk_workbook *w)
{
    if (crisk__grow((void **)&w->cuts, &w->cuts_cap, w->n_cuts + 1, sizeof *w->cuts) != 0) {
        problem(w, CRISK_ENOMEM, "out of memory");
        return;
    }
    struct cut *c = &w->cuts[w->n_cuts++];
    snprintf(c->sheet, sizeof c->sheet, "%s", w->sheet_name);
    c->kept = w->max_rows;
    c->rows = w->table_rows;
    c->cap = w->max_rows;
    snprintf(c->how, sizeof c->how, "%s", w->how);
    char words[320], note[400];
    cut_words(words, sizeof words, c);
    snprintf(note, sizeof note, "Truncated: %s", words);
    check(w, worksheet_write_string(w->sheet, w->row, 0, note, w->bold));
}

/* Fit the columns, put the filter over the table's rows, say what a table
 * cut short left out. */
static void end_sheet(crisk_workbook *w)
{
    if (w->sheet == NULL)
        return;
    for (size_t c = 0; c < w->cols; c++)
        check(w, worksheet_set_column(w->sheet, (lxw_col_t)c, (lxw_col_t)c, w->width[c] + 1,
                                      NULL));
    if (w->cols > 0)
        check(w, worksheet_autofilter(w->sheet, 0, 0, w->row > 0 ? w->row - 1 : 0,
                                      (lxw_col_t)(w->cols - 1)));
    if (w->table_rows > w->max_rows)
        note_cut(w);
    w->sheet = NULL;
}

/* A new sheet named `name` with the header row of w->header. */
static void begin_sheet(crisk_workbook *w, const char *name)
{
    char unique[LXW_SHEETNAME_MAX + 1];
    unique_name(w, name, unique, sizeof unique);
    snprintf(w->sheet_name, sizeof w->sheet_name, "%s", unique);
    w->table_rows = 0;
    w->sheet = workbook_add_worksheet(w->wb, unique);
    if (w->sheet == NULL) {
        problem(w, CRISK_EINTERNAL, "cannot add a sheet");
        return;
    }
    w->row = 0;
    for (size_t c = 0; c < w->cols; c++) {
        w->width[c] = 0;
        write_text(w, c, w->header[c].key, w->bold);
        w->width[c] += 3;   /* room for the filter's button */
    }
    w->row = 1;
    worksheet_freeze_panes(w->sheet, 1, 0);
}

void crisk__workbook_header(crisk_workbook *w, const crisk__field *row, size_t n)
{
    end_sheet(w);
    if (w->status != CRISK_OK)
        return;
    if (n > LXW_COL_MAX) {
        problem(w, CRISK_EINTERNAL, "a table has more columns than a sheet can hold");
        return;
    }
    crisk__field *header = realloc(w->header, (n ? n : 1) * sizeof *header);
    double *width = header != NULL ? realloc(w->width, (n ? n : 1) * sizeof *width) : NULL;
    if (header != NULL)
        w->header = header;
    if (width != NULL)
        w->width = width;
    if (header == NULL || width == NULL) {
        problem(w, CRISK_ENOMEM, "out of memory");
        return;
    }
    memcpy(w->header, row, n * sizeof *row);
    w->cols = n;
    if (w->next_how[0] != '\0')
        snprintf(w->how, sizeof w->how, "%s", w->next_how);
    else
        snprintf(w->how, sizeof w->how, "the same command with --format csv");
    begin_sheet(w, w->next[0] != '\0' ? w->next : w->base);
    w->next[0] = '\0';
    w->next_how[0] = '\0';
}

int crisk__workbook_row(crisk_workbook *w, const crisk__field *row, size_t n)
{
    if (w->sheet == NULL && w->status == CRISK_OK)
        problem(w, CRISK_EINTERNAL, "a row came before its table's header");
    if (w->status != CRISK_OK)
        return w->status == CRISK_ENOMEM ? CRISK_ENOMEM : CRISK_OK;
    if (w->table_rows++ >= w->max_rows)
        return CRISK_OK;   /* past the cap: counted for the note, not written */
    for (size_t c = 0; c < n && c < w->cols; c++)
        write_cell(w, c, &row[c]);
    w->row++;
    return w->status == CRISK_ENOMEM ? CRISK_ENOMEM : CRISK_OK;
}

void crisk__sheet_name(FILE *f, const char *name)
{
    crisk_workbook *w = crisk__workbook_of(f);
    if (w != NULL)
        snprintf(w->next, sizeof w->next, "%s", name);
}

void crisk__sheet_whole(FILE *f, const char *how)
{
    crisk_workbook *w = crisk__workbook_of(f);
    if (w != NULL)
        snprintf(w->next_how, sizeof w->next_how, "%s", how);
}

int crisk_workbook_add_input(crisk_workbook *w, const char *path, const char *kind,
                             const char *sha256, uint64_t bytes, size_t rows, crisk_error *err)
{
    for (size_t i = 0; i < w->n_inputs; i++)
        if (strcmp(w->inputs[i].path, path) == 0 && strcmp(w->inputs[i].sha256, sha256) == 0)
            return CRISK_OK;   /* one file named twice (two rules) is one input */
    if (crisk__grow((void **)&w->inputs, &w->inputs_cap, w->n_inputs + 1, sizeof *w->inputs)
        != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    struct extra_input *x = &w->inputs[w->n_inputs];
    *x = (struct extra_input){ strdup(path), strdup(kind), "", bytes, rows };
    if (x->path == NULL || x->kind == NULL) {
        free(x->path);
        free(x->kind);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    snprintf(x->sha256, sizeof x->sha256, "%s", sha256);
    w->n_inputs++;
    return CRISK_OK;
}

int crisk_workbook_set_max_rows(crisk_workbook *w, size_t rows, crisk_error *err)
{
    if (rows < 1 || rows > CRISK_WORKBOOK_MAX_ROWS)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--max-rows must be a whole number from 1 to %zu",
                               (size_t)CRISK_WORKBOOK_MAX_ROWS);
    w->max_rows = rows;
    return CRISK_OK;
}

/* ---- provenance ------------------------------------------------------------ */

enum { PROV_FIELDS = 6 };

/* Fields made here rather than with text_field() and number_field():
 * emit_common.c calls into this file, and a call back would be a circle
 * (tests/check_layers.py). */
static crisk__field text_field(const char *key, const char *text)
{
    return (crisk__field){ .key = key, .kind = CRISK__F_TEXT, .text = text };
}

static crisk__field number_field(const char *key, double x)
{
    return (crisk__field){ .key = key, .kind = CRISK__F_NUMBER, .number = x };
}

static void prov_row(crisk__field *row, const char *item, const char *value, const char *kind,
                     const char *sha256, double bytes, double rows)
{
    row[0] = text_field("item", item);
    row[1] = text_field("value", value);
    row[2] = text_field("kind", kind);
    row[3] = text_field("sha256", sha256);
    row[4] = number_field("bytes", bytes);
    row[5] = number_field("rows", rows);
}

static void prov_pair(crisk_workbook *w, const char *item, const char *value)
{
    crisk__field row[PROV_FIELDS];
    prov_row(row, item, value, NULL, NULL, NAN, NAN);
    crisk__workbook_row(w, row, PROV_FIELDS);
}

static void prov_count(crisk_workbook *w, const char *item, size_t n)
{
    crisk__field row[PROV_FIELDS];
    prov_row(row, item, NULL, NULL, NULL, NAN, NAN);
    row[1] = number_field("value", (double)n);
    crisk__workbook_row(w, row, PROV_FIELDS);
}

/* The inputs of `inv`, as "input" rows, or "old input" / "new input"
 * for a side of a diff (`side` "old " or "new "). */
static void prov_inputs(crisk_workbook *w, const crisk_inventory *inv, const char *side)
{
    crisk__field row[PROV_FIELDS];
    char item[32];
    snprintf(item, sizeof item, "%sinput", side);
    for (size_t i = 0; inv != NULL && i < inv->n_sources; i++) {
        const crisk__source *s = &inv->sources[i];
        prov_row(row, item, s->path, s->kind, s->sha256, (double)s->bytes, (double)s->rows);
        crisk__workbook_row(w, row, PROV_FIELDS);
    }
}

static void prov_model(crisk_workbook *w, const crisk_inventory *inv, const char *side)
{
    char item[64];
    if (inv == NULL)
        return;
    snprintf(item, sizeof item, "%smodel nodes", side);
    prov_count(w, item, inv->n);
    snprintf(item, sizeof item, "%smodel edges", side);
    prov_count(w, item, inv->n_edges);
    snprintf(item, sizeof item, "%smodel groups", side);
    prov_count(w, item, inv->n_groups);
    snprintf(item, sizeof item, "%snote", side);
    for (size_t i = 0; i < inv->n_notes; i++)
        prov_pair(w, item, inv->notes[i]);
}

/* What made the workbook: the same facts as the JSON envelope
 * (crisk_json_begin, or crisk__json_begin_pair when there is an `old`
 * side), one per row. */
static void provenance_sheet(crisk_workbook *w, const crisk_inventory *old,
                             const crisk_inventory *inv, const crisk_provenance *prov)
{
    crisk__field row[PROV_FIELDS];
    const char *side = old != NULL ? "new " : "";
    prov_row(row, NULL, NULL, NULL, NULL, NAN, NAN);
    w->max_rows = CRISK_WORKBOOK_MAX_ROWS;   /* the cap is the results', never provenance's */
    snprintf(w->next, sizeof w->next, "provenance");
    crisk__workbook_header(w, row, PROV_FIELDS);
    prov_pair(w, "tool", crisk_version());
    prov_pair(w, "command", prov != NULL && prov->command != NULL ? prov->command : "");
    if (old != NULL)
        prov_inputs(w, old, "old ");
    prov_inputs(w, inv, side);
    for (size_t i = 0; i < w->n_inputs; i++) {
        const struct extra_input *x = &w->inputs[i];
        prov_row(row, "input", x->path, x->kind, x->sha256, (double)x->bytes, (double)x->rows);
        crisk__workbook_row(w, row, PROV_FIELDS);
    }
    for (size_t i = 0; prov != NULL && i < prov->n_options; i++) {
        char item[128];
        snprintf(item, sizeof item, "option --%s", prov->option_names[i]);
        prov_pair(w, item, prov->option_values[i]);
    }
    for (size_t i = 0; i < w->n_cuts; i++) {
        const struct cut *c = &w->cuts[i];
        char words[320], value[360];
        cut_words(words, sizeof words, c);
        snprintf(value, sizeof value, "%s: %s", c->sheet, words);
        prov_row(row, "truncated sheet", value, NULL, NULL, NAN, (double)c->rows);
        crisk__workbook_row(w, row, PROV_FIELDS);
    }
    if (old != NULL)
        prov_model(w, old, "old ");
    prov_model(w, inv, side);
    end_sheet(w);
}

/* The newest modification time of the inventory's input files: when the
 * data the workbook shows last changed.  EPOCH_1980 when none is known. */
static time_t inputs_time(const crisk_inventory *inv)
{
    time_t newest = EPOCH_1980;
    for (size_t i = 0; inv != NULL && i < inv->n_sources; i++) {
        struct stat st;
        const char *path = inv->sources[i].path;
        char book[4096];
        /* a sheet of a workbook input, "book.xlsx[Sheet]": the workbook's */
        const char *sheet = strrchr(path, '[');
        size_t len = strlen(path);
        if (sheet != NULL && path[len - 1] == ']' && (size_t)(sheet - path) < sizeof book) {
            memcpy(book, path, (size_t)(sheet - path));
            book[sheet - path] = '\0';
            if (stat(path, &st) != 0)
                path = book;
        }
        if (stat(path, &st) == 0 && st.st_mtime > newest)
            newest = st.st_mtime;
    }
    return newest;
}

/* ---- the file --------------------------------------------------------------- */

/* A fresh file under $TMPDIR (else /tmp) for libxlsxwriter to write. */
static int make_temporary(crisk_workbook *w)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] != '/')
        dir = "/tmp";
    size_t len = strlen(dir) + sizeof "/chainrisk.xlsx";
    char *base = malloc(len);
    if (base == NULL)
        return ENOMEM;
    snprintf(base, len, "%s/chainrisk.xlsx", dir);
    w->path = crisk__temp_name(base, ".tmp.");
    free(base);
    if (w->path == NULL)
        return ENOMEM;
    int fd = crisk__temp_create(w->path, 0600);
    if (fd < 0) {
        int e = errno;
        free(w->path);
        w->path = NULL;
        return e;
    }
    close(fd);
    w->temp = crisk__temp_remember(w->path);
    return 0;
}

static void remove_temporary(crisk_workbook *w)
{
    if (w->path == NULL)
        return;
    unlink(w->path);
    crisk__temp_forget(w->temp);
    free(w->path);
    w->path = NULL;
}

/* Copy the finished file to the caller's stream.  Returns 0 or an errno. */
static int copy_out(crisk_workbook *w)
{
    FILE *in = fopen(w->path, "rb");
    if (in == NULL)
        return errno;
    char buf[65536];
    size_t n;
    int e = 0;
    while (e == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, w->out) != n)
            e = errno ? errno : EIO;
    if (e == 0 && ferror(in))
        e = errno ? errno : EIO;
    fclose(in);
    return e;
}

static int start_workbook(crisk_workbook *w, const char *sheet)
{
    lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL,
                                     .use_zip64 = LXW_FALSE };
    w->wb = workbook_new_opt(w->path, &options);
    if (w->wb == NULL)
        return ENOMEM;
    w->bold = workbook_add_format(w->wb);
    w->percent = workbook_add_format(w->wb);
    if (w->bold == NULL || w->percent == NULL)
        return ENOMEM;
    format_set_bold(w->bold);
    format_set_num_format(w->percent, "0.0%");
    snprintf(w->base, sizeof w->base, "%s", sheet != NULL && sheet[0] != '\0' ? sheet : "Sheet");
    return 0;
}

int crisk_workbook_new(crisk_workbook **out, FILE *f, const char *sheet, crisk_error *err)
{
    *out = NULL;
    crisk_workbook *w = calloc(1, sizeof *w);
    if (w == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    w->out = f;
    w->temp = -1;
    w->max_rows = CRISK_WORKBOOK_MAX_ROWS;
    int e = make_temporary(w);
    if (e == 0) {
        w->rows = open_memstream(&w->raw, &w->raw_len);
        e = w->rows == NULL ? errno : 0;
    }
    if (e == 0)
        e = start_workbook(w, sheet);
    if (e == 0 && bind(w) != 0)
        e = EMFILE;
    if (e != 0) {
        crisk_workbook_free(w);
        if (e == ENOMEM)
            return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        return crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "cannot make a workbook: %s",
                               strerror(e));
    }
    *out = w;
    return CRISK_OK;
}

FILE *crisk_workbook_rows(crisk_workbook *w)
{
    return w->rows;
}

/* Whatever reached the rows stream as bytes is an emitter bypassing the
 * typed rows: its text would be lost. */
static void check_raw(crisk_workbook *w)
{
    if (fflush(w->rows) != 0)
        problem(w, CRISK_ENOMEM, "out of memory");
    else if (w->raw_len > 0)
        problem(w, CRISK_EINTERNAL, "a result was written as text, not as table rows: "
                                    "it cannot go into a workbook");
}

int crisk_workbook_close(crisk_workbook *w, const crisk_inventory *inv,
                         const crisk_provenance *prov, crisk_error *err)
{
    return crisk_workbook_close_pair(w, NULL, inv, prov, err);
}

int crisk_workbook_close_pair(crisk_workbook *w, const crisk_inventory *old,
                              const crisk_inventory *inv, const crisk_provenance *prov,
                              crisk_error *err)
{
    end_sheet(w);
    check_raw(w);
    if (w->status == CRISK_OK)
        provenance_sheet(w, old, inv, prov);
    time_t created = inputs_time(inv);
    if (old != NULL && inputs_time(old) > created)
        created = inputs_time(old);
    lxw_doc_properties props = { .title = "chainrisk", .created = created };
    if (w->status == CRISK_OK)
        check(w, workbook_set_properties(w->wb, &props));
    lxw_error e = workbook_close(w->wb);
    w->wb = NULL;
    if (w->status == CRISK_OK)
        check(w, e);
    int rc = w->status, io = 0;
    if (rc != CRISK_OK)
        crisk_error_set(err, rc, NULL, 0, 0, "%s", w->message);
    else if ((io = copy_out(w)) != 0)
        rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "write error: %s", strerror(io));
    crisk_workbook_free(w);
    return rc;
}

void crisk_workbook_free(crisk_workbook *w)
{
    if (w == NULL)
        return;
    unbind(w);
    if (w->wb != NULL)
        workbook_close(w->wb);   /* the only way to free it; the file is removed below */
    remove_temporary(w);
    if (w->rows != NULL)
        fclose(w->rows);
    free(w->raw);
    free(w->header);
    free(w->width);
    free(w->cuts);
    for (size_t i = 0; i < w->n_inputs; i++) {
        free(w->inputs[i].path);
        free(w->inputs[i].kind);
    }
    free(w->inputs);
    free(w->text);
    free(w);
}
