/*
 * export.c - the model and every per-node metric for other tools
 * (`chainrisk export`): JSON, GraphML, DOT, CSV and an Excel workbook.
 *
 * A node is described once as a list of typed fields (emit.h): the rank
 * columns, tier1_dependants, then the native columns the rank table does not
 * have.  CSV and JSON write that list as it is; GraphML declares one typed
 * <key> per field; DOT writes the fields that hold no input text as
 * attributes.  Pass-through attributes (DESIGN §3) follow as strings.
 *
 * Escaping, per format: CSV cells through crisk_csv_text (RFC 4180 and the
 * OWASP formula guard); JSON through crisk_json_string; XML through
 * crisk__xml_text() (emit.h), which also replaces what XML 1.0 cannot carry
 * at all (control characters, U+FFFE/U+FFFF, invalid UTF-8) with U+FFFD; DOT
 * through the map module's crisk__escape() for HTML-like labels, with node
 * names synthetic (n0, n1, ...) so that no input text is ever a DOT
 * identifier (DEPENDENCIES.md: agwrite does not escape backslashes in
 * names).  Rejected: writing GraphML through igraph_write_graph_graphml -
 * it would need igraph's global, untyped attribute handler and gives no
 * control over escaping or key order.
 */
#include "emit.h"
#include "map.h"
#include "xml.h"
#include "workbook.h"
#include "util/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { NODE_FIELDS = 24 };

int crisk_export_format_parse(const char *s, crisk_export_format *out)
{
    static const char *const names[] = { "json", "graphml", "dot", "csv", "mef", "xlsx" };
    for (int i = 0; i < 6; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (crisk_export_format)i;
            return CRISK_OK;
        }
    return CRISK_ENOTFOUND;
}

/* ---- the node's fields ---------------------------------------------------------- */

static const char *given(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* The fields of node v: the rank columns, then the rest; m = NULL gives
 * the keys alone. */
static void node_fields(crisk__field *row, const crisk_inventory *inv, const crisk_node_metrics *m,
                        size_t v)
{
    static const crisk_node_metrics none = { .tier = -1 };
    crisk_node_view n = { .criticality = NAN, .rto_hours = NAN, .recovery_hours = NAN,
                          .spend = NAN, .probability = NAN, .loss_per_hour = NAN };
    if (m != NULL)
        crisk_inventory_node(inv, v, &n);
    else
        m = &none;
    crisk__rank_fields(row, &n, m);
    size_t i = CRISK__RANK_FIELDS;
    row[i++] = crisk__f_count("tier1_dependants", m->tier1_dependants);
    row[i++] = crisk__f_number("criticality", n.criticality);
    row[i++] = crisk__f_number("rto_hours", n.rto_hours);
    row[i++] = crisk__f_number("recovery_hours", n.recovery_hours);
    row[i++] = crisk__f_number("spend", n.spend);
    row[i++] = crisk__f_text("country", given(n.country));
    row[i++] = crisk__f_text("parent", given(n.parent));
    row[i++] = crisk__f_text("substitutability",
                             given(crisk_substitutability_name(n.substitutability)));
    row[i++] = crisk__f_number("probability", n.probability);
    row[i++] = crisk__f_number("loss_per_hour", n.loss_per_hour);
}

/* Given, i.e. not the "not applicable" value (NULL text, NaN number). */
static int has_value(const crisk__field *c)
{
    return c->kind == CRISK__F_TEXT ? c->text != NULL : !isnan(c->number);
}

/* Fields that carry input text: only ever inside escaped labels in DOT. */
static int is_input_text(const char *key)
{
    static const char *const keys[] = { "id", "name", "country", "parent" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* Fields whose numbers are whole: GraphML type "long" rather than "double". */
static int is_integer(const char *key)
{
    static const char *const keys[] = { "tier", "direct_dependants", "dependants", "functions",
                                        "impact", "breaches", "tier1_dependants" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* Column names of the pass-through attributes: the name itself, or
 * "attr:NAME" when it equals a node field ignoring case (a column "Impact"
 * must not pass for the metric).  Caller frees with free_columns(). */
static char **attr_columns(const crisk_inventory *inv)
{
    size_t n = crisk_inventory_attr_count(inv);
    char **cols = calloc(n + 1, sizeof *cols);
    crisk__field keys[NODE_FIELDS];
    node_fields(keys, inv, NULL, 0);
    for (size_t a = 0; cols != NULL && a < n; a++) {
        const char *name = crisk_inventory_attr_name(inv, a);
        int clash = 0;
        for (size_t k = 0; k < NODE_FIELDS; k++)
            clash |= crisk__strcasecmp_ascii(name, keys[k].key) == 0;
        size_t len = strlen(name) + 6;
        cols[a] = malloc(len);
        if (cols[a] == NULL) {
            for (size_t b = 0; b < a; b++)
                free(cols[b]);
            free(cols);
            return NULL;
        }
        snprintf(cols[a], len, "%s%s", clash ? "attr:" : "", name);
    }
    return cols;
}

static void free_columns(char **cols, size_t n)
{
    for (size_t i = 0; cols != NULL && i < n; i++)
        free(cols[i]);
    free(cols);
}

/* Every edge, by dependant, group and member: e counts edges from 0, v is
 * the dependant, g the group, i the member's position in it. */
typedef struct edge_ref {
    size_t e, v, g, i;
} edge_ref;

typedef void (*edge_fn)(FILE *f, const crisk_inventory *inv, const edge_ref *r);

static void each_edge(FILE *f, const crisk_inventory *inv, edge_fn fn)
{
    size_t n = crisk_inventory_node_count(inv);
    edge_ref r = { 0, 0, 0, 0 };
    for (r.v = 0; r.v < n; r.v++) {
        size_t end = crisk_inventory_group_begin(inv, r.v + 1);
        for (r.g = crisk_inventory_group_begin(inv, r.v); r.g < end; r.g++)
            for (r.i = 0; r.i < crisk_inventory_group_size(inv, r.g); r.i++, r.e++)
                fn(f, inv, &r);
    }
}

static const char *member_id(const crisk_inventory *inv, size_t g, size_t i)
{
    return crisk_inventory_node_id(inv, crisk_inventory_group_member(inv, g, i));
}

/* ---- JSON -------------------------------------------------------------------------- */

static void json_node(FILE *f, const crisk_analysis *a, size_t v)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk__field row[NODE_FIELDS];
    node_fields(row, inv, crisk_analysis_metrics(a, v), v);
    putc('{', f);
    crisk__json_fields(f, row, NODE_FIELDS);
    fputs(", \"attributes\": {", f);
    for (size_t i = 0; i < crisk_inventory_attr_count(inv); i++) {
        fputs(i ? ", " : "", f);
        crisk_json_string(f, crisk_inventory_attr_name(inv, i));
        fputs(": ", f);
        crisk_json_string(f, crisk_inventory_node_attr(inv, v, i));
    }
    fputs("}}", f);
}

/* A JSON string, or null for "" (not given). */
static void json_text_or_null(FILE *f, const char *s)
{
    if (s[0] == '\0')
        fputs("null", f);
    else
        crisk_json_string(f, s);
}

static void json_edge(FILE *f, const crisk_inventory *inv, const edge_ref *r)
{
    fputs(r->e ? ",\n  {\"from\": " : "\n  {\"from\": ", f);
    crisk_json_string(f, crisk_inventory_node_id(inv, r->v));
    fputs(", \"to\": ", f);
    crisk_json_string(f, member_id(inv, r->g, r->i));
    fputs(", \"group\": ", f);
    json_text_or_null(f, crisk_inventory_group_name(inv, r->g));
    fprintf(f, ", \"need\": %zu, \"kind\": ", crisk_inventory_group_need(inv, r->g));
    json_text_or_null(f, crisk_inventory_group_member_kind(inv, r->g, r->i));
    putc('}', f);
}

/* Named groups only: an edge without a group is a group of its own and is
 * fully described by its edge. */
static void json_groups(FILE *f, const crisk_inventory *inv)
{
    size_t first = 1;
    for (size_t g = 0; g < crisk_inventory_group_count(inv); g++) {
        const char *name = crisk_inventory_group_name(inv, g);
        if (name[0] == '\0')
            continue;
        fputs(first ? "\n  {\"dependant\": " : ",\n  {\"dependant\": ", f);
        first = 0;
        crisk_json_string(f, crisk_inventory_node_id(inv, crisk_inventory_group_owner(inv, g)));
        fputs(", \"group\": ", f);
        crisk_json_string(f, name);
        size_t size = crisk_inventory_group_size(inv, g);
        fprintf(f, ", \"need\": %zu, \"size\": %zu, \"members\": [",
                crisk_inventory_group_need(inv, g), size);
        for (size_t i = 0; i < size; i++) {
            fputs(i ? ", " : "", f);
            crisk_json_string(f, member_id(inv, g, i));
        }
        fputs("]}", f);
    }
    fputs(first ? "]" : "\n]", f);
}

static int export_json(FILE *f, const crisk_analysis *a, const crisk_provenance *prov)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv);
    crisk_json_begin(f, inv, prov);
    fputs("{\"total_criticality\": ", f);
    crisk_json_number(f, crisk_analysis_total_criticality(a));
    fputs(",\n\"nodes\": [", f);
    for (size_t v = 0; v < n; v++) {
        fputs(v ? ",\n  " : "\n  ", f);
        json_node(f, a, v);
    }
    fputs(n ? "\n],\n\"edges\": [" : "],\n\"edges\": [", f);
    each_edge(f, inv, json_edge);
    fputs(crisk_inventory_edge_count(inv) ? "\n]" : "]", f);
    fputs(",\n\"groups\": [", f);
    json_groups(f, inv);
    putc('}', f);
    crisk_json_end(f);
    return CRISK_OK;
}

/* ---- CSV ---------------------------------------------------------------------------- */

/* One row of fields per node: the node's fields, then its attributes as
 * text columns (named by attr_columns). */
static void csv_fields(crisk__field *row, const crisk_analysis *a, char *const *cols, size_t v,
                       int keys_only)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    node_fields(row, inv, keys_only ? NULL : crisk_analysis_metrics(a, v), v);
    for (size_t i = 0; i < crisk_inventory_attr_count(inv); i++)
        row[NODE_FIELDS + i] =
            crisk__f_text(cols[i], keys_only ? NULL : crisk_inventory_node_attr(inv, v, i));
}

static int export_csv(FILE *f, const crisk_analysis *a)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv), n_attrs = crisk_inventory_attr_count(inv);
    size_t width = NODE_FIELDS + n_attrs;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    crisk__field *row = malloc(width * sizeof *row);
    char **cols = attr_columns(inv);
    int rc = order == NULL || row == NULL || cols == NULL ? CRISK_ENOMEM : CRISK_OK;
    for (size_t v = 0; rc == CRISK_OK && v < n; v++)
        order[v] = (uint32_t)v;
    if (rc == CRISK_OK)
        rc = crisk__sort_by_id(inv, order, n);
    if (rc == CRISK_OK) {
        csv_fields(row, a, cols, 0, 1);
        crisk__csv_header(f, row, width);
    }
    for (size_t r = 0; rc == CRISK_OK && r < n; r++) {
        csv_fields(row, a, cols, order[r], 0);
        rc = crisk__csv_row(f, row, width);
    }
    free(order);
    free(row);
    free_columns(cols, n_attrs);
    return rc;
}

/* ---- workbook ----------------------------------------------------------------------- */

enum { EDGE_FIELDS = 6 };

/* An edge's fields; r = NULL gives the keys alone. */
static void edge_fields(crisk__field *row, const crisk_inventory *inv, const edge_ref *r)
{
    int keys = r == NULL;
    row[0] = crisk__f_text("from", keys ? NULL : crisk_inventory_node_id(inv, r->v));
    row[1] = crisk__f_text("to", keys ? NULL : member_id(inv, r->g, r->i));
    row[2] = crisk__f_text("group", keys ? NULL : crisk_inventory_group_name(inv, r->g));
    row[3] = crisk__f_number("need", keys ? NAN : (double)crisk_inventory_group_need(inv, r->g));
    row[4] = crisk__f_text("kind", keys ? NULL : crisk_inventory_group_member_kind(inv, r->g, r->i));
    row[5] = crisk__f_number("group_size",
                             keys ? NAN : (double)crisk_inventory_group_size(inv, r->g));
}

static void sheet_edge(FILE *f, const crisk_inventory *inv, const edge_ref *r)
{
    crisk__field row[EDGE_FIELDS];
    edge_fields(row, inv, r);
    crisk__csv_row(f, row, EDGE_FIELDS);   /* out of memory: kept by the workbook */
}

/* Every table of the model and its metrics, one sheet each (output.h). */
static int export_sheets(FILE *f, const crisk_analysis *a, const crisk_provenance *prov,
                         crisk_error *err)
{
    static const struct { crisk_concentration_by by; const char *sheet, *whole; } markets[] = {
        { CRISK_BY_CATEGORY, "concentration by category",
          "chainrisk concentration --by category --format csv" },
        { CRISK_BY_PARENT, "concentration by parent",
          "chainrisk concentration --by parent --format csv" },
        { CRISK_BY_COUNTRY, "concentration by country",
          "chainrisk concentration --by country --format csv" },
    };
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk__sheet_name(f, "nodes");
    crisk__sheet_whole(f, "chainrisk export --format csv");
    if (export_csv(f, a) != CRISK_OK)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    crisk__field row[EDGE_FIELDS];
    edge_fields(row, inv, NULL);
    crisk__sheet_name(f, "edges");
    crisk__sheet_whole(f, "chainrisk export --format json");
    crisk__csv_header(f, row, EDGE_FIELDS);
    each_edge(f, inv, sheet_edge);
    int rc = crisk__spof_sheets(f, a, err);
    if (rc == CRISK_OK)
        rc = crisk__shared_sheets(f, a, err);
    for (size_t i = 0; rc == CRISK_OK && i < sizeof markets / sizeof *markets; i++) {
        crisk__sheet_name(f, markets[i].sheet);
        crisk__sheet_whole(f, markets[i].whole);
        rc = crisk_emit_concentration(f, a, &markets[i].by, 1, -1, CRISK_FORMAT_CSV, prov, err);
    }
    return rc;
}

/* The workbook written to `f`: the sheets, then provenance (output.h). */
int crisk_export_xlsx(FILE *f, const crisk_analysis *a, const crisk_provenance *prov,
                      size_t max_rows, crisk_error *err)
{
    crisk_workbook *wb = NULL;
    int rc = crisk_workbook_new(&wb, f, "nodes", err);
    if (rc == CRISK_OK && max_rows != 0)
        rc = crisk_workbook_set_max_rows(wb, max_rows, err);
    if (rc == CRISK_OK)
        rc = export_sheets(crisk_workbook_rows(wb), a, prov, err);
    if (rc == CRISK_OK)
        return crisk_workbook_close(wb, crisk_analysis_inventory(a), prov, err);
    crisk_workbook_free(wb);
    return rc;
}

/* ---- GraphML ------------------------------------------------------------------------ */

static const char *graphml_type(const crisk__field *c)
{
    if (c->kind == CRISK__F_TEXT)
        return "string";
    if (c->kind == CRISK__F_BOOL)
        return "boolean";
    return is_integer(c->key) ? "long" : "double";
}

static void graphml_keys(FILE *f, const crisk_inventory *inv, char *const *cols)
{
    crisk__field row[NODE_FIELDS];
    node_fields(row, inv, NULL, 0);
    for (size_t k = 0; k < NODE_FIELDS; k++)
        fprintf(f, "  <key id=\"kn%zu\" for=\"node\" attr.name=\"%s\" attr.type=\"%s\"/>\n", k,
                row[k].key, graphml_type(&row[k]));
    for (size_t i = 0; i < crisk_inventory_attr_count(inv); i++) {
        fprintf(f, "  <key id=\"ka%zu\" for=\"node\" attr.name=\"", i);
        crisk__xml_text(f, cols[i]);
        fputs("\" attr.type=\"string\"/>\n", f);
    }
    fputs("  <key id=\"ke0\" for=\"edge\" attr.name=\"group\" attr.type=\"string\"/>\n"
          "  <key id=\"ke1\" for=\"edge\" attr.name=\"need\" attr.type=\"long\"/>\n"
          "  <key id=\"ke2\" for=\"edge\" attr.name=\"group_size\" attr.type=\"long\"/>\n"
          "  <key id=\"ke3\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n", f);
}

/* A <data> element with text, unless the text is "" (not given). */
static void graphml_text(FILE *f, const char *key, const char *text)
{
    if (text[0] == '\0')
        return;
    fprintf(f, "      <data key=\"%s\">", key);
    crisk__xml_text(f, text);
    fputs("</data>\n", f);
}

/* A node's data: every field that has a value, then non-empty attributes. */
static void graphml_node(FILE *f, const crisk_analysis *a, size_t v)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk__field row[NODE_FIELDS];
    node_fields(row, inv, crisk_analysis_metrics(a, v), v);
    char num[40];
    fprintf(f, "    <node id=\"n%zu\">\n", v);
    for (size_t k = 0; k < NODE_FIELDS; k++) {
        const crisk__field *c = &row[k];
        if (!has_value(c))
            continue;
        fprintf(f, "      <data key=\"kn%zu\">", k);
        if (c->kind == CRISK__F_TEXT)
            crisk__xml_text(f, c->text);
        else if (c->kind == CRISK__F_BOOL)
            fputs(c->number != 0 ? "true" : "false", f);
        else
            fputs(crisk_format_number(num, sizeof num, c->number), f);
        fputs("</data>\n", f);
    }
    for (size_t i = 0; i < crisk_inventory_attr_count(inv); i++) {
        char key[32];
        snprintf(key, sizeof key, "ka%zu", i);
        graphml_text(f, key, crisk_inventory_node_attr(inv, v, i));
    }
    fputs("    </node>\n", f);
}

static void graphml_edge(FILE *f, const crisk_inventory *inv, const edge_ref *r)
{
    fprintf(f, "    <edge id=\"e%zu\" source=\"n%zu\" target=\"n%zu\">\n", r->e, r->v,
            crisk_inventory_group_member(inv, r->g, r->i));
    graphml_text(f, "ke0", crisk_inventory_group_name(inv, r->g));
    fprintf(f, "      <data key=\"ke1\">%zu</data>\n      <data key=\"ke2\">%zu</data>\n",
            crisk_inventory_group_need(inv, r->g), crisk_inventory_group_size(inv, r->g));
    graphml_text(f, "ke3", crisk_inventory_group_member_kind(inv, r->g, r->i));
    fputs("    </edge>\n", f);
}

static int export_graphml(FILE *f, const crisk_analysis *a)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    char **cols = attr_columns(inv);
    if (cols == NULL)
        return CRISK_ENOMEM;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!-- chainrisk ", f);
    fputs(crisk_version(), f);
    fputs(" export: edges point from the dependant to its dependency -->\n"
          "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
          "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
          "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
          "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n", f);
    graphml_keys(f, inv, cols);
    fputs("  <graph id=\"G\" edgedefault=\"directed\">\n", f);
    for (size_t v = 0; v < crisk_inventory_node_count(inv); v++)
        graphml_node(f, a, v);
    each_edge(f, inv, graphml_edge);
    fputs("  </graph>\n</graphml>\n", f);
    free_columns(cols, crisk_inventory_attr_count(inv));
    return CRISK_OK;
}

/* ---- DOT ----------------------------------------------------------------------------- */

static void dot_node(FILE *f, const crisk_analysis *a, size_t v)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    crisk__field row[NODE_FIELDS];
    node_fields(row, inv, crisk_analysis_metrics(a, v), v);
    char num[40];
    fprintf(f, "  n%zu [label=<", v);
    crisk__escape(f, row[0].text, 0, CRISK__ESC_GV_LABEL);
    if (strcmp(row[0].text, row[1].text) != 0) {
        fputs("<BR/>", f);
        crisk__escape(f, row[1].text, 0, CRISK__ESC_GV_LABEL);
    }
    putc('>', f);
    /* Only values chainrisk spells itself (enums, numbers) become attributes. */
    for (size_t k = 0; k < NODE_FIELDS; k++) {
        const crisk__field *c = &row[k];
        if (is_input_text(c->key) || !has_value(c))
            continue;
        fprintf(f, ", %s=\"%s\"", c->key,
                c->kind == CRISK__F_TEXT ? c->text
                : c->kind == CRISK__F_BOOL ? (c->number != 0 ? "true" : "false")
                : crisk_format_number(num, sizeof num, c->number));
    }
    fputs("];\n", f);
}

static void dot_edge(FILE *f, const crisk_inventory *inv, const edge_ref *r)
{
    const char *group = crisk_inventory_group_name(inv, r->g);
    const char *kind = crisk_inventory_group_member_kind(inv, r->g, r->i);
    size_t need = crisk_inventory_group_need(inv, r->g);
    size_t size = crisk_inventory_group_size(inv, r->g);
    fprintf(f, "  n%zu -> n%zu [need=\"%zu\", group_size=\"%zu\"", r->v,
            crisk_inventory_group_member(inv, r->g, r->i), need, size);
    if (size > 1)
        fputs(", style=\"dashed\"", f);
    if (group[0] != '\0' || kind[0] != '\0') {
        fputs(", label=<", f);
        if (group[0] != '\0') {
            crisk__escape(f, group, 0, CRISK__ESC_GV_LABEL);
            fprintf(f, " (%zu of %zu)%s", need, size, kind[0] != '\0' ? "<BR/>" : "");
        }
        crisk__escape(f, kind, 0, CRISK__ESC_GV_LABEL);
        putc('>', f);
    }
    fputs("];\n", f);
}

static int export_dot(FILE *f, const crisk_analysis *a)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    size_t n = crisk_inventory_node_count(inv);
    fputs("// chainrisk ", f);
    fputs(crisk_version(), f);
    fputs(" export: \"a -> b\" means a depends on b.  Node names are synthetic;\n"
          "// ids and names are in the labels.  Dashed edges are alternatives\n"
          "// in a redundancy group that needs `need` of `group_size` members.\n"
          "digraph chainrisk {\n  node [shape=box];\n", f);
    for (size_t v = 0; v < n; v++)
        dot_node(f, a, v);
    each_edge(f, inv, dot_edge);
    fputs("}\n", f);
    return CRISK_OK;
}

/* ---- entry point ------------------------------------------------------------------------ */

int crisk_export_write(FILE *f, const crisk_analysis *a, crisk_export_format fmt,
                       const crisk_provenance *prov, crisk_error *err)
{
    int rc;
    switch (fmt) {
    case CRISK_EXPORT_JSON: rc = export_json(f, a, prov); break;
    case CRISK_EXPORT_GRAPHML: rc = export_graphml(f, a); break;
    case CRISK_EXPORT_DOT: rc = export_dot(f, a); break;
    case CRISK_EXPORT_CSV: rc = export_csv(f, a); break;
    case CRISK_EXPORT_MEF: return crisk_export_mef(f, crisk_analysis_inventory(a), NULL, err);
    case CRISK_EXPORT_XLSX:
        rc = crisk_export_xlsx(f, a, prov, 0, err);
        return rc != CRISK_OK ? rc : crisk__emit_status(f, err);
    default: rc = crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "unknown export format");
             return rc;
    }
    if (rc != CRISK_OK)
        return crisk_error_set(err, rc, NULL, 0, 0, "out of memory");
    return crisk__emit_status(f, err);
}
