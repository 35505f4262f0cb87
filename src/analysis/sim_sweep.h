/*
 * sim_sweep.h - the sweeps behind crisk_simulate_run (private).
 *
 * A *block* is 64 scenarios side by side (lanes): 64 random runs, or 64
 * assignments of an exact enumeration.  Each node that can fail on its own
 * (a *seed*) has one 64-bit word per block: the lanes in which it fails
 * initially.  A *variant* of a block forces one importance provider: it
 * flips that provider's word, so every lane is evaluated with the provider
 * down and up - the one that agrees with the draw is the base run itself
 * (common random numbers).  A sweep of the propagation engine carries
 * CRISK__W words: several blocks with their variants, or one block with up
 * to SIM_BATCH variants.
 *
 * Durations (DESIGN §4) by threshold decomposition: the nodes down for at
 * least t hours are the §4 cascade of the initial failures lasting at least
 * t.  The distinct recovery values are the *stages*, longest first; the
 * seeds of each stage are added to the same propagation in turn, and a lane
 * in which a function first fails at stage s is down for stage s's hours.
 * So a sweep costs one propagation per stage that has seeds, and every
 * result is exact for the recovery values given.  This is downtime.c's rule
 * (the one definition, there fed one failure at a time) on 64 * CRISK__W
 * lanes; tests/test_sim_downtime.c holds every lane of sampled blocks to
 * crisk_downtime_run through crisk__simulate_trace (sim_run.h).
 */
#ifndef CRISK_SIM_SWEEP_H
#define CRISK_SIM_SWEEP_H

#include "propagate.h"

/* Importance variants per sweep beside the base: with the base they fill
 * the CRISK__W words of one block exactly. */
#define SIM_BATCH (CRISK__W - 1)

/* What every sweep of one simulation shares; read-only once built. */
typedef struct sim_model {
    const crisk_inventory *inv;
    size_t n_fn;
    uint32_t *fn;          /* functions, in index order */
    double *crit;          /* per function: criticality */
    double *lph;           /* per function: loss_per_hour, 0 when not given */
    double *rto;           /* per function: rto_hours, NaN when not given */
    int has_loss;          /* some function has loss_per_hour > 0 */
    size_t n_stages;
    double *hours;         /* per stage: hours down, distinct, descending */
    uint32_t *stage_of;    /* per node: its stage (seedable nodes only) */
    size_t n_imp;
    uint32_t *imp;         /* importance providers, as given */
} sim_model;

/* The nodes a sweep seeds, in node order, with their stages, and the
 * importance providers its variants flip: imp_list (indices k into
 * sim_model.imp), each a seed at imp_seed[k]. */
typedef struct sim_seeds {
    size_t n;
    uint32_t *node;
    uint32_t *by_stage;     /* positions sorted by (stage, node) */
    size_t *stage_start;    /* per stage + 1: its range in by_stage */
    size_t n_imp_list;
    uint32_t *imp_list;     /* providers measured here by variants */
    uint32_t *imp_seed;     /* per provider k of the model: its position, or UINT32_MAX */
    size_t n_cond;
    uint32_t *cond_list;    /* providers measured by conditioning instead (below) */
    double *cond_q;         /* per entry of cond_list: the provider's probability */
} sim_seeds;

/* Seeds over nodes[0..n) (ascending) measuring the providers of the model
 * that are among them.  Returns 0 or -1 when out of memory. */
int  sim_seeds_init(sim_seeds *sd, const sim_model *m, const uint32_t *nodes, size_t n);
/* Measure provider k (a seed whose lanes are enumerated, 0 < q < 1) by
 * conditioning on its state instead of by variants: in an enumeration
 * every lane has a twin with the provider flipped, so the base lanes with
 * it down, weighted by 1/q, give the expectations with it forced down
 * (with it up, by 1/(1-q)).  Exact figures only: the joint sums of the
 * two worlds, which only standard errors need, are not formed. */
void sim_seeds_condition(sim_seeds *sd, size_t k, double q);
void sim_seeds_release(sim_seeds *sd);

/* Lane weights that factor as scale * lane[l]: an enumeration's low six
 * variables vary across the lanes of a block, the others only between
 * blocks.  byte[k][x] sums lane[] over the bits of x at lanes 8k..8k+7,
 * so the weight of a mask costs eight look-ups (sim_lane_weights_init). */
typedef struct sim_lane_weights {
    double lane[64];
    double byte[8][256];
} sim_lane_weights;

void sim_lane_weights_init(sim_lane_weights *w);

/* One block: valid lanes, lane weights (lw NULL: 1 each, i.e. random
 * runs; else scale * lw->lane[l]) and one failure word per seed. */
typedef struct sim_block {
    uint64_t valid;
    const sim_lane_weights *lw;
    double scale;
    uint64_t *word;         /* per seed */
} sim_block;

/* The weight of lane l of block b. */
static inline double sim_lane_weight(const sim_block *b, int l)
{
    return b->lw == NULL ? 1.0 : b->scale * b->lw->lane[l];
}

/* Weighted sums over lanes (with weights 1 they are counts, and exact as
 * doubles up to 2^53, whatever the order they are added in). */
typedef struct sim_acc {
    size_t n_fn, n_stages, n_imp;
    double total;           /* lanes' weight */
    double any;             /* some function of the set down */
    double *down;           /* [fn * n_stages + s]: first down at stage s */
    double *imp_a, *imp_b;  /* [(k * n_fn + fn) * n_stages + s]: the same with
                             * provider k forced down / forced up */
    double *imp_ab, *imp_af, *imp_bf;   /* [k * n_fn + fn]: both worlds down, a and the
                                         * base, b and the base */
    /* money loss per lane, L: base f, forced down a, forced up b */
    double lf, lff;                     /* sums of L_f and L_f^2 */
    double *loss_mom;                   /* [k * SIM_LOSS_MOMENTS] */
} sim_acc;

enum { SIM_LA, SIM_LB, SIM_LAA, SIM_LBB, SIM_LAB, SIM_LAF, SIM_LBF, SIM_LOSS_MOMENTS };

int  sim_acc_init(sim_acc *a, size_t n_fn, size_t n_stages, size_t n_imp);
void sim_acc_release(sim_acc *a);
/* a += b, member by member (in one fixed order). */
void sim_acc_add(sim_acc *a, const sim_acc *b);
void sim_acc_zero(sim_acc *a);

/* A propagation state and the scratch one sweep needs. */
typedef struct sim_sweeper {
    const sim_model *m;
    const sim_seeds *seeds;
    crisk__prop prop;
    const uint32_t *fns;    /* the functions collected (indices into m->fn) */
    size_t n_fns;
    crisk__mask *seen;      /* per collected function: lanes down so far */
    double (*loss)[64];     /* per word: money loss per lane */
    uint32_t *first_stage;  /* NULL, or set by the caller to record at
                             * [(word * n_fns + j) * 64 + lane] the stage at which
                             * collected function j first fails (UINT32_MAX: never):
                             * its downtime is m->hours[stage] (sim_trace) */
} sim_sweeper;

/* A sweeper over topology `t`, collecting functions fns[0..n_fns) (indices
 * into m->fn; the accumulators are indexed the same way).  `region` (per
 * node, or NULL) restricts propagation as crisk__prop_set_region does.
 * Returns CRISK_OK or CRISK_ENOMEM. */
int  sim_sweeper_init(sim_sweeper *sw, const sim_model *m, const sim_seeds *seeds,
                      const crisk__topo *t, const uint32_t *fns, size_t n_fns,
                      const uint8_t *region, crisk_error *err);
void sim_sweeper_release(sim_sweeper *sw);

/* Whether n_blocks blocks with n_var variants each fit one sweep. */
static inline int sim_fits(size_t n_blocks, size_t n_var)
{
    return n_blocks * (1 + n_var) <= CRISK__W;
}

/* Evaluate blocks[0..n_blocks) with the variants of the importance
 * providers imp_list[first_imp .. first_imp + n_var) and add to `acc`: the base figures when
 * `base` (once per block, whatever the batch), the importance figures of
 * those providers, and - when crit_out/money_out are not NULL - each
 * block's base criticality and money loss per lane at out[64 * b + lane]
 * (valid lanes only).  Lanes are taken in block order, so sums over them
 * follow the lanes' order.  Returns -1 when out of memory. */
int sim_sweep(sim_sweeper *sw, const sim_block *blocks, size_t n_blocks, size_t first_imp,
              size_t n_var, int base, sim_acc *acc, double *crit_out, double *money_out);

#endif
