/*
 * u32map.h - a small map from 32-bit keys to 32-bit values (private to the
 * library): open addressing with linear probing over a power-of-two table
 * kept at most half full, for the few thousand keys a sweep meets among
 * millions it could - the seeds of a propagator's batch (propagate.c) and
 * the groups with false-redundancy findings of an analysis thread
 * (analysis.c).  An array over every possible key would cost 4 bytes a key
 * per thread for a handful of entries.
 *
 * Keys are hashed by Fibonacci hashing (the golden-ratio multiplier, top
 * bits kept), which spreads consecutive positions and group numbers over
 * the table.  A lookup is inline: a propagator asks for a seed's mask on
 * its hot path.
 */
#ifndef CRISK_U32MAP_H
#define CRISK_U32MAP_H

#include <stddef.h>
#include <stdint.h>

#define CRISK__U32MAP_NONE UINT32_MAX

typedef struct crisk__u32map_entry {
    uint32_t key;
    uint32_t value;   /* CRISK__U32MAP_NONE: the entry is empty */
} crisk__u32map_entry;

typedef struct crisk__u32map {
    crisk__u32map_entry *e;   /* 2^bits entries; NULL until the first add */
    size_t bits;
    size_t n;                 /* entries in use */
} crisk__u32map;

#define CRISK__U32MAP_INIT { NULL, 0, 0 }

static inline size_t crisk__u32map_slot(size_t bits, uint32_t key)
{
    return (size_t)((uint32_t)(key * 0x9E3779B1u) >> (32 - bits));
}

/* The value of `key`, or CRISK__U32MAP_NONE if it has none.  O(1)
 * expected. */
static inline uint32_t crisk__u32map_get(const crisk__u32map *m, uint32_t key)
{
    if (m->n == 0)
        return CRISK__U32MAP_NONE;
    size_t mask = ((size_t)1 << m->bits) - 1;
    for (size_t h = crisk__u32map_slot(m->bits, key);; h = (h + 1) & mask) {
        const crisk__u32map_entry *e = &m->e[h];
        if (e->value == CRISK__U32MAP_NONE || e->key == key)
            return e->value;
    }
}

/* Give `key`, which has no value yet, the value `value` (not
 * CRISK__U32MAP_NONE).  The table doubles (from 1 024 entries) when it
 * would be more than half full.  Returns 0, or -1 when memory ran out (the
 * map is unchanged). */
int crisk__u32map_add(crisk__u32map *m, uint32_t key, uint32_t value);

/* Forget every entry, keeping the table: O(table). */
void crisk__u32map_clear(crisk__u32map *m);

void crisk__u32map_release(crisk__u32map *m);

#endif
