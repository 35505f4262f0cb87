/*
 * pair_scan.c - SPOF and breach findings counted, and the first few kept,
 * without the SPOF lists (pair_scan.h).
 *
 * The nodes that take at least one function down (their metric impact is
 * not 0) are failed alone, CRISK__SCENARIOS at a time in topological
 * order (neighbours share ancestors, so a sweep does less), with only the
 * failure masks computed.  Each function in the scope of some rule reads
 * its mask: every set bit is a pair (function, node), counted for every
 * rule it breaks and offered to that rule's heap.  A heap keeps the
 * `keep` smallest keys seen (a max-heap: a key larger than its top is
 * dropped at once), so what is kept does not depend on the order of the
 * sweeps, only on the pairs.
 *
 * Rejected: keeping the analysis' SPOF lists (keep_spofs) and walking them
 * per function, as the check first did: about a billion pairs, 13.8 GB, at
 * a million nodes, to report at most a thousand of them per rule.
 */
#include "pair_scan.h"
#include "analysis_internal.h"
#include "model/model.h"
#include "propagate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a bounded heap of the smallest keys ------------------------------------------ */

typedef struct heap {
    uint64_t *key;
    size_t n, cap;
} heap;

static void sift_down(heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, big = i;
        if (l < h->n && h->key[l] > h->key[big])
            big = l;
        if (l + 1 < h->n && h->key[l + 1] > h->key[big])
            big = l + 1;
        if (big == i)
            return;
        uint64_t t = h->key[i];
        h->key[i] = h->key[big];
        h->key[big] = t;
        i = big;
    }
}

static void offer(heap *h, uint64_t key)
{
    if (h->n < h->cap) {
        size_t i = h->n++;
        h->key[i] = key;
        while (i > 0 && h->key[(i - 1) / 2] < h->key[i]) {
            uint64_t t = h->key[i];
            h->key[i] = h->key[(i - 1) / 2];
            h->key[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    } else if (h->cap > 0 && key < h->key[0]) {
        h->key[0] = key;
        sift_down(h, 0);
    }
}

static int compare_u64(const void *pa, const void *pb)
{
    uint64_t x = *(const uint64_t *)pa, y = *(const uint64_t *)pb;
    return (x > y) - (x < y);
}

/* ---- the scan ------------------------------------------------------------------------ */

typedef struct scan {
    const crisk_analysis *a;
    const crisk_inventory *inv;
    crisk__pair_rule *rules;
    size_t n_rules;
    heap *heaps;
    uint32_t *spofs;            /* per node: nodes that take it down alone */
    uint32_t *functions;        /* in the scope of some rule */
    size_t n_functions;
} scan;

static uint64_t key_of(const scan *sc, uint32_t f, uint32_t p)
{
    return (uint64_t)crisk__analysis_id_rank(sc->a, f) << 32
         | (p == PAIR_SCAN_FUNCTION ? PAIR_SCAN_FUNCTION : crisk__analysis_id_rank(sc->a, p));
}

/* Pair (f, p): what it is to each rule. */
static void pair(scan *sc, uint32_t f, uint32_t p)
{
    const crisk_inventory *inv = sc->inv;
    sc->spofs[f]++;
    for (size_t i = 0; i < sc->n_rules; i++) {
        crisk__pair_rule *r = &sc->rules[i];
        if (!(inv->criticality[f] >= r->min_criticality))
            continue;
        if (!r->breach) {
            if (r->substitutability != 0 && !(r->substitutability & (1u << inv->subst[p])))
                continue;
            r->violations++;
        } else if (isnan(inv->rto[f])) {
            continue;   /* one finding for the function, after the scan */
        } else if (isnan(inv->recovery[p])) {
            r->unknown++;
        } else if (inv->rto[f] < inv->recovery[p]) {
            r->violations++;
        } else {
            continue;
        }
        offer(&sc->heaps[i], key_of(sc, f, p));
    }
}

/* The pairs of one swept batch: nodes[0..width) failed alone. */
static void read_batch(scan *sc, const crisk__prop *p, const uint32_t *nodes, size_t width)
{
    crisk__mask valid;
    crisk__mask_first(&valid, width);
    for (size_t i = 0; i < sc->n_functions; i++) {
        uint32_t f = sc->functions[i], q = p->t->pos[f];
        if (!crisk__prop_live(p, q))
            continue;
        crisk__mask init = crisk__prop_initial_at(p, q);
        for (int k = 0; k < CRISK__W; k++)
            for (uint64_t bits = p->st[q].grp.w[k] & ~init.w[k] & valid.w[k]; bits != 0;
                 bits &= bits - 1)
                pair(sc, f, nodes[(size_t)k * 64 + (size_t)__builtin_ctzll(bits)]);
    }
}

typedef struct by_position {
    uint32_t pos, node;
} by_position;

static int compare_position(const void *pa, const void *pb)
{
    uint32_t x = ((const by_position *)pa)->pos, y = ((const by_position *)pb)->pos;
    return (x > y) - (x < y);
}

/* Fail every node that takes something down, a batch at a time. */
static int sweep_all(scan *sc, crisk__prop *p)
{
    const crisk_inventory *inv = sc->inv;
    by_position *order = malloc((inv->n + 1) * sizeof *order);
    if (order == NULL)
        return -1;
    size_t n = 0;
    for (size_t v = 0; v < inv->n; v++)
        if (crisk_analysis_metrics(sc->a, v)->impact > 0)
            order[n++] = (by_position){ p->t->pos[v], (uint32_t)v };
    crisk__sort(order, n, sizeof *order, compare_position);
    uint32_t nodes[CRISK__SCENARIOS];
    int rc = 0;
    for (size_t first = 0; first < n && rc == 0; first += CRISK__SCENARIOS) {
        size_t width = n - first < CRISK__SCENARIOS ? n - first : CRISK__SCENARIOS;
        crisk__prop_clear(p);
        for (size_t k = 0; k < width && rc == 0; k++) {
            nodes[k] = order[first + k].node;
            rc = crisk__prop_seed_one(p, nodes[k], k);
        }
        if (rc == 0) {
            crisk__prop_run(p);
            read_batch(sc, p, nodes, width);
        }
    }
    free(order);
    return rc;
}

/* After the scan: a breach rule's function without rto_hours that some
 * node takes down is one finding that cannot be judged. */
static void unknown_functions(scan *sc)
{
    for (size_t i = 0; i < sc->n_rules; i++) {
        crisk__pair_rule *r = &sc->rules[i];
        for (size_t k = 0; r->breach && k < sc->n_functions; k++) {
            uint32_t f = sc->functions[k];
            if (isnan(sc->inv->rto[f]) && sc->spofs[f] > 0
                && sc->inv->criticality[f] >= r->min_criticality) {
                r->unknown++;
                offer(&sc->heaps[i], key_of(sc, f, PAIR_SCAN_FUNCTION));
            }
        }
    }
}

void crisk__pair_rules_release(crisk__pair_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rules[i].kept);
        rules[i].kept = NULL;
        rules[i].n_kept = 0;
    }
}

int crisk__pair_scan(const crisk_analysis *a, crisk__pair_rule *rules, size_t n, size_t keep,
                     uint32_t **spofs, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    scan sc = { a, inv, rules, n, NULL, NULL, NULL, 0 };
    *spofs = NULL;
    double min = INFINITY;
    for (size_t i = 0; i < n; i++) {
        rules[i].kept = NULL;
        rules[i].n_kept = rules[i].violations = rules[i].unknown = 0;
        min = fmin(min, rules[i].min_criticality);
    }
    sc.heaps = calloc(n + 1, sizeof *sc.heaps);
    sc.spofs = calloc(inv->n + 1, sizeof *sc.spofs);
    sc.functions = malloc((inv->n + 1) * sizeof *sc.functions);
    int ok = sc.heaps != NULL && sc.spofs != NULL && sc.functions != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        sc.heaps[i].key = malloc((keep + 1) * sizeof *sc.heaps[i].key);
        sc.heaps[i].cap = keep;
        ok = sc.heaps[i].key != NULL;
    }
    for (size_t v = 0; ok && v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION && inv->criticality[v] >= min)
            sc.functions[sc.n_functions++] = (uint32_t)v;
    int rc = ok ? CRISK_OK : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK && n > 0 && sc.n_functions > 0) {
        crisk__prop p;
        rc = crisk__prop_init(&p, inv, err);
        if (rc == CRISK_OK) {
            p.want_all = 0;   /* only what fails: the §4 masks */
            if (sweep_all(&sc, &p) != 0)
                rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
            crisk__prop_release(&p);
        }
    }
    if (rc == CRISK_OK)
        unknown_functions(&sc);
    for (size_t i = 0; i < n && sc.heaps != NULL; i++) {
        if (rc == CRISK_OK) {
            crisk__sort(sc.heaps[i].key, sc.heaps[i].n, sizeof *sc.heaps[i].key, compare_u64);
            rules[i].kept = sc.heaps[i].key;
            rules[i].n_kept = sc.heaps[i].n;
        } else {
            free(sc.heaps[i].key);
        }
    }
    free(sc.heaps);
    free(sc.functions);
    if (rc != CRISK_OK) {
        free(sc.spofs);
        return rc;
    }
    *spofs = sc.spofs;
    return CRISK_OK;
}
