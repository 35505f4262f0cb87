/*
 * test_report.c - the HTML report: its sections, its Content-Security-Policy,
 * escaping of hostile text (the page is tokenised back and checked against
 * allowlists), load warnings, and byte-stable output.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"

/* Graphviz leaks inside its layout and its plugins (DEPENDENCIES.md: ~7 KB
 * per layout); under LeakSanitizer only leaks through chainrisk's own
 * allocations should fail these tests.  Read by LSan when it is linked in. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libgvc.so\nleak:libcgraph.so\nleak:libgvplugin\nleak:libpathplan.so\n"
           "leak:libfontconfig.so\nleak:libpango\nleak:libcairo.so\nleak:libexpat.so\n"
           "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libharfbuzz.so\n";
}

typedef struct fixture {
    char dir[64];
    crisk_inventory *inv;
    crisk_analysis *a;
    crisk_diagnostics diags;
    char nodes_sha[65];
} fixture;

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void load(fixture *fx, const char *nodes, const char *edges)
{
    char path[128];
    snprintf(fx->dir, sizeof fx->dir, "/tmp/crisk-report-XXXXXX");
    cr_assert_not_null(mkdtemp(fx->dir));
    write_file(fx->dir, "nodes.csv", nodes);
    write_file(fx->dir, "edges.csv", edges);
    crisk_sha256_hex(fx->nodes_sha, nodes, strlen(nodes));
    crisk_input in = { fx->dir, NULL, NULL };
    crisk_load_options lo = CRISK_LOAD_OPTIONS_INIT;
    crisk_diagnostics_init(&fx->diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_inventory_load(&fx->inv, &in, 1, &lo, &fx->diags, &err);
    snprintf(path, sizeof path, "%s/nodes.csv", fx->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/edges.csv", fx->dir);
    unlink(path);
    rmdir(fx->dir);
    cr_assert_eq(rc, CRISK_OK, "load: %s", err.message);
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    ao.keep_fingerprints = 1;   /* for the diffs of the review sections */
    cr_assert_eq(crisk_analysis_run(&fx->a, fx->inv, &ao, &err), CRISK_OK, "analysis: %s", err.message);
}

static void unload(fixture *fx)
{
    crisk_analysis_free(fx->a);
    crisk_inventory_free(fx->inv);
    crisk_diagnostics_release(&fx->diags);
}

static char *report(const fixture *fx, const crisk_report_options *opts)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_report_write(f, fx->a, &fx->diags, opts, &err);
    fclose(f);
    cr_assert_eq(rc, CRISK_OK, "report: %s", err.message);
    cr_assert_eq(strlen(buf), len);
    return buf;
}

static void has(const char *page, const char *needle)
{
    cr_assert(strstr(page, needle) != NULL, "the page holds '%s'", needle);
}

/* f1 needs s1 OR s2 (both on edr, a shared fourth party: false redundancy)
 * and c1; f2 needs c1 and h1.  orphan has no dependant (a warning). */
static const char small_nodes[] =
    "id,name,type,category,criticality,rto_hours,recovery_hours,spend,country,parent\n"
    "f1,Order intake,function,,3,4,,,,\n"
    "f2,Billing,function,,1,24,,,,\n"
    "c1,Cloud region,service,cloud,,,8,1000,DE,Cloudco\n"
    "s1,Shop A,service,software,,,,500,DE,Shopco\n"
    "s2,Shop B,service,software,,,,300,FR,Shopco\n"
    "edr,EDR sensor,component,software,,,72,0,AT,Watch\n"
    "h1,Printer,supplier,hardware,,,,50,DE,Print\n"
    "orphan,Orphan,supplier,other,,,,,,\n";
static const char small_edges[] =
    "from,to,group,need\n"
    "f1,s1,shops,1\n"
    "f1,s2,shops,1\n"
    "f1,c1,,\n"
    "f2,c1,,\n"
    "f2,h1,,\n"
    "s1,edr,,\n"
    "s2,edr,,\n";

Test(report, has_every_section_and_the_summary_figures)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    char *page = report(&fx, NULL);
    static const char *const ids[] = {
        "id=\"summary\"", "id=\"summary-nodes\"", "id=\"summary-spofs\"", "id=\"summary-concentration\"",
        "id=\"map\"", "id=\"top-risks-table\"", "id=\"risk-1\"", "id=\"spofs-table\"", "id=\"shared-table\"",
        "id=\"false-redundancy-table\"", "id=\"concentration-category\"", "id=\"concentration-parent\"",
        "id=\"concentration-country\"", "id=\"warnings-list\"", "id=\"provenance\"", "id=\"inputs-table\"",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        has(page, ids[i]);
    has(page, "<!DOCTYPE html>");
    has(page, "<svg role=\"img\"");
    cr_assert_null(strstr(page, "<?xml"), "the SVG prolog is not inlined");
    cr_assert_null(strstr(page, "<!DOCTYPE svg"));
    has(page, "<div class=\"v\">8</div>");                 /* nodes */
    has(page, "2 functions \xC2\xB7 2 suppliers \xC2\xB7 3 services \xC2\xB7 1 component");
    has(page, fx.nodes_sha);
    has(page, "Reliance basis (exposure)");
    has(page, "Spend basis");
    has(page, "chainrisk ");
    has(page, crisk_version());
    has(page, "not recorded");
    /* edr defeats the shops group of f1 */
    has(page, "EDR sensor");
    has(page, "1 of 2</td>");
    /* breaches: c1 (recovery 8 h) fails f1 (rto 4 h); h1 has no recovery_hours */
    has(page, "<td class=\"n\" data-v=\"1\">1</td></tr>");
    has(page, "<td class=\"n\" data-v=\"-1\">unknown</td></tr>");
    free(page);
    unload(&fx);
}

/* 'sha256-BASE64' of s. */
static void csp_source(char out[64], const char *s, size_t len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char hex[65];
    unsigned char raw[33] = { 0 };
    crisk_sha256_hex(hex, s, len);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        raw[i] = (unsigned char)v;
    }
    char *o = out + sprintf(out, "'sha256-");
    for (int i = 0; i < 33; i += 3) {
        unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = b64[v >> 6 & 63];
        *o++ = i + 2 < 32 ? b64[v & 63] : '=';
    }
    strcpy(o, "'");
}

static void assert_hashed(const char *page, const char *open, const char *close, const char *csp)
{
    const char *start = strstr(page, open);
    cr_assert_not_null(start);
    start += strlen(open);
    const char *end = strstr(start, close);
    cr_assert_not_null(end);
    char source[64];
    csp_source(source, start, (size_t)(end - start));
    cr_assert(strstr(csp, source) != NULL, "the policy admits %s%s", open, source);
}

Test(report, csp_admits_exactly_the_pages_own_script_and_style)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    char *page = report(&fx, NULL);
    const char *csp = strstr(page, "http-equiv=\"Content-Security-Policy\" content=\"");
    cr_assert_not_null(csp);
    has(csp, "default-src 'none'");
    assert_hashed(page, "<script>", "</script>", csp);
    assert_hashed(page, "<style>", "</style>", csp);
    const char *script = strstr(page, "<script");
    cr_assert_null(strstr(script + 1, "<script"), "one script only");
    cr_assert_null(strstr(page, "unsafe-inline"));
    cr_assert_null(strstr(page, "href=\"http"), "no external link");
    cr_assert_null(strstr(page, "src="), "no external resource");
    free(page);
    unload(&fx);
}

/* ---- hostile text ----------------------------------------------------------------------- */

static const char hostile_nodes[] =
    "id,name,type,category,criticality,country,parent,spend\n"
    "\"f<b>\",\"<script>alert(1)</script> \"\"quoted\"\" 'single'\",function,,2,,,\n"
    "s1,\"<IMG SRC=x onerror=alert(1)>\",service,cloud,,,\"</td></tr></table><script>x</script>\",10\n"
    "s2,\"bidi \xE2\x80\xAEtxt.exe\xE2\x80\xAC & &amp; \\N\",supplier,cloud,,DE,\"a\nb\",5\n"
    "\"s3\"\" onmouseover=\"\"x\",\"--></svg><svg onload=alert(1)>\",component,software,,,,\n"
    "lonely,\"<a href='javascript:x'>never used</a>\",supplier,other,,,,\n";
static const char hostile_edges[] =
    "from,to,group,need\n"
    "\"f<b>\",s1,\"<g onclick=x>\",1\n"
    "\"f<b>\",s2,\"<g onclick=x>\",1\n"
    "s1,\"s3\"\" onmouseover=\"\"x\",,\n"
    "s2,\"s3\"\" onmouseover=\"\"x\",,\n";

static const char *const html_elements[] = {
    "html", "head", "meta", "title", "style", "body", "header", "div", "h1", "h2", "h3", "p", "code", "nav",
    "a", "main", "section", "table", "thead", "tbody", "tr", "th", "td", "span", "ul", "li", "figure", "dl",
    "dt", "dd", "time", "em", "b", "footer", "script", "svg", "rect", "g", "title", "polygon", "ellipse",
    "path", "text", "polyline", "line", "circle", "figcaption", NULL
};
static const char *const html_attributes[] = {
    "lang", "charset", "name", "content", "http-equiv", "class", "id", "href", "role", "aria-label",
    "aria-hidden", "title", "data-v", "rowspan", "colspan", "viewBox", "preserveAspectRatio", "width",
    "height", "fill", "xmlns", "xmlns:xlink", "transform", "stroke", "points", "cx", "cy", "rx", "ry", "d",
    "x", "y", "text-anchor", "font-family", "font-size", "font-weight", "font-style", "stroke-width",
    "stroke-dasharray", "xlink:title", "x1", "y1", "x2", "y2", "r", NULL
};

static int listed(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncmp(*list, s, n) == 0)
            return 1;
    return 0;
}

static size_t name_length(const char *s)
{
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == ':' || s[n] == '-'
           || (n > 0 && s[n] >= '0' && s[n] <= '9'))
        n++;
    return n;
}

/* Every '<' opens a comment, the doctype or an allowed tag with allowed,
 * double-quoted attributes; links stay inside the page; script content is
 * skipped (it is checked by its hash). */
static void check_markup(const char *doc)
{
    for (const char *p = strchr(doc, '<'); p; p = strchr(p, '<')) {
        if (strncmp(p, "<!--", 4) == 0 || strncmp(p, "<!DOCTYPE", 9) == 0) {
            const char *end = strstr(p, p[2] == '-' ? "-->" : ">");
            cr_assert_not_null(end);
            p = end + 1;
            continue;
        }
        p++;
        if (*p == '/')
            p++;
        size_t n = name_length(p);
        cr_assert(n > 0 && listed(html_elements, p, n), "unexpected element <%.*s>", (int)(n ? n : 16), p);
        int is_script = n == 6 && strncmp(p, "script", 6) == 0 && p[-1] == '<';
        p += n;
        for (;;) {
            while (*p == ' ' || *p == '\n')
                p++;
            if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                break;
            size_t an = name_length(p);
            cr_assert(an > 0 && listed(html_attributes, p, an), "unexpected attribute '%.*s'", (int)(an ? an : 16), p);
            cr_assert(p[an] == '=' && p[an + 1] == '"', "unquoted attribute %.*s", (int)an, p);
            const char *value = p + an + 2, *close = strchr(value, '"');
            cr_assert_not_null(close);
            cr_assert(memchr(value, '<', (size_t)(close - value)) == NULL);
            if (an == 4 && strncmp(p, "href", 4) == 0)
                cr_assert_eq(*value, '#', "links stay on the page");
            p = close + 1;
        }
        if (is_script) {
            const char *end = strstr(p, "</script>");
            cr_assert_not_null(end);
            cr_assert_null(strstr(end + 9, "<script"), "the page's own script is the last one");
            p = end + 9;
        }
    }
}

Test(report, hostile_text_is_escaped_everywhere)
{
    fixture fx;
    load(&fx, hostile_nodes, hostile_edges);
    char *page = report(&fx, NULL);
    check_markup(page);
    cr_assert_null(strstr(page, "<IMG"));
    cr_assert_null(strstr(page, "<img"));
    /* as text they may appear; as attributes check_markup() refused them */
    cr_assert_null(strstr(page, "onmouseover=\""));
    cr_assert_null(strstr(page, "\xE2\x80\xAE"), "no bidi override");
    has(page, "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &#39;single&#39;");
    has(page, "&lt;IMG SRC=x onerror=alert(1)&gt;");
    has(page, "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;x&lt;/script&gt;");
    has(page, "bidi ?txt.exe? &amp; &amp;amp; \\N");
    has(page, "--&gt;&lt;/svg&gt;&lt;svg onload=alert(1)&gt;");
    has(page, "s3&quot; onmouseover=&quot;x");
    has(page, "&lt;g onclick=x&gt;");
    free(page);
    unload(&fx);
}

/* ---- determinism, options, warnings ------------------------------------------------------ */

Test(report, is_byte_identical_without_a_timestamp)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    char *one = report(&fx, NULL), *two = report(&fx, NULL);
    cr_assert_str_eq(one, two);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.timestamp = "2026-01-02T03:04:05Z";
    char *stamped = report(&fx, &opts);
    has(stamped, "<time>2026-01-02T03:04:05Z</time>");
    cr_assert_null(strstr(one, "<time>"));
    free(one);
    free(two);
    free(stamped);
    unload(&fx);
}

Test(report, lists_the_load_warnings)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    cr_assert_gt(fx.diags.warnings, 0);
    char *page = report(&fx, NULL);
    has(page, "<div class=\"v\">1</div><div class=\"d\">non-fatal findings of the load");
    has(page, "provider &#39;orphan&#39; has no dependants");
    free(page);
    unload(&fx);
}

Test(report, top_limits_the_risk_rows_and_the_map_can_be_left_out)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.top = 2;
    opts.map = 0;
    char *page = report(&fx, &opts);
    has(page, "id=\"risk-2\"");
    cr_assert_null(strstr(page, "id=\"risk-3\""));
    cr_assert_null(strstr(page, "<svg role=\"img\""));
    has(page, "2 of 8 nodes shown");
    free(page);
    unload(&fx);
}

/* ---- scenario tests and joint impact -------------------------------------------------- */

/* Two scenarios on the small inventory, worked by hand:
 *   cloud: c1 down 8 h - f1 (needs c1, rto 4) down 8 h: breached ("8!");
 *          f2 (needs c1, rto 24) down 8 h: within ("8").  Lost 4.
 *   shops: s1 and s2 with no recovery_hours - f1 (needs s1 or s2) down for
 *          some unknown time against rto 4: cannot be judged ("?"); f2
 *          unaffected.  Lost 3: second.
 * Columns by criticality: f1 (3), then f2 (1).  The scenario's name is
 * hostile and must come out as text. */
Test(report, scenario_tests_are_a_heat_table_with_breaches_marked)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    size_t c1, s1, s2;
    cr_assert_eq(crisk_inventory_find(fx.inv, "c1", &c1), CRISK_OK);
    cr_assert_eq(crisk_inventory_find(fx.inv, "s1", &s1), CRISK_OK);
    cr_assert_eq(crisk_inventory_find(fx.inv, "s2", &s2), CRISK_OK);
    uint32_t cloud_nodes[] = { (uint32_t)c1 }, shop_nodes[] = { (uint32_t)s1, (uint32_t)s2 };
    crisk_scenario cloud = { .id = "cloud", .name = "<script>x</script>", .fails = "c1", .hours = 8,
                             .nodes = cloud_nodes, .n_nodes = 1 };
    crisk_scenario shops = { .id = "shops", .name = "", .fails = "parent:Shopco", .hours = NAN,
                             .nodes = shop_nodes, .n_nodes = 2 };
    crisk_scenario_set *set = NULL;
    crisk_scenario_run *run = NULL;
    cr_assert_eq(crisk_scenario_set_new(&set, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenario_set_add(set, &cloud, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenario_set_add(set, &shops, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenarios_run(&run, fx.inv, set, NULL, NULL), CRISK_OK);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.map = 0;
    opts.scenarios = run;
    char *page = report(&fx, &opts);
    check_markup(page);
    has(page, "<a href=\"#scenarios\">Scenario tests</a>");
    has(page, "<section id=\"scenarios\">");
    has(page, "id=\"summary-scenarios\"><div class=\"k\">Scenario tests</div><div class=\"v\">1 of 2</div>");
    has(page, "<tr id=\"scenario-1\"><td class=\"node\"><span class=\"nm\">&lt;script&gt;x&lt;/script&gt;"
              "</span> <code>cloud</code>");
    has(page, "<span class=\"tag breach\">breached</span>");
    has(page, "<td class=\"cell b\" data-v=\"8\" title=\"f1: down 8 h, RTO 4 h: breached\">8!</td>"
              "<td class=\"cell w\" data-v=\"8\" title=\"f2: down 8 h, RTO 24 h: within tolerance\">8</td></tr>");
    has(page, "<td class=\"cell k\" data-v=\"0\" title=\"f1: down for an unknown time, RTO 4 h: cannot be judged\">?</td>"
              "<td class=\"cell u\" data-v=\"-1\">\xC2\xB7</td></tr>");
    cr_assert_null(strstr(page, "id=\"scenario-3\""));
    char *again = report(&fx, &opts);
    cr_assert_str_eq(page, again, "byte-stable with scenarios too");
    free(again);
    free(page);
    page = report(&fx, NULL);
    cr_assert_null(strstr(page, "id=\"scenarios\""), "no section without scenario tests");
    cr_assert_null(strstr(page, "href=\"#scenarios\""));
    free(page);
    crisk_scenario_run_free(run);
    crisk_scenario_set_free(set);
    unload(&fx);
}

/* Shopco = s1 + s2: summed exposure 3 + 3 (f1 through each), but failing
 * together they fail f1 once (3 of 4: 75 %). */
Test(report, parent_and_country_tables_give_the_joint_impact)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    char *page = report(&fx, NULL);
    has(page, "<th class=\"n\">Exposure (sum)</th><th class=\"n\">Reliance share</th>"
              "<th class=\"n\">Joint: functions</th><th class=\"n\">Joint: criticality</th>"
              "<th class=\"n\">Joint: share</th>");
    has(page, "<tr><td>Shopco</td><td class=\"n\" data-v=\"2\">2</td>");
    const char *row = strstr(page, "<tr><td>Shopco</td>");
    const char *end = strstr(row, "</tr>");
    char *cells = strndup(row, (size_t)(end - row));
    has(cells, "<td class=\"n\" data-v=\"6\">6</td>");            /* summed exposure */
    has(cells, "<td class=\"n\" data-v=\"1\">1</td><td class=\"n\" data-v=\"3\">3</td>");   /* joint */
    has(cells, "75.0");
    free(cells);
    free(page);
    unload(&fx);
}

/* ---- changes since a baseline, and the policy ---------------------------------------- */

static void write_policy(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/crisk-report-policy-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

typedef struct review {
    crisk_diff *d;
    crisk_policy *p;
    crisk_check *c;
    crisk_report_options opts;
} review;

static void review_of(review *r, const fixture *old, const fixture *cur, const char *policy)
{
    char path[64];
    crisk_error err = CRISK_ERROR_INIT;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    write_policy(path, policy);
    cr_assert_eq(crisk_policy_load(&r->p, path, &diags, &err), CRISK_OK, "%s", err.message);
    unlink(path);
    crisk_diagnostics_release(&diags);
    cr_assert_eq(crisk_diff_run(&r->d, old->a, cur->a, NULL, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(crisk_check_run(&r->c, r->p, cur->a, NULL, &err), CRISK_OK, "%s", err.message);
    r->opts = (crisk_report_options)CRISK_REPORT_OPTIONS_INIT;
    r->opts.map = 0;
    r->opts.baseline = r->d;
    r->opts.policy = r->c;
}

static void review_release(review *r)
{
    crisk_check_free(r->c);
    crisk_diff_free(r->d);
    crisk_policy_free(r->p);
}

/* A quarter later: f2 also needs the new supplier n1 (a new SPOF of f2,
 * which breaches nothing: n1 has no recovery_hours), Shop B moves to
 * Shopco's rival (parent concentration moves). */
static const char next_nodes[] =
    "id,name,type,category,criticality,rto_hours,recovery_hours,spend,country,parent\n"
    "f1,Order intake,function,,3,4,,,,\n"
    "f2,Billing,function,,1,24,,,,\n"
    "c1,Cloud region,service,cloud,,,8,1000,DE,Cloudco\n"
    "s1,Shop A,service,software,,,,500,DE,Shopco\n"
    "s2,Shop B,service,software,,,,300,FR,Rival\n"
    "edr,EDR sensor,component,software,,,72,0,AT,Watch\n"
    "h1,Printer,supplier,hardware,,,,50,DE,Print\n"
    "orphan,Orphan,supplier,other,,,,,,\n"
    "n1,New supplier,supplier,other,,,,,,\n";
static const char next_edges[] =
    "from,to,group,need\n"
    "f1,s1,shops,1\n"
    "f1,s2,shops,1\n"
    "f1,c1,,\n"
    "f2,c1,,\n"
    "f2,h1,,\n"
    "f2,n1,,\n"
    "s1,edr,,\n"
    "s2,edr,,\n";

static const char small_policy[] =
    "{ \"name\": \"Gate\", \"rules\": [\n"
    "  { \"rule\": \"no_false_redundancy\", \"name\": \"real redundancy\" },\n"
    "  { \"rule\": \"complete\", \"of\": \"tier1\" } ] }\n";

Test(report, adds_the_changes_since_a_baseline_and_the_policy_s_verdicts)
{
    fixture old, cur;
    load(&old, small_nodes, small_edges);
    load(&cur, next_nodes, next_edges);
    review r;
    review_of(&r, &old, &cur, small_policy);
    char *page = report(&cur, &r.opts), *again = report(&cur, &r.opts);
    cr_assert_str_eq(page, again, "byte-identical");
    check_markup(page);
    has(page, "<a href=\"#summary\">Summary</a><a href=\"#changes\">Changes</a>"
              "<a href=\"#policy\">Policy</a>");
    has(page, "<section id=\"changes\">\n<h2>Changes since the baseline</h2>");
    has(page, "<li>nodes: 1 added, 0 removed, 1 change of a field</li>");
    has(page, "<li>dependencies: 1 added, 0 removed, 0 changed</li>");
    has(page, "<tr><td><code>f2</code></td><td><code>n1</code></td>"
              "<td><span class=\"tag spof\">appeared</span></td></tr>");
    has(page, "<tr><td>parent</td><td>all</td><td>spend</td>");
    has(page, "id=\"changes-breaches-none\"");
    /* the policy: the shops group is falsely redundant (edr), n1 has no spend */
    has(page, "<section id=\"policy\">\n<h2>Policy</h2>\n<p class=\"lead\">Gate (<code>");
    has(page, ": 2 of its 2 rules are violated.</p>");
    has(page, "<li>group &#39;shops&#39; of &#39;f1&#39; (need 1 of 2) fails when &#39;edr&#39; fails: "
              "2 members down, it can spare 1</li>");
    has(page, "<li>tier-1 provider &#39;n1&#39; has no spend</li>");
    free(page);
    free(again);
    crisk_report_options plain = CRISK_REPORT_OPTIONS_INIT;
    plain.map = 0;
    page = report(&cur, &plain);
    cr_assert_null(strstr(page, "id=\"changes\""));
    cr_assert_null(strstr(page, "id=\"policy\""));
    cr_assert_null(strstr(page, "href=\"#changes\""));
    free(page);
    review_release(&r);
    unload(&old);
    unload(&cur);
}

Test(report, hostile_text_is_escaped_in_the_changes_and_the_policy)
{
    fixture old, cur;
    load(&old, small_nodes, small_edges);
    load(&cur, hostile_nodes, hostile_edges);
    review r;
    review_of(&r, &old, &cur,
              "{ \"name\": \"<script>alert(2)</script>\", \"rules\": [\n"
              "  { \"rule\": \"complete\", \"of\": \"providers\", \"name\": \"<img src=x>\" },\n"
              "  { \"rule\": \"no_false_redundancy\" } ] }\n");
    char *page = report(&cur, &r.opts);
    check_markup(page);
    cr_assert_null(strstr(page, "<img"));
    has(page, "&lt;script&gt;alert(2)&lt;/script&gt; (<code>");
    has(page, "&lt;img src=x&gt;");
    has(page, "<code>s3&quot; onmouseover=&quot;x</code>");
    has(page, "group &#39;&lt;g onclick=x&gt;&#39; of &#39;f&lt;b&gt;&#39;");
    free(page);
    review_release(&r);
    unload(&old);
    unload(&cur);
}

/* What cannot be judged is shown as such, never as holding: on the next
 * quarter, the 'other' market (orphan, n1) has no spend given at all, and
 * f2 (rto 24) fails with h1 and n1, which have no recovery_hours, beside
 * f1's two breaches (c1 8 h, edr 72 h > 4 h). */
Test(report, the_policy_section_shows_what_cannot_be_judged)
{
    fixture old, cur;
    load(&old, small_nodes, small_edges);
    load(&cur, next_nodes, next_edges);
    review r;
    review_of(&r, &old, &cur,
              "{ \"rules\": [\n"
              "  { \"rule\": \"max_hhi\", \"by\": \"category\", \"market\": \"other\", "
              "\"basis\": \"spend\", \"max\": 2500 },\n"
              "  { \"rule\": \"no_breach\" } ] }\n");
    char *page = report(&cur, &r.opts);
    check_markup(page);
    has(page, ": 1 of its 2 rules is violated, 1 cannot be judged.</p>");
    has(page, "<th class=\"n\">Cannot be judged</th>");
    has(page, "<td><span class=\"tag breach\">cannot be judged</span></td>"
              "<td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1</td></tr>");
    has(page, "<td><span class=\"tag spof\">violated</span></td>"
              "<td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">2</td></tr>");
    has(page, "<li><span class=\"tag\">cannot be judged</span> market &#39;other&#39;: none of "
              "its 2 providers has a spend: the HHI on the spend basis cannot be computed</li>");
    has(page, "<li><span class=\"tag\">cannot be judged</span> &#39;f2&#39; fails when &#39;h1&#39; "
              "fails, which has no recovery_hours: whether &#39;f2&#39; (tolerates 24 h) is "
              "breached cannot be judged</li>");
    cr_assert_null(strstr(page, "tag ok\">holds"), "nothing here holds");
    free(page);
    review_release(&r);
    unload(&old);
    unload(&cur);
}

/* ---- outages and annual loss ------------------------------------------------------------ */

/* small_* with probabilities, recovery times and losses per hour, and a
 * hostile name on a measured provider. */
static const char risk_nodes[] =
    "id,name,type,category,criticality,rto_hours,recovery_hours,probability,loss_per_hour\n"
    "f1,Order intake,function,,3,4,,,5000\n"
    "f2,\"<b>Billing</b>\",function,,1,24,,,800\n"
    "c1,\"<script>x</script>\",service,cloud,,,8,0.02,\n"
    "s1,Shop A,service,software,,,4,0.1,\n"
    "s2,Shop B,service,software,,,12,0.2,\n"
    "edr,EDR sensor,component,software,,,72,0.01,\n"
    "h1,Printer,supplier,hardware,,,,0.05,\n";
static const char risk_edges[] =
    "from,to,group,need\n"
    "f1,s1,shops,1\n"
    "f1,s2,shops,1\n"
    "f1,c1,,\n"
    "f2,c1,,\n"
    "f2,h1,,\n"
    "s1,edr,,\n"
    "s2,edr,,\n";

static crisk_simulation *simulate_fixture(const fixture *fx)
{
    size_t providers[3];
    cr_assert_eq(crisk_inventory_find(fx->inv, "c1", &providers[0]), CRISK_OK);
    cr_assert_eq(crisk_inventory_find(fx->inv, "edr", &providers[1]), CRISK_OK);
    cr_assert_eq(crisk_inventory_find(fx->inv, "h1", &providers[2]), CRISK_OK);
    crisk_simulate_options so = CRISK_SIMULATE_OPTIONS_INIT;
    so.importance = providers;
    so.n_importance = 3;
    crisk_simulation *s = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_simulate_run(&s, fx->inv, &so, &err), CRISK_OK, "%s", err.message);
    return s;
}

Test(report, shows_outages_loss_and_the_exceedance_curve_when_given_a_simulation)
{
    fixture fx;
    load(&fx, risk_nodes, risk_edges);
    crisk_simulation *s = simulate_fixture(&fx);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.simulation = s;
    char *page = report(&fx, &opts), *again = report(&fx, &opts);
    cr_assert_str_eq(page, again, "byte-stable");
    check_markup(page);
    has(page, "<a href=\"#loss\">Outages and loss</a>");
    has(page, "<section id=\"loss\">");
    has(page, "Every figure is exact");
    has(page, "<div class=\"k\">Expected annual loss</div>");
    has(page, "<figure class=\"lec\"><svg xmlns=\"http://www.w3.org/2000/svg\"");
    has(page, "<polyline fill=\"none\"");
    has(page, ">P(loss &gt; x)</text>");
    has(page, "&lt;b&gt;Billing&lt;/b&gt;");
    has(page, "&lt;script&gt;x&lt;/script&gt;");
    has(page, "Providers that matter most for the loss");
    cr_assert_null(strstr(page, "<b>Billing"));
    /* without a simulation there is no such section */
    char *plain = report(&fx, NULL);
    cr_assert_null(strstr(plain, "id=\"loss\""));
    cr_assert_null(strstr(plain, "#loss"));
    free(page);
    free(again);
    free(plain);
    crisk_simulation_free(s);
    unload(&fx);
}

/* Both optional sections on one page: the loss section after the SPOFs,
 * the scenario tests after concentration, each once in the contents, in
 * the order of the page. */
Test(report, loss_and_scenario_sections_share_a_page_in_order)
{
    fixture fx;
    load(&fx, risk_nodes, risk_edges);
    crisk_simulation *s = simulate_fixture(&fx);
    size_t c1;
    cr_assert_eq(crisk_inventory_find(fx.inv, "c1", &c1), CRISK_OK);
    uint32_t nodes[] = { (uint32_t)c1 };
    crisk_scenario cloud = { .id = "cloud", .name = "Cloud", .fails = "c1", .hours = 8,
                             .nodes = nodes, .n_nodes = 1 };
    crisk_scenario_set *set = NULL;
    crisk_scenario_run *run = NULL;
    cr_assert_eq(crisk_scenario_set_new(&set, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenario_set_add(set, &cloud, NULL), CRISK_OK);
    cr_assert_eq(crisk_scenarios_run(&run, fx.inv, set, NULL, NULL), CRISK_OK);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.map = 0;
    opts.simulation = s;
    opts.scenarios = run;
    char *page = report(&fx, &opts);
    check_markup(page);
    has(page, "<a href=\"#spofs\">Single points of failure</a><a href=\"#loss\">Outages and loss</a>"
              "<a href=\"#shared\">Shared dependencies</a><a href=\"#concentration\">Concentration</a>"
              "<a href=\"#scenarios\">Scenario tests</a><a href=\"#warnings\">Validation</a>");
    const char *spofs = strstr(page, "<section id=\"spofs\">"), *loss = strstr(page, "<section id=\"loss\">");
    const char *conc = strstr(page, "<section id=\"concentration\">");
    const char *scen = strstr(page, "<section id=\"scenarios\">");
    cr_assert(spofs && loss && conc && scen && spofs < loss && loss < conc && conc < scen);
    cr_assert_null(strstr(loss + 1, "<section id=\"loss\">"), "one loss section");
    free(page);
    crisk_scenario_run_free(run);
    crisk_scenario_set_free(set);
    crisk_simulation_free(s);
    unload(&fx);
}

/* The probability axis ends at the first of 1%, 2%, 4%, 10%, 20%, 40%,
 * 80%, 100% at or above the curve: P(loss > 0) = 0.4 exactly gives 40%. */
Test(report, chart_axis_ends_at_the_first_round_top_above_the_curve)
{
    fixture fx;
    load(&fx, "id,type,probability,recovery_hours,loss_per_hour\nf,function,,,100\n"
              "a,supplier,0.4,10,\n", "from,to\nf,a\n");
    crisk_simulation *s = NULL;
    crisk_simulate_options so = CRISK_SIMULATE_OPTIONS_INIT;
    cr_assert_eq(crisk_simulate_run(&s, fx.inv, &so, NULL), CRISK_OK);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.simulation = s;
    char *page = report(&fx, &opts);
    has(page, "text-anchor=\"end\">40%</text>");
    has(page, "text-anchor=\"end\">10%</text>");
    cr_assert_null(strstr(page, ">80%</text>"));
    /* the curve's first point, P(loss > 0.1) = 0.4, sits at the top */
    has(page, "<circle cx=\"56.0\" cy=\"14.0\" r=\"3\">");
    free(page);
    crisk_simulation_free(s);
    unload(&fx);
}

Test(report, says_when_no_function_has_a_loss_per_hour)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    crisk_simulation *s = NULL;
    crisk_simulate_options so = CRISK_SIMULATE_OPTIONS_INIT;
    cr_assert_eq(crisk_simulate_run(&s, fx.inv, &so, NULL), CRISK_OK);
    crisk_report_options opts = CRISK_REPORT_OPTIONS_INIT;
    opts.simulation = s;
    char *page = report(&fx, &opts);
    has(page, "No function has a <code>loss_per_hour</code>");
    cr_assert_null(strstr(page, "<figure class=\"lec\">"));
    free(page);
    crisk_simulation_free(s);
    unload(&fx);
}

/* f1 (criticality 5) -> a01 -> a02 -> ... -> a25, each the only dependency
 * of the one before, and f2 (criticality 1) -> a13: all 25 are SPOFs of f1,
 * a13..a25 of f2 too.  Impact weight: a13..a25 6 (5 + 1), a01..a12 5, so the
 * ranking is a13..a25, then a01..a12 (ties by id).  f1's row lists the 20
 * of highest impact: a13..a25 (13), then a01..a07 (7), and "and 5 more". */
static void chain_inventory(char *nodes, size_t nodes_size, char *edges, size_t edges_size)
{
    size_t n = (size_t)snprintf(nodes, nodes_size,
                                "id,name,type,category,criticality\n"
                                "f1,Fn one,function,,5\nf2,Fn two,function,,1\n");
    size_t e = (size_t)snprintf(edges, edges_size, "from,to\nf1,a01\nf2,a13\n");
    for (int i = 1; i <= 25; i++) {
        n += (size_t)snprintf(nodes + n, nodes_size - n, "a%02d,Link %02d,service,cloud,\n", i, i);
        if (i < 25)
            e += (size_t)snprintf(edges + e, edges_size - e, "a%02d,a%02d\n", i, i + 1);
    }
}

static char *row_of(const char *page, const char *id)
{
    const char *start = strstr(page, id);
    cr_assert_not_null(start, "the page holds '%s'", id);
    const char *end = strstr(start, "</tr>");
    cr_assert_not_null(end);
    return strndup(start, (size_t)(end - start));
}

Test(report, lists_the_twenty_spofs_of_highest_impact_first_and_counts_the_rest)
{
    char nodes[2048], edges[1024];
    chain_inventory(nodes, sizeof nodes, edges, sizeof edges);
    fixture fx;
    load(&fx, nodes, edges);
    char *page = report(&fx, NULL);
    char *row = row_of(page, "<tr id=\"spof-1\">");
    has(row, "Fn one");
    has(row, "<td class=\"n\" data-v=\"25\">25</td>");
    const char *prev = row;
    for (int k = 0; k < 20; k++) {   /* a13..a25, then a01..a07 */
        char name[16];
        snprintf(name, sizeof name, "Link %02d<", k < 13 ? 13 + k : k - 12);
        const char *at = strstr(row, name);
        cr_assert(at != NULL && at > prev, "'%s' is chip %d", name, k + 1);
        prev = at;
    }
    cr_assert_null(strstr(row, "Link 08<"));
    has(row, "<li>and 5 more</li>");
    free(row);
    free(page);
    unload(&fx);
}

/* What `chainrisk report` does: count every function's SPOFs, list those of
 * the functions shown (crisk_report_spof_functions); the page is the same
 * as from an analysis that kept every list. */
Test(report, counted_spofs_with_the_shown_lists_give_the_same_page)
{
    char nodes[2048], edges[1024];
    chain_inventory(nodes, sizeof nodes, edges, sizeof edges);
    const char *const inventories[][2] = { { small_nodes, small_edges }, { nodes, edges } };
    for (size_t i = 0; i < 2; i++) {
        fixture fx;
        load(&fx, inventories[i][0], inventories[i][1]);
        char *full = report(&fx, NULL);
        uint32_t *shown = NULL;
        size_t n_shown = 0;
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_report_spof_functions(fx.inv, &shown, &n_shown, &err), CRISK_OK);
        cr_assert_eq(n_shown, 2);   /* by criticality: f1, then f2 */
        cr_assert_str_eq(crisk_inventory_node_id(fx.inv, shown[0]), "f1");
        cr_assert_str_eq(crisk_inventory_node_id(fx.inv, shown[1]), "f2");
        crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
        ao.keep_fingerprints = 1;
        ao.keep_spofs = 0;
        ao.count_spofs = 1;
        ao.spof_functions = shown;
        ao.n_spof_functions = n_shown;
        crisk_analysis_free(fx.a);
        cr_assert_eq(crisk_analysis_run(&fx.a, fx.inv, &ao, &err), CRISK_OK);
        free(shown);
        char *counted = report(&fx, NULL);
        cr_assert_str_eq(counted, full);
        free(full);
        free(counted);
        unload(&fx);
    }
}

Test(report, refuses_an_analysis_without_spofs_before_writing_anything)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    ao.keep_spofs = 0;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_free(fx.a);
    cr_assert_eq(crisk_analysis_run(&fx.a, fx.inv, &ao, &err), CRISK_OK);
    for (int counted = 0; counted < 2; counted++) {   /* no counts; counts but no lists */
        if (counted) {
            ao.count_spofs = 1;
            crisk_analysis_free(fx.a);
            cr_assert_eq(crisk_analysis_run(&fx.a, fx.inv, &ao, &err), CRISK_OK);
        }
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        int rc = crisk_report_write(f, fx.a, &fx.diags, NULL, &err);
        fclose(f);
        cr_assert_eq(rc, CRISK_EUSAGE);
        cr_assert_str_eq(err.message, "the report needs an analysis with every function's SPOF count "
                         "and the SPOF lists of the functions it shows");
        cr_assert_eq(len, 0);
        free(buf);
    }
    unload(&fx);
}
