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
size_t crisk_policy_rule_count(const crisk_policy *p);

/* What the analysis must keep for the policy's rules (crisk_analysis_options). */
enum { CRISK_POLICY_NEEDS_SPOFS = 1, CRISK_POLICY_NEEDS_FALSE_REDUNDANCY = 2 };
unsigned crisk_policy_needs(const crisk_policy *p);

/* ---- checking ---------------------------------------------------------------- */

typedef struct crisk_check crisk_check;

/* Each rule's verdict, in policy order. */
typedef struct crisk_rule_result {
    const char *rule;           /* its kind: "max_hhi", "no_spof", ... */
    const char *name;           /* the policy's label for it, or NULL */
    const char *requires;       /* what it requires, in words */
    size_t line, column;        /* where the rule starts in the policy file */
    size_t checked;             /* markets, providers, functions, groups or nodes it looked at */
    size_t violations;          /* every violation found */
    size_t first, kept;         /* the violations kept: crisk_check_violations()[first ..
                                 * first + kept), at most CRISK_CHECK_KEEP */
} crisk_rule_result;

/* A rule keeps at most this many violations (the first in its order); its
 * count stays exact. */
#define CRISK_CHECK_KEEP 1000

/* One violation: the offending nodes, the measured value against the limit
 * (NaN where the rule measures no number: a missing field), and the
 * violation in words.  Within a rule, violations come in the order the
 * rule's requirement lists them (docs/policy.md). */
typedef struct crisk_violation {
    size_t rule;                /* index into crisk_check_rules() */
    const uint32_t *nodes;      /* node indices of the analysis' inventory */
    size_t n_nodes;
    double measured, limit;
    const char *message;
} crisk_violation;

/* Evaluate every rule of `p` on `a`.  The analysis must keep what
 * crisk_policy_needs() says (CRISK_EUSAGE otherwise).  Errors: CRISK_EUSAGE,
 * CRISK_ENOMEM.  Time O(V log V) per concentration rule, O(V) per metric or
 * completeness rule, O(S) per SPOF or breach rule (S the SPOF pairs), O(F)
 * for false redundancy (F its findings). */
int  crisk_check_run(crisk_check **out, const crisk_policy *p, const crisk_analysis *a,
                     crisk_error *err);
void crisk_check_free(crisk_check *c);

const crisk_policy *crisk_check_policy(const crisk_check *c);
const crisk_analysis *crisk_check_analysis(const crisk_check *c);
const crisk_rule_result *crisk_check_rules(const crisk_check *c, size_t *count);
const crisk_violation *crisk_check_violations(const crisk_check *c, size_t *count);
/* Rules violated (0: the inventory meets the policy). */
size_t crisk_check_failed(const crisk_check *c);

#ifdef __cplusplus
}
#endif
#endif
