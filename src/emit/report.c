/*
 * report.c - the HTML report: one self-contained page that can serve as
 * audit evidence (DESIGN §7).
 *
 * Approach: one pass over the analysis, section by section, streamed to the
 * caller's FILE.  The page carries its CSS, its risk map (SVG rendered in
 * memory by map.c) and a ten-line sorting script; a Content-Security-Policy
 * forbids every other script and every external resource, so even text that
 * slipped past escaping could neither run nor load anything.  The page reads
 * fully with scripts off (the script only sorts tables) and prints (print
 * CSS).  Every input text goes through crisk__escape(); numbers are
 * formatted here, locale-free, so the same analysis gives the same bytes.
 *
 * Large inventories stay readable: tables are capped (top risks, shared
 * dependencies, functions and their SPOFs), each cap stated on the page with
 * the command that lists everything.
 *
 * Rejected: a template file with placeholders - it would be a second place
 * where escaping must be right, and the binary would need to find it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "emit.h"
#include "map.h"
#include "report_page.h"
#include "model/model.h"
#include "report_review.h"
#include "report_loss.h"

#define SHARED_ROWS            25    /* shared Nth parties shown */
#define FALSE_REDUNDANCY_ROWS  50
#define FUNCTION_ROWS          100   /* functions in the SPOF section */
#define SPOFS_PER_FUNCTION     20
#define TIER1_LISTED           8     /* dependants listed per shared node */
#define CATEGORY_ENTITIES      5     /* share rows per category market */
#define GROUPED_ENTITIES       10    /* share rows for parent / country */

typedef struct report {
    FILE *f;
    const crisk_analysis *a;
    const crisk_inventory *inv;
    const crisk_diagnostics *diags;
    const crisk_report_options *opts;
    uint32_t *rank_of;           /* node -> position in the default ranking */
    crisk_error *err;
} report;

/* ---- formatting --------------------------------------------------------------- */

static void text(report *r, const char *s)
{
    crisk__escape(r->f, s, 0, CRISK__ESC_HTML);
}

/* Digits of an unsigned integer part with thousands separators. */
static void put_grouped(FILE *f, const char *digits)
{
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            putc(',', f);
        putc(digits[i], f);
    }
}

static void put_count(FILE *f, size_t x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", x);
    put_grouped(f, buf);
}

/* A quantity for reading: integers below 2^53 grouped ("1,480,000"), others
 * below 1e15 to two decimals, larger ones in the shortest form that reads
 * back exactly ("1e+23"); NaN is an en dash. */
static void put_amount(FILE *f, double x)
{
    if (isnan(x)) {
        fputs("\xE2\x80\x93", f);
        return;
    }
    char buf[64];
    int integral = x == floor(x) && fabs(x) < 9007199254740992.0;   /* 2^53: exact */
    if (!integral && !(fabs(x) < 1e15)) {
        /* no grouping, no invented digits: the shortest exact form */
        fputs(crisk_format_number(buf, sizeof buf, x), f);
        return;
    }
    snprintf(buf, sizeof buf, integral ? "%.0f" : "%.2f", fabs(x) < 0.005 && !integral ? 0.0 : x);
    char *digits = buf;
    if (*digits == '-') {
        putc('-', f);
        digits++;
    }
    char *point = strchr(digits, '.');
    if (point != NULL)
        *point = '\0';
    put_grouped(f, digits);
    if (point != NULL)
        fprintf(f, ".%s", point + 1);
}

static void put_percent(FILE *f, double share)
{
    if (isnan(share))
        fputs("\xE2\x80\x93", f);
    else
        fprintf(f, "%.1f\xE2\x80\xAF%%", share * 100);
}

/* The exact value for the sorting script. */
static void data_value(FILE *f, double x)
{
    char buf[40];
    fprintf(f, " data-v=\"%s\"", isnan(x) ? "-1" : crisk_format_number(buf, sizeof buf, x));
}

static void cell_count(report *r, size_t x)
{
    fprintf(r->f, "<td class=\"n\" data-v=\"%zu\">", x);
    put_count(r->f, x);
    fputs("</td>", r->f);
}

static void cell_amount(report *r, double x)
{
    fputs("<td class=\"n\"", r->f);
    data_value(r->f, x);
    putc('>', r->f);
    put_amount(r->f, x);
    fputs("</td>", r->f);
}

/* A share as a number and a small bar in the map's colour scale. */
static void cell_share_bar(report *r, double share)
{
    fputs("<td class=\"n\"", r->f);
    data_value(r->f, share);
    fputs(">", r->f);
    if (!isnan(share)) {
        double w = share < 0 ? 0 : share > 1 ? 100 : share * 100;
        fprintf(r->f, "<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                      "<rect width=\"100\" height=\"10\" fill=\"#eaeef2\"/><rect width=\"%.1f\" height=\"10\" "
                      "fill=\"%s\"/></svg>",
                w, crisk__impact_colour(share > 0 ? share : 0, NULL));
    }
    put_percent(r->f, share);
    fputs("</td>", r->f);
}

static void cell_percent(report *r, double share)
{
    fputs("<td class=\"n\"", r->f);
    data_value(r->f, share);
    putc('>', r->f);
    put_percent(r->f, share);
    fputs("</td>", r->f);
}

/* "Name id": the name, and the id beneath when it differs. */
static void node_label(report *r, size_t v)
{
    const char *id = r->inv->id[v], *name = r->inv->name[v];
    fputs("<span class=\"nm\">", r->f);
    text(r, name);
    fputs("</span>", r->f);
    if (strcmp(id, name) != 0) {
        fputs(" <code>", r->f);
        text(r, id);
        fputs("</code>", r->f);
    }
}

static void cell_node(report *r, size_t v)
{
    fputs("<td class=\"node\">", r->f);
    node_label(r, v);
    fputs("</td>", r->f);
}

/* HHI 0..10000 with a band: colour only, the number is what counts. */
static void cell_hhi(report *r, double hhi)
{
    fputs("<td class=\"n\"", r->f);
    data_value(r->f, hhi);
    putc('>', r->f);
    if (isnan(hhi)) {
        fputs("\xE2\x80\x93</td>", r->f);
        return;
    }
    const char *band = hhi > 1800 ? "high" : hhi >= 1000 ? "moderate" : "low";
    fprintf(r->f, "<span class=\"hhi %s\" title=\"%s concentration\">", band, band);
    put_amount(r->f, round(hhi));
    fputs("</span></td>", r->f);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* ---- the page around the sections ---------------------------------------------- */

static void write_head(report *r)
{
    crisk__page_head(r->f, "Supply-chain risk report");
}

static void write_header(report *r)
{
    FILE *f = r->f;
    fputs("<header class=\"top\"><div class=\"wrap\">\n<h1>Supply-chain risk report</h1>\n<p class=\"sub\">", f);
    size_t n = crisk_inventory_source_count(r->inv);
    for (size_t i = 0; i < n; i++) {
        crisk_source_view s;
        crisk_inventory_source(r->inv, i, &s);
        fputs(i ? ", " : "Inventory: ", f);
        fputs("<code>", f);
        text(r, s.path);
        fputs("</code>", f);
    }
    fprintf(f, "%schainrisk %s", n ? " \xC2\xB7 " : "", crisk_version());
    if (r->opts->timestamp != NULL) {
        fputs(" \xC2\xB7 generated <time>", f);
        text(r, r->opts->timestamp);
        fputs("</time>", f);
    }
    fputs("</p>\n</div></header>\n<nav class=\"toc\" aria-label=\"Sections\"><div class=\"wrap\">"
          "<a href=\"#summary\">Summary</a>", f);
    if (r->opts->baseline != NULL)
        fputs("<a href=\"#changes\">Changes</a>", f);
    if (r->opts->policy != NULL)
        fputs("<a href=\"#policy\">Policy</a>", f);
    fputs("<a href=\"#map\">Risk map</a><a href=\"#top-risks\">Top risks</a>"
          "<a href=\"#spofs\">Single points of failure</a>", f);
    if (r->opts->simulation != NULL)
        fputs("<a href=\"#loss\">Outages and loss</a>", f);
    fputs("<a href=\"#shared\">Shared dependencies</a>"
          "<a href=\"#concentration\">Concentration</a>", f);
    if (r->opts->scenarios != NULL)
        fputs("<a href=\"#scenarios\">Scenario tests</a>", f);
    fputs("<a href=\"#warnings\">Validation</a><a href=\"#provenance\">Provenance</a></div></nav>\n"
          "<main class=\"wrap\">\n", f);
}

static void write_footer(report *r)
{
    fprintf(r->f, "</main>\n<footer class=\"wrap\">Written by chainrisk %s. Metrics follow the definitions "
                  "listed under Provenance; the page is self-contained and needs no network access.</footer>\n"
                  "<script>%s</script>\n</body>\n</html>\n",
            crisk_version(), crisk__page_script);
}

/* ---- summary ------------------------------------------------------------------ */

typedef struct summary {
    size_t by_type[CRISK_NODE_TYPE_COUNT];
    size_t redundancy_groups;     /* two or more members */
    size_t spofs;                 /* nodes that are a SPOF for some function */
    size_t functions_with_spof;
    size_t shared;                /* tier >= 2 nodes with two or more tier-1 dependants */
    size_t false_redundancy;
} summary;

static void count_summary(report *r, summary *s)
{
    const crisk_inventory *inv = r->inv;
    memset(s, 0, sizeof *s);
    for (size_t v = 0; v < inv->n; v++) {
        const crisk_node_metrics *m = crisk_analysis_metrics(r->a, v);
        s->by_type[inv->type[v]]++;
        s->spofs += m->spof != 0;
        s->shared += m->tier >= 2 && m->tier1_dependants >= 2;
        if (inv->type[v] == CRISK_NODE_FUNCTION)   /* counted: see has_spofs() */
            s->functions_with_spof += crisk_analysis_spof_count(r->a, v) > 0;
    }
    for (size_t g = 0; g < inv->n_groups; g++)
        s->redundancy_groups += crisk_inventory_group_size(inv, g) >= 2;
    s->false_redundancy = crisk_analysis_false_redundancy_total(r->a);
}

static void card_begin(report *r, const char *id, const char *key, int alert)
{
    fprintf(r->f, "<div class=\"card%s\" id=\"%s\"><div class=\"k\">%s</div><div class=\"v\">", alert ? " alert" : "",
            id, key);
}

/* The category market with the highest HHI on one basis, or NULL. */
static const crisk_market *most_concentrated(const crisk_concentration *c, int spend)
{
    size_t n = 0;
    const crisk_market *m = crisk_concentration_markets(c, &n), *best = NULL;
    for (size_t i = 0; i < n; i++) {
        double h = spend ? m[i].spend_hhi : m[i].reliance_hhi;
        if (!isnan(h) && m[i].providers > 0 && (best == NULL || h > (spend ? best->spend_hhi : best->reliance_hhi)))
            best = &m[i];
    }
    return best;
}

static void card_concentration(report *r, const crisk_concentration *by_category)
{
    const crisk_market *rel = most_concentrated(by_category, 0), *sp = most_concentrated(by_category, 1);
    card_begin(r, "summary-concentration", "Top concentration", 0);
    if (rel == NULL) {
        fputs("\xE2\x80\x93</div><div class=\"d\">no providers</div></div>\n", r->f);
        return;
    }
    fputs("HHI ", r->f);
    put_amount(r->f, round(rel->reliance_hhi));
    fputs("</div><div class=\"d\">", r->f);
    text(r, rel->market);
    fputs(", reliance basis (exposure)", r->f);
    if (sp != NULL) {
        fputs("; by spend: ", r->f);
        text(r, sp->market);
        fputs(" HHI ", r->f);
        put_amount(r->f, round(sp->spend_hhi));
    }
    fputs("</div></div>\n", r->f);
}

/* "3 of 5": scenarios that breach a tolerance. */
static void card_scenarios(report *r)
{
    const crisk_scenario_run *run = r->opts->scenarios;
    if (run == NULL)
        return;
    size_t n = 0, breaching = crisk_scenario_run_breaching(run);
    crisk_scenario_run_results(run, &n);
    card_begin(r, "summary-scenarios", "Scenario tests", breaching > 0);
    put_count(r->f, breaching);
    fputs(" of ", r->f);
    put_count(r->f, n);
    fprintf(r->f, "</div><div class=\"d\">%s breach an impact tolerance", plural(n, "scenario", "scenarios"));
    size_t unknown = crisk_scenario_run_unknown(run);
    if (unknown > 0) {
        fputs("; ", r->f);
        put_count(r->f, unknown);
        fputs(" cannot be judged", r->f);
    }
    fputs("</div></div>\n", r->f);
}

static void write_summary(report *r, const crisk_concentration *by_category)
{
    FILE *f = r->f;
    const crisk_inventory *inv = r->inv;
    summary s;
    count_summary(r, &s);
    size_t functions = s.by_type[CRISK_NODE_FUNCTION];
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"lead\">What the inventory holds and where "
          "its risk concentrates. A single point of failure (SPOF) is a node whose failure alone takes at "
          "least one business function down, redundancy taken into account.</p>\n<div class=\"cards\">\n", f);

    card_begin(r, "summary-nodes", "Nodes", 0);
    put_count(f, inv->n);
    fputs("</div><div class=\"d\">", f);
    static const char *const type_plural[CRISK_NODE_TYPE_COUNT] = {
        "functions", "suppliers", "services", "components"
    };
    for (int t = 0; t < CRISK_NODE_TYPE_COUNT; t++) {
        fputs(t ? " \xC2\xB7 " : "", f);
        put_count(f, s.by_type[t]);
        fprintf(f, " %s", s.by_type[t] == 1 ? crisk_node_type_name((crisk_node_type)t) : type_plural[t]);
    }
    fputs("</div></div>\n", f);

    card_begin(r, "summary-edges", "Dependencies", 0);
    put_count(f, inv->n_edges);
    fputs("</div><div class=\"d\">", f);
    put_count(f, s.redundancy_groups);
    fprintf(f, " redundancy %s with alternatives</div></div>\n", plural(s.redundancy_groups, "group", "groups"));

    card_begin(r, "summary-criticality", "Total criticality", 0);
    put_amount(f, crisk_analysis_total_criticality(r->a));
    fputs("</div><div class=\"d\">summed over ", f);
    put_count(f, functions);
    fprintf(f, " business %s</div></div>\n", plural(functions, "function", "functions"));

    card_begin(r, "summary-spofs", "Single points of failure", s.spofs > 0);
    put_count(f, s.spofs);
    fputs("</div><div class=\"d\">", f);
    put_count(f, s.functions_with_spof);
    fputs(" of ", f);
    put_count(f, functions);
    fprintf(f, " %s %s at least one</div></div>\n", plural(functions, "function", "functions"),
            plural(s.functions_with_spof, "has", "have"));

    const uint32_t *rank = crisk_analysis_ranking(r->a);
    card_begin(r, "summary-top-risk", "Top risk", 0);
    if (inv->n > 0) {
        const crisk_node_metrics *m = crisk_analysis_metrics(r->a, rank[0]);
        put_percent(f, m->impact_share);
        fputs("</div><div class=\"d\">", f);
        text(r, inv->name[rank[0]]);
        fputs(": share of criticality lost if it alone fails", f);
    } else {
        fputs("\xE2\x80\x93</div><div class=\"d\">empty inventory", f);
    }
    fputs("</div></div>\n", f);

    card_concentration(r, by_category);

    card_begin(r, "summary-shared", "Shared Nth parties", 0);
    put_count(f, s.shared);
    fputs("</div><div class=\"d\">fourth or further parties used by 2+ direct suppliers</div></div>\n", f);

    card_begin(r, "summary-false-redundancy", "False redundancy", s.false_redundancy > 0);
    put_count(f, s.false_redundancy);
    fputs("</div><div class=\"d\">redundancy groups one shared node defeats</div></div>\n", f);

    card_scenarios(r);

    size_t warnings = r->diags ? r->diags->warnings : 0;
    card_begin(r, "summary-warnings", "Validation warnings", 0);
    put_count(f, warnings);
    fputs("</div><div class=\"d\">", f);
    fputs(r->diags ? "non-fatal findings of the load" : "load diagnostics not supplied", f);
    fputs("</div></div>\n</div>\n</section>\n", f);
}

/* ---- the risk map ---------------------------------------------------------------- */

/* Graphviz sizes the drawing in points (1 pt = 4/3 px).  Shown at 1 px per
 * point - three quarters of its natural size, 9 pt labels at 9 px - the
 * map stays legible and scrolls sideways when wider than the page; print
 * CSS fits it to the page.  Writes the new width and height and returns the
 * rest of the root tag's text.  Left alone if the attributes are not where
 * Graphviz 2.42 puts them. */
static const char *scaled_size(FILE *f, const char *attrs)
{
    double w = 0, h = 0;
    int used = 0;
    if (sscanf(attrs, " width=\"%lfpt\" height=\"%lfpt\"%n", &w, &h, &used) != 2 || used == 0
        || !(w > 0 && h > 0))
        return attrs;
    fprintf(f, " width=\"%.0f\" height=\"%.0f\"", ceil(w), ceil(h));
    return attrs + used;
}

/* Inline Graphviz's SVG: drop its XML prolog and doctype (not allowed
 * inside HTML) and refuse anything that could run or load - it cannot come
 * from our labels, so finding one means a bug worth failing on. */
static int write_map(report *r)
{
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    char *svg = NULL;
    size_t len = 0;
    fputs("<section id=\"map\">\n<h2>Risk map</h2>\n<p class=\"lead\">Fill shows the impact share; a thick "
          "red border marks a single point of failure; dashed arrows leave a \xE2\x80\x9Cneed k of n\xE2\x80\x9D "
          "box for the alternatives of a redundancy group. Large inventories are drawn collapsed: the "
          "highest-impact providers and the most critical functions, the rest summarised per category "
          "(<code>chainrisk map --focus ID</code> draws any neighbourhood).</p>\n", r->f);
    if (!r->opts->map) {
        fputs("<p class=\"note\">Not included (map disabled).</p>\n</section>\n", r->f);
        return CRISK_OK;
    }
    int rc = crisk_map_render(&svg, &len, r->a, &mo, r->err);
    if (rc != CRISK_OK)
        return rc;
    const char *start = strstr(svg, "<svg");
    if (start == NULL || strstr(start, "<script") != NULL || strstr(start, "<foreignObject") != NULL
        || strstr(start, "<image") != NULL || strstr(start, "<!ENTITY") != NULL) {
        free(svg);
        return crisk_error_set(r->err, CRISK_EINTERNAL, NULL, 0, 0, "the rendered map is not safe to inline");
    }
    fputs("<figure class=\"map\" role=\"group\" aria-label=\"Supply-chain risk map\">\n<svg role=\"img\" "
          "aria-label=\"Supply-chain risk map\"", r->f);
    fputs(scaled_size(r->f, start + 4), r->f);
    fputs("</figure>\n<p class=\"note\">Scroll sideways or zoom in for detail; <code>chainrisk map</code> writes "
          "the same map as SVG, PNG, PDF or DOT.</p>\n</section>\n", r->f);
    free(svg);
    return CRISK_OK;
}

/* ---- top risks ----------------------------------------------------------------------- */

static void spof_cell(report *r, const crisk_node_metrics *m)
{
    if (m->spof)
        fputs("<td data-v=\"1\"><span class=\"tag spof\">SPOF</span></td>", r->f);
    else
        fputs("<td data-v=\"0\">\xE2\x80\x93</td>", r->f);
}

static void write_top_risks(report *r)
{
    FILE *f = r->f;
    const uint32_t *rank = crisk_analysis_ranking(r->a);
    size_t n = r->inv->n, top = r->opts->top < 0 || (size_t)r->opts->top > n ? n : (size_t)r->opts->top;
    fputs("<section id=\"top-risks\">\n<h2>Top risks</h2>\n<p class=\"lead\">Nodes ranked by impact weight "
          "(criticality of the functions that fail when the node alone fails), then exposure, then id. "
          "Exposure counts every function that depends on the node at all; impact only those it takes "
          "down by itself. Breaches: impacted functions whose RTO is shorter than the node&#39;s recovery "
          "time. Click a column to sort.</p>\n<div class=\"scroll\"><table class=\"sortable\" id=\"top-risks-table\">\n"
          "<thead><tr><th class=\"n\">#</th><th>Node</th><th>Type</th><th>Category</th><th class=\"n\">Tier</th>"
          "<th class=\"n\">Direct dependants</th><th class=\"n\">Dependants</th><th class=\"n\">Functions</th>"
          "<th class=\"n\">Exposure</th><th class=\"n\">Impact</th><th class=\"n\">Impact weight</th>"
          "<th class=\"n\">Impact share</th><th>SPOF</th><th class=\"n\">Breaches</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < top; i++) {
        size_t v = rank[i];
        const crisk_node_metrics *m = crisk_analysis_metrics(r->a, v);
        fprintf(f, "<tr id=\"risk-%zu\">", i + 1);
        cell_count(r, i + 1);
        cell_node(r, v);
        fprintf(f, "<td>%s</td><td>%s</td>", crisk_node_type_name((crisk_node_type)r->inv->type[v]),
                crisk_category_name((crisk_category)r->inv->category[v]));
        if (m->tier >= 0)
            cell_count(r, (size_t)m->tier);
        else
            fputs("<td class=\"n\" data-v=\"-1\">\xE2\x80\x93</td>", f);
        cell_count(r, m->direct_dependants);
        cell_count(r, m->dependants);
        cell_count(r, m->functions);
        cell_amount(r, m->exposure);
        cell_count(r, m->impact);
        cell_amount(r, m->impact_weight);
        cell_share_bar(r, m->impact_share);
        spof_cell(r, m);
        if (m->breaches >= 0)
            cell_count(r, (size_t)m->breaches);
        else   /* no recovery_hours: nothing to compare the rtos with */
            fputs("<td class=\"n\" data-v=\"-1\">unknown</td>", f);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n<p class=\"note\">", f);
    put_count(f, top);
    fputs(" of ", f);
    put_count(f, n);
    fputs(" nodes shown; <code>chainrisk rank</code> lists every node (CSV and JSON too).</p>\n</section>\n", f);
}

/* ---- single points of failure per function ----------------------------------------- */

static int by_criticality(const void *pa, const void *pb, void *ctx)
{
    uint32_t u = *(const uint32_t *)pa, v = *(const uint32_t *)pb;
    const crisk_inventory *inv = ctx;
    if (inv->criticality[u] != inv->criticality[v])
        return inv->criticality[u] > inv->criticality[v] ? -1 : 1;
    return strcmp(inv->id[u], inv->id[v]);
}

/* The `keep` SPOFs of highest impact (first in the default ranking) of the
 * k in `spofs`, in that order, into `top`: one pass with an insertion into
 * a list of at most `keep`, instead of sorting all k (tens of thousands on
 * large inventories) for the first 20.  Returns how many: min(k, keep). */
static size_t top_by_rank(const report *r, const uint32_t *spofs, size_t k, uint32_t *top,
                          size_t keep)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t v = spofs[i], rank = r->rank_of[v];
        if (n == keep && rank > r->rank_of[top[n - 1]])
            continue;
        size_t at = n < keep ? n++ : n - 1;
        for (; at > 0 && r->rank_of[top[at - 1]] > rank; at--)
            top[at] = top[at - 1];
        top[at] = v;
    }
    return n;
}

/* Every function by criticality desc, id asc, in *out (*total of them); the
 * first *shown are the section's rows.  -1 when out of memory. */
static int section_functions(const crisk_inventory *inv, uint32_t **out, size_t *shown,
                             size_t *total)
{
    uint32_t *functions = malloc((inv->n + 1) * sizeof *functions);
    size_t n = 0;
    if (functions == NULL)
        return -1;
    for (size_t v = 0; v < inv->n; v++)
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            functions[n++] = (uint32_t)v;
    if (crisk__sort_r(functions, n, sizeof *functions, by_criticality, (void *)inv) != 0) {
        free(functions);
        return -1;
    }
    *out = functions;
    *total = n;
    *shown = n < FUNCTION_ROWS ? n : FUNCTION_ROWS;
    return 0;
}

int crisk_report_spof_functions(const crisk_inventory *inv, uint32_t **out, size_t *count,
                                crisk_error *err)
{
    size_t total = 0;
    *out = NULL;
    *count = 0;
    if (section_functions(inv, out, count, &total) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return CRISK_OK;
}

/* Whether the analysis has what the page shows of SPOFs: every function's
 * count (the summary, the section's column) and the lists of the section's
 * functions.  Checked before anything is written. */
static int has_spofs(report *r)
{
    const crisk_inventory *inv = r->inv;
    uint32_t *functions = NULL;
    size_t shown = 0, total = 0, k = 0;
    if (section_functions(inv, &functions, &shown, &total) != 0)
        return crisk_error_set(r->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int ok = total == 0 || crisk_analysis_spof_count(r->a, functions[0]) != SIZE_MAX;
    for (size_t i = 0; ok && i < shown; i++)
        ok = crisk_analysis_spofs(r->a, functions[i], &k) != NULL;
    free(functions);
    return ok ? CRISK_OK
              : crisk_error_set(r->err, CRISK_EUSAGE, NULL, 0, 0,
                                "the report needs an analysis with every function's SPOF count "
                                "and the SPOF lists of the functions it shows");
}

static void spof_list(report *r, size_t function)
{
    FILE *f = r->f;
    size_t k = 0;
    const uint32_t *spofs = crisk_analysis_spofs(r->a, function, &k);
    if (k == 0) {
        fputs("<span class=\"tag ok\">none</span> every dependency has a working alternative", f);
        return;
    }
    uint32_t top[SPOFS_PER_FUNCTION];
    size_t shown = top_by_rank(r, spofs, k, top, SPOFS_PER_FUNCTION);   /* highest impact first */
    double rto = r->inv->rto[function];
    fputs("<ul class=\"chips\">", f);
    for (size_t i = 0; i < shown; i++) {
        size_t v = top[i];
        double recovery = r->inv->recovery[v];
        fputs("<li>", f);
        node_label(r, v);
        if (!isnan(rto) && !isnan(recovery) && rto < recovery) {
            fputs(" <span class=\"tag breach\" title=\"recovery ", f);
            put_amount(f, recovery);
            fputs(" h exceeds the RTO\">recovery ", f);
            put_amount(f, recovery);
            fputs("\xC2\xA0h &gt; RTO</span>", f);
        }
        fputs("</li>", f);
    }
    if (k > SPOFS_PER_FUNCTION) {
        fputs("<li>and ", f);
        put_count(f, k - SPOFS_PER_FUNCTION);
        fputs(" more</li>", f);
    }
    fputs("</ul>", f);
}

static int write_spofs(report *r)
{
    FILE *f = r->f;
    const crisk_inventory *inv = r->inv;
    uint32_t *functions = NULL;
    size_t n = 0, shown = 0;
    if (section_functions(inv, &functions, &shown, &n) != 0)
        return crisk_error_set(r->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    fputs("<section id=\"spofs\">\n<h2>Single points of failure per function</h2>\n<p class=\"lead\">"
          "Business functions by criticality, each with the nodes whose failure alone takes it down "
          "(highest impact first). A breach tag marks a SPOF whose typical recovery time exceeds the "
          "function&#39;s RTO.</p>\n<div class=\"scroll\"><table id=\"spofs-table\">\n<thead><tr><th>Function</th>"
          "<th class=\"n\">Criticality</th><th class=\"n\">RTO (h)</th><th class=\"n\">SPOFs</th>"
          "<th>Single points of failure</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < shown; i++) {
        size_t v = functions[i];
        fprintf(f, "<tr id=\"spof-%zu\">", i + 1);
        cell_node(r, v);
        cell_amount(r, inv->criticality[v]);
        cell_amount(r, inv->rto[v]);
        cell_count(r, crisk_analysis_spof_count(r->a, v));
        fputs("<td>", f);
        spof_list(r, v);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (shown < n) {
        fputs("<p class=\"note\">The ", f);
        put_count(f, shown);
        fputs(" most critical of ", f);
        put_count(f, n);
        fputs(" functions; <code>chainrisk spof</code> lists them all.</p>\n", f);
    }
    fputs("</section>\n", f);
    free(functions);
    return CRISK_OK;
}

/* ---- shared dependencies and false redundancy ------------------------------------- */

static int tier1_list(report *r, size_t v)
{
    uint32_t *list = NULL;
    size_t k = 0;
    int rc = crisk_analysis_tier1_of(r->a, v, &list, &k, r->err);
    if (rc != CRISK_OK)
        return rc;
    fputs("<td><ul class=\"chips\">", r->f);
    for (size_t i = 0; i < k && i < TIER1_LISTED; i++) {
        fputs("<li>", r->f);
        text(r, r->inv->name[list[i]]);
        fputs("</li>", r->f);
    }
    if (k > TIER1_LISTED) {
        fputs("<li>and ", r->f);
        put_count(r->f, k - TIER1_LISTED);
        fputs(" more</li>", r->f);
    }
    fputs("</ul></td>", r->f);
    free(list);
    return CRISK_OK;
}

static int write_shared_table(report *r)
{
    FILE *f = r->f;
    uint32_t *list = NULL;
    size_t n = 0;
    int rc = crisk_analysis_shared(r->a, 2, &list, &n, r->err);
    if (rc != CRISK_OK)
        return rc;
    fputs("<h3>Shared Nth-party dependencies</h3>\n", f);
    if (n == 0) {
        fputs("<p class=\"note\" id=\"shared-none\">No fourth or further party is shared by two or more "
              "direct suppliers.</p>\n", f);
        free(list);
        return CRISK_OK;
    }
    fputs("<div class=\"scroll\"><table class=\"sortable\" id=\"shared-table\">\n<thead><tr><th>Node</th><th>Type</th>"
          "<th class=\"n\">Tier</th><th class=\"n\">Tier-1 dependants</th><th class=\"n\">Functions</th>"
          "<th class=\"n\">Exposure</th><th class=\"n\">Impact share</th><th>Through (tier 1)</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < n && i < SHARED_ROWS && rc == CRISK_OK; i++) {
        size_t v = list[i];
        const crisk_node_metrics *m = crisk_analysis_metrics(r->a, v);
        fputs("<tr>", f);
        cell_node(r, v);
        fprintf(f, "<td>%s, %s</td>", crisk_node_type_name((crisk_node_type)r->inv->type[v]),
                crisk_category_name((crisk_category)r->inv->category[v]));
        cell_count(r, (size_t)m->tier);
        cell_count(r, m->tier1_dependants);
        cell_count(r, m->functions);
        cell_amount(r, m->exposure);
        cell_share_bar(r, m->impact_share);
        rc = tier1_list(r, v);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (n > SHARED_ROWS) {
        fputs("<p class=\"note\">", f);
        put_count(f, SHARED_ROWS);
        fputs(" of ", f);
        put_count(f, n);
        fputs(" shared nodes shown; <code>chainrisk shared</code> lists them all.</p>\n", f);
    }
    free(list);
    return rc;
}

static void write_false_redundancy(report *r)
{
    FILE *f = r->f;
    size_t n = 0;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(r->a, &n);
    fputs("<h3>False redundancy</h3>\n", f);
    if (n == 0) {
        fputs("<p class=\"note\" id=\"false-redundancy-none\">No redundancy group can be defeated by a single "
              "node outside it.</p>\n", f);
        return;
    }
    fputs("<p class=\"lead\">Redundancy groups that look redundant but share a dependency: the failure of "
          "one node outside the group fails more members than the group can spare.</p>\n"
          "<div class=\"scroll\"><table class=\"sortable\" id=\"false-redundancy-table\">\n<thead><tr>"
          "<th>Dependant</th><th>Group</th><th class=\"n\">Need</th><th>Defeated by</th>"
          "<th class=\"n\">Members it fails</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < n && i < FALSE_REDUNDANCY_ROWS; i++) {
        size_t g = fr[i].group, size = crisk_inventory_group_size(r->inv, g);
        fputs("<tr>", f);
        cell_node(r, fr[i].dependant);
        fputs("<td>", f);
        const char *name = crisk_inventory_group_name(r->inv, g);
        if (*name)
            text(r, name);
        else
            fputs("\xE2\x80\x93", f);
        fputs("</td><td class=\"n\">", f);
        fprintf(f, "%zu of %zu</td>", crisk_inventory_group_need(r->inv, g), size);
        cell_node(r, fr[i].shared);
        fprintf(f, "<td class=\"n\" data-v=\"%zu\">%zu of %zu</td></tr>\n", fr[i].failed_members,
                fr[i].failed_members, size);
    }
    fputs("</tbody></table></div>\n", f);
    if (n > FALSE_REDUNDANCY_ROWS) {
        fputs("<p class=\"note\">", f);
        put_count(f, FALSE_REDUNDANCY_ROWS);
        fputs(" of ", f);
        put_count(f, n);
        fputs(" findings shown; <code>chainrisk shared</code> lists them all.</p>\n", f);
    }
}

static int write_shared(report *r)
{
    fputs("<section id=\"shared\">\n<h2>Shared dependencies and false redundancy</h2>\n<p class=\"lead\">"
          "Fourth and further parties (tier 2 or deeper: no function uses them directly) that several "
          "direct suppliers rely on \xE2\x80\x94 the dependencies an organisation never contracted but "
          "fails through.</p>\n", r->f);
    int rc = write_shared_table(r);
    if (rc == CRISK_OK)
        write_false_redundancy(r);
    fputs("</section>\n", r->f);
    return rc;
}

/* ---- concentration -------------------------------------------------------------------- */

static void market_row(report *r, const crisk_market *m)
{
    fputs("<tr><td>", r->f);
    text(r, m->market);
    fputs("</td>", r->f);
    cell_count(r, m->providers);
    cell_count(r, m->entities);
    cell_amount(r, m->spend);
    cell_percent(r, m->spend_top1);
    cell_percent(r, m->spend_top3);
    cell_hhi(r, m->spend_hhi);
    cell_amount(r, m->reliance);
    cell_percent(r, m->reliance_top1);
    cell_percent(r, m->reliance_top3);
    cell_hhi(r, m->reliance_hhi);
    fputs("</tr>\n", r->f);
}

/* The entity of a share row: for a category market a provider id, shown
 * with its name. */
static void entity_cell(report *r, const crisk_share *s, crisk_concentration_by by)
{
    size_t v;
    if (by == CRISK_BY_CATEGORY && crisk_inventory_find(r->inv, s->entity, &v) == CRISK_OK) {
        cell_node(r, v);
        return;
    }
    fputs("<td>", r->f);
    if (*s->entity)
        text(r, s->entity);
    else
        fputs("<em>not given</em>", r->f);
    fputs("</td>", r->f);
}

static void shares_table(report *r, const crisk_market *m, const crisk_share *shares, crisk_concentration_by by,
                         size_t limit)
{
    static const char *const entity[] = { "Provider", "Parent", "Country" };
    FILE *f = r->f;
    if (m->share_count == 0)
        return;
    fputs("<div>", f);
    if (by == CRISK_BY_CATEGORY) {
        fputs("<h3>", f);
        text(r, m->market);
        fputs(": largest providers</h3>\n", f);
    }
    int joint = by != CRISK_BY_CATEGORY;
    fprintf(f, "<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr><th>%s</th>%s<th class=\"n\">Spend</th>"
               "<th class=\"n\">Spend share</th><th class=\"n\">%s</th><th class=\"n\">Reliance share</th>%s</tr>"
               "</thead>\n<tbody>\n",
            entity[by], joint ? "<th class=\"n\">Providers</th>" : "", joint ? "Exposure (sum)" : "Exposure",
            joint ? "<th class=\"n\">Joint: functions</th><th class=\"n\">Joint: criticality</th>"
                    "<th class=\"n\">Joint: share</th>" : "");
    for (size_t i = 0; i < m->share_count && i < limit; i++) {
        const crisk_share *s = &shares[m->first_share + i];
        fputs("<tr>", f);
        entity_cell(r, s, by);
        if (by != CRISK_BY_CATEGORY)
            cell_count(r, s->providers);
        cell_amount(r, s->spend);
        cell_percent(r, s->spend_share);
        cell_amount(r, s->reliance);
        cell_percent(r, s->reliance_share);
        if (joint) {
            cell_count(r, s->joint_functions);
            cell_amount(r, s->joint_criticality);
            cell_share_bar(r, s->joint_share);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (m->share_count > limit) {
        fputs("<p class=\"note\">Top ", f);
        put_count(f, limit);
        fputs(" of ", f);
        put_count(f, m->share_count);
        fputs(" by spend share; <code>chainrisk concentration</code> lists all.</p>\n", f);
    }
    fputs("</div>\n", f);
}

static const char market_head[] =
    "<thead><tr><th rowspan=\"2\">Market</th><th class=\"n\" rowspan=\"2\">Providers</th>"
    "<th class=\"n\" rowspan=\"2\">Entities</th><th class=\"grp\" colspan=\"4\">Spend basis</th>"
    "<th class=\"grp\" colspan=\"4\">Reliance basis (exposure)</th></tr><tr><th class=\"n\">Spend</th>"
    "<th class=\"n\">Top 1</th><th class=\"n\">Top 3</th><th class=\"n\">HHI</th><th class=\"n\">Exposure</th>"
    "<th class=\"n\">Top 1</th><th class=\"n\">Top 3</th><th class=\"n\">HHI</th></tr></thead>\n";

static int write_basis(report *r, crisk_concentration_by by, const crisk_concentration *given)
{
    static const char *const titles[] = { "By category", "By parent (closely connected providers)",
                                          "By country" };
    static const char *const ids[] = { "concentration-category", "concentration-parent", "concentration-country" };
    crisk_concentration *c = NULL;
    if (given == NULL) {
        int rc = crisk_concentration_compute(&c, r->a, by, r->err);
        if (rc != CRISK_OK)
            return rc;
        given = c;
    }
    size_t n_markets = 0, n_shares = 0;
    const crisk_market *m = crisk_concentration_markets(given, &n_markets);
    const crisk_share *shares = crisk_concentration_shares(given, &n_shares);
    fprintf(r->f, "<h3 id=\"%s\">%s</h3>\n<div class=\"scroll\"><table class=\"sortable\">\n%s<tbody>\n", ids[by],
            titles[by], market_head);
    for (size_t i = 0; i < n_markets; i++)
        market_row(r, &m[i]);
    fputs("</tbody></table></div>\n", r->f);
    fputs(by == CRISK_BY_CATEGORY ? "<div class=\"grid2\">\n" : "", r->f);
    for (size_t i = 0; i < n_markets; i++)
        shares_table(r, &m[i], shares, by, by == CRISK_BY_CATEGORY ? CATEGORY_ENTITIES : GROUPED_ENTITIES);
    fputs(by == CRISK_BY_CATEGORY ? "</div>\n" : "", r->f);
    crisk_concentration_free(c);
    return CRISK_OK;
}

static int write_concentration(report *r, const crisk_concentration *by_category)
{
    fputs("<section id=\"concentration\">\n<h2>Concentration</h2>\n<p class=\"lead\">Herfindahl\xE2\x80\x93Hirschman "
          "index HHI = \xCE\xA3 share\xC2\xB2 \xC3\x97 10,000 over the providers of each category, and across all "
          "providers grouped by parent and by country. Every figure is computed on two bases: "
          "<b>spend basis</b> (share of annual spend) and <b>reliance basis</b> (share of exposure, i.e. of the "
          "criticality of the functions that depend on the provider, normalised within the market). "
          "Colour bands are a reading aid: below 1,000 low, 1,000\xE2\x80\x93" "1,800 moderate, above 1,800 high "
          "(the 2023 US Merger Guidelines call markets above 1,800 highly concentrated).</p>\n"
          "<p class=\"lead\">For provider groups and countries, <b>exposure (sum)</b> adds up the providers&#39; "
          "exposures, so a function relying on two providers of a group counts twice; the <b>joint</b> columns "
          "say what fails when every provider of the group fails together (DORA Art. 29 closely connected "
          "providers): the functions, each once and with redundancy honoured, their criticality and its share "
          "of the total.</p>\n", r->f);
    int rc = write_basis(r, CRISK_BY_CATEGORY, by_category);
    if (rc == CRISK_OK)
        rc = write_basis(r, CRISK_BY_PARENT, NULL);
    if (rc == CRISK_OK)
        rc = write_basis(r, CRISK_BY_COUNTRY, NULL);
    fputs("</section>\n", r->f);
    return rc;
}

/* ---- scenario tests ------------------------------------------------------------------- */

typedef struct heat {
    const crisk_scenario_run *run;
    uint32_t *column;            /* the functions shown, criticality desc, id asc */
    size_t n_columns;
    int32_t *column_of;          /* node -> its column, -1 */
    const crisk_scenario_function **cell;   /* the row being written */
} heat;

static int heat_init(heat *h, report *r)
{
    size_t n = 0;
    const uint32_t *ranked = crisk_scenario_run_functions_ranked(r->opts->scenarios, &n);
    memset(h, 0, sizeof *h);
    h->run = r->opts->scenarios;
    h->column = malloc((n + 1) * sizeof *h->column);
    h->column_of = malloc((r->inv->n + 1) * sizeof *h->column_of);
    h->cell = calloc(CRISK_REPORT_SCENARIO_COLUMNS, sizeof *h->cell);
    if (h->column == NULL || h->column_of == NULL || h->cell == NULL)
        return CRISK_ENOMEM;
    memcpy(h->column, ranked, n * sizeof *ranked);   /* the most critical first */
    h->n_columns = n < CRISK_REPORT_SCENARIO_COLUMNS ? n : CRISK_REPORT_SCENARIO_COLUMNS;
    for (size_t v = 0; v < r->inv->n; v++)
        h->column_of[v] = -1;
    for (size_t c = 0; c < h->n_columns; c++)
        h->column_of[h->column[c]] = (int32_t)c;
    return CRISK_OK;
}

static void heat_release(heat *h)
{
    free(h->column);
    free(h->column_of);
    free((void *)h->cell);
}

static void heat_head(report *r, const heat *h)
{
    FILE *f = r->f;
    fputs("<div class=\"scroll\"><table class=\"sortable heat\" id=\"scenario-table\">\n<thead><tr>"
          "<th>Scenario</th><th class=\"n\">Hours</th><th class=\"n\">Failed nodes</th>"
          "<th class=\"n\">Functions down</th><th class=\"n\">Share of criticality lost</th>"
          "<th class=\"n\">Breached</th><th class=\"n\">Earliest breach (h)</th><th>Tolerance</th>", f);
    for (size_t c = 0; c < h->n_columns; c++) {
        size_t v = h->column[c];
        fputs("<th class=\"fn\" title=\"", f);
        text(r, r->inv->name[v]);
        fputs(" (", f);
        text(r, r->inv->id[v]);
        fputs("): criticality ", f);
        put_amount(f, r->inv->criticality[v]);
        fputs(", RTO ", f);
        put_amount(f, r->inv->rto[v]);
        fputs(" h\">", f);
        text(r, r->inv->name[v]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
}

static void verdict_cell(report *r, crisk_tolerance verdict)
{
    static const char *const tag[] = { "<span class=\"tag ok\">within</span>",
                                       "<span class=\"tag breach\">breached</span>",
                                       "<span class=\"tag\">unknown</span>" };
    fprintf(r->f, "<td data-v=\"%d\">%s</td>", verdict == CRISK_TOLERANCE_BREACHED ? 2
                                               : verdict == CRISK_TOLERANCE_UNKNOWN ? 1 : 0,
            tag[verdict]);
}

/* One function in one scenario: its downtime, coloured by its tolerance
 * and marked "!" when breached (not by colour alone); "·" unaffected. */
static void function_cell(report *r, size_t v, const crisk_scenario_function *fn)
{
    static const char *const cls[] = { "w", "b", "k" };
    static const char *const word[] = { "within tolerance", "breached", "cannot be judged" };
    FILE *f = r->f;
    if (fn == NULL) {
        fputs("<td class=\"cell u\" data-v=\"-1\">\xC2\xB7</td>", f);
        return;
    }
    char down[96];
    crisk__duration_text(down, sizeof down, &fn->downtime);
    fprintf(f, "<td class=\"cell %s\"", cls[fn->tolerance]);
    data_value(f, fn->downtime.lo);
    fputs(" title=\"", f);
    text(r, r->inv->id[v]);
    if (strcmp(down, "unknown") == 0)
        fputs(": down for an unknown time, RTO ", f);
    else
        fprintf(f, ": down %s h, RTO ", down);
    put_amount(f, r->inv->rto[v]);
    fprintf(f, " h: %s\">", word[fn->tolerance]);
    if (fn->tolerance == CRISK_TOLERANCE_UNKNOWN && fn->downtime.lo == 0 && isinf(fn->downtime.hi))
        fputs("?", f);
    else
        text(r, down);
    fputs(fn->tolerance == CRISK_TOLERANCE_BREACHED ? "!</td>" : "</td>", f);
}

static void heat_row(report *r, heat *h, size_t i, const crisk_scenario_result *res)
{
    FILE *f = r->f;
    crisk_scenario sc;
    crisk_scenario_set_get(crisk_scenario_run_set(h->run), res->scenario, &sc);
    fprintf(f, "<tr id=\"scenario-%zu\"><td class=\"node\"><span class=\"nm\">", i + 1);
    text(r, sc.name[0] ? sc.name : sc.id);
    fputs("</span> <code>", f);
    text(r, sc.id);
    fputs("</code></td>", f);
    if (isnan(res->hours))
        fputs("<td class=\"n\" data-v=\"-1\">recovery</td>", f);
    else
        cell_amount(r, res->hours);
    cell_count(r, res->failed_nodes);
    cell_count(r, res->functions_down);
    cell_share_bar(r, res->lost_share);
    cell_count(r, res->breached);
    cell_amount(r, res->earliest_breach);
    verdict_cell(r, res->verdict);
    for (size_t c = 0; c < h->n_columns; c++)
        h->cell[c] = NULL;
    for (size_t k = 0; res->functions != NULL && k < res->functions_down; k++) {
        int32_t c = h->column_of[res->functions[k].function];
        if (c >= 0)
            h->cell[c] = &res->functions[k];
    }
    for (size_t c = 0; c < h->n_columns; c++)
        function_cell(r, h->column[c], h->cell[c]);
    fputs("</tr>\n", f);
}

static void scenarios_note(report *r, size_t shown, size_t n, const heat *h, size_t functions)
{
    FILE *f = r->f;
    if (shown == n && h->n_columns == functions)
        return;
    fputs("<p class=\"note\">", f);
    put_count(f, shown);
    fputs(" of ", f);
    put_count(f, n);
    fputs(" scenarios (by criticality lost) and ", f);
    put_count(f, h->n_columns);
    fputs(" of ", f);
    put_count(f, functions);
    fputs(" functions (by criticality) shown; <code>chainrisk scenarios --format csv</code> gives the whole "
          "matrix.</p>\n", f);
}

static int write_scenarios(report *r)
{
    FILE *f = r->f;
    const crisk_scenario_run *run = r->opts->scenarios;
    if (run == NULL)
        return CRISK_OK;
    heat h;
    int rc = heat_init(&h, r);
    size_t n = 0, functions = 0;
    const crisk_scenario_result *res = crisk_scenario_run_results(run, &n);
    crisk_scenario_run_functions(run, &functions);
    size_t shown = n < CRISK_REPORT_SCENARIO_ROWS ? n : CRISK_REPORT_SCENARIO_ROWS;
    for (size_t i = 0; rc == CRISK_OK && i < shown; i++)
        if (res[i].functions == NULL && res[i].functions_down > 0)
            rc = crisk_error_set(r->err, CRISK_EUSAGE, NULL, 0, 0, "the scenario run kept the "
                                 "functions down of fewer results than the report shows");
    if (rc == CRISK_ENOMEM)
        rc = crisk_error_set(r->err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        fputs("<section id=\"scenarios\">\n<h2>Scenario tests</h2>\n<p class=\"lead\">Severe but plausible "
              "outages tested against each function&#39;s impact tolerance (its RTO): every scenario fails its "
              "providers together for its hours (<em>recovery</em>: each for its own recovery time), failures "
              "propagate through the dependencies and redundancy groups, and each cell gives how long the "
              "function is down, in hours. A function breaches its tolerance when that exceeds its RTO. "
              "Sorted by criticality lost.</p>\n<ul class=\"legend\"><li><span class=\"b\">8!</span>"
              "breached: down longer than the RTO</li><li><span class=\"w\">8</span>down, within tolerance"
              "</li><li><span class=\"k\">?</span>cannot be judged (recovery or RTO unknown)</li>"
              "<li><span class=\"u\">\xC2\xB7</span>unaffected</li></ul>\n", f);
        heat_head(r, &h);
        for (size_t i = 0; i < shown; i++)
            heat_row(r, &h, i, &res[i]);
        fputs("</tbody></table></div>\n", f);
        scenarios_note(r, shown, n, &h, functions);
        fputs("</section>\n", f);
    }
    heat_release(&h);
    return rc;
}

/* ---- validation and provenance ------------------------------------------------------ */

static void write_warnings(report *r)
{
    FILE *f = r->f;
    const crisk_diagnostics *d = r->diags;
    fputs("<section id=\"warnings\">\n<h2>Validation warnings</h2>\n", f);
    if (d == NULL) {
        fputs("<p class=\"note\">The load diagnostics were not supplied to the report.</p>\n</section>\n", f);
        return;
    }
    if (d->warnings == 0 && d->errors == 0) {
        fputs("<p class=\"note\" id=\"warnings-none\">None: every function has a dependency and every provider "
              "a dependant.</p>\n</section>\n", f);
        return;
    }
    fputs("<p class=\"lead\">Non-fatal findings of the load, as <code>FILE:LINE:COLUMN: message</code>.</p>\n"
          "<ul class=\"diag\" id=\"warnings-list\">\n", f);
    char buf[2048];
    for (size_t i = 0; i < d->count; i++) {
        fputs("<li><code>", f);
        text(r, crisk_diag_format(&d->items[i], buf, sizeof buf));
        fputs("</code></li>\n", f);
    }
    fputs("</ul>\n", f);
    size_t total = d->warnings + d->errors, stored = d->count;
    if (total > stored) {
        fputs("<p class=\"note\">and ", f);
        put_count(f, total - stored);
        fputs(" more (only the first of each kind are kept); <code>chainrisk validate</code> prints them.</p>\n", f);
    }
    fputs("</section>\n", f);
}

/* The scenario file, when the scenario tests came from one. */
static void write_scenario_input(report *r)
{
    const char *path, *sha256;
    uint64_t bytes;
    size_t rows;
    if (r->opts->scenarios == NULL)
        return;
    crisk_scenario_set_source(crisk_scenario_run_set(r->opts->scenarios), &path, &sha256, &bytes, &rows);
    if (path == NULL)
        return;
    fputs("<tr><td><code>", r->f);
    text(r, path);
    fputs("</code></td><td>scenarios</td><td><code>", r->f);
    text(r, sha256);
    fputs("</code></td>", r->f);
    cell_count(r, (size_t)bytes);
    cell_count(r, rows);
    fputs("</tr>\n", r->f);
}

static void write_inputs(report *r)
{
    FILE *f = r->f;
    fputs("<h3>Inputs</h3>\n<div class=\"scroll\"><table id=\"inputs-table\">\n<thead><tr><th>Path</th><th>Kind</th>"
          "<th>SHA-256</th><th class=\"n\">Bytes</th><th class=\"n\">Rows</th></tr></thead>\n<tbody>\n", f);
    size_t n = crisk_inventory_source_count(r->inv);
    for (size_t i = 0; i < n; i++) {
        crisk_source_view s;
        crisk_inventory_source(r->inv, i, &s);
        fputs("<tr><td><code>", f);
        text(r, s.path);
        fputs("</code></td><td>", f);
        text(r, s.kind);
        fputs("</td><td><code>", f);
        text(r, s.sha256);
        fputs("</code></td>", f);
        cell_count(r, (size_t)s.bytes);
        cell_count(r, s.rows);
        fputs("</tr>\n", f);
    }
    write_scenario_input(r);
    fputs("</tbody></table></div>\n", f);
}

static void write_options(report *r)
{
    FILE *f = r->f;
    const crisk_provenance *p = r->opts->prov;
    fputs("<dt>Command</dt><dd><code>chainrisk ", f);
    text(r, p && p->command ? p->command : "report");
    for (size_t i = 0; p != NULL && i < p->n_options; i++) {
        fputs(" --", f);
        text(r, p->option_names[i]);
        if (p->option_values[i][0]) {
            putc(' ', f);
            text(r, p->option_values[i]);
        }
    }
    fputs("</code></dd>\n<dt>Report options</dt><dd>top risks: ", f);
    put_count(f, r->opts->top < 0 ? r->inv->n : (size_t)r->opts->top);
    fputs(" rows; map: ", f);
    fputs(r->opts->map ? "default view (automatic collapse and layout)" : "not included", f);
    fputs("</dd>\n", f);
}

static void write_provenance(report *r)
{
    FILE *f = r->f;
    size_t notes = crisk_inventory_note_count(r->inv);
    fputs("<section id=\"provenance\">\n<h2>Provenance</h2>\n<p class=\"lead\">What produced this page, from "
          "which files: re-running the same chainrisk version on files with these SHA-256 digests and the "
          "same options gives the same page, byte for byte.</p>\n<dl class=\"facts\">\n", f);
    fprintf(f, "<dt>Tool</dt><dd>chainrisk %s</dd>\n", crisk_version());
    write_options(r);
    fputs("<dt>Model</dt><dd>", f);
    put_count(f, r->inv->n);
    fputs(" nodes, ", f);
    put_count(f, r->inv->n_edges);
    fputs(" dependencies, ", f);
    put_count(f, r->inv->n_groups);
    fputs(" groups</dd>\n<dt>Generated</dt><dd>", f);
    if (r->opts->timestamp != NULL)
        text(r, r->opts->timestamp);
    else
        fputs("not recorded (the page is byte-stable; <code>--timestamp</code> adds the time)", f);
    fputs("</dd>\n</dl>\n", f);
    write_inputs(r);
    if (notes > 0) {
        fputs("<h3>Import notes</h3>\n<ul class=\"diag\">\n", f);
        for (size_t i = 0; i < notes; i++) {
            fputs("<li>", f);
            text(r, crisk_inventory_note(r->inv, i));
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("<h3>Definitions</h3>\n<dl class=\"facts\">\n"
          "<dt>Failure</dt><dd>a node fails if it failed initially or any of its dependency groups has fewer "
          "working members than it needs; plain dependencies are AND, a group is k of n (least fixed point, "
          "cycles included)</dd>\n"
          "<dt>Tier</dt><dd>fewest edges from any function (functions 0, direct suppliers 1, fourth parties 2)</dd>\n"
          "<dt>Exposure</dt><dd>criticality of the functions that depend on the node, directly or transitively</dd>\n"
          "<dt>Impact</dt><dd>functions that fail when the node alone fails; impact weight is their "
          "criticality and impact share that weight over the total</dd>\n"
          "<dt>SPOF</dt><dd>impact of at least one function</dd>\n"
          "<dt>Breaches</dt><dd>impacted functions whose RTO is shorter than the node&#39;s recovery time</dd>\n"
          "<dt>HHI</dt><dd>\xCE\xA3 share\xC2\xB2 \xC3\x97 10,000 on the spend basis and on the reliance basis</dd>\n"
          "<dt>Joint impact</dt><dd>functions that fail when every provider of a group (parent or country) "
          "fails together, each counted once</dd>\n"
          "<dt>Downtime</dt><dd>a group needing k of n members is down for the (n\xE2\x88\x92k+1)-th longest "
          "member outage, a node for the longest of its own and its groups&#39; (least fixed point); a "
          "function breaches its tolerance when its downtime exceeds its RTO</dd>\n"
          "</dl>\n</section>\n", f);
}

/* ---- the whole page ----------------------------------------------------------------- */

static int write_body(report *r)
{
    crisk_concentration *by_category = NULL;
    int rc = crisk_concentration_compute(&by_category, r->a, CRISK_BY_CATEGORY, r->err);
    if (rc != CRISK_OK)
        return rc;
    write_head(r);
    write_header(r);
    write_summary(r, by_category);
    if (r->opts->baseline != NULL)
        rc = crisk__report_changes(r->f, r->opts->baseline, r->err);
    if (rc == CRISK_OK && r->opts->policy != NULL)
        crisk__report_policy(r->f, r->opts->policy);
    if (rc == CRISK_OK)
        rc = write_map(r);
    if (rc == CRISK_OK) {
        write_top_risks(r);
        rc = write_spofs(r);
    }
    if (rc == CRISK_OK && r->opts->simulation != NULL)
        crisk__report_loss(r->f, r->opts->simulation, r->opts->top);
    if (rc == CRISK_OK)
        rc = write_shared(r);
    if (rc == CRISK_OK)
        rc = write_concentration(r, by_category);
    if (rc == CRISK_OK)
        rc = write_scenarios(r);
    if (rc == CRISK_OK) {
        write_warnings(r);
        write_provenance(r);
        write_footer(r);
    }
    crisk_concentration_free(by_category);
    return rc;
}

int crisk_report_write(FILE *f, const crisk_analysis *a, const crisk_diagnostics *diags,
                       const crisk_report_options *opts, crisk_error *err)
{
    static const crisk_report_options defaults = CRISK_REPORT_OPTIONS_INIT;
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    report r = { f, a, inv, diags, opts ? opts : &defaults, NULL, err };
    r.rank_of = malloc((inv->n + 1) * sizeof *r.rank_of);
    if (r.rank_of == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    const uint32_t *rank = crisk_analysis_ranking(a);
    for (size_t i = 0; i < inv->n; i++)
        r.rank_of[rank[i]] = (uint32_t)i;
    int rc = has_spofs(&r);
    if (rc == CRISK_OK)
        rc = write_body(&r);
    free(r.rank_of);
    if (rc == CRISK_OK && (fflush(f) != 0 || ferror(f)))
        rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "cannot write the report");
    return rc;
}
