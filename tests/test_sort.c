/*
 * test_sort.c - crisk__sort_r (src/util/util.c): the sort with a context
 * that the analysis' comparators use instead of a file-scope variable.  It
 * must order like qsort under a total order, keep ties in input order, and
 * handle every length, including the run and merge boundaries.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

typedef struct item {
    uint32_t key;
    uint32_t seq;     /* input position */
    char pad[9];      /* an element size that is not a power of two */
} item;

static int by_key_then_seq(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Keys compared modulo the context: ties are many. */
static int by_key_mod(const void *pa, const void *pb, void *ctx)
{
    uint32_t m = *(const uint32_t *)ctx;
    uint32_t a = ((const item *)pa)->key % m, b = ((const item *)pb)->key % m;
    return a < b ? -1 : a > b;
}

static int by_key(const void *pa, const void *pb, void *ctx)
{
    (void)ctx;
    uint32_t a = ((const item *)pa)->key, b = ((const item *)pb)->key;
    return a < b ? -1 : a > b;
}

Test(sort_r, orders_like_qsort_and_keeps_ties_in_input_order)
{
    uint64_t x = 7;
    for (size_t n = 0; n < 300; n += n < 40 ? 1 : 37) {
        item *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
        cr_assert(a != NULL && b != NULL);
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = (item){ .key = (uint32_t)(x >> 40) % 50, .seq = (uint32_t)i };
        }
        memcpy(b, a, n * sizeof *a);
        uint32_t m = 7;
        cr_assert_eq(crisk__sort_r(a, n, sizeof *a, by_key_mod, &m), 0);
        for (size_t i = 1; i < n; i++) {
            uint32_t p = a[i - 1].key % m, q = a[i].key % m;
            cr_assert(p < q || (p == q && a[i - 1].seq < a[i].seq), "n %zu at %zu", n, i);
        }
        /* a total order: the same permutation as qsort */
        memcpy(a, b, n * sizeof *a);
        cr_assert_eq(crisk__sort_r(a, n, sizeof *a, by_key, NULL), 0);
        crisk__sort(b, n, sizeof *b, by_key_then_seq);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(a[i].seq, b[i].seq, "n %zu at %zu", n, i);
        free(a);
        free(b);
    }
}
