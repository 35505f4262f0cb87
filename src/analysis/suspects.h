/*
 * suspects.h - each function's probability of being down when some
 * failures are confirmed and others only suspected (private; the engine of
 * `incident --suspect`, crisk_incident_run).
 */
#ifndef CRISK_SUSPECTS_H
#define CRISK_SUSPECTS_H

#include "model/model.h"

typedef struct crisk__suspects {
    /* in */
    const uint32_t *down;           /* confirmed initial failures */
    size_t n_down;
    const uint32_t *const *nodes;   /* suspect i fails nodes[i][0..counts[i]) together */
    const size_t *counts;
    const double *p;                /* with probability p[i], 0 < p < 1, independently */
    size_t k;
    const uint32_t *fn;             /* the functions to evaluate */
    size_t n_fn;
    size_t exact_max;               /* enumerate when k <= exact_max */
    uint64_t runs, seed;            /* Monte Carlo otherwise */
    /* out: arrays the caller allocates */
    double *p_down, *p_se;          /* n_fn: P(down), its standard error (0 exact) */
    double *swing, *swing_se;       /* n_fn * k, [f * k + i]: P(down | i down) - P(down | i up) */
    int exact;                      /* 1: enumerated */
    uint64_t evaluated;             /* states (2^k) or runs */
} crisk__suspects;

/* Exact: the 2^k states of the suspects, 512 per sweep of the
 * bit-parallel engine (lane j of sweep s is the state whose low 9 bits are
 * j and whose high bits are s), each weighted by the product of its
 * suspects' p or 1 - p; the weights factor into a lane part and a sweep
 * part, so a function's sums cost one pass over its failed lanes.
 * Monte Carlo: `runs` runs, each suspect drawn per run (rng.h, one stream
 * per block of 64 runs, as simulate.c), 512 runs per sweep.  The
 * confirmed nodes are seeded in every lane.  Errors: CRISK_ENOMEM, igraph
 * failures.  Time O(sweeps * (nodes touched + n_fn * 512)). */
int crisk__suspects_run(const crisk_inventory *inv, crisk__suspects *s, crisk_error *err);

#endif
