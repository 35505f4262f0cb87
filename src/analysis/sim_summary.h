/*
 * sim_summary.h - the figures of a simulation, from its sums (private;
 * sim_summary.c).
 */
#ifndef CRISK_SIM_SUMMARY_H
#define CRISK_SIM_SUMMARY_H

#include "sim_run.h"

/* What crisk_simulation hands out. */
typedef struct sim_results {
    crisk_function_risk *functions;   /* sorted by probability desc, id */
    size_t n_functions;
    crisk_loss_summary loss;
    crisk_money_loss money;
    crisk_importance *importance;
    size_t n_importance;
} sim_results;

/* Fill `s` from r's sums: function figures (exact ones from r->xacc), the
 * loss distributions (sorting r's per-run arrays in place) and every
 * importance row.  The arrays are malloc'ed into `s` (freed by the caller,
 * also on failure).  Returns 0, or -1 when out of memory. */
int sim_summarise(sim_results *s, sim_run *r);

#endif
