/*
 * propagate.h - the batched failure-propagation engine (private).
 *
 * Evaluates up to CRISK__SCENARIOS failure scenarios at once: every node
 * carries two masks of CRISK__W 64-bit words, bit s set when the node has
 * failed in scenario s.
 *   `all`   - AND semantics for every edge: the node fails when any of its
 *             dependencies fails.  Its failed set is the ancestor set, which
 *             gives dependants / functions / exposure.
 *   `grp`   - DESIGN §4 semantics: the node fails when one of its groups has
 *             fewer than `need` working members.  Gives impact.
 * Work is restricted to the nodes a change can reach: a node is evaluated
 * only when one of its dependencies changed, in topological order of the
 * strong components (dependencies first), so outside cycles each touched
 * node is evaluated once per batch.  Inside a strong component evaluation
 * repeats until nothing changes; masks only grow, so this reaches the least
 * fixed point.
 */
#ifndef CRISK_PROPAGATE_H
#define CRISK_PROPAGATE_H

#include "model.h"

/* Words per mask.  Wider sweeps mean fewer sweeps over shared ancestors
 * but more work per node visited.  On a generated 100k-node inventory
 * (quiet machine, user CPU of the analysis): 1 word 7.5 s, 2 words 8.6 s,
 * 4 words 6.5 s, 8 words 6.8 s; 4 is kept (docs/performance.md). */
#define CRISK__W 4
#define CRISK__SCENARIOS (64 * CRISK__W)

typedef struct crisk__mask {
    uint64_t w[CRISK__W];
} crisk__mask;

typedef struct crisk__prop {
    const crisk_inventory *inv;
    uint32_t *pos;          /* node -> position in topological order */
    uint32_t *order;        /* position -> node */
    crisk__mask *all, *grp; /* failure masks per node */
    crisk__mask *init;      /* initial-failure mask per node in the current batch */
    uint64_t *sched;        /* bitmap over positions: to evaluate */
    uint32_t *touched;      /* nodes whose masks are non-zero in this batch */
    size_t n_touched;
    uint8_t *is_touched;
    int want_all;           /* compute the `all` masks too */
    const uint8_t *region;  /* if not NULL, only nodes with region[v] != 0 are
                             * evaluated; the region must hold every
                             * dependency of its nodes for exact results */
} crisk__prop;

/* Build the topological order (strong components through igraph).
 * O(V + E). */
int  crisk__prop_init(crisk__prop *p, const crisk_inventory *inv, crisk_error *err);
void crisk__prop_release(crisk__prop *p);

/* Reset the masks of the previous batch (O(touched)). */
void crisk__prop_clear(crisk__prop *p);

/* Mark `node` failed initially in the scenarios of `mask`. */
void crisk__prop_seed(crisk__prop *p, uint32_t node, const crisk__mask *mask);

/* Mark `node` failed initially in scenario `s` alone. */
void crisk__prop_seed_one(crisk__prop *p, uint32_t node, size_t s);

/* Propagate the seeded failures to the least fixed point. */
void crisk__prop_run(crisk__prop *p);

/* Scenarios in which group g has fewer than `need` working members, given
 * the current `grp` masks. */
void crisk__prop_group_fails(const crisk__prop *p, uint32_t g, crisk__mask *out);

/* A mask with the first `count` scenarios set. */
void crisk__mask_first(crisk__mask *m, size_t count);

#endif
