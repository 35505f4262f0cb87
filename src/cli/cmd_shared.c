/*
 * cmd_shared.c - `chainrisk shared`: shared Nth-party dependencies and
 * false redundancy.
 */
#include "cli_emit.h"

static const char usage[] =
    "usage: chainrisk shared [options] INVENTORY...\n\n"
    "Shared Nth-party dependencies: nodes no function uses directly (tier >= 2)\n"
    "that two or more tier-1 suppliers depend on, directly or transitively,\n"
    "sorted by that count, with the functions exposed through them.  Then false\n"
    "redundancy: every redundancy group that one node outside it defeats (for\n"
    "a 1-of-n group, a node all members depend on; for k-of-n, one that fails\n"
    "more than n - k members).\n\n"
    "options:\n"
    "  --top N                     only the first N shared dependencies\n"
    "  --format table|csv|json|xlsx  output format (default table); xlsx: an Excel\n"
    "                              workbook of the CSV rows (needs -o FILE.xlsx)\n"
    CLI_HELP_MAX_ROWS
    "                              CSV has one row per finding, kind = shared |\n"
    "                              false-redundancy\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    CLI_HELP_THREADS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input, 2 usage error, 3 internal error\n";

typedef struct shared_cli {
    const cli_common *c;
    const crisk_analysis *a;
} shared_cli;

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    shared_cli *s = ctx;
    crisk_provenance prov;
    cli_provenance(s->c, &prov);
    return crisk_emit_shared(f, s->a, s->c->top, s->c->format, &prov, err);
}

int cmd_shared(int argc, char **argv)
{
    cli_common c = { 0 };
    int rc = cli_parse(&c, argc, argv, usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (cli_no_args(&c) != 0)
        return EXIT_USAGE;
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    rc = cli_analyse(&c, CLI_KEEP_FALSE_REDUNDANCY | CLI_KEEP_TOPOLOGY, &inv, &a);
    if (rc != EXIT_OK)
        return rc;
    shared_cli s = { &c, a };
    rc = cli_write(&c, emit, &s);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return rc;
}
