/*
 * emit_incident.c - a live incident's decision record as a table, CSV or
 * JSON (`chainrisk incident`).
 *
 * Everything is written from the record alone (chainrisk/incident.h), so
 * a record read back from its JSON prints the same.  Times are absolute
 * UTC; "breached 2 h ago", "due in 3 h 20 min" are relative to the
 * record's `now`, which every output states.  The JSON is the record
 * itself (crisk_incident_record_write): fixed key order, numbers in the
 * shortest form that reads back exactly, so the same record gives the
 * same bytes.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char classification_note[] =
    "whether the incident is significant (NIS2 Art. 23(3)) or major (DORA Art. 18) is the "
    "organisation's classification; chainrisk gives the facts that feed it";

static const char *regime_name(unsigned regime)
{
    return regime == CRISK_REGIME_NIS2 ? "nis2" : regime == CRISK_REGIME_DORA ? "dora" : "both";
}

/* ---- relative times ------------------------------------------------------------- */

char *crisk__incident_relative(char *buf, size_t size, crisk_time now, crisk_time t,
                               const char *past, const char *future, const char *at)
{
    char span[48];
    if (t == now)
        snprintf(buf, size, "%s", at);
    else
        snprintf(buf, size, t < now ? past : future, crisk_span_format(span, sizeof span, t - now));
    return buf;
}

char *crisk__incident_breach_text(char *buf, size_t size, const crisk_incident_record *r,
                                  const crisk_incident_function *fn)
{
    if (fn->breach_at == CRISK_TIME_NONE)
        snprintf(buf, size, "no rto_hours");
    else
        crisk__incident_relative(buf, size, r->now, fn->breach_at, "breached %s ago",
                                 "breaches in %s", "breaches now");
    return buf;
}

char *crisk__incident_back_text(char *buf, size_t size, const crisk_incident_record *r,
                                const crisk_incident_function *fn)
{
    char lo[32], hi[32];
    if (isnan(fn->back_lo)) {
        snprintf(buf, size, "-");
        return buf;
    }
    crisk_time from = crisk_time_add_hours(r->since, fn->back_lo);
    crisk_time to = isinf(fn->back_hi) ? CRISK_TIME_NONE : crisk_time_add_hours(r->since, fn->back_hi);
    crisk_time_format(lo, sizeof lo, from);
    crisk_time_format(hi, sizeof hi, to);
    if (to == CRISK_TIME_NONE && (fn->back_lo_open || fn->back_lo == 0))
        snprintf(buf, size, "unknown");
    else if (to == CRISK_TIME_NONE)
        snprintf(buf, size, "%s or later (unknown)", lo);
    else if (from == to && !fn->back_lo_open)
        snprintf(buf, size, "%s", lo);
    else if (fn->back_lo == 0)
        snprintf(buf, size, "by %s", hi);
    else
        snprintf(buf, size, "%s to %s", lo, hi);
    return buf;
}

char *crisk__incident_due_text(char *buf, size_t size, const crisk_incident_record *r,
                               const crisk_incident_deadline *d)
{
    char span[48];
    if (d->submitted != CRISK_TIME_NONE) {
        char at[32];
        crisk_time_format(at, sizeof at, d->submitted);
        if (d->submitted <= d->due)
            snprintf(buf, size, "submitted %s, on time", at);
        else
            snprintf(buf, size, "submitted %s, %s late", at,
                     crisk_span_format(span, sizeof span, d->submitted - d->due));
        return buf;
    }
    return crisk__incident_relative(buf, size, r->now, d->due, "overdue by %s", "due in %s",
                                    "due now");
}

/* ---- JSON: the record ------------------------------------------------------------- */

static void json_time(FILE *f, crisk_time t)
{
    char buf[32];
    if (t == CRISK_TIME_NONE)
        fputs("null", f);
    else
        crisk_json_string(f, crisk_time_format(buf, sizeof buf, t));
}

static void json_strings(FILE *f, const char *const *s, size_t n)
{
    putc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        crisk_json_string(f, s[i]);
    }
    putc(']', f);
}

static void json_terms(FILE *f, const crisk_incident_term *t, size_t n, int suspects)
{
    putc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        fputs("{\"term\": ", f);
        crisk_json_string(f, t[i].term);
        if (suspects) {
            fputs(", \"probability\": ", f);
            crisk_json_number(f, t[i].probability);
        }
        fputs(", \"nodes\": ", f);
        json_strings(f, t[i].nodes, t[i].n_nodes);
        putc('}', f);
    }
    fputs(n ? "\n  ]" : "]", f);
}

static void json_head(FILE *f, const crisk_incident_record *r)
{
    fputs("{\n\"schema\": ", f);
    crisk_json_string(f, r->schema);
    fputs(",\n\"tool\": {\"name\": \"chainrisk\", \"version\": ", f);
    crisk_json_string(f, r->tool);
    fputs("},\n\"command\": \"incident\",\n\"inputs\": [", f);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const crisk_incident_input *in = &r->inputs[i];
        fputs(i ? ",\n  " : "\n  ", f);
        fputs("{\"path\": ", f);
        crisk_json_string(f, in->path);
        fputs(", \"kind\": ", f);
        crisk_json_string(f, in->kind);
        fputs(", \"sha256\": ", f);
        crisk_json_string(f, in->sha256);
        fprintf(f, ", \"bytes\": %" PRIu64 ", \"rows\": %" PRIu64 "}", in->bytes, in->rows);
    }
    fprintf(f, "%s],\n\"model\": {\"nodes\": %zu, \"edges\": %zu, \"groups\": %zu},\n",
            r->n_inputs ? "\n" : "", r->model_nodes, r->model_edges, r->model_groups);
}

static void json_assumptions(FILE *f, const crisk_incident_record *r)
{
    fputs("\"times\": {\"since\": ", f);
    json_time(f, r->since);
    fputs(", \"aware\": ", f);
    json_time(f, r->aware);
    fputs(", \"classified\": ", f);
    json_time(f, r->classified);
    fputs(", \"now\": ", f);
    json_time(f, r->now);
    fprintf(f, ", \"now_from\": \"%s\"},\n\"regime\": \"%s\",\n", r->now_from_clock ? "clock" : "option",
            regime_name(r->regime));
    fputs("\"assumptions\": {\n  \"down\": ", f);
    json_terms(f, r->down, r->n_down, 0);
    fputs(",\n  \"suspects\": ", f);
    json_terms(f, r->suspects, r->n_suspects, 1);
    fputs(",\n  \"method\": ", f);
    crisk_json_string(f, r->method);
    fprintf(f, ", \"runs\": %" PRIu64 ", \"seed\": ", r->runs);
    if (strcmp(r->method, "monte-carlo") == 0)
        fprintf(f, "%" PRIu64, r->seed);
    else
        fputs("null", f);
    fputs("\n},\n", f);
}

static void json_facts(FILE *f, const crisk_incident_record *r)
{
    fprintf(f, "\"facts\": {\"functions_total\": %zu, \"functions_down\": %zu, \"criticality_total\": ",
            r->functions_total, r->functions_down);
    crisk_json_number(f, r->criticality_total);
    fputs(", \"criticality_lost\": ", f);
    crisk_json_number(f, r->criticality_lost);
    fputs(", \"lost_share\": ", f);
    crisk_json_number(f, r->lost_share);
    fputs(", \"hours_so_far\": ", f);
    crisk_json_number(f, (double)(r->now - r->since) / 3600);
    fprintf(f, ", \"tolerances_breached\": %zu,\n  \"classification\": ", r->tolerances_breached);
    crisk_json_string(f, classification_note);
    fputs("},\n", f);
}

static void json_down(FILE *f, const crisk_incident_record *r)
{
    fputs("\"down\": [", f);
    for (size_t i = 0; i < r->n_down_nodes; i++) {
        const crisk_incident_down *d = &r->down_nodes[i];
        fputs(i ? ",\n  " : "\n  ", f);
        fputs("{\"id\": ", f);
        crisk_json_string(f, d->id);
        fputs(", \"name\": ", f);
        crisk_json_string(f, d->name);
        fputs(", \"type\": ", f);
        crisk_json_string(f, d->type);
        fputs(", \"criticality\": ", f);
        crisk_json_number(f, d->criticality);
        fprintf(f, ", \"round\": %zu, \"cause\": ", d->round);
        if (d->group == NULL) {
            fputs("null}", f);
            continue;
        }
        fputs("{\"group\": ", f);
        crisk_json_string(f, d->group);
        fprintf(f, ", \"need\": %zu, \"size\": %zu, \"members\": [", d->need, d->size);
        for (size_t k = 0; k < d->n_members; k++)
            fprintf(f, "%s%zu", k ? ", " : "", d->members[k]);
        fputs("]}}", f);
    }
    fputs(r->n_down_nodes ? "\n],\n" : "],\n", f);
}

static void json_function(FILE *f, const crisk_incident_function *fn)
{
    fputs("{\"id\": ", f);
    crisk_json_string(f, fn->id);
    fputs(", \"name\": ", f);
    crisk_json_string(f, fn->name);
    fputs(", \"criticality\": ", f);
    crisk_json_number(f, fn->criticality);
    fputs(", \"rto_hours\": ", f);
    crisk_json_number(f, fn->rto_hours);
    fputs(", \"p_down\": ", f);
    crisk_json_number(f, fn->p_down);
    fputs(", \"std_error\": ", f);
    crisk_json_number(f, fn->p_std_error);
    fputs(", \"breach_at\": ", f);
    json_time(f, fn->breach_at);
    fputs(",\n   \"back_min_hours\": ", f);
    crisk_json_number(f, fn->back_lo);
    fputs(", \"back_min_open\": ", f);
    fputs(fn->back_lo_open ? "true" : "false", f);
    fputs(", \"back_max_hours\": ", f);
    crisk_json_number(f, fn->back_hi);   /* null: unbounded, or not down for certain */
    fputs(", \"swing_suspect\": ", f);
    if (fn->swing_suspect == SIZE_MAX)
        fputs("null", f);
    else
        fprintf(f, "%zu", fn->swing_suspect);
    fputs(", \"swing\": ", f);
    crisk_json_number(f, fn->swing);
    fputs(", \"swing_std_error\": ", f);
    crisk_json_number(f, fn->swing_std_error);
    putc('}', f);
}

static void json_deadlines(FILE *f, const crisk_incident_record *r)
{
    fputs("\"deadlines\": [", f);
    for (size_t i = 0; i < r->n_deadlines; i++) {
        const crisk_incident_deadline *d = &r->deadlines[i];
        fputs(i ? ",\n  " : "\n  ", f);
        fputs("{\"key\": ", f);
        crisk_json_string(f, d->key);
        fputs(", \"regime\": ", f);
        crisk_json_string(f, d->regime);
        fputs(", \"report\": ", f);
        crisk_json_string(f, d->report);
        fputs(", \"due\": ", f);
        json_time(f, d->due);
        fputs(", \"submitted\": ", f);
        json_time(f, d->submitted);
        fputs(",\n   \"rule\": ", f);
        crisk_json_string(f, d->rule);
        fputs(",\n   \"citation\": ", f);
        crisk_json_string(f, d->citation);
        fputs(",\n   \"basis\": ", f);
        crisk_json_string(f, d->basis);
        putc('}', f);
    }
    fputs(r->n_deadlines ? "\n]\n" : "]\n", f);
}

int crisk_incident_record_write(FILE *f, const crisk_incident_record *r, crisk_error *err)
{
    json_head(f, r);
    json_assumptions(f, r);
    json_facts(f, r);
    json_down(f, r);
    fputs("\"functions\": [", f);
    for (size_t i = 0; i < r->n_functions; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        json_function(f, &r->functions[i]);
    }
    fputs(r->n_functions ? "\n],\n" : "],\n", f);
    json_deadlines(f, r);
    fputs("}\n", f);
    return crisk__emit_status(f, err);
}

/* ---- CSV ------------------------------------------------------------------------------ */

enum { INCIDENT_FIELDS = 20 };

static double hours_from(crisk_time now, crisk_time t)
{
    return t == CRISK_TIME_NONE ? NAN : (double)(t - now) / 3600;
}

static void csv_empty_row(crisk__field *row, const char *kind)
{
    static const char *const keys[INCIDENT_FIELDS] = {
        "kind", "key", "name", "criticality", "rto_hours", "p_down", "std_error", "breach_at",
        "breach_hours_from_now", "back_min_hours", "back_max_hours", "swing_suspect", "swing",
        "swing_std_error", "due", "due_hours_from_now", "submitted", "rule", "citation", "basis" };
    for (size_t i = 0; i < INCIDENT_FIELDS; i++)
        row[i] = crisk__f_text(keys[i], NULL);
    row[0] = crisk__f_text("kind", kind);
    for (size_t i = 3; i <= 6; i++)
        row[i] = crisk__f_number(keys[i], NAN);
    row[8] = crisk__f_number(keys[8], NAN);
    row[9] = crisk__f_number(keys[9], NAN);
    row[10] = crisk__f_number(keys[10], NAN);
    row[12] = crisk__f_number(keys[12], NAN);
    row[13] = crisk__f_number(keys[13], NAN);
    row[15] = crisk__f_number(keys[15], NAN);
}

static int emit_csv(FILE *f, const crisk_incident_record *r)
{
    crisk__field row[INCIDENT_FIELDS];
    char t1[32], t2[32], t3[32];
    csv_empty_row(row, "");
    crisk__csv_header(f, row, INCIDENT_FIELDS);
    int rc = CRISK_OK;
    for (size_t i = 0; i < r->n_functions && rc == CRISK_OK; i++) {
        const crisk_incident_function *fn = &r->functions[i];
        csv_empty_row(row, "function");
        row[1].text = fn->id;
        row[2].text = fn->name;
        row[3].number = fn->criticality;
        row[4].number = fn->rto_hours;
        row[5].number = fn->p_down;
        row[6].number = fn->p_std_error;
        row[7].text = fn->breach_at == CRISK_TIME_NONE ? NULL : crisk_time_format(t1, sizeof t1, fn->breach_at);
        row[8].number = hours_from(r->now, fn->breach_at);
        row[9].number = fn->back_lo;
        row[10].number = isinf(fn->back_hi) ? NAN : fn->back_hi;
        row[11].text = fn->swing_suspect == SIZE_MAX ? NULL : r->suspects[fn->swing_suspect].term;
        row[12].number = fn->swing;
        row[13].number = fn->swing_std_error;
        rc = crisk__csv_row(f, row, INCIDENT_FIELDS);
    }
    for (size_t i = 0; i < r->n_deadlines && rc == CRISK_OK; i++) {
        const crisk_incident_deadline *d = &r->deadlines[i];
        csv_empty_row(row, "deadline");
        row[1].text = d->key;
        row[2].text = d->report;
        row[14].text = crisk_time_format(t2, sizeof t2, d->due);
        row[15].number = hours_from(r->now, d->due);
        row[16].text = d->submitted == CRISK_TIME_NONE ? NULL : crisk_time_format(t3, sizeof t3, d->submitted);
        row[17].text = d->rule;
        row[18].text = d->citation;
        row[19].text = d->basis;
        rc = crisk__csv_row(f, row, INCIDENT_FIELDS);
    }
    return rc;
}

/* ---- the readable form ------------------------------------------------------------------ */

static void print_times(FILE *f, const crisk_incident_record *r)
{
    char since[32], aware[32], now[32], span[48];
    fprintf(f, "incident since %s, aware %s", crisk_time_format(since, sizeof since, r->since),
            crisk_time_format(aware, sizeof aware, r->aware));
    if (r->classified != CRISK_TIME_NONE) {
        char c[32];
        fprintf(f, ", classified %s", crisk_time_format(c, sizeof c, r->classified));
    }
    fprintf(f, "\nnow %s (%s): %s since the start\n", crisk_time_format(now, sizeof now, r->now),
            r->now_from_clock ? "the clock; --now fixes it" : "--now",
            crisk_span_format(span, sizeof span, r->now - r->since));
}

static int print_terms(FILE *f, const char *label, const crisk_incident_term *t, size_t n, int suspects)
{
    int rc = CRISK_OK;
    fprintf(f, "%s:", label);
    for (size_t i = 0; i < n; i++) {
        putc(i ? ',' : ' ', f);
        if (i)
            putc(' ', f);
        rc |= crisk__print_safe(f, t[i].term, 0);
        if (suspects)
            fprintf(f, " (p %s)", crisk__number_text((char[CRISK__NUMBER_MAX]){ 0 }, t[i].probability));
        if (t[i].n_nodes != 1 || strcmp(t[i].nodes[0], t[i].term) != 0)
            fprintf(f, " [%zu node%s]", t[i].n_nodes, t[i].n_nodes == 1 ? "" : "s");
    }
    fputs(n ? "\n" : " none\n", f);
    return rc;
}

typedef struct tree_ctx {
    FILE *f;
    const crisk_incident_record *r;
} tree_ctx;

static int print_down_line(void *ctx, size_t i, size_t depth)
{
    tree_ctx *t = ctx;
    const crisk_incident_down *d = &t->r->down_nodes[i];
    FILE *f = t->f;
    char num[CRISK__NUMBER_MAX];
    crisk__cause_indent(f, depth);
    int rc = crisk__print_safe(f, d->id, 0);
    if (strcmp(d->name, d->id) != 0) {
        fputs(" \"", f);
        rc |= crisk__print_safe(f, d->name, CRISK__NAME_WIDTH);
        putc('"', f);
    }
    fprintf(f, " (%s", d->type);
    if (!isnan(d->criticality))
        fprintf(f, ", criticality %s", crisk__amount(num, sizeof num, d->criticality));
    fputs("): ", f);
    if (d->group == NULL) {
        fputs("initial failure", f);
    } else {
        if (d->group[0] == '\0') {
            fputs("depends on ", f);
        } else {
            fputs("group '", f);
            rc |= crisk__print_safe(f, d->group, CRISK__NAME_WIDTH);
            fprintf(f, "' (needs %zu of %zu) lost ", d->need, d->size);
        }
        for (size_t k = 0; k < d->n_members; k++) {
            fputs(k ? ", " : "", f);
            rc |= crisk__print_safe(f, t->r->down_nodes[d->members[k]].id, 0);
        }
    }
    putc('\n', f);
    return rc;
}

int crisk__incident_cause_tree(const crisk_incident_record *r,
                               int (*line)(void *ctx, size_t i, size_t depth), void *ctx)
{
    size_t total = 0;
    for (size_t i = 0; i < r->n_down_nodes; i++)
        total += r->down_nodes[i].n_members;
    size_t *start = malloc((r->n_down_nodes + 1) * sizeof *start);
    uint32_t *pos = malloc((total + 1) * sizeof *pos);
    if (start == NULL || pos == NULL) {
        free(start);
        free(pos);
        return CRISK_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < r->n_down_nodes; i++) {
        start[i] = k;
        for (size_t m = 0; m < r->down_nodes[i].n_members; m++)
            pos[k++] = (uint32_t)r->down_nodes[i].members[m];
    }
    start[r->n_down_nodes] = k;
    int rc = crisk__cause_tree_walk(r->n_down_nodes, start, pos, line, ctx);
    free(start);
    free(pos);
    return rc;
}

static void print_facts(FILE *f, const crisk_incident_record *r)
{
    char lost[32], total[32], span[48];
    fprintf(f, "%zu node%s down; %zu of %zu functions; criticality %s of %s lost",
            r->n_down_nodes, r->n_down_nodes == 1 ? "" : "s", r->functions_down,
            r->functions_total, crisk__amount(lost, sizeof lost, r->criticality_lost),
            crisk__amount(total, sizeof total, r->criticality_total));
    if (!isnan(r->lost_share))
        fprintf(f, " (%.1f%%)", 100 * r->lost_share);
    fprintf(f, "; %s so far; %zu tolerance%s breached\n",
            crisk_span_format(span, sizeof span, r->now - r->since), r->tolerances_breached,
            r->tolerances_breached == 1 ? "" : "s");
}

static void function_row(crisk__table *t, const crisk_incident_record *r,
                         const crisk_incident_function *fn)
{
    char buf[160], at[32];
    crisk__table_text(t, fn->id, 0);
    crisk__table_text(t, fn->name, CRISK__NAME_WIDTH);
    crisk__table_amount(t, fn->criticality);
    crisk__table_amount(t, fn->rto_hours);
    if (fn->p_down >= 1)
        crisk__table_text(t, "down", 0);
    else if (fn->p_std_error > 0)
        crisk__table_printf(t, "%.1f%% \xC2\xB1%.1f", 100 * fn->p_down, 100 * fn->p_std_error);
    else
        crisk__table_printf(t, "%.1f%%", 100 * fn->p_down);
    crisk__table_text(t, fn->breach_at == CRISK_TIME_NONE ? "-" : crisk_time_format(at, sizeof at, fn->breach_at), 0);
    crisk__table_text(t, crisk__incident_breach_text(buf, sizeof buf, r, fn), 0);
    crisk__table_text(t, crisk__incident_back_text(buf, sizeof buf, r, fn), 0);
    if (fn->swing_suspect == SIZE_MAX)
        crisk__table_text(t, "-", 0);
    else
        crisk__table_printf(t, "%s (%+.1f pts)", r->suspects[fn->swing_suspect].term, 100 * fn->swing);
}

static int print_functions(FILE *f, const crisk_incident_record *r)
{
    static const char *const head[] = { "function", "name", "criticality", "rto_hours", "down",
                                        "breach_at", "tolerance", "back (recovery_hours)",
                                        "confirming changes most" };
    fputs("\nfunctions, by when their tolerance is breached (since + rto_hours):", f);
    if (r->n_functions == 0) {
        fputs(" none affected\n", f);
        return CRISK_OK;
    }
    putc('\n', f);
    crisk__table t;
    crisk__table_init(&t, 9, head, "llrrrllll");
    for (size_t i = 0; i < r->n_functions; i++)
        function_row(&t, r, &r->functions[i]);
    int rc = crisk__table_print(f, &t, "  ");
    crisk__table_release(&t);
    return rc;
}

static void print_method(FILE *f, const crisk_incident_record *r)
{
    if (strcmp(r->method, "exact") == 0)
        fprintf(f, "suspects: exact, every one of the %" PRIu64 " states enumerated\n", r->runs);
    else if (strcmp(r->method, "monte-carlo") == 0)
        fprintf(f, "suspects: Monte Carlo, %" PRIu64 " runs from seed %" PRIu64
                   " (\xC2\xB1 one standard error)\n", r->runs, r->seed);
}

static void print_deadlines(FILE *f, const crisk_incident_record *r)
{
    char due[32], when[160];
    fputs("\nreporting clocks (UTC; Delegated Regulation (EU) 2025/301 Art. 5(4) weekend deferral "
          "not applied):\n", f);
    for (size_t i = 0; i < r->n_deadlines; i++) {
        const crisk_incident_deadline *d = &r->deadlines[i];
        fprintf(f, "%s %-21s due %s  %s\n", d->regime, d->report,
                crisk_time_format(due, sizeof due, d->due), crisk__incident_due_text(when, sizeof when, r, d));
        fprintf(f, "  rule: %s\n  from: %s\n  cite: %s\n", d->rule, d->basis, d->citation);
    }
    char lost[32];
    fprintf(f, "\n%s: %zu of %zu functions affected, %s of the criticality lost, %s so far, "
               "%zu tolerance%s breached\n", classification_note, r->functions_down, r->functions_total,
            isnan(r->lost_share) ? "-" : (snprintf(lost, sizeof lost, "%.1f%%", 100 * r->lost_share), lost),
            crisk_span_format(due, sizeof due, r->now - r->since), r->tolerances_breached,
            r->tolerances_breached == 1 ? "" : "s");
}

static int emit_text(FILE *f, const crisk_incident_record *r)
{
    print_times(f, r);
    int rc = print_terms(f, "down", r->down, r->n_down, 0);
    rc |= print_terms(f, "suspects", r->suspects, r->n_suspects, 1);
    print_facts(f, r);
    fputs("\nwhat is down now, and why (each node under the failure that caused it):\n", f);
    tree_ctx t = { f, r };
    if (rc == CRISK_OK)
        rc = crisk__incident_cause_tree(r, print_down_line, &t);
    if (rc == CRISK_OK)
        rc = print_functions(f, r);
    print_method(f, r);
    print_deadlines(f, r);
    return rc;
}

int crisk_emit_incident(FILE *f, const crisk_incident_record *r, crisk_format fmt, crisk_error *err)
{
    int rc = CRISK_OK;
    if (fmt == CRISK_FORMAT_JSON)
        return crisk_incident_record_write(f, r, err);
    rc = fmt == CRISK_FORMAT_CSV ? emit_csv(f, r) : emit_text(f, r);
    if (rc != CRISK_OK)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}
