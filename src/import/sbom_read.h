/*
 * sbom_read.h - what the two SBOM readers (cyclonedx.c, spdx.c) share
 * while they map a cJSON tree (private): the diagnostics of one file at a
 * value's kept position, typed access to the tree's members, the
 * strings a reader makes (trimmed values, composed names, fallback ids),
 * and the provenance note it hands over.
 *
 * A reader embeds one crisk__sbom_reader in its own state and passes it to
 * every function here.  Positions are those json_text.c keeps in the tree
 * (crisk__json_keep_position): crisk__json_line / crisk__json_column of
 * the item a message names, 0, 0 for NULL (the whole file).  A number
 * carries no position: messages about one point at what holds it
 * (crisk__sbom_where).
 *
 * Errors.  Running out of memory never stops a function here: it records
 * CRISK_ENOMEM in `status` and returns what it can (NULL for a string);
 * the reader checks `status` between its steps and fails the load with
 * "out of memory".  Every error reported counts in `errors`; the reader
 * hands nothing to the builder when there is one.
 *
 * Threads.  Nothing here locks: a reader calls these functions from one
 * thread (spdx.c's fast path parses on a helper thread, which never
 * reports nor makes strings).
 */
#ifndef CRISK_SBOM_READ_H
#define CRISK_SBOM_READ_H

#include <stdarg.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "chainrisk/chainrisk.h"

struct crisk__sbom_block;

typedef struct crisk__sbom_reader {
    const char *path;          /* the file, as messages name it */
    crisk_diagnostics *diags;  /* where problems go */
    int status;                /* CRISK_ENOMEM once memory ran out, else CRISK_OK */
    size_t errors;             /* errors reported for this file */
    int borrow;                /* trimmed text may be the tree's own (see _init) */
    size_t first_block;        /* bytes of the first string block */
    size_t largest_block;      /* bytes the blocks double up to (a longer string: its own size) */
    struct crisk__sbom_block *strings;   /* the strings made, newest block first */
} crisk__sbom_reader;

/* Start `rd` for the file `path` (borrowed, as `diags`), with nothing
 * reported and no string made.  Strings come from blocks of `first_block`
 * bytes, doubling up to `largest_block`.  `borrow`: 1 when the cJSON tree
 * stays whole until the reader is done with its strings, so that
 * crisk__sbom_trimmed() may return a value that needs no trimming as it
 * is; 0 to copy every value (a tree emptied as it is read). */
void crisk__sbom_reader_init(crisk__sbom_reader *rd, const char *path, crisk_diagnostics *diags,
                             size_t first_block, size_t largest_block, int borrow);

/* Free every string made; `rd` can be started again.  Accepts a reader
 * never started only if zeroed. */
void crisk__sbom_reader_release(crisk__sbom_reader *rd);

/* ---- diagnostics ---- */

/* Report the formatted message at LINE:COLUMN (0, 0: the whole file) with
 * severity `sev`; an error counts in `errors`. */
void crisk__sbom_vreport(crisk__sbom_reader *rd, crisk_severity sev, size_t line, size_t column,
                         const char *fmt, va_list ap);

/* An error, or a warning, at the kept position of `at` (NULL: the whole
 * file). */
void crisk__sbom_fail(crisk__sbom_reader *rd, const cJSON *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void crisk__sbom_warn(crisk__sbom_reader *rd, const cJSON *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Why the text is not JSON the reader can read (json_text.c's verdict,
 * which names no file): an error of this file at its line and column. */
void crisk__sbom_fail_parse(crisk__sbom_reader *rd, const crisk_error *json);

/* "" for one, "s" for any other count: "%zu edge%s". */
const char *crisk__sbom_plural(size_t n);

/* ---- typed access to the tree ---- */

/* Where a message about `value` points: `value`, or `holder` when it is a
 * number. */
const cJSON *crisk__sbom_where(const cJSON *value, const cJSON *holder);

/* Member `key` of `obj` when it has JSON type `type` (cJSON_String, ...).
 * Absent or null: NULL.  Another type: an error "'KEY' must be TYPE
 * (found TYPE)" at the member, NULL. */
const cJSON *crisk__sbom_member(crisk__sbom_reader *rd, const cJSON *obj, const char *key,
                                int type);

/* Whether member `key` of `obj` is absent or null (JSON null counts as
 * absent). */
int crisk__sbom_is_absent(const cJSON *obj, const char *key);

/* A string member, or NULL when absent, null or empty (another type: the
 * error of crisk__sbom_member). */
const char *crisk__sbom_text(crisk__sbom_reader *rd, const cJSON *obj, const char *key);

/* The members of `obj` named keys[0..n), in one pass over its members
 * (a lookup per key would compare each key again and again): out[k] is the
 * first member named keys[k], or NULL. */
void crisk__sbom_pick(const cJSON *obj, const char *const *keys, size_t n, const cJSON **out);

/* A picked member `v` of `obj`, checked as crisk__sbom_member checks one. */
const cJSON *crisk__sbom_typed(crisk__sbom_reader *rd, const cJSON *v, const cJSON *obj,
                               int type);

/* A picked string member, or NULL when absent, null or empty. */
const char *crisk__sbom_typed_text(crisk__sbom_reader *rd, const cJSON *v, const cJSON *obj);

/* Whether `entry` of the array `list` (member `key`) is an object, or a
 * string; if not, an error "each entry of 'KEY' must be an object (found
 * TYPE)" (or "a string") at the entry. */
int crisk__sbom_is_object_entry(crisk__sbom_reader *rd, const cJSON *entry, const cJSON *list,
                                const char *key);
int crisk__sbom_is_string_entry(crisk__sbom_reader *rd, const cJSON *entry, const cJSON *list,
                                const char *key);

/* ---- strings made while reading ---- */

/* Room for a string of `len` bytes and its NUL (already written), living
 * until crisk__sbom_reader_release; NULL when out of memory (recorded). */
char *crisk__sbom_reserve(crisk__sbom_reader *rd, size_t len);

/* A copy of s[0..len) with a NUL after it, as crisk__sbom_reserve. */
const char *crisk__sbom_copy(crisk__sbom_reader *rd, const char *s, size_t len);

/* `s` without surrounding white space (crisk__json_trim_span: the native
 * reader trims cells, so this is what a written inventory reads back): a
 * copy, or with `borrow` `s` itself when there is nothing to trim.  NULL
 * when `s` is NULL or nothing is left, or out of memory (recorded). */
const char *crisk__sbom_trimmed(crisk__sbom_reader *rd, const char *s);

/* crisk__sbom_trimmed of crisk__sbom_text: a string member as the model
 * keeps it, or NULL. */
const char *crisk__sbom_trimmed_text(crisk__sbom_reader *rd, const cJSON *obj, const char *key);

/* Text the model keeps must fit a native CSV cell: otherwise an error
 * "WHAT is too long (N bytes, limit L)" at `at`.  NULL `s` fits. */
void crisk__sbom_check_length(crisk__sbom_reader *rd, const cJSON *at, const char *what,
                              const char *s);

/* ---- handing over ---- */

/* Hand the formatted provenance note (any length) to the builder.
 * Returns CRISK_OK, or the builder's code (CRISK_ENOMEM, err set). */
int crisk__sbom_add_note(crisk_builder *b, crisk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
