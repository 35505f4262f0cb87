/*
 * pair_scan.h - counting an analysis' (function, node) single points of
 * failure and tolerance breaches against rules, keeping only the first
 * few, without the SPOF lists (private; check.c's `no_spof` and
 * `no_breach`).
 *
 * The SPOF lists of a generated 1M-node inventory hold about a billion
 * pairs (13.8 GB); a policy rule needs how many pairs break it and the
 * first CRISK_CHECK_KEEP of them.  So every node whose lone failure takes
 * a function down (impact > 0) is failed again, 512 at a time on the
 * propagation engine, and each pair is counted and offered to each rule's
 * bounded heap of the smallest keys: memory O(V + rules x keep), time one
 * sweep of those nodes.
 */
#ifndef CRISK_PAIR_SCAN_H
#define CRISK_PAIR_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "chainrisk/chainrisk.h"

#include "pair_tally.h"

/* Scan the pairs of `a` against rules[0..n), keeping at most `keep`
 * findings per rule, on up to `threads` threads (0: one per online CPU;
 * the findings do not depend on it).  *spofs (malloc'ed, one count per node, meaningful
 * for functions) receives how many nodes take each function down alone.
 * Returns CRISK_OK or CRISK_ENOMEM (err set); on error nothing is kept. */
int crisk__pair_scan(const crisk_analysis *a, crisk__pair_rule *rules, size_t n, size_t keep,
                     unsigned threads, uint32_t **spofs, crisk_error *err);

#endif
