/*
 * scenario_file.c - the scenario-file reader (chainrisk/scenario.h,
 * data/README.md "Scenario files").
 *
 * A scenario file is outside data like an inventory, so it is read here,
 * in the import layer, with the project's CSV reader (syntax, encoding and
 * size checks, FILE:LINE:COLUMN positions) and handed on as a plain
 * scenario set (model layer) that the engine (analysis) evaluates.  The
 * failure terms of `fails` are resolved against the inventory by the
 * model's selector, the one parser every command shares.
 *
 * Columns: id and fails required; name, hours, description optional; any
 * order, names matched case-insensitively, unknown columns ignored with a
 * warning.  A row with a bad cell is reported cell by cell; one pass
 * reports every problem; on any error no set is returned.
 */
#include "csv_reader.h"
#include "native_schema.h"
#include "model/scenario_set.h"
#include "util/quote.h"
#include "util/util.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum column { COL_ID, COL_NAME, COL_FAILS, COL_HOURS, COL_DESCRIPTION, COLUMNS };

static const char *const column_names[COLUMNS] = { "id", "name", "fails", "hours", "description" };
static const unsigned required = 1u << COL_ID | 1u << COL_FAILS;

typedef struct scenario_file {
    crisk__csv_report rep;
    const crisk_inventory *inv;
    crisk_selector *sel;
    crisk_scenario_set *set;
    int header_ok;
    int full;                       /* CRISK_MAX_SCENARIOS reached (reported once) */
    size_t position[COLUMNS];       /* CSV column (1-based) of each; 0 = absent */
    uint32_t *nodes;                /* the row's nodes */
    size_t n_nodes, cap_nodes;
    char *term;                     /* the term being read, unescaped */
    size_t term_cap;
} scenario_file;

static int report(scenario_file *f, crisk_severity sev, size_t line, size_t column,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int report(scenario_file *f, crisk_severity sev, size_t line, size_t column,
                  const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return crisk__csv_report_add(&f->rep, sev, sev == CRISK_SEV_ERROR ? CRISK_EINVALID : CRISK_OK,
                                 line, column, "%s", msg);
}

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

/* ---- the header ----------------------------------------------------------------- */

static int read_header(scenario_file *f, crisk__csv_record *rec)
{
    char q[CRISK__QUOTE_MAX];
    int rc = CRISK_OK;
    for (size_t i = 0; i < rec->count && rc == CRISK_OK; i++) {
        const char *name = trim(&rec->fields[i]);
        size_t line = rec->fields[i].line;
        int k = -1;
        for (int c = 0; c < COLUMNS && k < 0; c++)
            if (crisk__strcasecmp_ascii(name, column_names[c]) == 0)
                k = c;
        if (name[0] == '\0')
            rc = report(f, CRISK_SEV_ERROR, line, i + 1, "empty column name");
        else if (k < 0)
            rc = report(f, CRISK_SEV_WARNING, line, i + 1, "unknown column '%s' (ignored)",
                        crisk__quote(q, name));
        else if (f->position[k] != 0)
            rc = report(f, CRISK_SEV_ERROR, line, i + 1, "duplicate column '%s' (same as column %zu)",
                        crisk__quote(q, name), f->position[k]);
        else
            f->position[k] = i + 1;
    }
    f->header_ok = 1;
    for (int c = 0; c < COLUMNS && rc == CRISK_OK; c++)
        if ((required & (1u << c)) && f->position[c] == 0) {
            f->header_ok = 0;
            rc = report(f, CRISK_SEV_ERROR, rec->line, 0, "missing required column '%s'",
                        column_names[c]);
        }
    return rc;
}

/* ---- cells -------------------------------------------------------------------------- */

/* The next ';'-separated term of *p into f->term (";;" is a ';' in it):
 * 1 when one was read (perhaps empty), 0 at the end. */
static int next_term(scenario_file *f, const char **p)
{
    const char *s = *p;
    if (s == NULL)
        return 0;
    size_t len = 0;
    if (crisk__grow((void **)&f->term, &f->term_cap, strlen(s) + 1, 1) != 0)
        return -1;
    for (;;) {
        if (*s == '\0') {
            *p = NULL;
            break;
        }
        if (*s == ';' && s[1] == ';') {
            f->term[len++] = ';';
            s += 2;
            continue;
        }
        if (*s == ';') {
            *p = s + 1;
            break;
        }
        f->term[len++] = *s++;
    }
    f->term[len] = '\0';
    return 1;
}

static int only_blanks(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

static int add_nodes(scenario_file *f, const uint32_t *nodes, size_t count)
{
    if (crisk__grow((void **)&f->nodes, &f->cap_nodes, f->n_nodes + count, sizeof *f->nodes))
        return CRISK_ENOMEM;
    memcpy(f->nodes + f->n_nodes, nodes, count * sizeof *nodes);
    f->n_nodes += count;
    return CRISK_OK;
}

/* Hints cost an edit distance per node: only for messages that are kept. */
static int message_is_kept(const scenario_file *f)
{
    const crisk_diagnostics *d = f->rep.diags;
    return d->stored_errors < (d->limit ? d->limit : CRISK_DIAGNOSTICS_LIMIT);
}

/* Resolve every term of the fails cell (*text: the cell, trimmed); *bad
 * is set on a reported error. */
static int read_fails(scenario_file *f, crisk__csv_field *field, size_t column, const char **text,
                      int *bad)
{
    const char *p = *text = trim(field);
    size_t terms = 0;
    f->n_nodes = 0;
    for (int got; (got = next_term(f, &p)) != 0;) {
        if (got < 0)
            return CRISK_ENOMEM;
        if (only_blanks(f->term))
            continue;   /* "a; b;" - a trailing separator is no term */
        terms++;
        const uint32_t *nodes = NULL;
        size_t count = 0;
        crisk_error err = CRISK_ERROR_INIT;
        crisk_selector_hints(f->sel, message_is_kept(f));
        int rc = crisk_selector_match(f->sel, f->term, &nodes, &count, &err);
        if (rc == CRISK_ENOMEM)
            return rc;
        if (rc != CRISK_OK) {
            *bad = 1;
            rc = report(f, CRISK_SEV_ERROR, field->line, column, "%s", err.message);
        } else if (count == 0) {
            char why[CRISK_ERROR_MESSAGE_MAX];
            rc = report(f, CRISK_SEV_WARNING, field->line, column, "%s",
                        crisk_selector_explain_empty(f->sel, f->term, why, sizeof why));
        } else {
            rc = add_nodes(f, nodes, count);
        }
        if (rc != CRISK_OK)
            return rc;
    }
    if (terms == 0) {
        *bad = 1;
        return report(f, CRISK_SEV_ERROR, field->line, column, "no failure term in 'fails'");
    }
    return CRISK_OK;
}

static int read_hours(scenario_file *f, crisk__csv_field *field, size_t column, double *hours,
                      int *bad)
{
    char q[CRISK__QUOTE_MAX];
    const char *v = trim(field);
    *hours = NAN;
    if (v[0] == '\0')
        return CRISK_OK;   /* each node for its recovery_hours */
    double x;
    if (crisk__native_parse_number(v, &x) != 0) {
        *bad = 1;
        return report(f, CRISK_SEV_ERROR, field->line, column, "invalid hours '%s' (not a number)",
                      crisk__quote(q, v));
    }
    if (x < 0) {
        *bad = 1;
        return report(f, CRISK_SEV_ERROR, field->line, column, "invalid hours '%s' (must be >= 0)",
                      crisk__quote(q, v));
    }
    *hours = x;
    return CRISK_OK;
}

/* ---- rows ------------------------------------------------------------------------------ */

static crisk__csv_field *cell(crisk__csv_record *rec, const scenario_file *f, enum column c)
{
    return f->position[c] != 0 ? &rec->fields[f->position[c] - 1] : NULL;
}

/* The id cell: non-empty and not seen before. */
static int read_id(scenario_file *f, crisk__csv_field *field, size_t column, const char **id,
                   int *bad)
{
    char q[CRISK__QUOTE_MAX];
    *id = trim(field);
    size_t first;
    if ((*id)[0] == '\0') {
        *bad = 1;
        *id = NULL;
        return report(f, CRISK_SEV_ERROR, field->line, column, "empty scenario id");
    }
    if (crisk_scenario_set_find(f->set, *id, &first) == CRISK_OK) {
        crisk_scenario before;
        crisk_scenario_set_get(f->set, first, &before);
        *bad = 1;
        *id = NULL;   /* not added again */
        return report(f, CRISK_SEV_ERROR, field->line, column,
                      "duplicate scenario id '%s' (first on line %zu)", crisk__quote(q, field->text),
                      before.line);
    }
    return CRISK_OK;
}

/* A row's scenario is added even when a cell was bad: the load fails then
 * anyway, and its id still shows later duplicates. */
static int scenario_row(scenario_file *f, crisk__csv_record *rec)
{
    if (f->full)
        return CRISK_OK;
    int bad = 0;
    crisk_scenario sc = { .hours = NAN, .line = rec->line };
    crisk__csv_field *name = cell(rec, f, COL_NAME), *hours = cell(rec, f, COL_HOURS);
    crisk__csv_field *description = cell(rec, f, COL_DESCRIPTION);
    int rc = read_id(f, cell(rec, f, COL_ID), f->position[COL_ID], &sc.id, &bad);
    if (rc == CRISK_OK)
        rc = read_fails(f, cell(rec, f, COL_FAILS), f->position[COL_FAILS], &sc.fails, &bad);
    if (rc == CRISK_OK && hours != NULL)
        rc = read_hours(f, hours, f->position[COL_HOURS], &sc.hours, &bad);
    if (rc != CRISK_OK || sc.id == NULL)
        return rc;
    sc.name = name != NULL ? trim(name) : "";
    sc.description = description != NULL ? trim(description) : "";
    sc.nodes = f->nodes;
    sc.n_nodes = bad ? 0 : f->n_nodes;
    crisk_error err = CRISK_ERROR_INIT;
    rc = crisk_scenario_set_add(f->set, &sc, &err);
    if (rc == CRISK_ELIMIT) {
        f->full = 1;
        return crisk__csv_report_add(&f->rep, CRISK_SEV_ERROR, CRISK_ELIMIT, rec->line, 0, "%s",
                                     err.message);
    }
    return rc;
}

static int on_record(void *ctx, crisk__csv_record *rec)
{
    scenario_file *f = ctx;
    if (rec->number == 0)
        return read_header(f, rec);
    if (!f->header_ok)
        return CRISK_OK;   /* no usable header: only the reader's checks apply */
    return scenario_row(f, rec);
}

/* ---- the file ------------------------------------------------------------------------- */

static int first_error(const crisk_diagnostics *diags, int code, crisk_error *err)
{
    for (size_t i = 0; i < diags->count; i++) {
        const crisk_diag *d = &diags->items[i];
        if (d->severity == CRISK_SEV_ERROR)
            return crisk_error_set(err, code, d->file, d->line, d->column, "%s", d->message);
    }
    return crisk_error_set(err, code, NULL, 0, 0, "%zu errors", diags->errors);
}

static int read_file(scenario_file *f, const char *path, crisk_error *err)
{
    crisk__csv_info info;
    memset(&info, 0, sizeof info);
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;
    int rc = crisk__csv_read(&f->rep, on_record, f, 1, &info);
    if (c_numeric != (locale_t)0) {
        uselocale(previous);
        freelocale(c_numeric);
    }
    if (rc == CRISK_OK && crisk__scenario_set_source(f->set, path, info.sha256, info.bytes,
                                                         info.rows) != CRISK_OK)
        rc = CRISK_ENOMEM;
    switch (rc) {
    case CRISK_OK:
        return f->rep.status;
    case CRISK_ENOMEM:
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    case CRISK_EIO:
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "cannot read file");
    default:
        return rc;   /* reported to diags (missing, too large, UTF-16) */
    }
}

int crisk_scenario_set_load(crisk_scenario_set **out, const crisk_inventory *inv,
                            const char *path, crisk_diagnostics *diags, crisk_error *err)
{
    *out = NULL;
    scenario_file f;
    memset(&f, 0, sizeof f);
    f.inv = inv;
    f.rep.path = path;
    f.rep.diags = diags;
    int rc = crisk_scenario_set_new(&f.set, err);
    if (rc == CRISK_OK)
        rc = crisk_selector_new(&f.sel, inv, err);
    if (rc == CRISK_OK)
        rc = read_file(&f, path, err);
    crisk_diagnostics_sort(diags);
    if (rc != CRISK_OK && rc != CRISK_ENOMEM && rc != CRISK_EIO)
        rc = first_error(diags, rc, err);   /* every problem is in diags */
    if (rc == CRISK_OK) {
        *out = f.set;
        f.set = NULL;
    }
    crisk_scenario_set_free(f.set);
    crisk_selector_free(f.sel);
    free(f.nodes);
    free(f.term);
    return rc;
}
