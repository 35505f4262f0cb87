/*
 * selector.c - failure terms: ids and selectors to node sets (see
 * chainrisk/selector.h).
 *
 * Data first: the nodes a selector names are contiguous in an index built
 * for its kind - providers sorted by (parent group, node) and by (country,
 * node), every node bucketed by category and by type - so a match is a
 * binary search over the distinct values and a borrowed slice, however many
 * scenarios ask: a file of 10 000 `parent:` rows costs 10 000 searches, not
 * 10 000 scans of the inventory.  Indexes are built on first use, so a
 * caller that names ids only never pays for them.
 *
 * The selector lives in the model layer because it needs nothing but the
 * inventory: the scenario-file reader (import), the scenario generator and
 * the policy checker (analysis) and the CLI all stand above it.
 */
#include "model.h"
#include "util/quote.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const kind_names[CRISK_SELECT_KIND_COUNT] = {
    "id", "parent", "country", "category", "type"
};

/* Providers grouped by a text value (parent group or country). */
typedef struct keyed {
    int built;
    uint32_t *node;          /* entries, grouped by value, ascending within */
    size_t n_values;
    const char **values;     /* distinct values in byte order (borrowed from the inventory) */
    size_t *value_start;     /* n_values + 1: entries of value i */
} keyed;

/* Nodes bucketed by a small enum (category or type). */
#define BUCKETS_MAX ((int)CRISK_CAT_COUNT > (int)CRISK_NODE_TYPE_COUNT ? (int)CRISK_CAT_COUNT \
                                                                       : (int)CRISK_NODE_TYPE_COUNT)
typedef struct bucketed {
    int built;
    uint32_t *node;
    size_t start[BUCKETS_MAX + 1];
} bucketed;

struct crisk_selector {
    const crisk_inventory *inv;
    keyed parent, country;
    bucketed category, type;
    uint32_t one;            /* the match of an id */
    int no_hints;            /* leave "did you mean" out of messages */
    char *buf;               /* the term being read, trimmed and split */
    size_t cap;
};

const char *crisk_selector_kind_name(crisk_selector_kind k)
{
    return (unsigned)k < CRISK_SELECT_KIND_COUNT ? kind_names[k] : "?";
}

void crisk_selector_hints(crisk_selector *s, int on)
{
    s->no_hints = !on;
}

int crisk_selector_new(crisk_selector **out, const crisk_inventory *inv, crisk_error *err)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    (*out)->inv = inv;
    return CRISK_OK;
}

static void keyed_release(keyed *k)
{
    free(k->node);
    free(k->values);
    free(k->value_start);
}

void crisk_selector_free(crisk_selector *s)
{
    if (s == NULL)
        return;
    keyed_release(&s->parent);
    keyed_release(&s->country);
    free(s->category.node);
    free(s->type.node);
    free(s->buf);
    free(s);
}

/* ---- indexes ---------------------------------------------------------------- */

typedef struct entry {
    const char *key;
    uint32_t node;
} entry;

static int compare_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = a->key == b->key ? 0 : strcmp(a->key, b->key);   /* interned: often equal pointers */
    if (c != 0)
        return c;
    return a->node < b->node ? -1 : a->node > b->node;
}

/* The text value a provider is grouped under; NULL = not grouped. */
static const char *key_of(const crisk_inventory *inv, size_t v, crisk_selector_kind kind)
{
    if (inv->type[v] == CRISK_NODE_FUNCTION)
        return NULL;
    if (kind == CRISK_SELECT_PARENT)
        return inv->parent[v][0] ? inv->parent[v] : inv->id[v];
    return inv->country[v][0] ? inv->country[v] : NULL;
}

static int keyed_build(keyed *k, const crisk_inventory *inv, crisk_selector_kind kind)
{
    size_t n = 0;
    entry *e = malloc((inv->n + 1) * sizeof *e);
    if (e == NULL)
        return -1;
    for (size_t v = 0; v < inv->n; v++) {
        const char *key = key_of(inv, v, kind);
        if (key != NULL)
            e[n++] = (entry){ key, (uint32_t)v };
    }
    crisk__sort(e, n, sizeof *e, compare_entry);
    k->node = malloc((n + 1) * sizeof *k->node);
    k->values = malloc((n + 1) * sizeof *k->values);
    k->value_start = malloc((n + 2) * sizeof *k->value_start);
    if (k->node == NULL || k->values == NULL || k->value_start == NULL) {
        free(e);
        keyed_release(k);
        memset(k, 0, sizeof *k);
        return -1;
    }
    k->n_values = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(e[i].key, e[i - 1].key) != 0) {
            k->values[k->n_values] = e[i].key;
            k->value_start[k->n_values++] = i;
        }
        k->node[i] = e[i].node;
    }
    k->value_start[k->n_values] = n;
    k->built = 1;
    free(e);
    return 0;
}

/* Index of `value` among the distinct values, or SIZE_MAX. */
static size_t keyed_find(const keyed *k, const char *value)
{
    size_t lo = 0, hi = k->n_values;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(k->values[mid], value);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

static int bucketed_build(bucketed *b, const crisk_inventory *inv, crisk_selector_kind kind)
{
    size_t buckets = kind == CRISK_SELECT_CATEGORY ? CRISK_CAT_COUNT : CRISK_NODE_TYPE_COUNT;
    b->node = malloc((inv->n + 1) * sizeof *b->node);
    if (b->node == NULL)
        return -1;
    memset(b->start, 0, sizeof b->start);
    for (int pass = 0; pass < 2; pass++) {
        size_t fill[BUCKETS_MAX] = { 0 };
        for (size_t v = 0; v < inv->n; v++) {
            if (kind == CRISK_SELECT_CATEGORY && inv->type[v] == CRISK_NODE_FUNCTION)
                continue;
            size_t k = kind == CRISK_SELECT_CATEGORY ? inv->category[v] : inv->type[v];
            if (pass == 0)
                b->start[k + 1]++;
            else
                b->node[b->start[k] + fill[k]++] = (uint32_t)v;
        }
        for (size_t k = 0; pass == 0 && k < buckets; k++)
            b->start[k + 1] += b->start[k];
    }
    b->built = 1;
    return 0;
}

/* ---- reading a term ------------------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* `s` without surrounding spaces and tabs, copied into the selector's
 * buffer; NULL when out of memory. */
static char *trimmed_copy(crisk_selector *s, const char *term)
{
    size_t len = strlen(term);
    while (len > 0 && is_blank(term[len - 1]))
        len--;
    while (len > 0 && is_blank(*term)) {
        term++;
        len--;
    }
    if (crisk__grow((void **)&s->buf, &s->cap, len + 1, 1) != 0)
        return NULL;
    memcpy(s->buf, term, len);
    s->buf[len] = '\0';
    return s->buf;
}

static char *trim_in_place(char *p)
{
    while (is_blank(*p))
        p++;
    size_t len = strlen(p);
    while (len > 0 && is_blank(p[len - 1]))
        p[--len] = '\0';
    return p;
}

/* The selector kind named by `name` (case-insensitive), or -1. */
static int kind_named(const char *name)
{
    for (int k = 0; k < CRISK_SELECT_KIND_COUNT; k++)
        if (crisk__strcasecmp_ascii(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* A term split: kind, and the value (in s->buf) when it is a selector. */
typedef struct parsed {
    int kind;                /* crisk_selector_kind, or -1: no colon / unknown name */
    const char *whole;       /* the trimmed term */
    const char *name;        /* before the colon (kind -1 with a colon: the unknown name) */
    const char *value;       /* after the colon, trimmed; NULL without a colon */
} parsed;

/* Split s->buf (the trimmed term) at its first colon: "parent : X" gives
 * ("parent", "X").  `whole` keeps the unsplit text in a second copy. */
static int parse_term(crisk_selector *s, const char *term, parsed *p)
{
    size_t len = strlen(term);
    char *t = trimmed_copy(s, term);
    if (t == NULL || crisk__grow((void **)&s->buf, &s->cap, 2 * len + 2, 1) != 0)
        return -1;
    t = s->buf;                       /* the buffer may have moved */
    size_t tl = strlen(t);
    char *work = t + tl + 1;          /* second half: the copy we split */
    memcpy(work, t, tl + 1);
    p->whole = t;
    p->kind = -1;
    p->name = NULL;
    p->value = NULL;
    char *colon = strchr(work, ':');
    if (colon == NULL)
        return 0;
    *colon = '\0';
    p->name = trim_in_place(work);
    p->value = trim_in_place(colon + 1);
    p->kind = kind_named(p->name);
    return 0;
}

static int fail(crisk_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(crisk_error *err, int code, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return crisk_error_set(err, code, NULL, 0, 0, "%s", msg);
}

static int unknown_node(const crisk_selector *s, const char *id, crisk_error *err)
{
    char q[CRISK__QUOTE_MAX], qh[CRISK__QUOTE_MAX];
    const char *hint = s->no_hints ? NULL : crisk_inventory_suggest(s->inv, id);
    if (hint != NULL)
        return fail(err, CRISK_ENOTFOUND, "unknown node '%s' (did you mean '%s'?)",
                    crisk__quote(q, id), crisk__quote(qh, hint));
    return fail(err, CRISK_ENOTFOUND, "unknown node '%s'", crisk__quote(q, id));
}

/* A term with a colon that is no node and names no selector: a mistyped
 * id, or a mistyped selector name. */
static int unknown_term(const crisk_selector *s, const parsed *p, crisk_error *err)
{
    char q[CRISK__QUOTE_MAX], qv[CRISK__QUOTE_MAX];
    if (!s->no_hints && crisk_inventory_suggest(s->inv, p->whole) != NULL)
        return unknown_node(s, p->whole, err);
    const char *kind = crisk__suggest(p->name, kind_names + 1, CRISK_SELECT_KIND_COUNT - 1);
    if (kind != NULL)
        return fail(err, CRISK_EINVALID, "unknown selector '%s' (did you mean '%s:%s'?)",
                    crisk__quote(q, p->whole), kind, crisk__quote(qv, p->value));
    return fail(err, CRISK_ENOTFOUND,
                "unknown node '%s' (a selector is parent:, country:, category: or type:)",
                crisk__quote(q, p->whole));
}

/* ---- matching ----------------------------------------------------------------------- */

static int match_keyed(crisk_selector *s, keyed *k, crisk_selector_kind kind, const char *value,
                       const uint32_t **nodes, size_t *count, crisk_error *err)
{
    if (!k->built && keyed_build(k, s->inv, kind) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    size_t i = keyed_find(k, value);
    if (i != SIZE_MAX) {
        *nodes = k->node + k->value_start[i];
        *count = k->value_start[i + 1] - k->value_start[i];
    }
    return CRISK_OK;
}

static int match_bucket(crisk_selector *s, bucketed *b, crisk_selector_kind kind, size_t bucket,
                        const uint32_t **nodes, size_t *count, crisk_error *err)
{
    if (!b->built && bucketed_build(b, s->inv, kind) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    *nodes = b->node + b->start[bucket];
    *count = b->start[bucket + 1] - b->start[bucket];
    return CRISK_OK;
}

/* Upper-case a two-letter country code in place; -1 if it is none. */
static int country_code(char *v)
{
    for (int i = 0; i < 2; i++) {
        char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return -1;
    }
    if (v[2] != '\0')
        return -1;
    v[0] = (char)(v[0] & ~0x20);
    v[1] = (char)(v[1] & ~0x20);
    return 0;
}

static int match_selector(crisk_selector *s, const parsed *p, const uint32_t **nodes,
                          size_t *count, crisk_error *err)
{
    char q[CRISK__QUOTE_MAX], qv[CRISK__QUOTE_MAX];
    const char *hint = NULL;
    char *value = (char *)p->value;   /* our own copy, in s->buf */
    if (value[0] == '\0')
        return fail(err, CRISK_EINVALID, "empty value in selector '%s'", crisk__quote(q, p->whole));
    switch ((crisk_selector_kind)p->kind) {
    case CRISK_SELECT_ID:
        s->one = crisk__inventory_lookup(s->inv, value, strlen(value));
        if (s->one == UINT32_MAX)
            return unknown_node(s, value, err);
        *nodes = &s->one;
        *count = 1;
        return CRISK_OK;
    case CRISK_SELECT_PARENT:
        return match_keyed(s, &s->parent, CRISK_SELECT_PARENT, value, nodes, count, err);
    case CRISK_SELECT_COUNTRY:
        if (country_code(value) != 0)
            return fail(err, CRISK_EINVALID,
                        "invalid country '%s' in selector '%s' (expected a 2-letter ISO 3166-1 "
                        "code such as 'DE')", crisk__quote(qv, value), crisk__quote(q, p->whole));
        return match_keyed(s, &s->country, CRISK_SELECT_COUNTRY, value, nodes, count, err);
    case CRISK_SELECT_CATEGORY: {
        crisk_category c;
        if (crisk_category_parse(value, &c, &hint) == CRISK_OK)
            return match_bucket(s, &s->category, CRISK_SELECT_CATEGORY, c, nodes, count, err);
        break;
    }
    case CRISK_SELECT_TYPE: {
        crisk_node_type t;
        if (crisk_node_type_parse(value, &t, &hint) == CRISK_OK)
            return match_bucket(s, &s->type, CRISK_SELECT_TYPE, t, nodes, count, err);
        break;
    }
    default:
        break;
    }
    const char *what = kind_names[p->kind];
    if (hint != NULL)
        return fail(err, CRISK_EINVALID, "unknown %s '%s' in selector '%s' (did you mean '%s'?)",
                    what, crisk__quote(qv, value), crisk__quote(q, p->whole), hint);
    return fail(err, CRISK_EINVALID, "unknown %s '%s' in selector '%s'", what,
                crisk__quote(qv, value), crisk__quote(q, p->whole));
}

int crisk_selector_match(crisk_selector *s, const char *term, const uint32_t **nodes,
                         size_t *count, crisk_error *err)
{
    parsed p;
    *nodes = NULL;
    *count = 0;
    if (parse_term(s, term, &p) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (p.whole[0] == '\0')
        return fail(err, CRISK_EINVALID, "empty failure term");
    uint32_t v = crisk__inventory_lookup(s->inv, p.whole, strlen(p.whole));
    if (v != UINT32_MAX) {            /* an exact id always wins */
        s->one = v;
        *nodes = &s->one;
        *count = 1;
        return CRISK_OK;
    }
    if (p.value == NULL)
        return unknown_node(s, p.whole, err);
    if (p.kind < 0)
        return unknown_term(s, &p, err);
    return match_selector(s, &p, nodes, count, err);
}

char *crisk_selector_explain_empty(crisk_selector *s, const char *term, char *buf, size_t size)
{
    char q[CRISK__QUOTE_MAX], qh[CRISK__QUOTE_MAX];
    parsed p;
    if (size == 0)
        return buf;
    if (parse_term(s, term, &p) != 0) {
        snprintf(buf, size, "out of memory");
        return buf;
    }
    const char *hint = NULL;
    const char *what = p.kind == CRISK_SELECT_TYPE || p.kind < 0 ? "node" : "provider";
    if (p.kind == CRISK_SELECT_PARENT && s->parent.built && !s->no_hints)
        hint = crisk__suggest(p.value, s->parent.values, s->parent.n_values);
    if (p.kind < 0)
        snprintf(buf, size, "term '%s' matches no node", crisk__quote(q, p.whole));
    else if (hint != NULL)
        snprintf(buf, size, "selector '%s' matches no %s (did you mean '%s:%s'?)",
                 crisk__quote(q, p.whole), what, kind_names[p.kind], crisk__quote(qh, hint));
    else
        snprintf(buf, size, "selector '%s' matches no %s", crisk__quote(q, p.whole), what);
    return buf;
}

int crisk_selector_values(crisk_selector *s, crisk_selector_kind kind, size_t *count,
                          crisk_error *err)
{
    *count = 0;
    if (kind != CRISK_SELECT_PARENT && kind != CRISK_SELECT_COUNTRY)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                               "only parent and country selectors have a list of values");
    keyed *k = kind == CRISK_SELECT_PARENT ? &s->parent : &s->country;
    if (!k->built && keyed_build(k, s->inv, kind) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    *count = k->n_values;
    return CRISK_OK;
}

void crisk_selector_value(const crisk_selector *s, crisk_selector_kind kind, size_t i,
                          const char **value, const uint32_t **nodes, size_t *count)
{
    const keyed *k = kind == CRISK_SELECT_PARENT ? &s->parent : &s->country;
    *value = k->values[i];
    *nodes = k->node + k->value_start[i];
    *count = k->value_start[i + 1] - k->value_start[i];
}
