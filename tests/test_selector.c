/*
 * test_selector.c - failure terms: ids and selectors to node sets
 * (chainrisk/selector.h), on the bundled sample and on small inventories.
 *
 * The sample (data/sample/nodes.csv, 13 functions and 48 providers, 4 of them components):
 * parent "Nordwolke Group" holds nordwolke-workplace (node 22),
 * nordwolke-tenant (39) and nordwolke-fra1 (42); 29 providers are in DE, 2
 * in SE (vitalguard-monitoring, vitalguard-medical); 6 are cloud; 41 parent
 * groups, six of them with two or more providers; 10 countries.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "reference.h"

static crisk_inventory *sample(void)
{
    crisk_input in = { CRISK_SOURCE_DIR "/data/sample", NULL, NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_inventory *inv = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, NULL, &diags, &err), CRISK_OK, "%s", err.message);
    crisk_diagnostics_release(&diags);
    return inv;
}

typedef struct fixture {
    crisk_inventory *inv;
    crisk_selector *s;
} fixture;

static fixture open_sample(void)
{
    fixture fx = { sample(), NULL };
    cr_assert_eq(crisk_selector_new(&fx.s, fx.inv, NULL), CRISK_OK);
    return fx;
}

static void close_fixture(fixture *fx)
{
    crisk_selector_free(fx->s);
    crisk_inventory_free(fx->inv);
}

/* The ids a term selects, comma-separated, or "error: message". */
static char *selected(fixture *fx, const char *term)
{
    const uint32_t *nodes = NULL;
    size_t count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    char *out = calloc(1, 4096);
    int rc = crisk_selector_match(fx->s, term, &nodes, &count, &err);
    if (rc != CRISK_OK) {
        snprintf(out, 4096, "error %d: %s", rc, err.message);
        return out;
    }
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            strcat(out, ",");
        strcat(out, crisk_inventory_node_id(fx->inv, nodes[i]));
        if (i > 0)
            cr_expect_lt(nodes[i - 1], nodes[i], "%s: nodes ascending", term);
    }
    return out;
}

static size_t selected_count(fixture *fx, const char *term)
{
    const uint32_t *nodes = NULL;
    size_t count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_selector_match(fx->s, term, &nodes, &count, &err), CRISK_OK, "%s: %s", term,
                 err.message);
    for (size_t i = 0; i < count; i++)
        cr_expect_neq(crisk_inventory_node_type(fx->inv, nodes[i]),
                      strncmp(term, "type:", 5) == 0 ? CRISK_NODE_TYPE_COUNT : CRISK_NODE_FUNCTION,
                      "%s selects a function", term);
    return count;
}

#define EXPECT_SELECTS(fx, term, want)                                                  \
    do {                                                                                \
        char *got_ = selected(fx, term);                                                \
        cr_expect_str_eq(got_, want, "term '%s'", term);                                \
        free(got_);                                                                     \
    } while (0)

Test(selector, an_id_names_its_node_and_blanks_around_it_are_ignored)
{
    fixture fx = open_sample();
    EXPECT_SELECTS(&fx, "mainknoten-ix", "mainknoten-ix");
    EXPECT_SELECTS(&fx, " \tmainknoten-ix ", "mainknoten-ix");
    EXPECT_SELECTS(&fx, "id:mainknoten-ix", "mainknoten-ix");
    EXPECT_SELECTS(&fx, "ID : mainknoten-ix", "mainknoten-ix");
    close_fixture(&fx);
}

Test(selector, unknown_id_is_an_error_with_a_hint)
{
    fixture fx = open_sample();
    EXPECT_SELECTS(&fx, "mainknoten-xi", "error -2: unknown node 'mainknoten-xi' (did you mean 'mainknoten-ix'?)");
    EXPECT_SELECTS(&fx, "zzzzzzzz", "error -2: unknown node 'zzzzzzzz'");
    EXPECT_SELECTS(&fx, "id:mainknoten-i", "error -2: unknown node 'mainknoten-i' (did you mean 'mainknoten-ix'?)");
    EXPECT_SELECTS(&fx, "  ", "error -1: empty failure term");
    close_fixture(&fx);
}

Test(selector, parent_names_a_provider_group)
{
    fixture fx = open_sample();
    EXPECT_SELECTS(&fx, "parent:Nordwolke Group", "nordwolke-workplace,nordwolke-tenant,nordwolke-fra1");
    EXPECT_SELECTS(&fx, "Parent:  Nordwolke Group ", "nordwolke-workplace,nordwolke-tenant,nordwolke-fra1");
    EXPECT_SELECTS(&fx, "parent:RheinNet Gruppe", "rheinnet-msp,rheinnet-sdwan");
    cr_expect_eq(selected_count(&fx, "parent:nordwolke group"), 0, "parent names match exactly");
    char why[256];
    cr_expect_str_eq(crisk_selector_explain_empty(fx.s, "parent:nordwolke group", why, sizeof why),
                     "selector 'parent:nordwolke group' matches no provider (did you mean "
                     "'parent:Nordwolke Group'?)");
    cr_expect_str_eq(crisk_selector_explain_empty(fx.s, "parent:Acme", why, sizeof why),
                     "selector 'parent:Acme' matches no provider");
    size_t n = 0;
    cr_assert_eq(crisk_selector_values(fx.s, CRISK_SELECT_PARENT, &n, NULL), CRISK_OK);
    cr_expect_eq(n, 41);
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) {
        const char *value;
        const uint32_t *nodes;
        size_t count;
        crisk_selector_value(fx.s, CRISK_SELECT_PARENT, i, &value, &nodes, &count);
        groups += count >= 2;
        if (i > 0) {
            const char *before;
            crisk_selector_value(fx.s, CRISK_SELECT_PARENT, i - 1, &before, &nodes, &count);
            cr_expect_lt(strcmp(before, value), 0, "values in byte order");
        }
    }
    cr_expect_eq(groups, 6);
    close_fixture(&fx);
}

/* A provider without a parent is its own parent group, as in concentration;
 * functions are never selected by parent, country or category. */
Test(selector, provider_without_parent_is_its_own_group_and_functions_are_left_out)
{
    ref_model g;
    ref_model_init(&g);
    int f = ref_add_node(&g, "f", CRISK_NODE_FUNCTION);
    int a = ref_add_node(&g, "a", CRISK_NODE_SUPPLIER);
    ref_add_node(&g, "pkg:npm/x@1", CRISK_NODE_COMPONENT);
    ref_add_node(&g, "country:DE", CRISK_NODE_SUPPLIER);
    ref_add_edge(&g, f, a, "", 0);
    crisk_inventory *inv = NULL;
    char why[256];
    cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "%s", why);
    fixture fx = { inv, NULL };
    cr_assert_eq(crisk_selector_new(&fx.s, inv, NULL), CRISK_OK);
    EXPECT_SELECTS(&fx, "parent:a", "a");
    EXPECT_SELECTS(&fx, "parent:f", "");
    EXPECT_SELECTS(&fx, "category:other", "a,pkg:npm/x@1,country:DE");
    EXPECT_SELECTS(&fx, "type:function", "f");
    /* an exact id wins over the selector it reads like */
    EXPECT_SELECTS(&fx, "pkg:npm/x@1", "pkg:npm/x@1");
    EXPECT_SELECTS(&fx, "country:DE", "country:DE");
    EXPECT_SELECTS(&fx, "id:country:DE", "country:DE");
    EXPECT_SELECTS(&fx, "pkg:npm/x@2", "error -2: unknown node 'pkg:npm/x@2' (did you mean 'pkg:npm/x@1'?)");
    close_fixture(&fx);
    ref_model_release(&g);
}

Test(selector, country_category_and_type)
{
    fixture fx = open_sample();
    cr_expect_eq(selected_count(&fx, "country:DE"), 29);
    EXPECT_SELECTS(&fx, "country:se", "vitalguard-monitoring,vitalguard-medical");
    EXPECT_SELECTS(&fx, "category:cloud",
                   "nordwolke-workplace,nordwolke-tenant,nordwolke-fra1,leuchtturm-dns,"
                   "polder-cloud-ams1,nuage-lyon");
    EXPECT_SELECTS(&fx, "category:CLOUD",
                   "nordwolke-workplace,nordwolke-tenant,nordwolke-fra1,leuchtturm-dns,"
                   "polder-cloud-ams1,nuage-lyon");
    cr_expect_eq(selected_count(&fx, "type:function"), 13);
    cr_expect_eq(selected_count(&fx, "type:component"), 4);
    cr_expect_eq(selected_count(&fx, "country:JP"), 0);
    char why[256];
    cr_expect_str_eq(crisk_selector_explain_empty(fx.s, "country:jp", why, sizeof why),
                     "selector 'country:jp' matches no provider");
    size_t n = 0;
    cr_assert_eq(crisk_selector_values(fx.s, CRISK_SELECT_COUNTRY, &n, NULL), CRISK_OK);
    cr_expect_eq(n, 10);
    cr_expect_eq(crisk_selector_values(fx.s, CRISK_SELECT_TYPE, &n, NULL), CRISK_EUSAGE);
    close_fixture(&fx);
}

Test(selector, malformed_selectors_are_errors_with_hints)
{
    fixture fx = open_sample();
    EXPECT_SELECTS(&fx, "parent:", "error -1: empty value in selector 'parent:'");
    EXPECT_SELECTS(&fx, "country: ", "error -1: empty value in selector 'country:'");
    EXPECT_SELECTS(&fx, "country:Deutschland",
                   "error -1: invalid country 'Deutschland' in selector 'country:Deutschland' "
                   "(expected a 2-letter ISO 3166-1 code such as 'DE')");
    EXPECT_SELECTS(&fx, "category:clowd",
                   "error -1: unknown category 'clowd' in selector 'category:clowd' (did you mean 'cloud'?)");
    EXPECT_SELECTS(&fx, "type:vendor", "error -1: unknown type 'vendor' in selector 'type:vendor'");
    EXPECT_SELECTS(&fx, "parnet:Nordwolke Group",
                   "error -1: unknown selector 'parnet:Nordwolke Group' (did you mean "
                   "'parent:Nordwolke Group'?)");
    EXPECT_SELECTS(&fx, "vendor:acme",
                   "error -2: unknown node 'vendor:acme' (a selector is parent:, country:, "
                   "category: or type:)");
    close_fixture(&fx);
}

Test(selector, hostile_text_is_quoted_in_messages)
{
    fixture fx = open_sample();
    EXPECT_SELECTS(&fx, "bad\nid", "error -2: unknown node 'bad\\nid'");
    EXPECT_SELECTS(&fx, "category:\x1b[31m", "error -1: unknown category '\\x1b[31m' in selector 'category:\\x1b[31m'");
    close_fixture(&fx);
}
