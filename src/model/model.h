/*
 * model.h - the in-memory inventory (private).
 *
 * Data first: nodes are a structure of arrays indexed 0..n-1; strings live in
 * one arena (ids and names copied, low-cardinality strings interned).
 * Dependencies are stored once, grouped: the groups of node v are
 * [group_start[v], group_start[v+1]), the members of group g are
 * member[member_start[g] .. member_start[g+1]).  An edge without a `group`
 * is a group of its own with need 1.  The reverse direction keeps distinct
 * dependants only.
 */
#ifndef CRISK_MODEL_H
#define CRISK_MODEL_H

#include <igraph/igraph.h>
#include <stdint.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "util/suggest.h"
#include "util/util.h"

typedef struct crisk__source {
    const char *path, *kind;
    char sha256[65];
    uint64_t bytes;
    size_t rows;
    size_t input;              /* user-given input the file belongs to */
} crisk__source;

struct crisk_inventory {
    crisk__pool pool;

    size_t n;                  /* nodes */
    const char **id, **name, **country, **parent;   /* country/parent "" if not given */
    uint8_t *type, *category, *subst;
    double *criticality;       /* >= 0, default 1 */
    uint8_t *criticality_given; /* 1 if the input gave it, 0 for the default */
    double *rto, *recovery;    /* hours; NaN = not given */
    double *spend;             /* per year; NaN = not given */
    double *probability;       /* 0..1; NaN = not given */
    double *loss_per_hour;     /* currency units per hour down; NaN = not given */

    uint64_t *index;           /* id hash: (tag << 32) | node; UINT64_MAX = empty slot */
    size_t index_mask;

    size_t n_attrs;
    const char **attr_names;
    const char **attr_values;  /* n * n_attrs, row-major; NULL = "" */

    size_t n_groups, n_edges;
    uint32_t *group_start;     /* n + 1 */
    uint32_t *group_owner;     /* n_groups; built with mg_start (else crisk__group_owner) */
    uint32_t *need;            /* n_groups, 1 <= need <= size */
    uint32_t *group_name;      /* n_groups: number in `names` (crisk__group_name) */
    uint32_t *member_start;    /* n_groups + 1 */
    uint32_t *member;          /* n_edges: dependency (provider) node of each edge */
    uint32_t *edge_kind;       /* n_edges: number in `names` (crisk__edge_kind) */
    const char **names;        /* group and kind names, interned in `pool`, "" among them */
    size_t n_names;

    uint32_t *dep_start;       /* n + 1 */
    uint32_t *dep;             /* distinct dependants, ascending */

    uint32_t *mg_start, *mg_list;  /* member -> its groups (CSR); built on first cascade */
    crisk__suggest_index *suggest;   /* "did you mean" over `id`; built on first hint */

    crisk__source *sources;
    size_t n_sources;
    const char **notes;
    size_t n_notes;
};

/* An empty slot of the id index. */
#define CRISK__INDEX_EMPTY UINT64_MAX

/* The node whose id is `id` (of length `len`, hash crisk__hash(id, len)), or
 * UINT32_MAX.  Linear probing; a slot's tag (the high half of the hash)
 * rejects most other ids without touching their strings.  Inline: the
 * builder probes once per node and edge with the hash it already has. */
static inline uint32_t crisk__inventory_lookup_hashed(const crisk_inventory *inv, const char *id,
                                                      size_t len, uint64_t hash)
{
    if (inv->index == NULL)
        return UINT32_MAX;
    uint32_t tag = (uint32_t)(hash >> 32);
    size_t h = hash & inv->index_mask;
    for (;;) {
        uint64_t slot = inv->index[h];
        if (slot == CRISK__INDEX_EMPTY)
            return UINT32_MAX;
        uint32_t v = (uint32_t)slot;
        if ((uint32_t)(slot >> 32) == tag && memcmp(inv->id[v], id, len) == 0
            && inv->id[v][len] == '\0')
            return v;
        h = (h + 1) & inv->index_mask;
    }
}

/* The name of group g: "" if its edge had no group.  Names are numbers
 * (4 bytes a group and an edge instead of a pointer's 8: 77 MB of rank's
 * peak at ten million edges). */
static inline const char *crisk__group_name(const crisk_inventory *inv, size_t g)
{
    return inv->names[inv->group_name[g]];
}

/* The kind of edge e (an index into `member`): "" if none. */
static inline const char *crisk__edge_kind(const crisk_inventory *inv, size_t e)
{
    return inv->names[inv->edge_kind[e]];
}

/* The node whose group g is: the last node whose groups start at or before
 * g (one before it may have none).  O(log V): the model keeps no owner per
 * group (4 bytes a group, 36 MB at 9M groups) except for cascades, which
 * build `group_owner` with their member -> group lists. */
static inline uint32_t crisk__group_owner(const crisk_inventory *inv, size_t g)
{
    size_t lo = 0, hi = inv->n;   /* group_start[lo] <= g < group_start[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (inv->group_start[mid] <= g)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

/* Look an id up in the index (inventory.c).  Returns the node or UINT32_MAX. */
uint32_t crisk__inventory_lookup(const crisk_inventory *inv, const char *id, size_t len);

/* The "did you mean" id for `id` (util/suggest.h), or NULL.  The first call
 * indexes the ids (O(total id bytes), kept until the inventory is freed);
 * each hint then costs O(V) plus a bounded search.  Call it only once every
 * node is in (the builder does, while it finishes): the index borrows the
 * id array, which adding a node may move. */
const char *crisk__inventory_suggest(crisk_inventory *inv, const char *id);

/* igraph glue: map the status of an igraph call to a crisk code, with the
 * message the handler recorded. */
int crisk__igraph_check(igraph_error_t rc, const char *what, crisk_error *err);

#endif
