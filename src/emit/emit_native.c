/*
 * emit_native.c - an inventory written back as native nodes.csv/edges.csv
 * (DESIGN §3), what `chainrisk import` produces from merged inputs.
 *
 * The contract is the round trip: loading the written files gives the same
 * model.  So every value is written exactly, and a value the native reader
 * would read back differently is refused before anything is written:
 *   - leading or trailing spaces, tabs, CR or LF (the reader trims cells,
 *     inside quotes too);
 *   - more than CRISK_MAX_FIELD_BYTES (the reader's cell limit), invalid
 *     UTF-8 (rejected by the reader);
 *   - pass-through attribute names equal ignoring case to each other or to a
 *     native column (the reader matches header names case-insensitively).
 * Cells are RFC 4180-quoted when they hold a comma, a quote or a line break.
 * They are NOT neutralised against spreadsheet formulas (DESIGN §7 does that
 * for report CSVs): the leading quote it adds would become part of ids such
 * as '@angular/core' and break the round trip.  An inventory is input data
 * for chainrisk, not a report; docs/cyclonedx.md says so.
 *
 * Defaults are left empty where the reader restores them: a name equal to
 * the id, a criticality the input did not give (or 1 on a provider), the
 * need of an edge without a group.
 * Group and member order follow the model (the builder keeps input order),
 * so the reloaded model lists them in the same order.
 */
#include "chainrisk/output.h"
#include "atomic.h"
#include "emit.h"
#include "util/quote.h"
#include "util/utf8.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const node_columns[] = {
    "id", "name", "type", "category", "criticality", "rto_hours", "recovery_hours",
    "spend", "country", "parent", "substitutability", "probability", "loss_per_hour"
};
#define NODE_COLUMN_COUNT (sizeof node_columns / sizeof *node_columns)

/* ---- what the reader can read back ------------------------------------------ */

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* NULL if `s` reads back unchanged, else why not. */
static const char *unreadable(const char *s)
{
    size_t len = strlen(s);
    int is_nul;
    if (len > 0 && (is_space(s[0]) || is_space(s[len - 1])))
        return "leading or trailing white space";
    if (len > CRISK_MAX_FIELD_BYTES)
        return "longer than the 65536-byte cell limit";
    if (crisk__utf8_check((const unsigned char *)s, len, &is_nul) != len)
        return "invalid UTF-8";
    return NULL;
}

/* Check one value: `what` of node `id` (e.g. "the name"). */
static int check_value(const char *s, const char *what, const char *id, crisk_error *err)
{
    const char *why = unreadable(s);
    if (why == NULL)
        return CRISK_OK;
    char q[CRISK__QUOTE_MAX];
    return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0,
                           "cannot write %s of '%s' as native CSV: %s", what,
                           crisk__quote(q, id), why);
}

static int check_attribute_names(const crisk_inventory *inv, crisk_error *err)
{
    char q[CRISK__QUOTE_MAX], q2[CRISK__QUOTE_MAX];
    size_t n = crisk_inventory_attr_count(inv);
    for (size_t a = 0; a < n; a++) {
        const char *name = crisk_inventory_attr_name(inv, a);
        const char *why = name[0] == '\0' ? "empty name" : unreadable(name);
        for (size_t k = 0; why == NULL && k < NODE_COLUMN_COUNT; k++)
            if (crisk__strcasecmp_ascii(name, node_columns[k]) == 0)
                why = "same name as a native column";
        if (why != NULL)
            return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0,
                                   "cannot write attribute '%s' as native CSV: %s",
                                   crisk__quote(q, name), why);
        for (size_t b = 0; b < a; b++)
            if (crisk__strcasecmp_ascii(name, crisk_inventory_attr_name(inv, b)) == 0)
                return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0,
                                       "cannot write attributes '%s' and '%s' as native CSV: "
                                       "the names differ only in case",
                                       crisk__quote(q, crisk_inventory_attr_name(inv, b)),
                                       crisk__quote(q2, name));
    }
    return CRISK_OK;
}

static int check_nodes(const crisk_inventory *inv, crisk_error *err)
{
    int rc = check_attribute_names(inv, err);
    size_t n = crisk_inventory_node_count(inv), n_attrs = crisk_inventory_attr_count(inv);
    for (size_t v = 0; v < n && rc == CRISK_OK; v++) {
        crisk_node_view view;
        crisk_inventory_node(inv, v, &view);
        rc = check_value(view.id, "the id", view.id, err);
        if (rc == CRISK_OK)
            rc = check_value(view.name, "the name", view.id, err);
        if (rc == CRISK_OK)
            rc = check_value(view.parent, "the parent", view.id, err);
        for (size_t a = 0; a < n_attrs && rc == CRISK_OK; a++)
            rc = check_value(crisk_inventory_node_attr(inv, v, a), "an attribute", view.id, err);
    }
    return rc;
}

static int check_edges(const crisk_inventory *inv, crisk_error *err)
{
    size_t groups = crisk_inventory_group_count(inv);
    int rc = CRISK_OK;
    for (size_t g = 0; g < groups && rc == CRISK_OK; g++) {
        const char *owner = crisk_inventory_node_id(inv, crisk_inventory_group_owner(inv, g));
        rc = check_value(crisk_inventory_group_name(inv, g), "a group", owner, err);
        size_t size = crisk_inventory_group_size(inv, g);
        for (size_t i = 0; i < size && rc == CRISK_OK; i++)
            rc = check_value(crisk_inventory_group_member_kind(inv, g, i), "an edge kind", owner,
                             err);
    }
    return rc;
}

/* ---- writing ------------------------------------------------------------------ */

static int finish_file(FILE *f, crisk_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "write error: %s", strerror(errno));
    return CRISK_OK;
}

static void put_node(FILE *f, const crisk_inventory *inv, size_t v)
{
    crisk_node_view n;
    crisk_inventory_node(inv, v, &n);
    crisk__csv_raw(f, n.id);
    putc(',', f);
    crisk__csv_raw(f, strcmp(n.name, n.id) == 0 ? "" : n.name);
    fprintf(f, ",%s,%s,", crisk_node_type_name(n.type), crisk_category_name(n.category));
    if ((n.type == CRISK_NODE_FUNCTION && n.criticality_given) || n.criticality != 1.0)
        crisk_csv_number(f, n.criticality);
    const double numbers[] = { n.rto_hours, n.recovery_hours, n.spend };
    for (size_t i = 0; i < 3; i++) {
        putc(',', f);
        crisk_csv_number(f, numbers[i]);
    }
    putc(',', f);
    crisk__csv_raw(f, n.country);
    putc(',', f);
    crisk__csv_raw(f, n.parent);
    fprintf(f, ",%s,", crisk_substitutability_name(n.substitutability));
    crisk_csv_number(f, n.probability);
    putc(',', f);
    crisk_csv_number(f, n.loss_per_hour);
    for (size_t a = 0; a < crisk_inventory_attr_count(inv); a++) {
        putc(',', f);
        crisk__csv_raw(f, crisk_inventory_node_attr(inv, v, a));
    }
    putc('\n', f);
}

int crisk_emit_native_nodes(FILE *f, const crisk_inventory *inv, crisk_error *err)
{
    int rc = check_nodes(inv, err);
    if (rc != CRISK_OK)
        return rc;
    for (size_t k = 0; k < NODE_COLUMN_COUNT; k++)
        fprintf(f, "%s%s", k ? "," : "", node_columns[k]);
    for (size_t a = 0; a < crisk_inventory_attr_count(inv); a++) {
        putc(',', f);
        crisk__csv_raw(f, crisk_inventory_attr_name(inv, a));
    }
    putc('\n', f);
    size_t n = crisk_inventory_node_count(inv);
    for (size_t v = 0; v < n; v++)
        put_node(f, inv, v);
    return finish_file(f, err);
}

static void put_group(FILE *f, const crisk_inventory *inv, size_t g)
{
    const char *from = crisk_inventory_node_id(inv, crisk_inventory_group_owner(inv, g));
    const char *name = crisk_inventory_group_name(inv, g);
    size_t size = crisk_inventory_group_size(inv, g);
    for (size_t i = 0; i < size; i++) {
        crisk__csv_raw(f, from);
        putc(',', f);
        crisk__csv_raw(f, crisk_inventory_node_id(inv, crisk_inventory_group_member(inv, g, i)));
        putc(',', f);
        crisk__csv_raw(f, name);
        putc(',', f);
        if (name[0] != '\0')
            fprintf(f, "%zu", crisk_inventory_group_need(inv, g));
        putc(',', f);
        crisk__csv_raw(f, crisk_inventory_group_member_kind(inv, g, i));
        putc('\n', f);
    }
}

int crisk_emit_native_edges(FILE *f, const crisk_inventory *inv, crisk_error *err)
{
    int rc = check_edges(inv, err);
    if (rc != CRISK_OK)
        return rc;
    fputs("from,to,group,need,kind\n", f);
    size_t n = crisk_inventory_node_count(inv);
    for (size_t v = 0; v < n; v++)
        for (size_t g = crisk_inventory_group_begin(inv, v);
             g < crisk_inventory_group_begin(inv, v + 1); g++)
            put_group(f, inv, g);
    return finish_file(f, err);
}

/* ---- the directory ------------------------------------------------------------ */

/* mkdir -p: create `dir` and any missing parent. */
static int make_dirs(const char *dir, crisk_error *err)
{
    char *path = strdup(dir);
    if (path == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    int rc = CRISK_OK;
    for (char *p = path + 1; rc == CRISK_OK; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            rc = crisk_error_set(err, CRISK_EIO, path, 0, 0, "cannot create directory: %s",
                                 strerror(errno));
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    if (rc == CRISK_OK && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = crisk_error_set(err, CRISK_EIO, dir, 0, 0, "not a directory");
    free(path);
    return rc;
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir);
    const char *sep = len > 0 && dir[len - 1] == '/' ? "" : "/";
    size_t size = len + strlen(sep) + strlen(name) + 1;
    char *path = malloc(size);
    if (path != NULL)
        snprintf(path, size, "%s%s%s", dir, sep, name);
    return path;
}

/* Write one file of the pair into a temporary file; `*out` stays open for
 * the commit.  Errors name `path`. */
static int write_one(crisk_output **out, const char *path, const crisk_inventory *inv,
                     int (*emit)(FILE *, const crisk_inventory *, crisk_error *),
                     crisk_error *err)
{
    int rc = crisk_output_open(out, path, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_error local = CRISK_ERROR_INIT;
    rc = emit(crisk_output_file(*out), inv, &local);
    if (rc == CRISK_EIO)
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "%s", local.message);
    if (rc != CRISK_OK && err != NULL)
        *err = local;
    return rc;
}

int crisk_inventory_write_native(const crisk_inventory *inv, const char *dir, crisk_error *err)
{
    if (dir == NULL || dir[0] == '\0')
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "no output directory given");
    int rc = check_nodes(inv, err);
    if (rc == CRISK_OK)
        rc = check_edges(inv, err);
    if (rc == CRISK_OK)
        rc = make_dirs(dir, err);
    if (rc != CRISK_OK)
        return rc;
    char *nodes_path = join(dir, "nodes.csv"), *edges_path = join(dir, "edges.csv");
    crisk_output *nodes = NULL, *edges = NULL;
    if (nodes_path == NULL || edges_path == NULL)
        rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == CRISK_OK)
        rc = write_one(&nodes, nodes_path, inv, crisk_emit_native_nodes, err);
    if (rc == CRISK_OK)
        rc = write_one(&edges, edges_path, inv, crisk_emit_native_edges, err);
    if (rc == CRISK_OK) {
        rc = crisk__output_commit_pair(nodes, edges, err);
        nodes = edges = NULL;
    }
    crisk_output_abort(nodes);
    crisk_output_abort(edges);
    free(nodes_path);
    free(edges_path);
    return rc;
}
