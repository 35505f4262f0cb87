/*
 * inventory.c - read access to the model and its release.
 */
#include "model.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

void crisk_inventory_free(crisk_inventory *inv)
{
    if (inv == NULL)
        return;
    free(inv->id); free(inv->name); free(inv->country); free(inv->parent);
    free(inv->type); free(inv->category); free(inv->subst);
    free(inv->criticality); free(inv->criticality_given); free(inv->rto); free(inv->recovery);
    free(inv->spend); free(inv->probability); free(inv->loss_per_hour);
    free(inv->index);
    free(inv->attr_names); free(inv->attr_values);
    free(inv->group_start); free(inv->group_owner); free(inv->need);
    free(inv->group_name); free(inv->member_start); free(inv->member);
    free(inv->edge_kind);
    free(inv->names);
    free(inv->dep_start); free(inv->dep);
    free(inv->mg_start); free(inv->mg_list);
    free(inv->sources); free(inv->notes);
    if (inv->suggest != NULL)
        crisk__suggest_index_release(inv->suggest);
    free(inv->suggest);
    crisk__pool_release(&inv->pool);
    free(inv);
}

size_t crisk_inventory_node_count(const crisk_inventory *inv) { return inv->n; }
size_t crisk_inventory_edge_count(const crisk_inventory *inv) { return inv->n_edges; }
size_t crisk_inventory_group_count(const crisk_inventory *inv) { return inv->n_groups; }

void crisk_inventory_node(const crisk_inventory *inv, size_t v, crisk_node_view *out)
{
    out->id = inv->id[v];
    out->name = inv->name[v];
    out->type = (crisk_node_type)inv->type[v];
    out->category = (crisk_category)inv->category[v];
    out->criticality = inv->criticality[v];
    out->rto_hours = inv->rto[v];
    out->recovery_hours = inv->recovery[v];
    out->spend = inv->spend[v];
    out->probability = inv->probability[v];
    out->loss_per_hour = inv->loss_per_hour[v];
    out->country = inv->country[v];
    out->parent = inv->parent[v];
    out->substitutability = (crisk_substitutability)inv->subst[v];
    out->criticality_given = inv->criticality_given[v];
}

const char *crisk_inventory_node_id(const crisk_inventory *inv, size_t v) { return inv->id[v]; }
const char *crisk_inventory_node_name(const crisk_inventory *inv, size_t v) { return inv->name[v]; }
crisk_node_type crisk_inventory_node_type(const crisk_inventory *inv, size_t v)
{
    return (crisk_node_type)inv->type[v];
}

uint32_t crisk__inventory_lookup(const crisk_inventory *inv, const char *id, size_t len)
{
    return crisk__inventory_lookup_hashed(inv, id, len, crisk__hash(id, len));
}

int crisk_inventory_find(const crisk_inventory *inv, const char *id, size_t *out)
{
    uint32_t v = crisk__inventory_lookup(inv, id, strlen(id));
    if (v == UINT32_MAX)
        return CRISK_ENOTFOUND;
    *out = v;
    return CRISK_OK;
}

const char *crisk__inventory_suggest(crisk_inventory *inv, const char *id)
{
    crisk__suggest_index *x = inv->suggest;
    if (x == NULL) {
        x = malloc(sizeof *x);
        if (x == NULL || crisk__suggest_index_init(x, inv->id, inv->n) != 0) {
            free(x);   /* out of memory: the same answer without the index */
            return crisk__suggest(id, inv->id, inv->n);
        }
        inv->suggest = x;
    }
    return crisk__suggest_index_find(x, id, NULL);
}

/* The index is a cache: building it does not change what the inventory
 * holds, so a const inventory may build it (the library is not
 * thread-safe, docs/design.md). */
const char *crisk_inventory_suggest(const crisk_inventory *inv, const char *id)
{
    return crisk__inventory_suggest((crisk_inventory *)inv, id);
}

int crisk_inventory_resolve(const crisk_inventory *inv, const char *id, size_t *out,
                            crisk_error *err)
{
    if (crisk_inventory_find(inv, id, out) == CRISK_OK)
        return CRISK_OK;
    const char *hint = crisk_inventory_suggest(inv, id);
    char q1[CRISK__QUOTE_MAX], q2[CRISK__QUOTE_MAX];
    if (hint != NULL)
        return crisk_error_set(err, CRISK_ENOTFOUND, NULL, 0, 0,
                               "unknown node '%s' (did you mean '%s'?)", crisk__quote(q1, id),
                               crisk__quote(q2, hint));
    return crisk_error_set(err, CRISK_ENOTFOUND, NULL, 0, 0, "unknown node '%s'",
                           crisk__quote(q1, id));
}

size_t crisk_inventory_attr_count(const crisk_inventory *inv) { return inv->n_attrs; }
const char *crisk_inventory_attr_name(const crisk_inventory *inv, size_t a) { return inv->attr_names[a]; }
const char *crisk_inventory_node_attr(const crisk_inventory *inv, size_t v, size_t a)
{
    const char *s = inv->attr_values[v * inv->n_attrs + a];
    return s ? s : "";
}

size_t crisk_inventory_group_begin(const crisk_inventory *inv, size_t v) { return inv->group_start[v]; }
size_t crisk_inventory_group_owner(const crisk_inventory *inv, size_t g) { return crisk__group_owner(inv, g); }
const char *crisk_inventory_group_name(const crisk_inventory *inv, size_t g) { return crisk__group_name(inv, g); }
size_t crisk_inventory_group_need(const crisk_inventory *inv, size_t g) { return inv->need[g]; }
size_t crisk_inventory_group_size(const crisk_inventory *inv, size_t g)
{
    return inv->member_start[g + 1] - inv->member_start[g];
}
size_t crisk_inventory_group_member(const crisk_inventory *inv, size_t g, size_t i)
{
    return inv->member[inv->member_start[g] + i];
}
const char *crisk_inventory_group_member_kind(const crisk_inventory *inv, size_t g, size_t i)
{
    return crisk__edge_kind(inv, inv->member_start[g] + i);
}

size_t crisk_inventory_dependant_count(const crisk_inventory *inv, size_t v)
{
    return inv->dep_start[v + 1] - inv->dep_start[v];
}
size_t crisk_inventory_dependant(const crisk_inventory *inv, size_t v, size_t i)
{
    return inv->dep[inv->dep_start[v] + i];
}

size_t crisk_inventory_source_count(const crisk_inventory *inv) { return inv->n_sources; }
void crisk_inventory_source(const crisk_inventory *inv, size_t i, crisk_source_view *out)
{
    const crisk__source *s = &inv->sources[i];
    out->path = s->path;
    out->kind = s->kind;
    out->sha256 = s->sha256;
    out->bytes = s->bytes;
    out->rows = s->rows;
}
size_t crisk_inventory_note_count(const crisk_inventory *inv) { return inv->n_notes; }
const char *crisk_inventory_note(const crisk_inventory *inv, size_t i) { return inv->notes[i]; }

