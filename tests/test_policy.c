/*
 * test_policy.c - the policy file reader (src/import/policy_file.c) and the
 * checker (src/analysis/check.c).
 *
 * Every problem a policy file can have, with its exact position and text
 * (tests/fixtures/policy/errors/); every rule with a fixture that holds and
 * one that is violated (tests/fixtures/policy/rules/ on the inventories
 * busy/ and calm/, whose figures are worked out below), with the exact
 * violations; the cap on kept violations.  The CLI golden tests
 * (tests/cli/check_*) and tests/check_junit.py cover the outputs.
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

#define POLICY(name) CRISK_FIXTURES "/policy/" name

/* ---- reading ---------------------------------------------------------------------- */

typedef struct loaded {
    crisk_policy *p;
    crisk_diagnostics diags;
    crisk_error err;
    int rc;
    char text[8192];       /* every diagnostic, one a line, the fixture directory cut */
} loaded;

static void load_policy(loaded *l, const char *path)
{
    memset(l, 0, sizeof *l);
    crisk_diagnostics_init(&l->diags);
    l->err = (crisk_error)CRISK_ERROR_INIT;
    l->rc = crisk_policy_load(&l->p, path, &l->diags, &l->err);
    size_t o = 0, cut = strlen(CRISK_FIXTURES "/policy/");
    for (size_t i = 0; i < l->diags.count && o < sizeof l->text; i++) {
        char line[1024];
        crisk_diag_format(&l->diags.items[i], line, sizeof line);
        const char *shown = strncmp(line, CRISK_FIXTURES "/policy/", cut) == 0 ? line + cut : line;
        o += (size_t)snprintf(l->text + o, sizeof l->text - o, "%s\n", shown);
    }
}

static void unload(loaded *l)
{
    crisk_policy_free(l->p);
    crisk_diagnostics_release(&l->diags);
}

static void expect_errors(const char *fixture, const char *expected)
{
    loaded l;
    load_policy(&l, fixture);
    cr_expect_eq(l.rc, CRISK_EINVALID, "%s", fixture);
    cr_expect_null(l.p);
    cr_expect_str_eq(l.text, expected);
    unload(&l);
}

/* `inventory` and `policy` read, each failing the test if it cannot be;
 * their diagnostics are dropped. */
static void load_both(crisk_inventory **inv, crisk_policy **p, const char *inventory,
                      const char *policy)
{
    crisk_input in = { inventory, NULL, NULL };
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_load(inv, &in, 1, NULL, &diags, &err), CRISK_OK, "%s",
                 err.message);
    cr_assert_eq(crisk_policy_load(p, policy, &diags, &err), CRISK_OK, "%s", err.message);
    crisk_diagnostics_release(&diags);
}

Test(policy, reports_every_problem_of_the_rules_at_its_key_or_value)
{
    expect_errors(POLICY("errors/rules.json"),
        "errors/rules.json:2:3: unknown key 'nmae' (did you mean 'name'?)\n"
        "errors/rules.json:4:15: unknown rule 'max_hhl' (did you mean 'max_hhi'?)\n"
        "errors/rules.json:5:32: unknown value 'categry' for 'by' (did you mean 'category'?)\n"
        "errors/rules.json:5:52: unknown value 'spnd' for 'basis' (did you mean 'spend'?)\n"
        "errors/rules.json:5:67: 'max' must be an HHI from 0 to 10000, not 12000\n"
        "errors/rules.json:5:74: unknown key 'bassis' in rule 'max_hhi' (did you mean 'basis'?)\n"
        "errors/rules.json:6:74: 'max' must be a share from 0 to 1 (40% is 0.4), not 40\n"
        "errors/rules.json:6:78: 'market' applies to \"by\": \"category\" only (by parent, all "
        "providers form one market)\n"
        "errors/rules.json:7:72: 'max' must be a number, not a string\n"
        "errors/rules.json:7:90: unknown market 'clod' (did you mean 'cloud'?)\n"
        "errors/rules.json:8:45: 'min_criticality' must be a criticality >= 0, not -1\n"
        "errors/rules.json:8:70: unknown substitutability 'hrd' (did you mean 'hard'?)\n"
        "errors/rules.json:8:77: each of 'substitutability' must be a string, not a number\n"
        "errors/rules.json:8:81: 'max' does not apply to rule 'no_spof' (it takes rule, name, "
        "description, min_criticality or substitutability)\n"
        "errors/rules.json:9:33: unknown value 'tier2' for 'of' (did you mean 'tier1'?)\n"
        "errors/rules.json:10:57: unknown field 'spnd' (did you mean 'spend'?)\n"
        "errors/rules.json:11:15: 'rule' must be a string, not a number\n"
        "errors/rules.json:12:5: rule without a 'rule' key (its kind: max_hhi, max_top1_share, "
        "max_impact_share, no_spof, no_false_redundancy, no_breach, complete or scenarios)\n"
        "errors/rules.json:13:5: a rule must be an object, not a string\n"
        "errors/rules.json:14:5: rule 'max_impact_share' needs 'max'\n"
        "errors/rules.json:15:36: 'name' must be a string, not a number\n"
        "errors/rules.json:15:79: 'min_criticality' must be a number, not a string\n"
        "errors/rules.json:16:56: 'fields' must be an array of column names, not a string\n"
        "errors/rules.json:17:56: 'fields' is empty: leave it out for the default\n"
        "errors/rules.json:18:46: 'substitutability' must be a string or an array of strings, "
        "not a number\n"
        "errors/rules.json:19:38: unknown key 'colour' in rule 'no_false_redundancy' (expected "
        "rule, name or description)\n"
        "errors/rules.json:20:42: 'max' must be a share from 0 to 1 (40% is 0.4), not 1.5\n"
        "errors/rules.json:20:62: 'description' must be a string, not a number\n");
}

Test(policy, puts_the_first_problem_in_the_error)
{
    loaded l;
    load_policy(&l, POLICY("errors/rules.json"));
    cr_expect_eq(l.err.code, CRISK_EINVALID);
    cr_expect_str_eq(l.err.file, POLICY("errors/rules.json"));
    cr_expect_eq(l.err.line, 2);
    cr_expect_eq(l.err.column, 3);
    cr_expect_str_eq(l.err.message, "unknown key 'nmae' (did you mean 'name'?)");
    unload(&l);
}

Test(policy, reports_problems_of_the_whole_file)
{
    expect_errors(POLICY("errors/not_an_object.json"),
                  "errors/not_an_object.json:1:1: a policy must be a JSON object, not an array\n");
    expect_errors(POLICY("errors/missing_rules.json"),
                  "errors/missing_rules.json:1:1: missing key 'rules' (the list of rules)\n");
    expect_errors(POLICY("errors/rules_not_an_array.json"),
                  "errors/rules_not_an_array.json:2:12: 'rules' must be an array, not an object\n");
    expect_errors(POLICY("errors/rules_empty.json"),
                  "errors/rules_empty.json:1:12: 'rules' is empty: a policy needs at least one rule\n");
    expect_errors(POLICY("errors/policy_name.json"),
                  "errors/policy_name.json:1:11: 'name' must be a string, not a number\n"
                  "errors/policy_name.json:1:29: 'description' must be a string, not an array\n");
    expect_errors(POLICY("errors/empty.json"),
                  "errors/empty.json: empty file (expected a JSON object)\n");
}

/* What the JSON reader the JSON inputs share refuses, so that no tool reads
 * a policy another way than chainrisk does (json_text.c). */
Test(policy, refuses_a_key_given_twice_bad_utf8_trailing_text_and_raw_control_characters)
{
    expect_errors(POLICY("errors/duplicate_key.json"),
                  "errors/duplicate_key.json:3:47: duplicate key 'max' (first on line 3, column 35)\n");
    expect_errors(POLICY("errors/invalid_utf8.json"),
                  "errors/invalid_utf8.json:1:16: invalid UTF-8 (byte 0xff)\n");
    expect_errors(POLICY("errors/trailing.json"),
                  "errors/trailing.json:2:1: invalid JSON: text after the end of the document "
                  "near '{}'\n");
    expect_errors(POLICY("errors/control_character.json"),
                  "errors/control_character.json:1:15: invalid JSON: control character 0x09 in a "
                  "string (write it as \\t)\n");
}

/* A scenarios rule names a file beside the policy; whether it is there is
 * known when the policy is read, so a missing one is a policy error at its
 * name. */
Test(policy, reports_every_problem_of_a_scenarios_rule_at_its_key_or_value)
{
    expect_errors(POLICY("errors/scenarios.json"),
        "errors/scenarios.json:2:5: rule 'scenarios' needs 'file'\n"
        "errors/scenarios.json:3:36: 'file' is empty: name a scenario file\n"
        "errors/scenarios.json:4:36: 'file' must be a string, not a number\n"
        "errors/scenarios.json:5:36: scenario file '" CRISK_FIXTURES "/policy/errors/no-such.csv': "
        "cannot open file: No such file or directory\n"
        "errors/scenarios.json:5:60: 'hours' must be a number of hours >= 0, not -1\n"
        "errors/scenarios.json:6:36: scenario file '" CRISK_FIXTURES "/policy/errors/../../scenarios': "
        "not a regular file (a directory)\n"
        "errors/scenarios.json:6:64: 'hours' must be a number, not a string\n"
        "errors/scenarios.json:7:61: 'max' does not apply to rule 'scenarios' (it takes rule, name, "
        "description, file or hours)\n");
}

/* A scenario file that is gone by the time it is read reports no position
 * of its own: the rule that named it says what happened. */
Test(policy, names_the_rule_of_a_scenario_file_that_cannot_be_read)
{
    char dir[] = "/tmp/crisk-policy-dir-XXXXXX", policy[512], scenarios[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(policy, sizeof policy, "%s/policy.json", dir);
    snprintf(scenarios, sizeof scenarios, "%s/gone.csv", dir);
    FILE *f = fopen(scenarios, "w");
    cr_assert_not_null(f);
    fputs("id,fail\na,lib\n", f);
    fclose(f);
    f = fopen(policy, "w");
    cr_assert_not_null(f);
    fputs("{\"rules\": [\n  {\"rule\": \"scenarios\", \"name\": \"outages\", \"file\": \"gone.csv\"}]}\n", f);
    fclose(f);
    crisk_inventory *inv = NULL;
    crisk_policy *p = NULL;
    load_both(&inv, &p, POLICY("busy"), policy);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    unlink(scenarios);
    cr_expect_eq(crisk_policy_load_scenarios(p, inv, &diags, &err), CRISK_ENOTFOUND);
    cr_assert_eq(diags.count, 2);
    char line[2048], want[2048];
    crisk_diag_format(&diags.items[0], line, sizeof line);
    snprintf(want, sizeof want, "%s: cannot open file: No such file or directory", scenarios);
    cr_expect_str_eq(line, want);
    crisk_diag_format(&diags.items[1], line, sizeof line);
    snprintf(want, sizeof want, "%s:2:52: rule 1 (scenarios 'outages') names scenario file "
                                "'gone.csv', which cannot be used: 1 error above", policy);
    cr_expect_str_eq(line, want);
    crisk_policy_free(p);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
    unlink(policy);
    rmdir(dir);
}

/* What is wrong inside the scenario file is found when it is read against
 * the inventory, by the scenario file's own reader, at its own positions. */
Test(policy, reads_a_scenarios_rule_s_file_against_the_inventory)
{
    crisk_inventory *inv = NULL;
    crisk_policy *p = NULL;
    load_both(&inv, &p, POLICY("busy"), POLICY("errors/scenario_file.json"));
    cr_expect_eq(crisk_policy_needs(p), CRISK_POLICY_NEEDS_SCENARIOS);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_expect_eq(crisk_policy_load_scenarios(p, inv, &diags, &err), CRISK_EINVALID);
    char line[1024];
    crisk_diag_format(&diags.items[0], line, sizeof line);
    cr_expect_str_eq(line, CRISK_FIXTURES "/policy/errors/../../scenarios/bad_ids.csv:2:2: "
                           "unknown node 'mainknoten-ix'");
    /* after the file's own errors, the rule that named it, at its "file" */
    cr_assert_eq(diags.count, 6);
    crisk_diag_format(&diags.items[5], line, sizeof line);
    cr_expect_str_eq(line, CRISK_FIXTURES "/policy/errors/scenario_file.json:1:42: rule 1 "
                           "(scenarios) names scenario file '../../scenarios/bad_ids.csv', which "
                           "cannot be used: 5 errors above");
    /* the rule holds no scenarios now: checking is refused, not passed */
    crisk_analysis *a = NULL;
    cr_assert_eq(crisk_analysis_run(&a, inv, NULL, &err), CRISK_OK);
    crisk_check *c = NULL;
    cr_expect_eq(crisk_check_run(&c, p, a, NULL, &err), CRISK_EUSAGE);
    cr_expect_str_eq(err.message, "the policy's scenario files must be read against the "
                                  "analysis' inventory first (crisk_policy_load_scenarios)");
    cr_expect_null(c);
    crisk_analysis_free(a);
    crisk_policy_free(p);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
}

Test(policy, refuses_what_is_not_a_regular_file)
{
    expect_errors(POLICY("errors"), "errors: not a regular file (a directory)\n");
}

Test(policy, locates_json_syntax_errors_with_the_shared_json_reader)
{
    loaded l;
    load_policy(&l, POLICY("errors/syntax.json"));
    cr_expect_eq(l.rc, CRISK_EINVALID);
    cr_expect_eq(l.err.line, 3);
    cr_expect_eq(l.err.column, 27);
    /* cJSON stops past the '}' that follows the trailing comma: the shared
     * reader words what it finds there (json_text.c) */
    cr_expect_str_eq(l.text, "errors/syntax.json:3:27: invalid JSON near ''\n");
    unload(&l);
}

Test(policy, reports_a_missing_file_and_one_too_large)
{
    loaded l;
    load_policy(&l, POLICY("errors/no-such-file.json"));
    cr_expect_eq(l.rc, CRISK_ENOTFOUND);
    cr_expect_str_eq(l.err.message, "cannot open file: No such file or directory");
    cr_expect_str_eq(l.text, "errors/no-such-file.json: cannot open file: No such file or directory\n");
    unload(&l);

    char path[] = "/tmp/crisk-policy-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs("{\"rules\": [{\"rule\": \"no_false_redundancy\", \"description\": \"", f);
    for (size_t i = 0; i < CRISK_MAX_POLICY_BYTES; i++)
        putc('x', f);
    fputs("\"}]}", f);
    fclose(f);
    load_policy(&l, path);
    cr_expect_eq(l.rc, CRISK_ELIMIT);
    cr_expect_str_eq(l.err.message, "file is too large (more than 1048576 bytes)");
    unload(&l);
    unlink(path);
}

Test(policy, reads_a_policy_and_says_what_its_analysis_must_keep)
{
    loaded l;
    load_policy(&l, CRISK_SOURCE_DIR "/data/policy.json");
    cr_assert_eq(l.rc, CRISK_OK, "%s", l.text);
    cr_expect_str_eq(crisk_policy_path(l.p), CRISK_SOURCE_DIR "/data/policy.json");
    cr_expect_str_eq(crisk_policy_name(l.p), "Rheinauen hospital group: supply-chain gate");
    cr_expect_eq(strlen(crisk_policy_sha256(l.p)), 64);
    struct stat st;
    cr_assert_eq(stat(CRISK_SOURCE_DIR "/data/policy.json", &st), 0);
    cr_expect_eq(crisk_policy_bytes(l.p), (uint64_t)st.st_size);
    cr_expect_eq(crisk_policy_needs(l.p), CRISK_POLICY_NEEDS_FALSE_REDUNDANCY | CRISK_POLICY_NEEDS_SCENARIOS);
    unload(&l);
    load_policy(&l, POLICY("rules/no_breach.json"));
    cr_expect_eq(crisk_policy_needs(l.p), 0);   /* the check scans the pairs itself */
    cr_expect_null(crisk_policy_name(l.p));
    cr_expect_eq(crisk_policy_rule_count(l.p), 1);
    unload(&l);
}

/* ---- checking --------------------------------------------------------------------- */

typedef struct checked {
    crisk_inventory *inv;
    crisk_analysis *a;
    crisk_policy *p;
    crisk_check *c;
    char text[8192];        /* verdict, then each violation: nodes | measured | limit | message */
} checked;

static void number(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.6g", x);
}

static void run_check(checked *k, const char *inventory, const char *policy)
{
    memset(k, 0, sizeof *k);
    load_both(&k->inv, &k->p, inventory, policy);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_policy_needs(k->p) & CRISK_POLICY_NEEDS_SCENARIOS)
        cr_assert_eq(crisk_policy_load_scenarios(k->p, k->inv, &diags, &err), CRISK_OK, "%s",
                     err.message);
    crisk_diagnostics_release(&diags);
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.threads = 1;
    cr_assert_eq(crisk_analysis_run(&k->a, k->inv, &opts, &err), CRISK_OK);
    cr_assert_eq(crisk_check_run(&k->c, k->p, k->a, NULL, &err), CRISK_OK, "%s", err.message);
    size_t n_rules, n_violations, o = 0;
    const crisk_rule_result *r = crisk_check_rules(k->c, &n_rules);
    const crisk_violation *v = crisk_check_violations(k->c, &n_violations);
    for (size_t i = 0; i < n_rules; i++) {
        o += (size_t)snprintf(k->text + o, sizeof k->text - o, "%s %s checked %zu violations %zu",
                              r[i].rule, crisk_rule_verdict(&r[i]), r[i].checked, r[i].violations);
        if (r[i].unknown > 0)
            o += (size_t)snprintf(k->text + o, sizeof k->text - o, " unknown %zu", r[i].unknown);
        o += (size_t)snprintf(k->text + o, sizeof k->text - o, "\n");
    }
    /* a finding that cannot be judged starts with "? " */
    for (size_t i = 0; i < n_violations && o < sizeof k->text; i++) {
        char m[32], l[32];
        if (v[i].unknown)
            o += (size_t)snprintf(k->text + o, sizeof k->text - o, "? ");
        number(m, sizeof m, v[i].measured);
        number(l, sizeof l, v[i].limit);
        for (size_t j = 0; j < v[i].n_nodes; j++)
            o += (size_t)snprintf(k->text + o, sizeof k->text - o, "%s%s", j ? "," : "",
                                  crisk_inventory_node_id(k->inv, v[i].nodes[j]));
        o += (size_t)snprintf(k->text + o, sizeof k->text - o, " | %s | %s | %s\n", m, l,
                              v[i].message);
    }
}

static void release_check(checked *k)
{
    crisk_check_free(k->c);
    crisk_policy_free(k->p);
    crisk_analysis_free(k->a);
    crisk_inventory_free(k->inv);
}

static void expect_check(const char *inventory, const char *policy, const char *expected)
{
    checked k;
    run_check(&k, inventory, policy);
    cr_expect_str_eq(k.text, expected, "%s on %s", policy, inventory);
    release_check(&k);
}

#define BUSY POLICY("busy")
#define CALM POLICY("calm")

/*
 * busy: pay (criticality 5, rto 2) needs 1 of the hosting group {cloud-a,
 * cloud-b} and 1 of the internet group {isp-1, isp-2}; both clouds run in
 * dc and both carriers through ix, so dc and ix defeat the groups and are
 * pay's SPOFs (dc and ix have substitutability none).  mail (2, rto 24) and
 * ledger (1, no rto) use saas, which runs on cloud-a; hr (criticality not
 * given, 48) uses lib.  Total criticality 9.  calm: pay (5, rto 8) needs 1
 * of {a, b}, nothing shared.
 */
Test(policy, max_hhi_compares_the_market_s_hhi_with_the_limit)
{
    /* cloud spend: cloud-a 700, cloud-b 300: 0.7^2 + 0.3^2 = 5800 */
    expect_check(BUSY, POLICY("rules/max_hhi_pass.json"), "max_hhi holds checked 1 violations 0\n");
    expect_check(BUSY, POLICY("rules/max_hhi_fail.json"),
                 "max_hhi violated checked 1 violations 1\n"
                 "cloud-a | 5800 | 5000 | market 'cloud': HHI 5800 on the spend basis, above 5000 "
                 "(largest provider 'cloud-a', 70.0%)\n");
}

Test(policy, max_top1_share_names_the_largest_entity_and_its_providers)
{
    /* by parent, spend: Acme (cloud-a, cloud-b) 1000 of 1200 */
    expect_check(BUSY, POLICY("rules/max_top1_share_pass.json"),
                 "max_top1_share holds checked 1 violations 0\n");
    expect_check(BUSY, POLICY("rules/max_top1_share_fail.json"),
                 "max_top1_share violated checked 1 violations 1\n"
                 "cloud-a,cloud-b | 0.833333 | 0.8 | providers by parent: the largest parent, "
                 "'Acme', has 83.3% on the spend basis, above 80.0%\n");
}

Test(policy, max_impact_share_finds_the_providers_that_take_down_too_much)
{
    /* dc fails pay, mail and ledger: 8 of 9 */
    expect_check(BUSY, POLICY("rules/max_impact_share_pass.json"),
                 "max_impact_share holds checked 8 violations 0\n");
    expect_check(BUSY, POLICY("rules/max_impact_share_fail.json"),
                 "max_impact_share violated checked 8 violations 1\n"
                 "dc | 0.888889 | 0.85 | 'dc' takes down 3 of 4 functions alone: criticality 8 "
                 "of 9, 88.9%, above 85.0%\n");
}

Test(policy, no_spof_counts_the_spofs_of_critical_functions_by_substitutability)
{
    expect_check(BUSY, POLICY("rules/no_spof_pass.json"), "no_spof holds checked 1 violations 0\n");
    expect_check(BUSY, POLICY("rules/no_spof_fail.json"),
                 "no_spof violated checked 1 violations 2\n"
                 "pay,dc | 5 | 5 | 'pay' (criticality 5) fails when 'dc' alone fails "
                 "(substitutability none)\n"
                 "pay,ix | 5 | 5 | 'pay' (criticality 5) fails when 'ix' alone fails "
                 "(substitutability none)\n");
    expect_check(CALM, POLICY("rules/no_spof_fail.json"), "no_spof holds checked 1 violations 0\n");
}

Test(policy, no_false_redundancy_reports_each_group_and_what_defeats_it)
{
    expect_check(BUSY, POLICY("rules/no_false_redundancy.json"),
                 "no_false_redundancy violated checked 2 violations 2\n"
                 "pay,dc | 2 | 1 | group 'hosting' of 'pay' (need 1 of 2) fails when 'dc' fails: "
                 "2 members down, it can spare 1\n"
                 "pay,ix | 2 | 1 | group 'internet' of 'pay' (need 1 of 2) fails when 'ix' fails: "
                 "2 members down, it can spare 1\n");
    expect_check(CALM, POLICY("rules/no_false_redundancy.json"),
                 "no_false_redundancy holds checked 1 violations 0\n");
}

Test(policy, no_breach_compares_recovery_with_the_tolerance_of_each_function_taken_down)
{
    /* pay (rto 2): dc 24 h, ix 12 h; mail (rto 24): saas 2, cloud-a 8, dc 24 - none */
    expect_check(BUSY, POLICY("rules/no_breach.json"),
                 "no_breach violated checked 2 violations 2\n"
                 "pay,dc | 24 | 2 | 'pay' fails when 'dc' fails, which needs 24 h to recover; "
                 "'pay' tolerates 2 h\n"
                 "pay,ix | 12 | 2 | 'pay' fails when 'ix' fails, which needs 12 h to recover; "
                 "'pay' tolerates 2 h\n");
    expect_check(CALM, POLICY("rules/no_breach.json"), "no_breach holds checked 1 violations 0\n");
}

Test(policy, complete_lists_the_fields_each_node_lacks)
{
    expect_check(BUSY, POLICY("rules/complete_functions.json"),
                 "complete violated checked 4 violations 2\n"
                 "hr | - | - | function 'hr' has no criticality\n"
                 "ledger | - | - | function 'ledger' has no rto_hours\n");
    expect_check(BUSY, POLICY("rules/complete_providers.json"),
                 "complete violated checked 8 violations 5\n"
                 "isp-1 | - | - | provider 'isp-1' has no parent\n"
                 "isp-2 | - | - | provider 'isp-2' has no parent\n"
                 "ix | - | - | provider 'ix' has no parent\n"
                 "lib | - | - | provider 'lib' has no substitutability\n"
                 "saas | - | - | provider 'saas' has no country, parent and substitutability\n");
    /* tier 1: cloud-a, cloud-b, isp-1, isp-2, saas, lib */
    expect_check(BUSY, POLICY("rules/complete_tier1.json"),
                 "complete violated checked 6 violations 1\n"
                 "lib | - | - | tier-1 provider 'lib' has no spend\n");
    expect_check(BUSY, POLICY("rules/complete_fields.json"),
                 "complete violated checked 8 violations 3\n"
                 "dc | - | - | provider 'dc' has no spend\n"
                 "ix | - | - | provider 'ix' has no spend\n"
                 "lib | - | - | provider 'lib' has no recovery_hours and spend\n");
    static const char *const scopes[] = { "functions", "providers", "tier1", "fields" };
    for (size_t i = 0; i < 4; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/rules/complete_%s.json", CRISK_FIXTURES "/policy", scopes[i]);
        checked k;
        run_check(&k, CALM, path);
        cr_expect_eq(crisk_check_failed(k.c), 0, "%s", path);
        release_check(&k);
    }
}

Test(policy, refuses_an_analysis_without_what_its_rules_need)
{
    checked k;
    run_check(&k, CALM, POLICY("rules/no_false_redundancy.json"));
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.keep_false_redundancy = 0;
    crisk_analysis *bare = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&bare, k.inv, &opts, &err), CRISK_OK);
    crisk_check *c = NULL;
    cr_expect_eq(crisk_check_run(&c, k.p, bare, NULL, &err), CRISK_EUSAGE);
    cr_expect_str_eq(err.message, "the policy needs an analysis that keeps false redundancy");
    crisk_analysis_free(bare);
    release_check(&k);
}

/* The SPOF and breach rules scan the pairs themselves: an analysis that
 * kept no SPOF lists gives the same findings as one that did. */
Test(policy, checks_spofs_and_breaches_without_the_analysis_spof_lists)
{
    checked k;
    run_check(&k, BUSY, POLICY("rules/no_breach_all.json"));
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.keep_spofs = 0;
    opts.keep_false_redundancy = 0;
    crisk_analysis *bare = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&bare, k.inv, &opts, &err), CRISK_OK);
    crisk_check *c = NULL;
    cr_assert_eq(crisk_check_run(&c, k.p, bare, NULL, &err), CRISK_OK, "%s", err.message);
    size_t n1, n2;
    const crisk_violation *x = crisk_check_violations(k.c, &n1), *y = crisk_check_violations(c, &n2);
    cr_expect_eq(n1, 4);
    cr_assert_eq(n1, n2);
    for (size_t i = 0; i < n1; i++)
        cr_expect_str_eq(y[i].message, x[i].message);
    crisk_check_free(c);
    crisk_analysis_free(bare);
    release_check(&k);
}

/* A policy file with `text`, checked against `inv` analysed without SPOF
 * lists. */
static crisk_check *check_text(const crisk_inventory *inv, crisk_analysis **a, crisk_policy **p,
                               const char *text)
{
    char path[] = "/tmp/crisk-policy-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs(text, f);
    fclose(f);
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_policy_load(p, path, &diags, &err), CRISK_OK, "%s", err.message);
    unlink(path);
    crisk_diagnostics_release(&diags);
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.keep_spofs = 0;
    cr_assert_eq(crisk_analysis_run(a, inv, &opts, &err), CRISK_OK);
    crisk_check *c = NULL;
    cr_assert_eq(crisk_check_run(&c, *p, *a, NULL, &err), CRISK_OK, "%s", err.message);
    return c;
}

/* 1 200 functions f0000..f1199 (criticality 5), each depending on q,
 * which depends on p: every function has the two SPOFs p (hard, 10 h to
 * recover) and q (easy, no recovery_hours) - 2 400 pairs.  Functions
 * f0000, f0007, ... (i % 7 == 0: 172 of them) have no rto_hours, the
 * others tolerate 1 h.  The rules keep the first 1 000 findings in order
 * (functions by id, then nodes by id) and count every one:
 *   no_spof, every SPOF:  2 400; the 1 000th is (f0499, q);
 *   no_spof, hard only:   1 200 (p's); the 1 000th is (f0999, p);
 *   no_breach:            1 028 functions with rto 1: p breaches (10 > 1),
 *                         q cannot be judged (no recovery_hours): 1 028
 *                         violations and 1 028 + 172 unknown findings;
 *                         f0000 comes first, alone ("has no rto_hours"). */
Test(policy, keeps_the_first_spof_and_breach_findings_of_a_rule_and_counts_them_all)
{
    tl_builder t;
    tl_builder_begin(&t);
    char ids[1200][8];
    for (int i = 0; i < 1200; i++) {
        snprintf(ids[i], sizeof ids[i], "f%04d", i);
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rec.id = ids[i];
        rec.type = CRISK_NODE_FUNCTION;
        rec.criticality = 5;
        rec.rto_hours = i % 7 == 0 ? NAN : 1;
        tl_builder_node(&t, &rec);
    }
    const char *providers[2] = { "p", "q" };
    for (int i = 0; i < 2; i++) {
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rec.id = providers[i];
        rec.type = CRISK_NODE_SUPPLIER;
        rec.recovery_hours = i == 0 ? 10 : NAN;
        rec.substitutability = i == 0 ? CRISK_SUBST_HARD : CRISK_SUBST_EASY;
        tl_builder_node(&t, &rec);
    }
    for (int i = 0; i < 1200; i++)
        tl_builder_plain(&t, ids[i], "q");
    tl_builder_plain(&t, "q", "p");
    crisk_inventory *inv = tl_builder_finish(&t);

    crisk_analysis *a = NULL;
    crisk_policy *p = NULL;
    crisk_check *c = check_text(inv, &a, &p,
        "{\"rules\": [{\"rule\": \"no_spof\"},\n"
        " {\"rule\": \"no_spof\", \"substitutability\": [\"hard\"]},\n"
        " {\"rule\": \"no_breach\"}]}\n");
    size_t n_rules, n;
    const crisk_rule_result *r = crisk_check_rules(c, &n_rules);
    const crisk_violation *v = crisk_check_violations(c, &n);
    cr_assert_eq(n_rules, 3);
    cr_expect_eq(r[0].violations, 2400);
    cr_expect_eq(r[0].kept, CRISK_CHECK_KEEP);
    cr_expect_eq(r[0].checked, 1200);
    cr_expect_str_eq(v[r[0].first].message,
                     "'f0000' (criticality 5) fails when 'p' alone fails (substitutability hard)");
    cr_expect_str_eq(v[r[0].first + 1].message,
                     "'f0000' (criticality 5) fails when 'q' alone fails (substitutability easy)");
    cr_expect_str_eq(v[r[0].first + 999].message,
                     "'f0499' (criticality 5) fails when 'q' alone fails (substitutability easy)");
    cr_expect_eq(r[1].violations, 1200);
    cr_expect_eq(r[1].kept, CRISK_CHECK_KEEP);
    cr_expect_str_eq(v[r[1].first + 999].message,
                     "'f0999' (criticality 5) fails when 'p' alone fails (substitutability hard)");
    cr_expect_eq(r[2].violations, 1028);
    cr_expect_eq(r[2].unknown, 1028 + 172);
    cr_expect_eq(r[2].kept, CRISK_CHECK_KEEP);
    cr_expect_str_eq(v[r[2].first].message,
                     "'f0000' has no rto_hours: whether the 2 nodes that take it down alone "
                     "breach its tolerance cannot be judged");
    cr_expect_str_eq(v[r[2].first + 1].message,
                     "'f0001' fails when 'p' fails, which needs 10 h to recover; 'f0001' tolerates 1 h");
    cr_expect_eq(v[r[2].first + 1].unknown, 0);
    cr_expect_eq(v[r[2].first + 2].unknown, 1);
    cr_expect_eq(crisk_check_failed(c), 3);
    crisk_check_free(c);
    crisk_policy_free(p);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
}

Test(policy, keeps_the_first_violations_of_a_rule_and_counts_them_all)
{
    /* 1 200 functions without rto_hours */
    crisk_builder *b = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    size_t src;
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    crisk_builder_begin_input(b);
    crisk_builder_add_source(b, &src, "nodes.csv", "nodes", NULL, 0, &err);
    for (int i = 0; i < 1200; i++) {
        char id[16];
        snprintf(id, sizeof id, "f%04d", i);
        crisk_node_record rec;
        crisk_node_record_init(&rec);
        rec.id = id;
        rec.type = CRISK_NODE_FUNCTION;
        rec.criticality = 1;
        cr_assert_eq(crisk_builder_add_node(b, src, &rec, &diags, &err), CRISK_OK);
    }
    crisk_inventory *inv = NULL;
    cr_assert_eq(crisk_builder_finish(b, &inv, &diags, &err), CRISK_OK);
    crisk_builder_free(b);
    crisk_analysis *a = NULL;
    cr_assert_eq(crisk_analysis_run(&a, inv, NULL, &err), CRISK_OK);
    crisk_policy *p = NULL;
    cr_assert_eq(crisk_policy_load(&p, POLICY("rules/complete_functions.json"), &diags, &err), CRISK_OK);
    crisk_check *c = NULL;
    cr_assert_eq(crisk_check_run(&c, p, a, NULL, &err), CRISK_OK);
    size_t n;
    const crisk_rule_result *r = crisk_check_rules(c, &n);
    cr_expect_eq(r[0].violations, 1200);
    cr_expect_eq(r[0].kept, CRISK_CHECK_KEEP);
    const crisk_violation *v = crisk_check_violations(c, &n);
    cr_expect_eq(n, CRISK_CHECK_KEEP);
    cr_expect_str_eq(v[0].message, "function 'f0000' has no rto_hours");
    cr_expect_str_eq(v[999].message, "function 'f0999' has no rto_hours");
    crisk_check_free(c);
    crisk_policy_free(p);
    crisk_analysis_free(a);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
}

/* ---- what cannot be judged ---------------------------------------------------------- */

/* busy, every function (no_breach_all): hr (rto 48) fails with lib, which
 * has no recovery_hours: cannot be judged; ledger has no rto_hours and
 * saas, cloud-a and dc take it down alone: cannot be judged; mail (rto 24)
 * breaches nothing (saas 2, cloud-a 8, dc 24: not above 24); pay as in
 * no_breach.json.  Unknown findings never count as holding. */
Test(policy, no_breach_reports_what_has_no_hours_to_compare_as_unknown)
{
    expect_check(BUSY, POLICY("rules/no_breach_all.json"),
                 "no_breach violated checked 4 violations 2 unknown 2\n"
                 "? hr,lib | - | - | 'hr' fails when 'lib' fails, which has no recovery_hours: "
                 "whether 'hr' (tolerates 48 h) is breached cannot be judged\n"
                 "? ledger | - | - | 'ledger' has no rto_hours: whether the 3 nodes that take it "
                 "down alone breach its tolerance cannot be judged\n"
                 "pay,dc | 24 | 2 | 'pay' fails when 'dc' fails, which needs 24 h to recover; "
                 "'pay' tolerates 2 h\n"
                 "pay,ix | 12 | 2 | 'pay' fails when 'ix' fails, which needs 12 h to recover; "
                 "'pay' tolerates 2 h\n");
}

/* Without a violation, an unknown finding makes the verdict "unknown": the
 * check does not hold (crisk_check_unknown), though nothing is violated. */
Test(policy, a_rule_with_only_unknown_findings_is_unknown_never_holds)
{
    checked k;
    run_check(&k, BUSY, POLICY("rules/scenarios_hours.json"));
    size_t n;
    const crisk_rule_result *r = crisk_check_rules(k.c, &n);
    cr_expect_str_eq(crisk_rule_verdict(&r[0]), "unknown");
    cr_expect_eq(crisk_check_failed(k.c), 0);
    cr_expect_eq(crisk_check_unknown(k.c), 1);
    release_check(&k);
    run_check(&k, CALM, POLICY("rules/scenarios_hours.json"));
    r = crisk_check_rules(k.c, &n);
    cr_expect_str_eq(crisk_rule_verdict(&r[0]), "holds");
    cr_expect_eq(crisk_check_unknown(k.c), 0);
    release_check(&k);
}

/* A spend market whose total is 0 has no HHI: with a provider whose spend
 * is not given that is not knowing, not an empty market.  busy by category
 * on spend: cloud 700 + 300 (5800), software saas 100 alone (10000: lib's
 * spend is not given but the market has a total), telecom 50 + 50 (5000),
 * other: dc without spend, nothing else - cannot be judged. */
Test(policy, a_market_without_any_spend_given_cannot_be_judged)
{
    expect_check(BUSY, POLICY("rules/max_hhi_unknown.json"),
                 "max_hhi violated checked 4 violations 3 unknown 1\n"
                 "cloud-a | 5800 | 2500 | market 'cloud': HHI 5800 on the spend basis, above 2500 "
                 "(largest provider 'cloud-a', 70.0%)\n"
                 "saas | 10000 | 2500 | market 'software': HHI 10000 on the spend basis, above 2500 "
                 "(largest provider 'saas', 100.0%)\n"
                 "isp-1 | 5000 | 2500 | market 'telecom': HHI 5000 on the spend basis, above 2500 "
                 "(largest provider 'isp-1', 50.0%)\n"
                 "? dc | - | - | market 'other': none of its 1 provider has a spend: the HHI on "
                 "the spend basis cannot be computed\n");
}

/* ---- scenario tests ----------------------------------------------------------------- */

/*
 * scenarios/fail.csv on busy, through the scenario engine (DESIGN §4 with
 * durations):
 *   fr-4h        country:FR = dc, 4 h: both clouds fail, so pay's hosting
 *                group is down 4 h > rto 2: breached (earliest: 2 h); mail
 *                down 4 h < 24; ledger down with no rto_hours.  Breached
 *                wins over unknown: a violation.
 *   software-1h  saas and lib, 1 h: mail 1 h < 24, hr 1 h < 48, ledger
 *                down 1 h with no rto_hours: cannot be judged.
 *   nl           cloud-b, 8 h: pay keeps cloud-a: nothing fails.  Holds.
 *   telecom      isp-1, isp-2 (4 h each) and ix (12 h), each its own
 *                recovery_hours: both carriers are down as long as ix, 12 h,
 *                so pay's internet group is down 12 h > 2: breached.
 * Findings in the file's order.  With "hours": 1 every scenario lasts 1 h:
 * pay is down 1 h < 2, so only ledger's unknowns are left.  On calm the
 * selectors match nothing but NL's b: nothing fails.
 */
Test(policy, scenarios_rule_runs_the_file_through_the_scenario_engine)
{
    expect_check(BUSY, POLICY("rules/scenarios_pass.json"), "scenarios holds checked 1 violations 0\n");
    expect_check(BUSY, POLICY("rules/scenarios_fail.json"),
                 "scenarios violated checked 4 violations 2 unknown 1\n"
                 "pay | 1 | 0 | scenario 'fr-4h' breaches the tolerance of 1 function, the first "
                 "2 h after the onset: 'pay' (down 4 h, tolerates 2 h)\n"
                 "? ledger | - | - | scenario 'software-1h' takes down 1 function whose tolerance "
                 "cannot be judged: 'ledger' (down 1 h, no rto_hours)\n"
                 "pay | 1 | 0 | scenario 'telecom' breaches the tolerance of 1 function, the first "
                 "2 h after the onset: 'pay' (down 12 h, tolerates 2 h)\n");
    expect_check(BUSY, POLICY("rules/scenarios_hours.json"),
                 "scenarios unknown checked 4 violations 0 unknown 2\n"
                 "? ledger | - | - | scenario 'fr-4h' takes down 1 function whose tolerance cannot "
                 "be judged: 'ledger' (down 1 h, no rto_hours)\n"
                 "? ledger | - | - | scenario 'software-1h' takes down 1 function whose tolerance "
                 "cannot be judged: 'ledger' (down 1 h, no rto_hours)\n");
    expect_check(CALM, POLICY("rules/scenarios_fail.json"), "scenarios holds checked 4 violations 0\n");
}

/* The same verdicts whatever the thread count, and the rule's requirement
 * names the file as the policy does. */
Test(policy, scenarios_rule_gives_the_same_findings_on_any_thread_count)
{
    checked k;
    run_check(&k, BUSY, POLICY("rules/scenarios_fail.json"));
    size_t n;
    const crisk_rule_result *r = crisk_check_rules(k.c, &n);
    cr_expect_str_eq(r[0].requires, "no scenario of ../scenarios/fail.csv breaches a function's "
                                    "tolerance");
    cr_expect_str_eq(r[0].name, "continuity");
    for (unsigned threads = 1; threads <= 3; threads++) {
        crisk_check_options opts = CRISK_CHECK_OPTIONS_INIT;
        opts.threads = threads;
        crisk_check *c = NULL;
        crisk_error err = CRISK_ERROR_INIT;
        cr_assert_eq(crisk_check_run(&c, k.p, k.a, &opts, &err), CRISK_OK, "%s", err.message);
        size_t na, nb;
        const crisk_violation *va = crisk_check_violations(k.c, &na);
        const crisk_violation *vb = crisk_check_violations(c, &nb);
        cr_assert_eq(na, nb);
        for (size_t i = 0; i < na; i++)
            cr_expect_str_eq(va[i].message, vb[i].message);
        crisk_check_free(c);
    }
    release_check(&k);
}

/* A policy's scenarios belong to the inventory they were read against: a
 * check of another inventory's analysis is refused. */
Test(policy, scenarios_read_against_another_inventory_are_refused)
{
    checked k, other;
    run_check(&k, BUSY, POLICY("rules/scenarios_pass.json"));
    run_check(&other, CALM, POLICY("rules/scenarios_pass.json"));
    crisk_check *c = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_expect_eq(crisk_check_run(&c, k.p, other.a, NULL, &err), CRISK_EUSAGE);
    cr_expect_null(c);
    release_check(&other);
    release_check(&k);
}

/* The scenario file a `scenarios` rule read is the policy's, to list among
 * a result's inputs: none before crisk_policy_load_scenarios, then the
 * rule's set with the file's path (relative to the policy's folder) and
 * digest; other rules have none. */
Test(policy, gives_each_scenarios_rule_s_set_once_read)
{
    crisk_inventory *inv = NULL;
    crisk_policy *p = NULL;
    load_both(&inv, &p, CRISK_SOURCE_DIR "/data/sample", CRISK_SOURCE_DIR "/data/policy.json");
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    size_t n = crisk_policy_rule_count(p), found = 0;
    for (size_t i = 0; i < n; i++)
        cr_expect_null(crisk_policy_scenario_set(p, i), "rule %zu before the load", i);
    cr_assert_eq(crisk_policy_load_scenarios(p, inv, &diags, &err), CRISK_OK, "%s", err.message);
    for (size_t i = 0; i < n; i++) {
        const crisk_scenario_set *set = crisk_policy_scenario_set(p, i);
        if (set == NULL)
            continue;
        const char *path = NULL, *sha = NULL;
        uint64_t bytes = 0;
        size_t rows = 0;
        crisk_scenario_set_source(set, &path, &sha, &bytes, &rows);
        cr_expect_str_eq(path, CRISK_SOURCE_DIR "/data/policy-scenarios.csv");
        cr_expect_eq(strlen(sha), 64);
        found++;
    }
    cr_expect_eq(found, 1);
    cr_expect_null(crisk_policy_scenario_set(p, n), "past the last rule");
    crisk_policy_free(p);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
}
