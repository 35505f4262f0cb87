/*
 * test_merge.c - several inputs of any kind merge into one graph, and
 * `chainrisk import` writes a merged inventory that reads back as the same
 * model (src/emit/emit_native.c).
 *
 * Merging is the builder's (src/model/builder.c): an id defined by two inputs
 * with agreeing rows is one node, an identical edge stated twice one edge,
 * and rows that disagree an error naming both places.  Native inventories
 * are written by the tests into temporary directories; SBOMs come from
 * tests/fixtures/cyclonedx/.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"

#define SBOM(name) CRISK_FIXTURES "/cyclonedx/" name

/* ---- helpers ----------------------------------------------------------------- */

static void make_temp_dir(char dir[64])
{
    snprintf(dir, 64, "/tmp/crisk-merge-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void remove_tree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* A native inventory whose business function depends on the web-app SBOM's
 * root component, and whose supplier the SBOM's root depends on. */
static void write_native(const char *dir)
{
    write_text(dir, "nodes.csv",
               "id,name,type,category,criticality,rto_hours,recovery_hours,spend,country,parent,"
               "substitutability,probability,loss_per_hour,owner\n"
               "payments,Online payments,function,,5,4,,,,,,,12500.5,finance\n"
               "hostco,HostCo,supplier,cloud,,,8,120000,de,HostCo Group,hard,0.01,,it\n");
    write_text(dir, "edges.csv",
               "from,to,group,need,kind\n"
               "payments,pkg:npm/shop-web@2.1.0,,,runs\n"
               "pkg:npm/shop-web@2.1.0,hostco,,,hosting\n");
}

typedef tl_run run;

static void load_inputs(run *r, const char *const *paths, size_t n)
{
    crisk_input in[8];
    cr_assert(n <= 8);
    for (size_t i = 0; i < n; i++)
        in[i] = (crisk_input){ paths[i], NULL, NULL };
    tl_load(r, in, n, NULL);
}

static void expect_loaded(const run *r)
{
    cr_assert_eq(r->rc, CRISK_OK, "load failed: %s:%zu:%zu: %s", r->err.file, r->err.line,
                 r->err.column, r->err.message);
}

static size_t node(const crisk_inventory *inv, const char *id)
{
    size_t v = 0;
    cr_assert_eq(crisk_inventory_find(inv, id, &v), CRISK_OK, "no node '%s'", id);
    return v;
}

static const char *edge_kind(const crisk_inventory *inv, const char *from, const char *to)
{
    size_t u = node(inv, from);
    for (size_t g = crisk_inventory_group_begin(inv, u); g < crisk_inventory_group_begin(inv, u + 1); g++)
        for (size_t i = 0; i < crisk_inventory_group_size(inv, g); i++)
            if (strcmp(crisk_inventory_node_id(inv, crisk_inventory_group_member(inv, g, i)), to) == 0)
                return crisk_inventory_group_member_kind(inv, g, i);
    return NULL;
}

static const crisk_node_metrics *metrics(crisk_analysis **a, const crisk_inventory *inv,
                                         const char *id)
{
    if (*a == NULL) {
        crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_analysis_run(a, inv, &ao, &err), CRISK_OK, "%s", err.message);
    }
    return crisk_analysis_metrics(*a, node(inv, id));
}

static int same_number(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

/* The two inventories hold the same model: nodes (every field, in order),
 * attributes, and groups with their members and kinds, in order. */
static void expect_same_model(const crisk_inventory *a, const crisk_inventory *b)
{
    size_t n = crisk_inventory_node_count(a);
    cr_assert_eq(crisk_inventory_node_count(b), n);
    cr_assert_eq(crisk_inventory_attr_count(b), crisk_inventory_attr_count(a));
    for (size_t k = 0; k < crisk_inventory_attr_count(a); k++)
        cr_expect_str_eq(crisk_inventory_attr_name(b, k), crisk_inventory_attr_name(a, k));
    for (size_t v = 0; v < n; v++) {
        crisk_node_view x, y;
        crisk_inventory_node(a, v, &x);
        crisk_inventory_node(b, v, &y);
        cr_expect_str_eq(y.id, x.id);
        cr_expect_str_eq(y.name, x.name, "name of '%s'", x.id);
        cr_expect_eq(y.type, x.type, "type of '%s'", x.id);
        cr_expect_eq(y.category, x.category, "category of '%s'", x.id);
        cr_expect(same_number(y.criticality, x.criticality), "criticality of '%s'", x.id);
        if (x.type == CRISK_NODE_FUNCTION)
            cr_expect_eq(y.criticality_given, x.criticality_given,
                         "whether the criticality of '%s' was given", x.id);
        cr_expect(same_number(y.rto_hours, x.rto_hours), "rto of '%s'", x.id);
        cr_expect(same_number(y.recovery_hours, x.recovery_hours), "recovery of '%s'", x.id);
        cr_expect(same_number(y.spend, x.spend), "spend of '%s'", x.id);
        cr_expect(same_number(y.probability, x.probability), "probability of '%s'", x.id);
        cr_expect(same_number(y.loss_per_hour, x.loss_per_hour), "loss_per_hour of '%s'", x.id);
        cr_expect_str_eq(y.country, x.country, "country of '%s'", x.id);
        cr_expect_str_eq(y.parent, x.parent, "parent of '%s'", x.id);
        cr_expect_eq(y.substitutability, x.substitutability, "substitutability of '%s'", x.id);
        for (size_t k = 0; k < crisk_inventory_attr_count(a); k++)
            cr_expect_str_eq(crisk_inventory_node_attr(b, v, k), crisk_inventory_node_attr(a, v, k));
    }
    size_t groups = crisk_inventory_group_count(a);
    cr_assert_eq(crisk_inventory_group_count(b), groups);
    cr_assert_eq(crisk_inventory_edge_count(b), crisk_inventory_edge_count(a));
    for (size_t g = 0; g < groups; g++) {
        cr_expect_eq(crisk_inventory_group_owner(b, g), crisk_inventory_group_owner(a, g));
        cr_expect_str_eq(crisk_inventory_group_name(b, g), crisk_inventory_group_name(a, g));
        cr_expect_eq(crisk_inventory_group_need(b, g), crisk_inventory_group_need(a, g));
        size_t size = crisk_inventory_group_size(a, g);
        cr_assert_eq(crisk_inventory_group_size(b, g), size);
        for (size_t i = 0; i < size; i++) {
            cr_expect_eq(crisk_inventory_group_member(b, g, i), crisk_inventory_group_member(a, g, i));
            cr_expect_str_eq(crisk_inventory_group_member_kind(b, g, i),
                             crisk_inventory_group_member_kind(a, g, i));
        }
    }
}

/* Load `paths`, write them to a fresh directory, load that, compare. */
static void expect_round_trip(const char *const *paths, size_t n)
{
    run first, second;
    load_inputs(&first, paths, n);
    expect_loaded(&first);
    char dir[64], out[128];
    make_temp_dir(dir);
    snprintf(out, sizeof out, "%s/out/inventory", dir);   /* missing parents are created */
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_write_native(first.inv, out, &err), CRISK_OK, "%s", err.message);
    const char *again[] = { out };
    load_inputs(&second, again, 1);
    expect_loaded(&second);
    expect_same_model(first.inv, second.inv);
    tl_release(&first);
    tl_release(&second);
    remove_tree(dir);
}

/* ---- merging ----------------------------------------------------------------------- */

Test(merge, links_a_native_function_to_an_sbom_root_in_either_order)
{
    char dir[64];
    make_temp_dir(dir);
    write_native(dir);
    const char *orders[2][2] = { { dir, SBOM("webapp.json") }, { SBOM("webapp.json"), dir } };
    for (int k = 0; k < 2; k++) {
        run r;
        load_inputs(&r, orders[k], 2);
        expect_loaded(&r);
        cr_expect_eq(crisk_inventory_node_count(r.inv), 20);
        cr_expect_eq(crisk_inventory_edge_count(r.inv), 23);
        cr_expect_str_eq(edge_kind(r.inv, "payments", "pkg:npm/shop-web@2.1.0"), "runs");
        cr_expect_str_eq(edge_kind(r.inv, "pkg:npm/shop-web@2.1.0", "hostco"), "hosting");
        cr_expect_eq(crisk_inventory_source_count(r.inv), 3);   /* nodes, edges, sbom */

        /* logkit now fails two functions: shop-web (1) and payments (5) */
        crisk_analysis *a = NULL;
        const crisk_node_metrics *m = metrics(&a, r.inv, "pkg:npm/logkit@2.4.0");
        cr_expect_eq(m->functions, 2);
        cr_expect_eq(m->exposure, 6.0);
        cr_expect_eq(m->impact, 2);
        cr_expect_eq(m->impact_weight, 6.0);
        cr_expect_eq(m->dependants, 8);   /* the 7 of the SBOM alone, plus payments */
        m = metrics(&a, r.inv, "hostco");
        cr_expect_eq(m->functions, 2);
        cr_expect_eq(m->tier, 1);
        crisk_analysis_free(a);
        tl_release(&r);
    }
    remove_tree(dir);
}

Test(merge, makes_one_node_of_an_id_two_sboms_agree_on)
{
    const char *paths[] = { SBOM("webapp.json"), SBOM("other_app.json") };
    run r;
    load_inputs(&r, paths, 2);
    expect_loaded(&r);
    /* 18 + admin-ui + vue; logkit and fmt-utils are shared */
    cr_expect_eq(crisk_inventory_node_count(r.inv), 20);
    /* 21 + admin-ui -> vue, admin-ui -> logkit; logkit -> fmt-utils stated twice */
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 23);
    crisk_analysis *a = NULL;
    const crisk_node_metrics *m = metrics(&a, r.inv, "pkg:npm/logkit@2.4.0");
    cr_expect_eq(m->direct_dependants, 7);
    cr_expect_eq(m->functions, 2);
    m = metrics(&a, r.inv, "pkg:npm/fmt-utils@1.0.9");
    cr_expect_eq(m->direct_dependants, 1);
    cr_expect_eq(m->functions, 2);
    crisk_analysis_free(a);
    cr_expect_eq(crisk_inventory_note_count(r.inv), 2);
    tl_release(&r);
}

Test(merge, loads_the_same_sbom_twice_as_one_graph)
{
    const char *paths[] = { SBOM("webapp.json"), SBOM("webapp.json") };
    run r;
    load_inputs(&r, paths, 2);
    expect_loaded(&r);
    cr_expect_eq(crisk_inventory_node_count(r.inv), 18);
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 21);
    cr_expect_eq(crisk_inventory_source_count(r.inv), 2);
    tl_release(&r);
}

Test(merge, reports_conflicting_sbom_rows_naming_both_places)
{
    const char *paths[] = { SBOM("webapp.json"), SBOM("conflict_app.json") };
    run r;
    load_inputs(&r, paths, 2);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    cr_assert_null(r.inv);
    cr_expect_str_eq(r.err.file, SBOM("conflict_app.json"));
    cr_expect_eq(r.err.line, 6);
    cr_expect_eq(r.err.column, 18);
    cr_expect_str_eq(r.err.message,
                     "conflicting definitions of 'pkg:npm/logkit@2.4.0': 'parent' differs from "
                     SBOM("webapp.json") ":13");
    tl_release(&r);
}

Test(merge, reports_a_native_row_that_conflicts_with_an_sbom)
{
    char dir[64];
    make_temp_dir(dir);
    write_text(dir, "nodes.csv", "id,name,type\npkg:npm/logkit@2.4.0,logkit@2.4.0,supplier\n");
    const char *paths[] = { SBOM("webapp.json"), dir };
    run r;
    load_inputs(&r, paths, 2);
    cr_assert_eq(r.rc, CRISK_EINVALID);
    char nodes[128];
    snprintf(nodes, sizeof nodes, "%s/nodes.csv", dir);
    cr_expect_str_eq(r.err.file, nodes);
    cr_expect_eq(r.err.line, 2);
    cr_expect_eq(r.err.column, 1);
    cr_expect_str_eq(r.err.message,
                     "conflicting definitions of 'pkg:npm/logkit@2.4.0': 'type' differs from "
                     SBOM("webapp.json") ":13");
    tl_release(&r);
    remove_tree(dir);
}

/* ---- import: the round trip ----------------------------------------------------------- */

Test(merge, writes_a_merged_inventory_that_reads_back_as_the_same_model)
{
    char dir[64];
    make_temp_dir(dir);
    write_native(dir);
    const char *paths[] = { dir, SBOM("webapp.json"), SBOM("other_app.json"),
                            SBOM("special_ids.json") };
    expect_round_trip(paths, 4);
    remove_tree(dir);
}

Test(merge, round_trips_native_groups_and_attributes)
{
    const char *groups[] = { CRISK_FIXTURES "/csv/groups" };
    expect_round_trip(groups, 1);
    const char *attributes[] = { CRISK_FIXTURES "/csv/attributes" };
    expect_round_trip(attributes, 1);
    const char *sample[] = { CRISK_SOURCE_DIR "/data/sample" };
    expect_round_trip(sample, 1);
}

Test(merge, round_trips_every_sbom_fixture_that_loads)
{
    static const char *const names[] = {
        "cycle.json", "dangling_depends_on.json", "duplicate_bom_ref.json",
        "missing_bom_ref.json", "nested_components.json", "no_dependencies.json",
        "no_metadata_component.json", "root_without_entry.json", "scopes.json",
        "spec_1_2.json", "spec_1_6.json", "utf8_columns.json", "odd_values.json",
        "nested_services.json",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/cyclonedx/%s", CRISK_FIXTURES, names[i]);
        const char *paths[] = { path };
        expect_round_trip(paths, 1);
    }
}

Test(merge, writes_the_native_columns_in_order_and_text_verbatim)
{
    const char *paths[] = { SBOM("special_ids.json") };
    run r;
    load_inputs(&r, paths, 1);
    expect_loaded(&r);
    char dir[64], path[128];
    make_temp_dir(dir);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_write_native(r.inv, dir, &err), CRISK_OK, "%s", err.message);
    snprintf(path, sizeof path, "%s/nodes.csv", dir);
    char *nodes = read_text(path);
    /* no formula neutralising: '@' and '=' stay as they are */
    cr_expect_str_eq(nodes,
        "id,name,type,category,criticality,rto_hours,recovery_hours,spend,country,parent,"
        "substitutability,probability,loss_per_hour\n"
        "pkg:npm/%40acme/shop@1.0.0?arch=x64&os=linux#src,@acme/shop@1.0.0,function,other,1,,,,,,,,\n"
        "pkg:npm/%40angular/core@17.0.0,@angular/core@17.0.0,component,software,,,,,,"
        "\"=HYPERLINK(\"\"http://x\"\")\",,,\n"
        "a|b=c:d/e?f,\"with, comma and \"\"quotes\"\"\",component,software,,,,,,-minus,,,\n"
        "\"multi\nline\",padded name,component,software,,,,,,+plus,,,\n");
    free(nodes);
    snprintf(path, sizeof path, "%s/edges.csv", dir);
    char *edges = read_text(path);
    cr_expect_str_eq(edges,
        "from,to,group,need,kind\n"
        "pkg:npm/%40acme/shop@1.0.0?arch=x64&os=linux#src,pkg:npm/%40angular/core@17.0.0,,,dependsOn\n"
        "pkg:npm/%40acme/shop@1.0.0?arch=x64&os=linux#src,a|b=c:d/e?f,,,dependsOn\n"
        "pkg:npm/%40acme/shop@1.0.0?arch=x64&os=linux#src,\"multi\nline\",,,dependsOn\n");
    free(edges);
    tl_release(&r);
    remove_tree(dir);
}

Test(merge, writes_the_need_of_named_groups_only)
{
    const char *paths[] = { CRISK_FIXTURES "/csv/groups" };
    run r;
    load_inputs(&r, paths, 1);
    expect_loaded(&r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_emit_native_edges(f, r.inv, &err), CRISK_OK);
    fclose(f);
    cr_expect_str_eq(buf, "from,to,group,need,kind\n"
                          "f1,a,dc,2,hosting\n"
                          "f1,b,dc,2,hosting\n"
                          "f1,c,dc,2,hosting\n"
                          "f1,c,,,saas\n");
    free(buf);
    tl_release(&r);
}

Test(merge, refuses_an_id_the_native_reader_would_trim)
{
    const char *paths[] = { SBOM("leading_space_id.json") };
    run r;
    load_inputs(&r, paths, 1);
    expect_loaded(&r);
    char dir[64], out[128], nodes[160];
    make_temp_dir(dir);
    snprintf(out, sizeof out, "%s/out", dir);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_write_native(r.inv, out, &err), CRISK_EINVALID);
    cr_expect_str_eq(err.message,
                     "cannot write the id of ' padded' as native CSV: leading or trailing white space");
    snprintf(nodes, sizeof nodes, "%s/nodes.csv", out);
    struct stat st;
    cr_expect_neq(stat(out, &st), 0, "nothing is written, not even the directory");
    cr_expect_neq(stat(nodes, &st), 0);
    tl_release(&r);
    remove_tree(dir);
}

Test(merge, keeps_the_previous_files_when_writing_is_refused)
{
    char dir[64];
    make_temp_dir(dir);
    write_text(dir, "nodes.csv", "old nodes\n");
    write_text(dir, "edges.csv", "old edges\n");
    const char *paths[] = { SBOM("leading_space_id.json") };
    run r;
    load_inputs(&r, paths, 1);
    expect_loaded(&r);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_write_native(r.inv, dir, &err), CRISK_EINVALID);
    char path[128];
    snprintf(path, sizeof path, "%s/nodes.csv", dir);
    char *text = read_text(path);
    cr_expect_str_eq(text, "old nodes\n");
    free(text);
    tl_release(&r);
    remove_tree(dir);
}

Test(merge, reports_an_output_path_that_is_a_file)
{
    char dir[64], path[128];
    make_temp_dir(dir);
    write_text(dir, "plain", "x\n");
    snprintf(path, sizeof path, "%s/plain", dir);
    const char *paths[] = { SBOM("cycle.json") };
    run r;
    load_inputs(&r, paths, 1);
    expect_loaded(&r);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_write_native(r.inv, path, &err), CRISK_EIO);
    cr_expect_str_eq(err.file, path);
    cr_expect_str_eq(err.message, "not a directory");
    tl_release(&r);
    remove_tree(dir);
}
