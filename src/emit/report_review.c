/*
 * report_review.c - the report's review sections (report_review.h): the
 * changes since a baseline and the policy's verdicts, in the page's own
 * markup and classes.  Every input text goes through crisk__escape();
 * numbers are formatted locale-free, so the same inputs give the same
 * bytes.
 */
#include "emit.h"
#include "map.h"
#include "report_review.h"

#include <math.h>
#include <string.h>

#define CHANGE_ROWS     50    /* rows per table of the changes section */
#define MOVE_ROWS       15    /* largest moves shown */
#define VIOLATION_ROWS  20    /* violations listed per rule */

static void text(FILE *f, const char *s)
{
    crisk__escape(f, s, 0, CRISK__ESC_HTML);
}

static void amount(FILE *f, double x)
{
    char buf[64];
    fputs(isnan(x) ? "\xE2\x80\x93" : crisk__amount(buf, sizeof buf, x), f);
}

static void td_id(FILE *f, const crisk_inventory *inv, size_t v)
{
    fputs("<td><code>", f);
    text(f, v == CRISK_DIFF_NONE ? "" : crisk_inventory_node_id(inv, v));
    fputs("</code></td>", f);
}

/* "old → new" of an amount, or the amount alone when it did not move. */
static void td_move(FILE *f, double o, double n, int moved)
{
    fputs("<td class=\"n\">", f);
    amount(f, o);
    if (moved) {
        fputs(" \xE2\x86\x92 ", f);
        amount(f, n);
    }
    fputs("</td>", f);
}

static void td_percent_move(FILE *f, double o, double n, int moved)
{
    fputs("<td class=\"n\">", f);
    if (isnan(o))
        fputs("\xE2\x80\x93", f);
    else
        fprintf(f, "%.1f%%", 100 * o);
    if (moved) {
        fputs(" \xE2\x86\x92 ", f);
        if (isnan(n))
            fputs("\xE2\x80\x93", f);
        else
            fprintf(f, "%.1f%%", 100 * n);
    }
    fputs("</td>", f);
}

static void capped(FILE *f, size_t shown, size_t total, const char *command)
{
    if (shown < total)
        fprintf(f, "<p class=\"note\">%zu of %zu shown; <code>%s</code> lists them all.</p>\n",
                shown, total, command);
}

/* ---- changes since the baseline ------------------------------------------------- */

static void inputs_of(FILE *f, const crisk_inventory *inv)
{
    for (size_t i = 0; i < crisk_inventory_source_count(inv); i++) {
        crisk_source_view s;
        crisk_inventory_source(inv, i, &s);
        fputs(i ? ", <code>" : "<code>", f);
        text(f, s.path);
        fputs("</code>", f);
    }
}

static size_t count_change(const void *list, size_t n, size_t size, crisk_change which)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += *(const crisk_change *)((const char *)list + i * size) == which;
    return k;
}

/* One line counting each kind of change of the model. */
static void change_counts(FILE *f, const crisk_diff *d)
{
    size_t n;
    const crisk_node_diff *nodes = crisk_diff_nodes(d, &n);
    size_t fields = count_change(nodes, n, sizeof *nodes, CRISK_CHANGE_CHANGED);
    fprintf(f, "<li>nodes: %zu added, %zu removed, %zu change%s of a field</li>\n",
            count_change(nodes, n, sizeof *nodes, CRISK_CHANGE_ADDED),
            count_change(nodes, n, sizeof *nodes, CRISK_CHANGE_REMOVED), fields,
            fields == 1 ? "" : "s");
    const crisk_edge_diff *edges = crisk_diff_edges(d, &n);
    fprintf(f, "<li>dependencies: %zu added, %zu removed, %zu changed</li>\n",
            count_change(edges, n, sizeof *edges, CRISK_CHANGE_ADDED),
            count_change(edges, n, sizeof *edges, CRISK_CHANGE_REMOVED),
            count_change(edges, n, sizeof *edges, CRISK_CHANGE_CHANGED));
    const crisk_group_diff *groups = crisk_diff_groups(d, &n);
    size_t changed = count_change(groups, n, sizeof *groups, CRISK_CHANGE_CHANGED);
    fprintf(f, "<li>redundancy groups: %zu added, %zu removed, %zu change%s of need or members</li>\n",
            count_change(groups, n, sizeof *groups, CRISK_CHANGE_ADDED),
            count_change(groups, n, sizeof *groups, CRISK_CHANGE_REMOVED), changed,
            changed == 1 ? "" : "s");
}

/* The first pairs of a diff's list, at most CHANGE_ROWS, read through its
 * cursor; those that appeared only, when `appeared_only`. */
static int first_pairs(const crisk_diff *d, crisk_diff_pairs_of which, int appeared_only,
                       crisk_pair_diff *out, size_t *count, crisk_error *err)
{
    crisk_diff_cursor *c = NULL;
    *count = 0;
    int rc = crisk_diff_pairs_open(&c, d, which, err);
    while (rc == CRISK_OK && *count < CHANGE_ROWS) {
        int got = crisk_diff_pairs_next(c, &out[*count], err);
        if (got < 0)
            rc = got;
        if (got != 1 || (appeared_only && out[*count].change != CRISK_CHANGE_ADDED))
            break;
        (*count)++;
    }
    crisk_diff_pairs_close(c);
    return rc;
}

static int changes_spofs(FILE *f, const crisk_diff *d, crisk_error *err)
{
    size_t n, appeared, resolved;
    crisk_pair_diff x[CHANGE_ROWS];
    crisk_diff_pair_counts(d, CRISK_DIFF_SPOFS, &appeared, &resolved);
    n = appeared + resolved;
    const crisk_inventory *inv[2] = { crisk_analysis_inventory(crisk_diff_old(d)),
                                      crisk_analysis_inventory(crisk_diff_new(d)) };
    fputs("<h3>Single points of failure</h3>\n", f);
    if (n == 0) {
        fputs("<p class=\"note\" id=\"changes-spofs-none\">None appeared or was resolved.</p>\n", f);
        return CRISK_OK;
    }
    size_t shown;
    int rc = first_pairs(d, CRISK_DIFF_SPOFS, 0, x, &shown, err);
    if (rc != CRISK_OK)
        return rc;
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"changes-spofs\">\n<thead><tr>"
          "<th>Function</th><th>Single point of failure</th><th>Change</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < shown; i++) {
        int s = x[i].change == CRISK_CHANGE_ADDED;
        fputs("<tr>", f);
        td_id(f, inv[s], s ? x[i].new_function : x[i].old_function);
        td_id(f, inv[s], s ? x[i].new_node : x[i].old_node);
        fputs(s ? "<td><span class=\"tag spof\">appeared</span></td></tr>\n"
                : "<td><span class=\"tag ok\">resolved</span></td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    capped(f, shown, n, "chainrisk diff");
    return CRISK_OK;
}

static void changes_moves(FILE *f, const crisk_diff *d)
{
    size_t n;
    const crisk_move *x = crisk_diff_moves(d, &n);
    const crisk_analysis *a[2] = { crisk_diff_old(d), crisk_diff_new(d) };
    fputs("<h3>Largest moves</h3>\n", f);
    if (n == 0) {
        fputs("<p class=\"note\" id=\"changes-moves-none\">No provider's impact weight, exposure, "
              "tier or breaches moved.</p>\n", f);
        return;
    }
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"changes-moves\">\n<thead><tr>"
          "<th>Provider</th><th class=\"n\">Impact weight</th><th class=\"n\">Exposure</th>"
          "<th class=\"n\">Tier</th><th class=\"n\">Breaches</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < n && i < MOVE_ROWS; i++) {
        const crisk_node_metrics *m0 = crisk_analysis_metrics(a[0], x[i].old_node);
        const crisk_node_metrics *m1 = crisk_analysis_metrics(a[1], x[i].new_node);
        fputs("<tr>", f);
        td_id(f, crisk_analysis_inventory(a[1]), x[i].new_node);
        td_move(f, m0->impact_weight, m1->impact_weight, (x[i].moved & CRISK_MOVED_IMPACT_WEIGHT) != 0);
        td_move(f, m0->exposure, m1->exposure, (x[i].moved & CRISK_MOVED_EXPOSURE) != 0);
        td_move(f, m0->tier < 0 ? NAN : (double)m0->tier, m1->tier < 0 ? NAN : (double)m1->tier,
                (x[i].moved & CRISK_MOVED_TIER) != 0);
        td_move(f, m0->breaches < 0 ? NAN : (double)m0->breaches,
                m1->breaches < 0 ? NAN : (double)m1->breaches, (x[i].moved & CRISK_MOVED_BREACHES) != 0);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    capped(f, n < MOVE_ROWS ? n : MOVE_ROWS, n, "chainrisk diff");
}

static void changes_concentration(FILE *f, const crisk_diff *d)
{
    static const char *const by[] = { "category", "parent", "country" };
    size_t n;
    const crisk_market_diff *x = crisk_diff_concentration(d, &n);
    fputs("<h3>Concentration</h3>\n", f);
    if (n == 0) {
        fputs("<p class=\"note\" id=\"changes-concentration-none\">No HHI or top-1 share moved.</p>\n", f);
        return;
    }
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"changes-concentration\">\n<thead><tr>"
          "<th>Grouped by</th><th>Market</th><th>Basis</th><th class=\"n\">HHI</th>"
          "<th class=\"n\">Top-1 share</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        for (int basis = 0; basis < 2; basis++) {
            const crisk_market *o = &x[i].old_market, *w = &x[i].new_market;
            double h0 = basis ? o->reliance_hhi : o->spend_hhi, h1 = basis ? w->reliance_hhi : w->spend_hhi;
            double t0 = basis ? o->reliance_top1 : o->spend_top1, t1 = basis ? w->reliance_top1 : w->spend_top1;
            unsigned hhi = basis ? CRISK_MOVED_RELIANCE_HHI : CRISK_MOVED_SPEND_HHI;
            unsigned top = basis ? CRISK_MOVED_RELIANCE_TOP1 : CRISK_MOVED_SPEND_TOP1;
            if ((x[i].moved & (hhi | top)) == 0 || (isnan(h0) && isnan(h1)))
                continue;
            fprintf(f, "<tr><td>%s</td><td>", by[x[i].by]);
            text(f, x[i].market);
            fprintf(f, "</td><td>%s</td>", basis ? "reliance" : "spend");
            td_move(f, isnan(h0) ? h0 : round(h0), isnan(h1) ? h1 : round(h1), (x[i].moved & hhi) != 0);
            td_percent_move(f, t0, t1, (x[i].moved & top) != 0);
            fputs("</tr>\n", f);
        }
    }
    fputs("</tbody></table></div>\n", f);
}

static int changes_breaches(FILE *f, const crisk_diff *d, crisk_error *err)
{
    size_t appeared, resolved;
    crisk_diff_pair_counts(d, CRISK_DIFF_BREACHES, &appeared, &resolved);
    const crisk_inventory *inv = crisk_analysis_inventory(crisk_diff_new(d));
    fputs("<h3>New tolerance breaches</h3>\n", f);
    if (appeared == 0)
        fputs("<p class=\"note\" id=\"changes-breaches-none\">No provider now outlasts the tolerance of a "
              "function it takes down that it did not before.</p>\n", f);
    else {
        crisk_pair_diff x[CHANGE_ROWS];
        size_t shown;
        int rc = first_pairs(d, CRISK_DIFF_BREACHES, 1, x, &shown, err);
        if (rc != CRISK_OK)
            return rc;
        fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"changes-breaches\">\n<thead><tr>"
              "<th>Function</th><th class=\"n\">RTO (h)</th><th>Provider</th><th class=\"n\">Recovery (h)</th>"
              "</tr></thead>\n<tbody>\n", f);
        for (size_t i = 0; i < shown; i++) {
            crisk_node_view fv, pv;
            crisk_inventory_node(inv, x[i].new_function, &fv);
            crisk_inventory_node(inv, x[i].new_node, &pv);
            fputs("<tr>", f);
            td_id(f, inv, x[i].new_function);
            td_move(f, fv.rto_hours, NAN, 0);
            td_id(f, inv, x[i].new_node);
            td_move(f, pv.recovery_hours, NAN, 0);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table></div>\n", f);
        capped(f, shown, appeared, "chainrisk diff");
    }
    if (resolved > 0)
        fprintf(f, "<p class=\"note\">%zu breach%s resolved.</p>\n", resolved, resolved == 1 ? "" : "es");
    return CRISK_OK;
}

/* Shared Nth parties and false redundancy that came or went, as lists. */
static void changes_shared(FILE *f, const crisk_diff *d)
{
    size_t n, m;
    const crisk_shared_diff *x = crisk_diff_shared(d, &n);
    const crisk_redundancy_diff *y = crisk_diff_false_redundancy(d, &m);
    const crisk_inventory *inv[2] = { crisk_analysis_inventory(crisk_diff_old(d)),
                                      crisk_analysis_inventory(crisk_diff_new(d)) };
    fputs("<h3>Shared dependencies and false redundancy</h3>\n", f);
    if (n + m == 0) {
        fputs("<p class=\"note\" id=\"changes-shared-none\">No shared Nth party or false redundancy "
              "appeared or went.</p>\n", f);
        return;
    }
    fputs("<ul class=\"diag\" id=\"changes-shared\">\n", f);
    for (size_t i = 0; i < n && i < CHANGE_ROWS; i++) {
        int s = x[i].change == CRISK_CHANGE_ADDED;
        fputs("<li>shared Nth party <code>", f);
        text(f, crisk_inventory_node_id(inv[s], s ? x[i].new_node : x[i].old_node));
        fputs(s ? "</code> appeared</li>\n" : "</code> disappeared</li>\n", f);
    }
    for (size_t i = 0; i < m && i < CHANGE_ROWS; i++) {
        int s = y[i].new_group != CRISK_DIFF_NONE;
        size_t g = s ? y[i].new_group : y[i].old_group;
        fputs("<li>false redundancy of group <code>", f);
        text(f, crisk_inventory_group_name(inv[s], g));
        fputs("</code> of <code>", f);
        text(f, crisk_inventory_node_id(inv[s], crisk_inventory_group_owner(inv[s], g)));
        fputs(y[i].change == CRISK_CHANGE_ADDED ? "</code> appeared</li>\n"
              : y[i].change == CRISK_CHANGE_REMOVED ? "</code> disappeared</li>\n"
                                                    : "</code> is defeated by other nodes</li>\n", f);
    }
    fputs("</ul>\n", f);
}

int crisk__report_changes(FILE *f, const crisk_diff *d, crisk_error *err)
{
    const crisk_inventory *old_inv = crisk_analysis_inventory(crisk_diff_old(d));
    size_t total = crisk_diff_count(d);
    fputs("<section id=\"changes\">\n<h2>Changes since the baseline</h2>\n<p class=\"lead\">Compared with ", f);
    inputs_of(f, old_inv);
    fprintf(f, " (%zu nodes, %zu dependencies): %zu change%s. <code>chainrisk diff</code> lists every "
               "one.</p>\n", crisk_inventory_node_count(old_inv), crisk_inventory_edge_count(old_inv),
            total, total == 1 ? "" : "s");
    fputs("<ul class=\"diag\" id=\"changes-counts\">\n", f);
    change_counts(f, d);
    fputs("</ul>\n", f);
    int rc = changes_spofs(f, d, err);
    if (rc != CRISK_OK)
        return rc;
    changes_moves(f, d);
    changes_concentration(f, d);
    rc = changes_breaches(f, d, err);
    if (rc != CRISK_OK)
        return rc;
    changes_shared(f, d);
    fputs("</section>\n", f);
    return CRISK_OK;
}

/* ---- the policy ------------------------------------------------------------------ */

static void rule_violations(FILE *f, const crisk_check *c, const crisk_rule_result *r)
{
    size_t n;
    const crisk_violation *v = crisk_check_violations(c, &n);
    fputs("<li><code>", f);
    text(f, crisk_policy_path(crisk_check_policy(c)));
    fprintf(f, ":%zu:%zu</code> ", r->line, r->column);
    text(f, r->name != NULL ? r->name : r->rule);
    fputs("<ul>\n", f);
    size_t shown = r->kept < VIOLATION_ROWS ? r->kept : VIOLATION_ROWS;
    for (size_t k = r->first; k < r->first + shown && k < n; k++) {
        fputs(v[k].unknown ? "<li><span class=\"tag\">cannot be judged</span> " : "<li>", f);
        text(f, v[k].message);
        fputs("</li>\n", f);
    }
    if (r->violations + r->unknown > shown)
        fprintf(f, "<li>and %zu more; <code>chainrisk check</code> lists them</li>\n",
                r->violations + r->unknown - shown);
    fputs("</ul></li>\n", f);
}

void crisk__report_policy(FILE *f, const crisk_check *c)
{
    const crisk_policy *p = crisk_check_policy(c);
    size_t n, failed = crisk_check_failed(c), unknown = crisk_check_unknown(c);
    const crisk_rule_result *r = crisk_check_rules(c, &n);
    fputs("<section id=\"policy\">\n<h2>Policy</h2>\n<p class=\"lead\">", f);
    if (crisk_policy_name(p) != NULL) {
        text(f, crisk_policy_name(p));
        fputs(" (<code>", f);
        text(f, crisk_policy_path(p));
        fputs("</code>)", f);
    } else {
        fputs("<code>", f);
        text(f, crisk_policy_path(p));
        fputs("</code>", f);
    }
    if (failed == 0 && unknown == 0)
        fprintf(f, ": every one of its %zu rules holds.</p>\n", n);
    else if (unknown == 0)
        fprintf(f, ": %zu of its %zu rules %s violated.</p>\n", failed, n, failed == 1 ? "is" : "are");
    else if (failed == 0)
        fprintf(f, ": %zu of its %zu rules cannot be judged.</p>\n", unknown, n);
    else
        fprintf(f, ": %zu of its %zu rules %s violated, %zu cannot be judged.</p>\n", failed, n,
                failed == 1 ? "is" : "are", unknown);
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"policy-rules\">\n<thead><tr><th>Rule</th>"
          "<th>Requires</th><th>Verdict</th><th class=\"n\">Checked</th><th class=\"n\">Violations</th>"
          "<th class=\"n\">Cannot be judged</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td>", f);
        text(f, r[i].name != NULL ? r[i].name : r[i].rule);
        fprintf(f, " <code>%s, line %zu</code></td><td>", r[i].rule, r[i].line);
        text(f, r[i].requires);
        fputs(r[i].violations ? "</td><td><span class=\"tag spof\">violated</span></td>"
              : r[i].unknown  ? "</td><td><span class=\"tag breach\">cannot be judged</span></td>"
                              : "</td><td><span class=\"tag ok\">holds</span></td>", f);
        fprintf(f, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                r[i].checked, r[i].violations, r[i].unknown);
    }
    fputs("</tbody></table></div>\n", f);
    if (failed > 0 || unknown > 0) {
        fputs("<h3>Violations</h3>\n<ul class=\"diag\" id=\"policy-violations\">\n", f);
        for (size_t i = 0; i < n; i++)
            if (r[i].violations > 0 || r[i].unknown > 0)
                rule_violations(f, c, &r[i]);
        fputs("</ul>\n", f);
    }
    fputs("</section>\n", f);
}
