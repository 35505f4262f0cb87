/*
 * test_quantify.c - issue 15's figures of `simulate`: downtimes, breach
 * probabilities, money loss and its distribution, importance measures,
 * and exactness.
 *
 * Hand-worked inventories first (an AND chain, a 2-of-3 group with
 * different recoveries, a cycle, a node failed twice over, a known loss
 * distribution, a known importance table), then an independent brute
 * force written from DESIGN §4 "Durations" alone - every state of the
 * probabilistic nodes enumerated, downtimes by iterating the max/min
 * system from zero to its least fixed point - against which the exact
 * figures must agree to rounding and the sampled ones within 4.5 of their
 * standard errors (fixed seeds: a passing test keeps passing).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "csvinv.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static crisk_inventory *load(const char *nodes, const char *edges)
{
    crisk_inventory *inv = NULL;
    char why[1024] = "";
    cr_assert_eq(csvinv_load(&inv, nodes, edges, why, sizeof why), CRISK_OK, "%s\n%s\n%s", why,
                 nodes, edges ? edges : "");
    return inv;
}

static size_t node(const crisk_inventory *inv, const char *id)
{
    size_t v;
    cr_assert_eq(crisk_inventory_find(inv, id, &v), CRISK_OK, "no node '%s'", id);
    return v;
}

static crisk_simulation *run(const crisk_inventory *inv, uint64_t runs, uint64_t seed, int exact,
                             const size_t *importance, size_t n_importance)
{
    crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
    o.runs = runs;
    o.seed = seed;
    o.exact = exact;
    o.importance = importance;
    o.n_importance = n_importance;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_OK, "%s", err.message);
    return s;
}

static const crisk_function_risk *risk(const crisk_simulation *s, const char *id)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    size_t n;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(crisk_inventory_node_id(inv, fr[i].node), id) == 0)
            return &fr[i];
    cr_assert_fail("no function '%s'", id);
    return NULL;
}

/* Results compared field by field, bit for bit (NaN equals NaN): a memcmp
 * of whole structs would also compare their padding, which holds whatever
 * the allocator's memory held before. */
#define SAME(x, y, f) (memcmp(&(x)->f, &(y)->f, sizeof (x)->f) == 0)

static int same_function_risks(const crisk_function_risk *a, const crisk_function_risk *b,
                               size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const crisk_function_risk *x = a + i, *y = b + i;
        if (!(SAME(x, y, node) && SAME(x, y, failures) && SAME(x, y, probability)
              && SAME(x, y, std_error) && SAME(x, y, exact) && SAME(x, y, breach_probability)
              && SAME(x, y, breach_std_error) && SAME(x, y, downtime)
              && SAME(x, y, downtime_std_error) && SAME(x, y, loss)
              && SAME(x, y, loss_std_error)))
            return 0;
    }
    return 1;
}

static int same_money(const crisk_money_loss *x, const crisk_money_loss *y)
{
    return SAME(x, y, given) && SAME(x, y, mean) && SAME(x, y, mean_std_error)
           && SAME(x, y, mean_exact) && SAME(x, y, p50) && SAME(x, y, p90) && SAME(x, y, p95)
           && SAME(x, y, p99) && SAME(x, y, p999) && SAME(x, y, max) && SAME(x, y, exact)
           && SAME(x, y, bound) && SAME(x, y, n_curve) && SAME(x, y, curve_x)
           && SAME(x, y, curve_p) && SAME(x, y, curve_std_error);
}

static const crisk_importance *importance_of(const crisk_simulation *s, size_t provider,
                                             size_t target)
{
    size_t n;
    const crisk_importance *im = crisk_simulation_importance(s, &n);
    for (size_t i = 0; i < n; i++)
        if (im[i].provider == provider && im[i].target == target)
            return &im[i];
    cr_assert_fail("no importance row");
    return NULL;
}

/* The simulation as `chainrisk simulate --format F` writes it. */
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

#define NEAR(got, want, tol, ...) \
    cr_assert(fabs((got) - (want)) <= (tol), __VA_ARGS__)

/* ---- hand-worked downtimes -------------------------------------------------------- */

/* f -> a -> b, b fails for 8 h (p = 1), a would recover in 2 h but has no
 * reason to fail on its own: f is down 8 h, which breaches its 4 h. */
Test(quantify, and_chain_carries_the_longest_downtime)
{
    crisk_inventory *inv = load("id,type,probability,recovery_hours,rto_hours,loss_per_hour\n"
                                "f,function,,,4,1000\na,service,0,2,,\nb,supplier,1,8,,\n",
                                "from,to\nf,a\na,b\n");
    crisk_simulation *s = run(inv, 1000, 1, 1, NULL, 0);
    const crisk_function_risk *f = risk(s, "f");
    cr_assert(f->exact);
    cr_assert_eq(f->probability, 1);
    cr_assert_eq(f->breach_probability, 1);
    cr_assert_eq(f->downtime, 8);
    cr_assert_eq(f->loss, 8000);
    cr_assert_eq(f->std_error, 0);
    cr_assert_eq(crisk_simulation_runs(s), 0, "nothing to sample");
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* f needs 2 of {a, b, c}, down for 2, 5 and 9 h: the group is down while
 * two are, which is the second longest: 5 h. */
Test(quantify, two_of_three_group_is_down_for_the_second_longest)
{
    crisk_inventory *inv = load("id,type,probability,recovery_hours,rto_hours\n"
                                "f,function,,,5\na,supplier,1,2,\nb,supplier,1,5,\nc,supplier,1,9,\n",
                                "from,to,group,need\nf,a,k,2\nf,b,k,2\nf,c,k,2\n");
    crisk_simulation *s = run(inv, 1000, 1, 1, NULL, 0);
    cr_assert_eq(risk(s, "f")->downtime, 5);
    cr_assert_eq(risk(s, "f")->breach_probability, 0, "5 h does not exceed an rto of 5 h");
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* a fails on its own for 3 h and through b for 7 h: down 7 h.  A ring
 * x <-> y fed by c (6 h) is down 6 h; a ring fed by nothing stays up. */
Test(quantify, node_failed_twice_over_and_a_cycle)
{
    crisk_inventory *inv = load("id,type,probability,recovery_hours\n"
                                "f,function,,\ng,function,,\nh,function,,\n"
                                "a,service,1,3\nb,supplier,1,7\nx,service,,\ny,service,,\n"
                                "c,supplier,1,6\nu,service,,\nw,service,,\n",
                                "from,to\nf,a\na,b\ng,x\nx,y\ny,x\ny,c\nh,u\nu,w\nw,u\n");
    crisk_simulation *s = run(inv, 100, 1, 1, NULL, 0);
    cr_assert_eq(risk(s, "f")->downtime, 7);
    cr_assert_eq(risk(s, "g")->downtime, 6);
    cr_assert_eq(risk(s, "h")->probability, 0);
    cr_assert_eq(risk(s, "h")->downtime, 0);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* A node that fails without recovery_hours stays down --default-recovery
 * hours, and the simulation says how many such nodes there are. */
Test(quantify, default_recovery_fills_missing_recovery_hours)
{
    crisk_inventory *inv = load("id,type,probability,recovery_hours\n"
                                "f,function,,\na,supplier,1,\nb,supplier,0.5,\nc,supplier,,\n"
                                "d,supplier,0,\n",
                                "from,to\nf,a\nf,b\nf,c\nf,d\n");
    crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
    o.default_recovery = 12.5;
    crisk_simulation *s = NULL;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, NULL), CRISK_OK);
    cr_assert_eq(risk(s, "f")->downtime, 12.5);
    cr_assert_eq(crisk_simulation_default_recovery(s), 12.5);
    cr_assert_eq(crisk_simulation_default_recovery_nodes(s), 2, "a and b can fail; c, d cannot");
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* ---- hand-worked loss ------------------------------------------------------------------ */

/* f -> a, p(a) = 0.5, 10 h, 100 per hour: the loss is 0 or 1000, half the
 * time each.  g -> b, p(b) = 0.25, 4 h, 50 per hour: 0 or 200.  Joint:
 * 0 (3/8), 200 (1/8), 1000 (3/8), 1200 (1/8). */
Test(quantify, loss_distribution_and_exceedance_curve_are_exact)
{
    crisk_inventory *inv = load("id,type,probability,recovery_hours,loss_per_hour,rto_hours\n"
                                "f,function,,,100,8\ng,function,,,50,8\n"
                                "a,supplier,0.5,10,,\nb,supplier,0.25,4,,\n",
                                "from,to\nf,a\ng,b\n");
    crisk_simulation *s = run(inv, 1000, 1, 1, NULL, 0);
    const crisk_money_loss *m = crisk_simulation_money(s);
    cr_assert(m->given && m->exact && m->mean_exact);
    NEAR(m->mean, 550, 1e-9, "mean %.17g", m->mean);
    cr_assert_eq(m->p50, 200, "P(loss <= 0) = 3/8 < 1/2 <= P(loss <= 200)");
    cr_assert_eq(m->p90, 1200);
    cr_assert_eq(m->max, 1200);
    cr_assert_eq(m->bound, 1500, "both down for the longest duration, 10 h");
    /* 0, then the 1-2-5 series from 0.1 (<= 1500 / 10^4) to 2000 (>= 1500) */
    static const double xs[] = { 0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000 };
    static const double ps[] = { 0.625, 0.625, 0.625, 0.625, 0.625, 0.625, 0.625, 0.625, 0.625,
                                 0.625, 0.625, 0.5, 0.5, 0.125, 0 };
    cr_assert_eq(m->n_curve, COUNT(xs));
    for (size_t c = 0; c < COUNT(xs); c++) {
        NEAR(m->curve_x[c], xs[c], 1e-12, "x[%zu] = %g", c, m->curve_x[c]);
        NEAR(m->curve_p[c], ps[c], 1e-12, "P(loss > %g) = %g", xs[c], m->curve_p[c]);
        cr_assert_eq(m->curve_std_error[c], 0);
    }
    NEAR(risk(s, "f")->breach_probability, 0.5, 1e-12, "10 h > 8 h");
    NEAR(risk(s, "g")->breach_probability, 0, 1e-12, "4 h <= 8 h");
    /* the same figures in JSON and CSV, with "exact" for the errors */
    char *json = emit(s, CRISK_FORMAT_JSON), *csv = emit(s, CRISK_FORMAT_CSV);
    cr_assert(strstr(json, "\"loss\": {\"mean\": 550, \"mean_std_error\": \"exact\", \"mean_exact\": "
                           "true, \"p50\": 200, \"p90\": 1200, \"p95\": 1200, \"p99\": 1200, "
                           "\"p99.9\": 1200, \"max\": 1200, \"bound\": 1500, \"exact\": true,\n"
                           "  \"exceedance\": [{\"x\": 0, \"probability\": 0.625, \"std_error\": "
                           "\"exact\"}, ") != NULL, "%s", json);
    cr_assert(strstr(json, "{\"x\": 200, \"probability\": 0.5, \"std_error\": \"exact\"}, "
                           "{\"x\": 500, \"probability\": 0.5, \"std_error\": \"exact\"}, "
                           "{\"x\": 1000, \"probability\": 0.125, \"std_error\": \"exact\"}, "
                           "{\"x\": 2000, \"probability\": 0, \"std_error\": \"exact\"}]}") != NULL,
              "%s", json);
    cr_assert(strstr(csv, "\nexceedance,,,,,,,,0.125,exact,,,,,,,true,1000,") != NULL, "%s", csv);
    cr_assert(strstr(csv, "\nexceedance,,,,,,,,0,exact,,,,,,,true,2000,") != NULL, "%s", csv);
    free(json);
    free(csv);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* The curve ends at the first point of the 1-2-5 series at or above the
 * bound: with a bound of exactly 1000 that is 1000 itself. */
Test(quantify, exceedance_curve_ends_at_a_bound_on_the_series)
{
    crisk_inventory *inv = load("id,type,probability,recovery_hours,loss_per_hour\n"
                                "f,function,,,100\na,supplier,0.5,10,\n", "from,to\nf,a\n");
    crisk_simulation *s = run(inv, 1000, 1, 1, NULL, 0);
    const crisk_money_loss *m = crisk_simulation_money(s);
    cr_assert_eq(m->bound, 1000);
    cr_assert_eq(m->n_curve, 14, "0, then 0.1 .. 1000");
    cr_assert_eq(m->curve_x[m->n_curve - 1], 1000);
    cr_assert_eq(m->curve_p[m->n_curve - 1], 0, "a loss of 1000 does not exceed 1000");
    NEAR(m->curve_p[m->n_curve - 2], 0.5, 1e-12, "P(loss > 500)");
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

Test(quantify, no_loss_per_hour_means_no_loss_figures)
{
    crisk_inventory *inv = load("id,type,probability\nf,function,\na,supplier,0.5\n", "from,to\nf,a\n");
    crisk_simulation *s = run(inv, 1000, 1, 1, NULL, 0);
    cr_assert_not(crisk_simulation_money(s)->given);
    cr_assert_eq(crisk_simulation_money(s)->n_curve, 0);
    cr_assert(isnan(risk(s, "f")->loss));
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* ---- hand-worked importance ------------------------------------------------------------- */

/* f needs a and one of {b, c}: q = 0.1, 0.2, 0.3.  P(f) = 1 - 0.9 * 0.94
 * = 0.154; with a down 1, up 0.06. */
Test(quantify, importance_of_a_single_point_of_failure)
{
    crisk_inventory *inv = load("id,type,probability\nf,function,\na,supplier,0.1\n"
                                "b,supplier,0.2\nc,supplier,0.3\n",
                                "from,to,group\nf,a,\nf,b,g\nf,c,g\n");
    size_t prov[] = { node(inv, "a"), node(inv, "b") };
    crisk_simulation *s = run(inv, 1000, 1, 1, prov, 2);
    const crisk_importance *a = importance_of(s, prov[0], node(inv, "f"));
    double F = 0.154;
    cr_assert(a->exact);
    NEAR(a->birnbaum, 0.94, 1e-12, "%.17g", a->birnbaum);
    NEAR(a->criticality, 0.1 * 0.94 / F, 1e-12, "%.17g", a->criticality);
    NEAR(a->fussell_vesely, 0.1 / F, 1e-12, "%.17g", a->fussell_vesely);
    NEAR(a->raw, 1 / F, 1e-12, "%.17g", a->raw);
    NEAR(a->rrw, F / 0.06, 1e-12, "%.17g", a->rrw);
    /* b: with b down f fails when a or c does (1 - 0.9 * 0.7 = 0.37); up, when a does */
    const crisk_importance *b = importance_of(s, prov[1], node(inv, "f"));
    NEAR(b->birnbaum, 0.37 - 0.1, 1e-12, "%.17g", b->birnbaum);
    NEAR(b->raw, 0.37 / F, 1e-12, "%.17g", b->raw);
    NEAR(b->rrw, F / 0.1, 1e-12, "%.17g", b->rrw);
    NEAR(b->fussell_vesely, 0.2 * 0.37 / F, 1e-12, "%.17g", b->fussell_vesely);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* A provider without probability: forcing it down still measures it
 * (Birnbaum, RAW), but it contributes nothing as drawn (criticality and
 * Fussell-Vesely 0, RRW 1). */
Test(quantify, importance_of_a_provider_without_probability)
{
    crisk_inventory *inv = load("id,type,probability\nf,function,\na,supplier,0.1\nz,supplier,\n",
                                "from,to\nf,a\nf,z\n");
    size_t prov[] = { node(inv, "z") };
    crisk_simulation *s = run(inv, 1000, 1, 1, prov, 1);
    const crisk_importance *z = importance_of(s, prov[0], node(inv, "f"));
    cr_assert_eq(z->q, 0);
    NEAR(z->birnbaum, 0.9, 1e-12, "%.17g", z->birnbaum);
    NEAR(z->raw, 10, 1e-12, "%.17g", z->raw);
    cr_assert_eq(z->criticality, 0);
    cr_assert_eq(z->fussell_vesely, 0);
    NEAR(z->rrw, 1, 1e-12, "%.17g", z->rrw);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* ---- exactness -------------------------------------------------------------------------- */

/* "wide" depends on 22 probabilistic nodes (each fails it: sampled),
 * "small" on 2 (exact). */
static const char *wide_nodes(char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "id,type,probability,recovery_hours\n"
                                           "wide,function,,\nsmall,function,,\n"
                                           "a,supplier,0.5,3\nb,supplier,0.25,5\n");
    for (int i = 0; i < 22; i++)
        o += (size_t)snprintf(buf + o, size - o, "w%d,supplier,0.05,%d\n", i, 1 + i % 3);
    return buf;
}

static const char *wide_edges(char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "from,to,group\nsmall,a,\nsmall,b,\n");
    for (int i = 0; i < 22; i++)
        o += (size_t)snprintf(buf + o, size - o, "wide,w%d,\n", i);
    return buf;
}

Test(quantify, a_function_beyond_twenty_nodes_is_sampled_the_others_exact)
{
    char nb[2048], eb[2048];
    crisk_inventory *inv = load(wide_nodes(nb, sizeof nb), wide_edges(eb, sizeof eb));
    crisk_simulation *s = run(inv, 4096, 3, 1, NULL, 0);
    cr_assert_eq(crisk_simulation_exact_functions(s), 1);
    cr_assert_eq(crisk_simulation_exact_nodes(s), 2);
    cr_assert_eq(crisk_simulation_runs(s), 4096);
    cr_assert(risk(s, "small")->exact);
    cr_assert_not(risk(s, "wide")->exact);
    NEAR(risk(s, "small")->probability, 1 - 0.5 * 0.75, 1e-12, "");
    /* a down 3 h, b 5 h: E[D] = 0.25 * 5 + 0.75 * 0.5 * 3 */
    NEAR(risk(s, "small")->downtime, 1.25 + 1.125, 1e-12, "");
    cr_assert_gt(risk(s, "wide")->std_error, 0);
    crisk_simulation_free(s);
    /* and without exactness, both are sampled */
    s = run(inv, 4096, 3, 0, NULL, 0);
    cr_assert_eq(crisk_simulation_exact_functions(s), 0);
    cr_assert_not(risk(s, "small")->exact);
    crisk_simulation_free(s);
    crisk_inventory_free(inv);
}

/* ---- options ---------------------------------------------------------------------------- */

Test(quantify, refuses_bad_default_recovery_and_importance_lists)
{
    crisk_inventory *inv = load("id,type,probability\nf,function,\na,supplier,0.1\n", "from,to\nf,a\n");
    crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    o.default_recovery = -1;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "the default recovery must be a finite number of hours >= 0");
    o.default_recovery = INFINITY;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_EUSAGE);
    o.default_recovery = 24;
    size_t twice[] = { 1, 1 };
    o.importance = twice;
    o.n_importance = 2;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "provider 'a' is listed twice for importance");
    size_t outside[] = { 7 };
    o.importance = outside;
    o.n_importance = 1;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "node 7 out of range");
    o.n_importance = CRISK_SIMULATE_MAX_IMPORTANCE + 1;
    cr_assert_eq(crisk_simulate_run(&s, inv, &o, &err), CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "at most 64 providers for importance, not 65");
    cr_assert_null(s);
    crisk_inventory_free(inv);
}

/* ---- the brute force ------------------------------------------------------------------- */

/* A model read through the public API: node v's groups, needs, members. */
typedef struct brute {
    const crisk_inventory *inv;
    size_t n;
    double *hours;           /* per node: recovery or the default */
    double *q;               /* per node: probability, 0 when not given */
    double *down;            /* per node: hours down, -1 = up (scratch) */
    double *own;             /* per node: initial, -1 = up (scratch) */
} brute;

static void brute_init(brute *b, const crisk_inventory *inv, double default_recovery)
{
    b->inv = inv;
    b->n = crisk_inventory_node_count(inv);
    b->hours = malloc(b->n * sizeof *b->hours);
    b->q = malloc(b->n * sizeof *b->q);
    b->down = malloc(b->n * sizeof *b->down);
    b->own = malloc(b->n * sizeof *b->own);
    for (size_t v = 0; v < b->n; v++) {
        crisk_node_view nv;
        crisk_inventory_node(inv, v, &nv);
        b->hours[v] = isnan(nv.recovery_hours) ? default_recovery : nv.recovery_hours;
        b->q[v] = isnan(nv.probability) ? 0 : nv.probability;
    }
}

static void brute_release(brute *b)
{
    free(b->hours);
    free(b->q);
    free(b->down);
    free(b->own);
}

static int compare_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

/* DESIGN §4 "Durations" as written: a group needing k of n members is
 * down for the (n-k+1)-th longest of its members' downtimes, a node for
 * the longest of its own and its groups', least fixed point: iterate from
 * "all up" until nothing changes. */
static void brute_downtimes(brute *b)
{
    const crisk_inventory *inv = b->inv;
    for (size_t v = 0; v < b->n; v++)
        b->down[v] = -1;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t v = 0; v < b->n; v++) {
            double d = b->own[v];
            for (size_t g = crisk_inventory_group_begin(inv, v); g < crisk_inventory_group_begin(inv, v + 1); g++) {
                size_t size = crisk_inventory_group_size(inv, g), need = crisk_inventory_group_need(inv, g);
                double m[64];
                for (size_t i = 0; i < size; i++)
                    m[i] = b->down[crisk_inventory_group_member(inv, g, i)];
                qsort(m, size, sizeof *m, compare_desc);
                double gd = m[size - need];   /* the (n-k+1)-th longest; -1 when up */
                if (gd > d)
                    d = gd;
            }
            if (d != b->down[v]) {
                b->down[v] = d;
                changed = 1;
            }
        }
    }
}

/* The engine every command shares (downtime.c) gives the brute force's
 * downtimes on the same world: so the exact figures compared with the
 * brute force below are downtime.c's too. */
static void brute_matches_downtime_engine(const brute *b)
{
    crisk_outage out[64];
    size_t n = 0;
    for (size_t v = 0; v < b->n; v++)
        if (b->own[v] >= 0)
            out[n++] = (crisk_outage){ v, b->own[v] };
    crisk_downtime *d = NULL;
    cr_assert_eq(crisk_downtime_run(&d, b->inv, out, n, NULL), CRISK_OK);
    for (size_t v = 0; v < b->n; v++) {
        crisk_duration got = crisk_downtime_of(d, v);
        double want = b->down[v];
        cr_assert_eq(crisk_downtime_is_failed(d, v), want >= 0);
        cr_assert_eq(got.lo, want >= 0 ? want : 0);
    }
    crisk_downtime_free(d);
}

/* Exact figures by enumeration. */
typedef struct truth {
    double p, breach, downtime;          /* per function */
} truth;

typedef struct world {
    double weight, loss, crit;
} world;

static int compare_world(const void *pa, const void *pb)
{
    const world *a = pa, *b = pb;
    return (a->loss > b->loss) - (a->loss < b->loss);
}

/* Enumerate the probabilistic nodes; `force` (or SIZE_MAX) is held at
 * `forced` (1 down, 0 up).  Fills t[fn] (functions in node order) and, if
 * worlds is not NULL, one world per state. */
static size_t brute_enumerate(brute *b, size_t force, int forced, truth *t, world *worlds)
{
    const crisk_inventory *inv = b->inv;
    size_t vars[32], k = 0, n_fn = 0;
    for (size_t v = 0; v < b->n; v++)
        if (b->q[v] > 0 && b->q[v] < 1 && v != force)
            vars[k++] = v;
    for (size_t v = 0; v < b->n; v++)
        if (crisk_inventory_node_type(inv, v) == CRISK_NODE_FUNCTION)
            t[n_fn++] = (truth){ 0, 0, 0 };
    for (size_t a = 0; a < ((size_t)1 << k); a++) {
        double w = 1;
        for (size_t v = 0; v < b->n; v++)
            b->own[v] = b->q[v] >= 1 ? b->hours[v] : -1;
        for (size_t i = 0; i < k; i++) {
            int bit = (int)((a >> i) & 1);
            w *= bit ? b->q[vars[i]] : 1 - b->q[vars[i]];
            if (bit)
                b->own[vars[i]] = b->hours[vars[i]];
        }
        if (force != SIZE_MAX)
            b->own[force] = forced ? b->hours[force] : -1;
        brute_downtimes(b);
        brute_matches_downtime_engine(b);
        double loss = 0, crit = 0;
        size_t i = 0;
        for (size_t v = 0; v < b->n; v++) {
            if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                continue;
            crisk_node_view nv;
            crisk_inventory_node(inv, v, &nv);
            double d = b->down[v];
            if (d >= 0) {
                t[i].p += w;
                t[i].downtime += w * d;
                t[i].breach += !isnan(nv.rto_hours) && d > nv.rto_hours ? w : 0;
                loss += isnan(nv.loss_per_hour) ? 0 : nv.loss_per_hour * d;
                crit += nv.criticality;
            }
            i++;
        }
        if (worlds != NULL)
            worlds[a] = (world){ w, loss, crit };
    }
    return (size_t)1 << k;
}

/* Σ loss_per_hour × expected downtime over the functions (t in node order). */
static double expected_loss(const crisk_inventory *inv, const truth *t)
{
    double sum = 0;
    size_t i = 0;
    for (size_t v = 0; v < crisk_inventory_node_count(inv); v++) {
        if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
            continue;
        crisk_node_view nv;
        crisk_inventory_node(inv, v, &nv);
        sum += (isnan(nv.loss_per_hour) ? 0 : nv.loss_per_hour) * t[i++].downtime;
    }
    return sum;
}

/* ---- random inventories ------------------------------------------------------------------- */

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return *x >> 33;
}

/* 3-10 nodes, 1-3 of them functions, probabilities 0, 1, none or in
 * between (at most 10 in between), recoveries, RTOs and losses from small
 * sets, plain edges and k-of-n groups, cycles allowed. */
static crisk_inventory *random_inventory(uint64_t seed, char *nodes, char *edges, size_t size)
{
    uint64_t x = seed * 7919 + 17;
    size_t n = 3 + lcg(&x) % 8, n_fn = 1 + lcg(&x) % 3, o = 0, uncertain = 0;
    static const char *const rec[] = { "", "0", "1", "2.5", "4", "8", "8" };
    static const char *const rto[] = { "", "0", "2", "4", "8" };
    static const char *const lph[] = { "", "0", "100", "250.5" };
    static const char *const probs[] = { "", "0", "1", "0.5", "0.1", "0.25", "0.9", "0.05" };
    o += (size_t)snprintf(nodes + o, size - o,
                          "id,type,probability,recovery_hours,rto_hours,loss_per_hour\n");
    for (size_t v = 0; v < n; v++) {
        int fn = v < n_fn;
        const char *p = probs[lcg(&x) % COUNT(probs)];
        if (atof(p) > 0 && atof(p) < 1 && uncertain++ >= 10)
            p = "1";
        o += (size_t)snprintf(nodes + o, size - o, "n%zu,%s,%s,%s,%s,%s\n", v,
                              fn ? "function" : "supplier", fn && lcg(&x) % 2 ? "" : p,
                              rec[lcg(&x) % COUNT(rec)], fn ? rto[lcg(&x) % COUNT(rto)] : "",
                              fn ? lph[lcg(&x) % COUNT(lph)] : "");
    }
    o = (size_t)snprintf(edges, size, "from,to,group,need\n");
    for (size_t v = 0; v < n; v++) {
        for (size_t g = 0; g < 3; g++) {
            size_t members[8], m = 0, want = g == 0 ? lcg(&x) % 3 : lcg(&x) % 4;
            for (size_t i = 0; i < want; i++) {
                size_t to = lcg(&x) % n;
                int dup = to == v;
                for (size_t j = 0; j < m; j++)
                    dup |= members[j] == to;
                if (!dup)
                    members[m++] = to;
            }
            if (m == 0)
                continue;
            size_t need = 1 + lcg(&x) % m;
            for (size_t i = 0; i < m; i++) {
                if (g == 0)
                    o += (size_t)snprintf(edges + o, size - o, "n%zu,n%zu,,\n", v, members[i]);
                else
                    o += (size_t)snprintf(edges + o, size - o, "n%zu,n%zu,g%zu,%zu\n", v,
                                          members[i], g, need);
            }
        }
    }
    /* a plain edge and a group edge to the same node are two edges: fine;
     * the same pair twice in plain edges is a duplicate: skip such seeds */
    crisk_inventory *inv = NULL;
    char why[512];
    if (csvinv_load(&inv, nodes, edges, why, sizeof why) != CRISK_OK)
        return NULL;
    return inv;
}

static double quantile(const world *w, size_t n, double q)
{
    double cum = 0;
    for (size_t i = 0; i < n; i++) {
        cum += w[i].weight;
        if (w[i].weight > 0 && cum >= q * (1 - 1e-12))
            return w[i].loss;
    }
    return w[n - 1].loss;
}

/* Exact mode: every function, the loss distribution and the importance of
 * every provider agree with the brute force to rounding. */
Test(quantify, exact_figures_equal_the_brute_force_on_random_inventories)
{
    char nodes[4096], edges[4096];
    size_t checked = 0;
    for (uint64_t seed = 1; checked < 150; seed++) {
        crisk_inventory *inv = random_inventory(seed, nodes, edges, sizeof nodes);
        if (inv == NULL)
            continue;
        checked++;
        size_t n = crisk_inventory_node_count(inv), prov[16], n_prov = 0;
        for (size_t v = 0; v < n && n_prov < 16; v++)
            if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                prov[n_prov++] = v;
        crisk_simulation *s = run(inv, 100, seed, 1, prov, n_prov);
        cr_assert_eq(crisk_simulation_runs(s), 0, "seed %lu: at most 10 uncertain nodes",
                     (unsigned long)seed);
        brute b;
        brute_init(&b, inv, 24);
        truth t[16], up[16], down[16];
        world *w = malloc(((size_t)1 << 11) * sizeof *w);
        size_t n_w = brute_enumerate(&b, SIZE_MAX, 0, t, w);
        size_t i = 0;
        for (size_t v = 0; v < n; v++) {
            if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                continue;
            const crisk_function_risk *r = risk(s, crisk_inventory_node_id(inv, v));
            crisk_node_view nv;
            crisk_inventory_node(inv, v, &nv);
            cr_assert(r->exact);
            NEAR(r->probability, t[i].p, 1e-12, "seed %lu %s: P %.17g vs %.17g\n%s\n%s",
                 (unsigned long)seed, nv.id, r->probability, t[i].p, nodes, edges);
            NEAR(r->downtime, t[i].downtime, 1e-9, "seed %lu %s: D %.17g vs %.17g\n%s\n%s",
                 (unsigned long)seed, nv.id, r->downtime, t[i].downtime, nodes, edges);
            if (!isnan(nv.rto_hours))
                NEAR(r->breach_probability, t[i].breach, 1e-12, "seed %lu %s: breach",
                     (unsigned long)seed, nv.id);
            i++;
        }
        qsort(w, n_w, sizeof *w, compare_world);
        const crisk_money_loss *m = crisk_simulation_money(s);
        if (m->given) {
            double mean = 0;
            for (size_t a = 0; a < n_w; a++)
                mean += w[a].weight * w[a].loss;
            NEAR(m->mean, mean, 1e-9 * (1 + mean), "seed %lu: mean loss", (unsigned long)seed);
            NEAR(m->p50, quantile(w, n_w, 0.5), 1e-9, "seed %lu: p50\n%s\n%s", (unsigned long)seed,
                 nodes, edges);
            NEAR(m->p90, quantile(w, n_w, 0.9), 1e-9, "seed %lu: p90", (unsigned long)seed);
            NEAR(m->p999, quantile(w, n_w, 0.999), 1e-9, "seed %lu: p99.9", (unsigned long)seed);
            for (size_t c = 0; c < m->n_curve; c++) {
                double ex = 0;
                for (size_t a = 0; a < n_w; a++)
                    ex += w[a].loss > m->curve_x[c] ? w[a].weight : 0;
                NEAR(m->curve_p[c], ex, 1e-12, "seed %lu: P(loss > %g)", (unsigned long)seed,
                     m->curve_x[c]);
            }
        }
        for (size_t k = 0; k < n_prov; k++) {
            brute_enumerate(&b, prov[k], 1, down, NULL);
            brute_enumerate(&b, prov[k], 0, up, NULL);
            i = 0;
            for (size_t v = 0; v < n; v++) {
                if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                    continue;
                const crisk_importance *im = importance_of(s, prov[k], v);
                cr_assert(im->exact);
                NEAR(im->birnbaum, down[i].p - up[i].p, 1e-12, "seed %lu: birnbaum of %zu for %zu",
                     (unsigned long)seed, prov[k], v);
                if (t[i].p > 1e-12)
                    NEAR(im->raw, down[i].p / t[i].p, 1e-9 * (1 + im->raw), "seed %lu: raw",
                         (unsigned long)seed);
                if (up[i].p > 1e-12)
                    NEAR(im->rrw, t[i].p / up[i].p, 1e-9 * (1 + im->rrw), "seed %lu: rrw",
                         (unsigned long)seed);
                i++;
            }
            if (m->given) {
                double ld = expected_loss(inv, down), lu = expected_loss(inv, up);
                const crisk_importance *im = importance_of(s, prov[k], CRISK_IMPORTANCE_TOTAL_LOSS);
                NEAR(im->birnbaum, ld - lu, 1e-9 * (1 + fabs(ld)), "seed %lu: loss birnbaum",
                     (unsigned long)seed);
            }
        }
        free(w);
        brute_release(&b);
        crisk_simulation_free(s);
        crisk_inventory_free(inv);
    }
}

/* Sampled mode: every estimate within 4.5 standard errors of the truth. */
Test(quantify, sampled_figures_are_within_their_errors_of_the_brute_force)
{
    char nodes[4096], edges[4096];
    size_t checked = 0;
    for (uint64_t seed = 1000; checked < 40; seed++) {
        crisk_inventory *inv = random_inventory(seed, nodes, edges, sizeof nodes);
        if (inv == NULL)
            continue;
        checked++;
        size_t n = crisk_inventory_node_count(inv), prov[16], n_prov = 0;
        for (size_t v = 0; v < n && n_prov < 3; v++)
            if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                prov[n_prov++] = v;
        const uint64_t runs = 20000;
        crisk_simulation *s = run(inv, runs, seed, 0, prov, n_prov);
        brute b;
        brute_init(&b, inv, 24);
        truth t[16], up[16], down[16];
        world *w = malloc(((size_t)1 << 11) * sizeof *w);
        size_t n_w = brute_enumerate(&b, SIZE_MAX, 0, t, w);
        const crisk_money_loss *m = crisk_simulation_money(s);
        if (m->given) {
            double mean = 0;
            for (size_t a = 0; a < n_w; a++)
                mean += w[a].weight * w[a].loss;
            NEAR(m->mean, mean, 4.5 * m->mean_std_error + 1e-9, "seed %lu: mean loss %.3f vs %.3f",
                 (unsigned long)seed, m->mean, mean);
            for (size_t c = 0; c < m->n_curve; c++) {
                double ex = 0;
                for (size_t a = 0; a < n_w; a++)
                    ex += w[a].loss > m->curve_x[c] ? w[a].weight : 0;
                double se = sqrt(fmax(0, ex * (1 - ex)) / (double)runs);
                NEAR(m->curve_p[c], ex, 4.5 * se + 1e-12, "seed %lu: P(loss > %g)",
                     (unsigned long)seed, m->curve_x[c]);
            }
        }
        free(w);
        size_t i = 0;
        for (size_t v = 0; v < n; v++) {
            if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                continue;
            const crisk_function_risk *r = risk(s, crisk_inventory_node_id(inv, v));
            double se = sqrt(fmax(0, t[i].p * (1 - t[i].p)) / (double)runs);
            cr_assert_not(r->exact);
            NEAR(r->probability, t[i].p, 4.5 * se + 1e-12, "seed %lu: P %.17g vs %.17g\n%s\n%s",
                 (unsigned long)seed, r->probability, t[i].p, nodes, edges);
            NEAR(r->downtime, t[i].downtime, 4.5 * r->downtime_std_error + 1e-12,
                 "seed %lu: D %.5f vs %.5f (se %.5f)", (unsigned long)seed, r->downtime,
                 t[i].downtime, r->downtime_std_error);
            i++;
        }
        for (size_t k = 0; k < n_prov; k++) {
            brute_enumerate(&b, prov[k], 1, down, NULL);
            brute_enumerate(&b, prov[k], 0, up, NULL);
            i = 0;
            for (size_t v = 0; v < n; v++) {
                if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
                    continue;
                const crisk_importance *im = importance_of(s, prov[k], v);
                NEAR(im->birnbaum, down[i].p - up[i].p, 4.5 * im->birnbaum_std_error + 1e-12,
                     "seed %lu: birnbaum %.5f vs %.5f (se %.5f)", (unsigned long)seed,
                     im->birnbaum, down[i].p - up[i].p, im->birnbaum_std_error);
                if (t[i].p > 0.01)
                    NEAR(im->raw, down[i].p / t[i].p, 4.5 * im->raw_std_error + 1e-9,
                         "seed %lu: raw %.5f vs %.5f (se %.5f)", (unsigned long)seed, im->raw,
                         down[i].p / t[i].p, im->raw_std_error);
                i++;
            }
            if (m->given) {
                double ld = expected_loss(inv, down), lu = expected_loss(inv, up);
                const crisk_importance *im = importance_of(s, prov[k], CRISK_IMPORTANCE_TOTAL_LOSS);
                NEAR(im->birnbaum, ld - lu, 4.5 * im->birnbaum_std_error + 1e-9,
                     "seed %lu: loss birnbaum %.3f vs %.3f (se %.3f)", (unsigned long)seed,
                     im->birnbaum, ld - lu, im->birnbaum_std_error);
            }
        }
        brute_release(&b);
        crisk_simulation_free(s);
        crisk_inventory_free(inv);
    }
}

/* The base figures of a run do not depend on how many providers are
 * measured (which changes how runs share sweeps), nor does a provider's
 * importance depend on the others measured with it. */
Test(quantify, figures_do_not_depend_on_the_sweep_layout)
{
    char nb[2048], eb[2048];
    crisk_inventory *inv = load(wide_nodes(nb, sizeof nb), wide_edges(eb, sizeof eb));
    size_t all[24];
    for (size_t k = 0; k < 24; k++)
        all[k] = 2 + k;   /* a, b, w0..w21 */
    crisk_simulation *base = run(inv, 3000, 9, 0, NULL, 0);
    const size_t counts[] = { 1, 3, 7, 8, 15, 24 };
    for (size_t c = 0; c < COUNT(counts); c++) {
        crisk_simulation *s = run(inv, 3000, 9, 0, all, counts[c]);
        size_t n0, n1;
        const crisk_function_risk *a = crisk_simulation_functions(base, &n0);
        const crisk_function_risk *b = crisk_simulation_functions(s, &n1);
        cr_assert_eq(n0, n1);
        cr_assert(same_function_risks(a, b, n0), "%zu providers change the figures", counts[c]);
        cr_assert_eq(memcmp(crisk_simulation_loss(base), crisk_simulation_loss(s),
                            sizeof *crisk_simulation_loss(s)), 0);
        crisk_simulation *one = run(inv, 3000, 9, 0, &all[counts[c] - 1], 1);
        const crisk_importance *x = importance_of(one, all[counts[c] - 1], node(inv, "wide"));
        const crisk_importance *y = importance_of(s, all[counts[c] - 1], node(inv, "wide"));
        const double xs[] = { x->q, x->birnbaum, x->birnbaum_std_error, x->criticality,
                              x->criticality_std_error, x->fussell_vesely,
                              x->fussell_vesely_std_error, x->raw, x->raw_std_error, x->rrw,
                              x->rrw_std_error };
        const double ys[] = { y->q, y->birnbaum, y->birnbaum_std_error, y->criticality,
                              y->criticality_std_error, y->fussell_vesely,
                              y->fussell_vesely_std_error, y->raw, y->raw_std_error, y->rrw,
                              y->rrw_std_error };
        for (size_t j = 0; j < COUNT(xs); j++)
            cr_assert((isnan(xs[j]) && isnan(ys[j])) || xs[j] == ys[j],
                      "%zu providers: measure %zu is %.17g alone, %.17g with others", counts[c],
                      j, xs[j], ys[j]);
        cr_assert_eq(x->exact, y->exact);
        crisk_simulation_free(one);
        crisk_simulation_free(s);
    }
    crisk_simulation_free(base);
    crisk_inventory_free(inv);
}

/* Chunks of runs are swept on any number of threads, but their sums start
 * and are added at fixed chunks: every figure is the same bytes for one
 * thread or several, sampled or exact. */
Test(quantify, figures_do_not_depend_on_the_thread_count)
{
    char nb[2048], eb[2048];
    crisk_inventory *inv = load(wide_nodes(nb, sizeof nb), wide_edges(eb, sizeof eb));
    size_t prov[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    const crisk_simulation *one = NULL;
    crisk_simulation *sims[4];
    const unsigned threads[] = { 1, 2, 3, 16 };
    for (size_t t = 0; t < COUNT(threads); t++) {
        crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
        o.runs = 9000;   /* several chunks of 4096 runs, the last one short */
        o.seed = 4;
        o.importance = prov;
        o.n_importance = COUNT(prov);
        o.threads = threads[t];
        cr_assert_eq(crisk_simulate_run(&sims[t], inv, &o, NULL), CRISK_OK);
        if (t == 0) {
            one = sims[0];
            continue;
        }
        size_t n0, n1;
        const crisk_function_risk *a = crisk_simulation_functions(one, &n0);
        const crisk_function_risk *b = crisk_simulation_functions(sims[t], &n1);
        cr_assert(same_function_risks(a, b, n0), "%u threads", threads[t]);
        cr_assert(same_money(crisk_simulation_money(one), crisk_simulation_money(sims[t])));
        cr_assert_eq(memcmp(crisk_simulation_loss(one), crisk_simulation_loss(sims[t]),
                            sizeof *crisk_simulation_loss(one)), 0);
        const crisk_importance *x = crisk_simulation_importance(one, &n0);
        const crisk_importance *y = crisk_simulation_importance(sims[t], &n1);
        cr_assert_eq(n0, n1);
        for (size_t i = 0; i < n0; i++)
            cr_assert((x[i].birnbaum == y[i].birnbaum || (isnan(x[i].birnbaum) && isnan(y[i].birnbaum)))
                      && (x[i].raw_std_error == y[i].raw_std_error
                          || (isnan(x[i].raw_std_error) && isnan(y[i].raw_std_error))),
                      "%u threads: importance row %zu", threads[t], i);
    }
    for (size_t t = 0; t < COUNT(threads); t++)
        crisk_simulation_free(sims[t]);
    crisk_inventory_free(inv);
}

