/*
 * emit_shared.c - shared Nth-party dependencies and false redundancy
 * (`chainrisk shared`).
 *
 * Part one: nodes at tier >= 2 that two or more tier-1 nodes depend on,
 * directly or transitively (sorted by the analysis), with those tier-1
 * dependants, the functions exposed and their exposure.  Part two: every
 * redundancy group that one node outside it defeats, with the members that
 * node takes down.  The analysis says how many members fail and, through
 * its batched engine, which ones (crisk_analysis_false_redundancy_failed);
 * the tier-1 lists come 512 nodes at a time (crisk_analysis_tier1_each) and
 * are written as they come, never all held at once.
 *
 * CSV is one table, one row per finding, told apart by `kind` ("shared" or
 * "false-redundancy"); columns that do not apply to a kind are empty.
 */
#include "emit.h"
#include "workbook.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Minimum tier-1 dependants of a shared dependency: two is the least that
 * is shared at all. */
#define MIN_TIER1 2

typedef struct shared_result {
    const crisk_analysis *a;
    const crisk_inventory *inv;
    uint32_t *shared;                   /* shared nodes in the analysis' order, cut to top */
    size_t n_shared, n_shared_all;
    const crisk_false_redundancy *fr;   /* findings (borrowed) */
    size_t n_fr;
    size_t *failed_begin;               /* per finding: its failed members are */
    uint32_t *failed;                   /*   failed[begin[i] .. begin[i + 1]) */
    crisk__id_cells *cells;             /* the ids measured once, for the CSV lists (tier-1
                                         * dependants, a finding's members and failed ones) */
} shared_result;

static void shared_release(shared_result *r)
{
    free(r->shared);
    free(r->failed_begin);
    free(r->failed);
    if (r->cells != NULL)
        crisk__id_cells_release(r->cells);
    free(r->cells);
}

static int shared_init(shared_result *r, const crisk_analysis *a, long top, crisk_error *err)
{
    memset(r, 0, sizeof *r);
    r->a = a;
    r->inv = crisk_analysis_inventory(a);
    r->cells = malloc(sizeof *r->cells);
    if (r->cells == NULL || crisk__id_cells_init(r->cells, r->inv) != CRISK_OK) {
        free(r->cells);
        r->cells = NULL;
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int rc = crisk_analysis_shared(a, MIN_TIER1, &r->shared, &r->n_shared_all, err);
    if (rc != CRISK_OK)
        return rc;
    r->n_shared = top >= 0 && (size_t)top < r->n_shared_all ? (size_t)top : r->n_shared_all;
    r->fr = crisk_analysis_false_redundancy(a, &r->n_fr);
    if (r->fr == NULL)
        r->n_fr = 0;
    return crisk_analysis_false_redundancy_failed(a, &r->failed_begin, &r->failed, err);
}

/* ---- rows ------------------------------------------------------------------------ */

enum { SHARED_FIELDS = 14 };

static const char *const shared_keys[SHARED_FIELDS] = {
    "kind", "node", "name", "type", "tier", "tier1_dependants", "tier1", "functions",
    "exposure", "dependant", "group", "need", "members", "failed_members"
};

/* Every key, every value not applicable: the base of both kinds of row. */
static void blank_row(crisk__field *row)
{
    for (size_t k = 0; k < SHARED_FIELDS; k++)
        row[k] = crisk__f_text(shared_keys[k], NULL);
}

static void node_fields(crisk__field *row, const shared_result *r, const char *kind, size_t v)
{
    const crisk_node_metrics *m = crisk_analysis_metrics(r->a, v);
    blank_row(row);
    row[0].text = kind;
    row[1].text = crisk_inventory_node_id(r->inv, v);
    row[2].text = crisk_inventory_node_name(r->inv, v);
    row[3].text = crisk_node_type_name(crisk_inventory_node_type(r->inv, v));
    row[4] = crisk__f_number("tier", m->tier < 0 ? NAN : (double)m->tier);
}

static void shared_row(crisk__field *row, const shared_result *r, size_t v, const uint32_t *tier1,
                       size_t n_tier1)
{
    const crisk_node_metrics *m = crisk_analysis_metrics(r->a, v);
    node_fields(row, r, "shared", v);
    row[5] = crisk__f_count("tier1_dependants", m->tier1_dependants);
    row[6] = crisk__f_ids("tier1", r->inv, tier1, n_tier1);
    row[6].cells = r->cells;
    row[7] = crisk__f_count("functions", m->functions);
    row[8] = crisk__f_number("exposure", m->exposure);
}

static void members_of(size_t g, const crisk_inventory *inv, uint32_t *out)
{
    for (size_t j = 0; j < crisk_inventory_group_size(inv, g); j++)
        out[j] = (uint32_t)crisk_inventory_group_member(inv, g, j);
}

/* `members` holds the group's members (caller's buffer, group size). */
static void redundancy_row(crisk__field *row, const shared_result *r, size_t i, uint32_t *members)
{
    const crisk_false_redundancy *x = &r->fr[i];
    size_t size = crisk_inventory_group_size(r->inv, x->group);
    members_of(x->group, r->inv, members);
    node_fields(row, r, "false-redundancy", x->shared);
    row[9].text = crisk_inventory_node_id(r->inv, x->dependant);
    row[10].text = crisk_inventory_group_name(r->inv, x->group);
    row[11] = crisk__f_count("need", crisk_inventory_group_need(r->inv, x->group));
    row[12] = crisk__f_ids("members", r->inv, members, size);
    row[12].cells = r->cells;
    row[13] = crisk__f_ids("failed_members", r->inv, r->failed + r->failed_begin[i],
                           r->failed_begin[i + 1] - r->failed_begin[i]);
    row[13].cells = r->cells;
}

static size_t largest_group(const shared_result *r)
{
    size_t max = 1;
    for (size_t i = 0; i < r->n_fr; i++) {
        size_t s = crisk_inventory_group_size(r->inv, r->fr[i].group);
        max = s > max ? s : max;
    }
    return max;
}

/* ---- the three formats ------------------------------------------------------------- */

/* Calls `emit` for each row: shared rows first, then false redundancy. */
typedef int (*row_fn)(FILE *f, const crisk__field *row, size_t index, void *ctx);

typedef struct row_sink {
    const shared_result *r;
    FILE *f;
    row_fn emit;
    void *ctx;
} row_sink;

static int emit_shared_row(void *ctx, size_t i, const uint32_t *tier1, size_t n_tier1)
{
    const row_sink *k = ctx;
    crisk__field row[SHARED_FIELDS];
    shared_row(row, k->r, k->r->shared[i], tier1, n_tier1);
    return k->emit(k->f, row, i, k->ctx);
}

static int for_each_row(const shared_result *r, FILE *f, row_fn emit, void *ctx, crisk_error *err)
{
    crisk__field row[SHARED_FIELDS];
    uint32_t *members = malloc(largest_group(r) * sizeof *members);
    if (members == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    row_sink sink = { r, f, emit, ctx };
    int rc = crisk_analysis_tier1_each(r->a, r->shared, r->n_shared, emit_shared_row, &sink, err);
    for (size_t i = 0; i < r->n_fr && rc == CRISK_OK; i++) {
        redundancy_row(row, r, i, members);
        rc = emit(f, row, r->n_shared + i, ctx);
    }
    free(members);
    if (rc == CRISK_ENOMEM)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

static int csv_row(FILE *f, const crisk__field *row, size_t index, void *ctx)
{
    (void)index;
    (void)ctx;
    return crisk__csv_row(f, row, SHARED_FIELDS);
}

/* The keys that apply to each kind, as JSON and the workbook's sheets give
 * them: a shared node's 8 fields, a finding's 7. */
static void shared_part(crisk__field *out, const crisk__field *row)
{
    memcpy(out, row + 1, 8 * sizeof *out);
    out[0].key = "id";
}

static void redundancy_part(crisk__field *out, const crisk__field *row)
{
    const crisk__field fr[7] = { row[9], row[10], row[11], row[12], row[1], row[2], row[13] };
    memcpy(out, fr, sizeof fr);
    out[4].key = "shared";
    out[5].key = "shared_name";
}

/* JSON: each kind is its own array, with the keys that apply to it. */
static int json_row(FILE *f, const crisk__field *row, size_t index, void *ctx)
{
    const shared_result *r = ctx;
    crisk__field part[8];
    if (index < r->n_shared) {
        shared_part(part, row);
        fputs(index ? ",\n  " : "\n  ", f);
        crisk__json_object(f, part, 8);
        return CRISK_OK;
    }
    if (index == r->n_shared)
        fputs(r->n_shared ? "\n],\n \"false_redundancy\": [" : "],\n \"false_redundancy\": [", f);
    fputs(index > r->n_shared ? ",\n  " : "\n  ", f);
    redundancy_part(part, row);
    crisk__json_object(f, part, 7);
    return CRISK_OK;
}

static int emit_json(FILE *f, shared_result *r, const crisk_provenance *prov, crisk_error *err)
{
    crisk_json_begin(f, r->inv, prov);
    fprintf(f, "{\"min_tier1_dependants\": %d, \"shared_total\": %zu, \"shared\": [", MIN_TIER1,
            r->n_shared_all);
    int rc = for_each_row(r, f, json_row, r, err);
    if (r->n_fr == 0)
        fputs(r->n_shared ? "\n],\n \"false_redundancy\": []}" : "],\n \"false_redundancy\": []}", f);
    else
        fputs("\n]}", f);
    crisk_json_end(f);
    return rc;
}

/* Lists of ids in a table are cut here; CSV and JSON give them in full. */
#define LIST_WIDTH 60

typedef struct text_tables {
    const shared_result *r;
    crisk__table shared, redundancy;
} text_tables;

static int table_row(FILE *f, const crisk__field *row, size_t index, void *ctx)
{
    text_tables *tt = ctx;
    const crisk_inventory *inv = tt->r->inv;
    (void)f;
    crisk__table *t = index < tt->r->n_shared ? &tt->shared : &tt->redundancy;
    if (t == &tt->shared) {
        for (size_t k = 1; k <= 3; k++)
            crisk__table_text(t, row[k].text, k == 2 ? CRISK__NAME_WIDTH : 0);
        for (size_t k = 4; k <= 5; k++)
            crisk__table_amount(t, row[k].number);
        crisk__table_amount(t, row[7].number);
        crisk__table_amount(t, row[8].number);
        crisk__table_ids(t, inv, row[6].nodes, row[6].n, LIST_WIDTH);
        return CRISK_OK;
    }
    crisk__table_text(t, row[9].text, 0);
    crisk__table_text(t, row[10].text, CRISK__NAME_WIDTH);
    crisk__table_printf(t, "%.0f of %zu", row[11].number, row[12].n);
    crisk__table_ids(t, inv, row[12].nodes, row[12].n, LIST_WIDTH);
    crisk__table_text(t, row[1].text, 0);
    crisk__table_ids(t, inv, row[13].nodes, row[13].n, LIST_WIDTH);
    return CRISK_OK;
}

static int emit_table(FILE *f, const shared_result *r, crisk_error *err)
{
    static const char *const shared_head[] = {
        "id", "name", "type", "tier", "tier-1", "functions", "exposure", "tier-1 dependants"
    };
    static const char *const redundancy_head[] = {
        "dependant", "group", "need", "members", "shared", "fails"
    };
    text_tables tt = { .r = r };
    crisk__table_init(&tt.shared, 8, shared_head, "lllrrrrl");
    crisk__table_init(&tt.redundancy, 6, redundancy_head, "llllll");
    int rc = for_each_row(r, f, table_row, &tt, err);

    if (rc == CRISK_OK) {
        fprintf(f, "shared Nth-party dependencies (tier >= 2, %d or more tier-1 dependants):", MIN_TIER1);
        if (r->n_shared_all == 0)
            fputs(" none\n", f);
        else {
            fputs("\n", f);
            rc = crisk__table_print(f, &tt.shared, "  ");
            if (r->n_shared < r->n_shared_all)
                fprintf(f, "  (top %zu of %zu)\n", r->n_shared, r->n_shared_all);
        }
    }
    if (rc == CRISK_OK) {
        fputs("\nfalse redundancy (a redundancy group one node outside it defeats):", f);
        if (r->n_fr == 0)
            fputs(" none\n", f);
        else {
            fputs("\n", f);
            rc = crisk__table_print(f, &tt.redundancy, "  ");
        }
    }
    if (rc == CRISK_OK) {
        size_t total = r->n_fr ? crisk_analysis_false_redundancy_total(r->a) : 0;
        fprintf(f, "\n%zu shared dependenc%s; %zu false-redundancy finding%s\n", r->n_shared_all,
                r->n_shared_all == 1 ? "y" : "ies", total, total == 1 ? "" : "s");
        if (total > r->n_fr)
            fprintf(f, "(listed: %zu; per group at most the %d shared nodes with the smallest ids)\n",
                    r->n_fr, CRISK_FALSE_REDUNDANCY_KEEP);
    }
    crisk__table_release(&tt.shared);
    crisk__table_release(&tt.redundancy);
    if (rc == CRISK_ENOMEM)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

int crisk_emit_shared(FILE *f, const crisk_analysis *a, long top, crisk_format fmt,
                      const crisk_provenance *prov, crisk_error *err)
{
    shared_result r;
    int rc = shared_init(&r, a, top, err);
    if (rc == CRISK_OK) {
        if (fmt == CRISK_FORMAT_CSV) {
            crisk__field row[SHARED_FIELDS];
            blank_row(row);
            crisk__csv_header(f, row, SHARED_FIELDS);
            rc = for_each_row(&r, f, csv_row, NULL, err);
        } else if (fmt == CRISK_FORMAT_JSON) {
            rc = emit_json(f, &r, prov, err);
        } else {
            rc = emit_table(f, &r, err);
        }
    }
    shared_release(&r);
    return rc != CRISK_OK ? rc : crisk__emit_status(f, err);
}

/* ---- the export's workbook --------------------------------------------------------- */

static void redundancy_header(FILE *f)
{
    crisk__field row[SHARED_FIELDS], part[7];
    blank_row(row);
    redundancy_part(part, row);
    crisk__sheet_name(f, "false redundancy");
    crisk__sheet_whole(f, "chainrisk shared --format csv");
    crisk__csv_header(f, part, 7);
}

static int sheet_row(FILE *f, const crisk__field *row, size_t index, void *ctx)
{
    const shared_result *r = ctx;
    crisk__field part[8];
    if (index < r->n_shared) {
        shared_part(part, row);
        return crisk__csv_row(f, part, 8);
    }
    if (index == r->n_shared)
        redundancy_header(f);
    redundancy_part(part, row);
    return crisk__csv_row(f, part, 7);
}

int crisk__shared_sheets(FILE *f, const crisk_analysis *a, crisk_error *err)
{
    shared_result r;
    int rc = shared_init(&r, a, -1, err);
    if (rc == CRISK_OK) {
        crisk__field row[SHARED_FIELDS], part[8];
        blank_row(row);
        shared_part(part, row);
        crisk__sheet_name(f, "shared");
        crisk__sheet_whole(f, "chainrisk shared --format csv");
        crisk__csv_header(f, part, 8);
        rc = for_each_row(&r, f, sheet_row, &r, err);
        if (rc == CRISK_OK && r.n_fr == 0)
            redundancy_header(f);
    }
    shared_release(&r);
    return rc;
}
