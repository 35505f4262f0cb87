/*
 * map.c - the risk map: what to draw, DOT text, and Graphviz in-process.
 *
 * Approach: decide the view first, as plain data (map.h): the nodes in
 * scope (all, or the --focus neighbourhood), which of them are drawn as
 * themselves and which collapse into one summary vertex per category, one
 * junction vertex per redundancy group, and the drawn edges with the number
 * of inventory edges each stands for.  Only then write DOT text, so a
 * 100k-node inventory costs one O(V + E) pass and a layout of the hundred or
 * so vertices that are drawn.  The DOT text is parsed back by cgraph (with
 * an id discipline that keeps layouts independent of heap addresses) and
 * laid out and rendered with gvc in one process-wide context; the .dot
 * format is that text itself (deterministic, not laid out: users pick their
 * own engine).  Determinism needed three fixes, each tested: sequential
 * object ids, reseeding rand() for sfdp, one GVC context (see gv_render).
 *
 * Safety: Graphviz only ever sees synthetic names (n42, g7, s2) - agwrite
 * does not escape backslashes in names - and user text only inside
 * HTML-like labels and tooltips written through crisk__escape(), which
 * leaves no raw quote, backslash, '<' or '>' (DEPENDENCIES.md: raw text in an
 * HTML-like label let <IMG SRC=...> pull a local file into the SVG).
 *
 * Rejected: building the graph with agnode()/agsafeset() - it still needs
 * the same label escaping, and the .dot output would then come from agwrite
 * with its backslash bug.
 */
#include "map.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "util/utf8.h"
#include "util/util.h"

/* ---- escaping ---------------------------------------------------------------- */

/* Characters that could reorder, hide or break the text around them. */
static int is_unsafe(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F)
        || cp == 0x061C || cp == 0x200E || cp == 0x200F
        || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0xFFFE || cp == 0xFFFF;
}

/* Whether Graphviz's SVG writer would take the text after this '&' for an
 * entity and leave it alone (its xml_isentity: '&', then '#' digits, '#x'
 * hex digits or letters - possibly none - then ';'). */
static int looks_like_entity(const char *s)
{
    s++;
    if (*s == '#') {
        s++;
        if (*s == 'x' || *s == 'X') {
            for (s++; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'); s++)
                ;
        } else {
            for (; *s >= '0' && *s <= '9'; s++)
                ;
        }
    } else {
        for (; (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'); s++)
            ;
    }
    return *s == ';';
}

static void escape_ascii(FILE *f, const char *s, crisk__esc mode)
{
    /* Graphviz decodes entities, then runs escString once (labels) or twice
     * (tooltips): a literal backslash needs 2 or 4 of them (verified on
     * 2.42, tests/test_map.c checks the round trip through the SVG). */
    switch (*s) {
    case '&':
        fputs(mode != CRISK__ESC_HTML && looks_like_entity(s) ? "&amp;&#8288;" : "&amp;", f);
        return;
    case '<': fputs("&lt;", f); return;
    case '>': fputs("&gt;", f); return;
    case '"': fputs("&quot;", f); return;
    case '\'': fputs("&#39;", f); return;
    case '\t': putc(' ', f); return;
    case '\\':
        fputs(mode == CRISK__ESC_GV_LABEL ? "&#92;&#92;"
              : mode == CRISK__ESC_GV_TOOLTIP ? "&#92;&#92;&#92;&#92;" : "\\", f);
        return;
    case '\n':
        fputs(mode == CRISK__ESC_GV_LABEL ? "<BR/>" : mode == CRISK__ESC_GV_TOOLTIP ? "&#10;" : " ", f);
        return;
    default:
        putc(*s, f);
    }
}

void crisk__escape(FILE *f, const char *str, size_t max, crisk__esc mode)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t shown = 0;
    while (*s) {
        if (max != 0 && shown == max) {
            fputs("\xE2\x80\xA6", f);   /* U+2026 HORIZONTAL ELLIPSIS */
            return;
        }
        uint32_t cp = 0;
        size_t n = crisk__utf8_decode(s, &cp);
        shown++;
        if (n == 0) {
            fputs("\xEF\xBF\xBD", f);   /* U+FFFD for a byte that is not UTF-8 */
            s++;
        } else if (is_unsafe(cp)) {
            putc('?', f);
            s += n;
        } else if (cp < 0x80) {
            escape_ascii(f, (const char *)s, mode);
            s++;
        } else {
            fwrite(s, 1, n, f);
            s += n;
        }
    }
}

/* ---- the colour scale ------------------------------------------------------------ */

/* impact_share in 10 bins of viridis (van der Walt & Smith), light = low, so
 * that darker reads as "more"; share 0 (no function fails) is a neutral grey
 * off the scale.  Viridis has no red, so the red SPOF outline stays visible
 * on every fill.  `dark`: white text has the better contrast (WCAG). */
static const struct {
    const char *hex;
    int dark;
} impact_scale[11] = {
    { "#f2f2f2", 0 },                                   /* 0 */
    { "#fde725", 0 }, { "#bddf26", 0 }, { "#7ad151", 0 }, { "#44bf70", 0 }, { "#22a884", 0 },
    { "#21918c", 0 }, { "#2a788e", 1 }, { "#355f8d", 1 }, { "#414487", 1 }, { "#482475", 1 },
};

static size_t impact_bin(double share)
{
    if (!(share > 0))
        return 0;
    double b = ceil(share * 10 - 1e-9);
    return b < 1 ? 1 : b > 10 ? 10 : (size_t)b;
}

const char *crisk__impact_colour(double share, int *dark)
{
    size_t b = impact_bin(share);
    if (dark != NULL)
        *dark = impact_scale[b].dark;
    return impact_scale[b].hex;
}

/* ---- the view: scope ----------------------------------------------------------- */

enum { HIDDEN = 0, COLLAPSED = 1, SHOWN = 2 };

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Breadth-first from `start`, `depth` levels (negative = unlimited), one
 * direction: dependencies when `down`, dependants otherwise.  Marks
 * state[] = COLLAPSED for every node reached. */
static void walk(const crisk_inventory *inv, size_t start, long depth, int down,
                 uint8_t *state, uint8_t *seen, uint32_t *queue)
{
    size_t head = 0, tail = 0;
    memset(seen, 0, inv->n);
    queue[tail++] = (uint32_t)start;
    seen[start] = 1;
    for (long level = 0; head < tail && (depth < 0 || level < depth); level++) {
        size_t end = tail;
        for (; head < end; head++) {
            uint32_t v = queue[head];
            uint32_t lo = down ? inv->member_start[inv->group_start[v]] : inv->dep_start[v];
            uint32_t hi = down ? inv->member_start[inv->group_start[v + 1]] : inv->dep_start[v + 1];
            for (uint32_t i = lo; i < hi; i++) {
                uint32_t u = down ? inv->member[i] : inv->dep[i];
                if (!seen[u]) {
                    seen[u] = 1;
                    state[u] = COLLAPSED;
                    queue[tail++] = u;
                }
            }
        }
    }
}

static int select_scope(crisk__map_view *view, const crisk_map_options *opts, uint8_t *state,
                        crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    if (opts->focus == NULL) {
        memset(state, COLLAPSED, inv->n);
        view->in_scope = inv->n;
        return CRISK_OK;
    }
    size_t focus;
    int rc = crisk_inventory_resolve(inv, opts->focus, &focus, err);
    if (rc != CRISK_OK)
        return rc;
    uint8_t *seen = malloc(inv->n);
    uint32_t *queue = malloc(inv->n * sizeof *queue);
    if (seen == NULL || queue == NULL) {
        free(seen);
        free(queue);
        return oom(err);
    }
    memset(state, HIDDEN, inv->n);
    state[focus] = COLLAPSED;
    walk(inv, focus, opts->depth, 1, state, seen, queue);
    walk(inv, focus, opts->depth, 0, state, seen, queue);
    free(seen);
    free(queue);
    view->focus = focus;
    for (size_t v = 0; v < inv->n; v++)
        view->in_scope += state[v] != HIDDEN;
    return CRISK_OK;
}

/* ---- the view: what is drawn as itself ------------------------------------------ */

static const crisk_inventory *sort_inv;

/* Functions by criticality desc, then input order. */
static int compare_functions(const void *pa, const void *pb)
{
    uint32_t u = *(const uint32_t *)pa, v = *(const uint32_t *)pb;
    double cu = sort_inv->criticality[u], cv = sort_inv->criticality[v];
    if (cu != cv)
        return cu > cv ? -1 : 1;
    return u < v ? -1 : u > v;
}

/* The top view: the `top` highest-ranked providers in scope, and the
 * functions in scope (the CRISK_MAP_MAX_FUNCTIONS most critical when there
 * are more - a map of two thousand functions reads as nothing). */
static int choose_shown(crisk__map_view *view, long top, uint8_t *state, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    const uint32_t *rank = crisk_analysis_ranking(view->a);
    size_t kept = 0, n_functions = 0;
    uint32_t *functions = malloc((inv->n + 1) * sizeof *functions);
    if (functions == NULL)
        return oom(err);
    for (size_t i = 0; i < inv->n; i++) {
        uint32_t v = rank[i];
        if (state[v] == HIDDEN)
            continue;
        if (inv->type[v] == CRISK_NODE_FUNCTION)
            functions[n_functions++] = v;
        else if ((long)kept < top) {
            state[v] = SHOWN;
            kept++;
        }
    }
    sort_inv = inv;
    crisk__sort(functions, n_functions, sizeof *functions, compare_functions);
    for (size_t i = 0; i < n_functions && i < CRISK_MAP_MAX_FUNCTIONS; i++)
        state[functions[i]] = SHOWN;
    free(functions);
    if (view->focus != SIZE_MAX)
        state[view->focus] = SHOWN;
    return CRISK_OK;
}

/* ---- the view: vertices and edges ----------------------------------------------- */

static size_t summary_key(const crisk_inventory *inv, size_t v)
{
    return inv->type[v] == CRISK_NODE_FUNCTION ? CRISK__SUMMARY_FUNCTIONS : inv->category[v];
}

typedef struct builder {
    crisk__map_view *view;
    size_t cap_v, cap_e;
    uint32_t *slot;                 /* node -> vertex; UINT32_MAX = hidden */
    uint32_t summary[CRISK__SUMMARY_FUNCTIONS + 1];   /* key -> vertex; UINT32_MAX = none */
    uint64_t between[CRISK__SUMMARY_FUNCTIONS + 1][CRISK__SUMMARY_FUNCTIONS + 1];
} builder;

static int add_vertex(builder *b, crisk__vertex_kind kind, uint32_t ref, uint32_t *out)
{
    crisk__map_view *view = b->view;
    if (crisk__grow((void **)&view->v, &b->cap_v, view->n_vertices + 1, sizeof *view->v) != 0)
        return -1;
    crisk__vertex *x = &view->v[view->n_vertices];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->ref = ref;
    *out = (uint32_t)view->n_vertices++;
    return 0;
}

static int add_edge(builder *b, uint32_t from, uint32_t to, crisk__edge_style style)
{
    crisk__map_view *view = b->view;
    if (crisk__grow((void **)&view->e, &b->cap_e, view->n_edges + 1, sizeof *view->e) != 0)
        return -1;
    view->e[view->n_edges++] = (crisk__vedge){ from, to, style, 1 };
    return 0;
}

/* Shown nodes in input order, then one summary per category that has
 * collapsed members (categories in enum order, functions last). */
static int add_node_vertices(builder *b, const uint8_t *state)
{
    crisk__map_view *view = b->view;
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    for (size_t v = 0; v < inv->n; v++) {
        b->slot[v] = UINT32_MAX;
        if (state[v] == SHOWN && add_vertex(b, CRISK__V_NODE, (uint32_t)v, &b->slot[v]) != 0)
            return -1;
        view->shown += state[v] == SHOWN;
        view->collapsed += state[v] == COLLAPSED;
    }
    for (size_t k = 0; k <= CRISK__SUMMARY_FUNCTIONS; k++)
        b->summary[k] = UINT32_MAX;
    for (size_t v = 0; v < inv->n; v++) {
        if (state[v] != COLLAPSED)
            continue;
        size_t k = summary_key(inv, v);
        if (b->summary[k] == UINT32_MAX) {
            if (add_vertex(b, CRISK__V_SUMMARY, (uint32_t)k, &b->summary[k]) != 0)
                return -1;
            view->summaries++;
        }
        b->slot[v] = b->summary[k];
    }
    /* Counted after all vertices exist: add_vertex may move the array. */
    for (size_t v = 0; v < inv->n; v++) {
        if (state[v] != COLLAPSED)
            continue;
        crisk__vertex *s = &view->v[b->slot[v]];
        const crisk_node_metrics *m = crisk_analysis_metrics(view->a, v);
        s->members++;
        s->by_type[inv->type[v]]++;
        s->spofs += m->spof != 0;
        if (m->impact_share > s->max_share)
            s->max_share = m->impact_share;
    }
    return 0;
}

/* The edges of one dependant group.  A shown dependant draws a group of two
 * or more members, at least one of them shown, through a junction; anything
 * else is a plain edge to wherever the member is drawn.  Edges between two summaries are only
 * counted here (a 7 x 7 table), so collapsed nodes cost no edge storage. */
static int add_group_edges(builder *b, const uint8_t *state, uint32_t from, size_t g)
{
    crisk__map_view *view = b->view;
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    size_t size = crisk_inventory_group_size(inv, g), in = 0, drawn = 0;
    for (size_t i = 0; i < size; i++) {
        size_t m = crisk_inventory_group_member(inv, g, i);
        in += state[m] != HIDDEN;
        drawn += state[m] == SHOWN;
    }
    if (in == 0)
        return 0;
    const crisk__vertex *src = &view->v[from];
    /* A junction whose members all sit in summaries would only add noise:
     * the alternatives are not visible anyway. */
    if (src->kind == CRISK__V_NODE && size >= 2 && drawn > 0) {
        uint32_t j;
        if (add_vertex(b, CRISK__V_JUNCTION, (uint32_t)g, &j) != 0 || add_edge(b, from, j, CRISK__E_TO_GROUP) != 0)
            return -1;
        view->junctions++;
        for (size_t i = 0; i < size; i++) {
            uint32_t to = b->slot[crisk_inventory_group_member(inv, g, i)];
            if (to != UINT32_MAX && add_edge(b, j, to, CRISK__E_ALTERNATIVE) != 0)
                return -1;
        }
        return 0;
    }
    for (size_t i = 0; i < size; i++) {
        uint32_t to = b->slot[crisk_inventory_group_member(inv, g, i)];
        if (to == UINT32_MAX || to == from)
            continue;
        if (src->kind == CRISK__V_SUMMARY && view->v[to].kind == CRISK__V_SUMMARY)
            b->between[src->ref][view->v[to].ref]++;
        else if (add_edge(b, from, to, CRISK__E_PLAIN) != 0)
            return -1;
    }
    return 0;
}

static int compare_edges(const void *pa, const void *pb)
{
    const crisk__vedge *x = pa, *y = pb;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    return x->style < y->style ? -1 : x->style > y->style;
}

/* Sort, merge parallel edges into one with a count, then append the
 * summary-to-summary edges. */
static int merge_edges(builder *b)
{
    crisk__map_view *view = b->view;
    if (view->n_edges > 1)
        crisk__sort(view->e, view->n_edges, sizeof *view->e, compare_edges);
    size_t k = 0;
    for (size_t i = 0; i < view->n_edges; i++) {
        if (k > 0 && compare_edges(&view->e[k - 1], &view->e[i]) == 0)
            view->e[k - 1].count++;
        else
            view->e[k++] = view->e[i];
    }
    view->n_edges = k;
    for (size_t s = 0; s <= CRISK__SUMMARY_FUNCTIONS; s++)
        for (size_t t = 0; t <= CRISK__SUMMARY_FUNCTIONS; t++) {
            if (b->between[s][t] == 0)
                continue;
            if (add_edge(b, b->summary[s], b->summary[t], CRISK__E_PLAIN) != 0)
                return -1;
            view->e[view->n_edges - 1].count = b->between[s][t] > UINT32_MAX ? UINT32_MAX
                                                                             : (uint32_t)b->between[s][t];
        }
    return 0;
}

static int add_edges(builder *b, const uint8_t *state)
{
    const crisk_inventory *inv = crisk_analysis_inventory(b->view->a);
    for (size_t v = 0; v < inv->n; v++) {
        if (state[v] == HIDDEN)
            continue;
        for (size_t g = inv->group_start[v]; g < inv->group_start[v + 1]; g++)
            if (add_group_edges(b, state, b->slot[v], g) != 0)
                return -1;
    }
    return merge_edges(b);
}

int crisk__map_view_build(crisk__map_view *view, const crisk_analysis *a,
                          const crisk_map_options *opts, crisk_error *err)
{
    memset(view, 0, sizeof *view);
    view->a = a;
    view->focus = SIZE_MAX;
    view->false_redundancy = opts->false_redundancy;
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    builder b = { .view = view };
    uint8_t *state = malloc(inv->n + 1);
    b.slot = malloc((inv->n + 1) * sizeof *b.slot);
    int rc = CRISK_OK;
    if (state == NULL || b.slot == NULL) {
        rc = oom(err);
        goto out;
    }
    rc = select_scope(view, opts, state, err);
    if (rc != CRISK_OK)
        goto out;
    view->is_collapsed = opts->top >= 0 || view->in_scope > CRISK_MAP_FULL_LIMIT;
    if (view->is_collapsed) {
        rc = choose_shown(view, opts->top >= 0 ? opts->top : CRISK_MAP_DEFAULT_TOP, state, err);
        if (rc != CRISK_OK)
            goto out;
    } else {
        for (size_t v = 0; v < inv->n; v++)
            state[v] = state[v] == HIDDEN ? HIDDEN : SHOWN;
    }
    if (add_node_vertices(&b, state) != 0 || add_edges(&b, state) != 0) {
        rc = oom(err);
        goto out;
    }
    /* dot draws small views best, but a collapsed large view has a column
     * of up to 60 functions (a very tall page) and cycles through the
     * summaries: sfdp then (DEPENDENCIES.md: dot may not finish at 2k). */
    int large = view->in_scope > CRISK_MAP_FULL_LIMIT || view->n_vertices > CRISK_MAP_DOT_LIMIT;
    view->engine = opts->layout != CRISK_LAYOUT_AUTO ? opts->layout
                 : large ? CRISK_LAYOUT_SFDP : CRISK_LAYOUT_DOT;
out:
    free(state);
    free(b.slot);
    if (rc != CRISK_OK)
        crisk__map_view_release(view);
    return rc;
}

void crisk__map_view_release(crisk__map_view *view)
{
    free(view->v);
    free(view->e);
    view->v = NULL;
    view->e = NULL;
    view->n_vertices = view->n_edges = 0;
}

/* ---- DOT text ---------------------------------------------------------------------- */

#define NAME_MAX_CP    40   /* code points of the focus id in the title */
#define NAME_LINE_CP   22   /* a name wraps onto a second line past this */
#define TOOLTIP_MAX_CP 200

/* Code points in s[0..len). */
static size_t cp_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Byte offset where line one of a wrapped name ends: the last space within
 * NAME_LINE_CP code points (or the limit itself when there is none); 0 when
 * the name fits on one line. */
static size_t wrap_point(const char *s)
{
    size_t len = strlen(s);
    if (cp_count(s, len) <= NAME_LINE_CP)
        return 0;
    size_t i = 0, cps = 0, space = 0;
    for (; s[i] && cps < NAME_LINE_CP; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cps++;
        if (s[i] == ' ' && cps > NAME_LINE_CP / 3)
            space = i;
    }
    while (((unsigned char)s[i] & 0xC0) == 0x80)   /* end on a character boundary */
        i++;
    return space ? space : i;
}

/* A name in a label: bold, on at most two lines of NAME_LINE_CP code points,
 * cut with an ellipsis past that. */
static void label_name(FILE *f, const char *name)
{
    size_t cut = wrap_point(name);
    fputs("<B>", f);
    if (cut == 0) {
        crisk__escape(f, name, 0, CRISK__ESC_GV_LABEL);
    } else {
        char line[NAME_LINE_CP * 4 + 1];
        memcpy(line, name, cut);
        line[cut] = '\0';
        crisk__escape(f, line, 0, CRISK__ESC_GV_LABEL);
        fputs("<BR/>", f);
        crisk__escape(f, name + cut + (name[cut] == ' '), NAME_LINE_CP, CRISK__ESC_GV_LABEL);
    }
    fputs("</B>", f);
}

static const char *engine_name(crisk_map_layout l)
{
    return l == CRISK_LAYOUT_SFDP ? "sfdp" : l == CRISK_LAYOUT_NEATO ? "neato" : "dot";
}

/* "12.8 %" with a thin no-break space before the sign. */
static const char *percent(char *buf, size_t size, double share)
{
    snprintf(buf, size, "%.1f\xE2\x80\xAF%%", share * 100);
    return buf;
}

/* A count with thousands separators ("99,952"): locale-free, deterministic. */
static const char *count(char *buf, size_t size, size_t x)
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%zu", x);
    size_t k = 0;
    for (int i = 0; i < n && k + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = raw[i];
    }
    buf[k] = '\0';
    return buf;
}

static const char *category_title(size_t key)
{
    static const char *const titles[] = { "cloud", "managed service", "software", "hardware",
                                          "telecom", "other", "business functions" };
    return titles[key];
}

static const char *const type_shape[CRISK_NODE_TYPE_COUNT] = {
    [CRISK_NODE_FUNCTION] = "house", [CRISK_NODE_SUPPLIER] = "box",
    [CRISK_NODE_SERVICE] = "ellipse", [CRISK_NODE_COMPONENT] = "component",
};

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void node_tooltip(FILE *f, const crisk_analysis *a, size_t v)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    const crisk_node_metrics *m = crisk_analysis_metrics(a, v);
    char p[32], num[40];
    fputs(", tooltip=\"id: ", f);
    crisk__escape(f, inv->id[v], TOOLTIP_MAX_CP, CRISK__ESC_GV_TOOLTIP);
    fputs("&#10;name: ", f);
    crisk__escape(f, inv->name[v], TOOLTIP_MAX_CP, CRISK__ESC_GV_TOOLTIP);
    fprintf(f, "&#10;%s, %s", crisk_node_type_name((crisk_node_type)inv->type[v]),
            crisk_category_name((crisk_category)inv->category[v]));
    if (m->tier >= 0)
        fprintf(f, ", tier %ld", m->tier);
    fprintf(f, "&#10;impact: %zu %s, %s of criticality", m->impact,
            plural(m->impact, "function", "functions"), percent(p, sizeof p, m->impact_share));
    fprintf(f, "&#10;exposure: %s (%zu %s)", crisk_format_number(num, sizeof num, m->exposure),
            m->functions, plural(m->functions, "function", "functions"));
    fprintf(f, "&#10;dependants: %zu (%zu direct)\"", m->dependants, m->direct_dependants);
}

static void node_vertex(FILE *f, const crisk__map_view *view, const crisk__vertex *x)
{
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    const crisk_node_metrics *m = crisk_analysis_metrics(view->a, x->ref);
    size_t v = x->ref;
    int dark = 0, is_function = inv->type[v] == CRISK_NODE_FUNCTION;
    const char *fill = crisk__impact_colour(m->impact_share, &dark);
    char p[32], num[40];
    fprintf(f, "  n%zu [shape=%s, fillcolor=\"%s\", fontcolor=\"%s\"", v, type_shape[inv->type[v]],
            fill, dark ? "#ffffff" : "#1a1a1a");
    fprintf(f, ", class=\"%s%s%s\"", crisk_node_type_name((crisk_node_type)inv->type[v]),
            m->spof ? " spof" : "", v == view->focus ? " focus" : "");
    if (m->spof)
        fputs(", color=\"#d62728\", penwidth=3", f);
    if (v == view->focus)
        fputs(", peripheries=2", f);
    fputs(", label=<", f);
    label_name(f, inv->name[v]);
    fputs("<BR/><FONT POINT-SIZE=\"8\">", f);
    if (is_function) {
        fprintf(f, "criticality %s", crisk_format_number(num, sizeof num, inv->criticality[v]));
        if (!isnan(inv->rto[v]))
            fprintf(f, " \xC2\xB7 RTO %s\xC2\xA0h", crisk_format_number(num, sizeof num, inv->rto[v]));
    } else {
        fprintf(f, "%s \xC2\xB7 %s", crisk_node_type_name((crisk_node_type)inv->type[v]),
                crisk_category_name((crisk_category)inv->category[v]));
        if (m->tier >= 0)
            fprintf(f, " \xC2\xB7 tier %ld", m->tier);
    }
    if (m->impact > 0)
        fprintf(f, "<BR/>impact %s \xC2\xB7 SPOF for %zu", percent(p, sizeof p, m->impact_share), m->impact);
    fputs("</FONT>>", f);
    node_tooltip(f, view->a, v);
    fputs("];\n", f);
}

static void summary_vertex(FILE *f, const crisk__vertex *x)
{
    static const char *const type_plural[CRISK_NODE_TYPE_COUNT] = {
        "functions", "suppliers", "services", "components"
    };
    char c[32], p[32];
    fprintf(f, "  s%u [shape=folder, style=\"filled,dashed\", fillcolor=\"#ffffff\", color=\"#6e7781\", "
               "class=\"summary\", label=<<B>+%s more %s</B><BR/><FONT POINT-SIZE=\"8\">",
            x->ref, count(c, sizeof c, x->members),
            x->ref == CRISK__SUMMARY_FUNCTIONS ? "functions" : category_title(x->ref));
    const char *sep = "";
    for (int t = 0; t < CRISK_NODE_TYPE_COUNT; t++) {
        if (x->by_type[t] == 0 || x->ref == CRISK__SUMMARY_FUNCTIONS)
            continue;
        fprintf(f, "%s%s %s", sep, count(c, sizeof c, x->by_type[t]),
                x->by_type[t] == 1 ? crisk_node_type_name((crisk_node_type)t) : type_plural[t]);
        sep = " \xC2\xB7 ";
    }
    if (*sep)
        fputs("<BR/>", f);
    fprintf(f, "max impact %s", percent(p, sizeof p, x->max_share));
    if (x->spofs > 0)
        fprintf(f, " \xC2\xB7 %s %s", count(c, sizeof c, x->spofs), plural(x->spofs, "SPOF", "SPOFs"));
    fprintf(f, "</FONT>>, tooltip=\"%u nodes collapsed: rank below the drawn ones\"];\n", x->members);
}

/* The first false-redundancy finding for group g, or NULL. */
static const crisk_false_redundancy *group_finding(const crisk_analysis *a, size_t g)
{
    size_t n = 0;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(a, &n);
    for (size_t i = 0; fr != NULL && i < n; i++)
        if (fr[i].group == g)
            return &fr[i];
    return NULL;
}

static void junction_vertex(FILE *f, const crisk__map_view *view, const crisk__vertex *x)
{
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    size_t g = x->ref;
    const crisk_false_redundancy *fr = view->false_redundancy ? group_finding(view->a, g) : NULL;
    fprintf(f, "  g%zu [shape=box, style=\"rounded,dashed,filled\", fillcolor=\"%s\", color=\"%s\", "
               "fontsize=8, margin=\"0.04,0.02\", height=0.2, class=\"junction%s\", label=<",
            g, fr ? "#fde0cc" : "#ffffff", fr ? "#e6550d" : "#57606a", fr ? " false-redundancy" : "");
    const char *name = crisk_inventory_group_name(inv, g);
    if (*name) {
        fputs("<I>", f);
        crisk__escape(f, name, 24, CRISK__ESC_GV_LABEL);
        fputs("</I><BR/>", f);
    }
    fprintf(f, "need %zu of %zu", crisk_inventory_group_need(inv, g), crisk_inventory_group_size(inv, g));
    if (fr != NULL) {
        fputs("<BR/>false redundancy: ", f);
        crisk__escape(f, inv->name[fr->shared], 24, CRISK__ESC_GV_LABEL);
    }
    fputs(">, tooltip=\"redundancy group: the dashed edges are alternatives", f);
    if (fr != NULL) {
        fputs("&#10;one failure defeats it: ", f);
        crisk__escape(f, inv->id[fr->shared], TOOLTIP_MAX_CP, CRISK__ESC_GV_TOOLTIP);
    }
    fputs("\"];\n", f);
}

static void vertex_name(FILE *f, const crisk__vertex *x)
{
    fprintf(f, "%c%u", x->kind == CRISK__V_NODE ? 'n' : x->kind == CRISK__V_SUMMARY ? 's' : 'g', x->ref);
}

/* The cluster a vertex sits in: its category, functions apart; junctions
 * sit outside every cluster, between their owner and the members. */
static size_t vertex_cluster(const crisk__map_view *view, const crisk__vertex *x)
{
    if (x->kind == CRISK__V_SUMMARY)
        return x->ref;
    if (x->kind == CRISK__V_NODE)
        return summary_key(crisk_analysis_inventory(view->a), x->ref);
    return SIZE_MAX;
}

static void write_vertex(FILE *f, const crisk__map_view *view, const crisk__vertex *x)
{
    if (x->kind == CRISK__V_NODE)
        node_vertex(f, view, x);
    else if (x->kind == CRISK__V_SUMMARY)
        summary_vertex(f, x);
    else
        junction_vertex(f, view, x);
}

static void write_clusters(FILE *f, const crisk__map_view *view)
{
    static const size_t order[] = { CRISK__SUMMARY_FUNCTIONS, CRISK_CAT_CLOUD, CRISK_CAT_MANAGED_SERVICE,
                                    CRISK_CAT_SOFTWARE, CRISK_CAT_HARDWARE, CRISK_CAT_TELECOM,
                                    CRISK_CAT_OTHER };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        size_t k = order[i], members = 0;
        for (size_t j = 0; j < view->n_vertices; j++)
            members += vertex_cluster(view, &view->v[j]) == k;
        if (members == 0)
            continue;
        fprintf(f, " subgraph cluster_%zu {\n  graph [label=<<B>%s</B>>, class=\"category\", "
                   "style=\"rounded,filled\", fillcolor=\"%s\", color=\"#d0d7de\"];\n",
                k, category_title(k), k == CRISK__SUMMARY_FUNCTIONS ? "#eef4fb" : "#f6f8fa");
        for (size_t j = 0; j < view->n_vertices; j++)
            if (vertex_cluster(view, &view->v[j]) == k)
                write_vertex(f, view, &view->v[j]);
        fputs(" }\n", f);
    }
    for (size_t j = 0; j < view->n_vertices; j++)
        if (vertex_cluster(view, &view->v[j]) == SIZE_MAX)
            write_vertex(f, view, &view->v[j]);
}

static void write_edges(FILE *f, const crisk__map_view *view)
{
    for (size_t i = 0; i < view->n_edges; i++) {
        const crisk__vedge *e = &view->e[i];
        int faint = view->v[e->from].kind == CRISK__V_SUMMARY || view->v[e->to].kind == CRISK__V_SUMMARY;
        const char *style = e->style == CRISK__E_TO_GROUP ? "arrowhead=none"
                          : e->style == CRISK__E_ALTERNATIVE ? "style=dashed, color=\"#57606a\""
                          : faint ? "color=\"#c5cbd3\"" : "";
        fputs(" ", f);
        vertex_name(f, &view->v[e->from]);
        fputs(" -> ", f);
        vertex_name(f, &view->v[e->to]);
        if (*style || e->count > 1)
            fprintf(f, " [%s", style);
        if (e->count > 1) {
            double width = 1 + log2((double)e->count) / 2;
            fprintf(f, "%spenwidth=%.2f, label=\"%u\", tooltip=\"%u dependencies\"", *style ? ", " : "",
                    width > 5 ? 5 : width, e->count, e->count);
        }
        fputs(*style || e->count > 1 ? "];\n" : ";\n", f);
    }
}

/* One legend line: a single cell with a single font.  A browser measures
 * text a little differently from Graphviz, so runs in different fonts that
 * share a line would collide where the font changes (and SVG viewers drop
 * the spaces at the ends of runs). */
static void legend_line(FILE *f, const char *font, const char *text)
{
    fprintf(f, "<TR><TD ALIGN=\"LEFT\">%s%s%s</TD></TR>", font ? font : "", text,
            font ? "</FONT>" : "");
}

static void write_title(FILE *f, const crisk__map_view *view)
{
    const crisk_inventory *inv = crisk_analysis_inventory(view->a);
    char a[32], b[32];
    legend_line(f, "<FONT POINT-SIZE=\"14\">", "<B>Supply-chain risk map</B>");
    fputs("<TR><TD ALIGN=\"LEFT\">", f);
    if (view->focus != SIZE_MAX) {
        fputs("neighbourhood of ", f);
        crisk__escape(f, inv->id[view->focus], NAME_MAX_CP, CRISK__ESC_GV_LABEL);
        fprintf(f, " (%s of %s nodes) \xC2\xB7 ", count(a, sizeof a, view->in_scope), count(b, sizeof b, inv->n));
    }
    if (view->is_collapsed)
        fprintf(f, "%s nodes drawn, %s collapsed by category (lower impact)", count(a, sizeof a, view->shown),
                count(b, sizeof b, view->collapsed));
    else
        fprintf(f, "all %s nodes drawn", count(a, sizeof a, view->shown));
    fputs("</TD></TR>", f);
}

/* The legend lives in the graph label, so every engine places it the same
 * way: above the drawing, outside the layout. */
static void write_legend(FILE *f, const crisk__map_view *view)
{
    fputs("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"1\">", f);
    write_title(f, view);
    legend_line(f, NULL, "Fill: impact share, the share of total criticality lost when the node alone fails");
    fputs("<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
          "CELLPADDING=\"3\"><TR>", f);
    for (size_t b = 0; b < 11; b++)
        fprintf(f, "<TD BGCOLOR=\"%s\" WIDTH=\"44\"><FONT COLOR=\"%s\" POINT-SIZE=\"8\">%s%zu\xE2\x80\xAF%%</FONT></TD>",
                impact_scale[b].hex, impact_scale[b].dark ? "#ffffff" : "#1a1a1a", b ? "\xE2\x89\xA4" : "",
                b * 10);
    fputs("</TR></TABLE></TD></TR>", f);
    legend_line(f, NULL, "Shape: house = business function \xC2\xB7 box = supplier \xC2\xB7 ellipse = service "
                         "\xC2\xB7 component = software component \xC2\xB7 folder = collapsed nodes");
    legend_line(f, "<FONT COLOR=\"#d62728\">", "Thick red border: single point of failure");
    legend_line(f, NULL, "\xE2\x80\x9CNeed k of n\xE2\x80\x9D box with dashed arrows: the alternatives of a "
                         "redundancy group");
    if (view->false_redundancy)
        legend_line(f, "<FONT COLOR=\"#e6550d\">", "Orange box: false redundancy (one node outside the group "
                                                   "defeats it)");
    else
        legend_line(f, NULL, "False redundancy not checked (large inventory)");
    legend_line(f, NULL, "Arrows point from dependant to provider; numbers count merged edges");
    fputs("</TABLE>>", f);
}

void crisk__map_view_dot(FILE *f, const crisk__map_view *view)
{
    int layered = view->engine == CRISK_LAYOUT_DOT;
    fprintf(f, "digraph chainrisk {\n graph [layout=%s, fontname=\"Helvetica\", fontsize=10, "
               "labelloc=t, labeljust=l, outputorder=edgesfirst, pad=0.2, ",
            engine_name(view->engine));
    if (layered)
        fputs("rankdir=LR, nodesep=0.12, ranksep=0.4, ", f);
    else
        fputs("overlap=prism, overlap_scaling=-4, sep=\"+6\", start=7, splines=false, ", f);
    fputs("label=", f);
    write_legend(f, view);
    fputs("];\n node [fontname=\"Helvetica\", fontsize=9, style=filled, color=\"#57606a\", "
          "penwidth=1, margin=\"0.08,0.03\"];\n"
          " edge [color=\"#8c959f\", arrowsize=0.6, fontname=\"Helvetica\", fontsize=8, fontcolor=\"#57606a\"];\n",
          f);
    write_clusters(f, view);
    write_edges(f, view);
    fputs("}\n", f);
}

/* ---- Graphviz ---------------------------------------------------------------------- */

/* cgraph reports through one process-wide callback: keep the first error
 * message for the crisk_error, drop warnings (the library never prints). */
static char gv_message[256];

static int gv_sink(char *msg)
{
    if (gv_message[0] == '\0' && msg != NULL) {
        snprintf(gv_message, sizeof gv_message, "%s", msg);
        gv_message[strcspn(gv_message, "\r\n")] = '\0';
    }
    return 0;
}

/* Object ids in the order names are first seen.  cgraph's default id
 * discipline makes a name's id the address of its interned string, and
 * keeps subgraphs (clusters) and edge sets ordered by id: the layout then
 * depends on where malloc put the strings, which differs from the first
 * render in a process to the next.  Sequential ids make it depend on the
 * DOT text alone.  Named objects get even ids (2, 4, ...), anonymous ones
 * odd ids, as in cgraph's own discipline. */
typedef struct id_state {
    char **names;          /* names[k] has id 2(k+1) */
    size_t count, cap;
    uint32_t *slots;       /* open addressing: index+1, 0 = empty */
    size_t mask;
    IDTYPE anonymous;      /* next odd id */
} id_state;

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
    (void)g;
    (void)disc;
    id_state *st = calloc(1, sizeof *st);
    if (st != NULL) {
        st->anonymous = 1;
        st->mask = 255;
        st->slots = calloc(st->mask + 1, sizeof *st->slots);
        if (st->slots == NULL) {
            free(st);
            st = NULL;
        }
    }
    return st;
}

static int id_rehash(id_state *st)
{
    size_t mask = st->mask * 2 + 1;
    uint32_t *slots = calloc(mask + 1, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t k = 0; k < st->count; k++) {
        size_t h = crisk__hash(st->names[k], strlen(st->names[k])) & mask;
        while (slots[h] != 0)
            h = (h + 1) & mask;
        slots[h] = (uint32_t)(k + 1);
    }
    free(st->slots);
    st->slots = slots;
    st->mask = mask;
    return 0;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    (void)objtype;
    id_state *st = state;
    if (str == NULL) {
        *id = st->anonymous;
        st->anonymous += 2;
        return 1;
    }
    size_t h = crisk__hash(str, strlen(str)) & st->mask;
    for (; st->slots[h] != 0; h = (h + 1) & st->mask)
        if (strcmp(st->names[st->slots[h] - 1], str) == 0) {
            *id = (IDTYPE)st->slots[h] * 2;
            return 1;
        }
    if (!createflag)
        return 0;
    char *copy = strdup(str);
    if (copy == NULL || crisk__grow((void **)&st->names, &st->cap, st->count + 1, sizeof *st->names) != 0) {
        free(copy);
        return 0;
    }
    st->names[st->count++] = copy;
    st->slots[h] = (uint32_t)st->count;
    *id = (IDTYPE)st->count * 2;
    if (st->count * 2 > st->mask && id_rehash(st) != 0)
        return 0;
    return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE request)
{
    (void)state;
    (void)objtype;
    (void)request;
    return 0;   /* ids are chosen here, not by the caller */
}

static void id_free(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;   /* names live until the graph closes */
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
    (void)objtype;
    id_state *st = state;
    return id % 2 == 0 && id / 2 >= 1 && id / 2 <= st->count ? st->names[id / 2 - 1] : NULL;
}

static void id_close(void *state)
{
    id_state *st = state;
    if (st == NULL)
        return;
    for (size_t k = 0; k < st->count; k++)
        free(st->names[k]);
    free(st->names);
    free(st->slots);
    free(st);
}

static void id_register(void *state, int objtype, void *obj)
{
    (void)state;
    (void)objtype;
    (void)obj;
}

static Agiddisc_t sequential_ids = { id_open, id_map, id_alloc, id_free, id_print, id_close, id_register };

/* Reading DOT text from memory, a line per call as agmemread() does (the
 * lexer counts lines). */
typedef struct text_reader {
    const char *text;
    size_t pos, len;
} text_reader;

static int text_read(void *chan, char *buf, int size)
{
    text_reader *r = chan;
    int n = 0;
    while (n < size && r->pos < r->len) {
        char c = r->text[r->pos++];
        buf[n++] = c;
        if (c == '\n')
            break;
    }
    return n;
}

static Agraph_t *read_dot(const char *text)
{
    static Agiodisc_t io;
    io = AgIoDisc;
    io.afread = text_read;
    Agdisc_t disc = { &AgMemDisc, &sequential_ids, &io };
    text_reader r = { text, 0, strlen(text) };
    return agread(&r, &disc);
}

static const char *const format_names[] = { "svg", "png", "pdf", "dot" };

/* The Graphviz renderer of each format but dot, named down to its plugin
 * (format:renderer:package).  Given only "svg", Graphviz takes the best
 * plugin offering it and, when that one cannot be loaded (out of memory:
 * seen under `ulimit -v`), silently the next - cairo's SVG for the core
 * one's, gd's PNG for cairo's - and the map comes out as other bytes for
 * the same input.  Named in full, a plugin that cannot be loaded is an
 * error instead (gv_render). */
static const char *const renderers[] = { "svg:svg:core", "png:cairo:cairo", "pdf:cairo:cairo" };

int crisk_map_format_parse(const char *name, crisk_map_format *out)
{
    for (int i = 0; i < 4; i++)
        if (crisk__strcasecmp_ascii(name, format_names[i]) == 0) {
            *out = (crisk_map_format)i;
            return CRISK_OK;
        }
    return CRISK_ENOTFOUND;
}

int crisk_map_format_from_path(const char *path, crisk_map_format *out)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL || strchr(dot, '/') != NULL)
        return CRISK_ENOTFOUND;
    return crisk_map_format_parse(dot + 1, out);
}

int crisk_map_layout_parse(const char *s, crisk_map_layout *out)
{
    static const char *const names[] = { "auto", "dot", "sfdp", "neato" };
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (crisk_map_layout)i;
            return CRISK_OK;
        }
    return CRISK_ENOTFOUND;
}

/* The view's DOT text in memory.  Returns NULL when out of memory. */
static char *view_text(const crisk__map_view *view, size_t *len)
{
    char *text = NULL;
    FILE *mem = open_memstream(&text, len);
    if (mem == NULL)
        return NULL;
    crisk__map_view_dot(mem, view);
    if (fclose(mem) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* One Graphviz context for the process.  Graphviz 2.42's pango plugin keeps
 * a pointer into the context's font table between calls, so laying out in
 * a new context after freeing an old one reads freed memory (found by ASan).
 * Never freed; it is reachable until exit. */
static GVC_t *gv_context(void)
{
    static GVC_t *gvc;
    if (gvc == NULL)
        gvc = gvContext();
    return gvc;
}

/* Graphviz's own choice of text layout plugin: declared in gvcproc.h,
 * which Debian does not install, and exported by libgvc 2.x; 999
 * (NO_SUPPORT) when no plugin could be loaded. */
int gvtextlayout_select(GVC_t *gvc);
#define GV_NO_SUPPORT 999

/* Graphviz measures label text with a plugin (pango) that it loads on first
 * use.  When that load fails - out of memory (seen under `ulimit -v`), a
 * broken installation - it falls back to estimated font metrics without a
 * word and the map comes out laid out differently: other bytes for the
 * same input.  So a text layout plugin that is configured but cannot be
 * loaded is an error.  (A Graphviz with none configured keeps the
 * estimates, as it always would.) */
static int check_text_layout(GVC_t *gvc, crisk_error *err)
{
    int configured = 0;
    char **names = gvPluginList(gvc, "textlayout", &configured, NULL);
    for (int i = 0; names != NULL && i < configured; i++)
        free(names[i]);
    free(names);
    if (configured > 0 && gvtextlayout_select(gvc) == GV_NO_SUPPORT)
        return crisk_error_set(err, CRISK_EINTERNAL, NULL, 0, 0,
                               "graphviz could not load its text layout plugin (out of memory, "
                               "or a broken Graphviz installation)");
    return CRISK_OK;
}

/* Lay out `text` with `engine` and render it as `format`, to `f` or (f NULL)
 * into *out. */
static int gv_render(const char *text, const char *engine, crisk_map_format fmt, FILE *f,
                     char **out, size_t *len, crisk_error *err)
{
    const char *format = format_names[fmt], *renderer = renderers[fmt];
    gv_message[0] = '\0';
    agusererrf previous = agseterrf(gv_sink);
    agerrlevel_t level = agseterr(AGERR);
    int rc = CRISK_OK;
    GVC_t *gvc = gv_context();
    Agraph_t *g = NULL;
    if (gvc == NULL) {
        rc = crisk_error_set(err, CRISK_EINTERNAL, NULL, 0, 0, "graphviz could not start");
        goto out;
    }
    rc = check_text_layout(gvc, err);
    if (rc != CRISK_OK)
        goto out;
    g = read_dot(text);
    if (g == NULL) {
        rc = crisk_error_set(err, CRISK_EINTERNAL, NULL, 0, 0, "graphviz could not read the map: %s",
                             gv_message[0] ? gv_message : "no message");
        goto out;
    }
    /* sfdp draws from rand() besides its `start` seed, without reseeding
     * it: a second map in one process would differ from the first.  Reseed
     * per layout (the library is not thread-safe anyway: chainrisk.h). */
    srand(7);
    if (gvLayout(gvc, g, engine) != 0) {
        rc = crisk_error_set(err, CRISK_EINTERNAL, NULL, 0, 0, "graphviz layout '%s' failed: %s", engine,
                             gv_message[0] ? gv_message : "no message");
        goto out;
    }
    char *data = NULL;
    unsigned int n = 0;
    int failed = f != NULL ? gvRender(gvc, g, renderer, f)
                           : gvRenderData(gvc, g, renderer, &data, &n);
    if (failed == 0 && f == NULL) {
        *out = malloc((size_t)n + 1);
        if (*out != NULL) {
            memcpy(*out, data, n);
            (*out)[n] = '\0';
            *len = n;
        }
    }
    if (data != NULL)
        gvFreeRenderData(data);
    if (failed != 0)
        rc = crisk_error_set(err, CRISK_EINTERNAL, NULL, 0, 0,
                             "graphviz cannot render %s here (%s): the %s plugin is missing", format,
                             gv_message[0] ? gv_message : "no message", strrchr(renderer, ':') + 1);
    else if (f == NULL && *out == NULL)
        rc = oom(err);
    gvFreeLayout(gvc, g);
out:
    if (g != NULL)
        agclose(g);
    agseterr(level);
    agseterrf(previous);
    return rc;
}

static int map_produce(FILE *f, char **out, size_t *len, const crisk_analysis *a,
                       const crisk_map_options *opts, crisk_error *err)
{
    crisk__map_view view;
    int rc = crisk__map_view_build(&view, a, opts, err);
    if (rc != CRISK_OK)
        return rc;
    size_t text_len = 0;
    char *text = view_text(&view, &text_len);
    if (text == NULL) {
        rc = oom(err);
    } else if (opts->format == CRISK_MAP_DOT && f != NULL) {
        fwrite(text, 1, text_len, f);
    } else if (opts->format == CRISK_MAP_DOT) {
        *out = text;
        *len = text_len;
        text = NULL;
    } else {
        rc = gv_render(text, engine_name(view.engine), opts->format, f, out, len, err);
    }
    free(text);
    crisk__map_view_release(&view);
    if (rc == CRISK_OK && f != NULL && (fflush(f) != 0 || ferror(f)))
        rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "cannot write the map");
    return rc;
}

int crisk_map_write(FILE *f, const crisk_analysis *a, const crisk_map_options *opts, crisk_error *err)
{
    return map_produce(f, NULL, NULL, a, opts, err);
}

int crisk_map_render(char **out, size_t *len, const crisk_analysis *a, const crisk_map_options *opts,
                     crisk_error *err)
{
    *out = NULL;
    *len = 0;
    return map_produce(NULL, out, len, a, opts, err);
}
