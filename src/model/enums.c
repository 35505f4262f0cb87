/*
 * enums.c - the spellings of node types, categories, substitutability and
 * node fields, as tables, with case-insensitive parsing and "did you mean"
 * hints.
 */
#include "chainrisk/inventory.h"
#include "util/suggest.h"
#include "util/util.h"

static const char *const type_names[CRISK_NODE_TYPE_COUNT] = {
    "function", "supplier", "service", "component"
};
static const char *const category_names[CRISK_CAT_COUNT] = {
    "cloud", "managed-service", "software", "hardware", "telecom", "other"
};
static const char *const subst_names[CRISK_SUBST_COUNT] = {
    "", "easy", "medium", "hard", "none"
};

static const char *const field_names[] = {
    "", "name", "type", "category", "criticality", "rto_hours", "recovery_hours", "spend",
    "country", "parent", "substitutability", "probability", ""
};

const char *crisk_node_field_name(crisk_node_field f)
{
    return (unsigned)f < sizeof field_names / sizeof *field_names ? field_names[f] : "";
}

const char *crisk_node_type_name(crisk_node_type t)
{
    return (unsigned)t < CRISK_NODE_TYPE_COUNT ? type_names[t] : "?";
}

const char *crisk_category_name(crisk_category c)
{
    return (unsigned)c < CRISK_CAT_COUNT ? category_names[c] : "?";
}

const char *crisk_substitutability_name(crisk_substitutability s)
{
    return (unsigned)s < CRISK_SUBST_COUNT ? subst_names[s] : "?";
}

static int parse_table(const char *s, const char *const *names, int first, int count,
                       int *out, const char **hint)
{
    for (int i = first; i < count; i++) {
        if (crisk__strcasecmp_ascii(s, names[i]) == 0) {
            *out = i;
            return CRISK_OK;
        }
    }
    if (hint != NULL)
        *hint = crisk__suggest(s, names + first, (size_t)(count - first));
    return CRISK_ENOTFOUND;
}

int crisk_node_type_parse(const char *s, crisk_node_type *out, const char **hint)
{
    int v = 0;
    int rc = parse_table(s, type_names, 0, CRISK_NODE_TYPE_COUNT, &v, hint);
    if (rc == CRISK_OK)
        *out = (crisk_node_type)v;
    return rc;
}

int crisk_category_parse(const char *s, crisk_category *out, const char **hint)
{
    int v = 0;
    int rc = parse_table(s, category_names, 0, CRISK_CAT_COUNT, &v, hint);
    if (rc == CRISK_OK)
        *out = (crisk_category)v;
    return rc;
}

int crisk_substitutability_parse(const char *s, crisk_substitutability *out, const char **hint)
{
    int v = 0;
    int rc = parse_table(s, subst_names, 1, CRISK_SUBST_COUNT, &v, hint);
    if (rc == CRISK_OK)
        *out = (crisk_substitutability)v;
    return rc;
}
