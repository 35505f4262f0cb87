/*
 * cmd_import.c - `chainrisk import`: load and merge any inputs (native
 * inventories, CycloneDX SBOMs, DORA report packages) and write the merged
 * model as a native inventory, DIR/nodes.csv + DIR/edges.csv.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: chainrisk import [options] INPUT... -o DIR\n\n"
    "Load one or more inputs - inventory directories (nodes.csv + edges.csv),\n"
    "CycloneDX JSON SBOMs, DORA report packages - merge them into one graph and\n"
    "write it as a native inventory: DIR/nodes.csv and DIR/edges.csv.  DIR is\n"
    "created if missing; each file is replaced atomically.  Loading DIR again\n"
    "gives the same model.  Problems go to stderr as FILE:LINE:COLUMN: message.\n\n"
    "options:\n"
    "  -o, --output DIR            directory to write (required)\n"
    "  --input PATH                one more input (like a positional INPUT)\n"
    "  --nodes FILE, --edges FILE  a native inventory given as two files\n"
    CLI_HELP_IMPORTERS
    "  -q, --quiet                 print neither warnings nor the summary\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 written (warnings allowed), 1 invalid input, 2 usage error,\n"
    "3 internal or I/O error\n";

static const cli_option options[] = {
    { NULL, 0, NULL }
};

int cmd_import(int argc, char **argv)
{
    cli_common c = { 0 };
    int rc = cli_parse(&c, argc, argv, usage, options, &c);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (c.output == NULL || strcmp(c.output, "-") == 0) {
        cli_usage_error(c.command, "-o DIR is required (the output is a directory)");
        return EXIT_USAGE;
    }
    if (c.n_args > 0) {
        cli_usage_error(c.command, "unexpected argument '%s'", c.args[0]);
        return EXIT_USAGE;
    }
    crisk_inventory *inv = NULL;
    rc = cli_load(&c, &inv);
    if (rc != CRISK_OK)
        return crisk_exit_code(rc);
    crisk_error err = CRISK_ERROR_INIT;
    rc = crisk_inventory_write_native(inv, c.output, &err);
    if (rc == CRISK_OK && !c.quiet)
        printf("%s: %zu nodes in nodes.csv, %zu edges in edges.csv\n", c.output,
               crisk_inventory_node_count(inv), crisk_inventory_edge_count(inv));
    crisk_inventory_free(inv);
    return rc == CRISK_OK ? EXIT_OK : cli_fail(&err);
}
