/*
 * downtime.c - how long every node is down when some nodes fail for given
 * durations (DESIGN §4 "Durations").
 *
 * The definition is a max/min system: a group needing k of n members is
 * down for the (n-k+1)-th longest of its members' downtimes, a node for the
 * longest of its own and its groups' downtimes, least fixed point.  Both
 * max and "the (n-k+1)-th largest" commute with thresholds: a node is down
 * for at least t exactly when the §4 cascade of {initial nodes down for at
 * least t} fails it.  So one counting cascade (cascade.c's) fed with the
 * initial failures in descending order of duration computes every threshold
 * at once: each node fails once, when it is first forced, and takes the
 * duration being fed then, which is the largest t whose cascade holds it.
 * O(V + E + n log n) instead of one cascade per distinct duration.
 *
 * Unknown durations.  The system is monotone in its inputs, so running it
 * with every unknown as the smallest positive time ("epsilon": above 0,
 * below every known positive duration) and again with every unknown as
 * +inf bounds the truth from both sides.  Epsilon is kept symbolic - a key
 * (value, epsilon flag) compared lexicographically - so no real duration
 * can collide with it.
 *
 * Rejected: iterating the max/min system to its fixed point (simple, but a
 * ring of dependencies can take one pass per distinct duration and node;
 * kept as a test reference) and one cascade per distinct duration (kept as
 * the other reference: it is the definition "at every instant").
 */
#include "cascade.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct crisk_downtime {
    size_t n;
    uint8_t *failed;       /* down at the onset */
    double *lo, *hi;       /* hours; hi may be INFINITY */
    uint8_t *lo_open;      /* lo is epsilon: more than 0 */
    int exact;             /* no unknown initial duration */
};

/* One initial failure as the cascade is fed: (value, epsilon) desc. */
typedef struct event {
    double value;
    int epsilon;           /* 1: an unknown taken as "just above value (0)" */
    uint32_t node;
} event;

#define NOT_YET UINT32_MAX

static int compare_event_desc(const void *pa, const void *pb)
{
    const event *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    if (a->epsilon != b->epsilon)
        return a->epsilon > b->epsilon ? -1 : 1;
    return a->node < b->node ? -1 : a->node > b->node;
}

int crisk_duration_is_exact(const crisk_duration *d)
{
    return d->lo == d->hi && !d->lo_open;
}

crisk_tolerance crisk_tolerance_judge(const crisk_duration *d, double rto_hours)
{
    if (isnan(rto_hours))
        return CRISK_TOLERANCE_UNKNOWN;
    /* breached when the downtime exceeds the tolerance: lo > rto, or, for
     * "more than 0", rto == 0 */
    if (d->lo > rto_hours || (d->lo_open && d->lo >= rto_hours))
        return CRISK_TOLERANCE_BREACHED;
    if (d->hi <= rto_hours)
        return CRISK_TOLERANCE_WITHIN;
    return CRISK_TOLERANCE_UNKNOWN;
}

void crisk_downtime_free(crisk_downtime *d)
{
    if (d == NULL)
        return;
    free(d->failed);
    free(d->lo);
    free(d->hi);
    free(d->lo_open);
    free(d);
}

/* Feed the events (sorted) to a counting cascade; at[v] = the event being
 * fed when v failed, NOT_YET if it never does.  `lost` (n_groups) and
 * `queue` (n) are scratch. */
static void cascade_in_order(const crisk_inventory *inv, const uint32_t *gstart,
                             const uint32_t *glist, const event *ev, size_t n_events,
                             uint32_t *at, uint32_t *lost, uint32_t *queue)
{
    for (size_t v = 0; v < inv->n; v++)
        at[v] = NOT_YET;
    memset(lost, 0, inv->n_groups * sizeof *lost);
    size_t tail = 0;
    for (size_t e = 0; e < n_events; e++) {
        if (at[ev[e].node] != NOT_YET)
            continue;
        at[ev[e].node] = (uint32_t)e;
        size_t head = tail;
        queue[tail++] = ev[e].node;
        /* everything this failure forces takes the same duration */
        while (head < tail) {
            uint32_t u = queue[head++];
            for (uint32_t i = gstart[u]; i < gstart[u + 1]; i++) {
                uint32_t g = glist[i];
                uint32_t owner = inv->group_owner[g];
                uint32_t size = inv->member_start[g + 1] - inv->member_start[g];
                lost[g]++;
                if (at[owner] == NOT_YET && size - lost[g] < inv->need[g]) {
                    at[owner] = (uint32_t)e;
                    queue[tail++] = owner;
                }
            }
        }
    }
}

static int check_initial(const crisk_inventory *inv, const crisk_outage *initial, size_t n,
                         crisk_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (initial[i].node >= inv->n)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "node %zu out of range",
                                   initial[i].node);
        double h = initial[i].hours;
        if (!isnan(h) && (h < 0 || isinf(h)))
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "invalid outage duration %g h for '%s' (expected a finite "
                                   "number >= 0)", h, inv->id[initial[i].node]);
    }
    return CRISK_OK;
}

/* The events with unknowns taken as epsilon (hi = 0) or as +inf (hi = 1),
 * sorted. */
static void make_events(event *ev, const crisk_outage *initial, size_t n, int hi)
{
    for (size_t i = 0; i < n; i++) {
        double h = initial[i].hours;
        ev[i].node = (uint32_t)initial[i].node;
        ev[i].value = isnan(h) ? (hi ? INFINITY : 0.0) : h;
        ev[i].epsilon = isnan(h) && !hi;
    }
    crisk__sort(ev, n, sizeof *ev, compare_event_desc);
}

static crisk_downtime *downtime_alloc(size_t n)
{
    crisk_downtime *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->n = n;
    d->failed = calloc(n + 1, 1);
    d->lo = calloc(n + 1, sizeof *d->lo);
    d->hi = calloc(n + 1, sizeof *d->hi);
    d->lo_open = calloc(n + 1, 1);
    if (d->failed == NULL || d->lo == NULL || d->hi == NULL || d->lo_open == NULL) {
        crisk_downtime_free(d);
        return NULL;
    }
    return d;
}

int crisk_downtime_run(crisk_downtime **out, const crisk_inventory *inv,
                       const crisk_outage *initial, size_t n, crisk_error *err)
{
    *out = NULL;
    int rc = check_initial(inv, initial, n, err);
    if (rc != CRISK_OK)
        return rc;
    const uint32_t *gstart = NULL, *glist = NULL;
    crisk_downtime *d = downtime_alloc(inv->n);
    event *ev = malloc((n + 1) * sizeof *ev);
    uint32_t *at = malloc((inv->n + 1) * sizeof *at);
    uint32_t *lost = malloc((inv->n_groups + 1) * sizeof *lost);
    uint32_t *queue = malloc((inv->n + 1) * sizeof *queue);
    if (d == NULL || ev == NULL || at == NULL || lost == NULL || queue == NULL
        || crisk__member_groups(inv, &gstart, &glist) != 0) {
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    d->exact = 1;
    for (size_t i = 0; i < n; i++)
        d->exact &= !isnan(initial[i].hours);
    for (int hi = 0; hi <= 1; hi++) {
        if (hi && d->exact) {   /* nothing unknown: the upper bound is the lower */
            memcpy(d->hi, d->lo, inv->n * sizeof *d->hi);
            break;
        }
        make_events(ev, initial, n, hi);
        cascade_in_order(inv, gstart, glist, ev, n, at, lost, queue);
        for (size_t v = 0; v < inv->n; v++) {
            if (at[v] == NOT_YET)
                continue;
            d->failed[v] = 1;
            if (hi) {
                d->hi[v] = ev[at[v]].value;
            } else {
                d->lo[v] = ev[at[v]].value;
                d->lo_open[v] = (uint8_t)ev[at[v]].epsilon;
            }
        }
    }
    *out = d;
    d = NULL;
out:
    crisk_downtime_free(d);
    free(ev);
    free(at);
    free(lost);
    free(queue);
    return rc;
}

int crisk_downtime_is_failed(const crisk_downtime *d, size_t node)
{
    return node < d->n && d->failed[node];
}

crisk_duration crisk_downtime_of(const crisk_downtime *d, size_t node)
{
    crisk_duration out = { 0, 0, 0 };
    if (node < d->n && d->failed[node]) {
        out.lo = d->lo[node];
        out.hi = d->hi[node];
        out.lo_open = d->lo_open[node];
    }
    return out;
}

int crisk_downtime_is_exact(const crisk_downtime *d)
{
    return d->exact;
}
