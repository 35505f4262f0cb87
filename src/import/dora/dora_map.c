/*
 * dora_map.c - the native records of a checked DORA package (mapping §2-§8):
 * nodes (functions, suppliers, optionally services), AND edges with their
 * `kind`, and the provenance notes.
 *
 * Determinism (mapping §0.3): nodes are functions by id, then suppliers by
 * id, then services by id; edges are sorted by (from id, to id); ids compare
 * as bytes (strcmp: 'F10' sorts before 'F2').  Several rows giving the same
 * edge merge into one, whose kind lists what each contributed in a fixed
 * order, so nothing depends on which row came first except the position the
 * edge is reported at (its first row, in file order).
 *
 * Everything the mapping decides from several rows is computed here in one
 * pass per table over the rows the checks kept (ROW_SKIP clear): supplier
 * category (most frequent over its live services), spend (c0100, else the
 * sum of its live arrangements' expenses), substitutability (least over its
 * live assessed services).
 */
#include "dora_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Q CRISK__QUOTE_MAX

/* What an edge carries, merged over the rows that gave it. */
enum {
    KIND_PROVIDED_BY = 1,        /* service -> its provider */
    KIND_INTRA_GROUP = 2,        /* service -> its intra-group provider */
    KIND_IG_LINK = 4,            /* intra-group provider -> external provider (B_02.03) */
    KIND_SUBCONTRACT = 8,        /* recipient -> subcontractor (B_05.02, provider level) */
    KIND_SUBCONTRACT_RANK = 16,  /* service -> subcontractor (--chains service) */
    KIND_USES = 32               /* function -> service */
};

typedef struct medge {
    uint32_t from, to;           /* node indices */
    const char *from_id, *to_id;
    uint32_t types, ig_types;    /* function -> supplier: service types, bit per S01..S19 */
    uint8_t labels;              /* KIND_* */
    uint8_t reliance;            /* KIND_USES: strongest level, 1..4; 0 = not given */
    uint64_t min_rank;           /* KIND_SUBCONTRACT_RANK: lowest rank */
    dora_tab tab;                /* first row that gave it */
    size_t line, from_col, to_col;
} medge;

typedef struct mnode {
    const char *id;              /* interned */
    crisk_node_type type;
    uint32_t row;                /* B_06.01, B_05.01 or (first live) B_02.02 row */
} mnode;

typedef struct mapping {
    dora_import *x;
    mnode *nodes;
    size_t n_nodes, node_cap;
    size_t n_functions, n_suppliers;
    uint32_t *function_node;     /* B_06.01 row -> node */
    uint32_t *supplier_node;     /* B_05.01 row -> node, DORA_NONE if not a node */
    dora_map service_node;       /* (arr, type) -> node */
    dora_map node_ids;           /* id -> node: collisions */
    medge *edges;
    size_t n_edges, edge_cap;
    dora_map edge_index;         /* (from, to) -> edge */
    dora_map assessment;         /* (arr, provider, type) -> B_07.01 row that matches */
} mapping;

static const char *cell(const dora_import *x, dora_tab t, size_t row, size_t col)
{
    return dora_cell(&x->tab[t], row, col);
}

static uint32_t get1(const dora_map *m, const void *a)
{
    const void *k[1] = { a };
    return dora_map_get(m, k);
}

static int is_live(const dora_import *x, size_t r)
{
    return (x->sv_flags[r] & (ROW_SKIP | ROW_LIVE)) == ROW_LIVE;
}

/* The first live row of its (arrangement, type): one per service. */
static int is_service_head(const dora_import *x, size_t r)
{
    const void *k[2] = { cell(x, TAB_B0202, r, SV_ARR), cell(x, TAB_B0202, r, SV_TYPE) };
    return is_live(x, r) && dora_map_get(&x->live_services, k) == (uint32_t)r;
}

/* Links of a chain row that the mode maps. */
static int chain_row_mapped(const dora_import *x, size_t r)
{
    if (!(x->ch_flags[r] & ROW_EDGE))
        return 0;
    return x->chains_service ? x->ch_status[r] == CHAIN_MAPPED
                             : x->ch_status[r] == CHAIN_MAPPED || x->ch_status[r] == CHAIN_ORPHAN;
}

/* ---- nodes ------------------------------------------------------------------------- */

static int push_node(mapping *m, const char *id, crisk_node_type type, uint32_t row)
{
    if (crisk__grow((void **)&m->nodes, &m->node_cap, m->n_nodes + 1, sizeof *m->nodes) != 0)
        return CRISK_ENOMEM;
    m->nodes[m->n_nodes++] = (mnode){ id, type, row };
    return CRISK_OK;
}

/* "a/b", interned. */
static const char *intern_id(dora_import *x, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *buf = malloc(la + lb + 2);
    if (buf == NULL)
        return NULL;
    memcpy(buf, a, la);
    buf[la] = '/';
    memcpy(buf + la + 1, b, lb + 1);
    const char *id = crisk__pool_intern(&x->pool, buf, la + lb + 1);
    free(buf);
    return id;
}

static int compare_nodes(const void *pa, const void *pb)
{
    const mnode *a = pa, *b = pb;
    return strcmp(a->id, b->id);
}

/* Which B_05.01 rows become supplier nodes (mapping §2). */
static void mark_suppliers(const dora_import *x, uint8_t *used)
{
    for (size_t r = 0; r < x->tab[TAB_B0202].rows; r++)
        if (is_live(x, r))
            used[x->sv_provider[r]] = 1;
    for (size_t r = 0; r < x->tab[TAB_B0502].rows; r++) {
        if (!chain_row_mapped(x, r))
            continue;
        used[x->ch_provider[r]] = 1;
        if (!x->chains_service)
            used[x->ch_recipient[r]] = 1;
    }
}

static int collect_nodes(mapping *m)
{
    dora_import *x = m->x;
    const dora_table *f = &x->tab[TAB_B0601], *p = &x->tab[TAB_B0501], *s = &x->tab[TAB_B0202];
    int rc = CRISK_OK;
    for (size_t r = 0; r < f->rows && rc == CRISK_OK; r++) {
        const char *id = x->several_entities
            ? intern_id(x, dora_cell(f, r, FN_LEI), dora_cell(f, r, FN_ID)) : dora_cell(f, r, FN_ID);
        rc = id ? push_node(m, id, CRISK_NODE_FUNCTION, (uint32_t)r) : CRISK_ENOMEM;
    }
    m->n_functions = m->n_nodes;
    uint8_t *used = calloc(p->rows + 1, 1);
    if (used == NULL)
        return CRISK_ENOMEM;
    mark_suppliers(x, used);
    for (size_t r = 0; r < p->rows && rc == CRISK_OK; r++) {
        if (used[r])
            rc = push_node(m, dora_cell(p, r, PV_CODE), CRISK_NODE_SUPPLIER, (uint32_t)r);
        else
            dora_idlist_add(&x->unused, dora_cell(p, r, PV_CODE));
    }
    free(used);
    m->n_suppliers = m->n_nodes - m->n_functions;
    for (size_t r = 0; x->service_nodes && r < s->rows && rc == CRISK_OK; r++) {
        if (!is_service_head(x, r))
            continue;
        const char *id = intern_id(x, dora_cell(s, r, SV_ARR), dora_service_code(x->sv_type[r]));
        rc = id ? push_node(m, id, CRISK_NODE_SERVICE, (uint32_t)r) : CRISK_ENOMEM;
    }
    if (rc != CRISK_OK)
        return rc;
    crisk__sort(m->nodes, m->n_functions, sizeof *m->nodes, compare_nodes);
    crisk__sort(m->nodes + m->n_functions, m->n_suppliers, sizeof *m->nodes, compare_nodes);
    size_t first_service = m->n_functions + m->n_suppliers;
    crisk__sort(m->nodes + first_service, m->n_nodes - first_service, sizeof *m->nodes, compare_nodes);
    return CRISK_OK;
}

/* Where a node was defined, for messages. */
static void node_origin(const mapping *m, uint32_t v, dora_tab *t, size_t *col)
{
    const mnode *n = &m->nodes[v];
    *t = n->type == CRISK_NODE_FUNCTION ? TAB_B0601
       : n->type == CRISK_NODE_SUPPLIER ? TAB_B0501 : TAB_B0202;
    *col = n->type == CRISK_NODE_FUNCTION ? FN_ID : n->type == CRISK_NODE_SUPPLIER ? PV_CODE : SV_ARR;
}

static const char *type_word(crisk_node_type t)
{
    return t == CRISK_NODE_FUNCTION ? "function" : t == CRISK_NODE_SUPPLIER ? "provider" : "service";
}

/* Index the nodes; a function, provider or service id used twice is an
 * error (mapping §2), reported at the later definition. */
static int index_nodes(mapping *m)
{
    dora_import *x = m->x;
    const dora_table *s = &x->tab[TAB_B0202];
    char q[Q];
    for (uint32_t v = 0; v < m->n_nodes; v++) {
        mnode *n = &m->nodes[v];
        if (n->type == CRISK_NODE_FUNCTION)
            m->function_node[n->row] = v;
        else if (n->type == CRISK_NODE_SUPPLIER)
            m->supplier_node[n->row] = v;
        else {
            const void *k[2] = { dora_cell(s, n->row, SV_ARR), dora_cell(s, n->row, SV_TYPE) };
            if (dora_map_put(&m->service_node, k, v) == DORA_ENOMEM)
                return CRISK_ENOMEM;
        }
    }
    for (uint32_t v = 0; v < m->n_nodes; v++) {
        const void *k[1] = { m->nodes[v].id };
        uint32_t prev = dora_map_put(&m->node_ids, k, v);
        if (prev == DORA_ENOMEM)
            return CRISK_ENOMEM;
        if (prev == DORA_NONE)
            continue;
        dora_tab t, pt;
        size_t col, pcol;
        node_origin(m, v, &t, &col);
        node_origin(m, prev, &pt, &pcol);
        int rc = dora_report_cell(x, t, m->nodes[v].row, col, CRISK_SEV_ERROR,
                                  "%s id '%s' is also the id of a %s (%s:%zu): ids must be distinct",
                                  type_word(m->nodes[v].type), crisk__quote(q, m->nodes[v].id),
                                  type_word(m->nodes[prev].type), x->tab[pt].display,
                                  x->tab[pt].line[m->nodes[prev].row]);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

/* ---- edges ------------------------------------------------------------------------- */

/* The edge from -> to, created on first use at row `line` of `tab`. */
static medge *edge(mapping *m, uint32_t from, uint32_t to, dora_tab tab, size_t row,
                   size_t from_col, size_t to_col)
{
    const void *k[2] = { DORA_INT(from), DORA_INT(to) };
    uint32_t e = dora_map_put(&m->edge_index, k, (uint32_t)m->n_edges);
    if (e == DORA_ENOMEM)
        return NULL;
    if (e != DORA_NONE)
        return &m->edges[e];
    if (crisk__grow((void **)&m->edges, &m->edge_cap, m->n_edges + 1, sizeof *m->edges) != 0)
        return NULL;
    const dora_table *t = &m->x->tab[tab];
    medge *d = &m->edges[m->n_edges++];
    memset(d, 0, sizeof *d);
    d->from = from;
    d->to = to;
    d->from_id = m->nodes[from].id;
    d->to_id = m->nodes[to].id;
    d->tab = tab;
    d->line = t->line[row];
    d->from_col = t->pos[from_col];
    d->to_col = t->pos[to_col];
    return d;
}

static uint32_t service_of(const mapping *m, const char *arr, const char *type)
{
    const void *k[2] = { arr, type };
    return dora_map_get(&m->service_node, k);
}

/* Mapping §4.1: function -> provider, or function -> service -> provider. */
static int service_edges(mapping *m)
{
    dora_import *x = m->x;
    char hint[8];
    for (size_t r = 0; r < x->tab[TAB_B0202].rows; r++) {
        if (!is_live(x, r))
            continue;
        uint32_t f = m->function_node[x->sv_function[r]], p = m->supplier_node[x->sv_provider[r]];
        int intra = (x->sv_flags[r] & ROW_INTRA) != 0;
        if (!x->service_nodes) {
            medge *e = edge(m, f, p, TAB_B0202, r, SV_FUNCTION, SV_PROVIDER);
            if (e == NULL)
                return CRISK_ENOMEM;
            *(intra ? &e->ig_types : &e->types) |= 1u << x->sv_type[r];
            continue;
        }
        uint32_t s = service_of(m, cell(x, TAB_B0202, r, SV_ARR), cell(x, TAB_B0202, r, SV_TYPE));
        /* Create both first: creating one may move the other. */
        if (edge(m, f, s, TAB_B0202, r, SV_FUNCTION, SV_ARR) == NULL
            || edge(m, s, p, TAB_B0202, r, SV_ARR, SV_PROVIDER) == NULL)
            return CRISK_ENOMEM;
        medge *use = edge(m, f, s, TAB_B0202, r, SV_FUNCTION, SV_ARR);
        medge *by = edge(m, s, p, TAB_B0202, r, SV_ARR, SV_PROVIDER);
        const char *rel = cell(x, TAB_B0202, r, SV_RELIANCE);
        int level = rel[0] ? dora_list_find(&dora_list_reliance, rel, hint, sizeof hint) + 1 : 0;
        use->labels |= KIND_USES;
        if (level > use->reliance)
            use->reliance = (uint8_t)level;
        by->labels |= intra ? KIND_INTRA_GROUP : KIND_PROVIDED_BY;
    }
    return CRISK_OK;
}

/* Mapping §4.2: recipient -> subcontractor, or service -> subcontractor. */
static int chain_edges(mapping *m)
{
    dora_import *x = m->x;
    for (size_t r = 0; r < x->tab[TAB_B0502].rows; r++) {
        if (!chain_row_mapped(x, r))
            continue;
        uint32_t p = m->supplier_node[x->ch_provider[r]];
        medge *e;
        if (x->chains_service) {
            uint32_t s = service_of(m, cell(x, TAB_B0502, r, CH_ARR), cell(x, TAB_B0502, r, CH_TYPE));
            e = edge(m, s, p, TAB_B0502, r, CH_ARR, CH_PROVIDER);
            if (e == NULL)
                return CRISK_ENOMEM;
            if (!(e->labels & KIND_SUBCONTRACT_RANK) || x->ch_rank[r] < e->min_rank)
                e->min_rank = x->ch_rank[r];
            e->labels |= KIND_SUBCONTRACT_RANK;
        } else {
            e = edge(m, m->supplier_node[x->ch_recipient[r]], p, TAB_B0502, r, CH_RECIPIENT,
                     CH_PROVIDER);
            if (e == NULL)
                return CRISK_ENOMEM;
            e->labels |= KIND_SUBCONTRACT;
        }
    }
    return CRISK_OK;
}

/* The nodes arrangement `a` maps to through its live rows - its providers,
 * or its services - distinct, in row order, each with its service type. */
static size_t arrangement_targets(const mapping *m, uint32_t a, uint32_t *out, int8_t *type,
                                  size_t max)
{
    const dora_import *x = m->x;
    size_t n = 0;
    for (uint32_t r = x->arr_first[a]; r != DORA_NONE && n < max; r = x->sv_next[r]) {
        uint32_t v = x->service_nodes
            ? service_of(m, cell(x, TAB_B0202, r, SV_ARR), cell(x, TAB_B0202, r, SV_TYPE))
            : m->supplier_node[x->sv_provider[r]];
        size_t i = 0;
        while (i < n && out[i] != v)
            i++;
        if (i == n) {
            type[n] = x->sv_type[r];
            out[n++] = v;
        }
    }
    return n;
}

/* An arrangement has at most one provider per service type, so at most 19
 * providers or services. */
#define MAX_LINK_TARGETS DORA_SERVICE_TYPES

/* One B_02.03 row: IG's providers depend on EXT's; with service nodes each
 * service of IG on the services of EXT of the same type, or on all of them
 * when none has that type (§4.3). */
static int link_edges_row(mapping *m, size_t r)
{
    dora_import *x = m->x;
    uint32_t a = get1(&x->arrangements, cell(x, TAB_B0203, r, IG_ARR));
    uint32_t b = get1(&x->arrangements, cell(x, TAB_B0203, r, IG_LINKED));
    uint32_t from[MAX_LINK_TARGETS], to[MAX_LINK_TARGETS];
    int8_t from_type[MAX_LINK_TARGETS], to_type[MAX_LINK_TARGETS];
    size_t nf = arrangement_targets(m, a, from, from_type, MAX_LINK_TARGETS);
    size_t nt = arrangement_targets(m, b, to, to_type, MAX_LINK_TARGETS);
    for (size_t i = 0; i < nf; i++) {
        size_t same = 0;
        for (size_t j = 0; x->service_nodes && j < nt; j++)
            same += to_type[j] == from_type[i];
        for (size_t j = 0; j < nt; j++) {
            if (from[i] == to[j] || (same > 0 && to_type[j] != from_type[i]))
                continue;
            medge *e = edge(m, from[i], to[j], TAB_B0203, r, IG_ARR, IG_LINKED);
            if (e == NULL)
                return CRISK_ENOMEM;
            e->labels |= KIND_IG_LINK;
        }
    }
    return CRISK_OK;
}

static int link_edges(mapping *m)
{
    for (size_t r = 0; r < m->x->tab[TAB_B0203].rows; r++)
        if ((m->x->ig_flags[r] & ROW_EDGE) && link_edges_row(m, r) != CRISK_OK)
            return CRISK_ENOMEM;
    return CRISK_OK;
}

static int compare_edges(const void *pa, const void *pb)
{
    const medge *a = pa, *b = pb;
    int c = strcmp(a->from_id, b->from_id);
    return c != 0 ? c : strcmp(a->to_id, b->to_id);
}

/* "S13+S14", "intra-group:S07", "S19+intra-group:S07". */
static size_t render_types(char *buf, size_t size, uint32_t types, uint32_t ig_types)
{
    size_t o = 0;
    buf[0] = '\0';
    if (types == 0 && ig_types != 0) {
        o += (size_t)snprintf(buf, size, "intra-group:");
        types = ig_types;
        ig_types = 0;
    }
    for (int pass = 0; pass < 2; pass++) {
        uint32_t set = pass == 0 ? types : ig_types;
        for (int t = 0; t < DORA_SERVICE_TYPES && o < size; t++)
            if (set >> t & 1u)
                o += (size_t)snprintf(buf + o, size - o, "%s%s%s", o > 0 && buf[o - 1] != ':'
                                      ? "+" : "", pass ? "intra-group:" : "", dora_service_code(t));
    }
    return o;
}

static void render_kind(const medge *e, char *buf, size_t size)
{
    static const char *const uses[] = { "uses", "uses-not-significant", "uses-low",
                                        "uses-material", "uses-full" };
    size_t o = render_types(buf, size, e->types, e->ig_types);
    const char *labels[6] = {
        e->labels & KIND_PROVIDED_BY ? "provided-by" : NULL,
        e->labels & KIND_INTRA_GROUP ? "intra-group" : NULL,
        e->labels & KIND_IG_LINK ? "intra-group-link" : NULL,
        e->labels & KIND_SUBCONTRACT ? "subcontract" : NULL,
        e->labels & KIND_SUBCONTRACT_RANK ? "subcontract-r" : NULL,
        e->labels & KIND_USES ? uses[e->reliance] : NULL,
    };
    for (size_t i = 0; i < 6 && o < size; i++) {
        if (labels[i] == NULL)
            continue;
        o += (size_t)snprintf(buf + o, size - o, "%s%s", o > 0 ? "+" : "", labels[i]);
        if (i == 4 && o < size)
            o += (size_t)snprintf(buf + o, size - o, "%llu", (unsigned long long)e->min_rank);
    }
    buf[o < size ? o : size - 1] = '\0';
}

/* ---- cycles among providers ----------------------------------------------------------- */

/* Tarjan's strong components over the non-function nodes, iteratively (a
 * chain can be long).  `adj`/`start` is the edge list by source node.  Each
 * component of two or more nodes is a cycle: its members are kept in
 * `members` (component c at [first[c], first[c+1])) for the report. */
typedef struct tarjan {
    const uint32_t *start, *adj;
    uint32_t *index, *low, *stack, *call, *next_edge;
    uint32_t *comp;              /* per node: its cycle, or DORA_NONE */
    uint32_t *members, *first;   /* cycles' members, and where each begins */
    uint8_t *on_stack;
    uint32_t counter, depth, top, n_members, n_cycles;
} tarjan;

static int compare_strings(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* "dependency cycle among 3 providers: 'A', 'B', 'C' (...)" at the first
 * row (in table order) of an edge inside the cycle. */
static int report_cycle(mapping *m, const tarjan *t, uint32_t c, const medge *at)
{
    size_t n = t->first[c + 1] - t->first[c];
    const char **ids = malloc(n * sizeof *ids);
    if (ids == NULL)
        return CRISK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ids[i] = m->nodes[t->members[t->first[c] + i]].id;
    crisk__sort(ids, n, sizeof *ids, compare_strings);
    char list[CRISK_ERROR_MESSAGE_MAX], q[Q];
    size_t o = 0;
    for (size_t i = 0; i < n && o < 300; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s'%s'", i ? ", " : "",
                              crisk__quote(q, ids[i]));
    if (o >= 300)
        snprintf(list + o, sizeof list - o, ", ...");
    free(ids);
    return dora_report(m->x, m->x->tab[at->tab].display, at->line, 0, CRISK_SEV_WARNING,
                       "dependency cycle among %zu providers: %s (legal, but unusual in a "
                       "supply chain)", n, list);
}

/* Pop the component rooted at `v`; keep it if it is a cycle. */
static void pop_component(tarjan *t, uint32_t v)
{
    uint32_t bottom = t->top;
    do
        bottom--;
    while (t->stack[bottom] != v);
    uint32_t n = t->top - bottom;
    for (uint32_t i = bottom; i < t->top; i++)
        t->on_stack[t->stack[i]] = 0;
    if (n >= 2) {
        t->first[t->n_cycles] = t->n_members;
        for (uint32_t i = bottom; i < t->top; i++) {
            t->comp[t->stack[i]] = t->n_cycles;
            t->members[t->n_members++] = t->stack[i];
        }
        t->n_cycles++;
        t->first[t->n_cycles] = t->n_members;
    }
    t->top = bottom;
}

static void visit(tarjan *t, uint32_t v)
{
    t->call[t->depth++] = v;
    t->index[v] = t->low[v] = ++t->counter;
    t->stack[t->top++] = v;
    t->on_stack[v] = 1;
    t->next_edge[v] = t->start[v];
}

static void strongconnect(tarjan *t, uint32_t root)
{
    visit(t, root);
    while (t->depth > 0) {
        uint32_t v = t->call[t->depth - 1];
        if (t->next_edge[v] < t->start[v + 1]) {
            uint32_t w = t->adj[t->next_edge[v]++];
            if (t->index[w] == 0)
                visit(t, w);
            else if (t->on_stack[w] && t->index[w] < t->low[v])
                t->low[v] = t->index[w];
            continue;
        }
        t->depth--;
        if (t->depth > 0 && t->low[v] < t->low[t->call[t->depth - 1]])
            t->low[t->call[t->depth - 1]] = t->low[v];
        if (t->low[v] == t->index[v])
            pop_component(t, v);
    }
}

/* The edges by source node, functions left out (they start no cycle). */
static void provider_adjacency(const mapping *m, uint32_t *start, uint32_t *adj, uint32_t *fill)
{
    size_t n = m->n_nodes;
    for (size_t e = 0; e < m->n_edges; e++)
        if (m->nodes[m->edges[e].from].type != CRISK_NODE_FUNCTION)
            start[m->edges[e].from + 1]++;
    for (size_t v = 0; v < n; v++)
        start[v + 1] += start[v];
    memcpy(fill, start, n * sizeof *fill);
    for (size_t e = 0; e < m->n_edges; e++)
        if (m->nodes[m->edges[e].from].type != CRISK_NODE_FUNCTION)
            adj[fill[m->edges[e].from]++] = m->edges[e].to;
}

/* Report every cycle, each at its first edge: O(V + E) plus sorting the
 * members' ids. */
static int report_cycles(mapping *m, tarjan *t)
{
    const medge **at = calloc(t->n_cycles + 1, sizeof *at);
    if (at == NULL)
        return CRISK_ENOMEM;
    for (size_t e = 0; e < m->n_edges; e++) {
        const medge *d = &m->edges[e];
        uint32_t c = t->comp[d->from];
        if (c == DORA_NONE || t->comp[d->to] != c)
            continue;
        if (at[c] == NULL || d->tab < at[c]->tab || (d->tab == at[c]->tab && d->line < at[c]->line))
            at[c] = d;
    }
    int rc = CRISK_OK;
    for (uint32_t c = 0; c < t->n_cycles && rc == CRISK_OK; c++)
        rc = report_cycle(m, t, c, at[c]);
    free(at);
    return rc;
}

static int find_cycles(mapping *m)
{
    size_t n = m->n_nodes;
    tarjan t;
    memset(&t, 0, sizeof t);
    uint32_t *start = calloc(n + 2, sizeof *start), *adj = malloc((m->n_edges + 1) * sizeof *adj);
    uint32_t *arrays = calloc(9 * (n + 1), sizeof *arrays);
    t.on_stack = calloc(n + 1, 1);
    int rc = start && adj && arrays && t.on_stack ? CRISK_OK : CRISK_ENOMEM;
    if (rc == CRISK_OK) {
        uint32_t *a = arrays;
        t.index = a; a += n + 1;
        t.low = a; a += n + 1;
        t.stack = a; a += n + 1;
        t.call = a; a += n + 1;
        t.next_edge = a; a += n + 1;
        t.comp = a; a += n + 1;
        t.members = a; a += n + 1;
        t.first = a; a += n + 1;
        provider_adjacency(m, start, adj, a);   /* the last array as a cursor */
        memset(t.comp, 0xff, (n + 1) * sizeof *t.comp);
        t.start = start;
        t.adj = adj;
        for (uint32_t v = (uint32_t)m->n_functions; v < n; v++)
            if (t.index[v] == 0)
                strongconnect(&t, v);
        rc = report_cycles(m, &t);
    }
    free(start);
    free(adj);
    free(arrays);
    free(t.on_stack);
    return rc;
}

/* ---- attributes -------------------------------------------------------------------- */

typedef struct supplier_facts {
    uint32_t category_count[CRISK_CAT_COUNT];
    double spend;                /* NaN = none */
    crisk_substitutability subst;
} supplier_facts;

static const crisk_category category_rank[CRISK_CAT_COUNT] = {
    CRISK_CAT_CLOUD, CRISK_CAT_TELECOM, CRISK_CAT_HARDWARE, CRISK_CAT_SOFTWARE,
    CRISK_CAT_MANAGED_SERVICE, CRISK_CAT_OTHER
};

/* Most frequent category; ties by the order above (mapping §6). */
static crisk_category supplier_category(const supplier_facts *f)
{
    crisk_category best = CRISK_CAT_OTHER;
    uint32_t best_n = 0;
    for (int i = 0; i < CRISK_CAT_COUNT; i++)
        if (f->category_count[category_rank[i]] > best_n) {
            best_n = f->category_count[category_rank[i]];
            best = category_rank[i];
        }
    return best;
}

static crisk_substitutability native_subst(int dora_index)
{
    static const crisk_substitutability map[4] = { CRISK_SUBST_NONE, CRISK_SUBST_HARD,
                                                   CRISK_SUBST_MEDIUM, CRISK_SUBST_EASY };
    return dora_index >= 0 && dora_index < 4 ? map[dora_index] : CRISK_SUBST_UNSET;
}

/* Spend is one currency (DESIGN §3): the first currency seen is the rule,
 * and the first value in another is reported once, not converted. */
typedef struct currency_check {
    const char *first;
    dora_tab tab;
    size_t row;
    int warned;
} currency_check;

static int check_currency(dora_import *x, currency_check *c, dora_tab t, size_t row, size_t col)
{
    const char *cur = cell(x, t, row, col);
    if (cur[0] == '\0' || c->warned)
        return CRISK_OK;
    if (c->first == NULL) {
        *c = (currency_check){ cur, t, row, 0 };
        return CRISK_OK;
    }
    if (cur == c->first)
        return CRISK_OK;
    c->warned = 1;
    return dora_report_cell(x, t, row, col, CRISK_SEV_WARNING,
                            "currency %s differs from %s (%s:%zu): spend is not converted", cur,
                            c->first, x->tab[c->tab].display, x->tab[c->tab].line[c->row]);
}

/* Spend from B_05.01 c0100, else the sum of B_02.01 c0050 over the
 * provider's live arrangements (each arrangement once). */
static int supplier_spend(mapping *m, supplier_facts *facts, currency_check *cur)
{
    dora_import *x = m->x;
    const dora_table *p = &x->tab[TAB_B0501], *a = &x->tab[TAB_B0201];
    int rc = CRISK_OK;
    for (size_t r = 0; r < p->rows && rc == CRISK_OK; r++) {
        double v;
        facts[r].spend = NAN;
        if (m->supplier_node[r] == DORA_NONE || dora_cell(p, r, PV_EXPENSE)[0] == '\0')
            continue;
        if (dora_parse_amount(dora_cell(p, r, PV_EXPENSE), &v) == 0)
            facts[r].spend = v;
        rc = check_currency(x, cur, TAB_B0501, r, PV_CURRENCY);
    }
    for (uint32_t ar = 0; ar < a->rows && rc == CRISK_OK; ar++) {
        double v;
        if (dora_parse_amount(dora_cell(a, ar, AR_EXPENSE), &v) != 0)
            continue;
        int counted = 0;
        for (uint32_t r = x->arr_first[ar]; r != DORA_NONE; r = x->sv_next[r]) {
            supplier_facts *f = &facts[x->sv_provider[r]];
            int seen = 0;   /* the provider's earlier row of this arrangement */
            for (uint32_t s = x->arr_first[ar]; s != r; s = x->sv_next[s])
                seen |= x->sv_provider[s] == x->sv_provider[r];
            if (seen || dora_cell(p, x->sv_provider[r], PV_EXPENSE)[0] != '\0')
                continue;
            f->spend = isnan(f->spend) ? v : f->spend + v;
            counted = 1;
        }
        if (counted)
            rc = check_currency(x, cur, TAB_B0201, ar, AR_CURRENCY);
    }
    return rc;
}

static int supplier_facts_compute(mapping *m, supplier_facts *facts)
{
    dora_import *x = m->x;
    char hint[8];
    for (size_t r = 0; r < x->tab[TAB_B0202].rows; r++)
        if (is_service_head(x, r))
            facts[x->sv_provider[r]].category_count[dora_service_category(x->sv_type[r])]++;
    for (size_t r = 0; r < x->tab[TAB_B0701].rows; r++) {
        if (!(x->as_flags[r] & ROW_EDGE))
            continue;
        const char *v = cell(x, TAB_B0701, r, AS_SUBST);
        crisk_substitutability s = v[0]
            ? native_subst(dora_list_find(&dora_list_substitutability, v, hint, sizeof hint))
            : CRISK_SUBST_UNSET;
        supplier_facts *f = &facts[get1(&x->providers, cell(x, TAB_B0701, r, AS_PROVIDER))];
        if (s > f->subst)
            f->subst = s;   /* the enum grows toward "none": least substitutable wins */
        const void *k[3] = { cell(x, TAB_B0701, r, AS_ARR), cell(x, TAB_B0701, r, AS_PROVIDER),
                             cell(x, TAB_B0701, r, AS_TYPE) };
        if (dora_map_put(&m->assessment, k, (uint32_t)r) == DORA_ENOMEM)
            return CRISK_ENOMEM;
    }
    currency_check cur = { NULL, TAB_B0501, 0, 0 };
    return supplier_spend(m, facts, &cur);
}

/* "eba_GA:DE" -> "DE"; x28 (other countries) and qx2007 (not applicable)
 * give no country. */
static const char *country_of(const char *v)
{
    if (strncmp(v, "eba_GA:", 7) != 0 || strcmp(v + 7, "x28") == 0 || strcmp(v + 7, "qx2007") == 0)
        return "";
    return v + 7;
}

static const char *supplier_name(const dora_import *x, size_t r)
{
    const char *latin = cell(x, TAB_B0501, r, PV_LATIN_NAME);
    return latin[0] ? latin : cell(x, TAB_B0501, r, PV_LEGAL_NAME);
}

/* ---- adding the records --------------------------------------------------------------- */

static int add_function(mapping *m, const mnode *n)
{
    dora_import *x = m->x;
    const dora_table *t = &x->tab[TAB_B0601];
    size_t r = n->row;
    char hint[8];
    const char *crit = dora_cell(t, r, FN_CRITICALITY), *impact = dora_cell(t, r, FN_IMPACT);
    int base = crit[0] ? dora_list_find(&dora_list_criticality, crit, hint, sizeof hint)
                       : DORA_CRIT_NOT_ASSESSED;
    int bonus = impact[0] ? dora_list_find(&dora_list_impact, impact, hint, sizeof hint)
                          : DORA_IMPACT_NOT_ASSESSED;
    uint64_t rto = 0;
    crisk_node_record rec;
    crisk_node_record_init(&rec);
    rec.id = n->id;
    rec.name = dora_cell(t, r, FN_NAME);
    rec.type = CRISK_NODE_FUNCTION;
    rec.criticality = x->weights.base[base] + x->weights.bonus[bonus];
    if (dora_parse_natural(dora_cell(t, r, FN_RTO), &rto) == 0 && rto > 0)
        rec.rto_hours = (double)rto;
    static const char *const names[2] = { "lei", "rpo_hours" };
    const char *values[2] = { dora_cell(t, r, FN_LEI), dora_cell(t, r, FN_RPO) };
    rec.attr_count = 2;
    rec.attr_names = names;
    rec.attr_values = values;
    rec.line = t->line[r];
    rec.id_column = t->pos[FN_ID];
    return crisk_builder_add_node(x->b, x->source[TAB_B0601], &rec, x->diags, x->err);
}

/* A provider's parent: its ultimate parent (c0110), else itself. */
static const char *supplier_parent(const dora_import *x, size_t r)
{
    const char *parent = cell(x, TAB_B0501, r, PV_PARENT);
    return parent[0] ? parent : cell(x, TAB_B0501, r, PV_CODE);
}

static int add_supplier(mapping *m, const mnode *n, const supplier_facts *f)
{
    dora_import *x = m->x;
    const dora_table *t = &x->tab[TAB_B0501];
    size_t r = n->row;
    crisk_node_record rec;
    crisk_node_record_init(&rec);
    rec.id = n->id;
    rec.name = supplier_name(x, r);
    rec.type = CRISK_NODE_SUPPLIER;
    rec.category = supplier_category(f);
    rec.spend = f->spend;
    rec.country = country_of(dora_cell(t, r, PV_COUNTRY));
    rec.parent = supplier_parent(x, r);
    rec.substitutability = f->subst;
    rec.line = t->line[r];
    rec.id_column = t->pos[PV_CODE];
    return crisk_builder_add_node(x->b, x->source[TAB_B0501], &rec, x->diags, x->err);
}

static int add_service(mapping *m, const mnode *n)
{
    dora_import *x = m->x;
    const dora_table *t = &x->tab[TAB_B0202];
    size_t r = n->row;
    const char *arr = dora_cell(t, r, SV_ARR), *type = dora_cell(t, r, SV_TYPE);
    char name[2 * CRISK_MAX_FIELD_BYTES + 160], hint[8];
    snprintf(name, sizeof name, "%s %s (%s)", arr, dora_service_label(x->sv_type[r]),
             supplier_name(x, x->sv_provider[r]));
    crisk_node_record rec;
    crisk_node_record_init(&rec);
    rec.id = n->id;
    rec.name = name;
    rec.type = CRISK_NODE_SERVICE;
    rec.category = dora_service_category(x->sv_type[r]);
    /* A service is its provider's offering: it belongs to the provider's
     * group and country (so concentration by parent or country counts it
     * with its provider, and shared does not take the provider for an Nth
     * party of it: docs/metrics.md, "Own services").  Where it is
     * provided (c0130) is kept as an attribute. */
    size_t provider = x->sv_provider[r];
    rec.parent = supplier_parent(x, provider);
    rec.country = country_of(cell(x, TAB_B0501, provider, PV_COUNTRY));
    const char *provision = "";
    for (uint32_t s = r; s != DORA_NONE && provision[0] == '\0'; s = x->sv_next[s])
        if (dora_cell(t, s, SV_TYPE) == type)
            provision = country_of(dora_cell(t, s, SV_PROVISION));
    static const char *const names[1] = { "provision_country" };
    const char *values[1] = { provision };
    rec.attr_count = 1;
    rec.attr_names = names;
    rec.attr_values = values;
    const void *k[3] = { arr, dora_cell(t, r, SV_PROVIDER), type };
    uint32_t as = dora_map_get(&m->assessment, k);
    const char *subst = as != DORA_NONE ? cell(x, TAB_B0701, as, AS_SUBST) : "";
    if (subst[0] != '\0')
        rec.substitutability = native_subst(dora_list_find(&dora_list_substitutability, subst,
                                                           hint, sizeof hint));
    rec.line = t->line[r];
    rec.id_column = t->pos[SV_ARR];
    return crisk_builder_add_node(x->b, x->source[TAB_B0202], &rec, x->diags, x->err);
}

static int add_nodes(mapping *m)
{
    dora_import *x = m->x;
    supplier_facts *facts = calloc(x->tab[TAB_B0501].rows + 1, sizeof *facts);
    if (facts == NULL)
        return CRISK_ENOMEM;
    int rc = supplier_facts_compute(m, facts);
    for (size_t v = 0; v < m->n_nodes && rc == CRISK_OK; v++) {
        const mnode *n = &m->nodes[v];
        rc = n->type == CRISK_NODE_FUNCTION ? add_function(m, n)
           : n->type == CRISK_NODE_SUPPLIER ? add_supplier(m, n, &facts[n->row])
           : add_service(m, n);
    }
    free(facts);
    return rc;
}

static int add_edges(mapping *m)
{
    dora_import *x = m->x;
    char kind[512];
    for (size_t i = 0; i < m->n_edges; i++) {
        const medge *e = &m->edges[i];
        render_kind(e, kind, sizeof kind);
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rec.from = e->from_id;
        rec.to = e->to_id;
        rec.kind = kind;
        rec.line = e->line;
        rec.from_column = e->from_col;
        rec.to_column = e->to_col;
        int rc = crisk_builder_add_edge(x->b, x->source[e->tab], &rec, x->diags, x->err);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

/* ---- notes ----------------------------------------------------------------------------- */

void dora_idlist_add(dora_idlist *l, const char *id)
{
    if (l->count < DORA_NOTE_IDS)
        l->ids[l->count] = id;
    l->count++;
}

static void render_ids(char *buf, size_t size, const dora_idlist *l)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->count && i < DORA_NOTE_IDS && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", l->ids[i]);
    if (l->count > DORA_NOTE_IDS && o < size)
        snprintf(buf + o, size - o, " and %zu more", l->count - DORA_NOTE_IDS);
}

static int note(dora_import *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int note(dora_import *x, const char *fmt, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return crisk_builder_add_note(x->b, text, x->err);
}

static int add_notes(dora_import *x)
{
    char ids[2048];
    int rc = note(x, "dora mapping: %s, chains=%s, criticality: %s",
                  x->service_nodes ? "service nodes" : "provider level",
                  x->chains_service ? "service" : "provider", x->weights_text);
    if (rc == CRISK_OK)
        rc = note(x, "dora package: %s, refPeriod %s", dora_package_label(&x->pkg),
                  x->ref_period[0] ? x->ref_period : "not given");
    for (uint32_t a = 0; a < x->tab[TAB_B0201].rows; a++) {
        if (x->arr_rows[a] == 0)
            dora_idlist_add(&x->no_service, cell(x, TAB_B0201, a, AR_REF));
        else if (x->arr_live[a] == 0)
            dora_idlist_add(&x->ended, cell(x, TAB_B0201, a, AR_REF));
    }
    if (rc == CRISK_OK && x->ended_rows > 0) {
        render_ids(ids, sizeof ids, &x->ended);
        rc = x->ended.count > 0
            ? note(x, "dora: %zu ended B_02.02 row%s dropped; ended arrangements: %s",
                   x->ended_rows, x->ended_rows == 1 ? "" : "s", ids)
            : note(x, "dora: %zu ended B_02.02 row%s dropped", x->ended_rows,
                   x->ended_rows == 1 ? "" : "s");
    }
    if (rc == CRISK_OK && x->no_service.count > 0) {
        render_ids(ids, sizeof ids, &x->no_service);
        rc = note(x, "dora: arrangements without a service in B_02.02 (no edge): %s", ids);
    }
    if (rc == CRISK_OK && x->unused.count > 0) {
        render_ids(ids, sizeof ids, &x->unused);
        rc = note(x, "dora: B_05.01 rows used by nothing (not nodes): %s", ids);
    }
    return rc;
}

/* ---- the stage --------------------------------------------------------------------------- */

static int build(mapping *m)
{
    dora_import *x = m->x;
    size_t na = x->tab[TAB_B0601].rows + 1, np = x->tab[TAB_B0501].rows + 1;
    m->function_node = malloc(na * sizeof *m->function_node);
    m->supplier_node = malloc(np * sizeof *m->supplier_node);
    if (m->function_node == NULL || m->supplier_node == NULL)
        return CRISK_ENOMEM;
    memset(m->supplier_node, 0xff, np * sizeof *m->supplier_node);
    int rc = collect_nodes(m);
    if (rc == CRISK_OK) rc = index_nodes(m);
    if (rc != CRISK_OK || x->diags->errors > x->errors_at_start)
        return rc;
    rc = service_edges(m);
    if (rc == CRISK_OK) rc = chain_edges(m);
    if (rc == CRISK_OK) rc = link_edges(m);
    if (rc == CRISK_OK) rc = find_cycles(m);
    if (rc != CRISK_OK)
        return rc;
    crisk__sort(m->edges, m->n_edges, sizeof *m->edges, compare_edges);
    rc = add_notes(x);
    if (rc == CRISK_OK) rc = add_nodes(m);
    if (rc == CRISK_OK) rc = add_edges(m);
    return rc;
}

int dora_map_records(dora_import *x)
{
    mapping m;
    memset(&m, 0, sizeof m);
    m.x = x;
    dora_map_init(&m.service_node, 2);
    dora_map_init(&m.node_ids, 1);
    dora_map_init(&m.edge_index, 2);
    dora_map_init(&m.assessment, 3);
    int rc = build(&m);
    free(m.nodes);
    free(m.function_node);
    free(m.supplier_node);
    free(m.edges);
    dora_map_release(&m.service_node);
    dora_map_release(&m.node_ids);
    dora_map_release(&m.edge_index);
    dora_map_release(&m.assessment);
    return rc;
}
