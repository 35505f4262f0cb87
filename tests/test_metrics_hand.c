/*
 * test_metrics_hand.c - DESIGN §4/§5 on small graphs worked out by hand.
 *
 * Every expected number is derived in the comment above its graph, from the
 * definitions, not from running anything.  Each table row is checked against
 * the engine (crisk_analysis_*) and against the brute-force reference of
 * tests/support/reference.c, so a wrong hand derivation, a wrong reference
 * and a wrong engine cannot all agree by accident.
 *
 * Notation: "f -> a" is an edge "f depends on a"; "f -g-> a" puts it in group
 * g; "[g need k]" gives the group's need.  Functions are named f*, criticality
 * 1 unless stated.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "reference.h"

/* ---- a graph, its inventory, the engine's and the reference's analyses --- */

typedef struct hand {
    ref_model g;
    crisk_inventory *inv;
    crisk_analysis *an;
    ref_analysis ra;
} hand;

static int node(hand *h, const char *id, crisk_node_type type)
{
    return ref_add_node(&h->g, id, type);
}

static int fn(hand *h, const char *id, double criticality)
{
    int v = ref_add_node(&h->g, id, CRISK_NODE_FUNCTION);
    h->g.nodes[v].criticality = criticality;
    return v;
}

static int sup(hand *h, const char *id)
{
    return node(h, id, CRISK_NODE_SUPPLIER);
}

static int idx(const hand *h, const char *id)
{
    for (int v = 0; v < h->g.n; v++)
        if (strcmp(h->g.nodes[v].id, id) == 0)
            return v;
    cr_assert_fail("no node '%s' in the test graph", id);
    return -1;
}

static void edge(hand *h, const char *from, const char *to, const char *group, int need)
{
    ref_add_edge(&h->g, idx(h, from), idx(h, to), group, need);
}

static void dep(hand *h, const char *from, const char *to)
{
    edge(h, from, to, NULL, 0);
}

static void analyse(hand *h)
{
    char why[600];
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    cr_assert_eq(ref_model_build(&h->g, &h->inv, why, sizeof why), CRISK_OK, "build: %s", why);
    cr_assert_eq(crisk_analysis_run(&h->an, h->inv, &opts, &err), CRISK_OK, "analysis: %s", err.message);
    ref_analyse(&h->ra, &h->g);
}

static void release(hand *h)
{
    crisk_analysis_free(h->an);
    crisk_inventory_free(h->inv);
    ref_analysis_release(&h->ra);
    ref_model_release(&h->g);
}

/* One node's expected metrics.  spof is impact >= 1; impact_share is
 * weight / total, with total given per graph. */
typedef struct expect {
    const char *id;
    long tier;
    size_t direct, dependants, functions;
    double exposure;
    size_t impact;
    double weight;
    long breaches;      /* -1: unknown, the node has no recovery_hours */
    size_t tier1;
} expect;

#define EXPECT_BOTH(field, want, fmt)                                                        \
    do {                                                                                     \
        cr_expect(em->field == (want), "%s: engine " #field " " fmt ", expected " fmt,       \
                  row->id, em->field, (want));                                               \
        cr_expect(rm->field == (want), "%s: reference " #field " " fmt ", expected " fmt,    \
                  row->id, rm->field, (want));                                               \
    } while (0)

static void expect_row(const hand *h, const expect *row, double total)
{
    int v = idx(h, row->id);
    const crisk_node_metrics *em = crisk_analysis_metrics(h->an, (size_t)v);
    const ref_metrics *rm = &h->ra.metrics[v];
    double share = total > 0 ? row->weight / total : 0.0;
    EXPECT_BOTH(tier, row->tier, "%ld");
    EXPECT_BOTH(direct_dependants, row->direct, "%zu");
    EXPECT_BOTH(dependants, row->dependants, "%zu");
    EXPECT_BOTH(functions, row->functions, "%zu");
    EXPECT_BOTH(exposure, row->exposure, "%g");
    EXPECT_BOTH(impact, row->impact, "%zu");
    EXPECT_BOTH(impact_weight, row->weight, "%g");
    EXPECT_BOTH(spof, (int)(row->impact >= 1), "%d");
    EXPECT_BOTH(breaches, row->breaches, "%ld");
    EXPECT_BOTH(tier1_dependants, row->tier1, "%zu");
    cr_expect(fabs(em->impact_share - share) < 1e-12, "%s: engine impact_share %g, expected %g",
              row->id, em->impact_share, share);
    cr_expect(fabs(rm->impact_share - share) < 1e-12, "%s: reference impact_share %g, expected %g",
              row->id, rm->impact_share, share);
}

/* Check a row for every node of the graph (and that no node was forgotten). */
static void expect_all(const hand *h, const expect *rows, size_t count, double total)
{
    cr_assert_eq(count, (size_t)h->g.n, "the table must cover all %d nodes", h->g.n);
    cr_expect_eq(crisk_analysis_total_criticality(h->an), total);
    for (size_t i = 0; i < count; i++)
        expect_row(h, &rows[i], total);
}

/* Ids of a list of node indices, comma-separated, for messages. */
static const char *join_ids(const hand *h, const uint32_t *v, size_t count, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && len + 1 < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
                                v[i] < (uint32_t)h->g.n ? h->g.nodes[v[i]].id : "?");
    return buf;
}

static void expect_ids(const hand *h, const char *what, const uint32_t *got, size_t count,
                       const char *want)
{
    char buf[512];
    join_ids(h, got, count, buf, sizeof buf);
    cr_expect_str_eq(buf, want, "%s: engine [%s], expected [%s]", what, buf, want);
}

static void expect_spofs(const hand *h, const char *function, const char *want)
{
    size_t count = 0;
    const uint32_t *got = crisk_analysis_spofs(h->an, (size_t)idx(h, function), &count);
    expect_ids(h, "spofs", got, count, want);
    int ref[64];
    size_t ref_count = ref_spofs(&h->ra, &h->g, idx(h, function), ref);
    uint32_t tmp[64];
    for (size_t i = 0; i < ref_count; i++)
        tmp[i] = (uint32_t)ref[i];
    expect_ids(h, "reference spofs", tmp, ref_count, want);
}

/* want: "a+b,c+d" - pairs in order. */
static void expect_pairs(const hand *h, const char *function, const char *want)
{
    uint32_t *got = NULL;
    size_t count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    char buf[512] = "";
    size_t len = 0;
    cr_assert_eq(crisk_analysis_spof_pairs(h->an, (size_t)idx(h, function), &got, &count, &err), CRISK_OK);
    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s+%s", i ? "," : "",
                                h->g.nodes[got[2 * i]].id, h->g.nodes[got[2 * i + 1]].id);
    cr_expect_str_eq(buf, want, "pairs of %s: engine [%s], expected [%s]", function, buf, want);
    free(got);

    int *ref = NULL;
    size_t ref_count = ref_spof_pairs(&h->ra, &h->g, idx(h, function), &ref);
    len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ref_count; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s+%s", i ? "," : "",
                                h->g.nodes[ref[2 * i]].id, h->g.nodes[ref[2 * i + 1]].id);
    cr_expect_str_eq(buf, want, "pairs of %s: reference [%s], expected [%s]", function, buf, want);
    free(ref);
}

static void expect_shared(const hand *h, size_t min, const char *want)
{
    uint32_t *got = NULL;
    size_t count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_shared(h->an, min, &got, &count, &err), CRISK_OK);
    expect_ids(h, "shared", got, count, want);
    free(got);
}

/* want: "owner/group/shared/failed;..." in the documented order. */
static void expect_false_redundancy(const hand *h, const char *want)
{
    size_t count = 0;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(h->an, &count);
    char buf[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s/%s/%s/%zu", i ? ";" : "",
                                h->g.nodes[fr[i].dependant].id,
                                crisk_inventory_group_name(h->inv, fr[i].group),
                                h->g.nodes[fr[i].shared].id, fr[i].failed_members);
    cr_expect_str_eq(buf, want, "false redundancy: engine [%s], expected [%s]", buf, want);
    len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < h->ra.fr_count; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s/%s/%s/%d", i ? ";" : "",
                                h->g.nodes[h->ra.fr[i].owner].id,
                                h->ra.groups.items[h->ra.fr[i].group].label,
                                h->g.nodes[h->ra.fr[i].shared].id, h->ra.fr[i].failed_members);
    cr_expect_str_eq(buf, want, "false redundancy: reference [%s], expected [%s]", buf, want);
}

/* The inventory group of `owner` with that label holding `member`. */
static size_t group_of(const hand *h, const char *owner, const char *member, const char *label)
{
    size_t o = (size_t)idx(h, owner), m = (size_t)idx(h, member);
    for (size_t g = 0; g < crisk_inventory_group_count(h->inv); g++) {
        if (crisk_inventory_group_owner(h->inv, g) != o ||
            strcmp(crisk_inventory_group_name(h->inv, g), label ? label : "") != 0)
            continue;
        for (size_t i = 0; i < crisk_inventory_group_size(h->inv, g); i++)
            if (crisk_inventory_group_member(h->inv, g, i) == m)
                return g;
    }
    cr_assert_fail("no group %s -[%s]-> %s", owner, label ? label : "", member);
    return 0;
}

static crisk_cascade *cascade(const hand *h, const char *const *ids, size_t n)
{
    size_t initial[16];
    crisk_cascade *c = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    for (size_t i = 0; i < n; i++)
        initial[i] = (size_t)idx(h, ids[i]);
    cr_assert_eq(crisk_cascade_run(&c, h->inv, initial, n, &err), CRISK_OK, "%s", err.message);
    return c;
}

static void expect_failed(const hand *h, const crisk_cascade *c, const char *want)
{
    uint32_t failed[64];
    size_t count = 0;
    for (int v = 0; v < h->g.n; v++)
        if (crisk_cascade_is_failed(c, (size_t)v))
            failed[count++] = (uint32_t)v;
    expect_ids(h, "failed", failed, count, want);
    cr_expect_eq(crisk_cascade_failed_count(c), count);
}

/* ---- the graphs ------------------------------------------------------------ */

/*
 * Chain: f(criticality 2) -> a -> b -> c.
 *   tier: f 0, a 1, b 2, c 3 (edges from f).
 *   direct dependants: a {f}, b {a}, c {b}: 1 each; f 0.
 *   dependants: a {f} 1, b {a,f} 2, c {b,a,f} 3; functions 1 each, exposure 2.
 *   impact: failing a, b or c fails f (plain AND): 1, weight 2, share 2/2 = 1.
 *   tier1 dependants: a is the only tier-1 node; b and c have it: 1; a 0.
 *   spofs(f): a, b, c.  ranking: a, b, c (weight 2, exposure 2, id), then f.
 *   shared (min 2): none - each of b, c has one tier-1 dependant; min 1: b, c.
 */
Test(metrics_hand, chain_fails_the_function_from_every_link)
{
    hand h = { 0 };
    fn(&h, "f", 2);
    sup(&h, "a");
    sup(&h, "b");
    sup(&h, "c");
    dep(&h, "f", "a");
    dep(&h, "a", "b");
    dep(&h, "b", "c");
    analyse(&h);
    const expect rows[] = {
        /* id  tier dir dep fns exp imp wgt br t1 */
        { "f", 0,   0,  0,  0,  0,  0,  0,  -1, 0 },
        { "a", 1,   1,  1,  1,  2,  1,  2,  -1, 0 },
        { "b", 2,   1,  2,  1,  2,  1,  2,  -1, 1 },
        { "c", 3,   1,  3,  1,  2,  1,  2,  -1, 1 },
    };
    expect_all(&h, rows, 4, 2);
    expect_spofs(&h, "f", "a,b,c");
    expect_ids(&h, "ranking", crisk_analysis_ranking(h.an), 4, "a,b,c,f");
    expect_shared(&h, 2, "");
    expect_shared(&h, 1, "b,c");
    expect_pairs(&h, "f", "");
    release(&h);
}

/*
 * Diamond: f -> a, f -> b, a -> c, b -> c (all plain, so AND).
 *   tier: f 0, a 1, b 1, c 2.
 *   direct: a {f} 1, b {f} 1, c {a,b} 2.
 *   dependants: a 1, b 1, c {a,b,f} 3; functions 1 each; exposure 1.
 *   impact: each of a, b, c fails f: 1, weight 1.
 *   tier1: c has a and b: 2; a, b: 0 (only themselves).
 *   spofs(f): a, b, c.  shared (min 2): c.  pairs: none (all are SPOFs).
 */
Test(metrics_hand, diamond_counts_the_shared_bottom_once)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "a");
    sup(&h, "b");
    sup(&h, "c");
    dep(&h, "f", "a");
    dep(&h, "f", "b");
    dep(&h, "a", "c");
    dep(&h, "b", "c");
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "a", 1, 1, 1, 1, 1, 1, 1, -1, 0 },
        { "b", 1, 1, 1, 1, 1, 1, 1, -1, 0 },
        { "c", 2, 2, 3, 1, 1, 1, 1, -1, 2 },
    };
    expect_all(&h, rows, 4, 1);
    expect_spofs(&h, "f", "a,b,c");
    expect_shared(&h, 2, "c");
    expect_pairs(&h, "f", "");
    expect_false_redundancy(&h, "");
    release(&h);
}

/*
 * OR pair: f -g-> a, f -g-> b [g need 1].
 *   tier: a 1, b 1.  direct, dependants, functions: 1 each; exposure 1.
 *   impact: a fails, b still works: f stays up - 0 for both; no SPOF.
 *   pairs(f): {a, b}.  false redundancy: nothing outside {a,b} fails a
 *   member (f itself fails neither).
 */
Test(metrics_hand, or_pair_survives_either_member_but_not_both)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "a");
    sup(&h, "b");
    edge(&h, "f", "a", "g", 0);
    edge(&h, "f", "b", "g", 0);
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "a", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "b", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
    };
    expect_all(&h, rows, 3, 1);
    expect_spofs(&h, "f", "");
    expect_pairs(&h, "f", "a+b");
    expect_false_redundancy(&h, "");

    const char *both[] = { "a", "b" }, *one[] = { "a" };
    crisk_cascade *c = cascade(&h, one, 1);
    expect_failed(&h, c, "a");
    crisk_cascade_free(c);
    c = cascade(&h, both, 2);
    expect_failed(&h, c, "f,a,b");   /* input order: f, a, b */
    crisk_cascade_free(c);
    release(&h);
}

/*
 * OR pair sharing a dependency: f -g-> a, f -g-> b [need 1], a -> s, b -> s.
 *   tier: a 1, b 1, s 2.  direct: s {a,b} 2.  dependants: s {a,b,f} 3.
 *   impact: a 0, b 0 (the other works); s fails a and b, so group g has 0
 *   working < 1 and f fails: impact 1, weight 1.
 *   tier1: s {a,b} 2.  spofs(f): s.  shared (min 2): s.
 *   false redundancy: group f/g (2 members, need 1, so n - need = 1); s fails
 *   2 > 1 members: "f/g/s/2"; f fails no member.
 *   pairs(f): the non-SPOFs are a, b; {a,b} fails g: "a+b".
 */
Test(metrics_hand, or_pair_with_a_common_dependency_is_false_redundancy)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "a");
    sup(&h, "b");
    sup(&h, "s");
    edge(&h, "f", "a", "g", 1);
    edge(&h, "f", "b", "g", 1);
    dep(&h, "a", "s");
    dep(&h, "b", "s");
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "a", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "b", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "s", 2, 2, 3, 1, 1, 1, 1, -1, 2 },
    };
    expect_all(&h, rows, 4, 1);
    expect_spofs(&h, "f", "s");
    expect_shared(&h, 2, "s");
    expect_false_redundancy(&h, "f/g/s/2");
    expect_pairs(&h, "f", "a+b");
    release(&h);
}

/*
 * 2-of-3: f -g-> a, b, c [g need 2]; b -> x, c -> x; a -> y.
 *   One member down leaves 2 working >= 2: f up.  Two down leave 1 < 2: f fails.
 *   tier: a, b, c 1; x, y 2.  direct: x {b,c} 2, y {a} 1.
 *   dependants: x {b,c,f} 3, y {a,f} 2; functions 1 each; exposure 1.
 *   impact: a, b, c 0; x fails b and c: f fails, 1; y fails only a: 0.
 *   tier1: x {b,c} 2, y {a} 1.  spofs(f): x.  shared (min 2): x.
 *   false redundancy (n - need = 1): x fails 2 > 1: "f/g/x/2"; y fails 1: no.
 *   pairs(f): non-SPOFs a, b, c, y; failing pairs {a,b} {a,c} {b,c} (two
 *   members) and {b,y} {c,y} (y takes a); {a,y} fails only a.
 */
Test(metrics_hand, two_of_three_group_needs_two_failures_and_is_defeated_by_a_node_two_members_share)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "a");
    sup(&h, "b");
    sup(&h, "c");
    sup(&h, "x");
    sup(&h, "y");
    edge(&h, "f", "a", "g", 2);
    edge(&h, "f", "b", "g", 2);
    edge(&h, "f", "c", "g", 2);
    dep(&h, "b", "x");
    dep(&h, "c", "x");
    dep(&h, "a", "y");
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "a", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "b", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "c", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "x", 2, 2, 3, 1, 1, 1, 1, -1, 2 },
        { "y", 2, 1, 2, 1, 1, 0, 0, -1, 1 },
    };
    expect_all(&h, rows, 6, 1);
    expect_spofs(&h, "f", "x");
    expect_shared(&h, 2, "x");
    expect_false_redundancy(&h, "f/g/x/2");
    expect_pairs(&h, "f", "a+b,a+c,b+c,b+y,c+y");

    const char *one[] = { "b" }, *two[] = { "a", "c" };
    crisk_cascade *c = cascade(&h, one, 1);
    expect_failed(&h, c, "b");
    crisk_cascade_free(c);
    c = cascade(&h, two, 2);
    expect_failed(&h, c, "f,a,c");
    crisk_cascade_free(c);
    release(&h);
}

/*
 * 2-node cycle fed from outside: f -> p, p -> q, q -> p, p -> s.
 *   tier: f 0, p 1, q 2, s 2.
 *   direct: p {f,q} 2, q {p} 1, s {p} 1.
 *   dependants: p {f,q} 2 (on a cycle, q counts), q {p,f} 2, s {p,q,f} 3;
 *   functions 1 each, exposure 1.
 *   impact: p fails q and f; q fails p, hence f; s fails p, q, f: 1 each.
 *   tier1: p 0 (only itself), q {p} 1, s {p} 1.  spofs(f): p, q, s.
 *   Cascade from {}: nothing fails (the cycle does not fail itself).
 *   Cascade from {s}: round 0 s; round 1 p (its group {s}); round 2 q (group
 *   {p}) and f (group {p}).
 */
Test(metrics_hand, cycle_fails_together_when_its_feeder_fails_and_stays_up_otherwise)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "p");
    sup(&h, "q");
    sup(&h, "s");
    dep(&h, "f", "p");
    dep(&h, "p", "q");
    dep(&h, "q", "p");
    dep(&h, "p", "s");
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "p", 1, 2, 2, 1, 1, 1, 1, -1, 0 },
        { "q", 2, 1, 2, 1, 1, 1, 1, -1, 1 },
        { "s", 2, 1, 3, 1, 1, 1, 1, -1, 1 },
    };
    expect_all(&h, rows, 4, 1);
    expect_spofs(&h, "f", "p,q,s");

    crisk_cascade *c = cascade(&h, NULL, 0);
    expect_failed(&h, c, "");
    crisk_cascade_free(c);

    const char *feeder[] = { "s" };
    c = cascade(&h, feeder, 1);
    expect_failed(&h, c, "f,p,q,s");
    cr_expect_eq(crisk_cascade_round(c, (size_t)idx(&h, "s")), 0);
    cr_expect_eq(crisk_cascade_round(c, (size_t)idx(&h, "p")), 1);
    cr_expect_eq(crisk_cascade_round(c, (size_t)idx(&h, "q")), 2);
    cr_expect_eq(crisk_cascade_round(c, (size_t)idx(&h, "f")), 2);
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "s")), CRISK_CAUSE_INITIAL);
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "p")), group_of(&h, "p", "s", NULL));
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "q")), group_of(&h, "q", "p", NULL));
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "f")), group_of(&h, "f", "p", NULL));
    crisk_cascade_free(c);
    release(&h);
}

/*
 * Least fixed point: f -> p, p -g-> q, p -g-> s [need 1], q -> p.
 *   If s fails, p still has q; q needs p, which is up: nothing else fails.
 *   (Assuming the cycle down - the greatest fixed point - would fail p and q.)
 *   tier: f 0, p 1, q 2, s 2.  direct: p {f,q} 2, q {p} 1, s {p} 1.
 *   dependants: p {f,q} 2, q {p,f} 2, s {p,q,f} 3; functions 1, exposure 1.
 *   impact: p fails q (plain edge) and f: 1.  q alone: p keeps s: 0.  s: 0.
 *   tier1: p 0, q {p} 1, s {p} 1.  spofs(f): p.
 *   false redundancy: group p/g = {q, s}, n - need = 1; outside it, p (its
 *   owner) fails q only (1, not > 1), f fails nothing: none.
 *   pairs(f): non-SPOFs q, s; together they empty g: "q+s".
 */
Test(metrics_hand, cycle_with_an_alternative_survives_the_loss_of_its_feeder)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "p");
    sup(&h, "q");
    sup(&h, "s");
    dep(&h, "f", "p");
    edge(&h, "p", "q", "g", 1);
    edge(&h, "p", "s", "g", 1);
    dep(&h, "q", "p");
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "p", 1, 2, 2, 1, 1, 1, 1, -1, 0 },
        { "q", 2, 1, 2, 1, 1, 0, 0, -1, 1 },
        { "s", 2, 1, 3, 1, 1, 0, 0, -1, 1 },
    };
    expect_all(&h, rows, 4, 1);
    expect_spofs(&h, "f", "p");
    expect_false_redundancy(&h, "");
    expect_pairs(&h, "f", "q+s");

    const char *feeder[] = { "s" };
    crisk_cascade *c = cascade(&h, feeder, 1);
    expect_failed(&h, c, "s");
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "p")), CRISK_CAUSE_NONE);
    crisk_cascade_free(c);
    release(&h);
}

/*
 * A node in two groups of one dependant: f -g1-> a, f -g1-> x, f -g2-> b,
 * f -g2-> x [need 1 each].
 *   x alone: g1 keeps a, g2 keeps b: f up.  Every impact is 0; no SPOF.
 *   direct dependants of x: {f} - one distinct node for its two edges: 1.
 *   tier: a, b, x 1.  dependants 1, functions 1, exposure 1 each.  tier1 0.
 *   pairs(f): {a,x} empties g1, {b,x} empties g2, {a,b} leaves x in both:
 *   "a+x,b+x".  false redundancy: g1's outsiders b and f fail no member of
 *   it, likewise for g2: none.
 */
Test(metrics_hand, node_in_two_groups_of_one_dependant_counts_once_and_defeats_neither_alone)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "a");
    sup(&h, "b");
    sup(&h, "x");
    edge(&h, "f", "a", "g1", 0);
    edge(&h, "f", "x", "g1", 0);
    edge(&h, "f", "b", "g2", 0);
    edge(&h, "f", "x", "g2", 0);
    analyse(&h);
    const expect rows[] = {
        { "f", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "a", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "b", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
        { "x", 1, 1, 1, 1, 1, 0, 0, -1, 0 },
    };
    expect_all(&h, rows, 4, 1);
    expect_spofs(&h, "f", "");
    expect_pairs(&h, "f", "a+x,b+x");
    expect_false_redundancy(&h, "");
    release(&h);
}

/*
 * Function on a function: f1 (criticality 2) -> f2 (criticality 3) -> a.
 *   tier: f1 0, f2 0 (functions are 0), a 1 (one edge from f2).
 *   direct: f2 {f1} 1, a {f2} 1.
 *   dependants: f1 0; f2 {f1} 1; a {f2,f1} 2.
 *   functions (other than the node): f2 {f1} 1, exposure 2; a {f1,f2} 2,
 *   exposure 5; f1 0.
 *   impact (other functions): f1 0; f2 fails f1: 1, weight 2, share 2/5;
 *   a fails f2 and f1: 2, weight 5, share 1.
 *   tier1: a's dependants f1, f2 are tier 0: 0.
 *   spofs(f1): a, f2.  spofs(f2): a.  ranking: a (5), f2 (2), f1 (0).
 */
Test(metrics_hand, function_depending_on_a_function_excludes_the_node_itself)
{
    hand h = { 0 };
    fn(&h, "f1", 2);
    fn(&h, "f2", 3);
    sup(&h, "a");
    dep(&h, "f1", "f2");
    dep(&h, "f2", "a");
    analyse(&h);
    const expect rows[] = {
        { "f1", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "f2", 0, 1, 1, 1, 2, 1, 2, -1, 0 },
        { "a",  1, 1, 2, 2, 5, 2, 5, -1, 0 },
    };
    expect_all(&h, rows, 3, 5);
    expect_spofs(&h, "f1", "a,f2");
    expect_spofs(&h, "f2", "a");
    expect_ids(&h, "ranking", crisk_analysis_ranking(h.an), 3, "a,f2,f1");
    cr_expect_eq(crisk_analysis_function_count(h.an), 2);
    release(&h);
}

/*
 * Unreachable: f -> a; b -> c (no function reaches b or c).
 *   tier: f 0, a 1, b -1, c -1.
 *   direct: a {f} 1, c {b} 1, b 0.  dependants: a 1, c {b} 1, b 0.
 *   functions: a 1 (exposure 1); c 0 - b is a supplier.
 *   impact: a 1; b, c 0.  tier1: 0 everywhere (b is not tier 1).
 */
Test(metrics_hand, node_no_function_reaches_has_no_tier)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "a");
    sup(&h, "b");
    node(&h, "c", CRISK_NODE_COMPONENT);
    dep(&h, "f", "a");
    dep(&h, "b", "c");
    analyse(&h);
    const expect rows[] = {
        { "f", 0,  0, 0, 0, 0, 0, 0, -1, 0 },
        { "a", 1,  1, 1, 1, 1, 1, 1, -1, 0 },
        { "b", -1, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "c", -1, 1, 1, 0, 0, 0, 0, -1, 0 },
    };
    expect_all(&h, rows, 4, 1);
    expect_shared(&h, 0, "");
    release(&h);
}

/*
 * Breaches: f1 (rto 4, recovery 100), f2 (rto 24), f3 (no rto) all -> p
 * (recovery 8); f1 -> q (no recovery), f1 -> r (recovery 4).
 *   p fails f1, f2, f3: impact 3; breaches: f1 4 < 8 yes, f2 24 < 8 no, f3
 *   no rto: 1.  q fails f1, but has no recovery: unknown (-1), not 0.  r
 *   fails f1, 4 < 4 is false: 0.  f1's own recovery counts for nobody (it
 *   impacts no other function): 0; f2 and f3 have none: unknown.
 *   tier: p, q, r 1.  direct/dependants/functions: p 3, q 1, r 1; exposure
 *   the same.  weight: p 3 (share 1), q 1, r 1 (share 1/3).  tier1 0.
 */
Test(metrics_hand, breaches_count_impacted_functions_whose_rto_is_below_the_recovery_time)
{
    hand h = { 0 };
    int f1 = fn(&h, "f1", 1);
    int f2 = fn(&h, "f2", 1);
    fn(&h, "f3", 1);
    int p = sup(&h, "p");
    sup(&h, "q");
    int r = sup(&h, "r");
    h.g.nodes[f1].rto_hours = 4;
    h.g.nodes[f1].recovery_hours = 100;
    h.g.nodes[f2].rto_hours = 24;
    h.g.nodes[p].recovery_hours = 8;
    h.g.nodes[r].recovery_hours = 4;
    dep(&h, "f1", "p");
    dep(&h, "f2", "p");
    dep(&h, "f3", "p");
    dep(&h, "f1", "q");
    dep(&h, "f1", "r");
    analyse(&h);
    const expect rows[] = {
        { "f1", 0, 0, 0, 0, 0, 0, 0, 0, 0 },
        { "f2", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "f3", 0, 0, 0, 0, 0, 0, 0, -1, 0 },
        { "p",  1, 3, 3, 3, 3, 3, 3, 1, 0 },
        { "q",  1, 1, 1, 1, 1, 1, 1, -1, 0 },
        { "r",  1, 1, 1, 1, 1, 1, 1, 0, 0 },
    };
    expect_all(&h, rows, 6, 3);
    release(&h);
}

/*
 * Shared order: f1 (1) -> t1, t2; f2 (5) -> t3;  t1 -> x, t2 -> x;
 * t1 -> y, t2 -> y, t3 -> y;  t1 -> z, t2 -> z;  t2 -> w, t3 -> w.
 *   tier: t* 1; w, x, y, z 2.
 *   tier1 dependants / exposure: y {t1,t2,t3} 3 / 6; w {t2,t3} 2 / 6;
 *   x {t1,t2} 2 / 1; z {t1,t2} 2 / 1.
 *   shared (min 2): y, then w (exposure 6), then x, z (tie: id).  min 3: y.
 */
Test(metrics_hand, shared_list_sorts_by_tier1_dependants_then_exposure_then_id)
{
    hand h = { 0 };
    fn(&h, "f1", 1);
    fn(&h, "f2", 5);
    const char *providers[] = { "t1", "t2", "t3", "z", "y", "x", "w" };
    for (size_t i = 0; i < 7; i++)
        sup(&h, providers[i]);
    const char *edges[][2] = { { "f1", "t1" }, { "f1", "t2" }, { "f2", "t3" },
                               { "t1", "x" },  { "t2", "x" },  { "t1", "y" },
                               { "t2", "y" },  { "t3", "y" },  { "t1", "z" },
                               { "t2", "z" },  { "t2", "w" },  { "t3", "w" } };
    for (size_t i = 0; i < 12; i++)
        dep(&h, edges[i][0], edges[i][1]);
    analyse(&h);
    expect_shared(&h, 2, "y,w,x,z");
    expect_shared(&h, 3, "y");
    cr_expect_eq(crisk_analysis_metrics(h.an, (size_t)idx(&h, "w"))->exposure, 6);
    cr_expect_eq(crisk_analysis_metrics(h.an, (size_t)idx(&h, "x"))->tier1_dependants, 2);
    release(&h);
}

/*
 * Own services (docs/metrics.md): a service that depends directly on a node
 * of its own provider group (same parent; a node without one is its own
 * group) is that node's own service, and a node is no Nth party to its own
 * services.  Parents in brackets:
 *   f1 -> s1 [G] -> p [G];  f2 -> s2 [G] -> p;  f3 -> t [H] -> p;
 *   f4 -> u [K] -> p;       f5 -> s3 [q] -> q (no parent: group "q");
 *   f6 -> v [G] -> w [H] -> p   (v is p's group but reaches p only through w)
 * Tiers: f* 0; s1 s2 t u s3 v 1; p q w 2.
 *   p: tier-1 nodes depending on it are s1 s2 t u v; s1 and s2 are its own
 *      services (direct, group G): tier1_dependants 3 {t, u, v}.
 *   q: s3 is its own (parent "q" = q's id): 0.
 *   w: v depends on it directly but is of group G, w of H: 1 {v}.
 * Shared (min 2): p only; its tier-1 list t,u,v.
 */
Test(metrics_hand, a_provider_is_no_nth_party_to_its_own_services)
{
    hand h = { 0 };
    const char *parents[][2] = { { "s1", "G" }, { "s2", "G" }, { "t", "H" }, { "u", "K" },
                                 { "s3", "q" }, { "v", "G" } };
    for (int i = 1; i <= 6; i++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", i);
        fn(&h, id, 1);
    }
    for (size_t i = 0; i < 6; i++) {
        int v = node(&h, parents[i][0], CRISK_NODE_SERVICE);
        snprintf(h.g.nodes[v].parent, sizeof h.g.nodes[v].parent, "%s", parents[i][1]);
    }
    snprintf(h.g.nodes[sup(&h, "p")].parent, REF_LABEL_MAX, "G");
    sup(&h, "q");
    snprintf(h.g.nodes[sup(&h, "w")].parent, REF_LABEL_MAX, "H");
    const char *edges[][2] = { { "f1", "s1" }, { "f2", "s2" }, { "f3", "t" }, { "f4", "u" },
                               { "f5", "s3" }, { "f6", "v" },  { "s1", "p" }, { "s2", "p" },
                               { "t", "p" },   { "u", "p" },   { "s3", "q" }, { "v", "w" },
                               { "w", "p" } };
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        dep(&h, edges[i][0], edges[i][1]);
    analyse(&h);
    const size_t want[][2] = { { (size_t)idx(&h, "p"), 3 }, { (size_t)idx(&h, "q"), 0 },
                               { (size_t)idx(&h, "w"), 1 } };
    for (size_t i = 0; i < 3; i++) {
        cr_expect_eq(crisk_analysis_metrics(h.an, want[i][0])->tier1_dependants, want[i][1],
                     "engine, %s", h.g.nodes[want[i][0]].id);
        cr_expect_eq(h.ra.metrics[want[i][0]].tier1_dependants, want[i][1], "reference, %s",
                     h.g.nodes[want[i][0]].id);
    }
    expect_shared(&h, 2, "p");
    uint32_t *got = NULL;
    size_t count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_tier1_of(h.an, (size_t)idx(&h, "p"), &got, &count, &err), CRISK_OK);
    expect_ids(&h, "tier1_of p", got, count, "t,u,v");
    free(got);
    release(&h);
}

/*
 * Cascade causes and rounds: a -> s, b -> s, c -g-> a, c -g-> b [need 1],
 * d -> a, f -> c, h -k-> b, h -k-> x [need 1].
 * Initial {s}:
 *   round 0: s (cause: initial);
 *   round 1: a (group a->s), b (group b->s);
 *   round 2: c (group g: a and b both failed in round 1), d (group d->a);
 *   round 3: f (group f->c).
 *   h keeps x: not failed (cause none); x not failed.
 *   failed: a, b, c, d, f, s = 6; order starts with s, rounds never decrease.
 */
Test(metrics_hand, cascade_reports_the_failing_group_and_round_of_every_node)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    const char *providers[] = { "s", "a", "b", "c", "d", "h", "x" };
    for (size_t i = 0; i < 7; i++)
        sup(&h, providers[i]);
    dep(&h, "a", "s");
    dep(&h, "b", "s");
    edge(&h, "c", "a", "g", 1);
    edge(&h, "c", "b", "g", 1);
    dep(&h, "d", "a");
    dep(&h, "f", "c");
    edge(&h, "h", "b", "k", 1);
    edge(&h, "h", "x", "k", 1);
    analyse(&h);

    const char *initial[] = { "s" };
    crisk_cascade *c = cascade(&h, initial, 1);
    expect_failed(&h, c, "f,s,a,b,c,d");   /* input order */
    const struct { const char *id; size_t round; const char *member; const char *group; } want[] = {
        { "a", 1, "s", NULL }, { "b", 1, "s", NULL }, { "c", 2, "a", "g" },
        { "d", 2, "a", NULL }, { "f", 3, "c", NULL },
    };
    for (size_t i = 0; i < 5; i++) {
        size_t v = (size_t)idx(&h, want[i].id);
        cr_expect_eq(crisk_cascade_round(c, v), want[i].round, "round of %s", want[i].id);
        cr_expect_eq(crisk_cascade_cause(c, v), group_of(&h, want[i].id, want[i].member, want[i].group),
                     "cause of %s", want[i].id);
    }
    cr_expect_eq(crisk_cascade_round(c, (size_t)idx(&h, "s")), 0);
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "s")), CRISK_CAUSE_INITIAL);
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "h")), CRISK_CAUSE_NONE);
    cr_expect_eq(crisk_cascade_cause(c, (size_t)idx(&h, "x")), CRISK_CAUSE_NONE);
    cr_expect_not(crisk_cascade_is_failed(c, (size_t)idx(&h, "h")));

    size_t count = 0;
    const uint32_t *order = crisk_cascade_order(c, &count);
    cr_assert_eq(count, 6);
    cr_expect_eq(order[0], (uint32_t)idx(&h, "s"));
    for (size_t i = 1; i < count; i++)
        cr_expect_leq(crisk_cascade_round(c, order[i - 1]), crisk_cascade_round(c, order[i]),
                      "order[%zu] goes back a round", i);
    crisk_cascade_free(c);
    release(&h);
}

/*
 * No edges at all: f (function), s (supplier).
 *   tier: f 0, s -1.  Every count is 0, total criticality 1, no SPOF, no
 *   shared node, no false redundancy, no pair.  A cascade from {s} fails s.
 */
Test(metrics_hand, inventory_without_edges_has_no_dependants_and_no_impact)
{
    hand h = { 0 };
    fn(&h, "f", 1);
    sup(&h, "s");
    analyse(&h);
    const expect rows[] = {
        { "f", 0,  0, 0, 0, 0, 0, 0, -1, 0 },
        { "s", -1, 0, 0, 0, 0, 0, 0, -1, 0 },
    };
    expect_all(&h, rows, 2, 1);
    expect_spofs(&h, "f", "");
    expect_shared(&h, 0, "");
    expect_false_redundancy(&h, "");
    expect_pairs(&h, "f", "");
    const char *one[] = { "s" };
    crisk_cascade *c = cascade(&h, one, 1);
    expect_failed(&h, c, "s");
    crisk_cascade_free(c);
    release(&h);
}

/*
 * Many defeated groups: f -gI-> aI, bI [gI need 1], aI -> sI, bI -> sI and
 * aI -> z, bI -> z for I = 0..1499.  sI fails both members of gI and
 * nothing else; z fails both members of every group.  So every group is
 * falsely redundant, defeated by two nodes, each failing both members:
 * 3 000 findings "f/gI/sI/2" and "f/gI/z/2", two per group.  The engine
 * finds a group's findings through an index of the groups with findings
 * that grows as they come (from 1 024 entries, doubling at half full): z's
 * sweep enters all 1 500 groups, the sI's sweeps (other batches, maybe
 * other threads) find them again, and so does the merge of the threads.
 * Plain edges are no redundancy: f -> p, f -> q, p -> z, q -> z adds no
 * finding although z fails both.
 */
Test(metrics_hand, every_falsely_redundant_group_of_many_is_found)
{
    enum { GROUPS = 1500 };
    ref_model g = { 0 };
    int f = ref_add_node(&g, "f", CRISK_NODE_FUNCTION);
    int z = ref_add_node(&g, "z", CRISK_NODE_SUPPLIER);
    int p = ref_add_node(&g, "p", CRISK_NODE_SUPPLIER);
    int q = ref_add_node(&g, "q", CRISK_NODE_SUPPLIER);
    ref_add_edge(&g, f, p, NULL, 0);
    ref_add_edge(&g, f, q, NULL, 0);
    ref_add_edge(&g, p, z, NULL, 0);
    ref_add_edge(&g, q, z, NULL, 0);
    for (int i = 0; i < GROUPS; i++) {
        char id[32], group[32];
        snprintf(id, sizeof id, "a%d", i);
        int a = ref_add_node(&g, id, CRISK_NODE_SUPPLIER);
        snprintf(id, sizeof id, "b%d", i);
        int b = ref_add_node(&g, id, CRISK_NODE_SUPPLIER);
        snprintf(id, sizeof id, "s%d", i);
        int s = ref_add_node(&g, id, CRISK_NODE_SUPPLIER);
        snprintf(group, sizeof group, "g%d", i);
        ref_add_edge(&g, f, a, group, 1);
        ref_add_edge(&g, f, b, group, 1);
        ref_add_edge(&g, a, s, NULL, 0);
        ref_add_edge(&g, b, s, NULL, 0);
        ref_add_edge(&g, a, z, NULL, 0);
        ref_add_edge(&g, b, z, NULL, 0);
    }
    char why[600];
    crisk_inventory *inv = NULL;
    crisk_analysis *an = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.threads = 2;
    cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "build: %s", why);
    cr_assert_eq(crisk_analysis_run(&an, inv, &opts, &err), CRISK_OK, "analysis: %s", err.message);
    size_t count = 0;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(an, &count);
    cr_assert_eq(count, 2 * GROUPS);
    static unsigned char by_s[GROUPS], by_z[GROUPS];
    memset(by_s, 0, sizeof by_s);
    memset(by_z, 0, sizeof by_z);
    for (size_t k = 0; k < count; k++) {
        const char *group = crisk_inventory_group_name(inv, fr[k].group);
        const char *shared = crisk_inventory_node_id(inv, fr[k].shared);
        int i = atoi(group + 1);
        cr_assert(group[0] == 'g' && i >= 0 && i < GROUPS, "group '%s'", group);
        cr_expect_eq(fr[k].dependant, (size_t)f);
        cr_expect_eq(fr[k].failed_members, 2);
        cr_expect_eq(fr[k].group_findings, 2, "group '%s'", group);
        if (strcmp(shared, "z") == 0) {
            cr_expect_eq(by_z[i], 0, "group '%s' defeated by z twice", group);
            by_z[i] = 1;
        } else {
            cr_expect(shared[0] == 's' && atoi(shared + 1) == i, "group '%s' defeated by '%s'",
                      group, shared);
            cr_expect_eq(by_s[i], 0, "group '%s' defeated by '%s' twice", group, shared);
            by_s[i] = 1;
        }
    }
    crisk_analysis_free(an);
    crisk_inventory_free(inv);
    ref_model_release(&g);
}

/*
 * Huge fan-in: functions f0..f999, criticality 3 each, all depend on s;
 * f0..f599 also on t.  s's failure takes down all 1 000 (dependants,
 * functions and impact 1 000, exposure and weight 3 000); t's takes down
 * 600 (1 800).  s and t are swept in one batch, side by side, and their
 * counts pass 255: the engine counts a batch's scenarios in byte counters
 * that must be emptied into wider ones before they overflow into the
 * neighbouring scenario's.
 */
Test(metrics_hand, huge_fan_in_counts_past_a_byte)
{
    hand h = { 0 };
    sup(&h, "s");
    sup(&h, "t");
    char id[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "f%d", i);
        fn(&h, id, 3);
        dep(&h, id, "s");
        if (i < 600)
            dep(&h, id, "t");
    }
    analyse(&h);
    const expect s = { "s", 1, 1000, 1000, 1000, 3000, 1000, 3000, -1, 0 };
    const expect t = { "t", 1, 600, 600, 600, 1800, 600, 1800, -1, 0 };
    const expect f = { "f7", 0, 0, 0, 0, 0, 0, 0, -1, 0 };
    expect_row(&h, &s, 3000);
    expect_row(&h, &t, 3000);
    expect_row(&h, &f, 3000);
    release(&h);
}
