/*
 * scenarios.c - scenario tests (chainrisk/scenario.h): every scenario of a
 * set through the batched engine, and a library generated from the
 * inventory.
 *
 * A scenario is a set of initially failed nodes with durations.  With one
 * duration H for all of them, every node it fails is down exactly H (the
 * max/min system of DESIGN §4 only ever picks among the given durations),
 * so the scenario is one bit of the bit-parallel sweep (propagate.h): its
 * initial nodes seeded, the `grp` masks read back.  With each node down
 * for its own recovery_hours, a node is down for at least t exactly when
 * the §4 cascade of {initial nodes down for at least t} fails it
 * (docs/metrics.md, "Outage durations"), so the scenario takes one bit per
 * distinct duration - a threshold - and a node's downtime is the largest
 * threshold whose bit fails it.  Unknown recoveries double the thresholds:
 * the lower bounds treat an unknown as the smallest positive time, the
 * upper bounds as +inf.  512 bits per sweep; a scenario that needs more
 * (over ~250 distinct recovery times) runs alone through the incremental
 * duration engine (downtime.c), which gives the same numbers.
 *
 * Sweeps are independent: threads take batches from a shared counter, each
 * with its own masks over the shared topology; a scenario's results are
 * written only by the thread that swept its batch, in position order, so
 * they do not depend on the thread count.  The functions down are
 * collected per thread and gathered per scenario at the end.
 *
 * Rejected: one crisk_downtime_run per scenario (O(V + E) each whatever
 * fails: minutes for 10 000 scenarios on a large inventory) and one bit per
 * scenario with durations read from the initial nodes (wrong as soon as a
 * redundancy group mixes two durations).
 */
#include "propagate.h"
#include "scenarios.h"
#include "util/quote.h"
#include "util/thread.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- thresholds ------------------------------------------------------------ */

#define ROLE_LO 1u
#define ROLE_HI 2u

/* One bit of a scenario: the initial nodes whose duration is at least
 * (value, epsilon); ROLE_LO bits give lower bounds, ROLE_HI upper bounds. */
typedef struct threshold {
    double value;          /* hours; INFINITY: an unknown taken as unbounded */
    uint8_t epsilon;       /* with value 0: an unknown taken as just above 0 */
    uint8_t role;
} threshold;

typedef struct plan {
    size_t first;          /* its thresholds: th[first .. first + n), LO ones first, */
    uint32_t n;            /*   each role in descending order */
    uint32_t onset;        /* the threshold holding every initial node */
    int alone;             /* too many bits: run through crisk_downtime_run */
} plan;

/* A node's duration in a scenario: known hours, or unknown. */
typedef struct key {
    double hours;
    int unknown;
} key;

static key key_of(const crisk_inventory *inv, const crisk_scenario *sc, int use_hours,
                  double hours, uint32_t v)
{
    double h = use_hours ? hours : !isnan(sc->hours) ? sc->hours : inv->recovery[v];
    return (key){ isnan(h) ? 0 : h, isnan(h) };
}

/* Does a node with key k belong to threshold t's bit? */
static int qualifies(key k, const threshold *t)
{
    if (t->role == (ROLE_LO | ROLE_HI))   /* every duration known */
        return k.hours >= t->value;
    if (t->role == ROLE_HI)
        return k.unknown || k.hours >= t->value;
    if (k.unknown)                        /* lower bounds: unknown = (0, epsilon) */
        return t->value == 0;
    return k.hours > t->value || (k.hours == t->value && !t->epsilon);
}

static int compare_double_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a > b ? -1 : a < b;
}

typedef struct plans {
    plan *p;               /* per scenario */
    threshold *th;
    size_t n_th, cap_th;
    double *scratch;       /* distinct durations of one scenario */
    size_t cap_scratch;
} plans;

static int push_threshold(plans *ps, double value, int epsilon, unsigned role)
{
    if (crisk__grow((void **)&ps->th, &ps->cap_th, ps->n_th + 1, sizeof *ps->th) != 0)
        return -1;
    ps->th[ps->n_th++] = (threshold){ value, (uint8_t)epsilon, (uint8_t)role };
    return 0;
}

/* The thresholds of scenario `sc`: its distinct known durations (desc), and
 * with unknowns the epsilon and infinity ones (docs/metrics.md). */
static int plan_scenario(plans *ps, plan *pl, const crisk_inventory *inv, const crisk_scenario *sc,
                         const crisk_scenario_options *opts)
{
    memset(pl, 0, sizeof *pl);
    pl->first = ps->n_th;
    if (sc->n_nodes == 0)
        return 0;
    if (crisk__grow((void **)&ps->scratch, &ps->cap_scratch, sc->n_nodes, sizeof *ps->scratch))
        return -1;
    size_t k = 0;
    int unknown = 0, zero = 0;
    for (size_t i = 0; i < sc->n_nodes; i++) {
        key kk = key_of(inv, sc, opts->use_hours, opts->hours, sc->nodes[i]);
        unknown |= kk.unknown;
        if (!kk.unknown) {
            ps->scratch[k++] = kk.hours;
            zero |= kk.hours == 0;
        }
    }
    crisk__sort(ps->scratch, k, sizeof *ps->scratch, compare_double_desc);
    size_t distinct = 0;
    for (size_t i = 0; i < k; i++)
        if (distinct == 0 || ps->scratch[distinct - 1] != ps->scratch[i])
            ps->scratch[distinct++] = ps->scratch[i];
    int rc = 0;
    if (!unknown) {
        for (size_t i = 0; i < distinct && rc == 0; i++)
            rc = push_threshold(ps, ps->scratch[i], 0, ROLE_LO | ROLE_HI);
    } else {
        for (size_t i = 0; i < distinct && rc == 0; i++)
            if (ps->scratch[i] > 0)
                rc = push_threshold(ps, ps->scratch[i], 0, ROLE_LO);
        rc |= push_threshold(ps, 0, 1, ROLE_LO);
        if (zero)
            rc |= push_threshold(ps, 0, 0, ROLE_LO);
        rc |= push_threshold(ps, INFINITY, 0, ROLE_HI);
        for (size_t i = 0; i < distinct && rc == 0; i++)
            rc = push_threshold(ps, ps->scratch[i], 0, ROLE_HI);
    }
    if (rc != 0)
        return -1;
    pl->n = (uint32_t)(ps->n_th - pl->first);
    for (uint32_t i = 0; i < pl->n; i++)   /* the last lower bound holds them all */
        if (ps->th[pl->first + i].role & ROLE_LO)
            pl->onset = i;
    pl->alone = pl->n > CRISK__SCENARIOS;
    return 0;
}

/* ---- the run ------------------------------------------------------------------ */

/* Functions down, each scenario's contiguous: one list per sweeping
 * thread, one for the scenarios run alone. */
#define NO_LIST UINT32_MAX
typedef struct down_list {
    crisk_scenario_function *fn;
    size_t n, cap;
} down_list;

struct crisk_scenario_run {
    const crisk_inventory *inv;
    const crisk__topo *topo;           /* borrowed (crisk__scenarios_run_on), or NULL */
    const crisk_scenario_set *set;
    crisk_scenario_result *results;    /* sorted at the end */
    crisk_scenario_result *acc;        /* by scenario: what the sweeps count into */
    int keep;                          /* this pass keeps the functions down */
    down_list *lists;
    size_t n_lists;
    uint32_t *list_of;                 /* per scenario: the list holding its functions */
    size_t *first;                     /*   and where they start in it */
    uint32_t *rank;                    /* function -> place by criticality desc, id asc */
    uint32_t *ranked;                  /* the functions in that order */
    uint32_t *columns;                 /* every function, id order */
    size_t n_columns;
    double total;
    size_t breaching, unknown;
};

typedef struct batch {
    size_t first, count;   /* scenarios order[first .. first + count) */
} batch;

typedef struct run_plan {
    crisk_scenario_run *r;
    const crisk_scenario_options *opts;
    const plans *ps;
    const uint32_t *order;             /* the scenarios swept, in batch order */
    const batch *batches;
    size_t n_batches, n_swept;
    atomic_size_t next, done;
    atomic_int stop;
} run_plan;

typedef struct worker {
    run_plan *plan;
    uint32_t id;                       /* its list in the run */
    crisk__prop p;
    /* per bit of the batch being read: its scenario, that scenario's first
     * bit and its place in the batch */
    uint32_t bit_scenario[CRISK__SCENARIOS];
    uint32_t bit_first[CRISK__SCENARIOS];
    uint16_t bit_local[CRISK__SCENARIOS];
    crisk__mask onset;
    size_t base;                       /* where this batch's functions start in the list */
    uint16_t *local;                   /* per function found in this batch: its scenario's place */
    size_t cap_local;
    crisk_scenario_function *scratch;  /* for grouping the batch's functions */
    size_t cap_scratch;
    crisk_scenario_function *by_rank;  /* for ordering them: one slot per function rank */
    uint64_t *at_rank;                 /*   and which slots are taken */
    int reports, failed;
} worker;

static int seed_batch(worker *w, const batch *b)
{
    const run_plan *rp = w->plan;
    const crisk_inventory *inv = rp->r->inv;
    size_t bit = 0;
    memset(&w->onset, 0, sizeof w->onset);
    for (size_t i = 0; i < b->count; i++) {
        uint32_t s = rp->order[b->first + i];
        const plan *pl = &rp->ps->p[s];
        crisk_scenario sc;
        crisk_scenario_set_get(rp->r->set, s, &sc);
        for (uint32_t t = 0; t < pl->n; t++) {
            w->bit_scenario[bit + t] = s;
            w->bit_first[bit + t] = (uint32_t)bit;
            w->bit_local[bit + t] = (uint16_t)i;
        }
        size_t on = bit + pl->onset;
        w->onset.w[on >> 6] |= 1ull << (on & 63);
        for (size_t j = 0; j < sc.n_nodes; j++) {
            key k = key_of(inv, &sc, rp->opts->use_hours, rp->opts->hours, sc.nodes[j]);
            crisk__mask m;
            memset(&m, 0, sizeof m);
            for (uint32_t t = 0; t < pl->n; t++)
                if (qualifies(k, &rp->ps->th[pl->first + t]))
                    m.w[(bit + t) >> 6] |= 1ull << ((bit + t) & 63);
            if (crisk__prop_seed(&w->p, sc.nodes[j], &m) != 0)
                return -1;
        }
        bit += pl->n;
    }
    return 0;
}

static int bit_of(const crisk__mask *m, size_t bit)
{
    return (int)((m->w[bit >> 6] >> (bit & 63)) & 1);
}

/* The downtime of a node whose mask is `m` in the scenario starting at
 * `first` (bits in its threshold order: the first set one of each role). */
static crisk_duration downtime_in(const crisk__mask *m, const threshold *th, const plan *pl,
                                  size_t first)
{
    crisk_duration d = { 0, 0, 0 };
    int lo = 0, hi = 0;
    for (uint32_t t = 0; t < pl->n && !(lo && hi); t++) {
        if (!bit_of(m, first + t))
            continue;
        const threshold *x = &th[pl->first + t];
        if ((x->role & ROLE_LO) && !lo) {
            d.lo = x->value;
            d.lo_open = x->epsilon;
            lo = 1;
        }
        if ((x->role & ROLE_HI) && !hi) {
            d.hi = x->value;
            hi = 1;
        }
    }
    return d;
}

/* Count function f, down for d in scenario s; append it to `list` when
 * this pass keeps the functions down. */
static int record_function(crisk_scenario_run *r, down_list *list, uint32_t s, uint32_t f,
                           crisk_duration d)
{
    const crisk_inventory *inv = r->inv;
    crisk_scenario_result *res = &r->acc[s];
    crisk_tolerance t = crisk_tolerance_judge(&d, inv->rto[f]);
    if (r->keep) {
        if (crisk__grow((void **)&list->fn, &list->cap, list->n + 1, sizeof *list->fn) != 0)
            return -1;
        list->fn[list->n++] = (crisk_scenario_function){ .function = f, .downtime = d,
                                                         .tolerance = t };
    }
    res->functions_down++;
    res->criticality_lost += inv->criticality[f];
    if (t == CRISK_TOLERANCE_BREACHED) {
        res->breached++;
        if (isnan(res->earliest_breach) || inv->rto[f] < res->earliest_breach)
            res->earliest_breach = inv->rto[f];
    } else if (t == CRISK_TOLERANCE_UNKNOWN) {
        res->unknown++;
    }
    return 0;
}

/* Read the swept batch: failed nodes per scenario, the functions down
 * (appended to the worker's list, each tagged with its scenario's place). */
static int read_batch(worker *w)
{
    const run_plan *rp = w->plan;
    crisk_scenario_run *r = rp->r;
    down_list *list = &r->lists[w->id];
    const crisk__prop *p = &w->p;
    size_t words = (p->t->n + 63) / 64;
    for (size_t lw = 0; lw < words; lw++)
        for (uint64_t bits = p->live[lw]; bits != 0; bits &= bits - 1) {
            uint32_t q = (uint32_t)(lw * 64 + (size_t)__builtin_ctzll(bits));
            uint32_t v = p->t->order[q];
            const crisk__mask *m = &p->st[q].grp;
            for (int k = 0; k < CRISK__W; k++)
                for (uint64_t on = m->w[k] & w->onset.w[k]; on != 0; on &= on - 1) {
                    size_t bit = (size_t)k * 64 + (size_t)__builtin_ctzll(on);
                    uint32_t s = w->bit_scenario[bit];
                    r->acc[s].failed_nodes++;
                    if (r->inv->type[v] != CRISK_NODE_FUNCTION)
                        continue;
                    if (r->keep) {
                        if (crisk__grow((void **)&w->local, &w->cap_local, list->n - w->base + 1,
                                        sizeof *w->local) != 0)
                            return -1;
                        w->local[list->n - w->base] = w->bit_local[bit];
                    }
                    crisk_duration d = downtime_in(m, rp->ps->th, &rp->ps->p[s], w->bit_first[bit]);
                    if (record_function(r, list, s, v, d) != 0)
                        return -1;
                }
        }
    return 0;
}

/* Functions down are sorted many times over (every scenario's list): by
 * their place in one order of all functions (ctx: the ranks), computed
 * once. */
static int compare_function(const void *pa, const void *pb, void *ctx)
{
    const crisk_scenario_function *a = pa, *b = pb;
    const uint32_t *rank = ctx;
    uint32_t ra = rank[a->function], rb = rank[b->function];
    return ra < rb ? -1 : ra > rb;
}

/* Sort one scenario's functions by rank.  When many functions are down,
 * placing each at its rank and reading the ranks in order (O(functions))
 * beats a comparison sort: a scenario that takes down most of 2 000
 * functions would otherwise cost 20 000 comparisons. */
static int order_by_rank(worker *w, crisk_scenario_function *fn, size_t n)
{
    const uint32_t *rank = w->plan->r->rank;
    size_t functions = w->plan->r->n_columns;
    if (n < 64 || n < functions / 16)
        return crisk__sort_r(fn, n, sizeof *fn, compare_function, (void *)rank);
    if (w->by_rank == NULL) {
        w->by_rank = malloc((functions + 1) * sizeof *w->by_rank);
        w->at_rank = calloc(functions / 64 + 1, sizeof *w->at_rank);
        if (w->by_rank == NULL || w->at_rank == NULL)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t k = rank[fn[i].function];
        w->by_rank[k] = fn[i];
        w->at_rank[k >> 6] |= 1ull << (k & 63);
    }
    size_t out = 0;
    for (size_t word = 0; word <= functions / 64; word++) {
        for (uint64_t bits = w->at_rank[word]; bits != 0; bits &= bits - 1)
            fn[out++] = w->by_rank[word * 64 + (size_t)__builtin_ctzll(bits)];
        w->at_rank[word] = 0;
    }
    return 0;
}

/* Make the functions of the batch's scenarios contiguous, scenario by
 * scenario (a counting sort on their place in the batch), each run sorted
 * by criticality desc, id asc; record where each scenario's start. */
static int group_batch(worker *w, const batch *b)
{
    crisk_scenario_run *r = w->plan->r;
    down_list *list = &r->lists[w->id];
    size_t base = w->base, n = list->n - base, start[CRISK__SCENARIOS + 1] = { 0 };
    if (!r->keep)
        return 0;
    if (crisk__grow((void **)&w->scratch, &w->cap_scratch, n + 1, sizeof *w->scratch) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        start[w->local[i] + 1]++;
    for (size_t i = 0; i < b->count; i++)
        start[i + 1] += start[i];
    for (size_t i = 0; i < b->count; i++) {
        uint32_t s = w->plan->order[b->first + i];
        r->list_of[s] = w->id;
        r->first[s] = base + start[i];
    }
    for (size_t i = 0; i < n; i++)
        w->scratch[start[w->local[i]]++] = list->fn[base + i];
    if (n > 0)   /* list->fn is still NULL when no function has gone down */
        memcpy(list->fn + base, w->scratch, n * sizeof *w->scratch);
    for (size_t i = 0; i < b->count && n > 0; i++) {
        uint32_t s = w->plan->order[b->first + i];
        if (order_by_rank(w, list->fn + r->first[s], r->acc[s].functions_down) != 0)
            return -1;
    }
    return 0;
}

static void *sweep(void *arg)
{
    worker *w = arg;
    run_plan *rp = w->plan;
    while (!atomic_load(&rp->stop)) {
        size_t i = atomic_fetch_add(&rp->next, 1);
        if (i >= rp->n_batches)
            break;
        w->base = rp->r->lists[w->id].n;
        crisk__prop_clear(&w->p);
        if (seed_batch(w, &rp->batches[i]) != 0) {
            w->failed = 1;
            atomic_store(&rp->stop, 1);
            break;
        }
        crisk__prop_run(&w->p);
        if (read_batch(w) != 0 || group_batch(w, &rp->batches[i]) != 0) {
            w->failed = 1;
            atomic_store(&rp->stop, 1);
            break;
        }
        size_t done = atomic_fetch_add(&rp->done, rp->batches[i].count) + rp->batches[i].count;
        if (w->reports && rp->opts->progress)
            rp->opts->progress(rp->opts->progress_ctx, "scenarios", done, rp->n_swept);
    }
    return NULL;
}

/* ---- scenarios that need more bits than a sweep has ------------------------- */

static int run_alone(crisk_scenario_run *r, uint32_t s, const crisk_scenario_options *opts,
                     crisk_error *err)
{
    const crisk_inventory *inv = r->inv;
    down_list *list = &r->lists[r->n_lists - 1];
    crisk_scenario sc;
    crisk_scenario_set_get(r->set, s, &sc);
    crisk_outage *out = malloc((sc.n_nodes + 1) * sizeof *out);
    if (out == NULL)
        return oom(err);
    for (size_t i = 0; i < sc.n_nodes; i++) {
        key k = key_of(inv, &sc, opts->use_hours, opts->hours, sc.nodes[i]);
        out[i] = (crisk_outage){ sc.nodes[i], k.unknown ? NAN : k.hours };
    }
    crisk_downtime *d = NULL;
    int rc = crisk_downtime_run(&d, inv, out, sc.n_nodes, err);
    free(out);
    if (r->keep) {
        r->list_of[s] = (uint32_t)(r->n_lists - 1);
        r->first[s] = list->n;
    }
    for (size_t v = 0; rc == CRISK_OK && v < inv->n; v++) {
        if (!crisk_downtime_is_failed(d, v))
            continue;
        r->acc[s].failed_nodes++;
        if (inv->type[v] == CRISK_NODE_FUNCTION
            && record_function(r, list, s, (uint32_t)v, crisk_downtime_of(d, v)) != 0)
            rc = oom(err);
    }
    if (rc == CRISK_OK && r->keep
        && crisk__sort_r(list->fn + r->first[s], r->acc[s].functions_down, sizeof *list->fn,
                         compare_function, r->rank) != 0)
        rc = oom(err);
    crisk_downtime_free(d);
    return rc;
}

/* ---- orders ------------------------------------------------------------------------ */

/* Functions (ctx: the inventory) by criticality desc, id asc. */
static int compare_importance(const void *pa, const void *pb, void *ctx)
{
    const crisk_inventory *inv = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    double ca = inv->criticality[a], cb = inv->criticality[b];
    if (ca != cb)
        return ca > cb ? -1 : 1;
    return strcmp(inv->id[a], inv->id[b]);
}

static int compare_id(const void *pa, const void *pb, void *ctx)
{
    const crisk_inventory *inv = ctx;
    return strcmp(inv->id[*(const uint32_t *)pa], inv->id[*(const uint32_t *)pb]);
}

/* The functions in id order (the matrix columns) and each function's place
 * by criticality desc, id asc (the order of a scenario's functions down). */
static int order_functions(crisk_scenario_run *r)
{
    const crisk_inventory *inv = r->inv;
    uint32_t *order = r->ranked = malloc((inv->n + 1) * sizeof *order);
    r->rank = calloc(inv->n + 1, sizeof *r->rank);
    r->columns = malloc((inv->n + 1) * sizeof *r->columns);
    if (order == NULL || r->rank == NULL || r->columns == NULL)
        return -1;
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            r->columns[r->n_columns++] = (uint32_t)v;
    memcpy(order, r->columns, r->n_columns * sizeof *order);
    int rc = crisk__sort_r(order, r->n_columns, sizeof *order, compare_importance, (void *)inv);
    for (size_t i = 0; rc == 0 && i < r->n_columns; i++)
        r->rank[order[i]] = (uint32_t)i;
    if (rc == 0)
        rc = crisk__sort_r(r->columns, r->n_columns, sizeof *r->columns, compare_id, (void *)inv);
    return rc;
}

/* Results (ctx: the set) by criticality lost desc, breached desc, id. */
static int compare_result(const void *pa, const void *pb, void *ctx)
{
    const crisk_scenario_set *set = ctx;
    const crisk_scenario_result *a = pa, *b = pb;
    if (a->criticality_lost != b->criticality_lost)
        return a->criticality_lost > b->criticality_lost ? -1 : 1;
    if (a->breached != b->breached)
        return a->breached > b->breached ? -1 : 1;
    crisk_scenario x, y;
    crisk_scenario_set_get(set, a->scenario, &x);
    crisk_scenario_set_get(set, b->scenario, &y);
    return strcmp(x.id, y.id);
}

/* The functions down of scenario s, or NULL when no pass kept them (or
 * when its list is still unallocated: no function of that list went down,
 * so this scenario has none either). */
static const crisk_scenario_function *functions_of(const crisk_scenario_run *r, size_t s)
{
    if (r->list_of[s] == NO_LIST || r->lists[r->list_of[s]].fn == NULL)
        return NULL;
    return r->lists[r->list_of[s]].fn + r->first[s];
}

static int finish(crisk_scenario_run *r)
{
    size_t n = crisk_scenario_set_count(r->set);
    for (size_t s = 0; s < n; s++) {
        crisk_scenario_result *res = &r->results[s];
        res->functions = functions_of(r, s);
        res->lost_share = r->total > 0 ? res->criticality_lost / r->total : NAN;
        res->verdict = res->breached ? CRISK_TOLERANCE_BREACHED
                     : res->unknown ? CRISK_TOLERANCE_UNKNOWN : CRISK_TOLERANCE_WITHIN;
        r->breaching += res->breached > 0;
        r->unknown += res->breached == 0 && res->unknown > 0;
    }
    return crisk__sort_r(r->results, n, sizeof *r->results, compare_result, (void *)r->set);
}

/* ---- driving the sweeps ------------------------------------------------------------ */

/* Pack the scenarios of `subset` (n of them) that fit a sweep into
 * batches of at most CRISK__SCENARIOS bits, in that order. */
static int make_batches(const uint32_t *subset, size_t n, const plans *ps, uint32_t **order,
                        size_t *n_swept, batch **batches, size_t *n_batches)
{
    size_t k = 0, nb = 0, bits = 0;
    *order = malloc((n + 1) * sizeof **order);
    *batches = malloc((n + 1) * sizeof **batches);
    if (*order == NULL || *batches == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const plan *pl = &ps->p[subset[i]];
        if (pl->alone || pl->n == 0)
            continue;
        if (nb == 0 || bits + pl->n > CRISK__SCENARIOS) {
            (*batches)[nb++] = (batch){ k, 0 };
            bits = 0;
        }
        (*order)[k++] = subset[i];
        (*batches)[nb - 1].count++;
        bits += pl->n;
    }
    *n_swept = k;
    *n_batches = nb;
    return 0;
}

/* Start the workers (the first on this thread) and wait for them. */
static int start_workers(worker *w, size_t k, run_plan *rp, const crisk__topo *topo,
                         crisk_error *err)
{
    int rc = CRISK_OK;
    for (size_t i = 0; rc == CRISK_OK && i < k; i++) {
        w[i].plan = rp;
        w[i].id = (uint32_t)i;
        w[i].reports = i == 0;
        rc = crisk__prop_init_shared(&w[i].p, topo, err);
        w[i].p.want_all = 0;   /* only the §4 masks matter here */
    }
    if (rc == CRISK_OK)
        crisk__run_workers(sweep, w, sizeof *w, k);
    for (size_t i = 0; i < k; i++) {
        if (rc == CRISK_OK && w[i].failed)
            rc = oom(err);
        if (w[i].p.st != NULL)
            crisk__prop_release(&w[i].p);
        free(w[i].local);
        free(w[i].scratch);
        free(w[i].by_rank);
        free(w[i].at_rank);
    }
    return rc;
}

/* One pass over the scenarios of `subset`: the sweeps, then those that
 * run alone.  Counts go to r->acc; with r->keep the functions down go to
 * the lists (any from an earlier pass are dropped). */
static int run_pass(crisk_scenario_run *r, const plans *ps, const uint32_t *subset, size_t n,
                    const crisk_scenario_options *opts, crisk_error *err)
{
    uint32_t *order = NULL;
    batch *batches = NULL;
    size_t n_swept = 0, n_batches = 0;
    crisk__topo topo;
    memset(&topo, 0, sizeof topo);
    const crisk__topo *t = r->topo != NULL ? r->topo : &topo;
    int rc = make_batches(subset, n, ps, &order, &n_swept, &batches, &n_batches) == 0 ? CRISK_OK
                                                                                      : oom(err);
    size_t k = n_batches == 0 ? 0
             : crisk__worker_count(opts->threads, CRISK_ANALYSIS_MAX_THREADS, n_batches);
    worker *w = calloc(k + 1, sizeof *w);
    for (size_t i = 0; r->lists != NULL && i < r->n_lists; i++)
        free(r->lists[i].fn);
    free(r->lists);
    r->lists = calloc(k + 1, sizeof *r->lists);   /* the last for the scenarios run alone */
    r->n_lists = k + 1;
    if (rc == CRISK_OK && (w == NULL || r->lists == NULL))
        rc = oom(err);
    if (rc == CRISK_OK && k > 0 && r->topo == NULL)
        rc = crisk__topo_init(&topo, r->inv, err);
    run_plan rp = { .r = r, .opts = opts, .ps = ps, .order = order, .batches = batches,
                    .n_batches = n_batches, .n_swept = n_swept };
    atomic_init(&rp.next, 0);
    atomic_init(&rp.done, 0);
    atomic_init(&rp.stop, 0);
    if (rc == CRISK_OK && k > 0)
        rc = start_workers(w, k, &rp, t, err);
    for (size_t i = 0; i < n && rc == CRISK_OK; i++)
        if (ps->p[subset[i]].alone)
            rc = run_alone(r, subset[i], opts, err);
    free(w);
    free(order);
    free(batches);
    if (topo.pos != NULL)
        crisk__topo_release(&topo);
    return rc;
}

/* Every scenario once, counting; then, when only the first keep_functions
 * results keep their functions down, those scenarios again, keeping them
 * (memory then grows with what is shown, not with the whole library). */
static int run_passes(crisk_scenario_run *r, const plans *ps, const crisk_scenario_options *opts,
                      crisk_error *err)
{
    size_t n = crisk_scenario_set_count(r->set);
    uint32_t *subset = malloc((n + 1) * sizeof *subset);
    if (subset == NULL)
        return oom(err);
    for (size_t s = 0; s < n; s++) {
        subset[s] = (uint32_t)s;
        r->list_of[s] = NO_LIST;
    }
    r->keep = opts->keep_functions >= n;
    r->acc = r->results;
    int rc = run_pass(r, ps, subset, n, opts, err);
    if (rc == CRISK_OK && finish(r) != 0)
        rc = oom(err);
    size_t kept = r->keep ? 0 : opts->keep_functions;
    if (rc == CRISK_OK && kept > 0) {
        r->keep = 1;
        r->acc = calloc(n + 1, sizeof *r->acc);   /* the counts again: not needed twice */
        for (size_t i = 0; i < kept; i++)
            subset[i] = (uint32_t)r->results[i].scenario;
        rc = r->acc == NULL ? oom(err) : run_pass(r, ps, subset, kept, opts, err);
        for (size_t i = 0; i < kept && rc == CRISK_OK; i++)
            r->results[i].functions = functions_of(r, r->results[i].scenario);
        free(r->acc);
    }
    r->acc = NULL;
    free(subset);
    return rc;
}

static int run_all(crisk_scenario_run *r, const crisk_scenario_options *opts, crisk_error *err)
{
    size_t n = crisk_scenario_set_count(r->set);
    plans ps;
    memset(&ps, 0, sizeof ps);
    ps.p = calloc(n + 1, sizeof *ps.p);
    r->list_of = calloc(n + 1, sizeof *r->list_of);
    r->first = calloc(n + 1, sizeof *r->first);
    if (ps.p == NULL || r->list_of == NULL || r->first == NULL || order_functions(r) != 0) {
        free(ps.p);
        return oom(err);
    }
    int rc = CRISK_OK;
    for (size_t s = 0; s < n && rc == CRISK_OK; s++) {
        crisk_scenario sc;
        crisk_scenario_set_get(r->set, s, &sc);
        r->results[s] = (crisk_scenario_result){ .scenario = s, .earliest_breach = NAN,
                                                 .hours = opts->use_hours ? opts->hours : sc.hours };
        if (plan_scenario(&ps, &ps.p[s], r->inv, &sc, opts) != 0)
            rc = oom(err);
    }
    if (rc == CRISK_OK)
        rc = run_passes(r, &ps, opts, err);
    free(ps.p);
    free(ps.th);
    free(ps.scratch);
    return rc;
}

int crisk_scenarios_run(crisk_scenario_run **out, const crisk_inventory *inv,
                        const crisk_scenario_set *set, const crisk_scenario_options *opts,
                        crisk_error *err)
{
    return crisk__scenarios_run_on(out, inv, NULL, set, opts, err);
}

int crisk__scenarios_run_on(crisk_scenario_run **out, const crisk_inventory *inv,
                            const crisk__topo *topo, const crisk_scenario_set *set,
                            const crisk_scenario_options *opts, crisk_error *err)
{
    static const crisk_scenario_options defaults = CRISK_SCENARIO_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    *out = NULL;
    if (opts->use_hours && (!(opts->hours >= 0) || isinf(opts->hours)))
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "invalid outage duration %g h (expected a finite number >= 0)",
                               opts->hours);
    crisk_scenario_run *r = calloc(1, sizeof *r);
    if (r == NULL)
        return oom(err);
    r->inv = inv;
    r->topo = topo != NULL && topo->inv == inv ? topo : NULL;
    r->set = set;
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            r->total += inv->criticality[v];
    r->results = calloc(crisk_scenario_set_count(set) + 1, sizeof *r->results);
    int rc = r->results == NULL ? oom(err) : run_all(r, opts, err);
    if (rc != CRISK_OK) {
        crisk_scenario_run_free(r);
        return rc;
    }
    *out = r;
    return CRISK_OK;
}

void crisk_scenario_run_free(crisk_scenario_run *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->lists != NULL && i < r->n_lists; i++)
        free(r->lists[i].fn);
    free(r->lists);
    free(r->results);
    free(r->list_of);
    free(r->first);
    free(r->rank);
    free(r->ranked);
    free(r->columns);
    free(r);
}

const crisk_scenario_set *crisk_scenario_run_set(const crisk_scenario_run *r) { return r->set; }
const crisk_inventory *crisk_scenario_run_inventory(const crisk_scenario_run *r) { return r->inv; }
double crisk_scenario_run_total_criticality(const crisk_scenario_run *r) { return r->total; }
size_t crisk_scenario_run_breaching(const crisk_scenario_run *r) { return r->breaching; }
size_t crisk_scenario_run_unknown(const crisk_scenario_run *r) { return r->unknown; }

const crisk_scenario_result *crisk_scenario_run_results(const crisk_scenario_run *r, size_t *count)
{
    *count = crisk_scenario_set_count(r->set);
    return r->results;
}

const uint32_t *crisk_scenario_run_functions(const crisk_scenario_run *r, size_t *count)
{
    *count = r->n_columns;
    return r->columns;
}

const uint32_t *crisk_scenario_run_functions_ranked(const crisk_scenario_run *r, size_t *count)
{
    *count = r->n_columns;
    return r->ranked;
}
