/*
 * incident_record.c - the arena a decision record lives in (see
 * incident_record.h).  A record holds many small arrays and strings whose
 * sizes are known only as it is built or read; one arena frees them
 * together and keeps the free function one line.
 */
#include "incident_record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block;

struct crisk__arena {
    block *head;
};

#define BLOCK_BYTES 16384

static void *arena_alloc(struct crisk__arena *a, size_t bytes)
{
    size_t align = sizeof(max_align_t);
    bytes = (bytes + align - 1) / align * align;
    if (bytes == 0)
        bytes = align;
    block *b = a->head;
    if (b == NULL || b->size - b->used < bytes) {
        size_t size = bytes > BLOCK_BYTES ? bytes : BLOCK_BYTES;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += bytes;
    memset(p, 0, bytes);
    return p;
}

int crisk__record_new(crisk_incident_record **out)
{
    struct crisk__arena *a = calloc(1, sizeof *a);
    crisk_incident_record *r = a != NULL ? arena_alloc(a, sizeof *r) : NULL;
    if (r == NULL) {
        free(a);
        *out = NULL;
        return CRISK_ENOMEM;
    }
    r->arena = a;
    r->since = r->aware = r->classified = r->now = CRISK_TIME_NONE;
    *out = r;
    return CRISK_OK;
}

void *crisk__record_alloc(crisk_incident_record *r, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / 2 / size)
        return NULL;
    return arena_alloc(r->arena, count * size);
}

const char *crisk__record_copy(crisk_incident_record *r, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(r->arena, n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void crisk_incident_record_free(crisk_incident_record *r)
{
    if (r == NULL)
        return;
    struct crisk__arena *a = r->arena;   /* r itself lives in the arena */
    for (block *b = a->head, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}
