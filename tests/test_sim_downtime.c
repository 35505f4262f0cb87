/*
 * test_sim_downtime.c - one definition of downtime: the simulation's
 * bit-parallel sweep (src/analysis/sim_sweep.c) against the duration engine
 * (src/analysis/downtime.c) on the very failure sets it samples.
 *
 * For a block of 64 sampled runs, crisk__simulate_trace gives what the
 * sweep saw: each lane's initially failed nodes, the hours each stays down,
 * and every function's downtime, in the base world and with each measured
 * provider flipped (the worlds importance is read from).  Every lane's set
 * then goes through crisk_downtime_run, whose downtimes must be the same
 * numbers.  The trace is tied to what users see: with one block of runs,
 * simulate's P(down), expected downtime, Birnbaum importance and expected
 * loss are the lane averages of the trace.  Random inventories with cycles
 * and k-of-n groups, and data/sample.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sim_run.h"
#include "chainrisk/chainrisk.h"
#include "csvinv.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return *x >> 33;
}

/* 12-40 nodes, 2-5 of them functions; about a third with a probability
 * strictly between 0 and 1, some certain, some never; recoveries from a
 * small set (ties, 0, and none: the default); plain edges and k-of-n groups
 * to any node, so cycles are common. */
static crisk_inventory *random_inventory(uint64_t seed, char *nodes, char *edges, size_t size)
{
    uint64_t x = seed * 104729 + 3;
    size_t n = 12 + lcg(&x) % 29, n_fn = 2 + lcg(&x) % 4, o = 0;
    static const char *const rec[] = { "", "0", "1", "2.5", "4", "8", "8", "24", "72" };
    static const char *const rto[] = { "", "0", "2", "4", "8", "24" };
    static const char *const lph[] = { "", "0", "100", "250.5", "1000" };
    static const char *const probs[] = { "", "0", "1", "0.5", "0.1", "0.25", "0.9", "0.05",
                                         "0.3", "0.02" };
    o += (size_t)snprintf(nodes + o, size - o,
                          "id,type,probability,recovery_hours,rto_hours,loss_per_hour\n");
    for (size_t v = 0; v < n; v++) {
        int fn = v < n_fn;
        o += (size_t)snprintf(nodes + o, size - o, "n%zu,%s,%s,%s,%s,%s\n", v,
                              fn ? "function" : "supplier", probs[lcg(&x) % COUNT(probs)],
                              rec[lcg(&x) % COUNT(rec)], fn ? rto[lcg(&x) % COUNT(rto)] : "",
                              fn ? lph[lcg(&x) % COUNT(lph)] : "");
    }
    o = (size_t)snprintf(edges, size, "from,to,group,need\n");
    for (size_t v = 0; v < n; v++)
        for (size_t g = 0; g < 3; g++) {
            size_t members[6], m = 0, want = g == 0 ? lcg(&x) % 3 : lcg(&x) % 5;
            for (size_t i = 0; i < want; i++) {
                size_t to = lcg(&x) % n;
                int dup = to == v;
                for (size_t j = 0; j < m; j++)
                    dup |= members[j] == to;
                if (!dup)
                    members[m++] = to;
            }
            size_t need = m > 0 ? 1 + lcg(&x) % m : 0;
            for (size_t i = 0; i < m; i++) {
                if (g == 0)
                    o += (size_t)snprintf(edges + o, size - o, "n%zu,n%zu,,\n", v, members[i]);
                else
                    o += (size_t)snprintf(edges + o, size - o, "n%zu,n%zu,g%zu,%zu\n", v,
                                          members[i], g, need);
            }
        }
    crisk_inventory *inv = NULL;
    char why[512];
    if (csvinv_load(&inv, nodes, edges, why, sizeof why) != CRISK_OK)
        return NULL;   /* e.g. a plain edge and a group edge to the same node twice */
    return inv;
}

/* The lane's initial failures in `world`, each down for the hours the
 * sweep used - which must be the node's recovery_hours, or the default. */
static size_t lane_outages(const crisk_inventory *inv, const sim_trace *t, size_t world, int lane,
                           double default_recovery, crisk_outage *out)
{
    size_t n = 0;
    for (size_t e = 0; e < t->n_seeds; e++) {
        crisk_node_view nv;
        crisk_inventory_node(inv, t->seed[e], &nv);
        double want = isnan(nv.recovery_hours) ? default_recovery : nv.recovery_hours;
        cr_assert_eq(t->seed_hours[e], want, "'%s' is down %g h in the sweep, not %g h", nv.id,
                     t->seed_hours[e], want);
        if ((t->fails[world * t->n_seeds + e] >> lane) & 1)
            out[n++] = (crisk_outage){ t->seed[e], t->seed_hours[e] };
    }
    return n;
}

/* Every lane of every world of block `block` against crisk_downtime_run.
 * Returns the lanes compared. */
static size_t check_block(const crisk_inventory *inv, const crisk_simulate_options *o,
                          uint64_t block, const char *what)
{
    sim_trace t;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk__simulate_trace(&t, inv, o, block, &err), CRISK_OK, "%s", err.message);
    crisk_outage *outages = malloc((t.n_seeds + 1) * sizeof *outages);
    size_t lanes = 0;
    for (size_t w = 0; w < t.n_worlds; w++)
        for (int lane = 0; lane < 64; lane++) {
            if (!((t.valid >> lane) & 1))
                continue;
            size_t n = lane_outages(inv, &t, w, lane, o->default_recovery, outages);
            crisk_downtime *d = NULL;
            cr_assert_eq(crisk_downtime_run(&d, inv, outages, n, &err), CRISK_OK, "%s", err.message);
            for (size_t i = 0; i < t.n_fn; i++) {
                double got = t.downtime[(w * t.n_fn + i) * 64 + (size_t)lane];
                crisk_duration want = crisk_downtime_of(d, t.fn[i]);
                cr_assert(crisk_duration_is_exact(&want));
                double want_h = crisk_downtime_is_failed(d, t.fn[i]) ? want.lo : -1;
                cr_assert_eq(got, want_h, "%s, block %lu, world %zu, lane %d: function '%s' "
                             "down %g h in the sweep, %g h in downtime.c", what,
                             (unsigned long)block, w, lane, crisk_inventory_node_id(inv, t.fn[i]),
                             got, want_h);
            }
            crisk_downtime_free(d);
            lanes++;
        }
    free(outages);
    crisk__sim_trace_release(&t);
    return lanes;
}

/* With one block of runs, simulate's figures are the trace's lane
 * averages: P(down), expected downtime, expected loss and, per measured
 * provider, Birnbaum = E[down | forced down] - E[down | forced up]. */
static void check_figures(const crisk_inventory *inv, crisk_simulate_options o, const char *what)
{
    o.runs = 64;
    o.exact = 0;
    sim_trace t;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk__simulate_trace(&t, inv, &o, 0, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(crisk_simulation_runs(s), 64);
    size_t n_rows, n_imp;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &n_rows);
    const crisk_importance *im = crisk_simulation_importance(s, &n_imp);
    for (size_t r = 0; r < n_rows; r++) {
        size_t i = 0;
        while (i < t.n_fn && t.fn[i] != fr[r].node)
            i++;
        cr_assert_lt(i, t.n_fn);
        double down = 0, hours = 0;
        for (size_t lane = 0; lane < 64; lane++) {
            double h = t.downtime[i * 64 + lane];
            down += h >= 0;
            hours += h >= 0 ? h : 0;
        }
        cr_assert_eq(fr[r].probability, down / 64, "%s: P(down) of '%s'", what,
                     crisk_inventory_node_id(inv, fr[r].node));
        cr_assert(fabs(fr[r].downtime - hours / 64) <= 1e-9 * (1 + hours), "%s: downtime of '%s'"
                  " %.17g vs %.17g", what, crisk_inventory_node_id(inv, fr[r].node),
                  fr[r].downtime, hours / 64);
    }
    for (size_t r = 0; r < n_imp; r++) {
        if (im[r].target == CRISK_IMPORTANCE_TOTAL_LOSS)
            continue;
        size_t w = 1, i = 0;
        while (w < t.n_worlds && t.world_node[w] != im[r].provider)
            w++;
        while (i < t.n_fn && t.fn[i] != im[r].target)
            i++;
        if (w == t.n_worlds)
            continue;   /* a provider with probability 1 or 0 without variants */
        double a = 0, b = 0;
        size_t e = 0;
        while (t.seed[e] != im[r].provider)
            e++;
        for (int lane = 0; lane < 64; lane++) {
            int base_down = (int)((t.fails[e] >> lane) & 1);
            double hb = t.downtime[i * 64 + (size_t)lane] >= 0;
            double hv = t.downtime[(w * t.n_fn + i) * 64 + (size_t)lane] >= 0;
            a += base_down ? hb : hv;
            b += base_down ? hv : hb;
        }
        cr_assert(fabs(im[r].birnbaum - (a - b) / 64) <= 1e-12, "%s: Birnbaum of '%s' for '%s' "
                  "%.17g vs %.17g", what, crisk_inventory_node_id(inv, im[r].provider),
                  crisk_inventory_node_id(inv, im[r].target), im[r].birnbaum, (a - b) / 64);
    }
    crisk_simulation_free(s);
    crisk__sim_trace_release(&t);
}

Test(sim_downtime, sweep_equals_downtime_engine_on_random_inventories)
{
    static char nodes[8192], edges[16384];
    static const double defaults[] = { 0, 6, 24, 8 };
    size_t checked = 0, lanes = 0;
    for (uint64_t seed = 1; checked < 60; seed++) {
        crisk_inventory *inv = random_inventory(seed, nodes, edges, sizeof edges);
        if (inv == NULL)
            continue;
        checked++;
        size_t n = crisk_inventory_node_count(inv), imp[5], n_imp = 0;
        uint64_t x = seed;
        for (size_t v = lcg(&x) % n; v < n && n_imp < COUNT(imp); v += 1 + lcg(&x) % 4)
            if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                imp[n_imp++] = v;
        crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
        o.runs = 150;            /* three blocks, the last one partial */
        o.seed = seed;
        o.default_recovery = defaults[seed % COUNT(defaults)];
        o.importance = imp;
        o.n_importance = n_imp;
        char what[64];
        snprintf(what, sizeof what, "seed %lu", (unsigned long)seed);
        for (uint64_t b = 0; b < 3; b++)
            lanes += check_block(inv, &o, b, what);
        check_figures(inv, o, what);
        crisk_inventory_free(inv);
    }
    cr_assert_gt(lanes, 60 * 150, "every base lane and its flipped worlds");
}

/* data/sample with its probabilities and recoveries, the seven providers
 * `chainrisk simulate` measures by default, and the default recovery. */
Test(sim_downtime, sweep_equals_downtime_engine_on_the_sample)
{
    crisk_input in = { CRISK_SOURCE_DIR "/data/sample", NULL, NULL };
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, NULL, &diags, &err), CRISK_OK, "%s", err.message);
    crisk_diagnostics_release(&diags);
    cr_assert_eq(crisk_analysis_run(&a, inv, NULL, &err), CRISK_OK, "%s", err.message);
    size_t imp[7], n_imp = 0;
    crisk_simulate_top_providers(a, COUNT(imp), imp, &n_imp);
    cr_assert_eq(n_imp, 7);
    crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
    o.runs = 64 * 40;
    o.importance = imp;
    o.n_importance = n_imp;
    size_t lanes = 0;
    for (uint64_t b = 0; b < 40; b++)
        lanes += check_block(inv, &o, b, "data/sample");
    cr_assert_eq(lanes, 64 * 40 * 8, "the base and seven flipped worlds of every run");
    check_figures(inv, o, "data/sample");
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}
