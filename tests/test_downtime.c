/*
 * test_downtime.c - outage durations through the graph (DESIGN §4
 * "Durations"), worked out by hand.
 *
 * Each expected downtime is derived in the comment above its graph from the
 * definition "at every instant t the nodes down are the §4 cascade of the
 * initial nodes whose duration exceeds t"; the engine and both brute-force
 * references (tests/support/reference.c) must give it.  Random inventories
 * are compared with the references in test_reference.c.
 *
 * Notation as in test_metrics_hand.c: "f -> a" is "f depends on a",
 * "f -g-> a" puts the edge in group g, "[g need k]" gives its need; "a 8h"
 * fails a initially for 8 hours, "a ?" for an unknown time.  A duration is
 * written [lo, hi], "(0, hi]" when it is some positive time up to hi.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "reference.h"

typedef struct graph {
    ref_model g;
    crisk_inventory *inv;
} graph;

static int add(graph *h, const char *id, crisk_node_type type)
{
    return ref_add_node(&h->g, id, type);
}

static int idx(const graph *h, const char *id)
{
    for (int v = 0; v < h->g.n; v++)
        if (strcmp(h->g.nodes[v].id, id) == 0)
            return v;
    cr_assert_fail("no node '%s'", id);
    return -1;
}

static void edge(graph *h, const char *from, const char *to, const char *group, int need)
{
    ref_add_edge(&h->g, idx(h, from), idx(h, to), group, need);
}

static void build(graph *h)
{
    char why[600];
    cr_assert_eq(ref_model_build(&h->g, &h->inv, why, sizeof why), CRISK_OK, "%s", why);
}

static void release(graph *h)
{
    crisk_inventory_free(h->inv);
    ref_model_release(&h->g);
}

typedef struct fail_spec {
    const char *id;
    double hours;
} fail_spec;

typedef struct want {
    const char *id;
    int failed;
    double lo, hi;
    int lo_open;
} want;

/* Run the engine and both references on `fails`; every node of `wants`
 * must have the expected duration in all three. */
static void expect_downtimes(graph *h, const fail_spec *fails, size_t n_fails, const want *wants,
                             size_t n_wants)
{
    crisk_outage outages[16];
    ref_outage initial[16];
    for (size_t i = 0; i < n_fails; i++) {
        int v = idx(h, fails[i].id);
        outages[i] = (crisk_outage){ (size_t)v, fails[i].hours };
        initial[i] = (ref_outage){ v, fails[i].hours };
    }
    crisk_downtime *d = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_downtime_run(&d, h->inv, outages, n_fails, &err), CRISK_OK, "%s", err.message);
    ref_groups gs;
    ref_groups_derive(&gs, &h->g);
    ref_downtime instants[32], fixpoint[32];
    ref_downtime_instants(&h->g, &gs, initial, (int)n_fails, instants);
    ref_downtime_fixpoint(&h->g, &gs, initial, (int)n_fails, fixpoint);
    for (size_t i = 0; i < n_wants; i++) {
        const want *w = &wants[i];
        int v = idx(h, w->id);
        crisk_duration e = crisk_downtime_of(d, (size_t)v);
        cr_expect_eq(crisk_downtime_is_failed(d, (size_t)v), w->failed, "%s: failed", w->id);
        cr_expect(e.lo == w->lo && e.hi == w->hi && e.lo_open == w->lo_open,
                  "%s: engine [%g%s, %g], expected [%g%s, %g]", w->id, e.lo, e.lo_open ? "+" : "",
                  e.hi, w->lo, w->lo_open ? "+" : "", w->hi);
        const ref_downtime *refs[2] = { &instants[v], &fixpoint[v] };
        for (int k = 0; k < 2; k++)
            cr_expect(refs[k]->lo == w->lo && refs[k]->hi == w->hi
                      && !refs[k]->lo_open == !w->lo_open && !refs[k]->failed == !w->failed,
                      "%s: reference %d [%g%s, %g] failed %d", w->id, k, refs[k]->lo,
                      refs[k]->lo_open ? "+" : "", refs[k]->hi, refs[k]->failed);
    }
    ref_groups_release(&gs);
    crisk_downtime_free(d);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * AND chain: f -> a -> b, b 8h.  At t < 8 b is down, so a (plain
 * dependency) and f are down; from 8 on nothing is.  Every node 8 h.
 * With a 4h as well: on [4, 8) a is still down through b: a, f 8 h.
 * With a 12h instead: a and f are down for 12 h, b for its own 8 h.
 */
Test(downtime, and_chain_passes_the_duration_up)
{
    graph h = { 0 };
    add(&h, "f", CRISK_NODE_FUNCTION);
    add(&h, "a", CRISK_NODE_SERVICE);
    add(&h, "b", CRISK_NODE_SUPPLIER);
    edge(&h, "f", "a", "", 0);
    edge(&h, "a", "b", "", 0);
    build(&h);
    const fail_spec b8[] = { { "b", 8 } };
    const want w8[] = { { "f", 1, 8, 8, 0 }, { "a", 1, 8, 8, 0 }, { "b", 1, 8, 8, 0 } };
    expect_downtimes(&h, b8, 1, w8, COUNT(w8));
    const fail_spec b8a4[] = { { "b", 8 }, { "a", 4 } };
    expect_downtimes(&h, b8a4, 2, w8, COUNT(w8));
    const fail_spec b8a12[] = { { "b", 8 }, { "a", 12 } };
    const want w12[] = { { "f", 1, 12, 12, 0 }, { "a", 1, 12, 12, 0 }, { "b", 1, 8, 8, 0 } };
    expect_downtimes(&h, b8a12, 2, w12, COUNT(w12));
    release(&h);
}

/*
 * 2-of-3: f -g-> {a, b, c} [g need 2].  The group is down while fewer than
 * 2 members work, i.e. for the (3-2+1) = 2nd longest member downtime.
 *   a 4h, b 12h, c 24h: t < 4 none works; [4, 12) only a; [12, 24) a and b
 *   work -> f down 12 h.
 *   a 4h, b 12h (c never fails): t < 4 only c works; from 4 on a and c ->
 *   f down 4 h (the 2nd longest of 12, 4, 0).
 *   a 4h alone: b and c work throughout: f stays up (not failed at all).
 */
Test(downtime, k_of_n_group_is_down_for_its_n_minus_k_plus_1_th_longest_member)
{
    graph h = { 0 };
    add(&h, "f", CRISK_NODE_FUNCTION);
    add(&h, "a", CRISK_NODE_SERVICE);
    add(&h, "b", CRISK_NODE_SERVICE);
    add(&h, "c", CRISK_NODE_SERVICE);
    edge(&h, "f", "a", "g", 2);
    edge(&h, "f", "b", "g", 2);
    edge(&h, "f", "c", "g", 2);
    build(&h);
    const fail_spec all3[] = { { "a", 4 }, { "b", 12 }, { "c", 24 } };
    const want w12[] = { { "f", 1, 12, 12, 0 }, { "c", 1, 24, 24, 0 } };
    expect_downtimes(&h, all3, 3, w12, COUNT(w12));
    const fail_spec two[] = { { "a", 4 }, { "b", 12 } };
    const want w4[] = { { "f", 1, 4, 4, 0 }, { "c", 0, 0, 0, 0 } };
    expect_downtimes(&h, two, 2, w4, COUNT(w4));
    const fail_spec one[] = { { "a", 4 } };
    const want up[] = { { "f", 0, 0, 0, 0 } };
    expect_downtimes(&h, one, 1, up, COUNT(up));
    release(&h);
}

/*
 * Cycle: f -> x, x -> y, y -> x, y -> p.  p 6h: on [0, 6) p is down, so y,
 * then x (through y), then f: all 6 h.  Nothing keeps the ring down after
 * 6 h: a cycle does not hold itself down (least fixed point).
 * x 10h and p 6h: on [6, 10) x is down on its own, and y with it (y needs
 * x): x, y, f 10 h; p 6 h.
 * q 5h, where nothing on the ring depends on q: the ring stays up.
 */
Test(downtime, cycle_is_down_only_while_forced_from_outside)
{
    graph h = { 0 };
    add(&h, "f", CRISK_NODE_FUNCTION);
    add(&h, "x", CRISK_NODE_SERVICE);
    add(&h, "y", CRISK_NODE_SERVICE);
    add(&h, "p", CRISK_NODE_SUPPLIER);
    add(&h, "q", CRISK_NODE_SUPPLIER);
    edge(&h, "f", "x", "", 0);
    edge(&h, "x", "y", "", 0);
    edge(&h, "y", "x", "", 0);
    edge(&h, "y", "p", "", 0);
    build(&h);
    const fail_spec p6[] = { { "p", 6 } };
    const want w6[] = { { "f", 1, 6, 6, 0 }, { "x", 1, 6, 6, 0 }, { "y", 1, 6, 6, 0 } };
    expect_downtimes(&h, p6, 1, w6, COUNT(w6));
    const fail_spec x10[] = { { "x", 10 }, { "p", 6 } };
    const want w10[] = { { "f", 1, 10, 10, 0 }, { "x", 1, 10, 10, 0 }, { "y", 1, 10, 10, 0 },
                         { "p", 1, 6, 6, 0 } };
    expect_downtimes(&h, x10, 2, w10, COUNT(w10));
    const fail_spec q5[] = { { "q", 5 } };
    const want up[] = { { "x", 0, 0, 0, 0 }, { "y", 0, 0, 0, 0 }, { "q", 1, 5, 5, 0 } };
    expect_downtimes(&h, q5, 1, up, COUNT(up));
    release(&h);
}

/*
 * A node failed twice over: f -> a -> b.
 *   a 4h (its own outage) and b 12h: a is down 4 h on its own and 12 h
 *   through b: the longer, 12 h.
 *   a named twice, 3h and 9h, b not failing: 9 h.
 */
Test(downtime, node_failed_twice_over_is_down_for_the_longer)
{
    graph h = { 0 };
    add(&h, "f", CRISK_NODE_FUNCTION);
    add(&h, "a", CRISK_NODE_SERVICE);
    add(&h, "b", CRISK_NODE_SUPPLIER);
    edge(&h, "f", "a", "", 0);
    edge(&h, "a", "b", "", 0);
    build(&h);
    const fail_spec both[] = { { "a", 4 }, { "b", 12 } };
    const want w12[] = { { "a", 1, 12, 12, 0 }, { "f", 1, 12, 12, 0 } };
    expect_downtimes(&h, both, 2, w12, COUNT(w12));
    const fail_spec twice[] = { { "a", 3 }, { "a", 9 } };
    const want w9[] = { { "a", 1, 9, 9, 0 }, { "f", 1, 9, 9, 0 }, { "b", 0, 0, 0, 0 } };
    expect_downtimes(&h, twice, 2, w9, COUNT(w9));
    release(&h);
}

/*
 * Unknowns: f -> u, g -> u, g -> b, h -o-> {u, b} [o need 1].
 * u ? (recovery unknown), b 8h.
 *   f needs u: down for u's unknown time: (0, inf).
 *   g needs u and b: at least b's 8 h, no upper bound: [8, inf).
 *   h needs either: down while both are: at most b's 8 h, some positive
 *   time: (0, 8].
 * With b 0h (back at once): g needs u too, so it is down for u's time,
 * (0, inf); h is down while both are, min(u, 0) = 0 h exactly: it fails at
 * the onset and is back at once, whatever u does.
 */
Test(downtime, unknown_duration_gives_bounds)
{
    graph h = { 0 };
    add(&h, "f", CRISK_NODE_FUNCTION);
    add(&h, "g", CRISK_NODE_FUNCTION);
    add(&h, "h", CRISK_NODE_FUNCTION);
    add(&h, "u", CRISK_NODE_SUPPLIER);
    add(&h, "b", CRISK_NODE_SUPPLIER);
    edge(&h, "f", "u", "", 0);
    edge(&h, "g", "u", "", 0);
    edge(&h, "g", "b", "", 0);
    edge(&h, "h", "u", "o", 1);
    edge(&h, "h", "b", "o", 1);
    build(&h);
    const fail_spec fails[] = { { "u", NAN }, { "b", 8 } };
    const want w[] = { { "f", 1, 0, INFINITY, 1 }, { "g", 1, 8, INFINITY, 0 },
                       { "h", 1, 0, 8, 1 }, { "u", 1, 0, INFINITY, 1 }, { "b", 1, 8, 8, 0 } };
    expect_downtimes(&h, fails, 2, w, COUNT(w));
    const fail_spec zero[] = { { "u", NAN }, { "b", 0 } };
    const want wz[] = { { "f", 1, 0, INFINITY, 1 }, { "g", 1, 0, INFINITY, 1 },
                        { "h", 1, 0, 0, 0 }, { "b", 1, 0, 0, 0 } };
    expect_downtimes(&h, zero, 2, wz, COUNT(wz));
    release(&h);
}

/*
 * recovery_hours = 0: f -> a, a 0h.  a fails at the onset and is back at
 * once: f is in the failed set (the §4 cascade) with a downtime of exactly
 * 0 h, which breaches no tolerance (0 does not exceed rto_hours 0).
 */
Test(downtime, zero_hours_fails_at_the_onset_for_no_time)
{
    graph h = { 0 };
    add(&h, "f", CRISK_NODE_FUNCTION);
    add(&h, "a", CRISK_NODE_SUPPLIER);
    edge(&h, "f", "a", "", 0);
    build(&h);
    const fail_spec a0[] = { { "a", 0 } };
    const want w[] = { { "f", 1, 0, 0, 0 }, { "a", 1, 0, 0, 0 } };
    expect_downtimes(&h, a0, 1, w, COUNT(w));
    crisk_duration zero = { 0, 0, 0 };
    cr_expect_eq(crisk_tolerance_judge(&zero, 0), CRISK_TOLERANCE_WITHIN);
    release(&h);
}

Test(downtime, tolerance_is_judged_on_the_bounds)
{
    crisk_duration exact8 = { 8, 8, 0 }, at_least8 = { 8, INFINITY, 0 };
    crisk_duration up_to8 = { 0, 8, 1 }, unknown = { 0, INFINITY, 1 };
    cr_expect_eq(crisk_tolerance_judge(&exact8, 4), CRISK_TOLERANCE_BREACHED);
    cr_expect_eq(crisk_tolerance_judge(&exact8, 8), CRISK_TOLERANCE_WITHIN, "8 h does not exceed 8 h");
    cr_expect_eq(crisk_tolerance_judge(&exact8, NAN), CRISK_TOLERANCE_UNKNOWN);
    cr_expect_eq(crisk_tolerance_judge(&at_least8, 4), CRISK_TOLERANCE_BREACHED);
    cr_expect_eq(crisk_tolerance_judge(&at_least8, 8), CRISK_TOLERANCE_UNKNOWN);
    cr_expect_eq(crisk_tolerance_judge(&up_to8, 8), CRISK_TOLERANCE_WITHIN);
    cr_expect_eq(crisk_tolerance_judge(&up_to8, 4), CRISK_TOLERANCE_UNKNOWN);
    cr_expect_eq(crisk_tolerance_judge(&up_to8, 0), CRISK_TOLERANCE_BREACHED,
                 "any positive time exceeds a zero tolerance");
    cr_expect_eq(crisk_tolerance_judge(&unknown, 0), CRISK_TOLERANCE_BREACHED);
    cr_expect_eq(crisk_tolerance_judge(&unknown, 1000), CRISK_TOLERANCE_UNKNOWN);
    cr_expect(crisk_duration_is_exact(&exact8));
    cr_expect(!crisk_duration_is_exact(&up_to8));
    cr_expect(!crisk_duration_is_exact(&at_least8));
}

Test(downtime, rejects_bad_durations_and_nodes)
{
    graph h = { 0 };
    add(&h, "a", CRISK_NODE_SUPPLIER);
    build(&h);
    crisk_downtime *d = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_outage neg = { 0, -1 };
    cr_expect_eq(crisk_downtime_run(&d, h.inv, &neg, 1, &err), CRISK_EUSAGE);
    cr_expect_str_eq(err.message, "invalid outage duration -1 h for 'a' (expected a finite number >= 0)");
    cr_expect_null(d);
    crisk_outage inf = { 0, INFINITY };
    cr_expect_eq(crisk_downtime_run(&d, h.inv, &inf, 1, &err), CRISK_EUSAGE);
    crisk_outage far = { 7, 1 };
    cr_expect_eq(crisk_downtime_run(&d, h.inv, &far, 1, &err), CRISK_EUSAGE);
    cr_expect_str_eq(err.message, "node 7 out of range");
    cr_expect_eq(crisk_downtime_run(&d, h.inv, NULL, 0, &err), CRISK_OK, "no failure is fine");
    cr_expect(crisk_downtime_is_exact(d));
    cr_expect_eq(crisk_downtime_is_failed(d, 0), 0);
    crisk_downtime_free(d);
    release(&h);
}
