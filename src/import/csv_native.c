/*
 * csv_native.c - the native CSV importer: nodes.csv and edges.csv (DESIGN §3).
 *
 * This module owns the header (column names matched case-insensitively,
 * any order, duplicates and missing required columns reported) and every
 * check one cell can answer (empty ids, enums with "did you mean", numbers
 * and their ranges, country codes, `need`).  CSV syntax, encoding and size
 * limits are csv_reader.c's; checks across records (unique ids, endpoints,
 * groups) are the builder's.
 *
 * Approach: the column schema is a table; the header maps each CSV column
 * to a schema column, a pass-through attribute (nodes) or nothing (edges,
 * with a warning).  Each data row is then one pass over its cells filling a
 * stack-allocated record that borrows the reader's buffer, so the hot path
 * allocates nothing; the builder copies what it keeps.  A row with any bad
 * cell is reported cell by cell and not added.
 *
 * Values: leading and trailing spaces, tabs and line breaks are ignored,
 * inside quotes too; an empty cell means "not given".  Numbers are decimal (strtod in the
 * C locale whatever the process locale; no hex, inf or nan).  Country codes
 * are two ASCII letters, accepted in either case and stored upper-case.
 *
 * Spreadsheets with their own column names (`--map`, mapping.h): the
 * mapping resolves header names, and a cell is translated to native text
 * (or given its default) before the native rules read it, so every check
 * and message above applies unchanged.  The mapping reader checks each
 * translation and default with these same rules (crisk__native_check_value)
 * when it loads, so a translated cell cannot fail here; a cell its column's
 * value map does not list is read as written, and if the native rules
 * reject it the message speaks the spreadsheet's terms (unknown value
 * 'Tier 4' in column 'Business impact', with a hint from the value map).
 */
#include "csv_native.h"
#include "csv_reader.h"
#include "mapping.h"
#include "native_schema.h"
#include "util/quote.h"
#include "util/util.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the schema ------------------------------------------------------------ */

enum node_column {
    NODE_ID, NODE_NAME, NODE_TYPE, NODE_CATEGORY, NODE_CRITICALITY, NODE_RTO,
    NODE_RECOVERY, NODE_SPEND, NODE_COUNTRY, NODE_PARENT, NODE_SUBST, NODE_PROBABILITY,
    NODE_COLUMNS
};

static const char *const node_names[NODE_COLUMNS] = {
    "id", "name", "type", "category", "criticality", "rto_hours", "recovery_hours",
    "spend", "country", "parent", "substitutability", "probability"
};

enum edge_column { EDGE_FROM, EDGE_TO, EDGE_GROUP, EDGE_NEED, EDGE_KIND, EDGE_COLUMNS };

static const char *const edge_names[EDGE_COLUMNS] = { "from", "to", "group", "need", "kind" };

#define MAX_SCHEMA_COLUMNS NODE_COLUMNS

/* Numeric node columns and their ranges. */
typedef struct number_rule {
    enum node_column column;
    double min, max;
    const char *range;           /* the rule as the message states it */
} number_rule;

static const number_rule number_rules[] = {
    { NODE_CRITICALITY, 0.0, INFINITY, "must be >= 0" },
    { NODE_RTO,         0.0, INFINITY, "must be >= 0" },
    { NODE_RECOVERY,    0.0, INFINITY, "must be >= 0" },
    { NODE_SPEND,       0.0, INFINITY, "must be >= 0" },
    { NODE_PROBABILITY, 0.0, 1.0,      "must be between 0 and 1" },
};

struct native_file;
typedef int (*row_fn)(struct native_file *f, crisk__csv_record *rec);

typedef struct schema {
    const char *kind;                   /* source kind: "nodes" / "edges" */
    enum crisk__native_file file;
    const char *const *names;
    size_t count;
    unsigned required;                  /* bit per schema column */
    unsigned free_text;                 /* bit per schema column: no value map */
    int keep_unknown;                   /* pass-through attributes, else warn */
    row_fn row;
} schema;

/* What one CSV column is. */
enum role { ROLE_IGNORED, ROLE_SCHEMA, ROLE_ATTR };

typedef struct csv_column {
    enum role role;
    size_t index;                       /* schema column or attribute number */
} csv_column;

typedef struct native_file {
    const schema *schema;
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
    char *check_msg;                    /* crisk__native_check_value(): the
                                         * message goes here, not to `rep` */
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

static int cell_error(native_file *f, const crisk__csv_field *field, size_t column,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

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

static int cell_error(native_file *f, const crisk__csv_field *field, size_t column,
                      const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    if (f->unmapped != NULL) {
        unmapped_message(f, msg, sizeof msg);
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    if (f->check_msg != NULL) {
        snprintf(f->check_msg, CRISK_ERROR_MESSAGE_MAX, "%s", msg);
        return CELL_BAD;
    }
    int rc = crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_EINVALID, field->line,
                                   column, "%s", msg);
    return rc == CRISK_OK ? CELL_BAD : rc;
}

/* A decimal number: digits, sign, point, exponent, nothing else (strtod
 * alone would take "inf", "nan" and hex).  Returns 0 or -1. */
static int parse_number(const char *s, double *out)
{
    if (*s == '\0' || strspn(s, "0123456789+-.eE") != strlen(s))
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v == 0.0 ? 0.0 : v;   /* no -0 */
    return 0;
}

static double *number_target(crisk_node_record *rec, enum node_column c)
{
    switch (c) {
    case NODE_CRITICALITY: return &rec->criticality;
    case NODE_RTO:         return &rec->rto_hours;
    case NODE_RECOVERY:    return &rec->recovery_hours;
    case NODE_SPEND:       return &rec->spend;
    default:               return &rec->probability;
    }
}

static int number_cell(native_file *f, crisk_node_record *rec, const number_rule *rule,
                       const char *v, const crisk__csv_field *field, size_t column)
{
    char q[CRISK__QUOTE_MAX];
    const char *name = node_names[rule->column];
    double x;
    if (parse_number(v, &x) != 0)
        return cell_error(f, field, column, "invalid %s '%s' (not a number)", name,
                          crisk__quote(q, v));
    f->unmapped = NULL;   /* a number: out of range is said in native terms */
    if (x < rule->min || x > rule->max)
        return cell_error(f, field, column, "invalid %s '%s' (%s)", name,
                          crisk__quote(q, v), rule->range);
    *number_target(rec, rule->column) = x;
    return CELL_OK;
}

/* The spellings of an enum as "a, b or c", for a message without a hint. */
static void spellings(char *buf, size_t size, const char *(*name)(int), int first, int count)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = first; i < count && o < size; i++) {
        const char *sep = i == first ? "" : i + 1 == count ? " or " : ", ";
        o += (size_t)snprintf(buf + o, size - o, "%s%s", sep, name(i));
    }
}

static const char *type_name(int i) { return crisk_node_type_name((crisk_node_type)i); }
static const char *category_name(int i) { return crisk_category_name((crisk_category)i); }
static const char *subst_name(int i)
{
    return crisk_substitutability_name((crisk_substitutability)i);
}

static int enum_error(native_file *f, const crisk__csv_field *field, size_t column,
                      const char *what, const char *v, const char *hint,
                      const char *(*name)(int), int first, int count)
{
    char q[CRISK__QUOTE_MAX];
    if (hint != NULL)
        return cell_error(f, field, column, "unknown %s '%s' (did you mean '%s'?)", what,
                          crisk__quote(q, v), hint);
    char list[256];
    spellings(list, sizeof list, name, first, count);
    return cell_error(f, field, column, "unknown %s '%s' (expected %s)", what,
                      crisk__quote(q, v), list);
}

static int enum_cell(native_file *f, crisk_node_record *rec, enum node_column c,
                     const char *v, const crisk__csv_field *field, size_t column)
{
    const char *hint = NULL;
    switch (c) {
    case NODE_TYPE:
        if (crisk_node_type_parse(v, &rec->type, &hint) == CRISK_OK)
            return CELL_OK;
        return enum_error(f, field, column, "type", v, hint, type_name, 0,
                          CRISK_NODE_TYPE_COUNT);
    case NODE_CATEGORY:
        if (crisk_category_parse(v, &rec->category, &hint) == CRISK_OK)
            return CELL_OK;
        return enum_error(f, field, column, "category", v, hint, category_name, 0,
                          CRISK_CAT_COUNT);
    default:
        if (crisk_substitutability_parse(v, &rec->substitutability, &hint) == CRISK_OK)
            return CELL_OK;
        return enum_error(f, field, column, "substitutability", v, hint, subst_name,
                          CRISK_SUBST_EASY, CRISK_SUBST_COUNT);
    }
}

/* Not isalpha(): that one follows the process locale. */
static int is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ISO 3166-1 alpha-2 by form (two letters), stored upper-case in the
 * file's buffer (`v` may be the mapping's text, which is not ours to
 * change). */
static int country_cell(native_file *f, crisk_node_record *rec, const char *v,
                        const crisk__csv_field *field, size_t column)
{
    char q[CRISK__QUOTE_MAX];
    if (strlen(v) != 2 || !is_ascii_letter(v[0]) || !is_ascii_letter(v[1]))
        return cell_error(f, field, column,
                          "invalid country '%s' (expected a 2-letter ISO 3166-1 code such as 'DE')",
                          crisk__quote(q, v));
    f->country[0] = (char)(v[0] & ~0x20);   /* ASCII upper case */
    f->country[1] = (char)(v[1] & ~0x20);
    f->country[2] = '\0';
    rec->country = f->country;
    return CELL_OK;
}

static int node_cell(native_file *f, crisk_node_record *rec, enum node_column c, const char *v,
                     const crisk__csv_field *field, size_t column)
{
    if (v[0] == '\0')
        return c == NODE_ID ? cell_error(f, field, column, "empty id") : CELL_OK;
    switch (c) {
    case NODE_ID:     rec->id = v; return CELL_OK;
    case NODE_NAME:   rec->name = v; return CELL_OK;
    case NODE_PARENT: rec->parent = v; return CELL_OK;
    case NODE_COUNTRY:
        return country_cell(f, rec, v, field, column);
    case NODE_TYPE:
    case NODE_CATEGORY:
    case NODE_SUBST:
        return enum_cell(f, rec, c, v, field, column);
    default:
        for (size_t i = 0; i < sizeof number_rules / sizeof *number_rules; i++)
            if (number_rules[i].column == c)
                return number_cell(f, rec, &number_rules[i], v, field, column);
        return CELL_OK;
    }
}

/* `need`: a whole number 1..CRISK_MAX_NEED. */
static int need_cell(native_file *f, crisk_edge_record *rec, const char *v,
                     const crisk__csv_field *field, size_t column)
{
    char q[CRISK__QUOTE_MAX];
    size_t n = 0;
    const char *p = v;
    for (; *p >= '0' && *p <= '9' && n <= CRISK_MAX_NEED; p++)
        n = n * 10 + (size_t)(*p - '0');
    if (p == v || *p != '\0' || n < 1 || n > CRISK_MAX_NEED)
        return cell_error(f, field, column,
                          "invalid need '%s' (expected a whole number from 1 to %u)",
                          crisk__quote(q, v), CRISK_MAX_NEED);
    rec->need = n;
    return CELL_OK;
}

static int edge_cell(native_file *f, crisk_edge_record *rec, enum edge_column c, const char *v,
                     const crisk__csv_field *field, size_t column)
{
    switch (c) {
    case EDGE_FROM:
        rec->from = v;
        return v[0] ? CELL_OK : cell_error(f, field, column, "empty 'from' id");
    case EDGE_TO:
        rec->to = v;
        return v[0] ? CELL_OK : cell_error(f, field, column, "empty 'to' id");
    case EDGE_GROUP:
        rec->group = v;
        return CELL_OK;
    case EDGE_KIND:
        rec->kind = v;
        return CELL_OK;
    default:
        return v[0] ? need_cell(f, rec, v, field, column) : CELL_OK;
    }
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
        if (col->role == ROLE_SCHEMA)
            rc = merge(&bad, node_cell(f, &node, (enum node_column)col->index,
                                       cell_text(f, col->index, v), &rec->fields[i], i + 1));
        else if (col->role == ROLE_ATTR)
            f->attr_values[col->index] = v;
    }
    f->unmapped = NULL;
    /* The mapping's defaults for columns the file does not have (checked
     * when the mapping was loaded: they cannot fail). */
    for (size_t k = 0; k < NODE_COLUMNS && rc == CRISK_OK; k++)
        if (f->fill[k] != NULL)
            rc = merge(&bad, node_cell(f, &node, (enum node_column)k, f->fill[k],
                                       &rec->fields[0], 0));
    /* A row with a bad cell still defines its id (with defaults for the bad
     * cells): the load fails anyway, and edges naming it would otherwise be
     * reported as unknown nodes too. */
    if (rc != CRISK_OK || !f->add_records || (bad && (node.id == NULL || node.id[0] == '\0')))
        return rc;
    size_t id_col = f->position[NODE_ID];
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
        if (col->role == ROLE_SCHEMA)
            rc = merge(&bad, edge_cell(f, &edge, (enum edge_column)col->index,
                                       cell_text(f, col->index, trim(&rec->fields[i])),
                                       &rec->fields[i], i + 1));
    }
    f->unmapped = NULL;
    for (size_t k = 0; k < EDGE_COLUMNS && rc == CRISK_OK; k++)
        if (f->fill[k] != NULL)
            rc = merge(&bad, edge_cell(f, &edge, (enum edge_column)k, f->fill[k],
                                       &rec->fields[0], 0));
    if (rc != CRISK_OK || bad || !f->add_records)
        return rc;
    edge.line = rec->fields[f->position[EDGE_FROM] - 1].line;
    edge.from_column = f->position[EDGE_FROM];
    edge.to_column = f->position[EDGE_TO];
    edge.group_column = f->position[EDGE_GROUP];
    edge.need_column = f->position[EDGE_NEED];
    return crisk_builder_add_edge(f->b, f->source, &edge, f->rep.diags, f->err);
}

static const schema node_schema = {
    "nodes", CRISK__NATIVE_NODES, node_names, NODE_COLUMNS, 1u << NODE_ID,
    (1u << NODE_ID) | (1u << NODE_NAME) | (1u << NODE_PARENT), 1, node_row
};
static const schema edge_schema = {
    "edges", CRISK__NATIVE_EDGES, edge_names, EDGE_COLUMNS, (1u << EDGE_FROM) | (1u << EDGE_TO),
    (1u << EDGE_FROM) | (1u << EDGE_TO) | (1u << EDGE_GROUP) | (1u << EDGE_KIND), 0, edge_row
};

static const schema *schema_of(enum crisk__native_file f)
{
    return f == CRISK__NATIVE_EDGES ? &edge_schema : &node_schema;
}

/* ---- the schema, for the mapping reader -------------------------------------- */

const char *const *crisk__native_columns(enum crisk__native_file f, size_t *n)
{
    *n = schema_of(f)->count;
    return schema_of(f)->names;
}

int crisk__native_is_free_text(enum crisk__native_file f, size_t column)
{
    return column < schema_of(f)->count && (schema_of(f)->free_text & (1u << column)) != 0;
}

int crisk__native_check_value(enum crisk__native_file f, size_t column, const char *value,
                              char msg[CRISK_ERROR_MESSAGE_MAX])
{
    native_file nf;
    memset(&nf, 0, sizeof nf);
    nf.schema = schema_of(f);
    nf.check_msg = msg;
    msg[0] = '\0';
    crisk__csv_field field = { NULL, 0, 0 };
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;
    int rc;
    if (f == CRISK__NATIVE_EDGES) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rc = edge_cell(&nf, &rec, (enum edge_column)column, value, &field, 0);
    } else {
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rc = node_cell(&nf, &rec, (enum node_column)column, value, &field, 0);
    }
    if (c_numeric != (locale_t)0) {
        uselocale(previous);
        freelocale(c_numeric);
    }
    return rc == CELL_OK ? 0 : -1;
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
    return f->schema->row(f, rec);
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

/* Register the file for provenance; its digest is computed while it is
 * read (crisk__csv_read hashes on a second thread) and set afterwards. */
static int register_source(native_file *f, const char *path)
{
    struct stat st;
    uint64_t bytes = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    return crisk_builder_add_source(f->b, &f->source, path, f->schema->kind, NULL, bytes, f->err);
}

/* Read one file.  Returns CRISK_OK unless loading must stop (out of memory,
 * an I/O error); every problem is in `diags`.  `*usable` tells whether the
 * file could be read and had the required columns (may be NULL). */
static int load_file(crisk_builder *b, const char *path, const schema *s,
                     const struct crisk__colmap *map, int add_records,
                     crisk_diagnostics *diags, crisk_error *err, int *usable)
{
    native_file f;
    memset(&f, 0, sizeof f);
    f.schema = s;
    f.map = map;
    f.rep.path = path;
    f.rep.diags = diags;
    f.b = b;
    f.err = err;
    f.add_records = add_records;
    if (usable != NULL)
        *usable = 0;
    int rc = register_source(&f, path);
    if (rc != CRISK_OK)
        return rc;
    crisk__csv_info info;
    f.rep.progress = crisk_builder_progress(b, &f.rep.progress_ctx);
    rc = crisk__csv_read(&f.rep, on_record, &f, 1, &info);
    crisk_builder_set_source_rows(b, f.source, info.rows);
    if (info.sha256[0] != '\0')
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

int crisk__native_load(crisk_builder *b, const char *nodes_path, const char *edges_path,
                       const struct crisk__colmap *map, crisk_diagnostics *diags,
                       crisk_error *err)
{
    if (nodes_path == NULL)
        return crisk_error_set(err, CRISK_EUSAGE, edges_path, 0, 0,
                               "an edges file needs a nodes file (--nodes)");
    /* Numbers are read in the C locale whatever the caller set. */
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;

    int nodes_usable = 0;
    int rc = load_file(b, nodes_path, &node_schema, map, 1, diags, err, &nodes_usable);
    /* Without the nodes, every edge would be reported as an unknown node:
     * still check edges.csv, but add none of it. */
    if (rc == CRISK_OK && edges_path != NULL)
        rc = load_file(b, edges_path, &edge_schema, map, nodes_usable, diags, err, NULL);

    if (c_numeric != (locale_t)0) {
        uselocale(previous);
        freelocale(c_numeric);
    }
    return rc;
}
