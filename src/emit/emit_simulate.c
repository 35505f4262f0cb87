/*
 * emit_simulate.c - the Monte Carlo result (`chainrisk simulate`).
 *
 * Three kinds of row share one field list (emit.h), so CSV and JSON cannot
 * drift apart: a function (its failure probability and standard error), the
 * "any function failed" row, and the statistics of the criticality lost per
 * run.  CSV holds all three in one table told apart by `kind`, with the runs
 * and the seed on every row so a spreadsheet copy still says how it was
 * made; JSON gives runs and seed once, the statistics as an object and the
 * functions as an array.
 *
 * Every format also says how many nodes have no probability (they never
 * fail on their own): results of 0 must not read as "never fails" when the
 * inputs simply did not say how likely a failure is.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

enum { SIM_FIELDS = 11 };

/* kind, then the 7 result fields (JSON uses these alone), then runs, seed
 * and the nodes without a probability. */
enum { FIRST_RESULT = 1, RESULT_FIELDS = 7 };

typedef struct sim_row {
    const char *kind, *id, *name;
    double criticality, failures, probability, std_error, lost;
} sim_row;

static void fields(crisk__field *row, const sim_row *r, const crisk_simulation *s, char *seed,
                   size_t seed_size)
{
    snprintf(seed, seed_size, "%" PRIu64, crisk_simulation_seed(s));
    size_t i = 0;
    row[i++] = crisk__f_text("kind", r->kind);
    row[i++] = crisk__f_text("id", r->id);
    row[i++] = crisk__f_text("name", r->name);
    row[i++] = crisk__f_number("criticality", r->criticality);
    row[i++] = crisk__f_number("failures", r->failures);
    row[i++] = crisk__f_number("probability", r->probability);
    row[i++] = crisk__f_number("std_error", r->std_error);
    row[i++] = crisk__f_number("criticality_lost", r->lost);
    row[i++] = crisk__f_count("runs", (size_t)crisk_simulation_runs(s));
    row[i++] = crisk__f_text("seed", seed);
    row[i++] = crisk__f_count("nodes_without_probability", crisk_simulation_without_probability(s));
}

static sim_row function_row(const crisk_simulation *s, const crisk_function_risk *fr)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    crisk_node_view n;
    crisk_inventory_node(inv, fr->node, &n);
    /* criticality * failures / runs rounds once, where criticality * p would
     * round twice (5 * 0.326 = 1.6300000000000001) */
    double lost = n.criticality * (double)fr->failures / (double)crisk_simulation_runs(s);
    return (sim_row){ "function", n.id, n.name, n.criticality, (double)fr->failures,
                      fr->probability, fr->std_error, lost };
}

static sim_row any_row(const crisk_simulation *s)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    double runs = (double)crisk_simulation_runs(s);
    double p = (double)l->runs_with_failure / runs;
    return (sim_row){ "any", NULL, NULL, NAN, (double)l->runs_with_failure, p,
                      sqrt(p * (1 - p) / runs), NAN };
}

/* The loss statistics in output order. */
static size_t loss_rows(sim_row *rows, const crisk_simulation *s)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    const struct {
        const char *name;
        double value;
    } stats[] = { { "mean", l->mean }, { "p50", l->p50 }, { "p90", l->p90 },
                  { "p95", l->p95 },   { "p99", l->p99 }, { "max", l->max } };
    size_t n = sizeof stats / sizeof stats[0];
    for (size_t i = 0; i < n; i++)
        rows[i] = (sim_row){ "loss", stats[i].name, NULL, NAN, NAN, NAN,
                             i == 0 ? l->mean_std_error : NAN, stats[i].value };
    return n;
}

static size_t shown(const crisk_simulation *s, long top)
{
    size_t n;
    crisk_simulation_functions(s, &n);
    return top >= 0 && (size_t)top < n ? (size_t)top : n;
}

/* ---- CSV ------------------------------------------------------------------------- */

static int csv_line(FILE *f, const crisk_simulation *s, const sim_row *r)
{
    crisk__field row[SIM_FIELDS];
    char seed[32];
    fields(row, r, s, seed, sizeof seed);
    return crisk__csv_row(f, row, SIM_FIELDS);
}

static int emit_csv(FILE *f, const crisk_simulation *s, long top)
{
    crisk__field row[SIM_FIELDS];
    char seed[32];
    sim_row none = { 0 };
    fields(row, &none, s, seed, sizeof seed);
    crisk__csv_header(f, row, SIM_FIELDS);
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    int rc = CRISK_OK;
    for (size_t i = 0; i < shown(s, top) && rc == CRISK_OK; i++) {
        sim_row r = function_row(s, &fr[i]);
        rc = csv_line(f, s, &r);
    }
    sim_row extra[7];
    extra[0] = any_row(s);
    size_t n = 1 + loss_rows(extra + 1, s);
    for (size_t i = 0; i < n && rc == CRISK_OK; i++)
        rc = csv_line(f, s, &extra[i]);
    return rc;
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_result(FILE *f, const crisk_simulation *s, const sim_row *r)
{
    crisk__field row[SIM_FIELDS];
    char seed[32];
    fields(row, r, s, seed, sizeof seed);
    crisk__json_object(f, row + FIRST_RESULT, RESULT_FIELDS);
}

static void emit_json(FILE *f, const crisk_simulation *s, long top, const crisk_provenance *prov)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    crisk_json_begin(f, crisk_simulation_inventory(s), prov);
    fprintf(f, "{\"runs\": %" PRIu64 ", \"seed\": %" PRIu64 ", \"nodes_without_probability\": %zu"
               ", \"total_criticality\": ", crisk_simulation_runs(s), crisk_simulation_seed(s),
            crisk_simulation_without_probability(s));
    crisk_json_number(f, l->total_criticality);
    sim_row any = any_row(s);
    fputs(",\n\"any_function_failed\": {\"failures\": ", f);
    crisk_json_number(f, any.failures);
    fputs(", \"probability\": ", f);
    crisk_json_number(f, any.probability);
    fputs(", \"std_error\": ", f);
    crisk_json_number(f, any.std_error);
    fputs("},\n\"criticality_lost\": {", f);
    sim_row stats[6];
    size_t n = loss_rows(stats, s);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        crisk_json_string(f, stats[i].id);
        fputs(": ", f);
        crisk_json_number(f, stats[i].lost);
        if (i == 0) {
            fputs(", \"mean_std_error\": ", f);
            crisk_json_number(f, stats[i].std_error);
        }
    }
    fputs("},\n\"functions\": [", f);
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    for (size_t i = 0; i < shown(s, top); i++) {
        sim_row r = function_row(s, &fr[i]);
        fputs(i ? ",\n  " : "\n  ", f);
        json_result(f, s, &r);
    }
    fputs(shown(s, top) ? "\n]}" : "]}", f);
    crisk_json_end(f);
}

/* ---- table ------------------------------------------------------------------------ */

static const char *const table_head[] = {
    "#", "id", "name", "criticality", "failures", "probability", "std_error", "expected_loss"
};
static const char table_align[] = "rllrrrrr";

static void table_row(crisk__table *t, const sim_row *r, size_t rank)
{
    crisk__table_printf(t, "%zu", rank);
    crisk__table_text(t, r->id, 0);
    crisk__table_text(t, r->name, CRISK__NAME_WIDTH);
    crisk__table_amount(t, r->criticality);
    crisk__table_amount(t, r->failures);
    crisk__table_printf(t, "%.4f", r->probability);
    crisk__table_printf(t, "%.4f", r->std_error);
    crisk__table_amount(t, r->lost);
}

static void table_summary(FILE *f, const crisk_simulation *s)
{
    const crisk_loss_summary *l = crisk_simulation_loss(s);
    sim_row any = any_row(s);
    char a[7][64];
    fprintf(f, "any function failed in %.0f of %" PRIu64 " runs: probability %.4f (std_error %.4f)\n",
            any.failures, crisk_simulation_runs(s), any.probability, any.std_error);
    fprintf(f, "criticality lost per run (of %s): mean %s (std_error %.4f), p50 %s, p90 %s, "
               "p95 %s, p99 %s, max %s\n",
            crisk__amount(a[0], sizeof a[0], l->total_criticality),
            crisk__amount(a[1], sizeof a[1], l->mean), l->mean_std_error,
            crisk__amount(a[2], sizeof a[2], l->p50), crisk__amount(a[3], sizeof a[3], l->p90),
            crisk__amount(a[4], sizeof a[4], l->p95), crisk__amount(a[5], sizeof a[5], l->p99),
            crisk__amount(a[6], sizeof a[6], l->max));
}

static int emit_table(FILE *f, const crisk_simulation *s, long top)
{
    size_t count;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &count);
    fprintf(f, "monte carlo: %" PRIu64 " runs, seed %" PRIu64 "\n"
               "each run fails every node independently with its probability, then\n"
               "propagates the failures through dependencies and redundancy groups\n",
            crisk_simulation_runs(s), crisk_simulation_seed(s));
    size_t without = crisk_simulation_without_probability(s);
    if (without > 0)
        fprintf(f, "%zu of %zu nodes %s no probability: %s only through what %s depend%s on\n",
                without, crisk_inventory_node_count(crisk_simulation_inventory(s)),
                without == 1 ? "has" : "have", without == 1 ? "it fails" : "they fail",
                without == 1 ? "it" : "they", without == 1 ? "s" : "");
    putc('\n', f);
    crisk__table t;
    crisk__table_init(&t, sizeof table_head / sizeof table_head[0], table_head, table_align);
    for (size_t i = 0; i < shown(s, top); i++) {
        sim_row r = function_row(s, &fr[i]);
        table_row(&t, &r, i + 1);
    }
    int rc = crisk__table_print(f, &t, "");
    crisk__table_release(&t);
    if (shown(s, top) < count)
        fprintf(f, "showing %zu of %zu functions\n", shown(s, top), count);
    putc('\n', f);
    table_summary(f, s);
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
