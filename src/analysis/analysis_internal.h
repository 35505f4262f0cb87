/*
 * analysis_internal.h - what analysis.c shares with the rest of the folder
 * (private).
 */
#ifndef CRISK_ANALYSIS_INTERNAL_H
#define CRISK_ANALYSIS_INTERNAL_H

#include <stdint.h>

#include "chainrisk/chainrisk.h"

/* Position of `node` among the inventory's ids in byte order (strcmp):
 * the analysis sorts them once, so callers order nodes by id with integer
 * comparisons.  O(1). */
uint32_t crisk__analysis_id_rank(const crisk_analysis *a, size_t node);
/* The same for every node: node -> its position.  Borrowed. */
const uint32_t *crisk__analysis_id_ranks(const crisk_analysis *a);

/* The threads the analysis was allowed (its --threads; one per CPU when
 * not given), for the outputs that format rows on as many. */
size_t crisk__analysis_threads(const crisk_analysis *a);

/* Whether the analysis ran with keep_spofs / keep_false_redundancy /
 * keep_fingerprints. */
enum crisk__kept { CRISK__KEPT_SPOFS, CRISK__KEPT_FALSE_REDUNDANCY, CRISK__KEPT_FINGERPRINTS };
int crisk__analysis_keeps(const crisk_analysis *a, enum crisk__kept what);

/* The fingerprints of `node` (keep_fingerprints): of the functions its lone
 * failure takes down, and of those of them it breaches (rto_hours below its
 * recovery_hours) - sums of the hashes of their ids, so equal sets in two
 * inventories give equal values.  O(1). */
void crisk__analysis_fingerprint(const crisk_analysis *a, size_t node, uint64_t *impact,
                                 uint64_t *breach);

/* The topology the analysis' sweeps ran on, kept (keep_topology,
 * keep_fingerprints) for what sweeps again (a diff, joint failures, tier-1
 * lists), so that none builds it once more; NULL when not kept.  Borrowed:
 * valid while the analysis is.  O(1). */
struct crisk__topo;
const struct crisk__topo *crisk__analysis_topology(const crisk_analysis *a);

/* What the analysis' sweeps found for the no_spof and no_breach rules of
 * `p` (in crisk__pair_rules_of's order), when it ran with
 * crisk_analysis_options.policy == p; otherwise NULL, and the check scans
 * the pairs itself (pair_scan.h).  Such an analysis counts every
 * function's SPOFs (crisk_analysis_spof_count).  Borrowed.  O(1). */
struct crisk__pair_rule;
const struct crisk__pair_rule *crisk__analysis_policy_pairs(const crisk_analysis *a,
                                                            const crisk_policy *p, size_t *n);

/* crisk_concentration_compute, with the joint impact of each entity
 * (joint_*) only when `joint`: otherwise 0 and NaN, and no scenario is run
 * - the markets' figures (HHI, top shares) and the rows' shares do not
 * need it, and for parents and countries it costs a sweep per batch of
 * entities. */
int crisk__concentration_compute(crisk_concentration **out, const crisk_analysis *a,
                                 crisk_concentration_by by, int joint, crisk_error *err);

#endif
