/*
 * top_providers.c - libchainrisk from a program of your own: load an
 * inventory, run the analysis, print the five providers whose loss costs
 * the functions the most (DESIGN §5's default ranking, functions left out).
 *
 *   cc -std=c11 top_providers.c $(pkg-config --cflags --libs chainrisk) -o top_providers
 *   ./top_providers /usr/share/doc/chainrisk/data/sample
 *
 * Any input chainrisk reads will do (a directory with nodes.csv and
 * edges.csv, a DORA package, a CycloneDX SBOM); several are merged.
 */
#include <stdio.h>

#include <chainrisk/chainrisk.h>

#define MAX_INPUTS 16
#define TOP 5

/* Every problem the loader found, as FILE:LINE:COLUMN: message. */
static void print_diagnostics(const crisk_diagnostics *diags)
{
    char buf[1024];
    for (size_t i = 0; i < diags->count; i++)
        fprintf(stderr, "%s\n", crisk_diag_format(&diags->items[i], buf, sizeof buf));
}

static void print_top(const crisk_analysis *a)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    const uint32_t *ranking = crisk_analysis_ranking(a);
    size_t n = crisk_inventory_node_count(inv), shown = 0;
    printf("%-4s %-24s %-10s %9s %7s\n", "#", "provider", "type", "functions", "share");
    for (size_t i = 0; i < n && shown < TOP; i++) {
        size_t v = ranking[i];
        if (crisk_inventory_node_type(inv, v) == CRISK_NODE_FUNCTION)
            continue;
        const crisk_node_metrics *m = crisk_analysis_metrics(a, v);
        printf("%-4zu %-24s %-10s %9zu %6.1f%%\n", ++shown, crisk_inventory_node_id(inv, v),
               crisk_node_type_name(crisk_inventory_node_type(inv, v)), m->impact,
               100.0 * m->impact_share);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc - 1 > MAX_INPUTS) {
        fprintf(stderr, "usage: %s INVENTORY...\n", argv[0]);
        return 2;
    }
    crisk_input inputs[MAX_INPUTS];
    for (int i = 1; i < argc; i++)
        inputs[i - 1] = (crisk_input){ argv[i], NULL, NULL };

    crisk_load_options load = CRISK_LOAD_OPTIONS_INIT;
    crisk_analysis_options options = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_diagnostics diags;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_inventory *inv = NULL;
    crisk_analysis *a = NULL;
    char buf[CRISK_ERROR_FILE_MAX + CRISK_ERROR_MESSAGE_MAX + 64];
    int status = 1;

    crisk_diagnostics_init(&diags);
    if (crisk_inventory_load(&inv, inputs, (size_t)(argc - 1), &load, &diags, &err) != CRISK_OK) {
        print_diagnostics(&diags);
        if (diags.errors == 0)
            fprintf(stderr, "%s\n", crisk_error_format(&err, buf, sizeof buf));
        goto out;
    }
    options.keep_spofs = 0;              /* the ranking needs the metrics only */
    options.keep_false_redundancy = 0;
    if (crisk_analysis_run(&a, inv, &options, &err) != CRISK_OK) {
        fprintf(stderr, "%s\n", crisk_error_format(&err, buf, sizeof buf));
        goto out;
    }
    print_top(a);
    status = 0;
out:
    crisk_analysis_free(a);              /* the analysis borrows the inventory: first */
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
    return status;
}
