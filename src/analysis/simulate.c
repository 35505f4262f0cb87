/*
 * simulate.c - Monte Carlo over node probability (DESIGN §5, `chainrisk
 * simulate`).
 *
 * A run draws every node's initial failure on its own (Bernoulli of its
 * `probability`) and propagates with the §4 semantics.  Runs go through the
 * bit-parallel engine of propagate.h 256 at a time: run r of a sweep is
 * scenario bit r, and a node is seeded with the mask of the runs in which
 * it fails initially.  After the sweep each function's `grp` mask says in
 * which runs it failed; its criticality is added to those runs' losses.
 *
 * Randomness is ours, not rand(): xoshiro256** (Blackman & Vigna) seeded
 * from the user's seed through splitmix64.  Every block of 64 runs has its
 * own stream, the base generator advanced by xoshiro's jump (2^128 steps)
 * once per block, and within a block the nodes draw in index order.  So a
 * run's outcome depends only on the seed, the inventory and the run number -
 * not on the sweep width, nor on how many runs were asked for.
 *
 * A Bernoulli(p) draw for 64 runs at once compares 64 uniform 64-bit
 * integers with t = p * 2^64 (exact for a double p < 1), most significant
 * bit first, one random word per bit position: a lane whose bits so far
 * equal t's is still undecided; at the first position where they differ it
 * is below t (failed) if t has the 1.  Half the undecided lanes settle at
 * each position, so about 8 words serve 64 runs, with integer arithmetic
 * only (libm's log() may differ across machines, which rules out the usual
 * geometric-skip sampler).  Rejected: one 64-bit draw per node per run - 8
 * times the random numbers for the same exact result.
 */
#include "propagate.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct crisk_simulation {
    const crisk_inventory *inv;
    uint64_t runs, seed;
    size_t without_probability;       /* nodes that never fail on their own */
    crisk_function_risk *functions;   /* sorted by probability desc, id */
    size_t n_functions;
    crisk_loss_summary loss;
};

/* ---- the runs -------------------------------------------------------------- */

typedef struct sim_state {
    const crisk_inventory *inv;
    crisk__prop prop;
    uint64_t *t;            /* per node: threshold; 0 = never fails initially */
    uint8_t *always;        /* per node: probability 1 */
    uint32_t *drawn;        /* nodes with t != 0 or always, in index order */
    size_t n_drawn;
    uint32_t *fn;           /* functions in index order */
    size_t n_fn;
    uint64_t *failures;     /* per function (same order as fn) */
    double *loss;           /* per run */
    uint64_t any;           /* runs with at least one failed function */
} sim_state;

static int state_init(sim_state *st, const crisk_inventory *inv, uint64_t runs, crisk_error *err)
{
    memset(st, 0, sizeof *st);
    st->inv = inv;
    size_t n = inv->n;
    st->t = malloc((n + 1) * sizeof *st->t);
    st->always = malloc(n + 1);
    st->drawn = malloc((n + 1) * sizeof *st->drawn);
    st->fn = malloc((n + 1) * sizeof *st->fn);
    st->failures = calloc(n + 1, sizeof *st->failures);
    st->loss = calloc((size_t)runs, sizeof *st->loss);
    if (!st->t || !st->always || !st->drawn || !st->fn || !st->failures || !st->loss)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t v = 0; v < n; v++) {
        int always = 0;
        st->t[v] = threshold(inv->probability[v], &always);
        st->always[v] = (uint8_t)always;
        if (st->t[v] != 0 || always)
            st->drawn[st->n_drawn++] = (uint32_t)v;
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            st->fn[st->n_fn++] = (uint32_t)v;
    }
    int rc = crisk__prop_init(&st->prop, inv, err);
    st->prop.want_all = 0;   /* only the §4 masks: no one asks for ancestors here */
    return rc;
}

static void state_release(sim_state *st)
{
    if (st->prop.inv != NULL)
        crisk__prop_release(&st->prop);
    free(st->t);
    free(st->always);
    free(st->drawn);
    free(st->fn);
    free(st->failures);
    free(st->loss);
}

/* Seed the initial failures of one sweep: block w of the sweep draws from
 * gen[w]; lanes past `valid` are drawn (to keep the streams independent of
 * the run count) but not seeded.  Returns -1 when out of memory. */
static int seed_sweep(sim_state *st, rng *gen, const crisk__mask *valid)
{
    for (size_t i = 0; i < st->n_drawn; i++) {
        uint32_t v = st->drawn[i];
        crisk__mask m;
        uint64_t any = 0;
        for (int w = 0; w < CRISK__W; w++) {
            uint64_t bits = st->always[v] ? ~0ull : bernoulli64(&gen[w], st->t[v]);
            m.w[w] = bits & valid->w[w];
            any |= m.w[w];
        }
        if (any != 0 && crisk__prop_seed(&st->prop, v, &m) != 0)
            return -1;
    }
    return 0;
}

/* Count each function's failures and add its criticality to the loss of
 * every run it failed in (functions in index order, so each run's sum is
 * formed in the same order on every machine). */
static void collect_sweep(sim_state *st, const crisk__mask *valid, uint64_t first)
{
    crisk__mask any = { { 0 } };
    for (size_t i = 0; i < st->n_fn; i++) {
        uint32_t f = st->fn[i];
        double c = st->inv->criticality[f];
        for (int w = 0; w < CRISK__W; w++) {
            uint64_t bits = crisk__prop_grp(&st->prop, f)->w[w] & valid->w[w];
            any.w[w] |= bits;
            st->failures[i] += (uint64_t)__builtin_popcountll(bits);
            for (; bits != 0; bits &= bits - 1)
                st->loss[first + 64 * (uint64_t)w + (uint64_t)__builtin_ctzll(bits)] += c;
        }
    }
    for (int w = 0; w < CRISK__W; w++)
        st->any += (uint64_t)__builtin_popcountll(any.w[w]);
}

static int run_all(sim_state *st, const crisk_simulate_options *o)
{
    rng base;
    rng_seed(&base, o->seed);
    for (uint64_t first = 0; first < o->runs; first += CRISK__SCENARIOS) {
        uint64_t left = o->runs - first;
        crisk__mask valid;
        crisk__mask_first(&valid, left < CRISK__SCENARIOS ? (size_t)left : CRISK__SCENARIOS);
        rng gen[CRISK__W];
        for (int w = 0; w < CRISK__W; w++) {
            gen[w] = base;
            rng_jump(&base);
        }
        crisk__prop_clear(&st->prop);
        if (seed_sweep(st, gen, &valid) != 0)
            return -1;
        crisk__prop_run(&st->prop);
        collect_sweep(st, &valid, first);
        if (o->progress != NULL) {
            uint64_t done = first + CRISK__SCENARIOS < o->runs ? first + CRISK__SCENARIOS : o->runs;
            o->progress(o->progress_ctx, "simulating", done, o->runs);
        }
    }
    return 0;
}

/* ---- summaries -------------------------------------------------------------- */

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Nearest rank: the ceil(pct/100 * runs)-th smallest loss (integer maths). */
static double percentile(const double *sorted, uint64_t runs, unsigned pct)
{
    uint64_t rank = (runs / 100) * pct + ((runs % 100) * pct + 99) / 100;
    return sorted[rank > 0 ? rank - 1 : 0];
}

static void summarise_loss(crisk_loss_summary *out, sim_state *st, uint64_t runs)
{
    double total = 0, sum = 0, squares = 0;
    for (size_t i = 0; i < st->n_fn; i++)
        total += st->inv->criticality[st->fn[i]];
    for (uint64_t r = 0; r < runs; r++)
        sum += st->loss[r];
    double mean = sum / (double)runs;
    for (uint64_t r = 0; r < runs; r++)
        squares += (st->loss[r] - mean) * (st->loss[r] - mean);
    crisk__sort(st->loss, (size_t)runs, sizeof *st->loss, compare_double);
    out->total_criticality = total;
    out->mean = mean;
    out->mean_std_error = runs > 1 ? sqrt(squares / (double)(runs - 1) / (double)runs) : 0;
    out->p50 = percentile(st->loss, runs, 50);
    out->p90 = percentile(st->loss, runs, 90);
    out->p95 = percentile(st->loss, runs, 95);
    out->p99 = percentile(st->loss, runs, 99);
    out->max = st->loss[runs - 1];
    out->runs_with_failure = st->any;
}

typedef struct risk_key {
    const char *id;
    crisk_function_risk risk;
} risk_key;

static int compare_risk(const void *pa, const void *pb)
{
    const risk_key *a = pa, *b = pb;
    if (a->risk.failures != b->risk.failures)
        return a->risk.failures > b->risk.failures ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int summarise_functions(crisk_simulation *s, const sim_state *st, crisk_error *err)
{
    size_t n_fn = st->n_fn;
    risk_key *keys = malloc((n_fn ? n_fn : 1) * sizeof *keys);
    s->functions = malloc((n_fn ? n_fn : 1) * sizeof *s->functions);
    if (keys == NULL || s->functions == NULL) {
        free(keys);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    double runs = (double)s->runs;
    for (size_t i = 0; i < n_fn; i++) {
        double p = (double)st->failures[i] / runs;
        keys[i].id = s->inv->id[st->fn[i]];
        keys[i].risk = (crisk_function_risk){ st->fn[i], st->failures[i], p,
                                              sqrt(p * (1 - p) / runs) };
    }
    crisk__sort(keys, n_fn, sizeof *keys, compare_risk);
    for (size_t i = 0; i < n_fn; i++)
        s->functions[i] = keys[i].risk;
    s->n_functions = n_fn;
    free(keys);
    return CRISK_OK;
}

/* ---- public API ------------------------------------------------------------- */

int crisk_simulate_run(crisk_simulation **out, const crisk_inventory *inv,
                       const crisk_simulate_options *opts, crisk_error *err)
{
    static const crisk_simulate_options defaults = CRISK_SIMULATE_OPTIONS_INIT;
    const crisk_simulate_options *o = opts != NULL ? opts : &defaults;
    *out = NULL;
    if (o->runs == 0 || o->runs > CRISK_SIMULATE_MAX_RUNS)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "runs must be between 1 and %llu, not %llu",
                               (unsigned long long)CRISK_SIMULATE_MAX_RUNS,
                               (unsigned long long)o->runs);
    crisk_simulation *s = calloc(1, sizeof *s);
    if (s == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    s->inv = inv;
    s->runs = o->runs;
    s->seed = o->seed;
    for (size_t v = 0; v < inv->n; v++)
        s->without_probability += isnan(inv->probability[v]) != 0;
    sim_state st;
    int rc = state_init(&st, inv, o->runs, err);
    if (rc == CRISK_OK && run_all(&st, o) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        summarise_loss(&s->loss, &st, o->runs);
        rc = summarise_functions(s, &st, err);
    }
    state_release(&st);
    if (rc != CRISK_OK) {
        crisk_simulation_free(s);
        return rc;
    }
    *out = s;
    return CRISK_OK;
}

void crisk_simulation_free(crisk_simulation *s)
{
    if (s == NULL)
        return;
    free(s->functions);
    free(s);
}

const crisk_inventory *crisk_simulation_inventory(const crisk_simulation *s) { return s->inv; }
uint64_t crisk_simulation_runs(const crisk_simulation *s) { return s->runs; }
uint64_t crisk_simulation_seed(const crisk_simulation *s) { return s->seed; }
size_t crisk_simulation_without_probability(const crisk_simulation *s)
{
    return s->without_probability;
}
const crisk_loss_summary *crisk_simulation_loss(const crisk_simulation *s) { return &s->loss; }

const crisk_function_risk *crisk_simulation_functions(const crisk_simulation *s, size_t *count)
{
    *count = s->n_functions;
    return s->functions;
}
