/*
 * check.c - a policy checked against an analysis (chainrisk/policy.h): each
 * rule's verdict and its violations, with the offending nodes, the measured
 * value against the limit, and the violation in words.
 *
 * Every rule reads what the analysis already holds - metrics, the
 * false-redundancy findings - except the concentration rules, which
 * compute the markets of their grouping (once per grouping, without the
 * joint impacts they do not use), the no_spof and no_breach rules, which
 * share one scan that fails again every node that takes a function down
 * (pair_scan.c: the SPOF lists would be a billion pairs at a million
 * nodes), and the scenarios rule, which runs its scenario set through the
 * scenario engine (crisk_scenarios_run, the one `chainrisk scenarios`
 * uses).  A rule keeps its first CRISK_CHECK_KEEP findings and counts them
 * all, so a policy that fails on a million SPOFs costs bounded memory.  Findings
 * come in a fixed order (markets in category order, providers by impact,
 * functions and nodes by id, scenarios in file order), so the same inputs
 * give the same report.
 *
 * What cannot be judged is a finding of its own ("unknown"), never a pass:
 * a breach without the hours to compare, a scenario whose downtimes
 * straddle a tolerance, a market with no spend given.
 */
#include "analysis_internal.h"
#include "model/model.h"
#include "model/policy.h"
#include "pair_scan.h"
#include "scenarios.h"
#include "util/quote.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct crisk_check {
    const crisk_policy *p;
    const crisk_analysis *a;
    const crisk_inventory *inv;
    crisk_rule_result *rules;
    crisk_violation *violations;
    size_t n_violations, cap_violations;
    uint32_t *nodes;                /* every violation's nodes, one after the other */
    size_t n_nodes, cap_nodes;
    size_t *offset;                 /* per violation: where its nodes start (the array moves
                                     * while violations come in) */
    size_t cap_offset;
    size_t failed, unknown;         /* rules violated; rules that cannot be judged */
    crisk_check_options opts;
    crisk__pool pool;               /* messages and requirements */
    crisk_concentration *markets[3];   /* by category, parent, country: computed on demand */
    crisk__pair_rule *pair_rules;   /* the no_spof and no_breach rules' scan (pair_scan.h) */
    size_t *pair_rule_of;           /* per rule: its entry in pair_rules */
    uint32_t *spofs;                /* per node: nodes that take it down alone (the scan's) */
    int status;                     /* CRISK_ENOMEM once memory ran out */
};

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

static const char *keep_text(crisk_check *c, const char *s)
{
    const char *copy = crisk__pool_copy(&c->pool, s, strlen(s));
    if (copy == NULL)
        c->status = CRISK_ENOMEM;
    return copy;
}

/* ---- violations ------------------------------------------------------------------- */

/* Count a finding of rule `rule` (a violation, or one that cannot be
 * judged); keep it if the rule has room.  Its nodes' pointer is set once
 * every finding is in. */
static void finding(crisk_check *c, size_t rule, int is_unknown, const uint32_t *nodes,
                    size_t n, double measured, double limit, const char *fmt, va_list ap)
{
    crisk_rule_result *r = &c->rules[rule];
    if (is_unknown)
        r->unknown++;
    else
        r->violations++;
    if (r->kept == CRISK_CHECK_KEEP || c->status != CRISK_OK)
        return;
    if (crisk__grow((void **)&c->violations, &c->cap_violations, c->n_violations + 1,
                    sizeof *c->violations) != 0
        || crisk__grow((void **)&c->offset, &c->cap_offset, c->n_violations + 1,
                       sizeof *c->offset) != 0
        || crisk__grow((void **)&c->nodes, &c->cap_nodes, c->n_nodes + n + 1, sizeof *c->nodes) != 0) {
        c->status = CRISK_ENOMEM;
        return;
    }
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (r->kept == 0)
        r->first = c->n_violations;
    r->kept++;
    memcpy(c->nodes + c->n_nodes, nodes, n * sizeof *nodes);
    c->offset[c->n_violations] = c->n_nodes;
    c->violations[c->n_violations++] = (crisk_violation){ rule, is_unknown, NULL, n, measured,
                                                          limit, keep_text(c, msg) };
    c->n_nodes += n;
}

static void violation(crisk_check *c, size_t rule, const uint32_t *nodes, size_t n,
                      double measured, double limit, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void violation(crisk_check *c, size_t rule, const uint32_t *nodes, size_t n,
                      double measured, double limit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finding(c, rule, 0, nodes, n, measured, limit, fmt, ap);
    va_end(ap);
}

/* A finding that cannot be judged: no measured value, no limit. */
static void unknown(crisk_check *c, size_t rule, const uint32_t *nodes, size_t n,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void unknown(crisk_check *c, size_t rule, const uint32_t *nodes, size_t n,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finding(c, rule, 1, nodes, n, NAN, NAN, fmt, ap);
    va_end(ap);
}

/* ---- wording --------------------------------------------------------------------- */

/* A number for a message: whole numbers as such, others to four
 * significant digits. */
static const char *num(char *buf, size_t size, double x)
{
    if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, size, "%.0f", x);
    else
        snprintf(buf, size, "%.4g", x);
    return buf;
}

static const char *percent(char *buf, size_t size, double share)
{
    snprintf(buf, size, "%.1f%%", 100 * share);
    return buf;
}

/* "a, b and c" of the names of the set bits of `mask`. */
static void and_list(char *buf, size_t size, unsigned mask, const char *(*name)(int), int count)
{
    size_t o = 0, left = 0;
    buf[0] = '\0';
    for (int i = 0; i < count; i++)
        left += (mask >> i) & 1;
    for (int i = 0; i < count && o < size; i++) {
        if (!((mask >> i) & 1))
            continue;
        left--;
        o += (size_t)snprintf(buf + o, size - o, "%s%s", name(i),
                              left == 0 ? "" : left == 1 ? " and " : ", ");
    }
}

static const char *field_name(int f) { return crisk_node_field_name((crisk_node_field)f); }

static const char *subst_name(int s)
{
    return s == CRISK_SUBST_UNSET ? "unknown" : crisk_substitutability_name((crisk_substitutability)s);
}

static const char *const scope_words[CRISK__SCOPE_COUNT] = { "function", "provider", "tier-1 provider" };

/* Where a concentration rule looks, in words: "each category market",
 * "the cloud market", "all providers grouped by parent". */
static void market_words(const crisk__rule *r, char *buf, size_t size)
{
    if (r->market >= 0)
        snprintf(buf, size, "the %s market", crisk_category_name((crisk_category)r->market));
    else if (r->by == CRISK_BY_CATEGORY)
        snprintf(buf, size, "each category market");
    else
        snprintf(buf, size, "all providers grouped by %s", crisk__by_names[r->by]);
}

/* What a rule requires, in words. */
static void requirement(const crisk__rule *r, char *buf, size_t size)
{
    static const char *const entity[] = { "provider", "parent group", "country" };
    char a[64], list[256], market[64];
    const char *basis = crisk__basis_names[r->basis];
    market_words(r, market, sizeof market);
    switch (r->kind) {
    case CRISK__RULE_MAX_HHI:
        snprintf(buf, size, "HHI of %s on the %s basis at most %s", market, basis,
                 num(a, sizeof a, r->max));
        break;
    case CRISK__RULE_MAX_TOP1_SHARE:
        snprintf(buf, size, "share of the largest %s %s %s on the %s basis at most %s",
                 entity[r->by], r->by == CRISK_BY_CATEGORY ? "in" : "among",
                 r->by == CRISK_BY_CATEGORY ? market : "all providers", basis,
                 percent(a, sizeof a, r->max));
        break;
    case CRISK__RULE_MAX_IMPACT_SHARE:
        snprintf(buf, size, "no provider whose failure alone takes down more than %s of the "
                            "total criticality", percent(a, sizeof a, r->max));
        break;
    case CRISK__RULE_NO_SPOF:
        and_list(list, sizeof list, r->substitutability, subst_name, CRISK_SUBST_COUNT);
        snprintf(buf, size, "no single point of failure of a function with criticality >= %s%s%s",
                 num(a, sizeof a, r->min_criticality),
                 r->substitutability ? " whose substitutability is " : "",
                 r->substitutability ? list : "");
        break;
    case CRISK__RULE_NO_FALSE_REDUNDANCY:
        snprintf(buf, size, "no redundancy group that one node outside it defeats");
        break;
    case CRISK__RULE_NO_BREACH:
        snprintf(buf, size, "no provider whose recovery_hours exceed the rto_hours of a function "
                            "with criticality >= %s that it takes down",
                 num(a, sizeof a, r->min_criticality));
        break;
    case CRISK__RULE_SCENARIOS:
        if (r->use_hours)
            snprintf(buf, size, "no scenario of %s, each lasting %s h, breaches a function's "
                                "tolerance", r->file, num(a, sizeof a, r->hours));
        else
            snprintf(buf, size, "no scenario of %s breaches a function's tolerance", r->file);
        break;
    default:
        and_list(list, sizeof list, r->fields, field_name, CRISK_FIELD_ATTRIBUTE);
        snprintf(buf, size, "every %s has %s", scope_words[r->scope], list);
        break;
    }
}

/* ---- concentration ------------------------------------------------------------------ */

static const crisk_concentration *markets_by(crisk_check *c, crisk_concentration_by by,
                                             crisk_error *err)
{
    if (c->markets[by] == NULL && crisk__concentration_compute(&c->markets[by], c->a, by, 0, err) != CRISK_OK)
        return NULL;
    return c->markets[by];
}

/* The share row with the largest share on the rule's basis (rows come
 * sorted by spend share, then reliance share, then entity). */
static const crisk_share *largest(const crisk_share *rows, size_t n, crisk__basis basis)
{
    const crisk_share *best = NULL;
    for (size_t i = 0; i < n; i++) {
        double s = basis == CRISK__BASIS_SPEND ? rows[i].spend_share : rows[i].reliance_share;
        double b = best == NULL ? -1 : basis == CRISK__BASIS_SPEND ? best->spend_share : best->reliance_share;
        if (!isnan(s) && s > b)
            best = &rows[i];
    }
    return best;
}

/* The providers of an entity: the provider itself (by category), or every
 * provider of the parent group or country.  Into c->nodes' scratch: the
 * caller passes them on at once. */
static size_t entity_nodes(const crisk_check *c, crisk_concentration_by by, const char *entity,
                           uint32_t *out)
{
    const crisk_inventory *inv = c->inv;
    size_t n = 0;
    for (size_t v = 0; v < inv->n; v++) {
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            continue;
        const char *e = by == CRISK_BY_CATEGORY ? inv->id[v]
                      : by == CRISK_BY_PARENT ? (inv->parent[v][0] ? inv->parent[v] : inv->id[v])
                                              : inv->country[v];
        if (strcmp(e, entity) == 0)
            out[n++] = (uint32_t)v;
    }
    return n;
}

static void market_violation(crisk_check *c, size_t i, const crisk__rule *r, const crisk_market *m,
                             const crisk_share *rows, uint32_t *scratch)
{
    static const char *const entity[] = { "provider", "parent", "country" };
    char a[64], b[64], pc[32], where[CRISK__QUOTE_MAX + 16], qe[CRISK__QUOTE_MAX];
    const crisk_share *top = largest(rows + m->first_share, m->share_count, r->basis);
    double measured = r->basis == CRISK__BASIS_SPEND
        ? (r->kind == CRISK__RULE_MAX_HHI ? m->spend_hhi : m->spend_top1)
        : (r->kind == CRISK__RULE_MAX_HHI ? m->reliance_hhi : m->reliance_top1);
    size_t n = top != NULL ? entity_nodes(c, r->by, top->entity, scratch) : 0;
    double share = top == NULL ? NAN : r->basis == CRISK__BASIS_SPEND ? top->spend_share : top->reliance_share;
    if (r->by == CRISK_BY_CATEGORY)
        snprintf(where, sizeof where, "market '%s'", m->market);   /* a category name */
    else
        snprintf(where, sizeof where, "providers by %s", crisk__by_names[r->by]);
    const char *ent = top == NULL ? "" : top->entity[0] ? crisk__quote(qe, top->entity) : "(none)";
    if (r->kind == CRISK__RULE_MAX_HHI)
        violation(c, i, scratch, n, round(measured), r->max,
                  "%s: HHI %s on the %s basis, above %s (largest %s '%s', %s)", where,
                  num(a, sizeof a, round(measured)), crisk__basis_names[r->basis],
                  num(b, sizeof b, r->max), entity[r->by], ent, percent(pc, sizeof pc, share));
    else
        violation(c, i, scratch, n, measured, r->max,
                  "%s: the largest %s, '%s', has %s on the %s basis, above %s", where,
                  entity[r->by], ent, percent(a, sizeof a, measured), crisk__basis_names[r->basis],
                  percent(b, sizeof b, r->max));
}

/* A spend market whose total is 0 has no HHI.  When some of its providers
 * have no spend given, that is not knowing the spend, not an empty market:
 * the rule cannot be judged there. */
static void unknown_spend(crisk_check *c, size_t i, const crisk__rule *r, const crisk_market *m,
                          uint32_t *scratch)
{
    char q[CRISK__QUOTE_MAX];
    const crisk_inventory *inv = c->inv;
    size_t n = 0, providers = 0;
    for (size_t v = 0; v < inv->n; v++) {
        if (inv->type[v] == CRISK_NODE_FUNCTION
            || (r->by == CRISK_BY_CATEGORY
                && strcmp(crisk_category_name((crisk_category)inv->category[v]), m->market) != 0))
            continue;
        providers++;
        if (isnan(inv->spend[v]))
            scratch[n++] = (uint32_t)v;
    }
    if (n == 0)
        return;   /* every spend given, all 0: nothing to share */
    c->rules[i].checked++;
    char where[CRISK__QUOTE_MAX + 32], given[96];
    if (r->by == CRISK_BY_CATEGORY)
        snprintf(where, sizeof where, "market '%s'", crisk__quote(q, m->market));
    else
        snprintf(where, sizeof where, "providers by %s", crisk__by_names[r->by]);
    if (n == providers)
        snprintf(given, sizeof given, "none of its %zu provider%s has a spend", providers,
                 providers == 1 ? "" : "s");
    else
        snprintf(given, sizeof given, "%zu of its %zu providers have no spend, the others 0", n,
                 providers);
    unknown(c, i, scratch, n, "%s: %s: the %s on the spend basis cannot be computed", where, given,
            r->kind == CRISK__RULE_MAX_HHI ? "HHI" : "top-1 share");
}

static int check_concentration(crisk_check *c, size_t i, const crisk__rule *r, crisk_error *err)
{
    const crisk_concentration *con = markets_by(c, r->by, err);
    if (con == NULL)
        return err != NULL ? err->code : CRISK_ENOMEM;
    size_t n_markets, n_shares;
    const crisk_market *m = crisk_concentration_markets(con, &n_markets);
    const crisk_share *rows = crisk_concentration_shares(con, &n_shares);
    uint32_t *scratch = malloc((c->inv->n + 1) * sizeof *scratch);
    if (scratch == NULL)
        return oom(err);
    for (size_t k = 0; k < n_markets; k++) {
        if (r->market >= 0 && strcmp(m[k].market, crisk_category_name((crisk_category)r->market)) != 0)
            continue;
        double measured = r->basis == CRISK__BASIS_SPEND
            ? (r->kind == CRISK__RULE_MAX_HHI ? m[k].spend_hhi : m[k].spend_top1)
            : (r->kind == CRISK__RULE_MAX_HHI ? m[k].reliance_hhi : m[k].reliance_top1);
        if (isnan(measured) && r->basis == CRISK__BASIS_SPEND)
            unknown_spend(c, i, r, &m[k], scratch);
        if (isnan(measured))
            continue;   /* nothing to share: no function relies on the market */
        c->rules[i].checked++;
        /* HHIs are compared as shown: integer-rounded */
        if ((r->kind == CRISK__RULE_MAX_HHI ? round(measured) : measured) > r->max)
            market_violation(c, i, r, &m[k], rows, scratch);
    }
    free(scratch);
    return CRISK_OK;
}

/* ---- impact share ------------------------------------------------------------------- */

static void check_impact_share(crisk_check *c, size_t i, const crisk__rule *r)
{
    char a[64], b[64], w[64], t[64], q[CRISK__QUOTE_MAX];
    const uint32_t *rank = crisk_analysis_ranking(c->a);
    for (size_t k = 0; k < c->inv->n; k++) {
        uint32_t v = rank[k];
        if (c->inv->type[v] == CRISK_NODE_FUNCTION)
            continue;
        c->rules[i].checked++;
        const crisk_node_metrics *m = crisk_analysis_metrics(c->a, v);
        if (m->impact_share <= r->max)
            continue;
        violation(c, i, &v, 1, m->impact_share, r->max,
                  "'%s' takes down %zu of %zu functions alone: criticality %s of %s, %s, above %s",
                  crisk__quote(q, c->inv->id[v]), m->impact, crisk_analysis_function_count(c->a),
                  num(w, sizeof w, m->impact_weight),
                  num(t, sizeof t, crisk_analysis_total_criticality(c->a)),
                  percent(a, sizeof a, m->impact_share), percent(b, sizeof b, r->max));
    }
}

/* ---- functions: SPOFs and breaches ------------------------------------------------------ */

/* Every node in id order (the caller frees); NULL when out of memory. */
static uint32_t *id_order(const crisk_check *c)
{
    uint32_t *order = malloc((c->inv->n + 1) * sizeof *order);
    for (size_t v = 0; order != NULL && v < c->inv->n; v++)
        order[crisk__analysis_id_rank(c->a, v)] = (uint32_t)v;
    return order;
}

/* Finding (f, p) of a no_spof rule. */
static void spof_finding(crisk_check *c, size_t i, const crisk__rule *r, uint32_t f, uint32_t p)
{
    char a[64], qf[CRISK__QUOTE_MAX], qp[CRISK__QUOTE_MAX];
    crisk_substitutability s = (crisk_substitutability)c->inv->subst[p];
    uint32_t pair[2] = { f, p };
    violation(c, i, pair, 2, c->inv->criticality[f], r->min_criticality,
              "'%s' (criticality %s) fails when '%s' alone fails (substitutability %s)",
              crisk__quote(qf, c->inv->id[f]), num(a, sizeof a, c->inv->criticality[f]),
              crisk__quote(qp, c->inv->id[p]), subst_name((int)s));
}

/* Finding (f, p) of a no_breach rule; p = PAIR_SCAN_FUNCTION for f without
 * rto_hours, which `n` nodes take down alone.  A breach needs both hours:
 * a function without rto_hours that some node takes down alone, or such a
 * node without recovery_hours, cannot be judged - never a pass. */
static void breach_finding(crisk_check *c, size_t i, uint32_t f, uint32_t p, size_t n)
{
    char a[64], b[64], qf[CRISK__QUOTE_MAX], qp[CRISK__QUOTE_MAX];
    double rto = c->inv->rto[f];
    crisk__quote(qf, c->inv->id[f]);
    if (p == PAIR_SCAN_FUNCTION) {
        unknown(c, i, &f, 1, "'%s' has no rto_hours: whether the %zu node%s that take%s it down "
                             "alone breach%s its tolerance cannot be judged", qf, n,
                n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "es" : "");
        return;
    }
    double rec = c->inv->recovery[p];
    uint32_t pair[2] = { f, p };
    crisk__quote(qp, c->inv->id[p]);
    if (isnan(rec))
        unknown(c, i, pair, 2, "'%s' fails when '%s' fails, which has no recovery_hours: "
                               "whether '%s' (tolerates %s h) is breached cannot be judged",
                qf, qp, qf, num(b, sizeof b, rto));
    else
        violation(c, i, pair, 2, rec, rto,
                  "'%s' fails when '%s' fails, which needs %s h to recover; '%s' tolerates %s h",
                  qf, qp, num(a, sizeof a, rec), qf, num(b, sizeof b, rto));
}

/* A no_spof or no_breach rule, from the pair scan (crisk_check_run): its
 * kept findings in order (functions by id, then nodes by id), then the
 * count of those past the cap. */
static int check_functions(crisk_check *c, size_t i, const crisk__rule *r, crisk_error *err)
{
    const crisk__pair_rule *pr = &c->pair_rules[c->pair_rule_of[i]];
    uint32_t *order = id_order(c);
    if (order == NULL)
        return oom(err);
    for (size_t v = 0; v < c->inv->n; v++)
        c->rules[i].checked += c->inv->type[v] == CRISK_NODE_FUNCTION
                             && c->inv->criticality[v] >= r->min_criticality;
    size_t violations = c->rules[i].violations, unknowns = c->rules[i].unknown;
    for (size_t k = 0; k < pr->n_kept; k++) {
        uint32_t f = order[pr->kept[k] >> 32], rank = (uint32_t)pr->kept[k];
        uint32_t p = rank == PAIR_SCAN_FUNCTION ? PAIR_SCAN_FUNCTION : order[rank];
        if (r->kind == CRISK__RULE_NO_SPOF)
            spof_finding(c, i, r, f, p);
        else
            breach_finding(c, i, f, p, c->spofs[f]);
    }
    /* findings past the cap were counted by the scan, not kept */
    c->rules[i].violations = violations + pr->violations;
    c->rules[i].unknown = unknowns + pr->unknown;
    free(order);
    return CRISK_OK;
}

/* ---- false redundancy ----------------------------------------------------------------- */

static void check_false_redundancy(crisk_check *c, size_t i)
{
    char qg[CRISK__QUOTE_MAX], qd[CRISK__QUOTE_MAX], qs[CRISK__QUOTE_MAX];
    const crisk_inventory *inv = c->inv;
    for (size_t g = 0; g < inv->n_groups; g++)
        c->rules[i].checked += inv->member_start[g + 1] - inv->member_start[g] >= 2;
    size_t n;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(c->a, &n);
    for (size_t k = 0; k < n; k++) {
        size_t g = fr[k].group, size = inv->member_start[g + 1] - inv->member_start[g];
        uint32_t pair[2] = { (uint32_t)fr[k].dependant, (uint32_t)fr[k].shared };
        violation(c, i, pair, 2, (double)fr[k].failed_members, (double)(size - inv->need[g]),
                  "group '%s' of '%s' (need %u of %zu) fails when '%s' fails: %zu members down, "
                  "it can spare %zu", crisk__quote(qg, crisk__group_name(inv, g)),
                  crisk__quote(qd, inv->id[fr[k].dependant]), inv->need[g], size,
                  crisk__quote(qs, inv->id[fr[k].shared]), fr[k].failed_members,
                  size - inv->need[g]);
    }
    /* findings past the analysis' per-group cap are violations too */
    c->rules[i].violations += crisk_analysis_false_redundancy_total(c->a) - n;
}

/* ---- completeness ----------------------------------------------------------------------- */

static int has_field(const crisk_inventory *inv, size_t v, crisk_node_field f)
{
    switch (f) {
    case CRISK_FIELD_CRITICALITY:      return inv->criticality_given[v];
    case CRISK_FIELD_RTO_HOURS:        return !isnan(inv->rto[v]);
    case CRISK_FIELD_RECOVERY_HOURS:   return !isnan(inv->recovery[v]);
    case CRISK_FIELD_SPEND:            return !isnan(inv->spend[v]);
    case CRISK_FIELD_COUNTRY:          return inv->country[v][0] != '\0';
    case CRISK_FIELD_PARENT:           return inv->parent[v][0] != '\0';
    case CRISK_FIELD_SUBSTITUTABILITY: return inv->subst[v] != CRISK_SUBST_UNSET;
    default:                           return !isnan(inv->probability[v]);
    }
}

static int in_scope(const crisk_check *c, size_t v, crisk__scope scope)
{
    int function = c->inv->type[v] == CRISK_NODE_FUNCTION;
    if (scope == CRISK__SCOPE_FUNCTIONS)
        return function;
    if (scope == CRISK__SCOPE_PROVIDERS)
        return !function;
    return !function && crisk_analysis_metrics(c->a, v)->tier == 1;
}

static int check_complete(crisk_check *c, size_t i, const crisk__rule *r, crisk_error *err)
{
    uint32_t *order = id_order(c);
    if (order == NULL)
        return oom(err);
    char list[256];
    for (size_t k = 0; k < c->inv->n; k++) {
        uint32_t v = order[k];
        if (!in_scope(c, v, r->scope))
            continue;
        c->rules[i].checked++;
        unsigned missing = 0;
        for (int f = CRISK_FIELD_NAME; f < CRISK_FIELD_ATTRIBUTE; f++)
            if ((r->fields & (1u << f)) && !has_field(c->inv, v, (crisk_node_field)f))
                missing |= 1u << f;
        if (missing == 0)
            continue;
        and_list(list, sizeof list, missing, field_name, CRISK_FIELD_ATTRIBUTE);
        char q[CRISK__QUOTE_MAX];
        violation(c, i, &v, 1, NAN, NAN, "%s '%s' has no %s", scope_words[r->scope],
                  crisk__quote(q, c->inv->id[v]), list);
    }
    free(order);
    return CRISK_OK;
}

/* ---- scenario tests ------------------------------------------------------------------------ */

/* A downtime for a message: "8 h", "8 to 12 h", "at least 8 h". */
static const char *hours_text(char *buf, size_t size, const crisk_duration *d)
{
    char a[64], b[64];
    if (crisk_duration_is_exact(d))
        snprintf(buf, size, "%s h", num(a, sizeof a, d->lo));
    else if (isinf(d->hi))
        snprintf(buf, size, "at least %s h", num(a, sizeof a, d->lo));
    else
        snprintf(buf, size, "%s to %s h", num(a, sizeof a, d->lo), num(b, sizeof b, d->hi));
    return buf;
}

/* "'f1' (down 8 h, tolerates 4 h), 'f2' (...)": the first three functions
 * of `fs` whose tolerance is `t`, then "and N more".  Their nodes into
 * `nodes`; returns how many there are in all. */
static size_t judged_functions(const crisk_check *c, const crisk_scenario_result *res,
                               crisk_tolerance t, uint32_t *nodes, char *buf, size_t size)
{
    size_t n = 0, o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < res->functions_down; k++) {
        const crisk_scenario_function *fn = &res->functions[k];
        if (fn->tolerance != t)
            continue;
        nodes[n++] = fn->function;
        if (n > 3 || o >= size)
            continue;
        char q[CRISK__QUOTE_MAX], d[160], h[64], r[96];
        double rto = c->inv->rto[fn->function];
        if (isnan(rto))
            snprintf(r, sizeof r, "no rto_hours");
        else
            snprintf(r, sizeof r, "tolerates %s h", num(h, sizeof h, rto));
        o += (size_t)snprintf(buf + o, size - o, "%s'%s' (down %s, %s)", n > 1 ? ", " : "",
                              crisk__quote(q, c->inv->id[fn->function]),
                              hours_text(d, sizeof d, &fn->downtime), r);
    }
    if (n > 3 && o < size)
        snprintf(buf + o, size - o, " and %zu more", n - 3);
    return n;
}

/* One scenario's finding: a violation when it breaches a tolerance for
 * certain, unknown when it breaches none for certain but cannot be judged
 * for some function; nothing when every tolerance holds. */
static void scenario_finding(crisk_check *c, size_t i, const crisk_scenario_set *set,
                             const crisk_scenario_result *res, uint32_t *nodes)
{
    char q[CRISK__QUOTE_MAX], list[700], a[64];
    crisk_scenario sc;
    crisk_scenario_set_get(set, res->scenario, &sc);
    crisk__quote(q, sc.id);
    if (res->verdict == CRISK_TOLERANCE_BREACHED) {
        size_t n = judged_functions(c, res, CRISK_TOLERANCE_BREACHED, nodes, list, sizeof list);
        violation(c, i, nodes, n, (double)res->breached, 0,
                  "scenario '%s' breaches the tolerance of %zu function%s, the first %s h after "
                  "the onset: %s", q, res->breached, res->breached == 1 ? "" : "s",
                  num(a, sizeof a, res->earliest_breach), list);
    } else if (res->verdict == CRISK_TOLERANCE_UNKNOWN) {
        size_t n = judged_functions(c, res, CRISK_TOLERANCE_UNKNOWN, nodes, list, sizeof list);
        unknown(c, i, nodes, n, "scenario '%s' takes down %zu function%s whose tolerance cannot "
                                "be judged: %s", q, res->unknown, res->unknown == 1 ? "" : "s",
                list);
    }
}

/* Every scenario of the rule's set through the scenario engine; findings
 * in the order of the scenario file. */
static int check_scenarios(crisk_check *c, size_t i, const crisk__rule *r, crisk_error *err)
{
    crisk_scenario_options opts = CRISK_SCENARIO_OPTIONS_INIT;
    opts.use_hours = r->use_hours;
    opts.hours = r->hours;
    opts.threads = c->opts.threads;
    crisk_scenario_run *run = NULL;
    int rc = crisk__scenarios_run_on(&run, c->inv, crisk__analysis_topology(c->a), r->set, &opts,
                                     err);
    if (rc != CRISK_OK)
        return rc;
    size_t n_results, n_functions;
    const crisk_scenario_result *res = crisk_scenario_run_results(run, &n_results);
    crisk_scenario_run_functions(run, &n_functions);
    const crisk_scenario_result **by_scenario = calloc(n_results + 1, sizeof *by_scenario);
    uint32_t *nodes = malloc((n_functions + 1) * sizeof *nodes);
    if (by_scenario == NULL || nodes == NULL)
        rc = oom(err);
    for (size_t k = 0; rc == CRISK_OK && k < n_results; k++)
        by_scenario[res[k].scenario] = &res[k];
    for (size_t k = 0; rc == CRISK_OK && k < n_results; k++)
        scenario_finding(c, i, r->set, by_scenario[k], nodes);
    c->rules[i].checked = n_results;
    free(nodes);
    free(by_scenario);
    crisk_scenario_run_free(run);
    return rc;
}

/* ---- the whole ---------------------------------------------------------------------------- */

static int check_rule(crisk_check *c, size_t i, crisk_error *err)
{
    const crisk__rule *r = &c->p->rules[i];
    char text[512];
    requirement(r, text, sizeof text);
    c->rules[i] = (crisk_rule_result){ crisk__rule_names[r->kind], r->name, keep_text(c, text),
                                       r->line, r->column, 0, 0, 0, 0, 0 };
    int rc = CRISK_OK;
    switch (r->kind) {
    case CRISK__RULE_MAX_HHI:
    case CRISK__RULE_MAX_TOP1_SHARE:
        rc = check_concentration(c, i, r, err);
        break;
    case CRISK__RULE_MAX_IMPACT_SHARE:
        check_impact_share(c, i, r);
        break;
    case CRISK__RULE_NO_SPOF:
    case CRISK__RULE_NO_BREACH:
        rc = check_functions(c, i, r, err);
        break;
    case CRISK__RULE_NO_FALSE_REDUNDANCY:
        check_false_redundancy(c, i);
        break;
    case CRISK__RULE_SCENARIOS:
        rc = check_scenarios(c, i, r, err);
        break;
    default:
        rc = check_complete(c, i, r, err);
        break;
    }
    if (rc == CRISK_OK && c->status != CRISK_OK)
        rc = oom(err);
    c->failed += c->rules[i].violations > 0;
    c->unknown += c->rules[i].violations == 0 && c->rules[i].unknown > 0;
    return rc;
}

void crisk_check_free(crisk_check *c)
{
    if (c == NULL)
        return;
    for (int k = 0; k < 3; k++)
        crisk_concentration_free(c->markets[k]);
    if (c->pair_rules != NULL)
        crisk__pair_rules_release(c->pair_rules, c->p->n_rules);
    free(c->pair_rules);
    free(c->pair_rule_of);
    free(c->spofs);
    free(c->rules);
    free(c->violations);
    free(c->nodes);
    free(c->offset);
    crisk__pool_release(&c->pool);
    free(c);
}

/* The no_spof and no_breach rules, all in one scan of the pairs. */
static int scan_pairs(crisk_check *c, crisk_error *err)
{
    const crisk_policy *p = c->p;
    c->pair_rules = calloc(p->n_rules + 1, sizeof *c->pair_rules);
    c->pair_rule_of = calloc(p->n_rules + 1, sizeof *c->pair_rule_of);
    if (c->pair_rules == NULL || c->pair_rule_of == NULL)
        return oom(err);
    size_t n = 0, n_swept = 0;
    crisk__pair_rules_of(p, c->pair_rules, c->pair_rule_of, &n);
    if (n == 0)
        return CRISK_OK;
    const crisk__pair_rule *swept = crisk__analysis_policy_pairs(c->a, p, &n_swept);
    if (swept == NULL)   /* the analysis did not pair for this policy: fail them again */
        return crisk__pair_scan(c->a, c->pair_rules, n, CRISK_CHECK_KEEP, c->opts.threads,
                                &c->spofs, err);
    size_t nodes = crisk_inventory_node_count(c->inv);
    c->spofs = malloc((nodes + 1) * sizeof *c->spofs);
    if (c->spofs == NULL)
        return oom(err);
    for (size_t v = 0; v < nodes; v++)   /* counted: never SIZE_MAX, below 2^32 */
        c->spofs[v] = (uint32_t)crisk_analysis_spof_count(c->a, v);
    for (size_t i = 0; i < n; i++) {
        crisk__pair_rule *r = &c->pair_rules[i];
        r->kept = malloc((swept[i].n_kept + 1) * sizeof *r->kept);
        if (r->kept == NULL)
            return oom(err);
        memcpy(r->kept, swept[i].kept, swept[i].n_kept * sizeof *r->kept);
        r->n_kept = swept[i].n_kept;
        r->violations = swept[i].violations;
        r->unknown = swept[i].unknown;
    }
    return CRISK_OK;
}

/* Whether every scenarios rule has its set, read against a's inventory. */
static int scenarios_ready(const crisk_policy *p, const crisk_analysis *a)
{
    for (size_t i = 0; i < p->n_rules; i++)
        if (p->rules[i].kind == CRISK__RULE_SCENARIOS
            && (p->rules[i].set == NULL || p->rules[i].set_inv != crisk_analysis_inventory(a)))
            return 0;
    return 1;
}

int crisk_check_run(crisk_check **out, const crisk_policy *p, const crisk_analysis *a,
                    const crisk_check_options *opts, crisk_error *err)
{
    *out = NULL;
    if (!scenarios_ready(p, a))
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "the policy's scenario files must be read against the analysis' "
                               "inventory first (crisk_policy_load_scenarios)");
    unsigned needs = crisk_policy_needs(p);
    if ((needs & CRISK_POLICY_NEEDS_FALSE_REDUNDANCY)
        && !crisk__analysis_keeps(a, CRISK__KEPT_FALSE_REDUNDANCY))
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "the policy needs an analysis that keeps false redundancy");
    crisk_check *c = calloc(1, sizeof *c);
    if (c == NULL)
        return oom(err);
    c->p = p;
    c->a = a;
    c->opts = opts != NULL ? *opts : (crisk_check_options)CRISK_CHECK_OPTIONS_INIT;
    c->inv = crisk_analysis_inventory(a);
    crisk__pool_init(&c->pool);
    c->rules = calloc(p->n_rules + 1, sizeof *c->rules);
    int rc = c->rules != NULL ? CRISK_OK : oom(err);
    if (rc == CRISK_OK)
        rc = scan_pairs(c, err);
    for (size_t i = 0; i < p->n_rules && rc == CRISK_OK; i++)
        rc = check_rule(c, i, err);
    if (rc != CRISK_OK) {
        crisk_check_free(c);
        return rc;
    }
    for (size_t k = 0; k < c->n_violations; k++)
        c->violations[k].nodes = c->nodes + c->offset[k];
    *out = c;
    return CRISK_OK;
}

const crisk_policy *crisk_check_policy(const crisk_check *c) { return c->p; }
const crisk_analysis *crisk_check_analysis(const crisk_check *c) { return c->a; }
size_t crisk_check_failed(const crisk_check *c) { return c->failed; }
size_t crisk_check_unknown(const crisk_check *c) { return c->unknown; }

const char *crisk_rule_verdict(const crisk_rule_result *r)
{
    return r->violations > 0 ? "violated" : r->unknown > 0 ? "unknown" : "holds";
}

const crisk_rule_result *crisk_check_rules(const crisk_check *c, size_t *count)
{
    *count = c->p->n_rules;
    return c->rules;
}

const crisk_violation *crisk_check_violations(const crisk_check *c, size_t *count)
{
    *count = c->n_violations;
    return c->violations;
}
