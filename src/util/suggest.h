/*
 * suggest.h - "did you mean" hints (private): the one bounded search behind
 * every hint the library gives (suggest.c says how it is bounded).
 */
#ifndef CRISK_SUGGEST_H
#define CRISK_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

/* The best "did you mean" candidate among `n` strings, or NULL: the
 * earliest equal to `s` ignoring ASCII case; else the closest by edit
 * distance (bytes, ASCII case folded) within max(2, strlen(s)/4) edits and
 * fewer than strlen(s), ties to the earliest; candidates over 256 bytes
 * match only ignoring case.  Time O(n) plus at most
 * CRISK__SUGGEST_MAX_CELLS steps of edit distance, after which the search
 * gives no hint. */
const char *crisk__suggest(const char *s, const char *const *candidates, size_t n);

/* When there is no hint: the candidates as "a, b or c" into buf (cut at
 * `size`), for "(expected a, b or c)". */
void crisk__or_list(char *buf, size_t size, const char *const *names, size_t n);

/* The work budget of one search: table cells of edit distance. */
#define CRISK__SUGGEST_MAX_CELLS (UINT64_C(1) << 24)

/* What one search did (for tests and benchmarks). */
typedef struct crisk__suggest_stats {
    uint64_t cells;   /* edit distance cells computed */
    int gave_up;      /* the budget ran out before the last candidate */
} crisk__suggest_stats;

/* crisk__suggest(), adding its work to *stats (which may be NULL). */
const char *crisk__suggest_counted(const char *s, const char *const *candidates, size_t n,
                                   crisk__suggest_stats *stats);

/* The same search over a long list asked for many hints (the ids of an
 * inventory): each candidate's length and the classes of bytes it holds,
 * kept so that a hint skips most candidates without reading them.  Built
 * in O(total bytes), 12 bytes per candidate; borrows the list. */
typedef struct crisk__suggest_index {
    const char *const *candidates;
    size_t n;
    uint32_t *len;       /* strlen, UINT32_MAX if that or more */
    uint64_t *classes;   /* bit c: a byte of class c occurs (suggest.c) */
} crisk__suggest_index;

/* Returns 0, or -1 when out of memory (nothing to release then). */
int  crisk__suggest_index_init(crisk__suggest_index *x, const char *const *candidates, size_t n);
void crisk__suggest_index_release(crisk__suggest_index *x);
/* crisk__suggest() over the indexed list: the same answer. */
const char *crisk__suggest_index_find(const crisk__suggest_index *x, const char *s,
                                      crisk__suggest_stats *stats);

#endif
