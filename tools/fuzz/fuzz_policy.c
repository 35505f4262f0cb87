/*
 * fuzz_policy.c - libFuzzer target for the policy file reader
 * (src/import/policy_file.c) and the checker (src/analysis/check.c).
 *
 * Input: the bytes of a policy file (--policy POLICY.json), arbitrary.
 * Each input is written to policy.json in a private directory created once
 * (fuzz_workdir.h) and read with crisk_policy_load().  Checks, beyond
 * ASan/UBSan/LSan:
 *   - the status agrees with the diagnostics (CRISK_OK with no error, an
 *     error with at least one, `err` set and holding the first of them),
 *     every diagnostic renders and has a position inside the file when it
 *     has one;
 *   - a loaded policy checks: its scenario files are read against a small
 *     inventory (built once, with SPOFs, false redundancy, breaches and
 *     missing fields; scenarios.csv beside policy.json is a valid scenario
 *     file for it, so a `scenarios` rule naming it runs the scenario
 *     engine), and when one cannot be read the check is refused, never
 *     passed; else crisk_check_run succeeds, every rule has a position and
 *     a requirement and a verdict that agrees with its counts, each rule's
 *     kept findings are at most its counts and CRISK_CHECK_KEEP, and every
 *     finding's nodes are nodes of the inventory; the table, JSON and
 *     JUnit emitters write it.
 * Everything is freed before returning: LeakSanitizer checks that too.
 *
 * Build and run with tools/fuzz/run.sh (see tools/fuzz/README.md); seeds
 * come from tests/fixtures/policy/ and data/policy.json.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "fuzz_workdir.h"

/* Inside the private directory (fuzz_workdir.h: the same paths every run). */
static const char policy_path[] = "policy.json";

static crisk_inventory *inventory;
static crisk_analysis *analysis;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_policy: %s\n", what);
    abort();
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        abort();   /* the harness, not the library, failed */
    }
}

/* The inventory every loaded policy is checked against: two functions, a
 * falsely redundant pair, a provider without recovery time or country. */
static void build_inventory(void)
{
    static const char nodes[] =
        "id,type,category,criticality,rto_hours,recovery_hours,spend,country,parent,substitutability\n"
        "pay,function,,5,2,,,,,\n"
        "hr,function,,,48,,,,,\n"
        "a,service,cloud,,,8,700,DE,Acme,hard\n"
        "b,service,cloud,,,1,300,NL,Acme,easy\n"
        "dc,supplier,other,,,24,,FR,Bricks,none\n"
        "lib,component,software,,,,,,,\n";
    static const char edges[] =
        "from,to,group,need\n"
        "pay,a,hosting,1\npay,b,hosting,1\na,dc,,\nb,dc,,\nhr,lib,,\n";
    fuzz_workdir_enter();
    static const char scenarios[] =
        "id,fails,hours\n"
        "dc-4h,dc,4\n"
        "software,category:software,\n"
        "nl,country:NL,8\n";
    write_file("nodes.csv", nodes, sizeof nodes - 1);
    write_file("edges.csv", edges, sizeof edges - 1);
    write_file("scenarios.csv", scenarios, sizeof scenarios - 1);
    crisk_input in = { NULL, "nodes.csv", "edges.csv" };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_inventory_load(&inventory, &in, 1, NULL, &diags, &err) != CRISK_OK
        || crisk_analysis_run(&analysis, inventory, NULL, &err) != CRISK_OK)
        fail(err.message);
    crisk_diagnostics_release(&diags);
    fuzz_workdir_leave();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("policy");
    crisk_igraph_init();
    build_inventory();
    return 0;
}

static void check_diagnostics(const crisk_diagnostics *diags, int rc, const crisk_error *err,
                              size_t size)
{
    char line[2048];
    if (rc == CRISK_OK && diags->errors > 0)
        fail("loaded with errors");
    if (rc != CRISK_OK && (err->code != rc || err->message[0] == '\0'))
        fail("a failed load without its error");
    if (rc == CRISK_EINVALID && diags->errors == 0)
        fail("an invalid policy without a diagnostic");
    for (size_t i = 0; i < diags->count; i++) {
        crisk_diag_format(&diags->items[i], line, sizeof line);
        if (diags->items[i].line > size + 1)
            fail("a position past the end of the file");
    }
    if (rc == CRISK_EINVALID && diags->count > 0
        && (err->line != diags->items[0].line || err->column != diags->items[0].column))
        fail("the error is not the first diagnostic");
}

static void emit_all(const crisk_check *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        abort();
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_emit_check(f, c, CRISK_FORMAT_TABLE, NULL, &err) != CRISK_OK
        || crisk_emit_check(f, c, CRISK_FORMAT_CSV, NULL, &err) != CRISK_OK
        || crisk_emit_check(f, c, CRISK_FORMAT_JSON, NULL, &err) != CRISK_OK
        || crisk_emit_check_junit(f, c, &err) != CRISK_OK)
        fail("an emitter failed");
    fclose(f);
    free(buf);
}

/* Read the policy's scenario files; 0 when they could not be, after
 * checking that the check is then refused. */
static int load_scenarios(crisk_policy *p)
{
    if (!(crisk_policy_needs(p) & CRISK_POLICY_NEEDS_SCENARIOS))
        return 1;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_policy_load_scenarios(p, inventory, &diags, &err);
    crisk_diagnostics_release(&diags);
    if (rc == CRISK_OK)
        return 1;
    crisk_check *c = NULL;
    if (crisk_check_run(&c, p, analysis, NULL, &err) != CRISK_EUSAGE || c != NULL)
        fail("a policy whose scenarios could not be read was checked");
    return 0;
}

static void check_policy(crisk_policy *p)
{
    crisk_check *c = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    if (!load_scenarios(p))
        return;
    if (crisk_check_run(&c, p, analysis, NULL, &err) != CRISK_OK)
        fail("a loaded policy did not check");
    size_t n_rules, n_violations, kept = 0;
    const crisk_rule_result *r = crisk_check_rules(c, &n_rules);
    const crisk_violation *v = crisk_check_violations(c, &n_violations);
    if (n_rules != crisk_policy_rule_count(p) || n_rules == 0)
        fail("rules lost");
    for (size_t i = 0; i < n_rules; i++) {
        if (r[i].line == 0 || r[i].column == 0 || r[i].requires == NULL)
            fail("a rule without a position or requirement");
        if (r[i].kept > r[i].violations + r[i].unknown || r[i].kept > CRISK_CHECK_KEEP)
            fail("more findings kept than found");
        const char *verdict = crisk_rule_verdict(&r[i]);
        if (strcmp(verdict, r[i].violations ? "violated" : r[i].unknown ? "unknown" : "holds") != 0)
            fail("a verdict that disagrees with its counts");
        kept += r[i].kept;
    }
    if (kept != n_violations)
        fail("kept violations do not add up");
    for (size_t i = 0; i < n_violations; i++)
        for (size_t k = 0; k < v[i].n_nodes; k++)
            if (v[i].nodes[k] >= crisk_inventory_node_count(inventory))
                fail("a violation names no node");
    emit_all(c);
    crisk_check_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_workdir_enter();
    write_file(policy_path, data, size);
    crisk_policy *p = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_policy_load(&p, policy_path, &diags, &err);
    if ((rc == CRISK_OK) != (p != NULL))
        fail("status and policy disagree");
    check_diagnostics(&diags, rc, &err, size);
    crisk_diagnostics_release(&diags);
    if (p != NULL)
        check_policy(p);
    crisk_policy_free(p);
    fuzz_workdir_leave();
    return 0;
}
