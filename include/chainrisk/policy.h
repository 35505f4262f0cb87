/*
 * chainrisk/policy.h - a policy gate: rules an inventory must meet (DESIGN
 * §5, "Change over time"), read from a JSON file and checked against an
 * analysis.  docs/policy.md documents the file rule by rule.
 *
 * Ownership: crisk_policy_load() and crisk_check_run() return objects owned
 * by the caller (free with their _free, which accepts NULL).  A check
 * borrows its policy and analysis: free it first.  Pointers the getters
 * return are borrowed and live as long as their object.
 */
#ifndef CHAINRISK_POLICY_H
#define CHAINRISK_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "analysis.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest policy file read: a policy is a page of rules. */
#define CRISK_MAX_POLICY_BYTES (1u << 20)

typedef struct crisk_policy crisk_policy;

/* Read and validate the policy file `path`.  Every problem goes to `diags`
 * as POLICY:LINE:COLUMN: message, LINE/COLUMN locating the offending key
 * or value (unknown rule names and keys with "did you mean"); then nothing
 * is returned, `err` holds the first problem and the result is
 * CRISK_EINVALID.  A missing or unreadable file is CRISK_ENOTFOUND /
 * CRISK_EIO, one larger than CRISK_MAX_POLICY_BYTES CRISK_ELIMIT (in `err`
 * and `diags`); CRISK_ENOMEM.  Time O(bytes). */
int  crisk_policy_load(crisk_policy **out, const char *path, crisk_diagnostics *diags,
                       crisk_error *err);
void crisk_policy_free(crisk_policy *p);

const char *crisk_policy_path(const crisk_policy *p);
const char *crisk_policy_name(const crisk_policy *p);     /* "name", or NULL */
const char *crisk_policy_sha256(const crisk_policy *p);   /* of the file, 64 hex digits */
uint64_t crisk_policy_bytes(const crisk_policy *p);       /* the file's size */
size_t crisk_policy_rule_count(const crisk_policy *p);

/* What checking the policy needs: what the analysis must keep
 * (crisk_analysis_options), and CRISK_POLICY_NEEDS_SCENARIOS when a
 * `scenarios` rule needs its scenario file read against the inventory
 * (crisk_policy_load_scenarios) first.  No rule needs the SPOF lists any
 * more (no_spof and no_breach scan the pairs themselves): the flag stays
 * for callers that test it, and is never set. */
enum {
    CRISK_POLICY_NEEDS_SPOFS = 1,
    CRISK_POLICY_NEEDS_FALSE_REDUNDANCY = 2,
    CRISK_POLICY_NEEDS_SCENARIOS = 4
};
unsigned crisk_policy_needs(const crisk_policy *p);

/* Read the scenario file of every `scenarios` rule of `p` against `inv`
 * (crisk_scenario_set_load: its problems go to `diags` as
 * SCENARIOS:LINE:COLUMN), replacing what an earlier call read.  The file
 * is the rule's "file", relative to the policy file's folder unless
 * absolute.  A check of an analysis of `inv` may then run; `p` borrows
 * `inv` until the next call or crisk_policy_free.  On error the rule that
 * failed holds no scenarios, `err` has the first problem and the result is
 * crisk_scenario_set_load's.  Time: the readers'. */
int crisk_policy_load_scenarios(crisk_policy *p, const crisk_inventory *inv,
                                crisk_diagnostics *diags, crisk_error *err);

/* The scenario set rule `rule` (0 to crisk_policy_rule_count - 1) read
 * with crisk_policy_load_scenarios - its file's path and SHA-256 through
 * crisk_scenario_set_source - or NULL: not a `scenarios` rule, or not read
 * yet.  Borrowed until the next load or crisk_policy_free.  O(1). */
const crisk_scenario_set *crisk_policy_scenario_set(const crisk_policy *p, size_t rule);

/* ---- checking ---------------------------------------------------------------- */

typedef struct crisk_check crisk_check;

/* Each rule's verdict, in policy order: "violated" when it found a
 * violation; else "unknown" when something in its scope cannot be judged
 * (a tolerance without the hours to compare, a scenario whose downtimes
 * straddle a tolerance, a market with no spend given): never "holds" for
 * what could not be checked; else "holds". */
typedef struct crisk_rule_result {
    const char *rule;           /* its kind: "max_hhi", "no_spof", ... */
    const char *name;           /* the policy's label for it, or NULL */
    const char *requires;       /* what it requires, in words */
    size_t line, column;        /* where the rule starts in the policy file */
    size_t checked;             /* markets, providers, functions, groups or nodes it looked at */
    size_t violations;          /* every violation found */
    size_t unknown;             /* every finding that cannot be judged */
    size_t first, kept;         /* the findings kept (violations and unknown ones, in
                                 * the rule's order): crisk_check_violations()[first ..
                                 * first + kept), at most CRISK_CHECK_KEEP */
} crisk_rule_result;

/* "violated", "unknown" or "holds" (above). */
const char *crisk_rule_verdict(const crisk_rule_result *r);

/* A rule keeps at most this many findings (the first in its order); its
 * counts stay exact. */
#define CRISK_CHECK_KEEP 1000

/* One finding, a violation or something that cannot be judged: the
 * offending nodes, the measured value against the limit (NaN where the
 * rule measures no number: a missing field, an unknown finding), and the
 * finding in words.  Within a rule, findings come in the order the rule's
 * requirement lists them (docs/policy.md). */
typedef struct crisk_violation {
    size_t rule;                /* index into crisk_check_rules() */
    int unknown;                /* 1: cannot be judged, not a violation */
    const uint32_t *nodes;      /* node indices of the analysis' inventory */
    size_t n_nodes;
    double measured, limit;
    const char *message;
} crisk_violation;

typedef struct crisk_check_options {
    unsigned threads;             /* scenario sweeps; 0 = one per online CPU */
} crisk_check_options;

#define CRISK_CHECK_OPTIONS_INIT { 0 }

/* Evaluate every rule of `p` on `a` (`opts` may be NULL: the defaults).
 * The analysis must keep what crisk_policy_needs() says, and a policy with
 * `scenarios` rules must have read their files against a's inventory
 * (crisk_policy_load_scenarios); CRISK_EUSAGE otherwise.  Results do not
 * depend on the thread count.  Errors: CRISK_EUSAGE, CRISK_ENOMEM, the
 * scenario engine's.  Time O(V log V) per concentration rule, O(V) per
 * metric or completeness rule, O(F) for false redundancy (F its findings),
 * crisk_scenarios_run per scenarios rule; for all SPOF and breach rules
 * together O(S r) for the S SPOF pairs and r such rules (memory O(V + r
 * CRISK_CHECK_KEEP): the pairs are counted, not kept) - read from the
 * analysis' own sweeps when it ran with crisk_analysis_options.policy ==
 * p, else after one more sweep of the nodes that take a function down. */
int  crisk_check_run(crisk_check **out, const crisk_policy *p, const crisk_analysis *a,
                     const crisk_check_options *opts, crisk_error *err);
void crisk_check_free(crisk_check *c);

const crisk_policy *crisk_check_policy(const crisk_check *c);
const crisk_analysis *crisk_check_analysis(const crisk_check *c);
const crisk_rule_result *crisk_check_rules(const crisk_check *c, size_t *count);
const crisk_violation *crisk_check_violations(const crisk_check *c, size_t *count);
/* Rules violated; rules whose verdict is "unknown".  The inventory meets
 * the policy when both are 0. */
size_t crisk_check_failed(const crisk_check *c);
size_t crisk_check_unknown(const crisk_check *c);

#ifdef __cplusplus
}
#endif
#endif
