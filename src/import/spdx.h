/*
 * spdx.h - the SPDX JSON SBOM reader (private): SPDX 2.2/2.3 JSON and SPDX
 * 3.0 JSON-LD, mapped per formats/spdx-mapping.md (docs/spdx.md).  Like
 * every reader, it reports each problem into `diags` (FILE:LINE:COLUMN:
 * message) and feeds valid records into the builder.
 */
#ifndef CRISK_SPDX_H
#define CRISK_SPDX_H

#include <stddef.h>

#include "chainrisk/chainrisk.h"

/* An SPDX JSON document. */
int crisk__spdx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err);

/* The same from memory, for the fuzz target and tests: `path` only names
 * the input in messages. */
int crisk__spdx_load_buffer(crisk_builder *b, const char *path, const void *data, size_t len,
                            const crisk_load_options *opts, crisk_diagnostics *diags,
                            crisk_error *err);

/* How a document is read: one entry at a time when it can be (the fast
 * path: spdx.c), or always as one cJSON tree of the whole document.  The
 * two give the same model and diagnostics byte for byte; WHOLE is for the
 * tests and the fuzz target that check it. */
enum crisk__spdx_reading { CRISK__SPDX_AUTO, CRISK__SPDX_WHOLE };

/* crisk__spdx_load_buffer() read `how`; *fast_used (may be NULL) gets 1
 * if the fast path made the result, 0 if the whole tree did. */
int crisk__spdx_load_buffer_how(crisk_builder *b, const char *path, const void *data, size_t len,
                                const crisk_load_options *opts, enum crisk__spdx_reading how,
                                int *fast_used, crisk_diagnostics *diags, crisk_error *err);

#endif
