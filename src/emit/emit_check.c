/*
 * emit_check.c - a policy check's verdicts (`chainrisk check`) as a table,
 * CSV, JSON or JUnit XML.
 *
 * A rule's verdict and each finding are records of typed fields (emit.h),
 * written as table cells, CSV rows (one wide table told apart by `kind`:
 * "rule", "violation" or "unknown") and JSON objects (the findings inside
 * their rule's object).  A finding that cannot be judged is never shown as
 * a pass: its rule's verdict is "unknown" and it is listed apart.  Every rule and violation names where the rule stands in
 * the policy file as POLICY:LINE:COLUMN, which editors and CI logs link.
 *
 * JUnit XML (for GitLab, Jenkins and other CI systems): one <testsuite>
 * for the policy, one <testcase> per rule, one <failure> per violation it
 * lists and one <error> per finding that cannot be judged, and one more
 * saying how many were not listed when a rule has more than
 * CRISK_CHECK_KEEP.  `failures` counts the violated rules, `errors` the
 * rules that cannot be judged: both fail the test run.
 * No timestamps or durations: the same inputs give the same bytes.
 */
#include "emit.h"
#include "workbook.h"
#include "xml.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- records --------------------------------------------------------------------- */

static const char *const csv_columns[] = {
    "kind", "rule", "name", "line", "column", "verdict", "checked", "violations", "unknown",
    "requires", "nodes", "measured", "limit", "message"
};
#define N_CSV_COLUMNS (sizeof csv_columns / sizeof *csv_columns)

static const char *verdict(const crisk_rule_result *r)
{
    return crisk_rule_verdict(r);
}

enum { RULE_FIELDS = 10, VIOLATION_FIELDS = 8 };

static void rule_fields(crisk__field *row, const crisk_rule_result *r)
{
    row[0] = crisk__f_text("kind", "rule");
    row[1] = crisk__f_text("rule", r->rule);
    row[2] = crisk__f_text("name", r->name);
    row[3] = crisk__f_count("line", r->line);
    row[4] = crisk__f_count("column", r->column);
    row[5] = crisk__f_text("verdict", verdict(r));
    row[6] = crisk__f_count("checked", r->checked);
    row[7] = crisk__f_count("violations", r->violations);
    row[8] = crisk__f_count("unknown", r->unknown);
    row[9] = crisk__f_text("requires", r->requires);
}

static void violation_fields(crisk__field *row, const crisk_rule_result *r,
                             const crisk_violation *v, const crisk_inventory *inv)
{
    row[0] = crisk__f_text("kind", v->unknown ? "unknown" : "violation");
    row[1] = crisk__f_text("rule", r->rule);
    row[2] = crisk__f_count("line", r->line);
    row[3] = crisk__f_count("column", r->column);
    row[4] = crisk__f_ids("nodes", inv, v->nodes, v->n_nodes);
    row[5] = crisk__f_number("measured", v->measured);
    row[6] = crisk__f_number("limit", v->limit);
    row[7] = crisk__f_text("message", v->message);
}

typedef struct check_out {
    FILE *f;
    const crisk_check *c;
    const crisk_policy *p;
    const crisk_inventory *inv;
    const crisk_rule_result *rules;
    size_t n_rules;
    const crisk_violation *violations;
    size_t n_violations;
} check_out;

static void out_init(check_out *o, FILE *f, const crisk_check *c)
{
    o->f = f;
    o->c = c;
    o->p = crisk_check_policy(c);
    o->inv = crisk_analysis_inventory(crisk_check_analysis(c));
    o->rules = crisk_check_rules(c, &o->n_rules);
    o->violations = crisk_check_violations(c, &o->n_violations);
}

static size_t total_violations(const check_out *o)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n_rules; i++)
        n += o->rules[i].violations;
    return n;
}

static size_t total_unknown(const check_out *o)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n_rules; i++)
        n += o->rules[i].unknown;
    return n;
}

/* Every rule holds: none violated, none that cannot be judged. */
static int holds(const check_out *o)
{
    return crisk_check_failed(o->c) == 0 && crisk_check_unknown(o->c) == 0;
}

/* ---- CSV and JSON ---------------------------------------------------------------------- */

/* A workbook: the rules with their verdicts on one sheet, the findings
 * on another - two tables of their own rather than CSV's one wide table. */
static int emit_sheets(const check_out *o)
{
    crisk__field row[RULE_FIELDS > VIOLATION_FIELDS ? RULE_FIELDS : VIOLATION_FIELDS];
    static const char *const rule_keys[RULE_FIELDS] = {
        "kind", "rule", "name", "line", "column", "verdict", "checked", "violations", "unknown",
        "requires"
    };
    static const char *const violation_keys[VIOLATION_FIELDS] = {
        "kind", "rule", "line", "column", "nodes", "measured", "limit", "message"
    };
    crisk__sheet_name(o->f, "rules");
    for (size_t k = 0; k < RULE_FIELDS; k++)
        row[k] = crisk__f_text(rule_keys[k], NULL);
    crisk__csv_header(o->f, row, RULE_FIELDS);
    for (size_t i = 0; i < o->n_rules; i++) {
        rule_fields(row, &o->rules[i]);
        if (crisk__csv_row(o->f, row, RULE_FIELDS) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    crisk__sheet_name(o->f, "violations");
    for (size_t k = 0; k < VIOLATION_FIELDS; k++)
        row[k] = crisk__f_text(violation_keys[k], NULL);
    crisk__csv_header(o->f, row, VIOLATION_FIELDS);
    for (size_t i = 0; i < o->n_rules; i++) {
        const crisk_rule_result *r = &o->rules[i];
        for (size_t k = r->first; k < r->first + r->kept; k++) {
            violation_fields(row, r, &o->violations[k], o->inv);
            if (crisk__csv_row(o->f, row, VIOLATION_FIELDS) != CRISK_OK)
                return CRISK_ENOMEM;
        }
    }
    return CRISK_OK;
}

static int emit_csv(const check_out *o)
{
    if (crisk__workbook_of(o->f) != NULL)
        return emit_sheets(o);
    crisk__field row[RULE_FIELDS > VIOLATION_FIELDS ? RULE_FIELDS : VIOLATION_FIELDS];
    crisk__field header[N_CSV_COLUMNS];
    for (size_t k = 0; k < N_CSV_COLUMNS; k++)
        header[k] = crisk__f_text(csv_columns[k], NULL);
    crisk__csv_header(o->f, header, N_CSV_COLUMNS);
    for (size_t i = 0; i < o->n_rules; i++) {
        const crisk_rule_result *r = &o->rules[i];
        rule_fields(row, r);
        if (crisk__csv_row_columns(o->f, csv_columns, N_CSV_COLUMNS, row, RULE_FIELDS) != CRISK_OK)
            return CRISK_ENOMEM;
        for (size_t k = r->first; k < r->first + r->kept; k++) {
            violation_fields(row, r, &o->violations[k], o->inv);
            if (crisk__csv_row_columns(o->f, csv_columns, N_CSV_COLUMNS, row, VIOLATION_FIELDS)
                != CRISK_OK)
                return CRISK_ENOMEM;
        }
    }
    return CRISK_OK;
}

static void json_rule(const check_out *o, const crisk_rule_result *r)
{
    crisk__field row[RULE_FIELDS];
    rule_fields(row, r);
    fputs("{", o->f);
    crisk__json_fields(o->f, row + 1, RULE_FIELDS - 1);   /* "kind" is the array's name */
    fputs(", \"listed\": [", o->f);
    for (size_t k = r->first; k < r->first + r->kept; k++) {
        crisk__field v[VIOLATION_FIELDS];
        violation_fields(v, r, &o->violations[k], o->inv);
        fputs(k > r->first ? ",\n    " : "\n    ", o->f);
        v[3] = crisk__f_text("finding", o->violations[k].unknown ? "unknown" : "violation");
        crisk__json_object(o->f, v + 3, VIOLATION_FIELDS - 3);
    }
    fputs(r->kept ? "\n  ]}" : "]}", o->f);
}

static void emit_json(const check_out *o, const crisk_provenance *prov)
{
    const char *name = crisk_policy_name(o->p);
    crisk_json_begin(o->f, o->inv, prov);
    fputs("{\"policy\": {\"path\": ", o->f);
    crisk_json_string(o->f, crisk_policy_path(o->p));
    fputs(", \"sha256\": ", o->f);
    crisk_json_string(o->f, crisk_policy_sha256(o->p));
    fputs(", \"name\": ", o->f);
    if (name != NULL)
        crisk_json_string(o->f, name);
    else
        fputs("null", o->f);
    fprintf(o->f, "},\n \"holds\": %s, \"rules_checked\": %zu, \"rules_violated\": %zu, "
                  "\"rules_unknown\": %zu, \"violations\": %zu, \"unknown\": %zu, \"keep\": %d,\n"
                  " \"rules\": [",
            holds(o) ? "true" : "false", o->n_rules, crisk_check_failed(o->c),
            crisk_check_unknown(o->c), total_violations(o), total_unknown(o), CRISK_CHECK_KEEP);
    for (size_t i = 0; i < o->n_rules; i++) {
        fputs(i ? ",\n  " : "\n  ", o->f);
        json_rule(o, &o->rules[i]);
    }
    fputs(o->n_rules ? "\n ]}" : "]}", o->f);
    crisk_json_end(o->f);
}

/* ---- table ------------------------------------------------------------------------------ */

/* Lists of ids in a table are cut here; CSV, JSON and JUnit give them in full. */
#define LIST_WIDTH 48

static void table_where(crisk__table *t, const check_out *o, const crisk_rule_result *r)
{
    crisk__table_printf(t, "%s:%zu:%zu", crisk_policy_path(o->p), r->line, r->column);
}

static void table_rule(crisk__table *t, const crisk_rule_result *r)
{
    if (r->name != NULL)
        crisk__table_printf(t, "%s \"%s\"", r->rule, r->name);
    else
        crisk__table_text(t, r->rule, 0);
}

static void fill_tables(const check_out *o, crisk__table *rules, crisk__table *violations,
                        crisk__table *unknown)
{
    for (size_t i = 0; i < o->n_rules; i++) {
        const crisk_rule_result *r = &o->rules[i];
        table_where(rules, o, r);
        table_rule(rules, r);
        crisk__table_text(rules, verdict(r), 0);
        crisk__table_amount(rules, (double)r->checked);
        crisk__table_amount(rules, (double)r->violations);
        crisk__table_amount(rules, (double)r->unknown);
        crisk__table_text(rules, r->requires, 0);
        for (size_t k = r->first; k < r->first + r->kept; k++) {
            const crisk_violation *v = &o->violations[k];
            crisk__table *t = v->unknown ? unknown : violations;
            table_where(t, o, r);
            table_rule(t, r);
            crisk__table_ids(t, o->inv, v->nodes, v->n_nodes, LIST_WIDTH);
            if (!v->unknown) {
                crisk__table_amount(t, v->measured);
                crisk__table_amount(t, v->limit);
            }
            crisk__table_text(t, v->message, 0);
        }
    }
}

/* The closing line: "all N rules hold", or what was violated and what
 * cannot be judged. */
static void table_summary(const check_out *o)
{
    FILE *f = o->f;
    size_t failed = crisk_check_failed(o->c), unjudged = crisk_check_unknown(o->c);
    size_t total = total_violations(o), unknown = total_unknown(o);
    const char *s = o->n_rules == 1 ? "" : "s";
    if (holds(o)) {
        if (o->n_rules == 1)
            fputs("\nthe rule holds\n", f);
        else
            fprintf(f, "\nall %zu rules hold\n", o->n_rules);
        return;
    }
    fputc('\n', f);
    if (failed > 0)
        fprintf(f, "%zu of %zu rule%s violated, %zu violation%s", failed, o->n_rules, s, total,
                total == 1 ? "" : "s");
    if (failed > 0 && unknown > 0)
        fputs("; ", f);
    if (unjudged > 0)
        fprintf(f, "%zu of %zu rule%s cannot be judged, %zu finding%s", unjudged, o->n_rules, s,
                unknown, unknown == 1 ? "" : "s");
    else if (unknown > 0)
        fprintf(f, "%zu finding%s cannot be judged", unknown, unknown == 1 ? "" : "s");
    fputc('\n', f);
}

static int emit_table(const check_out *o)
{
    static const char *const rule_head[] = {
        "where", "rule", "verdict", "checked", "violations", "unknown", "requires"
    };
    static const char *const violation_head[] = {
        "where", "rule", "nodes", "measured", "limit", "violation"
    };
    static const char *const unknown_head[] = { "where", "rule", "nodes", "cannot be judged" };
    crisk__table rules, violations, unknown;
    crisk__table_init(&rules, 7, rule_head, "lllrrrl");
    crisk__table_init(&violations, 6, violation_head, "lllrrl");
    crisk__table_init(&unknown, 4, unknown_head, "llll");
    fill_tables(o, &rules, &violations, &unknown);
    FILE *f = o->f;
    const char *name = crisk_policy_name(o->p);
    size_t total = total_violations(o) + total_unknown(o), listed_violations = 0;
    for (size_t k = 0; k < o->n_violations; k++)
        listed_violations += !o->violations[k].unknown;
    fputs("policy ", f);
    crisk__print_safe(f, crisk_policy_path(o->p), 0);
    if (name != NULL) {
        fputs(" (", f);
        crisk__print_safe(f, name, 0);
        fputs(")", f);
    }
    fprintf(f, ": %zu rule%s\n", o->n_rules, o->n_rules == 1 ? "" : "s");
    int rc = crisk__table_print(f, &rules, "  ");
    if (rc == CRISK_OK && listed_violations > 0) {
        fputs("\nviolations:\n", f);
        rc = crisk__table_print(f, &violations, "  ");
    }
    if (rc == CRISK_OK && listed_violations < o->n_violations) {
        fputs("\ncannot be judged:\n", f);
        rc = crisk__table_print(f, &unknown, "  ");
    }
    if (rc == CRISK_OK && o->n_violations < total)
        fprintf(f, "  (%zu of %zu findings listed: at most %d per rule)\n", o->n_violations,
                total, CRISK_CHECK_KEEP);
    if (rc == CRISK_OK)
        table_summary(o);
    crisk__table_release(&rules);
    crisk__table_release(&violations);
    crisk__table_release(&unknown);
    return rc;
}

/* ---- JUnit XML ------------------------------------------------------------------------------ */

static void xml_attribute(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    crisk__xml_text(f, value);
    putc('"', f);
}

static void junit_properties(const check_out *o)
{
    FILE *f = o->f;
    fputs("<properties>\n", f);
    fputs("<property", f);
    xml_attribute(f, "name", "chainrisk.version");
    xml_attribute(f, "value", crisk_version());
    fputs("/>\n<property", f);
    xml_attribute(f, "name", "policy");
    xml_attribute(f, "value", crisk_policy_path(o->p));
    fputs("/>\n<property", f);
    xml_attribute(f, "name", "policy.sha256");
    xml_attribute(f, "value", crisk_policy_sha256(o->p));
    fputs("/>\n", f);
    for (size_t i = 0; i < crisk_inventory_source_count(o->inv); i++) {
        crisk_source_view s;
        crisk_inventory_source(o->inv, i, &s);
        char name[48];
        snprintf(name, sizeof name, "input.%zu", i + 1);
        fputs("<property", f);
        xml_attribute(f, "name", name);
        xml_attribute(f, "value", s.path);
        fputs("/>\n<property", f);
        snprintf(name, sizeof name, "input.%zu.sha256", i + 1);
        xml_attribute(f, "name", name);
        xml_attribute(f, "value", s.sha256);
        fputs("/>\n", f);
    }
    fputs("</properties>\n", f);
}

/* One <failure> for a violation, one <error> for a finding that cannot be
 * judged: its message as the message attribute; in its text, where the
 * rule stands, the nodes and the figures. */
static void junit_failure(const check_out *o, const crisk_rule_result *r, const crisk_violation *v)
{
    FILE *f = o->f;
    const char *element = v->unknown ? "error" : "failure";
    char buf[64], where[CRISK_ERROR_FILE_MAX + 64];
    fprintf(f, "<%s", element);
    xml_attribute(f, "type", v->unknown ? "unknown" : r->rule);
    xml_attribute(f, "message", v->message);
    putc('>', f);
    snprintf(where, sizeof where, "%s:%zu:%zu: %s: ", crisk_policy_path(o->p), r->line,
             r->column, r->rule);
    crisk__xml_text(f, where);
    crisk__xml_text(f, v->message);
    crisk__xml_text(f, "\nnodes:");
    for (size_t i = 0; i < v->n_nodes; i++) {
        putc(' ', f);
        crisk__xml_text(f, crisk_inventory_node_id(o->inv, v->nodes[i]));
    }
    if (!isnan(v->measured)) {
        crisk__xml_text(f, "\nmeasured: ");
        crisk__xml_text(f, crisk_format_number(buf, sizeof buf, v->measured));
        crisk__xml_text(f, "; limit: ");
        crisk__xml_text(f, crisk_format_number(buf, sizeof buf, v->limit));
    }
    fprintf(f, "</%s>\n", element);
}

static void junit_testcase(const check_out *o, const crisk_rule_result *r)
{
    FILE *f = o->f;
    char classname[64], line[32], name[1024], where[CRISK_ERROR_FILE_MAX + 64];
    snprintf(classname, sizeof classname, "chainrisk.check.%s", r->rule);
    snprintf(where, sizeof where, "%s:%zu:%zu", crisk_policy_path(o->p), r->line, r->column);
    snprintf(name, sizeof name, "%s: %s (%s)", r->name != NULL ? r->name : r->rule, r->requires,
             where);
    snprintf(line, sizeof line, "%zu", r->line);
    fputs("<testcase", f);
    xml_attribute(f, "classname", classname);
    xml_attribute(f, "name", name);
    xml_attribute(f, "file", crisk_policy_path(o->p));
    xml_attribute(f, "line", line);
    if (r->violations == 0 && r->unknown == 0) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    for (size_t k = r->first; k < r->first + r->kept; k++)
        junit_failure(o, r, &o->violations[k]);
    if (r->kept < r->violations + r->unknown) {
        char more[128];
        snprintf(more, sizeof more, "and %zu more findings, not listed",
                 r->violations + r->unknown - r->kept);
        fputs(r->violations > 0 ? "<failure" : "<error", f);
        xml_attribute(f, "type", r->violations > 0 ? r->rule : "unknown");
        xml_attribute(f, "message", more);
        fputs("/>\n", f);
    }
    fputs("</testcase>\n", f);
}

static void emit_junit(const check_out *o)
{
    FILE *f = o->f;
    char tests[32], failures[32], errors[32];
    const char *name = crisk_policy_name(o->p);
    snprintf(tests, sizeof tests, "%zu", o->n_rules);
    snprintf(failures, sizeof failures, "%zu", crisk_check_failed(o->c));
    snprintf(errors, sizeof errors, "%zu", crisk_check_unknown(o->c));
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
    xml_attribute(f, "name", "chainrisk check");
    xml_attribute(f, "tests", tests);
    xml_attribute(f, "failures", failures);
    xml_attribute(f, "errors", errors);
    fputs(">\n<testsuite", f);
    xml_attribute(f, "name", name != NULL ? name : crisk_policy_path(o->p));
    xml_attribute(f, "tests", tests);
    xml_attribute(f, "failures", failures);
    xml_attribute(f, "errors", errors);
    xml_attribute(f, "skipped", "0");
    fputs(">\n", f);
    junit_properties(o);
    for (size_t i = 0; i < o->n_rules; i++)
        junit_testcase(o, &o->rules[i]);
    fputs("</testsuite>\n</testsuites>\n", f);
}

/* ---- entries ------------------------------------------------------------------------------- */

int crisk_emit_check(FILE *f, const crisk_check *c, crisk_format fmt,
                     const crisk_provenance *prov, crisk_error *err)
{
    check_out o;
    out_init(&o, f, c);
    int rc = CRISK_OK;
    if (fmt == CRISK_FORMAT_CSV)
        rc = emit_csv(&o);
    else if (fmt == CRISK_FORMAT_JSON)
        emit_json(&o, prov);
    else
        rc = emit_table(&o);
    if (rc == CRISK_ENOMEM)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}

int crisk_emit_check_junit(FILE *f, const crisk_check *c, crisk_error *err)
{
    check_out o;
    out_init(&o, f, c);
    emit_junit(&o);
    return crisk__emit_status(f, err);
}
