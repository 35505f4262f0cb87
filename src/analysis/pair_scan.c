/*
 * pair_scan.c - SPOF and breach findings counted, and the first few kept,
 * without the SPOF lists (pair_scan.h).
 *
 * The nodes that take at least one function down (their metric impact is
 * not 0) are failed alone, CRISK__SCENARIOS at a time in sweep order
 * (crisk__topo_sweep_order), with only the
 * failure masks computed.  Each function in the scope of some rule reads
 * its mask: every set bit is a pair (function, node), offered to the
 * thread's tally (pair_tally.h: counts and the smallest keys per rule, so
 * what is kept does not depend on the order of the sweeps, only on the
 * pairs), merged at the end.  A node linked to the
 * one node above it (crisk__topo_links) takes down what that node does,
 * and that node: only the top of each chain is failed again, and the
 * nodes below it take its pairs, plus those with the functions on the
 * chain.
 *
 * Rejected: keeping the analysis' SPOF lists (keep_spofs) and walking them
 * per function, as the check first did: about a billion pairs, 13.8 GB, at
 * a million nodes, to report at most a thousand of them per rule.
 *
 * An analysis run for the policy (crisk_analysis_options.policy) offers the
 * same pairs from its own sweeps, and check.c takes those instead: the scan
 * is for an analysis run without it (report's baseline, the library's
 * callers).
 */
#include "pair_scan.h"
#include "analysis_internal.h"
#include "model/model.h"
#include "propagate.h"
#include "util/thread.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- the scan ------------------------------------------------------------------------ */

/* What every thread reads: the rules, the functions in scope, the
 * topology, and the plan of heads and derived nodes. */
typedef struct scan {
    const crisk_analysis *a;
    const crisk_inventory *inv;
    const crisk__pair_rule *rules;
    size_t n_rules;
    uint32_t *functions;        /* in the scope of some rule */
    size_t n_functions;
    double min_criticality;     /* the smallest of the rules' */
    crisk__topo t;
    int topo_ready;
    uint32_t *up;               /* chain links (crisk__topo_links) */
    uint32_t *top;              /* node -> the top of its chain (itself when unlinked) */
    uint32_t *next_fn;          /* node -> the nearest function above it on its chain */
    uint32_t *heads;            /* swept, in topological order */
    size_t n_heads;
    uint32_t *der_start;        /* per head: its derived nodes [der_start[i], der_start[i + 1]) */
    uint32_t *derived;
    uint32_t *chained;          /* every node derived from its chain, swept head or not */
    size_t n_chained;
    atomic_size_t next;         /* first head of the next batch to take */
    atomic_int stop;            /* a thread ran out of memory */
} scan;

/* What one thread found: merged when every thread is done (counts add up;
 * a heap keeps the smallest keys whatever the order they came in). */
typedef struct tally {
    scan *sc;
    crisk__prop p;
    int ready, failed;
    crisk__pair_tally t;
} tally;

/* The pairs of one swept batch: heads[first..first + width) failed alone,
 * and the nodes derived from each. */
static void read_batch(tally *ty, size_t first, size_t width)
{
    const scan *sc = ty->sc;
    const crisk__prop *p = &ty->p;
    crisk__mask valid;
    crisk__mask_first(&valid, width);
    for (size_t i = 0; i < sc->n_functions; i++) {
        uint32_t f = sc->functions[i], q = p->t->pos[f];
        if (!crisk__prop_live(p, q))
            continue;
        crisk__mask init = crisk__prop_initial_at(p, q);
        for (int k = 0; k < CRISK__W; k++)
            for (uint64_t bits = p->st[q].grp.w[k] & ~init.w[k] & valid.w[k]; bits != 0;
                 bits &= bits - 1) {
                size_t h = first + (size_t)k * 64 + (size_t)__builtin_ctzll(bits);
                crisk__pair_offer(&ty->t, f, sc->heads[h]);
                for (uint32_t x = sc->der_start[h]; x < sc->der_start[h + 1]; x++)
                    crisk__pair_offer(&ty->t, f, sc->derived[x]);
            }
    }
}

/* A thread: batches from the shared counter until none is left. */
static void *sweep_batches(void *arg)
{
    tally *ty = arg;
    scan *sc = ty->sc;
    while (!atomic_load(&sc->stop)) {
        size_t first = atomic_fetch_add(&sc->next, CRISK__SCENARIOS);
        if (first >= sc->n_heads)
            break;
        size_t width = sc->n_heads - first < CRISK__SCENARIOS ? sc->n_heads - first
                                                              : CRISK__SCENARIOS;
        crisk__prop_clear(&ty->p);
        int rc = 0;
        for (size_t k = 0; k < width && rc == 0; k++)
            rc = crisk__prop_seed_one(&ty->p, sc->heads[first + k], k);
        if (rc != 0) {
            ty->failed = 1;
            atomic_store(&sc->stop, 1);
            break;
        }
        crisk__prop_run(&ty->p);
        read_batch(ty, first, width);
    }
    return NULL;
}

/* The pairs of a chained node x with the functions on its chain up to its
 * top (where the walk ends): in x's impact set, not in the top's. */
static void chain_pairs(tally *ty, uint32_t x)
{
    const scan *sc = ty->sc;
    for (uint32_t y = sc->next_fn[x]; y != PAIR_SCAN_FUNCTION; y = sc->next_fn[y])
        if (sc->inv->criticality[y] >= sc->min_criticality)
            crisk__pair_offer(&ty->t, y, x);
}

/* ---- the plan ---------------------------------------------------------------------------- */

/* Chains (crisk__topo_links): a node linked to the node above it takes
 * down what that node does, and that node: only the top of a chain is
 * failed again, when it takes something down; the nodes below that do
 * are derived.  Visits dependants first. */
static int plan_chains(scan *sc)
{
    size_t n = sc->inv->n;
    sc->up = malloc((n + 1) * sizeof *sc->up);
    sc->top = malloc((n + 1) * sizeof *sc->top);
    sc->next_fn = malloc((n + 1) * sizeof *sc->next_fn);
    if (sc->up == NULL || sc->top == NULL || sc->next_fn == NULL)
        return -1;
    crisk__topo_links(&sc->t, sc->up);
    for (size_t q = n; q-- > 0;) {
        uint32_t v = sc->t.order[q], u = sc->up[v];
        sc->top[v] = u == PAIR_SCAN_FUNCTION ? v : sc->top[u];
        sc->next_fn[v] = u == PAIR_SCAN_FUNCTION                     ? PAIR_SCAN_FUNCTION
                       : sc->inv->type[u] == CRISK_NODE_FUNCTION ? u
                                                                     : sc->next_fn[u];
    }
    return 0;
}

static int takes_down(const scan *sc, uint32_t v)
{
    return crisk_analysis_metrics(sc->a, v)->impact > 0;
}

/* The heads (tops of chains that take something down) in sweep order
 * (crisk__topo_sweep_order: nodes that fail much the same share a batch),
 * and the
 * chained nodes that take something down, grouped by head. */
static int plan_heads(scan *sc)
{
    size_t n = sc->inv->n, nh = 0;
    uint32_t *slot = malloc((n + 1) * sizeof *slot);
    sc->heads = malloc((n + 1) * sizeof *sc->heads);
    sc->der_start = calloc(n + 2, sizeof *sc->der_start);
    sc->derived = malloc((n + 1) * sizeof *sc->derived);
    sc->chained = malloc((n + 1) * sizeof *sc->chained);
    int rc = -1;
    if (slot == NULL || sc->heads == NULL || sc->der_start == NULL
        || sc->derived == NULL || sc->chained == NULL)
        goto out;
    for (uint32_t v = 0; v < n; v++)
        if (takes_down(sc, v) && sc->top[v] == v)
            sc->heads[nh++] = v;
    if (crisk__topo_sweep_order(&sc->t, sc->heads, nh) != 0)
        goto out;
    memset(slot, 0xff, (n + 1) * sizeof *slot);
    for (size_t i = 0; i < nh; i++)
        slot[sc->heads[i]] = (uint32_t)i;
    sc->n_heads = nh;
    uint32_t *start = sc->der_start;
    for (uint32_t v = 0; v < n; v++)
        if (takes_down(sc, v) && sc->top[v] != v) {
            sc->chained[sc->n_chained++] = v;
            if (slot[sc->top[v]] != PAIR_SCAN_FUNCTION)
                start[slot[sc->top[v]] + 2]++;
        }
    for (size_t i = 0; i < nh; i++)
        start[i + 2] += start[i + 1];
    for (size_t i = 0; i < sc->n_chained; i++) {
        uint32_t v = sc->chained[i];
        if (slot[sc->top[v]] != PAIR_SCAN_FUNCTION)
            sc->derived[start[slot[sc->top[v]] + 1]++] = v;
    }
    rc = 0;
out:
    free(slot);
    return rc;
}

/* ---- threads ------------------------------------------------------------------------------ */

/* A thread's tally, with an engine over the scan's topology when `engine`. */
static int tally_init(tally *ty, scan *sc, size_t keep, int engine, crisk_error *err)
{
    ty->sc = sc;
    int rc = crisk__pair_tally_init(&ty->t, sc->inv, crisk__analysis_id_ranks(sc->a), sc->rules,
                                    sc->n_rules, keep, 1, err);
    if (rc != CRISK_OK || !engine)
        return rc;
    rc = crisk__prop_init_shared(&ty->p, &sc->t, err);
    ty->ready = rc == CRISK_OK;
    ty->p.want_all = 0;   /* only what fails: the §4 masks */
    return rc;
}

static void tally_release(tally *ty)
{
    crisk__pair_tally_release(&ty->t);
    if (ty->ready)
        crisk__prop_release(&ty->p);
    memset(ty, 0, sizeof *ty);
}

/* Sweep the heads on up to `threads` threads (this one included; a thread
 * that cannot start leaves its share to the others), pair the chained
 * nodes with their chains' functions, and merge it all into ty[0]. */
static int run_threads(scan *sc, tally *ty, size_t k, size_t keep, crisk_error *err)
{
    int rc = CRISK_OK;
    for (size_t i = 0; rc == CRISK_OK && i < k; i++)
        rc = tally_init(&ty[i], sc, keep, 1, err);
    if (rc != CRISK_OK)
        return rc;
    atomic_init(&sc->next, 0);
    atomic_init(&sc->stop, 0);
    crisk__run_workers(sweep_batches, ty, sizeof *ty, k);
    for (size_t i = 0; i < k; i++)
        if (ty[i].failed)
            return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < sc->n_chained; i++)
        chain_pairs(&ty[0], sc->chained[i]);
    for (size_t i = 1; i < k; i++)
        crisk__pair_tally_merge(&ty[0].t, &ty[i].t);
    return CRISK_OK;
}

static void scan_release(scan *sc)
{
    free(sc->functions);
    free(sc->up);
    free(sc->top);
    free(sc->next_fn);
    free(sc->heads);
    free(sc->der_start);
    free(sc->derived);
    free(sc->chained);
    if (sc->topo_ready)
        crisk__topo_release(&sc->t);
}

int crisk__pair_scan(const crisk_analysis *a, crisk__pair_rule *rules, size_t n, size_t keep,
                     unsigned threads, uint32_t **spofs, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    scan sc;
    memset(&sc, 0, sizeof sc);
    sc.a = a;
    sc.inv = inv;
    sc.rules = rules;
    sc.n_rules = n;
    sc.min_criticality = INFINITY;
    tally ty[CRISK_ANALYSIS_MAX_THREADS];
    memset(ty, 0, sizeof ty);
    size_t k = 1;
    *spofs = NULL;
    for (size_t i = 0; i < n; i++) {
        rules[i].kept = NULL;
        rules[i].n_kept = rules[i].violations = rules[i].unknown = 0;
    }
    for (size_t i = 0; i < n; i++)
        sc.min_criticality = fmin(sc.min_criticality, rules[i].min_criticality);
    sc.functions = malloc((inv->n + 1) * sizeof *sc.functions);
    int rc = sc.functions == NULL ? crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory")
                                  : CRISK_OK;
    for (size_t v = 0; rc == CRISK_OK && v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION && inv->criticality[v] >= sc.min_criticality)
            sc.functions[sc.n_functions++] = (uint32_t)v;
    if (rc == CRISK_OK && n > 0 && sc.n_functions > 0) {
        rc = crisk__topo_init(&sc.t, inv, err);
        sc.topo_ready = rc == CRISK_OK;
        if (rc == CRISK_OK && (plan_chains(&sc) != 0 || plan_heads(&sc) != 0))
            rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        k = crisk__worker_count(threads, CRISK_ANALYSIS_MAX_THREADS,
                                (sc.n_heads + CRISK__SCENARIOS - 1) / CRISK__SCENARIOS);
        if (rc == CRISK_OK)
            rc = run_threads(&sc, ty, k, keep, err);
    } else if (rc == CRISK_OK) {
        rc = tally_init(&ty[0], &sc, keep, 0, err);   /* nothing to sweep */
    }
    if (rc == CRISK_OK) {
        crisk__pair_tally_finish(&ty[0].t, rules, ty[0].t.spofs);
        *spofs = ty[0].t.spofs;
        ty[0].t.spofs = NULL;
    }
    for (size_t i = 0; i < k; i++)
        if (ty[i].sc != NULL)
            tally_release(&ty[i]);
    scan_release(&sc);
    return rc;
}
