/*
 * cmd_simulate.c - `chainrisk simulate`: Monte Carlo over node probability.
 */
#include "cli_emit.h"

static const char usage[] =
    "usage: chainrisk simulate [options] INVENTORY...\n\n"
    "Monte Carlo simulation over the nodes' `probability` column: in every run\n"
    "each node fails on its own with its probability (a node without one never\n"
    "fails initially), failures propagate through the dependencies and their\n"
    "redundancy groups, and the functions that fail are counted.  Reports each\n"
    "function's failure probability with its standard error sqrt(p(1-p)/runs),\n"
    "sorted by probability, and the mean and percentiles (p50, p90, p95, p99,\n"
    "max) of the total criticality lost per run.  Every output says how many\n"
    "nodes have no probability; when none has one there is nothing to simulate\n"
    "and the command fails (exit 1).\n\n"
    "options:\n"
    "  --runs N                    runs to simulate, 1 to 100000000 (default 10000)\n"
    "  --seed S                    random seed, 0 to 18446744073709551615 (default 1);\n"
    "                              the same seed gives the same output on every machine\n"
    "  --top N                     the first N functions\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    "  -q, --quiet                 do not print warnings or progress\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input or no probability at all, 2 usage error,\n"
    "3 internal error\n";

typedef struct simulate_cli {
    crisk_simulate_options opts;
    crisk_simulation *sim;
    const cli_common *c;
} simulate_cli;

static int parse_runs(void *ctx, const char *value)
{
    simulate_cli *s = ctx;
    return cli_parse_integer("simulate", "--runs", value, 1, CRISK_SIMULATE_MAX_RUNS, &s->opts.runs);
}

static int parse_seed(void *ctx, const char *value)
{
    simulate_cli *s = ctx;
    return cli_parse_integer("simulate", "--seed", value, 0, UINT64_MAX, &s->opts.seed);
}

static const cli_option options[] = {
    { "runs", required_argument, parse_runs },
    { "seed", required_argument, parse_seed },
    { NULL, 0, NULL }
};

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    simulate_cli *s = ctx;
    crisk_provenance prov;
    cli_provenance(s->c, &prov);
    return crisk_emit_simulation(f, s->sim, s->c->top, s->c->format, &prov, err);
}

static int simulate(simulate_cli *s, const crisk_inventory *inv)
{
    cli_progress progress;
    cli_progress_init(&progress, s->c->quiet);
    s->opts.progress = cli_progress_update;
    s->opts.progress_ctx = &progress;
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_simulate_run(&s->sim, inv, &s->opts, &err);
    cli_progress_done(&progress);
    if (rc != CRISK_OK)
        return cli_fail(&err);
    size_t n = crisk_inventory_node_count(inv);
    if (crisk_simulation_without_probability(s->sim) == n) {
        /* every result would be 0, which reads as "never fails" */
        fprintf(stderr, "chainrisk: no node has a probability, so no run fails anything "
                        "(%zu node%s without one): give failure probabilities in the "
                        "'probability' column\n", n, n == 1 ? "" : "s");
        return EXIT_INVALID;
    }
    return EXIT_OK;
}

int cmd_simulate(int argc, char **argv)
{
    cli_common c = { 0 };
    simulate_cli s = { .opts = CRISK_SIMULATE_OPTIONS_INIT, .c = &c };
    int rc = cli_parse(&c, argc, argv, usage, options, &s);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (cli_no_args(&c) != 0)
        return EXIT_USAGE;
    crisk_inventory *inv = NULL;
    rc = cli_analyse(&c, 0, &inv, NULL);
    if (rc != EXIT_OK)
        return rc;
    rc = simulate(&s, inv);
    if (rc == EXIT_OK)
        rc = cli_write(&c, emit, &s);
    crisk_simulation_free(s.sim);
    crisk_inventory_free(inv);
    return rc;
}
