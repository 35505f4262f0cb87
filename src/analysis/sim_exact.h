/*
 * sim_exact.h - exact figures for the functions that depend on few
 * probabilistic nodes (private; sim_exact.c).
 */
#ifndef CRISK_SIM_EXACT_H
#define CRISK_SIM_EXACT_H

#include "sim_run.h"

/* Plan the exact groups of r's functions and enumerate each into r->xacc,
 * marking r->fn_exact and counting r->exact_functions and
 * r->exact_nodes.  When one group holds every function, r->full is set and
 * each lane's criticality and money lost and its weight are kept
 * (r->xcrit, r->xmoney, r->xweight over r->n_lanes) for the exact
 * distribution.  Errors: CRISK_ENOMEM.  Time O(2^k / 64 sweeps) per group
 * of k nodes, k <= CRISK_SIMULATE_EXACT_NODES. */
int sim_run_exact(sim_run *r, crisk_error *err);

#endif
