/*
 * dora.h - the DORA Register of Information importer's entry (private): all
 * that the rest of the library sees of src/import/dora/.  The files of the
 * importer share dora_internal.h.
 */
#ifndef CRISK_DORA_H
#define CRISK_DORA_H

#include "chainrisk/chainrisk.h"

/* DORA Register of Information report package (.zip, folder, or folder with
 * one reports/), for the loader dispatch (load.c).  Every problem of the
 * package goes to `diags`; records reach the builder only when it has no
 * error at all. */
int crisk__dora_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err);

#endif
