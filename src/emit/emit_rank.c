/*
 * emit_rank.c - the DESIGN §5 per-node table (`chainrisk rank`).
 *
 * One row per node in the analysis' default order (impact_weight desc,
 * exposure desc, id asc), filtered by type and category, then cut to --top.
 * A row is described once as typed fields (emit.h) so the CSV header, the
 * CSV cells and the JSON keys cannot drift apart.
 *
 * "Not applicable" or "unknown" is an empty CSV cell / JSON null / "-" in a
 * table: the tier of a node no function reaches (DESIGN §5), and the
 * breaches of a node without recovery_hours (there is nothing to compare the
 * functions' rto_hours with, so 0 would be a guess).
 */
#include "emit.h"
#include "analysis/analysis_internal.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The columns of a row, shared with `export` (emit.h). */
void crisk__rank_fields(crisk__field *row, const crisk_node_view *n, const crisk_node_metrics *m)
{
    size_t i = 0;
    row[i++] = crisk__f_text("id", n->id);
    row[i++] = crisk__f_text("name", n->name);
    row[i++] = crisk__f_text("type", crisk_node_type_name(n->type));
    row[i++] = crisk__f_text("category", crisk_category_name(n->category));
    row[i++] = crisk__f_number("tier", m->tier < 0 ? NAN : (double)m->tier);
    row[i++] = crisk__f_count("direct_dependants", m->direct_dependants);
    row[i++] = crisk__f_count("dependants", m->dependants);
    row[i++] = crisk__f_count("functions", m->functions);
    row[i++] = crisk__f_number("exposure", m->exposure);
    row[i++] = crisk__f_count("impact", m->impact);
    row[i++] = crisk__f_number("impact_weight", m->impact_weight);
    row[i++] = crisk__f_number("impact_share", m->impact_share);
    row[i++] = crisk__f_bool("spof", m->spof ? 1 : 0);
    row[i++] = crisk__f_number("breaches", m->breaches < 0 ? NAN : (double)m->breaches);
}

/* The fields of node v; m = NULL gives the keys alone (for the CSV header).
 * Only what crisk__rank_fields reads of the node is looked up: rows come
 * in ranking order, so each of a node's attributes is a cache miss of its
 * own (crisk_inventory_node's fourteen of them were a fifth of the rows'
 * time on the Debian graph). */
static void rank_row(crisk__field *row, const crisk_inventory *inv, const crisk_node_metrics *m,
                     size_t v)
{
    static const crisk_node_metrics none = { .tier = -1 };
    crisk_node_view n = { .id = NULL, .name = NULL, .recovery_hours = NAN };
    if (m != NULL) {
        n.id = inv->id[v];
        n.name = inv->name[v];
        n.type = (crisk_node_type)inv->type[v];
        n.category = (crisk_category)inv->category[v];
    } else {
        m = &none;
    }
    crisk__rank_fields(row, &n, m);
}

/* What row i + RANK_AHEAD reads, fetched while row i is written: the rows
 * visit the nodes in ranking order, not memory order.  The node's id and
 * name pointers come a step earlier, so that its strings can follow. */
#define RANK_AHEAD 8
static void rank_prefetch(const crisk_analysis *a, const crisk_inventory *inv, const uint32_t *rows,
                          size_t count, size_t i)
{
    if (i + 2 * RANK_AHEAD < count) {
        uint32_t w = rows[i + 2 * RANK_AHEAD];
        __builtin_prefetch(&inv->id[w]);
        __builtin_prefetch(&inv->name[w]);
    }
    if (i + RANK_AHEAD < count) {
        uint32_t v = rows[i + RANK_AHEAD];
        const crisk_node_metrics *m = crisk_analysis_metrics(a, v);
        __builtin_prefetch(m);
        __builtin_prefetch((const char *)(m + 1) - 1);
        __builtin_prefetch(inv->id[v]);
        __builtin_prefetch(inv->name[v]);
        __builtin_prefetch(&inv->type[v]);
        __builtin_prefetch(&inv->category[v]);
    }
}

static int selected(const crisk_inventory *inv, size_t v, const crisk_rank_options *o)
{
    crisk_node_view n;
    crisk_inventory_node(inv, v, &n);
    return (o->type < 0 || (int)n.type == o->type) && (o->category < 0 || (int)n.category == o->category);
}

/* The rows to show, in ranking order: filtered, then cut to `top`. */
static int select_rows(const crisk_analysis *a, const crisk_rank_options *o, uint32_t **out,
                       size_t *count)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv);
    const uint32_t *ranking = crisk_analysis_ranking(a);
    uint32_t *rows = malloc((n ? n : 1) * sizeof *rows);
    if (rows == NULL)
        return CRISK_ENOMEM;
    size_t k = 0;
    if (o->type < 0 && o->category < 0) {   /* every node: no view of each */
        k = o->top < 0 || (size_t)o->top > n ? n : (size_t)o->top;
        memcpy(rows, ranking, k * sizeof *rows);
    } else {
        for (size_t i = 0; i < n && (o->top < 0 || k < (size_t)o->top); i++)
            if (selected(inv, ranking[i], o))
                rows[k++] = ranking[i];
    }
    *out = rows;
    *count = k;
    return CRISK_OK;
}

typedef struct csv_rows_ctx {
    const crisk_analysis *a;
    const crisk_inventory *inv;
    const uint32_t *rows;
    size_t count;
} csv_rows_ctx;

static void csv_row_of(void *ctx, size_t i, crisk__field *row)
{
    const csv_rows_ctx *c = ctx;
    rank_prefetch(c->a, c->inv, c->rows, c->count, i);
    rank_row(row, c->inv, crisk_analysis_metrics(c->a, c->rows[i]), c->rows[i]);
}

/* The rows are formatted on as many threads as the analysis ran on (most
 * of their time is formatting, and the sweeps' threads are idle by now),
 * and written in order. */
static int emit_csv(FILE *f, const crisk_analysis *a, const uint32_t *rows, size_t count)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk__field row[CRISK__RANK_FIELDS];
    rank_row(row, inv, NULL, 0);
    crisk__csv_header(f, row, CRISK__RANK_FIELDS);
    csv_rows_ctx ctx = { a, inv, rows, count };
    return crisk__csv_rows_parallel(f, count, CRISK__RANK_FIELDS, csv_row_of, &ctx,
                                    crisk__analysis_threads(a));
}

/* DESIGN §3: unknown columns pass through to JSON, as a trailing object. */
static void json_attributes(FILE *f, const crisk_inventory *inv, size_t v)
{
    size_t n = crisk_inventory_attr_count(inv);
    if (n == 0)
        return;
    fputs(", \"attributes\": {", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        crisk_json_string(f, crisk_inventory_attr_name(inv, i));
        fputs(": ", f);
        crisk_json_string(f, crisk_inventory_node_attr(inv, v, i));
    }
    putc('}', f);
}

static void emit_json(FILE *f, const crisk_analysis *a, const uint32_t *rows, size_t count,
                      const crisk_provenance *prov)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk_json_begin(f, inv, prov);
    fputs("{\"total_criticality\": ", f);
    crisk_json_number(f, crisk_analysis_total_criticality(a));
    fputs(", \"nodes\": [", f);
    for (size_t i = 0; i < count; i++) {
        crisk__field row[CRISK__RANK_FIELDS];
        rank_row(row, inv, crisk_analysis_metrics(a, rows[i]), rows[i]);
        fputs(i ? ",\n  " : "\n  ", f);
        putc('{', f);
        crisk__json_fields(f, row, CRISK__RANK_FIELDS);
        json_attributes(f, inv, rows[i]);
        putc('}', f);
    }
    fputs(count ? "\n]}" : "]}", f);
    crisk_json_end(f);
}

static const char *const table_head[] = {
    "#", "id", "name", "type", "category", "tier", "direct", "dependants", "functions",
    "exposure", "impact", "weight", "share", "spof", "breaches"
};
static const char table_align[] = "rllllrrrrrrrrlr";

static void table_row(crisk__table *t, const crisk_inventory *inv, const crisk_node_metrics *m,
                      size_t v, size_t rank)
{
    crisk__field row[CRISK__RANK_FIELDS];
    rank_row(row, inv, m, v);
    crisk__table_printf(t, "%zu", rank);
    crisk__table_text(t, row[0].text, 0);
    crisk__table_text(t, row[1].text, CRISK__NAME_WIDTH);
    crisk__table_text(t, row[2].text, 0);
    crisk__table_text(t, row[3].text, 0);
    for (size_t i = 4; i <= 10; i++)
        crisk__table_amount(t, row[i].number);
    crisk__table_percent(t, row[11].number);
    crisk__table_text(t, m->spof ? "yes" : "no", 0);
    crisk__table_amount(t, row[13].number);
}

static int emit_table(FILE *f, const crisk_analysis *a, const crisk_rank_options *o,
                      const uint32_t *rows, size_t count)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv), spofs = 0;
    for (size_t v = 0; v < n; v++)
        spofs += crisk_analysis_metrics(a, v)->spof != 0;

    crisk__table t;
    crisk__table_init(&t, sizeof table_head / sizeof table_head[0], table_head, table_align);
    for (size_t i = 0; i < count; i++)
        table_row(&t, inv, crisk_analysis_metrics(a, rows[i]), rows[i], i + 1);
    int rc = crisk__table_print(f, &t, "");
    crisk__table_release(&t);

    char total[64];
    crisk__amount(total, sizeof total, crisk_analysis_total_criticality(a));
    if (count < n || o->type >= 0 || o->category >= 0)
        fprintf(f, "showing %zu of %zu nodes; ", count, n);
    else
        fprintf(f, "%zu node%s; ", n, n == 1 ? "" : "s");
    fprintf(f, "total criticality %s; %zu single point%s of failure\n", total, spofs,
            spofs == 1 ? "" : "s");
    return rc;
}

int crisk_emit_rank(FILE *f, const crisk_analysis *a, const crisk_rank_options *opts,
                    crisk_format fmt, const crisk_provenance *prov, crisk_error *err)
{
    static const crisk_rank_options defaults = CRISK_RANK_OPTIONS_INIT;
    const crisk_rank_options *o = opts != NULL ? opts : &defaults;
    uint32_t *rows = NULL;
    size_t count = 0;
    int rc = select_rows(a, o, &rows, &count);
    if (rc == CRISK_OK) {
        if (fmt == CRISK_FORMAT_CSV)
            rc = emit_csv(f, a, rows, count);
        else if (fmt == CRISK_FORMAT_JSON)
            emit_json(f, a, rows, count, prov);
        else
            rc = emit_table(f, a, o, rows, count);
    }
    free(rows);
    if (rc != CRISK_OK)
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}
