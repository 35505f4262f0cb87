/*
 * test_builder.c - the builder's own bookkeeping (src/model/builder.c): the
 * numbered table of group and kind names its edge records carry, the
 * owner of a group and the helper that faults its layout in.  The
 * builder's cross-record checks are tested through the readers
 * (test_csv_native.c, the CLI golden cases).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "analysis/cascade.h"
#include "model/model.h"
#include "util/prefault.h"

#define NODES 300

typedef struct built {
    crisk_builder *b;
    crisk_diagnostics diags;
    crisk_error err;
    size_t src;
} built;

static void start(built *t)
{
    memset(t, 0, sizeof *t);
    t->err = (crisk_error)CRISK_ERROR_INIT;
    crisk_diagnostics_init(&t->diags);
    cr_assert_eq(crisk_builder_new(&t->b, &t->err), CRISK_OK);
    crisk_builder_begin_input(t->b);
    cr_assert_eq(crisk_builder_add_source(t->b, &t->src, "edges.csv", "edges", NULL, 0, &t->err),
                 CRISK_OK);
    for (int i = 0; i < NODES; i++) {
        char id[16];
        snprintf(id, sizeof id, "n%d", i);
        crisk_node_record r;
        crisk_node_record_init(&r);
        r.id = id;
        r.type = i == 0 ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER;
        r.line = (size_t)i + 2;
        r.id_column = 1;
        cr_assert_eq(crisk_builder_add_node(t->b, t->src, &r, &t->diags, &t->err), CRISK_OK);
    }
}

static void edge(built *t, int from, int to, const char *group, size_t need, const char *kind,
                 size_t line)
{
    char f[16], g[16];
    snprintf(f, sizeof f, "n%d", from);
    snprintf(g, sizeof g, "n%d", to);
    crisk_edge_record e;
    crisk_edge_record_init(&e);
    e.from = f;
    e.to = g;
    e.group = group;
    e.need = need;
    e.kind = kind;
    e.line = line;
    e.from_column = 1;
    e.to_column = 2;
    e.group_column = 3;
    e.need_column = 4;
    cr_assert_eq(crisk_builder_add_edge(t->b, t->src, &e, &t->diags, &t->err), CRISK_OK);
}

/* More names than the name index starts with (64 slots), a group name equal
 * to a kind, and names repeated far apart: every group keeps its name and
 * every edge its kind. */
Test(builder, keeps_every_group_and_kind_name_of_hundreds)
{
    built t;
    start(&t);
    char group[32], kind[32];
    size_t line = 2;
    for (int i = 0; i + 2 < NODES; i++) {
        snprintf(group, sizeof group, i % 7 == 0 ? "kind-%d" : "group-%d", i % 211);
        snprintf(kind, sizeof kind, "kind-%d", (i * 37) % 131);
        edge(&t, i, i + 1, group, 0, kind, line++);
        edge(&t, i, i + 2, group, 2, i % 3 ? kind : "", line++);
    }
    crisk_inventory *inv = NULL;
    cr_assert_eq(crisk_builder_finish(t.b, &inv, &t.diags, &t.err), CRISK_OK, "%s",
                 t.err.message);
    for (int i = 0; i + 2 < NODES; i++) {
        size_t g = crisk_inventory_group_begin(inv, (size_t)i);
        snprintf(group, sizeof group, i % 7 == 0 ? "kind-%d" : "group-%d", i % 211);
        snprintf(kind, sizeof kind, "kind-%d", (i * 37) % 131);
        cr_assert_eq(crisk_inventory_group_begin(inv, (size_t)i + 1), g + 1);
        cr_assert_str_eq(crisk_inventory_group_name(inv, g), group);
        cr_assert_eq(crisk_inventory_group_need(inv, g), 2);
        cr_assert_eq(crisk_inventory_group_size(inv, g), 2);
        cr_assert_str_eq(crisk_inventory_group_member_kind(inv, g, 0), kind);
        cr_assert_str_eq(crisk_inventory_group_member_kind(inv, g, 1), i % 3 ? kind : "");
    }
    crisk_inventory_free(inv);
    crisk_builder_free(t.b);
    crisk_diagnostics_release(&t.diags);
}

/* Diagnostics that name a group read the name back from its number. */
Test(builder, names_the_group_in_duplicate_and_need_errors)
{
    built t;
    start(&t);
    edge(&t, 1, 2, "", 0, "hosting", 2);           /* no group: its own */
    edge(&t, 1, 3, "cloud", 0, "hosting", 3);
    edge(&t, 1, 4, "cloud", 1, "saas", 4);
    edge(&t, 1, 3, "cloud", 0, "saas", 5);           /* duplicate in 'cloud' */
    edge(&t, 1, 5, "cloud", 2, "saas", 6);           /* need differs */
    edge(&t, 1, 2, "", 0, "saas", 7);                 /* duplicate plain edge */
    crisk_inventory *inv = NULL;
    cr_assert_eq(crisk_builder_finish(t.b, &inv, &t.diags, &t.err), CRISK_EINVALID);
    cr_assert_null(inv);
    static const char *const want[] = {
        "edges.csv:5:2: duplicate edge 'n1' -> 'n3' in group 'cloud' (first on edges.csv:3)",
        "edges.csv:6:4: need 2 of group 'cloud' of 'n1' differs from need 1 on line 4",
        "edges.csv:7:2: duplicate edge 'n1' -> 'n2' (first on edges.csv:2)",
    };
    cr_assert_eq(t.diags.errors, 3);
    for (size_t i = 0; i < 3; i++) {
        char text[1024];
        crisk_diag_format(&t.diags.items[i], text, sizeof text);
        cr_assert_str_eq(text, want[i]);
    }
    crisk_builder_free(t.b);
    crisk_diagnostics_release(&t.diags);
}

/* The prefault helper the builder starts (util/prefault.h) maps pages
 * without touching a byte: what was written before and while it runs is
 * there afterwards, and odd sizes, NULL and empty arrays are no trouble. */
Test(builder, prefaulting_leaves_every_byte_as_written)
{
    size_t size = (size_t)9 << 20, odd = 12345;
    unsigned char *a = malloc(size), *c = malloc(odd);
    cr_assert_not_null(a);
    cr_assert_not_null(c);
    for (size_t i = 0; i < size / 2; i++)
        a[i] = (unsigned char)(i * 7 + 1);
    void *const ptr[] = { a + 1, NULL, c, a };
    const size_t bytes[] = { size - 1, 100, odd, 0 };
    crisk__prefault *pf = crisk__prefault_start(ptr, bytes, 4);
    for (size_t i = size / 2; i < size; i++)
        a[i] = (unsigned char)(i * 7 + 1);
    memset(c, 0x5a, odd);
    crisk__prefault_finish(pf);
    crisk__prefault_finish(NULL);
    for (size_t i = 0; i < size; i++)
        cr_assert_eq(a[i], (unsigned char)(i * 7 + 1), "byte %zu", i);
    for (size_t i = 0; i < odd; i++)
        cr_assert_eq(c[i], 0x5a);
    free(a);
    free(c);
}

/* A load long enough for the builder to fault its edge blocks in ahead of
 * the writes (a window moves on every 4 MiB of edge records, 150 000
 * edges): every one of 675 000 edges is laid out as added. */
Test(builder, keeps_every_edge_of_a_load_faulted_in_ahead)
{
    built t;
    start(&t);
    enum { TARGETS = 250, SETS = 8 };
    static const char *const sets[SETS] = { "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7" };
    size_t line = 2;
    for (int i = 0; i < NODES; i++)
        for (int k = 1; k <= TARGETS; k++) {
            edge(&t, i, (i + k) % NODES, k % 5 ? "" : "alt", 0, k % 2 ? "saas" : "hosting",
                 line++);
            for (int j = 0; j < SETS; j++)
                edge(&t, i, (i + k) % NODES, sets[j], 0, "", line++);
        }
    crisk_inventory *inv = NULL;
    cr_assert_eq(crisk_builder_finish(t.b, &inv, &t.diags, &t.err), CRISK_OK, "%s",
                 t.err.message);
    size_t members = 0;
    for (int i = 0; i < NODES; i++) {
        size_t g = crisk_inventory_group_begin(inv, (size_t)i);
        size_t end = crisk_inventory_group_begin(inv, (size_t)i + 1);
        cr_assert_eq(end - g, TARGETS - TARGETS / 5 + 1 + SETS);
        for (size_t h = g; h < end; h++) {
            const char *name = crisk_inventory_group_name(inv, h);
            size_t size = crisk_inventory_group_size(inv, h);
            for (size_t m = 0; m < size; m++) {
                size_t to = crisk_inventory_group_member(inv, h, m);
                int k = (int)((to + NODES - (size_t)i) % NODES);
                const char *kind = crisk_inventory_group_member_kind(inv, h, m);
                if (name[0] == 's') {
                    cr_assert_str_eq(kind, "");
                } else {
                    cr_assert_str_eq(name, k % 5 ? "" : "alt");
                    cr_assert_str_eq(kind, k % 2 ? "saas" : "hosting");
                }
            }
            members += size;
        }
    }
    cr_assert_eq(members, (size_t)NODES * TARGETS * (SETS + 1));
    crisk_inventory_free(inv);
    crisk_builder_free(t.b);
    crisk_diagnostics_release(&t.diags);
}

/* A group's owner is found from the groups' start per node, nodes without
 * groups between them: n0, n3, n6, ... and n299 depend on two nodes each
 * without a group and on a group "r" of two more; the nodes between have no
 * group.  The cascades' cache (crisk__member_groups) lays the same owners
 * out per group. */
Test(builder, finds_the_owner_of_every_group_across_nodes_without_groups)
{
    built t;
    start(&t);
    size_t line = 2;
    for (int i = 0; i < NODES; i++) {
        if (i % 3 != 0 && i != NODES - 1)
            continue;
        edge(&t, i, (i + 1) % NODES, "", 0, "", line++);
        edge(&t, i, (i + 2) % NODES, "", 0, "", line++);
        edge(&t, i, (i + 4) % NODES, "r", 1, "", line++);
        edge(&t, i, (i + 5) % NODES, "r", 1, "", line++);
    }
    crisk_inventory *inv = NULL;
    cr_assert_eq(crisk_builder_finish(t.b, &inv, &t.diags, &t.err), CRISK_OK);
    size_t groups = 0;
    for (size_t v = 0; v < NODES; v++) {
        size_t g0 = crisk_inventory_group_begin(inv, v), g1 = crisk_inventory_group_begin(inv, v + 1);
        cr_assert_eq(g1 - g0, v % 3 == 0 || v == NODES - 1 ? 3u : 0u, "n%zu", v);
        for (size_t g = g0; g < g1; g++)
            cr_expect_eq(crisk_inventory_group_owner(inv, g), v, "group %zu", g);
        groups += g1 - g0;
    }
    cr_assert_eq(crisk_inventory_group_count(inv), groups);
    cr_assert_null(inv->group_owner, "the model lays owners out only for cascades");
    const uint32_t *mg_start, *mg_list;
    cr_assert_eq(crisk__member_groups(inv, &mg_start, &mg_list), 0);
    for (size_t g = 0; g < groups; g++)
        cr_expect_eq(inv->group_owner[g], crisk_inventory_group_owner(inv, g), "group %zu", g);
    crisk_inventory_free(inv);
    crisk_builder_free(t.b);
    crisk_diagnostics_release(&t.diags);
}
