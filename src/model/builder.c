/*
 * builder.c - turns importer records into a validated crisk_inventory.
 *
 * Importers check what one cell or one record can tell (syntax, ranges,
 * enums) and hand valid records here.  The builder owns every check that
 * needs more than one record: unique ids (or agreeing definitions across
 * inputs), endpoints that exist, no self-dependency, no duplicate edge,
 * consistent `need` within a group and need <= group size; then it adds the
 * warnings and lays the model out in flat arrays (model.h).
 *
 * Approach: nodes go straight into the final structure-of-arrays with an
 * open-addressing id index, so an edge's endpoints resolve as it arrives
 * (edges naming a node that is not there yet are kept by name and resolved
 * at the end).  Edges are then bucketed by dependant with a counting sort and
 * grouped per dependant by sorting that node's edges alone, so the whole
 * build is O(V + E log d) for the largest out-degree d.  Rejected: one
 * igraph_add_edge per edge (quadratic re-indexing) and a global comparison
 * sort of all edges.
 *
 * Speed (docs/performance.md): at a million nodes the id index no longer
 * fits the cache, so edge targets are resolved in batches with the index
 * probes prefetched; edges are kept in blocks that never move; the model's
 * arrays are allocated once at their final (worst-case) size; large arrays
 * are advised onto huge pages, because fresh memory, not arithmetic, is
 * much of the cost of a load.
 */
#include "model.h"
#include "util/prefault.h"
#include "util/quote.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_BIT 0x80000000u   /* endpoint kept by name: index into pending[] */
#define NO_NODE UINT32_MAX

#define NO_NAME UINT32_MAX

/* An edge as read, until the builder lays it out: 28 bytes.  Its group and
 * kind are numbers in the builder's table of names (see name_number), not
 * pointers: at ten million edges the 12 bytes saved are 120 MB less memory
 * to fault in and zero while loading (it was 40 bytes). */
typedef struct edge_rec {
    uint32_t from, to;          /* node index, or PENDING_BIT | pending index */
    uint32_t group;             /* name number; NO_NAME = own group */
    uint32_t kind;              /* name number ("" = none) */
    uint32_t need;              /* 0 = not given */
    uint32_t line;
    uint32_t origin;            /* index into origins[]: file and columns */
} edge_rec;

/* Where edges came from: the file and the columns of its endpoints, group
 * and need.  All rows of one file share one origin, so an edge carries an
 * index instead of the five numbers (10M edges: 80 MB less). */
typedef struct edge_origin {
    uint32_t source;
    uint16_t from_col, to_col, group_col, need_col;
} edge_origin;

/* Resolving an edge's target is a hash-index probe into memory that no
 * longer fits the cache at a million nodes: three dependent misses (slot,
 * id pointer, id text).  Targets are therefore resolved a batch at a time,
 * each step of the probe issued for the whole batch before the next one
 * (software prefetching), so the misses of a batch overlap. */
#define BATCH_EDGES 64

/* Edges live in blocks of doubling size (1024, 2048, 4096, ... edges), so
 * that adding one never moves the others: a realloc of a 400 MB array
 * copies it when the kernel cannot move the pages, and each copy faults
 * in fresh pages.  21 blocks hold more than CRISK_MAX_EDGES. */
#define EDGE_BLOCK0_LOG 10
#define EDGE_BLOCKS 21

typedef struct batched_target {
    uint64_t hash;
    size_t off, len;            /* the id, in batch_text */
    uint32_t edge;              /* index into edges[] */
} batched_target;

struct crisk_builder {
    crisk_inventory *inv;       /* being filled; node arrays grow with it */
    size_t node_cap;
    uint32_t *node_source;      /* per node: where it was defined */
    uint32_t *node_line;
    uint16_t *node_col;
    size_t input;               /* current input number */

    edge_rec *edge_block[EDGE_BLOCKS];   /* see edge_at() */
    size_t n_edges, n_blocks;
    size_t n_plain;             /* edges without a group: each is a group */
    crisk__prefault *edge_pf;   /* faulting in the edges ahead (see prefault_edges) */
    size_t edge_pf_next;        /* edge count at which to move the window on */
    edge_origin *origins;
    size_t n_origins, origin_cap;
    const char **pending;       /* endpoint names not known when the edge came */
    size_t n_pending, pending_cap;

    batched_target batch[BATCH_EDGES];   /* targets not yet resolved */
    size_t n_batch;
    char *batch_text;
    size_t batch_text_len, batch_text_cap;

    size_t source_cap, note_cap, attr_cap;

    /* Edge files usually list a dependant's edges together: remember the
     * last `from` so those rows skip the hash lookup. */
    char last_from[128];
    uint32_t last_from_node;
    /* ... and repeat a group and a kind across rows: the last ones. */
    uint32_t last_group, last_kind;

    /* Group and kind names: number k is names[k], interned in the pool, so
     * two numbers are equal exactly when their names are.  `name_slot` is an
     * open-addressing index over them (UINT32_MAX = empty), load <= 1/2. */
    const char **names;
    size_t n_names, names_cap;
    uint32_t *name_slot;
    size_t name_mask;

    crisk_progress_fn progress;
    void *progress_ctx;
};

static edge_rec *edge_at(const crisk_builder *b, size_t i)
{
    size_t j = i + ((size_t)1 << EDGE_BLOCK0_LOG);
    unsigned k = (unsigned)(63 - __builtin_clzll((unsigned long long)j)) - EDGE_BLOCK0_LOG;
    return &b->edge_block[k][j - ((size_t)1 << (EDGE_BLOCK0_LOG + k))];
}

/* Edges that `blocks` blocks hold. */
static size_t edges_capacity(size_t blocks)
{
    return (((size_t)1 << blocks) - 1) << EDGE_BLOCK0_LOG;
}

static int add_edge_block(crisk_builder *b)
{
    if (b->n_blocks == EDGE_BLOCKS)
        return -1;
    size_t bytes = ((size_t)1 << (EDGE_BLOCK0_LOG + b->n_blocks)) * sizeof(edge_rec);
    edge_rec *block = malloc(bytes);
    if (block == NULL)
        return -1;
    crisk__advise_huge(block, bytes);
    b->edge_block[b->n_blocks++] = block;
    return 0;
}

/* Fresh edge blocks cost the calling thread a page fault and the kernel's
 * zeroing per page as it fills them (7 % of a 1M load's samples).  The
 * reader threads leave the other core mostly idle, so a helper faults the
 * window of PREFAULT_EDGES edges after the next PREFAULT_EDGES in (a new
 * helper each time the writer has moved one window on; the last one has
 * long finished by then).  At most two windows past the last edge are made
 * resident without being used: 8 MiB. */
#define PREFAULT_EDGES (((size_t)4 << 20) / sizeof(edge_rec))

static void prefault_edges(crisk_builder *b)
{
    crisk__prefault_finish(b->edge_pf);
    b->edge_pf = NULL;
    b->edge_pf_next = b->n_edges + PREFAULT_EDGES;
    size_t from = b->n_edges + PREFAULT_EDGES, to = from + PREFAULT_EDGES;
    if (to > edges_capacity(b->n_blocks))
        to = edges_capacity(b->n_blocks);   /* blocks not there yet: their writer faults them */
    void *ptr[CRISK__PREFAULT_MAX];
    size_t bytes[CRISK__PREFAULT_MAX], n = 0;
    while (from < to && n < CRISK__PREFAULT_MAX) {
        /* the part of [from, to) in from's block */
        size_t j = from + ((size_t)1 << EDGE_BLOCK0_LOG);
        unsigned k = (unsigned)(63 - __builtin_clzll((unsigned long long)j)) - EDGE_BLOCK0_LOG;
        size_t block_end = edges_capacity(k + 1), end = to < block_end ? to : block_end;
        ptr[n] = edge_at(b, from);
        bytes[n++] = (end - from) * sizeof(edge_rec);
        from = end;
    }
    if (n > 0)
        b->edge_pf = crisk__prefault_start(ptr, bytes, n);
}

/* ---- records ----------------------------------------------------------------- */

void crisk_node_record_init(crisk_node_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->type = CRISK_NODE_SUPPLIER;
    rec->category = CRISK_CAT_OTHER;
    rec->criticality = NAN;   /* not given: the builder stores the default 1 */
    rec->rto_hours = rec->recovery_hours = rec->spend = rec->probability = NAN;
    rec->loss_per_hour = NAN;
    rec->substitutability = CRISK_SUBST_UNSET;
}

void crisk_edge_record_init(crisk_edge_record *rec)
{
    memset(rec, 0, sizeof *rec);
}

/* ---- life cycle -------------------------------------------------------------- */

int crisk_builder_new(crisk_builder **out, crisk_error *err)
{
    *out = NULL;
    crisk_builder *b = calloc(1, sizeof *b);
    crisk_inventory *inv = calloc(1, sizeof *inv);
    if (b == NULL || inv == NULL) {
        free(b);
        free(inv);
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    crisk__pool_init(&inv->pool);
    b->inv = inv;
    b->last_group = b->last_kind = NO_NAME;
    *out = b;
    return CRISK_OK;
}

void crisk_builder_free(crisk_builder *b)
{
    if (b == NULL)
        return;
    crisk__prefault_finish(b->edge_pf);
    crisk_inventory_free(b->inv);
    free(b->node_source);
    free(b->node_line);
    free(b->node_col);
    for (size_t k = 0; k < b->n_blocks; k++)
        free(b->edge_block[k]);
    free(b->origins);
    free(b->pending);
    free(b->batch_text);
    free(b->names);
    free(b->name_slot);
    free(b);
}

void crisk_builder_begin_input(crisk_builder *b)
{
    if (b->inv->n_sources > 0 || b->inv->n > 0)
        b->input++;
}

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

static const char *copy_str(crisk_inventory *inv, const char *s)
{
    if (s == NULL)
        s = "";
    return crisk__pool_copy(&inv->pool, s, strlen(s));
}

static const char *intern_str(crisk_inventory *inv, const char *s)
{
    if (s == NULL)
        s = "";
    return crisk__pool_intern(&inv->pool, s, strlen(s));
}

int crisk_builder_add_source(crisk_builder *b, size_t *out, const char *path,
                             const char *kind, const char *sha256, uint64_t bytes,
                             crisk_error *err)
{
    crisk_inventory *inv = b->inv;
    if (crisk__grow((void **)&inv->sources, &b->source_cap, inv->n_sources + 1,
                    sizeof *inv->sources) != 0)
        return oom(err);
    crisk__source *s = &inv->sources[inv->n_sources];
    memset(s, 0, sizeof *s);
    s->path = copy_str(inv, path);
    s->kind = intern_str(inv, kind);
    if (s->path == NULL || s->kind == NULL)
        return oom(err);
    if (sha256 != NULL)
        snprintf(s->sha256, sizeof s->sha256, "%s", sha256);
    s->bytes = bytes;
    s->input = b->input;
    *out = inv->n_sources++;
    return CRISK_OK;
}

void crisk_builder_set_source_rows(crisk_builder *b, size_t source, size_t rows)
{
    if (source < b->inv->n_sources)
        b->inv->sources[source].rows = rows;
}

void crisk_builder_set_source_digest(crisk_builder *b, size_t source, const char *sha256,
                                     uint64_t bytes)
{
    if (source >= b->inv->n_sources)
        return;
    snprintf(b->inv->sources[source].sha256, sizeof b->inv->sources[source].sha256, "%s",
             sha256 ? sha256 : "");
    b->inv->sources[source].bytes = bytes;
}

void crisk_builder_set_progress(crisk_builder *b, crisk_progress_fn fn, void *ctx)
{
    b->progress = fn;
    b->progress_ctx = ctx;
}

crisk_progress_fn crisk_builder_progress(const crisk_builder *b, void **ctx)
{
    *ctx = b->progress_ctx;
    return b->progress;
}

int crisk_builder_add_note(crisk_builder *b, const char *note, crisk_error *err)
{
    crisk_inventory *inv = b->inv;
    if (crisk__grow((void **)&inv->notes, &b->note_cap, inv->n_notes + 1, sizeof *inv->notes) != 0)
        return oom(err);
    const char *copy = copy_str(inv, note);
    if (copy == NULL)
        return oom(err);
    inv->notes[inv->n_notes++] = copy;
    return CRISK_OK;
}

/* Text from an input in a message: cut to a readable length and with
 * control characters escaped, so no input can forge or break the
 * FILE:LINE:COLUMN line or drive the user's terminal. */
typedef char quoted[CRISK__QUOTE_MAX];
#define Q(buf, s) crisk__quote((buf), (s))

/* ---- the id index -------------------------------------------------------------- */

static void index_insert(crisk_inventory *inv, uint32_t node, uint64_t hash)
{
    size_t h = hash & inv->index_mask;
    while (inv->index[h] != CRISK__INDEX_EMPTY)
        h = (h + 1) & inv->index_mask;
    inv->index[h] = (hash >> 32 << 32) | node;
}

/* Keep the load factor at most 1/2. */
static int index_reserve(crisk_inventory *inv, size_t nodes)
{
    size_t cap = inv->index ? inv->index_mask + 1 : 0;
    if (2 * nodes <= cap)
        return 0;
    size_t ncap = cap ? cap : 1024;
    while (2 * nodes > ncap)
        ncap *= 2;
    uint64_t *index = malloc(ncap * sizeof *index);
    if (index == NULL)
        return -1;
    crisk__advise_huge(index, ncap * sizeof *index);
    memset(index, 0xff, ncap * sizeof *index);
    free(inv->index);
    inv->index = index;
    inv->index_mask = ncap - 1;
    for (size_t v = 0; v < inv->n; v++)
        index_insert(inv, (uint32_t)v, crisk__hash(inv->id[v], strlen(inv->id[v])));
    return 0;
}

/* ---- nodes --------------------------------------------------------------------- */

static int grow_nodes(crisk_builder *b, size_t need)
{
    crisk_inventory *inv = b->inv;
    if (need <= b->node_cap)
        return 0;
    size_t cap = b->node_cap ? 2 * b->node_cap : 1024;
    while (cap < need)
        cap *= 2;
#define GROW(field)                                                   \
    do {                                                              \
        void *p_ = realloc((void *)(field), cap * sizeof *(field));   \
        if (p_ == NULL)                                               \
            return -1;                                                \
        (field) = p_;                                                 \
    } while (0)
    GROW(inv->id); GROW(inv->name); GROW(inv->country); GROW(inv->parent);
    GROW(inv->type); GROW(inv->category); GROW(inv->subst);
    GROW(inv->criticality); GROW(inv->criticality_given); GROW(inv->rto); GROW(inv->recovery);
    GROW(inv->spend); GROW(inv->probability); GROW(inv->loss_per_hour);
    GROW(b->node_source); GROW(b->node_line); GROW(b->node_col);
#undef GROW
    b->node_cap = cap;
    return 0;
}

static int same_number(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static int same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* A record's criticality as the model stores it: 1 when not given. */
static double effective_criticality(const crisk_node_record *rec)
{
    return isnan(rec->criticality) ? 1.0 : rec->criticality;
}

/* The first field in which `rec` disagrees with node `v`, or NULL. */
static const char *first_difference(const crisk_inventory *inv, uint32_t v,
                                    const crisk_node_record *rec)
{
    const char *name = rec->name && rec->name[0] ? rec->name : rec->id;
    if (!same_text(inv->name[v], name)) return "name";
    if (inv->type[v] != rec->type) return "type";
    if (inv->category[v] != rec->category) return "category";
    if (!same_number(inv->criticality[v], effective_criticality(rec))) return "criticality";
    if (!same_number(inv->rto[v], rec->rto_hours)) return "rto_hours";
    if (!same_number(inv->recovery[v], rec->recovery_hours)) return "recovery_hours";
    if (!same_number(inv->spend[v], rec->spend)) return "spend";
    if (!same_number(inv->probability[v], rec->probability)) return "probability";
    if (!same_number(inv->loss_per_hour[v], rec->loss_per_hour)) return "loss_per_hour";
    if (!same_text(inv->country[v], rec->country)) return "country";
    if (!same_text(inv->parent[v], rec->parent)) return "parent";
    if (inv->subst[v] != rec->substitutability) return "substitutability";
    return NULL;
}

static int report_existing_node(crisk_builder *b, uint32_t v, size_t source,
                                const crisk_node_record *rec, crisk_diagnostics *diags)
{
    const crisk_inventory *inv = b->inv;
    const crisk__source *first = &inv->sources[b->node_source[v]];
    const char *path = inv->sources[source].path;
    quoted q1;
    if (first->input == inv->sources[source].input)
        return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, rec->line, rec->id_column,
                                     "duplicate id '%s' (first defined on line %u)",
                                     Q(q1, rec->id), (unsigned)b->node_line[v]);
    const char *field = first_difference(inv, v, rec);
    if (field == NULL)
        return CRISK_OK;   /* the same node described by two inputs: one node */
    return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, rec->line, rec->id_column,
                                 "conflicting definitions of '%s': '%s' differs from %s:%u",
                                 Q(q1, rec->id), field, first->path, (unsigned)b->node_line[v]);
}

/* The bounds that keep every sum finite (CRISK_MAX_CRITICALITY,
 * CRISK_MAX_SPEND, CRISK_MAX_LOSS_PER_HOUR).  The native reader checks them cell by cell; this is
 * for what other importers compute (a DORA provider's spend is the sum of
 * its arrangements) and for callers of the API. */
static int check_amounts(crisk_builder *b, size_t source, const crisk_node_record *rec,
                         crisk_diagnostics *diags)
{
    const char *path = b->inv->sources[source].path;
    quoted q1;
    char x[CRISK__NUMBER_MAX];
    if (!isnan(rec->criticality)   /* not given: the default 1 */
        && !(rec->criticality >= 0 && rec->criticality <= CRISK_MAX_CRITICALITY))
        return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, rec->line, rec->id_column,
                                     "criticality %s of '%s' is not between 0 and 1000000",
                                     crisk__number_text(x, rec->criticality), Q(q1, rec->id));
    if (!isnan(rec->spend) && !(rec->spend >= 0 && rec->spend <= CRISK_MAX_SPEND))
        return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, rec->line, rec->id_column,
                                     "spend %s of '%s' is not between 0 and 1e15",
                                     crisk__number_text(x, rec->spend), Q(q1, rec->id));
    if (!isnan(rec->loss_per_hour)
        && !(rec->loss_per_hour >= 0 && rec->loss_per_hour <= CRISK_MAX_LOSS_PER_HOUR))
        return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, rec->line, rec->id_column,
                                     "loss_per_hour %s of '%s' is not between 0 and 1e15",
                                     crisk__number_text(x, rec->loss_per_hour), Q(q1, rec->id));
    return CRISK_OK;
}

static int set_attrs(crisk_builder *b, uint32_t v, const crisk_node_record *rec)
{
    crisk_inventory *inv = b->inv;
    for (size_t i = 0; i < rec->attr_count; i++) {
        const char *value = rec->attr_values[i];
        if (value == NULL || value[0] == '\0')
            continue;
        size_t a = 0;
        while (a < inv->n_attrs && strcmp(inv->attr_names[a], rec->attr_names[i]) != 0)
            a++;
        if (a == inv->n_attrs) {
            /* A new column: widen the row-major matrix. */
            size_t cap = b->attr_cap;
            if (crisk__grow((void **)&inv->attr_names, &cap, a + 1, sizeof *inv->attr_names) != 0)
                return -1;
            b->attr_cap = cap;
            const char **values = calloc(b->node_cap * (a + 1) + 1, sizeof *values);
            if (values == NULL)
                return -1;
            for (size_t u = 0; u < inv->n; u++)
                for (size_t k = 0; k < a; k++)
                    values[u * (a + 1) + k] = inv->attr_values[u * a + k];
            free(inv->attr_values);
            inv->attr_values = values;
            inv->attr_names[a] = copy_str(inv, rec->attr_names[i]);
            if (inv->attr_names[a] == NULL)
                return -1;
            inv->n_attrs = a + 1;
        }
        const char *copy = copy_str(inv, value);
        if (copy == NULL)
            return -1;
        inv->attr_values[(size_t)v * inv->n_attrs + a] = copy;
    }
    return 0;
}

/* The attribute matrix is sized by node capacity: keep it in step. */
static int grow_attr_rows(crisk_builder *b, size_t old_cap)
{
    crisk_inventory *inv = b->inv;
    if (inv->n_attrs == 0 || old_cap == b->node_cap)
        return 0;
    const char **values = realloc(inv->attr_values,
                                  (b->node_cap * inv->n_attrs + 1) * sizeof *values);
    if (values == NULL)
        return -1;
    memset(values + old_cap * inv->n_attrs, 0,
           (b->node_cap - old_cap) * inv->n_attrs * sizeof *values);
    inv->attr_values = values;
    return 0;
}

int crisk_builder_add_node(crisk_builder *b, size_t source, const crisk_node_record *rec,
                           crisk_diagnostics *diags, crisk_error *err)
{
    crisk_inventory *inv = b->inv;
    size_t len = strlen(rec->id);
    uint64_t hash = crisk__hash(rec->id, len);
    uint32_t v = crisk__inventory_lookup_hashed(inv, rec->id, len, hash);
    if (v != NO_NODE)
        return report_existing_node(b, v, source, rec, diags) == CRISK_OK ? CRISK_OK : oom(err);
    if (check_amounts(b, source, rec, diags) != CRISK_OK)
        return oom(err);
    if (inv->n >= CRISK_MAX_NODES)
        return crisk_error_set(err, CRISK_ELIMIT, inv->sources[source].path, rec->line, 0,
                               "more than %u nodes", CRISK_MAX_NODES);

    size_t old_cap = b->node_cap;
    if (grow_nodes(b, inv->n + 1) != 0 || grow_attr_rows(b, old_cap) != 0
        || index_reserve(inv, inv->n + 1) != 0)
        return oom(err);
    v = (uint32_t)inv->n;
    inv->id[v] = crisk__pool_copy(&inv->pool, rec->id, len);
    inv->name[v] = rec->name && rec->name[0] ? copy_str(inv, rec->name) : inv->id[v];
    inv->country[v] = intern_str(inv, rec->country);
    inv->parent[v] = intern_str(inv, rec->parent);
    if (inv->id[v] == NULL || inv->name[v] == NULL || inv->country[v] == NULL
        || inv->parent[v] == NULL)
        return oom(err);
    inv->type[v] = (uint8_t)rec->type;
    inv->category[v] = (uint8_t)rec->category;
    inv->subst[v] = (uint8_t)rec->substitutability;
    inv->criticality[v] = effective_criticality(rec);
    inv->criticality_given[v] = !isnan(rec->criticality);
    inv->rto[v] = rec->rto_hours;
    inv->recovery[v] = rec->recovery_hours;
    inv->spend[v] = rec->spend;
    inv->probability[v] = rec->probability;
    inv->loss_per_hour[v] = rec->loss_per_hour;
    b->node_source[v] = (uint32_t)source;
    b->node_line[v] = (uint32_t)rec->line;
    b->node_col[v] = (uint16_t)rec->id_column;
    inv->n++;
    index_insert(inv, v, hash);
    if (set_attrs(b, v, rec) != 0)
        return oom(err);
    return CRISK_OK;
}

/* ---- edges --------------------------------------------------------------------- */

/* Keep an id that names no node (yet) by name: it is resolved, or reported,
 * when the builder finishes. */
static int keep_pending(crisk_builder *b, const char *id, size_t len, uint32_t *out)
{
    if (crisk__grow((void **)&b->pending, &b->pending_cap, b->n_pending + 1,
                    sizeof *b->pending) != 0)
        return -1;
    const char *copy = crisk__pool_intern(&b->inv->pool, id, len);
    if (copy == NULL)
        return -1;
    b->pending[b->n_pending] = copy;
    *out = PENDING_BIT | (uint32_t)b->n_pending++;
    return 0;
}

static int resolve_or_keep(crisk_builder *b, const char *id, uint32_t *out)
{
    size_t len = strlen(id);
    uint32_t v = crisk__inventory_lookup(b->inv, id, len);
    if (v != NO_NODE) {
        *out = v;
        return 0;
    }
    return keep_pending(b, id, len, out);
}

/* Resolve the batched targets: the probe's three loads (index slot, id
 * pointer, id text) are each issued for the whole batch before the next,
 * then every target is looked up for real with its lines in the cache. */
static int flush_batch(crisk_builder *b)
{
    const crisk_inventory *inv = b->inv;
    size_t n = b->n_batch;
    uint32_t candidate[BATCH_EDGES];
    for (size_t i = 0; i < n; i++) {
        candidate[i] = NO_NODE;
        if (inv->index == NULL)
            continue;
        uint64_t slot = inv->index[b->batch[i].hash & inv->index_mask];
        if (slot != CRISK__INDEX_EMPTY
            && (uint32_t)(slot >> 32) == (uint32_t)(b->batch[i].hash >> 32)) {
            candidate[i] = (uint32_t)slot;
            __builtin_prefetch(&inv->id[candidate[i]]);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (candidate[i] != NO_NODE)
            __builtin_prefetch(inv->id[candidate[i]]);
    for (size_t i = 0; i < n; i++) {
        const batched_target *t = &b->batch[i];
        const char *id = b->batch_text + t->off;
        uint32_t v = crisk__inventory_lookup_hashed(inv, id, t->len, t->hash);
        if (v == NO_NODE && keep_pending(b, id, t->len, &v) != 0)
            return -1;
        edge_at(b, t->edge)->to = v;
    }
    b->n_batch = 0;
    b->batch_text_len = 0;
    return 0;
}

/* Queue the target of edge `edge` for resolution; its index slot is
 * fetched from now on. */
static int batch_target(crisk_builder *b, uint32_t edge, const char *id)
{
    size_t len = strlen(id);
    if (crisk__grow((void **)&b->batch_text, &b->batch_text_cap, b->batch_text_len + len + 1,
                    1) != 0)
        return -1;
    batched_target *t = &b->batch[b->n_batch++];
    t->hash = crisk__hash(id, len);
    t->off = b->batch_text_len;
    t->len = len;
    t->edge = edge;
    memcpy(b->batch_text + t->off, id, len + 1);
    b->batch_text_len += len + 1;
    if (b->inv->index != NULL)
        __builtin_prefetch(&b->inv->index[t->hash & b->inv->index_mask]);
    return b->n_batch == BATCH_EDGES ? flush_batch(b) : 0;
}

/* The edge's origin index: the last one again, or a new one. */
static int edge_origin_of(crisk_builder *b, size_t source, const crisk_edge_record *rec,
                          uint32_t *out)
{
    edge_origin o = { (uint32_t)source, (uint16_t)rec->from_column, (uint16_t)rec->to_column,
                      (uint16_t)rec->group_column, (uint16_t)rec->need_column };
    if (b->n_origins > 0) {
        const edge_origin *last = &b->origins[b->n_origins - 1];
        if (last->source == o.source && last->from_col == o.from_col
            && last->to_col == o.to_col && last->group_col == o.group_col
            && last->need_col == o.need_col) {
            *out = (uint32_t)(b->n_origins - 1);
            return 0;
        }
    }
    if (crisk__grow((void **)&b->origins, &b->origin_cap, b->n_origins + 1,
                    sizeof *b->origins) != 0)
        return -1;
    b->origins[b->n_origins] = o;
    *out = (uint32_t)b->n_origins++;
    return 0;
}

/* Double the name index (or create it) and put every name back. */
static int grow_name_index(crisk_builder *b)
{
    size_t cap = b->name_slot != NULL ? 2 * (b->name_mask + 1) : 64;
    uint32_t *slot = malloc(cap * sizeof *slot);
    if (slot == NULL)
        return -1;
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t k = 0; k < b->n_names; k++) {
        size_t h = crisk__hash(b->names[k], strlen(b->names[k])) & (cap - 1);
        while (slot[h] != UINT32_MAX)
            h = (h + 1) & (cap - 1);
        slot[h] = (uint32_t)k;
    }
    free(b->name_slot);
    b->name_slot = slot;
    b->name_mask = cap - 1;
    return 0;
}

/* The number of the group or kind name `s`, a new one if it is new;
 * NO_NAME when out of memory. */
static uint32_t name_number(crisk_builder *b, const char *s)
{
    if (2 * (b->n_names + 1) > (b->name_slot != NULL ? b->name_mask + 1 : 0)
        && grow_name_index(b) != 0)
        return NO_NAME;
    size_t len = strlen(s), h = crisk__hash(s, len) & b->name_mask;
    for (; b->name_slot[h] != UINT32_MAX; h = (h + 1) & b->name_mask)
        if (strcmp(b->names[b->name_slot[h]], s) == 0)
            return b->name_slot[h];
    if (b->n_names >= NO_NAME
        || crisk__grow((void **)&b->names, &b->names_cap, b->n_names + 1, sizeof *b->names) != 0)
        return NO_NAME;
    const char *copy = crisk__pool_intern(&b->inv->pool, s, len);
    if (copy == NULL)
        return NO_NAME;
    b->names[b->n_names] = copy;
    b->name_slot[h] = (uint32_t)b->n_names;
    return (uint32_t)b->n_names++;
}

/* name_number(), trying the last one first (rows repeat groups and kinds). */
static uint32_t name_recent(crisk_builder *b, uint32_t *last, const char *s)
{
    if (*last != NO_NAME && strcmp(b->names[*last], s) == 0)
        return *last;
    uint32_t k = name_number(b, s);
    if (k != NO_NAME)
        *last = k;
    return k;
}

/* An edge's group name (NULL: its own group), interned. */
static const char *edge_group(const crisk_builder *b, const edge_rec *e)
{
    return e->group == NO_NAME ? NULL : b->names[e->group];
}

static int resolve_from(crisk_builder *b, const char *from, uint32_t *out)
{
    if (b->last_from[0] != '\0' && strcmp(from, b->last_from) == 0) {
        *out = b->last_from_node;
        return 0;
    }
    if (resolve_or_keep(b, from, out) != 0)
        return -1;
    size_t len = strlen(from);
    b->last_from[0] = '\0';
    if (len < sizeof b->last_from && !(*out & PENDING_BIT)) {
        memcpy(b->last_from, from, len + 1);
        b->last_from_node = *out;
    }
    return 0;
}

int crisk_builder_add_edge(crisk_builder *b, size_t source, const crisk_edge_record *rec,
                           crisk_diagnostics *diags, crisk_error *err)
{
    (void)diags;
    if (b->n_edges >= CRISK_MAX_EDGES)
        return crisk_error_set(err, CRISK_ELIMIT, b->inv->sources[source].path, rec->line, 0,
                               "more than %u edges", CRISK_MAX_EDGES);
    if (b->n_edges == edges_capacity(b->n_blocks) && add_edge_block(b) != 0)
        return oom(err);
    edge_rec *e = edge_at(b, b->n_edges);
    e->to = NO_NODE;   /* set when the batch is resolved */
    if (resolve_from(b, rec->from, &e->from) != 0)
        return oom(err);
    int has_group = rec->group != NULL && rec->group[0] != '\0';
    e->group = has_group ? name_recent(b, &b->last_group, rec->group) : NO_NAME;
    e->kind = name_recent(b, &b->last_kind, rec->kind ? rec->kind : "");
    if ((has_group && e->group == NO_NAME) || e->kind == NO_NAME
        || edge_origin_of(b, source, rec, &e->origin) != 0)
        return oom(err);
    e->need = (uint32_t)rec->need;
    e->line = (uint32_t)rec->line;
    b->n_edges++;
    b->n_plain += !has_group;
    if (b->n_edges >= b->edge_pf_next)
        prefault_edges(b);
    if (batch_target(b, (uint32_t)(b->n_edges - 1), rec->to) != 0)
        return oom(err);
    return CRISK_OK;
}

/* ---- finishing: cross-record checks -------------------------------------------- */

static const edge_origin *origin(const crisk_builder *b, const edge_rec *e)
{
    return &b->origins[e->origin];
}

static const char *edge_path(const crisk_builder *b, const edge_rec *e)
{
    return b->inv->sources[origin(b, e)->source].path;
}

/* Resolve endpoints named before their node appeared; report unknown ones.
 * Suggestions cost O(V) each (after indexing the ids once, see
 * util/suggest.h), so only stored diagnostics get one. */
static int resolve_pending(crisk_builder *b, crisk_diagnostics *diags, uint8_t *bad)
{
    crisk_inventory *inv = b->inv;
    size_t limit = diags->limit ? diags->limit : CRISK_DIAGNOSTICS_LIMIT;
    for (size_t i = 0; i < b->n_edges; i++) {
        edge_rec *e = edge_at(b, i);
        uint32_t *ends[2] = { &e->from, &e->to };
        for (int k = 0; k < 2; k++) {
            if (!(*ends[k] & PENDING_BIT))
                continue;
            uint16_t cols[2] = { origin(b, e)->from_col, origin(b, e)->to_col };
            const char *id = b->pending[*ends[k] & ~PENDING_BIT];
            uint32_t v = crisk__inventory_lookup(inv, id, strlen(id));
            if (v != NO_NODE) {
                *ends[k] = v;
                continue;
            }
            bad[i] = 1;
            const char *hint = diags->stored_errors < limit
                ? crisk__inventory_suggest(inv, id) : NULL;
            quoted q1, q2;
            int rc = hint
                ? crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, e), e->line, cols[k],
                                        "unknown node '%s' (did you mean '%s'?)", Q(q1, id), Q(q2, hint))
                : crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, e), e->line, cols[k],
                                        "unknown node '%s'", Q(q1, id));
            if (rc != CRISK_OK)
                return rc;
        }
        if (!bad[i] && e->from == e->to) {
            bad[i] = 1;
            quoted q1;
            int rc = crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, e), e->line,
                                           origin(b, e)->to_col, "'%s' depends on itself", Q(q1, inv->id[e->from]));
            if (rc != CRISK_OK)
                return rc;
        }
    }
    return CRISK_OK;
}

/* Order of a dependant's edges while grouping: by group name (ungrouped
 * edges last), then target, then input order.  Names compare by content, not
 * by their interned address: addresses depend on where the allocator put the
 * pool's blocks, and the order in which groups are checked decides which
 * diagnostics are kept when the cap is hit.  Interned names are equal exactly
 * when their pointers are, so the common case costs no strcmp. */
static const crisk_builder *sort_builder;

static int compare_group(const crisk_builder *b, uint32_t x, uint32_t y)
{
    if (x == y)
        return 0;
    if (x == NO_NAME || y == NO_NAME)
        return x == NO_NAME ? 1 : -1;
    return strcmp(b->names[x], b->names[y]);
}

static int compare_in_node(const void *pa, const void *pb)
{
    const edge_rec *a = edge_at(sort_builder, *(const uint32_t *)pa);
    const edge_rec *b = edge_at(sort_builder, *(const uint32_t *)pb);
    int g = compare_group(sort_builder, a->group, b->group);
    if (g != 0)
        return g;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
    return ia < ib ? -1 : ia > ib;
}

static int report_duplicate(crisk_builder *b, const edge_rec *first, const edge_rec *dup,
                            crisk_diagnostics *diags)
{
    const crisk_inventory *inv = b->inv;
    if (inv->sources[origin(b, first)->source].input != inv->sources[origin(b, dup)->source].input
        && first->need == dup->need && first->kind == dup->kind)
        return CRISK_OK;   /* the same edge stated by two inputs: one edge */
    quoted q1, q2, q3;
    if (dup->group != NO_NAME)
        return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, dup), dup->line,
                                     origin(b, dup)->to_col,
                                     "duplicate edge '%s' -> '%s' in group '%s' (first on %s:%u)",
                                     Q(q1, inv->id[dup->from]), Q(q2, inv->id[dup->to]), Q(q3, edge_group(b, dup)),
                                     edge_path(b, first), (unsigned)first->line);
    return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, dup), dup->line,
                                 origin(b, dup)->to_col, "duplicate edge '%s' -> '%s' (first on %s:%u)",
                                 Q(q1, inv->id[dup->from]), Q(q2, inv->id[dup->to]), edge_path(b, first),
                                 (unsigned)first->line);
}

/* Check one named group (edges idx[0..n) of one dependant, sorted by target);
 * drop duplicates by marking them bad.  Returns the group's need, or 0 when
 * the group is invalid. */
static int check_group(crisk_builder *b, const uint32_t *idx, size_t n, uint8_t *bad,
                       crisk_diagnostics *diags, uint32_t *need_out)
{
    const crisk_inventory *inv = b->inv;
    const edge_rec *first_need = NULL;
    uint32_t first_need_idx = UINT32_MAX;
    size_t members = 0;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        const edge_rec *e = edge_at(b, idx[i]);
        if (i > 0 && edge_at(b, idx[i - 1])->to == e->to) {
            /* find the first (non-duplicate) edge to this target */
            size_t j = i;
            while (j > 0 && edge_at(b, idx[j - 1])->to == e->to)
                j--;
            bad[idx[i]] = 1;
            int rc = report_duplicate(b, edge_at(b, idx[j]), e, diags);
            if (rc != CRISK_OK)
                return rc;
            continue;
        }
        members++;
    }
    /* need: explicit values must agree; rows without one take the group's.
     * The reference is the earliest explicit need in input order. */
    for (size_t i = 0; i < n; i++) {
        const edge_rec *e = edge_at(b, idx[i]);
        if (!bad[idx[i]] && e->need != 0 && idx[i] < first_need_idx) {
            first_need = e;
            first_need_idx = idx[i];
        }
    }
    for (size_t i = 0; first_need && i < n; i++) {
        const edge_rec *e = edge_at(b, idx[i]);
        if (bad[idx[i]] || e->need == 0 || e->need == first_need->need)
            continue;
        ok = 0;
        quoted q1, q2;
        int rc = crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, e), e->line,
                                       origin(b, e)->need_col,
                                       "need %u of group '%s' of '%s' differs from need %u on line %u",
                                       (unsigned)e->need, Q(q1, e->group != NO_NAME ? edge_group(b, e) : ""),
                                       Q(q2, inv->id[e->from]), (unsigned)first_need->need,
                                       (unsigned)first_need->line);
        if (rc != CRISK_OK)
            return rc;
    }
    uint32_t need = first_need ? first_need->need : 1;
    if (ok && need > members) {
        ok = 0;
        quoted q1, q2;
        int rc = first_need->group != NO_NAME
            ? crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, first_need),
                                    first_need->line, origin(b, first_need)->need_col,
                                    "need %u exceeds the %zu member%s of group '%s' of '%s'",
                                    (unsigned)need, members, members == 1 ? "" : "s",
                                    Q(q1, edge_group(b, first_need)), Q(q2, inv->id[first_need->from]))
            : crisk_diagnostics_add(diags, CRISK_SEV_ERROR, edge_path(b, first_need),
                                    first_need->line, origin(b, first_need)->need_col,
                                    "need %u on an edge without a group (it is its own group of one)",
                                    (unsigned)need);
        if (rc != CRISK_OK)
            return rc;
    }
    *need_out = ok ? need : 0;
    return CRISK_OK;
}

/* Edges of every dependant, bucketed: order[start[v] .. start[v+1]). */
static int bucket_by_dependant(crisk_builder *b, const uint8_t *bad, uint32_t **order_out,
                               uint32_t **start_out)
{
    size_t n = b->inv->n;
    uint32_t *start = calloc(n + 1, sizeof *start);
    uint32_t *order = malloc((b->n_edges + 1) * sizeof *order);
    crisk__advise_huge(order, (b->n_edges + 1) * sizeof *order);
    if (start == NULL || order == NULL) {
        free(start);
        free(order);
        return -1;
    }
    for (size_t i = 0; i < b->n_edges; i++)
        if (!bad[i])
            start[edge_at(b, i)->from + 1]++;
    for (size_t v = 0; v < n; v++)
        start[v + 1] += start[v];
    uint32_t *fill = malloc((n + 1) * sizeof *fill);
    if (fill == NULL) {
        free(start);
        free(order);
        return -1;
    }
    memcpy(fill, start, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < b->n_edges; i++)
        if (!bad[i])
            order[fill[edge_at(b, i)->from]++] = (uint32_t)i;
    free(fill);
    *order_out = order;
    *start_out = start;
    return 0;
}

/* A group found in one dependant's edges, before layout. */
typedef struct group_span {
    uint32_t begin, end;      /* range in the dependant's sorted edge list */
    uint32_t first_edge;      /* input index of its first edge: groups keep input order */
    uint32_t need;
} group_span;

static int compare_span(const void *pa, const void *pb)
{
    const group_span *a = pa, *b = pb;
    return a->first_edge < b->first_edge ? -1 : a->first_edge > b->first_edge;
}

static int compare_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* The laid-out model, sized for the worst case before it is filled: at most
 * one group per edge, one member per edge.  Pages never touched cost no
 * memory, so over-sizing costs only address space. */
typedef struct layout {
    uint32_t *group_start, *need, *member_start, *member;
    uint32_t *group_name, *edge_kind;   /* numbers in the builder's table of names */
    uint32_t no_group;                  /* the number of "" */
    size_t n_groups, n_edges;
} layout;

static void *alloc_array(size_t count, size_t size)
{
    if (count > SIZE_MAX / size)
        return NULL;
    void *p = malloc(count * size);
    crisk__advise_huge(p, count * size);
    return p;
}

static int layout_init(layout *L, size_t nodes, size_t edges)
{
    size_t groups = edges + 1;   /* and the sentinel */
    L->n_groups = L->n_edges = 0;
    L->group_start = alloc_array(nodes + 1, sizeof *L->group_start);
    L->need = alloc_array(groups, sizeof *L->need);
    L->group_name = alloc_array(groups, sizeof *L->group_name);
    L->member_start = alloc_array(groups + 1, sizeof *L->member_start);
    L->member = alloc_array(edges + 1, sizeof *L->member);
    L->edge_kind = alloc_array(edges + 1, sizeof *L->edge_kind);
    return L->group_start && L->need && L->group_name && L->member_start
           && L->member && L->edge_kind ? 0 : -1;
}

/* Fault the layout's pages in on a helper thread while this one buckets
 * the edges (util/prefault.h): the members and kinds of every edge, and of
 * the group arrays only what is sure to be used - at least one group per
 * edge without a group - so no page is made resident that stays unused. */
static crisk__prefault *prefault_layout(const crisk_builder *b, const layout *L, size_t nodes)
{
    size_t groups = b->n_plain, edges = b->n_edges;
    void *const ptr[] = { L->group_start, L->member, L->edge_kind, L->need,
                          (void *)L->group_name, L->member_start };
    const size_t bytes[] = { (nodes + 1) * sizeof *L->group_start, edges * sizeof *L->member,
                             edges * sizeof *L->edge_kind,
                             groups * sizeof *L->need, groups * sizeof *L->group_name,
                             groups * sizeof *L->member_start };
    return crisk__prefault_start(ptr, bytes, sizeof ptr / sizeof *ptr);
}

static void layout_push_group(layout *L, uint32_t name, uint32_t need)
{
    L->need[L->n_groups] = need;
    L->group_name[L->n_groups] = name;
    L->member_start[L->n_groups] = (uint32_t)L->n_edges;
    L->n_groups++;
}

/* Sort a dependant's edge indexes: insertion sort for the few edges most
 * dependants have (qsort's set-up costs more than the sort), qsort beyond.
 * Both comparators are total orders, so the result is the same either way. */
static void sort_edges(uint32_t *idx, size_t n, int (*cmp)(const void *, const void *))
{
    if (n > 16) {
        crisk__sort(idx, n, sizeof *idx, cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = idx[i];
        size_t j = i;
        for (; j > 0 && cmp(&idx[j - 1], &x) > 0; j--)
            idx[j] = idx[j - 1];
        idx[j] = x;
    }
}

static void sort_spans(group_span *spans, size_t n)
{
    if (n > 16) {
        crisk__sort(spans, n, sizeof *spans, compare_span);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        group_span x = spans[i];
        size_t j = i;
        for (; j > 0 && spans[j - 1].first_edge > x.first_edge; j--)
            spans[j] = spans[j - 1];
        spans[j] = x;
    }
}

/* Split a dependant's sorted edges idx[0..n) into groups: a named group's
 * edges, or an ungrouped edge with its repeats (duplicates of one lone
 * group).  Each span records its first edge in input order. */
static int find_spans(const crisk_builder *b, const uint32_t *idx, size_t n, group_span **spans,
                      size_t *span_cap, size_t *n_out)
{
    size_t n_spans = 0;
    for (size_t i = 0; i < n;) {
        const edge_rec *e = edge_at(b, idx[i]);
        size_t j = i + 1;
        if (e->group != NO_NAME)
            while (j < n && edge_at(b, idx[j])->group == e->group)
                j++;
        else
            while (j < n && edge_at(b, idx[j])->group == NO_NAME && edge_at(b, idx[j])->to == e->to)
                j++;
        if (crisk__grow((void **)spans, span_cap, n_spans + 1, sizeof **spans) != 0)
            return CRISK_ENOMEM;
        group_span *s = &(*spans)[n_spans++];
        s->begin = (uint32_t)i;
        s->end = (uint32_t)j;
        s->need = 0;
        s->first_edge = UINT32_MAX;
        for (size_t k = i; k < j; k++)
            if (idx[k] < s->first_edge)
                s->first_edge = idx[k];
        i = j;
    }
    *n_out = n_spans;
    return CRISK_OK;
}

/* Group, check and lay out the edges of one dependant (idx[0..n)).  Groups are checked and
 * laid out in input order (of their first edge), so their diagnostics come
 * in the order a reader of the file meets them. */
static int layout_node(crisk_builder *b, layout *L, uint32_t *idx, size_t n,
                       uint8_t *bad, crisk_diagnostics *diags, group_span **spans,
                       size_t *span_cap)
{
    sort_builder = b;
    sort_edges(idx, n, compare_in_node);
    size_t n_spans = 0;
    int rc = find_spans(b, idx, n, spans, span_cap, &n_spans);
    if (rc != CRISK_OK)
        return rc;
    sort_spans(*spans, n_spans);
    for (size_t s = 0; s < n_spans; s++) {
        group_span *sp = &(*spans)[s];
        const edge_rec *e = edge_at(b, idx[sp->begin]);
        if (sp->end - sp->begin == 1 && e->need <= 1) {
            sp->need = 1;   /* one edge, need 1 or none: nothing to check */
        } else {
            rc = check_group(b, idx + sp->begin, sp->end - sp->begin, bad, diags, &sp->need);
            if (rc != CRISK_OK)
                return rc;
        }
        if (sp->need == 0)
            continue;   /* invalid group: reported; the load fails anyway */
        /* members keep input order */
        sort_edges(idx + sp->begin, sp->end - sp->begin, compare_u32);
        const edge_rec *first = edge_at(b, idx[sp->begin]);
        layout_push_group(L, first->group != NO_NAME ? first->group : L->no_group, sp->need);
        for (uint32_t k = sp->begin; k < sp->end; k++) {
            if (bad[idx[k]])
                continue;
            const edge_rec *m = edge_at(b, idx[k]);
            L->member[L->n_edges] = m->to;
            L->edge_kind[L->n_edges] = m->kind;
            L->n_edges++;
        }
    }
    return CRISK_OK;
}

static int build_groups(crisk_builder *b, uint8_t *bad, crisk_diagnostics *diags,
                        crisk_error *err)
{
    crisk_inventory *inv = b->inv;
    uint32_t *order = NULL, *start = NULL;
    group_span *spans = NULL;
    size_t span_cap = 0;
    layout L;
    memset(&L, 0, sizeof L);
    int rc = CRISK_ENOMEM;
    crisk__prefault *pf = NULL;
    if (layout_init(&L, inv->n, b->n_edges) != 0)
        goto out;
    L.no_group = name_number(b, "");
    if (L.no_group == NO_NAME)
        goto out;
    pf = prefault_layout(b, &L, inv->n);
    if (bucket_by_dependant(b, bad, &order, &start) != 0)
        goto out;
    for (size_t v = 0; v < inv->n; v++) {
        L.group_start[v] = (uint32_t)L.n_groups;
        rc = layout_node(b, &L, order + start[v], start[v + 1] - start[v], bad,
                         diags, &spans, &span_cap);
        if (rc != CRISK_OK)
            goto out;
    }
    L.group_start[inv->n] = (uint32_t)L.n_groups;
    layout_push_group(&L, L.no_group, 0);   /* sentinel: member_start[n_groups] */
    L.n_groups--;
    inv->names = malloc((b->n_names + 1) * sizeof *inv->names);
    if (inv->names == NULL)
        goto out;
    memcpy(inv->names, b->names, b->n_names * sizeof *inv->names);
    inv->n_names = b->n_names;
    inv->group_start = L.group_start;
    inv->need = L.need;
    inv->group_name = L.group_name;
    inv->member_start = L.member_start;
    inv->member = L.member;
    inv->edge_kind = L.edge_kind;
    inv->n_groups = L.n_groups;
    inv->n_edges = L.n_edges;
    memset(&L, 0, sizeof L);
    rc = CRISK_OK;
out:
    crisk__prefault_finish(pf);
    free(order);
    free(start);
    free(spans);
    free(L.group_start);
    free(L.need);
    free(L.group_name);
    free(L.member_start);
    free(L.member);
    free(L.edge_kind);
    if (rc == CRISK_ENOMEM)
        return oom(err);
    return rc;
}

/* Distinct dependants of every node, ascending (dependants are visited in
 * ascending order, so a repeat is always the last one appended). */
static int build_reverse(crisk_inventory *inv)
{
    size_t n = inv->n;
    uint32_t *count = calloc(n + 1, sizeof *count);
    if (count == NULL)
        return -1;
    uint32_t *last = malloc((n + 1) * sizeof *last);
    if (last == NULL) {
        free(count);
        return -1;
    }
    memset(last, 0xff, (n + 1) * sizeof *last);
    for (size_t v = 0; v < n; v++)
        for (uint32_t e = inv->member_start[inv->group_start[v]];
             e < inv->member_start[inv->group_start[v + 1]]; e++) {
            uint32_t p = inv->member[e];
            if (last[p] != v) {
                last[p] = (uint32_t)v;
                count[p + 1]++;
            }
        }
    for (size_t v = 0; v < n; v++)
        count[v + 1] += count[v];
    inv->dep_start = count;
    inv->dep = malloc((count[n] + 1) * sizeof *inv->dep);
    if (inv->dep == NULL) {
        free(last);
        return -1;
    }
    uint32_t *fill = last;   /* reuse: fill positions */
    memcpy(fill, count, (n + 1) * sizeof *fill);
    for (size_t v = 0; v < n; v++)
        for (uint32_t e = inv->member_start[inv->group_start[v]];
             e < inv->member_start[inv->group_start[v + 1]]; e++) {
            uint32_t p = inv->member[e];
            if (fill[p] > count[p] && inv->dep[fill[p] - 1] == v)
                continue;
            inv->dep[fill[p]++] = (uint32_t)v;
        }
    free(last);
    return 0;
}

static int add_warnings(crisk_builder *b, crisk_diagnostics *diags)
{
    const crisk_inventory *inv = b->inv;
    for (size_t v = 0; v < inv->n; v++) {
        const char *path = inv->sources[b->node_source[v]].path;
        int rc = CRISK_OK;
        quoted q1;
        if (inv->type[v] == CRISK_NODE_FUNCTION && inv->group_start[v] == inv->group_start[v + 1])
            rc = crisk_diagnostics_add(diags, CRISK_SEV_WARNING, path, b->node_line[v],
                                       b->node_col[v], "function '%s' has no dependencies",
                                       Q(q1, inv->id[v]));
        else if (inv->type[v] != CRISK_NODE_FUNCTION && inv->dep_start[v] == inv->dep_start[v + 1])
            rc = crisk_diagnostics_add(diags, CRISK_SEV_WARNING, path, b->node_line[v],
                                       b->node_col[v], "provider '%s' has no dependants",
                                       Q(q1, inv->id[v]));
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

static int first_error(const crisk_diagnostics *diags, crisk_error *err)
{
    for (size_t i = 0; i < diags->count; i++) {
        const crisk_diag *d = &diags->items[i];
        if (d->severity == CRISK_SEV_ERROR)
            return crisk_error_set(err, CRISK_EINVALID, d->file, d->line, d->column, "%s",
                                   d->message);
    }
    return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0, "%zu errors", diags->errors);
}

int crisk_builder_finish(crisk_builder *b, crisk_inventory **out,
                         crisk_diagnostics *diags, crisk_error *err)
{
    *out = NULL;
    crisk_inventory *inv = b->inv;
    int rc = CRISK_OK;
    crisk__prefault_finish(b->edge_pf);   /* before the blocks are freed */
    b->edge_pf = NULL;
    if (flush_batch(b) != 0)
        return oom(err);
    uint8_t *bad = calloc(b->n_edges + 1, 1);
    if (bad == NULL)
        return oom(err);
    rc = resolve_pending(b, diags, bad);
    if (rc == CRISK_OK)
        rc = build_groups(b, bad, diags, err);
    free(bad);
    /* The edges are laid out in the model now: give their memory back
     * before the reverse index is built (a lower peak). */
    for (size_t k = 0; k < b->n_blocks; k++) {
        free(b->edge_block[k]);
        b->edge_block[k] = NULL;
    }
    b->n_edges = b->n_blocks = 0;
    if (rc == CRISK_OK && build_reverse(inv) != 0)
        rc = oom(err);
    if (rc != CRISK_OK)
        return rc == CRISK_ENOMEM ? oom(err) : rc;
    if (diags->errors > 0) {
        crisk_diagnostics_sort(diags);
        return first_error(diags, err);
    }
    rc = add_warnings(b, diags);
    if (rc != CRISK_OK)
        return oom(err);
    crisk_diagnostics_sort(diags);
    *out = inv;
    b->inv = NULL;
    return CRISK_OK;
}
