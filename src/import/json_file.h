/*
 * json_file.h - a small JSON file as its reader takes it (private): the
 * mapping (`--map`) and the policy (`check --policy`).  Its bytes, read
 * whole under a size limit; the tree, parsed and located by json_text.c's
 * walk, with a table of where each value stands looked up by item; and its
 * problems, each reported at the key or value that has it as
 * FILE:LINE:COLUMN into the caller's diagnostics, the earliest kept for the
 * error the reader returns.  Both readers word and place problems alike,
 * and read files alike.
 *
 * Rejected: keeping positions in the cJSON items themselves, as
 * cyclonedx.c does: these files' numbers are values that matter.
 */
#ifndef CRISK_JSON_FILE_H
#define CRISK_JSON_FILE_H

#include <stdarg.h>
#include <stddef.h>

#include "json_text.h"

typedef struct crisk__json_file {
    const char *path;
    crisk_diagnostics *diags;
    int status;                         /* CRISK_ENOMEM once memory ran out */
    size_t errors;                      /* problems reported */
    size_t first_line, first_column;    /* the earliest of them */
    char first_message[CRISK_ERROR_MESSAGE_MAX];
    unsigned char *text;                /* the bytes, a NUL after the last */
    size_t n;
    crisk__json_place *at;              /* positions, sorted by item after the parse */
    size_t n_at, cap_at;
} crisk__json_file;

void crisk__json_file_init(crisk__json_file *jf, const char *path, crisk_diagnostics *diags);
/* Frees the bytes and the positions (not the diagnostics, the caller's). */
void crisk__json_file_release(crisk__json_file *jf);

/* Read the file whole into jf->text, at most `max` bytes.  A problem with
 * the file itself ("cannot open file: ...", "file is too large (more than
 * N bytes)") is reported without a position and returned in `err`:
 * CRISK_ENOTFOUND, CRISK_EIO, CRISK_ELIMIT, CRISK_ENOMEM. */
int crisk__json_file_read(crisk__json_file *jf, size_t max, crisk_error *err);

/* Parse jf->text as one JSON document and record where every value stands.
 * Returns the tree (the caller's: cJSON_Delete), or NULL after reporting
 * the problem (or running out of memory: jf->status).  `expected` words
 * what an empty file should have held ("a JSON object"). */
cJSON *crisk__json_file_parse(crisk__json_file *jf, const char *expected);

/* Where `item` stands: never NULL (a zeroed place, "no position", for an
 * item the table lacks).  O(log n). */
const crisk__json_place *crisk__json_file_where(const crisk__json_file *jf, const cJSON *item);

/* Report a problem at a position (0, 0: the whole file), at the value of
 * `item`, or at its key. */
void crisk__json_file_fail_at(crisk__json_file *jf, size_t line, size_t column, const char *fmt,
                              ...) __attribute__((format(printf, 4, 5)));
void crisk__json_file_fail_value(crisk__json_file *jf, const cJSON *item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void crisk__json_file_fail_key(crisk__json_file *jf, const cJSON *item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The outcome of the read: CRISK_OK when nothing was reported; else
 * CRISK_ENOMEM, or CRISK_EINVALID with the earliest problem in `err`. */
int crisk__json_file_status(const crisk__json_file *jf, crisk_error *err);

#endif
