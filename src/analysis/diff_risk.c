/*
 * diff_risk.c - the second half of a diff (chainrisk/diff.h): what the two
 * analyses make of their models - single points of failure and tolerance
 * breaches, metric moves, shared Nth parties, false redundancy,
 * concentration.
 *
 * Every list the analyses keep is already sorted by id (SPOFs per
 * function, false-redundancy findings) or indexed by node (metrics), so
 * each comparison is a merge over union ranks (diff.c) or a pass over the
 * matched nodes: linear in what the analyses hold.  Only concentration is
 * recomputed, three bases per side, O(V log V) each.
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

static int is_function(const crisk_diff *d, int s, uint32_t v)
{
    return v != DIFF_NONE && d->inv[s]->type[v] == CRISK_NODE_FUNCTION;
}

/* ---- metric moves ------------------------------------------------------------------ */

/* The size of a move of a count that may be unknown (-1): a tier that
 * appears or disappears (a function reaches the node now, or no longer
 * does), breaches that become known or unknown, count 1. */
static double count_move(long x0, long x1)
{
    if (x0 == x1)
        return 0;
    if (x0 < 0 || x1 < 0)
        return 1;
    return fabs((double)(x1 - x0));
}

/* The move of provider u (OLD) / v (NEW), or moved 0. */
static crisk_move measure_move(const crisk_diff *d, uint32_t u, uint32_t v)
{
    const crisk_node_metrics *m0 = crisk_analysis_metrics(d->a[0], u);
    const crisk_node_metrics *m1 = crisk_analysis_metrics(d->a[1], v);
    crisk_move mv = { u, v, 0, 0 };
    if (!crisk__diff_close(m0->impact_weight, m1->impact_weight)) {
        mv.moved |= CRISK_MOVED_IMPACT_WEIGHT;
        mv.size = fmax(mv.size, fabs(m1->impact_weight - m0->impact_weight));
    }
    if (!crisk__diff_close(m0->exposure, m1->exposure)) {
        mv.moved |= CRISK_MOVED_EXPOSURE;
        mv.size = fmax(mv.size, fabs(m1->exposure - m0->exposure));
    }
    if (m0->tier != m1->tier) {
        mv.moved |= CRISK_MOVED_TIER;
        mv.size = fmax(mv.size, count_move(m0->tier, m1->tier));
    }
    if (m0->breaches != m1->breaches) {
        mv.moved |= CRISK_MOVED_BREACHES;
        mv.size = fmax(mv.size, count_move(m0->breaches, m1->breaches));
    }
    return mv;
}

static int diff_moves(crisk_diff *d)
{
    for (uint32_t v = 0; v < d->inv[1]->n; v++) {
        uint32_t u = d->match[1][v];
        if (u == DIFF_NONE || is_function(d, 0, u) || is_function(d, 1, v))
            continue;
        crisk_move mv = measure_move(d, u, v);
        if (mv.moved == 0 || mv.size < d->opts.min_change)
            continue;
        crisk_move *x = CRISK__DIFF_PUSH(d, moves);
        if (x == NULL)
            return -1;
        *x = mv;
    }
    return 0;
}

/* ---- shared Nth parties ------------------------------------------------------------ */

/* Minimum tier-1 dependants of a shared dependency, as `chainrisk shared`. */
#define MIN_TIER1 2

static int shared_flags(const crisk_diff *d, int s, uint8_t **out, crisk_error *err)
{
    uint32_t *list = NULL;
    size_t n = 0;
    int rc = crisk_analysis_shared(d->a[s], MIN_TIER1, &list, &n, err);
    if (rc != CRISK_OK)
        return rc;
    *out = calloc(d->inv[s]->n + 1, 1);
    if (*out == NULL) {
        free(list);
        return oom(err);
    }
    for (size_t i = 0; i < n; i++)
        (*out)[list[i]] = 1;
    free(list);
    return CRISK_OK;
}

static int push_shared(crisk_diff *d, int s, uint32_t v)
{
    crisk_shared_diff *x = CRISK__DIFF_PUSH(d, shared);
    if (x == NULL)
        return -1;
    size_t other = crisk__diff_index(d->match[s][v]);
    *x = s ? (crisk_shared_diff){ CRISK_CHANGE_ADDED, other, v }
           : (crisk_shared_diff){ CRISK_CHANGE_REMOVED, v, other };
    return 0;
}

static int diff_shared(crisk_diff *d, crisk_error *err)
{
    uint8_t *flag[2] = { NULL, NULL };
    int rc = shared_flags(d, 0, &flag[0], err);
    if (rc == CRISK_OK)
        rc = shared_flags(d, 1, &flag[1], err);
    for (int s = 1; s >= 0 && rc == CRISK_OK; s--)
        for (uint32_t v = 0; v < d->inv[s]->n && rc == CRISK_OK; v++) {
            uint32_t w = d->match[s][v];
            if (flag[s][v] && (w == DIFF_NONE || !flag[1 - s][w]) && push_shared(d, s, v) != 0)
                rc = oom(err);
        }
    free(flag[0]);
    free(flag[1]);
    return rc;
}

/* ---- false redundancy -------------------------------------------------------------- */

/* Per group of side s, its findings: first[g] and count[g] (count 0: none).
 * Findings come sorted by dependant, group, shared node: a group's are
 * contiguous. */
typedef struct findings {
    const crisk_false_redundancy *fr;
    size_t n;
    uint32_t *first, *count;
} findings;

static int index_findings(const crisk_diff *d, int s, findings *f)
{
    size_t groups = d->inv[s]->n_groups;
    f->fr = crisk_analysis_false_redundancy(d->a[s], &f->n);
    f->first = malloc((groups + 1) * sizeof *f->first);
    f->count = calloc(groups + 1, sizeof *f->count);
    if (f->first == NULL || f->count == NULL)
        return -1;
    for (size_t i = 0; i < f->n; i++) {
        size_t g = f->fr[i].group;
        if (f->count[g]++ == 0)
            f->first[g] = (uint32_t)i;
    }
    return 0;
}

/* The group of side 1 - s matching group g of side s (same dependant id,
 * same name), or DIFF_NONE. */
static uint32_t counterpart(const crisk_diff *d, int s, uint32_t g)
{
    const crisk_inventory *inv = d->inv[s], *other = d->inv[1 - s];
    uint32_t w = d->match[s][crisk__group_owner(inv, g)];
    if (w == DIFF_NONE)
        return DIFF_NONE;
    for (uint32_t h = other->group_start[w]; h < other->group_start[w + 1]; h++)
        if (strcmp(crisk__group_name(other, h), crisk__group_name(inv, g)) == 0)
            return h;
    return DIFF_NONE;
}

/* The same nodes defeat group g0 (OLD) and g1 (NEW): as many of them, and
 * the same ones among those kept. */
static int same_findings(const crisk_diff *d, const findings *f, uint32_t g0, uint32_t g1)
{
    const crisk_false_redundancy *x = &f[0].fr[f[0].first[g0]], *y = &f[1].fr[f[1].first[g1]];
    if (f[0].count[g0] != f[1].count[g1] || x->group_findings != y->group_findings)
        return 0;
    for (size_t i = 0; i < f[0].count[g0]; i++)
        if (d->rank[0][x[i].shared] != d->rank[1][y[i].shared])
            return 0;
    return 1;
}

static int push_redundancy(crisk_diff *d, crisk_change change, const findings *f, uint32_t g0,
                           uint32_t g1)
{
    crisk_redundancy_diff *x = CRISK__DIFF_PUSH(d, redundancy);
    if (x == NULL)
        return -1;
    *x = (crisk_redundancy_diff){ change, crisk__diff_index(g0), crisk__diff_index(g1), 0, 0, 0, 0 };
    if (g0 != DIFF_NONE && f[0].count[g0] > 0) {
        x->old_first = f[0].first[g0];
        x->old_count = f[0].count[g0];
    }
    if (g1 != DIFF_NONE && f[1].count[g1] > 0) {
        x->new_first = f[1].first[g1];
        x->new_count = f[1].count[g1];
    }
    return 0;
}

/* Each falsely redundant group of side s, against its counterpart. */
static int redundancy_side(crisk_diff *d, const findings *f, int s)
{
    for (size_t i = 0; i < f[s].n; i++) {
        uint32_t g = (uint32_t)f[s].fr[i].group;
        if (f[s].first[g] != i)
            continue;   /* not the group's first finding */
        uint32_t h = counterpart(d, s, g);
        int there = h != DIFF_NONE && f[1 - s].count[h] > 0;
        int rc = 0;
        if (!there)
            rc = s ? push_redundancy(d, CRISK_CHANGE_ADDED, f, h, g)
                   : push_redundancy(d, CRISK_CHANGE_REMOVED, f, g, h);
        else if (s == 1 && !same_findings(d, f, h, g))
            rc = push_redundancy(d, CRISK_CHANGE_CHANGED, f, h, g);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int diff_redundancy(crisk_diff *d)
{
    findings f[2];
    memset(f, 0, sizeof f);
    int rc = index_findings(d, 0, &f[0]) == 0 && index_findings(d, 1, &f[1]) == 0 ? 0 : -1;
    if (rc == 0)
        rc = redundancy_side(d, f, 1);
    if (rc == 0)
        rc = redundancy_side(d, f, 0);
    for (int s = 0; s < 2; s++) {
        free(f[s].first);
        free(f[s].count);
    }
    return rc;
}

/* ---- concentration ------------------------------------------------------------------ */

static const crisk_market *find_market(const crisk_concentration *c, const char *name)
{
    size_t n = 0;
    const crisk_market *m = crisk_concentration_markets(c, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].market, name) == 0)
            return &m[i];
    return NULL;
}

static crisk_market absent_market(const char *name)
{
    return (crisk_market){ .market = name, .spend_top1 = NAN, .spend_top3 = NAN,
                           .spend_hhi = NAN, .reliance_top1 = NAN, .reliance_top3 = NAN,
                           .reliance_hhi = NAN };
}

static unsigned market_moves(const crisk_market *x, const crisk_market *y)
{
    return (crisk__diff_close(x->spend_hhi, y->spend_hhi) ? 0 : CRISK_MOVED_SPEND_HHI)
         | (crisk__diff_close(x->spend_top1, y->spend_top1) ? 0 : CRISK_MOVED_SPEND_TOP1)
         | (crisk__diff_close(x->reliance_hhi, y->reliance_hhi) ? 0 : CRISK_MOVED_RELIANCE_HHI)
         | (crisk__diff_close(x->reliance_top1, y->reliance_top1) ? 0 : CRISK_MOVED_RELIANCE_TOP1);
}

static int compare_market(crisk_diff *d, crisk_concentration_by by, const char *name,
                          const crisk_market *x, const crisk_market *y)
{
    if (x == NULL && y == NULL)
        return 0;
    crisk_market_diff m = { CRISK_CHANGE_CHANGED, by, name,
                            x != NULL ? *x : absent_market(name),
                            y != NULL ? *y : absent_market(name), 0 };
    m.moved = market_moves(&m.old_market, &m.new_market);
    if (x == NULL)
        m.change = CRISK_CHANGE_ADDED;
    else if (y == NULL)
        m.change = CRISK_CHANGE_REMOVED;
    else if (m.moved == 0)
        return 0;
    crisk_market_diff *slot = CRISK__DIFF_PUSH(d, markets);
    if (slot == NULL)
        return -1;
    *slot = m;
    return 0;
}

static int diff_basis(crisk_diff *d, crisk_concentration_by by, crisk_error *err)
{
    crisk_concentration *c[2] = { NULL, NULL };
    int rc = crisk__concentration_compute(&c[0], d->a[0], by, 0, err);
    if (rc == CRISK_OK)
        rc = crisk__concentration_compute(&c[1], d->a[1], by, 0, err);
    size_t markets = by == CRISK_BY_CATEGORY ? CRISK_CAT_COUNT : 1;
    for (size_t k = 0; k < markets && rc == CRISK_OK; k++) {
        const char *name = by == CRISK_BY_CATEGORY ? crisk_category_name((crisk_category)k) : "all";
        if (compare_market(d, by, name, find_market(c[0], name), find_market(c[1], name)) != 0)
            rc = oom(err);
    }
    crisk_concentration_free(c[0]);
    crisk_concentration_free(c[1]);
    return rc;
}

/* ---- sorting ------------------------------------------------------------------------- */

static crisk__diff_key *new_keys(size_t n)
{
    return malloc((n ? n : 1) * sizeof(crisk__diff_key));
}

static uint64_t rank_of(const crisk_diff *d, size_t old_node, size_t new_node)
{
    return new_node != CRISK_DIFF_NONE ? d->rank[1][new_node] : d->rank[0][old_node];
}

/* Moves: size desc (the bits of a non-negative double order as it does),
 * then id. */
static int sort_moves(crisk_diff *d)
{
    crisk__diff_key *k = new_keys(d->n_moves);
    if (k == NULL)
        return -1;
    for (size_t i = 0; i < d->n_moves; i++) {
        uint64_t bits;
        memcpy(&bits, &d->moves[i].size, sizeof bits);
        k[i] = (crisk__diff_key){ UINT64_MAX - bits, NULL, d->rank[1][d->moves[i].new_node],
                                  (uint32_t)i };
    }
    int rc = crisk__diff_sort(d->moves, d->n_moves, sizeof *d->moves, k);
    free(k);
    return rc;
}

static int sort_shared(crisk_diff *d)
{
    crisk__diff_key *k = new_keys(d->n_shared);
    if (k == NULL)
        return -1;
    for (size_t i = 0; i < d->n_shared; i++) {
        const crisk_shared_diff *x = &d->shared[i];
        k[i] = (crisk__diff_key){ (uint64_t)x->change << 32 | rank_of(d, x->old_node, x->new_node),
                                  NULL, 0, (uint32_t)i };
    }
    int rc = crisk__diff_sort(d->shared, d->n_shared, sizeof *d->shared, k);
    free(k);
    return rc;
}

static int sort_redundancy(crisk_diff *d)
{
    crisk__diff_key *k = new_keys(d->n_redundancy);
    if (k == NULL)
        return -1;
    for (size_t i = 0; i < d->n_redundancy; i++) {
        const crisk_redundancy_diff *x = &d->redundancy[i];
        int s = x->new_group != CRISK_DIFF_NONE;
        size_t g = s ? x->new_group : x->old_group;
        const crisk_inventory *inv = d->inv[s];
        k[i] = (crisk__diff_key){ (uint64_t)x->change << 32 | d->rank[s][crisk__group_owner(inv, g)],
                                  crisk__group_name(inv, g), 0, (uint32_t)i };
    }
    int rc = crisk__diff_sort(d->redundancy, d->n_redundancy, sizeof *d->redundancy, k);
    free(k);
    return rc;
}

static int sort_all(crisk_diff *d)
{
    return sort_moves(d) != 0 || sort_shared(d) != 0 || sort_redundancy(d) != 0 ? -1 : 0;
}

int crisk__diff_risk(crisk_diff *d, crisk_error *err)
{
    int rc = crisk__diff_spofs(d, err);
    if (rc != CRISK_OK)
        return rc;
    if (diff_moves(d) != 0)
        return oom(err);
    rc = diff_shared(d, err);
    if (rc == CRISK_OK && diff_redundancy(d) != 0)
        rc = oom(err);
    static const crisk_concentration_by bases[] = { CRISK_BY_CATEGORY, CRISK_BY_PARENT,
                                                    CRISK_BY_COUNTRY };
    for (size_t i = 0; i < 3 && rc == CRISK_OK; i++)
        rc = diff_basis(d, bases[i], err);
    if (rc == CRISK_OK && sort_all(d) != 0)
        rc = oom(err);
    return rc;
}
