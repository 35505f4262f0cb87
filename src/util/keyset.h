/*
 * keyset.h - many 64-bit keys, added in any order and read back in
 * ascending order, in bounded memory (private).
 *
 * A diff of two large inventories finds tens of millions of (function,
 * node) changes while comparing them node by node, and must write them
 * function by function.  A key set holds up to `run` keys in memory; when
 * that many have come, it sorts them (a radix sort) and appends them to an
 * unnamed temporary file as one run, delta-coded (a few bytes a key).
 * Reading merges the runs and the keys still in memory.  Memory: 16 bytes
 * a key of one run while sorting, and one small buffer per run while
 * reading; the file holds the rest.
 *
 * The temporary file is created in $TMPDIR (else /tmp) and unlinked at
 * once: nothing is left behind, even when the run is killed.
 */
#ifndef CRISK_KEYSET_H
#define CRISK_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "chainrisk/error.h"

typedef struct crisk__keyrun {
    uint64_t offset;        /* in the file */
    uint64_t bytes;
    size_t count;
} crisk__keyrun;

typedef struct crisk__keyset {
    uint64_t *keys;         /* the run being filled; sorted after _finish */
    size_t n, cap, run;
    int fd;                 /* the runs' file; -1 while none was written */
    crisk__keyrun *runs;
    size_t n_runs, cap_runs;
    uint64_t file_bytes;
    uint64_t total;
    int finished;
} crisk__keyset;

/* An empty set holding at most `run` keys (at least 2) in memory. */
void crisk__keyset_init(crisk__keyset *k, size_t run);
void crisk__keyset_release(crisk__keyset *k);

/* Add a key.  CRISK_OK, CRISK_ENOMEM or CRISK_EIO (with `err` set: the
 * temporary file could not be created or written). */
int crisk__keyset_add(crisk__keyset *k, uint64_t key, crisk_error *err);

/* No more keys: sort those in memory.  Needed before reading. */
int crisk__keyset_finish(crisk__keyset *k, crisk_error *err);

static inline uint64_t crisk__keyset_count(const crisk__keyset *k) { return k->total; }

/* Reading a finished set, in ascending order.  Several readers of one set
 * may be open at once. */
typedef struct crisk__keyreader crisk__keyreader;
int  crisk__keyreader_open(crisk__keyreader **out, const crisk__keyset *k, crisk_error *err);
/* 1 and the next key in *key; 0 at the end; CRISK_EIO (err set). */
int  crisk__keyreader_next(crisk__keyreader *r, uint64_t *key, crisk_error *err);
void crisk__keyreader_close(crisk__keyreader *r);

/* Sort n keys ascending (LSD radix on the bytes that differ); `scratch`
 * has room for n. */
void crisk__radix_sort_u64(uint64_t *keys, uint64_t *scratch, size_t n);

#endif
