/*
 * native_schema.h - the native CSV format's columns (DESIGN §3; private),
 * for the two readers that need them: the native reader (csv_native.c),
 * which reads nodes.csv and edges.csv by them, and the mapping reader
 * (mapping.c), which maps a spreadsheet's columns onto them and checks each
 * translation and default it loads with the native reader's own rules.
 */
#ifndef CRISK_NATIVE_SCHEMA_H
#define CRISK_NATIVE_SCHEMA_H

#include <stddef.h>

#include "chainrisk/chainrisk.h"

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

#endif
