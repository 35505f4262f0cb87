/*
 * cascade.h - what the counting cascades share (private): the groups each
 * node is a member of, cached on the inventory.
 */
#ifndef CRISK_CASCADE_H
#define CRISK_CASCADE_H

#include "model/model.h"

/* member -> the groups it belongs to, as CSR over nodes: the groups of v are
 * list[start[v] .. start[v+1]).  Built once per inventory on the first call
 * (a cache of the immutable model), with inv->group_owner, the owner of
 * every group, which the model has only from then on; borrowed.
 * Returns 0, or -1 when out of memory. */
int crisk__member_groups(const crisk_inventory *inv, const uint32_t **start,
                         const uint32_t **list);

#endif
