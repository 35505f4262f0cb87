/*
 * report_loss.c - the report's section on outages and annual loss
 * (report_loss.h): what simulate computed, with the loss exceedance curve
 * drawn as an inline SVG chart.
 *
 * The chart holds numbers only - no input text - so nothing in it needs
 * escaping; ids and names in the tables go through crisk__escape().  Every
 * number is formatted here with plain printf in the C locale the library
 * runs in, so the same simulation gives the same bytes.  Rejected: a chart
 * library or a script - the page must work offline with scripts off.
 */
#include "report_loss.h"
#include "map.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* ---- numbers ---------------------------------------------------------------------- */

/* Whole money with thousands separators ("1,480,000"); "-" for NaN. */
static void put_money(FILE *f, double x)
{
    if (isnan(x)) {
        fputs("\xE2\x80\x93", f);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.0f", fabs(x) < 0.5 ? 0.0 : x);
    const char *digits = buf[0] == '-' ? buf + 1 : buf;
    if (digits != buf)
        putc('-', f);
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            putc(',', f);
        putc(digits[i], f);
    }
}

/* Money in a chart label: 500, 5k, 50k, 5M, 5G. */
static void put_short_money(FILE *f, double x)
{
    static const struct {
        double unit;
        const char *suffix;
    } units[] = { { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" } };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (x >= units[i].unit) {
            fprintf(f, "%g%s", x / units[i].unit, units[i].suffix);
            return;
        }
    fprintf(f, "%g", x);
}

/* "0.3306 ±0.0005", "0.3306 exact", or an en dash. */
static void put_estimate(FILE *f, double value, double se, int exact, int decimals, int money)
{
    if (isnan(value)) {
        fputs("\xE2\x80\x93", f);
        return;
    }
    if (money)
        put_money(f, value);
    else
        fprintf(f, "%.*f", decimals, value);
    if (exact) {
        fputs(" <span class=\"x\">exact</span>", f);
    } else if (!isnan(se)) {
        fputs(" <span class=\"x\">\xC2\xB1", f);
        if (money)
            put_money(f, se);
        else
            fprintf(f, "%.*f", decimals, se);
        fputs("</span>", f);
    }
}

static void cell_estimate(FILE *f, double value, double se, int exact, int decimals, int money)
{
    fputs("<td class=\"n\"", f);
    if (!isnan(value))
        fprintf(f, " data-v=\"%.17g\"", value);
    putc('>', f);
    put_estimate(f, value, se, exact, decimals, money);
    fputs("</td>", f);
}

static void cell_node(FILE *f, const crisk_inventory *inv, size_t v)
{
    fputs("<td class=\"node\"><span class=\"nm\">", f);
    crisk__escape(f, crisk_inventory_node_name(inv, v), 0, CRISK__ESC_HTML);
    fputs("</span><code>", f);
    crisk__escape(f, crisk_inventory_node_id(inv, v), 0, CRISK__ESC_HTML);
    fputs("</code></td>", f);
}

/* ---- the chart --------------------------------------------------------------------- */

enum { W = 640, H = 260, LEFT = 56, RIGHT = 16, TOP = 14, BOTTOM = 40 };

typedef struct chart {
    double x0, x1;      /* loss range on the log axis */
    double ymax;        /* probability at the top of the axis */
} chart;

static double px(const chart *c, double x)
{
    return LEFT + (W - LEFT - RIGHT) * (log10(x) - log10(c->x0)) / (log10(c->x1) - log10(c->x0));
}

static double py(const chart *c, double p)
{
    return TOP + (H - TOP - BOTTOM) * (1 - p / c->ymax);
}

static void chart_axes(FILE *f, const chart *c)
{
    fputs("<g stroke=\"#d8dee4\" stroke-width=\"1\">", f);
    for (int i = 0; i <= 4; i++) {
        double y = py(c, c->ymax * i / 4);
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, y, W - RIGHT, y);
    }
    for (double d = 1; d <= c->x1 * 1.0001; d *= 10)
        if (d >= c->x0 * 0.9999)
            fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", px(c, d), TOP,
                    px(c, d), H - BOTTOM);
    fputs("</g>\n<g font-size=\"11\" fill=\"#59636e\">", f);
    for (int i = 0; i <= 4; i++)
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g%%</text>", LEFT - 6,
                py(c, c->ymax * i / 4) + 4, 100 * c->ymax * i / 4);
    for (double d = 1; d <= c->x1 * 1.0001; d *= 10)
        if (d >= c->x0 * 0.9999) {
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", px(c, d),
                    H - BOTTOM + 16);
            put_short_money(f, d);
            fputs("</text>", f);
        }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">loss in a year, x "
               "(logarithmic)</text>", (LEFT + W - RIGHT) / 2, H - 6);
    fprintf(f, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">"
               "P(loss &gt; x)</text>", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
    fputs("</g>\n", f);
}

/* The curve's points with x > 0 (the log axis cannot show 0). */
static void chart_curve(FILE *f, const chart *c, const crisk_money_loss *m)
{
    fputs("<polyline fill=\"none\" stroke=\"#0b5cad\" stroke-width=\"2\" points=\"", f);
    for (size_t i = 0; i < m->n_curve; i++)
        if (m->curve_x[i] > 0)
            fprintf(f, "%.1f,%.1f ", px(c, m->curve_x[i]), py(c, m->curve_p[i]));
    fputs("\"/>\n<g fill=\"#0b5cad\">", f);
    for (size_t i = 0; i < m->n_curve; i++)
        if (m->curve_x[i] > 0)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>P(loss &gt; %.17g) = "
                       "%.4f</title></circle>", px(c, m->curve_x[i]), py(c, m->curve_p[i]),
                    m->curve_x[i], m->curve_p[i]);
    fputs("</g>\n", f);
}

/* The loss exceedance curve as an inline SVG chart. */
static void write_chart(FILE *f, const crisk_money_loss *m)
{
    /* the probability axis ends at the first of these above the curve, so
     * that its quarters are round percentages */
    static const double tops[] = { 0.01, 0.02, 0.04, 0.1, 0.2, 0.4, 0.8, 1 };
    chart c = { 0, 0, 0 };
    double highest = 0;
    for (size_t i = 0; i < m->n_curve; i++) {
        if (m->curve_x[i] > 0 && c.x0 == 0)
            c.x0 = m->curve_x[i];
        if (m->curve_x[i] > c.x1)
            c.x1 = m->curve_x[i];
        if (m->curve_p[i] > highest)
            highest = m->curve_p[i];
    }
    for (size_t i = 0; i < sizeof tops / sizeof tops[0] && c.ymax == 0; i++)
        if (highest <= tops[i])
            c.ymax = tops[i];
    if (!(c.x0 > 0) || !(c.x1 > c.x0))
        return;
    fprintf(f, "<figure class=\"lec\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
               "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Loss exceedance curve: the "
               "probability that the loss in a year exceeds x\">\n", W, H, W, H);
    chart_axes(f, &c);
    chart_curve(f, &c, m);
    fputs("</svg><figcaption>The probability that the year&#39;s loss exceeds x, at the points "
          "of the table below.</figcaption></figure>\n", f);
}

/* ---- tables ---------------------------------------------------------------------------- */

static void write_curve_table(FILE *f, const crisk_money_loss *m)
{
    fputs("<div class=\"scroll\"><table><thead><tr><th class=\"n\">loss &gt; x</th>"
          "<th class=\"n\">probability</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < m->n_curve; i++) {
        fputs("<tr><td class=\"n\">", f);
        put_money(f, m->curve_x[i]);
        fputs("</td>", f);
        cell_estimate(f, m->curve_p[i], m->curve_std_error[i], m->exact, 4, 0);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static void write_functions(FILE *f, const crisk_simulation *s, long top)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    size_t n;
    const crisk_function_risk *fr = crisk_simulation_functions(s, &n);
    size_t shown = top >= 0 && (size_t)top < n ? (size_t)top : n;
    fputs("<h3>Functions</h3>\n<div class=\"scroll\"><table class=\"sortable\"><thead><tr>"
          "<th>function</th><th class=\"n\">P(down)</th><th class=\"n\">P(breach)</th>"
          "<th class=\"n\">expected downtime (h)</th><th class=\"n\">expected loss</th>"
          "</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < shown; i++) {
        fputs("<tr>", f);
        cell_node(f, inv, fr[i].node);
        cell_estimate(f, fr[i].probability, fr[i].std_error, fr[i].exact, 4, 0);
        cell_estimate(f, fr[i].breach_probability, fr[i].breach_std_error, fr[i].exact, 4, 0);
        cell_estimate(f, fr[i].downtime, fr[i].downtime_std_error, fr[i].exact, 2, 0);
        cell_estimate(f, fr[i].loss, fr[i].loss_std_error, fr[i].exact, 0, 1);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (shown < n)
        fprintf(f, "<p class=\"note\">The %zu functions most likely to be down of %zu; "
                   "<code>chainrisk simulate</code> lists every one.</p>\n", shown, n);
}

static void write_importance(FILE *f, const crisk_simulation *s)
{
    const crisk_inventory *inv = crisk_simulation_inventory(s);
    size_t n, rows = 0;
    const crisk_importance *im = crisk_simulation_importance(s, &n);
    for (size_t i = 0; i < n; i++)
        rows += im[i].target == CRISK_IMPORTANCE_TOTAL_LOSS;
    if (rows == 0)
        return;
    fputs("<h3>Providers that matter most for the loss</h3>\n<p class=\"note\">Every run is also "
          "evaluated with the provider forced down and forced up. Birnbaum: expected loss with it "
          "down minus with it up; criticality and Fussell\xE2\x80\x93Vesely: the share of the "
          "expected loss it accounts for; RAW and RRW: how much the expected loss grows if it is "
          "certain to fail, and shrinks if it cannot.</p>\n<div class=\"scroll\"><table "
          "class=\"sortable\"><thead><tr><th>provider</th><th class=\"n\">probability</th>"
          "<th class=\"n\">Birnbaum</th><th class=\"n\">criticality</th>"
          "<th class=\"n\">Fussell\xE2\x80\x93Vesely</th><th class=\"n\">RAW</th>"
          "<th class=\"n\">RRW</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        if (im[i].target != CRISK_IMPORTANCE_TOTAL_LOSS)
            continue;
        fputs("<tr>", f);
        cell_node(f, inv, im[i].provider);
        fprintf(f, "<td class=\"n\" data-v=\"%.17g\">%g</td>", im[i].q, im[i].q);
        cell_estimate(f, im[i].birnbaum, im[i].birnbaum_std_error, im[i].exact, 0, 1);
        cell_estimate(f, im[i].criticality, im[i].criticality_std_error, im[i].exact, 4, 0);
        cell_estimate(f, im[i].fussell_vesely, im[i].fussell_vesely_std_error, im[i].exact, 4, 0);
        cell_estimate(f, im[i].raw, im[i].raw_std_error, im[i].exact, 3, 0);
        cell_estimate(f, im[i].rrw, im[i].rrw_std_error, im[i].exact, 3, 0);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static void write_lead(FILE *f, const crisk_simulation *s)
{
    size_t n;
    crisk_simulation_functions(s, &n);
    fputs("<p class=\"lead\">Every node fails on its own with its yearly probability and stays down "
          "for its recovery time; downtimes travel through the dependencies and redundancy groups. ", f);
    if (crisk_simulation_runs(s) == 0)
        fputs("Every figure is exact: all states of the uncertain providers were enumerated.", f);
    else
    {
        fputs("Monte Carlo over ", f);
        put_money(f, (double)crisk_simulation_runs(s));
        fprintf(f, " runs (seed %" PRIu64 "); %zu of %zu functions depend on few enough "
                   "uncertain providers to be computed exactly.", crisk_simulation_seed(s),
                crisk_simulation_exact_functions(s), n);
    }
    size_t d = crisk_simulation_default_recovery_nodes(s);
    if (d > 0)
        fprintf(f, " %zu node%s without a recovery time %s assumed down for %g h.", d,
                d == 1 ? "" : "s", d == 1 ? "is" : "are", crisk_simulation_default_recovery(s));
    fputs("</p>\n", f);
}

static void write_money(FILE *f, const crisk_money_loss *m)
{
    if (!m->given) {
        fputs("<p class=\"note\">No function has a <code>loss_per_hour</code>: there are no loss "
              "figures.</p>\n", f);
        return;
    }
    fputs("<div class=\"cards\">\n<div class=\"card\"><div class=\"k\">Expected annual loss</div>"
          "<div class=\"v\">", f);
    put_money(f, m->mean);
    fprintf(f, "</div><div class=\"d\">%s</div></div>\n", m->mean_exact ? "exact" : "sampled");
    static const char *const names[] = { "Median year (P50)", "One year in ten (P90)",
                                         "One year in a hundred (P99)" };
    const double values[] = { m->p50, m->p90, m->p99 };
    for (size_t i = 0; i < 3; i++) {
        fprintf(f, "<div class=\"card\"><div class=\"k\">%s</div><div class=\"v\">", names[i]);
        put_money(f, values[i]);
        fputs("</div><div class=\"d\">loss in the year</div></div>\n", f);
    }
    fputs("</div>\n<h3>Loss exceedance curve</h3>\n", f);
    write_chart(f, m);
    write_curve_table(f, m);
}

void crisk__report_loss(FILE *f, const crisk_simulation *s, long top)
{
    fputs("<section id=\"loss\">\n<h2>Outages and annual loss</h2>\n", f);
    write_lead(f, s);
    write_money(f, crisk_simulation_money(s));
    write_functions(f, s, top);
    write_importance(f, s);
    fputs("</section>\n", f);
}
