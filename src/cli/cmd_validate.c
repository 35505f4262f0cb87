/*
 * cmd_validate.c - `chainrisk validate`: load, check, summarise.
 */
#include "cli.h"

static const char usage[] =
    "usage: chainrisk validate [options] INVENTORY...\n"
    "       chainrisk validate [options] --nodes NODES.csv [--edges EDGES.csv]\n\n"
    "Load and check an inventory.  Every problem goes to stderr as\n"
    "FILE:LINE:COLUMN: message; on success a summary goes to stdout, and the\n"
    "importers' notes (what a DORA package or an SBOM held that the model\n"
    "leaves out: ended rows, unused providers, dropped edges) to stderr.\n\n"
    "options:\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    "  -q, --quiet                 do not print warnings or import notes\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error, 3 internal error\n";

static void print_summary(const cli_common *c, const crisk_inventory *inv)
{
    size_t by_type[CRISK_NODE_TYPE_COUNT] = { 0 }, by_cat[CRISK_CAT_COUNT] = { 0 };
    size_t n = crisk_inventory_node_count(inv);
    for (size_t v = 0; v < n; v++) {
        crisk_node_view view;
        crisk_inventory_node(inv, v, &view);
        by_type[view.type]++;
        if (view.type != CRISK_NODE_FUNCTION)
            by_cat[view.category]++;
    }
    size_t groups = crisk_inventory_group_count(inv), redundancy = 0;
    for (size_t g = 0; g < groups; g++)
        redundancy += crisk_inventory_group_size(inv, g) > 1;

    for (size_t i = 0; i < c->n_inputs; i++)
        printf("%s%s", i ? ", " : "", c->inputs[i].path ? c->inputs[i].path : c->inputs[i].nodes);
    printf(": valid\n");
    printf("  nodes       %zu:", n);
    for (int t = 0; t < CRISK_NODE_TYPE_COUNT; t++)
        printf("%s %s %zu", t ? "," : "", crisk_node_type_name((crisk_node_type)t), by_type[t]);
    printf("\n  providers   by category:");
    for (int k = 0; k < CRISK_CAT_COUNT; k++)
        printf("%s %s %zu", k ? "," : "", crisk_category_name((crisk_category)k), by_cat[k]);
    printf("\n  edges       %zu in %zu groups (%zu redundancy group%s with 2+ members)\n",
           crisk_inventory_edge_count(inv), groups, redundancy, redundancy == 1 ? "" : "s");
}

/* The importers' notes (DORA: the mapping used, ended and unused rows;
 * CycloneDX: what was kept and dropped), which the model does not show:
 * their count, then one line each. */
static void print_notes(const cli_common *c, const crisk_inventory *inv)
{
    size_t n = crisk_inventory_note_count(inv);
    if (n == 0 || c->quiet)
        return;
    static char line[16384];
    fprintf(stderr, "chainrisk: %zu import note%s:\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %s\n", cli_escape(line, sizeof line, crisk_inventory_note(inv, i),
                                              sizeof line));
}

int cmd_validate(int argc, char **argv)
{
    cli_common c = { 0 };
    int rc = cli_parse(&c, argc, argv, usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    crisk_inventory *inv = NULL;
    rc = cli_load(&c, &inv);
    if (rc != CRISK_OK)
        return crisk_exit_code(rc);
    print_summary(&c, inv);
    fflush(stdout);
    print_notes(&c, inv);
    crisk_inventory_free(inv);
    return EXIT_OK;
}
