/*
 * sim_run.h - the state of one crisk_simulate_run, shared by its steps
 * (private): the model and topology (simulate.c), the sampled sums
 * (simulate.c), the exact groups (sim_exact.c) and the summaries
 * (sim_summary.c).
 */
#ifndef CRISK_SIM_RUN_H
#define CRISK_SIM_RUN_H

#include "sim_sweep.h"

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
    uint64_t *fn_imp;         /* per exact function: bit k = it depends on provider k */
    size_t exact_functions, exact_nodes;
    int full;                 /* one enumeration holds every function */
    sim_acc xacc;             /* exact sums (each group's weights add to 1) */
    double *xcrit, *xmoney, *xweight;   /* per lane of the full enumeration */
    size_t n_lanes;
} sim_run;

/* Strictly between 0 and 1: the nodes whose state is uncertain. */
static inline int sim_is_probabilistic(double p)
{
    return p > 0 && p < 1;
}

/* One block of a simulation as its sweep sees it, for tests that hold the
 * sweep to the one definition of downtimes (downtime.c): the lanes' draws
 * and every function's downtime, in the base world and in each importance
 * provider's flipped world. */
typedef struct sim_trace {
    size_t n_fn, n_seeds, n_worlds;   /* worlds: the base, then one per provider */
    uint32_t *fn;          /* per function: its node */
    uint32_t *seed;        /* per seed: its node */
    double *seed_hours;    /* per seed: how long it is down when it fails */
    uint32_t *world_node;  /* per world: the provider flipped (UINT32_MAX: base) */
    uint64_t valid;        /* the block's lanes */
    uint64_t *fails;       /* [world * n_seeds + e]: lanes in which seed e fails at the onset */
    double *downtime;      /* [(world * n_fn + i) * 64 + lane]: hours down, -1 = up */
} sim_trace;

/* Draw block `block` of the simulation crisk_simulate_run(inv, o) samples
 * (the same draws, with o->exact ignored) and sweep it.  Errors as
 * crisk_simulate_run. */
int  crisk__simulate_trace(sim_trace *out, const crisk_inventory *inv,
                           const crisk_simulate_options *o, uint64_t block, crisk_error *err);
void crisk__sim_trace_release(sim_trace *t);

#endif
