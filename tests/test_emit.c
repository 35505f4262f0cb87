/*
 * test_emit.c - the command emitters, byte for byte, on a hand-worked graph.
 *
 * The inventory ("small"):
 *
 *   f1 Billing  (function, criticality 3, rto 4 h)  -> s1
 *   f2 Care     (function, criticality 1, rto 48 h) -> group hosting, need 2 of {s1, s2, s3}
 *   s1 "=cmd()" (supplier, cloud, spend 50, recovery 10 h, parent P) -> s4
 *   s2 "Beta, Inc." (service, cloud, spend 30, parent P)             -> s4
 *   s3 Gamma    (supplier, cloud, spend 20)
 *   s4 Core     (supplier, telecom: a fourth party under s1 and s2)
 *   x  Orphan   (supplier, nobody depends on it and it on nobody: no tier)
 *
 * Worked by hand: total criticality 4.  s4 fails s1 and s2, so f1 (plain
 * edge) and f2 (hosting keeps 1 of the 2 it needs): impact 2, weight 4.
 * s1 fails f1 only (hosting keeps s2, s3): impact 1, weight 3, and f1's rto
 * 4 h < s1's recovery 10 h: 1 breach; the other nodes have no
 * recovery_hours, so their breaches are unknown (empty, null, "-").  SPOFs:
 * f1 {s1, s4}, f2 {s4}; minimal pairs of f2: any two of s1, s2, s3.
 * Shared: s4 (tier 2) under the tier-1 s1, s2.  False redundancy:
 * f2/hosting, which s4 defeats (2 members failed, more than 3 - 2).  Cloud
 * spend 50/30/20: HHI 2500 + 900 + 400 = 3800.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "loading.h"
#include "emit/emit.h"

typedef struct node_spec {
    const char *id, *name;
    crisk_node_type type;
    crisk_category category;
    double criticality, rto, recovery, spend;
    const char *parent, *country;
} node_spec;

typedef tl_edge edge_spec;

static const node_spec small_nodes[] = {
    { "f1", "Billing", CRISK_NODE_FUNCTION, CRISK_CAT_OTHER, 3, 4, NAN, NAN, NULL, NULL },
    { "f2", "Care", CRISK_NODE_FUNCTION, CRISK_CAT_OTHER, 1, 48, NAN, NAN, NULL, NULL },
    { "s1", "=cmd()", CRISK_NODE_SUPPLIER, CRISK_CAT_CLOUD, 1, NAN, 10, 50, "P", "DE" },
    { "s2", "Beta, Inc.", CRISK_NODE_SERVICE, CRISK_CAT_CLOUD, 1, NAN, NAN, 30, "P", "FR" },
    { "s3", "Gamma", CRISK_NODE_SUPPLIER, CRISK_CAT_CLOUD, 1, NAN, NAN, 20, NULL, "DE" },
    { "s4", "Core", CRISK_NODE_SUPPLIER, CRISK_CAT_TELECOM, 1, NAN, NAN, NAN, NULL, NULL },
    { "x", "Orphan", CRISK_NODE_SUPPLIER, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
};

static const edge_spec small_edges[] = {
    { "f1", "s1", NULL, 0 },
    { "f2", "s1", "hosting", 2 },
    { "f2", "s2", "hosting", 2 },
    { "f2", "s3", "hosting", 2 },
    { "s1", "s4", NULL, 0 },
    { "s2", "s4", NULL, 0 },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static crisk_inventory *build(const node_spec *nodes, size_t n_nodes, const edge_spec *edges,
                              size_t n_edges)
{
    crisk_node_record *nr = calloc(n_nodes + 1, sizeof *nr);
    cr_assert_not_null(nr);
    for (size_t i = 0; i < n_nodes; i++) {
        crisk_node_record_init(&nr[i]);
        nr[i].id = nodes[i].id;
        nr[i].name = nodes[i].name;
        nr[i].type = nodes[i].type;
        nr[i].category = nodes[i].category;
        nr[i].criticality = nodes[i].criticality;
        nr[i].rto_hours = nodes[i].rto;
        nr[i].recovery_hours = nodes[i].recovery;
        nr[i].spend = nodes[i].spend;
        nr[i].parent = nodes[i].parent;
        nr[i].country = nodes[i].country;
    }
    crisk_inventory *inv = tl_build(nr, n_nodes, edges, n_edges, NULL);
    free(nr);
    return inv;
}

static crisk_inventory *small(void)
{
    return build(small_nodes, COUNT(small_nodes), small_edges, COUNT(small_edges));
}

static crisk_analysis *analyse(const crisk_inventory *inv)
{
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK, "%s", err.message);
    return a;
}

/* An in-memory stream; finish() returns the bytes (caller frees). */
typedef struct buffer {
    FILE *f;
    char *data;
    size_t size;
} buffer;

static FILE *open_buffer(buffer *b)
{
    b->data = NULL;
    b->size = 0;
    b->f = open_memstream(&b->data, &b->size);
    cr_assert_not_null(b->f);
    return b->f;
}

static char *finish(buffer *b)
{
    fclose(b->f);
    return b->data;
}

static size_t node_of(const crisk_inventory *inv, const char *id)
{
    size_t v;
    cr_assert_eq(crisk_inventory_find(inv, id, &v), CRISK_OK, "no node %s", id);
    return v;
}

/* ---- rank ------------------------------------------------------------------------ */

static const char small_rank_csv[] =
    "id,name,type,category,tier,direct_dependants,dependants,functions,exposure,impact,"
    "impact_weight,impact_share,spof,breaches\n"
    "s4,Core,supplier,telecom,2,2,4,2,4,2,4,1,true,\n"
    "s1,\"'=cmd()\",supplier,cloud,1,2,2,2,4,1,3,0.75,true,1\n"
    "s2,\"Beta, Inc.\",service,cloud,1,1,1,1,1,0,0,0,false,\n"
    "s3,Gamma,supplier,cloud,1,1,1,1,1,0,0,0,false,\n"
    "f1,Billing,function,other,0,0,0,0,0,0,0,0,false,\n"
    "f2,Care,function,other,0,0,0,0,0,0,0,0,false,\n"
    "x,Orphan,supplier,other,,0,0,0,0,0,0,0,false,\n";

Test(emit_rank, csv_gives_every_node_in_ranking_order_with_empty_cells_for_not_applicable_or_unknown)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    buffer b;
    crisk_rank_options o = CRISK_RANK_OPTIONS_INIT;
    cr_assert_eq(crisk_emit_rank(open_buffer(&b), a, &o, CRISK_FORMAT_CSV, NULL, NULL), CRISK_OK);
    char *out = finish(&b);
    cr_assert_str_eq(out, small_rank_csv);
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_rank, filters_by_type_then_cuts_to_top)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    buffer b;
    crisk_rank_options o = { .type = CRISK_NODE_SUPPLIER, .category = CRISK_CAT_CLOUD, .top = 2 };
    cr_assert_eq(crisk_emit_rank(open_buffer(&b), a, &o, CRISK_FORMAT_CSV, NULL, NULL), CRISK_OK);
    char *out = finish(&b);
    cr_assert_str_eq(strchr(out, '\n') + 1,
                     "s1,\"'=cmd()\",supplier,cloud,1,2,2,2,4,1,3,0.75,true,1\n"
                     "s3,Gamma,supplier,cloud,1,1,1,1,1,0,0,0,false,\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_rank, json_has_the_envelope_and_rows_keyed_in_csv_order_with_null)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    crisk_provenance prov = { .command = "rank", .n_options = 1,
                              .option_names = { "format" }, .option_values = { "json" } };
    buffer b;
    cr_assert_eq(crisk_emit_rank(open_buffer(&b), a, NULL, CRISK_FORMAT_JSON, &prov, NULL), CRISK_OK);
    char *out = finish(&b);
    cr_assert(strncmp(out, "{\n\"schema\": \"chainrisk/1\",\n\"tool\": {\"name\": \"chainrisk\"", 54) == 0,
              "%s", out);
    const char *const keys[] = { "\"command\": \"rank\"", "\"inputs\": [", "\"model\": {\"nodes\": 7",
                                 "\"options\": {\"format\": \"json\"}",
                                 "\"results\": {\"total_criticality\": 4, \"nodes\": [" };
    const char *at = out;
    for (size_t i = 0; i < COUNT(keys); i++) {
        const char *hit = strstr(at, keys[i]);
        cr_assert_not_null(hit, "missing or out of order: %s", keys[i]);
        at = hit;
    }
    cr_assert_not_null(strstr(out, "\n  {\"id\": \"s4\", \"name\": \"Core\", \"type\": \"supplier\", "
                                   "\"category\": \"telecom\", \"tier\": 2, \"direct_dependants\": 2, "
                                   "\"dependants\": 4, \"functions\": 2, \"exposure\": 4, \"impact\": 2, "
                                   "\"impact_weight\": 4, \"impact_share\": 1, \"spof\": true, "
                                   "\"breaches\": null},\n"));
    cr_assert_not_null(strstr(out, "{\"id\": \"x\", \"name\": \"Orphan\", \"type\": \"supplier\", "
                                   "\"category\": \"other\", \"tier\": null,"));
    size_t len = strlen(out);
    cr_assert(len > 6);
    cr_assert_str_eq(out + len - 6, "\n]}\n}\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_rank, table_has_a_header_aligned_rows_and_a_summary_footer)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    buffer b;
    cr_assert_eq(crisk_emit_rank(open_buffer(&b), a, NULL, CRISK_FORMAT_TABLE, NULL, NULL), CRISK_OK);
    char *out = finish(&b);
    const char *expected =
        "#  id  name        type      category  tier  direct  dependants  functions  exposure  impact  weight   share  spof  breaches\n"
        "1  s4  Core        supplier  telecom      2       2           4          2         4       2       4  100.0%  yes          -\n"
        "2  s1  =cmd()      supplier  cloud        1       2           2          2         4       1       3   75.0%  yes          1\n"
        "3  s2  Beta, Inc.  service   cloud        1       1           1          1         1       0       0    0.0%  no           -\n"
        "4  s3  Gamma       supplier  cloud        1       1           1          1         1       0       0    0.0%  no           -\n"
        "5  f1  Billing     function  other        0       0           0          0         0       0       0    0.0%  no           -\n"
        "6  f2  Care        function  other        0       0           0          0         0       0       0    0.0%  no           -\n"
        "7  x   Orphan      supplier  other        -       0           0          0         0       0       0    0.0%  no           -\n"
        "7 nodes; total criticality 4; 2 single points of failure\n";
    cr_assert_str_eq(out, expected);
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_rank, reports_a_write_error_as_eio)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    FILE *f = fopen("/dev/null", "r");   /* every write fails */
    cr_assert_not_null(f);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_emit_rank(f, a, NULL, CRISK_FORMAT_CSV, NULL, &err), CRISK_EIO);
    cr_assert_eq(err.code, CRISK_EIO);
    fclose(f);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* ---- buffered and parallel CSV rows ------------------------------------------------ */

/* Row i of a synthetic table: texts that need quoting or neutralising now
 * and then, whole and fractional numbers that repeat in runs (the memo of
 * the last non-whole number of a column), -0, NaN, booleans. */
static const char *const row_texts[] = {
    "plain", "", "with, comma", "say \"hi\"", "=cmd()", "-neg", "+x", "@at", "\ttab", "\rcr",
    "line\nbreak", "ok;semi", "caf\xc3\xa9"
};

static void synthetic_row(void *ctx, size_t i, crisk__field *row)
{
    (void)ctx;
    static const double fractions[] = { 0.1, 1.0 / 3, 2.5e-7, 1e300 / 7, -1.0 / 7, 123456.789 };
    size_t nt = sizeof row_texts / sizeof *row_texts;
    row[0] = crisk__f_text("id", row_texts[i % nt]);
    row[1] = crisk__f_text("name", i % 5 == 0 ? NULL : row_texts[(i / 3) % nt]);
    row[2] = crisk__f_count("count", i * 7919 % 100003);
    row[3] = crisk__f_number("share", fractions[(i / 50) % 6] * (double)(1 + i / 300));
    row[4] = crisk__f_number("whole", i % 11 == 0 ? NAN : i % 13 == 0 ? -0.0 : -(double)i);
    row[5] = crisk__f_bool("flag", i % 7 == 0 ? NAN : (double)(i % 2));
    row[6] = crisk__f_number("big", i % 17 == 0 ? 1e15 + (double)i : 1e15 - (double)i);
}

static char *rows_with(size_t count, size_t threads)
{
    buffer b;
    FILE *f = open_buffer(&b);
    fputs("head\n", f);   /* already in the stream: must come first */
    cr_assert_eq(crisk__csv_rows_parallel(f, count, 7, synthetic_row, NULL, threads), CRISK_OK);
    return finish(&b);
}

Test(emit_rows, buffered_and_parallel_rows_are_the_bytes_of_crisk__csv_row)
{
    const size_t counts[] = { 0, 1, 4095, 4096, 4097, 8192, 20001 };
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        buffer b;
        FILE *f = open_buffer(&b);
        fputs("head\n", f);
        crisk__field row[7];
        for (size_t i = 0; i < counts[c]; i++) {
            synthetic_row(NULL, i, row);
            cr_assert_eq(crisk__csv_row(f, row, 7), CRISK_OK);
        }
        char *want = finish(&b);
        const size_t threads[] = { 1, 2, 3, 8 };
        for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
            char *got = rows_with(counts[c], threads[t]);
            cr_assert_str_eq(got, want, "%zu rows on %zu threads", counts[c], threads[t]);
            free(got);
        }
        free(want);
    }
}

/* ---- terminal text ----------------------------------------------------------------- */

Test(emit_table, neutralises_control_characters_and_cuts_long_names_with_an_ellipsis)
{
    crisk__pool pool;
    crisk__pool_init(&pool);
    cr_assert_str_eq(crisk__terminal_text(&pool, "evil\x1b[2J\r\n\xff name", 0), "evil?[2J??? name");
    cr_assert_str_eq(crisk__terminal_text(&pool, "a\xe2\x80\xae" "b", 0), "a?b");   /* U+202E */
    cr_assert_str_eq(crisk__terminal_text(&pool, "Schl\xc3\xbcsselwerk", 5), "Schl\xe2\x80\xa6");
    char name[61];
    memset(name, 'n', 60);
    name[60] = '\0';
    const char *cut = crisk__terminal_text(&pool, name, CRISK__NAME_WIDTH);
    cr_assert_eq(strlen(cut), 39 + 3);
    cr_assert_str_eq(cut + 39, "\xe2\x80\xa6");
    cr_assert_str_eq(crisk__terminal_text(&pool, name + 20, CRISK__NAME_WIDTH), name + 20);
    crisk__pool_release(&pool);
}

/* ---- spof ------------------------------------------------------------------------- */

static char *spof_output(const crisk_analysis *a, long function, int pairs, crisk_format fmt)
{
    buffer b;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_emit_spof(open_buffer(&b), a, function, pairs, fmt, NULL, &err), CRISK_OK,
                 "%s", err.message);
    return finish(&b);
}

Test(emit_spof, csv_lists_one_row_per_function_and_spof)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = spof_output(a, -1, 0, CRISK_FORMAT_CSV);
    cr_assert_str_eq(out, "function,spof\nf1,s1\nf1,s4\nf2,s4\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_spof, csv_with_pairs_adds_spof2_empty_for_single_spofs)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = spof_output(a, -1, 1, CRISK_FORMAT_CSV);
    cr_assert_str_eq(out, "function,spof,spof2,pairs_cut\n"
                          "f1,s1,,false\nf1,s4,,false\n"
                          "f2,s4,,false\nf2,s1,s2,false\nf2,s1,s3,false\nf2,s2,s3,false\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_spof, table_for_one_function_shows_its_spofs_and_pairs)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = spof_output(a, (long)node_of(inv, "f2"), 1, CRISK_FORMAT_TABLE);
    cr_assert_str_eq(out,
        "f2 \"Care\" (criticality 1): 1 single point of failure\n"
        "  spof  name  type      category\n"
        "  s4    Core  supplier  telecom\n"
        "  3 minimal pairs (fail together, neither alone):\n"
        "    spof  spof2  name        name2\n"
        "    s1    s2     =cmd()      Beta, Inc.\n"
        "    s1    s3     =cmd()      Gamma\n"
        "    s2    s3     Beta, Inc.  Gamma\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_spof, refuses_a_node_that_is_not_a_function)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    buffer b;
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_emit_spof(open_buffer(&b), a, (long)node_of(inv, "s1"), 0, CRISK_FORMAT_CSV,
                             NULL, &err);
    free(finish(&b));
    cr_assert_eq(rc, CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "node 's1' is a supplier, not a function");
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_spof, json_lists_spofs_and_pairs_by_id)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = spof_output(a, -1, 1, CRISK_FORMAT_JSON);
    cr_assert_not_null(strstr(out, "\"results\": {\"functions\": [\n"
        "  {\"function\": \"f1\", \"name\": \"Billing\", \"criticality\": 3, \"spofs\": [\"s1\", \"s4\"], \"pairs\": [], \"pairs_cut\": false},\n"
        "  {\"function\": \"f2\", \"name\": \"Care\", \"criticality\": 1, \"spofs\": [\"s4\"], "
        "\"pairs\": [[\"s1\", \"s2\"], [\"s1\", \"s3\"], [\"s2\", \"s3\"]], \"pairs_cut\": false}\n]}\n}\n"), "%s", out);
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* Minimal pairs share one work budget per analysis (issue 11 §3.9).  f1
 * and f2 each rely on an OR pair {a, b}: 2 candidates over 2 edges, an
 * estimated 2 * (2/512 + 1) * 2 = 4.02 edge visits each; f3 on c alone
 * (a SPOF, no candidates: no work); f4 on {a, b} and c (a SPOF): 6.02.
 * With a budget of 6, f1 is computed, f2 is cut (4.02 > the 1.98 left), f3
 * still fits, and f4 is cut too, with its SPOF still listed. */
static const node_spec budget_nodes[] = {
    { "f1", "One", CRISK_NODE_FUNCTION, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
    { "f2", "Two", CRISK_NODE_FUNCTION, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
    { "f3", "Three", CRISK_NODE_FUNCTION, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
    { "a", "Alpha", CRISK_NODE_SUPPLIER, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
    { "b", "Beta", CRISK_NODE_SUPPLIER, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
    { "c", "Gamma", CRISK_NODE_SUPPLIER, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
    { "f4", "Four", CRISK_NODE_FUNCTION, CRISK_CAT_OTHER, 1, NAN, NAN, NAN, NULL, NULL },
};

static const edge_spec budget_edges[] = {
    { "f1", "a", "up", 1 }, { "f1", "b", "up", 1 },
    { "f2", "a", "up", 1 }, { "f2", "b", "up", 1 },
    { "f3", "c", NULL, 0 },
    { "f4", "a", "up", 1 }, { "f4", "b", "up", 1 }, { "f4", "c", NULL, 0 },
};

static crisk_analysis *analyse_with_budget(const crisk_inventory *inv, double max_work)
{
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.pairs_max_work = max_work;
    cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK, "%s", err.message);
    return a;
}

static const char budget_cut_message[] =
    "minimal pairs of 'f2' not computed: 2 candidates over 2 edges need about 4.02 edge visits, "
    "more than the 1.98 left of the limit of 6 for all functions together";

Test(spof_pairs_budget, is_one_budget_for_all_the_calls_on_an_analysis)
{
    crisk_inventory *inv = build(budget_nodes, COUNT(budget_nodes), budget_edges,
                                 COUNT(budget_edges));
    crisk_analysis *a = analyse_with_budget(inv, 6);
    cr_assert_eq(crisk_analysis_pairs_max_work(a), 6);
    uint32_t *pairs = NULL;
    size_t count = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_spof_pairs(a, node_of(inv, "f1"), &pairs, &count, &err), CRISK_OK);
    cr_assert_eq(count, 1);
    free(pairs);
    cr_assert_eq(crisk_analysis_spof_pairs(a, node_of(inv, "f2"), &pairs, &count, &err),
                 CRISK_ELIMIT);
    cr_assert_null(pairs);
    cr_assert_str_eq(err.message, budget_cut_message);
    crisk_error_clear(&err);
    /* a refused call uses none of the budget: a cheaper one still fits */
    cr_assert_eq(crisk_analysis_spof_pairs(a, node_of(inv, "f3"), &pairs, &count, &err), CRISK_OK);
    cr_assert_eq(count, 0);
    free(pairs);
    /* the same function again is charged again */
    cr_assert_eq(crisk_analysis_spof_pairs(a, node_of(inv, "f1"), &pairs, &count, &err),
                 CRISK_ELIMIT);
    crisk_analysis_free(a);
    /* each function alone fits: the default budget cuts nothing */
    a = analyse_with_budget(inv, 0);
    cr_assert_eq(crisk_analysis_pairs_max_work(a), CRISK_PAIRS_MAX_WORK);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(crisk_analysis_spof_pairs(a, node_of(inv, i ? "f2" : "f1"), &pairs, &count,
                                               &err), CRISK_OK);
        free(pairs);
    }
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

static char *budget_output(crisk_format fmt, long function_of_f)
{
    crisk_inventory *inv = build(budget_nodes, COUNT(budget_nodes), budget_edges,
                                 COUNT(budget_edges));
    crisk_analysis *a = analyse_with_budget(inv, function_of_f >= 0 ? 3 : 6);
    char *out = spof_output(a, function_of_f >= 0 ? (long)node_of(inv, "f2") : -1, 1, fmt);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    return out;
}

Test(spof_pairs_budget, table_notes_the_cut_function_and_lists_the_cut_ones_at_the_end)
{
    char *out = budget_output(CRISK_FORMAT_TABLE, -1);
    cr_assert_str_eq(out,
        "f1 \"One\" (criticality 1): no single point of failure\n"
        "  1 minimal pair (fail together, neither alone):\n"
        "    spof  spof2  name   name2\n"
        "    a     b      Alpha  Beta\n"
        "\n"
        "f2 \"Two\" (criticality 1): no single point of failure\n"
        "  minimal pairs of 'f2' not computed: 2 candidates over 2 edges need about 4.02 edge "
        "visits, more than the 1.98 left of the limit of 6 for all functions together\n"
        "\n"
        "f3 \"Three\" (criticality 1): 1 single point of failure\n"
        "  spof  name   type      category\n"
        "  c     Gamma  supplier  other\n"
        "  no minimal pair\n"
        "\n"
        "f4 \"Four\" (criticality 1): 1 single point of failure\n"
        "  spof  name   type      category\n"
        "  c     Gamma  supplier  other\n"
        "  minimal pairs of 'f4' not computed: 2 candidates over 3 edges need about 6.02 edge "
        "visits, more than the 1.98 left of the limit of 6 for all functions together\n"
        "\n"
        "4 functions; 2 with a single point of failure\n"
        "minimal pairs not computed for 2 functions (the limit of 6 edge visits is for all "
        "functions together): f2, f4\n");
    free(out);
}

Test(spof_pairs_budget, csv_marks_every_row_and_gives_a_cut_function_a_row)
{
    char *out = budget_output(CRISK_FORMAT_CSV, -1);
    cr_assert_str_eq(out, "function,spof,spof2,pairs_cut\n"
                          "f1,a,b,false\n"
                          "f2,,,true\n"
                          "f3,c,,false\n"
                          "f4,c,,true\n");
    free(out);
}

Test(spof_pairs_budget, json_gives_null_pairs_for_a_cut_function)
{
    char *out = budget_output(CRISK_FORMAT_JSON, -1);
    cr_assert_not_null(strstr(out, "\"results\": {\"functions\": [\n"
        "  {\"function\": \"f1\", \"name\": \"One\", \"criticality\": 1, \"spofs\": [], "
        "\"pairs\": [[\"a\", \"b\"]], \"pairs_cut\": false},\n"
        "  {\"function\": \"f2\", \"name\": \"Two\", \"criticality\": 1, \"spofs\": [], "
        "\"pairs\": null, \"pairs_cut\": true},\n"
        "  {\"function\": \"f3\", \"name\": \"Three\", \"criticality\": 1, \"spofs\": [\"c\"], "
        "\"pairs\": [], \"pairs_cut\": false},\n"
        "  {\"function\": \"f4\", \"name\": \"Four\", \"criticality\": 1, \"spofs\": [\"c\"], "
        "\"pairs\": null, \"pairs_cut\": true}\n]}\n}\n"), "%s", out);
    free(out);
}

Test(spof_pairs_budget, cuts_a_single_function_over_the_budget_with_a_note)
{
    char *out = budget_output(CRISK_FORMAT_TABLE, 1);
    cr_assert_str_eq(out,
        "f2 \"Two\" (criticality 1): no single point of failure\n"
        "  minimal pairs of 'f2' not computed: 2 candidates over 2 edges need about 4.02 edge "
        "visits, more than the 3 left of the limit of 3 for all functions together\n");
    free(out);
}

/* What crisk_analysis_spof_pairs_each delivers, call by call. */
typedef struct each_log {
    char text[65536];
    size_t calls, stop_at;
} each_log;

static int log_each(void *ctx, size_t i, const uint32_t *pairs, size_t n_pairs,
                    const crisk_error *cut)
{
    each_log *l = ctx;
    size_t used = strlen(l->text);
    if (i != l->calls++)
        return CRISK_EINTERNAL;   /* out of order */
    if (cut != NULL)
        snprintf(l->text + used, sizeof l->text - used, "%zu cut: %s\n", i, cut->message);
    else
        snprintf(l->text + used, sizeof l->text - used, "%zu: %zu pair%s%s\n", i, n_pairs,
                 n_pairs == 1 ? "" : "s", pairs == NULL && n_pairs > 0 ? " (lost)" : "");
    return l->calls == l->stop_at ? CRISK_EIO : CRISK_OK;
}

Test(spof_pairs_budget, each_on_any_threads_gives_what_the_calls_in_turn_give)
{
    crisk_inventory *inv = build(budget_nodes, COUNT(budget_nodes), budget_edges,
                                 COUNT(budget_edges));
    /* f3 (cheap) after the cut f2 fits; f1 again, last, does not */
    const char *order[] = { "f1", "f2", "f3", "f4", "f1" };
    uint32_t fn[5];
    for (size_t i = 0; i < 5; i++)
        fn[i] = (uint32_t)node_of(inv, order[i]);
    /* the calls in turn */
    each_log want = { .text = "" };
    crisk_analysis *a = analyse_with_budget(inv, 6);
    for (size_t i = 0; i < 5; i++) {
        uint32_t *pairs = NULL;
        size_t count = 0;
        crisk_error err = CRISK_ERROR_INIT;
        int rc = crisk_analysis_spof_pairs(a, fn[i], &pairs, &count, &err);
        cr_assert(rc == CRISK_OK || rc == CRISK_ELIMIT);
        log_each(&want, i, rc == CRISK_OK ? pairs : NULL, count, rc == CRISK_OK ? NULL : &err);
        free(pairs);
    }
    crisk_analysis_free(a);
    cr_assert_str_eq(want.text, "0: 1 pair\n"
                                "1 cut: minimal pairs of 'f2' not computed: 2 candidates over 2 "
                                "edges need about 4.02 edge visits, more than the 1.98 left of the "
                                "limit of 6 for all functions together\n"
                                "2: 0 pairs\n"
                                "3 cut: minimal pairs of 'f4' not computed: 2 candidates over 3 "
                                "edges need about 6.02 edge visits, more than the 1.98 left of the "
                                "limit of 6 for all functions together\n"
                                "4 cut: minimal pairs of 'f1' not computed: 2 candidates over 2 "
                                "edges need about 4.02 edge visits, more than the 1.98 left of the "
                                "limit of 6 for all functions together\n");
    const unsigned threads[] = { 1, 2, 3, 8 };
    for (size_t t = 0; t < COUNT(threads); t++) {
        for (int topology = 0; topology < 2; topology++) {
            crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
            opts.pairs_max_work = 6;
            opts.threads = threads[t];
            opts.keep_topology = topology;
            crisk_error err = CRISK_ERROR_INIT;
            cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK);
            each_log got = { .text = "" };
            cr_assert_eq(crisk_analysis_spof_pairs_each(a, fn, 5, log_each, &got, &err), CRISK_OK,
                         "%s", err.message);
            cr_assert_str_eq(got.text, want.text, "%u threads", threads[t]);
            crisk_analysis_free(a);
        }
        /* a failing callback stops the search and is what it returns */
        crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
        opts.threads = threads[t];
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK);
        each_log stopped = { .text = "", .stop_at = 2 };
        cr_assert_eq(crisk_analysis_spof_pairs_each(a, fn, 5, log_each, &stopped, &err), CRISK_EIO);
        cr_assert_eq(stopped.calls, 2);
        cr_assert_str_eq(err.message, "", "the callback's failure is its own to describe");
        crisk_analysis_free(a);
    }
    crisk_inventory_free(inv);
}

/* More functions than are searched ahead of the one delivered (64), so
 * that every slot is used again; the budget runs out on the way. */
Test(spof_pairs_budget, each_of_many_functions_reuses_its_slots_in_order)
{
    crisk_inventory *inv = build(budget_nodes, COUNT(budget_nodes), budget_edges,
                                 COUNT(budget_edges));
    const char *cycle[] = { "f1", "f2", "f3", "f4", "f1" };
    enum { MANY = 200 };
    uint32_t fn[MANY];
    for (size_t i = 0; i < MANY; i++)
        fn[i] = (uint32_t)node_of(inv, cycle[i % 5]);
    each_log want = { .text = "" };
    crisk_analysis *a = analyse_with_budget(inv, 500);   /* cuts from about the 140th */
    for (size_t i = 0; i < MANY; i++) {
        uint32_t *pairs = NULL;
        size_t count = 0;
        crisk_error err = CRISK_ERROR_INIT;
        int rc = crisk_analysis_spof_pairs(a, fn[i], &pairs, &count, &err);
        log_each(&want, i, rc == CRISK_OK ? pairs : NULL, count, rc == CRISK_OK ? NULL : &err);
        free(pairs);
    }
    crisk_analysis_free(a);
    cr_assert_not_null(strstr(want.text, "\n150 cut: "));
    cr_assert_not_null(strstr(want.text, "\n152: 0 pairs\n"), "f3 fits after the cuts");
    const unsigned threads[] = { 1, 2, 3, 8 };
    for (size_t t = 0; t < COUNT(threads); t++) {
        crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
        opts.pairs_max_work = 500;
        opts.threads = threads[t];
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK);
        each_log got = { .text = "" };
        cr_assert_eq(crisk_analysis_spof_pairs_each(a, fn, MANY, log_each, &got, &err), CRISK_OK);
        cr_assert_str_eq(got.text, want.text, "%u threads", threads[t]);
        crisk_analysis_free(a);
    }
    crisk_inventory_free(inv);
}

Test(spof_pairs_budget, each_refuses_an_analysis_without_the_spof_lists_before_any_call)
{
    crisk_inventory *inv = build(budget_nodes, COUNT(budget_nodes), budget_edges,
                                 COUNT(budget_edges));
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.keep_spofs = 0;
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, inv, &opts, &err), CRISK_OK);
    uint32_t fn[1] = { (uint32_t)node_of(inv, "f1") };
    each_log got = { .text = "" };
    cr_assert_eq(crisk_analysis_spof_pairs_each(a, fn, 1, log_each, &got, &err), CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "minimal pairs need an analysis that kept SPOFs");
    cr_assert_eq(got.calls, 0);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* ---- impact ----------------------------------------------------------------------- */

/* `id` fails for `hours` (NaN: its recovery_hours), as `chainrisk impact`
 * runs it; without `with_downtime` the emitter gets no downtime. */
static char *impact_run(const crisk_inventory *inv, const char *id, double hours,
                        crisk_format fmt, int with_downtime)
{
    size_t v = node_of(inv, id);
    crisk_cascade *c = NULL;
    crisk_downtime *d = NULL;
    crisk_node_view view;
    crisk_inventory_node(inv, v, &view);
    crisk_outage outage = { v, isnan(hours) ? view.recovery_hours : hours };
    cr_assert_eq(crisk_cascade_run(&c, inv, &v, 1, NULL), CRISK_OK);
    cr_assert_eq(crisk_downtime_run(&d, inv, &outage, 1, NULL), CRISK_OK);
    buffer b;
    cr_assert_eq(crisk_emit_impact(open_buffer(&b), inv, c, with_downtime ? d : NULL, hours, fmt,
                                   NULL, NULL), CRISK_OK);
    crisk_downtime_free(d);
    crisk_cascade_free(c);
    return finish(&b);
}

static char *impact_output(const crisk_inventory *inv, const char *id, double hours,
                           crisk_format fmt)
{
    return impact_run(inv, id, hours, fmt, 1);
}

Test(emit_impact, text_shows_the_cascade_tree_and_names_the_group_members_lost)
{
    crisk_inventory *inv = small();
    char *out = impact_output(inv, "s4", 8, CRISK_FORMAT_TABLE);
    cr_assert_str_eq(out,
        "scenario: s4 fails for 8 h\n"
        "5 nodes fail; 2 of 2 functions; criticality 4 of 4 lost (100.0%)\n"
        "\n"
        "cascade (each node under the failure that caused it):\n"
        "s4 \"Core\" (supplier): initial failure\n"
        "  s1 \"=cmd()\" (supplier): depends on s4\n"
        "    f1 \"Billing\" (function, criticality 3): depends on s1\n"
        "  s2 \"Beta, Inc.\" (service): depends on s4\n"
        "    f2 \"Care\" (function, criticality 1): group 'hosting' (needs 2 of 3) lost s1, s2\n"
        "\n"
        "failed functions:\n"
        "  function  name     criticality  rto_hours  tolerance\n"
        "  f1        Billing            3          4  breached\n"
        "  f2        Care               1         48  within\n"
        "1 function breaches its tolerance (rto_hours < 8 h)\n");
    free(out);
    crisk_inventory_free(inv);
}

Test(emit_impact, csv_has_one_row_per_failed_node_in_propagation_order)
{
    crisk_inventory *inv = small();
    char *out = impact_output(inv, "s4", 8, CRISK_FORMAT_CSV);
    cr_assert_str_eq(out,
        "id,name,type,round,cause_group,cause_members,criticality,breach,downtime_min_hours,"
        "downtime_max_hours\n"
        "s4,Core,supplier,0,,,,,8,8\n"
        "s1,\"'=cmd()\",supplier,1,,s4,,,8,8\n"
        "s2,\"Beta, Inc.\",service,1,,s4,,,8,8\n"
        "f1,Billing,function,2,,s1,3,true,8,8\n"
        "f2,Care,function,2,hosting,s1;s2,1,false,8,8\n");
    free(out);
    crisk_inventory_free(inv);
}

/* s1 is down for its recovery_hours, 10 h; f1 needs s1: down 10 h, more
 * than its rto of 4 h. */
Test(emit_impact, without_hours_each_node_is_down_for_its_recovery_hours)
{
    crisk_inventory *inv = small();
    char *out = impact_output(inv, "s1", NAN, CRISK_FORMAT_TABLE);
    cr_assert_str_eq(out,
        "scenario: s1 fails for its recovery_hours (10 h)\n"
        "2 nodes fail; 1 of 2 functions; criticality 3 of 4 lost (75.0%)\n"
        "\n"
        "cascade (each node under the failure that caused it):\n"
        "s1 \"=cmd()\" (supplier): initial failure\n"
        "  f1 \"Billing\" (function, criticality 3): depends on s1\n"
        "\n"
        "failed functions:\n"
        "  function  name     criticality  rto_hours  downtime  tolerance\n"
        "  f1        Billing            3          4        10  breached\n"
        "1 function breaches its tolerance (downtime > rto_hours)\n");
    free(out);
    crisk_inventory_free(inv);
}

/* s4 has no recovery_hours: f1 and f2 are down for some unknown time.  f1
 * and f2 both have an rto above 0, so neither can be judged; the CSV says
 * so with an empty breach, a 0 lower bound and no upper bound. */
Test(emit_impact, unknown_recovery_leaves_tolerances_unjudged)
{
    crisk_inventory *inv = small();
    char *out = impact_output(inv, "s4", NAN, CRISK_FORMAT_TABLE);
    cr_assert_not_null(strstr(out, "scenario: s4 fails for its recovery_hours (unknown)\n"), "%s", out);
    cr_assert_not_null(strstr(out,
        "  function  name     criticality  rto_hours  downtime  tolerance\n"
        "  f1        Billing            3          4   unknown  unknown\n"
        "  f2        Care               1         48   unknown  unknown\n"
        "0 functions breach their tolerance (downtime > rto_hours); 2 cannot be judged "
        "(recovery_hours or rto_hours unknown)\n"), "%s", out);
    free(out);
    out = impact_output(inv, "s4", NAN, CRISK_FORMAT_CSV);
    cr_assert_not_null(strstr(out, "f1,Billing,function,2,,s1,3,,0,\n"), "%s", out);
    free(out);
    crisk_inventory_free(inv);
}

Test(emit_impact, without_downtime_judges_no_tolerance)
{
    crisk_inventory *inv = small();
    char *out = impact_run(inv, "s1", NAN, CRISK_FORMAT_TABLE, 0);
    cr_assert_str_eq(out,
        "scenario: s1 fails\n"
        "2 nodes fail; 1 of 2 functions; criticality 3 of 4 lost (75.0%)\n"
        "\n"
        "cascade (each node under the failure that caused it):\n"
        "s1 \"=cmd()\" (supplier): initial failure\n"
        "  f1 \"Billing\" (function, criticality 3): depends on s1\n"
        "\n"
        "failed functions:\n"
        "  function  name     criticality  rto_hours\n"
        "  f1        Billing            3          4\n"
        "no outage duration given: use --hours H to check rto_hours tolerances\n");
    free(out);
    crisk_inventory_free(inv);
}

Test(emit_impact, json_summarises_the_loss)
{
    crisk_inventory *inv = small();
    char *out = impact_output(inv, "s4", 8, CRISK_FORMAT_JSON);
    cr_assert_not_null(strstr(out, "\"results\": {\"initial\": [\"s4\"], \"hours\": 8, \"failed_nodes\": 5, "
                                   "\"functions\": 2, \"failed_functions\": 2, \"total_criticality\": 4, "
                                   "\"lost_criticality\": 4, \"lost_share\": 1, \"breaches\": 1, "
                                   "\"tolerance_unknown\": 0,\n"), "%s", out);
    cr_assert_not_null(strstr(out, "{\"id\": \"f2\", \"name\": \"Care\", \"type\": \"function\", \"round\": 2, "
                                   "\"cause_group\": \"hosting\", \"cause_members\": [\"s1\", \"s2\"], "
                                   "\"criticality\": 1, \"breach\": false, \"downtime_min_hours\": 8, "
                                   "\"downtime_max_hours\": 8}"));
    cr_assert_not_null(strstr(out, "{\"id\": \"s4\", \"name\": \"Core\", \"type\": \"supplier\", \"round\": 0, "
                                   "\"cause_group\": null, \"cause_members\": [], \"criticality\": null, "
                                   "\"breach\": null, \"downtime_min_hours\": 8, \"downtime_max_hours\": 8}"));
    free(out);
    crisk_inventory_free(inv);
}

/* ---- shared ----------------------------------------------------------------------- */

Test(emit_shared, csv_lists_shared_nodes_then_false_redundancy)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    buffer b;
    cr_assert_eq(crisk_emit_shared(open_buffer(&b), a, -1, CRISK_FORMAT_CSV, NULL, NULL), CRISK_OK);
    char *out = finish(&b);
    cr_assert_str_eq(out,
        "kind,node,name,type,tier,tier1_dependants,tier1,functions,exposure,dependant,group,need,"
        "members,failed_members\n"
        "shared,s4,Core,supplier,2,2,s1;s2,2,4,,,,,\n"
        "false-redundancy,s4,Core,supplier,2,,,,,f2,hosting,2,s1;s2;s3,s1;s2\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_shared, table_has_both_sections_and_a_count)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    buffer b;
    cr_assert_eq(crisk_emit_shared(open_buffer(&b), a, -1, CRISK_FORMAT_TABLE, NULL, NULL), CRISK_OK);
    char *out = finish(&b);
    cr_assert_str_eq(out,
        "shared Nth-party dependencies (tier >= 2, 2 or more tier-1 dependants):\n"
        "  id  name  type      tier  tier-1  functions  exposure  tier-1 dependants\n"
        "  s4  Core  supplier     2       2          2         4  s1, s2\n"
        "\n"
        "false redundancy (a redundancy group one node outside it defeats):\n"
        "  dependant  group    need    members     shared  fails\n"
        "  f2         hosting  2 of 3  s1, s2, s3  s4      s1, s2\n"
        "\n"
        "1 shared dependency; 1 false-redundancy finding\n");
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* ---- concentration ------------------------------------------------------------------ */

static char *concentration_output(const crisk_analysis *a, crisk_concentration_by by,
                                  crisk_format fmt)
{
    buffer b;
    cr_assert_eq(crisk_emit_concentration(open_buffer(&b), a, &by, 1, -1, fmt, NULL, NULL), CRISK_OK);
    return finish(&b);
}

Test(emit_concentration, table_gives_hhi_3800_for_spends_50_30_20)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = concentration_output(a, CRISK_BY_CATEGORY, CRISK_FORMAT_TABLE);
    const char *cloud =
        "market cloud: 3 providers\n"
        "  spend     total spend 100; top-1 50.0%, top-3 100.0%, HHI 3800\n"
        "  reliance  total exposure 6; top-1 66.7%, top-3 100.0%, HHI 5000\n"
        "  provider  name        spend  spend share  exposure  reliance share\n"
        "  s1        =cmd()         50        50.0%         4           66.7%\n"
        "  s2        Beta, Inc.     30        30.0%         1           16.7%\n"
        "  s3        Gamma          20        20.0%         1           16.7%\n";
    cr_assert_not_null(strstr(out, cloud), "%s", out);
    cr_assert_not_null(strstr(out, "basis: spend = annual spend with the provider; "
                                   "reliance = exposure normalised within the market\n"));
    cr_assert_not_null(strstr(out, "market telecom: 1 provider\n"
                                   "  spend     total spend 0 (no shares)\n"));
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_concentration, csv_names_the_basis_in_its_columns_and_keeps_hhi_exact)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = concentration_output(a, CRISK_BY_CATEGORY, CRISK_FORMAT_CSV);
    const char *header =
        "by,market,entity,providers,spend,spend_share,exposure,reliance_share,joint_functions,"
        "joint_criticality,joint_share,market_providers,"
        "market_entities,market_spend,market_spend_top1,market_spend_top3,market_spend_hhi,"
        "market_exposure,market_reliance_top1,market_reliance_top3,market_reliance_hhi\n";
    cr_assert(strncmp(out, header, strlen(header)) == 0, "%s", out);
    const char *row = strstr(out, "category,cloud,s1,1,50,0.5,4,");
    cr_assert_not_null(row, "%s", out);
    /* market_spend_hhi is the 17th field */
    const char *p = row;
    for (int i = 0; i < 16; i++)
        p = strchr(p, ',') + 1;
    cr_assert_float_eq(strtod(p, NULL), 3800.0, 1e-9);
    /* s4 alone fails f1 and f2: joint impact 2 functions, criticality 4 of 4 */
    cr_assert_not_null(strstr(out, "category,telecom,s4,1,0,,4,1,2,4,1,1,1,0,,,,4,1,1,10000\n"), "%s", out);
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(emit_concentration, by_parent_groups_providers_and_json_states_the_basis)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = concentration_output(a, CRISK_BY_PARENT, CRISK_FORMAT_JSON);
    cr_assert_not_null(strstr(out, "\"results\": {\"basis\": {\"spend\": \"annual spend with the provider\", "
                                   "\"reliance\": \"exposure normalised within the market\", "
                                   "\"joint\": \"functions failing when every provider of the entity "
                                   "fails together, each once\"},\n"
                                   " \"sections\": [\n  {\"by\": \"parent\", \"entity\": \"parent\", "
                                   "\"markets\": [\n    {\"market\": \"all\", \"providers\": 5, "
                                   "\"entities\": 4,"), "%s", out);
    /* P = s1 + s2: spend 50 + 30 of 100, exposure 4 + 1 of 10 (s4 has the
     * other 4; f2 is counted for both s1 and s2).  Failing together they fail f1 (needs s1) and f2 (hosting
     * needs 2 of s1, s2, s3): joint impact 2 functions, criticality 4 of 4. */
    cr_assert_not_null(strstr(out, "{\"entity\": \"P\", \"providers\": 2, \"spend\": 80, \"spend_share\": 0.8, "
                                   "\"exposure\": 5, \"reliance_share\": 0.5, \"joint_functions\": 2, "
                                   "\"joint_criticality\": 4, \"joint_share\": 1}"), "%s", out);
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* By parent the table adds the joint impact beside the summed exposure:
 * P (s1 + s2) sums to exposure 5 but fails f1 and f2 once each (4); s3
 * alone fails nothing (f2 keeps s1, s2); s4 fails both functions. */
Test(emit_concentration, by_parent_table_shows_joint_impact_beside_summed_exposure)
{
    crisk_inventory *inv = small();
    crisk_analysis *a = analyse(inv);
    char *out = concentration_output(a, CRISK_BY_PARENT, CRISK_FORMAT_TABLE);
    cr_assert_not_null(strstr(out,
        "exposure (sum) adds up the providers' exposures; joint = what fails when all of a "
        "parent's providers fail together\n"), "%s", out);
    cr_assert_not_null(strstr(out,
        "  parent  providers  spend  spend share  exposure (sum)  reliance share  joint functions  "
        "joint criticality  joint share\n"
        "  P               2     80        80.0%               5           50.0%                2  "
        "                4       100.0%\n"
        "  s3              1     20        20.0%               1           10.0%                0  "
        "                0         0.0%\n"), "%s", out);
    free(out);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

/* ---- determinism -------------------------------------------------------------------- */

Test(emit, same_input_gives_the_same_bytes)
{
    char *first[2] = { NULL, NULL };
    for (int run = 0; run < 2; run++) {
        crisk_inventory *inv = small();
        crisk_analysis *a = analyse(inv);
        buffer b;
        FILE *f = open_buffer(&b);
        crisk_emit_rank(f, a, NULL, CRISK_FORMAT_JSON, NULL, NULL);
        crisk_emit_shared(f, a, -1, CRISK_FORMAT_JSON, NULL, NULL);
        crisk_emit_spof(f, a, -1, 1, CRISK_FORMAT_TABLE, NULL, NULL);
        const crisk_concentration_by all[] = { CRISK_BY_CATEGORY, CRISK_BY_PARENT, CRISK_BY_COUNTRY };
        crisk_emit_concentration(f, a, all, 3, -1, CRISK_FORMAT_CSV, NULL, NULL);
        first[run] = finish(&b);
        crisk_analysis_free(a);
        crisk_inventory_free(inv);
    }
    cr_assert_str_eq(first[0], first[1]);
    free(first[0]);
    free(first[1]);
}
