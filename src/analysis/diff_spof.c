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
 * resolved, bits set on both are pairs whose breach may have changed.
 * Batches run on the options' threads, and dirty members of dependency
 * chains take their head's pairs instead of being failed (see "Chains").
 * The work is proportional to what changed: nothing is swept when no
 * impact set changed, and at worst one more sweep of each side.
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
#include "util/thread.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* Keys a worker holds before it hands them to the key sets, under the
 * plan's lock: adding is cheap, so workers rarely wait for each other. */
#define PENDING_KEYS 16384

struct plan;

/* One sweeping thread: its engines (one per side, over the shared
 * topologies), its pending keys and counts, its first error. */
typedef struct worker {
    struct plan *plan;
    crisk__prop p[2];
    int ready[2];
    uint64_t *keys[2];          /* [which]: PENDING_KEYS each */
    size_t n_keys[2];
    size_t count[2][2];         /* [which][0 appeared, 1 resolved] */
    crisk_error err;
    int rc;
} worker;

/* Node p's failure, which takes function f down, outlasts f's tolerance:
 * rto_hours < recovery_hours, both given (docs/metrics.md, `breaches`). */
static int breaches(const crisk_diff *d, int s, uint32_t f, uint32_t p)
{
    const crisk_inventory *inv = d->inv[s];
    return !isnan(inv->rto[f]) && !isnan(inv->recovery[p]) && inv->rto[f] < inv->recovery[p];
}

static int flush(crisk_diff *d, worker *w, pthread_mutex_t *lock);

/* A pair (function f, node p) that holds on side s only: appeared when s
 * is NEW, resolved when it is OLD. */
static int push_pair(crisk_diff *d, worker *w, crisk_diff_pairs_of which, int s, uint32_t f,
                     uint32_t p)
{
    uint64_t removed = s == 0;
    w->count[which][removed]++;
    w->keys[which][w->n_keys[which]++] = pair_key(d, which, removed, d->rank[s][f], d->rank[s][p]);
    return w->n_keys[which] == PENDING_KEYS ? flush(d, w, NULL) : CRISK_OK;
}

/* A SPOF on side s only: so is its breach, if it breaches there. */
static int one_side(crisk_diff *d, worker *w, int s, uint32_t f, uint32_t p)
{
    int rc = push_pair(d, w, CRISK_DIFF_SPOFS, s, f, p);
    if (rc == CRISK_OK && breaches(d, s, f, p))
        rc = push_pair(d, w, CRISK_DIFF_BREACHES, s, f, p);
    return rc;
}

/* A SPOF on both sides: its breach may still have appeared or resolved. */
static int both_sides(crisk_diff *d, worker *w, uint32_t f0, uint32_t p0, uint32_t f1,
                      uint32_t p1)
{
    int b0 = breaches(d, 0, f0, p0), b1 = breaches(d, 1, f1, p1);
    if (b0 == b1)
        return CRISK_OK;
    return b1 ? push_pair(d, w, CRISK_DIFF_BREACHES, 1, f1, p1)
              : push_pair(d, w, CRISK_DIFF_BREACHES, 0, f0, p0);
}

/* ---- what is failed again, and what is derived ----------------------------------------- */

/* Dirty nodes: (OLD, NEW) pairs; one side's entry DIFF_NONE for a node of
 * the other side only. */
typedef struct dirty {
    uint32_t node[2];
} dirty;

/* One side's topology (its analysis', crisk__analysis_topology) and
 * functions, shared by the workers. */
typedef struct engine {
    const crisk__topo *t;
    int ready;
    uint32_t *up;           /* chain links (crisk__topo_links; DIFF_NONE: none) */
} engine;

/* Chains.  When v's only dependant is u, v's lone failure fails u, and
 * neither is on a cycle, what fails with v is v, u and what fails with u:
 * v's impact set is u's plus u (if a function).  When that holds on both
 * sides, with u matched to u, v's changes are u's changes with v in place
 * of u, plus u's own pair - so only the topmost dirty node of such a chain
 * (its head) is failed again, and the dirty nodes below it are derived
 * from its batch slot.  A breach is judged with the derived node's own
 * recovery_hours.  The analysis derives chain members the same way
 * (analysis.c, "Chains"). */
typedef struct derivation {
    uint32_t *head;         /* NEW node -> the head it is derived from, or DIFF_NONE */
    uint32_t *next_fn;      /* NEW node -> the nearest node above it on its chain that
                             * is a function on either side, or DIFF_NONE */
} derivation;

/* The plan every worker follows: heads in batch order, each with the
 * dirty nodes derived from it. */
typedef struct plan {
    crisk_diff *d;
    engine *e;                  /* [2] */
    const dirty *heads;
    size_t n_heads;
    const uint32_t *der_start;  /* per head: its derived nodes [der_start[i], der_start[i + 1]) */
    const dirty *derived;
    const derivation *dv;
    atomic_size_t next;         /* first head of the next batch to take */
    atomic_int stop;            /* a worker failed */
    pthread_mutex_t lock;       /* the key sets */
} plan;

/* Hand a worker's pending keys to the key sets (under `lock` unless NULL:
 * then under the plan's). */
static int flush(crisk_diff *d, worker *w, pthread_mutex_t *lock)
{
    pthread_mutex_t *l = lock != NULL ? lock : &w->plan->lock;
    int rc = CRISK_OK;
    pthread_mutex_lock(l);
    for (int which = 0; which < 2; which++) {
        for (size_t i = 0; i < w->n_keys[which] && rc == CRISK_OK; i++)
            rc = crisk__keyset_add(&d->pairs[which], w->keys[which][i], &w->err);
        w->n_keys[which] = 0;
    }
    pthread_mutex_unlock(l);
    return rc;
}

/* ---- failing nodes again, a batch at a time --------------------------------------------- */

/* Fail nodes[s] alone in scenario s, for s < width (DIFF_NONE: nothing
 * fails in that scenario). */
static int sweep_batch(crisk__prop *p, const uint32_t *nodes, size_t width)
{
    crisk__prop_clear(p);
    for (size_t s = 0; s < width; s++)
        if (nodes[s] != DIFF_NONE && crisk__prop_seed_one(p, nodes[s], s) != 0)
            return -1;
    crisk__prop_run(p);
    return 0;
}

/* The scenarios of the batch in which function f fails, its own failure
 * (f seeded) left out. */
static void fails_of(const crisk__prop *p, uint32_t f, const crisk__mask *valid, crisk__mask *out)
{
    uint32_t q = p->t->pos[f];
    if (!crisk__prop_live(p, q)) {
        memset(out, 0, sizeof *out);
        return;
    }
    crisk__mask init = crisk__prop_initial_at(p, q);
    for (int k = 0; k < CRISK__W; k++)
        out->w[k] = p->st[q].grp.w[k] & ~init.w[k] & valid->w[k];
}

/* The batch being compared: its heads' nodes per side, and where their
 * derived nodes start. */
typedef struct batch {
    uint32_t seeds[2][CRISK__SCENARIOS];
    size_t first, width;
    int ran[2];                 /* side s was swept for this batch */
    crisk__mask same_recovery;  /* slots whose head and derived nodes are on both sides,
                                 * each with the same recovery_hours on both */
} batch;

/* Function (f0, f1) fails with slot k's head on side `side` only (-1: on
 * both): the pairs of the head and of the nodes derived from it. */
static int slot_pairs(worker *w, const batch *b, size_t k, int side, uint32_t f0, uint32_t f1)
{
    const plan *pl = w->plan;
    crisk_diff *d = pl->d;
    int rc;
    if (side < 0)
        rc = both_sides(d, w, f0, b->seeds[0][k], f1, b->seeds[1][k]);
    else
        rc = one_side(d, w, side, side ? f1 : f0, b->seeds[side][k]);
    for (uint32_t i = pl->der_start[b->first + k]; i < pl->der_start[b->first + k + 1]
                                                   && rc == CRISK_OK; i++) {
        const dirty *x = &pl->derived[i];
        rc = side < 0 ? both_sides(d, w, f0, x->node[0], f1, x->node[1])
                      : one_side(d, w, side, side ? f1 : f0, x->node[side]);
    }
    return rc;
}

/* Hours that compare the same against any tolerance: equal, or both
 * unknown. */
static int same_hours(double x, double y)
{
    return x == y || (isnan(x) && isnan(y));
}

/* The pairs of function (f0, f1) whose failure masks in the batch are m0
 * and m1. */
static int function_pairs(worker *w, const batch *b, uint32_t f0, uint32_t f1,
                          const crisk__mask *m0, const crisk__mask *m1)
{
    /* a pair on both sides changes only if its breach does: never when
     * the function's rto_hours and the nodes' recovery_hours are the same
     * on both sides - most of the pairs of a dirty node */
    const crisk_diff *d = w->plan->d;
    int same_rto = f0 != DIFF_NONE && f1 != DIFF_NONE
                && same_hours(d->inv[0]->rto[f0], d->inv[1]->rto[f1]);
    int rc = CRISK_OK;
    for (int k = 0; k < CRISK__W && rc == CRISK_OK; k++) {
        uint64_t only0 = m0->w[k] & ~m1->w[k], only1 = m1->w[k] & ~m0->w[k];
        uint64_t both = m0->w[k] & m1->w[k];
        if (same_rto)
            both &= ~b->same_recovery.w[k];
        for (; only1 != 0 && rc == CRISK_OK; only1 &= only1 - 1)
            rc = slot_pairs(w, b, (size_t)k * 64 + (size_t)__builtin_ctzll(only1), 1, f0, f1);
        for (; only0 != 0 && rc == CRISK_OK; only0 &= only0 - 1)
            rc = slot_pairs(w, b, (size_t)k * 64 + (size_t)__builtin_ctzll(only0), 0, f0, f1);
        for (; both != 0 && rc == CRISK_OK; both &= both - 1)
            rc = slot_pairs(w, b, (size_t)k * 64 + (size_t)__builtin_ctzll(both), -1, f0, f1);
    }
    return rc;
}

/* Whether node v of side s is a function the batch's sweep of s reached. */
static int reached_function(const worker *w, const batch *b, int s, uint32_t v)
{
    const crisk__prop *p = &w->p[s];
    return v != DIFF_NONE && b->ran[s] && p->inv->type[v] == CRISK_NODE_FUNCTION
        && crisk__prop_live(p, p->t->pos[v]);
}

/* Compare what the batch's heads take down on each side, function by
 * function.  Only functions a sweep reached can fail, so the functions
 * come from the positions each sweep touched (NEW's, then OLD's not
 * matched among them) instead of from every function: at a million nodes
 * most batches reach few of the 20 000.  The key sets sort what this
 * finds, so the order does not matter. */
static int compare_batch(worker *w, const batch *b)
{
    const crisk_diff *d = w->plan->d;
    crisk__mask valid;
    crisk__mask_first(&valid, b->width);
    int rc = CRISK_OK;
    for (int s = 1; s >= 0 && rc == CRISK_OK; s--) {
        const crisk__prop *p = &w->p[s];
        for (size_t i = 0; b->ran[s] && i < p->n_touched && rc == CRISK_OK; i++) {
            uint32_t v = p->t->order[p->touched[i]];
            if (p->inv->type[v] != CRISK_NODE_FUNCTION)
                continue;
            uint32_t other = d->match[s][v];
            int both = reached_function(w, b, 1 - s, other);
            if (s == 0 && both)
                continue;   /* compared with NEW's */
            crisk__mask m[2] = { { { 0 } }, { { 0 } } };
            fails_of(p, v, &valid, &m[s]);
            if (both)
                fails_of(&w->p[1 - s], other, &valid, &m[1 - s]);
            uint32_t f[2];
            f[s] = v;
            f[1 - s] = other;
            rc = function_pairs(w, b, f[0], f[1], &m[0], &m[1]);
        }
    }
    return rc;
}

/* The pairs of a derived node x with the functions on its chain up to its
 * head (inclusive): those are in x's impact set and not in the head's. */
static int chain_pairs(worker *w, const dirty *x)
{
    const plan *pl = w->plan;
    crisk_diff *d = pl->d;
    const uint32_t *pos = pl->e[1].t->pos;
    uint32_t head = pl->dv->head[x->node[1]];
    int rc = CRISK_OK;
    for (uint32_t y1 = pl->dv->next_fn[x->node[1]];
         y1 != DIFF_NONE && pos[y1] <= pos[head] && rc == CRISK_OK; y1 = pl->dv->next_fn[y1]) {
        uint32_t y0 = d->match[1][y1];
        int fn0 = d->inv[0]->type[y0] == CRISK_NODE_FUNCTION;
        int fn1 = d->inv[1]->type[y1] == CRISK_NODE_FUNCTION;
        if (fn0 && fn1)
            rc = both_sides(d, w, y0, x->node[0], y1, x->node[1]);
        else
            rc = one_side(d, w, fn1, fn1 ? y1 : y0, x->node[fn1]);
    }
    return rc;
}

static int run_batch(worker *w, batch *b)
{
    const plan *pl = w->plan;
    for (int s = 0; s < 2; s++) {
        b->ran[s] = 0;
        for (size_t k = 0; k < b->width; k++) {
            b->seeds[s][k] = pl->heads[b->first + k].node[s];
            b->ran[s] |= b->seeds[s][k] != DIFF_NONE;
        }
        if (b->ran[s] && sweep_batch(&w->p[s], b->seeds[s], b->width) != 0)
            return crisk_error_set(&w->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    const crisk_diff *d = pl->d;
    memset(&b->same_recovery, 0, sizeof b->same_recovery);
    for (size_t k = 0; k < b->width; k++) {
        const dirty *x = &pl->heads[b->first + k];
        int same = x->node[0] != DIFF_NONE && x->node[1] != DIFF_NONE
                && same_hours(d->inv[0]->recovery[x->node[0]], d->inv[1]->recovery[x->node[1]]);
        for (uint32_t i = pl->der_start[b->first + k];
             same && i < pl->der_start[b->first + k + 1]; i++) {
            x = &pl->derived[i];
            same = x->node[0] != DIFF_NONE && x->node[1] != DIFF_NONE
                && same_hours(d->inv[0]->recovery[x->node[0]], d->inv[1]->recovery[x->node[1]]);
        }
        if (same)
            b->same_recovery.w[k >> 6] |= 1ull << (k & 63);
    }
    int rc = compare_batch(w, b);
    for (uint32_t i = pl->der_start[b->first]; i < pl->der_start[b->first + b->width]
                                               && rc == CRISK_OK; i++)
        rc = chain_pairs(w, &pl->derived[i]);
    return rc;
}

/* A worker: batches from the plan's shared counter until none is left.
 * Which worker runs which batch changes only the order in which keys
 * reach the key sets, which read them back sorted. */
static void *work(void *arg)
{
    worker *w = arg;
    plan *pl = w->plan;
    batch b;
    while (!atomic_load(&pl->stop)) {
        b.first = atomic_fetch_add(&pl->next, CRISK__SCENARIOS);
        if (b.first >= pl->n_heads)
            break;
        b.width = pl->n_heads - b.first < CRISK__SCENARIOS ? pl->n_heads - b.first
                                                           : CRISK__SCENARIOS;
        w->rc = run_batch(w, &b);
        if (w->rc != CRISK_OK) {
            atomic_store(&pl->stop, 1);
            break;
        }
    }
    return NULL;
}

/* ---- setting up --------------------------------------------------------------------------- */

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
            list[n++] = (dirty){ { u, v } };
    }
    for (uint32_t u = 0; u < d->inv[0]->n; u++)
        if (d->match[0][u] == DIFF_NONE && crisk_analysis_metrics(d->a[0], u)->impact > 0)
            list[n++] = (dirty){ { u, DIFF_NONE } };
    *out = list;
    *count = n;
    return 0;
}

/* Side s's topology and chain links. */
static int engine_init(const crisk_diff *d, int s, engine *e, crisk_error *err)
{
    e->up = malloc((d->inv[s]->n + 1) * sizeof *e->up);
    if (e->up == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    e->t = crisk__analysis_topology(d->a[s]);
    if (e->t == NULL)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "a diff needs analyses that keep fingerprints");
    e->ready = 1;
    crisk__topo_links(e->t, e->up);
    return CRISK_OK;
}

static void engine_release(engine *e)
{
    free(e->up);
}

/* Each dirty NEW node's head (see "Chains" above), visiting dependants
 * first: a node whose link holds on both sides takes its parent's head,
 * if any; else it is its own head when dirty. */
static int derive(const crisk_diff *d, const engine e[2], const dirty *list, size_t n,
                  derivation *dv)
{
    size_t n1 = d->inv[1]->n;
    dv->head = malloc((n1 + 1) * sizeof *dv->head);
    dv->next_fn = malloc((n1 + 1) * sizeof *dv->next_fn);
    uint8_t *is_dirty = calloc(n1 + 1, 1);
    if (dv->head == NULL || dv->next_fn == NULL || is_dirty == NULL) {
        free(is_dirty);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (list[i].node[1] != DIFF_NONE)
            is_dirty[list[i].node[1]] = 1;
    for (size_t q = n1; q-- > 0;) {
        uint32_t v = e[1].t->order[q], u = e[1].up[v], v0 = d->match[1][v];
        uint32_t u0 = v0 == DIFF_NONE ? DIFF_NONE : e[0].up[v0];
        int linked = u != DIFF_NONE && u0 != DIFF_NONE && d->match[0][u0] == u;
        uint32_t above = linked ? dv->head[u] : DIFF_NONE;
        dv->head[v] = above != DIFF_NONE ? above : is_dirty[v] ? v : DIFF_NONE;
        int u_fn = linked && (d->inv[1]->type[u] == CRISK_NODE_FUNCTION
                              || d->inv[0]->type[u0] == CRISK_NODE_FUNCTION);
        dv->next_fn[v] = !linked ? DIFF_NONE : u_fn ? u : dv->next_fn[u];
    }
    free(is_dirty);
    return 0;
}

/* Put heads in sweep order (crisk__topo_sweep_order: nodes that fail much
 * the same share a batch), those of NEW by NEW's topology, then those of
 * OLD only by OLD's. */
static int order_heads(const plan *pl, dirty *heads, size_t nh)
{
    const crisk_diff *d = pl->d;
    uint32_t *nodes = malloc((nh + 1) * sizeof *nodes);
    uint32_t *at[2] = { malloc((d->inv[0]->n + 1) * sizeof *at[0]),
                        malloc((d->inv[1]->n + 1) * sizeof *at[1]) };
    dirty *copy = malloc((nh + 1) * sizeof *copy);
    int rc = nodes == NULL || at[0] == NULL || at[1] == NULL || copy == NULL ? -1 : 0;
    size_t k = 0;
    for (int s = 1; s >= 0 && rc == 0; s--) {
        size_t first = k;
        for (size_t i = 0; i < nh; i++)
            if ((heads[i].node[1] != DIFF_NONE) == s) {
                nodes[k++] = heads[i].node[s];
                at[s][heads[i].node[s]] = (uint32_t)i;
            }
        if (k > first)
            rc = crisk__topo_sweep_order(pl->e[s].t, nodes + first, k - first);
        for (size_t i = first; i < k && rc == 0; i++)
            copy[i] = heads[at[s][nodes[i]]];
    }
    if (rc == 0)
        memcpy(heads, copy, nh * sizeof *heads);
    free(nodes);
    free(at[0]);
    free(at[1]);
    free(copy);
    return rc;
}

/* Split the dirty nodes into heads (failed again, in sweep order) and the
 * nodes derived from each (dv NULL: none is derived). */
static int split_dirty(plan *pl, const dirty *list, size_t n, const derivation *dv,
                       dirty **heads, dirty **derived, uint32_t **der_start)
{
    size_t nh = 0;
    *heads = malloc((n + 1) * sizeof **heads);
    *derived = malloc((n + 1) * sizeof **derived);
    *der_start = calloc(n + 2, sizeof **der_start);
    uint32_t *slot = malloc((pl->d->inv[1]->n + 1) * sizeof *slot);
    if (*heads == NULL || *derived == NULL || *der_start == NULL || slot == NULL) {
        free(slot);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t v = list[i].node[1];
        if (dv == NULL || v == DIFF_NONE || dv->head[v] == v)
            (*heads)[nh++] = list[i];
    }
    if (order_heads(pl, *heads, nh) != 0) {
        free(slot);
        return -1;
    }
    for (size_t i = 0; i < nh; i++)
        if ((*heads)[i].node[1] != DIFF_NONE)
            slot[(*heads)[i].node[1]] = (uint32_t)i;
    /* the derived nodes grouped by head: count, sum, place */
    uint32_t *start = *der_start;
    for (size_t i = 0; dv != NULL && i < n; i++) {
        uint32_t v = list[i].node[1];
        if (v != DIFF_NONE && dv->head[v] != v)
            start[slot[dv->head[v]] + 2]++;
    }
    for (size_t i = 0; i < nh; i++)
        start[i + 2] += start[i + 1];
    for (size_t i = 0; dv != NULL && i < n; i++) {
        uint32_t v = list[i].node[1];
        if (v != DIFF_NONE && dv->head[v] != v)
            (*derived)[start[slot[dv->head[v]] + 1]++] = list[i];
    }
    free(slot);
    pl->heads = *heads;
    pl->n_heads = nh;
    pl->derived = *derived;
    pl->der_start = start;
    return 0;
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

/* ---- running the workers ------------------------------------------------------------------ */

static int worker_init(worker *w, plan *pl, crisk_error *err)
{
    w->plan = pl;
    for (int which = 0; which < 2; which++) {
        w->keys[which] = malloc(PENDING_KEYS * sizeof *w->keys[which]);
        if (w->keys[which] == NULL)
            return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (int s = 0; s < 2; s++) {
        if (!pl->e[s].ready)
            continue;
        int rc = crisk__prop_init_shared(&w->p[s], pl->e[s].t, err);
        if (rc != CRISK_OK)
            return rc;
        w->ready[s] = 1;
        w->p[s].want_all = 0;   /* only what fails: the §4 masks */
    }
    return CRISK_OK;
}

/* Hand what a finished worker holds to the diff, and free it. */
static int worker_finish(crisk_diff *d, worker *w, int rc, crisk_error *err)
{
    if (rc == CRISK_OK && w->rc != CRISK_OK) {
        rc = w->rc;
        *err = w->err;
    }
    if (rc == CRISK_OK && flush(d, w, &w->plan->lock) != CRISK_OK) {
        rc = w->err.code;
        *err = w->err;
    }
    for (int which = 0; which < 2; which++) {
        d->pair_count[which][0] += w->count[which][0];
        d->pair_count[which][1] += w->count[which][1];
        free(w->keys[which]);
    }
    for (int s = 0; s < 2; s++)
        if (w->ready[s])
            crisk__prop_release(&w->p[s]);
    return rc;
}

/* Run the plan's batches on up to `threads` threads (this one included); a
 * thread that cannot start leaves its share to the others. */
static int run_workers(plan *pl, crisk_error *err)
{
    size_t k = crisk__worker_count(pl->d->opts.threads, CRISK_ANALYSIS_MAX_THREADS,
                                   (pl->n_heads + CRISK__SCENARIOS - 1) / CRISK__SCENARIOS);
    worker *w = calloc(k, sizeof *w);
    int rc = w == NULL ? crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory") : CRISK_OK;
    for (size_t i = 0; rc == CRISK_OK && i < k; i++)
        rc = worker_init(&w[i], pl, err);
    if (rc == CRISK_OK)
        crisk__run_workers(work, w, sizeof *w, k);
    for (size_t i = 0; w != NULL && i < k; i++)
        rc = worker_finish(pl->d, &w[i], rc, err);
    free(w);
    return rc;
}

int crisk__diff_spofs(crisk_diff *d, crisk_error *err)
{
    dirty *list = NULL, *heads = NULL, *derived = NULL;
    uint32_t *der_start = NULL;
    derivation dv = { NULL, NULL };
    size_t n = 0, ranks = d->inv[0]->n + d->inv[1]->n;
    engine e[2];
    memset(e, 0, sizeof e);
    plan pl;
    memset(&pl, 0, sizeof pl);
    pl.d = d;
    pl.e = e;
    pl.dv = &dv;
    int rc = rank_tables(d, ranks, err);
    if (rc == CRISK_OK && collect_dirty(d, &list, &n) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int needed[2] = { 0, 0 };
    for (size_t i = 0; i < n; i++)
        for (int s = 0; s < 2; s++)
            needed[s] |= list[i].node[s] != DIFF_NONE;
    for (int s = 0; s < 2 && rc == CRISK_OK; s++)
        if (needed[s])
            rc = engine_init(d, s, &e[s], err);
    int derives = rc == CRISK_OK && e[0].ready && e[1].ready;
    if ((derives && derive(d, e, list, n, &dv) != 0)
        || (rc == CRISK_OK
            && split_dirty(&pl, list, n, derives ? &dv : NULL, &heads, &derived, &der_start) != 0))
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK && pl.n_heads > 0) {
        atomic_init(&pl.next, 0);
        atomic_init(&pl.stop, 0);
        pthread_mutex_init(&pl.lock, NULL);
        rc = run_workers(&pl, err);
        pthread_mutex_destroy(&pl.lock);
    }
    engine_release(&e[0]);
    engine_release(&e[1]);
    free(dv.head);
    free(dv.next_fn);
    free(list);
    free(heads);
    free(derived);
    free(der_start);
    for (int k = 0; k < 2 && rc == CRISK_OK; k++)
        rc = crisk__keyset_finish(&d->pairs[k], err);
    return rc;
}

/* ---- reading the pairs ------------------------------------------------------------------ */

/* Keys read ahead of the pair handed out.  A pair's rows are laid out
 * from two 1M-node inventories fetched from memory row by row (the node
 * by its rank, its match, its id and name), a chain of cache misses per
 * row; the cursor fetches them for the keys ahead a stage at a time
 * (see prefetch_pair).  Hints only. */
#define PAIRS_AHEAD 16

struct crisk_diff_cursor {
    const crisk_diff *d;
    crisk_diff_pairs_of which;
    crisk__keyreader *r;
    uint64_t ahead[PAIRS_AHEAD];    /* keys read, not yet handed out: a ring */
    size_t head, count;
    int end_rc;                     /* what the reader said after the last key read:
                                     * 1 more to read, 0 the end, < 0 an error */
    crisk_error end_err;
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
    c->end_rc = 1;
    int rc = crisk__keyreader_open(&c->r, &d->pairs[which], err);
    if (rc != CRISK_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return CRISK_OK;
}

/* The node's rank, and its side, of the pair of ring key number k (0: the
 * next handed out). */
static uint32_t ahead_node(const crisk_diff_cursor *c, size_t k, int *side)
{
    uint32_t removed, fr, pr;
    key_parts(c->d, c->which, c->ahead[(c->head + k) % PAIRS_AHEAD], &removed, &fr, &pr);
    *side = !removed;
    return pr;
}

/* A key entering the ring passes three stages on its way to the head,
 * each reading only what the one before fetched: at the tail its node by
 * rank; halfway its match and its id and name pointers; a quarter of the
 * way before the head its id's and name's bytes.  The function's side of
 * a pair changes rarely from row to row (keys are sorted by function), so
 * only the node's side is fetched. */
static void prefetch_stages(const crisk_diff_cursor *c)
{
    const crisk_diff *d = c->d;
    int s;
    if (c->count == PAIRS_AHEAD) {
        uint32_t pr = ahead_node(c, PAIRS_AHEAD - 1, &s);
        __builtin_prefetch(&d->by_rank[s][pr]);
    }
    if (c->count > PAIRS_AHEAD / 2) {
        uint32_t pr = ahead_node(c, PAIRS_AHEAD / 2, &s);
        uint32_t p = d->by_rank[s][pr];
        __builtin_prefetch(&d->match[s][p]);
        __builtin_prefetch(&d->inv[s]->id[p]);
        __builtin_prefetch(&d->inv[s]->name[p]);
    }
    if (c->count > PAIRS_AHEAD / 4) {
        uint32_t pr = ahead_node(c, PAIRS_AHEAD / 4, &s);
        uint32_t p = d->by_rank[s][pr];
        __builtin_prefetch(d->inv[s]->id[p]);
        __builtin_prefetch(d->inv[s]->name[p]);
    }
}

/* Keep the ring full while the reader has keys. */
static void read_ahead(crisk_diff_cursor *c)
{
    while (c->count < PAIRS_AHEAD && c->end_rc == 1) {
        uint64_t key;
        c->end_rc = crisk__keyreader_next(c->r, &key, &c->end_err);
        if (c->end_rc == 1)
            c->ahead[(c->head + c->count++) % PAIRS_AHEAD] = key;
    }
}

int crisk_diff_pairs_next(crisk_diff_cursor *c, crisk_pair_diff *pair, crisk_error *err)
{
    read_ahead(c);
    if (c->count == 0) {
        if (c->end_rc < 0)
            *err = c->end_err;
        return c->end_rc;
    }
    uint64_t key = c->ahead[c->head];
    c->head = (c->head + 1) % PAIRS_AHEAD;
    c->count--;
    read_ahead(c);
    prefetch_stages(c);
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
