/*
 * diff.h - what the two halves of the diff share (private): the diff
 * object, the node matching, and the growing of its change lists.
 *
 * diff.c compares the models (nodes, edges, groups) and runs the whole;
 * diff_risk.c compares what the analyses make of them, diff_spof.c the
 * single points of failure among that.  Side 0 is OLD,
 * side 1 NEW.  Helpers both halves use are inline here, so that neither
 * file calls the other's functions but diff.c calls diff_risk.c's entry.
 */
#ifndef CRISK_DIFF_INTERNAL_H
#define CRISK_DIFF_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/keyset.h"

#define DIFF_NONE UINT32_MAX

struct crisk_diff {
    const crisk_analysis *a[2];         /* OLD, NEW */
    const crisk_inventory *inv[2];
    crisk_diff_options opts;
    uint32_t *match[2];     /* match[s][v]: v's node on the other side, or DIFF_NONE */
    uint32_t *rank[2];      /* rank[s][v]: v's place among the ids of both sides in
                             * byte order; a node and its match share one */

    crisk_node_diff *nodes;            size_t n_nodes, cap_nodes;
    crisk_edge_diff *edges;            size_t n_edges, cap_edges;
    crisk_group_diff *groups;          size_t n_groups, cap_groups;
    /* SPOFs and breaches that appeared or were resolved, as sorted keys
     * (diff_spof.c): pairs[CRISK_DIFF_SPOFS], pairs[CRISK_DIFF_BREACHES] */
    crisk__keyset pairs[2];
    size_t pair_count[2][2];            /* [which][0 appeared, 1 resolved] */
    unsigned rank_bits;                 /* bits of a rank in a key */
    uint32_t *by_rank[2];               /* rank -> node of side s, or DIFF_NONE */
    crisk_move *moves;                 size_t n_moves, cap_moves;
    crisk_shared_diff *shared;         size_t n_shared, cap_shared;
    crisk_redundancy_diff *redundancy; size_t n_redundancy, cap_redundancy;
    crisk_market_diff *markets;        size_t n_markets, cap_markets;
};

/* Append one element to a change list; NULL when out of memory. */
#define CRISK__DIFF_PUSH(d, list)                                                         \
    (crisk__grow((void **)&(d)->list, &(d)->cap_##list, (d)->n_##list + 1,               \
                 sizeof *(d)->list) == 0                                                  \
         ? &(d)->list[(d)->n_##list++]                                                    \
         : NULL)

/* A node index for the public structs: DIFF_NONE becomes CRISK_DIFF_NONE. */
static inline size_t crisk__diff_index(uint32_t v)
{
    return v == DIFF_NONE ? CRISK_DIFF_NONE : (size_t)v;
}

/* Numbers the analysis computed are equal up to rounding: sums taken in
 * another order (nodes listed in another order) may differ in their last
 * bits without anything having changed.  NaN equals NaN. */
static inline int crisk__diff_close(double x, double y)
{
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    return x == y || fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y));
}

/* Sorting change lists: records are sorted through keys - two integers
 * and a string between them - so that no comparison needs a global
 * context.  Ties keep the order of collection (`index`). */
typedef struct crisk__diff_key {
    uint64_t a;
    const char *s;          /* NULL sorts as "" */
    uint64_t b;
    uint32_t index;
} crisk__diff_key;

static inline int crisk__diff_key_compare(const void *pa, const void *pb)
{
    const crisk__diff_key *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    int c = strcmp(x->s != NULL ? x->s : "", y->s != NULL ? y->s : "");
    if (c != 0)
        return c;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Put the `n` records of `size` bytes at `base` in the order of `keys`
 * (keys[i] describes record i; keys[i].index = i).  Returns 0, or -1 when
 * out of memory (records untouched). */
static inline int crisk__diff_sort(void *base, size_t n, size_t size, crisk__diff_key *keys)
{
    if (n < 2)
        return 0;
    unsigned char *copy = malloc(n * size);
    if (copy == NULL)
        return -1;
    crisk__sort(keys, n, sizeof *keys, crisk__diff_key_compare);
    for (size_t i = 0; i < n; i++)
        memcpy(copy + i * size, (unsigned char *)base + (size_t)keys[i].index * size, size);
    memcpy(base, copy, n * size);
    free(copy);
    return 0;
}

/* The second half (diff_risk.c): single points of failure and breaches
 * (through diff_spof.c), metric moves, shared Nth parties, false
 * redundancy, concentration.  Returns CRISK_OK or CRISK_ENOMEM (with `err`
 * set). */
int crisk__diff_risk(crisk_diff *d, crisk_error *err);

/* Single points of failure and breaches that appeared or were resolved,
 * into d->pairs, finished (diff_spof.c).  Returns CRISK_OK, CRISK_ENOMEM,
 * CRISK_EIO, CRISK_ELIMIT or an igraph failure of the engine's set-up. */
int crisk__diff_spofs(crisk_diff *d, crisk_error *err);

#endif
