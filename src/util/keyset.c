/*
 * keyset.c - many 64-bit keys read back in ascending order (keyset.h).
 *
 * Runs are written as LEB128 varints of the differences between
 * consecutive sorted keys (the first against 0): a diff's keys are
 * (function, change, node) ranks, so neighbours differ by a few node ranks
 * and a key takes two or three bytes.  Reading merges the runs through a
 * binary heap of their current keys, each run read through its own buffer
 * with pread(), so readers share the file without sharing a position.
 *
 * Rejected: keeping every key in memory (8 bytes a key is still tens of
 * gigabytes at a million nodes), and sorting with qsort (a comparison sort
 * of 64-bit keys costs several times the radix sort's few passes).
 */
#include "keyset.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each run's read buffer: at least this, and the runs' buffers together
 * at most READ_BUDGET. */
#define READ_MIN (4u << 10)
#define READ_MAX (256u << 10)
#define READ_BUDGET (32u << 20)

void crisk__keyset_init(crisk__keyset *k, size_t run)
{
    memset(k, 0, sizeof *k);
    k->run = run < 2 ? 2 : run;
    k->fd = -1;
}

void crisk__keyset_release(crisk__keyset *k)
{
    free(k->keys);
    free(k->runs);
    if (k->fd >= 0)
        close(k->fd);
    memset(k, 0, sizeof *k);
    k->fd = -1;
}

void crisk__radix_sort_u64(uint64_t *keys, uint64_t *scratch, size_t n)
{
    if (n < 2)
        return;
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        all_or |= keys[i];
        all_and &= keys[i];
    }
    uint64_t differ = all_or ^ all_and;
    uint64_t *from = keys, *to = scratch;
    for (int shift = 0; shift < 64; shift += 8) {
        if (((differ >> shift) & 0xff) == 0)
            continue;
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((from[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & 0xff]++] = from[i];
        uint64_t *t = from;
        from = to;
        to = t;
    }
    if (from != keys)
        memcpy(keys, from, n * sizeof *keys);
}

static int io_error(crisk_error *err, const char *what)
{
    return crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "%s a temporary file: %s", what,
                           strerror(errno));
}

static int open_file(crisk__keyset *k, crisk_error *err)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    size_t len = strlen(dir) + sizeof "/chainrisk-keys-XXXXXX";
    char *name = malloc(len);
    if (name == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(name, len, "%s/chainrisk-keys-XXXXXX", dir);
    k->fd = mkstemp(name);
    if (k->fd < 0) {
        int e = errno;
        int rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0,
                                 "cannot create a temporary file in %s: %s", dir, strerror(e));
        free(name);
        return rc;
    }
    unlink(name);
    free(name);
    return CRISK_OK;
}

static int write_all(int fd, const unsigned char *buf, size_t n, uint64_t offset)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, buf, n, (off_t)offset);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
        offset += (uint64_t)w;
    }
    return 0;
}

static size_t put_varint(unsigned char *out, uint64_t x)
{
    size_t n = 0;
    while (x >= 0x80) {
        out[n++] = (unsigned char)(x | 0x80);
        x >>= 7;
    }
    out[n++] = (unsigned char)x;
    return n;
}

/* Sort the keys in memory and append them to the file as one run. */
static int spill(crisk__keyset *k, crisk_error *err)
{
    uint64_t *scratch = malloc((k->n + 1) * sizeof *scratch);
    if (scratch == NULL
        || crisk__grow((void **)&k->runs, &k->cap_runs, k->n_runs + 1, sizeof *k->runs) != 0) {
        free(scratch);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    crisk__radix_sort_u64(k->keys, scratch, k->n);
    if (k->fd < 0) {
        int rc = open_file(k, err);
        if (rc != CRISK_OK) {
            free(scratch);
            return rc;
        }
    }
    /* the scratch space, as bytes, holds the coded run a part at a time */
    unsigned char *out = (unsigned char *)scratch;
    size_t room = (k->n + 1) * sizeof *scratch, used = 0;
    uint64_t prev = 0, start = k->file_bytes;
    for (size_t i = 0; i < k->n; i++) {
        if (room - used < 10) {
            if (write_all(k->fd, out, used, k->file_bytes) != 0) {
                free(scratch);
                return io_error(err, "cannot write");
            }
            k->file_bytes += used;
            used = 0;
        }
        used += put_varint(out + used, k->keys[i] - prev);
        prev = k->keys[i];
    }
    if (write_all(k->fd, out, used, k->file_bytes) != 0) {
        free(scratch);
        return io_error(err, "cannot write");
    }
    k->file_bytes += used;
    k->runs[k->n_runs++] = (crisk__keyrun){ start, k->file_bytes - start, k->n };
    k->n = 0;
    free(scratch);
    return CRISK_OK;
}

int crisk__keyset_add(crisk__keyset *k, uint64_t key, crisk_error *err)
{
    if (k->n == k->cap) {
        if (k->n == k->run) {
            int rc = spill(k, err);
            if (rc != CRISK_OK)
                return rc;
        } else {
            size_t cap = k->cap ? k->cap * 2 : 1024;
            if (cap > k->run)
                cap = k->run;
            uint64_t *p = realloc(k->keys, cap * sizeof *p);
            if (p == NULL)
                return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
            k->keys = p;
            k->cap = cap;
        }
    }
    k->keys[k->n++] = key;
    k->total++;
    return CRISK_OK;
}

int crisk__keyset_finish(crisk__keyset *k, crisk_error *err)
{
    if (k->finished)
        return CRISK_OK;
    uint64_t *scratch = malloc((k->n + 1) * sizeof *scratch);
    if (scratch == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    crisk__radix_sort_u64(k->keys, scratch, k->n);
    free(scratch);
    k->finished = 1;
    return CRISK_OK;
}

/* ---- reading ------------------------------------------------------------------------ */

typedef struct cursor {
    uint64_t key;           /* the current key */
    uint64_t next_offset;   /* in the file: where the next buffer starts */
    uint64_t end;           /* the run's end in the file */
    size_t left;            /* keys not yet taken, the current one included */
    unsigned char *buf;
    size_t len, pos;        /* bytes in buf, next to decode */
    const uint64_t *mem;    /* the run in memory, or NULL */
} cursor;

struct crisk__keyreader {
    const crisk__keyset *k;
    size_t buf_size;
    cursor *c;
    size_t *heap;           /* cursors with keys left, by current key */
    size_t n_heap;
};

static int refill(const crisk__keyreader *r, cursor *c)
{
    size_t want = c->end - c->next_offset < r->buf_size ? (size_t)(c->end - c->next_offset)
                                                        : r->buf_size;
    size_t keep = c->len - c->pos;
    memmove(c->buf, c->buf + c->pos, keep);
    size_t got = 0;
    want = want < r->buf_size - keep ? want : r->buf_size - keep;
    while (got < want) {
        ssize_t n = pread(r->k->fd, c->buf + keep + got, want - got,
                          (off_t)(c->next_offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;   /* the file ended early */
            return -1;
        }
        got += (size_t)n;
    }
    c->next_offset += got;
    c->len = keep + got;
    c->pos = 0;
    return 0;
}

/* Decode the next key of cursor c (c->left > 0). */
static int advance(const crisk__keyreader *r, cursor *c, uint64_t prev)
{
    if (c->mem != NULL) {
        c->key = *c->mem++;
        return 0;
    }
    if (c->len - c->pos < 10 && c->next_offset < c->end && refill(r, c) != 0)
        return -1;
    uint64_t x = 0;
    int shift = 0;
    for (;;) {
        if (c->pos == c->len || shift > 63) {
            errno = EIO;   /* a truncated run: the file changed under us */
            return -1;
        }
        unsigned char b = c->buf[c->pos++];
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    c->key = prev + x;
    return 0;
}

static int less(const crisk__keyreader *r, size_t a, size_t b)
{
    return r->c[a].key < r->c[b].key || (r->c[a].key == r->c[b].key && a < b);
}

static void sift_down(crisk__keyreader *r, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < r->n_heap && less(r, r->heap[l], r->heap[best]))
            best = l;
        if (l + 1 < r->n_heap && less(r, r->heap[l + 1], r->heap[best]))
            best = l + 1;
        if (best == i)
            return;
        size_t t = r->heap[i];
        r->heap[i] = r->heap[best];
        r->heap[best] = t;
        i = best;
    }
}

void crisk__keyreader_close(crisk__keyreader *r)
{
    if (r == NULL)
        return;
    if (r->c != NULL)
        for (size_t i = 0; i < r->k->n_runs; i++)
            free(r->c[i].buf);
    free(r->c);
    free(r->heap);
    free(r);
}

int crisk__keyreader_open(crisk__keyreader **out, const crisk__keyset *k, crisk_error *err)
{
    *out = NULL;
    crisk__keyreader *r = calloc(1, sizeof *r);
    size_t n = k->n_runs + 1;
    if (r == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    r->k = k;
    r->c = calloc(n, sizeof *r->c);
    r->heap = malloc(n * sizeof *r->heap);
    size_t size = k->n_runs ? READ_BUDGET / k->n_runs : READ_MIN;
    r->buf_size = size < READ_MIN ? READ_MIN : size > READ_MAX ? READ_MAX : size;
    int rc = r->c != NULL && r->heap != NULL ? CRISK_OK
           : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == CRISK_OK && i < n; i++) {
        cursor *c = &r->c[i];
        if (i < k->n_runs) {
            c->next_offset = k->runs[i].offset;
            c->end = k->runs[i].offset + k->runs[i].bytes;
            c->left = k->runs[i].count;
            c->buf = malloc(r->buf_size);
            if (c->buf == NULL)
                rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        } else {
            c->mem = k->keys;
            c->left = k->n;
        }
        if (rc == CRISK_OK && c->left > 0) {
            if (advance(r, c, 0) != 0)
                rc = io_error(err, "cannot read");
            else
                r->heap[r->n_heap++] = i;
        }
    }
    if (rc != CRISK_OK) {
        crisk__keyreader_close(r);
        return rc;
    }
    for (size_t i = r->n_heap / 2; i-- > 0;)
        sift_down(r, i);
    *out = r;
    return CRISK_OK;
}

int crisk__keyreader_next(crisk__keyreader *r, uint64_t *key, crisk_error *err)
{
    if (r->n_heap == 0)
        return 0;
    cursor *c = &r->c[r->heap[0]];
    *key = c->key;
    if (--c->left == 0)
        r->heap[0] = r->heap[--r->n_heap];
    else if (advance(r, c, c->key) != 0)
        return io_error(err, "cannot read");
    sift_down(r, 0);
    return 1;
}
