/*
 * test_reference.c - the engine against the naive reference on random
 * inventories (DESIGN §4-§5; STYLE "an independent brute-force reference
 * compared on many random graphs").
 *
 * Graphs: 1,800 of 1..40 nodes (uniform random with cycles and functions on
 * functions, or layered with back edges; hubs; OR and k-of-n groups; one pair
 * (from, to) in two groups of the same dependant; very wide nodes), 120 of
 * 63..300 nodes (several 64-scenario batches; batch-boundary sizes; deep
 * chains; many functions; one in five built around k-of-n groups of up to
 * ~200 members that one hub defeats), and 4 of ~1,000..1,500 nodes.
 *
 * Compared for every graph: every metric of every node, the totals, the
 * ranking, the SPOF list of every function, false redundancy (as a set, and
 * its order), the shared list (min 2 and one other min), tier1_of of every
 * node, the minimal pairs of every function (of one function past
 * PAIRS_MAX_NODES nodes: the one with the most dependencies up to
 * PAIRS_MAX_DEPENDENCIES), cascades from random initial sets (failed set,
 * count, round of each node, its cause group, the order), and outage
 * durations from random initial failures with known, zero and unknown
 * durations against two references (a cascade at every distinct time, and
 * the max/min fixed point), and scenario sets run by the batched scenario
 * engine (one duration or each node's recovery, several sweeps, 1-3
 * threads) against the same references.  The redundancy
 * groups the builder made are checked against the model too, since
 * everything else rests on them.
 *
 * Each graph comes from its own seed.  On a mismatch the test prints the
 * seed, the graph as nodes.csv/edges.csv, the differing values, and then a
 * graph shrunk automatically (nodes, edges, groups and attributes removed
 * while the same kind of mismatch remains).  To rerun one seed:
 * CRISK_REF_SEED=1234 ./test_reference (the other seeds are skipped).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "reference.h"

#define PAIRS_MAX_NODES   40    /* all functions' pairs up to here; beyond, one function */
#define PAIRS_MAX_DEPENDENCIES 110   /* ... the one depending on most nodes up to this many */
#define CASCADES_PER_GRAPH 4
#define MAX_REPORTED      12    /* differing values printed per graph */
#define LARGE_PER_TEST    60    /* graphs of 63..300 nodes per test (two tests) */
#define HUGE_GRAPHS       4     /* graphs of 1000..1500 nodes */
#define CHAIN_GRAPHS      100   /* graphs of long chains, 2..600 nodes */
#define SHRINK_SECONDS    60.0  /* per failing graph, on top of one pass */

/* ---- seeded PRNG (splitmix64) ------------------------------------------ */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int rng_below(rng *r, int n)
{
    return n <= 1 ? 0 : (int)(rng_next(r) % (uint64_t)n);
}

static int rng_chance(rng *r, int percent)
{
    return rng_below(r, 100) < percent;
}

/* ---- random inventories ------------------------------------------------- */

typedef struct gen_params {
    int n;
    int function_pct;     /* share of functions among the nodes */
    int max_degree;       /* out-degree 0..max_degree per node */
    int grouped_pct;      /* edges that go into a labelled group */
    int second_group_pct; /* an edge whose pair (from, to) also sits in another group */
    int hubs, hub_pct;    /* hub count; edges that go to a hub */
    int layers;           /* 0 = uniform random targets; else layered DAG plus back edges */
    int back_pct;         /* layered: edges that ignore the layers (cycles, same layer) */
    int wide_pct;         /* nodes that get 20..80 dependencies */
} gen_params;

/* Dyadic weights: sums are exact in any order, so equality is exact. */
static const double CRITICALITIES[] = { 0, 0.5, 1, 1, 1, 2, 3, 10 };
static const double HOURS[] = { 0, 1, 2, 4, 4, 8, 24, 72 };
static const char *const LABELS[] = { "a", "b", "c" };

static double random_hours(rng *r)
{
    return rng_chance(r, 30) ? NAN : HOURS[rng_below(r, 8)];
}

static void gen_nodes(rng *r, ref_model *g, const gen_params *p, int *layer)
{
    for (int i = 0; i < p->n; i++) {
        int fn = rng_chance(r, p->function_pct);
        crisk_node_type type = fn ? CRISK_NODE_FUNCTION : (crisk_node_type)(1 + rng_below(r, 3));
        char id[REF_ID_MAX];
        /* Letters make id order differ from index order ("c12" < "c3"). */
        snprintf(id, sizeof id, "%c%d", 'a' + rng_below(r, 26), i);
        int v = ref_add_node(g, id, type);
        /* Criticality and rto on providers must be ignored: set them anyway. */
        g->nodes[v].criticality = CRITICALITIES[rng_below(r, 8)];
        g->nodes[v].rto_hours = random_hours(r);
        g->nodes[v].recovery_hours = random_hours(r);
        /* Provider groups, without drawing from the generator (the graphs
         * of every seed stay the same): a service in the group of a node
         * it depends on is that node's own service. */
        if (!fn && i % 4 != 0)
            snprintf(g->nodes[v].parent, sizeof g->nodes[v].parent, "g%d", i % 3);
        layer[v] = fn ? 0 : (p->layers > 0 ? 1 + rng_below(r, p->layers) : 0);
    }
}

static int has_edge(const ref_model *g, int from, int to, const char *label)
{
    for (int e = 0; e < g->m; e++)
        if (g->edges[e].from == from && g->edges[e].to == to &&
            strcmp(g->edges[e].group, label) == 0)
            return 1;
    return 0;
}

static int pick_target(rng *r, const ref_model *g, const gen_params *p, const int *layer,
                       const int *hubs, int u)
{
    if (p->hubs > 0 && rng_chance(r, p->hub_pct))
        return hubs[rng_below(r, p->hubs)];
    for (int tries = 0; tries < 20; tries++) {
        int v = rng_below(r, g->n);
        if (p->layers == 0 || rng_chance(r, p->back_pct) || layer[v] > layer[u])
            return v;
    }
    return rng_below(r, g->n);
}

static void gen_edges_of(rng *r, ref_model *g, const gen_params *p, const int *layer,
                         const int *hubs, int u)
{
    int degree = rng_chance(r, p->wide_pct) ? 20 + rng_below(r, 61) : rng_below(r, p->max_degree + 1);
    if (g->nodes[u].type == CRISK_NODE_FUNCTION && degree == 0 && rng_chance(r, 80))
        degree = 1;
    for (int k = 0; k < degree; k++) {
        int v = pick_target(r, g, p, layer, hubs, u);
        if (v == u)
            continue;   /* no self-dependency (a validation error) */
        const char *label = rng_chance(r, p->grouped_pct) ? LABELS[rng_below(r, 3)] : "";
        if (has_edge(g, u, v, label))
            continue;   /* no duplicate (from, to, group) */
        ref_add_edge(g, u, v, label, 0);
        if (rng_chance(r, p->second_group_pct)) {
            /* Same pair in another group of the same dependant (or unlabelled). */
            const char *other = rng_chance(r, 25) ? "" : LABELS[rng_below(r, 3)];
            if (!has_edge(g, u, v, other))
                ref_add_edge(g, u, v, other, 0);
        }
    }
}

/* One need per group: often 1 (sometimes left unset), else k-of-n. */
static void gen_needs(rng *r, ref_model *g)
{
    for (int e = 0; e < g->m; e++) {
        ref_edge *ed = &g->edges[e];
        if (ed->group[0] == '\0') {
            ed->need = rng_chance(r, 10) ? 1 : 0;
            continue;
        }
        if (ed->need != 0)   /* this group is done */
            continue;
        int size = 0;
        for (int f = 0; f < g->m; f++)
            if (g->edges[f].from == ed->from && strcmp(g->edges[f].group, ed->group) == 0)
                size++;
        int need = rng_chance(r, 45) ? 1 : 1 + rng_below(r, size);
        int stored = (need == 1 && rng_chance(r, 50)) ? -1 : need;   /* -1: leave unset */
        for (int f = 0; f < g->m; f++)
            if (g->edges[f].from == ed->from && strcmp(g->edges[f].group, ed->group) == 0)
                g->edges[f].need = stored;
    }
    for (int e = 0; e < g->m; e++)
        if (g->edges[e].need < 0)
            g->edges[e].need = 0;
}

/* Permute node indices and edge order so that input order says nothing. */
static void shuffle(rng *r, ref_model *g)
{
    int n = g->n;
    int *perm = malloc(((size_t)n + 1) * sizeof *perm);
    ref_node *nodes = malloc(((size_t)n + 1) * sizeof *nodes);
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(r, i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (int i = 0; i < n; i++)
        nodes[perm[i]] = g->nodes[i];
    memcpy(g->nodes, nodes, (size_t)n * sizeof *nodes);
    for (int e = 0; e < g->m; e++) {
        g->edges[e].from = perm[g->edges[e].from];
        g->edges[e].to = perm[g->edges[e].to];
    }
    for (int e = g->m - 1; e > 0; e--) {
        int f = rng_below(r, e + 1);
        ref_edge t = g->edges[e];
        g->edges[e] = g->edges[f];
        g->edges[f] = t;
    }
    free(nodes);
    free(perm);
}

static void generate(rng *r, ref_model *g, const gen_params *p)
{
    int *layer = malloc(((size_t)p->n + 1) * sizeof *layer);
    int hubs[8];
    ref_model_init(g);
    gen_nodes(r, g, p, layer);
    for (int h = 0; h < p->hubs; h++)
        hubs[h] = rng_below(r, g->n);
    for (int u = 0; u < g->n; u++)
        gen_edges_of(r, g, p, layer, hubs, u);
    gen_needs(r, g);
    shuffle(r, g);
    free(layer);
}

/* 1..40 nodes, with a style drawn per graph so that every feature shows up
 * often: uniform random (cycles, functions on functions), layered with a few
 * back edges, hubs, many groups, repeated pairs in different groups. */
static void small_params(rng *r, gen_params *p)
{
    int size_class = rng_below(r, 10);
    p->n = size_class < 3 ? 1 + rng_below(r, 8) : size_class < 8 ? 5 + rng_below(r, 16) : 20 + rng_below(r, 21);
    p->function_pct = rng_chance(r, 5) ? 0 : 10 + rng_below(r, 40);
    p->max_degree = 1 + rng_below(r, 5);
    p->grouped_pct = rng_below(r, 90);
    p->second_group_pct = rng_chance(r, 50) ? rng_below(r, 30) : 0;
    p->hubs = rng_chance(r, 40) ? 1 + rng_below(r, 3) : 0;
    p->hub_pct = 10 + rng_below(r, 40);
    p->layers = rng_chance(r, 50) ? 1 + rng_below(r, 5) : 0;
    p->back_pct = rng_below(r, 20);
    p->wide_pct = rng_chance(r, 10) ? 5 + rng_below(r, 10) : 0;
}

/* 63..300 nodes: several 64-scenario batches.  Mostly layered supply chains
 * with hubs, redundancy and enough back edges for large strong components;
 * some at the batch boundaries (63..65, 127..129, ...), some deep (long
 * chains), some with many functions, some with very wide redundancy groups. */
static void large_params(rng *r, gen_params *p)
{
    static const int BOUNDARIES[] = { 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257 };
    p->n = rng_chance(r, 30) ? BOUNDARIES[rng_below(r, 12)] : 100 + rng_below(r, 201);
    p->function_pct = rng_chance(r, 20) ? 40 + rng_below(r, 30) : 5 + rng_below(r, 15);
    p->max_degree = 2 + rng_below(r, 4);
    p->grouped_pct = 20 + rng_below(r, 60);
    p->second_group_pct = rng_below(r, 10);
    p->hubs = 1 + rng_below(r, 6);
    p->hub_pct = 5 + rng_below(r, 20);
    p->layers = rng_chance(r, 15) ? 0 : rng_chance(r, 20) ? 30 + rng_below(r, 70) : 3 + rng_below(r, 6);
    p->back_pct = rng_chance(r, 30) ? 0 : rng_below(r, 8);
    p->wide_pct = rng_chance(r, 30) ? 1 + rng_below(r, 3) : 0;
}

/* Hubs h* (most depending on "root") and members m* that depend on a random
 * subset of the hubs, plainly or as a small OR / 2-of-n group. */
static void wide_hubs_and_members(rng *r, ref_model *g, int hubs, int members)
{
    int hub_pct[8];
    char id[REF_ID_MAX];
    int root = ref_add_node(g, "root", CRISK_NODE_SUPPLIER);
    int first_hub = g->n;
    for (int i = 0; i < hubs; i++) {
        snprintf(id, sizeof id, "h%d", i);
        int h = ref_add_node(g, id, CRISK_NODE_SERVICE);
        hub_pct[i] = 10 + rng_below(r, 80);
        if (rng_chance(r, 70))
            ref_add_edge(g, h, root, "", 0);
    }
    for (int i = 0; i < members; i++) {
        snprintf(id, sizeof id, "m%d", i);
        int m = ref_add_node(g, id, CRISK_NODE_SERVICE);
        const char *label = rng_chance(r, 20) ? "a" : "";
        int need = label[0] ? 1 + rng_below(r, 2) : 0;   /* clamped by ref_fix_needs */
        for (int h = 0; h < hubs; h++)
            if (rng_chance(r, hub_pct[h]))
                ref_add_edge(g, m, first_hub + h, label, need);
    }
}

/* Owners o*: one or two wide groups over the members, any need. */
static void wide_owners(rng *r, ref_model *g, int first_member, int members, int owners)
{
    char id[REF_ID_MAX];
    for (int i = 0; i < owners; i++) {
        snprintf(id, sizeof id, "o%d", i);
        int o = ref_add_node(g, id, rng_chance(r, 30) ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER);
        int groups = 1 + rng_below(r, 2);
        for (int k = 0; k < groups; k++) {
            int at = g->m;
            for (int m = 0; m < members; m++)
                if (rng_chance(r, 50 + 25 * k))
                    ref_add_edge(g, o, first_member + m, LABELS[k], 0);
            int size = g->m - at;
            int need = size == 0 ? 0 : rng_chance(r, 20) ? 1 : 1 + rng_below(r, size);
            for (int e = at; e < g->m; e++)
                g->edges[e].need = need;
        }
    }
}

/* Wide k-of-n groups whose members share a few hubs (and the hubs a root),
 * so that one failure takes out tens to hundreds of a group's members:
 * failed-member counts well past 64 and 255.  Owners are functions or
 * providers that functions f* depend on; a few members depend back on an
 * owner (cycles through the wide groups). */
static void generate_wide(rng *r, ref_model *g, int members)
{
    int hubs = 2 + rng_below(r, 4), owners = 2 + rng_below(r, 4), functions = 2 + rng_below(r, 4);
    char id[REF_ID_MAX];
    ref_model_init(g);
    wide_hubs_and_members(r, g, hubs, members);
    int first_member = 1 + hubs, first_owner = g->n;
    wide_owners(r, g, first_member, members, owners);
    for (int i = 0; i < functions; i++) {
        snprintf(id, sizeof id, "f%d", i);
        int f = ref_add_node(g, id, CRISK_NODE_FUNCTION);
        g->nodes[f].criticality = CRITICALITIES[rng_below(r, 8)];
        for (int o = 0; o < owners; o++)
            if (rng_chance(r, 60))
                ref_add_edge(g, f, first_owner + o, rng_chance(r, 30) ? "a" : "", 0);
    }
    for (int k = 0; k < 3; k++) {
        int m = first_member + rng_below(r, members), o = first_owner + rng_below(r, owners);
        if (rng_chance(r, 30) && !has_edge(g, m, o, ""))
            ref_add_edge(g, m, o, "", 0);
    }
    for (int v = 0; v < g->n; v++) {
        g->nodes[v].rto_hours = random_hours(r);
        g->nodes[v].recovery_hours = random_hours(r);
    }
    ref_fix_needs(g);
    shuffle(r, g);
}

/* ---- comparison ------------------------------------------------------------ */

typedef struct checker {
    FILE *log;                /* NULL = quiet (while shrinking) */
    const char *first;        /* category of the first mismatch */
    char first_detail[400];
    int mismatches;
} checker;

/* What the comparisons actually saw, so a run can show it was not vacuous. */
typedef struct coverage {
    long graphs, nodes, spof_nodes, spof_entries, fr_findings, shared_entries;
    long pair_entries, pair_functions, pair_max_dependencies, cascades, cascade_failed, big_graphs;
    long many_values;   /* graphs with over 32 distinct function criticalities or rtos */
    long fr_max_failed, fr_by_owner, max_group;
    long known_breaches, unknown_breaches;   /* nodes with breaches > 0; unknown (-1) */
    long downtimes, downtime_uncertain, downtime_positive;
    long scenarios, scenario_functions, scenario_uncertain;
} coverage;

static coverage seen;

static void mismatch(checker *c, const char *category, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void mismatch(checker *c, const char *category, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (c->first == NULL) {
        c->first = category;
        snprintf(c->first_detail, sizeof c->first_detail, "%s", buf);
    }
    c->mismatches++;
    if (c->log && c->mismatches <= MAX_REPORTED)
        fprintf(c->log, "  mismatch [%s] %s\n", category, buf);
}

static const char *id_of(const ref_model *g, size_t v)
{
    return v < (size_t)g->n ? g->nodes[v].id : "<out of range>";
}

static int same_double(double a, double b, double tol)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= tol * (1.0 + fabs(b));
}

/* The builder's groups are the model's groups (owner, label, need, members). */
static void check_groups(checker *c, const crisk_inventory *inv, const ref_model *g,
                         const ref_groups *gs)
{
    size_t count = crisk_inventory_group_count(inv);
    if (crisk_inventory_node_count(inv) != (size_t)g->n || count != (size_t)gs->count) {
        mismatch(c, "inventory", "nodes %zu/%d groups %zu/%d", crisk_inventory_node_count(inv),
                 g->n, count, gs->count);
        return;
    }
    for (int v = 0; v < g->n; v++)
        if (strcmp(crisk_inventory_node_id(inv, (size_t)v), g->nodes[v].id) != 0)
            mismatch(c, "inventory", "node %d is '%s', not '%s'", v,
                     crisk_inventory_node_id(inv, (size_t)v), g->nodes[v].id);
    for (size_t gi = 0; gi < count; gi++) {
        size_t owner = crisk_inventory_group_owner(inv, gi);
        const char *name = crisk_inventory_group_name(inv, gi);
        size_t size = crisk_inventory_group_size(inv, gi);
        int found = 0;
        for (int k = 0; k < gs->count && !found; k++) {
            const ref_group *rg = &gs->items[k];
            if ((size_t)rg->owner != owner || strcmp(rg->label, name) != 0 || (size_t)rg->size != size)
                continue;
            if (rg->label[0] == '\0' && (size_t)rg->members[0] != crisk_inventory_group_member(inv, gi, 0))
                continue;
            found = 1;
            if (crisk_inventory_group_need(inv, gi) != (size_t)rg->need)
                mismatch(c, "inventory", "group %zu of '%s' needs %zu, model %d", gi,
                         id_of(g, owner), crisk_inventory_group_need(inv, gi), rg->need);
            for (size_t i = 0; i < size; i++) {
                size_t member = crisk_inventory_group_member(inv, gi, i);
                int in = 0;
                for (int j = 0; j < rg->size; j++)
                    in |= (size_t)rg->members[j] == member;
                if (!in)
                    mismatch(c, "inventory", "group %zu of '%s' has stray member '%s'", gi,
                             id_of(g, owner), id_of(g, member));
            }
        }
        if (!found)
            mismatch(c, "inventory", "group %zu ('%s' of '%s', %zu members) not in the model",
                     gi, name, id_of(g, owner), size);
    }
}

#define CHECK_COUNT(field)                                                              \
    do {                                                                                \
        if (em->field != rm->field)                                                     \
            mismatch(c, "metrics." #field, "node '%s': engine %zu, reference %zu",      \
                     g->nodes[v].id, (size_t)em->field, (size_t)rm->field);             \
    } while (0)

#define CHECK_DOUBLE(field, tol)                                                        \
    do {                                                                                \
        if (!same_double(em->field, rm->field, tol))                                    \
            mismatch(c, "metrics." #field, "node '%s': engine %.17g, reference %.17g",  \
                     g->nodes[v].id, em->field, rm->field);                             \
    } while (0)

static void check_metrics(checker *c, const crisk_analysis *an, const ref_model *g,
                          const ref_analysis *ra)
{
    if (crisk_analysis_total_criticality(an) != ra->total_criticality)
        mismatch(c, "totals", "total criticality: engine %g, reference %g",
                 crisk_analysis_total_criticality(an), ra->total_criticality);
    if (crisk_analysis_function_count(an) != ra->function_count)
        mismatch(c, "totals", "function count: engine %zu, reference %zu",
                 crisk_analysis_function_count(an), ra->function_count);
    for (int v = 0; v < g->n; v++) {
        const crisk_node_metrics *em = crisk_analysis_metrics(an, (size_t)v);
        const ref_metrics *rm = &ra->metrics[v];
        seen.nodes++;
        seen.spof_nodes += rm->spof;
        if (em->tier != rm->tier)
            mismatch(c, "metrics.tier", "node '%s': engine %ld, reference %ld", g->nodes[v].id,
                     em->tier, rm->tier);
        CHECK_COUNT(direct_dependants);
        CHECK_COUNT(dependants);
        CHECK_COUNT(functions);
        CHECK_DOUBLE(exposure, 0.0);
        CHECK_COUNT(impact);
        CHECK_DOUBLE(impact_weight, 0.0);
        CHECK_DOUBLE(impact_share, 1e-9);
        if (!em->spof != !rm->spof)
            mismatch(c, "metrics.spof", "node '%s': engine %d, reference %d", g->nodes[v].id,
                     em->spof, rm->spof);
        if (em->breaches != rm->breaches)
            mismatch(c, "metrics.breaches", "node '%s': engine %ld, reference %ld",
                     g->nodes[v].id, em->breaches, rm->breaches);
        seen.unknown_breaches += rm->breaches < 0;
        seen.known_breaches += rm->breaches > 0;
        CHECK_COUNT(tier1_dependants);
    }
}

static void check_ranking(checker *c, const crisk_analysis *an, const ref_model *g,
                          const ref_analysis *ra)
{
    int *expect = malloc(((size_t)g->n + 1) * sizeof *expect);
    const uint32_t *rank = crisk_analysis_ranking(an);
    ref_ranking(ra, g, expect);
    for (int i = 0; i < g->n; i++)
        if (rank[i] != (uint32_t)expect[i]) {
            mismatch(c, "ranking", "position %d: engine '%s', reference '%s'", i,
                     id_of(g, rank[i]), id_of(g, (size_t)expect[i]));
            break;
        }
    free(expect);
}

/* Compare an engine list with the reference's, element by element. */
static void check_list(checker *c, const char *category, const char *what, const ref_model *g,
                       const uint32_t *got, size_t got_count, const int *expect, size_t count)
{
    if (got_count != count) {
        mismatch(c, category, "%s: engine has %zu, reference %zu", what, got_count, count);
        return;
    }
    for (size_t i = 0; i < count; i++)
        if (got[i] != (uint32_t)expect[i]) {
            mismatch(c, category, "%s, item %zu: engine '%s', reference '%s'", what, i,
                     id_of(g, got[i]), id_of(g, (size_t)expect[i]));
            return;
        }
}

static void check_spofs(checker *c, const crisk_analysis *an, const ref_model *g,
                        const ref_analysis *ra)
{
    int *expect = malloc(((size_t)g->n + 1) * sizeof *expect);
    char what[64];
    for (int f = 0; f < g->n; f++) {
        if (g->nodes[f].type != CRISK_NODE_FUNCTION)
            continue;
        size_t count = ref_spofs(ra, g, f, expect), got_count = 0;
        seen.spof_entries += (long)count;
        const uint32_t *got = crisk_analysis_spofs(an, (size_t)f, &got_count);
        snprintf(what, sizeof what, "spofs of '%s'", g->nodes[f].id);
        check_list(c, "spofs", what, g, got, got_count, expect, count);
        if (crisk_analysis_spof_count(an, (size_t)f) != got_count)
            mismatch(c, "spofs", "%s: count %zu, list of %zu", what,
                     crisk_analysis_spof_count(an, (size_t)f), got_count);
    }
    free(expect);
}

/* count_spofs: every function's count equals the reference's, the lists of
 * the chosen functions (every second, from an offset) are the reference's,
 * and the others' are not kept (NULL, not empty). */
static void check_spof_counts(checker *c, crisk_analysis *counted, const ref_model *g,
                              const ref_analysis *ra, int offset)
{
    int *expect = malloc(((size_t)g->n + 1) * sizeof *expect);
    char what[64];
    for (int f = 0; f < g->n; f++) {
        if (g->nodes[f].type != CRISK_NODE_FUNCTION)
            continue;
        size_t count = ref_spofs(ra, g, f, expect), got_count = 0;
        if (crisk_analysis_spof_count(counted, (size_t)f) != count)
            mismatch(c, "spof counts", "spof count of '%s': engine %zu, reference %zu",
                     g->nodes[f].id, crisk_analysis_spof_count(counted, (size_t)f), count);
        const uint32_t *got = crisk_analysis_spofs(counted, (size_t)f, &got_count);
        snprintf(what, sizeof what, "counted spofs of '%s'", g->nodes[f].id);
        if ((f + offset) % 2 == 0)
            check_list(c, "spof counts", what, g, got, got_count, expect, count);
        else if (got != NULL)
            mismatch(c, "spof counts", "%s: a list not asked for", what);
    }
    free(expect);
}

/* The same inventory analysed with count_spofs and the lists of every
 * second node (functions among them) only. */
static void check_counted(checker *c, const crisk_inventory *inv, const ref_model *g,
                          const ref_analysis *ra, crisk_analysis_options opts, uint64_t seed)
{
    crisk_analysis *counted = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    uint32_t *chosen = malloc(((size_t)g->n + 1) * sizeof *chosen);
    size_t k = 0;
    int offset = (int)(seed % 2);
    for (int v = 0; v < g->n; v++)
        if ((v + offset) % 2 == 0)
            chosen[k++] = (uint32_t)v;
    opts.keep_spofs = 0;
    opts.count_spofs = 1;
    opts.spof_functions = chosen;
    opts.n_spof_functions = k;
    opts.threads = opts.threads == 1 ? 2 : 1;
    int rc = crisk_analysis_run(&counted, inv, &opts, &err);
    if (rc != CRISK_OK) {
        mismatch(c, "analysis", "crisk_analysis_run counting spofs: rc %d (%s)", rc, err.message);
    } else {
        check_metrics(c, counted, g, ra);
        check_spof_counts(c, counted, g, ra, offset);
    }
    crisk_analysis_free(counted);
    free(chosen);
}

static int fr_before(const ref_model *g, const crisk_false_redundancy *x,
                     const crisk_false_redundancy *y)
{
    int d = strcmp(id_of(g, x->dependant), id_of(g, y->dependant));
    if (d != 0)
        return d < 0;
    if (x->group != y->group)
        return x->group < y->group;
    return strcmp(id_of(g, x->shared), id_of(g, y->shared)) < 0;
}

static void check_false_redundancy(checker *c, const crisk_analysis *an, const crisk_inventory *inv,
                                   const ref_model *g, const ref_analysis *ra)
{
    size_t count = 0;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(an, &count);
    unsigned char *matched = calloc(ra->fr_count + 1, 1);
    seen.fr_findings += (long)ra->fr_count;
    for (size_t k = 0; k < ra->fr_count; k++) {
        if (ra->fr[k].failed_members > seen.fr_max_failed)
            seen.fr_max_failed = ra->fr[k].failed_members;
        seen.fr_by_owner += ra->fr[k].shared == ra->fr[k].owner;
    }
    for (int k = 0; k < ra->groups.count; k++)
        if (ra->groups.items[k].size > seen.max_group)
            seen.max_group = ra->groups.items[k].size;
    for (size_t i = 0; i < count; i++) {
        const char *label = crisk_inventory_group_name(inv, fr[i].group);
        int found = 0;
        for (size_t k = 0; k < ra->fr_count && !found; k++) {
            const ref_false_redundancy *r = &ra->fr[k];
            const ref_group *rg = &ra->groups.items[r->group];
            if ((size_t)r->owner != fr[i].dependant || (size_t)r->shared != fr[i].shared ||
                strcmp(rg->label, label) != 0 || matched[k])
                continue;
            found = matched[k] = 1;
            if ((size_t)r->failed_members != fr[i].failed_members)
                mismatch(c, "false_redundancy", "'%s' group '%s' by '%s': engine %zu failed members, reference %d",
                         id_of(g, fr[i].dependant), label, id_of(g, fr[i].shared),
                         fr[i].failed_members, r->failed_members);
        }
        if (crisk_inventory_group_owner(inv, fr[i].group) != fr[i].dependant)
            mismatch(c, "false_redundancy", "finding %zu: group %zu is not owned by '%s'", i,
                     fr[i].group, id_of(g, fr[i].dependant));
        if (!found)
            mismatch(c, "false_redundancy", "engine only: '%s' group '%s' defeated by '%s' (%zu members)",
                     id_of(g, fr[i].dependant), label, id_of(g, fr[i].shared), fr[i].failed_members);
        if (i > 0 && !fr_before(g, &fr[i - 1], &fr[i]))
            mismatch(c, "false_redundancy.order", "finding %zu is out of order", i);
    }
    /* The engine keeps, per group, the CRISK_FALSE_REDUNDANCY_KEEP findings
     * with the smallest shared ids, and counts all of them. */
    if (crisk_analysis_false_redundancy_total(an) != ra->fr_count)
        mismatch(c, "false_redundancy.total", "engine counts %zu findings, reference %zu",
                 crisk_analysis_false_redundancy_total(an), ra->fr_count);
    for (size_t i = 0; i < count; i++) {
        size_t in_group = 0;
        for (size_t k = 0; k < ra->fr_count; k++)
            in_group += (size_t)ra->fr[k].owner == fr[i].dependant
                        && strcmp(ra->groups.items[ra->fr[k].group].label,
                                  crisk_inventory_group_name(inv, fr[i].group)) == 0;
        if (fr[i].group_findings != in_group)
            mismatch(c, "false_redundancy.group_findings", "finding %zu: engine %zu, reference %zu",
                     i, fr[i].group_findings, in_group);
    }
    for (size_t k = 0; k < ra->fr_count; k++) {
        if (matched[k])
            continue;
        size_t in_group = 0, smaller = 0;
        for (size_t j = 0; j < ra->fr_count; j++) {
            if (ra->fr[j].owner != ra->fr[k].owner || ra->fr[j].group != ra->fr[k].group)
                continue;
            in_group++;
            smaller += strcmp(id_of(g, (size_t)ra->fr[j].shared), id_of(g, (size_t)ra->fr[k].shared)) < 0;
        }
        if (in_group > CRISK_FALSE_REDUNDANCY_KEEP && smaller >= CRISK_FALSE_REDUNDANCY_KEEP)
            continue;   /* beyond the per-group cap: counted, not listed */
        mismatch(c, "false_redundancy", "reference only: '%s' group '%s' (need %d of %d) defeated by '%s' (%d members)",
                     id_of(g, (size_t)ra->fr[k].owner), ra->groups.items[ra->fr[k].group].label,
                     ra->groups.items[ra->fr[k].group].need, ra->groups.items[ra->fr[k].group].size,
                     id_of(g, (size_t)ra->fr[k].shared), ra->fr[k].failed_members);
    }
    free(matched);
}

static void check_shared(checker *c, const crisk_analysis *an, const ref_model *g,
                         const ref_analysis *ra, size_t min)
{
    int *expect = malloc(((size_t)g->n + 1) * sizeof *expect);
    uint32_t *got = NULL;
    size_t got_count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    char what[64];
    snprintf(what, sizeof what, "shared (min %zu)", min);
    int rc = crisk_analysis_shared(an, min, &got, &got_count, &err);
    if (rc != CRISK_OK)
        mismatch(c, "shared", "%s: rc %d (%s)", what, rc, err.message);
    else {
        size_t count = ref_shared(ra, g, min, expect);
        seen.shared_entries += (long)count;
        check_list(c, "shared", what, g, got, got_count, expect, count);
    }
    free(got);
    free(expect);
}

/* crisk_analysis_tier1_each over every node, in reverse index order (so
 * batches mix unrelated nodes), must give the reference's lists too. */
typedef struct tier1_each_check {
    checker *c;
    const ref_model *g;
    const ref_analysis *ra;
    const uint32_t *nodes;
    int *expect;
    size_t calls;
} tier1_each_check;

static int check_one_tier1(void *ctx, size_t i, const uint32_t *list, size_t count)
{
    tier1_each_check *k = ctx;
    char what[64];
    int v = (int)k->nodes[i];
    if (i != k->calls++)
        mismatch(k->c, "tier1_each", "call %zu for node %zu", k->calls - 1, i);
    snprintf(what, sizeof what, "tier1_each '%s'", k->g->nodes[v].id);
    check_list(k->c, "tier1_each", what, k->g, list, count, k->expect,
               ref_tier1_of(k->ra, k->g, v, k->expect));
    return CRISK_OK;
}

static void check_tier1_each(checker *c, const crisk_analysis *an, const ref_model *g,
                             const ref_analysis *ra)
{
    uint32_t *nodes = malloc(((size_t)g->n + 1) * sizeof *nodes);
    int *expect = malloc(((size_t)g->n + 1) * sizeof *expect);
    for (int v = 0; v < g->n; v++)
        nodes[v] = (uint32_t)(g->n - 1 - v);
    tier1_each_check k = { c, g, ra, nodes, expect, 0 };
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_analysis_tier1_each(an, nodes, (size_t)g->n, check_one_tier1, &k, &err);
    if (rc != CRISK_OK || k.calls != (size_t)g->n)
        mismatch(c, "tier1_each", "rc %d (%s), %zu calls for %d nodes", rc, err.message, k.calls,
                 g->n);
    free(nodes);
    free(expect);
}

/* crisk_analysis_false_redundancy_failed: each finding's failed members are
 * the members of its group in the reference cascade of its shared node. */
static void check_fr_failed(checker *c, const crisk_analysis *an, const crisk_inventory *inv,
                            const ref_model *g, const ref_groups *gs)
{
    size_t count = 0, *begin = NULL;
    uint32_t *failed = NULL;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(an, &count);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_analysis_false_redundancy_failed(an, &begin, &failed, &err);
    if (rc != CRISK_OK) {
        mismatch(c, "false_redundancy.failed", "rc %d (%s)", rc, err.message);
        return;
    }
    unsigned char *down = malloc((size_t)g->n + 1);
    for (size_t i = 0; i < count; i++) {
        memset(down, 0, (size_t)g->n);
        down[fr[i].shared] = 1;
        ref_cascade(g, gs, down);
        size_t k = begin[i];
        for (size_t j = 0; j < crisk_inventory_group_size(inv, fr[i].group); j++) {
            size_t m = crisk_inventory_group_member(inv, fr[i].group, j);
            if (down[m] && (k >= begin[i + 1] || failed[k++] != m))
                mismatch(c, "false_redundancy.failed", "finding %zu: member '%s' missing or "
                         "out of order", i, id_of(g, m));
        }
        if (k != begin[i + 1] || begin[i + 1] - begin[i] != fr[i].failed_members)
            mismatch(c, "false_redundancy.failed", "finding %zu: %zu members listed, %zu failed",
                     i, begin[i + 1] - begin[i], fr[i].failed_members);
    }
    free(down);
    free(begin);
    free(failed);
}

static void check_tier1_of(checker *c, const crisk_analysis *an, const ref_model *g,
                           const ref_analysis *ra)
{
    int *expect = malloc(((size_t)g->n + 1) * sizeof *expect);
    char what[64];
    for (int v = 0; v < g->n; v++) {
        uint32_t *got = NULL;
        size_t got_count = 0;
        crisk_error err = CRISK_ERROR_INIT;
        snprintf(what, sizeof what, "tier1_of '%s'", g->nodes[v].id);
        int rc = crisk_analysis_tier1_of(an, (size_t)v, &got, &got_count, &err);
        if (rc != CRISK_OK)
            mismatch(c, "tier1_of", "%s: rc %d (%s)", what, rc, err.message);
        else
            check_list(c, "tier1_of", what, g, got, got_count, expect, ref_tier1_of(ra, g, v, expect));
        free(got);
    }
    free(expect);
}

static void check_pairs_of(checker *c, const crisk_analysis *an, const ref_model *g,
                           const ref_analysis *ra, int f)
{
    int *expect = NULL;
    uint32_t *got = NULL;
    size_t got_count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    size_t count = ref_spof_pairs(ra, g, f, &expect);
    seen.pair_entries += (long)count;
    seen.pair_functions++;
    int rc = crisk_analysis_spof_pairs(an, (size_t)f, &got, &got_count, &err);
    if (rc != CRISK_OK) {
        mismatch(c, "pairs", "pairs of '%s': rc %d (%s)", g->nodes[f].id, rc, err.message);
    } else if (got_count != count) {
        mismatch(c, "pairs", "pairs of '%s': engine has %zu, reference %zu", g->nodes[f].id,
                 got_count, count);
    } else {
        for (size_t i = 0; i < 2 * count; i++)
            if (got[i] != (uint32_t)expect[i]) {
                mismatch(c, "pairs", "pairs of '%s', pair %zu: engine {%s,%s}, reference {%s,%s}",
                         g->nodes[f].id, i / 2, id_of(g, got[i & ~(size_t)1]),
                         id_of(g, got[i | 1]), id_of(g, (size_t)expect[i & ~(size_t)1]),
                         id_of(g, (size_t)expect[i | 1]));
                break;
            }
    }
    free(got);
    free(expect);
}

/* crisk_analysis_spof_pairs_each over every function of a small graph, in
 * a shuffled order, on the analysis' threads: each function's pairs as the
 * reference has them, delivered in the order asked for. */
typedef struct each_check {
    checker *c;
    const ref_model *g;
    const ref_analysis *ra;
    const uint32_t *fn;
    size_t next;
} each_check;

static int each_matches(void *ctx, size_t i, const uint32_t *pairs, size_t n_pairs,
                        const crisk_error *cut)
{
    each_check *e = ctx;
    const char *id = e->g->nodes[e->fn[i]].id;
    if (i != e->next++)
        mismatch(e->c, "pairs_each", "'%s' delivered as %zu, expected %zu", id, i, e->next - 1);
    int *expect = NULL;
    size_t count = ref_spof_pairs(e->ra, e->g, (int)e->fn[i], &expect);
    if (cut != NULL)
        mismatch(e->c, "pairs_each", "pairs of '%s' cut: %s", id, cut->message);
    else if (n_pairs != count)
        mismatch(e->c, "pairs_each", "pairs of '%s': %zu, reference %zu", id, n_pairs, count);
    else
        for (size_t x = 0; x < 2 * count; x++)
            if (pairs[x] != (uint32_t)expect[x]) {
                mismatch(e->c, "pairs_each", "pairs of '%s', pair %zu differs", id, x / 2);
                break;
            }
    free(expect);
    return CRISK_OK;
}

static void check_pairs_each(checker *c, const crisk_analysis *an, const ref_model *g,
                             const ref_analysis *ra, uint64_t seed)
{
    if (g->n > PAIRS_MAX_NODES)
        return;
    uint32_t *fn = malloc(((size_t)g->n + 1) * sizeof *fn);
    size_t k = 0;
    for (int f = 0; f < g->n; f++)
        if (g->nodes[f].type == CRISK_NODE_FUNCTION)
            fn[k++] = (uint32_t)f;
    for (size_t i = k; i > 1; i--) {   /* any order: the callback gets it back */
        size_t j = (size_t)((seed * 6364136223846793005ull + i) >> 33) % i;
        uint32_t t = fn[i - 1];
        fn[i - 1] = fn[j];
        fn[j] = t;
    }
    each_check e = { c, g, ra, fn, 0 };
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_analysis_spof_pairs_each(an, fn, k, each_matches, &e, &err);
    if (rc != CRISK_OK)
        mismatch(c, "pairs_each", "rc %d (%s)", rc, err.message);
    else if (e.next != k)
        mismatch(c, "pairs_each", "%zu functions delivered of %zu", e.next, k);
    free(fn);
}

/* Every function of a small graph; in a large one the function that depends
 * on most nodes (up to PAIRS_MAX_DEPENDENCIES, so past one 64-bit word). */
static void check_pairs(checker *c, const crisk_analysis *an, const ref_model *g,
                        const ref_analysis *ra)
{
    int best = -1;
    size_t best_deps = 0;
    for (int f = 0; f < g->n; f++) {
        if (g->nodes[f].type != CRISK_NODE_FUNCTION)
            continue;
        if (g->n <= PAIRS_MAX_NODES) {
            check_pairs_of(c, an, g, ra, f);
            continue;
        }
        size_t deps = 0;
        for (int v = 0; v < g->n; v++)
            deps += ra->reaches[(size_t)f * g->n + v];
        if (deps <= PAIRS_MAX_DEPENDENCIES && (best < 0 || deps > best_deps)) {
            best = f;
            best_deps = deps;
        }
    }
    if (best >= 0) {
        seen.pair_max_dependencies = seen.pair_max_dependencies > (long)best_deps ?
                                     seen.pair_max_dependencies : (long)best_deps;
        check_pairs_of(c, an, g, ra, best);
    }
}

/* Group gi fails `node` given the failures of rounds < r. */
static int inv_group_down_before(const crisk_inventory *inv, size_t gi, const int *round, int r)
{
    size_t size = crisk_inventory_group_size(inv, gi), working = 0;
    for (size_t i = 0; i < size; i++) {
        int rm = round[crisk_inventory_group_member(inv, gi, i)];
        working += !(rm >= 0 && rm < r);
    }
    return working < crisk_inventory_group_need(inv, gi);
}

static void check_cascade_details(checker *c, const crisk_cascade *cas, const crisk_inventory *inv,
                                  const ref_model *g, const int *round, const char *what)
{
    for (int v = 0; v < g->n; v++) {
        size_t cause = crisk_cascade_cause(cas, (size_t)v);
        if (round[v] < 0) {
            if (cause != CRISK_CAUSE_NONE)
                mismatch(c, "cascade.cause", "%s: '%s' did not fail but has cause %zu", what,
                         g->nodes[v].id, cause);
            continue;
        }
        if ((int)crisk_cascade_round(cas, (size_t)v) != round[v])
            mismatch(c, "cascade.round", "%s: '%s' failed in round %zu, reference %d", what,
                     g->nodes[v].id, crisk_cascade_round(cas, (size_t)v), round[v]);
        if (round[v] == 0) {
            if (cause != CRISK_CAUSE_INITIAL)
                mismatch(c, "cascade.cause", "%s: initial '%s' has cause %zu", what, g->nodes[v].id, cause);
        } else if (cause >= crisk_inventory_group_count(inv) ||
                   crisk_inventory_group_owner(inv, cause) != (size_t)v ||
                   !inv_group_down_before(inv, cause, round, round[v])) {
            mismatch(c, "cascade.cause", "%s: '%s' (round %d) has cause %zu, not one of its groups down by then",
                     what, g->nodes[v].id, round[v], cause);
        }
    }
    size_t count = 0;
    const uint32_t *order = crisk_cascade_order(cas, &count);
    unsigned char *listed = calloc((size_t)g->n + 1, 1);
    size_t failed = 0;
    for (int v = 0; v < g->n; v++)
        failed += round[v] >= 0;
    if (count != failed)
        mismatch(c, "cascade.order", "%s: order lists %zu nodes, %zu failed", what, count, failed);
    for (size_t i = 0; i < count; i++) {
        uint32_t v = order[i];
        if (v >= (uint32_t)g->n || round[v] < 0 || listed[v]) {
            mismatch(c, "cascade.order", "%s: order[%zu] = %u is not a new failed node", what, i, v);
            break;
        }
        listed[v] = 1;
        if (i > 0 && round[order[i - 1]] > round[v]) {
            mismatch(c, "cascade.order", "%s: order[%zu] '%s' (round %d) after round %d", what, i,
                     g->nodes[v].id, round[v], round[order[i - 1]]);
            break;
        }
    }
    free(listed);
}

static void check_one_cascade(checker *c, const crisk_inventory *inv, const ref_model *g,
                              const ref_groups *gs, const size_t *initial, size_t k)
{
    int n = g->n;
    unsigned char *failed = calloc((size_t)n + 1, 1), *start = calloc((size_t)n + 1, 1);
    int *round = malloc(((size_t)n + 1) * sizeof *round);
    char what[160];
    int len = snprintf(what, sizeof what, "cascade from {");
    for (size_t i = 0; i < k; i++) {
        failed[initial[i]] = start[initial[i]] = 1;
        if (len < (int)sizeof what - 24)
            len += snprintf(what + len, sizeof what - (size_t)len, "%s%s", i ? "," : "", id_of(g, initial[i]));
    }
    snprintf(what + len, sizeof what - (size_t)len, "}");
    ref_cascade(g, gs, failed);
    ref_cascade_rounds(g, gs, start, round);

    crisk_cascade *cas = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_cascade_run(&cas, inv, initial, k, &err);
    if (rc != CRISK_OK) {
        mismatch(c, "cascade", "%s: rc %d (%s)", what, rc, err.message);
        goto out;
    }
    size_t expect_count = 0;
    seen.cascades++;
    for (int v = 0; v < n; v++) {
        if ((round[v] >= 0) != failed[v])
            mismatch(c, "reference", "%s: rounds and passes disagree on '%s'", what, g->nodes[v].id);
        expect_count += failed[v];
        seen.cascade_failed += failed[v];
        if (!crisk_cascade_is_failed(cas, (size_t)v) != !failed[v])
            mismatch(c, "cascade.failed", "%s: '%s' engine %s, reference %s", what, g->nodes[v].id,
                     crisk_cascade_is_failed(cas, (size_t)v) ? "failed" : "up",
                     failed[v] ? "failed" : "up");
    }
    if (crisk_cascade_failed_count(cas) != expect_count)
        mismatch(c, "cascade.failed", "%s: engine %zu failed, reference %zu", what,
                 crisk_cascade_failed_count(cas), expect_count);
    check_cascade_details(c, cas, inv, g, round, what);
out:
    crisk_cascade_free(cas);
    free(round);
    free(start);
    free(failed);
}

/* Random initial sets, drawn from a seed of their own so a shrunk graph still
 * gets some: mostly 0..4 nodes, sometimes up to a third of the graph, and
 * sometimes with a node repeated (the set semantics must not change). */
static void check_cascades(checker *c, const crisk_inventory *inv, const ref_model *g,
                           const ref_groups *gs, uint64_t seed)
{
    rng r = { seed ^ 0x5eed5eedull };
    size_t *initial = malloc(((size_t)g->n + 2) * sizeof *initial);
    for (int t = 0; t < CASCADES_PER_GRAPH && g->n > 0; t++) {
        int most = rng_chance(&r, 20) ? g->n / 3 + 1 : (g->n < 5 ? g->n + 1 : 5);
        size_t k = (size_t)rng_below(&r, most);
        size_t taken = 0;
        for (size_t i = 0; i < k; i++) {
            size_t v = (size_t)rng_below(&r, g->n);
            int dup = 0;
            for (size_t j = 0; j < taken; j++)
                dup |= initial[j] == v;
            if (!dup)
                initial[taken++] = v;
        }
        if (taken > 0 && rng_chance(&r, 20)) {
            size_t again = initial[rng_below(&r, (int)taken)];
            initial[taken++] = again;
        }
        check_one_cascade(c, inv, g, gs, initial, taken);
    }
    free(initial);
}

/* ---- outage durations ---------------------------------------------------------- */

#define DOWNTIMES_PER_GRAPH 4

static int same_duration(const crisk_duration *e, const ref_downtime *r)
{
    return e->lo == r->lo && e->hi == r->hi && !e->lo_open == !r->lo_open;
}

static void check_one_downtime(checker *c, const crisk_inventory *inv, const ref_model *g,
                               const ref_groups *gs, const ref_outage *initial, int k,
                               const char *what)
{
    ref_downtime *instants = calloc((size_t)g->n + 1, sizeof *instants);
    ref_downtime *fixpoint = calloc((size_t)g->n + 1, sizeof *fixpoint);
    crisk_outage *outages = malloc(((size_t)k + 1) * sizeof *outages);
    ref_downtime_instants(g, gs, initial, k, instants);
    ref_downtime_fixpoint(g, gs, initial, k, fixpoint);
    for (int i = 0; i < k; i++)
        outages[i] = (crisk_outage){ (size_t)initial[i].node, initial[i].hours };
    crisk_downtime *d = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_downtime_run(&d, inv, outages, (size_t)k, &err) != CRISK_OK) {
        mismatch(c, "downtime", "%s: %s", what, err.message);
        goto out;
    }
    seen.downtimes++;
    for (int v = 0; v < g->n; v++) {
        const ref_downtime *r = &instants[v], *f = &fixpoint[v];
        if (!same_duration(&(crisk_duration){ f->lo, f->hi, f->lo_open }, r))
            mismatch(c, "reference", "%s: '%s' instants [%g%s, %g], fixed point [%g%s, %g]", what,
                     g->nodes[v].id, r->lo, r->lo_open ? "+" : "", r->hi, f->lo,
                     f->lo_open ? "+" : "", f->hi);
        crisk_duration e = crisk_downtime_of(d, (size_t)v);
        if (!crisk_downtime_is_failed(d, (size_t)v) != !r->failed)
            mismatch(c, "downtime.failed", "%s: '%s' engine %s, reference %s", what,
                     g->nodes[v].id, crisk_downtime_is_failed(d, (size_t)v) ? "failed" : "up",
                     r->failed ? "failed" : "up");
        if (!same_duration(&e, r))
            mismatch(c, "downtime", "%s: '%s' engine [%g%s, %g], reference [%g%s, %g]", what,
                     g->nodes[v].id, e.lo, e.lo_open ? "+" : "", e.hi, r->lo,
                     r->lo_open ? "+" : "", r->hi);
        seen.downtime_uncertain += !crisk_duration_is_exact(&e);
        seen.downtime_positive += e.lo > 0 && r->failed;
    }
out:
    crisk_downtime_free(d);
    free(outages);
    free(fixpoint);
    free(instants);
}

/* Random initial failures with durations: from the hours list, unknown
 * (NaN) one time in four, the node's own recovery_hours one in four; a
 * node sometimes named twice with another duration. */
static void check_downtimes(checker *c, const crisk_inventory *inv, const ref_model *g,
                            const ref_groups *gs, uint64_t seed)
{
    rng r = { seed ^ 0xd0e5d0e5ull };
    ref_outage *initial = malloc(((size_t)g->n + 8) * sizeof *initial);
    char what[200];
    for (int t = 0; t < DOWNTIMES_PER_GRAPH && g->n > 0; t++) {
        int most = rng_chance(&r, 20) ? g->n / 3 + 2 : (g->n < 6 ? g->n + 1 : 6);
        int k = 1 + rng_below(&r, most), taken = 0;
        int len = snprintf(what, sizeof what, "downtime from {");
        for (int i = 0; i < k; i++) {
            int v = rng_below(&r, g->n);
            double h = rng_chance(&r, 25) ? NAN
                     : rng_chance(&r, 33) ? g->nodes[v].recovery_hours
                     : HOURS[rng_below(&r, 8)];
            initial[taken++] = (ref_outage){ v, h };
            if (len < (int)sizeof what - 40)
                len += snprintf(what + len, sizeof what - (size_t)len, "%s%s=%g", i ? "," : "",
                                id_of(g, (size_t)v), h);
        }
        snprintf(what + len, sizeof what - (size_t)len, "}");
        check_one_downtime(c, inv, g, gs, initial, taken, what);
    }
    free(initial);
}

/* ---- scenario tests ------------------------------------------------------------ */

/* One scenario's result against the reference: what fails at the onset (a
 * cascade), each function's downtime (durations "at every instant"), the
 * tolerances and the totals. */
static void check_one_scenario(checker *c, const ref_model *g,
                               const ref_groups *gs, const crisk_scenario *sc, double hours,
                               const crisk_scenario_result *res)
{
    ref_outage *initial = malloc((sc->n_nodes + 1) * sizeof *initial);
    ref_downtime *want = calloc((size_t)g->n + 1, sizeof *want);
    for (size_t i = 0; i < sc->n_nodes; i++) {
        int v = (int)sc->nodes[i];
        initial[i] = (ref_outage){ v, !isnan(hours) ? hours : g->nodes[v].recovery_hours };
    }
    ref_downtime_instants(g, gs, initial, (int)sc->n_nodes, want);
    size_t failed = 0, down = 0, breached = 0, unknown = 0;
    double lost = 0, earliest = NAN;
    for (int v = 0; v < g->n; v++) {
        failed += want[v].failed;
        if (!want[v].failed || g->nodes[v].type != CRISK_NODE_FUNCTION)
            continue;
        down++;
        lost += g->nodes[v].criticality;
        crisk_duration d = { want[v].lo, want[v].hi, want[v].lo_open };
        crisk_tolerance t = crisk_tolerance_judge(&d, g->nodes[v].rto_hours);
        breached += t == CRISK_TOLERANCE_BREACHED;
        unknown += t == CRISK_TOLERANCE_UNKNOWN;
        if (t == CRISK_TOLERANCE_BREACHED && !(earliest <= g->nodes[v].rto_hours))
            earliest = g->nodes[v].rto_hours;
        const crisk_scenario_function *got = NULL;
        if (res->functions == NULL)
            continue;   /* counted only (keep_functions) */
        for (size_t i = 0; i < res->functions_down; i++)
            if (res->functions[i].function == (uint32_t)v)
                got = &res->functions[i];
        if (got == NULL) {
            mismatch(c, "scenarios.functions", "scenario '%s': '%s' fails in the reference only",
                     sc->id, g->nodes[v].id);
            continue;
        }
        if (!same_duration(&got->downtime, &want[v]) || got->tolerance != t)
            mismatch(c, "scenarios.downtime", "scenario '%s': '%s' engine [%g%s, %g] %d, reference [%g%s, %g] %d",
                     sc->id, g->nodes[v].id, got->downtime.lo, got->downtime.lo_open ? "+" : "",
                     got->downtime.hi, got->tolerance, want[v].lo, want[v].lo_open ? "+" : "",
                     want[v].hi, t);
    }
    if (res->failed_nodes != failed || res->functions_down != down || res->criticality_lost != lost
        || res->breached != breached || res->unknown != unknown
        || !(res->earliest_breach == earliest || (isnan(earliest) && isnan(res->earliest_breach))))
        mismatch(c, "scenarios.totals", "scenario '%s': engine %zu failed, %zu down, lost %g, "
                 "%zu breached, %zu unknown, earliest %g; reference %zu, %zu, %g, %zu, %zu, %g",
                 sc->id, res->failed_nodes, res->functions_down, res->criticality_lost,
                 res->breached, res->unknown, res->earliest_breach, failed, down, lost, breached,
                 unknown, earliest);
    crisk_tolerance verdict = breached ? CRISK_TOLERANCE_BREACHED
                            : unknown ? CRISK_TOLERANCE_UNKNOWN : CRISK_TOLERANCE_WITHIN;
    if (res->verdict != verdict)
        mismatch(c, "scenarios.verdict", "scenario '%s': engine %d, reference %d", sc->id,
                 res->verdict, verdict);
    seen.scenario_functions += (long)down;
    seen.scenario_uncertain += (long)unknown;
    free(want);
    free(initial);
}

/* A random scenario set: 8..48 scenarios (sometimes 700: two sweeps and
 * more), each 0..5 nodes (sometimes a third of the graph), a node sometimes
 * named twice, one duration for all (from the hours list) or each node its
 * recovery_hours (unknown where missing); every result is checked, and so
 * is their order. */
static void check_scenarios(checker *c, const crisk_inventory *inv, const ref_model *g,
                            const ref_groups *gs, uint64_t seed)
{
    rng r = { seed ^ 0x5ce4a210ull };
    if (g->n == 0)
        return;
    size_t count = rng_chance(&r, 8) ? 700 : 8 + (size_t)rng_below(&r, 41);
    crisk_scenario_set *set = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    uint32_t *nodes = malloc(((size_t)g->n + 2) * sizeof *nodes);
    if (crisk_scenario_set_new(&set, &err) != CRISK_OK)
        goto out;
    for (size_t s = 0; s < count; s++) {
        int most = rng_chance(&r, 15) ? g->n / 3 + 2 : (g->n < 6 ? g->n + 1 : 6);
        size_t k = (size_t)rng_below(&r, most), taken = 0;
        for (size_t i = 0; i < k; i++)
            nodes[taken++] = (uint32_t)rng_below(&r, g->n);
        if (taken > 0 && rng_chance(&r, 15))
            nodes[taken++] = nodes[0];
        char id[32];
        snprintf(id, sizeof id, "s%zu", s);
        double h = rng_chance(&r, 50) ? NAN : HOURS[rng_below(&r, 8)];
        crisk_scenario sc = { .id = id, .fails = "", .hours = h, .nodes = nodes, .n_nodes = taken };
        if (crisk_scenario_set_add(set, &sc, &err) != CRISK_OK) {
            mismatch(c, "scenarios", "adding '%s': %s", id, err.message);
            goto out;
        }
    }
    crisk_scenario_options opts = CRISK_SCENARIO_OPTIONS_INIT;
    opts.threads = 1 + (unsigned)(seed % 3);
    opts.use_hours = rng_chance(&r, 10);
    opts.hours = HOURS[rng_below(&r, 8)];
    /* sometimes only the first results keep their functions down (two passes) */
    opts.keep_functions = rng_chance(&r, 25) ? (size_t)rng_below(&r, (int)count + 1) : SIZE_MAX;
    crisk_scenario_run *run = NULL;
    if (crisk_scenarios_run(&run, inv, set, &opts, &err) != CRISK_OK) {
        mismatch(c, "scenarios", "crisk_scenarios_run: %s", err.message);
        goto out;
    }
    size_t n = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(run, &n);
    if (n != count)
        mismatch(c, "scenarios", "%zu results for %zu scenarios", n, count);
    for (size_t i = 0; i < n; i++) {
        crisk_scenario sc;
        crisk_scenario_set_get(set, res[i].scenario, &sc);
        if ((res[i].functions != NULL || res[i].functions_down == 0) != (i < opts.keep_functions
                                                                          || res[i].functions_down == 0))
            mismatch(c, "scenarios.kept", "result %zu of %zu: functions %s, keep_functions %zu", i,
                     n, res[i].functions ? "kept" : "not kept", opts.keep_functions);
        check_one_scenario(c, g, gs, &sc, opts.use_hours ? opts.hours : sc.hours, &res[i]);
        if (i > 0 && (res[i - 1].criticality_lost < res[i].criticality_lost
                      || (res[i - 1].criticality_lost == res[i].criticality_lost
                          && res[i - 1].breached < res[i].breached)))
            mismatch(c, "scenarios.order", "result %zu out of order", i);
    }
    seen.scenarios += (long)n;
    crisk_scenario_run_free(run);
out:
    crisk_scenario_set_free(set);
    free(nodes);
}

/* Compare everything on one graph.  Returns the number of mismatches. */
static int check_model(checker *c, const ref_model *g, uint64_t seed, int with_options)
{
    crisk_inventory *inv = NULL;
    crisk_analysis *an = NULL;
    ref_analysis ra;
    char why[600];
    if (ref_model_build(g, &inv, why, sizeof why) != CRISK_OK) {
        mismatch(c, "build", "the builder rejected the graph: %s", why);
        return c->mismatches;
    }
    ref_analyse(&ra, g);
    check_groups(c, inv, g, &ra.groups);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    /* Results must not depend on how many threads share the batches
     * (graphs over 256 nodes have several). */
    opts.threads = 1 + (unsigned)(seed % 3);
    /* Half the graphs: the tier-1 lists, the members false redundancy
     * fails and the minimal pairs sweep on the topology the analysis kept
     * instead of building their own. */
    opts.keep_topology = (int)(seed % 2);
    int rc = crisk_analysis_run(&an, inv, &opts, &err);
    if (rc != CRISK_OK) {
        mismatch(c, "analysis", "crisk_analysis_run: rc %d (%s)", rc, err.message);
        goto out;
    }
    check_metrics(c, an, g, &ra);
    check_ranking(c, an, g, &ra);
    check_spofs(c, an, g, &ra);
    check_false_redundancy(c, an, inv, g, &ra);
    check_shared(c, an, g, &ra, 2);
    check_shared(c, an, g, &ra, (size_t)(seed % 4 == 2 ? 3 : seed % 4));
    check_tier1_of(c, an, g, &ra);
    check_tier1_each(c, an, g, &ra);
    check_fr_failed(c, an, inv, g, &ra.groups);
    check_pairs(c, an, g, &ra);
    check_pairs_each(c, an, g, &ra, seed);
    check_cascades(c, inv, g, &ra.groups, seed);
    check_downtimes(c, inv, g, &ra.groups, seed);
    check_scenarios(c, inv, g, &ra.groups, seed);
    if (with_options) {
        check_counted(c, inv, g, &ra, opts, seed);
        /* Without the optional lists the metrics must not change. */
        crisk_analysis *bare = NULL;
        opts.keep_spofs = opts.keep_false_redundancy = 0;
        opts.threads = opts.threads == 1 ? 2 : 1;
        rc = crisk_analysis_run(&bare, inv, &opts, &err);
        if (rc != CRISK_OK)
            mismatch(c, "analysis", "crisk_analysis_run without lists: rc %d (%s)", rc, err.message);
        else
            check_metrics(c, bare, g, &ra);
        for (int f = 0; bare != NULL && f < g->n; f++)
            if (crisk_analysis_spof_count(bare, (size_t)f) != SIZE_MAX)
                mismatch(c, "spofs", "an analysis without SPOFs counted them for '%s'",
                         g->nodes[f].id);
        crisk_analysis_free(bare);
    }
out:
    crisk_analysis_free(an);
    crisk_inventory_free(inv);
    ref_analysis_release(&ra);
    return c->mismatches;
}

/* ---- shrinking ---------------------------------------------------------- */

/* Does `g` still show a mismatch of the given category? */
static int still_fails(const ref_model *g, uint64_t seed, const char *category)
{
    checker c = { NULL, NULL, "", 0 };
    check_model(&c, g, seed, 0);
    return c.first != NULL && strcmp(c.first, category) == 0;
}

/* Keep `candidate` if it still fails; else restore it from `g`. */
static int try_candidate(ref_model *g, ref_model *candidate, uint64_t seed, const char *category)
{
    ref_fix_needs(candidate);
    if (still_fails(candidate, seed, category)) {
        ref_model_release(g);
        *g = *candidate;
        ref_model_init(candidate);
        return 1;
    }
    ref_model_release(candidate);
    return 0;
}

static int shrink_nodes(ref_model *g, uint64_t seed, const char *category)
{
    int progress = 0;
    for (int chunk = g->n / 2 > 0 ? g->n / 2 : 1; chunk >= 1; chunk /= 2)
        for (int start = 0; start < g->n && g->n > 1;) {
            ref_model cand;
            ref_model_copy(&cand, g);
            int stop = start + chunk < cand.n ? start + chunk : cand.n;
            for (int v = stop - 1; v >= start; v--)
                ref_remove_node(&cand, v);
            if (try_candidate(g, &cand, seed, category))
                progress = 1;
            else
                start += chunk;
        }
    return progress;
}

static int shrink_edges(ref_model *g, uint64_t seed, const char *category)
{
    int progress = 0;
    for (int e = 0; e < g->m;) {
        ref_model cand;
        ref_model_copy(&cand, g);
        ref_remove_edge(&cand, e);
        if (try_candidate(g, &cand, seed, category))
            progress = 1;
        else
            e++;
    }
    return progress;
}

/* Plainer attributes: criticality 1, no hours, ungrouped edges, need 1. */
static int simplify_attributes(ref_model *g, uint64_t seed, const char *category)
{
    int progress = 0;
    for (int v = 0; v < g->n; v++) {
        ref_model cand;
        ref_model_copy(&cand, g);
        if (cand.nodes[v].criticality == 1 && isnan(cand.nodes[v].rto_hours) &&
            isnan(cand.nodes[v].recovery_hours)) {
            ref_model_release(&cand);
            continue;
        }
        cand.nodes[v].criticality = 1;
        cand.nodes[v].rto_hours = cand.nodes[v].recovery_hours = NAN;
        progress |= try_candidate(g, &cand, seed, category);
    }
    for (int e = 0; e < g->m; e++) {
        if (g->edges[e].group[0] == '\0')
            continue;
        ref_model cand;
        ref_model_copy(&cand, g);
        cand.edges[e].group[0] = '\0';
        cand.edges[e].need = 0;
        int dup = 0;
        for (int f = 0; f < cand.m; f++)
            dup |= f != e && cand.edges[f].from == cand.edges[e].from &&
                   cand.edges[f].to == cand.edges[e].to && cand.edges[f].group[0] == '\0';
        if (dup)
            ref_model_release(&cand);
        else
            progress |= try_candidate(g, &cand, seed, category);
    }
    return progress;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whole passes until nothing shrinks, or SHRINK_SECONDS are spent (a pass
 * over a 1000-node graph re-runs the reference many times). */
static void shrink(ref_model *g, uint64_t seed, const char *category)
{
    int progress = 1;
    double start = now_seconds();
    for (int round = 0; progress && round < 20 && now_seconds() - start < SHRINK_SECONDS; round++) {
        progress = shrink_nodes(g, seed, category);
        progress |= shrink_edges(g, seed, category);
        progress |= simplify_attributes(g, seed, category);
    }
}

/* ---- the tests -------------------------------------------------------------- */

typedef void (*make_fn)(rng *r, ref_model *g);

static void make_small(rng *r, ref_model *g)
{
    gen_params p;
    small_params(r, &p);
    generate(r, g, &p);
}

/* Many distinct criticality and rto values on the functions (still dyadic):
 * past 32 of either, the engine leaves its per-value counters for its
 * per-scenario path, which must agree too. */
static void spread_values(rng *r, ref_model *g)
{
    for (int v = 0; v < g->n; v++)
        if (g->nodes[v].type == CRISK_NODE_FUNCTION) {
            g->nodes[v].criticality = rng_below(r, 160) / 4.0;
            g->nodes[v].rto_hours = rng_chance(r, 10) ? NAN : (double)rng_below(r, 100);
        }
}

static int distinct_function_values(const ref_model *g)
{
    int most = 0;
    for (int pass = 0; pass < 2; pass++) {
        int k = 0;
        for (int v = 0; v < g->n; v++) {
            if (g->nodes[v].type != CRISK_NODE_FUNCTION)
                continue;
            double x = pass ? g->nodes[v].rto_hours : g->nodes[v].criticality;
            int seen_before = 0;
            for (int u = 0; u < v && !seen_before; u++)
                seen_before = g->nodes[u].type == CRISK_NODE_FUNCTION
                           && (pass ? g->nodes[u].rto_hours : g->nodes[u].criticality) == x;
            k += !seen_before;
        }
        most = k > most ? k : most;
    }
    return most;
}

static void make_large(rng *r, ref_model *g)
{
    gen_params p;
    /* One in five: wide k-of-n groups instead of a layered chain. */
    if (rng_chance(r, 20)) {
        generate_wide(r, g, 60 + rng_below(r, 200));
        return;
    }
    large_params(r, &p);
    generate(r, g, &p);
    if (rng_chance(r, 35))
        spread_values(r, g);
}

static void make_huge(rng *r, ref_model *g)
{
    gen_params p;
    if (rng_chance(r, 34)) {
        generate_wide(r, g, 300 + rng_below(r, 400));
        return;
    }
    large_params(r, &p);
    p.n = 1000 + rng_below(r, 501);
    p.wide_pct = 0;
    generate(r, g, &p);
    if (rng_chance(r, 50))
        spread_values(r, g);
}

/* Add edge from -> to in group `label` (need `need`) unless it exists. */
static void add_new_edge(ref_model *g, int from, int to, const char *label, int need)
{
    if (from != to && !has_edge(g, from, to, label))
        ref_add_edge(g, from, to, label, need);
}

/* Long dependency chains: the analysis lets a node with one dependant
 * inherit that dependant's results instead of sweeping it (analysis.c,
 * "Chains").  Nodes in a random order, each depending on the next; a link
 * is a plain edge, or sits in an OR, all-of-n or k-of-n group with side
 * providers (a group of the dependant that the link alone defeats, or
 * not); chains break at random; functions sit inside the chains; a few
 * random edges give nodes a second dependant or close a cycle. */
static void chain_inventory(rng *r, ref_model *g, int n, int function_pct, int breaks,
                            int max_extra, int side_pool)
{
    gen_params p;
    memset(&p, 0, sizeof p);
    p.n = n;
    p.function_pct = function_pct;
    int *layer = malloc(((size_t)p.n + 1) * sizeof *layer);
    ref_model_init(g);
    gen_nodes(r, g, &p, layer);
    free(layer);
    int extra = rng_below(r, 1 + max_extra);
    /* side providers: any node, or only the last side_pool (off the chain) */
    int chained = n - side_pool, sides = side_pool > 0 ? side_pool : n;
    for (int i = 0; i + 1 < chained; i++) {
        if (rng_chance(r, breaks))
            continue;
        int side = n - sides + rng_below(r, sides), side2 = n - sides + rng_below(r, sides);
        switch (rng_below(r, 10)) {
        case 0:   /* OR with a side provider: the link alone defeats nothing */
            add_new_edge(g, i, i + 1, "a", 1);
            add_new_edge(g, i, side, "a", 1);
            break;
        case 1:   /* all of two: the link alone defeats the group */
            add_new_edge(g, i, i + 1, "b", 2);
            add_new_edge(g, i, side, "b", 2);
            break;
        case 2:   /* 2 of 3 */
            add_new_edge(g, i, i + 1, "c", 2);
            add_new_edge(g, i, side, "c", 2);
            add_new_edge(g, i, side2, "c", 2);
            break;
        case 3:   /* a plain edge and the same pair in an OR group */
            add_new_edge(g, i, i + 1, "", 0);
            add_new_edge(g, i, i + 1, "a", 1);
            add_new_edge(g, i, side, "a", 1);
            break;
        default:
            add_new_edge(g, i, i + 1, "", rng_chance(r, 20) ? 1 : 0);
        }
    }
    for (int k = 0; k < extra; k++)
        add_new_edge(g, rng_below(r, n), rng_below(r, n), "", 0);
    /* every member of a group carries the group's need: fix what a skipped
     * duplicate left short (a group of fewer members than its need) */
    for (int e = 0; e < g->m; e++) {
        ref_edge *ed = &g->edges[e];
        if (ed->group[0] == '\0')
            continue;
        int size = 0;
        for (int f = 0; f < g->m; f++)
            size += g->edges[f].from == ed->from && strcmp(g->edges[f].group, ed->group) == 0;
        if (ed->need > size)
            for (int f = 0; f < g->m; f++)
                if (g->edges[f].from == ed->from && strcmp(g->edges[f].group, ed->group) == 0)
                    g->edges[f].need = size;
    }
    shuffle(r, g);
}

static void make_chains(rng *r, ref_model *g)
{
    int n = rng_chance(r, 30) ? 2 + rng_below(r, 60) : 60 + rng_below(r, 541);
    int function_pct = rng_chance(r, 10) ? 0 : 3 + rng_below(r, 30);
    chain_inventory(r, g, n, function_pct, rng_below(r, 15), n / 10,
                    rng_chance(r, 50) ? 0 : 1 + n / 20);
}

/* 5 000 nodes, few functions, chains hundreds long: at most 25 random
 * edges, 1 % of breaks, side providers off the chain. */
static void make_long_chain(rng *r, ref_model *g)
{
    chain_inventory(r, g, 5000, 1 + rng_below(r, 3), rng_below(r, 2), 25, 50);
}

/* Check graphs seed_begin .. seed_end-1; returns the number that failed. */
static int run_range(uint64_t seed_begin, uint64_t seed_end, make_fn make)
{
    int failed_graphs = 0;
    const char *only = getenv("CRISK_REF_SEED");
    for (uint64_t seed = seed_begin; seed < seed_end; seed++) {
        if (only && strtoull(only, NULL, 10) != seed)
            continue;
        rng r = { seed * 0x2545f4914f6cdd1dull + 1 };
        ref_model g;
        make(&r, &g);
        seen.graphs++;
        seen.big_graphs += g.n > 64;
        seen.many_values += distinct_function_values(&g) > 32;
        checker c = { NULL, NULL, "", 0 };
        int bad = check_model(&c, &g, seed, seed % 4 == 0) != 0;
        coverage saved = seen;   /* reporting and shrinking do not count */
        if (bad && failed_graphs++ < 3) {
            /* Report the first few failing graphs in full, then a shrunk one. */
            checker loud = { stderr, NULL, "", 0 };
            fprintf(stderr, "\n=== reference mismatch: seed %llu, %d nodes, %d edges\n",
                    (unsigned long long)seed, g.n, g.m);
            ref_model_print_csv(&g, stderr);
            check_model(&loud, &g, seed, 0);
            fprintf(stderr, "  (%d mismatches)\n", c.mismatches);
            shrink(&g, seed, c.first);
            fprintf(stderr, "=== shrunk reproducer for [%s], seed %llu:\n", c.first,
                    (unsigned long long)seed);
            ref_model_print_csv(&g, stderr);
            checker small = { stderr, NULL, "", 0 };
            check_model(&small, &g, seed, 0);
        }
        seen = saved;
        ref_model_release(&g);
    }
    return failed_graphs;
}

static void log_coverage(void)
{
    cr_log_info("compared %ld graphs (%ld over 64 nodes, %ld with over 32 distinct function "
                "criticalities or rtos), %ld nodes (%ld spofs), %ld spof entries, "
                "%ld false-redundancy findings (%ld by the group's owner; up to %ld failed members; "
                "groups up to %ld), "
                "%ld shared entries, %ld minimal pairs of %ld functions "
                "(up to %ld dependencies), "
                "%ld cascades failing %ld nodes, breaches > 0 on %ld nodes and unknown on %ld, "
                "%ld downtimes (%ld node durations positive, %ld uncertain), "
                "%ld scenarios (%ld functions down, %ld of them unjudged)",
                seen.graphs, seen.big_graphs, seen.many_values, seen.nodes, seen.spof_nodes, seen.spof_entries,
                seen.fr_findings, seen.fr_by_owner, seen.fr_max_failed, seen.max_group, seen.shared_entries, seen.pair_entries, seen.pair_functions,
                seen.pair_max_dependencies, seen.cascades,
                seen.cascade_failed, seen.known_breaches, seen.unknown_breaches, seen.downtimes,
                seen.downtime_positive, seen.downtime_uncertain, seen.scenarios,
                seen.scenario_functions, seen.scenario_uncertain);
}

static void check_range(uint64_t begin, uint64_t end, make_fn make)
{
    int failed = run_range(begin, end, make);
    log_coverage();
    cr_assert_eq(failed, 0, "%d of %llu graphs (seeds %llu..%llu) disagree with the reference "
                 "(details on stderr)", failed, (unsigned long long)(end - begin),
                 (unsigned long long)begin, (unsigned long long)(end - 1));
}

TestSuite(reference, .timeout = 600);

Test(reference, engine_matches_brute_force_on_random_inventories_of_1_to_40_nodes_seeds_0_to_599)
{
    check_range(0, 600, make_small);
    cr_assert(getenv("CRISK_REF_SEED") || (seen.known_breaches > 0 && seen.unknown_breaches > 0),
              "breaches compared on %ld nodes with some and %ld unknown", seen.known_breaches,
              seen.unknown_breaches);
    cr_assert(getenv("CRISK_REF_SEED") || (seen.downtime_uncertain > 1000
                                           && seen.downtime_positive > 1000),
              "downtimes barely exercised: %ld positive, %ld uncertain", seen.downtime_positive,
              seen.downtime_uncertain);
    cr_assert(getenv("CRISK_REF_SEED") || (seen.scenarios > 20000 && seen.scenario_uncertain > 1000),
              "scenarios barely exercised: %ld scenarios, %ld functions unjudged", seen.scenarios,
              seen.scenario_uncertain);
}

Test(reference, engine_matches_brute_force_on_random_inventories_of_1_to_40_nodes_seeds_600_to_1199)
{
    check_range(600, 1200, make_small);
}

Test(reference, engine_matches_brute_force_on_random_inventories_of_1_to_40_nodes_seeds_1200_to_1799)
{
    check_range(1200, 1800, make_small);
}

Test(reference, engine_matches_brute_force_on_random_inventories_of_63_to_300_nodes_first_half)
{
    check_range(100000, 100000 + LARGE_PER_TEST, make_large);
    cr_assert(getenv("CRISK_REF_SEED") || seen.big_graphs >= LARGE_PER_TEST * 8 / 10,
              "only %ld graphs exceed 64 nodes", seen.big_graphs);
}

Test(reference, engine_matches_brute_force_on_random_inventories_of_63_to_300_nodes_second_half)
{
    check_range(100000 + LARGE_PER_TEST, 100000 + 2 * LARGE_PER_TEST, make_large);
    cr_assert(getenv("CRISK_REF_SEED") || seen.big_graphs >= LARGE_PER_TEST * 8 / 10,
              "only %ld graphs exceed 64 nodes", seen.big_graphs);
}

Test(reference, engine_matches_brute_force_on_random_inventories_of_1000_to_1500_nodes)
{
    check_range(200000, 200000 + HUGE_GRAPHS, make_huge);
    cr_assert(getenv("CRISK_REF_SEED") || seen.many_values >= 1,
              "no graph has over 32 distinct function criticalities or rtos");
}

Test(reference, engine_matches_brute_force_on_random_inventories_of_long_chains)
{
    check_range(300000, 300000 + CHAIN_GRAPHS, make_chains);
}

Test(reference, engine_matches_brute_force_on_a_chained_inventory_of_5000_nodes)
{
    check_range(310000, 310001, make_long_chain);
}

/* The generator must really produce the features the comparison is meant to
 * cover; otherwise the tests above could pass vacuously. */
Test(reference, random_inventories_cover_cycles_k_of_n_shared_members_and_unreachable_nodes)
{
    int cycles = 0, k_of_n = 0, two_groups = 0, fn_on_fn = 0, unreachable = 0, no_function = 0;
    int false_redundancy = 0, spof = 0, pairs_graphs = 0;
    for (uint64_t seed = 0; seed < 1800; seed++) {
        rng r = { seed * 0x2545f4914f6cdd1dull + 1 };
        ref_model g;
        ref_analysis ra;
        make_small(&r, &g);
        ref_analyse(&ra, &g);
        int cyc = 0, kn = 0, two = 0, ff = 0, unr = 0, sp = 0;
        for (int v = 0; v < g.n; v++) {
            unr |= ra.metrics[v].tier < 0;
            sp |= ra.metrics[v].spof;
        }
        for (int e = 0; e < g.m; e++) {
            const ref_edge *ed = &g.edges[e];
            cyc |= ra.reaches[(size_t)ed->to * g.n + ed->from];
            kn |= ed->need > 1;
            ff |= g.nodes[ed->from].type == CRISK_NODE_FUNCTION && g.nodes[ed->to].type == CRISK_NODE_FUNCTION;
            for (int f = e + 1; f < g.m; f++)
                two |= g.edges[f].from == ed->from && g.edges[f].to == ed->to;
        }
        cycles += cyc;
        k_of_n += kn;
        two_groups += two;
        fn_on_fn += ff;
        unreachable += unr;
        no_function += ra.function_count == 0;
        false_redundancy += ra.fr_count > 0;
        spof += sp;
        pairs_graphs += g.n <= PAIRS_MAX_NODES && ra.function_count > 0;
        ref_analysis_release(&ra);
        ref_model_release(&g);
    }
    cr_log_info("of 1800: cycles %d, k-of-n %d, pair in two groups %d, function on function %d, "
                "unreachable %d, no function %d, false redundancy %d, spof %d, with functions %d",
                cycles, k_of_n, two_groups, fn_on_fn, unreachable, no_function, false_redundancy,
                spof, pairs_graphs);
    cr_expect_gt(cycles, 300);
    cr_expect_gt(k_of_n, 300);
    cr_expect_gt(two_groups, 150);
    cr_expect_gt(fn_on_fn, 150);
    cr_expect_gt(unreachable, 300);
    cr_expect_gt(no_function, 30);
    cr_expect_gt(false_redundancy, 150);
    cr_expect_gt(spof, 450);
    cr_expect_gt(pairs_graphs, 450);
}

/* ---- check's pair scan --------------------------------------------------- */

/* A policy of one no_spof and one no_breach rule over every function. */
static const char pair_rules[] = "{\"rules\": [{\"rule\": \"no_spof\", \"min_criticality\": 0},\n"
                                 " {\"rule\": \"no_breach\", \"min_criticality\": 0}]}\n";

/* Rules in a narrower scope: the pairs of functions below a criticality
 * are not offered at all, a SPOF's substitutability filters, and a rule
 * that reads no pair sits between them. */
static const char scoped_rules[] =
    "{\"rules\": [{\"rule\": \"no_spof\", \"min_criticality\": 3,\n"
    "   \"substitutability\": [\"hard\", \"none\"]},\n"
    " {\"rule\": \"max_impact_share\", \"max\": 0.9},\n"
    " {\"rule\": \"no_breach\", \"min_criticality\": 4},\n"
    " {\"rule\": \"no_spof\", \"min_criticality\": 5}]}\n";

/* The policy `text`, written once to a temporary file and read. */
static crisk_policy *pair_policy(const char *text)
{
    char path[] = "/tmp/crisk-pair-policy-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    crisk_policy *p = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_policy_load(&p, path, &diags, &err), CRISK_OK, "%s", err.message);
    crisk_diagnostics_release(&diags);
    unlink(path);
    return p;
}

/* The reference's counts for that policy: SPOF pairs (f, p); breaches
 * (rto < recovery, both given); unknown findings (no recovery_hours, or
 * one per function without rto_hours that something takes down). */
static void reference_pair_counts(const ref_model *g, size_t *spofs, size_t *breaches,
                                  size_t *unknown)
{
    ref_analysis ra;
    ref_analyse(&ra, g);
    *spofs = *breaches = *unknown = 0;
    for (int f = 0; f < g->n; f++) {
        if (g->nodes[f].type != CRISK_NODE_FUNCTION)
            continue;
        size_t down = 0;
        for (int p = 0; p < g->n; p++) {
            if (p == f || !ra.single[(size_t)p * (size_t)g->n + (size_t)f])
                continue;
            down++;
            double rto = g->nodes[f].rto_hours, rec = g->nodes[p].recovery_hours;
            if (!isnan(rto) && isnan(rec))
                (*unknown)++;
            else if (rto < rec)   /* false when either is NaN */
                (*breaches)++;
        }
        *spofs += down;
        *unknown += isnan(g->nodes[f].rto_hours) && down > 0;
    }
    ref_analysis_release(&ra);
}

/* The ways a check gets its pairs: its own scan of an analysis run
 * without the policy (on 1 and 3 threads), or the analysis' sweeps when
 * it ran with crisk_analysis_options.policy (1 and 3 threads, counting
 * the SPOFs; and 2 threads listing them, keep_spofs). */
enum { PAIR_WAYS = 5 };

static crisk_check *check_one_way(const crisk_inventory *inv, const crisk_policy *policy,
                                  int way, crisk_analysis **a)
{
    static const unsigned threads[PAIR_WAYS] = { 1, 3, 1, 3, 2 };
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    ao.keep_spofs = way == 4;
    ao.policy = way >= 2 ? policy : NULL;
    ao.threads = way >= 2 ? threads[way] : 1;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(a, inv, &ao, &err), CRISK_OK, "%s", err.message);
    crisk_check_options co = CRISK_CHECK_OPTIONS_INIT;
    co.threads = threads[way];
    crisk_check *c = NULL;
    cr_assert_eq(crisk_check_run(&c, policy, *a, &co, &err), CRISK_OK, "%s", err.message);
    return c;
}

/* Checks `g` against `policy` every way: the counts are the same every
 * way and, when `exact` (pair_policy), the reference's; the findings kept
 * are the same.  Returns the number of mismatches. */
static int check_pair_ways(const ref_model *g, const crisk_policy *policy, int exact,
                           uint64_t seed)
{
    crisk_inventory *inv = NULL;
    char why[256];
    cr_assert_eq(ref_model_build(g, &inv, why, sizeof why), 0, "seed %llu: %s",
                 (unsigned long long)seed, why);
    size_t spofs = 0, breaches = 0, unknown = 0;
    if (exact)
        reference_pair_counts(g, &spofs, &breaches, &unknown);
    crisk_check *c[PAIR_WAYS];
    crisk_analysis *a[PAIR_WAYS];
    int bad = 0;
    size_t n_rules, n_first, n0;
    const crisk_rule_result *first = NULL;
    const crisk_violation *v0 = NULL;
    for (int t = 0; t < PAIR_WAYS; t++) {
        c[t] = check_one_way(inv, policy, t, &a[t]);
        const crisk_rule_result *r = crisk_check_rules(c[t], &n_rules);
        if (t == 0) {
            first = r;
            n_first = n_rules;
            v0 = crisk_check_violations(c[0], &n0);
        }
        cr_assert_eq(n_rules, n_first);
        for (size_t i = 0; i < n_rules; i++) {
            int differ = r[i].violations != first[i].violations || r[i].unknown != first[i].unknown;
            bad += differ;
            cr_expect(!differ, "seed %llu, way %d, rule %zu: %zu and %zu unknown, not %zu and %zu",
                      (unsigned long long)seed, t, i, r[i].violations, r[i].unknown,
                      first[i].violations, first[i].unknown);
        }
        if (exact) {
            bad += r[0].violations != spofs || r[1].violations != breaches
                || r[1].unknown != unknown;
            cr_expect_eq(r[0].violations, spofs, "seed %llu way %d: no_spof",
                         (unsigned long long)seed, t);
            cr_expect_eq(r[1].violations, breaches, "seed %llu way %d: no_breach",
                         (unsigned long long)seed, t);
            cr_expect_eq(r[1].unknown, unknown, "seed %llu way %d: no_breach unknown",
                         (unsigned long long)seed, t);
        }
        size_t n;
        const crisk_violation *v = crisk_check_violations(c[t], &n);
        bad += n != n0;
        cr_expect_eq(n, n0, "seed %llu: findings kept, way %d", (unsigned long long)seed, t);
        for (size_t i = 0; i < n0 && i < n; i++) {
            bad += strcmp(v[i].message, v0[i].message) != 0;
            cr_expect_str_eq(v[i].message, v0[i].message, "seed %llu, way %d",
                             (unsigned long long)seed, t);
        }
    }
    for (int t = 0; t < PAIR_WAYS; t++) {
        crisk_check_free(c[t]);
        crisk_analysis_free(a[t]);
    }
    crisk_inventory_free(inv);
    return bad;
}

/* check's no_spof and no_breach either fail the nodes that take a function
 * down again (pair_scan.c), deriving a chain's members from its top, or
 * read the analysis' own sweeps and chains (crisk_analysis_options.policy),
 * on one thread or several: their counts equal the reference's, and the
 * findings kept are the same every way, on small random inventories,
 * graphs of long chains, graphs of 1 000 to 1 500 nodes and the 5 000-node
 * chained inventory; so are a narrower policy's. */
Test(reference, check_counts_spofs_and_breaches_as_the_reference_on_random_inventories)
{
    crisk_policy *policy = pair_policy(pair_rules), *scoped = pair_policy(scoped_rules);
    int bad = 0;
    for (uint64_t seed = 0; seed < 300 + CHAIN_GRAPHS + HUGE_GRAPHS + 1; seed++) {
        rng r = { seed * 0x2545f4914f6cdd1dull + 1 };
        ref_model g;
        if (seed < 300)
            make_small(&r, &g);
        else if (seed < 300 + CHAIN_GRAPHS)
            make_chains(&r, &g);
        else if (seed < 300 + CHAIN_GRAPHS + HUGE_GRAPHS)
            make_huge(&r, &g);   /* several batches: the threads share them */
        else
            make_long_chain(&r, &g);
        bad += check_pair_ways(&g, policy, 1, seed) != 0;
        bad += check_pair_ways(&g, scoped, 0, seed) != 0;
        ref_model_release(&g);
    }
    cr_expect_eq(bad, 0);
    crisk_policy_free(policy);
    crisk_policy_free(scoped);
}
