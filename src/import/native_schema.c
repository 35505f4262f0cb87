/*
 * native_schema.c - the native CSV format's columns and the rules for one
 * cell (native_schema.h): empty ids, enums with "did you mean", numbers and
 * their ranges, country codes, `need`.
 *
 * One module for the two readers that apply these rules: the native reader
 * (csv_native.c) to every cell of nodes.csv and edges.csv, and the mapping
 * reader (mapping.c) to every translation and default a mapping file gives,
 * so a translated cell cannot fail when it is read.
 *
 * Values: the caller has trimmed the cell; an empty cell means "not given".
 * Numbers are decimal (strtod in the C locale, which the caller sets; no
 * hex, inf or nan).  Country codes are two ASCII letters, accepted in
 * either case and stored upper-case.
 */
#include "native_schema.h"
#include "util/quote.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the columns ----------------------------------------------------------- */

static const char *const node_names[CRISK__NODE_COLUMNS] = {
    "id", "name", "type", "category", "criticality", "rto_hours", "recovery_hours",
    "spend", "country", "parent", "substitutability", "probability", "loss_per_hour"
};

static const char *const edge_names[CRISK__EDGE_COLUMNS] = {
    "from", "to", "group", "need", "kind"
};

static const crisk__native_schema node_schema = {
    "nodes", CRISK__NATIVE_NODES, node_names, CRISK__NODE_COLUMNS, 1u << CRISK__NODE_ID,
    (1u << CRISK__NODE_ID) | (1u << CRISK__NODE_NAME) | (1u << CRISK__NODE_PARENT), 1
};
static const crisk__native_schema edge_schema = {
    "edges", CRISK__NATIVE_EDGES, edge_names, CRISK__EDGE_COLUMNS,
    (1u << CRISK__EDGE_FROM) | (1u << CRISK__EDGE_TO),
    (1u << CRISK__EDGE_FROM) | (1u << CRISK__EDGE_TO) | (1u << CRISK__EDGE_GROUP)
        | (1u << CRISK__EDGE_KIND), 0
};

const crisk__native_schema *crisk__native_schema_of(enum crisk__native_file f)
{
    return f == CRISK__NATIVE_EDGES ? &edge_schema : &node_schema;
}

const char *const *crisk__native_columns(enum crisk__native_file f, size_t *n)
{
    *n = crisk__native_schema_of(f)->count;
    return crisk__native_schema_of(f)->names;
}

int crisk__native_is_free_text(enum crisk__native_file f, size_t column)
{
    const crisk__native_schema *s = crisk__native_schema_of(f);
    return column < s->count && (s->free_text & (1u << column)) != 0;
}

/* Numeric node columns and their ranges: what the message says below the
 * minimum and above the maximum (CRISK_MAX_CRITICALITY and CRISK_MAX_SPEND
 * keep every sum finite, data/README.md). */
typedef struct number_rule {
    enum crisk__node_column column;
    double min, max;
    const char *below, *above;
} number_rule;

static const number_rule number_rules[] = {
    { CRISK__NODE_CRITICALITY, 0.0, CRISK_MAX_CRITICALITY, "must be >= 0", "must be at most 1000000" },
    { CRISK__NODE_RTO,         0.0, INFINITY,              "must be >= 0", NULL },
    { CRISK__NODE_RECOVERY,    0.0, INFINITY,              "must be >= 0", NULL },
    { CRISK__NODE_SPEND,       0.0, CRISK_MAX_SPEND,       "must be >= 0", "must be at most 1e15" },
    { CRISK__NODE_PROBABILITY, 0.0, 1.0, "must be between 0 and 1", "must be between 0 and 1" },
    { CRISK__NODE_LOSS_PER_HOUR, 0.0, CRISK_MAX_LOSS_PER_HOUR, "must be >= 0",
      "must be at most 1e15" },
};

/* ---- cells ----------------------------------------------------------------- */

static enum crisk__cell fail(char msg[CRISK_ERROR_MESSAGE_MAX], enum crisk__cell result,
                             const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum crisk__cell fail(char msg[CRISK_ERROR_MESSAGE_MAX], enum crisk__cell result,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, CRISK_ERROR_MESSAGE_MAX, fmt, ap);
    va_end(ap);
    return result;
}

int crisk__native_parse_number(const char *s, double *out)
{
    if (*s == '\0' || strspn(s, "0123456789+-.eE") != strlen(s))
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v == 0.0 ? 0.0 : v;   /* no -0 */
    return 0;
}

static double *number_target(crisk_node_record *rec, enum crisk__node_column c)
{
    switch (c) {
    case CRISK__NODE_CRITICALITY: return &rec->criticality;
    case CRISK__NODE_RTO:         return &rec->rto_hours;
    case CRISK__NODE_RECOVERY:    return &rec->recovery_hours;
    case CRISK__NODE_SPEND:       return &rec->spend;
    case CRISK__NODE_LOSS_PER_HOUR: return &rec->loss_per_hour;
    default:                      return &rec->probability;
    }
}

static enum crisk__cell number_cell(crisk_node_record *rec, const number_rule *rule,
                                    const char *v, char msg[CRISK_ERROR_MESSAGE_MAX])
{
    char q[CRISK__QUOTE_MAX];
    const char *name = node_names[rule->column];
    double x;
    if (crisk__native_parse_number(v, &x) != 0)
        return fail(msg, CRISK__CELL_UNREADABLE, "invalid %s '%s' (not a number)", name,
                    crisk__quote(q, v));
    if (x < rule->min || x > rule->max)
        return fail(msg, CRISK__CELL_OUT_OF_RANGE, "invalid %s '%s' (%s)", name,
                    crisk__quote(q, v), x < rule->min ? rule->below : rule->above);
    *number_target(rec, rule->column) = x;
    return CRISK__CELL_OK;
}

/* The spellings of an enum as "a, b or c", for a message without a hint. */
static void spellings(char *buf, size_t size, const char *(*name)(int), int first, int count)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = first; i < count && o < size; i++) {
        const char *sep = i == first ? "" : i + 1 == count ? " or " : ", ";
        o += (size_t)snprintf(buf + o, size - o, "%s%s", sep, name(i));
    }
}

static const char *type_name(int i) { return crisk_node_type_name((crisk_node_type)i); }
static const char *category_name(int i) { return crisk_category_name((crisk_category)i); }
static const char *subst_name(int i)
{
    return crisk_substitutability_name((crisk_substitutability)i);
}

static enum crisk__cell enum_error(char msg[CRISK_ERROR_MESSAGE_MAX], const char *what,
                                   const char *v, const char *hint,
                                   const char *(*name)(int), int first, int count)
{
    char q[CRISK__QUOTE_MAX];
    if (hint != NULL)
        return fail(msg, CRISK__CELL_UNREADABLE, "unknown %s '%s' (did you mean '%s'?)", what,
                    crisk__quote(q, v), hint);
    char list[256];
    spellings(list, sizeof list, name, first, count);
    return fail(msg, CRISK__CELL_UNREADABLE, "unknown %s '%s' (expected %s)", what,
                crisk__quote(q, v), list);
}

static enum crisk__cell enum_cell(crisk_node_record *rec, enum crisk__node_column c,
                                  const char *v, char msg[CRISK_ERROR_MESSAGE_MAX])
{
    const char *hint = NULL;
    switch (c) {
    case CRISK__NODE_TYPE:
        if (crisk_node_type_parse(v, &rec->type, &hint) == CRISK_OK)
            return CRISK__CELL_OK;
        return enum_error(msg, "type", v, hint, type_name, 0, CRISK_NODE_TYPE_COUNT);
    case CRISK__NODE_CATEGORY:
        if (crisk_category_parse(v, &rec->category, &hint) == CRISK_OK)
            return CRISK__CELL_OK;
        return enum_error(msg, "category", v, hint, category_name, 0, CRISK_CAT_COUNT);
    default:
        if (crisk_substitutability_parse(v, &rec->substitutability, &hint) == CRISK_OK)
            return CRISK__CELL_OK;
        return enum_error(msg, "substitutability", v, hint, subst_name, CRISK_SUBST_EASY,
                          CRISK_SUBST_COUNT);
    }
}

/* Not isalpha(): that one follows the process locale. */
static int is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ISO 3166-1 alpha-2 by form (two letters), stored upper-case in `country`
 * (`v` may be the mapping's text, which is not ours to change). */
static enum crisk__cell country_cell(crisk_node_record *rec, const char *v, char country[3],
                                     char msg[CRISK_ERROR_MESSAGE_MAX])
{
    char q[CRISK__QUOTE_MAX];
    if (strlen(v) != 2 || !is_ascii_letter(v[0]) || !is_ascii_letter(v[1]))
        return fail(msg, CRISK__CELL_UNREADABLE,
                    "invalid country '%s' (expected a 2-letter ISO 3166-1 code such as 'DE')",
                    crisk__quote(q, v));
    country[0] = (char)(v[0] & ~0x20);   /* ASCII upper case */
    country[1] = (char)(v[1] & ~0x20);
    country[2] = '\0';
    rec->country = country;
    return CRISK__CELL_OK;
}

enum crisk__cell crisk__native_node_cell(crisk_node_record *rec, enum crisk__node_column c,
                                         const char *v, char country[3],
                                         char msg[CRISK_ERROR_MESSAGE_MAX])
{
    if (v[0] == '\0')
        return c == CRISK__NODE_ID ? fail(msg, CRISK__CELL_UNREADABLE, "empty id")
                                   : CRISK__CELL_OK;
    switch (c) {
    case CRISK__NODE_ID:     rec->id = v; return CRISK__CELL_OK;
    case CRISK__NODE_NAME:   rec->name = v; return CRISK__CELL_OK;
    case CRISK__NODE_PARENT: rec->parent = v; return CRISK__CELL_OK;
    case CRISK__NODE_COUNTRY:
        return country_cell(rec, v, country, msg);
    case CRISK__NODE_TYPE:
    case CRISK__NODE_CATEGORY:
    case CRISK__NODE_SUBST:
        return enum_cell(rec, c, v, msg);
    default:
        for (size_t i = 0; i < sizeof number_rules / sizeof *number_rules; i++)
            if (number_rules[i].column == c)
                return number_cell(rec, &number_rules[i], v, msg);
        return CRISK__CELL_OK;
    }
}

/* `need`: a whole number 1..CRISK_MAX_NEED. */
static enum crisk__cell need_cell(crisk_edge_record *rec, const char *v,
                                  char msg[CRISK_ERROR_MESSAGE_MAX])
{
    char q[CRISK__QUOTE_MAX];
    size_t n = 0;
    const char *p = v;
    for (; *p >= '0' && *p <= '9' && n <= CRISK_MAX_NEED; p++)
        n = n * 10 + (size_t)(*p - '0');
    if (p == v || *p != '\0' || n < 1 || n > CRISK_MAX_NEED)
        return fail(msg, CRISK__CELL_UNREADABLE,
                    "invalid need '%s' (expected a whole number from 1 to %u)",
                    crisk__quote(q, v), CRISK_MAX_NEED);
    rec->need = n;
    return CRISK__CELL_OK;
}

enum crisk__cell crisk__native_edge_cell(crisk_edge_record *rec, enum crisk__edge_column c,
                                         const char *v, char msg[CRISK_ERROR_MESSAGE_MAX])
{
    switch (c) {
    case CRISK__EDGE_FROM:
        rec->from = v;
        return v[0] ? CRISK__CELL_OK : fail(msg, CRISK__CELL_UNREADABLE, "empty 'from' id");
    case CRISK__EDGE_TO:
        rec->to = v;
        return v[0] ? CRISK__CELL_OK : fail(msg, CRISK__CELL_UNREADABLE, "empty 'to' id");
    case CRISK__EDGE_GROUP:
        rec->group = v;
        return CRISK__CELL_OK;
    case CRISK__EDGE_KIND:
        rec->kind = v;
        return CRISK__CELL_OK;
    default:
        return v[0] ? need_cell(rec, v, msg) : CRISK__CELL_OK;
    }
}

int crisk__native_check_value(enum crisk__native_file f, size_t column, const char *value,
                              char msg[CRISK_ERROR_MESSAGE_MAX])
{
    msg[0] = '\0';
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c_numeric != (locale_t)0 ? uselocale(c_numeric) : (locale_t)0;
    enum crisk__cell rc;
    if (f == CRISK__NATIVE_EDGES) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rc = crisk__native_edge_cell(&rec, (enum crisk__edge_column)column, value, msg);
    } else {
        crisk_node_record rec;
        char country[3];
        crisk_node_record_init(&rec);
        rc = crisk__native_node_cell(&rec, (enum crisk__node_column)column, value, country, msg);
    }
    if (c_numeric != (locale_t)0) {
        uselocale(previous);
        freelocale(c_numeric);
    }
    return rc == CRISK__CELL_OK ? 0 : -1;
}
