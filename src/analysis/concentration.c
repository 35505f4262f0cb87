/*
 * concentration.c - market shares and the Herfindahl-Hirschman index.
 *
 * A market is a set of providers (every node that is not a function): each
 * category on its own (entities: the providers), or all providers grouped by
 * `parent` or by `country` (entities: the groups).  Two bases, always both:
 *   spend    - share of the market's total `spend` (missing spend counts 0);
 *   reliance - share of the market's total `exposure` (DESIGN §5: the
 *              criticality of the functions that depend on a provider).
 * HHI = sum of share^2 * 10 000.  A provider without a parent is its own
 * parent (DORA Art. 29 groups closely connected providers only); providers
 * without a country form the entity "" (shown as "(none)").
 *
 * Summed exposure counts a function once per provider of the entity it
 * relies on; the joint impact says what the entity's joint failure takes
 * down, each function once and redundancy honoured: every entity of two or
 * more providers is a scenario for the batched engine (scenarios.c), and
 * an entity of one provider has that provider's impact.
 */
#include "analysis_internal.h"
#include "model/model.h"
#include "scenarios.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct crisk_concentration {
    crisk_market *markets;
    size_t n_markets;
    crisk_share *shares;
    size_t n_shares;
};

void crisk_concentration_free(crisk_concentration *c)
{
    if (c == NULL)
        return;
    free(c->markets);
    free(c->shares);
    free(c);
}

const crisk_market *crisk_concentration_markets(const crisk_concentration *c, size_t *count)
{
    *count = c->n_markets;
    return c->markets;
}

const crisk_share *crisk_concentration_shares(const crisk_concentration *c, size_t *count)
{
    *count = c->n_shares;
    return c->shares;
}

static int compare_share(const void *pa, const void *pb)
{
    const crisk_share *a = pa, *b = pb;
    double sa = isnan(a->spend_share) ? -1 : a->spend_share;
    double sb = isnan(b->spend_share) ? -1 : b->spend_share;
    if (sa != sb)
        return sa > sb ? -1 : 1;
    double ra = isnan(a->reliance_share) ? -1 : a->reliance_share;
    double rb = isnan(b->reliance_share) ? -1 : b->reliance_share;
    if (ra != rb)
        return ra > rb ? -1 : 1;
    return strcmp(a->entity, b->entity);
}

static int compare_entity(const void *pa, const void *pb)
{
    return strcmp(((const crisk_share *)pa)->entity, ((const crisk_share *)pb)->entity);
}

/* ---- joint failure of an entity ----------------------------------------------- */

typedef struct member {
    const char *entity;
    uint32_t node;
} member;

static int compare_member(const void *pa, const void *pb)
{
    const member *a = pa, *b = pb;
    int c = a->entity == b->entity ? 0 : strcmp(a->entity, b->entity);
    if (c != 0)
        return c;
    return a->node < b->node ? -1 : a->node > b->node;
}

static const char *entity_of(const crisk_inventory *inv, size_t v, crisk_concentration_by by);

/* The joint impact of every row of shares[0..n) (entities of one market,
 * merged): the providers of each entity, grouped by sorting; entities of
 * several providers as one scenario set through the engine. */
static int joint_impact(const crisk_analysis *a, crisk_concentration_by by, crisk_share *rows,
                        size_t n, double total, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    if (by == CRISK_BY_CATEGORY) {   /* every entity is one provider */
        for (size_t i = 0; i < n; i++) {
            const crisk_node_metrics *nm =
                crisk_analysis_metrics(a, crisk__inventory_lookup(inv, rows[i].entity,
                                                                  strlen(rows[i].entity)));
            rows[i].joint_functions = nm->impact;
            rows[i].joint_criticality = nm->impact_weight;
            rows[i].joint_share = total > 0 ? nm->impact_weight / total : 0;
        }
        return CRISK_OK;
    }
    member *m = malloc((inv->n + 1) * sizeof *m);
    size_t k = 0;
    crisk_scenario_set *set = NULL;
    crisk_scenario_run *run = NULL;
    int rc = m == NULL ? CRISK_ENOMEM : crisk_scenario_set_new(&set, err);
    for (size_t v = 0; rc == CRISK_OK && v < inv->n; v++)
        if (inv->type[v] != CRISK_NODE_FUNCTION)
            m[k++] = (member){ entity_of(inv, v, by), (uint32_t)v };
    if (rc == CRISK_OK)
        crisk__sort(m, k, sizeof *m, compare_member);
    /* rows and runs of members are both in entity order */
    for (size_t i = 0, j = 0; rc == CRISK_OK && i < n; i++) {
        while (j < k && strcmp(m[j].entity, rows[i].entity) < 0)
            j++;
        size_t first = j;
        while (j < k && strcmp(m[j].entity, rows[i].entity) == 0)
            j++;
        if (j - first == 1) {
            const crisk_node_metrics *nm = crisk_analysis_metrics(a, m[first].node);
            rows[i].joint_functions = nm->impact;
            rows[i].joint_criticality = nm->impact_weight;
            continue;
        }
        char id[32];
        snprintf(id, sizeof id, "%zu", i);
        crisk_scenario sc = { .id = id, .fails = "", .hours = 0, .n_nodes = j - first };
        uint32_t *nodes = malloc((j - first + 1) * sizeof *nodes);
        if (nodes == NULL) {
            rc = CRISK_ENOMEM;
            break;
        }
        for (size_t x = first; x < j; x++)
            nodes[x - first] = m[x].node;
        sc.nodes = nodes;
        rc = crisk_scenario_set_add(set, &sc, err);
        free(nodes);
    }
    crisk_scenario_options opts = CRISK_SCENARIO_OPTIONS_INIT;
    opts.keep_functions = 0;   /* the counts are enough */
    if (rc == CRISK_OK && crisk_scenario_set_count(set) > 0)
        rc = crisk__scenarios_run_on(&run, inv, crisk__analysis_topology(a), set, &opts, err);
    size_t count = 0;
    const crisk_scenario_result *res = run != NULL ? crisk_scenario_run_results(run, &count) : NULL;
    for (size_t i = 0; rc == CRISK_OK && i < count; i++) {
        crisk_scenario sc;
        crisk_scenario_set_get(set, res[i].scenario, &sc);
        crisk_share *row = &rows[strtoul(sc.id, NULL, 10)];
        row->joint_functions = res[i].functions_down;
        row->joint_criticality = res[i].criticality_lost;
    }
    for (size_t i = 0; i < n; i++)
        rows[i].joint_share = total > 0 ? rows[i].joint_criticality / total : 0;
    crisk_scenario_run_free(run);
    crisk_scenario_set_free(set);
    free(m);
    return rc == CRISK_ENOMEM ? crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory") : rc;
}

/* Merge rows with the same entity (sorted by entity first). */
static size_t merge_entities(crisk_share *rows, size_t n)
{
    crisk__sort(rows, n, sizeof *rows, compare_entity);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(rows[k - 1].entity, rows[i].entity) == 0) {
            rows[k - 1].providers += rows[i].providers;
            rows[k - 1].spend += rows[i].spend;
            rows[k - 1].reliance += rows[i].reliance;
        } else {
            rows[k++] = rows[i];
        }
    }
    return k;
}

/* Shares, top-1/top-3 and HHI of one market's rows (entities merged). */
static void summarise(crisk_market *mk, crisk_share *rows, size_t n)
{
    mk->entities = n;
    mk->spend = mk->reliance = 0;
    mk->providers = 0;
    for (size_t i = 0; i < n; i++) {
        mk->spend += rows[i].spend;
        mk->reliance += rows[i].reliance;
        mk->providers += rows[i].providers;
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].spend_share = mk->spend > 0 ? rows[i].spend / mk->spend : NAN;
        rows[i].reliance_share = mk->reliance > 0 ? rows[i].reliance / mk->reliance : NAN;
    }
    crisk__sort(rows, n, sizeof *rows, compare_share);
    double s_hhi = 0, r_hhi = 0, s_sorted[3] = { 0 }, r_sorted[3] = { 0 };
    for (size_t i = 0; i < n; i++) {
        double s = mk->spend > 0 ? rows[i].spend_share : 0;
        double r = mk->reliance > 0 ? rows[i].reliance_share : 0;
        s_hhi += s * s;
        r_hhi += r * r;
        /* keep the three largest of each basis (rows are ordered by spend) */
        for (int k = 0; k < 3; k++)
            if (s > s_sorted[k]) { double t = s_sorted[k]; s_sorted[k] = s; s = t; }
        for (int k = 0; k < 3; k++)
            if (r > r_sorted[k]) { double t = r_sorted[k]; r_sorted[k] = r; r = t; }
    }
    mk->spend_top1 = mk->spend > 0 ? s_sorted[0] : NAN;
    mk->spend_top3 = mk->spend > 0 ? s_sorted[0] + s_sorted[1] + s_sorted[2] : NAN;
    mk->spend_hhi = mk->spend > 0 ? s_hhi * 10000 : NAN;
    mk->reliance_top1 = mk->reliance > 0 ? r_sorted[0] : NAN;
    mk->reliance_top3 = mk->reliance > 0 ? r_sorted[0] + r_sorted[1] + r_sorted[2] : NAN;
    mk->reliance_hhi = mk->reliance > 0 ? r_hhi * 10000 : NAN;
}

static const char *entity_of(const crisk_inventory *inv, size_t v, crisk_concentration_by by)
{
    switch (by) {
    case CRISK_BY_PARENT:  return inv->parent[v][0] ? inv->parent[v] : inv->id[v];
    case CRISK_BY_COUNTRY: return inv->country[v];
    default:               return inv->id[v];
    }
}

/* Rows whose joint impact was not asked for: unknown. */
static int no_joint_impact(crisk_share *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rows[i].joint_functions = 0;
        rows[i].joint_criticality = NAN;
        rows[i].joint_share = NAN;
    }
    return CRISK_OK;
}

int crisk_concentration_compute(crisk_concentration **out, const crisk_analysis *a,
                                crisk_concentration_by by, crisk_error *err)
{
    return crisk__concentration_compute(out, a, by, 1, err);
}

int crisk__concentration_compute(crisk_concentration **out, const crisk_analysis *a,
                                 crisk_concentration_by by, int joint, crisk_error *err)
{
    *out = NULL;
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk_concentration *c = calloc(1, sizeof *c);
    size_t n_markets = by == CRISK_BY_CATEGORY ? CRISK_CAT_COUNT : 1;
    if (c != NULL) {
        c->markets = calloc(n_markets, sizeof *c->markets);
        c->shares = calloc(inv->n + 1, sizeof *c->shares);
    }
    if (c == NULL || c->markets == NULL || c->shares == NULL) {
        crisk_concentration_free(c);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < n_markets; k++) {
        const char *market = by == CRISK_BY_CATEGORY ? crisk_category_name((crisk_category)k) : "all";
        size_t first = c->n_shares, rows = 0;
        for (size_t v = 0; v < inv->n; v++) {
            if (inv->type[v] == CRISK_NODE_FUNCTION)
                continue;
            if (by == CRISK_BY_CATEGORY && inv->category[v] != k)
                continue;
            crisk_share *s = &c->shares[first + rows++];
            s->market = market;
            s->entity = entity_of(inv, v, by);
            s->providers = 1;
            s->spend = isnan(inv->spend[v]) ? 0 : inv->spend[v];
            s->reliance = crisk_analysis_metrics(a, v)->exposure;
        }
        if (rows == 0 && by == CRISK_BY_CATEGORY)
            continue;   /* an empty category is no market */
        rows = merge_entities(c->shares + first, rows);
        int rc = !joint ? no_joint_impact(c->shares + first, rows)
               : joint_impact(a, by, c->shares + first, rows, crisk_analysis_total_criticality(a),
                              err);
        if (rc != CRISK_OK) {
            crisk_concentration_free(c);
            return rc;
        }
        crisk_market *mk = &c->markets[c->n_markets++];
        mk->market = market;
        mk->first_share = first;
        mk->share_count = rows;
        summarise(mk, c->shares + first, rows);
        c->n_shares = first + rows;
    }
    *out = c;
    return CRISK_OK;
}
