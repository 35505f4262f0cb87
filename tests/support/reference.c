/*
 * reference.c - the naive reference model of DESIGN §4-§5 (see reference.h).
 *
 * Written from the definitions only.  No cleverness: every cascade is a
 * series of full passes over all groups, every reachability question one DFS,
 * every sort an insertion sort by a comparator that spells out the order.
 */
#include "reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Test support: running out of memory ends the test worker (not assert,
 * which NDEBUG removes in release builds). */
static void *must(void *p)
{
    if (p == NULL) {
        fputs("reference: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void *xmalloc(size_t size)
{
    return must(malloc(size ? size : 1));
}

static void *xcalloc(size_t count, size_t size)
{
    return must(calloc(count ? count : 1, size ? size : 1));
}

static void *xrealloc(void *p, size_t size)
{
    return must(realloc(p, size ? size : 1));
}

/* ---- the model ------------------------------------------------------------ */

void ref_model_init(ref_model *g)
{
    memset(g, 0, sizeof *g);
}

void ref_model_release(ref_model *g)
{
    free(g->nodes);
    free(g->edges);
    memset(g, 0, sizeof *g);
}

void ref_model_copy(ref_model *dst, const ref_model *src)
{
    ref_model_init(dst);
    dst->n = dst->node_cap = src->n;
    dst->m = dst->edge_cap = src->m;
    dst->nodes = xmalloc((size_t)src->n * sizeof *dst->nodes);
    dst->edges = xmalloc((size_t)src->m * sizeof *dst->edges);
    if (src->n)
        memcpy(dst->nodes, src->nodes, (size_t)src->n * sizeof *dst->nodes);
    if (src->m)
        memcpy(dst->edges, src->edges, (size_t)src->m * sizeof *dst->edges);
}

int ref_add_node(ref_model *g, const char *id, crisk_node_type type)
{
    if (g->n == g->node_cap) {
        g->node_cap = g->node_cap ? 2 * g->node_cap : 16;
        g->nodes = xrealloc(g->nodes, (size_t)g->node_cap * sizeof *g->nodes);
    }
    ref_node *nd = &g->nodes[g->n];
    memset(nd, 0, sizeof *nd);
    snprintf(nd->id, sizeof nd->id, "%s", id);
    nd->type = type;
    nd->criticality = 1.0;
    nd->rto_hours = NAN;
    nd->recovery_hours = NAN;
    return g->n++;
}

int ref_add_edge(ref_model *g, int from, int to, const char *group, int need)
{
    if (g->m == g->edge_cap) {
        g->edge_cap = g->edge_cap ? 2 * g->edge_cap : 16;
        g->edges = xrealloc(g->edges, (size_t)g->edge_cap * sizeof *g->edges);
    }
    ref_edge *e = &g->edges[g->m];
    memset(e, 0, sizeof *e);
    e->from = from;
    e->to = to;
    snprintf(e->group, sizeof e->group, "%s", group ? group : "");
    e->need = need;
    return g->m++;
}

void ref_remove_edge(ref_model *g, int e)
{
    memmove(&g->edges[e], &g->edges[e + 1], (size_t)(g->m - e - 1) * sizeof *g->edges);
    g->m--;
}

void ref_remove_node(ref_model *g, int v)
{
    for (int e = g->m - 1; e >= 0; e--)
        if (g->edges[e].from == v || g->edges[e].to == v)
            ref_remove_edge(g, e);
    for (int e = 0; e < g->m; e++) {
        if (g->edges[e].from > v)
            g->edges[e].from--;
        if (g->edges[e].to > v)
            g->edges[e].to--;
    }
    memmove(&g->nodes[v], &g->nodes[v + 1], (size_t)(g->n - v - 1) * sizeof *g->nodes);
    g->n--;
}

static int same_group(const ref_edge *a, const ref_edge *b)
{
    return a->from == b->from && a->group[0] != '\0' && strcmp(a->group, b->group) == 0;
}

void ref_fix_needs(ref_model *g)
{
    for (int e = 0; e < g->m; e++) {
        ref_edge *ed = &g->edges[e];
        if (ed->group[0] == '\0') {
            if (ed->need > 1)
                ed->need = 1;
            continue;
        }
        int size = 0, need = 0;
        for (int f = 0; f < g->m; f++)
            if (same_group(ed, &g->edges[f])) {
                size++;
                if (g->edges[f].need > need)
                    need = g->edges[f].need;
            }
        if (need > size)
            need = size;
        for (int f = 0; f < g->m; f++)
            if (same_group(ed, &g->edges[f]))
                g->edges[f].need = need;
    }
}

/* ---- building the inventory ---------------------------------------------- */

static int first_error(const crisk_diagnostics *d, char *why, size_t why_size)
{
    if (why == NULL || why_size == 0)
        return 0;
    why[0] = '\0';
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == CRISK_SEV_ERROR) {
            crisk_diag_format(&d->items[i], why, why_size);
            break;
        }
    return 0;
}

static int add_nodes(crisk_builder *b, const ref_model *g, crisk_diagnostics *d, crisk_error *err)
{
    size_t src;
    int rc = crisk_builder_add_source(b, &src, "nodes.csv", "nodes", NULL, 0, err);
    for (int i = 0; rc == CRISK_OK && i < g->n; i++) {
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rec.id = g->nodes[i].id;
        rec.type = g->nodes[i].type;
        rec.criticality = g->nodes[i].criticality;
        rec.rto_hours = g->nodes[i].rto_hours;
        rec.recovery_hours = g->nodes[i].recovery_hours;
        rec.parent = g->nodes[i].parent[0] ? g->nodes[i].parent : NULL;
        rec.line = (size_t)i + 2;
        rec.id_column = 1;
        rc = crisk_builder_add_node(b, src, &rec, d, err);
    }
    if (rc == CRISK_OK)
        crisk_builder_set_source_rows(b, src, (size_t)g->n);
    return rc;
}

static int add_edges(crisk_builder *b, const ref_model *g, crisk_diagnostics *d, crisk_error *err)
{
    size_t src;
    int rc = crisk_builder_add_source(b, &src, "edges.csv", "edges", NULL, 0, err);
    for (int i = 0; rc == CRISK_OK && i < g->m; i++) {
        const ref_edge *e = &g->edges[i];
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rec.from = g->nodes[e->from].id;
        rec.to = g->nodes[e->to].id;
        rec.group = e->group[0] ? e->group : NULL;
        rec.need = (size_t)e->need;
        rec.line = (size_t)i + 2;
        rec.from_column = 1;
        rec.to_column = 2;
        rec.group_column = 3;
        rec.need_column = 4;
        rc = crisk_builder_add_edge(b, src, &rec, d, err);
    }
    if (rc == CRISK_OK)
        crisk_builder_set_source_rows(b, src, (size_t)g->m);
    return rc;
}

int ref_model_build(const ref_model *g, crisk_inventory **out, char *why, size_t why_size)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_diagnostics diags;
    crisk_builder *b = NULL;
    crisk_diagnostics_init(&diags);
    *out = NULL;
    if (why && why_size)
        why[0] = '\0';
    int rc = crisk_builder_new(&b, &err);
    if (rc != CRISK_OK)
        goto out;
    crisk_builder_begin_input(b);
    rc = add_nodes(b, g, &diags, &err);
    if (rc == CRISK_OK)
        rc = add_edges(b, g, &diags, &err);
    if (rc == CRISK_OK)
        rc = crisk_builder_finish(b, out, &diags, &err);
out:
    if (rc != CRISK_OK) {
        first_error(&diags, why, why_size);
        if (why && why_size && why[0] == '\0')
            crisk_error_format(&err, why, why_size);
    }
    crisk_builder_free(b);
    crisk_diagnostics_release(&diags);
    return rc;
}

static void print_number(FILE *f, double x)
{
    if (!isnan(x))
        fprintf(f, "%g", x);
}

void ref_model_print_csv(const ref_model *g, FILE *f)
{
    fprintf(f, "--- nodes.csv\nid,type,criticality,rto_hours,recovery_hours,parent\n");
    for (int i = 0; i < g->n; i++) {
        const ref_node *nd = &g->nodes[i];
        fprintf(f, "%s,%s,%g,", nd->id, crisk_node_type_name(nd->type), nd->criticality);
        print_number(f, nd->rto_hours);
        fputc(',', f);
        print_number(f, nd->recovery_hours);
        fprintf(f, ",%s\n", nd->parent);
    }
    fprintf(f, "--- edges.csv\nfrom,to,group,need\n");
    for (int i = 0; i < g->m; i++) {
        const ref_edge *e = &g->edges[i];
        fprintf(f, "%s,%s,%s,", g->nodes[e->from].id, g->nodes[e->to].id, e->group);
        if (e->need)
            fprintf(f, "%d", e->need);
        fputc('\n', f);
    }
    fprintf(f, "---\n");
}

/* ---- groups ---------------------------------------------------------------- */

/* The group of edge e among those already derived, or -1. */
static int find_group(const ref_groups *gs, const ref_edge *e)
{
    if (e->group[0] == '\0')
        return -1;
    for (int i = 0; i < gs->count; i++)
        if (gs->items[i].owner == e->from && strcmp(gs->items[i].label, e->group) == 0)
            return i;
    return -1;
}

/* Two passes: assign every edge its group (creating groups in edge order),
 * then fill the members. */
void ref_groups_derive(ref_groups *out, const ref_model *g)
{
    int *group_of = xmalloc((size_t)g->m * sizeof *group_of);
    out->count = 0;
    out->items = xcalloc((size_t)g->m, sizeof *out->items);
    for (int e = 0; e < g->m; e++) {
        const ref_edge *ed = &g->edges[e];
        int gi = find_group(out, ed);
        if (gi < 0) {
            gi = out->count++;
            ref_group *grp = &out->items[gi];
            grp->owner = ed->from;
            snprintf(grp->label, sizeof grp->label, "%s", ed->group);
            grp->need = ed->need > 0 ? ed->need : 1;
        }
        out->items[gi].size++;
        group_of[e] = gi;
    }
    for (int gi = 0; gi < out->count; gi++) {
        out->items[gi].members = xmalloc((size_t)out->items[gi].size * sizeof(int));
        out->items[gi].size = 0;
    }
    for (int e = 0; e < g->m; e++) {
        ref_group *grp = &out->items[group_of[e]];
        grp->members[grp->size++] = g->edges[e].to;
    }
    free(group_of);
}

void ref_groups_release(ref_groups *gs)
{
    for (int i = 0; i < gs->count; i++)
        free(gs->items[i].members);
    free(gs->items);
    gs->items = NULL;
    gs->count = 0;
}

/* ---- cascades -------------------------------------------------------------- */

int ref_group_is_down(const ref_groups *gs, int gi, const unsigned char *failed)
{
    const ref_group *grp = &gs->items[gi];
    int working = 0;
    for (int i = 0; i < grp->size; i++)
        if (!failed[grp->members[i]])
            working++;
    return working < grp->need;
}

void ref_cascade(const ref_model *g, const ref_groups *gs, unsigned char *failed)
{
    (void)g;
    int changed = 1;
    while (changed) {
        changed = 0;
        for (int gi = 0; gi < gs->count; gi++) {
            int owner = gs->items[gi].owner;
            if (!failed[owner] && ref_group_is_down(gs, gi, failed)) {
                failed[owner] = 1;
                changed = 1;
            }
        }
    }
}

void ref_cascade_rounds(const ref_model *g, const ref_groups *gs,
                        const unsigned char *initial, int *round)
{
    unsigned char *before = xmalloc((size_t)g->n);
    for (int v = 0; v < g->n; v++)
        round[v] = initial[v] ? 0 : -1;
    for (int r = 1;; r++) {
        /* Only the failures of rounds < r count in round r (Jacobi, not
         * Gauss-Seidel: a node failing in this round does not help another). */
        for (int v = 0; v < g->n; v++)
            before[v] = round[v] >= 0;
        int changed = 0;
        for (int gi = 0; gi < gs->count; gi++) {
            int owner = gs->items[gi].owner;
            if (round[owner] < 0 && ref_group_is_down(gs, gi, before)) {
                round[owner] = r;
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    free(before);
}

/* ---- outage durations ------------------------------------------------------ */

/* The durations with unknowns replaced: lo = half the smallest positive
 * duration given (or 1), hi = twice the largest plus one. */
static void substitute_unknowns(const ref_outage *initial, int n, int hi, double *value,
                                double *unknown)
{
    double min_pos = INFINITY, max = 0;
    for (int i = 0; i < n; i++) {
        double h = initial[i].hours;
        if (isnan(h))
            continue;
        if (h > 0 && h < min_pos)
            min_pos = h;
        if (h > max)
            max = h;
    }
    *unknown = hi ? 2 * max + 1 : (isinf(min_pos) ? 1 : min_pos / 2);
    for (int i = 0; i < n; i++)
        value[i] = isnan(initial[i].hours) ? *unknown : initial[i].hours;
}

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* Downtimes with concrete values, "at every instant". */
static void instants_concrete(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                              const double *value, int n, double *down)
{
    double *times = xmalloc(((size_t)n + 1) * sizeof *times);
    unsigned char *failed = xmalloc((size_t)g->n + 1);
    int k = 0;
    times[k++] = 0;
    for (int i = 0; i < n; i++)
        times[k++] = value[i];
    qsort(times, (size_t)k, sizeof *times, compare_double);
    for (int v = 0; v < g->n; v++)
        down[v] = 0;
    for (int j = 0; j < k; j++) {
        if (j > 0 && times[j] == times[j - 1])
            continue;
        double t = times[j], next = INFINITY;
        for (int i = j + 1; i < k && isinf(next); i++)
            if (times[i] > t)
                next = times[i];
        if (isinf(next))
            break;   /* nothing is down after the last time */
        memset(failed, 0, (size_t)g->n);
        for (int i = 0; i < n; i++)
            if (value[i] > t)
                failed[initial[i].node] = 1;
        ref_cascade(g, gs, failed);
        /* down during [t, next): its downtime reaches next at least */
        for (int v = 0; v < g->n; v++)
            if (failed[v] && next > down[v])
                down[v] = next;
    }
    free(failed);
    free(times);
}

/* The (rank)-th largest of the members' downtimes (rank 1 = largest). */
static double ranked_member(const ref_group *grp, const double *down, int rank)
{
    double *x = xmalloc(((size_t)grp->size + 1) * sizeof *x);
    for (int i = 0; i < grp->size; i++)
        x[i] = down[grp->members[i]];
    qsort(x, (size_t)grp->size, sizeof *x, compare_double);
    double r = x[grp->size - rank];
    free(x);
    return r;
}

static void fixpoint_concrete(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                              const double *value, int n, double *down)
{
    double *own = xcalloc((size_t)g->n + 1, sizeof *own);
    for (int i = 0; i < n; i++)
        if (value[i] > own[initial[i].node])
            own[initial[i].node] = value[i];
    for (int v = 0; v < g->n; v++)
        down[v] = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int v = 0; v < g->n; v++) {
            double d = own[v];
            for (int gi = 0; gi < gs->count; gi++) {
                const ref_group *grp = &gs->items[gi];
                if (grp->owner != v)
                    continue;
                double x = ranked_member(grp, down, grp->size - grp->need + 1);
                if (x > d)
                    d = x;
            }
            if (d != down[v]) {
                down[v] = d;
                changed = 1;
            }
        }
    }
    free(own);
}

typedef void (*concrete_fn)(const ref_model *, const ref_groups *, const ref_outage *,
                            const double *, int, double *);

static void downtime_bounds(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                            int n, ref_downtime *out, concrete_fn concrete)
{
    double *value = xmalloc(((size_t)n + 1) * sizeof *value);
    double *down = xmalloc(((size_t)g->n + 1) * sizeof *down);
    unsigned char *failed = xcalloc((size_t)g->n + 1, 1);
    double unknown;
    for (int i = 0; i < n; i++)
        failed[initial[i].node] = 1;
    ref_cascade(g, gs, failed);
    for (int hi = 0; hi <= 1; hi++) {
        substitute_unknowns(initial, n, hi, value, &unknown);
        int any_unknown = 0;
        for (int i = 0; i < n; i++)
            any_unknown |= isnan(initial[i].hours);
        concrete(g, gs, initial, value, n, down);
        for (int v = 0; v < g->n; v++) {
            int is_unknown = any_unknown && down[v] == unknown;
            out[v].failed = failed[v];
            if (hi) {
                out[v].hi = is_unknown ? INFINITY : down[v];
            } else {
                out[v].lo = is_unknown ? 0 : down[v];
                out[v].lo_open = is_unknown;
            }
        }
    }
    free(failed);
    free(down);
    free(value);
}

void ref_downtime_instants(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                           int n, ref_downtime *out)
{
    downtime_bounds(g, gs, initial, n, out, instants_concrete);
}

void ref_downtime_fixpoint(const ref_model *g, const ref_groups *gs, const ref_outage *initial,
                           int n, ref_downtime *out)
{
    downtime_bounds(g, gs, initial, n, out, fixpoint_concrete);
}

/* ---- metrics --------------------------------------------------------------- */

static int is_function(const ref_model *g, int v)
{
    return g->nodes[v].type == CRISK_NODE_FUNCTION;
}

/* Out-lists of the from -> to edges (CSR), so that one DFS costs O(V + E). */
typedef struct adjacency {
    int *start;   /* n + 1 */
    int *to;      /* m */
} adjacency;

static void adjacency_build(adjacency *adj, const ref_model *g)
{
    adj->start = xcalloc((size_t)g->n + 1, sizeof *adj->start);
    adj->to = xmalloc((size_t)g->m * sizeof *adj->to);
    for (int e = 0; e < g->m; e++)
        adj->start[g->edges[e].from + 1]++;
    for (int v = 0; v < g->n; v++)
        adj->start[v + 1] += adj->start[v];
    int *fill = xmalloc((size_t)g->n * sizeof *fill + 1);
    for (int v = 0; v < g->n; v++)
        fill[v] = adj->start[v];
    for (int e = 0; e < g->m; e++)
        adj->to[fill[g->edges[e].from]++] = g->edges[e].to;
    free(fill);
}

static void adjacency_release(adjacency *adj)
{
    free(adj->start);
    free(adj->to);
}

/* Tier: multi-source BFS from every function along from -> to. */
static void compute_tiers(const ref_model *g, const adjacency *adj, long *tier)
{
    int *queue = xmalloc((size_t)g->n * sizeof *queue + 1);
    int head = 0, tail = 0;
    for (int v = 0; v < g->n; v++) {
        tier[v] = is_function(g, v) ? 0 : -1;
        if (tier[v] == 0)
            queue[tail++] = v;
    }
    while (head < tail) {
        int u = queue[head++];
        for (int i = adj->start[u]; i < adj->start[u + 1]; i++)
            if (tier[adj->to[i]] < 0) {
                tier[adj->to[i]] = tier[u] + 1;
                queue[tail++] = adj->to[i];
            }
    }
    free(queue);
}

/* reaches[u*n+v] = 1 iff v != u and a from -> to path leads from u to v:
 * one plain DFS per node. */
static void compute_reachability(const ref_model *g, const adjacency *adj, unsigned char *reaches)
{
    int n = g->n;
    int *stack = xmalloc(((size_t)n + 1) * sizeof *stack);   /* each node is pushed once, u twice */
    unsigned char *seen = xmalloc((size_t)n + 1);
    for (int u = 0; u < n; u++) {
        memset(seen, 0, (size_t)n);
        int top = 0;
        stack[top++] = u;
        while (top > 0) {
            int x = stack[--top];
            for (int i = adj->start[x]; i < adj->start[x + 1]; i++) {
                int y = adj->to[i];
                if (!seen[y]) {
                    seen[y] = 1;
                    stack[top++] = y;
                }
            }
        }
        for (int v = 0; v < n; v++)
            reaches[(size_t)u * n + v] = seen[v] && v != u;
    }
    free(seen);
    free(stack);
}

/* direct[u*n+v] = 1 iff some edge u -> v exists (in any group). */
static void compute_direct(const ref_model *g, unsigned char *direct)
{
    memset(direct, 0, (size_t)g->n * g->n);
    for (int e = 0; e < g->m; e++)
        direct[(size_t)g->edges[e].from * g->n + g->edges[e].to] = 1;
}

static void compute_single_failures(const ref_model *g, const ref_groups *gs, unsigned char *single)
{
    int n = g->n;
    for (int p = 0; p < n; p++) {
        unsigned char *row = &single[(size_t)p * n];
        memset(row, 0, (size_t)n);
        row[p] = 1;
        ref_cascade(g, gs, row);
    }
}

/* u is an own service of p: a service with an edge to p, in p's provider
 * group (its parent, or the node itself without one). */
static int is_own_service(const ref_model *g, int u, int p)
{
    if (u == p || g->nodes[u].type != CRISK_NODE_SERVICE)
        return 0;
    const char *gu = g->nodes[u].parent[0] ? g->nodes[u].parent : g->nodes[u].id;
    const char *gp = g->nodes[p].parent[0] ? g->nodes[p].parent : g->nodes[p].id;
    if (strcmp(gu, gp) != 0)
        return 0;
    for (int e = 0; e < g->m; e++)
        if (g->edges[e].from == u && g->edges[e].to == p)
            return 1;
    return 0;
}

static void dependant_metrics(ref_analysis *a, const ref_model *g, const unsigned char *direct,
                              const long *tier, int p)
{
    int n = g->n;
    ref_metrics *mt = &a->metrics[p];
    for (int u = 0; u < n; u++) {
        mt->direct_dependants += direct[(size_t)u * n + p];
        if (!a->reaches[(size_t)u * n + p])
            continue;
        mt->dependants++;
        if (tier[u] == 1 && !is_own_service(g, u, p))
            mt->tier1_dependants++;
        if (is_function(g, u)) {
            mt->functions++;
            mt->exposure += g->nodes[u].criticality;
        }
    }
}

static void impact_metrics(ref_analysis *a, const ref_model *g, int p)
{
    int n = g->n;
    ref_metrics *mt = &a->metrics[p];
    double recovery = g->nodes[p].recovery_hours;
    for (int f = 0; f < n; f++) {
        if (f == p || !is_function(g, f) || !a->single[(size_t)p * n + f])
            continue;
        mt->impact++;
        mt->impact_weight += g->nodes[f].criticality;
        /* A function without rto_hours has no tolerance to breach. */
        if (!isnan(recovery) && !isnan(g->nodes[f].rto_hours) && g->nodes[f].rto_hours < recovery)
            mt->breaches++;
    }
    /* Without the node's own recovery_hours no tolerance can be judged. */
    if (isnan(recovery))
        mt->breaches = -1;
    mt->spof = mt->impact >= 1;
    mt->impact_share = a->total_criticality > 0 ? mt->impact_weight / a->total_criticality : 0.0;
}

static int is_member(const ref_group *grp, int x)
{
    for (int i = 0; i < grp->size; i++)
        if (grp->members[i] == x)
            return 1;
    return 0;
}

/* Every group of >= 2 members and every non-member x whose lone failure fails
 * more than size - need of the members. */
static void compute_false_redundancy(ref_analysis *a, const ref_model *g)
{
    int n = g->n;
    a->fr = NULL;
    a->fr_count = 0;
    size_t cap = 0;
    for (int gi = 0; gi < a->groups.count; gi++) {
        const ref_group *grp = &a->groups.items[gi];
        if (grp->size < 2)
            continue;
        for (int x = 0; x < n; x++) {
            if (is_member(grp, x))
                continue;
            int down = 0;
            for (int i = 0; i < grp->size; i++)
                down += a->single[(size_t)x * n + grp->members[i]];
            if (down <= grp->size - grp->need)
                continue;
            if (a->fr_count == cap) {
                cap = cap ? 2 * cap : 16;
                a->fr = xrealloc(a->fr, cap * sizeof *a->fr);
            }
            a->fr[a->fr_count++] = (ref_false_redundancy){ grp->owner, gi, x, down };
        }
    }
}

void ref_analyse(ref_analysis *out, const ref_model *g)
{
    int n = g->n;
    memset(out, 0, sizeof *out);
    out->n = n;
    ref_groups_derive(&out->groups, g);
    out->metrics = xcalloc((size_t)n, sizeof *out->metrics);
    out->reaches = xmalloc((size_t)n * n + 1);
    out->single = xmalloc((size_t)n * n + 1);
    long *tier = xmalloc((size_t)n * sizeof *tier + 1);
    unsigned char *direct = xmalloc((size_t)n * n + 1);
    adjacency adj;
    adjacency_build(&adj, g);

    for (int v = 0; v < n; v++)
        if (is_function(g, v)) {
            out->function_count++;
            out->total_criticality += g->nodes[v].criticality;
        }
    compute_tiers(g, &adj, tier);
    compute_reachability(g, &adj, out->reaches);
    compute_direct(g, direct);
    compute_single_failures(g, &out->groups, out->single);
    for (int p = 0; p < n; p++) {
        out->metrics[p].tier = tier[p];
        dependant_metrics(out, g, direct, tier, p);
        impact_metrics(out, g, p);
    }
    compute_false_redundancy(out, g);
    adjacency_release(&adj);
    free(direct);
    free(tier);
}

void ref_analysis_release(ref_analysis *a)
{
    ref_groups_release(&a->groups);
    free(a->metrics);
    free(a->reaches);
    free(a->single);
    free(a->fr);
    memset(a, 0, sizeof *a);
}

/* ---- lists ----------------------------------------------------------------- */

static int id_cmp(const ref_model *g, int a, int b)
{
    return strcmp(g->nodes[a].id, g->nodes[b].id);
}

static void sort_by_id(const ref_model *g, int *v, size_t count)
{
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && id_cmp(g, v[j - 1], v[j]) > 0; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

size_t ref_spofs(const ref_analysis *a, const ref_model *g, int f, int *out)
{
    size_t count = 0;
    for (int p = 0; p < g->n; p++)
        if (p != f && a->single[(size_t)p * g->n + f])
            out[count++] = p;
    sort_by_id(g, out, count);
    return count;
}

static int pair_cmp(const ref_model *g, const int *x, const int *y)
{
    int c = id_cmp(g, x[0], y[0]);
    return c != 0 ? c : id_cmp(g, x[1], y[1]);
}

/* Only nodes f depends on can matter to f: a failure spreads to dependants
 * only, so a pair outside D(f) cannot fail f, and a pair with one member
 * outside fails f only if the other alone does (then it is a SPOF).  For the
 * same reason the cascade may skip the groups of nodes outside D(f) + f.  Both
 * are speed-ups of the plain double loop, not a different definition. */
size_t ref_spof_pairs(const ref_analysis *a, const ref_model *g, int f, int **out)
{
    int n = g->n;
    size_t count = 0, cap = 16;
    int *pairs = xmalloc(cap * 2 * sizeof *pairs);
    unsigned char *failed = xmalloc((size_t)n + 1);
    ref_groups scope = { 0, xcalloc((size_t)a->groups.count + 1, sizeof(ref_group)) };
    for (int gi = 0; gi < a->groups.count; gi++) {
        int owner = a->groups.items[gi].owner;
        if (owner == f || a->reaches[(size_t)f * n + owner])
            scope.items[scope.count++] = a->groups.items[gi];   /* shallow: members shared */
    }
    for (int x = 0; x < n; x++) {
        if (!a->reaches[(size_t)f * n + x] || x == f || a->single[(size_t)x * n + f])
            continue;
        for (int y = x + 1; y < n; y++) {
            if (!a->reaches[(size_t)f * n + y] || y == f || a->single[(size_t)y * n + f])
                continue;
            memset(failed, 0, (size_t)n);
            failed[x] = failed[y] = 1;
            ref_cascade(g, &scope, failed);
            if (!failed[f])
                continue;
            if (count == cap) {
                cap *= 2;
                pairs = xrealloc(pairs, cap * 2 * sizeof *pairs);
            }
            int lo = id_cmp(g, x, y) < 0 ? x : y;
            pairs[2 * count] = lo;
            pairs[2 * count + 1] = lo == x ? y : x;
            count++;
        }
    }
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && pair_cmp(g, &pairs[2 * (j - 1)], &pairs[2 * j]) > 0; j--) {
            int t0 = pairs[2 * j], t1 = pairs[2 * j + 1];
            pairs[2 * j] = pairs[2 * (j - 1)];
            pairs[2 * j + 1] = pairs[2 * (j - 1) + 1];
            pairs[2 * (j - 1)] = t0;
            pairs[2 * (j - 1) + 1] = t1;
        }
    free(scope.items);
    free(failed);
    *out = pairs;
    return count;
}

/* Shared order: tier1_dependants desc, exposure desc, id asc. */
static int shared_before(const ref_analysis *a, const ref_model *g, int x, int y)
{
    const ref_metrics *mx = &a->metrics[x], *my = &a->metrics[y];
    if (mx->tier1_dependants != my->tier1_dependants)
        return mx->tier1_dependants > my->tier1_dependants;
    if (mx->exposure != my->exposure)
        return mx->exposure > my->exposure;
    return id_cmp(g, x, y) < 0;
}

size_t ref_shared(const ref_analysis *a, const ref_model *g, size_t min, int *out)
{
    size_t count = 0;
    for (int v = 0; v < g->n; v++)
        if (a->metrics[v].tier >= 2 && a->metrics[v].tier1_dependants >= min)
            out[count++] = v;
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && shared_before(a, g, out[j], out[j - 1]); j--) {
            int t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return count;
}

size_t ref_tier1_of(const ref_analysis *a, const ref_model *g, int v, int *out)
{
    size_t count = 0;
    for (int u = 0; u < g->n; u++)
        if (a->metrics[u].tier == 1 && a->reaches[(size_t)u * g->n + v] && !is_own_service(g, u, v))
            out[count++] = u;
    sort_by_id(g, out, count);
    return count;
}

/* Ranking order: impact_weight desc, exposure desc, id asc. */
static int rank_before(const ref_analysis *a, const ref_model *g, int x, int y)
{
    const ref_metrics *mx = &a->metrics[x], *my = &a->metrics[y];
    if (mx->impact_weight != my->impact_weight)
        return mx->impact_weight > my->impact_weight;
    if (mx->exposure != my->exposure)
        return mx->exposure > my->exposure;
    return id_cmp(g, x, y) < 0;
}

void ref_ranking(const ref_analysis *a, const ref_model *g, int *out)
{
    for (int v = 0; v < g->n; v++)
        out[v] = v;
    for (int i = 1; i < g->n; i++)
        for (int j = i; j > 0 && rank_before(a, g, out[j], out[j - 1]); j--) {
            int t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
}
