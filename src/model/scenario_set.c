/*
 * scenario_set.c - a set of named failure scenarios (chainrisk/scenario.h).
 *
 * A plain container between the layers: the scenario-file reader (import)
 * and the generator (analysis) fill it, the engine (analysis) and the
 * writer (emit) read it.  Strings live in one pool, every scenario's nodes
 * in one array (offsets, so growing it moves nothing a caller holds between
 * calls), ids in an open-addressing index for duplicate checks and lookup.
 */
#include "scenario_set.h"
#include "util/quote.h"
#include "util/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    const char *id, *name, *fails, *description;
    double hours;
    size_t first, n_nodes;     /* its nodes: node[first .. first + n_nodes) */
    size_t line;
} entry;

struct crisk_scenario_set {
    crisk__pool pool;
    entry *items;
    size_t n, cap;
    uint32_t *node;
    size_t n_node, cap_node;
    uint32_t *index;           /* id hash -> 1 + scenario; 0 = empty */
    size_t index_cap;          /* power of two */
    const char *path, *sha256;
    uint64_t bytes;
    size_t rows;
};

int crisk_scenario_set_new(crisk_scenario_set **out, crisk_error *err)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    crisk__pool_init(&(*out)->pool);
    (*out)->sha256 = "";
    return CRISK_OK;
}

void crisk_scenario_set_free(crisk_scenario_set *s)
{
    if (s == NULL)
        return;
    crisk__pool_release(&s->pool);
    free(s->items);
    free(s->node);
    free(s->index);
    free(s);
}

static size_t slot_of(const crisk_scenario_set *s, const char *id)
{
    size_t mask = s->index_cap - 1;
    size_t h = crisk__hash(id, strlen(id)) & mask;
    while (s->index[h] != 0 && strcmp(s->items[s->index[h] - 1].id, id) != 0)
        h = (h + 1) & mask;
    return h;
}

/* Keep the index at most half full. */
static int index_grow(crisk_scenario_set *s)
{
    if (2 * (s->n + 1) <= s->index_cap)
        return 0;
    size_t cap = s->index_cap ? 2 * s->index_cap : 64;
    uint32_t *old = s->index;
    size_t old_cap = s->index_cap;
    s->index = calloc(cap, sizeof *s->index);
    if (s->index == NULL) {
        s->index = old;
        return -1;
    }
    s->index_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != 0)
            s->index[slot_of(s, s->items[old[i] - 1].id)] = old[i];
    free(old);
    return 0;
}

int crisk_scenario_set_find(const crisk_scenario_set *s, const char *id, size_t *out)
{
    if (s->index_cap == 0)
        return CRISK_ENOTFOUND;
    uint32_t k = s->index[slot_of(s, id)];
    if (k == 0)
        return CRISK_ENOTFOUND;
    *out = k - 1;
    return CRISK_OK;
}

static int compare_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

static const char *copy(crisk_scenario_set *s, const char *text)
{
    text = text != NULL ? text : "";
    return crisk__pool_copy(&s->pool, text, strlen(text));
}

/* Append sc's nodes, sorted, without duplicates; their count in *kept. */
static int add_nodes(crisk_scenario_set *s, const crisk_scenario *sc, size_t *kept)
{
    if (crisk__grow((void **)&s->node, &s->cap_node, s->n_node + sc->n_nodes + 1, sizeof *s->node))
        return -1;
    uint32_t *at = s->node + s->n_node;
    if (sc->n_nodes > 0)
        memcpy(at, sc->nodes, sc->n_nodes * sizeof *at);
    crisk__sort(at, sc->n_nodes, sizeof *at, compare_u32);
    size_t k = 0;
    for (size_t i = 0; i < sc->n_nodes; i++)
        if (k == 0 || at[k - 1] != at[i])
            at[k++] = at[i];
    *kept = k;
    return 0;
}

int crisk_scenario_set_add(crisk_scenario_set *s, const crisk_scenario *sc, crisk_error *err)
{
    char q[CRISK__QUOTE_MAX];
    size_t existing;
    if (sc->id == NULL || sc->id[0] == '\0')
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0, "empty scenario id");
    if (crisk_scenario_set_find(s, sc->id, &existing) == CRISK_OK)
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0, "duplicate scenario id '%s'",
                               crisk__quote(q, sc->id));
    if (!isnan(sc->hours) && (sc->hours < 0 || isinf(sc->hours)))
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0,
                               "invalid hours %g for scenario '%s' (expected a finite number >= 0)",
                               sc->hours, crisk__quote(q, sc->id));
    if (s->n >= CRISK_MAX_SCENARIOS)
        return crisk_error_set(err, CRISK_ELIMIT, NULL, 0, 0, "too many scenarios (at most %u)",
                               CRISK_MAX_SCENARIOS);
    if (sc->n_nodes > CRISK_MAX_SCENARIO_NODES - s->n_node)
        return crisk_error_set(err, CRISK_ELIMIT, NULL, 0, 0,
                               "the scenarios name too many nodes (at most %u in all)",
                               CRISK_MAX_SCENARIO_NODES);
    entry e = { .hours = sc->hours, .first = s->n_node, .line = sc->line };
    e.id = copy(s, sc->id);
    e.name = copy(s, sc->name);
    e.fails = copy(s, sc->fails);
    e.description = copy(s, sc->description);
    if (e.id == NULL || e.name == NULL || e.fails == NULL || e.description == NULL
        || crisk__grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items) != 0
        || index_grow(s) != 0 || add_nodes(s, sc, &e.n_nodes) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    s->n_node += e.n_nodes;
    s->items[s->n++] = e;
    s->index[slot_of(s, e.id)] = (uint32_t)s->n;
    return CRISK_OK;
}

size_t crisk_scenario_set_count(const crisk_scenario_set *s)
{
    return s->n;
}

void crisk_scenario_set_get(const crisk_scenario_set *s, size_t i, crisk_scenario *out)
{
    const entry *e = &s->items[i];
    out->id = e->id;
    out->name = e->name;
    out->fails = e->fails;
    out->description = e->description;
    out->hours = e->hours;
    out->nodes = s->node + e->first;
    out->n_nodes = e->n_nodes;
    out->line = e->line;
}

void crisk_scenario_set_source(const crisk_scenario_set *s, const char **path,
                               const char **sha256, uint64_t *bytes, size_t *rows)
{
    *path = s->path;
    *sha256 = s->sha256;
    *bytes = s->bytes;
    *rows = s->rows;
}

int crisk__scenario_set_source(crisk_scenario_set *s, const char *path, const char *sha256,
                               uint64_t bytes, size_t rows)
{
    s->path = copy(s, path);
    s->sha256 = copy(s, sha256);
    s->bytes = bytes;
    s->rows = rows;
    return s->path != NULL && s->sha256 != NULL ? CRISK_OK : CRISK_ENOMEM;
}
