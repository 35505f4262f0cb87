/*
 * test_diff.c - the diff of two snapshots (chainrisk/diff.h, src/analysis/
 * diff.c, diff_risk.c).
 *
 * Hand-made pairs (tests/fixtures/diff/model and risk, data/sample and
 * data/sample-next) with every kind of change, each worked out in the
 * comments; the CLI golden tests (tests/cli/diff_*) show the same pairs
 * in every format.  Then properties on random inventories with every
 * attribute, cycles and k-of-n groups: the diff of an inventory with
 * itself is empty; applying the reported node, edge and group changes to
 * OLD's model gives NEW's model; applying the reported appeared/resolved
 * pairs to OLD's single points of failure, breaches, shared Nth parties
 * and falsely redundant groups gives NEW's; a provider is reported as
 * moved exactly when one of its four metrics differs; and the diff of NEW
 * against OLD mirrors the diff of OLD against NEW.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis_internal.h"
#include "analysis/diff.h"   /* the pairs' key sets: a test cuts their file */
#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "util/util.h"

#define FIXTURE(name) CRISK_FIXTURES "/diff/" name

/* ---- loading and analysing ------------------------------------------------------------ */

typedef struct side {
    crisk_inventory *inv;
    crisk_analysis *a;
} side;

static void analyse(side *s)
{
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    crisk_error err = CRISK_ERROR_INIT;
    opts.threads = 1;
    opts.keep_fingerprints = 1;   /* the diff compares them; the SPOF lists check it */
    cr_assert_eq(crisk_analysis_run(&s->a, s->inv, &opts, &err), CRISK_OK, "%s", err.message);
}

static side load(const char *path)
{
    side s = { NULL, NULL };
    crisk_input in = { path, NULL, NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_load(&s.inv, &in, 1, NULL, &diags, &err), CRISK_OK,
                 "%s: %s", path, err.message);
    crisk_diagnostics_release(&diags);
    analyse(&s);
    return s;
}

static void release(side *s)
{
    crisk_analysis_free(s->a);
    crisk_inventory_free(s->inv);
}

/* Pairs the diffs of this test hold in memory before they spill sorted
 * runs to a temporary file (0: the library's default). */
static size_t pairs_in_memory = 0;

static crisk_diff *run_diff(const side *o, const side *n, double min_change)
{
    crisk_diff *d = NULL;
    crisk_diff_options opts = CRISK_DIFF_OPTIONS_INIT;
    opts.min_change = min_change;
    opts.pairs_in_memory = pairs_in_memory;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_diff_run(&d, o->a, n->a, &opts, &err), CRISK_OK, "%s", err.message);
    return d;
}

/* Every pair of a diff's list, read through its cursor into an array (kept
 * reachable until the test's process ends). */
static const crisk_pair_diff *read_pairs(const crisk_diff *d, crisk_diff_pairs_of which,
                                         size_t *count)
{
    static crisk_pair_diff *arrays[64];
    static size_t n_arrays;
    size_t appeared, resolved;
    crisk_diff_pair_counts(d, which, &appeared, &resolved);
    crisk_pair_diff *x = malloc((appeared + resolved + 1) * sizeof *x);
    cr_assert_not_null(x);
    crisk_diff_cursor *c = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_diff_pairs_open(&c, d, which, &err), CRISK_OK, "%s", err.message);
    size_t n = 0;
    int got;
    while ((got = crisk_diff_pairs_next(c, &x[n], &err)) == 1) {
        cr_assert_lt(n, appeared + resolved, "more pairs than counted");
        n++;
    }
    cr_assert_eq(got, 0, "%s", err.message);
    cr_assert_eq(n, appeared + resolved, "fewer pairs than counted");
    crisk_diff_pairs_close(c);
    if (n_arrays == 64) {
        free(arrays[0]);
        memmove(arrays, arrays + 1, 63 * sizeof *arrays);
        n_arrays--;
    }
    arrays[n_arrays++] = x;
    *count = n;
    return x;
}

#define crisk_diff_spofs(d, count) read_pairs(d, CRISK_DIFF_SPOFS, count)
#define crisk_diff_breaches(d, count) read_pairs(d, CRISK_DIFF_BREACHES, count)

static const char *id_of(const side *s, size_t v)
{
    return v == CRISK_DIFF_NONE ? "-" : crisk_inventory_node_id(s->inv, v);
}

static const char *change_name(crisk_change c)
{
    return c == CRISK_CHANGE_ADDED ? "+" : c == CRISK_CHANGE_REMOVED ? "-" : "~";
}

/* Every change of a section as one line of text, for comparing lists. */
typedef struct lines {
    char text[4096];
    size_t len;
} lines;

static void add_line(lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(lines *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l->len += (size_t)vsnprintf(l->text + l->len, sizeof l->text - l->len, fmt, ap);
    va_end(ap);
    if (l->len < sizeof l->text - 1)
        l->text[l->len++] = '\n', l->text[l->len] = '\0';
}

static void node_lines(const crisk_diff *d, const side *o, const side *n, lines *l)
{
    size_t count;
    const crisk_node_diff *x = crisk_diff_nodes(d, &count);
    for (size_t i = 0; i < count; i++) {
        const char *field = x[i].field == CRISK_FIELD_ATTRIBUTE ? x[i].attribute
                                                                : crisk_node_field_name(x[i].field);
        const char *same = x[i].same_name == CRISK_DIFF_NONE ? "-"
                         : x[i].change == CRISK_CHANGE_ADDED ? id_of(o, x[i].same_name)
                                                             : id_of(n, x[i].same_name);
        add_line(l, "%s %s/%s %s same:%s", change_name(x[i].change), id_of(o, x[i].old_node),
                 id_of(n, x[i].new_node), field, same);
    }
}

static void edge_line(const side *s, size_t g, size_t m, char *buf, size_t size)
{
    if (g == CRISK_DIFF_NONE) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(buf, size, "%s>%s[%s]:%s", id_of(s, crisk_inventory_group_owner(s->inv, g)),
             id_of(s, crisk_inventory_group_member(s->inv, g, m)), crisk_inventory_group_name(s->inv, g),
             crisk_inventory_group_member_kind(s->inv, g, m));
}

static void edge_lines(const crisk_diff *d, const side *o, const side *n, lines *l)
{
    size_t count;
    const crisk_edge_diff *x = crisk_diff_edges(d, &count);
    for (size_t i = 0; i < count; i++) {
        char a[128], b[128];
        edge_line(o, x[i].old_group, x[i].old_member, a, sizeof a);
        edge_line(n, x[i].new_group, x[i].new_member, b, sizeof b);
        add_line(l, "%s %s %s", change_name(x[i].change), a, b);
    }
}

static void group_lines(const crisk_diff *d, const side *o, const side *n, lines *l)
{
    static const char *const fields[] = { "", "need", "members" };
    size_t count;
    const crisk_group_diff *x = crisk_diff_groups(d, &count);
    for (size_t i = 0; i < count; i++) {
        const side *s = x[i].new_group != CRISK_DIFF_NONE ? n : o;
        size_t g = x[i].new_group != CRISK_DIFF_NONE ? x[i].new_group : x[i].old_group;
        add_line(l, "%s %s[%s] %s", change_name(x[i].change),
                 id_of(s, crisk_inventory_group_owner(s->inv, g)), crisk_inventory_group_name(s->inv, g),
                 fields[x[i].field]);
    }
}

static void pair_lines(const crisk_pair_diff *x, size_t count, const side *o, const side *n, lines *l)
{
    for (size_t i = 0; i < count; i++)
        add_line(l, "%s %s/%s %s/%s", change_name(x[i].change), id_of(o, x[i].old_function),
                 id_of(n, x[i].new_function), id_of(o, x[i].old_node), id_of(n, x[i].new_node));
}

static void move_lines(const crisk_diff *d, const side *n, lines *l)
{
    size_t count;
    const crisk_move *x = crisk_diff_moves(d, &count);
    for (size_t i = 0; i < count; i++)
        add_line(l, "%s moved:%u size:%g", id_of(n, x[i].new_node), x[i].moved, x[i].size);
}

static void shared_lines(const crisk_diff *d, const side *o, const side *n, lines *l)
{
    size_t count;
    const crisk_shared_diff *x = crisk_diff_shared(d, &count);
    for (size_t i = 0; i < count; i++)
        add_line(l, "%s %s/%s", change_name(x[i].change), id_of(o, x[i].old_node),
                 id_of(n, x[i].new_node));
}

static void redundancy_lines(const crisk_diff *d, const side *o, const side *n, lines *l)
{
    size_t count;
    const crisk_redundancy_diff *x = crisk_diff_false_redundancy(d, &count);
    for (size_t i = 0; i < count; i++) {
        const side *s = x[i].new_group != CRISK_DIFF_NONE ? n : o;
        size_t g = x[i].new_group != CRISK_DIFF_NONE ? x[i].new_group : x[i].old_group;
        add_line(l, "%s %s[%s] old:%zu new:%zu", change_name(x[i].change),
                 id_of(s, crisk_inventory_group_owner(s->inv, g)), crisk_inventory_group_name(s->inv, g),
                 x[i].old_count, x[i].new_count);
    }
}

static void market_lines(const crisk_diff *d, lines *l)
{
    static const char *const by[] = { "category", "parent", "country" };
    size_t count;
    const crisk_market_diff *x = crisk_diff_concentration(d, &count);
    for (size_t i = 0; i < count; i++)
        add_line(l, "%s %s/%s moved:%u providers:%zu->%zu", change_name(x[i].change), by[x[i].by],
                 x[i].market, x[i].moved, x[i].old_market.providers, x[i].new_market.providers);
}

/* ---- the model pair: every kind of model change ---------------------------------------- */

/*
 * tests/fixtures/diff/model: old-id is renamed new-id (same name "Delta
 * Telecom"), gone is removed, fresh added; a changes every column but its
 * name, and its pass-through column (owner in OLD, Owner in NEW: one column,
 * as CSV headers ignore case); c gains a value in NEW's extra column region;
 * f1 changes name and criticality, f2 its rto.  Edges: f1>fresh joins the
 * hosting group (need 1 -> 2), f1>c changes kind, f2's backup group and
 * c>gone go, c's mirror group comes.
 */
Test(diff, reports_added_removed_and_changed_nodes_field_by_field)
{
    side o = load(FIXTURE("model/old")), n = load(FIXTURE("model/new"));
    crisk_diff *d = run_diff(&o, &n, 0);
    lines l = { .len = 0 };
    node_lines(d, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ -/fresh  same:-\n"
        "+ -/new-id  same:old-id\n"
        "- gone/-  same:-\n"
        "- old-id/-  same:new-id\n"
        "~ a/a type same:-\n"
        "~ a/a category same:-\n"
        "~ a/a recovery_hours same:-\n"
        "~ a/a spend same:-\n"
        "~ a/a country same:-\n"
        "~ a/a parent same:-\n"
        "~ a/a substitutability same:-\n"
        "~ a/a probability same:-\n"
        "~ a/a Owner same:-\n"
        "~ c/c region same:-\n"
        "~ f1/f1 name same:-\n"
        "~ f1/f1 criticality same:-\n"
        "~ f2/f2 rto_hours same:-\n");
    size_t count;
    const crisk_node_diff *x = crisk_diff_nodes(d, &count);
    cr_expect_str_eq(x[12].old_value, "it");
    cr_expect_str_eq(x[12].new_value, "sec");
    cr_expect_str_eq(x[13].old_value, "");
    cr_expect_str_eq(x[13].new_value, "eu");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

Test(diff, reports_edges_by_dependant_group_and_provider_and_groups_by_need_and_members)
{
    side o = load(FIXTURE("model/old")), n = load(FIXTURE("model/new"));
    crisk_diff *d = run_diff(&o, &n, 0);
    lines l = { .len = 0 };
    edge_lines(d, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ - c>a[mirror]:replica\n"
        "+ - c>fresh[mirror]:replica\n"
        "+ - f1>fresh[hosting]:hosting\n"
        "+ - f2>new-id[]:network\n"
        "- c>gone[]:library -\n"
        "- f2>old-id[]:network -\n"
        "- f2>b[backup]:backup -\n"
        "- f2>gone[backup]:backup -\n"
        "~ f1>c[]:saas f1>c[]:api\n");
    l.len = 0;
    group_lines(d, &o, &n, &l);
    /* f1's hosting group changes both need and members; its members come in
     * another order in NEW (b, a), which is no change. */
    cr_expect_str_eq(l.text,
        "+ c[mirror] \n"
        "- f2[backup] \n"
        "~ f1[hosting] need\n"
        "~ f1[hosting] members\n");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

/*
 * The model pair's analysis: f1 (hosting 1 of {a, b}, c, c>gone) loses
 * the SPOF gone; f2 (c, old-id, backup 1 of {gone, b}; c>gone) loses gone
 * and old-id and gains new-id.  a's exposure rises from f1 (5) to f1 and,
 * through c's mirror group, f2: 4 + 3; b's falls from f1 + f2 (8) to f1
 * (4); c's impact weight follows f1's criticality 5 -> 4.  No breach
 * changes: c (recovery 12) breaches f1 (rto 4) on both sides, and f2's rto
 * falls to 12, which 12 does not exceed.
 */
Test(diff, reports_spofs_moves_and_concentration_of_the_model_pair)
{
    side o = load(FIXTURE("model/old")), n = load(FIXTURE("model/new"));
    crisk_diff *d = run_diff(&o, &n, 0);
    size_t count;
    lines l = { .len = 0 };
    const crisk_pair_diff *p = crisk_diff_spofs(d, &count);
    pair_lines(p, count, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "- f1/f1 gone/-\n"
        "+ f2/f2 -/new-id\n"
        "- f2/f2 gone/-\n"
        "- f2/f2 old-id/-\n");
    l.len = 0;
    move_lines(d, &n, &l);
    cr_expect_str_eq(l.text,
        "b moved:2 size:4\n"
        "a moved:2 size:2\n"
        "c moved:3 size:1\n");
    crisk_diff_breaches(d, &count);
    cr_expect_eq(count, 0);
    l.len = 0;
    market_lines(d, &l);
    /* a leaves cloud for managed-service; fresh opens hardware (no spend:
     * reliance only); gone closes other. */
    cr_expect_str_eq(l.text,
        "~ category/cloud moved:15 providers:2->1\n"
        "+ category/managed-service moved:15 providers:0->1\n"
        "+ category/hardware moved:12 providers:0->1\n"
        "- category/other moved:12 providers:1->0\n"
        "~ parent/all moved:7 providers:5->5\n"
        "~ country/all moved:15 providers:5->5\n");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

/* ---- the risk pair: what the analysis makes of it -------------------------------------- */

/*
 * tests/fixtures/diff/risk: t2 stops using s-old and, with t3, starts using
 * s-new (a shared Nth party appears, one disappears); l2 stops depending on
 * x (t1's links group is no longer falsely redundant), p1 and p2 start
 * depending on grid (t3's power group becomes so), d2 and d3 start depending
 * on z (t2's dc group, 2 of 3, was defeated by y, now by y and z); f3 uses
 * m2 directly (tier 3 -> 1); t1 starts using orphan (a function reaches it
 * now); t1 recovers in 1 h instead of 4 (its breach of f1, rto 2, is
 * resolved) and f2's rto falls from 16 to 8 (t3, 12 h, now breaches it);
 * f4 is new and depends on t1.
 */
Test(diff, reports_spofs_and_breaches_that_appeared_or_were_resolved)
{
    side o = load(FIXTURE("risk/old")), n = load(FIXTURE("risk/new"));
    crisk_diff *d = run_diff(&o, &n, 0);
    size_t count;
    lines l = { .len = 0 };
    const crisk_pair_diff *p = crisk_diff_spofs(d, &count);
    pair_lines(p, count, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ f1/f1 orphan/orphan\n"    /* orphan is a new dependency of t1 */
        "+ f1/f1 s-new/s-new\n"
        "+ f1/f1 z/z\n"              /* z fails d2 and d3: dc (2 of 3) fails */
        "- f1/f1 x/x\n"
        "+ f2/f2 grid/grid\n"
        "+ f2/f2 s-new/s-new\n"
        "+ f2/f2 z/z\n"
        "- f2/f2 s-old/s-old\n"
        "+ f3/f3 grid/grid\n"
        "+ f3/f3 s-new/s-new\n"
        "+ -/f4 orphan/orphan\n"     /* a new function brings its SPOFs */
        "+ -/f4 s-old/s-old\n"
        "+ -/f4 t1/t1\n");
    l.len = 0;
    p = crisk_diff_breaches(d, &count);
    pair_lines(p, count, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ f2/f2 t3/t3\n"
        "- f1/f1 t1/t1\n");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

Test(diff, sorts_moves_by_size_and_sizes_tier_changes)
{
    side o = load(FIXTURE("risk/old")), n = load(FIXTURE("risk/new"));
    crisk_diff *d = run_diff(&o, &n, 0);
    lines l = { .len = 0 };
    move_lines(d, &n, &l);
    /* 1 impact_weight, 2 exposure, 4 tier, 8 breaches.  s-new: nothing
     * depended on it, now t2 and t3 (f1, f2, f3: 4 + 2 + 1) - its tier
     * appears, which counts 1, not the size; m2's tier 3 -> 1 is 2; t1's
     * breaches 1 -> 0 and t3's 0 -> 1 count 1. */
    cr_expect_str_eq(l.text,
        "s-new moved:7 size:7\n"
        "z moved:7 size:6\n"
        "orphan moved:7 size:5\n"
        "x moved:3 size:4\n"
        "grid moved:7 size:3\n"
        "m2 moved:4 size:2\n"
        "l1 moved:2 size:1\n"
        "l2 moved:2 size:1\n"
        "s-old moved:3 size:1\n"
        "t1 moved:11 size:1\n"
        "t3 moved:8 size:1\n");
    crisk_diff_free(d);
    d = run_diff(&o, &n, 2);
    l.len = 0;
    move_lines(d, &n, &l);
    cr_expect_str_eq(l.text,
        "s-new moved:7 size:7\n"
        "z moved:7 size:6\n"
        "orphan moved:7 size:5\n"
        "x moved:3 size:4\n"
        "grid moved:7 size:3\n"
        "m2 moved:4 size:2\n");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

Test(diff, reports_shared_nth_parties_and_false_redundancy_that_appeared_or_went)
{
    side o = load(FIXTURE("risk/old")), n = load(FIXTURE("risk/new"));
    crisk_diff *d = run_diff(&o, &n, 0);
    lines l = { .len = 0 };
    shared_lines(d, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ s-new/s-new\n"
        "- s-old/s-old\n");
    l.len = 0;
    redundancy_lines(d, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ t3[power] old:0 new:1\n"
        "- t1[links] old:1 new:0\n"
        "~ t2[dc] old:1 new:2\n");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

/*
 * data/sample -> data/sample-next (the README tour): a fallback identity
 * provider (torwache-idp) makes sso-idp redundant for ehr-access, so
 * sso-idp and nordwolke-tenant stop being SPOFs of ehr-access and of
 * emergency-admissions (which depends on it); the CDN lichtweg-cdn is a new
 * fourth party of terminfix-booking and consultalink-telemed; the second
 * bank leaves payroll's bank group, so the first becomes a SPOF.
 */
Test(diff, finds_the_quarter_s_changes_of_the_sample)
{
    side o = load(CRISK_SOURCE_DIR "/data/sample"), n = load(CRISK_SOURCE_DIR "/data/sample-next");
    crisk_diff *d = run_diff(&o, &n, 0);
    size_t count;
    lines l = { .len = 0 };
    const crisk_pair_diff *p = crisk_diff_spofs(d, &count);
    pair_lines(p, count, &o, &n, &l);
    cr_expect_str_eq(l.text,
        "+ appointment-booking/appointment-booking -/lichtweg-cdn\n"
        "+ blood-bank/blood-bank -/etikettwerk-labels\n"
        "- blood-bank/blood-bank etikettwerk/-\n"
        "- ehr-access/ehr-access nordwolke-tenant/nordwolke-tenant\n"
        "- ehr-access/ehr-access sso-idp/sso-idp\n"
        "- emergency-admissions/emergency-admissions nordwolke-tenant/nordwolke-tenant\n"
        "- emergency-admissions/emergency-admissions sso-idp/sso-idp\n"
        "+ payroll/payroll kurpfalz-landesbank/kurpfalz-landesbank\n"
        "+ telemedicine/telemedicine -/lichtweg-cdn\n");
    l.len = 0;
    shared_lines(d, &o, &n, &l);
    cr_expect_str_eq(l.text, "+ -/lichtweg-cdn\n");
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

/* ---- contracts ----------------------------------------------------------------------- */

Test(diff, refuses_analyses_that_did_not_keep_fingerprints_or_false_redundancy)
{
    side s = load(CRISK_SOURCE_DIR "/data/sample");
    crisk_error err = CRISK_ERROR_INIT;
    for (int which = 0; which < 2; which++) {
        crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
        opts.keep_fingerprints = which;
        opts.keep_false_redundancy = !which;
        crisk_analysis *bare = NULL;
        cr_assert_eq(crisk_analysis_run(&bare, s.inv, &opts, &err), CRISK_OK);
        crisk_diff *d = NULL;
        cr_expect_eq(crisk_diff_run(&d, s.a, bare, NULL, &err), CRISK_EUSAGE);
        cr_expect_null(d);
        cr_expect_str_eq(err.message, "a diff needs analyses that keep fingerprints and false "
                                      "redundancy");
        crisk_analysis_free(bare);
    }
    release(&s);
}

Test(diff, finds_nothing_between_a_snapshot_and_itself)
{
    static const char *const paths[] = { CRISK_SOURCE_DIR "/data/sample", FIXTURE("model/old"),
                                         FIXTURE("model/new"), FIXTURE("risk/new") };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        side a = load(paths[i]), b = load(paths[i]);
        crisk_diff *d = run_diff(&a, &b, 0);
        cr_expect_eq(crisk_diff_count(d), 0, "%s", paths[i]);
        crisk_diff_free(d);
        release(&a);
        release(&b);
    }
}

/* ---- random inventories ---------------------------------------------------------------- */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int below(rng *r, int n)
{
    return n <= 1 ? 0 : (int)(rng_next(r) % (uint64_t)n);
}

static int chance(rng *r, int percent)
{
    return below(r, 100) < percent;
}

#define MAX_NODES 48
#define MAX_EDGES 200

typedef struct rnode {
    char id[16], name[16], country[4], parent[8], owner[8];
    crisk_node_type type;
    crisk_category category;
    crisk_substitutability subst;
    double criticality, rto, recovery, spend, probability;   /* NaN = not given */
} rnode;

typedef struct redge {
    int from, to;
    char group[4], kind[8];
    int need;           /* the group's need; 0 for a plain edge */
} redge;

typedef struct model {
    rnode n[MAX_NODES];
    int nn;
    redge e[MAX_EDGES];
    int ne;
    int next_id;        /* for fresh ids */
} model;

static double maybe(rng *r, const double *values, int count)
{
    return chance(r, 25) ? NAN : values[below(r, count)];
}

static void random_attributes(rng *r, rnode *x)
{
    static const double crit[] = { 0, 1, 2, 3, 5 }, hours[] = { 0.5, 2, 4, 8, 24, 72 };
    static const double spend[] = { 0, 10, 250, 1000 }, prob[] = { 0.01, 0.05, 0.5 };
    static const char *const countries[] = { "", "DE", "NL", "FR" };
    static const char *const parents[] = { "", "P1", "P2" };
    static const char *const owners[] = { "", "it", "ops" };
    snprintf(x->name, sizeof x->name, "name-%d", below(r, 6));
    x->type = chance(r, 25) ? CRISK_NODE_FUNCTION : (crisk_node_type)(1 + below(r, 3));
    x->category = (crisk_category)below(r, CRISK_CAT_COUNT);
    x->subst = (crisk_substitutability)below(r, CRISK_SUBST_COUNT);
    x->criticality = maybe(r, crit, 5);
    x->rto = maybe(r, hours, 6);
    x->recovery = maybe(r, hours, 6);
    x->spend = maybe(r, spend, 4);
    x->probability = maybe(r, prob, 3);
    snprintf(x->country, sizeof x->country, "%s", countries[below(r, 4)]);
    snprintf(x->parent, sizeof x->parent, "%s", parents[below(r, 3)]);
    snprintf(x->owner, sizeof x->owner, "%s", owners[below(r, 3)]);
}

static void add_random_node(rng *r, model *m)
{
    if (m->nn == MAX_NODES)
        return;
    rnode *x = &m->n[m->nn++];
    memset(x, 0, sizeof *x);
    snprintf(x->id, sizeof x->id, "n%d", m->next_id++);
    random_attributes(r, x);
}

static int has_edge(const model *m, int from, int to, const char *group)
{
    for (int i = 0; i < m->ne; i++)
        if (m->e[i].from == from && m->e[i].to == to && strcmp(m->e[i].group, group) == 0)
            return 1;
    return 0;
}

static void add_random_edge(rng *r, model *m)
{
    static const char *const groups[] = { "", "", "", "g", "h" };
    static const char *const kinds[] = { "", "saas", "host" };
    if (m->ne == MAX_EDGES || m->nn < 2)
        return;
    int from = below(r, m->nn), to = below(r, m->nn);
    const char *group = groups[below(r, 5)];
    if (from == to || has_edge(m, from, to, group))
        return;
    redge *e = &m->e[m->ne++];
    *e = (redge){ from, to, "", "", group[0] ? 1 + below(r, 3) : 0 };
    snprintf(e->group, sizeof e->group, "%s", group);
    snprintf(e->kind, sizeof e->kind, "%s", kinds[below(r, 3)]);
}

static void remove_edge(model *m, int i)
{
    m->e[i] = m->e[--m->ne];
}

static void remove_node(model *m, int v)
{
    for (int i = m->ne - 1; i >= 0; i--)
        if (m->e[i].from == v || m->e[i].to == v)
            remove_edge(m, i);
    for (int i = 0; i < m->ne; i++) {
        if (m->e[i].from > v)
            m->e[i].from--;
        if (m->e[i].to > v)
            m->e[i].to--;
    }
    memmove(&m->n[v], &m->n[v + 1], (size_t)(m->nn - v - 1) * sizeof *m->n);
    m->nn--;
}

/* Every group's need the same on each of its rows and at most its size. */
static void fix_needs(model *m)
{
    for (int i = 0; i < m->ne; i++) {
        if (m->e[i].group[0] == '\0') {
            m->e[i].need = 0;
            continue;
        }
        int size = 0, need = m->e[i].need;
        for (int j = 0; j < m->ne; j++)
            if (m->e[j].from == m->e[i].from && strcmp(m->e[j].group, m->e[i].group) == 0)
                size++;
        if (need > size)
            need = size;
        for (int j = 0; j < m->ne; j++)
            if (m->e[j].from == m->e[i].from && strcmp(m->e[j].group, m->e[i].group) == 0)
                m->e[j].need = need;
    }
}

static void random_model(rng *r, model *m)
{
    memset(m, 0, sizeof *m);
    int nodes = 3 + below(r, 30), edges = below(r, nodes * 3);
    for (int i = 0; i < nodes; i++)
        add_random_node(r, m);
    for (int i = 0; i < edges; i++)
        add_random_edge(r, m);
    fix_needs(m);
}

/* NEW: OLD a quarter later - nodes go, come and change, edges too. */
static void perturb(rng *r, model *m)
{
    int steps = below(r, 8);
    for (int k = 0; k < steps; k++) {
        int what = below(r, 8), v = below(r, m->nn);
        if (what == 0 && m->nn > 2)
            remove_node(m, v);
        else if (what == 1)
            add_random_node(r, m);
        else if (what == 2 && m->nn > 0)
            random_attributes(r, &m->n[v]);   /* several fields at once */
        else if (what == 3 && m->nn > 0)
            snprintf(m->n[v].id, sizeof m->n[v].id, "n%d", m->next_id++);   /* a renamed id */
        else if (what == 4 && m->ne > 0)
            remove_edge(m, below(r, m->ne));
        else if (what == 5)
            add_random_edge(r, m);
        else if (what == 6 && m->ne > 0)
            snprintf(m->e[below(r, m->ne)].kind, sizeof m->e->kind, "k%d", below(r, 2));
        else if (what == 7 && m->ne > 0)
            m->e[below(r, m->ne)].need = 1 + below(r, 3);
    }
    fix_needs(m);
}

static void build(const model *m, side *s)
{
    tl_builder t;
    tl_builder_begin(&t);
    const char *attr_names[] = { "owner" };
    for (int i = 0; i < m->nn; i++) {
        const rnode *x = &m->n[i];
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        const char *attr_values[] = { x->owner };
        rec.id = x->id;
        rec.name = x->name;
        rec.type = x->type;
        rec.category = x->category;
        rec.criticality = x->criticality;
        rec.rto_hours = x->rto;
        rec.recovery_hours = x->recovery;
        rec.spend = x->spend;
        rec.probability = x->probability;
        rec.country = x->country;
        rec.parent = x->parent;
        rec.substitutability = x->subst;
        rec.attr_count = 1;
        rec.attr_names = attr_names;
        rec.attr_values = attr_values;
        rec.line = (size_t)i + 2;
        tl_builder_node(&t, &rec);
    }
    for (int i = 0; i < m->ne; i++) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        rec.from = m->n[m->e[i].from].id;
        rec.to = m->n[m->e[i].to].id;
        rec.group = m->e[i].group;
        rec.kind = m->e[i].kind;
        rec.need = (size_t)m->e[i].need;
        rec.line = (size_t)i + 2;
        tl_builder_edge(&t, &rec);
    }
    s->inv = tl_builder_finish(&t);
    s->a = NULL;
    analyse(s);
}

/* ---- models as sets of lines --------------------------------------------------------------- */

typedef struct set {
    char **item;
    size_t n, cap;
} set;

static void set_add(set *s, const char *text)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->item = realloc(s->item, s->cap * sizeof *s->item);
        cr_assert_not_null(s->item);
    }
    s->item[s->n++] = strdup(text);
}

static int set_find(const set *s, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->item[i], text) == 0)
            return (int)i;
    return -1;
}

static void set_remove(set *s, const char *text)
{
    int i = set_find(s, text);
    cr_assert(i >= 0, "applying the diff removes '%s', which OLD does not hold", text);
    free(s->item[i]);
    s->item[i] = s->item[--s->n];
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_release(set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->item[i]);
    free(s->item);
    memset(s, 0, sizeof *s);
}

static void expect_same_set(set *got, set *want, const char *what, uint64_t seed)
{
    if (got->n > 1)   /* an empty set has no array: qsort(NULL, 0) is undefined */
        qsort(got->item, got->n, sizeof *got->item, compare_text);
    if (want->n > 1)
        qsort(want->item, want->n, sizeof *want->item, compare_text);
    int same = got->n == want->n;
    for (size_t i = 0; same && i < got->n; i++)
        same = strcmp(got->item[i], want->item[i]) == 0;
    if (!same) {
        for (size_t i = 0; i < got->n; i++)
            cr_log_error("applied: %s", got->item[i]);
        for (size_t i = 0; i < want->n; i++)
            cr_log_error("new:     %s", want->item[i]);
    }
    cr_expect(same, "seed %llu: %s of OLD with the diff applied differ from NEW's",
              (unsigned long long)seed, what);
}

static void number_text(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.17g", x);
}

/* One field of node v as text. */
static void field_text(const side *s, size_t v, crisk_node_field f, char *buf, size_t size)
{
    crisk_node_view n;
    crisk_inventory_node(s->inv, v, &n);
    switch (f) {
    case CRISK_FIELD_NAME: snprintf(buf, size, "%s", n.name); break;
    case CRISK_FIELD_TYPE: snprintf(buf, size, "%s", crisk_node_type_name(n.type)); break;
    case CRISK_FIELD_CATEGORY: snprintf(buf, size, "%s", crisk_category_name(n.category)); break;
    case CRISK_FIELD_CRITICALITY: number_text(buf, size, n.criticality); break;
    case CRISK_FIELD_RTO_HOURS: number_text(buf, size, n.rto_hours); break;
    case CRISK_FIELD_RECOVERY_HOURS: number_text(buf, size, n.recovery_hours); break;
    case CRISK_FIELD_SPEND: number_text(buf, size, n.spend); break;
    case CRISK_FIELD_COUNTRY: snprintf(buf, size, "%s", n.country); break;
    case CRISK_FIELD_PARENT: snprintf(buf, size, "%s", n.parent); break;
    case CRISK_FIELD_SUBSTITUTABILITY:
        snprintf(buf, size, "%s", crisk_substitutability_name(n.substitutability));
        break;
    case CRISK_FIELD_PROBABILITY: number_text(buf, size, n.probability); break;
    default: snprintf(buf, size, "%s", crisk_inventory_node_attr(s->inv, v, 0)); break;
    }
}

enum { N_FIELDS = CRISK_FIELD_ATTRIBUTE };   /* fields 1 .. ATTRIBUTE */

/* The fields of node v, each as text. */
typedef struct node_fields {
    char id[16];
    char value[N_FIELDS + 1][32];
} node_fields;

static void fields_of(const side *s, size_t v, node_fields *out)
{
    snprintf(out->id, sizeof out->id, "%s", crisk_inventory_node_id(s->inv, v));
    for (int f = 1; f <= N_FIELDS; f++)
        field_text(s, v, (crisk_node_field)f, out->value[f], sizeof out->value[f]);
}

static void node_line(const node_fields *x, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "N %s", x->id);
    for (int f = 1; f <= N_FIELDS && o < size; f++)
        o += (size_t)snprintf(buf + o, size - o, "|%s", x->value[f]);
}

static void edge_text(const side *s, size_t g, size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "E %s>%s[%s]%s", crisk_inventory_node_id(s->inv, crisk_inventory_group_owner(s->inv, g)),
             crisk_inventory_node_id(s->inv, crisk_inventory_group_member(s->inv, g, i)),
             crisk_inventory_group_name(s->inv, g), crisk_inventory_group_member_kind(s->inv, g, i));
}

static void group_text(const side *s, size_t g, char *buf, size_t size)
{
    snprintf(buf, size, "G %s[%s]%zu", crisk_inventory_node_id(s->inv, crisk_inventory_group_owner(s->inv, g)),
             crisk_inventory_group_name(s->inv, g), crisk_inventory_group_need(s->inv, g));
}

/* The model as lines: a node with every field, every edge with its kind,
 * every named group with its need. */
static void model_lines(const side *s, set *out)
{
    char buf[1024];
    for (size_t v = 0; v < crisk_inventory_node_count(s->inv); v++) {
        node_fields x;
        fields_of(s, v, &x);
        node_line(&x, buf, sizeof buf);
        set_add(out, buf);
    }
    for (size_t g = 0; g < crisk_inventory_group_count(s->inv); g++) {
        for (size_t i = 0; i < crisk_inventory_group_size(s->inv, g); i++) {
            edge_text(s, g, i, buf, sizeof buf);
            set_add(out, buf);
        }
        if (crisk_inventory_group_name(s->inv, g)[0] != '\0') {
            group_text(s, g, buf, sizeof buf);
            set_add(out, buf);
        }
    }
}

/* Apply the node changes: a changed node's reported fields take NEW's
 * values, the others keep OLD's - so a field the diff misses stays old. */
static void apply_nodes(const crisk_diff *d, const side *o, const side *n, set *model)
{
    size_t count;
    const crisk_node_diff *x = crisk_diff_nodes(d, &count);
    char buf[1024];
    for (size_t i = 0; i < count;) {
        node_fields f;
        if (x[i].change != CRISK_CHANGE_CHANGED) {
            const side *s = x[i].change == CRISK_CHANGE_ADDED ? n : o;
            fields_of(s, x[i].change == CRISK_CHANGE_ADDED ? x[i].new_node : x[i].old_node, &f);
            node_line(&f, buf, sizeof buf);
            if (x[i].change == CRISK_CHANGE_ADDED)
                set_add(model, buf);
            else
                set_remove(model, buf);
            i++;
            continue;
        }
        size_t u = x[i].old_node;
        fields_of(o, u, &f);
        node_line(&f, buf, sizeof buf);
        set_remove(model, buf);
        for (; i < count && x[i].change == CRISK_CHANGE_CHANGED && x[i].old_node == u; i++)
            field_text(n, x[i].new_node, x[i].field, f.value[x[i].field], sizeof f.value[0]);
        node_line(&f, buf, sizeof buf);
        set_add(model, buf);
    }
}

static void apply_edges(const crisk_diff *d, const side *o, const side *n, set *model)
{
    size_t count;
    const crisk_edge_diff *x = crisk_diff_edges(d, &count);
    char buf[1024];
    for (size_t i = 0; i < count; i++) {
        if (x[i].old_group != CRISK_DIFF_NONE) {
            edge_text(o, x[i].old_group, x[i].old_member, buf, sizeof buf);
            set_remove(model, buf);
        }
        if (x[i].new_group != CRISK_DIFF_NONE) {
            edge_text(n, x[i].new_group, x[i].new_member, buf, sizeof buf);
            set_add(model, buf);
        }
    }
    const crisk_group_diff *g = crisk_diff_groups(d, &count);
    for (size_t i = 0; i < count; i++) {
        if (g[i].field == CRISK_GROUP_FIELD_MEMBERS)
            continue;   /* members are the edges */
        if (g[i].old_group != CRISK_DIFF_NONE) {
            group_text(o, g[i].old_group, buf, sizeof buf);
            set_remove(model, buf);
        }
        if (g[i].new_group != CRISK_DIFF_NONE) {
            group_text(n, g[i].new_group, buf, sizeof buf);
            set_add(model, buf);
        }
    }
}

/* ---- what the analysis makes of it, as sets --------------------------------------------------- */

static int breaches_pair(const side *s, size_t f, size_t p)
{
    crisk_node_view fv, pv;
    crisk_inventory_node(s->inv, f, &fv);
    crisk_inventory_node(s->inv, p, &pv);
    return !isnan(fv.rto_hours) && !isnan(pv.recovery_hours) && fv.rto_hours < pv.recovery_hours;
}

/* "function>spof" of every SPOF pair (breach: only the breaching ones). */
static void pair_set(const side *s, int breach, set *out)
{
    char buf[64];
    for (size_t f = 0; f < crisk_inventory_node_count(s->inv); f++) {
        if (crisk_inventory_node_type(s->inv, f) != CRISK_NODE_FUNCTION)
            continue;
        size_t n;
        const uint32_t *p = crisk_analysis_spofs(s->a, f, &n);
        for (size_t i = 0; i < n; i++) {
            if (breach && !breaches_pair(s, f, p[i]))
                continue;
            snprintf(buf, sizeof buf, "%s>%s", crisk_inventory_node_id(s->inv, f),
                     crisk_inventory_node_id(s->inv, p[i]));
            set_add(out, buf);
        }
    }
}

static void apply_pairs(const crisk_pair_diff *x, size_t count, const side *o, const side *n, set *s)
{
    char buf[64];
    for (size_t i = 0; i < count; i++) {
        int added = x[i].change == CRISK_CHANGE_ADDED;
        const side *from = added ? n : o;
        snprintf(buf, sizeof buf, "%s>%s", id_of(from, added ? x[i].new_function : x[i].old_function),
                 id_of(from, added ? x[i].new_node : x[i].old_node));
        if (added)
            set_add(s, buf);
        else
            set_remove(s, buf);
    }
}

static void shared_set(const side *s, set *out)
{
    uint32_t *list = NULL;
    size_t n = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_shared(s->a, 2, &list, &n, &err), CRISK_OK);
    for (size_t i = 0; i < n; i++)
        set_add(out, crisk_inventory_node_id(s->inv, list[i]));
    free(list);
}

static void redundancy_set(const side *s, set *out)
{
    size_t n;
    const crisk_false_redundancy *fr = crisk_analysis_false_redundancy(s->a, &n);
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s[%s]", crisk_inventory_node_id(s->inv, fr[i].dependant),
                 crisk_inventory_group_name(s->inv, fr[i].group));
        if (set_find(out, buf) < 0)
            set_add(out, buf);
    }
}

/* Whether the four metrics of a provider on both sides differ. */
static unsigned metric_moves(const side *o, size_t u, const side *n, size_t v)
{
    const crisk_node_metrics *x = crisk_analysis_metrics(o->a, u), *y = crisk_analysis_metrics(n->a, v);
    return (fabs(x->impact_weight - y->impact_weight) > 1e-9 ? CRISK_MOVED_IMPACT_WEIGHT : 0)
         | (fabs(x->exposure - y->exposure) > 1e-9 ? CRISK_MOVED_EXPOSURE : 0)
         | (x->tier != y->tier ? CRISK_MOVED_TIER : 0)
         | (x->breaches != y->breaches ? CRISK_MOVED_BREACHES : 0);
}

static void check_moves(const crisk_diff *d, const side *o, const side *n, uint64_t seed)
{
    size_t count;
    const crisk_move *x = crisk_diff_moves(d, &count);
    size_t expected = 0;
    for (size_t v = 0; v < crisk_inventory_node_count(n->inv); v++) {
        size_t u;
        if (crisk_inventory_find(o->inv, crisk_inventory_node_id(n->inv, v), &u) != CRISK_OK
            || crisk_inventory_node_type(o->inv, u) == CRISK_NODE_FUNCTION
            || crisk_inventory_node_type(n->inv, v) == CRISK_NODE_FUNCTION)
            continue;
        unsigned moved = metric_moves(o, u, n, v);
        if (moved == 0)
            continue;
        expected++;
        size_t i = 0;
        while (i < count && x[i].new_node != v)
            i++;
        cr_expect(i < count, "seed %llu: '%s' moved but is not reported", (unsigned long long)seed,
                  crisk_inventory_node_id(n->inv, v));
        if (i < count)
            cr_expect_eq(x[i].moved, moved, "seed %llu: moves of '%s'", (unsigned long long)seed,
                         crisk_inventory_node_id(n->inv, v));
    }
    cr_expect_eq(count, expected, "seed %llu: moves reported", (unsigned long long)seed);
    for (size_t i = 1; i < count; i++)
        cr_expect(x[i - 1].size >= x[i].size, "seed %llu: moves sorted by size", (unsigned long long)seed);
}

typedef void (*set_fn)(const side *s, set *out);

static void check_set(const side *o, const side *n, set_fn fn, void (*apply)(const crisk_diff *,
                      const side *, const side *, set *), const crisk_diff *d, const char *what,
                      uint64_t seed)
{
    set got = { 0 }, want = { 0 };
    fn(o, &got);
    apply(d, o, n, &got);
    fn(n, &want);
    expect_same_set(&got, &want, what, seed);
    set_release(&got);
    set_release(&want);
}

static void spof_set(const side *s, set *out) { pair_set(s, 0, out); }
static void breach_set(const side *s, set *out) { pair_set(s, 1, out); }

static void apply_spofs(const crisk_diff *d, const side *o, const side *n, set *s)
{
    size_t count;
    const crisk_pair_diff *x = crisk_diff_spofs(d, &count);
    apply_pairs(x, count, o, n, s);
}

static void apply_breaches(const crisk_diff *d, const side *o, const side *n, set *s)
{
    size_t count;
    const crisk_pair_diff *x = crisk_diff_breaches(d, &count);
    apply_pairs(x, count, o, n, s);
}

static void apply_shared(const crisk_diff *d, const side *o, const side *n, set *s)
{
    size_t count;
    const crisk_shared_diff *x = crisk_diff_shared(d, &count);
    for (size_t i = 0; i < count; i++) {
        if (x[i].change == CRISK_CHANGE_ADDED)
            set_add(s, id_of(n, x[i].new_node));
        else
            set_remove(s, id_of(o, x[i].old_node));
    }
}

static void apply_redundancy(const crisk_diff *d, const side *o, const side *n, set *s)
{
    size_t count;
    const crisk_redundancy_diff *x = crisk_diff_false_redundancy(d, &count);
    char buf[64];
    for (size_t i = 0; i < count; i++) {
        if (x[i].change == CRISK_CHANGE_CHANGED)
            continue;
        int added = x[i].change == CRISK_CHANGE_ADDED;
        const side *from = added ? n : o;
        size_t g = added ? x[i].new_group : x[i].old_group;
        snprintf(buf, sizeof buf, "%s[%s]", id_of(from, crisk_inventory_group_owner(from->inv, g)),
                 crisk_inventory_group_name(from->inv, g));
        if (added)
            set_add(s, buf);
        else
            set_remove(s, buf);
    }
}

static void apply_model(const crisk_diff *d, const side *o, const side *n, set *s)
{
    apply_nodes(d, o, n, s);
    apply_edges(d, o, n, s);
}

/* The counts of each kind of change per section: NEW against OLD gives
 * OLD against NEW with added and removed swapped. */
static void expect_mirror(const crisk_diff *d, const crisk_diff *back, uint64_t seed)
{
    size_t n1, n2;
    cr_expect_eq(crisk_diff_count(d), crisk_diff_count(back), "seed %llu: mirrored count",
                 (unsigned long long)seed);
    const crisk_pair_diff *x = crisk_diff_spofs(d, &n1), *y = crisk_diff_spofs(back, &n2);
    size_t added = 0, removed = 0;
    for (size_t i = 0; i < n1; i++)
        added += x[i].change == CRISK_CHANGE_ADDED;
    for (size_t i = 0; i < n2; i++)
        removed += y[i].change == CRISK_CHANGE_REMOVED;
    cr_expect_eq(added, removed, "seed %llu: mirrored SPOFs", (unsigned long long)seed);
}

/* The pairs of a list come in their documented order: SPOFs by function
 * id, appeared before resolved, node id; breaches appeared before
 * resolved, then function id, node id.  Each pair once. */
static int pair_compare(const side *o, const side *n, const crisk_pair_diff *x,
                        const crisk_pair_diff *y, int breaches)
{
    const side *sx = x->change == CRISK_CHANGE_ADDED ? n : o, *sy = y->change == CRISK_CHANGE_ADDED ? n : o;
    size_t fx = x->change == CRISK_CHANGE_ADDED ? x->new_function : x->old_function;
    size_t fy = y->change == CRISK_CHANGE_ADDED ? y->new_function : y->old_function;
    size_t px = x->change == CRISK_CHANGE_ADDED ? x->new_node : x->old_node;
    size_t py = y->change == CRISK_CHANGE_ADDED ? y->new_node : y->old_node;
    int c = strcmp(id_of(sx, fx), id_of(sy, fy));
    int k = (x->change == CRISK_CHANGE_REMOVED) - (y->change == CRISK_CHANGE_REMOVED);
    if (breaches && k != 0)
        return k;
    if (c != 0)
        return c;
    if (k != 0)
        return k;
    return strcmp(id_of(sx, px), id_of(sy, py));
}

static void expect_pair_order(const crisk_diff *d, const side *o, const side *n, uint64_t seed)
{
    for (int b = 0; b < 2; b++) {
        size_t count;
        const crisk_pair_diff *x = read_pairs(d, b ? CRISK_DIFF_BREACHES : CRISK_DIFF_SPOFS, &count);
        for (size_t i = 1; i < count; i++)
            cr_expect_lt(pair_compare(o, n, &x[i - 1], &x[i], b), 0,
                         "seed %llu: %s %zu and %zu out of order", (unsigned long long)seed,
                         b ? "breaches" : "SPOFs", i - 1, i);
    }
}

/* The diff written in `fmt` (NUL-terminated; the caller frees). */
static char *emitted(const crisk_diff *d, crisk_format fmt)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    cr_assert_not_null(f);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_provenance prov = { 0 };
    cr_assert_eq(crisk_emit_diff(f, d, -1, fmt, &prov, &err), CRISK_OK, "%s", err.message);
    fclose(f);
    return buf;
}

/* A diff whose pairs spill to a temporary file every few pairs writes the
 * same bytes, in every format, as one that holds them all in memory. */
static void expect_same_when_spilled(const side *o, const side *n, const crisk_diff *d,
                                     uint64_t seed)
{
    size_t saved = pairs_in_memory;
    pairs_in_memory = 2 + seed % 5;
    crisk_diff *spilled = run_diff(o, n, 0);
    pairs_in_memory = saved;
    static const crisk_format formats[] = { CRISK_FORMAT_CSV, CRISK_FORMAT_JSON, CRISK_FORMAT_TABLE };
    for (size_t i = 0; i < 3; i++) {
        char *x = emitted(d, formats[i]), *y = emitted(spilled, formats[i]);
        cr_expect_str_eq(y, x, "seed %llu: format %zu differs once the pairs spill",
                         (unsigned long long)seed, i);
        free(x);
        free(y);
    }
    crisk_diff_free(spilled);
}

/* A chain of up to 8 random nodes hung below a random node of m: each
 * has one dependant, so the analysis and the diff derive it from the
 * chain's head. */
static void hang_chain(rng *r, model *m)
{
    int top = below(r, m->nn), length = below(r, 9);
    for (int k = 0; k < length && m->nn < MAX_NODES && m->ne < MAX_EDGES; k++) {
        add_random_node(r, m);
        m->e[m->ne++] = (redge){ top, m->nn - 1, "", "", 0 };
        top = m->nn - 1;
    }
}

static void check_random_pair(uint64_t seed, int chain)
{
    rng r = { seed };
    model m;
    random_model(&r, &m);
    if (chain)
        hang_chain(&r, &m);
    side o, same, n;
    build(&m, &o);
    build(&m, &same);
    perturb(&r, &m);
    build(&m, &n);

    crisk_diff *d = run_diff(&o, &same, 0);
    cr_expect_eq(crisk_diff_count(d), 0, "seed %llu: a snapshot differs from itself",
                 (unsigned long long)seed);
    crisk_diff_free(d);

    d = run_diff(&o, &n, 0);
    check_set(&o, &n, model_lines, apply_model, d, "the models", seed);
    check_set(&o, &n, spof_set, apply_spofs, d, "the single points of failure", seed);
    check_set(&o, &n, breach_set, apply_breaches, d, "the tolerance breaches", seed);
    check_set(&o, &n, shared_set, apply_shared, d, "the shared Nth parties", seed);
    check_set(&o, &n, redundancy_set, apply_redundancy, d, "the falsely redundant groups", seed);
    check_moves(d, &o, &n, seed);
    expect_pair_order(d, &o, &n, seed);
    expect_same_when_spilled(&o, &n, d, seed);
    crisk_diff *back = run_diff(&n, &o, 0);
    expect_mirror(d, back, seed);
    crisk_diff_free(back);
    crisk_diff_free(d);
    release(&o);
    release(&same);
    release(&n);
}

/* `functions` functions f0000..., and a provider p (recovery 10 h) that
 * each depends on when `depends`; every function tolerates 1 h. */
static void fan(side *s, int functions, int depends)
{
    tl_builder t;
    tl_builder_begin(&t);
    char id[16];
    for (int i = 0; i <= functions; i++) {
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        snprintf(id, sizeof id, "f%04d", i);
        rec.id = i < functions ? id : "p";
        rec.type = i < functions ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER;
        rec.criticality = i < functions ? 3 : NAN;
        rec.rto_hours = i < functions ? 1 : NAN;
        rec.recovery_hours = i < functions ? NAN : 10;
        tl_builder_node(&t, &rec);
    }
    for (int i = 0; depends && i < functions; i++) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        snprintf(id, sizeof id, "f%04d", i);
        rec.from = id;
        rec.to = "p";
        tl_builder_edge(&t, &rec);
    }
    s->inv = tl_builder_finish(&t);
    analyse(s);
}

static size_t count_lines(const char *text, const char *prefix)
{
    size_t n = 0, len = strlen(prefix);
    for (const char *line = text; line != NULL && *line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        n += strncmp(line, prefix, len) == 0;
    }
    return n;
}

/* 1 200 functions come to depend on p, which recovers in 10 h against
 * their 1 h: 1 200 SPOFs and 1 200 breaches appear.  Read back from runs
 * of 7 pairs (172 runs a list, merged) they come in id order; CSV lists
 * all of them, the table the first 1 000 of each and says how many more. */
Test(diff, streams_many_pairs_through_sorted_runs_and_caps_them_in_a_table)
{
    side o = { NULL, NULL }, n = { NULL, NULL };
    fan(&o, 1200, 0);
    fan(&n, 1200, 1);
    pairs_in_memory = 7;
    crisk_diff *d = run_diff(&o, &n, 0);
    pairs_in_memory = 0;
    size_t appeared, resolved, count;
    crisk_diff_pair_counts(d, CRISK_DIFF_SPOFS, &appeared, &resolved);
    cr_expect_eq(appeared, 1200);
    cr_expect_eq(resolved, 0);
    crisk_diff_pair_counts(d, CRISK_DIFF_BREACHES, &appeared, &resolved);
    cr_expect_eq(appeared, 1200);
    const crisk_pair_diff *x = read_pairs(d, CRISK_DIFF_BREACHES, &count);
    cr_assert_eq(count, 1200);
    char want[32];
    for (size_t i = 0; i < count; i++) {
        snprintf(want, sizeof want, "f%04zu", i);
        cr_expect_str_eq(id_of(&n, x[i].new_function), want);
        cr_expect_str_eq(id_of(&n, x[i].new_node), "p");
    }
    char *csv = emitted(d, CRISK_FORMAT_CSV), *table = emitted(d, CRISK_FORMAT_TABLE);
    cr_expect_eq(count_lines(csv, "spof-appeared,p,"), 1200);
    cr_expect_eq(count_lines(csv, "breach-appeared,p,"), 1200);
    const char *spofs = strstr(table, "single points of failure"), *breaches = strstr(table, "tolerance");
    cr_assert(spofs != NULL && breaches != NULL && spofs < breaches);
    cr_expect_eq(count_lines(breaches, "  f0"), 1000);
    cr_expect_eq(count_lines(spofs, "  f0") - count_lines(breaches, "  f0"), 1000);
    cr_expect_not_null(strstr(spofs, "  f0999     p     p     appeared\n"
                                     "  ... and 200 more (--format csv or json lists them all)\n"
                                     "\nproviders whose"), "%s", spofs);
    cr_expect_not_null(strstr(breaches, "  f0999             1  p                     10  appeared\n"
                                        "  ... and 200 more (--format csv or json lists them all)\n"),
                       "%s", breaches);
    free(csv);
    free(table);
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

/* Pairs past pairs_in_memory go to a temporary file in $TMPDIR: one that
 * cannot be made there is an I/O error that names the folder. */
Test(diff, says_where_it_could_not_make_its_temporary_file)
{
    side o = { NULL, NULL }, n = { NULL, NULL };
    fan(&o, 20, 0);
    fan(&n, 20, 1);
    cr_assert_eq(setenv("TMPDIR", "/nonexistent-crisk-dir", 1), 0);
    crisk_diff *d = NULL;
    crisk_diff_options opts = CRISK_DIFF_OPTIONS_INIT;
    opts.pairs_in_memory = 4;
    crisk_error err = CRISK_ERROR_INIT;
    cr_expect_eq(crisk_diff_run(&d, o.a, n.a, &opts, &err), CRISK_EIO);
    cr_expect_str_eq(err.message, "cannot create a temporary file in /nonexistent-crisk-dir: "
                                  "No such file or directory");
    cr_expect_null(d);
    opts.pairs_in_memory = 40;   /* 20 SPOFs and 20 breaches fit: no file is needed */
    cr_expect_eq(crisk_diff_run(&d, o.a, n.a, &opts, &err), CRISK_OK, "%s", err.message);
    crisk_diff_free(d);
    release(&o);
    release(&n);
}

Test(diff, applying_the_changes_to_old_gives_new_on_random_inventories, .timeout = 600)
{
    for (uint64_t seed = 1; seed <= 400; seed++)
        check_random_pair(seed, 0);
}

/* The same with a chain below some node of OLD, which NEW's changes may
 * cut, extend or leave: dirty chain members are derived from their head
 * when the chain holds on both sides, and failed again otherwise. */
Test(diff, applying_the_changes_to_old_gives_new_on_random_inventories_with_chains,
     .timeout = 600)
{
    for (uint64_t seed = 1; seed <= 400; seed++)
        check_random_pair(seed, 1);
}

/* ---- fingerprints ------------------------------------------------------------------------ */

/* Each node's fingerprints (keep_fingerprints) equal the sums of the id
 * hashes over its SPOF pairs, and over those it breaches, read from the
 * analysis' SPOF lists - whether the node was swept or inherited from the
 * head of its chain. */
static void expect_fingerprints_of_spof_lists(const side *s, uint64_t seed)
{
    size_t n = crisk_inventory_node_count(s->inv);
    uint64_t *impact = calloc(n + 1, sizeof *impact), *breach = calloc(n + 1, sizeof *breach);
    cr_assert(impact != NULL && breach != NULL);
    for (size_t f = 0; f < n; f++) {
        crisk_node_view fn, p;
        crisk_inventory_node(s->inv, f, &fn);
        size_t count;
        const uint32_t *spofs = crisk_analysis_spofs(s->a, f, &count);
        uint64_t h = crisk__hash(fn.id, strlen(fn.id));
        for (size_t i = 0; i < count; i++) {
            crisk_inventory_node(s->inv, spofs[i], &p);
            impact[spofs[i]] += h;
            if (fn.rto_hours < p.recovery_hours)   /* false when either is NaN */
                breach[spofs[i]] += h;
        }
    }
    for (size_t v = 0; v < n; v++) {
        uint64_t fi, fb;
        crisk__analysis_fingerprint(s->a, v, &fi, &fb);
        cr_expect_eq(fi, impact[v], "seed %llu: impact fingerprint of '%s'",
                     (unsigned long long)seed, crisk_inventory_node_id(s->inv, v));
        cr_expect_eq(fb, breach[v], "seed %llu: breach fingerprint of '%s'",
                     (unsigned long long)seed, crisk_inventory_node_id(s->inv, v));
    }
    free(impact);
    free(breach);
}

/* f (function, rto 4 h) <- a (recovery 2 h) <- b (8 h) <- c (none): each
 * of a, b, c has one dependant, so a inherits from f, b from a and c from
 * b instead of being swept.  Each takes f down: impact fingerprint H(f);
 * only b breaches it (4 < 8; 4 < 2 is false, c has no recovery). */
Test(diff, carries_fingerprints_down_dependency_chains)
{
    static const char *const ids[] = { "f", "a", "b", "c" };
    static const double recovery[] = { NAN, 2, 8, NAN };
    model m;
    memset(&m, 0, sizeof m);
    for (int i = 0; i < 4; i++) {
        rnode *x = &m.n[m.nn++];
        snprintf(x->id, sizeof x->id, "%s", ids[i]);
        snprintf(x->name, sizeof x->name, "%s", ids[i]);
        x->type = i == 0 ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER;
        x->criticality = 1;
        x->rto = i == 0 ? 4 : NAN;
        x->recovery = recovery[i];
        x->spend = x->probability = NAN;
        if (i > 0)
            m.e[m.ne++] = (redge){ i - 1, i, "", "", 0 };
    }
    side s;
    build(&m, &s);
    uint64_t hf = crisk__hash("f", 1), fi, fb;
    for (size_t v = 0; v < 4; v++) {
        crisk__analysis_fingerprint(s.a, v, &fi, &fb);
        cr_expect_eq(fi, v == 0 ? 0 : hf, "impact fingerprint of '%s'", ids[v]);
        cr_expect_eq(fb, v == 2 ? hf : 0, "breach fingerprint of '%s'", ids[v]);
    }
    expect_fingerprints_of_spof_lists(&s, 0);
    release(&s);
}

/* Random inventories with cycles and k-of-n groups, each with a chain of
 * up to 8 nodes hung below one of its nodes (some of them functions, with
 * every attribute random): the fingerprints agree with the SPOF lists. */
Test(diff, fingerprints_agree_with_the_spof_lists_on_random_inventories, .timeout = 600)
{
    for (uint64_t seed = 1; seed <= 400; seed++) {
        rng r = { seed };
        model m;
        random_model(&r, &m);
        hang_chain(&r, &m);
        side s;
        build(&m, &s);
        expect_fingerprints_of_spof_lists(&s, seed);
        release(&s);
    }
}

/* ---- failing dirty nodes on threads ---------------------------------------------------------- */

/* `pairs` providers p0000... (recovery 10 h), each depended on by its
 * function f0000... (rto 1 h), and each depending on a c0000... below it
 * (recovery 10 h when odd, 0.5 h when even): c's only dependant is its p,
 * so c is derived from p.  With `g`, a function g (rto 1 h) depends on
 * every p too. */
static void ladder(side *s, int pairs, int g)
{
    tl_builder t;
    tl_builder_begin(&t);
    char id[16], to[16];
    for (int i = 0; i < 3 * pairs + 1; i++) {
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        int k = i % pairs, what = i / pairs;   /* 0 f, 1 p, 2 c, 3 g */
        snprintf(id, sizeof id, "%c%04d", "fpcg"[what], k);
        rec.id = what == 3 ? "g" : id;
        rec.type = what == 0 || what == 3 ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER;
        rec.rto_hours = what == 0 || what == 3 ? 1 : NAN;
        rec.recovery_hours = what == 1 || (what == 2 && k % 2) ? 10 : what == 2 ? 0.5 : NAN;
        if (what < 3 || g)
            tl_builder_node(&t, &rec);
    }
    for (int i = 0; i < 3 * pairs; i++) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        int k = i % pairs, what = i / pairs;   /* 0 f -> p, 1 p -> c, 2 g -> p */
        snprintf(id, sizeof id, "%c%04d", "fpg"[what], k);
        snprintf(to, sizeof to, "%c%04d", "pcp"[what], k);
        rec.from = what == 2 ? "g" : id;
        rec.to = to;
        if (what < 2 || g)
            tl_builder_edge(&t, &rec);
    }
    s->inv = tl_builder_finish(&t);
    analyse(s);
}

/* 1 500 ladders; NEW adds g above every p.  Each p and c now takes g down:
 * 1 500 p (heads, three batches of 512 or fewer) and 1 500 c (derived
 * from their p) are dirty, so 3 000 SPOFs appear, (g, p) and (g, c), and
 * 1 500 + 750 breaches (g tolerates 1 h; every p and the odd c recover in
 * 10 h).  On 1, 2 and 4 threads the diff writes the same bytes. */
Test(diff, fails_dirty_nodes_on_threads_and_derives_chain_members)
{
    side o = { NULL, NULL }, n = { NULL, NULL };
    ladder(&o, 1500, 0);
    ladder(&n, 1500, 1);
    char *first = NULL;
    static const unsigned threads[] = { 1, 2, 4 };
    for (size_t t = 0; t < 3; t++) {
        crisk_diff *d = NULL;
        crisk_diff_options opts = CRISK_DIFF_OPTIONS_INIT;
        opts.threads = threads[t];
        opts.pairs_in_memory = 1000;   /* and spill on the way */
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_diff_run(&d, o.a, n.a, &opts, &err), CRISK_OK, "%s", err.message);
        size_t appeared, resolved;
        crisk_diff_pair_counts(d, CRISK_DIFF_SPOFS, &appeared, &resolved);
        cr_expect_eq(appeared, 3000);
        cr_expect_eq(resolved, 0);
        crisk_diff_pair_counts(d, CRISK_DIFF_BREACHES, &appeared, &resolved);
        cr_expect_eq(appeared, 2250);
        cr_expect_eq(resolved, 0);
        size_t count;
        const crisk_pair_diff *x = crisk_diff_spofs(d, &count);
        cr_assert_eq(count, 3000);
        cr_expect_str_eq(crisk_inventory_node_id(n.inv, x[0].new_function), "g");
        cr_expect_str_eq(crisk_inventory_node_id(n.inv, x[0].new_node), "c0000");
        cr_expect_str_eq(crisk_inventory_node_id(n.inv, x[2999].new_node), "p1499");
        char *text = emitted(d, CRISK_FORMAT_CSV);
        if (first == NULL)
            first = text;
        else {
            cr_expect_str_eq(text, first, "%u threads write other bytes", threads[t]);
            free(text);
        }
        crisk_diff_free(d);
    }
    free(first);
    release(&o);
    release(&n);
}

/* ---- the pairs' file failing under a cursor ----------------------------------------------------- */

/* `functions` functions f000..., and a chain h000 -> h001 -> ... of
 * `chain` providers; with `linked`, every function depends on h000, so
 * every h is a SPOF of every function. */
static void fan_chain(side *s, int functions, int chain, int linked)
{
    tl_builder t;
    tl_builder_begin(&t);
    char id[16], to[16];
    for (int i = 0; i < functions + chain; i++) {
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        snprintf(id, sizeof id, i < functions ? "f%03d" : "h%03d",
                 i < functions ? i : i - functions);
        rec.id = id;
        rec.type = i < functions ? CRISK_NODE_FUNCTION : CRISK_NODE_SUPPLIER;
        tl_builder_node(&t, &rec);
    }
    for (int i = 0; i < chain - 1; i++) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        snprintf(id, sizeof id, "h%03d", i);
        snprintf(to, sizeof to, "h%03d", i + 1);
        rec.from = id;
        rec.to = to;
        tl_builder_edge(&t, &rec);
    }
    for (int i = 0; linked && i < functions; i++) {
        crisk_edge_record rec;
        crisk_edge_record_init(&rec);
        snprintf(id, sizeof id, "f%03d", i);
        rec.from = id;
        rec.to = "h000";
        tl_builder_edge(&t, &rec);
    }
    s->inv = tl_builder_finish(&t);
    analyse(s);
}

/* 600 functions come to depend on a chain of 500 providers: 300 000 SPOFs
 * appear, 290 000 of them spilled as one run (about 300 KB, more than the
 * 256 KiB its reader buffers).  Once a cursor has handed out one pair, the
 * file is cut to nothing: the cursor hands out the pairs it had read, in
 * order, then fails with CRISK_EIO and the system's reason, instead of
 * ending as if the list were whole (an emitter would write a short
 * table). */
Test(diff, pairs_file_failing_under_the_cursor_is_an_error)
{
    side o = { NULL, NULL }, n = { NULL, NULL };
    fan_chain(&o, 600, 500, 0);
    fan_chain(&n, 600, 500, 1);
    crisk_diff *d = NULL;
    crisk_diff_options opts = CRISK_DIFF_OPTIONS_INIT;
    opts.pairs_in_memory = 290000;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_diff_run(&d, o.a, n.a, &opts, &err), CRISK_OK, "%s", err.message);
    size_t total;
    const crisk_pair_diff *want = read_pairs(d, CRISK_DIFF_SPOFS, &total);
    cr_assert_eq(total, 300000);
    cr_assert_eq(d->pairs[CRISK_DIFF_SPOFS].n_runs, 1);
    cr_assert_gt(d->pairs[CRISK_DIFF_SPOFS].runs[0].bytes, (uint64_t)(256u << 10));
    crisk_diff_cursor *c = NULL;
    cr_assert_eq(crisk_diff_pairs_open(&c, d, CRISK_DIFF_SPOFS, &err), CRISK_OK, "%s",
                 err.message);
    crisk_pair_diff x;
    cr_assert_eq(crisk_diff_pairs_next(c, &x, &err), 1);
    cr_assert_eq(ftruncate(d->pairs[CRISK_DIFF_SPOFS].fd, 0), 0);
    size_t got = 1;
    int rc;
    while ((rc = crisk_diff_pairs_next(c, &x, &err)) == 1) {
        cr_assert_lt(got, total);
        cr_assert(x.new_function == want[got].new_function && x.new_node == want[got].new_node,
                  "pair %zu", got);
        got++;
    }
    cr_expect_eq(rc, CRISK_EIO);
    cr_expect_eq(err.code, CRISK_EIO);
    cr_expect_str_eq(err.message, "cannot read a temporary file: Input/output error");
    cr_expect_gt(got, 1000, "the pairs read before the failure came first (%zu)", got);
    cr_expect_lt(got, total - 1000, "the failure came before the end (%zu)", got);
    crisk_diff_pairs_close(c);
    crisk_diff_free(d);
    release(&o);
    release(&n);
}
