/*
 * cmd_scenarios.c - `chainrisk scenarios`: scenario tests against impact
 * tolerances, from a scenario file or generated from the inventory.
 */
#include "cli_emit.h"
#include "cli_scenarios.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static const char usage[] =
    "usage: chainrisk scenarios [options] INVENTORY... --scenarios FILE\n"
    "       chainrisk scenarios [options] INVENTORY... --generate [-o FILE.csv]\n\n"
    "Scenario tests (DESIGN §5): every scenario fails its nodes together for its\n"
    "hours; the failures propagate (DESIGN §4) and every function's downtime is\n"
    "worked out (a group needing k of n is down for its (n-k+1)-th longest member\n"
    "outage).  Reports per scenario what fails, the criticality lost, the\n"
    "functions whose downtime exceeds their rto_hours and the earliest breach,\n"
    "sorted by criticality lost.\n\n"
    "options:\n"
    "  --scenarios FILE            the scenarios: CSV with id, fails (required),\n"
    "                              name, hours, description; fails holds ';'-separated\n"
    "                              ids and selectors parent:NAME, country:CC,\n"
    "                              category:X, type:X (data/README.md)\n"
    "  --generate                  derive the scenarios from the inventory: every\n"
    "                              parent group of 2+ providers, every country,\n"
    "                              every shared Nth party, every node that defeats a\n"
    "                              redundancy group, the top providers by impact;\n"
    "                              with -o FILE, write them as a scenario file to edit\n"
    "                              (with --format xlsx, -o takes the results instead)\n"
    "  --top-providers N           with --generate: the N highest-impact providers\n"
    "                              (default 10)\n"
    "  --hours H                   every scenario lasts H hours (default: a scenario's\n"
    "                              hours; blank or generated: each failed node for its\n"
    "                              own recovery_hours, unknown where not given)\n"
    "  --fail-on-breach            exit 1 when a scenario breaches a tolerance (for CI)\n"
    "  --top N                     the first N scenarios\n"
    "  --format table|csv|json|xlsx  output format (default table); CSV, JSON and\n"
    "                              xlsx add the scenario x function matrix\n"
    "                              (unaffected, down, breached, unknown); xlsx: an\n"
    "                              Excel workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings or progress\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input (or a breach with --fail-on-breach),\n"
    "2 usage error, 3 internal error\n";

typedef struct scenarios_cli {
    cli_scenario_args sc;          /* first: the shared option handlers use it */
    int fail_on_breach;
    const cli_common *c;
    crisk_scenario_set *set;
    crisk_scenario_run *run;
} scenarios_cli;

static int opt_fail_on_breach(void *ctx, const char *value)
{
    (void)value;
    ((scenarios_cli *)ctx)->fail_on_breach = 1;
    return 0;
}

static const cli_option options[] = {
    CLI_SCENARIO_OPTIONS,
    { "fail-on-breach", no_argument, opt_fail_on_breach },
    { NULL, 0, NULL }
};

static int check_usage(const cli_common *c, const scenarios_cli *s)
{
    if (cli_no_args(c) != 0 || cli_scenarios_wanted(&s->sc, 1) < 0)
        return -1;
    if (s->sc.generate && c->output != NULL && c->format == CRISK_FORMAT_JSON)
        return cli_usage_error("scenarios", "--generate -o FILE writes a scenario file (CSV), "
                                            "not JSON");
    return 0;
}

/* Load (or generate) the scenarios; *inv (and the analysis it needed) are
 * the caller's to free. */
static int scenarios(scenarios_cli *s, crisk_inventory **inv, crisk_analysis **a)
{
    int rc = cli_analyse(s->c, s->sc.generate ? CLI_KEEP_FALSE_REDUNDANCY : 0, inv,
                         s->sc.generate ? a : NULL);
    if (rc != EXIT_OK)
        return rc;
    return cli_scenarios_load(s->c, &s->sc, *inv, a != NULL ? *a : NULL, &s->set);
}

/* ---- writing -------------------------------------------------------------------------- */

static int emit_library(FILE *f, void *ctx, crisk_error *err)
{
    return crisk_scenario_set_write(f, ((scenarios_cli *)ctx)->set, err);
}

static int write_library(scenarios_cli *s)
{
    int rc = cli_write(s->c, emit_library, s);
    if (rc == EXIT_OK && !s->c->quiet) {
        size_t n = crisk_scenario_set_count(s->set);
        fprintf(stderr, "chainrisk: wrote %zu scenario%s to %s\n", n, n == 1 ? "" : "s",
                s->c->output);
    }
    return rc;
}

static int emit_results(FILE *f, void *ctx, crisk_error *err)
{
    scenarios_cli *s = ctx;
    crisk_provenance prov;
    cli_provenance(s->c, &prov);
    return crisk_emit_scenarios(f, s->run, s->c->top, s->c->format, &prov, err);
}

static int run(scenarios_cli *s, const crisk_inventory *inv)
{
    /* only what is shown: a large library with --top costs what it shows */
    size_t keep = s->c->top >= 0 ? (size_t)s->c->top : SIZE_MAX;
    int rc = cli_scenarios_run(s->c, &s->sc, inv, s->set, keep, &s->run);
    if (rc != EXIT_OK)
        return rc;
    rc = cli_write(s->c, emit_results, s);
    size_t breaching = crisk_scenario_run_breaching(s->run);
    if (rc == EXIT_OK && s->fail_on_breach && breaching > 0) {
        fprintf(stderr, "chainrisk: %zu scenario%s breach%s a tolerance (--fail-on-breach)\n",
                breaching, breaching == 1 ? "" : "s", breaching == 1 ? "es" : "");
        rc = EXIT_INVALID;
    }
    return rc;
}

int cmd_scenarios(int argc, char **argv)
{
    cli_common c = { 0 };
    scenarios_cli s = { .sc = CLI_SCENARIO_ARGS_INIT("scenarios"), .c = &c };
    int rc = cli_parse(&c, argc, argv, usage, options, &s);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (check_usage(&c, &s) != 0)
        return EXIT_USAGE;
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    rc = scenarios(&s, &inv, &a);
    if (rc == EXIT_OK)
        rc = s.sc.generate && c.output != NULL && !c.xlsx ? write_library(&s) : run(&s, inv);
    crisk_scenario_run_free(s.run);
    crisk_scenario_set_free(s.set);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return rc;
}
