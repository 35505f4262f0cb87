/*
 * json_file.h - a JSON file as a reader of small configuration files takes
 * it (private): its bytes, read whole under a size limit, and where each
 * value of the parsed tree stands in them - a table filled by json_text.c's
 * walk and looked up by item, so that problems are reported at the key or
 * value that has them (the policy file).
 *
 * Rejected: keeping positions in the cJSON items themselves, as
 * cyclonedx.c does: a policy's numbers are values that matter.
 */
#ifndef CRISK_JSON_FILE_H
#define CRISK_JSON_FILE_H

#include "json_text.h"

/* Read the file `path` whole, at most `max` bytes, with a NUL after the
 * last byte (crisk__json_parse needs it).  Returns CRISK_OK with *out (the
 * caller's: free) and *len; else *out is NULL, the reason is in `why`
 * ("cannot open file: No such file or directory", "file is too large (more
 * than N bytes)") and the result is CRISK_ENOTFOUND, CRISK_EIO, CRISK_ELIMIT
 * or CRISK_ENOMEM. */
int crisk__json_file_read(const char *path, size_t max, unsigned char **out, size_t *len,
                          char *why, size_t why_size);

typedef struct crisk__json_places {
    crisk__json_place *at;      /* sorted by item address once the walk is done */
    size_t n, cap;
} crisk__json_places;

/* A crisk__json_visit_fn: `ctx` is a crisk__json_places.  Returns CRISK_OK
 * or CRISK_ENOMEM. */
int crisk__json_places_record(void *ctx, const crisk__json_place *at);

/* Sort the table for lookups (after the walk).  O(n log n). */
void crisk__json_places_sort(crisk__json_places *p);

/* Where `item` is: never NULL (a zeroed place, "no position", for an item
 * the table lacks).  O(log n). */
const crisk__json_place *crisk__json_places_find(const crisk__json_places *p, const cJSON *item);

void crisk__json_places_release(crisk__json_places *p);

#endif
