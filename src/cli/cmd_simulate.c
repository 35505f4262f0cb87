/*
 * cmd_simulate.c - `chainrisk simulate`: Monte Carlo over node probability,
 * with downtimes, money loss and importance measures.
 */
#include "cli_emit.h"

#include <stdlib.h>

#define DEFAULT_IMPORTANCE_TOP 7   /* with the base, one 64-run block fills a sweep */

static const char usage[] =
    "usage: chainrisk simulate [options] INVENTORY...\n\n"
    "Monte Carlo simulation over the nodes' `probability` column: in every run\n"
    "each node fails on its own with its probability (a node without one never\n"
    "fails on its own) and stays down for its recovery_hours; the downtimes\n"
    "propagate through the dependencies and their redundancy groups.  Reports,\n"
    "per function, the probability of being down, of breaching its tolerance\n"
    "(downtime > rto_hours), the expected downtime and loss (loss_per_hour x\n"
    "downtime), each with its standard error; per run, the criticality and the\n"
    "money lost (mean, percentiles, loss exceedance curve); and the importance\n"
    "of providers (Birnbaum, criticality, Fussell-Vesely, RAW, RRW) for every\n"
    "function and for the total loss.  Where a function's failure depends on at\n"
    "most 20 probabilistic nodes its figures are computed exactly and say\n"
    "\"exact\" instead of a standard error.  Every output says how many nodes\n"
    "have no probability; when none has one there is nothing to simulate and the\n"
    "command fails (exit 1).\n\n"
    "options:\n"
    "  --runs N                    runs to simulate, 1 to 100000000 (default 10000)\n"
    "  --seed S                    random seed, 0 to 18446744073709551615 (default 1);\n"
    "                              the same seed gives the same output on every machine\n"
    "  --default-recovery H        hours down for a failed node without recovery_hours\n"
    "                              (default 24)\n"
    "  --importance ID             measure this provider (repeat for more, at most 64)\n"
    "  --importance-top N          measure the N providers of highest impact when no\n"
    "                              --importance is given (default 7; 0 = none)\n"
    "  --no-exact                  sample every figure, even where exact is cheap\n"
    "  --top N                     the first N functions\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings or progress\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input or no probability at all, 2 usage error,\n"
    "3 internal error\n";

typedef struct simulate_cli {
    crisk_simulate_options opts;
    crisk_simulation *sim;
    const cli_common *c;
    const char *ids[CRISK_SIMULATE_MAX_IMPORTANCE];
    size_t n_ids;
    size_t nodes[CRISK_SIMULATE_MAX_IMPORTANCE];
    uint64_t top_providers;
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

static int parse_default_recovery(void *ctx, const char *value)
{
    simulate_cli *s = ctx;
    return cli_parse_double("simulate", "--default-recovery", value, &s->opts.default_recovery);
}

static int parse_importance(void *ctx, const char *value)
{
    simulate_cli *s = ctx;
    if (s->n_ids == CRISK_SIMULATE_MAX_IMPORTANCE)
        return cli_usage_error("simulate", "at most %d providers for --importance",
                               CRISK_SIMULATE_MAX_IMPORTANCE);
    s->ids[s->n_ids++] = value;
    return 0;
}

static int parse_importance_top(void *ctx, const char *value)
{
    simulate_cli *s = ctx;
    return cli_parse_integer("simulate", "--importance-top", value, 0,
                             CRISK_SIMULATE_MAX_IMPORTANCE, &s->top_providers);
}

static int parse_no_exact(void *ctx, const char *value)
{
    simulate_cli *s = ctx;
    (void)value;
    s->opts.exact = 0;
    return 0;
}

static const cli_option options[] = {
    { "runs", required_argument, parse_runs },
    { "seed", required_argument, parse_seed },
    { "default-recovery", required_argument, parse_default_recovery },
    { "importance", required_argument, parse_importance },
    { "importance-top", required_argument, parse_importance_top },
    { "no-exact", no_argument, parse_no_exact },
    { NULL, 0, NULL }
};

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    simulate_cli *s = ctx;
    crisk_provenance prov;
    cli_provenance(s->c, &prov);
    return crisk_emit_simulation(f, s->sim, s->c->top, s->c->format, &prov, err);
}

/* The providers to measure: those named, else the top ones by impact (one
 * analysis, which only this needs). */
static int choose_providers(simulate_cli *s, const crisk_inventory *inv)
{
    for (size_t k = 0; k < s->n_ids; k++) {
        if (cli_find_node(inv, s->ids[k], &s->nodes[k]) != 0)
            return EXIT_INVALID;
        for (size_t j = 0; j < k; j++)
            if (s->nodes[j] == s->nodes[k]) {
                cli_usage_error("simulate", "--importance names '%s' twice", s->ids[k]);
                return EXIT_USAGE;
            }
    }
    s->opts.importance = s->nodes;
    s->opts.n_importance = s->n_ids;
    if (s->n_ids > 0 || s->top_providers == 0)
        return EXIT_OK;
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    ao.keep_spofs = ao.keep_false_redundancy = 0;
    ao.threads = s->c->threads;
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_analysis_run(&a, inv, &ao, &err) != CRISK_OK)
        return cli_fail(&err);
    crisk_simulate_top_providers(a, (size_t)s->top_providers, s->nodes, &s->opts.n_importance);
    crisk_analysis_free(a);
    return EXIT_OK;
}

static int simulate(simulate_cli *s, const crisk_inventory *inv)
{
    int rc = choose_providers(s, inv);
    if (rc != EXIT_OK)
        return rc;
    cli_progress progress;
    cli_progress_init(&progress, s->c->quiet);
    s->opts.progress = cli_progress_update;
    s->opts.progress_ctx = &progress;
    s->opts.threads = s->c->threads;
    crisk_error err = CRISK_ERROR_INIT;
    rc = crisk_simulate_run(&s->sim, inv, &s->opts, &err);
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
    simulate_cli s = { .opts = CRISK_SIMULATE_OPTIONS_INIT, .c = &c,
                       .top_providers = DEFAULT_IMPORTANCE_TOP };
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
