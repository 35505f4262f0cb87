/*
 * test_export.c - `chainrisk export`: JSON that cJSON reads back with every
 * node, edge and attribute; GraphML that is well-formed XML (checked by a
 * small checker here, and by Python's XML parser when python3 is
 * installed); DOT that Graphviz parses, with synthetic names only; CSV
 * sorted by id with the attribute columns - all on an inventory whose text
 * is hostile to each format.
 */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <graphviz/cgraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"

/* ---- the hostile inventory --------------------------------------------------------- */

/* Ids and names with markup, quotes, backslashes, newlines, control
 * characters, U+FFFE (valid UTF-8, forbidden in XML), a spreadsheet
 * formula, an id equal to a synthetic DOT name, and non-ASCII text; an
 * attribute named like a metric ("Impact"). */
#define HOSTILE_ID  "a&b<c>\"d'e"
#define HOSTILE_NAME "line1\nline2 \\N \x01 ]]> --> \ttab \xEF\xBF\xBE end"

typedef struct node_spec {
    const char *id, *name;
    crisk_node_type type;
    double probability;
    const char *attrs[2];   /* Impact, note<&> */
} node_spec;

static const char *const attr_names[2] = { "Impact", "note<&>" };

static const node_spec nodes[] = {
    { "f1", "Billing", CRISK_NODE_FUNCTION, NAN, { "", "" } },
    { HOSTILE_ID, HOSTILE_NAME, CRISK_NODE_SUPPLIER, 0.5, { "x\x02y", "<script>&amp;" } },
    { "n0", "Zürich ✓", CRISK_NODE_SERVICE, NAN, { "high", "" } },
    { "=cmd()", "-2+3", CRISK_NODE_SUPPLIER, 0.1, { "", "=HYPERLINK(\"x\")" } },
    { "backup", "Back\\up", CRISK_NODE_SUPPLIER, NAN, { "", "" } },
};
#define N_NODES (sizeof nodes / sizeof nodes[0])

typedef tl_edge edge_spec;

static const edge_spec edges[] = {
    { "f1", HOSTILE_ID, NULL, 0 },
    { "f1", "n0", "hosting <&> \"x\"", 1 },
    { "f1", "backup", "hosting <&> \"x\"", 1 },
    { HOSTILE_ID, "=cmd()", NULL, 0 },
};
static const char *const kinds[] = { "saas", "host\ning", NULL, NULL };
#define N_EDGES (sizeof edges / sizeof edges[0])

static crisk_inventory *hostile(void)
{
    crisk_node_record nr[N_NODES];
    for (size_t i = 0; i < N_NODES; i++) {
        crisk_node_record_init(&nr[i]);
        nr[i].id = nodes[i].id;
        nr[i].name = nodes[i].name;
        nr[i].type = nodes[i].type;
        nr[i].probability = nodes[i].probability;
        nr[i].attr_count = 2;
        nr[i].attr_names = attr_names;
        nr[i].attr_values = nodes[i].attrs;
    }
    return tl_build(nr, N_NODES, edges, N_EDGES, kinds);
}

typedef struct fixture {
    crisk_inventory *inv;
    crisk_analysis *a;
} fixture;

static fixture setup(void)
{
    fixture x = { hostile(), NULL };
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    cr_assert_eq(crisk_analysis_run(&x.a, x.inv, &opts, &err), CRISK_OK, "%s", err.message);
    return x;
}

static void teardown(fixture *x)
{
    crisk_analysis_free(x->a);
    crisk_inventory_free(x->inv);
}

static char *export(const fixture *x, crisk_export_format fmt, size_t *len)
{
    char *data = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&data, &size);
    cr_assert_not_null(f);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_provenance prov = { .command = "export", .n_options = 1,
                              .option_names = { "format" }, .option_values = { "test" } };
    cr_assert_eq(crisk_export_write(f, x->a, fmt, &prov, &err), CRISK_OK, "%s", err.message);
    fclose(f);
    if (len != NULL)
        *len = size;
    return data;
}

/* ---- a small XML 1.0 well-formedness checker ------------------------------------------ */

typedef struct xml_check {
    const unsigned char *p, *end;
    const char *error;
    char stack[32][32];
    int depth, roots;
} xml_check;

/* A valid UTF-8 sequence that is an XML Char: its length, or 0. */
static size_t xml_char(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || s + n > end)
        return 0;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    int ok = cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
    return ok ? n : 0;
}

/* "&...;" at p: a predefined entity or a character reference to an XML Char. */
static int xml_reference(xml_check *x)
{
    static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
    for (size_t i = 0; i < 5; i++)
        if ((size_t)(x->end - x->p) >= strlen(named[i]) && memcmp(x->p, named[i], strlen(named[i])) == 0) {
            x->p += strlen(named[i]);
            return 1;
        }
    if (x->end - x->p < 4 || x->p[1] != '#')
        return 0;
    const char *s = (const char *)x->p + 2;
    char *stop;
    unsigned long cp = *s == 'x' ? strtoul(s + 1, &stop, 16) : strtoul(s, &stop, 10);
    if (*stop != ';' || stop == s || (*s == 'x' && stop == s + 1))
        return 0;
    if (!(cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xD7FF)
          || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF)))
        return 0;
    x->p = (const unsigned char *)stop + 1;
    return 1;
}

/* Character data up to the next '<' (or, in an attribute, the quote). */
static int xml_text_until(xml_check *x, int quote)
{
    while (x->p < x->end && *x->p != '<' && *x->p != quote) {
        if (*x->p == '&') {
            if (!xml_reference(x))
                return x->error = "bad reference", 0;
            continue;
        }
        if (quote == 0 && x->end - x->p >= 3 && memcmp(x->p, "]]>", 3) == 0)
            return x->error = "']]>' in text", 0;
        size_t n = xml_char(x->p, x->end);
        if (n == 0)
            return x->error = "not an XML character", 0;
        x->p += n;
    }
    return 1;
}

static int is_name_char(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == ':' || c == '.' || c == '-';
}

static size_t xml_name(xml_check *x, char *out, size_t size)
{
    size_t n = 0;
    while (x->p < x->end && is_name_char(*x->p)) {
        if (n + 1 < size)
            out[n] = (char)*x->p;
        n++;
        x->p++;
    }
    out[n < size ? n : size - 1] = '\0';
    return n;
}

static void xml_space(xml_check *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\n' || *x->p == '\t' || *x->p == '\r'))
        x->p++;
}

static int xml_tag(xml_check *x)
{
    char name[32], attr[64];
    int closing = *++x->p == '/';
    x->p += closing;
    if (xml_name(x, name, sizeof name) == 0)
        return x->error = "tag without a name", 0;
    for (;;) {
        xml_space(x);
        if (x->p >= x->end)
            return x->error = "unterminated tag", 0;
        if (*x->p == '>' || (*x->p == '/' && !closing))
            break;
        if (closing || xml_name(x, attr, sizeof attr) == 0)
            return x->error = "bad attribute", 0;
        if (x->p + 1 >= x->end || x->p[0] != '=' || x->p[1] != '"')
            return x->error = "attribute value not quoted", 0;
        x->p += 2;
        if (!xml_text_until(x, '"') || x->p >= x->end || *x->p != '"')
            return x->error ? 0 : (x->error = "'<' in an attribute value", 0);
        x->p++;
    }
    int empty = *x->p == '/';
    x->p += empty ? 2 : 1;
    if (closing) {
        if (x->depth == 0 || strcmp(x->stack[x->depth - 1], name) != 0)
            return x->error = "mismatched closing tag", 0;
        x->depth--;
    } else if (!empty) {
        if (x->depth == 0)
            x->roots++;
        snprintf(x->stack[x->depth++], sizeof x->stack[0], "%s", name);
    } else if (x->depth == 0) {
        x->roots++;
    }
    return 1;
}

static int xml_skip(xml_check *x, const char *open, const char *close)
{
    const char *s = (const char *)x->p + strlen(open);
    const char *e = strstr(s, close);
    if (e == NULL)
        return x->error = "unterminated comment or declaration", 0;
    if (strcmp(open, "<!--") == 0 && strstr(s, "--") != e)
        return x->error = "'--' inside a comment", 0;
    x->p = (const unsigned char *)e + strlen(close);
    return 1;
}

/* NULL if `doc` is well-formed XML 1.0 (for what a GraphML file uses), else why. */
static const char *xml_well_formed(const char *doc, size_t len)
{
    xml_check x = { (const unsigned char *)doc, (const unsigned char *)doc + len, NULL, { { 0 } }, 0, 0 };
    if (len < 5 || memcmp(doc, "<?xml", 5) != 0)
        return "no XML declaration";
    while (x.p < x.end) {
        int ok;
        if (*x.p != '<') {
            ok = xml_text_until(&x, 0);
            if (ok && x.depth == 0 && x.p > (const unsigned char *)doc)
                for (const unsigned char *q = x.p - 1; q >= (const unsigned char *)doc && *q != '>'; q--)
                    if (*q != ' ' && *q != '\n' && *q != '\t' && *q != '\r')
                        return "text outside the root element";
        } else if (x.end - x.p >= 4 && memcmp(x.p, "<!--", 4) == 0) {
            ok = xml_skip(&x, "<!--", "-->");
        } else if (x.end - x.p >= 2 && memcmp(x.p, "<?", 2) == 0) {
            ok = xml_skip(&x, "<?", "?>");
        } else {
            ok = xml_tag(&x);
        }
        if (!ok)
            return x.error;
    }
    if (x.depth != 0)
        return "unclosed element";
    if (x.roots != 1)
        return "not exactly one root element";
    return NULL;
}

Test(export, xml_checker_rejects_what_is_not_well_formed)
{
    const char *good = "<?xml version=\"1.0\"?>\n<a x=\"1&amp;2\"><b/>t&#9;&lt;</a>\n";
    cr_assert_null(xml_well_formed(good, strlen(good)));
    const char *bad[] = {
        "<?xml version=\"1.0\"?><a>x & y</a>", "<?xml version=\"1.0\"?><a>x < y</a>",
        "<?xml version=\"1.0\"?><a x=\"<\"/>", "<?xml version=\"1.0\"?><a>\x01</a>",
        "<?xml version=\"1.0\"?><a><b></a>", "<?xml version=\"1.0\"?><a>&#1;</a>",
        "<?xml version=\"1.0\"?><a>\xEF\xBF\xBE</a>", "<?xml version=\"1.0\"?><a>\xC3</a>",
        "<?xml version=\"1.0\"?><a/><b/>", "<?xml version=\"1.0\"?><a x=1/>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_not_null(xml_well_formed(bad[i], strlen(bad[i])), "accepted: %s", bad[i]);
}

/* ---- GraphML -------------------------------------------------------------------------- */

Test(export, graphml_is_well_formed_with_hostile_text)
{
    fixture x = setup();
    size_t len;
    char *doc = export(&x, CRISK_EXPORT_GRAPHML, &len);
    const char *why = xml_well_formed(doc, len);
    cr_assert_null(why, "%s\n%s", why, doc);
    /* escaped, replaced, never raw */
    cr_assert(strstr(doc, "<data key=\"kn0\">a&amp;b&lt;c&gt;&quot;d&apos;e</data>") != NULL, "%s", doc);
    cr_assert(strstr(doc, "line1&#10;line2 \\N \xEF\xBF\xBD ]]&gt; --&gt; &#9;tab \xEF\xBF\xBD end") != NULL,
              "%s", doc);
    cr_assert(strstr(doc, "Zürich ✓") != NULL);
    /* typed keys; the attribute named like a metric is renamed */
    cr_assert(strstr(doc, "attr.name=\"impact\" attr.type=\"long\"") != NULL);
    cr_assert(strstr(doc, "attr.name=\"impact_share\" attr.type=\"double\"") != NULL);
    cr_assert(strstr(doc, "attr.name=\"spof\" attr.type=\"boolean\"") != NULL);
    cr_assert(strstr(doc, "<key id=\"ka0\" for=\"node\" attr.name=\"attr:Impact\" attr.type=\"string\"/>") != NULL);
    cr_assert(strstr(doc, "<key id=\"ka1\" for=\"node\" attr.name=\"note&lt;&amp;&gt;\" attr.type=\"string\"/>") != NULL);
    /* pass-through values present, escaped */
    cr_assert(strstr(doc, "<data key=\"ka0\">x\xEF\xBF\xBDy</data>") != NULL);
    cr_assert(strstr(doc, "<data key=\"ka1\">&lt;script&gt;&amp;amp;</data>") != NULL);
    cr_assert(strstr(doc, "<data key=\"ka0\">high</data>") != NULL);
    /* no node has recovery_hours: breaches is unknown, so absent (key 13) */
    cr_assert(strstr(doc, "<key id=\"kn13\" for=\"node\" attr.name=\"breaches\"") != NULL, "%s", doc);
    cr_assert_null(strstr(doc, "<data key=\"kn13\">"), "%s", doc);
    /* one node per node, one edge per edge, with group / need / kind */
    size_t n_nodes = 0, n_edges = 0;
    for (const char *p = doc; (p = strstr(p, "<node id=\"")) != NULL; p++)
        n_nodes++;
    for (const char *p = doc; (p = strstr(p, "<edge id=\"")) != NULL; p++)
        n_edges++;
    cr_assert_eq(n_nodes, N_NODES);
    cr_assert_eq(n_edges, N_EDGES);
    cr_assert(strstr(doc, "<edge id=\"e1\" source=\"n0\" target=\"n2\">\n"
                          "      <data key=\"ke0\">hosting &lt;&amp;&gt; &quot;x&quot;</data>\n"
                          "      <data key=\"ke1\">1</data>\n"
                          "      <data key=\"ke2\">2</data>\n"
                          "      <data key=\"ke3\">host&#10;ing</data>\n") != NULL, "%s", doc);
    free(doc);
    teardown(&x);
}

/* Python's parser (expat) as a second opinion, when python3 is installed:
 * it must read every node's id back exactly as escaped. */
Test(export, graphml_reads_back_in_python)
{
    if (access("/usr/bin/python3", X_OK) != 0)
        cr_skip_test("python3 is not installed");
    fixture x = setup();
    size_t len;
    char *doc = export(&x, CRISK_EXPORT_GRAPHML, &len);
    char path[] = "/tmp/chainrisk-export-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, doc, len), (ssize_t)len);
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, json, xml.dom.minidom as m\n"
             "d = m.parse(sys.argv[1])\n"
             "ids = [e.firstChild.data for e in d.getElementsByTagName(\"data\") "
             "if e.getAttribute(\"key\") == \"kn0\"]\n"
             "print(json.dumps(ids))' %s", path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char out[512] = "";
    size_t got = fread(out, 1, sizeof out - 1, p);
    out[got] = '\0';
    int status = pclose(p);
    unlink(path);
    cr_assert_eq(status, 0, "python could not parse the GraphML:\n%s", doc);
    cr_assert_str_eq(out, "[\"f1\", \"a&b<c>\\\"d'e\", \"n0\", \"=cmd()\", \"backup\"]\n");
    free(doc);
    teardown(&x);
}

/* ---- JSON ------------------------------------------------------------------------------ */

Test(export, json_parses_and_has_every_node_edge_group_and_attribute)
{
    fixture x = setup();
    size_t len;
    char *doc = export(&x, CRISK_EXPORT_JSON, &len);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(doc, len, &end, 0);
    cr_assert_not_null(root, "does not parse near: %.40s", end);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(root, "schema")->valuestring, "chainrisk/1");
    cJSON *opts = cJSON_GetObjectItemCaseSensitive(root, "options");
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(opts, "format")->valuestring, "test");
    cJSON *results = cJSON_GetObjectItemCaseSensitive(root, "results");
    cJSON *ns = cJSON_GetObjectItemCaseSensitive(results, "nodes");
    cr_assert_eq(cJSON_GetArraySize(ns), (int)N_NODES);
    static const char *const keys[] = {
        "id", "name", "type", "category", "tier", "direct_dependants", "dependants", "functions",
        "exposure", "impact", "impact_weight", "impact_share", "spof", "breaches",
        "tier1_dependants", "criticality", "rto_hours", "recovery_hours", "spend", "country",
        "parent", "substitutability", "probability", "loss_per_hour", "attributes",
    };
    for (int i = 0; i < (int)N_NODES; i++) {
        cJSON *node = cJSON_GetArrayItem(ns, i);
        cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(node, "id")->valuestring, nodes[i].id);
        cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(node, "name")->valuestring, nodes[i].name);
        /* stable key order */
        size_t k = 0;
        for (cJSON *item = node->child; item != NULL; item = item->next, k++)
            cr_assert_str_eq(item->string, keys[k]);
        cr_assert_eq(k, sizeof keys / sizeof keys[0]);
        cJSON *attrs = cJSON_GetObjectItemCaseSensitive(node, "attributes");
        for (int a = 0; a < 2; a++)
            cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(attrs, attr_names[a])->valuestring,
                             nodes[i].attrs[a]);
    }
    /* the hostile supplier: what f1 loses without it */
    cJSON *h = cJSON_GetArrayItem(ns, 1);
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(h, "impact")->valueint, 1);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "spof")));
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(h, "probability")->valuedouble, 0.5);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(h, "spend")));
    /* no recovery_hours: breaches unknown, not 0 */
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(h, "breaches")));

    cJSON *es = cJSON_GetObjectItemCaseSensitive(results, "edges");
    cr_assert_eq(cJSON_GetArraySize(es), (int)N_EDGES);
    cJSON *e1 = cJSON_GetArrayItem(es, 1);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e1, "from")->valuestring, "f1");
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e1, "to")->valuestring, "n0");
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e1, "group")->valuestring, "hosting <&> \"x\"");
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(e1, "need")->valueint, 1);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e1, "kind")->valuestring, "host\ning");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(es, 3), "kind")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(es, 0), "group")));

    cJSON *gs = cJSON_GetObjectItemCaseSensitive(results, "groups");
    cr_assert_eq(cJSON_GetArraySize(gs), 1);
    cJSON *g = cJSON_GetArrayItem(gs, 0);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(g, "dependant")->valuestring, "f1");
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(g, "size")->valueint, 2);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(g, "members")), 2);
    cJSON_Delete(root);
    free(doc);
    teardown(&x);
}

/* ---- DOT ------------------------------------------------------------------------------- */

Test(export, dot_parses_with_synthetic_names_and_escaped_labels)
{
    fixture x = setup();
    char *doc = export(&x, CRISK_EXPORT_DOT, NULL);
    /* no input text outside a label: the raw hostile strings never appear */
    cr_assert_null(strstr(doc, "a&b"));
    cr_assert_null(strstr(doc, "\"d'e"));
    cr_assert_null(strstr(doc, "\x01"));
    cr_assert_null(strstr(doc, "\\N"));
    cr_assert_null(strstr(doc, "=cmd()\""));
    Agraph_t *g = agmemread(doc);
    cr_assert_not_null(g, "Graphviz cannot read:\n%s", doc);
    cr_assert_eq(agnnodes(g), (int)N_NODES);
    cr_assert_eq(agnedges(g), (int)N_EDGES);
    int i = 0;
    for (Agnode_t *n = agfstnode(g); n != NULL; n = agnxtnode(g, n), i++) {
        char want[16];
        snprintf(want, sizeof want, "n%d", i);
        cr_assert_str_eq(agnameof(n), want);
        char *label = agget(n, "label");
        cr_assert(label != NULL && aghtmlstr(label), "node %s: label is not HTML-like", want);
    }
    Agnode_t *h = agnode(g, "n1", 0);
    cr_assert_str_eq(agget(h, "type"), "supplier");
    cr_assert_str_eq(agget(h, "probability"), "0.5");
    const char *breaches = agget(h, "breaches");   /* unknown: absent */
    cr_assert(breaches == NULL || breaches[0] == '\0', "breaches=\"%s\"", breaches);
    cr_assert(strstr(agget(h, "label"), "a&amp;b&lt;c&gt;&quot;d&#39;e<BR/>line1<BR/>line2 "
                                        "&#92;&#92;N ? ]]&gt;") != NULL,
              "%s", agget(h, "label"));
    agclose(g);
    free(doc);
    teardown(&x);
}

/* ---- CSV ------------------------------------------------------------------------------- */

Test(export, csv_has_rank_native_and_attribute_columns_sorted_by_id)
{
    fixture x = setup();
    char *doc = export(&x, CRISK_EXPORT_CSV, NULL);
    const char *header =
        "id,name,type,category,tier,direct_dependants,dependants,functions,exposure,impact,"
        "impact_weight,impact_share,spof,breaches,tier1_dependants,criticality,rto_hours,"
        "recovery_hours,spend,country,parent,substitutability,probability,loss_per_hour,"
        "attr:Impact,note<&>\n";
    cr_assert_eq(strncmp(doc, header, strlen(header)), 0, "%s", doc);
    /* byte order of ids: "=cmd()" < "a&b..." < "backup" < "f1" < "n0" */
    const char *rows[] = { "\"'=cmd()\",\"'-2+3\",supplier,", "\"a&b<c>\"\"d'e\",", "backup,",
                           "f1,Billing,function,", "n0,Zürich ✓,service," };
    const char *p = doc + strlen(header);
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(strncmp(p, rows[i], strlen(rows[i])), 0, "row %zu: %.60s", i, p);
        /* next record: skip quoted newlines */
        int quoted = 0;
        for (; *p && (quoted || *p != '\n'); p++)
            if (*p == '"')
                quoted = !quoted;
        p++;
    }
    cr_assert_eq(*p, '\0');
    cr_assert(strstr(doc, ",\"'=HYPERLINK(\"\"x\"\")\"\n") != NULL, "%s", doc);
    cr_assert(strstr(doc, ",0.1,,,\"'=HYPERLINK") != NULL, "%s", doc);
    /* f1 has no recovery_hours: an empty breaches cell after spof */
    cr_assert(strstr(doc, "\nf1,Billing,function,other,0,0,0,0,0,0,0,0,false,,") != NULL, "%s", doc);
    free(doc);
    teardown(&x);
}

Test(export, format_names_parse)
{
    crisk_export_format f;
    cr_assert_eq(crisk_export_format_parse("graphml", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_EXPORT_GRAPHML);
    cr_assert_eq(crisk_export_format_parse("dot", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_EXPORT_DOT);
    cr_assert_eq(crisk_export_format_parse("mef", &f), CRISK_OK);
    cr_assert_eq(f, CRISK_EXPORT_MEF);
    cr_assert_eq(crisk_export_format_parse("table", &f), CRISK_ENOTFOUND);
}
