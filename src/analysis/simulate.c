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
 * Exact where cheap (issue 15 §4).  The failure of a function depends only
 * on the probabilistic nodes (0 < p < 1) it reaches through its
 * dependencies; with at most CRISK_SIMULATE_EXACT_NODES of them, the 2^k
 * states are enumerated as lanes of the same engine, each lane weighted by
 * its probability, and every figure of the function is exact.  Functions
 * are packed into groups whose nodes together stay within the limit (first
 * fit, largest first), and each group is enumerated over its own region of
 * the graph.  When one group holds every function, every figure is exact
 * and nothing is sampled.  Rejected: inclusion of independent sub-trees -
 * it needs the dependency structure to be a tree, which shared providers
 * (the point of the tool) rarely allow.
 *
 * Randomness is ours, not rand(): xoshiro256** (Blackman & Vigna) seeded
 * from the user's seed through splitmix64.  Every block of 64 runs has its
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
#include "sim_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct crisk_simulation {
    const crisk_inventory *inv;
    uint64_t runs, seed;
    double default_recovery;
    size_t default_nodes;
    size_t without_probability;       /* nodes that never fail on their own */
    crisk_function_risk *functions;   /* sorted by probability desc, id */
    size_t n_functions;
    crisk_loss_summary loss;
    crisk_money_loss money;
    crisk_importance *importance;
    size_t n_importance;
    size_t exact_functions, exact_nodes;
};

/* ---- random numbers ------------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static void rng_seed(rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

/* xoshiro256** 1.0 */
static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Advance by 2^128 draws: the start of the next block's stream. */
static void rng_jump(rng *r)
{
    static const uint64_t jump[] = { 0x180ec6d33cfd0abaull, 0xd5a61266f0c9392cull,
                                     0xa9582618e03fc9aaull, 0x39abdc4529b1661cull };
    uint64_t s[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (jump[i] & (1ull << b))
                for (int k = 0; k < 4; k++)
                    s[k] ^= r->s[k];
            rng_next(r);
        }
    memcpy(r->s, s, sizeof s);
}

/* 64 independent draws of "U < t" for uniform 64-bit U: each bit is set with
 * probability exactly t / 2^64.  Below t's lowest set bit a still undecided
 * lane can only end equal or above, so the loop stops there. */
static uint64_t bernoulli64(rng *r, uint64_t t)
{
    uint64_t failed = 0, open = ~0ull;
    int low = __builtin_ctzll(t);
    for (int bit = 63; bit >= low && open != 0; bit--) {
        uint64_t u = rng_next(r);
        if ((t >> bit) & 1) {
            failed |= open & ~u;
            open &= u;
        } else {
            open &= ~u;
        }
    }
    return failed;
}

/* p as a 64-bit threshold: 0 = never draws, UINT64_MAX with `always`. */
static uint64_t threshold(double p, int *always)
{
    *always = p >= 1;
    if (!(p > 0) || p >= 1)
        return 0;
    return (uint64_t)ldexp(p, 64);   /* exact: p has 53 significant bits */
}

/* Strictly between 0 and 1: the nodes whose state is uncertain. */
static int is_probabilistic(double p)
{
    return p > 0 && p < 1;
}

/* ---- the model --------------------------------------------------------------- */

typedef struct sim_run {
    const crisk_inventory *inv;
    const crisk_simulate_options *o;
    sim_model m;
    crisk__topo topo;
    uint8_t *seedable;        /* per node: can fail on its own, or is measured */
    size_t default_nodes;
    /* sampling */
    uint64_t runs;
    sim_seeds seeds;
    uint64_t *t;              /* per seed: threshold (0 = not random) */
    uint8_t *always;          /* per seed */
    sim_acc acc;
    double *crit, *money;     /* per run */
    /* exact */
    uint8_t *fn_exact;        /* per function */
    size_t exact_functions, exact_nodes;
    int full;                 /* one enumeration holds every function */
    sim_acc xacc;             /* exact sums (each group's weights add to 1) */
    double *xcrit, *xmoney, *xweight;   /* per lane of the full enumeration */
    size_t n_lanes;
} sim_run;

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

/* ---- sweeping blocks ----------------------------------------------------------------- */

/* Fills block b: its valid lanes, its weights and one word per seed. */
typedef void (*block_fn)(void *ctx, uint64_t b, sim_block *out);

/* Sweep blocks [0, n_blocks) from `source`, as many per sweep as fit with
 * the providers' variants (all of them when they fit, else SIM_BATCH at a
 * time with one block per sweep), adding to `acc` and writing per-lane
 * losses at out[64 * block + lane]. */
static int sweep_blocks(sim_sweeper *sw, block_fn source, void *ctx, uint64_t n_blocks,
                        sim_acc *acc, double *crit_out, double *money_out,
                        const crisk_simulate_options *o, uint64_t runs)
{
    size_t k = sw->seeds->n_imp_list, per = k <= SIM_BATCH ? CRISK__W / (1 + k) : 1;
    size_t batches = k <= SIM_BATCH ? 1 : (k + SIM_BATCH - 1) / SIM_BATCH;
    sim_block blocks[CRISK__W];
    uint64_t *words = malloc(per * (sw->seeds->n + 1) * sizeof *words);
    if (words == NULL)
        return -1;
    for (size_t j = 0; j < per; j++)
        blocks[j].word = words + j * (sw->seeds->n + 1);
    int rc = 0;
    for (uint64_t b0 = 0; b0 < n_blocks && rc == 0; b0 += per) {
        size_t nb = n_blocks - b0 < per ? (size_t)(n_blocks - b0) : per;
        for (size_t j = 0; j < nb; j++)
            source(ctx, b0 + j, &blocks[j]);
        for (size_t t = 0; t < batches && rc == 0; t++) {
            size_t first = t * SIM_BATCH, n_var = k <= SIM_BATCH ? k : k - first;
            if (n_var > SIM_BATCH && k > SIM_BATCH)
                n_var = SIM_BATCH;
            rc = sim_sweep(sw, blocks, nb, first, n_var, t == 0, acc,
                           crit_out != NULL ? crit_out + 64 * b0 : NULL,
                           money_out != NULL ? money_out + 64 * b0 : NULL);
        }
        if (o->progress != NULL && runs > 0) {
            uint64_t done = 64 * (b0 + nb) < runs ? 64 * (b0 + nb) : runs;
            o->progress(o->progress_ctx, "simulating", done, runs);
        }
    }
    free(words);
    return rc;
}

/* ---- sampling ----------------------------------------------------------------------- */

typedef struct sampler {
    sim_run *r;
    rng base;               /* the next block's stream */
    uint64_t next_block;
} sampler;

static void sample_block(void *ctx, uint64_t b, sim_block *out)
{
    sampler *smp = ctx;
    sim_run *r = smp->r;
    rng gen = smp->base;     /* blocks come in order: b == next_block */
    rng_jump(&smp->base);
    smp->next_block = b + 1;
    uint64_t left = r->runs - 64 * b;
    out->valid = left >= 64 ? ~0ull : (1ull << left) - 1;
    out->lw = NULL;
    out->scale = 1;
    for (size_t e = 0; e < r->seeds.n; e++)
        out->word[e] = r->always[e] ? ~0ull : r->t[e] != 0 ? bernoulli64(&gen, r->t[e]) : 0;
}

static int sample(sim_run *r, crisk_error *err)
{
    const crisk_inventory *inv = r->inv;
    uint32_t *nodes = malloc((inv->n + 1) * sizeof *nodes);
    uint32_t *all = malloc((r->m.n_fn + 1) * sizeof *all);
    size_t n = 0;
    if (nodes == NULL || all == NULL)
        goto nomem;
    for (size_t v = 0; v < inv->n; v++)
        if (r->seedable[v])
            nodes[n++] = (uint32_t)v;
    for (size_t i = 0; i < r->m.n_fn; i++)
        all[i] = (uint32_t)i;
    r->t = malloc((n + 1) * sizeof *r->t);
    r->always = malloc(n + 1);
    r->crit = malloc(((size_t)r->runs + 64) * sizeof *r->crit);
    r->money = r->m.has_loss ? malloc(((size_t)r->runs + 64) * sizeof *r->money) : NULL;
    if (!r->t || !r->always || !r->crit || (r->m.has_loss && !r->money)
        || sim_seeds_init(&r->seeds, &r->m, nodes, n) != 0
        || sim_acc_init(&r->acc, r->m.n_fn, r->m.n_stages, r->m.n_imp) != 0)
        goto nomem;
    for (size_t e = 0; e < n; e++) {
        int always = 0;
        r->t[e] = threshold(inv->probability[nodes[e]], &always);
        r->always[e] = (uint8_t)always;
    }
    sim_sweeper sw;
    int rc = sim_sweeper_init(&sw, &r->m, &r->seeds, &r->topo, all, r->m.n_fn, NULL, err);
    if (rc != CRISK_OK) {
        free(nodes);
        free(all);
        return rc;
    }
    sampler smp = { r, { { 0 } }, 0 };
    rng_seed(&smp.base, r->o->seed);
    rc = sweep_blocks(&sw, sample_block, &smp, (r->runs + 63) / 64, &r->acc, r->crit, r->money,
                      r->o, r->runs);
    sim_sweeper_release(&sw);
    free(nodes);
    free(all);
    return rc == 0 ? CRISK_OK : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
nomem:
    free(nodes);
    free(all);
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- exact enumeration ------------------------------------------------------------------ */

#define LIMIT CRISK_SIMULATE_EXACT_NODES

/* A group of functions enumerated together over the union of their
 * probabilistic nodes (at most LIMIT, ascending). */
typedef struct group {
    uint32_t *fns;           /* indices into m.fn, ascending */
    size_t n_fns;
    uint32_t vars[LIMIT];
    size_t n_vars;
} group;

/* The probabilistic nodes function f depends on, itself included, into
 * out (ascending); LIMIT + 1 when there are more, or when the walk would
 * exceed the work left in *budget (edge visits). */
static size_t probabilistic_of(const crisk_inventory *inv, uint32_t f, uint32_t *stamp,
                               uint32_t mark, uint32_t *stack, uint32_t *out, uint64_t *budget)
{
    size_t top = 0, count = 0;
    stack[top++] = f;
    stamp[f] = mark;
    while (top > 0) {
        uint32_t v = stack[--top];
        if (is_probabilistic(inv->probability[v])) {
            if (count == LIMIT)
                return LIMIT + 1;
            out[count++] = v;
        }
        for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
            for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++) {
                if (*budget == 0)
                    return LIMIT + 1;
                (*budget)--;
                uint32_t u = inv->member[e];
                if (stamp[u] != mark) {
                    stamp[u] = mark;
                    stack[top++] = u;
                }
            }
    }
    for (size_t i = 1; i < count; i++)   /* insertion sort: at most LIMIT */
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint32_t x = out[j];
            out[j] = out[j - 1];
            out[j - 1] = x;
        }
    return count;
}

/* |a ∪ b| for ascending lists, written to out when it is at most LIMIT. */
static size_t merge_vars(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out)
{
    size_t i = 0, j = 0, n = 0;
    uint32_t tmp[2 * LIMIT];
    while (i < na || j < nb) {
        uint32_t x = j == nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
        if (i < na && a[i] == x)
            i++;
        if (j < nb && b[j] == x)
            j++;
        tmp[n++] = x;
    }
    if (n <= LIMIT)
        memcpy(out, tmp, n * sizeof *tmp);
    return n;
}

typedef struct candidate {
    uint32_t fn;             /* index into m.fn */
    size_t n_vars;
    uint32_t vars[LIMIT];
} candidate;

static int compare_candidate(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->n_vars != b->n_vars)
        return a->n_vars > b->n_vars ? -1 : 1;
    return a->fn < b->fn ? -1 : a->fn > b->fn;
}

static int compare_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* The functions within the limit, packed into groups: first fit, largest
 * first.  The walks share a budget of 64 (V + E) edge visits, so that a
 * graph where every function reaches everything costs O(V + E) here; a
 * function the budget does not reach is sampled. */
static int plan_groups(sim_run *r, group **out, size_t *n_out)
{
    const crisk_inventory *inv = r->inv;
    size_t n_fn = r->m.n_fn;
    uint32_t *stamp = calloc(inv->n + 1, sizeof *stamp);
    uint32_t *stack = malloc((inv->n + 1) * sizeof *stack);
    candidate *c = malloc((n_fn + 1) * sizeof *c);
    group *g = calloc(n_fn + 1, sizeof *g);
    size_t n_c = 0, n_g = 0;
    uint64_t budget = 64 * (uint64_t)(inv->n + inv->n_edges);
    int rc = stamp && stack && c && g ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n_fn; i++) {
        c[n_c].fn = (uint32_t)i;
        c[n_c].n_vars = probabilistic_of(inv, r->m.fn[i], stamp, (uint32_t)i + 1, stack,
                                         c[n_c].vars, &budget);
        n_c += c[n_c].n_vars <= LIMIT;
    }
    if (rc == 0)
        crisk__sort(c, n_c, sizeof *c, compare_candidate);
    for (size_t i = 0; rc == 0 && i < n_c; i++) {
        uint32_t merged[LIMIT];
        size_t k = 0, n_merged = 0;
        while (k < n_g && (n_merged = merge_vars(g[k].vars, g[k].n_vars, c[i].vars, c[i].n_vars,
                                                 merged)) > LIMIT)
            k++;
        if (k == n_g) {
            memcpy(merged, c[i].vars, c[i].n_vars * sizeof *c[i].vars);
            n_merged = c[i].n_vars;
            n_g++;
        }
        memcpy(g[k].vars, merged, n_merged * sizeof *merged);
        g[k].n_vars = n_merged;
        if (g[k].fns == NULL)
            g[k].fns = malloc((n_fn + 1) * sizeof *g[k].fns);
        if (g[k].fns == NULL)
            rc = -1;
        else
            g[k].fns[g[k].n_fns++] = c[i].fn;
    }
    for (size_t k = 0; rc == 0 && k < n_g; k++)
        crisk__sort(g[k].fns, g[k].n_fns, sizeof *g[k].fns, compare_u32);
    free(stamp);
    free(stack);
    free(c);
    *out = g;
    *n_out = n_g;
    return rc;
}

/* The nodes the group's functions depend on, themselves included. */
static int group_region(const sim_run *r, const group *g, uint8_t *region)
{
    const crisk_inventory *inv = r->inv;
    uint32_t *stack = malloc((inv->n + 1) * sizeof *stack);
    if (stack == NULL)
        return -1;
    memset(region, 0, inv->n);
    size_t top = 0;
    for (size_t j = 0; j < g->n_fns; j++) {
        uint32_t f = r->m.fn[g->fns[j]];
        if (!region[f]) {
            region[f] = 1;
            stack[top++] = f;
        }
    }
    while (top > 0) {
        uint32_t v = stack[--top];
        for (uint32_t gi = inv->group_start[v]; gi < inv->group_start[v + 1]; gi++)
            for (uint32_t e = inv->member_start[gi]; e < inv->member_start[gi + 1]; e++) {
                uint32_t u = inv->member[e];
                if (!region[u]) {
                    region[u] = 1;
                    stack[top++] = u;
                }
            }
    }
    free(stack);
    return 0;
}

typedef struct enumerator {
    const sim_run *r;
    const group *g;
    const sim_seeds *seeds;
    int8_t *var_of;          /* per seed: its variable, -1 = not enumerated */
    uint64_t *fixed;         /* per seed: the word when not enumerated */
    double q[LIMIT];
    sim_lane_weights lo;     /* weight of the low six variables per lane */
} enumerator;

/* The lanes in use: all 64, or the 2^k assignments of k < 6 variables. */
static uint64_t enumerated_lanes(size_t k)
{
    return k >= 6 ? ~0ull : (1ull << (1u << k)) - 1;
}

/* The weight block b's lanes share: the probability of its variables
 * from the seventh on. */
static double block_scale(const enumerator *en, uint64_t b)
{
    double hi = 1;
    for (size_t i = 6; i < en->g->n_vars; i++)
        hi *= ((b >> (i - 6)) & 1) ? en->q[i] : 1 - en->q[i];
    return hi;
}

/* Assignment a = 64 b + lane: variable i is bit i of a. */
static void enumerate_block(void *ctx, uint64_t b, sim_block *out)
{
    const enumerator *en = ctx;
    out->valid = enumerated_lanes(en->g->n_vars);
    out->lw = &en->lo;
    out->scale = block_scale(en, b);
    for (size_t e = 0; e < en->seeds->n; e++) {
        int i = en->var_of[e];
        uint64_t word = en->fixed[e];
        if (i >= 0 && i < 6) {
            word = 0;
            for (int lane = 0; lane < 64; lane++)
                word |= (uint64_t)((lane >> i) & 1) << lane;
        } else if (i >= 6) {
            word = ((b >> (i - 6)) & 1) ? ~0ull : 0;
        }
        out->word[e] = word & out->valid;
    }
}

/* Importance of providers outside the group's region: the function is the
 * same in both worlds. */
static void unaffected(sim_run *r, const group *g, const sim_seeds *seeds)
{
    size_t S = r->m.n_stages, n_fn = r->m.n_fn;
    for (size_t k = 0; k < r->m.n_imp; k++) {
        if (seeds->imp_seed[k] != UINT32_MAX)
            continue;
        for (size_t j = 0; j < g->n_fns; j++) {
            size_t i = g->fns[j], at = k * n_fn + i;
            double down = 0;
            for (size_t s = 0; s < S; s++) {
                r->xacc.imp_a[at * S + s] = r->xacc.down[i * S + s];
                r->xacc.imp_b[at * S + s] = r->xacc.down[i * S + s];
                down += r->xacc.down[i * S + s];
            }
            r->xacc.imp_ab[at] = r->xacc.imp_af[at] = r->xacc.imp_bf[at] = down;
        }
    }
}

/* The seeds of a group: its variables, the nodes of its region that always
 * fail, and the providers measured there. */
static size_t group_seeds(const sim_run *r, const group *g, const uint8_t *region,
                          uint32_t *nodes)
{
    size_t n = 0;
    for (size_t v = 0; v < r->inv->n; v++) {
        int always = r->inv->probability[v] >= 1, var = 0;
        for (size_t i = 0; i < g->n_vars; i++)
            var |= g->vars[i] == v;
        int measured = 0;
        for (size_t k = 0; k < r->m.n_imp; k++)
            measured |= r->m.imp[k] == v;
        if (region[v] && (always || var || measured))
            nodes[n++] = (uint32_t)v;
    }
    return n;
}

static int enumerate_group(sim_run *r, const group *g, crisk_error *err)
{
    const crisk_inventory *inv = r->inv;
    uint8_t *region = malloc(inv->n + 1);
    uint32_t *nodes = malloc((inv->n + 1) * sizeof *nodes);
    enumerator en = { r, g, NULL, NULL, NULL, { 0 }, { { 0 }, { { 0 } } } };
    sim_seeds seeds = { 0 };
    sim_sweeper sw = { 0 };
    int rc = CRISK_ENOMEM;
    if (region == NULL || nodes == NULL || group_region(r, g, region) != 0)
        goto out;
    size_t n = group_seeds(r, g, region, nodes);
    en.var_of = malloc(n + 1);
    en.fixed = malloc((n + 1) * sizeof *en.fixed);
    if (en.var_of == NULL || en.fixed == NULL || sim_seeds_init(&seeds, &r->m, nodes, n) != 0)
        goto out;
    en.seeds = &seeds;
    for (size_t e = 0; e < n; e++) {
        en.var_of[e] = -1;
        en.fixed[e] = inv->probability[nodes[e]] >= 1 ? ~0ull : 0;
        for (size_t i = 0; i < g->n_vars; i++)
            if (g->vars[i] == nodes[e])
                en.var_of[e] = (int8_t)i;
    }
    for (size_t i = 0; i < g->n_vars; i++)
        en.q[i] = inv->probability[g->vars[i]];
    /* a measured provider that is a variable needs no variant: its lanes
     * come in pairs, one with it down and one up */
    for (size_t k = 0; k < r->m.n_imp; k++) {
        uint32_t e = seeds.imp_seed[k];
        if (e != UINT32_MAX && en.var_of[e] >= 0)
            sim_seeds_condition(&seeds, k, en.q[en.var_of[e]]);
    }
    uint64_t valid = enumerated_lanes(g->n_vars);
    for (int lane = 0; lane < 64; lane++) {
        en.lo.lane[lane] = (valid >> lane) & 1;
        for (size_t i = 0; i < 6 && i < g->n_vars; i++)
            en.lo.lane[lane] *= ((lane >> i) & 1) ? en.q[i] : 1 - en.q[i];
    }
    sim_lane_weights_init(&en.lo);
    rc = sim_sweeper_init(&sw, &r->m, &seeds, &r->topo, g->fns, g->n_fns, region, err);
    if (rc != CRISK_OK)
        goto out_quiet;
    uint64_t n_blocks = g->n_vars > 6 ? 1ull << (g->n_vars - 6) : 1;
    rc = sweep_blocks(&sw, enumerate_block, &en, n_blocks, &r->xacc,
                      r->full ? r->xcrit : NULL, r->full ? r->xmoney : NULL, r->o, 0) == 0
         ? CRISK_OK : CRISK_ENOMEM;
    if (rc == CRISK_OK && r->full)
        for (uint64_t b = 0; b < n_blocks; b++) {
            double scale = block_scale(&en, b);
            for (int lane = 0; lane < 64; lane++)
                r->xweight[64 * b + (uint64_t)lane] = scale * en.lo.lane[lane];
        }
    if (rc == CRISK_OK)
        unaffected(r, g, &seeds);
out:
    if (rc == CRISK_ENOMEM)
        crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
out_quiet:
    sim_sweeper_release(&sw);
    sim_seeds_release(&seeds);
    free(region);
    free(nodes);
    free(en.var_of);
    free(en.fixed);
    return rc;
}

/* Plan the groups and enumerate each.  With one group holding every
 * function, its lanes' losses are kept for the exact distribution. */
static int run_exact(sim_run *r, crisk_error *err)
{
    group *g = NULL;
    size_t n_g = 0;
    int rc = CRISK_OK;
    r->fn_exact = calloc(r->m.n_fn + 1, 1);
    if (r->fn_exact == NULL || plan_groups(r, &g, &n_g) != 0
        || sim_acc_init(&r->xacc, r->m.n_fn, r->m.n_stages, r->m.n_imp) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK && r->m.n_fn == 0)
        n_g = 1;                 /* nothing to enumerate: one empty group */
    r->full = rc == CRISK_OK && n_g == 1 && g[0].n_fns == r->m.n_fn;
    if (r->full) {
        r->n_lanes = 64 * (g[0].n_vars > 6 ? (size_t)1 << (g[0].n_vars - 6) : 1);
        r->xcrit = malloc(r->n_lanes * sizeof *r->xcrit);
        r->xmoney = malloc(r->n_lanes * sizeof *r->xmoney);
        r->xweight = malloc(r->n_lanes * sizeof *r->xweight);
        if (!r->xcrit || !r->xmoney || !r->xweight)
            rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t l = 0; rc == CRISK_OK && l < r->n_lanes; l++)
            r->xcrit[l] = r->xmoney[l] = 0;   /* lanes not in use, and no loss_per_hour */
    }
    for (size_t k = 0; rc == CRISK_OK && k < n_g; k++) {
        rc = enumerate_group(r, &g[k], err);
        for (size_t j = 0; rc == CRISK_OK && j < g[k].n_fns; j++)
            r->fn_exact[g[k].fns[j]] = 1;
        r->exact_functions += g[k].n_fns;
        if (g[k].n_vars > r->exact_nodes)
            r->exact_nodes = g[k].n_vars;
    }
    for (size_t k = 0; g != NULL && k < r->m.n_fn + 1; k++)
        free(g[k].fns);
    free(g);
    return rc;
}

/* ---- estimates ---------------------------------------------------------------------- */

/* Weighted sums of the outcomes a (provider forced down), b (forced up)
 * and f (as drawn), over n lanes. */
typedef struct moments {
    double n, a, b, f, aa, bb, ff, ab, af, bf;
} moments;

/* mx / my with the delta method's standard error; vxx, vyy, vxy are the
 * per-lane (co)variances of x and y. */
static void ratio(double mx, double my, double vxx, double vyy, double vxy, double n,
                  double *value, double *se)
{
    if (my == 0) {
        *value = mx > 0 ? INFINITY : NAN;
        *se = NAN;
        return;
    }
    double r = mx / my, var = vxx + r * r * vyy - 2 * r * vxy;
    *value = r;
    *se = sqrt((var > 0 ? var : 0) / n) / fabs(my);
}

static void importance_from(crisk_importance *out, const moments *m, double q, int exact)
{
    double n = m->n, A = m->a / n, B = m->b / n, F = m->f / n;
    double vaa = m->aa / n - A * A, vbb = m->bb / n - B * B, vff = m->ff / n - F * F;
    double vab = m->ab / n - A * B, vaf = m->af / n - A * F, vbf = m->bf / n - B * F;
    double vd = vaa + vbb - 2 * vab;
    out->q = q;
    out->exact = exact;
    out->birnbaum = A - B;
    out->birnbaum_std_error = sqrt((vd > 0 ? vd : 0) / n);
    if (F > 0) {
        ratio(q * (A - B), F, q * q * vd, vff, q * (vaf - vbf), n, &out->criticality,
              &out->criticality_std_error);
        ratio(q * A, F, q * q * vaa, vff, q * vaf, n, &out->fussell_vesely,
              &out->fussell_vesely_std_error);
        ratio(A, F, vaa, vff, vaf, n, &out->raw, &out->raw_std_error);
    } else {
        out->criticality = out->fussell_vesely = out->raw = NAN;
        out->criticality_std_error = out->fussell_vesely_std_error = out->raw_std_error = NAN;
    }
    ratio(F, B, vff, vbb, vbf, n, &out->rrw, &out->rrw_std_error);
    if (exact) {
        double *se[] = { &out->birnbaum_std_error, &out->criticality_std_error,
                         &out->fussell_vesely_std_error, &out->raw_std_error,
                         &out->rrw_std_error };
        for (size_t i = 0; i < sizeof se / sizeof se[0]; i++)
            *se[i] = isnan(*se[i]) ? NAN : 0;
    }
}

/* The sums behind function i's figures: exact or sampled. */
static const sim_acc *source_of(const sim_run *r, size_t i, double *n)
{
    if (r->fn_exact != NULL && r->fn_exact[i]) {
        *n = 1;
        return &r->xacc;
    }
    *n = (double)r->runs;
    return &r->acc;
}

static void function_figures(const sim_run *r, size_t i, crisk_function_risk *out)
{
    const sim_model *m = &r->m;
    double n;
    const sim_acc *a = source_of(r, i, &n);
    double down = 0, breach = 0, d = 0, d2 = 0;
    for (size_t s = 0; s < m->n_stages; s++) {
        double x = a->down[i * m->n_stages + s];
        down += x;
        breach += m->hours[s] > m->rto[i] ? x : 0;
        d += m->hours[s] * x;
        d2 += m->hours[s] * m->hours[s] * x;
    }
    int exact = a == &r->xacc;
    double p = down / n, pb = breach / n, mean = d / n, var = d2 / n - mean * mean;
    double lph = r->inv->loss_per_hour[m->fn[i]];
    out->node = m->fn[i];
    out->exact = exact;
    double sampled = 0;
    for (size_t s = 0; r->runs > 0 && s < m->n_stages; s++)
        sampled += r->acc.down[i * m->n_stages + s];
    out->failures = (uint64_t)sampled;
    out->probability = p;
    out->std_error = exact ? 0 : sqrt(p * (1 - p) / n);
    out->breach_probability = isnan(m->rto[i]) ? NAN : pb;
    out->breach_std_error = isnan(m->rto[i]) ? NAN : exact ? 0 : sqrt(pb * (1 - pb) / n);
    out->downtime = mean;
    out->downtime_std_error = exact || n < 2 ? 0 : sqrt((var > 0 ? var : 0) * n / (n - 1) / n);
    out->loss = isnan(lph) ? NAN : lph * mean;
    out->loss_std_error = isnan(lph) ? NAN : lph * out->downtime_std_error;
}

/* ---- distributions of the loss per run ------------------------------------------------ */

/* Values with weights (NULL: 1 each), sorted ascending. */
typedef struct dist {
    double *value;
    double *weight;
    size_t n;
    double total;
} dist;

typedef struct pair {
    double value, weight;
} pair;

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int compare_pair(const void *pa, const void *pb)
{
    return compare_double(pa, pb);
}

/* Sort values >= 0 (losses) ascending: the bit patterns of non-negative
 * doubles order as the numbers do, so an LSD radix sort on 16-bit digits
 * (four passes, back and forth between the array and one buffer) does it
 * in O(n), where qsort's comparisons took a quarter of a million-run
 * simulation.  Returns -1 when out of memory. */
static int sort_losses(double *value, size_t n)
{
    uint64_t *buf = malloc((n + 1) * sizeof *buf);
    size_t *count = malloc(65536 * sizeof *count);
    if (buf == NULL || count == NULL) {
        free(buf);
        free(count);
        return -1;
    }
    for (int shift = 0; shift < 64; shift += 16) {
        int into_buf = shift % 32 == 0;   /* passes 1 and 3 read the array */
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) {
            uint64_t x;
            if (into_buf)
                memcpy(&x, &value[i], sizeof x);
            else
                x = buf[i];
            count[(x >> shift) & 0xFFFF]++;
        }
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t x;
            if (into_buf) {
                memcpy(&x, &value[i], sizeof x);
                buf[count[(x >> shift) & 0xFFFF]++] = x;
            } else {
                x = buf[i];
                memcpy(&value[count[(x >> shift) & 0xFFFF]++], &x, sizeof x);
            }
        }
    }
    free(buf);
    free(count);
    return 0;
}

/* Sort runs' values in place, or the lanes' (value, weight) pairs into a
 * new array: returns -1 when out of memory. */
static int dist_make(dist *d, double *value, const double *weight, size_t n)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    if (weight == NULL) {
        if (sort_losses(value, n) != 0)
            return -1;
        d->value = value;
        d->total = (double)n;
        return 0;
    }
    pair *p = malloc((n + 1) * sizeof *p);
    d->value = malloc((n + 1) * sizeof *d->value);
    d->weight = malloc((n + 1) * sizeof *d->weight);
    if (p == NULL || d->value == NULL || d->weight == NULL) {
        free(p);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (pair){ value[i], weight[i] };
    crisk__sort(p, n, sizeof *p, compare_pair);
    for (size_t i = 0; i < n; i++) {
        d->value[i] = p[i].value;
        d->weight[i] = p[i].weight;
        d->total += p[i].weight;
    }
    free(p);
    return 0;
}

static void dist_release(dist *d)
{
    if (d->weight != NULL) {
        free(d->value);
        free(d->weight);
    }
}

/* Nearest rank: the smallest value v with P(loss <= v) >= permille / 1000.
 * For runs, the ceil(permille/1000 * n)-th smallest (integer maths); for
 * weighted lanes, the cumulative weight compared with a relative slack of
 * 1e-12 for its rounding. */
static double dist_quantile(const dist *d, unsigned permille)
{
    if (d->n == 0)
        return NAN;
    if (d->weight == NULL) {
        uint64_t n = d->n, rank = (n / 1000) * permille + ((n % 1000) * permille + 999) / 1000;
        return d->value[rank > 0 ? rank - 1 : 0];
    }
    double need = d->total * permille / 1000 * (1 - 1e-12), cum = 0;
    for (size_t i = 0; i < d->n; i++) {
        cum += d->weight[i];
        if (d->weight[i] > 0 && cum >= need)
            return d->value[i];
    }
    return d->value[d->n - 1];
}

/* The largest value that occurs. */
static double dist_max(const dist *d)
{
    for (size_t i = d->n; i-- > 0;)
        if (d->weight == NULL || d->weight[i] > 0)
            return d->value[i];
    return NAN;
}

/* P(value > x). */
static double dist_exceed(const dist *d, double x)
{
    size_t lo = 0, hi = d->n;   /* first value > x */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->value[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (d->weight == NULL)
        return (double)(d->n - lo) / d->total;
    double sum = 0;
    for (size_t i = lo; i < d->n; i++)
        sum += d->weight[i];
    return sum / d->total;
}

/* Mean and the standard error of the mean (sample standard deviation). */
static void dist_mean(const dist *d, double *mean, double *se)
{
    double sum = 0, squares = 0;
    for (size_t i = 0; i < d->n; i++)
        sum += d->weight != NULL ? d->weight[i] * d->value[i] : d->value[i];
    *mean = d->total > 0 ? sum / d->total : 0;
    for (size_t i = 0; d->weight == NULL && i < d->n; i++)
        squares += (d->value[i] - *mean) * (d->value[i] - *mean);
    *se = d->weight != NULL || d->n < 2 ? 0 : sqrt(squares / (double)(d->n - 1) / (double)d->n);
}

/* x = 0, then the 1-2-5 series from the largest of its values at most
 * bound / 10^4 up to the first at least `bound`.  Plain multiplications
 * and divisions by 10, so every machine gets the same points. */
static size_t curve_grid(double bound, double *x)
{
    size_t n = 0;
    x[n++] = 0;
    if (!(bound > 0) || isinf(bound))
        return n;
    double lo = bound / 1e4, p = 1;
    while (p * 10 <= lo)
        p *= 10;
    while (p > lo)
        p /= 10;
    static const double mantissa[] = { 1, 2, 5 };
    int m = 0;
    while (m < 2 && mantissa[m + 1] * p <= lo)
        m++;
    for (;;) {
        double v = mantissa[m] * p;
        x[n++] = v;
        if (v >= bound || n == CRISK_LOSS_CURVE_MAX)
            return n;
        if (++m == 3) {
            m = 0;
            p *= 10;
        }
    }
}

/* ---- summaries ------------------------------------------------------------------------- */

static int all_exact(const sim_run *r)
{
    return r->m.n_fn > 0 && r->exact_functions == r->m.n_fn;
}

/* Criticality lost per run; fig[i] holds function i's figures. */
static int summarise_criticality(crisk_loss_summary *out, sim_run *r,
                                 const crisk_function_risk *fig)
{
    dist d;
    int rc = r->full ? dist_make(&d, r->xcrit, r->xweight, r->n_lanes)
                     : dist_make(&d, r->crit, NULL, (size_t)r->runs);
    if (rc != 0)
        return -1;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < r->m.n_fn; i++)
        out->total_criticality += r->m.crit[i];
    dist_mean(&d, &out->mean, &out->mean_std_error);
    out->mean_exact = r->full || all_exact(r);
    if (!r->full && all_exact(r)) {
        out->mean = 0;
        for (size_t i = 0; i < r->m.n_fn; i++)
            out->mean += r->m.crit[i] * fig[i].probability;
        out->mean_std_error = 0;
    }
    out->p50 = dist_quantile(&d, 500);
    out->p90 = dist_quantile(&d, 900);
    out->p95 = dist_quantile(&d, 950);
    out->p99 = dist_quantile(&d, 990);
    out->max = dist_max(&d);
    out->exact = r->full;
    if (r->full) {
        out->any_probability = r->xacc.any / r->xacc.total;
    } else {
        double p = r->acc.any / (double)r->runs;
        out->runs_with_failure = (uint64_t)r->acc.any;
        out->any_probability = p;
        out->any_std_error = sqrt(p * (1 - p) / (double)r->runs);
    }
    dist_release(&d);
    return 0;
}

static int summarise_money(crisk_money_loss *out, sim_run *r, const crisk_function_risk *fig)
{
    memset(out, 0, sizeof *out);
    out->given = r->m.has_loss;
    for (size_t i = 0; i < r->m.n_fn; i++)
        out->bound += r->m.lph[i] * r->m.hours[0];
    if (!out->given)
        return 0;
    dist d;
    int rc = r->full ? dist_make(&d, r->xmoney, r->xweight, r->n_lanes)
                     : dist_make(&d, r->money, NULL, (size_t)r->runs);
    if (rc != 0)
        return -1;
    dist_mean(&d, &out->mean, &out->mean_std_error);
    out->mean_exact = r->full || all_exact(r);
    if (!r->full && all_exact(r)) {
        out->mean = 0;
        for (size_t i = 0; i < r->m.n_fn; i++)
            out->mean += r->m.lph[i] * fig[i].downtime;
        out->mean_std_error = 0;
    }
    out->p50 = dist_quantile(&d, 500);
    out->p90 = dist_quantile(&d, 900);
    out->p95 = dist_quantile(&d, 950);
    out->p99 = dist_quantile(&d, 990);
    out->p999 = dist_quantile(&d, 999);
    out->max = dist_max(&d);
    out->exact = r->full;
    out->n_curve = curve_grid(out->bound, out->curve_x);
    for (size_t c = 0; c < out->n_curve; c++) {
        double p = dist_exceed(&d, out->curve_x[c]);
        out->curve_p[c] = p;
        out->curve_std_error[c] = r->full ? 0 : sqrt(p * (1 - p) / (double)r->runs);
    }
    dist_release(&d);
    return 0;
}

typedef struct risk_key {
    const char *id;
    size_t index;            /* function index */
    double probability;
} risk_key;

static int compare_risk(const void *pa, const void *pb)
{
    const risk_key *a = pa, *b = pb;
    if (a->probability != b->probability)
        return a->probability > b->probability ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The functions in output order: probability desc, id. */
static int function_order(const sim_run *r, const crisk_function_risk *fig, uint32_t *order)
{
    size_t n = r->m.n_fn;
    risk_key *keys = malloc((n + 1) * sizeof *keys);
    if (keys == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        keys[i] = (risk_key){ r->inv->id[r->m.fn[i]], i, fig[i].probability };
    crisk__sort(keys, n, sizeof *keys, compare_risk);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)keys[i].index;
    free(keys);
    return 0;
}

static double provider_q(const crisk_inventory *inv, size_t v)
{
    double p = inv->probability[v];
    return isnan(p) ? 0 : p > 1 ? 1 : p;
}

static void function_importance(const sim_run *r, size_t k, size_t i, crisk_importance *out)
{
    double n;
    const sim_acc *a = source_of(r, i, &n);
    size_t S = r->m.n_stages, at = k * r->m.n_fn + i;
    moments mo = { .n = n };
    for (size_t s = 0; s < S; s++) {
        mo.a += a->imp_a[at * S + s];
        mo.b += a->imp_b[at * S + s];
        mo.f += a->down[i * S + s];
    }
    mo.aa = mo.a;
    mo.bb = mo.b;
    mo.ff = mo.f;
    mo.ab = a->imp_ab[at];
    mo.af = a->imp_af[at];
    mo.bf = a->imp_bf[at];
    importance_from(out, &mo, provider_q(r->inv, r->m.imp[k]), a == &r->xacc);
    out->provider = r->m.imp[k];
    out->target = r->m.fn[i];
}

static void loss_importance(const sim_run *r, size_t k, const crisk_function_risk *fig,
                            crisk_importance *out)
{
    moments mo = { 0 };
    int exact = r->full || all_exact(r);
    const sim_acc *a = exact ? &r->xacc : &r->acc;
    const double *mom = &a->loss_mom[k * SIM_LOSS_MOMENTS];
    if (r->full || !exact) {
        mo = (moments){ r->full ? a->total : (double)r->runs, mom[SIM_LA], mom[SIM_LB], a->lf,
                        mom[SIM_LAA], mom[SIM_LBB], a->lff, mom[SIM_LAB], mom[SIM_LAF],
                        mom[SIM_LBF] };
    } else {
        /* every function exact, each in its own group: the loss is a sum over
         * functions, so its expectations are the sums of theirs */
        size_t S = r->m.n_stages;
        mo.n = 1;
        for (size_t i = 0; i < r->m.n_fn; i++) {
            size_t at = k * r->m.n_fn + i;
            for (size_t s = 0; s < S; s++) {
                mo.a += r->m.lph[i] * r->m.hours[s] * a->imp_a[at * S + s];
                mo.b += r->m.lph[i] * r->m.hours[s] * a->imp_b[at * S + s];
            }
            mo.f += r->m.lph[i] * fig[i].downtime;
        }
        mo.aa = mo.a * mo.a;
        mo.bb = mo.b * mo.b;
        mo.ff = mo.f * mo.f;
        mo.ab = mo.a * mo.b;
        mo.af = mo.a * mo.f;
        mo.bf = mo.b * mo.f;
    }
    importance_from(out, &mo, provider_q(r->inv, r->m.imp[k]), exact);
    out->provider = r->m.imp[k];
    out->target = CRISK_IMPORTANCE_TOTAL_LOSS;
}

static int summarise(crisk_simulation *s, sim_run *r)
{
    size_t n_fn = r->m.n_fn, K = r->m.n_imp;
    crisk_function_risk *fig = malloc((n_fn + 1) * sizeof *fig);
    uint32_t *order = malloc((n_fn + 1) * sizeof *order);
    s->functions = malloc((n_fn + 1) * sizeof *s->functions);
    s->importance = malloc((K * (n_fn + 1) + 1) * sizeof *s->importance);
    int rc = fig && order && s->functions && s->importance ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n_fn; i++)
        function_figures(r, i, &fig[i]);
    if (rc == 0)
        rc = function_order(r, fig, order);
    for (size_t j = 0; rc == 0 && j < n_fn; j++)
        s->functions[j] = fig[order[j]];
    s->n_functions = n_fn;
    for (size_t k = 0; rc == 0 && k < K; k++) {
        if (r->m.has_loss)
            loss_importance(r, k, fig, &s->importance[s->n_importance++]);
        for (size_t j = 0; j < n_fn; j++)
            function_importance(r, k, order[j], &s->importance[s->n_importance++]);
    }
    if (rc == 0)
        rc = summarise_criticality(&s->loss, r, fig);
    if (rc == 0)
        rc = summarise_money(&s->money, r, fig);
    free(fig);
    free(order);
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
    sim_acc_release(&r->xacc);
    free(r->xcrit);
    free(r->xmoney);
    free(r->xweight);
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
        rc = run_exact(&r, err);
    if (rc == CRISK_OK && r.full)
        r.runs = 0;
    if (rc == CRISK_OK && !r.full)
        rc = sample(&r, err);
    if (rc == CRISK_OK && summarise(s, &r) != 0)
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
    free(s->functions);
    free(s->importance);
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
const crisk_loss_summary *crisk_simulation_loss(const crisk_simulation *s) { return &s->loss; }
const crisk_money_loss *crisk_simulation_money(const crisk_simulation *s) { return &s->money; }
double crisk_simulation_default_recovery(const crisk_simulation *s) { return s->default_recovery; }
size_t crisk_simulation_default_recovery_nodes(const crisk_simulation *s) { return s->default_nodes; }
size_t crisk_simulation_exact_functions(const crisk_simulation *s) { return s->exact_functions; }
size_t crisk_simulation_exact_nodes(const crisk_simulation *s) { return s->exact_nodes; }

const crisk_function_risk *crisk_simulation_functions(const crisk_simulation *s, size_t *count)
{
    *count = s->n_functions;
    return s->functions;
}

const crisk_importance *crisk_simulation_importance(const crisk_simulation *s, size_t *count)
{
    *count = s->n_importance;
    return s->importance;
}
