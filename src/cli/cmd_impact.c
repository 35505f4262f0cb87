/*
 * cmd_impact.c - `chainrisk impact`: what fails when the given nodes fail,
 * why, and which functions breach their tolerance.
 */
#include "cli_emit.h"

#include <math.h>
#include <stdlib.h>

static const char usage[] =
    "usage: chainrisk impact [options] INVENTORY ID... [--hours H]\n"
    "       chainrisk impact [options] --nodes NODES.csv [--edges EDGES.csv] ID...\n\n"
    "What-if: fail the nodes ID... together and follow the cascade (DESIGN §4: a\n"
    "node fails when one of its redundancy groups has fewer than `need` working\n"
    "members).  Shows every failed node under the failure that caused it, the\n"
    "failed functions and the share of total criticality lost, and which\n"
    "functions breach their tolerance: each ID is down for its recovery_hours\n"
    "(unknown where not given), durations carried through the graph (a group\n"
    "needing k of n is down for its (n-k+1)-th longest member outage); a\n"
    "function breaches when its downtime exceeds its rto_hours.\n\n"
    "options:\n"
    "  --hours H                   every ID is down for H hours instead: failed\n"
    "                              functions whose rto_hours < H breach\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "                              CSV/JSON give one row per failed node: id, name,\n"
    "                              type, round, cause_group, cause_members,\n"
    "                              criticality, breach, downtime_min_hours,\n"
    "                              downtime_max_hours\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    "  --input PATH                merge another inventory into the first\n"
    CLI_HELP_IMPORTERS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input or unknown node, 2 usage error, 3 internal error\n";

typedef struct impact_cli {
    double hours;              /* NaN = not given */
    const cli_common *c;
    const crisk_inventory *inv;
    const crisk_cascade *cascade;
    const crisk_downtime *downtime;
} impact_cli;

static int parse_hours(void *ctx, const char *value)
{
    impact_cli *im = ctx;
    return cli_parse_double("impact", "--hours", value, &im->hours);
}

static const cli_option options[] = {
    { "hours", required_argument, parse_hours },
    { NULL, 0, NULL }
};

/* Every id resolved (each unknown one reported), duplicates kept once. */
static int resolve_ids(const cli_common *c, const crisk_inventory *inv, size_t *nodes, size_t *n)
{
    int bad = 0;
    *n = 0;
    for (size_t i = 0; i < c->n_args; i++) {
        size_t v;
        if (cli_find_node(inv, c->args[i], &v) != 0) {
            bad = 1;
            continue;
        }
        size_t k = 0;
        while (k < *n && nodes[k] != v)
            k++;
        if (k == *n)
            nodes[(*n)++] = v;
    }
    return bad ? -1 : 0;
}

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    impact_cli *im = ctx;
    crisk_provenance prov;
    cli_provenance(im->c, &prov);
    return crisk_emit_impact(f, im->inv, im->cascade, im->downtime, im->hours, im->c->format,
                             &prov, err);
}

static int run(const cli_common *c, impact_cli *im, crisk_inventory *inv)
{
    size_t nodes[CLI_MAX_ARGS], n = 0;
    if (resolve_ids(c, inv, nodes, &n) != 0)
        return EXIT_INVALID;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_cascade *cascade = NULL;
    crisk_downtime *downtime = NULL;
    crisk_outage outages[CLI_MAX_ARGS];
    for (size_t i = 0; i < n; i++) {
        crisk_node_view view;
        crisk_inventory_node(inv, nodes[i], &view);
        outages[i] = (crisk_outage){ nodes[i], isnan(im->hours) ? view.recovery_hours : im->hours };
    }
    if (crisk_cascade_run(&cascade, inv, nodes, n, &err) != CRISK_OK
        || crisk_downtime_run(&downtime, inv, outages, n, &err) != CRISK_OK) {
        crisk_cascade_free(cascade);
        return cli_fail(&err);
    }
    im->inv = inv;
    im->cascade = cascade;
    im->downtime = downtime;
    int rc = cli_write(c, emit, im);
    crisk_downtime_free(downtime);
    crisk_cascade_free(cascade);
    return rc;
}

int cmd_impact(int argc, char **argv)
{
    cli_common c = { 0 };
    impact_cli im = { .hours = NAN, .c = &c };
    c.positional_inputs = 1;   /* INVENTORY, then the ids */
    int rc = cli_parse(&c, argc, argv, usage, options, &im);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (c.n_args == 0) {
        cli_usage_error(c.command, "no node id given (which nodes fail?)");
        return EXIT_USAGE;
    }
    crisk_inventory *inv = NULL;
    rc = cli_analyse(&c, 0, &inv, NULL);
    if (rc != EXIT_OK)
        return rc;
    rc = run(&c, &im, inv);
    crisk_inventory_free(inv);
    return rc;
}
