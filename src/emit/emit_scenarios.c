/*
 * emit_scenarios.c - scenario tests (`chainrisk scenarios`): the results as
 * a table, CSV or JSON, and a scenario set as a scenario file to edit.
 *
 * Results: one row per scenario, sorted by criticality lost, with what
 * fails, the functions whose tolerance it breaches and the verdict.  CSV
 * and JSON also carry the scenario x function matrix: one column per
 * function (`fn:ID` in CSV, the "functions" list in JSON) holding
 * `unaffected`, `down` (within tolerance), `breached` or `unknown` (the
 * tolerance cannot be judged: no rto_hours, or a downtime an unknown
 * recovery leaves on both sides of it).  JSON lists each scenario's
 * functions down with their downtime bounds as well, each with its
 * tolerance: within, breached or unknown.
 *
 * The scenario file is written so that it reads back as the same set: ids
 * and failure terms are quoted (RFC 4180) but not neutralised, since a
 * leading quote would change them - the generator never starts them with a
 * formula character - while names and descriptions, free text, are.
 */
#include "emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const tolerance_name[] = { "down", "breached", "unknown" };
static const char *const verdict_name[] = { "within", "breached", "unknown" };

typedef struct results {
    const crisk_scenario_run *r;
    const crisk_inventory *inv;
    const crisk_scenario_set *set;
    const crisk_scenario_result *res;
    size_t n, shown;
    const uint32_t *columns;           /* every function, id order */
    size_t n_columns;
    uint32_t *column_of;               /* node -> column + 1 (functions), 0 */
    const char **cell;                 /* n_columns: the matrix row being written */
    crisk__pool pool;
} results;

static int results_init(results *rs, const crisk_scenario_run *r, long top)
{
    memset(rs, 0, sizeof *rs);
    rs->r = r;
    rs->inv = crisk_scenario_run_inventory(r);
    rs->set = crisk_scenario_run_set(r);
    rs->res = crisk_scenario_run_results(r, &rs->n);
    rs->shown = top >= 0 && (size_t)top < rs->n ? (size_t)top : rs->n;
    rs->columns = crisk_scenario_run_functions(r, &rs->n_columns);
    crisk__pool_init(&rs->pool);
    size_t n = crisk_inventory_node_count(rs->inv);
    rs->column_of = calloc(n + 1, sizeof *rs->column_of);
    rs->cell = malloc((rs->n_columns + 1) * sizeof *rs->cell);
    if (rs->column_of == NULL || rs->cell == NULL)
        return CRISK_ENOMEM;
    for (size_t c = 0; c < rs->n_columns; c++)
        rs->column_of[rs->columns[c]] = (uint32_t)c + 1;
    for (size_t i = 0; i < rs->shown; i++)
        if (rs->res[i].functions == NULL && rs->res[i].functions_down > 0)
            return CRISK_EUSAGE;   /* the run did not keep what is to be shown */
    return CRISK_OK;
}

static void results_release(results *rs)
{
    free(rs->column_of);
    free((void *)rs->cell);
    crisk__pool_release(&rs->pool);
}

/* The matrix row of result `res`: every column's status. */
static void matrix_row(results *rs, const crisk_scenario_result *res)
{
    for (size_t c = 0; c < rs->n_columns; c++)
        rs->cell[c] = "unaffected";
    for (size_t i = 0; i < res->functions_down; i++)
        rs->cell[rs->column_of[res->functions[i].function] - 1] =
            tolerance_name[res->functions[i].tolerance];
}

/* ---- CSV and JSON ------------------------------------------------------------ */

enum { SUMMARY_FIELDS = 13 };

/* The summary fields of one result; keys alone when res is NULL. */
static void summary_fields(crisk__field *row, const results *rs, const crisk_scenario_result *res)
{
    crisk_scenario sc = { .id = NULL };
    crisk_scenario_result none = { .hours = NAN, .earliest_breach = NAN, .lost_share = NAN };
    if (res != NULL)
        crisk_scenario_set_get(rs->set, res->scenario, &sc);
    else
        res = &none;
    row[0] = crisk__f_text("id", sc.id);
    row[1] = crisk__f_text("name", sc.name);
    row[2] = crisk__f_text("fails", sc.fails);
    row[3] = crisk__f_number("hours", res->hours);
    row[4] = crisk__f_count("initial_nodes", sc.n_nodes);
    row[5] = crisk__f_count("failed_nodes", res->failed_nodes);
    row[6] = crisk__f_count("functions_down", res->functions_down);
    row[7] = crisk__f_number("criticality_lost", res->criticality_lost);
    row[8] = crisk__f_number("lost_share", res->lost_share);
    row[9] = crisk__f_count("breached", res->breached);
    row[10] = crisk__f_count("unknown", res->unknown);
    row[11] = crisk__f_number("earliest_breach_hours", res->earliest_breach);
    row[12] = crisk__f_text("tolerance", sc.id != NULL ? verdict_name[res->verdict] : NULL);
}

static int emit_csv(FILE *f, results *rs)
{
    size_t width = SUMMARY_FIELDS + rs->n_columns;
    crisk__field *row = malloc(width * sizeof *row);
    if (row == NULL)
        return CRISK_ENOMEM;
    summary_fields(row, rs, NULL);
    int rc = CRISK_OK;
    for (size_t c = 0; c < rs->n_columns && rc == CRISK_OK; c++) {
        const char *id = crisk_inventory_node_id(rs->inv, rs->columns[c]);
        size_t len = strlen(id);
        char *key = malloc(len + 4);
        if (key == NULL) {
            rc = CRISK_ENOMEM;
            break;
        }
        memcpy(key, "fn:", 3);
        memcpy(key + 3, id, len + 1);
        row[SUMMARY_FIELDS + c] = crisk__f_text(crisk__pool_copy(&rs->pool, key, len + 3), NULL);
        free(key);
        if (row[SUMMARY_FIELDS + c].key == NULL)
            rc = CRISK_ENOMEM;
    }
    if (rc == CRISK_OK)
        crisk__csv_header(f, row, width);
    for (size_t i = 0; i < rs->shown && rc == CRISK_OK; i++) {
        summary_fields(row, rs, &rs->res[i]);
        matrix_row(rs, &rs->res[i]);
        for (size_t c = 0; c < rs->n_columns; c++)
            row[SUMMARY_FIELDS + c].text = rs->cell[c];
        rc = crisk__csv_row(f, row, width);
    }
    free(row);
    return rc;
}

enum { DOWN_FIELDS = 6 };

static void down_fields(crisk__field *row, const results *rs, const crisk_scenario_function *fn)
{
    crisk_node_view n;
    crisk_inventory_node(rs->inv, fn->function, &n);
    row[0] = crisk__f_text("function", n.id);
    row[1] = crisk__f_number("criticality", n.criticality);
    row[2] = crisk__f_number("rto_hours", n.rto_hours);
    row[3] = crisk__f_number("downtime_min_hours", fn->downtime.lo);
    row[4] = crisk__f_number("downtime_max_hours", isinf(fn->downtime.hi) ? NAN : fn->downtime.hi);
    row[5] = crisk__f_text("tolerance", verdict_name[fn->tolerance]);
}

static void emit_json_result(FILE *f, results *rs, const crisk_scenario_result *res)
{
    crisk__field row[SUMMARY_FIELDS];
    crisk_scenario sc;
    crisk_scenario_set_get(rs->set, res->scenario, &sc);
    summary_fields(row, rs, res);
    fputs("{", f);
    crisk__json_fields(f, row, 3);
    fputs(", \"description\": ", f);
    crisk_json_string(f, sc.description);
    fputs(", \"line\": ", f);
    crisk_json_number(f, sc.line ? (double)sc.line : NAN);
    fputs(", ", f);
    crisk__json_fields(f, row + 3, SUMMARY_FIELDS - 3);
    fputs(",\n    \"down\": [", f);
    for (size_t i = 0; i < res->functions_down; i++) {
        crisk__field down[DOWN_FIELDS];
        down_fields(down, rs, &res->functions[i]);
        fputs(i ? ",\n      " : "\n      ", f);
        crisk__json_object(f, down, DOWN_FIELDS);
    }
    fputs(res->functions_down ? "\n    ],\n    \"matrix\": [" : "],\n    \"matrix\": [", f);
    matrix_row(rs, res);
    for (size_t c = 0; c < rs->n_columns; c++) {
        fputs(c ? ", " : "", f);
        crisk_json_string(f, rs->cell[c]);
    }
    fputs("]}", f);
}

static void emit_json(FILE *f, results *rs, const crisk_provenance *prov)
{
    const char *path, *sha256;
    uint64_t bytes;
    size_t rows;
    crisk_scenario_set_source(rs->set, &path, &sha256, &bytes, &rows);
    crisk_json_begin(f, rs->inv, prov);
    fputs("{\"scenario_file\": ", f);
    if (path == NULL) {
        fputs("null", f);
    } else {
        fputs("{\"path\": ", f);
        crisk_json_string(f, path);
        fputs(", \"sha256\": ", f);
        crisk_json_string(f, sha256);
        fprintf(f, ", \"bytes\": %llu, \"rows\": %zu}", (unsigned long long)bytes, rows);
    }
    fprintf(f, ", \"scenarios\": %zu, \"breaching\": %zu, \"unknown\": %zu, \"total_criticality\": ",
            rs->n, crisk_scenario_run_breaching(rs->r), crisk_scenario_run_unknown(rs->r));
    crisk_json_number(f, crisk_scenario_run_total_criticality(rs->r));
    fputs(",\n \"functions\": ", f);
    crisk__json_ids(f, rs->inv, rs->columns, rs->n_columns);
    fputs(",\n \"results\": [", f);
    for (size_t i = 0; i < rs->shown; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        emit_json_result(f, rs, &rs->res[i]);
    }
    fputs(rs->shown ? "\n]}" : "]}", f);
    crisk_json_end(f);
}

/* ---- the readable form ---------------------------------------------------------- */

/* "8" or "recovery" (each node its recovery_hours). */
static void hours_cell(crisk__table *t, double hours)
{
    if (isnan(hours))
        crisk__table_text(t, "recovery", 0);
    else
        crisk__table_amount(t, hours);
}

static void summary_cells(crisk__table *t, const results *rs, size_t i)
{
    const crisk_scenario_result *res = &rs->res[i];
    crisk_scenario sc;
    crisk_scenario_set_get(rs->set, res->scenario, &sc);
    crisk__table_printf(t, "%zu", i + 1);
    crisk__table_text(t, sc.id, CRISK__NAME_WIDTH);
    crisk__table_text(t, sc.name[0] ? sc.name : "-", CRISK__NAME_WIDTH);
    hours_cell(t, res->hours);
    crisk__table_printf(t, "%zu", res->failed_nodes);
    crisk__table_printf(t, "%zu", res->functions_down);
    crisk__table_amount(t, res->criticality_lost);
    crisk__table_percent(t, res->lost_share);
    crisk__table_printf(t, "%zu", res->breached);
    crisk__table_amount(t, res->earliest_breach);
    crisk__table_text(t, verdict_name[res->verdict], 0);
}

/* "icu-monitoring 8>0.5" per breached function, ", "-joined. */
static void breach_cell(crisk__table *t, const results *rs, const crisk_scenario_result *res)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int nomem = 0;
    for (size_t i = 0; i < res->functions_down && !nomem; i++) {
        const crisk_scenario_function *fn = &res->functions[i];
        if (fn->tolerance != CRISK_TOLERANCE_BREACHED)
            continue;
        crisk_node_view n;
        crisk_inventory_node(rs->inv, fn->function, &n);
        char down[96], rto[64];
        crisk__duration_text(down, sizeof down, &fn->downtime);
        crisk__amount(rto, sizeof rto, n.rto_hours);
        size_t need = len + strlen(n.id) + strlen(down) + strlen(rto) + 16;
        if (crisk__grow((void **)&buf, &cap, need, 1) != 0) {
            nomem = 1;
            break;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s%s (%s h > %s h)", len ? ", " : "",
                                n.id, down, rto);
    }
    crisk__table_text(t, nomem ? NULL : buf, 96);
    free(buf);
}

static int print_breaches(FILE *f, const results *rs)
{
    static const char *const head[] = { "scenario", "breached functions (downtime > rto_hours)" };
    crisk__table t;
    crisk__table_init(&t, 2, head, "ll");
    for (size_t i = 0; i < rs->shown; i++) {
        const crisk_scenario_result *res = &rs->res[i];
        if (res->breached == 0)
            continue;
        crisk_scenario sc;
        crisk_scenario_set_get(rs->set, res->scenario, &sc);
        crisk__table_text(&t, sc.id, CRISK__NAME_WIDTH);
        breach_cell(&t, rs, res);
    }
    int rc = CRISK_OK;
    if (crisk__table_rows(&t) > 0) {
        putc('\n', f);
        rc = crisk__table_print(f, &t, "");
    }
    crisk__table_release(&t);
    return rc;
}

static void print_heading(FILE *f, const results *rs)
{
    size_t breaching = crisk_scenario_run_breaching(rs->r), unknown = crisk_scenario_run_unknown(rs->r);
    fprintf(f, "scenario tests: %zu scenario%s against the impact tolerances (rto_hours) of %zu "
               "function%s\n", rs->n, rs->n == 1 ? "" : "s", rs->n_columns,
            rs->n_columns == 1 ? "" : "s");
    fputs("hours: every initial node down that long; recovery: each down for its own "
          "recovery_hours\n", f);
    fprintf(f, "results: %zu breach a tolerance, %zu cannot be judged, %zu within tolerance\n\n",
            breaching, unknown, rs->n - breaching - unknown);
}

static int emit_text(FILE *f, const results *rs)
{
    static const char *const head[] = { "#", "scenario", "name", "hours", "failed", "functions",
                                        "lost", "share", "breached", "earliest", "tolerance" };
    print_heading(f, rs);
    if (rs->n == 0) {
        fputs("no scenarios\n", f);
        return CRISK_OK;
    }
    crisk__table t;
    crisk__table_init(&t, 11, head, "rllrrrrrrrl");
    for (size_t i = 0; i < rs->shown; i++)
        summary_cells(&t, rs, i);
    int rc = crisk__table_print(f, &t, "");
    crisk__table_release(&t);
    if (rs->shown < rs->n)
        fprintf(f, "(top %zu of %zu scenarios)\n", rs->shown, rs->n);
    if (rc == CRISK_OK)
        rc = print_breaches(f, rs);
    return rc;
}

int crisk_emit_scenarios(FILE *f, const crisk_scenario_run *r, long top, crisk_format fmt,
                         const crisk_provenance *prov, crisk_error *err)
{
    results rs;
    int rc = results_init(&rs, r, top);
    if (rc == CRISK_OK) {
        if (fmt == CRISK_FORMAT_CSV)
            rc = emit_csv(f, &rs);
        else if (fmt == CRISK_FORMAT_JSON)
            emit_json(f, &rs, prov);
        else
            rc = emit_text(f, &rs);
    }
    results_release(&rs);
    if (rc == CRISK_EUSAGE)
        return crisk_error_set(err, rc, NULL, 0, 0, "the scenario run kept the functions down of "
                               "fewer results than are to be shown (keep_functions)");
    if (rc != CRISK_OK)
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}

/* ---- the scenario file ------------------------------------------------------------- */

int crisk_scenario_set_write(FILE *f, const crisk_scenario_set *s, crisk_error *err)
{
    fputs("id,name,fails,hours,description\n", f);
    for (size_t i = 0; i < crisk_scenario_set_count(s); i++) {
        crisk_scenario sc;
        crisk_scenario_set_get(s, i, &sc);
        crisk__csv_raw(f, sc.id);
        putc(',', f);
        crisk_csv_text(f, sc.name);
        putc(',', f);
        crisk__csv_raw(f, sc.fails);
        putc(',', f);
        crisk_csv_number(f, sc.hours);
        putc(',', f);
        crisk_csv_text(f, sc.description);
        putc('\n', f);
    }
    return crisk__emit_status(f, err);
}
