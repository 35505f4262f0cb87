/*
 * sbom_edges.c - the repeated edges of an SBOM (sbom_edges.h), shared by
 * cyclonedx.c and spdx.c.
 *
 * Approach: sort the statements by (from, to, index) and mark every one
 * that follows another of its pair.  Rejected: a hash set of pairs, which
 * would need the first statement's index beside each pair to keep document
 * order, for no gain at SBOM sizes (the sort is a few per cent of a load).
 */
#include "sbom_edges.h"
#include "util/util.h"

static int by_pair(const void *pa, const void *pb)
{
    const crisk__edge_key *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

size_t crisk__edge_keys_mark_repeats(crisk__edge_key *keys, size_t n, uint8_t *skip)
{
    size_t marked = 0;
    crisk__sort(keys, n, sizeof *keys, by_pair);
    for (size_t k = 1; k < n; k++)
        if (keys[k].from == keys[k - 1].from && keys[k].to == keys[k - 1].to) {
            skip[keys[k].index] = 1;
            marked++;
        }
    return marked;
}
