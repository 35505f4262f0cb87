/*
 * spdx.c - the SPDX SBOM importer: SPDX 2.2/2.3 JSON and SPDX 3.0 JSON-LD.
 *
 * Implements formats/spdx-mapping.md (restated for users, with each
 * decision taken where it is silent, in docs/spdx.md): the described
 * packages (rootElement in 3.0) are functions, the other packages
 * components, and the runtime relationships AND edges "A depends on B"
 * whichever way the relationship type points; files count but make no
 * node; every anomaly of its §3 is a warning at a position.
 *
 * Steps, one function each: read the file whole; check its bytes, parse it
 * (whole, or an entry at a time) and find every value's position
 * (json_text.c, shared with the CycloneDX reader and the mapping file);
 * tell 2.x from 3.0; collect the elements
 * (packages, files, and in 3.0 the agents a package's supplier names);
 * find the described packages; read the relationships into edges; infer
 * the root edges the document leaves unsaid; check what the functions
 * reach; hand the result to the builder.  Both versions meet in one model
 * of elements and edges, so everything after the reading is shared.  The
 * builder gets nothing from a file with an error.  What this reader does
 * as the CycloneDX one does - a message at a value's position, typed
 * access to the tree, the strings it makes - is sbom_read.c's.
 *
 * Two ways of reading, one result.  A 2.x document is read one entry of
 * its large arrays at a time when it can be ("the fast path", below: no
 * tree of the whole document is held); anything the fast path does not
 * take - a problem in the JSON, an error of the mapping, SPDX 3.0 - is
 * read as one cJSON tree of the whole document, the way every message
 * was written for.  The reading functions take cJSON items either way,
 * and what the reader keeps is by value (positions) or copied (strings),
 * never a pointer into a tree.  Positions are kept in the cJSON items as
 * the CycloneDX reader keeps them (a string's or an object's line in
 * `valuedouble`, its column in `valueint`; cyclonedx.c says why) while
 * an entry is read.
 *
 * Cost: O(bytes + V + E) time; in memory the file, a few arrays of V and
 * E entries and, on the fast path, the outline (24 bytes per entry) and
 * at most WINDOW batches of entries' trees - the whole document's tree
 * on the other path; the edges are sorted once to unite repeated pairs
 * (O(E log E)).  An SPDX document is more than twice the bytes of the
 * CycloneDX BOM of the same graph (a relationship object per edge, an
 * externalRefs object per purl), so what is paid per byte decides its
 * speed: the fast path's batches are parsed on two threads, the SHA-256
 * and the byte checks made on a third.  Rejected: mapping the file instead
 * of reading it (no copy, no fresh pages to clear), because a
 * file truncated while mapped kills the process with SIGBUS and one
 * rewritten while mapped would be hashed and parsed as two different
 * texts.
 */
#include "spdx.h"
#include "json_text.h"
#include "sbom_read.h"
#include "sbom_edges.h"
#include "util/infile.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "util/thread.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NONE UINT32_MAX
#define ROOT_ID "spdx-root"

enum elem_kind { ELEM_PACKAGE, ELEM_FILE, ELEM_OTHER };

/* What a relationship type does (mapping §1, §2). */
enum action {
    ACT_FORWARD,      /* A TYPE B: A depends on B */
    ACT_REVERSE,      /* B TYPE A: A depends on B */
    ACT_OPTIONAL,     /* reversed, kind optional/provided: --drop-optional drops it */
    ACT_NOT_RUNTIME,  /* build, development and test relationships: counted */
    ACT_DESCRIBES,    /* the document describes B */
    ACT_DESCRIBED_BY, /* A is described by the document */
    ACT_OTHER         /* counted */
};

/* A place in the document, kept by value: what the reader keeps must not
 * point into a tree, which the fast path empties after each element. */
typedef struct pos {
    size_t line, column;       /* 0, 0: none (the whole document) */
} pos;

typedef struct elem {
    const char *id;            /* the reader's copy, as every string kept */
    const char *name;          /* "name@version"; NULL = the id */
    const char *parent;        /* supplier / originator; NULL = none */
    const char *purl;          /* NULL = none */
    pos at;                    /* its id string, else its object */
    const cJSON *obj;          /* its object: 3.0 only (agents: for the name) */
    uint8_t kind;              /* enum elem_kind */
    uint8_t category;          /* crisk_category */
    uint8_t function;          /* described: a function */
    uint8_t out;               /* has an edge out */
    uint8_t synthetic;         /* the synthetic root */
} elem;

typedef struct edge {
    uint32_t from, to;
    const char *kind;          /* the relationship type, as the mapping words it */
    pos at;                    /* where the target is named; line 0 for inferred edges */
    uint8_t optional;
} edge;

typedef struct counts {
    size_t packages, files, snippets, relationships;
    size_t kept, implicit_root;
    size_t to_files, not_runtime, other_types, none_targets, complete_empty;
    size_t optional_dropped, external, unknown, self, repeated, duplicate_ids;
    size_t unreachable;
} counts;

typedef struct spdx {
    crisk__sbom_reader rd;     /* path, diagnostics, errors, status, strings made here */
    const crisk_load_options *opts;
    int v3;                    /* SPDX 3.0 JSON-LD */
    const char *version;       /* spdxVersion / specVersion as written */
    const char *doc_id;        /* the document's own id */
    const char *doc_name;
    elem *elems;
    size_t n_elems, elem_cap;
    edge *edges;
    size_t n_edges, edge_cap;
    struct slot *index;        /* ids, open addressing; elem NONE = empty */
    size_t index_mask;
    const char *last_ref[2];   /* per end of a relationship, the id resolve() found */
    uint32_t last_elem[2];     /*   last, its element and its kind: relationships */
    uint8_t last_kind[2];      /*   come grouped */
    pos first_unknown, first_external;   /* positions of the summary warnings */
    const char *unknown_id;    /* the reader's copy */
    counts n;
} spdx;

/* ---- positions ---------------------------------------------------------------- */

static pos pos_of(const cJSON *at)
{
    return (pos){ crisk__json_line(at), crisk__json_column(at) };
}

/* A warning at a place kept by value (sbom_read.h's take a tree's item). */
static void warn_at(spdx *s, pos at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void warn_at(spdx *s, pos at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    crisk__sbom_vreport(&s->rd, CRISK_SEV_WARNING, at.line, at.column, fmt, ap);
    va_end(ap);
}

/* ---- the id index -------------------------------------------------------------
 *
 * Open addressing over the elements' ids.  A slot holds what a lookup
 * needs: the id (copied into the reader's arena, so that the ids lie
 * together rather than scattered over the whole tree), part of its hash,
 * so that a probe rarely compares another id, and the element's kind, so
 * that a relationship is judged without touching the element.  A lookup
 * is then one cache miss, not three: a large document resolves two ids per
 * relationship. */

struct slot {
    const char *id;            /* the element's id (the reader's copy) */
    uint32_t elem;             /* NONE = empty */
    uint32_t tag;              /* the hash's upper 24 bits, then the element's kind */
};

#define TAG(hash) ((uint32_t)((hash) >> 40) << 8)

/* The element whose id is `id`, or NONE; *kind gets its kind (may be NULL). */
static uint32_t find_kind(const spdx *s, const char *id, uint8_t *kind)
{
    if (s->index == NULL)
        return NONE;
    uint64_t hash = crisk__hash(id, strlen(id));
    uint32_t tag = TAG(hash);
    for (size_t h = hash & s->index_mask; s->index[h].elem != NONE; h = (h + 1) & s->index_mask) {
        const struct slot *slot = &s->index[h];
        if ((slot->tag & ~0xFFu) == tag && strcmp(slot->id, id) == 0) {
            if (kind != NULL)
                *kind = (uint8_t)(slot->tag & 0xFF);
            return slot->elem;
        }
    }
    return NONE;
}

static uint32_t find(const spdx *s, const char *id)
{
    return find_kind(s, id, NULL);
}

static void put(struct slot *index, size_t mask, const elem *e, uint32_t v)
{
    uint64_t hash = crisk__hash(e->id, strlen(e->id));
    size_t h = hash & mask;
    while (index[h].elem != NONE)
        h = (h + 1) & mask;
    index[h] = (struct slot){ e->id, v, TAG(hash) | e->kind };
}

/* Room in the index for `n` ids (load factor at most 1/2).  Returns 0, or
 * -1 out of memory (recorded). */
static int index_reserve(spdx *s, size_t n)
{
    size_t cap = s->index != NULL ? s->index_mask + 1 : 0;
    if (2 * n <= cap)
        return 0;
    size_t ncap = cap != 0 ? 2 * cap : 1024;
    while (2 * n > ncap)
        ncap *= 2;
    struct slot *index = malloc(ncap * sizeof *index);
    if (index == NULL) {
        s->rd.status = CRISK_ENOMEM;
        return -1;
    }
    for (size_t h = 0; h < ncap; h++)
        index[h].elem = NONE;
    for (size_t h = 0; h < cap; h++)
        if (s->index[h].elem != NONE)
            put(index, ncap - 1, &s->elems[s->index[h].elem], s->index[h].elem);
    free(s->index);
    s->index = index;
    s->index_mask = ncap - 1;
    return 0;
}

/* Index element v by its id. */
static void index_add(spdx *s, uint32_t v)
{
    if (index_reserve(s, s->n_elems) == 0)
        put(s->index, s->index_mask, &s->elems[v], v);
}

/* Room for `more` elements besides those read, in the array and the index
 * at once: a large document's then grow once, not by doubling, which
 * copied the array and hashed every id again at each step. */
static void reserve_elems(spdx *s, size_t more)
{
    size_t n = s->n_elems + more;
    if (crisk__grow((void **)&s->elems, &s->elem_cap, n, sizeof *s->elems) != 0)
        s->rd.status = CRISK_ENOMEM;
    else
        index_reserve(s, n);
}

/* Entries of `list` if it is an array (0 otherwise: its type is reported
 * where it is read). */
static size_t length_of(const cJSON *list)
{
    return cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
}

/* ---- elements ----------------------------------------------------------------- */

/* A new element `id` (at `at`) of `kind`, or the one that already has the
 * id: a repeated id is a warning naming both places, and the first
 * definition wins (mapping §3).  NONE when the id repeats or memory ran out. */
static uint32_t add_elem(spdx *s, const char *id, const cJSON *at, const cJSON *obj,
                         enum elem_kind kind)
{
    char q[CRISK__QUOTE_MAX];
    uint32_t v = find(s, id);
    if (v != NONE) {
        s->n.duplicate_ids++;
        crisk__sbom_warn(&s->rd, at, "duplicate id '%s' (first defined on line %zu, column %zu): "
                         "the first definition is used", crisk__quote(q, id), s->elems[v].at.line,
                         s->elems[v].at.column);
        return NONE;
    }
    if (crisk__grow((void **)&s->elems, &s->elem_cap, s->n_elems + 1, sizeof *s->elems) != 0) {
        s->rd.status = CRISK_ENOMEM;
        return NONE;
    }
    const char *copy = crisk__sbom_copy(&s->rd, id, strlen(id));
    if (copy == NULL)
        return NONE;
    v = (uint32_t)s->n_elems++;
    s->elems[v] = (elem){ .id = copy, .at = pos_of(at), .obj = obj, .kind = (uint8_t)kind,
                          .category = CRISK_CAT_SOFTWARE };
    index_add(s, v);
    return s->rd.status == CRISK_OK ? v : NONE;
}

/* "name@version", or the name alone, or NULL: each trimmed, a copy. */
static const char *compose_name(spdx *s, const cJSON *at, const char *name, const char *version)
{
    size_t ns = 0, vs = 0;
    size_t n = name != NULL ? crisk__json_trim_span(name, &ns) : 0;
    size_t v = version != NULL ? crisk__json_trim_span(version, &vs) : 0;
    if (n == 0 || v == 0)
        return n > 0 ? crisk__sbom_copy(&s->rd, name + ns, n) : NULL;
    char *out = crisk__sbom_reserve(&s->rd, n + v + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, name + ns, n);
    out[n] = '@';
    memcpy(out + n + 1, version + vs, v);
    crisk__sbom_check_length(&s->rd, at, "name", out);
    return out;
}

/* The organisation or person of an SPDX 2 supplier/originator:
 * "Organization: X (mail)" and "Organization: X <mail>" give X, case kept;
 * NOASSERTION gives none; text without a known prefix is taken whole. */
static const char *entity_name(spdx *s, const char *value)
{
    static const char *const prefixes[] = { "Organization:", "Person:", "Tool:" };
    if (value == NULL || strcmp(value, "NOASSERTION") == 0)
        return NULL;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t l = strlen(prefixes[i]);
        if (strncmp(value, prefixes[i], l) == 0) {
            value += l;
            break;
        }
    }
    size_t len = strcspn(value, "(<");
    while (len > 0 && crisk__json_is_space((unsigned char)value[len - 1]))
        len--;
    while (len > 0 && crisk__json_is_space((unsigned char)*value)) {
        value++;
        len--;
    }
    return len > 0 ? crisk__sbom_copy(&s->rd, value, len) : NULL;
}

/* primaryPackagePurpose (2.x, upper case with '-') or software_primaryPurpose
 * (3.0, camel case): devices and firmware are hardware, the rest software. */
static crisk_category purpose_category(const char *purpose)
{
    static const char *const hardware[] = { "DEVICE", "FIRMWARE", "device", "firmware" };
    for (size_t i = 0; purpose != NULL && i < sizeof hardware / sizeof *hardware; i++)
        if (strcmp(purpose, hardware[i]) == 0)
            return CRISK_CAT_HARDWARE;
    return CRISK_CAT_SOFTWARE;
}

/* ---- SPDX 2.x: packages and files ---------------------------------------------- */

/* The purl among a package's externalRefs[] (referenceType "purl"). */
static const char *purl_of(spdx *s, const cJSON *refs)
{
    static const char *const keys[] = { "referenceType", "referenceLocator" };
    const cJSON *ref;
    cJSON_ArrayForEach(ref, refs) {
        if (!crisk__sbom_is_object_entry(&s->rd, ref, refs, "externalRefs"))
            continue;
        const cJSON *v[2];
        crisk__sbom_pick(ref, keys, 2, v);
        const char *type = crisk__sbom_typed_text(&s->rd, v[0], ref);
        if (type != NULL && strcmp(type, "purl") == 0)
            return crisk__sbom_trimmed(&s->rd, crisk__sbom_typed_text(&s->rd, v[1], ref));
    }
    return NULL;
}

/* The id of a file or snippet: its SPDXID, checked. */
static const cJSON *spdxid_of(spdx *s, const cJSON *obj, const cJSON *given, const char *what)
{
    const cJSON *id = crisk__sbom_typed(&s->rd, given, obj, cJSON_String);
    if (id == NULL || id->valuestring[0] == '\0') {
        if (given == NULL || cJSON_IsNull(given) || cJSON_IsString(given))
            crisk__sbom_warn(&s->rd, obj, "%s without an SPDXID (ignored: nothing can name it)",
                             what);
        return NULL;
    }
    crisk__sbom_check_length(&s->rd, id, "SPDXID", id->valuestring);
    return id;
}

enum { P_ID, P_NAME, P_VERSION, P_SUPPLIER, P_ORIGINATOR, P_REFS, P_PURPOSE, P_KEYS };

static void read_package_v2(spdx *s, const cJSON *pkg)
{
    static const char *const keys[P_KEYS] = { "SPDXID", "name", "versionInfo", "supplier",
                                              "originator", "externalRefs",
                                              "primaryPackagePurpose" };
    const cJSON *v[P_KEYS];
    s->n.packages++;
    crisk__sbom_pick(pkg, keys, P_KEYS, v);
    const cJSON *id = spdxid_of(s, pkg, v[P_ID], "package");
    uint32_t e = id != NULL ? add_elem(s, id->valuestring, id, NULL, ELEM_PACKAGE) : NONE;
    if (e == NONE)
        return;
    const char *name = compose_name(s, pkg, crisk__sbom_typed_text(&s->rd, v[P_NAME], pkg),
                                    crisk__sbom_typed_text(&s->rd, v[P_VERSION], pkg));
    const char *parent = entity_name(s, crisk__sbom_typed_text(&s->rd, v[P_SUPPLIER], pkg));
    if (parent == NULL)
        parent = entity_name(s, crisk__sbom_typed_text(&s->rd, v[P_ORIGINATOR], pkg));
    const char *purl = purl_of(s, crisk__sbom_typed(&s->rd, v[P_REFS], pkg, cJSON_Array));
    crisk_category category = purpose_category(crisk__sbom_typed_text(&s->rd, v[P_PURPOSE], pkg));
    crisk__sbom_check_length(&s->rd, pkg, "supplier name", parent);
    crisk__sbom_check_length(&s->rd, pkg, "purl", purl);
    elem *el = &s->elems[e];
    el->name = name;
    el->parent = parent;
    el->purl = purl;
    el->category = (uint8_t)category;
}

/* A file or snippet (an object, entry of `key`). */
static void read_file_v2(spdx *s, const cJSON *entry, const char *key, size_t *count)
{
    (*count)++;
    const cJSON *id = spdxid_of(s, entry, cJSON_GetObjectItemCaseSensitive(entry, "SPDXID"),
                                key[0] == 'f' ? "file" : "snippet");
    if (id != NULL)
        add_elem(s, id->valuestring, id, NULL, ELEM_FILE);
}

static void read_files_v2(spdx *s, const cJSON *doc, const char *key, size_t *count)
{
    const cJSON *list = crisk__sbom_member(&s->rd, doc, key, cJSON_Array);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list)
        if (crisk__sbom_is_object_entry(&s->rd, entry, list, key))
            read_file_v2(s, entry, key, count);
}

static void collect_v2(spdx *s, const cJSON *doc)
{
    reserve_elems(s, length_of(cJSON_GetObjectItemCaseSensitive(doc, "packages"))
                     + length_of(cJSON_GetObjectItemCaseSensitive(doc, "files"))
                     + length_of(cJSON_GetObjectItemCaseSensitive(doc, "snippets")));
    const cJSON *list = crisk__sbom_member(&s->rd, doc, "packages", cJSON_Array);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list)
        if (crisk__sbom_is_object_entry(&s->rd, entry, list, "packages")
            && s->rd.status == CRISK_OK)
            read_package_v2(s, entry);
    read_files_v2(s, doc, "files", &s->n.files);
    read_files_v2(s, doc, "snippets", &s->n.snippets);
}

/* ---- SPDX 3.0: the graph's elements ------------------------------------------- */

/* The name of the agent (Person, Organization, ...) `ref` names. */
static const char *agent_name(spdx *s, const cJSON *ref)
{
    if (!cJSON_IsString(ref))
        return NULL;
    uint32_t a = find(s, ref->valuestring);
    if (a == NONE || s->elems[a].obj == NULL)
        return NULL;
    return crisk__sbom_trimmed_text(&s->rd, s->elems[a].obj, "name");
}

/* suppliedBy, else the first of originatedBy. */
static const char *supplier_v3(spdx *s, const cJSON *pkg)
{
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(pkg, "suppliedBy");
    const char *name = agent_name(s, by);
    if (name != NULL)
        return name;
    const cJSON *origin = crisk__sbom_member(&s->rd, pkg, "originatedBy", cJSON_Array);
    return origin != NULL ? agent_name(s, origin->child) : NULL;
}

/* software_packageUrl, else an externalIdentifier of type packageUrl. */
static const char *purl_v3(spdx *s, const cJSON *pkg)
{
    const char *purl = crisk__sbom_trimmed_text(&s->rd, pkg, "software_packageUrl");
    const cJSON *ids = crisk__sbom_member(&s->rd, pkg, "externalIdentifier", cJSON_Array);
    const cJSON *ref;
    cJSON_ArrayForEach(ref, ids) {
        if (purl != NULL || !cJSON_IsObject(ref))
            break;
        const char *type = crisk__sbom_text(&s->rd, ref, "externalIdentifierType");
        if (type != NULL && strcmp(type, "packageUrl") == 0)
            purl = crisk__sbom_trimmed_text(&s->rd, ref, "identifier");
    }
    return purl;
}

static void describe_package_v3(spdx *s, uint32_t v)
{
    const cJSON *pkg = s->elems[v].obj;
    const char *name = compose_name(s, pkg, crisk__sbom_text(&s->rd, pkg, "name"),
                                    crisk__sbom_text(&s->rd, pkg, "software_packageVersion"));
    const char *parent = supplier_v3(s, pkg);
    const char *purl = purl_v3(s, pkg);
    crisk__sbom_check_length(&s->rd, pkg, "supplier name", parent);
    crisk__sbom_check_length(&s->rd, pkg, "purl", purl);
    elem *e = &s->elems[v];
    e->name = name;
    e->parent = parent;
    e->purl = purl;
    const char *purpose = crisk__sbom_text(&s->rd, pkg, "software_primaryPurpose");
    e->category = (uint8_t)purpose_category(purpose);
}

static enum elem_kind kind_v3(const char *type)
{
    if (type == NULL)
        return ELEM_OTHER;
    if (strcmp(type, "software_Package") == 0)
        return ELEM_PACKAGE;
    if (strcmp(type, "software_File") == 0 || strcmp(type, "software_Snippet") == 0)
        return ELEM_FILE;
    return ELEM_OTHER;
}

/* Every element with an spdxId (relationships included: they are elements
 * too, and an id must be unique among all of them); then the packages'
 * details, once every agent is known. */
static void collect_v3(spdx *s, const cJSON *graph)
{
    const cJSON *obj;
    reserve_elems(s, length_of(graph));
    cJSON_ArrayForEach(obj, graph) {
        if (!crisk__sbom_is_object_entry(&s->rd, obj, graph, "@graph") || s->rd.status != CRISK_OK)
            continue;
        const char *type = crisk__sbom_text(&s->rd, obj, "type");
        enum elem_kind kind = kind_v3(type);
        s->n.packages += kind == ELEM_PACKAGE;
        s->n.files += type != NULL && strcmp(type, "software_File") == 0;
        s->n.snippets += type != NULL && strcmp(type, "software_Snippet") == 0;
        const cJSON *id = crisk__sbom_member(&s->rd, obj, "spdxId", cJSON_String);
        if (id == NULL || id->valuestring[0] == '\0') {
            if (kind == ELEM_PACKAGE)
                crisk__sbom_warn(&s->rd, obj, "package without an spdxId (ignored: nothing can "
                                 "name it)");
            continue;
        }
        crisk__sbom_check_length(&s->rd, id, "spdxId", id->valuestring);
        add_elem(s, id->valuestring, id, obj, kind);
    }
    for (size_t v = 0; v < s->n_elems && s->rd.status == CRISK_OK; v++)
        if (s->elems[v].kind == ELEM_PACKAGE)
            describe_package_v3(s, (uint32_t)v);
}

/* ---- relationships ------------------------------------------------------------- */

typedef struct rel_type {
    const char *name;
    enum action action;
    const char *kind;          /* the edge's kind; NULL: makes no edge */
} rel_type;

static const rel_type types_v2[] = {
    { "DEPENDS_ON", ACT_FORWARD, "depends_on" },
    { "CONTAINS", ACT_FORWARD, "contains" },
    { "HAS_PREREQUISITE", ACT_FORWARD, "has_prerequisite" },
    { "DYNAMIC_LINK", ACT_FORWARD, "dynamic_link" },
    { "STATIC_LINK", ACT_FORWARD, "static_link" },
    { "DEPENDENCY_OF", ACT_REVERSE, "dependency_of" },
    { "RUNTIME_DEPENDENCY_OF", ACT_REVERSE, "runtime_dependency_of" },
    { "CONTAINED_BY", ACT_REVERSE, "contained_by" },
    { "PREREQUISITE_FOR", ACT_REVERSE, "prerequisite_for" },
    { "PACKAGE_OF", ACT_REVERSE, "package_of" },
    { "OPTIONAL_DEPENDENCY_OF", ACT_OPTIONAL, "optional" },
    { "PROVIDED_DEPENDENCY_OF", ACT_OPTIONAL, "provided" },
    { "BUILD_DEPENDENCY_OF", ACT_NOT_RUNTIME, NULL },
    { "DEV_DEPENDENCY_OF", ACT_NOT_RUNTIME, NULL },
    { "TEST_DEPENDENCY_OF", ACT_NOT_RUNTIME, NULL },
    { "BUILD_TOOL_OF", ACT_NOT_RUNTIME, NULL },
    { "DEV_TOOL_OF", ACT_NOT_RUNTIME, NULL },
    { "TEST_OF", ACT_NOT_RUNTIME, NULL },
    { "TEST_TOOL_OF", ACT_NOT_RUNTIME, NULL },
    { "DESCRIBES", ACT_DESCRIBES, NULL },
    { "DESCRIBED_BY", ACT_DESCRIBED_BY, NULL },
};

/* 3.0 kinds are the type as written (mapping §2). */
static const rel_type types_v3[] = {
    { "dependsOn", ACT_FORWARD, "dependsOn" },
    { "contains", ACT_FORWARD, "contains" },
    { "hasPrerequisite", ACT_FORWARD, "hasPrerequisite" },
    { "hasDynamicLink", ACT_FORWARD, "hasDynamicLink" },
    { "hasStaticLink", ACT_FORWARD, "hasStaticLink" },
    { "describes", ACT_DESCRIBES, NULL },
};

static const rel_type *lookup_type(const spdx *s, const char *name)
{
    const rel_type *table = s->v3 ? types_v3 : types_v2;
    size_t n = s->v3 ? sizeof types_v3 / sizeof *types_v3 : sizeof types_v2 / sizeof *types_v2;
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, table[i].name) == 0)
            return &table[i];
    return NULL;
}

/* A 2.x target that names nothing in this document: NONE, NOASSERTION
 * ("known to have none" / "unknown"), or an element of another document. */
static int is_elsewhere(spdx *s, const cJSON *target)
{
    const char *id = target->valuestring;
    if (id[0] != 'N' && id[0] != 'D')
        return 0;   /* the common case, without a strcmp */
    if (strcmp(id, "NONE") == 0 || strcmp(id, "NOASSERTION") == 0) {
        s->n.none_targets++;
        return 1;
    }
    if (strncmp(id, "DocumentRef-", 12) == 0 && strchr(id, ':') != NULL) {
        if (s->n.external++ == 0)
            s->first_external = pos_of(target);
        return 1;
    }
    return 0;
}

/* The element `ref` names, or NONE (counted, the first one's place kept).
 * `end` (0 or 1) is the end of the relationship it stands at: each end
 * remembers its last answer, since relationships come grouped by source
 * (and syft's by target). */
static uint32_t resolve(spdx *s, const cJSON *ref, int end, uint8_t *kind)
{
    if (s->last_ref[end] != NULL && strcmp(ref->valuestring, s->last_ref[end]) == 0) {
        *kind = s->last_kind[end];
        return s->last_elem[end];
    }
    uint32_t v = find_kind(s, ref->valuestring, kind);
    if (v != NONE) {
        s->last_ref[end] = s->elems[v].id;   /* the same string, and the reader's */
        s->last_elem[end] = v;
        s->last_kind[end] = *kind;
    }
    if (v == NONE && s->n.unknown++ == 0) {
        s->first_unknown = pos_of(ref);
        s->unknown_id = crisk__sbom_copy(&s->rd, ref->valuestring, strlen(ref->valuestring));
    }
    return v;
}

static void add_edge(spdx *s, uint32_t from, uint32_t to, const char *kind, pos at,
                     int optional)
{
    if (crisk__grow((void **)&s->edges, &s->edge_cap, s->n_edges + 1, sizeof *s->edges) != 0) {
        s->rd.status = CRISK_ENOMEM;
        return;
    }
    s->edges[s->n_edges++] = (edge){ from, to, kind, at, (uint8_t)optional };
}

/* "A depends on B" from the element named by `a_ref` on the one `b_ref`
 * names, if both are packages in this document and the edge is kept. */
static void depend(spdx *s, const cJSON *a_ref, const cJSON *b_ref, const cJSON *at,
                   const char *kind, int optional)
{
    if (!s->v3 && (is_elsewhere(s, a_ref) || is_elsewhere(s, b_ref)))
        return;
    uint8_t ka = ELEM_OTHER, kb = ELEM_OTHER;
    uint32_t a = resolve(s, a_ref, 0, &ka), b = a != NONE ? resolve(s, b_ref, 1, &kb) : NONE;
    if (a == NONE || b == NONE)
        return;
    if (ka != ELEM_PACKAGE || kb != ELEM_PACKAGE) {
        s->n.to_files += ka == ELEM_FILE || kb == ELEM_FILE;
        s->n.other_types += ka == ELEM_OTHER || kb == ELEM_OTHER;
        return;
    }
    if (a == b) {
        char q[CRISK__QUOTE_MAX];
        s->n.self++;
        crisk__sbom_warn(&s->rd, at, "'%s' depends on itself (relationship dropped)",
                         crisk__quote(q, s->elems[a].id));
        return;
    }
    if (optional && s->opts->cdx_drop_optional) {
        s->n.optional_dropped++;
        return;
    }
    add_edge(s, a, b, kind, pos_of(at), optional);
}

/* Mark the element `ref` names as described (a function if a package). */
static void describe(spdx *s, const cJSON *ref)
{
    if (!s->v3 && is_elsewhere(s, ref))
        return;
    uint8_t kind = ELEM_OTHER;
    uint32_t v = resolve(s, ref, 1, &kind);
    if (v != NONE && kind == ELEM_PACKAGE)
        s->elems[v].function = 1;
}

/* One relationship, whichever version: `a` and `b` the string items of its
 * two ends, `type` its type; `described` says whether DESCRIBES and
 * DESCRIBED_BY still decide the functions. */
static void relate(spdx *s, const cJSON *a, const cJSON *b, const cJSON *type, int described)
{
    const rel_type *t = lookup_type(s, type->valuestring);
    enum action act = t != NULL ? t->action : ACT_OTHER;
    const char *kind = t != NULL ? t->kind : NULL;
    switch (act) {
    case ACT_FORWARD: depend(s, a, b, b, kind, 0); break;
    case ACT_REVERSE: depend(s, b, a, a, kind, 0); break;
    case ACT_OPTIONAL: depend(s, b, a, a, kind, 1); break;
    case ACT_NOT_RUNTIME: s->n.not_runtime++; break;
    case ACT_DESCRIBES:
        if (!described && strcmp(a->valuestring, s->doc_id) == 0)
            describe(s, b);
        break;
    case ACT_DESCRIBED_BY:
        if (!described && strcmp(b->valuestring, s->doc_id) == 0)
            describe(s, a);
        break;
    case ACT_OTHER: s->n.other_types++; break;
    }
}

/* The three members of a 2.x relationship. */
static int relationship_members(spdx *s, const cJSON *rel, const cJSON *v[3])
{
    static const char *const keys[] = { "spdxElementId", "relatedSpdxElement",
                                        "relationshipType" };
    crisk__sbom_pick(rel, keys, 3, v);
    for (int k = 0; k < 3; k++) {
        if (v[k] != NULL && cJSON_IsString(v[k]))
            continue;
        if (v[k] == NULL || cJSON_IsNull(v[k]))
            crisk__sbom_warn(&s->rd, rel, "relationship without '%s' (ignored)", keys[k]);
        else
            crisk__sbom_typed(&s->rd, v[k], rel, cJSON_String);   /* the error */
        return 0;
    }
    return 1;
}

/* A 2.x relationship (an object). */
static void read_relationship_v2(spdx *s, const cJSON *rel, int described)
{
    const cJSON *v[3];
    s->n.relationships++;
    if (relationship_members(s, rel, v))
        relate(s, v[0], v[1], v[2], described);
}

/* Room for an edge per relationship at most. */
static void reserve_edges(spdx *s, size_t relationships)
{
    if (crisk__grow((void **)&s->edges, &s->edge_cap, relationships, sizeof *s->edges) != 0)
        s->rd.status = CRISK_ENOMEM;
}

static void read_relationships_v2(spdx *s, const cJSON *doc, int described)
{
    const cJSON *list = crisk__sbom_member(&s->rd, doc, "relationships", cJSON_Array);
    const cJSON *rel;
    reserve_edges(s, length_of(list));
    cJSON_ArrayForEach(rel, list)
        if (crisk__sbom_is_object_entry(&s->rd, rel, list, "relationships")
            && s->rd.status == CRISK_OK)
            read_relationship_v2(s, rel, described);
}

/* A 3.0 relationship: from -> each of to[]; build-time scopes dropped. */
static void read_relationship_v3(spdx *s, const cJSON *rel, int described)
{
    static const char *const dropped[] = { "build", "development", "test", "design" };
    const cJSON *from = crisk__sbom_member(&s->rd, rel, "from", cJSON_String);
    const cJSON *type = crisk__sbom_member(&s->rd, rel, "relationshipType", cJSON_String);
    const cJSON *to = crisk__sbom_member(&s->rd, rel, "to", cJSON_Array);
    const char *scope = crisk__sbom_text(&s->rd, rel, "scope");
    if (from == NULL || type == NULL) {
        if (s->rd.errors == 0)
            crisk__sbom_warn(&s->rd, rel, "relationship without '%s' (ignored)",
                             from == NULL ? "from" : "relationshipType");
        return;
    }
    for (size_t i = 0; scope != NULL && i < sizeof dropped / sizeof *dropped; i++)
        if (strcmp(scope, dropped[i]) == 0) {
            s->n.not_runtime++;
            return;
        }
    const char *completeness = crisk__sbom_text(&s->rd, rel, "completeness");
    if (to == NULL || to->child == NULL) {
        s->n.complete_empty += completeness != NULL && strcmp(completeness, "complete") == 0;
        return;
    }
    const cJSON *target;
    cJSON_ArrayForEach(target, to)
        if (crisk__sbom_is_string_entry(&s->rd, target, to, "to"))
            relate(s, from, target, type, described);
}

static int is_relationship_v3(spdx *s, const cJSON *obj)
{
    const char *type = cJSON_IsObject(obj) ? crisk__sbom_text(&s->rd, obj, "type") : NULL;
    return type != NULL && (strcmp(type, "Relationship") == 0
                            || strcmp(type, "LifecycleScopedRelationship") == 0);
}

static void read_relationships_v3(spdx *s, const cJSON *graph, int described)
{
    const cJSON *obj;
    cJSON_ArrayForEach(obj, graph)
        if (is_relationship_v3(s, obj) && s->rd.status == CRISK_OK) {
            s->n.relationships++;
            read_relationship_v3(s, obj, described);
        }
}

/* ---- the functions ----------------------------------------------------------- */

/* documentDescribes[] (2.x) or rootElement[] (3.0, of the SpdxDocument or an
 * Sbom): whether the document says what it describes this way. */
static int read_described(spdx *s, const cJSON *holder, const char *key)
{
    const cJSON *list = crisk__sbom_member(&s->rd, holder, key, cJSON_Array);
    const cJSON *ref;
    int any = 0;
    cJSON_ArrayForEach(ref, list)
        if (crisk__sbom_is_string_entry(&s->rd, ref, list, key)) {
            describe(s, ref);
            any = 1;
        }
    return any;
}

/* 3.0: the root elements of the SpdxDocument and of every Sbom. */
static int read_roots_v3(spdx *s, const cJSON *graph)
{
    const cJSON *obj;
    int any = 0;
    cJSON_ArrayForEach(obj, graph) {
        const char *type = cJSON_IsObject(obj) ? crisk__sbom_text(&s->rd, obj, "type") : NULL;
        if (type != NULL && (strcmp(type, "SpdxDocument") == 0 || strcmp(type, "software_Sbom") == 0))
            any |= read_described(s, obj, "rootElement");
    }
    return any;
}

static size_t count_functions(const spdx *s)
{
    size_t k = 0;
    for (size_t v = 0; v < s->n_elems; v++)
        k += s->elems[v].function;
    return k;
}

/* ---- edges the document leaves unsaid ----------------------------------------- */

/* Mark in `skip` every repeat of a pair: the first statement in document
 * order gives the edge its kind. */
static int unite_pairs(spdx *s, uint8_t *skip)
{
    crisk__edge_key *keys = malloc((s->n_edges + 1) * sizeof *keys);
    if (keys == NULL)
        return -1;
    for (size_t i = 0; i < s->n_edges; i++)
        keys[i] = (crisk__edge_key){ s->edges[i].from, s->edges[i].to, (uint32_t)i };
    s->n.repeated += crisk__edge_keys_mark_repeats(keys, s->n_edges, skip);
    free(keys);
    return 0;
}

/* Packages nothing depends on (in-degree 0 over the kept edges), functions
 * aside: what a function that says nothing of its own depends on. */
static uint8_t *top_packages(spdx *s, const uint8_t *skip)
{
    uint8_t *top = malloc(s->n_elems + 1);
    if (top == NULL)
        return NULL;
    for (size_t v = 0; v < s->n_elems; v++)
        top[v] = s->elems[v].kind == ELEM_PACKAGE && !s->elems[v].function;
    for (size_t i = 0; i < s->n_edges; i++)
        if (!skip[i])
            top[s->edges[i].to] = 0;
    return top;
}

/* A function without an edge of its own depends on the top packages
 * (kind implicit-root; mapping §1); so does the synthetic root. */
static void infer_root_edges(spdx *s, const uint8_t *top, const uint8_t *skip)
{
    size_t n_edges = s->n_edges;
    for (size_t i = 0; i < n_edges; i++)
        if (!skip[i])
            s->elems[s->edges[i].from].out = 1;
    size_t n = s->n_elems;
    for (size_t f = 0; f < n && s->rd.status == CRISK_OK; f++) {
        if (!s->elems[f].function || s->elems[f].out)
            continue;
        size_t added = 0;
        for (size_t v = 0; v < n && s->rd.status == CRISK_OK; v++)
            if (top[v]) {
                add_edge(s, (uint32_t)f, (uint32_t)v, "implicit-root", (pos){ 0, 0 }, 0);
                added++;
            }
        s->n.implicit_root += added;
        char q1[CRISK__QUOTE_MAX], q2[CRISK__QUOTE_MAX];
        if (s->elems[f].synthetic)
            crisk__sbom_warn(&s->rd, NULL, "the document describes no package: using a synthetic "
                             "function '%s' named '%s' that depends on every package nothing "
                             "depends on (%zu implicit-root edge%s)",
                             crisk__quote(q1, s->elems[f].id),
                             crisk__quote(q2, s->doc_name != NULL ? s->doc_name : ""), added,
                             crisk__sbom_plural(added));
        else if (added > 0)
            warn_at(s, s->elems[f].at, "described package '%s' has no relationship of its own: "
                    "assuming it depends on every package nothing depends on (%zu implicit-root "
                    "edge%s)", crisk__quote(q1, s->elems[f].id), added, crisk__sbom_plural(added));
    }
}

/* No described package: a function "spdx-root" named after the document. */
static void add_synthetic_root(spdx *s, const cJSON *doc)
{
    const char *id = ROOT_ID;
    char buf[32];
    for (unsigned k = 2; find(s, id) != NONE; k++) {
        snprintf(buf, sizeof buf, "%s~%u", ROOT_ID, k);
        id = buf;
    }
    id = crisk__sbom_copy(&s->rd, id, strlen(id));
    uint32_t v = id != NULL ? add_elem(s, id, doc, NULL, ELEM_PACKAGE) : NONE;
    if (v == NONE)
        return;
    s->elems[v].function = 1;
    s->elems[v].synthetic = 1;
    s->elems[v].name = s->doc_name;
    s->elems[v].at = (pos){ 0, 0 };   /* the whole document */
}

/* Warn about every package no function reaches (kept, without an edge). */
static int check_reachability(spdx *s, const uint8_t *skip)
{
    size_t n = s->n_elems;
    uint32_t *start = calloc(n + 2, sizeof *start), *adj = malloc((s->n_edges + 1) * sizeof *adj);
    uint32_t *queue = malloc((n + 1) * sizeof *queue);
    uint8_t *seen = calloc(n + 1, 1);
    int rc = -1;
    if (start == NULL || adj == NULL || queue == NULL || seen == NULL)
        goto out;
    for (size_t i = 0; i < s->n_edges; i++)
        if (!skip[i])
            start[s->edges[i].from + 2]++;
    for (size_t v = 0; v < n; v++)
        start[v + 2] += start[v + 1];
    for (size_t i = 0; i < s->n_edges; i++)
        if (!skip[i])
            adj[start[s->edges[i].from + 1]++] = s->edges[i].to;
    size_t head = 0, tail = 0;
    for (size_t v = 0; v < n; v++)
        if (s->elems[v].function) {
            seen[v] = 1;
            queue[tail++] = (uint32_t)v;
        }
    while (head < tail) {
        uint32_t u = queue[head++];
        for (uint32_t k = start[u]; k < start[u + 1]; k++)
            if (!seen[adj[k]]) {
                seen[adj[k]] = 1;
                queue[tail++] = adj[k];
            }
    }
    for (size_t v = 0; v < n; v++)
        if (s->elems[v].kind == ELEM_PACKAGE && !seen[v]) {
            char q[CRISK__QUOTE_MAX];
            s->n.unreachable++;
            warn_at(s, s->elems[v].at, "package '%s' is not reachable from any described package",
                    crisk__quote(q, s->elems[v].id));
        }
    rc = 0;
out:
    free(start);
    free(adj);
    free(queue);
    free(seen);
    return rc;
}

/* The summary warnings of mapping §1/§3: unknown elements, other documents. */
static void summary_warnings(spdx *s)
{
    char q[CRISK__QUOTE_MAX];
    if (s->n.unknown > 0)
        warn_at(s, s->first_unknown, "%zu relationship%s name%s an element this document does not "
                "define (dropped; the first: '%s')", s->n.unknown, crisk__sbom_plural(s->n.unknown),
                s->n.unknown == 1 ? "s" : "", crisk__quote(q, s->unknown_id));
    if (s->n.external > 0)
        warn_at(s, s->first_external, "%zu relationship%s name%s an element of another document "
                "(DocumentRef-...: dropped)", s->n.external, crisk__sbom_plural(s->n.external),
                s->n.external == 1 ? "s" : "");
}

/* ---- handing over ---------------------------------------------------------------- */

static int add_nodes(spdx *s, crisk_builder *b, size_t source, crisk_error *err)
{
    static const char *const attr_names[] = { "purl", "spdxid" };
    for (size_t v = 0; v < s->n_elems; v++) {
        const elem *e = &s->elems[v];
        if (e->kind != ELEM_PACKAGE)
            continue;
        const int synthetic = e->synthetic;
        const char *attr_values[2] = { e->purl != NULL ? e->purl : "", synthetic ? "" : e->id };
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rec.id = e->id;
        rec.name = e->name;
        rec.type = e->function ? CRISK_NODE_FUNCTION : CRISK_NODE_COMPONENT;
        rec.category = e->function ? CRISK_CAT_OTHER : (crisk_category)e->category;
        rec.criticality = e->function ? s->opts->cdx_criticality : 1.0;
        rec.parent = e->function ? NULL : e->parent;
        rec.attr_count = 2;
        rec.attr_names = attr_names;
        rec.attr_values = attr_values;
        rec.line = e->at.line;
        rec.id_column = e->at.column <= UINT16_MAX ? e->at.column : 0;
        int rc = crisk_builder_add_node(b, source, &rec, s->rd.diags, err);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

static int add_edges(spdx *s, crisk_builder *b, size_t source, const uint8_t *skip,
                     crisk_error *err)
{
    for (size_t i = 0; i < s->n_edges; i++) {
        if (skip[i])
            continue;
        const edge *e = &s->edges[i];
        const pos at = e->at.line != 0 ? e->at : s->elems[e->to].at;
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rec.from = s->elems[e->from].id;
        rec.to = s->elems[e->to].id;
        rec.kind = e->kind;
        rec.line = at.line;
        rec.to_column = e->at.line != 0 && at.column <= UINT16_MAX ? at.column : 0;
        int rc = crisk_builder_add_edge(b, source, &rec, s->rd.diags, err);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

/* The provenance note: what was read, inferred and dropped. */
static int add_note(spdx *s, crisk_builder *b, size_t functions, crisk_error *err)
{
    const counts *k = &s->n;
    return crisk__sbom_add_note(
        b, err,
        "spdx %s: %s, %zu function%s, %zu packages, %zu files, %zu snippets, %zu relationships; "
        "edges kept: %zu, %zu implicit-root; dropped: %zu to files, %zu not runtime, "
        "%zu of other types, %zu to NONE/NOASSERTION, %zu optional, %zu to other documents, "
        "%zu to unknown elements, %zu self, %zu repeated; %zu stated complete with none; "
        "%zu duplicate ids; %zu unreachable",
        s->rd.path, s->version != NULL ? s->version : "?", functions, crisk__sbom_plural(functions),
        k->packages, k->files, k->snippets, k->relationships, k->kept, k->implicit_root,
        k->to_files, k->not_runtime, k->other_types, k->none_targets, k->optional_dropped,
        k->external, k->unknown, k->self, k->repeated, k->complete_empty, k->duplicate_ids,
        k->unreachable);
}

/* ---- the whole document ------------------------------------------------------------ */

/* "@context" naming spdx.org/rdf/3.0 (a string, or one in an array). */
static int is_v3_context(const cJSON *context)
{
    if (cJSON_IsString(context))
        return strstr(context->valuestring, "spdx.org/rdf/3.") != NULL;
    const cJSON *c;
    cJSON_ArrayForEach(c, context)
        if (cJSON_IsString(c) && strstr(c->valuestring, "spdx.org/rdf/3.") != NULL)
            return 1;
    return 0;
}

/* Tell the version; check what each needs.  Returns 0, or -1 (reported). */
static int check_document(spdx *s, const cJSON *doc)
{
    char q[CRISK__QUOTE_MAX];
    if (!cJSON_IsObject(doc)) {
        crisk__sbom_fail(&s->rd, crisk__sbom_where(doc, NULL), "not an SPDX document (the "
                         "document is %s, not an object)", crisk__json_type_name(doc->type));
        return -1;
    }
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(doc, "@context");
    if (context != NULL) {
        s->v3 = 1;
        if (!is_v3_context(context)) {
            crisk__sbom_fail(&s->rd, context, "not an SPDX 3.0 document ('@context' does not "
                             "name spdx.org/rdf/3.0)");
            return -1;
        }
        s->version = "SPDX-3.0";
        if (crisk__sbom_member(&s->rd, doc, "@graph", cJSON_Array) != NULL)
            return 0;
        crisk__sbom_fail(&s->rd, doc, "no '@graph' array of elements");
        return -1;
    }
    const cJSON *version = crisk__sbom_member(&s->rd, doc, "spdxVersion", cJSON_String);
    if (version == NULL) {
        if (s->rd.errors == 0)
            crisk__sbom_fail(&s->rd, doc, "not an SPDX document ('spdxVersion' is missing)");
        return -1;
    }
    s->version = version->valuestring;
    if (strncmp(s->version, "SPDX-2.", 7) != 0) {
        crisk__sbom_fail(&s->rd, version, "unsupported spdxVersion '%s' (expected SPDX-2.2, "
                         "SPDX-2.3 or SPDX 3.0 JSON-LD)", crisk__quote(q, s->version));
        return -1;
    }
    if (strcmp(s->version, "SPDX-2.2") != 0 && strcmp(s->version, "SPDX-2.3") != 0)
        crisk__sbom_warn(&s->rd, version, "unsupported spdxVersion '%s' (read as SPDX-2.3)",
                         crisk__quote(q, s->version));
    s->doc_id = crisk__sbom_text(&s->rd, doc, "SPDXID");
    if (s->doc_id == NULL)
        s->doc_id = "SPDXRef-DOCUMENT";
    s->doc_name = crisk__sbom_trimmed_text(&s->rd, doc, "name");
    return 0;
}

/* The SpdxDocument element of a 3.0 graph: its id and name. */
static void find_document_v3(spdx *s, const cJSON *graph)
{
    const cJSON *obj;
    s->doc_id = "";
    cJSON_ArrayForEach(obj, graph) {
        const char *type = cJSON_IsObject(obj) ? crisk__sbom_text(&s->rd, obj, "type") : NULL;
        if (type != NULL && strcmp(type, "SpdxDocument") == 0) {
            const char *id = crisk__sbom_text(&s->rd, obj, "spdxId");
            s->doc_id = id != NULL ? id : "";
            s->doc_name = crisk__sbom_trimmed_text(&s->rd, obj, "name");
            return;
        }
    }
}

/* Elements, the described ones, and the relationships. */
static void read_document(spdx *s, const cJSON *doc)
{
    const cJSON *graph = s->v3 ? cJSON_GetObjectItemCaseSensitive(doc, "@graph") : NULL;
    int described;
    if (s->v3) {
        find_document_v3(s, graph);
        collect_v3(s, graph);
        described = read_roots_v3(s, graph);
        read_relationships_v3(s, graph, described);
    } else {
        collect_v2(s, doc);
        described = read_described(s, doc, "documentDescribes");
        read_relationships_v2(s, doc, described);
    }
}

/* From the elements and edges read to what is handed over: the synthetic
 * root, the repeated pairs, the edges inferred, the reachability;
 * `*skip` gets the per-edge mask of what is not handed over.  `doc` is
 * the document object (only a position for the synthetic root). */
static void complete_mapping(spdx *s, const cJSON *doc, uint8_t **skip)
{
    if (s->rd.status == CRISK_OK && count_functions(s) == 0)
        add_synthetic_root(s, doc);
    size_t declared = s->n_edges;
    *skip = s->rd.status == CRISK_OK ? calloc(declared + 1, 1) : NULL;
    if (s->rd.status == CRISK_OK && (*skip == NULL || unite_pairs(s, *skip) != 0))
        s->rd.status = CRISK_ENOMEM;
    uint8_t *top = s->rd.status == CRISK_OK ? top_packages(s, *skip) : NULL;
    if (s->rd.status == CRISK_OK && top == NULL)
        s->rd.status = CRISK_ENOMEM;
    if (s->rd.status == CRISK_OK)
        infer_root_edges(s, top, *skip);
    free(top);
    /* the inferred edges are new and never repeats: room for them in skip */
    uint8_t *bigger = s->rd.status == CRISK_OK ? realloc(*skip, s->n_edges + 1) : NULL;
    if (bigger != NULL) {
        memset(bigger + declared, 0, s->n_edges + 1 - declared);
        *skip = bigger;
    } else if (s->rd.status == CRISK_OK) {
        s->rd.status = CRISK_ENOMEM;
    }
    if (s->rd.status == CRISK_OK && check_reachability(s, *skip) != 0)
        s->rd.status = CRISK_ENOMEM;
    for (size_t i = 0; s->rd.status == CRISK_OK && i < declared; i++)
        s->n.kept += !(*skip)[i];
    summary_warnings(s);
}

/* ---- the fast path: one element at a time ----------------------------------------
 *
 * A large SPDX 2.x document is nearly all entries of four arrays, and the
 * mapping reads each entry once, alone, keeping copies of what it needs:
 * so it is parsed one entry at a time into a small tree emptied after
 * each (crisk__json_parse_value, json_text.c), and no tree of the whole
 * document is ever held.  cJSON's tree of a 100,000-package document was
 * 2.3 times the CycloneDX BOM's and most of the import's system time (the
 * kernel clearing its pages: docs/performance.md).  The outline of the
 * outermost object comes first, so the members are read in the order the
 * whole-document path reads them, whatever their order in the text (sbom-tool
 * writes the packages before spdxVersion); the other members are parsed
 * whole into a document object of their own, which check_document() and
 * read_described() take as they take the whole document.  Every check
 * of the whole parse is made on the way (json_text.h), the bytes on the
 * digest's thread.
 *
 * Anything else goes the whole-document way, from the start, the
 * diagnostics of the try taken back: a problem in the JSON, any error of
 * the mapping, SPDX 3.0 (its packages' suppliers are agents that may come
 * after them), a shape the outline does not take (an escaped key, nesting
 * near cJSON's limit).  So every message, position and model is the
 * whole-document path's, which the tests and the fuzz target check on
 * every input (crisk__spdx_load_buffer_how).
 *
 * The entries are parsed in batches of BATCH on a helper thread, at most
 * WINDOW batches ahead of the mapping, which the calling thread does in
 * order, so the diagnostics come in the whole path's order; the calling
 * thread parses a batch itself only when the helper has not started it
 * (always, without a helper).  At 100,000 packages the mapping (the id
 * lookups, cache misses) is the larger half, so the helper keeps ahead.  cJSON's parse is
 * reentrant but for one thing: every call stores to its global error
 * position (cJSON_GetErrorPtr), which nothing here reads; the two threads'
 * stores to it are the one shared write, and harmless.
 *
 * Rejected: an event parser (yajl, Debian libyajl-dev) building no tree at
 * all - a new dependency, and positions, repeated keys and escapes would
 * have to be found again outside the checks every JSON reader shares;
 * taking the entries in text order without an outline - sbom-tool writes
 * files, packages and relationships before spdxVersion and
 * documentDescribes, and the mapping reads in a fixed order; the whole path's text
 * walk on a thread with the tree built per entry - its positions are
 * 16 bytes per value of the whole document, held until the end. */

enum { BIG_PACKAGES, BIG_FILES, BIG_SNIPPETS, BIG_RELATIONSHIPS, BIG_N };
static const char *const big_keys[BIG_N] = { "packages", "files", "snippets", "relationships" };

#define BATCH 256      /* entries parsed together */
#define WINDOW 8       /* batches parsed ahead of the mapping at most */

/* A run of entries of one large array, parsed together by one thread. */
typedef struct batch {
    uint8_t which;                 /* BIG_* */
    size_t first, count;           /* outline.entries[first..first+count) */
} batch;

/* Where parsed batches wait for the mapping: batch j in slot j % WINDOW. */
typedef struct parsed {
    crisk__json_tree tree;
    cJSON *entry[BATCH];
    size_t batch;                  /* the batch it holds, once done */
    int done, bad;                 /* parsed; an entry was not clean (or not an object) */
} parsed;

typedef struct fast {
    const unsigned char *s;
    size_t n;
    crisk__json_outline outline;
    const crisk__json_member *big[BIG_N];
    crisk__json_tree small;        /* the other members, as a document */
    cJSON *doc;
    batch *batches;                /* in reading order: packages, files, snippets, relationships */
    size_t n_batches;
    /* the two threads' shared state, under `lock` */
    parsed slots[WINDOW];
    size_t next;                   /* the first batch no thread has taken */
    size_t mapped;                 /* batches mapped: their slots are free again */
    int stop;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t helper;
    int helper_started;
} fast;

static int key_is(const crisk__json_member *m, const char *key)
{
    return m->key_len == strlen(key) && memcmp(m->key, key, m->key_len) == 0;
}

/* One member that is not a large array, parsed into the small document. */
static int add_small(fast *f, const crisk__json_member *m)
{
    crisk__json_cursor at = m->value;
    cJSON *value = NULL;
    if (crisk__json_parse_value(&f->small, &value, f->s, f->n, &at, crisk__json_keep_position,
                                NULL) != CRISK_OK || at.i != m->end)
        return -1;
    return crisk__json_tree_add(&f->small, f->doc, m->key, m->key_len, value) == CRISK_OK ? 0 : -1;
}

static int same_place(crisk__json_cursor a, crisk__json_cursor b)
{
    return a.i == b.i && a.line == b.line && a.column == b.column;
}

/* Whether the array of member m is '[', its entries where the outline put
 * them and ']' - the text between them white space and commas. */
static int array_opens(const fast *f, const crisk__json_member *m)
{
    crisk__json_cursor at = m->value;
    int more = crisk__json_array_next(f->s, f->n, &at, 1);
    if (m->entries == 0)
        return more == 0 && at.i == m->end;
    return more == 1 && same_place(at, f->outline.entries[m->first]);
}

/* The batches of the large arrays, in reading order. */
static int plan_batches(fast *f)
{
    size_t total = 0;
    for (int k = 0; k < BIG_N; k++)
        total += f->big[k] != NULL ? (f->big[k]->entries + BATCH - 1) / BATCH : 0;
    f->batches = malloc((total + 1) * sizeof *f->batches);
    if (f->batches == NULL)
        return -1;
    for (int k = 0; k < BIG_N; k++) {
        const crisk__json_member *m = f->big[k];
        if (m != NULL && !array_opens(f, m))
            return -1;
        for (size_t e = 0; m != NULL && e < m->entries; e += BATCH)
            f->batches[f->n_batches++] = (batch){ (uint8_t)k, m->first + e,
                                                  m->entries - e < BATCH ? m->entries - e : BATCH };
    }
    return 0;
}

/* The outline; the large arrays found, the other members parsed.  0, or -1:
 * the whole document decides. */
static int fast_open(fast *f)
{
    if (crisk__json_outline_make(&f->outline, f->s, f->n) != CRISK_OK)
        return -1;
    f->doc = crisk__json_tree_object(&f->small);
    if (f->doc == NULL)
        return -1;
    for (size_t i = 0; i < f->outline.n_members; i++) {
        const crisk__json_member *m = &f->outline.members[i];
        if (key_is(m, "@context") || key_is(m, "@graph"))
            return -1;   /* SPDX 3.0 */
        int big = 0;
        for (int k = 0; k < BIG_N && !big; k++)
            if (key_is(m, big_keys[k])) {
                f->big[k] = m;
                big = 1;
            }
        if (big ? f->s[m->value.i] != '[' : add_small(f, m) != 0)
            return -1;
    }
    return plan_batches(f);
}

/* Parse batch j into its slot (taken for it): each entry an object,
 * clean, and followed by the comma before the next or the array's end. */
static void parse_batch(fast *f, size_t j)
{
    const batch *b = &f->batches[j];
    parsed *sl = &f->slots[j % WINDOW];
    const crisk__json_member *m = f->big[b->which];
    crisk__json_tree_reset(&sl->tree);
    sl->bad = 0;
    for (size_t e = 0; e < b->count && !sl->bad; e++) {
        size_t k = b->first + e;
        crisk__json_cursor at = f->outline.entries[k];
        cJSON *entry = NULL;
        if (crisk__json_parse_value(&sl->tree, &entry, f->s, f->n, &at, crisk__json_keep_position,
                                    NULL) != CRISK_OK || !cJSON_IsObject(entry)) {
            sl->bad = 1;
            break;
        }
        sl->entry[e] = entry;
        int more = crisk__json_array_next(f->s, f->n, &at, 0);
        if (k + 1 < m->first + m->entries)
            sl->bad = more != 1 || !same_place(at, f->outline.entries[k + 1]);
        else
            sl->bad = more != 0 || at.i != m->end;
    }
}

/* Take the next batch if its slot is free (and it is batch `only`, unless
 * that is SIZE_MAX), parse it, say so.  Called and returns with the lock
 * held; 0 if there was none to take. */
static int take_batch(fast *f, size_t only)
{
    if (f->stop || f->next >= f->n_batches || f->next >= f->mapped + WINDOW
        || (only != SIZE_MAX && f->next != only))
        return 0;
    size_t j = f->next++;
    pthread_mutex_unlock(&f->lock);
    parse_batch(f, j);
    pthread_mutex_lock(&f->lock);
    f->slots[j % WINDOW].batch = j;
    f->slots[j % WINDOW].done = 1;
    pthread_cond_broadcast(&f->changed);
    return 1;
}

/* The helper thread: parse batches ahead of the mapping while there are. */
static void *helper(void *arg)
{
    fast *f = arg;
    pthread_mutex_lock(&f->lock);
    while (!f->stop && f->next < f->n_batches)
        if (!take_batch(f, SIZE_MAX))
            pthread_cond_wait(&f->changed, &f->lock);
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* Batch j, parsed by either thread.  The calling thread maps every entry
 * and is the busier one: it parses a batch only when the helper has not
 * taken the one it needs (or there is no helper), and otherwise waits. */
static const parsed *await_batch(fast *f, size_t j)
{
    parsed *sl = &f->slots[j % WINDOW];
    pthread_mutex_lock(&f->lock);
    while (!(sl->done && sl->batch == j))
        if (!take_batch(f, j))
            pthread_cond_wait(&f->changed, &f->lock);
    pthread_mutex_unlock(&f->lock);
    return sl;
}

static void release_batch(fast *f, size_t j, int stop)
{
    pthread_mutex_lock(&f->lock);
    f->slots[j % WINDOW].done = 0;
    f->mapped = j + 1;
    f->stop |= stop;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
}

static void read_entry(spdx *s, int which, const cJSON *entry, int described)
{
    switch (which) {
    case BIG_PACKAGES: read_package_v2(s, entry); break;
    case BIG_FILES: read_file_v2(s, entry, "files", &s->n.files); break;
    case BIG_SNIPPETS: read_file_v2(s, entry, "snippets", &s->n.snippets); break;
    default: read_relationship_v2(s, entry, described); break;
    }
}

static size_t entries(const fast *f, int which)
{
    return f->big[which] != NULL ? f->big[which]->entries : 0;
}

/* The documentDescribes before the first relationship, as read_document(). */
static int describe_fast(spdx *s, fast *f)
{
    int described = read_described(s, f->doc, "documentDescribes");
    reserve_edges(s, entries(f, BIG_RELATIONSHIPS));
    return described;
}

/* Every entry of the large arrays, in reading order, read as the
 * whole-document path reads it; a helper thread parses batches ahead.
 * 0, or -1: the whole document decides. */
static int read_entries(spdx *s, fast *f)
{
    int described = 0, described_read = 0, rc = 0;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, NULL);
    f->helper_started = f->n_batches > 1 && crisk__thread_start(&f->helper, helper, f) == 0;
    for (size_t j = 0; j < f->n_batches && rc == 0; j++) {
        const parsed *sl = await_batch(f, j);
        const batch *b = &f->batches[j];
        if (b->which == BIG_RELATIONSHIPS && !described_read) {
            described = describe_fast(s, f);
            described_read = 1;
        }
        for (size_t e = 0; e < b->count && !sl->bad && s->rd.errors == 0; e++)
            if (s->rd.status == CRISK_OK)
                read_entry(s, b->which, sl->entry[e], described);
        rc = sl->bad || s->rd.errors > 0 ? -1 : 0;
        release_batch(f, j, rc != 0);
    }
    if (f->helper_started) {
        pthread_mutex_lock(&f->lock);
        f->stop = 1;
        pthread_cond_broadcast(&f->changed);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->helper, NULL);
    }
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
    if (rc == 0 && !described_read)
        describe_fast(s, f);
    return rc;
}

/* read_document() for a 2.x document, one entry at a time.  0, or -1: the
 * whole document decides (what was reported is then taken back). */
static int read_fast(spdx *s, fast *f)
{
    if (fast_open(f) != 0 || check_document(s, f->doc) != 0 || s->rd.errors > 0)
        return -1;
    reserve_elems(s, entries(f, BIG_PACKAGES) + entries(f, BIG_FILES)
                     + entries(f, BIG_SNIPPETS));
    if (read_entries(s, f) != 0)
        return -1;
    return s->rd.errors > 0 ? -1 : 0;
}

static void fast_init(fast *f, const unsigned char *s, size_t n)
{
    memset(f, 0, sizeof *f);
    f->s = s;
    f->n = n;
}

static void fast_release(fast *f)
{
    crisk__json_outline_release(&f->outline);
    crisk__json_tree_release(&f->small);
    for (int k = 0; k < WINDOW; k++)
        crisk__json_tree_release(&f->slots[k].tree);
    free(f->batches);
    fast_init(f, f->s, f->n);
}

/* ---- loading ------------------------------------------------------------------------ */

/* The SHA-256 of the document, made on a helper thread while the main one
 * parses and maps (a fifth of the time of a large document otherwise);
 * for the fast path, the byte checks of the parse after it. */
typedef struct digest_job {
    const unsigned char *data;
    size_t len;
    char hex[65];
    int failed;          /* libcrypto could not make it (out of memory) */
    int check;           /* check the bytes as well */
    crisk_error bytes;   /* their verdict */
    pthread_t thread;
    int started;
} digest_job;

static void *digest(void *arg)
{
    digest_job *job = arg;
    job->failed = crisk__sha256_hex(job->hex, job->data != NULL ? job->data
                                                                : (const unsigned char *)"",
                                    job->len) != 0;
    if (job->check)
        crisk__json_check_bytes(job->data, job->len, "an SPDX JSON document", &job->bytes);
    return NULL;
}

static void digest_start(digest_job *job, const unsigned char *data, size_t len, int check)
{
    job->data = data;
    job->len = len;
    job->check = check;
    job->bytes = (crisk_error)CRISK_ERROR_INIT;
    job->started = crisk__thread_start(&job->thread, digest, job) == 0;
    if (!job->started)
        digest(job);
}

/* The digest, or NULL when it could not be made. */
static const char *digest_finish(digest_job *job)
{
    if (job->started)
        pthread_join(job->thread, NULL);
    job->started = 0;
    return job->failed ? NULL : job->hex;
}

static void finish(spdx *s);
static void start_reader(spdx *s, const char *path, crisk_diagnostics *diags);

/* Start again with nothing read (the fast path gave up). */
static void restart(spdx *s)
{
    spdx fresh = { .opts = s->opts, .doc_id = "SPDXRef-DOCUMENT" };
    start_reader(&fresh, s->rd.path, s->rd.diags);
    finish(s);
    *s = fresh;
}

/* The document read one entry at a time; 1 if that worked, else 0 with
 * nothing read and nothing reported.  The digest thread's byte checks are
 * awaited. */
static int try_fast(spdx *s, fast *f, digest_job *job)
{
    crisk_diagnostics mark = *s->rd.diags;
    int ok = read_fast(s, f) == 0;
    digest_finish(job);
    if (ok && job->bytes.code == CRISK_OK)
        return 1;
    crisk__diagnostics_rewind(s->rd.diags, &mark);
    restart(s);
    fast_release(f);
    return 0;
}

/* Load data[0..len) (data[len] must be a NUL): the fast path unless `how`
 * forbids it, else (or when it gives up) the whole tree; *fast_used says
 * which it was (may be NULL). */
static int load_bytes(spdx *s, crisk_builder *b, const unsigned char *data, size_t len,
                      enum crisk__spdx_reading how, int *fast_used, crisk_error *err)
{
    size_t source = 0;
    uint8_t *skip = NULL;
    crisk__json_tree tree = { NULL, NULL };
    fast f;
    int rc = crisk_builder_add_source(b, &source, s->rd.path, "spdx", NULL, len, err);
    if (rc != CRISK_OK)
        return rc;
    digest_job job;
    fast_init(&f, data, len);
    digest_start(&job, data, len, how != CRISK__SPDX_WHOLE);
    crisk_error json = CRISK_ERROR_INIT;
    int quick = how != CRISK__SPDX_WHOLE && try_fast(s, &f, &job);
    if (fast_used != NULL)
        *fast_used = quick;
    if (quick) {
        complete_mapping(s, f.doc, &skip);
    } else if (crisk__json_parse_tree(&tree, data, len, "an SPDX JSON document",
                                      crisk__json_keep_position, NULL, &json) != CRISK_OK) {
        crisk__sbom_fail_parse(&s->rd, &json);
    } else if (check_document(s, tree.root) == 0) {
        read_document(s, tree.root);
        complete_mapping(s, tree.root, &skip);
    }
    crisk_builder_set_source_rows(b, source, s->n.packages);
    size_t functions = count_functions(s);
    if (s->rd.status != CRISK_OK)
        rc = crisk_error_set(err, s->rd.status, s->rd.path, 0, 0, "out of memory");
    else if (skip != NULL && s->rd.errors == 0)
        rc = add_nodes(s, b, source, err);
    if (rc == CRISK_OK && skip != NULL && s->rd.errors == 0)
        rc = add_edges(s, b, source, skip, err);
    if (rc == CRISK_OK && skip != NULL && s->rd.errors == 0)
        rc = add_note(s, b, functions, err);
    const char *hex = digest_finish(&job);
    if (hex == NULL && rc == CRISK_OK)
        rc = crisk_error_set(err, CRISK_ENOMEM, s->rd.path, 0, 0, "out of memory");
    crisk_builder_set_source_digest(b, source, hex, len);
    free(skip);
    crisk__json_tree_release(&tree);
    fast_release(&f);
    return rc;
}

/* ---- reading the file ------------------------------------------------------------- */

/* The whole file with a NUL after it; *data NULL when it is too large or
 * cannot be read (reported; CRISK_EIO returned for a read error). */
static int read_file(spdx *s, unsigned char **data, size_t *len, crisk_error *err)
{
    *data = NULL;
    int fd;
    struct stat st;
    char why[CRISK_ERROR_MESSAGE_MAX];
    int rc = crisk__infile_open(s->rd.path, 0, &fd, &st, why, sizeof why);
    if (rc != CRISK_OK) {
        crisk__sbom_fail(&s->rd, NULL, "%s", why);
        return crisk_error_set(err, rc, s->rd.path, 0, 0, "%s", why);
    }
    if ((uint64_t)st.st_size > CRISK_MAX_FILE_BYTES) {
        close(fd);
        crisk__sbom_fail(&s->rd, NULL, "file is too large (%llu bytes, limit %llu)",
                         (unsigned long long)st.st_size, (unsigned long long)CRISK_MAX_FILE_BYTES);
        return CRISK_OK;
    }
    size_t size = (size_t)st.st_size, n = 0;
    unsigned char *buf = malloc(size + 1);
    if (buf == NULL) {
        close(fd);
        return crisk_error_set(err, CRISK_ENOMEM, s->rd.path, 0, 0, "out of memory");
    }
    int e = 0;
    while (n < size) {
        ssize_t got = read(fd, buf + n, size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            e = got < 0 ? errno : EIO;   /* shorter than it said: changed under us */
            break;
        }
        n += (size_t)got;
    }
    close(fd);
    if (n < size) {
        free(buf);
        crisk__sbom_fail(&s->rd, NULL, "cannot read file: %s", strerror(e));
        return crisk_error_set(err, CRISK_EIO, s->rd.path, 0, 0, "cannot read file: %s",
                               strerror(e));
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return CRISK_OK;
}

/* Strings: blocks of 64 KiB (a large document makes a name per package),
 * always copied, since the fast path empties each entry's tree once read. */
static void start_reader(spdx *s, const char *path, crisk_diagnostics *diags)
{
    crisk__sbom_reader_init(&s->rd, path, diags, 65536, 65536, 0);
}

static int start(spdx *s, const char *path, const crisk_load_options *opts,
                 crisk_diagnostics *diags, crisk_error *err)
{
    static const crisk_load_options defaults = CRISK_LOAD_OPTIONS_INIT;
    memset(s, 0, sizeof *s);
    start_reader(s, path, diags);
    s->opts = opts != NULL ? opts : &defaults;
    s->doc_id = "SPDXRef-DOCUMENT";
    if (!(s->opts->cdx_criticality >= 0) || !isfinite(s->opts->cdx_criticality))
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--criticality must be a number >= 0");
    if (s->opts->cdx_criticality > CRISK_MAX_CRITICALITY)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "--criticality must be at most 1000000");
    return CRISK_OK;
}

static void finish(spdx *s)
{
    free(s->elems);
    free(s->edges);
    free(s->index);
    crisk__sbom_reader_release(&s->rd);
}

int crisk__spdx_load(crisk_builder *b, const char *path, const crisk_load_options *opts,
                     crisk_diagnostics *diags, crisk_error *err)
{
    spdx s;
    int rc = start(&s, path, opts, diags, err);
    unsigned char *data = NULL;
    size_t len = 0;
    if (rc == CRISK_OK)
        rc = read_file(&s, &data, &len, err);
    if (rc == CRISK_OK && data != NULL)
        rc = load_bytes(&s, b, data, len, CRISK__SPDX_AUTO, NULL, err);
    else if (rc == CRISK_OK)   /* unreadable or too large: reported; listed all the same */
        rc = crisk_builder_add_source(b, &(size_t){ 0 }, path, "spdx",
                                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                                      0, err);
    free(data);
    finish(&s);
    return rc;
}

int crisk__spdx_load_buffer_how(crisk_builder *b, const char *path, const void *data, size_t len,
                                const crisk_load_options *opts, enum crisk__spdx_reading how,
                                int *fast_used, crisk_diagnostics *diags, crisk_error *err)
{
    spdx s;
    int rc = start(&s, path, opts, diags, err);
    unsigned char *copy = rc == CRISK_OK ? malloc(len + 1) : NULL;
    if (fast_used != NULL)
        *fast_used = 0;
    if (rc == CRISK_OK && copy == NULL)
        rc = crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    if (rc == CRISK_OK) {
        if (len > 0)
            memcpy(copy, data, len);
        copy[len] = '\0';
        rc = load_bytes(&s, b, copy, len, how, fast_used, err);
    }
    free(copy);
    finish(&s);
    return rc;
}

int crisk__spdx_load_buffer(crisk_builder *b, const char *path, const void *data, size_t len,
                            const crisk_load_options *opts, crisk_diagnostics *diags,
                            crisk_error *err)
{
    return crisk__spdx_load_buffer_how(b, path, data, len, opts, CRISK__SPDX_AUTO, NULL, diags,
                                       err);
}
