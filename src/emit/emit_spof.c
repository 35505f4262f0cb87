/*
 * emit_spof.c - single points of failure per function (`chainrisk spof`).
 *
 * Functions come sorted by id, each with its SPOFs (sorted by id by the
 * analysis) and, when asked, its minimal pairs: two nodes whose joint
 * failure takes the function down although neither does alone.  The CSV is
 * one row per (function, SPOF) and, with pairs, one per (function, pair);
 * the spof2 column is empty on single-SPOF rows.  A function without SPOFs
 * (or pairs) has no CSV row; the table and JSON still list it.
 *
 * Minimal pairs share one work budget per analysis
 * (crisk_analysis_spof_pairs): a function whose pairs it cannot afford is
 * "cut", and every format says so - a note under the function and a list
 * at the end of the table, `pairs_cut` on each CSV row (a cut function
 * without SPOFs gets a row of its own), `"pairs": null` and `"pairs_cut"`
 * in JSON - so that no one reads "no minimal pair" into a pair search that
 * never ran.
 */
#include "emit.h"
#include "workbook.h"
#include "util/quote.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

/* The functions to report, sorted by id. */
static int select_functions(const crisk_analysis *a, long function, uint32_t **out, size_t *count,
                            crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv);
    if (function >= 0) {
        if ((size_t)function >= n)
            return crisk_error_set(err, CRISK_ENOTFOUND, NULL, 0, 0, "no node %ld", function);
        crisk_node_type t = crisk_inventory_node_type(inv, (size_t)function);
        char q[CRISK__QUOTE_MAX];
        if (t != CRISK_NODE_FUNCTION)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "node '%s' is a %s, not a function",
                                   crisk__quote(q, crisk_inventory_node_id(inv, (size_t)function)),
                                   crisk_node_type_name(t));
    }
    uint32_t *fn = malloc((n ? n : 1) * sizeof *fn);
    if (fn == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0;
    if (function >= 0)
        fn[k++] = (uint32_t)function;
    else
        for (size_t v = 0; v < n; v++)
            if (crisk_inventory_node_type(inv, v) == CRISK_NODE_FUNCTION)
                fn[k++] = (uint32_t)v;
    if (crisk__sort_by_id(inv, fn, k) != CRISK_OK) {
        free(fn);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *out = fn;
    *count = k;
    return CRISK_OK;
}

/* One function's SPOFs and pairs (2 * n_pairs), both borrowed. */
typedef struct spof_set {
    const uint32_t *spofs;
    size_t n_spofs;
    const uint32_t *pairs;
    size_t n_pairs;
    int cut;                               /* pairs not computed: over the work budget */
    const char *why;                       /* the analysis' message saying so */
} spof_set;

/* A function's SPOFs; its pairs come from crisk_analysis_spof_pairs_each. */
static void spof_set_of(spof_set *s, const crisk_analysis *a, size_t function)
{
    memset(s, 0, sizeof *s);
    s->spofs = crisk_analysis_spofs(a, function, &s->n_spofs);
    if (s->spofs == NULL)
        s->n_spofs = 0;
}

/* ---- CSV and JSON ------------------------------------------------------------- */

/* A CSV row: the function, a SPOF or the first of a pair, the second of a
 * pair (SIZE_MAX: an empty cell), and whether the function's pairs were
 * cut; `function` SIZE_MAX gives the keys alone, for the header. */
static void spof_fields(crisk__field *row, const crisk_inventory *inv, size_t function, size_t a,
                        size_t b, int cut)
{
    int keys = function == SIZE_MAX;
    row[0] = crisk__f_text("function", keys ? NULL : crisk_inventory_node_id(inv, function));
    row[1] = crisk__f_text("spof", keys || a == SIZE_MAX ? NULL : crisk_inventory_node_id(inv, a));
    row[2] = crisk__f_text("spof2", keys || b == SIZE_MAX ? NULL : crisk_inventory_node_id(inv, b));
    row[3] = crisk__f_bool("pairs_cut", keys ? NAN : cut);
}

static void csv_header(FILE *f, int pairs)
{
    crisk__field row[4];
    spof_fields(row, NULL, SIZE_MAX, 0, 0, 0);
    crisk__csv_header(f, row, pairs ? 4 : 2);
}

/* One function's rows: its SPOFs (`singles`) and, with `pairs`, its pairs
 * (or one row saying they were cut when it has no SPOF row to say it on);
 * the spof2 and pairs_cut columns only with `pairs`.  Returns CRISK_OK or
 * CRISK_ENOMEM. */
static int emit_csv_function(FILE *f, const crisk_inventory *inv, crisk__id_cells *cells,
                             size_t function, const spof_set *s, int singles, int pairs)
{
    crisk__field row[4];
    size_t columns = pairs ? 4 : 2;
    int rc = CRISK_OK;
    int cut_row = s->cut && (s->n_spofs == 0 || !singles);
    if (cells != NULL && crisk__workbook_of(f) == NULL) {
        /* the bulk of a large inventory's output: tens of millions of rows */
        if (singles && !pairs)
            rc = crisk__csv_id_pairs(f, cells, function, s->spofs, s->n_spofs);
        else if (singles)
            rc = crisk__csv_id_rows(f, cells, function, s->spofs, s->n_spofs, 1,
                                    s->cut ? ",,true" : ",,false");
        if (rc == CRISK_OK && pairs)
            rc = crisk__csv_id_rows(f, cells, function, s->pairs, s->n_pairs, 2,
                                    s->cut ? ",true" : ",false");
        singles = pairs = 0;
    }
    for (size_t i = 0; singles && i < s->n_spofs && rc == CRISK_OK; i++) {
        spof_fields(row, inv, function, s->spofs[i], SIZE_MAX, s->cut);
        rc = crisk__csv_row(f, row, columns);
    }
    for (size_t i = 0; pairs && i < s->n_pairs && rc == CRISK_OK; i++) {
        spof_fields(row, inv, function, s->pairs[2 * i], s->pairs[2 * i + 1], s->cut);
        rc = crisk__csv_row(f, row, columns);
    }
    if (rc == CRISK_OK && cut_row) {
        spof_fields(row, inv, function, SIZE_MAX, SIZE_MAX, s->cut);
        rc = crisk__csv_row(f, row, columns);
    }
    return rc;
}

static void emit_json_function(FILE *f, const crisk_inventory *inv, size_t function,
                               const spof_set *s, int pairs, int first)
{
    crisk_node_view n;
    crisk_inventory_node(inv, function, &n);
    fputs(first ? "\n  {\"function\": " : ",\n  {\"function\": ", f);
    crisk_json_string(f, n.id);
    fputs(", \"name\": ", f);
    crisk_json_string(f, n.name);
    fputs(", \"criticality\": ", f);
    crisk_json_number(f, n.criticality);
    fputs(", \"spofs\": ", f);
    crisk__json_ids(f, inv, s->spofs, s->n_spofs);
    if (pairs && s->cut) {
        fputs(", \"pairs\": null, \"pairs_cut\": true", f);
    } else if (pairs) {
        fputs(", \"pairs\": [", f);
        for (size_t i = 0; i < s->n_pairs; i++) {
            fputs(i ? ", " : "", f);
            crisk__json_ids(f, inv, s->pairs + 2 * i, 2);
        }
        fputs("], \"pairs_cut\": false", f);
    }
    putc('}', f);
}

/* ---- the readable form ----------------------------------------------------------- */

static int print_heading(FILE *f, const crisk_inventory *inv, size_t function, const spof_set *s)
{
    crisk_node_view n;
    crisk_inventory_node(inv, function, &n);
    char buf[64];
    int rc = crisk__print_safe(f, n.id, 0);
    if (strcmp(n.id, n.name) != 0) {
        fputs(" \"", f);
        rc |= crisk__print_safe(f, n.name, CRISK__NAME_WIDTH);
        putc('"', f);
    }
    fprintf(f, " (criticality %s): ", crisk__amount(buf, sizeof buf, n.criticality));
    if (s->n_spofs == 0)
        fputs("no single point of failure\n", f);
    else
        fprintf(f, "%zu single point%s of failure\n", s->n_spofs, s->n_spofs == 1 ? "" : "s");
    return rc;
}

static void node_cells(crisk__table *t, const crisk_inventory *inv, size_t v)
{
    crisk_node_view n;
    crisk_inventory_node(inv, v, &n);
    crisk__table_text(t, n.id, 0);
    crisk__table_text(t, n.name, CRISK__NAME_WIDTH);
    crisk__table_text(t, crisk_node_type_name(n.type), 0);
    crisk__table_text(t, crisk_category_name(n.category), 0);
}

static int print_spofs(FILE *f, const crisk_inventory *inv, const spof_set *s)
{
    static const char *const head[] = { "spof", "name", "type", "category" };
    if (s->n_spofs == 0)
        return CRISK_OK;
    crisk__table t;
    crisk__table_init(&t, 4, head, "llll");
    for (size_t i = 0; i < s->n_spofs; i++)
        node_cells(&t, inv, s->spofs[i]);
    int rc = crisk__table_print(f, &t, "  ");
    crisk__table_release(&t);
    return rc;
}

static int print_pairs(FILE *f, const crisk_inventory *inv, const spof_set *s)
{
    static const char *const head[] = { "spof", "spof2", "name", "name2" };
    if (s->cut) {
        fputs("  ", f);
        int rc = crisk__print_safe(f, s->why, 0);
        putc('\n', f);
        return rc;
    }
    if (s->n_pairs == 0) {
        fputs("  no minimal pair\n", f);
        return CRISK_OK;
    }
    fprintf(f, "  %zu minimal pair%s (fail together, neither alone):\n", s->n_pairs,
            s->n_pairs == 1 ? "" : "s");
    crisk__table t;
    crisk__table_init(&t, 4, head, "llll");
    for (size_t i = 0; i < s->n_pairs; i++) {
        size_t x = s->pairs[2 * i], y = s->pairs[2 * i + 1];
        crisk__table_text(&t, crisk_inventory_node_id(inv, x), 0);
        crisk__table_text(&t, crisk_inventory_node_id(inv, y), 0);
        crisk__table_text(&t, crisk_inventory_node_name(inv, x), CRISK__NAME_WIDTH);
        crisk__table_text(&t, crisk_inventory_node_name(inv, y), CRISK__NAME_WIDTH);
    }
    int rc = crisk__table_print(f, &t, "    ");
    crisk__table_release(&t);
    return rc;
}

static int print_function(FILE *f, const crisk_inventory *inv, size_t function, const spof_set *s,
                          int pairs)
{
    int rc = print_heading(f, inv, function, s);
    rc |= print_spofs(f, inv, s);
    if (pairs)
        rc |= print_pairs(f, inv, s);
    return rc != CRISK_OK ? CRISK_ENOMEM : CRISK_OK;
}

/* ---- driver ------------------------------------------------------------------------ */

/* `with_spof` of the `functions` have at least one SPOF; the pairs of
 * cut[0..n_cut) were not computed. */
static int print_footer(FILE *f, const crisk_analysis *a, size_t functions, size_t with_spof,
                        const uint32_t *cut, size_t n_cut)
{
    if (functions == 0) {
        fputs("no functions in the inventory\n", f);
        return CRISK_OK;
    }
    fprintf(f, "\n%zu function%s; %zu with a single point of failure\n", functions,
            functions == 1 ? "" : "s", with_spof);
    if (n_cut == 0)
        return CRISK_OK;
    fprintf(f, "minimal pairs not computed for %zu function%s (the limit of %.3g edge visits "
               "is for all functions together): ", n_cut, n_cut == 1 ? "" : "s",
            crisk_analysis_pairs_max_work(a));
    int rc = CRISK_OK;
    for (size_t i = 0; i < n_cut; i++) {
        fputs(i ? ", " : "", f);
        rc |= crisk__print_safe(f, crisk_inventory_node_id(crisk_analysis_inventory(a), cut[i]), 0);
    }
    putc('\n', f);
    return rc;
}

/* The functions of one output, in order: each one's rows (or entry), and
 * what the table's footer says. */
typedef struct spof_emit {
    FILE *f;
    const crisk_analysis *a;
    const uint32_t *fn;
    crisk_format fmt;                  /* CSV: part of a workbook's sheet too */
    int singles, pairs;                /* CSV: which rows */
    crisk__id_cells *cells;
    size_t with_spof;
    uint32_t *cut;                     /* functions whose pairs were cut */
    size_t n_cut;
    crisk_error *err;
} spof_emit;

static int emit_function(spof_emit *e, size_t i, const spof_set *s)
{
    const crisk_inventory *inv = crisk_analysis_inventory(e->a);
    int rc = CRISK_OK;
    e->with_spof += s->n_spofs > 0;
    if (s->cut)
        e->cut[e->n_cut++] = e->fn[i];
    if (e->fmt == CRISK_FORMAT_CSV) {
        if (emit_csv_function(e->f, inv, e->cells, e->fn[i], s, e->singles, e->pairs) != CRISK_OK)
            rc = crisk_error_set(e->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    } else if (e->fmt == CRISK_FORMAT_JSON) {
        emit_json_function(e->f, inv, e->fn[i], s, e->pairs, i == 0);
    } else {
        if (i > 0)
            putc('\n', e->f);
        if (print_function(e->f, inv, e->fn[i], s, e->pairs) != CRISK_OK)
            rc = crisk_error_set(e->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return rc;
}

/* crisk_analysis_spof_pairs_each's callback: function i's pairs, in order. */
static int emit_with_pairs(void *ctx, size_t i, const uint32_t *pairs, size_t n_pairs,
                           const crisk_error *cut)
{
    spof_emit *e = ctx;
    spof_set s;
    spof_set_of(&s, e->a, e->fn[i]);
    s.pairs = pairs;
    s.n_pairs = n_pairs;
    s.cut = cut != NULL;
    s.why = cut != NULL ? cut->message : NULL;
    return emit_function(e, i, &s);
}

/* Every function of e->fn[0..k): with pairs, searched on the analysis'
 * threads and written in order as they come. */
static int emit_functions(spof_emit *e, size_t k)
{
    if (e->pairs)
        return crisk_analysis_spof_pairs_each(e->a, e->fn, k, emit_with_pairs, e, e->err);
    int rc = CRISK_OK;
    for (size_t i = 0; i < k && rc == CRISK_OK; i++) {
        spof_set s;
        spof_set_of(&s, e->a, e->fn[i]);
        rc = emit_function(e, i, &s);
    }
    return rc;
}

int crisk_emit_spof(FILE *f, const crisk_analysis *a, long function, int pairs,
                    crisk_format fmt, const crisk_provenance *prov, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    uint32_t *fn = NULL;
    size_t k = 0;
    int rc = select_functions(a, function, &fn, &k, err);
    if (rc != CRISK_OK)
        return rc;
    crisk__id_cells cells = { 0 };
    spof_emit e = { .f = f, .a = a, .fn = fn, .fmt = fmt, .singles = 1, .pairs = pairs,
                    .cells = &cells, .cut = malloc((k + 1) * sizeof *e.cut), .err = err };
    if (e.cut == NULL || (fmt == CRISK_FORMAT_CSV && crisk__id_cells_init(&cells, inv) != CRISK_OK)) {
        free(fn);
        free(e.cut);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (fmt == CRISK_FORMAT_CSV)
        csv_header(f, pairs);
    else if (fmt == CRISK_FORMAT_JSON) {
        crisk_json_begin(f, inv, prov);
        fputs("{\"functions\": [", f);
    }
    rc = emit_functions(&e, k);
    if (rc == CRISK_OK && fmt == CRISK_FORMAT_JSON) {
        fputs(k ? "\n]}" : "]}", f);
        crisk_json_end(f);
    } else if (rc == CRISK_OK && fmt == CRISK_FORMAT_TABLE && function < 0
               && print_footer(f, a, k, e.with_spof, e.cut, e.n_cut) != CRISK_OK) {
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    free(fn);
    free(e.cut);
    crisk__id_cells_release(&cells);
    return rc != CRISK_OK ? rc : crisk__emit_status(f, err);
}

/* Two tables for the export's workbook: every (function, SPOF), then every
 * (function, minimal pair) with pairs_cut, functions by id. */
int crisk__spof_sheets(FILE *f, const crisk_analysis *a, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    uint32_t *fn = NULL;
    size_t k = 0;
    int rc = select_functions(a, -1, &fn, &k, err);
    crisk__id_cells cells = { 0 };
    uint32_t *cut = rc == CRISK_OK ? malloc((k + 1) * sizeof *cut) : NULL;
    if (rc == CRISK_OK && (cut == NULL || crisk__id_cells_init(&cells, inv) != CRISK_OK))
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (int part = 0; part < 2 && rc == CRISK_OK; part++) {
        crisk__sheet_name(f, part == 0 ? "spofs" : "minimal pairs");
        crisk__sheet_whole(f, part == 0 ? "chainrisk spof --format csv"
                                        : "chainrisk spof --pairs --format csv");
        csv_header(f, part == 1);
        spof_emit e = { .f = f, .a = a, .fn = fn, .fmt = CRISK_FORMAT_CSV, .singles = part == 0,
                        .pairs = part == 1, .cells = &cells, .cut = cut, .err = err };
        rc = emit_functions(&e, k);
    }
    free(fn);
    free(cut);
    crisk__id_cells_release(&cells);
    return rc;
}
