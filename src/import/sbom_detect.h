/*
 * sbom_detect.h - which SBOM a file is (private to the loader): CycloneDX
 * or SPDX JSON, or SPDX in a serialisation chainrisk does not read.
 */
#ifndef CRISK_SBOM_DETECT_H
#define CRISK_SBOM_DETECT_H

#include <stddef.h>

#include "chainrisk/chainrisk.h"

typedef enum crisk__sbom_kind {
    CRISK__SBOM_NONE,          /* none of these (not JSON, not SPDX text) */
    CRISK__SBOM_CYCLONEDX,     /* JSON without SPDX's keys: the CycloneDX reader explains */
    CRISK__SBOM_SPDX,          /* JSON with "spdxVersion", "SPDXID", "@context" or "@graph" */
    CRISK__SBOM_SPDX_TEXT      /* SPDX tag-value, RDF/XML or YAML */
} crisk__sbom_kind;

typedef struct crisk__sbom_detection {
    crisk__sbom_kind kind;
    const char *format;        /* SPDX_TEXT: "tag-value", "RDF/XML" or "YAML" */
    size_t line, column;       /* SPDX_TEXT: where it gave itself away */
} crisk__sbom_detection;

/* Look at the open file `fd`, read from its start (its first non-blank
 * byte is `first`).  JSON
 * ('{') is SPDX when a top-level key says so: a scan that skips nested
 * values without parsing them stops at the first telling key, "bomFormat"
 * (CycloneDX), "spdxVersion", "SPDXID", "@context" or "@graph" (SPDX); so a
 * CycloneDX BOM costs a few hundred bytes, and an SPDX document whose
 * "spdxVersion" comes after its packages one pass over them.  Other text is
 * SPDX tag-value when a line starts with "SPDXVersion:", YAML when one
 * starts with "spdxVersion:", RDF/XML when it starts with '<' and names
 * spdx.org/rdf in its first 64 KiB.  O(bytes) at worst. */
void crisk__sbom_detect(int fd, int first, crisk__sbom_detection *out);

/* The error for an SPDX document chainrisk does not read, at the place
 * detection found: "an SPDX <format> document: not supported, convert it
 * to SPDX JSON (...)".  Registers `path` as a source.  Returns CRISK_OK
 * (the problem is in `diags`: the load fails) or a resource error. */
int crisk__spdx_refuse(crisk_builder *b, const char *path, const crisk__sbom_detection *d,
                       crisk_diagnostics *diags, crisk_error *err);

#endif
