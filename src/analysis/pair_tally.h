/*
 * pair_tally.h - the no_spof and no_breach rules' findings, counted and the
 * first few kept, as (function, node) pairs are offered one by one
 * (private; filled by the analysis' sweeps or by pair_scan.c's, read by
 * check.c).
 */
#ifndef CRISK_PAIR_TALLY_H
#define CRISK_PAIR_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "chainrisk/chainrisk.h"

/* A finding's key: (function's id rank << 32) | node's id rank, so keys
 * sort as a rule lists its findings (functions by id, then nodes by id).
 * A breach rule's function without rto_hours has one finding, "cannot be
 * judged", keyed with node rank PAIR_SCAN_FUNCTION. */
#define PAIR_SCAN_FUNCTION UINT32_MAX

typedef struct crisk__pair_rule {
    /* what the rule asks */
    int breach;                 /* 0: no_spof; 1: no_breach */
    double min_criticality;     /* functions in scope: criticality >= this */
    unsigned substitutability;  /* no_spof: bit s set = only SPOFs of substitutability s;
                                 * 0 = every SPOF */
    /* what the scan found */
    uint64_t *kept;             /* the smallest keys, ascending (malloc'ed) */
    size_t n_kept;
    size_t violations, unknown; /* every finding, kept or not */
} crisk__pair_rule;

/* The no_spof and no_breach rules of `p` as pair rules, in the policy's
 * order: rules[0..*n) (room for p's rule count), and rule_of[i] the pair
 * rule of p's rule i (meaningful for those two kinds). */
void crisk__pair_rules_of(const crisk_policy *p, crisk__pair_rule *rules, size_t *rule_of,
                          size_t *n);

/* Findings while pairs are offered: per rule, counts and a bounded heap of
 * the smallest keys, so what is kept does not depend on the order the
 * pairs come in.  One per thread, merged at the end.  The analysis fills
 * them from its own sweeps when asked to (crisk_analysis_options.policy);
 * the scan (pair_scan.h), from sweeps of its own. */
typedef struct crisk__pair_heap {
    uint64_t *key;
    size_t n, cap;
} crisk__pair_heap;

typedef struct crisk__pair_tally {
    const uint32_t *id_rank;            /* node -> its place among the ids (the keys) */
    const crisk_inventory *inv;
    const crisk__pair_rule *rules;      /* what the rules ask; findings go below */
    size_t n_rules;
    double min_criticality;             /* the smallest of the rules': no pair of a
                                         * function below it counts */
    crisk__pair_heap *heaps;            /* per rule */
    size_t *violations, *unknown;       /* per rule */
    uint32_t *spofs;                    /* per node, or NULL: SPOFs counted per function */
} crisk__pair_tally;

/* A tally for rules[0..n) keeping `keep` findings each, counting SPOFs per
 * function when `spofs`.  Returns CRISK_OK or CRISK_ENOMEM (err set; the
 * tally can be released). */
int crisk__pair_tally_init(crisk__pair_tally *t, const crisk_inventory *inv,
                           const uint32_t *id_rank, const crisk__pair_rule *rules, size_t n,
                           size_t keep, int spofs, crisk_error *err);

/* Pair (f, p): node p's lone failure takes function f down.  O(rules). */
void crisk__pair_offer(crisk__pair_tally *t, uint32_t f, uint32_t p);

/* Add what `from` found to `into` (same rules). */
void crisk__pair_tally_merge(crisk__pair_tally *into, const crisk__pair_tally *from);

/* After every pair: a breach rule's function without rto_hours that some
 * node takes down (spofs[f] > 0) is one finding that cannot be judged; then
 * the findings are moved into rules[] (kept ascending).  The tally keeps
 * only what is left to release. */
void crisk__pair_tally_finish(crisk__pair_tally *t, crisk__pair_rule *rules,
                              const uint32_t *spofs);

void crisk__pair_tally_release(crisk__pair_tally *t);

/* Free what a scan kept in each rule. */
void crisk__pair_rules_release(crisk__pair_rule *rules, size_t n);

#endif
