/*
 * fuzz_scenarios.c - libFuzzer target for the scenario-file reader
 * (src/import/scenario_file.c), the selectors it resolves terms with
 * (src/model/selector.c) and the scenario engine (src/analysis/scenarios.c).
 *
 * Input: the bytes of a scenario file (--scenarios FILE), arbitrary.  The
 * inventory is fixed and small, written once into a private directory
 * (fuzz_workdir.h) with parents, countries, categories, a k-of-n group, a
 * cycle, a provider without recovery_hours and ids that read like
 * selectors or hold a ';'.  Each input is written to scenarios.csv there
 * and read with crisk_scenario_set_load().  Checks, beyond ASan/UBSan/LSan:
 *   - the status agrees with the diagnostics (CRISK_OK with no error and a
 *     set, an error with no set, `err` set, and at least one diagnostic for
 *     invalid input); every diagnostic renders;
 *   - a set that loaded runs through the batched engine, and every
 *     scenario's result equals the single-scenario duration engine
 *     (crisk_downtime_run) on the same initial nodes: failed nodes, each
 *     function's downtime and tolerance;
 *   - written back with crisk_scenario_set_write, the set reads back with
 *     the same ids, terms, hours and nodes.
 * Everything is freed before returning: LeakSanitizer checks that too.
 *
 * Build and run with tools/fuzz/run.sh (see tools/fuzz/README.md); seeds
 * come from tests/fixtures/scenarios/, plus data/sample/scenarios.csv by
 * tools/fuzz/seed_scenarios.sh.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "fuzz_workdir.h"

static const char nodes_csv[] =
    "id,type,category,criticality,rto_hours,recovery_hours,country,parent\n"
    "f1,function,,5,2,,,\n"
    "f2,function,,3,0,,,\n"
    "f3,function,,1,,,,\n"
    "a,service,cloud,,,8,DE,Acme Group\n"
    "b,service,cloud,,,4,DE,Acme Group\n"
    "c,supplier,telecom,,,,NL,\n"
    "d,supplier,telecom,,,0,NL,Tel Co\n"
    "e,supplier,other,,,12,FR,Tel Co\n"
    "x,service,software,,,24,US,\n"
    "y,service,software,,,2,US,\n"
    "pkg:npm/x@1,component,software,,,6,,\n"
    "a;b,supplier,hardware,,,1,SE,\n";
static const char edges_csv[] =
    "from,to,group,need\n"
    "f1,a,,\n"
    "f1,c,up,2\n"
    "f1,d,up,2\n"
    "f1,e,up,2\n"
    "f2,b,,\n"
    "f2,x,,\n"
    "f3,y,,\n"
    "x,y,,\n"
    "y,x,,\n"
    "y,pkg:npm/x@1,,\n"
    "a,a;b,,\n";

static const char scenarios_path[] = "scenarios.csv";
static const char library_path[] = "library.csv";
static crisk_inventory *inventory;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_scenarios: %s\n", what);
    abort();
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        abort();   /* the harness, not the library, failed */
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("scenarios");
    crisk_igraph_init();
    fuzz_workdir_enter();
    write_file("nodes.csv", nodes_csv, sizeof nodes_csv - 1);
    write_file("edges.csv", edges_csv, sizeof edges_csv - 1);
    crisk_input in = { NULL, "nodes.csv", "edges.csv" };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_inventory_load(&inventory, &in, 1, NULL, &diags, &err) != CRISK_OK)
        fail(err.message);
    crisk_diagnostics_release(&diags);
    fuzz_workdir_leave();
    return 0;
}

static int same_duration(const crisk_duration *a, const crisk_duration *b)
{
    return a->lo == b->lo && a->hi == b->hi && !a->lo_open == !b->lo_open;
}

/* One scenario's batched result against crisk_downtime_run. */
static void check_result(const crisk_scenario *sc, const crisk_scenario_result *res)
{
    size_t n = crisk_inventory_node_count(inventory), failed = 0, down = 0;
    crisk_outage *out = malloc((sc->n_nodes + 1) * sizeof *out);
    for (size_t i = 0; i < sc->n_nodes; i++) {
        crisk_node_view v;
        crisk_inventory_node(inventory, sc->nodes[i], &v);
        out[i] = (crisk_outage){ sc->nodes[i], isnan(sc->hours) ? v.recovery_hours : sc->hours };
    }
    crisk_downtime *d = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_downtime_run(&d, inventory, out, sc->n_nodes, &err) != CRISK_OK)
        fail(err.message);
    for (size_t v = 0; v < n; v++) {
        if (!crisk_downtime_is_failed(d, v))
            continue;
        failed++;
        if (crisk_inventory_node_type(inventory, v) != CRISK_NODE_FUNCTION)
            continue;
        crisk_duration want = crisk_downtime_of(d, v);
        const crisk_scenario_function *got = NULL;
        for (size_t i = 0; i < res->functions_down; i++)
            if (res->functions[i].function == v)
                got = &res->functions[i];
        crisk_node_view view;
        crisk_inventory_node(inventory, v, &view);
        if (got == NULL || !same_duration(&got->downtime, &want)
            || got->tolerance != crisk_tolerance_judge(&want, view.rto_hours))
            fail("a function's downtime differs from crisk_downtime_run");
        down++;
    }
    if (failed != res->failed_nodes || down != res->functions_down)
        fail("failed nodes or functions down differ from crisk_downtime_run");
    crisk_downtime_free(d);
    free(out);
}

static void check_run(const crisk_scenario_set *set)
{
    crisk_scenario_run *r = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_scenarios_run(&r, inventory, set, NULL, &err) != CRISK_OK)
        fail(err.message);
    size_t n = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(r, &n);
    if (n != crisk_scenario_set_count(set))
        fail("a result per scenario");
    for (size_t i = 0; i < n; i++) {
        crisk_scenario sc;
        crisk_scenario_set_get(set, res[i].scenario, &sc);
        check_result(&sc, &res[i]);
    }
    FILE *sink = fopen("/dev/null", "w");
    if (sink == NULL)
        abort();
    crisk_emit_scenarios(sink, r, -1, CRISK_FORMAT_TABLE, NULL, &err);
    crisk_emit_scenarios(sink, r, -1, CRISK_FORMAT_CSV, NULL, &err);
    crisk_emit_scenarios(sink, r, 3, CRISK_FORMAT_JSON, NULL, &err);
    fclose(sink);
    crisk_scenario_run_free(r);
}

/* Written and read back: the same ids, terms, hours and nodes. */
static void check_round_trip(const crisk_scenario_set *set)
{
    FILE *f = fopen(library_path, "wb");
    crisk_error err = CRISK_ERROR_INIT;
    if (f == NULL || crisk_scenario_set_write(f, set, &err) != CRISK_OK || fclose(f) != 0)
        fail("writing the set");
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_scenario_set *back = NULL;
    if (crisk_scenario_set_load(&back, inventory, library_path, &diags, &err) != CRISK_OK)
        fail("a written set does not read back");
    if (crisk_scenario_set_count(back) != crisk_scenario_set_count(set))
        fail("a written set reads back with another count");
    for (size_t i = 0; i < crisk_scenario_set_count(set); i++) {
        crisk_scenario x, y;
        crisk_scenario_set_get(set, i, &x);
        crisk_scenario_set_get(back, i, &y);
        int same_hours = x.hours == y.hours || (isnan(x.hours) && isnan(y.hours));
        if (strcmp(x.id, y.id) != 0 || strcmp(x.fails, y.fails) != 0 || !same_hours
            || x.n_nodes != y.n_nodes
            || (x.n_nodes > 0 && memcmp(x.nodes, y.nodes, x.n_nodes * sizeof *x.nodes) != 0))
            fail("a written scenario reads back differently");
    }
    crisk_scenario_set_free(back);
    crisk_diagnostics_release(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_workdir_enter();
    write_file(scenarios_path, data, size);
    crisk_scenario_set *set = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_scenario_set_load(&set, inventory, scenarios_path, &diags, &err);
    if (rc == CRISK_OK && (diags.errors > 0 || set == NULL))
        fail("load succeeded with errors");
    if (rc != CRISK_OK && (set != NULL || err.code != rc || err.message[0] == '\0'))
        fail("failed load returned a set or no error");
    if (rc == CRISK_EINVALID && diags.errors == 0)
        fail("invalid scenario file without a diagnostic");
    char line[2048];
    for (size_t i = 0; i < diags.count; i++)
        crisk_diag_format(&diags.items[i], line, sizeof line);
    crisk_diagnostics_release(&diags);
    if (set != NULL) {
        check_run(set);
        check_round_trip(set);
        crisk_scenario_set_free(set);
    }
    fuzz_workdir_leave();
    return 0;
}
