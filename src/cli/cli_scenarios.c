/*
 * cli_scenarios.c - the scenario options and steps `scenarios` and
 * `report` share (see cli_scenarios.h).
 */
#include "cli_scenarios.h"
#include "cli_emit.h"

int cli_opt_scenarios(void *ctx, const char *value)
{
    ((cli_scenario_args *)ctx)->file = value;
    return 0;
}

int cli_opt_generate(void *ctx, const char *value)
{
    (void)value;
    ((cli_scenario_args *)ctx)->generate = 1;
    return 0;
}

int cli_opt_top_providers(void *ctx, const char *value)
{
    cli_scenario_args *a = ctx;
    return cli_parse_long(a->command, "--top-providers", value, &a->top_providers);
}

int cli_opt_hours(void *ctx, const char *value)
{
    cli_scenario_args *a = ctx;
    a->use_hours = 1;
    return cli_parse_double(a->command, "--hours", value, &a->hours);
}

int cli_scenarios_wanted(const cli_scenario_args *a, int required)
{
    if (a->file != NULL && a->generate)
        return cli_usage_error(a->command, "give --scenarios FILE or --generate, not both");
    if (required && a->file == NULL && !a->generate)
        return cli_usage_error(a->command, "which scenarios? give --scenarios FILE or --generate");
    return a->file != NULL || a->generate;
}

static int generate(const cli_scenario_args *a, const crisk_analysis *analysis,
                    crisk_scenario_set **out)
{
    crisk_generate_options opts = CRISK_GENERATE_OPTIONS_INIT;
    opts.use_hours = a->use_hours;
    opts.hours = a->hours;
    opts.top = (size_t)a->top_providers;
    crisk_error err = CRISK_ERROR_INIT;
    return crisk_scenarios_generate(out, analysis, &opts, &err) == CRISK_OK ? EXIT_OK
                                                                            : cli_fail(&err);
}

int cli_scenarios_load(const cli_common *c, const cli_scenario_args *a, const crisk_inventory *inv,
                       const crisk_analysis *analysis, crisk_scenario_set **out)
{
    if (a->generate)
        return generate(a, analysis, out);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_scenario_set_load(out, inv, a->file, &diags, &err);
    cli_print_diagnostics(c, &diags, rc, &err);
    crisk_diagnostics_release(&diags);
    if (rc == CRISK_OK)
        cli_note_scenarios(*out);
    return rc == CRISK_OK ? EXIT_OK : crisk_exit_code(rc);
}

int cli_scenarios_run(const cli_common *c, const cli_scenario_args *a, const crisk_inventory *inv,
                      const crisk_scenario_set *set, size_t keep, crisk_scenario_run **out)
{
    cli_progress progress;
    cli_progress_init(&progress, c->quiet);
    crisk_scenario_options opts = CRISK_SCENARIO_OPTIONS_INIT;
    opts.use_hours = a->use_hours;
    opts.hours = a->hours;
    opts.threads = c->threads;
    opts.progress = cli_progress_update;
    opts.progress_ctx = &progress;
    opts.keep_functions = keep;
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_scenarios_run(out, inv, set, &opts, &err);
    cli_progress_done(&progress);
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}
