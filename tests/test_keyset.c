/*
 * test_keyset.c - the key set behind a diff's changed SPOF and breach
 * pairs (src/util/keyset.c): keys added in any order come back ascending,
 * duplicates kept, from runs spilled to the temporary file and the keys
 * still in memory, through several readers at once; and a file that fails
 * under a reader is an error with its text, never a short list passed off
 * as the whole.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/keyset.h"

static uint64_t next_random(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* n keys from `seed` into k (and a copy, sorted, returned); one in eight
 * repeats the key before it, so duplicates cross runs too. */
static uint64_t *fill(crisk__keyset *k, size_t n, uint64_t seed)
{
    uint64_t *keys = malloc((n + 1) * sizeof *keys);
    cr_assert_not_null(keys);
    crisk_error err = CRISK_ERROR_INIT;
    for (size_t i = 0; i < n; i++) {
        keys[i] = i > 0 && next_random(&seed) % 8 == 0 ? keys[i - 1] : next_random(&seed);
        cr_assert_eq(crisk__keyset_add(k, keys[i], &err), CRISK_OK, "%s", err.message);
    }
    cr_assert_eq(crisk__keyset_finish(k, &err), CRISK_OK, "%s", err.message);
    qsort(keys, n, sizeof *keys, compare_u64);
    return keys;
}

/* 10 000 keys, 1 000 a run: nine runs in the file and 1 000 in memory,
 * read by two readers in step. */
Test(keyset, keys_come_back_ascending_from_runs_and_memory)
{
    crisk__keyset k;
    crisk__keyset_init(&k, 1000);
    uint64_t *want = fill(&k, 10000, 7);
    cr_expect_eq(crisk__keyset_count(&k), 10000);
    cr_expect_eq(k.n_runs, 9);
    cr_expect_geq(k.fd, 0);
    crisk_error err = CRISK_ERROR_INIT;
    crisk__keyreader *r[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(crisk__keyreader_open(&r[i], &k, &err), CRISK_OK, "%s", err.message);
    for (size_t i = 0; i < 10000; i++)
        for (int j = 0; j < 2; j++) {
            uint64_t key = 0;
            cr_assert_eq(crisk__keyreader_next(r[j], &key, &err), 1, "reader %d, key %zu", j, i);
            cr_assert_eq(key, want[i], "reader %d, key %zu", j, i);
        }
    for (int j = 0; j < 2; j++) {
        uint64_t key;
        cr_expect_eq(crisk__keyreader_next(r[j], &key, &err), 0, "reader %d: past the end", j);
        crisk__keyreader_close(r[j]);
    }
    free(want);
    crisk__keyset_release(&k);
}

/* One run of 60 000 random keys (about 8 bytes each delta-coded: more than
 * the 256 KiB a reader buffers per run) and 10 in memory.  Once the first
 * key is read, the file is cut to nothing: the reader hands out what it
 * had buffered, in order, then fails with CRISK_EIO and the system's
 * reason - not 0, which would pass a short list off as the whole. */
Test(keyset, a_file_cut_under_a_reader_is_an_error)
{
    crisk__keyset k;
    crisk__keyset_init(&k, 60000);
    uint64_t *want = fill(&k, 60010, 11);
    cr_assert_eq(k.n_runs, 1);
    cr_assert_gt(k.runs[0].bytes, (uint64_t)(256u << 10));
    crisk_error err = CRISK_ERROR_INIT;
    crisk__keyreader *r = NULL;
    cr_assert_eq(crisk__keyreader_open(&r, &k, &err), CRISK_OK, "%s", err.message);
    uint64_t key = 0;
    cr_assert_eq(crisk__keyreader_next(r, &key, &err), 1);
    cr_assert_eq(key, want[0]);
    cr_assert_eq(ftruncate(k.fd, 0), 0, "%s", strerror(errno));
    size_t got = 1;
    int rc;
    while ((rc = crisk__keyreader_next(r, &key, &err)) == 1) {
        cr_assert_lt(got, 60010);
        cr_assert_eq(key, want[got], "key %zu", got);
        got++;
    }
    cr_expect_eq(rc, CRISK_EIO);
    cr_expect_eq(err.code, CRISK_EIO);
    cr_expect_str_eq(err.message, "cannot read a temporary file: Input/output error");
    cr_expect_gt(got, 1000, "the buffered keys came first (%zu)", got);
    cr_expect_lt(got, 60010 - 1000, "the error came before the end (%zu)", got);
    crisk__keyreader_close(r);
    free(want);
    crisk__keyset_release(&k);
}
