/*
 * csv_native.c - the native CSV importer: nodes.csv and edges.csv (DESIGN §3).
 *
 * This module owns the header (column names matched case-insensitively,
 * any order, duplicates and missing required columns reported) and the
 * rows.  Every check one cell can answer (empty ids, enums with "did you
 * mean", numbers and their ranges, country codes, `need`) is the native
 * schema's (native_schema.c), which the mapping reader shares.  CSV syntax,
 * encoding and size limits are csv_reader.c's; checks across records
 * (unique ids, endpoints, groups) are the builder's.
 *
 * Approach: the column schema is a table (native_schema.h); the header
 * maps each CSV column to a schema column, a pass-through attribute (nodes)
 * or nothing (edges, with a warning).  Each data row is then one pass over
 * its cells filling a stack-allocated record that borrows the reader's
 * buffer, so the hot path allocates nothing; the builder copies what it
 * keeps.  A row with any bad cell is reported cell by cell and not added.
 *
 * Values: leading and trailing spaces, tabs and line breaks are ignored,
 * inside quotes too; an empty cell means "not given".  Numbers are read in
 * the C locale whatever the process locale.
 *
 * Spreadsheets with their own column names (`--map`, mapping.h): the
 * mapping resolves header names, and a cell is translated to native text
 * (or given its default) before the native rules read it, so every check
 * and message above applies unchanged.  The mapping reader checks each
 * translation and default with the same rules (crisk__native_check_value)
 * when it loads, so a translated cell cannot fail here; a cell its column's
 * value map does not list is read as written, and if the native rules
 * reject it the message speaks the spreadsheet's terms (unknown value
 * 'Tier 4' in column 'Business impact', with a hint from the value map).
 */
#include "csv_native.h"
#include "csv_dialect.h"
#include "csv_reader.h"
#include "mapping.h"
#include "native_schema.h"
#include "xlsx.h"
#include "util/quote.h"
#include "util/util.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the file ------------------------------------------------------------- */

#define MAX_SCHEMA_COLUMNS CRISK__NODE_COLUMNS

/* What one CSV column is. */
enum role { ROLE_IGNORED, ROLE_SCHEMA, ROLE_ATTR };

typedef struct csv_column {
    enum role role;
    size_t index;                       /* schema column or attribute number */
} csv_column;

typedef struct native_file {
    const crisk__native_schema *schema;
    const struct crisk__colmap *map;    /* NULL = native names and values */
    crisk__csv_report rep;
    crisk_builder *b;
    size_t source;
    crisk_error *err;
    int add_records;                    /* 0: check the cells, add nothing */
    int header_ok;                      /* every required column is there */
    csv_column *columns;                /* per CSV column */
    size_t position[MAX_SCHEMA_COLUMNS];   /* CSV column (1-based) of each
                                            * schema column; 0 = absent */
    size_t attr_count;
    char **attr_names;                  /* as written in the header */
    const char **attr_values;           /* the current row's, borrowed */
    const char *fill[MAX_SCHEMA_COLUMNS];  /* the mapping's default for each
                                            * column absent from the header */
    char country[3];                    /* the current row's, upper-cased */
    const char *unmapped;               /* the cell being read, when its
                                         * column's value map misses it */
    size_t unmapped_column;             /* its schema column */
    const crisk__csv_dialect *dialect;  /* NULL = the default */
    char number[256];                   /* a number cell as the C locale reads it */
} native_file;

/* ---- cells ----------------------------------------------------------------- */

/* Cell results: CELL_OK, CELL_BAD (reported), or a negative fatal code. */
#define CELL_OK  0
#define CELL_BAD 1

static char *trim(crisk__csv_field *field)
{
    char *s = field->text, *e = field->text + field->len;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    *e = '\0';
    return s;
}

/* Hints cost an edit distance per mapped value: only for messages kept. */
static int message_is_kept(const native_file *f)
{
    const crisk_diagnostics *d = f->rep.diags;
    return d == NULL || d->stored_errors < (d->limit ? d->limit : CRISK_DIAGNOSTICS_LIMIT);
}

/* A cell that the value map of its column misses, and that is no native
 * value either: say so in the spreadsheet's terms. */
static void unmapped_message(const native_file *f, char *msg, size_t size)
{
    enum crisk__native_file file = f->schema->file;
    size_t k = f->unmapped_column;
    const char *header = crisk__colmap_header(f->map, file, k);
    char q[CRISK__QUOTE_MAX], qh[CRISK__QUOTE_MAX], qs[CRISK__QUOTE_MAX];
    crisk__quote(q, f->unmapped);
    crisk__quote(qh, header != NULL ? header : f->schema->names[k]);
    const char *hint = message_is_kept(f) ? crisk__colmap_suggest(f->map, file, k, f->unmapped)
                                          : NULL;
    if (hint != NULL) {
        snprintf(msg, size, "unknown value '%s' in column '%s' (did you mean '%s'?)", q, qh,
                 crisk__quote(qs, hint));
        return;
    }
    /* Two quoted cells (< 128 bytes each) and this list fit the message. */
    char list[192];
    crisk__colmap_values(f->map, file, k, list, sizeof list);
    if (list[0] == '\0')
        snprintf(msg, size, "unknown value '%s' in column '%s' (its value map is empty)", q, qh);
    else
        snprintf(msg, size, "unknown value '%s' in column '%s' (expected %s)", q, qh, list);
}

/* Report a cell the native rules rejected (`result`, with the rules'
 * message).  A cell the value map of its column missed, and that the rules
 * cannot read either, is reported in the spreadsheet's terms instead; a
 * number out of range is said in native terms, as the range is native. */
static int cell_error(native_file *f, const crisk__csv_field *field, size_t column,
                      enum crisk__cell result, const char *msg)
{
    char unmapped[CRISK_ERROR_MESSAGE_MAX];
    if (f->unmapped != NULL && result == CRISK__CELL_UNREADABLE) {
        unmapped_message(f, unmapped, sizeof unmapped);
        msg = unmapped;
    }
    int rc = crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_EINVALID, field->line,
                                   column, "%s", msg);
    return rc == CRISK_OK ? CELL_BAD : rc;
}

static int node_cell(native_file *f, crisk_node_record *rec, size_t k, const char *v,
                     const crisk__csv_field *field, size_t column)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    enum crisk__cell result = crisk__native_node_cell(rec, (enum crisk__node_column)k, v,
                                                      f->country, msg);
    return result == CRISK__CELL_OK ? CELL_OK : cell_error(f, field, column, result, msg);
}

static int edge_cell(native_file *f, crisk_edge_record *rec, size_t k, const char *v,
                     const crisk__csv_field *field, size_t column)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    enum crisk__cell result = crisk__native_edge_cell(rec, (enum crisk__edge_column)k, v, msg);
    return result == CRISK__CELL_OK ? CELL_OK : cell_error(f, field, column, result, msg);
}

/* ---- rows ------------------------------------------------------------------ */

/* The text the native rules read for a (trimmed) cell of schema column `k`:
 * its translation by the column's value map, the column's default when
 * that leaves it empty, or the cell as written.  A cell the value map
 * misses is read as written, with f->unmapped set for cell_error(). */
static const char *cell_text(native_file *f, size_t k, const char *cell)
{
    enum crisk__native_file file = f->schema->file;
    const char *v = cell;
    f->unmapped = NULL;
    if (cell[0] != '\0') {
        const char *to = NULL;
        switch (crisk__colmap_translate(f->map, file, k, cell, &to)) {
        case CRISK__MAP_HIT:
            v = to != NULL ? to : "";
            break;
        case CRISK__MAP_MISS:
            f->unmapped = cell;
            f->unmapped_column = k;
            break;
        case CRISK__MAP_NONE:
            break;
        }
    }
    if (v[0] == '\0') {
        const char *fallback = crisk__colmap_default(f->map, file, k);
        if (fallback != NULL)
            v = fallback;
    }
    return v;
}

/* The columns that hold numbers, by schema column: read through the file's
 * number format (decimal commas, thousands separators). */
static int is_number_column(enum crisk__native_file file, size_t k)
{
    if (file == CRISK__NATIVE_EDGES)
        return k == CRISK__EDGE_NEED;
    return k == CRISK__NODE_CRITICALITY || k == CRISK__NODE_RTO || k == CRISK__NODE_RECOVERY
        || k == CRISK__NODE_SPEND || k == CRISK__NODE_PROBABILITY;
}

/* The text of schema column `k` (cell_text's) with a number as written in
 * the file rewritten as the rules read it ("1,5" with ';'-separated values
 * is 1.5).  NULL when the number is ambiguous (reported: *result CELL_BAD,
 * or a fatal code). */
static const char *number_text(native_file *f, size_t k, const char *cell, const char *v,
                               const crisk__csv_record *rec, size_t i, int *result)
{
    *result = CELL_OK;
    char thousands = f->dialect != NULL ? f->dialect->thousands : 0;
    if (v != cell || !is_number_column(f->schema->file, k) || strlen(v) >= sizeof f->number)
        return v;   /* translated by the mapping (native already), or not a number */
    /* Decimal points and no thousands separator: crisk__csv_number would
     * return the cell unchanged, so skip its copy (one snprintf per number
     * cell was an eighth of a native load's calling thread). */
    if (thousands == 0 && (rec->delimiter == ',' || rec->delimiter == 0))
        return v;
    char msg[CRISK_ERROR_MESSAGE_MAX];
    if (crisk__csv_number(f->number, sizeof f->number, v, rec->delimiter, thousands, msg) == 0)
        return f->number;
    f->unmapped = NULL;   /* the number's own message, not the value map's */
    *result = cell_error(f, &rec->fields[i], i + 1, CRISK__CELL_UNREADABLE, msg);
    return NULL;
}

/* Combine cell results: remember a bad cell, stop only on a fatal code. */
static int merge(int *bad, int rc)
{
    if (rc == CELL_BAD)
        *bad = 1;
    return rc < 0 ? rc : CRISK_OK;
}

static int node_row(native_file *f, crisk__csv_record *rec)
{
    crisk_node_record node;
    crisk_node_record_init(&node);
    int bad = 0, rc = CRISK_OK;
    for (size_t i = 0; i < rec->count && rc == CRISK_OK; i++) {
        const csv_column *col = &f->columns[i];
        char *v = trim(&rec->fields[i]);
        int result;
        const char *text = col->role == ROLE_SCHEMA
            ? number_text(f, col->index, v, cell_text(f, col->index, v), rec, i, &result) : NULL;
        if (col->role == ROLE_SCHEMA && text == NULL)
            rc = merge(&bad, result);
        else if (col->role == ROLE_SCHEMA)
            rc = merge(&bad, node_cell(f, &node, col->index, text, &rec->fields[i], i + 1));
        else if (col->role == ROLE_ATTR)
            f->attr_values[col->index] = v;
    }
    f->unmapped = NULL;
    /* The mapping's defaults for columns the file does not have (checked
     * when the mapping was loaded: they cannot fail). */
    for (size_t k = 0; k < CRISK__NODE_COLUMNS && rc == CRISK_OK; k++)
        if (f->fill[k] != NULL)
            rc = merge(&bad, node_cell(f, &node, k, f->fill[k], &rec->fields[0], 0));
    /* A row with a bad cell still defines its id (with defaults for the bad
     * cells): the load fails anyway, and edges naming it would otherwise be
     * reported as unknown nodes too. */
    if (rc != CRISK_OK || !f->add_records || (bad && (node.id == NULL || node.id[0] == '\0')))
        return rc;
    size_t id_col = f->position[CRISK__NODE_ID];
    node.line = rec->fields[id_col - 1].line;
    node.id_column = id_col;
    node.attr_count = f->attr_count;
    node.attr_names = (const char *const *)f->attr_names;
    node.attr_values = f->attr_values;
    return crisk_builder_add_node(f->b, f->source, &node, f->rep.diags, f->err);
}

static int edge_row(native_file *f, crisk__csv_record *rec)
{
    crisk_edge_record edge;
    crisk_edge_record_init(&edge);
    int bad = 0, rc = CRISK_OK;
    for (size_t i = 0; i < rec->count && rc == CRISK_OK; i++) {
        const csv_column *col = &f->columns[i];
        if (col->role != ROLE_SCHEMA)
            continue;
        char *v = trim(&rec->fields[i]);
        int result;
        const char *text = number_text(f, col->index, v, cell_text(f, col->index, v), rec, i,
                                       &result);
        rc = merge(&bad, text == NULL ? result
                                      : edge_cell(f, &edge, col->index, text, &rec->fields[i],
                                                  i + 1));
    }
    f->unmapped = NULL;
    for (size_t k = 0; k < CRISK__EDGE_COLUMNS && rc == CRISK_OK; k++)
        if (f->fill[k] != NULL)
            rc = merge(&bad, edge_cell(f, &edge, k, f->fill[k], &rec->fields[0], 0));
    if (rc != CRISK_OK || bad || !f->add_records)
        return rc;
    edge.line = rec->fields[f->position[CRISK__EDGE_FROM] - 1].line;
    edge.from_column = f->position[CRISK__EDGE_FROM];
    edge.to_column = f->position[CRISK__EDGE_TO];
    edge.group_column = f->position[CRISK__EDGE_GROUP];
    edge.need_column = f->position[CRISK__EDGE_NEED];
    return crisk_builder_add_edge(f->b, f->source, &edge, f->rep.diags, f->err);
}

/* ---- the header ------------------------------------------------------------ */

/* The earlier column (1-based) whose name equals `name` ignoring case, or 0.
 * Quadratic in the header width, which is at most CRISK_MAX_COLUMNS. */
static size_t earlier_column(crisk__csv_record *rec, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (crisk__strcasecmp_ascii(rec->fields[j].text, rec->fields[i].text) == 0)
            return j + 1;
    return 0;
}


/* Decide what CSV column `i` is. */
static int map_column(native_file *f, crisk__csv_record *rec, size_t i)
{
    const char *name = trim(&rec->fields[i]);
    csv_column *col = &f->columns[i];
    col->role = ROLE_IGNORED;
    if (name[0] == '\0')
        return crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_EINVALID,
                                     rec->fields[i].line, i + 1, "empty column name");
    char q[CRISK__QUOTE_MAX];
    size_t line = rec->fields[i].line, first = earlier_column(rec, i);
    if (first != 0)
        return crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_EINVALID, line, i + 1,
                                     "duplicate column '%s' (same as column %zu)",
                                     crisk__quote(q, name), first);
    int k = crisk__colmap_column(f->map, f->schema->file, name);
    if (k >= 0) {
        col->role = ROLE_SCHEMA;
        col->index = (size_t)k;
        f->position[k] = i + 1;
        return CRISK_OK;
    }
    if (!f->schema->keep_unknown)
        return crisk__csv_report_add(&f->rep, CRISK_SEV_WARNING, CRISK_OK, line, i + 1,
                                     "unknown column '%s' (ignored)", crisk__quote(q, name));
    f->attr_names[f->attr_count] = strdup(name);
    if (f->attr_names[f->attr_count] == NULL)
        return CRISK_ENOMEM;
    col->role = ROLE_ATTR;
    col->index = f->attr_count++;
    return CRISK_OK;
}

/* Schema column `k` is not in the header: an error if it is required, a
 * warning if the mapping names a column for it, else nothing; its default
 * (if the mapping has one) fills it on every row. */
static int absent_column(native_file *f, crisk__csv_record *rec, size_t k)
{
    char q[CRISK__QUOTE_MAX];
    const char *header = crisk__colmap_header(f->map, f->schema->file, k);
    f->fill[k] = crisk__colmap_default(f->map, f->schema->file, k);
    if (f->schema->required & (1u << k)) {
        f->header_ok = 0;
        if (header != NULL)
            return crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_EINVALID, rec->line, 0,
                                         "missing required column '%s' (mapped to '%s')",
                                         crisk__quote(q, header), f->schema->names[k]);
        return crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_EINVALID, rec->line, 0,
                                     "missing required column '%s'", f->schema->names[k]);
    }
    if (header != NULL)
        return crisk__csv_report_add(&f->rep, CRISK_SEV_WARNING, CRISK_OK, rec->line, 0,
                                     "missing column '%s' (mapped to '%s')",
                                     crisk__quote(q, header), f->schema->names[k]);
    return CRISK_OK;
}

static int read_header(native_file *f, crisk__csv_record *rec)
{
    f->columns = calloc(rec->count, sizeof *f->columns);
    f->attr_names = calloc(rec->count, sizeof *f->attr_names);
    f->attr_values = calloc(rec->count, sizeof *f->attr_values);
    if (f->columns == NULL || f->attr_names == NULL || f->attr_values == NULL)
        return CRISK_ENOMEM;
    for (size_t i = 0; i < rec->count; i++) {
        int rc = map_column(f, rec, i);
        if (rc != CRISK_OK)
            return rc;
    }
    f->header_ok = 1;
    for (size_t k = 0; k < f->schema->count; k++) {
        int rc = f->position[k] != 0 ? CRISK_OK : absent_column(f, rec, k);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

static int on_record(void *ctx, crisk__csv_record *rec)
{
    native_file *f = ctx;
    if (rec->number == 0)
        return read_header(f, rec);
    if (!f->header_ok)
        return CRISK_OK;   /* no usable header: only the reader's checks apply */
    return f->schema->file == CRISK__NATIVE_NODES ? node_row(f, rec) : edge_row(f, rec);
}

/* ---- files ----------------------------------------------------------------- */

static void release_file(native_file *f)
{
    for (size_t i = 0; i < f->attr_count; i++)
        free(f->attr_names[i]);
    free(f->attr_names);
    free((void *)f->attr_values);
    free(f->columns);
}

/* Register the file for provenance (as `name`: a workbook's sheet is
 * "book.xlsx[Sheet]"); its digest is computed while it is read
 * (crisk__csv_read hashes on a second thread) and set afterwards. */
static int register_source(native_file *f, const char *path, const char *name)
{
    struct stat st;
    uint64_t bytes = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    return crisk_builder_add_source(f->b, &f->source, name, f->schema->kind, NULL, bytes, f->err);
}

/* Read the sheet of a workbook in place of a CSV file.  CRISK_OK also when
 * the workbook could not be opened (reported: the load fails). */
static int read_sheet(native_file *f, const char *path, const char *sheet,
                      crisk__csv_info *info, int *registered)
{
    *registered = 0;
    crisk__xlsx *x = NULL;
    char display[CRISK_ERROR_FILE_MAX];
    memset(info, 0, sizeof *info);
    int rc = crisk__xlsx_open(&x, &f->rep, path, sheet, display, sizeof display);
    if (rc != CRISK_OK)
        return rc;   /* reported */
    rc = register_source(f, path, display);
    *registered = rc == CRISK_OK;
    f->rep.path = display;
    if (rc == CRISK_OK)
        rc = crisk__xlsx_read(x, &f->rep, on_record, f, info);
    f->rep.path = path;
    crisk__xlsx_close(x);
    return rc;
}

/* Read one file.  Returns CRISK_OK unless loading must stop (out of memory,
 * an I/O error); every problem is in `diags`.  `*usable` tells whether the
 * file could be read and had the required columns (may be NULL). */
static int load_file(crisk_builder *b, const char *path, const char *sheet,
                     const crisk__native_schema *s, const crisk__native_input *in,
                     int add_records, crisk_diagnostics *diags, crisk_error *err, int *usable)
{
    native_file f;
    memset(&f, 0, sizeof f);
    f.schema = s;
    f.map = in->map;
    f.dialect = in->dialect;
    f.rep.dialect = in->dialect;
    f.rep.path = path;
    f.rep.diags = diags;
    f.b = b;
    f.err = err;
    f.add_records = add_records;
    if (usable != NULL)
        *usable = 0;
    crisk__csv_info info;
    int rc, registered = 1;
    if (crisk__xlsx_path(path)) {
        rc = read_sheet(&f, path, sheet, &info, &registered);
    } else {
        rc = register_source(&f, path, path);
        if (rc != CRISK_OK)
            return rc;
        f.rep.progress = crisk_builder_progress(b, &f.rep.progress_ctx);
        rc = crisk__csv_read(&f.rep, on_record, &f, 1, &info);
    }
    if (registered)
        crisk_builder_set_source_rows(b, f.source, info.rows);
    if (registered && info.sha256[0] != '\0')
        crisk_builder_set_source_digest(b, f.source, info.sha256, info.bytes);
    if (usable != NULL)
        *usable = rc == CRISK_OK && f.header_ok;
    release_file(&f);
    switch (rc) {
    case CRISK_OK:
    case CRISK_ENOTFOUND:   /* reported: the builder fails the load */
    case CRISK_ELIMIT:
    case CRISK_EINVALID:
        return CRISK_OK;
    case CRISK_ENOMEM:
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    case CRISK_EIO:
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "cannot read file");
    default:
        return rc;   /* the builder's code, with `err` filled by it */
    }
}

int crisk__native_load(crisk_builder *b, const crisk__native_input *in,
                       crisk_diagnostics *diags, crisk_error *err)
{
    if (in->nodes == NULL)
        return crisk_error_set(err, CRISK_EUSAGE, in->edges, 0, 0,
                               "an edges file needs a nodes file (--nodes)");
    /* Numbers are read in the C locale whatever the caller set. */
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;

    int nodes_usable = 0;
    int rc = load_file(b, in->nodes, in->nodes_sheet, crisk__native_schema_of(CRISK__NATIVE_NODES),
                       in, 1, diags, err, &nodes_usable);
    /* --edges-sheet alone: the edges are a sheet of the nodes workbook */
    const char *edges = in->edges == NULL && in->edges_sheet != NULL && crisk__xlsx_path(in->nodes)
                        ? in->nodes : in->edges;
    /* Without the nodes, every edge would be reported as an unknown node:
     * still check edges.csv, but add none of it. */
    if (rc == CRISK_OK && edges != NULL)
        rc = load_file(b, edges, in->edges_sheet, crisk__native_schema_of(CRISK__NATIVE_EDGES),
                       in, nodes_usable, diags, err, NULL);

    if (c_numeric != (locale_t)0) {
        uselocale(previous);
        freelocale(c_numeric);
    }
    return rc;
}
