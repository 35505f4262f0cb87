/*
 * cmd_diff.c - `chainrisk diff`: what changed between two snapshots.
 */
#include "cli_emit.h"

static const char usage[] =
    "usage: chainrisk diff [options] OLD NEW\n"
    "       chainrisk diff [options] --old A [--old B...] --new C [--new D...]\n\n"
    "What changed between two snapshots of an inventory, in this order: nodes\n"
    "added, removed and changed (field by field, old -> new); dependencies and\n"
    "redundancy groups added, removed and changed (need, members); per function,\n"
    "single points of failure that appeared or were resolved; providers whose\n"
    "impact weight, exposure, tier or breaches moved (largest move first); shared\n"
    "Nth parties and false redundancy that appeared or disappeared; concentration\n"
    "(HHI and top-1 share, spend and reliance bases, per market) that moved;\n"
    "tolerance breaches that appeared or were resolved.  Each side is any inputs\n"
    "chainrisk reads, merged.  Nodes are matched by exact id: a renamed id is a\n"
    "removal and an addition, marked when the two nodes have the same name.\n\n"
    "options:\n"
    "  --old PATH, --new PATH      one input of a side (repeatable; instead of OLD NEW)\n"
    "  --min-change X              leave out provider moves smaller than X (the move's\n"
    "                              size is its largest change of the four metrics)\n"
    "  --top N                     only the N largest provider moves\n"
    "  --exit-code                 exit 1 when there is any change (as git diff)\n"
    "  --format table|csv|json|xlsx  output format (default table); CSV has one\n"
    "                              row per change, told apart by its `kind` column\n"
    "                              (the table lists the first 1000 SPOF and breach\n"
    "                              changes); xlsx: an Excel workbook of the CSV rows\n"
    "                              (needs -o FILE.xlsx)\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    CLI_HELP_IMPORTERS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "The importer options apply to both sides.  docs/metrics.md (\"Change over\n"
    "time\") says what counts as a change.\n\n"
    "exit status: 0 compared (and, with --exit-code, no change), 1 a change with\n"
    "--exit-code or invalid input, 2 usage error, 3 internal error\n";

typedef struct diff_cli {
    const char *side[2][CLI_MAX_INPUTS];   /* --old, --new */
    size_t n_side[2];
    double min_change;
    int exit_code;
    const cli_common *c;
    const crisk_diff *d;
} diff_cli;

static int add_side(diff_cli *x, int s, const char *value)
{
    if (x->n_side[s] == CLI_MAX_INPUTS)
        return cli_usage_error("diff", "too many inputs (at most %d a side)", CLI_MAX_INPUTS);
    x->side[s][x->n_side[s]++] = value;
    return 0;
}

static int opt_old(void *ctx, const char *value) { return add_side(ctx, 0, value); }
static int opt_new(void *ctx, const char *value) { return add_side(ctx, 1, value); }

static int opt_min_change(void *ctx, const char *value)
{
    return cli_parse_double("diff", "--min-change", value, &((diff_cli *)ctx)->min_change);
}

static int opt_exit_code(void *ctx, const char *value)
{
    (void)value;
    ((diff_cli *)ctx)->exit_code = 1;
    return 0;
}

static const cli_option diff_options[] = {
    { "old",        required_argument, opt_old },
    { "new",        required_argument, opt_new },
    { "min-change", required_argument, opt_min_change },
    { "exit-code",  no_argument,       opt_exit_code },
    { NULL, 0, NULL },
};

/* The inputs of each side: OLD NEW, or --old... --new... (not both). */
static int take_sides(const cli_common *c, diff_cli *x)
{
    if (c->nodes != NULL)
        return cli_usage_error("diff", "--nodes and --edges name one inventory: give two "
                                       "directories, or --old and --new");
    if (x->n_side[0] + x->n_side[1] > 0) {
        if (c->n_inputs > 0)
            return cli_usage_error("diff", "unexpected argument '%s' (the sides are given "
                                           "with --old and --new)", c->inputs[0].path);
        if (x->n_side[0] == 0 || x->n_side[1] == 0)
            return cli_usage_error("diff", "--%s given without --%s", x->n_side[0] ? "old" : "new",
                                   x->n_side[0] ? "new" : "old");
        return 0;
    }
    if (c->n_inputs != 2)
        return cli_usage_error("diff", c->n_inputs < 2 ? "expected two snapshots, OLD and NEW"
                                                       : "expected two snapshots, OLD and NEW, "
                                                         "not %zu (merge inputs with --old/--new)",
                               c->n_inputs);
    x->side[0][0] = c->inputs[0].path;
    x->side[1][0] = c->inputs[1].path;
    x->n_side[0] = x->n_side[1] = 1;
    return 0;
}

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    const diff_cli *x = ctx;
    crisk_provenance prov;
    cli_provenance(x->c, &prov);
    return crisk_emit_diff(f, x->d, x->c->top, x->c->format, &prov, err);
}

static int compare(const cli_common *c, diff_cli *x, crisk_analysis *const a[2])
{
    crisk_diff *d = NULL;
    crisk_diff_options opts = CRISK_DIFF_OPTIONS_INIT;
    opts.min_change = x->min_change;
    opts.threads = c->threads;
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_diff_run(&d, a[0], a[1], &opts, &err) != CRISK_OK)
        return cli_fail(&err);
    x->d = d;
    x->c = c;
    int rc = cli_write(c, emit, x);
    if (rc == EXIT_OK && x->exit_code && crisk_diff_count(d) > 0)
        rc = EXIT_INVALID;
    crisk_diff_free(d);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    cli_common c = { 0 };
    diff_cli x = { 0 };
    c.inputs_optional = 1;
    int rc = cli_parse(&c, argc, argv, usage, diff_options, &x);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (take_sides(&c, &x) != 0)
        return EXIT_USAGE;
    crisk_inventory *inv[2] = { NULL, NULL };
    crisk_analysis *a[2] = { NULL, NULL };
    int keep = CLI_KEEP_FINGERPRINTS | CLI_KEEP_FALSE_REDUNDANCY;
    rc = cli_analyse_paths(&c, x.side[0], x.n_side[0], keep, &inv[0], &a[0]);
    if (rc == EXIT_OK)
        rc = cli_analyse_paths(&c, x.side[1], x.n_side[1], keep, &inv[1], &a[1]);
    c.old_side = inv[0];   /* a workbook's provenance lists both sides */
    if (rc == EXIT_OK)
        rc = compare(&c, &x, a);
    for (int s = 0; s < 2; s++) {
        crisk_analysis_free(a[s]);
        crisk_inventory_free(inv[s]);
    }
    return rc;
}
