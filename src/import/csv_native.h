/*
 * csv_native.h - the native CSV reader (private): nodes.csv and edges.csv
 * (DESIGN §3), with their own column names or a spreadsheet's (mapping.h).
 * Like every reader, it reports each problem it finds into `diags`
 * (FILE:LINE:COLUMN: message) and feeds valid records into the builder;
 * cross-record checks happen in crisk_builder_finish().
 */
#ifndef CRISK_CSV_NATIVE_H
#define CRISK_CSV_NATIVE_H

#include "chainrisk/chainrisk.h"

struct crisk__colmap;        /* spreadsheet column mapping (mapping.h) */
struct crisk__csv_dialect;   /* delimiter, encoding, number format (csv_dialect.h) */

/* What to read: native CSV (or a spreadsheet through a mapping). */
typedef struct crisk__native_input {
    const char *nodes;                       /* the nodes file */
    const char *edges;                       /* the edges file; NULL = none */
    const struct crisk__colmap *map;         /* NULL = native column names */
    const struct crisk__csv_dialect *dialect;   /* NULL = detected delimiter, UTF-8,
                                              * no thousands separator */
    /* A file ending in .xlsx is a workbook (xlsx.h): its sheets to read.
     * nodes_sheet NULL = the first sheet; with edges_sheet and no edges
     * file, the edges come from that sheet of the nodes workbook. */
    const char *nodes_sheet;
    const char *edges_sheet;
} crisk__native_input;

/* Read nodes.csv and (if given) edges.csv. */
int crisk__native_load(crisk_builder *b, const crisk__native_input *in,
                       crisk_diagnostics *diags, crisk_error *err);

#endif
