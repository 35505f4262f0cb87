/*
 * json_file.c - a JSON file read whole, and the positions of its parsed
 * tree by item (json_file.h).
 */
#include "json_file.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int crisk__json_file_read(const char *path, size_t max, unsigned char **out, size_t *len,
                          char *why, size_t why_size)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        snprintf(why, why_size, "cannot open file: %s", strerror(e));
        return e == ENOENT || e == ENOTDIR ? CRISK_ENOTFOUND : CRISK_EIO;
    }
    struct stat st;
    size_t hint = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 4096;
    int failed = 0;
    size_t n = 0;
    unsigned char *buf = read_bytes(f, hint, max, &n, &failed);
    fclose(f);
    if (buf == NULL) {
        snprintf(why, why_size, "out of memory");
        return CRISK_ENOMEM;
    }
    if (failed || n > max) {
        free(buf);
        if (failed) {
            snprintf(why, why_size, "cannot read file: %s", strerror(failed));
            return CRISK_EIO;
        }
        snprintf(why, why_size, "file is too large (more than %zu bytes)", max);
        return CRISK_ELIMIT;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CRISK_OK;
}

/* ---- positions --------------------------------------------------------------------- */

int crisk__json_places_record(void *ctx, const crisk__json_place *at)
{
    crisk__json_places *p = ctx;
    if (crisk__grow((void **)&p->at, &p->cap, p->n + 1, sizeof *p->at) != 0)
        return CRISK_ENOMEM;
    p->at[p->n++] = *at;
    return CRISK_OK;
}

static int by_item(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const crisk__json_place *)a)->item;
    uintptr_t y = (uintptr_t)((const crisk__json_place *)b)->item;
    return x < y ? -1 : x > y;
}

void crisk__json_places_sort(crisk__json_places *p)
{
    crisk__sort(p->at, p->n, sizeof *p->at, by_item);
}

const crisk__json_place *crisk__json_places_find(const crisk__json_places *p, const cJSON *item)
{
    static const crisk__json_place none;
    crisk__json_place key = { .item = (cJSON *)item };
    const crisk__json_place *at = NULL;
    if (p->at != NULL)
        at = bsearch(&key, p->at, p->n, sizeof *p->at, by_item);
    return at != NULL ? at : &none;
}

void crisk__json_places_release(crisk__json_places *p)
{
    free(p->at);
    p->at = NULL;
    p->n = p->cap = 0;
}
