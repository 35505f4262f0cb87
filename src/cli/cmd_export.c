/*
 * cmd_export.c - `chainrisk export`: the model and all metrics as JSON,
 * GraphML, DOT, CSV or an Excel workbook, or the model as an Open-PSA MEF
 * fault tree.
 *
 * --format here takes json|graphml|dot|csv, while the common option parser
 * (cli.c) knows table|csv|json only.  So the --format arguments are taken
 * out of argv before cli_parse() sees the rest: "--format X", "--format=X"
 * and getopt's abbreviations ("--form X"; no other common option starts
 * with 'f'), up to a "--", skipping the value of every option that takes a
 * separate one.
 */
#include "cli_emit.h"

#include <stdlib.h>

static const char usage[] =
    "usage: chainrisk export [options] INVENTORY...\n\n"
    "Write the model and every per-node metric for other tools.\n\n"
    "options:\n"
    "  --format json|graphml|dot|csv|mef|xlsx\n"
    "                              output format (default json):\n"
    "                              json     nodes (native columns, metrics,\n"
    "                                       pass-through attributes), edges and\n"
    "                                       redundancy groups, with provenance\n"
    "                              graphml  a typed key per column, for graph tools\n"
    "                              dot      Graphviz text, no layout; ids and names\n"
    "                                       only in escaped labels\n"
    "                              csv      one row per node, sorted by id\n"
    "                              mef      an Open-PSA fault tree (SCRAM reads it):\n"
    "                                       per node a basic event X and a gate\n"
    "                                       X-down, per function a top gate top-F\n"
    "                              xlsx     an Excel workbook (needs -o): nodes,\n"
    "                                       edges, SPOFs, minimal pairs, shared\n"
    "                                       dependencies, false redundancy,\n"
    "                                       concentration by category, parent\n"
    "                                       and country, provenance\n"
    CLI_HELP_MAX_ROWS
    "  --break-cycles              mef: cut the dependencies that close cycles\n"
    "                              (listed on stderr and in the output) instead\n"
    "                              of failing on the first cycle\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings or progress\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input, 2 usage error, 3 internal error\n";

typedef struct export_cli {
    crisk_export_format format;
    const char *format_name;
    crisk_mef_options mef;
    const crisk_inventory *inv;
    crisk_analysis *a;
    const cli_common *c;
} export_cli;

static int parse_break_cycles(void *ctx, const char *value)
{
    export_cli *x = ctx;
    (void)value;
    x->mef.break_cycles = 1;
    return 0;
}

static const cli_option options[] = {
    { "break-cycles", no_argument, parse_break_cycles },
    { NULL, 0, NULL }
};

/* "--f", "--fo", ... "--format", with or without "=VALUE". */
static const char *format_option(const char *arg, int *inline_value)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    *inline_value = eq != NULL;
    if (len < 3 || len > 8 || strncmp(arg, "--format", len) != 0)
        return NULL;
    return eq != NULL ? eq + 1 : arg;
}

static int takes_value(const char *arg)
{
    static const char *const opts[] = { "-o", "--output", "--nodes", "--edges", "--top",
                                        "--map", "--input", "--chains" };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strcmp(arg, opts[i]) == 0)
            return 1;
    return 0;
}

/* Copy argv to `rest` without the --format options; the last value wins. */
static int take_format(export_cli *x, int argc, char **argv, char **rest, int *n_rest)
{
    int k = 0, i = 0;
    rest[k++] = argv[i++];
    while (i < argc) {
        int inline_value = 0;
        if (strcmp(argv[i], "--") == 0)
            break;
        if (format_option(argv[i], &inline_value) != NULL) {
            if (!inline_value && i + 1 == argc)
                return cli_usage_error("export", "--format needs a value");
            x->format_name = inline_value ? strchr(argv[i], '=') + 1 : argv[i + 1];
            i += inline_value ? 1 : 2;
            continue;
        }
        if (takes_value(argv[i]) && i + 1 < argc)
            rest[k++] = argv[i++];
        rest[k++] = argv[i++];
    }
    while (i < argc)
        rest[k++] = argv[i++];
    rest[k] = NULL;
    *n_rest = k;
    if (crisk_export_format_parse(x->format_name, &x->format) != CRISK_OK)
        return cli_usage_error("export", "unknown format '%s' (json, graphml, dot, csv, mef or xlsx)",
                               x->format_name);
    return 0;
}

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    export_cli *x = ctx;
    if (x->format == CRISK_EXPORT_MEF)
        return crisk_export_mef(f, x->inv, &x->mef, err);
    crisk_provenance prov;
    cli_provenance(x->c, &prov);
    if (x->format == CRISK_EXPORT_XLSX)
        return crisk_export_xlsx(f, x->a, &prov, x->c->max_rows, err);
    return crisk_export_write(f, x->a, x->format, &prov, err);
}

/* Say on stderr which dependencies --break-cycles cut (the first ten). */
static int print_cuts(const crisk_inventory *inv)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_cycles *cy = NULL;
    if (crisk_cycles_find(&cy, inv, &err) != CRISK_OK)
        return cli_fail(&err);
    size_t n;
    const crisk_cut *cuts = crisk_cycles_cuts(cy, &n);
    if (n > 0)
        fprintf(stderr, "chainrisk export: --break-cycles cut %zu dependenc%s (taken as always "
                        "working):\n", n, n == 1 ? "y" : "ies");
    for (size_t k = 0; k < n && k < 10; k++) {
        char a[256], b[256];
        fprintf(stderr, "  %s -> %s\n",
                cli_escape(a, sizeof a, crisk_inventory_node_id(inv, cuts[k].dependant), 80),
                cli_escape(b, sizeof b, crisk_inventory_node_id(inv, cuts[k].member), 80));
    }
    if (n > 10)
        fprintf(stderr, "  and %zu more (all listed in the output)\n", n - 10);
    crisk_cycles_free(cy);
    return EXIT_OK;
}

/* Parse argv: the format first, then the common options.  Returns 0 to go
 * on, or an exit code + 1 (so that EXIT_OK after --help is not 0). */
static int parse(cli_common *c, export_cli *x, int argc, char **argv)
{
    char **rest = malloc(((size_t)argc + 1) * sizeof *rest);
    if (rest == NULL) {
        fprintf(stderr, "chainrisk: out of memory\n");
        return EXIT_INTERNAL + 1;
    }
    int n_rest = 0, exit_code = -1;
    if (take_format(x, argc, argv, rest, &n_rest) != 0)
        exit_code = EXIT_USAGE;
    if (exit_code < 0) {
        int rc = cli_parse(c, n_rest, rest, usage, options, x);
        exit_code = rc > 0 ? EXIT_OK : rc < 0 ? EXIT_USAGE : cli_no_args(c) != 0 ? EXIT_USAGE : -1;
    }
    if (exit_code < 0 && x->format == CRISK_EXPORT_XLSX && cli_workbook_output(c) != 0)
        exit_code = EXIT_USAGE;
    free(rest);
    if (exit_code >= 0)
        return exit_code + 1;
    if (c->max_rows != 0 && x->format != CRISK_EXPORT_XLSX) {
        cli_usage_error("export", "--max-rows applies to --format xlsx only");
        return EXIT_USAGE + 1;
    }
    if (x->mef.break_cycles && x->format != CRISK_EXPORT_MEF) {
        cli_usage_error("export", "--break-cycles applies to --format mef only");
        return EXIT_USAGE + 1;
    }
    /* The provenance records the format as the other options are recorded. */
    if (c->prov.n_options < 32) {
        c->prov.option_names[c->prov.n_options] = "format";
        c->prov.option_values[c->prov.n_options++] = x->format_name;
    }
    return 0;
}

int cmd_export(int argc, char **argv)
{
    cli_common c = { .own_format = 1 };   /* take_format() has the --format */
    export_cli x = { .format = CRISK_EXPORT_JSON, .format_name = "json", .c = &c };
    int rc = parse(&c, &x, argc, argv);
    if (rc != 0)
        return rc - 1;
    crisk_inventory *inv = NULL;
    /* The workbook has sheets for SPOFs, pairs, shared dependencies and
     * false redundancy: the analysis must keep them.  The fault tree needs
     * the model only, not the metrics. */
    int keep = x.format == CRISK_EXPORT_XLSX
                   ? CLI_KEEP_SPOFS | CLI_KEEP_FALSE_REDUNDANCY | CLI_KEEP_TOPOLOGY : 0;
    rc = cli_analyse(&c, keep, &inv, x.format == CRISK_EXPORT_MEF ? NULL : &x.a);
    if (rc != EXIT_OK)
        return rc;
    x.inv = inv;
    rc = cli_write(&c, emit, &x);
    if (rc == EXIT_OK && x.mef.break_cycles && !c.quiet)
        rc = print_cuts(inv);
    crisk_analysis_free(x.a);
    crisk_inventory_free(inv);
    return rc;
}
