/*
 * emit_simulate.c - the simulation's result (`chainrisk simulate`).
 *
 * Every kind of row shares one field list (emit.h), so CSV and JSON cannot
 * drift apart: a function (probability of being down, of breaching its
 * tolerance, expected downtime and loss), "some function down", the
 * statistics of the criticality and of the money lost per run, the points
 * of the loss exceedance curve, and the importance of a provider for a
 * function or for the total loss.  CSV holds them all in one table told
 * apart by `kind`, with the runs, the seed and the default recovery on
 * every row so a spreadsheet copy still says how it was made; JSON gives
 * those once and each kind as an object or array.
 *
 * An exact figure has no standard error: its std_error cell (CSV, JSON) is
 * the text "exact", and the table says "exact" where it would print
 * "±SE".
 *
 * Every format also says how many nodes have no probability (they never
 * fail on their own): results of 0 must not read as "never fails" when the
 * inputs simply did not say how likely a failure is.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- rows ------------------------------------------------------------------------- */

/* The union of every kind's columns; a kind leaves the others empty. */
typedef struct sim_row {
    const char *kind, *id, *name, *target;
    double criticality, rto, lph, failures;
    double probability, se;            /* P(down), P(loss > x), or a statistic's value */
    double breach, breach_se, downtime, downtime_se, loss, loss_se;
    int exact;                         /* -1: not applicable */
    double x, q;
    double imp[5], imp_se[5];          /* birnbaum, criticality, fussell_vesely, raw, rrw */
    double lost;                       /* criticality lost */
} sim_row;

static const char *const imp_keys[5][2] = {
    { "birnbaum", "birnbaum_std_error" },
    { "criticality_importance", "criticality_importance_std_error" },
    { "fussell_vesely", "fussell_vesely_std_error" },
    { "raw", "raw_std_error" },
    { "rrw", "rrw_std_error" },
};

enum { SIM_FIELDS = 36 };

/* The fields after `kind` up to runs are the result (JSON objects use
 * those that apply to the kind, see json_row). */
static crisk__field std_error(const char *key, double se, int exact)
{
    if (exact == 1 && !isnan(se))
        return crisk__f_text(key, "exact");
    return crisk__f_number(key, se);
}

static size_t fields(crisk__field *row, const sim_row *r, const crisk_simulation *s, char *seed,
                     size_t seed_size)
{
    snprintf(seed, seed_size, "%" PRIu64, crisk_simulation_seed(s));
    size_t i = 0;
    row[i++] = crisk__f_text("kind", r->kind);
    row[i++] = crisk__f_text("id", r->id);
    row[i++] = crisk__f_text("name", r->name);
    row[i++] = crisk__f_text("target", r->target);
    row[i++] = crisk__f_number("criticality", r->criticality);
    row[i++] = crisk__f_number("rto_hours", r->rto);
    row[i++] = crisk__f_number("loss_per_hour", r->lph);
    row[i++] = crisk__f_number("failures", r->failures);
    row[i++] = crisk__f_number("probability", r->probability);
    row[i++] = std_error("std_error", r->se, r->exact);
    row[i++] = crisk__f_number("breach_probability", r->breach);
    row[i++] = std_error("breach_std_error", r->breach_se, r->exact);
    row[i++] = crisk__f_number("downtime_hours", r->downtime);
    row[i++] = std_error("downtime_std_error", r->downtime_se, r->exact);
    row[i++] = crisk__f_number("loss", r->loss);
    row[i++] = std_error("loss_std_error", r->loss_se, r->exact);
    row[i++] = crisk__f_bool("exact", r->exact < 0 ? NAN : r->exact);
    row[i++] = crisk__f_number("x", r->x);
    row[i++] = crisk__f_number("q", r->q);
    for (size_t k = 0; k < 5; k++) {
        row[i++] = crisk__f_number(imp_keys[k][0], r->imp[k]);
        row[i++] = std_error(imp_keys[k][1], r->imp_se[k], r->exact);
    }
    row[i++] = crisk__f_number("criticality_lost", r->lost);
    row[i++] = crisk__f_count("runs", (size_t)crisk_simulation_runs(s));
    row[i++] = crisk__f_text("seed", seed);
    row[i++] = crisk__f_number("default_recovery_hours", crisk_simulation_default_recovery(s));
    row[i++] = crisk__f_count("default_recovery_nodes", crisk_simulation_default_recovery_nodes(s));
    row[i++] = crisk__f_count("nodes_without_probability", crisk_simulation_without_probability(s));
    return i;
}

static sim_row empty_row(const char *kind)
{
    sim_row r;
    double *numbers[] = { &r.criticality, &r.rto, &r.lph, &r.failures, &r.probability, &r.se,
                          &r.breach, &r.breach_se, &r.downtime, &r.downtime_se, &r.loss,
                          &r.loss_se, &r.x, &r.q, &r.lost };
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        *numbers[i] = NAN;
    for (size_t k = 0; k < 5; k++)
        r.imp[k] = r.imp_se[k] = NAN;
    r.kind = kind;
    r.exact = -1;
    return r;
}

static sim_row function_row(const crisk_simulation *s, const crisk_function_risk *fr)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    crisk_node_view n;
    crisk_inventory_node(inv, fr->node, &n);
    sim_row r = empty_row("function");
    r.id = n.id;
    r.name = n.name;
    r.criticality = n.criticality;
    r.rto = n.rto_hours;
    r.lph = n.loss_per_hour;
    r.failures = fr->exact ? NAN : (double)fr->failures;
    r.probability = fr->probability;
    r.se = fr->std_error;
    r.breach = fr->breach_probability;
    r.breach_se = fr->breach_std_error;
    r.downtime = fr->downtime;
    r.downtime_se = fr->downtime_std_error;
    r.loss = fr->loss;
    r.loss_se = fr->loss_std_error;
    r.exact = fr->exact;
    r.lost = n.criticality * fr->probability;
    return r;
}

static sim_row any_row(const crisk_simulation *s)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    sim_row r = empty_row("any");
    r.failures = l->exact ? NAN : (double)l->runs_with_failure;
    r.probability = l->any_probability;
    r.se = l->any_std_error;
    r.exact = l->exact;
    return r;
}

/* The statistics of the criticality lost per run, in output order. */
static size_t criticality_rows(sim_row *rows, const crisk_simulation *s)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    const struct {
        const char *name;
        double value;
    } stats[] = { { "mean", l->mean }, { "p50", l->p50 }, { "p90", l->p90 },
                  { "p95", l->p95 },   { "p99", l->p99 }, { "max", l->max } };
    size_t n = sizeof stats / sizeof stats[0];
    for (size_t i = 0; i < n; i++) {
        rows[i] = empty_row("criticality");
        rows[i].id = stats[i].name;
        rows[i].lost = stats[i].value;
        rows[i].exact = i == 0 ? l->mean_exact : l->exact;
        if (i == 0)
            rows[i].se = l->mean_std_error;
    }
    return n;
}

/* The statistics of the money lost per run. */
static size_t money_rows(sim_row *rows, const crisk_simulation *s)
{
    const crisk_money_loss *m = crisk_simulation_money(s);
    if (!m->given)
        return 0;
    const struct {
        const char *name;
        double value;
    } stats[] = { { "mean", m->mean }, { "p50", m->p50 },   { "p90", m->p90 },
                  { "p95", m->p95 },   { "p99", m->p99 },   { "p99.9", m->p999 },
                  { "max", m->max },   { "bound", m->bound } };
    size_t n = sizeof stats / sizeof stats[0];
    for (size_t i = 0; i < n; i++) {
        rows[i] = empty_row("loss");
        rows[i].id = stats[i].name;
        rows[i].loss = stats[i].value;
        rows[i].exact = i == 0 ? m->mean_exact : m->exact;
        if (i == 0)
            rows[i].loss_se = m->mean_std_error;
    }
    return n;
}

static sim_row curve_row(const crisk_simulation *s, size_t c)
{
    const crisk_money_loss *m = crisk_simulation_money(s);
    sim_row r = empty_row("exceedance");
    r.x = m->curve_x[c];
    r.probability = m->curve_p[c];
    r.se = m->curve_std_error[c];
    r.exact = m->exact;
    return r;
}

static sim_row importance_row(const crisk_simulation *s, const crisk_importance *im)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    int loss = im->target == CRISK_IMPORTANCE_TOTAL_LOSS;
    sim_row r = empty_row(loss ? "loss_importance" : "importance");
    r.id = crisk_inventory_node_id(inv, im->provider);
    r.name = crisk_inventory_node_name(inv, im->provider);
    r.target = loss ? NULL : crisk_inventory_node_id(inv, im->target);
    r.q = im->q;
    r.exact = im->exact;
    const double v[5] = { im->birnbaum, im->criticality, im->fussell_vesely, im->raw, im->rrw };
    const double e[5] = { im->birnbaum_std_error, im->criticality_std_error,
                          im->fussell_vesely_std_error, im->raw_std_error, im->rrw_std_error };
    for (size_t k = 0; k < 5; k++) {
        r.imp[k] = v[k];
        r.imp_se[k] = e[k];
    }
    return r;
}

static size_t shown(const crisk_simulation *s, long top)
{
    size_t n;
    crisk_simulation_functions(s, &n);
    return top >= 0 && (size_t)top < n ? (size_t)top : n;
}

/* Whether function `node` is among the first `top` shown. */
static int is_shown(const crisk_simulation *s, long top, size_t node)
{
    size_t n;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &n);
    for (size_t i = 0; i < shown(s, top); i++)
        if (fr[i].node == node)
            return 1;
    return 0;
}

/* ---- CSV ------------------------------------------------------------------------- */

static int csv_line(FILE *f, const crisk_simulation *s, const sim_row *r)
{
    crisk__field row[SIM_FIELDS];
    char seed[32];
    size_t n = fields(row, r, s, seed, sizeof seed);
    return crisk__csv_row(f, row, n);
}

static int emit_csv(FILE *f, const crisk_simulation *s, long top)
{
    crisk__field row[SIM_FIELDS];
    char seed[32];
    sim_row none = empty_row(NULL);
    crisk__csv_header(f, row, fields(row, &none, s, seed, sizeof seed));
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    int rc = CRISK_OK;
    for (size_t i = 0; i < shown(s, top) && rc == CRISK_OK; i++) {
        sim_row r = function_row(s, &fr[i]);
        rc = csv_line(f, s, &r);
    }
    sim_row extra[16];
    size_t n = 0;
    extra[n++] = any_row(s);
    n += criticality_rows(extra + n, s);
    n += money_rows(extra + n, s);
    for (size_t i = 0; i < n && rc == CRISK_OK; i++)
        rc = csv_line(f, s, &extra[i]);
    const crisk_money_loss *m = crisk_simulation_money(s);
    for (size_t c = 0; c < m->n_curve && rc == CRISK_OK; c++) {
        sim_row r = curve_row(s, c);
        rc = csv_line(f, s, &r);
    }
    const crisk_importance *im = crisk_simulation_importance(s, &count);
    for (size_t i = 0; i < count && rc == CRISK_OK; i++) {
        if (im[i].target != CRISK_IMPORTANCE_TOTAL_LOSS && !is_shown(s, top, im[i].target))
            continue;
        sim_row r = importance_row(s, &im[i]);
        rc = csv_line(f, s, &r);
    }
    return rc;
}

/* ---- JSON ------------------------------------------------------------------------ */

/* The fields of row r named in keys[] (in that order), as one object. */
static void json_pick(FILE *f, const crisk_simulation *s, const sim_row *r,
                      const char *const *keys)
{
    crisk__field row[SIM_FIELDS], pick[SIM_FIELDS];
    char seed[32];
    size_t n = fields(row, r, s, seed, sizeof seed), k = 0;
    for (size_t j = 0; keys[j] != NULL; j++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(row[i].key, keys[j]) == 0)
                pick[k++] = row[i];
    crisk__json_object(f, pick, k);
}

static const char *const function_keys[] = {
    "id", "name", "criticality", "rto_hours", "loss_per_hour", "failures", "probability",
    "std_error", "breach_probability", "breach_std_error", "downtime_hours",
    "downtime_std_error", "loss", "loss_std_error", "exact", "criticality_lost", NULL
};
static const char *const importance_keys[] = {
    "id", "target", "q", "birnbaum", "birnbaum_std_error", "criticality_importance",
    "criticality_importance_std_error", "fussell_vesely", "fussell_vesely_std_error", "raw",
    "raw_std_error", "rrw", "rrw_std_error", "exact", NULL
};

/* "name": value, "name_std_error": value or "exact" - for the statistics. */
static void json_stat(FILE *f, const char *name, double value, int first)
{
    fputs(first ? "" : ", ", f);
    crisk_json_string(f, name);
    fputs(": ", f);
    crisk_json_number(f, value);
}

static void json_se(FILE *f, const char *name, double se, int exact)
{
    fputs(", ", f);
    crisk_json_string(f, name);
    fputs(exact ? ": \"exact\"" : ": ", f);
    if (!exact)
        crisk_json_number(f, se);
}

/* Statistics rows as the members of one JSON object: the mean with its
 * error and exactness, the other statistics, then "exact" (that of the
 * percentiles). */
static void json_stats(FILE *f, const sim_row *rows, size_t n, int money, int exact)
{
    for (size_t i = 0; i < n; i++) {
        json_stat(f, rows[i].id, money ? rows[i].loss : rows[i].lost, i == 0);
        if (i > 0)
            continue;
        json_se(f, "mean_std_error", money ? rows[0].loss_se : rows[0].se, rows[0].exact);
        fprintf(f, ", \"mean_exact\": %s", rows[0].exact ? "true" : "false");
    }
    fprintf(f, ", \"exact\": %s", exact ? "true" : "false");
}

static void json_criticality(FILE *f, const crisk_simulation *s)
{
    sim_row rows[8];
    size_t n = criticality_rows(rows, s);
    fputs(",\n\"criticality_lost\": {", f);
    json_stats(f, rows, n, 0, crisk_simulation_loss(s)->exact);
    putc('}', f);
}

static void json_money(FILE *f, const crisk_simulation *s)
{
    const crisk_money_loss *m = crisk_simulation_money(s);
    sim_row rows[8];
    size_t n = money_rows(rows, s);
    fputs(",\n\"loss\": ", f);
    if (!m->given) {
        fputs("null", f);
        return;
    }
    putc('{', f);
    json_stats(f, rows, n, 1, m->exact);
    fputs(",\n  \"exceedance\": [", f);
    for (size_t c = 0; c < m->n_curve; c++) {
        fputs(c ? ", {" : "{", f);
        json_stat(f, "x", m->curve_x[c], 1);
        json_stat(f, "probability", m->curve_p[c], 0);
        json_se(f, "std_error", m->curve_std_error[c], m->exact);
        putc('}', f);
    }
    fputs("]}", f);
}

static void emit_json(FILE *f, const crisk_simulation *s, long top, const crisk_provenance *prov)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    size_t count;
    crisk_simulation_functions(s, &count);
    crisk_json_begin(f, crisk_simulation_inventory(s), prov);
    fprintf(f, "{\"runs\": %" PRIu64 ", \"seed\": %" PRIu64 ", \"nodes_without_probability\": %zu, "
               "\"default_recovery_hours\": ", crisk_simulation_runs(s), crisk_simulation_seed(s),
            crisk_simulation_without_probability(s));
    crisk_json_number(f, crisk_simulation_default_recovery(s));
    fprintf(f, ", \"default_recovery_nodes\": %zu,\n\"exact\": {\"functions\": %zu, \"of\": %zu, "
               "\"largest_enumeration_nodes\": %zu, \"everything\": %s},\n"
               "\"total_criticality\": ",
            crisk_simulation_default_recovery_nodes(s), crisk_simulation_exact_functions(s), count,
            crisk_simulation_exact_nodes(s), crisk_simulation_runs(s) == 0 ? "true" : "false");
    crisk_json_number(f, l->total_criticality);
    sim_row any = any_row(s);
    fputs(",\n\"any_function_failed\": ", f);
    static const char *const any_keys[] = { "failures", "probability", "std_error", "exact", NULL };
    json_pick(f, s, &any, any_keys);
    json_criticality(f, s);
    json_money(f, s);
    fputs(",\n\"functions\": [", f);
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    for (size_t i = 0; i < shown(s, top); i++) {
        sim_row r = function_row(s, &fr[i]);
        fputs(i ? ",\n  " : "\n  ", f);
        json_pick(f, s, &r, function_keys);
    }
    fputs(shown(s, top) ? "\n],\n\"importance\": [" : "],\n\"importance\": [", f);
    const crisk_importance *im = crisk_simulation_importance(s, &count);
    size_t written = 0;
    for (size_t i = 0; i < count; i++) {
        if (im[i].target != CRISK_IMPORTANCE_TOTAL_LOSS && !is_shown(s, top, im[i].target))
            continue;
        sim_row r = importance_row(s, &im[i]);
        fputs(written++ ? ",\n  " : "\n  ", f);
        json_pick(f, s, &r, importance_keys);
    }
    fputs(written ? "\n]}" : "]}", f);
    crisk_json_end(f);
}

/* ---- table ------------------------------------------------------------------------ */

/* Money for reading: whole units from 100 up, else crisk__amount. */
static char *money(char *buf, size_t size, double x)
{
    if (!isnan(x) && fabs(x) >= 100 && fabs(x) < 1e15)
        snprintf(buf, size, "%.0f", x);
    else
        crisk__amount(buf, size, x);
    return buf;
}

/* "value ±se" or "value exact"; "-" when there is no value. */
static void table_estimate(crisk__table *t, double value, double se, int exact, int decimals,
                           int is_money)
{
    char v[64], e[64];
    if (isnan(value) || isinf(value)) {
        crisk__table_text(t, isnan(value) ? "-" : "inf", 0);
        return;
    }
    if (is_money) {
        money(v, sizeof v, value);
        money(e, sizeof e, se);
    } else {
        snprintf(v, sizeof v, "%.*f", decimals, value);
        snprintf(e, sizeof e, "%.*f", decimals, se);
    }
    if (exact)
        crisk__table_printf(t, "%s exact", v);
    else if (isnan(se))
        crisk__table_printf(t, "%s", v);
    else
        crisk__table_printf(t, "%s ±%s", v, e);
}

static const char *const table_head[] = {
    "#", "id", "criticality", "rto_h", "P(down)", "P(breach)", "downtime_h", "loss"
};
static const char table_align[] = "rlrrrrrr";

static void table_function(crisk__table *t, const sim_row *r, size_t rank)
{
    crisk__table_printf(t, "%zu", rank);
    crisk__table_text(t, r->id, 0);
    crisk__table_amount(t, r->criticality);
    crisk__table_amount(t, r->rto);
    table_estimate(t, r->probability, r->se, r->exact, 4, 0);
    table_estimate(t, r->breach, r->breach_se, r->exact, 4, 0);
    table_estimate(t, r->downtime, r->downtime_se, r->exact, 2, 0);
    table_estimate(t, r->loss, r->loss_se, r->exact, 0, 1);
}

static void table_header(FILE *f, const crisk_simulation *s)
{
    size_t count;
    crisk_simulation_functions(s, &count);
    size_t exact = crisk_simulation_exact_functions(s);
    char h[64];
    if (crisk_simulation_runs(s) == 0)
        fprintf(f, "exact: every function's failure depends on at most %d probabilistic nodes in "
                   "all (%zu here):\nevery state enumerated, nothing sampled\n",
                CRISK_SIMULATE_EXACT_NODES, crisk_simulation_exact_nodes(s));
    else
        fprintf(f, "monte carlo: %" PRIu64 " runs, seed %" PRIu64 "; exact for %zu of %zu "
                   "functions (at most %d probabilistic nodes each)\n",
                crisk_simulation_runs(s), crisk_simulation_seed(s), exact, count,
                CRISK_SIMULATE_EXACT_NODES);
    fprintf(f, "each node fails on its own with its probability and stays down for its "
               "recovery_hours;\ndowntimes propagate through dependencies and redundancy groups\n");
    size_t without = crisk_simulation_without_probability(s);
    if (without > 0)
        fprintf(f, "%zu of %zu nodes %s no probability: %s only through what %s depend%s on\n",
                without, crisk_inventory_node_count(crisk_simulation_inventory(s)),
                without == 1 ? "has" : "have", without == 1 ? "it fails" : "they fail",
                without == 1 ? "it" : "they", without == 1 ? "s" : "");
    size_t dflt = crisk_simulation_default_recovery_nodes(s);
    fprintf(f, "%zu node%s that can fail %s no recovery_hours: %s %s h (--default-recovery)\n",
            dflt, dflt == 1 ? "" : "s", dflt == 1 ? "has" : "have", dflt == 1 ? "it uses" : "they use",
            crisk__amount(h, sizeof h, crisk_simulation_default_recovery(s)));
}

static int table_functions(FILE *f, const crisk_simulation *s, long top)
{
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    crisk__table t;
    crisk__table_init(&t, sizeof table_head / sizeof table_head[0], table_head, table_align);
    for (size_t i = 0; i < shown(s, top); i++) {
        sim_row r = function_row(s, &fr[i]);
        table_function(&t, &r, i + 1);
    }
    int rc = crisk__table_print(f, &t, "");
    crisk__table_release(&t);
    if (shown(s, top) < count)
        fprintf(f, "showing %zu of %zu functions\n", shown(s, top), count);
    return rc;
}

/* "name value" pairs of a statistics line. */
static void stat(FILE *f, const char *name, double value, int is_money)
{
    char v[64];
    fprintf(f, ", %s %s", name, is_money ? money(v, sizeof v, value)
                                          : crisk__amount(v, sizeof v, value));
}

static void table_summary(FILE *f, const crisk_simulation *s)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    char a[2][64];
    if (l->exact)
        fprintf(f, "some function down: probability %.4f exact\n", l->any_probability);
    else
        fprintf(f, "some function down in %" PRIu64 " of %" PRIu64 " runs: probability %.4f "
                   "±%.4f\n", l->runs_with_failure, crisk_simulation_runs(s), l->any_probability,
                l->any_std_error);
    fprintf(f, "criticality lost per run (of %s): mean %s ",
            crisk__amount(a[0], sizeof a[0], l->total_criticality),
            crisk__amount(a[1], sizeof a[1], l->mean));
    if (l->mean_exact)
        fputs("exact", f);
    else
        fprintf(f, "±%.4f", l->mean_std_error);
    stat(f, "p50", l->p50, 0);
    stat(f, "p90", l->p90, 0);
    stat(f, "p95", l->p95, 0);
    stat(f, "p99", l->p99, 0);
    stat(f, "max", l->max, 0);
    fputs(l->exact ? " (exact)\n" : "\n", f);
}

static int table_money(FILE *f, const crisk_simulation *s)
{
    const crisk_money_loss *m = crisk_simulation_money(s);
    if (!m->given) {
        fputs("no function has a loss_per_hour: no loss figures\n", f);
        return CRISK_OK;
    }
    char a[2][64];
    fprintf(f, "loss per run (loss_per_hour x downtime, summed over functions): mean %s %s%s",
            money(a[0], sizeof a[0], m->mean), m->mean_exact ? "exact" : "±",
            m->mean_exact ? "" : money(a[1], sizeof a[1], m->mean_std_error));
    stat(f, "p50", m->p50, 1);
    stat(f, "p90", m->p90, 1);
    stat(f, "p95", m->p95, 1);
    stat(f, "p99", m->p99, 1);
    stat(f, "p99.9", m->p999, 1);
    stat(f, "max", m->max, 1);
    fputs(m->exact ? " (exact)\n" : "\n", f);
    fprintf(f, "loss exceedance curve (at most %s: every function down for the longest "
               "recovery):\n", money(a[0], sizeof a[0], m->bound));
    static const char *const head[] = { "loss > x", "probability" };
    crisk__table t;
    crisk__table_init(&t, 2, head, "rr");
    for (size_t c = 0; c < m->n_curve; c++) {
        crisk__table_text(&t, money(a[0], sizeof a[0], m->curve_x[c]), 0);
        table_estimate(&t, m->curve_p[c], m->curve_std_error[c], m->exact, 4, 0);
    }
    int rc = crisk__table_print(f, &t, "  ");
    crisk__table_release(&t);
    return rc;
}

static void table_measures(crisk__table *t, const crisk_importance *im, int money_target)
{
    table_estimate(t, im->birnbaum, im->birnbaum_std_error, im->exact, 4, money_target);
    table_estimate(t, im->criticality, im->criticality_std_error, im->exact, 4, 0);
    table_estimate(t, im->fussell_vesely, im->fussell_vesely_std_error, im->exact, 4, 0);
    table_estimate(t, im->raw, im->raw_std_error, im->exact, 3, 0);
    table_estimate(t, im->rrw, im->rrw_std_error, im->exact, 3, 0);
}

/* Importance rows in table order: by target as in the simulation, then
 * Birnbaum desc, then provider id. */
typedef struct imp_key {
    const crisk_importance *im;
    size_t target_rank;      /* 0 = the total loss, 1 + the function's position */
    double birnbaum;         /* to 10 significant digits: rounding noise of exact sums
                              * must not decide the order of equal measures */
    const char *provider;
} imp_key;

static int compare_imp(const void *pa, const void *pb)
{
    const imp_key *a = pa, *b = pb;
    if (a->target_rank != b->target_rank)
        return a->target_rank < b->target_rank ? -1 : 1;
    if (a->birnbaum != b->birnbaum)
        return a->birnbaum > b->birnbaum ? -1 : 1;
    return strcmp(a->provider, b->provider);
}

static double ten_digits(double x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.10g", x);
    return strtod(buf, NULL);
}

static imp_key *importance_order(const crisk_simulation *s, size_t *count)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    const crisk_importance *im = crisk_simulation_importance(s, count);
    size_t n_fn;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &n_fn);
    imp_key *keys = malloc((*count + 1) * sizeof *keys);
    for (size_t i = 0; keys != NULL && i < *count; i++) {
        size_t rank = 0;
        for (size_t j = 0; im[i].target != CRISK_IMPORTANCE_TOTAL_LOSS && j < n_fn; j++)
            if (fr[j].node == im[i].target)
                rank = j + 1;
        keys[i] = (imp_key){ &im[i], rank, ten_digits(im[i].birnbaum),
                             crisk_inventory_node_id(inv, im[i].provider) };
    }
    if (keys != NULL)
        crisk__sort(keys, *count, sizeof *keys, compare_imp);
    return keys;
}

static int table_importance(FILE *f, const crisk_simulation *s, long top)
{
    size_t count;
    imp_key *keys = importance_order(s, &count);
    if (keys == NULL)
        return CRISK_ENOMEM;
    if (count == 0) {
        free(keys);
        return CRISK_OK;
    }
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    fputs("\nimportance of providers (every run also evaluated with the provider forced down "
          "and up):\n", f);
    static const char *const loss_head[] = { "provider", "q", "birnbaum", "criticality",
                                             "fussell_vesely", "raw", "rrw" };
    crisk__table t;
    crisk__table_init(&t, 7, loss_head, "lrrrrrr");
    for (size_t i = 0; i < count; i++) {
        const crisk_importance *im = keys[i].im;
        if (im->target != CRISK_IMPORTANCE_TOTAL_LOSS)
            continue;
        crisk__table_text(&t, keys[i].provider, 0);
        crisk__table_printf(&t, "%g", im->q);
        table_measures(&t, im, 1);
    }
    int rc = CRISK_OK;
    if (crisk__table_rows(&t) > 0) {
        fputs("for the total loss (birnbaum in money: expected loss with it down minus up;\n"
              "largest first):\n", f);
        rc = crisk__table_print(f, &t, "  ");
    }
    crisk__table_release(&t);
    static const char *const fn_head[] = { "function", "provider", "birnbaum", "criticality",
                                           "fussell_vesely", "raw", "rrw" };
    crisk__table_init(&t, 7, fn_head, "llrrrrr");
    for (size_t i = 0; i < count; i++) {
        const crisk_importance *im = keys[i].im;
        if (keys[i].target_rank == 0 || keys[i].target_rank > shown(s, top) || im->birnbaum == 0)
            continue;
        crisk__table_text(&t, crisk_inventory_node_id(inv, im->target), 0);
        crisk__table_text(&t, keys[i].provider, 0);
        table_measures(&t, im, 0);
    }
    if (rc == CRISK_OK && crisk__table_rows(&t) > 0) {
        fputs("for each function (providers whose state changes it, largest birnbaum first):\n", f);
        rc = crisk__table_print(f, &t, "  ");
    }
    crisk__table_release(&t);
    free(keys);
    return rc;
}

static int emit_table(FILE *f, const crisk_simulation *s, long top)
{
    table_header(f, s);
    putc('\n', f);
    int rc = table_functions(f, s, top);
    putc('\n', f);
    table_summary(f, s);
    if (rc == CRISK_OK)
        rc = table_money(f, s);
    if (rc == CRISK_OK)
        rc = table_importance(f, s, top);
    return rc;
}

int crisk_emit_simulation(FILE *f, const crisk_simulation *s, long top, crisk_format fmt,
                          const crisk_provenance *prov, crisk_error *err)
{
    int rc = CRISK_OK;
    if (fmt == CRISK_FORMAT_CSV)
        rc = emit_csv(f, s, top);
    else if (fmt == CRISK_FORMAT_JSON)
        emit_json(f, s, top, prov);
    else
        rc = emit_table(f, s, top);
    if (rc != CRISK_OK)
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}
