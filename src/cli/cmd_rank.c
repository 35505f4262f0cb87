/*
 * cmd_rank.c - `chainrisk rank`: the DESIGN §5 per-node table, ranked.
 */
#include "cli_emit.h"

#include <string.h>

static const char usage[] =
    "usage: chainrisk rank [options] INVENTORY...\n\n"
    "Rank every node by cascade impact: impact_weight (criticality of the\n"
    "functions its lone failure takes down) desc, then exposure desc, then id.\n\n"
    "options:\n"
    "  --type T                    only nodes of type T (function, supplier, service, component)\n"
    "  --category C                only category C (cloud, managed-service, software,\n"
    "                              hardware, telecom, other)\n"
    "  --top N                     the first N rows (after filtering)\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "columns: id, name, type, category, tier (fewest edges from a function; empty if\n"
    "no function reaches the node), direct_dependants, dependants, functions,\n"
    "exposure, impact, impact_weight, impact_share, spof, breaches (impacted\n"
    "functions whose rto_hours < the node's recovery_hours; empty without\n"
    "recovery_hours).  CSV/JSON give exact numbers; see docs/metrics.md.\n\n"
    "exit status: 0 ok, 1 invalid input, 2 usage error, 3 internal error\n";

typedef struct rank_cli {
    crisk_rank_options opts;
    crisk_analysis *a;
    const cli_common *c;
} rank_cli;

static int parse_type(void *ctx, const char *value)
{
    rank_cli *r = ctx;
    crisk_node_type t;
    const char *hint = NULL;
    if (crisk_node_type_parse(value, &t, &hint) != CRISK_OK) {
        if (hint != NULL)
            return cli_usage_error("rank", "unknown type '%s' (did you mean '%s'?)", value, hint);
        return cli_usage_error("rank", "unknown type '%s'", value);
    }
    r->opts.type = (int)t;
    return 0;
}

static int parse_category(void *ctx, const char *value)
{
    rank_cli *r = ctx;
    crisk_category k;
    const char *hint = NULL;
    if (crisk_category_parse(value, &k, &hint) != CRISK_OK) {
        if (hint != NULL)
            return cli_usage_error("rank", "unknown category '%s' (did you mean '%s'?)", value, hint);
        return cli_usage_error("rank", "unknown category '%s'", value);
    }
    r->opts.category = (int)k;
    return 0;
}

static const cli_option options[] = {
    { "type",     required_argument, parse_type },
    { "category", required_argument, parse_category },
    { NULL, 0, NULL }
};

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    rank_cli *r = ctx;
    crisk_provenance prov;
    cli_provenance(r->c, &prov);
    return crisk_emit_rank(f, r->a, &r->opts, r->c->format, &prov, err);
}

int cmd_rank(int argc, char **argv)
{
    cli_common c = { 0 };
    rank_cli r = { .opts = CRISK_RANK_OPTIONS_INIT, .c = &c };
    int rc = cli_parse(&c, argc, argv, usage, options, &r);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (cli_no_args(&c) != 0)
        return EXIT_USAGE;
    r.opts.top = c.top;
    crisk_inventory *inv = NULL;
    rc = cli_analyse(&c, 0, &inv, &r.a);
    if (rc != EXIT_OK)
        return rc;
    rc = cli_write(&c, emit, &r);
    crisk_analysis_free(r.a);
    crisk_inventory_free(inv);
    return rc;
}
