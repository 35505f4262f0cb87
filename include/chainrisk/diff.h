/*
 * chainrisk/diff.h - what changed between two snapshots of an inventory
 * (DESIGN §5, "Change over time"; docs/metrics.md, "Change over time").
 *
 * A diff compares two analyses, OLD and NEW, section by section: the model
 * (nodes, edges, redundancy groups) and what the analysis makes of it
 * (single points of failure, metric moves, shared Nth parties, false
 * redundancy, concentration, tolerance breaches).  Nodes are matched by
 * exact id: a renamed id is a removal plus an addition, and the two
 * changes name each other when the nodes have the same name.
 *
 * Every change refers to nodes and groups by their index in the inventory
 * of its side; CRISK_DIFF_NONE stands for "absent on that side".  Lists
 * come sorted (see each getter), so output is deterministic.
 *
 * Ownership: a diff borrows both analyses (and their inventories): free the
 * diff first.  Arrays the getters return are borrowed and live as long as
 * the diff.  Single points of failure and breaches, which can be far too
 * many for arrays, are read through cursors (crisk_diff_pairs_open).
 */
#ifndef CHAINRISK_DIFF_H
#define CHAINRISK_DIFF_H

#include <stddef.h>
#include "analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CRISK_DIFF_NONE ((size_t)-1)

/* What happened to a thing: it exists in NEW only, in OLD only, or in both
 * with something different.  For single points of failure and breaches,
 * ADDED reads "appeared" and REMOVED "resolved"; for shared Nth parties
 * and false redundancy, "appeared" and "disappeared". */
typedef enum crisk_change {
    CRISK_CHANGE_ADDED,
    CRISK_CHANGE_REMOVED,
    CRISK_CHANGE_CHANGED
} crisk_change;

/* ---- the model ----------------------------------------------------------- */

/* A node added, removed, or one field of a node changed (one entry per
 * changed field). */
typedef struct crisk_node_diff {
    crisk_change change;
    size_t old_node, new_node;      /* CRISK_DIFF_NONE where absent */
    crisk_node_field field;         /* CHANGED: which field */
    const char *attribute;          /* CRISK_FIELD_ATTRIBUTE: the column's name */
    const char *old_value, *new_value;  /* CRISK_FIELD_ATTRIBUTE: the values ("" = none) */
    size_t same_name;               /* ADDED: a removed node (OLD index) with the same
                                     * name; REMOVED: an added one (NEW index); else
                                     * CRISK_DIFF_NONE */
} crisk_node_diff;

/* An edge "from depends on to" in a group is identified by (from id, group
 * name, to id).  CHANGED: its `kind` label changed.  An edge is member
 * `*_member` of group `*_group` on each side. */
typedef struct crisk_edge_diff {
    crisk_change change;
    size_t old_group, old_member;   /* CRISK_DIFF_NONE where absent */
    size_t new_group, new_member;
} crisk_edge_diff;

/* Redundancy groups (those with a name) are identified by (dependant id,
 * group name).  CHANGED names one aspect per entry: the need, or the
 * members (as sets of ids; the order of the rows does not count). */
typedef enum crisk_group_field {
    CRISK_GROUP_FIELD_NONE,         /* an added or removed group */
    CRISK_GROUP_FIELD_NEED,
    CRISK_GROUP_FIELD_MEMBERS
} crisk_group_field;

typedef struct crisk_group_diff {
    crisk_change change;
    size_t old_group, new_group;    /* CRISK_DIFF_NONE where absent */
    crisk_group_field field;
} crisk_group_diff;

/* ---- what the analysis makes of it --------------------------------------- */

/* A (function, node) pair: a single point of failure of the function, or a
 * tolerance breach (the node's failure takes the function down and its
 * recovery_hours exceed the function's rto_hours).  ADDED: the pair holds in
 * NEW and not in OLD (appeared); REMOVED: the other way (resolved).  The
 * function or the node may exist on one side only. */
typedef struct crisk_pair_diff {
    crisk_change change;
    size_t old_function, new_function;   /* CRISK_DIFF_NONE where absent */
    size_t old_node, new_node;
} crisk_pair_diff;

/* Which of a provider's metrics moved. */
enum {
    CRISK_MOVED_IMPACT_WEIGHT = 1,
    CRISK_MOVED_EXPOSURE      = 2,
    CRISK_MOVED_TIER          = 4,
    CRISK_MOVED_BREACHES      = 8
};

/* A provider (a node that is not a function on either side) present on both
 * sides whose impact_weight, exposure, tier or breaches differ.  `size` is
 * the largest absolute change of the four numbers; a tier that appears or
 * disappears (a function now reaches the node, or no longer does) and
 * breaches that become known or unknown (recovery_hours given or taken
 * away) count 1. */
typedef struct crisk_move {
    size_t old_node, new_node;
    unsigned moved;                 /* CRISK_MOVED_* */
    double size;
} crisk_move;

/* A shared Nth party (tier >= 2, two or more tier-1 dependants: the list
 * crisk_analysis_shared gives) that appeared (ADDED) or disappeared
 * (REMOVED).  The node may exist on both sides. */
typedef struct crisk_shared_diff {
    crisk_change change;
    size_t old_node, new_node;      /* CRISK_DIFF_NONE where absent */
} crisk_shared_diff;

/* A redundancy group that is falsely redundant in NEW only (ADDED), in OLD
 * only (REMOVED), or on both sides but defeated by other nodes (CHANGED:
 * the count or the kept list of defeating nodes differs).  Its findings are
 * entries [first, first + count) of crisk_analysis_false_redundancy() of
 * each side (count 0 where it has none). */
typedef struct crisk_redundancy_diff {
    crisk_change change;
    size_t old_group, new_group;    /* CRISK_DIFF_NONE where absent */
    size_t old_first, old_count;
    size_t new_first, new_count;
} crisk_redundancy_diff;

/* Which of a market's figures moved. */
enum {
    CRISK_MOVED_SPEND_HHI     = 1,
    CRISK_MOVED_SPEND_TOP1    = 2,
    CRISK_MOVED_RELIANCE_HHI  = 4,
    CRISK_MOVED_RELIANCE_TOP1 = 8
};

/* A concentration market (crisk_concentration_compute) that exists on one
 * side only, or whose HHI or top-1 share moved on either basis.  A market
 * absent on a side has providers 0 and NaN figures there. */
typedef struct crisk_market_diff {
    crisk_change change;
    crisk_concentration_by by;
    const char *market;             /* a category name, or "all" */
    crisk_market old_market, new_market;
    unsigned moved;                 /* CRISK_MOVED_SPEND_HHI ... */
} crisk_market_diff;

/* ---- running a diff -------------------------------------------------------- */

typedef struct crisk_diff crisk_diff;

typedef struct crisk_diff_options {
    double min_change;      /* leave out provider moves whose size is below this; 0 = none */
    size_t pairs_in_memory; /* SPOF and breach changes held in memory (8 bytes each) before
                             * they go, as sorted runs, to a temporary file (see
                             * crisk_diff_pairs_open); 0 = CRISK_DIFF_PAIRS_IN_MEMORY */
    unsigned threads;       /* threads failing the dirty nodes again; 0 = one per online
                             * CPU (at most CRISK_ANALYSIS_MAX_THREADS); results do not
                             * depend on it */
} crisk_diff_options;

#define CRISK_DIFF_PAIRS_IN_MEMORY ((size_t)1 << 22)
#define CRISK_DIFF_OPTIONS_INIT { 0, 0, 0 }

/* Compare two analyses.  Both must have been run with keep_fingerprints and
 * keep_false_redundancy (CRISK_EUSAGE otherwise).  Numbers computed by the
 * analysis (metrics, concentration) count as moved when they differ by
 * more than one part in 10^9 (rounding of sums taken in another order is no
 * change); input values are compared exactly.
 * Single points of failure are compared node by node through the
 * fingerprints of the functions each node takes down: only nodes whose
 * fingerprints differ are failed again (on the propagation engine, 512 at a
 * time on opts->threads threads; a dirty node of a dependency chain that
 * holds on both sides takes the pairs of its chain's top instead), so that
 * part costs what changed, at worst one more sweep of each side; two
 * different sets have equal fingerprints with a chance of about 2^-64.  The rest is O((V + E) log d + F) over both sides, d the largest
 * out-degree and F the false-redundancy findings, plus O(C log C) to sort
 * the C changes of the model.  Memory O(V + E + C) - not O(P) for the P
 * (function, node) pairs that appeared or were resolved, which can be
 * hundreds of millions: at most pairs_in_memory of them are held, and the
 * rest go to a temporary file as sorted runs (2 to 3 bytes a pair), read
 * back merged by crisk_diff_pairs_next.  Errors: CRISK_EUSAGE,
 * CRISK_ENOMEM, CRISK_EIO (the temporary file), CRISK_ELIMIT (more than
 * 2^31 nodes on both sides together). */
int  crisk_diff_run(crisk_diff **out, const crisk_analysis *old_analysis,
                    const crisk_analysis *new_analysis, const crisk_diff_options *opts,
                    crisk_error *err);
void crisk_diff_free(crisk_diff *d);

const crisk_analysis *crisk_diff_old(const crisk_diff *d);
const crisk_analysis *crisk_diff_new(const crisk_diff *d);
const crisk_diff_options *crisk_diff_options_of(const crisk_diff *d);

/* Every change in every section below (0: the snapshots agree). */
size_t crisk_diff_count(const crisk_diff *d);

/* Added (by id), then removed (by id), then changed (by id, then field in
 * crisk_node_field order, attributes by name). */
const crisk_node_diff *crisk_diff_nodes(const crisk_diff *d, size_t *count);
/* Added, removed, changed; each by from id, group name, to id. */
const crisk_edge_diff *crisk_diff_edges(const crisk_diff *d, size_t *count);
/* Added, removed, changed; each by dependant id, group name, field. */
const crisk_group_diff *crisk_diff_groups(const crisk_diff *d, size_t *count);
/* By size desc, then id. */
const crisk_move *crisk_diff_moves(const crisk_diff *d, size_t *count);
/* Appeared (by id), then disappeared (by id). */
const crisk_shared_diff *crisk_diff_shared(const crisk_diff *d, size_t *count);
/* Appeared, disappeared, changed; each by dependant id, group name. */
const crisk_redundancy_diff *crisk_diff_false_redundancy(const crisk_diff *d, size_t *count);
/* By category (markets in category order), then parent, then country. */
const crisk_market_diff *crisk_diff_concentration(const crisk_diff *d, size_t *count);

/* ---- single points of failure and breaches, read in order ------------------ */

/* The (function, node) pairs that appeared or were resolved are not held
 * as arrays: on large inventories they are hundreds of millions (see
 * crisk_diff_run).  They are read, in order, through a cursor:
 *   CRISK_DIFF_SPOFS     by function id, appeared before resolved, node id;
 *   CRISK_DIFF_BREACHES  appeared before resolved, then function id, node id.
 * Several cursors may be open at once; each costs a small buffer per
 * sorted run.  Close them before freeing the diff. */
typedef enum crisk_diff_pairs_of {
    CRISK_DIFF_SPOFS,
    CRISK_DIFF_BREACHES
} crisk_diff_pairs_of;

/* How many pairs appeared (ADDED) and how many were resolved (REMOVED);
 * either pointer may be NULL. */
void crisk_diff_pair_counts(const crisk_diff *d, crisk_diff_pairs_of which, size_t *appeared,
                            size_t *resolved);

typedef struct crisk_diff_cursor crisk_diff_cursor;
/* Errors: CRISK_ENOMEM, CRISK_EIO. */
int  crisk_diff_pairs_open(crisk_diff_cursor **out, const crisk_diff *d, crisk_diff_pairs_of which,
                           crisk_error *err);
/* 1 and the next pair in *pair; 0 after the last; CRISK_EIO (reading the
 * temporary file failed). */
int  crisk_diff_pairs_next(crisk_diff_cursor *c, crisk_pair_diff *pair, crisk_error *err);
void crisk_diff_pairs_close(crisk_diff_cursor *c);

#ifdef __cplusplus
}
#endif
#endif
