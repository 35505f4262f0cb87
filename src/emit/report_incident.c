/*
 * report_incident.c - a decision record as one self-contained HTML page
 * (`chainrisk report --incident FILE.json`, crisk_incident_page_write).
 *
 * The page is the report's (report_page.c: the same style sheet, sorting
 * script and Content-Security-Policy) and is written from the record
 * alone, so a record read back from its file renders as the run that made
 * it would.  Every text of the record goes through crisk__escape(); the
 * record may have come from anywhere.  The cause tree is nested lists
 * (the policy admits no inline style).
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "emit.h"
#include "map.h"
#include "report_page.h"

typedef struct page {
    FILE *f;
    const crisk_incident_record *r;
    size_t depth;          /* open <ul> levels of the cause tree */
} page;

static void text(page *p, const char *s)
{
    crisk__escape(p->f, s != NULL ? s : "", 0, CRISK__ESC_HTML);
}

static void cell(page *p, const char *s, const char *cls)
{
    fprintf(p->f, cls != NULL ? "<td class=\"%s\">" : "<td>", cls);
    text(p, s);
    fputs("</td>", p->f);
}

static void time_cell(page *p, crisk_time t)
{
    char buf[32];
    fputs("<td class=\"n\">", p->f);
    if (t == CRISK_TIME_NONE)
        fputs("\xE2\x80\x93", p->f);
    else
        fprintf(p->f, "<time>%s</time>", crisk_time_format(buf, sizeof buf, t));
    fputs("</td>", p->f);
}

static void write_header(page *p)
{
    const crisk_incident_record *r = p->r;
    char since[32], now[32];
    fputs("<header class=\"top\"><div class=\"wrap\">\n<h1>Incident decision record</h1>\n<p class=\"sub\">", p->f);
    fprintf(p->f, "Since <time>%s</time> \xC2\xB7 judged at <time>%s</time> \xC2\xB7 recorded by chainrisk ",
            crisk_time_format(since, sizeof since, r->since), crisk_time_format(now, sizeof now, r->now));
    text(p, r->tool);
    fputs("</p>\n</div></header>\n<nav class=\"toc\" aria-label=\"Sections\"><div class=\"wrap\">"
          "<a href=\"#summary\">Summary</a><a href=\"#clocks\">Reporting clocks</a>"
          "<a href=\"#functions\">Functions</a><a href=\"#down\">What is down</a>"
          "<a href=\"#assumptions\">Assumptions</a><a href=\"#provenance\">Provenance</a>"
          "</div></nav>\n<main class=\"wrap\">\n", p->f);
}

/* The first deadline not submitted, by due time. */
static const crisk_incident_deadline *next_deadline(const crisk_incident_record *r)
{
    const crisk_incident_deadline *best = NULL;
    for (size_t i = 0; i < r->n_deadlines; i++) {
        const crisk_incident_deadline *d = &r->deadlines[i];
        if (d->submitted == CRISK_TIME_NONE && (best == NULL || d->due < best->due))
            best = d;
    }
    return best;
}

static void card(page *p, const char *id, const char *key, int alert, const char *value, const char *detail)
{
    fprintf(p->f, "<div class=\"card%s\" id=\"%s\"><div class=\"k\">%s</div><div class=\"v\">", alert ? " alert" : "",
            id, key);
    text(p, value);
    fputs("</div><div class=\"d\">", p->f);
    text(p, detail);
    fputs("</div></div>\n", p->f);
}

static void write_summary(page *p)
{
    const crisk_incident_record *r = p->r;
    char v[96], d[256], span[48];
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"lead\">Whether the incident is significant "
          "(NIS2 Art. 23(3)) or major (DORA Art. 18) is the organisation&#39;s classification; these are "
          "the facts that feed it.</p>\n<div class=\"cards\">\n", p->f);
    snprintf(v, sizeof v, "%zu of %zu", r->functions_down, r->functions_total);
    card(p, "card-functions", "Functions down", r->functions_down > 0, v, "for certain, from the confirmed failures");
    if (isnan(r->lost_share))
        snprintf(v, sizeof v, "\xE2\x80\x93");
    else
        snprintf(v, sizeof v, "%.1f\xE2\x80\xAF%%", 100 * r->lost_share);
    snprintf(d, sizeof d, "of the total criticality of the functions");
    card(p, "card-share", "Criticality lost", r->lost_share > 0, v, d);
    card(p, "card-duration", "Duration so far", 0, crisk_span_format(span, sizeof span, r->now - r->since),
         "since the outage started");
    snprintf(v, sizeof v, "%zu", r->tolerances_breached);
    card(p, "card-breached", "Tolerances breached", r->tolerances_breached > 0, v, "downtime beyond rto_hours now");
    const crisk_incident_deadline *next = next_deadline(r);
    if (next != NULL) {
        char due[32];
        crisk__incident_due_text(d, sizeof d, r, next);
        snprintf(v, sizeof v, "%s %s", next->regime, next->report);
        fputs("<div class=\"card", p->f);
        fputs(next->due < r->now ? " alert" : "", p->f);
        fputs("\" id=\"card-next\"><div class=\"k\">Next report</div><div class=\"v\">", p->f);
        text(p, v);
        fprintf(p->f, "</div><div class=\"d\"><time>%s</time> \xC2\xB7 ", crisk_time_format(due, sizeof due, next->due));
        text(p, d);
        fputs("</div></div>\n", p->f);
    }
    fputs("</div>\n</section>\n", p->f);
}

static void write_clocks(page *p)
{
    const crisk_incident_record *r = p->r;
    char buf[160];
    fputs("<section id=\"clocks\">\n<h2>Reporting clocks</h2>\n<p class=\"lead\">Deadlines in UTC, each "
          "with the rule it comes from and what it was counted from. Not applied: the weekend and "
          "bank-holiday deferral of Delegated Regulation (EU) 2025/301 Art. 5(4).</p>\n"
          "<div class=\"scroll\"><table id=\"clocks-table\">\n<thead><tr><th>Regime</th><th>Report</th>"
          "<th class=\"n\">Due (UTC)</th><th>Status</th><th>Rule</th><th>Counted from</th><th>Citation</th>"
          "</tr></thead>\n<tbody>\n", p->f);
    for (size_t i = 0; i < r->n_deadlines; i++) {
        const crisk_incident_deadline *d = &r->deadlines[i];
        int late = d->submitted == CRISK_TIME_NONE ? d->due < r->now : d->submitted > d->due;
        fputs("<tr>", p->f);
        cell(p, d->regime, NULL);
        cell(p, d->report, "nm");
        time_cell(p, d->due);
        fputs(late ? "<td><span class=\"tag spof\">" : "<td><span class=\"tag ok\">", p->f);
        text(p, crisk__incident_due_text(buf, sizeof buf, r, d));
        fputs("</span></td>", p->f);
        cell(p, d->rule, NULL);
        cell(p, d->basis, NULL);
        cell(p, d->citation, NULL);
        fputs("</tr>\n", p->f);
    }
    fputs("</tbody></table></div>\n</section>\n", p->f);
}

static void probability_cell(page *p, const crisk_incident_function *fn)
{
    char num[40];
    fprintf(p->f, "<td class=\"n\" data-v=\"%s\">", crisk_format_number(num, sizeof num, fn->p_down));
    if (fn->p_down >= 1)
        fputs("<span class=\"tag spof\">down</span>", p->f);
    else if (fn->p_std_error > 0)
        fprintf(p->f, "%.1f\xE2\x80\xAF%% \xC2\xB1%.1f", 100 * fn->p_down, 100 * fn->p_std_error);
    else
        fprintf(p->f, "%.1f\xE2\x80\xAF%%", 100 * fn->p_down);
    fputs("</td>", p->f);
}

static void function_row(page *p, const crisk_incident_function *fn)
{
    const crisk_incident_record *r = p->r;
    char buf[160], num[40];
    fputs("<tr><td class=\"node\"><span class=\"nm\">", p->f);
    text(p, fn->name);
    fputs("</span>", p->f);
    if (strcmp(fn->name, fn->id) != 0) {
        fputs(" <code>", p->f);
        text(p, fn->id);
        fputs("</code>", p->f);
    }
    fprintf(p->f, "</td><td class=\"n\">%s</td>", crisk__amount(num, sizeof num, fn->criticality));
    fprintf(p->f, "<td class=\"n\">%s</td>", crisk__amount(num, sizeof num, fn->rto_hours));
    probability_cell(p, fn);
    time_cell(p, fn->breach_at);
    int breached = fn->breach_at != CRISK_TIME_NONE && fn->breach_at < r->now;
    fputs(breached ? "<td><span class=\"tag breach\">" : "<td><span>", p->f);
    text(p, crisk__incident_breach_text(buf, sizeof buf, r, fn));
    fputs("</span></td>", p->f);
    cell(p, crisk__incident_back_text(buf, sizeof buf, r, fn), NULL);
    if (fn->swing_suspect == SIZE_MAX) {
        fputs("<td>\xE2\x80\x93</td>", p->f);
    } else {
        fputs("<td><code>", p->f);
        text(p, r->suspects[fn->swing_suspect].term);
        fprintf(p->f, "</code> %+.1f pts</td>", 100 * fn->swing);
    }
    fputs("</tr>\n", p->f);
}

static void write_functions(page *p)
{
    const crisk_incident_record *r = p->r;
    fputs("<section id=\"functions\">\n<h2>Functions</h2>\n<p class=\"lead\">Every function the incident "
          "reaches, by when its tolerance is breached (start + rto_hours); when it is back follows from the "
          "failed providers&#39; recovery_hours, unknown where one is not given. For a function that is only "
          "possibly down, the suspect whose confirmation changes its outlook most: P(down | suspect down) "
          "\xE2\x88\x92 P(down | suspect up).</p>\n", p->f);
    if (r->n_functions == 0) {
        fputs("<p class=\"note\">No function is affected.</p>\n</section>\n", p->f);
        return;
    }
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"functions-table\">\n<thead><tr><th>Function</th>"
          "<th class=\"n\">Criticality</th><th class=\"n\">RTO h</th><th class=\"n\">P(down)</th>"
          "<th class=\"n\">Breach at (UTC)</th><th>Tolerance</th><th>Back</th><th>Confirming changes most</th>"
          "</tr></thead>\n<tbody>\n", p->f);
    for (size_t i = 0; i < r->n_functions; i++)
        function_row(p, &r->functions[i]);
    fputs("</tbody></table></div>\n", p->f);
    if (strcmp(r->method, "exact") == 0)
        fprintf(p->f, "<p class=\"note\">Probabilities are exact: all %" PRIu64 " states of the suspects "
                      "enumerated.</p>\n", r->runs);
    else if (strcmp(r->method, "monte-carlo") == 0)
        fprintf(p->f, "<p class=\"note\">Probabilities are Monte Carlo estimates from %" PRIu64 " runs "
                      "(seed %" PRIu64 "), \xC2\xB1 one standard error.</p>\n", r->runs, r->seed);
    fputs("</section>\n", p->f);
}

static int down_line(void *ctx, size_t i, size_t depth)
{
    page *p = ctx;
    const crisk_incident_down *d = &p->r->down_nodes[i];
    for (; p->depth < depth + 1; p->depth++)
        fputs("<ul>", p->f);
    for (; p->depth > depth + 1; p->depth--)
        fputs("</ul>", p->f);
    fputs("<li><span class=\"nm\">", p->f);
    text(p, d->name);
    fputs("</span> <code>", p->f);
    text(p, d->id);
    fputs("</code> (", p->f);
    text(p, d->type);
    fputs("): ", p->f);
    if (d->group == NULL) {
        fputs("initial failure", p->f);
    } else {
        if (d->group[0] == '\0') {
            fputs("depends on ", p->f);
        } else {
            fputs("group &#39;", p->f);
            text(p, d->group);
            fprintf(p->f, "&#39; (needs %zu of %zu) lost ", d->need, d->size);
        }
        for (size_t k = 0; k < d->n_members; k++) {
            fputs(k ? ", <code>" : "<code>", p->f);
            text(p, p->r->down_nodes[d->members[k]].id);
            fputs("</code>", p->f);
        }
    }
    fputs("</li>\n", p->f);
    return CRISK_OK;
}

static int write_down(page *p)
{
    fputs("<section id=\"down\">\n<h2>What is down, and why</h2>\n<p class=\"lead\">Each node under the failure "
          "that caused it, from the confirmed failures (a node fails when one of its redundancy groups has "
          "fewer working members than it needs).</p>\n<div class=\"diag\">", p->f);
    p->depth = 0;
    int rc = crisk__incident_cause_tree(p->r, down_line, p);
    for (; p->depth > 0; p->depth--)
        fputs("</ul>", p->f);
    fputs("</div>\n</section>\n", p->f);
    return rc;
}

static void terms(page *p, const crisk_incident_term *t, size_t n, int suspects)
{
    char num[40];
    if (n == 0) {
        fputs("none", p->f);
        return;
    }
    fputs("<ul class=\"chips\">", p->f);
    for (size_t i = 0; i < n; i++) {
        fputs("<li><code>", p->f);
        text(p, t[i].term);
        fputs("</code>", p->f);
        if (suspects)
            fprintf(p->f, " p\xC2\xA0%s", crisk_format_number(num, sizeof num, t[i].probability));
        fputs(": ", p->f);
        for (size_t k = 0; k < t[i].n_nodes; k++) {
            fputs(k ? ", " : "", p->f);
            text(p, t[i].nodes[k]);
        }
        fputs("</li>", p->f);
    }
    fputs("</ul>", p->f);
}

static void fact_time(page *p, const char *label, crisk_time t, const char *none)
{
    char buf[32];
    fprintf(p->f, "<dt>%s</dt><dd>", label);
    if (t == CRISK_TIME_NONE)
        text(p, none);
    else
        fprintf(p->f, "<time>%s</time>", crisk_time_format(buf, sizeof buf, t));
    fputs("</dd>\n", p->f);
}

static void write_assumptions(page *p)
{
    const crisk_incident_record *r = p->r;
    static const char *const regimes[] = { "", "NIS2", "DORA", "NIS2 and DORA" };
    fputs("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<dl class=\"facts\">\n", p->f);
    fact_time(p, "Outage started", r->since, "");
    fact_time(p, "Became aware", r->aware, "");
    fact_time(p, "Classified", r->classified, "not given: DORA's 4 h clock starts at classification");
    fact_time(p, "Judged at", r->now, "");
    fprintf(p->f, "<dt>Time source</dt><dd>%s</dd>\n", r->now_from_clock ? "the clock when the record was made"
                                                                          : "given (--now)");
    fprintf(p->f, "<dt>Regime</dt><dd>%s</dd>\n<dt>Down</dt><dd>", regimes[r->regime & 3]);
    terms(p, r->down, r->n_down, 0);
    fputs("</dd>\n<dt>Suspects</dt><dd>", p->f);
    terms(p, r->suspects, r->n_suspects, 1);
    fputs("</dd>\n<dt>Method</dt><dd>", p->f);
    text(p, r->method);
    if (strcmp(r->method, "monte-carlo") == 0)
        fprintf(p->f, ", %" PRIu64 " runs, seed %" PRIu64, r->runs, r->seed);
    else if (strcmp(r->method, "exact") == 0)
        fprintf(p->f, ", %" PRIu64 " states", r->runs);
    fputs("</dd>\n</dl>\n</section>\n", p->f);
}

static void write_provenance(page *p)
{
    const crisk_incident_record *r = p->r;
    fputs("<section id=\"provenance\">\n<h2>Provenance</h2>\n<p class=\"lead\">The inventory this record was "
          "made from, by SHA-256: the same files, times and options give the same record, byte for "
          "byte.</p>\n<dl class=\"facts\">\n<dt>Recorded by</dt><dd>chainrisk ", p->f);
    text(p, r->tool);
    fprintf(p->f, "</dd>\n<dt>Rendered by</dt><dd>chainrisk %s</dd>\n<dt>Model</dt><dd>%zu nodes, %zu "
                  "dependencies, %zu groups</dd>\n</dl>\n", crisk_version(), r->model_nodes, r->model_edges,
            r->model_groups);
    fputs("<h3>Inputs</h3>\n<div class=\"scroll\"><table id=\"inputs-table\">\n<thead><tr><th>Path</th>"
          "<th>Kind</th><th>SHA-256</th><th class=\"n\">Bytes</th><th class=\"n\">Rows</th></tr></thead>\n"
          "<tbody>\n", p->f);
    for (size_t i = 0; i < r->n_inputs; i++) {
        const crisk_incident_input *in = &r->inputs[i];
        fputs("<tr><td><code>", p->f);
        text(p, in->path);
        fputs("</code></td>", p->f);
        cell(p, in->kind, NULL);
        fputs("<td><code>", p->f);
        text(p, in->sha256);
        fprintf(p->f, "</code></td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
                in->bytes, in->rows);
    }
    fputs("</tbody></table></div>\n</section>\n", p->f);
}

int crisk_incident_page_write(FILE *f, const crisk_incident_record *r, crisk_error *err)
{
    page p = { f, r, 0 };
    crisk__page_head(f, "Incident decision record");
    write_header(&p);
    write_summary(&p);
    write_clocks(&p);
    write_functions(&p);
    int rc = write_down(&p);
    if (rc != CRISK_OK)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    write_assumptions(&p);
    write_provenance(&p);
    fprintf(f, "</main>\n<footer class=\"wrap\">Rendered by chainrisk %s from a decision record; the page is "
               "self-contained and needs no network access.</footer>\n<script>%s</script>\n</body>\n</html>\n",
            crisk_version(), crisk__page_script);
    return crisk__emit_status(f, err);
}
