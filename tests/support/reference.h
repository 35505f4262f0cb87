/*
 * reference.h - an independent, deliberately naive model of DESIGN §3-§5 for
 * tests.
 *
 * The engine (src/analysis/analysis.c, propagate.c, cascade.c) computes the
 * metrics with batched bit-parallel propagation over strong components.  This
 * module recomputes them straight from the definitions, written from DESIGN.md
 * alone without looking at the engine: a cascade is a loop of full passes over
 * every group until nothing changes (the least fixed point of §4), reachability
 * is one DFS per node.  It is slow on purpose - O(V * passes * E) for the
 * per-node impacts - so that it is obviously right; keep it that way.
 *
 * The model is plain arrays.  Node i of the model is node i of the inventory
 * ref_model_build() makes (the builder keeps input order).  Edges "from depends
 * on to": an edge whose `group` is empty is a group of its own with need 1;
 * edges leaving the same `from` with the same group label form one group.
 */
#ifndef CRISK_TEST_REFERENCE_H
#define CRISK_TEST_REFERENCE_H

#include <stddef.h>
#include <stdio.h>
#include "chainrisk/chainrisk.h"

#define REF_ID_MAX    24
#define REF_LABEL_MAX 8

typedef struct ref_node {
    char id[REF_ID_MAX];
    crisk_node_type type;
    double criticality;      /* >= 0 */
    double rto_hours;        /* NaN = not given */
    double recovery_hours;   /* NaN = not given */
    char parent[REF_LABEL_MAX];   /* "" = not given: its own group */
} ref_node;

typedef struct ref_edge {
    int from, to;                 /* node indices */
    char group[REF_LABEL_MAX];    /* "" = a group of its own */
    int need;                     /* 0 = not given (1) */
} ref_edge;

typedef struct ref_model {
    int n, m;
    int node_cap, edge_cap;
    ref_node *nodes;
    ref_edge *edges;
} ref_model;

void ref_model_init(ref_model *g);
void ref_model_release(ref_model *g);
void ref_model_copy(ref_model *dst, const ref_model *src);
/* Append a node (criticality 1, no rto/recovery) / an edge; return its index. */
int ref_add_node(ref_model *g, const char *id, crisk_node_type type);
int ref_add_edge(ref_model *g, int from, int to, const char *group, int need);
/* Remove edge e / node v (with its edges; later nodes shift down by one). */
void ref_remove_edge(ref_model *g, int e);
void ref_remove_node(ref_model *g, int v);
/* Make every group's need consistent and <= its size again (after removals). */
void ref_fix_needs(ref_model *g);

/* Build the inventory through the builder API.  Returns CRISK_OK; on failure
 * the first diagnostic is written into `why` (if not NULL). */
int ref_model_build(const ref_model *g, crisk_inventory **out, char *why, size_t why_size);

/* Print the model as nodes.csv / edges.csv text (for reproducing failures). */
void ref_model_print_csv(const ref_model *g, FILE *f);

/* ---- redundancy groups, derived from the edges -------------------------- */

typedef struct ref_group {
    int owner;
    char label[REF_LABEL_MAX];   /* "" for an unlabelled edge */
    int need;                    /* effective need, >= 1 */
    int size;
    int *members;                /* node indices, in edge order */
} ref_group;

typedef struct ref_groups {
    int count;
    ref_group *items;
} ref_groups;

void ref_groups_derive(ref_groups *out, const ref_model *g);
void ref_groups_release(ref_groups *gs);

/* ---- failure semantics (DESIGN §4) --------------------------------------- */

/* `failed` (n entries) holds the initial set on entry and the least fixed
 * point on return: repeated full passes until a pass changes nothing. */
void ref_cascade(const ref_model *g, const ref_groups *gs, unsigned char *failed);

/* Synchronous rounds: round[v] = 0 for the initial set, r if v's failure
 * follows from the nodes of rounds < r but not from those of rounds < r-1;
 * -1 = never fails.  Same fixed point as ref_cascade. */
void ref_cascade_rounds(const ref_model *g, const ref_groups *gs,
                        const unsigned char *initial, int *round);

/* Does group `gi` have fewer than `need` working members under `failed`? */
int ref_group_is_down(const ref_groups *gs, int gi, const unsigned char *failed);

/* ---- outage durations (DESIGN §4 "Durations") --------------------------- */

/* An initial failure: node v down for `hours` (NaN = unknown). */
typedef struct ref_outage {
    int node;
    double hours;
} ref_outage;

/* Every node's downtime: lo/hi in hours (hi INFINITY when unbounded),
 * lo_open when lo is "more than 0" (an unknown taken as some positive
 * time), failed = in the §4 cascade of all the initial nodes. */
typedef struct ref_downtime {
    double lo, hi;
    int lo_open, failed;
} ref_downtime;

/* The definition "at every instant": at each distinct time t (0 and every
 * given duration), the nodes down are the §4 cascade of the initial nodes
 * whose duration exceeds t; a node's downtime is the end of the last
 * interval in which it is down.  Unknowns are bounded by substituting a
 * time below every positive duration (lo) and one above all (hi). */
void ref_downtime_instants(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                           int n, ref_downtime *out);

/* The definition as a max/min system: D(v) = max(own, over its groups the
 * (size-need+1)-th largest member D), iterated from 0 until nothing
 * changes (the least fixed point).  Same substitution for unknowns. */
void ref_downtime_fixpoint(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                           int n, ref_downtime *out);

/* ---- metrics (DESIGN §5) ------------------------------------------------- */

typedef struct ref_metrics {
    long tier;
    size_t direct_dependants, dependants, functions;
    double exposure;
    size_t impact;
    double impact_weight, impact_share;
    int spof;
    long breaches;           /* -1: unknown, the node has no recovery_hours */
    size_t tier1_dependants;
} ref_metrics;

typedef struct ref_false_redundancy {
    int owner, group, shared, failed_members;   /* group = index into ref_groups */
} ref_false_redundancy;

typedef struct ref_analysis {
    int n;
    ref_groups groups;
    ref_metrics *metrics;            /* n */
    unsigned char *reaches;          /* n*n: reaches[u*n+v] = u depends on v, u != v */
    unsigned char *single;           /* n*n: single[p*n+v] = v fails when p alone fails */
    double total_criticality;
    size_t function_count;
    ref_false_redundancy *fr;
    size_t fr_count;
} ref_analysis;

void ref_analyse(ref_analysis *out, const ref_model *g);
void ref_analysis_release(ref_analysis *a);

/* SPOFs of function f: nodes != f whose lone failure fails f, sorted by id.
 * Returns the count; `out` needs room for n entries. */
size_t ref_spofs(const ref_analysis *a, const ref_model *g, int f, int *out);

/* Minimal pairs of function f, each ordered by id, the list sorted by (id,id).
 * Returns the pair count; *out (2*count ints) is malloc'd. */
size_t ref_spof_pairs(const ref_analysis *a, const ref_model *g, int f, int **out);

/* Shared dependencies: tier >= 2, tier1_dependants >= min, sorted by
 * tier1_dependants desc, exposure desc, id asc.  Returns the count; `out`
 * needs room for n entries. */
size_t ref_shared(const ref_analysis *a, const ref_model *g, size_t min, int *out);

/* Tier-1 nodes != v that depend on v, ascending by id.  `out` needs n. */
size_t ref_tier1_of(const ref_analysis *a, const ref_model *g, int v, int *out);

/* All nodes by impact_weight desc, exposure desc, id asc.  `out` needs n. */
void ref_ranking(const ref_analysis *a, const ref_model *g, int *out);

#endif
