/*
 * json_file.c - a small JSON file read whole, parsed, located, and its
 * problems reported where they are (json_file.h).
 */
#include "json_file.h"
#include "util/infile.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void crisk__json_file_init(crisk__json_file *jf, const char *path, crisk_diagnostics *diags)
{
    memset(jf, 0, sizeof *jf);
    jf->path = path;
    jf->diags = diags;
}

void crisk__json_file_release(crisk__json_file *jf)
{
    free(jf->text);
    free(jf->at);
    jf->text = NULL;
    jf->at = NULL;
    jf->n = jf->n_at = jf->cap_at = 0;
}

/* ---- problems ------------------------------------------------------------------- */

static void report(crisk__json_file *jf, size_t line, size_t column, const char *fmt, va_list ap)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (jf->errors == 0 || line < jf->first_line
        || (line == jf->first_line && column < jf->first_column)) {
        jf->first_line = line;
        jf->first_column = column;
        snprintf(jf->first_message, sizeof jf->first_message, "%s", msg);
    }
    jf->errors++;
    if (crisk_diagnostics_add(jf->diags, CRISK_SEV_ERROR, jf->path, line, column, "%s", msg)
        != CRISK_OK)
        jf->status = CRISK_ENOMEM;
}

void crisk__json_file_fail_at(crisk__json_file *jf, size_t line, size_t column, const char *fmt,
                              ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(jf, line, column, fmt, ap);
    va_end(ap);
}

void crisk__json_file_fail_value(crisk__json_file *jf, const cJSON *item, const char *fmt, ...)
{
    const crisk__json_place *p = crisk__json_file_where(jf, item);
    va_list ap;
    va_start(ap, fmt);
    report(jf, p->line, p->column, fmt, ap);
    va_end(ap);
}

void crisk__json_file_fail_key(crisk__json_file *jf, const cJSON *item, const char *fmt, ...)
{
    const crisk__json_place *p = crisk__json_file_where(jf, item);
    va_list ap;
    va_start(ap, fmt);
    report(jf, p->key_line, p->key_column, fmt, ap);
    va_end(ap);
}

int crisk__json_file_status(const crisk__json_file *jf, crisk_error *err)
{
    if (jf->status != CRISK_OK)
        return crisk_error_set(err, jf->status, jf->path, 0, 0, "out of memory");
    if (jf->errors == 0)
        return CRISK_OK;
    return crisk_error_set(err, CRISK_EINVALID, jf->path, jf->first_line, jf->first_column, "%s",
                           jf->first_message);
}

/* ---- the bytes ------------------------------------------------------------------- */

/* Read up to max + 1 bytes of `f` into a buffer grown from `hint` bytes,
 * with room for a NUL after the last.  Returns the buffer (NULL when out of
 * memory), its length in *len, and in *failed the errno of a read error (0
 * if none). */
static unsigned char *read_bytes(FILE *f, size_t hint, size_t max, size_t *len, int *failed)
{
    size_t cap = (hint < max ? hint : max) + 2, n = 0;
    unsigned char *buf = malloc(cap);
    errno = 0;
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1 || n > max)
            break;   /* end of file, an error, or one byte past the limit */
        size_t bigger_cap = cap > max / 2 ? max + 2 : 2 * cap;
        unsigned char *bigger = realloc(buf, bigger_cap);
        if (bigger == NULL)
            free(buf);
        buf = bigger;
        cap = bigger_cap;
    }
    *failed = ferror(f) ? (errno != 0 ? errno : EIO) : 0;
    *len = n;
    return buf;
}

/* A problem with the file itself: a diagnostic without position, and `err`. */
static int file_problem(crisk__json_file *jf, int code, crisk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int file_problem(crisk__json_file *jf, int code, crisk_error *err, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (code != CRISK_ENOMEM)
        crisk__json_file_fail_at(jf, 0, 0, "%s", msg);
    return crisk_error_set(err, code, jf->path, 0, 0, "%s", msg);
}

int crisk__json_file_read(crisk__json_file *jf, size_t max, crisk_error *err)
{
    int fd;
    struct stat st;
    char why[CRISK_ERROR_MESSAGE_MAX];
    int code = crisk__infile_open(jf->path, 0, &fd, &st, why, sizeof why);   /* regular files only */
    if (code != CRISK_OK)
        return file_problem(jf, code, err, "%s", why);
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        close(fd);
        return file_problem(jf, CRISK_ENOMEM, err, "out of memory");
    }
    size_t hint = (size_t)st.st_size;
    int failed = 0;
    size_t n = 0;
    unsigned char *buf = read_bytes(f, hint, max, &n, &failed);
    fclose(f);
    if (buf == NULL)
        return file_problem(jf, CRISK_ENOMEM, err, "out of memory");
    if (failed || n > max) {
        free(buf);
        if (failed)
            return file_problem(jf, CRISK_EIO, err, "cannot read file: %s", strerror(failed));
        return file_problem(jf, CRISK_ELIMIT, err, "file is too large (more than %zu bytes)", max);
    }
    buf[n] = '\0';
    jf->text = buf;
    jf->n = n;
    return CRISK_OK;
}

/* ---- the tree and its positions ---------------------------------------------------- */

/* A crisk__json_visit_fn: add the place to the table (sorted once the walk
 * is done). */
static int record(void *ctx, const crisk__json_place *at)
{
    crisk__json_file *jf = ctx;
    if (crisk__grow((void **)&jf->at, &jf->cap_at, jf->n_at + 1, sizeof *jf->at) != 0) {
        jf->status = CRISK_ENOMEM;
        return CRISK_ENOMEM;
    }
    jf->at[jf->n_at++] = *at;
    return CRISK_OK;
}

static int by_item(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const crisk__json_place *)a)->item;
    uintptr_t y = (uintptr_t)((const crisk__json_place *)b)->item;
    return x < y ? -1 : x > y;
}

cJSON *crisk__json_file_parse(crisk__json_file *jf, const char *expected)
{
    cJSON *root = NULL;
    crisk_error json = CRISK_ERROR_INIT;
    int rc = crisk__json_parse(&root, jf->text, jf->n, expected, record, jf, &json);
    if (rc == CRISK_EINVALID)
        crisk__json_file_fail_at(jf, json.line, json.column, "%s", json.message);
    else if (rc != CRISK_OK)
        jf->status = rc;
    if (rc != CRISK_OK)
        return NULL;
    crisk__sort(jf->at, jf->n_at, sizeof *jf->at, by_item);
    return root;
}

const crisk__json_place *crisk__json_file_where(const crisk__json_file *jf, const cJSON *item)
{
    static const crisk__json_place none;
    crisk__json_place key = { .item = (cJSON *)item };
    const crisk__json_place *at = NULL;
    if (jf->at != NULL)
        at = bsearch(&key, jf->at, jf->n_at, sizeof *jf->at, by_item);
    return at != NULL ? at : &none;
}
