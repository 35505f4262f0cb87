/*
 * cmd_map.c - `chainrisk map`: the Graphviz risk map (DESIGN §6, §7).
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: chainrisk map [options] INVENTORY... -o FILE\n\n"
    "Draw the risk map: nodes coloured by impact share (legend included), shaped\n"
    "by type, clustered by category; single points of failure outlined in red;\n"
    "redundancy groups drawn as 'need k of n' junctions with dashed alternatives.\n"
    "Inventories of more than 250 nodes are drawn collapsed (the 40 highest-impact\n"
    "providers and the 60 most critical functions; the rest as one summary node\n"
    "per category).  Laid out in-process; same input, same bytes.\n\n"
    "options:\n"
    "  -o FILE          output; the format follows the extension: .svg .png .pdf .dot\n"
    "                   (.dot is the graph before layout, for your own Graphviz);\n"
    "                   -o - writes to stdout (SVG unless --format says otherwise)\n"
    "  --format F       svg, png, pdf or dot: for -o - or a name without one of\n"
    "                   those extensions (PNG and PDF are not written to a terminal)\n"
    "  --focus ID       draw only ID's neighbourhood: its dependants and its\n"
    "                   dependencies up to --depth levels each way\n"
    "  --depth N        levels for --focus (default 2)\n"
    "  --top N          draw the N highest-impact providers and the functions;\n"
    "                   collapse the other providers per category\n"
    "  --layout dot|sfdp|neato  the layout engine (default: dot up to 250 drawn\n"
    "                   vertices, sfdp above)\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS_NARROW
    CLI_HELP_THREADS_NARROW
    "  -q, --quiet      do not print load warnings\n"
    "  -h, --help       show this help\n\n"
    "exit status: 0 written, 1 invalid input or unknown --focus node, 2 usage error,\n"
    "3 internal error (e.g. no Graphviz cairo plugin for PNG/PDF)\n";

#define MAP_FALSE_REDUNDANCY_LIMIT 20000u

typedef struct map_args {
    crisk_map_options opts;
    int has_depth;
} map_args;

static int opt_focus(void *ctx, const char *value)
{
    ((map_args *)ctx)->opts.focus = value;
    return 0;
}

static int opt_depth(void *ctx, const char *value)
{
    map_args *m = ctx;
    m->has_depth = 1;
    return cli_parse_long("map", "--depth", value, &m->opts.depth);
}

static int opt_layout(void *ctx, const char *value)
{
    if (crisk_map_layout_parse(value, &((map_args *)ctx)->opts.layout) != CRISK_OK)
        return cli_usage_error("map", "unknown layout '%s' (dot, sfdp or neato)", value);
    return 0;
}

static const cli_option map_options[] = {
    { "focus",  required_argument, opt_focus },
    { "depth",  required_argument, opt_depth },
    { "layout", required_argument, opt_layout },
    { NULL, 0, NULL },
};

/* The format: --format, else the extension of -o FILE, else SVG for -o -. */
static int choose_format(const cli_common *c, crisk_map_format *out)
{
    crisk_map_format named;
    int by_ext = crisk_map_format_from_path(c->output, out) == CRISK_OK;
    if (c->format_name == NULL) {
        if (by_ext)
            return 0;
        if (strcmp(c->output, "-") != 0)
            return cli_usage_error("map", "cannot tell the format of '%s': use .svg, .png, .pdf or "
                                   ".dot, or --format", c->output);
        *out = CRISK_MAP_SVG;
        return 0;
    }
    if (crisk_map_format_parse(c->format_name, &named) != CRISK_OK)
        return cli_usage_error("map", "unknown format '%s' (svg, png, pdf or dot)", c->format_name);
    if (by_ext && named != *out)
        return cli_usage_error("map", "--format %s does not match the name '%s'", c->format_name,
                               c->output);
    *out = named;
    return 0;
}

static int check_args(cli_common *c, map_args *m)
{
    if (c->n_args > 0)
        return cli_usage_error("map", "unexpected argument '%s'", c->args[0]);
    if (c->output == NULL)
        return cli_usage_error("map", "give the output file with -o FILE (.svg, .png, .pdf or .dot)"
                               " or -o - for stdout");
    if (choose_format(c, &m->opts.format) != 0)
        return -1;
    int binary = m->opts.format == CRISK_MAP_PNG || m->opts.format == CRISK_MAP_PDF;
    if (binary && strcmp(c->output, "-") == 0 && isatty(STDOUT_FILENO))
        return cli_usage_error("map", "will not write %s to a terminal: redirect stdout or use -o FILE",
                               m->opts.format == CRISK_MAP_PNG ? "PNG" : "PDF");
    if (m->has_depth && m->opts.focus == NULL)
        return cli_usage_error("map", "--depth needs --focus");
    m->opts.top = c->top;
    return 0;
}

static int draw(const crisk_analysis *a, const cli_common *c, const map_args *m)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_output *out = NULL;
    int rc = cli_open_output(c, &out, &err);
    if (rc == CRISK_OK)
        rc = crisk_map_write(crisk_output_file(out), a, &m->opts, &err);
    if (rc == CRISK_OK) {
        rc = crisk_output_commit(out, &err);
        out = NULL;
    }
    crisk_output_abort(out);
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_map(int argc, char **argv)
{
    cli_common c = { 0 };
    map_args m = { .opts = CRISK_MAP_OPTIONS_INIT };
    c.own_format = 1;   /* svg|png|pdf|dot */
    int rc = cli_parse(&c, argc, argv, usage, map_options, &m);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (check_args(&c, &m) != 0)
        return EXIT_USAGE;

    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options aopts = CRISK_ANALYSIS_OPTIONS_INIT;
    aopts.keep_spofs = 0;   /* the map needs the per-node spof flag only */
    aopts.threads = c.threads;
    rc = cli_load(&c, &inv);
    if (rc != CRISK_OK)
        return crisk_exit_code(rc);
    /* Finding false redundancy is most of the analysis time on large
     * inventories (30 of 39 s CPU at 100k nodes): past the limit the map
     * skips it and says so in its legend. */
    m.opts.false_redundancy = crisk_inventory_node_count(inv) <= MAP_FALSE_REDUNDANCY_LIMIT;
    aopts.keep_false_redundancy = m.opts.false_redundancy;
    int status;
    if (crisk_analysis_run(&a, inv, &aopts, &err) != CRISK_OK)
        status = cli_fail(&err);
    else
        status = draw(a, &c, &m);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return status;
}
