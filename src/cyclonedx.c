/* cyclonedx.c - CycloneDX SBOM importer (issue 7, in progress). */
#include "load.h"

int crisk__cyclonedx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                          crisk_diagnostics *diags, crisk_error *err)
{
    (void)b; (void)opts; (void)diags;
    return crisk_error_set(err, CRISK_EINVALID, path, 0, 0, "CycloneDX SBOMs are not supported yet");
}
