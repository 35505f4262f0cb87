/*
 * diff_spof.c - single points of failure and tolerance breaches that
 * appeared or were resolved (chainrisk/diff.h), without either side's SPOF
 * lists.
 *
 * A (function, node) pair is a SPOF of both sides, or of one.  Grouped by
 * node, that is: the set of functions a node's lone failure takes down
 * (its impact set) changed.  The analyses kept, per node, a fingerprint of
 * that set and of the part of it the node breaches (keep_fingerprints;
 * sums of hashes of function ids).  A node whose fingerprints agree on
 * both sides takes down the same functions with the same breaches, so it
 * contributes nothing.  Only the others - "dirty" nodes, and nodes of one
 * side only that take something down - are failed again, 512 at a time on
 * the propagation engine of each side (slot k of a batch holds the same
 * node on both sides), and each function's failure masks of the two sides
 * compared: bits set on one side only are pairs that appeared or were
 * resolved, bits set on both are pairs whose breach may have changed.  The
 * work is proportional to what changed: nothing is swept when no impact
 * set changed, and at worst one more sweep of each side.
 *
 * The pairs come node by node and are written function by function, so
 * they go into a key set (util/keyset.h) as 64-bit keys that sort in
 * output order - SPOFs (function rank, change, node rank), breaches
 * (change, function rank, node rank), ranks among the ids of both sides -
 * and are read back merged, decoded through the rank tables.  Memory stays
 * bounded however many pairs changed: a key set keeps pairs_in_memory keys
 * and puts sorted runs in a temporary file.
 *
 * Rejected: comparing the SPOF lists the analyses can keep (keep_spofs).
 * They are the pairs themselves - 30 million at 100 000 nodes, about 9 GB
 * a side at a million - and sorting them cost three times the analysis.
 * Rejected too: holding the changed pairs as records until they are
 * written (40 bytes each, plus their sort keys): a 1 % change of a
 * generated 1M-node inventory changes so many that the diff passed 17 GB.
 */
#include "diff.h"
#include "analysis_internal.h"
#include "propagate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys --------------------------------------------------------------------------- */

/* A pair's key: it sorts in the order its list is written. */
static uint64_t pair_key(const crisk_diff *d, crisk_diff_pairs_of which, uint64_t removed,
                         uint64_t f_rank, uint64_t p_rank)
{
    unsigned b = d->rank_bits;
    if (which == CRISK_DIFF_SPOFS)
        return ((f_rank << 1 | removed) << b) | p_rank;
    return (((removed << b) | f_rank) << b) | p_rank;
}

static void key_parts(const crisk_diff *d, crisk_diff_pairs_of which, uint64_t key,
                      uint32_t *removed, uint32_t *f_rank, uint32_t *p_rank)
{
    unsigned b = d->rank_bits;
    uint64_t mask = ((uint64_t)1 << b) - 1;
    *p_rank = (uint32_t)(key & mask);
    if (which == CRISK_DIFF_SPOFS) {
        *removed = (uint32_t)((key >> b) & 1);
        *f_rank = (uint32_t)(key >> (b + 1));
    } else {
        *f_rank = (uint32_t)((key >> b) & mask);
        *removed = (uint32_t)(key >> (2 * b));
    }
}

/* ---- recording a pair --------------------------------------------------------------- */

/* Node p's failure, which takes function f down, outlasts f's tolerance:
 * rto_hours < recovery_hours, both given (docs/metrics.md, `breaches`). */
static int breaches(const crisk_diff *d, int s, uint32_t f, uint32_t p)
{
    const crisk_inventory *inv = d->inv[s];
    return !isnan(inv->rto[f]) && !isnan(inv->recovery[p]) && inv->rto[f] < inv->recovery[p];
}

/* A pair (function f, node p) that holds on side s only: appeared when s
 * is NEW, resolved when it is OLD. */
static int push_pair(crisk_diff *d, crisk_diff_pairs_of which, int s, uint32_t f, uint32_t p,
                     crisk_error *err)
{
    uint64_t removed = s == 0;
    d->pair_count[which][removed]++;
    return crisk__keyset_add(&d->pairs[which],
                             pair_key(d, which, removed, d->rank[s][f], d->rank[s][p]), err);
}

/* A SPOF on side s only: so is its breach, if it breaches there. */
static int one_side(crisk_diff *d, int s, uint32_t f, uint32_t p, crisk_error *err)
{
    int rc = push_pair(d, CRISK_DIFF_SPOFS, s, f, p, err);
    if (rc == CRISK_OK && breaches(d, s, f, p))
        rc = push_pair(d, CRISK_DIFF_BREACHES, s, f, p, err);
    return rc;
}

/* A SPOF on both sides: its breach may still have appeared or resolved. */
static int both_sides(crisk_diff *d, uint32_t f0, uint32_t p0, uint32_t f1, uint32_t p1,
                      crisk_error *err)
{
    int b0 = breaches(d, 0, f0, p0), b1 = breaches(d, 1, f1, p1);
    if (b0 == b1)
        return CRISK_OK;
    return b1 ? push_pair(d, CRISK_DIFF_BREACHES, 1, f1, p1, err)
              : push_pair(d, CRISK_DIFF_BREACHES, 0, f0, p0, err);
}

/* ---- failing nodes again, a batch at a time --------------------------------------------- */

/* One side's engine, built on first use. */
typedef struct sweep {
    crisk__prop p;
    int ready;
    uint32_t *functions;    /* the side's functions in id order */
    size_t n_functions;
} sweep;

static int sweep_init(const crisk_diff *d, int s, sweep *w, size_t ranks, crisk_error *err)
{
    w->functions = malloc((d->inv[s]->n + 1) * sizeof *w->functions);
    if (w->functions == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t r = 0; r < ranks; r++) {
        uint32_t v = d->by_rank[s][r];
        if (v != DIFF_NONE && d->inv[s]->type[v] == CRISK_NODE_FUNCTION)
            w->functions[w->n_functions++] = v;
    }
    int rc = crisk__prop_init(&w->p, d->inv[s], err);
    if (rc != CRISK_OK)
        return rc;
    w->p.want_all = 0;   /* only what fails: the §4 masks */
    w->ready = 1;
    return CRISK_OK;
}

static void sweep_release(sweep *w)
{
    if (w->ready)
        crisk__prop_release(&w->p);
    free(w->functions);
}

/* Fail nodes[s] alone in scenario s, for s < width (DIFF_NONE: nothing
 * fails in that scenario). */
static int sweep_batch(sweep *w, const uint32_t *nodes, size_t width)
{
    crisk__prop *p = &w->p;
    crisk__prop_clear(p);
    for (size_t s = 0; s < width; s++)
        if (nodes[s] != DIFF_NONE && crisk__prop_seed_one(p, nodes[s], s) != 0)
            return -1;
    crisk__prop_run(p);
    return 0;
}

/* The scenarios of the batch in which function f fails, its own failure
 * (f seeded) left out. */
static void fails_of(const sweep *w, uint32_t f, const crisk__mask *valid, crisk__mask *out)
{
    const crisk__prop *p = &w->p;
    uint32_t q = p->t->pos[f];
    if (!crisk__prop_live(p, q)) {
        memset(out, 0, sizeof *out);
        return;
    }
    crisk__mask init = crisk__prop_initial_at(p, q);
    for (int k = 0; k < CRISK__W; k++)
        out->w[k] = p->st[q].grp.w[k] & ~init.w[k] & valid->w[k];
}

/* Compare, function by function in id order, what the batch's nodes take
 * down on each side (ran[s]: side s was swept for this batch). */
static int compare_batch(crisk_diff *d, const sweep w[2], const int ran[2],
                         uint32_t seeds[2][CRISK__SCENARIOS], size_t width, crisk_error *err)
{
    crisk__mask valid;
    crisk__mask_first(&valid, width);
    size_t n0 = ran[0] ? w[0].n_functions : 0, n1 = ran[1] ? w[1].n_functions : 0;
    size_t i = 0, j = 0;
    int rc = CRISK_OK;
    while ((i < n0 || j < n1) && rc == CRISK_OK) {
        uint32_t r0 = i < n0 ? d->rank[0][w[0].functions[i]] : UINT32_MAX;
        uint32_t r1 = j < n1 ? d->rank[1][w[1].functions[j]] : UINT32_MAX;
        uint32_t f0 = r0 <= r1 ? w[0].functions[i++] : DIFF_NONE;
        uint32_t f1 = r1 <= r0 ? w[1].functions[j++] : DIFF_NONE;
        crisk__mask m0 = { { 0 } }, m1 = { { 0 } };
        if (f0 != DIFF_NONE)
            fails_of(&w[0], f0, &valid, &m0);
        if (f1 != DIFF_NONE)
            fails_of(&w[1], f1, &valid, &m1);
        for (int k = 0; k < CRISK__W && rc == CRISK_OK; k++) {
            uint64_t only0 = m0.w[k] & ~m1.w[k], only1 = m1.w[k] & ~m0.w[k];
            uint64_t both = m0.w[k] & m1.w[k];
            for (; only1 != 0 && rc == CRISK_OK; only1 &= only1 - 1)
                rc = one_side(d, 1, f1, seeds[1][k * 64 + __builtin_ctzll(only1)], err);
            for (; only0 != 0 && rc == CRISK_OK; only0 &= only0 - 1)
                rc = one_side(d, 0, f0, seeds[0][k * 64 + __builtin_ctzll(only0)], err);
            for (; both != 0 && rc == CRISK_OK; both &= both - 1) {
                size_t slot = (size_t)k * 64 + (size_t)__builtin_ctzll(both);
                rc = both_sides(d, f0, seeds[0][slot], f1, seeds[1][slot], err);
            }
        }
    }
    return rc;
}

/* ---- comparing the sets of dirty nodes ------------------------------------------------- */

/* Dirty nodes: (OLD, NEW) pairs; one side's entry DIFF_NONE for a node of
 * the other side only. */
typedef struct dirty {
    uint32_t node[2];
    uint32_t order;         /* a topological position, for sweeps that share work */
} dirty;

static int by_order(const void *a, const void *b)
{
    uint32_t x = ((const dirty *)a)->order, y = ((const dirty *)b)->order;
    return (x > y) - (x < y);
}

static int fingerprints_differ(const crisk_diff *d, uint32_t u, uint32_t v)
{
    uint64_t i0, b0, i1, b1;
    crisk__analysis_fingerprint(d->a[0], u, &i0, &b0);
    crisk__analysis_fingerprint(d->a[1], v, &i1, &b1);
    return i0 != i1 || b0 != b1;
}

/* The nodes whose impact sets may differ: matched ones whose fingerprints
 * do, and those of one side that take something down. */
static int collect_dirty(const crisk_diff *d, dirty **out, size_t *count)
{
    size_t n = 0, cap = d->inv[0]->n + d->inv[1]->n + 1;
    dirty *list = malloc(cap * sizeof *list);
    if (list == NULL)
        return -1;
    for (uint32_t v = 0; v < d->inv[1]->n; v++) {
        uint32_t u = d->match[1][v];
        if (u == DIFF_NONE ? crisk_analysis_metrics(d->a[1], v)->impact > 0
                           : fingerprints_differ(d, u, v))
            list[n++] = (dirty){ { u, v }, 0 };
    }
    for (uint32_t u = 0; u < d->inv[0]->n; u++)
        if (d->match[0][u] == DIFF_NONE && crisk_analysis_metrics(d->a[0], u)->impact > 0)
            list[n++] = (dirty){ { u, DIFF_NONE }, 0 };
    *out = list;
    *count = n;
    return 0;
}

/* Sweep the dirty nodes, CRISK__SCENARIOS at a time, on the sides they
 * exist on, and compare what each takes down. */
static int sweep_dirty(crisk_diff *d, const dirty *list, size_t n, sweep w[2], crisk_error *err)
{
    uint32_t seeds[2][CRISK__SCENARIOS];
    int rc = CRISK_OK;
    for (size_t first = 0; first < n && rc == CRISK_OK; first += CRISK__SCENARIOS) {
        size_t width = n - first < CRISK__SCENARIOS ? n - first : CRISK__SCENARIOS;
        int ran[2] = { 0, 0 };
        for (int s = 0; s < 2; s++) {
            for (size_t k = 0; k < width; k++) {
                seeds[s][k] = list[first + k].node[s];
                ran[s] |= seeds[s][k] != DIFF_NONE;
            }
            if (ran[s] && sweep_batch(&w[s], seeds[s], width) != 0)
                return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        }
        rc = compare_batch(d, w, ran, seeds, width, err);
    }
    return rc;
}

/* Order the dirty nodes by their topological position on NEW (else OLD):
 * neighbours in that order share ancestors, so a sweep does less. */
static void order_dirty(dirty *list, size_t n, const sweep w[2])
{
    for (size_t i = 0; i < n; i++) {
        int s = list[i].node[1] != DIFF_NONE;
        list[i].order = w[s].p.t->pos[list[i].node[s]];
    }
    crisk__sort(list, n, sizeof *list, by_order);
}

/* The rank tables: by_rank[s][r] is side s's node of rank r. */
static int rank_tables(crisk_diff *d, size_t ranks, crisk_error *err)
{
    unsigned b = 1;
    while (b < 32 && ((size_t)1 << b) < ranks)
        b++;
    if (2 * b + 1 > 64)
        return crisk_error_set(err, CRISK_ELIMIT, NULL, 0, 0,
                               "a diff compares at most 2^31 nodes on both sides together");
    d->rank_bits = b;
    for (int s = 0; s < 2; s++) {
        d->by_rank[s] = malloc((ranks + 1) * sizeof *d->by_rank[s]);
        if (d->by_rank[s] == NULL)
            return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        memset(d->by_rank[s], 0xff, (ranks + 1) * sizeof *d->by_rank[s]);
        for (size_t v = 0; v < d->inv[s]->n; v++)
            d->by_rank[s][d->rank[s][v]] = (uint32_t)v;
    }
    return CRISK_OK;
}

int crisk__diff_spofs(crisk_diff *d, crisk_error *err)
{
    dirty *list = NULL;
    size_t n = 0, ranks = d->inv[0]->n + d->inv[1]->n;
    sweep w[2];
    memset(w, 0, sizeof w);
    int rc = rank_tables(d, ranks, err);
    if (rc == CRISK_OK && collect_dirty(d, &list, &n) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int needed[2] = { 0, 0 };
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < 2; s++)
            needed[s] |= list[i].node[s] != DIFF_NONE;
    for (int s = 0; s < 2 && rc == CRISK_OK; s++)
        if (needed[s])
            rc = sweep_init(d, s, &w[s], ranks, err);
    if (rc == CRISK_OK) {
        order_dirty(list, n, w);
        rc = sweep_dirty(d, list, n, w, err);
    }
    sweep_release(&w[0]);
    sweep_release(&w[1]);
    free(list);
    for (int k = 0; k < 2 && rc == CRISK_OK; k++)
        rc = crisk__keyset_finish(&d->pairs[k], err);
    return rc;
}

/* ---- reading the pairs ------------------------------------------------------------------ */

struct crisk_diff_cursor {
    const crisk_diff *d;
    crisk_diff_pairs_of which;
    crisk__keyreader *r;
};

void crisk_diff_pair_counts(const crisk_diff *d, crisk_diff_pairs_of which, size_t *appeared,
                            size_t *resolved)
{
    if (appeared != NULL)
        *appeared = d->pair_count[which][0];
    if (resolved != NULL)
        *resolved = d->pair_count[which][1];
}

int crisk_diff_pairs_open(crisk_diff_cursor **out, const crisk_diff *d, crisk_diff_pairs_of which,
                          crisk_error *err)
{
    *out = NULL;
    crisk_diff_cursor *c = calloc(1, sizeof *c);
    if (c == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    c->d = d;
    c->which = which;
    int rc = crisk__keyreader_open(&c->r, &d->pairs[which], err);
    if (rc != CRISK_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return CRISK_OK;
}

int crisk_diff_pairs_next(crisk_diff_cursor *c, crisk_pair_diff *pair, crisk_error *err)
{
    uint64_t key;
    int rc = crisk__keyreader_next(c->r, &key, err);
    if (rc != 1)
        return rc;
    const crisk_diff *d = c->d;
    uint32_t removed, fr, pr;
    key_parts(d, c->which, key, &removed, &fr, &pr);
    int s = !removed;
    uint32_t f = d->by_rank[s][fr], p = d->by_rank[s][pr];
    size_t fo = crisk__diff_index(d->match[s][f]), po = crisk__diff_index(d->match[s][p]);
    if (s == 1)
        *pair = (crisk_pair_diff){ CRISK_CHANGE_ADDED, fo, f, po, p };
    else
        *pair = (crisk_pair_diff){ CRISK_CHANGE_REMOVED, f, fo, p, po };
    return 1;
}

void crisk_diff_pairs_close(crisk_diff_cursor *c)
{
    if (c == NULL)
        return;
    crisk__keyreader_close(c->r);
    free(c);
}
