/*
 * fuzz_native.c - libFuzzer target for the native CSV importer and the
 * analysis engine behind it.
 *
 * Input: the bytes of nodes.csv, then optionally a 0xFF byte and the bytes
 * of edges.csv.  0xFF never occurs in UTF-8, so a real inventory pair joins
 * into one input without ambiguity (tools/fuzz/run.sh seeds the corpus that
 * way), and the fuzzer still reaches every other invalid byte inside a
 * file.  Without a separator there is no edges file at all (`--nodes` alone).
 *
 * Each input is written to two files, nodes.csv and edges.csv, in a private
 * directory created once (fuzz_workdir.h: the paths are the same every run),
 * loaded with crisk_inventory_load() exactly as `--nodes F --edges F` does,
 * and, when it loads, analysed (crisk_analysis_run with SPOFs and false
 * redundancy kept) and queried: a cascade from the first node, the shared
 * dependencies, the SPOF pairs of the first function, concentration by each
 * basis, the rank table as CSV and JSON, a small simulation (exact groups,
 * sampled runs and two importance providers) as JSON and the Open-PSA MEF
 * export (refusing a cycle, then cutting it) into /dev/null, so the engine
 * and the emitters see every graph the loader accepts.  Everything is freed
 * before returning: LeakSanitizer checks that too.
 *
 * Half of the inputs are read as spreadsheets save CSV (data/README.md,
 * "File syntax"), chosen by the input's size so that one input always reads
 * the same way: size % 8 of 4 adds --thousands ., 5 --encoding
 * windows-1252, 6 --encoding utf-16, 7 --delimiter ';' --encoding latin1
 * --thousands ' '.  The others take the defaults (delimiter detected,
 * UTF-8 or UTF-16 with a byte order mark).
 *
 * Build and run with tools/fuzz/run.sh (see tools/fuzz/README.md).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "fuzz_workdir.h"

#define SEPARATOR 0xFF

static const char nodes_path[] = "nodes.csv";
static const char edges_path[] = "edges.csv";
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("native");
    sink = fopen("/dev/null", "wb");
    if (sink == NULL) {
        perror("fuzz_native: /dev/null");
        exit(1);
    }
    crisk_igraph_init();
    return 0;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        abort();   /* the harness, not the library, failed */
    }
}

/* A small simulation: 128 runs on one thread, the two providers of highest
 * impact measured, exact where cheap - unless over 12 nodes are uncertain,
 * which could make an enumeration of 2^20 states outlast the time limit
 * per input; and its JSON. */
static void simulate(const crisk_analysis *a)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t uncertain = 0, n = crisk_inventory_node_count(inv);
    for (size_t v = 0; v < n; v++) {
        crisk_node_view view;
        crisk_inventory_node(inv, v, &view);
        uncertain += view.probability > 0 && view.probability < 1;
    }
    size_t providers[2], n_providers = 0;
    crisk_simulate_top_providers(a, 2, providers, &n_providers);
    crisk_simulate_options o = CRISK_SIMULATE_OPTIONS_INIT;
    o.runs = 128;
    o.threads = 1;
    o.exact = uncertain <= 12;
    o.importance = providers;
    o.n_importance = n_providers;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_simulate_run(&s, inv, &o, &err) == CRISK_OK)
        crisk_emit_simulation(sink, s, -1, CRISK_FORMAT_JSON, NULL, &err);
    crisk_simulation_free(s);
}

/* Exercise the analysis queries once the inventory loaded. */
static void analyse(const crisk_inventory *inv)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_analysis *a = NULL;
    if (crisk_analysis_run(&a, inv, &opts, &err) != CRISK_OK)
        return;

    size_t n = crisk_inventory_node_count(inv);
    if (n > 0) {
        size_t first = 0;
        crisk_cascade *c = NULL;
        crisk_downtime *d = NULL;
        crisk_node_view view;
        crisk_inventory_node(inv, first, &view);
        crisk_outage own = { first, view.recovery_hours };
        if (crisk_cascade_run(&c, inv, &first, 1, &err) == CRISK_OK
            && crisk_downtime_run(&d, inv, &own, 1, &err) == CRISK_OK) {
            crisk_emit_impact(sink, inv, c, d, NAN, CRISK_FORMAT_TABLE, NULL, &err);
            crisk_emit_impact(sink, inv, c, d, NAN, CRISK_FORMAT_CSV, NULL, &err);
        }
        crisk_downtime_free(d);
        crisk_cascade_free(c);
    }

    uint32_t *list = NULL;
    size_t count = 0;
    if (crisk_analysis_shared(a, 2, &list, &count, &err) == CRISK_OK)
        free(list);
    list = NULL;
    for (size_t v = 0; v < n; v++) {
        if (crisk_inventory_node_type(inv, v) != CRISK_NODE_FUNCTION)
            continue;
        if (crisk_analysis_spof_pairs(a, v, &list, &count, &err) == CRISK_OK)
            free(list);
        list = NULL;
        break;
    }

    static const crisk_concentration_by bases[] = { CRISK_BY_CATEGORY, CRISK_BY_PARENT,
                                                    CRISK_BY_COUNTRY };
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        crisk_concentration *conc = NULL;
        crisk_concentration_compute(&conc, a, bases[i], &err);
        crisk_concentration_free(conc);
    }

    crisk_rank_options rank = CRISK_RANK_OPTIONS_INIT;
    crisk_emit_rank(sink, a, &rank, CRISK_FORMAT_CSV, NULL, &err);
    crisk_emit_rank(sink, a, &rank, CRISK_FORMAT_JSON, NULL, &err);
    crisk_emit_shared(sink, a, -1, CRISK_FORMAT_JSON, NULL, &err);
    crisk_emit_spof(sink, a, -1, 0, CRISK_FORMAT_CSV, NULL, &err);
    simulate(a);
    crisk_mef_options mef = CRISK_MEF_OPTIONS_INIT;
    crisk_export_mef(sink, inv, &mef, &err);
    mef.break_cycles = 1;
    crisk_export_mef(sink, inv, &mef, &err);
    crisk_analysis_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, SEPARATOR, size);
    size_t nodes_len = sep ? (size_t)(sep - data) : size;
    fuzz_workdir_enter();
    write_file(nodes_path, data, nodes_len);
    if (sep != NULL)
        write_file(edges_path, sep + 1, size - nodes_len - 1);
    else
        unlink(edges_path);

    crisk_input in = { NULL, nodes_path, sep ? edges_path : NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_inventory *inv = NULL;
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    switch (size % 8) {
    case 4: opts.csv_thousands = "."; break;
    case 5: opts.csv_encoding = "windows-1252"; break;
    case 6: opts.csv_encoding = "utf-16"; break;
    case 7:
        opts.csv_delimiter = ";";
        opts.csv_encoding = "latin1";
        opts.csv_thousands = " ";
        break;
    default: break;
    }
    int rc = crisk_inventory_load(&inv, &in, 1, &opts, &diags, &err);
    if (rc == CRISK_OK && diags.errors > 0) {
        fprintf(stderr, "fuzz_native: load succeeded with %zu errors\n", diags.errors);
        abort();
    }
    if (rc == CRISK_OK) {
        analyse(inv);
    } else if (inv != NULL) {
        fprintf(stderr, "fuzz_native: failed load returned an inventory\n");
        abort();
    }
    /* Rendering every diagnostic checks their strings are terminated. */
    char line[2048];
    for (size_t i = 0; i < diags.count; i++)
        crisk_diag_format(&diags.items[i], line, sizeof line);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
    fuzz_workdir_leave();
    return 0;
}
