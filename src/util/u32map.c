/*
 * u32map.c - a small map from 32-bit keys to 32-bit values (u32map.h).
 */
#include "u32map.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_BITS 10   /* 1 024 entries: a propagator's batch of 512 seeds */

static void make_empty(crisk__u32map_entry *e, size_t count)
{
    /* CRISK__U32MAP_NONE is all ones: an empty entry is bytes of 0xFF. */
    memset(e, 0xFF, count * sizeof *e);
}

static void put(crisk__u32map_entry *e, size_t bits, uint32_t key, uint32_t value)
{
    size_t mask = ((size_t)1 << bits) - 1, h = crisk__u32map_slot(bits, key);
    while (e[h].value != CRISK__U32MAP_NONE)
        h = (h + 1) & mask;
    e[h] = (crisk__u32map_entry){ key, value };
}

/* Double the table (or make the first) and enter every entry again. */
static int grow(crisk__u32map *m)
{
    size_t bits = m->bits == 0 ? FIRST_BITS : m->bits + 1;
    if (bits > 31)
        return -1;
    size_t count = (size_t)1 << bits;
    crisk__u32map_entry *e = malloc(count * sizeof *e);
    if (e == NULL)
        return -1;
    make_empty(e, count);
    if (m->e != NULL)
        for (size_t i = 0; i < (size_t)1 << m->bits; i++)
            if (m->e[i].value != CRISK__U32MAP_NONE)
                put(e, bits, m->e[i].key, m->e[i].value);
    free(m->e);
    m->e = e;
    m->bits = bits;
    return 0;
}

int crisk__u32map_add(crisk__u32map *m, uint32_t key, uint32_t value)
{
    if (2 * (m->n + 1) > (m->e == NULL ? 0 : (size_t)1 << m->bits) && grow(m) != 0)
        return -1;
    put(m->e, m->bits, key, value);
    m->n++;
    return 0;
}

void crisk__u32map_clear(crisk__u32map *m)
{
    if (m->e != NULL && m->n > 0)
        make_empty(m->e, (size_t)1 << m->bits);
    m->n = 0;
}

void crisk__u32map_release(crisk__u32map *m)
{
    free(m->e);
    *m = (crisk__u32map)CRISK__U32MAP_INIT;
}
