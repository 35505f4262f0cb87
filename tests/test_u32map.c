/*
 * test_u32map.c - the small 32-bit map (src/util/u32map.c) behind a
 * propagator's seeds and an analysis thread's false-redundancy slots:
 * checked against a plain list of what was added, through growth from the
 * first table, keys that all probe from one slot, the wrap past the
 * table's last entry, the extreme keys, and clearing.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>

#include "util/u32map.h"

/* The slot a key starts probing from in a table of 2^bits entries. */
static size_t home(uint32_t key, size_t bits)
{
    return crisk__u32map_slot(bits, key);
}

/* The first `n` keys (ascending from `from`) whose probe starts at
 * `slot` of the first, 1 024-entry table. */
static uint32_t *keys_at(size_t slot, size_t n, uint32_t from)
{
    uint32_t *k = malloc(n * sizeof *k);
    cr_assert_not_null(k);
    size_t found = 0;
    for (uint32_t key = from; found < n; key++)
        if (home(key, 10) == slot)
            k[found++] = key;
    return k;
}

static void expect_all(const crisk__u32map *m, const uint32_t *keys, size_t n, uint32_t base)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(crisk__u32map_get(m, keys[i]), base + (uint32_t)i, "key %u (#%zu)", keys[i],
                     i);
}

Test(u32map, an_empty_map_has_no_value)
{
    crisk__u32map m = CRISK__U32MAP_INIT;
    cr_expect_eq(crisk__u32map_get(&m, 0), CRISK__U32MAP_NONE);
    cr_expect_eq(crisk__u32map_get(&m, 12345), CRISK__U32MAP_NONE);
    crisk__u32map_clear(&m);   /* nothing to clear: no table */
    cr_expect_null(m.e);
    crisk__u32map_release(&m);
}

/* 100 000 scattered keys: the table starts at 1 024 entries and doubles
 * whenever it would be more than half full, so after n keys it has the
 * smallest power of two >= 1 024 that is at least 2n: 2^18 = 262 144 for
 * 100 000 (2^17 = 131 072 < 200 000). */
Test(u32map, grows_and_keeps_every_value)
{
    enum { N = 100000 };
    uint32_t *keys = malloc(N * sizeof *keys);
    cr_assert_not_null(keys);
    uint32_t x = 1;
    for (size_t i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;   /* a full-period LCG: distinct keys */
        keys[i] = x;
    }
    crisk__u32map m = CRISK__U32MAP_INIT;
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(crisk__u32map_add(&m, keys[i], (uint32_t)i), 0);
        if (i == 511)
            cr_expect_eq(m.bits, 10, "512 keys fit the first table");
        if (i == 512)
            cr_expect_eq(m.bits, 11, "the 513th key doubles it");
    }
    cr_expect_eq(m.n, N);
    cr_expect_eq(m.bits, 18);
    expect_all(&m, keys, N, 0);
    /* keys never added: the LCG's next ones */
    for (size_t i = 0; i < 1000; i++) {
        x = x * 1664525u + 1013904223u;
        cr_expect_eq(crisk__u32map_get(&m, x), CRISK__U32MAP_NONE, "key %u", x);
    }
    crisk__u32map_release(&m);
    cr_expect_null(m.e);
    cr_expect_eq(m.n, 0);
    free(keys);
}

/* 600 keys that all start probing at slot 1 020 of the first table: the
 * first 512 run on past its last entry (1 023) into slots 0, 1, ...; the
 * 513th doubles the table, which must find every one of them again. */
Test(u32map, probes_past_the_end_and_across_growth)
{
    enum { N = 600 };
    uint32_t *keys = keys_at(1020, N, 0);
    crisk__u32map m = CRISK__U32MAP_INIT;
    for (size_t i = 0; i < 512; i++)
        cr_assert_eq(crisk__u32map_add(&m, keys[i], (uint32_t)i + 7), 0);
    cr_assert_eq(m.bits, 10);
    /* 512 entries from slot 1 020: 4 at the end, 508 wrapped to 0..507 */
    cr_expect_eq(m.e[1023].key, keys[3]);
    cr_expect_eq(m.e[0].key, keys[4]);
    cr_expect_eq(m.e[507].key, keys[511]);
    cr_expect_eq(m.e[508].value, CRISK__U32MAP_NONE);
    expect_all(&m, keys, 512, 7);
    for (size_t i = 512; i < N; i++)
        cr_assert_eq(crisk__u32map_add(&m, keys[i], (uint32_t)i + 7), 0);
    cr_expect_eq(m.bits, 11);
    expect_all(&m, keys, N, 7);
    /* a key of the same home never added is not found */
    uint32_t *more = keys_at(1020, 1, keys[N - 1] + 1);
    cr_expect_eq(crisk__u32map_get(&m, more[0]), CRISK__U32MAP_NONE);
    free(more);
    crisk__u32map_release(&m);
    free(keys);
}

/* Every key is a key, 0 and UINT32_MAX included; a value of UINT32_MAX is
 * what "none" means, so only values below it are stored. */
Test(u32map, takes_the_extreme_keys)
{
    crisk__u32map m = CRISK__U32MAP_INIT;
    cr_assert_eq(crisk__u32map_add(&m, 0, 0), 0);
    cr_assert_eq(crisk__u32map_add(&m, UINT32_MAX, UINT32_MAX - 1), 0);
    cr_expect_eq(crisk__u32map_get(&m, 0), 0);
    cr_expect_eq(crisk__u32map_get(&m, UINT32_MAX), UINT32_MAX - 1);
    cr_expect_eq(crisk__u32map_get(&m, 1), CRISK__U32MAP_NONE);
    crisk__u32map_release(&m);
}

/* Clearing forgets every entry and keeps the table: a propagator clears
 * its seeds after each batch of the same size. */
Test(u32map, clears_and_is_reused)
{
    uint32_t *keys = keys_at(5, 700, 0);
    crisk__u32map m = CRISK__U32MAP_INIT;
    for (size_t i = 0; i < 700; i++)
        cr_assert_eq(crisk__u32map_add(&m, keys[i], (uint32_t)i), 0);
    size_t bits = m.bits;
    crisk__u32map_clear(&m);
    cr_expect_eq(m.n, 0);
    cr_expect_eq(m.bits, bits);
    for (size_t i = 0; i < 700; i++)
        cr_expect_eq(crisk__u32map_get(&m, keys[i]), CRISK__U32MAP_NONE);
    /* again, other values: none of the old ones is seen */
    for (size_t i = 0; i < 700; i++)
        cr_assert_eq(crisk__u32map_add(&m, keys[699 - i], (uint32_t)i + 1000), 0);
    for (size_t i = 0; i < 700; i++)
        cr_expect_eq(crisk__u32map_get(&m, keys[699 - i]), (uint32_t)i + 1000);
    cr_expect_eq(m.bits, bits);
    crisk__u32map_release(&m);
    free(keys);
}
