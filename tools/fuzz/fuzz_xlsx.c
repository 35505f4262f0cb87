/*
 * fuzz_xlsx.c - libFuzzer target for the Excel workbook reader
 * (src/import/xlsx.c) behind the native importer.
 *
 * Input, two forms:
 *   - bytes starting with "PK": the whole .xlsx file, so the zip layer and
 *     its limits see damaged archives;
 *   - anything else: the XML of a sheet, then optionally a 0xFF byte and
 *     the XML of the shared strings (0xFF never occurs in UTF-8 XML).  The
 *     harness wraps them in a workbook of its own, stored uncompressed, so
 *     that mutations reach the XML parsing and the cell rules instead of
 *     failing the zip's checksums: sheets "nodes" and "edges" are both that
 *     sheet part.
 * The workbook is written to book.xlsx in a private directory (fuzz_workdir.h)
 * and loaded as `--nodes book.xlsx --sheet nodes`, with `--edges-sheet edges`
 * for odd sizes.  A load that succeeds with errors, or fails and returns an
 * inventory, aborts; every diagnostic is formatted (their strings are
 * terminated, a column in letters fits).  tools/fuzz/seed_xlsx.sh adds the
 * parts of tests/fixtures/xlsx/sample.xlsx as seeds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "chainrisk/chainrisk.h"
#include "fuzz_workdir.h"

#define SEPARATOR 0xFF

static const char book[] = "book.xlsx";

static const char workbook_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"nodes\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"edges\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>";

static const char rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("xlsx");
    crisk_igraph_init();
    return 0;
}

static void add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    zip_int64_t i = src != NULL ? zip_file_add(z, name, src, ZIP_FL_OVERWRITE) : -1;
    if (i < 0 || zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0) != 0) {
        fprintf(stderr, "fuzz_xlsx: cannot add %s: %s\n", name, zip_strerror(z));
        abort();   /* the harness, not the library, failed */
    }
}

static void write_book(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        FILE *f = fopen(book, "wb");
        if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
            perror(book);
            abort();
        }
        return;
    }
    const uint8_t *sep = memchr(data, SEPARATOR, size);
    size_t sheet_len = sep != NULL ? (size_t)(sep - data) : size;
    remove(book);
    int code = 0;
    zip_t *z = zip_open(book, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (z == NULL) {
        fprintf(stderr, "fuzz_xlsx: cannot create %s (%d)\n", book, code);
        abort();
    }
    add(z, "xl/workbook.xml", workbook_xml, sizeof workbook_xml - 1);
    add(z, "xl/_rels/workbook.xml.rels", rels_xml, sizeof rels_xml - 1);
    add(z, "xl/worksheets/sheet1.xml", data, sheet_len);
    if (sep != NULL)
        add(z, "xl/sharedStrings.xml", sep + 1, size - sheet_len - 1);
    if (zip_close(z) != 0) {
        fprintf(stderr, "fuzz_xlsx: cannot write %s: %s\n", book, zip_strerror(z));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_workdir_enter();
    write_book(data, size);
    crisk_input in = { NULL, book, NULL };
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.xlsx_sheet = "nodes";
    opts.xlsx_edges_sheet = size % 2 == 1 ? "edges" : NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_inventory *inv = NULL;
    int rc = crisk_inventory_load(&inv, &in, 1, &opts, &diags, &err);
    if (rc == CRISK_OK && diags.errors > 0) {
        fprintf(stderr, "fuzz_xlsx: load succeeded with %zu errors\n", diags.errors);
        abort();
    }
    if (rc != CRISK_OK && inv != NULL) {
        fprintf(stderr, "fuzz_xlsx: failed load returned an inventory\n");
        abort();
    }
    char line[2048];
    for (size_t i = 0; i < diags.count; i++)
        crisk_diag_format(&diags.items[i], line, sizeof line);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
    fuzz_workdir_leave();
    return 0;
}
