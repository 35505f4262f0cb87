/*
 * policy.h - a policy in memory (private): the rules the policy file reader
 * (src/import/policy_file.c) fills and the checker (src/analysis/check.c)
 * evaluates.  It lives in the model layer because both sides need it and
 * neither may include the other; like the inventory, it is plain data once
 * read.  docs/policy.md documents the file format rule by rule.
 */
#ifndef CRISK_POLICY_H
#define CRISK_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "chainrisk/chainrisk.h"
#include "util/util.h"

/* The kinds of rule, in the order docs/policy.md lists them. */
typedef enum crisk__rule_kind {
    CRISK__RULE_MAX_HHI,
    CRISK__RULE_MAX_TOP1_SHARE,
    CRISK__RULE_MAX_IMPACT_SHARE,
    CRISK__RULE_NO_SPOF,
    CRISK__RULE_NO_FALSE_REDUNDANCY,
    CRISK__RULE_NO_BREACH,
    CRISK__RULE_COMPLETE,
    CRISK__RULE_SCENARIOS,
    CRISK__RULE_KIND_COUNT
} crisk__rule_kind;

/* "max_hhi", ... (the policy file's spelling). */
extern const char *const crisk__rule_names[CRISK__RULE_KIND_COUNT];

/* Whose fields a completeness rule checks. */
typedef enum crisk__scope {
    CRISK__SCOPE_FUNCTIONS,     /* every function */
    CRISK__SCOPE_PROVIDERS,     /* every node that is not a function */
    CRISK__SCOPE_TIER1,         /* every provider at tier 1 */
    CRISK__SCOPE_COUNT
} crisk__scope;

extern const char *const crisk__scope_names[CRISK__SCOPE_COUNT];

/* The basis of a concentration rule. */
typedef enum crisk__basis { CRISK__BASIS_SPEND, CRISK__BASIS_RELIANCE, CRISK__BASIS_COUNT } crisk__basis;

extern const char *const crisk__basis_names[CRISK__BASIS_COUNT];

/* Markets grouped by: "category", "parent", "country" (crisk_concentration_by). */
extern const char *const crisk__by_names[3];

/* One rule.  Fields a kind does not use stay zero. */
typedef struct crisk__rule {
    crisk__rule_kind kind;
    const char *name;            /* the policy's label for it, or NULL */
    size_t line, column;         /* where its object starts in the policy file */
    crisk_concentration_by by;   /* max_hhi, max_top1_share */
    crisk__basis basis;
    int market;                  /* a category (by category only), or -1: every market */
    double max;                  /* max_hhi (0..10000), max_*_share (0..1) */
    double min_criticality;      /* no_spof, no_breach: functions with criticality >= this */
    unsigned substitutability;   /* no_spof: bit (1 << crisk_substitutability) per value
                                  * counted (CRISK_SUBST_UNSET = unknown); 0 = every SPOF */
    crisk__scope scope;          /* complete */
    unsigned fields;             /* complete: bit (1 << crisk_node_field) per field */
    const char *file;            /* scenarios: the scenario file as the policy names it */
    const char *file_path;       /* scenarios: that file, relative to the policy's folder */
    size_t file_line, file_column;   /* scenarios: where "file"'s value stands in the policy */
    int use_hours;               /* scenarios: every scenario lasts `hours` (as --hours) */
    double hours;
    crisk_scenario_set *set;     /* scenarios: the file read against `set_inv` by
                                  * crisk_policy_load_scenarios (owned); NULL until then */
    const crisk_inventory *set_inv;
} crisk__rule;

struct crisk_policy {
    char *path;                  /* as the user gave it */
    char sha256[65];             /* of the file's bytes */
    uint64_t bytes;
    const char *name;            /* "name", or NULL */
    crisk__rule *rules;
    size_t n_rules;
    crisk__pool pool;            /* every string above but `path` */
};

#endif
