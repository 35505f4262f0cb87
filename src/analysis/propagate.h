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
 *
 * Memory layout.  The sweep is bound by memory latency (a node reads the
 * masks of its dependencies, scattered over the whole graph), so the engine
 * works in *position* space: nodes are renumbered in that topological order,
 * every adjacency list is translated to positions once (crisk__topo, shared
 * read-only by any number of threads), and a node's two masks sit together
 * in one 64-byte cache line (crisk__state).  While one node is evaluated,
 * the next scheduled ones are fetched in stages (propagate.c,
 * "prefetching").  Callers speak node indices; the accessors below
 * translate.
 */
#ifndef CRISK_PROPAGATE_H
#define CRISK_PROPAGATE_H

#include "model/model.h"
#include "util/u32map.h"

/* Words per mask.  Wider sweeps mean fewer sweeps over shared ancestors
 * but more bytes per node visited.  Generated 1M-node inventory (CPU of
 * `rank`, masks in one block per node): 4 words 216 s (222 M nodes
 * touched), 8 words 104 s (143 M), 16 words 100 s (92 M) but 18 % more
 * memory; 8 is kept (docs/metrics.md). */
#define CRISK__W 8
#define CRISK__SCENARIOS (64 * CRISK__W)

typedef struct crisk__mask {
    uint64_t w[CRISK__W];
} crisk__mask;

/* Both masks of one node, side by side: two cache lines when CRISK__W is 8. */
typedef struct crisk__state {
    crisk__mask all, grp;
} crisk__state;

/* The graph in position space, built once; read-only afterwards.  Groups
 * and edges are renumbered too, so that the groups of consecutive positions
 * are consecutive ("topology groups"); group_id maps them back.  The groups
 * of one member (every edge without a `group`: 88 % of the groups of the
 * generated inventories) are no topology groups of their own: a node's
 * plain edges together are one topology group needing all of them, its
 * first, with group_id CRISK__PLAIN_GROUP.  12 bytes a group less: 83 MB
 * of rank's peak at 1M nodes and 9M groups. */
#define CRISK__PLAIN_GROUP UINT32_MAX


typedef struct crisk__topo {
    const crisk_inventory *inv;
    size_t n, n_groups;
    uint32_t *pos;          /* node -> position in topological order */
    uint32_t *order;        /* position -> node */
    uint32_t *group_start;  /* position -> its topology groups [group_start[q], group_start[q+1]) */
    uint32_t *group_id;     /* topology group -> inventory group, or CRISK__PLAIN_GROUP */
    uint32_t *need;         /* topology group -> need */
    uint32_t *member_start; /* topology group -> its members [member_start[g], member_start[g+1]) */
    uint32_t *member;       /* members, as positions */
    uint32_t *dep_start;    /* position -> its distinct dependants, as positions */
    uint32_t *dep;
    uint8_t *cyclic;        /* node -> 1 when its strong component has other nodes */
} crisk__topo;

int  crisk__topo_init(crisk__topo *t, const crisk_inventory *inv, crisk_error *err);

/* Whether topology group g is a redundancy group: a named group of two
 * members or more, the only kind false redundancy can defeat. */
static inline int crisk__topo_redundant(const crisk__topo *t, uint32_t g)
{
    return t->group_id[g] != CRISK__PLAIN_GROUP && t->member_start[g + 1] - t->member_start[g] >= 2;
}
void crisk__topo_release(crisk__topo *t);

/* Chain links: up[v] = u when u is the only node that depends on v, v's
 * lone failure fails u (a group of u needing all of its members holds v)
 * and neither is on a cycle; else UINT32_MAX.  Then what fails with v is
 * v, u and what fails with u - so v's single points of failure follow
 * from u's (the analysis' chains, a diff's and a check's scans).  `up`
 * has room for n nodes.  O(V + E). */
void crisk__topo_links(const crisk__topo *t, uint32_t *up);

/* The order in which to sweep `nodes` (n of them, in place): a sweep costs
 * the union of its scenarios' failed sets, so nodes whose sets overlap
 * belong in the same batch (MinHash signatures, then topological
 * position; see propagate.c).  Only which scenarios share a sweep changes,
 * never a result.  Returns -1 when out of memory (nodes untouched).
 * O(V + E + n log n). */
int  crisk__topo_sweep_order(const crisk__topo *t, uint32_t *nodes, size_t n);

typedef struct crisk__prop {
    const crisk_inventory *inv;
    const crisk__topo *t;
    crisk__topo own;        /* the topology when this propagator built it */
    crisk__state *st;       /* failure masks per position */
    void *st_block;         /* the allocation `st` lies in (aligned inside it) */
    uint64_t *seeded;       /* bitmap over positions: seeded in this batch */
    crisk__u32map seed_slot; /* position -> slot in `seeds`.  Not an array over
                              * positions: that was 4 bytes a node per thread for
                              * 512 seeds a batch. */
    uint32_t *seed_pos;     /* position of each seed */
    crisk__mask *seeds;     /* initial-failure masks of the seeded positions */
    size_t n_seeds, cap_seeds, cap_seed_pos;
    uint64_t *live;         /* bitmap over positions: touched in this batch.  Masks
                             * of other positions are zero, and this bitmap (an
                             * eighth of a byte per node) answers that without
                             * fetching their cache lines. */
    uint64_t *sched;        /* bitmap over positions: to evaluate */
    uint32_t *touched;      /* positions whose masks are non-zero in this batch */
    size_t n_touched;
    int want_all;           /* compute the `all` masks too */
    int want_grp;           /* compute the `grp` masks (DESIGN §4); 0: the `all` masks
                             * alone (reachability: no group is evaluated, and a
                             * dependency's second cache line is never read) */
    uint8_t *region;        /* per position, or NULL: see crisk__prop_set_region */
    /* crisk__prop_keep_group_fails: the redundancy groups' failures as the
     * last run evaluated them */
    uint32_t *kept_slot;    /* topology group -> its row of kept_fails, or UINT32_MAX */
    crisk__mask *kept_fails;
    uint32_t *kept_epoch;   /* position -> the batch it was last evaluated in */
    uint32_t epoch;         /* this batch's number */
} crisk__prop;

/* Build the topology (strong components through igraph, on the nodes
 * that may lie on a cycle) and the state.  O(V + E). */
int  crisk__prop_init(crisk__prop *p, const crisk_inventory *inv, crisk_error *err);
/* The state only, over a topology someone else owns (one per thread). */
int  crisk__prop_init_shared(crisk__prop *p, const crisk__topo *t, crisk_error *err);
void crisk__prop_release(crisk__prop *p);

/* Only evaluate nodes with region[node] != 0 (n bytes, indexed by node);
 * the region must hold every dependency of its nodes for exact results.
 * The array is copied.  Returns -1 when out of memory. */
int  crisk__prop_set_region(crisk__prop *p, const uint8_t *region);
/* The same region given as its nodes: mark them (on = 1) or clear their
 * marks (on = 0), O(count).  The first call makes an empty region (every
 * node outside it).  A searcher that marks a region, sweeps, then clears
 * it pays for the region's nodes, not for the whole graph.  Returns -1
 * when out of memory. */
int  crisk__prop_mark_region(crisk__prop *p, const uint32_t *nodes, size_t count, int on);

/* Reset the masks of the previous batch (O(touched)). */
void crisk__prop_clear(crisk__prop *p);

/* Mark `node` failed initially in the scenarios of `mask`.  Returns -1 when
 * out of memory. */
int  crisk__prop_seed(crisk__prop *p, uint32_t node, const crisk__mask *mask);

/* Mark `node` failed initially in scenario `s` alone. */
int  crisk__prop_seed_one(crisk__prop *p, uint32_t node, size_t s);

/* Propagate the seeded failures to the least fixed point. */
void crisk__prop_run(crisk__prop *p);

/* Scenarios in which topology group g has fewer than `need` working
 * members, given the current `grp` masks. */
void crisk__prop_group_fails(const crisk__prop *p, uint32_t g, crisk__mask *out);

/* From now on, keep the failures of the redundancy groups (those of a
 * named group with two members or more) as the runs evaluate them, for
 * crisk__prop_kept_fails: finding false redundancy then reads what the
 * sweep computed, with the members' masks at hand, instead of fetching
 * them all again.  64 bytes per such group.  Returns -1 when out of
 * memory. */
int  crisk__prop_keep_group_fails(crisk__prop *p);

/* Whether the last run evaluated position q (crisk__prop_keep_group_fails
 * only).  When it did not, none of q's groups failed: a member that fails
 * schedules its dependants. */
static inline int crisk__prop_evaluated(const crisk__prop *p, uint32_t q)
{
    return p->kept_epoch[q] == p->epoch;
}

/* The failures of redundancy group g after the last run, valid when its
 * owner was evaluated (crisk__prop_evaluated). */
static inline const crisk__mask *crisk__prop_kept_fails(const crisk__prop *p, uint32_t g)
{
    return &p->kept_fails[p->kept_slot[g]];
}

/* A mask with the first `count` scenarios set. */
void crisk__mask_first(crisk__mask *m, size_t count);

/* Whether position q may have non-zero masks in this batch. */
static inline int crisk__prop_live(const crisk__prop *p, uint32_t q)
{
    return (int)((p->live[q >> 6] >> (q & 63)) & 1);
}

/* The masks of a node (by node index). */
static inline const crisk__mask *crisk__prop_grp(const crisk__prop *p, uint32_t node)
{
    return &p->st[p->t->pos[node]].grp;
}

static inline const crisk__mask *crisk__prop_all(const crisk__prop *p, uint32_t node)
{
    return &p->st[p->t->pos[node]].all;
}

/* The initial-failure mask of the node at position q (zero if not seeded). */
static inline crisk__mask crisk__prop_initial_at(const crisk__prop *p, uint32_t q)
{
    crisk__mask m = { { 0 } };
    if (!((p->seeded[q >> 6] >> (q & 63)) & 1))
        return m;
    return p->seeds[crisk__u32map_get(&p->seed_slot, q)];
}

#endif
