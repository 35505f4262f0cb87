/*
 * simulate.c - Monte Carlo over node probability, with outage durations,
 * money loss and importance measures (DESIGN §5, `chainrisk simulate`).
 *
 * A run draws every node's initial failure on its own (Bernoulli of its
 * `probability`); each failed node stays down for its recovery_hours (or the
 * default), and the downtimes propagate with DESIGN §4 "Durations".  Runs
 * go through the bit-parallel engine of propagate.h in blocks of 64, stage
 * by stage (sim_sweep.c); a run's outcome is read back from the functions'
 * masks.  Importance is measured with common random numbers: every block is
 * swept again with each measured provider's draw flipped (extra words in
 * the same sweep), so each run is seen with the provider down and up.
 *
 * Exact where cheap (issue 15 §4): the functions that depend on at most
 * CRISK_SIMULATE_EXACT_NODES probabilistic nodes are enumerated instead
 * (sim_exact.c); when one enumeration holds every function, nothing is
 * sampled.  The figures are formed from the sums in sim_summary.c.
 *
 * Randomness is ours, not rand() (rng.h, shared with suspects.c):
 * xoshiro256** (Blackman & Vigna) seeded from the user's seed through
 * splitmix64.  Every block of 64 runs has its
 * own stream, the base generator advanced by xoshiro's jump (2^128 steps)
 * once per block, and within a block the nodes draw in index order.  So a
 * run's outcome depends only on the seed, the inventory and the run number -
 * not on the sweep layout (which the number of importance providers
 * changes), nor on how many runs were asked for.
 *
 * A Bernoulli(p) draw for 64 runs at once compares 64 uniform 64-bit
 * integers with t = p * 2^64 (exact for a double p < 1), most significant
 * bit first, one random word per bit position: a lane whose bits so far
 * equal t's is still undecided; at the first position where they differ it
 * is below t (failed) if t has the 1.  Half the undecided lanes settle at
 * each position, so about 8 words serve 64 runs, with integer arithmetic
 * only (libm's log() may differ across machines, which rules out the usual
 * geometric-skip sampler).
 *
 * Determinism of sums: counts are added as doubles, which is exact up to
 * 2^53 whatever the order; sums of real values (losses) are added lane by
 * lane in run order, and summaries sort per-run values.  So the figures do
 * not depend on how runs are laid out in sweeps.
 */
#include "rng.h"
#include "sim_exact.h"
#include "sim_plan.h"
#include "sim_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct crisk_simulation {
    const crisk_inventory *inv;
    uint64_t runs, seed;
    double default_recovery;
    size_t default_nodes;
    size_t without_probability;       /* nodes that never fail on their own */
    sim_results res;
    size_t exact_functions, exact_nodes;
};

/* ---- the model --------------------------------------------------------------- */



static int compare_double_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

/* Functions, their numbers, and the importance providers. */
static int model_functions(sim_run *r)
{
    const crisk_inventory *inv = r->inv;
    sim_model *m = &r->m;
    size_t n = inv->n;
    m->inv = inv;
    m->fn = malloc((n + 1) * sizeof *m->fn);
    m->crit = malloc((n + 1) * sizeof *m->crit);
    m->lph = malloc((n + 1) * sizeof *m->lph);
    m->rto = malloc((n + 1) * sizeof *m->rto);
    m->imp = malloc((r->o->n_importance + 1) * sizeof *m->imp);
    if (!m->fn || !m->crit || !m->lph || !m->rto || !m->imp)
        return -1;
    for (size_t v = 0; v < n; v++) {
        if (inv->type[v] != CRISK_NODE_FUNCTION)
            continue;
        size_t i = m->n_fn++;
        m->fn[i] = (uint32_t)v;
        m->crit[i] = inv->criticality[v];
        m->lph[i] = isnan(inv->loss_per_hour[v]) ? 0 : inv->loss_per_hour[v];
        m->rto[i] = inv->rto[v];
        m->has_loss |= m->lph[i] > 0;
    }
    for (size_t k = 0; k < r->o->n_importance; k++)
        m->imp[m->n_imp++] = (uint32_t)r->o->importance[k];
    return 0;
}

/* The stages: the distinct durations of the nodes that can be seeded. */
static int model_stages(sim_run *r)
{
    const crisk_inventory *inv = r->inv;
    sim_model *m = &r->m;
    size_t n = inv->n;
    r->seedable = calloc(n + 1, 1);
    m->stage_of = calloc(n + 1, sizeof *m->stage_of);
    m->hours = malloc((n + 1) * sizeof *m->hours);
    double *h = malloc((n + 1) * sizeof *h);
    if (!r->seedable || !m->stage_of || !m->hours || !h) {
        free(h);
        return -1;
    }
    for (size_t v = 0; v < n; v++)
        r->seedable[v] = inv->probability[v] > 0;
    for (size_t k = 0; k < m->n_imp; k++)
        r->seedable[m->imp[k]] = 1;
    size_t count = 0;
    for (size_t v = 0; v < n; v++) {
        if (!r->seedable[v])
            continue;
        r->default_nodes += isnan(inv->recovery[v]);
        h[count++] = isnan(inv->recovery[v]) ? r->o->default_recovery : inv->recovery[v];
    }
    crisk__sort(h, count, sizeof *h, compare_double_desc);
    for (size_t i = 0; i < count; i++)
        if (m->n_stages == 0 || m->hours[m->n_stages - 1] != h[i])
            m->hours[m->n_stages++] = h[i];
    free(h);
    for (size_t v = 0; v < n; v++) {
        if (!r->seedable[v])
            continue;
        double hv = isnan(inv->recovery[v]) ? r->o->default_recovery : inv->recovery[v];
        size_t lo = 0, hi = m->n_stages - 1;   /* descending: binary search */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (m->hours[mid] > hv)
                lo = mid + 1;
            else
                hi = mid;
        }
        m->stage_of[v] = (uint32_t)lo;
    }
    if (m->n_stages == 0) {   /* nothing can fail: one empty stage keeps loops simple */
        m->hours[0] = 0;
        m->n_stages = 1;
    }
    return 0;
}

static void model_release(sim_model *m)
{
    free(m->fn);
    free(m->crit);
    free(m->lph);
    free(m->rto);
    free(m->hours);
    free(m->stage_of);
    free(m->imp);
}

/* ---- sampling ----------------------------------------------------------------------- */

/* Block b's random stream is the seed's generator jumped b times: worked
 * out once per block, in order, so that any thread can draw any block. */
typedef struct sampler {
    const sim_run *r;
    rng *stream;            /* per block */
} sampler;

static void sample_block(const void *ctx, uint64_t b, sim_block *out)
{
    const sampler *smp = ctx;
    const sim_run *r = smp->r;
    rng gen = smp->stream[b];
    uint64_t left = r->runs - 64 * b;
    out->valid = left >= 64 ? ~0ull : (1ull << left) - 1;
    out->lw = NULL;
    out->scale = 1;
    for (size_t e = 0; e < r->seeds.n; e++)
        out->word[e] = r->always[e] ? ~0ull : r->t[e] != 0 ? bernoulli64(&gen, r->t[e]) : 0;
}

/* The seeds: every node that can fail on its own or is measured, with its
 * threshold. */
static int sample_seeds(sim_run *r)
{
    const crisk_inventory *inv = r->inv;
    uint32_t *nodes = calloc(inv->n + 1, sizeof *nodes);   /* calloc: GCC 12 cannot see n <= inv->n */
    size_t n = 0;
    if (nodes == NULL)
        return -1;
    for (size_t v = 0; v < inv->n; v++)
        if (r->seedable[v])
            nodes[n++] = (uint32_t)v;
    r->t = malloc((n + 1) * sizeof *r->t);
    r->always = malloc(n + 1);
    int rc = r->t && r->always && sim_seeds_init(&r->seeds, &r->m, nodes, n) == 0 ? 0 : -1;
    for (size_t e = 0; rc == 0 && e < n; e++) {
        int always = 0;
        r->t[e] = threshold(inv->probability[nodes[e]], &always);
        r->always[e] = (uint8_t)always;
    }
    free(nodes);
    return rc;
}

static int sample(sim_run *r, crisk_error *err)
{
    uint64_t n_blocks = (r->runs + 63) / 64;
    uint32_t *all = malloc((r->m.n_fn + 1) * sizeof *all);
    sampler smp = { r, malloc(((size_t)n_blocks + 1) * sizeof *smp.stream) };
    r->crit = malloc(((size_t)r->runs + 64) * sizeof *r->crit);
    r->money = r->m.has_loss ? malloc(((size_t)r->runs + 64) * sizeof *r->money) : NULL;
    int rc = CRISK_OK;
    if (all == NULL || smp.stream == NULL || r->crit == NULL || (r->m.has_loss && !r->money)
        || sample_seeds(r) != 0 || sim_acc_init(&r->acc, r->m.n_fn, r->m.n_stages, r->m.n_imp) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        for (size_t i = 0; i < r->m.n_fn; i++)
            all[i] = (uint32_t)i;
        rng base;
        rng_seed(&base, r->o->seed);
        for (uint64_t b = 0; b < n_blocks; b++) {
            smp.stream[b] = base;
            rng_jump(&base);
        }
        sim_plan plan = { &r->m, &r->seeds, &r->topo, all, r->m.n_fn, NULL, sample_block, &smp,
                          n_blocks, r->crit, r->money, r->o, r->runs };
        rc = sim_plan_run(&plan, &r->acc, err);
    }
    free(all);
    free(smp.stream);
    return rc;
}

/* ---- public API ------------------------------------------------------------- */

static int check_options(const crisk_inventory *inv, const crisk_simulate_options *o,
                         crisk_error *err)
{
    if (o->runs == 0 || o->runs > CRISK_SIMULATE_MAX_RUNS)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "runs must be between 1 and %llu, not %llu",
                               (unsigned long long)CRISK_SIMULATE_MAX_RUNS,
                               (unsigned long long)o->runs);
    if (!(o->default_recovery >= 0) || isinf(o->default_recovery))
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "the default recovery must be a finite number of hours >= 0");
    if (o->n_importance > CRISK_SIMULATE_MAX_IMPORTANCE)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "at most %d providers for importance, not %zu",
                               CRISK_SIMULATE_MAX_IMPORTANCE, o->n_importance);
    for (size_t k = 0; k < o->n_importance; k++) {
        if (o->importance[k] >= inv->n)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "node %zu out of range",
                                   o->importance[k]);
        for (size_t j = 0; j < k; j++)
            if (o->importance[j] == o->importance[k])
                return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                       "provider '%s' is listed twice for importance",
                                       inv->id[o->importance[k]]);
    }
    return CRISK_OK;
}

static void run_release(sim_run *r)
{
    model_release(&r->m);
    if (r->topo.pos != NULL)
        crisk__topo_release(&r->topo);
    free(r->seedable);
    sim_seeds_release(&r->seeds);
    free(r->t);
    free(r->always);
    sim_acc_release(&r->acc);
    free(r->crit);
    free(r->money);
    free(r->fn_exact);
    free(r->fn_imp);
    sim_acc_release(&r->xacc);
    free(r->xcrit);
    free(r->xmoney);
    free(r->xweight);
}

/* ---- one block, traced (sim_run.h) ------------------------------------------ */

void crisk__sim_trace_release(sim_trace *t)
{
    free(t->fn);
    free(t->seed);
    free(t->seed_hours);
    free(t->world_node);
    free(t->fails);
    free(t->downtime);
    memset(t, 0, sizeof *t);
}

static int trace_alloc(sim_trace *t, const sim_run *r)
{
    memset(t, 0, sizeof *t);
    t->n_fn = r->m.n_fn;
    t->n_seeds = r->seeds.n;
    t->n_worlds = 1 + r->seeds.n_imp_list;
    t->fn = malloc((t->n_fn + 1) * sizeof *t->fn);
    t->seed = malloc((t->n_seeds + 1) * sizeof *t->seed);
    t->seed_hours = malloc((t->n_seeds + 1) * sizeof *t->seed_hours);
    t->world_node = malloc(t->n_worlds * sizeof *t->world_node);
    t->fails = malloc((t->n_worlds * t->n_seeds + 1) * sizeof *t->fails);
    t->downtime = malloc((t->n_worlds * t->n_fn * 64 + 1) * sizeof *t->downtime);
    if (!t->fn || !t->seed || !t->seed_hours || !t->world_node || !t->fails || !t->downtime)
        return -1;
    memcpy(t->fn, r->m.fn, t->n_fn * sizeof *t->fn);
    for (size_t e = 0; e < t->n_seeds; e++) {
        t->seed[e] = r->seeds.node[e];
        t->seed_hours[e] = r->m.hours[r->m.stage_of[t->seed[e]]];
    }
    t->world_node[0] = UINT32_MAX;
    for (size_t k = 0; k < r->seeds.n_imp_list; k++)
        t->world_node[1 + k] = r->m.imp[r->seeds.imp_list[k]];
    return 0;
}

/* World `world` from word `word` of the sweep just made. */
static void trace_world(sim_trace *t, const sim_run *r, const sim_sweeper *sw,
                        const sim_block *blk, size_t world, size_t word)
{
    uint32_t flip = world == 0 ? UINT32_MAX : r->seeds.imp_seed[r->seeds.imp_list[world - 1]];
    for (size_t e = 0; e < t->n_seeds; e++)
        t->fails[world * t->n_seeds + e] = (e == flip ? ~blk->word[e] : blk->word[e]) & blk->valid;
    for (size_t i = 0; i < t->n_fn; i++)
        for (size_t lane = 0; lane < 64; lane++) {
            uint32_t s = sw->first_stage[(word * t->n_fn + i) * 64 + lane];
            t->downtime[(world * t->n_fn + i) * 64 + lane] = s == UINT32_MAX ? -1 : r->m.hours[s];
        }
}

/* Sweep the traced block once per provider (one variant a sweep). */
static int trace_sweep(sim_trace *t, sim_run *r, const sim_block *blk, crisk_error *err)
{
    uint32_t *all = malloc((r->m.n_fn + 1) * sizeof *all);
    sim_sweeper sw = { 0 };
    int rc = all != NULL ? CRISK_OK : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == CRISK_OK && i < r->m.n_fn; i++)
        all[i] = (uint32_t)i;
    if (rc == CRISK_OK)
        rc = sim_sweeper_init(&sw, &r->m, &r->seeds, &r->topo, all, r->m.n_fn, NULL, err);
    if (rc == CRISK_OK) {
        sw.first_stage = malloc((2 * r->m.n_fn * 64 + 1) * sizeof *sw.first_stage);
        if (sw.first_stage == NULL || sim_acc_init(&r->acc, r->m.n_fn, r->m.n_stages, r->m.n_imp) != 0)
            rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t k = 0; rc == CRISK_OK && k < t->n_worlds; k++) {
        size_t n_var = t->n_worlds > 1 ? 1 : 0, first = k > 0 ? k - 1 : 0;
        if (sim_sweep(&sw, blk, 1, first, n_var, 1, &r->acc, NULL, NULL) != 0) {
            rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        trace_world(t, r, &sw, blk, 0, 0);
        if (k > 0)
            trace_world(t, r, &sw, blk, k, 1);
    }
    free(sw.first_stage);
    sw.first_stage = NULL;
    sim_sweeper_release(&sw);
    free(all);
    return rc;
}

int crisk__simulate_trace(sim_trace *out, const crisk_inventory *inv,
                          const crisk_simulate_options *o, uint64_t block, crisk_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_options(inv, o, err);
    if (rc != CRISK_OK)
        return rc;
    if (block >= (o->runs + 63) / 64)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "block %llu out of range",
                               (unsigned long long)block);
    sim_run r = { .inv = inv, .o = o, .runs = o->runs };
    rng *stream = malloc(((size_t)block + 1) * sizeof *stream);
    uint64_t *words = NULL;
    if (stream == NULL || model_functions(&r) != 0 || model_stages(&r) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK)
        rc = crisk__topo_init(&r.topo, inv, err);
    if (rc == CRISK_OK && (sample_seeds(&r) != 0 || trace_alloc(out, &r) != 0
                           || (words = malloc((r.seeds.n + 1) * sizeof *words)) == NULL))
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        rng base;
        rng_seed(&base, o->seed);
        for (uint64_t b = 0; b <= block; b++) {
            stream[b] = base;
            rng_jump(&base);
        }
        sampler smp = { &r, stream };
        sim_block blk = { .word = words };
        sample_block(&smp, block, &blk);
        out->valid = blk.valid;
        rc = trace_sweep(out, &r, &blk, err);
    }
    free(stream);
    free(words);
    run_release(&r);
    if (rc != CRISK_OK)
        crisk__sim_trace_release(out);
    return rc;
}

int crisk_simulate_run(crisk_simulation **out, const crisk_inventory *inv,
                       const crisk_simulate_options *opts, crisk_error *err)
{
    static const crisk_simulate_options defaults = CRISK_SIMULATE_OPTIONS_INIT;
    const crisk_simulate_options *o = opts != NULL ? opts : &defaults;
    *out = NULL;
    int rc = check_options(inv, o, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_simulation *s = calloc(1, sizeof *s);
    if (s == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    sim_run r = { .inv = inv, .o = o, .runs = o->runs };
    if (model_functions(&r) != 0 || model_stages(&r) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK)
        rc = crisk__topo_init(&r.topo, inv, err);
    if (rc == CRISK_OK && o->exact)
        rc = sim_run_exact(&r, err);
    if (rc == CRISK_OK && r.full)
        r.runs = 0;
    if (rc == CRISK_OK && !r.full)
        rc = sample(&r, err);
    if (rc == CRISK_OK && sim_summarise(&s->res, &r) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    s->inv = inv;
    s->runs = r.runs;
    s->seed = o->seed;
    s->default_recovery = o->default_recovery;
    s->default_nodes = r.default_nodes;
    for (size_t v = 0; v < inv->n; v++)
        s->without_probability += isnan(inv->probability[v]) != 0;
    s->exact_functions = r.exact_functions;
    s->exact_nodes = r.exact_nodes;
    run_release(&r);
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
    free(s->res.functions);
    free(s->res.importance);
    free(s);
}

void crisk_simulate_top_providers(const crisk_analysis *a, size_t n, size_t *out, size_t *count)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    const uint32_t *ranking = crisk_analysis_ranking(a);
    *count = 0;
    for (size_t i = 0; i < inv->n && *count < n; i++) {
        uint32_t v = ranking[i];
        if (inv->type[v] != CRISK_NODE_FUNCTION && crisk_analysis_metrics(a, v)->impact >= 1)
            out[(*count)++] = v;
    }
}

const crisk_inventory *crisk_simulation_inventory(const crisk_simulation *s) { return s->inv; }
uint64_t crisk_simulation_runs(const crisk_simulation *s) { return s->runs; }
uint64_t crisk_simulation_seed(const crisk_simulation *s) { return s->seed; }
size_t crisk_simulation_without_probability(const crisk_simulation *s)
{
    return s->without_probability;
}
const crisk_loss_summary *crisk_simulation_loss(const crisk_simulation *s) { return &s->res.loss; }
const crisk_money_loss *crisk_simulation_money(const crisk_simulation *s) { return &s->res.money; }
double crisk_simulation_default_recovery(const crisk_simulation *s) { return s->default_recovery; }
size_t crisk_simulation_default_recovery_nodes(const crisk_simulation *s) { return s->default_nodes; }
size_t crisk_simulation_exact_functions(const crisk_simulation *s) { return s->exact_functions; }
size_t crisk_simulation_exact_nodes(const crisk_simulation *s) { return s->exact_nodes; }

const crisk_function_risk *crisk_simulation_functions(const crisk_simulation *s, size_t *count)
{
    *count = s->res.n_functions;
    return s->res.functions;
}

const crisk_importance *crisk_simulation_importance(const crisk_simulation *s, size_t *count)
{
    *count = s->res.n_importance;
    return s->res.importance;
}
