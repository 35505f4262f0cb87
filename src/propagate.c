/*
 * propagate.c - batched bit-parallel failure propagation (see propagate.h).
 *
 * Prior art: "strong dependencies" between packages (Abate, Di Cosmo et al.,
 * 2009) compute, for every package, the packages whose removal breaks it;
 * here the same question is asked of a k-of-n dependency graph, 64
 * single-failure scenarios per sweep.  Rejected: one full propagation per
 * node (O(V * (V + E)); kept only as the test reference) and dominator
 * trees (they treat every dependency as an alternative, see
 * DEPENDENCIES.md).
 */
#include "propagate.h"

#include <stdlib.h>
#include <string.h>

/* ---- topological order of the strong components ------------------------- */

/* Order nodes so that every dependency comes before its dependants, except
 * within a strong component (its nodes are contiguous).  Kahn's algorithm on
 * the condensation, sinks (pure providers) first. */
static int topological_order(crisk__prop *p, const igraph_vector_int_t *membership,
                             igraph_integer_t n_scc)
{
    const crisk_inventory *inv = p->inv;
    size_t n = inv->n, k = (size_t)n_scc;
    uint32_t *scc_start = calloc(k + 1, sizeof *scc_start);
    uint32_t *scc_nodes = malloc((n + 1) * sizeof *scc_nodes);
    uint32_t *pending = calloc(k + 1, sizeof *pending);   /* cross-component dependencies left */
    uint32_t *queue = malloc((k + 1) * sizeof *queue);
    int rc = -1;
    if (scc_start == NULL || scc_nodes == NULL || pending == NULL || queue == NULL)
        goto out;
    for (size_t v = 0; v < n; v++)
        scc_start[VECTOR(*membership)[v] + 1]++;
    for (size_t c = 0; c < k; c++)
        scc_start[c + 1] += scc_start[c];
    {
        uint32_t *fill = queue;   /* borrowed as fill pointers, reset below */
        memcpy(fill, scc_start, k * sizeof *fill);
        for (size_t v = 0; v < n; v++)
            scc_nodes[fill[VECTOR(*membership)[v]]++] = (uint32_t)v;
    }
    /* pending[c] = distinct (dependant, dependency) pairs leaving component c */
    for (size_t q = 0; q < n; q++)
        for (uint32_t i = inv->dep_start[q]; i < inv->dep_start[q + 1]; i++) {
            uint32_t u = inv->dep[i];
            if (VECTOR(*membership)[u] != VECTOR(*membership)[q])
                pending[VECTOR(*membership)[u]]++;
        }
    size_t head = 0, tail = 0, next_pos = 0;
    for (size_t c = 0; c < k; c++)
        if (pending[c] == 0)
            queue[tail++] = (uint32_t)c;
    while (head < tail) {
        uint32_t c = queue[head++];
        for (uint32_t i = scc_start[c]; i < scc_start[c + 1]; i++) {
            uint32_t q = scc_nodes[i];
            p->pos[q] = (uint32_t)next_pos;
            p->order[next_pos++] = q;
        }
        for (uint32_t i = scc_start[c]; i < scc_start[c + 1]; i++) {
            uint32_t q = scc_nodes[i];
            for (uint32_t j = inv->dep_start[q]; j < inv->dep_start[q + 1]; j++) {
                uint32_t cu = (uint32_t)VECTOR(*membership)[inv->dep[j]];
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
    return rc;
}

int crisk__prop_init(crisk__prop *p, const crisk_inventory *inv, crisk_error *err)
{
    memset(p, 0, sizeof *p);
    p->inv = inv;
    p->want_all = 1;
    size_t n = inv->n, words = (n + 63) / 64 + 1;
    p->pos = malloc((n + 1) * sizeof *p->pos);
    p->order = malloc((n + 1) * sizeof *p->order);
    p->all = calloc(n + 1, sizeof *p->all);
    p->grp = calloc(n + 1, sizeof *p->grp);
    p->init = calloc(n + 1, sizeof *p->init);
    p->sched = calloc(words, sizeof *p->sched);
    p->touched = malloc((n + 1) * sizeof *p->touched);
    p->is_touched = calloc(n + 1, 1);
    if (!p->pos || !p->order || !p->all || !p->grp || !p->init || !p->sched || !p->touched
        || !p->is_touched) {
        crisk__prop_release(p);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    crisk_igraph_init();
    igraph_vector_int_t membership;
    igraph_integer_t n_scc = 0;
    int rc = crisk__igraph_check(igraph_vector_int_init(&membership, 0), "allocating", err);
    if (rc != CRISK_OK) {
        crisk__prop_release(p);
        return rc;
    }
    const igraph_t *graph = NULL;
    rc = crisk__inventory_graph(inv, &graph, err);
    if (rc == CRISK_OK)
        rc = crisk__igraph_check(igraph_connected_components(graph, &membership, NULL, &n_scc,
                                                             IGRAPH_STRONG),
                                 "finding strong components", err);
    if (rc == CRISK_OK && topological_order(p, &membership, n_scc) != 0)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    igraph_vector_int_destroy(&membership);
    if (rc != CRISK_OK)
        crisk__prop_release(p);
    return rc;
}

void crisk__prop_release(crisk__prop *p)
{
    free(p->pos);
    free(p->order);
    free(p->all);
    free(p->grp);
    free(p->init);
    free(p->sched);
    free(p->touched);
    free(p->is_touched);
    memset(p, 0, sizeof *p);
}

static void touch(crisk__prop *p, uint32_t v)
{
    if (!p->is_touched[v]) {
        p->is_touched[v] = 1;
        p->touched[p->n_touched++] = v;
    }
}

void crisk__prop_clear(crisk__prop *p)
{
    for (size_t i = 0; i < p->n_touched; i++) {
        uint32_t v = p->touched[i];
        memset(&p->all[v], 0, sizeof p->all[v]);
        memset(&p->grp[v], 0, sizeof p->grp[v]);
        memset(&p->init[v], 0, sizeof p->init[v]);
        p->is_touched[v] = 0;
    }
    p->n_touched = 0;
}

void crisk__prop_seed(crisk__prop *p, uint32_t node, const crisk__mask *mask)
{
    for (int w = 0; w < CRISK__W; w++) {
        p->init[node].w[w] |= mask->w[w];
        p->all[node].w[w] |= mask->w[w];
        p->grp[node].w[w] |= mask->w[w];
    }
    touch(p, node);
}

void crisk__prop_seed_one(crisk__prop *p, uint32_t node, size_t s)
{
    crisk__mask m;
    memset(&m, 0, sizeof m);
    m.w[s >> 6] = 1ull << (s & 63);
    crisk__prop_seed(p, node, &m);
}

void crisk__mask_first(crisk__mask *m, size_t count)
{
    for (size_t w = 0; w < CRISK__W; w++) {
        size_t lo = 64 * w;
        m->w[w] = count >= lo + 64 ? ~0ull : count <= lo ? 0 : (1ull << (count - lo)) - 1;
    }
}

/* ---- group evaluation ------------------------------------------------------ */

/* Scenarios (of word w) where at least t of the members' masks have their
 * bit set (with `complement`: their bit clear). */
static uint64_t at_least(const crisk__mask *masks, const uint32_t *members, size_t n,
                         size_t t, int complement, int w)
{
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
            uint64_t m = masks[members[i]].w[w];
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
        uint64_t m = masks[members[i]].w[w];
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
    const crisk_inventory *inv = p->inv;
    const uint32_t *members = inv->member + inv->member_start[g];
    size_t n = inv->member_start[g + 1] - inv->member_start[g];
    size_t need = inv->need[g];
    const crisk__mask *grp = p->grp;
    if (need == n) {            /* every member needed: any failure fails it */
        *out = grp[members[0]];
        for (size_t i = 1; i < n; i++)
            for (int w = 0; w < CRISK__W; w++)
                out->w[w] |= grp[members[i]].w[w];
        return;
    }
    if (need == 1) {            /* plain OR: fails when all members fail */
        *out = grp[members[0]];
        for (size_t i = 1; i < n; i++) {
            uint64_t any = 0;
            for (int w = 0; w < CRISK__W; w++) {
                out->w[w] &= grp[members[i]].w[w];
                any |= out->w[w];
            }
            if (any == 0)
                return;
        }
        return;
    }
    size_t fail_at = n - need + 1;   /* failures that defeat it */
    for (int w = 0; w < CRISK__W; w++)
        out->w[w] = fail_at <= need
            ? at_least(grp, members, n, fail_at, 0, w)
            /* fewer than `need` working <=> not (at least `need` working) */
            : ~at_least(grp, members, n, need, 1, w);
}

/* ---- the sweep --------------------------------------------------------------- */

static void schedule_dependants(crisk__prop *p, uint32_t v, size_t *cursor)
{
    const crisk_inventory *inv = p->inv;
    for (uint32_t i = inv->dep_start[v]; i < inv->dep_start[v + 1]; i++) {
        if (p->region != NULL && !p->region[inv->dep[i]])
            continue;
        uint32_t q = p->pos[inv->dep[i]];
        p->sched[q >> 6] |= 1ull << (q & 63);
        if (q < *cursor)
            *cursor = q;   /* only within a strong component */
    }
}

static void evaluate(crisk__prop *p, uint32_t v, size_t *cursor)
{
    const crisk_inventory *inv = p->inv;
    crisk__mask all = p->init[v], grp = p->init[v], fails;
    uint32_t g0 = inv->group_start[v], g1 = inv->group_start[v + 1];
    if (p->want_all)
        for (uint32_t e = inv->member_start[g0]; e < inv->member_start[g1]; e++)
            for (int w = 0; w < CRISK__W; w++)
                all.w[w] |= p->all[inv->member[e]].w[w];
    for (uint32_t g = g0; g < g1; g++) {
        crisk__prop_group_fails(p, g, &fails);
        for (int w = 0; w < CRISK__W; w++)
            grp.w[w] |= fails.w[w];
    }
    if (memcmp(&all, &p->all[v], sizeof all) == 0 && memcmp(&grp, &p->grp[v], sizeof grp) == 0)
        return;
    p->all[v] = all;
    p->grp[v] = grp;
    touch(p, v);
    schedule_dependants(p, v, cursor);
}

void crisk__prop_run(crisk__prop *p)
{
    size_t n = p->inv->n, words = (n + 63) / 64;
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
        cursor = n;
        evaluate(p, p->order[q], &cursor);
        if (cursor < (w << 6))
            w = cursor >> 6;
    }
}
