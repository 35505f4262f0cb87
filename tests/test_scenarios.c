/*
 * test_scenarios.c - scenario tests (chainrisk/scenario.h): the scenario
 * file reader and every error it reports, the hand-worked scenarios of
 * data/sample/scenarios.csv, the generated library, and the engine's
 * special paths.  The engine against the brute-force reference on random
 * inventories is in test_reference.c.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "reference.h"

#define FIXTURE(name) CRISK_FIXTURES "/scenarios/" name
#define SAMPLE_SCENARIOS CRISK_SOURCE_DIR "/data/sample/scenarios.csv"

static crisk_inventory *sample(void)
{
    crisk_input in = { CRISK_SOURCE_DIR "/data/sample", NULL, NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_inventory *inv = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, NULL, &diags, &err), CRISK_OK, "%s", err.message);
    crisk_diagnostics_release(&diags);
    return inv;
}

/* Every diagnostic of reading `path`, one per line, with the file name
 * only (not the fixture directory). */
static char *read_problems(const crisk_inventory *inv, const char *path, int *rc,
                           crisk_scenario_set **set, crisk_error *err)
{
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    *rc = crisk_scenario_set_load(set, inv, path, &diags, err);
    char *out = calloc(1, 8192), line[1024];
    const char *base = strrchr(path, '/') + 1;
    for (size_t i = 0; i < diags.count; i++) {
        crisk_diag_format(&diags.items[i], line, sizeof line);
        strcat(out, strstr(line, base));
        strcat(out, "\n");
    }
    crisk_diagnostics_release(&diags);
    return out;
}

static void expect_problems(const char *fixture, int want_rc, const char *want)
{
    crisk_inventory *inv = sample();
    crisk_scenario_set *set = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    int rc = 0;
    char *got = read_problems(inv, fixture, &rc, &set, &err);
    cr_expect_eq(rc, want_rc, "%s: rc %d (%s)", fixture, rc, err.message);
    cr_expect_str_eq(got, want, "%s", fixture);
    if (want_rc != CRISK_OK) {
        cr_expect_null(set, "a failed read returns no set");
        cr_expect_eq(err.code, want_rc);
        cr_expect_neq(err.line, 0, "the first error is positioned");
    } else {
        cr_expect_not_null(set);
    }
    free(got);
    crisk_scenario_set_free(set);
    crisk_inventory_free(inv);
}

/* ---- the reader's errors: exact text, line and column ------------------------ */

Test(scenario_file, missing_required_column_is_reported_on_the_header)
{
    expect_problems(FIXTURE("missing_fails.csv"), CRISK_EINVALID,
                    "missing_fails.csv:1:0: missing required column 'fails'\n");
}

Test(scenario_file, duplicate_column_is_an_error_and_unknown_column_a_warning)
{
    expect_problems(FIXTURE("duplicate_column.csv"), CRISK_EINVALID,
                    "duplicate_column.csv:1:3: duplicate column 'Fails' (same as column 2)\n"
                    "duplicate_column.csv:1:4: warning: unknown column 'owner' (ignored)\n");
    expect_problems(FIXTURE("unknown_column.csv"), CRISK_OK,
                    "unknown_column.csv:1:3: warning: unknown column 'owner' (ignored)\n");
}

Test(scenario_file, empty_and_duplicate_ids_are_errors)
{
    expect_problems(FIXTURE("bad_ids.csv"), CRISK_EINVALID,
                    "bad_ids.csv:3:1: empty scenario id\n"
                    "bad_ids.csv:4:1: duplicate scenario id 'a' (first on line 2)\n");
}

/* Every term of a cell is checked; the column is the fails column. */
Test(scenario_file, bad_terms_are_errors_with_hints)
{
    expect_problems(FIXTURE("bad_terms.csv"), CRISK_EINVALID,
                    "bad_terms.csv:2:2: unknown node 'mainknoten-xi' (did you mean 'mainknoten-ix'?)\n"
                    "bad_terms.csv:3:2: unknown category 'clowd' in selector 'category:clowd' (did you mean 'cloud'?)\n"
                    "bad_terms.csv:3:2: unknown selector 'parnet:Nordwolke Group' (did you mean 'parent:Nordwolke Group'?)\n"
                    "bad_terms.csv:4:2: invalid country 'Deutschland' in selector 'country:Deutschland' (expected a 2-letter ISO 3166-1 code such as 'DE')\n"
                    "bad_terms.csv:5:2: no failure term in 'fails'\n"
                    "bad_terms.csv:6:2: unknown node 'vendor:acme' (a selector is parent:, country:, category: or type:)\n");
}

Test(scenario_file, bad_hours_are_errors)
{
    expect_problems(FIXTURE("bad_hours.csv"), CRISK_EINVALID,
                    "bad_hours.csv:2:3: invalid hours 'soon' (not a number)\n"
                    "bad_hours.csv:3:3: invalid hours '-4' (must be >= 0)\n"
                    "bad_hours.csv:4:3: invalid hours '1e999' (not a number)\n");
}

Test(scenario_file, selector_matching_nothing_is_a_warning)
{
    expect_problems(FIXTURE("empty_selectors.csv"), CRISK_OK,
                    "empty_selectors.csv:2:2: warning: selector 'parent:Nordwolke' matches no provider\n"
                    "empty_selectors.csv:3:2: warning: selector 'country:JP' matches no provider\n");
}

Test(scenario_file, csv_syntax_errors_come_from_the_csv_reader)
{
    expect_problems(FIXTURE("bad_csv.csv"), CRISK_EINVALID,
                    "bad_csv.csv:2:0: expected 3 fields, found 4\n"
                    "bad_csv.csv:3:2: unterminated quoted field\n");
}

Test(scenario_file, missing_file_is_reported)
{
    crisk_inventory *inv = sample();
    crisk_scenario_set *set = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    int rc = 0;
    char *got = read_problems(inv, FIXTURE("no-such-file.csv"), &rc, &set, &err);
    cr_expect_eq(rc, CRISK_ENOTFOUND);
    cr_expect_str_eq(got, "no-such-file.csv: cannot open file: No such file or directory\n");
    free(got);
    crisk_inventory_free(inv);
}

/* ';' separates terms, ";;" is a ';' inside one, blanks around terms and a
 * trailing separator are ignored, a node named twice counts once. */
Test(scenario_file, terms_split_on_semicolons)
{
    ref_model g;
    ref_model_init(&g);
    ref_add_node(&g, "a;b", CRISK_NODE_SUPPLIER);
    ref_add_node(&g, "c", CRISK_NODE_SUPPLIER);
    crisk_inventory *inv = NULL;
    char why[256];
    cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "%s", why);
    char path[] = "/tmp/crisk-scenarios-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("ID,Fails,Hours\ns1, a;;b ; c;c ;,\n", f);
    fclose(f);
    crisk_scenario_set *set = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_scenario_set_load(&set, inv, path, &diags, &err), CRISK_OK, "%s", err.message);
    cr_expect_eq(diags.count, 0);
    crisk_scenario sc;
    crisk_scenario_set_get(set, 0, &sc);
    cr_expect_str_eq(sc.id, "s1");
    cr_expect_str_eq(sc.fails, "a;;b ; c;c ;");
    cr_expect(isnan(sc.hours), "blank hours: each node its recovery_hours");
    cr_expect_eq(sc.n_nodes, 2);
    cr_expect_eq(sc.nodes[0], 0);
    cr_expect_eq(sc.nodes[1], 1);
    cr_expect_eq(sc.line, 2);
    const char *src, *sha;
    uint64_t bytes;
    size_t rows;
    crisk_scenario_set_source(set, &src, &sha, &bytes, &rows);
    cr_expect_eq(bytes, strlen("ID,Fails,Hours\ns1, a;;b ; c;c ;,\n"));
    cr_expect_str_eq(src, path);
    cr_expect_eq(strlen(sha), 64);
    cr_expect_eq(rows, 1);
    remove(path);
    crisk_diagnostics_release(&diags);
    crisk_scenario_set_free(set);
    crisk_inventory_free(inv);
    ref_model_release(&g);
}

/* ---- the hand-worked sample scenarios ----------------------------------------- */

typedef struct run {
    crisk_inventory *inv;
    crisk_scenario_set *set;
    crisk_scenario_run *r;
} run;

static run run_file(const char *path, const crisk_scenario_options *opts)
{
    run x = { sample(), NULL, NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_scenario_set_load(&x.set, x.inv, path, &diags, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(diags.count, 0);
    crisk_diagnostics_release(&diags);
    cr_assert_eq(crisk_scenarios_run(&x.r, x.inv, x.set, opts, &err), CRISK_OK, "%s", err.message);
    return x;
}

static void run_release(run *x)
{
    crisk_scenario_run_free(x->r);
    crisk_scenario_set_free(x->set);
    crisk_inventory_free(x->inv);
}

static const crisk_scenario_result *result_of(const run *x, const char *id, size_t *place)
{
    size_t n = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(x->r, &n);
    for (size_t i = 0; i < n; i++) {
        crisk_scenario sc;
        crisk_scenario_set_get(x->set, res[i].scenario, &sc);
        if (strcmp(sc.id, id) == 0) {
            if (place != NULL)
                *place = i;
            return &res[i];
        }
    }
    cr_assert_fail("no result for '%s'", id);
    return NULL;
}

static const crisk_scenario_function *down_of(const run *x, const crisk_scenario_result *res,
                                              const char *function)
{
    for (size_t i = 0; i < res->functions_down; i++)
        if (strcmp(crisk_inventory_node_id(x->inv, res->functions[i].function), function) == 0)
            return &res->functions[i];
    return NULL;
}

typedef struct expected {
    const char *id;
    size_t place, failed, functions;
    double lost;
    size_t breached;
    double earliest;
    crisk_tolerance verdict;
} expected;

static void expect_result(const run *x, const expected *e)
{
    size_t place = 99;
    const crisk_scenario_result *res = result_of(x, e->id, &place);
    cr_expect_eq(place, e->place, "%s: place %zu", e->id, place);
    cr_expect_eq(res->failed_nodes, e->failed, "%s: %zu failed", e->id, res->failed_nodes);
    cr_expect_eq(res->functions_down, e->functions, "%s: %zu functions", e->id, res->functions_down);
    cr_expect_eq(res->criticality_lost, e->lost, "%s: lost %g", e->id, res->criticality_lost);
    cr_expect(fabs(res->lost_share - e->lost / 47) < 1e-12, "%s: share %g", e->id, res->lost_share);
    cr_expect_eq(res->breached, e->breached, "%s: %zu breached", e->id, res->breached);
    cr_expect_eq(res->unknown, 0, "%s: every sample function has an rto and every provider a recovery", e->id);
    cr_expect(res->earliest_breach == e->earliest || (isnan(e->earliest) && isnan(res->earliest_breach)),
              "%s: earliest %g", e->id, res->earliest_breach);
    cr_expect_eq(res->verdict, e->verdict, "%s: verdict %d", e->id, res->verdict);
}

/*
 * data/sample/scenarios.csv, worked out by hand (total criticality 47):
 *
 * nordwolke-group, parent:Nordwolke Group for 12 h: nordwolke-workplace,
 *   -tenant and -fra1 fail; fra1 hosts medakte-ehr, labora-lis and
 *   leitstellen-link, the tenant hosts sso-idp.  Functions: ehr-access
 *   (medakte, sso) 5, telemedicine (sso) 2, staff-communication (sso,
 *   workplace) 3, lab-results (labora) 4, emergency-admissions (leitstellen,
 *   ehr-access) 5 = 19 (40.4 %).  Failed: 3 + 4 providers + 5 functions = 12.
 *   Breached at 12 h (rto < 12): ehr 2, staff 8, lab 4, emergency 1 -> 4;
 *   telemedicine (24) within.  Earliest breach: 1 h.
 *
 * country-nl, country:NL with each provider's recovery_hours: noordstroom
 *   4 h, amstel-dc 6 h, polder-cloud-ams1 8 h, radiaview-pacs 24 h.  The
 *   chain grid -> data centre -> region holds polder down max(8, 6, 4) = 8 h
 *   and with it everything it hosts: kassenwerk-billing, lohnwerk-payroll,
 *   terminfix-booking, wartungsplaner-cmms, remotewarden-rmm -> medtech-
 *   wartung and rheinnet-msp -> rheinnet-sdwan, all 8 h.  Every function but
 *   icu-monitoring fails (12, criticality 42, 89.4 %); failed 4 + 8 + 12 =
 *   24.  radiology-pacs is down max(radiaview 24, msp 8, medtech 8) = 24 h,
 *   every other function 8 h.  Breached: emergency (1), ehr (2), lab (4),
 *   radiology (4 < 24), pharmacy (4), blood-bank (2) -> 6; staff-
 *   communication is down 8 h with rto 8: within (8 does not exceed 8).
 *
 * edr-update, wachturm-edr for 24 h: its 9 dependants fail (medakte-ehr,
 *   labora-lis, radiaview-pacs, pharmalog-dispensing, kassenwerk-billing,
 *   hemotrace-bbis, rheinnet-msp, leitstellen-link, apo-robotik), and
 *   rheinnet-sdwan through the MSP.  Functions: all but icu-monitoring and
 *   device-maintenance: 11, criticality 39 (83.0 %); failed 1 + 10 + 11 = 22.
 *   Breached at 24 h: emergency 1, ehr 2, lab 4, radiology 4, pharmacy 4,
 *   staff 8, blood-bank 2 -> 7; appointment-booking and telemedicine (24),
 *   billing (72), payroll (120) within.
 *
 * msp-72h, rheinnet-msp and remotewarden-rmm for 72 h: the RMM tool fails
 *   medtech-wartung (radiology-pacs, device-maintenance) and the MSP, which
 *   fails eight functions and rheinnet-sdwan (payroll, appointment-booking,
 *   telemedicine).  12 functions, criticality 42; failed 2 + 2 + 12 = 16.
 *   Breached at 72 h: every rto below 72 - emergency, ehr, lab, radiology,
 *   pharmacy, staff, blood-bank, appointment (24), telemedicine (24) -> 9;
 *   billing and device-maintenance (72) and payroll (120) within.
 *
 * workplace-4h, nordwolke-workplace for 4 h: staff-communication fails
 *   (criticality 3, 6.4 %); 2 nodes; down 4 h, rto 8: within tolerance.
 *
 * Order: criticality lost desc, then breached desc: msp-72h (42, 9),
 * country-nl (42, 6), edr-update (39), nordwolke-group (19), workplace-4h.
 */
Test(scenarios, sample_scenarios_worked_by_hand)
{
    run x = run_file(SAMPLE_SCENARIOS, NULL);
    const expected want[] = {
        { "msp-72h", 0, 16, 12, 42, 9, 1, CRISK_TOLERANCE_BREACHED },
        { "country-nl", 1, 24, 12, 42, 6, 1, CRISK_TOLERANCE_BREACHED },
        { "edr-update", 2, 22, 11, 39, 7, 1, CRISK_TOLERANCE_BREACHED },
        { "nordwolke-group", 3, 12, 5, 19, 4, 1, CRISK_TOLERANCE_BREACHED },
        { "workplace-4h", 4, 2, 1, 3, 0, NAN, CRISK_TOLERANCE_WITHIN },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        expect_result(&x, &want[i]);
    const crisk_scenario_result *nl = result_of(&x, "country-nl", NULL);
    const crisk_scenario_function *pacs = down_of(&x, nl, "radiology-pacs");
    const crisk_scenario_function *staff = down_of(&x, nl, "staff-communication");
    cr_assert_not_null(pacs);
    cr_assert_not_null(staff);
    cr_expect(pacs->downtime.lo == 24 && pacs->downtime.hi == 24, "radiology 24 h");
    cr_expect(staff->downtime.lo == 8 && staff->downtime.hi == 8, "staff 8 h");
    cr_expect_eq(staff->tolerance, CRISK_TOLERANCE_WITHIN);
    cr_expect_null(down_of(&x, nl, "icu-monitoring"));
    /* functions down: criticality desc, then id */
    cr_expect_str_eq(crisk_inventory_node_id(x.inv, nl->functions[0].function), "blood-bank");
    cr_expect_eq(crisk_scenario_run_breaching(x.r), 4);
    cr_expect_eq(crisk_scenario_run_unknown(x.r), 0);
    size_t columns = 0;
    const uint32_t *fn = crisk_scenario_run_functions(x.r, &columns);
    cr_expect_eq(columns, 13);
    cr_expect_str_eq(crisk_inventory_node_id(x.inv, fn[0]), "appointment-booking");
    run_release(&x);
}

/* --hours overrides every scenario's duration: at 1 h only the functions
 * with an rto below 1 h breach (emergency-admissions has rto 1: within). */
Test(scenarios, hours_option_overrides_every_scenario)
{
    crisk_scenario_options opts = CRISK_SCENARIO_OPTIONS_INIT;
    opts.use_hours = 1;
    opts.hours = 1;
    run x = run_file(SAMPLE_SCENARIOS, &opts);
    size_t n = 0, down = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(x.r, &n);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(res[i].hours, 1);
        cr_expect_eq(res[i].breached, 0, "no sample function other than icu has an rto below 1 h");
        for (size_t k = 0; k < res[i].functions_down; k++)
            cr_expect(res[i].functions[k].downtime.lo == 1 && res[i].functions[k].downtime.hi == 1);
        down += res[i].functions_down;
    }
    /* the same nodes fail, only for 1 h: 12 + 12 + 11 + 5 + 1 functions */
    cr_expect_eq(down, 41);
    cr_expect_eq(result_of(&x, "country-nl", NULL)->failed_nodes, 24);
    cr_expect_eq(result_of(&x, "msp-72h", NULL)->verdict, CRISK_TOLERANCE_WITHIN);
    run_release(&x);
}

/* keep_functions 2: every result is counted, only the first two keep
 * their functions down - the same as when all are kept. */
Test(scenarios, keeping_the_functions_of_the_first_results_only)
{
    run all = run_file(SAMPLE_SCENARIOS, NULL);
    crisk_scenario_options opts = CRISK_SCENARIO_OPTIONS_INIT;
    opts.keep_functions = 2;
    run two = run_file(SAMPLE_SCENARIOS, &opts);
    size_t n = 0, m = 0;
    const crisk_scenario_result *a = crisk_scenario_run_results(all.r, &n);
    const crisk_scenario_result *b = crisk_scenario_run_results(two.r, &m);
    cr_assert_eq(n, m);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(a[i].scenario, b[i].scenario);
        cr_expect_eq(a[i].failed_nodes, b[i].failed_nodes);
        cr_expect_eq(a[i].functions_down, b[i].functions_down);
        cr_expect_eq(a[i].breached, b[i].breached);
        cr_expect_eq(b[i].functions == NULL, i >= 2, "result %zu", i);
        for (size_t k = 0; i < 2 && k < a[i].functions_down; k++) {
            cr_expect_eq(a[i].functions[k].function, b[i].functions[k].function);
            cr_expect_eq(a[i].functions[k].tolerance, b[i].functions[k].tolerance);
        }
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    crisk_error err = CRISK_ERROR_INIT;
    cr_expect_eq(crisk_emit_scenarios(f, two.r, 2, CRISK_FORMAT_CSV, NULL, &err), CRISK_OK);
    cr_expect_eq(crisk_emit_scenarios(f, two.r, 3, CRISK_FORMAT_CSV, NULL, &err), CRISK_EUSAGE);
    cr_expect_str_eq(err.message, "the scenario run kept the functions down of fewer results "
                                  "than are to be shown (keep_functions)");
    fclose(f);
    free(buf);
    run_release(&two);
    run_release(&all);
}

/* ---- the generated library ----------------------------------------------------- */

static crisk_analysis *analyse(const crisk_inventory *inv)
{
    crisk_analysis *a = NULL;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK, "%s", err.message);
    return a;
}

/*
 * The sample has six parent groups of two or more providers, ten
 * countries, twelve shared Nth parties (tier >= 2, two or more tier-1
 * dependants: wachturm-edr, amstel-dc, noordstroom, polder-cloud-ams1,
 * mainport-colo, nordwolke-fra1, taunus-energie, hl7-bridge,
 * remotewarden-rmm, leuchtturm-dns, mainknoten-ix, nuage-lyon),
 * one false-redundancy shared node (mainknoten-ix, already shared) and a
 * top ten by impact of which rheinnet-msp, edgeline-sdwan and
 * rheinnet-sdwan are new: 6 + 10 + 12 + 3 = 31 scenarios.
 */
Test(scenarios, generated_library_tests_each_failure_once)
{
    crisk_inventory *inv = sample();
    crisk_analysis *a = analyse(inv);
    crisk_scenario_set *set = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_scenarios_generate(&set, a, NULL, &err), CRISK_OK, "%s", err.message);
    cr_expect_eq(crisk_scenario_set_count(set), 31);
    size_t at = 0;
    cr_assert_eq(crisk_scenario_set_find(set, "parent:Nordwolke Group", &at), CRISK_OK);
    crisk_scenario sc;
    crisk_scenario_set_get(set, at, &sc);
    cr_expect_eq(sc.n_nodes, 3);
    cr_expect_str_eq(sc.fails, "parent:Nordwolke Group");
    cr_expect(isnan(sc.hours));
    cr_expect_eq(sc.line, 0);
    cr_assert_eq(crisk_scenario_set_find(set, "node:mainknoten-ix", &at), CRISK_OK);
    crisk_scenario_set_get(set, at, &sc);
    cr_expect_str_eq(sc.description, "shared Nth party: 2 tier-1 dependants; defeats redundancy "
                                     "group 'internet' of rheinnet-sdwan; impact #7: 8 functions, "
                                     "criticality 26");
    cr_expect_eq(crisk_scenario_set_find(set, "parent:Kernwerk Systems GmbH", &at), CRISK_ENOTFOUND,
                 "a group of one is no group");
    cr_expect_eq(crisk_scenario_set_find(set, "country:DE", &at), CRISK_OK);
    crisk_scenario_set_get(set, at, &sc);
    cr_expect_str_eq(sc.description, "all 29 providers in DE");
    crisk_generate_options opts = CRISK_GENERATE_OPTIONS_INIT;
    opts.top = 0;
    opts.use_hours = 1;
    opts.hours = 8;
    crisk_scenario_set *fewer = NULL;
    cr_assert_eq(crisk_scenarios_generate(&fewer, a, &opts, &err), CRISK_OK);
    cr_expect_eq(crisk_scenario_set_count(fewer), 28, "without the top providers");
    crisk_scenario_set_get(fewer, 0, &sc);
    cr_expect_eq(sc.hours, 8);
    crisk_scenario_set_free(fewer);
    crisk_scenario_set_free(set);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* A written library reads back as the same set: ids, names, terms, hours,
 * descriptions and nodes. */
Test(scenarios, generated_library_round_trips_through_a_file)
{
    crisk_inventory *inv = sample();
    crisk_analysis *a = analyse(inv);
    crisk_scenario_set *set = NULL, *back = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_generate_options opts = CRISK_GENERATE_OPTIONS_INIT;
    opts.use_hours = 1;
    opts.hours = 0.25;
    cr_assert_eq(crisk_scenarios_generate(&set, a, &opts, &err), CRISK_OK, "%s", err.message);
    char path[] = "/tmp/crisk-library-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    cr_assert_eq(crisk_scenario_set_write(f, set, &err), CRISK_OK);
    fclose(f);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    cr_assert_eq(crisk_scenario_set_load(&back, inv, path, &diags, &err), CRISK_OK, "%s", err.message);
    cr_expect_eq(diags.count, 0);
    cr_assert_eq(crisk_scenario_set_count(back), crisk_scenario_set_count(set));
    for (size_t i = 0; i < crisk_scenario_set_count(set); i++) {
        crisk_scenario x, y;
        crisk_scenario_set_get(set, i, &x);
        crisk_scenario_set_get(back, i, &y);
        cr_expect_str_eq(x.id, y.id);
        cr_expect_str_eq(x.name, y.name);
        cr_expect_str_eq(x.fails, y.fails);
        cr_expect_str_eq(x.description, y.description);
        cr_expect_eq(x.hours, y.hours);
        cr_expect_eq(x.n_nodes, y.n_nodes, "%s", x.id);
        cr_expect_eq(memcmp(x.nodes, y.nodes, x.n_nodes * sizeof *x.nodes), 0, "%s", x.id);
    }
    remove(path);
    crisk_diagnostics_release(&diags);
    crisk_scenario_set_free(back);
    crisk_scenario_set_free(set);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* ---- the engine's special paths ------------------------------------------------- */

/* f needs every one of 600 providers, each with its own recovery_hours
 * (1, 2, ..., 600): 600 thresholds, more than a sweep's 512 bits, so the
 * scenario runs alone through the duration engine; f is down 600 h.  A
 * second scenario (p0 alone, 1 h) shares no sweep with it. */
Test(scenarios, scenario_with_more_thresholds_than_bits_runs_alone)
{
    ref_model g;
    ref_model_init(&g);
    int f = ref_add_node(&g, "f", CRISK_NODE_FUNCTION);
    g.nodes[f].rto_hours = 100;
    uint32_t nodes[600];
    for (int i = 0; i < 600; i++) {
        char id[16];
        snprintf(id, sizeof id, "p%d", i);
        int p = ref_add_node(&g, id, CRISK_NODE_SUPPLIER);
        g.nodes[p].recovery_hours = i + 1;
        ref_add_edge(&g, f, p, "", 0);
        nodes[i] = (uint32_t)p;
    }
    crisk_inventory *inv = NULL;
    char why[256];
    cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "%s", why);
    crisk_scenario_set *set = NULL;
    cr_assert_eq(crisk_scenario_set_new(&set, NULL), CRISK_OK);
    crisk_scenario all = { .id = "all", .fails = "type:supplier", .hours = NAN, .nodes = nodes,
                           .n_nodes = 600 };
    crisk_scenario one = { .id = "one", .fails = "p0", .hours = NAN, .nodes = nodes, .n_nodes = 1 };
    cr_assert_eq(crisk_scenario_set_add(set, &all, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenario_set_add(set, &one, NULL), CRISK_OK);
    crisk_scenario_run *r = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_scenarios_run(&r, inv, set, NULL, &err), CRISK_OK, "%s", err.message);
    size_t n = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(r, &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(res[0].scenario, 0);
    cr_expect_eq(res[0].failed_nodes, 601);
    cr_expect_eq(res[0].functions[0].downtime.lo, 600);
    cr_expect_eq(res[0].functions[0].downtime.hi, 600);
    cr_expect_eq(res[0].breached, 1);
    cr_expect_eq(res[0].earliest_breach, 100);
    cr_expect_eq(res[1].functions[0].downtime.lo, 1);
    cr_expect_eq(res[1].verdict, CRISK_TOLERANCE_WITHIN);
    crisk_scenario_run_free(r);
    crisk_scenario_set_free(set);
    crisk_inventory_free(inv);
    ref_model_release(&g);
}

/* A scenario whose terms matched nothing fails nothing and stays within
 * tolerance; unknown recoveries make bounds: u has none, so f (needing u)
 * is down for some unknown time and with rto 0 breached for certain, g
 * (rto 5) cannot be judged. */
Test(scenarios, empty_scenario_and_unknown_recovery)
{
    ref_model g;
    ref_model_init(&g);
    int f = ref_add_node(&g, "f", CRISK_NODE_FUNCTION);
    int h = ref_add_node(&g, "g", CRISK_NODE_FUNCTION);
    int u = ref_add_node(&g, "u", CRISK_NODE_SUPPLIER);
    g.nodes[f].rto_hours = 0;
    g.nodes[h].rto_hours = 5;
    ref_add_edge(&g, f, u, "", 0);
    ref_add_edge(&g, h, u, "", 0);
    crisk_inventory *inv = NULL;
    char why[256];
    cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "%s", why);
    crisk_scenario_set *set = NULL;
    cr_assert_eq(crisk_scenario_set_new(&set, NULL), CRISK_OK);
    uint32_t nu = (uint32_t)u;
    crisk_scenario none = { .id = "none", .fails = "country:JP", .hours = NAN };
    crisk_scenario lost = { .id = "lost", .fails = "u", .hours = NAN, .nodes = &nu, .n_nodes = 1 };
    cr_assert_eq(crisk_scenario_set_add(set, &none, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenario_set_add(set, &lost, NULL), CRISK_OK);
    crisk_error err = CRISK_ERROR_INIT;
    cr_expect_eq(crisk_scenario_set_add(set, &lost, &err), CRISK_EINVALID);
    cr_expect_str_eq(err.message, "duplicate scenario id 'lost'");
    crisk_scenario_run *r = NULL;
    cr_assert_eq(crisk_scenarios_run(&r, inv, set, NULL, &err), CRISK_OK, "%s", err.message);
    size_t n = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(r, &n);
    cr_assert_eq(n, 2);
    cr_expect_eq(res[1].scenario, 0, "nothing lost: last");
    cr_expect_eq(res[1].failed_nodes, 0);
    cr_expect_eq(res[1].verdict, CRISK_TOLERANCE_WITHIN);
    cr_expect_eq(res[0].breached, 1);
    cr_expect_eq(res[0].unknown, 1);
    cr_expect_eq(res[0].verdict, CRISK_TOLERANCE_BREACHED);
    cr_expect_eq(res[0].earliest_breach, 0);
    const crisk_scenario_function *x = &res[0].functions[0];
    cr_expect(x->downtime.lo == 0 && x->downtime.lo_open && isinf(x->downtime.hi));
    cr_expect_eq(crisk_scenario_run_unknown(r), 0, "a scenario with a breach counts as breaching");
    crisk_scenario_run_free(r);
    crisk_scenario_set_free(set);
    crisk_inventory_free(inv);
    ref_model_release(&g);
}

/* A run in which no scenario takes a function down (the only scenario's
 * selector matches nothing): the functions-down list was never allocated,
 * and ordering each result's empty slice of it must not touch it (found
 * by fuzz_scenarios: a zero offset applied to a null pointer). */
Test(scenarios, run_where_nothing_goes_down)
{
    crisk_inventory *inv = sample();
    crisk_scenario_set *set = NULL;
    cr_assert_eq(crisk_scenario_set_new(&set, NULL), CRISK_OK);
    crisk_scenario none = { .id = "none", .fails = "country:JP", .hours = 4 };
    cr_assert_eq(crisk_scenario_set_add(set, &none, NULL), CRISK_OK);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_scenario_run *r = NULL;
    cr_assert_eq(crisk_scenarios_run(&r, inv, set, NULL, &err), CRISK_OK, "%s", err.message);
    size_t n = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(r, &n);
    cr_assert_eq(n, 1);
    cr_expect_eq(res[0].failed_nodes, 0);
    cr_expect_eq(res[0].functions_down, 0);
    cr_expect_eq(res[0].breached, 0);
    cr_expect_eq(res[0].verdict, CRISK_TOLERANCE_WITHIN);
    crisk_scenario_run_free(r);
    crisk_scenario_set_free(set);
    crisk_inventory_free(inv);
}

/* ---- joint failure of provider groups (concentration) ------------------------- */

/* Every parent group and every country of the sample: the joint impact
 * concentration reports equals a cascade (cascade.c, not the batched
 * engine) of all the group's providers, whether the engine builds its
 * topology or sweeps on the one the analysis kept (keep_topology).  Hand-worked ones, from the
 * scenarios above: Nordwolke Group 5 functions / 19, RheinNet Gruppe
 * 11 / 39, DE 13 / 47, NL 12 / 42. */
static void check_joint_impacts(int keep_topology)
{
    crisk_inventory *inv = sample();
    crisk_analysis *a = NULL;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.keep_topology = keep_topology;   /* the joint failures sweep on the analysis' */
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK, "%s", err.message);
    crisk_selector *sel = NULL;
    cr_assert_eq(crisk_selector_new(&sel, inv, NULL), CRISK_OK);
    const crisk_concentration_by bys[] = { CRISK_BY_PARENT, CRISK_BY_COUNTRY };
    const crisk_selector_kind kinds[] = { CRISK_SELECT_PARENT, CRISK_SELECT_COUNTRY };
    size_t checked = 0;
    for (int b = 0; b < 2; b++) {
        crisk_concentration *c = NULL;
        cr_assert_eq(crisk_concentration_compute(&c, a, bys[b], NULL), CRISK_OK);
        size_t n = 0;
        const crisk_share *sh = crisk_concentration_shares(c, &n);
        for (size_t i = 0; i < n; i++) {
            if (sh[i].entity[0] == '\0')
                continue;
            char term[256];
            snprintf(term, sizeof term, "%s:%s", crisk_selector_kind_name(kinds[b]), sh[i].entity);
            const uint32_t *nodes;
            size_t count = 0;
            cr_assert_eq(crisk_selector_match(sel, term, &nodes, &count, NULL), CRISK_OK, "%s", term);
            cr_expect_eq(count, sh[i].providers, "%s", term);
            size_t initial[64];
            for (size_t k = 0; k < count; k++)
                initial[k] = nodes[k];
            crisk_cascade *cas = NULL;
            cr_assert_eq(crisk_cascade_run(&cas, inv, initial, count, NULL), CRISK_OK);
            size_t functions = 0;
            double lost = 0;
            for (size_t v = 0; v < crisk_inventory_node_count(inv); v++) {
                crisk_node_view view;
                crisk_inventory_node(inv, v, &view);
                if (view.type == CRISK_NODE_FUNCTION && crisk_cascade_is_failed(cas, v)) {
                    functions++;
                    lost += view.criticality;
                }
            }
            cr_expect_eq(sh[i].joint_functions, functions, "%s", term);
            cr_expect_eq(sh[i].joint_criticality, lost, "%s", term);
            cr_expect(fabs(sh[i].joint_share - lost / 47) < 1e-12, "%s", term);
            if (strcmp(term, "parent:Nordwolke Group") == 0 || strcmp(term, "country:NL") == 0)
                cr_expect_eq(lost, term[0] == 'p' ? 19 : 42);
            crisk_cascade_free(cas);
            checked++;
        }
        crisk_concentration_free(c);
    }
    cr_expect_eq(checked, 41 + 10);
    crisk_selector_free(sel);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(concentration, joint_impact_equals_a_cascade_of_the_group)
{
    check_joint_impacts(0);
    check_joint_impacts(1);
}

/* hours 0: the exchange blinks.  What fails is still the §4 cascade (12
 * nodes, 8 functions, as for mainknoten-ix in EXPECTED.md), each down for
 * 0 h, which exceeds no tolerance: within. */
Test(scenario_file, zero_hours_fail_at_the_onset_and_breach_nothing)
{
    expect_problems(FIXTURE("zero_hours.csv"), CRISK_OK, "");
    run x = run_file(FIXTURE("zero_hours.csv"), NULL);
    const crisk_scenario_result *res = result_of(&x, "blink", NULL);
    cr_expect_eq(res->hours, 0);
    cr_expect_eq(res->failed_nodes, 12);
    cr_expect_eq(res->functions_down, 8);
    cr_expect_eq(res->breached, 0);
    cr_expect_eq(res->verdict, CRISK_TOLERANCE_WITHIN);
    for (size_t k = 0; k < res->functions_down; k++)
        cr_expect(res->functions[k].downtime.lo == 0 && res->functions[k].downtime.hi == 0);
    run_release(&x);
}
