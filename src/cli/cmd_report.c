/*
 * cmd_report.c - `chainrisk report`: the self-contained HTML report
 * (DESIGN §6, §7).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_emit.h"
#include "cli_scenarios.h"

static const char usage[] =
    "usage: chainrisk report [options] INVENTORY... [-o FILE.html]\n"
    "       chainrisk report --incident FILE.json [-o FILE.html]\n\n"
    "Write one self-contained HTML page: summary, risk map, top risks, single\n"
    "points of failure per function, shared dependencies and false redundancy,\n"
    "concentration (HHI on spend and reliance bases, joint failure of provider\n"
    "groups), outages and annual loss with the loss exceedance curve, scenario\n"
    "tests when asked, the changes since a baseline and a policy's verdicts when\n"
    "asked, validation warnings and a provenance block (tool version, input\n"
    "SHA-256 digests, options) for audit evidence.\n"
    "No external resources; readable without scripts; prints to PDF.\n"
    "Same input, same bytes - unless --timestamp is given.  With --incident, the\n"
    "page of a decision record of 'chainrisk incident' instead (no INVENTORY).\n\n"
    "options:\n"
    "  -o FILE.html     output (default: stdout)\n"
    "  --top N          rows of the top-risks table (default 25)\n"
    "  --no-map         leave the risk map out\n"
    "  --scenarios FILE add a \"Scenario tests\" section: the scenario x function\n"
    "                   heat table of a scenario file (see 'chainrisk scenarios')\n"
    "  --generate       the same for a library generated from the inventory\n"
    "  --top-providers N, --hours H  as for 'chainrisk scenarios'\n"
    "  --runs N, --seed S  the simulation behind the outages-and-loss section\n"
    "                   (default 10000 runs, seed 1; as in `chainrisk simulate`)\n"
    "  --no-simulation  leave the outages-and-loss section out\n"
    "  --incident FILE.json  render the decision record FILE.json (written by\n"
    "                   'chainrisk incident --format json -o FILE.json') as an\n"
    "                   incident page\n"
    "  --timestamp      record when the report was written (UTC; SOURCE_DATE_EPOCH\n"
    "                   is honoured for reproducible builds)\n"
    "  --baseline PATH  add \"Changes since the baseline\": what changed since the\n"
    "                   inventory PATH (repeatable: inputs merged), as chainrisk diff\n"
    "  --policy POLICY.json  add \"Policy\": each rule's verdict, as chainrisk\n"
    "                   check gives them (the report is written whatever they are)\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS_NARROW
    CLI_HELP_THREADS_NARROW
    "  -q, --quiet      do not print load warnings (the report still lists them)\n"
    "  -h, --help       show this help\n\n"
    "exit status: 0 written, 1 invalid input, 2 usage error or a bad policy,\n"
    "3 internal error\n";

typedef struct report_args {
    cli_scenario_args sc;          /* first: the shared option handlers use it */
    int timestamp;
    int no_map;
    const char *incident;          /* --incident FILE.json */
    const char *baseline[CLI_MAX_INPUTS];
    size_t n_baseline;
    const char *policy;
    const crisk_diff *diff;       /* built from the baseline */
    const crisk_check *check;     /* built from the policy */
    int no_simulation;
    crisk_simulate_options sim;
} report_args;

#define IMPORTANCE_TOP 7   /* as `chainrisk simulate` */

static int opt_incident(void *ctx, const char *value)
{
    ((report_args *)ctx)->incident = value;
    return 0;
}

static int opt_timestamp(void *ctx, const char *value)
{
    (void)value;
    ((report_args *)ctx)->timestamp = 1;
    return 0;
}

static int opt_no_map(void *ctx, const char *value)
{
    (void)value;
    ((report_args *)ctx)->no_map = 1;
    return 0;
}

static int opt_baseline(void *ctx, const char *value)
{
    report_args *args = ctx;
    if (args->n_baseline == CLI_MAX_INPUTS)
        return cli_usage_error("report", "too many baseline inputs (at most %d)", CLI_MAX_INPUTS);
    args->baseline[args->n_baseline++] = value;
    return 0;
}

static int opt_policy(void *ctx, const char *value)
{
    ((report_args *)ctx)->policy = value;
    return 0;
}

static int opt_no_simulation(void *ctx, const char *value)
{
    (void)value;
    ((report_args *)ctx)->no_simulation = 1;
    return 0;
}

static int opt_runs(void *ctx, const char *value)
{
    return cli_parse_integer("report", "--runs", value, 1, CRISK_SIMULATE_MAX_RUNS,
                             &((report_args *)ctx)->sim.runs);
}

static int opt_seed(void *ctx, const char *value)
{
    return cli_parse_integer("report", "--seed", value, 0, UINT64_MAX,
                             &((report_args *)ctx)->sim.seed);
}

static const cli_option report_options[] = {
    { "timestamp", no_argument,       opt_timestamp },
    { "no-map",    no_argument,       opt_no_map },
    { "no-simulation", no_argument,   opt_no_simulation },
    { "runs",      required_argument, opt_runs },
    { "seed",      required_argument, opt_seed },
    { "incident",  required_argument, opt_incident },
    { "baseline",  required_argument, opt_baseline },
    { "policy",    required_argument, opt_policy },
    CLI_SCENARIO_OPTIONS,
    { NULL, 0, NULL },
};

/* The simulation behind the loss section, when some node has a
 * probability: without one every figure would be 0. */
static int simulate(const crisk_analysis *a, unsigned threads, report_args *args,
                    crisk_simulation **out)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv), given = 0;
    for (size_t v = 0; v < n; v++) {
        crisk_node_view nv;
        crisk_inventory_node(inv, v, &nv);
        given += nv.probability == nv.probability;   /* not NaN */
    }
    *out = NULL;
    if (args->no_simulation || given == 0)
        return EXIT_OK;
    size_t providers[IMPORTANCE_TOP];
    crisk_simulate_top_providers(a, IMPORTANCE_TOP, providers, &args->sim.n_importance);
    args->sim.importance = providers;
    crisk_error err = CRISK_ERROR_INIT;
    args->sim.threads = threads;
    int rc = crisk_simulate_run(out, inv, &args->sim, &err);
    args->sim.importance = NULL;
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}

/* Now (or SOURCE_DATE_EPOCH) as ISO 8601 UTC. */
static const char *utc_now(char *buf, size_t size)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    time_t t = time(NULL);
    if (epoch != NULL && *epoch) {
        long long v = strtoll(epoch, &end, 10);
        if (*end == '\0' && v >= 0)
            t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static int write_report(const crisk_analysis *a, const crisk_simulation *sim,
                        const crisk_diagnostics *diags, const cli_common *c,
                        const report_args *args, const crisk_scenario_run *scenarios)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_provenance prov;
    char stamp[32];
    cli_provenance(c, &prov);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.prov = &prov;
    opts.top = c->top >= 0 ? c->top : 25;
    opts.map = !args->no_map;
    opts.simulation = sim;
    opts.timestamp = args->timestamp ? utc_now(stamp, sizeof stamp) : NULL;
    opts.scenarios = scenarios;
    opts.baseline = args->diff;
    opts.policy = args->check;
    crisk_output *out = NULL;
    int rc = cli_open_output(c, &out, &err);
    if (rc == CRISK_OK)
        rc = crisk_report_write(crisk_output_file(out), a, diags, &opts, &err);
    if (rc == CRISK_OK) {
        rc = crisk_output_commit(out, &err);
        out = NULL;
    }
    crisk_output_abort(out);
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}

/* The baseline's diff against `a`, for "Changes since the baseline". */
static int compare_baseline(const cli_common *c, report_args *args, const crisk_analysis *a,
                            crisk_inventory **inv, crisk_analysis **old, crisk_diff **d)
{
    if (args->n_baseline == 0)
        return EXIT_OK;
    int rc = cli_analyse_paths(c, args->baseline, args->n_baseline,
                               CLI_KEEP_FINGERPRINTS | CLI_KEEP_FALSE_REDUNDANCY, inv, old);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_diff_options opts = CRISK_DIFF_OPTIONS_INIT;
    opts.threads = c->threads;
    if (rc == EXIT_OK && crisk_diff_run(d, *old, a, &opts, &err) != CRISK_OK)
        rc = cli_fail(&err);
    args->diff = *d;
    return rc;
}

static int check_policy(const cli_common *c, crisk_policy *p, report_args *args,
                        const crisk_analysis *a, crisk_check **out)
{
    int rc = p != NULL ? cli_check_policy(c, p, a, out) : EXIT_OK;
    args->check = *out;
    return rc;
}

typedef struct report_state {
    crisk_diagnostics diags;
    crisk_inventory *inv, *old_inv;
    crisk_analysis *a, *old;
    crisk_policy *policy;
    crisk_diff *diff;
    crisk_check *check;
    crisk_scenario_set *set;
    crisk_scenario_run *run;
    crisk_simulation *sim;
} report_state;

static void release(report_state *s)
{
    crisk_scenario_run_free(s->run);
    crisk_simulation_free(s->sim);
    crisk_scenario_set_free(s->set);
    crisk_check_free(s->check);
    crisk_diff_free(s->diff);
    crisk_policy_free(s->policy);
    crisk_analysis_free(s->old);
    crisk_inventory_free(s->old_inv);
    crisk_analysis_free(s->a);
    crisk_inventory_free(s->inv);
    crisk_diagnostics_release(&s->diags);
}

/* The analysis the page needs: every function's SPOF count, but the lists
 * of the functions it shows only - not every function's (30 million pairs
 * at 100 000 nodes for 100 lists of at most 20). */
static int analyse(const cli_common *c, const report_args *args, report_state *s)
{
    crisk_analysis_options aopts = CRISK_ANALYSIS_OPTIONS_INIT;
    aopts.threads = c->threads;
    aopts.keep_fingerprints = args->n_baseline > 0;   /* what the diff compares */
    aopts.keep_spofs = 0;
    aopts.count_spofs = 1;
    crisk_error err = CRISK_ERROR_INIT;
    uint32_t *listed = NULL;
    int rc = crisk_report_spof_functions(s->inv, &listed, &aopts.n_spof_functions, &err);
    aopts.spof_functions = listed;
    aopts.policy = s->policy;   /* --policy: its rules read the sweeps */
    aopts.keep_topology = 1;    /* joint failures, tier-1 lists, a policy's scenarios */
    if (rc == CRISK_OK)
        rc = crisk_analysis_run(&s->a, s->inv, &aopts, &err);
    free(listed);
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}

/* --incident: the page of a decision record; the record is outside data,
 * its problems printed as FILE:LINE:COLUMN. */
static int write_incident_page(const cli_common *c, const char *path)
{
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_incident_record *record = NULL;
    int rc = crisk_incident_record_load(&record, path, &diags, &err);
    cli_print_diagnostics(c, &diags, rc, &err);
    crisk_diagnostics_release(&diags);
    if (rc != CRISK_OK)
        return crisk_exit_code(rc);
    crisk_output *out = NULL;
    rc = cli_open_output(c, &out, &err);
    if (rc == CRISK_OK)
        rc = crisk_incident_page_write(crisk_output_file(out), record, &err);
    if (rc == CRISK_OK) {
        rc = crisk_output_commit(out, &err);
        out = NULL;
    }
    crisk_output_abort(out);
    crisk_incident_record_free(record);
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}

static int check_incident_usage(const cli_common *c, const report_args *args)
{
    if (args->incident == NULL) {
        if (c->n_inputs == 0)
            return cli_usage_error("report", "no inventory given");
        return 0;
    }
    if (c->n_inputs > 0 || c->n_args > 0)
        return cli_usage_error("report", "--incident renders a decision record by itself: give no "
                                         "INVENTORY");
    if (args->sc.file != NULL || args->sc.generate || args->no_map || args->timestamp
        || args->no_simulation || args->n_baseline > 0 || args->policy != NULL)
        return cli_usage_error("report", "--incident takes no other report option");
    return 0;
}

int cmd_report(int argc, char **argv)
{
    cli_common c = { .inputs_optional = 1 };
    report_args args = { .sc = CLI_SCENARIO_ARGS_INIT("report"), .sim = CRISK_SIMULATE_OPTIONS_INIT };
    int rc = cli_parse(&c, argc, argv, usage, report_options, &args);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (check_incident_usage(&c, &args) != 0)
        return EXIT_USAGE;
    if (args.incident != NULL)
        return write_incident_page(&c, args.incident);
    if (c.n_args > 0) {
        cli_usage_error("report", "unexpected argument '%s'", c.args[0]);
        return EXIT_USAGE;
    }
    int scenarios = cli_scenarios_wanted(&args.sc, 0);
    if (scenarios < 0)
        return EXIT_USAGE;
    report_state s = { 0 };
    crisk_diagnostics_init(&s.diags);
    int status = args.policy != NULL ? cli_load_policy(args.policy, &s.policy) : EXIT_OK;
    if (status == EXIT_OK) {
        rc = cli_load_diagnostics(&c, &s.inv, &s.diags);   /* the report lists the warnings */
        status = rc != CRISK_OK ? crisk_exit_code(rc) : analyse(&c, &args, &s);
    }
    if (status == EXIT_OK)
        status = simulate(s.a, c.threads, &args, &s.sim);
    if (status == EXIT_OK && scenarios)
        status = cli_scenarios_load(&c, &args.sc, s.inv, s.a, &s.set);
    if (status == EXIT_OK && scenarios)
        status = cli_scenarios_run(&c, &args.sc, s.inv, s.set, CRISK_REPORT_SCENARIO_ROWS, &s.run);
    if (status == EXIT_OK)
        status = compare_baseline(&c, &args, s.a, &s.old_inv, &s.old, &s.diff);
    if (status == EXIT_OK)
        status = check_policy(&c, s.policy, &args, s.a, &s.check);
    if (status == EXIT_OK)
        status = write_report(s.a, s.sim, &s.diags, &c, &args, s.run);
    release(&s);
    return status;
}
