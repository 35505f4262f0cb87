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
#include "util/quote.h"

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

/* One function's SPOFs (borrowed) and pairs (owned, 2 * n_pairs). */
typedef struct spof_set {
    const uint32_t *spofs;
    size_t n_spofs;
    uint32_t *pairs;
    size_t n_pairs;
    int cut;                               /* pairs not computed: over the work budget */
    char why[CRISK_ERROR_MESSAGE_MAX];     /* the analysis' message saying so */
} spof_set;

static int spof_set_get(spof_set *s, const crisk_analysis *a, size_t function, int pairs,
                        crisk_error *err)
{
    s->spofs = crisk_analysis_spofs(a, function, &s->n_spofs);
    s->pairs = NULL;
    s->n_pairs = 0;
    s->cut = 0;
    if (s->spofs == NULL)
        s->n_spofs = 0;
    if (!pairs)
        return CRISK_OK;
    crisk_error why = CRISK_ERROR_INIT;
    int rc = crisk_analysis_spof_pairs(a, function, &s->pairs, &s->n_pairs, &why);
    if (rc == CRISK_ELIMIT) {   /* a result, not a failure: the output says so */
        s->cut = 1;
        snprintf(s->why, sizeof s->why, "%s", why.message);
        return CRISK_OK;
    }
    if (rc != CRISK_OK && err != NULL)
        *err = why;
    return rc;
}

/* ---- CSV and JSON ------------------------------------------------------------- */

/* A row: `a` and `b` may be SIZE_MAX (an empty cell). */
static void csv_ids(FILE *f, const crisk_inventory *inv, size_t function, size_t a, size_t b,
                    int pairs, int cut)
{
    crisk_csv_text(f, crisk_inventory_node_id(inv, function));
    putc(',', f);
    if (a != SIZE_MAX)
        crisk_csv_text(f, crisk_inventory_node_id(inv, a));
    if (pairs) {
        putc(',', f);
        if (b != SIZE_MAX)
            crisk_csv_text(f, crisk_inventory_node_id(inv, b));
        fputs(cut ? ",true" : ",false", f);
    }
    putc('\n', f);
}

static void emit_csv_function(FILE *f, const crisk_inventory *inv, size_t function,
                              const spof_set *s, int pairs)
{
    for (size_t i = 0; i < s->n_spofs; i++)
        csv_ids(f, inv, function, s->spofs[i], SIZE_MAX, pairs, s->cut);
    for (size_t i = 0; i < s->n_pairs; i++)
        csv_ids(f, inv, function, s->pairs[2 * i], s->pairs[2 * i + 1], pairs, s->cut);
    if (s->cut && s->n_spofs == 0)
        csv_ids(f, inv, function, SIZE_MAX, SIZE_MAX, pairs, s->cut);
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

int crisk_emit_spof(FILE *f, const crisk_analysis *a, long function, int pairs,
                    crisk_format fmt, const crisk_provenance *prov, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    uint32_t *fn = NULL;
    size_t k = 0;
    int rc = select_functions(a, function, &fn, &k, err);
    if (rc != CRISK_OK)
        return rc;
    if (fmt == CRISK_FORMAT_CSV)
        fputs(pairs ? "function,spof,spof2,pairs_cut\n" : "function,spof\n", f);
    else if (fmt == CRISK_FORMAT_JSON) {
        crisk_json_begin(f, inv, prov);
        fputs("{\"functions\": [", f);
    }
    size_t with_spof = 0, n_cut = 0;   /* fn[0..n_cut) is reused for the cut ones */
    for (size_t i = 0; i < k && rc == CRISK_OK; i++) {
        spof_set s;
        rc = spof_set_get(&s, a, fn[i], pairs, err);
        if (rc != CRISK_OK)
            break;
        with_spof += s.n_spofs > 0;
        if (fmt == CRISK_FORMAT_CSV)
            emit_csv_function(f, inv, fn[i], &s, pairs);
        else if (fmt == CRISK_FORMAT_JSON)
            emit_json_function(f, inv, fn[i], &s, pairs, i == 0);
        else {
            if (i > 0)
                putc('\n', f);
            if (print_function(f, inv, fn[i], &s, pairs) != CRISK_OK)
                rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        }
        free(s.pairs);
        if (s.cut)
            fn[n_cut++] = fn[i];
    }
    if (rc == CRISK_OK && fmt == CRISK_FORMAT_JSON) {
        fputs(k ? "\n]}" : "]}", f);
        crisk_json_end(f);
    } else if (rc == CRISK_OK && fmt == CRISK_FORMAT_TABLE && function < 0
               && print_footer(f, a, k, with_spof, fn, n_cut) != CRISK_OK) {
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    free(fn);
    return rc != CRISK_OK ? rc : crisk__emit_status(f, err);
}
