/*
 * util.h - small shared helpers of the library: growable arrays, a string
 * arena with interning, string hashing ("did you mean" is suggest.h).
 */
#ifndef CRISK_UTIL_H
#define CRISK_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Grow `*ptr` (an array of `elem` bytes, capacity `*cap`) to hold `need`
 * elements.  Returns 0, or -1 on overflow/out of memory (`*ptr` untouched). */
int crisk__grow(void **ptr, size_t *cap, size_t need, size_t elem);

/* Advise the kernel to back the 2 MiB-aligned part of [p, p + bytes) with
 * transparent huge pages: a large array then costs one page fault per
 * 2 MiB instead of one per 4 KiB (in a virtual machine a fault costs
 * microseconds).  Advice only: small arrays and failures are ignored. */
void crisk__advise_huge(void *p, size_t bytes);

/* Take back the diagnostics added to `d` since `mark` (a copy of `*d` made
 * then): a reader that tried one way of reading a file and must start
 * again another way (spdx.c's fast path) leaves no trace of the first
 * try.  `d` must only have grown since the mark. */
struct crisk_diagnostics;
void crisk__diagnostics_rewind(struct crisk_diagnostics *d, const struct crisk_diagnostics *mark);

/* A 64-bit hash of s[0..len): eight bytes at a time, each word multiplied
 * in, then murmur3's finalizer - spread enough for open addressing on the
 * low bits and tags from the high ones, in about a third of the
 * instructions of the byte-at-a-time FNV-1a it replaced (15-byte ids).
 * Not for anything an adversary chooses to collide (ids come from the
 * user's own files). */
uint64_t crisk__hash(const char *s, size_t len);

int crisk__strcasecmp_ascii(const char *a, const char *b);

/* The crisk code for an input that could not be opened with `errnum`: a
 * name that leads to no file - missing (ENOENT, ENOTDIR), too long for the
 * file system (ENAMETOOLONG) or a loop of links (ELOOP) - is the user's
 * input problem, CRISK_ENOTFOUND; anything else is CRISK_EIO. */
int crisk__open_error_code(int errnum);

/* x in the shortest "%g" form that reads back as x ("%.15g", else "%.17g"):
 * "0.1", "1e+23", "1000000.5".  Returns buf.  (The outputs' crisk_format_number
 * adds "" for NaN and no "-0".) */
#define CRISK__NUMBER_MAX 32
char *crisk__number_text(char buf[CRISK__NUMBER_MAX], double x);

/* qsort that accepts an empty array given as NULL (glibc declares qsort's
 * base non-null, and UBSan rejects the call even for zero elements). */
void crisk__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* A sort whose comparison gets `ctx` (qsort_r is a GNU extension, and a
 * comparator reading a file-scope variable is not thread-safe): a stable
 * merge sort, O(n log n), with a temporary copy of the array.  Returns 0,
 * or -1 when out of memory (the array then untouched). */
int crisk__sort_r(void *base, size_t n, size_t size,
                  int (*cmp)(const void *, const void *, void *), void *ctx);

/* A string arena: strings live until the pool is released.  Interning
 * (crisk__pool_intern) returns one pointer per distinct string, so interned
 * strings compare by pointer. */
typedef struct crisk__pool {
    struct crisk__chunk *chunks;
    char  *cur;
    size_t left;
    const char **set;     /* intern set: open addressing */
    size_t set_cap, set_count;
    size_t bytes;         /* total bytes held */
    size_t chunk_bytes;   /* size of the next chunk: doubles, up to a limit */
} crisk__pool;

void crisk__pool_init(crisk__pool *p);
void crisk__pool_release(crisk__pool *p);
const char *crisk__pool_copy(crisk__pool *p, const char *s, size_t len);   /* NULL on ENOMEM */
const char *crisk__pool_intern(crisk__pool *p, const char *s, size_t len); /* NULL on ENOMEM */

#endif
