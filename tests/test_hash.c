/*
 * test_hash.c - crisk__hash (src/util/util.c), the hash behind every id
 * index (the builder's, the SBOM readers', the map's) and the diff's
 * fingerprints.  It must be a function of the bytes alone, tell apart
 * strings that differ only in length or in one byte anywhere, and spread
 * ids that differ in a few digits - the usual shape, "SPDXRef-pkg-123" -
 * over the low bits (open addressing) and the high ones (tags) as well as
 * random numbers would.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

Test(hash, same_bytes_same_hash_whatever_the_alignment)
{
    char a[64], b[80];
    const char *id = "SPDXRef-Package-npm-left-pad-1.3.0";
    size_t n = strlen(id);
    strcpy(a, id);
    for (size_t off = 0; off < 8; off++) {
        memcpy(b + off, id, n + 1);
        cr_assert_eq(crisk__hash(a, n), crisk__hash(b + off, n), "offset %zu", off);
    }
}

Test(hash, length_and_every_byte_count)
{
    /* "a" and "a\0": the same bytes but one, a zero, past the shorter */
    const char z[] = "a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    for (size_t n = 0; n < 16; n++)
        cr_assert_neq(crisk__hash(z, n), crisk__hash(z, n + 1), "length %zu", n);
    /* one bit flipped anywhere in strings of 1 to 40 bytes */
    char s[41];
    for (size_t n = 1; n <= 40; n++) {
        for (size_t i = 0; i < n; i++)
            s[i] = (char)('a' + (i * 7) % 26);
        uint64_t h = crisk__hash(s, n);
        for (size_t i = 0; i < n; i++)
            for (int bit = 0; bit < 8; bit++) {
                s[i] ^= (char)(1 << bit);
                cr_assert_neq(crisk__hash(s, n), h, "length %zu, byte %zu, bit %d", n, i, bit);
                s[i] ^= (char)(1 << bit);
            }
    }
}

/* Buckets left empty when 2^16 ids like "SPDXRef-pkg-N" fill 2^16 buckets
 * by `bits` of the hash from `shift`: a random function leaves 2^16/e
 * (24,109; standard deviation about 113). */
static size_t empty_buckets(unsigned shift)
{
    const size_t n = (size_t)1 << 16;
    unsigned char *seen = calloc(n, 1);
    cr_assert_not_null(seen);
    char id[32];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(id, sizeof id, "SPDXRef-pkg-%zu", i);
        seen[(crisk__hash(id, (size_t)len) >> shift) & (n - 1)] = 1;
    }
    size_t empty = 0;
    for (size_t i = 0; i < n; i++)
        empty += !seen[i];
    free(seen);
    return empty;
}

Test(hash, sequential_ids_spread_like_random_numbers)
{
    double expected = 65536.0 * exp(-1.0);
    /* the low bits (the index slot), the middle, the top (the SPDX reader's tags) */
    static const unsigned shifts[] = { 0, 24, 48 };
    for (size_t k = 0; k < sizeof shifts / sizeof *shifts; k++) {
        size_t empty = empty_buckets(shifts[k]);
        cr_assert(fabs((double)empty - expected) < 6 * 113,
                  "bits %u..%u: %zu empty buckets, a random function leaves %.0f",
                  shifts[k], shifts[k] + 15, empty, expected);
    }
}
