/*
 * fuzz_spdx.c - libFuzzer target for the SPDX importer (src/import/spdx.c)
 * and the SBOM detection of the loader (src/import/sbom_detect.c).
 *
 * Each input is handed to the importer's in-memory entry point as one
 * document (SPDX 2.x JSON or 3.0 JSON-LD) twice: read the fast way (one
 * entry at a time, when the document allows it) and as one tree of the
 * whole document.  Each time the builder finishes the model and a model
 * that loads is written back as native CSV; the two readings must give
 * the same status, diagnostics and CSV byte for byte, or the target
 * aborts (spdx.c promises it: the fast path hands everything it does not
 * take to the whole-document path).  The input is also read as one JSON
 * value by the plain path and by cJSON with the walk (json_text.c): the
 * same return, end and tree, item for item, or the target aborts.  The
 * same bytes,
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
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "import/json_text.h"
#include "import/sbom_detect.h"
#include "import/spdx.h"
#include "fuzz_workdir.h"

/* What one reading gave, as text: status, diagnostics, the model as CSV. */
static char *reading(const uint8_t *data, size_t size, enum crisk__spdx_reading how)
{
    crisk_builder *b = NULL;
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_drop_optional = (int)(size & 1);   /* both optional rules get exercised */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        abort();
    crisk_diagnostics_init(&diags);
    int rc = crisk_builder_new(&b, &err);
    if (rc == CRISK_OK) {
        crisk_builder_begin_input(b);
        rc = crisk__spdx_load_buffer_how(b, "fuzz.json", data, size, &opts, how, NULL, &diags,
                                         &err);
        if (rc == CRISK_OK)
            rc = crisk_builder_finish(b, &inv, &diags, &err);
    }
    fprintf(out, "%d %zu %zu\n", rc, diags.errors, diags.warnings);
    for (size_t i = 0; i < diags.count; i++) {
        char line[2048];
        fprintf(out, "%s\n", crisk_diag_format(&diags.items[i], line, sizeof line));
    }
    if (inv != NULL) {
        crisk_emit_native_nodes(out, inv, &err);
        crisk_emit_native_edges(out, inv, &err);
    }
    fclose(out);
    crisk_inventory_free(inv);
    crisk_builder_free(b);
    crisk_diagnostics_release(&diags);
    return text;
}

/* The input as one value, read the plain way (when it is plain) and by
 * cJSON: the same result or abort. */
static void one_value(const uint8_t *data, size_t size)
{
    unsigned char *text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    crisk__json_tree t[2] = { { NULL, NULL }, { NULL, NULL } };
    cJSON *root[2];
    crisk__json_cursor at[2];
    int rc[2];
    static const int how[2] = { CRISK__JSON_EITHER, CRISK__JSON_CJSON };
    for (int k = 0; k < 2; k++) {
        at[k] = (crisk__json_cursor){ 0, 1, 1 };
        rc[k] = crisk__json_parse_value_how(&t[k], &root[k], text, size, &at[k],
                                            crisk__json_keep_position, NULL, how[k]);
    }
    if (rc[0] != rc[1]
        || (rc[0] == CRISK_OK
            && (at[0].i != at[1].i || at[0].line != at[1].line || at[0].column != at[1].column
                || !crisk__json_same_tree(root[0], root[1])))) {
        fprintf(stderr, "the plain and the cJSON readings of one value differ (rc %d, %d)\n",
                rc[0], rc[1]);
        abort();
    }
    crisk__json_tree_release(&t[0]);
    crisk__json_tree_release(&t[1]);
    free(text);
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
    char *quick = reading(data, size, CRISK__SPDX_AUTO);
    char *whole = reading(data, size, CRISK__SPDX_WHOLE);
    if (strcmp(quick, whole) != 0) {
        fprintf(stderr, "the fast and the whole-document readings differ:\n--- fast\n%s\n"
                "--- whole\n%s\n", quick, whole);
        abort();
    }
    free(quick);
    free(whole);
    one_value(data, size);
    detect(data, size);
    return 0;
}
