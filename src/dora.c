/* dora.c - DORA Register of Information importer (issue 7, in progress). */
#include "load.h"

int crisk__dora_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err)
{
    (void)b; (void)opts; (void)diags;
    return crisk_error_set(err, CRISK_EINVALID, path, 0, 0,
                           "no nodes.csv here, and DORA report packages are not supported yet");
}
