/*
 * error.c - the error object and the capped diagnostics list.
 *
 * crisk_error is filled in place with fixed buffers, so reporting an error
 * never allocates (it may be reporting an allocation failure).  Diagnostics
 * allocate, but storage is capped per severity; counters keep counting.
 */
#include "chainrisk/error.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int crisk_error_set(crisk_error *err, int code, const char *file, size_t line,
                    size_t column, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void crisk_error_clear(crisk_error *err)
{
    if (err != NULL)
        *err = (crisk_error)CRISK_ERROR_INIT;
}

/* Whether `file` names a sheet of a workbook, "book.xlsx[Sheet]"
 * (import/xlsx.h): its columns are shown as Excel's letters. */
static int is_sheet(const char *file)
{
    size_t n = strlen(file);
    if (n == 0 || file[n - 1] != ']')
        return 0;
    for (const char *p = strchr(file, '['); p != NULL; p = strchr(p + 1, '['))
        if (p - file >= 5 && strncasecmp(p - 5, ".xlsx", 5) == 0)
            return 1;
    return 0;
}

/* Column 1 as "A", 26 as "Z", 27 as "AA"; 0 as "0" (the whole row). */
static const char *column_letters(char out[16], size_t column)
{
    if (column == 0)
        return "0";
    char rev[16];
    size_t n = 0;
    for (; column > 0 && n < sizeof rev - 1; column = (column - 1) / 26)
        rev[n++] = (char)('A' + (column - 1) % 26);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
    return out;
}

static char *format_position(char *buf, size_t size, const char *file, size_t line,
                             size_t column, const char *prefix, const char *message)
{
    char letters[16];
    if (file == NULL || file[0] == '\0')
        snprintf(buf, size, "%s%s", prefix, message);
    else if (line == 0)
        snprintf(buf, size, "%s: %s%s", file, prefix, message);
    else if (is_sheet(file))
        snprintf(buf, size, "%s:%zu:%s: %s%s", file, line, column_letters(letters, column),
                 prefix, message);
    else
        snprintf(buf, size, "%s:%zu:%zu: %s%s", file, line, column, prefix, message);
    return buf;
}

char *crisk_error_format(const crisk_error *err, char *buf, size_t size)
{
    return format_position(buf, size, err->file, err->line, err->column, "", err->message);
}

const char *crisk_strerror(int code)
{
    switch (code) {
    case CRISK_OK:        return "success";
    case CRISK_EINVALID:  return "invalid input";
    case CRISK_ENOTFOUND: return "not found";
    case CRISK_EUSAGE:    return "usage error";
    case CRISK_ENOMEM:    return "out of memory";
    case CRISK_EIO:       return "input/output error";
    case CRISK_ELIMIT:    return "limit exceeded";
    case CRISK_EINTERNAL: return "internal error";
    default:              return "unknown error";
    }
}

int crisk__open_error_code(int errnum)
{
    return errnum == ENOENT || errnum == ENOTDIR || errnum == ENAMETOOLONG || errnum == ELOOP
         ? CRISK_ENOTFOUND : CRISK_EIO;
}

int crisk_exit_code(int code)
{
    switch (code) {
    case CRISK_OK:        return 0;
    case CRISK_EINVALID:
    case CRISK_ENOTFOUND:
    case CRISK_ELIMIT:    return 1;
    case CRISK_EUSAGE:    return 2;
    default:              return 3;
    }
}

/* ---- diagnostics ---------------------------------------------------------- */

void crisk_diagnostics_init(crisk_diagnostics *d)
{
    memset(d, 0, sizeof *d);
}

void crisk_diagnostics_release(crisk_diagnostics *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    size_t limit = d->limit;
    crisk_diagnostics_init(d);
    d->limit = limit;
}

int crisk_diagnostics_add(crisk_diagnostics *d, crisk_severity sev, const char *file,
                          size_t line, size_t column, const char *fmt, ...)
{
    size_t limit = d->limit ? d->limit : CRISK_DIAGNOSTICS_LIMIT;
    size_t *stored = sev == CRISK_SEV_ERROR ? &d->stored_errors : &d->stored_warnings;
    if (sev == CRISK_SEV_ERROR)
        d->errors++;
    else
        d->warnings++;
    if (*stored >= limit)
        return CRISK_OK;   /* counted, not stored: memory stays bounded */

    if (d->count == d->capacity) {
        size_t cap = d->capacity ? 2 * d->capacity : 16;
        crisk_diag *items = realloc(d->items, cap * sizeof *items);
        if (items == NULL)
            return CRISK_ENOMEM;
        d->items = items;
        d->capacity = cap;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    crisk_diag *it = &d->items[d->count];
    it->severity = sev;
    it->file = strdup(file ? file : "");
    it->message = strdup(msg);
    it->line = line;
    it->column = column;
    if (it->file == NULL || it->message == NULL) {
        free(it->file);
        free(it->message);
        return CRISK_ENOMEM;
    }
    d->count++;
    (*stored)++;
    return CRISK_OK;
}

void crisk__diagnostics_rewind(crisk_diagnostics *d, const crisk_diagnostics *mark)
{
    for (size_t i = mark->count; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    d->count = mark->count;
    d->errors = mark->errors;
    d->warnings = mark->warnings;
    d->stored_errors = mark->stored_errors;
    d->stored_warnings = mark->stored_warnings;
}

/* Files keep the order they were first reported in (nodes.csv before
 * edges.csv, inputs in command-line order); within a file, by position. */
typedef struct ranked_diag {
    crisk_diag item;
    size_t file_rank;
} ranked_diag;

static int compare_diag(const void *pa, const void *pb)
{
    const ranked_diag *ra = pa, *rb = pb;
    const crisk_diag *a = &ra->item, *b = &rb->item;
    if (ra->file_rank != rb->file_rank)
        return ra->file_rank < rb->file_rank ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    if (a->severity != b->severity)
        return a->severity == CRISK_SEV_ERROR ? -1 : 1;
    return strcmp(a->message, b->message);
}

void crisk_diagnostics_sort(crisk_diagnostics *d)
{
    if (d->count < 2)
        return;
    ranked_diag *r = malloc(d->count * sizeof *r);
    if (r == NULL)
        return;   /* unsorted but complete: better than nothing */
    for (size_t i = 0; i < d->count; i++) {
        r[i].item = d->items[i];
        r[i].file_rank = i;
        for (size_t j = 0; j < i; j++)   /* stored items are capped: O(limit^2) */
            if (strcmp(d->items[j].file, d->items[i].file) == 0) {
                r[i].file_rank = r[j].file_rank;
                break;
            }
    }
    qsort(r, d->count, sizeof *r, compare_diag);
    for (size_t i = 0; i < d->count; i++)
        d->items[i] = r[i].item;
    free(r);
}

char *crisk_diag_format(const crisk_diag *item, char *buf, size_t size)
{
    const char *prefix = item->severity == CRISK_SEV_WARNING ? "warning: " : "";
    return format_position(buf, size, item->file, item->line, item->column, prefix, item->message);
}
