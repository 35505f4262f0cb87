/*
 * sort.h - crisk__sort_r's merge sort with the comparison inlined (private).
 *
 * CRISK__DEFINE_SORT(name, type, before) defines
 *     static int name(type *keys, size_t n)
 * sorting `keys` so that no key comes after one it is `before`, where
 * before(const type *a, const type *b) is nonzero when a goes strictly
 * first.  Bottom-up, like crisk__sort_r: runs of 8 sorted by insertion,
 * then merged pairwise, alternating between the array and a copy; ties
 * keep their order.  Returns -1 (keys untouched) when the copy cannot be
 * allocated.  For hot sorts of small keys, where crisk__sort_r's call of
 * its comparator costs more than the comparison: the ranking (analysis.c)
 * and the sweeps' MinHash order (propagate.c).
 */
#ifndef CRISK_SORT_H
#define CRISK_SORT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CRISK__DEFINE_SORT(name, type, before)                                               \
    static int name(type *keys, size_t n)                                                    \
    {                                                                                        \
        enum { RUN = 8 };                                                                    \
        if (n < 2)                                                                           \
            return 0;                                                                        \
        if (n > SIZE_MAX / sizeof(type))                                                     \
            return -1;                                                                       \
        type *src = keys, *dst = malloc(n * sizeof(type)), *copy = dst;                      \
        if (dst == NULL)                                                                     \
            return -1;                                                                       \
        for (size_t lo = 0; lo < n; lo += RUN)                                               \
            for (size_t i = lo + 1; i < n && i < lo + RUN; i++) {                            \
                type x = src[i];                                                             \
                size_t j = i;                                                                \
                for (; j > lo && before(&x, &src[j - 1]); j--)                               \
                    src[j] = src[j - 1];                                                     \
                src[j] = x;                                                                  \
            }                                                                                \
        for (size_t width = RUN; width < n; width *= 2) {                                    \
            for (size_t lo = 0; lo < n; lo += 2 * width) {                                   \
                size_t mid = lo + width < n ? lo + width : n;                                \
                size_t hi = mid + width < n ? mid + width : n;                               \
                size_t i = lo, j = mid, k = lo;                                              \
                while (i < mid && j < hi)                                                    \
                    dst[k++] = before(&src[j], &src[i]) ? src[j++] : src[i++];               \
                memcpy(dst + k, src + i, (mid - i) * sizeof(type));                          \
                k += mid - i;                                                                \
                memcpy(dst + k, src + j, (hi - j) * sizeof(type));                           \
            }                                                                                \
            type *t = src;                                                                   \
            src = dst;                                                                       \
            dst = t;                                                                         \
        }                                                                                    \
        if (src != keys)                                                                     \
            memcpy(keys, src, n * sizeof(type));                                             \
        free(copy);                                                                          \
        return 0;                                                                            \
    }

#endif
