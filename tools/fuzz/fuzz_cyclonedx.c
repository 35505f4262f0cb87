/*
 * fuzz_cyclonedx.c - libFuzzer target for the CycloneDX importer
 * (src/import/cyclonedx.c) and the native writer behind `chainrisk import`
 * (src/emit/emit_native.c).
 *
 * Each input is handed to the importer's in-memory entry point as one SBOM,
 * the builder finishes the model, and a model that loads is written back as
 * native CSV.  Any crash, leak, hang or sanitizer report is a bug: the
 * library must survive every byte string (DESIGN §8).
 *
 * Seeds: tests/fixtures/cyclonedx/ (run.sh).
 * Build and run: tools/fuzz/run.sh cyclonedx (see tools/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chainrisk/chainrisk.h"
#include "import/cyclonedx.h"

static void write_back(const crisk_inventory *inv)
{
    static FILE *sink = NULL;
    if (sink == NULL)
        sink = fopen("/dev/null", "wb");
    if (sink == NULL)
        return;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_emit_native_nodes(sink, inv, &err);
    crisk_emit_native_edges(sink, inv, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crisk_builder *b = NULL;
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_drop_optional = (int)(size & 1);   /* both scope rules get exercised */
    crisk_diagnostics_init(&diags);
    if (crisk_builder_new(&b, &err) == CRISK_OK) {
        crisk_builder_begin_input(b);
        if (crisk__cyclonedx_load_buffer(b, "fuzz.json", data, size, &opts, &diags, &err)
                == CRISK_OK
            && crisk_builder_finish(b, &inv, &diags, &err) == CRISK_OK)
            write_back(inv);
    }
    crisk_inventory_free(inv);
    crisk_builder_free(b);
    crisk_diagnostics_release(&diags);
    return 0;
}
