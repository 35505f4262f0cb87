/*
 * chainrisk/error.h - status codes, the error object and the diagnostics list.
 *
 * Every fallible function returns CRISK_OK (0) or a negative CRISK_E* code and
 * takes a `crisk_error *err` last.  The function that detects a problem fills
 * `err`; callers pass the code up without rewriting the message.  On success
 * `err` is left untouched.  `err` may be NULL.  Filling it never allocates.
 *
 * Loaders report *all* the problems of an input, not just the first, into a
 * `crisk_diagnostics` list (errors and warnings, each positioned as
 * FILE:LINE:COLUMN); the first error is also copied into `err`.
 */
#ifndef CHAINRISK_ERROR_H
#define CHAINRISK_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CRISK_OK        =  0,
    CRISK_EINVALID  = -1,   /* invalid input (exit code 1) */
    CRISK_ENOTFOUND = -2,   /* a named node, file or option value does not exist (exit 1) */
    CRISK_EUSAGE    = -3,   /* the caller asked for something meaningless (exit 2) */
    CRISK_ENOMEM    = -4,   /* out of memory (exit 3) */
    CRISK_EIO       = -5,   /* reading or writing a file failed (exit 3) */
    CRISK_ELIMIT    = -6,   /* a documented size limit was exceeded (exit 1) */
    CRISK_EINTERNAL = -7    /* a dependency failed unexpectedly (exit 3) */
};

#define CRISK_ERROR_FILE_MAX    512
#define CRISK_ERROR_MESSAGE_MAX 512

typedef struct crisk_error {
    int    code;                              /* CRISK_E*; CRISK_OK when unset */
    char   file[CRISK_ERROR_FILE_MAX];        /* "" when the error has no file */
    size_t line;                              /* 1-based physical line; 0 = none */
    size_t column;                            /* 1-based field number; 0 = whole row/file */
    char   message[CRISK_ERROR_MESSAGE_MAX];  /* lowercase, no final full stop */
} crisk_error;

#define CRISK_ERROR_INIT { CRISK_OK, "", 0, 0, "" }

/* Fill `err` (if not NULL) and return `code`.  `file` may be NULL. */
int crisk_error_set(crisk_error *err, int code, const char *file, size_t line,
                    size_t column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reset `err` to CRISK_ERROR_INIT. */
void crisk_error_clear(crisk_error *err);

/* Render "FILE:LINE:COLUMN: message" into `buf` and return it.  COLUMN 0
 * (a whole row) is printed as 0; without a line it is "FILE: message", and
 * without a file just the message. */
char *crisk_error_format(const crisk_error *err, char *buf, size_t size);

/* Short name of a status code, e.g. "invalid input". */
const char *crisk_strerror(int code);

/* The process exit code DESIGN §6 assigns to a status: 0, 1, 2 or 3. */
int crisk_exit_code(int code);

/* ---- diagnostics --------------------------------------------------------- */

typedef enum crisk_severity { CRISK_SEV_ERROR, CRISK_SEV_WARNING } crisk_severity;

typedef struct crisk_diag {
    crisk_severity severity;
    char  *file;      /* owned by the list */
    size_t line;      /* 0 = none */
    size_t column;    /* 0 = whole row or file */
    char  *message;   /* owned by the list */
} crisk_diag;

/* A caller-owned list.  Storage is capped at `limit` entries per severity
 * (default 50); past the cap only the counters grow, so a file with a million
 * bad rows costs bounded memory. */
typedef struct crisk_diagnostics {
    crisk_diag *items;
    size_t count;        /* stored items */
    size_t capacity;
    size_t limit;        /* per severity; 0 means the default (50) */
    size_t errors;       /* total errors seen, stored or not */
    size_t warnings;     /* total warnings seen, stored or not */
    size_t stored_errors, stored_warnings;
} crisk_diagnostics;

#define CRISK_DIAGNOSTICS_LIMIT 50

void crisk_diagnostics_init(crisk_diagnostics *d);
void crisk_diagnostics_release(crisk_diagnostics *d);

/* Append a diagnostic.  Returns CRISK_OK or CRISK_ENOMEM. */
int crisk_diagnostics_add(crisk_diagnostics *d, crisk_severity sev, const char *file,
                          size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Sort stored items by (file, line, column, severity, message) - stable and
 * deterministic, so output does not depend on the order checks ran in. */
void crisk_diagnostics_sort(crisk_diagnostics *d);

/* Render one item as "FILE:LINE:COLUMN: [warning: ]message". */
char *crisk_diag_format(const crisk_diag *item, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
