/*
 * scenarios.h - the scenario engine on a topology already built (private:
 * for the library's own callers that hold an analysis).
 */
#ifndef CRISK_SCENARIOS_INTERNAL_H
#define CRISK_SCENARIOS_INTERNAL_H

#include "chainrisk/chainrisk.h"

struct crisk__topo;

/* crisk_scenarios_run(), sweeping on `topo` (borrowed; e.g. the analysis'
 * own, crisk__analysis_topology) instead of building the topology of
 * `inv` once more; a NULL topo, or one of another inventory, is built as
 * crisk_scenarios_run() does.  Same results either way. */
int crisk__scenarios_run_on(crisk_scenario_run **out, const crisk_inventory *inv,
                            const struct crisk__topo *topo, const crisk_scenario_set *set,
                            const crisk_scenario_options *opts, crisk_error *err);

#endif
