/*
 * cascade.c - one failure scenario with the reason for every failure.
 *
 * Counting propagation: every group keeps the number of its failed members;
 * when a node fails, the groups it belongs to are told, and a group that
 * drops below `need` working members fails its owner.  A node therefore
 * fails only when forced from the initial set, which is the least fixed
 * point of DESIGN §4, cycles included.  FIFO order gives rounds: round r
 * holds the nodes whose failure the failures of round r-1 forced.
 */
#include "cascade.h"

#include <stdlib.h>
#include <string.h>

struct crisk_cascade {
    size_t n;
    uint8_t *failed;
    size_t *cause;      /* group, CRISK_CAUSE_INITIAL or CRISK_CAUSE_NONE */
    size_t *round;
    uint32_t *order;    /* failed nodes in propagation order */
    size_t n_failed;
};

void crisk_cascade_free(crisk_cascade *c)
{
    if (c == NULL)
        return;
    free(c->failed);
    free(c->cause);
    free(c->round);
    free(c->order);
    free(c);
}

/* Built on the first cascade, so many what-ifs on one inventory cost only
 * what fails (see cascade.h). */
int crisk__member_groups(const crisk_inventory *cinv, const uint32_t **start_out,
                         const uint32_t **list_out)
{
    crisk_inventory *inv = (crisk_inventory *)cinv;
    if (inv->mg_start == NULL) {
        uint32_t *start = calloc(inv->n + 2, sizeof *start);
        uint32_t *list = malloc((inv->n_edges + 1) * sizeof *list);
        uint32_t *owner = malloc((inv->n_groups + 1) * sizeof *owner);
        if (start == NULL || list == NULL || owner == NULL) {
            free(start);
            free(list);
            free(owner);
            return -1;
        }
        for (size_t v = 0; v < inv->n; v++)
            for (uint32_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
                owner[g] = (uint32_t)v;
        for (size_t e = 0; e < inv->n_edges; e++)
            start[inv->member[e] + 1]++;
        for (size_t v = 0; v < inv->n; v++)
            start[v + 1] += start[v];
        for (size_t g = 0; g < inv->n_groups; g++)
            for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++)
                list[start[inv->member[e]]++] = (uint32_t)g;
        for (size_t v = inv->n; v > 0; v--)   /* undo the shift the fill caused */
            start[v] = start[v - 1];
        start[0] = 0;
        inv->mg_start = start;
        inv->mg_list = list;
        inv->group_owner = owner;
    }
    *start_out = inv->mg_start;
    *list_out = inv->mg_list;
    return 0;
}

static void fail(crisk_cascade *c, uint32_t v, size_t cause, size_t round)
{
    c->failed[v] = 1;
    c->cause[v] = cause;
    c->round[v] = round;
    c->order[c->n_failed++] = v;
}

int crisk_cascade_run(crisk_cascade **out, const crisk_inventory *inv,
                      const size_t *initial, size_t n, crisk_error *err)
{
    *out = NULL;
    crisk_cascade *c = calloc(1, sizeof *c);
    const uint32_t *gstart = NULL, *glist = NULL;
    uint32_t *lost = NULL;
    if (c == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    c->n = inv->n;
    c->failed = calloc(inv->n + 1, 1);
    c->cause = malloc((inv->n + 1) * sizeof *c->cause);
    c->round = calloc(inv->n + 1, sizeof *c->round);
    c->order = malloc((inv->n + 1) * sizeof *c->order);
    lost = calloc(inv->n_groups + 1, sizeof *lost);
    if (!c->failed || !c->cause || !c->round || !c->order || !lost
        || crisk__member_groups(inv, &gstart, &glist) != 0) {
        free(lost);
        crisk_cascade_free(c);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t v = 0; v < inv->n; v++)
        c->cause[v] = CRISK_CAUSE_NONE;
    for (size_t i = 0; i < n; i++) {
        if (initial[i] >= inv->n) {
            free(lost);
            crisk_cascade_free(c);
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "node %zu out of range", initial[i]);
        }
        if (!c->failed[initial[i]])
            fail(c, (uint32_t)initial[i], CRISK_CAUSE_INITIAL, 0);
    }
    for (size_t head = 0; head < c->n_failed; head++) {
        uint32_t v = c->order[head];
        for (uint32_t i = gstart[v]; i < gstart[v + 1]; i++) {
            uint32_t g = glist[i];
            uint32_t owner = inv->group_owner[g];
            size_t size = inv->member_start[g + 1] - inv->member_start[g];
            lost[g]++;
            if (!c->failed[owner] && size - lost[g] < inv->need[g])
                fail(c, owner, g, c->round[v] + 1);
        }
    }
    free(lost);
    *out = c;
    return CRISK_OK;
}

int crisk_cascade_is_failed(const crisk_cascade *c, size_t v) { return c->failed[v]; }
size_t crisk_cascade_failed_count(const crisk_cascade *c) { return c->n_failed; }
size_t crisk_cascade_cause(const crisk_cascade *c, size_t v) { return c->cause[v]; }
size_t crisk_cascade_round(const crisk_cascade *c, size_t v) { return c->round[v]; }
const uint32_t *crisk_cascade_order(const crisk_cascade *c, size_t *count)
{
    *count = c->n_failed;
    return c->order;
}
