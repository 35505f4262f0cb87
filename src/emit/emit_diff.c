/*
 * emit_diff.c - what changed between two snapshots (`chainrisk diff`), as
 * a table, CSV or JSON.
 *
 * Each change becomes one record of typed fields (emit.h), built once and
 * written three ways: JSON writes the record as an object in its section's
 * array; a table prints the section's columns from it; CSV writes it as a
 * row of one wide table whose `kind` column tells the rows apart (a field
 * the row has no key for is an empty cell).  Two sections are records of
 * several numbers - a provider's four metrics, a market's four figures -
 * that CSV spreads over one row per number that moved, so that every CSV
 * row is one old -> new change.
 *
 * Values keep their type: numbers of the model are written exactly (the
 * shortest text that reads back), metrics in tables as amounts, lists of
 * nodes as ';'-joined ids in CSV and arrays in JSON.
 */
#include "emit.h"
#include "workbook.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The CSV table's columns: every key a record may have. */
static const char *const csv_columns[] = {
    "kind", "id", "name", "type", "category", "function", "to", "group", "need", "by", "market",
    "field", "old", "new", "change", "rto_hours", "recovery_hours", "same_name"
};
#define N_CSV_COLUMNS (sizeof csv_columns / sizeof *csv_columns)

enum section {
    S_NODES, S_EDGES, S_GROUPS, S_SPOFS, S_MOVES, S_SHARED, S_REDUNDANCY, S_CONCENTRATION,
    S_BREACHES, S_COUNT
};

/* JSON keys of the sections, in output order. */
static const char *const section_keys[S_COUNT] = {
    "nodes", "edges", "groups", "spofs", "moves", "shared", "false_redundancy",
    "concentration", "breaches"
};

#define MAX_FIELDS 24

typedef struct record {
    crisk__field f[MAX_FIELDS];
    size_t n;
} record;

static void put(record *r, crisk__field field)
{
    if (r->n < MAX_FIELDS)
        r->f[r->n++] = field;
}

static const crisk__field *get(const record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->f[i].key, key) == 0)
            return &r->f[i];
    return NULL;
}

/* The writer's state: the diff, the format, where each section's lists of
 * ids live while a record is written. */
typedef struct writer {
    FILE *f;
    const crisk_diff *d;
    const crisk_inventory *inv[2];
    const crisk_analysis *a[2];
    crisk_format fmt;
    long top;                     /* moves shown; -1 = all */
    uint32_t *ids[2];             /* scratch lists of nodes, one per side */
    size_t cap_ids;
    size_t written[S_COUNT];      /* records of each section written (JSON commas) */
    crisk_error *err;
    struct crisk__table *tables;  /* table format: one per enum table_id */
} writer;

static int ids_room(writer *w, size_t n)
{
    if (n <= w->cap_ids)
        return 0;
    for (int s = 0; s < 2; s++) {
        uint32_t *p = realloc(w->ids[s], n * sizeof *p);
        if (p == NULL)
            return -1;
        w->ids[s] = p;
    }
    w->cap_ids = n;
    return 0;
}

static const char *change_word(crisk_change c, const char *added, const char *removed,
                               const char *changed)
{
    return c == CRISK_CHANGE_ADDED ? added : c == CRISK_CHANGE_REMOVED ? removed : changed;
}

/* "" (not given) is not applicable: NULL. */
static const char *given(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* ---- nodes ---------------------------------------------------------------------- */

static int is_number_field(crisk_node_field f)
{
    return f == CRISK_FIELD_CRITICALITY || f == CRISK_FIELD_RTO_HOURS
        || f == CRISK_FIELD_RECOVERY_HOURS || f == CRISK_FIELD_SPEND
        || f == CRISK_FIELD_PROBABILITY;
}

static double number_value(const crisk_node_view *n, crisk_node_field f)
{
    switch (f) {
    case CRISK_FIELD_CRITICALITY:    return n->criticality;
    case CRISK_FIELD_RTO_HOURS:      return n->rto_hours;
    case CRISK_FIELD_RECOVERY_HOURS: return n->recovery_hours;
    case CRISK_FIELD_SPEND:          return n->spend;
    default:                         return n->probability;
    }
}

static const char *text_value(const crisk_node_view *n, crisk_node_field f)
{
    switch (f) {
    case CRISK_FIELD_NAME:             return n->name;
    case CRISK_FIELD_TYPE:             return crisk_node_type_name(n->type);
    case CRISK_FIELD_CATEGORY:         return crisk_category_name(n->category);
    case CRISK_FIELD_COUNTRY:          return given(n->country);
    case CRISK_FIELD_PARENT:           return given(n->parent);
    default:                           return given(crisk_substitutability_name(n->substitutability));
    }
}

/* The value of field x->field of the node on side s, under `key`. */
static crisk__field node_value(const writer *w, const crisk_node_diff *x, int s, const char *key)
{
    if (x->field == CRISK_FIELD_ATTRIBUTE)
        return crisk__f_text(key, given(s ? x->new_value : x->old_value));
    crisk_node_view n;
    crisk_inventory_node(w->inv[s], s ? x->new_node : x->old_node, &n);
    if (is_number_field(x->field))
        return crisk__f_number(key, number_value(&n, x->field));
    return crisk__f_text(key, text_value(&n, x->field));
}

static void node_record(const writer *w, const crisk_node_diff *x, record *r)
{
    int s = x->change != CRISK_CHANGE_REMOVED;
    size_t v = s ? x->new_node : x->old_node;
    crisk_node_view n;
    crisk_inventory_node(w->inv[s], v, &n);
    put(r, crisk__f_text("kind", change_word(x->change, "node-added", "node-removed",
                                             "node-changed")));
    put(r, crisk__f_text("id", n.id));
    put(r, crisk__f_text("name", n.name));
    if (x->change != CRISK_CHANGE_CHANGED) {
        put(r, crisk__f_text("type", crisk_node_type_name(n.type)));
        put(r, crisk__f_text("category", crisk_category_name(n.category)));
        const char *other = x->same_name == CRISK_DIFF_NONE ? NULL
                          : crisk_inventory_node_id(w->inv[1 - s], x->same_name);
        put(r, crisk__f_text("same_name", other));
        return;
    }
    put(r, crisk__f_text("field", x->field == CRISK_FIELD_ATTRIBUTE ? x->attribute
                                                                    : crisk_node_field_name(x->field)));
    crisk__field o = node_value(w, x, 0, "old"), nw = node_value(w, x, 1, "new");
    put(r, o);
    put(r, nw);
    if (o.kind == CRISK__F_NUMBER)
        put(r, crisk__f_number("change", nw.number - o.number));
}

/* ---- edges and groups ---------------------------------------------------------------- */

static void edge_record(const writer *w, const crisk_edge_diff *x, record *r)
{
    int s = x->new_group != CRISK_DIFF_NONE;
    const crisk_inventory *inv = w->inv[s];
    size_t g = s ? x->new_group : x->old_group, m = s ? x->new_member : x->old_member;
    put(r, crisk__f_text("kind", change_word(x->change, "edge-added", "edge-removed",
                                             "edge-changed")));
    put(r, crisk__f_text("id", crisk_inventory_node_id(inv, crisk_inventory_group_owner(inv, g))));
    put(r, crisk__f_text("to", crisk_inventory_node_id(inv, crisk_inventory_group_member(inv, g, m))));
    put(r, crisk__f_text("group", given(crisk_inventory_group_name(inv, g))));
    put(r, crisk__f_text("field", "kind"));
    const char *k0 = x->old_group == CRISK_DIFF_NONE ? NULL
                   : crisk_inventory_group_member_kind(w->inv[0], x->old_group, x->old_member);
    const char *k1 = x->new_group == CRISK_DIFF_NONE ? NULL
                   : crisk_inventory_group_member_kind(w->inv[1], x->new_group, x->new_member);
    put(r, crisk__f_text("old", given(k0)));
    put(r, crisk__f_text("new", given(k1)));
}

/* The members of group g of side s as a field (in w->ids[s]). */
static crisk__field members_field(writer *w, int s, size_t g, const char *key)
{
    if (g == CRISK_DIFF_NONE)
        return crisk__f_text(key, NULL);
    size_t n = crisk_inventory_group_size(w->inv[s], g);
    for (size_t i = 0; i < n; i++)
        w->ids[s][i] = (uint32_t)crisk_inventory_group_member(w->inv[s], g, i);
    return crisk__f_ids(key, w->inv[s], w->ids[s], n);
}

static int group_record(writer *w, const crisk_group_diff *x, record *r)
{
    int s = x->new_group != CRISK_DIFF_NONE;
    const crisk_inventory *inv = w->inv[s];
    size_t g = s ? x->new_group : x->old_group;
    size_t largest = 1;
    if (x->old_group != CRISK_DIFF_NONE)
        largest = crisk_inventory_group_size(w->inv[0], x->old_group);
    if (x->new_group != CRISK_DIFF_NONE && crisk_inventory_group_size(w->inv[1], x->new_group) > largest)
        largest = crisk_inventory_group_size(w->inv[1], x->new_group);
    if (ids_room(w, largest) != 0)
        return CRISK_ENOMEM;
    put(r, crisk__f_text("kind", change_word(x->change, "group-added", "group-removed",
                                             "group-changed")));
    put(r, crisk__f_text("id", crisk_inventory_node_id(inv, crisk_inventory_group_owner(inv, g))));
    put(r, crisk__f_text("group", crisk_inventory_group_name(inv, g)));
    if (x->change != CRISK_CHANGE_CHANGED) {
        put(r, crisk__f_count("need", crisk_inventory_group_need(inv, g)));
        put(r, crisk__f_text("field", "members"));
        put(r, members_field(w, 0, x->old_group, "old"));
        put(r, members_field(w, 1, x->new_group, "new"));
        return CRISK_OK;
    }
    if (x->field == CRISK_GROUP_FIELD_NEED) {
        put(r, crisk__f_text("field", "need"));
        double n0 = (double)crisk_inventory_group_need(w->inv[0], x->old_group);
        double n1 = (double)crisk_inventory_group_need(w->inv[1], x->new_group);
        put(r, crisk__f_number("old", n0));
        put(r, crisk__f_number("new", n1));
        put(r, crisk__f_number("change", n1 - n0));
        return CRISK_OK;
    }
    put(r, crisk__f_text("field", "members"));
    put(r, members_field(w, 0, x->old_group, "old"));
    put(r, members_field(w, 1, x->new_group, "new"));
    return CRISK_OK;
}

/* ---- single points of failure and breaches ---------------------------------------------- */

/* The side a pair is described from: NEW when it appeared, OLD when it
 * resolved. */
static void pair_record(const writer *w, const crisk_pair_diff *x, int breach, record *r)
{
    int s = x->change == CRISK_CHANGE_ADDED;
    const crisk_inventory *inv = w->inv[s];
    size_t f = s ? x->new_function : x->old_function, p = s ? x->new_node : x->old_node;
    const char *kind = breach ? change_word(x->change, "breach-appeared", "breach-resolved", "")
                              : change_word(x->change, "spof-appeared", "spof-resolved", "");
    put(r, crisk__f_text("kind", kind));
    put(r, crisk__f_text("function", crisk_inventory_node_id(inv, f)));
    put(r, crisk__f_text("id", crisk_inventory_node_id(inv, p)));
    put(r, crisk__f_text("name", crisk_inventory_node_name(inv, p)));
    put(r, crisk__f_text("type", crisk_node_type_name(crisk_inventory_node_type(inv, p))));
    if (breach) {
        crisk_node_view fv, pv;
        crisk_inventory_node(inv, f, &fv);
        crisk_inventory_node(inv, p, &pv);
        put(r, crisk__f_number("rto_hours", fv.rto_hours));
        put(r, crisk__f_number("recovery_hours", pv.recovery_hours));
    }
}

/* ---- moves -------------------------------------------------------------------------------- */

static const char *const metric_keys[4] = { "impact_weight", "exposure", "tier", "breaches" };

static double metric(const crisk_node_metrics *m, int k)
{
    switch (k) {
    case 0:  return m->impact_weight;
    case 1:  return m->exposure;
    case 2:  return m->tier < 0 ? NAN : (double)m->tier;
    default: return m->breaches < 0 ? NAN : (double)m->breaches;
    }
}

/* JSON: one object per provider with every metric, old and new. */
static void move_record(const writer *w, const crisk_move *x, record *r)
{
    static const char *const keys[4][2] = {
        { "impact_weight_old", "impact_weight_new" }, { "exposure_old", "exposure_new" },
        { "tier_old", "tier_new" }, { "breaches_old", "breaches_new" }
    };
    const crisk_node_metrics *m0 = crisk_analysis_metrics(w->a[0], x->old_node);
    const crisk_node_metrics *m1 = crisk_analysis_metrics(w->a[1], x->new_node);
    put(r, crisk__f_text("kind", "moved"));
    put(r, crisk__f_text("id", crisk_inventory_node_id(w->inv[1], x->new_node)));
    put(r, crisk__f_text("name", crisk_inventory_node_name(w->inv[1], x->new_node)));
    put(r, crisk__f_number("size", x->size));
    for (int k = 0; k < 4; k++) {
        put(r, crisk__f_number(keys[k][0], metric(m0, k)));
        put(r, crisk__f_number(keys[k][1], metric(m1, k)));
    }
}

/* CSV: one row per metric that moved. */
static void move_rows(const writer *w, const crisk_move *x, int k, record *r)
{
    const crisk_node_metrics *m0 = crisk_analysis_metrics(w->a[0], x->old_node);
    const crisk_node_metrics *m1 = crisk_analysis_metrics(w->a[1], x->new_node);
    double o = metric(m0, k), n = metric(m1, k);
    put(r, crisk__f_text("kind", "moved"));
    put(r, crisk__f_text("id", crisk_inventory_node_id(w->inv[1], x->new_node)));
    put(r, crisk__f_text("name", crisk_inventory_node_name(w->inv[1], x->new_node)));
    put(r, crisk__f_text("field", metric_keys[k]));
    put(r, crisk__f_number("old", o));
    put(r, crisk__f_number("new", n));
    put(r, crisk__f_number("change", n - o));
}

/* ---- shared and false redundancy ------------------------------------------------------------ */

static void shared_record(const writer *w, const crisk_shared_diff *x, record *r)
{
    int s = x->change == CRISK_CHANGE_ADDED;
    size_t v = s ? x->new_node : x->old_node;
    double t[2] = { NAN, NAN };
    if (x->old_node != CRISK_DIFF_NONE)
        t[0] = (double)crisk_analysis_metrics(w->a[0], x->old_node)->tier1_dependants;
    if (x->new_node != CRISK_DIFF_NONE)
        t[1] = (double)crisk_analysis_metrics(w->a[1], x->new_node)->tier1_dependants;
    put(r, crisk__f_text("kind", change_word(x->change, "shared-appeared", "shared-disappeared", "")));
    put(r, crisk__f_text("id", crisk_inventory_node_id(w->inv[s], v)));
    put(r, crisk__f_text("name", crisk_inventory_node_name(w->inv[s], v)));
    put(r, crisk__f_text("type", crisk_node_type_name(crisk_inventory_node_type(w->inv[s], v))));
    put(r, crisk__f_text("field", "tier1_dependants"));
    put(r, crisk__f_number("old", t[0]));
    put(r, crisk__f_number("new", t[1]));
}

/* The nodes defeating a group on side s (its kept findings, in w->ids[s]),
 * and how many there are in all (*total). */
static crisk__field defeating(writer *w, int s, size_t first, size_t count, const char *key,
                              size_t *total)
{
    *total = 0;
    if (count == 0)
        return crisk__f_ids(key, w->inv[s], NULL, 0);
    size_t n;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(w->a[s], &n);
    for (size_t i = 0; i < count; i++)
        w->ids[s][i] = (uint32_t)fr[first + i].shared;
    *total = fr[first].group_findings;
    return crisk__f_ids(key, w->inv[s], w->ids[s], count);
}

static int redundancy_record(writer *w, const crisk_redundancy_diff *x, record *r)
{
    int s = x->new_group != CRISK_DIFF_NONE;
    const crisk_inventory *inv = w->inv[s];
    size_t g = s ? x->new_group : x->old_group, total[2];
    if (ids_room(w, x->old_count > x->new_count ? x->old_count + 1 : x->new_count + 1) != 0)
        return CRISK_ENOMEM;
    put(r, crisk__f_text("kind", change_word(x->change, "false-redundancy-appeared",
                                             "false-redundancy-disappeared",
                                             "false-redundancy-changed")));
    put(r, crisk__f_text("id", crisk_inventory_node_id(inv, crisk_inventory_group_owner(inv, g))));
    put(r, crisk__f_text("group", crisk_inventory_group_name(inv, g)));
    put(r, crisk__f_count("need", crisk_inventory_group_need(inv, g)));
    put(r, crisk__f_text("field", "defeated_by"));
    put(r, defeating(w, 0, x->old_first, x->old_count, "old", &total[0]));
    put(r, defeating(w, 1, x->new_first, x->new_count, "new", &total[1]));
    put(r, crisk__f_number("change", (double)total[1] - (double)total[0]));
    return CRISK_OK;
}

/* ---- concentration ------------------------------------------------------------------------- */

static const char *const by_names[] = { "category", "parent", "country" };
static const char *const figure_keys[4] = { "spend_hhi", "spend_top1", "reliance_hhi",
                                            "reliance_top1" };

static double figure(const crisk_market *m, int k)
{
    switch (k) {
    case 0:  return m->spend_hhi;
    case 1:  return m->spend_top1;
    case 2:  return m->reliance_hhi;
    default: return m->reliance_top1;
    }
}

static const char *market_kind(const crisk_market_diff *x)
{
    return change_word(x->change, "market-added", "market-removed", "concentration-moved");
}

static void market_head(const crisk_market_diff *x, record *r)
{
    put(r, crisk__f_text("kind", market_kind(x)));
    put(r, crisk__f_text("by", by_names[x->by]));
    put(r, crisk__f_text("market", x->market));
}

static void market_record(const crisk_market_diff *x, record *r)
{
    market_head(x, r);
    put(r, crisk__f_count("providers_old", x->old_market.providers));
    put(r, crisk__f_count("providers_new", x->new_market.providers));
    static const char *const keys[4][2] = {
        { "spend_hhi_old", "spend_hhi_new" }, { "spend_top1_old", "spend_top1_new" },
        { "reliance_hhi_old", "reliance_hhi_new" }, { "reliance_top1_old", "reliance_top1_new" }
    };
    for (int k = 0; k < 4; k++) {
        put(r, crisk__f_number(keys[k][0], figure(&x->old_market, k)));
        put(r, crisk__f_number(keys[k][1], figure(&x->new_market, k)));
    }
}

static void market_rows(const crisk_market_diff *x, int k, record *r)
{
    double o = figure(&x->old_market, k), n = figure(&x->new_market, k);
    market_head(x, r);
    put(r, crisk__f_text("field", figure_keys[k]));
    put(r, crisk__f_number("old", o));
    put(r, crisk__f_number("new", n));
    put(r, crisk__f_number("change", n - o));
}

/* A figure a CSV row is written for: it moved, or the market is new or gone
 * and the figure exists on its side. */
static int figure_shown(const crisk_market_diff *x, int k)
{
    if (x->change == CRISK_CHANGE_CHANGED)
        return (x->moved & (1u << k)) != 0;
    return !isnan(figure(x->change == CRISK_CHANGE_ADDED ? &x->new_market : &x->old_market, k));
}

/* ---- walking the changes ------------------------------------------------------------------- */

/* What a format does with one record of a section. */
typedef int (*record_fn)(writer *w, enum section s, size_t index, const record *r);

static size_t moves_shown(const writer *w, size_t n)
{
    return w->top >= 0 && (size_t)w->top < n ? (size_t)w->top : n;
}

/* The pairs of SPOFs or breaches shown: all, but in a table only the
 * first TABLE_PAIRS (they can be millions; CSV and JSON stream them all). */
#define TABLE_PAIRS 1000

static size_t pairs_total(const crisk_diff *d, enum section s)
{
    size_t appeared, resolved;
    crisk_diff_pair_counts(d, s == S_SPOFS ? CRISK_DIFF_SPOFS : CRISK_DIFF_BREACHES, &appeared,
                           &resolved);
    return appeared + resolved;
}

static size_t pairs_shown(const writer *w, enum section s)
{
    size_t n = pairs_total(w->d, s);
    return w->tables != NULL && n > TABLE_PAIRS ? TABLE_PAIRS : n;
}

/* CSV rows of pairs, gathered in a buffer and written this many bytes at
 * a time. */
#define PAIR_ROWS_FLUSH ((size_t)64 << 10)

/* Rows of pairs on their way out, and each node's cells laid out once.  A
 * node's id, name and type recur in thousands of rows (once per function
 * it takes down): fetching them from the inventory row by row - the id,
 * the name and their bytes, each a cache miss at a million nodes - and
 * testing them for quoting was most of writing 208 million rows.  Instead
 * the first row of a node lays its cells out in `cells` (a length, then
 * the bytes), and later rows copy them from there. */
enum node_cells {
    CELLS_NODE,       /* "id,name,type,," as a pair's node (the empty category included) */
    CELLS_FUNCTION,   /* "id" as a pair's function */
    CELLS_RTO,        /* rto_hours, as a breach's function */
    CELLS_RECOVERY,   /* recovery_hours, as a breach's node */
    CELLS_KINDS
};

typedef struct row_buffer {
    char *buf;
    size_t used, cap;
    char *cells;
    size_t cells_used, cells_cap;
    /* at[side][kind][node]: where in `cells` that text starts, CELL_UNKNOWN,
     * or CELL_QUOTED (a cell needs quoting: the row is written the general
     * way) */
    uint32_t *at[2][CELLS_KINDS];
} row_buffer;

#define CELL_UNKNOWN UINT32_MAX
#define CELL_QUOTED (UINT32_MAX - 1)

/* Write errors show on the stream, which the output checks when it
 * commits. */
static void row_flush(writer *w, row_buffer *b)
{
    if (b->used > 0)
        fwrite(b->buf, 1, b->used, w->f);
    b->used = 0;
}

/* Room for `more` bytes in a growing buffer; -1 when out of memory. */
static int room(char **buf, size_t *cap, size_t used, size_t more)
{
    if (used + more <= *cap)
        return 0;
    size_t c = *cap ? *cap : PAIR_ROWS_FLUSH;
    while (c < used + more)
        c *= 2;
    char *grown = realloc(*buf, c);
    if (grown == NULL)
        return -1;
    *buf = grown;
    *cap = c;
    return 0;
}

/* Lay out `n` (at most 3) cells joined by commas, then `tail`, in
 * b->cells; where they start, CELL_QUOTED when a cell needs quoting (or the
 * cells would pass 4 GiB), or CELL_UNKNOWN when out of memory. */
static uint32_t lay_out(row_buffer *b, const char *const *cell, size_t n, const char *tail)
{
    size_t len[3], tail_len = strlen(tail), total = tail_len;
    for (size_t i = 0; i < n; i++) {
        if (!crisk__csv_plain(cell[i], &len[i]))
            return CELL_QUOTED;
        total += len[i] + (i + 1 < n);
    }
    if (b->cells_used + sizeof(uint32_t) + total >= CELL_QUOTED)
        return CELL_QUOTED;
    if (room(&b->cells, &b->cells_cap, b->cells_used, sizeof(uint32_t) + total) != 0)
        return CELL_UNKNOWN;
    uint32_t at = (uint32_t)b->cells_used, bytes = (uint32_t)total;
    char *o = b->cells + at;
    memcpy(o, &bytes, sizeof bytes);
    o += sizeof bytes;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, cell[i], len[i]);
        o += len[i];
        if (i + 1 < n)
            *o++ = ',';
    }
    memcpy(o, tail, tail_len);
    b->cells_used += sizeof bytes + total;
    return at;
}

/* The text laid out at `at`: its bytes and their count. */
static const char *laid_out(const row_buffer *b, uint32_t at, size_t *len)
{
    uint32_t bytes;
    memcpy(&bytes, b->cells + at, sizeof bytes);
    *len = bytes;
    return b->cells + at + sizeof bytes;
}

/* The text of one kind of node v's cells, laid out on first use.
 * Returns 1 with the text, 0 when it needs quoting, -1 when out of
 * memory. */
static int node_text(row_buffer *b, const writer *w, int s, size_t v, enum node_cells what,
                     const char **text, size_t *len)
{
    uint32_t *at = &b->at[s][what][v];
    if (*at == CELL_UNKNOWN) {
        const crisk_inventory *inv = w->inv[s];
        char number[40];
        if (what == CELLS_NODE) {
            const char *cell[3] = { crisk_inventory_node_id(inv, v),
                                    crisk_inventory_node_name(inv, v),
                                    crisk_node_type_name(crisk_inventory_node_type(inv, v)) };
            *at = lay_out(b, cell, 3, ",,");
        } else if (what == CELLS_FUNCTION) {
            const char *cell = crisk_inventory_node_id(inv, v);
            *at = lay_out(b, &cell, 1, "");
        } else {
            crisk_node_view view;
            crisk_inventory_node(inv, v, &view);
            const char *cell = crisk_format_number(number, sizeof number,
                                                   what == CELLS_RTO ? view.rto_hours
                                                                     : view.recovery_hours);
            *at = lay_out(b, &cell, 1, "");
        }
        if (*at == CELL_UNKNOWN)
            return -1;
    }
    if (*at == CELL_QUOTED)
        return 0;
    *text = laid_out(b, *at, len);
    return 1;
}

/* A SPOF or breach as a CSV row, straight into `b`: the bytes csv_record
 * writes for pair_record's fields (kind, id, name, type, an empty
 * category, function, for a breach rto_hours and recovery_hours), without
 * matching every column and writing a character at a time - a 1 % change
 * of a generated 1M-node inventory has 208 million of these rows.  Returns
 * 1 when a cell needs quoting: the caller then writes the row the general
 * way; -1 when out of memory. */
static int pair_row(row_buffer *b, const writer *w, const crisk_pair_diff *x, int breach)
{
    int s = x->change == CRISK_CHANGE_ADDED;
    size_t f = s ? x->new_function : x->old_function, p = s ? x->new_node : x->old_node;
    const char *kind = breach ? change_word(x->change, "breach-appeared", "breach-resolved", "")
                              : change_word(x->change, "spof-appeared", "spof-resolved", "");
    const char *text[4] = { "", "", "", "" };
    size_t len[4] = { 0, 0, 0, 0 };
    int got = node_text(b, w, s, p, CELLS_NODE, &text[0], &len[0]);
    if (got == 1)
        got = node_text(b, w, s, f, CELLS_FUNCTION, &text[1], &len[1]);
    if (got == 1 && breach)
        got = node_text(b, w, s, f, CELLS_RTO, &text[2], &len[2]);
    if (got == 1 && breach)
        got = node_text(b, w, s, p, CELLS_RECOVERY, &text[3], &len[3]);
    if (got != 1)
        return got == 0 ? 1 : -1;
    size_t k = strlen(kind);
    /* kind, the node's cells, function, then 12 cells, empty but a
     * breach's hours (the 10th and 11th) */
    size_t row = k + 1 + len[0] + len[1] + 10 + len[2] + 1 + len[3] + 2;
    if (room(&b->buf, &b->cap, b->used, row) != 0)
        return -1;
    char *o = b->buf + b->used;
    memcpy(o, kind, k);
    o += k;
    *o++ = ',';
    memcpy(o, text[0], len[0]);
    o += len[0];
    memcpy(o, text[1], len[1]);
    o += len[1];
    memcpy(o, ",,,,,,,,,,", 10);   /* the 9 cells `to` .. `change`, and rto_hours' comma */
    o += 10;
    memcpy(o, text[2], len[2]);
    o += len[2];
    *o++ = ',';
    memcpy(o, text[3], len[3]);
    o += len[3];
    *o++ = ',';
    *o++ = '\n';
    b->used = (size_t)(o - b->buf);
    return 0;
}

static int csv_record(writer *w, enum section s, size_t index, const record *r);

/* One pair of section s: its record through fn, or, for CSV, its row. */
static int pair_out(writer *w, row_buffer *b, enum section s, size_t i,
                    const crisk_pair_diff *x, record_fn fn)
{
    int fast = fn == csv_record && crisk__workbook_of(w->f) == NULL;
    if (fast) {
        int got = pair_row(b, w, x, s == S_BREACHES);
        if (got < 0)
            return crisk_error_set(w->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        if (got == 0) {
            if (b->used >= PAIR_ROWS_FLUSH)
                row_flush(w, b);
            return CRISK_OK;
        }
        row_flush(w, b);   /* rows stay in order */
    }
    record r = { .n = 0 };
    pair_record(w, x, s == S_BREACHES, &r);
    return fn(w, s, i, &r);
}

/* Room for where pair_row lays out each node's cells, all unknown. */
static int cells_init(row_buffer *b, const writer *w)
{
    for (int s = 0; s < 2; s++) {
        size_t n = crisk_inventory_node_count(w->inv[s]) + 1;
        for (int k = 0; k < CELLS_KINDS; k++) {
            b->at[s][k] = malloc(n * sizeof *b->at[s][k]);
            if (b->at[s][k] == NULL)
                return -1;
            memset(b->at[s][k], 0xff, n * sizeof *b->at[s][k]);
        }
    }
    return 0;
}

static void cells_release(row_buffer *b)
{
    free(b->cells);
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < CELLS_KINDS; k++)
            free(b->at[s][k]);
}

/* Read the pairs of section s (S_SPOFS or S_BREACHES) in order from the
 * diff's cursor, one record at a time: the diff never holds them all. */
static int walk_pairs(writer *w, enum section s, record_fn fn)
{
    crisk_diff_cursor *c = NULL;
    crisk_diff_pairs_of which = s == S_SPOFS ? CRISK_DIFF_SPOFS : CRISK_DIFF_BREACHES;
    int rc = crisk_diff_pairs_open(&c, w->d, which, w->err);
    size_t limit = pairs_shown(w, s);
    row_buffer rows;
    memset(&rows, 0, sizeof rows);
    if (rc == CRISK_OK && fn == csv_record && cells_init(&rows, w) != 0)
        rc = crisk_error_set(w->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == CRISK_OK && i < limit; i++) {
        crisk_pair_diff x;
        int got = crisk_diff_pairs_next(c, &x, w->err);
        if (got != 1) {
            /* a temporary file that cannot be read back, or ends early */
            rc = got < 0 ? CRISK_EINTERNAL
               : crisk_error_set(w->err, CRISK_EINTERNAL, NULL, 0, 0,
                                 "the diff's temporary file ended early");
            break;
        }
        rc = pair_out(w, &rows, s, i, &x, fn);
    }
    row_flush(w, &rows);
    free(rows.buf);
    cells_release(&rows);
    crisk_diff_pairs_close(c);
    if (rc == CRISK_EIO)
        rc = CRISK_EINTERNAL;   /* not the output's: err names the temporary file */
    return rc;
}

/* Call `fn` for every record of section s, in order. */
static int walk_section(writer *w, enum section s, record_fn fn)
{
    size_t n = 0;
    int rc = CRISK_OK;
    const crisk_diff *d = w->d;
    if (s == S_NODES) {
        const crisk_node_diff *x = crisk_diff_nodes(d, &n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            node_record(w, &x[i], &r);
            rc = fn(w, s, i, &r);
        }
    } else if (s == S_EDGES) {
        const crisk_edge_diff *x = crisk_diff_edges(d, &n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            edge_record(w, &x[i], &r);
            rc = fn(w, s, i, &r);
        }
    } else if (s == S_GROUPS) {
        const crisk_group_diff *x = crisk_diff_groups(d, &n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            rc = group_record(w, &x[i], &r);
            if (rc == CRISK_OK)
                rc = fn(w, s, i, &r);
        }
    } else if (s == S_SPOFS || s == S_BREACHES) {
        rc = walk_pairs(w, s, fn);
    } else if (s == S_MOVES) {
        const crisk_move *x = crisk_diff_moves(d, &n);
        n = moves_shown(w, n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            move_record(w, &x[i], &r);
            rc = fn(w, s, i, &r);
        }
    } else if (s == S_SHARED) {
        const crisk_shared_diff *x = crisk_diff_shared(d, &n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            shared_record(w, &x[i], &r);
            rc = fn(w, s, i, &r);
        }
    } else if (s == S_REDUNDANCY) {
        const crisk_redundancy_diff *x = crisk_diff_false_redundancy(d, &n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            rc = redundancy_record(w, &x[i], &r);
            if (rc == CRISK_OK)
                rc = fn(w, s, i, &r);
        }
    } else {
        const crisk_market_diff *x = crisk_diff_concentration(d, &n);
        for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
            record r = { .n = 0 };
            market_record(&x[i], &r);
            rc = fn(w, s, i, &r);
        }
    }
    return rc;
}

/* ---- CSV ------------------------------------------------------------------------------------ */

static int csv_record(writer *w, enum section s, size_t index, const record *r)
{
    (void)s;
    (void)index;
    return crisk__csv_row_columns(w->f, csv_columns, N_CSV_COLUMNS, r->f, r->n);
}

/* Moves and markets: one row per number that moved. */
static int csv_spread(writer *w)
{
    size_t n = 0;
    const crisk_move *mv = crisk_diff_moves(w->d, &n);
    n = moves_shown(w, n);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++) {
            if ((mv[i].moved & (1u << k)) == 0)
                continue;
            record r = { .n = 0 };
            move_rows(w, &mv[i], k, &r);
            if (csv_record(w, S_MOVES, i, &r) != CRISK_OK)
                return CRISK_ENOMEM;
        }
    return CRISK_OK;
}

static int csv_markets(writer *w)
{
    size_t n = 0;
    const crisk_market_diff *x = crisk_diff_concentration(w->d, &n);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++) {
            if (!figure_shown(&x[i], k))
                continue;
            record r = { .n = 0 };
            market_rows(&x[i], k, &r);
            if (csv_record(w, S_CONCENTRATION, i, &r) != CRISK_OK)
                return CRISK_ENOMEM;
        }
    return CRISK_OK;
}

static int emit_csv(writer *w)
{
    crisk__field header[N_CSV_COLUMNS];
    for (size_t c = 0; c < N_CSV_COLUMNS; c++)
        header[c] = crisk__f_text(csv_columns[c], NULL);
    crisk__csv_header(w->f, header, N_CSV_COLUMNS);
    int rc = CRISK_OK;
    for (int s = 0; s < S_COUNT && rc == CRISK_OK; s++) {
        if (s == S_MOVES)
            rc = csv_spread(w);
        else if (s == S_CONCENTRATION)
            rc = csv_markets(w);
        else
            rc = walk_section(w, (enum section)s, csv_record);
    }
    return rc;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static int json_record(writer *w, enum section s, size_t index, const record *r)
{
    (void)s;
    fputs(index ? ",\n  " : "\n  ", w->f);
    crisk__json_object(w->f, r->f, r->n);
    return CRISK_OK;
}

static size_t section_count(const crisk_diff *d, enum section s)
{
    size_t n = 0;
    switch (s) {
    case S_NODES:         crisk_diff_nodes(d, &n); break;
    case S_EDGES:         crisk_diff_edges(d, &n); break;
    case S_GROUPS:        crisk_diff_groups(d, &n); break;
    case S_SPOFS:         n = pairs_total(d, s); break;
    case S_MOVES:         crisk_diff_moves(d, &n); break;
    case S_SHARED:        crisk_diff_shared(d, &n); break;
    case S_REDUNDANCY:    crisk_diff_false_redundancy(d, &n); break;
    case S_CONCENTRATION: crisk_diff_concentration(d, &n); break;
    default:              n = pairs_total(d, s); break;
    }
    return n;
}

static int emit_json(writer *w, const crisk_provenance *prov)
{
    crisk__json_begin_pair(w->f, w->inv[0], w->inv[1], prov);
    fprintf(w->f, "{\"changes\": %zu, \"min_change\": ", crisk_diff_count(w->d));
    crisk_json_number(w->f, crisk_diff_options_of(w->d)->min_change);
    int rc = CRISK_OK;
    for (int s = 0; s < S_COUNT && rc == CRISK_OK; s++) {
        fprintf(w->f, ",\n \"%s\": [", section_keys[s]);
        rc = walk_section(w, (enum section)s, json_record);
        size_t shown = s == S_MOVES ? moves_shown(w, section_count(w->d, S_MOVES))
                                    : section_count(w->d, (enum section)s);
        fputs(shown ? "\n ]" : "]", w->f);
    }
    fputs("}", w->f);
    crisk_json_end(w->f);
    return rc;
}

/* ---- tables ------------------------------------------------------------------------------------ */

/* Lists of ids in a table are cut here; CSV and JSON give them in full. */
#define LIST_WIDTH 60

enum table_id {
    T_NODES, T_FIELDS, T_EDGES, T_GROUPS, T_SPOFS, T_MOVES, T_SHARED, T_REDUNDANCY,
    T_CONCENTRATION, T_BREACHES, T_COUNT
};

typedef struct table_spec {
    const char *heading;
    size_t cols;
    const char *const *head;
    const char *align;
} table_spec;

#define COLS(...) (const char *const[]){ __VA_ARGS__ }

static const table_spec specs[T_COUNT] = {
    [T_NODES] = { "nodes added or removed", 5,
                  COLS("id", "change", "name", "type, category", "note"), "lllll" },
    [T_FIELDS] = { "nodes changed (one row per field)", 4, COLS("id", "field", "old", "new"), "llll" },
    [T_EDGES] = { "dependencies (edges) added, removed or changed", 5,
                  COLS("from", "to", "group", "change", "kind"), "lllll" },
    [T_GROUPS] = { "redundancy groups added, removed or changed", 5,
                   COLS("dependant", "group", "change", "what", "members or value"), "lllll" },
    [T_SPOFS] = { "single points of failure that appeared or were resolved", 4,
                  COLS("function", "spof", "name", "change"), "llll" },
    [T_MOVES] = { "providers whose metrics moved (largest move first)", 6,
                  COLS("id", "name", "impact_weight", "exposure", "tier", "breaches"), "llrrrr" },
    [T_SHARED] = { "shared Nth parties (tier >= 2, 2 or more tier-1 dependants) that appeared or disappeared",
                   4, COLS("id", "name", "change", "tier-1 dependants"), "lllr" },
    [T_REDUNDANCY] = { "false redundancy that appeared, disappeared or changed", 5,
                       COLS("dependant", "group", "change", "defeated by (old)", "defeated by (new)"),
                       "lllll" },
    [T_CONCENTRATION] = { "concentration that moved (HHI integer-rounded)", 6,
                          COLS("by", "market", "basis", "change", "HHI", "top-1 share"), "llllrr" },
    [T_BREACHES] = { "tolerance breaches (recovery_hours > rto_hours) that appeared or were resolved", 5,
                     COLS("function", "rto_hours", "provider", "recovery_hours", "change"), "lrlrl" },
};

/* A value for reading: a model's number exactly, a text cut to the name
 * width, a list of ids joined; "-" when not applicable. */
static void table_value(crisk__table *t, const crisk__field *x)
{
    char buf[64];
    if (x == NULL)
        crisk__table_text(t, "-", 0);
    else if (x->kind == CRISK__F_NUMBER)
        crisk__table_text(t, isnan(x->number) ? "-" : crisk_format_number(buf, sizeof buf, x->number), 0);
    else if (x->kind == CRISK__F_IDS)
        crisk__table_ids(t, x->inv, x->nodes, x->n, LIST_WIDTH);
    else
        crisk__table_text(t, x->text, CRISK__NAME_WIDTH);
}

/* "old -> new" of an amount, or the value alone when it did not move. */
static void table_move(crisk__table *t, double o, double n, int moved)
{
    char a[64], b[64];
    crisk__amount(a, sizeof a, o);
    if (!moved)
        crisk__table_text(t, a, 0);
    else
        crisk__table_printf(t, "%s -> %s", a, crisk__amount(b, sizeof b, n));
}

static void table_percent_move(crisk__table *t, double o, double n, int moved)
{
    char a[32], b[32];
    snprintf(a, sizeof a, isnan(o) ? "-" : "%.1f%%", 100 * o);
    snprintf(b, sizeof b, isnan(n) ? "-" : "%.1f%%", 100 * n);
    if (!moved)
        crisk__table_text(t, a, 0);
    else
        crisk__table_printf(t, "%s -> %s", a, b);
}

/* The ids of a list field joined with ", " into buf, cut at `max` bytes
 * (the table makes the text safe and cuts it to its width). */
static const char *join_ids(char *buf, size_t size, const crisk__field *x)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; x != NULL && x->kind == CRISK__F_IDS && i < x->n && o + 1 < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "",
                              crisk_inventory_node_id(x->inv, x->nodes[i]));
    return o ? buf : "-";
}

static const char *text_of(const record *r, const char *key)
{
    const crisk__field *x = get(r, key);
    return x != NULL ? x->text : NULL;
}

/* The word a table shows for a record's kind: what follows its last '-'
 * ("node-added" -> "added"). */
static const char *kind_word(const record *r)
{
    const char *k = text_of(r, "kind"), *dash = strrchr(k, '-');
    return dash != NULL ? dash + 1 : k;
}

static void table_node(crisk__table *tables, const record *r)
{
    if (get(r, "field") != NULL) {
        crisk__table *t = &tables[T_FIELDS];
        crisk__table_text(t, text_of(r, "id"), 0);
        crisk__table_text(t, text_of(r, "field"), 0);
        table_value(t, get(r, "old"));
        table_value(t, get(r, "new"));
        return;
    }
    crisk__table *t = &tables[T_NODES];
    const char *same = text_of(r, "same_name"), *word = kind_word(r);
    crisk__table_text(t, text_of(r, "id"), 0);
    crisk__table_text(t, word, 0);
    crisk__table_text(t, text_of(r, "name"), CRISK__NAME_WIDTH);
    crisk__table_printf(t, "%s, %s", text_of(r, "type"), text_of(r, "category"));
    if (same != NULL)
        crisk__table_printf(t, "same name as %s '%s'",
                            strcmp(word, "added") == 0 ? "removed" : "added", same);
    else
        crisk__table_text(t, "", 0);
}

static void table_edge(crisk__table *t, const record *r)
{
    const char *word = kind_word(r), *o = text_of(r, "old"), *n = text_of(r, "new");
    crisk__table_text(t, text_of(r, "id"), 0);
    crisk__table_text(t, text_of(r, "to"), 0);
    crisk__table_text(t, text_of(r, "group"), 0);
    crisk__table_text(t, word, 0);
    if (strcmp(word, "changed") == 0)
        crisk__table_printf(t, "%s -> %s", o ? o : "-", n ? n : "-");
    else
        crisk__table_text(t, strcmp(word, "added") == 0 ? n : o, 0);
}

static void table_group(crisk__table *t, const record *r)
{
    char a[LIST_WIDTH * 2], b[LIST_WIDTH * 2];
    const char *word = kind_word(r);
    const crisk__field *o = get(r, "old"), *n = get(r, "new");
    crisk__table_text(t, text_of(r, "id"), 0);
    crisk__table_text(t, text_of(r, "group"), 0);
    crisk__table_text(t, word, 0);
    if (get(r, "need") != NULL) {
        const crisk__field *m = strcmp(word, "added") == 0 ? n : o;
        crisk__table_printf(t, "need %.0f of %zu", get(r, "need")->number, m->n);
        crisk__table_text(t, join_ids(a, sizeof a, m), LIST_WIDTH);
    } else if (o->kind == CRISK__F_NUMBER) {
        crisk__table_text(t, "need", 0);
        crisk__table_printf(t, "%.0f -> %.0f", o->number, n->number);
    } else {
        crisk__table_text(t, "members", 0);
        crisk__table_printf(t, "%s -> %s", join_ids(a, sizeof a, o), join_ids(b, sizeof b, n));
    }
}

static void table_market(crisk__table *t, const crisk_market_diff *x)
{
    for (int basis = 0; basis < 2; basis++) {
        unsigned hhi = basis ? CRISK_MOVED_RELIANCE_HHI : CRISK_MOVED_SPEND_HHI;
        unsigned top = basis ? CRISK_MOVED_RELIANCE_TOP1 : CRISK_MOVED_SPEND_TOP1;
        int all = x->change != CRISK_CHANGE_CHANGED;
        if (all ? !figure_shown(x, basis * 2) : (x->moved & (hhi | top)) == 0)
            continue;
        double h0 = figure(&x->old_market, basis * 2), h1 = figure(&x->new_market, basis * 2);
        crisk__table_text(t, by_names[x->by], 0);
        crisk__table_text(t, x->market, 0);
        crisk__table_text(t, basis ? "reliance" : "spend", 0);
        crisk__table_text(t, change_word(x->change, "market added", "market removed", "moved"), 0);
        table_move(t, isnan(h0) ? h0 : round(h0), isnan(h1) ? h1 : round(h1),
                   all || (x->moved & hhi) != 0);
        table_percent_move(t, figure(&x->old_market, basis * 2 + 1),
                           figure(&x->new_market, basis * 2 + 1), all || (x->moved & top) != 0);
    }
}

static int table_record(writer *w, enum section s, size_t index, const record *r)
{
    crisk__table *tables = w->tables;
    size_t n = 0;
    char a[LIST_WIDTH * 2];
    switch (s) {
    case S_NODES:
        table_node(tables, r);
        break;
    case S_EDGES:
        table_edge(&tables[T_EDGES], r);
        break;
    case S_GROUPS:
        table_group(&tables[T_GROUPS], r);
        break;
    case S_SPOFS: {
        crisk__table *t = &tables[T_SPOFS];
        crisk__table_text(t, text_of(r, "function"), 0);
        crisk__table_text(t, text_of(r, "id"), 0);
        crisk__table_text(t, text_of(r, "name"), CRISK__NAME_WIDTH);
        crisk__table_text(t, kind_word(r), 0);
        break;
    }
    case S_BREACHES: {
        crisk__table *t = &tables[T_BREACHES];
        crisk__table_text(t, text_of(r, "function"), 0);
        table_value(t, get(r, "rto_hours"));
        crisk__table_text(t, text_of(r, "id"), 0);
        table_value(t, get(r, "recovery_hours"));
        crisk__table_text(t, kind_word(r), 0);
        break;
    }
    case S_MOVES: {
        crisk__table *t = &tables[T_MOVES];
        const crisk_move *x = &crisk_diff_moves(w->d, &n)[index];
        crisk__table_text(t, text_of(r, "id"), 0);
        crisk__table_text(t, text_of(r, "name"), CRISK__NAME_WIDTH);
        for (int k = 0; k < 4; k++)   /* fields 4.. are old/new pairs in metric order */
            table_move(t, r->f[4 + 2 * k].number, r->f[5 + 2 * k].number,
                       (x->moved & (1u << k)) != 0);
        break;
    }
    case S_SHARED: {
        crisk__table *t = &tables[T_SHARED];
        crisk__table_text(t, text_of(r, "id"), 0);
        crisk__table_text(t, text_of(r, "name"), CRISK__NAME_WIDTH);
        crisk__table_text(t, kind_word(r), 0);
        table_move(t, get(r, "old")->number, get(r, "new")->number, 1);
        break;
    }
    case S_REDUNDANCY: {
        crisk__table *t = &tables[T_REDUNDANCY];
        crisk__table_text(t, text_of(r, "id"), 0);
        crisk__table_text(t, text_of(r, "group"), 0);
        crisk__table_text(t, kind_word(r), 0);
        crisk__table_text(t, join_ids(a, sizeof a, get(r, "old")), LIST_WIDTH / 2);
        crisk__table_text(t, join_ids(a, sizeof a, get(r, "new")), LIST_WIDTH / 2);
        break;
    }
    default:
        table_market(&tables[T_CONCENTRATION], &crisk_diff_concentration(w->d, &n)[index]);
        break;
    }
    return CRISK_OK;
}

static void print_heading(FILE *f, const crisk_inventory *inv, const char *side)
{
    size_t n = crisk_inventory_source_count(inv);
    fprintf(f, "%s:", side);
    for (size_t i = 0; i < n; i++) {
        crisk_source_view s;
        crisk_inventory_source(inv, i, &s);
        fputs(i ? ", " : " ", f);
        crisk__print_safe(f, s.path, 0);
    }
    fprintf(f, " (%zu nodes, %zu edges)\n", crisk_inventory_node_count(inv),
            crisk_inventory_edge_count(inv));
}

static int print_tables(writer *w)
{
    FILE *f = w->f;
    size_t changes = crisk_diff_count(w->d);
    print_heading(f, w->inv[0], "old");
    print_heading(f, w->inv[1], "new");
    if (changes == 0) {
        fputs("no changes\n", f);
        return CRISK_OK;
    }
    fprintf(f, "%zu change%s\n", changes, changes == 1 ? "" : "s");
    int rc = CRISK_OK;
    for (int t = 0; t < T_COUNT && rc == CRISK_OK; t++) {
        if (crisk__table_rows(&w->tables[t]) == 0)
            continue;
        fprintf(f, "\n%s:\n", specs[t].heading);
        rc = crisk__table_print(f, &w->tables[t], "  ");
        enum section ps = t == T_SPOFS ? S_SPOFS : S_BREACHES;
        if (rc == CRISK_OK && (t == T_SPOFS || t == T_BREACHES)
            && pairs_shown(w, ps) < pairs_total(w->d, ps))
            fprintf(f, "  ... and %zu more (--format csv or json lists them all)\n",
                    pairs_total(w->d, ps) - pairs_shown(w, ps));
    }
    size_t n = 0;
    crisk_diff_moves(w->d, &n);
    if (rc == CRISK_OK && moves_shown(w, n) < n)
        fprintf(f, "  (the %zu largest of %zu moves; --top shows more)\n", moves_shown(w, n), n);
    return rc;
}

static int emit_table(writer *w)
{
    crisk__table tables[T_COUNT];
    for (int t = 0; t < T_COUNT; t++)
        crisk__table_init(&tables[t], specs[t].cols, specs[t].head, specs[t].align);
    w->tables = tables;
    int rc = CRISK_OK;
    for (int s = 0; s < S_COUNT && rc == CRISK_OK; s++)
        rc = walk_section(w, (enum section)s, table_record);
    if (rc == CRISK_OK)
        rc = print_tables(w);
    for (int t = 0; t < T_COUNT; t++)
        crisk__table_release(&tables[t]);
    w->tables = NULL;
    return rc;
}

/* ---- entry ------------------------------------------------------------------------------------- */

int crisk_emit_diff(FILE *f, const crisk_diff *d, long top, crisk_format fmt,
                    const crisk_provenance *prov, crisk_error *err)
{
    writer w;
    memset(&w, 0, sizeof w);
    w.f = f;
    w.d = d;
    w.fmt = fmt;
    w.top = top;
    w.err = err;
    for (int s = 0; s < 2; s++) {
        w.a[s] = s ? crisk_diff_new(d) : crisk_diff_old(d);
        w.inv[s] = crisk_analysis_inventory(w.a[s]);
    }
    int rc;
    if (fmt == CRISK_FORMAT_CSV)
        rc = emit_csv(&w);
    else if (fmt == CRISK_FORMAT_JSON)
        rc = emit_json(&w, prov);
    else
        rc = emit_table(&w);
    free(w.ids[0]);
    free(w.ids[1]);
    if (rc == CRISK_ENOMEM && err->code != CRISK_ENOMEM)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return rc != CRISK_OK ? rc : crisk__emit_status(f, err);
}
