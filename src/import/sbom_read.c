/*
 * sbom_read.c - what the two SBOM readers share while they map a cJSON
 * tree (sbom_read.h): the diagnostics of one file, typed access to the
 * tree, and the strings they make.
 *
 * Approach: a small state (path, diagnostics, error count, status, string
 * blocks) that each reader embeds in its own and passes by pointer, so
 * that both word, place and count their problems alike and run out of
 * memory alike.  What the readers do differently stays a setting of that
 * state (the block sizes; whether a trimmed value may be the tree's own)
 * or stays in the reader (reading the file, the mapping itself).
 * Rejected: a callback table over each reader's own state - the two
 * states differ only in what this module does not touch.
 *
 * Strings: a small arena of chained blocks, so that a small SBOM costs a
 * page rather than the 1 MiB first chunk of the library's string pool
 * (which made the CycloneDX fuzz target spend most of its time in the
 * kernel), and a large one a few large blocks.
 */
#include "sbom_read.h"
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct crisk__sbom_block {
    struct crisk__sbom_block *next;
    size_t used, size;         /* bytes of data[] */
    char data[];
};

void crisk__sbom_reader_init(crisk__sbom_reader *rd, const char *path, crisk_diagnostics *diags,
                             size_t first_block, size_t largest_block, int borrow)
{
    memset(rd, 0, sizeof *rd);
    rd->path = path;
    rd->diags = diags;
    rd->status = CRISK_OK;
    rd->borrow = borrow;
    rd->first_block = first_block;
    rd->largest_block = largest_block;
}

void crisk__sbom_reader_release(crisk__sbom_reader *rd)
{
    while (rd->strings != NULL) {
        struct crisk__sbom_block *next = rd->strings->next;
        free(rd->strings);
        rd->strings = next;
    }
}

/* ---- diagnostics ------------------------------------------------------------- */

void crisk__sbom_vreport(crisk__sbom_reader *rd, crisk_severity sev, size_t line, size_t column,
                         const char *fmt, va_list ap)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (sev == CRISK_SEV_ERROR)
        rd->errors++;
    if (crisk_diagnostics_add(rd->diags, sev, rd->path, line, column, "%s", msg) != CRISK_OK)
        rd->status = CRISK_ENOMEM;
}

/* crisk__sbom_vreport at the kept position of `at`. */
static void vreport_item(crisk__sbom_reader *rd, crisk_severity sev, const cJSON *at,
                         const char *fmt, va_list ap)
{
    crisk__sbom_vreport(rd, sev, crisk__json_line(at), crisk__json_column(at), fmt, ap);
}

void crisk__sbom_fail(crisk__sbom_reader *rd, const cJSON *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport_item(rd, CRISK_SEV_ERROR, at, fmt, ap);
    va_end(ap);
}

void crisk__sbom_warn(crisk__sbom_reader *rd, const cJSON *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport_item(rd, CRISK_SEV_WARNING, at, fmt, ap);
    va_end(ap);
}

/* An error at LINE:COLUMN, through crisk__sbom_vreport as every other. */
static void fail_at(crisk__sbom_reader *rd, size_t line, size_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    crisk__sbom_vreport(rd, CRISK_SEV_ERROR, line, column, fmt, ap);
    va_end(ap);
}

void crisk__sbom_fail_parse(crisk__sbom_reader *rd, const crisk_error *json)
{
    fail_at(rd, json->line, json->column, "%s", json->message);
}

const char *crisk__sbom_plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* ---- typed access to the tree -------------------------------------------------- */

const cJSON *crisk__sbom_where(const cJSON *value, const cJSON *holder)
{
    return cJSON_IsNumber(value) ? holder : value;
}

const cJSON *crisk__sbom_typed(crisk__sbom_reader *rd, const cJSON *v, const cJSON *obj,
                               int type)
{
    if (v == NULL || cJSON_IsNull(v))
        return NULL;
    if ((v->type & 0xFF) == type)
        return v;
    crisk__sbom_fail(rd, crisk__sbom_where(v, obj), "'%s' must be %s (found %s)", v->string,
                     crisk__json_type_name(type), crisk__json_type_name(v->type));
    return NULL;
}

/* The member found is named `key` to the byte (a case-sensitive lookup),
 * so crisk__sbom_typed's message names it as `key`. */
const cJSON *crisk__sbom_member(crisk__sbom_reader *rd, const cJSON *obj, const char *key,
                                int type)
{
    return crisk__sbom_typed(rd, cJSON_GetObjectItemCaseSensitive(obj, key), obj, type);
}

int crisk__sbom_is_absent(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v == NULL || cJSON_IsNull(v);
}

const char *crisk__sbom_typed_text(crisk__sbom_reader *rd, const cJSON *v, const cJSON *obj)
{
    v = crisk__sbom_typed(rd, v, obj, cJSON_String);
    return v != NULL && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

const char *crisk__sbom_text(crisk__sbom_reader *rd, const cJSON *obj, const char *key)
{
    return crisk__sbom_typed_text(rd, cJSON_GetObjectItemCaseSensitive(obj, key), obj);
}

void crisk__sbom_pick(const cJSON *obj, const char *const *keys, size_t n, const cJSON **out)
{
    for (size_t k = 0; k < n; k++)
        out[k] = NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
        for (size_t k = 0; k < n; k++)
            if (out[k] == NULL && m->string != NULL && strcmp(m->string, keys[k]) == 0) {
                out[k] = m;
                break;
            }
}

/* Whether `entry` has JSON type `type`; else the error naming `what`. */
static int is_entry(crisk__sbom_reader *rd, const cJSON *entry, const cJSON *list,
                    const char *key, int type, const char *what)
{
    if ((entry->type & 0xFF) == type)
        return 1;
    crisk__sbom_fail(rd, crisk__sbom_where(entry, list), "each entry of '%s' must be %s (found %s)",
                     key, what, crisk__json_type_name(entry->type));
    return 0;
}

int crisk__sbom_is_object_entry(crisk__sbom_reader *rd, const cJSON *entry, const cJSON *list,
                                const char *key)
{
    return is_entry(rd, entry, list, key, cJSON_Object, "an object");
}

int crisk__sbom_is_string_entry(crisk__sbom_reader *rd, const cJSON *entry, const cJSON *list,
                                const char *key)
{
    return is_entry(rd, entry, list, key, cJSON_String, "a string");
}

/* ---- strings made while reading -------------------------------------------------- */

char *crisk__sbom_reserve(crisk__sbom_reader *rd, size_t len)
{
    struct crisk__sbom_block *b = rd->strings;
    if (b == NULL || b->size - b->used < len + 1) {
        size_t size = b == NULL                          ? rd->first_block
                      : 2 * b->size < rd->largest_block ? 2 * b->size
                                                        : rd->largest_block;
        if (size < len + 1)
            size = len + 1;
        struct crisk__sbom_block *fresh = malloc(sizeof *fresh + size);
        if (fresh == NULL) {
            rd->status = CRISK_ENOMEM;
            return NULL;
        }
        *fresh = (struct crisk__sbom_block){ b, 0, size };
        rd->strings = b = fresh;
    }
    char *out = b->data + b->used;
    b->used += len + 1;
    out[len] = '\0';
    return out;
}

const char *crisk__sbom_copy(crisk__sbom_reader *rd, const char *s, size_t len)
{
    char *copy = crisk__sbom_reserve(rd, len);
    if (copy != NULL)
        memcpy(copy, s, len);
    return copy;
}

const char *crisk__sbom_trimmed(crisk__sbom_reader *rd, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t start, len = crisk__json_trim_span(s, &start);
    if (len == 0)
        return NULL;
    if (rd->borrow && start == 0 && s[len] == '\0')
        return s;
    return crisk__sbom_copy(rd, s + start, len);
}

const char *crisk__sbom_trimmed_text(crisk__sbom_reader *rd, const cJSON *obj, const char *key)
{
    return crisk__sbom_trimmed(rd, crisk__sbom_text(rd, obj, key));
}

void crisk__sbom_check_length(crisk__sbom_reader *rd, const cJSON *at, const char *what,
                              const char *s)
{
    size_t len = s != NULL ? strlen(s) : 0;
    if (len > CRISK_MAX_FIELD_BYTES)
        crisk__sbom_fail(rd, at, "%s is too long (%zu bytes, limit %u)", what, len,
                         CRISK_MAX_FIELD_BYTES);
}

/* ---- handing over ------------------------------------------------------------------ */

int crisk__sbom_add_note(crisk_builder *b, crisk_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *note = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (note == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    va_start(ap, fmt);
    vsnprintf(note, (size_t)len + 1, fmt, ap);
    va_end(ap);
    int rc = crisk_builder_add_note(b, note, err);
    free(note);
    return rc;
}
