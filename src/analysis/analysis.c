/*
 * analysis.c - every §5 metric of every node in one analysis.
 *
 * tier: one multi-source BFS from the functions.  The rest comes from single
 * failure scenarios, 256 at a time (propagate.h): for scenario "p fails",
 *   the `all` masks mark p's ancestors  -> dependants, functions, exposure,
 *                                          tier1_dependants
 *   the `grp` masks mark what fails      -> impact, impact_weight, breaches,
 *                                          SPOFs, false redundancy.
 * Per-scenario counts are accumulated in byte counters (a mask word spread
 * into 64 of them through a table), so adding a node's mask costs eight
 * adds instead of one step per set bit; weights are added per set bit
 * only for functions.  Scenarios are taken in topological order, so the
 * nodes of a batch tend to share ancestors and each sweep does useful work
 * for all of them.  Nodes nothing depends on are trivial and never swept.
 */
#include "analysis_internal.h"
#include "model/policy.h"
#include "pair_tally.h"
#include "propagate.h"
#include "util/quote.h"
#include "util/sort.h"
#include "util/thread.h"
#include "util/u32map.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A node's metrics while the sweeps run: what they add up, in 40 bytes
 * instead of crisk_node_metrics' 88 (counts fit 32 bits: node numbers do).
 * The public records are laid out from these once the sweeps' masks are
 * freed, so the two never sit beside the masks: 48 MB less at the peak of
 * `rank` at a million nodes (docs/performance.md, target 7). */
typedef struct sweep_metrics {
    double exposure, impact_weight;
    uint32_t dependants, tier1_dependants, functions, impact, breaches;
    int32_t tier;              /* -1 = unreachable */
} sweep_metrics;

struct crisk_analysis {
    const crisk_inventory *inv;
    sweep_metrics *sm;          /* during the run; NULL once `m` is laid out */
    crisk_node_metrics *m;
    uint32_t *ranking;
    uint32_t *id_rank;          /* node -> position in id order */
    double total_criticality;
    size_t n_functions;
    int has_spofs, has_fr;      /* has_spofs: every function's SPOF list (keep_spofs) */
    unsigned threads;           /* opts->threads: 0 = one per CPU */
    int counting;               /* count_spofs without keep_spofs */
    uint8_t *spof_kept;         /* counting with spof_functions: node -> list kept */
    uint32_t *spof_count;       /* counting: SPOFs per function */
    uint32_t *spof_start;       /* n + 1: SPOFs of function f are spof[spof_start[f]..] */
    uint32_t *spof;
    crisk_false_redundancy *fr;
    size_t n_fr;
    size_t fr_total;            /* findings before the per-group cap */
    crisk__prop *pairs;         /* minimal pairs' propagator: built on the first
                                 * crisk_analysis_spof_pairs() call, reused after */
    double pairs_max_work;      /* edge visits for all minimal pairs of this analysis */
    double pairs_work_left;     /* what the calls so far have left of it */
    uint64_t *id_hash;          /* keep_fingerprints: per function, the hash of its id */
    uint64_t *fp_impact;        /* per node: sum of id_hash over the functions it takes down */
    uint64_t *fp_breach;        /* ... over those of them whose rto_hours < its recovery_hours */
    crisk__topo *topo;          /* keep_fingerprints: the sweeps' topology, kept for a diff */
    /* opts->policy: its no_spof and no_breach rules, as the sweeps found them
     * (pair_tally.h) */
    const crisk_policy *policy;
    crisk__pair_rule *policy_rules;
    size_t n_policy_rules;
};

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- id order -------------------------------------------------------------- */

/* Comparators take the analysis or inventory as context (crisk__sort_r),
 * never through a file-scope variable: two analyses may sort at once. */
static int compare_id(const void *pa, const void *pb, void *ctx)
{
    const crisk_inventory *inv = ctx;
    return strcmp(inv->id[*(const uint32_t *)pa], inv->id[*(const uint32_t *)pb]);
}

/* Ids are unique, so their order is total and an inventory whose nodes
 * already come in id order (a sorted file, such as the Debian package
 * graph's, or an export) needs no sort: one pass of neighbouring
 * comparisons tells. */
static int build_id_rank(crisk_analysis *a)
{
    size_t n = a->inv->n;
    a->id_rank = malloc((n + 1) * sizeof *a->id_rank);
    if (a->id_rank == NULL)
        return -1;
    size_t sorted = 1;
    while (sorted < n && strcmp(a->inv->id[sorted - 1], a->inv->id[sorted]) < 0)
        sorted++;
    if (sorted >= n) {
        for (size_t v = 0; v < n; v++)
            a->id_rank[v] = (uint32_t)v;
        return 0;
    }
    uint32_t *order = malloc((n + 1) * sizeof *order);
    if (order == NULL)
        return -1;
    for (size_t v = 0; v < n; v++)
        order[v] = (uint32_t)v;
    if (crisk__sort_r(order, n, sizeof *order, compare_id, (void *)a->inv) != 0) {
        free(order);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        a->id_rank[order[i]] = (uint32_t)i;
    free(order);
    return 0;
}

/* ---- tier --------------------------------------------------------------------- */

/* Fewest edges from any function: BFS from all functions at once. */
static int compute_tiers(crisk_analysis *a)
{
    const crisk_inventory *inv = a->inv;
    uint32_t *queue = malloc((inv->n + 1) * sizeof *queue);
    if (queue == NULL)
        return -1;
    size_t head = 0, tail = 0;
    for (size_t v = 0; v < inv->n; v++) {
        a->sm[v].tier = -1;
        if (inv->type[v] == CRISK_NODE_FUNCTION) {
            a->sm[v].tier = 0;
            queue[tail++] = (uint32_t)v;
        }
    }
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint32_t e = inv->member_start[inv->group_start[v]];
             e < inv->member_start[inv->group_start[v + 1]]; e++) {
            uint32_t p = inv->member[e];
            if (a->sm[p].tier < 0) {
                a->sm[p].tier = a->sm[v].tier + 1;
                queue[tail++] = p;
            }
        }
    }
    free(queue);
    return 0;
}

/* ---- per-scenario counters ----------------------------------------------------- */

/* The counts of the 64 scenarios of one mask word.  An add spreads each
 * byte of the mask into eight byte counters (lane[b], byte k: scenario
 * 8b + k) through a table: eight loads and adds, no branch on the data.
 * Before a byte counter can overflow (255 adds) the lanes move into the
 * 32-bit totals.  (Bit-sliced counters, one plane per bit of the count,
 * did a data-dependent carry loop per add: a fifth of a 1M-node rank.) */
typedef struct counters {
    uint64_t lane[8];
    uint32_t total[64];
    uint32_t adds;          /* adds since the lanes were emptied */
} counters;

/* SPREAD(b): byte b's bits, one a byte: bit k of b is byte k's low bit. */
#define SPREAD(b)                                                                     \
    ((uint64_t)((b) & 1) | (uint64_t)((b) >> 1 & 1) << 8 | (uint64_t)((b) >> 2 & 1) << 16 \
     | (uint64_t)((b) >> 3 & 1) << 24 | (uint64_t)((b) >> 4 & 1) << 32                   \
     | (uint64_t)((b) >> 5 & 1) << 40 | (uint64_t)((b) >> 6 & 1) << 48                   \
     | (uint64_t)((b) >> 7 & 1) << 56)
#define SPREAD4(b) SPREAD(b), SPREAD((b) + 1), SPREAD((b) + 2), SPREAD((b) + 3)
#define SPREAD16(b) SPREAD4(b), SPREAD4((b) + 4), SPREAD4((b) + 8), SPREAD4((b) + 12)
#define SPREAD64(b) SPREAD16(b), SPREAD16((b) + 16), SPREAD16((b) + 32), SPREAD16((b) + 48)

static const uint64_t spread_byte[256] = { SPREAD64(0), SPREAD64(64), SPREAD64(128),
                                           SPREAD64(192) };

static void counters_flush(counters *c)
{
    for (int b = 0; b < 8; b++) {
        for (int k = 0; k < 8; k++)
            c->total[8 * b + k] += (uint32_t)(c->lane[b] >> (8 * k) & 0xff);
        c->lane[b] = 0;
    }
    c->adds = 0;
}

static void counters_add(counters *c, uint64_t mask)
{
    if (mask == 0)
        return;
    for (int b = 0; b < 8; b++)
        c->lane[b] += spread_byte[mask >> (8 * b) & 0xff];
    if (++c->adds == 255)
        counters_flush(c);
}

static uint64_t counters_get(const counters *c, int s)
{
    return c->total[s] + (c->lane[s >> 3] >> (8 * (s & 7)) & 0xff);
}

/* All 64 counts at once. */
static void counters_spread(const counters *c, uint64_t *out)
{
    for (int s = 0; s < 64; s++)
        out[s] += counters_get(c, s);
}

/* ---- results that grow: SPOF pairs and false-redundancy findings -------------- */

/* False redundancy is kept per group: the number of nodes that defeat it,
 * and the CRISK_FALSE_REDUNDANCY_KEEP of them with the smallest ids.  Every
 * node a shared exchange itself cannot do without also defeats the group,
 * so on large inventories the full list runs to tens of millions (49M on a
 * generated 100k-node inventory); counts stay exact, memory stays bounded,
 * and the kept sample does not depend on the order of the sweeps. */
typedef struct fr_slot {
    uint32_t group, owner;
    uint32_t total;                        /* every node that defeats the group */
    uint32_t kept;                         /* entries used below */
    uint32_t max_rank;                     /* when full: the largest id rank kept */
    uint32_t shared[CRISK_FALSE_REDUNDANCY_KEEP];
    uint32_t rank[CRISK_FALSE_REDUNDANCY_KEEP];   /* their id ranks */
    uint32_t failed[CRISK_FALSE_REDUNDANCY_KEEP];
} fr_slot;

/* A false-redundancy finding of a swept node that nodes inheriting from it
 * (see "chains" below) share, including the groups its own membership keeps
 * from being "outside". */
typedef struct fr_record {
    uint32_t root, dependant, group, failed;
} fr_record;

typedef struct growing {
    uint64_t *spof_pairs;          /* (function << 32) | node */
    size_t n_spof, cap_spof;
    uint32_t *spof_count;          /* counting: per function, the SPOFs this thread found */
    crisk__u32map slot_of;         /* group -> its slot */
    fr_slot *slots;
    size_t n_slots, cap_slots;
    fr_record *fr_rec;             /* findings of the swept roots of chains */
    size_t n_fr_rec, cap_fr_rec;
    crisk__pair_tally *tally;      /* opts->policy: this thread's findings (not owned) */
} growing;

static int push_spof(growing *g, uint32_t function, uint32_t node)
{
    if (crisk__grow((void **)&g->spof_pairs, &g->cap_spof, g->n_spof + 1, sizeof *g->spof_pairs))
        return -1;
    g->spof_pairs[g->n_spof++] = ((uint64_t)function << 32) | node;
    return 0;
}

/* Whether the SPOF list of `function` is kept (keep_spofs, or one of the
 * spof_functions of a counting analysis). */
static int list_kept(const crisk_analysis *a, size_t function)
{
    return a->has_spofs || (a->spof_kept != NULL && a->spof_kept[function]);
}

/* Whether the sweeps look at SPOFs at all: to list or to count them. */
static int spofs_wanted(const crisk_analysis *a)
{
    return a->has_spofs || a->counting || a->spof_kept != NULL;
}

/* `node` is one more SPOF of `function`: counted, and listed if that list is
 * kept. */
static int add_spof(const crisk_analysis *a, growing *g, uint32_t function, uint32_t node)
{
    if (g->tally != NULL && a->inv->criticality[function] >= g->tally->min_criticality)
        crisk__pair_offer(g->tally, function, node);
    if (g->spof_count != NULL)
        g->spof_count[function]++;
    return list_kept(a, function) ? push_spof(g, function, node) : 0;
}

/* The slot of `group`, created on first use.  Found through a hash map
 * of the slots, not an array over every group: each thread has one, and
 * at 9M groups such an array took 36 MB a thread for the few groups with
 * findings. */
static fr_slot *fr_slot_of(growing *g, uint32_t group, uint32_t owner)
{
    uint32_t i = crisk__u32map_get(&g->slot_of, group);
    if (i != CRISK__U32MAP_NONE)
        return &g->slots[i];
    if (crisk__grow((void **)&g->slots, &g->cap_slots, g->n_slots + 1, sizeof *g->slots)
        || crisk__u32map_add(&g->slot_of, group, (uint32_t)g->n_slots) != 0)
        return NULL;
    g->slots[g->n_slots] = (fr_slot){ .group = group, .owner = owner };
    return &g->slots[g->n_slots++];
}

/* Whether a finding of the node of id rank `rank` would be kept in s: the
 * first CRISK_FALSE_REDUNDANCY_KEEP, then only ids smaller than the largest
 * kept.  Most of a large group's findings are not: this answers with one
 * comparison (the batch has its nodes' ranks at hand), where finding the
 * largest kept took sixteen id ranks. */
static int fr_wanted(const fr_slot *s, uint32_t rank)
{
    return s->kept < CRISK_FALSE_REDUNDANCY_KEEP || rank < s->max_rank;
}

/* Keep (shared, failed) if shared, of id rank `rank`, is among the
 * smallest ids seen. */
static void fr_keep(fr_slot *s, uint32_t shared, uint32_t rank, uint32_t failed)
{
    if (!fr_wanted(s, rank))
        return;
    size_t at = s->kept;
    if (s->kept == CRISK_FALSE_REDUNDANCY_KEEP) {   /* full: replace the largest id */
        at = 0;
        while (s->rank[at] != s->max_rank)
            at++;
    } else {
        s->kept++;
    }
    s->shared[at] = shared;
    s->rank[at] = rank;
    s->failed[at] = failed;
    if (s->kept == CRISK_FALSE_REDUNDANCY_KEEP) {
        s->max_rank = 0;
        for (size_t i = 0; i < s->kept; i++)
            if (s->rank[i] > s->max_rank)
                s->max_rank = s->rank[i];
    }
}

static int push_fr(const crisk_analysis *a, growing *g, uint32_t dependant, uint32_t group,
                   uint32_t shared, size_t failed)
{
    fr_slot *s = fr_slot_of(g, group, dependant);
    if (s == NULL)
        return -1;
    s->total++;
    fr_keep(s, shared, a->id_rank[shared], (uint32_t)failed);
    return 0;
}

/* Move what one thread found into `into`.  The kept findings are the
 * smallest ids whatever the order, so the merge is deterministic. */
static int merge_growing(const crisk_analysis *a, growing *into, growing *from)
{
    if (from->spof_count != NULL && into->spof_count == NULL) {
        into->spof_count = from->spof_count;
        from->spof_count = NULL;
    } else if (from->spof_count != NULL) {
        for (size_t v = 0; v < a->inv->n; v++)
            into->spof_count[v] += from->spof_count[v];
    }
    if (from->n_spof > 0 && into->n_spof == 0) {   /* the first: take it, not a copy */
        free(into->spof_pairs);
        into->spof_pairs = from->spof_pairs;
        into->n_spof = from->n_spof;
        into->cap_spof = from->cap_spof;
        from->spof_pairs = NULL;
        from->n_spof = from->cap_spof = 0;
    } else if (from->n_spof > 0) {
        if (crisk__grow((void **)&into->spof_pairs, &into->cap_spof,
                        into->n_spof + from->n_spof, sizeof *into->spof_pairs))
            return -1;
        memcpy(into->spof_pairs + into->n_spof, from->spof_pairs,
               from->n_spof * sizeof *from->spof_pairs);
        into->n_spof += from->n_spof;
    }
    for (size_t i = 0; i < from->n_slots; i++) {
        const fr_slot *src = &from->slots[i];
        fr_slot *dst = fr_slot_of(into, src->group, src->owner);
        if (dst == NULL)
            return -1;
        dst->total += src->total;
        for (size_t k = 0; k < src->kept; k++)
            fr_keep(dst, src->shared[k], src->rank[k], src->failed[k]);
    }
    if (from->n_fr_rec > 0) {
        if (crisk__grow((void **)&into->fr_rec, &into->cap_fr_rec,
                        into->n_fr_rec + from->n_fr_rec, sizeof *into->fr_rec))
            return -1;
        memcpy(into->fr_rec + into->n_fr_rec, from->fr_rec,
               from->n_fr_rec * sizeof *from->fr_rec);
        into->n_fr_rec += from->n_fr_rec;
    }
    return 0;
}

static void growing_release(growing *g)
{
    free(g->fr_rec);
    free(g->spof_pairs);
    free(g->spof_count);
    crisk__u32map_release(&g->slot_of);
    free(g->slots);
    memset(g, 0, sizeof *g);
}

/* Flatten the kept findings into the public array. */
static int collect_fr(crisk_analysis *a, growing *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n_slots; i++)
        n += g->slots[i].kept;
    a->fr = malloc((n + 1) * sizeof *a->fr);
    if (a->fr == NULL)
        return -1;
    for (size_t i = 0; i < g->n_slots; i++) {
        const fr_slot *s = &g->slots[i];
        a->fr_total += s->total;
        for (size_t k = 0; k < s->kept; k++)
            a->fr[a->n_fr++] = (crisk_false_redundancy){ s->owner, s->group, s->shared[k],
                                                         s->failed[k], s->total };
    }
    return 0;
}

/* ---- one batch ------------------------------------------------------------------ */

typedef struct batch {
    uint32_t node[CRISK__SCENARIOS];
    size_t size;
    crisk__mask valid;         /* the scenarios in use */
    crisk__mask rec;           /* scenarios whose findings strong inheritors share */
    uint32_t rank[CRISK__SCENARIOS];   /* keep_false_redundancy: the nodes' id ranks */
    uint32_t min_rank[CRISK__W];       /* ... and the smallest of each mask word */
} batch;

#define SCENARIO(w, bit) ((size_t)(w) * 64 + (size_t)(bit))

/* What accumulate needs to know of a position, in one byte. */
#define KIND_FUNCTION 1u
#define KIND_TIER1 2u
#define KIND_REDUNDANT 4u   /* has a group of two or more members */

/* Members of group g failed in scenario s (for the finding's report). */
static size_t failed_members(const crisk__prop *p, uint32_t g, size_t s)
{
    const crisk__topo *t = p->t;
    size_t count = 0;
    for (uint32_t e = t->member_start[g]; e < t->member_start[g + 1]; e++)
        count += (p->st[t->member[e]].grp.w[s >> 6] >> (s & 63)) & 1;
    return count;
}

/* Redundancy groups of position q that one scenario's node defeats from
 * outside. */
static int find_false_redundancy(const crisk__prop *p, const batch *bt, uint32_t q, growing *g)
{
    const crisk__topo *t = p->t;
    uint64_t failed = 0;   /* a group can only fail where its owner fails */
    for (int w = 0; w < CRISK__W; w++)
        failed |= p->st[q].grp.w[w] & bt->valid.w[w];
    if (failed == 0 || (p->kept_fails != NULL && !crisk__prop_evaluated(p, q)))
        return 0;   /* not evaluated in this batch: no group of it failed */
    crisk__mask fails;
    for (uint32_t grp = t->group_start[q]; grp < t->group_start[q + 1]; grp++) {
        if (!crisk__topo_redundant(t, grp))
            continue;
        if (p->kept_fails != NULL)
            fails = *crisk__prop_kept_fails(p, grp);
        else
            crisk__prop_group_fails(p, grp, &fails);
        for (int w = 0; w < CRISK__W; w++) {
            uint64_t f = fails.w[w] & bt->valid.w[w];
            uint64_t rec = f & bt->rec.w[w];
            for (uint32_t e = t->member_start[grp]; f && e < t->member_start[grp + 1]; e++)
                f &= ~crisk__prop_initial_at(p, t->member[e]).w[w];   /* a member failing is not "outside" */
            /* one slot lookup per group and word; failed members are
             * counted only for the findings kept */
            fr_slot *slot = f == 0 ? NULL : fr_slot_of(g, t->group_id[grp], t->order[q]);
            if (f != 0 && slot == NULL)
                return -1;
            if (f != 0) {
                slot->total += (uint32_t)__builtin_popcountll(f);
                if (!fr_wanted(slot, bt->min_rank[w]))
                    f = 0;   /* a full slot that keeps smaller ids than the word's */
            }
            for (; f != 0; f &= f - 1) {
                size_t s = SCENARIO(w, __builtin_ctzll(f));
                if (fr_wanted(slot, bt->rank[s]))
                    fr_keep(slot, bt->node[s], bt->rank[s],
                            (uint32_t)failed_members(p, grp, s));
            }
            /* For inheritors the scenario's node is outside every group:
             * keep all the groups that fail, its own included. */
            while (rec) {
                size_t s = SCENARIO(w, __builtin_ctzll(rec));
                rec &= rec - 1;
                if (crisk__grow((void **)&g->fr_rec, &g->cap_fr_rec, g->n_fr_rec + 1,
                                sizeof *g->fr_rec))
                    return -1;
                g->fr_rec[g->n_fr_rec++] = (fr_record){ bt->node[s], t->order[q],
                                                        t->group_id[grp],
                                                        (uint32_t)failed_members(p, grp, s) };
            }
        }
    }
    return 0;
}

/* Functions with few distinct criticality and rto values (inventories use
 * a handful: 1-5, 4 h, 24 h, ...) are counted per value class with
 * per-scenario counters, like dependants, instead of one step per scenario
 * bit; exposure is then sum over classes of value x count.  With more than
 * FN_CLASSES_MAX distinct values the per-bit path is used. */
#define FN_CLASSES_MAX 32

typedef struct fn_classes {
    int fast;
    size_t n_crit, n_rto;
    double crit[FN_CLASSES_MAX], rto[FN_CLASSES_MAX];   /* ascending */
    uint8_t *crit_of, *rto_of;  /* per position; rto_of == n_rto: no rto */
} fn_classes;

typedef struct class_counters {
    counters reach[FN_CLASSES_MAX][CRISK__W];      /* by criticality class */
    counters fail[FN_CLASSES_MAX][CRISK__W];       /* by criticality class */
    counters fail_rto[FN_CLASSES_MAX][CRISK__W];   /* by rto class */
    /* keep_fingerprints: per rto class (the last: no rto) and scenario, the
     * sum of the id hashes of the functions of that class that fail */
    uint64_t fp[FN_CLASSES_MAX + 1][CRISK__SCENARIOS];
} class_counters;

/* Chains.  A node v with one dependant u, neither of them on a cycle,
 * inherits from u instead of being swept (a chain a million long would
 * otherwise cost a sweep over everything above each of its nodes):
 *   - its ancestors are u and u's ancestors, so dependants, tier-1
 *     dependants, and functions and exposure per criticality class follow
 *     from u's;
 *   - it is "strong" when a group of u needing all its members (an edge
 *     without a group is one) holds v: then v failing fails u, and what
 *     fails is v plus what fails with u, so impact, impact weight, breaches
 *     (per rto class, against v's own recovery), SPOFs and false-redundancy
 *     findings follow from u's.  Otherwise v failing fails nothing else.
 * A finding of scenario u whose group u belongs to was not "outside" for u
 * but is for v, so swept nodes with strong inheritors record every group
 * that fails (fr_record).  Only with per-value function counters
 * (fn_classes.fast): the sums then add the same terms in the same order as
 * a sweep, so results are the same to the last bit.  Fingerprints
 * (keep_fingerprints) follow the same way: v's impact fingerprint is u's
 * plus u's hash when u is a function, and its breach fingerprint the sum
 * of the per-rto-class fingerprints (fp_rto) of the classes below v's own
 * recovery - sums mod 2^64, exact in any order.  Nodes are visited
 * dependants first (descending position); O(V + E + SPOFs + findings). */
#define NO_NODE UINT32_MAX

typedef struct chains {
    size_t n_inherit;           /* nodes that inherit; 0: every node is swept */
    uint32_t *parent;           /* node -> the dependant it inherits from, or NO_NODE */
    uint8_t *strong;            /* node -> its failure alone fails its parent */
    uint8_t *recorded;          /* node -> swept, with a strong inheritor (batch.rec) */
    uint32_t *row;              /* node -> its row of `counts` (inherited from), or NO_NODE */
    uint32_t *counts;           /* per row: reach per criticality class, failures per
                                 * criticality class, failures per rto class */
    uint64_t *fp_rto;           /* keep_fingerprints: per row and rto class, the sum of the
                                 * id hashes of the functions of that class that fail */
    size_t width, n_rows;
} chains;

static int compare_double_asc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* Index of x in the first *n values of `set`, adding it if new; -1 when
 * the set is full. */
static int class_of(double *set, size_t *n, double x)
{
    for (size_t i = 0; i < *n; i++)
        if (set[i] == x)
            return (int)i;
    if (*n == FN_CLASSES_MAX)
        return -1;
    set[*n] = x;
    return (int)(*n)++;
}

static size_t class_index(const double *set, size_t n, double x)
{
    size_t i = 0;
    while (i < n && set[i] != x)
        i++;
    return i;
}

static int fn_classes_init(fn_classes *fc, const crisk_inventory *inv, const crisk__topo *t)
{
    memset(fc, 0, sizeof *fc);
    fc->fast = 1;
    for (size_t v = 0; v < inv->n && fc->fast; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            fc->fast = class_of(fc->crit, &fc->n_crit, inv->criticality[v]) >= 0
                    && (isnan(inv->rto[v]) || class_of(fc->rto, &fc->n_rto, inv->rto[v]) >= 0);
    if (!fc->fast)
        return 0;
    crisk__sort(fc->crit, fc->n_crit, sizeof *fc->crit, compare_double_asc);
    crisk__sort(fc->rto, fc->n_rto, sizeof *fc->rto, compare_double_asc);
    fc->crit_of = calloc(inv->n + 1, 1);
    fc->rto_of = calloc(inv->n + 1, 1);
    if (fc->crit_of == NULL || fc->rto_of == NULL)
        return -1;
    for (size_t q = 0; q < inv->n; q++) {
        uint32_t v = t->order[q];
        if (inv->type[v] != CRISK_NODE_FUNCTION)
            continue;
        fc->crit_of[q] = (uint8_t)class_index(fc->crit, fc->n_crit, inv->criticality[v]);
        fc->rto_of[q] = (uint8_t)(isnan(inv->rto[v]) ? fc->n_rto
                                                     : class_index(fc->rto, fc->n_rto, inv->rto[v]));
    }
    return 0;
}

static void fn_classes_release(fn_classes *fc)
{
    free(fc->crit_of);
    free(fc->rto_of);
}

static void class_counters_clear(class_counters *cc, const fn_classes *fc, int fingerprints)
{
    memset(cc->reach, 0, fc->n_crit * sizeof cc->reach[0]);
    memset(cc->fail, 0, fc->n_crit * sizeof cc->fail[0]);
    memset(cc->fail_rto, 0, fc->n_rto * sizeof cc->fail_rto[0]);
    if (fingerprints)
        memset(cc->fp, 0, (fc->n_rto + 1) * sizeof cc->fp[0]);
}

/* The counts of one class, for every scenario of the batch. */
static void class_counts(const counters by_word[CRISK__W], uint64_t n[CRISK__SCENARIOS])
{
    memset(n, 0, CRISK__SCENARIOS * sizeof *n);
    for (int w = 0; w < CRISK__W; w++)
        counters_spread(&by_word[w], n + 64 * w);
}

/* The per-class counts of one batch into its scenario nodes' metrics, class
 * by class in ascending value order. */
/* Keep count n[s] of class column `col` where scenario s's node has a row. */
static void keep_class_counts(const chains *ch, const batch *bt, size_t col, const uint64_t *n)
{
    for (size_t s = 0; ch->n_inherit > 0 && s < bt->size; s++)
        if (ch->row[bt->node[s]] != NO_NODE)
            ch->counts[ch->row[bt->node[s]] * ch->width + col] = (uint32_t)n[s];
}

/* The batch's fingerprints from its per-class sums (keep_fingerprints):
 * a node's impact sum is that of every class, its breach sum that of the
 * rto classes below its own recovery, and a node that chain members
 * inherit from keeps its sum per rto class (sums mod 2^64: the same in
 * any order). */
static void fingerprints_finish(crisk_analysis *a, const class_counters *cc,
                                const fn_classes *fc, const chains *ch, const batch *bt)
{
    size_t nr = fc->n_rto;
    for (size_t s = 0; s < bt->size; s++) {
        uint32_t v = bt->node[s];
        double recovery = a->inv->recovery[v];
        uint64_t impact = cc->fp[nr][s], breach = 0;
        for (size_t r = 0; r < nr; r++) {
            impact += cc->fp[r][s];
            if (fc->rto[r] < recovery)   /* false when NaN */
                breach += cc->fp[r][s];
        }
        a->fp_impact[v] += impact;
        a->fp_breach[v] += breach;
        if (ch->fp_rto != NULL && ch->row[v] != NO_NODE)
            for (size_t r = 0; r < nr; r++)
                ch->fp_rto[(size_t)ch->row[v] * nr + r] += cc->fp[r][s];
    }
}

static void class_counters_finish(crisk_analysis *a, const class_counters *cc,
                                  const fn_classes *fc, const chains *ch, const batch *bt)
{
    uint64_t n[CRISK__SCENARIOS];
    for (size_t c = 0; c < fc->n_crit; c++) {
        class_counts(cc->reach[c], n);
        keep_class_counts(ch, bt, c, n);
        for (size_t s = 0; s < bt->size; s++) {
            sweep_metrics *m = &a->sm[bt->node[s]];
            m->functions += (uint32_t)n[s];
            m->exposure += fc->crit[c] * (double)n[s];
        }
        class_counts(cc->fail[c], n);
        keep_class_counts(ch, bt, fc->n_crit + c, n);
        for (size_t s = 0; s < bt->size; s++) {
            sweep_metrics *m = &a->sm[bt->node[s]];
            m->impact += (uint32_t)n[s];
            m->impact_weight += fc->crit[c] * (double)n[s];
        }
    }
    for (size_t r = 0; r < fc->n_rto; r++) {
        class_counts(cc->fail_rto[r], n);
        keep_class_counts(ch, bt, 2 * fc->n_crit + r, n);
        for (size_t s = 0; s < bt->size; s++)
            if (fc->rto[r] < a->inv->recovery[bt->node[s]])   /* false when NaN */
                a->sm[bt->node[s]].breaches += (uint32_t)n[s];
    }
    if (a->fp_impact != NULL)
        fingerprints_finish(a, cc, fc, ch, bt);
}

/* Fingerprint the failures of function f for the batch's scenario nodes
 * in `fails` (word w).  With per-value classes the hash goes to the
 * batch's sum of f's rto class (fingerprints_finish), a write within a few
 * kilobytes; without, to the node's own sums, a write anywhere among the
 * nodes (and no chains inherit: they need the classes). */
static void fingerprint_fails(crisk_analysis *a, const batch *bt, uint32_t f, uint32_t q,
                              int w, uint64_t fails, const fn_classes *fc, class_counters *cc)
{
    uint64_t hash = a->id_hash[f];
    if (fc->fast) {
        uint64_t *sum = cc->fp[fc->rto_of[q]] + 64 * w;
        for (uint64_t bits = fails; bits != 0; bits &= bits - 1)
            sum[__builtin_ctzll(bits)] += hash;
        return;
    }
    const crisk_inventory *inv = a->inv;
    for (uint64_t bits = fails; bits != 0; bits &= bits - 1) {
        uint32_t v = bt->node[SCENARIO(w, __builtin_ctzll(bits))];
        a->fp_impact[v] += hash;
        if (inv->rto[f] < inv->recovery[v])   /* false when either is NaN */
            a->fp_breach[v] += hash;
    }
}

static int accumulate_function(crisk_analysis *a, const crisk__prop *p, const batch *bt,
                               uint32_t q, const crisk__mask *init, growing *g,
                               const fn_classes *fc, class_counters *cc)
{
    const crisk_inventory *inv = a->inv;
    uint32_t f = p->t->order[q];
    double crit = inv->criticality[f];
    if (a->counting && g->spof_count == NULL) {
        g->spof_count = calloc(inv->n + 1, sizeof *g->spof_count);
        if (g->spof_count == NULL)
            return -1;
    }
    int listed = list_kept(a, f);
    crisk__pair_tally *tally = g->tally != NULL && crit >= g->tally->min_criticality ? g->tally
                                                                                     : NULL;
    for (int w = 0; w < CRISK__W; w++) {
        uint64_t reach = p->st[q].all.w[w] & ~init->w[w] & bt->valid.w[w];
        uint64_t fails = p->st[q].grp.w[w] & ~init->w[w] & bt->valid.w[w];
        if (fc->fast) {
            counters_add(&cc->reach[fc->crit_of[q]][w], reach);
            counters_add(&cc->fail[fc->crit_of[q]][w], fails);
            if (fc->rto_of[q] < fc->n_rto)
                counters_add(&cc->fail_rto[fc->rto_of[q]][w], fails);
        } else {
            for (uint64_t bits = reach; bits != 0; bits &= bits - 1) {
                sweep_metrics *m = &a->sm[bt->node[SCENARIO(w, __builtin_ctzll(bits))]];
                m->functions++;
                m->exposure += crit;
            }
            for (uint64_t bits = fails; bits != 0; bits &= bits - 1) {
                uint32_t v = bt->node[SCENARIO(w, __builtin_ctzll(bits))];
                a->sm[v].impact++;
                a->sm[v].impact_weight += crit;
                if (inv->rto[f] < inv->recovery[v])   /* false when either is NaN */
                    a->sm[v].breaches++;
            }
        }
        /* Unlisted, only the pairs of recorded nodes: chains_finish hands
         * them down to the nodes that inherit from them. */
        if (g->spof_count != NULL)
            g->spof_count[f] += (uint32_t)__builtin_popcountll(fails);
        uint64_t pairs = listed ? fails : a->counting ? fails & bt->rec.w[w] : 0;
        for (uint64_t bits = pairs; bits != 0; bits &= bits - 1)
            if (push_spof(g, f, bt->node[SCENARIO(w, __builtin_ctzll(bits))]) != 0)
                return -1;
        for (uint64_t bits = tally != NULL ? fails : 0; bits != 0; bits &= bits - 1)
            crisk__pair_offer(tally, f, bt->node[SCENARIO(w, __builtin_ctzll(bits))]);
        /* Only this batch's scenario nodes are written: threads never share one. */
        if (a->fp_impact != NULL)
            fingerprint_fails(a, bt, f, q, w, fails, fc, cc);
    }
    return 0;
}

#define ACCUMULATE_AHEAD 8

/* A walk over the live positions of a batch, for prefetching. */
typedef struct live_cursor {
    size_t w, words;
    uint64_t bits;
} live_cursor;

/* Fetch the masks of the cursor's next live position and step past it. */
static void prefetch_live(const crisk__prop *p, live_cursor *c)
{
    while (c->bits == 0) {
        if (c->w >= c->words)
            return;
        c->bits = p->live[c->w++];
    }
    size_t q = (c->w - 1) * 64 + (size_t)__builtin_ctzll(c->bits);
    c->bits &= c->bits - 1;
    __builtin_prefetch(&p->st[q].all);
    __builtin_prefetch(&p->st[q].grp);
}

/* Add one swept batch to the metrics of its scenario nodes.  Only those
 * nodes' metrics are written, so batches can run on different threads. */
static int accumulate(crisk_analysis *a, const crisk__prop *p, const batch *bt,
                      const uint8_t *kind, growing *g, const crisk_analysis_options *opts,
                      const fn_classes *fc, const chains *ch, class_counters *cc)
{
    if (fc->fast)
        class_counters_clear(cc, fc, a->fp_impact != NULL);
    counters dependants[CRISK__W], tier1[CRISK__W];
    memset(dependants, 0, sizeof dependants);
    memset(tier1, 0, sizeof tier1);
    /* positions in ascending order: the masks are read as one forward
     * stream, too sparse for the hardware to see, so a second cursor
     * fetches the masks ACCUMULATE_AHEAD live positions ahead */
    size_t words = (p->t->n + 63) / 64;
    live_cursor ahead = { .words = words };
    for (int i = 0; i < ACCUMULATE_AHEAD; i++)
        prefetch_live(p, &ahead);
    for (size_t lw = 0; lw < words; lw++)
    for (uint64_t bits = p->live[lw]; bits != 0; bits &= bits - 1) {
        uint32_t q = (uint32_t)(lw * 64 + (size_t)__builtin_ctzll(bits));
        prefetch_live(p, &ahead);
        crisk__mask init = crisk__prop_initial_at(p, q);
        for (int w = 0; w < CRISK__W; w++) {
            uint64_t others = p->st[q].all.w[w] & ~init.w[w] & bt->valid.w[w];
            counters_add(&dependants[w], others);
            if (kind[q] & KIND_TIER1)
                counters_add(&tier1[w], others);
        }
        if ((kind[q] & KIND_FUNCTION)
            && accumulate_function(a, p, bt, q, &init, g, fc, cc) != 0)
            return -1;
        if ((kind[q] & KIND_REDUNDANT) && opts->keep_false_redundancy
            && find_false_redundancy(p, bt, q, g) != 0)
            return -1;
    }
    for (size_t s = 0; s < bt->size; s++) {
        a->sm[bt->node[s]].dependants = (uint32_t)counters_get(&dependants[s >> 6], (int)(s & 63));
        a->sm[bt->node[s]].tier1_dependants = (uint32_t)counters_get(&tier1[s >> 6], (int)(s & 63));
    }
    if (fc->fast)
        class_counters_finish(a, cc, fc, ch, bt);
    return 0;
}

/* ---- chains -------------------------------------------------------------------------- */

static void chains_release(chains *ch)
{
    free(ch->parent);
    free(ch->strong);
    free(ch->recorded);
    free(ch->row);
    free(ch->counts);
    free(ch->fp_rto);
    memset(ch, 0, sizeof *ch);
}

/* Which nodes inherit, from whom, and how (see "Chains" above).  With
 * `fingerprints`, rows also carry per-rto-class fingerprints: a node's
 * breach fingerprint depends on its own recovery_hours against each
 * function's rto, so the classes are kept apart until then. */
static int chains_init(chains *ch, const crisk_inventory *inv, const crisk__topo *t,
                       const fn_classes *fc, int fingerprints)
{
    memset(ch, 0, sizeof *ch);
    if (!fc->fast)
        return 0;
    size_t n = inv->n;
    ch->parent = malloc((n + 1) * sizeof *ch->parent);
    if (ch->parent == NULL)
        return -1;
    for (size_t v = 0; v < n; v++) {
        uint32_t d0 = inv->dep_start[v];
        ch->parent[v] = NO_NODE;
        if (inv->dep_start[v + 1] - d0 == 1 && !t->cyclic[v] && !t->cyclic[inv->dep[d0]]) {
            ch->parent[v] = inv->dep[d0];
            ch->n_inherit++;
        }
    }
    if (ch->n_inherit == 0) {
        chains_release(ch);
        return 0;
    }
    ch->strong = calloc(n + 1, 1);
    ch->recorded = calloc(n + 1, 1);
    ch->row = malloc((n + 1) * sizeof *ch->row);
    if (ch->strong == NULL || ch->recorded == NULL || ch->row == NULL) {
        chains_release(ch);
        return -1;
    }
    for (size_t u = 0; u < n; u++)
        for (uint32_t g = inv->group_start[u]; g < inv->group_start[u + 1]; g++)
            if (inv->need[g] >= inv->member_start[g + 1] - inv->member_start[g])
                for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
                    if (ch->parent[inv->member[e]] == u)
                        ch->strong[inv->member[e]] = 1;
    memset(ch->row, 0xff, (n + 1) * sizeof *ch->row);
    for (size_t v = 0; v < n; v++) {
        uint32_t u = ch->parent[v];
        if (u == NO_NODE)
            continue;
        if (ch->row[u] == NO_NODE)
            ch->row[u] = (uint32_t)ch->n_rows++;
        if (ch->strong[v] && ch->parent[u] == NO_NODE)
            ch->recorded[u] = 1;
    }
    ch->width = 2 * fc->n_crit + fc->n_rto;
    ch->counts = calloc(ch->n_rows * ch->width + 1, sizeof *ch->counts);
    if (fingerprints)
        ch->fp_rto = calloc(ch->n_rows * fc->n_rto + 1, sizeof *ch->fp_rto);
    if (ch->counts == NULL || (fingerprints && ch->fp_rto == NULL)) {
        chains_release(ch);
        return -1;
    }
    return 0;
}

/* Per node, the values of (key, value) pairs with that key, in pair order:
 * values[start[v] .. start[v + 1]).  `key` and `value` read pair i. */
typedef struct by_node {
    uint32_t *start, *values;
} by_node;

static int by_node_init(by_node *b, size_t n, size_t count, const void *ctx,
                        uint32_t (*key)(const void *, size_t),
                        uint32_t (*value)(const void *, size_t))
{
    b->start = calloc(n + 2, sizeof *b->start);
    b->values = malloc((count + 1) * sizeof *b->values);
    if (b->start == NULL || b->values == NULL)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (key(ctx, i) != NO_NODE)
            b->start[key(ctx, i) + 2]++;
    for (size_t v = 0; v < n; v++)
        b->start[v + 2] += b->start[v + 1];
    for (size_t i = 0; i < count; i++)
        if (key(ctx, i) != NO_NODE)
            b->values[b->start[key(ctx, i) + 1]++] = value(ctx, i);
    return 0;
}

static void by_node_release(by_node *b)
{
    free(b->start);
    free(b->values);
}

typedef struct chain_ctx {
    const chains *ch;
    const crisk_inventory *inv;
    const growing *g;
    uint32_t *e_group;          /* E pairs: (member, group) */
    uint32_t *e_member;
} chain_ctx;

static uint32_t spof_root(const void *ctx, size_t i)
{
    const chain_ctx *c = ctx;
    uint32_t v = (uint32_t)c->g->spof_pairs[i];
    return c->ch->recorded[v] ? v : NO_NODE;
}

static uint32_t spof_function(const void *ctx, size_t i)
{
    return (uint32_t)(((const chain_ctx *)ctx)->g->spof_pairs[i] >> 32);
}

static uint32_t record_root(const void *ctx, size_t i)
{
    return ((const chain_ctx *)ctx)->g->fr_rec[i].root;
}

static uint32_t record_index(const void *ctx, size_t i)
{
    (void)ctx;
    return (uint32_t)i;
}

static uint32_t e_member(const void *ctx, size_t i)
{
    return ((const chain_ctx *)ctx)->e_member[i];
}

static uint32_t e_group(const void *ctx, size_t i)
{
    return ((const chain_ctx *)ctx)->e_group[i];
}

/* The groups of `parent[x]` that x alone defeats (x inherits, is in the
 * group, and the group needs all of its two or more members): for a node
 * below x they are defeated from outside.  As (member, group) pairs. */
static int chain_own_groups(const chains *ch, const crisk_inventory *inv, chain_ctx *c,
                            size_t *count)
{
    size_t k = 0, cap = 0;
    c->e_group = c->e_member = NULL;
    for (size_t u = 0; u < inv->n; u++)
        for (uint32_t g = inv->group_start[u]; g < inv->group_start[u + 1]; g++) {
            uint32_t size = inv->member_start[g + 1] - inv->member_start[g];
            if (size < 2 || inv->need[g] < size)
                continue;
            for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++) {
                if (ch->parent[inv->member[e]] != u)
                    continue;
                size_t cap2 = cap;
                if (crisk__grow((void **)&c->e_group, &cap, k + 1, sizeof *c->e_group)
                    || crisk__grow((void **)&c->e_member, &cap2, k + 1, sizeof *c->e_member))
                    return -1;
                c->e_group[k] = g;
                c->e_member[k++] = inv->member[e];
            }
        }
    *count = k;
    return 0;
}

/* The fingerprints of v, which inherits from u (keep_fingerprints; see
 * "Chains" above): what fails with v is what fails with u, and u. */
static void chain_fingerprints(crisk_analysis *a, const chains *ch, const fn_classes *fc,
                               uint32_t v, uint32_t u, uint32_t qu)
{
    const crisk_inventory *inv = a->inv;
    size_t nr = fc->n_rto;
    uint64_t r[FN_CLASSES_MAX];
    memset(r, 0, sizeof r);
    if (ch->strong[v]) {
        memcpy(r, ch->fp_rto + (size_t)ch->row[u] * nr, nr * sizeof *r);
        a->fp_impact[v] = a->fp_impact[u];
        if (inv->type[u] == CRISK_NODE_FUNCTION) {
            a->fp_impact[v] += a->id_hash[u];
            if (fc->rto_of[qu] < nr)
                r[fc->rto_of[qu]] += a->id_hash[u];
        }
    }
    if (ch->row[v] != NO_NODE)
        memcpy(ch->fp_rto + (size_t)ch->row[v] * nr, r, nr * sizeof *r);
    for (size_t k = 0; k < nr; k++)
        if (fc->rto[k] < inv->recovery[v])   /* false when NaN */
            a->fp_breach[v] += r[k];
}

/* The metrics, SPOFs and findings of the nodes that inherit, from the swept
 * ones (see "Chains" above). */
static int chains_finish(crisk_analysis *a, const chains *ch, const crisk__topo *t,
                         const fn_classes *fc, growing *g, const crisk_analysis_options *opts)
{
    if (ch->n_inherit == 0)
        return 0;
    const crisk_inventory *inv = a->inv;
    size_t n = inv->n, nc = fc->n_crit, width = ch->width, n_e = 0;
    chain_ctx c = { .ch = ch, .inv = inv, .g = g };
    by_node root_fn = { NULL, NULL }, root_rec = { NULL, NULL }, own = { NULL, NULL };
    uint32_t *jump = malloc((n + 1) * sizeof *jump);      /* SPOF walk */
    uint32_t *jump_fr = malloc((n + 1) * sizeof *jump_fr);
    int rc = -1;
    if (jump == NULL || jump_fr == NULL
        || (spofs_wanted(a)
            && by_node_init(&root_fn, n, g->n_spof, &c, spof_root, spof_function) != 0)
        || (opts->keep_false_redundancy
            && (by_node_init(&root_rec, n, g->n_fr_rec, &c, record_root, record_index) != 0
                || chain_own_groups(ch, inv, &c, &n_e) != 0
                || by_node_init(&own, n, n_e, &c, e_member, e_group) != 0)))
        goto out;
    for (size_t q = n; q-- > 0;) {   /* dependants first */
        uint32_t v = t->order[q], u = ch->parent[v];
        if (u == NO_NODE)
            continue;
        uint32_t r[3 * FN_CLASSES_MAX];
        memcpy(r, ch->counts + (size_t)ch->row[u] * width, width * sizeof *r);
        uint32_t qu = t->pos[u];
        int u_fn = inv->type[u] == CRISK_NODE_FUNCTION;
        if (u_fn)
            r[fc->crit_of[qu]]++;
        if (!ch->strong[v])
            memset(r + nc, 0, (width - nc) * sizeof *r);
        else if (u_fn) {
            r[nc + fc->crit_of[qu]]++;
            if (fc->rto_of[qu] < fc->n_rto)
                r[2 * nc + fc->rto_of[qu]]++;
        }
        if (ch->row[v] != NO_NODE)
            memcpy(ch->counts + (size_t)ch->row[v] * width, r, width * sizeof *r);
        /* the same sums as class_counters_finish, in the same order */
        sweep_metrics *m = &a->sm[v];
        m->dependants = a->sm[u].dependants + 1;
        m->tier1_dependants = a->sm[u].tier1_dependants + (a->sm[u].tier == 1);
        for (size_t k = 0; k < nc; k++) {
            m->functions += r[k];
            m->exposure += fc->crit[k] * (double)r[k];
            m->impact += r[nc + k];
            m->impact_weight += fc->crit[k] * (double)r[nc + k];
        }
        for (size_t k = 0; k < fc->n_rto; k++)
            if (fc->rto[k] < inv->recovery[v])   /* false when NaN */
                m->breaches += r[2 * nc + k];
        if (ch->fp_rto != NULL)
            chain_fingerprints(a, ch, fc, v, u, qu);
        /* Walks up the chain, skipping the nodes that add nothing: what
         * fails with v is, up to the first weak link or swept node, every
         * node on the way; the swept node adds what it recorded. */
        int u_root = ch->parent[u] == NO_NODE;
        jump[v] = !ch->strong[v] ? NO_NODE : u_fn || u_root ? u : jump[u];
        for (uint32_t x = jump[v]; spofs_wanted(a) && x != NO_NODE; x = jump[x]) {
            if (inv->type[x] == CRISK_NODE_FUNCTION && add_spof(a, g, x, v) != 0)
                goto out;
            if (ch->parent[x] != NO_NODE)
                continue;
            for (uint32_t i = root_fn.start[x]; i < root_fn.start[x + 1]; i++)
                if (add_spof(a, g, root_fn.values[i], v) != 0)
                    goto out;
            break;
        }
        if (!opts->keep_false_redundancy)
            continue;
        int u_own = !u_root && own.start[u] != own.start[u + 1];
        jump_fr[v] = !ch->strong[v] ? NO_NODE : u_own || u_root ? u : jump_fr[u];
        for (uint32_t x = jump_fr[v]; x != NO_NODE; x = jump_fr[x]) {
            if (ch->parent[x] == NO_NODE) {
                for (uint32_t i = root_rec.start[x]; i < root_rec.start[x + 1]; i++) {
                    const fr_record *f = &g->fr_rec[root_rec.values[i]];
                    if (push_fr(a, g, f->dependant, f->group, v, f->failed) != 0)
                        goto out;
                }
                break;
            }
            for (uint32_t i = own.start[x]; i < own.start[x + 1]; i++)
                if (push_fr(a, g, ch->parent[x], own.values[i], v, 1) != 0)
                    goto out;
        }
    }
    rc = 0;
out:
    free(jump);
    free(jump_fr);
    free(c.e_group);
    free(c.e_member);
    by_node_release(&root_fn);
    by_node_release(&root_rec);
    by_node_release(&own);
    return rc;
}

/* ---- batch order ------------------------------------------------------------------ */

/* The nodes to sweep (those something depends on, but chain members),
 * in batch order (crisk__topo_sweep_order: nodes that fail much the same
 * share a batch). */
static int scenario_order(const crisk_inventory *inv, const crisk__topo *t, const chains *ch,
                          uint32_t **out, size_t *count)
{
    size_t n = inv->n, k = 0;
    uint32_t *list = malloc((n + 1) * sizeof *list);
    if (list == NULL)
        return -1;
    for (size_t v = 0; v < n; v++)
        if (inv->dep_start[v] != inv->dep_start[v + 1]
            && (ch->n_inherit == 0 || ch->parent[v] == NO_NODE))
            list[k++] = (uint32_t)v;
    if (crisk__topo_sweep_order(t, list, k) != 0) {
        free(list);
        return -1;
    }
    *out = list;
    *count = k;
    return 0;
}

/* Batches are independent: each writes only its own scenario nodes' metrics
 * and its own findings, so threads take them from a shared counter.  Results
 * do not depend on which thread ran which batch (see merge_growing). */
typedef struct sweep_plan {
    crisk_analysis *a;
    const crisk_analysis_options *opts;
    const crisk__topo *topo;
    const uint8_t *kind;
    const fn_classes *fc;
    const chains *ch;
    const uint32_t *todo;
    size_t n_todo;
    atomic_size_t next;        /* first scenario of the next batch to take */
    atomic_size_t done;        /* scenarios finished */
    atomic_int stop;           /* a worker ran out of memory */
} sweep_plan;

typedef struct sweeper {
    sweep_plan *plan;
    crisk__prop p;
    growing g;
    class_counters *cc;
    int reports;               /* this one calls the progress hook */
    int failed;
} sweeper;

static void *sweep_batches(void *arg)
{
    sweeper *sw = arg;
    sweep_plan *plan = sw->plan;
    batch bt;
    while (!atomic_load(&plan->stop)) {
        size_t first = atomic_fetch_add(&plan->next, CRISK__SCENARIOS);
        if (first >= plan->n_todo)
            break;
        bt.size = plan->n_todo - first < CRISK__SCENARIOS ? plan->n_todo - first
                                                          : CRISK__SCENARIOS;
        memcpy(bt.node, plan->todo + first, bt.size * sizeof *bt.node);
        crisk__mask_first(&bt.valid, bt.size);
        for (int w = 0; w < CRISK__W; w++)
            bt.min_rank[w] = UINT32_MAX;
        for (size_t s = 0; plan->opts->keep_false_redundancy && s < bt.size; s++) {
            bt.rank[s] = plan->a->id_rank[bt.node[s]];
            if (bt.rank[s] < bt.min_rank[s >> 6])
                bt.min_rank[s >> 6] = bt.rank[s];
        }
        memset(&bt.rec, 0, sizeof bt.rec);
        for (size_t s = 0; plan->ch->n_inherit > 0 && s < bt.size; s++)
            if (plan->ch->recorded[bt.node[s]])
                bt.rec.w[s >> 6] |= 1ull << (s & 63);
        crisk__prop_clear(&sw->p);
        int seeded = 0;
        for (size_t s = 0; s < bt.size; s++)
            seeded |= crisk__prop_seed_one(&sw->p, bt.node[s], s);
        if (seeded != 0) {
            sw->failed = 1;
            atomic_store(&plan->stop, 1);
            break;
        }
        crisk__prop_run(&sw->p);
        if (accumulate(plan->a, &sw->p, &bt, plan->kind, &sw->g, plan->opts, plan->fc, plan->ch,
                       sw->cc)
            != 0) {
            sw->failed = 1;
            atomic_store(&plan->stop, 1);
            break;
        }
        size_t done = atomic_fetch_add(&plan->done, bt.size) + bt.size;
        if (sw->reports && plan->opts->progress)
            plan->opts->progress(plan->opts->progress_ctx, "analysing", done, plan->n_todo);
    }
    return NULL;
}

/* An engine for sweeps after the analysis (tier-1 lists, the members a
 * false-redundancy finding fails, minimal pairs): on the kept topology,
 * else one of its own. */
static int prop_on_topology(const crisk_analysis *a, crisk__prop *p, crisk_error *err)
{
    return a->topo != NULL ? crisk__prop_init_shared(p, a->topo, err)
                           : crisk__prop_init(p, a->inv, err);
}

/* Keep the topology (keep_topology, keep_fingerprints) for what sweeps
 * again after the analysis: a diff's nodes whose impact sets changed, the
 * joint failures of concentration's entities and a policy's scenarios,
 * tier-1 lists, false-redundancy findings' failed members and minimal
 * pairs (prop_on_topology).  One build instead of one each (each rebuilt
 * the igraph graph too), for about 30 bytes a node and 8 an edge held
 * until the analysis is freed: below rank's peak (the sweeps' masks are
 * freed by then), not below a check's, which is why it is asked for. */
static int keep_topology(crisk_analysis *a, crisk__topo *topo, crisk_error *err)
{
    a->topo = malloc(sizeof *a->topo);
    if (a->topo == NULL) {
        crisk__topo_release(topo);
        return oom(err);
    }
    *a->topo = *topo;
    return CRISK_OK;
}

/* opts->policy: the findings of every thread into the analysis' rules;
 * `spofs` per function, the SPOFs the analysis counted. */
static void keep_policy_pairs(crisk_analysis *a, crisk__pair_tally *tally, size_t k,
                              const uint32_t *spofs)
{
    for (size_t i = 1; i < k; i++)
        crisk__pair_tally_merge(&tally[0], &tally[i]);
    crisk__pair_tally_finish(&tally[0], a->policy_rules, spofs);
}

/* Sweep every node that something depends on, CRISK__SCENARIOS at a time.
 * Nodes nothing depends on are trivial: every count is 0. */
static int run_batches(crisk_analysis *a, const crisk_analysis_options *opts, growing *g,
                       crisk_error *err)
{
    const crisk_inventory *inv = a->inv;
    crisk__topo topo;
    int rc = crisk__topo_init(&topo, inv, err);
    if (rc != CRISK_OK)
        return rc;
    uint32_t *todo = NULL;
    size_t n_todo = 0;
    uint8_t *kind = calloc(inv->n + 1, 1);
    if (kind == NULL) {
        crisk__topo_release(&topo);
        return oom(err);
    }
    for (size_t q = 0; q < inv->n; q++) {
        uint32_t v = topo.order[q];
        kind[q] = (uint8_t)((inv->type[v] == CRISK_NODE_FUNCTION ? KIND_FUNCTION : 0)
                            | (a->sm[v].tier == 1 ? KIND_TIER1 : 0));
        for (uint32_t grp = inv->group_start[v]; grp < inv->group_start[v + 1]; grp++)
            if (inv->member_start[grp + 1] - inv->member_start[grp] >= 2)
                kind[q] |= KIND_REDUNDANT;
    }
    fn_classes fc;
    chains ch;
    memset(&ch, 0, sizeof ch);
    if (fn_classes_init(&fc, inv, &topo) != 0 || chains_init(&ch, inv, &topo, &fc, a->fp_impact != NULL) != 0
        || scenario_order(inv, &topo, &ch, &todo, &n_todo) != 0) {
        chains_release(&ch);
        fn_classes_release(&fc);
        free(kind);
        free(todo);
        crisk__topo_release(&topo);
        return oom(err);
    }
    sweep_plan plan = { .a = a, .opts = opts, .topo = &topo, .kind = kind, .fc = &fc,
                        .ch = &ch, .todo = todo, .n_todo = n_todo };
    atomic_init(&plan.next, 0);
    atomic_init(&plan.done, 0);
    atomic_init(&plan.stop, 0);
    size_t k = crisk__worker_count(opts->threads, CRISK_ANALYSIS_MAX_THREADS,
                                   (n_todo + CRISK__SCENARIOS - 1) / CRISK__SCENARIOS);
    sweeper *sw = calloc(k, sizeof *sw);
    crisk__pair_tally *tally = a->n_policy_rules > 0 ? calloc(k, sizeof *tally) : NULL;
    if (sw == NULL || (a->n_policy_rules > 0 && tally == NULL))
        rc = oom(err);
    for (size_t i = 0; rc == CRISK_OK && tally != NULL && i < k; i++) {
        rc = crisk__pair_tally_init(&tally[i], a->inv, a->id_rank, a->policy_rules,
                                    a->n_policy_rules, CRISK_CHECK_KEEP, 0, err);
        sw[i].g.tally = &tally[i];
    }
    for (size_t i = 0; rc == CRISK_OK && i < k; i++) {
        sw[i].plan = &plan;
        sw[i].reports = i == 0;
        sw[i].cc = fc.fast ? malloc(sizeof *sw[i].cc) : NULL;
        rc = fc.fast && sw[i].cc == NULL ? oom(err) : crisk__prop_init_shared(&sw[i].p, &topo, err);
        if (rc == CRISK_OK && opts->keep_false_redundancy
            && crisk__prop_keep_group_fails(&sw[i].p) != 0)
            rc = oom(err);
    }
    /* sw[0] runs on this thread; a thread that cannot start leaves its
     * share to the others */
    if (rc == CRISK_OK)
        crisk__run_workers(sweep_batches, sw, sizeof *sw, k);
    for (size_t i = 0; sw != NULL && i < k; i++) {
        if (rc == CRISK_OK && sw[i].failed)
            rc = oom(err);
        if (rc == CRISK_OK && merge_growing(a, g, &sw[i].g) != 0)
            rc = oom(err);
        growing_release(&sw[i].g);
        free(sw[i].cc);
        if (sw[i].p.st != NULL)
            crisk__prop_release(&sw[i].p);
    }
    if (rc == CRISK_OK && a->counting && g->spof_count == NULL) {   /* no function swept */
        g->spof_count = calloc(inv->n + 1, sizeof *g->spof_count);
        if (g->spof_count == NULL)
            rc = oom(err);
    }
    g->tally = tally;   /* the chains' pairs: this thread's, the sweeps done */
    if (rc == CRISK_OK && chains_finish(a, &ch, &topo, &fc, g, opts) != 0)
        rc = oom(err);
    g->tally = NULL;
    if (rc == CRISK_OK && tally != NULL)
        keep_policy_pairs(a, tally, k, g->spof_count);
    for (size_t i = 0; tally != NULL && i < k; i++)
        crisk__pair_tally_release(&tally[i]);
    free(tally);
    free(sw);
    free(todo);
    free(kind);
    chains_release(&ch);
    fn_classes_release(&fc);
    if (rc == CRISK_OK && (opts->keep_topology || opts->keep_fingerprints))
        rc = keep_topology(a, &topo, err);
    else
        crisk__topo_release(&topo);
    return rc;
}

/* ---- ordering of results ---------------------------------------------------- */

/* The ranking's order (impact_weight desc, exposure desc, id asc) on keys
 * gathered once: sorting node numbers through a comparator read two
 * metrics records and two id ranks from all over memory per comparison.
 * The id rank makes the order total (weights and exposures are sums of
 * finite criticalities: never NaN), so the sort's result is the same
 * whatever the algorithm. */
typedef struct rank_key {
    double weight, exposure;
    uint32_t id_rank, node;
} rank_key;

static int rank_before(const rank_key *x, const rank_key *y)
{
    if (x->weight != y->weight)
        return x->weight > y->weight;
    if (x->exposure != y->exposure)
        return x->exposure > y->exposure;
    return x->id_rank < y->id_rank;
}

CRISK__DEFINE_SORT(sort_rank_keys, rank_key, rank_before)

static int sort_ranking(crisk_analysis *a)
{
    size_t n = a->inv->n;
    rank_key *keys = malloc((n + 1) * sizeof *keys);
    if (keys == NULL)
        return -1;
    for (size_t v = 0; v < n; v++)
        keys[v] = (rank_key){ a->m[v].impact_weight, a->m[v].exposure, a->id_rank[v],
                              (uint32_t)v };
    if (sort_rank_keys(keys, n) != 0) {
        free(keys);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        a->ranking[i] = keys[i].node;
    free(keys);
    return 0;
}

/* SPOF pairs as CSR per function, each list in id order.  Two counting
 * passes instead of a comparison sort (tens of millions of pairs on large
 * inventories): the pairs are bucketed by their node's id rank, then
 * dealt to their functions rank by rank.  O(pairs + nodes). */
static int index_spofs(crisk_analysis *a, growing *g)
{
    size_t n = a->inv->n, count = g->n_spof;
    uint32_t *by_rank = malloc((n + 1) * sizeof *by_rank);
    uint32_t *rank_start = calloc(n + 2, sizeof *rank_start);
    uint32_t *fn_by_rank = malloc((count + 1) * sizeof *fn_by_rank);
    uint32_t *fill = malloc((n + 1) * sizeof *fill);
    a->spof_start = calloc(n + 1, sizeof *a->spof_start);
    int rc = -1;
    if (by_rank == NULL || rank_start == NULL || fn_by_rank == NULL || fill == NULL
        || a->spof_start == NULL)
        goto out;
    for (size_t v = 0; v < n; v++)
        by_rank[a->id_rank[v]] = (uint32_t)v;
    for (size_t i = 0; i < count; i++) {
        if (!list_kept(a, g->spof_pairs[i] >> 32))   /* a recorded node's, for the chains */
            continue;
        rank_start[a->id_rank[(uint32_t)g->spof_pairs[i]] + 2]++;
        a->spof_start[(g->spof_pairs[i] >> 32) + 1]++;
    }
    for (size_t r = 0; r < n; r++)
        rank_start[r + 2] += rank_start[r + 1];
    for (size_t i = 0; i < count; i++)
        if (list_kept(a, g->spof_pairs[i] >> 32))
            fn_by_rank[rank_start[a->id_rank[(uint32_t)g->spof_pairs[i]] + 1]++] =
                (uint32_t)(g->spof_pairs[i] >> 32);
    free(g->spof_pairs);   /* no longer needed: make room for the index */
    g->spof_pairs = NULL;
    g->n_spof = g->cap_spof = 0;
    a->spof = malloc((count + 1) * sizeof *a->spof);
    if (a->spof == NULL)
        goto out;
    for (size_t v = 0; v < n; v++)
        a->spof_start[v + 1] += a->spof_start[v];
    memcpy(fill, a->spof_start, n * sizeof *fill);
    for (size_t r = 0; r < n; r++)
        for (uint32_t j = rank_start[r]; j < rank_start[r + 1]; j++)
            a->spof[fill[fn_by_rank[j]]++] = by_rank[r];
    rc = 0;
out:
    free(by_rank);
    free(rank_start);
    free(fn_by_rank);
    free(fill);
    return rc;
}

static int compare_fr(const void *pa, const void *pb, void *ctx)
{
    const crisk_false_redundancy *x = pa, *y = pb;
    const uint32_t *r = ((const crisk_analysis *)ctx)->id_rank;
    if (x->dependant != y->dependant)
        return r[x->dependant] < r[y->dependant] ? -1 : 1;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return r[x->shared] < r[y->shared] ? -1 : r[x->shared] > r[y->shared];
}

/* The public records from the sweeps' ones, which are freed. */
static int lay_out_metrics(crisk_analysis *a)
{
    const crisk_inventory *inv = a->inv;
    a->m = malloc((inv->n + 1) * sizeof *a->m);
    if (a->m == NULL)
        return -1;
    for (size_t v = 0; v < inv->n; v++) {
        const sweep_metrics *s = &a->sm[v];
        a->m[v] = (crisk_node_metrics){
            .tier = s->tier,
            .direct_dependants = inv->dep_start[v + 1] - inv->dep_start[v],
            .dependants = s->dependants,
            .functions = s->functions,
            .exposure = s->exposure,
            .impact = s->impact,
            .impact_weight = s->impact_weight,
            .impact_share = a->total_criticality > 0 ? s->impact_weight / a->total_criticality
                                                     : 0,
            .spof = s->impact >= 1,
            /* unknown when there is no recovery_hours to compare the rtos with */
            .breaches = isnan(inv->recovery[v]) ? -1 : (long)s->breaches,
            .tier1_dependants = s->tier1_dependants,
        };
    }
    free(a->sm);
    a->sm = NULL;
    return 0;
}

static int finish(crisk_analysis *a, growing *g)
{
    const crisk_inventory *inv = a->inv;
    if (lay_out_metrics(a) != 0 || (a->id_rank == NULL && build_id_rank(a) != 0))
        return -1;
    a->ranking = malloc((inv->n + 1) * sizeof *a->ranking);
    if (a->ranking == NULL)
        return -1;
    if (sort_ranking(a) != 0)
        return -1;
    if ((a->has_spofs || a->spof_kept != NULL) && index_spofs(a, g) != 0)
        return -1;
    a->spof_count = g->spof_count;   /* counting: NULL otherwise */
    g->spof_count = NULL;
    if (collect_fr(a, g) != 0)
        return -1;
    return crisk__sort_r(a->fr, a->n_fr, sizeof *a->fr, compare_fr, a);
}

/* ---- own services ----------------------------------------------------------------- */

/* The provider group of a node, as concentration groups them: its parent,
 * or itself. */
static const char *group_of(const crisk_inventory *inv, size_t v)
{
    return inv->parent[v][0] ? inv->parent[v] : inv->id[v];
}

/* Whether `q` is an own service of `p`: a service that depends directly on
 * p and belongs to p's provider group (docs/metrics.md, "Own services").
 * With --service-nodes the DORA importer gives each service its
 * provider's parent, so a service is its provider's own. */
static int is_own_service(const crisk_inventory *inv, size_t q, size_t p)
{
    return q != p && inv->type[q] == CRISK_NODE_SERVICE
           && strcmp(group_of(inv, q), group_of(inv, p)) == 0;
}

/* A provider is no Nth party to its own services: take the tier-1 ones out
 * of its tier-1 dependants.  The sweep counted each of them once, since a
 * direct dependant always depends on the node.  O(edges). */
static void discount_own_services(crisk_analysis *a)
{
    const crisk_inventory *inv = a->inv;
    for (size_t p = 0; p < inv->n; p++)
        for (uint32_t i = inv->dep_start[p]; i < inv->dep_start[p + 1]; i++) {
            uint32_t q = inv->dep[i];
            if (a->sm[q].tier == 1 && is_own_service(inv, q, p))
                a->sm[p].tier1_dependants--;
        }
}

/* Fingerprints of impact sets (keep_fingerprints): a node's is the sum, mod
 * 2^64, of the id hashes of the functions its lone failure takes down.  Ids,
 * not node indices, so that two inventories' fingerprints compare: equal
 * sets give equal sums, and different sets equal ones with a chance of
 * about 2^-64.  Rejected: keeping the SPOF lists themselves for a diff -
 * 30 million pairs at 100 000 nodes, 9 GB at a million. */
static int start_fingerprints(crisk_analysis *a)
{
    const crisk_inventory *inv = a->inv;
    a->id_hash = calloc(inv->n + 1, sizeof *a->id_hash);
    a->fp_impact = calloc(inv->n + 1, sizeof *a->fp_impact);
    a->fp_breach = calloc(inv->n + 1, sizeof *a->fp_breach);
    if (a->id_hash == NULL || a->fp_impact == NULL || a->fp_breach == NULL)
        return -1;
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            a->id_hash[v] = crisk__hash(inv->id[v], strlen(inv->id[v]));
    return 0;
}

/* count_spofs with spof_functions: mark the functions whose lists to keep. */
static int keep_spof_lists(crisk_analysis *a, const crisk_analysis_options *opts)
{
    a->spof_kept = calloc(a->inv->n + 1, 1);
    if (a->spof_kept == NULL)
        return -1;
    for (size_t i = 0; i < opts->n_spof_functions; i++)
        if (opts->spof_functions[i] < a->inv->n)
            a->spof_kept[opts->spof_functions[i]] = 1;
    return 0;
}

/* opts->policy: the pair rules its sweeps fill.  The analysis counts each
 * function's SPOFs (the rules' unknown findings and the check read them),
 * which also records the pairs of the nodes that chains inherit from (see
 * "Chains"), so that the chains are paired too when SPOFs are not listed. */
static int start_policy(crisk_analysis *a)
{
    if (a->policy == NULL)
        return 0;
    a->policy_rules = calloc(a->policy->n_rules + 1, sizeof *a->policy_rules);
    if (a->policy_rules == NULL)
        return -1;
    crisk__pair_rules_of(a->policy, a->policy_rules, NULL, &a->n_policy_rules);
    if (a->n_policy_rules > 0)
        a->counting = 1;
    return 0;
}

int crisk_analysis_run(crisk_analysis **out, const crisk_inventory *inv,
                       const crisk_analysis_options *opts, crisk_error *err)
{
    static const crisk_analysis_options defaults = CRISK_ANALYSIS_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    *out = NULL;
    growing g;
    memset(&g, 0, sizeof g);
    crisk_analysis *a = calloc(1, sizeof *a);
    if (a == NULL)
        return oom(err);
    a->inv = inv;
    a->threads = opts->threads;
    a->has_spofs = opts->keep_spofs;
    a->has_fr = opts->keep_false_redundancy;
    a->counting = opts->count_spofs && !opts->keep_spofs;
    a->policy = opts->policy;
    a->pairs_max_work = opts->pairs_max_work > 0 ? opts->pairs_max_work : CRISK_PAIRS_MAX_WORK;
    a->pairs_work_left = a->pairs_max_work;
    a->sm = calloc(inv->n + 1, sizeof *a->sm);
    int rc = CRISK_ENOMEM;
    /* the ids' order is needed during the sweeps only to keep the findings
     * with the smallest ids; otherwise it is built after them, when the
     * masks are freed */
    if (a->sm == NULL || start_policy(a) != 0
        || ((opts->keep_false_redundancy || a->n_policy_rules > 0) && build_id_rank(a) != 0)
        || compute_tiers(a) != 0)
        goto out;
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION) {
            a->n_functions++;
            a->total_criticality += inv->criticality[v];
        }
    if (opts->keep_fingerprints && start_fingerprints(a) != 0)
        goto out;
    if (a->counting && opts->spof_functions != NULL && keep_spof_lists(a, opts) != 0)
        goto out;
    rc = run_batches(a, opts, &g, err);
    if (rc != CRISK_OK)
        goto out;
    discount_own_services(a);
    rc = finish(a, &g) == 0 ? CRISK_OK : CRISK_ENOMEM;
out:
    growing_release(&g);
    if (rc != CRISK_OK) {
        crisk_analysis_free(a);
        return rc == CRISK_ENOMEM ? oom(err) : rc;
    }
    *out = a;
    return CRISK_OK;
}

void crisk_analysis_free(crisk_analysis *a)
{
    if (a == NULL)
        return;
    free(a->sm);
    free(a->m);
    free(a->ranking);
    free(a->id_rank);
    free(a->spof_start);
    free(a->spof);
    free(a->spof_kept);
    free(a->spof_count);
    free(a->fr);
    free(a->id_hash);
    free(a->fp_impact);
    free(a->fp_breach);
    if (a->topo != NULL)
        crisk__topo_release(a->topo);
    free(a->topo);
    if (a->pairs != NULL)
        crisk__prop_release(a->pairs);
    free(a->pairs);
    if (a->policy_rules != NULL)
        crisk__pair_rules_release(a->policy_rules, a->n_policy_rules);
    free(a->policy_rules);
    free(a);
}

/* ---- getters ------------------------------------------------------------------- */

const crisk__pair_rule *crisk__analysis_policy_pairs(const crisk_analysis *a,
                                                     const crisk_policy *p, size_t *n)
{
    if (p == NULL || a->policy != p || a->policy_rules == NULL) {
        *n = 0;
        return NULL;
    }
    *n = a->n_policy_rules;
    return a->policy_rules;
}

const crisk_inventory *crisk_analysis_inventory(const crisk_analysis *a) { return a->inv; }
const crisk_node_metrics *crisk_analysis_metrics(const crisk_analysis *a, size_t v) { return &a->m[v]; }
double crisk_analysis_total_criticality(const crisk_analysis *a) { return a->total_criticality; }
size_t crisk_analysis_function_count(const crisk_analysis *a) { return a->n_functions; }
const uint32_t *crisk_analysis_ranking(const crisk_analysis *a) { return a->ranking; }

const uint32_t *crisk_analysis_spofs(const crisk_analysis *a, size_t function, size_t *count)
{
    if (function >= a->inv->n || !list_kept(a, function)) {
        *count = 0;
        return NULL;
    }
    *count = a->spof_start[function + 1] - a->spof_start[function];
    return a->spof + a->spof_start[function];
}

size_t crisk_analysis_spof_count(const crisk_analysis *a, size_t function)
{
    if (function >= a->inv->n)
        return SIZE_MAX;
    if (a->has_spofs)
        return a->spof_start[function + 1] - a->spof_start[function];
    return a->spof_count != NULL ? a->spof_count[function] : SIZE_MAX;
}

const crisk_false_redundancy *crisk_analysis_false_redundancy(const crisk_analysis *a,
                                                              size_t *count)
{
    *count = a->n_fr;
    return a->fr;
}

size_t crisk_analysis_false_redundancy_total(const crisk_analysis *a)
{
    return a->fr_total;
}

double crisk_analysis_pairs_max_work(const crisk_analysis *a)
{
    return a->pairs_max_work;
}

size_t crisk__analysis_threads(const crisk_analysis *a)
{
    return crisk__worker_count(a->threads, CRISK_ANALYSIS_MAX_THREADS, UINT64_MAX);
}

int crisk__analysis_keeps(const crisk_analysis *a, enum crisk__kept what)
{
    switch (what) {
    case CRISK__KEPT_SPOFS:        return a->has_spofs;
    case CRISK__KEPT_FINGERPRINTS: return a->fp_impact != NULL;
    default:                       return a->has_fr;
    }
}

const crisk__topo *crisk__analysis_topology(const crisk_analysis *a) { return a->topo; }

void crisk__analysis_fingerprint(const crisk_analysis *a, size_t node, uint64_t *impact,
                                 uint64_t *breach)
{
    *impact = a->fp_impact[node];
    *breach = a->fp_breach[node];
}

const uint32_t *crisk__analysis_id_ranks(const crisk_analysis *a) { return a->id_rank; }

uint32_t crisk__analysis_id_rank(const crisk_analysis *a, size_t node)
{
    return a->id_rank[node];
}

/* ---- shared dependencies --------------------------------------------------------- */

static int compare_shared(const void *pa, const void *pb, void *ctx)
{
    const crisk_analysis *a = ctx;
    uint32_t u = *(const uint32_t *)pa, v = *(const uint32_t *)pb;
    const crisk_node_metrics *mu = &a->m[u], *mv = &a->m[v];
    if (mu->tier1_dependants != mv->tier1_dependants)
        return mu->tier1_dependants > mv->tier1_dependants ? -1 : 1;
    if (mu->exposure != mv->exposure)
        return mu->exposure > mv->exposure ? -1 : 1;
    return a->id_rank[u] < a->id_rank[v] ? -1 : a->id_rank[u] > a->id_rank[v];
}

int crisk_analysis_shared(const crisk_analysis *a, size_t min, uint32_t **out, size_t *count,
                          crisk_error *err)
{
    size_t n = a->inv->n, k = 0;
    uint32_t *list = malloc((n + 1) * sizeof *list);
    if (list == NULL)
        return oom(err);
    for (size_t v = 0; v < n; v++)
        if (a->m[v].tier >= 2 && a->m[v].tier1_dependants >= min)
            list[k++] = (uint32_t)v;
    if (crisk__sort_r(list, k, sizeof *list, compare_shared, (void *)a) != 0) {
        free(list);
        return oom(err);
    }
    *out = list;
    *count = k;
    return CRISK_OK;
}

static int compare_by_id_rank(const void *pa, const void *pb, void *ctx)
{
    const uint32_t *rank = ((const crisk_analysis *)ctx)->id_rank;
    uint32_t u = *(const uint32_t *)pa, v = *(const uint32_t *)pb;
    return rank[u] < rank[v] ? -1 : rank[u] > rank[v];
}

int crisk_analysis_tier1_of(const crisk_analysis *a, size_t node, uint32_t **out,
                            size_t *count, crisk_error *err)
{
    const crisk_inventory *inv = a->inv;
    uint32_t *queue = malloc((inv->n + 1) * sizeof *queue);
    uint8_t *seen = calloc(inv->n + 1, 1);
    uint32_t *list = malloc((inv->n + 1) * sizeof *list);
    if (queue == NULL || seen == NULL || list == NULL) {
        free(queue);
        free(seen);
        free(list);
        return oom(err);
    }
    size_t head = 0, tail = 0, k = 0;
    queue[tail++] = (uint32_t)node;
    seen[node] = 1;
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint32_t i = inv->dep_start[v]; i < inv->dep_start[v + 1]; i++) {
            uint32_t u = inv->dep[i];
            if (seen[u])
                continue;
            seen[u] = 1;
            queue[tail++] = u;
            if (a->m[u].tier == 1 && !(v == node && is_own_service(inv, u, node)))
                list[k++] = u;
        }
    }
    free(queue);
    free(seen);
    if (crisk__sort_r(list, k, sizeof *list, compare_by_id_rank, (void *)a) != 0) {
        free(list);
        return oom(err);
    }
    *out = list;
    *count = k;
    return CRISK_OK;
}

/* ---- many nodes at once ------------------------------------------------------------ */

/* Per scenario of a batch, a growing list of nodes. */
typedef struct batch_lists {
    uint32_t *list[CRISK__SCENARIOS];
    size_t len[CRISK__SCENARIOS], cap[CRISK__SCENARIOS];
    uint32_t *skip_of;              /* node -> 1 + its slot in `skip`, 0 = none */
    crisk__mask *skip;              /* per slot: the scenarios whose lists leave it out */
    uint32_t *skipped;              /* per slot: its node */
    size_t n_skip, cap_skip, cap_skipped;
} batch_lists;

static void batch_lists_release(batch_lists *b)
{
    for (size_t s = 0; s < CRISK__SCENARIOS; s++)
        free(b->list[s]);
    free(b->skip_of);
    free(b->skip);
    free(b->skipped);
}

/* Seed nodes[0 .. size) as scenarios 0 .. size-1 and propagate. */
static int sweep_nodes(crisk__prop *p, const uint32_t *nodes, size_t size)
{
    crisk__prop_clear(p);
    for (size_t s = 0; s < size; s++)
        if (crisk__prop_seed_one(p, nodes[s], s) != 0)
            return -1;
    crisk__prop_run(p);
    return 0;
}

/* Leave node u out of scenario s's list.  -1 when out of memory. */
static int skip_in(batch_lists *bl, uint32_t u, size_t s)
{
    if (bl->skip_of[u] == 0) {
        if (crisk__grow((void **)&bl->skip, &bl->cap_skip, bl->n_skip + 1, sizeof *bl->skip)
            || crisk__grow((void **)&bl->skipped, &bl->cap_skipped, bl->n_skip + 1,
                           sizeof *bl->skipped))
            return -1;
        bl->skipped[bl->n_skip] = u;
        memset(&bl->skip[bl->n_skip], 0, sizeof bl->skip[0]);
        bl->skip_of[u] = (uint32_t)++bl->n_skip;
    }
    bl->skip[bl->skip_of[u] - 1].w[s >> 6] |= 1ull << (s & 63);
    return 0;
}

/* What no tier-1 list of the batch holds: the scenario node itself, and
 * its own services among its direct dependants (docs/metrics.md).  Worked
 * out once a batch, O(the batch's direct dependants), rather than tested
 * for every (node, scenario) pair.  -1 when out of memory. */
static int batch_skips(const crisk_analysis *a, batch_lists *bl, const uint32_t *batch,
                       size_t size)
{
    const crisk_inventory *inv = a->inv;
    for (size_t i = 0; i < bl->n_skip; i++)
        bl->skip_of[bl->skipped[i]] = 0;
    bl->n_skip = 0;
    for (size_t s = 0; s < size; s++) {
        if (skip_in(bl, batch[s], s) != 0)
            return -1;
        for (uint32_t i = inv->dep_start[batch[s]]; i < inv->dep_start[batch[s] + 1]; i++) {
            uint32_t q = inv->dep[i];
            if (a->m[q].tier == 1 && is_own_service(inv, q, batch[s]) && skip_in(bl, q, s) != 0)
                return -1;
        }
    }
    return 0;
}

/* The scenarios of mask m whose lists get u. */
static void tier1_bits(const batch_lists *bl, uint32_t u, const crisk__mask *m, crisk__mask *out)
{
    *out = *m;
    if (bl->skip_of[u] != 0)
        for (int w = 0; w < CRISK__W; w++)
            out->w[w] &= ~bl->skip[bl->skip_of[u] - 1].w[w];
}

static int push_tier1(batch_lists *bl, size_t s, uint32_t u)
{
    if (bl->len[s] == bl->cap[s]
        && crisk__grow((void **)&bl->list[s], &bl->cap[s], bl->len[s] + 1, sizeof *bl->list[s]))
        return -1;
    bl->list[s][bl->len[s]++] = u;
    return 0;
}

/* Every tier-1 node reached by the batch's scenarios goes to their lists;
 * visiting the tier-1 nodes in id order keeps each list sorted by id. */
int crisk_analysis_tier1_each(const crisk_analysis *a, const uint32_t *nodes, size_t n,
                              crisk_tier1_fn each, void *ctx, crisk_error *err)
{
    const crisk_inventory *inv = a->inv;
    if (n == 0)
        return CRISK_OK;
    size_t n_t1 = 0;
    uint32_t *t1 = malloc((inv->n + 1) * sizeof *t1);
    batch_lists *bl = calloc(1, sizeof *bl);
    crisk__prop p;
    memset(&p, 0, sizeof p);
    int rc = t1 == NULL || bl == NULL ? oom(err) : prop_on_topology(a, &p, err);
    p.want_grp = 0;   /* the lists are of dependants: the `all` masks */
    if (rc == CRISK_OK && (bl->skip_of = calloc(inv->n + 1, sizeof *bl->skip_of)) == NULL)
        rc = oom(err);
    if (rc == CRISK_OK) {
        for (size_t v = 0; v < inv->n; v++)
            t1[a->id_rank[v]] = (uint32_t)v;
        for (size_t i = 0; i < inv->n; i++)
            if (a->m[t1[i]].tier == 1)
                t1[n_t1++] = t1[i];
    }
    for (size_t first = 0; rc == CRISK_OK && first < n; first += CRISK__SCENARIOS) {
        size_t size = n - first < CRISK__SCENARIOS ? n - first : CRISK__SCENARIOS;
        const uint32_t *batch = nodes + first;
        if (sweep_nodes(&p, batch, size) != 0 || batch_skips(a, bl, batch, size) != 0) {
            rc = oom(err);
            break;
        }
        memset(bl->len, 0, sizeof bl->len);
        for (size_t i = 0; i < n_t1 && rc == CRISK_OK; i++) {
            uint32_t u = t1[i];
            if (!crisk__prop_live(&p, p.t->pos[u]))   /* no scenario reached it */
                continue;
            crisk__mask m;
            tier1_bits(bl, u, crisk__prop_all(&p, u), &m);
            for (int w = 0; w < CRISK__W && rc == CRISK_OK; w++)
                for (uint64_t bits = m.w[w]; bits != 0 && rc == CRISK_OK; bits &= bits - 1)
                    if (push_tier1(bl, SCENARIO(w, __builtin_ctzll(bits)), u) != 0)
                        rc = oom(err);
        }
        for (size_t s = 0; s < size && rc == CRISK_OK; s++)
            rc = each(ctx, first + s, bl->list[s], bl->len[s]);
    }
    if (p.st != NULL)
        crisk__prop_release(&p);
    if (bl != NULL)
        batch_lists_release(bl);
    free(bl);
    free(t1);
    return rc;
}

static int compare_finding_shared(const void *pa, const void *pb, void *ctx)
{
    const crisk_false_redundancy *fr = ctx;
    uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
    if (fr[x].shared != fr[y].shared)
        return fr[x].shared < fr[y].shared ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Findings grouped by shared node; up to CRISK__SCENARIOS distinct shared
 * nodes per sweep. */
int crisk_analysis_false_redundancy_failed(const crisk_analysis *a, size_t **begin_out,
                                           uint32_t **failed_out, crisk_error *err)
{
    const crisk_inventory *inv = a->inv;
    size_t n_fr = a->n_fr, total = 0;
    *begin_out = NULL;
    *failed_out = NULL;
    size_t *begin = calloc(n_fr + 1, sizeof *begin);
    uint32_t *order = malloc((n_fr + 1) * sizeof *order);
    for (size_t i = 0; i < n_fr; i++)
        total += inv->member_start[a->fr[i].group + 1] - inv->member_start[a->fr[i].group];
    uint32_t *failed = malloc((total + 1) * sizeof *failed);
    crisk__prop p;
    memset(&p, 0, sizeof p);
    int rc = begin == NULL || order == NULL || failed == NULL ? oom(err)
             : n_fr == 0 ? CRISK_OK : prop_on_topology(a, &p, err);
    if (rc == CRISK_OK) {
        for (size_t i = 0; i < n_fr; i++)
            order[i] = (uint32_t)i;
        if (crisk__sort_r(order, n_fr, sizeof *order, compare_finding_shared, a->fr) != 0)
            rc = oom(err);
        p.want_all = 0;
    }
    /* count[i] first, in begin[i + 1]; members at the group-size offsets */
    size_t *at = malloc((n_fr + 1) * sizeof *at);
    if (rc == CRISK_OK && at == NULL)
        rc = oom(err);
    for (size_t i = 0, off = 0; rc == CRISK_OK && i < n_fr; i++) {
        at[i] = off;
        off += inv->member_start[a->fr[i].group + 1] - inv->member_start[a->fr[i].group];
    }
    uint32_t batch[CRISK__SCENARIOS];
    for (size_t k = 0; rc == CRISK_OK && k < n_fr;) {
        size_t size = 0, end = k;
        for (; end < n_fr; end++) {
            uint32_t v = (uint32_t)a->fr[order[end]].shared;
            if (size == 0 || batch[size - 1] != v) {
                if (size == CRISK__SCENARIOS)
                    break;
                batch[size++] = v;
            }
        }
        if (sweep_nodes(&p, batch, size) != 0) {
            rc = oom(err);
            break;
        }
        for (size_t s = 0; k < end; k++) {
            const crisk_false_redundancy *x = &a->fr[order[k]];
            while (batch[s] != x->shared)
                s++;
            size_t c = 0;
            for (uint32_t e = inv->member_start[x->group]; e < inv->member_start[x->group + 1]; e++) {
                uint32_t m = inv->member[e];
                if ((crisk__prop_grp(&p, m)->w[s >> 6] >> (s & 63)) & 1)
                    failed[at[order[k]] + c++] = m;
            }
            begin[order[k] + 1] = c;
        }
    }
    /* compact: counts to offsets, members to their final place (left to right,
     * so a move never overwrites what is still to move) */
    for (size_t i = 0; rc == CRISK_OK && i < n_fr; i++) {
        size_t c = begin[i + 1];
        begin[i + 1] = begin[i] + c;
        memmove(failed + begin[i], failed + at[i], c * sizeof *failed);
    }
    free(at);
    free(order);
    if (p.st != NULL)
        crisk__prop_release(&p);
    if (rc != CRISK_OK) {
        free(begin);
        free(failed);
        return rc;
    }
    *begin_out = begin;
    *failed_out = failed;
    return CRISK_OK;
}

/* ---- minimal pairs ----------------------------------------------------------------- */

/* One searcher's buffers, kept from function to function (n + 1 each):
 * `seen` is all zero between functions, so a function costs its region,
 * not the whole graph (at 1M nodes and 20 000 functions, clearing and
 * copying per function cost more than most functions' sweeps). */
typedef struct pair_estimate {
    size_t k, region_edges;   /* candidates, and the edges of their region */
    double work;              /* the search's estimate, in edge visits */
} pair_estimate;

typedef struct pair_scratch {
    uint8_t *seen;       /* node -> 1 in the region, 2 a SPOF of the function */
    uint32_t *region;    /* the function and everything it depends on */
    uint32_t *cand;      /* the candidates, id order */
    size_t n_region;
    pair_estimate est;   /* of the function last walked */
} pair_scratch;

static int pair_scratch_init(pair_scratch *s, size_t n)
{
    memset(s, 0, sizeof *s);
    s->seen = calloc(n + 1, 1);
    s->region = malloc((n + 1) * sizeof *s->region);
    s->cand = malloc((n + 1) * sizeof *s->cand);
    return s->seen == NULL || s->region == NULL || s->cand == NULL ? -1 : 0;
}

static void pair_scratch_release(pair_scratch *s)
{
    free(s->seen);
    free(s->region);
    free(s->cand);
}

/* The nodes `function` depends on, transitively, minus itself and its
 * SPOFs (s->cand, in the order found: pair_sweeps sorts them, for the
 * functions the budget lets through only); its region: the function and everything it
 * depends on, the only nodes a pair's cascade needs to visit to decide
 * whether the function fails, with their edges counted; and the estimate:
 * k^2/2 scenarios, CRISK__SCENARIOS per sweep of at most region_edges. */
static int pair_candidates(const crisk_analysis *a, size_t function, pair_scratch *s)
{
    const crisk_inventory *inv = a->inv;
    uint8_t *seen = s->seen;
    uint32_t *list = s->region;
    size_t head = 0, tail = 0, edges = 0;
    list[tail++] = (uint32_t)function;
    seen[function] = 1;
    while (head < tail) {
        uint32_t v = list[head++];
        for (uint32_t e = inv->member_start[inv->group_start[v]];
             e < inv->member_start[inv->group_start[v + 1]]; e++) {
            edges++;
            if (!seen[inv->member[e]]) {
                seen[inv->member[e]] = 1;
                list[tail++] = inv->member[e];
            }
        }
    }
    size_t spof_count = 0;
    const uint32_t *spofs = crisk_analysis_spofs(a, function, &spof_count);
    for (size_t i = 0; i < spof_count; i++)
        seen[spofs[i]] = 2;
    size_t m = 0;
    for (size_t i = 1; i < tail; i++)   /* list[0] is the function */
        if (seen[list[i]] == 1)
            s->cand[m++] = list[i];
    for (size_t i = 0; i < tail; i++)
        seen[list[i]] = 0;
    s->n_region = tail;
    s->est.k = m;
    s->est.region_edges = edges;
    s->est.work = (double)m * ((double)m / CRISK__SCENARIOS + 1) * (double)edges;
    return 0;
}

/* Take the search's estimate from what is left of the analysis' budget,
 * or refuse it (CRISK_ELIMIT, leaving the budget alone): the budget is the
 * analysis', not a call's, so asking for every function's pairs costs the
 * limit once, not once per function; and it is taken in the order the
 * functions are asked for, whatever the threads do. */
static int pair_budget(crisk_analysis *cache, size_t function, const pair_estimate *e,
                       crisk_error *err)
{
    if (e->work > cache->pairs_work_left) {
        char q[CRISK__QUOTE_MAX];
        return crisk_error_set(err, CRISK_ELIMIT, NULL, 0, 0,
                               "minimal pairs of '%s' not computed: %zu candidate%s over %zu "
                               "edge%s need about %.3g edge visits, more than the %.3g left of "
                               "the limit of %.3g for all functions together",
                               crisk__quote(q, cache->inv->id[function]), e->k,
                               e->k == 1 ? "" : "s", e->region_edges,
                               e->region_edges == 1 ? "" : "s", e->work,
                               cache->pairs_work_left, cache->pairs_max_work);
    }
    cache->pairs_work_left -= e->work;
    return CRISK_OK;
}

/* The search itself, on `p` (its region empty): for each candidate a_i,
 * the scenarios {a_i, a_j} for CRISK__SCENARIOS partners j > i at a time.
 * Pairs into *out (2 * *count node indices, sorted: the candidates are put
 * in id order first).  Returns 0 or -1 (out of memory; nothing allocated). */
static int pair_sweeps(const crisk_analysis *a, size_t function, crisk__prop *p, pair_scratch *s,
                       uint32_t **out, size_t *count)
{
    const uint32_t *cand = s->cand;
    size_t k = s->est.k, n_pairs = 0, cap = 0;
    uint32_t *pairs = NULL;
    if (crisk__sort_r(s->cand, k, sizeof *s->cand, compare_by_id_rank, (void *)a) != 0)
        return -1;
    int rc = crisk__prop_mark_region(p, s->region, s->n_region, 1);
    for (size_t i = 0; i < k && rc == 0; i++) {
        for (size_t j0 = i + 1; j0 < k && rc == 0; j0 += CRISK__SCENARIOS) {
            size_t width = k - j0 < CRISK__SCENARIOS ? k - j0 : CRISK__SCENARIOS;
            crisk__mask valid;
            crisk__mask_first(&valid, width);
            crisk__prop_clear(p);
            rc = crisk__prop_seed(p, cand[i], &valid);
            for (size_t x = 0; x < width; x++)
                rc |= crisk__prop_seed_one(p, cand[j0 + x], x);
            if (rc != 0)
                break;
            crisk__prop_run(p);
            for (int w = 0; w < CRISK__W && rc == 0; w++) {
                uint64_t fails = crisk__prop_grp(p, (uint32_t)function)->w[w] & valid.w[w];
                while (fails) {
                    size_t x = SCENARIO(w, __builtin_ctzll(fails));
                    fails &= fails - 1;
                    if (crisk__grow((void **)&pairs, &cap, 2 * n_pairs + 2, sizeof *pairs) != 0) {
                        rc = -1;
                        break;
                    }
                    pairs[2 * n_pairs] = cand[i];
                    pairs[2 * n_pairs + 1] = cand[j0 + x];
                    n_pairs++;
                }
            }
        }
    }
    crisk__prop_clear(p);
    if (p->region != NULL)
        crisk__prop_mark_region(p, s->region, s->n_region, 0);
    if (rc != 0) {
        free(pairs);
        return -1;
    }
    *out = pairs;
    *count = n_pairs;
    return 0;
}

int crisk_analysis_spof_pairs(const crisk_analysis *a, size_t function, uint32_t **out,
                              size_t *count, crisk_error *err)
{
    *out = NULL;
    *count = 0;
    size_t spofs = 0;
    if (crisk_analysis_spofs(a, function, &spofs) == NULL)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "minimal pairs need an analysis that kept SPOFs");
    /* The budget, the topology and the masks are the same for every
     * function: kept in the analysis (a cache, like the inventory's igraph
     * graph; the library is not thread-safe). */
    crisk_analysis *cache = (crisk_analysis *)a;
    pair_scratch s;
    int rc = pair_scratch_init(&s, a->inv->n) != 0 || pair_candidates(a, function, &s) != 0
           ? oom(err) : pair_budget(cache, function, &s.est, err);
    if (rc == CRISK_OK && cache->pairs == NULL) {
        crisk__prop *fresh = malloc(sizeof *fresh);
        rc = fresh == NULL ? oom(err) : prop_on_topology(a, fresh, err);
        if (rc != CRISK_OK)
            free(fresh);
        else {
            fresh->want_all = 0;
            cache->pairs = fresh;
        }
    }
    if (rc == CRISK_OK && pair_sweeps(a, function, cache->pairs, &s, out, count) != 0)
        rc = oom(err);
    pair_scratch_release(&s);
    return rc;
}

/* ---- every function's minimal pairs, on the analysis' threads ---------------- */

/* Functions searched ahead of the one delivered next, at most: bounds the
 * pairs held (those of the functions searched but not yet delivered). */
#define PAIRS_WINDOW 64

enum { SLOT_FREE, SLOT_TAKEN, SLOT_ESTIMATED, SLOT_GO, SLOT_CUT, SLOT_DONE };

typedef struct pairs_slot {
    int state;                         /* SLOT_* */
    pair_estimate est;
    uint32_t *pairs;
    size_t n_pairs;
    crisk_error why;                   /* SLOT_CUT: the budget's message */
} pairs_slot;

typedef struct pairs_plan {
    crisk_analysis *a;
    const crisk__topo *topo;
    const uint32_t *functions;
    size_t n;
    crisk_pairs_fn each;
    void *ctx;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t next;                       /* the next function to take */
    size_t decided;                    /* functions whose budget is decided */
    size_t delivered;                  /* functions handed to `each` */
    int delivering;                    /* a worker is calling `each` */
    int rc;                            /* the first failure: everyone stops */
    crisk_error err;                   /* its message, when it was ours */
    pairs_slot slot[PAIRS_WINDOW];
} pairs_plan;

typedef struct pairs_worker {
    pairs_plan *plan;
} pairs_worker;

static void pairs_fail(pairs_plan *pl, int rc, const crisk_error *err)
{
    if (pl->rc == CRISK_OK) {
        pl->rc = rc;
        if (err != NULL)
            pl->err = *err;
        else
            oom(&pl->err);
    }
    pthread_cond_broadcast(&pl->changed);
}

/* Under the lock: decide the budget of every function whose estimate is in
 * and whose predecessors are decided - in the order asked for. */
static void pairs_decide(pairs_plan *pl)
{
    while (pl->decided < pl->next && pl->slot[pl->decided % PAIRS_WINDOW].state == SLOT_ESTIMATED) {
        pairs_slot *sl = &pl->slot[pl->decided % PAIRS_WINDOW];
        int rc = pair_budget(pl->a, pl->functions[pl->decided], &sl->est, &sl->why);
        sl->state = rc == CRISK_OK ? SLOT_GO : SLOT_CUT;
        pl->decided++;
        pthread_cond_broadcast(&pl->changed);
    }
}

/* Under the lock: hand the finished functions at the head to `each`, in
 * order, one worker at a time, the lock released while `each` runs. */
static void pairs_deliver(pairs_plan *pl)
{
    if (pl->delivering)
        return;
    pl->delivering = 1;
    while (pl->rc == CRISK_OK && pl->delivered < pl->next
           && pl->slot[pl->delivered % PAIRS_WINDOW].state == SLOT_DONE) {
        pairs_slot *sl = &pl->slot[pl->delivered % PAIRS_WINDOW];
        int cut = sl->why.code != CRISK_OK;
        pthread_mutex_unlock(&pl->lock);
        int rc = pl->each(pl->ctx, pl->delivered, sl->pairs, sl->n_pairs, cut ? &sl->why : NULL);
        free(sl->pairs);
        pthread_mutex_lock(&pl->lock);
        sl->pairs = NULL;
        sl->state = SLOT_FREE;   /* for function delivered + PAIRS_WINDOW */
        if (rc != CRISK_OK) {
            crisk_error none = CRISK_ERROR_INIT;
            pairs_fail(pl, rc, &none);
            break;
        }
        pl->delivered++;
        pthread_cond_broadcast(&pl->changed);
    }
    pl->delivering = 0;
}

static void *pairs_main(void *arg)
{
    pairs_plan *pl = ((pairs_worker *)arg)->plan;
    pair_scratch s;
    crisk__prop p;
    memset(&p, 0, sizeof p);
    crisk_error err = CRISK_ERROR_INIT;
    int ready = pair_scratch_init(&s, pl->a->inv->n) == 0
             && crisk__prop_init_shared(&p, pl->topo, &err) == CRISK_OK;
    p.want_all = 0;
    pthread_mutex_lock(&pl->lock);
    if (!ready)
        pairs_fail(pl, CRISK_ENOMEM, NULL);
    while (pl->rc == CRISK_OK && pl->next < pl->n) {
        if (pl->next >= pl->delivered + PAIRS_WINDOW) {   /* the head is another's */
            pthread_cond_wait(&pl->changed, &pl->lock);
            continue;
        }
        size_t i = pl->next++;
        pairs_slot *sl = &pl->slot[i % PAIRS_WINDOW];
        *sl = (pairs_slot){ .state = SLOT_TAKEN, .why = CRISK_ERROR_INIT };
        pthread_mutex_unlock(&pl->lock);
        int ok = pair_candidates(pl->a, pl->functions[i], &s) == 0;
        pthread_mutex_lock(&pl->lock);
        if (!ok) {
            pairs_fail(pl, CRISK_ENOMEM, NULL);
            break;
        }
        sl->est = s.est;
        sl->state = SLOT_ESTIMATED;
        pairs_decide(pl);
        while (pl->rc == CRISK_OK && pl->decided <= i)   /* an earlier estimate is another's */
            pthread_cond_wait(&pl->changed, &pl->lock);
        if (pl->rc != CRISK_OK)
            break;
        int go = sl->state == SLOT_GO;
        pthread_mutex_unlock(&pl->lock);
        uint32_t *pairs = NULL;
        size_t n_pairs = 0;
        ok = !go || pair_sweeps(pl->a, pl->functions[i], &p, &s, &pairs, &n_pairs) == 0;
        pthread_mutex_lock(&pl->lock);
        if (!ok) {
            pairs_fail(pl, CRISK_ENOMEM, NULL);
            break;
        }
        sl->pairs = pairs;
        sl->n_pairs = n_pairs;
        sl->state = SLOT_DONE;
        pairs_deliver(pl);
    }
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->lock);
    if (p.st != NULL)
        crisk__prop_release(&p);
    pair_scratch_release(&s);
    return NULL;
}

int crisk_analysis_spof_pairs_each(const crisk_analysis *a, const uint32_t *functions, size_t n,
                                   crisk_pairs_fn each, void *ctx, crisk_error *err)
{
    for (size_t i = 0; i < n; i++) {
        size_t spofs = 0;
        if (functions[i] >= a->inv->n || crisk_analysis_spofs(a, functions[i], &spofs) == NULL)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "minimal pairs need an analysis that kept SPOFs");
    }
    if (n == 0)
        return CRISK_OK;
    crisk__topo own;
    memset(&own, 0, sizeof own);
    if (a->topo == NULL && crisk__topo_init(&own, a->inv, err) != CRISK_OK)
        return err != NULL && err->code != CRISK_OK ? err->code : CRISK_ENOMEM;
    pairs_plan *pl = calloc(1, sizeof *pl);
    size_t k = crisk__worker_count(a->threads, CRISK_ANALYSIS_MAX_THREADS, n);
    pairs_worker *w = calloc(k, sizeof *w);
    int rc = CRISK_OK;
    if (pl == NULL || w == NULL) {
        rc = oom(err);
    } else {
        pl->a = (crisk_analysis *)a;   /* calloc: nothing taken, decided or delivered */
        pl->topo = a->topo != NULL ? a->topo : &own;
        pl->functions = functions;
        pl->n = n;
        pl->each = each;
        pl->ctx = ctx;
        pthread_mutex_init(&pl->lock, NULL);
        pthread_cond_init(&pl->changed, NULL);
        for (size_t i = 0; i < k; i++)
            w[i].plan = pl;
        crisk__run_workers(pairs_main, w, sizeof *w, k);
        for (size_t i = 0; i < PAIRS_WINDOW; i++)
            free(pl->slot[i].pairs);
        rc = pl->rc;
        if (rc != CRISK_OK && pl->err.code != CRISK_OK && err != NULL)
            *err = pl->err;   /* not when `each` failed: its error is its own */
        pthread_cond_destroy(&pl->changed);
        pthread_mutex_destroy(&pl->lock);
    }
    free(w);
    free(pl);
    if (own.pos != NULL)
        crisk__topo_release(&own);
    return rc;
}
