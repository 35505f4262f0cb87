/*
 * cmd_check.c - `chainrisk check INVENTORY --policy FILE`: a policy gate
 * for CI.
 *
 * Exit status (DESIGN §6 with issue 14's gate): 0 every rule holds; 1 a
 * rule is violated or cannot be judged - or the inventory is invalid, as
 * for every command: a gate that cannot read what it guards fails; 2 a
 * usage error or a bad policy, its scenario files included (the gate's
 * configuration is wrong, not the inventory: the policy is read first, so
 * it costs nothing to find out); 3 internal error.
 */
#include "cli_emit.h"

static const char usage[] =
    "usage: chainrisk check [options] INVENTORY... --policy POLICY.json\n\n"
    "Check an inventory against a policy of rules (docs/policy.md): concentration\n"
    "limits (max_hhi, max_top1_share per market and basis), max_impact_share,\n"
    "no_spof and no_breach for critical functions, no_false_redundancy, scenario\n"
    "tests that must not breach a tolerance (scenarios), and completeness of the\n"
    "data.  Each violation names its rule (POLICY:LINE:COLUMN), the offending\n"
    "nodes and the measured value against the limit.  What cannot be judged (a\n"
    "tolerance without the hours to compare) is reported as unknown, never as a\n"
    "pass.\n\n"
    "options:\n"
    "  --policy POLICY.json        the policy (required)\n"
    "  --format table|csv|json|junit|xlsx  output format (default table); junit is\n"
    "                              JUnit XML for CI: one test case per rule, one\n"
    "                              failure per violation, one error per unknown\n"
    "                              finding; xlsx: an Excel workbook with a rules sheet\n"
    "                              (verdicts) and a violations sheet (needs -o\n"
    "                              FILE.xlsx)\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 every rule holds, 1 a rule is violated or cannot be judged,\n"
    "or the inventory is invalid, 2 usage error or a bad policy, 3 internal error\n";

typedef struct check_cli {
    const char *policy_path;
    int junit;                  /* --format junit */
    const cli_common *c;
    const crisk_check *check;
} check_cli;

static int opt_policy(void *ctx, const char *value)
{
    ((check_cli *)ctx)->policy_path = value;
    return 0;
}

static const cli_option check_options[] = {
    { "policy", required_argument, opt_policy },
    { NULL, 0, NULL },
};

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    const check_cli *x = ctx;
    if (x->junit)
        return crisk_emit_check_junit(f, x->check, err);
    crisk_provenance prov;
    cli_provenance(x->c, &prov);
    return crisk_emit_check(f, x->check, x->c->format, &prov, err);
}

static int run_check(const cli_common *c, check_cli *x, crisk_policy *p)
{
    int keep = cli_policy_keep(p);
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    crisk_check *check = NULL;
    int rc = cli_analyse_for(c, keep, p, &inv, &a);   /* the rules read the sweeps */
    if (rc == EXIT_OK)
        rc = cli_check_policy(c, p, a, &check);
    if (rc == EXIT_OK) {
        x->c = c;
        x->check = check;
        rc = cli_write(c, emit, x);
    }
    /* what cannot be judged does not pass the gate */
    if (rc == EXIT_OK && (crisk_check_failed(check) > 0 || crisk_check_unknown(check) > 0))
        rc = EXIT_INVALID;
    crisk_check_free(check);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return rc;
}

/* --format: table, csv, json, junit, or xlsx (the CSV rows as a workbook). */
static int take_format(cli_common *c, check_cli *x)
{
    if (c->format_name == NULL)
        return 0;
    x->junit = strcmp(c->format_name, "junit") == 0;
    c->xlsx = strcmp(c->format_name, "xlsx") == 0;
    if (c->xlsx) {
        c->format = CRISK_FORMAT_CSV;
        return cli_workbook_output(c);
    }
    if (x->junit || crisk_format_parse(c->format_name, &c->format) == CRISK_OK)
        return 0;
    return cli_usage_error("check", "unknown format '%s' (table, csv, json, junit or xlsx)",
                           c->format_name);
}

int cmd_check(int argc, char **argv)
{
    cli_common c = { 0 };
    check_cli x = { 0 };
    c.own_format = 1;   /* table|csv|json|junit|xlsx */
    int rc = cli_parse(&c, argc, argv, usage, check_options, &x);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (cli_no_args(&c) != 0 || take_format(&c, &x) != 0)
        return EXIT_USAGE;
    if (x.policy_path == NULL) {
        cli_usage_error("check", "no policy given (--policy FILE)");
        return EXIT_USAGE;
    }
    crisk_policy *p = NULL;
    rc = cli_load_policy(x.policy_path, &p);
    if (rc == EXIT_OK)
        rc = run_check(&c, &x, p);
    crisk_policy_free(p);
    return rc;
}
