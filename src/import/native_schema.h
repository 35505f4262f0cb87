/*
 * native_schema.h - the native CSV format (DESIGN §3; private): the columns
 * of nodes.csv and edges.csv and the rules for one cell.  Two readers use
 * them: the native reader (csv_native.c) reads every cell by them, and the
 * mapping reader (mapping.c) maps a spreadsheet's columns onto them and
 * checks each translation and default it loads with the same rules.
 */
#ifndef CRISK_NATIVE_SCHEMA_H
#define CRISK_NATIVE_SCHEMA_H

#include <stddef.h>

#include "chainrisk/chainrisk.h"

enum crisk__native_file { CRISK__NATIVE_NODES, CRISK__NATIVE_EDGES, CRISK__NATIVE_FILES };

/* The columns of each file, in schema order. */
enum crisk__node_column {
    CRISK__NODE_ID, CRISK__NODE_NAME, CRISK__NODE_TYPE, CRISK__NODE_CATEGORY,
    CRISK__NODE_CRITICALITY, CRISK__NODE_RTO, CRISK__NODE_RECOVERY, CRISK__NODE_SPEND,
    CRISK__NODE_COUNTRY, CRISK__NODE_PARENT, CRISK__NODE_SUBST, CRISK__NODE_PROBABILITY,
    CRISK__NODE_LOSS_PER_HOUR, CRISK__NODE_COLUMNS
};
enum crisk__edge_column {
    CRISK__EDGE_FROM, CRISK__EDGE_TO, CRISK__EDGE_GROUP, CRISK__EDGE_NEED, CRISK__EDGE_KIND,
    CRISK__EDGE_COLUMNS
};

typedef struct crisk__native_schema {
    const char *kind;                   /* source kind: "nodes" / "edges" */
    enum crisk__native_file file;
    const char *const *names;           /* column names, in schema order */
    size_t count;
    unsigned required;                  /* bit per column: the header must have it */
    unsigned free_text;                 /* bit per column: no value map */
    int keep_unknown;                   /* other columns: pass-through attributes, else
                                         * ignored with a warning */
} crisk__native_schema;

const crisk__native_schema *crisk__native_schema_of(enum crisk__native_file f);

/* The column names of a native file, in schema order; their count in *n. */
const char *const *crisk__native_columns(enum crisk__native_file f, size_t *n);

/* Whether a column takes free text (ids, names, labels): such a column can
 * be renamed but cannot have a value map or a default. */
int crisk__native_is_free_text(enum crisk__native_file f, size_t column);

/* What the rules make of one cell. */
enum crisk__cell {
    CRISK__CELL_OK,             /* read into the record */
    CRISK__CELL_UNREADABLE,     /* not a value of the column: not a number, an unknown
                                 * name, a malformed country code or need, an empty id */
    CRISK__CELL_OUT_OF_RANGE    /* a number outside the column's range */
};

/* Read the (trimmed) text `v` of node column `c` into `rec`; "" means not
 * given, which only the id may not be.  Text is borrowed from `v`, except
 * the country code, which is stored upper-cased in `country` for
 * rec->country to point to.  Anything but CRISK__CELL_OK comes with the
 * message in `msg` ("unknown type 'suplier' (did you mean 'supplier'?)").
 * Numbers are read in the current locale: the caller sets the C locale. */
enum crisk__cell crisk__native_node_cell(crisk_node_record *rec, enum crisk__node_column c,
                                         const char *v, char country[3],
                                         char msg[CRISK_ERROR_MESSAGE_MAX]);

/* The same for edge column `c` (no country). */
enum crisk__cell crisk__native_edge_cell(crisk_edge_record *rec, enum crisk__edge_column c,
                                         const char *v, char msg[CRISK_ERROR_MESSAGE_MAX]);

/* A decimal number as the native format writes it: digits, sign, point,
 * exponent, nothing else (strtod alone would take "inf", "nan" and hex);
 * finite, -0 read as 0.  Numbers are read in the current locale: the
 * caller sets the C locale.  Returns 0 or -1. */
int crisk__native_parse_number(const char *s, double *out);

/* Check `value` as a non-empty cell of a native column, with the importer's
 * own rules.  Returns 0 if the cell would be accepted, else -1 with the
 * importer's message ("unknown type 'suplier' (did you mean 'supplier'?)")
 * in `msg`.  Numbers are read in the C locale whatever the caller set. */
int crisk__native_check_value(enum crisk__native_file f, size_t column, const char *value,
                              char msg[CRISK_ERROR_MESSAGE_MAX]);

#endif
