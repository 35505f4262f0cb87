/*
 * test_simulate.c - the Monte Carlo sampler (DESIGN §5) on hand-worked
 * graphs, its determinism, exact edge cases, and the propagation it uses
 * against the cascade engine on random graphs.  Every simulation here
 * samples (exact = 0): exactness, downtimes, loss and importance are
 * tests/test_quantify.c's.
 *
 * Statistical checks allow 4 standard errors: with independent runs a
 * correct engine fails one of them about once in 16 000 (and the seed is
 * fixed, so a passing test keeps passing).
 *
 * Notation: "f -> a" is an edge "f depends on a"; "f -g-> a" puts it in
 * group g; p(a) is a's probability.
 */
#include <criterion/criterion.h>

#include "analysis/sim_plan.h"    /* SIM_CHUNK_BLOCKS: blocks per progress report */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"

/* ---- building inventories -------------------------------------------------------- */

typedef struct node_spec {
    const char *id;
    crisk_node_type type;
    double criticality;
    double probability;   /* NaN = not given */
} node_spec;

typedef tl_edge edge_spec;

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static crisk_inventory *build(const node_spec *nodes, size_t n_nodes, const edge_spec *edges,
                              size_t n_edges)
{
    crisk_node_record *nr = calloc(n_nodes + 1, sizeof *nr);
    cr_assert_not_null(nr);
    for (size_t i = 0; i < n_nodes; i++) {
        crisk_node_record_init(&nr[i]);
        nr[i].id = nodes[i].id;
        nr[i].type = nodes[i].type;
        nr[i].criticality = nodes[i].criticality;
        nr[i].probability = nodes[i].probability;
    }
    crisk_inventory *inv = tl_build(nr, n_nodes, edges, n_edges, NULL);
    free(nr);
    return inv;
}

static crisk_simulation *simulate(const crisk_inventory *inv, uint64_t runs, uint64_t seed)
{
    crisk_simulate_options opts = CRISK_SIMULATE_OPTIONS_INIT;
    opts.runs = runs;
    opts.seed = seed;
    opts.exact = 0;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_simulate_run(&s, inv, &opts, &err), CRISK_OK, "%s", err.message);
    return s;
}

static const crisk_function_risk *risk_of(const crisk_simulation *s, const char *id)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(crisk_inventory_node_id(inv, fr[i].node), id) == 0)
            return &fr[i];
    cr_assert_fail("no function '%s' in the simulation", id);
    return NULL;
}

/* |estimate - expected| within 4 standard errors of the true value. */
static void assert_near(const crisk_function_risk *r, double expected, uint64_t runs)
{
    double se = sqrt(expected * (1 - expected) / (double)runs);
    cr_assert(fabs(r->probability - expected) <= 4 * se,
              "probability %.5f, expected %.5f +- %.5f", r->probability, expected, 4 * se);
    cr_assert_float_eq(r->std_error, sqrt(r->probability * (1 - r->probability) / (double)runs), 1e-15);
    cr_assert_eq(r->failures, (uint64_t)llround(r->probability * (double)runs));
}

/* ---- hand-worked probabilities --------------------------------------------------- */

/* f -> a, p(a) = 0.5: f fails exactly when a does, P = 0.5. */
Test(simulate, fails_with_its_single_provider_half_the_time)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.5 },
    };
    static const edge_spec edges[] = { { "f", "a", NULL, 0 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 20000, 1);
    assert_near(risk_of(s, "f"), 0.5, 20000);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* f -g-> a, f -g-> b (need 1), p = 0.5 each, independent: f fails only when
 * both do, P = 0.5 * 0.5 = 0.25. */
Test(simulate, or_pair_of_independent_providers_fails_a_quarter_of_the_time)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.5 },
        { "b", CRISK_NODE_SUPPLIER, 1, 0.5 },
    };
    static const edge_spec edges[] = { { "f", "a", "g", 1 }, { "f", "b", "g", 1 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 20000, 1);
    assert_near(risk_of(s, "f"), 0.25, 20000);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* f -g-> a, b, c (need 2), p = 0.5 each: f fails when 2 or 3 fail,
 * P = (3 + 1) / 8 = 0.5. */
Test(simulate, two_of_three_group_fails_half_the_time)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.5 },
        { "b", CRISK_NODE_SUPPLIER, 1, 0.5 },
        { "c", CRISK_NODE_SUPPLIER, 1, 0.5 },
    };
    static const edge_spec edges[] = {
        { "f", "a", "g", 2 }, { "f", "b", "g", 2 }, { "f", "c", "g", 2 },
    };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 20000, 1);
    assert_near(risk_of(s, "f"), 0.5, 20000);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* f -g-> a, f -g-> b, both a -> x and b -> x: the OR pair shares x.
 * p(a) = p(b) = 0.5, p(x) = 0.2: f fails when x fails or both a and b do,
 * P = 0.2 + 0.8 * 0.25 = 0.4.  A second function h -> a, p = 0.5 + 0.5 * 0.2
 * = 0.6.  Probabilities that are not powers of two exercise the bit-serial
 * Bernoulli draw past its first word. */
Test(simulate, shared_dependency_of_an_or_pair_adds_its_probability)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "h", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.5 },
        { "b", CRISK_NODE_SUPPLIER, 1, 0.5 },
        { "x", CRISK_NODE_SUPPLIER, 1, 0.2 },
    };
    static const edge_spec edges[] = {
        { "f", "a", "g", 1 }, { "f", "b", "g", 1 }, { "h", "a", NULL, 0 },
        { "a", "x", NULL, 0 }, { "b", "x", NULL, 0 },
    };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 20000, 3);
    assert_near(risk_of(s, "f"), 0.4, 20000);
    assert_near(risk_of(s, "h"), 0.6, 20000);
    /* sorted by probability desc */
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    cr_assert_eq(count, 2);
    cr_assert_str_eq(crisk_inventory_node_id(inv, fr[0].node), "h");
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* Small probabilities: f -> a with p(a) = 0.001 over 200 000 runs. */
Test(simulate, small_probability_is_drawn_at_its_rate)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.001 },
    };
    static const edge_spec edges[] = { { "f", "a", NULL, 0 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 200000, 11);
    assert_near(risk_of(s, "f"), 0.001, 200000);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* ---- exact edge cases ------------------------------------------------------------ */

/* f0 -> z with p(z) = 0: never fails.  f1 -> o with p(o) = 1: always.
 * f2 itself p = 1, no dependencies: always.  f3 -> n, no probability: never.
 * 1000 runs is not a multiple of 256: the last sweep's unused scenarios
 * must not count. */
Test(simulate, probability_zero_and_one_are_exact)
{
    static const node_spec nodes[] = {
        { "f0", CRISK_NODE_FUNCTION, 2, NAN },
        { "f1", CRISK_NODE_FUNCTION, 3, NAN },
        { "f2", CRISK_NODE_FUNCTION, 4, 1 },
        { "f3", CRISK_NODE_FUNCTION, 5, NAN },
        { "z", CRISK_NODE_SUPPLIER, 1, 0 },
        { "o", CRISK_NODE_SUPPLIER, 1, 1 },
        { "n", CRISK_NODE_SUPPLIER, 1, NAN },
    };
    static const edge_spec edges[] = {
        { "f0", "z", NULL, 0 }, { "f1", "o", NULL, 0 }, { "f3", "n", NULL, 0 },
    };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 1000, 5);
    cr_assert_eq(risk_of(s, "f0")->failures, 0);
    cr_assert_eq(risk_of(s, "f0")->probability, 0);
    cr_assert_eq(risk_of(s, "f0")->std_error, 0);
    cr_assert_eq(risk_of(s, "f1")->failures, 1000);
    cr_assert_eq(risk_of(s, "f1")->probability, 1);
    cr_assert_eq(risk_of(s, "f1")->std_error, 0);
    cr_assert_eq(risk_of(s, "f2")->failures, 1000);
    cr_assert_eq(risk_of(s, "f3")->failures, 0);
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    cr_assert_eq(l->total_criticality, 14);
    cr_assert_eq(l->mean, 7);
    cr_assert_eq(l->mean_std_error, 0);
    cr_assert_eq(l->p50, 7);
    cr_assert_eq(l->p99, 7);
    cr_assert_eq(l->max, 7);
    cr_assert_eq(l->runs_with_failure, 1000);
    /* order: probability desc, then id */
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    cr_assert_eq(count, 4);
    const char *order[] = { "f1", "f2", "f0", "f3" };
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(crisk_inventory_node_id(inv, fr[i].node), order[i]);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* A cycle a <-> b under f stays up unless forced from outside (least fixed
 * point): with p(c) = 1 and b -> c it always fails; without, never. */
Test(simulate, cycle_fails_only_when_forced_from_outside)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "g", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, NAN },
        { "b", CRISK_NODE_SUPPLIER, 1, NAN },
        { "c", CRISK_NODE_SUPPLIER, 1, 1 },
        { "d", CRISK_NODE_SUPPLIER, 1, NAN },
        { "e", CRISK_NODE_SUPPLIER, 1, NAN },
    };
    static const edge_spec edges[] = {
        { "f", "a", NULL, 0 }, { "a", "b", NULL, 0 }, { "b", "a", NULL, 0 }, { "b", "c", NULL, 0 },
        { "g", "d", NULL, 0 }, { "d", "e", NULL, 0 }, { "e", "d", NULL, 0 },
    };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 300, 1);
    cr_assert_eq(risk_of(s, "f")->failures, 300);
    cr_assert_eq(risk_of(s, "g")->failures, 0);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* Percentiles are nearest-rank over the per-run losses.  f1 -> o (p = 1,
 * criticality 2) is lost in every run, f2 -> a (p = 0.5, criticality 1) in
 * k of them: the sorted losses are N - k twos then k threes. */
Test(simulate, percentiles_are_nearest_rank)
{
    static const node_spec nodes[] = {
        { "f1", CRISK_NODE_FUNCTION, 2, NAN },
        { "f2", CRISK_NODE_FUNCTION, 1, NAN },
        { "o", CRISK_NODE_SUPPLIER, 1, 1 },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.5 },
    };
    static const edge_spec edges[] = { { "f1", "o", NULL, 0 }, { "f2", "a", NULL, 0 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    const uint64_t runs_list[] = { 1, 2, 7, 101, 999 };
    for (size_t t = 0; t < COUNT(runs_list); t++) {
        uint64_t n = runs_list[t];
        for (uint64_t seed = 1; seed <= 20; seed++) {
            crisk_simulation *s = simulate(inv, n, seed);
            uint64_t k = risk_of(s, "f2")->failures;
            const crisk_loss_summary *l = crisk_simulation_loss(s);
            const unsigned pct[] = { 50, 90, 95, 99 };
            const double got[] = { l->p50, l->p90, l->p95, l->p99 };
            for (size_t i = 0; i < 4; i++) {
                uint64_t rank = (pct[i] * n + 99) / 100;   /* ceil(q N), 1-based */
                double want = rank <= n - k ? 2 : 3;
                cr_assert_eq(got[i], want, "runs %lu seed %lu k %lu p%u: %g, expected %g",
                             (unsigned long)n, (unsigned long)seed, (unsigned long)k, pct[i],
                             got[i], want);
            }
            cr_assert_eq(l->max, k > 0 ? 3 : 2);
            cr_assert_float_eq(l->mean, 2 + (double)k / (double)n, 1e-12);
            crisk_simulation_free(s);
        }
    }
    crisk_inventory_free(inv);
}

Test(simulate, refuses_zero_runs_and_too_many)
{
    static const node_spec nodes[] = { { "f", CRISK_NODE_FUNCTION, 1, NAN } };
    crisk_inventory *inv = build(nodes, 1, NULL, 0);
    crisk_simulate_options opts = CRISK_SIMULATE_OPTIONS_INIT;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    opts.runs = 0;
    cr_assert_eq(crisk_simulate_run(&s, inv, &opts, &err), CRISK_EUSAGE);
    cr_assert_null(s);
    cr_assert_str_eq(err.message, "runs must be between 1 and 100000000, not 0");
    opts.runs = CRISK_SIMULATE_MAX_RUNS + 1;
    cr_assert_eq(crisk_simulate_run(&s, inv, &opts, &err), CRISK_EUSAGE);
    crisk_inventory_free(inv);
}

Test(simulate, inventory_without_functions_loses_nothing)
{
    static const node_spec nodes[] = { { "a", CRISK_NODE_SUPPLIER, 1, 0.5 } };
    crisk_inventory *inv = build(nodes, 1, NULL, 0);
    crisk_simulation *s = simulate(inv, 10, 1);
    size_t count = 99;
    crisk_simulation_functions(s, &count);
    cr_assert_eq(count, 0);
    cr_assert_eq(crisk_simulation_loss(s)->max, 0);
    cr_assert_eq(crisk_simulation_loss(s)->runs_with_failure, 0);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* ---- determinism ------------------------------------------------------------------ */

static char *emit(const crisk_simulation *s, crisk_format fmt)
{
    char *data = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&data, &size);
    cr_assert_not_null(f);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_provenance prov = { .command = "simulate" };
    cr_assert_eq(crisk_emit_simulation(f, s, -1, fmt, &prov, &err), CRISK_OK, "%s", err.message);
    fclose(f);
    return data;
}

static const node_spec mixed_nodes[] = {
    { "f1", CRISK_NODE_FUNCTION, 3, NAN },
    { "f2", CRISK_NODE_FUNCTION, 1, 0.01 },
    { "a", CRISK_NODE_SUPPLIER, 1, 0.1 },
    { "b", CRISK_NODE_SUPPLIER, 1, 0.3 },
    { "c", CRISK_NODE_SUPPLIER, 1, 0.05 },
    { "d", CRISK_NODE_SUPPLIER, 1, 0.7 },
};
static const edge_spec mixed_edges[] = {
    { "f1", "a", NULL, 0 }, { "f1", "b", "g", 1 }, { "f1", "d", "g", 1 },
    { "f2", "c", NULL, 0 }, { "c", "d", "h", 2 }, { "c", "b", "h", 2 }, { "c", "a", "h", 2 },
};

Test(simulate, same_seed_gives_the_same_bytes_and_another_seed_other_numbers)
{
    crisk_inventory *inv = build(mixed_nodes, COUNT(mixed_nodes), mixed_edges, COUNT(mixed_edges));
    const crisk_format fmts[] = { CRISK_FORMAT_TABLE, CRISK_FORMAT_CSV, CRISK_FORMAT_JSON };
    for (size_t i = 0; i < COUNT(fmts); i++) {
        crisk_simulation *s1 = simulate(inv, 5000, 7), *s2 = simulate(inv, 5000, 7);
        crisk_simulation *s3 = simulate(inv, 5000, 8);
        char *a = emit(s1, fmts[i]), *b = emit(s2, fmts[i]), *c = emit(s3, fmts[i]);
        cr_assert_str_eq(a, b);
        cr_assert_str_neq(a, c);
        free(a);
        free(b);
        free(c);
        cr_assert_neq(risk_of(s1, "f1")->failures, risk_of(s3, "f1")->failures);
        crisk_simulation_free(s1);
        crisk_simulation_free(s2);
        crisk_simulation_free(s3);
    }
    crisk_inventory_free(inv);
}

/* The random streams are fixed per block of 64 runs and do not depend on
 * the run count: the first N runs are the same whatever is asked for, so
 * the failure count grows by 0 or 1 from N - 1 to N runs (across sweeps
 * and blocks too). */
Test(simulate, first_runs_do_not_depend_on_the_run_count)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, 0.3 },
    };
    static const edge_spec edges[] = { { "f", "a", NULL, 0 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    uint64_t previous = 0;
    for (uint64_t n = 1; n <= 600; n++) {
        crisk_simulation *s = simulate(inv, n, 1);
        uint64_t k = risk_of(s, "f")->failures;
        cr_assert(k == previous || k == previous + 1, "%lu runs: %lu failures, %lu runs: %lu",
                  (unsigned long)(n - 1), (unsigned long)previous, (unsigned long)n, (unsigned long)k);
        previous = k;
        crisk_simulation_free(s);
    }
    crisk_inventory_free(inv);
}

/* ---- propagation against the cascade engine ------------------------------------- */

/* With probabilities 0 and 1 only, every run is the same scenario: the
 * nodes with p = 1 fail initially.  On random graphs (cycles and k-of-n
 * groups included) a function must fail in every run exactly when
 * crisk_cascade_run (a separate propagation) fails it. */
static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return *x >> 33;
}

Test(simulate, certain_failures_match_the_cascade_engine_on_random_graphs)
{
    for (uint64_t trial = 1; trial <= 60; trial++) {
        uint64_t x = trial;
        size_t n = 6 + lcg(&x) % 20;
        node_spec nodes[32];
        char ids[32][24];
        for (size_t v = 0; v < n; v++) {
            snprintf(ids[v], sizeof ids[v], "v%zu", v);
            int fn = v < 3 || lcg(&x) % 5 == 0;
            double p = lcg(&x) % 4 == 0 ? 1 : lcg(&x) % 2 ? 0 : NAN;
            nodes[v] = (node_spec){ ids[v], fn ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER, 1, p };
        }
        edge_spec edges[128];
        size_t m = 0;
        static const char *const labels[] = { NULL, NULL, "g", "h" };
        for (size_t v = 0; v < n; v++) {
            /* one group per label: members distinct, need <= size */
            for (size_t l = 0; l < 4; l++) {
                size_t size = lcg(&x) % 3, start = m;
                for (size_t k = 0; k < size && m < 128; k++) {
                    size_t to = lcg(&x) % n;
                    int dup = to == v;
                    for (size_t e = 0; e < m; e++)
                        dup |= strcmp(edges[e].from, ids[v]) == 0 && strcmp(edges[e].to, ids[to]) == 0;
                    if (!dup)
                        edges[m++] = (edge_spec){ ids[v], ids[to], labels[l], 0 };
                    if (labels[l] == NULL)
                        break;
                }
                size_t got = m - start;
                for (size_t e = start; labels[l] != NULL && e < m; e++)
                    edges[e].need = 1 + lcg(&x) % got;
                for (size_t e = start + 1; labels[l] != NULL && e < m; e++)
                    edges[e].need = edges[start].need;
            }
        }
        crisk_inventory *inv = build(nodes, n, edges, m);
        size_t initial[32], k = 0;
        for (size_t v = 0; v < n; v++)
            if (nodes[v].probability == 1)
                initial[k++] = v;
        crisk_cascade *c = NULL;
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_cascade_run(&c, inv, initial, k, &err), CRISK_OK);
        crisk_simulation *s = simulate(inv, 300, trial);
        for (size_t v = 0; v < n; v++) {
            if (nodes[v].type != CRISK_NODE_FUNCTION)
                continue;
            uint64_t want = crisk_cascade_is_failed(c, v) ? 300 : 0;
            cr_assert_eq(risk_of(s, ids[v])->failures, want, "trial %lu node %s",
                         (unsigned long)trial, ids[v]);
        }
        crisk_simulation_free(s);
        crisk_cascade_free(c);
        crisk_inventory_free(inv);
    }
}

/* ---- progress ------------------------------------------------------------------------ */

typedef struct progress_log {
    size_t calls;
    uint64_t last_done, last_total;
} progress_log;

static void on_progress(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    progress_log *log = ctx;
    cr_assert_str_eq(stage, "simulating");
    cr_assert(done > log->last_done);
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

/* On one thread: one call per chunk of SIM_CHUNK_BLOCKS blocks of 64 runs
 * (10 000 runs: 3 chunks of 4 096), the last at 10 000 of 10 000. */
Test(simulate, reports_progress_per_chunk_of_runs)
{
    crisk_inventory *inv = build(mixed_nodes, COUNT(mixed_nodes), mixed_edges, COUNT(mixed_edges));
    progress_log log = { 0 };
    crisk_simulate_options opts = CRISK_SIMULATE_OPTIONS_INIT;
    opts.runs = 10000;
    opts.exact = 0;
    opts.threads = 1;
    opts.progress = on_progress;
    opts.progress_ctx = &log;
    crisk_simulation *s = NULL;
    cr_assert_eq(crisk_simulate_run(&s, inv, &opts, NULL), CRISK_OK);
    crisk_simulation_free(s);
    cr_assert_eq(log.calls, (10000 + 64 * SIM_CHUNK_BLOCKS - 1) / (64 * SIM_CHUNK_BLOCKS));
    cr_assert_eq(log.last_done, 10000);
    cr_assert_eq(log.last_total, 10000);
    crisk_inventory_free(inv);
}

/* On several threads the calling thread reports the chunks merged when it
 * finishes one of its own - which ones depends on the scheduler - and the
 * last report is always "all done", whoever merged the last chunk. */
Test(simulate, progress_ends_at_all_runs_on_any_number_of_threads)
{
    crisk_inventory *inv = build(mixed_nodes, COUNT(mixed_nodes), mixed_edges, COUNT(mixed_edges));
    for (unsigned threads = 2; threads <= 4; threads++) {
        progress_log log = { 0 };
        crisk_simulate_options opts = CRISK_SIMULATE_OPTIONS_INIT;
        opts.runs = 20000;
        opts.exact = 0;
        opts.threads = threads;
        opts.progress = on_progress;
        opts.progress_ctx = &log;
        crisk_simulation *s = NULL;
        cr_assert_eq(crisk_simulate_run(&s, inv, &opts, NULL), CRISK_OK);
        crisk_simulation_free(s);
        cr_assert_geq(log.calls, 1);
        cr_assert_leq(log.calls, (20000 + 64 * SIM_CHUNK_BLOCKS - 1) / (64 * SIM_CHUNK_BLOCKS));
        cr_assert_eq(log.last_done, 20000, "%u threads", threads);
        cr_assert_eq(log.last_total, 20000);
    }
    crisk_inventory_free(inv);
}

/* ---- output ---------------------------------------------------------------------------- */

Test(simulate, csv_has_function_any_and_criticality_rows_with_runs_and_seed)
{
    static const node_spec nodes[] = {
        { "f1", CRISK_NODE_FUNCTION, 2, NAN },
        { "=f2", CRISK_NODE_FUNCTION, 3, NAN },
        { "o", CRISK_NODE_SUPPLIER, 1, 1 },
        { "z", CRISK_NODE_SUPPLIER, 1, 0 },
    };
    static const edge_spec edges[] = { { "f1", "o", NULL, 0 }, { "=f2", "z", NULL, 0 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 10, 18446744073709551615ull);
    char *csv = emit(s, CRISK_FORMAT_CSV);
    const char *tail = ",10,18446744073709551615,24,1,2\n";
    char want[4096];
    snprintf(want, sizeof want,
        "kind,id,name,target,criticality,rto_hours,loss_per_hour,failures,probability,std_error,"
        "breach_probability,breach_std_error,downtime_hours,downtime_std_error,loss,"
        "loss_std_error,exact,x,q,birnbaum,birnbaum_std_error,criticality_importance,"
        "criticality_importance_std_error,fussell_vesely,fussell_vesely_std_error,raw,"
        "raw_std_error,rrw,rrw_std_error,criticality_lost,runs,seed,default_recovery_hours,"
        "default_recovery_nodes,nodes_without_probability\n"
        "function,f1,f1,,2,,,10,1,0,,,24,0,,,false,,,,,,,,,,,,,2%s"
        "function,\"'=f2\",\"'=f2\",,3,,,0,0,0,,,0,0,,,false,,,,,,,,,,,,,0%s"
        "any,,,,,,,10,1,0,,,,,,,false,,,,,,,,,,,,,%s"
        "criticality,mean,,,,,,,,0,,,,,,,false,,,,,,,,,,,,,2%s"
        "criticality,p50,,,,,,,,,,,,,,,false,,,,,,,,,,,,,2%s"
        "criticality,p90,,,,,,,,,,,,,,,false,,,,,,,,,,,,,2%s"
        "criticality,p95,,,,,,,,,,,,,,,false,,,,,,,,,,,,,2%s"
        "criticality,p99,,,,,,,,,,,,,,,false,,,,,,,,,,,,,2%s"
        "criticality,max,,,,,,,,,,,,,,,false,,,,,,,,,,,,,2%s",
        tail, tail, tail, tail, tail, tail, tail, tail, tail);
    cr_assert_str_eq(csv, want);
    free(csv);
    char *json = emit(s, CRISK_FORMAT_JSON);
    cr_assert(strstr(json, "\"results\": {\"runs\": 10, \"seed\": 18446744073709551615, "
                           "\"nodes_without_probability\": 2, \"default_recovery_hours\": 24, "
                           "\"default_recovery_nodes\": 1,\n"
                           "\"exact\": {\"functions\": 0, \"of\": 2, \"largest_enumeration_nodes\": 0, "
                           "\"everything\": false},\n\"total_criticality\": 5,\n") != NULL, "%s", json);
    cr_assert(strstr(json, "\"criticality_lost\": {\"mean\": 2, \"mean_std_error\": 0, "
                           "\"mean_exact\": false, \"p50\": 2, \"p90\": 2, \"p95\": 2, \"p99\": 2, "
                           "\"max\": 2, \"exact\": false}") != NULL, "%s", json);
    cr_assert(strstr(json, "\"loss\": null") != NULL, "%s", json);
    cr_assert(strstr(json, "{\"id\": \"f1\", \"name\": \"f1\", \"criticality\": 2, "
                           "\"rto_hours\": null, \"loss_per_hour\": null, \"failures\": 10, "
                           "\"probability\": 1, \"std_error\": 0, \"breach_probability\": null, "
                           "\"breach_std_error\": null, \"downtime_hours\": 24, "
                           "\"downtime_std_error\": 0, \"loss\": null, \"loss_std_error\": null, "
                           "\"exact\": false, \"criticality_lost\": 2}") != NULL, "%s", json);
    free(json);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* Issue 11 §4: zeros must not read as "never fails".  Every format says how
 * many nodes have no probability; the table only when there are some. */
Test(simulate, every_format_says_how_many_nodes_have_no_probability)
{
    static const node_spec nodes[] = {
        { "f", CRISK_NODE_FUNCTION, 1, NAN },
        { "a", CRISK_NODE_SUPPLIER, 1, NAN },
        { "b", CRISK_NODE_SUPPLIER, 1, 0 },
    };
    static const edge_spec edges[] = { { "f", "a", NULL, 0 }, { "f", "b", NULL, 0 } };
    crisk_inventory *inv = build(nodes, COUNT(nodes), edges, COUNT(edges));
    crisk_simulation *s = simulate(inv, 5, 1);
    cr_assert_eq(crisk_simulation_without_probability(s), 2);
    char *table = emit(s, CRISK_FORMAT_TABLE);
    cr_assert_str_eq(table,
        "monte carlo: 5 runs, seed 1; exact for 0 of 1 functions (at most 20 probabilistic "
        "nodes each)\n"
        "each node fails on its own with its probability and stays down for its recovery_hours;\n"
        "downtimes propagate through dependencies and redundancy groups\n"
        "2 of 3 nodes have no probability: they fail only through what they depend on\n"
        "0 nodes that can fail have no recovery_hours: they use 24 h (--default-recovery)\n"
        "\n"
        "#  id  criticality  rto_h         P(down)  P(breach)  downtime_h  loss\n"
        "1  f             1      -  0.0000 ±0.0000          -  0.00 ±0.00     -\n"
        "\n"
        "some function down in 0 of 5 runs: probability 0.0000 ±0.0000\n"
        "criticality lost per run (of 1): mean 0 ±0.0000, p50 0, p90 0, p95 0, p99 0, max 0\n"
        "no function has a loss_per_hour: no loss figures\n");
    free(table);
    char *csv = emit(s, CRISK_FORMAT_CSV);
    static const char head[] = "kind,id,name,target,criticality,rto_hours,loss_per_hour,failures,"
                               "probability,std_error,breach_probability,breach_std_error,"
                               "downtime_hours,downtime_std_error,loss,loss_std_error,exact,x,q,"
                               "birnbaum,birnbaum_std_error,criticality_importance,"
                               "criticality_importance_std_error,fussell_vesely,"
                               "fussell_vesely_std_error,raw,raw_std_error,rrw,rrw_std_error,"
                               "criticality_lost,runs,seed,default_recovery_hours,"
                               "default_recovery_nodes,nodes_without_probability\n"
                               "function,f,f,,1,,,0,0,0,,,0,0,,,false,,,,,,,,,,,,,0,5,1,24,0,2\n";
    cr_assert(strncmp(csv, head, sizeof head - 1) == 0, "%s", csv);
    free(csv);
    char *json = emit(s, CRISK_FORMAT_JSON);
    cr_assert(strstr(json, "{\"runs\": 5, \"seed\": 1, \"nodes_without_probability\": 2, ") != NULL,
              "%s", json);
    free(json);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);

    /* one node without: said in the singular */
    static const node_spec one[] = { { "f", CRISK_NODE_FUNCTION, 1, NAN },
                                     { "a", CRISK_NODE_SUPPLIER, 1, 0.5 } };
    inv = build(one, 2, edges, 1);
    s = simulate(inv, 5, 1);
    cr_assert_eq(crisk_simulation_without_probability(s), 1);
    table = emit(s, CRISK_FORMAT_TABLE);
    cr_assert_not_null(strstr(table, "groups\n1 of 2 nodes has no probability: it fails only "
                                     "through what it depends on\n1 node that"), "%s", table);
    free(table);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);

    /* every node has one: the count is 0 and the table has no such line */
    static const node_spec all[] = { { "f", CRISK_NODE_FUNCTION, 1, 0.5 } };
    inv = build(all, 1, NULL, 0);
    s = simulate(inv, 5, 1);
    cr_assert_eq(crisk_simulation_without_probability(s), 0);
    table = emit(s, CRISK_FORMAT_TABLE);
    cr_assert_null(strstr(table, "no probability"), "%s", table);
    free(table);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}
