/*
 * incident.c - a live incident as a decision record (chainrisk/incident.h,
 * issue 13 §3).
 *
 * A list of steps over engines that exist already: the failure terms
 * through the selector (src/model/selector.c), what is down and why through
 * the cascade (cascade.c), when each function is back through the downtime
 * engine (downtime.c), the odds of the suspected failures through the
 * bit-parallel sweeps (suspects.c) and the reporting deadlines from the one
 * table of rules (clocks.c).  Everything lands in the record, which holds
 * copies - ids, names, texts - and no pointer into the inventory, so that
 * it can be written, read back and rendered without it.
 */
#include "cascade.h"
#include "clocks.h"
#include "suspects.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define EXACT_LIMIT 30   /* 2^30 states: beyond, enumeration is never sensible */

typedef struct run {
    const crisk_inventory *inv;
    const crisk_incident_options *o;
    crisk_incident_record *r;
    crisk_error *err;
    crisk_selector *sel;
    uint8_t *is_down;          /* node: a confirmed initial failure */
    uint32_t *down;            /* confirmed initial failures */
    size_t n_down;
    uint32_t **sus_nodes;      /* per suspect */
    size_t *sus_count;
    crisk_cascade *cascade;
    crisk_downtime *downtime;
} run;

static int nomem(run *x)
{
    return crisk_error_set(x->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

static void run_release(run *x)
{
    crisk_selector_free(x->sel);
    free(x->is_down);
    free(x->down);
    for (size_t i = 0; x->sus_nodes != NULL && i < x->o->n_suspects; i++)
        free(x->sus_nodes[i]);
    free(x->sus_nodes);
    free(x->sus_count);
    crisk_cascade_free(x->cascade);
    crisk_downtime_free(x->downtime);
}

/* ---- checking the options ------------------------------------------------------ */

static int check_times(const crisk_incident_options *o, crisk_error *err)
{
    if (o->since == CRISK_TIME_NONE || o->now == CRISK_TIME_NONE)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "the start and the time now are needed");
    const crisk_time times[] = { o->since, o->aware, o->classified, o->now };
    for (size_t i = 0; i < 4; i++)
        if (times[i] != CRISK_TIME_NONE && (times[i] < CRISK_TIME_MIN || times[i] > CRISK_TIME_MAX))
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "a time outside the years 0001 to 9999");
    if (o->aware != CRISK_TIME_NONE && o->aware < o->since)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--aware is before --since: the organisation cannot become aware "
                               "of an outage before it starts");
    crisk_time aware = o->aware != CRISK_TIME_NONE ? o->aware : o->since;
    if (o->classified != CRISK_TIME_NONE && o->classified < aware)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--classified is before %s: an incident is classified after the "
                               "organisation becomes aware of it",
                               o->aware != CRISK_TIME_NONE ? "--aware" : "--since");
    if (o->now < o->since)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--now is before --since: the incident has not started yet");
    return CRISK_OK;
}

static int check_options(const crisk_incident_options *o, crisk_error *err)
{
    if (o->n_down == 0)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "no --down term: what is down?");
    if (o->n_down > CRISK_INCIDENT_MAX_TERMS || o->n_suspects > CRISK_INCIDENT_MAX_TERMS)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "at most %d --down and %d --suspect terms",
                               CRISK_INCIDENT_MAX_TERMS, CRISK_INCIDENT_MAX_TERMS);
    for (size_t i = 0; i < o->n_suspects; i++)
        if (!(o->probabilities[i] > 0 && o->probabilities[i] < 1))
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "--suspect '%s': probability %g is not between 0 and 1 "
                                   "(exclusive)", o->suspects[i], o->probabilities[i]);
    if (o->n_suspects > 0 && o->exact_max < o->n_suspects && o->runs == 0)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "Monte Carlo needs at least one run");
    return check_times(o, err);
}

/* ---- the terms ------------------------------------------------------------------- */

/* Resolve `term` into rec (its ids) and nodes (a copy). */
static int resolve(run *x, const char *option, const char *term, double p, crisk_incident_term *rec,
                   uint32_t **nodes, size_t *count)
{
    const uint32_t *match = NULL;
    size_t n = 0;
    crisk_error why = CRISK_ERROR_INIT;
    int rc = crisk_selector_match(x->sel, term, &match, &n, &why);
    if (rc != CRISK_OK)
        return crisk_error_set(x->err, rc, NULL, 0, 0, "%s: %s", option, why.message);
    if (n == 0) {
        char why[512];
        crisk_selector_explain_empty(x->sel, term, why, sizeof why);
        return crisk_error_set(x->err, CRISK_EINVALID, NULL, 0, 0, "%s: %s", option, why);
    }
    *nodes = malloc(n * sizeof **nodes);
    rec->term = crisk__record_copy(x->r, term);
    rec->probability = p;
    rec->nodes = crisk__record_alloc(x->r, n, sizeof *rec->nodes);
    if (*nodes == NULL || rec->term == NULL || rec->nodes == NULL)
        return nomem(x);
    memcpy(*nodes, match, n * sizeof **nodes);
    for (size_t i = 0; i < n; i++)
        rec->nodes[i] = crisk__record_copy(x->r, x->inv->id[match[i]]);
    rec->n_nodes = n;
    *count = n;
    return CRISK_OK;
}

static int resolve_down(run *x)
{
    const crisk_incident_options *o = x->o;
    x->is_down = calloc(x->inv->n + 1, 1);
    x->down = malloc((x->inv->n + 1) * sizeof *x->down);
    x->r->down = crisk__record_alloc(x->r, o->n_down, sizeof *x->r->down);
    if (x->is_down == NULL || x->down == NULL || x->r->down == NULL)
        return nomem(x);
    for (size_t t = 0; t < o->n_down; t++) {
        uint32_t *nodes = NULL;
        size_t n = 0;
        int rc = resolve(x, "--down", o->down[t], 1, &x->r->down[t], &nodes, &n);
        for (size_t i = 0; rc == CRISK_OK && i < n; i++)
            if (!x->is_down[nodes[i]]) {
                x->is_down[nodes[i]] = 1;
                x->down[x->n_down++] = nodes[i];
            }
        free(nodes);
        if (rc != CRISK_OK)
            return rc;
        x->r->n_down = t + 1;
    }
    return CRISK_OK;
}

static int resolve_suspects(run *x)
{
    const crisk_incident_options *o = x->o;
    size_t k = o->n_suspects;
    x->sus_nodes = calloc(k + 1, sizeof *x->sus_nodes);
    x->sus_count = calloc(k + 1, sizeof *x->sus_count);
    x->r->suspects = crisk__record_alloc(x->r, k, sizeof *x->r->suspects);
    if (x->sus_nodes == NULL || x->sus_count == NULL || x->r->suspects == NULL)
        return nomem(x);
    for (size_t t = 0; t < k; t++) {
        int rc = resolve(x, "--suspect", o->suspects[t], o->probabilities[t], &x->r->suspects[t],
                         &x->sus_nodes[t], &x->sus_count[t]);
        if (rc != CRISK_OK)
            return rc;
        x->r->n_suspects = t + 1;
        for (size_t i = 0; i < x->sus_count[t]; i++)
            if (x->is_down[x->sus_nodes[t][i]])
                return crisk_error_set(x->err, CRISK_EUSAGE, NULL, 0, 0,
                                       "--suspect '%s' names '%s', which --down already fails",
                                       o->suspects[t], x->inv->id[x->sus_nodes[t][i]]);
    }
    return CRISK_OK;
}

/* ---- what is down now, and why ------------------------------------------------------ */

static int record_down_node(run *x, const uint32_t *order, const uint32_t *pos, size_t i)
{
    const crisk_inventory *inv = x->inv;
    uint32_t v = order[i];
    crisk_incident_down *d = &x->r->down_nodes[i];
    d->id = crisk__record_copy(x->r, inv->id[v]);
    d->name = crisk__record_copy(x->r, inv->name[v]);
    d->type = crisk_node_type_name((crisk_node_type)inv->type[v]);
    d->criticality = inv->type[v] == CRISK_NODE_FUNCTION ? inv->criticality[v] : NAN;
    d->round = crisk_cascade_round(x->cascade, v);
    size_t g = crisk_cascade_cause(x->cascade, v);
    if (d->id == NULL || d->name == NULL)
        return nomem(x);
    if (g == CRISK_CAUSE_INITIAL || g == CRISK_CAUSE_NONE)
        return CRISK_OK;
    size_t size = inv->member_start[g + 1] - inv->member_start[g];
    d->group = crisk__record_copy(x->r, crisk__group_name(inv, g));
    d->need = inv->need[g];
    d->size = size;
    d->members = crisk__record_alloc(x->r, size, sizeof *d->members);
    if (d->members == NULL || d->group == NULL)
        return nomem(x);
    /* the members that were down before it: those of an earlier round */
    for (uint32_t e = inv->member_start[g]; e < inv->member_start[g + 1]; e++) {
        uint32_t m = inv->member[e];
        if (crisk_cascade_is_failed(x->cascade, m) && crisk_cascade_round(x->cascade, m) < d->round)
            d->members[d->n_members++] = pos[m];
    }
    return CRISK_OK;
}

static int record_cascade(run *x)
{
    const crisk_inventory *inv = x->inv;
    size_t *initial = malloc((x->n_down + 1) * sizeof *initial);
    crisk_outage *outages = malloc((x->n_down + 1) * sizeof *outages);
    if (initial == NULL || outages == NULL) {
        free(initial);
        free(outages);
        return nomem(x);
    }
    for (size_t i = 0; i < x->n_down; i++) {
        initial[i] = x->down[i];
        outages[i] = (crisk_outage){ x->down[i], inv->recovery[x->down[i]] };
    }
    int rc = crisk_cascade_run(&x->cascade, inv, initial, x->n_down, x->err);
    if (rc == CRISK_OK)
        rc = crisk_downtime_run(&x->downtime, inv, outages, x->n_down, x->err);
    free(initial);
    free(outages);
    if (rc != CRISK_OK)
        return rc;
    size_t n = 0;
    const uint32_t *order = crisk_cascade_order(x->cascade, &n);
    uint32_t *pos = malloc((inv->n + 1) * sizeof *pos);
    x->r->down_nodes = crisk__record_alloc(x->r, n, sizeof *x->r->down_nodes);
    if (pos == NULL || x->r->down_nodes == NULL) {
        free(pos);
        return nomem(x);
    }
    for (size_t i = 0; i < n; i++)
        pos[order[i]] = (uint32_t)i;
    x->r->n_down_nodes = n;
    for (size_t i = 0; i < n && rc == CRISK_OK; i++)
        rc = record_down_node(x, order, pos, i);
    free(pos);
    return rc;
}

/* ---- the functions ---------------------------------------------------------------- */

typedef struct fn_work {
    uint32_t *fn;             /* every function of the inventory */
    size_t n_fn;
    double *p, *se, *swing, *swing_se;
    int exact;
    uint64_t evaluated;
} fn_work;

static int run_suspects(run *x, fn_work *w)
{
    const crisk_incident_options *o = x->o;
    size_t k = o->n_suspects;
    w->p = calloc(w->n_fn + 1, sizeof *w->p);
    w->se = calloc(w->n_fn + 1, sizeof *w->se);
    w->swing = calloc(w->n_fn * k + 1, sizeof *w->swing);
    w->swing_se = calloc(w->n_fn * k + 1, sizeof *w->swing_se);
    if (w->p == NULL || w->se == NULL || w->swing == NULL || w->swing_se == NULL)
        return nomem(x);
    for (size_t f = 0; f < w->n_fn; f++)
        w->p[f] = crisk_cascade_is_failed(x->cascade, w->fn[f]) ? 1 : 0;
    if (k == 0)
        return CRISK_OK;
    crisk__suspects s = { 0 };
    s.down = x->down;
    s.n_down = x->n_down;
    s.nodes = (const uint32_t *const *)x->sus_nodes;
    s.counts = x->sus_count;
    s.p = o->probabilities;
    s.k = k;
    s.fn = w->fn;
    s.n_fn = w->n_fn;
    s.exact_max = o->exact_max < EXACT_LIMIT ? o->exact_max : EXACT_LIMIT;
    s.runs = o->runs;
    s.seed = o->seed;
    s.p_down = w->p;
    s.p_se = w->se;
    s.swing = w->swing;
    s.swing_se = w->swing_se;
    int rc = crisk__suspects_run(x->inv, &s, x->err);
    w->exact = s.exact;
    w->evaluated = s.evaluated;
    return rc;
}

/* The suspect with the largest swing for function f (the first of equals);
 * none when no swing is positive. */
static void pick_swing(const fn_work *w, size_t f, size_t k, crisk_incident_function *out)
{
    out->swing_suspect = SIZE_MAX;
    out->swing = out->swing_std_error = NAN;
    for (size_t i = 0; i < k; i++) {
        double s = w->swing[f * k + i];
        if (s > 0 && (out->swing_suspect == SIZE_MAX || s > out->swing)) {
            out->swing_suspect = i;
            out->swing = s;
            out->swing_std_error = w->swing_se[f * k + i];
        }
    }
}

static crisk_time hours_after(crisk_time t, double hours)
{
    return crisk_time_add_hours(t, hours);
}

static int record_function(run *x, const fn_work *w, size_t f, crisk_incident_function *out)
{
    const crisk_inventory *inv = x->inv;
    uint32_t v = w->fn[f];
    out->id = crisk__record_copy(x->r, inv->id[v]);
    out->name = crisk__record_copy(x->r, inv->name[v]);
    if (out->id == NULL || out->name == NULL)
        return nomem(x);
    out->criticality = inv->criticality[v];
    out->rto_hours = inv->rto[v];
    out->p_down = w->p[f];
    out->p_std_error = w->se[f];
    out->breach_at = isnan(inv->rto[v]) ? CRISK_TIME_NONE : hours_after(x->o->since, inv->rto[v]);
    out->back_lo = out->back_hi = NAN;
    if (crisk_cascade_is_failed(x->cascade, v)) {
        crisk_duration d = crisk_downtime_of(x->downtime, v);
        out->back_lo = d.lo;
        out->back_hi = d.hi;
        out->back_lo_open = d.lo_open;
        out->swing_suspect = SIZE_MAX;
        out->swing = out->swing_std_error = NAN;
    } else {
        pick_swing(w, f, x->o->n_suspects, out);
    }
    return CRISK_OK;
}

static int compare_function(const void *pa, const void *pb)
{
    const crisk_incident_function *a = pa, *b = pb;
    int an = a->breach_at == CRISK_TIME_NONE, bn = b->breach_at == CRISK_TIME_NONE;
    if (an != bn)
        return an - bn;
    if (a->breach_at != b->breach_at)
        return a->breach_at < b->breach_at ? -1 : 1;
    if (a->p_down != b->p_down)
        return a->p_down > b->p_down ? -1 : 1;
    if (a->criticality != b->criticality)
        return a->criticality > b->criticality ? -1 : 1;
    return strcmp(a->id, b->id);
}

static void count_facts(run *x, const fn_work *w)
{
    crisk_incident_record *r = x->r;
    r->functions_total = w->n_fn;
    for (size_t f = 0; f < w->n_fn; f++) {
        uint32_t v = w->fn[f];
        r->criticality_total += x->inv->criticality[v];
        if (!crisk_cascade_is_failed(x->cascade, v))
            continue;
        r->functions_down++;
        r->criticality_lost += x->inv->criticality[v];
        if (!isnan(x->inv->rto[v]) && hours_after(x->o->since, x->inv->rto[v]) < x->o->now)
            r->tolerances_breached++;
    }
    r->lost_share = r->criticality_total > 0 ? r->criticality_lost / r->criticality_total : NAN;
}

static int record_functions(run *x)
{
    fn_work w = { 0 };
    const crisk_inventory *inv = x->inv;
    w.fn = malloc((inv->n + 1) * sizeof *w.fn);
    int rc = w.fn == NULL ? nomem(x) : CRISK_OK;
    for (size_t v = 0; rc == CRISK_OK && v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            w.fn[w.n_fn++] = (uint32_t)v;
    if (rc == CRISK_OK)
        rc = run_suspects(x, &w);
    size_t shown = 0;
    for (size_t f = 0; rc == CRISK_OK && f < w.n_fn; f++)
        shown += w.p[f] > 0;
    crisk_incident_record *r = x->r;
    if (rc == CRISK_OK && (r->functions = crisk__record_alloc(r, shown, sizeof *r->functions)) == NULL)
        rc = nomem(x);
    for (size_t f = 0; rc == CRISK_OK && f < w.n_fn; f++)
        if (w.p[f] > 0)
            rc = record_function(x, &w, f, &r->functions[r->n_functions++]);
    if (rc == CRISK_OK) {
        crisk__sort(r->functions, r->n_functions, sizeof *r->functions, compare_function);
        count_facts(x, &w);
        r->method = x->o->n_suspects == 0 ? "none" : w.exact ? "exact" : "monte-carlo";
        r->runs = x->o->n_suspects == 0 ? 0 : w.evaluated;
        r->seed = x->o->n_suspects > 0 && !w.exact ? x->o->seed : 0;
    }
    free(w.fn);
    free(w.p);
    free(w.se);
    free(w.swing);
    free(w.swing_se);
    return rc;
}

/* ---- the record around it ------------------------------------------------------------ */

static int record_inputs(run *x)
{
    crisk_incident_record *r = x->r;
    const crisk_inventory *inv = x->inv;
    size_t n = crisk_inventory_source_count(inv);
    r->inputs = crisk__record_alloc(r, n, sizeof *r->inputs);
    if (r->inputs == NULL)
        return nomem(x);
    for (size_t i = 0; i < n; i++) {
        crisk_source_view s;
        crisk_inventory_source(inv, i, &s);
        crisk_incident_input *in = &r->inputs[i];
        in->path = crisk__record_copy(r, s.path);
        in->kind = crisk__record_copy(r, s.kind);
        in->sha256 = crisk__record_copy(r, s.sha256);
        in->bytes = s.bytes;
        in->rows = s.rows;
        if (in->path == NULL || in->kind == NULL || in->sha256 == NULL)
            return nomem(x);
    }
    r->n_inputs = n;
    r->model_nodes = inv->n;
    r->model_edges = inv->n_edges;
    r->model_groups = inv->n_groups;
    return CRISK_OK;
}

static void record_times(run *x, unsigned regime)
{
    const crisk_incident_options *o = x->o;
    crisk_incident_record *r = x->r;
    r->schema = "chainrisk/incident/1";
    r->tool = o->tool != NULL ? o->tool : crisk_version();
    r->since = o->since;
    r->aware = o->aware != CRISK_TIME_NONE ? o->aware : o->since;
    r->classified = o->classified;
    r->now = o->now;
    r->now_from_clock = o->now_from_clock;
    r->regime = regime;
}

int crisk_incident_run(crisk_incident_record **out, const crisk_inventory *inv,
                       const crisk_incident_options *o, crisk_error *err)
{
    *out = NULL;
    unsigned regime = o->regime != 0 ? o->regime : CRISK_REGIME_BOTH;
    int rc = check_options(o, err);
    if (rc == CRISK_OK)
        rc = crisk__clocks_check(o, regime, err);
    if (rc != CRISK_OK)
        return rc;
    run x = { inv, o, NULL, err, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL };
    if (crisk__record_new(&x.r) != CRISK_OK || crisk_selector_new(&x.sel, inv, err) != CRISK_OK) {
        crisk_incident_record_free(x.r);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    record_times(&x, regime);
    rc = resolve_down(&x);
    if (rc == CRISK_OK)
        rc = resolve_suspects(&x);
    if (rc == CRISK_OK)
        rc = record_cascade(&x);
    if (rc == CRISK_OK)
        rc = record_functions(&x);
    if (rc == CRISK_OK)
        rc = record_inputs(&x);
    if (rc == CRISK_OK)
        rc = crisk__clocks_fill(x.r, o, regime, err);
    run_release(&x);
    if (rc != CRISK_OK) {
        crisk_incident_record_free(x.r);
        return rc;
    }
    *out = x.r;
    return CRISK_OK;
}
