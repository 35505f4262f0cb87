/*
 * propagate.c - batched bit-parallel failure propagation (see propagate.h).
 *
 * Prior art: "strong dependencies" between packages (Abate, Di Cosmo et al.,
 * 2009) compute, for every package, the packages whose removal breaks it;
 * here the same question is asked of a k-of-n dependency graph, 512
 * single-failure scenarios per sweep.  Rejected: one full propagation per
 * node (O(V * (V + E)); kept only as the test reference) and dominator
 * trees (they treat every dependency as an alternative, see
 * DEPENDENCIES.md).
 */
#include "propagate.h"
#include "util/sort.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- topology ---------------------------------------------------------------- */

#define OFF_CORE UINT32_MAX

/* The nodes that may lie on a cycle (the core): a node none of whose
 * dependencies, or none of whose dependants, is left lies on no cycle of
 * what is left, and removing it may expose more such nodes.  core[v] is v's
 * index among the core's nodes, or OFF_CORE.  Counts are per edge: a
 * provider in two groups of one dependant counts twice as a dependency
 * but once as a dependant, which only keeps that dependant in the core
 * longer (the core is then larger, never wrong).  O(V + E). */
static int trim_to_core(const crisk_inventory *inv, uint32_t *core, size_t *n_core)
{
    size_t n = inv->n;
    uint32_t *dependants_left = calloc(n + 1, sizeof *dependants_left);
    uint32_t *dependencies_left = malloc((n + 1) * sizeof *dependencies_left);
    uint32_t *queue = malloc((n + 1) * sizeof *queue);
    if (dependants_left == NULL || dependencies_left == NULL || queue == NULL) {
        free(dependants_left);
        free(dependencies_left);
        free(queue);
        return -1;
    }
    for (size_t v = 0; v < n; v++) {
        uint32_t e0 = inv->member_start[inv->group_start[v]];
        uint32_t e1 = inv->member_start[inv->group_start[v + 1]];
        dependencies_left[v] = e1 - e0;
        for (uint32_t e = e0; e < e1; e++)
            dependants_left[inv->member[e]]++;
    }
    size_t head = 0, tail = 0;
    for (size_t v = 0; v < n; v++) {
        core[v] = dependants_left[v] == 0 || dependencies_left[v] == 0 ? OFF_CORE : 0;
        if (core[v] == OFF_CORE)
            queue[tail++] = (uint32_t)v;
    }
    while (head < tail) {
        uint32_t v = queue[head++];
        uint32_t e0 = inv->member_start[inv->group_start[v]];
        uint32_t e1 = inv->member_start[inv->group_start[v + 1]];
        for (uint32_t e = e0; e < e1; e++) {
            uint32_t u = inv->member[e];
            if (core[u] != OFF_CORE && --dependants_left[u] == 0) {
                core[u] = OFF_CORE;
                queue[tail++] = u;
            }
        }
        for (uint32_t i = inv->dep_start[v]; i < inv->dep_start[v + 1]; i++) {
            uint32_t w = inv->dep[i];
            if (core[w] != OFF_CORE && --dependencies_left[w] == 0) {
                core[w] = OFF_CORE;
                queue[tail++] = w;
            }
        }
    }
    size_t k = 0;
    for (size_t v = 0; v < n; v++)
        if (core[v] != OFF_CORE)
            core[v] = (uint32_t)k++;
    *n_core = k;
    free(dependants_left);
    free(dependencies_left);
    free(queue);
    return 0;
}

/* The strong components of the core, through igraph: membership over the
 * core's nodes. */
static int core_components(const crisk_inventory *inv, const uint32_t *core, size_t n_core,
                           igraph_vector_int_t *membership, crisk_error *err)
{
    size_t m = 0;
    for (size_t v = 0; v < inv->n; v++)
        if (core[v] != OFF_CORE)
            for (uint32_t e = inv->member_start[inv->group_start[v]];
                 e < inv->member_start[inv->group_start[v + 1]]; e++)
                m += core[inv->member[e]] != OFF_CORE;
    igraph_vector_int_t edges;
    int rc = crisk__igraph_check(igraph_vector_int_init(&edges, 2 * (igraph_integer_t)m),
                                 "allocating", err);
    if (rc != CRISK_OK)
        return rc;
    igraph_integer_t k = 0;
    for (size_t v = 0; v < inv->n; v++)
        if (core[v] != OFF_CORE)
            for (uint32_t e = inv->member_start[inv->group_start[v]];
                 e < inv->member_start[inv->group_start[v + 1]]; e++)
                if (core[inv->member[e]] != OFF_CORE) {
                    VECTOR(edges)[k++] = core[v];
                    VECTOR(edges)[k++] = core[inv->member[e]];
                }
    igraph_t graph;
    rc = crisk__igraph_check(igraph_create(&graph, &edges, (igraph_integer_t)n_core,
                                           IGRAPH_DIRECTED), "building the graph", err);
    igraph_vector_int_destroy(&edges);
    if (rc != CRISK_OK)
        return rc;
    rc = crisk__igraph_check(igraph_connected_components(&graph, membership, NULL, NULL,
                                                         IGRAPH_STRONG),
                             "finding strong components", err);
    igraph_destroy(&graph);
    return rc;
}

/* comp[v] = v's strong component, numbered in the order of their smallest
 * nodes; *n_comp of them.  Only the core goes to igraph: off the core
 * every node is a component of its own.  igraph holds about 56 bytes an
 * edge while it builds its graph, 575 MB at ten million edges; the core
 * of the generated inventories has a twentieth of their edges. */
static int strong_components(const crisk_inventory *inv, uint32_t *comp, size_t *n_comp,
                             crisk_error *err)
{
    size_t n = inv->n, n_core = 0;
    if (trim_to_core(inv, comp, &n_core) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    igraph_vector_int_t membership;
    int rc = crisk__igraph_check(igraph_vector_int_init(&membership, 0), "allocating", err);
    if (rc != CRISK_OK)
        return rc;
    rc = core_components(inv, comp, n_core, &membership, err);
    uint32_t *number = rc == CRISK_OK ? malloc((n_core + 1) * sizeof *number) : NULL;
    if (rc == CRISK_OK && number == NULL)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        /* igraph numbers the core's components; renumber all of them by
         * their smallest node, so that the order does not hang on igraph's */
        for (size_t i = 0; i < n_core; i++)
            number[i] = OFF_CORE;
        size_t next = 0;
        for (size_t v = 0; v < n; v++) {
            if (comp[v] == OFF_CORE) {
                comp[v] = (uint32_t)next++;
                continue;
            }
            uint32_t *c = &number[VECTOR(membership)[comp[v]]];
            if (*c == OFF_CORE)
                *c = (uint32_t)next++;
            comp[v] = *c;
        }
        *n_comp = next;
    }
    free(number);
    igraph_vector_int_destroy(&membership);
    return rc;
}

/* Order nodes so that every dependency comes before its dependants, except
 * within a strong component (its nodes are contiguous).  Kahn's algorithm on
 * the condensation, sinks (pure providers) first.  Inside a component the
 * nodes follow a breadth-first walk along dependant edges from its smallest
 * node, so most of its edges still point forward: a failure goes round a
 * ring of dependencies in about two passes instead of one pass per node. */
static int topological_order(crisk__topo *t, const uint32_t *comp, size_t k)
{
    const crisk_inventory *inv = t->inv;
    size_t n = inv->n;
    uint32_t *scc_start = calloc(k + 1, sizeof *scc_start);
    uint32_t *scc_nodes = malloc((n + 1) * sizeof *scc_nodes);
    uint32_t *pending = calloc(k + 1, sizeof *pending);   /* cross-component dependencies left */
    uint32_t *queue = malloc((k + 1) * sizeof *queue);
    uint8_t *placed = calloc(n + 1, 1);
    int rc = -1;
    if (scc_start == NULL || scc_nodes == NULL || pending == NULL || queue == NULL
        || placed == NULL)
        goto out;
    for (size_t v = 0; v < n; v++)
        scc_start[comp[v] + 1]++;
    for (size_t v = 0; v < n; v++)
        t->cyclic[v] = scc_start[comp[v] + 1] > 1;
    for (size_t c = 0; c < k; c++)
        scc_start[c + 1] += scc_start[c];
    {
        uint32_t *fill = queue;   /* borrowed as fill pointers, reset below */
        memcpy(fill, scc_start, k * sizeof *fill);
        for (size_t v = 0; v < n; v++)
            scc_nodes[fill[comp[v]]++] = (uint32_t)v;
    }
    /* pending[c] = distinct (dependant, dependency) pairs leaving component c */
    for (size_t q = 0; q < n; q++)
        for (uint32_t i = inv->dep_start[q]; i < inv->dep_start[q + 1]; i++) {
            uint32_t u = inv->dep[i];
            if (comp[u] != comp[q])
                pending[comp[u]]++;
        }
    size_t head = 0, tail = 0, next_pos = 0;
    for (size_t c = 0; c < k; c++)
        if (pending[c] == 0)
            queue[tail++] = (uint32_t)c;
    while (head < tail) {
        uint32_t c = queue[head++];
        /* breadth-first inside the component; t->order doubles as the queue */
        size_t first = next_pos;
        uint32_t root = scc_nodes[scc_start[c]];
        placed[root] = 1;
        t->order[next_pos++] = root;
        for (size_t i = first; i < next_pos; i++) {
            uint32_t q = t->order[i];
            t->pos[q] = (uint32_t)i;
            for (uint32_t j = inv->dep_start[q]; j < inv->dep_start[q + 1]; j++) {
                uint32_t d = inv->dep[j];
                if (!placed[d] && comp[d] == c) {
                    placed[d] = 1;
                    t->order[next_pos++] = d;
                }
            }
        }
        for (uint32_t i = scc_start[c]; i < scc_start[c + 1]; i++) {
            uint32_t q = scc_nodes[i];
            for (uint32_t j = inv->dep_start[q]; j < inv->dep_start[q + 1]; j++) {
                uint32_t cu = comp[inv->dep[j]];
                if (cu != c && --pending[cu] == 0)
                    queue[tail++] = cu;
            }
        }
    }
    rc = next_pos == n ? 0 : -1;   /* the condensation is acyclic: always all */
out:
    free(scc_start);
    free(scc_nodes);
    free(pending);
    free(queue);
    free(placed);
    return rc;
}

/* Topology groups of a node: one for all its groups of one member (edges
 * without a `group`: each needs its member, so together they are one group
 * needing every member), plus one per group of two or more members. */
static size_t topology_groups(const crisk_inventory *inv)
{
    size_t count = 0;
    for (size_t v = 0; v < inv->n; v++) {
        int plain = 0;
        for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++) {
            if (inv->member_start[g + 1] - inv->member_start[g] >= 2)
                count++;
            else
                plain = 1;
        }
        count += (size_t)plain;
    }
    return count;
}

/* Translate the adjacency of the inventory to positions, groups and edges
 * renumbered in position order: a node's plain edges first, as one
 * topology group (CRISK__PLAIN_GROUP), then its other groups in order. */
static void translate(crisk__topo *t)
{
    const crisk_inventory *inv = t->inv;
    size_t n = inv->n;
    uint32_t g2 = 0, e2 = 0, k = 0;
    t->dep_start[0] = 0;
    t->member_start[0] = 0;
    for (size_t q = 0; q < n; q++) {
        uint32_t v = t->order[q];
        t->group_start[q] = g2;
        for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
            if (inv->member_start[g + 1] - inv->member_start[g] == 1)
                t->member[e2++] = t->pos[inv->member[inv->member_start[g]]];
        if (e2 > t->member_start[g2]) {
            t->group_id[g2] = CRISK__PLAIN_GROUP;
            t->need[g2] = e2 - t->member_start[g2];
            t->member_start[++g2] = e2;
        }
        for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++) {
            if (inv->member_start[g + 1] - inv->member_start[g] == 1)
                continue;
            t->group_id[g2] = g;
            t->need[g2] = inv->need[g];
            for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
                t->member[e2++] = t->pos[inv->member[e]];
            t->member_start[++g2] = e2;
        }
        for (uint32_t i = inv->dep_start[v]; i < inv->dep_start[v + 1]; i++)
            t->dep[k++] = t->pos[inv->dep[i]];
        t->dep_start[q + 1] = k;
    }
    t->group_start[n] = g2;
}

/* The node order: strong components, then a topological order of them. */
static int order_nodes(crisk__topo *t, crisk_error *err)
{
    const crisk_inventory *inv = t->inv;
    uint32_t *comp = malloc((inv->n + 1) * sizeof *comp);
    size_t n_comp = 0;
    if (comp == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int rc = strong_components(inv, comp, &n_comp, err);
    if (rc == CRISK_OK && topological_order(t, comp, n_comp) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    free(comp);
    return rc;
}

void crisk__topo_links(const crisk__topo *t, uint32_t *up)
{
    const crisk_inventory *inv = t->inv;
    memset(up, 0xff, inv->n * sizeof *up);
    for (uint32_t u = 0; u < inv->n; u++)
        for (uint32_t g = inv->group_start[u]; g < inv->group_start[u + 1]; g++) {
            if (inv->need[g] < inv->member_start[g + 1] - inv->member_start[g])
                continue;   /* one member's failure alone does not defeat this group */
            for (uint32_t m = inv->member_start[g]; m < inv->member_start[g + 1]; m++) {
                uint32_t v = inv->member[m];
                if (inv->dep_start[v + 1] - inv->dep_start[v] == 1 && !t->cyclic[v]
                    && !t->cyclic[u])
                    up[v] = u;
            }
        }
}

/* ---- sweep order -------------------------------------------------------------- */

/* A sweep costs the size of the union of its scenarios' failed sets (a
 * node and what depends on it, transitively), so scenarios whose sets
 * overlap belong in the same batch.  MinHash finds them: with h a random
 * hash, min{h(u) : u in the set} agrees for two nodes with probability
 * equal to the Jaccard similarity of their sets, and it is one O(E) pass
 * per hash (dependants before dependencies).  Sorting by three such
 * signatures clusters similar nodes.  Shared by the analysis, a diff's
 * sweep of the nodes whose impact sets changed and a check's pair scan:
 * in topological order instead, those sweeps cost about twice as much. */
#define MINHASHES 3

typedef struct sweep_key {
    uint32_t sig[MINHASHES];
    uint32_t pos;
    uint32_t node;
} sweep_key;

static uint32_t mix32(uint32_t x, uint32_t seed)
{
    x ^= seed;
    x *= 0x9E3779B1u;
    x ^= x >> 16;
    x *= 0x85EBCA77u;
    x ^= x >> 13;
    return x;
}

static int sweep_key_before(const sweep_key *a, const sweep_key *b)
{
    for (int k = 0; k < MINHASHES; k++)
        if (a->sig[k] != b->sig[k])
            return a->sig[k] < b->sig[k];
    return a->pos < b->pos;
}

/* Sort the keys by signature, then position.  Positions are distinct, so
 * the order is total and any sort gives it; this one compares inline
 * (qsort's comparator call was a third of the sort). */
CRISK__DEFINE_SORT(sort_sweep_keys, sweep_key, sweep_key_before)

int crisk__topo_sweep_order(const crisk__topo *t, uint32_t *nodes, size_t n)
{
    const crisk_inventory *inv = t->inv;
    uint32_t *sig = malloc((inv->n + 1) * sizeof *sig);
    sweep_key *keys = malloc((n + 1) * sizeof *keys);
    if (sig == NULL || keys == NULL) {
        free(sig);
        free(keys);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (sweep_key){ { 0 }, t->pos[nodes[i]], nodes[i] };
    for (int h = 0; h < MINHASHES; h++) {
        for (size_t i = inv->n; i-- > 0;) {   /* dependants first */
            uint32_t v = t->order[i];
            uint32_t m = mix32(v, 0x5bd1e995u * (uint32_t)(h + 1));
            for (uint32_t j = inv->dep_start[v]; j < inv->dep_start[v + 1]; j++)
                if (t->pos[inv->dep[j]] > i && sig[inv->dep[j]] < m)
                    m = sig[inv->dep[j]];
            sig[v] = m;
        }
        for (size_t i = 0; i < n; i++)
            keys[i].sig[h] = sig[keys[i].node];
    }
    int rc = sort_sweep_keys(keys, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        nodes[i] = keys[i].node;
    free(sig);
    free(keys);
    return rc;
}

int crisk__topo_init(crisk__topo *t, const crisk_inventory *inv, crisk_error *err)
{
    memset(t, 0, sizeof *t);
    t->inv = inv;
    t->n = inv->n;
    size_t n = inv->n, n_dep = inv->dep_start[n];
    t->pos = malloc((n + 1) * sizeof *t->pos);
    t->order = malloc((n + 1) * sizeof *t->order);
    t->cyclic = malloc(n + 1);
    if (!t->pos || !t->order || !t->cyclic) {
        crisk__topo_release(t);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    crisk_igraph_init();
    int rc = order_nodes(t, err);
    if (rc != CRISK_OK) {
        crisk__topo_release(t);
        return rc;
    }
    t->n_groups = topology_groups(inv);
    t->group_start = malloc((n + 1) * sizeof *t->group_start);
    t->group_id = malloc((t->n_groups + 1) * sizeof *t->group_id);
    t->need = malloc((t->n_groups + 1) * sizeof *t->need);
    t->member_start = malloc((t->n_groups + 1) * sizeof *t->member_start);
    t->member = malloc((inv->n_edges + 1) * sizeof *t->member);
    t->dep_start = malloc((n + 1) * sizeof *t->dep_start);
    t->dep = malloc((n_dep + 1) * sizeof *t->dep);
    if (!t->group_start || !t->group_id || !t->need || !t->member_start || !t->member
        || !t->dep_start || !t->dep) {
        crisk__topo_release(t);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    translate(t);
    return CRISK_OK;
}

void crisk__topo_release(crisk__topo *t)
{
    free(t->pos);
    free(t->order);
    free(t->group_start);
    free(t->group_id);
    free(t->need);
    free(t->member_start);
    free(t->member);
    free(t->dep_start);
    free(t->dep);
    free(t->cyclic);
    memset(t, 0, sizeof *t);
}

/* ---- state ------------------------------------------------------------------- */

int crisk__prop_init_shared(crisk__prop *p, const crisk__topo *t, crisk_error *err)
{
    memset(p, 0, sizeof *p);
    p->inv = t->inv;
    p->t = t;
    p->want_all = 1;
    p->want_grp = 1;
    size_t n = t->n, words = (n + 63) / 64 + 1;
    /* 2 MiB-aligned so that the whole array can sit on huge pages: random
     * reads of dependencies' masks otherwise miss the TLB too (at 1M nodes
     * the masks span 128 MiB).  From 4 MiB on, the size crisk__advise_huge
     * advises: below 8 MiB the array used to be 64-byte aligned and only
     * its 2 MiB-aligned middle advised, so a 64k-node inventory's 8 MB of
     * masks took a thousand small page faults besides its huge ones. */
    size_t align = (n + 1) * sizeof *p->st >= ((size_t)4 << 20) ? (size_t)2 << 20 : 64;
    size_t st_bytes = ((n + 1) * sizeof *p->st + align - 1) / align * align;
    /* calloc, not aligned_alloc and memset: fresh pages from the kernel
     * are zero already, so calloc leaves them untouched, and each sweeping
     * thread faults in its own masks as it reaches them instead of the
     * calling thread writing every thread's (2 x 8 MB on a 64k-node
     * inventory) before the sweeps start. */
    p->st_block = calloc(st_bytes + align, 1);
    if (p->st_block != NULL) {
        p->st = (crisk__state *)(((uintptr_t)p->st_block + align - 1) & ~(uintptr_t)(align - 1));
        crisk__advise_huge(p->st, st_bytes);
    }
    p->seeded = calloc(words, sizeof *p->seeded);
    p->sched = calloc(words, sizeof *p->sched);
    p->live = calloc(words, sizeof *p->live);
    p->touched = malloc((n + 1) * sizeof *p->touched);
    if (!p->st || !p->seeded || !p->sched || !p->live || !p->touched) {
        crisk__prop_release(p);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return CRISK_OK;
}

int crisk__prop_init(crisk__prop *p, const crisk_inventory *inv, crisk_error *err)
{
    crisk__topo own;
    int rc = crisk__topo_init(&own, inv, err);
    if (rc != CRISK_OK)
        return rc;
    rc = crisk__prop_init_shared(p, &own, err);
    if (rc != CRISK_OK) {
        crisk__topo_release(&own);
        return rc;
    }
    p->own = own;        /* released with the state */
    p->t = &p->own;
    return CRISK_OK;
}

void crisk__prop_release(crisk__prop *p)
{
    free(p->st_block);
    free(p->seeded);
    crisk__u32map_release(&p->seed_slot);
    free(p->seed_pos);
    free(p->seeds);
    free(p->sched);
    free(p->live);
    free(p->touched);
    free(p->region);
    free(p->kept_slot);
    free(p->kept_fails);
    free(p->kept_epoch);
    if (p->own.pos != NULL)
        crisk__topo_release(&p->own);
    memset(p, 0, sizeof *p);
}

int crisk__prop_set_region(crisk__prop *p, const uint8_t *region)
{
    free(p->region);
    p->region = malloc(p->t->n + 1);
    if (p->region == NULL)
        return -1;
    for (size_t q = 0; q < p->t->n; q++)
        p->region[q] = region[p->t->order[q]];
    return 0;
}

int crisk__prop_mark_region(crisk__prop *p, const uint32_t *nodes, size_t count, int on)
{
    if (p->region == NULL && (p->region = calloc(p->t->n + 1, 1)) == NULL)
        return -1;
    for (size_t i = 0; i < count; i++)
        p->region[p->t->pos[nodes[i]]] = (uint8_t)(on != 0);
    return 0;
}

static void touch(crisk__prop *p, uint32_t q)
{
    if (!crisk__prop_live(p, q)) {
        p->live[q >> 6] |= 1ull << (q & 63);
        p->touched[p->n_touched++] = q;
    }
}

void crisk__prop_clear(crisk__prop *p)
{
    for (size_t i = 0; i < p->n_touched; i++) {
        uint32_t q = p->touched[i];
        memset(&p->st[q], 0, sizeof p->st[q]);
        p->live[q >> 6] = 0;
    }
    p->n_touched = 0;
    for (size_t i = 0; i < p->n_seeds; i++)
        p->seeded[p->seed_pos[i] >> 6] = 0;
    crisk__u32map_clear(&p->seed_slot);
    p->n_seeds = 0;
    if (p->kept_epoch != NULL && ++p->epoch == 0) {   /* wrapped: forget every batch */
        memset(p->kept_epoch, 0, p->t->n * sizeof *p->kept_epoch);
        p->epoch = 1;
    }
}

int crisk__prop_keep_group_fails(crisk__prop *p)
{
    const crisk__topo *t = p->t;
    if (p->kept_slot != NULL)
        return 0;
    p->kept_slot = malloc((t->n_groups + 1) * sizeof *p->kept_slot);
    p->kept_epoch = calloc(t->n + 1, sizeof *p->kept_epoch);
    if (p->kept_slot == NULL || p->kept_epoch == NULL)
        goto fail;
    size_t rows = 0;
    for (size_t g = 0; g < t->n_groups; g++)
        p->kept_slot[g] = crisk__topo_redundant(t, (uint32_t)g) ? (uint32_t)rows++ : UINT32_MAX;
    p->kept_fails = malloc((rows + 1) * sizeof *p->kept_fails);
    if (p->kept_fails == NULL)
        goto fail;
    p->epoch = 1;   /* kept_epoch 0: no position evaluated yet */
    return 0;
fail:
    free(p->kept_slot);
    free(p->kept_epoch);
    p->kept_slot = NULL;
    p->kept_epoch = NULL;
    return -1;
}

/* The slot of a new seed at position q. */
static int add_seed(crisk__prop *p, uint32_t q)
{
    if (crisk__grow((void **)&p->seeds, &p->cap_seeds, p->n_seeds + 1, sizeof *p->seeds)
        || crisk__grow((void **)&p->seed_pos, &p->cap_seed_pos, p->n_seeds + 1,
                       sizeof *p->seed_pos)
        || crisk__u32map_add(&p->seed_slot, q, (uint32_t)p->n_seeds) != 0)
        return -1;
    memset(&p->seeds[p->n_seeds], 0, sizeof *p->seeds);
    p->seed_pos[p->n_seeds++] = q;
    p->seeded[q >> 6] |= 1ull << (q & 63);
    return 0;
}

int crisk__prop_seed(crisk__prop *p, uint32_t node, const crisk__mask *mask)
{
    uint32_t q = p->t->pos[node];
    if (!((p->seeded[q >> 6] >> (q & 63)) & 1) && add_seed(p, q) != 0)
        return -1;
    crisk__mask *init = &p->seeds[crisk__u32map_get(&p->seed_slot, q)];
    for (int w = 0; w < CRISK__W; w++) {
        init->w[w] |= mask->w[w];
        p->st[q].all.w[w] |= mask->w[w];
        p->st[q].grp.w[w] |= mask->w[w];
    }
    touch(p, q);
    return 0;
}

int crisk__prop_seed_one(crisk__prop *p, uint32_t node, size_t s)
{
    crisk__mask m;
    memset(&m, 0, sizeof m);
    m.w[s >> 6] = 1ull << (s & 63);
    return crisk__prop_seed(p, node, &m);
}

void crisk__mask_first(crisk__mask *m, size_t count)
{
    for (size_t w = 0; w < CRISK__W; w++) {
        size_t lo = 64 * w;
        m->w[w] = count >= lo + 64 ? ~0ull : count <= lo ? 0 : (1ull << (count - lo)) - 1;
    }
}

/* ---- group evaluation ------------------------------------------------------ */

/* Scenarios (of word w) where at least t of the members' `grp` masks have
 * their bit set (with `complement`: their bit clear). */
static uint64_t at_least(const crisk__prop *p, const uint32_t *members, size_t n,
                         size_t t, int complement, int w)
{
    const crisk__state *st = p->st;
    if (t == 0)
        return ~0ull;
    if (t > n)
        return 0;
    if (t <= 64) {
        /* ge[j] = scenarios with >= j set so far; O(n * t) */
        uint64_t ge[65];
        ge[0] = ~0ull;
        for (size_t j = 1; j <= t; j++)
            ge[j] = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t m = crisk__prop_live(p, members[i]) ? st[members[i]].grp.w[w] : 0;
            if (complement)
                m = ~m;
            for (size_t j = t; j >= 1; j--)
                ge[j] |= ge[j - 1] & m;
        }
        return ge[t];
    }
    /* Large thresholds: count per scenario; O(n * 64) */
    uint32_t count[64] = { 0 };
    for (size_t i = 0; i < n; i++) {
        uint64_t m = crisk__prop_live(p, members[i]) ? st[members[i]].grp.w[w] : 0;
        if (complement)
            m = ~m;
        while (m) {
            count[__builtin_ctzll(m)]++;
            m &= m - 1;
        }
    }
    uint64_t out = 0;
    for (int s = 0; s < 64; s++)
        if (count[s] >= t)
            out |= 1ull << s;
    return out;
}

void crisk__prop_group_fails(const crisk__prop *p, uint32_t g, crisk__mask *out)
{
    const crisk__topo *t = p->t;
    const uint32_t *members = t->member + t->member_start[g];
    size_t n = t->member_start[g + 1] - t->member_start[g];
    size_t need = t->need[g];
    const crisk__state *st = p->st;
    memset(out, 0, sizeof *out);
    if (need == n) {            /* every member needed: any failure fails it */
        for (size_t i = 0; i < n; i++)
            if (crisk__prop_live(p, members[i]))
                for (int w = 0; w < CRISK__W; w++)
                    out->w[w] |= st[members[i]].grp.w[w];
        return;
    }
    if (need == 1) {            /* plain OR: fails when all members fail */
        for (size_t i = 0; i < n; i++)
            if (!crisk__prop_live(p, members[i]))
                return;
        *out = st[members[0]].grp;
        for (size_t i = 1; i < n; i++) {
            uint64_t any = 0;
            for (int w = 0; w < CRISK__W; w++) {
                out->w[w] &= st[members[i]].grp.w[w];
                any |= out->w[w];
            }
            if (any == 0)
                return;
        }
        return;
    }
    size_t fail_at = n - need + 1;   /* failures that defeat it */
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += (size_t)crisk__prop_live(p, members[i]);
    if (live < fail_at)
        return;                  /* not enough members can have failed */
    for (int w = 0; w < CRISK__W; w++)
        out->w[w] = fail_at <= need
            ? at_least(p, members, n, fail_at, 0, w)
            /* fewer than `need` working <=> not (at least `need` working) */
            : ~at_least(p, members, n, need, 1, w);
}

/* ---- the sweep --------------------------------------------------------------- */

static void schedule_dependants(crisk__prop *p, uint32_t q, size_t *cursor)
{
    const crisk__topo *t = p->t;
    for (uint32_t i = t->dep_start[q]; i < t->dep_start[q + 1]; i++) {
        uint32_t d = t->dep[i];
        if (p->region != NULL && !p->region[d])
            continue;
        p->sched[d >> 6] |= 1ull << (d & 63);
        if (d < *cursor)
            *cursor = d;   /* only within a strong component */
    }
}

/* Nonzero when masks a and b differ: inline, word by word (a libc memcmp
 * call was 7 % of a 1M-node rank). */
static uint64_t mask_diff(const crisk__mask *a, const crisk__mask *b)
{
    uint64_t diff = 0;
    for (int w = 0; w < CRISK__W; w++)
        diff |= a->w[w] ^ b->w[w];
    return diff;
}

/* The `all` mask of position q alone (want_grp 0): the initial failures
 * and every dependency's, whatever its group - a node's groups' members
 * are consecutive in `member`. */
static void evaluate_all(crisk__prop *p, uint32_t q, size_t *cursor)
{
    const crisk__topo *t = p->t;
    crisk__mask next = crisk__prop_initial_at(p, q);
    for (uint32_t e = t->member_start[t->group_start[q]];
         e < t->member_start[t->group_start[q + 1]]; e++) {
        uint32_t m = t->member[e];
        if (crisk__prop_live(p, m))
            for (int w = 0; w < CRISK__W; w++)
                next.w[w] |= p->st[m].all.w[w];
    }
    if (mask_diff(&next, &p->st[q].all) == 0)
        return;
    p->st[q].all = next;
    touch(p, q);
    schedule_dependants(p, q, cursor);
}

/* evaluate_masks' step for topology group g when its failures are kept
 * (crisk__prop_keep_group_fails): the same masks into `next`, and the
 * group's own failures into its row. */
static void evaluate_kept(crisk__prop *p, uint32_t g, crisk__state *next)
{
    const crisk__topo *t = p->t;
    const crisk__state *st = p->st;
    uint32_t e0 = t->member_start[g], e1 = t->member_start[g + 1];
    crisk__mask *out = &p->kept_fails[p->kept_slot[g]];
    if (p->want_all)
        for (uint32_t e = e0; e < e1; e++)
            if (crisk__prop_live(p, t->member[e]))
                for (int w = 0; w < CRISK__W; w++)
                    next->all.w[w] |= st[t->member[e]].all.w[w];
    crisk__prop_group_fails(p, g, out);
    for (int w = 0; w < CRISK__W; w++)
        next->grp.w[w] |= out->w[w];
}

/* Recompute the masks of position q from its dependencies; with `keep`
 * (a constant: see evaluate and evaluate_keeping), keep its redundancy
 * groups' failures too. */
static inline __attribute__((always_inline)) void evaluate_masks(crisk__prop *p, uint32_t q,
                                                                 size_t *cursor, int keep)
{
    const crisk__topo *t = p->t;
    const crisk__state *st = p->st;
    if (!p->want_grp) {
        evaluate_all(p, q, cursor);
        return;
    }
    crisk__state next = { .all = crisk__prop_initial_at(p, q) };
    next.grp = next.all;
    crisk__mask fails;
    if (keep)
        p->kept_epoch[q] = p->epoch;
    for (uint32_t g = t->group_start[q]; g < t->group_start[q + 1]; g++) {
        uint32_t e0 = t->member_start[g], e1 = t->member_start[g + 1];
        if (keep && p->kept_slot[g] != UINT32_MAX) {
            evaluate_kept(p, g, &next);
            continue;
        }
        if (t->need[g] == e1 - e0) {
            /* every member needed (a node's plain edges are one such
             * group): one pass reads each member's masks for both */
            for (uint32_t e = e0; e < e1; e++) {
                uint32_t m = t->member[e];
                if (!crisk__prop_live(p, m))
                    continue;
                for (int w = 0; w < CRISK__W; w++)
                    next.grp.w[w] |= st[m].grp.w[w];
                if (p->want_all)
                    for (int w = 0; w < CRISK__W; w++)
                        next.all.w[w] |= st[m].all.w[w];
            }
            continue;
        }
        if (p->want_all)
            for (uint32_t e = e0; e < e1; e++)
                if (crisk__prop_live(p, t->member[e]))
                    for (int w = 0; w < CRISK__W; w++)
                        next.all.w[w] |= st[t->member[e]].all.w[w];
        crisk__prop_group_fails(p, g, &fails);
        for (int w = 0; w < CRISK__W; w++)
            next.grp.w[w] |= fails.w[w];
    }
    if ((mask_diff(&next.all, &p->st[q].all) | mask_diff(&next.grp, &p->st[q].grp)) == 0)
        return;
    p->st[q] = next;
    touch(p, q);
    schedule_dependants(p, q, cursor);
}

/* The sweep's step, inlined into it as it always was. */
static inline __attribute__((always_inline)) void evaluate(crisk__prop *p, uint32_t q,
                                                           size_t *cursor)
{
    evaluate_masks(p, q, cursor, 0);
}

/* The step of a propagator that keeps group failures: a function of its
 * own, so that the sweep of every other propagator (`rank`'s) keeps its
 * code as before - inlining a second copy into the sweep pushed its
 * helpers out of line and cost `rank` 6 % at 1M nodes. */
static void __attribute__((noinline)) evaluate_keeping(crisk__prop *p, uint32_t q,
                                                       size_t *cursor)
{
    evaluate_masks(p, q, cursor, 1);
}

/* ---- prefetching ---------------------------------------------------------------- */

/* The sweep waits on memory.  Evaluating the node at position q reads a
 * chain of dependent loads, each likely a cache miss at 1M nodes:
 * group_start[q] -> member_start[..] -> member[..] -> the members' masks
 * (and after a change dep_start[q] -> dep[..]).  The nodes already
 * scheduled after q will be evaluated whatever q does, so while q is
 * evaluated the next ones are fetched a stage at a time, each stage
 * reading only what the previous step's stage brought into the cache:
 *   the 4th next node: its group_start and dep_start entries;
 *   the 3rd: its member_start entries;
 *   the 2nd: its member and dep lists;
 *   the next: its own masks and its live members' masks.
 * Hints only: a node scheduled meanwhile just shifts the stages, and no
 * result depends on them. */
#define PREFETCH_AHEAD 4

/* The positions of up to PREFETCH_AHEAD nodes scheduled after the one just
 * taken from word w; returns how many were found within a few words. */
static size_t scheduled_ahead(const crisk__prop *p, size_t w, size_t words, uint32_t *ahead)
{
    size_t k = 0, end = w + 8 < words ? w + 8 : words;
    for (; w < end && k < PREFETCH_AHEAD; w++)
        for (uint64_t bits = p->sched[w]; bits != 0 && k < PREFETCH_AHEAD; bits &= bits - 1)
            ahead[k++] = (uint32_t)((w << 6) + (size_t)__builtin_ctzll(bits));
    return k;
}

static void prefetch_lines(const void *from, const void *to)
{
    for (const char *c = from; c < (const char *)to; c += 64)
        __builtin_prefetch(c);
}

static void prefetch_ahead(const crisk__prop *p, size_t w, size_t words)
{
    const crisk__topo *t = p->t;
    uint32_t ahead[PREFETCH_AHEAD];
    size_t k = scheduled_ahead(p, w, words, ahead);
    if (k > 3) {
        __builtin_prefetch(&t->group_start[ahead[3]]);
        __builtin_prefetch(&t->dep_start[ahead[3]]);
    }
    if (k > 2) {
        __builtin_prefetch(&t->member_start[t->group_start[ahead[2]]]);
        __builtin_prefetch(&t->member_start[t->group_start[ahead[2] + 1]]);
    }
    if (k > 1) {
        uint32_t q = ahead[1];
        prefetch_lines(&t->member[t->member_start[t->group_start[q]]],
                       &t->member[t->member_start[t->group_start[q + 1]]]);
        prefetch_lines(&t->dep[t->dep_start[q]], &t->dep[t->dep_start[q + 1]]);
    }
    if (k > 0) {
        uint32_t q = ahead[0];
        __builtin_prefetch(&p->st[q].all);
        if (p->want_grp)
            __builtin_prefetch(&p->st[q].grp);
        for (uint32_t e = t->member_start[t->group_start[q]];
             e < t->member_start[t->group_start[q + 1]]; e++) {
            uint32_t m = t->member[e];
            if (!crisk__prop_live(p, m))
                continue;
            __builtin_prefetch(&p->st[m].all);
            if (p->want_grp)
                __builtin_prefetch(&p->st[m].grp);
        }
    }
}

void crisk__prop_run(crisk__prop *p)
{
    int keep = p->kept_slot != NULL;
    size_t n = p->t->n, words = (n + 63) / 64;
    size_t cursor = n;
    for (size_t i = 0; i < p->n_touched; i++)
        schedule_dependants(p, p->touched[i], &cursor);
    /* Scan the schedule bitmap upwards from the cursor; evaluating a node can
     * move the cursor back only inside its own strong component. */
    size_t w = cursor >> 6;
    while (w < words) {
        uint64_t bits = p->sched[w];
        if (bits == 0) {
            w++;
            continue;
        }
        size_t q = (w << 6) + (size_t)__builtin_ctzll(bits);
        p->sched[w] &= p->sched[w] - 1;
        prefetch_ahead(p, w, words);
        cursor = n;
        if (keep)
            evaluate_keeping(p, (uint32_t)q, &cursor);
        else
            evaluate(p, (uint32_t)q, &cursor);
        if (cursor < (w << 6))
            w = cursor >> 6;
    }
}
