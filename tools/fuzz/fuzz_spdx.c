/*
 * fuzz_spdx.c - libFuzzer target for the SPDX importer (src/import/spdx.c)
 * and the SBOM detection of the loader (src/import/sbom_detect.c).
 *
 * Each input is handed to the importer's in-memory entry point as one
 * document (SPDX 2.x JSON or 3.0 JSON-LD), the builder finishes the model,
 * and a model that loads is written back as native CSV.  The same bytes,
 * written to a file of the target's own directory (fuzz_workdir.h), go
 * through the detection the loader runs on every JSON or text input.  Any
 * crash, leak, hang or sanitizer report is a bug: the library must survive
 * every byte string (DESIGN §8).  Seeds: tests/fixtures/spdx/ (run.sh).
 * Build and run: tools/fuzz/run.sh spdx (see tools/fuzz/README.md).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chainrisk/chainrisk.h"
#include "import/sbom_detect.h"
#include "import/spdx.h"
#include "fuzz_workdir.h"

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

/* The detection reads files: the input as one, named the same every run,
 * in the target's private directory. */
static void detect(const uint8_t *data, size_t size)
{
    fuzz_workdir_enter();
    FILE *f = fopen("input.json", "wb");
    if (f != NULL) {
        fwrite(data, 1, size, f);
        fclose(f);
    }
    int fd = open("input.json", O_RDONLY);
    if (fd >= 0) {
        crisk__sbom_detection d;
        crisk__sbom_detect(fd, size > 0 ? data[0] : -1, &d);
        close(fd);
    }
    fuzz_workdir_leave();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("spdx");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crisk_builder *b = NULL;
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_drop_optional = (int)(size & 1);   /* both optional rules get exercised */
    crisk_diagnostics_init(&diags);
    if (crisk_builder_new(&b, &err) == CRISK_OK) {
        crisk_builder_begin_input(b);
        if (crisk__spdx_load_buffer(b, "fuzz.json", data, size, &opts, &diags, &err) == CRISK_OK
            && crisk_builder_finish(b, &inv, &diags, &err) == CRISK_OK)
            write_back(inv);
    }
    crisk_inventory_free(inv);
    crisk_builder_free(b);
    crisk_diagnostics_release(&diags);
    detect(data, size);
    return 0;
}
