/*
 * load.h - private interface between the input dispatcher (load.c) and the
 * importers.  Each importer reads its files, reports every problem it finds
 * into `diags` (FILE:LINE:COLUMN: message) and feeds valid records into the
 * builder; cross-record checks happen in crisk_builder_finish().
 */
#ifndef CRISK_LOAD_H
#define CRISK_LOAD_H

#include "chainrisk/chainrisk.h"

struct crisk__colmap;   /* spreadsheet column mapping (mapping.h); NULL = native names */

/* Native CSV: nodes.csv and (optional, may be NULL) edges.csv, read through
 * the column mapping `map` (may be NULL). */
int crisk__native_load(crisk_builder *b, const char *nodes_path, const char *edges_path,
                       const struct crisk__colmap *map, crisk_diagnostics *diags,
                       crisk_error *err);

/* The native schema, for the mapping reader (mapping.c), from csv_native.c. */
enum crisk__native_file { CRISK__NATIVE_NODES, CRISK__NATIVE_EDGES, CRISK__NATIVE_FILES };

/* The column names of a native file, in schema order; their count in *n. */
const char *const *crisk__native_columns(enum crisk__native_file f, size_t *n);

/* Whether a column takes free text (ids, names, labels): such a column can
 * be renamed but cannot have a value map or a default. */
int crisk__native_is_free_text(enum crisk__native_file f, size_t column);

/* Check `value` as a non-empty cell of a native column, with the importer's
 * own rules.  Returns 0 if the cell would be accepted, else -1 with the
 * importer's message ("unknown type 'suplier' (did you mean 'supplier'?)")
 * in `msg`.  Numbers are read in the C locale whatever the caller set. */
int crisk__native_check_value(enum crisk__native_file f, size_t column, const char *value,
                              char msg[CRISK_ERROR_MESSAGE_MAX]);

/* DORA Register of Information report package (.zip, folder, or folder with
 * one reports/). */
int crisk__dora_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err);

/* CycloneDX JSON SBOM. */
int crisk__cyclonedx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                          crisk_diagnostics *diags, crisk_error *err);

#endif
