/*
 * load.h - private interface between the input dispatcher (load.c) and the
 * importers.  Each importer reads its files, reports every problem it finds
 * into `diags` (FILE:LINE:COLUMN: message) and feeds valid records into the
 * builder; cross-record checks happen in crisk_builder_finish().
 */
#ifndef CRISK_LOAD_H
#define CRISK_LOAD_H

#include "chainrisk/chainrisk.h"

struct crisk__colmap;   /* spreadsheet column mapping (mapping.c); NULL = native names */

/* Native CSV: nodes.csv and (optional, may be NULL) edges.csv. */
int crisk__native_load(crisk_builder *b, const char *nodes_path, const char *edges_path,
                       const struct crisk__colmap *map, crisk_diagnostics *diags,
                       crisk_error *err);

/* DORA Register of Information report package (.zip, folder, or folder with
 * one reports/). */
int crisk__dora_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err);

/* CycloneDX JSON SBOM. */
int crisk__cyclonedx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                          crisk_diagnostics *diags, crisk_error *err);

#endif
