/*
 * test_map.c - the risk map: what a view holds, the DOT structure, escaping of
 * hostile text (parsed back from the DOT and the SVG), focus and top-N
 * views, and byte-stable output.
 */
#include <criterion/criterion.h>
#include <graphviz/cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "emit/map.h"

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

/* ---- fixtures ------------------------------------------------------------------ */

typedef struct fixture {
    char dir[64];
    crisk_inventory *inv;
    crisk_analysis *a;
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

static void remove_dir(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/nodes.csv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/edges.csv", dir);
    unlink(path);
    rmdir(dir);
}

/* Load an inventory from CSV text and analyse it. */
static void load(fixture *fx, const char *nodes, const char *edges)
{
    snprintf(fx->dir, sizeof fx->dir, "/tmp/crisk-map-XXXXXX");
    cr_assert_not_null(mkdtemp(fx->dir));
    write_file(fx->dir, "nodes.csv", nodes);
    write_file(fx->dir, "edges.csv", edges);
    crisk_input in = { fx->dir, NULL, NULL };
    crisk_load_options lo = CRISK_LOAD_OPTIONS_INIT;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_inventory_load(&fx->inv, &in, 1, &lo, &diags, &err);
    crisk_diagnostics_release(&diags);
    remove_dir(fx->dir);
    cr_assert_eq(rc, CRISK_OK, "load: %s", err.message);
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    cr_assert_eq(crisk_analysis_run(&fx->a, fx->inv, &ao, &err), CRISK_OK, "analysis: %s", err.message);
}

static void unload(fixture *fx)
{
    crisk_analysis_free(fx->a);
    crisk_inventory_free(fx->inv);
}

static char *render(const crisk_analysis *a, crisk_map_options *mo, crisk_map_format format)
{
    char *out = NULL;
    size_t len = 0;
    crisk_error err = CRISK_ERROR_INIT;
    mo->format = format;
    int rc = crisk_map_render(&out, &len, a, mo, &err);
    cr_assert_eq(rc, CRISK_OK, "render: %s", err.message);
    cr_assert_eq(strlen(out), len, "no NUL inside the output");
    return out;
}

static char *escaped(const char *s, size_t max, crisk__esc mode)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    crisk__escape(f, s, max, mode);
    fclose(f);
    return buf;
}

/* f1 (criticality 3) needs s1 OR s2 and cloud c1; f2 needs c1 and h1.
 * c1 is a SPOF for both; s1/s2 are alternatives. */
static const char small_nodes[] =
    "id,name,type,category,criticality,rto_hours,recovery_hours\n"
    "f1,Order intake,function,,3,4,\n"
    "f2,Billing,function,,1,24,\n"
    "c1,Cloud region,service,cloud,,,8\n"
    "s1,Shop A,service,software,,,\n"
    "s2,Shop B,service,software,,,\n"
    "h1,Printer,supplier,hardware,,,\n";
static const char small_edges[] =
    "from,to,group,need\n"
    "f1,s1,shops,1\n"
    "f1,s2,shops,1\n"
    "f1,c1,,\n"
    "f2,c1,,\n"
    "f2,h1,,\n";

/* ---- escaping ---------------------------------------------------------------------- */

Test(escape, html_mode_escapes_markup_and_quotes)
{
    char *s = escaped("<a href=\"x\">'&'</a>", 0, CRISK__ESC_HTML);
    cr_assert_str_eq(s, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    free(s);
}

Test(escape, replaces_controls_bidi_overrides_and_invalid_utf8)
{
    char *s = escaped("a\x01" "b\xE2\x80\xAE" "c\xFF" "d\xEF\xBF\xBE" "e\xC0\xAF", 0, CRISK__ESC_HTML);
    cr_assert_str_eq(s, "a?b?c\xEF\xBF\xBD" "d?e\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
}

Test(escape, label_mode_doubles_backslashes_and_breaks_lines)
{
    char *s = escaped("x\\N\ny", 0, CRISK__ESC_GV_LABEL);
    cr_assert_str_eq(s, "x&#92;&#92;N<BR/>y");
    free(s);
}

Test(escape, tooltip_mode_leaves_no_quote_or_backslash_for_the_dot_lexer)
{
    char *s = escaped("\"a\\\"\\", 0, CRISK__ESC_GV_TOOLTIP);
    cr_assert_null(strchr(s, '"'));
    cr_assert_null(strchr(s, '\\'));
    cr_assert_str_eq(s, "&quot;a&#92;&#92;&#92;&#92;&quot;&#92;&#92;&#92;&#92;");
    free(s);
}

Test(escape, entity_like_text_gets_a_word_joiner_in_graphviz_modes)
{
    char *s = escaped("AT&T x &T; &amp; & y", 0, CRISK__ESC_GV_LABEL);
    cr_assert_str_eq(s, "AT&amp;T x &amp;&#8288;T; &amp;&#8288;amp; &amp; y");
    free(s);
}

Test(escape, truncates_at_code_points_with_an_ellipsis)
{
    char *s = escaped("\xC3\xA4\xC3\xB6\xC3\xBC" "abc", 4, CRISK__ESC_HTML);
    cr_assert_str_eq(s, "\xC3\xA4\xC3\xB6\xC3\xBC" "a\xE2\x80\xA6");
    free(s);
}

/* ---- formats and options ----------------------------------------------------------- */

Test(map, format_follows_the_extension)
{
    crisk_map_format f;
    cr_assert_eq(crisk_map_format_from_path("out/map.svg", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_MAP_SVG);
    cr_assert_eq(crisk_map_format_from_path("MAP.PNG", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_MAP_PNG);
    cr_assert_eq(crisk_map_format_from_path("a.b/map.pdf", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_MAP_PDF);
    cr_assert_eq(crisk_map_format_from_path("map.dot", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_MAP_DOT);
    cr_assert_eq(crisk_map_format_from_path("map.jpg", &f), CRISK_ENOTFOUND);
    cr_assert_eq(crisk_map_format_from_path("a.svg/map", &f), CRISK_ENOTFOUND);
}

Test(map, unknown_focus_suggests_the_closest_id)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    mo.focus = "C1";
    char *out = NULL;
    size_t len = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_map_render(&out, &len, fx.a, &mo, &err), CRISK_ENOTFOUND);
    cr_assert_str_eq(err.message, "unknown node 'C1' (did you mean 'c1'?)");
    cr_assert_null(out);
    unload(&fx);
}

/* ---- DOT structure ----------------------------------------------------------------- */

static Agnode_t *node_named(Agraph_t *g, const char *name)
{
    Agnode_t *n = agnode(g, (char *)name, 0);
    cr_assert_not_null(n, "node %s missing", name);
    return n;
}

static const char *attr(void *obj, const char *name)
{
    char *v = agget(obj, (char *)name);
    return v ? v : "";
}

Test(map, dot_has_clusters_junctions_legend_and_spof_outline)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    char *dot = render(fx.a, &mo, CRISK_MAP_DOT);
    Agraph_t *g = agmemread(dot);
    cr_assert_not_null(g, "the DOT text parses");

    /* clusters: functions (key 6), cloud (0), software (2), hardware (3) */
    cr_assert_not_null(agsubg(g, "cluster_6", 0));
    cr_assert_not_null(agsubg(g, "cluster_0", 0));
    cr_assert_not_null(agsubg(g, "cluster_2", 0));
    cr_assert_not_null(agsubg(g, "cluster_3", 0));
    cr_assert_null(agsubg(g, "cluster_1", 0), "no empty cluster");
    cr_assert_eq(agnnodes(agsubg(g, "cluster_6", 0)), 2);

    /* 6 nodes + 1 junction for the shops group of f1 */
    cr_assert_eq(agnnodes(g), 7);
    Agnode_t *c1 = node_named(g, "n2");
    cr_assert_str_eq(attr(c1, "color"), "#d62728");
    cr_assert_str_eq(attr(c1, "penwidth"), "3");
    cr_assert_str_eq(attr(c1, "class"), "service spof");
    cr_assert_str_eq(attr(c1, "shape"), "ellipse");
    cr_assert_str_eq(attr(node_named(g, "n0"), "shape"), "house");
    cr_assert_str_eq(attr(node_named(g, "n5"), "shape"), "box");
    cr_assert(strstr(attr(node_named(g, "n0"), "label"), "criticality 3") != NULL);
    cr_assert_str_neq(attr(node_named(g, "n3"), "class"), "service spof", "an alternative is no SPOF");

    /* the junction: one solid edge in from f1, dashed edges out to s1 and s2 */
    Agnode_t *j = NULL;
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n))
        if (agnameof(n)[0] == 'g')
            j = n;
    cr_assert_not_null(j, "a junction node");
    cr_assert(strstr(attr(j, "label"), "need 1 of 2") != NULL);
    cr_assert(strstr(attr(j, "label"), "shops") != NULL);
    cr_assert_eq(agdegree(g, j, 1, 0), 1);
    cr_assert_eq(agdegree(g, j, 0, 1), 2);
    for (Agedge_t *e = agfstout(g, j); e; e = agnxtout(g, e))
        cr_assert_str_eq(attr(e, "style"), "dashed");
    cr_assert_str_eq(agnameof(agtail(agfstin(g, j))), "n0");

    /* the legend lives in the graph label */
    const char *label = attr(g, "label");
    cr_assert(strstr(label, "impact share") != NULL);
    cr_assert(strstr(label, "single point of failure") != NULL);
    cr_assert(strstr(label, "Need k of n") != NULL);
    cr_assert(strstr(label, "#482475") != NULL, "the darkest colour of the scale is in the legend");
    cr_assert_str_eq(attr(g, "layout"), "dot");
    agclose(g);
    free(dot);
    unload(&fx);
}

/* ---- hostile text --------------------------------------------------------------------- */

/* Quotes, backslashes at the end, markup, DOT syntax, newlines, a bidi
 * override and a 3000-character name; ids and group names hostile too. */
static char *hostile_nodes(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("id,name,type,category,criticality\n"
          "\"f\\\",\"Fn \"\"quoted\"\" \\N \\G back\\\",function,,2\n"
          "s1,\"<IMG SRC=\"\"/etc/passwd\"\"/> & <script>alert(1)</script>\",service,cloud,\n"
          "s2,\"line1\nline2 ]; evil [label=x] \\\",supplier,cloud,\n"
          "s3,\"bidi \xE2\x80\xAEtxt.exe\xE2\x80\xAC &amp; &lt;b&gt;\",component,software,\n"
          "\"s4\"\" -> x\",\"it's \"\"}\"\" -> pwn { \\\"\" \\\",supplier,hardware,\n"
          "s5,", f);
    for (int i = 0; i < 3000; i++)
        putc('W', f);
    fputs(",service,telecom,\n", f);
    fclose(f);
    return buf;
}

static const char hostile_edges[] =
    "from,to,group,need\n"
    "\"f\\\",s1,\"<g>\"\"\\\",1\n"
    "\"f\\\",s2,\"<g>\"\"\\\",1\n"
    "\"f\\\",s3,,\n"
    "s3,\"s4\"\" -> x\",,\n"
    "s3,s5,,\n";

/* The allowlists of Graphviz's SVG: anything else got in from a label. */
static const char *const svg_elements[] = { "svg", "g", "title", "polygon", "ellipse", "path", "text",
                                            "a", "polyline", NULL };
static const char *const svg_attributes[] = {
    "width", "height", "viewBox", "xmlns", "xmlns:xlink", "id", "class", "transform", "fill", "stroke",
    "points", "cx", "cy", "rx", "ry", "d", "x", "y", "text-anchor", "font-family", "font-size",
    "font-weight", "font-style", "stroke-width", "stroke-dasharray", "xlink:title", NULL
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

/* Tokenise markup: every '<' opens a comment, a declaration or a tag whose
 * element and attributes are on the allowlists and whose values are quoted
 * and free of '<'.  Returns the number of elements of class `klass`. */
static size_t check_markup(const char *doc, const char *const *elements, const char *const *attributes,
                           const char *klass)
{
    size_t classed = 0;
    for (const char *p = strchr(doc, '<'); p; p = strchr(p, '<')) {
        if (strncmp(p, "<!--", 4) == 0 || strncmp(p, "<?", 2) == 0 || strncmp(p, "<!DOCTYPE", 9) == 0) {
            const char *end = strstr(p, p[1] == '!' && p[2] == '-' ? "-->" : ">");
            cr_assert_not_null(end, "unterminated declaration");
            p = end + 1;
            continue;
        }
        p++;
        if (*p == '/')
            p++;
        size_t n = name_length(p);
        cr_assert(n > 0 && listed(elements, p, n), "unexpected element <%.*s>", (int)(n ? n : 12), p);
        int is_script = n == 6 && strncmp(p, "script", 6) == 0;
        p += n;
        for (;;) {
            while (*p == ' ' || *p == '\n')
                p++;
            if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                break;
            size_t an = name_length(p);
            cr_assert(an > 0 && listed(attributes, p, an), "unexpected attribute '%.*s'", (int)(an ? an : 12), p);
            int is_class = an == 5 && strncmp(p, "class", 5) == 0;
            cr_assert(p[an] == '=' && p[an + 1] == '"', "unquoted attribute %.*s", (int)an, p);
            const char *value = p + an + 2, *close = strchr(value, '"');
            cr_assert_not_null(close);
            cr_assert(memchr(value, '<', (size_t)(close - value)) == NULL, "'<' inside an attribute value");
            if (klass != NULL && is_class && (size_t)(close - value) >= strlen(klass)
                && strncmp(value, klass, strlen(klass)) == 0)
                classed++;
            p = close + 1;
        }
        if (is_script) {
            const char *end = strstr(p, "</script>");
            cr_assert_not_null(end);
            p = end + 9;
        }
    }
    return classed;
}

Test(map, hostile_names_cannot_change_the_graph_or_inject_markup)
{
    fixture fx;
    char *nodes = hostile_nodes();
    load(&fx, nodes, hostile_edges);
    free(nodes);
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;

    /* DOT: exactly the six nodes and one junction, all with synthetic names */
    char *dot = render(fx.a, &mo, CRISK_MAP_DOT);
    Agraph_t *g = agmemread(dot);
    cr_assert_not_null(g);
    cr_assert_eq(agnnodes(g), 7);
    cr_assert_eq(agnedges(g), 6);
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        const char *name = agnameof(n);
        cr_assert((name[0] == 'n' || name[0] == 'g') && strspn(name + 1, "0123456789") == strlen(name + 1),
                  "synthetic name, not '%s'", name);
        char *label = agget(n, "label");
        cr_assert(aghtmlstr(label), "labels are HTML-like, never plain strings");
    }
    cr_assert_null(agnode(g, "evil", 0));
    cr_assert_null(agnode(g, "pwn", 0));
    agclose(g);
    cr_assert_null(strstr(dot, "\xE2\x80\xAE"), "no bidi override reaches the output");
    char run[220];
    memset(run, 'W', sizeof run - 1);
    run[sizeof run - 1] = '\0';
    cr_assert_null(strstr(dot, run), "a very long name is cut");
    free(dot);

    /* SVG: only Graphviz's own elements and attributes; the text survives */
    char *svg = render(fx.a, &mo, CRISK_MAP_SVG);
    size_t drawn = check_markup(svg, svg_elements, svg_attributes, "node");
    cr_assert_eq(drawn, 7, "7 node groups, not %zu", drawn);
    cr_assert_null(strstr(svg, "<script"));
    cr_assert_null(strstr(svg, "<IMG"));
    cr_assert_null(strstr(svg, "<image"));
    cr_assert_null(strstr(svg, "\xE2\x80\xAE"));
    cr_assert(strstr(svg, "&lt;IMG SRC=&quot;/etc/passwd&quot;/&gt; &amp; &lt;script&gt;") != NULL);
    cr_assert(strstr(svg, ">Fn &quot;quoted&quot; \\N \\G back\\<") != NULL
                  || strstr(svg, ">Fn &quot;quoted&quot; \\N \\G<") != NULL,
              "backslashes shown as typed, \\N not replaced by the node name");
    cr_assert(strstr(svg, "name: Fn &quot;quoted&quot; \\N \\G back\\&#10;") != NULL, "tooltip keeps backslashes");
    cr_assert(strstr(svg, ">line1<") != NULL && strstr(svg, ">line2 ]; evil<") != NULL,
              "a newline in a name breaks the line");
    cr_assert(strstr(svg, ">[label=x] \\<") != NULL);
    cr_assert(strstr(svg, "&amp;\xE2\x81\xA0" "amp;") != NULL, "an entity-like name is shown as typed");
    cr_assert(strstr(svg, "id: s4&quot; &#45;&gt; x") != NULL);
    free(svg);
    unload(&fx);
}

/* ---- focus and top views ---------------------------------------------------------------- */

/* f -> a -> b -> c -> d, g -> b, b -> e (software); plus x (unrelated) */
static const char chain_nodes[] =
    "id,type,category\nf,function,\ng,function,\na,service,cloud\nb,service,cloud\nc,supplier,cloud\n"
    "d,supplier,other\ne,component,software\nx,supplier,other\nh,function,\n";
static const char chain_edges[] = "from,to\nf,a\na,b\nb,c\nc,d\ng,b\nb,e\nh,x\n";

static crisk__map_view view_of(const fixture *fx, const char *focus, long depth, long top)
{
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    mo.focus = focus;
    mo.depth = depth;
    mo.top = top;
    crisk__map_view view;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk__map_view_build(&view, fx->a, &mo, &err), CRISK_OK, "%s", err.message);
    return view;
}

Test(map, focus_keeps_the_neighbourhood_in_both_directions)
{
    fixture fx;
    load(&fx, chain_nodes, chain_edges);
    crisk__map_view v = view_of(&fx, "b", 1, -1);
    cr_assert_eq(v.in_scope, 5, "b, its dependants a and g, its dependencies c and e");
    cr_assert_eq(v.shown, 5);
    cr_assert_eq(v.n_edges, 4);
    crisk__map_view_release(&v);

    v = view_of(&fx, "b", 2, -1);
    cr_assert_eq(v.in_scope, 7, "plus f and d");
    crisk__map_view_release(&v);

    v = view_of(&fx, "b", 0, -1);
    cr_assert_eq(v.in_scope, 1);
    cr_assert_eq(v.n_edges, 0);
    crisk__map_view_release(&v);

    v = view_of(&fx, NULL, 2, -1);
    cr_assert_eq(v.in_scope, 9);
    cr_assert_eq(v.shown, 9);
    cr_assert_eq(v.is_collapsed, 0);
    crisk__map_view_release(&v);
    unload(&fx);
}

Test(map, top_keeps_n_providers_and_the_functions_and_collapses_the_rest)
{
    fixture fx;
    load(&fx, chain_nodes, chain_edges);
    crisk__map_view v = view_of(&fx, NULL, 2, 2);
    cr_assert_eq(v.is_collapsed, 1);
    cr_assert_eq(v.shown, 2 + 3, "two providers and the three functions");
    cr_assert_eq(v.collapsed, 4);
    /* b and c rank first (they fail f and g); a (cloud), d and x (other)
     * and e (software) collapse */
    cr_assert_eq(v.summaries, 3);
    size_t members = 0;
    for (size_t i = 0; i < v.n_vertices; i++)
        if (v.v[i].kind == CRISK__V_SUMMARY)
            members += v.v[i].members;
    cr_assert_eq(members, 4);
    crisk__map_view_release(&v);

    fixture *f = &fx;
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    mo.top = 2;
    char *dot = render(f->a, &mo, CRISK_MAP_DOT);
    cr_assert(strstr(dot, "+2 more other") != NULL);
    cr_assert(strstr(dot, "+1 more software") != NULL);
    cr_assert(strstr(dot, "+1 more cloud") != NULL);
    cr_assert(strstr(dot, "class=\"summary\"") != NULL);
    free(dot);

    v = view_of(&fx, NULL, 2, 0);
    cr_assert_eq(v.shown, 3, "--top 0 keeps the functions only");
    crisk__map_view_release(&v);
    unload(&fx);
}

/* A 600-node inventory: 30 functions, each using 10 of 570 providers. */
static void load_large(fixture *fx)
{
    char *nodes = NULL, *edges = NULL;
    size_t nl = 0, el = 0;
    FILE *n = open_memstream(&nodes, &nl), *e = open_memstream(&edges, &el);
    static const char *const cats[] = { "cloud", "software", "hardware", "telecom" };
    fputs("id,type,category,criticality\n", n);
    fputs("from,to,group,need\n", e);
    for (int i = 0; i < 30; i++)
        fprintf(n, "f%d,function,,%d\n", i, 1 + i % 5);
    for (int i = 0; i < 570; i++)
        fprintf(n, "p%d,service,%s,\n", i, cats[i % 4]);
    for (int i = 0; i < 30; i++)
        for (int k = 0; k < 10; k++)
            fprintf(e, "f%d,p%d,%s,\n", i, (i * 37 + k * 53) % 570, k < 2 ? "alt" : "");
    for (int i = 0; i < 560; i++)
        fprintf(e, "p%d,p%d,,\n", i, i + 1 + (i * 7) % (569 - i > 0 ? 569 - i : 1));
    fclose(n);
    fclose(e);
    load(fx, nodes, edges);
    free(nodes);
    free(edges);
}

Test(map, large_inventories_are_collapsed_and_laid_out_with_sfdp_by_default)
{
    fixture fx;
    load_large(&fx);
    crisk__map_view v = view_of(&fx, NULL, 2, -1);
    cr_assert_eq(v.is_collapsed, 1);
    cr_assert_eq(v.engine, CRISK_LAYOUT_SFDP);
    cr_assert_eq(v.shown, CRISK_MAP_DEFAULT_TOP + 30);
    cr_assert_eq(v.shown + v.collapsed, 600);
    crisk__map_view_release(&v);

    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    char *svg = render(fx.a, &mo, CRISK_MAP_SVG);
    size_t drawn = check_markup(svg, svg_elements, svg_attributes, "node");
    cr_assert_geq(drawn, CRISK_MAP_DEFAULT_TOP + 30);
    cr_assert_lt(drawn, 200);
    free(svg);
    unload(&fx);
}

/* ---- determinism ------------------------------------------------------------------------- */

static void assert_stable(const fixture *fx, crisk_map_layout layout, crisk_map_format format)
{
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    mo.layout = layout;
    char *one = NULL, *two = NULL;
    size_t l1 = 0, l2 = 0;
    crisk_error err = CRISK_ERROR_INIT;
    mo.format = format;
    cr_assert_eq(crisk_map_render(&one, &l1, fx->a, &mo, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(crisk_map_render(&two, &l2, fx->a, &mo, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(l1, l2);
    cr_assert(memcmp(one, two, l1) == 0, "same input, same bytes (layout %d)", (int)layout);
    free(one);
    free(two);
}

Test(map, svg_and_dot_are_byte_identical_from_render_to_render)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    assert_stable(&fx, CRISK_LAYOUT_AUTO, CRISK_MAP_DOT);
    assert_stable(&fx, CRISK_LAYOUT_DOT, CRISK_MAP_SVG);
    assert_stable(&fx, CRISK_LAYOUT_SFDP, CRISK_MAP_SVG);
    assert_stable(&fx, CRISK_LAYOUT_NEATO, CRISK_MAP_SVG);
    unload(&fx);
}

Test(map, large_collapsed_map_is_byte_identical_from_render_to_render)
{
    fixture fx;
    load_large(&fx);
    assert_stable(&fx, CRISK_LAYOUT_AUTO, CRISK_MAP_SVG);
    unload(&fx);
}

Test(map, png_and_pdf_come_from_the_cairo_plugin)
{
    fixture fx;
    load(&fx, small_nodes, small_edges);
    crisk_map_options mo = CRISK_MAP_OPTIONS_INIT;
    char *out = NULL;
    size_t len = 0;
    crisk_error err = CRISK_ERROR_INIT;
    mo.format = CRISK_MAP_PNG;
    cr_assert_eq(crisk_map_render(&out, &len, fx.a, &mo, &err), CRISK_OK, "%s", err.message);
    cr_assert(len > 8 && memcmp(out, "\x89PNG\r\n\x1a\n", 8) == 0, "a PNG signature");
    free(out);
    mo.format = CRISK_MAP_PDF;
    cr_assert_eq(crisk_map_render(&out, &len, fx.a, &mo, &err), CRISK_OK, "%s", err.message);
    cr_assert(len > 5 && memcmp(out, "%PDF-", 5) == 0);
    free(out);
    unload(&fx);
}
