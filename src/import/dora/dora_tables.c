/*
 * dora_tables.c - what the DORA importer reads of each template, and the
 * checks one header or one cell can answer.
 *
 * The schema is a table per template (formats/dora-roi-columns.md §4):
 * column code, a label for messages, a value type, and whether the column
 * must be there and the cell filled (mapping §9).  Columns are matched by
 * header name, case-insensitively, in any order; unknown columns warn.
 *
 * Each data row becomes one row of interned strings (trimmed; "Not
 * Applicable" emptied in identifier columns), so later stages compare values
 * by pointer.  A cell that breaks its type is reported and its bit set in the
 * row's `bad` mask: the row stays, so that its other cells still resolve
 * references (one typo does not cascade into "unknown provider" errors), and
 * the rules that need that cell skip it.
 *
 * Severity: problems in a table the graph uses are errors; B_01.03 and
 * B_04.01 (and FilingIndicators.csv's own cells) are validated only, so their
 * problems are warnings.  CSV syntax and encoding problems come from
 * csv_reader.c and are always errors.
 */
#include "dora_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- schemas ------------------------------------------------------------------ */

#define NEED DC_NEEDED
#define KEY  (DC_NEEDED | DC_NONEMPTY)
#define L(x) DT_LIST, &dora_list_##x

static const dora_column parameters_columns[] = {
    { "name", "parameter name", DT_TEXT, NULL, NEED },
    { "value", "parameter value", DT_TEXT, NULL, NEED },
};
static const dora_column filing_columns[] = {
    { "templateID", "template", DT_TEXT, NULL, KEY },
    { "reported", "filing indicator", DT_FLAG, NULL, NEED },
};
static const dora_column b0102_columns[] = {
    { "c0010", "entity LEI", DT_KEY, NULL, KEY },
    { "c0020", "entity name", DT_TEXT, NULL, 0 },
    { "c0030", "country", L(country), 0 },
    { "c0040", "type of entity", L(entity_type), 0 },
    { "c0050", "hierarchy", L(hierarchy), 0 },
    { "c0060", "parent LEI", DT_KEY, NULL, 0 },
    { "c0070", "date of last update", DT_DATE, NULL, 0 },
    { "c0080", "date of integration", DT_DATE, NULL, 0 },
    { "c0090", "date of deletion", DT_DATE, NULL, 0 },
    { "c0100", "currency", L(currency), 0 },
    { "c0110", "total assets", DT_AMOUNT, NULL, 0 },
};
static const dora_column b0103_columns[] = {
    { "c0010", "branch code", DT_KEY, NULL, KEY },
    { "c0020", "head office LEI", DT_KEY, NULL, KEY },
    { "c0030", "branch name", DT_TEXT, NULL, 0 },
    { "c0040", "branch country", L(country), 0 },
};
static const dora_column b0201_columns[] = {
    { "c0010", "arrangement reference", DT_KEY, NULL, KEY },
    { "c0020", "arrangement type", L(arrangement), 0 },
    { "c0030", "overarching arrangement", DT_KEY, NULL, 0 },
    { "c0040", "currency", L(currency), 0 },
    { "c0050", "annual expense", DT_AMOUNT, NULL, 0 },
};
static const dora_column b0202_columns[] = {
    { "c0010", "arrangement reference", DT_KEY, NULL, KEY },
    { "c0020", "entity LEI", DT_KEY, NULL, KEY },
    { "c0030", "provider code", DT_KEY, NULL, KEY },
    { "c0040", "type of provider code", L(code_type), 0 },
    { "c0050", "function identifier", DT_KEY, NULL, KEY },
    { "c0060", "ICT service type", L(service), KEY },
    { "c0070", "start date", DT_DATE, NULL, 0 },
    { "c0080", "end date", DT_DATE, NULL, 0 },
    { "c0090", "termination reason", L(termination), 0 },
    { "c0100", "notice period for the entity", DT_NATURAL, NULL, 0 },
    { "c0110", "notice period for the provider", DT_NATURAL, NULL, 0 },
    { "c0120", "country of governing law", L(country), 0 },
    { "c0130", "country of provision", L(country), 0 },
    { "c0140", "storage of data", L(yes_no), 0 },
    { "c0150", "location of data at rest", L(country), 0 },
    { "c0160", "location of data processing", L(country), 0 },
    { "c0170", "data sensitiveness", L(sensitiveness), 0 },
    { "c0180", "level of reliance", L(reliance), 0 },
};
static const dora_column b0203_columns[] = {
    { "c0010", "intra-group arrangement", DT_KEY, NULL, KEY },
    { "c0020", "linked arrangement", DT_KEY, NULL, KEY },
    { "c0030", "link", DT_TEXT, NULL, 0 },
};
static const dora_column b0303_columns[] = {
    { "c0010", "arrangement reference", DT_KEY, NULL, KEY },
    { "c0020", "providing entity LEI", DT_KEY, NULL, 0 },
    { "c0031", "link", DT_TEXT, NULL, 0 },
};
static const dora_column b0401_columns[] = {
    { "c0010", "arrangement reference", DT_KEY, NULL, KEY },
    { "c0020", "entity LEI", DT_KEY, NULL, NEED },
    { "c0030", "nature of the entity", L(nature), 0 },
    { "c0040", "branch code", DT_KEY, NULL, 0 },
};
static const dora_column b0501_columns[] = {
    { "c0010", "provider code", DT_KEY, NULL, KEY },
    { "c0020", "type of code", L(code_type), 0 },
    { "c0030", "additional code", DT_KEY, NULL, 0 },
    { "c0040", "type of additional code", L(code_type), 0 },
    { "c0050", "legal name", DT_TEXT, NULL, 0 },
    { "c0060", "name in Latin alphabet", DT_TEXT, NULL, 0 },
    { "c0070", "type of person", L(person), 0 },
    { "c0080", "headquarters country", L(country), 0 },
    { "c0090", "currency", L(currency), 0 },
    { "c0100", "annual expense", DT_AMOUNT, NULL, 0 },
    { "c0110", "ultimate parent code", DT_KEY, NULL, 0 },
    { "c0120", "type of parent code", L(code_type), 0 },
};
static const dora_column b0502_columns[] = {
    { "c0010", "arrangement reference", DT_KEY, NULL, KEY },
    { "c0020", "ICT service type", L(service), KEY },
    { "c0030", "provider code", DT_KEY, NULL, KEY },
    { "c0040", "type of code", L(code_type), 0 },
    { "c0050", "rank", DT_NATURAL, NULL, KEY },
    { "c0060", "recipient code", DT_KEY, NULL, NEED },
    { "c0070", "type of recipient code", L(code_type), 0 },
};
static const dora_column b0601_columns[] = {
    { "c0010", "function identifier", DT_KEY, NULL, KEY },
    { "c0020", "licensed activity", L(activity), 0 },
    { "c0030", "function name", DT_TEXT, NULL, 0 },
    { "c0040", "entity LEI", DT_KEY, NULL, KEY },
    { "c0050", "criticality assessment", L(criticality), 0 },
    { "c0060", "reasons for criticality", DT_TEXT, NULL, 0 },
    { "c0070", "date of last assessment", DT_DATE, NULL, 0 },
    { "c0080", "recovery time objective", DT_NATURAL, NULL, 0 },
    { "c0090", "recovery point objective", DT_NATURAL, NULL, 0 },
    { "c0100", "impact of discontinuing", L(impact), 0 },
};
static const dora_column b0701_columns[] = {
    { "c0010", "arrangement reference", DT_KEY, NULL, KEY },
    { "c0020", "provider code", DT_KEY, NULL, KEY },
    { "c0030", "type of code", L(code_type), 0 },
    { "c0040", "ICT service type", L(service), KEY },
    { "c0050", "substitutability", L(substitutability), NEED },
    { "c0060", "reason for the substitutability", L(subst_reason), 0 },
    { "c0070", "date of last audit", DT_DATE, NULL, 0 },
    { "c0080", "exit plan", L(yes_no), 0 },
    { "c0090", "possibility of reintegration", L(reintegration), 0 },
    { "c0100", "impact of discontinuing", L(impact), 0 },
    { "c0110", "alternative providers identified", L(criticality), 0 },
    { "c0120", "alternative providers", DT_TEXT, NULL, 0 },
};

#define COLS(a) a, sizeof a / sizeof a[0]

/* Indexed by dora_tab. */
const dora_table_spec dora_tables[TAB_COUNT] = {
    { NULL, "parameters.csv", "report parameters", 0, 1, COLS(parameters_columns) },
    { NULL, "FilingIndicators.csv", "filing indicators", 0, 0, COLS(filing_columns) },
    { "B_01.02", "b_01.02.csv", "entities in the scope of the register", 0, 1, COLS(b0102_columns) },
    { "B_01.03", "b_01.03.csv", "branches", 0, 0, COLS(b0103_columns) },
    { "B_02.01", "b_02.01.csv", "contractual arrangements: general", 1, 1, COLS(b0201_columns) },
    { "B_02.02", "b_02.02.csv", "contractual arrangements: specific", 1, 1, COLS(b0202_columns) },
    { "B_02.03", "b_02.03.csv", "intra-group arrangements", 0, 1, COLS(b0203_columns) },
    { "B_03.03", "b_03.03.csv", "entities providing ICT services within the group", 0, 1,
      COLS(b0303_columns) },
    { "B_04.01", "b_04.01.csv", "entities making use of the ICT services", 0, 0, COLS(b0401_columns) },
    { "B_05.01", "b_05.01.csv", "ICT third-party service providers", 1, 1, COLS(b0501_columns) },
    { "B_05.02", "b_05.02.csv", "ICT service supply chains", 0, 1, COLS(b0502_columns) },
    { "B_06.01", "b_06.01.csv", "functions", 1, 1, COLS(b0601_columns) },
    { "B_07.01", "b_07.01.csv", "assessment of the ICT services", 0, 1, COLS(b0701_columns) },
};

/* Every template of the package, in filing-indicator order. */
const dora_template dora_templates[] = {
    { "B_01.01", "b_01.01.csv", -1 },        { "B_01.02", "b_01.02.csv", TAB_B0102 },
    { "B_01.03", "b_01.03.csv", TAB_B0103 }, { "B_02.01", "b_02.01.csv", TAB_B0201 },
    { "B_02.02", "b_02.02.csv", TAB_B0202 }, { "B_02.03", "b_02.03.csv", TAB_B0203 },
    { "B_03.01", "b_03.01.csv", -1 },        { "B_03.02", "b_03.02.csv", -1 },
    { "B_03.03", "b_03.03.csv", TAB_B0303 }, { "B_04.01", "b_04.01.csv", TAB_B0401 },
    { "B_05.01", "b_05.01.csv", TAB_B0501 }, { "B_05.02", "b_05.02.csv", TAB_B0502 },
    { "B_06.01", "b_06.01.csv", TAB_B0601 }, { "B_07.01", "b_07.01.csv", TAB_B0701 },
    { "B_99.01", "b_99.01.csv", -1 },
};
const size_t dora_template_count = sizeof dora_templates / sizeof dora_templates[0];

/* ---- tuple maps ----------------------------------------------------------------- */

uint64_t dora_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

/* Pointers hash by address: fine, since no output ever depends on the
 * order of a map (maps are only probed, never walked). */
static size_t slot_of(const dora_map *m, const void *const *key)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < m->width; i++)
        h = dora_mix(h ^ (uint64_t)(uintptr_t)key[i]);
    return (size_t)h & (m->cap - 1);
}

void dora_map_init(dora_map *m, size_t width)
{
    memset(m, 0, sizeof *m);
    m->width = width;
}

void dora_map_release(dora_map *m)
{
    free(m->keys);
    free(m->values);
    dora_map_init(m, m->width);
}

static int same_key(const dora_map *m, size_t slot, const void *const *key)
{
    return memcmp(&m->keys[slot * m->width], key, m->width * sizeof *key) == 0;
}

static int map_grow(dora_map *m)
{
    size_t cap = m->cap ? 2 * m->cap : 64;
    const void **keys = calloc(cap * m->width, sizeof *keys);
    uint32_t *values = malloc(cap * sizeof *values);
    if (keys == NULL || values == NULL) {
        free(keys);
        free(values);
        return -1;
    }
    dora_map old = *m;
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        const void *const *key = &old.keys[i * m->width];
        if (key[0] == NULL)
            continue;
        size_t s = slot_of(m, key);
        while (m->keys[s * m->width] != NULL)
            s = (s + 1) & (cap - 1);
        memcpy(&m->keys[s * m->width], key, m->width * sizeof *key);
        m->values[s] = old.values[i];
    }
    free(old.keys);
    free(old.values);
    return 0;
}

uint32_t dora_map_put(dora_map *m, const void *const *key, uint32_t value)
{
    if (2 * (m->count + 1) > m->cap && map_grow(m) != 0)
        return DORA_ENOMEM;
    size_t s = slot_of(m, key);
    while (m->keys[s * m->width] != NULL) {
        if (same_key(m, s, key))
            return m->values[s];
        s = (s + 1) & (m->cap - 1);
    }
    memcpy(&m->keys[s * m->width], key, m->width * sizeof *key);
    m->values[s] = value;
    m->count++;
    return DORA_NONE;
}

uint32_t dora_map_get(const dora_map *m, const void *const *key)
{
    if (m->cap == 0)
        return DORA_NONE;
    size_t s = slot_of(m, key);
    while (m->keys[s * m->width] != NULL) {
        if (same_key(m, s, key))
            return m->values[s];
        s = (s + 1) & (m->cap - 1);
    }
    return DORA_NONE;
}

/* ---- reporting -------------------------------------------------------------------- */

static int vreport(dora_import *x, const char *file, size_t line, size_t col,
                   crisk_severity sev, const char *fmt, va_list ap)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return crisk_diagnostics_add(x->diags, sev, file, line, col, "%s", msg);
}

int dora_report(dora_import *x, const char *file, size_t line, size_t col,
                crisk_severity sev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(x, file, line, col, sev, fmt, ap);
    va_end(ap);
    return rc;
}

int dora_report_cell(dora_import *x, dora_tab t, size_t row, size_t col, crisk_severity sev,
                     const char *fmt, ...)
{
    const dora_table *tab = &x->tab[t];
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(x, tab->display, tab->line[row], col == SIZE_MAX ? 0 : tab->pos[col],
                     sev, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- reading one table ---------------------------------------------------------- */

typedef struct reading {
    dora_import *x;
    dora_table *t;
    crisk_severity sev;          /* of this table's own problems */
    int header_seen;
} reading;

static char *trim(crisk__csv_field *f)
{
    char *s = f->text, *e = f->text + f->len;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    *e = '\0';
    return s;
}

static int report_header(reading *r, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report_header(reading *r, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(r->x, r->t->display, 1, col, r->sev, fmt, ap);
    va_end(ap);
    return rc;
}

static int read_header(reading *r, crisk__csv_record *rec)
{
    dora_table *t = r->t;
    const dora_table_spec *spec = t->spec;
    char q[CRISK__QUOTE_MAX];
    int ok = 1, rc = CRISK_OK;
    for (size_t i = 0; i < rec->count && rc == CRISK_OK; i++) {
        const char *name = trim(&rec->fields[i]);
        size_t c = 0;
        while (c < spec->count && crisk__strcasecmp_ascii(name, spec->columns[c].code) != 0)
            c++;
        if (c == spec->count) {
            rc = crisk_diagnostics_add(r->x->diags, CRISK_SEV_WARNING, t->display, 1, i + 1,
                                       "unknown column '%s' (ignored)", crisk__quote(q, name));
        } else if (t->pos[c] != 0) {
            ok = 0;
            rc = report_header(r, i + 1, "duplicate column '%s' (also column %zu)",
                               crisk__quote(q, name), t->pos[c]);
        } else {
            t->pos[c] = i + 1;
        }
    }
    for (size_t c = 0; c < spec->count && rc == CRISK_OK; c++) {
        if ((spec->columns[c].flags & DC_NEEDED) && t->pos[c] == 0) {
            ok = 0;
            rc = report_header(r, 0, "missing column %s (%s)", spec->columns[c].code,
                               spec->columns[c].label);
        }
    }
    if (!ok && spec->graph)
        r->x->structural = 1;
    t->usable = ok;
    /* Only the columns the file has are stored. */
    for (size_t c = 0; c < spec->count; c++)
        t->slot[c] = t->pos[c] != 0 ? t->width++ : SIZE_MAX;
    return rc;
}

static int grow_rows(dora_table *t)
{
    if (t->rows < t->cap)
        return CRISK_OK;
    size_t cap = t->cap ? 2 * t->cap : 64;
    const char **cell = realloc(t->cell, cap * (t->width ? t->width : 1) * sizeof *cell);
    if (cell == NULL)
        return CRISK_ENOMEM;
    t->cell = cell;
    size_t *line = realloc(t->line, cap * sizeof *line);
    if (line == NULL)
        return CRISK_ENOMEM;
    t->line = line;
    uint32_t *bad = realloc(t->bad, cap * sizeof *bad);
    if (bad == NULL)
        return CRISK_ENOMEM;
    t->bad = bad;
    t->cap = cap;
    return CRISK_OK;
}

static int is_not_applicable(const char *v)
{
    return crisk__strcasecmp_ascii(v, "Not Applicable") == 0;
}

static int is_flag(const char *v)
{
    return crisk__strcasecmp_ascii(v, "true") == 0 || crisk__strcasecmp_ascii(v, "false") == 0;
}

/* The reason `v` is not a valid value of `col`, written into `why`, or 0. */
static int cell_problem(const dora_column *col, const char *v, char *why, size_t size)
{
    char hint[64], expected[256];
    double amount;
    uint64_t n;
    switch (col->type) {
    case DT_DATE:
        return dora_is_date(v) ? 0 : snprintf(why, size, "expected a date yyyy-mm-dd");
    case DT_NATURAL:
        return dora_parse_natural(v, &n) == 0 ? 0
             : snprintf(why, size, "expected a natural number: 0, 1, 2, ...");
    case DT_AMOUNT:
        if (dora_parse_amount(v, &amount) != 0)
            return snprintf(why, size, "expected a decimal number such as 1500.50");
        return amount >= 0 ? 0 : snprintf(why, size, "must be >= 0");
    case DT_FLAG:
        return is_flag(v) ? 0 : snprintf(why, size, "expected true or false");
    case DT_LIST:
        if (dora_list_find(col->list, v, hint, sizeof hint) >= 0)
            return 0;
        if (hint[0] != '\0')
            return snprintf(why, size, "did you mean '%s'?", hint);
        return snprintf(why, size, "expected %s",
                        dora_list_expected(col->list, expected, sizeof expected));
    default:
        return 0;
    }
}

static int check_cell(reading *r, size_t row, size_t c, const char *v, size_t line)
{
    dora_table *t = r->t;
    const dora_column *col = &t->spec->columns[c];
    char q[CRISK__QUOTE_MAX], why[384];
    int rc = CRISK_OK;
    if (v[0] == '\0') {
        if (col->flags & DC_NONEMPTY)
            rc = crisk_diagnostics_add(r->x->diags, r->sev, t->display, line, t->pos[c],
                                       "empty %s in %s", col->label, col->code);
        else
            return CRISK_OK;
    } else if (cell_problem(col, v, why, sizeof why) > 0) {
        const char *what = col->type == DT_LIST ? "unknown" : "invalid";
        const char *label = col->type == DT_LIST ? dora_list_what(col->list) : col->label;
        rc = crisk_diagnostics_add(r->x->diags, r->sev, t->display, line, t->pos[c],
                                   "%s %s '%s' in %s (%s)", what, label,
                                   crisk__quote(q, v), col->code, why);
    } else {
        return CRISK_OK;
    }
    t->bad[row] |= 1u << c;
    return rc;
}

static int read_row(reading *r, crisk__csv_record *rec)
{
    dora_table *t = r->t;
    const dora_table_spec *spec = t->spec;
    if (grow_rows(t) != CRISK_OK)
        return CRISK_ENOMEM;
    size_t row = t->rows;
    const char **cells = &t->cell[row * t->width];
    t->line[row] = rec->line;
    t->bad[row] = 0;
    for (size_t c = 0; c < spec->count; c++) {
        if (t->slot[c] == SIZE_MAX)
            continue;   /* absent, and not needed: the header said so */
        crisk__csv_field *f = &rec->fields[t->pos[c] - 1];
        const char *v = trim(f);
        if (spec->columns[c].type == DT_KEY && is_not_applicable(v))
            v = "";
        const char *interned = crisk__pool_intern(&r->x->pool, v, strlen(v));
        cells[t->slot[c]] = interned;
        if (interned == NULL || check_cell(r, row, c, v, f->line) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    t->rows++;
    return CRISK_OK;
}

static int on_record(void *ctx, crisk__csv_record *rec)
{
    reading *r = ctx;
    if (!r->header_seen) {
        r->header_seen = 1;
        if (rec->number == 0)
            return read_header(r, rec);
        /* The header was malformed (already reported): no column is known. */
    }
    if (!r->t->usable)
        return CRISK_OK;
    return read_row(r, rec);
}

/* Read one table of the package, if it is there, and register it as a
 * source. */
static int read_table(dora_import *x, dora_tab tab)
{
    dora_table *t = &x->tab[tab];
    t->spec = &dora_tables[tab];
    const char *name = dora_package_find(&x->pkg, t->spec->file);
    snprintf(t->display, sizeof t->display, "reports/%s", name ? name : t->spec->file);
    t->empty = x->empty;
    for (size_t c = 0; c < DORA_MAX_SCHEMA; c++)
        t->slot[c] = SIZE_MAX;
    if (name == NULL)
        return CRISK_OK;
    t->present = 1;
    t->empty = x->empty;
    reading r = { x, t, t->spec->graph ? CRISK_SEV_ERROR : CRISK_SEV_WARNING, 0 };
    crisk__csv_info info;
    size_t reader_errors = 0;
    int rc = dora_package_read_csv(&x->pkg, name, t->display, on_record, &r, x->diags, &info,
                                   &reader_errors, x->err);
    if (rc != CRISK_OK)
        return rc;
    if (reader_errors > 0 || !r.header_seen) {
        x->structural = 1;
        t->usable = 0;
    }
    t->file_rows = info.rows;
    rc = crisk_builder_add_source(x->b, &x->source[tab], t->display, "dora",
                                  info.sha256[0] ? info.sha256 : NULL, info.bytes, x->err);
    if (rc == CRISK_OK)
        crisk_builder_set_source_rows(x->b, x->source[tab], info.rows);
    return rc;
}

static int is_known_file(const char *name)
{
    if (crisk__strcasecmp_ascii(name, "report.json") == 0)
        return 1;
    for (size_t i = 0; i < TAB_COUNT; i++)
        if (crisk__strcasecmp_ascii(name, dora_tables[i].file) == 0)
            return 1;
    for (size_t i = 0; i < dora_template_count; i++)
        if (crisk__strcasecmp_ascii(name, dora_templates[i].file) == 0)
            return 1;
    return 0;
}

/* Files in reports/ that no template explains: probably a misnamed one. */
static int report_unknown_files(dora_import *x)
{
    char display[512], q[CRISK__QUOTE_MAX];
    for (size_t i = 0; i < x->pkg.count; i++) {
        if (is_known_file(x->pkg.names[i]))
            continue;
        snprintf(display, sizeof display, "reports/%s", crisk__quote(q, x->pkg.names[i]));
        if (dora_report(x, display, 0, 0, CRISK_SEV_WARNING,
                        "not a file of the DORA report package (ignored)") != CRISK_OK)
            return CRISK_ENOMEM;
    }
    return CRISK_OK;
}

static int report_missing_tables(dora_import *x)
{
    for (size_t i = 0; i < TAB_COUNT; i++) {
        const dora_table *t = &x->tab[i];
        if (!t->spec->needed || t->present)
            continue;
        x->structural = 1;
        if (dora_report(x, t->display, 0, 0, CRISK_SEV_ERROR,
                        "needed table %s (%s) is missing from the package",
                        t->spec->template_id, t->spec->title) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    return CRISK_OK;
}

int dora_tables_read(dora_import *x)
{
    int rc = report_unknown_files(x);
    for (size_t i = 0; i < TAB_COUNT && rc == CRISK_OK; i++)
        rc = read_table(x, (dora_tab)i);
    if (rc == CRISK_OK)
        rc = report_missing_tables(x);
    return rc;
}
