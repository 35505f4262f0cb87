/*
 * policy.c - the spellings of a policy's rules and their parameters, and
 * the policy object's getters and release (policy.h).
 */
#include "policy.h"

#include <stdlib.h>

const char *const crisk__rule_names[CRISK__RULE_KIND_COUNT] = {
    "max_hhi", "max_top1_share", "max_impact_share", "no_spof", "no_false_redundancy",
    "no_breach", "complete", "scenarios"
};

const char *const crisk__scope_names[CRISK__SCOPE_COUNT] = { "functions", "providers", "tier1" };

const char *const crisk__basis_names[CRISK__BASIS_COUNT] = { "spend", "reliance" };

const char *const crisk__by_names[3] = { "category", "parent", "country" };

void crisk_policy_free(crisk_policy *p)
{
    if (p == NULL)
        return;
    free(p->path);
    for (size_t i = 0; i < p->n_rules; i++)
        crisk_scenario_set_free(p->rules[i].set);
    free(p->rules);
    crisk__pool_release(&p->pool);
    free(p);
}

const char *crisk_policy_path(const crisk_policy *p) { return p->path; }
const char *crisk_policy_name(const crisk_policy *p) { return p->name; }
const char *crisk_policy_sha256(const crisk_policy *p) { return p->sha256; }
uint64_t crisk_policy_bytes(const crisk_policy *p) { return p->bytes; }
size_t crisk_policy_rule_count(const crisk_policy *p) { return p->n_rules; }

const crisk_scenario_set *crisk_policy_scenario_set(const crisk_policy *p, size_t rule)
{
    return rule < p->n_rules ? p->rules[rule].set : NULL;
}

unsigned crisk_policy_needs(const crisk_policy *p)
{
    unsigned needs = 0;
    for (size_t i = 0; i < p->n_rules; i++) {
        crisk__rule_kind k = p->rules[i].kind;
        if (k == CRISK__RULE_NO_FALSE_REDUNDANCY)
            needs |= CRISK_POLICY_NEEDS_FALSE_REDUNDANCY;
        if (k == CRISK__RULE_SCENARIOS)
            needs |= CRISK_POLICY_NEEDS_SCENARIOS;
    }
    return needs;
}
