/*
 * cyclonedx.h - the CycloneDX JSON SBOM reader (private).  Like every
 * reader, it reports each problem it finds into `diags` (FILE:LINE:COLUMN:
 * message) and feeds valid records into the builder; cross-record checks
 * happen in crisk_builder_finish().
 */
#ifndef CRISK_CYCLONEDX_H
#define CRISK_CYCLONEDX_H

#include <stddef.h>

#include "chainrisk/chainrisk.h"

/* CycloneDX JSON SBOM. */
int crisk__cyclonedx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                          crisk_diagnostics *diags, crisk_error *err);

/* The same from memory, for the fuzz target and tests: `path` only names
 * the input in messages. */
int crisk__cyclonedx_load_buffer(crisk_builder *b, const char *path, const void *data,
                                 size_t len, const crisk_load_options *opts,
                                 crisk_diagnostics *diags, crisk_error *err);

#endif
