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

struct crisk__colmap;   /* spreadsheet column mapping (mapping.h); NULL = native names */

/* Native CSV: nodes.csv and (optional, may be NULL) edges.csv, read through
 * the column mapping `map` (may be NULL). */
int crisk__native_load(crisk_builder *b, const char *nodes_path, const char *edges_path,
                       const struct crisk__colmap *map, crisk_diagnostics *diags,
                       crisk_error *err);

#endif
