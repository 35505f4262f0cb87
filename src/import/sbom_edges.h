/*
 * sbom_edges.h - the repeated edges of an SBOM (private): an SBOM may state
 * "A depends on B" more than once (a ref listed twice, two entries or two
 * relationships for one pair), and both SBOM readers keep the first
 * statement of each pair, in document order, and drop the others.
 */
#ifndef CRISK_SBOM_EDGES_H
#define CRISK_SBOM_EDGES_H

#include <stddef.h>
#include <stdint.h>

/* One statement of an edge: its ends and its index among the reader's edges. */
typedef struct crisk__edge_key {
    uint32_t from, to, index;
} crisk__edge_key;

/* Sort keys[0..n) by pair, then index, and set skip[index] for every key
 * whose pair an earlier index already states.  Returns how many were
 * marked.  `skip` has an entry for every index.  O(n log n). */
size_t crisk__edge_keys_mark_repeats(crisk__edge_key *keys, size_t n, uint8_t *skip);

#endif
