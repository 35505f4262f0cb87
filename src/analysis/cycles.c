/*
 * cycles.c - dependency cycles and the edges that break them (for formats
 * that cannot hold a cycle: the Open-PSA MEF fault tree of `export`).
 *
 * One depth-first walk over the dependencies, iterative so that a long
 * chain cannot overflow the stack: from every node in inventory order not
 * yet visited, through each node's groups in order and each group's members
 * in order.  An edge to a node still on the walk's path closes a cycle: it
 * is a "cut", and the first one found names the cycle a message shows.
 * Without the cuts the graph is acyclic (a graph without back edges of a
 * depth-first walk has none), and the walk's order makes the cuts a pure
 * function of the inventory.  Rejected: a minimum feedback arc set (NP-hard,
 * and its result would be hard to explain) and cutting inside strong
 * components only by igraph order (no simpler to state).
 */
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

struct crisk_cycles {
    crisk_cut *cuts;
    size_t n_cuts, cap_cuts;
    uint32_t *first;        /* the first cycle found, in dependency order */
    size_t n_first;
};

/* One frame of the walk: node v, at group g, member i of it. */
typedef struct frame {
    uint32_t v, g, i;
} frame;

enum { UNSEEN, ON_PATH, DONE };

void crisk_cycles_free(crisk_cycles *c)
{
    if (c == NULL)
        return;
    free(c->cuts);
    free(c->first);
    free(c);
}

/* The cycle closed by the edge from the top of the path to `target`: the
 * path from target's frame to the top. */
static int record_first(crisk_cycles *c, const frame *path, size_t depth, uint32_t target)
{
    size_t from = depth;
    while (from > 0 && path[from - 1].v != target)
        from--;
    from = from > 0 ? from - 1 : 0;
    c->n_first = depth - from;
    c->first = malloc(c->n_first * sizeof *c->first);
    if (c->first == NULL)
        return -1;
    for (size_t k = 0; k < c->n_first; k++)
        c->first[k] = path[from + k].v;
    return 0;
}

static int add_cut(crisk_cycles *c, const frame *top, uint32_t member)
{
    if (crisk__grow((void **)&c->cuts, &c->cap_cuts, c->n_cuts + 1, sizeof *c->cuts) != 0)
        return -1;
    c->cuts[c->n_cuts++] = (crisk_cut){ top->v, top->g, top->i, member };
    return 0;
}

/* Walk from `root`.  `path` has room for every node. */
static int walk(crisk_cycles *c, const crisk_inventory *inv, uint8_t *state, frame *path,
                uint32_t root)
{
    size_t depth = 0;
    path[depth++] = (frame){ root, inv->group_start[root], 0 };
    state[root] = ON_PATH;
    while (depth > 0) {
        frame *top = &path[depth - 1];
        if (top->g == inv->group_start[top->v + 1]) {
            state[top->v] = DONE;
            depth--;
            continue;
        }
        if (inv->member_start[top->g] + top->i == inv->member_start[top->g + 1]) {
            top->g++;
            top->i = 0;
            continue;
        }
        uint32_t u = inv->member[inv->member_start[top->g] + top->i];
        if (state[u] == ON_PATH) {
            if (c->n_cuts == 0 && record_first(c, path, depth, u) != 0)
                return -1;
            if (add_cut(c, top, u) != 0)
                return -1;
        }
        top->i++;
        if (state[u] == UNSEEN) {
            state[u] = ON_PATH;
            path[depth++] = (frame){ u, inv->group_start[u], 0 };
        }
    }
    return 0;
}

int crisk_cycles_find(crisk_cycles **out, const crisk_inventory *inv, crisk_error *err)
{
    *out = NULL;
    crisk_cycles *c = calloc(1, sizeof *c);
    uint8_t *state = calloc(inv->n + 1, 1);
    frame *path = malloc((inv->n + 1) * sizeof *path);
    int rc = c != NULL && state != NULL && path != NULL ? CRISK_OK : CRISK_ENOMEM;
    for (uint32_t v = 0; rc == CRISK_OK && v < inv->n; v++)
        if (state[v] == UNSEEN && walk(c, inv, state, path, v) != 0)
            rc = CRISK_ENOMEM;
    free(state);
    free(path);
    if (rc != CRISK_OK) {
        crisk_cycles_free(c);
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    }
    *out = c;
    return CRISK_OK;
}

const crisk_cut *crisk_cycles_cuts(const crisk_cycles *c, size_t *count)
{
    *count = c->n_cuts;
    return c->cuts;
}

const uint32_t *crisk_cycles_first(const crisk_cycles *c, size_t *count)
{
    *count = c->n_first;
    return c->first;
}
