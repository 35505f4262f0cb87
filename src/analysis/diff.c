/*
 * diff.c - what changed between two snapshots (chainrisk/diff.h): the
 * object, matching nodes by id, and the model's changes (nodes, edges,
 * redundancy groups).  diff_risk.c compares what the analyses make of the
 * models.
 *
 * Approach: one hash lookup per node matches the sides (the inventory's id
 * index); the ids of both sides are merged once into one order (each
 * analysis has already sorted its own), so every later sort by id compares
 * integers.  A dependant present on both sides is first checked for having
 * the same dependencies in the same order, which is what most dependants of
 * two snapshots have: O(d) without sorting.  Only dependants that differ
 * have their edges and groups sorted by (group name, provider) and merged.
 * Changes are collected in any order and sorted at the end, through keys.
 *
 * Rejected: comparing a canonical text of both models (sorted CSV lines).
 * Simple, but it costs a sort of every edge of both sides and says only
 * which lines differ, not what they mean.
 */
#include "analysis_internal.h"
#include "diff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- matching ------------------------------------------------------------------- */

static int match_nodes(crisk_diff *d)
{
    for (int s = 0; s < 2; s++) {
        const crisk_inventory *inv = d->inv[s], *other = d->inv[1 - s];
        d->match[s] = malloc((inv->n + 1) * sizeof *d->match[s]);
        if (d->match[s] == NULL)
            return -1;
        for (size_t v = 0; v < inv->n; v++)
            d->match[s][v] = crisk__inventory_lookup(other, inv->id[v], strlen(inv->id[v]));
    }
    return 0;
}

/* Nodes of side s in id order, from the analysis' id ranks. */
static uint32_t *id_order(const crisk_diff *d, int s)
{
    size_t n = d->inv[s]->n;
    uint32_t *order = malloc((n + 1) * sizeof *order);
    if (order != NULL)
        for (size_t v = 0; v < n; v++)
            order[crisk__analysis_id_rank(d->a[s], v)] = (uint32_t)v;
    return order;
}

/* Merge both sides' id orders: matched nodes have the same id, so they meet. */
static int rank_nodes(crisk_diff *d)
{
    uint32_t *order[2] = { id_order(d, 0), id_order(d, 1) };
    for (int s = 0; s < 2; s++)
        d->rank[s] = malloc((d->inv[s]->n + 1) * sizeof *d->rank[s]);
    int rc = -1;
    if (order[0] != NULL && order[1] != NULL && d->rank[0] != NULL && d->rank[1] != NULL) {
        size_t i = 0, j = 0, n0 = d->inv[0]->n, n1 = d->inv[1]->n;
        uint32_t r = 0;
        while (i < n0 || j < n1) {
            int c = i == n0 ? 1 : j == n1 ? -1
                  : strcmp(d->inv[0]->id[order[0][i]], d->inv[1]->id[order[1][j]]);
            if (c <= 0)
                d->rank[0][order[0][i++]] = r;
            if (c >= 0)
                d->rank[1][order[1][j++]] = r;
            r++;
        }
        rc = 0;
    }
    free(order[0]);
    free(order[1]);
    return rc;
}

/* ---- nodes ---------------------------------------------------------------------- */

static int same_number(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

/* A pass-through column of either side: its index on each (DIFF_NONE where
 * the side has no such column; names match ignoring ASCII case, as CSV
 * headers do). */
typedef struct attr_column {
    const char *name;
    uint32_t index[2];
} attr_column;

static attr_column *attr_columns(const crisk_diff *d, size_t *count)
{
    size_t n0 = d->inv[0]->n_attrs, n1 = d->inv[1]->n_attrs, k = 0;
    attr_column *cols = malloc((n0 + n1 + 1) * sizeof *cols);
    if (cols == NULL)
        return NULL;
    for (size_t j = 0; j < n1; j++)
        cols[k++] = (attr_column){ d->inv[1]->attr_names[j], { DIFF_NONE, (uint32_t)j } };
    for (size_t i = 0; i < n0; i++) {
        size_t c = 0;
        while (c < n1 && crisk__strcasecmp_ascii(cols[c].name, d->inv[0]->attr_names[i]) != 0)
            c++;
        if (c == n1)
            cols[k++] = (attr_column){ d->inv[0]->attr_names[i], { (uint32_t)i, DIFF_NONE } };
        else
            cols[c].index[0] = (uint32_t)i;
    }
    *count = k;
    return cols;
}

static const char *attr_value(const crisk_inventory *inv, size_t v, uint32_t k)
{
    if (k == DIFF_NONE)
        return "";
    const char *s = inv->attr_values[v * inv->n_attrs + k];
    return s != NULL ? s : "";
}

static crisk_node_diff *push_node(crisk_diff *d, crisk_change change, uint32_t u, uint32_t v,
                                  crisk_node_field field)
{
    crisk_node_diff *x = CRISK__DIFF_PUSH(d, nodes);
    if (x != NULL)
        *x = (crisk_node_diff){ change, crisk__diff_index(u), crisk__diff_index(v), field,
                                NULL, NULL, NULL, CRISK_DIFF_NONE };
    return x;
}

/* The DESIGN §3 fields of u (OLD) and v (NEW) that differ, in column order. */
static int compare_native(crisk_diff *d, uint32_t u, uint32_t v)
{
    const crisk_inventory *o = d->inv[0], *n = d->inv[1];
    const int differs[] = {
        [CRISK_FIELD_NAME] = strcmp(o->name[u], n->name[v]) != 0,
        [CRISK_FIELD_TYPE] = o->type[u] != n->type[v],
        [CRISK_FIELD_CATEGORY] = o->category[u] != n->category[v],
        [CRISK_FIELD_CRITICALITY] = !same_number(o->criticality[u], n->criticality[v]),
        [CRISK_FIELD_RTO_HOURS] = !same_number(o->rto[u], n->rto[v]),
        [CRISK_FIELD_RECOVERY_HOURS] = !same_number(o->recovery[u], n->recovery[v]),
        [CRISK_FIELD_SPEND] = !same_number(o->spend[u], n->spend[v]),
        [CRISK_FIELD_COUNTRY] = strcmp(o->country[u], n->country[v]) != 0,
        [CRISK_FIELD_PARENT] = strcmp(o->parent[u], n->parent[v]) != 0,
        [CRISK_FIELD_SUBSTITUTABILITY] = o->subst[u] != n->subst[v],
        [CRISK_FIELD_PROBABILITY] = !same_number(o->probability[u], n->probability[v]),
    };
    for (int f = CRISK_FIELD_NAME; f <= CRISK_FIELD_PROBABILITY; f++)
        if (differs[f] && push_node(d, CRISK_CHANGE_CHANGED, u, v, (crisk_node_field)f) == NULL)
            return -1;
    return 0;
}

static int compare_attrs(crisk_diff *d, uint32_t u, uint32_t v, const attr_column *cols,
                         size_t n_cols)
{
    for (size_t c = 0; c < n_cols; c++) {
        const char *x = attr_value(d->inv[0], u, cols[c].index[0]);
        const char *y = attr_value(d->inv[1], v, cols[c].index[1]);
        if (strcmp(x, y) == 0)
            continue;
        crisk_node_diff *nd = push_node(d, CRISK_CHANGE_CHANGED, u, v, CRISK_FIELD_ATTRIBUTE);
        if (nd == NULL)
            return -1;
        nd->attribute = cols[c].name;
        nd->old_value = x;
        nd->new_value = y;
    }
    return 0;
}

typedef struct named {
    const char *name;
    uint32_t rank;
    size_t record;          /* its entry in d->nodes */
} named;

static int compare_named(const void *pa, const void *pb)
{
    const named *x = pa, *y = pb;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

/* Note, on every removed node, the first added node (by id) with its name,
 * and the other way round: a renamed id then says what it probably was. */
static void pair_names(crisk_diff *d, const named *x, size_t nx, const named *y, size_t ny)
{
    for (size_t i = 0, j = 0; i < nx && j < ny;) {
        int c = strcmp(x[i].name, y[j].name);
        if (c != 0) {
            i += c < 0;
            j += c > 0;
            continue;
        }
        const char *name = x[i].name;
        size_t first_x = i, first_y = j;
        for (; i < nx && strcmp(x[i].name, name) == 0; i++)
            d->nodes[x[i].record].same_name = d->nodes[y[first_y].record].new_node;
        for (; j < ny && strcmp(y[j].name, name) == 0; j++)
            d->nodes[y[j].record].same_name = d->nodes[x[first_x].record].old_node;
    }
}

static int note_same_names(crisk_diff *d)
{
    size_t k[2] = { 0, 0 };
    named *list[2] = { malloc((d->n_nodes + 1) * sizeof(named)),
                       malloc((d->n_nodes + 1) * sizeof(named)) };
    int rc = -1;
    if (list[0] != NULL && list[1] != NULL) {
        for (size_t i = 0; i < d->n_nodes; i++) {
            const crisk_node_diff *x = &d->nodes[i];
            if (x->change == CRISK_CHANGE_CHANGED)
                continue;
            int s = x->change == CRISK_CHANGE_ADDED;
            size_t v = s ? x->new_node : x->old_node;
            list[s][k[s]++] = (named){ d->inv[s]->name[v], d->rank[s][v], i };
        }
        crisk__sort(list[0], k[0], sizeof(named), compare_named);
        crisk__sort(list[1], k[1], sizeof(named), compare_named);
        pair_names(d, list[0], k[0], list[1], k[1]);
        rc = 0;
    }
    free(list[0]);
    free(list[1]);
    return rc;
}

static int diff_nodes(crisk_diff *d)
{
    size_t n_cols = 0;
    attr_column *cols = attr_columns(d, &n_cols);
    if (cols == NULL)
        return -1;
    int rc = 0;
    for (uint32_t v = 0; v < d->inv[1]->n && rc == 0; v++) {
        uint32_t u = d->match[1][v];
        if (u == DIFF_NONE)
            rc = push_node(d, CRISK_CHANGE_ADDED, DIFF_NONE, v, CRISK_FIELD_NONE) ? 0 : -1;
        else if (compare_native(d, u, v) != 0 || compare_attrs(d, u, v, cols, n_cols) != 0)
            rc = -1;
    }
    for (uint32_t u = 0; u < d->inv[0]->n && rc == 0; u++)
        if (d->match[0][u] == DIFF_NONE)
            rc = push_node(d, CRISK_CHANGE_REMOVED, u, DIFF_NONE, CRISK_FIELD_NONE) ? 0 : -1;
    free(cols);
    return rc == 0 ? note_same_names(d) : rc;
}

/* ---- edges and groups ----------------------------------------------------------- */

/* Whether u (OLD) and v (NEW) have the same groups, members and edge kinds,
 * in the same order: the common case, checked without sorting. */
static int same_dependencies(const crisk_diff *d, uint32_t u, uint32_t v)
{
    const crisk_inventory *o = d->inv[0], *n = d->inv[1];
    uint32_t g0 = o->group_start[u], g1 = n->group_start[v];
    if (o->group_start[u + 1] - g0 != n->group_start[v + 1] - g1)
        return 0;
    for (; g0 < o->group_start[u + 1]; g0++, g1++) {
        uint32_t e0 = o->member_start[g0], e1 = n->member_start[g1];
        if (o->member_start[g0 + 1] - e0 != n->member_start[g1 + 1] - e1
            || o->need[g0] != n->need[g1]
            || strcmp(crisk__group_name(o, g0), crisk__group_name(n, g1)) != 0)
            return 0;
        for (; e0 < o->member_start[g0 + 1]; e0++, e1++)
            if (d->match[0][o->member[e0]] != n->member[e1]
                || strcmp(crisk__edge_kind(o, e0), crisk__edge_kind(n, e1)) != 0)
                return 0;
    }
    return 1;
}

/* One edge of a dependant: member `index` of group `group`. */
typedef struct edge_ref {
    const char *group_name;
    uint32_t to_rank;
    uint32_t group, index;
} edge_ref;

static int compare_edge_ref(const void *pa, const void *pb)
{
    const edge_ref *x = pa, *y = pb;
    int c = strcmp(x->group_name, y->group_name);
    if (c != 0)
        return c;
    return (x->to_rank > y->to_rank) - (x->to_rank < y->to_rank);
}

/* Scratch space for one dependant's edges and groups, reused. */
typedef struct scratch {
    edge_ref *edges[2];
    size_t cap_edges[2];
    edge_ref *groups[2];    /* named groups: to_rank unused */
    size_t cap_groups[2];
    uint32_t *ranks[2];     /* a group's member ranks */
    size_t cap_ranks[2];
} scratch;

static void scratch_release(scratch *sc)
{
    for (int s = 0; s < 2; s++) {
        free(sc->edges[s]);
        free(sc->groups[s]);
        free(sc->ranks[s]);
    }
}

/* The edges and named groups of node v of side s, sorted; counts in
 * n_edges / n_groups.  v = DIFF_NONE: none. */
static int collect(const crisk_diff *d, scratch *sc, int s, uint32_t v, size_t *n_edges,
                   size_t *n_groups)
{
    const crisk_inventory *inv = d->inv[s];
    *n_edges = *n_groups = 0;
    if (v == DIFF_NONE)
        return 0;
    uint32_t g0 = inv->group_start[v], g1 = inv->group_start[v + 1];
    size_t edges = inv->member_start[g1] - inv->member_start[g0];
    if (crisk__grow((void **)&sc->edges[s], &sc->cap_edges[s], edges + 1, sizeof(edge_ref))
        || crisk__grow((void **)&sc->groups[s], &sc->cap_groups[s], g1 - g0 + 1, sizeof(edge_ref)))
        return -1;
    for (uint32_t g = g0; g < g1; g++) {
        const char *name = crisk__group_name(inv, g);
        if (name[0] != '\0')
            sc->groups[s][(*n_groups)++] = (edge_ref){ name, 0, g, 0 };
        for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
            sc->edges[s][(*n_edges)++] = (edge_ref){ name, d->rank[s][inv->member[e]], g,
                                                     e - inv->member_start[g] };
    }
    crisk__sort(sc->edges[s], *n_edges, sizeof(edge_ref), compare_edge_ref);
    crisk__sort(sc->groups[s], *n_groups, sizeof(edge_ref), compare_edge_ref);
    return 0;
}

static int push_edge(crisk_diff *d, crisk_change change, const edge_ref *x, const edge_ref *y)
{
    crisk_edge_diff *e = CRISK__DIFF_PUSH(d, edges);
    if (e == NULL)
        return -1;
    *e = (crisk_edge_diff){ change, x ? x->group : CRISK_DIFF_NONE, x ? x->index : CRISK_DIFF_NONE,
                            y ? y->group : CRISK_DIFF_NONE, y ? y->index : CRISK_DIFF_NONE };
    return 0;
}

static int merge_edges(crisk_diff *d, const scratch *sc, size_t n0, size_t n1)
{
    const edge_ref *x = sc->edges[0], *y = sc->edges[1];
    size_t i = 0, j = 0;
    while (i < n0 || j < n1) {
        int c = i == n0 ? 1 : j == n1 ? -1 : compare_edge_ref(&x[i], &y[j]);
        int rc = 0;
        if (c < 0)
            rc = push_edge(d, CRISK_CHANGE_REMOVED, &x[i++], NULL);
        else if (c > 0)
            rc = push_edge(d, CRISK_CHANGE_ADDED, NULL, &y[j++]);
        else {
            const char *k0 = crisk__edge_kind(d->inv[0], d->inv[0]->member_start[x[i].group] + x[i].index);
            const char *k1 = crisk__edge_kind(d->inv[1], d->inv[1]->member_start[y[j].group] + y[j].index);
            if (strcmp(k0, k1) != 0)
                rc = push_edge(d, CRISK_CHANGE_CHANGED, &x[i], &y[j]);
            i++;
            j++;
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int push_group(crisk_diff *d, crisk_change change, uint32_t g0, uint32_t g1,
                      crisk_group_field field)
{
    crisk_group_diff *g = CRISK__DIFF_PUSH(d, groups);
    if (g == NULL)
        return -1;
    *g = (crisk_group_diff){ change, crisk__diff_index(g0), crisk__diff_index(g1), field };
    return 0;
}

static int compare_rank(const void *pa, const void *pb)
{
    uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
    return (x > y) - (x < y);
}

/* The member ranks of group g of side s, sorted (the members as a set). */
static int member_ranks(const crisk_diff *d, scratch *sc, int s, uint32_t g, size_t *count)
{
    const crisk_inventory *inv = d->inv[s];
    size_t n = inv->member_start[g + 1] - inv->member_start[g];
    if (crisk__grow((void **)&sc->ranks[s], &sc->cap_ranks[s], n + 1, sizeof(uint32_t)))
        return -1;
    for (size_t i = 0; i < n; i++)
        sc->ranks[s][i] = d->rank[s][inv->member[inv->member_start[g] + i]];
    crisk__sort(sc->ranks[s], n, sizeof(uint32_t), compare_rank);
    *count = n;
    return 0;
}

static int compare_group(crisk_diff *d, scratch *sc, uint32_t g0, uint32_t g1)
{
    if (d->inv[0]->need[g0] != d->inv[1]->need[g1]
        && push_group(d, CRISK_CHANGE_CHANGED, g0, g1, CRISK_GROUP_FIELD_NEED) != 0)
        return -1;
    size_t n0 = 0, n1 = 0;
    if (member_ranks(d, sc, 0, g0, &n0) != 0 || member_ranks(d, sc, 1, g1, &n1) != 0)
        return -1;
    if (n0 != n1 || memcmp(sc->ranks[0], sc->ranks[1], n0 * sizeof(uint32_t)) != 0)
        return push_group(d, CRISK_CHANGE_CHANGED, g0, g1, CRISK_GROUP_FIELD_MEMBERS);
    return 0;
}

static int merge_groups(crisk_diff *d, scratch *sc, size_t n0, size_t n1)
{
    const edge_ref *x = sc->groups[0], *y = sc->groups[1];
    size_t i = 0, j = 0;
    while (i < n0 || j < n1) {
        int c = i == n0 ? 1 : j == n1 ? -1 : strcmp(x[i].group_name, y[j].group_name);
        int rc;
        if (c < 0)
            rc = push_group(d, CRISK_CHANGE_REMOVED, x[i++].group, DIFF_NONE, CRISK_GROUP_FIELD_NONE);
        else if (c > 0)
            rc = push_group(d, CRISK_CHANGE_ADDED, DIFF_NONE, y[j++].group, CRISK_GROUP_FIELD_NONE);
        else
            rc = compare_group(d, sc, x[i++].group, y[j++].group);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* The dependencies of OLD node u and NEW node v (either may be DIFF_NONE). */
static int diff_dependant(crisk_diff *d, scratch *sc, uint32_t u, uint32_t v)
{
    if (u != DIFF_NONE && v != DIFF_NONE && same_dependencies(d, u, v))
        return 0;
    size_t e0, e1, g0, g1;
    if (collect(d, sc, 0, u, &e0, &g0) != 0 || collect(d, sc, 1, v, &e1, &g1) != 0)
        return -1;
    if (merge_edges(d, sc, e0, e1) != 0)
        return -1;
    return merge_groups(d, sc, g0, g1);
}

static int diff_dependencies(crisk_diff *d)
{
    scratch sc;
    memset(&sc, 0, sizeof sc);
    int rc = 0;
    for (uint32_t v = 0; v < d->inv[1]->n && rc == 0; v++)
        rc = diff_dependant(d, &sc, d->match[1][v], v);
    for (uint32_t u = 0; u < d->inv[0]->n && rc == 0; u++)
        if (d->match[0][u] == DIFF_NONE)
            rc = diff_dependant(d, &sc, u, DIFF_NONE);
    scratch_release(&sc);
    return rc;
}

/* ---- sorting the model's changes -------------------------------------------------- */

/* The rank of a node given on either side. */
static uint64_t rank_of(const crisk_diff *d, size_t old_node, size_t new_node)
{
    return new_node != CRISK_DIFF_NONE ? d->rank[1][new_node] : d->rank[0][old_node];
}

static crisk__diff_key *new_keys(size_t n)
{
    return malloc((n ? n : 1) * sizeof(crisk__diff_key));
}

static int sort_nodes(crisk_diff *d)
{
    crisk__diff_key *k = new_keys(d->n_nodes);
    if (k == NULL)
        return -1;
    for (size_t i = 0; i < d->n_nodes; i++) {
        const crisk_node_diff *x = &d->nodes[i];
        k[i] = (crisk__diff_key){ (uint64_t)x->change << 32 | rank_of(d, x->old_node, x->new_node),
                                  x->attribute, (uint64_t)x->field, (uint32_t)i };
    }
    int rc = crisk__diff_sort(d->nodes, d->n_nodes, sizeof *d->nodes, k);
    free(k);
    return rc;
}

/* Side s's dependant and group name of group g. */
static uint64_t owner_rank(const crisk_diff *d, int s, size_t g)
{
    return d->rank[s][crisk__group_owner(d->inv[s], g)];
}

static int sort_edges(crisk_diff *d)
{
    crisk__diff_key *k = new_keys(d->n_edges);
    if (k == NULL)
        return -1;
    for (size_t i = 0; i < d->n_edges; i++) {
        const crisk_edge_diff *x = &d->edges[i];
        int s = x->new_group != CRISK_DIFF_NONE;
        size_t g = s ? x->new_group : x->old_group, m = s ? x->new_member : x->old_member;
        const crisk_inventory *inv = d->inv[s];
        k[i] = (crisk__diff_key){ (uint64_t)x->change << 32 | owner_rank(d, s, g),
                                  crisk__group_name(inv, g),
                                  d->rank[s][inv->member[inv->member_start[g] + m]], (uint32_t)i };
    }
    int rc = crisk__diff_sort(d->edges, d->n_edges, sizeof *d->edges, k);
    free(k);
    return rc;
}

static int sort_groups(crisk_diff *d)
{
    crisk__diff_key *k = new_keys(d->n_groups);
    if (k == NULL)
        return -1;
    for (size_t i = 0; i < d->n_groups; i++) {
        const crisk_group_diff *x = &d->groups[i];
        int s = x->new_group != CRISK_DIFF_NONE;
        size_t g = s ? x->new_group : x->old_group;
        k[i] = (crisk__diff_key){ (uint64_t)x->change << 32 | owner_rank(d, s, g),
                                  crisk__group_name(d->inv[s], g), (uint64_t)x->field, (uint32_t)i };
    }
    int rc = crisk__diff_sort(d->groups, d->n_groups, sizeof *d->groups, k);
    free(k);
    return rc;
}

/* ---- the object ----------------------------------------------------------------- */

void crisk_diff_free(crisk_diff *d)
{
    if (d == NULL)
        return;
    for (int s = 0; s < 2; s++) {
        free(d->match[s]);
        free(d->rank[s]);
    }
    for (int k = 0; k < 2; k++) {
        crisk__keyset_release(&d->pairs[k]);
        free(d->by_rank[k]);
    }
    free(d->nodes);
    free(d->edges);
    free(d->groups);
    free(d->moves);
    free(d->shared);
    free(d->redundancy);
    free(d->markets);
    free(d);
}

static int diff_model(crisk_diff *d, crisk_error *err)
{
    if (match_nodes(d) != 0 || rank_nodes(d) != 0 || diff_nodes(d) != 0
        || diff_dependencies(d) != 0 || sort_nodes(d) != 0 || sort_edges(d) != 0
        || sort_groups(d) != 0)
        return oom(err);
    return CRISK_OK;
}

int crisk_diff_run(crisk_diff **out, const crisk_analysis *old_analysis,
                   const crisk_analysis *new_analysis, const crisk_diff_options *opts,
                   crisk_error *err)
{
    static const crisk_diff_options defaults = CRISK_DIFF_OPTIONS_INIT;
    *out = NULL;
    for (int s = 0; s < 2; s++) {
        const crisk_analysis *a = s ? new_analysis : old_analysis;
        if (!crisk__analysis_keeps(a, CRISK__KEPT_FINGERPRINTS)
            || !crisk__analysis_keeps(a, CRISK__KEPT_FALSE_REDUNDANCY))
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "a diff needs analyses that keep fingerprints and false "
                                   "redundancy");
    }
    crisk_diff *d = calloc(1, sizeof *d);
    if (d == NULL)
        return oom(err);
    d->a[0] = old_analysis;
    d->a[1] = new_analysis;
    d->inv[0] = crisk_analysis_inventory(old_analysis);
    d->inv[1] = crisk_analysis_inventory(new_analysis);
    d->opts = opts != NULL ? *opts : defaults;
    for (int k = 0; k < 2; k++)
        crisk__keyset_init(&d->pairs[k], d->opts.pairs_in_memory ? d->opts.pairs_in_memory
                                                                 : CRISK_DIFF_PAIRS_IN_MEMORY);
    int rc = diff_model(d, err);
    if (rc == CRISK_OK)
        rc = crisk__diff_risk(d, err);
    if (rc != CRISK_OK) {
        crisk_diff_free(d);
        return rc;
    }
    *out = d;
    return CRISK_OK;
}

const crisk_analysis *crisk_diff_old(const crisk_diff *d) { return d->a[0]; }
const crisk_analysis *crisk_diff_new(const crisk_diff *d) { return d->a[1]; }
const crisk_diff_options *crisk_diff_options_of(const crisk_diff *d) { return &d->opts; }

size_t crisk_diff_count(const crisk_diff *d)
{
    return d->n_nodes + d->n_edges + d->n_groups + (size_t)crisk__keyset_count(&d->pairs[0])
         + d->n_moves + d->n_shared + d->n_redundancy + d->n_markets
         + (size_t)crisk__keyset_count(&d->pairs[1]);
}

#define GETTER(type, name, list)                                          \
    const type *crisk_diff_##name(const crisk_diff *d, size_t *count)     \
    {                                                                     \
        *count = d->n_##list;                                             \
        return d->list;                                                   \
    }

GETTER(crisk_node_diff, nodes, nodes)
GETTER(crisk_edge_diff, edges, edges)
GETTER(crisk_group_diff, groups, groups)
GETTER(crisk_move, moves, moves)
GETTER(crisk_shared_diff, shared, shared)
GETTER(crisk_redundancy_diff, false_redundancy, redundancy)
GETTER(crisk_market_diff, concentration, markets)
