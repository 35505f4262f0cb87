/*
 * sim_exact.c - exact figures where they are cheap (issue 15 §4): the
 * functions whose failure depends on at most CRISK_SIMULATE_EXACT_NODES
 * probabilistic nodes are packed into groups, and each group's 2^k states
 * are enumerated as weighted lanes of the sweep engine (sim_exact.h).
 *
 * A function's failure depends only on the probabilistic nodes (0 < p < 1)
 * it reaches through its dependencies: nodes with p 0 or 1 are certain.
 * Groups are filled first fit, functions with the most nodes first, while
 * their union stays within the limit; each is enumerated over its own
 * region of the graph (what its functions depend on).  Assignment a of a
 * group is lane a % 64 of block a / 64: its six low variables vary across
 * a block's lanes, the others only between blocks, so a lane's weight is a
 * per-block scale times a per-lane factor and the weight of a mask costs
 * eight table look-ups (sim_lane_weights).  A measured provider that is a
 * variable needs no variant: its lanes come in pairs (sim_seeds_condition).
 * Rejected: inclusion of independent sub-trees - it needs the dependency
 * structure to be a tree, which shared providers (the point of the tool)
 * rarely allow.
 */
#include "sim_exact.h"
#include "sim_plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
 * exceed the work left in *budget (edge visits).  *providers gets bit k
 * for each measured provider k among the nodes (imp_of: per node, k or
 * -1), complete when the walk is. */
static size_t probabilistic_of(const crisk_inventory *inv, uint32_t f, uint32_t *stamp,
                               uint32_t mark, uint32_t *stack, uint32_t *out, uint64_t *budget,
                               const int8_t *imp_of, uint64_t *providers)
{
    size_t top = 0, count = 0;
    stack[top++] = f;
    stamp[f] = mark;
    *providers = 0;
    while (top > 0) {
        uint32_t v = stack[--top];
        if (imp_of[v] >= 0)
            *providers |= 1ull << imp_of[v];
        if (sim_is_probabilistic(inv->probability[v])) {
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
    int8_t *imp_of = malloc(inv->n + 1);
    r->fn_imp = calloc(n_fn + 1, sizeof *r->fn_imp);
    size_t n_c = 0, n_g = 0;
    uint64_t budget = 64 * (uint64_t)(inv->n + inv->n_edges);
    int rc = stamp && stack && c && g && imp_of && r->fn_imp ? 0 : -1;
    if (rc == 0) {
        memset(imp_of, -1, inv->n);
        for (size_t k = 0; k < r->m.n_imp; k++)
            imp_of[r->m.imp[k]] = (int8_t)k;
    }
    for (size_t i = 0; rc == 0 && i < n_fn; i++) {
        c[n_c].fn = (uint32_t)i;
        c[n_c].n_vars = probabilistic_of(inv, r->m.fn[i], stamp, (uint32_t)i + 1, stack,
                                         c[n_c].vars, &budget, imp_of, &r->fn_imp[i]);
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
    free(imp_of);
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
static void enumerate_block(const void *ctx, uint64_t b, sim_block *out)
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

/* Importance of providers a function does not depend on: it is the same
 * in both worlds, exactly (conditioning on such a provider's lanes would
 * leave rounding noise of the order of 1e-17 instead of 0). */
static void unaffected(sim_run *r, const group *g)
{
    size_t S = r->m.n_stages, n_fn = r->m.n_fn;
    for (size_t j = 0; j < g->n_fns; j++) {
        size_t i = g->fns[j];
        for (size_t k = 0; k < r->m.n_imp; k++) {
            if ((r->fn_imp[i] >> k) & 1)
                continue;
            size_t at = k * n_fn + i;
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
    uint64_t n_blocks = g->n_vars > 6 ? 1ull << (g->n_vars - 6) : 1;
    sim_plan plan = { &r->m, &seeds, &r->topo, g->fns, g->n_fns, region, enumerate_block, &en,
                      n_blocks, r->full ? r->xcrit : NULL, r->full ? r->xmoney : NULL, r->o, 0 };
    rc = sim_plan_run(&plan, &r->xacc, err);
    if (rc != CRISK_OK)
        goto out_quiet;
    if (r->full)
        for (uint64_t b = 0; b < n_blocks; b++) {
            double scale = block_scale(&en, b);
            for (int lane = 0; lane < 64; lane++)
                r->xweight[64 * b + (uint64_t)lane] = scale * en.lo.lane[lane];
        }
    unaffected(r, g);
out:
    if (rc == CRISK_ENOMEM)
        crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
out_quiet:
    sim_seeds_release(&seeds);
    free(region);
    free(nodes);
    free(en.var_of);
    free(en.fixed);
    return rc;
}

int sim_run_exact(sim_run *r, crisk_error *err)
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
