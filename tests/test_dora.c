/*
 * test_dora.c - the DORA Register of Information importer (src/import/dora/).
 *
 * Fixtures (tests/fixtures/dora/, written by make_fixtures.py):
 *   bank/<package>/   a small realistic package; its graph and metrics are
 *                     worked out by hand below
 *   rules/<case>/     one case per validation rule of mapping §9: the files
 *                     that differ from bank/ (`<file>.delete` removes one);
 *                     the test assembles bank + case in a temporary folder
 *   eba-sample.zip    the EBA's sample package (official layout, random
 *                     values, so its references fail)
 * Zips are built at test time with libzip from those folders.
 *
 * Every message is asserted in full, with its file, line and column.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "import/dora/dora_internal.h"

#define FIXTURES CRISK_FIXTURES "/dora"
#define PACKAGE "529900BANKEXAMPLE001.CON_DE_DORA010100_DORA_2024-12-31_20250115120000000"
#define BANK_DIR FIXTURES "/bank"
#define BANK_PKG BANK_DIR "/" PACKAGE
#define GROUPIT "529900GROUPITEXMPL02"

/* ---- files ------------------------------------------------------------------------ */

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    cr_assert(in && out, "copy %s -> %s", from, to);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static void copy_tree(const char *from, const char *to)
{
    mkdir(to, 0700);
    DIR *d = opendir(from);
    cr_assert_not_null(d, "opendir %s", from);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char a[4096], b[4096];
        struct stat st;
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        stat(a, &st);
        if (S_ISDIR(st.st_mode))
            copy_tree(a, b);
        else
            copy_file(a, b);
    }
    closedir(d);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "write %s", path);
    fputs(text, f);
    fclose(f);
}

/* A private scratch folder: `out` receives its path. */
static void scratch(char *out, size_t size)
{
    snprintf(out, size, "/tmp/chainrisk-dora-test-XXXXXX");
    cr_assert_not_null(mkdtemp(out));
}

/* Apply rules/<name>/reports/ over the package folder `pkg`. */
static void overlay(const char *pkg, const char *name)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules/%s/reports", FIXTURES, name);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no rule case '%s'", name);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char from[8192], to[8192];
        snprintf(from, sizeof from, "%s/%s", dir, e->d_name);
        snprintf(to, sizeof to, "%s/reports/%s", pkg, e->d_name);
        size_t len = strlen(to);
        if (len > 7 && strcmp(to + len - 7, ".delete") == 0) {
            to[len - 7] = '\0';
            unlink(to);
        } else {
            copy_file(from, to);
        }
    }
    closedir(d);
}

/* Zip every file under `dir` with names "<prefix><relative path>". */
static void zip_tree(zip_t *z, const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096], name[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(name, sizeof name, "%s%s", prefix, e->d_name);
        stat(path, &st);
        if (S_ISDIR(st.st_mode)) {
            strcat(name, "/");
            zip_tree(z, path, name);
            continue;
        }
        zip_source_t *src = zip_source_file(z, path, 0, -1);
        cr_assert_not_null(src);
        cr_assert_geq(zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8), 0, "%s", zip_strerror(z));
    }
    closedir(d);
}

static void make_zip(const char *zip_path, const char *dir, const char *prefix)
{
    int code = 0;
    zip_t *z = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    cr_assert_not_null(z, "zip_open %s: %d", zip_path, code);
    zip_tree(z, dir, prefix);
    cr_assert_eq(zip_close(z), 0);
}

/* ---- loading --------------------------------------------------------------------------- */

typedef struct run {
    char dir[256];               /* scratch folder, "" if none */
    char pkg[512];               /* the path loaded */
    crisk_diagnostics diags;
    crisk_error err;
    crisk_inventory *inv;
    int rc;
} run;

static crisk_load_options defaults(void)
{
    return (crisk_load_options)CRISK_LOAD_OPTIONS_INIT;
}

static void load_path(run *r, const char *path, const crisk_load_options *opts)
{
    snprintf(r->pkg, sizeof r->pkg, "%s", path);
    crisk_diagnostics_init(&r->diags);
    r->err = (crisk_error)CRISK_ERROR_INIT;
    r->inv = NULL;
    crisk_input in = { r->pkg, NULL, NULL };
    r->rc = crisk_inventory_load(&r->inv, &in, 1, opts, &r->diags, &r->err);
}

/* bank + rules/<name>, loaded from a scratch folder. */
static void load_case_opts(run *r, const char *name, const crisk_load_options *opts)
{
    memset(r, 0, sizeof *r);
    scratch(r->dir, sizeof r->dir);
    char pkg[512];
    snprintf(pkg, sizeof pkg, "%s/pkg", r->dir);
    copy_tree(BANK_PKG, pkg);
    overlay(pkg, name);
    load_path(r, pkg, opts);
}

static void load_case(run *r, const char *name)
{
    crisk_load_options o = defaults();
    load_case_opts(r, name, &o);
}

static void release(run *r)
{
    crisk_inventory_free(r->inv);
    crisk_diagnostics_release(&r->diags);
    if (r->dir[0] != '\0')
        remove_tree(r->dir);
}

static void dump(const run *r, char *buf, size_t size)
{
    tl_diag_text(&r->diags, buf, size, "\n  ", "", NULL, 0);
}

static void expect_diag(const run *r, const char *want)
{
    char all[32768];
    for (size_t i = 0; i < r->diags.count; i++) {
        char got[2048];
        crisk_diag_format(&r->diags.items[i], got, sizeof got);
        if (strcmp(got, want) == 0)
            return;
    }
    dump(r, all, sizeof all);
    cr_assert_fail("missing diagnostic\n  %s\namong:%s", want, all);
}

static void expect_counts(const run *r, size_t errors, size_t warnings)
{
    char all[32768];
    dump(r, all, sizeof all);
    cr_assert_eq(r->diags.errors, errors, "expected %zu errors, got %zu:%s", errors,
                 r->diags.errors, all);
    cr_assert_eq(r->diags.warnings, warnings, "expected %zu warnings, got %zu:%s", warnings,
                 r->diags.warnings, all);
}

static void expect_failed(const run *r)
{
    cr_assert_eq(r->rc, CRISK_EINVALID, "rc %d", r->rc);
    cr_assert_null(r->inv, "an invalid package was loaded");
}

static void expect_loaded(const run *r)
{
    char all[32768];
    dump(r, all, sizeof all);
    cr_assert_eq(r->rc, CRISK_OK, "load failed (%d: %s):%s", r->rc, r->err.message, all);
    cr_assert_not_null(r->inv);
}

/* One error, exactly this one: the rule and nothing that cascades from it. */
static void expect_only_error(const char *name, const char *want)
{
    run r;
    load_case(&r, name);
    expect_failed(&r);
    expect_diag(&r, want);
    expect_counts(&r, 1, 0);
    release(&r);
}

/* A package that loads, with exactly this one warning. */
static void expect_only_warning(const char *name, const char *want)
{
    run r;
    load_case(&r, name);
    expect_loaded(&r);
    expect_diag(&r, want);
    expect_counts(&r, 0, 1);
    release(&r);
}

/* ---- the model ------------------------------------------------------------------------- */

static size_t node(const run *r, const char *id)
{
    size_t v = 0;
    cr_assert_eq(crisk_inventory_find(r->inv, id, &v), CRISK_OK, "no node '%s'", id);
    return v;
}

static crisk_node_view view(const run *r, const char *id)
{
    crisk_node_view out;
    crisk_inventory_node(r->inv, node(r, id), &out);
    return out;
}

/* The kind of edge from -> to, or NULL if there is none. */
static const char *edge_kind(const run *r, const char *from, const char *to)
{
    size_t f = node(r, from), t = node(r, to);
    for (size_t g = crisk_inventory_group_begin(r->inv, f);
         g < crisk_inventory_group_begin(r->inv, f + 1); g++)
        for (size_t i = 0; i < crisk_inventory_group_size(r->inv, g); i++)
            if (crisk_inventory_group_member(r->inv, g, i) == t)
                return crisk_inventory_group_member_kind(r->inv, g, i);
    return NULL;
}

static void expect_edge(const run *r, const char *from, const char *to, const char *kind)
{
    const char *got = edge_kind(r, from, to);
    cr_assert_not_null(got, "no edge %s -> %s", from, to);
    cr_assert_str_eq(got, kind, "edge %s -> %s", from, to);
}

static int has_node(const run *r, const char *id)
{
    size_t v;
    return crisk_inventory_find(r->inv, id, &v) == CRISK_OK;
}

/* The value of attribute `name` of node `id`, or NULL if there is no such
 * attribute. */
static const char *attr(const run *r, const char *id, const char *name)
{
    for (size_t a = 0; a < crisk_inventory_attr_count(r->inv); a++)
        if (strcmp(crisk_inventory_attr_name(r->inv, a), name) == 0) {
            const char *v = crisk_inventory_node_attr(r->inv, node(r, id), a);
            return v != NULL ? v : "";
        }
    return NULL;
}

static void expect_note(const run *r, const char *want)
{
    for (size_t i = 0; i < crisk_inventory_note_count(r->inv); i++)
        if (strcmp(crisk_inventory_note(r->inv, i), want) == 0)
            return;
    char all[8192];
    size_t o = 0;
    all[0] = '\0';
    for (size_t i = 0; i < crisk_inventory_note_count(r->inv); i++)
        o += (size_t)snprintf(all + o, sizeof all - o, "\n  %s", crisk_inventory_note(r->inv, i));
    cr_assert_fail("missing note\n  %s\namong:%s", want, all);
}

/* Everything a model holds except provenance, as text: nodes in order with
 * every field and attribute, then each node's groups with members and kinds. */
static char *model_text(const crisk_inventory *inv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    for (size_t v = 0; v < crisk_inventory_node_count(inv); v++) {
        crisk_node_view n;
        crisk_inventory_node(inv, v, &n);
        fprintf(f, "%s|%s|%d|%d|%.17g|%.17g|%.17g|%.17g|%.17g|%s|%s|%d", n.id, n.name, n.type,
                n.category, n.criticality, n.rto_hours, n.recovery_hours, n.spend,
                n.probability, n.country, n.parent, n.substitutability);
        for (size_t a = 0; a < crisk_inventory_attr_count(inv); a++)
            fprintf(f, "|%s=%s", crisk_inventory_attr_name(inv, a),
                    crisk_inventory_node_attr(inv, v, a));
        fputc('\n', f);
        for (size_t g = crisk_inventory_group_begin(inv, v); g < crisk_inventory_group_begin(inv, v + 1); g++)
            for (size_t i = 0; i < crisk_inventory_group_size(inv, g); i++)
                fprintf(f, "  -> %s [%s] need %zu\n",
                        crisk_inventory_node_id(inv, crisk_inventory_group_member(inv, g, i)),
                        crisk_inventory_group_member_kind(inv, g, i),
                        crisk_inventory_group_need(inv, g));
    }
    fclose(f);
    return text;
}

/* ---- the official sample ------------------------------------------------------------------ */

Test(dora_sample, official_layout_reads_and_its_random_references_fail)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, FIXTURES "/eba-sample.zip", &o);
    expect_failed(&r);
    /* Every closed-list value and every column is right; only the random
     * identifiers do not point anywhere: 3 per B_02.02 row, 2 per B_02.03 row,
     * 3 per B_05.02 row, 2 per B_07.01 row - two rows each. */
    expect_counts(&r, 20, 10);
    expect_diag(&r, "reports/b_02.02.csv:2:1: unknown arrangement 'tyivioyi': not in reports/b_02.01.csv");
    expect_diag(&r, "reports/b_02.02.csv:2:3: unknown provider 'mzwypstd': not in reports/b_05.01.csv");
    expect_diag(&r, "reports/b_02.02.csv:3:4: unknown function 'nmucnrfi' of entity 'pqcqigry': "
                    "not in reports/b_06.01.csv");
    expect_diag(&r, "reports/b_02.03.csv:3:2: unknown arrangement 'ohgumuxf': not in reports/b_02.01.csv");
    expect_diag(&r, "reports/b_05.02.csv:2:4: unknown recipient 'kfwtckmt': not in reports/b_05.01.csv");
    expect_diag(&r, "reports/b_07.01.csv:3:2: unknown provider 'rzrrpzzs': not in reports/b_05.01.csv");
    /* Warnings about data the graph does not use. */
    expect_diag(&r, "reports/b_01.03.csv:2:2: warning: unknown head office 'kvgzdhpz': not in "
                    "reports/b_01.02.csv");
    expect_diag(&r, "reports/b_02.01.csv:3:4: warning: unknown overarching arrangement 'deetestm': "
                    "not in reports/b_02.01.csv");
    expect_diag(&r, "reports/b_04.01.csv:3:3: warning: unknown branch 'lcyrxent': not in "
                    "reports/b_01.03.csv");
    expect_diag(&r, "reports/b_05.01.csv:2:3: warning: ultimate parent 'ghnebhdm' is not in "
                    "reports/b_05.01.csv (kept as a label)");
    cr_assert_str_eq(r.err.message, "unknown arrangement 'tyivioyi': not in reports/b_02.01.csv");
    release(&r);
}

/* ---- the hand-built package ----------------------------------------------------------------- */

/*
 * bank/: Example Bank AG, refPeriod 2024-12-31.
 *
 * Functions (B_06.01), criticality = base(c0050) + bonus(c0100):
 *   F1 Payments   critical x28 (3) + high x793 (2)   = 5, RTO 4 h
 *   F2 Lending    critical x28 (3) + medium x792 (1) = 4, RTO 24 h
 *   F3 Marketing  not critical x29 (1) + low (0)     = 1, RTO 168 h     total 10
 * Arrangements (B_02.02 live rows):
 *   C-1  PAYCO    S19 SaaS  -> F1
 *   C-2  CLOUDCO  S17 IaaS  -> F1, F2, F3;  S18 PaaS -> F2   (subsequent of FW-1)
 *   C-4  NETCO    S10 telecom -> F2
 *   IG-1 GROUPIT  S14 (intra-group: B_03.03, B_02.03, and GROUPIT is in B_01.02) -> F1, F2
 *   C-9  OLDCO    ended (c0090 x4): dropped;  FW-1: overarching, no B_02.02 row
 * Supply chains (B_05.02):
 *   (C-1,S19) rank 1 PAYCO; rank 2 HOSTCO <- PAYCO, NETCO <- PAYCO; rank 3 FIBRECO <- NETCO
 *   (C-2,S17) rank 1 CLOUDCO (c0060 repeats it); rank 2 FIBRECO <- CLOUDCO
 * Intra-group link (B_02.03): IG-1 -> C-2: GROUPIT depends on CLOUDCO.
 *
 * Edges (provider level):
 *   F1->PAYCO S19, F1->CLOUDCO S17, F1->GROUPIT intra-group:S14,
 *   F2->CLOUDCO S17+S18, F2->NETCO S10, F2->GROUPIT intra-group:S14, F3->CLOUDCO S17,
 *   PAYCO->HOSTCO, PAYCO->NETCO, NETCO->FIBRECO, CLOUDCO->FIBRECO (subcontract),
 *   GROUPIT->CLOUDCO (intra-group-link)                                    12 edges
 *
 * FIBRECO (the rank-3 subcontractor, also rank 2 behind CLOUDCO): everything
 * fails with it.  Ancestors: CLOUDCO, NETCO, PAYCO (via NETCO), GROUPIT (via
 * CLOUDCO), F1, F2, F3 -> dependants 7, functions 3, exposure 10, impact 3,
 * impact_weight 10 (share 1); tier 2 (F2->NETCO->FIBRECO); direct dependants
 * CLOUDCO and NETCO (2); tier-1 dependants CLOUDCO, NETCO, PAYCO, GROUPIT (4).
 * HOSTCO: ancestors PAYCO, F1 -> dependants 2, impact 1 (F1), weight 5, tier 2.
 * NETCO: direct dependants F2, PAYCO; dependants F2, PAYCO, F1 (3); impact
 * 2 (F1 through PAYCO, F2), weight 9.
 */
Test(dora_bank, maps_functions_providers_and_subcontractors)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    expect_counts(&r, 0, 0);
    static const char *const order[] = { "F1", "F2", "F3", GROUPIT, "CLOUDCO", "FIBRECO",
                                         "HOSTCO", "NETCO", "PAYCO" };
    cr_assert_eq(crisk_inventory_node_count(r.inv), 9);
    for (size_t v = 0; v < 9; v++)
        cr_assert_str_eq(crisk_inventory_node_id(r.inv, v), order[v], "node %zu", v);
    cr_assert_eq(crisk_inventory_edge_count(r.inv), 12);
    expect_edge(&r, "F1", "PAYCO", "S19");
    expect_edge(&r, "F1", "CLOUDCO", "S17");
    expect_edge(&r, "F1", GROUPIT, "intra-group:S14");
    expect_edge(&r, "F2", "CLOUDCO", "S17+S18");
    expect_edge(&r, "F2", "NETCO", "S10");
    expect_edge(&r, "F2", GROUPIT, "intra-group:S14");
    expect_edge(&r, "F3", "CLOUDCO", "S17");
    expect_edge(&r, "PAYCO", "HOSTCO", "subcontract");
    expect_edge(&r, "PAYCO", "NETCO", "subcontract");
    expect_edge(&r, "NETCO", "FIBRECO", "subcontract");
    expect_edge(&r, "CLOUDCO", "FIBRECO", "subcontract");
    expect_edge(&r, GROUPIT, "CLOUDCO", "intra-group-link");
    cr_assert(!has_node(&r, "OLDCO") && !has_node(&r, "HYPERGROUP"));
    release(&r);
}

Test(dora_bank, maps_node_attributes)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    crisk_node_view f1 = view(&r, "F1"), f2 = view(&r, "F2"), f3 = view(&r, "F3");
    cr_assert_str_eq(f1.name, "Payments");
    cr_assert_eq(f1.type, CRISK_NODE_FUNCTION);
    cr_assert_float_eq(f1.criticality, 5.0, 1e-12);
    cr_assert_float_eq(f2.criticality, 4.0, 1e-12);
    cr_assert_float_eq(f3.criticality, 1.0, 1e-12);
    cr_assert_float_eq(f1.rto_hours, 4.0, 1e-12);
    cr_assert_float_eq(f3.rto_hours, 168.0, 1e-12);
    cr_assert(isnan(f1.recovery_hours));
    size_t rpo = 0;
    while (rpo < crisk_inventory_attr_count(r.inv)
           && strcmp(crisk_inventory_attr_name(r.inv, rpo), "rpo_hours") != 0)
        rpo++;
    cr_assert_str_eq(crisk_inventory_node_attr(r.inv, node(&r, "F2"), rpo), "8");

    /* CloudCo: expense from c0100; two cloud services; least substitutable
     * of S17 (x959 none) and S18 (x961 medium); parent from c0110. */
    crisk_node_view c = view(&r, "CLOUDCO");
    cr_assert_str_eq(c.name, "CloudCo Inc.");
    cr_assert_eq(c.category, CRISK_CAT_CLOUD);
    cr_assert_float_eq(c.spend, 380000.0, 1e-9);
    cr_assert_str_eq(c.country, "US");
    cr_assert_str_eq(c.parent, "HYPERGROUP");
    cr_assert_eq(c.substitutability, CRISK_SUBST_NONE);
    /* PayCo: no c0100, so the expense of its live arrangement C-1; its own
     * code as parent; SaaS is software. */
    crisk_node_view p = view(&r, "PAYCO");
    cr_assert_float_eq(p.spend, 250000.0, 1e-9);
    cr_assert_str_eq(p.parent, "PAYCO");
    cr_assert_eq(p.category, CRISK_CAT_SOFTWARE);
    cr_assert_eq(p.substitutability, CRISK_SUBST_HARD);
    /* HostCo: Greek legal name, Latin name in c0060; a subcontractor only:
     * category other, no spend, not assessed. */
    crisk_node_view h = view(&r, "HOSTCO");
    cr_assert_str_eq(h.name, "HostCo S.A.");
    cr_assert_str_eq(h.country, "GR");
    cr_assert_eq(h.category, CRISK_CAT_OTHER);
    cr_assert(isnan(h.spend));
    cr_assert_eq(h.substitutability, CRISK_SUBST_UNSET);
    crisk_node_view n = view(&r, "NETCO"), g = view(&r, GROUPIT);
    cr_assert_eq(n.category, CRISK_CAT_TELECOM);
    cr_assert_eq(n.substitutability, CRISK_SUBST_EASY);
    cr_assert_float_eq(n.spend, 60000.0, 1e-9);
    cr_assert_eq(g.category, CRISK_CAT_MANAGED_SERVICE);
    cr_assert_float_eq(g.spend, 120000.0, 1e-9);
    release(&r);
}

Test(dora_bank, records_the_mapping_and_what_it_dropped_as_notes)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, BANK_PKG, &o);
    expect_loaded(&r);
    expect_note(&r, "dora mapping: provider level, chains=provider, criticality: critical=3,"
                    "not-assessed=2,not-critical=1,high=+2,medium=+1,low=+0,impact-not-assessed=+0");
    expect_note(&r, "dora package: " BANK_PKG ", refPeriod 2024-12-31");
    expect_note(&r, "dora: 1 ended B_02.02 row dropped; ended arrangements: C-9");
    expect_note(&r, "dora: arrangements without a service in B_02.02 (no edge): FW-1");
    expect_note(&r, "dora: B_05.01 rows used by nothing (not nodes): OLDCO, HYPERGROUP");
    release(&r);
}

Test(dora_bank, registers_the_package_and_each_member_as_sources)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    /* The package, then the 13 tables read (B_01.01, B_03.01, B_03.02 and
     * B_99.01 are only looked for). */
    cr_assert_eq(crisk_inventory_source_count(r.inv), 14);
    crisk_source_view s;
    crisk_inventory_source(r.inv, 0, &s);
    cr_assert_str_eq(s.path, BANK_PKG);
    cr_assert_str_eq(s.kind, "dora-package");
    cr_assert_eq(s.rows, 13);
    crisk_inventory_source(r.inv, 6, &s);
    cr_assert_str_eq(s.path, "reports/b_02.02.csv");
    cr_assert_str_eq(s.kind, "dora");
    cr_assert_eq(s.rows, 9);
    char sha[65];
    struct stat st;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_sha256_file(sha, BANK_PKG "/reports/b_02.02.csv", &err), CRISK_OK);
    stat(BANK_PKG "/reports/b_02.02.csv", &st);
    cr_assert_str_eq(s.sha256, sha);
    cr_assert_eq(s.bytes, (uint64_t)st.st_size);
    release(&r);
}

Test(dora_bank, metrics_of_the_subcontractors_match_the_hand_worked_answers)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, r.inv, NULL, &err), CRISK_OK);
    cr_assert_float_eq(crisk_analysis_total_criticality(a), 10.0, 1e-12);

    const crisk_node_metrics *f = crisk_analysis_metrics(a, node(&r, "FIBRECO"));
    cr_assert_eq(f->tier, 2);
    cr_assert_eq(f->direct_dependants, 2);
    cr_assert_eq(f->dependants, 7);
    cr_assert_eq(f->functions, 3);
    cr_assert_float_eq(f->exposure, 10.0, 1e-12);
    cr_assert_eq(f->impact, 3);
    cr_assert_float_eq(f->impact_weight, 10.0, 1e-12);
    cr_assert_float_eq(f->impact_share, 1.0, 1e-12);
    cr_assert_eq(f->tier1_dependants, 4);

    const crisk_node_metrics *h = crisk_analysis_metrics(a, node(&r, "HOSTCO"));
    cr_assert_eq(h->tier, 2);
    cr_assert_eq(h->dependants, 2);
    cr_assert_eq(h->impact, 1);
    cr_assert_float_eq(h->impact_weight, 5.0, 1e-12);
    cr_assert_eq(h->tier1_dependants, 1);

    const crisk_node_metrics *n = crisk_analysis_metrics(a, node(&r, "NETCO"));
    cr_assert_eq(n->tier, 1);
    cr_assert_eq(n->direct_dependants, 2);
    cr_assert_eq(n->dependants, 3);
    cr_assert_eq(n->impact, 2);
    cr_assert_float_eq(n->impact_weight, 9.0, 1e-12);

    /* Shared Nth parties: only FIBRECO sits behind two or more direct
     * providers. */
    uint32_t *shared = NULL;
    size_t count = 0;
    cr_assert_eq(crisk_analysis_shared(a, 2, &shared, &count, &err), CRISK_OK);
    cr_assert_eq(count, 1);
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, shared[0]), "FIBRECO");
    free(shared);
    /* F3 (marketing) fails only through CloudCo and FibreCo. */
    const uint32_t *spofs = crisk_analysis_spofs(a, node(&r, "F3"), &count);
    cr_assert_eq(count, 2);
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, spofs[0]), "CLOUDCO");
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, spofs[1]), "FIBRECO");
    crisk_analysis_free(a);
    release(&r);
}

/*
 * --service-nodes --chains service: one node per live (arrangement, type);
 * function -> service (uses-<reliance>), service -> provider (provided-by,
 * intra-group), each chain flattened under its service (subcontract-r<rank>),
 * and IG-1/S14 linked to every service of C-2 (none has type S14).
 */
Test(dora_bank, service_mode_hangs_chains_under_their_services)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    o.dora_service_nodes = 1;
    o.dora_chains_service = 1;
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    expect_counts(&r, 0, 0);
    cr_assert_eq(crisk_inventory_node_count(r.inv), 14);
    cr_assert_eq(crisk_inventory_edge_count(r.inv), 19);
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, 9), "C-1/S19");
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, 13), "IG-1/S14");
    crisk_node_view s = view(&r, "C-2/S18");
    cr_assert_str_eq(s.name, "C-2 Cloud services: PaaS (CloudCo Inc.)");
    cr_assert_eq(s.type, CRISK_NODE_SERVICE);
    cr_assert_eq(s.category, CRISK_CAT_CLOUD);
    /* its provider's group and country; where it is provided, an attribute */
    cr_assert_str_eq(s.parent, "HYPERGROUP");
    cr_assert_str_eq(s.country, "US");
    cr_assert_str_eq(attr(&r, "C-2/S18", "provision_country"), "IE");
    cr_assert_eq(s.substitutability, CRISK_SUBST_MEDIUM);
    expect_edge(&r, "F1", "C-1/S19", "uses-full");
    expect_edge(&r, "F2", "C-2/S18", "uses-low");
    expect_edge(&r, "C-1/S19", "PAYCO", "provided-by");
    expect_edge(&r, "C-1/S19", "HOSTCO", "subcontract-r2");
    expect_edge(&r, "C-1/S19", "FIBRECO", "subcontract-r3");
    expect_edge(&r, "C-2/S17", "FIBRECO", "subcontract-r2");
    expect_edge(&r, "IG-1/S14", GROUPIT, "intra-group");
    expect_edge(&r, "IG-1/S14", "C-2/S17", "intra-group-link");
    expect_edge(&r, "IG-1/S14", "C-2/S18", "intra-group-link");
    /* Precise: NetCo is a SPOF of F1 only through the C-1 chain, not of F3. */
    cr_assert_null(edge_kind(&r, "PAYCO", "NETCO"));
    expect_note(&r, "dora mapping: service nodes, chains=service, criticality: critical=3,"
                    "not-assessed=2,not-critical=1,high=+2,medium=+1,low=+0,impact-not-assessed=+0");
    release(&r);
}

/* With service nodes a direct provider sits behind its own services (tier
 * 2): they must not make it a "shared Nth party", nor count as parents of
 * their own in concentration (docs/dora.md §2, docs/metrics.md "Own
 * services"). */
Test(dora_bank, services_belong_to_their_providers_group)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    o.dora_service_nodes = 1;
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, r.inv, NULL, &err), CRISK_OK, "%s", err.message);
    /* CloudCo: its services C-2/S17 and C-2/S18 are its own; IG-1/S14 (the
     * group's IT company, linked to CloudCo in B_02.03) is not.  NetCo:
     * C-4/S10 is its own; C-1/S19 reaches it through PayCo's chain. */
    cr_expect_eq(crisk_analysis_metrics(a, node(&r, "CLOUDCO"))->tier1_dependants, 1);
    cr_expect_eq(crisk_analysis_metrics(a, node(&r, "NETCO"))->tier1_dependants, 1);
    cr_expect_eq(crisk_analysis_metrics(a, node(&r, "FIBRECO"))->tier1_dependants, 5);
    uint32_t *shared = NULL;
    size_t n = 0;
    cr_assert_eq(crisk_analysis_shared(a, 2, &shared, &n, &err), CRISK_OK);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(crisk_inventory_node_id(r.inv, shared[0]), "FIBRECO");
    free(shared);
    crisk_concentration *c = NULL;
    cr_assert_eq(crisk_concentration_compute(&c, a, CRISK_BY_PARENT, &err), CRISK_OK);
    size_t k = 0;
    const crisk_share *rows = crisk_concentration_shares(c, &k);
    char got[512] = "";
    for (size_t i = 0, len = 0; i < k; i++)
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s:%zu", i ? " " : "",
                                rows[i].entity, rows[i].providers);
    cr_expect_str_eq(got, "HYPERGROUP:3 PAYCO:2 529900GROUPITEXMPL02:2 NETCO:2 FIBRECO:1 "
                          "HOSTCO:1");
    crisk_concentration_free(c);
    crisk_analysis_free(a);
    release(&r);
}

Test(dora_bank, service_nodes_with_provider_chains)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    o.dora_service_nodes = 1;
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    expect_edge(&r, "C-4/S10", "NETCO", "provided-by");
    expect_edge(&r, "PAYCO", "NETCO", "subcontract");
    cr_assert_null(edge_kind(&r, "C-1/S19", "NETCO"));
    release(&r);
}

Test(dora_bank, zip_folder_and_parent_folder_give_identical_models)
{
    char dir[256], zip_nested[512], zip_root[512];
    scratch(dir, sizeof dir);
    snprintf(zip_nested, sizeof zip_nested, "%s/nested.zip", dir);
    snprintf(zip_root, sizeof zip_root, "%s/root.zip", dir);
    make_zip(zip_nested, BANK_DIR, "");
    make_zip(zip_root, BANK_PKG, "");
    const char *paths[] = { BANK_DIR, BANK_PKG, zip_nested, zip_root };
    char *model[4], *ranked[4], members[4][4096];
    crisk_load_options o = defaults();
    for (int i = 0; i < 4; i++) {
        run r = { 0 };
        load_path(&r, paths[i], &o);
        expect_loaded(&r);
        model[i] = model_text(r.inv);
        ranked[i] = tl_rank_csv(r.inv);
        /* A member's digest, size and rows are of its bytes (inflated from
         * a zip as it is parsed), the same as the unpacked file's. */
        size_t len = 0;
        for (size_t k = 1; k < crisk_inventory_source_count(r.inv); k++) {
            crisk_source_view m;
            crisk_inventory_source(r.inv, k, &m);
            cr_assert_eq(strlen(m.sha256), 64u, "%s", m.path);
            len += (size_t)snprintf(members[i] + len, sizeof members[i] - len, "%s %s %llu %zu\n",
                                    m.path, m.sha256, (unsigned long long)m.bytes, m.rows);
        }
        /* Members are named alike whatever holds them; only the package
         * entry says where the package was. */
        crisk_source_view s;
        crisk_inventory_source(r.inv, 1, &s);
        cr_assert_str_eq(s.path, "reports/parameters.csv");
        crisk_inventory_source(r.inv, 0, &s);
        cr_assert_eq(strlen(s.sha256), i >= 2 ? 64u : 0u);
        release(&r);
    }
    for (int i = 1; i < 4; i++) {
        cr_assert_str_eq(members[i], members[0], "members of %s", paths[i]);
        cr_assert_str_eq(model[i], model[0], "model of %s", paths[i]);
        cr_assert_str_eq(ranked[i], ranked[0], "rank CSV of %s", paths[i]);
        free(model[i]);
        free(ranked[i]);
    }
    free(model[0]);
    free(ranked[0]);
    remove_tree(dir);
}

/* Reordering rows and columns changes nothing: keys are by name, and nodes
 * and edges are sorted by id (mapping §0.3). */
Test(dora_bank, row_and_column_order_do_not_change_the_model)
{
    char dir[256], pkg[512];
    scratch(dir, sizeof dir);
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    copy_tree(BANK_PKG, pkg);
    const char *files[] = { "b_02.02.csv", "b_05.01.csv", "b_05.02.csv", "b_06.01.csv" };
    for (size_t i = 0; i < 4; i++) {
        /* Reverse the data rows, and rotate the columns by one. */
        char path[1024], lines[32][2048];
        snprintf(path, sizeof path, "%s/reports/%s", pkg, files[i]);
        FILE *f = fopen(path, "rb");
        size_t n = 0;
        while (n < 32 && fgets(lines[n], sizeof lines[n], f) != NULL)
            n++;
        fclose(f);
        f = fopen(path, "wb");
        for (size_t k = 0; k < n; k++) {
            char *line = lines[k == 0 ? 0 : n - k];
            line[strcspn(line, "\r\n")] = '\0';
            char *comma = strchr(line, ',');
            *comma = '\0';
            fprintf(f, "%s,%s\r\n", comma + 1, line);
        }
        fclose(f);
    }
    crisk_load_options o = defaults();
    run a = { 0 }, b = { 0 };
    load_path(&a, BANK_PKG, &o);
    load_path(&b, pkg, &o);
    expect_loaded(&a);
    expect_loaded(&b);
    char *ta = model_text(a.inv), *tb = model_text(b.inv);
    cr_assert_str_eq(tb, ta);
    free(ta);
    free(tb);
    release(&a);
    release(&b);
    remove_tree(dir);
}

/* B_06.01 with functions of two entities: every function id is LEI/Fn, and
 * B_02.02 rows find theirs by (c0050, c0020). */
Test(dora_bank, functions_of_several_entities_are_prefixed_with_their_lei)
{
    run r;
    load_case(&r, "two_entities");
    expect_loaded(&r);
    expect_counts(&r, 0, 0);
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, 0), "529900BANKEXAMPLE001/F1");
    cr_assert_str_eq(crisk_inventory_node_id(r.inv, 3), "529900SECONDENTITY03/F1");
    expect_edge(&r, "529900SECONDENTITY03/F1", "NETCO", "S10");
    expect_edge(&r, "529900BANKEXAMPLE001/F1", "PAYCO", "S19");
    cr_assert(!has_node(&r, "F1"));
    cr_assert_float_eq(view(&r, "529900SECONDENTITY03/F1").criticality, 4.0, 1e-12);
    release(&r);
}

/* ---- options ------------------------------------------------------------------------------ */

Test(dora_options, criticality_override_applies_left_to_right)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    o.dora_criticality = "critical=5, other=1, impact=0, high=1.5";
    load_path(&r, BANK_DIR, &o);
    expect_loaded(&r);
    cr_assert_float_eq(view(&r, "F1").criticality, 6.5, 1e-12);   /* 5 + high 1.5 */
    cr_assert_float_eq(view(&r, "F2").criticality, 5.0, 1e-12);   /* 5 + medium 0 */
    cr_assert_float_eq(view(&r, "F3").criticality, 1.0, 1e-12);   /* not-critical 1 + low 0 */
    expect_note(&r, "dora mapping: provider level, chains=provider, criticality: critical=5,"
                    "not-assessed=1,not-critical=1,high=+1.5,medium=+0,low=+0,impact-not-assessed=+0");
    release(&r);
}

Test(dora_options, bad_criticality_spec_is_a_usage_error)
{
    static const char *const specs[][2] = {
        { "critical=5,urgent=9", "invalid --criticality 'critical=5,urgent=9': unknown key 'urgent'" },
        { "critical=-1", "invalid --criticality 'critical=-1': not a number >= 0: '-1'" },
        { "critical", "invalid --criticality 'critical': no '=' in 'critical'" },
        { "", "invalid --criticality '': empty (expected KEY=NUMBER" },
        { "high=1000001", "invalid --criticality 'high=1000001': more than 1000000: '1000001'" },
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        run r = { 0 };
        crisk_load_options o = defaults();
        o.dora_criticality = specs[i][0];
        load_path(&r, BANK_DIR, &o);
        cr_assert_eq(r.rc, CRISK_EUSAGE);
        cr_assert_null(r.inv);
        cr_assert(strncmp(r.err.message, specs[i][1], strlen(specs[i][1])) == 0,
                  "got: %s", r.err.message);
        release(&r);
    }
}

Test(dora_options, chains_service_needs_service_nodes)
{
    run r = { 0 };
    crisk_load_options o = defaults();
    o.dora_chains_service = 1;
    load_path(&r, BANK_DIR, &o);
    cr_assert_eq(r.rc, CRISK_EUSAGE);
    cr_assert_str_eq(r.err.message, "--chains service needs --service-nodes (the chains hang "
                                    "under service nodes)");
    release(&r);
}

/* ---- the package -------------------------------------------------------------------------- */

Test(dora_package, a_folder_without_a_package_is_explained)
{
    char dir[256];
    scratch(dir, sizeof dir);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, dir, &o);
    expect_failed(&r);
    char want[1024];
    snprintf(want, sizeof want, "%s: no nodes.csv (native inventory) and no reports/ folder "
             "(DORA report package) here or in a sub-folder", dir);
    expect_diag(&r, want);
    release(&r);
    remove_tree(dir);
}

Test(dora_package, two_packages_in_one_folder_or_zip_are_refused)
{
    char dir[256], a[512], b[512], zip[512], want[1024];
    scratch(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    copy_tree(BANK_PKG, a);
    copy_tree(BANK_PKG, b);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, dir, &o);
    expect_failed(&r);
    snprintf(want, sizeof want, "%s: several DORA report packages here ('a', 'b'): give one", dir);
    expect_diag(&r, want);
    release(&r);
    snprintf(zip, sizeof zip, "%s.zip", dir);
    make_zip(zip, dir, "");
    load_path(&r, zip, &o);
    expect_failed(&r);
    snprintf(want, sizeof want, "%s: several DORA report packages in the zip ('a/reports/', "
             "'b/reports/'): give one", zip);
    expect_diag(&r, want);
    release(&r);
    unlink(zip);
    remove_tree(dir);
}

Test(dora_package, a_broken_zip_is_an_error_not_a_crash)
{
    char dir[256], path[512], want[1024];
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/broken.zip", dir);
    write_file(path, "PK\003\004 this is not really a zip archive");
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, path, &o);
    expect_failed(&r);
    snprintf(want, sizeof want, "%s: not a valid zip archive: Not a zip archive", path);
    expect_diag(&r, want);
    release(&r);
    remove_tree(dir);
}

Test(dora_package, a_corrupt_member_is_reported_under_its_package_name)
{
    char dir[256], path[512];
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bank.zip", dir);
    make_zip(path, BANK_PKG, "");
    /* Flip bytes inside b_02.02.csv's compressed data, found after its
     * local header ("PK\3\4", 26 bytes, the name, the extra field). */
    FILE *f = fopen(path, "r+b");
    long data = 0;
    for (long off = 0; data == 0; off++) {
        unsigned char h[30 + 19];
        fseek(f, off, SEEK_SET);
        cr_assert_eq(fread(h, 1, sizeof h, f), sizeof h, "member not found");
        if (memcmp(h, "PK\003\004", 4) == 0 && memcmp(h + 30, "reports/b_02.02.csv", 19) == 0)
            data = off + 30 + 19 + (h[28] | h[29] << 8);
    }
    fseek(f, data + 8, SEEK_SET);
    fputc(0xff, f);
    fputc(0x00, f);
    fputc(0xff, f);
    fclose(f);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, path, &o);
    expect_failed(&r);
    cr_assert_eq(r.diags.errors, 1);
    cr_assert_str_eq(r.diags.items[0].file, "reports/b_02.02.csv");
    cr_assert(strncmp(r.diags.items[0].message, "cannot read it from the zip archive: ", 37) == 0,
              "%s", r.diags.items[0].message);
    release(&r);
    remove_tree(dir);
}

/* Problems the CSV reader finds in a zip member: named like the member,
 * all counted even past the stored limit. */
Test(dora_package, reader_problems_in_a_zip_member_keep_their_counts)
{
    char dir[256], pkg[512], path[1024], zip[512];
    scratch(dir, sizeof dir);
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    copy_tree(BANK_PKG, pkg);
    const char *files[] = { "b_99.01.csv", "b_07.01.csv" };
    for (size_t k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/reports/%s", pkg, files[k]);
        FILE *f = fopen(path, "ab");
        for (int i = 0; i < 70; i++)
            fputs("a,b\r\n", f);
        fclose(f);
    }
    snprintf(zip, sizeof zip, "%s/pkg.zip", dir);
    make_zip(zip, pkg, "");
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, zip, &o);
    expect_failed(&r);
    cr_assert_eq(r.diags.errors, 70);           /* b_99.01 is not read */
    cr_assert_eq(r.diags.stored_errors, CRISK_DIAGNOSTICS_LIMIT);
    expect_diag(&r, "reports/b_07.01.csv:8:0: expected 12 fields, found 2");
    release(&r);
    remove_tree(dir);
}

/* ---- zip bombs, names given twice, links out of the package --------------------------- */

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Zip `pkg`/reports/ in name order as "pkg/reports/NAME" (deflated, libzip's
 * default), so entry numbers are known: entry i+1 is the i-th name. */
static void make_zip_sorted(const char *zip_path, const char *pkg)
{
    char reports[1024], *names[64];
    size_t n = 0;
    snprintf(reports, sizeof reports, "%s/reports", pkg);
    DIR *d = opendir(reports);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && n < 64)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_string);
    int code = 0;
    zip_t *z = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    cr_assert_not_null(z);
    for (size_t i = 0; i < n; i++) {
        char path[2048], name[512];
        snprintf(path, sizeof path, "%s/%s", reports, names[i]);
        snprintf(name, sizeof name, "pkg/reports/%s", names[i]);
        zip_source_t *src = zip_source_file(z, path, 0, -1);
        cr_assert_not_null(src);
        cr_assert_geq(zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8), 0, "%s", zip_strerror(z));
        free(names[i]);
    }
    cr_assert_eq(zip_close(z), 0, "%s", zip_strerror(z));
}

/* Rewrite what the archive says of member `name` in its local and central
 * headers: its uncompressed size (if `size` >= 0) and the last byte of its
 * name (if `last` is not 0).  What libzip cannot be made to write: an
 * archive that lies about a size, or holds one name twice. */
static void patch_member(const char *zip_path, const char *name, long size, char last)
{
    FILE *f = fopen(zip_path, "r+b");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    unsigned char *b = malloc((size_t)len);
    fseek(f, 0, SEEK_SET);
    cr_assert_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    size_t nlen = strlen(name), patched = 0;
    for (long i = 0; i + 46 + (long)nlen <= len; i++) {
        int local = memcmp(b + i, "PK\003\004", 4) == 0, central = memcmp(b + i, "PK\001\002", 4) == 0;
        long at = local ? i + 30 : i + 46;
        if (!(local || central))
            continue;
        size_t name_len = (size_t)(b[i + (local ? 26 : 28)] | b[i + (local ? 27 : 29)] << 8);
        if (name_len != nlen || memcmp(b + at, name, nlen) != 0)
            continue;
        long size_at = i + (local ? 22 : 24);
        for (int k = 0; size >= 0 && k < 4; k++)
            b[size_at + k] = (unsigned char)(size >> (8 * k));
        if (last != 0)
            b[at + (long)nlen - 1] = (unsigned char)last;
        patched++;
    }
    cr_assert_eq(patched, 2, "%s: %zu headers patched", name, patched);
    fseek(f, 0, SEEK_SET);
    fwrite(b, 1, (size_t)len, f);
    fclose(f);
    free(b);
}

/* The compressed size libzip gave member `name`. */
static unsigned long long compressed_size(const char *zip_path, const char *name)
{
    int code = 0;
    zip_t *z = zip_open(zip_path, ZIP_RDONLY, &code);
    cr_assert_not_null(z);
    zip_stat_t st;
    cr_assert_eq(zip_stat(z, name, 0, &st), 0);
    zip_discard(z);
    return (unsigned long long)st.comp_size;
}

/* The bank package in `dir`/pkg with b_02.01.csv followed by 2 MiB of
 * blank lines (a valid table: blank lines are skipped), zipped to
 * `dir`/bomb.zip; returns the member's inflated size. */
static size_t make_bomb(const char *dir, char *zip, size_t zip_size)
{
    char pkg[512], path[1024];
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    copy_tree(BANK_PKG, pkg);
    snprintf(path, sizeof path, "%s/reports/b_02.01.csv", pkg);
    FILE *f = fopen(path, "ab");
    long head = ftell(f);
    for (int i = 0; i < 2 << 20; i++)
        fputc('\n', f);
    fclose(f);
    snprintf(zip, zip_size, "%s/bomb.zip", dir);
    make_zip_sorted(zip, pkg);
    return (size_t)head + (2u << 20);
}

/* A member that inflates beyond 100 times its compressed size is refused
 * on the size the archive declares, before a byte is inflated (the first
 * version inflated a 1 GiB member into a temporary file). */
Test(dora_package, a_member_over_the_compression_ratio_is_refused_unread)
{
    char dir[256], zip[512], want[512];
    scratch(dir, sizeof dir);
    size_t size = make_bomb(dir, zip, sizeof zip);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, zip, &o);
    expect_failed(&r);
    snprintf(want, sizeof want, "reports/b_02.01.csv: compression ratio over 100:1 (%llu bytes "
             "inflate to %zu): refused as a possible zip bomb",
             compressed_size(zip, "pkg/reports/b_02.01.csv"), size);
    expect_diag(&r, want);
    expect_counts(&r, 1, 0);
    release(&r);
    remove_tree(dir);
}

/* Declared sizes are the archive's word: one that understates is caught
 * on the bytes inflated, once past the first MiB. */
Test(dora_package, a_member_that_understates_its_size_is_stopped_while_inflating)
{
    char dir[256], zip[512], want[512];
    scratch(dir, sizeof dir);
    make_bomb(dir, zip, sizeof zip);
    patch_member(zip, "pkg/reports/b_02.01.csv", 300, 0);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, zip, &o);
    expect_failed(&r);
    snprintf(want, sizeof want, "reports/b_02.01.csv: compression ratio over 100:1 (%llu bytes "
             "inflate to more than 1048576): refused as a possible zip bomb",
             compressed_size(zip, "pkg/reports/b_02.01.csv"));
    expect_diag(&r, want);
    expect_counts(&r, 1, 0);
    release(&r);
    remove_tree(dir);
}

static int count_rows(void *ctx, crisk__csv_record *rec)
{
    (void)rec;
    ++*(size_t *)ctx;
    return CRISK_OK;
}

/* Read reports/`file` of the open package `p`: the one message it gives. */
static void expect_member_error(dora_package *p, const char *file, const char *want)
{
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    crisk__csv_info info;
    size_t rows = 0, errors = 0;
    char display[128], got[1024];
    snprintf(display, sizeof display, "reports/%s", file);
    const char *name = dora_package_find(p, file);
    cr_assert_not_null(name, "%s", file);
    cr_assert_eq(dora_package_read_csv(p, name, display, count_rows, &rows, &d, &info, &errors,
                                       &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(errors, 1, "%s: %zu errors", file, errors);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(crisk_diag_format(&d.items[0], got, sizeof got), want);
    crisk_diagnostics_release(&d);
}

/* The ratio limit starts past the first MiB: a small table may compress
 * as well as it likes (here 500 KB of blank lines, about 1000 to 1). */
Test(dora_package, a_small_member_may_compress_beyond_the_ratio)
{
    char dir[256], pkg[512], path[1024], zip[512];
    scratch(dir, sizeof dir);
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    copy_tree(BANK_PKG, pkg);
    snprintf(path, sizeof path, "%s/reports/b_04.01.csv", pkg);
    FILE *f = fopen(path, "ab");
    for (int i = 0; i < 500000; i++)
        fputc('\n', f);
    fclose(f);
    snprintf(zip, sizeof zip, "%s/small.zip", dir);
    make_zip_sorted(zip, pkg);
    cr_assert_gt(500000 / compressed_size(zip, "pkg/reports/b_04.01.csv"), 100);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, zip, &o);
    expect_loaded(&r);
    expect_counts(&r, 0, 0);
    release(&r);
    remove_tree(dir);
}

/* All members read from one zip may inflate to DORA_MAX_INFLATED bytes
 * (4 GiB: too much to inflate in a test, so the test lowers it): checked
 * on the declared sizes first, then on the bytes inflated. */
Test(dora_package, members_of_one_zip_inflate_to_a_bounded_total)
{
    char dir[256], zip[512];
    scratch(dir, sizeof dir);
    make_bomb(dir, zip, sizeof zip);
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    dora_package p;
    cr_assert_eq(dora_package_open(&p, zip, &d, &err), CRISK_OK);
    cr_assert_eq(p.limits.max_inflated, 4294967296ull);
    cr_assert_eq(p.limits.max_ratio, 100u);
    p.limits.max_ratio = 1000000;   /* only the total counts here */
    /* up to the limit exactly is within it, on the declared and the
     * inflated size; one byte more is not */
    int code = 0;
    zip_t *z = zip_open(zip, ZIP_RDONLY, &code);
    zip_stat_t st;
    cr_assert_eq(zip_stat(z, "pkg/reports/b_05.01.csv", 0, &st), 0);
    zip_discard(z);
    p.limits.max_inflated = st.size;
    size_t rows = 0, errors = 0;
    crisk__csv_info info;
    cr_assert_eq(dora_package_read_csv(&p, dora_package_find(&p, "b_05.01.csv"),
                                       "reports/b_05.01.csv", count_rows, &rows, &d, &info,
                                       &errors, &err), CRISK_OK);
    cr_assert_eq(errors, 0);
    cr_assert_eq(d.count, 0);
    cr_assert_eq(info.bytes, st.size);
    char want[256];
    snprintf(want, sizeof want, "reports/b_06.01.csv: the members read from the zip inflate to "
             "more than %llu bytes in all: refused as a possible zip bomb",
             (unsigned long long)st.size);
    expect_member_error(&p, "b_06.01.csv", want);
    dora_package_close(&p);
    cr_assert_eq(dora_package_open(&p, zip, &d, &err), CRISK_OK);
    p.limits.max_ratio = 1000000;
    p.limits.max_inflated = 1500;
    expect_member_error(&p, "b_02.01.csv", "reports/b_02.01.csv: the members read from the zip "
                        "inflate to more than 1500 bytes in all: refused as a possible zip bomb");
    dora_package_close(&p);
    patch_member(zip, "pkg/reports/b_02.01.csv", 300, 0);
    cr_assert_eq(dora_package_open(&p, zip, &d, &err), CRISK_OK);
    p.limits.max_ratio = 1000000;
    p.limits.max_inflated = 100000;
    expect_member_error(&p, "b_02.01.csv", "reports/b_02.01.csv: the members read from the zip "
                        "inflate to more than 100000 bytes in all: refused as a possible zip bomb");
    dora_package_close(&p);
    crisk_diagnostics_release(&d);
    remove_tree(dir);
}

/* unzip and Python read the last of two members of one name, libzip's
 * lookup the first: refused, naming both entries. */
Test(dora_package, a_zip_holding_a_file_twice_is_refused)
{
    char dir[256], pkg[512], path[1024], zip[512];
    scratch(dir, sizeof dir);
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    copy_tree(BANK_PKG, pkg);
    snprintf(path, sizeof path, "%s/reports/b_05.01.csw", pkg);
    write_file(path, "c0010\r\nEVIL\r\n");
    snprintf(zip, sizeof zip, "%s/twice.zip", dir);
    make_zip_sorted(zip, pkg);   /* ... b_05.01.csv (12), b_05.01.csw (13), ... */
    patch_member(zip, "pkg/reports/b_05.01.csw", -1, 'v');
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, zip, &o);
    expect_failed(&r);
    expect_diag(&r, "reports/b_05.01.csv: the zip holds this file twice (entries 12 and 13): "
                    "tools disagree on which copy to read");
    expect_counts(&r, 1, 0);
    release(&r);
    remove_tree(dir);
}

/* An unpacked package is files: a member that is a link (here to a file
 * outside the package), a FIFO or a directory is refused, never read. */
Test(dora_package, a_folder_member_that_is_no_regular_file_is_refused, .timeout = 60)
{
    char dir[256], pkg[512], path[1024], outside[512];
    scratch(dir, sizeof dir);
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    copy_tree(BANK_PKG, pkg);
    snprintf(outside, sizeof outside, "%s/outside.csv", dir);
    snprintf(path, sizeof path, "%s/reports/b_05.01.csv", pkg);
    copy_file(path, outside);
    unlink(path);
    cr_assert_eq(symlink(outside, path), 0);
    snprintf(path, sizeof path, "%s/reports/b_07.01.csv", pkg);
    unlink(path);
    cr_assert_eq(mkfifo(path, 0600), 0);
    snprintf(path, sizeof path, "%s/reports/b_02.03.csv", pkg);
    unlink(path);
    cr_assert_eq(mkdir(path, 0700), 0);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, pkg, &o);
    expect_failed(&r);
    expect_diag(&r, "reports/b_05.01.csv: not a regular file (a symbolic link)");
    expect_diag(&r, "reports/b_07.01.csv: not a regular file (a FIFO)");
    expect_diag(&r, "reports/b_02.03.csv: not a regular file (a directory)");
    expect_counts(&r, 3, 0);
    release(&r);
    remove_tree(dir);
}

/* Many folders each holding reports/: named in order whatever the order
 * in the archive, the first two and "..." (only three are ever kept). */
Test(dora_package, several_packages_in_a_zip_name_the_first_two)
{
    char dir[256], zip[512], want[1024];
    scratch(dir, sizeof dir);
    snprintf(zip, sizeof zip, "%s/many.zip", dir);
    int code = 0;
    zip_t *z = zip_open(zip, ZIP_CREATE | ZIP_TRUNCATE, &code);
    const char *folders[] = { "e", "c", "d", "b", "f" };
    for (size_t i = 0; i < 5; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s/reports/b_02.01.csv", folders[i]);
        zip_source_t *src = zip_source_buffer(z, "c0010\n", 6, 0);
        cr_assert_geq(zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8), 0);
    }
    cr_assert_eq(zip_close(z), 0);
    run r = { 0 };
    crisk_load_options o = defaults();
    load_path(&r, zip, &o);
    expect_failed(&r);
    snprintf(want, sizeof want, "%s: several DORA report packages in the zip ('b/reports/', "
             "'c/reports/', ...): give one", zip);
    expect_diag(&r, want);
    expect_counts(&r, 1, 0);
    release(&r);
    remove_tree(dir);
}

/* ---- structural errors (mapping §9): stop before reference checks ----------------------- */

Test(dora_rules, needed_table_missing)
{
    expect_only_error("missing_table",
                      "reports/b_06.01.csv: needed table B_06.01 (functions) is missing from the package");
}

Test(dora_rules, filing_indicator_true_but_file_missing)
{
    expect_only_error("filing_true_missing", "reports/FilingIndicators.csv:15:2: template B_07.01 "
                                             "is reported (true) but reports/b_07.01.csv is missing");
}

Test(dora_rules, needed_column_missing)
{
    expect_only_error("missing_column", "reports/b_05.02.csv:1:0: missing column c0050 (rank)");
}

Test(dora_rules, duplicate_header)
{
    expect_only_error("duplicate_column",
                      "reports/b_02.01.csv:1:6: duplicate column 'C0010' (also column 1)");
}

Test(dora_rules, invalid_utf8)
{
    expect_only_error("invalid_utf8",
                      "reports/b_05.01.csv:4:12: invalid UTF-8 in field (byte 0xff at offset 7)");
}

Test(dora_rules, unterminated_quote)
{
    expect_only_error("unterminated_quote", "reports/b_02.01.csv:8:2: unterminated quoted field");
}

Test(dora_rules, ragged_row)
{
    expect_only_error("ragged_row", "reports/b_07.01.csv:5:0: expected 12 fields, found 13");
}

/* ---- cell errors ---------------------------------------------------------------------------- */

Test(dora_rules, empty_key_and_needed_cells)
{
    run r;
    load_case(&r, "empty_keys");
    expect_failed(&r);
    static const char *const want[] = {
        "reports/b_02.02.csv:11:1: empty arrangement reference in c0010",
        "reports/b_02.02.csv:12:2: empty entity LEI in c0020",
        "reports/b_02.02.csv:13:3: empty provider code in c0030",   /* 'Not Applicable' */
        "reports/b_02.02.csv:14:4: empty function identifier in c0050",
        "reports/b_02.02.csv:15:5: empty ICT service type in c0060",
        "reports/b_05.01.csv:10:1: empty provider code in c0010",
        "reports/b_05.02.csv:8:1: empty arrangement reference in c0010",
        "reports/b_05.02.csv:9:2: empty ICT service type in c0020",
        "reports/b_05.02.csv:10:3: empty provider code in c0030",
        "reports/b_05.02.csv:11:5: empty rank in c0050",
        "reports/b_06.01.csv:5:2: empty function identifier in c0010",
        "reports/b_06.01.csv:6:1: empty entity LEI in c0040",
        "reports/b_07.01.csv:8:1: empty arrangement reference in c0010",
        "reports/b_07.01.csv:9:2: empty provider code in c0020",
        "reports/b_07.01.csv:10:3: empty ICT service type in c0040",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        expect_diag(&r, want[i]);
    expect_counts(&r, sizeof want / sizeof want[0], 0);
    release(&r);
}

Test(dora_rules, closed_list_values_must_be_members)
{
    run r;
    load_case(&r, "closed_lists");
    expect_failed(&r);
    expect_diag(&r, "reports/b_02.02.csv:6:5: unknown ICT service type 'eba_TA:S20' in c0060 "
                    "(expected eba_TA:S01 to eba_TA:S19)");
    expect_diag(&r, "reports/b_05.01.csv:4:5: unknown country 'FR' in c0080 (did you mean 'eba_GA:FR'?)");
    expect_diag(&r, "reports/b_06.01.csv:2:4: unknown licensed activity 'payment services' in c0020 "
                    "(expected eba_TA:x followed by a number, e.g. eba_TA:x163)");
    expect_diag(&r, "reports/b_06.01.csv:4:10: unknown criticality assessment 'eba_bt:x29' in c0050 "
                    "(did you mean 'eba_BT:x29'?)");
    expect_diag(&r, "reports/b_07.01.csv:5:11: unknown substitutability 'eba_ZZ:x958' in c0050 "
                    "(expected eba_ZZ:x959, eba_ZZ:x960, eba_ZZ:x961 or eba_ZZ:x962)");
    /* b_06.01.csv line 3 has 'eba_ZZ:x791 ' in c0100: trimmed, so valid. */
    expect_counts(&r, 5, 0);
    release(&r);
}

/* A two-letter code whose second character is no letter. */
Test(dora_rules, a_country_code_must_be_two_letters)
{
    expect_only_error("country_not_a_code",
                      "reports/b_05.01.csv:3:5: unknown country 'eba_GA:D1' in c0080 (expected "
                      "eba_GA: and an ISO 3166-1 alpha-2 code, eba_GA:x28 or eba_GA:qx2007)");
}

Test(dora_rules, dates_are_yyyy_mm_dd)
{
    expect_only_error("bad_date", "reports/b_02.02.csv:7:16: invalid end date '31/12/2027' in c0080 "
                                  "(expected a date yyyy-mm-dd)");
}

Test(dora_rules, ranks_notice_periods_and_rto_are_natural_numbers)
{
    run r;
    load_case(&r, "bad_natural");
    expect_failed(&r);
    expect_diag(&r, "reports/b_02.02.csv:2:14: invalid notice period for the entity '-5' in c0100 "
                    "(expected a natural number: 0, 1, 2, ...)");
    expect_diag(&r, "reports/b_05.02.csv:3:5: invalid rank 'two' in c0050 (expected a natural "
                    "number: 0, 1, 2, ...)");
    expect_diag(&r, "reports/b_06.01.csv:2:7: invalid recovery time objective '4.5' in c0080 "
                    "(expected a natural number: 0, 1, 2, ...)");
    expect_counts(&r, 3, 0);
    release(&r);
}

Test(dora_rules, amounts_are_decimal_numbers)
{
    run r;
    load_case(&r, "bad_amount");
    expect_failed(&r);
    expect_diag(&r, "reports/b_02.01.csv:3:2: invalid annual expense '250,000' in c0050 (expected "
                    "a decimal number such as 1500.50)");
    expect_diag(&r, "reports/b_05.01.csv:3:4: invalid annual expense '-380000' in c0100 (must be >= 0)");
    expect_counts(&r, 2, 0);
    release(&r);
}

Test(dora_rules, ref_period_is_a_date)
{
    expect_only_error("bad_ref_period",
                      "reports/parameters.csv:3:2: invalid refPeriod '31.12.2024' (expected a date yyyy-mm-dd)");
}

/* ---- uniqueness ------------------------------------------------------------------------------ */

Test(dora_rules, duplicate_provider_code)
{
    expect_only_error("duplicate_provider",
                      "reports/b_05.01.csv:10:1: duplicate provider code 'NETCO' (first on line 4)");
}

Test(dora_rules, duplicate_arrangement_reference)
{
    expect_only_error("duplicate_arrangement",
                      "reports/b_02.01.csv:8:1: duplicate arrangement reference 'C-4' (first on line 5)");
}

Test(dora_rules, duplicate_function_of_an_entity)
{
    expect_only_error("duplicate_function", "reports/b_06.01.csv:5:2: duplicate function 'F2' of "
                                            "entity '529900BANKEXAMPLE001' (first on line 3)");
}

Test(dora_rules, duplicate_assessment)
{
    expect_only_error("duplicate_assessment",
                      "reports/b_07.01.csv:8:1: duplicate assessment of arrangement 'C-4', provider "
                      "'NETCO', eba_TA:S10 (first on line 5)");
}

Test(dora_rules, duplicate_service_row_is_ignored_with_a_warning)
{
    expect_only_warning("duplicate_service_row",
                        "reports/b_02.02.csv:11:0: warning: duplicate row: same key as line 7 (ignored)");
}

Test(dora_rules, duplicate_chain_row_is_ignored_with_a_warning)
{
    expect_only_warning("duplicate_chain_row",
                        "reports/b_05.02.csv:8:0: warning: duplicate row: same key as line 4 (ignored)");
}

/* ---- references ------------------------------------------------------------------------------ */

Test(dora_rules, service_references)
{
    run r;
    load_case(&r, "service_refs");
    expect_failed(&r);
    expect_diag(&r, "reports/b_02.02.csv:11:1: unknown arrangement 'C-5': not in "
                    "reports/b_02.01.csv (did you mean 'C-1'?)");
    expect_diag(&r, "reports/b_02.02.csv:12:3: unknown provider 'NETC0': not in "
                    "reports/b_05.01.csv (did you mean 'NETCO'?)");
    expect_diag(&r, "reports/b_02.02.csv:13:4: unknown function 'F7' of entity "
                    "'529900BANKEXAMPLE001': not in reports/b_06.01.csv (did you mean 'F1'?)");
    expect_diag(&r, "reports/b_02.02.csv:15:3: arrangement 'C-4' names two providers for "
                    "eba_TA:S11: 'HOSTCO' here and 'NETCO' on line 14");
    expect_counts(&r, 4, 0);
    release(&r);
}

Test(dora_rules, supply_chain_references_and_ranks)
{
    run r;
    load_case(&r, "chain_refs");
    expect_failed(&r);
    static const char *const want[] = {
        "reports/b_05.02.csv:8:1: unknown arrangement 'C-7': not in reports/b_02.01.csv "
        "(did you mean 'C-1'?)",
        "reports/b_05.02.csv:9:3: unknown provider 'DATACO': not in reports/b_05.01.csv",
        "reports/b_05.02.csv:10:5: rank 0: ranks start at 1 (the direct provider)",
        "reports/b_05.02.csv:11:3: rank-1 provider 'HOSTCO' is not the provider of arrangement "
        "'C-4' for eba_TA:S10 ('NETCO' in reports/b_02.02.csv:7)",
        "reports/b_05.02.csv:12:4: empty recipient code in c0060 (required from rank 2: the "
        "provider at rank 3 that subcontracts to this one)",
        "reports/b_05.02.csv:13:4: unknown recipient 'DCPOWER': not in reports/b_05.01.csv",
        "reports/b_05.02.csv:14:4: recipient is the provider itself ('NETCO'): a provider cannot "
        "subcontract to itself",
        "reports/b_05.02.csv:15:4: recipient 'CLOUDCO' is not a provider at rank 2 of the supply "
        "chain of arrangement 'C-1' for eba_TA:S19",
        /* line 17 has the same gap: reported once, at the first row of rank 5 */
        "reports/b_05.02.csv:16:5: rank 5 without rank 4 in the supply chain of arrangement "
        "'C-1' for eba_TA:S19 (gap)",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        expect_diag(&r, want[i]);
    expect_counts(&r, sizeof want / sizeof want[0], 0);
    release(&r);
}

Test(dora_rules, assessment_references)
{
    run r;
    load_case(&r, "assessment_refs");
    expect_failed(&r);
    expect_diag(&r, "reports/b_07.01.csv:8:1: unknown arrangement 'C-3': not in "
                    "reports/b_02.01.csv (did you mean 'C-1'?)");
    expect_diag(&r, "reports/b_07.01.csv:9:2: unknown provider 'PAYC0': not in "
                    "reports/b_05.01.csv (did you mean 'PAYCO'?)");
    expect_counts(&r, 2, 0);
    release(&r);
}

Test(dora_rules, intra_group_link_references)
{
    run r;
    load_case(&r, "link_refs");
    expect_failed(&r);
    expect_diag(&r, "reports/b_02.03.csv:3:1: unknown arrangement 'IG-2': not in "
                    "reports/b_02.01.csv (did you mean 'IG-1'?)");
    expect_diag(&r, "reports/b_02.03.csv:4:2: unknown arrangement 'C-22': not in "
                    "reports/b_02.01.csv (did you mean 'C-2'?)");
    expect_counts(&r, 2, 0);
    release(&r);
}

Test(dora_rules, ids_of_nodes_must_be_distinct)
{
    expect_only_error("id_collision_used", "reports/b_05.01.csv:10:1: provider id 'F2' is also the "
                                           "id of a function (reports/b_06.01.csv:3): ids must be distinct");
}

Test(dora_rules, an_unused_provider_may_share_an_id_with_a_function)
{
    run r;
    load_case(&r, "id_collision");
    expect_loaded(&r);
    expect_counts(&r, 0, 0);
    expect_note(&r, "dora: B_05.01 rows used by nothing (not nodes): OLDCO, HYPERGROUP, F2");
    release(&r);
}

/* ---- warnings ------------------------------------------------------------------------------- */

Test(dora_rules, chain_without_service_keeps_links_at_provider_level)
{
    run r;
    load_case(&r, "orphan_chain");
    expect_loaded(&r);
    expect_diag(&r, "reports/b_05.02.csv:8:0: warning: supply chain of arrangement 'C-4' for "
                    "eba_TA:S11 has no service in reports/b_02.02.csv (its links are kept at "
                    "provider level)");
    expect_counts(&r, 0, 1);
    expect_edge(&r, "NETCO", "FIBRECO", "subcontract");
    expect_edge(&r, "FIBRECO", "HOSTCO", "subcontract");
    release(&r);

    crisk_load_options o = defaults();
    o.dora_service_nodes = o.dora_chains_service = 1;
    load_case_opts(&r, "orphan_chain", &o);
    expect_loaded(&r);
    expect_diag(&r, "reports/b_05.02.csv:8:0: warning: supply chain of arrangement 'C-4' for "
                    "eba_TA:S11 has no service in reports/b_02.02.csv (its links are dropped: "
                    "--chains service)");
    cr_assert_null(edge_kind(&r, "FIBRECO", "HOSTCO"));
    release(&r);
}

Test(dora_rules, chain_without_rank_1_row_takes_the_b_02_02_provider)
{
    run r;
    load_case(&r, "no_rank1");
    expect_loaded(&r);
    expect_diag(&r, "reports/b_05.02.csv:8:0: warning: supply chain of arrangement 'C-4' for "
                    "eba_TA:S10 has no rank-1 row: 'NETCO' from reports/b_02.02.csv:7 taken as rank 1");
    expect_counts(&r, 0, 1);
    expect_edge(&r, "NETCO", "FIBRECO", "subcontract");
    release(&r);
}

Test(dora_rules, rank_1_recipient_other_than_the_provider_warns)
{
    expect_only_warning("rank1_recipient", "reports/b_05.02.csv:2:4: warning: recipient 'HOSTCO' at "
                                           "rank 1 ignored (expected empty, 'Not Applicable' or the "
                                           "provider itself)");
}

Test(dora_rules, assessment_matching_no_service)
{
    expect_only_warning("assessment_unmatched",
                        "reports/b_07.01.csv:8:0: warning: assessment of arrangement 'C-4', provider "
                        "'NETCO', eba_TA:S11 matches no service in reports/b_02.02.csv (ignored)");
}

Test(dora_rules, substitutability_without_reason)
{
    expect_only_warning("subst_without_reason",
                        "reports/b_07.01.csv:3:11: warning: substitutability eba_ZZ:x959 without a "
                        "reason in c0060 (required when not substitutable or highly complex)");
}

Test(dora_rules, ultimate_parent_not_a_provider)
{
    expect_only_warning("parent_unknown", "reports/b_05.01.csv:4:3: warning: ultimate parent "
                                          "'NETGROUP' is not in reports/b_05.01.csv (kept as a label)");
}

Test(dora_rules, function_without_service)
{
    /* The common check (builder) says it: one message, not two. */
    expect_only_warning("function_without_service",
                        "reports/b_06.01.csv:5:2: warning: function 'F4' has no dependencies");
}

Test(dora_rules, critical_function_without_rto_and_empty_criticality)
{
    run r;
    load_case(&r, "critical_rto_zero");
    expect_loaded(&r);
    expect_diag(&r, "reports/b_06.01.csv:2:7: warning: critical function 'F1' has no recovery time "
                    "objective (c0080 is empty)");
    expect_diag(&r, "reports/b_06.01.csv:3:7: warning: critical function 'F2' has no recovery time "
                    "objective (c0080 is 0: not defined)");
    expect_diag(&r, "reports/b_06.01.csv:4:10: warning: empty criticality assessment in c0050: "
                    "treated as eba_BT:x21 (assessment not performed)");
    expect_counts(&r, 0, 3);
    cr_assert(isnan(view(&r, "F2").rto_hours));
    cr_assert_float_eq(view(&r, "F3").criticality, 2.0, 1e-12);   /* x21 (2) + low (0) */
    release(&r);
}

Test(dora_rules, usage_and_branch_references_warn)
{
    run r;
    load_case(&r, "usage_refs");
    expect_loaded(&r);
    expect_diag(&r, "reports/b_01.03.csv:3:2: warning: unknown head office '529900UNKNOWNHEAD003': "
                    "not in reports/b_01.02.csv");
    expect_diag(&r, "reports/b_04.01.csv:4:1: warning: unknown arrangement 'C-8': not in "
                    "reports/b_02.01.csv (did you mean 'C-1'?)");
    expect_diag(&r, "reports/b_04.01.csv:5:3: warning: unknown branch 'BR-PARIS': not in "
                    "reports/b_01.03.csv");
    expect_diag(&r, "reports/b_04.01.csv:6:3: warning: empty branch code in c0040 (required for a "
                    "branch, eba_ZZ:x838)");
    expect_counts(&r, 0, 4);
    release(&r);
}

Test(dora_rules, overarching_reference_unknown)
{
    expect_only_warning("overarching_unknown",
                        "reports/b_02.01.csv:4:4: warning: unknown overarching arrangement 'FW-2': "
                        "not in reports/b_02.01.csv (did you mean 'FW-1'?)");
}

Test(dora_rules, intra_group_link_to_an_arrangement_without_service)
{
    expect_only_warning("link_unmapped", "reports/b_02.03.csv:3:2: warning: linked arrangement "
                                         "'FW-1' has no service in reports/b_02.02.csv: link not mapped");
}

Test(dora_rules, dependency_cycle_among_providers)
{
    run r;
    load_case(&r, "provider_cycle");
    expect_loaded(&r);
    expect_diag(&r, "reports/b_05.02.csv:4:0: warning: dependency cycle among 3 providers: 'FIBRECO', "
                    "'NETCO', 'PAYCO' (legal, but unusual in a supply chain)");
    expect_counts(&r, 0, 1);
    expect_edge(&r, "FIBRECO", "PAYCO", "subcontract");
    release(&r);
}

Test(dora_rules, unknown_columns_and_files)
{
    run r;
    load_case(&r, "unknown_column");
    expect_loaded(&r);
    expect_diag(&r, "reports/b_02.01.csv:1:6: warning: unknown column 'c0999' (ignored)");
    expect_diag(&r, "reports/b_08.01.csv: warning: not a file of the DORA report package (ignored)");
    expect_counts(&r, 0, 2);
    release(&r);
}

Test(dora_rules, filing_indicators_inconsistent_with_content)
{
    run r;
    load_case(&r, "filing_inconsistent");
    expect_loaded(&r);
    expect_diag(&r, "reports/FilingIndicators.csv:4:2: warning: template B_01.03 is reported (true) "
                    "but reports/b_01.03.csv has no rows");
    expect_diag(&r, "reports/FilingIndicators.csv:14:2: warning: template B_07.01 is not reported "
                    "(false) but reports/b_07.01.csv has 6 rows (used anyway)");
    expect_diag(&r, "reports/FilingIndicators.csv:16:1: warning: unknown template 'B_08.01' (ignored)");
    expect_diag(&r, "reports/b_02.03.csv: warning: template B_02.03 has no filing indicator in "
                    "reports/FilingIndicators.csv, but this file has 1 row (used anyway)");
    /* b_01.03.csv is empty here, so BR-LU is unknown to B_04.01. */
    expect_diag(&r, "reports/b_04.01.csv:3:3: warning: unknown branch 'BR-LU': not in reports/b_01.03.csv");
    expect_counts(&r, 0, 5);
    /* Rows of a template marked false are still used. */
    cr_assert_eq(view(&r, "CLOUDCO").substitutability, CRISK_SUBST_NONE);
    release(&r);
}

Test(dora_rules, currency_differs_between_spend_sources)
{
    expect_only_warning("currency_differs",
                        "reports/b_02.01.csv:5:3: warning: currency eba_CU:USD differs from "
                        "eba_CU:EUR (reports/b_05.01.csv:3): spend is not converted");
}

Test(dora_rules, missing_parameters_means_no_end_dates)
{
    expect_only_warning("no_parameters", "reports/parameters.csv: warning: file missing: no "
                                         "refPeriod, so only a termination reason (B_02.02 c0090) "
                                         "ends an arrangement");
}

/* ---- notes: liveness ------------------------------------------------------------------------ */

Test(dora_rules, an_end_date_before_ref_period_drops_the_arrangement)
{
    run r;
    load_case(&r, "ended_by_date");   /* refPeriod 2028-01-01: C-4 (ends 2027-12-31) ended */
    expect_loaded(&r);
    expect_counts(&r, 0, 0);
    cr_assert_null(edge_kind(&r, "F2", "NETCO"));
    expect_edge(&r, "PAYCO", "NETCO", "subcontract");   /* still a subcontractor of C-1 */
    cr_assert(isnan(view(&r, "NETCO").spend));
    expect_note(&r, "dora: 2 ended B_02.02 rows dropped; ended arrangements: C-4, C-9");
    release(&r);
}
