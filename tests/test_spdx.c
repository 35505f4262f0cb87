/*
 * test_spdx.c - the SPDX importer (src/import/spdx.c, sbom_detect.c)
 * against formats/spdx-mapping.md and docs/spdx.md.
 *
 * Every anomaly of the mapping's §3 and every other message has a fixture
 * under tests/fixtures/spdx/ and a test asserting the complete list of
 * diagnostics with LINE:COLUMN and text.  Then the mapping: each
 * relationship type and its direction, both spec versions, the three real
 * documents (one checked by hand), a hand-converted native twin that must
 * rank the same, detection, and merging with a native inventory.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/sbom_detect.h"
#include "import/spdx.h"

/* ---- helpers ----------------------------------------------------------------- */

typedef tl_run run;

static void load_with(run *r, const char *name, const crisk_load_options *opts)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/spdx/%s", CRISK_FIXTURES, name);
    tl_load_path(r, path, opts);
}

static void load(run *r, const char *name)
{
    load_with(r, name, NULL);
}

static void expect_edge(const crisk_inventory *inv, const char *from, const char *to,
                        const char *kind)
{
    const char *k = tl_edge_kind(inv, from, to);
    cr_assert_not_null(k, "no edge %s -> %s", from, to);
    cr_expect_str_eq(k, kind, "edge %s -> %s", from, to);
}

static void expect_node(const crisk_inventory *inv, const char *id, crisk_node_type type,
                        const char *name, const char *parent, crisk_category category)
{
    crisk_node_view n;
    crisk_inventory_node(inv, tl_node(inv, id), &n);
    cr_expect_eq(n.type, type, "type of %s", id);
    cr_expect_str_eq(n.name, name, "name of %s", id);
    cr_expect_str_eq(n.parent, parent, "parent of %s", id);
    cr_expect_eq(n.category, category, "category of %s", id);
}

static const char *attr(const crisk_inventory *inv, const char *id, const char *name)
{
    for (size_t a = 0; a < crisk_inventory_attr_count(inv); a++)
        if (strcmp(crisk_inventory_attr_name(inv, a), name) == 0)
            return crisk_inventory_node_attr(inv, tl_node(inv, id), a);
    return NULL;
}

static size_t count_type(const crisk_inventory *inv, crisk_node_type t)
{
    size_t k = 0;
    for (size_t v = 0; v < crisk_inventory_node_count(inv); v++)
        k += crisk_inventory_node_type(inv, v) == t;
    return k;
}

/* ---- SPDX 2.x: every relationship type and its direction ----------------------- */

Test(spdx, maps_each_relationship_type_in_its_direction)
{
    run r;
    load(&r, "relationship_types.json");
    tl_expect_loaded(&r);
    const crisk_inventory *inv = r.inv;
    expect_edge(inv, "SPDXRef-app", "SPDXRef-a", "depends_on");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-b", "contains");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-c", "has_prerequisite");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-d", "dynamic_link");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-e", "static_link");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-f", "dependency_of");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-g", "runtime_dependency_of");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-h", "contained_by");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-i", "prerequisite_for");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-j", "package_of");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-k", "optional");
    expect_edge(inv, "SPDXRef-app", "SPDXRef-l", "provided");
    cr_expect_null(tl_edge_kind(inv, "SPDXRef-app", "SPDXRef-m"), "a build dependency made an edge");
    cr_expect_null(tl_edge_kind(inv, "SPDXRef-m", "SPDXRef-app"));
    cr_expect_null(tl_edge_kind(inv, "SPDXRef-n", "SPDXRef-app"), "GENERATED_FROM made an edge");
    cr_expect_null(tl_edge_kind(inv, "SPDXRef-a", "SPDXRef-app"), "a reversed type kept its direction");
    /* 12 edges: the repeated app -> a (twice more) is one, the first kind wins */
    cr_expect_eq(crisk_inventory_edge_count(inv), 12);
    tl_expect_diags(&r, 5,
                 "20:17: warning: package 'SPDXRef-m' is not reachable from any described package",
                 "20:17: warning: provider 'SPDXRef-m' has no dependants",
                 "21:17: warning: package 'SPDXRef-n' is not reachable from any described package",
                 "21:17: warning: provider 'SPDXRef-n' has no dependants",
                 "42:93: warning: 2 relationships name an element of another document "
                 "(DocumentRef-...: dropped)");
    const char *note = crisk_inventory_note(inv, 0);
    cr_expect(strstr(note, "edges kept: 12, 0 implicit-root; dropped: 1 to files, 1 not runtime, "
                           "1 of other types, 2 to NONE/NOASSERTION, 0 optional, 2 to other "
                           "documents, 0 to unknown elements, 0 self, 2 repeated") != NULL,
              "%s", note);
    tl_release(&r);
}

Test(spdx, drops_optional_and_provided_dependencies_when_asked)
{
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_drop_optional = 1;
    run r;
    load_with(&r, "relationship_types.json", &opts);
    tl_expect_loaded(&r);
    cr_expect_null(tl_edge_kind(r.inv, "SPDXRef-app", "SPDXRef-k"));
    cr_expect_null(tl_edge_kind(r.inv, "SPDXRef-app", "SPDXRef-l"));
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 10);
    tl_release(&r);
}

/* ---- the functions ------------------------------------------------------------- */

Test(spdx, makes_documentdescribes_packages_functions_before_describes_relationships)
{
    run r;
    load(&r, "document_describes.json");
    tl_expect_loaded(&r);
    cr_expect_eq(crisk_inventory_node_type(r.inv, tl_node(r.inv, "SPDXRef-app")), CRISK_NODE_FUNCTION);
    cr_expect_eq(crisk_inventory_node_type(r.inv, tl_node(r.inv, "SPDXRef-a")), CRISK_NODE_COMPONENT);
    tl_expect_diags(&r, 0);
    tl_release(&r);
}

Test(spdx, takes_described_by_when_nothing_else_says_what_is_described)
{
    run r;
    load(&r, "described_by.json");
    tl_expect_loaded(&r);
    cr_expect_eq(count_type(r.inv, CRISK_NODE_FUNCTION), 1);
    cr_expect_eq(crisk_inventory_node_type(r.inv, tl_node(r.inv, "SPDXRef-app")), CRISK_NODE_FUNCTION);
    tl_expect_diags(&r, 0);
    tl_release(&r);
}

Test(spdx, makes_a_synthetic_root_when_nothing_is_described)
{
    run r;
    load(&r, "no_described.json");
    tl_expect_loaded(&r);
    expect_node(r.inv, "spdx-root", CRISK_NODE_FUNCTION, "no_described", "", CRISK_CAT_OTHER);
    expect_edge(r.inv, "spdx-root", "SPDXRef-app", "implicit-root");
    expect_edge(r.inv, "spdx-root", "SPDXRef-b", "implicit-root");
    cr_expect_null(tl_edge_kind(r.inv, "spdx-root", "SPDXRef-a"));
    tl_expect_diags(&r, 1,
                 "warning: the document describes no package: using a synthetic function "
                 "'spdx-root' named 'no_described' that depends on every package nothing "
                 "depends on (2 implicit-root edges)");
    tl_release(&r);
}

Test(spdx, hangs_the_top_packages_on_a_described_package_without_relationships)
{
    run r;
    load(&r, "described_no_edges.json");
    tl_expect_loaded(&r);
    expect_edge(r.inv, "SPDXRef-app", "SPDXRef-a", "implicit-root");
    cr_expect_null(tl_edge_kind(r.inv, "SPDXRef-app", "SPDXRef-b"));
    tl_expect_diags(&r, 1,
                 "6:17: warning: described package 'SPDXRef-app' has no relationship of its "
                 "own: assuming it depends on every package nothing depends on (1 implicit-root "
                 "edge)");
    tl_release(&r);
}

Test(spdx, makes_every_described_package_a_function_and_no_components)
{
    run r;
    load(&r, "describes_all.json");
    tl_expect_loaded(&r);
    cr_expect_eq(count_type(r.inv, CRISK_NODE_FUNCTION), 3);
    cr_expect_eq(count_type(r.inv, CRISK_NODE_COMPONENT), 0);
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 0);
    tl_expect_diags(&r, 3, "6:17: warning: function 'SPDXRef-app' has no dependencies",
                 "7:17: warning: function 'SPDXRef-a' has no dependencies",
                 "8:17: warning: function 'SPDXRef-b' has no dependencies");
    tl_release(&r);
}

/* ---- anomalies (mapping §3) ------------------------------------------------------ */

Test(spdx, keeps_the_first_of_a_duplicate_id_and_names_both_places)
{
    run r;
    load(&r, "duplicate_id.json");
    tl_expect_loaded(&r);
    cr_expect_str_eq(crisk_inventory_node_name(r.inv, tl_node(r.inv, "SPDXRef-a")), "a");
    expect_edge(r.inv, "SPDXRef-a", "SPDXRef-b", "depends_on");
    tl_expect_diags(&r, 1, "9:17: warning: duplicate id 'SPDXRef-a' (first defined on line 7, "
                        "column 17): the first definition is used");
    tl_release(&r);
}

Test(spdx, drops_relationships_to_unknown_elements_with_one_counted_warning)
{
    run r;
    load(&r, "unknown_element.json");
    tl_expect_loaded(&r);
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 2);
    tl_expect_diags(&r, 1, "13:95: warning: 2 relationships name an element this document does not "
                        "define (dropped; the first: 'SPDXRef-gone')");
    tl_release(&r);
}

Test(spdx, drops_a_self_relationship)
{
    run r;
    load(&r, "self.json");
    tl_expect_loaded(&r);
    cr_expect_null(tl_edge_kind(r.inv, "SPDXRef-a", "SPDXRef-a"));
    tl_expect_diags(&r, 1, "13:93: warning: 'SPDXRef-a' depends on itself (relationship dropped)");
    tl_release(&r);
}

Test(spdx, keeps_cycles)
{
    run r;
    load(&r, "cycle.json");
    tl_expect_loaded(&r);
    expect_edge(r.inv, "SPDXRef-a", "SPDXRef-b", "depends_on");
    expect_edge(r.inv, "SPDXRef-b", "SPDXRef-a", "depends_on");
    tl_expect_diags(&r, 0);
    tl_release(&r);
}

Test(spdx, ignores_packages_and_relationships_that_name_nothing)
{
    run r;
    load(&r, "incomplete.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 2, "7:5: warning: package without an SPDXID (ignored: nothing can name it)",
                 "11:5: warning: relationship without 'relatedSpdxElement' (ignored)");
    tl_release(&r);
}

Test(spdx, reports_a_json_syntax_error_where_it_is)
{
    run r;
    load(&r, "syntax_error.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "5:29: invalid JSON near '\"name\": \"a\" }'");
    tl_release(&r);
}

Test(spdx, reports_members_of_the_wrong_type)
{
    run r;
    load(&r, "wrong_types.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 3, "7:5: 'SPDXID' must be a string (found a number)",
                 "8:5: each entry of 'packages' must be an object (found a string)",
                 "10:20: 'relationships' must be an array (found an object)");
    tl_release(&r);
}

Test(spdx, refuses_a_nul_escape_and_bytes_that_are_not_utf8)
{
    run r;
    load(&r, "nul_escape.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "5:55: string contains a NUL character (\\u0000)");
    tl_release(&r);
    load(&r, "invalid_utf8.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "4:15: invalid UTF-8 (byte 0xe9)");
    tl_release(&r);
}

Test(spdx, reads_other_2_x_versions_as_2_3_and_refuses_others)
{
    run r;
    load(&r, "unsupported_version.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 2, "2:18: warning: unsupported spdxVersion 'SPDX-2.1' (read as SPDX-2.3)",
                 "5:29: warning: function 'SPDXRef-app' has no dependencies");
    tl_release(&r);
    load(&r, "version_1.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "2:18: unsupported spdxVersion 'SPDX-1.2' (expected SPDX-2.2, SPDX-2.3 or "
                        "SPDX 3.0 JSON-LD)");
    tl_release(&r);
    load(&r, "not_spdx3.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "2:15: not an SPDX 3.0 document ('@context' does not name "
                        "spdx.org/rdf/3.0)");
    tl_release(&r);
}

Test(spdx, asks_for_json_instead_of_tag_value_rdf_or_yaml)
{
    static const struct { const char *file, *diag; } cases[] = {
        { "tag_value.spdx", "2:1: an SPDX tag-value document: not supported, convert it to "
                            "SPDX JSON (for example: pyspdxtools -i FILE -o FILE.json)" },
        { "rdf.spdx.rdf", "1:1: an SPDX RDF/XML document: not supported, convert it to SPDX "
                          "JSON (for example: pyspdxtools -i FILE -o FILE.json)" },
        { "yaml.spdx.yaml", "2:1: an SPDX YAML document: not supported, convert it to SPDX JSON "
                            "(for example: pyspdxtools -i FILE -o FILE.json)" },
    };
    for (size_t i = 0; i < 3; i++) {
        run r;
        load(&r, cases[i].file);
        tl_expect_failed(&r);
        tl_expect_diags(&r, 1, cases[i].diag);
        tl_release(&r);
    }
}

/* ---- SPDX 3.0 ------------------------------------------------------------------- */

Test(spdx, maps_spdx_3_packages_agents_and_scoped_relationships)
{
    run r;
    load(&r, "v3.spdx.json");
    tl_expect_loaded(&r);
    const crisk_inventory *inv = r.inv;
    expect_node(inv, "urn:x:gateway", CRISK_NODE_FUNCTION, "gateway@1.2", "", CRISK_CAT_OTHER);
    expect_node(inv, "urn:x:libhttp", CRISK_NODE_COMPONENT, "libhttp@3.1", "Ann Author",
                CRISK_CAT_SOFTWARE);
    expect_node(inv, "urn:x:nic", CRISK_NODE_COMPONENT, "nic-firmware", "", CRISK_CAT_HARDWARE);
    cr_expect_str_eq(attr(inv, "urn:x:libhttp", "purl"), "pkg:generic/libhttp@3.1");
    cr_expect_str_eq(attr(inv, "urn:x:libtls", "purl"), "pkg:generic/libtls@2.0");
    cr_expect_str_eq(attr(inv, "urn:x:libtls", "spdxid"), "urn:x:libtls");
    expect_edge(inv, "urn:x:gateway", "urn:x:libhttp", "dependsOn");
    expect_edge(inv, "urn:x:gateway", "urn:x:zlib", "dependsOn");
    expect_edge(inv, "urn:x:gateway", "urn:x:nic", "hasPrerequisite");
    expect_edge(inv, "urn:x:libhttp", "urn:x:libtls", "hasDynamicLink");
    expect_edge(inv, "urn:x:libtls", "urn:x:zlib", "hasStaticLink");
    expect_edge(inv, "urn:x:zlib", "urn:x:leaf", "dependsOn");
    cr_expect_null(tl_edge_kind(inv, "urn:x:gateway", "urn:x:gcc"), "a build-scoped edge was kept");
    cr_expect_eq(crisk_inventory_edge_count(inv), 6);
    cr_expect_eq(crisk_inventory_node_count(inv), 7, "the file became a node");
    tl_expect_diags(&r, 2,
                 "18:45: warning: package 'urn:x:gcc' is not reachable from any described package",
                 "18:45: warning: provider 'urn:x:gcc' has no dependants");
    const char *note = crisk_inventory_note(inv, 0);
    cr_expect(strstr(note, "1 to files, 1 not runtime, 1 of other types") != NULL, "%s", note);
    cr_expect(strstr(note, "1 stated complete with none") != NULL, "%s", note);
    tl_release(&r);
}

/* ---- the real documents ----------------------------------------------------------- */

/* trivy's container image, checked by hand against the document: the
 * image (described) contains the OS, which contains the 142 dpkg packages
 * that DEPENDS_ON each other. */
Test(spdx, maps_trivy_s_ubuntu_image_as_worked_out_by_hand)
{
    run r;
    load(&r, "real/trivy-ubuntu-image.spdx.json");
    tl_expect_loaded(&r);
    const crisk_inventory *inv = r.inv;
    const char *image = "SPDXRef-ContainerImage-dc1c1a82e6a863a0";
    const char *os = "SPDXRef-OperatingSystem-ec3e4108fcd27f1b";
    cr_expect_eq(count_type(inv, CRISK_NODE_FUNCTION), 1);
    cr_expect_eq(crisk_inventory_node_count(inv), 144);
    expect_node(inv, image, CRISK_NODE_FUNCTION, "my-secure-app:v7", "", CRISK_CAT_OTHER);
    expect_node(inv, os, CRISK_NODE_COMPONENT, "ubuntu@18.04", "", CRISK_CAT_SOFTWARE);
    expect_node(inv, "SPDXRef-Package-a8ed4e52d952a85", CRISK_NODE_COMPONENT,
                "adduser@3.116ubuntu1", "Ubuntu Core Developers", CRISK_CAT_SOFTWARE);
    expect_node(inv, "SPDXRef-Package-b0e97c6c570385a4", CRISK_NODE_COMPONENT,
                "base-passwd@3.5.44", "Colin Watson", CRISK_CAT_SOFTWARE);
    expect_node(inv, "SPDXRef-Package-50a45573c4308535", CRISK_NODE_COMPONENT, "apt@1.6.17",
                "Ubuntu Developers", CRISK_CAT_SOFTWARE);
    expect_edge(inv, image, os, "contains");
    expect_edge(inv, os, "SPDXRef-Package-11bc7a037404b966", "contains");
    expect_edge(inv, "SPDXRef-Package-a8ed4e52d952a85", "SPDXRef-Package-62db86c6f391df24",
                "depends_on");
    expect_edge(inv, "SPDXRef-Package-50a45573c4308535", "SPDXRef-Package-221620e97e25065f",
                "depends_on");
    cr_expect_str_eq(attr(inv, "SPDXRef-Package-50a45573c4308535", "purl"),
                     "pkg:deb/ubuntu/apt@1.6.17?arch=amd64&distro=ubuntu-18.04");
    /* 302 DEPENDS_ON + 39 CONTAINS, no repeats */
    cr_expect_eq(crisk_inventory_edge_count(inv), 341);
    tl_expect_diags(&r, 0);
    tl_release(&r);
}

Test(spdx, reads_sbom_tool_s_repeated_root_and_reference_to_another_document)
{
    run r;
    load(&r, "real/sbom-tool-nita-webapp.spdx.json");
    tl_expect_loaded(&r);
    cr_expect_eq(count_type(r.inv, CRISK_NODE_FUNCTION), 1);
    cr_expect_eq(crisk_inventory_node_count(r.inv), 186);
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 185);
    tl_expect_diags(&r, 2,
                 "719:17: warning: duplicate id 'SPDXRef-RootPackage' (first defined on line 694, "
                 "column 17): the first definition is used",
                 "4290:29: warning: 1 relationship names an element of another document "
                 "(DocumentRef-...: dropped)");
    tl_release(&r);
}

Test(spdx, reads_the_spdx_3_example_leaving_test_scoped_dependencies_out)
{
    run r;
    load(&r, "real/spdx3-appbomination.spdx.json");
    tl_expect_loaded(&r);
    const crisk_inventory *inv = r.inv;
    const char *base = "http://www.sourceauditor.com/spdxdocs/appbomination-src/"
                       "e3b71037-57de-44c9-8b7f-4e8a62f45311-specv3/";
    char root[256], lang[256], junit[256];
    snprintf(root, sizeof root, "%sSPDXRef-gnrtd3", base);
    snprintf(lang, sizeof lang, "%sSPDXRef-gnrtd88", base);
    snprintf(junit, sizeof junit, "%sSPDXRef-gnrtd76", base);
    cr_expect_eq(crisk_inventory_node_count(inv), 7);
    expect_node(inv, root, CRISK_NODE_FUNCTION, "App-BOM-ination@1.0", "", CRISK_CAT_OTHER);
    expect_node(inv, lang, CRISK_NODE_COMPONENT, "commons-lang3@3.4", "", CRISK_CAT_SOFTWARE);
    expect_edge(inv, root, lang, "dependsOn");
    cr_expect_null(tl_edge_kind(inv, root, junit), "the test-scoped dependency was kept");
    cr_expect_eq(crisk_inventory_edge_count(inv), 3);
    tl_release(&r);
}

/* ---- the native twin ------------------------------------------------------------- */

Test(spdx, ranks_a_document_exactly_like_its_hand_converted_native_twin)
{
    run spdx, twin;
    load(&spdx, "twin.spdx.json");
    load(&twin, "twin");
    tl_expect_loaded(&spdx);
    tl_expect_loaded(&twin);
    char *a = tl_rank_csv(spdx.inv), *b = tl_rank_csv(twin.inv);
    cr_expect_str_eq(a, b);
    cr_expect(strstr(a, "SPDXRef-debug,debug@2.6.9,component,software,2,2,3,1,1,1,1,1,true,")
              != NULL, "%s", a);
    expect_node(spdx.inv, "SPDXRef-ms", CRISK_NODE_COMPONENT, "ms@2.0.0", "Guillermo Rauch",
                CRISK_CAT_SOFTWARE);
    expect_node(spdx.inv, "SPDXRef-debug", CRISK_NODE_COMPONENT, "debug@2.6.9", "TJ Holowaychuk",
                CRISK_CAT_SOFTWARE);
    expect_node(spdx.inv, "SPDXRef-tpm", CRISK_NODE_COMPONENT, "tpm-firmware@1.0", "",
                CRISK_CAT_HARDWARE);
    cr_expect_str_eq(attr(spdx.inv, "SPDXRef-express", "purl"), "pkg:npm/express@4.18.2");
    free(a);
    free(b);
    tl_release(&spdx);
    tl_release(&twin);
}

/* ---- detection and merging ---------------------------------------------------------- */

Test(spdx, tells_spdx_from_cyclonedx_by_the_top_level_keys)
{
    static const struct { const char *file; crisk__sbom_kind kind; } cases[] = {
        { "spdx/real/sbom-tool-nita-webapp.spdx.json", CRISK__SBOM_SPDX },
        { "spdx/real/spdx3-appbomination.spdx.json", CRISK__SBOM_SPDX },
        { "spdx/twin.spdx.json", CRISK__SBOM_SPDX },
        { "cyclonedx/webapp.json", CRISK__SBOM_CYCLONEDX },
        { "cyclonedx/not_cyclonedx.json", CRISK__SBOM_CYCLONEDX },
        { "spdx/tag_value.spdx", CRISK__SBOM_SPDX_TEXT },
        { "csv/defaults/nodes.csv", CRISK__SBOM_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CRISK_FIXTURES, cases[i].file);
        int fd = open(path, O_RDONLY);
        cr_assert(fd >= 0, "%s", path);
        char first = 0;
        cr_assert_eq(read(fd, &first, 1), 1);
        crisk__sbom_detection d;
        crisk__sbom_detect(fd, first, &d);
        close(fd);
        cr_expect_eq(d.kind, cases[i].kind, "%s", cases[i].file);
    }
}

Test(spdx, merges_with_a_native_inventory_that_names_its_packages)
{
    run r;
    char doc[1024], dir[1024];
    snprintf(doc, sizeof doc, "%s/spdx/twin.spdx.json", CRISK_FIXTURES);
    snprintf(dir, sizeof dir, "%s/spdx/merge", CRISK_FIXTURES);
    crisk_input in[2] = { { dir, NULL, NULL }, { doc, NULL, NULL } };
    tl_load(&r, in, 2, NULL);
    tl_expect_loaded(&r);
    expect_edge(r.inv, "checkout", "SPDXRef-app", "runs");
    cr_expect_eq(count_type(r.inv, CRISK_NODE_FUNCTION), 2);
    tl_release(&r);
}

Test(spdx, loads_from_memory_as_from_a_file)
{
    static const char doc[] = "{\"spdxVersion\": \"SPDX-2.3\", \"SPDXID\": \"SPDXRef-DOCUMENT\","
                              " \"documentDescribes\": [\"SPDXRef-a\"],"
                              " \"packages\": [{\"SPDXID\": \"SPDXRef-a\", \"name\": \"a\"},"
                              " {\"SPDXID\": \"SPDXRef-b\", \"name\": \"b\"}],"
                              " \"relationships\": [{\"spdxElementId\": \"SPDXRef-a\","
                              " \"relationshipType\": \"DEPENDS_ON\", \"relatedSpdxElement\":"
                              " \"SPDXRef-b\"}]}";
    crisk_builder *b = NULL;
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_diagnostics_init(&diags);
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    crisk_builder_begin_input(b);
    cr_assert_eq(crisk__spdx_load_buffer(b, "mem.json", doc, sizeof doc - 1, NULL, &diags, &err),
                 CRISK_OK);
    cr_assert_eq(crisk_builder_finish(b, &inv, &diags, &err), CRISK_OK);
    cr_expect_eq(crisk_inventory_node_count(inv), 2);
    cr_expect_str_eq(tl_edge_kind(inv, "SPDXRef-a", "SPDXRef-b"), "depends_on");
    crisk_inventory_free(inv);
    crisk_builder_free(b);
    crisk_diagnostics_release(&diags);
}
