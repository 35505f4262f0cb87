/*
 * sim_plan.h - many blocks through the sweeps, on several threads
 * (private; sim_plan.c).
 */
#ifndef CRISK_SIM_PLAN_H
#define CRISK_SIM_PLAN_H

#include "sim_sweep.h"

/* Fills block b: its valid lanes, its weights and one word per seed.
 * Called from any thread, for any b, in any order: it must depend on b
 * alone. */
typedef void (*sim_block_fn)(const void *ctx, uint64_t b, sim_block *out);

/* Blocks [0, n_blocks) of one source, swept over topology `t` collecting
 * functions fns[0..n_fns) (sim_sweeper_init), with the variants of the
 * seeds' measured providers. */
typedef struct sim_plan {
    const sim_model *m;
    const sim_seeds *seeds;
    const crisk__topo *t;
    const uint32_t *fns;
    size_t n_fns;
    const uint8_t *region;        /* or NULL */
    sim_block_fn source;
    const void *ctx;
    uint64_t n_blocks;
    double *crit_out, *money_out; /* per lane at 64 * block + lane, or NULL */
    const crisk_simulate_options *o;   /* progress (when runs > 0) and threads */
    uint64_t runs;
} sim_plan;

/* Sweep the plan's blocks and add their sums to `acc`.  Blocks go in
 * chunks of SIM_CHUNK_BLOCKS, taken by o->threads threads (0: one per
 * online CPU) from a shared counter; each chunk sums into its own
 * accumulator from zero, and the chunks are added to `acc` in chunk order,
 * so the sums - and every figure - are the same bytes for any number of
 * threads.  Progress is reported from the calling thread.  Errors:
 * CRISK_ENOMEM. */
#define SIM_CHUNK_BLOCKS 64
int sim_plan_run(const sim_plan *p, sim_acc *acc, crisk_error *err);

#endif
