/*
 * cli_scenarios.h - the scenario options `scenarios` and `report` share:
 * --scenarios FILE, --generate, --top-providers N, --hours H; loading or
 * generating the set, and running it.
 */
#ifndef CRISK_CLI_SCENARIOS_H
#define CRISK_CLI_SCENARIOS_H

#include "cli.h"

/* What the options asked for.  A command keeps this struct first in its
 * own option context: the handlers below receive that context. */
typedef struct cli_scenario_args {
    const char *command;       /* for usage messages */
    const char *file;          /* --scenarios */
    int generate;              /* --generate */
    long top_providers;        /* --top-providers (default 10) */
    int use_hours;             /* --hours given */
    double hours;
} cli_scenario_args;

#define CLI_SCENARIO_ARGS_INIT(command) { command, NULL, 0, 10, 0, 0.0 }

/* The option table entries, for a command's own table. */
#define CLI_SCENARIO_OPTIONS                                         \
    { "scenarios", required_argument, cli_opt_scenarios },           \
    { "generate", no_argument, cli_opt_generate },                   \
    { "top-providers", required_argument, cli_opt_top_providers },   \
    { "hours", required_argument, cli_opt_hours }

int cli_opt_scenarios(void *ctx, const char *value);
int cli_opt_generate(void *ctx, const char *value);
int cli_opt_top_providers(void *ctx, const char *value);
int cli_opt_hours(void *ctx, const char *value);

/* Whether scenarios were asked for; a usage error (-1) for both sources,
 * or for none when `required`. */
int cli_scenarios_wanted(const cli_scenario_args *a, int required);

/* The scenario set: read from the file (diagnostics on stderr) or
 * generated from `analysis` (which must have kept false redundancy).
 * Returns an exit code; on EXIT_OK *out is the caller's. */
int cli_scenarios_load(const cli_common *c, const cli_scenario_args *a, const crisk_inventory *inv,
                       const crisk_analysis *analysis, crisk_scenario_set **out);

/* Run `set`, keeping the functions down of the first `keep` results, with
 * a progress line.  Returns an exit code; on EXIT_OK *out is the caller's. */
int cli_scenarios_run(const cli_common *c, const cli_scenario_args *a, const crisk_inventory *inv,
                      const crisk_scenario_set *set, size_t keep, crisk_scenario_run **out);

#endif
