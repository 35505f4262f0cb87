/*
 * test_cyclonedx.c - the CycloneDX JSON SBOM importer (src/import/cyclonedx.c)
 * against formats/cyclonedx-mapping.md and docs/cyclonedx.md.
 *
 * Every anomaly of the mapping's §3 table, every JSON/encoding error and
 * every other message has a fixture under tests/fixtures/cyclonedx/ and a
 * test asserting the complete list of diagnostics, each with its exact
 * LINE:COLUMN (COLUMN counts characters) and text.  Then the mapping itself:
 * nodes, names, categories, parents, edges and their kinds, and the metrics
 * of a realistic web-app SBOM worked out by hand.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/cyclonedx.h"
#include "import/sbom_edges.h"

/* ---- helpers ----------------------------------------------------------------- */

typedef tl_run run;

static void load_with(run *r, const char *name, const crisk_load_options *opts)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/cyclonedx/%s", CRISK_FIXTURES, name);
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
    cr_assert_not_null(k, "no edge '%s' -> '%s'", from, to);
    cr_expect_str_eq(k, kind, "kind of '%s' -> '%s'", from, to);
}

static void expect_no_edge(const crisk_inventory *inv, const char *from, const char *to)
{
    cr_expect_null(tl_edge_kind(inv, from, to), "unexpected edge '%s' -> '%s'", from, to);
}

static void view(const crisk_inventory *inv, const char *id, crisk_node_view *out)
{
    crisk_inventory_node(inv, tl_node(inv, id), out);
}

static const char *note(const run *r)
{
    cr_assert_eq(crisk_inventory_note_count(r->inv), 1);
    return crisk_inventory_note(r->inv, 0);
}

/* Write `len` bytes to a fresh temporary file; its path goes to `path`. */
static void temp_file(char path[64], const void *data, size_t len)
{
    snprintf(path, 64, "/tmp/crisk-cdx-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* ---- the anomalies of the mapping's §3 table ----------------------------------- */

Test(cyclonedx, merges_a_duplicate_bom_ref_into_the_first_definition)
{
    run r;
    load(&r, "duplicate_bom_ref.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1,
                 "10:18: warning: duplicate bom-ref 'lib' (first defined on line 8): merged into the first");
    crisk_node_view v;
    view(r.inv, "lib", &v);
    cr_expect_str_eq(v.name, "lib@1.0");   /* the first definition wins */
    cr_expect_eq(crisk_inventory_node_count(r.inv), 4);
    expect_edge(r.inv, "lib", "part-a", "dependsOn");
    /* what the repeat contains is nested in the first: unreachable otherwise */
    expect_edge(r.inv, "lib", "part-b", "contains");
    cr_expect(strstr(note(&r), "1 duplicate bom-refs") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, ignores_a_dependencies_entry_for_an_unknown_ref)
{
    run r;
    load(&r, "dangling_entry.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "10:14: warning: dependencies entry for unknown ref 'ghost' (ignored)");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 1);
    expect_edge(r.inv, "app", "lib", "dependsOn");
    tl_release(&r);
}

Test(cyclonedx, drops_an_edge_to_an_unknown_ref)
{
    run r;
    load(&r, "dangling_depends_on.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "9:43: warning: 'app' depends on unknown ref 'pkg:npm/missing@1.0.0' (edge dropped)");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 1);
    cr_expect(strstr(note(&r), "1 dangling") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, drops_a_self_dependency)
{
    run r;
    load(&r, "self_dependency.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "10:36: warning: 'lib' depends on itself (edge dropped)");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 1);
    expect_no_edge(r.inv, "lib", "lib");
    tl_release(&r);
}

Test(cyclonedx, unites_repeated_dependencies_entries_and_counts_them)
{
    run r;
    load(&r, "repeated_entry.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 0);
    /* app->a, app->b, a->b (listed twice), a->c (listed twice in one entry) */
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 4);
    expect_edge(r.inv, "a", "b", "dependsOn");
    expect_edge(r.inv, "a", "c", "dependsOn");
    cr_expect(strstr(note(&r), "1 repeated dependencies entries") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, keeps_dependency_cycles_and_notes_them)
{
    run r;
    load(&r, "cycle.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 0);
    expect_edge(r.inv, "a", "b", "dependsOn");
    expect_edge(r.inv, "b", "c", "dependsOn");
    expect_edge(r.inv, "c", "a", "dependsOn");
    cr_expect(strstr(note(&r), "1 cycles (3 nodes) kept") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, gives_components_without_bom_ref_a_fallback_id)
{
    run r;
    load(&r, "missing_bom_ref.json");
    tl_expect_loaded(&r);
    /* purl, then name@version, then component#n (n = position among the
     * components); "is-even@1.0.0" is taken by a bom-ref, so the last one
     * falls through to its number.  None can be a target: all unreachable. */
    tl_expect_diags(&r, 12,
        "6:5: warning: component 'pkg:npm/left-pad@1.3.0' is not reachable from the root 'app'",
        "6:5: warning: component without a bom-ref: id 'pkg:npm/left-pad@1.3.0' taken from its purl (it cannot be a dependency target)",
        "6:5: warning: provider 'pkg:npm/left-pad@1.3.0' has no dependants",
        "7:5: warning: component 'is-odd@3.0.1' is not reachable from the root 'app'",
        "7:5: warning: component without a bom-ref: id 'is-odd@3.0.1' taken from its name and version (it cannot be a dependency target)",
        "7:5: warning: provider 'is-odd@3.0.1' has no dependants",
        "8:5: warning: component 'component#3' is not reachable from the root 'app'",
        "8:5: warning: component without a bom-ref: id 'component#3' generated (it cannot be a dependency target)",
        "8:5: warning: provider 'component#3' has no dependants",
        "10:5: warning: component 'component#5' is not reachable from the root 'app'",
        "10:5: warning: component without a bom-ref: id 'component#5' generated (it cannot be a dependency target)",
        "10:5: warning: provider 'component#5' has no dependants");
    crisk_node_view v;
    view(r.inv, "component#5", &v);
    cr_expect_str_eq(v.name, "is-even@1.0.0");
    view(r.inv, "component#3", &v);
    cr_expect_str_eq(v.name, "component#3");   /* no name: the id */
    tl_release(&r);
}

Test(cyclonedx, makes_a_synthetic_root_named_after_the_serial_number)
{
    run r;
    load(&r, "no_metadata_component.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 2,
        "5:15: warning: no metadata.component: using a synthetic function 'bom-root' named 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79'",
        "5:15: warning: root 'bom-root' has no dependencies entry: assuming it depends on every top-level component and service nothing depends on (1 implicit-root edge)");
    crisk_node_view v;
    view(r.inv, "bom-root", &v);
    cr_expect_eq(v.type, CRISK_NODE_FUNCTION);
    cr_expect_str_eq(v.name, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
    cr_expect_eq(tl_node(r.inv, "bom-root"), 0);
    expect_edge(r.inv, "bom-root", "a", "implicit-root");
    expect_edge(r.inv, "a", "b", "dependsOn");
    expect_no_edge(r.inv, "bom-root", "b");
    tl_release(&r);
}

Test(cyclonedx, names_the_synthetic_root_after_the_file_without_a_serial_number)
{
    run r;
    load(&r, "no_metadata_no_serial.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 2,
        "warning: no dependency graph: assuming the root depends on every top-level component and service (1 implicit-root edge) and each assembly on what it contains (0 contains edges)",
        "warning: no metadata.component: using a synthetic function 'bom-root' named 'no_metadata_no_serial.json'");
    crisk_node_view v;
    view(r.inv, "bom-root", &v);
    cr_expect_str_eq(v.name, "no_metadata_no_serial.json");
    expect_edge(r.inv, "bom-root", "a", "implicit-root");
    tl_release(&r);
}

Test(cyclonedx, infers_implicit_root_edges_when_the_root_has_no_entry)
{
    run r;
    load(&r, "root_without_entry.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1,
        "6:18: warning: root 'app' has no dependencies entry: assuming it depends on every top-level component and service nothing depends on (3 implicit-root edges)");
    /* in-degree 0 at the top: web, db, queue; util has two dependants */
    expect_edge(r.inv, "app", "web", "implicit-root");
    expect_edge(r.inv, "app", "db", "implicit-root");
    expect_edge(r.inv, "app", "queue", "implicit-root");
    expect_no_edge(r.inv, "app", "util");
    /* nested ones hang on their container (the root's own too) */
    expect_edge(r.inv, "app", "app-config", "contains");
    expect_edge(r.inv, "db", "db-driver", "contains");
    expect_edge(r.inv, "web", "util", "dependsOn");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 7);
    tl_release(&r);
}

Test(cyclonedx, infers_root_and_containment_edges_without_a_dependency_graph)
{
    run r;
    load(&r, "no_dependencies.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1,
        "14:19: warning: no dependency graph: assuming the root depends on every top-level component and service (3 implicit-root edges) and each assembly on what it contains (2 contains edges)");
    expect_edge(r.inv, "app", "web", "implicit-root");
    expect_edge(r.inv, "app", "util", "implicit-root");
    expect_edge(r.inv, "app", "api", "implicit-root");
    expect_edge(r.inv, "web", "web-core", "contains");
    expect_edge(r.inv, "api", "api-auth", "contains");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 5);
    tl_release(&r);
}

Test(cyclonedx, warns_about_components_the_root_does_not_reach)
{
    run r;
    load(&r, "unreachable.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 3,
        "7:18: warning: component 'orphan' is not reachable from the root 'app'",
        "7:18: warning: provider 'orphan' has no dependants",
        "8:18: warning: component 'orphan-dep' is not reachable from the root 'app'");
    expect_edge(r.inv, "orphan", "orphan-dep", "dependsOn");   /* kept, no edge added */
    expect_no_edge(r.inv, "app", "orphan");
    tl_release(&r);
}

/* ---- scopes ----------------------------------------------------------------------- */

Test(cyclonedx, keeps_optional_dependencies_and_drops_excluded_ones)
{
    run r;
    load(&r, "scopes.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "8:18: warning: provider 'jest' has no dependants");
    expect_edge(r.inv, "app", "core", "dependsOn");
    expect_edge(r.inv, "app", "plugin", "optional");
    expect_no_edge(r.inv, "app", "jest");
    expect_edge(r.inv, "jest", "jest-dep", "dependsOn");
    cr_expect(strstr(note(&r), "edges dropped: 1 excluded, 0 optional") != NULL, "%s", note(&r));
    /* jest and jest-dep are reachable only through the dropped edge: counted,
     * not warned about as unreachable */
    cr_expect(strstr(note(&r), "2 reachable only through dropped edges") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, drops_optional_dependencies_with_drop_optional)
{
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_drop_optional = 1;
    run r;
    load_with(&r, "scopes.json", &opts);
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 2, "7:18: warning: provider 'plugin' has no dependants",
                 "8:18: warning: provider 'jest' has no dependants");
    expect_no_edge(r.inv, "app", "plugin");
    expect_edge(r.inv, "plugin", "plugin-dep", "dependsOn");
    cr_expect(strstr(note(&r), "edges dropped: 1 excluded, 1 optional") != NULL, "%s", note(&r));
    cr_expect(strstr(note(&r), "4 reachable only through dropped edges") != NULL, "%s", note(&r));
    tl_release(&r);
}

/* ---- nesting ------------------------------------------------------------------------ */

Test(cyclonedx, attaches_nested_components_only_when_otherwise_unreachable)
{
    run r;
    load(&r, "nested_components.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 4,
        "12:18: warning: component 'board' is not reachable from the root 'app'",
        "12:18: warning: provider 'board' has no dependants",
        "13:36: warning: component 'fw' is not reachable from the root 'app'",
        "13:36: warning: provider 'fw' has no dependants");
    expect_edge(r.inv, "app", "image", "dependsOn");
    expect_edge(r.inv, "image", "runtime", "dependsOn");
    expect_edge(r.inv, "runtime", "libc", "dependsOn");
    /* os is reached by nothing: its container holds it; libc is reached
     * through runtime, so os -> libc is not added */
    expect_edge(r.inv, "image", "os", "contains");
    expect_no_edge(r.inv, "os", "libc");
    /* board is unreachable itself: no containment edge from it */
    expect_no_edge(r.inv, "board", "fw");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 4);
    crisk_node_view v;
    view(r.inv, "os", &v);
    cr_expect_str_eq(v.name, "debian@12");
    cr_expect_eq(v.category, CRISK_CAT_SOFTWARE);
    view(r.inv, "board", &v);
    cr_expect_eq(v.category, CRISK_CAT_HARDWARE);
    view(r.inv, "fw", &v);
    cr_expect_eq(v.category, CRISK_CAT_HARDWARE);
    tl_release(&r);
}

Test(cyclonedx, maps_nested_services_as_managed_services)
{
    run r;
    load(&r, "nested_services.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 0);
    crisk_node_view v;
    view(r.inv, "payments", &v);
    cr_expect_eq(v.type, CRISK_NODE_SERVICE);
    cr_expect_eq(v.category, CRISK_CAT_MANAGED_SERVICE);
    cr_expect_str_eq(v.name, "acme/payments@v2");
    cr_expect_str_eq(v.parent, "Acme Payments Ltd");
    view(r.inv, "payments-ledger", &v);
    cr_expect_str_eq(v.parent, "");
    expect_edge(r.inv, "app", "payments", "dependsOn");
    expect_edge(r.inv, "payments", "payments-fraud", "dependsOn");
    expect_edge(r.inv, "payments", "payments-ledger", "contains");
    cr_expect(strstr(note(&r), "0 components, 3 services") != NULL, "%s", note(&r));
    tl_release(&r);
}

/* ---- spec versions --------------------------------------------------------------------- */

Test(cyclonedx, reads_a_spec_1_2_sbom)
{
    run r;
    load(&r, "spec_1_2.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 0);
    const char *root = "pkg:maven/com.example/billing@1.4.0";
    crisk_node_view v;
    view(r.inv, root, &v);
    cr_expect_eq(v.type, CRISK_NODE_FUNCTION);
    cr_expect_str_eq(v.name, "com.example/billing@1.4.0");
    cr_expect_eq(v.criticality, 1.0);
    cr_expect(isnan(v.rto_hours));
    view(r.inv, "pkg:maven/org.apache.commons/commons-lang3@3.12.0", &v);
    cr_expect_eq(v.type, CRISK_NODE_COMPONENT);
    cr_expect_eq(v.category, CRISK_CAT_SOFTWARE);
    cr_expect_str_eq(v.name, "org.apache.commons/commons-lang3@3.12.0");
    cr_expect_str_eq(v.parent, "The Apache Software Foundation");   /* publisher */
    view(r.inv, "pkg:maven/org.slf4j/slf4j-api@1.7.36", &v);
    cr_expect_str_eq(v.parent, "QOS.ch");                           /* author */
    expect_edge(r.inv, root, "pkg:maven/org.slf4j/slf4j-api@1.7.36", "dependsOn");
    cr_expect_eq(crisk_inventory_edge_count(r.inv), 2);
    cr_expect(strncmp(note(&r), "cyclonedx ", 10) == 0);
    cr_expect(strstr(note(&r), ": spec 1.2, root 'pkg:maven/com.example/billing@1.4.0', 2 components, 0 services;") != NULL,
              "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, reads_a_spec_1_6_sbom)
{
    run r;
    load(&r, "spec_1_6.json");
    tl_expect_loaded(&r);
    /* "provides" is not a dependency (mapping §2): the algorithm stays alone */
    tl_expect_diags(&r, 2,
        "21:49: warning: component 'crypto/algorithm/aes-256-gcm' is not reachable from the root 'gateway'",
        "21:49: warning: provider 'crypto/algorithm/aes-256-gcm' has no dependants");
    crisk_node_view v;
    view(r.inv, "pkg:generic/openssl@3.0.13", &v);
    cr_expect_str_eq(v.parent, "Debian");   /* supplier before manufacturer */
    view(r.inv, "crypto/algorithm/aes-256-gcm", &v);
    cr_expect_eq(v.category, CRISK_CAT_OTHER);
    view(r.inv, "model/spam-filter", &v);
    cr_expect_eq(v.category, CRISK_CAT_OTHER);
    cr_expect_str_eq(v.parent, "");          /* authors[] is not mapped */
    view(r.inv, "svc/idp", &v);
    cr_expect_eq(v.type, CRISK_NODE_SERVICE);
    cr_expect_str_eq(v.parent, "IdentityCloud Inc");
    view(r.inv, "gateway", &v);
    cr_expect_str_eq(v.parent, "");          /* a function has no parent */
    expect_edge(r.inv, "gateway", "data/geoip", "optional");
    expect_edge(r.inv, "gateway", "svc/idp", "dependsOn");
    cr_expect(strstr(note(&r), "1 provides") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, warns_about_an_unsupported_spec_version)
{
    run r;
    load(&r, "spec_unsupported.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "3:18: warning: unsupported specVersion '2.0' (read as 1.6)");
    tl_release(&r);
}

Test(cyclonedx, warns_about_a_missing_spec_version)
{
    run r;
    load(&r, "spec_missing.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "1:1: warning: no specVersion (read as 1.6)");
    cr_expect(strstr(note(&r), "spec ?,") != NULL, "%s", note(&r));
    tl_release(&r);
}

Test(cyclonedx, warns_about_unknown_types_and_scopes)
{
    run r;
    load(&r, "odd_values.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 4,
        "6:31: warning: unknown component type 'gadget' (category 'other')",
        "7:18: warning: component without a type (category 'other')",
        "7:45: warning: unknown scope 'sometimes' (read as 'required')",
        "12:5: warning: dependencies entry without a 'ref' (ignored)");
    crisk_node_view v;
    view(r.inv, "c", &v);   /* null version and scope: absent */
    cr_expect_str_eq(v.name, "c");
    expect_edge(r.inv, "app", "b", "dependsOn");
    expect_edge(r.inv, "app", "c", "dependsOn");
    tl_release(&r);
}

/* ---- JSON, encoding and shape errors ----------------------------------------------------- */

Test(cyclonedx, locates_a_json_syntax_error)
{
    run r;
    load(&r, "syntax_missing_comma.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "4:3: invalid JSON near '\"components\": []'");
    cr_expect_eq(r.err.line, 4);
    cr_expect_eq(r.err.column, 3);
    cr_expect_str_eq(r.err.message, "invalid JSON near '\"components\": []'");
    tl_release(&r);
}

Test(cyclonedx, reports_a_truncated_file_at_its_end)
{
    run r;
    load(&r, "truncated.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "4:1: invalid JSON: unexpected end of file");
    tl_release(&r);
}

Test(cyclonedx, reports_an_unterminated_string_where_it_opens)
{
    run r;
    load(&r, "unterminated_string.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "3:18: invalid JSON: unterminated string");
    tl_release(&r);
}

Test(cyclonedx, rejects_text_after_the_document)
{
    run r;
    load(&r, "trailing_text.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "2:1: invalid JSON: text after the end of the document near '}'");
    tl_release(&r);
}

Test(cyclonedx, rejects_invalid_utf8)
{
    run r;
    load(&r, "invalid_utf8.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "4:68: invalid UTF-8 (byte 0xe9)");
    tl_release(&r);
}

Test(cyclonedx, rejects_an_escaped_nul_character)
{
    run r;
    load(&r, "nul_escape.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "5:54: string contains a NUL character (\\u0000)");
    tl_release(&r);
}

Test(cyclonedx, rejects_a_nul_byte)
{
    static const char text[] = "{\"bomFormat\": \"CycloneDX\",\n \"x\": \"a\0b\"}";
    char path[64];
    temp_file(path, text, sizeof text - 1);
    run r;
    tl_load_path(&r, path, NULL);
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "2:9: NUL byte in file");
    tl_release(&r);
    unlink(path);
}

/* Load `text` from memory; the one diagnostic it gives must be `want`
 * (without the "mem.json:" prefix). */
static void expect_buffer_error(const char *text, size_t len, const char *want)
{
    crisk_builder *b = NULL;
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    crisk__cyclonedx_load_buffer(b, "mem.json", text, len, NULL, &d, &err);
    char got[1200], all[4096] = "";
    for (size_t i = 0, o = 0; i < d.count && o < sizeof all; i++)
        o += (size_t)snprintf(all + o, sizeof all - o, "\n  %s",
                              crisk_diag_format(&d.items[i], got, sizeof got));
    cr_assert_eq(d.errors, 1, "%s: expected one error, got:%s", want, all);
    cr_expect_str_eq(crisk_diag_format(&d.items[0], got, sizeof got) + strlen("mem.json:"), want);
    crisk_builder_free(b);
    crisk_diagnostics_release(&d);
}

#define OUTSIDE "outside a string (only space, tab, line feed and carriage return may stand " \
                "between values)"

/* cJSON takes every byte up to 0x20 for white space and copies raw control
 * characters into strings; the position walk knew only JSON's four white
 * space bytes, so two form feeds shifted it and "lib\u0000evil" loaded as
 * "lib".  Every control character JSON forbids is refused where it is. */
Test(cyclonedx, rejects_control_characters_json_forbids_in_and_between_tokens)
{
    static const struct { const char *text; size_t len; const char *want; } cases[] = {
#define CASE(t, w) { t, sizeof t - 1, w }
        CASE("{\f\f\"bomFormat\": \"CycloneDX\"}",
             "1:2: invalid JSON: control character 0x0c " OUTSIDE),
        CASE("{\"bomFormat\": \"CycloneDX\",\n\v\"x\": 1}",
             "2:1: invalid JSON: control character 0x0b " OUTSIDE),
        CASE("{\"bomFormat\":\x1f\"CycloneDX\"}",
             "1:14: invalid JSON: control character 0x1f " OUTSIDE),
        CASE("{\"bomFormat\": \"Cyclone\vDX\"}",
             "1:23: invalid JSON: control character 0x0b in a string (write it as \\u000b)"),
        CASE("{\"bom\x1f" "Format\": \"CycloneDX\"}",
             "1:6: invalid JSON: control character 0x1f in a string (write it as \\u001f)"),
        CASE("{\"bomFormat\": \"Cyclone\tDX\"}",
             "1:23: invalid JSON: control character 0x09 in a string (write it as \\t)"),
        CASE("{\"bomFormat\": \"a\nb\"}",
             "1:17: invalid JSON: control character 0x0a in a string (write it as \\n)"),
        CASE("{\"bomFormat\": \"a\fb\"}",
             "1:17: invalid JSON: control character 0x0c in a string (write it as \\f)"),
        CASE("{\"bomFormat\":\0\"CycloneDX\"}", "1:14: NUL byte in file"),
        /* a control character after a backslash is a bad escape, reported
         * where the escape starts */
        CASE("{\"bomFormat\": \"a\\\tb\"}", "1:17: invalid JSON near '\\\\tb\"}'"),
        /* the reported case: the form feeds come first */
        CASE("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\f\f\"metadata\":"
             "{\"component\":{\"bom-ref\":\"lib\\u0000evil\",\"name\":\"lib\",\"type\":\"library\"}}}",
             "1:46: invalid JSON: control character 0x0c " OUTSIDE),
        /* of a syntax error and a later control character, the first counts */
        CASE("{\"bomFormat\" \"x\", \"y\": \"\t\"}", "1:14: invalid JSON near '\"x\", \"y\": \"\\t\"}'"),
#undef CASE
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_buffer_error(cases[i].text, cases[i].len, cases[i].want);
}

/* The walk, not a pass of its own, finds the control characters inside a
 * parsed document (json_text.c): after a number, where cJSON ends it; in a
 * string long enough for the walk's eight-bytes-at-a-time loop; before a
 * repeated key that comes earlier (the control character still wins, as
 * it did when a pass of its own found it first); after the document. */
Test(cyclonedx, finds_control_characters_where_the_walk_passes)
{
    static const struct { const char *text; size_t len; const char *want; } cases[] = {
#define CASE(t, w) { t, sizeof t - 1, w }
        /* {"specVersion": 1 is 17 characters: the 0x01 is the 18th */
        CASE("{\"specVersion\": 1\x01, \"bomFormat\": \"CycloneDX\"}",
             "1:18: invalid JSON: control character 0x01 " OUTSIDE),
        /* {"bomFormat": "CycloneDXCycloneDX is 33 characters */
        CASE("{\"bomFormat\": \"CycloneDXCycloneDX\vx\"}",
             "1:34: invalid JSON: control character 0x0b in a string (write it as \\u000b)"),
        /* the repeated "a" at column 10 comes first, the control character wins */
        CASE("{\"a\": 1, \"a\": 2, \"b\": \"x\vy\"}",
             "1:25: invalid JSON: control character 0x0b in a string (write it as \\u000b)"),
        /* after the document's 26 characters and a space */
        CASE("{\"bomFormat\": \"CycloneDX\"} \x02",
             "1:28: invalid JSON: control character 0x02 " OUTSIDE),
        /* text after the document beats a repeated key inside it */
        CASE("{\"a\": 1, \"a\": 2} x", "1:18: invalid JSON: text after the end of the document "
             "near 'x'"),
        /* nine two-byte characters count nine columns: the second "k" is at 20 */
        CASE("{\"k\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\", "
             "\"k\": 1}", "1:20: duplicate key 'k' (first on line 1, column 2)"),
        /* a key of sixteen plain bytes (columns 2-19), ": 1, ", the same key at 25 */
        CASE("{\"abcdefghijklmnop\": 1, \"abcdefghijklmnop\": 2}",
             "1:25: duplicate key 'abcdefghijklmnop' (first on line 1, column 2)"),
#undef CASE
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_buffer_error(cases[i].text, cases[i].len, cases[i].want);
}

Test(cyclonedx, accepts_the_four_white_space_bytes_between_tokens)
{
    static const char text[] = "{\t\"bomFormat\":\r\n \"CycloneDX\",\n\t\"specVersion\": \"1.5\"}\r\n";
    crisk_builder *b = NULL;
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    cr_assert_eq(crisk__cyclonedx_load_buffer(b, "mem.json", text, sizeof text - 1, NULL, &d,
                                              &err), CRISK_OK);
    cr_expect_eq(d.errors, 0);
    crisk_builder_free(b);
    crisk_diagnostics_release(&d);
}

/* A key twice in one object: cJSON finds the first, Python's json keeps
 * the last.  Refused at the second, naming the first. */
Test(cyclonedx, rejects_a_repeated_bom_ref_key_in_one_object)
{
    run r;
    load(&r, "duplicate_key.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "6:59: duplicate key 'bom-ref' (first on line 6, column 7)");
    tl_release(&r);
}

Test(cyclonedx, rejects_a_repeated_components_key)
{
    run r;
    load(&r, "duplicate_components.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "7:3: duplicate key 'components' (first on line 5, column 3)");
    tl_release(&r);
}

/* A purl becomes the id of a component without a bom-ref: it gets the
 * limit a bom-ref has (a native cell), or the id could not be written back
 * or read again. */
Test(cyclonedx, applies_the_id_limit_to_a_purl_taken_as_id)
{
    size_t n = CRISK_MAX_FIELD_BYTES + 1;
    char *purl = malloc(n + 1), *ref = malloc(n + 1);
    memset(purl, 'a', n);
    memcpy(purl, "pkg:npm/", 8);
    purl[n] = '\0';
    memset(ref, 'b', n);
    ref[n] = '\0';
    size_t size = 3 * n + 512;
    char *text = malloc(size);
    int len = snprintf(text, size,
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n"
        " \"metadata\": {\"component\": {\"bom-ref\": \"app\", \"name\": \"app\"}},\n"
        " \"components\": [\n"
        "  {\"type\": \"library\", \"name\": \"lib\", \"purl\": \"%s\"},\n"
        "  {\"type\": \"library\", \"bom-ref\": \"%s\", \"name\": \"lib2\"},\n"
        "  {\"type\": \"library\", \"bom-ref\": \"fine\", \"name\": \"fine\", \"purl\": \"%s\"}]}\n",
        purl, ref, purl);
    char path[64];
    temp_file(path, text, (size_t)len);
    run r;
    tl_load_path(&r, path, NULL);
    tl_expect_failed(&r);
    char quoted[128], warning[256];
    snprintf(quoted, sizeof quoted, "%.74s...", purl);
    snprintf(warning, sizeof warning, "4:3: warning: component without a bom-ref: id '%s' "
             "taken from its purl (it cannot be a dependency target)", quoted);
    /* the purl of a component with a bom-ref is no id: not checked */
    tl_expect_diags(&r, 4,
        "warning: no dependency graph: assuming the root depends on every top-level component "
        "and service (3 implicit-root edges) and each assembly on what it contains (0 contains "
        "edges)",
        warning,
        "4:46: purl is too long (65537 bytes, limit 65536)",
        "5:34: bom-ref is too long (65537 bytes, limit 65536)");
    tl_release(&r);
    unlink(path);
    free(text);
    free(ref);
    free(purl);
}

Test(cyclonedx, rejects_nesting_deeper_than_cjson_allows)
{
    size_t depth = 1001;
    char *text = malloc(2 * depth + 64);
    size_t n = (size_t)sprintf(text, "{\"bomFormat\": \"CycloneDX\", \"x\": ");
    memset(text + n, '[', depth);
    memset(text + n + depth, ']', depth);
    n += 2 * depth;
    text[n++] = '}';
    char path[64];
    temp_file(path, text, n);
    free(text);
    run r;
    tl_load_path(&r, path, NULL);
    tl_expect_failed(&r);
    /* the 1000th '[' is the 1001st container, counting the outer object */
    tl_expect_diags(&r, 1, "1:1032: invalid JSON: nested deeper than 1000 levels");
    tl_release(&r);
    unlink(path);
}

Test(cyclonedx, counts_columns_in_characters_after_a_bom_and_crlf)
{
    run r;
    load(&r, "utf8_columns.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 2,
        "5:60: warning: 'app' depends on unknown ref '\xe2\x82\xac\xe2\x82\xac' (edge dropped)",
        "5:66: warning: 'app' depends on unknown ref 'x' (edge dropped)");
    crisk_node_view v;
    view(r.inv, "caf\xc3\xa9", &v);
    cr_expect_str_eq(v.name, "\xe6\x97\xa5\xe6\x9c\xac");
    tl_release(&r);
}

Test(cyclonedx, rejects_a_json_file_that_is_not_cyclonedx)
{
    run r;
    load(&r, "not_cyclonedx.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "1:1: not a CycloneDX SBOM ('bomFormat' is missing)");
    tl_release(&r);
}

Test(cyclonedx, rejects_another_bom_format)
{
    run r;
    load(&r, "wrong_bom_format.json");
    tl_expect_failed(&r);
    tl_expect_diags(&r, 1, "2:16: not a CycloneDX SBOM ('bomFormat' is 'SPDX', expected 'CycloneDX')");
    tl_release(&r);
}

Test(cyclonedx, rejects_members_of_the_wrong_json_type)
{
    run r;
    load(&r, "wrong_types.json");
    tl_expect_failed(&r);
    /* a number has no position of its own: the object holding it is named */
    tl_expect_diags(&r, 9,
        "6:5: 'bom-ref' must be a string (found a number)",
        "6:5: warning: component 'numbered' is not reachable from the root 'app'",
        "6:5: warning: component without a bom-ref: id 'numbered' taken from its name and version (it cannot be a dependency target)",
        "7:52: 'name' must be a string (found an array)",
        "7:75: 'supplier' must be an object (found a string)",
        "8:5: each entry of 'components' must be an object (found a string)",
        "10:15: 'services' must be an array (found an object)",
        "12:34: each entry of 'dependsOn' must be a string (found a number)",
        "13:34: 'dependsOn' must be an array (found a string)");
    cr_expect_str_eq(r.err.message, "'bom-ref' must be a string (found a number)");
    tl_release(&r);
}

Test(cyclonedx, rejects_an_empty_buffer)
{
    crisk_builder *b = NULL;
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    cr_assert_eq(crisk__cyclonedx_load_buffer(b, "mem.json", " \n", 2, NULL, &d, &err), CRISK_OK);
    cr_assert_eq(d.count, 1);
    char buf[256];
    cr_expect_str_eq(crisk_diag_format(&d.items[0], buf, sizeof buf),
                     "mem.json: empty file (expected a CycloneDX JSON SBOM)");
    crisk_builder_free(b);
    crisk_diagnostics_release(&d);
}

Test(cyclonedx, refuses_a_negative_criticality)
{
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_criticality = -1;
    run r;
    load_with(&r, "cycle.json", &opts);
    cr_expect_eq(r.rc, CRISK_EUSAGE);
    cr_expect_str_eq(r.err.message, "--criticality must be a number >= 0");
    tl_release(&r);
}

/* ---- provenance --------------------------------------------------------------------------- */

Test(cyclonedx, registers_the_file_as_a_source_with_its_digest)
{
    run r;
    load(&r, "webapp.json");
    tl_expect_loaded(&r);
    cr_assert_eq(crisk_inventory_source_count(r.inv), 1);
    crisk_source_view s;
    crisk_inventory_source(r.inv, 0, &s);
    char sha[65];
    cr_assert_eq(crisk_sha256_file(sha, r.path, NULL), CRISK_OK);
    cr_expect_str_eq(s.kind, "cyclonedx");
    cr_expect_str_eq(s.path, r.path);
    cr_expect_str_eq(s.sha256, sha);
    FILE *f = fopen(r.path, "rb");
    fseek(f, 0, SEEK_END);
    cr_expect_eq(s.bytes, (uint64_t)ftell(f));
    fclose(f);
    cr_expect_eq(s.rows, 17);   /* components + services */
    char want[2048];
    snprintf(want, sizeof want,
             "cyclonedx %s: spec 1.5, root 'pkg:npm/shop-web@2.1.0', 17 components, 0 services; "
             "edges kept: 21 dependsOn, 0 optional, 0 implicit-root, 0 contains; "
             "edges dropped: 1 excluded, 0 optional, 0 dangling, 0 self; "
             "0 duplicate bom-refs, 0 fallback ids, 0 repeated dependencies entries, 0 provides; "
             "0 unreachable, 1 reachable only through dropped edges; 0 cycles (0 nodes) kept",
             r.path);
    cr_expect_str_eq(note(&r), want);
    tl_release(&r);
}

Test(cyclonedx, gives_the_root_the_criticality_option)
{
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_criticality = 3.5;
    run r;
    load_with(&r, "webapp.json", &opts);
    tl_expect_loaded(&r);
    crisk_node_view v;
    view(r.inv, "pkg:npm/shop-web@2.1.0", &v);
    cr_expect_eq(v.criticality, 3.5);
    view(r.inv, "pkg:npm/logkit@2.4.0", &v);
    cr_expect_eq(v.criticality, 1.0);
    tl_release(&r);
}

Test(cyclonedx, keeps_ids_with_url_characters_verbatim)
{
    run r;
    load(&r, "special_ids.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 0);
    const char *root = "pkg:npm/%40acme/shop@1.0.0?arch=x64&os=linux#src";
    crisk_node_view v;
    view(r.inv, root, &v);
    cr_expect_str_eq(v.name, "@acme/shop@1.0.0");
    view(r.inv, "pkg:npm/%40angular/core@17.0.0", &v);
    cr_expect_str_eq(v.name, "@angular/core@17.0.0");
    cr_expect_str_eq(v.parent, "=HYPERLINK(\"http://x\")");
    view(r.inv, "multi\nline", &v);
    cr_expect_str_eq(v.name, "padded name");   /* display text is trimmed */
    expect_edge(r.inv, root, "a|b=c:d/e?f", "dependsOn");
    tl_release(&r);
}

/* A value that needs trimming only at its end is trimmed too (the reader
 * borrows the tree's string only when there is nothing to trim). */
Test(cyclonedx, trims_values_with_white_space_only_at_the_end)
{
    static const char text[] =
        "{ \"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n"
        "  \"metadata\": { \"component\": { \"bom-ref\": \"app\", \"name\": \"app\" } },\n"
        "  \"components\": [ { \"bom-ref\": \"lib\", \"type\": \"library\", \"name\": \"lib \",\n"
        "                    \"version\": \"1.0\\t\", \"publisher\": \"Acme \" } ],\n"
        "  \"dependencies\": [ { \"ref\": \"app\", \"dependsOn\": [ \"lib\" ] } ] }\n";
    char path[64];
    temp_file(path, text, sizeof text - 1);
    run r;
    tl_load_path(&r, path, NULL);
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 0);
    crisk_node_view v;
    view(r.inv, "lib", &v);
    cr_expect_str_eq(v.name, "lib@1.0");
    cr_expect_str_eq(v.parent, "Acme");
    tl_release(&r);
    unlink(path);
}

/* ---- a realistic SBOM, metrics worked by hand ----------------------------------------------- */

/*
 * webapp.json: shop-web (the function) and 17 npm components.
 *
 *   shop-web -> express, react-dom, pg, auth-lib, metrics-agent, jest(excluded: dropped)
 *   express -> body-parser, router, logkit      body-parser -> bytes, logkit
 *   router -> path-to-regexp                     react-dom -> react
 *   pg -> pg-protocol, logkit                    auth-lib -> jwt, logkit
 *   jwt -> crypto-utils                          metrics-agent -> http-client, logkit
 *   http-client -> logkit                        logkit -> fmt-utils
 *
 * 18 nodes, 21 edges kept (22 declared, jest dropped).
 * Tiers: 0 shop-web; 1 express, react-dom, pg, auth-lib, metrics-agent (5);
 *   2 body-parser, router, logkit, react, pg-protocol, jwt, http-client (7);
 *   3 bytes, path-to-regexp, fmt-utils, crypto-utils (4); jest unreachable.
 * logkit, the shared logging library:
 *   direct dependants express, body-parser, pg, auth-lib, metrics-agent,
 *   http-client = 6; dependants those + shop-web = 7; functions 1,
 *   exposure 1 (criticality 1); every edge is AND, so impact 1, a SPOF;
 *   tier-1 dependants express, pg, auth-lib, metrics-agent = 4.
 * fmt-utils (only logkit uses it): direct 1, dependants 7 + logkit = 8,
 *   tier-1 dependants the same 4.
 * http-client: dependants metrics-agent, shop-web = 2, tier-1 dependants 1.
 * Shared (tier >= 2, >= 2 tier-1 dependants): fmt-utils and logkit, 4 each,
 *   equal exposure, so by id: fmt-utils first.
 */
Test(cyclonedx, computes_hand_worked_metrics_of_a_web_app_sbom)
{
    run r;
    load(&r, "webapp.json");
    tl_expect_loaded(&r);
    tl_expect_diags(&r, 1, "24:17: warning: provider 'pkg:npm/jest@29.7.0' has no dependants");
    cr_assert_eq(crisk_inventory_node_count(r.inv), 18);
    cr_assert_eq(crisk_inventory_edge_count(r.inv), 21);

    crisk_analysis *a = NULL;
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, r.inv, &ao, &err), CRISK_OK, "%s", err.message);

    const crisk_node_metrics *m = crisk_analysis_metrics(a, tl_node(r.inv, "pkg:npm/logkit@2.4.0"));
    cr_expect_eq(m->tier, 2);
    cr_expect_eq(m->direct_dependants, 6);
    cr_expect_eq(m->dependants, 7);
    cr_expect_eq(m->functions, 1);
    cr_expect_eq(m->exposure, 1.0);
    cr_expect_eq(m->impact, 1);
    cr_expect_eq(m->spof, 1);
    cr_expect_eq(m->tier1_dependants, 4);

    m = crisk_analysis_metrics(a, tl_node(r.inv, "pkg:npm/fmt-utils@1.0.9"));
    cr_expect_eq(m->tier, 3);
    cr_expect_eq(m->direct_dependants, 1);
    cr_expect_eq(m->dependants, 8);
    cr_expect_eq(m->tier1_dependants, 4);

    m = crisk_analysis_metrics(a, tl_node(r.inv, "pkg:npm/http-client@1.6.2"));
    cr_expect_eq(m->dependants, 2);
    cr_expect_eq(m->tier1_dependants, 1);

    m = crisk_analysis_metrics(a, tl_node(r.inv, "pkg:npm/jest@29.7.0"));
    cr_expect_eq(m->tier, -1);
    cr_expect_eq(m->dependants, 0);

    size_t tiers[4] = { 0 };
    for (size_t v = 0; v < crisk_inventory_node_count(r.inv); v++) {
        long t = crisk_analysis_metrics(a, v)->tier;
        if (t >= 0 && t < 4)
            tiers[t]++;
    }
    cr_expect_eq(tiers[0], 1);
    cr_expect_eq(tiers[1], 5);
    cr_expect_eq(tiers[2], 7);
    cr_expect_eq(tiers[3], 4);

    uint32_t *shared = NULL;
    size_t n_shared = 0;
    cr_assert_eq(crisk_analysis_shared(a, 2, &shared, &n_shared, &err), CRISK_OK);
    cr_assert_eq(n_shared, 2);
    cr_expect_str_eq(crisk_inventory_node_id(r.inv, shared[0]), "pkg:npm/fmt-utils@1.0.9");
    cr_expect_str_eq(crisk_inventory_node_id(r.inv, shared[1]), "pkg:npm/logkit@2.4.0");
    free(shared);

    crisk_node_view v;
    view(r.inv, "pkg:npm/logkit@2.4.0", &v);
    cr_expect_str_eq(v.parent, "Logkit Maintainers");
    cr_expect_str_eq(v.name, "logkit@2.4.0");
    crisk_analysis_free(a);
    tl_release(&r);
}

Test(cyclonedx, weights_exposure_by_the_root_criticality)
{
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_criticality = 3;
    run r;
    load_with(&r, "webapp.json", &opts);
    tl_expect_loaded(&r);
    crisk_analysis *a = NULL;
    crisk_analysis_options ao = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, r.inv, &ao, &err), CRISK_OK, "%s", err.message);
    const crisk_node_metrics *m = crisk_analysis_metrics(a, tl_node(r.inv, "pkg:npm/logkit@2.4.0"));
    cr_expect_eq(m->exposure, 3.0);
    cr_expect_eq(m->impact_weight, 3.0);
    cr_expect_eq(m->impact_share, 1.0);
    crisk_analysis_free(a);
    tl_release(&r);
}

/* Both SBOM readers drop every statement of a pair after the first in
 * document order (sbom_edges.c), whatever order the keys arrive in:
 * 0->1 is stated at 0, 2 and 3 (2 and 3 dropped), 2->3 at 1 and 4 (4
 * dropped), 1->0 once (another pair: kept). */
Test(cyclonedx, marks_every_repeat_of_a_pair_after_the_first_statement)
{
    crisk__edge_key keys[] = { { 0, 1, 3 }, { 2, 3, 4 }, { 1, 0, 5 },
                               { 0, 1, 0 }, { 2, 3, 1 }, { 0, 1, 2 } };
    uint8_t skip[6] = { 0 };
    cr_assert_eq(crisk__edge_keys_mark_repeats(keys, 6, skip), 3);
    static const uint8_t want[6] = { 0, 0, 1, 1, 1, 0 };
    for (size_t i = 0; i < 6; i++)
        cr_expect_eq(skip[i], want[i], "statement %zu", i);
    cr_expect_eq(crisk__edge_keys_mark_repeats(keys, 0, skip), 0);
}
