/*
 * cyclonedx.c - the CycloneDX JSON SBOM importer (spec 1.2 to 1.6).
 *
 * Implements formats/cyclonedx-mapping.md (restated for users, with every
 * decision taken where it is silent, in docs/cyclonedx.md): the
 * metadata.component is a function, components and services (recursively)
 * are nodes, dependencies[].dependsOn are AND edges; scopes, implicit-root
 * and containment edges, and each anomaly of its §3 table.
 *
 * Steps, one function each: read the file whole; check its bytes, parse it
 * and find every value's position (json_text.c, shared with the mapping
 * file); check it is a CycloneDX BOM; collect the nodes; give the ones
 * without a bom-ref an id; read the dependency graph; infer the edges the
 * BOM leaves unsaid; check what the root reaches; hand the result to the
 * builder.  The builder gets nothing from a file with an error: the load
 * fails anyway, and every problem of the file has been reported by then.
 * What both SBOM readers do alike - a message at a value's position, typed
 * access to the tree, the strings they make - is sbom_read.c's.
 *
 * Positions.  cJSON records none: json_text.c finds where each value starts
 * (LINE and COLUMN as an editor's status bar shows them), and crisk__json_keep_position()
 * stores a value's line in its own `valuedouble` and its column in
 * `valueint`: cJSON reads those fields for numbers only, and the mapping
 * never points at a number (a misplaced number is reported at the object
 * holding it).  Rejected: a pointer-keyed side table (16+ bytes per value
 * and a hash probe per message), and scanning only for "bom-ref" keys
 * (blind to dependsOn targets and to components without a bom-ref).
 *
 * Severity.  Errors: the file is not readable JSON (syntax, encoding, size),
 * not a CycloneDX BOM, or a member the mapping reads has the wrong JSON type
 * (guessing would silently drop part of the graph).  Warnings: everything
 * the mapping can resolve (its §3 table).  JSON null counts as absent.
 *
 * Cost: O(bytes + V + E) time apart from sorting the edges once
 * (O(E log E)); memory: the file, the cJSON tree, and a few arrays of
 * V and E entries.
 */
#include "cyclonedx.h"
#include "json_text.h"
#include "sbom_read.h"
#include "sbom_edges.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NONE UINT32_MAX
#define READ_CHUNK (1u << 20)   /* bytes per read(), so progress can be reported */

enum node_kind { KIND_ROOT, KIND_COMPONENT, KIND_SERVICE };
enum scope { SCOPE_REQUIRED, SCOPE_OPTIONAL, SCOPE_EXCLUDED };
enum id_origin { ID_BOM_REF, ID_FALLBACK };
enum edge_kind { EDGE_DEPENDS_ON, EDGE_IMPLICIT_ROOT, EDGE_CONTAINS };

static const char *const edge_labels[] = { "dependsOn", "implicit-root", "contains" };
static const char *const kind_words[] = { "root", "component", "service" };

/* One node: the root (index 0), a component or a service. */
typedef struct cdx_node {
    const char *id;            /* bom-ref, or the fallback id once assigned */
    const char *name;          /* "[group/]name@version"; NULL = the id */
    const char *parent;        /* maintainer / provider label; NULL = none */
    const char *purl;          /* fallback id candidates; NULL = none */
    const char *name_version;
    const cJSON *at;           /* where messages point: its bom-ref, else its object */
    uint32_t container;        /* node it is nested in; NONE = top level (and the root) */
    uint32_t ordinal;          /* n of "component#n" / "service#n", 1-based */
    uint8_t kind;              /* enum node_kind */
    uint8_t scope;             /* enum scope */
    uint8_t category;          /* crisk_category */
    uint8_t origin;            /* enum id_origin */
    uint8_t top;               /* a direct entry of components[] / services[] */
    uint8_t synthetic;         /* the root made up for a BOM without metadata.component */
} cdx_node;

typedef struct cdx_edge {
    uint32_t from, to;
    uint8_t kind;              /* enum edge_kind */
    const cJSON *at;           /* the dependsOn string; NULL for inferred edges */
} cdx_edge;

/* What the provenance note reports. */
typedef struct cdx_counts {
    size_t components, services;                      /* objects read */
    size_t depends_on, optional, implicit_root, contains;  /* edges kept, by kind */
    size_t dropped_excluded, dropped_optional, dangling, self;
    size_t duplicate_refs, fallback_ids, repeated_entries, provides;
    size_t unreachable, scope_unreachable, cycles, cycle_nodes;
} cdx_counts;

typedef struct cdx {
    crisk__sbom_reader rd;     /* path, diagnostics, errors, status, strings made here */
    const crisk_load_options *opts;
    crisk_progress_fn progress; /* bytes read, while reading; may be NULL */
    void *progress_ctx;
    const char *spec;          /* specVersion as written; NULL if absent */
    cdx_node *nodes;
    size_t n_nodes, node_cap;
    cdx_edge *edges;
    size_t n_edges, edge_cap;
    uint32_t *index;           /* ids, open addressing; NONE = empty slot */
    size_t index_mask;
    uint32_t *in_degree;       /* declared dependsOn edges into each node */
    uint8_t *has_entry;        /* a dependencies entry names the node */
    const cJSON *dependencies;
    int has_graph;             /* `dependencies` has at least one entry */
    int root_has_entry;
    cdx_counts n;
} cdx;

/* ---- positions and messages -------------------------------------------------- */

/* The builder keeps 16-bit columns: a wider one would wrap, so say none. */
static size_t builder_column(const cJSON *at)
{
    size_t col = crisk__json_column(at);
    return col <= UINT16_MAX ? col : 0;
}

/* ---- reading the file -------------------------------------------------------- */

static int read_error(cdx *c, int code, const char *what, crisk_error *err)
{
    int e = errno;
    crisk__sbom_fail(&c->rd, NULL, "%s: %s", what, strerror(e));
    if (code == CRISK_EIO)
        return crisk_error_set(err, CRISK_EIO, c->rd.path, 0, 0, "%s: %s", what, strerror(e));
    return CRISK_OK;   /* reported: the load fails in the builder */
}

/* Read the rest of `fd` into a buffer with a NUL after the last byte
 * (crisk__json_parse needs it).  Returns CRISK_OK with *data NULL when the
 * file is too large (reported). */
static int read_all(cdx *c, int fd, size_t size_hint, unsigned char **data, size_t *len,
                    crisk_error *err)
{
    size_t cap = size_hint + 2, n = 0;   /* +1 for the NUL, +1 to see the end */
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            return crisk_error_set(err, CRISK_ENOMEM, c->rd.path, 0, 0, "out of memory");
        if (n > CRISK_MAX_FILE_BYTES) {
            free(buf);
            crisk__sbom_fail(&c->rd, NULL, "file is too large (more than %llu bytes)",
                             (unsigned long long)CRISK_MAX_FILE_BYTES);
            return CRISK_OK;
        }
        if (n + 1 == cap) {
            /* never more than the limit and a byte: reading one past it is enough */
            size_t bigger_cap = cap > CRISK_MAX_FILE_BYTES / 2 ? CRISK_MAX_FILE_BYTES + 2 : 2 * cap;
            unsigned char *bigger = realloc(buf, bigger_cap);
            if (bigger == NULL)
                free(buf);
            buf = bigger;
            cap = bigger_cap;
            continue;
        }
        size_t want = cap - 1 - n < READ_CHUNK ? cap - 1 - n : READ_CHUNK;
        ssize_t got = read(fd, buf + n, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(buf);
            return read_error(c, CRISK_EIO, "cannot read file", err);
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (c->progress != NULL)
            c->progress(c->progress_ctx, "reading", n, size_hint > n ? size_hint : n);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return CRISK_OK;
}

static int read_file(cdx *c, unsigned char **data, size_t *len, crisk_error *err)
{
    *data = NULL;
    *len = 0;
    int fd = open(c->rd.path, O_RDONLY);
    if (fd < 0)
        return read_error(c, crisk__open_error_code(errno), "cannot open file", err);
    struct stat st;
    int rc = CRISK_OK;
    if (fstat(fd, &st) != 0)
        rc = read_error(c, CRISK_EIO, "cannot read file", err);
    else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > CRISK_MAX_FILE_BYTES)
        crisk__sbom_fail(&c->rd, NULL, "file is too large (%llu bytes, limit %llu)",
                         (unsigned long long)st.st_size, (unsigned long long)CRISK_MAX_FILE_BYTES);
    else
        rc = read_all(c, fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536, data, len, err);
    close(fd);
    return rc;
}

/* ---- the id index ---------------------------------------------------------------- */

static uint32_t index_find(const cdx *c, const char *id)
{
    if (c->index == NULL)
        return NONE;
    size_t h = crisk__hash(id, strlen(id)) & c->index_mask;
    for (; c->index[h] != NONE; h = (h + 1) & c->index_mask)
        if (strcmp(c->nodes[c->index[h]].id, id) == 0)
            return c->index[h];
    return NONE;
}

static void index_put(uint32_t *index, size_t mask, const char *id, uint32_t v)
{
    size_t h = crisk__hash(id, strlen(id)) & mask;
    while (index[h] != NONE)
        h = (h + 1) & mask;
    index[h] = v;
}

/* Index node v by its id (load factor at most 1/2). */
static void index_add(cdx *c, uint32_t v)
{
    size_t cap = c->index != NULL ? c->index_mask + 1 : 0;
    if (2 * c->n_nodes > cap) {
        size_t ncap = cap != 0 ? 2 * cap : 1024;
        while (2 * c->n_nodes > ncap)
            ncap *= 2;
        uint32_t *index = malloc(ncap * sizeof *index);
        if (index == NULL) {
            c->rd.status = CRISK_ENOMEM;
            return;
        }
        memset(index, 0xff, ncap * sizeof *index);
        for (size_t h = 0; h < cap; h++)
            if (c->index[h] != NONE)
                index_put(index, ncap - 1, c->nodes[c->index[h]].id, c->index[h]);
        free(c->index);
        c->index = index;
        c->index_mask = ncap - 1;
    }
    index_put(c->index, c->index_mask, c->nodes[v].id, v);
}

/* The node whose bom-ref is `ref`: fallback ids are not bom-refs, so
 * nothing can point at them. */
static uint32_t resolve(const cdx *c, const char *ref)
{
    uint32_t v = index_find(c, ref);
    return v != NONE && c->nodes[v].origin == ID_BOM_REF ? v : NONE;
}

/* ---- nodes ------------------------------------------------------------------------ */

static uint32_t new_node(cdx *c, enum node_kind kind)
{
    if (crisk__grow((void **)&c->nodes, &c->node_cap, c->n_nodes + 1, sizeof *c->nodes) != 0) {
        c->rd.status = CRISK_ENOMEM;
        return NONE;
    }
    cdx_node *node = &c->nodes[c->n_nodes];
    memset(node, 0, sizeof *node);
    node->kind = (uint8_t)kind;
    node->container = NONE;
    node->category = CRISK_CAT_OTHER;
    node->origin = ID_BOM_REF;
    return (uint32_t)c->n_nodes++;
}

/* "[group/]name[@version]", NULL without a name. */
static const char *compose_name(cdx *c, const cJSON *at, const char *group, const char *name,
                                const char *version)
{
    name = crisk__sbom_trimmed(&c->rd, name);
    group = crisk__sbom_trimmed(&c->rd, group);
    version = crisk__sbom_trimmed(&c->rd, version);
    if (name == NULL || (group == NULL && version == NULL))
        return name;
    size_t g = group ? strlen(group) + 1 : 0, n = strlen(name);
    size_t v = version ? strlen(version) + 1 : 0;
    char *out = crisk__sbom_reserve(&c->rd, g + n + v);
    if (out == NULL)
        return NULL;
    if (group != NULL) {
        memcpy(out, group, g - 1);
        out[g - 1] = '/';
    }
    memcpy(out + g, name, n);
    if (version != NULL) {
        out[g + n] = '@';
        memcpy(out + g + n + 1, version, v - 1);
    }
    crisk__sbom_check_length(&c->rd, at, "name", out);
    return out;
}

/* The display name and the fallback-id candidates of a component, service
 * or root. */
static void read_names(cdx *c, uint32_t v, const cJSON *obj)
{
    const char *name = crisk__sbom_text(&c->rd, obj, "name");
    const char *version = crisk__sbom_text(&c->rd, obj, "version");
    const char *group = crisk__sbom_text(&c->rd, obj, "group");
    int fallback = c->nodes[v].origin == ID_FALLBACK;   /* only then are these needed */
    const cJSON *purl_item = fallback && c->nodes[v].kind != KIND_SERVICE
                             ? crisk__sbom_member(&c->rd, obj, "purl", cJSON_String) : NULL;
    const char *purl = purl_item != NULL ? crisk__sbom_trimmed(&c->rd, purl_item->valuestring)
                                         : NULL;
    crisk__sbom_check_length(&c->rd, purl_item, "purl", purl);   /* it may become the id */
    const char *display = compose_name(c, obj, group, name, version);
    const char *name_version = fallback ? compose_name(c, obj, NULL, name, version) : NULL;
    cdx_node *node = &c->nodes[v];
    node->name = display;
    node->name_version = name_version;
    node->purl = purl;
}

static const struct { const char *type; crisk_category category; } component_types[] = {
    { "application", CRISK_CAT_SOFTWARE }, { "framework", CRISK_CAT_SOFTWARE },
    { "library", CRISK_CAT_SOFTWARE },     { "container", CRISK_CAT_SOFTWARE },
    { "platform", CRISK_CAT_SOFTWARE },    { "operating-system", CRISK_CAT_SOFTWARE },
    { "file", CRISK_CAT_SOFTWARE },        { "device", CRISK_CAT_HARDWARE },
    { "firmware", CRISK_CAT_HARDWARE },    { "device-driver", CRISK_CAT_HARDWARE },
    { "data", CRISK_CAT_OTHER },           { "machine-learning-model", CRISK_CAT_OTHER },
    { "cryptographic-asset", CRISK_CAT_OTHER },
};

static void read_type(cdx *c, uint32_t v, const cJSON *obj)
{
    char q[CRISK__QUOTE_MAX];
    const cJSON *type = crisk__sbom_member(&c->rd, obj, "type", cJSON_String);
    if (type == NULL) {
        if (crisk__sbom_is_absent(obj, "type"))
            crisk__sbom_warn(&c->rd, c->nodes[v].at, "component without a type (category 'other')");
        return;
    }
    for (size_t i = 0; i < sizeof component_types / sizeof *component_types; i++)
        if (strcmp(type->valuestring, component_types[i].type) == 0) {
            c->nodes[v].category = (uint8_t)component_types[i].category;
            return;
        }
    crisk__sbom_warn(&c->rd, type, "unknown component type '%s' (category 'other')",
                     crisk__quote(q, type->valuestring));
}

static void read_scope(cdx *c, uint32_t v, const cJSON *obj)
{
    static const char *const scopes[] = { "required", "optional", "excluded" };
    char q[CRISK__QUOTE_MAX];
    const cJSON *scope = crisk__sbom_member(&c->rd, obj, "scope", cJSON_String);
    if (scope == NULL)
        return;
    for (int i = 0; i < 3; i++)
        if (strcmp(scope->valuestring, scopes[i]) == 0) {
            c->nodes[v].scope = (uint8_t)i;
            return;
        }
    crisk__sbom_warn(&c->rd, scope, "unknown scope '%s' (read as 'required')",
                     crisk__quote(q, scope->valuestring));
}

/* The first of supplier.name, manufacturer.name, publisher, author. */
static const char *maintainer(cdx *c, const cJSON *obj)
{
    static const char *const entities[] = { "supplier", "manufacturer" };
    for (size_t i = 0; i < 2; i++) {
        const cJSON *entity = crisk__sbom_member(&c->rd, obj, entities[i], cJSON_Object);
        const char *name = entity != NULL ? crisk__sbom_trimmed_text(&c->rd, entity, "name") : NULL;
        if (name != NULL)
            return name;
    }
    const char *publisher = crisk__sbom_trimmed_text(&c->rd, obj, "publisher");
    return publisher != NULL ? publisher : crisk__sbom_trimmed_text(&c->rd, obj, "author");
}

static void describe(cdx *c, uint32_t v, const cJSON *obj)
{
    read_names(c, v, obj);
    if (c->nodes[v].kind == KIND_SERVICE) {
        const cJSON *provider = crisk__sbom_member(&c->rd, obj, "provider", cJSON_Object);
        c->nodes[v].category = CRISK_CAT_MANAGED_SERVICE;
        c->nodes[v].parent = provider != NULL ? crisk__sbom_trimmed_text(&c->rd, provider, "name")
                                              : NULL;
    } else {
        read_type(c, v, obj);
        read_scope(c, v, obj);
        c->nodes[v].parent = maintainer(c, obj);
    }
    crisk__sbom_check_length(&c->rd, obj, "maintainer name", c->nodes[v].parent);
}

static void collect(cdx *c, const cJSON *obj, enum node_kind kind, uint32_t container, int top);

/* Every entry of obj[key] (components or services), nested in `container`. */
static void collect_list(cdx *c, const cJSON *obj, const char *key, enum node_kind kind,
                         uint32_t container, int top)
{
    const cJSON *list = crisk__sbom_member(&c->rd, obj, key, cJSON_Array);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list)
        if (crisk__sbom_is_object_entry(&c->rd, entry, list, key))
            collect(c, entry, kind, container, top);
}

/* One component or service and what it contains.  A repeated bom-ref is
 * the first definition: what the repeat contains is nested in that node. */
static void collect(cdx *c, const cJSON *obj, enum node_kind kind, uint32_t container, int top)
{
    if (c->rd.status != CRISK_OK)
        return;
    size_t ordinal = kind == KIND_SERVICE ? ++c->n.services : ++c->n.components;
    const cJSON *ref = crisk__sbom_member(&c->rd, obj, "bom-ref", cJSON_String);
    if (ref != NULL && ref->valuestring[0] == '\0')
        ref = NULL;   /* an empty bom-ref names nothing */
    uint32_t v = ref != NULL ? index_find(c, ref->valuestring) : NONE;
    if (v != NONE) {
        char q[CRISK__QUOTE_MAX];
        c->n.duplicate_refs++;
        crisk__sbom_warn(&c->rd, ref, "duplicate bom-ref '%s' (first defined on line %zu): merged "
                         "into the first", crisk__quote(q, ref->valuestring),
                         crisk__json_line(c->nodes[v].at));
    } else {
        v = new_node(c, kind);
        if (v == NONE)
            return;
        cdx_node *node = &c->nodes[v];
        node->container = container;
        node->top = (uint8_t)top;
        node->ordinal = (uint32_t)ordinal;
        node->at = ref != NULL ? ref : obj;
        if (ref != NULL) {
            node->id = ref->valuestring;
            crisk__sbom_check_length(&c->rd, ref, "bom-ref", node->id);
            index_add(c, v);
        } else {
            node->origin = ID_FALLBACK;
        }
        describe(c, v, obj);
    }
    collect_list(c, obj, kind == KIND_SERVICE ? "services" : "components", kind, v, 0);
}

/* Node 0: metadata.component, or a synthetic root; then what it contains. */
static void collect_root(cdx *c, const cJSON *bom)
{
    const cJSON *metadata = crisk__sbom_member(&c->rd, bom, "metadata", cJSON_Object);
    const cJSON *comp = metadata != NULL
                        ? crisk__sbom_member(&c->rd, metadata, "component", cJSON_Object)
                        : NULL;
    uint32_t root = new_node(c, KIND_ROOT);
    if (root == NONE)
        return;
    cdx_node *node = &c->nodes[root];
    if (comp == NULL) {
        const char *slash = strrchr(c->rd.path, '/');
        node->origin = ID_FALLBACK;
        node->synthetic = 1;
        node->at = metadata;
        node->name = crisk__sbom_trimmed_text(&c->rd, bom, "serialNumber");
        if (c->nodes[root].name == NULL)
            c->nodes[root].name = crisk__sbom_trimmed(&c->rd,
                                                      slash != NULL ? slash + 1 : c->rd.path);
        return;
    }
    const cJSON *ref = crisk__sbom_member(&c->rd, comp, "bom-ref", cJSON_String);
    if (ref != NULL && ref->valuestring[0] != '\0') {
        node->id = ref->valuestring;
        node->at = ref;
        crisk__sbom_check_length(&c->rd, ref, "bom-ref", node->id);
        index_add(c, root);
    } else {
        node->origin = ID_FALLBACK;
        node->at = comp;
    }
    read_names(c, root, comp);
    collect_list(c, comp, "components", KIND_COMPONENT, root, 0);
}

/* ---- ids for nodes without a bom-ref ---------------------------------------------- */

/* The first candidate no node has taken; if all are, the last one with
 * "~2", "~3", ... appended.  NULL when out of memory (recorded). */
static const char *free_id(cdx *c, const char *const *cand, size_t n, size_t *which)
{
    for (size_t i = 0; i < n; i++)
        if (cand[i] != NULL && index_find(c, cand[i]) == NONE) {
            *which = i;
            return cand[i];
        }
    *which = n - 1;
    size_t len = strlen(cand[n - 1]) + 24;
    char *buf = malloc(len);
    const char *id = NULL;
    for (unsigned long k = 2; buf != NULL; k++) {
        snprintf(buf, len, "%s~%lu", cand[n - 1], k);
        if (index_find(c, buf) == NONE) {
            id = crisk__sbom_copy(&c->rd, buf, strlen(buf));
            break;
        }
    }
    free(buf);
    if (id == NULL)
        c->rd.status = CRISK_ENOMEM;
    return id;
}

static void assign_fallback_id(cdx *c, uint32_t v)
{
    static const char *const origins[] = { "taken from its purl", "taken from its name and version",
                                           "generated" };
    char generated[48], q[CRISK__QUOTE_MAX];
    cdx_node *node = &c->nodes[v];
    const char *cand[3] = { NULL, NULL, NULL };
    size_t n = 0, which = 0;
    if (node->kind == KIND_ROOT) {
        cand[n++] = node->synthetic ? NULL : node->purl;
        cand[n++] = node->synthetic ? "bom-root" : "root";
    } else {
        snprintf(generated, sizeof generated, "%s#%u", kind_words[node->kind],
                 (unsigned)node->ordinal);
        cand[n++] = node->purl;   /* NULL for services */
        cand[n++] = node->name_version;
        cand[n++] = generated;
    }
    const char *id = free_id(c, cand, n, &which);
    if (id == NULL)
        return;
    if (id == generated)
        id = crisk__sbom_copy(&c->rd, generated, strlen(generated));
    if (id == NULL)
        return;   /* out of memory, recorded */
    node->id = id;
    index_add(c, v);
    if (node->kind == KIND_ROOT)
        return;
    c->n.fallback_ids++;
    crisk__sbom_warn(&c->rd, node->at, "%s without a bom-ref: id '%s' %s (it cannot be a "
                     "dependency target)", kind_words[node->kind], crisk__quote(q, node->id),
                     origins[which]);
}

static void assign_fallback_ids(cdx *c)
{
    for (size_t v = 0; v < c->n_nodes && c->rd.status == CRISK_OK; v++)
        if (c->nodes[v].origin == ID_FALLBACK)
            assign_fallback_id(c, (uint32_t)v);
    const cdx_node *root = &c->nodes[0];
    if (root->synthetic) {
        char q1[CRISK__QUOTE_MAX], q2[CRISK__QUOTE_MAX];
        crisk__sbom_warn(&c->rd, root->at, "no metadata.component: using a synthetic function "
                         "'%s' named '%s'", crisk__quote(q1, root->id),
                         crisk__quote(q2, root->name ? root->name : ""));
    }
}

/* ---- the dependency graph ---------------------------------------------------------- */

static void add_edge(cdx *c, uint32_t from, uint32_t to, enum edge_kind kind, const cJSON *at)
{
    if (crisk__grow((void **)&c->edges, &c->edge_cap, c->n_edges + 1, sizeof *c->edges) != 0) {
        c->rd.status = CRISK_ENOMEM;
        return;
    }
    c->edges[c->n_edges++] = (cdx_edge){ from, to, (uint8_t)kind, at };
}

static void read_depends_on(cdx *c, uint32_t u, const cJSON *entry)
{
    char q1[CRISK__QUOTE_MAX], q2[CRISK__QUOTE_MAX];
    const cJSON *list = crisk__sbom_member(&c->rd, entry, "dependsOn", cJSON_Array);
    const cJSON *target;
    cJSON_ArrayForEach(target, list) {
        if (!crisk__sbom_is_string_entry(&c->rd, target, list, "dependsOn"))
            continue;
        uint32_t w = resolve(c, target->valuestring);
        if (w == NONE) {
            c->n.dangling++;
            crisk__sbom_warn(&c->rd, target, "'%s' depends on unknown ref '%s' (edge dropped)",
                             crisk__quote(q1, c->nodes[u].id),
                             crisk__quote(q2, target->valuestring));
        } else if (w == u) {
            c->n.self++;
            crisk__sbom_warn(&c->rd, target, "'%s' depends on itself (edge dropped)",
                             crisk__quote(q1, c->nodes[u].id));
        } else {
            add_edge(c, u, w, EDGE_DEPENDS_ON, target);
            c->in_degree[w]++;
        }
    }
}

static void read_entry(cdx *c, const cJSON *entry)
{
    char q[CRISK__QUOTE_MAX];
    const cJSON *ref = crisk__sbom_member(&c->rd, entry, "ref", cJSON_String);
    if (ref == NULL) {
        if (crisk__sbom_is_absent(entry, "ref"))
            crisk__sbom_warn(&c->rd, entry, "dependencies entry without a 'ref' (ignored)");
        return;
    }
    uint32_t u = resolve(c, ref->valuestring);
    if (u == NONE) {
        c->n.dangling++;
        crisk__sbom_warn(&c->rd, ref, "dependencies entry for unknown ref '%s' (ignored)",
                         crisk__quote(q, ref->valuestring));
        return;
    }
    if (c->has_entry[u])
        c->n.repeated_entries++;
    c->has_entry[u] = 1;
    if (u == 0)
        c->root_has_entry = 1;
    read_depends_on(c, u, entry);
    const cJSON *provides = crisk__sbom_member(&c->rd, entry, "provides", cJSON_Array);
    c->n.provides += (size_t)cJSON_GetArraySize(provides);
}

static void read_dependencies(cdx *c, const cJSON *bom)
{
    c->in_degree = calloc(c->n_nodes, sizeof *c->in_degree);
    c->has_entry = calloc(c->n_nodes, 1);
    if (c->in_degree == NULL || c->has_entry == NULL) {
        c->rd.status = CRISK_ENOMEM;
        return;
    }
    const cJSON *list = crisk__sbom_member(&c->rd, bom, "dependencies", cJSON_Array);
    const cJSON *entry;
    c->dependencies = list;
    c->has_graph = list != NULL && list->child != NULL;
    cJSON_ArrayForEach(entry, list)
        if (crisk__sbom_is_object_entry(&c->rd, entry, list, "dependencies"))
            read_entry(c, entry);
}

/* The edges the BOM leaves unsaid (mapping §2): without a dependency graph,
 * the root depends on every top-level entry and each assembly on what it
 * contains; with a graph but no entry for the root, the same for every node
 * nothing depends on. */
static void infer_edges(cdx *c)
{
    char q[CRISK__QUOTE_MAX];
    if (c->has_graph && c->root_has_entry)
        return;
    size_t implicit = 0, contains = 0;
    for (uint32_t v = 1; v < c->n_nodes; v++) {
        if (c->has_graph && c->in_degree[v] > 0)
            continue;
        const cdx_node *node = &c->nodes[v];
        if (node->top) {
            add_edge(c, 0, v, EDGE_IMPLICIT_ROOT, NULL);
            implicit++;
        } else {
            add_edge(c, node->container, v, EDGE_CONTAINS, NULL);
            contains++;
        }
    }
    if (!c->has_graph)
        crisk__sbom_warn(&c->rd, c->dependencies, "no dependency graph: assuming the root depends "
                         "on every top-level component and service (%zu implicit-root edge%s) and "
                         "each assembly on what it contains (%zu contains edge%s)", implicit,
                         crisk__sbom_plural(implicit), contains, crisk__sbom_plural(contains));
    else
        crisk__sbom_warn(&c->rd, c->nodes[0].at, "root '%s' has no dependencies entry: assuming "
                         "it depends on every top-level component and service nothing depends on "
                         "(%zu implicit-root edge%s)", crisk__quote(q, c->nodes[0].id), implicit,
                         crisk__sbom_plural(implicit));
}

/* ---- reachability -------------------------------------------------------------------- */

/* An edge the model keeps: not into an excluded node, nor into an optional
 * one under --drop-optional. */
static int is_kept(const cdx *c, const cdx_edge *e)
{
    uint8_t scope = c->nodes[e->to].scope;
    return scope == SCOPE_REQUIRED || (scope == SCOPE_OPTIONAL && !c->opts->cdx_drop_optional);
}

/* Compressed adjacency: the targets of node v are adj[start[v] .. start[v+1]),
 * over the edges not marked in `skip` (NULL = all) - or, with `by_container`,
 * the nested nodes of each container.  Returns 0 or -1 (out of memory). */
static int adjacency(const cdx *c, const uint8_t *skip, int by_container, uint32_t **start_out,
                     uint32_t **adj_out)
{
    size_t n = c->n_nodes, m = by_container ? n : c->n_edges;
    uint32_t *start = calloc(n + 2, sizeof *start), *adj = malloc((m + 1) * sizeof *adj);
    if (start == NULL || adj == NULL) {
        free(start);
        free(adj);
        return -1;
    }
    for (size_t i = 0; i < m; i++) {
        uint32_t from = by_container ? c->nodes[i].container : c->edges[i].from;
        if (from != NONE && (skip == NULL || !skip[i]))
            start[from + 2]++;
    }
    for (size_t v = 0; v < n; v++)
        start[v + 2] += start[v + 1];
    for (size_t i = 0; i < m; i++) {
        uint32_t from = by_container ? c->nodes[i].container : c->edges[i].from;
        if (from != NONE && (skip == NULL || !skip[i]))
            adj[start[from + 1]++] = by_container ? (uint32_t)i : c->edges[i].to;
    }
    *start_out = start;   /* start[v] .. start[v+1] after the shift above */
    *adj_out = adj;
    return 0;
}

typedef struct walk {
    const uint32_t *start, *adj;      /* edges */
    const uint32_t *cstart, *cadj;    /* nested nodes per container; NULL = ignore */
    uint32_t *queue, *cand;
    size_t head, tail, cand_head, cand_tail;
    uint8_t *seen;
} walk;

static void visit(walk *w, uint32_t v)
{
    if (!w->seen[v]) {
        w->seen[v] = 1;
        w->queue[w->tail++] = v;
    }
}

/* Breadth-first from the root.  With containment (cstart), a nested node
 * still unreached once the edges are exhausted gets an edge from its
 * reached container (mapping §2: "when the child would otherwise be
 * unreachable"), and the walk goes on from it. */
static void walk_from_root(cdx *c, walk *w)
{
    visit(w, 0);
    for (;;) {
        while (w->head < w->tail) {
            uint32_t u = w->queue[w->head++];
            for (uint32_t k = w->start[u]; k < w->start[u + 1]; k++)
                visit(w, w->adj[k]);
            for (uint32_t k = w->cstart ? w->cstart[u] : 0; w->cstart && k < w->cstart[u + 1]; k++)
                w->cand[w->cand_tail++] = w->cadj[k];
        }
        while (w->cand_head < w->cand_tail && w->seen[w->cand[w->cand_head]])
            w->cand_head++;
        if (w->cand_head == w->cand_tail)
            return;
        uint32_t v = w->cand[w->cand_head++];
        add_edge(c, c->nodes[v].container, v, EDGE_CONTAINS, NULL);
        visit(w, v);
    }
}

static int reach(cdx *c, const uint8_t *skip, int containment, uint8_t *seen)
{
    walk w;
    memset(&w, 0, sizeof w);
    uint32_t *start = NULL, *adj = NULL, *cstart = NULL, *cadj = NULL;
    int rc = -1;
    if (adjacency(c, skip, 0, &start, &adj) != 0
        || (containment && adjacency(c, NULL, 1, &cstart, &cadj) != 0))
        goto out;
    w.start = start;
    w.adj = adj;
    w.cstart = cstart;
    w.cadj = cadj;
    w.seen = seen;
    w.queue = malloc(c->n_nodes * sizeof *w.queue);
    w.cand = malloc(c->n_nodes * sizeof *w.cand);
    if (w.queue == NULL || w.cand == NULL)
        goto out;
    walk_from_root(c, &w);
    rc = 0;
out:
    free(start);
    free(adj);
    free(cstart);
    free(cadj);
    free(w.queue);
    free(w.cand);
    return rc;
}

/* Which nodes the root reaches: through every edge the BOM declares or the
 * mapping infers (else a warning), and through the kept ones only (the rest
 * is reachable only through excluded or dropped optional dependencies). */
static void check_reachability(cdx *c, uint8_t *dropped)
{
    char q1[CRISK__QUOTE_MAX], q2[CRISK__QUOTE_MAX];
    uint8_t *declared = calloc(c->n_nodes, 1), *kept = calloc(c->n_nodes, 1);
    if (declared == NULL || kept == NULL || reach(c, NULL, c->has_graph, declared) != 0) {
        c->rd.status = CRISK_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < c->n_edges; i++)
        dropped[i] = !is_kept(c, &c->edges[i]);
    if (reach(c, dropped, 0, kept) != 0) {
        c->rd.status = CRISK_ENOMEM;
        goto out;
    }
    for (size_t v = 1; v < c->n_nodes; v++) {
        const cdx_node *node = &c->nodes[v];
        if (!declared[v]) {
            c->n.unreachable++;
            crisk__sbom_warn(&c->rd, node->at, "%s '%s' is not reachable from the root '%s'",
                             kind_words[node->kind], crisk__quote(q1, node->id),
                             crisk__quote(q2, c->nodes[0].id));
        } else if (!kept[v]) {
            c->n.scope_unreachable++;
        }
    }
out:
    free(declared);
    free(kept);
}

/* ---- the edges handed over ----------------------------------------------------------- */

/* Mark in `skip` every edge not kept (counted by why) and every repeat of a
 * kept edge: a ref listed twice in dependsOn, or two entries for one ref
 * ("edges united"). */
static int select_edges(cdx *c, uint8_t *skip)
{
    crisk__edge_key *keys = malloc((c->n_edges + 1) * sizeof *keys);
    if (keys == NULL)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < c->n_edges; i++) {
        const cdx_edge *e = &c->edges[i];
        if (skip[i]) {
            if (c->nodes[e->to].scope == SCOPE_EXCLUDED)
                c->n.dropped_excluded++;
            else
                c->n.dropped_optional++;
            continue;
        }
        keys[m++] = (crisk__edge_key){ e->from, e->to, (uint32_t)i };
    }
    crisk__edge_keys_mark_repeats(keys, m, skip);
    free(keys);
    return 0;
}

/* Tarjan's strong components, iteratively (an SBOM's dependency chains can
 * be deeper than the C stack allows recursion). */
typedef struct tarjan {
    const uint32_t *start, *adj;
    uint32_t *order, *low;     /* discovery number (NONE = unvisited), low link */
    uint32_t *stack, *call;    /* component stack, DFS stack */
    uint32_t *next;            /* per node: next adjacency entry to follow */
    uint8_t *on_stack;
    uint32_t counter;
    size_t sp, cp;
} tarjan;

static void discover(tarjan *t, uint32_t v)
{
    t->order[v] = t->low[v] = t->counter++;
    t->stack[t->sp++] = v;
    t->on_stack[v] = 1;
    t->next[v] = t->start[v];
    t->call[t->cp++] = v;
}

/* u's DFS is over: pop its component if it is the root of one. */
static void retreat(cdx *c, tarjan *t, uint32_t u)
{
    t->cp--;
    if (t->cp > 0 && t->low[u] < t->low[t->call[t->cp - 1]])
        t->low[t->call[t->cp - 1]] = t->low[u];
    if (t->low[u] != t->order[u])
        return;
    size_t size = 0;
    uint32_t w;
    do {
        w = t->stack[--t->sp];
        t->on_stack[w] = 0;
        size++;
    } while (w != u);
    if (size > 1) {
        c->n.cycles++;
        c->n.cycle_nodes += size;
    }
}

static void strong_components_from(cdx *c, tarjan *t, uint32_t s)
{
    discover(t, s);
    while (t->cp > 0) {
        uint32_t u = t->call[t->cp - 1];
        if (t->next[u] == t->start[u + 1]) {
            retreat(c, t, u);
            continue;
        }
        uint32_t w = t->adj[t->next[u]++];
        if (t->order[w] == NONE)
            discover(t, w);
        else if (t->on_stack[w] && t->order[w] < t->low[u])
            t->low[u] = t->order[w];
    }
}

/* Count the cycles (components of two or more nodes) over the edges kept. */
static int count_cycles(cdx *c, const uint8_t *skip)
{
    size_t n = c->n_nodes;
    uint32_t *start = NULL, *adj = NULL;
    tarjan t;
    memset(&t, 0, sizeof t);
    t.order = malloc(n * sizeof *t.order);
    t.low = malloc(n * sizeof *t.low);
    t.stack = malloc(n * sizeof *t.stack);
    t.call = malloc(n * sizeof *t.call);
    t.next = malloc(n * sizeof *t.next);
    t.on_stack = calloc(n, 1);
    int rc = -1;
    if (t.order == NULL || t.low == NULL || t.stack == NULL || t.call == NULL
        || t.next == NULL || t.on_stack == NULL || adjacency(c, skip, 0, &start, &adj) != 0)
        goto out;
    t.start = start;
    t.adj = adj;
    memset(t.order, 0xff, n * sizeof *t.order);
    for (uint32_t v = 0; v < n; v++)
        if (t.order[v] == NONE)
            strong_components_from(c, &t, v);
    rc = 0;
out:
    free(start);
    free(adj);
    free(t.order);
    free(t.low);
    free(t.stack);
    free(t.call);
    free(t.next);
    free(t.on_stack);
    return rc;
}

static const char *edge_label(const cdx *c, const cdx_edge *e)
{
    if (c->nodes[e->to].scope == SCOPE_OPTIONAL)
        return "optional";
    return edge_labels[e->kind];
}

static void count_kept(cdx *c, const uint8_t *skip)
{
    for (size_t i = 0; i < c->n_edges; i++) {
        if (skip[i])
            continue;
        const cdx_edge *e = &c->edges[i];
        if (c->nodes[e->to].scope == SCOPE_OPTIONAL)
            c->n.optional++;
        else if (e->kind == EDGE_DEPENDS_ON)
            c->n.depends_on++;
        else if (e->kind == EDGE_IMPLICIT_ROOT)
            c->n.implicit_root++;
        else
            c->n.contains++;
    }
}

/* ---- handing over -------------------------------------------------------------------- */

static int add_nodes(cdx *c, crisk_builder *b, size_t source, crisk_error *err)
{
    static const crisk_node_type types[] = { CRISK_NODE_FUNCTION, CRISK_NODE_COMPONENT,
                                             CRISK_NODE_SERVICE };
    for (size_t v = 0; v < c->n_nodes; v++) {
        const cdx_node *node = &c->nodes[v];
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rec.id = node->id;
        rec.name = node->name;
        rec.type = types[node->kind];
        rec.category = (crisk_category)node->category;
        rec.criticality = node->kind == KIND_ROOT ? c->opts->cdx_criticality : 1.0;
        rec.parent = node->parent;
        rec.line = crisk__json_line(node->at);
        rec.id_column = builder_column(node->at);
        int rc = crisk_builder_add_node(b, source, &rec, c->rd.diags, err);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

static int add_edges(cdx *c, crisk_builder *b, size_t source, const uint8_t *skip,
                     crisk_error *err)
{
    for (size_t i = 0; i < c->n_edges; i++) {
        if (skip[i])
            continue;
        const cdx_edge *e = &c->edges[i];
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rec.from = c->nodes[e->from].id;
        rec.to = c->nodes[e->to].id;
        rec.kind = edge_label(c, e);
        rec.line = e->at != NULL ? crisk__json_line(e->at) : crisk__json_line(c->nodes[e->to].at);
        rec.to_column = e->at != NULL ? builder_column(e->at) : 0;
        int rc = crisk_builder_add_edge(b, source, &rec, c->rd.diags, err);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

/* The provenance note: what was read, inferred and dropped. */
static int add_note(cdx *c, crisk_builder *b, crisk_error *err)
{
    const cdx_counts *k = &c->n;
    return crisk__sbom_add_note(
        b, err,
        "cyclonedx %s: spec %s, root '%s', %zu components, %zu services; "
        "edges kept: %zu dependsOn, %zu optional, %zu implicit-root, %zu contains; "
        "edges dropped: %zu excluded, %zu optional, %zu dangling, %zu self; "
        "%zu duplicate bom-refs, %zu fallback ids, %zu repeated dependencies entries, "
        "%zu provides; %zu unreachable, %zu reachable only through dropped edges; "
        "%zu cycles (%zu nodes) kept",
        c->rd.path, c->spec != NULL ? c->spec : "?", c->nodes[0].id, k->components,
        k->services, k->depends_on, k->optional, k->implicit_root, k->contains,
        k->dropped_excluded, k->dropped_optional, k->dangling, k->self, k->duplicate_refs,
        k->fallback_ids, k->repeated_entries, k->provides, k->unreachable, k->scope_unreachable,
        k->cycles, k->cycle_nodes);
}

/* ---- the whole file ------------------------------------------------------------------ */

/* bomFormat "CycloneDX" (else not an SBOM: error); specVersion 1.2-1.6
 * (else read anyway, with a warning).  Returns 0 or -1. */
static int check_document(cdx *c, const cJSON *bom)
{
    static const char *const versions[] = { "1.2", "1.3", "1.4", "1.5", "1.6" };
    char q[CRISK__QUOTE_MAX];
    if (!cJSON_IsObject(bom)) {
        crisk__sbom_fail(&c->rd, crisk__sbom_where(bom, NULL), "not a CycloneDX SBOM (the "
                         "document is %s, not an object)", crisk__json_type_name(bom->type));
        return -1;
    }
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(bom, "bomFormat");
    if (format == NULL) {
        crisk__sbom_fail(&c->rd, bom, "not a CycloneDX SBOM ('bomFormat' is missing)");
        return -1;
    }
    if (!cJSON_IsString(format) || strcmp(format->valuestring, "CycloneDX") != 0) {
        if (cJSON_IsString(format))
            crisk__sbom_fail(&c->rd, format, "not a CycloneDX SBOM ('bomFormat' is '%s', expected "
                             "'CycloneDX')", crisk__quote(q, format->valuestring));
        else
            crisk__sbom_fail(&c->rd, crisk__sbom_where(format, bom), "not a CycloneDX SBOM "
                             "('bomFormat' is %s, expected 'CycloneDX')",
                             crisk__json_type_name(format->type));
        return -1;
    }
    const cJSON *spec = crisk__sbom_member(&c->rd, bom, "specVersion", cJSON_String);
    c->spec = spec != NULL ? spec->valuestring : NULL;
    for (size_t i = 0; spec != NULL && i < sizeof versions / sizeof *versions; i++)
        if (strcmp(spec->valuestring, versions[i]) == 0)
            return 0;
    if (spec != NULL)
        crisk__sbom_warn(&c->rd, spec, "unsupported specVersion '%s' (read as 1.6)",
                         crisk__quote(q, spec->valuestring));
    else if (crisk__sbom_is_absent(bom, "specVersion"))
        crisk__sbom_warn(&c->rd, bom, "no specVersion (read as 1.6)");
    return 0;
}

/* From the tree to nodes and edges; `*skip` gets the per-edge mask of what
 * is not handed over.  Stops early once out of memory. */
static void map_bom(cdx *c, const cJSON *bom, uint8_t **skip)
{
    collect_root(c, bom);
    collect_list(c, bom, "components", KIND_COMPONENT, NONE, 1);
    collect_list(c, bom, "services", KIND_SERVICE, NONE, 1);
    if (c->rd.status == CRISK_OK)
        assign_fallback_ids(c);
    if (c->rd.status == CRISK_OK)
        read_dependencies(c, bom);
    if (c->rd.status == CRISK_OK)
        infer_edges(c);
    /* the reachability walk adds containment edges: room for one per node */
    *skip = c->rd.status == CRISK_OK ? calloc(c->n_edges + c->n_nodes + 1, 1) : NULL;
    if (c->rd.status == CRISK_OK && *skip == NULL)
        c->rd.status = CRISK_ENOMEM;
    if (c->rd.status == CRISK_OK)
        check_reachability(c, *skip);
    if (c->rd.status == CRISK_OK && (select_edges(c, *skip) != 0 || count_cycles(c, *skip) != 0))
        c->rd.status = CRISK_ENOMEM;
    if (c->rd.status == CRISK_OK)
        count_kept(c, *skip);
}

static int register_source(cdx *c, crisk_builder *b, const unsigned char *data, size_t len,
                           size_t *source, crisk_error *err)
{
    char sha[65];
    if (crisk__sha256_hex(sha, data != NULL ? data : (const unsigned char *)"", len) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, c->rd.path, 0, 0, "out of memory");
    return crisk_builder_add_source(b, source, c->rd.path, "cyclonedx", sha, len, err);
}

/* Load the bytes data[0..len) (data[len] must be a NUL) read from `path`. */
static int load_bytes(cdx *c, crisk_builder *b, const unsigned char *data, size_t len,
                      crisk_error *err)
{
    size_t source = 0;
    uint8_t *skip = NULL;
    crisk__json_tree tree = { NULL, NULL };
    int rc = register_source(c, b, data, len, &source, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_error json = CRISK_ERROR_INIT;
    if (crisk__json_parse_tree(&tree, data, len, "a CycloneDX JSON SBOM",
                               crisk__json_keep_position, NULL, &json) != CRISK_OK)
        crisk__sbom_fail_parse(&c->rd, &json);
    else if (check_document(c, tree.root) == 0)
        map_bom(c, tree.root, &skip);
    crisk_builder_set_source_rows(b, source, c->n.components + c->n.services);
    if (c->rd.status != CRISK_OK)
        rc = crisk_error_set(err, c->rd.status, c->rd.path, 0, 0, "out of memory");
    else if (skip != NULL && c->rd.errors == 0)
        rc = add_nodes(c, b, source, err);
    if (rc == CRISK_OK && skip != NULL && c->rd.errors == 0)
        rc = add_edges(c, b, source, skip, err);
    if (rc == CRISK_OK && skip != NULL && c->rd.errors == 0)
        rc = add_note(c, b, err);
    free(skip);
    crisk__json_tree_release(&tree);
    return rc;
}

static int start(cdx *c, const char *path, const crisk_load_options *opts,
                 crisk_diagnostics *diags, crisk_error *err)
{
    memset(c, 0, sizeof *c);
    /* strings: a page first (a small BOM), doubling to 1 MiB; the tree
     * stays whole until the builder has the model, so values are borrowed */
    crisk__sbom_reader_init(&c->rd, path, diags, 4096, 1u << 20, 1);
    c->opts = opts;
    if (!(opts->cdx_criticality >= 0) || !isfinite(opts->cdx_criticality))
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--criticality must be a number >= 0");
    if (opts->cdx_criticality > CRISK_MAX_CRITICALITY)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--criticality must be at most 1000000");
    return CRISK_OK;
}

static void finish(cdx *c)
{
    free(c->nodes);
    free(c->edges);
    free(c->index);
    free(c->in_degree);
    free(c->has_entry);
    crisk__sbom_reader_release(&c->rd);
}

static const crisk_load_options *options_or_default(const crisk_load_options *opts)
{
    static const crisk_load_options defaults = CRISK_LOAD_OPTIONS_INIT;
    return opts != NULL ? opts : &defaults;
}

int crisk__cyclonedx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                          crisk_diagnostics *diags, crisk_error *err)
{
    cdx c;
    int rc = start(&c, path, options_or_default(opts), diags, err);
    c.progress = crisk_builder_progress(b, &c.progress_ctx);
    unsigned char *data = NULL;
    size_t len = 0;
    if (rc == CRISK_OK)
        rc = read_file(&c, &data, &len, err);
    if (rc == CRISK_OK && data != NULL)
        rc = load_bytes(&c, b, data, len, err);
    else if (rc == CRISK_OK)
        rc = register_source(&c, b, NULL, 0, &(size_t){ 0 }, err);
    free(data);
    finish(&c);
    return rc;
}

int crisk__cyclonedx_load_buffer(crisk_builder *b, const char *path, const void *data,
                                 size_t len, const crisk_load_options *opts,
                                 crisk_diagnostics *diags, crisk_error *err)
{
    cdx c;
    int rc = start(&c, path, options_or_default(opts), diags, err);
    unsigned char *copy = rc == CRISK_OK ? malloc(len + 1) : NULL;
    if (rc == CRISK_OK && copy == NULL)
        rc = crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        memcpy(copy, data, len);
        copy[len] = '\0';
        rc = load_bytes(&c, b, copy, len, err);
    }
    free(copy);
    finish(&c);
    return rc;
}
