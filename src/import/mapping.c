/*
 * mapping.c - the spreadsheet mapping file (`--map MAPPING.json`): read it,
 * validate it, and answer the native importer's lookups (mapping.h).
 *
 * The format (data/README.md, "Spreadsheets with their own column names"):
 *
 *   { "nodes": { "file": "Supplier register.csv",
 *                "columns": { "id": "Supplier ID",
 *                             "criticality": { "column": "Business impact",
 *                                              "values": { "Tier 1": 5 } } },
 *                "defaults": { "type": "supplier" } },
 *     "edges": { ... the same three keys ... } }
 *
 * Validation: the keys are a closed set ("did you mean" for near misses);
 * native column keys are matched ignoring ASCII case, like CSV headers; a
 * user column feeds one native column; value maps and defaults only on
 * columns that do not take free text; every translation target and default
 * is checked by the native importer's own cell rules
 * (crisk__native_check_value), so the importer cannot meet a translated
 * value it rejects, and the two can never disagree.  Every problem is
 * reported, not just the first.
 *
 * Positions.  cJSON records none.  The walk of json_text.c (shared with
 * cyclonedx.c, as are the byte checks and the syntax-error messages) finds
 * where each value and each key starts; json_file.c keeps them in a side
 * table sorted by item address for lookups, and reports each problem at
 * them, as it does for the policy file.  LINE is the 1-based physical line;
 * COLUMN the 1-based character (UTF-8 code point) in it, a BOM counting
 * none: what an editor's status bar shows.  The side table also keeps each
 * number's source text, which is what a translation to a
 * number stores (5, 1e6 and 0.5 reach the native parser as written, never
 * through a double-to-text round trip).  Rejected: storing positions in
 * the items' number fields as cyclonedx.c does, since here numbers are
 * values that matter and need positions of their own; and a scan for keys
 * by name, which cannot tell a "values" key from a user value "values".
 *
 * Cost: O(bytes) to read and walk, O(V log V) to sort the V mapped values;
 * the file is at most CRISK_MAX_MAPPING_BYTES.
 */
#include "mapping.h"
#include "json_file.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "util/suggest.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NATIVE_COLUMNS 16   /* wider than either native schema */

/* ---- strings ------------------------------------------------------------------ */

/* Every string the mapping keeps is one block of this list. */
struct crisk__map_block {
    struct crisk__map_block *next;
    char text[];
};

/* ---- the reader's state and its messages --------------------------------------- */

typedef struct reader {
    crisk__json_file jf;            /* the file, its positions and its problems */
    struct crisk__colmap *map;
    /* Per native column of the section being read: the user column it
     * reads and the item that named it, for "named twice". */
    const char *name[MAX_NATIVE_COLUMNS];
    const cJSON *name_item[MAX_NATIVE_COLUMNS];
} reader;

/* Problems at the value or the key of an item (json_file.h). */
#define fail_value(r, ...) crisk__json_file_fail_value(&(r)->jf, __VA_ARGS__)
#define fail_key(r, ...) crisk__json_file_fail_key(&(r)->jf, __VA_ARGS__)

/* Where `item` is (a zeroed place, "no position", for one the walk did not
 * record). */
static const crisk__json_place *where(const reader *r, const cJSON *item)
{
    return crisk__json_file_where(&r->jf, item);
}

static const char *type_name(const cJSON *item)
{
    return crisk__json_type_name(item->type);
}

/* A mapping string for a message: bounded, control characters escaped. */
static const char *quote(char buf[CRISK__QUOTE_MAX], const char *s)
{
    return crisk__quote(buf, s != NULL ? s : "");
}

/* ---- keeping strings ------------------------------------------------------------- */

/* A copy of s, without surrounding spaces, tabs and line breaks (as cells
 * are read), owned by the mapping; NULL when out of memory (noted). */
static const char *keep_trimmed(reader *r, const char *s, size_t len)
{
    while (len > 0 && crisk__json_is_space((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && crisk__json_is_space((unsigned char)s[len - 1]))
        len--;
    struct crisk__map_block *b = malloc(sizeof *b + len + 1);
    if (b == NULL) {
        r->jf.status = CRISK_ENOMEM;
        return NULL;
    }
    memcpy(b->text, s, len);
    b->text[len] = '\0';
    b->next = r->map->strings;
    r->map->strings = b;
    return b->text;
}

/* ---- keys ------------------------------------------------------------------------ */

static const char *const file_names[CRISK__NATIVE_FILES] = { "nodes", "edges" };

enum section_key { KEY_FILE, KEY_COLUMNS, KEY_DEFAULTS, SECTION_KEYS };
static const char *const section_keys[SECTION_KEYS] = { "file", "columns", "defaults" };

enum column_key { KEY_COLUMN, KEY_VALUES, COLUMN_KEYS };
static const char *const column_keys[COLUMN_KEYS] = { "column", "values" };

/* Index of `key` among `names` (exact), or -1. */
static int key_index(const char *key, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, names[i]) == 0)
            return (int)i;
    return -1;
}

/* A native column named by a mapping key, ignoring ASCII case; or -1. */
static int native_index(enum crisk__native_file f, const char *key)
{
    size_t n;
    const char *const *names = crisk__native_columns(f, &n);
    for (size_t k = 0; k < n; k++)
        if (crisk__strcasecmp_ascii(key, names[k]) == 0)
            return (int)k;
    return -1;
}

static void unknown_key(reader *r, const cJSON *item, const char *what, const char *where_,
                        const char *const *names, size_t n)
{
    char q[CRISK__QUOTE_MAX], list[256];
    const char *hint = crisk__suggest(item->string, names, n);
    if (hint != NULL) {
        fail_key(r, item, "unknown %s '%s'%s (did you mean '%s'?)", what,
                 quote(q, item->string), where_, hint);
        return;
    }
    crisk__or_list(list, sizeof list, names, n);
    fail_key(r, item, "unknown %s '%s'%s (expected %s)", what, quote(q, item->string), where_,
             list);
}

/* A key given twice in one object: report the second, citing the first. */
static void duplicate_key(reader *r, const cJSON *item, const cJSON *first)
{
    char q[CRISK__QUOTE_MAX];
    fail_key(r, item, "duplicate key '%s' (first on line %zu)", quote(q, item->string),
             where(r, first)->key_line);
}

/* A key that names no native column of file `f`.  `value_may_be_name`:
 * the key's value could be a column name, so the mapping may have been
 * written the wrong way round ("Supplier ID": "id"). */
static void unknown_column(reader *r, enum crisk__native_file f, const cJSON *item,
                           int value_may_be_name)
{
    char q[CRISK__QUOTE_MAX], qv[CRISK__QUOTE_MAX], list[256];
    enum crisk__native_file other = f == CRISK__NATIVE_NODES ? CRISK__NATIVE_EDGES
                                                             : CRISK__NATIVE_NODES;
    const char *key = quote(q, item->string);
    if (value_may_be_name && cJSON_IsString(item) && native_index(f, item->valuestring) >= 0) {
        fail_key(r, item, "unknown %s column '%s' (did you mean \"%s\": \"%s\"?)", file_names[f],
                 key, quote(qv, item->valuestring), key);
        return;
    }
    if (native_index(other, item->string) >= 0) {
        fail_key(r, item, "'%s' is %s column, not %s column", key,
                 other == CRISK__NATIVE_EDGES ? "an edges" : "a nodes",
                 f == CRISK__NATIVE_EDGES ? "an edges" : "a nodes");
        return;
    }
    size_t n;
    const char *const *names = crisk__native_columns(f, &n);
    const char *hint = crisk__suggest(item->string, names, n);
    if (hint != NULL) {
        fail_key(r, item, "unknown %s column '%s' (did you mean '%s'?)", file_names[f], key, hint);
        return;
    }
    crisk__or_list(list, sizeof list, names, n);
    fail_key(r, item, "unknown %s column '%s' (expected %s)", file_names[f], key, list);
}

/* ---- values ---------------------------------------------------------------------- */

/* The native text a translation target or default stands for: a string as
 * written (trimmed) or a number's source text; "" for null.  NULL for any
 * other type (the caller reports it) or out of memory. */
static const char *target_text(reader *r, const cJSON *item)
{
    if (cJSON_IsNull(item))
        return "";
    if (cJSON_IsString(item))
        return keep_trimmed(r, item->valuestring, strlen(item->valuestring));
    if (cJSON_IsNumber(item)) {
        const crisk__json_place *p = where(r, item);
        return keep_trimmed(r, (const char *)r->jf.text + p->start, p->end - p->start);
    }
    return NULL;
}

/* Check a target against the native rules; report at `item`. */
static int check_target(reader *r, enum crisk__native_file f, size_t k, const char *text,
                        const cJSON *item)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    if (text[0] == '\0' || crisk__native_check_value(f, k, text, msg) == 0)
        return 0;
    fail_value(r, item, "%s", msg);
    return -1;
}

typedef struct sort_entry {
    const char *from;
    uint32_t index;
} sort_entry;

static int by_from(const void *a, const void *b)
{
    const sort_entry *x = a, *y = b;
    int c = crisk__strcasecmp_ascii(x->from, y->from);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Sort the value map for lookups and report values mapped twice (ignoring
 * case, as cells are matched).  `items[i]` is the member of value i. */
static int sort_values(reader *r, crisk__map_column *col, const cJSON **items)
{
    sort_entry *e = malloc((col->n_values + 1) * sizeof *e);
    if (e == NULL) {
        r->jf.status = CRISK_ENOMEM;
        return CRISK_ENOMEM;
    }
    for (size_t i = 0; i < col->n_values; i++)
        e[i] = (sort_entry){ col->from[i], (uint32_t)i };
    crisk__sort(e, col->n_values, sizeof *e, by_from);
    char q[CRISK__QUOTE_MAX];
    for (size_t i = 0; i < col->n_values; i++) {
        col->sorted[i] = e[i].index;
        if (i > 0 && crisk__strcasecmp_ascii(e[i - 1].from, e[i].from) == 0)
            fail_key(r, items[e[i].index], "value '%s' is mapped twice (first on line %zu)",
                     quote(q, items[e[i].index]->string), where(r, items[e[i - 1].index])->key_line);
    }
    free(e);
    return CRISK_OK;
}

/* One entry of a value map: the cell text and its native target. */
static void read_value(reader *r, enum crisk__native_file f, size_t k, crisk__map_column *col,
                       const cJSON *item)
{
    char q[CRISK__QUOTE_MAX];
    const char *from = keep_trimmed(r, item->string, strlen(item->string));
    if (from == NULL)
        return;
    if (from[0] == '\0') {
        fail_key(r, item, "an empty cell cannot be mapped (use \"defaults\")");
        return;
    }
    size_t len = strlen(from);
    if (len > CRISK_MAX_FIELD_BYTES) {
        /* The file may be 1 MiB: such a value would never match a cell. */
        fail_key(r, item, "value '%s' is longer than a cell can be (%zu bytes, limit %u): "
                 "no cell could match it", quote(q, from), len, CRISK_MAX_FIELD_BYTES);
        return;
    }
    const char *to = NULL;
    if (!cJSON_IsString(item) && !cJSON_IsNumber(item) && !cJSON_IsNull(item))
        fail_value(r, item, "the value for '%s' must be a string, a number or null, not %s",
                   quote(q, item->string), type_name(item));
    else
        to = target_text(r, item);
    if (r->jf.status != CRISK_OK)
        return;
    if (to != NULL && check_target(r, f, k, to, item) != 0)
        to = NULL;
    /* Kept even when the target is bad (the mapping is rejected anyway), so
     * that a value mapped twice is reported too. */
    col->from[col->n_values] = from;
    col->to[col->n_values] = to != NULL && to[0] != '\0' ? to : NULL;
    col->n_values++;
}

static void read_values(reader *r, enum crisk__native_file f, size_t k, const cJSON *key,
                        const cJSON *values)
{
    char q[CRISK__QUOTE_MAX];
    if (!cJSON_IsObject(values)) {
        fail_value(r, values, "'values' must be an object, not %s", type_name(values));
        return;
    }
    if (crisk__native_is_free_text(f, k)) {
        fail_value(r, values, "'%s' takes free text and cannot have values",
                   quote(q, key->string));
        return;
    }
    crisk__map_column *col = &r->map->file[f].column[k];
    size_t n = (size_t)cJSON_GetArraySize(values);
    col->has_values = 1;
    col->from = calloc(n + 1, sizeof *col->from);
    col->to = calloc(n + 1, sizeof *col->to);
    col->sorted = calloc(n + 1, sizeof *col->sorted);
    const cJSON **items = calloc(n + 1, sizeof *items);
    if (col->from == NULL || col->to == NULL || col->sorted == NULL || items == NULL) {
        free(items);
        r->jf.status = CRISK_ENOMEM;
        return;
    }
    for (const cJSON *v = values->child; v != NULL && r->jf.status == CRISK_OK; v = v->next) {
        items[col->n_values] = v;
        read_value(r, f, k, col, v);
    }
    if (r->jf.status == CRISK_OK)
        sort_values(r, col, items);
    free(items);
}

/* ---- columns ---------------------------------------------------------------------- */

/* The user column `name` (given by `item`) feeds native column k: reject
 * an empty name and a name that already feeds another column. */
static void name_column(reader *r, enum crisk__native_file f, size_t k, const char *name,
                        const cJSON *item)
{
    char q[CRISK__QUOTE_MAX];
    size_t n;
    const char *const *natives = crisk__native_columns(f, &n);
    if (name[0] == '\0') {
        fail_value(r, item, "empty column name for '%s'", natives[k]);
        return;
    }
    size_t len = strlen(name);
    if (len > CRISK_MAX_FIELD_BYTES) {
        fail_value(r, item, "column name '%s' is longer than a cell can be (%zu bytes, limit %u): "
                   "no header could match it", quote(q, name), len, CRISK_MAX_FIELD_BYTES);
        return;
    }
    for (size_t j = 0; j < n; j++) {
        if (j == k || r->name[j] == NULL || crisk__strcasecmp_ascii(r->name[j], name) != 0)
            continue;
        fail_value(r, item, "column '%s' is already mapped to '%s' (line %zu)", quote(q, name),
                   natives[j], where(r, r->name_item[j])->line);
        return;
    }
    r->name[k] = name;
    r->name_item[k] = item;
}

/* "column" and "values" of a column given as an object. */
static void read_column_object(reader *r, const cJSON *item, const cJSON **name,
                               const cJSON **values)
{
    char where_[CRISK__QUOTE_MAX + 8], q[CRISK__QUOTE_MAX];
    snprintf(where_, sizeof where_, " in '%s'", quote(q, item->string));
    const cJSON *seen[COLUMN_KEYS] = { NULL, NULL };
    for (const cJSON *c = item->child; c != NULL; c = c->next) {
        int i = key_index(c->string, column_keys, COLUMN_KEYS);
        if (i < 0) {
            unknown_key(r, c, "key", where_, column_keys, COLUMN_KEYS);
        } else if (seen[i] != NULL) {
            duplicate_key(r, c, seen[i]);
        } else {
            seen[i] = c;
        }
    }
    *name = seen[KEY_COLUMN];
    *values = seen[KEY_VALUES];
    if (*name != NULL && !cJSON_IsString(*name)) {
        fail_value(r, *name, "'column' must be a string, not %s", type_name(*name));
        *name = NULL;
    }
}

/* One entry of "columns": `item` is keyed by native column k. */
static void read_column(reader *r, enum crisk__native_file f, size_t k, const cJSON *item)
{
    char q[CRISK__QUOTE_MAX];
    const cJSON *name = NULL, *values = NULL;
    if (cJSON_IsString(item)) {
        name = item;
    } else if (cJSON_IsObject(item)) {
        read_column_object(r, item, &name, &values);
    } else {
        fail_value(r, item, "'%s' must be a column name or an object, not %s",
                   quote(q, item->string), type_name(item));
        return;
    }
    size_t n;
    const char *const *natives = crisk__native_columns(f, &n);
    if (name != NULL) {
        const char *header = keep_trimmed(r, name->valuestring, strlen(name->valuestring));
        if (header == NULL)
            return;
        r->map->file[f].column[k].header = header;
        name_column(r, f, k, header, name);
    } else {
        /* values for a column that keeps its native name */
        name_column(r, f, k, natives[k], item);
    }
    if (values != NULL)
        read_values(r, f, k, item, values);
}

static void read_columns(reader *r, enum crisk__native_file f, const cJSON *columns)
{
    char q[CRISK__QUOTE_MAX];
    if (!cJSON_IsObject(columns)) {
        fail_value(r, columns, "'columns' must be an object, not %s", type_name(columns));
        return;
    }
    const cJSON *seen[MAX_NATIVE_COLUMNS] = { NULL };
    for (const cJSON *c = columns->child; c != NULL && r->jf.status == CRISK_OK; c = c->next) {
        int k = native_index(f, c->string);
        if (k < 0) {
            unknown_column(r, f, c, 1);
        } else if (seen[k] != NULL) {
            fail_key(r, c, "column '%s' is mapped twice (first on line %zu)",
                     quote(q, c->string), where(r, seen[k])->key_line);
        } else {
            seen[k] = c;
            read_column(r, f, (size_t)k, c);
        }
    }
}

static void read_defaults(reader *r, enum crisk__native_file f, const cJSON *defaults)
{
    char q[CRISK__QUOTE_MAX];
    if (!cJSON_IsObject(defaults)) {
        fail_value(r, defaults, "'defaults' must be an object, not %s", type_name(defaults));
        return;
    }
    const cJSON *seen[MAX_NATIVE_COLUMNS] = { NULL };
    for (const cJSON *d = defaults->child; d != NULL && r->jf.status == CRISK_OK; d = d->next) {
        int k = native_index(f, d->string);
        if (k < 0) {
            unknown_column(r, f, d, 0);
            continue;
        }
        if (seen[k] != NULL) {
            duplicate_key(r, d, seen[k]);
            continue;
        }
        seen[k] = d;
        if (crisk__native_is_free_text(f, (size_t)k)) {
            fail_value(r, d, "'%s' takes free text and cannot have a default", quote(q, d->string));
            continue;
        }
        const char *text = target_text(r, d);
        if (text == NULL && r->jf.status == CRISK_OK)
            fail_value(r, d, "the default for '%s' must be a string, a number or null, not %s",
                       quote(q, d->string), type_name(d));
        if (text == NULL || check_target(r, f, (size_t)k, text, d) != 0)
            continue;
        r->map->file[f].column[k].fallback = text[0] != '\0' ? text : NULL;
    }
}

static void read_file_name(reader *r, enum crisk__native_file f, const cJSON *item)
{
    if (!cJSON_IsString(item)) {
        fail_value(r, item, "'file' must be a string, not %s", type_name(item));
        return;
    }
    const char *name = keep_trimmed(r, item->valuestring, strlen(item->valuestring));
    if (name != NULL && name[0] == '\0')
        fail_value(r, item, "empty file name");
    else
        r->map->file[f].file = name;
}

static void read_section(reader *r, enum crisk__native_file f, const cJSON *section)
{
    char where_[32];
    if (!cJSON_IsObject(section)) {
        fail_value(r, section, "'%s' must be an object, not %s", file_names[f],
                   type_name(section));
        return;
    }
    snprintf(where_, sizeof where_, " in '%s'", file_names[f]);
    memset(r->name, 0, sizeof r->name);
    memset(r->name_item, 0, sizeof r->name_item);
    const cJSON *seen[SECTION_KEYS] = { NULL, NULL, NULL };
    for (const cJSON *c = section->child; c != NULL && r->jf.status == CRISK_OK; c = c->next) {
        int i = key_index(c->string, section_keys, SECTION_KEYS);
        if (i < 0) {
            unknown_key(r, c, "key", where_, section_keys, SECTION_KEYS);
            continue;
        }
        if (seen[i] != NULL) {
            duplicate_key(r, c, seen[i]);
            continue;
        }
        seen[i] = c;
        if (i == KEY_FILE)
            read_file_name(r, f, c);
        else if (i == KEY_COLUMNS)
            read_columns(r, f, c);
        else
            read_defaults(r, f, c);
    }
}

static void read_mapping(reader *r, const cJSON *root)
{
    if (!cJSON_IsObject(root)) {
        fail_value(r, root, "a mapping must be a JSON object, not %s", type_name(root));
        return;
    }
    const cJSON *seen[CRISK__NATIVE_FILES] = { NULL, NULL };
    for (const cJSON *c = root->child; c != NULL && r->jf.status == CRISK_OK; c = c->next) {
        int f = key_index(c->string, file_names, CRISK__NATIVE_FILES);
        if (f < 0) {
            unknown_key(r, c, "section", "", file_names, CRISK__NATIVE_FILES);
        } else if (seen[f] != NULL) {
            duplicate_key(r, c, seen[f]);
        } else {
            seen[f] = c;
            read_section(r, (enum crisk__native_file)f, c);
        }
    }
}

/* ---- the mapping object ------------------------------------------------------------ */

static struct crisk__colmap *new_map(const char *path)
{
    struct crisk__colmap *map = calloc(1, sizeof *map);
    if (map == NULL)
        return NULL;
    map->path = strdup(path);
    if (map->path == NULL) {
        free(map);
        return NULL;
    }
    for (int f = 0; f < CRISK__NATIVE_FILES; f++) {
        crisk__map_file *mf = &map->file[f];
        mf->native = crisk__native_columns((enum crisk__native_file)f, &mf->n_columns);
        mf->column = calloc(mf->n_columns, sizeof *mf->column);
        if (mf->column == NULL) {
            crisk__colmap_free(map);
            return NULL;
        }
    }
    return map;
}

void crisk__colmap_free(struct crisk__colmap *map)
{
    if (map == NULL)
        return;
    for (int f = 0; f < CRISK__NATIVE_FILES; f++) {
        crisk__map_file *mf = &map->file[f];
        for (size_t k = 0; mf->column != NULL && k < mf->n_columns; k++) {
            free((void *)mf->column[k].from);
            free((void *)mf->column[k].to);
            free(mf->column[k].sorted);
        }
        free(mf->column);
    }
    while (map->strings != NULL) {
        struct crisk__map_block *next = map->strings->next;
        free(map->strings);
        map->strings = next;
    }
    free(map->path);
    free(map);
}

int crisk__colmap_load(struct crisk__colmap **out, const char *path, crisk_diagnostics *diags,
                       crisk_error *err)
{
    *out = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    crisk__json_file_init(&r.jf, path, diags);
    int rc = crisk__json_file_read(&r.jf, CRISK_MAX_MAPPING_BYTES, err);
    if (rc != CRISK_OK)
        return rc;
    r.map = new_map(path);
    if (r.map == NULL) {
        crisk__json_file_release(&r.jf);
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    }
    if (crisk__sha256_hex(r.map->sha256, r.jf.text, r.jf.n) != 0) {
        crisk__json_file_release(&r.jf);
        crisk__colmap_free(r.map);
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    }
    r.map->bytes = r.jf.n;
    cJSON *root = crisk__json_file_parse(&r.jf, "a JSON object");
    if (root != NULL)
        read_mapping(&r, root);
    cJSON_Delete(root);
    crisk__json_file_release(&r.jf);
    rc = crisk__json_file_status(&r.jf, err);
    if (rc == CRISK_OK) {
        *out = r.map;
        return CRISK_OK;
    }
    crisk__colmap_free(r.map);
    return rc;
}

/* ---- lookups ----------------------------------------------------------------------- */

static const crisk__map_column *column_of(const struct crisk__colmap *map,
                                          enum crisk__native_file f, size_t k)
{
    if (map == NULL || (unsigned)f >= CRISK__NATIVE_FILES || k >= map->file[f].n_columns)
        return NULL;
    return &map->file[f].column[k];
}

const char *crisk__colmap_file(const struct crisk__colmap *map, enum crisk__native_file f)
{
    return map != NULL && (unsigned)f < CRISK__NATIVE_FILES ? map->file[f].file : NULL;
}

int crisk__colmap_column(const struct crisk__colmap *map, enum crisk__native_file f,
                         const char *name)
{
    size_t n;
    const char *const *natives = crisk__native_columns(f, &n);
    for (size_t k = 0; map != NULL && k < n; k++) {
        const char *header = map->file[f].column[k].header;
        if (header != NULL && crisk__strcasecmp_ascii(header, name) == 0)
            return (int)k;
    }
    for (size_t k = 0; k < n; k++) {
        if (map != NULL && map->file[f].column[k].header != NULL)
            continue;   /* renamed: its native name is no longer it */
        if (crisk__strcasecmp_ascii(natives[k], name) == 0)
            return (int)k;
    }
    return -1;
}

const char *crisk__colmap_header(const struct crisk__colmap *map, enum crisk__native_file f,
                                 size_t column)
{
    const crisk__map_column *col = column_of(map, f, column);
    return col != NULL ? col->header : NULL;
}

enum crisk__map_result crisk__colmap_translate(const struct crisk__colmap *map,
                                               enum crisk__native_file f, size_t column,
                                               const char *cell, const char **out)
{
    const crisk__map_column *col = column_of(map, f, column);
    if (col == NULL || !col->has_values)
        return CRISK__MAP_NONE;
    size_t lo = 0, hi = col->n_values;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = crisk__strcasecmp_ascii(cell, col->from[col->sorted[mid]]);
        if (c == 0) {
            *out = col->to[col->sorted[mid]];
            return CRISK__MAP_HIT;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return CRISK__MAP_MISS;
}

const char *crisk__colmap_default(const struct crisk__colmap *map, enum crisk__native_file f,
                                  size_t column)
{
    const crisk__map_column *col = column_of(map, f, column);
    return col != NULL ? col->fallback : NULL;
}

const char *crisk__colmap_suggest(const struct crisk__colmap *map, enum crisk__native_file f,
                                  size_t column, const char *cell)
{
    const crisk__map_column *col = column_of(map, f, column);
    if (col == NULL || col->n_values == 0)
        return NULL;
    return crisk__suggest(cell, (const char *const *)col->from, col->n_values);
}

#define LISTED_VALUES 6

void crisk__colmap_values(const struct crisk__colmap *map, enum crisk__native_file f,
                          size_t column, char *buf, size_t size)
{
    const crisk__map_column *col = column_of(map, f, column);
    size_t n = col != NULL ? col->n_values : 0, shown = n <= LISTED_VALUES ? n : LISTED_VALUES;
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < shown && o < size; i++) {
        char q[CRISK__QUOTE_MAX];
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        o += (size_t)snprintf(buf + o, size - o, "%s'%s'", sep, quote(q, col->from[i]));
    }
    if (shown < n && o < size)
        snprintf(buf + o, size - o, " or %zu more", n - shown);
}
