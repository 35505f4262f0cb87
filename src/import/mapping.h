/*
 * mapping.h - spreadsheet column mappings (private): `--map MAPPING.json`
 * tells the native CSV importer which of the user's columns holds which
 * native column, and how to read the user's vocabulary ("Tier 1",
 * "Not replaceable", "Cloud / IaaS") as native values.  The format is
 * documented in data/README.md ("Spreadsheets with their own column names").
 *
 * The reader (crisk__colmap_load) validates the whole file and reports each
 * problem as MAPPING:LINE:COLUMN, LINE/COLUMN locating the offending JSON
 * key or value.  A loaded mapping is immutable; the lookups below accept a
 * NULL mapping, which means "native names, no translation", so the importer
 * needs no special case.  Strings they return are borrowed from the mapping
 * and live as long as it does.
 */
#ifndef CRISK_MAPPING_H
#define CRISK_MAPPING_H

#include <stddef.h>
#include <stdint.h>

#include "native_schema.h"

/* The largest mapping file read: value maps are vocabularies, not data. */
#define CRISK_MAX_MAPPING_BYTES (1u << 20)

/* How one native column is read from the user's file. */
typedef struct crisk__map_column {
    const char *header;        /* the user's column name; NULL = the native name */
    size_t n_values;           /* entries of the value map */
    const char **from;         /* cells as the user writes them (trimmed), in file order */
    const char **to;           /* native cell text for each; NULL = "not given" */
    uint32_t *sorted;          /* indices into from/to, ASCII-case-insensitive order */
    int has_values;            /* a "values" object was given (it may be empty) */
    const char *fallback;      /* "defaults": native text for an empty cell; NULL = none */
} crisk__map_column;

typedef struct crisk__map_file {
    const char *file;          /* "file": relative to the inventory directory; NULL = native name */
    size_t n_columns;          /* of the native schema */
    const char *const *native; /* the native column names (borrowed from csv_native.c) */
    crisk__map_column *column; /* per native column */
} crisk__map_file;

struct crisk__colmap {
    char *path;                            /* as the user gave it */
    char sha256[65];                       /* of the file's bytes */
    uint64_t bytes;
    crisk__map_file file[CRISK__NATIVE_FILES];
    struct crisk__map_block *strings;      /* every string above lives here */
};

/* Read and validate the mapping file `path`.  Every problem goes to `diags`
 * (MAPPING:LINE:COLUMN: message); then nothing is returned, `err` holds the
 * first of them and the result is CRISK_EINVALID.  A missing or unreadable
 * file is CRISK_ENOTFOUND / CRISK_EIO in `err` alone; CRISK_ENOMEM.  On
 * success `*out` is owned by the caller (crisk__colmap_free).
 * Time O(bytes + V log V), V the number of mapped values. */
int crisk__colmap_load(struct crisk__colmap **out, const char *path, crisk_diagnostics *diags,
                       crisk_error *err);
void crisk__colmap_free(struct crisk__colmap *map);

/* The "file" of a section, or NULL (use the native file name). */
const char *crisk__colmap_file(const struct crisk__colmap *map, enum crisk__native_file f);

/* The native column that the header cell `name` holds, or -1: the user's
 * names first, then the native names of the columns the mapping leaves
 * unmapped, both ignoring ASCII case.  A native name whose column the
 * mapping gives another name is no native column (-1).  O(columns). */
int crisk__colmap_column(const struct crisk__colmap *map, enum crisk__native_file f,
                         const char *name);

/* The user's name for a native column, or NULL when it keeps its own. */
const char *crisk__colmap_header(const struct crisk__colmap *map, enum crisk__native_file f,
                                 size_t column);

/* Translate a (trimmed, non-empty) cell of a native column. */
enum crisk__map_result {
    CRISK__MAP_NONE,       /* the column has no value map: read the cell as it is */
    CRISK__MAP_HIT,        /* `*out` is the native text, or NULL for "not given" */
    CRISK__MAP_MISS        /* the column has a value map that does not list the cell */
};
enum crisk__map_result crisk__colmap_translate(const struct crisk__colmap *map,
                                               enum crisk__native_file f, size_t column,
                                               const char *cell, const char **out);

/* The "defaults" entry of a native column (native text), or NULL. */
const char *crisk__colmap_default(const struct crisk__colmap *map, enum crisk__native_file f,
                                  size_t column);

/* For a message about a cell the value map misses: the closest mapped
 * value ("did you mean"), or NULL; and the mapped values as "'a', 'b' or
 * 'c'" (the first few, then "..."), written to `buf`. */
const char *crisk__colmap_suggest(const struct crisk__colmap *map, enum crisk__native_file f,
                                  size_t column, const char *cell);
void crisk__colmap_values(const struct crisk__colmap *map, enum crisk__native_file f,
                          size_t column, char *buf, size_t size);

#endif
