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
 * the propagation engine of each side, and their impact sets merged in id
 * order.  The work is proportional to what changed: nothing is swept when
 * no impact set changed, and at worst one more sweep of each side.
 *
 * Rejected: comparing the SPOF lists the analyses can keep (keep_spofs).
 * They are the pairs themselves - 30 million at 100 000 nodes, about 9 GB
 * a side at a million - and sorting them cost three times the analysis.
 */
#include "diff.h"
#include "analysis_internal.h"
#include "propagate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
static int push_pair(crisk_diff *d, int breach, int s, uint32_t f, uint32_t p)
{
    crisk_pair_diff *x = breach ? CRISK__DIFF_PUSH(d, breaches) : CRISK__DIFF_PUSH(d, spofs);
    if (x == NULL)
        return -1;
    uint32_t fo = d->match[s][f], po = d->match[s][p];
    if (s == 1)
        *x = (crisk_pair_diff){ CRISK_CHANGE_ADDED, crisk__diff_index(fo), f, crisk__diff_index(po), p };
    else
        *x = (crisk_pair_diff){ CRISK_CHANGE_REMOVED, f, crisk__diff_index(fo), p, crisk__diff_index(po) };
    return 0;
}

/* A SPOF on side s only: so is its breach, if it breaches there. */
static int one_side(crisk_diff *d, int s, uint32_t f, uint32_t p)
{
    if (push_pair(d, 0, s, f, p) != 0)
        return -1;
    return breaches(d, s, f, p) ? push_pair(d, 1, s, f, p) : 0;
}

/* A SPOF on both sides: its breach may still have appeared or resolved. */
static int both_sides(crisk_diff *d, uint32_t f0, uint32_t p0, uint32_t f1, uint32_t p1)
{
    int b0 = breaches(d, 0, f0, p0), b1 = breaches(d, 1, f1, p1);
    if (b0 == b1)
        return 0;
    return b1 ? push_pair(d, 1, 1, f1, p1) : push_pair(d, 1, 0, f0, p0);
}

/* ---- failing nodes again, a batch at a time --------------------------------------------- */

/* One side's engine, built on first use, and what a batch took down. */
typedef struct sweep {
    crisk__prop p;
    int ready;
    uint32_t *functions;    /* the side's functions in id order */
    size_t n_functions;
    uint32_t *start;        /* per scenario slot: its functions are list[start[s]..start[s+1]) */
    uint32_t *list;         /* in id order within a slot */
    size_t cap_list;
    uint64_t *pending;      /* (slot << 32) | function, in function order */
    size_t n_pending, cap_pending;
} sweep;

static int sweep_init(const crisk_diff *d, int s, sweep *w, crisk_error *err)
{
    const crisk_inventory *inv = d->inv[s];
    w->functions = malloc((inv->n + 1) * sizeof *w->functions);
    w->start = malloc((CRISK__SCENARIOS + 1) * sizeof *w->start);
    if (w->functions == NULL || w->start == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            w->functions[w->n_functions++] = (uint32_t)v;
    /* id order through the union ranks (the same order within one side) */
    uint32_t *by_rank = calloc(d->inv[0]->n + d->inv[1]->n + 1, sizeof *by_rank);
    if (by_rank == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < w->n_functions; i++)
        by_rank[d->rank[s][w->functions[i]]] = w->functions[i] + 1;
    size_t k = 0;
    for (size_t r = 0; r < d->inv[0]->n + d->inv[1]->n; r++)
        if (by_rank[r] != 0)
            w->functions[k++] = by_rank[r] - 1;
    free(by_rank);
    int rc = crisk__prop_init(&w->p, inv, err);
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
    free(w->start);
    free(w->list);
    free(w->pending);
}

/* Fail nodes[s] alone in scenario s, for s < width (DIFF_NONE: nothing
 * fails in that scenario), and list per scenario the functions other than
 * the failed node that fail, in id order. */
static int sweep_batch(sweep *w, const uint32_t *nodes, size_t width)
{
    crisk__prop *p = &w->p;
    crisk__prop_clear(p);
    for (size_t s = 0; s < width; s++)
        if (nodes[s] != DIFF_NONE && crisk__prop_seed_one(p, nodes[s], s) != 0)
            return -1;
    crisk__prop_run(p);
    crisk__mask valid;
    crisk__mask_first(&valid, width);
    w->n_pending = 0;
    for (size_t i = 0; i < w->n_functions; i++) {
        uint32_t f = w->functions[i], q = p->t->pos[f];
        if (!crisk__prop_live(p, q))
            continue;
        crisk__mask init = crisk__prop_initial_at(p, q);
        for (int k = 0; k < CRISK__W; k++) {
            uint64_t fails = p->st[q].grp.w[k] & ~init.w[k] & valid.w[k];
            for (; fails != 0; fails &= fails - 1) {
                uint64_t slot = (uint64_t)k * 64 + (uint64_t)__builtin_ctzll(fails);
                if (crisk__grow((void **)&w->pending, &w->cap_pending, w->n_pending + 1,
                                sizeof *w->pending) != 0)
                    return -1;
                w->pending[w->n_pending++] = slot << 32 | f;
            }
        }
    }
    /* by slot, keeping the id order within each (a counting sort) */
    if (crisk__grow((void **)&w->list, &w->cap_list, w->n_pending + 1, sizeof *w->list) != 0)
        return -1;
    memset(w->start, 0, (CRISK__SCENARIOS + 1) * sizeof *w->start);
    for (size_t i = 0; i < w->n_pending; i++)
        w->start[(w->pending[i] >> 32) + 1]++;
    for (size_t s = 0; s < CRISK__SCENARIOS; s++)
        w->start[s + 1] += w->start[s];
    uint32_t fill[CRISK__SCENARIOS];
    memcpy(fill, w->start, sizeof fill);
    for (size_t i = 0; i < w->n_pending; i++)
        w->list[fill[w->pending[i] >> 32]++] = (uint32_t)w->pending[i];
    return 0;
}

/* ---- comparing the sets of dirty nodes ------------------------------------------------- */

/* Merge what OLD node u (scenario s of w0) and NEW node v (scenario s of
 * w1) take down; either may be DIFF_NONE (a node of one side). */
static int compare_slot(crisk_diff *d, const sweep *w0, const sweep *w1, size_t s, uint32_t u,
                        uint32_t v)
{
    const uint32_t *x = u != DIFF_NONE ? w0->list + w0->start[s] : NULL;
    const uint32_t *y = v != DIFF_NONE ? w1->list + w1->start[s] : NULL;
    size_t nx = u != DIFF_NONE ? w0->start[s + 1] - w0->start[s] : 0;
    size_t ny = v != DIFF_NONE ? w1->start[s + 1] - w1->start[s] : 0;
    size_t i = 0, j = 0;
    while (i < nx || j < ny) {
        uint32_t r0 = i < nx ? d->rank[0][x[i]] : UINT32_MAX;
        uint32_t r1 = j < ny ? d->rank[1][y[j]] : UINT32_MAX;
        int rc;
        if (r0 < r1)
            rc = one_side(d, 0, x[i++], u);
        else if (r1 < r0)
            rc = one_side(d, 1, y[j++], v);
        else
            rc = both_sides(d, x[i++], u, y[j++], v);
        if (rc != 0)
            return -1;
    }
    return 0;
}

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
static int sweep_dirty(crisk_diff *d, const dirty *list, size_t n, sweep w[2])
{
    uint32_t seeds[2][CRISK__SCENARIOS];
    for (size_t first = 0; first < n; first += CRISK__SCENARIOS) {
        size_t width = n - first < CRISK__SCENARIOS ? n - first : CRISK__SCENARIOS;
        for (int s = 0; s < 2; s++) {
            int used = 0;
            for (size_t k = 0; k < width; k++) {
                seeds[s][k] = list[first + k].node[s];
                used |= seeds[s][k] != DIFF_NONE;
            }
            if (used && sweep_batch(&w[s], seeds[s], width) != 0)
                return -1;
        }
        for (size_t k = 0; k < width; k++)
            if (compare_slot(d, &w[0], &w[1], k, seeds[0][k], seeds[1][k]) != 0)
                return -1;
    }
    return 0;
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

int crisk__diff_spofs(crisk_diff *d, crisk_error *err)
{
    dirty *list = NULL;
    size_t n = 0;
    sweep w[2];
    memset(w, 0, sizeof w);
    int rc = collect_dirty(d, &list, &n) == 0 ? CRISK_OK
           : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int needed[2] = { 0, 0 };
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < 2; s++)
            needed[s] |= list[i].node[s] != DIFF_NONE;
    for (int s = 0; s < 2 && rc == CRISK_OK; s++)
        if (needed[s])
            rc = sweep_init(d, s, &w[s], err);
    if (rc == CRISK_OK) {
        order_dirty(list, n, w);
        if (sweep_dirty(d, list, n, w) != 0)
            rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    sweep_release(&w[0]);
    sweep_release(&w[1]);
    free(list);
    return rc;
}
