/*
 * emit_impact.c - what fails in a scenario, and why (`chainrisk impact`).
 *
 * For each failed node we name the redundancy group that failed it (the
 * cascade's cause) and the members of that group that were already down:
 * those that failed in an earlier round.  The table shows the cascade as a
 * tree: a node hangs under the member of its cause group that failed last
 * (the one that tipped the group), so reading down a branch follows the
 * failure from the initial node to the functions.  CSV and JSON give one
 * row per failed node in propagation order.
 *
 * Tolerances: every failed node has a downtime (crisk_downtime: all H with
 * --hours H, else each initial node down for its recovery_hours and the
 * durations carried through the graph).  A failed function breaches its
 * tolerance when its downtime exceeds rto_hours; one without rto_hours, or
 * whose downtime an unknown recovery leaves on both sides of it, cannot be
 * judged (empty/null/"unknown").  Without a downtime nothing is judged.
 * CSV and JSON carry every failed node's downtime bounds whatever the
 * mode, so the command has one schema.
 */
#include "emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct impact {
    const crisk_inventory *inv;
    const crisk_cascade *c;
    const uint32_t *order;      /* failed nodes, propagation order */
    size_t n_failed;
    uint32_t *pos;              /* node -> position in order (failed nodes only) */
    size_t *cause_start;        /* n_failed + 1: cause members of order[i] are */
    uint32_t *cause;            /*   cause[cause_start[i] .. cause_start[i+1]) */
    const crisk_downtime *d;    /* how long each node is down; NULL = not known */
    double hours;               /* one outage duration for all; NaN = each its recovery_hours */
    size_t functions;           /* in the inventory */
    double total;               /* total criticality of the inventory */
    size_t failed_functions;
    double lost;                /* criticality of the failed functions */
    size_t breaches;
    size_t unjudged;            /* failed functions whose tolerance cannot be judged */
    FILE *f;                    /* where the tree is printed */
} impact;

static void impact_release(impact *im)
{
    free(im->pos);
    free(im->cause_start);
    free(im->cause);
}

static int is_function(const impact *im, size_t v)
{
    return crisk_inventory_node_type(im->inv, v) == CRISK_NODE_FUNCTION;
}

/* 1 breached, 0 within tolerance, NaN cannot tell (no downtime, no rto, or
 * bounds on both sides of it). */
static double breach_of(const impact *im, size_t v)
{
    crisk_node_view n;
    crisk_inventory_node(im->inv, v, &n);
    if (n.type != CRISK_NODE_FUNCTION || im->d == NULL)
        return NAN;
    crisk_duration dt = crisk_downtime_of(im->d, v);
    switch (crisk_tolerance_judge(&dt, n.rto_hours)) {
    case CRISK_TOLERANCE_BREACHED: return 1;
    case CRISK_TOLERANCE_WITHIN:   return 0;
    default:                       return NAN;
    }
}

/* The downtime bounds of a failed node as CSV/JSON numbers: min (0 for
 * "some positive time") and max (NaN = unbounded); both NaN without a
 * downtime. */
static void downtime_numbers(const impact *im, size_t v, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (im->d == NULL)
        return;
    crisk_duration dt = crisk_downtime_of(im->d, v);
    *lo = dt.lo;
    *hi = isinf(dt.hi) ? NAN : dt.hi;
}

/* A member of v's cause group that was down before v failed. */
static int is_cause_member(const impact *im, size_t m, size_t v)
{
    return crisk_cascade_is_failed(im->c, m)
        && crisk_cascade_round(im->c, m) < crisk_cascade_round(im->c, v);
}

static int collect_causes(impact *im)
{
    size_t total = 0;
    for (size_t i = 0; i < im->n_failed; i++) {
        size_t g = crisk_cascade_cause(im->c, im->order[i]);
        if (g != CRISK_CAUSE_INITIAL && g != CRISK_CAUSE_NONE)
            total += crisk_inventory_group_size(im->inv, g);
    }
    im->cause_start = malloc((im->n_failed + 1) * sizeof *im->cause_start);
    im->cause = malloc((total ? total : 1) * sizeof *im->cause);
    if (im->cause_start == NULL || im->cause == NULL)
        return CRISK_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < im->n_failed; i++) {
        size_t v = im->order[i], g = crisk_cascade_cause(im->c, v);
        im->cause_start[i] = k;
        if (g == CRISK_CAUSE_INITIAL || g == CRISK_CAUSE_NONE)
            continue;
        for (size_t j = 0; j < crisk_inventory_group_size(im->inv, g); j++) {
            size_t m = crisk_inventory_group_member(im->inv, g, j);
            if (is_cause_member(im, m, v))
                im->cause[k++] = (uint32_t)m;
        }
    }
    im->cause_start[im->n_failed] = k;
    return CRISK_OK;
}

static void count_totals(impact *im)
{
    size_t n = crisk_inventory_node_count(im->inv);
    for (size_t v = 0; v < n; v++) {
        if (!is_function(im, v))
            continue;
        crisk_node_view view;
        crisk_inventory_node(im->inv, v, &view);
        im->functions++;
        im->total += view.criticality;
        if (!crisk_cascade_is_failed(im->c, v))
            continue;
        im->failed_functions++;
        im->lost += view.criticality;
        double b = breach_of(im, v);
        im->breaches += b == 1;
        im->unjudged += isnan(b) && im->d != NULL;
    }
}

static int impact_init(impact *im, const crisk_inventory *inv, const crisk_cascade *c,
                       const crisk_downtime *d, double hours)
{
    memset(im, 0, sizeof *im);
    im->inv = inv;
    im->c = c;
    im->d = d;
    im->hours = hours;
    im->order = crisk_cascade_order(c, &im->n_failed);
    size_t n = crisk_inventory_node_count(inv);
    im->pos = malloc((n ? n : 1) * sizeof *im->pos);
    if (im->pos == NULL)
        return CRISK_ENOMEM;
    for (size_t i = 0; i < im->n_failed; i++)
        im->pos[im->order[i]] = (uint32_t)i;
    count_totals(im);
    return collect_causes(im);
}

static double lost_share(const impact *im)
{
    return im->total > 0 ? im->lost / im->total : NAN;
}

/* ---- CSV and JSON ------------------------------------------------------------ */

enum { IMPACT_FIELDS = 10 };

/* The fields of failed node order[i]; i = SIZE_MAX gives the keys alone
 * (for the CSV header). */
static void impact_row(crisk__field *row, const impact *im, size_t i)
{
    if (i == SIZE_MAX) {
        static const char *const keys[IMPACT_FIELDS] = {
            "id", "name", "type", "round", "cause_group", "cause_members", "criticality", "breach",
            "downtime_min_hours", "downtime_max_hours"
        };
        for (size_t k = 0; k < IMPACT_FIELDS; k++)
            row[k] = crisk__f_text(keys[k], NULL);
        return;
    }
    size_t v = im->order[i], g = crisk_cascade_cause(im->c, v);
    crisk_node_view n;
    crisk_inventory_node(im->inv, v, &n);
    int initial = g == CRISK_CAUSE_INITIAL || g == CRISK_CAUSE_NONE;
    row[0] = crisk__f_text("id", n.id);
    row[1] = crisk__f_text("name", n.name);
    row[2] = crisk__f_text("type", crisk_node_type_name(n.type));
    row[3] = crisk__f_count("round", crisk_cascade_round(im->c, v));
    row[4] = crisk__f_text("cause_group", initial ? NULL : crisk_inventory_group_name(im->inv, g));
    row[5] = crisk__f_ids("cause_members", im->inv, im->cause + im->cause_start[i],
                          im->cause_start[i + 1] - im->cause_start[i]);
    row[6] = crisk__f_number("criticality", n.type == CRISK_NODE_FUNCTION ? n.criticality : NAN);
    row[7] = crisk__f_bool("breach", breach_of(im, v));
    double lo, hi;
    downtime_numbers(im, v, &lo, &hi);
    row[8] = crisk__f_number("downtime_min_hours", lo);
    row[9] = crisk__f_number("downtime_max_hours", hi);
}

static int emit_csv(FILE *f, const impact *im)
{
    crisk__field row[IMPACT_FIELDS];
    impact_row(row, im, SIZE_MAX);
    crisk__csv_header(f, row, IMPACT_FIELDS);
    for (size_t i = 0; i < im->n_failed; i++) {
        impact_row(row, im, i);
        if (crisk__csv_row(f, row, IMPACT_FIELDS) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    return CRISK_OK;
}

static void emit_json(FILE *f, const impact *im, const crisk_provenance *prov)
{
    crisk_json_begin(f, im->inv, prov);
    fputs("{\"initial\": [", f);
    for (size_t i = 0; i < im->n_failed && crisk_cascade_round(im->c, im->order[i]) == 0; i++) {
        fputs(i ? ", " : "", f);
        crisk_json_string(f, crisk_inventory_node_id(im->inv, im->order[i]));
    }
    fputs("], \"hours\": ", f);
    crisk_json_number(f, im->hours);
    fprintf(f, ", \"failed_nodes\": %zu, \"functions\": %zu, \"failed_functions\": %zu",
            im->n_failed, im->functions, im->failed_functions);
    fputs(", \"total_criticality\": ", f);
    crisk_json_number(f, im->total);
    fputs(", \"lost_criticality\": ", f);
    crisk_json_number(f, im->lost);
    fputs(", \"lost_share\": ", f);
    crisk_json_number(f, lost_share(im));
    fputs(", \"breaches\": ", f);
    crisk_json_number(f, im->d == NULL ? NAN : (double)im->breaches);
    fputs(", \"tolerance_unknown\": ", f);
    crisk_json_number(f, im->d == NULL ? NAN : (double)im->unjudged);
    fputs(",\n \"nodes\": [", f);
    for (size_t i = 0; i < im->n_failed; i++) {
        crisk__field row[IMPACT_FIELDS];
        impact_row(row, im, i);
        fputs(i ? ",\n  " : "\n  ", f);
        crisk__json_object(f, row, IMPACT_FIELDS);
    }
    fputs(im->n_failed ? "\n]}" : "]}", f);
    crisk_json_end(f);
}

/* ---- the readable form -------------------------------------------------------- */

/* `id "name" (type)` - the name only when it says more than the id. */
static int print_node(FILE *f, const impact *im, size_t v)
{
    crisk_node_view n;
    crisk_inventory_node(im->inv, v, &n);
    int rc = crisk__print_safe(f, n.id, 0);
    if (strcmp(n.name, n.id) != 0) {
        fputs(" \"", f);
        rc |= crisk__print_safe(f, n.name, CRISK__NAME_WIDTH);
        putc('"', f);
    }
    fprintf(f, " (%s", crisk_node_type_name(n.type));
    if (n.type == CRISK_NODE_FUNCTION) {
        char buf[64];
        fprintf(f, ", criticality %s", crisk__amount(buf, sizeof buf, n.criticality));
    }
    putc(')', f);
    return rc;
}

static int print_ids(FILE *f, const crisk_inventory *inv, const uint32_t *nodes, size_t n)
{
    int rc = CRISK_OK;
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        rc |= crisk__print_safe(f, crisk_inventory_node_id(inv, nodes[i]), 0);
    }
    return rc;
}

/* Why order[i] failed: "initial failure", "depends on X" for a plain
 * dependency, or "group 'g' (needs k of n) lost X, Y" for a redundancy group. */
static int print_reason(FILE *f, const impact *im, size_t i)
{
    size_t g = crisk_cascade_cause(im->c, im->order[i]);
    if (g == CRISK_CAUSE_INITIAL || g == CRISK_CAUSE_NONE) {
        fputs("initial failure", f);
        return CRISK_OK;
    }
    const char *name = crisk_inventory_group_name(im->inv, g);
    const uint32_t *members = im->cause + im->cause_start[i];
    size_t n = im->cause_start[i + 1] - im->cause_start[i];
    int rc = CRISK_OK;
    if (name[0] == '\0') {
        fputs("depends on ", f);
    } else {
        fputs("group '", f);
        rc |= crisk__print_safe(f, name, CRISK__NAME_WIDTH);
        fprintf(f, "' (needs %zu of %zu) lost ", crisk_inventory_group_need(im->inv, g),
                crisk_inventory_group_size(im->inv, g));
    }
    return rc | print_ids(f, im->inv, members, n);
}

static int print_line(void *ctx, size_t i, size_t depth)
{
    const impact *im = ctx;
    FILE *f = im->f;
    crisk__cause_indent(f, depth);
    int rc = print_node(f, im, im->order[i]);
    fputs(": ", f);
    rc |= print_reason(f, im, i);
    putc('\n', f);
    return rc;
}

/* The cascade as a tree (crisk__cause_tree_walk): each node under the
 * cause member that failed last. */
static int print_tree(FILE *f, impact *im)
{
    size_t total = im->cause_start[im->n_failed];
    uint32_t *cause_pos = malloc((total ? total : 1) * sizeof *cause_pos);
    if (cause_pos == NULL)
        return CRISK_ENOMEM;
    for (size_t k = 0; k < total; k++)
        cause_pos[k] = im->pos[im->cause[k]];
    im->f = f;
    int rc = crisk__cause_tree_walk(im->n_failed, im->cause_start, cause_pos, print_line, im);
    free(cause_pos);
    return rc != CRISK_OK ? CRISK_ENOMEM : CRISK_OK;
}

/* " for its recovery_hours (8 h)", or for several initial nodes " for their
 * recovery_hours (a 8 h, b unknown)". */
static void print_recoveries(FILE *f, const impact *im, size_t n)
{
    fprintf(f, " for %s recovery_hours (", n == 1 ? "its" : "their");
    for (size_t i = 0; i < n; i++) {
        crisk_node_view view;
        crisk_inventory_node(im->inv, im->order[i], &view);
        fputs(i ? ", " : "", f);
        if (n > 1) {
            crisk__print_safe(f, view.id, 0);
            putc(' ', f);
        }
        char buf[64];
        if (isnan(view.recovery_hours))
            fputs("unknown", f);
        else
            fprintf(f, "%s h", crisk__amount(buf, sizeof buf, view.recovery_hours));
    }
    putc(')', f);
}

static void print_scenario(FILE *f, const impact *im)
{
    fputs("scenario: ", f);
    size_t n = 0;
    for (; n < im->n_failed && crisk_cascade_round(im->c, im->order[n]) == 0; n++) {
        fputs(n ? ", " : "", f);
        crisk__print_safe(f, crisk_inventory_node_id(im->inv, im->order[n]), 0);
    }
    fprintf(f, " fail%s", n == 1 ? "s" : "");
    char buf[64];
    if (!isnan(im->hours))
        fprintf(f, " for %s h", crisk__amount(buf, sizeof buf, im->hours));
    else if (im->d != NULL)
        print_recoveries(f, im, n);
    char lost[64], total[64];
    fprintf(f, "\n%zu node%s fail; %zu of %zu functions; criticality %s of %s lost",
            im->n_failed, im->n_failed == 1 ? "" : "s", im->failed_functions, im->functions,
            crisk__amount(lost, sizeof lost, im->lost), crisk__amount(total, sizeof total, im->total));
    if (im->total > 0)
        fprintf(f, " (%.1f%%)", 100.0 * lost_share(im));
    fputs("\n\ncascade (each node under the failure that caused it):\n", f);
}

/* Failed functions: criticality desc, id asc. */
typedef struct function_key {
    double criticality;
    const char *id;
    uint32_t node;
} function_key;

static int compare_function(const void *pa, const void *pb)
{
    const function_key *a = pa, *b = pb;
    if (a->criticality != b->criticality)
        return a->criticality > b->criticality ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The downtime column appears when each node is down for its own
 * recovery_hours (with --hours every downtime is that H); the tolerance
 * column whenever there are downtimes. */
static int shows_downtime(const impact *im)
{
    return im->d != NULL && isnan(im->hours);
}

static void function_row(crisk__table *t, const impact *im, size_t v)
{
    crisk_node_view n;
    crisk_inventory_node(im->inv, v, &n);
    crisk__table_text(t, n.id, 0);
    crisk__table_text(t, n.name, CRISK__NAME_WIDTH);
    crisk__table_amount(t, n.criticality);
    crisk__table_amount(t, n.rto_hours);
    if (shows_downtime(im)) {
        char buf[96];
        crisk_duration dt = crisk_downtime_of(im->d, v);
        crisk__table_text(t, crisk__duration_text(buf, sizeof buf, &dt), 0);
    }
    if (im->d != NULL) {
        double b = breach_of(im, v);
        crisk__table_text(t, isnan(b) ? "unknown" : b != 0 ? "breached" : "within", 0);
    }
}

static void print_breach_line(FILE *f, const impact *im)
{
    char buf[64];
    const char *verb = im->breaches == 1 ? " breaches its tolerance" : "s breach their tolerance";
    if (im->d == NULL) {
        fputs("no outage duration given: use --hours H to check rto_hours tolerances\n", f);
    } else if (!isnan(im->hours)) {
        fprintf(f, "%zu function%s (rto_hours < %s h)\n", im->breaches, verb,
                crisk__amount(buf, sizeof buf, im->hours));
    } else {
        fprintf(f, "%zu function%s (downtime > rto_hours)", im->breaches, verb);
        if (im->unjudged > 0)
            fprintf(f, "; %zu cannot be judged (recovery_hours or rto_hours unknown)",
                    im->unjudged);
        putc('\n', f);
    }
}

static int print_functions(FILE *f, const impact *im)
{
    static const char *const head_hours[] = { "function", "name", "criticality", "rto_hours",
                                              "tolerance" };
    static const char *const head_own[] = { "function", "name", "criticality", "rto_hours",
                                            "downtime", "tolerance" };
    function_key *fn = malloc((im->failed_functions ? im->failed_functions : 1) * sizeof *fn);
    if (fn == NULL)
        return CRISK_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < im->n_failed; i++) {
        size_t v = im->order[i];
        if (!is_function(im, v))
            continue;
        crisk_node_view n;
        crisk_inventory_node(im->inv, v, &n);
        fn[k++] = (function_key){ n.criticality, n.id, (uint32_t)v };
    }
    crisk__sort(fn, k, sizeof *fn, compare_function);

    fputs("\nfailed functions:", f);
    int rc = CRISK_OK;
    if (k == 0) {
        fputs(" none\n", f);
    } else {
        putc('\n', f);
        crisk__table t;
        if (shows_downtime(im))
            crisk__table_init(&t, 6, head_own, "llrrrl");
        else
            crisk__table_init(&t, im->d == NULL ? 4 : 5, head_hours, "llrrl");
        for (size_t i = 0; i < k; i++)
            function_row(&t, im, fn[i].node);
        rc = crisk__table_print(f, &t, "  ");
        crisk__table_release(&t);
    }
    free(fn);
    print_breach_line(f, im);
    return rc;
}

static int emit_text(FILE *f, impact *im)
{
    print_scenario(f, im);
    int rc = print_tree(f, im);
    if (rc == CRISK_OK)
        rc = print_functions(f, im);
    return rc;
}

int crisk_emit_impact(FILE *f, const crisk_inventory *inv, const crisk_cascade *c,
                      const crisk_downtime *d, double hours, crisk_format fmt,
                      const crisk_provenance *prov, crisk_error *err)
{
    impact im;
    int rc = impact_init(&im, inv, c, d, hours);
    if (rc == CRISK_OK) {
        if (fmt == CRISK_FORMAT_CSV)
            rc = emit_csv(f, &im);
        else if (fmt == CRISK_FORMAT_JSON)
            emit_json(f, &im, prov);
        else
            rc = emit_text(f, &im);
    }
    impact_release(&im);
    if (rc != CRISK_OK)
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}
