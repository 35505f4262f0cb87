/*
 * scenario_gen.c - a scenario library derived from the inventory
 * (crisk_scenarios_generate, chainrisk/scenario.h; issue 13 §1).
 *
 * Severe but plausible: the failures the analysis already points at.
 * Groups come from the selector's indexes (every parent group of two or
 * more providers, every country), single providers from the analysis (the
 * shared Nth parties, the nodes that defeat a redundancy group from
 * outside, the highest impact).  A node that several lists name is one
 * scenario whose description gives every reason, so the library tests each
 * failure once.  The cells are written so that the library reads back as
 * it was generated (crisk_scenario_set_write): a ';' inside a term is
 * doubled, and an id a spreadsheet would run as a formula is written as
 * id:ID.
 */
#include "model/model.h"
#include "util/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* A growable text buffer. */
typedef struct text {
    char *s;
    size_t len, cap;
    int nomem;
} text;

static void text_reset(text *t)
{
    t->len = 0;
    if (t->s != NULL)
        t->s[0] = '\0';
}

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || crisk__grow((void **)&t->s, &t->cap, t->len + (size_t)n + 1, 1) != 0) {
        t->nomem = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* `s` as part of a failure term: every ';' doubled. */
static void text_term(text *t, const char *s)
{
    for (; *s; s++)
        text_add(t, *s == ';' ? ";;" : "%c", *s);
}

static int is_formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

typedef struct generator {
    const crisk_analysis *a;
    const crisk_inventory *inv;
    const crisk_generate_options *opts;
    crisk_scenario_set *set;
    crisk_selector *sel;
    text id, fails, name, description;
    crisk_error *err;
} generator;

static int add(generator *g, const uint32_t *nodes, size_t n)
{
    if (g->id.nomem || g->fails.nomem || g->name.nomem || g->description.nomem)
        return oom(g->err);
    crisk_scenario sc = { .id = g->id.s, .name = g->name.s ? g->name.s : "",
                          .fails = g->fails.s, .description = g->description.s ? g->description.s : "",
                          .hours = g->opts->use_hours ? g->opts->hours : NAN,
                          .nodes = nodes, .n_nodes = n };
    return crisk_scenario_set_add(g->set, &sc, g->err);
}

static void reset(generator *g)
{
    text_reset(&g->id);
    text_reset(&g->fails);
    text_reset(&g->name);
    text_reset(&g->description);
}

/* Every parent group with two or more providers, or every country. */
static int add_groups(generator *g, crisk_selector_kind kind, size_t min)
{
    size_t count = 0;
    int rc = crisk_selector_values(g->sel, kind, &count, g->err);
    const char *what = crisk_selector_kind_name(kind);
    for (size_t i = 0; i < count && rc == CRISK_OK; i++) {
        const char *value;
        const uint32_t *nodes;
        size_t n;
        crisk_selector_value(g->sel, kind, i, &value, &nodes, &n);
        if (n < min)
            continue;
        reset(g);
        text_add(&g->id, "%s:%s", what, value);
        text_add(&g->fails, "%s:", what);
        text_term(&g->fails, value);
        text_add(&g->name, "%s", value);
        if (kind == CRISK_SELECT_PARENT)
            text_add(&g->description, "provider group of %zu (closely connected, DORA Art. 29)", n);
        else
            text_add(&g->description, "all %zu provider%s in %s", n, n == 1 ? "" : "s", value);
        rc = add(g, nodes, n);
    }
    return rc;
}

/* ---- single providers ------------------------------------------------------------- */

#define WHY_SHARED 1u
#define WHY_FALSE_REDUNDANCY 2u
#define WHY_TOP 4u

typedef struct singles {
    uint8_t *why;            /* per node */
    uint32_t *fr;            /* per node: 1 + its first false-redundancy finding, 0 = none */
    uint32_t *top;           /* per node: its place among the top providers, 0 = none */
    uint32_t *order;         /* nodes in the order they were first named */
    size_t n;
} singles;

static void name_single(singles *sg, uint32_t v, unsigned why)
{
    if (sg->why[v] == 0)
        sg->order[sg->n++] = v;
    sg->why[v] |= (uint8_t)why;
}

static int collect_singles(generator *g, singles *sg)
{
    const crisk_inventory *inv = g->inv;
    uint32_t *shared = NULL;
    size_t n_shared = 0, n_fr = 0;
    int rc = crisk_analysis_shared(g->a, 2, &shared, &n_shared, g->err);
    if (rc != CRISK_OK)
        return rc;
    for (size_t i = 0; i < n_shared; i++)
        name_single(sg, shared[i], WHY_SHARED);
    free(shared);
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(g->a, &n_fr);
    for (size_t i = 0; i < n_fr; i++) {
        uint32_t v = (uint32_t)fr[i].shared;
        if (sg->fr[v] == 0)
            sg->fr[v] = (uint32_t)i + 1;
        name_single(sg, v, WHY_FALSE_REDUNDANCY);
    }
    const uint32_t *rank = crisk_analysis_ranking(g->a);
    size_t taken = 0;
    for (size_t i = 0; i < inv->n && taken < g->opts->top; i++) {
        uint32_t v = rank[i];
        if (inv->type[v] == CRISK_NODE_FUNCTION || crisk_analysis_metrics(g->a, v)->impact == 0)
            continue;
        sg->top[v] = (uint32_t)++taken;
        name_single(sg, v, WHY_TOP);
    }
    return CRISK_OK;
}

static void describe_single(generator *g, const singles *sg, uint32_t v)
{
    const crisk_inventory *inv = g->inv;
    const crisk_node_metrics *m = crisk_analysis_metrics(g->a, v);
    const char *sep = "";
    if (sg->why[v] & WHY_SHARED) {
        text_add(&g->description, "shared Nth party: %zu tier-1 dependants", m->tier1_dependants);
        sep = "; ";
    }
    if (sg->why[v] & WHY_FALSE_REDUNDANCY) {
        size_t count = 0;
        const crisk_false_redundancy *f = &crisk_analysis_false_redundancy(g->a, &count)[sg->fr[v] - 1];
        text_add(&g->description, "%sdefeats redundancy group '%s' of %s", sep,
                 crisk__group_name(inv, f->group), inv->id[f->dependant]);
        sep = "; ";
    }
    if (sg->why[v] & WHY_TOP) {
        char weight[64];
        double w = m->impact_weight;
        snprintf(weight, sizeof weight, w == floor(w) && fabs(w) < 1e15 ? "%.0f" : "%g", w);
        text_add(&g->description, "%simpact #%u: %zu functions, criticality %s", sep, sg->top[v],
                 m->impact, weight);
    }
}

static int add_singles(generator *g)
{
    const crisk_inventory *inv = g->inv;
    singles sg = { calloc(inv->n + 1, 1), calloc(inv->n + 1, sizeof(uint32_t)),
                   calloc(inv->n + 1, sizeof(uint32_t)), malloc((inv->n + 1) * sizeof(uint32_t)),
                   0 };
    int rc = sg.why && sg.fr && sg.top && sg.order ? collect_singles(g, &sg) : oom(g->err);
    for (size_t i = 0; i < sg.n && rc == CRISK_OK; i++) {
        uint32_t v = sg.order[i];
        const char *id = inv->id[v];
        reset(g);
        text_add(&g->id, "node:%s", id);
        text_add(&g->fails, "%s", is_formula_start(id[0]) ? "id:" : "");
        text_term(&g->fails, id);
        text_add(&g->name, "%s", inv->name[v]);
        describe_single(g, &sg, v);
        rc = add(g, &v, 1);
    }
    free(sg.why);
    free(sg.fr);
    free(sg.top);
    free(sg.order);
    return rc;
}

int crisk_scenarios_generate(crisk_scenario_set **out, const crisk_analysis *a,
                             const crisk_generate_options *opts, crisk_error *err)
{
    static const crisk_generate_options defaults = CRISK_GENERATE_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    *out = NULL;   /* hours out of range: crisk_scenario_set_add says so */
    generator g = { .a = a, .inv = crisk_analysis_inventory(a), .opts = opts, .err = err };
    int rc = crisk_scenario_set_new(&g.set, err);
    if (rc == CRISK_OK)
        rc = crisk_selector_new(&g.sel, g.inv, err);
    if (rc == CRISK_OK)
        rc = add_groups(&g, CRISK_SELECT_PARENT, 2);
    if (rc == CRISK_OK)
        rc = add_groups(&g, CRISK_SELECT_COUNTRY, 1);
    if (rc == CRISK_OK)
        rc = add_singles(&g);
    crisk_selector_free(g.sel);
    free(g.id.s);
    free(g.fails.s);
    free(g.name.s);
    free(g.description.s);
    if (rc != CRISK_OK) {
        crisk_scenario_set_free(g.set);
        return rc;
    }
    *out = g.set;
    return CRISK_OK;
}
